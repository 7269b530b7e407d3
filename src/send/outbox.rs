//! The outbox: every reply is written here, complete and committed, before SMTP is contacted,
//! and its state is moved forward with conditional updates so that a reply is never lost and
//! never sent twice.
//!
//! ```text
//!   enqueue ──▶ queued ──claim──▶ sending ──250 after DATA──▶ sent
//!                 ▲  ▲              │  │
//!       retry ────┘  │              │  └─ connection lost after the data ──▶ uncertain
//!   (auto/owner)     │              └─ refused/failed before the data ──▶ failed
//!                    └──────── resend (owner's decision) ◀── uncertain
//!   sender gone while `sending` ──next start──▶ uncertain (never resent automatically)
//! ```
//!
//! A `sending` row belongs to the process that claimed it: the claim records that process's
//! lease ([`super::lease`], an advisory lock held until the outcome is recorded), recovery only
//! settles rows whose lease is free (the sender died), and every later update of the row is
//! conditional on that lease. While a reply is being sent nobody else resends, retries, marks
//! or settles it.
//!
//! Settling a reply as sent (delivered, or marked sent by the owner) queues its IMAP
//! write-back (Sent copy, `\Answered`) in the same transaction ([`crate::sync::jobs`]).
//!
//! `failed` means the server certainly did not take the message (connect, TLS, AUTH, MAIL,
//! RCPT or DATA refused, or the connection broke before the final dot), so sending it again
//! cannot duplicate it. `uncertain` means the final dot may have reached the server: the
//! customer may already have the reply, and only the owner can decide.
//!
//! Columns (table created by the store schema): `outbox(id, conversation_id,
//! in_reply_to_msgid, to_addr, subject, raw, message_id UNIQUE, state, attempts, last_error,
//! created_at, updated_at, sent_at, follow_up_at, retry_at, lease)`; times are unix seconds.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::compose::Composed;
use super::lease::{self, Probe};
/// One back-off for every network job (issue 25): the IMAP jobs' and these share it.
pub use crate::net::retry_delay;
use crate::sync::jobs;

/// Where a reply is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxState {
    Queued,
    Sending,
    Sent,
    Failed,
    Uncertain,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Uncertain => "uncertain",
        }
    }

    pub fn parse(s: &str) -> Option<OutboxState> {
        Some(match s {
            "queued" => OutboxState::Queued,
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            "uncertain" => OutboxState::Uncertain,
            _ => return None,
        })
    }
}

impl std::fmt::Display for OutboxState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reply in the outbox, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub conversation_id: Option<i64>,
    /// Message-ID (no brackets) of the customer message this answers.
    pub in_reply_to: Option<String>,
    pub to_addr: String,
    pub subject: String,
    /// Message-ID (no brackets) of the reply itself.
    pub message_id: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The conversation's follow-up, set once the reply has gone out.
    pub follow_up_at: Option<DateTime<Utc>>,
    /// When a failed reply is retried automatically; `None` for failures that need the owner
    /// (a rejected password or recipient does not fix itself).
    pub retry_at: Option<DateTime<Utc>>,
}

/// A claimed entry: the worker owns it until it records the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub entry: OutboxEntry,
    pub raw: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("cannot {action} in the outbox")]
    Db {
        action: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("there is no reply {id} in the outbox; `shopinbox outbox` lists them")]
    NotFound { id: i64 },
    #[error("reply {id} is being sent right now by another shopinbox; wait for it")]
    BeingSent { id: i64 },
    #[error("reply {id} is {state}, so it cannot be {wanted}")]
    WrongState {
        id: i64,
        state: OutboxState,
        wanted: &'static str,
    },
}

