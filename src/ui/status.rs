//! The status bar: the last message (or the sync state as a sentence) on the left, the
//! outbox queue and the help key on the right.

use super::{fit, Theme};
use crate::app::{App, Command};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn right_text(app: &App) -> String {
    let help = app.options.keymap.hint(Command::Help);
    let mut parts = Vec::new();
    if app.outbox_pending > 0 {
        parts.push(format!("outbox {}", app.outbox_pending));
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
            let failed = matches!(app.sync, crate::app::SyncStatus::Failed { .. });
            // A flagged row or conversation explains itself here (a failed sync says so first).
            let flags = match app.screen() {
                None => app.inbox.selected_row().map(|r| r.flags.as_slice()),
                Some(crate::app::Screen::Conversation(c)) => Some(c.row.flags.as_slice()),
                Some(_) => None,
            };
            let flagged = flags.and_then(|f| super::flags::reason_line(f, usize::MAX));
            match flagged {
                Some(reason) if !failed => (reason, true),
                _ => match (&app.sync, app.last_sync) {
                    // Offline: say since when the list is current.
                    (crate::app::SyncStatus::Offline { reason }, Some(t)) => (
                        format!(
                            "Offline, list as of {}: {reason}",
                            super::short_time(t, app.now, app.data.calendar().tz)
                        ),
                        false,
                    ),
                    _ => (app.sync.sentence(), failed),
                },
            }
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let w = usize::from(area.width);
    let right = right_text(app);
    let (left, error) = left_text(app);
    let room = w.saturating_sub(right.width() + 2);
    let left = fit(&left, room);
    let pad = w.saturating_sub(left.width() + right.width() + 2);
    let style = if error {
        theme.error().patch(theme.status_bar())
    } else {
        theme.status_bar()
    };
    let line = Line::from(vec![
        Span::styled(format!(" {left}"), style),
        Span::styled(" ".repeat(pad), theme.status_bar()),
        Span::styled(format!("{right} "), theme.status_bar()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}
