//! The outbox screen: one line per unsent reply (state, when, to, subject), the selected
//! reply's error, and its text on request.

use super::{clean, fit, theme::Theme};
use crate::app::outbox::OutboxScreen;
use crate::app::{App, Command};
use crate::send::outbox::OutboxState;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &OutboxScreen, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let w = usize::from(area.width);
    let km = &app.options.keymap;
    let found = super::find::marker(app, theme);
    let tz = app.data.calendar().tz;
    let mut lines: Vec<Line> = vec![Line::styled(
        fit(
            &format!(
                "Outbox · {} not sent · {} text · {} edit · {} retry/resend · {} settle as sent · {} discard · {} back",
                s.entries.len(),
                km.hint(Command::Open),
                km.hint(Command::OpenEditor),
                km.hint(Command::Send),
                km.hint(Command::MarkAnswered),
                km.hint(Command::DeleteNote),
                km.hint(Command::Back),
            ),
            w,
        ),
        theme.title(),
    )];
    if s.entries.is_empty() {
        lines.push(Line::raw("Every reply has been sent."));
    }
    for (i, e) in s.entries.iter().enumerate() {
        let state = match e.state {
            OutboxState::Queued if e.retry_at.is_some_and(|at| at > app.now) => "waiting",
            st => st.as_str(),
        };
        let text = format!(
            "{} {:>4} {:<9} {} {} · {}",
            if i == s.selected { "›" } else { " " },
            e.id,
            state,
            crate::human_time::day_time(e.updated_at, app.now, tz),
            clean(&e.to_addr),
            clean(&e.subject)
        );
        let text = fit(&text, w);
        let line = if i == s.selected {
            Line::styled(text, theme.selected())
        } else {
            Line::raw(text)
        };
        lines.push(match &found {
            Some(m) => m.line(line, None),
            None => line,
        });
    }
    if let Some(e) = s.selected_entry() {
        lines.push(Line::raw(""));
        if let Some(err) = &e.last_error {
            lines.push(Line::raw(fit(&format!("Error: {}", clean(err)), w)));
        }
        let queued = crate::send::cli::goes_out(e, app.now, tz);
        let next = match e.state {
            OutboxState::Queued => queued.as_deref().unwrap_or("waits to be sent"),
            OutboxState::Sending => "is being sent right now",
            OutboxState::Failed => "was refused by the server; retry it, or discard it",
            OutboxState::Uncertain => {
                "may or may not have arrived: resend it, or settle it as sent"
            }
            OutboxState::Sent => "is sent",
        };
        lines.push(Line::raw(fit(
            &format!("Reply {} {next} ({} attempts).", e.id, e.attempts),
            w,
        )));
        if let Some(text) = &s.text {
            lines.push(Line::raw(""));
            for l in text.lines() {
                lines.push(Line::raw(fit(&super::clean_text(l), w)));
            }
        }
    }
    lines.truncate(usize::from(area.height));
    frame.render_widget(Paragraph::new(lines), area);
}
