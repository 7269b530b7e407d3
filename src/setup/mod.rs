//! `shopinbox setup`: the guided first run for a binary-only install, which has no
//! config.example.toml to copy. It asks the shop's address (and recognises the provider from
//! it, [`providers`]), the shop's and the owner's names, the time zone and hours, and where the
//! password comes from; logs in to IMAP and SMTP with the result ([`check`]); and writes a
//! commented, private config plus the starter templates ([`write`]). The same answers can come
//! from `--answers FILE` and flags ([`answers`]) for scripts and tests: then nothing is asked.
//!
//! One path for both forms: answers → [`answers::resolve`] → a [`answers::Plan`] → rendered
//! config text → loaded back through [`Config::parse`] (what is written always loads) → login
//! check → written.

pub mod answers;
pub mod check;
pub mod holidays;
pub mod password;
mod prompt;
pub mod providers;
pub mod write;

use crate::config::Config;
use crate::exit::{Exit, UNAVAILABLE, USAGE};
use crate::mail::sanitize;
use answers::{Answers, Login, Plan};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The documented example config (`shopinbox config example`), embedded so a binary-only
/// install has it too.
pub const EXAMPLE_CONFIG: &str = include_str!("../../config.example.toml");

/// `shopinbox setup`'s arguments. With `--answers` or `--email` nothing is asked: the
/// answers file and the flags (which win) must hold everything.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SetupArgs {
    /// Take the answers from this TOML file instead of asking (keys: email, provider,
    /// shop_name, owner_name, language, from_name, signature, time_zone, business_days,
    /// country, region, open, close, username, password_keyring = true (the password on
    /// standard input) | password_command | password_env | token_command | oauth2_client_id (+
    /// oauth2_client_secret), imap_host, imap_port, imap_security, smtp_host, smtp_port,
    /// smtp_security, ca_file, sent_folder, store, sharing_name).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// The shop's address; recognises the provider from it.
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// gmail, microsoft365, outlook, icloud, fastmail, yahoo, zoho, zoho-eu, ionos, gmx,
    /// webde, strato, ovh, or other (then give --imap-host and --smtp-host).
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// The shop's name as customers know it.
    #[arg(long, value_name = "NAME")]
    pub shop_name: Option<String>,
    /// Your first name, for reply templates.
    #[arg(long, value_name = "NAME")]
    pub owner_name: Option<String>,
    /// IANA time zone of the business hours (default: $TZ when set, else the system's).
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// The shop's country (DE, AT, CH, FR, ES, IT, NL, BE, GB, IE, US): its public holidays
    /// for this year and the next go into the config.
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// The region where holidays differ: a German Land (BY, NW, …), a Swiss canton (ZH, GE,
    /// …), ENG, SCT or NIR in the United Kingdom, ALSACE-MOSELLE in France.
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,
    /// Type the password: read from standard input's first line, kept in the system keyring
    /// (else a file readable only by you), never in the config.
    #[arg(long)]
    pub password_keyring: bool,
    /// A command that prints the password.
    #[arg(long, value_name = "COMMAND")]
    pub password_command: Option<String>,
    /// An environment variable that holds the password.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// The IMAP server (incoming mail); default: the provider's.
    #[arg(long, value_name = "HOST")]
    pub imap_host: Option<String>,
    /// Default: the provider's, else 993 for tls, 143 otherwise.
    #[arg(long, value_name = "PORT")]
    pub imap_port: Option<u16>,
    /// tls, starttls or none (none only to this machine).
    #[arg(long, value_name = "SECURITY")]
    pub imap_security: Option<String>,
    /// The SMTP server (outgoing mail); default: the provider's.
    #[arg(long, value_name = "HOST")]
    pub smtp_host: Option<String>,
    /// Default: the provider's, else 465 for tls, 587 for starttls, 25 for none.
    #[arg(long, value_name = "PORT")]
    pub smtp_port: Option<u16>,
    /// tls, starttls or none (none only to this machine).
    #[arg(long, value_name = "SECURITY")]
    pub smtp_security: Option<String>,
    /// An extra CA certificate (PEM) to trust, for a server with its own CA.
    #[arg(long, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
    /// Share marks with the other copies of shopinbox on this mailbox under this name (the
    /// name they show for this one, e.g. "Anna").
    #[arg(long, value_name = "NAME")]
    pub sharing_name: Option<String>,
    /// Write the config without logging in to the servers first.
    #[arg(long)]
    pub no_check: bool,
    /// Replace an existing config file.
    #[arg(long)]
    pub force: bool,
}

