//! `shopinbox import PATH...`: load mail exports (.eml files, Maildirs, mbox files) into the
//! store, so an owner can try shopinbox on last month's mail before connecting a server.
//!
//! Imported mail takes the same path as synced mail ([`parse_message`], then
//! [`Store::ingest`]) into mailbox "import" without uids; the store de-duplicates uid-less mail
//! by a hash of its bytes, so importing the same export twice adds nothing. To make that hold
//! across formats (the same message from a Maildir and from an mbox), every message is
//! normalised to CRLF line ends before it is hashed.
//!
//! Reading is streamed: an mbox export of several gigabytes is split line by line and saved
//! in batches, never loaded whole.

use crate::mail::parse::parse_message;
use crate::store::{InsertOutcome, Location, NewMessage, Store, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Mailbox name imported mail is stored under.
pub const IMPORT_MAILBOX: &str = "import";
/// Messages per [`Store::ingest`] call: one transaction each, so a crash loses at most one
/// batch and the store is never locked for long.
pub const BATCH: usize = 500;
/// Larger "messages" are almost certainly not mail (or a broken mbox split); they are skipped
/// with a note instead of filling the store.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;
/// A message dated more than this many days after the import is taken as misdated.
const MAX_FUTURE_DAYS: i64 = 1;
/// Folder nesting followed at most: deep enough for any mail export, and a guard against
/// symbolic-link loops.
const MAX_DEPTH: usize = 32;

/// What an import did, for the one-line report and the notes under it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Files read (an mbox counts once, a Maildir once per message file).
    pub files: usize,
    /// Messages new to the store.
    pub imported: usize,
    /// Messages the store already had.
    pub duplicates: usize,
    /// One sentence per thing that did not go as expected; the import continues past them.
    pub problems: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot import {}: no such file or folder", shown(path))]
    NotFound { path: PathBuf },
    #[error("cannot read {}", shown(path))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot save imported mail in the store")]
    Store(#[source] StoreError),
}

/// A path as it may be printed: control characters and escape sequences removed.
pub fn shown(path: &Path) -> String {
    crate::mail::sanitize::line(&path.display().to_string())
}

/// Imports every path: a single message file, a Maildir (`cur/`, `new/`, and Maildir++
/// subfolders), a folder of .eml files (searched recursively) or an mbox file.
///
/// Paths the user named that do not exist are an error before anything is imported;
/// unreadable or odd files met inside folders are noted in [`ImportSummary::problems`].
pub fn import_paths(store: &mut Store, paths: &[PathBuf]) -> Result<ImportSummary, ImportError> {
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(ImportError::NotFound { path: p.clone() });
        }
    }
    // The first import starts tracking (DESIGN.md "Tracking window"): older customer mail in
    // it is history, not overdue.
    store.start_tracking().map_err(ImportError::Store)?;
    let mut imp = Importer {
        store,
        batch: Vec::new(),
        summary: ImportSummary::default(),
    };
    for p in paths {
        imp.path(p, true, 0)?;
    }
    imp.flush()?;
    Ok(imp.summary)
}

/// What kind of source a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Maildir,
    Folder,
    Mbox,
    Message,
}

/// Decides how to read a path. Folders with `cur` or `new` inside are Maildirs; a file whose
/// first line is an mbox postmark ("From " …) is an mbox; anything else is one message.
pub fn detect(path: &Path) -> std::io::Result<SourceKind> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        if path.join("cur").is_dir() || path.join("new").is_dir() {
            return Ok(SourceKind::Maildir);
        }
        return Ok(SourceKind::Folder);
    }
    // The first five bytes (fewer when the file is shorter).
    let mut head = Vec::with_capacity(5);
    File::open(path)?.take(5).read_to_end(&mut head)?;
    Ok(if head == b"From " {
        SourceKind::Mbox
    } else {
        SourceKind::Message
    })
}

struct Importer<'a> {
    store: &'a mut Store,
    batch: Vec<NewMessage>,
    summary: ImportSummary,
}

