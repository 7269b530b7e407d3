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

/// Decides the expunge check. `vanished`: the UIDs of a usable QRESYNC answer (`None`
/// without one). The VANISHED list is trusted only when the folder's count agrees with it
/// (what we had, minus what vanished, plus what was just listed, equals EXISTS); otherwise
/// (a concurrent change, a server that forgot old expunges) the UID comparison decides.
pub fn expunge_check(
    local: &[u32],
    known_up_to: u32,
    exists: u32,
    listed_new: usize,
    vanished: Option<&[RangeInclusive<u32>]>,
) -> ExpungeCheck {
    if local.is_empty() {
        return ExpungeCheck::Nothing;
    }
    if let Some(ranges) = vanished {
        let gone: Vec<u32> = local
            .iter()
            .copied()
            .filter(|u| *u <= known_up_to && ranges.iter().any(|r| r.contains(u)))
            .collect();
        if local.len() - gone.len() + listed_new == exists as usize {
            return ExpungeCheck::Vanished(gone);
        }
        return ExpungeCheck::Scan;
    }
    if needs_expunge_scan(local.len(), exists, listed_new) {
        ExpungeCheck::Scan
    } else {
        ExpungeCheck::Nothing
    }
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
mod tests {
    use super::*;

    #[test]
    fn newest_first_splits_window_and_history() {
        let listed = |uids: &[u32]| uids.iter().map(|u| (*u, 10)).collect::<Vec<_>>();
        let set = |uids: &[u32]| uids.iter().copied().collect::<HashSet<u32>>();
        let uids = |v: &[(u32, u32)]| v.iter().map(|(u, _)| *u).collect::<Vec<_>>();
        // (name, listed, found by SINCE, window, history, window_from, top)
        type Case<'a> = (&'a str, Vec<u32>, Vec<u32>, Vec<u32>, Vec<u32>, u32, u32);
        let cases: Vec<Case> = vec![
            (
                "the newest three are the window",
                vec![1, 2, 3, 4, 5, 6],
                vec![4, 5, 6],
                vec![6, 5, 4],
                vec![3, 2, 1],
                4,
                6,
            ),
            (
                "an old message with a high UID stays in the window range",
                vec![1, 2, 3, 4, 5, 6],
                vec![4, 6],
                vec![6, 5, 4],
                vec![3, 2, 1],
                4,
                6,
            ),
            (
                "nothing recent: all history, window synced at once",
                vec![3, 7, 9],
                vec![],
                vec![],
                vec![9, 7, 3],
                10,
                9,
            ),
            ("empty folder", vec![], vec![], vec![], vec![], 1, 0),
            (
                "everything recent",
                vec![2, 1, 3, 3],
                vec![1, 2, 3],
                vec![3, 2, 1],
                vec![],
                1,
                3,
            ),
        ];
        for (name, l, found, window, history, from, top) in cases {
            let nf = newest_first(listed(&l), &set(&found));
            assert_eq!(uids(&nf.window), window, "{name}");
            assert_eq!(uids(&nf.history), history, "{name}");
            assert_eq!(nf.window_from, from, "{name}");
            assert_eq!(nf.top, top, "{name}");
        }
    }

    fn local(uidvalidity: u32, highest_uid: u32, modseq: Option<u64>, count: usize) -> LocalFolder {
        LocalFolder {
            uidvalidity,
            highest_uid,
            highestmodseq: modseq,
            count,
        }
    }
    fn server(
        uidvalidity: u32,
        uidnext: Option<u32>,
        exists: u32,
        modseq: Option<u64>,
    ) -> ServerFolder {
        ServerFolder {
            uidvalidity,
            uidnext,
            exists,
            highestmodseq: modseq,
        }
    }
    fn sync(reset: bool, fetch_after: Option<u32>, flags: FlagRefresh, known_up_to: u32) -> Plan {
        Plan::Sync(FolderPlan {
            reset,
            fetch_after,
            flags,
            known_up_to,
        })
    }

    #[test]
    fn plan_table() {
        use FlagRefresh::*;
        type Case = (
            &'static str,
            Option<LocalFolder>,
            ServerFolder,
            bool,
            bool,
            Plan,
        );
        let cases: Vec<Case> = vec![
            (
                "first sync",
                None,
                server(7, Some(101), 100, Some(5)),
                true,
                false,
                sync(false, Some(0), Skip, 0),
            ),
            (
                "first sync of an empty folder",
                None,
                server(7, Some(1), 0, None),
                false,
                false,
                sync(false, Some(0), Skip, 0),
            ),
            (
                "nothing changed, CONDSTORE",
                Some(local(7, 100, Some(5), 100)),
                server(7, Some(101), 100, Some(5)),
                true,
                false,
                sync(false, None, Skip, 100),
            ),
            (
                "new mail only, CONDSTORE",
                Some(local(7, 100, Some(5), 100)),
                server(7, Some(103), 102, Some(7)),
                true,
                false,
                sync(false, Some(100), ChangedSince(5), 100),
            ),
            (
                "flags changed, no new mail",
                Some(local(7, 100, Some(5), 100)),
                server(7, Some(101), 100, Some(9)),
                true,
                false,
                sync(false, None, ChangedSince(5), 100),
            ),
            (
                "no CONDSTORE: full flag fetch",
                Some(local(7, 100, None, 100)),
                server(7, Some(101), 100, None),
                false,
                false,
                sync(false, None, All, 100),
            ),
            (
                "CONDSTORE offered but we have no modseq yet",
                Some(local(7, 100, None, 100)),
                server(7, Some(101), 100, Some(3)),
                true,
                false,
                sync(false, None, All, 100),
            ),
            (
                "server lost CONDSTORE (NOMODSEQ)",
                Some(local(7, 100, Some(5), 100)),
                server(7, Some(101), 100, None),
                true,
                false,
                sync(false, None, All, 100),
            ),
            (
                "modseq went backwards",
                Some(local(7, 100, Some(50), 100)),
                server(7, Some(101), 100, Some(3)),
                true,
                false,
                sync(false, None, All, 100),
            ),
            (
                "UIDNEXT unknown: always look for new",
                Some(local(7, 100, Some(5), 100)),
                server(7, None, 100, Some(5)),
                true,
                false,
                sync(false, Some(100), Skip, 100),
            ),
            (
                "UIDVALIDITY changed",
                Some(local(7, 100, Some(5), 100)),
                server(8, Some(51), 50, Some(2)),
                true,
                false,
                sync(true, Some(0), Skip, 0),
            ),
            (
                "UIDs went backwards under the same UIDVALIDITY",
                Some(local(7, 100, Some(5), 100)),
                server(7, Some(40), 39, Some(5)),
                true,
                false,
                sync(true, Some(0), Skip, 0),
            ),
            (
                "suddenly empty: confirm first",
                Some(local(7, 100, Some(5), 100)),
                server(7, Some(101), 0, Some(6)),
                true,
                false,
                Plan::ConfirmEmpty,
            ),
            (
                "suddenly empty and recreated: confirm first",
                Some(local(7, 100, Some(5), 100)),
                server(9, Some(1), 0, Some(1)),
                true,
                false,
                Plan::ConfirmEmpty,
            ),
            (
                "empty confirmed",
                Some(local(7, 100, Some(5), 100)),
                server(7, Some(101), 0, Some(6)),
                true,
                true,
                sync(false, None, ChangedSince(5), 100),
            ),
            (
                "empty recreated folder confirmed",
                Some(local(7, 100, Some(5), 100)),
                server(9, Some(1), 0, Some(1)),
                true,
                true,
                sync(true, Some(0), Skip, 0),
            ),
            (
                "empty here and there",
                Some(local(7, 0, None, 0)),
                server(7, Some(1), 0, None),
                false,
                false,
                sync(false, None, Skip, 0),
            ),
            (
                "all our mail was expunged earlier, new mail arrived",
                Some(local(7, 10, None, 0)),
                server(7, Some(12), 1, None),
                false,
                false,
                sync(false, Some(10), Skip, 10),
            ),
        ];
        for (name, l, s, condstore, confirmed, want) in cases {
            assert_eq!(plan(l.as_ref(), &s, condstore, confirmed), want, "{name}");
        }
    }

    #[test]
    fn expunge_scan_table() {
        for (local_count, exists, fetched, want) in [
            (0, 10, 10, false),   // first sync
            (100, 100, 0, false), // unchanged
            (100, 102, 2, false), // only new mail
            (100, 99, 0, true),   // one expunged
            (100, 100, 1, true),  // one expunged, one new
            (100, 0, 0, true),    // emptied
            (100, 101, 0, true),  // server has more than we know: look
        ] {
            assert_eq!(
                needs_expunge_scan(local_count, exists, fetched),
                want,
                "{local_count} {exists} {fetched}"
            );
        }
    }

    #[test]
    fn removals_table() {
        let set = |v: &[u32]| v.iter().copied().collect::<HashSet<u32>>();
        for (name, local, server, known, confirmed, want) in [
            (
                "none gone",
                vec![1, 2, 3],
                set(&[1, 2, 3, 4]),
                3,
                false,
                Removal::Nothing,
            ),
            (
                "one gone",
                vec![1, 2, 3],
                set(&[1, 3]),
                3,
                false,
                Removal::Remove(vec![2]),
            ),
            (
                "above known range kept",
                vec![1, 2, 3, 9],
                set(&[1, 2, 3]),
                3,
                false,
                Removal::Nothing,
            ),
            (
                "all gone: confirm",
                vec![1, 2],
                set(&[]),
                2,
                false,
                Removal::NeedsConfirmation,
            ),
            (
                "all gone confirmed",
                vec![1, 2],
                set(&[]),
                2,
                true,
                Removal::Remove(vec![1, 2]),
            ),
            (
                "all old gone but new exist: still suspicious",
                vec![1, 2],
                set(&[5]),
                2,
                false,
                Removal::NeedsConfirmation,
            ),
            (
                "nothing stored",
                vec![],
                set(&[]),
                0,
                false,
                Removal::Nothing,
            ),
        ] {
            assert_eq!(removals(&local, &server, known, confirmed), want, "{name}");
        }
    }

    #[test]
    fn new_uids_filters_the_star_quirk() {
        assert_eq!(new_uids([(100, 5)], 100), vec![]);
        assert_eq!(
            new_uids([(103, 1), (101, 2), (101, 2), (99, 3)], 100),
            vec![(101, 2), (103, 1)]
        );
    }

    #[test]
    fn batches_table() {
        let u = |v: &[(u32, u32)]| v.to_vec();
        for (name, uids, count, bytes, want) in [
            ("empty", u(&[]), 3, 100, vec![]),
            (
                "by count",
                u(&[(1, 1), (2, 1), (3, 1), (4, 1)]),
                3,
                100,
                vec![vec![1, 2, 3], vec![4]],
            ),
            (
                "by bytes",
                u(&[(1, 60), (2, 60), (3, 10)]),
                10,
                100,
                vec![vec![1], vec![2, 3]],
            ),
            (
                "huge single message alone",
                u(&[(1, 500), (2, 1)]),
                10,
                100,
                vec![vec![1], vec![2]],
            ),
            (
                "zero count means one",
                u(&[(1, 1), (2, 1)]),
                0,
                100,
                vec![vec![1], vec![2]],
            ),
        ] {
            assert_eq!(batches(&uids, count, bytes), want, "{name}");
        }
    }

    #[test]
    fn uid_set_table() {
        for (uids, want) in [
            (vec![], ""),
            (vec![5], "5"),
            (vec![1, 2, 3], "1:3"),
            (vec![1, 2, 3, 7, 9, 10], "1:3,7,9:10"),
            (vec![4, 6, 8], "4,6,8"),
            (vec![u32::MAX - 1, u32::MAX], "4294967294:4294967295"),
        ] {
            assert_eq!(uid_set(&uids), want);
        }
    }

    #[test]
    fn flags_are_normalized_and_diffed() {
        assert_eq!(
            normalize_flags(&["\\Seen", "\\Recent", "$Label1", "\\Seen", " "]),
            vec!["$Label1".to_string(), "\\Seen".to_string()]
        );
        let local: HashMap<u32, Vec<String>> = [
            (1, vec!["\\Seen".to_string()]),
            (2, vec![]),
            (3, vec!["\\Answered".to_string(), "\\Seen".to_string()]),
        ]
        .into_iter()
        .collect();
        let server = vec![
            (1, vec!["\\Seen".to_string(), "\\Recent".to_string()]), // unchanged
            (2, vec!["\\Flagged".to_string()]),                      // changed
            (3, vec!["\\Seen".to_string(), "\\Answered".to_string()]), // same, other order
            (4, vec!["\\Seen".to_string()]),                         // not stored: ignored
        ];
        assert_eq!(
            flag_changes(&local, &server),
            vec![(2, vec!["\\Flagged".to_string()])]
        );
    }
    #[test]
    fn normalized_sorts_and_drops_recent() {
        let got = normalized(&[
            (9, vec!["\\Seen".into(), "\\Recent".into()]),
            (3, vec!["\\Seen".into()]),
            (3, vec!["\\Flagged".into(), "\\Answered".into()]),
        ]);
        assert_eq!(
            got,
            vec![
                (3, vec!["\\Answered".to_string(), "\\Flagged".to_string()]),
                (9, vec!["\\Seen".to_string()]),
            ]
        );
    }

    #[test]
    fn qresync_usable_table() {
        for (l, srv, want) in [
            (
                local(7, 100, Some(5), 100),
                server(7, Some(101), 100, Some(9)),
                true,
            ),
            (
                local(7, 100, Some(5), 100),
                server(7, Some(101), 100, Some(5)),
                true,
            ),
            (
                local(7, 100, Some(5), 100),
                server(8, Some(101), 100, Some(9)),
                false,
            ),
            (
                local(7, 100, Some(9), 100),
                server(7, Some(101), 100, Some(5)),
                false,
            ),
            (
                local(7, 100, None, 100),
                server(7, Some(101), 100, Some(5)),
                false,
            ),
            (
                local(7, 100, Some(5), 100),
                server(7, Some(101), 100, None),
                false,
            ),
        ] {
            assert_eq!(qresync_usable(&l, &srv), want, "{l:?} {srv:?}");
        }
        let p = FolderPlan {
            reset: false,
            fetch_after: None,
            flags: FlagRefresh::ChangedSince(5),
            known_up_to: 100,
        };
        assert_eq!(with_qresync(p, true).flags, FlagRefresh::FromOpen);
        assert_eq!(with_qresync(p, false).flags, FlagRefresh::ChangedSince(5));
        let all = FolderPlan {
            flags: FlagRefresh::All,
            ..p
        };
        assert_eq!(with_qresync(all, true).flags, FlagRefresh::All);
    }

    #[test]
    fn expunge_check_table() {
        use ExpungeCheck::*;
        let local = [1, 2, 3, 4, 5, 6];
        let v = |r: &[RangeInclusive<u32>]| r.to_vec();
        type Case = (
            &'static str,
            u32,
            usize,
            Option<Vec<RangeInclusive<u32>>>,
            ExpungeCheck,
        );
        let cases: Vec<Case> = vec![
            (
                "QRESYNC: two vanished",
                4,
                0,
                Some(v(&[2..=3])),
                Vanished(vec![2, 3]),
            ),
            (
                "QRESYNC: nothing vanished",
                6,
                0,
                Some(vec![]),
                Vanished(vec![]),
            ),
            (
                "QRESYNC: unknown and new UIDs in the set are ignored",
                6,
                1,
                Some(v(&[6..=9, 40..=40])),
                Vanished(vec![6]),
            ),
            ("QRESYNC: counts disagree", 3, 0, Some(v(&[2..=3])), Scan),
            (
                "QRESYNC: everything vanished",
                0,
                0,
                Some(v(&[1..=6])),
                Vanished(local.to_vec()),
            ),
            ("no QRESYNC, counts add up", 8, 2, None, Nothing),
            ("no QRESYNC, one missing", 5, 0, None, Scan),
        ];
        for (name, exists, listed_new, vanished, want) in cases {
            assert_eq!(
                expunge_check(&local, 6, exists, listed_new, vanished.as_deref()),
                want,
                "{name}"
            );
        }
        assert_eq!(expunge_check(&[], 0, 3, 0, Some(&[1..=2])), Nothing);
        // A stored UID above known_up_to (stored by this pass) is never taken as vanished.
        assert_eq!(expunge_check(&[1, 2, 9], 2, 2, 0, Some(&[9..=9])), Scan);
    }
}
