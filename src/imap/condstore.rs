//! CONDSTORE and QRESYNC (RFC 7162): `HIGHESTMODSEQ` in the SELECT/EXAMINE answer (see
//! [`super::base::folder_state`]), `UID FETCH … (CHANGEDSINCE m)`, and `EXAMINE … (QRESYNC
//! (uidvalidity modseq))`, whose answer reports expunged UIDs as `* VANISHED (EARLIER) …`
//! and changed flags as FETCH responses.

use super::base::{fetches, FolderState};
use super::conn::{Answer, Connection, ImapError};
use super::response::Untagged;
use std::io::{Read, Write};
use std::ops::RangeInclusive;

/// The `(CONDSTORE)` parameter of SELECT/EXAMINE.
pub const SELECT_CONDSTORE: &str = "(CONDSTORE)";

/// The `(QRESYNC (…))` parameter of SELECT/EXAMINE.
pub fn select_qresync(uidvalidity: u32, modseq: u64) -> String {
    format!("(QRESYNC ({uidvalidity} {modseq}))")
}

/// The `(CHANGEDSINCE m)` modifier of UID FETCH.
pub fn changed_since(modseq: u64) -> String {
    format!("(CHANGEDSINCE {modseq})")
}

/// What an `EXAMINE … (QRESYNC …)` answered: the state, the UIDs expunged since the
/// mod-sequence, and the flags changed since it.
#[derive(Debug, Clone, PartialEq)]
pub struct QresyncChanges {
    pub state: FolderState,
    pub vanished: Vec<RangeInclusive<u32>>,
    pub flags: Vec<(u32, Vec<String>)>,
}

/// Reads the QRESYNC data of a SELECT/EXAMINE answer.
pub fn qresync_changes(state: FolderState, answer: Answer) -> Result<QresyncChanges, ImapError> {
    let mut vanished = Vec::new();
    let mut rest = Vec::new();
    for u in answer.untagged {
        match u {
            Untagged::Vanished { uids, .. } => vanished.extend(uids),
            other => rest.push(other),
        }
    }
    let flags = fetches(rest)?
        .into_iter()
        .filter_map(|f| Some((f.uid?, f.flags?)))
        .collect();
    Ok(QresyncChanges {
        state,
        vanished,
        flags,
    })
}

impl<S: Read + Write> Connection<S> {
    /// `EXAMINE wire_name (QRESYNC (uidvalidity modseq))`.
    pub fn examine_qresync(
        &mut self,
        wire_name: &str,
        uidvalidity: u32,
        modseq: u64,
    ) -> Result<QresyncChanges, ImapError> {
        let param = select_qresync(uidvalidity, modseq);
        let (state, answer) = self.select(wire_name, false, Some(&param))?;
        qresync_changes(state, answer)
    }
}