impl Importer<'_> {
    fn path(&mut self, path: &Path, named: bool, depth: usize) -> Result<(), ImportError> {
        if depth > MAX_DEPTH {
            self.note(format!(
                "{}: folders nested deeper than {MAX_DEPTH} levels (a link loop?); skipped",
                path.display()
            ));
            return Ok(());
        }
        let kind = match detect(path) {
            Ok(k) => k,
            Err(source) if named => {
                return Err(ImportError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
            Err(e) => {
                self.note(format!("{}: cannot read it ({e}); skipped", path.display()));
                return Ok(());
            }
        };
        match kind {
            SourceKind::Maildir => self.maildir(path, depth),
            SourceKind::Folder => self.folder(path, named, depth),
            SourceKind::Mbox => self.mbox(path),
            SourceKind::Message => self.message_file(path, Vec::new()),
        }
    }

    /// A folder that is not a Maildir: .eml files, mbox files and Maildirs/folders inside it.
    fn folder(&mut self, dir: &Path, named: bool, depth: usize) -> Result<(), ImportError> {
        let mut entries = match sorted_entries(dir) {
            Ok(e) => e,
            Err(source) if named => {
                return Err(ImportError::Read {
                    path: dir.to_path_buf(),
                    source,
                })
            }
            Err(e) => {
                self.note(format!("{}: cannot list it ({e}); skipped", dir.display()));
                return Ok(());
            }
        };
        let mut skipped = 0usize;
        for path in entries.drain(..) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                self.path(&path, false, depth + 1)?;
                continue;
            }
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".eml") || lower.ends_with(".msg.txt") {
                self.message_file(&path, Vec::new())?;
            } else if matches!(detect(&path), Ok(SourceKind::Mbox)) {
                self.mbox(&path)?;
            } else {
                skipped += 1;
            }
        }
        if skipped > 0 {
            self.note(format!(
                "{}: skipped {} that {} neither .eml nor mbox",
                dir.display(),
                crate::human_time::count(skipped as u64, "file", "files"),
                if skipped == 1 { "is" } else { "are" }
            ));
        }
        Ok(())
    }

    /// A Maildir: messages in `cur/` and `new/` (never `tmp/`, which holds half-delivered
    /// mail), flags from the `:2,` info, then Maildir++ subfolders (`.Sent`, `.Archive`, …).
    fn maildir(&mut self, dir: &Path, depth: usize) -> Result<(), ImportError> {
        for sub in ["new", "cur"] {
            let d = dir.join(sub);
            if !d.is_dir() {
                continue;
            }
            let entries = match sorted_entries(&d) {
                Ok(e) => e,
                Err(e) => {
                    self.note(format!("{}: cannot list it ({e}); skipped", d.display()));
                    continue;
                }
            };
            for path in entries {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name.starts_with('.') || !path.is_file() {
                    continue;
                }
                self.message_file(&path, maildir_flags(&name))?;
            }
        }
        if let Ok(entries) = sorted_entries(dir) {
            for path in entries {
                let is_sub = path
                    .file_name()
                    .map(|n| n.to_string_lossy().starts_with('.'))
                    .unwrap_or(false);
                if is_sub && path.join("cur").is_dir() {
                    self.path(&path, false, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    fn message_file(&mut self, path: &Path, flags: Vec<String>) -> Result<(), ImportError> {
        self.summary.files += 1;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                self.note(format!("{}: cannot read it ({e}); skipped", path.display()));
                return Ok(());
            }
        };
        if meta.len() > MAX_MESSAGE_BYTES as u64 {
            self.note(format!(
                "{}: {} bytes is too large for one message; skipped",
                path.display(),
                meta.len()
            ));
            return Ok(());
        }
        let raw = match std::fs::read(path) {
            Ok(r) => r,
            Err(e) => {
                self.note(format!("{}: cannot read it ({e}); skipped", path.display()));
                return Ok(());
            }
        };
        let mtime = meta.modified().ok().map(DateTime::<Utc>::from);
        self.add(path.display().to_string(), raw, flags, None, mtime)
    }

    fn mbox(&mut self, path: &Path) -> Result<(), ImportError> {
        self.summary.files += 1;
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                self.note(format!("{}: cannot read it ({e}); skipped", path.display()));
                return Ok(());
            }
        };
        let mtime = file
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .map(DateTime::<Utc>::from);
        let mut reader = MboxReader::new(BufReader::new(file));
        let mut n = 0usize;
        loop {
            match reader.next_message() {
                Ok(Some(m)) => {
                    n += 1;
                    let label = format!("{} message {n}", path.display());
                    if m.oversized {
                        self.note(format!("{label}: too large for one message; skipped"));
                        continue;
                    }
                    let flags = mbox_status_flags(&m.raw);
                    self.add(label, m.raw, flags, m.postmark_date, mtime)?;
                }
                Ok(None) => break,
                Err(e) => {
                    self.note(format!(
                        "{}: reading stopped after {} ({e})",
                        path.display(),
                        crate::human_time::count(n as u64, "message", "messages")
                    ));
                    break;
                }
            }
        }
        Ok(())
    }

    /// Parses one message and queues it for the store.
    fn add(
        &mut self,
        label: String,
        raw: Vec<u8>,
        flags: Vec<String>,
        postmark: Option<DateTime<Utc>>,
        mtime: Option<DateTime<Utc>>,
    ) -> Result<(), ImportError> {
        if raw.iter().all(|b| b.is_ascii_whitespace()) {
            self.note(format!("{label}: empty; skipped"));
            return Ok(());
        }
        let raw = to_crlf(&raw);
        let parsed = parse_message(&raw);
        if !parsed.problems.is_empty() {
            self.note(format!(
                "{label}: stored, but {}",
                parsed.problems.join("; ")
            ));
        }
        let now = self.store.context().clock.now();
        let mut received_at = parsed
            .received_header_date
            .or(parsed.date)
            .or(postmark)
            .or(mtime)
            .unwrap_or(now);
        // A date far ahead (a broken clock, or "2100") would put the deadline there too.
        if received_at > now + chrono::Duration::days(MAX_FUTURE_DAYS) {
            self.note(format!(
                "{label}: dated {} in the future; the time of import is used instead",
                received_at.format("%Y-%m-%d %H:%M UTC")
            ));
            received_at = now;
        }
        self.batch.push(NewMessage {
            location: Location {
                mailbox: IMPORT_MAILBOX.to_string(),
                uidvalidity: 0,
                uid: 0,
            },
            raw,
            parsed,
            received_at,
            flags,
        });
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ImportError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let outcomes = self.store.ingest(batch, None).map_err(ImportError::Store)?;
        for o in outcomes {
            match o {
                InsertOutcome::Inserted(_) => self.summary.imported += 1,
                InsertOutcome::Duplicate(_) => self.summary.duplicates += 1,
            }
        }
        Ok(())
    }

    /// Notes are printed: file names with control characters are cleaned like message text.
    fn note(&mut self, s: String) {
        self.summary.problems.push(crate::mail::sanitize::line(&s));
    }
}

