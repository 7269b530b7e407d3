//! IMAP sync into the store (DESIGN.md: RFC 4549 resync, meli's and mbsync's lessons).
//!
//! - [`plan`]: the pure per-folder planner (table-tested).
//! - [`session`]: one IMAP connection and the commands the sync needs.
//! - [`sync_once`] / [`sync_store`]: one full pass over INBOX, Sent and extra folders, batch by
//!   batch, each batch and the folder's new sync state committed in one store transaction, so
//!   a kill at any moment resumes without loss or duplicates.
//! - [`spawn_worker`]: the same on a thread, with an IDLE watcher and a periodic fallback,
//!   reporting [`SyncEvent`]s over a channel (the TUI never blocks on the network).
//! - [`set_flags`], [`append_to_sent`]: write-back helpers for replies; [`jobs`] and
//!   [`run_jobs`]: the durable write-back queued when a reply is sent.
//! - [`cli::start`], [`cli::run_sync_cli`]: `shopinbox sync`.
//! - [`lock::SyncLock`]: one sync at a time per store, across processes; `shopinbox sync` and
//!   the worker take it around each pass (the engine itself does not: tests drive it directly).

mod auth;
pub mod cli;
mod download;
mod engine;
pub mod folders;
mod history;
pub mod jobs;
pub mod lock;
mod options;
pub mod plan;
pub mod qresync;
mod server_text;
pub mod session;
pub mod shared_state;
mod state_wire;
mod worker;
mod writeback;

pub use engine::{no_sent_notice, sync_kept, sync_once, sync_store, KeptSession};
pub use lock::SyncLock;
pub use options::SyncOptions;
pub use worker::{spawn_worker, SyncCommand, WorkerOptions};
pub use writeback::{append_to_sent, run_jobs, set_flags, JobsReport};

use crate::config::{self, ConfigError, ImapConfig};
use crate::net::NetError;
use std::path::PathBuf;
use std::time::Duration;

/// How to reach the server (the same type as `[imap] security` in the config).
pub use crate::net::Security;

/// The IMAP account, with the password already resolved (from `password_command` or the
/// environment). `Debug` never shows the password.
#[derive(Clone)]
pub struct ImapAccount {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    /// Empty with OAuth 2.0.
    pub password: String,
    /// Where the password comes from, in the config's words, for a refused login:
    /// `[imap] password_env (ALPHX_PASSWORD)` or `[imap] password_command` (never the
    /// command itself). Empty: "[imap] username and password".
    pub password_from: String,
    /// `auth = "oauth2"`: where access tokens come from (shared by all connections).
    pub oauth2: Option<std::sync::Arc<crate::oauth::TokenSource>>,
    /// Extra CA certificate(s) to trust (a private CA; the tests' CA).
    pub ca_file: Option<PathBuf>,
    /// The Sent folder when configured; otherwise found by SPECIAL-USE `\Sent`.
    pub sent_folder: Option<String>,
    /// Further folders to sync after INBOX and Sent.
    pub extra_folders: Vec<String>,
}

impl ImapAccount {
    /// The account from the `[imap]` config section; runs `password_command` (or reads the
    /// environment variable) now, so its errors surface before any connection is made.
    pub fn from_config(imap: &ImapConfig) -> Result<ImapAccount, ConfigError> {
        Ok(ImapAccount {
            host: imap.host.clone(),
            port: imap.port,
            security: imap.security,
            username: imap.username.clone(),
            password: match &imap.auth {
                config::ServerAuth::Password(p) => config::resolve_password("imap", p)?,
                config::ServerAuth::OAuth2(_) => String::new(),
            },
            password_from: match &imap.auth {
                config::ServerAuth::Password(p) => password_from("imap", p),
                config::ServerAuth::OAuth2(_) => String::new(),
            },
            oauth2: match &imap.auth {
                config::ServerAuth::OAuth2(o) => Some(crate::oauth::TokenSource::shared(o)),
                config::ServerAuth::Password(_) => None,
            },
            ca_file: imap.ca_file.clone(),
            sent_folder: imap.sent_folder.clone(),
            extra_folders: imap.folders.clone(),
        })
    }
}

