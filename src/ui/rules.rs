//! The Rules screen: one line per not-a-customer rule with what it hides.

use super::{clean, fit, theme::Theme};
use crate::app::rules::RulesScreen;
use crate::app::{rule_label, App, Command};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &RulesScreen, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let w = usize::from(area.width);
    let km = &app.options.keymap;
    let found = super::find::marker(app, theme);
    let mut lines: Vec<Line> = vec![Line::styled(
        fit(
            &format!(
                "Not-a-customer rules · {} · {} removes · {} back",
                s.rules.len(),
                km.hint(Command::DeleteNote),
                km.hint(Command::Back)
            ),
            w,
        ),
        theme.title(),
    )];
    if s.rules.is_empty() {
        lines.push(Line::raw(
            "There are no rules (x on a conversation adds one).",
        ));
    }
    for (i, (rule, n)) in s.rules.iter().enumerate() {
        let plural = if *n == 1 { "" } else { "s" };
        let text = fit(
            &format!(
                "{} {:>4}  {}  · hides {n} conversation{plural}",
                if i == s.selected { "›" } else { " " },
                rule.id,
                clean(&rule_label(rule))
            ),
            w,
        );
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
    lines.truncate(usize::from(area.height));
    frame.render_widget(Paragraph::new(lines), area);
}
