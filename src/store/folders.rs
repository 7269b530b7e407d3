//! What the store knows of each server folder, read by the sync: its state (UIDVALIDITY,
//! highest UID, HIGHESTMODSEQ, last sync) and which UIDs are stored, with their flags. Writes
//! are in `ingest.rs`, in the transactions of the mail they describe.

use super::convert::{opt_time, time};
use super::error::{Ctx, StoreError};
use super::types::MailboxState;
use super::Store;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;

impl Store {
    /// When any folder last finished syncing: the "last sync" of the inbox header.
    pub fn last_sync(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.conn
            .prepare_cached("SELECT MAX(last_sync) FROM mailbox_state")
            .and_then(|mut st| st.query_row([], |r| r.get::<_, Option<i64>>(0)))
            .map(opt_time)
            .ctx("read the sync state")
    }

    pub fn mailbox_state(&self, mailbox: &str) -> Result<Option<MailboxState>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT uidvalidity, highest_uid, highestmodseq, last_sync
                 FROM mailbox_state WHERE mailbox = ?1",
            )
            .and_then(|mut st| {
                st.query_row([mailbox], |r| {
                    Ok(MailboxState {
                        mailbox: mailbox.to_string(),
                        uidvalidity: r.get(0)?,
                        highest_uid: r.get(1)?,
                        highestmodseq: r.get::<_, Option<i64>>(2)?.map(|v| v.max(0) as u64),
                        last_sync: r.get::<_, Option<i64>>(3)?.map(time),
                    })
                })
                .optional()
            })
            .ctx("read a folder's sync state")
    }

    /// Stored uids of a folder generation, ascending.
    pub fn uids(&self, mailbox: &str, uidvalidity: u32) -> Result<Vec<u32>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT uid FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid > 0
                 AND removed_at IS NULL ORDER BY uid",
            )
            .and_then(|mut st| {
                st.query_map(params![mailbox, uidvalidity], |r| r.get(0))?
                    .collect()
            })
            .ctx("list a folder's stored messages")
    }

    /// How many messages of a folder generation are stored (not removed): what a re-sync
    /// compares with the server's count, without reading every UID. One row read: the
    /// count is kept by triggers on `messages` (schema version 17).
    pub fn uid_count(&self, mailbox: &str, uidvalidity: u32) -> Result<usize, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT coalesce((SELECT stored FROM folder_counts
                                  WHERE mailbox = ?1 AND uidvalidity = ?2), 0)",
            )
            .and_then(|mut st| st.query_row(params![mailbox, uidvalidity], |r| r.get(0)))
            .ctx("count a folder's stored messages")
    }

    /// The stored UIDs (not removed, at most `up_to`) inside `ranges`, ascending: the
    /// messages a QRESYNC `VANISHED` answer names, one index lookup per range.
    pub fn uids_in_ranges(
        &self,
        mailbox: &str,
        uidvalidity: u32,
        ranges: &[std::ops::RangeInclusive<u32>],
        up_to: u32,
    ) -> Result<Vec<u32>, StoreError> {
        const ACTION: &str = "list a folder's vanished messages";
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT uid FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2
                 AND removed_at IS NULL AND uid BETWEEN ?3 AND ?4 AND uid > 0",
            )
            .ctx(ACTION)?;
        let mut out = Vec::new();
        for r in ranges {
            let (lo, hi) = (*r.start(), (*r.end()).min(up_to));
            if lo > hi {
                continue;
            }
            let rows = st
                .query_map(params![mailbox, uidvalidity, lo, hi], |r| {
                    r.get::<_, u32>(0)
                })
                .ctx(ACTION)?;
            for uid in rows {
                out.push(uid.ctx(ACTION)?);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    pub fn flags_by_uid(
        &self,
        mailbox: &str,
        uidvalidity: u32,
    ) -> Result<HashMap<u32, Vec<String>>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT uid, flags FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid > 0
                 AND removed_at IS NULL",
            )
            .ctx("read a folder's flags")?;
        let rows = st
            .query_map(params![mailbox, uidvalidity], |r| {
                Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?))
            })
            .ctx("read a folder's flags")?;
        let mut out = HashMap::new();
        for row in rows {
            let (uid, flags) = row.ctx("read a folder's flags")?;
            out.insert(uid, super::convert::flags_from_text(&flags));
        }
        Ok(out)
    }
}
