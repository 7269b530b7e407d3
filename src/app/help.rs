//! The help text, generated from the keymap so it always lists the keys actually bound, with
//! each action's name in the `[keys]` config table next to its keys, so remapping never needs
//! a guess. It lives in the app (not in `ui`) because `/` finds within it; `ui::help` only
//! gives each part its colour. The README's key table is checked against [`rows`] of the
//! default keymap.

use super::{Command, Keymap};
use crate::layout::wrap;

/// How a part of a help line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpStyle {
    Title,
    Key,
    Dim,
    Plain,
}

/// One line of the help: its parts, each with its style.
pub type HelpLine = Vec<(HelpStyle, String)>;

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

/// The inner width of the help box on a terminal `width` columns wide: wide enough for keys,
/// config name and description on one line where the terminal allows.
pub fn box_width(width: u16) -> u16 {
    width.saturating_sub(4).clamp(76, 100).min(width)
}

/// Every command with its keys and config name, then the fixed keys of the input boxes, laid
/// out for `width` columns: a description that does not fit continues on the next line, under
/// itself, so the keys and names stay in their columns at any width.
pub fn lines(km: &Keymap, width: u16) -> Vec<HelpLine> {
    use HelpStyle::*;
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
    let mut out: Vec<HelpLine> = vec![vec![(
        Title,
        format!(
            "{:>key_w$}  {:<name_w$}  {}",
            "Keys", "Name in [keys]", "What it does"
        ),
    )]];
    for (keys, name, description) in rows {
        let keys = crate::layout::fit(&keys, key_w);
        for (i, part) in wrap(description, desc_w).into_iter().enumerate() {
            if i == 0 {
                out.push(vec![
                    (Key, format!("{keys:>key_w$}  ")),
                    (Dim, format!("{name:<name_w$}  ")),
                    (Plain, part),
                ]);
            } else {
                out.push(vec![(Plain, format!("{indent}{part}"))]);
            }
        }
    }
    out.push(vec![(Plain, String::new())]);
    for part in wrap(
        "In the search box, the / prompt and the snooze, note and name fields:",
        usize::from(width),
    ) {
        out.push(vec![(Title, part)]);
    }
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
        push_pair(&mut out, k, 22, d, width);
    }
    out.push(vec![(Plain, String::new())]);
    out.push(vec![(Title, "Mouse:".to_string())]);
    for (k, d) in [
        ("click", "select a row (inbox, customer, outbox, rules)"),
        ("double click", "open it"),
        ("wheel", "scroll"),
    ] {
        push_pair(&mut out, k, key_w, d, width);
    }
    out.push(vec![(Plain, String::new())]);
    out.push(vec![(
        Dim,
        "Change keys in [keys] of the config: reply = [\"r\", \"C-r\"]".to_string(),
    )]);
    out
}

/// A fixed key and what it does; a description that does not fit continues under itself.
fn push_pair(out: &mut Vec<HelpLine>, key: &str, key_w: usize, what: &str, width: u16) {
    let desc_w = usize::from(width).saturating_sub(key_w + 2).max(12);
    for (i, part) in wrap(what, desc_w).into_iter().enumerate() {
        if i == 0 {
            out.push(vec![
                (HelpStyle::Key, format!("{key:>key_w$}  ")),
                (HelpStyle::Plain, part),
            ]);
        } else {
            out.push(vec![(
                HelpStyle::Plain,
                format!("{}{part}", " ".repeat(key_w + 2)),
            )]);
        }
    }
}

/// The plain text of each help line (what `/` searches).
pub fn plain(lines: &[HelpLine]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.iter().map(|(_, t)| t.as_str()).collect())
        .collect()
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
        for width in [58u16, 74, 94] {
            let text = plain(&lines(&km, width));
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
        let action_lines = |width: u16| {
            lines(&km, width)
                .iter()
                .skip(1)
                .take_while(|l| !l.iter().all(|(_, t)| t.is_empty()))
                .count()
        };
        assert_eq!(action_lines(94), Command::ALL.len());
        assert!(action_lines(58) > Command::ALL.len());
    }
}
