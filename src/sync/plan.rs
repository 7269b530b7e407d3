//! The pure sync planner: what to do with one folder, given what the store remembers and what
//! EXAMINE just said (RFC 4549 resynchronization, as meli and mbsync do it). No IO here, so
//! every case is a row in a table test.
//!
//! The engine (`engine.rs`) carries the plan out in a crash-safe order: fetch new messages in
//! batches (each batch and the folder's new highest UID in one store transaction), refresh
//! flags, detect expunges, and only then move HIGHESTMODSEQ forward.

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

/// What the store remembers about a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalFolder {
    pub uidvalidity: u32,
    pub highest_uid: u32,
    pub highestmodseq: Option<u64>,
    /// How many messages of this UIDVALIDITY the store holds.
    pub count: usize,
}

/// What EXAMINE reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerFolder {
    pub uidvalidity: u32,
    /// Absent on some servers; then new mail is searched for every time.
    pub uidnext: Option<u32>,
    pub exists: u32,
    /// Present when the server has CONDSTORE and the folder keeps mod-sequences.
    pub highestmodseq: Option<u64>,
}

/// How to bring the flags of already-stored messages up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagRefresh {
    /// Nothing can have changed (or nothing is stored).
    Skip,
    /// `UID FETCH 1:<highest> (UID FLAGS) (CHANGEDSINCE n)` — CONDSTORE.
    ChangedSince(u64),
    /// `UID FETCH 1:<highest> (UID FLAGS)` — cheap enough without CONDSTORE, and its answer
    /// lists every surviving UID, which doubles as expunge detection.
    All,
    /// QRESYNC: the EXAMINE answer already carried the flags changed since our mod-sequence.
    FromOpen,
}

/// What to do with a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// The server shows an empty folder while the store holds messages. mbsync's rule: a
    /// folder that suddenly looks empty is not taken as "delete everything" until a fresh
    /// look (re-EXAMINE) confirms it; then plan again with `empty_confirmed`.
    ConfirmEmpty,
    Sync(FolderPlan),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderPlan {
    /// UIDVALIDITY changed (or UIDs went backwards): forget the folder's rows of the old
    /// validity, then fetch everything. Local data (notes, outbox, rules) is keyed by
    /// Message-ID and addresses, so it survives.
    pub reset: bool,
    /// Look for messages with a UID above this one (`None`: UIDNEXT proves there are none).
    pub fetch_after: Option<u32>,
    pub flags: FlagRefresh,
    /// Highest UID whose flags/existence are checked (the store's highest before fetching).
    pub known_up_to: u32,
}

/// Decides what one folder needs. `condstore`: the server offers CONDSTORE.
pub fn plan(
    local: Option<&LocalFolder>,
    server: &ServerFolder,
    condstore: bool,
    empty_confirmed: bool,
) -> Plan {
    let Some(local) = local else {
        return Plan::Sync(full_fetch(false));
    };
    if server.exists == 0 && local.count > 0 && !empty_confirmed {
        return Plan::ConfirmEmpty;
    }
    let uids_went_back = server
        .uidnext
        .is_some_and(|next| next <= local.highest_uid && local.uidvalidity == server.uidvalidity);
    if local.uidvalidity != server.uidvalidity || uids_went_back {
        return Plan::Sync(full_fetch(true));
    }
    let fetch_after = match server.uidnext {
        Some(next) if next <= local.highest_uid.saturating_add(1) => None,
        _ => Some(local.highest_uid),
    };
    let flags = if local.count == 0 {
        FlagRefresh::Skip
    } else {
        match (condstore, local.highestmodseq, server.highestmodseq) {
            (true, Some(ours), Some(theirs)) if theirs == ours => FlagRefresh::Skip,
            (true, Some(ours), Some(theirs)) if theirs > ours => FlagRefresh::ChangedSince(ours),
            _ => FlagRefresh::All,
        }
    };
    Plan::Sync(FolderPlan {
        reset: false,
        fetch_after,
        flags,
        known_up_to: local.highest_uid,
    })
}

fn full_fetch(reset: bool) -> FolderPlan {
    FolderPlan {
        reset,
        fetch_after: Some(0),
        flags: FlagRefresh::Skip,
        known_up_to: 0,
    }
}

