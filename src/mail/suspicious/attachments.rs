//! Attachments that run when opened: a program has no business in a customer's or supplier's
//! mail, and `invoice.pdf.exe` or `photo.JPG.scr` (a document's name in front of a program's
//! ending, which Windows hides by default) is a trap by construction.

use crate::mail::Attachment;

/// Endings Windows (and Java) run or mount on a double click.
pub(crate) const PROGRAM_ENDINGS: &[&str] = &[
    "exe", "scr", "js", "jse", "vbs", "vbe", "bat", "cmd", "com", "pif", "msi", "jar", "ps1",
    "lnk", "hta", "wsf", "cpl", "reg", "iso", "img",
];

/// MIME types of programs, for a part that has no name or hides its ending.
pub(crate) const PROGRAM_TYPES: &[&str] = &[
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-dosexec",
    "application/x-executable",
    "application/vnd.microsoft.portable-executable",
    "application/x-ms-installer",
    "application/x-msi",
    "application/java-archive",
    "application/x-java-archive",
    "application/hta",
    "application/x-ms-shortcut",
    "application/x-bat",
];

/// The first attachment that is a program, with why: "invoice.pdf.exe is a program named like
/// a document".
pub(super) fn program(attachments: &[Attachment]) -> Option<String> {
    attachments.iter().find_map(|a| {
        // Windows ignores trailing dots and spaces: "setup.exe. " runs as setup.exe.
        let name = a.name.trim_end_matches(['.', ' ']).to_lowercase();
        let mut parts = name.rsplit('.');
        let last = parts.next().filter(|_| name.contains('.'));
        let before = parts.next().filter(|_| name.matches('.').count() >= 2);
        let shown = match crate::mail::sanitize::line(&a.name) {
            n if n.is_empty() => "without a name".to_string(),
            n => format!("\"{n}\""),
        };
        match last {
            Some(ext) if PROGRAM_ENDINGS.contains(&ext) => Some(match before {
                Some(doc)
                    if !doc.is_empty() && doc.len() <= 5 && !PROGRAM_ENDINGS.contains(&doc) =>
                {
                    format!("the attachment {shown} is a program named like a .{doc} file")
                }
                _ => format!("the attachment {shown} is a program (.{ext})"),
            }),
            _ if PROGRAM_TYPES.contains(&a.mime.trim().to_lowercase().as_str()) => Some(format!(
                "the attachment {shown} is a program ({})",
                crate::mail::sanitize::line(&a.mime)
            )),
            _ => None,
        }
    })
}
