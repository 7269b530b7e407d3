//! Every problem of a config file in one run, for `config check`. The load ([`Config::parse`])
//! stops at the first problem; here, after each one the offending key is set aside (blanked,
//! or given a harmless stand-in when the config cannot do without it) and the text is loaded
//! again, until it loads or a problem cannot be set aside (invalid TOML, a missing section).
//! Line numbers stay those of the owner's file: blanking keeps every newline, and lines added
//! for a missing key are counted back out.

use super::load::Ctx;
use super::{Config, ConfigError};
use std::path::Path;

/// Values for the keys a config cannot load without, used in place of a wrong or missing one
/// so that the rest of the file is still checked. Never written anywhere.
const STAND_INS: &[(&str, &str)] = &[
    ("shop.name", "\"shop\""),
    ("shop.owner_name", "\"owner\""),
    ("shop.addresses", "[\"shop@example.com\"]"),
    ("hours.time_zone", "\"UTC\""),
    ("imap.host", "\"localhost\""),
    ("imap.username", "\"user\""),
    ("smtp.host", "\"localhost\""),
    ("smtp.username", "\"user\""),
];

fn stand_in(key: &str) -> Option<&'static str> {
    STAND_INS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// What a load of `text` at `path` found: the config as loaded with the problems set aside
/// (for the checks that need a loaded config: keys, templates, the environment), when that
/// loads at all, and every problem in the order found. No problems: the config is the file's.
pub fn check_text(text: &str, path: &Path) -> (Option<Config>, Vec<ConfigError>) {
    let mut text = text.to_string();
    let mut errors: Vec<ConfigError> = Vec::new();
    // Lines added for missing keys, as line numbers of the current text.
    let mut added: Vec<usize> = Vec::new();
    for _ in 0..200 {
        let err = match Config::parse(&text, path) {
            Ok(cfg) => return (Some(cfg), errors),
            Err(e) => e,
        };
        let next = set_aside(&text, path, &err);
        let err = in_file_lines(err, &added);
        if errors.iter().any(|e| e.to_string() == err.to_string()) {
            break;
        }
        errors.push(err);
        match next {
            Some((t, Some(line))) => {
                for l in added.iter_mut() {
                    if *l >= line {
                        *l += 1;
                    }
                }
                added.push(line);
                text = t;
            }
            Some((t, None)) => text = t,
            None => break,
        }
    }
    (None, errors)
}

/// An error's line as a line of the owner's file (before the added lines).
fn in_file_lines(err: ConfigError, added: &[usize]) -> ConfigError {
    let back = |l: usize| l - added.iter().filter(|a| **a < l).count();
    match err {
        ConfigError::Invalid {
            path,
            key,
            value,
            line,
            problem,
        } => ConfigError::Invalid {
            path,
            key,
            value,
            line: line.map(back),
            problem,
        },
        ConfigError::UnknownKey {
            path,
            key,
            line,
            known,
        } => ConfigError::UnknownKey {
            path,
            key,
            line: back(line),
            known,
        },
        other => other,
    }
}

/// `text` with the key `err` is about set aside, and the line added (1-based) if one was;
/// `None` when it cannot be.
fn set_aside(text: &str, path: &Path, err: &ConfigError) -> Option<(String, Option<usize>)> {
    let ctx = Ctx::new(text, path).ok()?;
    match err {
        ConfigError::UnknownKey { key, .. } => {
            let entry = ctx.entry(key).or_else(|| {
                // An unknown section: its header entry.
                let section = key.split('.').next().unwrap_or(key);
                ctx.entry(section)
            })?;
            if entry.is_table {
                Some((blank_table(text, entry.key.start), None))
            } else {
                Some((blank(text, entry.key.start..entry.value.end), None))
            }
        }
        ConfigError::Invalid { key, .. } => {
            let whole = key.split('[').next().unwrap_or(key);
            let entry = ctx.entry(whole)?;
            if entry.is_table {
                return Some((blank_table(text, entry.key.start), None));
            }
            match stand_in(whole) {
                Some(v) => Some((replace(text, entry.value.clone(), v), None)),
                None => Some((blank(text, entry.key.start..entry.value.end), None)),
            }
        }
        ConfigError::MissingKey { what, .. } => {
            let key = what.strip_prefix("key \"")?.strip_suffix('"')?;
            let (section, name) = key.split_once('.')?;
            let value = stand_in(key)?;
            insert_after_header(&ctx, text, section, &format!("{name} = {value}"))
        }
        ConfigError::NoPasswordSource { section, .. } => {
            insert_after_header(&ctx, text, section, "password_command = \"true\"")
        }
        _ => None,
    }
}

