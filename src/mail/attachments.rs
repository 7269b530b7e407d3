//! A message's attachments as the owner handles them: each one numbered, with its decoded
//! bytes, and a verdict on whether it may be opened. Pure: the files are written by
//! [`crate::attach`].
//!
//! The content type that matters is the one the bytes have, not the one the sender wrote:
//! `invoice.pdf` that starts with `MZ` is a Windows program, and a "photo" that is a shell
//! script is a script. Programs and scripts are never opened, only saved; a file whose bytes
//! are not what its name says is flagged and opened only when the owner says so.

use super::suspicious::attachments::{PROGRAM_ENDINGS, PROGRAM_TYPES};
use super::{parse, sanitize, Attachment};

/// Endings of scripts and installers on Linux and macOS, in addition to the Windows programs.
const SCRIPT_ENDINGS: &[&str] = &[
    "sh", "bash", "zsh", "csh", "ksh", "fish", "py", "pyw", "pl", "rb", "php", "command", "tool",
    "app", "desktop", "run", "bin", "appimage", "deb", "rpm", "dmg", "pkg", "apk", "elf", "so",
    "dll", "dylib", "psm1", "ws", "wsh", "scpt", "action", "workflow", "xpi", "crx",
];

/// Types the bytes can have that mean "a program" (as `infer` names them).
const PROGRAM_SNIFFED: &[&str] = &[
    "application/vnd.microsoft.portable-executable",
    "application/x-executable",
    "application/x-mach-binary",
    "application/x-msdownload",
    "application/vnd.debian.binary-package",
    "application/x-rpm",
    "application/x-shellscript",
    "application/java-archive",
    "application/vnd.android.package-archive",
    "application/x-apple-diskimage",
    "application/x-ole-storage",
    "application/wasm",
];

/// What the owner may do with an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Opened with the viewer on request.
    Open,
    /// Its bytes are not what its name or declared type says ("named .pdf, but the bytes are
    /// a ZIP archive"): opened only after the owner confirms.
    Mismatch(String),
    /// A program or script: never opened, only saved ("… is a Windows program").
    Program(String),
}

/// One attachment of a message, ready to open, save or show.
#[derive(Clone, PartialEq, Eq)]
pub struct Part {
    /// 1-based, in the order the message lists them (`shopinbox attachment ID N`).
    pub number: usize,
    /// Sanitized name for display; "attachment-N" plus an ending when the part has none.
    pub name: String,
    /// Declared type, lower-case.
    pub mime: String,
    /// Type found in the bytes, when they have a known signature.
    pub sniffed: Option<&'static str>,
    pub verdict: Verdict,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Part")
            .field("number", &self.number)
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("sniffed", &self.sniffed)
            .field("verdict", &self.verdict)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Part {
    /// The type to treat it as: the sniffed one when the bytes have a signature.
    pub fn effective_mime(&self) -> &str {
        self.sniffed.unwrap_or(&self.mime)
    }

    /// An image the terminal may draw: the bytes say so, whatever the name says.
    pub fn is_image(&self) -> bool {
        matches!(
            self.sniffed,
            Some("image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp")
        ) && self.verdict == Verdict::Open
    }

    /// A forwarded message (`message/rfc822`), shown nested.
    pub fn is_message(&self) -> bool {
        self.mime == "message/rfc822"
    }

    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
}

/// Every attachment of `raw` with its bytes and verdict, and the problems met (bad base64 and
/// the like). Never panics; the depth and part limits are those of [`parse::parse_message`].
pub fn parts(raw: &[u8]) -> (Vec<Part>, Vec<String>) {
    let (listed, bytes, problems) = parse::attachment_parts(raw);
    let parts = listed
        .into_iter()
        .zip(bytes)
        .enumerate()
        .map(|(i, (a, bytes))| part(i + 1, a, bytes))
        .collect();
    (parts, problems)
}

fn part(number: usize, a: Attachment, bytes: Vec<u8>) -> Part {
    let sniffed = sniff(&bytes);
    let name = match sanitize::filename(&a.name) {
        n if n.trim().is_empty() => {
            let ext = sniffed
                .or(Some(a.mime.as_str()))
                .and_then(extension_for)
                .map(|e| format!(".{e}"))
                .unwrap_or_default();
            format!("attachment-{number}{ext}")
        }
        n => n,
    };
    let verdict = verdict(&name, &a.mime, sniffed, &bytes);
    Part {
        number,
        name,
        mime: a.mime,
        sniffed,
        verdict,
        bytes,
    }
}

/// The type the bytes say, from their signature; scripts by their `#!` line.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"#!") {
        return Some("application/x-shellscript");
    }
    infer::get(bytes).map(|t| t.mime_type())
}

/// The usual ending for a type ("image/jpeg" → "jpg").
fn extension_for(mime: &str) -> Option<&'static str> {
    Some(match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        "message/rfc822" => "eml",
        "text/plain" => "txt",
        _ => return mime_guess::get_mime_extensions_str(mime)?.first().copied(),
    })
}

/// The ending of a name, lower-case, with Windows' trailing dots and spaces ignored.
fn ending(name: &str) -> Option<String> {
    let trimmed = name.trim_end_matches(['.', ' ']);
    let (stem, ext) = trimmed.rsplit_once('.')?;
    (!stem.is_empty() || !ext.is_empty()).then(|| ext.to_lowercase())
}

