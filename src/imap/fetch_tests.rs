//! The pipelined download against recorded server bytes (pipelined commands answered one
//! after the other or side by side, as Dovecot does, unsolicited responses in between).

use super::*;
use crate::imap::conn::tests::Replay;
use std::cell::RefCell;

fn msg(seq: u32, uid: u32, body: &str) -> String {
    format!(
        "* {seq} FETCH (UID {uid} FLAGS (\\Seen) INTERNALDATE \"01-Mar-2024 09:30:00 +0100\" \
         BODY[] {{{}}}\r\n{body})\r\n",
        body.len()
    )
}

/// What [`run`] returns.
type Run = (
    Vec<Vec<FetchedMessage>>,
    usize,
    Result<(), PipelineError<String>>,
    Connection<Replay>,
);

/// Runs a pipelined download over `server` bytes; returns the batches handed out, how many
/// sets had been asked for when the first batch arrived, and the result.
fn run(server: &str, sets: &[&str], depth: usize, stop_after: Option<usize>) -> Run {
    let mut conn = Connection::new(Replay::new(server.as_bytes(), 13));
    let asked = RefCell::new(0usize);
    let mut first_seen = None;
    let mut batches = Vec::new();
    let mut queue: VecDeque<String> = sets.iter().map(|s| s.to_string()).collect();
    let mut next = || {
        let set = queue.pop_front();
        *asked.borrow_mut() += usize::from(set.is_some());
        set
    };
    let mut each = |m: Vec<FetchedMessage>| -> Result<bool, String> {
        first_seen.get_or_insert(*asked.borrow());
        batches.push(m);
        Ok(stop_after != Some(batches.len()))
    };
    let r = conn.fetch_pipelined(depth, &mut next, &mut each);
    (batches, first_seen.unwrap_or(0), r, conn)
}

fn uids(b: &[FetchedMessage]) -> Vec<u32> {
    b.iter().map(|m| m.uid).collect()
}

#[test]
fn sets_are_pipelined_and_answers_attributed_in_order() {
    let server = [
        msg(1, 1, "one"),
        // Another client flagged UID 40 (not asked for): a flag update, not a message.
        "* 40 FETCH (UID 40 FLAGS (\\Flagged) MODSEQ (99))\r\n".to_string(),
        msg(2, 2, "two"),
        "* 5 EXISTS\r\n".to_string(),
        "a1 OK Fetch completed.\r\n".to_string(),
        msg(3, 3, "three\r\n"),
        // A flag change for a message of this very answer: its flags are updated.
        "* 3 FETCH (UID 3 FLAGS (\\Seen \\Answered))\r\n".to_string(),
        "a2 OK Fetch completed.\r\n".to_string(),
        // Expunged meanwhile: BODY[] NIL is no message.
        "* 4 FETCH (UID 4 FLAGS () BODY[] NIL)\r\n".to_string(),
        msg(4, 5, "five"),
        "a3 OK Fetch completed.\r\n".to_string(),
    ]
    .concat();
    let (batches, first, r, conn) = run(&server, &["1:2", "3", "4:5"], 2, None);
    r.unwrap();
    assert_eq!(
        first, 2,
        "two commands were in flight before the first answer was used"
    );
    assert_eq!(batches.len(), 3);
    assert_eq!(uids(&batches[0]), [1, 2]);
    assert_eq!(batches[0][1].raw, b"two");
    assert_eq!(uids(&batches[1]), [3]);
    assert_eq!(batches[1][0].raw, b"three\r\n");
    assert_eq!(batches[1][0].flags, ["\\Seen", "\\Answered"]);
    assert_eq!(uids(&batches[2]), [5]);
    let written = String::from_utf8(conn.stream().written.clone()).unwrap();
    assert_eq!(
        written,
        "a1 UID FETCH 1:2 (UID FLAGS INTERNALDATE BODY.PEEK[])\r\n\
         a2 UID FETCH 3 (UID FLAGS INTERNALDATE BODY.PEEK[])\r\n\
         a3 UID FETCH 4:5 (UID FLAGS INTERNALDATE BODY.PEEK[])\r\n"
    );
}

/// `first..=last` as FETCH answers, with sequence numbers equal to the UIDs.
fn msgs(first: u32, last: u32) -> String {
    (first..=last).map(|u| msg(u, u, "x")).collect()
}

