//! The shared-state step of a sync pass (issue 26, docs/shared-state.md): one call per pass,
//! after the mail download, so that marks naming newly downloaded mail apply at once.
//!
//! 1. Find the hidden state folder (create it once, unsubscribed). When it cannot be created,
//!    the pass says so and everything else works locally.
//! 2. Read the change sets above the highest UID read (with UIDVALIDITY; a new UIDVALIDITY
//!    reads the folder again, which is harmless), and apply them in one transaction with the
//!    folder's progress. This copy's own sets found there are marked uploaded: that is how an
//!    upload killed after its APPEND is not appended again.
//! 3. Upload the journal: each set's id (its Message-ID) was chosen before the APPEND.
//! 4. Apply marks whose conversation was not here before this pass's download.

use super::folders::ListedFolder;
use super::session::ImapSession;
use super::{state_wire, SyncError};
use crate::shared::{ChangeSet, STATE_FOLDER};
use crate::store::Store;

/// Changes per uploaded set, and messages per FETCH when reading.
const SET_MAX: usize = 500;
const FETCH_BATCH: usize = 250;

/// What the shared-state step did in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharingReport {
    /// The state folder, or why there is none (then nothing is shared: said on the status line
    /// and by `config check`).
    pub folder: Result<String, String>,
    pub sets_read: usize,
    pub changes_applied: usize,
    pub sets_uploaded: usize,
    /// Local changes still waiting for the server.
    pub pending: u64,
    /// State messages that could not be read (another format, a newer version).
    pub unreadable: Vec<String>,
}

impl SharingReport {
    /// Everything was shared and read.
    pub fn is_ok(&self) -> bool {
        self.folder.is_ok() && self.unreadable.is_empty()
    }

    /// One line for the status bar and `sync`'s summary.
    pub fn line(&self) -> String {
        match &self.folder {
            Ok(_) if self.unreadable.is_empty() => format!(
                "shared: {} change(s) in, {} set(s) out",
                self.changes_applied, self.sets_uploaded
            ),
            Ok(_) => format!(
                "shared, but {} state message(s) unreadable: {}",
                self.unreadable.len(),
                self.unreadable.first().map_or("", String::as_str)
            ),
            Err(why) => format!("marks are not shared: {why}"),
        }
    }
}

/// The step itself. `None` when sharing is off for this store. Errors are connection
/// failures; a server that refuses the folder gives a report saying so.
pub(super) fn pass(
    sess: &mut ImapSession,
    store: &mut Store,
    listed: &[ListedFolder],
    compact_after: u32,
) -> Result<Option<SharingReport>, SyncError> {
    if !store.sharing_enabled()? {
        return Ok(None);
    }
    let report = match step(sess, store, listed, compact_after) {
        Ok(r) => r,
        // The server refused something (a full quota, a folder it will not open): the mail
        // sync stands, the marks wait locally, and the report says why.
        Err(
            e
            @ (SyncError::Server { .. } | SyncError::NoFolder { .. } | SyncError::Protocol { .. }),
        ) => SharingReport {
            folder: Err(e.to_string()),
            sets_read: 0,
            changes_applied: 0,
            sets_uploaded: 0,
            pending: store.shared_pending()?,
            unreadable: Vec::new(),
        },
        Err(e) => return Err(e),
    };
    // For `config check`: what the last pass could share.
    store.set_sharing_status(&report.line())?;
    Ok(Some(report))
}

fn step(
    sess: &mut ImapSession,
    store: &mut Store,
    listed: &[ListedFolder],
    compact_after: u32,
) -> Result<SharingReport, SyncError> {
    let mut report = SharingReport {
        folder: Err(String::new()),
        sets_read: 0,
        changes_applied: 0,
        sets_uploaded: 0,
        pending: 0,
        unreadable: Vec::new(),
    };
    let folder = match ensure_folder(sess, listed) {
        Ok(f) => f,
        Err(why) => {
            report.folder = Err(why);
            report.pending = store.shared_pending()?;
            return Ok(report);
        }
    };
    report.folder = Ok(folder.clone());
    let held = read(sess, store, &folder, &mut report)?;
    upload(sess, store, &folder, &mut report)?;
    if held > compact_after {
        compact(sess, store, &folder)?;
    }
    store.retry_shared()?;
    report.pending = store.shared_pending()?;
    Ok(report)
}

