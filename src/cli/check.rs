//! What `shopinbox config check` verifies beyond loading the file: everything that would
//! otherwise pass the check and break later — the `[keys]` table, `password_env` variables
//! that are not set, reply templates that do not parse or need an `[offers]` value the config
//! lacks. Each problem is one sentence with its file, line and value, and exits 2.

use crate::config::Config;
use crate::template::{Condition, Segment};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// Every problem of a loaded config that would break later, each one sentence with its file
/// and line: the `[keys]` table, `password_env` variables not set, the templates. Empty when
/// nothing will.
pub(super) fn later_problems(config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = crate::app::keymap::check_config(config) {
        problems.push(e.to_string());
    }
    problems.extend(config.environment_problems().iter().map(|e| e.to_string()));
    problems.extend(template_problems(config));
    problems
}

/// The templates folder is only read: `config check` never installs the starter templates.
fn template_problems(config: &Config) -> Vec<String> {
    let dir = config.templates_dir();
    let (templates, errors) = crate::template::load_templates(&dir);
    let mut problems: Vec<String> = errors
        .iter()
        .map(|e| format!("{e}; fix the template or move it out of {}", dir.display()))
        .collect();
    for t in &templates {
        let mut missing = Vec::new();
        if let Some(subject) = &t.subject {
            missing_offers(subject, &config.offers, &mut missing);
        }
        missing_offers(&t.body, &config.offers, &mut missing);
        for key in missing {
            let config_file = config
                .file
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "the config".to_string());
            problems.push(format!(
                "{}:{}: {{offer.{key}}} has no value: [offers] in {config_file} has no \"{key}\"; add {key} = \"…\" there or remove it from the template",
                t.path.display(),
                line_of(&t.path, &format!("{{offer.{key}")),
            ));
        }
    }
    problems
}

/// `shopinbox config check`'s verdict on the file at `path`: the loaded config, or every
/// problem (the load's and the later ones) as sentences, in the order found.
pub(super) fn check_file(path: &Path) -> Result<std::result::Result<Config, Vec<String>>> {
    let text = std::fs::read_to_string(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            crate::config::ConfigError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            crate::config::ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    let (config, errors) = crate::config::problems::check_text(&text, path);
    let mut problems: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    if let Some(c) = &config {
        problems.extend(later_problems(c));
    }
    match config {
        Some(c) if problems.is_empty() => Ok(Ok(c)),
        _ => Ok(Err(problems)),
    }
}

/// The 1-based line of the first `needle` in the file (1 when it cannot be read or found).
fn line_of(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            text.find(needle)
                .map(|at| text[..at].matches('\n').count() + 1)
        })
        .unwrap_or(1)
}

/// The `[offers]` keys `segments` would print while `offers` does not set them: the ones a
/// reply would be refused for. `{if offer.KEY}` is decided by the config (only the branch it
/// takes counts); any other condition may go either way, so both branches count.
fn missing_offers(segments: &[Segment], offers: &BTreeMap<String, String>, out: &mut Vec<String>) {
    for s in segments {
        match s {
            Segment::Offer { key } if !offers.contains_key(key) && !out.contains(key) => {
                out.push(key.clone())
            }
            Segment::If {
                condition: Condition::Offer(key),
                then,
                otherwise,
            } => {
                let taken = if offers.contains_key(key) {
                    then
                } else {
                    otherwise
                };
                missing_offers(taken, offers, out);
            }
            Segment::If {
                then, otherwise, ..
            } => {
                missing_offers(then, offers, out);
                missing_offers(otherwise, offers, out);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    #[test]
    fn only_offers_a_reply_would_print_unset_count() {
        let offers: BTreeMap<String, String> = [("code".to_string(), "X".to_string())]
            .into_iter()
            .collect();
        let cases: &[(&str, &[&str])] = &[
            ("Hi {offer.code}", &[]),
            ("Hi {offer.amount}", &["amount"]),
            ("{if offer.amount}Take {offer.amount}{end}", &[]),
            ("{if offer.amount}x{else}{offer.amount}{end}", &["amount"]),
            ("{if offer.code}{offer.amount}{end}", &["amount"]),
            (
                "{if late}{offer.amount}{end} {offer.other}",
                &["amount", "other"],
            ),
        ];
        for (body, want) in cases {
            let t = Template::parse(Path::new("t.txt"), &format!("name: t\n\n{body}\n"))
                .unwrap_or_else(|e| panic!("{body}: {e:?}"));
            let mut got = Vec::new();
            missing_offers(&t.body, &offers, &mut got);
            assert_eq!(got, *want, "{body}");
        }
    }
}
