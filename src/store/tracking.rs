//! The tracking window in the store (issue 11): when shopinbox started watching the mailbox,
//! pulling history into Needs reply, and the progress of a first sync's history (newest
//! first, resumable). The rule itself is pure, in `crate::tracking`.

use super::convert::{opt_time, secs};
use super::error::{Ctx, StoreError};
use super::refresh::{load_rules, recompute};
use super::types::ConversationId;
use super::Store;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// How far a first sync of one folder has come: UIDs `1..=pending_upto` are still to be
/// fetched (newest first); everything above is stored. `window_from`: the lowest UID of the
/// tracking window, so the window is synced once `pending_upto < window_from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryProgress {
    pub uidvalidity: u32,
    pub pending_upto: u32,
    pub window_from: u32,
    /// Messages listed for the whole folder at the first sync, and how many are stored.
    pub total: u32,
    pub done: u32,
}

impl HistoryProgress {
    pub fn window_synced(&self) -> bool {
        self.pending_upto < self.window_from
    }
    pub fn finished(&self) -> bool {
        self.pending_upto == 0
    }
}

/// Record that tracking starts at `now`, unless it already started. Runs inside the caller's
/// transaction (the first ingest), so the first mail is judged by the window at once.
pub(crate) fn start_tracking(conn: &Connection, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO tracking(id, started_at) VALUES (1, ?1)")
        .and_then(|mut st| st.execute([secs(now)]))
        .ctx("record when tracking started")?;
    Ok(())
}

pub(crate) fn write_progress(
    conn: &Connection,
    mailbox: &str,
    p: &HistoryProgress,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO history_fetch(mailbox, uidvalidity, pending_upto, window_from, total, done)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity,
             pending_upto = excluded.pending_upto, window_from = excluded.window_from,
             total = excluded.total, done = excluded.done",
    )
    .and_then(|mut st| {
        st.execute(params![
            mailbox,
            p.uidvalidity,
            p.pending_upto,
            p.window_from,
            p.total,
            p.done
        ])
    })
    .ctx("save the progress of the history download")?;
    Ok(())
}

impl Store {
    /// Start tracking at `at` unless it already started: the demo shop, which has used
    /// shopinbox since before its oldest sample mail, so none of it is history.
    pub(crate) fn start_tracking_at(&mut self, at: DateTime<Utc>) -> Result<(), StoreError> {
        start_tracking(&self.conn, at)
    }

    /// When shopinbox started watching this mailbox (first sync or import), if it has.
    pub fn tracking_start(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.conn
            .prepare_cached("SELECT started_at FROM tracking WHERE id = 1")
            .and_then(|mut st| st.query_row([], |r| r.get::<_, i64>(0)).optional())
            .map(opt_time)
            .ctx("read when tracking started")
    }

    /// The first instant that is not history (see `crate::tracking::history_cutoff`).
    pub fn history_cutoff(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self
            .tracking_start()?
            .map(|s| crate::tracking::history_cutoff(s, &self.ctx.calendar)))
    }

    /// Record the tracking start now if it has not started (`import` and `sync` call this
    /// before storing anything; ingest does it too).
    pub fn start_tracking(&mut self) -> Result<(), StoreError> {
        start_tracking(&self.conn, self.ctx.clock.now())
    }

    /// Pull an "Older, never answered" conversation into Needs reply: it is owed a reply
    /// from `at` (its deadline computed from then). `None` puts it back into history.
    pub fn pull_into_needs_reply(
        &mut self,
        id: ConversationId,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        const ACTION: &str = "pull a conversation into Needs reply";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let n = tx
            .execute(
                "UPDATE conversations SET pulled_at = ?2 WHERE id = ?1",
                params![id, at.map(secs)],
            )
            .ctx(ACTION)?;
        if n == 0 {
            return Err(StoreError::NoConversation(id));
        }
        super::shared::journal_thread(
            &tx,
            self.ctx.clock.now(),
            id,
            |thread| crate::shared::ItemKey::Pulled { thread },
            super::shared::at_value(at.map(secs)),
        )?;
        let rules = load_rules(&tx)?;
        recompute(&tx, &self.ctx, &rules, id)?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    /// The history download of `mailbox` for this UIDVALIDITY, if one was started.
    pub fn history_progress(
        &self,
        mailbox: &str,
        uidvalidity: u32,
    ) -> Result<Option<HistoryProgress>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT pending_upto, window_from, total, done FROM history_fetch
                 WHERE mailbox = ?1 AND uidvalidity = ?2",
            )
            .and_then(|mut st| {
                st.query_row(params![mailbox, uidvalidity], |r| {
                    Ok(HistoryProgress {
                        uidvalidity,
                        pending_upto: r.get(0)?,
                        window_from: r.get(1)?,
                        total: r.get(2)?,
                        done: r.get(3)?,
                    })
                })
                .optional()
            })
            .ctx("read the progress of the history download")
    }

    /// History still to download, summed over folders: (stored, listed). `None` when nothing
    /// is pending.
    pub fn history_pending(&self) -> Result<Option<(u64, u64)>, StoreError> {
        let (done, total, pending): (i64, i64, i64) = self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(h.done), 0), coalesce(sum(h.total), 0), count(*)
                 FROM history_fetch h JOIN mailbox_state s
                   ON s.mailbox = h.mailbox AND s.uidvalidity = h.uidvalidity
                 WHERE h.pending_upto > 0",
            )
            .and_then(|mut st| st.query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))
            .ctx("read the progress of the history download")?;
        Ok((pending > 0).then_some((done.max(0) as u64, total.max(0) as u64)))
    }

    /// Whether every synced folder holds its tracking window: until then an empty Needs reply
    /// proves nothing. Without any synced folder: whether tracking started (an import or the
    /// demo holds all it will hold; a new store waiting for its first sync holds nothing yet).
    pub fn window_synced(&self) -> Result<bool, StoreError> {
        let (folders, missing): (i64, i64) = self
            .conn
            .prepare_cached(
                "SELECT (SELECT count(*) FROM mailbox_state),
                        (SELECT count(*) FROM history_fetch h JOIN mailbox_state s
                           ON s.mailbox = h.mailbox AND s.uidvalidity = h.uidvalidity
                         WHERE h.pending_upto >= h.window_from)",
            )
            .and_then(|mut st| st.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
            .ctx("read the sync state")?;
        if folders == 0 {
            return Ok(self.tracking_start()?.is_some());
        }
        Ok(missing == 0)
    }
}
