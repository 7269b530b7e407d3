//! The sender's lease on an outbox entry: an OS advisory lock (`flock`, through `fs4`) on a
//! lock file of its own next to the store, held from before the entry becomes `sending` until
//! its outcome is recorded. The kernel drops the lock when the process dies, however it dies,
//! so "the lock can be taken" means "the sender is gone" and nothing else.
//!
//! The file is named `<store file>.sending-<outbox id>-<pid>-<random>.lock` and that name is
//! saved in the outbox row (`lease`) in the same transaction that claims it. Start-up
//! recovery ([`super::outbox::recover_interrupted`]) asks [`probe`] about each `sending` row
//! and only settles rows whose lease is free; the update is conditional on the same lease, so
//! a sender that finished in between is never touched.
//!
//! Only lock files are opened here: never the database or its `-wal`/`-shm` (closing any
//! descriptor of those would drop SQLite's own POSIX locks).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use fs4::FileExt;
use fs4::TryLockError;
use rusqlite::Connection;

/// A held lease. Dropping it removes the lock file, then releases the lock.
#[derive(Debug)]
pub struct Lease {
    token: String,
    held: Option<(File, PathBuf)>,
}

impl Lease {
    /// Creates and locks a fresh lock file for outbox entry `id` of the store behind `conn`.
    /// An in-memory store (tests) cannot be shared between processes: its lease is only a
    /// token.
    pub fn acquire(conn: &Connection, id: i64) -> io::Result<Lease> {
        let nonce = fastrand::u64(..);
        let pid = std::process::id();
        let Some((dir, stem)) = store_dir(conn) else {
            return Ok(Lease {
                token: format!("memory-{id}-{pid}-{nonce:016x}"),
                held: None,
            });
        };
        let mut last = None;
        for attempt in 0..4u64 {
            let token = format!(
                "{stem}.sending-{id}-{pid}-{:016x}.lock",
                nonce.wrapping_add(attempt)
            );
            let path = dir.join(&token);
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let file = opts.open(&path)?;
            if let Err(e) = FileExt::try_lock(&file) {
                let _ = std::fs::remove_file(&path);
                return Err(match e {
                    TryLockError::Error(e) => e,
                    TryLockError::WouldBlock => io::Error::other("the lock file is already locked"),
                });
            }
            // Between creating and locking it, a sweep ([`sweep`]) may have taken the file
            // for an orphan and removed it: the lease is only good if the name still leads
            // to the file we locked.
            if same_file(&file, &path) {
                return Ok(Lease {
                    token,
                    held: Some((file, path)),
                });
            }
            last = Some(path);
        }
        Err(io::Error::other(format!(
            "the lock file {} kept disappearing",
            last.map(|p| p.display().to_string()).unwrap_or_default()
        )))
    }

    /// What the outbox row records.
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some((file, path)) = self.held.take() {
            // Removed while still locked: whoever opened it before sees a free lock on a file
            // no row names any more, which is harmless (every update checks the row's lease).
            let _ = std::fs::remove_file(&path);
            let _ = FileExt::unlock(&file);
        }
    }
}

/// What [`probe`] found out about a lease.
#[derive(Debug)]
pub enum Probe {
    /// Its sender still runs: leave the row alone.
    Alive,
    /// Its sender is gone. The guard keeps the stale lock file locked until the row is
    /// settled, then removes it.
    Gone(Stale),
}

/// A dead sender's lock file, locked by us; removed on drop.
#[derive(Debug, Default)]
pub struct Stale {
    held: Option<(File, PathBuf)>,
}

impl Drop for Stale {
    fn drop(&mut self) {
        if let Some((file, path)) = self.held.take() {
            let _ = std::fs::remove_file(&path);
            let _ = FileExt::unlock(&file);
        }
    }
}

/// Whether the sender holding `token` (an outbox row's `lease`) is still running. `None` (a
/// row from before leases existed) and in-memory tokens count as gone.
pub fn probe(conn: &Connection, token: Option<&str>) -> Probe {
    let gone = || Probe::Gone(Stale::default());
    let Some(token) = token else { return gone() };
    let Some((dir, stem)) = store_dir(conn) else {
        return gone();
    };
    // Only our own file names, in the store's folder: a damaged row cannot point elsewhere.
    if !token.starts_with(&format!("{stem}.sending-"))
        || !token.ends_with(".lock")
        || token.contains('/')
    {
        return gone();
    }
    let path = dir.join(token);
    let file = match OpenOptions::new().write(true).open(&path) {
        Ok(f) => f,
        // The sender removes its file only after recording the outcome.
        Err(_) => return gone(),
    };
    match FileExt::try_lock(&file) {
        Ok(()) => Probe::Gone(Stale {
            held: Some((file, path)),
        }),
        Err(TryLockError::WouldBlock) => Probe::Alive,
        // Locking itself failed (a file system without locks): assume the sender is alive,
        // so that a live send is never settled by mistake.
        Err(TryLockError::Error(_)) => Probe::Alive,
    }
}

