//! Flags that warn (suspicious sender, bounced reply, possible duplicate order, warning
//! note): a red badge and a one-line reason wherever a conversation shows (the list, the
//! thread, the reply screens). Reasons are cleaned: parts of them came from a message.

use super::fit;
use crate::store::Flag;

/// "⚠ SUSPICIOUS" (the most serious flag), "⚠ SUSPICIOUS+1" when there are more.
pub fn badge(flags: &[Flag]) -> Option<String> {
    let first = flags.first()?;
    Some(match flags.len() {
        1 => format!("⚠ {}", first.kind.badge()),
        n => format!("⚠ {}+{}", first.kind.badge(), n - 1),
    })
}

pub use crate::layout::thread::flag_line as line;

/// Every flag on one line, cut to `width`.
pub fn reason_line(flags: &[Flag], width: usize) -> Option<String> {
    if flags.is_empty() {
        return None;
    }
    let text = flags.iter().map(line).collect::<Vec<_>>().join(" · ");
    Some(fit(&text, width))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::FlagKind;

    #[test]
    fn badges_and_reasons() {
        let f = |kind, reason: &str| Flag {
            kind,
            reason: reason.to_string(),
        };
        assert_eq!(badge(&[]), None);
        let one = [f(FlagKind::Bounced, "your reply bounced\x1b[31m")];
        assert_eq!(badge(&one).as_deref(), Some("⚠ BOUNCED"));
        assert_eq!(
            reason_line(&one, 80).as_deref(),
            Some("⚠ BOUNCED: your reply bounced")
        );
        let two = [
            f(FlagKind::Suspicious, "odd sender"),
            f(FlagKind::Warning, "card declined"),
        ];
        assert_eq!(badge(&two).as_deref(), Some("⚠ SUSPICIOUS+1"));
        assert_eq!(
            reason_line(&two, 30).as_deref(),
            Some("⚠ SUSPICIOUS: odd sender · ⚠ …")
        );
    }
}
