//! The customer panel: who this is, first contact, orders mentioned, every conversation with
//! them, the orders the shop platform reported, and the owner's notes (warnings in red).

use super::inbox::{badge, urgency, urgency_style};
use super::{clean, fit, short_time, Theme};
use crate::app::{App, CustomerFocus, CustomerScreen};
use crate::layout::customer::first_visible;
use ratatui::layout::Rect;
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
            crate::human_time::day(t, app.now, cal.tz)
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
    let mut line = format!(
        "{first} · {n} conversation{} · {orders}",
        if n == 1 { "" } else { "s" }
    );
    // The customer's value at a glance: orders, since when, what they spent.
    let value = crate::outreach::value::CustomerValue::of(&info.orders);
    if let Some(since) = value.first_order {
        line = format!(
            "{} order{} since {}{} · {line}",
            value.orders,
            if value.orders == 1 { "" } else { "s" },
            crate::human_time::day(since, app.now, cal.tz),
            match value.spent_text() {
                s if s.is_empty() => String::new(),
                s => format!(", {} spent", clean(&s)),
            }
        );
    }
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&line, w), theme.dim())),
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
    );
    // The parts' rows come from the layout module, which the mouse hit-test reads too.
    let rows = crate::layout::customer::customer_rows(area.height, info.orders.len());
    let part = |s: crate::layout::customer::Section| Rect {
        y: area.y + s.top,
        height: s.height,
        ..area
    };
    let (convs, orders_area, notes) = (
        part(rows.conversations),
        part(rows.orders),
        part(rows.notes),
    );

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
    let start = first_visible(c.conversations_top, c.selected_conversation, visible);
    let iw = usize::from(inner.width);
    let found = super::find::marker(app, theme);
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
        let text = format!("{:<14} {:>9}  ", fit(&b, 14), fit(&when, 9));
        let mut style = urgency_style(urgency(r, app.now, cal), theme);
        if c.focus == CustomerFocus::Conversations && i == c.selected_conversation {
            style = style.patch(theme.selected());
        }
        let flag = super::flags::badge(&r.flags)
            .map(|f| format!("{f} "))
            .unwrap_or_default();
        let subject = fit(
            &clean(&r.subject),
            iw.saturating_sub(text.chars().count() + flag.chars().count()),
        );
        let line = Line::from(vec![
            Span::styled(text, style),
            Span::styled(flag, theme.error().patch(style)),
            Span::styled(subject, style),
        ]);
        lines.push(match &found {
            Some(m) if c.focus == CustomerFocus::Conversations => m.line(line, None),
            _ => line,
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);

    if orders_area.height > 0 {
        let block = Block::new().borders(Borders::TOP).title(Span::styled(
            format!(" Orders ({}) ", info.orders.len()),
            theme.dim(),
        ));
        let inner = block.inner(orders_area);
        frame.render_widget(block, orders_area);
        let lines: Vec<Line> = info
            .orders
            .iter()
            .take(usize::from(inner.height))
            .map(|o| {
                let text = format!(
                    "{:<9} {:>9}  {:<11} {}",
                    fit(&format!("#{}", clean(&o.number)), 9),
                    short_time(o.placed_at, app.now, cal.tz),
                    fit(&clean(o.total.as_deref().unwrap_or("")), 11),
                    clean(&o.items.join(", "))
                );
                Line::styled(fit(&text, iw), theme.normal())
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    let block = Block::new().borders(Borders::TOP).title(Span::styled(
        format!(" Notes ({}) ", info.notes.len()),
        focus_style(CustomerFocus::Notes),
    ));
    let inner = block.inner(notes);
    frame.render_widget(block, notes);
    let mut lines = Vec::new();
    if info.notes.is_empty() {
        lines.push(Line::styled(
            fit(
                &format!(
                    "No notes yet. {} adds one.",
                    app.options.keymap.hint(crate::app::Command::AddNote)
                ),
                iw,
            ),
            theme.dim(),
        ));
    }
    let visible = usize::from(inner.height);
    let start = first_visible(c.notes_top, c.selected_note, visible);
    for (i, note) in info.notes.iter().enumerate().skip(start).take(visible) {
        let date = crate::human_time::day(note.updated_at, app.now, cal.tz);
        let mark = if note.warning { "⚠ " } else { "" };
        let text = format!("{date}  {mark}{}", clean(&note.text));
        let base = if note.warning {
            theme.error()
        } else {
            theme.normal()
        };
        let style = if c.focus == CustomerFocus::Notes && i == c.selected_note {
            base.patch(theme.selected())
        } else {
            base
        };
        let line = Line::styled(fit(&text, iw), style);
        lines.push(match &found {
            Some(m) if c.focus == CustomerFocus::Notes => m.line(line, None),
            _ => line,
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
