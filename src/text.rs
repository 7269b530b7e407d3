//! Text shaping shared by the screen, the plain-text reports and the error messages: cutting
//! to a width, word-wrapping, and "did you mean" suggestions. It sits low (it needs only
//! `mail::sanitize`) so that `layout`, `review` and `template` all use it without importing
//! one another.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cuts `s` to `width` display columns, marking the cut with "…". Measured by grapheme
/// cluster, as ratatui measures, after [`crate::mail::sanitize::width_safe`] has replaced the sequences
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

/// The candidate nearest to `word` (case-insensitive edit distance through `strsim`, a swap of
/// two neighbouring letters counting as one edit), if it is at most `max_edits` away: near
/// enough to be a typo rather than a different word. Ties go to the earlier candidate.
pub fn closest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    max_edits: usize,
) -> Option<&'c str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= max_edits)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
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

    #[test]
    fn closest_finds_typos_and_ignores_other_words() {
        let keys = ["name", "first_name", "order", "due"];
        assert_eq!(closest("nmae", keys, 3), Some("name"), "a swap is one edit");
        assert_eq!(closest("First_Nam", keys, 3), Some("first_name"));
        assert_eq!(closest("ordr", keys, 1), Some("order"));
        assert_eq!(closest("invoice", keys, 3), None);
        assert_eq!(closest("dew", keys, 0), None);
    }
}
