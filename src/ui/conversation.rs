//! The conversation view: the whole thread oldest first, shop and customer messages told
//! apart, quoted text and signatures folded (or dimmed when shown), attachments listed, long
//! lines wrapped. The thread is laid out into plain lines by a pure function so that scrolling
//! (in the app) and drawing agree on the line count.

use super::inbox::{badge, urgency, urgency_style};
use super::{clean, fit, Theme};
use crate::app::{App, ConversationScreen};
pub use crate::layout::thread::{classify_body, thread_lines, BodyKind, ThreadLine};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn style_line(l: &ThreadLine, theme: Theme) -> Line<'static> {
    match l {
        ThreadLine::Header { shop, text } => Line::styled(
            text.clone(),
            if *shop {
                theme.shop()
            } else {
                theme.customer()
            },
        ),
        ThreadLine::Meta(t) => Line::styled(t.clone(), theme.dim()),
        ThreadLine::Body {
            kind: BodyKind::Text,
            text,
            ..
        } => Line::raw(text.clone()),
        ThreadLine::Body { text, .. } => Line::styled(text.clone(), theme.quote()),
        ThreadLine::Folded { text } => Line::styled(text.clone(), theme.dim()),
        ThreadLine::Attachment(t) => Line::raw(t.clone()),
        ThreadLine::Problem(t) => Line::styled(t.clone(), theme.dim()),
        ThreadLine::Warning(t) => Line::styled(t.clone(), theme.error()),
        ThreadLine::Note(t) => Line::styled(t.clone(), theme.note()),
        ThreadLine::Blank => Line::raw(""),
    }
}

