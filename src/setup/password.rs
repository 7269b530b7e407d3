//! Typed passwords (`password_keyring = true`): setup keeps the one the owner typed, and
//! `shopinbox password` changes it, asking with hidden input (or reading standard input's
//! first line with `--stdin`). It goes to the system keyring, else a file readable only by the
//! owner ([`crate::config::secret`]); it is never printed and never in an error.

use crate::config::secret::{Kept, Place};
use crate::config::{Config, PasswordSource, ServerAuth};
use crate::exit::{Exit, USAGE};
use std::io::{BufRead, IsTerminal, Write};

/// A typed password; its `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Typed(pub String);

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Typed(<redacted>)")
    }
}

/// The servers of `cfg` whose password is typed and kept by shopinbox.
pub fn kept(cfg: &Config) -> Vec<(&'static str, &Kept)> {
    let imap = cfg.imap.as_ref().map(|i| ("imap", &i.auth));
    let smtp = cfg.smtp.as_ref().map(|s| ("smtp", &s.auth));
    [imap, smtp]
        .into_iter()
        .flatten()
        .filter_map(|(section, auth)| match auth {
            ServerAuth::Password(PasswordSource::Keyring(k)) => Some((section, k)),
            _ => None,
        })
        .collect()
}

/// Stores `password` for every server of `cfg` that keeps a typed one, and says where.
pub fn keep(cfg: &Config, password: &Typed, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut said: Vec<Place> = Vec::new();
    for (_, k) in kept(cfg) {
        let place = k.save(&password.0)?;
        if !said.contains(&place) {
            writeln!(out, "Kept the password {}.", place.describe())?;
            said.push(place);
        }
    }
    Ok(())
}

/// The first line of standard input (a script's `--stdin` or `setup --answers`).
pub fn from_stdin() -> anyhow::Result<Typed> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let pw = line.trim_end_matches(['\n', '\r']).to_string();
    if pw.is_empty() {
        return Err(Exit::new(
            USAGE,
            "no password on standard input; give it as the first line (e.g. from a password manager's command)",
        )
        .into());
    }
    Ok(Typed(pw))
}

/// Asks for the password with hidden input.
pub fn ask(message: &str, help: &str) -> anyhow::Result<Typed> {
    let pw = inquire::Password::new(message)
        .with_display_mode(inquire::PasswordDisplayMode::Hidden)
        .without_confirmation()
        .with_help_message(help)
        .with_validator(|s: &str| {
            Ok(if s.is_empty() {
                inquire::validator::Validation::Invalid("type the password".into())
            } else {
                inquire::validator::Validation::Valid
            })
        })
        .prompt()
        .map_err(|e| match e {
            inquire::InquireError::OperationCanceled
            | inquire::InquireError::OperationInterrupted => {
                Exit::new(USAGE, "stopped; the password was not changed").into()
            }
            other => anyhow::Error::new(Exit::new(
                USAGE,
                format!("cannot ask for the password here: {other}; use --stdin in scripts"),
            )),
        })?;
    Ok(Typed(pw))
}

/// `shopinbox password`.
pub fn run(cfg: &Config, stdin: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let servers = kept(cfg);
    if servers.is_empty() {
        return Err(Exit::new(
            USAGE,
            "no server in the config keeps a typed password; add password_keyring = true to [imap] and [smtp] (in place of password_command or password_env), then run `shopinbox password` again",
        )
        .into());
    }
    let typed = if stdin {
        from_stdin()?
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(Exit::new(
                USAGE,
                "`shopinbox password` asks in a terminal; in scripts give the password on standard input with --stdin",
            )
            .into());
        }
        let user = cfg
            .imap
            .as_ref()
            .map(|i| i.username.clone())
            .or_else(|| cfg.smtp.as_ref().map(|s| s.username.clone()))
            .unwrap_or_default();
        ask(
            &format!("New password for {}:", crate::mail::sanitize::line(&user)),
            "hidden as you type; an app password works too",
        )?
    };
    keep(cfg, &typed, out)?;
    writeln!(
        out,
        "`shopinbox sync` and the inbox use it from now on; `shopinbox config check` says where it is."
    )?;
    Ok(())
}