/// Open, ask, or only save. See the module docs.
pub fn verdict(name: &str, declared: &str, sniffed: Option<&str>, bytes: &[u8]) -> Verdict {
    let shown = sanitize::line(name);
    if let Some(ext) = ending(name) {
        if PROGRAM_ENDINGS.contains(&ext.as_str()) || SCRIPT_ENDINGS.contains(&ext.as_str()) {
            return Verdict::Program(format!("\"{shown}\" is a program or script (.{ext})"));
        }
    }
    let declared = declared.trim().to_lowercase();
    if PROGRAM_TYPES.contains(&declared.as_str()) || declared == "application/x-sh" {
        return Verdict::Program(format!("\"{shown}\" is declared as a program ({declared})"));
    }
    if let Some(s) = sniffed.filter(|s| PROGRAM_SNIFFED.contains(s)) {
        return Verdict::Program(format!(
            "\"{shown}\" is a program: its bytes are {}",
            describe(s)
        ));
    }
    if bytes.starts_with(b"\x7fELF") {
        return Verdict::Program(format!(
            "\"{shown}\" is a program: its bytes are a Linux program"
        ));
    }
    let expected = mime_guess::from_path(name).first_raw();
    match (expected, sniffed) {
        (Some(exp), Some(s)) if !same_kind(exp, s) => Verdict::Mismatch(format!(
            "\"{shown}\" is named like {}, but its bytes are {}",
            describe(exp),
            describe(s)
        )),
        _ => Verdict::Open,
    }
}

/// Whether a name's type and the bytes' type are the same thing for opening purposes.
fn same_kind(expected: &str, sniffed: &str) -> bool {
    if expected == sniffed {
        return true;
    }
    let top = |m: &str| m.split('/').next().unwrap_or_default().to_string();
    let zip_based = |m: &str| {
        m == "application/zip"
            || m.contains("openxmlformats")
            || m.contains("opendocument")
            || m == "application/epub+zip"
    };
    match (expected, sniffed) {
        (e, s) if zip_based(e) && zip_based(s) => true,
        (
            "application/msword" | "application/vnd.ms-excel" | "application/vnd.ms-powerpoint",
            _,
        ) => false,
        (e, s) if top(e) == "image" && top(s) == "image" => true,
        (e, s) if top(e) == "audio" && top(s) == "audio" => true,
        (e, s) if top(e) == "video" && top(s) == "video" => true,
        ("application/pdf", _) | (_, "application/pdf") => false,
        (e, s) => top(e) == top(s) && top(e) != "application",
    }
}

/// "a PDF document", "a JPEG image", or the type itself.
fn describe(mime: &str) -> String {
    match mime {
        "application/pdf" => "a PDF document".into(),
        "image/jpeg" => "a JPEG image".into(),
        "image/png" => "a PNG image".into(),
        "application/zip" => "a ZIP archive".into(),
        "application/vnd.microsoft.portable-executable" | "application/x-msdownload" => {
            "a Windows program".into()
        }
        "application/x-executable" => "a Linux program".into(),
        "application/x-mach-binary" => "a macOS program".into(),
        "application/x-shellscript" => "a script".into(),
        m => sanitize::line(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";

    #[test]
    fn verdicts_come_from_the_bytes_and_the_name() {
        let open = |v: &Verdict| *v == Verdict::Open;
        let mismatch = |v: &Verdict| matches!(v, Verdict::Mismatch(_));
        let program = |v: &Verdict| matches!(v, Verdict::Program(_));
        type Case<'a> = (&'a str, &'a str, &'a [u8], fn(&Verdict) -> bool);
        let cases: &[Case] = &[
            ("label.pdf", "application/pdf", PDF, open),
            (
                "photo.jpg",
                "image/jpeg",
                b"\xff\xd8\xff\xe0\0\x10JFIF\0",
                open,
            ),
            ("photo.jpg", "image/jpeg", PNG, open), // a PNG named .jpg is still an image
            ("notes.txt", "text/plain", b"hello", open),
            ("invoice.pdf", "application/pdf", EXE, program), // a lying .pdf
            ("invoice.pdf", "application/pdf", PNG, mismatch),
            (
                "invoice.pdf",
                "application/pdf",
                b"PK\x03\x04\x14\0\0\0",
                mismatch,
            ),
            ("photo.jpg", "image/jpeg", b"#!/bin/sh\nrm -rf ~\n", program),
            ("setup.exe", "application/octet-stream", b"", program),
            ("run.sh", "text/plain", b"echo hi", program),
            ("photo.JPG.scr", "image/jpeg", b"", program),
            ("tool", "application/x-msdownload", b"", program),
            (
                "a",
                "application/octet-stream",
                b"\x7fELF\x02\x01\x01",
                program,
            ),
            (
                "report.docx",
                "application/octet-stream",
                b"PK\x03\x04\x14\0\0\0",
                open,
            ),
        ];
        for (name, mime, bytes, want) in cases {
            let v = verdict(name, mime, sniff(bytes), bytes);
            assert!(want(&v), "{name} {mime}: {v:?}");
        }
    }

    #[test]
    fn parts_carry_bytes_and_numbers() {
        let raw = b"From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\
Content-Type: text/plain\r\n\r\nHi\r\n--x\r\nContent-Type: image/png; name=p.png\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUg==\r\n--x\r\n\
Content-Type: application/pdf\r\nContent-Disposition: attachment\r\n\r\n%PDF-1.4\r\n--x--\r\n";
        let (parts, problems) = parts(raw);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].number, 1);
        assert_eq!(parts[0].name, "p.png");
        assert_eq!(&parts[0].bytes[..4], b"\x89PNG");
        assert!(parts[0].is_image());
        assert_eq!(parts[1].name, "attachment-2.pdf");
        assert_eq!(parts[1].sniffed, Some("application/pdf"));
    }
}
