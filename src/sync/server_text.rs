//! Server answers turned into the owner's sentences: client errors mapped to [`SyncError`],
//! server text sanitized and bounded. Below the session, the login and the folder names, which
//! all report with it, so none of them imports another for it.

use super::SyncError;
use crate::imap::ImapError;
use std::io;

/// Turns a client error into one sentence (never containing the password: none of these
/// carry it).
pub(crate) fn map_err(host: &str, action: &str, e: ImapError) -> SyncError {
    match e {
        ImapError::Io(source) => SyncError::Lost {
            host: host.to_string(),
            action: action.to_string(),
            reason: io_reason(&source),
            source,
        },
        ImapError::Bye(text) => SyncError::Lost {
            host: host.to_string(),
            action: action.to_string(),
            reason: format!("the server closed the connection: \"{}\"", printable(&text)),
            source: io::Error::new(io::ErrorKind::ConnectionAborted, "BYE"),
        },
        ImapError::No(reason) | ImapError::Bad(reason) => SyncError::Server {
            host: host.to_string(),
            action: action.to_string(),
            reason: match printable(&reason) {
                r if r.is_empty() => "no reason given".to_string(),
                r => r,
            },
        },
        ImapError::Protocol(detail) => SyncError::Protocol {
            host: host.to_string(),
            action: action.to_string(),
            detail: printable(&detail),
        },
    }
}

/// A short reason for a broken connection (rustls' own texts are long and technical).
fn io_reason(e: &io::Error) -> String {
    use io::ErrorKind as K;
    match e.kind() {
        K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
            "the server closed the connection".to_string()
        }
        K::TimedOut | K::WouldBlock => format!(
            "the server did not answer for {} s",
            crate::net::IO_TIMEOUT.as_secs()
        ),
        _ => printable(&e.to_string()),
    }
}

/// Server text shown to the owner: one line, sanitized ([`crate::mail::sanitize::line`]:
/// controls, escape sequences and bidi controls gone), length bounded.
pub(crate) fn printable(s: &str) -> String {
    let s = crate::mail::sanitize::line(s);
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}
