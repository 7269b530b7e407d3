//! The answers to setup's questions, however they came (the prompts, `--answers FILE`, flags),
//! and the pure step that turns them into a [`Plan`]: every setting decided, the provider's
//! preset filled in, each missing or wrong answer one sentence naming it.

use super::providers::{self, Preset, OTHER};
use crate::net::Security;
use serde::Deserialize;
use std::path::PathBuf;

/// Setup's answers: an `--answers` TOML file has these keys (all optional here; what a
/// config needs is checked in [`resolve`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// The shop's address (the From of replies, the login name unless `username` is given).
    pub email: Option<String>,
    /// A preset id (`gmail`, `microsoft365`, `outlook`, `icloud`, `fastmail`, `yahoo`,
    /// `zoho`, `zoho-eu`, `ionos`, `gmx`, `webde`, `strato`, `ovh`) or `other`. Default:
    /// recognised from the address.
    pub provider: Option<String>,
    pub shop_name: Option<String>,
    pub owner_name: Option<String>,
    /// The language replies start in (en, de, fr, es, it, nl); default: en.
    pub language: Option<String>,
    /// The display name replies come from; default: "{owner} from {shop}" in `language`.
    pub from_name: Option<String>,
    /// Default: the owner's name and the shop's name on two lines.
    pub signature: Option<String>,
    /// IANA name; default: the system's time zone.
    pub time_zone: Option<String>,
    pub business_days: Option<Vec<String>>,
    /// The shop's country (ISO code: DE, AT, CH, FR, ES, IT, NL, BE, GB, IE, US): its public
    /// holidays for this year and the next go into `[hours] holidays`. Default: none.
    pub country: Option<String>,
    /// The region where holidays differ (a German Land like BY, a Swiss canton like ZH, ENG,
    /// SCT or NIR in the United Kingdom, ALSACE-MOSELLE in France).
    pub region: Option<String>,
    pub open: Option<String>,
    pub close: Option<String>,
    pub username: Option<String>,
    /// `true`: the owner types the password; shopinbox keeps it in the system keyring (else a
    /// private file). With `--answers` it is read from standard input's first line.
    pub password_keyring: Option<bool>,
    /// The password typed at the prompt (never in an answers file).
    #[serde(skip)]
    pub typed_password: Option<super::password::Typed>,
    pub password_command: Option<String>,
    pub password_env: Option<String>,
    /// OAuth 2.0 with shopinbox's own sign-in (`shopinbox login`).
    pub oauth2_client_id: Option<String>,
    pub oauth2_client_secret: Option<String>,
    /// OAuth 2.0 with a token helper.
    pub token_command: Option<String>,
    pub imap_host: Option<String>,
    pub imap_port: Option<u16>,
    pub imap_security: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_security: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub sent_folder: Option<String>,
    /// Where the store goes; default: the XDG data folder.
    pub store: Option<PathBuf>,
    /// Share marks with the other copies of shopinbox on this mailbox under this name (the
    /// name they show, "Anna is replying"); `[sharing]` in the config. Default: not shared.
    pub sharing_name: Option<String>,
}

impl Answers {
    /// Each answer given in `over` replaces this one's (flags over the answers file).
    pub fn overlay(self, over: Answers) -> Answers {
        macro_rules! pick {
            ($($f:ident),*) => { Answers { $($f: over.$f.or(self.$f)),* } };
        }
        pick!(
            email,
            provider,
            shop_name,
            owner_name,
            language,
            from_name,
            signature,
            time_zone,
            business_days,
            country,
            region,
            open,
            close,
            username,
            password_keyring,
            typed_password,
            password_command,
            password_env,
            oauth2_client_id,
            oauth2_client_secret,
            token_command,
            imap_host,
            imap_port,
            imap_security,
            smtp_host,
            smtp_port,
            smtp_security,
            ca_file,
            sent_folder,
            store,
            sharing_name
        )
    }
}

/// Where the password (or token) comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum Login {
    /// Typed by the owner, kept in the system keyring (`password_keyring = true`).
    Keyring,
    Command(String),
    Env(String),
    /// OAuth 2.0 through `shopinbox login` with the owner's app registration.
    SignIn {
        provider: &'static str,
        client_id: String,
        client_secret: Option<String>,
    },
    /// OAuth 2.0 with a token helper.
    TokenCommand(String),
}