/// Whether the stored UIDs must be compared with the server's to find expunged messages.
/// When the server's count equals what we had plus what we just fetched, nothing we knew
/// can have vanished (the new UIDs are all above the old ones).
pub fn needs_expunge_scan(local_count: usize, exists: u32, new_fetched: usize) -> bool {
    local_count > 0 && local_count + new_fetched != exists as usize
}

/// Whether an `EXAMINE … (QRESYNC (validity modseq))` answer can stand in for the flag
/// refresh and the UID comparison: the folder is the one we knew (same UIDVALIDITY), we sent
/// a mod-sequence, and the server's has not gone backwards.
pub fn qresync_usable(local: &LocalFolder, server: &ServerFolder) -> bool {
    match (local.highestmodseq, server.highestmodseq) {
        (Some(ours), Some(theirs)) => local.uidvalidity == server.uidvalidity && theirs >= ours,
        _ => false,
    }
}

/// The plan when a usable QRESYNC answer is at hand: its FETCH responses are the changed
/// flags, so no `CHANGEDSINCE` fetch is needed.
pub fn with_qresync(mut p: FolderPlan, usable: bool) -> FolderPlan {
    if usable && matches!(p.flags, FlagRefresh::ChangedSince(_)) {
        p.flags = FlagRefresh::FromOpen;
    }
    p
}

/// How to find the stored messages that another client expunged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpungeCheck {
    /// Nothing can have gone (nothing stored, or the counts add up without QRESYNC).
    Nothing,
    /// QRESYNC said which: these stored UIDs (possibly none).
    Vanished(Vec<u32>),
    /// Compare the stored UIDs with the server's list ([`removals`]).
    Scan,
}

/// Decides the expunge check from how many messages the store held (`local_count`) and, with
/// a usable QRESYNC answer, which of them it says vanished ([`vanished_among`]; `None`
/// without one): the whole UID list is read only when a comparison is needed. The VANISHED list is trusted only when the folder's count agrees with it
/// (what we had, minus what vanished, plus what was just listed, equals EXISTS); otherwise
/// (a concurrent change, a server that forgot old expunges) the UID comparison decides.
pub fn expunge_check(
    local_count: usize,
    vanished_local: Option<Vec<u32>>,
    exists: u32,
    listed_new: usize,
) -> ExpungeCheck {
    if local_count == 0 {
        return ExpungeCheck::Nothing;
    }
    if let Some(gone) = vanished_local {
        if local_count.saturating_sub(gone.len()) + listed_new == exists as usize {
            return ExpungeCheck::Vanished(gone);
        }
        return ExpungeCheck::Scan;
    }
    if needs_expunge_scan(local_count, exists, listed_new) {
        ExpungeCheck::Scan
    } else {
        ExpungeCheck::Nothing
    }
}

/// The stored UIDs (up to `known_up_to`: never one stored by this pass) that a `VANISHED
/// (EARLIER)` answer names. The store answers the same with one index lookup per range
/// ([`crate::store::Store::uids_in_ranges`]) instead of listing the whole folder.
pub fn vanished_among(local: &[u32], known_up_to: u32, ranges: &[RangeInclusive<u32>]) -> Vec<u32> {
    local
        .iter()
        .copied()
        .filter(|u| *u <= known_up_to && ranges.iter().any(|r| r.contains(u)))
        .collect()
}

/// What to do with stored UIDs that the server no longer lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    Nothing,
    Remove(Vec<u32>),
    /// The server listed none of our messages: confirm with a fresh look first.
    NeedsConfirmation,
}

/// Compares the stored UIDs (up to `known_up_to`) with the server's list.
pub fn removals(
    local: &[u32],
    server: &HashSet<u32>,
    known_up_to: u32,
    empty_confirmed: bool,
) -> Removal {
    let candidates: Vec<u32> = local
        .iter()
        .copied()
        .filter(|u| *u <= known_up_to)
        .collect();
    let gone: Vec<u32> = candidates
        .iter()
        .copied()
        .filter(|u| !server.contains(u))
        .collect();
    if gone.is_empty() {
        Removal::Nothing
    } else if gone.len() == candidates.len() && !empty_confirmed {
        Removal::NeedsConfirmation
    } else {
        Removal::Remove(gone)
    }
}

