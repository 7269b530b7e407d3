//! Header values that every SMTP server accepts: an absurd subject or display name is capped,
//! and an unstructured value is folded (RFC 5322 §2.2.3) into lines of at most 78 octets,
//! with non-ASCII text, over-long words and anything that looks like an encoded word written
//! as RFC 2047 encoded words (which can be split; a bare 5,000-character word cannot).

use std::fmt::Write as _;

use email_encoding::headers::writer::EmailWriter;
use unicode_segmentation::UnicodeSegmentation;

/// Longest subject of a reply, in user-perceived characters; longer ones end in "…".
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Longest display name in a reply header.
pub const MAX_NAME_CHARS: usize = 64;
/// An ASCII word longer than this is written as encoded words so that it can be folded.
const LONG_WORD: usize = 60;

/// `s` cut to at most `max` grapheme clusters, with "…" in place of the rest.
pub fn cap(s: &str, max: usize) -> String {
    let mut graphemes = s.grapheme_indices(true);
    match graphemes.nth(max.saturating_sub(1)) {
        Some((i, g)) if i + g.len() < s.len() => {
            let kept = s[..i].trim_end();
            format!("{kept}…")
        }
        _ => s.to_string(),
    }
}

/// True for an ASCII word that can go into a header as it is.
fn plain_word(w: &str) -> bool {
    w.len() <= LONG_WORD
        && w.bytes().all(|b| b.is_ascii_graphic())
        && !(w.contains("=?") || w.contains("?="))
}

/// The encoded, folded value of an unstructured header `name` (without the name and colon,
/// lines joined with CRLF + space). `value` must already be one line without controls
/// (see `header_text`).
pub fn unstructured(name: &str, value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 16);
    {
        let mut w = EmailWriter::new(&mut out, name.len() + 2, 0, false);
        let mut pending = String::new();
        for word in value.split_inclusive(' ') {
            let bare = word.trim_end_matches(' ');
            if plain_word(bare) {
                flush(&mut pending, &mut w);
                let _ = w.folding().write_str(word);
            } else {
                pending.push_str(word);
            }
        }
        flush(&mut pending, &mut w);
    }
    out
}

fn flush(pending: &mut String, w: &mut EmailWriter<'_>) {
    if pending.is_empty() {
        return;
    }
    let text = pending.trim_end_matches(' ');
    let _ = email_encoding::headers::rfc2047::encode(text, w);
    for _ in 0..pending.len() - text.len() {
        w.space();
    }
    pending.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(name: &str, folded: &str) -> String {
        let raw = format!("{name}: {folded}\r\n\r\n");
        let (h, _) = mailparse::parse_header(raw.as_bytes()).unwrap();
        h.get_value()
    }

    fn lines_ok(name: &str, folded: &str) {
        for (i, line) in format!("{name}: {folded}").split("\r\n").enumerate() {
            assert!(
                line.len() <= 78,
                "line {i} has {} octets: {line:?}",
                line.len()
            );
            assert!(line.is_ascii(), "{line:?}");
            if i > 0 {
                assert!(
                    line.starts_with(' '),
                    "continuation without space: {line:?}"
                );
            }
        }
    }

    #[test]
    fn values_fold_and_round_trip() {
        let long_word = "x".repeat(5000);
        let cases: Vec<String> = vec![
            "Re: Where is my order #1042?".into(),
            "Re: Bestellung über 5 Tassen – wann kommt sie?".into(),
            format!("Re: {long_word}"),
            format!("Re: {}", "word ".repeat(300).trim_end()),
            "Re: =?utf-8?q?not_an_encoded_word?= literally".into(),
            "Re: 👩‍👩‍👧 🇩🇪 emoji".into(),
            "ä".repeat(400),
        ];
        for v in cases {
            let folded = unstructured("Subject", &v);
            lines_ok("Subject", &folded);
            assert_eq!(decode("Subject", &folded), v, "round trip of {v:.40}");
        }
    }

    #[test]
    fn cap_cuts_at_graphemes() {
        assert_eq!(cap("short", 10), "short");
        assert_eq!(cap("exactly10!", 10), "exactly10!");
        assert_eq!(cap("abcdefghijk", 10), "abcdefghi…");
        assert_eq!(cap("ab de", 4), "ab…");
        // A family emoji is one grapheme: never cut in the middle.
        let fam = "👩‍👩‍👧";
        assert_eq!(cap(&fam.repeat(3), 2), format!("{fam}…"));
        assert_eq!(
            cap(&"y".repeat(1_000_000), MAX_SUBJECT_CHARS)
                .chars()
                .count(),
            200
        );
    }
}
