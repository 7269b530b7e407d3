//! The app's view of the background workers (sync and send): a small event enum in, a command
//! enum out.
//! The CLI adapts the sync worker's own events to these (one `map` in a forwarding thread), so
//! the TUI does not depend on the worker's internals.

use chrono::{DateTime, Utc};
use std::sync::mpsc::{Receiver, Sender};

/// What the sync worker reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerEvent {
    /// A sync pass started.
    Started,
    /// Progress inside one folder: `done` of `total` new messages fetched.
    Progress {
        mailbox: String,
        done: u64,
        total: u64,
    },
    /// A pass finished; the store holds `new_messages` more messages.
    Finished {
        at: DateTime<Utc>,
        new_messages: u64,
    },
    /// The server cannot be reached; the local store keeps working. `reason` is a sentence.
    Offline { reason: String },
    /// The server refused the login: `message` says so and how to set a new password.
    LoginRefused { message: String },
    /// Something the owner should read that is not about the connection (a reply that could
    /// not be sent, a reply sent with problems in the follow-up steps), as a sentence. It goes
    /// to the status line; connection trouble is [`WorkerEvent::Offline`].
    Error { message: String },
    /// The outbox changed (a reply was queued, sent or failed).
    Outbox,
    /// A first sync stored the tracking window: today's customers can be shown.
    WindowSynced,
    /// A first sync's history: `done` of `total` older messages stored.
    History { done: u64, total: u64 },
}

/// What the app asks of the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerCommand {
    SyncNow,
    /// Send (or retry) this outbox entry now.
    SendOutbox(i64),
    /// The owner retries a failed (or queued) reply now.
    Retry(i64),
    /// The owner sends an uncertain reply again.
    Resend(i64),
    /// The owner settles a failed or uncertain reply as sent.
    MarkSent(i64),
    Shutdown,
}

/// Both directions of the worker link, handed to [`crate::tui::run_tui`].
pub struct WorkerChannels {
    pub events: Receiver<WorkerEvent>,
    pub commands: Sender<WorkerCommand>,
}

/// What the app knows of its workers, from their events and the store: the sync worker's
/// state, when mail last arrived, whether the tracking window is in, the outbox's length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerState {
    pub sync: SyncStatus,
    pub last_sync: Option<DateTime<Utc>>,
    /// The tracking window is in the store (first sync done far enough): only then does an
    /// empty Needs reply mean "nothing needs a reply".
    pub window_synced: bool,
    pub outbox_pending: u64,
    /// Write-back was queued (a conversation was read): ask the sync worker to run it.
    pub(super) sync_wanted: bool,
}

/// What the status bar says about sync, derived from the events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SyncStatus {
    /// No worker (demo mode, or started without network).
    #[default]
    Unavailable,
    Idle,
    Running {
        mailbox: Option<String>,
        done: u64,
        total: u64,
    },
    Offline {
        reason: String,
    },
    /// Today's mail is stored; the history of a first sync follows.
    History {
        done: u64,
        total: u64,
    },
    Failed {
        message: String,
    },
    /// The server refused the password (the sentence says what to do); not "offline".
    Refused {
        message: String,
    },
}

impl SyncStatus {
    /// A readable sentence for the status bar.
    pub fn sentence(&self) -> String {
        match self {
            SyncStatus::Unavailable => "Local mail only (sync is off).".to_string(),
            SyncStatus::Idle => "Up to date.".to_string(),
            SyncStatus::Running { mailbox: None, .. } => "Syncing…".to_string(),
            SyncStatus::Running {
                mailbox: Some(m),
                done,
                total,
            } if *total > 0 => {
                format!("Syncing {m}: {done} of {total} new messages…")
            }
            SyncStatus::Running {
                mailbox: Some(m), ..
            } => format!("Syncing {m}…"),
            SyncStatus::Offline { reason } => format!("Offline, showing saved mail: {reason}"),
            SyncStatus::Failed { message } => format!("Sync failed: {message}"),
            SyncStatus::Refused { message } => message.clone(),
            SyncStatus::History { done, total } => format!(
                "Today's mail is here; history {} of {}…",
                thousands(*done),
                thousands(*total)
            ),
        }
    }
}

/// 12400 → "12,400": progress figures the owner reads at a glance.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        for (n, want) in [
            (0, "0"),
            (999, "999"),
            (12400, "12,400"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(super::thousands(n), want);
        }
    }
}
