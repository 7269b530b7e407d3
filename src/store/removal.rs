//! Mail that left the synced folders on the server (DESIGN.md "Removed on the server").
//!
//! A message expunged from a folder that still has a live copy elsewhere (another synced
//! folder, the import, the local copy of a sent reply) only loses that row. The last copy is
//! kept as history, marked `removed_at`: it stays in the conversation, the customer's history
//! and search. When the same message is seen on the server again (moved between synced
//! folders, or re-fetched after a UIDVALIDITY reset), ingest brings the row back
//! (`ingest::insert::revive`) instead of storing it twice.

use super::convert::secs;
use super::error::{Ctx, StoreError};
use super::refresh::{load_rules, recompute};
use super::types::ShopContext;
use super::Store;
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::BTreeSet;

impl Store {
    /// Messages expunged from a folder on the server (deleted, or moved by another client).
    /// Returns how many stored rows were affected. Local data survives (it is not keyed by
    /// message rows).
    pub fn remove_uids(
        &mut self,
        mailbox: &str,
        uidvalidity: u32,
        uids: &[u32],
    ) -> Result<usize, StoreError> {
        const ACTION: &str = "remove expunged messages";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let mut rows = Vec::new();
        {
            let mut st = tx
                .prepare_cached(
                    "SELECT id FROM messages
                     WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3 AND uid > 0
                       AND removed_at IS NULL",
                )
                .ctx(ACTION)?;
            for uid in uids.iter().filter(|u| **u > 0) {
                let row: Option<i64> = st
                    .query_row(params![mailbox, uidvalidity, uid], |r| r.get(0))
                    .optional()
                    .ctx(ACTION)?;
                rows.extend(row);
            }
        }
        let n = rows.len();
        remove_rows(&tx, &self.ctx, &rows)?;
        tx.commit().ctx(ACTION)?;
        Ok(n)
    }

    /// UIDVALIDITY changed: the folder's rows of other uidvalidities no longer have a server
    /// location, and its sync state restarts at the new generation. The rows are treated as
    /// removed on the server; the re-fetch that follows brings back every message that is
    /// still there (same row, same conversation), so nothing is duplicated. Conversations,
    /// notes, rules, outbox, snooze and follow-ups stay.
    pub fn reset_mailbox(
        &mut self,
        mailbox: &str,
        new_uidvalidity: u32,
    ) -> Result<usize, StoreError> {
        const ACTION: &str = "reset a folder after its UIDVALIDITY changed";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let rows: Vec<i64> = tx
            .prepare_cached(
                "SELECT id FROM messages
                 WHERE mailbox = ?1 AND uidvalidity != ?2 AND uid > 0 AND removed_at IS NULL",
            )
            .and_then(|mut st| {
                st.query_map(params![mailbox, new_uidvalidity], |r| r.get(0))?
                    .collect()
            })
            .ctx(ACTION)?;
        tx.execute(
            "UPDATE mailbox_state SET uidvalidity = ?2, highest_uid = 0, highestmodseq = NULL
             WHERE mailbox = ?1 AND uidvalidity != ?2",
            params![mailbox, new_uidvalidity],
        )
        .ctx(ACTION)?;
        let n = rows.len();
        remove_rows(&tx, &self.ctx, &rows)?;
        tx.commit().ctx(ACTION)?;
        Ok(n)
    }
}

/// Another stored copy of the same message that is still on the server or local: by
/// Message-ID, or by content for mail without a usable Message-ID.
pub(crate) fn live_copy(
    tx: &Transaction<'_>,
    id: i64,
    message_id: Option<&str>,
    content_key: Option<&[u8]>,
) -> Result<Option<i64>, StoreError> {
    const ACTION: &str = "look for another copy of a message";
    match (message_id, content_key) {
        (Some(m), _) => tx
            .prepare_cached(
                "SELECT id FROM messages WHERE message_id = ?1 AND id != ?2
                   AND removed_at IS NULL ORDER BY id LIMIT 1",
            )
            .and_then(|mut st| st.query_row(params![m, id], |r| r.get(0)).optional())
            .ctx(ACTION),
        (None, Some(k)) => tx
            .prepare_cached(
                "SELECT id FROM messages WHERE content_key = ?1 AND message_id IS NULL
                   AND id != ?2 AND removed_at IS NULL ORDER BY id LIMIT 1",
            )
            .and_then(|mut st| st.query_row(params![k, id], |r| r.get(0)).optional())
            .ctx(ACTION),
        (None, None) => Ok(None),
    }
}

/// conversation, Message-ID, content key, canonical
type RemovedRow = (i64, Option<String>, Option<Vec<u8>>, bool);

/// Take rows off the server: drop a row whose message lives on in another copy (that copy
/// stands for it from now on), mark the last copy removed. Recomputes the conversations.
fn remove_rows(tx: &Transaction<'_>, ctx: &ShopContext, ids: &[i64]) -> Result<(), StoreError> {
    const ACTION: &str = "mark messages removed on the server";
    let now = secs(ctx.clock.now());
    let mut touched = BTreeSet::new();
    for &id in ids {
        let row: Option<RemovedRow> = tx
            .prepare_cached(
                "SELECT conversation_id, message_id, content_key, canonical
                 FROM messages WHERE id = ?1",
            )
            .and_then(|mut st| {
                st.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .optional()
            })
            .ctx(ACTION)?;
        let Some((conv, msgid, key, canonical)) = row else {
            continue;
        };
        touched.insert(conv);
        match live_copy(tx, id, msgid.as_deref(), key.as_deref())? {
            Some(other) => {
                tx.prepare_cached("DELETE FROM messages WHERE id = ?1")
                    .and_then(|mut st| st.execute([id]))
                    .ctx(ACTION)?;
                if canonical {
                    tx.prepare_cached("UPDATE messages SET canonical = 1 WHERE id = ?1")
                        .and_then(|mut st| st.execute([other]))
                        .ctx(ACTION)?;
                }
            }
            None => {
                tx.prepare_cached("UPDATE messages SET removed_at = ?2 WHERE id = ?1")
                    .and_then(|mut st| st.execute(params![id, now]))
                    .ctx(ACTION)?;
            }
        }
    }
    let rules = load_rules(tx)?;
    for c in touched {
        recompute(tx, ctx, &rules, c)?;
    }
    Ok(())
}
