//! The store on disk: its folder, its privacy, and the one rule that keeps it whole.
//!
//! **Only SQLite ever opens the database file or its `-wal`/`-shm`.** SQLite's locks are
//! POSIX advisory locks, and those belong to the process, not to a descriptor: closing ANY
//! descriptor of the file (a `File::open` just to create it or to read its mode) drops every
//! lock the process holds on it, including the shared lock each WAL connection keeps (SQLite,
//! "How To Corrupt An SQLite Database File", section 2.2). The inbox holds several
//! connections all day (the UI's, the sync and send workers'); once their locks are gone,
//! the next `shopinbox` command that exits believes it is the last user, checkpoints and
//! deletes the `-wal` under them, and the inbox goes on writing through a stale WAL index:
//! lost commits, then a malformed database. So nothing here opens, chmods or deletes those
//! files; `stat` (which opens nothing) is all we do to them.
//!
//! Customer mail stays private all the same, in two layers:
//! - the store's folder is created mode 0700 when shopinbox creates it: nobody else can even
//!   reach the files inside, whatever their modes. This is the robust guarantee.
//! - a new database file is created by SQLite under umask 077, so it is 0600; SQLite gives
//!   the `-wal` and `-shm` it creates later the mode of the database file (it `fchmod`s its
//!   own new descriptors to match), so they are 0600 too. A file that already exists keeps the
//!   mode its owner gave it.
//!
//! The umask is process-wide. It is changed only for the instant SQLite creates a new file,
//! under a lock so that two threads opening stores never restore each other's value (which
//! could leave 077 in place for good, or the old mask during the other's creation). Another
//! thread that happens to create a file in that instant gets it private too: stricter, never
//! looser, and harmless for the files shopinbox writes (templates, .eml copies).

use super::error::StoreError;
use std::path::{Path, PathBuf};

/// `path` with `suffix` appended to the file name (`store.db` → `store.db-wal`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Creates the folder of the store (and its parents) mode 0700 when it does not exist yet.
/// An existing folder is left as its owner set it.
pub(crate) fn create_folder(path: &Path) -> Result<(), StoreError> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    // `recursive` also tolerates another process creating the same folder at the same moment.
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|source| StoreError::Folder {
        dir: dir.to_path_buf(),
        source,
    })
}

/// Refuses to create a new database next to a `-wal` left behind by a database that was
/// deleted: SQLite would replay that other database's pages into the new file. Only `stat`s.
///
/// Race-free without deleting anything: the database file is created before its `-wal` and
/// shopinbox never deletes it, so a `-wal` seen first and a database missing afterwards means
/// the `-wal` really has no database.
pub(crate) fn check_no_orphan_wal(path: &Path) -> Result<(), StoreError> {
    let wal = with_suffix(path, "-wal");
    if wal.symlink_metadata().is_ok() && path.symlink_metadata().is_err() {
        return Err(StoreError::OrphanWal { wal });
    }
    Ok(())
}

/// Runs `create` (which makes SQLite create the file at `path`) under umask 077 when the file
/// does not exist yet; otherwise just runs it.
pub(crate) fn create_private<T>(path: &Path, create: impl FnOnce() -> T) -> T {
    if path.symlink_metadata().is_ok() {
        return create();
    }
    #[cfg(unix)]
    {
        use rustix::fs::Mode;
        use rustix::process::umask;
        let _guard = UMASK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let old = umask(Mode::from_raw_mode(0o077));
        let out = create();
        umask(old);
        out
    }
    #[cfg(not(unix))]
    create()
}

/// Serialises every change of the umask made here (see the module's notes).
#[cfg(unix)]
static UMASK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The process's umask, read under the same lock (reading it means setting it).
#[cfg(all(test, unix))]
pub(crate) fn current_umask() -> u32 {
    use rustix::fs::Mode;
    let _guard = UMASK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let m = rustix::process::umask(Mode::from_raw_mode(0o022));
    rustix::process::umask(m);
    m.as_raw_mode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_append_to_the_file_name() {
        assert_eq!(
            with_suffix(Path::new("/a/store.db"), "-wal"),
            PathBuf::from("/a/store.db-wal")
        );
        assert_eq!(
            with_suffix(Path::new("s.sqlite"), ".sync.lock"),
            PathBuf::from("s.sqlite.sync.lock")
        );
    }

    #[test]
    fn an_orphaned_wal_is_refused_and_a_wal_with_its_database_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        check_no_orphan_wal(&db).unwrap();
        std::fs::write(with_suffix(&db, "-wal"), b"left over").unwrap();
        let err = check_no_orphan_wal(&db).unwrap_err();
        assert!(matches!(err, StoreError::OrphanWal { .. }), "{err}");
        assert!(err.to_string().contains("s.db-wal"), "{err}");
        std::fs::write(&db, b"").unwrap();
        check_no_orphan_wal(&db).unwrap();
    }
}
