//! The TOML configuration: who the shop is, its business calendar, where the store lives and
//! how to reach the mail servers.
//!
//! Loading is strict because a typo in a config file otherwise shows up much later as a wrong
//! deadline or a connection error: unknown keys are rejected, every value is checked, and each
//! problem becomes one sentence naming the file, the key, the bad value and the fix
//! (`/x/config.toml: hours.time_zone = "Europe/Berln" (line 5) is not a known IANA time zone;
//! did you mean "Europe/Berlin"?`). Passwords never live in the file: they come from a command
//! (`password_command`, run with `sh -c` like aerc/himalaya do) or an environment variable.
//!
//! The parts: [`raw`] is the file's shape (serde structs; a key is declared by its field and
//! the accepted-keys lists are derived from them), [`load`] knows where each key is written
//! and turns serde's errors into sentences, [`build`] and [`server`] check the values and
//! make this module's types, [`report`] is `config check`'s summary and [`problems`] its
//! every-problem run.

mod attachments;
mod build;
mod later;
mod load;
mod oauth;
mod orders;
mod outreach;
pub mod problems;
mod raw;
mod report;
pub mod secret;
mod server;
#[cfg(test)]
mod tests;

pub use attachments::AttachmentSettings;
pub use later::suggestion;
pub use outreach::OutreachConfig;
pub use report::check_report;

use crate::deadline::Calendar;
use chrono::{NaiveDate, NaiveTime};
use load::Ctx;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a config could not be used. Each message is one sentence a shop owner can act on.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}: {source}; create it from config.example.toml or pass --config PATH", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: invalid TOML at line {line}, column {column}: {message}; check quotes, brackets and `key = value` syntax on that line", .path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: unknown key \"{key}\" (line {line}); {known}", .path.display())]
    UnknownKey {
        path: PathBuf,
        key: String,
        line: usize,
        /// "known keys in [hours] are: …", possibly preceded by a did-you-mean.
        known: String,
    },
    #[error("cannot find the config file {}; run `shopinbox setup` to create it, pass --config PATH, or try `shopinbox demo` without one", .path.display())]
    Missing { path: PathBuf },
    #[error("{}: missing {what}; {hint}", .path.display())]
    MissingKey {
        path: PathBuf,
        /// `key "imap.host"` or `section [shop]`.
        what: String,
        hint: String,
    },
    #[error("{}: {key} = {value}{} {problem}", .path.display(), line_suffix(*.line))]
    Invalid {
        path: PathBuf,
        key: String,
        /// The value as written in the file (shortened).
        value: String,
        line: Option<usize>,
        problem: String,
    },
    #[error("{}: no password source in [{section}]; add password_keyring = true and run `shopinbox password` to type it, or password_command = \"pass show shop/{section}\" (a command that prints the password), or password_env = \"SHOPINBOX_{}_PASSWORD\"", .path.display(), .section.to_uppercase())]
    NoPasswordSource { path: PathBuf, section: String },
    /// Errors about `password_command` name the config key, never the command text or its
    /// output: people put secrets in both (`echo hunter2`, a tool that echoes its input).
    #[error("cannot run [{section}] password_command: {source}; check that `sh` is installed")]
    PasswordSpawn {
        section: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot get the password: [{section}] password_command failed ({status}); run it in a shell to see why")]
    PasswordCommandFailed {
        section: String,
        /// "exit 1" / "killed by a signal".
        status: String,
    },
    #[error("cannot get the password: {origin} gave an empty password; it must print (or hold) the password on its first line")]
    PasswordEmpty { origin: String },
    #[error("cannot get the password: environment variable {var} is not set or not valid UTF-8; export it before starting shopinbox or use password_command")]
    PasswordEnv {
        var: String,
        #[source]
        source: std::env::VarError,
    },
    #[error("cannot get the password: no [{section}] password is stored yet; run `shopinbox password` to type it")]
    PasswordNotStored { section: String },
    /// The keyring's fallback file: the sentence names the file, never a password.
    #[error("cannot use the stored password: {0}")]
    PasswordStore(String),
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

/// How a connection is protected; shared with the IMAP and SMTP code (see [`crate::net`]).
pub use crate::net::Security;

/// Where a password comes from. The password itself is never stored in the config.
#[derive(Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// Run with `sh -c`; the first line of its standard output is the password.
    Command(String),
    /// The name of an environment variable holding the password.
    Env(String),
    /// Typed by the owner and kept in the system keyring, else a private file
    /// (`password_keyring = true`; see [`secret`]).
    Keyring(secret::Kept),
}

