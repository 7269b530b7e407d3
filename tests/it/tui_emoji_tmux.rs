//! Emoji, ZWJ sequences and flags in subjects must not break the screen (issue 13 item 14):
//! the real binary in a private tmux server, on a store with such subjects. Every list row has
//! its Received column where the header has it, no regional indicator, ZWJ or variation
//! selector reaches the terminal, and a flag from one conversation does not stay on screen in
//! another.

use crate::tmux_support;

use std::path::Path;
use std::process::{Command, Stdio};
use tmux_support::Tmux;

use unicode_width::UnicodeWidthStr;

const NOW: &str = "2026-11-24T10:00:00+01:00";

const SUBJECTS: [&str; 6] = [
    "Flags 🇩🇪🇫🇷🇮🇹 order",
    "Family 👩\u{200d}👩\u{200d}👧\u{200d}👦 photo mug",
    "Love ❤\u{fe0f} it 👋🏽 thanks",
    "Keycap 1\u{fe0f}\u{20e3} and 🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f} tag",
    "Storm 🎉🔥💯👍😀😂🙏🚀🌈⭐️🍕🐱🦄🎁📦✅❌🤔💬 done",
    "Plain question about delivery",
];

fn setup(dir: &Path) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[shop]\nname = \"Alphx\"\nowner_name = \"Tom\"\naddresses = [\"hello@alphx.shop\"]\n\
             [hours]\ntime_zone = \"Europe/Berlin\"\n[store]\npath = \"{}\"\n",
            dir.join("store.db").display()
        ),
    )
    .unwrap();
    let mut files = Vec::new();
    for (i, s) in SUBJECTS.iter().enumerate() {
        let path = dir.join(format!("m{i}.eml"));
        // Raw UTF-8 headers for some, RFC 2047 for the others: both decode to the same text.
        let subject = if i % 2 == 0 {
            s.to_string()
        } else {
            let b64 = base64_encode(s.as_bytes());
            format!("=?utf-8?b?{b64}?=")
        };
        std::fs::write(
            &path,
            format!(
                "From: Customer {i} 🇨🇭 <c{i}@example.com>\r\nSubject: {subject}\r\n\
                 Message-ID: <m{i}@example.com>\r\nDate: Mon, 23 Nov 2026 0{i}:00:00 +0000\r\n\
                 Content-Type: text/plain; charset=utf-8\r\n\r\n{s}\r\nThanks 👍🏿\r\n"
            ),
        )
        .unwrap();
        files.push(path);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_shopinbox"))
        .arg("--config")
        .arg(&config)
        .arg("--now")
        .arg(NOW)
        .arg("import")
        .args(&files)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    config
}

fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// No character whose width terminals disagree on reached the screen.
fn assert_no_unstable(screen: &str) {
    for c in screen.chars() {
        let bad = ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
            || matches!(c, '\u{200d}' | '\u{fe00}'..='\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}' | '\u{20e3}')
            || ('\u{e0000}'..='\u{e007f}').contains(&c)
            || (c.is_control() && c != '\n');
        assert!(!bad, "{c:?} reached the terminal:\n{screen}");
    }
}

/// The display column at which `needle` starts in `line`.
fn column_of(line: &str, needle: &str) -> Option<usize> {
    line.find(needle).map(|i| line[..i].width())
}

#[test]
fn emoji_subjects_keep_columns_aligned_and_leave_no_stray_glyphs() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path());
    let bin = env!("CARGO_BIN_EXE_shopinbox");
    let d = dir.path().display();
    let cmd = format!(
        "env HOME={d} XDG_CONFIG_HOME={d}/config XDG_DATA_HOME={d}/data {bin} --config {} \
         --now {NOW}; echo \"EXITED $?\"; sleep 30",
        config.display()
    );
    let t = Tmux::start("emoji", "inbox", 100, 30, &cmd);

    let screen = t.wait_for("the inbox with six rows", |s| {
        s.contains("Received") && s.contains("Plain question") && s.contains("Storm")
    });
    assert_no_unstable(&screen);
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines.iter().find(|l| l.starts_with("State")).unwrap();
    let received_col = column_of(header, "Received").unwrap();
    let rows: Vec<&&str> = lines.iter().filter(|l| l.contains("Mon ")).collect();
    assert_eq!(rows.len(), SUBJECTS.len(), "{screen}");
    for row in rows {
        assert_eq!(
            column_of(row, "Mon "),
            Some(received_col),
            "the Received column moved in {row:?}:\n{screen}"
        );
        assert!(row.width() <= 100, "{row:?}");
    }
    assert!(screen.contains("[DE][FR][IT]"), "{screen}");

    // Open the conversation with the flags, go back, open another: nothing of the first stays.
    t.keys(&["g"]);
    let flagged_row = lines
        .iter()
        .filter(|l| l.contains("Mon "))
        .position(|l| l.contains("Flags"))
        .unwrap();
    for _ in 0..flagged_row {
        t.keys(&["j"]);
    }
    t.keys(&["Enter"]);
    let conv = t.wait_for("the flag conversation", |s| {
        s.contains("● ") && s.contains("order")
    });
    assert_no_unstable(&conv);
    t.keys(&["q"]);
    t.wait_for("the inbox again", |s| s.contains("Received"));
    let other = if flagged_row == 0 { "j" } else { "k" };
    t.keys(&[other, "Enter"]);
    let conv2 = t.wait_for("another conversation", |s| {
        s.contains("● ") && !s.contains("Flags")
    });
    assert_no_unstable(&conv2);
    assert!(!conv2.contains("[DE]"), "a flag stayed on screen:\n{conv2}");
    t.keys(&["q", "q"]);
    let end = t.wait_for("exit", |s| s.contains("EXITED"));
    assert!(end.contains("EXITED 0"), "{end}");
}
