//! Opening an attachment with the system's viewer: from a private temporary copy (a folder only
//! the owner can read, removed when shopinbox ends), never a program or script, and a file
//! whose bytes are not what its name says only after the owner confirmed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::mail::attachments::{Part, Verdict};

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("not opened: {0}; shopinbox never opens programs or scripts, save it (s) if you trust the sender")]
    Program(String),
    #[error("{0}; press the key again to open it anyway, or save it (s)")]
    NeedsConfirm(String),
    #[error("cannot make a private copy of \"{name}\" to open: {source}; check the free space of the temporary folder")]
    Copy {
        name: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start \"{program}\" to open the attachment: {source}; set [attachments] open_command in the config")]
    Start {
        program: String,
        #[source]
        source: std::io::Error,
    },
}

/// A private copy handed to a viewer; the folder is removed when this is dropped (keep it
/// until the app ends: the viewer reads the file after it started).
#[derive(Debug)]
pub struct Opened {
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

/// The viewer's command line without the file: `[attachments] open_command` split on
/// whitespace, else the platform's default.
pub fn viewer_command(open_command: Option<&str>) -> Vec<String> {
    if let Some(cmd) = open_command.map(str::trim).filter(|c| !c.is_empty()) {
        return cmd.split_whitespace().map(str::to_string).collect();
    }
    if cfg!(target_os = "macos") {
        vec!["open".into()]
    } else if cfg!(windows) {
        vec!["cmd".into(), "/C".into(), "start".into(), String::new()]
    } else {
        vec!["xdg-open".into()]
    }
}

/// Whether `part` may be opened now: programs never, mismatches once confirmed.
pub fn check(part: &Part, confirmed: bool) -> Result<(), OpenError> {
    match &part.verdict {
        Verdict::Open => Ok(()),
        Verdict::Program(why) => Err(OpenError::Program(why.clone())),
        Verdict::Mismatch(_) if confirmed => Ok(()),
        Verdict::Mismatch(why) => Err(OpenError::NeedsConfirm(why.clone())),
    }
}

/// A private copy of `part`: a fresh folder readable only by the owner, the file inside it
/// under its sanitized name, readable only by the owner.
pub fn private_copy(part: &Part) -> Result<Opened, OpenError> {
    let name = super::names::disk_name(&part.name, "attachment");
    let err = |source| OpenError::Copy {
        name: name.clone(),
        source,
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix("shopinbox-open-");
    // Readable by the owner only, from its creation on.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let dir = builder.tempdir().map_err(err)?;
    let path = dir.path().join(&name);
    write_private(&path, &part.bytes).map_err(err)?;
    Ok(Opened { path, _dir: dir })
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Checks `part` ([`check`]), makes its private copy and starts the viewer on it without
/// waiting (a thread reaps it). The copy lives as long as the returned [`Opened`].
pub fn open(part: &Part, open_command: Option<&str>, confirmed: bool) -> Result<Opened, OpenError> {
    check(part, confirmed)?;
    let opened = private_copy(part)?;
    let argv = viewer_command(open_command);
    let Some((program, args)) = argv.split_first() else {
        return Err(OpenError::Start {
            program: String::new(),
            source: std::io::Error::other("no program given"),
        });
    };
    let mut child = Command::new(program)
        .args(args)
        .arg(&opened.path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| OpenError::Start {
            program: program.clone(),
            source,
        })?;
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(opened)
}
