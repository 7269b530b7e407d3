//! Layout arithmetic shared by the app (paging, scrolling) and the drawing: how many rows a
//! screen shows and how text is cut and wrapped into lines. It lives below both `app` and `ui`
//! and imports neither, so data flows one way — app state → screen — while the app's page
//! sizes and line counts always agree with what is drawn.

pub mod bar;
pub mod customer;
pub mod reply;
pub mod stats;
pub mod thread;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Rows above the inbox list: view tabs, summary line, column header.
pub const INBOX_CHROME: u16 = 3;
/// Rows above a thread: subject line, who/when line.
pub const THREAD_CHROME: u16 = 2;
/// The status bar.
pub const STATUS_ROWS: u16 = 1;
/// Below a thread: the row of key hints.
pub const THREAD_HINTS: u16 = 1;

/// Visible inbox rows for a terminal `height` rows tall (shared with the app's paging).
pub fn inbox_list_height(height: u16) -> u16 {
    height.saturating_sub(INBOX_CHROME + STATUS_ROWS)
}

/// Visible thread lines for a terminal `height` rows tall.
pub fn conversation_body_height(height: u16) -> u16 {
    height.saturating_sub(THREAD_CHROME + THREAD_HINTS + STATUS_ROWS)
}

/// Cuts `s` to `width` display columns, marking the cut with "…". Measured by grapheme
/// cluster, as ratatui measures, after [`sanitize::width_safe`] has replaced the sequences
/// terminals draw at different widths (flags, ZWJ sequences, variation selectors), so that
/// what ratatui thinks a cell holds is what the terminal draws.
pub fn fit(s: &str, width: usize) -> String {
    let s = crate::mail::sanitize::width_safe(s);
    if s.width() <= width {
        return s;
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = g.width();
        if used + w + 1 > width {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Word-wraps one line to `width` display columns; words longer than a line are split
/// between grapheme clusters (never inside a flag or an accented letter).
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let line = crate::mail::sanitize::width_safe(line);
    if line.width() <= width {
        return vec![line];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0;
    for word in line.split_inclusive(' ') {
        let w = word.width();
        let trimmed_w = word.trim_end_matches(' ').width();
        if cur_w + trimmed_w <= width {
            cur.push_str(word);
            cur_w += w;
            continue;
        }
        if !cur.is_empty() {
            out.push(cur.trim_end_matches(' ').to_string());
            cur.clear();
            cur_w = 0;
        }
        if trimmed_w <= width {
            cur.push_str(word);
            cur_w = w;
            continue;
        }
        for g in word.trim_end_matches(' ').graphemes(true) {
            let gw = g.width();
            if cur_w + gw > width && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur.push_str(g);
            cur_w += gw;
        }
        if word.ends_with(' ') && cur_w < width {
            cur.push(' ');
            cur_w += 1;
        }
    }
    let rest = cur.trim_end_matches(' ');
    if !rest.is_empty() || out.is_empty() {
        out.push(rest.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_words_and_splits_long_words() {
        let cases: &[(&str, usize, &[&str])] = &[
            ("hello world", 20, &["hello world"]),
            ("hello world", 5, &["hello", "world"]),
            ("hello   world foo", 8, &["hello", "world", "foo"]),
            ("abcdefghij", 4, &["abcd", "efgh", "ij"]),
            ("", 4, &[""]),
            ("日本語の文章", 4, &["日本", "語の", "文章"]),
            ("a verylongword b", 6, &["a", "verylo", "ngword", "b"]),
        ];
        for (input, w, want) in cases {
            let got = wrap(input, *w);
            assert_eq!(
                got,
                want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{input:?} @ {w}"
            );
            for l in &got {
                assert!(l.width() <= *w, "{l:?} wider than {w}");
            }
        }
    }

    #[test]
    fn fit_and_wrap_measure_graphemes_and_replace_unstable_sequences() {
        use unicode_width::UnicodeWidthChar;
        let cases = [
            "Ship to 🇩🇪🇫🇷🇮🇹 now",
            "Family 👩\u{200d}👩\u{200d}👧\u{200d}👦 photo",
            "I ❤\u{fe0f} it 👋🏽",
            "Jose\u{301} Garci\u{301}a",
            "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉",
            "注文番号１０４２のお届け",
        ];
        for s in cases {
            for width in [1usize, 5, 8, 13, 20, 80] {
                let f = fit(s, width);
                assert!(f.width() <= width, "{f:?} wider than {width}");
                for g in f.graphemes(true) {
                    let by_chars: usize = g.chars().map(|c| c.width().unwrap_or(0)).sum();
                    assert_eq!(g.width(), by_chars, "{g:?} in {f:?}");
                }
                for l in wrap(s, width.max(2)) {
                    assert!(l.width() <= width.max(2), "{l:?} wider than {width}");
                }
            }
        }
        assert_eq!(fit("Ship to 🇩🇪", 20), "Ship to [DE]");
        assert_eq!(fit("Ship to 🇩🇪", 10), "Ship to […");
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }

    #[test]
    fn fit_cuts_with_ellipsis() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("日本語", 4), "日…");
        assert_eq!(fit("abc", 0), "");
    }

    /// Rust source files under `src/<dir>`, recursively.
    fn sources(dir: &str) -> Vec<(std::path::PathBuf, String)> {
        let mut out = Vec::new();
        let mut todo = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(dir)];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(&d).expect("source folder") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    todo.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("source file");
                    out.push((p, text));
                }
            }
        }
        out
    }

    /// Data flows one way: the app never reaches into the drawing, and this module (which
    /// both use) reaches into neither. Comments may name them; code may not.
    #[test]
    fn app_never_imports_ui_and_layout_imports_neither() {
        let code_mentions = |text: &str, what: &[&str]| -> Vec<String> {
            // Tests (which may name modules in strings, as this one does) are left out.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            code.lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .filter(|l| what.iter().any(|w| l.contains(w)))
                .map(str::to_string)
                .collect()
        };
        let app = sources("app");
        assert!(app.len() > 5, "found the app's sources");
        for (path, text) in app {
            let bad = code_mentions(&text, &["crate::ui", "super::ui"]);
            assert!(bad.is_empty(), "{} imports ui: {bad:?}", path.display());
        }
        for (path, text) in sources("layout") {
            let bad = code_mentions(&text, &["crate::ui", "crate::app", "super::super"]);
            assert!(
                bad.is_empty(),
                "{} imports app or ui: {bad:?}",
                path.display()
            );
        }
    }
}
