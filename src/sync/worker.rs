//! The sync on a background thread, for the TUI: runs a sync at start, on request, when the
//! IDLE watcher sees INBOX change, and every `poll` as a fallback. Results travel as
//! [`SyncEvent`]s; the UI thread never waits on the network.
//!
//! The IDLE watcher has its own connection (meli's lesson: never mix a waiting IDLE and
//! commands on one connection) and reconnects with exponential backoff.

use super::engine::{sync_kept, KeptSession};
use super::jobs::Select;
use super::lock::SyncLock;
use super::options::SyncOptions;
use super::session::ImapSession;
use super::writeback::run_jobs;
use super::{ImapAccount, SyncEvent};
use crate::net::ShutdownHandle;
use crate::store::{ShopContext, Store};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// When another process holds the sync lock, the next attempt comes this soon (or at the
/// normal poll, if that is sooner).
const RETRY_WHEN_LOCKED: Duration = Duration::from_secs(15);

/// Requests to the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncCommand {
    SyncNow,
    Shutdown,
}

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Watch INBOX with IDLE (when the server offers it).
    pub idle: bool,
    /// Sync at least this often even without IDLE news.
    pub poll: Duration,
    /// Re-issue IDLE this often (RFC 2177 asks for less than 29 minutes).
    pub idle_refresh: Duration,
    /// Longest wait between reconnect attempts of the watcher.
    pub max_backoff: Duration,
    /// While the server cannot be reached, how often the worker checks (a TCP connect)
    /// whether it answers again; it syncs as soon as it does, not at the next poll.
    pub probe: Duration,
    /// Where the password comes from: after a refused login the next pass reads it again,
    /// so a new one (`shopinbox password`) works at the owner's `S` without a restart.
    pub password: Option<crate::config::PasswordSource>,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            idle: true,
            poll: Duration::from_secs(300),
            idle_refresh: Duration::from_secs(25 * 60),
            max_backoff: Duration::from_secs(300),
            probe: Duration::from_secs(5),
            password: None,
        }
    }
}

impl WorkerOptions {
    /// `[imap] idle` and `poll_seconds`.
    pub fn from_config(imap: &crate::config::ImapConfig) -> WorkerOptions {
        WorkerOptions {
            idle: imap.idle,
            poll: imap.poll_interval().max(Duration::from_secs(10)),
            password: match &imap.auth {
                crate::config::ServerAuth::Password(p) => Some(p.clone()),
                crate::config::ServerAuth::OAuth2(_) => None,
            },
            ..WorkerOptions::default()
        }
    }
}

/// Starts the worker. Drop the command sender or send [`SyncCommand::Shutdown`] to stop it;
/// the event receiver then disconnects once the thread has ended.
pub fn spawn_worker(
    account: ImapAccount,
    store_path: PathBuf,
    ctx: ShopContext,
    opts: WorkerOptions,
) -> (Sender<SyncCommand>, Receiver<SyncEvent>) {
    let (cmd_tx, cmd_rx) = mpsc::channel();
    let (evt_tx, evt_rx) = mpsc::channel();
    let watcher_cmd = cmd_tx.clone();
    let report = evt_tx.clone();
    let spawned = thread::Builder::new()
        .name("shopinbox-sync".into())
        .spawn(move || worker_loop(account, store_path, ctx, opts, cmd_rx, watcher_cmd, evt_tx));
    if let Err(e) = spawned {
        // No thread, no sync: say so instead of staying silent.
        let _ = report.send(SyncEvent::Failed(format!(
            "cannot start the background sync: {e}"
        )));
    }
    (cmd_tx, evt_rx)
}