#[test]
fn the_next_set_goes_out_once_little_is_left_to_come() {
    // Dovecot runs pipelined FETCH commands side by side: the second command's answers come
    // before the first one ends. The second went out as the first ran low; once fewer than
    // LOW_WATER messages are still to come from both, the third is asked for without
    // waiting for either to end.
    let server = [
        msgs(1, 150),
        msgs(151, 260),
        "a1 OK done\r\n".to_string(),
        msgs(261, 300),
        "a2 OK done\r\n".to_string(),
        msgs(301, 302),
        "a3 OK done\r\n".to_string(),
    ]
    .concat();
    let (batches, first, r, _) = run(&server, &["1:150", "151:300", "301:302"], 4, None);
    r.unwrap();
    assert_eq!(
        first, 3,
        "the third set was asked for before the first ended"
    );
    assert_eq!(
        batches.iter().map(Vec::len).collect::<Vec<_>>(),
        [150, 150, 2]
    );
    // Big sets answered one after the other: the second goes out as the first runs low, the
    // third only as the second does, never all at once.
    let server = [
        msgs(1, 150),
        "a1 OK done\r\n".to_string(),
        msgs(151, 300),
        "a2 OK done\r\n".to_string(),
        msgs(301, 450),
        "a3 OK done\r\n".to_string(),
    ]
    .concat();
    let (batches, first, r, conn) = run(&server, &["1:150", "151:300", "301:450"], 4, None);
    r.unwrap();
    assert_eq!(first, 2, "the third set waited for the second to run low");
    assert_eq!(batches.len(), 3);
    assert_eq!(conn.stream().written.split(|b| *b == b'\n').count() - 1, 3);
}

#[test]
fn unreadable_sets_fall_back_to_arrival_order() {
    let server = [
        msg(1, 10, "a"),
        "a1 OK done\r\n".to_string(),
        msg(2, 11, "b"),
        "a2 OK done\r\n".to_string(),
    ]
    .concat();
    let (batches, _, r, _) = run(&server, &["10:*", "$"], 2, None);
    r.unwrap();
    assert_eq!(uids(&batches[0]), [10]);
    assert_eq!(uids(&batches[1]), [11]);
}

#[test]
fn stopping_drains_the_commands_in_flight() {
    let server = [
        msg(1, 1, "a"),
        "a1 OK done\r\n".to_string(),
        msg(2, 2, "b"),
        "a2 OK done\r\n".to_string(),
        msg(3, 3, "c"),
        "a3 OK done\r\n".to_string(),
        "a4 OK NOOP done\r\n".to_string(),
    ]
    .concat();
    let (batches, _, r, mut conn) = run(&server, &["1", "2", "3", "4", "5"], 3, Some(1));
    r.unwrap();
    assert_eq!(batches.len(), 1, "nothing handed out after the stop");
    let written = String::from_utf8(conn.stream().written.clone()).unwrap();
    assert_eq!(
        written.lines().count(),
        3,
        "no set asked for after the stop: {written}"
    );
    // The connection is usable: the next command's answer is the next thing read.
    conn.noop().unwrap();
}

#[test]
fn a_refused_command_is_the_servers_words_after_the_others_were_read() {
    let server = [
        msg(1, 1, "a"),
        "a1 OK done\r\n".to_string(),
        "a2 NO [SERVERBUG] Internal error occurred.\r\n".to_string(),
        msg(3, 3, "c"),
        "a3 OK done\r\n".to_string(),
        "a4 OK NOOP done\r\n".to_string(),
    ]
    .concat();
    let (batches, _, r, mut conn) = run(&server, &["1", "2", "3"], 3, None);
    match r {
        Err(PipelineError::Imap(ImapError::No(t))) => {
            assert_eq!(t, "[SERVERBUG] Internal error occurred.")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        batches.len(),
        1,
        "the set after the refused one is not handed out"
    );
    conn.noop().unwrap();
}

#[test]
fn an_error_from_the_caller_is_returned_after_the_drain() {
    let server = [
        msg(1, 1, "a"),
        "a1 OK done\r\n".to_string(),
        msg(2, 2, "b"),
        "a2 OK done\r\n".to_string(),
        "a3 OK NOOP done\r\n".to_string(),
    ]
    .concat();
    let mut conn = Connection::new(Replay::new(server.as_bytes(), 5));
    let mut sets: VecDeque<&str> = ["1", "2"].into();
    let mut next = || sets.pop_front().map(str::to_string);
    let mut each = |_: Vec<FetchedMessage>| -> Result<bool, String> { Err("disk full".into()) };
    match conn.fetch_pipelined(2, &mut next, &mut each) {
        Err(PipelineError::Caller(e)) => assert_eq!(e, "disk full"),
        other => panic!("{other:?}"),
    }
    conn.noop().unwrap();
}

#[test]
fn an_unreadable_fetch_response_fails_its_command_not_silently() {
    let server = [
        "* 1 FETCH (UID 1 BODY[] {3}\r\nabc BROKEN\r\n".to_string(),
        "a1 OK done\r\n".to_string(),
    ]
    .concat();
    let (batches, _, r, _) = run(&server, &["1"], 1, None);
    assert!(batches.is_empty());
    assert!(
        matches!(&r, Err(PipelineError::Imap(ImapError::Protocol(d))) if d.starts_with("unreadable FETCH")),
        "{r:?}"
    );
}

#[test]
fn a_broken_connection_ends_at_once() {
    let server = msg(1, 1, "a");
    let (batches, _, r, _) = run(&server, &["1", "2"], 2, None);
    assert!(batches.is_empty());
    assert!(
        matches!(r, Err(PipelineError::Imap(ImapError::Io(_)))),
        "{r:?}"
    );
}

#[test]
fn messages_from_one_answer() {
    let items = vec![
        FetchItem {
            uid: Some(7),
            flags: Some(vec![]),
            body: Some(b"Hi".to_vec()),
            ..FetchItem::default()
        },
        FetchItem {
            uid: Some(8),
            flags: Some(vec![]),
            body: None,
            ..FetchItem::default()
        },
        FetchItem {
            uid: Some(7),
            flags: Some(vec!["\\Seen".into()]),
            ..FetchItem::default()
        },
        FetchItem {
            uid: Some(9),
            flags: Some(vec!["\\Flagged".into()]),
            ..FetchItem::default()
        },
    ];
    let msgs = messages_from(items);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].uid, 7);
    assert_eq!(msgs[0].flags, ["\\Seen"]);
}

