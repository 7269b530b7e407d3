//! The tracking window in the store (issue 11): history is out of Needs reply, Overdue and the
//! late statistics, in All and "Older, never answered"; pulling, answering and rules sweep
//! it; changing the window re-evaluates at the next open without losing anything.

use super::*;
use crate::deadline::{due_at, Calendar, TrackWindow};
use crate::mail::parse::parse_message;
use chrono::{DateTime, NaiveTime, Utc};

const SHOP: &str = "shop@example.com";

fn calendar(track: TrackWindow) -> crate::deadline::Calendar {
    Calendar {
        track,
        ..Calendar::office_hours(
            chrono_tz::Europe::Berlin,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        )
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Wednesday 26 Nov 2025, 10:30 in Berlin: the owner's first sync.
fn now() -> DateTime<Utc> {
    at("2025-11-26T09:30:00Z")
}

fn ctx(track: TrackWindow) -> ShopContext {
    ShopContext {
        addresses: vec![SHOP.to_string()],
        calendar: calendar(track),
        clock: crate::clock::Clock::fixed(now()),
        proactive: Default::default(),
    }
}

fn mail(id: &str, from: &str, subject: &str, when: &str, uid: u32) -> NewMessage {
    // The shop's reply here answers Bob's old question.
    let (to, refs) = if from == SHOP {
        ("bob@mail.com", "In-Reply-To: <old@x>\r\n")
    } else {
        (SHOP, "")
    };
    let raw = format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: {to}\r\n{refs}Subject: {subject}\r\n\r\nabout {subject}\r\n"
    );
    NewMessage {
        location: Location::new("INBOX".to_string(), 7, uid),
        parsed: parse_message(raw.as_bytes()),
        raw: raw.into_bytes(),
        received_at: at(when),
        flags: vec![],
    }
}

fn ids(rows: &[ConversationRow]) -> Vec<String> {
    rows.iter().map(|r| r.subject.clone()).collect()
}

/// The mailbox of the issue in small: two old questions never answered, one answered long
/// ago, one from the Thursday before the window, and two inside it.
fn first_sync(store: &mut Store) {
    let msgs = vec![
        mail("june@x", "ann@mail.com", "June question", "2025-06-02T10:00:00Z", 1),
        mail("old@x", "bob@mail.com", "Old answered", "2025-06-03T10:00:00Z", 2),
        mail("old-re@x", SHOP, "Re: Old answered", "2025-06-03T12:00:00Z", 3),
        mail("thu@x", "cid@mail.com", "Thursday", "2025-11-20T10:00:00Z", 4),
        mail("fri@x", "dan@mail.com", "Friday", "2025-11-21T08:00:00Z", 5),
        mail("today@x", "eve@mail.com", "Today", "2025-11-26T08:00:00Z", 6),
    ];
    store.ingest(msgs, None).unwrap();
}

fn list(store: &Store, view: View) -> Vec<String> {
    ids(&store.list(view, now(), 0, 50).unwrap())
}

#[test]
fn history_is_out_of_needs_reply_and_in_older_and_all() {
    let mut s = Store::open_in_memory(ctx(TrackWindow::default())).unwrap();
    assert_eq!(s.tracking_start().unwrap(), None);
    first_sync(&mut s);
    assert_eq!(s.tracking_start().unwrap(), Some(now()), "the first ingest starts tracking");
    // Wednesday: Tuesday, Monday, Friday are the window; Friday 00:00 Berlin is the cut-off.
    assert_eq!(s.history_cutoff().unwrap(), Some(at("2025-11-20T23:00:00Z")));
    assert_eq!(list(&s, View::NeedsReply), ["Friday", "Today"]);
    assert_eq!(list(&s, View::Overdue), ["Friday"]);
    assert_eq!(list(&s, View::Older), ["Thursday", "June question"]);
    assert_eq!(list(&s, View::Answered), ["Old answered"]);
    assert_eq!(list(&s, View::All).len(), 5);
    let counts = s.counts(now()).unwrap();
    assert_eq!((counts.needs_reply, counts.overdue, counts.older), (2, 1, 2));
    for v in View::EVERY {
        assert_eq!(counts.get(v), list(&s, v).len() as u64, "{}", v.label());
    }
    let june = &s.list(View::Older, now(), 0, 50).unwrap()[1];
    assert_eq!(june.older_since, Some(at("2025-06-02T10:00:00Z")));
    assert_eq!((june.pending_since, june.due_at), (None, None), "never late");
    // Still found by search.
    assert_eq!(s.search("June", 10).unwrap().len(), 1);
    // A second ingest does not move the start.
    s.ingest(
        vec![mail("x@x", "zed@mail.com", "Later", "2025-11-26T09:00:00Z", 7)],
        None,
    )
    .unwrap();
    assert_eq!(s.tracking_start().unwrap(), Some(now()));
}

#[test]
fn the_owner_sweeps_older_mail() {
    let mut s = Store::open_in_memory(ctx(TrackWindow::default())).unwrap();
    first_sync(&mut s);
    let older = s.list(View::Older, now(), 0, 50).unwrap();
    let (thu, june) = (older[0].id, older[1].id);

    // Pulled: owed from the pull, due at the close of business after it.
    let pulled_at = now();
    s.pull_into_needs_reply(june, Some(pulled_at)).unwrap();
    let row = s.conversation_at(june, now()).unwrap().unwrap();
    assert_eq!(row.pending_since, Some(pulled_at));
    assert_eq!(row.due_at, Some(due_at(pulled_at, &s.context().calendar)));
    assert_eq!(row.older_since, None);
    assert_eq!(list(&s, View::Older), ["Thursday"]);
    assert!(list(&s, View::NeedsReply).contains(&"June question".to_string()));
    // Undo: back into history.
    s.pull_into_needs_reply(june, None).unwrap();
    assert_eq!(list(&s, View::Older), ["Thursday", "June question"]);

    // Answered by hand: out of Older into Answered.
    s.mark_answered(thu, Some(now())).unwrap();
    assert_eq!(list(&s, View::Older), ["June question"]);
    assert!(list(&s, View::Answered).contains(&"Thursday".to_string()));

    // Not a customer: out of Older.
    s.add_rule(RuleKind::Sender, "ann@mail.com").unwrap();
    assert!(list(&s, View::Older).is_empty());
    assert_eq!(s.counts(now()).unwrap().older, 0);
}

#[test]
fn a_new_message_in_an_old_conversation_is_owed_from_its_arrival() {
    let mut s = Store::open_in_memory(ctx(TrackWindow::default())).unwrap();
    first_sync(&mut s);
    let mut again = mail(
        "june2@x",
        "ann@mail.com",
        "Re: June question",
        "2025-11-26T09:00:00Z",
        8,
    );
    let raw = String::from_utf8(again.raw.clone()).unwrap().replace(
        "Subject:",
        "In-Reply-To: <june@x>\r\nSubject:",
    );
    again.parsed = parse_message(raw.as_bytes());
    again.raw = raw.into_bytes();
    s.ingest(vec![again], None).unwrap();
    let needs = s.list(View::NeedsReply, now(), 0, 50).unwrap();
    let row = needs.iter().find(|r| r.message_count == 2).unwrap();
    assert_eq!(row.pending_since, Some(at("2025-11-26T09:00:00Z")));
    assert_eq!(list(&s, View::Older), ["Thursday"]);
}

#[test]
fn changing_the_window_re_evaluates_at_open_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut s = Store::open(&path, ctx(TrackWindow::default())).unwrap();
    first_sync(&mut s);
    let june = s.list(View::Older, now(), 0, 50).unwrap()[1].id;
    s.pull_into_needs_reply(june, Some(now())).unwrap();
    drop(s);

    // Ten business days reach back to Thursday 13 Nov: Thursday the 20th is tracked now.
    let s = Store::open(&path, ctx(TrackWindow::BusinessDays(10))).unwrap();
    assert_eq!(list(&s, View::Older), Vec::<String>::new());
    assert_eq!(
        list(&s, View::NeedsReply),
        ["Thursday", "Friday", "June question", "Today"],
        "the pull is kept (due at today's close like Today's mail, and stored first)"
    );
    drop(s);

    // An explicit date after everything: only today's mail counts; nothing is lost.
    let s = Store::open(
        &path,
        ctx(TrackWindow::Since(chrono::NaiveDate::from_ymd_opt(2025, 11, 26).unwrap())),
    )
    .unwrap();
    assert_eq!(list(&s, View::NeedsReply), ["June question", "Today"]);
    assert_eq!(list(&s, View::Older), ["Friday", "Thursday"]);
    assert_eq!(list(&s, View::All).len(), 5);
}

