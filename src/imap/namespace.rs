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
