//! A first sync newest first (issue 11, DESIGN.md "Tracking window"): the tracking window of
//! every folder first, so today's customers are on screen within seconds whatever the size of
//! the mailbox, then the history, newest first, resumable after a stop.
//!
//! Crash safety, as in `engine.rs`: each batch is stored in one transaction together with the
//! folder's highest UID (the listed top, from the first batch on) and `pending_upto` (the UIDs
//! still to fetch lie below the batch). So everything above `pending_upto` is stored, nothing
//! below it is, and a stopped sync resumes there: nothing fetched twice, nothing skipped. New
//! mail above the top is the ordinary incremental sync's.

use super::download::{download, Ended, Order};
use super::options::SyncOptions;
use super::plan;
use super::session::{FirstListing, ImapSession};
use super::{FolderSummary, SyncError, SyncEvent, SyncSummary};
use crate::store::{HistoryProgress, MailboxState, Store};
use std::time::Instant;

/// What a first look starts from.
pub(super) enum Listing {
    /// The folder's listing came with its EXAMINE
    /// ([`ImapSession::examine_with_first_listing`]).
    Listed(FirstListing),
    /// To be listed now, the tracking window being the mail since this cut-off.
    Since(chrono::DateTime<chrono::Utc>),
}

/// A first look at a folder: list it, find the tracking window (`UID SEARCH SINCE` the
/// cut-off's date) and store the window newest first. The history's place is recorded (in the
/// transaction of each batch, and once more when the window is empty) so that
/// [`fetch_history`] picks it up, in this pass or after a stop. Returns how many messages
/// were listed.
///
/// `history_too` (the last folder a first sync looks at, without a time budget: INBOX, see
/// `engine::look_order`): the history follows the window in the same pipeline, its first
/// set asked for as the window's last runs low, so the line does not wait for the window to
/// be stored; the window is still reported (and `WindowSynced` said) when its last batch is
/// committed, and each batch moves `pending_upto` as before.
#[allow(clippy::too_many_arguments)]
pub(super) fn first_look(
    sess: &mut ImapSession,
    store: &mut Store,
    (mailbox, uidvalidity, listing): (&str, u32, Listing),
    opts: &SyncOptions,
    state: &mut MailboxState,
    fs: &mut FolderSummary,
    history_too: bool,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<usize, SyncError> {
    let (listed, in_window) = match listing {
        Listing::Listed(listing) => listing,
        Listing::Since(cutoff) => {
            sess.uid_sizes_and_since(crate::tracking::search_since(cutoff))?
        }
    };
    let listed_n = listed.len();
    let mut nf = plan::newest_first(listed, &in_window);
    let history_too = history_too && !nf.window.is_empty() && !nf.history.is_empty();
    let history = std::mem::take(&mut nf.history);
    let history = if history_too {
        Some(history)
    } else {
        // The history download of this pass uses it instead of listing the folder again.
        sess.keep_history_listing(mailbox, uidvalidity, history);
        None
    };
    on_event(SyncEvent::Folder {
        name: mailbox.to_string(),
        total: nf.window.len(),
    });
    let mut progress = HistoryProgress {
        uidvalidity,
        pending_upto: nf.window_from.saturating_sub(1).min(nf.top),
        window_from: nf.window_from,
        total: u32::try_from(listed_n).unwrap_or(u32::MAX),
        done: 0,
    };
    if nf.window.is_empty() {
        // Nothing recent: the history's place is all there is to record.
        state.highest_uid = state.highest_uid.max(nf.top);
        store.ingest_newest_first(Vec::new(), state, &progress)?;
        return Ok(listed_n);
    }
    let mut batches = plan::batches(&nf.window, opts.batch_count, opts.batch_bytes);
    let mut reported = None;
    if let Some(history) = history {
        // The history (descending, below the window) after the window; reported against
        // every folder's history.
        batches.extend(plan::batches(&history, opts.batch_count, opts.batch_bytes));
        let (others_done, others_total) = store.history_pending()?.unwrap_or((0, 0));
        reported = Some((others_done as usize, others_total as usize + listed_n));
    }
    download(
        sess,
        store,
        (mailbox, uidvalidity),
        &batches,
        opts,
        state,
        fs,
        Order::NewestFirst {
            top: nf.top,
            progress: &mut progress,
            history: reported,
        },
        None,
        on_event,
    )?;
    Ok(listed_n)
}

/// The history a first sync still owes (issue 11), every folder newest first, after the
/// tracking window of all folders is stored. Resumes where a stopped sync left off: each
/// batch moves `pending_upto` in its own transaction, and the folder's highest UID already
/// covers everything above it, so nothing is fetched twice or skipped.
pub(super) fn fetch_history(
    sess: &mut ImapSession,
    store: &mut Store,
    folders: &[String],
    opts: &SyncOptions,
    summary: &mut SyncSummary,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<(), SyncError> {
    let Some((done_before, total)) = store.history_pending()? else {
        return Ok(());
    };
    let deadline = opts
        .history_budget
        .and_then(|b| Instant::now().checked_add(b));
    let (mut done, total) = (done_before as usize, total as usize);
    for mailbox in folders {
        if opts.cancelled() {
            return Err(SyncError::Cancelled);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            // Out of time before this folder: not even a look at it.
            break;
        }
        let Some(mut state) = store.mailbox_state(mailbox)? else {
            continue;
        };
        let Some(mut progress) = store.history_progress(mailbox, state.uidvalidity)? else {
            continue;
        };
        if progress.finished() {
            continue;
        }
        let listed =
            match sess.kept_history_listing(mailbox, state.uidvalidity, progress.pending_upto) {
                // Listed by this connection's first look: still open when it was the last
                // folder looked at (INBOX on a first sync: `look_order`), else opened in the
                // round trip of the first UID FETCH (open_ahead.rs).
                Some(kept) => {
                    if sess.open_folder().map(|(m, _)| m) != Some(mailbox.as_str()) {
                        sess.examine_with_next_fetch(mailbox, state.uidvalidity)?;
                    }
                    kept
                }
                None => {
                    let server = sess.examine(mailbox)?;
                    if server.uidvalidity != state.uidvalidity {
                        // Recreated meanwhile: the next pass rebuilds the folder (and its history).
                        continue;
                    }
                    sess.uid_sizes_up_to(progress.pending_upto)?
                }
            };
        let mut listed = plan::new_uids(listed, 0);
        listed.reverse();
        let mut fs = FolderSummary {
            folder: mailbox.clone(),
            ..Default::default()
        };
        let batches = plan::batches(&listed, opts.batch_count, opts.batch_bytes);
        let top = state.highest_uid;
        // One pipeline for the folder's whole history. With a time budget (the worker) it
        // stops asking for more once the budget is spent, so new mail is not kept waiting
        // behind years of history; what was asked for by then is stored.
        let before = progress.done;
        let ended = download(
            sess,
            store,
            (mailbox, state.uidvalidity),
            &batches,
            opts,
            &mut state,
            &mut fs,
            Order::NewestFirst {
                top,
                progress: &mut progress,
                history: Some((done, total)),
            },
            deadline,
            on_event,
        )?;
        // Nothing was left to fetch: the EXAMINE sent ahead is read here.
        sess.settle_open()?;
        done += (progress.done - before) as usize;
        let out_of_time = ended == Ended::OutOfTime;
        if !out_of_time && !progress.finished() {
            // Nothing left below what was listed (the rest was expunged meanwhile).
            progress.pending_upto = 0;
            store.ingest_newest_first(Vec::new(), &state, &progress)?;
        }
        if let Some(f) = summary.folders.iter_mut().find(|f| &f.folder == mailbox) {
            f.new += fs.new;
            f.downloaded += fs.downloaded;
            f.bytes += fs.bytes;
            f.vanished += fs.vanished;
        }
        if out_of_time {
            break;
        }
    }
    Ok(())
}
