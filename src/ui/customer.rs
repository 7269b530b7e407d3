//! The customer panel: who this is, first contact, orders mentioned, every conversation with
//! them, and the owner's notes.

use super::inbox::{badge, urgency, urgency_style};
use super::{clean, fit, short_time, Theme};
use crate::app::{App, CustomerFocus, CustomerScreen};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, c: &CustomerScreen, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let cal = app.data.calendar();
    let w = usize::from(area.width);
    let info = &c.info;
    let name = info
        .first_name_override
        .as_deref()
        .or(info.name.as_deref())
        .map(clean)
        .filter(|n| !n.trim().is_empty());
    let addr = clean(&info.addr);
    let title = match name {
        Some(n) => format!("{n} <{addr}>"),
        None => addr,
    };
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&title, w), theme.title())),
        Rect { height: 1, ..area },
    );
    if area.height < 2 {
        return;
    }
    let first = match info.first_contact {
        Some(t) => format!(
            "first contact {}",
            t.with_timezone(&cal.tz).format("%-d %b %Y")
        ),
        None => "no mail yet".to_string(),
    };
    let orders = if info.orders_mentioned.is_empty() {
        "no orders mentioned".to_string()
    } else {
        let list: Vec<String> = info.orders_mentioned.iter().map(|o| clean(o)).collect();
        format!(
            "{} order{} mentioned: {}",
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            list.join(", ")
        )
    };
    let n = info.conversations.len();
    let line = format!(
        "{first} · {n} conversation{} · {orders}",
        if n == 1 { "" } else { "s" }
    );
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&line, w), theme.dim())),
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
    );
    let rest = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(2),
        ..area
    };
    let notes_h = (rest.height / 3).clamp(3.min(rest.height), 8);
    let [convs, notes] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(notes_h)]).areas(rest);

    let focus_style = |f: CustomerFocus| {
        if c.focus == f {
            theme.title()
        } else {
            theme.dim()
        }
    };
    let block = Block::new().borders(Borders::TOP).title(Span::styled(
        " Conversations ",
        focus_style(CustomerFocus::Conversations),
    ));
    let inner = block.inner(convs);
    frame.render_widget(block, convs);
    let visible = usize::from(inner.height);
    let start = c
        .selected_conversation
        .saturating_sub(visible.saturating_sub(1));
    let iw = usize::from(inner.width);
    let mut lines = Vec::new();
    for (i, r) in info
        .conversations
        .iter()
        .enumerate()
        .skip(start)
        .take(visible)
    {
        let b = badge(r, app.now, cal);
        let when = short_time(r.last_at, app.now, cal.tz);
        let text = format!(
            "{:<14} {:>9}  {}",
            fit(&b, 14),
            fit(&when, 9),
            clean(&r.subject)
        );
        let mut style = urgency_style(urgency(r, app.now, cal), theme);
        if c.focus == CustomerFocus::Conversations && i == c.selected_conversation {
            style = style.patch(theme.selected());
        }
        lines.push(Line::styled(fit(&text, iw), style));
    }
    frame.render_widget(Paragraph::new(lines), inner);

    let block = Block::new().borders(Borders::TOP).title(Span::styled(
        format!(" Notes ({}) ", info.notes.len()),
        focus_style(CustomerFocus::Notes),
    ));
    let inner = block.inner(notes);
    frame.render_widget(block, notes);
    let mut lines = Vec::new();
    if info.notes.is_empty() {
        lines.push(Line::styled(
            fit("No notes yet. n adds one.", iw),
            theme.dim(),
        ));
    }
    let visible = usize::from(inner.height);
    let start = c.selected_note.saturating_sub(visible.saturating_sub(1));
    for (i, note) in info.notes.iter().enumerate().skip(start).take(visible) {
        let date = note.updated_at.with_timezone(&cal.tz).format("%-d %b");
        let text = format!("{date}  {}", clean(&note.text));
        let style = if c.focus == CustomerFocus::Notes && i == c.selected_note {
            theme.selected()
        } else {
            theme.normal()
        };
        lines.push(Line::styled(fit(&text, iw), style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
