//! `auth = "oauth2"` in `[imap]` and `[smtp]`: where the access token comes from
//! (`token_command`, or `shopinbox login` with a provider preset or explicit endpoints) and
//! which SASL mechanism carries it. Each problem names the key, its line and the fix.

use super::load::Ctx;
use super::server::ServerIn;
use super::ConfigError;
use crate::net::is_loopback_host;
use crate::oauth::{providers, ClientSettings, Mechanism, OAuth2Settings, TokenOrigin};

/// The keys that only make sense for a built-in sign-in.
const SIGN_IN_KEYS: &[&str] = &[
    "oauth2_provider",
    "oauth2_client_id",
    "oauth2_client_secret",
    "oauth2_auth_url",
    "oauth2_token_url",
    "oauth2_device_url",
    "oauth2_scopes",
];

impl Ctx<'_> {
    /// `Some` for `auth = "oauth2"`, `None` for password login.
    pub(super) fn oauth(
        &self,
        raw: &ServerIn<'_>,
        host: &str,
    ) -> Result<Option<OAuth2Settings>, ConfigError> {
        let s = raw.section;
        let key = |k: &str| format!("{s}.{k}");
        let o = raw.fields;
        let present = |k: &str| self.entry(&key(k)).is_some();
        let oauth_keys = || {
            std::iter::once("token_command")
                .chain(std::iter::once("oauth2_mechanism"))
                .chain(SIGN_IN_KEYS.iter().copied())
        };
        match o.auth.as_deref().map(|a| a.trim().to_ascii_lowercase()) {
            None => {}
            Some(a) if a == "password" => {}
            Some(a) if a == "oauth2" => return self.oauth2(raw, host).map(Some),
            Some(_) => {
                return Err(self.invalid(
                    &key("auth"),
                    "is not \"password\" or \"oauth2\"; use \"oauth2\" for Google and Microsoft mailboxes, else leave it out",
                ))
            }
        }
        if let Some(k) = oauth_keys().find(|k| present(k)) {
            return Err(self.invalid(
                &key(k),
                format!(
                    "is only used with {s}.auth = \"oauth2\"; add that line or remove this key"
                ),
            ));
        }
        Ok(None)
    }

    fn oauth2(&self, raw: &ServerIn<'_>, host: &str) -> Result<OAuth2Settings, ConfigError> {
        let s = raw.section;
        let key = |k: &str| format!("{s}.{k}");
        let o = raw.fields;
        let present = |k: &str| self.entry(&key(k)).is_some();
        let mechanism = match &o.oauth2_mechanism {
            None => None,
            Some(m) => Some(Mechanism::parse(m).ok_or_else(|| {
                self.invalid(
                    &key("oauth2_mechanism"),
                    "is not \"xoauth2\" or \"oauthbearer\"; remove it to use what the server offers",
                )
            })?),
        };
        let username = raw.username.trim().to_string();
        let settings = |origin| OAuth2Settings {
            mechanism,
            origin,
            username: username.clone(),
            data_dir: raw.data_dir.to_path_buf(),
        };
        if let Some(cmd) = &o.token_command {
            if cmd.trim().is_empty() {
                return Err(self.invalid(
                    &key("token_command"),
                    "is empty; give a command that prints an access token, e.g. \"oama access hello@yourshop.com\"",
                ));
            }
            if let Some(k) = SIGN_IN_KEYS.iter().find(|k| present(k)) {
                return Err(self.invalid(
                    &key(k),
                    format!("is not used together with {s}.token_command; keep token_command, or remove it and sign in with `shopinbox login`"),
                ));
            }
            return Ok(settings(TokenOrigin::Command(cmd.clone())));
        }
        if o.oauth2_client_id.is_none() && !SIGN_IN_KEYS.iter().any(|k| present(k)) {
            // [smtp] signs in with [imap]'s sign-in when it is the same account.
            if let Some(inherited) = raw
                .inherit
                .filter(|i| i.username.eq_ignore_ascii_case(&username))
            {
                return Ok(settings(inherited.origin.clone()));
            }
        }
        let Some(client_id) = &o.oauth2_client_id else {
            return Err(ConfigError::MissingKey {
                path: self.path.to_path_buf(),
                what: format!("the access token source for {s}.auth = \"oauth2\""),
                hint: format!(
                    "add token_command = \"…\" (a command that prints an access token, such as mutt_oauth2.py or oama) or oauth2_client_id = \"…\" (your app registration) to [{s}] and run `shopinbox login`; the README shows both"
                ),
            });
        };
        if client_id.trim().is_empty() {
            return Err(self.invalid(
                &key("oauth2_client_id"),
                "is empty; give the client ID of the app you registered (see the README)",
            ));
        }
        let preset = match &o.oauth2_provider {
            Some(p) => Some(providers::by_id(p).ok_or_else(|| {
                self.invalid(
                    &key("oauth2_provider"),
                    "is not a known provider; use \"google\" or \"microsoft\", or leave it out and give oauth2_auth_url and oauth2_token_url",
                )
            })?),
            None => providers::for_host(host),
        };
        let url = |k: &str,
                   given: &Option<String>,
                   default: Option<&str>|
         -> Result<Option<String>, ConfigError> {
            let Some(u) = given.as_deref().or(default) else {
                return Ok(None);
            };
            let parsed = oauth2::url::Url::parse(u.trim()).ok();
            let ok = parsed.as_ref().is_some_and(|p| {
                p.scheme() == "https"
                    || (p.scheme() == "http" && p.host_str().is_some_and(is_loopback_host))
            });
            if !ok {
                return Err(self.invalid(
                    &key(k),
                    "is not an https:// address (plain http:// is only allowed to 127.0.0.1/localhost)",
                ));
            }
            Ok(Some(u.trim().to_string()))
        };
        let missing = |k: &str| {
            ConfigError::MissingKey {
                path: self.path.to_path_buf(),
                what: format!("key \"{s}.{k}\""),
                hint: format!(
                    "oauth2_provider is not set and {host} is not a known Google or Microsoft server; add oauth2_provider = \"google\" or \"microsoft\", or give oauth2_auth_url, oauth2_token_url and oauth2_scopes"
                ),
        }
        };
        let auth_url = url(
            "oauth2_auth_url",
            &o.oauth2_auth_url,
            preset.map(|p| p.auth_url),
        )?
        .ok_or_else(|| missing("oauth2_auth_url"))?;
        let token_url = url(
            "oauth2_token_url",
            &o.oauth2_token_url,
            preset.map(|p| p.token_url),
        )?
        .ok_or_else(|| missing("oauth2_token_url"))?;
        let device_url = url(
            "oauth2_device_url",
            &o.oauth2_device_url,
            preset.and_then(|p| p.device_url),
        )?;
        let scopes = match &o.oauth2_scopes {
            Some(list) => {
                if list.is_empty() || list.iter().any(|x| x.trim().is_empty()) {
                    return Err(self.invalid(
                        &key("oauth2_scopes"),
                        "must list the scopes to ask for, e.g. [\"https://mail.google.com/\"]",
                    ));
                }
                list.iter().map(|x| x.trim().to_string()).collect()
            }
            None => preset
                .map(|p| p.scopes.iter().map(|x| x.to_string()).collect())
                .ok_or_else(|| missing("oauth2_scopes"))?,
        };
        let client_secret = match &o.oauth2_client_secret {
            Some(x) if x.trim().is_empty() => {
                return Err(self.invalid(
                    &key("oauth2_client_secret"),
                    "is empty; give the client secret of your app registration or remove the key",
                ))
            }
            Some(x) => Some(x.trim().to_string()),
            None if preset.is_some_and(|p| p.needs_client_secret) => {
                return Err(self.invalid(
                    &key("oauth2_client_id"),
                    format!(
                        "needs {s}.oauth2_client_secret too: {} gives desktop apps a client secret with the client ID and wants it back (it is not treated as confidential for desktop apps)",
                        preset.map(|p| p.name).unwrap_or("the provider")
                    ),
                ))
            }
            None => None,
        };
        Ok(settings(TokenOrigin::SignIn(ClientSettings {
            provider: preset
                .map(|p| p.name.to_string())
                .unwrap_or_else(|| crate::oauth::url_host(&token_url)),
            client_id: client_id.trim().to_string(),
            client_secret,
            auth_url,
            token_url,
            device_url,
            scopes,
            auth_params: preset
                .map(|p| {
                    p.auth_params
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        })))
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, ServerAuth};
    use crate::oauth::{Mechanism, TokenOrigin};
    use std::path::Path;

    const HEAD: &str = "[shop]\nname = \"A\"\nowner_name = \"T\"\naddresses = [\"a@alphx.shop\"]\n\
        [hours]\ntime_zone = \"Europe/Berlin\"\n[store]\npath = \"/data/shop/store.db\"\n";

    fn parse(imap: &str, smtp: &str) -> Result<Config, String> {
        let text = format!(
            "{HEAD}[imap]\nhost = \"imap.gmail.com\"\nusername = \"a@gmail.com\"\n{imap}\n{smtp}"
        );
        Config::parse(&text, Path::new("/x/c.toml")).map_err(|e| e.to_string())
    }

    fn imap_oauth(cfg: &Config) -> crate::oauth::OAuth2Settings {
        match &cfg.imap.as_ref().unwrap().auth {
            ServerAuth::OAuth2(o) => (**o).clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn presets_commands_and_inheritance() {
        let cfg = parse(
            "auth = \"oauth2\"\noauth2_client_id = \"id\"\noauth2_client_secret = \"s3cret\"",
            "[smtp]\nhost = \"smtp.gmail.com\"\nusername = \"A@gmail.com\"\nauth = \"oauth2\"",
        )
        .unwrap();
        let o = imap_oauth(&cfg);
        assert_eq!(o.data_dir, Path::new("/data/shop"));
        assert_eq!(o.mechanism, None);
        let TokenOrigin::SignIn(c) = &o.origin else {
            panic!()
        };
        assert_eq!(c.provider, "Google");
        assert_eq!(c.token_url, "https://oauth2.googleapis.com/token");
        assert_eq!(c.scopes, ["https://mail.google.com/"]);
        assert!(!format!("{c:?}").contains("s3cret"));
        // [smtp] shares [imap]'s sign-in.
        match &cfg.smtp.as_ref().unwrap().auth {
            ServerAuth::OAuth2(s) => assert_eq!(s.origin, o.origin),
            other => panic!("{other:?}"),
        }
        let cfg = parse(
            "auth = \"OAuth2\"\ntoken_command = \"oama access a@gmail.com\"\noauth2_mechanism = \"XOAUTH2\"",
            "",
        )
        .unwrap();
        let o = imap_oauth(&cfg);
        assert_eq!(o.mechanism, Some(Mechanism::XOAuth2));
        assert!(matches!(o.origin, TokenOrigin::Command(_)));
        assert!(
            !format!("{o:?}").contains("oama"),
            "the command is redacted"
        );
        assert!(crate::config::check_report(
            &cfg,
            Path::new("/x/c.toml"),
            chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
                .unwrap()
                .to_utc()
        )
        .contains("OAuth 2.0 token from token_command"));
    }

    #[test]
    fn mistakes_name_the_key_and_line() {
        let cases: &[(&str, &str)] = &[
            ("auth = \"kerberos\"\npassword_env = \"X\"", "imap.auth = \"kerberos\" (line 12) is not \"password\" or \"oauth2\""),
            ("password_env = \"X\"\ntoken_command = \"x\"", "imap.token_command = \"x\" (line 13) is only used with imap.auth = \"oauth2\""),
            ("auth = \"oauth2\"\npassword_env = \"X\"\ntoken_command = \"x\"", "imap.password_env = \"X\" (line 13) is not used with imap.auth = \"oauth2\""),
            ("auth = \"oauth2\"\ntoken_command = \" \"", "imap.token_command = \" \" (line 13) is empty"),
            ("auth = \"oauth2\"\ntoken_command = \"x\"\noauth2_client_id = \"id\"", "imap.oauth2_client_id = \"id\" (line 14) is not used together with imap.token_command"),
            ("auth = \"oauth2\"\noauth2_client_id = \"id\"", "imap.oauth2_client_id = \"id\" (line 13) needs imap.oauth2_client_secret too"),
            ("auth = \"oauth2\"\noauth2_client_id = \"id\"\noauth2_provider = \"yahoo\"", "imap.oauth2_provider = \"yahoo\" (line 14) is not a known provider"),
            ("auth = \"oauth2\"\noauth2_client_id = \"id\"\noauth2_provider = \"microsoft\"\noauth2_token_url = \"http://evil.example/token\"", "imap.oauth2_token_url = \"http://evil.example/token\" (line 15) is not an https:// address"),
            ("auth = \"oauth2\"\noauth2_client_id = \"id\"\noauth2_provider = \"microsoft\"\noauth2_scopes = []", "imap.oauth2_scopes = [] (line 15) must list the scopes"),
            ("auth = \"oauth2\"\noauth2_mechanism = \"plain\"\ntoken_command = \"x\"", "imap.oauth2_mechanism = \"plain\" (line 13) is not \"xoauth2\" or \"oauthbearer\""),
        ];
        for (imap, want) in cases {
            let e = parse(imap, "").unwrap_err();
            assert!(e.contains(want), "{imap}\n  got: {e}\n want: {want}");
        }
        // A host shopinbox does not know needs its endpoints.
        let text = format!("{HEAD}[imap]\nhost = \"mail.alphx.shop\"\nusername = \"a\"\nauth = \"oauth2\"\noauth2_client_id = \"id\"\n");
        let e = Config::parse(&text, Path::new("/x/c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("missing key \"imap.oauth2_auth_url\"")
                && e.contains("mail.alphx.shop is not a known"),
            "{e}"
        );
        let ok = format!("{text}oauth2_auth_url = \"http://127.0.0.1:9/a\"\noauth2_token_url = \"https://idp.example/t\"\noauth2_scopes = [\"mail\"]\n");
        Config::parse(&ok, Path::new("/x/c.toml")).unwrap();
    }
}
