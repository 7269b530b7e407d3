//! The help overlay, generated from the keymap so it always lists the keys actually bound.

use super::Theme;
use crate::app::{App, Command};
use ratatui::text::{Line, Span};

/// Every command with its keys, plus the fixed keys of the input boxes.
pub fn lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    let km = &app.options.keymap;
    let mut out = Vec::new();
    for cmd in Command::ALL {
        let keys = km.describe(cmd);
        let keys = if keys.is_empty() {
            "(unbound)".to_string()
        } else {
            keys
        };
        out.push(Line::from(vec![
            Span::styled(format!("{keys:>22}  "), theme.key()),
            Span::raw(cmd.description()),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "In search, snooze and note boxes:",
        theme.title(),
    ));
    for (k, d) in [
        ("Enter", "confirm / open the selected hit"),
        ("Esc", "cancel"),
        ("Up, Down, Tab, C-p, C-n", "choose"),
        ("Left, Right, Home, End", "move in the text"),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("{k:>22}  "), theme.key()),
            Span::raw(d),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "Keys can be changed in the [keys] section of the config.",
        theme.dim(),
    ));
    out
}