#[test]
fn history_is_never_late_in_the_statistics() {
    let mut s = Store::open_in_memory(ctx(TrackWindow::default())).unwrap();
    first_sync(&mut s);
    let rows = s.stat_rows(at("2025-01-01T00:00:00Z")).unwrap();
    let customer = |subject_at: &str| {
        rows.iter()
            .find(|r| r.received_at == at(subject_at))
            .unwrap()
            .kept_out
    };
    assert!(customer("2025-06-02T10:00:00Z"), "history is kept out");
    assert!(customer("2025-11-20T10:00:00Z"), "history is kept out");
    assert!(!customer("2025-11-21T08:00:00Z"), "inside the window it counts");
}

#[test]
fn a_store_from_before_tracking_started_when_its_first_conversation_was_stored() {
    // Migration V9: a store that already holds mail gets the time its first conversation was
    // stored as tracking start; a store without any starts at its first sync or import.
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    schema::migrate_to(&mut conn, 8).unwrap();
    conn.execute_batch(
        "INSERT INTO conversations(subject, norm_subject, customer_addr, created_at)
         VALUES ('a', 'a', 'a@x', 2000), ('b', 'b', 'b@x', 1000);",
    )
    .unwrap();
    schema::migrate_to(&mut conn, schema::latest_version()).unwrap();
    let start: i64 = conn
        .query_row("SELECT started_at FROM tracking", [], |r| r.get(0))
        .unwrap();
    assert_eq!(start, 1000);

    let mut empty = rusqlite::Connection::open_in_memory().unwrap();
    schema::migrate_to(&mut empty, 8).unwrap();
    schema::migrate_to(&mut empty, schema::latest_version()).unwrap();
    let n: i64 = empty
        .query_row("SELECT count(*) FROM tracking", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}
