//! Downloading new messages and storing them, as one pipeline per folder and phase (issue 22
//! point 2): the line, the parser and SQLite work at the same time instead of taking turns.
//!
//! ```text
//!  reader thread ──(1)──▶ parser thread ──(1)──▶ calling thread
//!  fetch_pipelined        parse_message,          Store::ingest_arriving (one transaction
//!  (depth commands        to_new_message,         per batch, each message as it is
//!   in flight)            Prepared::new,          parsed), progress events
//!                         message by message
//! ```
//!
//! - **Reader**: [`ImapSession::fetch_pipelined`]: the next `UID FETCH` goes out once fewer
//!   than a hundred messages are still to come from those in flight, up to
//!   `opts.fetch_depth` of them (Dovecot runs pipelined FETCHes side by side, so sets sent
//!   together would end together). Whether to ask for the next set (cancellation, the history's time
//!   budget) is decided when the next set is asked for ([`may_ask`]), so the pipeline is never
//!   restarted for it. Only two things restart it: after the first set (see below), and after
//!   a set that came back short (its missing UIDs are checked with `UID SEARCH`, which cannot be
//!   sent while the fetch runs; the sets in flight then are asked for again: [`SetQueue`]).
//! - **Parser**: `parse_message`, [`to_new_message`] and [`Prepared::new`] (the store's checks
//!   that need only the message) on a thread of its own, so parsing (CPU) overlaps with
//!   storing (CPU and disk) across both cores. A batch is announced to
//!   the store before it is parsed and its messages follow one by one, so the two overlap
//!   inside a batch too (a re-sync's few new messages are one batch): the store writes one
//!   message while the next is parsed. The batch is still one transaction, saved only when
//!   all its messages came ([`Store::ingest_arriving`]).
//! - **Store**: the calling thread (the store and the event callback stay where they are).
//!
//! Memory is bounded: both channels hold one batch, so at most five batches are in our hands
//! at once (one being handed over by the reader, one in each channel, one being parsed, one
//! being stored), each at most `opts.batch_bytes` of raw mail; plus whatever the IMAP layer
//! buffers for the commands in flight.
//!
//! New mail's first set is fetched alone and the rest only once its batch is committed: the
//! owner sees the first mail as soon as possible (nothing competes with it for the line or the
//! cores), and a download that cannot store (locked or full disk), is cancelled or loses the
//! server right away stops after one batch without having downloaded more. A first sync has
//! no such gate, neither for the tracking window nor for the history: on a slow line the wait
//! for the first commit left the line idle. Its window starts with a set of the newest
//! handful ([`plan::small_first`]), which is on screen after a few kilobytes while the rest
//! of the window is still on the line; the window is bounded (a few days of mail), so a
//! store that cannot write stops after little more than that.
//!
//! A download of several batches ends in smaller and smaller ones ([`plan::taper`]), so that
//! little is left to parse and store after the line's last byte, and while it runs the WAL's
//! checkpoints are a second connection's, on a thread of its own
//! ([`Store::background_checkpoints`]): the storing thread only appends.
//!
//! Crash safety is unchanged (engine.rs, history.rs): the folder's highest UID and the
//! history's `pending_upto` move only inside the transaction that commits their batch, batches
//! are committed in the order they were planned, and a failed or cancelled download ends after
//! the batches committed so far.

use super::options::SyncOptions;
use super::plan;
use super::session::{FetchedMessage, ImapSession};
use super::{FolderSummary, SyncError, SyncEvent};
use crate::clock::Clock;
use crate::mail::parse::parse_message;
use crate::store::{HistoryProgress, Location, MailboxState, NewMessage, Prepared, Store};
use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::sync::mpsc;
use std::time::Instant;

