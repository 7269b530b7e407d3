//! Writing mail: ingest (with threading and de-duplication), flag changes, expunges,
//! UIDVALIDITY resets, and the per-folder sync state. Each call is one transaction, and the
//! folder's sync state is written in the same transaction as the mail it describes, so a
//! crash at any point resumes without loss or duplicates.

use super::convert::{flags_to_text, secs, to_json};
use super::error::{Ctx, StoreError};
use super::refresh::{load_rules, recompute};
use super::types::{InsertOutcome, Location, MailboxState, MessageKey, NewMessage};
use super::Store;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeSet;

mod insert;
#[cfg(test)]
pub(super) use insert::BY_LOCATION;
mod linking;
mod prepare;

pub use prepare::Prepared;

use insert::insert_one;

impl Store {
    /// Store new mail. Already-stored locations (or, for uid-less mail, identical bytes) come
    /// back as `Duplicate`. When `state` is given it is saved in the same transaction.
    pub fn ingest(
        &mut self,
        msgs: Vec<NewMessage>,
        state: Option<&MailboxState>,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        // On this thread the checks wait until the insert knows a message is new.
        self.ingest_with(msgs.into_iter().map(Prepared::hashed), None, state, None)
    }

    /// [`Store::ingest`] of a download's batch while it is still being parsed: `msgs` yields
    /// each message as the parser hands it over, already [`Prepared`] (on the parser's
    /// thread), so parsing and storing overlap inside one batch, and the batch is still one transaction with `state` (and, for a first sync's
    /// newest-first download, the history's `progress`). The batch has `expected` messages:
    /// when `msgs` ends before (the parser stopped), nothing is saved, so the folder's state
    /// never moves past mail that is not stored.
    pub fn ingest_arriving(
        &mut self,
        msgs: impl IntoIterator<Item = Prepared>,
        expected: usize,
        state: &MailboxState,
        progress: Option<&super::tracking::HistoryProgress>,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        self.ingest_with(msgs, Some(expected), Some(state), progress)
    }

    /// [`Store::ingest`] of one batch of a first sync's newest-first download: the folder's
    /// history progress moves in the same transaction as the batch it describes.
    pub fn ingest_newest_first(
        &mut self,
        msgs: Vec<NewMessage>,
        state: &MailboxState,
        progress: &super::tracking::HistoryProgress,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        self.ingest_with(
            msgs.into_iter().map(Prepared::hashed),
            None,
            Some(state),
            Some(progress),
        )
    }

    fn ingest_with(
        &mut self,
        msgs: impl IntoIterator<Item = Prepared>,
        expected: Option<usize>,
        state: Option<&MailboxState>,
        progress: Option<&super::tracking::HistoryProgress>,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        let tx = self.conn.transaction().ctx("start saving messages")?;
        // The first mail ever stored starts tracking (DESIGN.md "Tracking window").
        super::tracking::start_tracking(&tx, self.ctx.clock.now())?;
        if let (Some(st), Some(p)) = (state, progress) {
            super::tracking::write_progress(&tx, &st.mailbox, p)?;
        }
        let rules = load_rules(&tx)?;
        let mut touched = BTreeSet::new();
        let mut out = Vec::with_capacity(expected.unwrap_or(0));
        let mut keyworded = Vec::new();
        for m in msgs {
            let kw = super::keywords_read::any(&m.m.flags).then(|| m.m.flags.clone());
            let (outcome, conversations) = insert_one(&tx, &self.ctx, m)?;
            if let (Some(flags), InsertOutcome::Inserted(k)) = (kw, &outcome) {
                keyworded.push((*k, flags));
            }
            out.push(outcome);
            touched.extend(conversations);
        }
        if let Some(expected) = expected.filter(|e| *e != out.len()) {
            // Dropping `tx` rolls the batch back.
            return Err(StoreError::Incomplete {
                got: out.len(),
                expected,
            });
        }
        if let Some(st) = state {
            write_state(&tx, st)?;
        }
        for c in touched {
            // A conversation merged into another during this batch is gone.
            if conversation_exists(&tx, c)? {
                recompute(&tx, &self.ctx, &rules, c)?;
            }
        }
        for (k, flags) in keyworded {
            super::keywords_read::adopt(&tx, &self.ctx, k, &flags)?;
        }
        let inserted: Vec<MessageKey> = out
            .iter()
            .filter_map(|o| match o {
                InsertOutcome::Inserted(k) => Some(*k),
                InsertOutcome::Duplicate(_) => None,
            })
            .collect();
        // Last, so that FTS5 writes the whole batch as one segment when the transaction
        // commits (see schema V5).
        index_for_search(&tx, &inserted)?;
        tx.commit().ctx("save messages")?;
        Ok(out)
    }

