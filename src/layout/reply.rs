//! The reply screens' text laid out as lines (picker preview, confirm body) and their
//! viewport sizes, shared by the drawing and the app's scrolling so both agree on line counts.

use super::thread::{classify_body, BodyKind};
use super::wrap;
use crate::mail::sanitize;
use crate::send::flow::{self, Draft};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

fn clean(s: &str) -> String {
    sanitize::line(s)
}

fn clean_text(s: &str) -> String {
    sanitize::body(s).replace('\n', " ")
}

/// Rows of the picker outside the preview text: title, hint, status bar, two borders.
const PICKER_CHROME: u16 = 5;
/// Rows of the confirm screen outside the body: title, From, To, Subject, template line,
/// rule, hint, status bar.
const CONFIRM_CHROME: u16 = 8;

/// Visible preview lines in a terminal `height` rows tall.
pub fn preview_height(height: u16) -> u16 {
    height.saturating_sub(PICKER_CHROME)
}

/// Visible body lines of the confirm screen.
pub fn confirm_body_height(height: u16) -> u16 {
    height.saturating_sub(CONFIRM_CHROME)
}

/// Width of the template list (with its border).
pub fn list_width(width: u16) -> u16 {
    (width / 3).clamp(18, 32).min(width)
}

/// Text columns inside the preview box.
pub fn preview_width(width: u16) -> u16 {
    width.saturating_sub(list_width(width) + 2)
}

/// What a laid-out line is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Header,
    Text,
    Quote,
    Error,
}

/// The reply text wrapped to `width`, quoted original and signature marked as such. Every
/// line is cleaned: the quote and the names came from a customer's message.
pub fn body_lines(text: &str, width: u16) -> Vec<(TextKind, String)> {
    let width = usize::from(width.max(1));
    let mut out = Vec::new();
    for (kind, line) in classify_body(text) {
        let k = match kind {
            BodyKind::Text => TextKind::Text,
            BodyKind::Quote | BodyKind::Signature => TextKind::Quote,
        };
        for w in wrap(&clean_text(line), width) {
            out.push((k, w));
        }
    }
    out
}

/// The follow-up line; its date shows the year when that is not the current one at `now`
/// (a follow-up set in late December may fall in January). A promise is in Needs reply from
/// the start of its day (issue 21), not only once its time has come: today's is there at once.
fn follow_up_words(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let when = if at.with_timezone(&tz).date_naive() <= now.with_timezone(&tz).date_naive() {
        "today"
    } else {
        "from that day"
    };
    format!(
        "Follow-up: {} (in Needs reply {when})",
        crate::human_time::moment(at, now, tz)
    )
}

/// The preview of one template: subject, follow-up, then the full reply with the quote.
pub fn preview_lines(
    draft: &Result<Draft, String>,
    terminal_width: u16,
    now: DateTime<Utc>,
    tz: Tz,
) -> Vec<(TextKind, String)> {
    let width = preview_width(terminal_width).max(1);
    let w = usize::from(width);
    let mut out = Vec::new();
    match draft {
        Ok(d) => {
            let subject = flow::sent_subject(d);
            for l in wrap(&format!("Subject: {}", clean(&subject)), w) {
                out.push((TextKind::Header, l));
            }
            if let Some(at) = d.follow_up_at {
                for l in wrap(&follow_up_words(at, now, tz), w) {
                    out.push((TextKind::Header, l));
                }
            }
            out.push((TextKind::Text, String::new()));
            out.extend(body_lines(&d.text, width));
        }
        Err(e) => {
            for l in wrap(&clean(e), w) {
                out.push((TextKind::Error, l));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_up_shows_the_year_only_when_it_is_another_one() {
        let berlin = chrono_tz::Europe::Berlin;
        let now: DateTime<Utc> = "2026-12-29T15:00:00Z".parse().unwrap();
        for (at, want) in [
            (
                "2026-12-31T08:00:00Z",
                "Follow-up: Thu 31 Dec 09:00 (in Needs reply from that day)",
            ),
            (
                "2027-01-04T08:00:00Z",
                "Follow-up: Mon 4 Jan 2027 09:00 (in Needs reply from that day)",
            ),
            // The same day: in Needs reply from the moment the reply goes out.
            (
                "2026-12-29T16:00:00Z",
                "Follow-up: Tue 29 Dec 17:00 (in Needs reply today)",
            ),
            // Just after midnight Berlin time (still the 29th in UTC): tomorrow, not today.
            (
                "2026-12-29T23:30:00Z",
                "Follow-up: Wed 30 Dec 00:30 (in Needs reply from that day)",
            ),
        ] {
            assert_eq!(follow_up_words(at.parse().unwrap(), now, berlin), want);
        }
    }
}
