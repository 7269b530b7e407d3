//! The reply screens: the template picker (list + live preview of the rendered reply) and the
//! confirm screen (From/To/Subject and the full text). Text is laid out by pure functions that
//! the app also uses for scrolling, so both agree on line counts.

use super::{clean, fit, wrap, Theme};
use crate::app::{App, Command, ConfirmReply, TemplatePicker};
pub use crate::layout::reply::{
    body_lines, confirm_body_height, list_width, preview_height, preview_lines, preview_width,
    TextKind,
};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

fn kind_style(k: TextKind, theme: Theme) -> ratatui::style::Style {
    match k {
        TextKind::Header => theme.title(),
        TextKind::Text => theme.normal(),
        TextKind::Quote => theme.quote(),
        TextKind::Error => theme.error(),
    }
}

fn title_line(text: String, width: u16, theme: Theme) -> Line<'static> {
    Line::styled(fit(&text, usize::from(width)), theme.title())
}

fn hint_line(parts: &[(String, &str)], width: u16, theme: Theme) -> Line<'static> {
    let text = parts
        .iter()
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, what)| format!("{k} {what}"))
        .collect::<Vec<_>>()
        .join(" · ");
    Line::styled(fit(&text, usize::from(width)), theme.dim())
}

fn row(area: Rect, y: u16) -> Rect {
    Rect {
        y: area.y + y,
        height: 1,
        ..area
    }
}

