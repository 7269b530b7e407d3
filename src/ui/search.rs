//! The search box: the query, then ranked hits (sender, subject, snippet), live as you type.

use super::{clean, fit, short_time, Theme};
use crate::app::{App, SearchState};
use ratatui::text::{Line, Span};

pub fn lines(app: &App, s: &SearchState, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let w = usize::from(width);
    let cal = app.data.calendar();
    let mut out = vec![Line::from(vec![
        Span::styled("/ ", theme.key()),
        Span::raw(s.input.text().to_string()),
    ])];
    if let Some(e) = &s.error {
        out.push(Line::styled(fit(e, w), theme.error()));
        return out;
    }
    if s.input.text().trim().is_empty() {
        out.push(Line::styled(
            "Type to search subjects, senders and bodies.",
            theme.dim(),
        ));
        return out;
    }
    if s.hits.is_empty() {
        out.push(Line::styled("No matches.", theme.dim()));
        return out;
    }
    out.push(Line::styled(
        fit(
            &format!(
                "{} match{} · Enter opens · Esc closes",
                s.hits.len(),
                if s.hits.len() == 1 { "" } else { "es" }
            ),
            w,
        ),
        theme.dim(),
    ));
    for (i, h) in s.hits.iter().enumerate() {
        let from = h
            .from
            .as_ref()
            .map(|a| {
                a.name
                    .as_deref()
                    .filter(|n| !n.trim().is_empty())
                    .map(clean)
                    .unwrap_or_else(|| clean(&a.addr))
            })
            .unwrap_or_default();
        let when = short_time(h.received_at, app.now, cal.tz);
        let head = format!(
            "{:<16} {:>9}  {}",
            fit(&from, 16),
            fit(&when, 9),
            clean(&h.subject)
        );
        let style = if i == s.selected {
            theme.selected()
        } else {
            theme.title()
        };
        out.push(Line::styled(fit(&head, w), style));
        let snippet = clean(&h.snippet.split_whitespace().collect::<Vec<_>>().join(" "));
        out.push(Line::styled(fit(&format!("    {snippet}"), w), theme.dim()));
    }
    out
}

/// Line of the selected hit, to keep it in view.
pub fn selected_line(s: &SearchState) -> usize {
    2 + s.selected * 2
}
