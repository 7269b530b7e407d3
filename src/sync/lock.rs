//! One sync at a time per store, across processes: an OS advisory lock (`flock`) on a small
//! file next to the store, `<store>.sync.lock`.
//!
//! Two syncs of one store would fetch the same mail twice over and hold the store's write
//! lock in turns for their batches; one is enough. The lock is on a SEPARATE file, never on
//! the database: SQLite's own locks on the database are POSIX locks that any other descriptor
//! of that file would destroy when closed (see `store/files.rs`). `flock` belongs to the open
//! file, so it also keeps two threads of one process apart, and the kernel drops it when the
//! holder exits or is killed: a crashed sync never leaves a stale lock. The file itself is
//! never deleted (deleting a lock file lets two processes lock two different files).
//!
//! Who takes it: `shopinbox sync` (waits up to [`CLI_WAIT`] for a running pass, then stops
//! with exit code 5 and one sentence) and the inbox's sync worker for each pass (skips the
//! pass when the lock is taken, and tries again soon: the other sync fetches the same mail).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long `shopinbox sync` waits for another sync of the same store: an incremental pass
/// of the inbox's worker takes a second or two. A first sync of a big mailbox takes longer;
/// then the second command stops (exit 5) rather than hanging: the running sync is already
/// fetching the same mail.
pub const CLI_WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// Held while a sync runs; dropping it releases the lock.
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

/// Where the lock of the store at `store` lives.
pub fn lock_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".sync.lock");
    PathBuf::from(p)
}

impl SyncLock {
    /// Takes the lock if no other sync holds it; `Ok(None)` when one does.
    pub fn try_acquire(store: &Path) -> io::Result<Option<SyncLock>> {
        let file = open_lock_file(&lock_path(store))?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => Ok(Some(SyncLock { _file: file })),
            Err(fs4::TryLockError::WouldBlock) => Ok(None),
            Err(fs4::TryLockError::Error(e)) => Err(e),
        }
    }

    /// Takes the lock, waiting up to `wait` for another sync to finish; `Ok(None)` when it is
    /// still running then.
    pub fn acquire_within(store: &Path, wait: Duration) -> io::Result<Option<SyncLock>> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(lock) = Self::try_acquire(store)? {
                return Ok(Some(lock));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            std::thread::sleep(left.min(POLL));
        }
    }
}

/// Opens (creating, private) the lock file. Its folder is the store's, which `Store::open`
/// creates; a sync that runs before any store exists creates it the same way.
fn open_lock_file(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(dir)?;
        }
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_sits_next_to_the_store_not_on_it() {
        assert_eq!(
            lock_path(Path::new("/data/shopinbox.db")),
            PathBuf::from("/data/shopinbox.db.sync.lock")
        );
    }

    #[test]
    fn one_holder_at_a_time_even_within_one_process() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("sub/store.db");
        let first = SyncLock::try_acquire(&store)
            .unwrap()
            .expect("free at first");
        assert!(SyncLock::try_acquire(&store).unwrap().is_none());
        assert!(SyncLock::acquire_within(&store, Duration::from_millis(250))
            .unwrap()
            .is_none());
        // The store itself was not created or touched: only the lock file.
        assert!(!store.exists());
        assert!(lock_path(&store).exists());
        drop(first);
        assert!(SyncLock::try_acquire(&store).unwrap().is_some());
    }

    #[test]
    fn a_waiting_sync_gets_the_lock_when_the_other_one_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store.db");
        let first = SyncLock::try_acquire(&store).unwrap().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = {
            let store = store.clone();
            std::thread::spawn(move || {
                tx.send(()).unwrap();
                SyncLock::acquire_within(&store, Duration::from_secs(60))
                    .unwrap()
                    .is_some()
            })
        };
        rx.recv().unwrap();
        drop(first);
        assert!(waiter.join().unwrap());
    }
}