/// A download in a folder opened in the same round trip ([`Opening`]): the EXAMINE (tag
/// `a1`, sent before) is answered first; its messages are handed out only when the folder
/// opened with the expected UIDVALIDITY. Refused or recreated, nothing is handed out, the
/// FETCH answers are read to their end, and the result says which.
#[test]
fn a_folder_opened_ahead_must_be_the_one_the_uids_belong_to() {
    let run_in = |examine: &str, fetch_answer: &str| {
        let server = format!("{examine}{fetch_answer}");
        let mut conn = Connection::new(Replay::new(server.as_bytes(), 11));
        // The EXAMINE went out before the pipeline: its tag is a1, the FETCH's a2.
        let tag = conn.send(&Command::new("EXAMINE INBOX")).unwrap();
        let mut sets: VecDeque<String> = VecDeque::from(["2:1".to_string()]);
        let mut got = Vec::new();
        let r = conn.fetch_pipelined_in::<String>(
            Some(Opening {
                tag,
                uidvalidity: 7,
            }),
            4,
            &mut || sets.pop_front(),
            &mut |m| {
                got.push(m);
                Ok(true)
            },
        );
        (got, r, conn)
    };
    let fetched = format!("{}{}a2 OK done\r\n", msg(1, 1, "one"), msg(2, 2, "two"));

    let opened = "* 2 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\na1 OK [READ-ONLY] done\r\n";
    let (got, r, conn) = run_in(opened, &fetched);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        got.iter().map(|b| uids(b)).collect::<Vec<_>>(),
        vec![vec![1, 2]]
    );
    assert!(conn
        .stream()
        .written
        .ends_with(b"a2 UID FETCH 2:1 (UID FLAGS INTERNALDATE BODY.PEEK[])\r\n"));

    let recreated = "* 2 EXISTS\r\n* OK [UIDVALIDITY 8] ok\r\na1 OK [READ-ONLY] done\r\n";
    let (got, r, conn) = run_in(recreated, &fetched);
    assert!(got.is_empty());
    assert!(matches!(r, Err(PipelineError::NotOpened(None))), "{r:?}");
    // Read to the end: the connection is in step for the next command.
    assert_eq!(conn.stream().at, conn.stream().input.len());

    let refused = "a1 NO [NONEXISTENT] Mailbox doesn't exist\r\n";
    let (got, r, conn) = run_in(refused, "a2 BAD No mailbox selected\r\n");
    assert_eq!(conn.stream().at, conn.stream().input.len());
    assert!(got.is_empty());
    assert!(
        matches!(&r, Err(PipelineError::NotOpened(Some(ImapError::No(t)))) if t.contains("doesn't exist")),
        "{r:?}"
    );

    // Nothing to fetch after all: the EXAMINE's answer is still read.
    let mut conn = Connection::new(Replay::new(opened.as_bytes(), 11));
    let tag = conn.send(&Command::new("EXAMINE INBOX")).unwrap();
    let r = conn.fetch_pipelined_in::<String>(
        Some(Opening {
            tag,
            uidvalidity: 7,
        }),
        4,
        &mut || None,
        &mut |_| Ok(true),
    );
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(conn.stream().at, conn.stream().input.len());
}
