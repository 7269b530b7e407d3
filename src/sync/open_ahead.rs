//! Opening a folder in the same round trip as the first `UID FETCH` of a download: the
//! EXAMINE is sent now and its answer read by the download's pipeline
//! ([`crate::imap::Opening`]), which hands out nothing unless the folder opened with the
//! UIDVALIDITY the caller's UIDs belong to. A first sync's history uses it: the UIDs come from
//! the first look's listing on the same connection, so only the folder must be opened again
//! (one round trip less on a slow line).

use super::{printable, ImapSession};
use crate::imap::{self, ImapError};
use crate::sync::SyncError;

/// An EXAMINE sent, its answer not read yet.
#[derive(Debug)]
pub(super) struct PendingOpen {
    pub(super) opening: imap::Opening,
    pub(super) mailbox: String,
}

impl ImapSession {
    /// Sends `EXAMINE mailbox` without waiting: the next [`ImapSession::fetch_pipelined`]
    /// reads its answer before any message, or [`Self::settle_open`] does when no download
    /// follows. Until then no other command may be sent.
    pub fn examine_with_next_fetch(
        &mut self,
        mailbox: &str,
        uidvalidity: u32,
    ) -> Result<(), SyncError> {
        let wire = self.wire_to_open(mailbox)?;
        let tag = self
            .conn
            .send(&imap::base::select_command(&wire, false, self.open_param()))
            .map_err(|e| self.open_error(mailbox, e))?;
        self.pending_open = Some(PendingOpen {
            opening: imap::Opening { tag, uidvalidity },
            mailbox: mailbox.to_string(),
        });
        Ok(())
    }

    /// Reads the answer of an EXAMINE sent ahead that no download read (nothing was left to
    /// fetch): the connection is in step again and the folder checked as the download would.
    pub fn settle_open(&mut self) -> Result<(), SyncError> {
        let Some(p) = self.pending_open.take() else {
            return Ok(());
        };
        let answer = self
            .conn
            .finish(&p.opening.tag)
            .map_err(|e| self.open_error(&p.mailbox, e))?;
        if imap::base::folder_state(&answer).uidvalidity != Some(p.opening.uidvalidity) {
            return Err(self.not_opened(&p.mailbox, None));
        }
        self.selected = Some((p.mailbox, false));
        Ok(())
    }

    /// The folder sent ahead did not open: refused (the server's words), or recreated with
    /// another UIDVALIDITY (`None`), which the next sync stores anew.
    pub(super) fn not_opened(&self, mailbox: &str, refused: Option<ImapError>) -> SyncError {
        match refused {
            Some(e) => self.open_error(mailbox, e),
            None => SyncError::Protocol {
                host: self.host().to_string(),
                action: format!("open the folder {}", printable(mailbox)),
                detail: "it was recreated on the server during the sync (its UIDVALIDITY \
                         changed); the next sync stores it anew"
                    .to_string(),
            },
        }
    }
}
