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
        "In the search box, the / prompt and the snooze, note and name fields:",
        theme.title(),
    ));
    for (k, d) in [
        ("Enter", "confirm / open the selected hit"),
        ("Esc", "cancel (the / prompt goes back to where you were)"),
        ("Up, Down, Tab, C-p, C-n", "choose"),
        ("Left, Right, C-b, C-f", "move one character"),
        ("Home, End, C-a, C-e", "start / end of the line"),
        ("A-b, A-f, C-Left, C-Right", "one word left / right"),
        ("C-u, C-k", "delete to the start / to the end"),
        ("C-w, A-Backspace", "delete the word before the cursor"),
        ("C-y", "put back what was deleted"),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("{k:>22}  "), theme.key()),
            Span::raw(d),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Mouse:", theme.title()));
    for (k, d) in [
        ("click", "select a row (inbox, outbox, rules)"),
        ("double click", "open it"),
        ("wheel", "scroll"),
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
