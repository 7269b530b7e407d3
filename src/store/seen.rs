//! Reading a conversation marks it read: the customer's messages get `\Seen` in the store at
//! once, and a durable write-back job each (table `writeback_jobs`, kind `flags`, no outbox
//! row) with the message's mailbox, UIDVALIDITY, UID and Message-ID, so that the sync worker
//! or `shopinbox sync` sets `\Seen` on the server ([`crate::sync::run_jobs`]). Nothing here
//! touches the network: the inbox calls it on the UI thread and pokes the sync worker.

use super::convert::{flags_from_text, flags_to_text, secs};
use super::error::Ctx;
use super::{ConversationId, Store, StoreError};
use rusqlite::params;

const SEEN: &str = "\\Seen";

impl Store {
    /// The owner opened conversation `id`: every customer message of it not yet read gets
    /// `\Seen` locally, and those on a server a job that sets it there too (one pending job
    /// per message at most). Returns how many jobs were queued.
    pub fn mark_conversation_read(&mut self, id: ConversationId) -> Result<usize, StoreError> {
        const ACTION: &str = "mark the conversation read";
        let now = secs(self.ctx.clock.now());
        let tx = self.conn.transaction().ctx(ACTION)?;
        let unread: Vec<(i64, String, i64, i64, Option<String>, Vec<String>)> = {
            let mut st = tx
                .prepare(
                    "SELECT id, mailbox, uidvalidity, uid, message_id, flags FROM messages \
                     WHERE conversation_id = ?1 AND is_shop = 0",
                )
                .ctx(ACTION)?;
            let rows = st
                .query_map([id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        flags_from_text(&r.get::<_, String>(5)?),
                    ))
                })
                .ctx(ACTION)?;
            let mut out = Vec::new();
            for row in rows {
                let row = row.ctx(ACTION)?;
                if !row.5.iter().any(|f| f.eq_ignore_ascii_case(SEEN)) {
                    out.push(row);
                }
            }
            out
        };
        let mut queued = 0;
        for (row_id, mailbox, uidvalidity, uid, message_id, mut flags) in unread {
            flags.push(SEEN.to_string());
            tx.execute(
                "UPDATE messages SET flags = ?2 WHERE id = ?1",
                params![row_id, flags_to_text(&flags)],
            )
            .ctx(ACTION)?;
            if uid <= 0 {
                // Imported or local: there is no server copy to mark.
                continue;
            }
            queued += tx
                .execute(
                    "INSERT INTO writeback_jobs (kind, message_id, mailbox, uidvalidity, uid, \
                     flags, created_at, next_at) \
                     SELECT 'flags', ?1, ?2, ?3, ?4, ?5, ?6, ?6 WHERE NOT EXISTS ( \
                       SELECT 1 FROM writeback_jobs WHERE done_at IS NULL AND kind = 'flags' \
                       AND mailbox = ?2 AND uidvalidity = ?3 AND uid = ?4 AND instr(flags, ?5) > 0)",
                    params![message_id, mailbox, uidvalidity, uid, SEEN, now],
                )
                .ctx(ACTION)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(queued)
    }
}
