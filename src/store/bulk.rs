//! Marks on several conversations at once (bulk actions in the inbox, several ids on the
//! command line): one transaction, so either every conversation changes or none does.

use super::convert::secs;
use super::error::{Ctx, StoreError};
use super::marks::{ANSWERED_SQL, SNOOZE_SQL};
use super::refresh::{load_rules, recompute};
use super::shared::{at_value, journal_thread};
use super::types::ConversationId;
use super::Store;
use crate::shared::ItemKey;
use chrono::{DateTime, Utc};
use rusqlite::params;

/// One owner's mark to set on a conversation (`None` clears it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkChange {
    /// Answered outside the mailbox at this time (see [`Store::mark_answered`]).
    Answered(Option<DateTime<Utc>>),
    /// Snoozed until this time (see [`Store::snooze`]).
    Snooze(Option<DateTime<Utc>>),
}

impl Store {
    /// Applies every change in one transaction. An unknown conversation fails the whole batch
    /// with [`StoreError::NoConversation`] naming it, and nothing is changed.
    pub fn set_marks(
        &mut self,
        changes: &[(ConversationId, MarkChange)],
    ) -> Result<(), StoreError> {
        const ACTION: &str = "save the conversation marks";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let rules = load_rules(&tx)?;
        for (id, change) in changes {
            let (sql, at, item): (_, _, fn(String) -> ItemKey) = match change {
                MarkChange::Answered(at) => {
                    (ANSWERED_SQL, at, |thread| ItemKey::Answered { thread })
                }
                MarkChange::Snooze(at) => (SNOOZE_SQL, at, |thread| ItemKey::Snooze { thread }),
            };
            let n = tx.execute(sql, params![id, at.map(secs)]).ctx(ACTION)?;
            if n == 0 {
                // Dropping the transaction rolls back what the batch changed so far.
                return Err(StoreError::NoConversation(*id));
            }
            let now = self.ctx.clock.now();
            journal_thread(&tx, now, *id, item, at_value(at.map(secs)))?;
            recompute(&tx, &self.ctx, &rules, *id)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    /// Dismisses (`undo`: restores) several possible duplicate orders in one transaction.
    /// Returns the first id that had nothing to change, in which case nothing was changed.
    pub fn set_duplicates_dismissed(
        &mut self,
        ids: &[ConversationId],
        undo: bool,
    ) -> Result<Option<ConversationId>, StoreError> {
        const ACTION: &str = "mark possible duplicate orders";
        let at = (!undo).then(|| secs(self.ctx.clock.now()));
        let tx = self.conn.transaction().ctx(ACTION)?;
        let rules = load_rules(&tx)?;
        for id in ids {
            let n = tx
                .execute(
                    "UPDATE duplicate_orders SET dismissed_at = ?2
                     WHERE conversation_id = ?1 AND (dismissed_at IS NULL) = (?2 IS NOT NULL)",
                    params![id, at],
                )
                .ctx(ACTION)?;
            if n == 0 {
                return Ok(Some(*id));
            }
            let now = self.ctx.clock.now();
            let item = |thread| ItemKey::DuplicateDismissed { thread };
            journal_thread(&tx, now, *id, item, at_value(at))?;
            recompute(&tx, &self.ctx, &rules, *id)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::Calendar;
    use crate::store::{Location, NewMessage, ShopContext, View, MAILBOX_IMPORT};
    use chrono::{NaiveTime, TimeZone};

    fn store() -> Store {
        let ctx = ShopContext {
            addresses: vec!["shop@example.com".to_string()],
            calendar: Calendar::office_hours(
                chrono_tz::Europe::Berlin,
                NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            ),
            clock: crate::clock::Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()),
            proactive: Default::default(),
        };
        Store::open_in_memory(ctx).unwrap()
    }

    /// Three customer questions; returns their conversation ids.
    fn three(s: &mut Store) -> Vec<ConversationId> {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap();
        let msgs = (1..=3)
            .map(|n| {
                let raw = format!(
                    "Message-ID: <q{n}@example.net>\r\nFrom: c{n}@example.net\r\n\
                     To: shop@example.com\r\nSubject: Question {n}\r\n\r\nbody {n}\r\n"
                );
                NewMessage {
                    location: Location::local(MAILBOX_IMPORT),
                    parsed: crate::mail::parse::parse_message(raw.as_bytes()),
                    raw: raw.into_bytes(),
                    received_at: at,
                    flags: Vec::new(),
                }
            })
            .collect();
        s.ingest(msgs, None).unwrap();
        let now = s.ctx.clock.now();
        let mut ids: Vec<_> = s
            .list(View::NeedsReply, now, 0, 10)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn all_marks_or_none() {
        let mut s = store();
        let ids = three(&mut s);
        assert_eq!(ids.len(), 3);
        let now = s.ctx.clock.now();
        let needs = |s: &Store| s.counts(now).unwrap().needs_reply;
        let until = Some(now + chrono::Duration::days(1));

        // An unknown id last: the two before it are rolled back.
        let err = s
            .set_marks(&[
                (ids[0], MarkChange::Snooze(until)),
                (ids[1], MarkChange::Answered(Some(now))),
                (999_999, MarkChange::Snooze(until)),
            ])
            .unwrap_err();
        assert!(matches!(err, StoreError::NoConversation(999_999)), "{err}");
        assert_eq!(needs(&s), 3);

        s.set_marks(&[
            (ids[0], MarkChange::Snooze(until)),
            (ids[1], MarkChange::Answered(Some(now))),
        ])
        .unwrap();
        assert_eq!(needs(&s), 1);
        assert_eq!(s.counts(now).unwrap().snoozed, 1);
        s.set_marks(&[
            (ids[0], MarkChange::Snooze(None)),
            (ids[1], MarkChange::Answered(None)),
        ])
        .unwrap();
        assert_eq!(needs(&s), 3);
    }

    #[test]
    fn duplicates_are_dismissed_together_or_not_at_all() {
        let mut s = store();
        let ids = three(&mut s);
        // None of them is a possible duplicate order: the first is named, nothing changes.
        assert_eq!(
            s.set_duplicates_dismissed(&ids, false).unwrap(),
            Some(ids[0])
        );
        assert_eq!(s.set_duplicates_dismissed(&[], false).unwrap(), None);
    }
}
