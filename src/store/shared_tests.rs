//! Shared state between two stores (issue 26), without a server: change sets built by one
//! store's upload job are read by the other. The wire itself is tested against Dovecot in
//! tests/it/shared_state.rs.

use super::*;
use crate::clock::Clock;
use crate::deadline::Calendar;
use crate::mail::parse::parse_message;
use crate::shared::ChangeSet;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

fn store(name: &str) -> Store {
    let ctx = ShopContext {
        addresses: vec!["shop@example.com".to_string()],
        calendar: Calendar::office_hours(
            chrono_tz::Europe::Berlin,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        ),
        clock: Clock::fixed(t0()),
        proactive: Default::default(),
    };
    let mut s = Store::open_in_memory(ctx).unwrap();
    s.set_sharing(Some(name)).unwrap();
    s
}

/// The same three customer questions in a store; their conversation ids in order.
fn mail(s: &mut Store) -> Vec<ConversationId> {
    let at = t0() - Duration::hours(1);
    let msgs = (1..=3)
        .map(|n| {
            let raw = format!(
                "Message-ID: <q{n}@example.net>\r\nFrom: C{n} <c{n}@example.net>\r\n\
                 To: shop@example.com\r\nSubject: Question {n}\r\n\r\nbody {n}\r\n"
            );
            NewMessage {
                location: Location::new("INBOX".to_string(), 1, n),
                parsed: parse_message(raw.as_bytes()),
                raw: raw.into_bytes(),
                received_at: at,
                flags: Vec::new(),
            }
        })
        .collect();
    s.ingest(msgs, None).unwrap();
    (1..=3)
        .map(|n| super::shared::conversation_of(&s.conn, &format!("q{n}@example.net")))
        .map(|r| r.unwrap().unwrap())
        .collect()
}

fn set_clock(s: &mut Store, at: DateTime<Utc>) {
    s.ctx.clock = Clock::fixed(at);
}

/// Everything the owner's marks decide, by Message-ID and address (not by row id), so that
/// two stores can be compared.
fn marks(s: &Store) -> Vec<String> {
    let q = |sql: &str| -> Vec<String> {
        let mut st = s.conn.prepare(sql).unwrap();
        st.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut out = q("SELECT m.message_id || ' snooze=' || coalesce(c.snoozed_until, '-')
                || ' answered=' || coalesce(c.manual_answered_at, '-')
                || ' promise=' || coalesce(c.promise_at, '-') || '/' || coalesce(c.promise_made_at, '-')
                || ' pulled=' || coalesce(c.pulled_at, '-')
                || ' needs=' || coalesce(c.pending_since, '-')
             FROM conversations c JOIN messages m ON m.conversation_id = c.id ORDER BY m.message_id");
    out.extend(q(
        "SELECT 'rule ' || kind || ' ' || value FROM sender_rules ORDER BY kind, value",
    ));
    out.extend(q(
        "SELECT 'name ' || addr || ' ' || first_name_override FROM customers
         WHERE first_name_override IS NOT NULL ORDER BY addr",
    ));
    out.extend(q(
        "SELECT 'note ' || customer_addr || ' ' || text || ' warning=' || warning FROM notes
         ORDER BY customer_addr, text",
    ));
    out
}

/// Everything `from` has not uploaded yet, as the sets the upload job would append.
fn upload(from: &mut Store) -> Vec<ChangeSet> {
    let mut sets = Vec::new();
    while let Some(set) = from.next_upload(500).unwrap() {
        from.set_uploaded(&set.id).unwrap();
        sets.push(set);
    }
    sets
}

#[test]
fn every_kind_of_mark_made_on_a_is_visible_on_b() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    mail(&mut b);
    let later = t0() + Duration::days(2);
    a.add_rule(RuleKind::Sender, "c3@example.net").unwrap();
    a.snooze(ca[0], Some(later)).unwrap();
    a.mark_answered(ca[1], Some(t0())).unwrap();
    a.set_follow_up(ca[1], Some(later), t0()).unwrap();
    a.pull_into_needs_reply(ca[2], Some(t0())).unwrap();
    a.set_first_name("c1@example.net", Some("Cathy")).unwrap();
    let warn = a
        .add_note_with("c2@example.net", "calls back", true)
        .unwrap();
    let gone = a.add_note("c2@example.net", "temporary").unwrap();
    a.delete_note(gone).unwrap();
    a.update_note(warn, "calls back after 5").unwrap();
    assert_ne!(marks(&a), marks(&b));

    let sets = upload(&mut a);
    assert_eq!(sets.len(), 1);
    let read = b.read_sets(&sets, Some((1, 1))).unwrap();
    assert!(read[0].changed > 0);
    assert_eq!(marks(&a), marks(&b));
    // The warning note badges the customer's conversation on B too.
    let conv = b.conversation(ca[1]).unwrap().unwrap();
    assert!(!conv.flags.is_empty(), "{conv:?}");
    // Who did it is on B as well.
    let events = b.conversation_events(ca[0]).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].by, "Anna");
}

