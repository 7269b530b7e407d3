//! The questions of an interactive `shopinbox setup`, asked with `inquire` (line editing,
//! lists to pick from, answers checked as they are typed). The answers go through the same
//! [`answers::resolve`] as an answers file; after a failed login check the owner can change
//! them (the earlier answers are the defaults) or write the config anyway.

use super::answers::{self, Answers, Login};
use super::holidays;
use super::providers::{self, Preset};
use super::{config_for, next_steps, run_check, usage, write_all, SetupArgs};
use crate::mail::sanitize;
use crate::net::Security;
use inquire::validator::Validation;
use inquire::{Confirm, InquireError, Select, Text};
use std::io::{IsTerminal, Write};
use std::path::Path;

type Checked = Result<Validation, inquire::CustomUserError>;

/// Esc and Ctrl-C stop setup; nothing has been written then.
fn asked<T>(r: Result<T, InquireError>) -> anyhow::Result<T> {
    r.map_err(|e| match e {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => {
            usage("setup stopped; nothing was written")
        }
        InquireError::NotTTY => not_a_terminal(),
        other => usage(format!("setup cannot ask its questions here: {other}")),
    })
}

fn not_a_terminal() -> anyhow::Error {
    usage(
        "setup asks its questions in a terminal; run it in one, or give the answers with \
         --answers FILE (see `shopinbox setup --help`)",
    )
}

fn text(
    message: &str,
    default: Option<&str>,
    help: &str,
    check: fn(&str) -> Option<String>,
) -> anyhow::Result<String> {
    let validator = move |s: &str| -> Checked {
        Ok(match check(s.trim()) {
            None => Validation::Valid,
            Some(why) => Validation::Invalid(why.into()),
        })
    };
    let mut t = Text::new(message).with_validator(validator);
    if let Some(d) = default.filter(|d| !d.is_empty()) {
        t = t.with_default(d);
    }
    if !help.is_empty() {
        t = t.with_help_message(help);
    }
    Ok(asked(t.prompt())?.trim().to_string())
}

fn not_empty(s: &str) -> Option<String> {
    s.is_empty().then(|| "please type an answer".to_string())
}

fn anything(_: &str) -> Option<String> {
    None
}

fn an_address(s: &str) -> Option<String> {
    providers::domain_of(s)
        .is_none()
        .then(|| "an address like hello@yourshop.com".to_string())
}

fn a_time_zone(s: &str) -> Option<String> {
    (!answers::valid_time_zone(s))
        .then(|| "an IANA name like Europe/Berlin or America/New_York".to_string())
}

fn a_time(s: &str) -> Option<String> {
    (!answers::valid_time(s)).then(|| "a time like 09:00".to_string())
}

fn some_days(s: &str) -> Option<String> {
    let days: Vec<&str> = s.split([',', ' ']).filter(|d| !d.is_empty()).collect();
    (days.is_empty() || !days.iter().all(|d| answers::valid_day(d)))
        .then(|| "days like mon, tue, wed, thu, fri, sat, sun".to_string())
}

fn a_port(s: &str) -> Option<String> {
    s.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .is_none()
        .then(|| "a port number like 993".to_string())
}

fn an_env_name(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit());
    (!ok).then(|| "a variable name like SHOPINBOX_PASSWORD".to_string())
}

/// The provider list: every preset, then "other"; the recognised one (or the previous
/// choice) is where the cursor starts.
fn ask_provider(email: &str, prev: &Answers) -> anyhow::Result<Option<&'static Preset>> {
    let mut names: Vec<String> = providers::PRESETS
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    names.push("Other (I type the server names)".to_string());
    let recognised = providers::for_address(email);
    let previous = prev.provider.as_deref();
    let start = match (previous, recognised) {
        (Some(p), _) if p == providers::OTHER => providers::PRESETS.len(),
        (Some(p), _) => providers::PRESETS
            .iter()
            .position(|x| x.id == p)
            .unwrap_or(0),
        (None, Some(r)) => providers::PRESETS
            .iter()
            .position(|x| x.id == r.id)
            .unwrap_or(0),
        (None, None) => 0,
    };
    let help = match recognised {
        Some(p) => format!("{} recognised from the address; Enter takes it", p.name),
        None => "a shop on its own domain: the company you pay for the mailbox; type to filter"
            .to_string(),
    };
    let choice = asked(
        Select::new("Who hosts the shop's mailbox?", names.clone())
            .with_starting_cursor(start)
            .with_help_message(&help)
            .prompt(),
    )?;
    let index = names
        .iter()
        .position(|n| *n == choice)
        .unwrap_or(names.len());
    Ok(providers::PRESETS.get(index))
}