trait Ctx<T> {
    fn ctx(self, action: &'static str) -> Result<T, OutboxError>;
}

impl<T> Ctx<T> for Result<T, rusqlite::Error> {
    fn ctx(self, action: &'static str) -> Result<T, OutboxError> {
        self.map_err(|source| OutboxError::Db { action, source })
    }
}

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn from_ts(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(s, 0).single().unwrap_or_default()
}

/// Runs `f` in an immediate transaction with `synchronous = FULL`, so that once it returns the
/// change survives a power cut, not just a crash. The connection's setting is restored after.
fn durably<T>(
    conn: &Connection,
    action: &'static str,
    f: impl FnOnce(&Connection) -> Result<T, OutboxError>,
) -> Result<T, OutboxError> {
    let previous: i64 = conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .ctx(action)?;
    conn.pragma_update(None, "synchronous", 2).ctx(action)?;
    let result = (|| {
        conn.execute_batch("BEGIN IMMEDIATE").ctx(action)?;
        match f(conn) {
            Ok(v) => {
                conn.execute_batch("COMMIT").ctx(action)?;
                Ok(v)
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    })();
    let restored = conn
        .pragma_update(None, "synchronous", previous)
        .ctx(action);
    let v = result?;
    restored?;
    Ok(v)
}

const COLUMNS: &str = "id, conversation_id, in_reply_to_msgid, to_addr, subject, message_id, \
                       state, attempts, last_error, created_at, updated_at, sent_at, \
                       follow_up_at, retry_at";

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let state: String = r.get(6)?;
    Ok(OutboxEntry {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        in_reply_to: r.get(2)?,
        to_addr: r.get(3)?,
        subject: r.get(4)?,
        message_id: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        // An unknown state (written by a newer version) is treated as needing the owner.
        state: OutboxState::parse(&state).unwrap_or(OutboxState::Uncertain),
        attempts: r.get::<_, i64>(7)?.clamp(0, i64::from(u32::MAX)) as u32,
        last_error: r.get(8)?,
        created_at: from_ts(r.get(9)?),
        updated_at: from_ts(r.get(10)?),
        sent_at: r.get::<_, Option<i64>>(11)?.map(from_ts),
        follow_up_at: r.get::<_, Option<i64>>(12)?.map(from_ts),
        retry_at: r.get::<_, Option<i64>>(13)?.map(from_ts),
    })
}

/// Stores a composed reply as `queued`, durably. Returns its outbox id.
pub fn enqueue(
    conn: &Connection,
    msg: &Composed,
    conversation_id: Option<i64>,
    follow_up_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<i64, OutboxError> {
    enqueue_held(conn, msg, conversation_id, follow_up_at, now, None)
}

/// Like [`enqueue`], but with `not_before` the reply waits in the outbox until then (the
/// undo window): [`due`] leaves it out until that time and [`cancel_queued`] can still take
/// it back. The time is kept in `retry_at`, which for a `queued` row means "not before".
pub fn enqueue_held(
    conn: &Connection,
    msg: &Composed,
    conversation_id: Option<i64>,
    follow_up_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    not_before: Option<DateTime<Utc>>,
) -> Result<i64, OutboxError> {
    durably(conn, "store the reply", |c| {
        c.execute(
            "INSERT INTO outbox (conversation_id, in_reply_to_msgid, to_addr, subject, raw, \
             message_id, state, attempts, created_at, updated_at, follow_up_at, retry_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', 0, ?7, ?7, ?8, ?9)",
            params![
                conversation_id,
                msg.in_reply_to,
                msg.to,
                msg.subject,
                msg.raw,
                msg.message_id,
                ts(now),
                follow_up_at.map(ts),
                not_before.map(ts),
            ],
        )
        .ctx("store the reply")?;
        Ok(c.last_insert_rowid())
    })
}

/// [`enqueue_held`] with more written in the same durable transaction: `then` gets the new
/// item's id (a campaign notice's link, whose uniqueness refuses a second notice to one
/// customer: the insert is then rolled back and nothing is queued).
#[allow(clippy::too_many_arguments)]
pub fn enqueue_then(
    conn: &Connection,
    msg: &Composed,
    conversation_id: Option<i64>,
    follow_up_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    not_before: Option<DateTime<Utc>>,
    then: impl FnOnce(&Connection, i64) -> rusqlite::Result<()>,
) -> Result<i64, OutboxError> {
    durably(conn, "store the reply", |c| {
        c.execute(
            "INSERT INTO outbox (conversation_id, in_reply_to_msgid, to_addr, subject, raw, \
             message_id, state, attempts, created_at, updated_at, follow_up_at, retry_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', 0, ?7, ?7, ?8, ?9)",
            params![
                conversation_id,
                msg.in_reply_to,
                msg.to,
                msg.subject,
                msg.raw,
                msg.message_id,
                ts(now),
                follow_up_at.map(ts),
                not_before.map(ts),
            ],
        )
        .ctx("store the reply")?;
        let id = c.last_insert_rowid();
        then(c, id).ctx("store the reply")?;
        Ok(id)
    })
}

/// One entry by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<OutboxEntry>, OutboxError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
        [id],
        entry_from_row,
    )
    .optional()
    .ctx("read a reply")
}

/// The stored bytes of a reply.
pub fn raw(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>, OutboxError> {
    conn.query_row("SELECT raw FROM outbox WHERE id = ?1", [id], |r| r.get(0))
        .optional()
        .ctx("read a reply")
}

/// Every entry, newest first. Sent replies older than `sent_since` are left out so the list
/// stays about what needs attention.
pub fn list(
    conn: &Connection,
    sent_since: Option<DateTime<Utc>>,
) -> Result<Vec<OutboxEntry>, OutboxError> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM outbox \
             WHERE state != 'sent' OR ?1 IS NULL OR sent_at >= ?1 \
             ORDER BY id DESC"
        ))
        .ctx("list the outbox")?;
    let rows = stmt
        .query_map([sent_since.map(ts)], entry_from_row)
        .ctx("list the outbox")?;
    rows.collect::<Result<Vec<_>, _>>().ctx("list the outbox")
}

