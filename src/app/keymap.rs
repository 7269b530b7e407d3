//! Key bindings: defaults (vim keys and arrows), overridable per command from the `[keys]`
//! config table (`down = ["j", "Down"]`). Key strings are parsed strictly so that a typo in
//! the config is reported at start-up instead of silently leaving a command unbound.

use super::command::Command;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One key with its modifiers, normalized: letters carry their case instead of SHIFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyBinding {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyBinding {
        // Terminals report "G" as Char('G') with or without SHIFT; BackTab likewise. Drop SHIFT
        // where the code already says it so that both spellings match the same binding.
        let mods = match code {
            KeyCode::Char(_) | KeyCode::BackTab => mods - KeyModifiers::SHIFT,
            _ => mods,
        };
        KeyBinding { code, mods }
    }

    pub fn from_event(ev: &KeyEvent) -> KeyBinding {
        KeyBinding::new(ev.code, ev.modifiers)
    }

    /// Parses "j", "G", "?", "Down", "PageDown", "C-d", "Ctrl-d", "Alt-x", "F5", "Space".
    pub fn parse(s: &str) -> Result<KeyBinding, KeyParseError> {
        let bad = |reason: &'static str| KeyParseError {
            key: s.to_string(),
            reason,
        };
        if s.is_empty() {
            return Err(bad("the key is empty"));
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        // A lone "-" or "+" is a key, not a separator.
        while rest.chars().count() > 1 {
            let lower = rest.to_ascii_lowercase();
            let prefix = [
                "c-", "ctrl-", "ctrl+", "control-", "a-", "alt-", "alt+", "m-", "s-", "shift-",
                "shift+",
            ]
            .into_iter()
            .find(|p| lower.starts_with(p));
            let Some(p) = prefix else { break };
            mods |= match p.chars().next() {
                Some('c') => KeyModifiers::CONTROL,
                Some('a') | Some('m') => KeyModifiers::ALT,
                _ => KeyModifiers::SHIFT,
            };
            rest = &rest[p.len()..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && c != ' ' => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "enter" | "return" | "cr" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "s-tab" => KeyCode::BackTab,
                "backspace" | "bs" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(bad("unknown function key (F1 to F12)")),
                },
                _ => return Err(bad("unknown key name")),
            },
        };
        if mods.contains(KeyModifiers::SHIFT) {
            if code == KeyCode::Tab {
                return Ok(KeyBinding::new(KeyCode::BackTab, mods));
            }
            if let KeyCode::Char(c) = code {
                // "S-g" means "G"; there is no shifted "?".
                if !c.is_alphabetic() {
                    return Err(bad("shift only combines with letters and named keys"));
                }
                return Ok(KeyBinding::new(
                    KeyCode::Char(c.to_uppercase().next().unwrap_or(c)),
                    mods,
                ));
            }
        }
        Ok(KeyBinding::new(code, mods))
    }
}

