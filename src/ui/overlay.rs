//! Boxes drawn over the current screen: help, search, the not-a-customer and snooze menus,
//! and the note editor. Text boxes place the terminal cursor.

use super::{fit, help, search, Theme};
use crate::app::{App, LineEditor, Overlay};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// A box `w`x`h` centred in `area`, shrunk to fit.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn boxed(frame: &mut Frame, r: Rect, title: &str, theme: Theme) -> Rect {
    frame.render_widget(Clear, r);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

fn menu_line(i: usize, selected: usize, text: String, theme: Theme, width: u16) -> Line<'static> {
    let style = if i == selected {
        theme.selected()
    } else {
        theme.normal()
    };
    Line::styled(fit(&text, usize::from(width)), style)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(overlay) = &app.overlay else { return };
    match overlay {
        Overlay::Help { scroll } => {
            // Wide enough for keys, config name and description on one line where the
            // terminal allows; narrower boxes wrap the descriptions.
            let w = crate::app::help::box_width(area.width);
            let r = centered(area, w, area.height.saturating_sub(2).max(3));
            let inner = boxed(frame, r, "Keys (Esc closes)", theme);
            let lines = help::lines(&app.options.keymap, inner.width, theme);
            let max = lines.len().saturating_sub(usize::from(inner.height));
            let scroll = (*scroll).min(max);
            let found = super::find::marker(app, theme);
            let visible: Vec<Line> = lines
                .into_iter()
                .enumerate()
                .skip(scroll)
                .take(usize::from(inner.height))
                .map(|(i, l)| match &found {
                    Some(m) => m.line(l, Some(i)),
                    None => l,
                })
                .collect();
            frame.render_widget(Paragraph::new(visible), inner);
        }
        Overlay::Messages { scroll } => {
            let w = crate::app::help::box_width(area.width);
            let r = centered(area, w, area.height.saturating_sub(2).max(3));
            let inner = boxed(frame, r, "Messages, newest first (Esc closes)", theme);
            let lines = message_lines(app, inner.width, theme);
            let max = lines.len().saturating_sub(usize::from(inner.height));
            let visible: Vec<Line> = lines
                .into_iter()
                .skip((*scroll).min(max))
                .take(usize::from(inner.height))
                .collect();
            frame.render_widget(Paragraph::new(visible), inner);
        }
        Overlay::Search(s) => {
            // Narrow terminals give the search box the full width.
            let w = if area.width < 80 {
                area.width
            } else {
                area.width - 4
            };
            let r = centered(area, w, area.height.saturating_sub(2).max(3));
            let inner = boxed(frame, r, "Search", theme);
            let lines = search::lines(app, s, inner.width, theme);
            // Keep the query line; scroll the hits so the selection stays visible.
            let h = usize::from(inner.height);
            let skip = (search::selected_line(s) + 2).saturating_sub(h);
            let mut visible: Vec<Line> = lines.iter().take(1).cloned().collect();
            visible.extend(lines.into_iter().skip(1 + skip).take(h.saturating_sub(1)));
            frame.render_widget(Paragraph::new(visible), inner);
            if inner.height > 0 {
                let x = inner
                    .x
                    .saturating_add(2)
                    .saturating_add(s.input.cursor_column());
                frame.set_cursor_position(Position {
                    x: x.min(inner.right().saturating_sub(1)),
                    y: inner.y,
                });
            }
        }
        Overlay::NotCustomer { choices, selected } => {
            let r = centered(area, 60, u16::try_from(choices.len()).unwrap_or(3) + 4);
            let inner = boxed(frame, r, "Not a customer", theme);
            let mut lines = vec![Line::styled("Keep out of the deadlines:", theme.dim())];
            for (i, c) in choices.iter().enumerate() {
                lines.push(menu_line(
                    i,
                    *selected,
                    format!("{} {}", i + 1, c.label),
                    theme,
                    inner.width,
                ));
            }
            lines.push(Line::styled(
                "Enter chooses · Esc cancels · u undoes later",
                theme.dim(),
            ));
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Overlay::Snooze(m) => {
            let r = centered(area, 60, u16::try_from(m.presets.len()).unwrap_or(3) + 5);
            let title = if m.bulk.is_empty() {
                "Snooze until".to_string()
            } else {
                format!("Snooze {} conversations until", m.bulk.len())
            };
            let inner = boxed(frame, r, &title, theme);
            let tz = app.data.calendar().tz;
            let mut lines = Vec::new();
            for (i, (label, at)) in m.presets.iter().enumerate() {
                let text = format!(
                    "{label:<20} {}",
                    crate::human_time::moment(*at, app.now, tz)
                );
                lines.push(menu_line(i, m.selected, text, theme, inner.width));
            }
            let typed_i = m.presets.len();
            let typed = if m.typed.is_empty() && m.selected != typed_i {
                "other: j here, then type e.g. 2026-11-25 14:00".to_string()
            } else {
                format!("other: {}", m.typed.text())
            };
            lines.push(menu_line(typed_i, m.selected, typed, theme, inner.width));
            match &m.error {
                Some(e) => lines.push(Line::styled(
                    fit(e, usize::from(inner.width)),
                    theme.error(),
                )),
                None => lines.push(Line::styled(
                    "j/k move · Enter snoozes · Esc cancels",
                    theme.dim(),
                )),
            }
            frame.render_widget(Paragraph::new(lines), inner);
            if m.selected == typed_i && inner.height > u16::try_from(typed_i).unwrap_or(u16::MAX) {
                let x = inner
                    .x
                    .saturating_add(7)
                    .saturating_add(m.typed.cursor_column());
                let y = inner.y + u16::try_from(typed_i).unwrap_or(0);
                frame.set_cursor_position(Position {
                    x: x.min(inner.right().saturating_sub(1)),
                    y,
                });
            }
        }
        Overlay::Note(n) => {
            let title = match (n.note_id.is_some(), n.warning) {
                (true, false) => "Edit note",
                (false, false) => "New note",
                (true, true) => "Edit note · ⚠ WARNING",
                (false, true) => "New note · ⚠ WARNING",
            };
            let inner = boxed(frame, centered(area, 70, 5), title, theme);
            line_input(
                frame,
                inner,
                &n.input,
                "Enter saves · Esc cancels · ↑↓ warning · empty deletes",
                theme,
            );
        }
        Overlay::FirstName(n) => {
            let title = format!("First name for {}", crate::ui::clean(&n.customer_addr));
            let inner = boxed(frame, centered(area, 70, 5), &title, theme);
            line_input(
                frame,
                inner,
                &n.input,
                "Replies greet the customer with this name · empty Enter: guess again",
                theme,
            );
        }
        Overlay::Nested {
            title,
            lines,
            scroll,
        } => {
            let w = crate::app::help::box_width(area.width);
            let r = centered(area, w, area.height.saturating_sub(2).max(3));
            let inner = boxed(frame, r, &format!("{} (Esc closes)", fit(title, 60)), theme);
            let width = usize::from(inner.width);
            let wrapped: Vec<String> = lines
                .iter()
                .flat_map(|l| crate::layout::wrap(&crate::ui::clean(l), width))
                .collect();
            let max = wrapped.len().saturating_sub(usize::from(inner.height));
            let visible: Vec<Line> = wrapped
                .into_iter()
                .skip((*scroll).min(max))
                .take(usize::from(inner.height))
                .map(Line::raw)
                .collect();
            frame.render_widget(Paragraph::new(visible), inner);
        }
        Overlay::NewCampaign(f) => {
            let r = centered(area, 96, area.height.saturating_sub(2).max(3));
            let inner = boxed(frame, r, "New campaign", theme);
            super::campaign_form::draw(frame, inner, f, theme);
        }
        Overlay::AttachFile(p) => {
            let h = area.height.saturating_sub(4).clamp(5, 20);
            let inner = boxed(frame, centered(area, 76, h), "Attach a file", theme);
            line_input(
                frame,
                inner,
                &p.input,
                "Tab completes · ↑↓ pick · Enter opens a folder or attaches · Esc cancels",
                theme,
            );
            let list = Rect {
                y: inner.y + 3,
                height: inner.height.saturating_sub(3),
                ..inner
            };
            let rows = usize::from(list.height);
            let skip = p.selected.map_or(0, |s| (s + 1).saturating_sub(rows));
            let lines: Vec<Line> = p
                .entries
                .iter()
                .enumerate()
                .skip(skip)
                .take(rows)
                .map(|(i, e)| {
                    menu_line(
                        i,
                        p.selected.unwrap_or(usize::MAX),
                        crate::ui::clean(e),
                        theme,
                        list.width,
                    )
                })
                .collect();
            frame.render_widget(Paragraph::new(lines), list);
        }
    }
}

