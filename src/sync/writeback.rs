//! Write-back for replies: mark a message `\Answered`/`\Seen` on the server and save a sent
//! reply into the Sent folder, so that the owner's phone and webmail agree with shopinbox.
//! These are the only places that open a folder read-write. [`run_jobs`] carries out the
//! durable write-back jobs queued when a reply is settled as sent ([`super::jobs`]).

use super::jobs;
use super::server_text::printable;
use super::session::ImapSession;
use super::{ImapAccount, SyncError};
use crate::mail::parse::parse_message;
use chrono::{DateTime, Utc};

/// Adds and removes flags on one message (`UID STORE`, folder opened with SELECT).
pub fn set_flags(
    account: &ImapAccount,
    mailbox: &str,
    uid: u32,
    add: &[&str],
    remove: &[&str],
) -> Result<(), SyncError> {
    let mut sess = ImapSession::connect(account)?;
    sess.select(mailbox)?;
    sess.store_flags(uid, add, remove)?;
    sess.logout();
    Ok(())
}

/// APPENDs `raw` to the Sent folder (configured, else SPECIAL-USE `\Sent`) and returns the
/// folder and the new message's UID when it can be known: from UIDPLUS's APPENDUID when
/// offered, else by searching the folder for the message's Message-ID.
pub fn append_to_sent(
    account: &ImapAccount,
    raw: &[u8],
    flags: &[&str],
) -> Result<(String, Option<u32>), SyncError> {
    let mut sess = ImapSession::connect(account)?;
    let folder = sess
        .sent_folder(account.sent_folder.as_deref())?
        .ok_or_else(|| SyncError::NoSentFolder {
            host: account.host.clone(),
        })?;
    let appended = sess.append(&folder, raw, flags)?;
    let uid = match appended {
        Some((_, uid)) => Some(uid),
        None => find_by_message_id(&mut sess, &folder, raw)?,
    };
    sess.logout();
    Ok((folder, uid))
}

fn find_by_message_id(
    sess: &mut ImapSession,
    folder: &str,
    raw: &[u8],
) -> Result<Option<u32>, SyncError> {
    let Some(id) = parse_message(raw).message_id else {
        return Ok(None);
    };
    sess.examine(folder)?;
    Ok(sess.search_message_id(&id)?.into_iter().max())
}

/// The Message-IDs' UIDs in the folder open on `sess` (`UID SEARCH HEADER Message-ID <id>`).
fn search_message_id(sess: &mut ImapSession, message_id: &str) -> Result<Vec<u32>, SyncError> {
    sess.search_message_id(message_id)
}

/// What one run of the write-back jobs did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobsReport {
    /// Jobs finished in this run.
    pub done: usize,
    /// Jobs that stay queued (failed this time, or being run by another process).
    pub waiting: usize,
    /// Jobs the server refused for good in this run (see [`jobs::gives_up`]): not tried again.
    pub failed: usize,
    /// One sentence per failure, for the owner.
    pub problems: Vec<String>,
}

/// How many times a flag job looks for a message that is no longer where it was before it
/// gives up (the message was deleted on the server).
const FLAG_SEARCHES: u32 = 6;

/// Runs the pending write-back jobs ([`super::jobs`]) over one IMAP connection: the Sent copy
/// (searched for by Message-ID first, so a retry never makes a second copy) and flags on the
/// answered message (only where the folder's UIDVALIDITY is still the one saved with the UID;
/// otherwise the message is looked up by its Message-ID, or the job waits for the next sync).
///
/// Only one process runs jobs at a time (a lock file next to the store); a second one leaves
/// them to it. Failures postpone the job with back-off and never stop the caller.
pub fn run_jobs(
    account: &ImapAccount,
    conn: &rusqlite::Connection,
    select: jobs::Select,
    now: DateTime<Utc>,
) -> JobsReport {
    let mut report = JobsReport::default();
    let list = match jobs::pending(conn, select) {
        Ok(l) => l,
        Err(e) => {
            report.problems.push(format!(
                "cannot read the pending write-back to the server: {e}"
            ));
            return report;
        }
    };
    if list.is_empty() {
        return report;
    }
    let Some(_lock) = RunnerLock::try_take(conn) else {
        // Another shopinbox is running them right now.
        report.waiting = list.len();
        return report;
    };
    let mut runner = Runner {
        account,
        conn,
        sess: None,
        sent_folder: None,
    };
    for job in list {
        // Another process may have finished it before we took the lock.
        if !still_pending(conn, job.id) {
            continue;
        }
        match runner.run(&job) {
            Ok(Step::Done(note)) => {
                report.done += 1;
                if let Err(e) = jobs::finish(conn, job.id, note.as_deref(), now) {
                    report.problems.push(format!(
                        "the server was updated, but cannot record it in the store: {e}"
                    ));
                }
            }
            Ok(Step::Wait(why)) => {
                report.waiting += 1;
                let _ = jobs::postpone(conn, job.id, &why, now);
            }
            Err(SyncError::Server {
                host,
                action,
                reason,
            }) if jobs::gives_up(&reason, job.attempts) => {
                // Refused for good (or too often): stop trying, in the server's own words.
                report.failed += 1;
                let why = gave_up_sentence(&host, &action, &reason, job.attempts + 1);
                let _ = jobs::fail(conn, job.id, &why, now);
                report.problems.push(why);
                runner.sess = None;
            }
            Err(SyncError::NoFolder {
                host,
                folder,
                reason,
                ..
            }) if job.attempts.saturating_add(1) >= jobs::MAX_REFUSALS => {
                report.failed += 1;
                let action = format!("open the folder {}", printable(&folder));
                let why = gave_up_sentence(&host, &action, &reason, job.attempts + 1);
                let _ = jobs::fail(conn, job.id, &why, now);
                report.problems.push(why);
                runner.sess = None;
            }
            Err(e) => {
                report.waiting += 1;
                let why = e.to_string();
                let _ = jobs::postpone(conn, job.id, &why, now);
                report.problems.push(why);
                // The connection may be broken: the next job reconnects.
                runner.sess = None;
            }
        }
    }
    if let Some(s) = runner.sess.take() {
        s.logout();
    }
    report
}

