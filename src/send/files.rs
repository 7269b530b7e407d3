//! Reading the files a reply attaches: from a path the owner typed or picked, or a template's
//! `attach:` line, into bytes with a type taken from the bytes (else the name).

use std::path::{Path, PathBuf};

use super::attachment::OutgoingAttachment;

/// Files larger than this are not read at all (no provider takes such a message).
pub const MAX_FILE_BYTES: u64 = 150_000_000;

#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("cannot attach {}: there is no such file; check the path", .0.display())]
    Missing(PathBuf),
    #[error("cannot attach {}: it is a folder; pick a file inside it", .0.display())]
    Folder(PathBuf),
    #[error("cannot attach {}: it is {}, more than any mail server takes", .path.display(), super::attachment::human_size(*.size))]
    TooLarge { path: PathBuf, size: u64 },
    #[error("cannot attach {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `~/x` → the home folder's x; other paths as given.
pub fn expand(path: &str) -> PathBuf {
    let path = path.trim();
    if let Some(rest) = path.strip_prefix("~/") {
        if let Some(dirs) = directories::BaseDirs::new() {
            return dirs.home_dir().join(rest);
        }
    }
    if path == "~" {
        if let Some(dirs) = directories::BaseDirs::new() {
            return dirs.home_dir().to_path_buf();
        }
    }
    PathBuf::from(path)
}

/// Reads `path` as an attachment.
pub fn read(path: &Path) -> Result<OutgoingAttachment, AttachError> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => AttachError::Missing(path.to_path_buf()),
        _ => AttachError::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    if meta.is_dir() {
        return Err(AttachError::Folder(path.to_path_buf()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(AttachError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| AttachError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "attachment".to_string());
    let mime = mime_for(&name, &bytes);
    Ok(OutgoingAttachment::new(name, mime, bytes))
}

/// The type of a file to send: from its bytes when they have a signature, else its name.
pub fn mime_for(name: &str, bytes: &[u8]) -> String {
    crate::mail::attachments::sniff(bytes)
        .map(str::to_string)
        .or_else(|| mime_guess::from_path(name).first_raw().map(str::to_string))
        .unwrap_or_else(|| "application/octet-stream".to_string())
}

/// Completion for a typed path: the longest common continuation of the entries in its folder
/// that start with what was typed (folders end in `/`), and the candidates. Hidden entries
/// only when the typed name starts with a dot.
pub fn complete(typed: &str) -> (String, Vec<String>) {
    let expanded = expand(typed);
    let typed_str = typed.to_string();
    let (dir, prefix) = if typed.ends_with('/') || typed.is_empty() {
        (expanded.clone(), String::new())
    } else {
        let prefix = expanded
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (
            expanded
                .parent()
                .map(Path::to_path_buf)
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from(".")),
            prefix,
        )
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (typed_str, Vec::new());
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(&prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            Some(if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    let Some(first) = names.first() else {
        return (typed_str, names);
    };
    let mut common = first.clone();
    for n in names.iter().skip(1) {
        while !n.starts_with(&common) {
            common.pop();
        }
    }
    let head = &typed[..typed.len() - prefix.len().min(typed.len())];
    (format!("{head}{common}"), names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_takes_the_type_from_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("label.pdf");
        std::fs::write(&p, b"%PDF-1.4\n").unwrap();
        let a = read(&p).unwrap();
        assert_eq!(
            (a.name.as_str(), a.mime.as_str()),
            ("label.pdf", "application/pdf")
        );
        let t = dir.path().join("notes.txt");
        std::fs::write(&t, b"hello").unwrap();
        assert_eq!(read(&t).unwrap().mime, "text/plain");
        assert!(matches!(
            read(&dir.path().join("nope.pdf")),
            Err(AttachError::Missing(_))
        ));
        assert!(matches!(read(dir.path()), Err(AttachError::Folder(_))));
    }

    #[test]
    fn typed_paths_complete() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("return-label.pdf"), b"x").unwrap();
        std::fs::write(dir.path().join("return-info.txt"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("photos")).unwrap();
        let base = format!("{}/", dir.path().display());
        let (line, all) = complete(&format!("{base}ret"));
        assert_eq!(line, format!("{base}return-"));
        assert_eq!(all.len(), 2);
        let (line, _) = complete(&format!("{base}return-l"));
        assert_eq!(line, format!("{base}return-label.pdf"));
        let (line, _) = complete(&format!("{base}ph"));
        assert_eq!(line, format!("{base}photos/"));
        let (line, none) = complete(&format!("{base}zzz"));
        assert_eq!(line, format!("{base}zzz"));
        assert!(none.is_empty());
    }
}