fn ask_security(what: &str, default: Security) -> anyhow::Result<Security> {
    let options = vec![
        "tls (encrypted from the start; the usual)",
        "starttls (a plain connection upgraded to encryption)",
        "none (unencrypted; only to a test server on this machine)",
    ];
    let start = match default {
        Security::Tls => 0,
        Security::StartTls => 1,
        Security::None => 2,
    };
    let picked = asked(
        Select::new(&format!("{what} security:"), options)
            .with_starting_cursor(start)
            .prompt(),
    )?;
    Ok(Security::parse(picked.split(' ').next().unwrap_or("tls")).unwrap_or(Security::Tls))
}

/// The servers for "other".
fn ask_servers(email: &str, prev: &Answers, a: &mut Answers) -> anyhow::Result<()> {
    let (imap_guess, smtp_guess) = providers::guess_hosts(email);
    for imap in [true, false] {
        let (name, guess, host, sec, port) = if imap {
            (
                "IMAP",
                &imap_guess,
                &prev.imap_host,
                &prev.imap_security,
                prev.imap_port,
            )
        } else {
            (
                "SMTP",
                &smtp_guess,
                &prev.smtp_host,
                &prev.smtp_security,
                prev.smtp_port,
            )
        };
        let host = text(
            if imap {
                "IMAP server (incoming mail):"
            } else {
                "SMTP server (outgoing mail):"
            },
            Some(host.as_deref().unwrap_or(guess)),
            "as your provider's help pages name it",
            not_empty,
        )?;
        let default_sec = sec
            .as_deref()
            .and_then(Security::parse)
            .unwrap_or(Security::Tls);
        let security = ask_security(name, default_sec)?;
        let default_port = port
            .unwrap_or_else(|| answers::default_port(security, imap))
            .to_string();
        let port: u16 = text(&format!("{name} port:"), Some(&default_port), "", a_port)?
            .parse()
            .unwrap_or(0);
        if imap {
            (a.imap_host, a.imap_security, a.imap_port) =
                (Some(host), Some(security.as_str().into()), Some(port));
        } else {
            (a.smtp_host, a.smtp_security, a.smtp_port) =
                (Some(host), Some(security.as_str().into()), Some(port));
        }
    }
    let prev_user = prev.username.clone().unwrap_or_else(|| email.to_string());
    a.username = Some(text(
        "Login name:",
        Some(&prev_user),
        "often the full address",
        not_empty,
    )?);
    let prev_ca = prev
        .ca_file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let ca = text(
        "Extra CA certificate to trust (PEM file; Enter for none):",
        Some(&prev_ca),
        "only for a server with a certificate from its own CA",
        anything,
    )?;
    a.ca_file = (!ca.is_empty()).then(|| super::absolute(ca.into()));
    Ok(())
}