#[test]
fn undo_and_dismissed_marks_travel_as_new_changes() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    let cb = mail(&mut b);
    a.mark_answered(ca[0], Some(t0())).unwrap();
    let rule = a.add_rule(RuleKind::Domain, "example.net").unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    assert_eq!(marks(&a), marks(&b));
    // B takes the mark back; A takes its rule back.
    set_clock(&mut b, t0() + Duration::minutes(1));
    b.mark_answered(cb[0], None).unwrap();
    a.remove_rule(rule).unwrap();
    let (from_a, from_b) = (upload(&mut a), upload(&mut b));
    a.read_sets(&from_b, None).unwrap();
    b.read_sets(&from_a, None).unwrap();
    assert_eq!(marks(&a), marks(&b));
    assert!(a.rules().unwrap().is_empty());
    let conv = a.conversation(ca[0]).unwrap().unwrap();
    assert!(conv.manual_answered_at.is_none());
}

#[test]
fn concurrent_conflicting_marks_converge() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    let cb = mail(&mut b);
    // Both snooze the same conversation, to different times, offline; Ben a minute later.
    set_clock(&mut b, t0() + Duration::minutes(1));
    a.snooze(ca[0], Some(t0() + Duration::days(1))).unwrap();
    b.snooze(cb[0], Some(t0() + Duration::days(3))).unwrap();
    // Both correct the same first name; Anna later this time.
    set_clock(&mut a, t0() + Duration::minutes(2));
    b.set_first_name("c2@example.net", Some("Benny")).unwrap();
    a.set_first_name("c2@example.net", Some("Ann")).unwrap();
    // Both add a note: notes merge.
    a.add_note("c3@example.net", "from Anna").unwrap();
    b.add_note("c3@example.net", "from Ben").unwrap();
    let (from_a, from_b) = (upload(&mut a), upload(&mut b));
    // Opposite orders, and one of them read twice.
    a.read_sets(&from_b, None).unwrap();
    b.read_sets(&from_a, None).unwrap();
    b.read_sets(&from_a, None).unwrap();
    assert_eq!(marks(&a), marks(&b));
    let snoozed: Option<i64> = a
        .conn
        .query_row(
            "SELECT snoozed_until FROM conversations WHERE id = ?1",
            [ca[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(snoozed, Some((t0() + Duration::days(3)).timestamp()));
    assert_eq!(
        a.greeting_name("c2@example.net", None).unwrap().as_deref(),
        Some("Ann")
    );
    assert_eq!(a.notes("c3@example.net").unwrap().len(), 2);
}

#[test]
fn concurrent_edits_of_one_note_keep_both_texts() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    mail(&mut a);
    mail(&mut b);
    let n = a.add_note("c1@example.net", "v1").unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    let nb = b.notes("c1@example.net").unwrap()[0].id;
    set_clock(&mut a, t0() + Duration::minutes(1));
    set_clock(&mut b, t0() + Duration::minutes(2));
    a.update_note(n, "Anna's text").unwrap();
    b.update_note(nb, "Ben's text").unwrap();
    let (from_a, from_b) = (upload(&mut a), upload(&mut b));
    a.read_sets(&from_b, None).unwrap();
    b.read_sets(&from_a, None).unwrap();
    assert_eq!(marks(&a), marks(&b));
    let texts: Vec<String> = a
        .notes("c1@example.net")
        .unwrap()
        .into_iter()
        .map(|n| n.text)
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts.contains(&"Anna's text".to_string()));
    assert!(texts.contains(&"Ben's text".to_string()));
}

