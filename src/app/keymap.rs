//! Key bindings: defaults (vim keys and arrows), overridable per command from the `[keys]`
//! config table (`down = ["j", "Down"]`). Key strings are parsed strictly so that a typo in
//! the config is reported at start-up instead of silently leaving a command unbound.

use super::command::Command;
use crate::config::{Config, ConfigError};
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
        if rest.is_empty() {
            return Err(bad("a modifier needs a key after it, as in \"C-d\""));
        }
        let lower = s.to_ascii_lowercase();
        if ["cmd", "command", "super", "win", "meta", "hyper"]
            .iter()
            .any(|m| lower.starts_with(&format!("{m}-")) || lower.starts_with(&format!("{m}+")))
        {
            return Err(bad(
                "terminals do not pass Cmd, Super or Meta keys to programs; use C- (Ctrl) or A- (Alt)",
            ));
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
        /// Position of the bad key in the action's list, for the config's line.
        index: usize,
        #[source]
        source: KeyParseError,
    },
    #[error("cannot bind \"{key}\" in [keys] to both \"{first}\" and \"{second}\"; give each key to one action")]
    Conflict {
        key: String,
        first: String,
        /// Position of the key in the first action's list.
        first_index: usize,
        second: String,
        /// Position of the key in the second action's list.
        second_index: usize,
    },
}

/// The default bindings, vim keys first so that the help overlay shows them first.
pub fn default_bindings() -> BTreeMap<Command, Vec<&'static str>> {
    use Command::*;
    let table: [(Command, &[&'static str]); 61] = [
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
        (SendAndNext, &["Y"]),
        (EditHere, &["w"]),
        (EditTemplate, &["E"]),
        (NotCustomer, &["x"]),
        (MarkAnswered, &["a"]),
        (Snooze, &["s"]),
        (Undo, &["u"]),
        (Customer, &["c"]),
        (AddNote, &["i"]),
        (DeleteNote, &["D"]),
        (NotDuplicate, &["d"]),
        (NotSuspicious, &["t"]),
        (FirstName, &["F"]),
        (NextFocus, &["f"]),
        (ToggleQuoted, &["z"]),
        (OpenPager, &["v"]),
        (OpenEditor, &["e"]),
        (SyncNow, &["S", "F5"]),
        (Search, &["/"]),
        (NextHit, &["n"]),
        (PrevHit, &["N"]),
        (Stats, &["T", "7"]),
        (Outbox, &["o"]),
        (Rules, &["R"]),
        (Outreach, &["O"]),
        (NewCampaign, &["C"]),
        (Help, &["?", "F1"]),
        (Messages, &["!"]),
        (NextAttachment, &["A"]),
        (PrevAttachment, &["A-a"]),
        (OpenAttachment, &["C-o"]),
        (SaveAttachment, &["W"]),
        (SaveAllAttachments, &["A-w"]),
        (ToggleImages, &["I"]),
        (AttachFile, &["+"]),
        (RemoveAttachment, &["-"]),
        // The inbox list's own layer (see `Command::list_only`): these keys keep their other
        // meaning everywhere else.
        (ToggleMark, &["Space"]),
        (SelectRange, &["v"]),
    ];
    table
        .into_iter()
        .map(|(c, keys)| (c, keys.to_vec()))
        .collect()
}

/// Resolved bindings: key → command for dispatch, command → keys for the help overlay.
/// Keys of list-only commands live in their own layer (`list_keys`), consulted first on the
/// inbox list, so one key may mean "mark" there and "page down" in a conversation.
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<KeyBinding, Command>,
    list_keys: HashMap<KeyBinding, Command>,
    by_command: BTreeMap<Command, Vec<KeyBinding>>,
}

