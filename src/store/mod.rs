//! The SQLite store: messages, conversations with their cached "needs reply" state, and the
//! owner's local data (notes, rules, outbox, snooze, follow-ups, name corrections).
//!
//! Local data is keyed by stable things — Message-IDs, addresses, domains and conversation ids
//! that are never deleted — never by message row ids, so that dropping and re-fetching a folder
//! (UIDVALIDITY change) loses nothing. See spec/STORE_API.md for the contract.

mod bulk;
mod checkpoint;
mod convert;
mod customers;
mod dedup;
mod error;
mod files;
mod flags;
mod folders;
mod ingest;
mod keywords;
mod keywords_read;
mod local;
mod marks;
pub mod outreach;
mod queries;
mod refresh;
mod removal;
mod review;
mod schema;
mod search;
mod seen;
mod shared;
mod shared_sync;
mod smtp_size;
mod snippet;
pub mod state;
pub mod threading;
mod tracking;
mod trust;
mod types;

pub use bulk::MarkChange;
pub use checkpoint::BackgroundCheckpoints;
pub use customers::CustomerMatch;
pub use error::{SqliteCause, StoreError};
pub use ingest::Prepared;
pub use review::{ConversationTime, PromiseRow, StatRow};
pub use search::fts_query;
pub use shared_sync::{Claim, PersonActivity, SetRead, SharedEvent};
pub use tracking::HistoryProgress;
pub use trust::TrustedSender;
pub use types::*;

use error::Ctx;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a connection waits for another one that is writing (a second shopinbox, the
/// sync worker's batch, a recompute at open) before giving up with "the store is busy". The
/// longest writers are one sync batch (250 messages, up to 16 MB, with their full-text
/// postings) and the recompute of every conversation after the shop's addresses changed:
/// seconds on a slow disk, so 30 s leaves room without hanging forever on a stuck process.
/// Readers never wait under WAL; SQLite polls in steps of at most 100 ms, so a waiter goes
/// on as soon as the writer commits.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
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
    /// Open (creating if needed) the store at `path`: WAL, busy timeout, foreign keys,
    /// migrations; recompute cached state if the shop context changed. Only SQLite touches the
    /// database file (see `files.rs` for why and how it is still private).
    pub fn open(path: &Path, ctx: ShopContext) -> Result<Store, StoreError> {
        Self::setup(open_connection(path)?, ctx)
    }

    /// [`Store::open`] on a store emptied of everything it held (the demo's fresh start). It
    /// is emptied through SQLite (its documented reset: `SQLITE_DBCONFIG_RESET_DATABASE` and
    /// `VACUUM`), never by deleting the file, which another connection may have open.
    pub fn open_empty(path: &Path, ctx: ShopContext) -> Result<Store, StoreError> {
        let conn = open_connection(path)?;
        let reset = |conn: &Connection| -> rusqlite::Result<()> {
            // Reading the schema first keeps the file in WAL mode through the reset.
            conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_RESET_DATABASE, true)?;
            let vacuum = conn.execute_batch("VACUUM");
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_RESET_DATABASE, false)?;
            vacuum
        };
        reset(&conn).ctx("empty the store")?;
        Self::setup(conn, ctx)
    }

    pub fn open_in_memory(ctx: ShopContext) -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()
            .map_err(|source| StoreError::open(Path::new(":memory:"), source))?;
        Self::setup(conn, ctx)
    }

    fn setup(mut conn: Connection, ctx: ShopContext) -> Result<Store, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .ctx("set the busy timeout")?;
        // Every write transaction takes the write lock when it begins. A deferred one that
        // reads first and writes later fails at once with SQLITE_BUSY (the busy timeout cannot
        // help) when another connection committed in between; an immediate one waits its turn.
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
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
        // Plans do not depend on the values bound to a statement. Without this, a query with
        // `uid = ?3` is re-planned on every call with a new UID: SQLite checks whether the
        // value makes `uid = 0` (the partial index `messages_content`) true and marks the
        // statement to be prepared again whenever that parameter changes; re-preparing the
        // ingest's location lookup was ~5 % of a first sync's store thread. Nothing here relies
        // on value-dependent plans (the store keeps no ANALYZE statistics).
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .ctx("keep query plans stable")?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate_to(&mut conn, schema::latest_version())?;
        let mut store = Store { conn, ctx };
        store.seed_shared_once()?;
        let fp = store.fingerprint();
        if schema::meta_get(&store.conn, FINGERPRINT_KEY)?.as_deref() != Some(fp.as_str()) {
            store.recompute(true)?;
        }
        Ok(store)
    }

    pub fn context(&self) -> &ShopContext {
        &self.ctx
    }

    /// For review/stats queries and the outbox module. Writers must keep the cached
    /// conversation columns valid (use the Store methods for messages and marks).
    /// The database file, for a second connection on another thread (`None` in memory).
    pub fn file_path(&self) -> Option<std::path::PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Recompute every conversation's cached state (and which messages are the shop's) from
    /// the messages, and remember the context it was computed with.
    pub fn recompute_all(&mut self) -> Result<(), StoreError> {
        self.recompute(false)
    }

    /// [`Store::recompute_all`]; with `only_if_stale`, skipped when the context's fingerprint,
    /// read inside the write transaction, shows that another process has just done it.
    fn recompute(&mut self, only_if_stale: bool) -> Result<(), StoreError> {
        let fp = self.fingerprint();
        let tx = self
            .conn
            .transaction()
            .ctx("start recomputing conversations")?;
        if only_if_stale && schema::meta_get(&tx, FINGERPRINT_KEY)?.as_deref() == Some(&fp) {
            return Ok(());
        }
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

/// A connection to the file at `path` (created if needed), with its busy timeout and in WAL
/// mode. Only SQLite opens the file (see `files.rs`).
fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    files::create_folder(path)?;
    files::check_no_orphan_wal(path)?;
    let err = |source| StoreError::open(path, source);
    let conn = files::create_private(path, || {
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
    })
    .map_err(err)?;
    // First of all, so that everything below (even switching a new file to WAL while another
    // process does the same) waits for other writers instead of failing.
    conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
    // WAL lets the UI read while the sync worker writes; NORMAL sync is safe with WAL (a
    // power cut can lose the last commits, never corrupt, and sync re-fetches them).
    // Network filesystems may refuse WAL; the store still works in the mode SQLite keeps.
    // This is the connection's first access to the file, and there SQLite can answer BUSY
    // without calling the busy handler (while another process switches a new file to WAL or
    // sets up its shared-memory index), so it is retried here up to the same timeout.
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Err(e) if error::is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(err(e)),
            Ok(_mode) => return Ok(conn),
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proactive_tests;

#[cfg(test)]
mod tracking_tests;

#[cfg(test)]
mod grouping_tests;
#[cfg(test)]
mod hot_rows_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod shared_tests;
