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
fn taper_cuts_the_last_batch_in_halves_down_to_a_handful() {
    let seq = |a: u32, b: u32| (a..=b).collect::<Vec<u32>>();
    let lens = |b: &[Vec<u32>]| b.iter().map(Vec::len).collect::<Vec<usize>>();
    for (name, batches, want) in [
        ("nothing", vec![], vec![]),
        ("one batch stays whole", vec![seq(1, 100)], vec![100]),
        (
            "two full batches",
            vec![seq(1, 250), seq(251, 500)],
            vec![250, 125, 62, 31, 16, 8, 8],
        ),
        (
            "a short last batch is cut with the one before, never across the two",
            vec![seq(1, 250), seq(251, 260)],
            vec![130, 65, 32, 16, 7, 1, 9],
        ),
        (
            "the remainder of a long download",
            vec![seq(1, 250), seq(251, 500), seq(501, 535)],
            vec![250, 142, 71, 36, 1, 17, 9, 9],
        ),
        (
            "exactly twice the minimum",
            vec![seq(1, 5), seq(6, 21)],
            vec![5, 8, 8],
        ),
    ] {
        let all: Vec<u32> = batches.iter().flatten().copied().collect();
        let got = taper(batches);
        assert_eq!(lens(&got), want, "{name}");
        // The same UIDs in the same order, none empty.
        assert_eq!(
            got.iter().flatten().copied().collect::<Vec<u32>>(),
            all,
            "{name}"
        );
        assert!(got.iter().all(|b| !b.is_empty()), "{name}");
    }
}

#[test]
fn small_first_takes_the_newest_handful_out_of_the_first_batch() {
    let seq = |a: u32, b: u32| (a..=b).rev().collect::<Vec<u32>>();
    let lens = |b: &[Vec<u32>]| b.iter().map(Vec::len).collect::<Vec<usize>>();
    for (name, batches, want) in [
        ("nothing", vec![], vec![]),
        ("a small window stays whole", vec![seq(1, 8)], vec![8]),
        ("one batch", vec![seq(1, 170)], vec![8, 162]),
        (
            "several batches: only the first is cut",
            vec![seq(251, 500), seq(1, 250)],
            vec![8, 242, 250],
        ),
    ] {
        let all: Vec<u32> = batches.iter().flatten().copied().collect();
        let got = small_first(batches);
        assert_eq!(lens(&got), want, "{name}");
        assert_eq!(
            got.iter().flatten().copied().collect::<Vec<u32>>(),
            all,
            "{name}: the same UIDs, newest first"
        );
    }
    // With taper after it, a one-batch window ends in small sets too.
    let window = taper(small_first(vec![seq(1, 170)]));
    assert_eq!(lens(&window), vec![8, 81, 40, 20, 10, 11]);
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
            expunge_check(
                local.len(),
                vanished.map(|r| vanished_among(&local, 6, &r)),
                exists,
                listed_new
            ),
            want,
            "{name}"
        );
    }
    assert_eq!(expunge_check(0, Some(vec![]), 3, 0), Nothing);
    // A stored UID above known_up_to (stored by this pass) is never taken as vanished.
    assert_eq!(vanished_among(&[1, 2, 9], 2, &[9..=9]), Vec::<u32>::new());
    assert_eq!(expunge_check(3, Some(vec![]), 2, 0), Scan);
}

#[test]
fn download_sets_keep_window_and_history_apart() {
    let seq = |a: u32, b: u32| (a..=b).rev().collect::<Vec<u32>>();
    let lens = |b: &[Vec<u32>]| b.iter().map(Vec::len).collect::<Vec<usize>>();
    // (name, batches, window_from, set sizes, window sets)
    type Case = (&'static str, Vec<Vec<u32>>, Option<u32>, Vec<usize>, usize);
    let cases: Vec<Case> = vec![
        (
            "new mail: tapered only",
            vec![seq(251, 500), seq(1, 250)],
            None,
            vec![250, 125, 62, 31, 16, 8, 8],
            0,
        ),
        (
            "a first look's window alone",
            vec![seq(1, 170)],
            Some(0),
            vec![8, 81, 40, 20, 10, 11],
            6,
        ),
        (
            "the history alone: nothing is the window's",
            vec![seq(251, 500), seq(1, 250)],
            Some(501),
            vec![250, 125, 62, 31, 16, 8, 8],
            0,
        ),
        (
            // The window's last batch and the short history are cut together: the pieces
            // never reach across the two (the 16 at 229..245 is cut at the window's end into
            // 13 and 3), so the window is five sets where it was two batches.
            "window, then a history shorter than the window's last batch",
            vec![seq(71, 320), seq(51, 70)],
            Some(71),
            vec![8, 131, 65, 33, 13, 3, 8, 9],
            5,
        ),
    ];
    for (name, batches, window_from, want, window_sets) in cases {
        let all: Vec<u32> = batches.iter().flatten().copied().collect();
        let got = download_sets(batches, window_from);
        assert_eq!(lens(&got), want, "{name}");
        assert_eq!(
            got.iter().flatten().copied().collect::<Vec<u32>>(),
            all,
            "{name}: the same UIDs, in the same order"
        );
        let w = window_from.unwrap_or(u32::MAX);
        let in_window = |b: &Vec<u32>| b.iter().all(|u| *u >= w);
        assert!(
            got.iter().all(|b| in_window(b) || b.iter().all(|u| *u < w)),
            "{name}: a set mixes window and history: {got:?}"
        );
        assert_eq!(
            got.iter().filter(|b| in_window(b)).count(),
            window_sets,
            "{name}"
        );
    }
}