/// Where the password comes from.
fn ask_login(
    preset: Option<&'static Preset>,
    prev: &Answers,
    a: &mut Answers,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if let Some(p) = preset {
        writeln!(out, "{}", p.note)?;
    }
    let oauth = preset
        .and_then(|p| p.oauth)
        .and_then(crate::oauth::providers::by_id);
    let sign_in = oauth.map(|o| {
        format!(
            "Sign in with {} (OAuth 2.0; `shopinbox login` once)",
            o.name
        )
    });
    let typed = "Type the password; shopinbox keeps it in the system keyring".to_string();
    let command = "A command prints it (password_command, e.g. `pass show shop/mail`)".to_string();
    let env = "An environment variable holds it (password_env)".to_string();
    let token = "A token helper prints an OAuth 2.0 access token (token_command)".to_string();
    // Typing the password (an app password where the provider needs one) comes first: it
    // needs no other tool; Microsoft's mailboxes take no passwords, so they start at sign-in.
    let takes_passwords = preset.is_none_or(|p| p.oauth != Some("microsoft"));
    let mut options: Vec<String> = Vec::new();
    if takes_passwords {
        options.push(typed.clone());
    }
    options.extend(sign_in.iter().cloned());
    options.push(command.clone());
    options.push(env.clone());
    if oauth.is_some() {
        options.push(token.clone());
    }
    let start = if prev.password_keyring == Some(true) {
        0
    } else if prev.password_env.is_some() {
        options.iter().position(|o| *o == env).unwrap_or(0)
    } else if prev.password_command.is_some() {
        options.iter().position(|o| *o == command).unwrap_or(0)
    } else {
        0
    };
    let choice = asked(
        Select::new("Where does the password come from?", options)
            .with_starting_cursor(start)
            .with_help_message("it is never written into the config")
            .prompt(),
    )?;
    (
        a.password_command,
        a.password_env,
        a.token_command,
        a.oauth2_client_id,
        a.oauth2_client_secret,
    ) = (None, None, None, None, None);
    (a.password_keyring, a.typed_password) = (None, None);
    if choice == typed {
        if let Some(page) = preset.and_then(|p| p.app_password) {
            writeln!(
                out,
                "{} needs an app password here, not your usual one; create it at {page} and type it below.",
                preset.map_or("Your provider", |p| p.name)
            )?;
        }
        let typed = super::password::ask(
            "Password (hidden as you type):",
            "kept in the system keyring (or a file only you can read); never in the config",
        )?;
        a.password_keyring = Some(true);
        a.typed_password = Some(typed);
    } else if choice == command {
        let d = prev.password_command.as_deref().unwrap_or("");
        a.password_command = Some(text(
            "Command that prints the password:",
            Some(d),
            "run with sh -c; its first line is the password",
            not_empty,
        )?);
    } else if choice == env {
        let d = prev.password_env.as_deref().unwrap_or("SHOPINBOX_PASSWORD");
        a.password_env = Some(text(
            "Environment variable's name:",
            Some(d),
            "export it before starting shopinbox",
            an_env_name,
        )?);
    } else if choice == token {
        let d = prev.token_command.as_deref().unwrap_or("");
        a.token_command = Some(text(
            "Command that prints an access token:",
            Some(d),
            "e.g. oama access hello@yourshop.com",
            not_empty,
        )?);
    } else if let Some(o) = oauth {
        writeln!(out, "You need an app registration of your own (a client ID; the README's \"Google and Microsoft mailboxes\" section has the steps): {}", o.console)?;
        let d = prev.oauth2_client_id.as_deref().unwrap_or("");
        a.oauth2_client_id = Some(text("OAuth client ID:", Some(d), "", not_empty)?);
        if o.needs_client_secret {
            let d = prev.oauth2_client_secret.as_deref().unwrap_or("");
            a.oauth2_client_secret = Some(text(
                "OAuth client secret (it comes with the client ID):",
                Some(d),
                "",
                not_empty,
            )?);
        }
    }
    Ok(())
}

/// The shop's country (and region where holidays differ), for the public holidays. The
/// starting choice is the previous answer, else the country the time zone suggests.
fn ask_country(time_zone: &str, prev: &Answers, a: &mut Answers) -> anyhow::Result<()> {
    let countries = holidays::COUNTRIES;
    let mut names: Vec<String> = countries.iter().map(|c| c.name.to_string()).collect();
    let none = "Another country (I list my holidays in the config myself)".to_string();
    names.push(none);
    let start = match prev.country.as_deref() {
        Some(code) => countries
            .iter()
            .position(|c| c.code.eq_ignore_ascii_case(code))
            .unwrap_or(countries.len()),
        None if prev.email.is_some() => countries.len(),
        None => holidays::country_for_time_zone(time_zone)
            .and_then(|c| countries.iter().position(|x| x.code == c.code))
            .unwrap_or(countries.len()),
    };
    let picked = asked(
        Select::new(
            "The shop's country (for its public holidays):",
            names.clone(),
        )
        .with_starting_cursor(start)
        .with_help_message(
            "its public holidays for this year and next are not counted as business days",
        )
        .prompt(),
    )?;
    let Some(country) = names
        .iter()
        .position(|n| *n == picked)
        .and_then(|i| countries.get(i))
    else {
        (a.country, a.region) = (None, None);
        return Ok(());
    };
    a.country = Some(country.code.to_string());
    a.region = None;
    if country.regions.is_empty() {
        return Ok(());
    }
    let mut regions: Vec<String> = country.regions.iter().map(|(_, n)| n.to_string()).collect();
    let nationwide = "None of these (only the days the whole country shares)".to_string();
    regions.push(nationwide);
    let start = prev
        .region
        .as_deref()
        .filter(|_| prev.country.as_deref() == Some(country.code))
        .and_then(|r| {
            country
                .regions
                .iter()
                .position(|(c, _)| c.eq_ignore_ascii_case(r))
        })
        // Enter alone takes "none of these", never a region the owner did not pick.
        .unwrap_or(country.regions.len());
    let picked = asked(
        Select::new(
            "The shop's region (holidays differ there):",
            regions.clone(),
        )
        .with_starting_cursor(start)
        .with_help_message("type to filter")
        .prompt(),
    )?;
    a.region = regions
        .iter()
        .position(|n| *n == picked)
        .and_then(|i| country.regions.get(i))
        .map(|(code, _)| code.to_string());
    Ok(())
}