/// Removes lock files left by senders that are gone and that no `sending` row names any more
/// (a sender killed after recording its outcome, or before its claim). `named`: the leases
/// of the `sending` rows, which [`probe`] and the row update handle. Held locks are left alone.
pub fn sweep(conn: &Connection, named: &[String]) {
    let Some((dir, stem)) = store_dir(conn) else {
        return;
    };
    let prefix = format!("{stem}.sending-");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&prefix) || !name.ends_with(".lock") || named.contains(&name) {
            continue;
        }
        // A free lock is a dead sender's; dropping the guard removes the file.
        if let Probe::Gone(stale) = probe(conn, Some(&name)) {
            drop(stale);
        }
    }
}

/// Whether `path` still names the open `file` (same device and inode).
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// The folder and file name of the store behind `conn`, `None` for an in-memory store.
fn store_dir(conn: &Connection) -> Option<(PathBuf, String)> {
    let path = Path::new(conn.path().filter(|p| !p.is_empty())?);
    let stem = path.file_name()?.to_string_lossy().into_owned();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Some((dir, stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_store(dir: &Path) -> Connection {
        Connection::open(dir.join("store.db")).unwrap()
    }

    #[test]
    fn a_held_lease_is_alive_and_a_dropped_one_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let conn = file_store(dir.path());
        let lease = Lease::acquire(&conn, 7).unwrap();
        let token = lease.token().to_string();
        assert!(token.starts_with("store.db.sending-7-"), "{token}");
        assert!(dir.path().join(&token).exists());
        // Another open file description (as another process would have) sees it held.
        assert!(matches!(probe(&conn, Some(&token)), Probe::Alive));
        drop(lease);
        assert!(!dir.path().join(&token).exists(), "removed after use");
        assert!(matches!(probe(&conn, Some(&token)), Probe::Gone(_)));
    }

    #[test]
    fn a_lock_file_left_by_a_dead_sender_is_gone_and_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let conn = file_store(dir.path());
        let token = "store.db.sending-3-1-00.lock";
        std::fs::write(dir.path().join(token), b"").unwrap();
        match probe(&conn, Some(token)) {
            Probe::Gone(stale) => drop(stale),
            Probe::Alive => panic!("nobody holds it"),
        }
        assert!(!dir.path().join(token).exists());
    }

    #[test]
    fn sweep_removes_orphans_but_not_held_or_named_locks() {
        let dir = tempfile::tempdir().unwrap();
        let conn = file_store(dir.path());
        let held = Lease::acquire(&conn, 1).unwrap();
        let orphan = "store.db.sending-2-1-00.lock";
        let named = "store.db.sending-3-1-00.lock";
        let unrelated = "store.db.sending-notes.txt";
        for f in [orphan, named, unrelated] {
            std::fs::write(dir.path().join(f), b"").unwrap();
        }
        sweep(&conn, &[named.to_string()]);
        assert!(dir.path().join(held.token()).exists(), "held: kept");
        assert!(!dir.path().join(orphan).exists(), "orphan: removed");
        assert!(
            dir.path().join(named).exists(),
            "named by a row: left to recovery"
        );
        assert!(dir.path().join(unrelated).exists());
        drop(held);
    }

    #[test]
    fn foreign_or_missing_tokens_count_as_gone() {
        let dir = tempfile::tempdir().unwrap();
        let conn = file_store(dir.path());
        for t in [None, Some("../etc/passwd"), Some("other.db.sending-1.lock")] {
            assert!(matches!(probe(&conn, t), Probe::Gone(_)), "{t:?}");
        }
        let mem = Connection::open_in_memory().unwrap();
        let lease = Lease::acquire(&mem, 1).unwrap();
        assert!(lease.token().starts_with("memory-1-"));
        assert!(matches!(probe(&mem, Some(lease.token())), Probe::Gone(_)));
    }
}
