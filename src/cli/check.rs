//! What `shopinbox config check` verifies beyond loading the file: everything that would
//! otherwise pass the check and break later — the `[keys]` table, `password_env` variables
//! that are not set, reply templates that do not parse or need an `[offers]` value the config
//! lacks. Each problem is one sentence with its file, line and value, and exits 2.

use crate::config::Config;
use crate::exit::{Exit, USAGE};
use anyhow::Result;
use std::path::Path;

/// The first problem of a loaded config, or `Ok` when nothing will break later.
pub(super) fn check_config(config: &Config) -> Result<()> {
    crate::app::keymap::check_config(config)?;
    config.check_environment()?;
    check_templates(config)?;
    Ok(())
}

/// The templates folder is only read: `config check` never installs the starter templates.
fn check_templates(config: &Config) -> Result<()> {
    let dir = config.templates_dir();
    let (templates, errors) = crate::template::load_templates(&dir);
    let more = |n: usize| match n {
        0 => String::new(),
        1 => " (and 1 more problem; `shopinbox templates` lists them)".to_string(),
        n => format!(" (and {n} more problems; `shopinbox templates` lists them)"),
    };
    let mut problems: Vec<String> = errors
        .iter()
        .map(|e| format!("{e}; fix the template or move it out of {}", dir.display()))
        .collect();
    for t in &templates {
        for key in t.offer_keys() {
            if config.offers.contains_key(&key) {
                continue;
            }
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
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(Exit::new(USAGE, format!("{first}{}", more(problems.len() - 1))).into()),
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