/// `range` of `text` as spaces, its newlines kept (so every line keeps its number).
fn blank(text: &str, range: std::ops::Range<usize>) -> String {
    replace(text, range, "")
}

/// `range` of `text` replaced by `with`, padded with the newlines the range held.
fn replace(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let (Some(before), Some(inner), Some(after)) = (
        text.get(..range.start),
        text.get(range.clone()),
        text.get(range.end..),
    ) else {
        return text.to_string();
    };
    let newlines = "\n".repeat(inner.matches('\n').count());
    format!("{before}{with}{newlines}{after}")
}

/// The table whose header starts at `offset` blanked, up to the next header.
fn blank_table(text: &str, offset: usize) -> String {
    let start = text
        .get(..offset)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let mut end = text.len();
    let mut at = text
        .get(offset..)
        .and_then(|t| t.find('\n'))
        .map(|i| offset + i + 1);
    while let Some(line_start) = at {
        if text
            .get(line_start..)
            .is_some_and(|l| l.trim_start().starts_with('['))
        {
            end = line_start;
            break;
        }
        at = text
            .get(line_start..)
            .and_then(|t| t.find('\n'))
            .map(|i| line_start + i + 1);
    }
    blank(text, start..end)
}

/// `line` added under `[section]`'s header; the new line's number.
fn insert_after_header(
    ctx: &Ctx<'_>,
    text: &str,
    section: &str,
    line: &str,
) -> Option<(String, Option<usize>)> {
    let header = ctx.entry(section).filter(|e| e.is_table)?;
    let eol = text.get(header.key.start..)?.find('\n')? + header.key.start + 1;
    let number = ctx.position(eol).0;
    let (before, after) = (text.get(..eol)?, text.get(eol..)?);
    Some((format!("{before}{line}\n{after}"), Some(number)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"[shop]
name = "Alphx"
owner_name = "Tom"
addresses = ["hello@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"
open = "09:00"
close = "17:00"
holidays = ["2026-12-25"]

[imap]
host = "imap.alphx.shop"
username = "hello@alphx.shop"
password_env = "SHOP_PW"

[smtp]
host = "smtp.alphx.shop"
username = "hello@alphx.shop"
password_env = "SHOP_PW"
"#;

    fn problems(text: &str) -> Vec<String> {
        check_text(text, Path::new("/shop/config.toml"))
            .1
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn a_good_config_has_no_problems() {
        let (cfg, errors) = check_text(GOOD, Path::new("/shop/config.toml"));
        assert!(cfg.is_some());
        assert!(errors.is_empty());
    }

    #[test]
    fn every_problem_is_found_with_its_own_line() {
        let bad = GOOD
            .replace("name = \"Alphx\"", "name = \"\"")
            .replace("Europe/Berlin", "Europe/Berln")
            .replace("close = \"17:00\"", "clsoe = \"17:00\"")
            .replace("\"2026-12-25\"", "\"2026-12-32\"")
            .replace(
                "host = \"smtp.alphx.shop\"",
                "host = \"smtp.alphx.shop\"\nsecurity = \"ssl\"",
            )
            .replace("[smtp]\n", "[smtp]\nport = 0\n");
        let got = problems(&bad);
        let want = [
            "unknown key \"hours.clsoe\" (line 9)",
            "shop.name = \"\" (line 2)",
            "hours.time_zone = \"Europe/Berln\" (line 7)",
            "hours.holidays[0] = \"2026-12-32\" (line 10)",
            "smtp.port = 0 (line 18)",
            "smtp.security = \"ssl\" (line 20)",
        ];
        assert_eq!(got.len(), want.len(), "{got:#?}");
        for w in want {
            assert!(
                got.iter().any(|g| g.contains(w)),
                "{w:?} missing in {got:#?}"
            );
        }
    }

    #[test]
    fn missing_keys_and_password_sources_do_not_stop_the_check() {
        let bad = GOOD
            .replace("time_zone = \"Europe/Berlin\"\n", "")
            .replace("password_env = \"SHOP_PW\"\n\n[smtp]", "\n[smtp]")
            .replace("open = \"09:00\"", "open = \"9\"");
        let got = problems(&bad);
        assert!(
            got.iter()
                .any(|g| g.contains("missing key \"hours.time_zone\"")),
            "{got:#?}"
        );
        assert!(
            got.iter()
                .any(|g| g.contains("no password source in [imap]")),
            "{got:#?}"
        );
        let open = got
            .iter()
            .find(|g| g.contains("hours.open"))
            .expect("open reported");
        assert!(open.contains("(line 7)"), "{open}");
    }

    #[test]
    fn invalid_toml_is_one_problem() {
        let got = problems("[shop\nname = 1\n");
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(got[0].contains("invalid TOML"), "{got:?}");
    }
}