pub fn draw_picker(frame: &mut Frame, area: Rect, app: &App, p: &TemplatePicker, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let tz = app.data.calendar().tz;
    let to = p
        .answering
        .reply_to
        .as_ref()
        .or(p.answering.from.as_ref())
        .map(|a| match &a.name {
            Some(n) if !n.trim().is_empty() => clean(n),
            _ => clean(&a.addr),
        })
        .unwrap_or_else(|| "(unknown sender)".to_string());
    frame.render_widget(
        Paragraph::new(title_line(
            format!("Reply to {to} · {}", clean(&p.answering.subject)),
            area.width,
            theme,
        )),
        row(area, 0),
    );
    if area.height < 3 {
        return;
    }
    let km = &app.options.keymap;
    frame.render_widget(
        Paragraph::new(hint_line(
            &[
                (km.hint(Command::Open), "use"),
                (km.hint(Command::OpenEditor), "edit text"),
                (km.hint(Command::EditTemplate), "edit template"),
                (km.hint(Command::Back), "cancel"),
                (km.hint(Command::PageDown), "scroll"),
            ],
            area.width,
            theme,
        )),
        row(area, area.height - 1),
    );
    let panes = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    let lw = list_width(area.width);
    let list_area = Rect { width: lw, ..panes };
    let preview_area = Rect {
        x: panes.x + lw,
        width: panes.width.saturating_sub(lw),
        ..panes
    };

    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(
            match p.customer_language {
                Some(l) => format!(" Templates · {} first ", l.code()),
                None => " Templates ".to_string(),
            },
            theme.title(),
        ));
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    let iw = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    for (i, c) in p.choices.iter().enumerate() {
        // The marker shows the choice without colour or reverse video, too.
        let mark = match (i == p.selected, c.draft.is_ok()) {
            (true, _) => "› ",
            (false, true) => "  ",
            (false, false) => "! ",
        };
        let text = fit(
            &format!(
                "{mark}{} {}",
                c.template.language.code(),
                clean(&c.template.name)
            ),
            iw,
        );
        let style = if i == p.selected {
            theme.selected()
        } else if c.draft.is_err() {
            theme.error()
        } else {
            theme.normal()
        };
        lines.push(Line::styled(format!("{text:<iw$}"), style));
    }
    if p.choices.is_empty() {
        lines.push(Line::styled(fit("No templates.", iw), theme.dim()));
        for l in wrap(&format!("Add files to {}", p.dir.display()), iw.max(1)) {
            lines.push(Line::styled(l, theme.dim()));
        }
    }
    // Problems stay in view under the list, however long the list is: a broken template must
    // not hide below the fold.
    let mut problem_lines: Vec<Line> = Vec::new();
    if !p.problems.is_empty() {
        problem_lines.push(Line::raw(""));
        problem_lines.push(Line::styled(fit("Cannot load:", iw), theme.error()));
        for problem in &p.problems {
            for l in wrap(&clean(problem), iw.max(1)) {
                problem_lines.push(Line::styled(l, theme.error()));
            }
        }
    }
    // The customer's notes (the owner's own words) stay in view beside the reply too;
    // warning notes are already on the preview's frame.
    let mut notes = p.notes.iter().filter(|n| !n.warning).peekable();
    if notes.peek().is_some() {
        problem_lines.push(Line::raw(""));
        problem_lines.push(Line::styled(fit("Notes:", iw), theme.note()));
        for n in notes {
            for l in wrap(&format!("✎ {}", clean(&n.text)), iw.max(1)) {
                problem_lines.push(Line::styled(l, theme.note()));
            }
        }
    }
    let h = usize::from(inner.height);
    let problem_h = problem_lines.len().min(h.saturating_sub(3));
    let list_h = h - problem_h;
    // Keep the selected template visible in a short list box.
    let skip = (p.selected + 1).saturating_sub(list_h);
    let mut visible: Vec<Line> = lines.into_iter().skip(skip).take(list_h).collect();
    visible.resize(list_h, Line::raw(""));
    visible.extend(problem_lines.into_iter().take(problem_h));
    frame.render_widget(Paragraph::new(visible), inner);

    let title = match p.selected_choice() {
        Some(c) => format!(" Preview: {} ", clean(&c.template.name)),
        None => " Preview ".to_string(),
    };
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(
            fit(&title, usize::from(preview_area.width.saturating_sub(2))),
            theme.title(),
        ));
    // Warnings sit on the preview's frame, so the reply text keeps its room.
    if let Some(reason) =
        super::flags::reason_line(&p.flags, usize::from(preview_area.width.saturating_sub(4)))
    {
        block = block.title_bottom(Span::styled(format!(" {reason} "), theme.error()));
    }
    let inner = block.inner(preview_area);
    frame.render_widget(block, preview_area);
    if let Some(c) = p.selected_choice() {
        let lines: Vec<Line> = preview_lines(&c.draft, area.width, app.now, tz)
            .into_iter()
            .skip(p.preview_scroll)
            .take(usize::from(inner.height))
            .map(|(k, t)| Line::styled(t, kind_style(k, theme)))
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

pub fn draw_confirm(frame: &mut Frame, area: Rect, app: &App, c: &ConfirmReply, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let tz = app.data.calendar().tz;
    let w = usize::from(area.width);
    let title = if c.edited {
        "Send this reply? (text edited)"
    } else {
        "Send this reply?"
    };
    frame.render_widget(
        Paragraph::new(title_line(title.to_string(), area.width, theme)),
        row(area, 0),
    );
    let follow = match c.draft.follow_up_at {
        Some(at) => format!(
            " · follow-up {}",
            crate::human_time::moment(at, app.now, tz)
        ),
        None => String::new(),
    };
    let head = [
        ("From", c.from.clone()),
        ("To", c.to.clone()),
        ("Subject", clean(&c.subject)),
        (
            "Template",
            format!(
                "{}{follow}{}",
                clean(&c.draft.template_name),
                attached(&c.draft.attachments)
            ),
        ),
    ];
    for (i, (label, value)) in head.iter().enumerate() {
        let y = u16::try_from(i + 1).unwrap_or(u16::MAX);
        if y >= area.height {
            return;
        }
        let label = format!("{label:>8}: ");
        let value = fit(&clean(value), w.saturating_sub(label.len()));
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(label, theme.dim()),
                Span::styled(value, theme.normal()),
            ])),
            row(area, y),
        );
    }
    if area.height < 7 {
        return;
    }
    // The rule under the headers carries the conversation's warnings, if any.
    let rule = match super::flags::reason_line(&c.flags, w.saturating_sub(4)) {
        Some(reason) => Line::from(vec![
            Span::styled("── ", theme.border()),
            Span::styled(reason.clone(), theme.error()),
            Span::styled(
                format!(
                    " {}",
                    "─".repeat(w.saturating_sub(
                        unicode_width::UnicodeWidthStr::width(reason.as_str()) + 4
                    ))
                ),
                theme.border(),
            ),
        ]),
        None => Line::styled("─".repeat(w), theme.border()),
    };
    frame.render_widget(Paragraph::new(rule), row(area, 5));
    let km = &app.options.keymap;
    let hints: Vec<(String, &str)> = if c.editor.is_some() {
        vec![
            ("Esc".to_string(), "stop editing"),
            ("Enter".to_string(), "new line"),
            ("C-z".to_string(), "undo"),
            ("C-w/C-u/C-k".to_string(), "delete word/to start/to end"),
            ("C-a/C-e".to_string(), "line start/end"),
        ]
    } else {
        vec![
            (km.hint(Command::Send), "send"),
            (km.hint(Command::EditHere), "edit here"),
            (km.hint(Command::Back), "back"),
            (km.hint(Command::SendAndNext), "send and next"),
            (
                [km.hint(Command::Open), km.hint(Command::OpenEditor)]
                    .into_iter()
                    .filter(|k| !k.is_empty())
                    .collect::<Vec<_>>()
                    .join("/"),
                "$EDITOR",
            ),
        ]
    };
    frame.render_widget(
        Paragraph::new(hint_line(&hints, area.width, theme)),
        row(area, area.height - 1),
    );
    let body = Rect {
        y: area.y + 6,
        height: area.height.saturating_sub(7),
        ..area
    };
    if let Some(editor) = &c.editor {
        return draw_editor(frame, body, editor, theme);
    }
    let lines: Vec<Line> = body_lines(&c.draft.text, area.width)
        .into_iter()
        .skip(c.scroll)
        .take(usize::from(body.height))
        .map(|(k, t)| Line::styled(t, kind_style(k, theme)))
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

