//! SMTP AUTH with an OAuth 2.0 access token: XOAUTH2 or OAUTHBEARER (RFC 7628), whichever
//! the config names or else the server offers (OAUTHBEARER first). lettre knows XOAUTH2 only
//! and cannot answer the server's error challenge, so the exchange runs here as raw commands
//! on lettre's connection. A refused token is replaced once (refreshed, or `token_command`
//! run again) before the reply counts as not sent.

use std::fmt;

use base64::Engine as _;
use lettre::transport::smtp::client::SmtpConnection;
use lettre::transport::smtp::commands::Ehlo;
use lettre::transport::smtp::extension::ClientId;

use super::smtp::{describe, not_sent, Failure, SmtpSettings};
use crate::oauth::{sasl, OAuthError, TokenSource};

/// One command line as written (lettre's `command` takes anything that displays).
struct Line(String);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\r\n", self.0)
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(super) fn authenticate(
    conn: &mut SmtpConnection,
    settings: &SmtpSettings,
    source: &TokenSource,
) -> Result<(), Failure> {
    let user = settings
        .username
        .clone()
        .unwrap_or_else(|| source.settings().username.clone());
    let configured = source.settings().mechanism;
    let offered = if configured.is_some() {
        None
    } else {
        // lettre keeps only the mechanisms it knows; ask again for the full list.
        let ehlo = conn
            .command(Ehlo::new(ClientId::default()))
            .map_err(|e| describe("greet", settings, settings.timeouts.greeting, &e))?;
        Some(sasl::smtp_mechanisms(ehlo.message()))
    };
    let mechanism = sasl::choose(configured, offered.as_deref()).ok_or_else(|| {
        not_sent(
            OAuthError::NoMechanism {
                host: settings.host.clone(),
            }
            .to_string(),
            true,
        )
    })?;
    for attempt in 0..2 {
        let token = source
            .token(attempt > 0)
            .map_err(|e| not_sent(e.to_string(), e.is_permanent()))?;
        let first = sasl::initial_response(mechanism, &user, &settings.host, settings.port, &token);
        let answer = conn.command(Line(format!("AUTH {} {}", mechanism.as_str(), b64(&first))));
        match answer {
            Ok(r) if r.has_code(334) => {
                // The error challenge (RFC 7628 3.2.2): acknowledge it, the server then fails.
                match conn.command(Line(b64(&sasl::error_ack(mechanism)))) {
                    Err(e) if e.is_permanent() => continue,
                    Err(e) => {
                        return Err(describe("log in", settings, settings.timeouts.greeting, &e))
                    }
                    Ok(_) => continue,
                }
            }
            Ok(_) => return Ok(()),
            Err(e) if e.is_permanent() => continue,
            Err(e) => return Err(describe("log in", settings, settings.timeouts.greeting, &e)),
        }
    }
    Err(not_sent(source.refused(&settings.host).to_string(), true))
}