/// The conversation's main keys, read from the keymap (so remapped keys show), whole hints
/// only, as many as fit `width`, ending with where to find all keys.
pub fn hints(app: &App, width: u16) -> String {
    use crate::app::Command;
    let km = &app.options.keymap;
    let parts = [
        (km.hint(Command::Reply), "reply"),
        (km.hint(Command::Back), "back"),
        (km.hint(Command::Customer), "customer"),
        (km.hint(Command::AddNote), "note"),
        (km.hint(Command::Snooze), "snooze"),
        (km.hint(Command::MarkAnswered), "answered"),
    ];
    crate::layout::bar::hints(
        &parts,
        Some((km.hint(Command::Help), "all keys")),
        usize::from(width),
    )
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, c: &ConversationScreen, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let cal = app.data.calendar();
    let w = usize::from(area.width);
    let b = badge(&c.row, app.now, cal);
    let subject = clean(&c.row.subject);
    let flag = super::flags::badge(&c.row.flags)
        .map(|f| format!("{f} "))
        .unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(
            format!("{b} "),
            urgency_style(urgency(&c.row, app.now, cal), theme),
        ),
        Span::styled(flag.clone(), theme.error()),
        Span::styled(
            fit(
                &subject,
                w.saturating_sub(b.chars().count() + flag.chars().count() + 1),
            ),
            theme.title(),
        ),
    ]);
    frame.render_widget(Paragraph::new(title), Rect { height: 1, ..area });
    if area.height < 2 {
        return;
    }
    let name = c
        .row
        .customer_name
        .as_deref()
        .map(clean)
        .unwrap_or_default();
    let addr = clean(&c.row.customer_addr);
    let n = c.row.message_count;
    let who = if name.is_empty() {
        addr
    } else {
        format!("{name} <{addr}>")
    };
    let mut info = format!("{who} · {n} message{}", if n == 1 { "" } else { "s" });
    if let Some(name) = &c.campaign {
        info.push_str(&format!(" · answers campaign \"{}\"", clean(name)));
    }
    // Promises and snoozes decide when this conversation comes back: say so up here.
    let at = |t: chrono::DateTime<chrono::Utc>| crate::human_time::moment(t, app.now, cal.tz);
    if let Some(f) = c.row.follow_up_at {
        if f <= app.now {
            info.push_str(&format!(" · follow-up was due {}", at(f)));
        } else {
            info.push_str(&format!(" · follow-up due {}", at(f)));
        }
    }
    if let Some(t) = c.row.snoozed_until.filter(|t| *t > app.now) {
        info.push_str(&format!(" · snoozed until {}", at(t)));
    }
    // The thread opens on its newest message, so the notes above it may be scrolled away:
    // then the first one stays in view up here ("+1" when there are more).
    let notes: Vec<&crate::store::Note> = c.notes.iter().filter(|n| !n.warning).collect();
    let note = notes.first().map(|n| match notes.len() {
        1 => format!(" · ✎ {}", clean(&n.text)),
        more => format!(" · ✎ {} (+{})", clean(&n.text), more - 1),
    });
    // Another copy is replying (issue 26): first on the line, so it is not cut off.
    let replying = app
        .replying_line(c.row.id)
        .map(|r| fit(&format!("{r} · "), w))
        .unwrap_or_default();
    let w = w.saturating_sub(unicode_width::UnicodeWidthStr::width(replying.as_str()));
    let info_w = unicode_width::UnicodeWidthStr::width(info.as_str());
    let mut spans = vec![
        Span::styled(replying, theme.due_soon()),
        Span::styled(fit(&info, w), theme.dim()),
    ];
    if let Some(note) = note.filter(|_| info_w < w && c.scroll > 0) {
        spans.push(Span::styled(fit(&note, w - info_w), theme.note()));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)),
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
    );
    let hint_rows = if area.height > 3 {
        crate::layout::THREAD_HINTS
    } else {
        0
    };
    let body = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(2 + hint_rows),
        ..area
    };
    if hint_rows > 0 {
        frame.render_widget(
            Paragraph::new(Line::styled(hints(app, area.width), theme.dim())),
            Rect {
                y: area.bottom() - 1,
                height: 1,
                ..area
            },
        );
    }
    let found = super::find::marker(app, theme);
    let all = thread_lines(
        &c.row.flags,
        &c.notes,
        &c.messages,
        c.show_quoted,
        area.width,
        app.now,
        cal.tz,
    );
    // The n-th attachment line is attachment n (the thread lists them in the decoded order).
    let mut attachment = 0;
    let numbered: Vec<Option<usize>> = all
        .iter()
        .map(|l| {
            matches!(l, ThreadLine::Attachment(_)).then(|| {
                attachment += 1;
                attachment - 1
            })
        })
        .collect();
    let lines: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(c.scroll)
        .take(usize::from(body.height))
        .map(|(i, l)| {
            let styled = match (numbered.get(i).copied().flatten(), c.attachments.selected) {
                (Some(n), Some(sel)) if n == sel => {
                    Line::styled(l.text().to_string(), theme.selected())
                }
                _ => style_line(l, theme),
            };
            match &found {
                Some(m) => m.line(styled, Some(i)),
                None => styled,
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    draw_image(frame, body, c, theme);
}

/// The shown image (the selected attachment, else the thread's first image) in the lower part
/// of the thread, with its name above it.
fn draw_image(frame: &mut Frame, body: Rect, c: &ConversationScreen, theme: Theme) {
    let Some((i, image)) = c.attachments.shown_image() else {
        return;
    };
    let height = (body.height / 2).min(16);
    if height < 4 || body.width < 10 {
        return;
    }
    let name = c
        .attachments
        .decoded()
        .and_then(|d| d.parts.get(i))
        .map(|p| clean(&p.name))
        .unwrap_or_default();
    let top = Rect {
        y: body.bottom() - height,
        height: 1,
        ..body
    };
    frame.render_widget(ratatui::widgets::Clear, Rect { height, ..top });
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(
                &format!("── {name} (I hides images) "),
                usize::from(body.width),
            ),
            theme.dim(),
        )),
        top,
    );
    let area = Rect {
        y: top.y + 1,
        height: height - 1,
        ..body
    };
    super::images::draw(frame, area, (c.row.id, i), image);
}