impl fmt::Debug for PasswordSource {
    /// The command is redacted because people do write `echo hunter2` there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordSource::Command(_) => f.write_str("Command(<redacted>)"),
            PasswordSource::Env(var) => f.debug_tuple("Env").field(var).finish(),
            PasswordSource::Keyring(k) => fmt::Debug::fmt(k, f),
        }
    }
}

/// How shopinbox logs in to a server: `auth = "password"` (the default) or `"oauth2"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerAuth {
    Password(PasswordSource),
    OAuth2(Box<crate::oauth::OAuth2Settings>),
}

impl ServerAuth {
    fn describe(&self) -> String {
        match self {
            ServerAuth::Password(p) => format!("password {}", p.describe()),
            ServerAuth::OAuth2(o) => o.describe(),
        }
    }
}

impl PasswordSource {
    /// Where the password lives, never the password: `from password_command`, `from $VAR`,
    /// `typed, kept in the system keyring`, `typed, kept in FILE (readable only by you)`.
    pub fn describe(&self) -> String {
        match self {
            PasswordSource::Command(_) => "from password_command".to_string(),
            PasswordSource::Env(var) => format!("from ${var}"),
            PasswordSource::Keyring(k) => k.describe(),
        }
    }
}

/// Fetch a password from its source; `section` ("imap", "smtp") names it in errors. Errors
/// name the config key or the variable, never the password, the command text or its output.
pub fn resolve_password(section: &str, src: &PasswordSource) -> Result<String, ConfigError> {
    match src {
        PasswordSource::Keyring(k) => k.resolve(section),
        PasswordSource::Env(var) => {
            let value = std::env::var(var).map_err(|source| ConfigError::PasswordEnv {
                var: var.clone(),
                source,
            })?;
            let first = first_line(&value);
            if first.is_empty() {
                return Err(ConfigError::PasswordEmpty {
                    origin: format!("environment variable {var}"),
                });
            }
            Ok(first.to_string())
        }
        PasswordSource::Command(command) => {
            // Its error output is not shown (it may repeat the secret), so it is not kept.
            let output = Command::new("sh")
                .arg("-c")
                .arg(command)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .output()
                .map_err(|source| ConfigError::PasswordSpawn {
                    section: section.to_string(),
                    source,
                })?;
            if !output.status.success() {
                let status = match output.status.code() {
                    Some(code) => format!("exit {code}"),
                    None => "killed by a signal".to_string(),
                };
                return Err(ConfigError::PasswordCommandFailed {
                    section: section.to_string(),
                    status,
                });
            }
            let stdout = String::from_utf8_lossy(&output.stdout);
            let first = first_line(&stdout);
            if first.is_empty() {
                return Err(ConfigError::PasswordEmpty {
                    origin: format!("[{section}] password_command"),
                });
            }
            Ok(first.to_string())
        }
    }
}

