//! "Older, never answered" (issue 11): customer mail from before the tracking window is
//! history, not owed. From its view the owner sweeps it: `a` marks answered and `x` not a
//! customer (the usual flows), and `p` pulls one into Needs reply, due from that moment.

use super::{App, Undo, View};

impl App {
    /// Pull the selected older conversation into Needs reply (owed from now); on a pulled
    /// one, put it back into history. Undo (`u`) takes it back.
    pub(super) fn pull_into_needs_reply(&mut self) {
        let Some(row) = self.target_conversation() else {
            return self.info("Select a conversation in Older, never answered (9) to pull it.");
        };
        if row.older_since.is_none() {
            let why = if self.view == View::Older {
                "It is not older history any more."
            } else {
                "Only conversations in Older, never answered (9) can be pulled into Needs reply."
            };
            return self.info(why);
        }
        match self.data.pull_into_needs_reply(row.id, Some(self.now)) {
            Ok(()) => {
                self.undo.push(Undo::Pulled {
                    conversation: row.id,
                });
                self.info(format!(
                    "Pulled into Needs reply, due from now: {}. u undoes.",
                    super::clip(&row.subject)
                ));
                self.refresh();
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    /// Undo a pull: back into history.
    pub(super) fn undo_pull(&mut self, conversation: i64) -> Result<(), super::DataError> {
        self.data.pull_into_needs_reply(conversation, None)
    }

    /// The status-line report of a first sync's history download.
    pub(super) fn history_progress(&mut self, done: u64, total: u64) {
        self.worker.sync = super::SyncStatus::History { done, total };
        // The worker fetches history in passes; each pass's "N new messages." would hide the
        // progress for good. Other notes (an undo hint, an error) stay.
        let new_mail_note = self.status.as_ref().is_some_and(|m| {
            !m.error
                && m.text.starts_with(|c: char| c.is_ascii_digit())
                && (m.text.ends_with(" new messages.") || m.text.ends_with(" new message."))
        });
        if new_mail_note {
            self.status = None;
        }
    }
}