/// Which question a failed login check goes back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failed {
    /// The server refused the login, or the password could not be had: the password question
    /// (and the login name for a server typed in).
    Login,
    /// The server could not be reached or spoke no TLS: the provider and server questions.
    Server,
}

/// What a failed check's error says went wrong.
pub(super) fn failed_question(e: &anyhow::Error) -> Failed {
    let refused = e.chain().any(|c| {
        matches!(
            c.downcast_ref::<crate::sync::SyncError>(),
            Some(crate::sync::SyncError::Login { .. })
        ) || c.is::<crate::config::ConfigError>()
            || c.is::<crate::oauth::OAuthError>()
    });
    let text = super::one_line(e).to_lowercase();
    let says_login = [
        "password",
        "authenticat",
        "username",
        "user name",
        "login failed",
        "credentials",
    ]
    .iter()
    .any(|w| text.contains(w));
    let says_network = e.chain().any(|c| c.is::<crate::net::NetError>());
    if refused || (says_login && !says_network) {
        Failed::Login
    } else {
        Failed::Server
    }
}

/// After a failed check: only the questions that failed, the other answers kept.
fn ask_again(failed: Failed, prev: &Answers, out: &mut dyn Write) -> anyhow::Result<Answers> {
    let mut a = prev.clone();
    let email = prev.email.clone().unwrap_or_default();
    let old_preset = prev.provider.as_deref().and_then(providers::by_id);
    match failed {
        Failed::Login => {
            if old_preset.is_none() {
                let user = prev.username.clone().unwrap_or_else(|| email.clone());
                a.username = Some(text(
                    "Login name:",
                    Some(&user),
                    "often the full address",
                    not_empty,
                )?);
            }
            ask_login(old_preset, prev, &mut a, out)?;
        }
        Failed::Server => {
            let preset = ask_provider(&email, prev)?;
            a.provider = Some(preset.map_or(providers::OTHER, |p| p.id).to_string());
            (a.imap_host, a.imap_port, a.imap_security) = (None, None, None);
            (a.smtp_host, a.smtp_port, a.smtp_security) = (None, None, None);
            if preset.is_none() {
                ask_servers(&email, prev, &mut a)?;
            } else {
                (a.username, a.ca_file) = (None, None);
            }
            if preset.map(|p| p.id) != old_preset.map(|p| p.id) {
                ask_login(preset, prev, &mut a, out)?;
            }
        }
    }
    Ok(a)
}

