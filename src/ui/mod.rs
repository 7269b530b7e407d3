//! Drawing, purely from [`App`] state: no store calls, no IO. Every string that came from a
//! message passes [`clean`] before it reaches a buffer.

pub mod campaign_form;
pub mod conversation;
pub mod customer;
pub mod find;
pub mod flags;
pub mod help;
pub mod images;
pub mod inbox;
pub mod outbox;
pub mod outreach;
pub mod overlay;
pub mod quit;
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

use crate::layout::STATUS_ROWS;
pub use crate::layout::{conversation_body_height, fit, inbox_list_height, wrap};

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
        Some(Screen::Outreach(s)) => outreach::draw(frame, main, app, s, theme),
    }
    status::draw(frame, bar, app, theme);
    overlay::draw(frame, area, app, theme);
    quit::draw(frame, area, app, theme);
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

#[cfg(test)]
mod tests {
    use super::*;

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