impl SetupArgs {
    /// The answers given as flags.
    fn flag_answers(&self) -> Answers {
        Answers {
            email: self.email.clone(),
            provider: self.provider.clone(),
            shop_name: self.shop_name.clone(),
            owner_name: self.owner_name.clone(),
            time_zone: self.time_zone.clone(),
            country: self.country.clone(),
            region: self.region.clone(),
            password_keyring: self.password_keyring.then_some(true),
            password_command: self.password_command.clone(),
            password_env: self.password_env.clone(),
            imap_host: self.imap_host.clone(),
            imap_port: self.imap_port,
            imap_security: self.imap_security.clone(),
            smtp_host: self.smtp_host.clone(),
            smtp_port: self.smtp_port,
            smtp_security: self.smtp_security.clone(),
            ca_file: self.ca_file.clone(),
            sharing_name: self.sharing_name.clone(),
            ..Answers::default()
        }
    }

    fn scripted(&self) -> bool {
        self.answers.is_some() || self.email.is_some()
    }
}

/// The time zone setup offers: `$TZ` when it is set and a zone the config accepts, else the
/// system's. Not a clock read: only the zone's name.
pub fn system_time_zone() -> Option<String> {
    let tz_env = std::env::var("TZ").ok();
    default_time_zone(tz_env.as_deref(), || iana_time_zone::get_timezone().ok())
}

/// `tz_env` (the value of `$TZ`; glibc's leading ':' allowed) when valid, else `system()`.
fn default_time_zone(
    tz_env: Option<&str>,
    system: impl FnOnce() -> Option<String>,
) -> Option<String> {
    let from_env = tz_env
        .map(|tz| tz.trim().trim_start_matches(':').to_string())
        .filter(|tz| answers::valid_time_zone(tz));
    from_env.or_else(|| system().filter(|tz| answers::valid_time_zone(tz)))
}

fn usage(message: impl Into<String>) -> anyhow::Error {
    Exit::new(USAGE, message).into()
}

/// Reads an `--answers` file; relative paths in it are taken from the current folder.
fn read_answers(path: &Path) -> anyhow::Result<Answers> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        usage(format!(
            "cannot read the answers file {}: {e}",
            path.display()
        ))
    })?;
    toml::from_str(&text).map_err(|e| {
        let msg = e.message().to_string();
        usage(format!(
            "the answers file {} is not valid: {msg}; see `shopinbox setup --help` for its keys",
            path.display()
        ))
    })
}

/// A path (CA file, store) as the config needs it: absolute (the config takes relative paths from its
/// own folder, the owner typed it relative to where they are).
fn absolute(p: PathBuf) -> PathBuf {
    if p.is_absolute() || p.starts_with("~") {
        return p;
    }
    std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
}

/// The rendered config for a plan, loaded back: what setup writes always loads.
fn config_for(plan: &Plan, path: &Path) -> anyhow::Result<(String, Config)> {
    let text = write::render(plan);
    let cfg = Config::parse(&text, path)
        .map_err(|e| usage(format!("these answers do not make a valid config: {e}")))?;
    Ok((text, cfg))
}

/// The login check's report; fills in the Sent folder found.
fn run_check(plan: &mut Plan, cfg: &Config, out: &mut dyn Write) -> anyhow::Result<()> {
    let clean = |s: &str| sanitize::line(s);
    writeln!(
        out,
        "Logging in to {}:{} (IMAP) …",
        clean(&plan.imap.host),
        plan.imap.port
    )?;
    let found = check::imap(cfg, plan.preset.map(|p| p.sent))?;
    let names: Vec<String> = found.folders.iter().map(|f| clean(f)).collect();
    writeln!(out, "  folders: {}", names.join(", "))?;
    match (&plan.sent_folder, &found.sent) {
        (Some(given), _) if found.folders.iter().any(|f| f == given) => {
            writeln!(out, "  Sent folder: {} (as given)", clean(given))?
        }
        (Some(given), _) => {
            return Err(anyhow::Error::new(Exit::new(
                USAGE,
                format!(
                    "the server has no folder \"{}\"; leave sent_folder out to have it found, or use one of the folders listed",
                    clean(given)
                ),
            )))
        }
        (None, Some(sent)) => {
            writeln!(out, "  Sent folder: {}", clean(sent))?;
            plan.sent_folder = Some(sent.clone());
        }
        (None, None) => writeln!(
            out,
            "  Sent folder: none found (replies sent from other mail programs will not count; set sent_folder in the config when you know it)"
        )?,
    }
    writeln!(
        out,
        "Logging in to {}:{} (SMTP) …",
        clean(&plan.smtp.host),
        plan.smtp.port
    )?;
    check::smtp(cfg)?;
    writeln!(out, "  logged in; nothing was sent")?;
    Ok(())
}