impl std::fmt::Debug for Login {
    /// Commands and secrets are never printed (people write `echo hunter2` there).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Login::Keyring => f.write_str("Keyring"),
            Login::Command(_) => f.write_str("Command(<redacted>)"),
            Login::Env(v) => write!(f, "Env({v})"),
            Login::SignIn { provider, .. } => write!(f, "SignIn({provider})"),
            Login::TokenCommand(_) => f.write_str("TokenCommand(<redacted>)"),
        }
    }
}

/// One server as it goes into the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerPlan {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// Every setting the config will hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub email: String,
    pub username: String,
    pub shop_name: String,
    pub owner_name: String,
    pub language: crate::template::Language,
    pub from_name: String,
    pub signature: String,
    pub time_zone: String,
    pub business_days: Vec<String>,
    pub open: String,
    pub close: String,
    /// The public holidays written into the config (see [`resolve_at`]); `None`: no country.
    pub holidays: Option<super::holidays::HolidayPlan>,
    /// `None`: "other" (servers typed in).
    pub preset: Option<&'static Preset>,
    pub imap: ServerPlan,
    pub smtp: ServerPlan,
    pub ca_file: Option<PathBuf>,
    pub login: Login,
    /// Given, or found by the login check; `None`: found at each sync.
    pub sent_folder: Option<String>,
    pub store: Option<PathBuf>,
    /// `[sharing] name`: marks are shared under this name; `None`: kept on this computer.
    pub sharing: Option<String>,
}

/// The default business days and hours setup offers.
pub const DEFAULT_DAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri"];
pub const DEFAULT_OPEN: &str = "09:00";
pub const DEFAULT_CLOSE: &str = "17:00";

/// The default port for a security (the same as the config's).
pub fn default_port(security: Security, imap: bool) -> u16 {
    match (security, imap) {
        (Security::Tls, true) => 993,
        (_, true) => 143,
        (Security::Tls, false) => 465,
        (Security::StartTls, false) => 587,
        (Security::None, false) => 25,
    }
}

/// The preset chosen by the answers: the `provider` word, else recognised from the address.
/// `Ok(None)` is "other"; an address on the shop's own domain with no `provider` (and no
/// servers given) is an error naming the choices.
pub fn chosen_preset(a: &Answers, email: &str) -> Result<Option<&'static Preset>, String> {
    match a.provider.as_deref().map(str::trim) {
        Some(p) if p.eq_ignore_ascii_case(OTHER) => Ok(None),
        Some(p) => providers::by_id(p)
            .map(Some)
            .ok_or_else(|| format!("provider = {p:?} is not one setup knows; use one of {}", provider_words())),
        None => match providers::for_address(email) {
            Some(p) => Ok(Some(p)),
            None if a.imap_host.is_some() => Ok(None),
            None => Err(format!(
                "cannot tell which provider hosts {}; add provider = one of {} (\"other\" with imap_host and smtp_host for any other server)",
                providers::domain_of(email).unwrap_or_default(),
                provider_words()
            )),
        },
    }
}

/// "gmail, microsoft365, … or other".
pub fn provider_words() -> String {
    let ids: Vec<&str> = providers::PRESETS.iter().map(|p| p.id).collect();
    format!("{} or {OTHER}", ids.join(", "))
}

fn required(value: &Option<String>, what: &str) -> Result<String, String> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        _ => Err(format!("setup needs {what}")),
    }
}

fn security(word: Option<&str>, key: &str, default: Security) -> Result<Security, String> {
    match word {
        None => Ok(default),
        Some(w) => Security::parse(w).ok_or_else(|| {
            format!("{key} = {w:?} is not one of \"tls\", \"starttls\" or \"none\"")
        }),
    }
}

/// A time zone name setup accepts.
pub fn valid_time_zone(name: &str) -> bool {
    name.trim().parse::<chrono_tz::Tz>().is_ok()
}

/// "HH:MM" on the 24-hour clock.
pub fn valid_time(s: &str) -> bool {
    chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").is_ok()
}

/// The business-day words the config takes.
pub fn valid_day(s: &str) -> bool {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&s.trim())
}

