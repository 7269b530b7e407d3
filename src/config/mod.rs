//! The TOML configuration: who the shop is, its business calendar, where the store lives and
//! how to reach the mail servers.
//!
//! Loading is strict because a typo in a config file otherwise shows up much later as a wrong
//! deadline or a connection error: unknown keys are rejected, every value is checked, and each
//! problem becomes one sentence naming the file, the key, the bad value and the fix
//! (`/x/config.toml: hours.time_zone = "Europe/Berln" (line 5) is not a known IANA time zone;
//! did you mean "Europe/Berlin"?`). Passwords never live in the file: they come from a command
//! (`password_command`, run with `sh -c` like aerc/himalaya do) or an environment variable.

mod later;
pub use later::suggestion;
mod attachments;
mod orders;
mod outreach;
pub use attachments::AttachmentSettings;
pub use outreach::OutreachConfig;
pub mod problems;

use crate::deadline::{self, Calendar};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod oauth;
pub mod secret;

/// Every section and the keys it accepts, in the order config.example.toml documents them.
/// `[keys]` maps free-form action names, so it has no fixed key list.
const KNOWN_KEYS: &[(&str, &[&str])] = &[
    (
        "shop",
        &[
            "name",
            "owner_name",
            "signature",
            "addresses",
            "language",
            "from_name",
            "authserv_id",
        ],
    ),
    (
        "hours",
        &[
            "time_zone",
            "business_days",
            "open",
            "close",
            "holidays",
            "cutoff_minutes",
            "promise_cutoff_minutes",
            "late_grace_minutes",
            "due_soon_minutes",
            "track_days",
            "track_since",
        ],
    ),
    ("store", &["path"]),
    (
        "imap",
        &[
            "host",
            "port",
            "security",
            "username",
            "password_keyring",
            "password_command",
            "password_env",
            "auth",
            "token_command",
            "oauth2_mechanism",
            "oauth2_provider",
            "oauth2_client_id",
            "oauth2_client_secret",
            "oauth2_auth_url",
            "oauth2_token_url",
            "oauth2_device_url",
            "oauth2_scopes",
            "ca_file",
            "sent_folder",
            "folders",
            "idle",
            "poll_seconds",
            "save_sent",
            "mark_read_on_server",
        ],
    ),
    (
        "smtp",
        &[
            "host",
            "port",
            "security",
            "username",
            "password_keyring",
            "password_command",
            "password_env",
            "auth",
            "token_command",
            "oauth2_mechanism",
            "oauth2_provider",
            "oauth2_client_id",
            "oauth2_client_secret",
            "oauth2_auth_url",
            "oauth2_token_url",
            "oauth2_device_url",
            "oauth2_scopes",
            "ca_file",
        ],
    ),
    ("keys", &[]),
    ("templates", &["dir"]),
    // Any name: the owner's own offers ({offer.NAME} in templates).
    ("offers", &[]),
    ("orders", &["duplicate_window_hours", "source", "import"]),
    ("send", &["undo_seconds"]),
    ("outreach", &["per_minute", "per_day"]),
    (
        "attachments",
        &["open_command", "save_dir", "max_send_mb", "inline_images"],
    ),
    ("sharing", &["enabled", "name"]),
];

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
        ctx.check_known_keys()?;
        let raw: RawConfig = toml::from_str(text).map_err(|e| ctx.serde_error(&e))?;
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

