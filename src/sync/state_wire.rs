//! IMAP steps the shared state needs beyond the mail sync's (issue 26): the hidden state
//! folder (CREATE, then UNSUBSCRIBE) and whether a folder keeps arbitrary keywords
//! (`PERMANENTFLAGS` with `\*` in the SELECT answer). The commands themselves are the base
//! protocol's ([`crate::imap::base`]), reached through [`ImapSession`].

use super::session::ImapSession;
use super::SyncError;

/// Create `folder` (if it is missing) and unsubscribe it so that mail clients do not show it.
/// `Err` with the server's words when it cannot be created.
pub(super) fn create_hidden(sess: &mut ImapSession, folder: &str) -> Result<(), SyncError> {
    sess.create_folder(folder)?;
    // Dovecot and most servers do not subscribe a created folder; some do. Not being able to
    // unsubscribe only means a client may show it.
    let _ = sess.unsubscribe(folder);
    Ok(())
}

/// Open `folder` read-write and say whether the server keeps arbitrary keywords on its
/// messages (`PERMANENTFLAGS` with `\*`), with the folder's state.
/// The write-back job that sets `$ShopinboxAnswered` / `$ShopinboxNotCustomer` uses it.
pub(super) fn select_with_keywords(
    sess: &mut ImapSession,
    folder: &str,
) -> Result<(super::plan::ServerFolder, bool), SyncError> {
    let (state, answer) = sess.open_with(folder, true, None)?;
    let status = sess.server_folder(folder, state)?;
    let flags = crate::imap::base::permanent_flags(&answer);
    Ok((status, keywords_allowed(flags.as_deref())))
}

/// Whether a SELECT answer's `PERMANENTFLAGS` contains `\*`. Without PERMANENTFLAGS the
/// server promises nothing about new keywords, so they are not relied on.
pub fn keywords_allowed(permanent_flags: Option<&[String]>) -> bool {
    permanent_flags.is_some_and(|f| f.iter().any(|f| f == "\\*"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::base::permanent_flags;
    use crate::imap::conn::tests::Replay;
    use crate::imap::Connection;

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
            let mut server = answer.to_vec();
            server.extend_from_slice(b"* OK [UIDVALIDITY 3] Ok\r\na1 OK Select completed.\r\n");
            let mut c = Connection::new(Replay::new(&server, 4096));
            let (_, answer_read) = c.select("shopinbox-state", true, None).unwrap();
            assert_eq!(
                keywords_allowed(permanent_flags(&answer_read).as_deref()),
                want,
                "{}",
                String::from_utf8_lossy(answer)
            );
        }
    }
}