/// Turns the answers into a plan. `system_tz` is the system's time zone, the default.
pub fn resolve(a: &Answers, system_tz: Option<&str>) -> Result<Plan, String> {
    let email = required(&a.email, "the shop's address (email)")?;
    if providers::domain_of(&email).is_none() {
        return Err(format!(
            "email = {email:?} is not an address like hello@yourshop.com"
        ));
    }
    let preset = chosen_preset(a, &email)?;
    let shop_name = required(&a.shop_name, "the shop's name (shop_name)")?;
    let owner_name = required(&a.owner_name, "your first name (owner_name)")?;
    let language = match a.language.as_deref().map(str::trim) {
        None | Some("") => crate::template::Language::English,
        Some(l) => crate::template::Language::parse(l)
            .ok_or_else(|| format!("language = {l:?} is not one of en, de, fr, es, it, nl"))?,
    };
    let from_name = a
        .from_name
        .clone()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| language.from_name(&owner_name, &shop_name));
    let signature = a
        .signature
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("{owner_name}\n{shop_name}"));
    let time_zone = match a.time_zone.as_deref().or(system_tz) {
        Some(tz) if valid_time_zone(tz) => tz.trim().to_string(),
        Some(tz) => {
            return Err(format!(
                "time_zone = {tz:?} is not a known IANA time zone; write it like \"Europe/Berlin\""
            ))
        }
        None => {
            return Err(
                "cannot find the system's time zone; add time_zone = \"Europe/Berlin\" (your IANA time zone)"
                    .into(),
            )
        }
    };
    let business_days = match &a.business_days {
        Some(days) => {
            if let Some(bad) = days.iter().find(|d| !valid_day(d)) {
                return Err(format!(
                    "business_days holds {bad:?}; use mon, tue, wed, thu, fri, sat, sun"
                ));
            }
            days.iter().map(|d| d.trim().to_string()).collect()
        }
        None => DEFAULT_DAYS.iter().map(|d| d.to_string()).collect(),
    };
    let mut hours = Vec::new();
    for (key, value, default) in [
        ("open", &a.open, DEFAULT_OPEN),
        ("close", &a.close, DEFAULT_CLOSE),
    ] {
        let v = value.as_deref().unwrap_or(default).trim().to_string();
        if !valid_time(&v) {
            return Err(format!("{key} = {v:?} is not a time like \"09:00\""));
        }
        hours.push(v);
    }
    let (imap, smtp) = servers(a, preset, &email)?;
    let login = login(a, preset)?;
    let sharing = match a.sharing_name.as_deref().map(str::trim) {
        None => None,
        Some(n) if n.is_empty() || n.chars().any(char::is_control) => {
            return Err(format!(
                "sharing_name = {n:?} is empty or holds control characters; give the name the \
                 other copies should show for this one, e.g. \"Anna\""
            ))
        }
        Some(n) => Some(n.to_string()),
    };
    let username = a
        .username
        .clone()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| email.clone());
    Ok(Plan {
        email,
        username,
        shop_name,
        owner_name,
        language,
        from_name,
        signature,
        time_zone,
        business_days,
        close: hours.pop().unwrap_or_default(),
        open: hours.pop().unwrap_or_default(),
        holidays: None,
        preset,
        imap,
        smtp,
        ca_file: a.ca_file.clone(),
        login,
        sent_folder: a.sent_folder.clone().filter(|s| !s.trim().is_empty()),
        store: a.store.clone(),
        sharing,
    })
}

/// [`resolve`], with the public holidays of the answers' country for `year` (the year setup
/// runs in, from the clock) and the next.
pub fn resolve_at(a: &Answers, system_tz: Option<&str>, year: i32) -> Result<Plan, String> {
    let mut plan = resolve(a, system_tz)?;
    plan.holidays = super::holidays::plan(a.country.as_deref(), a.region.as_deref(), year)?;
    Ok(plan)
}

fn servers(
    a: &Answers,
    preset: Option<&'static Preset>,
    email: &str,
) -> Result<(ServerPlan, ServerPlan), String> {
    let mut out = Vec::new();
    for (imap, host, port, sec) in [
        (true, &a.imap_host, a.imap_port, a.imap_security.as_deref()),
        (false, &a.smtp_host, a.smtp_port, a.smtp_security.as_deref()),
    ] {
        let name = if imap { "imap" } else { "smtp" };
        let from_preset = preset.map(|p| if imap { p.imap } else { p.smtp });
        let host = match (host.as_deref().map(str::trim), from_preset) {
            (Some(h), _) if !h.is_empty() => h.to_string(),
            (_, Some(s)) => s.host.to_string(),
            _ => {
                let (i, s) = providers::guess_hosts(email);
                return Err(format!(
                    "setup needs the {} server for provider \"other\"; add {name}_host (e.g. \"{}\")",
                    name.to_uppercase(),
                    if imap { i } else { s }
                ));
            }
        };
        let default_sec = from_preset.map_or(Security::Tls, |s| s.security);
        let security = security(sec, &format!("{name}_security"), default_sec)?;
        if !security.allowed_to(&host) {
            return Err(format!(
                "{name}_security = \"none\" would send the password unencrypted to {host}; it is only allowed to 127.0.0.1/localhost"
            ));
        }
        let port = match (port, from_preset) {
            (Some(p), _) => p,
            (None, Some(s)) if s.security == security => s.port,
            _ => default_port(security, imap),
        };
        out.push(ServerPlan {
            host,
            port,
            security,
        });
    }
    let smtp = out.pop().ok_or("no smtp")?;
    let imap = out.pop().ok_or("no imap")?;
    Ok((imap, smtp))
}