/// The first line without its line ending; spaces are kept (they can be part of a password).
fn first_line(s: &str) -> &str {
    let line = s.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// The domains of the shop's addresses, each once.
fn shop_domains(addresses: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in addresses {
        if let Some((_, d)) = a.rsplit_once('@') {
            let d = d.trim().to_lowercase();
            if !d.is_empty() && !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// `[shop]`: who the shop is.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopConfig {
    pub name: String,
    pub owner_name: String,
    /// Appended to replies; may span several lines.
    pub signature: String,
    /// The shop's own addresses as written; the first is the From identity.
    pub addresses: Vec<String>,
    /// The shop's default language: replies to a customer whose language cannot be told
    /// start from a template in it.
    pub language: crate::template::Language,
    /// The display name of replies (`[shop] from_name`); `None`: the owner's and the shop's
    /// name in the shop's language ([`Config::from_name`]).
    pub from_name: Option<String>,
    /// The authserv-id of the shop's mail provider (`mx.example.com`): only its
    /// `Authentication-Results` are trusted. `None`: the topmost header is the provider's.
    pub authserv_id: Option<String>,
}

/// `[imap]`: the mailbox to read.
#[derive(Debug, Clone, PartialEq)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    /// The password source, or OAuth 2.0.
    pub auth: ServerAuth,
    /// An extra CA certificate (PEM) to trust, for self-hosted servers and tests.
    pub ca_file: Option<PathBuf>,
    /// The Sent folder; `None`: find it by SPECIAL-USE `\Sent`.
    pub sent_folder: Option<String>,
    /// Folders to sync besides INBOX and Sent.
    pub folders: Vec<String>,
    /// Use IMAP IDLE for new mail (when the server offers it).
    pub idle: bool,
    /// How often to check for new mail without IDLE (and to refresh flags).
    pub poll_seconds: u64,
    /// Whether shopinbox saves a copy of each reply in the Sent folder.
    pub save_sent: SaveSent,
    /// Mark a customer's messages read (`\Seen`) on the server when their conversation is
    /// opened in the inbox.
    pub mark_read_on_server: bool,
}

/// `[imap] save_sent`: who puts the copy of a sent reply into the Sent folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SaveSent {
    /// Look for the reply in Sent a little after sending (providers such as Gmail and
    /// Microsoft 365 file their own copy) and save one only when it is missing. The default.
    #[default]
    Auto,
    /// Save a copy unless one is there already, right after sending.
    Always,
    /// Never save a copy (the provider always does).
    Never,
}

impl SaveSent {
    /// The config word back to a value; `None` for anything else.
    pub fn parse(word: &str) -> Option<SaveSent> {
        match word.trim() {
            "auto" => Some(SaveSent::Auto),
            "always" => Some(SaveSent::Always),
            "never" => Some(SaveSent::Never),
            _ => None,
        }
    }
}

impl ImapConfig {
    pub fn poll_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.poll_seconds)
    }
}

/// `[smtp]`: where replies are sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    /// The password source, or OAuth 2.0.
    pub auth: ServerAuth,
    pub ca_file: Option<PathBuf>,
}

/// A loaded, validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it was loaded from (`None` for [`Config::demo`]); relative paths in the file
    /// are resolved against its directory.
    pub file: Option<PathBuf>,
    pub shop: ShopConfig,
    pub calendar: Calendar,
    /// `[store] path`, already resolved; `None`: the XDG data dir (see [`Config::store_path`]).
    pub store_path: Option<PathBuf>,
    pub imap: Option<ImapConfig>,
    pub smtp: Option<SmtpConfig>,
    /// `[keys]`: action name → key strings; the TUI validates them.
    pub keys: BTreeMap<String, Vec<String>>,
    /// `[templates] dir`, already resolved; `None`: see [`Config::templates_dir`].
    pub templates_dir: Option<PathBuf>,
    /// `[offers]`: the facts templates may state (discount code, its amount, return address),
    /// key → text. A template that needs a key not set here is refused.
    pub offers: BTreeMap<String, String>,
    /// `[orders]`: the owner's order notification rules and the duplicate-order window.
    pub orders: crate::mail::order_mail::OrderRules,
    /// `[send] undo_seconds`: how long a reply sent from the inbox waits in the outbox before
    /// it goes out, so `u` can take it back. 0: no window.
    pub undo_seconds: u64,
    /// `[orders.import]`: the columns of an order export that is not Shopify's, WooCommerce's
    /// or Etsy's.
    pub order_import: Option<crate::outreach::import::ColumnMapping>,
    /// `[outreach]`: how fast notices go out (default: the provider's limits).
    pub outreach: OutreachConfig,
    /// `[attachments]`: opening, saving and the largest reply.
    pub attachments: AttachmentSettings,
    /// `[sharing]` (issue 26): this installation's name when its marks are shared with the
    /// other copies on the mailbox through the server (`enabled = true`); `None`: kept local.
    pub sharing: Option<String>,
}

/// The default undo window for replies sent from the inbox.
pub const DEFAULT_UNDO_SECONDS: u64 = 10;
/// The longest undo window accepted.
const MAX_UNDO_SECONDS: u64 = 600;

/// The XDG data dir (`~/.local/share/shopinbox`), else the current folder.
fn default_data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_default()
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "shopinbox")
}

