//! Drawing, purely from [`App`] state: no store calls, no IO. Every string that came from a
//! message passes [`clean`] before it reaches a buffer.

pub mod conversation;
pub mod customer;
pub mod flags;
pub mod help;
pub mod inbox;
pub mod outbox;
pub mod overlay;
pub mod reply;
pub mod rules;
pub mod search;
pub mod stats;
pub mod status;
pub mod theme;

use crate::app::{App, Screen};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::layout::Rect;
use ratatui::Frame;
pub use theme::Theme;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Rows above the inbox list: view tabs, summary line, column header.
const INBOX_CHROME: u16 = 3;
/// Rows above a thread: subject line, who/when line.
const THREAD_CHROME: u16 = 2;
/// The status bar.
const STATUS_ROWS: u16 = 1;

/// Visible inbox rows for a terminal `height` rows tall (shared with the app's paging).
pub fn inbox_list_height(height: u16) -> u16 {
    height.saturating_sub(INBOX_CHROME + STATUS_ROWS)
}

/// Visible thread lines for a terminal `height` rows tall.
pub fn conversation_body_height(height: u16) -> u16 {
    height.saturating_sub(THREAD_CHROME + STATUS_ROWS)
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = Theme::new(app.options.color);
    let main = Rect {
        height: area.height.saturating_sub(STATUS_ROWS),
        ..area
    };
    let bar = Rect {
        y: area.y + main.height,
        height: area.height.min(STATUS_ROWS),
        ..area
    };
    match app.screen() {
        None => inbox::draw(frame, main, app, theme),
        Some(Screen::Conversation(c)) => conversation::draw(frame, main, app, c, theme),
        Some(Screen::Customer(c)) => customer::draw(frame, main, app, c, theme),
        Some(Screen::Templates(p)) => reply::draw_picker(frame, main, app, p, theme),
        Some(Screen::Confirm(c)) => reply::draw_confirm(frame, main, app, c, theme),
        Some(Screen::Stats(s)) => stats::draw(frame, main, app, s, theme),
        Some(Screen::Outbox(s)) => outbox::draw(frame, main, app, s, theme),
        Some(Screen::Rules(s)) => rules::draw(frame, main, app, s, theme),
    }
    status::draw(frame, bar, app, theme);
    overlay::draw(frame, area, app, theme);
}

/// A one-line field from a message (name, subject, address) made safe for a terminal cell:
/// the shared sanitizer (controls, escape sequences, bidi overrides removed; whitespace runs,
/// CR and LF become one space).
pub fn clean(s: &str) -> String {
    crate::mail::sanitize::line(s)
}

/// One line of message body text made safe for a terminal cell, keeping its spacing:
/// indentation and runs of spaces (tables, aligned lists) survive, tabs are expanded to the
/// next tab stop, controls and escape sequences are removed as in [`clean`].
pub fn clean_text(s: &str) -> String {
    crate::mail::sanitize::body(s).replace('\n', " ")
}

/// A received time, short: "09:12" today, "Mon 09:12" within the week, "12 Nov" this year,
/// "12 Nov 2025" before.
pub fn short_time(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    crate::human_time::received(at, now, tz)
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

    #[test]
    fn short_times_in_shop_zone() {
        let tz = chrono_tz::Europe::Berlin;
        let now = DateTime::parse_from_rfc3339("2026-11-19T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(short_time(t("2026-11-19T08:12:00Z"), now, tz), "09:12");
        assert_eq!(short_time(t("2026-11-16T08:12:00Z"), now, tz), "Mon 09:12");
        assert_eq!(short_time(t("2026-10-02T08:12:00Z"), now, tz), "2 Oct");
        assert_eq!(short_time(t("2025-10-02T08:12:00Z"), now, tz), "2 Oct 2025");
        // 23:30 UTC on the 18th is already the 19th in Berlin.
        assert_eq!(short_time(t("2026-11-18T23:30:00Z"), now, tz), "00:30");
    }

    #[test]
    fn clean_strips_controls_and_keeps_tabs_as_spaces() {
        let hostile = "a\tb\u{1b}[31mred\u{9b}x\u{202e}y\rz";
        for s in [clean(hostile), clean_text(hostile)] {
            assert!(
                s.chars().all(|c| !c.is_control() && c != '\u{202e}'),
                "{s:?}"
            );
        }
        assert!(clean(hostile).starts_with("a b"));
        // Body text keeps its layout: tab stops of 4, indentation, runs of spaces.
        assert!(
            clean_text(hostile).starts_with("a   b"),
            "{:?}",
            clean_text(hostile)
        );
        assert_eq!(clean_text("  Item   Qty"), "  Item   Qty");
        assert_eq!(clean_text("\tindented"), "    indented");
    }
}
