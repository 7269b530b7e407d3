//! How one sync is tuned and stopped. Its own module because the engine, the download step and
//! the first sync's history all read it, and none of them should import another for it.

use super::IgnoreCaps;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Tuning and control for one sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// At most this many messages per `UID FETCH` (and per store transaction).
    pub batch_count: usize,
    /// At most this many bytes per batch (the `imap` crate holds a whole answer in memory).
    pub batch_bytes: u64,
    /// Set to stop between batches; the sync then returns [`SyncError::Cancelled`].
    pub cancel: Option<Arc<AtomicBool>>,
    /// Pause before the second look at a folder that suddenly appears empty.
    pub confirm_delay: Duration,
    /// Set once the owner was told that the server has no Sent folder in this process. The
    /// store records it too (said once per store, whatever process syncs).
    pub told_no_sent: Arc<AtomicBool>,
    /// Act as if the server did not offer these extensions (benchmarks and tests; the
    /// default comes from `SHOPINBOX_SYNC_IGNORE`, see [`IgnoreCaps`]).
    pub ignore_caps: IgnoreCaps,
    /// How long one pass may spend on a first sync's history before it returns (the rest
    /// resumes in the next pass). `None`: all of it (`shopinbox sync`); the background
    /// worker sets a budget so that new mail is never kept waiting behind the history.
    pub history_budget: Option<Duration>,
    /// At most this many `UID FETCH` commands in flight at once while downloading (see
    /// `download.rs`). The next one goes out once fewer than a hundred messages are still to
    /// come from those in flight (`imap::fetch`'s `LOW_WATER`), so full sets go one after the
    /// other; the small sets a download starts or ends with ([`super::plan::small_first`],
    /// `taper`) each take less than a round trip on a slow line, so more of them must be on
    /// their way.
    pub fetch_depth: usize,
    /// The shared-state step compacts the state folder (issue 26) when it holds more than
    /// this many change sets.
    pub compact_state_after: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_count: 250,
            batch_bytes: 16 << 20,
            cancel: None,
            confirm_delay: Duration::from_millis(500),
            told_no_sent: Arc::new(AtomicBool::new(false)),
            ignore_caps: IgnoreCaps::from_env_value(
                std::env::var("SHOPINBOX_SYNC_IGNORE").ok().as_deref(),
            ),
            history_budget: None,
            fetch_depth: 4,
            compact_state_after: 200,
        }
    }
}

impl SyncOptions {
    pub(super) fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::SeqCst))
    }
}
