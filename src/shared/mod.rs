//! Shared state between several copies of shopinbox on one mailbox (issue 26): the owner's
//! marks travel through the IMAP server as small versioned change sets in a hidden folder.
//! This module is the pure core — the format ([`change`]), the clock ([`hlc`]) and the merge
//! rule ([`merge`]) — with no IO; the store journals and applies changes, the sync pass moves
//! them. The format is documented for other tools in docs/shared-state.md.

pub mod change;
pub mod describe;
pub mod hlc;
pub mod merge;

pub use change::{Change, ChangeSet, ItemKey, SetKind, Value};
pub use hlc::Hlc;
pub use merge::{decide, Decision, State};

/// The hidden IMAP folder holding the change sets.
pub const STATE_FOLDER: &str = "shopinbox-state";
/// How long a claim ("Anna is replying") lasts unless renewed or cleared (seconds).
pub const CLAIM_SECONDS: i64 = 5 * 60;