/// Directory entries sorted by name, so imports are reproducible.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect::<Vec<_>>();
    v.sort();
    Ok(v)
}

/// IMAP flags from a Maildir file name's info part (`…:2,FRS`). Some tools on file systems
/// without `:` write `!2,` or `;2,` instead.
pub fn maildir_flags(file_name: &str) -> Vec<String> {
    let Some(info) = [":2,", "!2,", ";2,"]
        .iter()
        .find_map(|sep| file_name.rfind(sep).map(|i| &file_name[i + sep.len()..]))
    else {
        return Vec::new();
    };
    let mut flags = Vec::new();
    for c in info.chars() {
        let f = match c {
            'S' => "\\Seen",
            'R' => "\\Answered",
            'F' => "\\Flagged",
            'D' => "\\Draft",
            'T' => "\\Deleted",
            _ => continue,
        };
        if !flags.iter().any(|x: &String| x == f) {
            flags.push(f.to_string());
        }
    }
    flags
}

/// Flags from the `Status:` / `X-Status:` headers mail clients write into mbox files
/// (mutt, Thunderbird, Apple Mail): R = read, A = answered, F = flagged.
pub fn mbox_status_flags(raw: &[u8]) -> Vec<String> {
    let mut flags: Vec<String> = Vec::new();
    let mut push = |f: &str| {
        if !flags.iter().any(|x| x == f) {
            flags.push(f.to_string());
        }
    };
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let (status, value) = if let Some(v) = strip_prefix_ci(line, b"status:") {
            (true, v)
        } else if let Some(v) = strip_prefix_ci(line, b"x-status:") {
            (false, v)
        } else {
            continue;
        };
        for &c in value {
            match (status, c) {
                (true, b'R') => push("\\Seen"),
                (false, b'A') => push("\\Answered"),
                (false, b'F') => push("\\Flagged"),
                (false, b'D') => push("\\Deleted"),
                _ => {}
            }
        }
    }
    flags
}

fn strip_prefix_ci<'a>(line: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let (head, rest) = line.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(rest)
}

/// Normalises line ends to CRLF (lone LF and lone CR both become CRLF).
pub fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 40);
    let mut bytes = raw.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                bytes.next_if_eq(&b'\n');
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
    }
    out
}

/// One message split out of an mbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MboxMessage {
    /// The message with `>From ` quoting undone, without the postmark line.
    pub raw: Vec<u8>,
    /// The delivery time written in the postmark ("From sender Tue Jun  3 10:05:44 2025").
    pub postmark_date: Option<DateTime<Utc>>,
    /// The message exceeded [`MAX_MESSAGE_BYTES`]; `raw` was not kept.
    pub oversized: bool,
}