#[test]
fn an_upload_killed_after_its_append_is_found_not_repeated() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    mail(&mut b);
    a.snooze(ca[0], Some(t0() + Duration::days(1))).unwrap();
    // The set is chosen, appended, and the process dies before `set_uploaded`.
    let first = a.next_upload(500).unwrap().unwrap();
    a.mark_answered(ca[1], Some(t0())).unwrap();
    // After a restart the same set comes back (same id: same Message-ID on the server) ...
    let again = a.next_upload(500).unwrap().unwrap();
    assert_eq!(again, first);
    // ... until the copy reads the folder and finds it there.
    a.read_sets(std::slice::from_ref(&first), Some((1, 1)))
        .unwrap();
    let next = a.next_upload(500).unwrap().unwrap();
    assert_ne!(next.id, first.id);
    assert_eq!(next.changes.len(), 1);
    a.set_uploaded(&next.id).unwrap();
    assert_eq!(a.next_upload(500).unwrap(), None);
    assert_eq!(a.shared_pending().unwrap(), 0);
    // The other copy reads both; reading them again changes nothing.
    b.read_sets(&[first.clone(), next.clone()], None).unwrap();
    let before = marks(&b);
    let read = b.read_sets(&[first, next], None).unwrap();
    assert!(read.iter().all(|r| r.known));
    assert_eq!(marks(&b), before);
    assert_eq!(marks(&a), marks(&b));
}

#[test]
fn a_claim_warns_the_other_copy_until_it_expires_or_is_released() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    let cb = mail(&mut b);
    a.claim(ca[0], false).unwrap();
    assert_eq!(
        a.claim_by_other(ca[0]).unwrap(),
        None,
        "not a warning for Anna"
    );
    b.read_sets(&upload(&mut a), None).unwrap();
    let claim = b.claim_by_other(cb[0]).unwrap().unwrap();
    assert_eq!(claim.by, "Anna");
    assert_eq!(claim.since, t0().timestamp());
    // Anna's copy dies: the claim ends by itself.
    set_clock(
        &mut b,
        t0() + Duration::seconds(crate::shared::CLAIM_SECONDS),
    );
    assert_eq!(b.claim_by_other(cb[0]).unwrap(), None);
    // A released claim ends at once.
    set_clock(&mut b, t0());
    set_clock(&mut a, t0() + Duration::seconds(10));
    a.claim(ca[0], true).unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    assert_eq!(b.claim_by_other(cb[0]).unwrap(), None);
}

#[test]
fn a_renewed_claim_outlives_its_first_until_and_keeps_its_since() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    let cb = mail(&mut b);
    a.claim(ca[0], false).unwrap();
    // Anna is still writing after four minutes: her copy renews the claim.
    set_clock(&mut a, t0() + Duration::minutes(4));
    a.claim(ca[0], false).unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    // Past the first claim's `until`, Ben is still warned, with when Anna started.
    set_clock(&mut b, t0() + Duration::minutes(7));
    let claim = b.claim_by_other(cb[0]).unwrap().unwrap();
    assert_eq!((claim.by.as_str(), claim.since), ("Anna", t0().timestamp()));
    // Not renewed any more (her copy died): it ends five minutes after the renewal.
    set_clock(&mut b, t0() + Duration::minutes(9));
    assert_eq!(b.claim_by_other(cb[0]).unwrap(), None);
    // A claim after the last one lapsed is a new reply: a new `since`.
    set_clock(&mut a, t0() + Duration::minutes(20));
    a.claim(ca[0], false).unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    set_clock(&mut b, t0() + Duration::minutes(21));
    let claim = b.claim_by_other(cb[0]).unwrap().unwrap();
    assert_eq!(claim.since, (t0() + Duration::minutes(20)).timestamp());
}

