//! The store's error type. Every message reads "cannot …" and keeps the SQLite/IO cause as its
//! `source`, so a caller can print one sentence and still log the chain.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file (or its folder) could not be created or opened.
    #[error("cannot open the store at {path}; check that the folder exists and is writable")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// SQLite refused to open the file (not a database, locked, corrupt).
    #[error("cannot open the store at {path}; it may be damaged or locked by another program")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// A schema upgrade step failed; the transaction was rolled back, the file is unchanged.
    #[error("cannot upgrade the store from schema version {from} to {to}")]
    Migrate {
        from: i64,
        to: i64,
        #[source]
        source: rusqlite::Error,
    },
    /// The file was written by a newer shopinbox whose schema this build does not know.
    #[error(
        "cannot use the store: it has schema version {found} but this shopinbox knows only up to \
         {known}; upgrade shopinbox"
    )]
    TooNew { found: i64, known: i64 },
    /// Any other database operation; `action` says what was being done.
    #[error("cannot {action}")]
    Sql {
        action: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// A JSON column written by the store itself no longer decodes.
    #[error("cannot read the stored {what} of message {id}")]
    Corrupt {
        what: &'static str,
        id: i64,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot find conversation {0}")]
    NoConversation(i64),
    #[error("cannot find note {0}")]
    NoNote(i64),
    #[error("cannot find rule {0}")]
    NoRule(i64),
    /// A rule value that would match nothing useful (empty, or not an address/domain).
    #[error("cannot add a {kind} rule for {value:?}: {why}")]
    BadRule {
        kind: &'static str,
        value: String,
        why: &'static str,
    },
    /// A number from the server does not fit the column (e.g. HIGHESTMODSEQ above 2^63).
    #[error("cannot store {what} = {value}: out of range")]
    OutOfRange { what: &'static str, value: u64 },
}

/// Attach "what we were doing" to a rusqlite error.
pub(crate) trait Ctx<T> {
    fn ctx(self, action: &'static str) -> Result<T, StoreError>;
}

impl<T> Ctx<T> for Result<T, rusqlite::Error> {
    fn ctx(self, action: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sql { action, source })
    }
}
