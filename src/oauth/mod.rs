//! OAuth 2.0 sign-in for IMAP and SMTP (Google, Microsoft and any standard provider).
//!
//! - [`providers`]: the presets (endpoints, scopes), a pure table `setup` can reuse.
//! - [`sasl`]: the SASL XOAUTH2 and OAUTHBEARER (RFC 7628) messages and the mechanism choice.
//! - [`TokenSource`]: hands out access tokens, from a `token_command` or from the stored
//!   sign-in (refreshed before they expire and once after the server refused one).
//! - [`flows`]: `shopinbox login`, the authorization-code flow with PKCE (RFC 7636) and a
//!   loopback redirect (RFC 8252 7.3), and the device authorization grant (RFC 8628).
//! - [`store`]: where the refresh token lives (system keyring, else a 0600 file).
//!
//! This module never reads the configuration file: `config` builds [`OAuth2Settings`] and
//! hands them in. Tokens and client secrets never appear in `Debug` output or error texts.

pub mod flows;
mod http;
pub mod providers;
pub mod sasl;
pub mod store;
mod token;

pub use token::TokenSource;

use std::fmt;
use std::path::PathBuf;

/// The SASL mechanism that carries the access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// Google's and Microsoft's `XOAUTH2`.
    XOAuth2,
    /// RFC 7628 `OAUTHBEARER`.
    OAuthBearer,
}

impl Mechanism {
    pub fn parse(word: &str) -> Option<Mechanism> {
        match word.trim().to_ascii_lowercase().as_str() {
            "xoauth2" => Some(Mechanism::XOAuth2),
            "oauthbearer" => Some(Mechanism::OAuthBearer),
            _ => None,
        }
    }

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::XOAuth2 => "XOAUTH2",
            Mechanism::OAuthBearer => "OAUTHBEARER",
        }
    }
}

/// An OAuth client registration and the provider's endpoints, for `shopinbox login` and
/// refreshing. `Debug` hides the client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSettings {
    /// "Google", "Microsoft" or the token endpoint's host, for messages.
    pub provider: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub auth_url: String,
    pub token_url: String,
    /// The device authorization endpoint (RFC 8628), when the provider has one.
    pub device_url: Option<String>,
    pub scopes: Vec<String>,
    /// Extra parameters for the authorization request (Google: `access_type=offline`).
    pub auth_params: Vec<(String, String)>,
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .field("device_url", &self.device_url)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Where access tokens come from.
#[derive(Clone, PartialEq, Eq)]
pub enum TokenOrigin {
    /// Run with `sh -c`; the first line of its output is an access token (mutt_oauth2.py,
    /// oama, `gcloud auth print-access-token`, …).
    Command(String),
    /// The refresh token stored by `shopinbox login`.
    SignIn(ClientSettings),
}

impl fmt::Debug for TokenOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenOrigin::Command(_) => f.write_str("Command(<redacted>)"),
            TokenOrigin::SignIn(c) => f.debug_tuple("SignIn").field(c).finish(),
        }
    }
}

/// `auth = "oauth2"` of one server section, validated by `config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2Settings {
    /// `None`: OAUTHBEARER when the server offers it, else XOAUTH2.
    pub mechanism: Option<Mechanism>,
    pub origin: TokenOrigin,
    /// The account (the SASL user, and the name the sign-in is stored under).
    pub username: String,
    /// The data folder (next to the store): the fallback token file lives here.
    pub data_dir: PathBuf,
}

impl OAuth2Settings {
    /// "Google sign-in" / "token_command", for `config check` and messages.
    pub fn describe(&self) -> String {
        match &self.origin {
            TokenOrigin::Command(_) => "OAuth 2.0 token from token_command".to_string(),
            TokenOrigin::SignIn(c) => format!("OAuth 2.0 {} sign-in (shopinbox login)", c.provider),
        }
    }
}

/// Why no access token could be had or the server did not take it. One sentence each, never
/// containing a token or secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("cannot sign in to {provider} as {user}: there is no stored sign-in yet; run `shopinbox login` first")]
    NotSignedIn { provider: String, user: String },
    #[error("the {provider} sign-in for {user} has expired or was revoked; run `shopinbox login` to sign in again")]
    Revoked { provider: String, user: String },
    #[error("the server {host} refused the access token for {user}; {hint}")]
    Refused {
        host: String,
        user: String,
        hint: String,
    },
    #[error("cannot get an access token: token_command {problem}; run it in a shell to see why")]
    Command { problem: String },
    #[error("cannot reach the sign-in server {host} ({reason}); check the internet connection and try again")]
    Network { host: String, reason: String },
    #[error("the sign-in server {host} refused the request ({reason}); check the oauth2_client_id, oauth2_client_secret and endpoints in the config")]
    Server { host: String, reason: String },
    #[error("cannot sign in: {0}")]
    Flow(String),
    #[error("cannot keep the sign-in: {0}")]
    Store(String),
    #[error("the server {host} offers neither OAUTHBEARER nor XOAUTH2 sign-in; use auth = \"password\" or set oauth2_mechanism if it does")]
    NoMechanism { host: String },
}

impl OAuthError {
    /// Trying again cannot help until the owner does something (signs in again, fixes the
    /// config).
    pub fn is_permanent(&self) -> bool {
        !matches!(self, OAuthError::Network { .. })
    }
}

/// The host of a URL, for messages.
pub fn url_host(url: &str) -> String {
    oauth2::url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "the sign-in server".to_string())
}

/// Server text shown to the owner: control characters dropped, length bounded.
pub(crate) fn printable(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).take(200).collect();
    s.trim().to_string()
}