impl Keymap {
    /// Defaults with the config's `[keys]` table applied. A command named in the table gets
    /// exactly the listed keys; a key the user gave to one command is taken away from the
    /// default of another, so a remap never needs a second line to free the key.
    pub fn from_config(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, KeymapError> {
        let mut user: BTreeMap<Command, Vec<KeyBinding>> = BTreeMap::new();
        // Per layer (false: everywhere, true: the inbox list only): the keys the user gave.
        let mut user_keys: HashMap<(bool, KeyBinding), Command> = HashMap::new();
        // Where each key was first listed, for a conflict's message.
        let mut listed_at: HashMap<(bool, KeyBinding), usize> = HashMap::new();
        for (name, keys) in overrides {
            let Some(cmd) = Command::from_name(name) else {
                let known: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                return Err(KeymapError::UnknownAction {
                    name: name.clone(),
                    known: known.join(", "),
                });
            };
            let mut parsed = Vec::new();
            for (index, k) in keys.iter().enumerate() {
                let kb = KeyBinding::parse(k).map_err(|source| KeymapError::BadKey {
                    action: name.clone(),
                    index,
                    source,
                })?;
                if let Some(other) = user_keys.insert((cmd.list_only(), kb), cmd) {
                    if other != cmd {
                        return Err(KeymapError::Conflict {
                            key: k.clone(),
                            first: other.name().to_string(),
                            first_index: listed_at
                                .get(&(cmd.list_only(), kb))
                                .copied()
                                .unwrap_or(0),
                            second: name.clone(),
                            second_index: index,
                        });
                    }
                }
                listed_at.entry((cmd.list_only(), kb)).or_insert(index);
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
                    // A key the user gave away leaves the defaults of its layer; a key the
                    // user bound everywhere also leaves the list layer, so `page_down =
                    // ["Space"]` pages in the list too.
                    .filter(|kb| {
                        !user_keys.contains_key(&(cmd.list_only(), *kb))
                            && !user_keys.contains_key(&(false, *kb))
                    })
                    .collect(),
            };
            by_command.insert(cmd, keys);
        }
        let mut by_key = HashMap::new();
        let mut list_keys = HashMap::new();
        for (cmd, keys) in &by_command {
            let layer = if cmd.list_only() {
                &mut list_keys
            } else {
                &mut by_key
            };
            for kb in keys {
                layer.insert(*kb, *cmd);
            }
        }
        Ok(Keymap {
            by_key,
            list_keys,
            by_command,
        })
    }

    /// The command for a key on the inbox list: its own layer first, then the others.
    pub fn command_in_list(&self, key: &KeyEvent) -> Option<Command> {
        self.list_keys
            .get(&KeyBinding::from_event(key))
            .copied()
            .or_else(|| self.command_for(key))
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
            list_keys: HashMap::new(),
            by_command: BTreeMap::new(),
        })
    }
}