/// What the owner is told, and what stays with the job, when it ended as failed.
fn gave_up_sentence(host: &str, action: &str, reason: &str, attempts: u32) -> String {
    let tries = if attempts == 1 {
        "once".to_string()
    } else {
        format!("{attempts} times")
    };
    format!(
        "{} refused to {action} ({tries}): \"{reason}\"; shopinbox stopped trying, so do it in \
         another mail program if it matters",
        printable(host)
    )
}

fn still_pending(conn: &rusqlite::Connection, id: i64) -> bool {
    conn.query_row(
        "SELECT done_at IS NULL FROM writeback_jobs WHERE id = ?1",
        [id],
        |r| r.get::<_, bool>(0),
    )
    .unwrap_or(false)
}

enum Step {
    /// Finished (with a note when it ended without changing anything).
    Done(Option<String>),
    /// Not possible yet; try again later.
    Wait(String),
}

struct Runner<'a> {
    account: &'a ImapAccount,
    conn: &'a rusqlite::Connection,
    sess: Option<ImapSession>,
    sent_folder: Option<String>,
}

impl Runner<'_> {
    fn session(&mut self) -> Result<&mut ImapSession, SyncError> {
        if let Some(s) = self.sess.take() {
            return Ok(self.sess.insert(s));
        }
        Ok(self.sess.insert(ImapSession::connect(self.account)?))
    }

    fn run(&mut self, job: &jobs::Job) -> Result<Step, SyncError> {
        match job.kind {
            jobs::JobKind::AppendSent => self.append_sent(job),
            jobs::JobKind::Flags => self.flags(job),
        }
    }

    fn append_sent(&mut self, job: &jobs::Job) -> Result<Step, SyncError> {
        let raw: Option<Vec<u8>> = job.outbox_id.and_then(|id| {
            self.conn
                .query_row("SELECT raw FROM outbox WHERE id = ?1", [id], |r| r.get(0))
                .ok()
        });
        let Some(raw) = raw else {
            return Ok(Step::Done(Some(
                "the reply is no longer in the outbox".to_string(),
            )));
        };
        let message_id = job
            .message_id
            .clone()
            .or_else(|| parse_message(&raw).message_id);
        let folder = match self.sent_folder.clone() {
            Some(f) => f,
            None => {
                let configured = self.account.sent_folder.clone();
                let f = self
                    .session()?
                    .sent_folder(configured.as_deref())?
                    .ok_or_else(|| SyncError::NoSentFolder {
                        host: self.account.host.clone(),
                    })?;
                self.sent_folder = Some(f.clone());
                f
            }
        };
        let sess = self.session()?;
        if let Some(id) = &message_id {
            sess.examine(&folder)?;
            if !search_message_id(sess, id)?.is_empty() {
                // Saved by an earlier attempt that was cut short before recording it.
                return Ok(Step::Done(None));
            }
        }
        sess.append(&folder, &raw, &["\\Seen"])?;
        Ok(Step::Done(None))
    }

    fn flags(&mut self, job: &jobs::Job) -> Result<Step, SyncError> {
        // `-$Keyword` removes (a shared mark undone); system flags are only ever added.
        let flags: Vec<&str> = job
            .flags
            .iter()
            .filter(|f| !f.starts_with('-'))
            .map(String::as_str)
            .collect();
        let remove: Vec<&str> = job
            .flags
            .iter()
            .filter_map(|f| f.strip_prefix('-'))
            .collect();
        let keywords = job.flags.iter().any(|f| f.contains('$'));
        let (Some(mailbox), Some(uidvalidity), Some(uid)) =
            (job.mailbox.clone(), job.uidvalidity, job.uid)
        else {
            return Ok(Step::Done(Some("no server location saved".to_string())));
        };
        // After a sync that rebuilt the folder the store knows the message's new place.
        let (mailbox, uidvalidity, uid) =
            current_location(self.conn, job).unwrap_or((mailbox, uidvalidity, uid));
        let sess = self.session()?;
        let opened = if keywords {
            super::state_wire::select_with_keywords(sess, &mailbox)
        } else {
            sess.select(&mailbox).map(|s| (s, true))
        };
        let status = match opened {
            // Shared marks as keywords (issue 26) only where the folder keeps them; the
            // state folder carries the mark either way.
            Ok((_, false)) => {
                return Ok(Step::Done(Some(format!(
                    "the server keeps no keywords in {}; the mark is shared through the state \
                     folder only",
                    printable(&mailbox)
                ))))
            }
            Ok((s, true)) => s,
            Err(SyncError::NoFolder { .. }) => {
                return Ok(give_up_or_wait(
                    job,
                    format!("the folder {} is gone from the server", printable(&mailbox)),
                ))
            }
            Err(e) => return Err(e),
        };
        if status.uidvalidity == uidvalidity {
            if status.exists > 0 {
                // A UID that was expunged meanwhile simply matches nothing.
                sess.store_flags(uid, &flags, &remove)?;
            }
            // Remembers where the flag went (the store may have known a newer place).
            let _ = jobs::relocate(self.conn, job.id, &mailbox, uidvalidity, uid);
            return Ok(Step::Done(None));
        }
        // The folder was recreated: the saved UID may now be another message. Only the
        // Message-ID says which one is ours.
        let Some(message_id) = &job.message_id else {
            return Ok(Step::Done(Some(
                "the folder was recreated and the message has no Message-ID".to_string(),
            )));
        };
        let found = search_message_id(sess, message_id)?;
        let Some(&new_uid) = found.first() else {
            return Ok(give_up_or_wait(
                job,
                format!(
                    "the folder {} was recreated on the server and the message is not in it \
                     yet; trying again after the next sync",
                    printable(&mailbox)
                ),
            ));
        };
        for &u in &found {
            sess.store_flags(u, &flags, &remove)?;
        }
        let _ = jobs::relocate(self.conn, job.id, &mailbox, status.uidvalidity, new_uid);
        Ok(Step::Done(None))
    }
}