/// How many entries need the owner or the worker, by state.
pub fn pending_counts(conn: &Connection) -> Result<PendingCounts, OutboxError> {
    let mut counts = PendingCounts::default();
    let mut stmt = conn
        .prepare("SELECT state, COUNT(*) FROM outbox WHERE state != 'sent' GROUP BY state")
        .ctx("count the outbox")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .ctx("count the outbox")?;
    for row in rows {
        let (state, n) = row.ctx("count the outbox")?;
        let n = n.max(0) as u64;
        match OutboxState::parse(&state) {
            Some(OutboxState::Queued) => counts.queued += n,
            Some(OutboxState::Sending) => counts.sending += n,
            Some(OutboxState::Failed) => counts.failed += n,
            Some(OutboxState::Uncertain) | None => counts.uncertain += n,
            Some(OutboxState::Sent) => {}
        }
    }
    Ok(counts)
}

/// Outbox entries not yet sent, for the status bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PendingCounts {
    pub queued: u64,
    pub sending: u64,
    pub failed: u64,
    pub uncertain: u64,
}

/// At start-up (and before the owner's outbox commands): a reply left in `sending` by a
/// process that is gone was interrupted at an unknown point of the SMTP transaction, so it
/// becomes `uncertain`. A row whose sender still runs (its lease is held) is left alone.
/// Returns how many were settled.
pub fn recover_interrupted(conn: &Connection, now: DateTime<Utc>) -> Result<usize, OutboxError> {
    let action = "recover interrupted sends";
    let rows: Vec<(i64, Option<String>)> = {
        let mut stmt = conn
            .prepare("SELECT id, lease FROM outbox WHERE state = 'sending' ORDER BY id")
            .ctx(action)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .ctx(action)?;
        rows.collect::<Result<_, _>>().ctx(action)?
    };
    let mut settled = 0;
    let named: Vec<String> = rows.iter().filter_map(|(_, t)| t.clone()).collect();
    for (id, token) in rows {
        let Probe::Gone(stale) = lease::probe(conn, token.as_deref()) else {
            continue;
        };
        settled += durably(conn, action, |c| {
            c.execute(
                "UPDATE outbox SET state = 'uncertain', updated_at = ?2, retry_at = NULL, \
                 last_error = 'shopinbox stopped while this reply was being sent; it may or \
                 may not have been delivered' \
                 WHERE id = ?1 AND state = 'sending' AND lease IS ?3",
                params![id, ts(now), token],
            )
            .ctx(action)
        })?;
        // The dead sender's lock file goes only after its row is settled.
        drop(stale);
    }
    lease::sweep(conn, &named);
    Ok(settled)
}

/// Claims a `queued` or `failed` reply for sending under the caller's `lease` (held for the
/// whole attempt): it becomes `sending` (durably) before any byte goes to the server. `None`
/// when it is not sendable (already sent, being sent by another worker, uncertain): the
/// conditional update is what makes double sends impossible.
pub fn claim(
    conn: &Connection,
    id: i64,
    lease: &str,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, OutboxError> {
    durably(conn, "claim a reply for sending", |c| {
        let changed = c
            .execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2, \
                 retry_at = NULL, lease = ?3 WHERE id = ?1 AND state IN ('queued', 'failed')",
                params![id, ts(now), lease],
            )
            .ctx("claim a reply for sending")?;
        if changed != 1 {
            return Ok(None);
        }
        let entry = c
            .query_row(
                &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                entry_from_row,
            )
            .ctx("claim a reply for sending")?;
        let raw: Vec<u8> = c
            .query_row("SELECT raw FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .ctx("claim a reply for sending")?;
        Ok(Some(Claimed { entry, raw }))
    })
}

/// The outcome of one SMTP attempt, as the outbox records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server accepted the message after the data.
    Sent,
    /// The server certainly did not take it. `retry_at` is when to try again on its own
    /// (`None`: wait for the owner).
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
    /// The data may have reached the server.
    Uncertain { error: String },
}