// ---------------------------------------------------------------------------------------
// Raw serde shapes (every struct rejects unknown keys; the key walk below reports them with
// a line number first, this is the backstop).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    shop: RawShop,
    hours: RawHours,
    #[serde(default)]
    store: RawStore,
    imap: Option<RawImap>,
    smtp: Option<RawSmtp>,
    #[serde(default)]
    keys: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    templates: RawTemplates,
    #[serde(default)]
    offers: BTreeMap<String, String>,
    #[serde(default)]
    orders: orders::RawOrders,
    #[serde(default)]
    send: RawSend,
    #[serde(default)]
    outreach: outreach::RawOutreach,
    #[serde(default)]
    attachments: attachments::RawAttachments,
    #[serde(default)]
    sharing: RawSharing,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSharing {
    #[serde(default)]
    enabled: bool,
    name: Option<String>,
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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSend {
    undo_seconds: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShop {
    name: String,
    owner_name: String,
    #[serde(default)]
    signature: String,
    addresses: Vec<String>,
    language: Option<String>,
    from_name: Option<String>,
    authserv_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    time_zone: String,
    business_days: Option<Vec<String>>,
    open: Option<String>,
    close: Option<String>,
    #[serde(default)]
    holidays: Vec<toml::Value>,
    #[serde(default)]
    cutoff_minutes: u32,
    promise_cutoff_minutes: Option<u32>,
    late_grace_minutes: Option<u32>,
    due_soon_minutes: Option<u32>,
    track_days: Option<u32>,
    track_since: Option<toml::Value>,
}

/// A date written as "YYYY-MM-DD" or as a bare TOML date.
fn toml_date(value: &toml::Value) -> Option<NaiveDate> {
    match value {
        toml::Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
        toml::Value::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        },
        _ => None,
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStore {
    path: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTemplates {
    dir: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImap {
    host: String,
    port: Option<i64>,
    security: Option<String>,
    username: String,
    password_keyring: Option<bool>,
    password_command: Option<String>,
    password_env: Option<String>,
    auth: Option<String>,
    token_command: Option<String>,
    oauth2_mechanism: Option<String>,
    oauth2_provider: Option<String>,
    oauth2_client_id: Option<String>,
    oauth2_client_secret: Option<String>,
    oauth2_auth_url: Option<String>,
    oauth2_token_url: Option<String>,
    oauth2_device_url: Option<String>,
    oauth2_scopes: Option<Vec<String>>,
    ca_file: Option<String>,
    sent_folder: Option<String>,
    #[serde(default)]
    folders: Vec<String>,
    idle: Option<bool>,
    poll_seconds: Option<i64>,
    save_sent: Option<String>,
    mark_read_on_server: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmtp {
    host: String,
    port: Option<i64>,
    security: Option<String>,
    username: String,
    password_keyring: Option<bool>,
    password_command: Option<String>,
    password_env: Option<String>,
    auth: Option<String>,
    token_command: Option<String>,
    oauth2_mechanism: Option<String>,
    oauth2_provider: Option<String>,
    oauth2_client_id: Option<String>,
    oauth2_client_secret: Option<String>,
    oauth2_auth_url: Option<String>,
    oauth2_token_url: Option<String>,
    oauth2_device_url: Option<String>,
    oauth2_scopes: Option<Vec<String>>,
    ca_file: Option<String>,
}

/// The connection keys `[imap]` and `[smtp]` share, validated once.
struct RawServer<'a> {
    section: &'static str,
    host: &'a str,
    port: Option<i64>,
    security: Option<&'a str>,
    username: &'a str,
    password_keyring: Option<bool>,
    password_command: Option<&'a str>,
    password_env: Option<&'a str>,
    oauth: &'a oauth::RawOAuth,
    ca_file: Option<&'a str>,
    /// The data folder (for the OAuth token file).
    data_dir: &'a Path,
    /// `[imap]`'s OAuth sign-in, which `[smtp]` shares unless it names its own.
    inherit: Option<&'a crate::oauth::OAuth2Settings>,
}

struct Server {
    host: String,
    port: u16,
    security: Security,
    username: String,
    auth: ServerAuth,
    ca_file: Option<PathBuf>,
}

// ---------------------------------------------------------------------------------------

/// One key (or array element) of the document and where it is written.
struct Entry {
    path: String,
    key: Range<usize>,
    value: Range<usize>,
    is_table: bool,
}

/// The text being loaded, its file name and a map from dotted key paths to source spans, so
/// every message can quote the value as written and give its line.
struct Ctx<'a> {
    text: &'a str,
    path: &'a Path,
    entries: Vec<Entry>,
}

impl<'a> Ctx<'a> {
    fn new(text: &'a str, path: &'a Path) -> Result<Ctx<'a>, ConfigError> {
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

    /// 1-based line and column of a byte offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.path == key)
    }

    fn line_of(&self, key: &str) -> Option<usize> {
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

    fn invalid(&self, key: &str, problem: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            key: key.to_string(),
            value: self.written(key),
            line: self.line_of(key),
            problem: problem.into(),
        }
    }

    /// Reject sections and keys that shopinbox does not know, with their line and the keys
    /// that would be accepted (a misspelt key would otherwise silently fall back to a default).
    fn check_known_keys(&self) -> Result<(), ConfigError> {
        let sections: Vec<&str> = KNOWN_KEYS.iter().map(|(s, _)| *s).collect();
        for e in &self.entries {
            let mut parts = e.path.splitn(2, '.');
            let section = parts.next().unwrap_or("");
            let rest = parts.next();
            let line = self.position(e.key.start).0;
            let Some((_, keys)) = KNOWN_KEYS.iter().find(|(s, _)| *s == section) else {
                return Err(ConfigError::UnknownKey {
                    path: self.path.to_path_buf(),
                    key: e.path.clone(),
                    line,
                    known: format!(
                        "{}known sections are: {}",
                        did_you_mean(section, &sections),
                        sections
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
            if section == "keys" || section == "offers" {
                continue;
            }
            let key = rest.split(['.', '[']).next().unwrap_or(rest);
            if !keys.contains(&key) {
                return Err(ConfigError::UnknownKey {
                    path: self.path.to_path_buf(),
                    key: format!("{section}.{key}"),
                    line,
                    known: format!(
                        "{}known keys in [{section}] are: {}",
                        did_you_mean(key, keys),
                        keys.join(", ")
                    ),
                });
            }
        }
        Ok(())
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
                Some(section) => ConfigError::MissingKey {
                    path: self.path.to_path_buf(),
                    what: format!("key \"{section}.{field}\""),
                    hint: format!(
                        "add {field} = … to [{section}] (see config.example.toml for what it means)"
                    ),
                },
                None => ConfigError::MissingKey {
                    path: self.path.to_path_buf(),
                    what: format!("section [{field}]"),
                    hint: format!("add a [{field}] section (see config.example.toml for its keys)"),
                },
            };
        }
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

    fn build(&self, mut raw: RawConfig) -> Result<Config, ConfigError> {
        let base = self.path.parent();
        let shop = self.shop(raw.shop)?;
        let calendar = self.calendar(raw.hours)?;
        let store_path = match raw.store.path.as_deref() {
            None => None,
            Some(p) if p.trim().is_empty() => return Err(self.invalid(
                "store.path",
                "is empty; give a file path or remove the key to use the default data directory",
            )),
            Some(p) => Some(resolve_path(p, base)),
        };
        // OAuth sign-ins are kept next to the store when no keyring is available.
        let data_dir = match &store_path {
            Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => default_data_dir(),
        };
        let imap = match raw.imap {
            None => None,
            Some(r) => {
                let server = self.server(RawServer {
                    section: "imap",
                    host: &r.host,
                    port: r.port,
                    security: r.security.as_deref(),
                    username: &r.username,
                    password_keyring: r.password_keyring,
                    password_command: r.password_command.as_deref(),
                    password_env: r.password_env.as_deref(),
                    oauth: &oauth::RawOAuth {
                        auth: r.auth.clone(),
                        token_command: r.token_command.clone(),
                        oauth2_mechanism: r.oauth2_mechanism.clone(),
                        oauth2_provider: r.oauth2_provider.clone(),
                        oauth2_client_id: r.oauth2_client_id.clone(),
                        oauth2_client_secret: r.oauth2_client_secret.clone(),
                        oauth2_auth_url: r.oauth2_auth_url.clone(),
                        oauth2_token_url: r.oauth2_token_url.clone(),
                        oauth2_device_url: r.oauth2_device_url.clone(),
                        oauth2_scopes: r.oauth2_scopes.clone(),
                    },
                    ca_file: r.ca_file.as_deref(),
                    data_dir: &data_dir,
                    inherit: None,
                })?;
                if let Some(folder) = r.sent_folder.as_deref() {
                    if folder.trim().is_empty() {
                        return Err(self.invalid(
                            "imap.sent_folder",
                            "is empty; name the Sent folder (e.g. \"Sent\") or remove the key to find it automatically",
                        ));
                    }
                }
                for (i, folder) in r.folders.iter().enumerate() {
                    if folder.trim().is_empty() {
                        return Err(self.invalid(
                            &format!("imap.folders[{i}]"),
                            "is empty; list folder names such as \"Archive\"",
                        ));
                    }
                }
                let poll_seconds = match r.poll_seconds {
                    None => 300,
                    Some(s) if s >= 1 => s as u64,
                    Some(_) => {
                        return Err(self.invalid(
                            "imap.poll_seconds",
                            "must be at least 1 (seconds between checks for new mail; 300 is a good value)",
                        ))
                    }
                };
                let Some(save_sent) = r
                    .save_sent
                    .as_deref()
                    .map_or(Some(SaveSent::Auto), SaveSent::parse)
                else {
                    return Err(self.invalid(
                        "imap.save_sent",
                        "is not one of \"auto\", \"always\" or \"never\"; use \"auto\" unless you know whether your provider keeps its own copy of sent mail",
                    ));
                };
                Some(ImapConfig {
                    host: server.host,
                    port: server.port,
                    security: server.security,
                    username: server.username,
                    auth: server.auth,
                    ca_file: server.ca_file,
                    sent_folder: r.sent_folder,
                    folders: r.folders,
                    idle: r.idle.unwrap_or(true),
                    poll_seconds,
                    save_sent,
                    mark_read_on_server: r.mark_read_on_server.unwrap_or(true),
                })
            }
        };
        let smtp = match raw.smtp {
            None => None,
            Some(r) => {
                let server = self.server(RawServer {
                    section: "smtp",
                    host: &r.host,
                    port: r.port,
                    security: r.security.as_deref(),
                    username: &r.username,
                    password_keyring: r.password_keyring,
                    password_command: r.password_command.as_deref(),
                    password_env: r.password_env.as_deref(),
                    oauth: &oauth::RawOAuth {
                        auth: r.auth.clone(),
                        token_command: r.token_command.clone(),
                        oauth2_mechanism: r.oauth2_mechanism.clone(),
                        oauth2_provider: r.oauth2_provider.clone(),
                        oauth2_client_id: r.oauth2_client_id.clone(),
                        oauth2_client_secret: r.oauth2_client_secret.clone(),
                        oauth2_auth_url: r.oauth2_auth_url.clone(),
                        oauth2_token_url: r.oauth2_token_url.clone(),
                        oauth2_device_url: r.oauth2_device_url.clone(),
                        oauth2_scopes: r.oauth2_scopes.clone(),
                    },
                    ca_file: r.ca_file.as_deref(),
                    data_dir: &data_dir,
                    inherit: imap.as_ref().and_then(|i: &ImapConfig| match &i.auth {
                        ServerAuth::OAuth2(o)
                            if matches!(o.origin, crate::oauth::TokenOrigin::SignIn(_)) =>
                        {
                            Some(&**o)
                        }
                        _ => None,
                    }),
                })?;
                Some(SmtpConfig {
                    host: server.host,
                    port: server.port,
                    security: server.security,
                    username: server.username,
                    auth: server.auth,
                    ca_file: server.ca_file,
                })
            }
        };
        let templates_dir = match raw.templates.dir.as_deref() {
            None => None,
            Some(p) if p.trim().is_empty() => {
                return Err(self.invalid(
                    "templates.dir",
                    "is empty; give a directory or remove the key to use templates/ next to the config file",
                ))
            }
            Some(p) => Some(resolve_path(p, base)),
        };
        let mut offers = BTreeMap::new();
        for (key, value) in raw.offers {
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(self.invalid(
                    &format!("offers.{key}"),
                    "is not a usable name; offer names are lower case letters, digits and `_` \
                     (templates write {offer.NAME})",
                ));
            }
            if value.trim().is_empty() {
                return Err(self.invalid(
                    &format!("offers.{key}"),
                    "is empty; give the text a template should write, or remove the key so \
                     that templates needing it are refused",
                ));
            }
            offers.insert(key, value.trim().to_string());
        }
        let sharing = match (raw.sharing.enabled, raw.sharing.name) {
            (false, _) => None,
            (true, Some(n)) if n.trim().is_empty() || n.chars().any(char::is_control) => {
                return Err(self.invalid(
                    "sharing.name",
                    "is empty or holds control characters; give the name the other copies \
                     should show for this one, e.g. \"Anna\"",
                ))
            }
            (true, Some(n)) => Some(n.trim().to_string()),
            (true, None) => Some(default_installation_name()),
        };
        Ok(Config {
            sharing,
            file: Some(self.path.to_path_buf()),
            shop,
            calendar,
            store_path,
            imap,
            smtp,
            keys: raw.keys,
            templates_dir,
            offers,
            order_import: outreach::build_import(self, raw.orders.import.take())?,
            outreach: outreach::build_outreach(self, raw.outreach)?,
            orders: orders::build(self, raw.orders)?,
            attachments: attachments::build(self, raw.attachments, base)?,
            undo_seconds: match raw.send.undo_seconds {
                None => DEFAULT_UNDO_SECONDS,
                Some(n) if (0..=MAX_UNDO_SECONDS as i64).contains(&n) => n as u64,
                Some(_) => {
                    return Err(self.invalid(
                        "send.undo_seconds",
                        "is out of range; give 0 (send at once) to 600 seconds",
                    ))
                }
            },
        })
    }

    fn shop(&self, raw: RawShop) -> Result<ShopConfig, ConfigError> {
        if raw.name.trim().is_empty() {
            return Err(self.invalid(
                "shop.name",
                "is empty; give the shop's name as customers know it",
            ));
        }
        if raw.addresses.is_empty() {
            return Err(self.invalid(
                "shop.addresses",
                "is empty; list the shop's own addresses, the first is used as From (e.g. [\"hello@yourshop.com\"])",
            ));
        }
        for (i, addr) in raw.addresses.iter().enumerate() {
            if !is_plain_address(addr.trim()) {
                return Err(self.invalid(
                    &format!("shop.addresses[{i}]"),
                    "is not a plain e-mail address; write it like \"hello@yourshop.com\" (no name, no <>)",
                ));
            }
        }
        let language = match raw.language.as_deref().map(str::trim) {
            None | Some("") => crate::template::Language::English,
            Some(code) => crate::template::Language::parse(code).ok_or_else(|| {
                self.invalid(
                    "shop.language",
                    format!(
                        "is not a language shopinbox writes; use one of {}",
                        crate::template::Language::ALL
                            .iter()
                            .map(|l| l.code())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        };
        let authserv_id = match raw.authserv_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) if id.contains(char::is_whitespace) || id.contains(';') => {
                return Err(self.invalid(
                    "shop.authserv_id",
                    "is not a server name; copy the first word of your provider's \
                     Authentication-Results header (e.g. \"mx.google.com\")",
                ))
            }
            Some(id) => Some(id.to_lowercase()),
        };
        Ok(ShopConfig {
            name: raw.name.trim().to_string(),
            owner_name: raw.owner_name.trim().to_string(),
            signature: raw.signature.trim_end().to_string(),
            addresses: raw.addresses.iter().map(|a| a.trim().to_string()).collect(),
            language,
            from_name: raw
                .from_name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            authserv_id,
        })
    }

    fn calendar(&self, raw: RawHours) -> Result<Calendar, ConfigError> {
        let wanted = raw.time_zone.trim();
        // Zone names are case-sensitive in the database; people are not.
        let tz = wanted.parse::<Tz>().ok().or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|t| t.name().eq_ignore_ascii_case(wanted))
                .copied()
        });
        let tz: Tz = tz.ok_or_else(|| {
            let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect();
            let hint = match closest(raw.time_zone.trim(), &names) {
                Some(name) => format!("did you mean \"{name}\"?"),
                None => "use a name such as \"Europe/Berlin\" or \"America/New_York\"".to_string(),
            };
            self.invalid(
                "hours.time_zone",
                format!("is not a known IANA time zone; {hint}"),
            )
        })?;

        let mut business_days = [false; 7];
        match &raw.business_days {
            None => business_days[..5].fill(true),
            Some(days) => {
                for (i, day) in days.iter().enumerate() {
                    let wd: Weekday = day.trim().parse().map_err(|_| {
                        self.invalid(
                            &format!("hours.business_days[{i}]"),
                            "is not a weekday; use mon, tue, wed, thu, fri, sat or sun",
                        )
                    })?;
                    business_days[wd.num_days_from_monday() as usize] = true;
                }
            }
        }
        if !business_days.contains(&true) {
            return Err(self.invalid(
                "hours.business_days",
                "has no business days; list at least one, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]",
            ));
        }

        let time = |key: &str,
                    value: Option<&str>,
                    default: u32|
         -> Result<NaiveTime, ConfigError> {
            match value {
                None => Ok(NaiveTime::from_hms_opt(default, 0, 0).unwrap_or(NaiveTime::MIN)),
                Some(v) => NaiveTime::parse_from_str(v.trim(), "%H:%M").map_err(|_| {
                    self.invalid(
                        key,
                        "is not a time of day; write it as HH:MM on the 24-hour clock (e.g. \"17:00\")",
                    )
                }),
            }
        };
        let open = time("hours.open", raw.open.as_deref(), 9)?;
        let close = time("hours.close", raw.close.as_deref(), 17)?;
        if close <= open {
            let (key, problem) = if raw.close.is_some() {
                ("hours.close", format!("is not after hours.open ({}); closing time must be later than opening time on the same day", open.format("%H:%M")))
            } else {
                (
                    "hours.open",
                    format!(
                        "is not before the default closing time {}; set hours.close too",
                        close.format("%H:%M")
                    ),
                )
            };
            return Err(self.invalid(key, problem));
        }

        let mut holidays = BTreeSet::new();
        for (i, value) in raw.holidays.iter().enumerate() {
            match toml_date(value) {
                Some(d) => {
                    holidays.insert(d);
                }
                None => {
                    return Err(self.invalid(
                        &format!("hours.holidays[{i}]"),
                        "is not a date; write holidays as \"YYYY-MM-DD\" (e.g. \"2026-12-25\")",
                    ))
                }
            }
        }

        let day_minutes = (close - open).num_minutes();
        if i64::from(raw.cutoff_minutes) >= day_minutes {
            return Err(self.invalid(
                "hours.cutoff_minutes",
                format!(
                    "is not shorter than the business day ({}–{}, {day_minutes} minutes); use a smaller number, or 0 for no cut-off",
                    open.format("%H:%M"),
                    close.format("%H:%M")
                ),
            ));
        }
        let promise_cutoff = raw
            .promise_cutoff_minutes
            .unwrap_or(deadline::DEFAULT_PROMISE_CUTOFF_MINUTES);
        if i64::from(promise_cutoff) >= day_minutes {
            return Err(self.invalid(
                "hours.promise_cutoff_minutes",
                format!(
                    "is not shorter than the business day ({day_minutes} minutes); use a smaller number, or 0 for none"
                ),
            ));
        }
        let track = self.track_window(raw.track_days, raw.track_since.as_ref())?;
        Ok(Calendar {
            tz,
            business_days,
            open,
            close,
            holidays,
            cutoff: Duration::minutes(i64::from(raw.cutoff_minutes)),
            promise_cutoff: Duration::minutes(i64::from(promise_cutoff)),
            late_grace: Duration::minutes(i64::from(
                raw.late_grace_minutes
                    .unwrap_or(deadline::DEFAULT_LATE_GRACE_MINUTES),
            )),
            due_soon: Duration::minutes(i64::from(
                raw.due_soon_minutes
                    .unwrap_or(deadline::DEFAULT_DUE_SOON_MINUTES),
            )),
            track,
        })
    }

    /// `[hours] track_days` or `track_since` (not both): see `crate::tracking`.
    fn track_window(
        &self,
        days: Option<u32>,
        since: Option<&toml::Value>,
    ) -> Result<deadline::TrackWindow, ConfigError> {
        let since = match since {
            None => None,
            Some(value) => match toml_date(value) {
                Some(d) if d.year() < 1970 => {
                    return Err(self.invalid(
                        "hours.track_since",
                        "is before 1970; write the date from which customer mail counts (e.g. \"2026-01-01\")",
                    ))
                }
                Some(d) => Some(d),
                None => {
                    return Err(self.invalid(
                        "hours.track_since",
                        "is not a date; write it as \"YYYY-MM-DD\" (e.g. \"2026-01-01\")",
                    ))
                }
            },
        };
        match (days, since) {
            (Some(_), Some(_)) => Err(self.invalid(
                "hours.track_since",
                "cannot be set together with hours.track_days; keep one of them",
            )),
            (Some(n), None) if n > 366 => Err(self.invalid(
                "hours.track_days",
                "is more than a year of business days; use a smaller number, or track_since with a date",
            )),
            (Some(n), None) => Ok(deadline::TrackWindow::BusinessDays(n)),
            (None, Some(d)) => Ok(deadline::TrackWindow::Since(d)),
            (None, None) => Ok(deadline::TrackWindow::default()),
        }
    }

    fn server(&self, raw: RawServer<'_>) -> Result<Server, ConfigError> {
        let s = raw.section;
        let key = |k: &str| format!("{s}.{k}");
        let host = raw.host.trim();
        if host.is_empty() {
            return Err(self.invalid(
                &key("host"),
                "is empty; give the server name, e.g. \"mail.yourshop.com\"",
            ));
        }
        if host.contains("://") || host.contains(char::is_whitespace) || host.contains('/') {
            return Err(self.invalid(
                &key("host"),
                "is not a host name; write only the name, e.g. \"mail.yourshop.com\" (no imaps:// and no path; the port goes in port)",
            ));
        }
        let Some(security) = raw.security.map_or(Some(Security::Tls), Security::parse) else {
            return Err(self.invalid(&key("security"), "is not one of \"tls\", \"starttls\" or \"none\"; use \"tls\" unless your provider says otherwise"));
        };
        if !security.allowed_to(host) {
            return Err(self.invalid(
                &key("security"),
                format!("would send the password unencrypted to \"{host}\"; plaintext is only allowed to 127.0.0.1/localhost; use security = \"tls\" (or \"starttls\")"),
            ));
        }
        let port = match raw.port {
            None => match (s, security) {
                ("imap", Security::Tls) => 993,
                ("imap", _) => 143,
                (_, Security::Tls) => 465,
                (_, Security::StartTls) => 587,
                (_, Security::None) => 25,
            },
            Some(p) => u16::try_from(p).ok().filter(|p| *p != 0).ok_or_else(|| {
                self.invalid(&key("port"), "is not a port number between 1 and 65535")
            })?,
        };
        if raw.username.trim().is_empty() {
            return Err(self.invalid(
                &key("username"),
                "is empty; give the login name for the server (often the full address)",
            ));
        }
        let auth = match self.oauth(&raw, host)? {
            Some(o) => {
                for k in ["password_keyring", "password_command", "password_env"] {
                    if self.entry(&key(k)).is_some() {
                        return Err(self.invalid(
                            &key(k),
                            format!("is not used with {s}.auth = \"oauth2\"; remove it (the access token comes from token_command or `shopinbox login`)"),
                        ));
                    }
                }
                ServerAuth::OAuth2(Box::new(o))
            }
            None => ServerAuth::Password(self.password(&raw)?),
        };
        self.finish_server(&raw, host, security, port, auth)
    }

    fn password(&self, raw: &RawServer<'_>) -> Result<PasswordSource, ConfigError> {
        let s = raw.section;
        let key = |k: &str| format!("{s}.{k}");
        if raw.password_keyring == Some(true) {
            if let Some(k) = ["password_command", "password_env"]
                .into_iter()
                .find(|k| self.entry(&key(k)).is_some())
            {
                return Err(self.invalid(
                    &key(k),
                    format!(
                        "is set together with {s}.password_keyring = true; keep only one of them"
                    ),
                ));
            }
            return Ok(PasswordSource::Keyring(secret::Kept::new(
                self.path,
                s,
                raw.username,
                raw.host,
            )));
        }
        let password = match (raw.password_command, raw.password_env) {
            (Some(_), Some(_)) => {
                return Err(self.invalid(
                    &key("password_env"),
                    format!("is set together with {s}.password_command; keep only one of them"),
                ))
            }
            (Some(cmd), None) if cmd.trim().is_empty() => {
                return Err(self.invalid(&key("password_command"), "is empty; give a command that prints the password, e.g. \"pass show shop/mail\""))
            }
            (Some(cmd), None) => PasswordSource::Command(cmd.to_string()),
            (None, Some(var)) if var.trim().is_empty() || var.contains(['=', '\0']) => {
                return Err(self.invalid(&key("password_env"), "is not an environment variable name; use a name such as \"SHOPINBOX_PASSWORD\""))
            }
            (None, Some(var)) => PasswordSource::Env(var.trim().to_string()),
            (None, None) => {
                return Err(ConfigError::NoPasswordSource {
                    path: self.path.to_path_buf(),
                    section: s.to_string(),
                })
            }
        };
        Ok(password)
    }

    fn finish_server(
        &self,
        raw: &RawServer<'_>,
        host: &str,
        security: Security,
        port: u16,
        auth: ServerAuth,
    ) -> Result<Server, ConfigError> {
        let s = raw.section;
        let key = |k: &str| format!("{s}.{k}");
        let ca_file = match raw.ca_file {
            None => None,
            Some(p) => {
                let resolved = resolve_path(p, self.path.parent());
                if !resolved.is_file() {
                    return Err(self.invalid(
                        &key("ca_file"),
                        format!(
                            "is not a readable file (looked at {}); give the path of a PEM certificate or remove the key",
                            resolved.display()
                        ),
                    ));
                }
                // Read it now: a file that cannot be opened or holds no certificate would
                // otherwise pass `config check` and fail at the first connection.
                if let Err(e) = crate::net::read_ca_file(&resolved) {
                    return Err(self.invalid(&key("ca_file"), later::ca_file_problem(&e)));
                }
                Some(resolved)
            }
        };
        Ok(Server {
            host: host.to_string(),
            port,
            security,
            username: raw.username.trim().to_string(),
            auth,
            ca_file,
        })
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
fn resolve_path(raw: &str, base: Option<&Path>) -> PathBuf {
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
fn is_plain_address(addr: &str) -> bool {
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

fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match closest(word, candidates) {
        Some(c) => format!("did you mean \"{c}\"? "),
        None => String::new(),
    }
}

/// The candidate nearest to `word` (case-insensitive edit distance), if it is near enough to
/// be a typo rather than a different word.
fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbouring letters as one edit (optimal string
/// alignment), since "clsoe" is one slip of the fingers away from "close".
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

// ---------------------------------------------------------------------------------------
// `config check`

/// "Mon–Fri", "Mon, Wed, Fri", "Mon–Wed, Sat".
fn business_days_words(days: &[bool; 7]) -> String {
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut parts = Vec::new();
    let mut i = 0;
    while i < 7 {
        if days[i] {
            let start = i;
            while i + 1 < 7 && days[i + 1] {
                i += 1;
            }
            parts.push(match i - start {
                0 => NAMES[start].to_string(),
                1 => format!("{}, {}", NAMES[start], NAMES[i]),
                _ => format!("{}–{}", NAMES[start], NAMES[i]),
            });
        }
        i += 1;
    }
    parts.join(", ")
}

fn server_words(
    security: Security,
    host: &str,
    port: u16,
    username: &str,
    auth: &ServerAuth,
) -> String {
    format!(
        "{host}:{port} ({}) as {username}, {}",
        security.as_str(),
        auth.describe()
    )
}

/// What `shopinbox config check` prints: the calendar in plain words and the deadlines it
/// implies for a few sample arrivals from `now` on.
pub fn check_report(cfg: &Config, path: &Path, now: DateTime<Utc>) -> String {
    let cal = &cfg.calendar;
    let hm = |t: NaiveTime| t.format("%H:%M").to_string();
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("{}: the configuration is valid.", path.display()));
    line(String::new());
    line(format!(
        "Shop:           {} (owner {}), replies from {}",
        cfg.shop.name,
        if cfg.shop.owner_name.is_empty() {
            "not named"
        } else {
            &cfg.shop.owner_name
        },
        cfg.from_address()
    ));
    if cfg.shop.addresses.len() > 1 {
        line(format!(
            "Own addresses:  {}",
            cfg.shop_addresses().join(", ")
        ));
    }
    line(format!(
        "Business hours: {} {}–{}, time zone {}",
        business_days_words(&cal.business_days),
        hm(cal.open),
        hm(cal.close),
        cal.tz.name()
    ));
    let today = cal.local_date(now);
    let upcoming: Vec<NaiveDate> = cal.holidays.range(today..).copied().collect();
    let holidays = if cal.holidays.is_empty() {
        "none".to_string()
    } else if upcoming.is_empty() {
        format!("none upcoming ({} in the past)", cal.holidays.len())
    } else {
        let shown: Vec<String> = upcoming
            .iter()
            .take(5)
            .map(|d| {
                if d.year() == today.year() {
                    d.format("%a %-d %b").to_string()
                } else {
                    d.format("%a %-d %b %Y").to_string()
                }
            })
            .collect();
        let more = upcoming.len().saturating_sub(shown.len());
        if more > 0 {
            // The last one says when the list runs out (setup writes two years).
            let last = upcoming
                .last()
                .map(|d| d.format("%a %-d %b %Y").to_string())
                .unwrap_or_default();
            format!("{} and {more} more, the last on {last}", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    line(format!("Holidays:       {holidays}"));
    line(format!(
        "Deadline rule:  a customer message is due at the first close of business after it arrives{}",
        if cal.cutoff > Duration::zero() {
            format!(
                "; arrivals after {} (cut-off {} before close) are due the next business day",
                hm(cal.close - cal.cutoff),
                deadline::format_duration(cal.cutoff)
            )
        } else {
            String::new()
        }
    ));
    line(format!(
        "Due soon:       {} before the deadline",
        deadline::format_duration(cal.due_soon)
    ));
    line(format!(
        "Late:           in business time; an answer before {} after the shop opens again is not late",
        deadline::format_duration(cal.late_grace)
    ));
    if cal.promise_cutoff > Duration::zero() {
        line(format!(
            "Promises:       \"end of day\" promised after {} means the next business day's close",
            hm(cal.close - cal.promise_cutoff)
        ));
    }
    line(format!(
        "History:        {} (a first sync now makes mail from before {} history)",
        crate::tracking::describe(cal),
        crate::tracking::history_cutoff(now, cal)
            .with_timezone(&cal.tz)
            .format("%a %-d %b %Y %H:%M")
    ));
    line(format!("Store:          {}", cfg.store_path().display()));
    line(format!("Templates:      {}", cfg.templates_dir().display()));
    line(match &cfg.imap {
        Some(i) => format!(
            "IMAP:           {}",
            server_words(i.security, &i.host, i.port, &i.username, &i.auth)
        ),
        None => "IMAP:           not configured (demo and import work without it)".to_string(),
    });
    line(match &cfg.smtp {
        Some(s) => format!(
            "SMTP:           {}",
            server_words(s.security, &s.host, s.port, &s.username, &s.auth)
        ),
        None => "SMTP:           not configured (replies cannot be sent)".to_string(),
    });
    line(String::new());
    line("Next deadlines:".to_string());
    for (i, (arrival, due)) in deadline::next_deadlines(now, cal, 6)
        .into_iter()
        .enumerate()
    {
        let when = arrival.with_timezone(&cal.tz).format("%a %-d %b %H:%M");
        let lead = if i == 0 && arrival == now {
            format!("a message arriving now ({when})")
        } else {
            format!("a message arriving {when}")
        };
        line(format!(
            "  {lead} is due {}",
            deadline::format_local(due, now, cal)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[shop]
name = "Alphx"
owner_name = "Tom"
signature = """
Tom
Alphx"""
addresses = ["Hello@Alphx.shop", "tom@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"
business_days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "17:00"
holidays = ["2026-12-25", 2026-12-26]
cutoff_minutes = 30

[imap]
host = "imap.alphx.shop"
username = "hello@alphx.shop"
password_command = "pass show alphx/imap"

[smtp]
host = "smtp.alphx.shop"
security = "starttls"
username = "hello@alphx.shop"
password_env = "ALPHX_SMTP_PASSWORD"

[keys]
reply = ["r", "enter"]
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/x/config.toml"))
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    /// GOOD with one line replaced (or appended when `from` is empty).
    fn good_with(from: &str, to: &str) -> String {
        if from.is_empty() {
            return format!("{GOOD}{to}\n");
        }
        assert!(GOOD.contains(from), "{from}");
        GOOD.replacen(from, to, 1)
    }

    #[test]
    fn good_config_loads_with_defaults() {
        let cfg = parse(GOOD).unwrap();
        assert_eq!(cfg.shop.signature, "Tom\nAlphx");
        assert_eq!(cfg.shop_addresses(), ["hello@alphx.shop", "tom@alphx.shop"]);
        assert_eq!(cfg.from_address(), "Hello@Alphx.shop");
        assert_eq!(cfg.message_id_domain(), "alphx.shop");
        let cal = cfg.calendar();
        assert_eq!(cal.tz, chrono_tz::Europe::Berlin);
        assert_eq!(cal.holidays.len(), 2);
        assert_eq!(cal.cutoff, Duration::minutes(30));
        assert_eq!(cal.due_soon, Duration::minutes(60));
        let imap = cfg.imap.as_ref().unwrap();
        assert_eq!(
            (imap.port, imap.security, imap.idle, imap.poll_seconds),
            (993, Security::Tls, true, 300)
        );
        assert_eq!(
            (imap.save_sent, imap.mark_read_on_server),
            (SaveSent::Auto, true)
        );
        assert_eq!(
            imap.auth,
            ServerAuth::Password(PasswordSource::Command("pass show alphx/imap".into()))
        );
        let smtp = cfg.smtp.as_ref().unwrap();
        assert_eq!((smtp.port, smtp.security), (587, Security::StartTls));
        assert_eq!(cfg.keys["reply"], ["r", "enter"]);
        assert_eq!(cfg.templates_dir(), PathBuf::from("/x/templates"));
    }

    #[test]
    fn minimal_config_without_servers() {
        let cfg = parse(
            "[shop]\nname = \"S\"\nowner_name = \"O\"\naddresses = [\"a@b.c\"]\n[hours]\ntime_zone = \"UTC\"\n",
        )
        .unwrap();
        assert!(cfg.imap.is_none() && cfg.smtp.is_none());
        assert_eq!(
            cfg.calendar.business_days,
            [true, true, true, true, true, false, false]
        );
        assert_eq!(
            cfg.calendar.close,
            NaiveTime::from_hms_opt(17, 0, 0).unwrap()
        );
    }

    #[test]
    fn save_sent_and_mark_read_are_read_from_imap() {
        let cases = [
            (
                "save_sent = \"always\"\nmark_read_on_server = false",
                SaveSent::Always,
                false,
            ),
            ("save_sent = \"never\"", SaveSent::Never, true),
            ("save_sent = \" auto \"", SaveSent::Auto, true),
        ];
        for (lines, save_sent, mark_read) in cases {
            let text = good_with(
                "host = \"imap.alphx.shop\"",
                &format!("host = \"imap.alphx.shop\"\n{lines}"),
            );
            let imap = parse(&text).unwrap().imap.unwrap();
            assert_eq!(
                (imap.save_sent, imap.mark_read_on_server),
                (save_sent, mark_read),
                "{lines}"
            );
        }
    }

    #[test]
    fn relative_paths_follow_the_config_file() {
        let cfg = parse(&good_with(
            "",
            "[store]\npath = \"data/shop.db\"\n[templates]\ndir = \"/abs/tpl\"",
        ))
        .unwrap();
        assert_eq!(cfg.store_path(), PathBuf::from("/x/data/shop.db"));
        assert_eq!(cfg.templates_dir(), PathBuf::from("/abs/tpl"));
    }

    #[test]
    fn error_messages_name_file_key_value_and_line() {
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "time_zone = \"Europe/Berlin\"",
                "time_zone = \"Europe/Berln\"",
                &["/x/config.toml: hours.time_zone = \"Europe/Berln\" (line 11) is not a known IANA time zone; did you mean \"Europe/Berlin\"?"],
            ),
            ("close = \"17:00\"", "clsoe = \"17:00\"", &["unknown key \"hours.clsoe\" (line 14)", "did you mean \"close\"?", "known keys in [hours] are: time_zone, business_days, open, close"]),
            ("close = \"17:00\"", "close = \"08:00\"", &["hours.close = \"08:00\" (line 14) is not after hours.open (09:00)"]),
            ("close = \"17:00\"", "close = \"5pm\"", &["hours.close = \"5pm\"", "HH:MM"]),
            ("\"fri\"]", "\"fry\"]", &["hours.business_days[4] = \"fry\" (line 12) is not a weekday"]),
            ("business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]", "business_days = []", &["hours.business_days = [] (line 12) has no business days"]),
            ("\"2026-12-25\",", "\"2026-12-32\",", &["hours.holidays[0] = \"2026-12-32\" (line 15) is not a date", "YYYY-MM-DD"]),
            ("cutoff_minutes = 30", "cutoff_minutes = 480", &["hours.cutoff_minutes = 480 (line 16) is not shorter than the business day"]),
            ("cutoff_minutes = 30", "cutoff_minutes = -5", &["hours.cutoff_minutes = -5 (line 16) has the wrong type; it must be a whole number of 0 or more"]),
            ("cutoff_minutes = 30", "cutoff_minutes = \"30\"", &["hours.cutoff_minutes = \"30\" (line 16) has the wrong type; it must be a whole number of 0 or more"]),
            ("[keys]\nreply = [\"r\", \"enter\"]", "[keys]\nreply = \"r\"", &["keys.reply = \"r\" (line 30) has the wrong type; it must be a list in brackets"]),
            ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nsecurity = \"none\"", &["imap.security = \"none\" (line 20)", "plaintext is only allowed to 127.0.0.1/localhost; use security = \"tls\""]),
            ("host = \"imap.alphx.shop\"", "host = \"imaps://imap.alphx.shop\"", &["imap.host = \"imaps://imap.alphx.shop\" (line 19) is not a host name"]),
            ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nport = 99999", &["imap.port = 99999 (line 20) is not a port number"]),
            ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nsecurity = \"ssl\"", &["imap.security = \"ssl\" (line 20) is not one of"]),
            ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nsave_sent = \"sometimes\"", &["imap.save_sent = \"sometimes\" (line 20) is not one of \"auto\", \"always\" or \"never\""]),
            ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nmark_read_on_server = \"yes\"", &["imap.mark_read_on_server = \"yes\" (line 20) has the wrong type"]),
            ("password_command = \"pass show alphx/imap\"", "", &["/x/config.toml: no password source in [imap]; add password_keyring = true and run `shopinbox password`"]),
            ("password_env = \"ALPHX_SMTP_PASSWORD\"", "password_env = \"ALPHX_SMTP_PASSWORD\"\npassword_command = \"x\"", &["smtp.password_env = \"ALPHX_SMTP_PASSWORD\"", "keep only one"]),
            ("username = \"hello@alphx.shop\"\npassword_command", "password_command", &["missing key \"imap.username\""]),
            ("addresses = [\"Hello@Alphx.shop\", \"tom@alphx.shop\"]", "addresses = [\"Tom <tom@alphx.shop>\"]", &["shop.addresses[0] = \"Tom <tom@alphx.shop>\" (line 8) is not a plain e-mail address"]),
            ("[keys]", "[keyz]", &["unknown key \"keyz\" (line 29)", "did you mean \"keys\"?", "known sections are: [shop], [hours]"]),
            ("cutoff_minutes = 30", "cutoff_minutes = 30\nsecurity = \"tls\"", &["unknown key \"hours.security\" (line 17)"]),
            ("[hours]", "[hours", &["/x/config.toml: invalid TOML at line 10, column"]),
            ("open = \"09:00\"", "open = 09:00", &["hours.open = 09:00 (line 13) has the wrong type; it must be text in double quotes (e.g. \"09:00\")"]),
            ("[shop]", "shop = 3\n[shopx]", &["/x/config.toml: shop = 3 (line 2) is not a section"]),
        ];
        for (from, to, wants) in cases {
            let msg = err(&good_with(from, to));
            for want in *wants {
                assert!(
                    msg.contains(want),
                    "replacing {from:?} by {to:?}:\n got: {msg}\nwant: {want}"
                );
            }
            assert!(!msg.contains('\n'), "one line: {msg}");
        }
    }

    #[test]
    fn load_reads_files_and_names_missing_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let msg = Config::load(&path).unwrap_err().to_string();
        assert!(msg.starts_with("cannot find the config file "), "{msg}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        std::fs::write(&path, GOOD).unwrap();
        let cfg = Config::load(&path).unwrap();
        assert_eq!(cfg.file.as_deref(), Some(path.as_path()));
        assert_eq!(cfg.templates_dir(), dir.path().join("templates"));
        let msg = Config::load(dir.path()).unwrap_err().to_string();
        assert!(msg.starts_with("cannot read the config file "), "{msg}");
    }

    #[test]
    fn missing_section_is_named() {
        let msg = err("[hours]\ntime_zone = \"UTC\"\n");
        assert_eq!(msg, "/x/config.toml: missing section [shop]; add a [shop] section (see config.example.toml for its keys)");
    }

    #[test]
    fn plaintext_to_loopback_is_allowed() {
        for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"] {
            let text = good_with(
                "host = \"imap.alphx.shop\"",
                &format!("host = \"{host}\"\nsecurity = \"none\""),
            );
            let cfg = parse(&text).unwrap();
            let imap = cfg.imap.unwrap();
            assert_eq!((imap.security, imap.port), (Security::None, 143), "{host}");
        }
        for host in ["128.0.0.1", "localhost.evil.com"] {
            let text = good_with(
                "host = \"imap.alphx.shop\"",
                &format!("host = \"{host}\"\nsecurity = \"none\""),
            );
            assert!(
                err(&text).contains("would send the password unencrypted"),
                "{host}"
            );
        }
    }

    #[test]
    fn ca_file_must_exist() {
        let msg = err(&good_with(
            "host = \"imap.alphx.shop\"",
            "host = \"imap.alphx.shop\"\nca_file = \"no/such.pem\"",
        ));
        assert!(msg.contains("imap.ca_file = \"no/such.pem\" (line 20) is not a readable file (looked at /x/no/such.pem)"), "{msg}");
    }

    #[test]
    fn a_typed_password_is_kept_by_name_and_never_with_another_source() {
        let text = good_with(
            "password_command = \"pass show alphx/imap\"",
            "password_keyring = true",
        );
        let cfg = parse(&text).unwrap();
        let Some(ServerAuth::Password(PasswordSource::Keyring(k))) =
            cfg.imap.as_ref().map(|i| &i.auth)
        else {
            panic!("{:?}", cfg.imap)
        };
        assert_eq!(k.entry, "password imap hello@alphx.shop imap.alphx.shop");
        assert_eq!(k.file, Path::new("/x").join(secret::FILE_NAME));
        let both = good_with(
            "password_command = \"pass show alphx/imap\"",
            "password_keyring = true\npassword_command = \"x\"",
        );
        let e = err(&both);
        assert!(
            e.contains("imap.password_command") && e.contains("keep only one"),
            "{e}"
        );
        let off = good_with(
            "password_command = \"pass show alphx/imap\"",
            "password_keyring = false",
        );
        assert!(err(&off).contains("add password_keyring = true and run `shopinbox password`"));
        let oauth = good_with(
            "password_command = \"pass show alphx/imap\"",
            "auth = \"oauth2\"\ntoken_command = \"t\"\npassword_keyring = true",
        );
        assert!(
            err(&oauth).contains("imap.password_keyring = true"),
            "{}",
            err(&oauth)
        );
    }

    #[test]
    fn passwords_from_command_and_env() {
        let pw = resolve_password(
            "imap",
            &PasswordSource::Command("printf 'pass word\\nsecond\\n'".into()),
        )
        .unwrap();
        assert_eq!(pw, "pass word");
        let pw = resolve_password(
            "imap",
            &PasswordSource::Command("printf 's3cret\\r\\n'".into()),
        )
        .unwrap();
        assert_eq!(pw, "s3cret");
        // A command holding a secret, failing with the secret on stderr: neither is quoted.
        let e = resolve_password(
            "imap",
            &PasswordSource::Command(
                "echo FAKE-SECRET-42; echo FAKE-SECRET-42 wrong >&2; exit 3".into(),
            ),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "cannot get the password: [imap] password_command failed (exit 3); run it in a \
             shell to see why"
        );
        let e = resolve_password("smtp", &PasswordSource::Command("kill -9 $$".into()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[smtp] password_command failed (killed by a signal)"),
            "{e}"
        );
        let e = resolve_password(
            "smtp",
            &PasswordSource::Command("true # FAKE-SECRET".into()),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("[smtp] password_command gave an empty password"),
            "{e}"
        );
        assert!(!e.contains("FAKE-SECRET"), "{e}");
        let e = resolve_password(
            "imap",
            &PasswordSource::Env("SHOPINBOX_TEST_SURELY_UNSET_VAR".into()),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("SHOPINBOX_TEST_SURELY_UNSET_VAR is not set"),
            "{e}"
        );
        // PATH is set in any test environment; its first line is returned as-is.
        let path = std::env::var("PATH").unwrap();
        assert_eq!(
            resolve_password("imap", &PasswordSource::Env("PATH".into())).unwrap(),
            path
        );
        assert_eq!(
            format!("{:?}", PasswordSource::Command("echo hunter2".into())),
            "Command(<redacted>)"
        );
    }

    #[test]
    fn offers_are_checked_when_the_config_loads() {
        let ok = parse(&format!(
            "{GOOD}\n[offers]\ndiscount_code = \" SORRY10 \"\nreturn_address = \"Alphx, Berlin\"\n"
        ))
        .unwrap();
        assert_eq!(ok.offers["discount_code"], "SORRY10");
        assert_eq!(ok.offers.len(), 2);
        assert!(parse(GOOD).unwrap().offers.is_empty());
        for (bad, needle) in [
            ("[offers]\ndiscount_code = \"\"\n", "offers.discount_code"),
            ("[offers]\nDiscount = \"X\"\n", "offers.Discount"),
            ("[offers]\ndiscount_code = 10\n", "offers"),
        ] {
            let err = parse(&format!("{GOOD}\n{bad}")).unwrap_err().to_string();
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn undo_seconds_defaults_to_ten_and_is_checked() {
        assert_eq!(parse(GOOD).unwrap().undo_seconds, DEFAULT_UNDO_SECONDS);
        for (text, want) in [("0", 0), ("30", 30), ("600", 600)] {
            let cfg = parse(&format!("{GOOD}\n[send]\nundo_seconds = {text}\n")).unwrap();
            assert_eq!(cfg.undo_seconds, want);
        }
        for bad in ["-1", "601"] {
            let err = parse(&format!("{GOOD}\n[send]\nundo_seconds = {bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("send.undo_seconds"), "{bad}: {err}");
        }
    }

    #[test]
    fn attachments_section_has_defaults_and_is_checked() {
        let cfg = parse(GOOD).unwrap();
        assert_eq!(cfg.attachments, AttachmentSettings::default());
        assert_eq!(cfg.attachments.max_send_bytes, 20_000_000);
        let cfg = parse(&format!(
            "{GOOD}\n[attachments]\nmax_send_mb = 10\nopen_command = \"my-viewer --new\"\ninline_images = false\n"
        ))
        .unwrap();
        assert_eq!(cfg.attachments.max_send_bytes, 10_000_000);
        assert_eq!(
            cfg.attachments.open_command.as_deref(),
            Some("my-viewer --new")
        );
        assert!(!cfg.attachments.inline_images);
        for (bad, key) in [
            ("max_send_mb = 0", "attachments.max_send_mb"),
            ("max_send_mb = 500", "attachments.max_send_mb"),
            ("open_command = \" \"", "attachments.open_command"),
            ("save_dir = \"\"", "attachments.save_dir"),
        ] {
            let err = parse(&format!("{GOOD}\n[attachments]\n{bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(key), "{bad}: {err}");
        }
    }

    #[test]
    fn demo_config_is_sane() {
        let cfg = Config::demo();
        assert_eq!(cfg.shop_addresses(), ["hello@alphx.shop", "tom@alphx.shop"]);
        assert_eq!(cfg.message_id_domain(), "alphx.shop");
        assert_eq!(cfg.calendar.tz, chrono_tz::Europe::Berlin);
        assert!(cfg.calendar.holidays.len() >= 2);
    }

    #[test]
    fn example_config_documents_every_key_and_loads() {
        let text = include_str!("../config.example.toml");
        for (section, keys) in KNOWN_KEYS {
            assert!(
                text.contains(&format!("[{section}]")),
                "[{section}] missing from example"
            );
            for key in *keys {
                assert!(
                    text.lines().any(|l| l
                        .trim_start_matches(['#', ' '])
                        .starts_with(&format!("{key} ="))),
                    "{section}.{key} missing from config.example.toml"
                );
            }
        }
        let cfg = parse(text).unwrap();
        assert!(cfg.imap.is_some() && cfg.smtp.is_some());
        assert_eq!(cfg.offers["discount_code"], "THANKYOU15");
    }

    #[test]
    fn check_report_describes_calendar_and_deadlines() {
        let cfg = parse(GOOD).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-23T18:40:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let report = check_report(&cfg, Path::new("/x/config.toml"), now);
        for want in [
            "/x/config.toml: the configuration is valid.",
            "Business hours: Mon–Fri 09:00–17:00, time zone Europe/Berlin",
            "Holidays:       Fri 25 Dec, Sat 26 Dec",
            "arrivals after 16:30 (cut-off 30m before close) are due the next business day",
            "a message arriving now (Mon 23 Nov 19:40) is due Tue 24 Nov 17:00 Europe/Berlin",
            "a message arriving Sat 28 Nov 12:00 is due Mon 30 Nov 17:00 Europe/Berlin",
            "IMAP:           imap.alphx.shop:993 (tls) as hello@alphx.shop, password from password_command",
            "password from $ALPHX_SMTP_PASSWORD",
        ] {
            assert!(report.contains(want), "missing {want:?} in:\n{report}");
        }
        assert!(
            !report.contains("pass show"),
            "never echo the password command:\n{report}"
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(
            business_days_words(&[true, true, true, true, true, false, false]),
            "Mon–Fri"
        );
        assert_eq!(
            business_days_words(&[true, false, true, false, true, false, false]),
            "Mon, Wed, Fri"
        );
        assert_eq!(
            business_days_words(&[true, true, false, false, false, true, true]),
            "Mon, Tue, Sat, Sun"
        );
        assert_eq!(
            closest("Europe/Berln", &["Europe/Berlin", "Europe/Bern"]),
            Some("Europe/Berlin")
        );
        assert_eq!(closest("banana", &["close", "open"]), None);
        assert_eq!(edit_distance("clsoe", "close"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert!(is_plain_address("a.b+c@shop.example"));
        for bad in ["", "a", "@b", "a@", "a b@c", "a@b@c", "<a@b>", "a@.b"] {
            assert!(!is_plain_address(bad), "{bad}");
        }
    }
}
