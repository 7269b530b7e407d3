//! The claim on the conversation being replied to (issue 26, "no double replies"): while a
//! reply is open (template picker or confirm screen) the other copies see "<name> is
//! replying"; the claim is renewed before it lapses and cleared when the reply is left unsent.
//! A copy that dies renews nothing, so its claim ends by itself (`until`).

use super::{App, Screen};
use crate::store::ConversationId;

/// Renew when half the claim's life has passed, so that a sync every few minutes carries the
/// renewal to the others before `until`.
const RENEW_AFTER_SECONDS: i64 = crate::shared::CLAIM_SECONDS / 2;

impl App {
    /// The conversation a reply is open for, if any.
    fn replying_to(&self) -> Option<ConversationId> {
        self.stack.iter().rev().find_map(|s| match s {
            Screen::Templates(p) => Some(p.conversation),
            Screen::Confirm(c) => Some(c.draft.conversation_id),
            _ => None,
        })
    }

    /// Reload who is replying elsewhere (at each refresh: after a sync, each minute).
    pub(super) fn load_replying(&mut self) {
        self.replying = self
            .data
            .replying_elsewhere()
            .map(|v| v.into_iter().collect())
            .unwrap_or_default();
    }

    /// "Anna is replying (since 14:02)" when another copy is replying to `id` now.
    pub fn replying_line(&self, id: ConversationId) -> Option<String> {
        let c = self.replying.get(&id)?;
        let tz = self.data.calendar().tz;
        let since = chrono::DateTime::from_timestamp(c.since, 0)?
            .with_timezone(&tz)
            .format("%H:%M");
        let who = crate::mail::sanitize::line(c.by.trim());
        let who = if who.is_empty() {
            "another copy of shopinbox".to_string()
        } else {
            who
        };
        Some(format!("{who} is replying (since {since})"))
    }

    /// This copy claimed `id` just now (opening a reply).
    pub(super) fn claimed_now(&mut self, id: ConversationId) {
        self.claimed = Some((id, self.now));
    }

    /// The reply to `id` went out: its claim became "replied", nothing to release.
    pub(super) fn claim_settled(&mut self, id: ConversationId) {
        if self.claimed.map(|(c, _)| c) == Some(id) {
            self.claimed = None;
        }
    }

    /// After every action: claim what is being replied to, renew a claim that is half over,
    /// release one whose reply was left unsent.
    pub(super) fn keep_claim(&mut self) {
        let open = self.replying_to();
        let held = self.claimed;
        if let Some((id, _)) = held.filter(|(id, _)| Some(*id) != open) {
            self.claimed = None;
            if let Err(e) = self.data.claim(id, true) {
                self.error(e.sentence());
            }
        }
        let Some(id) = open else {
            return;
        };
        let due = match self.claimed {
            Some((_, at)) => (self.now - at).num_seconds() >= RENEW_AFTER_SECONDS,
            None => true,
        };
        if due {
            self.claimed = Some((id, self.now));
            if let Err(e) = self.data.claim(id, false) {
                self.error(e.sentence());
            }
        }
    }
}
