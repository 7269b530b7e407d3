//! Loading with positions and messages: the text's keys and where each is written, the walk
//! that rejects unknown keys before serde runs, and the translation of serde's errors into a
//! sentence naming the key, the value as written and its line.
//!
//! The positions come from toml's own spanned parse ([`toml::de::DeTable`]), kept as a flat
//! list of dotted paths (`hours.holidays[1]`, `orders.source[0].name`): every check, and the
//! problems found after loading ([`super::Config::problem_at`]), names a key by such a path,
//! and `config check` ([`super::problems`]) blanks a key by its span. `toml::Spanned` fields
//! cannot take this over: a span does not survive serde's `flatten`, which `[imap]` and
//! `[smtp]` use to share their keys.

use super::raw::{self, RawConfig, RawImap};
use super::ConfigError;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One key (or array element) of the document and where it is written.
pub(super) struct Entry {
    pub path: String,
    pub key: Range<usize>,
    pub value: Range<usize>,
    pub is_table: bool,
}

/// The text being loaded, its file name and where each dotted key path is written, so every
/// message can quote the value as written and give its line.
pub(super) struct Ctx<'a> {
    pub text: &'a str,
    pub path: &'a Path,
    /// In reading order.
    pub entries: Vec<Entry>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(text: &'a str, path: &'a Path) -> Result<Ctx<'a>, ConfigError> {
        let mut ctx = Ctx {
            text,
            path,
            entries: Vec::new(),
        };
        let table = toml::de::DeTable::parse(text).map_err(|e| {
            let (line, column) = ctx.position(e.span().map(|s| s.start).unwrap_or(0));
            ConfigError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().replace('\n', "; "),
            }
        })?;
        index_table(table.get_ref(), "", &mut ctx.entries);
        // Report problems in reading order, not in the map's key order.
        ctx.entries.sort_by_key(|e| e.key.start);
        Ok(ctx)
    }

    /// The raw shape of the text: unknown keys first (with their line), then serde.
    pub(super) fn raw(&self) -> Result<RawConfig, ConfigError> {
        self.check_known_keys()?;
        toml::from_str(self.text).map_err(|e| self.serde_error(&e))
    }

    /// 1-based line and column of a byte offset.
    pub(super) fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    pub(super) fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.path == key)
    }

    pub(super) fn line_of(&self, key: &str) -> Option<usize> {
        self.entry(key).map(|e| self.position(e.key.start).0)
    }

    /// The value of `key` as written in the file, on one line and at most 60 characters.
    fn written(&self, key: &str) -> String {
        let raw = self
            .entry(key)
            .and_then(|e| self.text.get(e.value.clone()))
            .unwrap_or("");
        let one_line: String = raw.split('\n').next().unwrap_or("").trim().to_string();
        let mut shown: String = one_line.chars().take(60).collect();
        if shown.len() < raw.trim().len() {
            shown.push('…');
        }
        shown
    }

    pub(super) fn invalid(&self, key: &str, problem: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            key: key.to_string(),
            value: self.written(key),
            line: self.line_of(key),
            problem: problem.into(),
        }
    }

    /// `key` ("imap.username") is required but not written.
    pub(super) fn missing(&self, key: &str) -> ConfigError {
        let (section, field) = key.split_once('.').unwrap_or(("", key));
        ConfigError::MissingKey {
            path: self.path.to_path_buf(),
            what: format!("key \"{key}\""),
            hint: format!(
                "add {field} = … to [{section}] (see config.example.toml for what it means)"
            ),
        }
    }

    /// Reject sections and keys that shopinbox does not know, with their line and the keys
    /// that would be accepted (a misspelt key would otherwise silently fall back to a default).
    fn check_known_keys(&self) -> Result<(), ConfigError> {
        let sections = raw::sections();
        let names: Vec<&str> = sections
            .iter()
            .map(|s| s.name)
            .filter(|n| !n.contains('.'))
            .collect();
        let keys_of = |name: &str| sections.iter().find(|s| s.name == name).map(|s| &s.keys);
        for e in &self.entries {
            let line = self.position(e.key.start).0;
            let (section, rest) = match e.path.split_once('.') {
                Some((s, r)) => (s, Some(r)),
                None => (e.path.as_str(), None),
            };
            let Some(keys) = keys_of(section) else {
                return Err(ConfigError::UnknownKey {
                    path: self.path.to_path_buf(),
                    key: e.path.clone(),
                    line,
                    known: format!(
                        "{}known sections are: {}",
                        did_you_mean(section, &names),
                        names
                            .iter()
                            .map(|s| format!("[{s}]"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            };
            let Some(rest) = rest else {
                if !e.is_table {
                    return Err(self.invalid(
                        section,
                        format!("is not a section; write it as a [{section}] table with its keys below it"),
                    ));
                }
                continue;
            };
            let Some(keys) = keys else { continue };
            let key = rest.split(['.', '[']).next().unwrap_or(rest);
            if !keys.contains(&key) {
                let full = format!("{section}.{key}");
                return Err(self.unknown(line, &full, key, section, keys));
            }
            // A table inside the section (`[orders.import]`, `[[orders.source]]`).
            let nested = format!("{section}.{key}");
            let (Some(Some(inner)), Some(after)) = (keys_of(&nested), rest.get(key.len()..)) else {
                continue;
            };
            let after = match after.strip_prefix('[') {
                Some(a) => a.split_once(']').map_or("", |(_, tail)| tail),
                None => after,
            };
            if let Some(sub) = after.strip_prefix('.') {
                let sub = sub.split(['.', '[']).next().unwrap_or(sub);
                if !inner.contains(&sub) {
                    return Err(self.unknown(line, &e.path, sub, &nested, inner));
                }
            }
        }
        Ok(())
    }

    /// `key` (its last part `word`) is not one of `table`'s `keys`.
    fn unknown(
        &self,
        line: usize,
        key: &str,
        word: &str,
        table: &str,
        keys: &[&str],
    ) -> ConfigError {
        ConfigError::UnknownKey {
            path: self.path.to_path_buf(),
            key: key.to_string(),
            line,
            known: format!(
                "{}known keys in [{table}] are: {}",
                did_you_mean(word, keys),
                keys.join(", ")
            ),
        }
    }

    /// Turn a serde error (wrong type, missing key) into a sentence naming the key.
    fn serde_error(&self, e: &toml::de::Error) -> ConfigError {
        let message = e.message().trim().to_string();
        let span = e.span().unwrap_or(0..0);
        // The innermost entry whose key or value contains the error span.
        let owner = self
            .entries
            .iter()
            .filter(|en| {
                (en.value.start <= span.start && span.end <= en.value.end && span != (0..0))
                    || (en.key.start <= span.start && span.end <= en.key.end && span != (0..0))
            })
            .min_by_key(|en| en.value.end - en.value.start)
            .map(|en| en.path.clone());
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            return match owner {
                Some(section) => self.missing(&format!("{section}.{field}")),
                None => ConfigError::MissingKey {
                    path: self.path.to_path_buf(),
                    what: format!("section [{field}]"),
                    hint: format!("add a [{field}] section (see config.example.toml for its keys)"),
                },
            };
        }
        // A flattened section (`[imap]`) reports a wrong value at the table: find its key.
        let owner = match owner {
            Some(o) if o == "imap" || o == "smtp" => Some(self.flattened_culprit(&o).unwrap_or(o)),
            other => other,
        };
        match owner {
            Some(key) => self.invalid(&key, type_problem(&message)),
            None => {
                let (line, column) = self.position(span.start);
                ConfigError::Syntax {
                    path: self.path.to_path_buf(),
                    line,
                    column,
                    message,
                }
            }
        }
    }

    /// The key of `[imap]` or `[smtp]` whose value alone does not fit its field, in reading
    /// order. serde reads a flattened struct from a buffered copy of the table, which has no
    /// positions, so each key is tried on its own.
    fn flattened_culprit(&self, section: &str) -> Option<String> {
        let doc: toml::Table = toml::from_str(self.text).ok()?;
        let table = doc.get(section)?.as_table()?;
        let prefix = format!("{section}.");
        self.entries
            .iter()
            .filter_map(|e| e.path.strip_prefix(&prefix).map(|k| (e, k)))
            .filter(|(_, k)| !k.contains(['.', '[']))
            .find(|(_, k)| {
                let Some(value) = table.get(*k) else {
                    return false;
                };
                let alone: toml::Table = [(k.to_string(), value.clone())].into_iter().collect();
                toml::Value::Table(alone).try_into::<RawImap>().is_err()
            })
            .map(|(e, _)| e.path.clone())
    }
}

/// Say what serde expected in a shop owner's words: TOML dates and times (`open = 09:00`)
/// arrive as maps, and Rust integer type names mean nothing to most readers.
fn type_problem(message: &str) -> String {
    let expected = message.rsplit_once("expected ").map_or("", |(_, e)| e);
    let wanted = match expected {
        "a string" => "text in double quotes (e.g. \"09:00\")",
        "u16" | "u32" | "u64" => "a whole number of 0 or more",
        "i64" | "i32" => "a whole number",
        "a boolean" => "true or false",
        "a sequence" => "a list in brackets (e.g. [\"a\", \"b\"])",
        "a map" | "struct" => "a table",
        _ => return format!("is not valid here ({message}); see config.example.toml"),
    };
    format!("has the wrong type; it must be {wanted}")
}

fn index_table(table: &toml::de::DeTable<'_>, prefix: &str, out: &mut Vec<Entry>) {
    for (k, v) in table.iter() {
        let path = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        out.push(Entry {
            path: path.clone(),
            key: k.span(),
            value: v.span(),
            is_table: matches!(v.get_ref(), toml::de::DeValue::Table(_)),
        });
        index_value(v.get_ref(), &path, out);
    }
}

fn index_value(value: &toml::de::DeValue<'_>, path: &str, out: &mut Vec<Entry>) {
    match value {
        toml::de::DeValue::Table(t) => index_table(t, path, out),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                out.push(Entry {
                    path: item_path.clone(),
                    key: item.span(),
                    value: item.span(),
                    is_table: matches!(item.get_ref(), toml::de::DeValue::Table(_)),
                });
                index_value(item.get_ref(), &item_path, out);
            }
        }
        _ => {}
    }
}

/// `~/x` → home/x; relative paths are taken from the config file's directory so a config and
/// its store/templates can travel together.
pub(super) fn resolve_path(raw: &str, base: Option<&Path>) -> PathBuf {
    let raw = raw.trim();
    if let Some(rest) = raw.strip_prefix("~/") {
        if let Some(home) = directories::BaseDirs::new() {
            return home.home_dir().join(rest);
        }
    }
    let p = PathBuf::from(raw);
    match base {
        Some(base) if p.is_relative() => base.join(p),
        _ => p,
    }
}

/// A bare `local@domain` with nothing that would break a header.
pub(super) fn is_plain_address(addr: &str) -> bool {
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>(),;:\"[]".contains(c))
        && !local.contains('@')
}

/// "did you mean "close"? " when `word` looks like a typo of one of `candidates`, else "".
pub(super) fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match closest(word, candidates) {
        Some(c) => format!("did you mean \"{c}\"? "),
        None => String::new(),
    }
}

/// The candidate nearest to `word` (case-insensitive), if it is near enough to be a typo
/// rather than a different word. The distance counts a swap of two neighbouring letters as
/// one edit (optimal string alignment), since "clsoe" is one slip of the fingers from "close".
pub(super) fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (strsim::osa_distance(&word, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