fn worker_loop(
    mut account: ImapAccount,
    store_path: PathBuf,
    ctx: ShopContext,
    opts: WorkerOptions,
    cmd_rx: Receiver<SyncCommand>,
    watcher_cmd: Sender<SyncCommand>,
    evt_tx: Sender<SyncEvent>,
) {
    let stop = Arc::new(AtomicBool::new(false));
    let conn: Arc<Mutex<Option<ShutdownHandle>>> = Arc::new(Mutex::new(None));
    let watcher = if opts.idle {
        let (account, stop, conn, evt, opts) = (
            account.clone(),
            Arc::clone(&stop),
            Arc::clone(&conn),
            evt_tx.clone(),
            opts.clone(),
        );
        thread::Builder::new()
            .name("shopinbox-idle".into())
            .spawn(move || idle_loop(account, opts, stop, conn, watcher_cmd, evt))
            .ok()
    } else {
        drop(watcher_cmd);
        None
    };

    let sync_opts = SyncOptions {
        cancel: Some(Arc::clone(&stop)),
        history_budget: Some(HISTORY_PER_PASS),
        ..SyncOptions::default()
    };
    // The sync connection stays open between passes; the IDLE watcher has its own.
    let mut kept = KeptSession::default();
    let mut next_sync = Instant::now();
    // The server could not be reached at the last pass: probe it every `opts.probe`.
    let mut unreachable = false;
    // A probe found it down since: the next one that connects means it is back. (A server
    // that takes the connection but fails the sync, e.g. a bad certificate, waits for the
    // poll instead of being retried at every probe.)
    let mut seen_down = false;
    // The server refused the password: read it again before the next pass.
    let mut refused = false;
    loop {
        let mut wait = next_sync.saturating_duration_since(Instant::now());
        if unreachable {
            wait = wait.min(opts.probe);
        }
        let run = match cmd_rx.recv_timeout(wait) {
            Ok(SyncCommand::SyncNow) => true,
            Err(RecvTimeoutError::Timeout) if unreachable && Instant::now() < next_sync => {
                if !answers(&account, opts.probe) {
                    seen_down = true;
                    continue;
                }
                if !seen_down {
                    continue;
                }
                true
            }
            Err(RecvTimeoutError::Timeout) => true,
            Ok(SyncCommand::Shutdown) | Err(RecvTimeoutError::Disconnected) => false,
        };
        if !run {
            break;
        }
        // Requests that piled up during the last sync are served by this one.
        let mut shutdown = false;
        while let Ok(c) = cmd_rx.try_recv() {
            shutdown |= c == SyncCommand::Shutdown;
        }
        if shutdown {
            break;
        }
        let forward = |e: SyncEvent| {
            let _ = evt_tx.send(e);
        };
        next_sync = Instant::now() + opts.poll;
        // One sync per store at a time: when a `shopinbox sync` holds the lock, it is fetching
        // the same mail; skip this pass quietly and look again soon (to show what it stored).
        let _lock = match SyncLock::try_acquire(&store_path) {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                forward(SyncEvent::Skipped);
                next_sync = Instant::now() + opts.poll.min(RETRY_WHEN_LOCKED);
                continue;
            }
            Err(e) => {
                forward(SyncEvent::Failed(format!(
                    "cannot sync: cannot lock {} ({e}); check that the store's folder is writable",
                    super::lock::lock_path(&store_path).display()
                )));
                continue;
            }
        };
        match Store::open(&store_path, ctx.clone()) {
            Ok(mut store) => {
                // Write-back left over from sends and opened conversations (Sent copies,
                // \Answered, \Seen) that is due, first, so that this pass already syncs
                // their result.
                let select = Select {
                    due_by: Some(ctx.clock.now()),
                    ..Select::default()
                };
                let report = run_jobs(&account, store.connection(), select, ctx.clock.now());
                if let Some(p) = report.problems.first() {
                    forward(SyncEvent::Notice(format!(
                        "the server's Sent folder or flags are not updated yet ({p}); \
                         trying again later"
                    )));
                }
                // A failed pass is reported below, in words that say what happens next.
                let mut pass = |e: SyncEvent| {
                    if !matches!(e, SyncEvent::Failed(_)) {
                        forward(e)
                    }
                };
                if refused {
                    if let Some(Ok(p)) = opts
                        .password
                        .as_ref()
                        .map(|src| crate::config::resolve_password("imap", src))
                    {
                        account.password = p;
                    }
                }
                let res = sync_kept(&account, &mut store, &sync_opts, &mut kept, &mut pass);
                (unreachable, seen_down, refused) = (false, false, false);
                match res {
                    Ok(_) => {}
                    Err(e @ super::SyncError::Login { .. }) => {
                        refused = true;
                        forward(SyncEvent::LoginRefused(e.to_string()))
                    }
                    Err(e @ (super::SyncError::Net { .. } | super::SyncError::Lost { .. })) => {
                        unreachable = true;
                        // Down now (no TCP connection either): the first probe that
                        // connects means it is back.
                        seen_down = !answers(&account, opts.probe);
                        // A server that takes the connection but fails otherwise (its
                        // certificate, a dropped session) is reported as it is, not as
                        // "checks every few seconds".
                        forward(if seen_down {
                            SyncEvent::Unreachable {
                                reason: e.to_string(),
                                probe: opts.probe,
                            }
                        } else {
                            SyncEvent::Failed(e.to_string())
                        })
                    }
                    Err(e) => forward(SyncEvent::Failed(e.to_string())),
                }
                // A first sync's history is left: go on with it right after a look at new
                // mail, instead of waiting for the next poll.
                if matches!(store.history_pending(), Ok(Some(_))) {
                    next_sync = Instant::now() + HISTORY_PAUSE;
                }
            }
            Err(e) => forward(SyncEvent::Failed(e.to_string())),
        }
    }

    kept.close();
    stop.store(true, Ordering::SeqCst);
    if let Ok(guard) = conn.lock() {
        if let Some(h) = guard.as_ref() {
            h.shutdown();
        }
    }
    if let Some(w) = watcher {
        let _ = w.join();
    }
}