/// Where a password comes from, as a refused login names it: `[imap] password_env
/// (ALPHX_PASSWORD)` or `[imap] username and password_command` (never the command text).
pub fn password_from(section: &str, p: &config::PasswordSource) -> String {
    match p {
        config::PasswordSource::Env(var) => format!(
            "[{section}] username and password_env ({})",
            server_text::printable(var)
        ),
        config::PasswordSource::Command(_) => {
            format!("[{section}] username and password_command (run it in a shell to see what it prints)")
        }
        config::PasswordSource::Keyring(_) => format!(
            "[{section}] username and the typed password (`shopinbox password` sets a new one)"
        ),
    }
}

impl ImapAccount {
    /// What a refused login tells the owner to check.
    pub fn login_hint(&self) -> String {
        if self.password_from.is_empty() {
            "[imap] username and the password".to_string()
        } else {
            self.password_from.clone()
        }
    }
}

impl std::fmt::Debug for ImapAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapAccount")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("password_from", &self.password_from)
            .field(
                "oauth2",
                &self.oauth2.as_ref().map(|o| o.settings().describe()),
            )
            .field("ca_file", &self.ca_file)
            .field("sent_folder", &self.sent_folder)
            .field("extra_folders", &self.extra_folders)
            .finish()
    }
}

/// Progress and results, for a progress bar or the TUI's status line.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    Started,
    /// A folder is being synced; `total` new messages will be downloaded.
    Folder {
        name: String,
        total: usize,
    },
    Progress {
        folder: String,
        done: usize,
        total: usize,
    },
    FolderDone {
        folder: String,
        new: usize,
        changed: usize,
        removed: usize,
    },
    Finished(SyncSummary),
    /// One sentence saying what failed and what to do.
    Failed(String),
    /// The background worker could not reach the server (`reason`, one sentence). It checks
    /// every `probe` whether the server answers (a TCP connect) and syncs as soon as it does.
    Unreachable {
        reason: String,
        probe: std::time::Duration,
    },
    /// The server refused the login (the sentence); retrying does not help until the
    /// password changes, so the worker waits for the next poll or the owner's `S`.
    LoginRefused(String),
    /// Something worth a status-line note that is not a failed sync (the IDLE watcher lost
    /// its connection and is reconnecting, …).
    Notice(String),
    /// A first sync has stored the tracking window of every folder (DESIGN.md "Tracking
    /// window"): today's customers are in the store; older mail (history) follows.
    WindowSynced,
    /// The history of a first sync: `done` of `total` messages stored (all folders).
    History {
        done: usize,
        total: usize,
    },
    /// The worker skipped a pass because another sync of the same store was running (a
    /// `shopinbox sync` from cron or the shell); it tries again shortly. Nothing failed.
    Skipped,
}

/// What one folder's sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderSummary {
    pub folder: String,
    /// Messages stored for the first time.
    pub new: usize,
    /// Stored messages whose flags changed on the server.
    pub changed: usize,
    /// Stored messages gone from the server (expunged, or the folder was rebuilt).
    pub removed: usize,
    /// New messages listed by the sync but deleted or moved by another client before their
    /// content could be downloaded (an ordinary concurrent expunge): skipped.
    pub vanished: usize,
    /// Message bodies downloaded (0 on a sync with no new mail).
    pub downloaded: usize,
    /// Bytes of message content downloaded.
    pub bytes: u64,
    /// The folder's UIDVALIDITY changed and its rows were rebuilt.
    pub rebuilt: bool,
    /// How messages expunged by another client were found.
    pub expunges_via: ExpungesVia,
}

/// How a folder's sync learnt which stored messages the server no longer has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExpungesVia {
    /// It did not need to look (nothing stored, or the message count proves nothing went).
    #[default]
    NotNeeded,
    /// From QRESYNC's `VANISHED (EARLIER)` in the EXAMINE answer (RFC 7162).
    Vanished,
    /// By comparing the stored UIDs with the server's list.
    UidComparison,
}

/// Server extensions a sync should act as if they were not offered. The benchmark compares
/// both ways with it (`SHOPINBOX_SYNC_IGNORE=condstore|qresync`, read by
/// `SyncOptions::default()`: a hidden switch for `scripts/bench` and tests, not a setting).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IgnoreCaps {
    #[default]
    Nothing,
    /// No QRESYNC: CONDSTORE flag refresh and the UID comparison for expunges.
    Qresync,
    /// Neither CONDSTORE nor QRESYNC: every flag is fetched on every pass.
    Condstore,
}

