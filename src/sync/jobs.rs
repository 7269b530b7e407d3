//! Durable IMAP write-back jobs (table `writeback_jobs`, schema step "send safety").
//!
//! When a reply is settled as sent (delivered, or marked sent by the owner) the outbox queues,
//! in the SAME transaction, what the server must learn about it:
//! - `append_sent`: a copy of the reply in the Sent folder (its bytes stay in the outbox row);
//! - `flags`: flags on the customer's message (`\Answered` and `\Seen`), with the
//!   message's mailbox, UIDVALIDITY, UID and Message-ID, because a UID means nothing without
//!   its UIDVALIDITY.
//!
//! `[imap] save_sent` decides about the Sent copy: `always` queues it due at once, `auto`
//! due [`AUTO_SENT_DELAY`] later (providers such as Gmail file their own copy within
//! seconds; the job finds it by Message-ID and appends nothing), `never` queues none.
//! A job's first due time is a deliberate wait that every runner honours
//! ([`Select::waited_by`]); only the back-off after failures is skipped by `shopinbox sync`.
//!
//! Opening a conversation in the inbox queues a `flags` job with `\Seen` (no outbox row) for
//! each unread customer message ([`crate::store::Store::mark_conversation_read`]).
//! The send path tries them at once; whatever fails or is cut short by a kill stays here and
//! the sync worker and `shopinbox sync` run it ([`super::writeback::run_jobs`]) until done,
//! with back-off. Every job is idempotent (the Sent folder is searched for the Message-ID
//! before APPEND; setting a flag that is set already is harmless).

/// One back-off for every network job (issue 25): the outbox's and these share it.
pub use crate::net::retry_delay;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};

pub use crate::config::SaveSent;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    AppendSent,
    Flags,
}

impl JobKind {
    fn parse(s: &str) -> Option<JobKind> {
        match s {
            "append_sent" => Some(JobKind::AppendSent),
            "flags" => Some(JobKind::Flags),
            _ => None,
        }
    }
}

/// One pending job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub outbox_id: Option<i64>,
    /// `append_sent`: the reply's Message-ID; `flags`: the customer message's (no brackets).
    pub message_id: Option<String>,
    pub mailbox: Option<String>,
    pub uidvalidity: Option<u32>,
    pub uid: Option<u32>,
    /// Flags to add, space separated (`\Answered`, `\Seen`).
    pub flags: Vec<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// The flags a delivered reply puts on the message it answers: answered, and read (the
/// owner has read what they answered).
pub const ANSWERED_FLAGS: &[&str] = &["\\Answered", "\\Seen"];

/// With `save_sent = "auto"`, how long after sending the Sent folder is first searched for
/// the provider's own copy (a copy is appended only if none is there then).
pub const AUTO_SENT_DELAY: Duration = Duration::minutes(2);

/// What settling a reply as sent queues for the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyWriteBack {
    /// No IMAP account (demo, SMTP-only): nothing.
    Off,
    /// The flags on the customer's message, and the Sent copy as `save_sent` says.
    On(SaveSent),
}