/// The UIDs above `after`, ascending and without duplicates. `UID FETCH n:*` always returns
/// the highest message even when its UID is below n (RFC 3501 9), so the filter matters.
pub fn new_uids(candidates: impl IntoIterator<Item = (u32, u32)>, after: u32) -> Vec<(u32, u32)> {
    let mut v: Vec<(u32, u32)> = candidates.into_iter().filter(|(u, _)| *u > after).collect();
    v.sort_unstable();
    v.dedup_by_key(|(u, _)| *u);
    v
}

/// A first sync's order (issue 11): the tracking window first, then the history, each newest
/// first, so today's customers are on screen within seconds whatever the folder's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewestFirst {
    /// UIDs from `window_from` up, descending (all of them, also any older message that
    /// carries a UID inside the window: the window is one contiguous top range, so that one
    /// number, `pending_upto`, says what is still missing).
    pub window: Vec<(u32, u32)>,
    /// The rest, descending.
    pub history: Vec<(u32, u32)>,
    /// The lowest UID of the window (one above the highest listed UID when the window is
    /// empty, so the window counts as synced at once).
    pub window_from: u32,
    /// The highest listed UID: the folder's highest UID once the first batch is stored.
    pub top: u32,
}

/// Splits a folder's listed (uid, size) pairs by the UIDs `UID SEARCH SINCE` found.
pub fn newest_first(listed: Vec<(u32, u32)>, in_window: &HashSet<u32>) -> NewestFirst {
    let mut all = new_uids(listed, 0);
    all.reverse();
    let top = all.first().map(|(u, _)| *u).unwrap_or(0);
    let window_from = all
        .iter()
        .map(|(u, _)| *u)
        .filter(|u| in_window.contains(u))
        .min()
        .unwrap_or(top.saturating_add(1));
    let split = all.partition_point(|(u, _)| *u >= window_from);
    let history = all.split_off(split);
    NewestFirst {
        window: all,
        history,
        window_from,
        top,
    }
}

