//! The session's recent status messages, newest first, for the `!` overlay: a bounded ring of
//! what went to the status line, so a message that was replaced by the next key can still be
//! read whole.

use super::StatusMessage;
use std::collections::VecDeque;

/// How many messages the `!` overlay keeps.
pub const KEEP: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct Messages {
    /// Newest first.
    ring: VecDeque<StatusMessage>,
    /// The status line as last seen, so a message that stays up is kept once.
    seen: Option<StatusMessage>,
}

impl Messages {
    /// Records the status line if it changed since the last look.
    pub fn observe(&mut self, status: &Option<StatusMessage>) {
        if *status == self.seen {
            return;
        }
        self.seen.clone_from(status);
        if let Some(m) = status {
            if !m.text.trim().is_empty() {
                self.ring.push_front(m.clone());
                self.ring.truncate(KEEP);
            }
        }
    }

    /// The kept messages, newest first.
    pub fn iter(&self) -> impl Iterator<Item = &StatusMessage> {
        self.ring.iter()
    }

    pub fn len(&self) -> usize {
        self.ring.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(text: &str) -> Option<StatusMessage> {
        Some(StatusMessage {
            text: text.to_string(),
            error: false,
        })
    }

    #[test]
    fn keeps_the_last_messages_newest_first_once_each() {
        let mut m = Messages::default();
        m.observe(&None);
        assert!(m.is_empty());
        m.observe(&msg("one"));
        m.observe(&msg("one")); // still up: kept once
        m.observe(&None);
        m.observe(&msg("one")); // said again later: kept again
        m.observe(&msg("two"));
        let texts: Vec<&str> = m.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["two", "one", "one"]);
        for i in 0..50 {
            m.observe(&msg(&format!("n{i}")));
        }
        assert_eq!(m.len(), KEEP);
        assert_eq!(m.iter().next().map(|s| s.text.as_str()), Some("n49"));
        assert_eq!(m.iter().last().map(|s| s.text.as_str()), Some("n30"));
    }
}