impl From<bool> for ReplyWriteBack {
    /// `true`: write back with a Sent copy saved at once (`save_sent = "always"`).
    fn from(on: bool) -> ReplyWriteBack {
        if on {
            ReplyWriteBack::On(SaveSent::Always)
        } else {
            ReplyWriteBack::Off
        }
    }
}

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Queues the write-back of the reply `outbox_id` (call inside the transaction that settles it
/// as sent): its Sent copy as `save_sent` says, and `flags` on the customer message it answers
/// when the store knows where that message is on the server. Returns how many jobs were queued.
pub fn queue_for_reply(
    conn: &Connection,
    outbox_id: i64,
    save_sent: SaveSent,
    flags: &[&str],
    now: DateTime<Utc>,
) -> rusqlite::Result<usize> {
    let first_due = match save_sent {
        SaveSent::Always => Some(now),
        SaveSent::Auto => Some(now + AUTO_SENT_DELAY),
        SaveSent::Never => None,
    };
    let mut n = 0;
    if let Some(due) = first_due {
        n += conn.execute(
            "INSERT INTO writeback_jobs (kind, outbox_id, message_id, flags, created_at, next_at) \
             SELECT 'append_sent', id, message_id, '\\Seen', ?2, ?3 FROM outbox WHERE id = ?1",
            params![outbox_id, ts(now), ts(due)],
        )?;
    }
    if !flags.is_empty() {
        n += conn.execute(
            "INSERT INTO writeback_jobs (kind, outbox_id, message_id, mailbox, uidvalidity, uid, \
             flags, created_at, next_at) \
             SELECT 'flags', o.id, m.message_id, m.mailbox, m.uidvalidity, m.uid, ?3, ?2, ?2 \
             FROM outbox o JOIN messages m ON m.message_id = o.in_reply_to_msgid AND m.uid > 0 \
             WHERE o.id = ?1 ORDER BY (m.mailbox = 'INBOX') DESC, m.id LIMIT 1",
            params![outbox_id, ts(now), flags.join(" ")],
        )?;
    }
    Ok(n)
}

const COLUMNS: &str =
    "id, kind, outbox_id, message_id, mailbox, uidvalidity, uid, flags, attempts, last_error";

fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Job>> {
    let kind: String = r.get(1)?;
    let Some(kind) = JobKind::parse(&kind) else {
        return Ok(None);
    };
    let flags: String = r.get(7)?;
    Ok(Some(Job {
        id: r.get(0)?,
        kind,
        outbox_id: r.get(2)?,
        message_id: r.get(3)?,
        mailbox: r.get(4)?,
        uidvalidity: r.get::<_, Option<i64>>(5)?.map(|v| v as u32),
        uid: r.get::<_, Option<i64>>(6)?.map(|v| v as u32),
        flags: flags.split_whitespace().map(str::to_string).collect(),
        attempts: r.get::<_, i64>(8)?.clamp(0, i64::from(u32::MAX)) as u32,
        last_error: r.get(9)?,
    }))
}

/// Which pending jobs to pick.
#[derive(Debug, Clone, Copy, Default)]
pub struct Select {
    /// Only jobs whose back-off has passed at this time (`None`: every pending job, as when
    /// the owner runs `shopinbox sync`).
    pub due_by: Option<DateTime<Utc>>,
    /// Only the jobs of this reply (the send path's immediate attempt).
    pub outbox_id: Option<i64>,
    /// Only jobs whose first due time (a deliberate wait, such as `save_sent = "auto"`
    /// giving the provider time to file its own Sent copy) has passed at this time; jobs
    /// that have been tried already only wait for their back-off (`due_by`). `None`: no
    /// such check (tests).
    pub waited_by: Option<DateTime<Utc>>,
}

impl Select {
    /// What `shopinbox sync` and the send path run: every job whose deliberate first wait
    /// has passed at `now`, back-off or not.
    pub fn waited(now: DateTime<Utc>) -> Select {
        Select {
            waited_by: Some(now),
            ..Select::default()
        }
    }
}

/// Pending jobs, oldest first; Sent copies before flags.
pub fn pending(conn: &Connection, select: Select) -> rusqlite::Result<Vec<Job>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM writeback_jobs WHERE done_at IS NULL \
         AND (?1 IS NULL OR next_at <= ?1) AND (?2 IS NULL OR outbox_id = ?2) \
         AND (?3 IS NULL OR attempts > 0 OR next_at <= ?3) \
         ORDER BY (kind = 'append_sent') DESC, id"
    ))?;
    let rows = stmt.query_map(
        params![
            select.due_by.map(ts),
            select.outbox_id,
            select.waited_by.map(ts)
        ],
        job_from_row,
    )?;
    let mut out = Vec::new();
    for r in rows {
        out.extend(r?);
    }
    Ok(out)
}

/// How many jobs are not done yet.
pub fn pending_count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row(
        "SELECT COUNT(*) FROM writeback_jobs WHERE done_at IS NULL",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
}

/// The job is done (`note`: why it ended without doing anything, e.g. it gave up).
pub fn finish(
    conn: &Connection,
    id: i64,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE writeback_jobs SET done_at = ?2, attempts = attempts + 1, last_error = ?3 \
         WHERE id = ?1 AND done_at IS NULL",
        params![id, ts(now), note],
    )?;
    Ok(())
}

