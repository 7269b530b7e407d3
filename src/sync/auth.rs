//! IMAP login with an OAuth 2.0 access token: AUTHENTICATE XOAUTH2 or OAUTHBEARER (RFC 7628).
//! The mechanism follows the server's pre-login capabilities (from the greeting, else a
//! CAPABILITY command). A refused token is replaced once (refreshed, or `token_command` run
//! again); a second refusal is one sentence.

use super::server_text::map_err;
use super::{ImapAccount, SyncError};
use crate::imap::{Connection, ImapError};
use crate::net::MailStream;
use crate::oauth::{sasl, OAuthError, TokenSource};

/// Logs in with a token; returns the capabilities the server sent with its OK, if any.
pub(super) fn authenticate(
    conn: &mut Connection<MailStream>,
    account: &ImapAccount,
    source: &TokenSource,
    greeting_caps: Option<Vec<String>>,
) -> Result<Option<Vec<String>>, SyncError> {
    let host = account.host.as_str();
    let caps = match greeting_caps {
        Some(c) => c,
        None => conn
            .capability()
            .map_err(|e| map_err(host, "ask for the server's capabilities", e))?,
    };
    let offered = sasl::imap_mechanisms(caps.iter().map(String::as_str));
    let mechanism = sasl::choose(source.settings().mechanism, Some(&offered)).ok_or_else(|| {
        OAuthError::NoMechanism {
            host: host.to_string(),
        }
    })?;
    for attempt in 0..2 {
        let token = source.token(attempt > 0)?;
        let first =
            sasl::initial_response(mechanism, &account.username, host, account.port, &token);
        let mut sent = false;
        // The token first; to the error challenge that follows a refusal, the acknowledgement
        // that lets the server finish with its NO.
        let mut respond = |_: &[u8]| {
            if std::mem::replace(&mut sent, true) {
                sasl::error_ack(mechanism)
            } else {
                first.clone()
            }
        };
        match conn.authenticate(mechanism.as_str(), &mut respond) {
            Ok(caps) => return Ok(caps),
            Err(ImapError::No(_)) => {}
            Err(e) => return Err(map_err(host, "log in", e)),
        }
    }
    Err(source.refused(host).into())
}