/// One round of questions; `prev` holds the defaults (the last round's answers).
fn ask(prev: &Answers, system_tz: Option<&str>, out: &mut dyn Write) -> anyhow::Result<Answers> {
    let mut a = Answers::default();
    let email = text(
        "The shop's email address:",
        prev.email.as_deref(),
        "the address customers write to",
        an_address,
    )?;
    let preset = ask_provider(&email, prev)?;
    a.provider = Some(preset.map_or(providers::OTHER, |p| p.id).to_string());
    if preset.is_none() {
        ask_servers(&email, prev, &mut a)?;
    }
    a.email = Some(email);
    a.shop_name = Some(text(
        "The shop's name:",
        prev.shop_name.as_deref(),
        "as customers know it",
        not_empty,
    )?);
    a.owner_name = Some(text(
        "Your first name:",
        prev.owner_name.as_deref(),
        "reply templates sign with it",
        not_empty,
    )?);
    let languages: Vec<String> = crate::template::Language::ALL
        .iter()
        .map(|l| format!("{} ({})", l.phrases().name, l.code()))
        .collect();
    let start = prev
        .language
        .as_deref()
        .and_then(crate::template::Language::parse)
        .and_then(|l| crate::template::Language::ALL.iter().position(|x| *x == l))
        .unwrap_or(0);
    let picked = asked(
        Select::new("The language of your replies:", languages.clone())
            .with_starting_cursor(start)
            .with_help_message("used when a customer's own language cannot be told")
            .prompt(),
    )?;
    let language = languages
        .iter()
        .position(|l| *l == picked)
        .and_then(|i| crate::template::Language::ALL.get(i).copied())
        .unwrap_or_default();
    a.language = Some(language.code().to_string());
    let shop = a.shop_name.clone().unwrap_or_default();
    let owner = a.owner_name.clone().unwrap_or_default();
    let default_from = language.from_name(&owner, &shop);
    a.from_name = Some(text(
        "Your replies come from:",
        prev.from_name.as_deref().or(Some(default_from.as_str())),
        "the name customers see next to your address",
        not_empty,
    )?);
    let tz = prev.time_zone.as_deref().or(system_tz);
    let keep_tz = match tz {
        Some(tz) => asked(
            Confirm::new(&format!("Your business hours are in the time zone {tz}?"))
                .with_default(true)
                .with_help_message("taken from this computer")
                .prompt(),
        )?,
        None => false,
    };
    a.time_zone = Some(if keep_tz {
        tz.unwrap_or_default().to_string()
    } else {
        text(
            "Time zone:",
            None,
            "an IANA name like Europe/Berlin",
            a_time_zone,
        )?
    });
    let zone = a.time_zone.clone().unwrap_or_default();
    ask_country(&zone, prev, &mut a)?;
    let hours = asked(
        Confirm::new("Business hours Monday to Friday, 09:00 to 17:00?")
            .with_default(prev.open.is_none())
            .with_help_message(
                "a customer message is due at the first closing time after it arrives",
            )
            .prompt(),
    )?;
    if !hours {
        let days = prev
            .business_days
            .clone()
            .map(|d| d.join(", "))
            .unwrap_or_else(|| answers::DEFAULT_DAYS.join(", "));
        let days = text(
            "Business days:",
            Some(&days),
            "mon, tue, wed, thu, fri, sat, sun",
            some_days,
        )?;
        a.business_days = Some(
            days.split([',', ' '])
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect(),
        );
        a.open = Some(text(
            "Opening time:",
            Some(prev.open.as_deref().unwrap_or(answers::DEFAULT_OPEN)),
            "",
            a_time,
        )?);
        a.close = Some(text(
            "Closing time:",
            Some(prev.close.as_deref().unwrap_or(answers::DEFAULT_CLOSE)),
            "",
            a_time,
        )?);
    }
    a.sharing_name = ask_sharing(prev)?;
    ask_login(preset, prev, &mut a, out)?;
    Ok(a)
}

/// Whether the marks are shared with other copies on this mailbox, and under which name (the
/// one the others show, "Anna is replying"); default: this computer's name.
fn ask_sharing(prev: &Answers) -> anyhow::Result<Option<String>> {
    let shared = asked(
        Confirm::new("Do other people or computers use shopinbox on this mailbox too?")
            .with_default(prev.sharing_name.is_some())
            .with_help_message("then your marks are shared with them and they see who is replying")
            .prompt(),
    )?;
    if !shared {
        return Ok(None);
    }
    let default = prev
        .sharing_name
        .clone()
        .unwrap_or_else(crate::config::default_installation_name);
    Ok(Some(text(
        "The name the others see for this copy:",
        Some(&default),
        "e.g. your first name, or \"Anna's laptop\"",
        not_empty,
    )?))
}