/// The job failed this time: try again after a back-off that grows with the attempts.
pub fn postpone(
    conn: &Connection,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let attempts: i64 = conn.query_row(
        "SELECT attempts FROM writeback_jobs WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let next = now + retry_delay(attempts.clamp(0, i64::from(u32::MAX)) as u32 + 1);
    conn.execute(
        "UPDATE writeback_jobs SET attempts = attempts + 1, last_error = ?2, next_at = ?3 \
         WHERE id = ?1 AND done_at IS NULL",
        params![id, error, ts(next)],
    )?;
    Ok(())
}

/// How many refused attempts a job gets before it ends as failed (with the back-off of
/// [`retry_delay`], about four hours). Only refusals count: a job that cannot reach the server
/// (the owner is offline) waits for it however long that takes.
pub const MAX_REFUSALS: u32 = 6;

/// Whether a job the server refused (`reason`: the server's words after `NO`/`BAD`) on its
/// attempt number `attempts + 1` should end as failed: at once when the refusal is permanent
/// (no sign that trying again can help, see [`refusal_is_transient`]), else after
/// [`MAX_REFUSALS`] attempts.
pub fn gives_up(reason: &str, attempts: u32) -> bool {
    !refusal_is_transient(reason) || attempts.saturating_add(1) >= MAX_REFUSALS
}

/// A refusal that may pass: a response code of RFC 5530 saying so (`[UNAVAILABLE]`, `[INUSE]`,
/// `[LIMIT]`, `[SERVERBUG]`), one the owner can remedy (`[OVERQUOTA]`: make room;
/// `[TRYCREATE]`: create the folder or correct `sent_folder`), or words that say so ("try
/// again", "temporarily", "later", "busy"). Anything else (`[CANNOT]`, `[NOPERM]`, "READ-ONLY",
/// a bare `NO`) is the server's considered answer.
pub fn refusal_is_transient(reason: &str) -> bool {
    const CODES: &[&str] = &[
        "[UNAVAILABLE",
        "[INUSE",
        "[LIMIT",
        "[SERVERBUG",
        "[OVERQUOTA",
        "[TRYCREATE",
    ];
    const WORDS: &[&str] = &[
        "try again",
        "temporar",
        "later",
        "busy",
        "timeout",
        "timed out",
    ];
    let upper = reason.to_ascii_uppercase();
    let lower = reason.to_ascii_lowercase();
    CODES.iter().any(|c| upper.contains(c)) || WORDS.iter().any(|w| lower.contains(w))
}

/// The job ends as failed: not tried again; `error` (the server's words) stays with it and
/// the outbox listing shows it.
pub fn fail(conn: &Connection, id: i64, error: &str, now: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE writeback_jobs SET done_at = ?2, failed_at = ?2, attempts = attempts + 1, \
         last_error = ?3 WHERE id = ?1 AND done_at IS NULL",
        params![id, ts(now), error],
    )?;
    Ok(())
}

