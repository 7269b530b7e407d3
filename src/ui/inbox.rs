//! The inbox: view tabs with counts, the morning summary line, and the conversation list,
//! most urgent first. Only the loaded window of rows is drawn.

use super::{clean, fit, short_time, Theme};
use crate::app::{view_count, view_title, App, VIEWS};
use crate::deadline::{short_when, Calendar};
use crate::store::{ConversationRow, NotCustomer, View};
use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// How urgent a conversation is at `now`; decides colour and badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Overdue,
    DueSoon,
    Due,
    Snoozed,
    Answered,
    /// The message it waited on was deleted or moved out of the synced folders on the server.
    Removed,
    /// From before the tracking window and never answered: history, not owed.
    Older,
    NotCustomer,
}

pub fn urgency(row: &ConversationRow, now: DateTime<Utc>, cal: &Calendar) -> Urgency {
    if row.not_customer.is_some() {
        return Urgency::NotCustomer;
    }
    if row.snoozed_until.is_some_and(|t| t > now) {
        return Urgency::Snoozed;
    }
    match row.due_at {
        // Answered, but a promised follow-up is still ahead: not done yet.
        None if follow_up(row).is_some() => Urgency::Due,
        None if row.removed_since.is_some() => Urgency::Removed,
        None if row.older_since.is_some() => Urgency::Older,
        None => Urgency::Answered,
        Some(due) if due <= now => Urgency::Overdue,
        Some(due) if due - now <= cal.due_soon => Urgency::DueSoon,
        Some(_) => Urgency::Due,
    }
}

/// The follow-up this row is waiting on: the shop answered and a template promised to come
/// back at this time. A newer customer message has its own deadline, which wins.
pub fn follow_up(row: &ConversationRow) -> Option<DateTime<Utc>> {
    row.follow_up_at.filter(|_| row.pending_since.is_none())
}

/// The state badge: "OVERDUE 2h 10m", "due 17:00", "due Mon 17:00", "answered",
/// "promised by 17:00", "FOLLOW-UP overdue 1h", "snoozed until Mon 09:00", …
pub fn badge(row: &ConversationRow, now: DateTime<Utc>, cal: &Calendar) -> String {
    badge_in(row, now, cal, false)
}

/// The badge for a narrow State column (15 columns): the same facts, fewer letters.
pub fn short_badge(row: &ConversationRow, now: DateTime<Utc>, cal: &Calendar) -> String {
    badge_in(row, now, cal, true)
}

fn badge_in(row: &ConversationRow, now: DateTime<Utc>, cal: &Calendar, short: bool) -> String {
    match urgency(row, now, cal) {
        Urgency::NotCustomer => match row.not_customer {
            Some(NotCustomer::Auto(kind)) => match kind {
                crate::mail::AutoKind::AutoReply => "auto-reply".to_string(),
                crate::mail::AutoKind::Bulk => "bulk mail".to_string(),
                crate::mail::AutoKind::Bounce => "bounce".to_string(),
                crate::mail::AutoKind::Order => "order".to_string(),
            },
            _ => "not a customer".to_string(),
        },
        Urgency::Snoozed => match (row.snoozed_until, short) {
            (Some(t), false) => format!("snoozed until {}", short_when(t, now, cal)),
            (Some(t), true) => format!("zz {}", short_when(t, now, cal)),
            (None, _) => "snoozed".to_string(),
        },
        Urgency::Answered => "answered".to_string(),
        Urgency::Removed if short => "removed".to_string(),
        Urgency::Removed => "removed on server".to_string(),
        Urgency::Older if short => "older".to_string(),
        Urgency::Older => "older, unanswered".to_string(),
        Urgency::Overdue | Urgency::DueSoon | Urgency::Due => match (follow_up(row), row.due_at) {
            (Some(f), _) if f <= now => {
                let late = crate::deadline::format_duration(now - f);
                if short {
                    format!("F-UP late {late}")
                } else {
                    format!("FOLLOW-UP overdue {late}")
                }
            }
            (Some(f), _) if short => format!("f-up {}", short_when(f, now, cal)),
            (Some(f), _) => format!("promised by {}", short_when(f, now, cal)),
            (None, Some(due)) => crate::deadline::badge(due, now, cal),
            (None, None) => String::new(),
        },
    }
}