/// The order a download stores its batches in, and what moves with each batch.
pub(super) enum Order<'a> {
    /// New mail, ascending: the folder's highest UID moves with each batch.
    Ascending,
    /// A first sync (issue 11), descending: the folder's highest UID is `top` from the first
    /// batch on, and `progress.pending_upto` falls below each stored batch. `history`: this is
    /// the history phase, reported as (stored before this folder, listed in all folders);
    /// its sets may start with the folder's tracking window (the UIDs from
    /// `progress.window_from` up: `history::first_look`), which is then reported as the
    /// window. Without `history` every set is the window's.
    NewestFirst {
        top: u32,
        progress: &'a mut HistoryProgress,
        history: Option<(usize, usize)>,
    },
}

/// How a download ended without error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ended {
    /// Every planned batch is stored.
    All,
    /// The deadline passed: the batches asked for before it are stored, the rest is not.
    OutOfTime,
}

/// What the download needs of a connection: an [`ImapSession`], or a simulated server in the
/// unit tests (which check the reader under a sequential and a truly pipelined fetch).
pub(super) trait Fetcher: Send {
    fn fetch_pipelined(
        &mut self,
        depth: usize,
        next: &mut dyn FnMut() -> Option<String>,
        each: &mut dyn FnMut(Vec<FetchedMessage>) -> Result<bool, SyncError>,
    ) -> Result<(), SyncError>;
    fn uids_present(&mut self, uid_set: &str) -> Result<HashSet<u32>, SyncError>;
    fn host(&self) -> &str;
}

impl Fetcher for ImapSession {
    fn fetch_pipelined(
        &mut self,
        depth: usize,
        next: &mut dyn FnMut() -> Option<String>,
        each: &mut dyn FnMut(Vec<FetchedMessage>) -> Result<bool, SyncError>,
    ) -> Result<(), SyncError> {
        ImapSession::fetch_pipelined(self, depth, next, each)
    }

    fn uids_present(&mut self, uid_set: &str) -> Result<HashSet<u32>, SyncError> {
        ImapSession::uids_present(self, uid_set)
    }

    fn host(&self) -> &str {
        ImapSession::host(self)
    }
}

/// The planned batches of one download: those not asked for yet, and those asked for whose
/// answer has not been delivered. Answers arrive in the order the sets were asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SetQueue {
    todo: VecDeque<Vec<u32>>,
    asked: VecDeque<Vec<u32>>,
}

impl SetQueue {
    pub(super) fn new(batches: &[Vec<u32>]) -> SetQueue {
        SetQueue {
            todo: batches.iter().filter(|b| !b.is_empty()).cloned().collect(),
            asked: VecDeque::new(),
        }
    }

    /// The next set to ask for, as a UID set; it now waits for its answer.
    pub(super) fn ask(&mut self) -> Option<String> {
        let batch = self.todo.pop_front()?;
        let mut sorted = batch.clone();
        sorted.sort_unstable();
        self.asked.push_back(batch);
        Some(plan::uid_set(&sorted))
    }

    /// The batch whose answer just arrived (the oldest one asked for).
    pub(super) fn answered(&mut self) -> Option<Vec<u32>> {
        self.asked.pop_front()
    }

    /// The fetch stopped: sets asked for but not delivered (their answers were dropped) are
    /// asked for again first, in their order.
    pub(super) fn put_back_unanswered(&mut self) {
        while let Some(b) = self.asked.pop_back() {
            self.todo.push_front(b);
        }
    }

    /// Every set was asked for and delivered.
    pub(super) fn finished(&self) -> bool {
        self.todo.is_empty() && self.asked.is_empty()
    }
}

/// Whether the next set may be asked for: not after a cancel, not once the deadline passed
/// (the sets already in flight are still stored).
pub(super) fn may_ask(cancelled: bool, now: Instant, deadline: Option<Instant>) -> bool {
    !cancelled && deadline.is_none_or(|d| now < d)
}

/// The UIDs asked for but not delivered, in the order they were asked for.
pub(super) fn missing(asked: &[u32], got: &[FetchedMessage]) -> Vec<u32> {
    let got: HashSet<u32> = got.iter().map(|m| m.uid).collect();
    asked.iter().copied().filter(|u| !got.contains(u)).collect()
}

/// One answered set, on its way from the reader to the parser.
#[derive(Debug)]
pub(super) struct Fetched {
    asked: Vec<u32>,
    msgs: Vec<FetchedMessage>,
}