#[test]
fn a_second_claim_does_not_hide_the_first_and_both_copies_are_warned() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    let cb = mail(&mut b);
    a.claim(ca[0], false).unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    // Ben opens a reply too: he is still warned about Anna (at `y` as well)...
    set_clock(&mut b, t0() + Duration::minutes(1));
    b.claim(cb[0], false).unwrap();
    let why = b.reply_conflict(cb[0]).unwrap().unwrap();
    assert!(why.starts_with("Anna is replying"), "{why}");
    // ...and Anna learns that Ben is.
    set_clock(&mut a, t0() + Duration::minutes(1));
    a.read_sets(&upload(&mut b), None).unwrap();
    assert_eq!(a.claim_by_other(ca[0]).unwrap().unwrap().by, "Ben");
    // Ben leaving his reply does not clear Anna's claim on his copy.
    b.claim(cb[0], true).unwrap();
    assert_eq!(b.claim_by_other(cb[0]).unwrap().unwrap().by, "Anna");
}

#[test]
fn marks_for_mail_not_here_yet_apply_when_it_arrives() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    a.snooze(ca[0], Some(t0() + Duration::days(1))).unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    assert_eq!(b.retry_shared().unwrap(), 0);
    mail(&mut b);
    assert_eq!(b.retry_shared().unwrap(), 1);
    assert_eq!(marks(&a), marks(&b));
}

#[test]
fn a_copy_that_missed_500_changes_catches_up() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    mail(&mut b);
    for i in 0..500 {
        set_clock(&mut a, t0() + Duration::seconds(i));
        if i % 2 == 0 {
            a.snooze(ca[(i % 3) as usize], Some(t0() + Duration::days(1 + i)))
                .unwrap();
        } else {
            a.add_note("c1@example.net", &format!("note {i}")).unwrap();
        }
    }
    let sets = upload(&mut a);
    assert_eq!(sets.iter().map(|s| s.changes.len()).sum::<usize>(), 500);
    b.read_sets(&sets, None).unwrap();
    assert_eq!(marks(&a), marks(&b));
    assert_eq!(b.notes("c1@example.net").unwrap().len(), 250);
}

#[test]
fn marks_made_before_sharing_are_journaled_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let ctx = store("x").ctx.clone();
    {
        let mut s = Store::open(&path, ctx.clone()).unwrap();
        let c = mail(&mut s);
        s.snooze(c[0], Some(t0() + Duration::days(1))).unwrap();
        s.add_note("c1@example.net", "old note").unwrap();
        // As if these marks were made before version 15: no journal, not seeded.
        s.conn
            .execute_batch(
                "DELETE FROM shared_changes; DELETE FROM shared_items;
                 UPDATE notes SET shared_id = NULL, shared_hlc = NULL;
                 DELETE FROM meta WHERE key = 'shared_seeded';",
            )
            .unwrap();
    }
    let mut s = Store::open(&path, ctx.clone()).unwrap();
    assert_eq!(
        s.shared_pending().unwrap(),
        0,
        "sharing is off: nothing queued"
    );
    s.set_sharing(Some("Anna")).unwrap();
    assert_eq!(s.shared_pending().unwrap(), 2);
    drop(s);
    let mut s = Store::open(&path, ctx).unwrap();
    s.set_sharing(Some("Anna")).unwrap();
    assert_eq!(s.shared_pending().unwrap(), 2, "seeded once only");
    let mut b = store("Ben");
    mail(&mut b);
    b.read_sets(&upload(&mut s), None).unwrap();
    assert_eq!(marks(&s), marks(&b));
}

