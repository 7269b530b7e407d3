//! Marks on several conversations at once (bulk actions in the inbox, several ids on the
//! command line): one transaction, so either every conversation changes or none does.

use super::convert::secs;
use super::error::{Ctx, StoreError};
use super::local::{ANSWERED_SQL, SNOOZE_SQL};
use super::refresh::{load_rules, recompute};
use super::types::ConversationId;
use super::Store;
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
            let (sql, at) = match change {
                MarkChange::Answered(at) => (ANSWERED_SQL, at),
                MarkChange::Snooze(at) => (SNOOZE_SQL, at),
            };
            let n = tx.execute(sql, params![id, at.map(secs)]).ctx(ACTION)?;
            if n == 0 {
                // Dropping the transaction rolls back what the batch changed so far.
                return Err(StoreError::NoConversation(*id));
            }
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
            recompute(&tx, &self.ctx, &rules, *id)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(None)
    }
}
