//! IMAP commands the shared state needs that `ImapSession` does not have (issue 26): CREATE
//! and UNSUBSCRIBE of the state folder, and `PERMANENTFLAGS` from a SELECT answer.
//!
//! PORTING NOTE: everything here goes through the session's generic raw-command helper
//! (`ImapSession::raw`) and the raw SELECT answer (`open_raw`); when the IMAP layer is
//! replaced (branch wire-codec), this is the one file to port.

use super::session::{printable, quote, ImapSession};
use super::SyncError;

/// Create `folder` (if it is missing) and unsubscribe it so that mail clients do not show it.
/// `Err` with the server's words when it cannot be created.
pub(super) fn create_hidden(sess: &mut ImapSession, folder: &str) -> Result<(), SyncError> {
    let Some(q) = quote(&super::folders::to_wire(folder)) else {
        return Err(SyncError::BadFolderName {
            folder: printable(folder),
        });
    };
    sess.raw(
        &format!("create the folder {}", printable(folder)),
        &format!("CREATE {q}"),
    )?;
    // Dovecot and most servers do not subscribe a created folder; some do. Not being able to
    // unsubscribe only means a client may show it.
    let _ = sess.raw("unsubscribe the state folder", &format!("UNSUBSCRIBE {q}"));
    Ok(())
}

/// Open `folder` read-write and say whether the server keeps arbitrary keywords on its
/// messages (`PERMANENTFLAGS` with `\*`), with the folder's state.
///
/// Not called yet: the per-message keywords (`$ShopinboxAnswered`, `$ShopinboxNotCustomer`)
/// are the part of issue 26 still to do; the state folder carries these marks meanwhile.
#[allow(dead_code)]
pub(super) fn select_with_keywords(
    sess: &mut ImapSession,
    folder: &str,
) -> Result<(super::plan::ServerFolder, bool), SyncError> {
    let data = sess.open_raw(folder, true, None)?;
    let status = super::session::parse_status(&data).ok_or_else(|| SyncError::Protocol {
        host: sess.host().to_string(),
        action: format!("open the folder {}", printable(folder)),
        detail: "no UIDVALIDITY in the answer".to_string(),
    })?;
    Ok((status, keywords_allowed(&data)))
}

/// Whether a SELECT answer's `PERMANENTFLAGS` contains `\*`.
pub fn keywords_allowed(select_answer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(select_answer);
    text.lines().any(|l| {
        let upper = l.to_ascii_uppercase();
        upper
            .find("[PERMANENTFLAGS (")
            .and_then(|i| {
                let rest = &l[i + 17..];
                rest.find(')')
                    .map(|j| rest[..j].split_whitespace().any(|f| f == "\\*"))
            })
            .unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permanentflags_with_a_star_allow_keywords() {
        let cases = [
            (&b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n"[..], true),
            (b"* OK [PERMANENTFLAGS (\\Answered \\Seen)] Limited\r\n", false),
            (b"* OK [permanentflags (\\Seen \\*)] lower case\r\n", true),
            (b"* FLAGS (\\Answered \\*)\r\n", false),
            (b"", false),
        ];
        for (answer, want) in cases {
            assert_eq!(
                keywords_allowed(answer),
                want,
                "{}",
                String::from_utf8_lossy(answer)
            );
        }
    }
}