/// The calm badge of a customer the owner keeps notes about (warning notes are red flags).
pub const NOTES_BADGE: &str = "✎";

/// The subject, after "Anna is replying (since 14:02)" when another copy is replying to it, a
/// red warning badge when the conversation is flagged and a calm notes badge when the owner
/// keeps notes about the customer.
fn subject_cell(
    r: &ConversationRow,
    replying: Option<String>,
    width: usize,
    theme: Theme,
) -> Cell<'static> {
    let subject = clean(&r.subject);
    let mut spans = Vec::new();
    let mut rest = width;
    let badges = [
        (replying.map(|s| format!("[{s}]")), theme.due_soon()),
        (super::flags::badge(&r.flags), theme.error()),
        (r.has_notes.then(|| NOTES_BADGE.to_string()), theme.note()),
    ];
    for (badge, style) in badges {
        let Some(b) = badge else { continue };
        let b = fit(&b, rest);
        rest = rest.saturating_sub(unicode_width::UnicodeWidthStr::width(b.as_str()) + 1);
        spans.push(Span::styled(b, style));
        spans.push(Span::raw(" "));
    }
    if spans.is_empty() {
        return Cell::from(fit(&subject, width));
    }
    spans.push(Span::raw(fit(&subject, rest)));
    Cell::from(Line::from(spans))
}

pub fn urgency_style(u: Urgency, theme: Theme) -> Style {
    match u {
        Urgency::Overdue => theme.overdue(),
        Urgency::DueSoon => theme.due_soon(),
        Urgency::Due | Urgency::Snoozed => theme.normal(),
        Urgency::Answered | Urgency::Removed | Urgency::Older | Urgency::NotCustomer => theme.dim(),
    }
}

/// What the demo calls itself in the header and the status bar, so a screenshot of the
/// sample shop is never taken for someone's real mail.
pub const DEMO_LABEL: &str = "DEMO · sample shop";

/// "3 overdue · 5 due by 17:00 · last sync 08:02"
pub fn summary(app: &App) -> String {
    let cal = app.data.calendar();
    let last = match app.worker.last_sync {
        Some(t) => format!("last sync {}", short_time(t, app.now, cal.tz)),
        None => "not synced yet".to_string(),
    };
    let demo = if app.options.demo {
        format!("{DEMO_LABEL} · ")
    } else {
        String::new()
    };
    format!(
        "{demo}{} overdue · {} due by {} · {}",
        app.counts.overdue,
        app.counts.due_today,
        cal.close.format("%H:%M"),
        last
    )
}

/// The Older view's line above the list: what history is and what to do with it.
pub const OLDER_LINE: &str = "History: customer mail from before tracking started; it never \
                              counts as late. p pulls one into Needs reply.";
/// The same for narrow terminals (60 columns).
pub const OLDER_LINE_SHORT: &str = "History: before tracking, never late · p: to Needs reply";

