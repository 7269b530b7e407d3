//! UNSELECT (RFC 3691): leave the open folder without expunging anything.

use super::conn::{Command, Connection, ImapError};
use std::io::{Read, Write};

impl<S: Read + Write> Connection<S> {
    pub fn unselect(&mut self) -> Result<(), ImapError> {
        self.run(&Command::new("UNSELECT")).map(|_| ())
    }
}
