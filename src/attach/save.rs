//! Writing attachments into a folder: a sanitized name ([`super::names`]), created with
//! `create_new` so that nothing is ever overwritten (`photo (2).jpg` when `photo.jpg` exists),
//! and checked to stay inside the folder.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::names::{disk_name, numbered};

/// How many numbered names are tried before giving up.
const MAX_TRIES: u32 = 999;

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("cannot save into {}: it is not a folder; choose another", .0.display())]
    NotAFolder(PathBuf),
    #[error("cannot save \"{name}\" into {}: {source}; check the folder exists and is writable", .dir.display())]
    Write {
        name: String,
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot save \"{name}\" into {}: {MAX_TRIES} files of that name exist already; clean up the folder", .dir.display())]
    TooMany { name: String, dir: PathBuf },
    #[error("cannot write {}: a file of that name exists, and shopinbox never overwrites; give another path", .0.display())]
    Exists(PathBuf),
}

/// The user's Downloads folder (`directories`), else the home folder, else the current one.
pub fn default_dir() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| {
            u.download_dir()
                .map(Path::to_path_buf)
                .or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Writes `bytes` into `dir` under the sanitized `name` (numbered when taken). Returns the
/// path written, always directly inside `dir`.
pub fn save_unique(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, SaveError> {
    if !dir.is_dir() {
        return Err(SaveError::NotAFolder(dir.to_path_buf()));
    }
    let safe = disk_name(name, "attachment");
    let err = |source| SaveError::Write {
        name: safe.clone(),
        dir: dir.to_path_buf(),
        source,
    };
    for n in 1..=MAX_TRIES {
        let candidate = numbered(&safe, n);
        let path = dir.join(&candidate);
        // One plain component: the join cannot leave `dir` (disk_name guarantees it; this is
        // the last line of defence).
        if path.parent() != Some(dir) || Path::new(&candidate).components().count() != 1 {
            return Err(err(std::io::Error::other("unsafe file name")));
        }
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                let written = f.write_all(bytes).and_then(|()| f.sync_all());
                if let Err(e) = written {
                    drop(f);
                    let _ = std::fs::remove_file(&path);
                    return Err(err(e));
                }
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(err(e)),
        }
    }
    Err(SaveError::TooMany {
        name: safe,
        dir: dir.to_path_buf(),
    })
}

/// Writes `bytes` to exactly `path` (the owner's `-o PATH`), refusing to overwrite. A path
/// that is a folder gets the sanitized `name` inside it.
pub fn save_to(path: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, SaveError> {
    if path.is_dir() {
        return save_unique(path, name, bytes);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let err = |source| SaveError::Write {
        name: path.display().to_string(),
        dir: dir.to_path_buf(),
        source,
    };
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => {
            f.write_all(bytes)
                .and_then(|()| f.sync_all())
                .map_err(err)?;
            Ok(path.to_path_buf())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(SaveError::Exists(path.to_path_buf()))
        }
        Err(e) => Err(err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `root`, relative.
    fn tree(root: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p.clone());
                }
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
        out.sort();
        out
    }

    #[test]
    fn hostile_names_never_leave_the_folder_or_overwrite() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("Downloads");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("photo.jpg"), b"mine").unwrap();
        let hostile = [
            "../../.bashrc",
            "../outside.txt",
            "/etc/passwd",
            "/tmp/x",
            "C:\\Windows\\evil.exe",
            "a\0b",
            "\u{1b}]0;title\u{7}x.txt",
            "bidi\u{202e}txt.exe",
            &"n".repeat(300),
            "CON",
            "nul.txt",
            "photo.jpg",
            "photo.jpg",
            "",
            "..",
        ];
        let mut written = Vec::new();
        for name in hostile {
            let p = save_unique(&dir, name, name.as_bytes()).unwrap();
            assert_eq!(p.parent(), Some(dir.as_path()), "{name:?} → {p:?}");
            assert_eq!(std::fs::read(&p).unwrap(), name.as_bytes());
            written.push(p);
        }
        // Nothing outside the folder: the root holds only the folder.
        assert_eq!(
            tree(root.path())
                .iter()
                .filter(|p| p.parent() == Some(Path::new("")))
                .count(),
            1
        );
        assert_eq!(std::fs::read(dir.join("photo.jpg")).unwrap(), b"mine");
        assert!(dir.join("photo (2).jpg").exists() && dir.join("photo (3).jpg").exists());
        assert_eq!(std::fs::read(dir.join("attachment")).unwrap(), b"");
        assert!(
            dir.join("attachment (2)").exists(),
            "'..' is the second fallback"
        );
        let mut unique = written.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), written.len());
    }

    #[test]
    fn an_explicit_path_is_never_overwritten() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("label.pdf");
        save_to(&target, "x", b"one").unwrap();
        assert!(matches!(
            save_to(&target, "x", b"two"),
            Err(SaveError::Exists(_))
        ));
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        // A folder as -o gets the sanitized name inside it.
        let p = save_to(root.path(), "../evil.pdf", b"three").unwrap();
        assert_eq!(p.parent(), Some(root.path()));
    }
}
