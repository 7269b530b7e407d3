//! The SQLite store: messages, conversations with their cached "needs reply" state, and the
//! owner's local data (notes, rules, outbox, snooze, follow-ups, name corrections).
//!
//! Local data is keyed by stable things — Message-IDs, addresses, domains and conversation ids
//! that are never deleted — never by message row ids, so that dropping and re-fetching a folder
//! (UIDVALIDITY change) loses nothing. See spec/STORE_API.md for the contract.

mod convert;
mod dedup;
mod error;
mod ingest;
mod local;
mod queries;
mod refresh;
mod removal;
mod review;
mod schema;
mod search;
pub mod state;
pub mod threading;
mod types;

pub use error::StoreError;
pub use review::{ConversationTime, StatRow};
pub use search::fts_query;
pub use types::*;

use error::Ctx;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another process (a second shopinbox, the sync worker's
/// connection) before giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Page cache per connection, in KiB (a negative `cache_size` is a size, not a page count).
const CACHE_KIB: i64 = -32 * 1024;
const FINGERPRINT_KEY: &str = "context_fingerprint";

pub struct Store {
    conn: Connection,
    ctx: ShopContext,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.conn.path())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Open (creating if needed) the store at `path`: file mode 0600, WAL, busy timeout,
    /// foreign keys, migrations; recompute cached state if the shop context changed.
    pub fn open(path: &Path, ctx: ShopContext) -> Result<Store, StoreError> {
        create_private_file(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        // WAL lets the UI read while the sync worker writes; NORMAL sync is safe with WAL (a
        // power cut can lose the last commits, never corrupt, and sync re-fetches them).
        // Network filesystems may refuse WAL; the store still works in the mode SQLite keeps.
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(open_err)?;
        let store = Self::setup(conn, ctx)?;
        // SQLite gives -wal/-shm the main file's mode; tighten them anyway in case they were
        // left behind by an older build with a looser umask.
        for suffix in ["-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = set_private(Path::new(&p));
        }
        Ok(store)
    }

    pub fn open_in_memory(ctx: ShopContext) -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: ":memory:".into(),
            source,
        })?;
        Self::setup(conn, ctx)
    }

    fn setup(mut conn: Connection, ctx: ShopContext) -> Result<Store, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .ctx("set the busy timeout")?;
        conn.pragma_update(None, "foreign_keys", true)
            .ctx("turn on foreign keys")?;
        // Under WAL, NORMAL only skips the fsync at each commit: a crash of the app (or a kill)
        // loses nothing that was committed, a power cut can lose the last commits but never
        // corrupts the file, and the next sync re-fetches what was lost (a folder's state only
        // ever moves with the mail it describes).
        conn.pragma_update(None, "synchronous", "NORMAL")
            .ctx("set the sync mode")?;
        // SQLite's default cache is 2 MB, smaller than one sync batch (250 messages with their
        // raw bytes, bodies and full-text postings): the pager then spills half-written pages
        // to the WAL and reads them back. 32 MB holds a batch, and the inbox views' working
        // set at 100,000 messages; pages are only allocated as they are used.
        conn.pragma_update(None, "cache_size", CACHE_KIB)
            .ctx("set the page cache size")?;
        // Statement journals and sorter spills in memory instead of temp files.
        conn.pragma_update(None, "temp_store", "MEMORY")
            .ctx("set the temporary storage")?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate_to(&mut conn, schema::latest_version())?;
        let mut store = Store { conn, ctx };
        let fp = store.fingerprint();
        if schema::meta_get(&store.conn, FINGERPRINT_KEY)?.as_deref() != Some(fp.as_str()) {
            store.recompute_all()?;
        }
        Ok(store)
    }

    pub fn context(&self) -> &ShopContext {
        &self.ctx
    }

    /// For review/stats queries and the outbox module. Writers must keep the cached
    /// conversation columns valid (use the Store methods for messages and marks).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Recompute every conversation's cached state (and which messages are the shop's) from
    /// the messages, and remember the context it was computed with.
    pub fn recompute_all(&mut self) -> Result<(), StoreError> {
        let fp = self.fingerprint();
        let tx = self
            .conn
            .transaction()
            .ctx("start recomputing conversations")?;
        refresh::recompute_everything(&tx, &self.ctx)?;
        schema::meta_set(&tx, FINGERPRINT_KEY, &fp)?;
        tx.commit().ctx("save recomputed conversations")?;
        Ok(())
    }

    /// What the cached state depends on: the shop's addresses and its calendar.
    fn fingerprint(&self) -> String {
        let mut addrs: Vec<String> = self
            .ctx
            .addresses
            .iter()
            .map(|a| a.trim().to_lowercase())
            .collect();
        addrs.sort();
        addrs.dedup();
        let text = format!("{addrs:?}\n{:?}", self.ctx.calendar);
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// Create the database file with mode 0600 before SQLite touches it, so customer mail is
/// never readable by other users, not even for a moment. An existing file is tightened.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(dir).map_err(io)?;
        }
    }
    if !path.exists() {
        // A -wal/-shm left behind by a deleted database (e.g. after a crash) belongs to that
        // database; with them in place SQLite can refuse the new file with "disk I/O error".
        for suffix in ["-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
                _ => {}
            }
        }
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path).map_err(io)?;
    set_private(path).map_err(io)
}

fn set_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests;