/// `$XDG_CONFIG_HOME/shopinbox/config.toml` (or the platform's equivalent).
pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Read and validate a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ConfigError::Missing {
                    path: path.to_path_buf(),
                }
            } else {
                ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Config::parse(&text, path)
    }

    /// Validate config text; `path` names the file in messages and anchors relative paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let ctx = Ctx::new(text, path)?;
        let raw = ctx.raw()?;
        ctx.build(raw)
    }

    /// The built-in config `shopinbox demo` runs with: a small Berlin shop.
    pub fn demo() -> Config {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let holidays: BTreeSet<NaiveDate> = [
            date(2025, 12, 25),
            date(2025, 12, 26),
            date(2026, 1, 1),
            date(2026, 12, 25),
            date(2026, 12, 26),
            date(2027, 1, 1),
        ]
        .into_iter()
        .flatten()
        .collect();
        Config {
            file: None,
            shop: ShopConfig {
                name: "Alphx".to_string(),
                owner_name: "Tom".to_string(),
                signature: "Tom\nAlphx – handmade ceramics\nhttps://alphx.shop".to_string(),
                addresses: vec!["hello@alphx.shop".to_string(), "tom@alphx.shop".to_string()],
                language: crate::template::Language::English,
                from_name: None,
                authserv_id: None,
            },
            calendar: Calendar {
                holidays,
                ..Calendar::office_hours(
                    chrono_tz::Europe::Berlin,
                    NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
                    NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN),
                )
            },
            store_path: None,
            imap: None,
            smtp: None,
            keys: BTreeMap::new(),
            templates_dir: None,
            offers: [("discount_code", "THANKYOU15"), ("discount_amount", "15%")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            orders: crate::mail::order_mail::OrderRules::default(),
            undo_seconds: DEFAULT_UNDO_SECONDS,
            order_import: None,
            outreach: OutreachConfig::default(),
            attachments: AttachmentSettings::default(),
            sharing: None,
        }
    }

    /// Where the SQLite store lives: `[store] path`, else the XDG data dir
    /// (`~/.local/share/shopinbox/shopinbox.db`), else `./shopinbox.db` when there is no home.
    pub fn store_path(&self) -> PathBuf {
        if let Some(p) = &self.store_path {
            return p.clone();
        }
        default_data_dir().join("shopinbox.db")
    }

    /// Where reply templates live: `[templates] dir`, else `templates/` next to the config
    /// file, else the XDG config dir's `templates/`.
    pub fn templates_dir(&self) -> PathBuf {
        if let Some(d) = &self.templates_dir {
            return d.clone();
        }
        if let Some(dir) = self.file.as_deref().and_then(Path::parent) {
            return dir.join("templates");
        }
        match project_dirs() {
            Some(d) => d.config_dir().join("templates"),
            None => PathBuf::from("templates"),
        }
    }

    /// The business calendar (validated at load).
    pub fn calendar(&self) -> Calendar {
        self.calendar.clone()
    }

    /// The shop's own addresses, lower-case, for telling shop mail from customer mail.
    pub fn shop_addresses(&self) -> Vec<String> {
        self.shop
            .addresses
            .iter()
            .map(|a| a.trim().to_lowercase())
            .collect()
    }

    /// Who the shop is for the store: its addresses, its calendar, and the clock to read.
    pub fn shop_context(&self, clock: crate::clock::Clock) -> crate::store::ShopContext {
        crate::store::ShopContext {
            addresses: self.shop_addresses(),
            calendar: self.calendar(),
            clock,
            proactive: crate::store::Proactive {
                shop: crate::mail::suspicious::ShopIdentity {
                    name: self.shop.name.clone(),
                    addresses: self.shop_addresses(),
                    authserv_id: self.shop.authserv_id.clone(),
                },
                orders: crate::mail::order_mail::OrderRules {
                    shop_domains: shop_domains(&self.shop_addresses()),
                    ..self.orders.clone()
                },
            },
        }
    }

    /// The display name replies come from: `[shop] from_name`, else "{owner} from {shop}" in
    /// the shop's language ("Anna von Töpferei Lind" for a German shop).
    pub fn from_name(&self) -> String {
        match &self.shop.from_name {
            Some(n) => n.clone(),
            None => self
                .shop
                .language
                .from_name(&self.shop.owner_name, &self.shop.name),
        }
    }

    /// The From identity of replies: the first shop address.
    pub fn from_address(&self) -> &str {
        self.shop
            .addresses
            .first()
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The domain for Message-IDs of replies: the From address's domain.
    pub fn message_id_domain(&self) -> String {
        self.from_address()
            .rsplit_once('@')
            .map(|(_, d)| d.to_lowercase())
            .unwrap_or_else(|| "localhost".to_string())
    }
}

/// The name an installation gets when the config gives none: the machine's host name.
pub fn default_installation_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "shopinbox".to_string())
}
