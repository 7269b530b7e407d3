//! `[imap]` and `[smtp]`: the shared server keys ([`RawServer`]) checked once — host, port
//! and security, the password source or OAuth 2.0 ([`super::oauth`]), the CA file — and the
//! mailbox keys only `[imap]` has.

use super::load::{resolve_path, Ctx};
use super::raw::{RawImap, RawServer};
use super::{
    later, secret, ConfigError, ImapConfig, PasswordSource, SaveSent, Security, ServerAuth,
    SmtpConfig,
};
use crate::oauth::{OAuth2Settings, TokenOrigin};
use std::path::{Path, PathBuf};

/// One server section being checked: its keys and what they are read with.
pub(super) struct ServerIn<'a> {
    /// "imap" or "smtp".
    pub section: &'static str,
    pub fields: &'a RawServer,
    /// `username`, known to be written.
    pub username: &'a str,
    /// The data folder (for the OAuth token file).
    pub data_dir: &'a Path,
    /// `[imap]`'s OAuth sign-in, which `[smtp]` shares unless it names its own.
    pub inherit: Option<&'a OAuth2Settings>,
}

/// The checked connection keys of either section.
struct Server {
    host: String,
    port: u16,
    security: Security,
    username: String,
    auth: ServerAuth,
    ca_file: Option<PathBuf>,
}

impl Ctx<'_> {
    pub(super) fn imap(&self, raw: RawImap, data_dir: &Path) -> Result<ImapConfig, ConfigError> {
        let server = self.server("imap", &raw.server, data_dir, None)?;
        let r = raw.mailbox;
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
        let poll_seconds =
            match r.poll_seconds {
                None => 300,
                Some(s) if s >= 1 => s as u64,
                Some(_) => return Err(self.invalid(
                    "imap.poll_seconds",
                    "must be at least 1 (seconds between checks for new mail; 300 is a good value)",
                )),
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
        Ok(ImapConfig {
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

    pub(super) fn smtp(
        &self,
        raw: &RawServer,
        data_dir: &Path,
        imap: Option<&ImapConfig>,
    ) -> Result<SmtpConfig, ConfigError> {
        let inherit = imap.and_then(|i| match &i.auth {
            ServerAuth::OAuth2(o) if matches!(o.origin, TokenOrigin::SignIn(_)) => Some(&**o),
            _ => None,
        });
        let server = self.server("smtp", raw, data_dir, inherit)?;
        Ok(SmtpConfig {
            host: server.host,
            port: server.port,
            security: server.security,
            username: server.username,
            auth: server.auth,
            ca_file: server.ca_file,
        })
    }

    fn server(
        &self,
        s: &'static str,
        fields: &RawServer,
        data_dir: &Path,
        inherit: Option<&OAuth2Settings>,
    ) -> Result<Server, ConfigError> {
        let key = |k: &str| format!("{s}.{k}");
        let Some(host) = fields.host.as_deref() else {
            return Err(self.missing(&key("host")));
        };
        let Some(username) = fields.username.as_deref() else {
            return Err(self.missing(&key("username")));
        };
        let raw = ServerIn {
            section: s,
            fields,
            username,
            data_dir,
            inherit,
        };
        let host = host.trim();
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
        let Some(security) = fields
            .security
            .as_deref()
            .map_or(Some(Security::Tls), Security::parse)
        else {
            return Err(self.invalid(&key("security"), "is not one of \"tls\", \"starttls\" or \"none\"; use \"tls\" unless your provider says otherwise"));
        };
        if !security.allowed_to(host) {
            return Err(self.invalid(
                &key("security"),
                format!("would send the password unencrypted to \"{host}\"; plaintext is only allowed to 127.0.0.1/localhost; use security = \"tls\" (or \"starttls\")"),
            ));
        }
        let port = match fields.port {
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
        if username.trim().is_empty() {
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
            None => ServerAuth::Password(self.password(&raw, host)?),
        };
        Ok(Server {
            host: host.to_string(),
            port,
            security,
            username: username.trim().to_string(),
            auth,
            ca_file: self.ca_file(s, fields.ca_file.as_deref())?,
        })
    }

    fn password(&self, raw: &ServerIn<'_>, host: &str) -> Result<PasswordSource, ConfigError> {
        let s = raw.section;
        let f = raw.fields;
        let key = |k: &str| format!("{s}.{k}");
        if f.password_keyring == Some(true) {
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
            // The untrimmed host, as the entry name has always been written.
            let written_host = f.host.as_deref().unwrap_or(host);
            return Ok(PasswordSource::Keyring(secret::Kept::new(
                self.path,
                s,
                raw.username,
                written_host,
            )));
        }
        let password = match (f.password_command.as_deref(), f.password_env.as_deref()) {
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

    /// `ca_file`, resolved and read now: a file that cannot be opened or holds no certificate
    /// would otherwise pass `config check` and fail at the first connection.
    fn ca_file(&self, s: &str, path: Option<&str>) -> Result<Option<PathBuf>, ConfigError> {
        let Some(p) = path else { return Ok(None) };
        let key = format!("{s}.ca_file");
        let resolved = resolve_path(p, self.path.parent());
        if !resolved.is_file() {
            return Err(self.invalid(
                &key,
                format!(
                    "is not a readable file (looked at {}); give the path of a PEM certificate or remove the key",
                    resolved.display()
                ),
            ));
        }
        if let Err(e) = crate::net::read_ca_file(&resolved) {
            return Err(self.invalid(&key, later::ca_file_problem(&e)));
        }
        Ok(Some(resolved))
    }
}