fn tabs(app: &App, width: u16, theme: Theme) -> Line<'static> {
    // The Snoozed and Older tabs show when they hold something (or are the current view).
    let shown: Vec<View> = VIEWS
        .iter()
        .copied()
        .filter(|v| match *v {
            View::Snoozed | View::Older => view_count(&app.counts, *v) > 0 || app.view == *v,
            _ => true,
        })
        .collect();
    // Names stay whole: counts shorten, then the bar scrolls (layout::bar::tabs).
    let named = |older_short: bool| -> Vec<(&str, u64)> {
        shown
            .iter()
            .map(|v| {
                let short = older_short && *v == View::Older;
                (view_title(*v, short), view_count(&app.counts, *v))
            })
            .collect()
    };
    let selected = shown.iter().position(|v| *v == app.view).unwrap_or(0);
    let width = usize::from(width);
    let mut fitted = crate::layout::bar::tabs(&named(false), selected, width);
    if fitted.more_left || fitted.more_right {
        // "Older, never answered" says it all only where there is room: "Older" before scrolling.
        fitted = crate::layout::bar::tabs(&named(true), selected, width);
    }
    let mut spans = Vec::new();
    if fitted.more_left {
        spans.push(Span::styled(crate::layout::bar::LEFT, theme.dim()));
    }
    for (i, text) in fitted.labels.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(fitted.sep));
        }
        let style = if fitted.first + i == selected {
            theme.tab_active()
        } else {
            theme.tab()
        };
        spans.push(Span::styled(text, style));
    }
    if fitted.more_right {
        spans.push(Span::styled(crate::layout::bar::RIGHT, theme.dim()));
    }
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let cal = app.data.calendar();
    frame.render_widget(
        Paragraph::new(tabs(app, area.width, theme)),
        Rect { height: 1, ..area },
    );
    if area.height < 2 {
        return;
    }
    let summary_style = if app.counts.overdue > 0 {
        theme.overdue()
    } else {
        theme.title()
    };
    // The Older view says what it holds, in place of the counts (issue 23.6).
    let (line, summary_style) = if app.view == View::Older {
        let full = unicode_width::UnicodeWidthStr::width(OLDER_LINE) <= usize::from(area.width);
        let line = if full { OLDER_LINE } else { OLDER_LINE_SHORT };
        (line.to_string(), theme.title())
    } else {
        (summary(app), summary_style)
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(&line, usize::from(area.width)),
            summary_style,
        )),
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
    );
    let list_area = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(2),
        ..area
    };
    if list_area.height == 0 {
        return;
    }
    let narrow = area.width < 80;
    // Wide terminals spell badges out ("snoozed until Mon 09:00"); below 100 columns the
    // subject needs the room and badges use their short form.
    let full_badges = area.width >= 100;
    // The Received column fits its widest text ("22 Nov 2025"; "Nov'25" when narrow).
    use crate::human_time::{RECEIVED_NARROW_WIDTH, RECEIVED_WIDTH};
    let (state_w, name_w, when_w, count_w): (u16, u16, u16, u16) = match (narrow, full_badges) {
        (true, _) => (15, 11, RECEIVED_NARROW_WIDTH, 3),
        (false, false) => (16, 22, RECEIVED_WIDTH, 4),
        (false, true) => (23, 20, RECEIVED_WIDTH, 4),
    };
    // Fixed columns plus the four gaps; cut text with "…" so a cut is visible.
    let fixed = usize::from(state_w + name_w + when_w + count_w + 4);
    let subject_w = usize::from(area.width).saturating_sub(fixed);
    let widths = [
        Constraint::Length(state_w),
        Constraint::Length(name_w),
        Constraint::Fill(1),
        Constraint::Length(when_w),
        Constraint::Length(count_w),
    ];
    let name_w = usize::from(name_w);
    let received_title = if narrow { "When" } else { "Received" };
    let header =
        Row::new(["State", "Customer", "Subject", received_title, "#"]).style(theme.title());
    let list = &app.inbox;
    let visible = u64::from(list_area.height.saturating_sub(1));
    let mut rows = Vec::new();
    for index in list.top..(list.top + visible).min(list.total) {
        let Some(r) = list.row(index) else { break };
        let u = urgency(r, app.now, cal);
        let mut style = urgency_style(u, theme);
        // Marked for a bulk action: a "*" before the state (NeoMutt's tag mark) and bold,
        // so the mark shows without colour too.
        let marked = app.selection.shows(index, r.id, list.selected);
        if marked {
            style = style.patch(theme.title());
        }
        if index == list.selected {
            style = style.patch(theme.selected());
        }
        let name = match &r.customer_name {
            Some(n) if !n.trim().is_empty() => clean(n),
            _ => clean(&r.customer_addr),
        };
        let received = if narrow {
            crate::human_time::received_narrow(r.received_at(), app.now, cal.tz)
        } else {
            short_time(r.received_at(), app.now, cal.tz)
        };
        rows.push(
            Row::new([
                Cell::from(fit(
                    &format!(
                        "{}{}",
                        if marked { "* " } else { "" },
                        if full_badges {
                            badge(r, app.now, cal)
                        } else {
                            short_badge(r, app.now, cal)
                        }
                    ),
                    usize::from(state_w),
                )),
                Cell::from(fit(&name, name_w)),
                subject_cell(r, app.replying_line(r.id), subject_w, theme),
                Cell::from(received),
                Cell::from(r.message_count.to_string()),
            ])
            .style(style),
        );
    }
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    frame.render_widget(table, list_area);
    if list.total == 0 {
        let empty = empty_text(app);
        frame.render_widget(
            Paragraph::new(Line::styled(empty, theme.dim())),
            Rect {
                y: list_area.y + 1,
                height: 1,
                ..list_area
            },
        );
    }
}