/// Whether the IMAP server accepts a TCP connection within `limit` (at most 3 s): the
/// cheap check, while offline, that the network and the server are back.
fn answers(account: &ImapAccount, limit: Duration) -> bool {
    use std::net::{TcpStream, ToSocketAddrs};
    let limit = limit.clamp(Duration::from_millis(100), Duration::from_secs(3));
    let Ok(addrs) = (account.host.as_str(), account.port).to_socket_addrs() else {
        return false;
    };
    addrs
        .into_iter()
        .any(|a| TcpStream::connect_timeout(&a, limit).is_ok())
}

/// How long one worker pass spends on a first sync's history before it looks at new mail.
const HISTORY_PER_PASS: Duration = Duration::from_secs(20);
/// The pause between two worker passes while history is left.
const HISTORY_PAUSE: Duration = Duration::from_millis(200);

/// Sleeps up to `d`, waking early when `stop` is set.
fn nap(d: Duration, stop: &AtomicBool) {
    let end = Instant::now() + d;
    while !stop.load(Ordering::SeqCst) {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        thread::sleep(left.min(Duration::from_millis(100)));
    }
}

/// The next wait after a failed attempt: doubled, capped.
pub fn next_backoff(current: Duration, max: Duration) -> Duration {
    (current * 2).clamp(Duration::from_secs(1), max)
}

fn idle_loop(
    account: ImapAccount,
    opts: WorkerOptions,
    stop: Arc<AtomicBool>,
    conn: Arc<Mutex<Option<ShutdownHandle>>>,
    sync: Sender<SyncCommand>,
    evt: Sender<SyncEvent>,
) {
    let mut backoff = Duration::from_secs(1);
    while !stop.load(Ordering::SeqCst) {
        let result = (|| -> Result<(), super::SyncError> {
            let mut sess = ImapSession::connect(&account)?;
            if !sess.caps().idle {
                return Ok(());
            }
            if let (Ok(mut g), Some(h)) = (conn.lock(), sess.shutdown_handle()) {
                // A clone of the socket, so the worker can interrupt the wait.
                *g = h.try_clone().ok();
            }
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            sess.examine("INBOX")?;
            backoff = Duration::from_secs(1);
            while !stop.load(Ordering::SeqCst) {
                if sess.idle_wait(opts.idle_refresh)? {
                    if sync.send(SyncCommand::SyncNow).is_err() {
                        return Ok(());
                    }
                    // The EXAMINE again picks up the new state and drains the notices.
                    sess.examine("INBOX")?;
                }
            }
            Ok(())
        })();
        if stop.load(Ordering::SeqCst) {
            break;
        }
        match result {
            Ok(()) => {
                // No IDLE on this server: the periodic sync is all there is.
                return;
            }
            Err(e) => {
                let _ = evt.send(SyncEvent::Notice(format!(
                    "new-mail watch interrupted ({e}); retrying in {} s",
                    backoff.as_secs()
                )));
                nap(backoff, &stop);
                backoff = next_backoff(backoff, opts.max_backoff);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let max = Duration::from_secs(300);
        let mut b = Duration::from_secs(1);
        let mut seen = vec![];
        for _ in 0..10 {
            b = next_backoff(b, max);
            seen.push(b.as_secs());
        }
        assert_eq!(seen, vec![2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(next_backoff(Duration::ZERO, max), Duration::from_secs(1));
    }
}