fn login(a: &Answers, preset: Option<&'static Preset>) -> Result<Login, String> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let choices = [
        (a.password_keyring == Some(true)).then_some(Login::Keyring),
        given(&a.password_command).map(Login::Command),
        given(&a.password_env).map(Login::Env),
        given(&a.token_command).map(Login::TokenCommand),
        given(&a.oauth2_client_id).map(|id| Login::SignIn {
            provider: "",
            client_id: id,
            client_secret: given(&a.oauth2_client_secret),
        }),
    ];
    let mut set: Vec<Login> = choices.into_iter().flatten().collect();
    if set.len() > 1 {
        return Err(
            "give only one of password_keyring, password_command, password_env, token_command and oauth2_client_id"
                .into(),
        );
    }
    let Some(login) = set.pop() else {
        return Err("setup needs to know where the password comes from; add password_keyring = true (the password then comes on standard input and shopinbox keeps it in the system keyring), password_command (a command that prints it) or password_env (an environment variable's name)".into());
    };
    if let Login::SignIn {
        client_id,
        client_secret,
        ..
    } = login
    {
        let Some(oauth) = preset.and_then(|p| p.oauth) else {
            return Err("the built-in OAuth 2.0 sign-in (oauth2_client_id) is for Google and Microsoft; for other providers use token_command".into());
        };
        let needs_secret =
            crate::oauth::providers::by_id(oauth).is_some_and(|p| p.needs_client_secret);
        if needs_secret && client_secret.is_none() {
            return Err("Google's sign-in needs the client secret that came with the client ID; add oauth2_client_secret".into());
        }
        return Ok(Login::SignIn {
            provider: oauth,
            client_id,
            client_secret,
        });
    }
    Ok(login)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Answers {
        Answers {
            email: Some("hello@alphx.shop".into()),
            provider: Some("fastmail".into()),
            shop_name: Some("Alphx".into()),
            owner_name: Some("Tom".into()),
            password_env: Some("SHOP_PW".into()),
            ..Answers::default()
        }
    }

    #[test]
    fn a_preset_fills_in_the_servers_and_the_defaults() {
        let plan = resolve(&base(), Some("Europe/Berlin")).unwrap();
        assert_eq!(plan.imap.host, "imap.fastmail.com");
        assert_eq!((plan.imap.port, plan.imap.security), (993, Security::Tls));
        assert_eq!(
            (plan.smtp.host.as_str(), plan.smtp.port),
            ("smtp.fastmail.com", 465)
        );
        assert_eq!(plan.username, "hello@alphx.shop");
        assert_eq!(plan.signature, "Tom\nAlphx");
        assert_eq!(plan.time_zone, "Europe/Berlin");
        assert_eq!(plan.business_days, DEFAULT_DAYS);
        assert_eq!(
            (plan.open.as_str(), plan.close.as_str()),
            ("09:00", "17:00")
        );
        assert_eq!(plan.login, Login::Env("SHOP_PW".into()));
        assert_eq!(plan.sent_folder, None);
    }

    #[test]
    fn the_address_picks_the_preset_when_no_provider_is_given() {
        let a = Answers {
            email: Some("alphx.shop@gmx.de".into()),
            provider: None,
            ..base()
        };
        let plan = resolve(&a, Some("Europe/Berlin")).unwrap();
        assert_eq!(plan.preset.map(|p| p.id), Some("gmx"));
        assert_eq!(
            (plan.smtp.host.as_str(), plan.smtp.port, plan.smtp.security),
            ("mail.gmx.net", 587, Security::StartTls)
        );
    }

    #[test]
    fn other_takes_the_servers_given_and_ports_follow_security() {
        let a = Answers {
            provider: Some("other".into()),
            imap_host: Some("127.0.0.1".into()),
            imap_security: Some("starttls".into()),
            smtp_host: Some("mail.alphx.shop".into()),
            smtp_security: Some("starttls".into()),
            ca_file: Some("/etc/ca.pem".into()),
            ..base()
        };
        let plan = resolve(&a, Some("UTC")).unwrap();
        assert_eq!((plan.imap.port, plan.smtp.port), (143, 587));
        assert_eq!(plan.preset, None);
        // An explicit port wins; a preset's port is kept only with its own security.
        let a = Answers {
            provider: Some("gmail".into()),
            smtp_security: Some("starttls".into()),
            imap_port: Some(1993),
            ..base()
        };
        let plan = resolve(&a, Some("UTC")).unwrap();
        assert_eq!(
            (plan.imap.port, plan.smtp.port, plan.smtp.host.as_str()),
            (1993, 587, "smtp.gmail.com")
        );
    }

    #[test]
    fn flags_override_the_answers_file() {
        let file = base();
        let flags = Answers {
            shop_name: Some("Beta".into()),
            ..Answers::default()
        };
        let merged = file.clone().overlay(flags);
        assert_eq!(merged.shop_name.as_deref(), Some("Beta"));
        assert_eq!(merged.owner_name, file.owner_name);
    }

    #[test]
    fn oauth_sign_in_needs_a_provider_with_one_and_googles_secret() {
        let a = Answers {
            provider: Some("gmail".into()),
            password_env: None,
            oauth2_client_id: Some("123.apps.googleusercontent.com".into()),
            oauth2_client_secret: Some("GOCSPX-x".into()),
            ..base()
        };
        let plan = resolve(&a, Some("UTC")).unwrap();
        assert!(matches!(
            plan.login,
            Login::SignIn {
                provider: "google",
                ..
            }
        ));
        let ms = Answers {
            provider: Some("microsoft365".into()),
            oauth2_client_secret: None,
            ..a.clone()
        };
        assert!(resolve(&ms, None).is_err(), "no time zone");
        let ms = Answers {
            time_zone: Some("Europe/London".into()),
            ..ms
        };
        assert!(matches!(
            resolve(&ms, None).unwrap().login,
            Login::SignIn {
                provider: "microsoft",
                client_secret: None,
                ..
            }
        ));
    }

    #[test]
    fn each_wrong_or_missing_answer_is_one_sentence_naming_it() {
        let cases: Vec<(Answers, &str)> = vec![
            (Answers { email: None, ..base() }, "the shop's address (email)"),
            (Answers { email: Some("alphx.shop".into()), ..base() }, "email = \"alphx.shop\" is not an address"),
            (Answers { provider: None, ..base() }, "cannot tell which provider hosts alphx.shop; add provider = one of gmail,"),
            (Answers { provider: Some("aol".into()), ..base() }, "provider = \"aol\" is not one setup knows"),
            (Answers { provider: Some("other".into()), ..base() }, "needs the IMAP server for provider \"other\"; add imap_host (e.g. \"imap.alphx.shop\")"),
            (Answers { shop_name: Some(" ".into()), ..base() }, "the shop's name (shop_name)"),
            (Answers { owner_name: None, ..base() }, "your first name (owner_name)"),
            (Answers { time_zone: Some("Europe/Berln".into()), ..base() }, "time_zone = \"Europe/Berln\" is not a known IANA time zone"),
            (Answers { open: Some("9".into()), ..base() }, "open = \"9\" is not a time"),
            (Answers { business_days: Some(vec!["monday".into()]), ..base() }, "business_days holds \"monday\""),
            (Answers { imap_security: Some("ssl".into()), ..base() }, "imap_security = \"ssl\" is not one of"),
            (Answers { smtp_security: Some("none".into()), ..base() }, "smtp_security = \"none\" would send the password unencrypted to smtp.fastmail.com"),
            (Answers { password_env: None, ..base() }, "where the password comes from"),
            (Answers { password_command: Some("pass x".into()), ..base() }, "give only one of"),
            (Answers { password_env: None, oauth2_client_id: Some("x".into()), ..base() }, "for Google and Microsoft; for other providers use token_command"),
            (Answers { provider: Some("gmail".into()), password_env: None, oauth2_client_id: Some("x".into()), ..base() }, "add oauth2_client_secret"),
        ];
        for (a, want) in cases {
            let err = resolve(&a, Some("Europe/Berlin")).unwrap_err();
            assert!(err.contains(want), "{err:?} should contain {want:?}");
            assert!(!err.contains('\n'), "{err:?}");
        }
    }

    #[test]
    fn answers_files_reject_unknown_keys() {
        let ok: Answers = toml::from_str("email = \"a@b.shop\"\nimap_port = 993\n").unwrap();
        assert_eq!(ok.imap_port, Some(993));
        assert!(toml::from_str::<Answers>("emial = \"a@b.shop\"").is_err());
    }
}