/// What an empty view says. "Nothing needs a reply" only once the tracking window is in the
/// store (issue 11): during a first sync, or offline before it, an empty list proves nothing.
pub fn empty_text(app: &App) -> String {
    use crate::app::SyncStatus;
    use crate::store::View;
    let owed = matches!(app.view, View::NeedsReply | View::Overdue | View::DueToday);
    if owed && !app.worker.window_synced && app.worker.sync != SyncStatus::Unavailable {
        let tz = app.data.calendar().tz;
        return match (&app.worker.sync, app.worker.last_sync) {
            (SyncStatus::Offline { .. }, Some(t)) => format!(
                "Offline: this list is as of {}; today's mail is not fetched yet.",
                short_time(t, app.now, tz)
            ),
            (SyncStatus::Offline { .. } | SyncStatus::Failed { .. }, None) => {
                "Offline: nothing fetched yet, so this list says nothing. Retry with S.".to_string()
            }
            _ => "Fetching today's mail first…".to_string(),
        };
    }
    match app.view {
        View::NeedsReply => "Nothing needs a reply. Well done.",
        View::Overdue => "Nothing is overdue.",
        View::DueToday => "Nothing else is due today.",
        View::Older => "No older mail waits: everything from before tracking started is swept.",
        _ => "No conversations in this view.",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_on_the_server_is_its_own_state_never_answered() {
        let cal = Calendar::office_hours(
            chrono_tz::Europe::Berlin,
            chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        );
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let now = at("2025-11-24T12:00:00Z");
        let mut row = ConversationRow {
            id: 1,
            subject: "Lamp".into(),
            customer_name: None,
            customer_addr: "jane@example.net".into(),
            message_count: 1,
            first_at: at("2025-11-24T09:00:00Z"),
            last_at: at("2025-11-24T09:00:00Z"),
            pending_since: None,
            due_at: None,
            last_shop_at: None,
            not_customer: None,
            snoozed_until: None,
            follow_up_at: None,
            manual_answered_at: None,
            latest_message: 1,
            flags: vec![],
            removed_since: None,
            has_notes: false,
            older_since: None,
            last_customer_at: None,
        };
        assert_eq!(urgency(&row, now, &cal), Urgency::Answered);
        row.removed_since = Some(at("2025-11-24T09:00:00Z"));
        assert_eq!(urgency(&row, now, &cal), Urgency::Removed);
        assert_eq!(badge(&row, now, &cal), "removed on server");
        assert_eq!(short_badge(&row, now, &cal), "removed");
        // A follow-up that has come due still asks for attention.
        row.follow_up_at = Some(at("2025-11-24T11:00:00Z"));
        row.due_at = row.follow_up_at;
        assert_eq!(urgency(&row, now, &cal), Urgency::Overdue);
    }
}