/// What to do after a failed login check.
enum AfterFailure {
    Again,
    WriteAnyway,
    Quit,
}

fn after_failure() -> anyhow::Result<AfterFailure> {
    let again = "Change my answers";
    let anyway = "Write the config anyway (fix it later; `shopinbox config check`)";
    let quit = "Quit without writing anything";
    let picked = asked(Select::new("What now?", vec![again, anyway, quit]).prompt())?;
    Ok(if picked == again {
        AfterFailure::Again
    } else if picked == anyway {
        AfterFailure::WriteAnyway
    } else {
        AfterFailure::Quit
    })
}

/// The interactive `setup`.
pub(super) fn run_interactive(
    args: &SetupArgs,
    config_path: &Path,
    system_tz: Option<&str>,
    year: i32,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(not_a_terminal());
    }
    writeln!(
        out,
        "Setting up shopinbox: a few questions, then a login check, then {} is written.",
        sanitize::line(&config_path.display().to_string())
    )?;
    let mut prev = Answers::default();
    let mut failed: Option<Failed> = None;
    loop {
        let answers = match failed.take() {
            None => ask(&prev, system_tz, out)?,
            Some(f) => ask_again(f, &prev, out)?,
        };
        prev = answers.clone();
        let mut plan = match answers::resolve_at(&answers, system_tz, year) {
            Ok(plan) => plan,
            Err(why) => {
                writeln!(out, "{}", sanitize::line(&why))?;
                continue;
            }
        };
        let (mut text, mut cfg) = config_for(&plan, config_path)?;
        if let (Login::Keyring, Some(typed)) = (&plan.login, &answers.typed_password) {
            super::password::keep(&cfg, typed, out)?;
        }
        let sign_in = matches!(plan.login, Login::SignIn { .. });
        if !args.no_check && !sign_in {
            if let Err(e) = run_check(&mut plan, &cfg, out) {
                writeln!(
                    out,
                    "The login did not work: {}",
                    sanitize::line(&super::one_line(&e))
                )?;
                match after_failure()? {
                    AfterFailure::Again => {
                        failed = Some(failed_question(&e));
                        continue;
                    }
                    AfterFailure::Quit => return Err(usage("setup stopped; nothing was written")),
                    AfterFailure::WriteAnyway => {}
                }
            } else {
                (text, cfg) = config_for(&plan, config_path)?;
            }
        }
        write_all(&text, &cfg, config_path, args.force, out)?;
        let mut signed_in = false;
        if sign_in {
            let now = asked(
                Confirm::new("Sign in now? (shopinbox login)")
                    .with_default(true)
                    .prompt(),
            )?;
            if now {
                let opts = crate::login::LoginOptions {
                    device: false,
                    open_browser: true,
                };
                crate::login::run_login(&cfg, opts, out)?;
                signed_in = true;
                run_check(&mut plan, &cfg, out)?;
                let (text, _) = config_for(&plan, config_path)?;
                super::write::write_config(config_path, &text, true)
                    .map_err(|e| usage(e.to_string()))?;
            }
        }
        next_steps(&plan, signed_in, out)?;
        return Ok(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_login_goes_back_to_the_password_and_a_dead_server_to_the_servers() {
        let refused = anyhow::Error::new(crate::sync::SyncError::Login {
            host: "imap.alphx.shop".into(),
            user: "hello@alphx.shop".into(),
            password_from: "[imap] username and password_env (SHOP_PW)".into(),
        });
        assert_eq!(failed_question(&refused), Failed::Login);
        let unset = anyhow::Error::new(crate::config::ConfigError::PasswordEnv {
            var: "SHOP_PW".into(),
            source: std::env::VarError::NotPresent,
        });
        assert_eq!(failed_question(&unset), Failed::Login);
        let smtp = anyhow::anyhow!("smtp.alphx.shop refused the user name or password (535)");
        assert_eq!(failed_question(&smtp), Failed::Login);
        let down = anyhow::Error::new(crate::net::NetError::Connect {
            host: "imap.alphx.shop".into(),
            port: 993,
            source: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        });
        assert_eq!(failed_question(&down), Failed::Server);
        assert_eq!(
            failed_question(&anyhow::anyhow!("no route to host")),
            Failed::Server
        );
    }
}