/// Records the outcome of a send claimed under `lease`. Only that claim's `sending` entry
/// moves (a confirmed delivery also settles it if something turned it `uncertain` meanwhile).
/// A delivery queues the IMAP write-back in the same transaction when `write_back` is set
/// (there is an IMAP account to write to).
pub fn record(
    conn: &Connection,
    id: i64,
    lease: &str,
    outcome: &Outcome,
    now: DateTime<Utc>,
    write_back: impl Into<jobs::ReplyWriteBack>,
) -> Result<(), OutboxError> {
    let write_back = write_back.into();
    let action = "record the send result";
    durably(conn, action, |c| {
        let changed = match outcome {
            Outcome::Sent => c.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?2, updated_at = ?2, \
                 last_error = NULL, retry_at = NULL \
                 WHERE id = ?1 AND lease = ?3 AND state IN ('sending', 'uncertain')",
                params![id, ts(now), lease],
            ),
            Outcome::Failed { error, retry_at } => c.execute(
                "UPDATE outbox SET state = 'failed', last_error = ?3, retry_at = ?4, \
                 updated_at = ?2 WHERE id = ?1 AND lease = ?5 AND state = 'sending'",
                params![id, ts(now), error, retry_at.map(ts), lease],
            ),
            Outcome::Uncertain { error } => c.execute(
                "UPDATE outbox SET state = 'uncertain', last_error = ?3, retry_at = NULL, \
                 updated_at = ?2 WHERE id = ?1 AND lease = ?4 AND state = 'sending'",
                params![id, ts(now), error, lease],
            ),
        }
        .ctx(action)?;
        if changed == 1 {
            if let (jobs::ReplyWriteBack::On(save_sent), Outcome::Sent) = (write_back, outcome) {
                jobs::queue_for_reply(c, id, save_sent, jobs::ANSWERED_FLAGS, now).ctx(action)?;
            }
            Ok(())
        } else {
            Err(wrong_state(c, id, "marked with a send result")?)
        }
    })
}

fn wrong_state(
    conn: &Connection,
    id: i64,
    wanted: &'static str,
) -> Result<OutboxError, OutboxError> {
    Ok(match get(conn, id)? {
        None => OutboxError::NotFound { id },
        Some(e) if e.state == OutboxState::Sending => OutboxError::BeingSent { id },
        Some(e) => OutboxError::WrongState {
            id,
            state: e.state,
            wanted,
        },
    })
}