    pub fn set_mailbox_state(&mut self, st: &MailboxState) -> Result<(), StoreError> {
        write_state(&self.conn, st)
    }

    /// Replace the flags of stored messages (e.g. `\Answered` set from the phone). Returns how
    /// many rows changed; their conversations' state is recomputed.
    pub fn update_flags(
        &mut self,
        mailbox: &str,
        uidvalidity: u32,
        changes: &[(u32, Vec<String>)],
        state: Option<&MailboxState>,
    ) -> Result<usize, StoreError> {
        const ACTION: &str = "save changed flags";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let mut touched = BTreeSet::new();
        let mut keyworded = Vec::new();
        let mut changed_rows = 0;
        {
            let mut st = tx
                .prepare_cached(
                    "UPDATE messages SET flags = ?4
                     WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3 AND uid > 0 AND flags != ?4
                     RETURNING conversation_id, id",
                )
                .ctx(ACTION)?;
            for (uid, flags) in changes {
                let text = flags_to_text(flags);
                let row: Option<(i64, i64)> = st
                    .query_row(params![mailbox, uidvalidity, uid, text], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()
                    .ctx(ACTION)?;
                changed_rows += usize::from(row.is_some());
                touched.extend(row.map(|r| r.0));
                if let Some((_, id)) = row.filter(|_| super::keywords_read::any(flags)) {
                    keyworded.push((id, flags.clone()));
                }
            }
        }
        for (id, flags) in keyworded {
            super::keywords_read::adopt(&tx, &self.ctx, id, &flags)?;
        }
        if let Some(st) = state {
            write_state(&tx, st)?;
        }
        let rules = load_rules(&tx)?;
        for c in &touched {
            recompute(&tx, &self.ctx, &rules, *c)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(changed_rows)
    }

    /// The message stored at a server location (not one removed from it since). For uid-less
    /// locations (import, demo, local) there can be many; the first stored one is returned.
    pub fn message_by_location(&self, loc: &Location) -> Result<Option<MessageKey>, StoreError> {
        // `uid > 0` lets SQLite use the partial unique index on server locations.
        let sql = if loc.uid > 0 {
            "SELECT id FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3
                 AND uid > 0 AND removed_at IS NULL"
        } else {
            "SELECT id FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3
             ORDER BY id LIMIT 1"
        };
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| {
                st.query_row(params![loc.mailbox, loc.uidvalidity, loc.uid], |r| r.get(0))
                    .optional()
            })
            .ctx("look up a message by its folder and uid")
    }

    /// Where a message lives on the server (a real folder and uid), if anywhere: the copy in
    /// INBOX first, else the first stored. Flags such as `\Answered` are set there.
    pub fn server_location(&self, message_id: &str) -> Result<Option<Location>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT mailbox, uidvalidity, uid FROM messages
                  WHERE message_id = ?1 AND uid > 0 AND removed_at IS NULL
                  ORDER BY (mailbox = 'INBOX') DESC, id LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row([message_id], |r| {
                    Ok(Location::new(r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()
            })
            .ctx("find the answered message")
    }
}

/// Add newly inserted messages to the full-text index, all in one statement: FTS5 flushes its
/// pending postings at every statement savepoint, so one statement per message would write
/// one index segment per message.
fn conversation_exists(tx: &Transaction<'_>, id: i64) -> Result<bool, StoreError> {
    tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?1)")
        .and_then(|mut st| st.query_row([id], |r| r.get(0)))
        .ctx("update a conversation's state")
}

fn index_for_search(tx: &Transaction<'_>, ids: &[MessageKey]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO messages_fts(rowid, subject, from_name, from_addr, body)
         SELECT id, subject, from_name, from_addr, body FROM message_text
         WHERE id IN (SELECT value FROM json_each(?1))",
    )
    .and_then(|mut st| st.execute([to_json(&ids)]))
    .ctx("index new messages for search")?;
    Ok(())
}

fn write_state(conn: &Connection, st: &MailboxState) -> Result<(), StoreError> {
    let modseq = st
        .highestmodseq
        .map(|v| {
            i64::try_from(v).map_err(|_| StoreError::OutOfRange {
                what: "HIGHESTMODSEQ",
                value: v,
            })
        })
        .transpose()?;
    conn.prepare_cached(
        "INSERT INTO mailbox_state(mailbox, uidvalidity, highest_uid, highestmodseq, last_sync)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity,
             highest_uid = excluded.highest_uid, highestmodseq = excluded.highestmodseq,
             last_sync = excluded.last_sync",
    )
    .and_then(|mut s| {
        s.execute(params![
            st.mailbox,
            st.uidvalidity,
            st.highest_uid,
            modseq,
            st.last_sync.map(secs)
        ])
    })
    .ctx("save a folder's sync state")?;
    Ok(())
}
