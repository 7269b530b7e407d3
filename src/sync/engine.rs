//! Carries out the planner's decisions against a real server and the store.
//!
//! Crash safety (mbsync's "durable state before acting", in SQLite form): every batch of new
//! messages is ingested together with the folder's new highest UID in ONE transaction, so the
//! state never runs ahead of the data and never behind it. HIGHESTMODSEQ moves forward only
//! at the end of the folder, after flags and expunges were applied; a sync stopped before that
//! simply re-checks flags next time (idempotent).
//!
//! Where the server offers QRESYNC (RFC 7162), it is enabled once per connection and a folder
//! we know is opened with `EXAMINE … (QRESYNC (uidvalidity highestmodseq))`: the answer's
//! `VANISHED (EARLIER)` is the expunge list and its FETCH responses are the changed flags, so
//! neither a CHANGEDSINCE fetch nor a comparison of every UID is needed (`plan::expunge_check`
//! decides, and falls back to the comparison when the counts do not add up).

use super::download::{download, Order};
use super::folders::{self, ListedFolder};
use super::history::Listing;
use super::options::SyncOptions;
use super::plan::{self, ExpungeCheck, FlagRefresh, LocalFolder, Plan, Removal};
use super::session::ImapSession;
use super::{
    ExpungesVia, FolderFailure, FolderSummary, ImapAccount, SyncError, SyncEvent, SyncSummary,
};
use crate::store::{MailboxState, ShopContext, Store};
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// One sync pass: opens the store at `store_path`, syncs INBOX, Sent and the extra folders.
/// Reports through `on_event` (also `Failed` before returning an error).
pub fn sync_once(
    account: &ImapAccount,
    store_path: &Path,
    ctx: &ShopContext,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<SyncSummary, SyncError> {
    let connecting = connect_meanwhile(account);
    sync_once_connecting(account, store_path, ctx, connecting, on_event)
}

/// A connection being made on a thread of its own ([`connect_meanwhile`]).
pub type Connecting = Option<std::thread::JoinHandle<Result<ImapSession, SyncError>>>;

/// Start connecting (TCP, TLS, login: round trips, on a slow line the first fraction of a
/// second) on a thread of its own, so that whatever comes before the sync (opening the
/// store; on a first sync creating its schema, a few fsyncs) does not wait for it, nor it
/// for them. `None` when no thread could be started (the pass then connects itself).
pub fn connect_meanwhile(account: &ImapAccount) -> Connecting {
    let account = account.clone();
    std::thread::Builder::new()
        .name("connect".to_string())
        .spawn(move || ImapSession::connect(&account))
        .ok()
}

/// [`sync_once`] over a connection started earlier. When the store cannot open, the
/// connection is not waited for: its thread ends on its own.
pub fn sync_once_connecting(
    account: &ImapAccount,
    store_path: &Path,
    ctx: &ShopContext,
    connecting: Connecting,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<SyncSummary, SyncError> {
    let (summary, store, closing) =
        sync_once_keeping_store(account, store_path, ctx, connecting, on_event)?;
    drop(store);
    closing.wait();
    Ok(summary)
}

/// [`sync_once_connecting`] that hands back the open store and the logout under way
/// ([`Closing`]): what the caller still does with the store (closing it, the summary's
/// queries) overlaps with the LOGOUT's round trip, the last thing a sync waits for.
pub fn sync_once_keeping_store(
    account: &ImapAccount,
    store_path: &Path,
    ctx: &ShopContext,
    connecting: Connecting,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<(SyncSummary, Store, Closing), SyncError> {
    let res = Store::open(store_path, ctx.clone())
        .map_err(SyncError::from)
        .and_then(|mut store| {
            let sess = match connecting {
                Some(t) => match t.join() {
                    Ok(sess) => sess,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                None => ImapSession::connect(account),
            }?;
            let mut kept = KeptSession::connected(sess);
            match run_on(
                account,
                &mut store,
                &SyncOptions::default(),
                &mut kept,
                on_event,
            ) {
                Ok(summary) => Ok((summary, store, kept.close_meanwhile())),
                Err(e) => {
                    kept.close();
                    Err(e)
                }
            }
        });
    if let Err(e) = &res {
        on_event(SyncEvent::Failed(e.to_string()));
    }
    res
}

/// A LOGOUT on a thread of its own ([`KeptSession::close_meanwhile`]).
pub struct Closing(Option<std::thread::JoinHandle<()>>);

impl Closing {
    /// Wait for the server's answer to the LOGOUT (or the connection's end).
    pub fn wait(self) {
        if let Some(t) = self.0 {
            let _ = t.join();
        }
    }
}

/// One sync pass into an open store, with options (tests, the worker).
pub fn sync_store(
    account: &ImapAccount,
    store: &mut Store,
    opts: &SyncOptions,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<SyncSummary, SyncError> {
    let res = run(account, store, opts, KeptSession::default(), on_event);
    if let Err(e) = &res {
        on_event(SyncEvent::Failed(e.to_string()));
    }
    res
}

/// The sync connection kept between passes (the worker: issue 13 item 10): the next pass
/// reuses it when it still answers a NOOP instead of logging in again. A pass that fails
/// drops it (its state is unknown); the next one connects afresh. The IDLE watcher keeps its
/// own connection.
///
/// The folder list is kept with it for [`FOLDER_LIST_REUSE`] (one LIST round trip less per
/// pass), only while it is complete: every configured folder was listed and a Sent folder was
/// found. A configured folder that is missing makes every pass list again (so it is found as
/// soon as it appears), and a pass with a failed folder drops the connection and the list.
#[derive(Debug, Default)]
pub struct KeptSession {
    sess: Option<ImapSession>,
    logins: usize,
    listed: Option<KeptList>,
    /// `sess` was just connected: the pass takes it without the NOOP.
    fresh: bool,
}

/// A folder list kept between passes on one connection.
#[derive(Debug)]
struct KeptList {
    at: Instant,
    /// The configuration it was made for (`sent_folder`, `extra_folders`).
    configured: (Option<String>, Vec<String>),
    list: FolderList,
}

/// How long a pass may reuse the folder list of an earlier pass on the same connection.
pub const FOLDER_LIST_REUSE: Duration = Duration::from_secs(5 * 60);

/// Whether a kept folder list may stand in for a LIST: young enough, made for the same
/// configuration, and complete (nothing configured was missing, a Sent folder was found).
fn may_reuse_list(age: Duration, same_config: bool, complete: bool) -> bool {
    age < FOLDER_LIST_REUSE && same_config && complete
}

impl KeptSession {
    /// How many times a pass had to connect and log in.
    pub fn logins(&self) -> usize {
        self.logins
    }

    /// Log out, if connected.
    pub fn close(&mut self) {
        self.listed = None;
        if let Some(s) = self.sess.take() {
            s.logout();
        }
    }

    /// [`KeptSession::close`] on a thread of its own, so that the caller's last work overlaps
    /// with the LOGOUT's round trip. No thread (none could be started): the session is
    /// dropped without a LOGOUT.
    fn close_meanwhile(&mut self) -> Closing {
        self.listed = None;
        Closing(self.sess.take().and_then(|s| {
            std::thread::Builder::new()
                .name("logout".to_string())
                .spawn(move || s.logout())
                .ok()
        }))
    }

    /// A session over a connection that was just made (not yet used, so no NOOP to check it).
    fn connected(sess: ImapSession) -> KeptSession {
        KeptSession {
            sess: Some(sess),
            logins: 1,
            listed: None,
            fresh: true,
        }
    }

    fn take_or_connect(&mut self, account: &ImapAccount) -> Result<ImapSession, SyncError> {
        if std::mem::take(&mut self.fresh) {
            if let Some(s) = self.sess.take() {
                return Ok(s);
            }
        }
        if let Some(mut s) = self.sess.take() {
            if s.noop().is_ok() {
                return Ok(s);
            }
        }
        // A new connection lists the folders afresh.
        self.listed = None;
        self.logins += 1;
        ImapSession::connect(account)
    }

    /// The kept folder list, when it may stand in for a LIST ([`may_reuse_list`]).
    fn reusable_list(&mut self, account: &ImapAccount) -> Option<(Instant, FolderList)> {
        let kept = self.listed.take()?;
        let same = kept.configured == configured_folders(account);
        may_reuse_list(kept.at.elapsed(), same, kept.list.complete).then_some((kept.at, kept.list))
    }
}

/// One sync pass over a connection kept from the previous pass (see [`KeptSession`]).
pub fn sync_kept(
    account: &ImapAccount,
    store: &mut Store,
    opts: &SyncOptions,
    kept: &mut KeptSession,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<SyncSummary, SyncError> {
    let res = run_on(account, store, opts, kept, on_event);
    if let Err(e) = &res {
        on_event(SyncEvent::Failed(e.to_string()));
    }
    res
}

/// One pass over `kept`'s connection (or a new one), logged out afterwards.
fn run(
    account: &ImapAccount,
    store: &mut Store,
    opts: &SyncOptions,
    mut kept: KeptSession,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<SyncSummary, SyncError> {
    let res = run_on(account, store, opts, &mut kept, on_event);
    kept.close();
    res
}

fn run_on(
    account: &ImapAccount,
    store: &mut Store,
    opts: &SyncOptions,
    kept: &mut KeptSession,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<SyncSummary, SyncError> {
    let started = Instant::now();
    on_event(SyncEvent::Started);
    // On an error below `sess` is dropped, not kept: the next pass connects afresh.
    let mut sess = kept.take_or_connect(account)?;
    sess.ignore(opts.ignore_caps);
    let (listed_at, list) = match kept.reusable_list(account) {
        Some(kept_list) => {
            sess.enable_qresync()?;
            kept_list
        }
        None => {
            let listed = sess.enable_qresync_and_list()?;
            (Instant::now(), folder_list(account, &mut sess, listed)?)
        }
    };
    let sent = list.sent.clone();
    if let Some(sent) = &sent {
        store.remember_sent_folder(sent)?;
        store.forget_said(NO_SENT_SAID)?;
    }
    let mut summary = SyncSummary {
        no_sent_folder: sent.is_none(),
        ..SyncSummary::default()
    };
    // Said once per store (recorded before it is said), with the folders that exist.
    if sent.is_none() && store.say_once(NO_SENT_SAID)? {
        opts.told_no_sent.store(true, Ordering::SeqCst);
        let notice = no_sent_notice(sess.host(), &folders::existing(&list.listed));
        summary.notices.push(notice.clone());
        on_event(SyncEvent::Notice(notice));
    }
    // The first sync or import starts tracking (DESIGN.md "Tracking window").
    store.start_tracking()?;
    let history_was_pending = store.history_pending()?.is_some();
    let mut synced = Vec::new();
    let mut first_error = None;
    let inbox_seen = store.mailbox_state("INBOX")?.is_some();
    for folder in &look_order(&list.folders, inbox_seen) {
        // INBOX's history follows its window in one pipeline (history::first_look) when
        // nothing else waits for the line: not the worker's passes, which have a time budget.
        let history_too = folder == "INBOX" && !inbox_seen && opts.history_budget.is_none();
        let fs = match sync_folder(&mut sess, store, folder, opts, history_too, on_event) {
            Ok(fs) => fs,
            Err(e) if folder_only(&e) => {
                let e = with_hint(e, folder, &list);
                summary.failed.push(FolderFailure {
                    folder: folder.clone(),
                    reason: e.to_string(),
                });
                first_error.get_or_insert(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        on_event(SyncEvent::FolderDone {
            folder: fs.folder.clone(),
            new: fs.new,
            changed: fs.changed,
            removed: fs.removed,
        });
        summary.folders.push(fs);
        synced.push(folder.clone());
    }
    // Reported, and their history fetched, in the list's order: INBOX first.
    let position = |f: &str| list.folders.iter().position(|l| l == f);
    synced.sort_by_key(|f| position(f));
    summary.folders.sort_by_key(|f| position(&f.folder));
    // Nothing could be synced: that is the pass's failure, not a partial sync.
    if synced.is_empty() {
        if let Some(e) = first_error {
            return Err(e);
        }
    }
    if store.history_pending()?.is_some() {
        if !history_was_pending {
            on_event(SyncEvent::WindowSynced);
        }
        super::history::fetch_history(&mut sess, store, &synced, opts, &mut summary, on_event)?;
    }
    // Shared state with the other copies (issue 26): one step per pass, after the download.
    summary.sharing =
        super::shared_state::pass(&mut sess, store, &list.listed, opts.compact_state_after)?;
    // A connection that saw a refusal is not kept: the next pass starts afresh.
    if summary.failed.is_empty() {
        kept.sess = Some(sess);
        kept.listed = Some(KeptList {
            at: listed_at,
            configured: configured_folders(account),
            list,
        });
    } else {
        sess.logout();
    }
    summary.elapsed = started.elapsed();
    on_event(SyncEvent::Finished(summary.clone()));
    Ok(summary)
}

/// The store key that records that the owner was told the server has no Sent folder.
const NO_SENT_SAID: &str = "no_sent_folder";

/// A folder that does not exist gets the closest existing names and the namespace prefix.
fn with_hint(e: SyncError, folder: &str, list: &FolderList) -> SyncError {
    match e {
        SyncError::NoFolder {
            host,
            folder: shown,
            reason,
            hint,
        } if hint.is_empty() => SyncError::NoFolder {
            host,
            folder: shown,
            reason,
            hint: folders::suggestion(folder, &list.listed, list.prefix.as_deref()),
        },
        other => other,
    }
}

/// The order in which one pass visits the folders: the list's (INBOX first), except that a
/// first look at INBOX (the first sync) comes last. Its history follows its tracking window
/// (the other folders' windows are stored before it), so INBOX is then still open and the
/// history needs no EXAMINE of its own: on a slow line one round trip less, and the server
/// does not reopen the biggest folder. Sent's window first also means the first frame
/// already knows which of today's mail was answered.
fn look_order(folders: &[String], inbox_seen: bool) -> Vec<String> {
    let mut order = folders.to_vec();
    if !inbox_seen {
        if let Some(i) = order.iter().position(|f| f == "INBOX") {
            let inbox = order.remove(i);
            order.push(inbox);
        }
    }
    order
}

/// What the owner is told, once per store, when the server has no Sent folder: with the
/// folders that exist (sanitized), so that the right one can be set.
pub fn no_sent_notice(host: &str, existing: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut names: Vec<String> = existing
        .iter()
        .take(SHOWN)
        .map(|n| format!("\"{}\"", super::server_text::printable(n)))
        .collect();
    if existing.len() > SHOWN {
        names.push(format!("and {} more", existing.len() - SHOWN));
    }
    let have = if names.is_empty() {
        "it lists no folders".to_string()
    } else {
        format!("its folders are {}", names.join(", "))
    };
    format!(
        "{} has no Sent folder (none marked \\Sent, none of the usual names): replies sent from \
         other mail programs (phone, webmail) cannot be seen; {have}; set [imap] sent_folder to \
         the one that holds sent mail, if there is one",
        super::server_text::printable(host)
    )
}

fn configured_folders(account: &ImapAccount) -> (Option<String>, Vec<String>) {
    (account.sent_folder.clone(), account.extra_folders.clone())
}

/// The folders one pass syncs, and what the server said about its folders.
#[derive(Debug)]
struct FolderList {
    /// INBOX first (what the owner waits for), then Sent (answers), then extra folders; each
    /// once, configured names resolved through the namespace ([`folders::resolve`]).
    folders: Vec<String>,
    /// The Sent folder, if there is one.
    sent: Option<String>,
    /// Every folder the server listed.
    listed: Vec<ListedFolder>,
    /// The personal namespace's prefix (`INBOX.` on Courier and Cyrus).
    prefix: Option<String>,
    /// Every configured folder was listed (as it is or under the prefix) and there is a Sent
    /// folder: nothing the next LIST could add to what is synced.
    complete: bool,
}

/// The folders to sync from what the server `listed`.
fn folder_list(
    account: &ImapAccount,
    sess: &mut ImapSession,
    listed: Vec<ListedFolder>,
) -> Result<FolderList, SyncError> {
    // NAMESPACE only when a configured name is not listed as it is (one round trip saved on
    // every pass otherwise).
    let configured = account.sent_folder.iter().chain(&account.extra_folders);
    let prefix = if configured
        .filter(|f| !f.trim().is_empty())
        .any(|f| !listed.iter().any(|l| folders::same_name(&l.name, f)))
    {
        sess.namespace_prefix()?
    } else {
        None
    };
    let mut folders = vec!["INBOX".to_string()];
    // An explicit setting is the owner's choice and wins over discovery.
    let sent = match &account.sent_folder {
        Some(s) => Some(folders::resolve(s, &listed, prefix.as_deref())),
        None => folders::choose_sent(&listed),
    };
    let extra = account
        .extra_folders
        .iter()
        .map(|f| folders::resolve(f, &listed, prefix.as_deref()));
    for f in sent.iter().cloned().chain(extra) {
        let dup = folders.iter().any(|have| folders::same_name(have, &f));
        if !dup && !f.trim().is_empty() {
            folders.push(f);
        }
    }
    let is_listed = |f: &String| listed.iter().any(|l| folders::same_name(&l.name, f));
    let complete = sent.as_ref().is_some_and(is_listed)
        && account
            .extra_folders
            .iter()
            .filter(|f| !f.trim().is_empty())
            .map(|f| folders::resolve(f, &listed, prefix.as_deref()))
            .all(|f| is_listed(&f));
    Ok(FolderList {
        folders,
        sent,
        listed,
        prefix,
        complete,
    })
}

/// Whether a failure concerns one folder only (the server refused to open or read it with a
/// tagged NO/BAD; the connection is still in step): the other folders are synced anyway. An
/// answer that could not be read may have left the connection out of step: that ends the pass.
fn folder_only(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::NoFolder { .. } | SyncError::Server { .. } | SyncError::BadFolderName { .. }
    )
}

fn sync_folder(
    sess: &mut ImapSession,
    store: &mut Store,
    mailbox: &str,
    opts: &SyncOptions,
    history_too: bool,
    on_event: &mut dyn FnMut(SyncEvent),
) -> Result<FolderSummary, SyncError> {
    let mut fs = FolderSummary {
        folder: mailbox.to_string(),
        ..Default::default()
    };
    let stored = store.mailbox_state(mailbox)?;
    // QRESYNC: EXAMINE with what we know, and the answer says what changed since.
    let qresync_from = match &stored {
        Some(st) if sess.caps().qresync => st.highestmodseq.map(|m| (st.uidvalidity, m)),
        _ => None,
    };
    // A folder never seen before is a first look (plan: everything from UID 1): its listing
    // goes out with the EXAMINE, one round trip.
    let first_look_cutoff = match stored {
        None => store.history_cutoff()?,
        Some(_) => None,
    };
    let mut first_listing = None;
    let (mut server, mut answer) = match (qresync_from, first_look_cutoff) {
        (Some((validity, modseq)), _) => {
            let a = sess.examine_qresync(mailbox, validity, modseq)?;
            (a.folder, Some(a))
        }
        (None, Some(cutoff)) => {
            let since = crate::tracking::search_since(cutoff);
            let (folder, listing) = sess.examine_with_first_listing(mailbox, since)?;
            first_listing = Some(listing);
            (folder, None)
        }
        (None, None) => (sess.examine(mailbox)?, None),
    };
    // How many, not which: the UIDs themselves are read only for a comparison (step 3).
    let mut local_count = match &stored {
        Some(st) => store.uid_count(mailbox, st.uidvalidity)?,
        None => 0,
    };
    let local = stored.as_ref().map(|st| LocalFolder {
        uidvalidity: st.uidvalidity,
        highest_uid: st.highest_uid,
        highestmodseq: st.highestmodseq,
        count: local_count,
    });
    let condstore = sess.caps().condstore;
    let mut empty_confirmed = false;
    let p = loop {
        match plan::plan(local.as_ref(), &server, condstore, empty_confirmed) {
            Plan::ConfirmEmpty => {
                std::thread::sleep(opts.confirm_delay);
                server = sess.examine(mailbox)?;
                answer = None;
                first_listing = None;
                empty_confirmed = true;
            }
            Plan::Sync(p) => break p,
        }
    };
    let usable = answer.is_some() && local.is_some_and(|l| plan::qresync_usable(&l, &server));
    let answer = answer.filter(|_| usable && !p.reset);
    let p = plan::with_qresync(p, answer.is_some());

    let mut state = MailboxState {
        mailbox: mailbox.to_string(),
        uidvalidity: server.uidvalidity,
        highest_uid: p.known_up_to,
        highestmodseq: local.and_then(|l| l.highestmodseq),
        last_sync: stored.as_ref().and_then(|s| s.last_sync),
    };
    if p.reset {
        fs.removed += store.reset_mailbox(mailbox, server.uidvalidity)?;
        fs.rebuilt = stored.is_some();
        local_count = 0;
        state.highestmodseq = None;
        store.set_mailbox_state(&state)?;
    }

    // 1. New messages, batch by batch. A first look at the folder takes the tracking window
    //    first, newest first; its history waits for `fetch_history`.
    let mut listed_new = 0usize;
    let cutoff = if p.fetch_after == Some(0) {
        store.history_cutoff()?
    } else {
        None
    };
    if let Some(cutoff) = cutoff {
        listed_new = super::history::first_look(
            sess,
            store,
            (
                mailbox,
                server.uidvalidity,
                match first_listing.take() {
                    Some(listed) => Listing::Listed(listed),
                    None => Listing::Since(cutoff),
                },
            ),
            opts,
            &mut state,
            &mut fs,
            history_too,
            on_event,
        )?;
    } else if let Some(after) = p.fetch_after {
        let new = plan::new_uids(sess.uid_sizes_after(after)?, after);
        listed_new = new.len();
        on_event(SyncEvent::Folder {
            name: mailbox.to_string(),
            total: new.len(),
        });
        let batches = plan::batches(&new, opts.batch_count, opts.batch_bytes);
        download(
            sess,
            store,
            (mailbox, server.uidvalidity),
            &batches,
            opts,
            &mut state,
            &mut fs,
            Order::Ascending,
            None,
            on_event,
        )?;
    } else {
        on_event(SyncEvent::Folder {
            name: mailbox.to_string(),
            total: 0,
        });
    }
    if opts.cancelled() {
        return Err(SyncError::Cancelled);
    }

    // 2. Flags of what we already had.
    let mut full_list: Option<HashSet<u32>> = None;
    let server_flags = match p.flags {
        FlagRefresh::Skip => Vec::new(),
        FlagRefresh::ChangedSince(m) => sess.fetch_flags(p.known_up_to, Some(m))?,
        FlagRefresh::FromOpen => answer
            .as_ref()
            .map(|a| a.flags.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|(uid, _)| *uid <= p.known_up_to)
            .collect(),
        FlagRefresh::All => {
            let all = sess.fetch_flags(p.known_up_to, None)?;
            full_list = Some(all.iter().map(|(u, _)| *u).collect());
            all
        }
    };
    if !server_flags.is_empty() {
        let changes = if p.flags == FlagRefresh::All {
            let ours = store.flags_by_uid(mailbox, server.uidvalidity)?;
            plan::flag_changes(&ours, &server_flags)
        } else {
            // CONDSTORE/QRESYNC listed only what changed: no need to read every stored flag
            // (slow in a big folder); the store updates only rows whose flags differ.
            plan::normalized(&server_flags)
        };
        if !changes.is_empty() {
            fs.changed += store.update_flags(mailbox, server.uidvalidity, &changes, None)?;
        }
    }

    // 3. Expunged messages.
    let vanished_local = match answer.as_ref() {
        Some(a) if local_count > 0 => {
            Some(store.uids_in_ranges(mailbox, server.uidvalidity, &a.vanished, p.known_up_to)?)
        }
        _ => None,
    };
    match plan::expunge_check(local_count, vanished_local, server.exists, listed_new) {
        ExpungeCheck::Nothing => {}
        ExpungeCheck::Vanished(gone) => {
            fs.expunges_via = ExpungesVia::Vanished;
            if !gone.is_empty() {
                fs.removed += store.remove_uids(mailbox, server.uidvalidity, &gone)?;
            }
        }
        ExpungeCheck::Scan => {
            fs.expunges_via = ExpungesVia::UidComparison;
            // The UIDs stored before this pass: those above `known_up_to` were just fetched.
            let local_uids = store.uids(mailbox, server.uidvalidity)?;
            scan_expunges(
                sess,
                store,
                (mailbox, &server, &local_uids),
                (p.known_up_to, empty_confirmed, full_list),
                opts,
                &mut fs,
            )?;
        }
    }

    // 4. Only now may HIGHESTMODSEQ move forward.
    state.highestmodseq = server.highestmodseq;
    state.last_sync = Some(store.context().clock.now());
    store.set_mailbox_state(&state)?;
    Ok(fs)
}

/// The expunge check without QRESYNC: compare the stored UIDs with the server's list.
fn scan_expunges(
    sess: &mut ImapSession,
    store: &mut Store,
    (mailbox, server, local_uids): (&str, &super::plan::ServerFolder, &[u32]),
    (known_up_to, empty_confirmed, full_list): (u32, bool, Option<HashSet<u32>>),
    opts: &SyncOptions,
    fs: &mut FolderSummary,
) -> Result<(), SyncError> {
    let on_server = match full_list {
        Some(l) => l,
        None => sess.uids_up_to(known_up_to)?,
    };
    let gone = match plan::removals(local_uids, &on_server, known_up_to, empty_confirmed) {
        Removal::NeedsConfirmation => {
            // None of our messages is listed: look again before deleting anything.
            std::thread::sleep(opts.confirm_delay);
            let again = sess.examine(mailbox)?;
            if again.uidvalidity != server.uidvalidity {
                // Recreated meanwhile: the next sync rebuilds it.
                Vec::new()
            } else {
                let on_server = sess.uids_up_to(known_up_to)?;
                match plan::removals(local_uids, &on_server, known_up_to, true) {
                    Removal::Remove(v) => v,
                    _ => Vec::new(),
                }
            }
        }
        Removal::Remove(v) => v,
        Removal::Nothing => Vec::new(),
    };
    if !gone.is_empty() {
        fs.removed += store.remove_uids(mailbox, server.uidvalidity, &gone)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_look_at_inbox_comes_last_so_its_history_finds_it_open() {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // (folders in the list's order, INBOX seen before, the order visited)
        let cases: [(&[&str], bool, &[&str]); 4] = [
            (
                &["INBOX", "Sent", "Orders"],
                false,
                &["Sent", "Orders", "INBOX"],
            ),
            (
                &["INBOX", "Sent", "Orders"],
                true,
                &["INBOX", "Sent", "Orders"],
            ),
            (&["INBOX"], false, &["INBOX"]),
            (&["Sent"], false, &["Sent"]),
        ];
        for (folders, seen, want) in cases {
            assert_eq!(
                look_order(&list(folders), seen),
                list(want),
                "{folders:?} {seen}"
            );
        }
    }

    #[test]
    fn a_kept_folder_list_is_reused_only_while_young_complete_and_for_the_same_config() {
        let young = FOLDER_LIST_REUSE - Duration::from_secs(1);
        // (age, same configuration, complete, reused)
        let cases = [
            (Duration::ZERO, true, true, true),
            (young, true, true, true),
            (FOLDER_LIST_REUSE, true, true, false),
            (Duration::ZERO, false, true, false),
            (Duration::ZERO, true, false, false),
        ];
        for (age, same, complete, want) in cases {
            assert_eq!(
                may_reuse_list(age, same, complete),
                want,
                "{age:?} {same} {complete}"
            );
        }
    }
}