impl fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("C-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("A-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("S-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::PageUp => f.write_str("PageUp"),
            KeyCode::PageDown => f.write_str("PageDown"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("BackTab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Insert => f.write_str("Insert"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read key \"{key}\": {reason}")]
pub struct KeyParseError {
    pub key: String,
    pub reason: &'static str,
}

/// A problem in the `[keys]` config table; each names the offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("cannot bind keys to \"{name}\" in [keys]: there is no such action (known actions: {known})")]
    UnknownAction { name: String, known: String },
    #[error("cannot bind a key to \"{action}\" in [keys] (examples of keys: \"j\", \"G\", \"Down\", \"C-d\", \"F5\")")]
    BadKey {
        action: String,
        #[source]
        source: KeyParseError,
    },
    #[error("cannot bind \"{key}\" in [keys] to both \"{first}\" and \"{second}\"; give each key to one action")]
    Conflict {
        key: String,
        first: String,
        second: String,
    },
}

/// The default bindings, vim keys first so that the help overlay shows them first.
pub fn default_bindings() -> BTreeMap<Command, Vec<&'static str>> {
    use Command::*;
    let table: [(Command, &[&'static str]); 43] = [
        (Up, &["k", "Up"]),
        (Down, &["j", "Down"]),
        (PageUp, &["C-u", "PageUp"]),
        (PageDown, &["C-d", "PageDown", "Space"]),
        (Top, &["g", "Home"]),
        (Bottom, &["G", "End"]),
        (Open, &["Enter", "l", "Right"]),
        (Back, &["Esc", "h", "Left"]),
        (Quit, &["q"]),
        (ForceQuit, &["C-c"]),
        (NextView, &["Tab", "]"]),
        (PrevView, &["BackTab", "["]),
        (ViewNeedsReply, &["1"]),
        (ViewOverdue, &["2"]),
        (ViewDueToday, &["3"]),
        (ViewAnswered, &["4"]),
        (ViewNotCustomer, &["5"]),
        (ViewAll, &["6"]),
        (ViewSnoozed, &["8"]),
        (ViewOlder, &["9"]),
        (PullIntoNeedsReply, &["p"]),
        (Reply, &["r"]),
        (Send, &["y"]),
        (EditTemplate, &["E"]),
        (NotCustomer, &["x"]),
        (MarkAnswered, &["a"]),
        (Snooze, &["s"]),
        (Undo, &["u"]),
        (Customer, &["c"]),
        (AddNote, &["n"]),
        (DeleteNote, &["D"]),
        (NotDuplicate, &["d"]),
        (FirstName, &["N"]),
        (NextFocus, &["f"]),
        (ToggleQuoted, &["z"]),
        (OpenPager, &["v"]),
        (OpenEditor, &["e"]),
        (SyncNow, &["S", "F5"]),
        (Search, &["/"]),
        (Stats, &["T", "7"]),
        (Outbox, &["o"]),
        (Rules, &["R"]),
        (Help, &["?", "F1"]),
    ];
    table
        .into_iter()
        .map(|(c, keys)| (c, keys.to_vec()))
        .collect()
}

/// Resolved bindings: key → command for dispatch, command → keys for the help overlay.
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<KeyBinding, Command>,
    by_command: BTreeMap<Command, Vec<KeyBinding>>,
}

impl Keymap {
    /// Defaults with the config's `[keys]` table applied. A command named in the table gets
    /// exactly the listed keys; a key the user gave to one command is taken away from the
    /// default of another, so a remap never needs a second line to free the key.
    pub fn from_config(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, KeymapError> {
        let mut user: BTreeMap<Command, Vec<KeyBinding>> = BTreeMap::new();
        let mut user_keys: HashMap<KeyBinding, Command> = HashMap::new();
        for (name, keys) in overrides {
            let Some(cmd) = Command::from_name(name) else {
                let known: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                return Err(KeymapError::UnknownAction {
                    name: name.clone(),
                    known: known.join(", "),
                });
            };
            let mut parsed = Vec::new();
            for k in keys {
                let kb = KeyBinding::parse(k).map_err(|source| KeymapError::BadKey {
                    action: name.clone(),
                    source,
                })?;
                if let Some(other) = user_keys.insert(kb, cmd) {
                    if other != cmd {
                        return Err(KeymapError::Conflict {
                            key: k.clone(),
                            first: other.name().to_string(),
                            second: name.clone(),
                        });
                    }
                }
                if !parsed.contains(&kb) {
                    parsed.push(kb);
                }
            }
            user.insert(cmd, parsed);
        }
        let mut by_command: BTreeMap<Command, Vec<KeyBinding>> = BTreeMap::new();
        for (cmd, keys) in default_bindings() {
            let keys = match user.remove(&cmd) {
                Some(u) => u,
                None => keys
                    .iter()
                    .filter_map(|k| KeyBinding::parse(k).ok())
                    .filter(|kb| !user_keys.contains_key(kb))
                    .collect(),
            };
            by_command.insert(cmd, keys);
        }
        let mut by_key = HashMap::new();
        for (cmd, keys) in &by_command {
            for kb in keys {
                by_key.insert(*kb, *cmd);
            }
        }
        Ok(Keymap { by_key, by_command })
    }

    pub fn command_for(&self, key: &KeyEvent) -> Option<Command> {
        self.by_key.get(&KeyBinding::from_event(key)).copied()
    }

    pub fn keys_for(&self, cmd: Command) -> &[KeyBinding] {
        self.by_command.get(&cmd).map(Vec::as_slice).unwrap_or(&[])
    }

    /// "k, Up" — for the help overlay and hints.
    pub fn describe(&self, cmd: Command) -> String {
        let keys: Vec<String> = self.keys_for(cmd).iter().map(ToString::to_string).collect();
        keys.join(", ")
    }

    /// The first key of a command, for one-word hints in the status bar ("? help").
    pub fn hint(&self, cmd: Command) -> String {
        self.keys_for(cmd)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

impl Default for Keymap {
    fn default() -> Keymap {
        // The defaults are constants checked by a unit test, so an empty override cannot fail.
        Keymap::from_config(&BTreeMap::new()).unwrap_or_else(|_| Keymap {
            by_key: HashMap::new(),
            by_command: BTreeMap::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn parses_key_strings() {
        let cases: &[(&str, KeyCode, KeyModifiers)] = &[
            ("j", KeyCode::Char('j'), KeyModifiers::NONE),
            ("G", KeyCode::Char('G'), KeyModifiers::NONE),
            ("S-g", KeyCode::Char('G'), KeyModifiers::NONE),
            ("?", KeyCode::Char('?'), KeyModifiers::NONE),
            ("-", KeyCode::Char('-'), KeyModifiers::NONE),
            ("Down", KeyCode::Down, KeyModifiers::NONE),
            ("pagedown", KeyCode::PageDown, KeyModifiers::NONE),
            ("C-d", KeyCode::Char('d'), KeyModifiers::CONTROL),
            ("Ctrl+d", KeyCode::Char('d'), KeyModifiers::CONTROL),
            ("alt-x", KeyCode::Char('x'), KeyModifiers::ALT),
            ("F5", KeyCode::F(5), KeyModifiers::NONE),
            ("Space", KeyCode::Char(' '), KeyModifiers::NONE),
            ("BackTab", KeyCode::BackTab, KeyModifiers::NONE),
            ("S-Tab", KeyCode::BackTab, KeyModifiers::NONE),
            ("Enter", KeyCode::Enter, KeyModifiers::NONE),
        ];
        for (s, code, mods) in cases {
            assert_eq!(
                KeyBinding::parse(s),
                Ok(KeyBinding::new(*code, *mods)),
                "{s}"
            );
        }
    }

    #[test]
    fn rejects_bad_key_strings() {
        for s in ["", "Dwn", "F13", "F0", "C-", "S-?", "jj"] {
            assert!(KeyBinding::parse(s).is_err(), "{s} should not parse");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in ["j", "G", "C-d", "Down", "F5", "Space", "BackTab", "A-x"] {
            let kb = KeyBinding::parse(s).unwrap();
            assert_eq!(KeyBinding::parse(&kb.to_string()), Ok(kb), "{s}");
        }
    }

    #[test]
    fn defaults_are_valid_and_unambiguous() {
        let mut seen = HashMap::new();
        for (cmd, keys) in default_bindings() {
            for k in keys {
                let kb = KeyBinding::parse(k).unwrap_or_else(|e| panic!("{e}"));
                if let Some(prev) = seen.insert(kb, cmd) {
                    panic!("{k} bound to {prev:?} and {cmd:?}");
                }
            }
        }
        assert_eq!(default_bindings().len(), Command::ALL.len());
    }

    #[test]
    fn shifted_letters_match_plain_uppercase_binding() {
        let km = Keymap::default();
        assert_eq!(
            km.command_for(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
        assert_eq!(
            km.command_for(&key(KeyCode::Char('G'), KeyModifiers::NONE)),
            Some(Command::Bottom)
        );
        assert_eq!(
            km.command_for(&key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Command::PageDown)
        );
    }

    #[test]
    fn overrides_replace_and_steal_keys() {
        let mut cfg = BTreeMap::new();
        cfg.insert("quit".to_string(), vec!["x".to_string()]);
        let km = Keymap::from_config(&cfg).unwrap();
        assert_eq!(
            km.command_for(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Command::Quit)
        );
        assert_eq!(
            km.command_for(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert!(km.keys_for(Command::NotCustomer).is_empty());
        assert_eq!(km.describe(Command::Quit), "x");
    }

    #[test]
    fn config_errors_name_the_bad_value() {
        /// A `[keys]` table and a word its error must contain.
        type Case<'a> = (&'a [(&'a str, &'a [&'a str])], &'a str);
        let cases: &[Case] = &[
            (&[("dwon", &["j"])], "\"dwon\""),
            (&[("down", &["Dwn"])], "\"down\""),
            (&[("down", &["j"]), ("up", &["j"])], "both"),
        ];
        for (table, needle) in cases {
            let cfg: BTreeMap<String, Vec<String>> = table
                .iter()
                .map(|(a, ks)| (a.to_string(), ks.iter().map(|k| k.to_string()).collect()))
                .collect();
            let err = Keymap::from_config(&cfg).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with("cannot"), "{text}");
            assert!(text.contains(needle), "{text}");
        }
    }
}