#[test]
fn a_reply_is_held_back_when_another_copy_replies_or_already_has() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    let cb = mail(&mut b);
    assert_eq!(b.reply_conflict(cb[0]).unwrap(), None);
    a.claim(ca[0], false).unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    // 09:00 UTC is 10:00 in Berlin, the shop's time zone.
    assert_eq!(
        b.reply_conflict(cb[0]).unwrap().as_deref(),
        Some("Anna is replying (since 10:00)")
    );
    assert_eq!(a.reply_conflict(ca[0]).unwrap(), None, "own claim");
    // While Anna writes, Ben's answer arrives (synced from Sent).
    let raw = "Message-ID: <r1@example.com>\r\nFrom: shop@example.com\r\nTo: c1@example.net\r\n\
               In-Reply-To: <q1@example.net>\r\nSubject: Re: Question 1\r\n\r\nDone.\r\n";
    a.ingest(
        vec![NewMessage {
            location: Location::new("Sent".to_string(), 1, 1),
            parsed: parse_message(raw.as_bytes()),
            raw: raw.as_bytes().to_vec(),
            received_at: t0() + Duration::minutes(3),
            flags: Vec::new(),
        }],
        None,
    )
    .unwrap();
    assert_eq!(
        a.reply_conflict(ca[0]).unwrap().as_deref(),
        Some("a reply to this conversation was sent elsewhere at 10:03 while you were writing")
    );
    // Released: nothing to warn about any more on B.
    a.claim(ca[0], true).unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    assert_eq!(b.reply_conflict(cb[0]).unwrap(), None);
}

#[test]
fn who_did_what_is_counted_by_person() {
    let (mut a, mut b) = (store("Anna"), store("Ben"));
    let ca = mail(&mut a);
    let cb = mail(&mut b);
    a.claim(ca[0], false).unwrap();
    a.replied(ca[0]).unwrap();
    a.snooze(ca[1], Some(t0() + Duration::days(1))).unwrap();
    b.mark_answered(cb[2], Some(t0())).unwrap();
    b.read_sets(&upload(&mut a), None).unwrap();
    let people = b.activity_by_person(0).unwrap();
    let got: Vec<(&str, u64, u64)> = people
        .iter()
        .map(|p| (p.name.as_str(), p.replies, p.marks))
        .collect();
    assert_eq!(got, vec![("Anna", 1, 1), ("Ben", 0, 1)]);
    // The conversation's history names who replied, in words.
    let events = b.conversation_events(cb[0]).unwrap();
    let words: Vec<String> = events
        .iter()
        .filter_map(|e| {
            crate::shared::describe::describe(&e.item, &e.value, chrono_tz::Europe::Berlin)
                .map(|w| format!("{} {w}", e.by))
        })
        .collect();
    assert_eq!(words, vec!["Anna started a reply", "Anna sent a reply"]);
}

