//! The store's error type. Every message reads "cannot …" and keeps the SQLite/IO cause as its
//! `source`, so a caller can print one sentence and still log the chain.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store's folder could not be created.
    #[error("cannot create the store folder {dir}; check that its parent exists and is writable")]
    Folder {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A `-wal` file lies where a new store is to be created: it belongs to a database that
    /// was deleted, and SQLite would replay its pages into the new file.
    #[error(
        "cannot create the store: {wal} was left behind by a deleted store; move it away (or \
         put the deleted store back) and try again"
    )]
    OrphanWal { wal: PathBuf },
    /// Another connection held the write lock for longer than the busy timeout. No SQLite
    /// code in the message: the owner only needs to know it is temporary.
    #[error(
        "cannot {action}: the store is busy (another shopinbox is writing to it); try again in \
         a moment"
    )]
    Busy { action: &'static str },
    /// SQLite refused to open the file (not a database, locked, corrupt).
    #[error("cannot open the store at {path}; it may be damaged or locked by another program")]
    Open {
        path: PathBuf,
        #[source]
        source: SqliteCause,
    },
    /// A schema upgrade step failed; the transaction was rolled back, the file is unchanged.
    #[error("cannot upgrade the store from schema version {from} to {to}")]
    Migrate {
        from: i64,
        to: i64,
        #[source]
        source: SqliteCause,
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
        source: SqliteCause,
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
    /// A batch that was stored as it arrived ([`super::Store::ingest_arriving`]) ended before
    /// all its messages came: nothing of it was saved.
    #[error(
        "cannot save the downloaded messages: only {got} of {expected} arrived; nothing was \
         saved and the next sync fetches them again"
    )]
    Incomplete { got: usize, expected: usize },
    /// A number from the server does not fit the column (e.g. HIGHESTMODSEQ above 2^63).
    #[error("cannot store {what} = {value}: out of range")]
    OutOfRange { what: &'static str, value: u64 },
}

/// A SQLite error as the owner reads it: SQLite's sentence ("disk I/O error", "file is not a
/// database") without "Error code N", and the end of the cause chain (the numeric code lives
/// only in the wrapped error, for `{:?}` and logs).
#[derive(Debug)]
pub struct SqliteCause(pub rusqlite::Error);

impl std::fmt::Display for SqliteCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            rusqlite::Error::SqliteFailure(_, Some(message)) => f.write_str(message),
            rusqlite::Error::SqliteFailure(code, None) => {
                // "Error code 11: The database disk image is malformed" → the sentence only.
                let text = code.to_string();
                let sentence = text.split_once(": ").map_or(text.as_str(), |(_, s)| s);
                f.write_str(&sentence.to_lowercase())
            }
            other => write!(f, "{other}"),
        }
    }
}

impl std::error::Error for SqliteCause {}

/// SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock we waited for.
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl StoreError {
    /// SQLite could not open or set up the file at `path`.
    pub(crate) fn open(path: &std::path::Path, source: rusqlite::Error) -> StoreError {
        if is_busy(&source) {
            return StoreError::Busy {
                action: "open the store",
            };
        }
        StoreError::Open {
            path: path.to_path_buf(),
            source: SqliteCause(source),
        }
    }

    /// A schema upgrade step failed.
    pub(crate) fn migrate(from: i64, to: i64, source: rusqlite::Error) -> StoreError {
        if is_busy(&source) {
            return StoreError::Busy {
                action: "upgrade the store",
            };
        }
        StoreError::Migrate {
            from,
            to,
            source: SqliteCause(source),
        }
    }

    /// True when the store was only busy: trying again later will do.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy { .. })
    }
}

/// Attach "what we were doing" to a rusqlite error.
pub(crate) trait Ctx<T> {
    fn ctx(self, action: &'static str) -> Result<T, StoreError>;
}

impl<T> Ctx<T> for Result<T, rusqlite::Error> {
    fn ctx(self, action: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| {
            if is_busy(&source) {
                StoreError::Busy { action }
            } else {
                StoreError::Sql {
                    action,
                    source: SqliteCause(source),
                }
            }
        })
    }
}
