//! The customer's notes where they matter: above the thread and beside the reply preview, so
//! what the owner wrote down ("prefers email, no calls", "replacement sent 17 Nov") is in view
//! when answering, not only on the customer screen.

use super::App;
use crate::store::Note;

impl App {
    /// The notes about `addr`, warning notes first, then oldest first. Notes only add to a
    /// screen: when they cannot be read, the screen opens without them.
    pub(super) fn customer_notes(&self, addr: &str) -> Vec<Note> {
        let mut notes = self.data.notes(addr).unwrap_or_default();
        notes.sort_by_key(|n| !n.warning);
        notes
    }
}