/// Splits an mbox stream into messages.
///
/// A message starts at a line beginning with "From " that is the first line of the file or
/// follows an empty line, or that looks like a postmark ("From addr Www Mmm dd hh:mm:ss yyyy");
/// so an unquoted "From " in a body (mboxo writers that did not escape it) in the middle of a
/// paragraph does not split a message. Lines `>From `, `>>From `, … lose one `>` (mboxrd; for
/// mboxo files this is also right for the common single level).
pub struct MboxReader<R> {
    inner: R,
    /// The postmark line that starts the next message, already read.
    pending: Option<Vec<u8>>,
    started: bool,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(inner: R) -> Self {
        MboxReader {
            inner,
            pending: None,
            started: false,
        }
    }

    pub fn next_message(&mut self) -> std::io::Result<Option<MboxMessage>> {
        let postmark = match self.pending.take() {
            Some(p) => Some(p),
            None if !self.started => {
                self.started = true;
                let mut first = Vec::new();
                if self.inner.read_until(b'\n', &mut first)? == 0 {
                    return Ok(None);
                }
                if first.starts_with(b"From ") {
                    Some(first)
                } else {
                    // Not a postmark: headers of a first message without one. Keep the line.
                    return self.read_body(None, first).map(Some);
                }
            }
            None => return Ok(None),
        };
        self.read_body(postmark, Vec::new()).map(Some)
    }

