//! The commands that change conversations, on several ids at once:
//! `snooze 12 13 14 "2026-11-25 09:00"`, `answered 12 13`, `not-duplicate 31 32`.
//!
//! Every id is checked before anything changes (an unknown one is a usage error naming it),
//! then all changes go into one store transaction, then each conversation is reported.

use crate::config::Config;
use crate::deadline;
use crate::exit::{Exit, USAGE};
use crate::store::{ConversationId, MarkChange, Store};
use anyhow::Result;
use chrono::{DateTime, Utc};

/// `snooze`'s positional words: ids, then optionally the time. The time is the one word that
/// is not a whole number, and only the last word may be it, so the shape stays unambiguous.
pub fn split_ids_and_time(words: &[String]) -> Result<(Vec<ConversationId>, Option<String>)> {
    let (last, rest) = match words.split_last() {
        Some(x) => x,
        None => {
            return Err(Exit::new(
                USAGE,
                "say which conversation, e.g. `shopinbox snooze 12 \"2026-11-25 09:00\"`",
            )
            .into())
        }
    };
    let mut ids = Vec::with_capacity(words.len());
    for w in rest {
        ids.push(parse_id(w)?);
    }
    match last.trim().parse::<ConversationId>() {
        Ok(id) => {
            ids.push(id);
            Ok((ids, None))
        }
        Err(_) if ids.is_empty() => Err(Exit::new(
            USAGE,
            format!(
                "{:?} is not a conversation id; give the ids `shopinbox list` prints, then the time",
                crate::mail::sanitize::line(last)
            ),
        )
        .into()),
        Err(_) => Ok((ids, Some(last.clone()))),
    }
}

fn parse_id(w: &str) -> Result<ConversationId> {
    w.trim().parse::<ConversationId>().map_err(|_| {
        Exit::new(
            USAGE,
            format!(
                "{:?} is not a conversation id; ids are the numbers `shopinbox list` prints, and the time comes last",
                crate::mail::sanitize::line(w)
            ),
        )
        .into()
    })
}

/// Every id names a conversation in the store; the first that does not is a usage error.
/// Ids given twice count once, in their first place.
pub fn check_ids(store: &Store, ids: &[ConversationId]) -> Result<Vec<ConversationId>> {
    let mut out: Vec<ConversationId> = Vec::with_capacity(ids.len());
    for id in ids {
        if out.contains(id) {
            continue;
        }
        if store.conversation(*id)?.is_none() {
            return Err(Exit::new(
                USAGE,
                format!(
                    "there is no conversation {id}; nothing was changed (`shopinbox list --all` shows the ids)"
                ),
            )
            .into());
        }
        out.push(*id);
    }
    Ok(out)
}

/// `--past-deadline`: the owner accepts that a snooze ends after a conversation is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastDeadline(pub bool);

/// `shopinbox snooze ID... (UNTIL | --clear) [--past-deadline]`. A snooze that ends after a
/// conversation is due needs `--past-deadline` (snoozing never hides lateness silently).
pub fn snooze(
    store: &mut Store,
    config: &Config,
    words: &[String],
    clear: bool,
    past_deadline: PastDeadline,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String> {
    let (ids, until) = split_ids_and_time(words)?;
    let until = match (until, clear) {
        (Some(_), true) => {
            return Err(Exit::new(USAGE, "give either a time or --clear, not both").into())
        }
        (_, true) => None,
        (Some(t), false) => Some(super::parse_time(&t, config)?),
        (None, false) => {
            let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            return Err(Exit::new(
                USAGE,
                format!(
                    "say until when, e.g. `shopinbox snooze {} \"2026-11-25 09:00\"`, or --clear",
                    list.join(" ")
                ),
            )
            .into());
        }
    };
    let ids = check_ids(store, &ids)?;
    if let (Some(until), PastDeadline(false)) = (until, past_deadline) {
        let cal = config.calendar();
        for id in &ids {
            let row = store.conversation_at(*id, now)?;
            let due = row.as_ref().and_then(|r| r.next_due());
            if let Some(due) = due.filter(|d| *d < until) {
                let what = if due <= now { "overdue since" } else { "due" };
                return Err(Exit::new(
                    USAGE,
                    format!(
                        "conversation {id} is {what} {}, before the snooze ends; nothing was \
                         changed (add --past-deadline to snooze anyway)",
                        deadline::short_when(due, now, &cal)
                    ),
                )
                .into());
            }
        }
    }
    let changes: Vec<_> = ids
        .iter()
        .map(|id| (*id, MarkChange::Snooze(until)))
        .collect();
    store.set_marks(&changes)?;
    Ok(report(&ids, |id| match until {
        Some(t) => format!(
            "conversation {id} snoozed until {}",
            deadline::format_local(t, now, &config.calendar())
        ),
        None => format!("conversation {id} is back in the inbox"),
    }))
}

/// `shopinbox answered ID... [--clear]`: answered outside the mailbox (phone, in person).
pub fn answered(
    store: &mut Store,
    ids: &[ConversationId],
    clear: bool,
    now: DateTime<Utc>,
) -> Result<String> {
    let ids = check_ids(store, ids)?;
    let at = (!clear).then_some(now);
    let changes: Vec<_> = ids
        .iter()
        .map(|id| (*id, MarkChange::Answered(at)))
        .collect();
    store.set_marks(&changes)?;
    Ok(report(&ids, |id| {
        if clear {
            format!("conversation {id}: answered mark cleared")
        } else {
            format!("conversation {id} marked answered")
        }
    }))
}

/// `shopinbox not-duplicate ID... [--undo]`: all or nothing.
pub fn not_duplicate(store: &mut Store, ids: &[ConversationId], undo: bool) -> Result<String> {
    let ids = check_ids(store, ids)?;
    if let Some(id) = store.set_duplicates_dismissed(&ids, undo)? {
        let why = if undo {
            format!("conversation {id} has no dismissed duplicate order to bring back")
        } else {
            format!(
                "conversation {id} is not an open possible duplicate order; `shopinbox list` shows them"
            )
        };
        let nothing = if ids.len() > 1 {
            "; nothing was changed"
        } else {
            ""
        };
        return Err(Exit::new(USAGE, format!("{why}{nothing}")).into());
    }
    Ok(report(&ids, |id| {
        if undo {
            format!("conversation {id}: possible duplicate order again")
        } else {
            format!("conversation {id}: not a duplicate order; it left Needs reply")
        }
    }))
}

fn report(ids: &[ConversationId], line: impl Fn(ConversationId) -> String) -> String {
    ids.iter().map(|id| line(*id) + "\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    /// The words, and the ids and time they split into (None: refused).
    type Case<'a> = (&'a [&'a str], Option<(&'a [i64], Option<&'a str>)>);

    #[test]
    fn ids_then_an_optional_time() {
        let cases: &[Case] = &[
            (&["12"], Some((&[12], None))),
            (&["12", "13", "14"], Some((&[12, 13, 14], None))),
            (
                &["12", "2026-11-25 09:00"],
                Some((&[12], Some("2026-11-25 09:00"))),
            ),
            (
                &["12", "13", "2026-11-25"],
                Some((&[12, 13], Some("2026-11-25"))),
            ),
            // The time only comes last, and there must be an id.
            (&["2026-11-25 09:00"], None),
            (&["12", "tomorrow", "13"], None),
            (&[], None),
        ];
        for (input, want) in cases {
            let got = split_ids_and_time(&words(input)).ok();
            let want = want.map(|(ids, t)| (ids.to_vec(), t.map(str::to_string)));
            assert_eq!(got, want, "{input:?}");
        }
    }
}
