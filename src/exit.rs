//! The exit codes of every command: one small set, the same everywhere, documented in
//! `shopinbox --help` and the README, so that cron and scripts can tell "something is overdue"
//! from "the store cannot be opened".

/// Success.
pub const OK: i32 = 0;
/// `overdue` found something overdue (not an error: the morning report did its job).
pub const OVERDUE: i32 = 1;
/// The command line or the configuration is wrong.
pub const USAGE: i32 = 2;
/// A reply was not sent: it failed, is uncertain, or still waits in the outbox.
pub const NOT_SENT: i32 = 3;
/// The store or a mail server could not be used.
pub const UNAVAILABLE: i32 = 4;
/// Another shopinbox is syncing this store; nothing was done.
pub const BUSY: i32 = 5;
/// `sync` synced some folders but not all: the summary says which failed and the server's
/// reason (nothing synced at all, or a refused login, is [`UNAVAILABLE`]).
pub const PARTIAL: i32 = 6;

/// The text for `--help` and the README.
pub const HELP: &str = "Exit codes: 0 success; 1 `overdue` found something overdue; \
2 usage or configuration error; 3 a reply was not sent (failed, uncertain or still queued); \
4 the store or a mail server could not be used (for `sync`: nothing could be synced); \
5 another sync is already running; 6 `sync` could not sync some folders (the others were synced; \
the summary says which and why).";

/// An error that carries its exit code. Commands return it (through `anyhow`) when the
/// default code for their failure would be wrong, e.g. a reply that was not sent.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Exit {
    pub code: i32,
    pub message: String,
}

impl Exit {
    pub fn new(code: i32, message: impl Into<String>) -> Exit {
        Exit {
            code,
            message: message.into(),
        }
    }
}
