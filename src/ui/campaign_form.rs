//! The new campaign form over the Outreach screen: the template chooser, the fields that say
//! who gets the notice, then what the check found (how many customers, in which languages, and
//! who is set aside for a personal reply) or why nothing matched.

use super::{clean, fit, Theme};
use crate::app::campaign_form::{CampaignForm, Field};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Columns of the field labels ("Ordered before" and a space).
const LABEL_W: usize = 15;

/// "38 customers get the notice: 30 in en, 8 in de".
fn going_line(f: &CampaignForm) -> Option<String> {
    let plan = f.plan.as_ref()?;
    let mut langs: Vec<(String, usize)> = Vec::new();
    for r in plan.going() {
        match langs.iter_mut().find(|(l, _)| *l == r.language) {
            Some((_, n)) => *n += 1,
            None => langs.push((r.language.clone(), 1)),
        }
    }
    let n = plan.going().count();
    let per = langs
        .iter()
        .map(|(l, n)| format!("{n} in {}", clean(l)))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "{} the notice{}{per}",
        crate::human_time::count(n as u64, "customer gets", "customers get"),
        if per.is_empty() { "" } else { ": " }
    ))
}

/// The form's lines for a box `width` columns wide, and where the cursor goes (row, column).
pub fn lines(f: &CampaignForm, width: u16, theme: Theme) -> (Vec<Line<'static>>, (u16, u16)) {
    let w = usize::from(width);
    let mut out = Vec::new();
    let row = |focused: bool, label: &str, value: String| {
        let style = if focused {
            theme.selected()
        } else {
            theme.normal()
        };
        Line::from(vec![
            Span::styled(format!("{label:<LABEL_W$}"), theme.key()),
            Span::styled(fit(&value, w.saturating_sub(LABEL_W)), style),
        ])
    };
    let template = match f.choice() {
        Some(c) => format!(
            "‹ {} ({}) · {} ›",
            clean(&c.base),
            c.languages
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(", "),
            clean(&c.name)
        ),
        None => String::new(),
    };
    out.push(row(f.focus == 0, "Template", template));
    let mut cursor = (0, 0);
    for (i, (field, editor)) in Field::ALL.iter().zip(f.fields.iter()).enumerate() {
        let focused = f.focus == i + 1;
        if focused {
            cursor = (
                u16::try_from(out.len()).unwrap_or(0),
                u16::try_from(LABEL_W).unwrap_or(0) + editor.cursor_column(),
            );
        }
        let line = if editor.is_empty() && *field == Field::Name && !focused {
            // Empty: the template's name, dim, is what the campaign will be called.
            Line::from(vec![
                Span::styled(format!("{:<LABEL_W$}", field.label()), theme.key()),
                Span::styled(
                    fit(
                        &f.choice().map(|c| clean(&c.name)).unwrap_or_default(),
                        w.saturating_sub(LABEL_W),
                    ),
                    theme.dim(),
                ),
            ])
        } else {
            row(focused, field.label(), clean(editor.text()))
        };
        out.push(line);
    }
    out.push(Line::raw(""));
    let hint = match f.focused_field() {
        Some(field) => field.hint(),
        None => "Left/Right chooses the template; customers get its version in their language",
    };
    for part in crate::layout::wrap(hint, w) {
        out.push(Line::styled(part, theme.dim()));
    }
    out.push(Line::styled(
        fit(
            "An order counts when it meets every criterion given; addresses are added as they are.",
            w,
        ),
        theme.dim(),
    ));
    out.push(Line::raw(""));
    if let Some(e) = &f.error {
        for part in crate::layout::wrap(&clean(e), w) {
            out.push(Line::styled(part, theme.error()));
        }
    }
    if let (Some(plan), Some(going)) = (&f.plan, going_line(f)) {
        out.push(Line::styled(fit(&going, w), theme.title()));
        let held: Vec<_> = plan.held().collect();
        if !held.is_empty() {
            out.push(Line::raw(fit(
                &format!(
                    "{} to write to yourself (not sent the notice):",
                    crate::human_time::count(held.len() as u64, "customer", "customers")
                ),
                w,
            )));
            for r in held {
                out.push(Line::styled(
                    fit(
                        &format!(
                            "  {:<34} {}",
                            fit(&clean(&r.addr), 34),
                            clean(r.held.as_deref().unwrap_or(""))
                        ),
                        w,
                    ),
                    theme.error(),
                ));
            }
        }
        out.push(Line::styled(
            fit(
                "Enter saves the draft (nothing is sent yet) · a change checks again · Esc cancels",
                w,
            ),
            theme.dim(),
        ));
    } else {
        out.push(Line::styled(
            fit(
                "Up/Down/Tab move · Enter shows who gets it · Esc cancels",
                w,
            ),
            theme.dim(),
        ));
    }
    (out, cursor)
}

/// Draws the form into `inner` (inside its box) and places the cursor on the focused field.
pub fn draw(frame: &mut Frame, inner: Rect, f: &CampaignForm, theme: Theme) {
    let (lines, (row, col)) = lines(f, inner.width, theme);
    frame.render_widget(Paragraph::new(lines), inner);
    if f.focus > 0 && row < inner.height {
        frame.set_cursor_position(Position {
            x: inner
                .x
                .saturating_add(col)
                .min(inner.right().saturating_sub(1)),
            y: inner.y + row,
        });
    }
}
