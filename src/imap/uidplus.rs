//! APPEND (RFC 3501 6.3.11) with UIDPLUS (RFC 4315): the tagged `OK [APPENDUID uidvalidity
//! uid]` names the new message.

use super::conn::{Command, Connection, ImapError};
use super::response::RespCode;
use chrono::{DateTime, FixedOffset};
use std::io::{Read, Write};

impl<S: Read + Write> Connection<S> {
    /// APPENDs `raw` to a folder (wire name) with flags (already checked to be flags) and an
    /// optional INTERNALDATE; returns `(uidvalidity, uid)` when the server sent APPENDUID.
    pub fn append(
        &mut self,
        wire_name: &str,
        flags: &str,
        internaldate: Option<DateTime<FixedOffset>>,
        raw: &[u8],
    ) -> Result<Option<(u32, u32)>, ImapError> {
        let mut cmd = Command::new("APPEND ").string(wire_name);
        if !flags.is_empty() {
            cmd = cmd.text(&format!(" ({flags})"));
        }
        if let Some(d) = internaldate {
            cmd = cmd.text(&format!(" \"{}\"", d.format("%d-%b-%Y %H:%M:%S %z")));
        }
        let answer = self.run(&cmd.text(" ").literal(raw))?;
        Ok(match answer.done.and_then(|d| d.code) {
            Some(RespCode::AppendUid { uidvalidity, uid }) => Some((uidvalidity, uid)),
            _ => None,
        })
    }
}
