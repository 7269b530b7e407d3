//! ENABLE (RFC 5161): turn on an extension for this connection (QRESYNC).

use super::conn::{Command, Connection, ImapError};
use super::response::Untagged;
use std::io::{Read, Write};

impl<S: Read + Write> Connection<S> {
    /// `ENABLE <capability>`; whether the server's `* ENABLED` names it.
    pub fn enable(&mut self, capability: &str) -> Result<bool, ImapError> {
        let answer = self.run(&command(capability))?;
        Ok(enabled(&answer.untagged, capability))
    }
}

/// `ENABLE <capability>`.
pub fn command(capability: &str) -> Command<'static> {
    Command::new(format!("ENABLE {capability}"))
}

/// Whether an `* ENABLED` among `untagged` names `capability`.
pub fn enabled(untagged: &[Untagged], capability: &str) -> bool {
    untagged.iter().any(|u| match u {
        Untagged::Enabled(caps) => caps.iter().any(|c| c.eq_ignore_ascii_case(capability)),
        _ => false,
    })
}