    fn read_body(
        &mut self,
        postmark: Option<Vec<u8>>,
        first: Vec<u8>,
    ) -> std::io::Result<MboxMessage> {
        let mut raw = first;
        let mut oversized = false;
        let mut prev_blank = false;
        let mut line = Vec::new();
        loop {
            line.clear();
            if self.inner.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            let content = trim_eol(&line);
            if content.starts_with(b"From ") && (prev_blank || looks_like_postmark(content)) {
                self.pending = Some(line.clone());
                break;
            }
            prev_blank = content.is_empty();
            let unquoted = unquote_from(&line);
            if !oversized {
                if raw.len() + unquoted.len() > MAX_MESSAGE_BYTES {
                    oversized = true;
                    raw = Vec::new();
                } else {
                    raw.extend_from_slice(unquoted);
                }
            }
        }
        // The blank line before the next postmark separates messages; it is not content.
        if raw.ends_with(b"\r\n\r\n") {
            raw.truncate(raw.len() - 2);
        } else if raw.ends_with(b"\n\n") {
            raw.truncate(raw.len() - 1);
        }
        let postmark_date = postmark
            .as_deref()
            .and_then(|p| std::str::from_utf8(trim_eol(p)).ok())
            .and_then(parse_postmark_date);
        Ok(MboxMessage {
            raw,
            postmark_date,
            oversized,
        })
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `>From ` → `From `, `>>From ` → `>From ` (one level per read, as mboxrd wrote it).
fn unquote_from(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    match line.split_first() {
        Some((_, rest))
            if quotes > 0
                && rest
                    .get(quotes - 1..)
                    .is_some_and(|r| r.starts_with(b"From ")) =>
        {
            rest
        }
        _ => line,
    }
}

/// "From sender@host Tue Jun  3 10:05:44 2025" (asctime, sometimes with a zone or extra
/// fields): true when the text after the sender parses as a date.
fn looks_like_postmark(line: &[u8]) -> bool {
    std::str::from_utf8(line)
        .ok()
        .and_then(parse_postmark_date)
        .is_some()
}

/// The date in an mbox postmark, read as UTC (as `date -u`-style asctime is by convention).
pub fn parse_postmark_date(line: &str) -> Option<DateTime<Utc>> {
    let rest = line.strip_prefix("From ")?;
    let mut words = rest.split_whitespace();
    let _sender = words.next()?;
    let words: Vec<&str> = words.collect();
    // Try the asctime part: "Www Mmm d hh:mm:ss yyyy", ignoring anything after it.
    let text = words.get(..5)?.join(" ");
    NaiveDateTime::parse_from_str(&text, "%a %b %e %H:%M:%S %Y")
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%a %b %d %H:%M:%S %Y"))
        .ok()
        .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::io::Cursor;

    fn split(s: &str) -> Vec<MboxMessage> {
        let mut r = MboxReader::new(Cursor::new(s.as_bytes().to_vec()));
        let mut v = Vec::new();
        while let Some(m) = r.next_message().unwrap() {
            v.push(m);
        }
        v
    }

    #[test]
    fn maildir_flag_table() {
        let cases: &[(&str, &[&str])] = &[
            ("1748937944.M1P2.host:2,S", &["\\Seen"]),
            (
                "1748937944.M1P2.host:2,FRS",
                &["\\Flagged", "\\Answered", "\\Seen"],
            ),
            ("1748937944.M1P2.host:2,", &[]),
            ("1748937944.M1P2.host", &[]),
            (
                "1748937944.M1P2.host,S=4123:2,RS",
                &["\\Answered", "\\Seen"],
            ),
            ("1748937944.M1P2.host!2,S", &["\\Seen"]),
            ("x:2,DT", &["\\Draft", "\\Deleted"]),
            ("x:2,SSa", &["\\Seen"]),
        ];
        for (name, want) in cases {
            assert_eq!(maildir_flags(name), *want, "{name}");
        }
    }

    #[test]
    fn mbox_status_flag_table() {
        let cases: &[(&str, &[&str])] = &[
            ("Status: RO\nX-Status: A\n\nbody", &["\\Seen", "\\Answered"]),
            ("status: O\r\n\r\n", &[]),
            ("X-Status: AF\n\nStatus: R\n", &["\\Answered", "\\Flagged"]),
            ("Subject: x\n\n", &[]),
        ];
        for (raw, want) in cases {
            assert_eq!(mbox_status_flags(raw.as_bytes()), *want, "{raw:?}");
        }
    }

    #[test]
    fn crlf_table() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"a\nb", b"a\r\nb"),
            (b"a\r\nb\r\n", b"a\r\nb\r\n"),
            (b"a\rb", b"a\r\nb"),
            (b"", b""),
            (b"\n\n", b"\r\n\r\n"),
        ];
        for (i, o) in cases {
            assert_eq!(to_crlf(i), *o);
        }
    }

    #[test]
    fn mbox_split_unquotes_and_keeps_unescaped_from_in_paragraphs() {
        let mbox = "From a@b.c Tue Jun  3 10:05:44 2025\n\
                    Subject: one\n\
                    \n\
                    >From the start\n\
                    >>From deeper\n\
                    text\n\
                    From here on, unescaped in a paragraph\n\
                    \n\
                    From b@c.d Wed Jun  4 08:00:00 2025\n\
                    Subject: two\n\
                    \n\
                    body two\n";
        let m = split(mbox);
        assert_eq!(m.len(), 2);
        assert_eq!(
            String::from_utf8_lossy(&m[0].raw),
            "Subject: one\n\nFrom the start\n>From deeper\ntext\nFrom here on, unescaped in a paragraph\n"
        );
        assert_eq!(
            m[0].postmark_date,
            Some(Utc.with_ymd_and_hms(2025, 6, 3, 10, 5, 44).unwrap())
        );
        assert_eq!(
            String::from_utf8_lossy(&m[1].raw),
            "Subject: two\n\nbody two\n"
        );
    }

    #[test]
    fn mbox_split_on_postmark_without_blank_line_and_crlf() {
        let mbox = "From a@b.c Tue Jun  3 10:05:44 2025\r\nSubject: one\r\n\r\nx\r\nFrom MAILER-DAEMON Thu Jan  1 00:00:00 2026\r\nSubject: two\r\n\r\ny\r\n";
        let m = split(mbox);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].raw, b"Subject: one\r\n\r\nx\r\n");
        assert_eq!(m[1].raw, b"Subject: two\r\n\r\ny\r\n");
    }

    #[test]
    fn mbox_edge_cases() {
        assert!(split("").is_empty());
        // No postmark at all: one message.
        let m = split("Subject: x\n\nbody\n");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].raw, b"Subject: x\n\nbody\n");
        assert_eq!(m[0].postmark_date, None);
        // A postmark without a readable date still splits after a blank line.
        let m = split("From someone\nSubject: a\n\n\nFrom other\nSubject: b\n\n");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].postmark_date, None);
    }

    #[test]
    fn postmark_dates() {
        let t = |s| parse_postmark_date(s);
        assert_eq!(
            t("From x@y Tue Jun  3 10:05:44 2025"),
            Some(Utc.with_ymd_and_hms(2025, 6, 3, 10, 5, 44).unwrap())
        );
        assert_eq!(
            t("From x@y Mon Dec 15 23:59:59 2025 remote from z"),
            Some(Utc.with_ymd_and_hms(2025, 12, 15, 23, 59, 59).unwrap())
        );
        assert_eq!(t("From here on, we ship"), None);
        assert_eq!(t("From x@y"), None);
        assert_eq!(t("Subject: no"), None);
    }
}