/// The reply being edited in place: long lines wrap at the screen's width, the view follows
/// the cursor, and the terminal cursor sits where the next character goes.
fn draw_editor(
    frame: &mut Frame,
    body: Rect,
    editor: &crate::app::textedit::TextEditor,
    theme: Theme,
) {
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;
    if body.height == 0 || body.width == 0 {
        return;
    }
    let w = usize::from(body.width.saturating_sub(1)).max(1);
    let (crow, ccol) = editor.cursor();
    let mut rows: Vec<String> = Vec::new();
    let mut cursor = (0usize, 0usize);
    for (i, line) in editor.lines().iter().enumerate() {
        let start = rows.len();
        let mut cur = String::new();
        let mut cur_w = 0;
        for g in line.graphemes(true) {
            let gw = g.width();
            if cur_w + gw > w {
                rows.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur.push_str(g);
            cur_w += gw;
        }
        rows.push(cur);
        if i == crow {
            cursor = (start + ccol / w, ccol % w);
        }
    }
    let height = usize::from(body.height);
    let top = (cursor.0 + 1).saturating_sub(height);
    let lines: Vec<Line> = rows
        .into_iter()
        .skip(top)
        .take(height)
        .map(|r| Line::styled(super::clean_text(&r), theme.normal()))
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    let x = body.x + u16::try_from(cursor.1).unwrap_or(0);
    let y = body.y + u16::try_from(cursor.0 - top).unwrap_or(0);
    frame.set_cursor_position(ratatui::layout::Position { x, y });
}

/// " · attached: return-label.pdf (41 KB), photo.jpg (2.1 MB)" for the confirm screen's
/// template line; "" without files.
fn attached(files: &[crate::send::attachment::OutgoingAttachment]) -> String {
    if files.is_empty() {
        return String::new();
    }
    let list: Vec<String> = files
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                clean(&a.name),
                crate::send::attachment::human_size(a.size())
            )
        })
        .collect();
    format!(" · attached: {}", list.join(", "))
}
