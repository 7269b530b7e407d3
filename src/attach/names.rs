//! File names for attachments written to disk: whatever the sender wrote, the name is one
//! plain component inside the chosen folder, never hidden, never a device, never too long.

/// Longest name written, in bytes (most file systems take 255; room is left for " (99)").
pub const MAX_NAME_BYTES: usize = 200;

/// Names Windows treats as devices, whatever their ending ("con.txt" is the console).
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    "conin$", "conout$",
];

/// A safe single file name for `name` (as the sender wrote it); `fallback` when nothing usable
/// is left. Separators, NUL, control and bidirectional characters, characters Windows refuses
/// and leading dots become `_` or go; device names get a `_` in front; long names are cut
/// keeping their ending.
pub fn disk_name(name: &str, fallback: &str) -> String {
    // Cut first, keeping the ending: the sanitizer's own cut would take ".pdf" off.
    let name = cap(name, MAX_NAME_BYTES);
    // sanitize::filename drops controls, bidi overrides and escapes and turns separators into _.
    let cleaned = crate::mail::sanitize::filename(&name);
    let mut out: String = cleaned
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' | '\0' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    // Windows drops trailing dots and spaces; a leading dot hides the file on Unix.
    out = out.trim_end_matches(['.', ' ']).trim_start().to_string();
    while out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    if out.chars().all(|c| c == '_' || c == ' ') {
        out.clear();
    }
    if out.is_empty() {
        return fallback.to_string();
    }
    let stem = out
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_lowercase();
    if RESERVED.contains(&stem.as_str()) {
        out.insert(0, '_');
    }
    cap(&out, MAX_NAME_BYTES)
}

/// `name` cut to `max` bytes on a character boundary, keeping a short ending (".pdf").
fn cap(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, ext) = split_ext(name);
    let ext = if ext.len() <= 16 { ext } else { "" };
    let mut cut = max.saturating_sub(ext.len());
    while !stem.is_char_boundary(cut.min(stem.len())) {
        cut -= 1;
    }
    format!("{}{ext}", &stem[..cut.min(stem.len())])
}

/// ("photo", ".jpg"); ("archive.tar", ".gz"); ("README", "").
pub fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// The `n`-th name tried when `name` is taken: "photo (2).jpg".
pub fn numbered(name: &str, n: u32) -> String {
    if n <= 1 {
        return name.to_string();
    }
    let (stem, ext) = split_ext(name);
    format!("{stem} ({n}){ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_one_safe_component() {
        let cases: &[(&str, &str)] = &[
            ("photo.jpg", "photo.jpg"),
            ("../../.bashrc", "_._.._.bashrc"),
            ("..", "attachment"),
            (".", "attachment"),
            (".bashrc", "_bashrc"),
            ("/etc/passwd", "_etc_passwd"),
            (
                "C:\\Windows\\system32\\evil.dll",
                "C__Windows_system32_evil.dll",
            ),
            ("\\\\server\\share\\x.pdf", "__server_share_x.pdf"),
            ("a\0b.pdf", "ab.pdf"),
            ("bad\r\nname.txt", "bad name.txt"),
            ("\u{1b}[31mred.pdf", "red.pdf"),
            ("invoice\u{202e}fdp.exe", "invoicefdp.exe"),
            ("what?.pdf", "what_.pdf"),
            ("a<b>c|d*e\".txt", "a_b_c_d_e_.txt"),
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("LPT1.pdf", "_LPT1.pdf"),
            ("aux .pdf", "_aux .pdf"),
            ("console.txt", "console.txt"),
            ("report. . .", "report"),
            ("", "attachment"),
            ("///", "attachment"),
            ("Fotó Vase – zerbrochen.JPG", "Fotó Vase – zerbrochen.JPG"),
        ];
        for (input, want) in cases {
            let got = disk_name(input, "attachment");
            assert_eq!(&got, want, "input {input:?}");
            assert!(!got.contains('/') && !got.contains('\\') && !got.contains('\0'));
            let p = std::path::Path::new(&got);
            assert_eq!(p.components().count(), 1, "{got:?}");
            assert!(matches!(
                p.components().next(),
                Some(std::path::Component::Normal(_))
            ));
        }
    }

    #[test]
    fn long_names_keep_their_ending() {
        let long = format!("{}.pdf", "x".repeat(300));
        let got = disk_name(&long, "attachment");
        assert!(got.len() <= MAX_NAME_BYTES, "{}", got.len());
        assert!(got.ends_with(".pdf"));
        let wide = format!("{}.jpg", "ü".repeat(300));
        let got = disk_name(&wide, "attachment");
        assert!(got.len() <= MAX_NAME_BYTES && got.ends_with(".jpg"));
    }

    #[test]
    fn collisions_are_numbered() {
        assert_eq!(numbered("photo.jpg", 1), "photo.jpg");
        assert_eq!(numbered("photo.jpg", 2), "photo (2).jpg");
        assert_eq!(numbered("README", 3), "README (3)");
        assert_eq!(numbered("a.tar.gz", 2), "a.tar (2).gz");
    }
}