/// One downloaded batch, on its way from the parser to the store: handed over before it is
/// parsed, its messages follow one by one as they are parsed (`msgs`), so that the store
/// writes the first while the parser reads the next.
struct Downloaded {
    /// The batch's highest UID: asked for, whether or not the server still had it.
    max_uid: u32,
    /// The batch's lowest UID, likewise.
    min_uid: u32,
    asked: usize,
    bytes: u64,
    /// How many messages `msgs` will yield: the store saves the batch only when all came.
    count: usize,
    msgs: mpsc::Receiver<Prepared>,
}

/// Download `batches` (in their order) and store them, pipelined (see the module's text).
/// With a `deadline`, no set is asked for once it passed, and the download ends
/// [`Ended::OutOfTime`] after storing the sets asked for before.
#[allow(clippy::too_many_arguments)]
pub(super) fn download(
    sess: &mut ImapSession,
    store: &mut Store,
    (mailbox, uidvalidity): (&str, u32),
    batches: &[Vec<u32>],
    opts: &SyncOptions,
    state: &mut MailboxState,
    fs: &mut FolderSummary,
    mut order: Order<'_>,
    deadline: Option<Instant>,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<Ended, SyncError> {
    let total: usize = batches.iter().map(Vec::len).sum();
    if total == 0 {
        return Ok(Ended::All);
    }
    if opts.cancelled() {
        return Err(SyncError::Cancelled);
    }
    // The tracking window's UIDs, when the download holds a first look's window.
    let window_from = match &order {
        Order::Ascending => None,
        Order::NewestFirst { history: None, .. } => Some(0),
        Order::NewestFirst { progress, .. } => Some(progress.window_from),
    };
    let tapered = plan::download_sets(batches.to_vec(), window_from);
    let batches = tapered.as_slice();
    // No set holds both window and history (`plan::download_sets`): a set is the window's
    // when its lowest UID is.
    let in_window = |min_uid: u32| window_from.is_some_and(|w| min_uid >= w);
    let window_total: usize = batches
        .iter()
        .filter(|b| b.iter().min().is_some_and(|u| in_window(*u)))
        .map(Vec::len)
        .sum();
    let mut done = 0;
    // Only new mail waits for its first batch to be committed (see the module's text).
    let gated = matches!(order, Order::Ascending);
    // More than one batch: the WAL's checkpoints move off the storing thread (checkpoint.rs).
    let checkpoints = if batches.len() > 1 {
        store.background_checkpoints()
    } else {
        None
    };
    let ctx = store.context().clone();
    let clock = ctx.clock;
    let mut save = |batch: Downloaded| -> Result<(), SyncError> {
        fs.downloaded += batch.count;
        fs.bytes += batch.bytes;
        // UIDs asked for but not returned were expunged meanwhile (the reader made sure):
        // nothing to keep, and the folder's highest UID still moves past them (UIDs are never
        // reused).
        fs.vanished += batch.asked.saturating_sub(batch.count);
        let outcomes = match &mut order {
            Order::Ascending => {
                state.highest_uid = state.highest_uid.max(batch.max_uid);
                store.ingest_arriving(batch.msgs, batch.count, state, None)?
            }
            // Newest first: everything above the batch's lowest UID is now stored, so the
            // folder's highest UID is the listed top and what is missing is below the batch.
            Order::NewestFirst { top, progress, .. } => {
                state.highest_uid = state.highest_uid.max(*top);
                progress.pending_upto = batch.min_uid.saturating_sub(1);
                progress.done = progress.done.saturating_add(batch.asked as u32);
                store.ingest_arriving(batch.msgs, batch.count, state, Some(&**progress))?
            }
        };
        if let Some(c) = &checkpoints {
            c.committed();
        }
        fs.new += outcomes.iter().filter(|o| o.is_inserted()).count();
        done += batch.asked;
        match &order {
            // The window of a download that goes on with the history (sets in their order:
            // the window's come first).
            Order::NewestFirst {
                history: Some(_), ..
            } if in_window(batch.min_uid) => {
                on_event(SyncEvent::Progress {
                    folder: mailbox.to_string(),
                    done,
                    total: window_total,
                });
                if done == window_total {
                    on_event(SyncEvent::WindowSynced);
                }
            }
            Order::NewestFirst {
                history: Some((before, all)),
                ..
            } => on_event(SyncEvent::History {
                done: before + done,
                total: *all,
            }),
            _ => on_event(SyncEvent::Progress {
                folder: mailbox.to_string(),
                done,
                total,
            }),
        }
        Ok(())
    };
    let depth = opts.fetch_depth.max(1);
    let finished = std::thread::scope(|scope| {
        let (raw_tx, raw_rx) = mpsc::sync_channel::<Result<Fetched, SyncError>>(1);
        let (parsed_tx, parsed_rx) = mpsc::sync_channel::<Result<Downloaded, SyncError>>(1);
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let reader = scope.spawn(move || {
            let ask = || may_ask(opts.cancelled(), Instant::now(), deadline);
            let mut queue = SetQueue::new(batches);
            read_sets(
                sess,
                &mut queue,
                depth,
                &ask,
                gated.then_some(gate_rx),
                &raw_tx,
            );
            queue.finished()
        });
        scope.spawn(move || {
            for item in raw_rx {
                let (batch, msgs) = match item {
                    Ok(f) => {
                        let (tx, rx) = mpsc::channel();
                        (Ok(announce(&f, rx)), Some((f, tx)))
                    }
                    Err(e) => (Err(e), None),
                };
                // A closed channel means the store stopped (an error): stop too.
                if parsed_tx.send(batch).is_err() {
                    return;
                }
                let Some((f, tx)) = msgs else {
                    return;
                };
                for m in f.msgs {
                    let m = to_new_message(mailbox, uidvalidity, m, clock);
                    // The store gave up on this batch (an error): stop.
                    if tx.send(Prepared::new(m, &ctx)).is_err() {
                        return;
                    }
                }
            }
        });
        let stored = store_all(parsed_rx, gate_tx, opts, &mut save);
        // `parsed_rx` and `gate_tx` are gone now: a reader still working stops at its next
        // hand-over (or wait for the gate), so this join returns.
        let finished = match reader.join() {
            Ok(f) => f,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        stored.map(|()| finished)
    });
    store.end_background_checkpoints(checkpoints);
    let finished = finished?;
    if finished {
        Ok(Ended::All)
    } else if opts.cancelled() {
        Err(SyncError::Cancelled)
    } else {
        Ok(Ended::OutOfTime)
    }
}

/// The store's side: commit each batch in order; after the first, open the gate for the rest.
fn store_all(
    parsed: mpsc::Receiver<Result<Downloaded, SyncError>>,
    gate: mpsc::Sender<()>,
    opts: &SyncOptions,
    save: &mut dyn FnMut(Downloaded) -> Result<(), SyncError>,
) -> Result<(), SyncError> {
    let mut gate = Some(gate);
    for received in parsed {
        let batch = received?;
        if opts.cancelled() {
            return Err(SyncError::Cancelled);
        }
        save(batch)?;
        if let Some(g) = gate.take() {
            // The reader may have stopped already (nothing more to ask): nothing to open.
            let _ = g.send(());
        }
    }
    Ok(())
}

/// The reader's side: ask for the queue's sets through `fetch_pipelined` and hand each answer
/// to `out`, in order. With a `gate`, the first set goes alone and the rest follow once the
/// gate says its batch is committed; without one, all go at once. A set that comes back short
/// stops the fetch: its missing UIDs must be gone from the server (one that still exists would be lost for good once the folder's highest UID
/// moved past it: that is an error), then the batch is handed on and the fetch resumes with
/// what is left, the dropped sets in flight first. An error is handed on as the last item.
pub(super) fn read_sets<F: Fetcher + ?Sized>(
    conn: &mut F,
    queue: &mut SetQueue,
    depth: usize,
    ask: &dyn Fn() -> bool,
    mut gate: Option<mpsc::Receiver<()>>,
    out: &mpsc::SyncSender<Result<Fetched, SyncError>>,
) {
    let mut first_out = false;
    let queue = RefCell::new(queue);
    loop {
        if first_out {
            if let Some(g) = gate.take() {
                if g.recv().is_err() {
                    // The store stopped before committing the first batch.
                    return;
                }
            }
        }
        let first_only = gate.is_some();
        let mut asked_now = 0usize;
        let mut short: Option<(Fetched, Vec<u32>)> = None;
        let host = conn.host().to_string();
        let res = conn.fetch_pipelined(
            depth,
            &mut || {
                if (first_only && asked_now > 0) || !ask() {
                    return None;
                }
                let set = queue.borrow_mut().ask()?;
                asked_now += 1;
                Some(set)
            },
            &mut |msgs| {
                let Some(asked) = queue.borrow_mut().answered() else {
                    return Err(SyncError::Protocol {
                        host: host.clone(),
                        action: "download messages".to_string(),
                        detail: "an answer arrived for a command that was not sent".to_string(),
                    });
                };
                let gone = missing(&asked, &msgs);
                let fetched = Fetched { asked, msgs };
                if !gone.is_empty() {
                    short = Some((fetched, gone));
                    return Ok(false);
                }
                // A closed channel: the store stopped (its error is the one reported).
                out.send(Ok(fetched)).map_err(|_| SyncError::Cancelled)?;
                first_out = true;
                Ok(true)
            },
        );
        queue.borrow_mut().put_back_unanswered();
        if let Err(e) = res {
            let _ = out.send(Err(e));
            return;
        }
        if let Some((fetched, gone)) = short {
            if let Err(e) = check_gone(conn, &gone) {
                let _ = out.send(Err(e));
                return;
            }
            if out.send(Ok(fetched)).is_err() {
                return;
            }
            first_out = true;
            continue;
        }
        if first_only && first_out {
            continue;
        }
        // `next` said no more: everything asked for, or no more may be asked for.
        return;
    }
}

/// A message asked for but not delivered was expunged by another client meanwhile (the
/// server answers `BODY[] NIL` or leaves it out). Make sure: one that still exists is refused.
fn check_gone<F: Fetcher + ?Sized>(conn: &mut F, missing: &[u32]) -> Result<(), SyncError> {
    let mut sorted = missing.to_vec();
    sorted.sort_unstable();
    let still = conn.uids_present(&plan::uid_set(&sorted))?;
    if let Some(uid) = missing.iter().find(|u| still.contains(u)) {
        return Err(SyncError::Protocol {
            host: conn.host().to_string(),
            action: "download messages".to_string(),
            detail: format!("the server sent message UID {uid} without its content"),
        });
    }
    Ok(())
}

/// What the store learns of a batch before its messages are parsed; they follow on `msgs`.
fn announce(f: &Fetched, msgs: mpsc::Receiver<Prepared>) -> Downloaded {
    Downloaded {
        max_uid: f.asked.iter().copied().max().unwrap_or(0),
        min_uid: f.asked.iter().copied().min().unwrap_or(0),
        asked: f.asked.len(),
        bytes: f.msgs.iter().map(|m| m.raw.len() as u64).sum(),
        count: f.msgs.len(),
        msgs,
    }
}

fn to_new_message(mailbox: &str, uidvalidity: u32, m: FetchedMessage, clock: Clock) -> NewMessage {
    let parsed = parse_message(&m.raw);
    // DESIGN.md: received_at is INTERNALDATE; the Date header only when it is missing.
    let received_at = m
        .internaldate
        .or(parsed.date)
        .unwrap_or_else(|| clock.now());
    NewMessage {
        location: Location {
            mailbox: mailbox.to_string(),
            uidvalidity,
            uid: m.uid,
        },
        flags: plan::normalize_flags(&m.flags),
        raw: m.raw,
        parsed,
        received_at,
    }
}

#[cfg(test)]
#[path = "download_tests.rs"]
mod tests;