/// The `[keys]` table of a loaded config resolved, or its first problem worded like every other
/// config problem: the file, the key (`keys.reply[1]`), the value as written and its line.
/// `config check` and the inbox both call this, so they report a bad table the same way.
pub fn check_config(cfg: &Config) -> Result<Keymap, ConfigError> {
    Keymap::from_config(&cfg.keys).map_err(|e| match e {
        KeymapError::UnknownAction { name, known } => {
            let names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
            cfg.problem_at(
                &format!("keys.{name}"),
                format!(
                    "is not an action; {}the actions are: {known}",
                    crate::config::suggestion(&name, &names)
                ),
            )
        }
        KeymapError::BadKey {
            action,
            index,
            source,
        } => cfg.problem_at(
            &format!("keys.{action}[{index}]"),
            format!(
                "is not a key ({}); write keys like \"j\", \"G\", \"Down\", \"C-d\", \"A-x\", \"F5\"",
                source.reason
            ),
        ),
        KeymapError::Conflict {
            first,
            first_index,
            second,
            second_index,
            ..
        } => {
            let first_key = format!("keys.{first}[{first_index}]");
            let at = cfg
                .line_of(&first_key)
                .map(|l| format!(", line {l}"))
                .unwrap_or_default();
            cfg.problem_at(
                &format!("keys.{second}[{second_index}]"),
                format!("is also bound to \"{first}\" ({first_key}{at}); give each key to one action"),
            )
        }
    })
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
                if let Some(prev) = seen.insert((cmd.list_only(), kb), cmd) {
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
    fn list_layer_marks_in_the_list_and_leaves_other_screens_alone() {
        let km = Keymap::default();
        let space = key(KeyCode::Char(' '), KeyModifiers::NONE);
        let v = key(KeyCode::Char('v'), KeyModifiers::NONE);
        assert_eq!(km.command_in_list(&space), Some(Command::ToggleMark));
        assert_eq!(km.command_for(&space), Some(Command::PageDown));
        assert_eq!(km.command_in_list(&v), Some(Command::SelectRange));
        assert_eq!(km.command_for(&v), Some(Command::OpenPager));
        // Other keys fall through to the common layer in the list.
        let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(km.command_in_list(&j), Some(Command::Down));

        // Remapped: `b` marks, and Space bound to page_down by the user pages in the list too.
        let cfg: BTreeMap<String, Vec<String>> = [
            ("toggle_mark".to_string(), vec!["b".to_string()]),
            ("page_down".to_string(), vec!["Space".to_string()]),
        ]
        .into_iter()
        .collect();
        let km = Keymap::from_config(&cfg).unwrap();
        let b = key(KeyCode::Char('b'), KeyModifiers::NONE);
        assert_eq!(km.command_in_list(&b), Some(Command::ToggleMark));
        assert_eq!(km.command_for(&b), None);
        assert_eq!(km.command_in_list(&space), Some(Command::PageDown));
        // One key for a list command and another command is allowed: different layers.
        let cfg: BTreeMap<String, Vec<String>> = [
            ("select_range".to_string(), vec!["V".to_string()]),
            ("open_pager".to_string(), vec!["V".to_string()]),
        ]
        .into_iter()
        .collect();
        assert!(Keymap::from_config(&cfg).is_ok());
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

    #[test]
    fn modifier_without_key_and_cmd_keys_are_refused_with_a_reason() {
        let cases = [
            ("ctrl-", "a modifier needs a key after it"),
            ("C-", "a modifier needs a key after it"),
            ("cmd-r", "terminals do not pass Cmd"),
            ("super-x", "terminals do not pass Cmd"),
        ];
        for (s, reason) in cases {
            let err = KeyBinding::parse(s).unwrap_err();
            assert!(err.reason.contains(reason), "{s}: {err}");
        }
    }

    /// Every binding the example config shows (commented out) is valid once uncommented, so
    /// copying one never gives the owner an error.
    #[test]
    fn example_config_bindings_are_valid() {
        let example = include_str!("../../config.example.toml");
        let section: Vec<&str> = example
            .lines()
            .skip_while(|l| l.trim() != "[keys]")
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| l.contains(" = ["))
            .collect();
        assert!(
            section.len() >= 2,
            "found the example bindings: {section:?}"
        );
        let table: BTreeMap<String, Vec<String>> =
            toml::from_str(&section.join("\n")).expect("the examples are TOML");
        let km = Keymap::from_config(&table).unwrap_or_else(|e| panic!("{e}"));
        for (name, keys) in &table {
            let cmd = Command::from_name(name).expect("a known action");
            assert_eq!(km.keys_for(cmd).len(), keys.len(), "{name}");
        }
    }

    #[test]
    fn config_errors_say_where_the_key_is() {
        let mut cfg = BTreeMap::new();
        cfg.insert("down".to_string(), vec!["x".to_string(), "j".to_string()]);
        cfg.insert("up".to_string(), vec!["k".to_string(), "j".to_string()]);
        match Keymap::from_config(&cfg).unwrap_err() {
            KeymapError::Conflict {
                first,
                first_index,
                second,
                second_index,
                ..
            } => {
                assert_eq!((first.as_str(), first_index), ("down", 1));
                assert_eq!((second.as_str(), second_index), ("up", 1));
            }
            other => panic!("{other}"),
        }
        let mut cfg = BTreeMap::new();
        cfg.insert(
            "reply".to_string(),
            vec!["r".to_string(), "ctrl-".to_string()],
        );
        match Keymap::from_config(&cfg).unwrap_err() {
            KeymapError::BadKey { action, index, .. } => {
                assert_eq!((action.as_str(), index), ("reply", 1))
            }
            other => panic!("{other}"),
        }
    }
}