/// Gives up after [`FLAG_SEARCHES`] attempts (the message is gone), else waits.
fn give_up_or_wait(job: &jobs::Job, why: String) -> Step {
    if job.attempts + 1 >= FLAG_SEARCHES {
        Step::Done(Some(format!("gave up: {why}")))
    } else {
        Step::Wait(why)
    }
}

/// Where the store now has the job's message, when its saved place is no longer in the store
/// (a sync rebuilt the folder): same Message-ID, on the server.
fn current_location(conn: &rusqlite::Connection, job: &jobs::Job) -> Option<(String, u32, u32)> {
    let message_id = job.message_id.as_deref()?;
    let still_there: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 \
             AND uid = ?3 AND message_id = ?4)",
            rusqlite::params![job.mailbox, job.uidvalidity, job.uid, message_id],
            |r| r.get(0),
        )
        .ok()?;
    if still_there {
        return None;
    }
    conn.query_row(
        "SELECT mailbox, uidvalidity, uid FROM messages WHERE message_id = ?1 AND uid > 0 \
         ORDER BY (mailbox = ?2) DESC, (mailbox = 'INBOX') DESC, id DESC LIMIT 1",
        rusqlite::params![message_id, job.mailbox],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .ok()
}

/// The lock that lets one process at a time run write-back jobs: an advisory lock on
/// `<store>.writeback.lock` next to the store (never the database file itself). An in-memory
/// store has no neighbours: its lock always succeeds.
struct RunnerLock {
    _file: Option<std::fs::File>,
}

impl RunnerLock {
    fn try_take(conn: &rusqlite::Connection) -> Option<RunnerLock> {
        use fs4::FileExt;
        let Some(db) = conn.path().filter(|p| !p.is_empty()) else {
            return Some(RunnerLock { _file: None });
        };
        let mut name = std::path::Path::new(db).as_os_str().to_owned();
        name.push(".writeback.lock");
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(std::path::PathBuf::from(name)).ok()?;
        FileExt::try_lock(&file).ok()?;
        Some(RunnerLock { _file: Some(file) })
    }
}
