//! WAL checkpoints on a thread of their own while a download writes (issue 22).
//!
//! Every committed page is written twice: to the WAL, then (at a checkpoint) into the
//! database file. SQLite's automatic checkpoint runs inside the commit that crosses its size,
//! on the writing thread, which during a first sync is the slower of the download's two
//! working threads: checkpoints were about a seventh of its time. Here a second connection
//! on another thread copies the WAL back after each commit (`PASSIVE`: never waiting for the
//! writer or the readers), so the writer only appends. The writer keeps a much larger
//! automatic checkpoint as a safety net, so the WAL cannot grow without bound if the
//! checkpointer falls behind. Crash safety is SQLite's: a checkpoint only copies committed
//! pages, from any connection.

use super::{Store, BUSY_TIMEOUT};
use rusqlite::{Connection, OpenFlags};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// The writer's automatic checkpoint while the checkpointer runs, in pages (64 MB of 4 KB
/// pages; SQLite's default is 1,000).
const FALLBACK_PAGES: i64 = 16_000;
/// SQLite's default, restored afterwards.
const DEFAULT_PAGES: i64 = 1_000;

/// The checkpointer's thread; dropping it lets the last checkpoint finish and joins it.
pub struct BackgroundCheckpoints {
    tx: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundCheckpoints {
    /// A batch was committed: copy the WAL back when the thread is free.
    pub fn committed(&self) {
        if let Some(tx) = &self.tx {
            // A thread that stopped only means checkpoints are the writer's again.
            let _ = tx.send(());
        }
    }
}

impl Drop for BackgroundCheckpoints {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Store {
    /// Move the checkpoints of the coming commits to a thread of its own, until
    /// [`Store::end_background_checkpoints`]. `None` (nothing changes) for a store in memory
    /// or when the second connection cannot be opened.
    pub fn background_checkpoints(&mut self) -> Option<BackgroundCheckpoints> {
        let path = self.file_path()?;
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .ok()?;
        conn.busy_timeout(BUSY_TIMEOUT).ok()?;
        let (tx, rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("checkpoint".to_string())
            .spawn(move || {
                while rx.recv().is_ok() {
                    // Commits that came meanwhile are covered by this one checkpoint.
                    while rx.try_recv().is_ok() {}
                    // An error (busy, a full disk) leaves the pages in the WAL, where the
                    // writer's own checkpoint or the next one here copies them.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .ok()?;
        let bg = BackgroundCheckpoints {
            tx: Some(tx),
            thread: Some(thread),
        };
        // Only once the thread runs: until then the writer keeps checkpointing as before.
        self.conn
            .pragma_update(None, "wal_autocheckpoint", FALLBACK_PAGES)
            .ok()?;
        Some(bg)
    }

    /// Checkpoints are the writer's again (after the last background one finished).
    pub fn end_background_checkpoints(&mut self, bg: Option<BackgroundCheckpoints>) {
        let Some(bg) = bg else { return };
        drop(bg);
        // Failing leaves the larger size: a longer WAL, never a lost page.
        let _ = self
            .conn
            .pragma_update(None, "wal_autocheckpoint", DEFAULT_PAGES);
    }
}
