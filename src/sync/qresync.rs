//! QRESYNC (RFC 7162) for the sync: learn what another client expunged from `* VANISHED
//! (EARLIER) <uids>` in the answer to `EXAMINE mailbox (QRESYNC (uidvalidity highestmodseq))`,
//! instead of comparing every UID. The protocol side is [`crate::imap::condstore`].

use super::plan::ServerFolder;
use super::server_text::printable;
use super::session::ImapSession;
use super::SyncError;
use crate::imap::{self, ImapError};
use std::ops::RangeInclusive;

pub use crate::imap::parse_uid_set;

/// What `EXAMINE … (QRESYNC …)` answered: the folder's state, the UIDs expunged since the
/// given mod-sequence, and the flags changed since it.
#[derive(Debug, Clone, PartialEq)]
pub struct QresyncAnswer {
    pub folder: ServerFolder,
    pub vanished: Vec<RangeInclusive<u32>>,
    pub flags: Vec<(u32, Vec<String>)>,
}

impl ImapSession {
    /// `ENABLE QRESYNC` when the server offers it and it is not on yet; afterwards
    /// [`ImapSession::examine_qresync`] can be used. A server that refuses leaves the
    /// connection as it was (CONDSTORE and the UID comparison still work).
    pub fn enable_qresync(&mut self) -> Result<bool, SyncError> {
        if !self.qresync_to_enable() {
            return Ok(self.caps().qresync);
        }
        let on = match self.conn.enable("QRESYNC") {
            Ok(on) => on,
            Err(ImapError::No(_) | ImapError::Bad(_)) => false,
            Err(e) => return Err(self.err("enable QRESYNC")(e)),
        };
        self.set_qresync(on);
        Ok(on)
    }

    /// The server offers QRESYNC (with CONDSTORE) and it is not on yet on this connection.
    pub(super) fn qresync_to_enable(&self) -> bool {
        let caps = self.caps();
        !caps.qresync && caps.qresync_offered && caps.condstore
    }

    /// `EXAMINE mailbox (QRESYNC (uidvalidity modseq))`: the folder's state plus what changed
    /// since `modseq`. When the folder's UIDVALIDITY is no longer `uidvalidity` the server
    /// sends no changes (the planner then rebuilds the folder anyway).
    pub fn examine_qresync(
        &mut self,
        mailbox: &str,
        uidvalidity: u32,
        modseq: u64,
    ) -> Result<QresyncAnswer, SyncError> {
        let param = imap::condstore::select_qresync(uidvalidity, modseq);
        let (state, answer) = self.open_with(mailbox, false, Some(&param))?;
        let action = format!("open the folder {}", printable(mailbox));
        let changes =
            imap::condstore::qresync_changes(state, answer).map_err(|e| self.err(&action)(e))?;
        Ok(QresyncAnswer {
            folder: self.server_folder(mailbox, changes.state)?,
            vanished: changes.vanished,
            flags: changes.flags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_set_table() {
        for (s, want) in [
            ("1:5,9,12:14", Some(vec![1..=5, 9..=9, 12..=14])),
            ("7", Some(vec![7..=7])),
            ("5:3", Some(vec![3..=5])),
            (" 4294967295 ", Some(vec![4_294_967_295..=4_294_967_295])),
            ("1:*", Some(vec![1..=u32::MAX])),
            ("", None),
            ("0", None),
            ("1,,2", None),
            ("1:2:3", None),
            ("a", None),
            ("4294967296", None),
        ] {
            assert_eq!(parse_uid_set(s), want, "{s:?}");
        }
    }
}