/// The failed write-back of the reply `outbox_id`: what failed and the recorded error.
pub fn failed_for_reply(
    conn: &Connection,
    outbox_id: i64,
) -> rusqlite::Result<Vec<(JobKind, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, coalesce(last_error, '') FROM writeback_jobs \
         WHERE outbox_id = ?1 AND failed_at IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([outbox_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (kind, error) = r?;
        if let Some(kind) = JobKind::parse(&kind) {
            out.push((kind, error));
        }
    }
    Ok(out)
}

/// How many jobs ended as failed.
pub fn failed_count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row(
        "SELECT COUNT(*) FROM writeback_jobs WHERE failed_at IS NOT NULL",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
}

/// The job's message was found at another place (the folder was recreated): remember it.
pub fn relocate(
    conn: &Connection,
    id: i64,
    mailbox: &str,
    uidvalidity: u32,
    uid: u32,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE writeback_jobs SET mailbox = ?2, uidvalidity = ?3, uid = ?4 WHERE id = ?1",
        params![id, mailbox, uidvalidity, uid],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Location, NewMessage, Store};
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn store_with_customer_mail() -> Store {
        let cfg = crate::config::Config::demo();
        let mut store =
            Store::open_in_memory(cfg.shop_context(crate::clock::Clock::fixed(t(0)))).unwrap();
        let raw = b"From: Jane <jane@example.com>\r\nTo: hello@alphx.shop\r\nSubject: Hi\r\n\
Message-ID: <q1@example.com>\r\nDate: Tue, 24 Nov 2026 09:00:00 +0100\r\n\r\nHello\r\n"
            .to_vec();
        let parsed = crate::mail::parse::parse_message(&raw);
        store
            .ingest(
                vec![NewMessage {
                    location: Location::new("INBOX", 77, 5),
                    raw,
                    parsed,
                    received_at: t(-60),
                    flags: vec![],
                }],
                None,
            )
            .unwrap();
        store
            .connection()
            .execute(
                "INSERT INTO outbox (id, in_reply_to_msgid, to_addr, subject, raw, message_id, \
                 state, created_at, updated_at) VALUES (1, 'q1@example.com', 'jane@example.com', \
                 'Re: Hi', x'00', 'r1@alphx.shop', 'sent', 0, 0), (2, 'unknown@example.com', \
                 'x@example.com', 'Re: ?', x'00', 'r2@alphx.shop', 'sent', 0, 0)",
                [],
            )
            .unwrap();
        store
    }

    #[test]
    fn a_reply_queues_its_sent_copy_and_the_flag_with_uidvalidity() {
        let store = store_with_customer_mail();
        let c = store.connection();
        assert_eq!(
            queue_for_reply(c, 1, SaveSent::Always, ANSWERED_FLAGS, t(0)).unwrap(),
            2
        );
        let jobs = pending(c, Select::default()).unwrap();
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].kind, JobKind::AppendSent);
        assert_eq!(jobs[0].message_id.as_deref(), Some("r1@alphx.shop"));
        assert_eq!(jobs[1].kind, JobKind::Flags);
        assert_eq!(
            (
                jobs[1].mailbox.as_deref(),
                jobs[1].uidvalidity,
                jobs[1].uid,
                jobs[1].message_id.as_deref()
            ),
            (Some("INBOX"), Some(77), Some(5), Some("q1@example.com"))
        );
        assert_eq!(jobs[1].flags, ["\\Answered", "\\Seen"]);
        // A reply to a message the store does not have on the server: only the Sent copy.
        assert_eq!(
            queue_for_reply(c, 2, SaveSent::Always, ANSWERED_FLAGS, t(0)).unwrap(),
            1
        );
        assert_eq!(pending_count(c).unwrap(), 3);
    }

    #[test]
    fn postponed_jobs_wait_for_their_backoff_and_finished_ones_are_gone() {
        let store = store_with_customer_mail();
        let c = store.connection();
        queue_for_reply(c, 1, SaveSent::Always, ANSWERED_FLAGS, t(0)).unwrap();
        let jobs = pending(c, Select::default()).unwrap();
        postpone(c, jobs[0].id, "server down", t(0)).unwrap();
        let due = |at| {
            pending(
                c,
                Select {
                    due_by: Some(at),
                    ..Select::default()
                },
            )
            .unwrap()
        };
        assert_eq!(due(t(0)).len(), 1, "only the flag job is due");
        assert_eq!(due(t(1)).len(), 2, "one minute later both are");
        postpone(c, jobs[0].id, "server down", t(1)).unwrap();
        assert_eq!(due(t(2)).len(), 1, "second back-off is two minutes");
        assert_eq!(due(t(3)).len(), 2);
        let all = pending(c, Select::default()).unwrap();
        assert_eq!(all[0].attempts, 2);
        assert_eq!(all[0].last_error.as_deref(), Some("server down"));
        finish(c, jobs[0].id, None, t(3)).unwrap();
        finish(c, jobs[1].id, None, t(3)).unwrap();
        assert_eq!(pending_count(c).unwrap(), 0);
        let only = Select {
            outbox_id: Some(2),
            ..Select::default()
        };
        assert!(pending(c, only).unwrap().is_empty());
    }

    #[test]
    fn save_sent_decides_whether_and_when_the_sent_copy_is_queued() {
        let kinds = |c: &Connection, select: Select| -> Vec<JobKind> {
            pending(c, select).unwrap().iter().map(|j| j.kind).collect()
        };
        // never: only the flags.
        let store = store_with_customer_mail();
        let c = store.connection();
        assert_eq!(
            queue_for_reply(c, 1, SaveSent::Never, ANSWERED_FLAGS, t(0)).unwrap(),
            1
        );
        assert_eq!(kinds(c, Select::default()), [JobKind::Flags]);

        // auto: the Sent copy waits two minutes, for every runner (also `shopinbox sync`,
        // which skips only the back-off); the flags go at once.
        let store = store_with_customer_mail();
        let c = store.connection();
        assert_eq!(
            queue_for_reply(c, 1, SaveSent::Auto, ANSWERED_FLAGS, t(0)).unwrap(),
            2
        );
        assert_eq!(kinds(c, Select::waited(t(0))), [JobKind::Flags]);
        let send_path = Select {
            outbox_id: Some(1),
            ..Select::waited(t(0))
        };
        assert_eq!(kinds(c, send_path), [JobKind::Flags]);
        let worker = |at| Select {
            due_by: Some(at),
            ..Select::default()
        };
        assert_eq!(kinds(c, worker(t(1))), [JobKind::Flags]);
        assert_eq!(
            kinds(c, worker(t(2))),
            [JobKind::AppendSent, JobKind::Flags]
        );
        assert_eq!(
            kinds(c, Select::waited(t(2))),
            [JobKind::AppendSent, JobKind::Flags]
        );
        // Once tried and failed, `shopinbox sync` runs it regardless of its back-off.
        let sent = pending(c, Select::default()).unwrap()[0].id;
        postpone(c, sent, "server down", t(2)).unwrap();
        assert_eq!(kinds(c, worker(t(2))), [JobKind::Flags]);
        assert_eq!(
            kinds(c, Select::waited(t(2))),
            [JobKind::AppendSent, JobKind::Flags]
        );

        // always: both due at once (what `true` means for the outbox).
        let store = store_with_customer_mail();
        let c = store.connection();
        assert_eq!(
            ReplyWriteBack::from(true),
            ReplyWriteBack::On(SaveSent::Always)
        );
        queue_for_reply(c, 1, SaveSent::Always, ANSWERED_FLAGS, t(0)).unwrap();
        assert_eq!(
            kinds(c, Select::waited(t(0))),
            [JobKind::AppendSent, JobKind::Flags]
        );
    }

    #[test]
    fn a_refusal_ends_the_job_when_permanent_or_after_the_cap() {
        // (server's words, attempts before this one, gives up)
        let cases: &[(&str, u32, bool)] = &[
            ("Current box is selected READ-ONLY", 0, true),
            ("[CANNOT] Mailbox is not appendable", 0, true),
            ("[NOPERM] Permission denied", 0, true),
            ("[TRYCREATE] Mailbox doesn't exist: Sent", 0, false),
            ("[TRYCREATE] Mailbox doesn't exist: Sent", 5, true),
            ("no reason given", 0, true),
            ("[UNAVAILABLE] Temporary backend failure", 0, false),
            (
                "[OVERQUOTA] Quota exceeded (mailbox for user is full)",
                0,
                false,
            ),
            ("Server busy, try again later", 4, false),
            ("Server busy, try again later", 5, true),
            ("[INUSE] Mailbox is locked", MAX_REFUSALS, true),
        ];
        for &(reason, attempts, want) in cases {
            assert_eq!(
                gives_up(reason, attempts),
                want,
                "{reason} after {attempts}"
            );
        }
    }

    #[test]
    fn a_failed_job_is_not_run_again_and_keeps_the_servers_words() {
        let store = store_with_customer_mail();
        let c = store.connection();
        queue_for_reply(c, 1, SaveSent::Always, ANSWERED_FLAGS, t(0)).unwrap();
        let jobs = pending(c, Select::default()).unwrap();
        let words = "the server refused to save the copy: \"Current box is selected READ-ONLY\"";
        fail(c, jobs[0].id, words, t(1)).unwrap();
        let left = pending(c, Select::default()).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].kind, JobKind::Flags);
        assert_eq!(pending_count(c).unwrap(), 1);
        assert_eq!(failed_count(c).unwrap(), 1);
        assert_eq!(
            failed_for_reply(c, 1).unwrap(),
            vec![(JobKind::AppendSent, words.to_string())]
        );
        // A job that finished normally is not a failure.
        finish(c, left[0].id, None, t(1)).unwrap();
        assert_eq!(failed_count(c).unwrap(), 1);
        assert!(failed_for_reply(c, 2).unwrap().is_empty());
    }

    #[test]
    fn backoff_grows_and_caps() {
        let d: Vec<i64> = (1..=7).map(|n| retry_delay(n).num_minutes()).collect();
        assert_eq!(d, [1, 2, 5, 10, 30, 60, 60]);
    }
}