impl IgnoreCaps {
    /// From the value of `SHOPINBOX_SYNC_IGNORE`.
    pub fn from_env_value(v: Option<&str>) -> IgnoreCaps {
        match v.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            Some("condstore") => IgnoreCaps::Condstore,
            Some("qresync") => IgnoreCaps::Qresync,
            _ => IgnoreCaps::Nothing,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    pub folders: Vec<FolderSummary>,
    pub elapsed: Duration,
    /// The server has no Sent folder (none configured, none found).
    pub no_sent_folder: bool,
    /// Folders that could not be synced this pass (the others were): a partial sync.
    pub failed: Vec<FolderFailure>,
    /// Things the owner is told once per store (the server has no Sent folder).
    pub notices: Vec<String>,
    /// The shared-state step (issue 26); `None` when sharing is off.
    pub sharing: Option<shared_state::SharingReport>,
}

/// A folder a pass could not sync, and why (one sentence with the server's own words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderFailure {
    pub folder: String,
    pub reason: String,
}

impl SyncSummary {
    pub fn total_new(&self) -> usize {
        self.folders.iter().map(|f| f.new).sum()
    }
    pub fn changed(&self) -> usize {
        self.folders.iter().map(|f| f.changed).sum()
    }
    pub fn removed(&self) -> usize {
        self.folders.iter().map(|f| f.removed).sum()
    }
    pub fn vanished(&self) -> usize {
        self.folders.iter().map(|f| f.vanished).sum()
    }
    pub fn downloaded(&self) -> usize {
        self.folders.iter().map(|f| f.downloaded).sum()
    }
    pub fn folder(&self, name: &str) -> Option<&FolderSummary> {
        self.folders.iter().find(|f| f.folder == name)
    }
}

fn hint_suffix(hint: &str) -> String {
    if hint.is_empty() {
        String::new()
    } else {
        format!(" ({hint})")
    }
}

/// What to do after the server refused `action` (the end of [`SyncError::Server`]'s sentence).
fn advice(action: &str) -> &'static str {
    if action.starts_with("save the message") {
        "the copy is saved at the next sync; if the server keeps refusing, check [imap] \
         sent_folder and that the mailbox is not full"
    } else if action.starts_with("log in") {
        "check [imap] username and the server's settings"
    } else if action.starts_with("change flags") {
        "shopinbox tries again at the next sync"
    } else {
        "shopinbox tries again at the next sync; if the server keeps answering this, ask the \
         mail provider what it means"
    }
}

/// Why a sync (or write-back) failed. Each message is one sentence for the owner; none
/// contains the password.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{source}")]
    Net {
        #[source]
        source: NetError,
    },
    #[error(
        "cannot log in to {host} as {user}: the server refused the password; check {password_from}"
    )]
    Login {
        host: String,
        user: String,
        /// Where the password came from, as the config says it (`[imap] password_env
        /// (ALPHX_PASSWORD)`, `[imap] password_command`): never the password or the command.
        password_from: String,
    },
    #[error("cannot {action} on {host}: the server answered \"{reason}\"; {}", advice(.action))]
    Server {
        host: String,
        action: String,
        reason: String,
    },
    #[error(
        "cannot {action} on {host}: the connection was lost ({reason}); everything synced so \
         far is kept and the next sync resumes from there"
    )]
    Lost {
        host: String,
        action: String,
        reason: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot {action} on {host}: shopinbox did not understand the server's answer \
         ({detail}); try again, and if it repeats report it with this message"
    )]
    Protocol {
        host: String,
        action: String,
        detail: String,
    },
    #[error(
        "cannot open the folder \"{folder}\" on {host}: the server answered \"{reason}\"; check \
         [imap] folders and sent_folder{}", hint_suffix(.hint)
    )]
    NoFolder {
        host: String,
        folder: String,
        reason: String,
        /// The closest existing folders and the namespace prefix, when the sync knows them
        /// (see [`folders::suggestion`]); empty otherwise.
        hint: String,
    },
    #[error("cannot use the folder name {folder:?}: it contains a line break")]
    BadFolderName { folder: String },
    #[error(
        "cannot save to the Sent folder on {host}: the server marks no folder as \\Sent; set \
         [imap] sent_folder"
    )]
    NoSentFolder { host: String },
    #[error("cannot finish the sync: it was stopped; the next sync resumes where it stopped")]
    Cancelled,
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    /// No access token, or the server refused it (`auth = "oauth2"`).
    #[error("{0}")]
    OAuth(#[from] crate::oauth::OAuthError),
}
