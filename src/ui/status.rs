//! The status bar: the last message (or the sync state as a sentence) on the left, the
//! outbox queue and the help key on the right.

use super::{fit, wrap, Theme};
use crate::app::{App, Command};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn right_text(app: &App) -> String {
    right_parts(app, true)
}

/// The right side; `demo` adds the demo label (left out when the left side needs the room:
/// a warning's reason matters more than a reminder of what the screen already says).
fn right_parts(app: &App, demo: bool) -> String {
    let help = app.options.keymap.hint(Command::Help);
    let mut parts = Vec::new();
    if app.screen().is_none() && !app.selection.is_empty() {
        parts.push(format!("{} selected", app.selection.count(&app.inbox)));
    }
    if demo && app.options.demo {
        parts.push(super::inbox::DEMO_LABEL.to_string());
    }
    if app.worker.outbox_pending > 0 {
        parts.push(format!("outbox {}", app.worker.outbox_pending));
    }
    if !help.is_empty() {
        parts.push(format!("{help} help"));
    }
    parts.join(" · ")
}

pub fn left_text(app: &App) -> (String, bool) {
    match &app.status {
        Some(m) => (m.text.clone(), m.error),
        None => {
            let failed = matches!(
                app.worker.sync,
                crate::app::SyncStatus::Failed { .. } | crate::app::SyncStatus::Refused { .. }
            );
            // A flagged row or conversation explains itself here (a failed sync says so first).
            let flags = match app.screen() {
                None => app.inbox.selected_row().map(|r| r.flags.as_slice()),
                Some(crate::app::Screen::Conversation(c)) => Some(c.row.flags.as_slice()),
                Some(_) => None,
            };
            let flagged = flags.and_then(|f| super::flags::reason_line(f, usize::MAX));
            match flagged {
                Some(reason) if !failed => (reason, true),
                _ => match (&app.worker.sync, app.worker.last_sync) {
                    // Offline: say since when the list is current.
                    (crate::app::SyncStatus::Offline { reason }, Some(t)) => (
                        format!(
                            "Offline, list as of {}: {reason}",
                            super::short_time(t, app.now, app.data.calendar().tz)
                        ),
                        false,
                    ),
                    _ => (app.worker.sync.sentence(), failed),
                },
            }
        }
    }
}

/// Most rows a status message may take. A sentence that does not fit one row is never cut:
/// the bar grows upwards over the screen's last rows until the next message replaces it.
pub const MAX_ROWS: u16 = 4;

/// The status text laid out for a bar `width` columns wide: one row when it fits beside the
/// right-hand text, else wrapped over up to `max_rows` rows (the right-hand text stays on the
/// last row); only a message longer than all of them ends in "…". Pure.
pub fn layout(left: &str, right: &str, width: usize, max_rows: usize) -> Vec<String> {
    // One space of margin on either side, and one between the two texts.
    let room = width.saturating_sub(right.width() + 3);
    if left.width() <= room || max_rows <= 1 {
        return vec![fit(left, room)];
    }
    let mut rows = wrap(left, room.max(1));
    if rows.len() > max_rows {
        let rest = rows.split_off(max_rows - 1).join(" ");
        rows.push(fit(&rest, room));
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 || super::find::draw_prompt(frame, area, app, theme) {
        return;
    }
    let w = usize::from(area.width);
    let (left, error) = left_text(app);
    let mut right = right_text(app);
    if left.width() + right.width() + 2 > w {
        right = right_parts(app, false);
    }
    // A message grows upwards, never past the top row of the terminal. It lasts until the
    // next key, so covering the screen's last rows is brief; a flagged row's standing reason
    // stays on one row (the full reason is above the thread) so the list never loses rows.
    // Sync trouble (offline, a refused password) is never cut either: it says what to do.
    let trouble = matches!(
        app.worker.sync,
        crate::app::SyncStatus::Offline { .. }
            | crate::app::SyncStatus::Failed { .. }
            | crate::app::SyncStatus::Refused { .. }
    );
    let max_rows = if app.status.is_some() || trouble {
        usize::from(MAX_ROWS.min(area.y + 1))
    } else {
        1
    };
    let rows = layout(&left, &right, w, max_rows);
    let n = u16::try_from(rows.len()).unwrap_or(1);
    let style = if error {
        theme.error().patch(theme.status_bar())
    } else {
        theme.status_bar()
    };
    let last = rows.len() - 1;
    let lines: Vec<Line> = rows
        .into_iter()
        .enumerate()
        .map(|(i, left)| {
            let right = if i == last { right.as_str() } else { "" };
            let pad = w.saturating_sub(left.width() + right.width() + 2);
            Line::from(vec![
                Span::styled(format!(" {left}"), style),
                Span::styled(" ".repeat(pad), theme.status_bar()),
                Span::styled(format!("{right} "), theme.status_bar()),
            ])
        })
        .collect();
    let bar = Rect {
        y: area.y + 1 - n,
        height: n,
        ..area
    };
    frame.render_widget(Clear, bar);
    frame.render_widget(Paragraph::new(lines), bar);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_wrap_instead_of_being_cut() {
        let long = "Sending is off: the config has no [smtp] section; add one (see config.example.toml) and start shopinbox again.";
        for (text, width, max, want_rows) in [
            ("Synced 08:02.", 80, 4, 1),
            (long, 200, 4, 1),
            (long, 80, 4, 2),
            (long, 40, 4, 4),
            (long, 40, 1, 1),
        ] {
            let rows = layout(text, "? help", width, max);
            assert_eq!(rows.len(), want_rows, "{width}: {rows:?}");
            for r in &rows {
                assert!(
                    r.width() + "? help".len() + 3 <= width,
                    "{r:?} fits {width}"
                );
            }
            if rows.len() > 1 && !rows.last().unwrap().ends_with('…') {
                // Every word of the message is on the screen.
                let shown = rows.join(" ");
                for word in text.split_whitespace() {
                    assert!(shown.contains(word), "{word} in {shown}");
                }
            }
        }
        // More than the rows allow: the last row says it was cut.
        assert!(layout(long, "? help", 30, 2)[1].ends_with('…'));
    }
}
