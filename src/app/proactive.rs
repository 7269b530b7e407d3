//! The app's side of "be proactive": dismissing a possible duplicate order (`d`) and saying a
//! suspicious conversation's sender is fine (`t`), both undone with `u`. Warnings themselves
//! are drawn from the rows' flags (see `ui::flags`).

use super::{App, Undo};
use crate::store::FlagKind;

impl App {
    /// `d`: "not a duplicate" on the selected possible duplicate order.
    pub(super) fn not_duplicate(&mut self) {
        let Some(row) = self.target_conversation() else {
            return self.info("Select a possible duplicate order to dismiss.");
        };
        if !row.flags.iter().any(|f| f.kind == FlagKind::DuplicateOrder) {
            return self.info("This is not a possible duplicate order.");
        }
        match self.data.dismiss_duplicate(row.id) {
            Ok(()) => {
                self.undo.push(Undo::Duplicate {
                    conversation: row.id,
                });
                self.info("Not a duplicate: both orders stand. u undoes.");
                self.refresh();
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    /// `t`: "this sender is fine" on a conversation with a suspicious flag: the badge goes,
    /// also from the sender's other and future mail, until `u` (or the command line's
    /// `not-suspicious ADDR --undo`) takes it back.
    pub(super) fn not_suspicious(&mut self) {
        let Some(row) = self.target_conversation() else {
            return self.info("Select a conversation flagged suspicious.");
        };
        if !row.flags.iter().any(|f| f.kind == FlagKind::Suspicious) {
            return self.info("This conversation is not flagged suspicious.");
        }
        match self.data.trust_suspicious_sender(row.id) {
            Ok(addr) => {
                let shown = crate::mail::sanitize::line(&addr);
                self.undo.push(Undo::Trusted { addr });
                self.info(format!(
                    "{shown} is fine: their mail is no longer flagged suspicious. u undoes."
                ));
                self.refresh();
            }
            Err(e) => self.error(e.sentence()),
        }
    }
}
