//! IMAP login with an OAuth 2.0 access token: AUTHENTICATE XOAUTH2 or OAUTHBEARER (RFC 7628).
//! The mechanism follows the server's pre-login capabilities (from the greeting, else a
//! CAPABILITY command sent before `imap` takes over the stream). A refused token is replaced
//! once (refreshed, or `token_command` run again); a second refusal is one sentence.

use super::session::{map_err, printable};
use super::{ImapAccount, SyncError};
use crate::net::MailStream;
use crate::oauth::{sasl, Mechanism, OAuthError, TokenSource};
use std::cell::Cell;
use std::io::{Read, Write};

/// Reads the greeting (unless STARTTLS already did) and the capabilities; returns the SASL
/// mechanisms offered.
pub(super) fn pre_login(
    stream: &mut MailStream,
    host: &str,
    read_greeting: bool,
) -> Result<Vec<String>, SyncError> {
    let lost = |action: &str, e: std::io::Error| map_err(host, action, imap::error::Error::Io(e));
    if read_greeting {
        let greeting = read_line(stream).map_err(|e| lost("read the server greeting", e))?;
        if !greeting.starts_with("* OK") {
            return Err(SyncError::Server {
                host: host.to_string(),
                action: "log in".to_string(),
                reason: printable(&greeting),
            });
        }
        if let Some(caps) = greeting_caps(&greeting) {
            return Ok(sasl::imap_mechanisms(caps.split_ascii_whitespace()));
        }
    }
    stream
        .write_all(b"p1 CAPABILITY\r\n")
        .and_then(|()| stream.flush())
        .map_err(|e| lost("ask for the server's capabilities", e))?;
    let mut caps = Vec::new();
    loop {
        let line = read_line(stream).map_err(|e| lost("ask for the server's capabilities", e))?;
        if let Some(rest) = line
            .get(..13)
            .filter(|p| p.eq_ignore_ascii_case("* CAPABILITY "))
            .map(|_| &line[13..])
        {
            caps.extend(sasl::imap_mechanisms(rest.split_ascii_whitespace()));
        } else if line.starts_with("p1 ") {
            return Ok(caps);
        }
    }
}

/// `* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN …] ready` → the capability words.
fn greeting_caps(greeting: &str) -> Option<&str> {
    let start = greeting.find("[CAPABILITY ")? + "[CAPABILITY ".len();
    let end = greeting[start..].find(']')? + start;
    Some(&greeting[start..end])
}

/// One CRLF-terminated line, read byte by byte so nothing meant for `imap` is consumed.
fn read_line(stream: &mut MailStream) -> std::io::Result<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 64 * 1024 {
        if stream.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        line.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&line).trim_end().to_string())
}

/// Answers the server's `+` continuations: the token first, then the error acknowledgement.
struct Sasl {
    first: Vec<u8>,
    mechanism: Mechanism,
    sent: Cell<bool>,
}

impl imap::Authenticator for Sasl {
    type Response = Vec<u8>;
    fn process(&self, _challenge: &[u8]) -> Vec<u8> {
        if self.sent.replace(true) {
            sasl::error_ack(self.mechanism)
        } else {
            self.first.clone()
        }
    }
}

pub(super) fn authenticate<T: Read + Write>(
    mut client: imap::Client<T>,
    account: &ImapAccount,
    source: &TokenSource,
    offered: &[String],
) -> Result<imap::Session<T>, SyncError> {
    let host = account.host.as_str();
    let mechanism = sasl::choose(source.settings().mechanism, Some(offered)).ok_or_else(|| {
        OAuthError::NoMechanism {
            host: host.to_string(),
        }
    })?;
    for attempt in 0..2 {
        let token = source.token(attempt > 0)?;
        let sasl = Sasl {
            first: sasl::initial_response(mechanism, &account.username, host, account.port, &token),
            mechanism,
            sent: Cell::new(false),
        };
        match client.authenticate(mechanism.as_str(), &sasl) {
            Ok(session) => return Ok(session),
            Err((imap::error::Error::No(_), c)) => client = c,
            Err((e, _)) => return Err(map_err(host, "log in", e)),
        }
    }
    Err(source.refused(host).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_in_the_greeting() {
        assert_eq!(
            greeting_caps("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=OAUTHBEARER] Dovecot ready."),
            Some("IMAP4rev1 AUTH=PLAIN AUTH=OAUTHBEARER")
        );
        assert_eq!(greeting_caps("* OK Gimap ready"), None);
    }
}
