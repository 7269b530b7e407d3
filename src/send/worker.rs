//! The send worker thread: the TUI enqueues a reply (a local, durable write) and hands the
//! outbox id to this thread, which does all network work and reports back with small events.
//! It also retries failed replies when their back-off has passed.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::flow::{self, SendResult, WriteBack};
use super::outbox;
use super::smtp::Delivery;
use crate::store::{ShopContext, Store};

/// What the UI asks of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendCommand {
    /// Send a `queued` (or `failed`) outbox entry now.
    Send(i64),
    /// The owner retries a failed reply now.
    Retry(i64),
    /// The owner decided to send an `uncertain` reply again.
    ResendUncertain(i64),
    /// The owner says an `uncertain` reply did arrive.
    MarkSent(i64),
    /// Send everything queued or due for retry (e.g. after the network came back).
    Flush,
    Shutdown,
}

/// What the worker reports. The UI re-reads the store on any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendEvent {
    /// Interrupted sends from an earlier run were found and marked uncertain.
    Recovered {
        count: usize,
    },
    Sending {
        id: i64,
    },
    Sent {
        id: i64,
        problems: Vec<String>,
    },
    Failed {
        id: i64,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
    Uncertain {
        id: i64,
        error: String,
    },
    /// The owner's decision was recorded (marked sent / requeued).
    Updated {
        id: i64,
    },
    /// Something outside a single reply went wrong (the store cannot be opened …).
    Error {
        message: String,
    },
}

/// What the worker needs; it opens its own store connection.
pub struct WorkerSetup {
    pub store_path: PathBuf,
    pub shop: ShopContext,
    pub delivery: Delivery,
    pub write_back: Box<dyn WriteBack + Send>,
}

impl WorkerSetup {
    /// Every timestamp the worker takes comes from the shop's clock, so a reply sent under a
    /// fixed clock (`--now`, tests) is stamped in that time and answers its conversation.
    fn now(&self) -> DateTime<Utc> {
        self.shop.clock.now()
    }

    /// The time undo windows and retry back-offs are measured against. A fixed clock (`--now`,
    /// the demo) never moves, so there the worker adds its own monotonic running time: a reply
    /// held for 10 s still goes out 10 s later.
    fn due_now(&self, started: Instant) -> DateTime<Utc> {
        let now = self.now();
        if self.shop.clock.fixed_at().is_none() {
            return now;
        }
        now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default()
    }
}

/// Longest sleep between checks for due retries.
const MAX_IDLE: Duration = Duration::from_secs(60);

/// Starts the worker. Dropping the sender (or sending `Shutdown`) ends the thread.
pub fn spawn_send_worker(setup: WorkerSetup) -> (Sender<SendCommand>, Receiver<SendEvent>) {
    let (cmd_tx, cmd_rx) = mpsc::channel();
    let (ev_tx, ev_rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("shopinbox-send".into())
        .spawn(move || run(setup, cmd_rx, ev_tx.clone()));
    if let Err(e) = spawned {
        // The receiver is still returned; the UI shows the error instead of hanging.
        let (tx, rx) = mpsc::channel();
        let _ = tx.send(SendEvent::Error {
            message: format!("cannot start the send worker: {e}"),
        });
        return (cmd_tx, rx);
    }
    (cmd_tx, ev_rx)
}

fn run(mut setup: WorkerSetup, commands: Receiver<SendCommand>, events: Sender<SendEvent>) {
    let mut store = match Store::open(&setup.store_path, setup.shop.clone()) {
        Ok(s) => s,
        Err(e) => {
            let _ = events.send(SendEvent::Error {
                message: format!("the send worker {e}"),
            });
            return;
        }
    };
    match outbox::recover_interrupted(store.connection(), setup.now()) {
        Ok(0) => {}
        Ok(count) => {
            let _ = events.send(SendEvent::Recovered { count });
        }
        Err(e) => {
            let _ = events.send(SendEvent::Error {
                message: e.to_string(),
            });
        }
    }
    let started = Instant::now();
    // Whatever was queued when shopinbox last stopped goes out now.
    flush(&mut store, &mut setup, &events, started);
    loop {
        let wait = match outbox::next_retry(store.connection()) {
            Ok(Some(at)) => (at - setup.due_now(started))
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(MAX_IDLE),
            _ => MAX_IDLE,
        };
        let cmd = match commands.recv_timeout(wait) {
            Ok(c) => c,
            Err(RecvTimeoutError::Timeout) => SendCommand::Flush,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let now = setup.now();
        let conn = store.connection();
        let step = match cmd {
            SendCommand::Shutdown => return,
            SendCommand::Flush => {
                flush(&mut store, &mut setup, &events, started);
                continue;
            }
            // A reply inside its undo window waits; the loop wakes up when the window ends.
            SendCommand::Send(id) => match outbox::get(conn, id) {
                Ok(Some(e)) if outbox::is_held(&e, setup.due_now(started)) => Ok(None),
                Ok(_) => Ok(Some(id)),
                Err(e) => Err(e),
            },
            SendCommand::Retry(id) => outbox::retry(conn, id, now).map(|_| Some(id)),
            SendCommand::ResendUncertain(id) => {
                outbox::resend_uncertain(conn, id, now).map(|_| Some(id))
            }
            SendCommand::MarkSent(id) => {
                // The same effect on the conversation as a delivered send.
                match flow::settle_marked_sent(&mut store, setup.write_back.as_mut(), id, now) {
                    Ok(problems) => {
                        let _ = events.send(SendEvent::Sent { id, problems });
                    }
                    Err(e) => {
                        let _ = events.send(SendEvent::Error {
                            message: e.to_string(),
                        });
                    }
                }
                continue;
            }
        };
        match step {
            Ok(Some(id)) => send(&mut store, &mut setup, &events, id),
            Ok(None) => {}
            Err(e) => {
                let _ = events.send(SendEvent::Error {
                    message: e.to_string(),
                });
            }
        }
    }
}

fn flush(store: &mut Store, setup: &mut WorkerSetup, events: &Sender<SendEvent>, started: Instant) {
    match outbox::due(store.connection(), setup.due_now(started)) {
        Ok(ids) => {
            for id in ids {
                send(store, setup, events, id);
            }
        }
        Err(e) => {
            let _ = events.send(SendEvent::Error {
                message: e.to_string(),
            });
        }
    }
}

fn send(store: &mut Store, setup: &mut WorkerSetup, events: &Sender<SendEvent>, id: i64) {
    let _ = events.send(SendEvent::Sending { id });
    let clock = setup.shop.clock;
    let now = move || clock.now();
    let result = flow::send_one(store, &setup.delivery, setup.write_back.as_mut(), id, &now);
    let event = match result {
        Ok(SendResult::Sent { problems }) => SendEvent::Sent { id, problems },
        Ok(SendResult::Failed { error, retry_at }) => SendEvent::Failed {
            id,
            error,
            retry_at,
        },
        Ok(SendResult::Uncertain { error }) => SendEvent::Uncertain { id, error },
        Ok(SendResult::Skipped) => SendEvent::Updated { id },
        Err(e) => SendEvent::Error {
            message: e.to_string(),
        },
    };
    let _ = events.send(event);
}
