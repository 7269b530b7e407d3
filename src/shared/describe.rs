//! Shared changes in words, for the history of who did what in a conversation. Pure.

use super::change::{ItemKey, Value};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

fn local(secs: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or(DateTime::UNIX_EPOCH)
        .with_timezone(&tz)
        .format("%a %d %b %H:%M")
        .to_string()
}

/// "snoozed until Wed 25 Nov 10:00", "took back 'answered by phone'", … `None` for changes a
/// history does not show (an expired claim renewal, an unknown kind).
pub fn describe(item: &ItemKey, value: &Value, tz: Tz) -> Option<String> {
    let cleared = matches!(value, Value::Clear);
    let at = match value {
        Value::At { at } => Some(*at),
        _ => None,
    };
    Some(match item {
        ItemKey::Snooze { .. } => match at {
            Some(t) => format!("snoozed until {}", local(t, tz)),
            None => "woke it from its snooze".to_string(),
        },
        ItemKey::Answered { .. } if cleared => "took back \"answered by phone\"".to_string(),
        ItemKey::Answered { .. } => "marked it answered by phone".to_string(),
        ItemKey::FollowUp { .. } => match value {
            Value::FollowUp { at, .. } => format!("promised a follow-up by {}", local(*at, tz)),
            _ => "dropped the follow-up".to_string(),
        },
        ItemKey::Pulled { .. } if cleared => "put it back into history".to_string(),
        ItemKey::Pulled { .. } => "pulled it into Needs reply".to_string(),
        ItemKey::DuplicateDismissed { .. } if cleared => {
            "took back \"not a duplicate order\"".to_string()
        }
        ItemKey::DuplicateDismissed { .. } => "said it is not a duplicate order".to_string(),
        ItemKey::Claim { .. } => match value {
            Value::Claim { .. } => "started a reply".to_string(),
            Value::At { .. } => "sent a reply".to_string(),
            _ => "left the reply unsent".to_string(),
        },
        ItemKey::Rule { .. } | ItemKey::FirstName { .. } | ItemKey::Note { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_what_someone_did() {
        let t = || "t@x".to_string();
        // 2026-11-25 09:00 UTC is 10:00 in Berlin.
        let at = 1_795_597_200;
        let cases = [
            (
                ItemKey::Snooze { thread: t() },
                Value::At { at },
                Some("snoozed until Wed 25 Nov 10:00"),
            ),
            (
                ItemKey::Snooze { thread: t() },
                Value::Clear,
                Some("woke it from its snooze"),
            ),
            (
                ItemKey::Answered { thread: t() },
                Value::At { at },
                Some("marked it answered by phone"),
            ),
            (
                ItemKey::Answered { thread: t() },
                Value::Clear,
                Some("took back \"answered by phone\""),
            ),
            (
                ItemKey::FollowUp { thread: t() },
                Value::FollowUp { at, made: 0 },
                Some("promised a follow-up by Wed 25 Nov 10:00"),
            ),
            (
                ItemKey::Claim { thread: t() },
                Value::Claim { since: 0, until: 1 },
                Some("started a reply"),
            ),
            (
                ItemKey::Claim { thread: t() },
                Value::At { at },
                Some("sent a reply"),
            ),
            (
                ItemKey::FirstName { addr: "a@x".into() },
                Value::Clear,
                None,
            ),
        ];
        for (item, value, want) in cases {
            let got = describe(&item, &value, chrono_tz::Europe::Berlin);
            assert_eq!(got.as_deref(), want, "{item:?} {value:?}");
        }
    }
}