fn ensure_folder(sess: &mut ImapSession, listed: &[ListedFolder]) -> Result<String, String> {
    let found = listed.iter().find(|l| {
        l.name.eq_ignore_ascii_case(STATE_FOLDER)
            || l.name
                .strip_suffix(STATE_FOLDER)
                .is_some_and(|p| p.ends_with(['.', '/']))
    });
    if let Some(f) = found {
        return Ok(f.name.clone());
    }
    let first = match state_wire::create_hidden(sess, STATE_FOLDER) {
        Ok(()) => return Ok(STATE_FOLDER.to_string()),
        Err(e) => e.to_string(),
    };
    // Servers whose folders live under a prefix (`INBOX.` on Courier and Cyrus).
    if let Ok(Some(prefix)) = sess.namespace_prefix() {
        let name = format!("{prefix}{STATE_FOLDER}");
        if state_wire::create_hidden(sess, &name).is_ok() {
            return Ok(name);
        }
    }
    Err(format!("the state folder could not be created ({first})"))
}

fn read(
    sess: &mut ImapSession,
    store: &mut Store,
    folder: &str,
    report: &mut SharingReport,
) -> Result<u32, SyncError> {
    let status = sess.examine(folder)?;
    let after = match store.state_folder_progress()? {
        Some((uv, uid)) if uv == status.uidvalidity => uid,
        _ => 0,
    };
    if status.exists == 0 || status.uidnext.is_some_and(|n| n <= after.saturating_add(1)) {
        return Ok(status.exists);
    }
    let mut uids: Vec<u32> = sess
        .uid_sizes_after(after)?
        .into_iter()
        .map(|(uid, _)| uid)
        .filter(|uid| *uid > after)
        .collect();
    uids.sort_unstable();
    for chunk in uids.chunks(FETCH_BATCH) {
        let set = chunk
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut msgs = sess.fetch_messages(&set)?;
        msgs.sort_by_key(|m| m.uid);
        let mut sets = Vec::with_capacity(msgs.len());
        for m in &msgs {
            match ChangeSet::from_message(&m.raw) {
                Ok(s) => sets.push(s),
                Err(e) => report.unreadable.push(e.to_string()),
            }
        }
        let top = chunk.last().copied().unwrap_or(after);
        let read = store.read_sets(&sets, Some((status.uidvalidity, top)))?;
        report.sets_read += read.iter().filter(|r| !r.known).count();
        report.changes_applied += read.iter().map(|r| r.changed).sum::<usize>();
    }
    Ok(status.exists)
}

/// Compaction (when the folder held more than `SyncOptions::compact_state_after` sets as this
/// pass read it; no extra round trip otherwise): one snapshot (every item's
/// winning change, as this copy has them after reading everything up to its highest UID read)
/// is appended, then the sets at or below that UID are deleted. A kill between the two leaves
/// the old sets and the snapshot: reading both gives the same state (last writer wins, notes
/// by id), and the next pass compacts again.
fn compact(sess: &mut ImapSession, store: &mut Store, folder: &str) -> Result<(), SyncError> {
    let Some((uv, top)) = store.state_folder_progress()? else {
        return Ok(());
    };
    if top == 0 {
        return Ok(());
    }
    let set = store.snapshot_set(uv, top)?;
    let date = store.context().clock.now().to_rfc2822();
    sess.append(folder, &set.to_message(&date), &["\\Seen"])?;
    let status = sess.select(folder)?;
    if status.uidvalidity == uv {
        sess.delete_up_to(top)?;
    }
    Ok(())
}

fn upload(
    sess: &mut ImapSession,
    store: &mut Store,
    folder: &str,
    report: &mut SharingReport,
) -> Result<(), SyncError> {
    while let Some(set) = store.next_upload(SET_MAX)? {
        let date = store.context().clock.now().to_rfc2822();
        sess.append(folder, &set.to_message(&date), &["\\Seen"])?;
        store.set_uploaded(&set.id)?;
        report.sets_uploaded += 1;
    }
    Ok(())
}
