//! The app's side of "be proactive": dismissing a possible duplicate order (`d`, undone with
//! `u`). Warnings themselves are drawn from the rows' flags (see `ui::flags`).

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
}
