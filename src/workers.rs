//! Starts the background workers the TUI needs and joins them into the one event stream and
//! one command channel the app knows ([`WorkerChannels`]): the IMAP sync worker (with its IDLE
//! watcher) and the SMTP send worker. The workers keep their own event types; the relays here
//! translate them into sentences for the status bar, so neither side depends on the other.

use crate::app::{WorkerChannels, WorkerCommand, WorkerEvent};
use crate::config::Config;
use crate::send::flow::{self, WriteBack};
use crate::send::worker::{spawn_send_worker, SendCommand, SendEvent, WorkerSetup};
use crate::store::ShopContext;
use crate::sync::{spawn_worker, ImapAccount, SyncCommand, SyncEvent, WorkerOptions};
use anyhow::{Context, Result};
use chrono::Utc;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

/// What to start.
pub struct WorkerPlan<'a> {
    pub config: &'a Config,
    pub store_path: PathBuf,
    /// Demo mode: no IMAP; replies go to this folder of .eml files.
    pub demo_outbox: Option<&'a Path>,
    /// The app's fixed clock (`--now`), if any: workers stamp what they do in the same time.
    pub fixed_now: Option<chrono::DateTime<Utc>>,
}

/// Starts the workers and returns the app's side of the link.
pub fn start(plan: WorkerPlan<'_>) -> Result<WorkerChannels> {
    let (event_tx, event_rx) = mpsc::channel::<WorkerEvent>();
    let (command_tx, command_rx) = mpsc::channel::<WorkerCommand>();
    let ctx = ShopContext {
        addresses: plan.config.shop_addresses(),
        calendar: plan.config.calendar(),
    };

    let sync_tx: Option<Sender<SyncCommand>> = match (&plan.config.imap, plan.demo_outbox) {
        (Some(imap), None) => {
            let account = ImapAccount::from_config(imap).context("cannot start the mail sync")?;
            let options = WorkerOptions::from_config(imap);
            let (tx, rx) = spawn_worker(account, plan.store_path.clone(), ctx.clone(), options);
            relay("sync", rx, event_tx.clone(), translate_sync)?;
            Some(tx)
        }
        _ => None,
    };

    let delivery =
        flow::delivery(plan.config, plan.demo_outbox).context("cannot set up sending")?;
    let write_back: Box<dyn WriteBack + Send> =
        crate::send::imap::write_back_for(plan.config, plan.demo_outbox.is_some())?;
    let (send_tx, send_rx) = spawn_send_worker(WorkerSetup {
        store_path: plan.store_path,
        shop: ctx,
        delivery,
        write_back,
        clock_offset: plan
            .fixed_now
            .map(|t| t - Utc::now())
            .unwrap_or_else(chrono::Duration::zero),
    });
    relay("send", send_rx, event_tx, translate_send)?;

    thread::Builder::new()
        .name("command-relay".into())
        .spawn(move || {
            for cmd in command_rx {
                match cmd {
                    WorkerCommand::SyncNow => {
                        if let Some(tx) = &sync_tx {
                            let _ = tx.send(SyncCommand::SyncNow);
                        }
                    }
                    WorkerCommand::SendOutbox(id) => {
                        let _ = send_tx.send(SendCommand::Send(id));
                    }
                    WorkerCommand::Shutdown => break,
                }
            }
            if let Some(tx) = &sync_tx {
                let _ = tx.send(SyncCommand::Shutdown);
            }
            let _ = send_tx.send(SendCommand::Shutdown);
        })
        .context("cannot start the command relay thread")?;

    Ok(WorkerChannels {
        events: event_rx,
        commands: command_tx,
    })
}

/// Forwards one worker's events, translated, into the app's event stream until either side
/// hangs up.
fn relay<E: Send + 'static>(
    worker: &str,
    events: Receiver<E>,
    app: Sender<WorkerEvent>,
    translate: fn(E) -> Vec<WorkerEvent>,
) -> Result<()> {
    thread::Builder::new()
        .name(format!("{worker}-relay"))
        .spawn(move || {
            for ev in events {
                for out in translate(ev) {
                    if app.send(out).is_err() {
                        return;
                    }
                }
            }
        })
        .with_context(|| format!("cannot start the {worker} relay thread"))?;
    Ok(())
}

/// Sync events as the status bar tells them.
pub fn translate_sync(ev: SyncEvent) -> Vec<WorkerEvent> {
    match ev {
        SyncEvent::Started => vec![WorkerEvent::Started],
        SyncEvent::Folder { name, total } => vec![WorkerEvent::Progress {
            mailbox: name,
            done: 0,
            total: total as u64,
        }],
        SyncEvent::Progress {
            folder,
            done,
            total,
        } => vec![WorkerEvent::Progress {
            mailbox: folder,
            done: done as u64,
            total: total as u64,
        }],
        SyncEvent::FolderDone { .. } => Vec::new(),
        SyncEvent::Finished(summary) => vec![WorkerEvent::Finished {
            at: Utc::now(),
            new_messages: summary.folders.iter().map(|f| f.new as u64).sum(),
        }],
        SyncEvent::Failed(message) | SyncEvent::Notice(message) => {
            vec![WorkerEvent::Offline { reason: message }]
        }
    }
}

/// Send events as the status bar tells them; every one refreshes the outbox count.
pub fn translate_send(ev: SendEvent) -> Vec<WorkerEvent> {
    let note = match ev {
        SendEvent::Recovered { count } => Some(format!(
            "{count} repl{} interrupted while sending last time: check them with `shopinbox outbox` before sending again.",
            if count == 1 { "y was" } else { "ies were" }
        )),
        SendEvent::Sending { .. } | SendEvent::Updated { .. } => None,
        SendEvent::Sent { problems, .. } if problems.is_empty() => None,
        SendEvent::Sent { problems, .. } => Some(format!("Reply sent, but: {}", problems.join("; "))),
        SendEvent::Failed { error, retry_at, .. } => Some(match retry_at {
            Some(_) => format!("A reply could not be sent ({error}); it stays in the outbox and is retried automatically."),
            None => format!("A reply could not be sent ({error}); it stays in the outbox until you retry it."),
        }),
        SendEvent::Uncertain { error, .. } => Some(format!(
            "A reply may or may not have been delivered ({error}); it will not be sent again unless you decide so (`shopinbox outbox`)."
        )),
        SendEvent::Error { message } => Some(message),
    };
    let mut out = vec![WorkerEvent::Outbox];
    if let Some(message) = note {
        out.push(WorkerEvent::Error { message });
    }
    out
}
