//! What `shopinbox config check` verifies beyond loading the file: everything that would
//! otherwise pass the check and break later — the `[keys]` table, `password_env` variables
//! that are not set, reply templates that do not parse or need an `[offers]` value the config
//! lacks. Each problem is one sentence with its file, line and value, and exits 2.
//! The `config check|path|example` command itself, with the sender-check and sharing lines
//! of the report, lives here too.

use super::env::config_path;
use super::{clock_for, Cli};
use crate::config::Config;
use crate::store::Store;
use crate::template::{Condition, Segment};
use anyhow::{bail, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::collections::BTreeMap;
use std::io::Write;
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

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and show the business calendar it implies.
    Check,
    /// Print the path of the configuration file that would be used.
    Path,
    /// Print the documented example configuration (every key explained).
    Example,
}

/// `config check|path|example`.
pub(super) fn config(cli: &Cli, command: &ConfigCommand) -> Result<i32> {
    match command {
        ConfigCommand::Example => {
            out!("{}", crate::setup::EXAMPLE_CONFIG);
            Ok(0)
        }
        ConfigCommand::Check => {
            let path = config_path(cli)?;
            let config = match check_file(&path)? {
                Ok(config) => config,
                Err(problems) => {
                    // Every problem, one sentence a line, so one run finds them all.
                    for p in &problems {
                        eprintln!("error: {}", crate::mail::sanitize::line(p));
                    }
                    if problems.len() > 1 {
                        eprintln!(
                            "{} problems in {}; fix them and run `shopinbox config check` again.",
                            problems.len(),
                            crate::mail::sanitize::line(&path.display().to_string())
                        );
                    }
                    return Ok(crate::exit::USAGE);
                }
            };
            let now = clock_for(cli.now.as_deref(), &config)?.now();
            out!("{}", crate::config::check_report(&config, &path, now));
            outln!("Sender checks:  {}", sender_checks(&config, now)?);
            outln!("Sharing:        {}", sharing_check(&config, now)?);
            Ok(0)
        }
        ConfigCommand::Path => {
            match cli
                .config
                .clone()
                .or_else(crate::config::default_config_path)
            {
                Some(p) => {
                    outln!("{}", crate::mail::sanitize::line(&p.display().to_string()))
                }
                None => bail!("cannot find a home directory for the configuration"),
            }
            Ok(0)
        }
    }
}

/// Whether the owner's marks are shared with other copies (issue 26), and what the last sync
/// could share. Reads the store only when it exists.
fn sharing_check(config: &crate::config::Config, now: DateTime<Utc>) -> Result<String> {
    let Some(name) = &config.sharing else {
        return Ok(
            "off: marks stay on this computer ([sharing] enabled = true shares them)".into(),
        );
    };
    let path = config.store_path();
    let last = if path.exists() {
        let store = Store::open(&path, config.shop_context(crate::clock::Clock::fixed(now)))?;
        let pending = store.shared_pending()?;
        let status = store
            .sharing_status()?
            .unwrap_or_else(|| "not synced since sharing was turned on".to_string());
        format!("{status}; {pending} change(s) waiting to be shared")
    } else {
        "no sync yet".to_string()
    };
    Ok(crate::mail::sanitize::line(&format!(
        "on as \"{name}\" through the folder {}; last sync: {last}",
        crate::shared::STATE_FOLDER
    )))
}

/// What the shop's recent incoming mail says about its provider's sender checks (the signal
/// orders, the shop's own address and suspicious mail are judged by). Reads the store only
/// when it exists: `config check` never creates one.
fn sender_checks(config: &crate::config::Config, now: DateTime<Utc>) -> Result<String> {
    let path = config.store_path();
    let configured = config.shop.authserv_id.as_deref();
    if !path.exists() {
        return Ok(crate::mail::auth::ProviderSummary::default().describe(configured));
    }
    let store = Store::open(&path, config.shop_context(crate::clock::Clock::fixed(now)))?;
    let raws = store.recent_incoming_raw(50)?;
    Ok(
        crate::mail::auth::ProviderSummary::of(raws.iter().map(Vec::as_slice), configured)
            .describe(configured),
    )
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
