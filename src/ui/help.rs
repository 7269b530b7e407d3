//! The help overlay, generated from the keymap so it always lists the keys actually bound,
//! with each action's name in the `[keys]` config table next to its keys, so remapping never
//! needs a guess. The README's key table is checked against [`rows`] of the default keymap.

use super::Theme;
use crate::app::{Command, Keymap};
use crate::layout::wrap;
use ratatui::text::{Line, Span};

/// One action as the help lists it: its keys ("k, Up", "(unbound)"), its config name, what it
/// does.
pub fn rows(km: &Keymap) -> Vec<(String, &'static str, &'static str)> {
    Command::ALL
        .into_iter()
        .map(|cmd| {
            let keys = km.describe(cmd);
            let keys = if keys.is_empty() {
                "(unbound)".to_string()
            } else {
                keys
            };
            (keys, cmd.name(), cmd.description())
        })
        .collect()
}

/// The widest keys column shown before the keys are cut (a remapped action may list many).
const MAX_KEYS_WIDTH: usize = 24;

/// Every command with its keys and config name, then the fixed keys of the input boxes, laid
/// out for `width` columns: a description that does not fit continues on the next line, under
/// itself, so the keys and names stay in their columns at any width.
pub fn lines(km: &Keymap, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let rows = rows(km);
    let key_w = rows
        .iter()
        .map(|(k, _, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(12, MAX_KEYS_WIDTH);
    let name_w = rows.iter().map(|(_, n, _)| n.len()).max().unwrap_or(0);
    let desc_w = usize::from(width)
        .saturating_sub(key_w + 2 + name_w + 2)
        .max(12);
    let indent = " ".repeat(key_w + 2 + name_w + 2);
    let mut out = vec![Line::styled(
        format!(
            "{:>key_w$}  {:<name_w$}  {}",
            "Keys", "Name in [keys]", "What it does"
        ),
        theme.title(),
    )];
    for (keys, name, description) in rows {
        let keys = super::fit(&keys, key_w);
        for (i, part) in wrap(description, desc_w).into_iter().enumerate() {
            if i == 0 {
                out.push(Line::from(vec![
                    Span::styled(format!("{keys:>key_w$}  "), theme.key()),
                    Span::styled(format!("{name:<name_w$}  "), theme.dim()),
                    Span::raw(part),
                ]));
            } else {
                out.push(Line::raw(format!("{indent}{part}")));
            }
        }
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
            Span::styled(format!("{k:>key_w$}  "), theme.key()),
            Span::raw(d),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "Change keys in [keys] of the config: reply = [\"r\", \"C-r\"]",
        theme.dim(),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's key table, row for row, is the default keymap as `?` shows it.
    #[test]
    fn readme_key_table_matches_the_help() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        )
        .expect("README.md");
        let table: Vec<&str> = readme
            .lines()
            .skip_while(|l| !l.starts_with("| Keys | Name in [keys] |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .collect();
        let want: Vec<String> = rows(&Keymap::default())
            .into_iter()
            .map(|(keys, name, description)| {
                let keys: Vec<String> = keys.split(", ").map(|k| format!("`{k}`")).collect();
                format!("| {} | `{name}` | {description} |", keys.join(", "))
            })
            .collect();
        assert_eq!(
            table,
            want,
            "README.md's key table differs from the help; it should read:\n{}",
            want.join("\n")
        );
    }

    #[test]
    fn long_descriptions_wrap_under_themselves_and_names_always_show() {
        let km = Keymap::default();
        let theme = Theme::new(false);
        for width in [58u16, 74, 94] {
            let text: Vec<String> = lines(&km, width, theme)
                .iter()
                .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
                .collect();
            for (_, name, _) in rows(&km) {
                assert!(
                    text.iter().any(|l| l.contains(&format!("  {name}  "))),
                    "{name} missing at {width}"
                );
            }
            for l in &text {
                assert!(
                    unicode_width::UnicodeWidthStr::width(l.as_str()) <= usize::from(width),
                    "{l:?} wider than {width}"
                );
            }
        }
        // Wide enough: one line per action (plus the header and the input-box part).
        let wide = lines(&km, 94, theme).len();
        assert_eq!(wide, 1 + Command::ALL.len() + 8);
        assert!(lines(&km, 58, theme).len() > wide);
    }
}