/// Splits (uid, size) pairs into fetch batches of at most `max_count` messages and, unless a
/// single message is bigger, `max_bytes`: the `imap` crate buffers a whole answer in memory.
pub fn batches(uids: &[(u32, u32)], max_count: usize, max_bytes: u64) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    let mut cur: Vec<u32> = Vec::new();
    let mut bytes = 0u64;
    for &(uid, size) in uids {
        let size = u64::from(size);
        if !cur.is_empty() && (cur.len() >= max_count.max(1) || bytes + size > max_bytes) {
            out.push(std::mem::take(&mut cur));
            bytes = 0;
        }
        cur.push(uid);
        bytes += size;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A download's sets as they are asked for: a first look's window (the UIDs from
/// `window_from` up, at the start of `batches`) begins with its newest handful
/// ([`small_first`]), and the whole ends in smaller and smaller sets ([`taper`]). No set holds
/// both window and history: the window's last batch and a short history after it are cut
/// together, but never across the two.
pub fn download_sets(batches: Vec<Vec<u32>>, window_from: Option<u32>) -> Vec<Vec<u32>> {
    let in_window = |b: &Vec<u32>| window_from.is_some_and(|w| b.iter().all(|u| *u >= w));
    let n = batches.iter().take_while(|b| in_window(b)).count();
    let mut batches = batches;
    let rest = batches.split_off(n);
    let mut planned = small_first(batches);
    planned.extend(rest);
    taper(planned)
}

/// The smallest piece [`taper`] cuts off.
pub const TAPER_MIN: usize = 8;

/// A download of several batches ends in smaller and smaller ones: the last batch is cut
/// into halves, quarters, … down to [`TAPER_MIN`] messages. A set is parsed and stored only
/// once its whole answer arrived, so on a slow line everything of the last set happens after
/// the line's last byte; tapered, the store finishes each piece while the next one is on the
/// line, and what is left after the last byte is a handful of messages (issue 22: through a
/// 50 Mbit/s line the last 250-message set kept the line idle for a third of a second).
/// A short last batch (the remainder of the listing) is cut together with the full batch
/// before it, else that full batch would still be the store's work after the line went quiet
/// (0.27 s at 20,000 messages); no piece reaches across the two, so none holds more bytes
/// than a batch. A download of one batch (a re-sync's new mail) stays as it is: there is
/// nothing to overlap it with.
pub fn taper(mut batches: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
    if batches.len() < 2 {
        return batches;
    }
    let Some(mut tail) = batches.pop() else {
        return batches;
    };
    // Where the batch before ends inside `tail`, when the two are cut together.
    let mut boundary = None;
    if let Some(before) = batches.pop_if(|b| b.len() > tail.len()) {
        boundary = Some(before.len());
        tail = [before, tail].concat();
    }
    let mut start = 0;
    while tail.len() >= 2 * TAPER_MIN {
        let rest = tail.split_off(tail.len() / 2);
        let piece = std::mem::replace(&mut tail, rest);
        push_within(&mut batches, piece, &mut start, boundary);
    }
    push_within(&mut batches, tail, &mut start, boundary);
    batches
}

/// Appends `piece` (which starts at `start` of the tapered tail), cut in two where it
/// reaches across `boundary`.
fn push_within(
    batches: &mut Vec<Vec<u32>>,
    mut piece: Vec<u32>,
    start: &mut usize,
    boundary: Option<usize>,
) {
    let end = *start + piece.len();
    if let Some(b) = boundary.filter(|b| *start < *b && *b < end) {
        let second = piece.split_off(b - *start);
        batches.push(piece);
        piece = second;
    }
    *start = end;
    if !piece.is_empty() {
        batches.push(piece);
    }
}

/// A first look's tracking window starts with a set of its own of at most [`TAPER_MIN`]
/// messages (the newest): on a slow line the owner's newest mail is stored after a few
/// kilobytes instead of a whole batch, and the store has it done while the rest of the
/// window is on the line. With the first batch cut, [`taper`] ends the window in small sets.
pub fn small_first(mut batches: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
    if let Some(first) = batches.first_mut() {
        if first.len() > TAPER_MIN {
            let rest = first.split_off(TAPER_MIN);
            batches.insert(1, rest);
        }
    }
    batches
}

/// A compact IMAP sequence set for ascending UIDs: `[1,2,3,7,9,10]` → `1:3,7,9:10`.
pub fn uid_set(uids: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut uids = uids.iter().copied().peekable();
    while let Some(start) = uids.next() {
        let mut end = start;
        while let Some(next) = uids.next_if(|&u| u == end.wrapping_add(1)) {
            end = next;
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
    }
    parts.join(",")
}

/// Flags as stored: `\Recent` dropped (session-specific), duplicates removed, sorted.
pub fn normalize_flags<S: AsRef<str>>(flags: &[S]) -> Vec<String> {
    let mut v: Vec<String> = flags
        .iter()
        .map(|f| f.as_ref().trim().to_string())
        .filter(|f| !f.is_empty() && !f.eq_ignore_ascii_case("\\Recent"))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The server's flags as stored (normalized), ascending by UID; for a UID reported twice
/// the later report wins.
pub fn normalized(server: &[(u32, Vec<String>)]) -> Vec<(u32, Vec<String>)> {
    let mut out: Vec<(u32, Vec<String>)> = server
        .iter()
        .rev()
        .map(|(uid, flags)| (*uid, normalize_flags(flags)))
        .collect();
    out.sort_by_key(|(u, _)| *u);
    out.dedup_by_key(|(u, _)| *u);
    out
}

/// The stored messages whose flags differ from the server's answer.
pub fn flag_changes(
    local: &HashMap<u32, Vec<String>>,
    server: &[(u32, Vec<String>)],
) -> Vec<(u32, Vec<String>)> {
    let mut out: Vec<(u32, Vec<String>)> = server
        .iter()
        .filter_map(|(uid, flags)| {
            let theirs = normalize_flags(flags);
            let ours = local.get(uid)?;
            (normalize_flags(ours) != theirs).then_some((*uid, theirs))
        })
        .collect();
    out.sort_by_key(|(u, _)| *u);
    out
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