/// The owner's decision on an `uncertain` reply: send it again (it becomes `queued`).
pub fn resend_uncertain(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<(), OutboxError> {
    transition(
        conn,
        id,
        "UPDATE outbox SET state = 'queued', updated_at = ?2, retry_at = NULL \
         WHERE id = ?1 AND state = 'uncertain'",
        now,
        "resent (only an uncertain reply can be)",
    )
}

/// The owner retries a failed reply now (it becomes `queued`).
pub fn retry(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<(), OutboxError> {
    transition(
        conn,
        id,
        "UPDATE outbox SET state = 'queued', updated_at = ?2, retry_at = NULL \
         WHERE id = ?1 AND state IN ('failed', 'queued')",
        now,
        "retried (only a failed or queued reply can be)",
    )
}

/// The owner says an `uncertain` (or failed) reply did reach the customer: it becomes `sent`,
/// and, as for a delivered reply, its IMAP write-back is queued in the same transaction when
/// `write_back` is set. The caller then runs [`super::flow::after_send`] for the rest.
pub fn mark_sent(
    conn: &Connection,
    id: i64,
    now: DateTime<Utc>,
    write_back: impl Into<jobs::ReplyWriteBack>,
) -> Result<(), OutboxError> {
    let write_back = write_back.into();
    let queue = |c: &Connection| -> Result<(), OutboxError> {
        if let jobs::ReplyWriteBack::On(save_sent) = write_back {
            jobs::queue_for_reply(c, id, save_sent, jobs::ANSWERED_FLAGS, now)
                .ctx("update a reply")?;
        }
        Ok(())
    };
    transition_then(
        conn,
        id,
        "UPDATE outbox SET state = 'sent', sent_at = ?2, updated_at = ?2, retry_at = NULL \
         WHERE id = ?1 AND state IN ('uncertain', 'failed')",
        now,
        "marked as sent (only an uncertain or failed reply can be)",
        queue,
    )
}

/// Whether a `queued` reply is still inside its undo window at `now` (its not-before time
/// is ahead), so the worker leaves it alone for now.
pub fn is_held(entry: &OutboxEntry, now: DateTime<Utc>) -> bool {
    entry.state == OutboxState::Queued && entry.retry_at.is_some_and(|at| at > now)
}

/// The owner wants a reply inside its undo window to go out now (quitting, "send now"): its
/// not-before time is dropped, durably, before the worker is asked to send it. Only a
/// `queued` row changes; `false` when it had already left that state (claimed, sent, taken
/// back), which is not an error: the claim decides who sends, and only once.
pub fn release_hold(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool, OutboxError> {
    durably(conn, "send a reply now", |c| {
        let changed = c
            .execute(
                "UPDATE outbox SET retry_at = NULL, updated_at = ?2 \
                 WHERE id = ?1 AND state = 'queued'",
                params![id, ts(now)],
            )
            .ctx("send a reply now")?;
        Ok(changed == 1)
    })
}

/// The owner takes a reply back before it went out: the row is removed, but only while it is
/// still `queued` (one conditional statement, so a worker that already claimed it wins and
/// the reply is reported as being sent instead).
pub fn cancel_queued(conn: &Connection, id: i64) -> Result<(), OutboxError> {
    durably(conn, "take a reply back", |c| {
        let changed = c
            .execute(
                "DELETE FROM outbox WHERE id = ?1 AND state = 'queued'",
                [id],
            )
            .ctx("take a reply back")?;
        if changed == 1 {
            Ok(())
        } else {
            Err(wrong_state(
                c,
                id,
                "taken back (only a queued reply can be)",
            )?)
        }
    })
}

/// The owner discards a reply that will not be sent: `queued` or `failed` ones, and
/// `uncertain` ones the owner decided not to send again. A reply being sent is refused.
pub fn discard(conn: &Connection, id: i64) -> Result<(), OutboxError> {
    durably(conn, "discard a reply", |c| {
        let changed = c
            .execute(
                "DELETE FROM outbox WHERE id = ?1 AND state IN ('queued', 'failed', 'uncertain')",
                [id],
            )
            .ctx("discard a reply")?;
        if changed == 1 {
            Ok(())
        } else {
            Err(wrong_state(
                c,
                id,
                "discarded (a sent reply stays in the record)",
            )?)
        }
    })
}

fn transition(
    conn: &Connection,
    id: i64,
    sql: &str,
    now: DateTime<Utc>,
    wanted: &'static str,
) -> Result<(), OutboxError> {
    transition_then(conn, id, sql, now, wanted, |_| Ok(()))
}

/// A conditional state change and what goes with it, in one durable transaction.
fn transition_then(
    conn: &Connection,
    id: i64,
    sql: &str,
    now: DateTime<Utc>,
    wanted: &'static str,
    then: impl FnOnce(&Connection) -> Result<(), OutboxError>,
) -> Result<(), OutboxError> {
    durably(conn, "update a reply", |c| {
        let changed = c.execute(sql, params![id, ts(now)]).ctx("update a reply")?;
        if changed == 1 {
            then(c)
        } else {
            Err(wrong_state(c, id, wanted)?)
        }
    })
}

/// Replies the worker should send now: every `queued` one, and `failed` ones whose automatic
/// retry time has come. Oldest first.
pub fn due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<i64>, OutboxError> {
    let mut stmt = conn
        .prepare(
            "SELECT id FROM outbox \
             WHERE (state = 'queued' AND (retry_at IS NULL OR retry_at <= ?1)) \
             OR (state = 'failed' AND retry_at IS NOT NULL AND retry_at <= ?1) ORDER BY id",
        )
        .ctx("find replies to send")?;
    let rows = stmt
        .query_map([ts(now)], |r| r.get(0))
        .ctx("find replies to send")?;
    rows.collect::<Result<Vec<i64>, _>>()
        .ctx("find replies to send")
}

/// The earliest automatic retry (or end of an undo window) still ahead, so the worker knows
/// when to wake up.
pub fn next_retry(conn: &Connection) -> Result<Option<DateTime<Utc>>, OutboxError> {
    conn.query_row(
        "SELECT MIN(retry_at) FROM outbox \
         WHERE state IN ('failed', 'queued') AND retry_at IS NOT NULL",
        [],
        |r| r.get::<_, Option<i64>>(0),
    )
    .ctx("find the next retry")
    .map(|t| t.map(from_ts))
}

#[cfg(test)]
mod tests;