fn journal_rows(s: &Store) -> i64 {
    s.conn
        .query_row("SELECT count(*) FROM shared_changes", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn without_sharing_no_journal_grows_and_turning_it_on_uploads_current_marks_once() {
    let mut a = store("Anna");
    let ca = mail(&mut a);
    a.set_sharing(None).unwrap();
    // 100 changes to two items while sharing is off: only their current values are kept.
    for i in 0..50 {
        a.snooze(ca[0], Some(t0() + Duration::days(1 + i))).unwrap();
        a.set_first_name("c2@example.net", Some(&format!("Name{i}")))
            .unwrap();
    }
    a.snooze(ca[1], Some(t0() + Duration::days(3))).unwrap();
    a.snooze(ca[1], None).unwrap();
    assert_eq!(journal_rows(&a), 0, "nothing piles up while sharing is off");
    assert_eq!(a.shared_pending().unwrap(), 0);

    a.set_sharing(Some("Anna")).unwrap();
    // Each item once, with its current value (the cleared snooze as a tombstone).
    assert_eq!(a.shared_pending().unwrap(), 3);
    a.set_sharing(Some("Anna")).unwrap();
    assert_eq!(
        a.shared_pending().unwrap(),
        3,
        "turning it on again adds nothing"
    );
    let sets = upload(&mut a);
    assert_eq!(sets.iter().map(|s| s.changes.len()).sum::<usize>(), 3);
    let mut b = store("Ben");
    mail(&mut b);
    b.read_sets(&sets, None).unwrap();
    assert_eq!(marks(&a), marks(&b));

    // Off and on again: only what changed in between goes up, and nothing twice.
    a.set_sharing(None).unwrap();
    a.snooze(ca[2], Some(t0() + Duration::days(9))).unwrap();
    a.set_sharing(Some("Anna")).unwrap();
    let sets = upload(&mut a);
    assert_eq!(sets.iter().map(|s| s.changes.len()).sum::<usize>(), 1);
    b.read_sets(&sets, None).unwrap();
    assert_eq!(marks(&a), marks(&b));

    // Changes queued but not uploaded when sharing goes off are dropped from the queue, and
    // their items come back when it is turned on.
    a.snooze(ca[0], None).unwrap();
    assert_eq!(a.shared_pending().unwrap(), 1);
    a.set_sharing(None).unwrap();
    assert_eq!(a.shared_pending().unwrap(), 0);
    a.set_sharing(Some("Anna")).unwrap();
    let sets = upload(&mut a);
    assert_eq!(sets.iter().map(|s| s.changes.len()).sum::<usize>(), 1);
    b.read_sets(&sets, None).unwrap();
    assert_eq!(marks(&a), marks(&b));
}

#[test]
fn a_duplicate_dismissed_on_a_is_dismissed_on_b_after_one_read() {
    let ctx = || {
        let mut ctx = crate::config::Config::demo().shop_context(Clock::fixed(
            Utc.with_ymd_and_hms(2025, 6, 3, 12, 0, 0).unwrap(),
        ));
        ctx.proactive.shop.name = "Alphx".into();
        ctx
    };
    let order = |number: u32, minute: u32, uid: u32| {
        let raw = format!(
            "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com header.s=s1\r\n\
             From: Shopify <mailer@shopify.com>\r\nTo: hello@alphx.shop\r\n\
             Subject: [Alphx] Order #{number} placed by Jane Doe\r\n\
             Message-ID: <order-{number}@shopify.com>\r\n\r\n\
             Order summary\r\nSpeckled pasta plates (set of 4) x 1\r\n\r\nTotal: €64.00\r\n\r\n\
             Customer\r\nJane Doe\r\njane.doe.83@outlook.com\r\n"
        );
        NewMessage {
            location: Location::new("INBOX", 1, uid),
            parsed: parse_message(raw.as_bytes()),
            raw: raw.into_bytes(),
            received_at: Utc.with_ymd_and_hms(2025, 6, 3, 7, minute, 0).unwrap(),
            flags: Vec::new(),
        }
    };
    let copy = |name: &str| {
        let mut s = Store::open_in_memory(ctx()).unwrap();
        s.set_sharing(Some(name)).unwrap();
        s.ingest(vec![order(1047, 0, 1), order(1048, 20, 2)], None)
            .unwrap();
        s
    };
    let needs = |s: &Store| {
        s.list(View::NeedsReply, s.ctx.clock.now(), 0, 10)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    let (mut a, mut b) = (copy("Anna"), copy("Ben"));
    let dup = needs(&a);
    assert_eq!(dup.len(), 1, "one duplicate-order item");
    assert_eq!(needs(&b).len(), 1);
    assert!(a.dismiss_duplicate(dup[0]).unwrap());
    let sets = upload(&mut a);
    assert_eq!(sets.len(), 1);
    assert!(sets[0]
        .changes
        .iter()
        .any(|c| matches!(c.item, crate::shared::ItemKey::DuplicateDismissed { .. })));
    b.read_sets(&sets, None).unwrap();
    assert!(needs(&b).is_empty(), "dismissed on B too");
}