/// A one-line editor with a hint under it and the cursor placed; a long text scrolls so that
/// the cursor stays visible.
fn line_input(frame: &mut Frame, inner: Rect, input: &LineEditor, hint: &str, theme: Theme) {
    let w = usize::from(inner.width.saturating_sub(1));
    let col = usize::from(input.cursor_column());
    let text: String = if col > w {
        let skip = col - w;
        let mut acc = 0;
        input
            .text()
            .chars()
            .skip_while(|c| {
                acc += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                acc <= skip
            })
            .collect()
    } else {
        input.text().to_string()
    };
    let lines = vec![
        Line::raw(crate::ui::clean(&text)),
        Line::raw(""),
        Line::styled(hint.to_string(), theme.dim()),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
    if inner.height > 0 {
        let x = inner
            .x
            .saturating_add(u16::try_from(col.min(w)).unwrap_or(0));
        frame.set_cursor_position(Position { x, y: inner.y });
    }
}

/// The session's status messages, newest first, each whole: wrapped under a bullet, never cut.
fn message_lines(app: &App, width: u16, theme: Theme) -> Vec<Line<'static>> {
    if app.messages.is_empty() {
        return vec![Line::styled(
            "No messages yet in this session.",
            theme.dim(),
        )];
    }
    let w = usize::from(width).saturating_sub(2).max(1);
    let mut out = Vec::new();
    for m in app.messages.iter() {
        let style = if m.error {
            theme.error()
        } else {
            theme.normal()
        };
        for (i, part) in super::wrap(&super::clean(&m.text), w)
            .into_iter()
            .enumerate()
        {
            let bullet = if i == 0 { "• " } else { "  " };
            out.push(Line::styled(format!("{bullet}{part}"), style));
        }
    }
    out
}
