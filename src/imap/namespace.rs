//! NAMESPACE (RFC 2342): where the owner's folders live (`INBOX.` on Courier and Cyrus).

use super::conn::{Command, Connection, ImapError};
use super::response::Untagged;
use std::io::{Read, Write};

impl<S: Read + Write> Connection<S> {
    /// The first personal namespace's prefix as on the wire (`INBOX.`); `None` without one,
    /// or an empty prefix.
    pub fn namespace_prefix(&mut self) -> Result<Option<String>, ImapError> {
        let answer = self.run(&Command::new("NAMESPACE"))?;
        Ok(answer.untagged.into_iter().find_map(|u| match u {
            Untagged::Namespace(personal) => personal
                .into_iter()
                .map(|(prefix, _)| prefix)
                .find(|p| !p.is_empty()),
            _ => None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::conn::tests::Replay;

    #[test]
    fn personal_prefix_table() {
        for (answer, want) in [
            (
                &b"* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\"))\r\n"[..],
                Some("INBOX."),
            ),
            (b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n", None),
            (b"* NAMESPACE NIL NIL NIL\r\n", None),
            (
                b"* namespace ((\"Mail/\" \"/\")) NIL NIL\r\n",
                Some("Mail/"),
            ),
            (
                b"* NAMESPACE ((\"&AMQ-.\" \".\")) NIL NIL\r\n",
                Some("&AMQ-."),
            ),
            (b"* OK nothing\r\n", None),
        ] {
            let mut server = answer.to_vec();
            server.extend_from_slice(b"a1 OK Namespace completed.\r\n");
            let mut c = Connection::new(Replay::new(&server, 5));
            assert_eq!(c.namespace_prefix().unwrap().as_deref(), want, "{answer:?}");
        }
    }
}
