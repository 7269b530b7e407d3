//! The quit question ("Send 1 reply now / keep it queued / go back") and the line shown while
//! those replies are being sent before the inbox closes.

use super::{fit, Theme};
use crate::app::quit::{capitalize, choice_label, replies, QuitState, QUIT_CHOICES, QUIT_WAIT};
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(state) = &app.quit.state else { return };
    let n = state.count();
    let mut lines: Vec<String> = Vec::new();
    let mut selected_line = None;
    let title = match state {
        QuitState::Asking { selected, .. } => {
            lines.push(format!(
                "{} not sent yet (inside the undo window).",
                capitalize(&replies(n))
            ));
            lines.push(String::new());
            for (i, c) in QUIT_CHOICES.iter().enumerate() {
                if i == *selected {
                    selected_line = Some(lines.len());
                }
                lines.push(choice_label(*c, n));
            }
            lines.push(String::new());
            lines.push("Enter takes the highlighted choice.".to_string());
            "Quit shopinbox?"
        }
        QuitState::Sending { .. } => {
            lines.push(format!("Sending {}…", replies(n)));
            lines.push(format!(
                "shopinbox closes when {} sent (at most {} s); Ctrl-C stops waiting.",
                if n == 1 { "it is" } else { "they are" },
                QUIT_WAIT.as_secs()
            ));
            "Closing"
        }
    };
    let want = lines
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(l.as_str()))
        .max()
        .unwrap_or(0) as u16
        + 4;
    let w = want.min(area.width);
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, r);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let text = format!(" {}", fit(&l, width.saturating_sub(1)));
            if Some(i) == selected_line {
                Line::styled(text, theme.selected())
            } else {
                Line::styled(text, theme.normal())
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