/// Writes the config and the starter templates, and says what was written.
fn write_all(
    text: &str,
    cfg: &Config,
    path: &Path,
    force: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    write::write_config(path, text, force).map_err(|e| usage(e.to_string()))?;
    let clean = |p: &Path| sanitize::line(&p.display().to_string());
    writeln!(out, "Wrote {} (readable only by you).", clean(path))?;
    let dir = cfg.templates_dir();
    match crate::template::install_starters(&dir) {
        Ok(files) if files.is_empty() => writeln!(
            out,
            "Kept the reply templates already in {}.",
            clean(&dir)
        )?,
        Ok(files) => writeln!(
            out,
            "Wrote {} starter reply templates to {} (English, German, French, Spanish, Italian and Dutch; edit them freely).",
            files.len(),
            clean(&dir)
        )?,
        Err(e) => writeln!(
            out,
            "Could not write the starter templates to {}: {e}; shopinbox tries again when it starts.",
            clean(&dir)
        )?,
    }
    Ok(())
}

fn next_steps(plan: &Plan, signed_in: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if let (Login::SignIn { .. }, false) = (&plan.login, signed_in) {
        writeln!(
            out,
            "Next: `shopinbox login` signs in to your mailbox (once), then `shopinbox config check`, `shopinbox sync` and `shopinbox`."
        )
    } else {
        writeln!(
            out,
            "Next: `shopinbox sync` brings the mail in, then `shopinbox` opens the inbox."
        )
    }
}

/// `shopinbox setup`. `config_path` is where the config goes (`--config`, else the default).
/// `year` is the current year from the command's clock (`--now`): the holidays written are
/// this year's and the next.
pub fn run(
    args: &SetupArgs,
    config_path: &Path,
    year: i32,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if !args.force && config_path.exists() {
        return Err(usage(
            write::WriteError::Exists {
                path: config_path.to_path_buf(),
            }
            .to_string(),
        ));
    }
    let system_tz = system_time_zone();
    if !args.scripted() {
        return prompt::run_interactive(args, config_path, system_tz.as_deref(), year, out);
    }
    let mut answers = match &args.answers {
        Some(p) => read_answers(p)?,
        None => Answers::default(),
    }
    .overlay(args.flag_answers());
    answers.ca_file = answers.ca_file.map(absolute);
    answers.store = answers.store.map(absolute);
    let mut plan = answers::resolve_at(&answers, system_tz.as_deref(), year).map_err(usage)?;
    let (mut text, mut cfg) = config_for(&plan, config_path)?;
    if plan.login == Login::Keyring {
        // Kept before the login check, which reads it where `sync` will.
        password::keep(&cfg, &password::from_stdin()?, out)?;
    }
    let sign_in = matches!(plan.login, Login::SignIn { .. });
    if args.no_check || sign_in {
        if sign_in && !args.no_check {
            writeln!(
                out,
                "Not checking the login yet: OAuth 2.0 needs `shopinbox login` first."
            )?;
        }
    } else {
        run_check(&mut plan, &cfg, out).map_err(unavailable_unless_coded)?;
        (text, cfg) = config_for(&plan, config_path)?;
    }
    write_all(&text, &cfg, config_path, args.force, out)?;
    next_steps(&plan, false, out)?;
    Ok(())
}

/// An error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !out.contains(&c) {
            out.push_str(": ");
            out.push_str(&c);
        }
    }
    out
}

/// A failed check is "a server could not be used" (4) unless the error says otherwise (a
/// password source that is not set is the owner's to fix: 2).
fn unavailable_unless_coded(e: anyhow::Error) -> anyhow::Error {
    let coded = e.chain().any(|c| {
        c.is::<Exit>()
            || c.is::<crate::config::ConfigError>()
            || c.is::<crate::sync::SyncError>()
            || c.is::<crate::net::NetError>()
            || c.is::<crate::oauth::OAuthError>()
    });
    if coded {
        e
    } else {
        let sentence = e.to_string();
        Exit::new(UNAVAILABLE, sentence).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_wins_over_the_system_zone_when_it_is_valid() {
        let system = || Some("Europe/Berlin".to_string());
        assert_eq!(
            default_time_zone(Some("America/New_York"), system).as_deref(),
            Some("America/New_York")
        );
        assert_eq!(
            default_time_zone(Some(":Europe/Dublin"), system).as_deref(),
            Some("Europe/Dublin")
        );
        assert_eq!(
            default_time_zone(Some("CET-1CEST"), system).as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(
            default_time_zone(None, system).as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(default_time_zone(None, || Some("Mars/Base".into())), None);
    }
}
