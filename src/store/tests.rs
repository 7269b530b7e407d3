//! Store behaviour end to end on an in-memory (or temp-file) database: threading, the
//! needs-reply rules, views and counts, de-duplication, folder resets, search, migration.

use super::*;
use crate::deadline::{due_at, Calendar};
use crate::mail::{Address, AutoKind, ParsedMessage};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

const SHOP: &str = "shop@example.com";
const JANE: &str = "jane@mail.com";
const BOB: &str = "bob@web.de";

/// The shop week; these tests are about the needs-reply rules, so the tracking window reaches
/// back before any of their mail (the window itself: `tracking_tests.rs`).
fn calendar() -> Calendar {
    Calendar {
        track: crate::deadline::TrackWindow::Since(
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
        ),
        ..Calendar::office_hours(
            chrono_tz::Europe::Berlin,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        )
    }
}

fn ctx() -> ShopContext {
    ShopContext {
        addresses: vec![SHOP.to_string()],
        calendar: calendar(),
        clock: crate::clock::Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()),
        proactive: Default::default(),
    }
}

fn store() -> Store {
    Store::open_in_memory(ctx()).unwrap()
}

/// Berlin wall-clock time, e.g. `berlin("2025-11-24 10:00")` (a Monday).
fn berlin(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Europe::Berlin
        .from_local_datetime(&naive)
        .unwrap()
        .with_timezone(&Utc)
}

/// A test message builder over [`NewMessage`].
struct M(NewMessage);

fn mail(id: &str, from: &str, to: &str, subject: &str, when: &str) -> M {
    let raw = format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: {to}\r\nSubject: {subject}\r\n\r\nbody of {id}\r\n"
    );
    M(NewMessage {
        location: Location::local(MAILBOX_IMPORT),
        raw: raw.into_bytes(),
        parsed: ParsedMessage {
            message_id: (!id.is_empty()).then(|| id.to_string()),
            from: Some(Address {
                name: None,
                addr: from.to_string(),
            }),
            to: vec![Address {
                name: None,
                addr: to.to_string(),
            }],
            subject: subject.to_string(),
            body: format!("body of {id}"),
            ..ParsedMessage::default()
        },
        received_at: berlin(when),
        flags: vec![],
    })
}

impl M {
    fn reply_to(mut self, parent: &str) -> M {
        self.0.parsed.in_reply_to = Some(parent.to_string());
        self.0.parsed.references = vec![parent.to_string()];
        self
    }
    fn refs(mut self, refs: &[&str]) -> M {
        self.0.parsed.references = refs.iter().map(|r| r.to_string()).collect();
        self
    }
    fn at(mut self, mailbox: &str, uidvalidity: u32, uid: u32) -> M {
        self.0.location = Location::new(mailbox, uidvalidity, uid);
        self
    }
    fn auto(mut self, kind: AutoKind) -> M {
        self.0.parsed.auto_kind = Some(kind);
        self
    }
    fn flags(mut self, flags: &[&str]) -> M {
        self.0.flags = flags.iter().map(|f| f.to_string()).collect();
        self
    }
    fn body(mut self, body: &str) -> M {
        self.0.parsed.body = body.to_string();
        self.0.raw.extend_from_slice(body.as_bytes());
        self
    }
    fn name(mut self, name: &str) -> M {
        if let Some(f) = self.0.parsed.from.as_mut() {
            f.name = Some(name.to_string());
        }
        self
    }
}

fn ingest(s: &mut Store, msgs: Vec<M>) -> Vec<InsertOutcome> {
    s.ingest(msgs.into_iter().map(|m| m.0).collect(), None)
        .unwrap()
}

fn conv_of(s: &Store, key: MessageKey) -> ConversationRow {
    let m = s.message(key).unwrap().unwrap();
    s.conversation(m.conversation_id).unwrap().unwrap()
}

/// The per-folder counts the triggers keep (`folder_counts`, schema 17) against a count of
/// the rows themselves, for every folder generation either one knows of.
fn assert_counts_exact(s: &Store) {
    let rows = |sql: &str| -> Vec<(String, u32, i64)> {
        let mut st = s.connection().prepare(sql).unwrap();
        let out = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        out
    };
    let counted = rows(
        "SELECT mailbox, uidvalidity, count(*) FROM messages
         WHERE uid > 0 AND removed_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2",
    );
    let kept = rows(
        "SELECT mailbox, uidvalidity, stored FROM folder_counts WHERE stored != 0 ORDER BY 1, 2",
    );
    assert_eq!(kept, counted, "folder_counts drifted from the rows");
    for (mailbox, validity, n) in &counted {
        assert_eq!(s.uid_count(mailbox, *validity).unwrap(), *n as usize);
    }
}

fn ids(rows: &[ConversationRow]) -> Vec<ConversationId> {
    rows.iter().map(|r| r.id).collect()
}

fn keys(out: &[InsertOutcome]) -> Vec<MessageKey> {
    out.iter().map(|o| o.key()).collect()
}

// ---------------------------------------------------------------- threading

#[test]
fn threading_cases() {
    // (name, messages, which messages must share a conversation (by index groups))
    type Case = (&'static str, Vec<M>, Vec<Vec<usize>>);
    let cases: Vec<Case> = vec![
        (
            "reply by In-Reply-To, other subject",
            vec![
                mail(
                    "a@jane",
                    JANE,
                    SHOP,
                    "Where is my parcel?",
                    "2025-11-24 10:00",
                ),
                mail("b@shop", SHOP, JANE, "Your parcel", "2025-11-24 11:00").reply_to("a@jane"),
            ],
            vec![vec![0, 1]],
        ),
        (
            "reply by References only",
            vec![
                mail(
                    "a@jane",
                    JANE,
                    SHOP,
                    "Where is my parcel?",
                    "2025-11-24 10:00",
                ),
                mail("c@jane", JANE, SHOP, "Something else", "2025-11-25 10:00")
                    .refs(&["x@elsewhere", "a@jane"]),
            ],
            vec![vec![0, 1]],
        ),
        (
            "same subject and address, no headers",
            vec![
                mail(
                    "a@jane",
                    JANE,
                    SHOP,
                    "Where is my order?",
                    "2025-11-24 10:00",
                ),
                mail(
                    "c@jane",
                    JANE,
                    SHOP,
                    "Re: AW: [Shop] where is  my ORDER?",
                    "2025-11-26 10:00",
                ),
            ],
            vec![vec![0, 1]],
        ),
        (
            "different customers, same subject stay apart",
            vec![
                mail("a@jane", JANE, SHOP, "Return", "2025-11-24 10:00"),
                mail("b@bob", BOB, SHOP, "Return", "2025-11-24 10:05"),
            ],
            vec![vec![0], vec![1]],
        ),
        (
            "same subject after 30 days is a new matter",
            vec![
                mail("a@jane", JANE, SHOP, "Question", "2025-09-01 10:00"),
                mail("c@jane", JANE, SHOP, "Question", "2025-11-24 10:00"),
            ],
            vec![vec![0], vec![1]],
        ),
        (
            "empty subjects do not thread",
            vec![
                mail("a@jane", JANE, SHOP, "", "2025-11-24 10:00"),
                mail("c@jane", JANE, SHOP, "Re:", "2025-11-24 12:00"),
            ],
            vec![vec![0], vec![1]],
        ),
        (
            "Sent copy without In-Reply-To joins by subject and recipient",
            vec![
                mail("a@jane", JANE, SHOP, "Refund", "2025-11-24 10:00"),
                mail("b@shop", SHOP, JANE, "Re: Refund", "2025-11-24 12:00").at("Sent", 7, 1),
            ],
            vec![vec![0, 1]],
        ),
        (
            "reply stored before its parent",
            vec![
                mail("b@shop", SHOP, JANE, "Your parcel", "2025-11-24 11:00")
                    .reply_to("a@jane")
                    .at("Sent", 7, 1),
                mail("a@jane", JANE, SHOP, "Parcel missing", "2025-11-24 10:00"),
            ],
            vec![vec![0, 1]],
        ),
    ];
    for (name, msgs, groups) in cases {
        // Once in one batch, once message by message: threading must not depend on batching.
        for batched in [true, false] {
            let mut s = store();
            let keys: Vec<MessageKey> = if batched {
                keys(&ingest(
                    &mut s,
                    msgs.iter().map(|m| M(m.0.clone())).collect(),
                ))
            } else {
                msgs.iter()
                    .flat_map(|m| keys(&ingest(&mut s, vec![M(m.0.clone())])))
                    .collect()
            };
            let conv = |i: usize| s.message(keys[i]).unwrap().unwrap().conversation_id;
            for g in &groups {
                for &i in g {
                    assert_eq!(
                        conv(i),
                        conv(g[0]),
                        "{name} (batched {batched}): {i} vs {}",
                        g[0]
                    );
                }
            }
            for (a, b) in groups.iter().zip(groups.iter().skip(1)) {
                assert_ne!(conv(a[0]), conv(b[0]), "{name} (batched {batched})");
            }
        }
    }
}

#[test]
fn shop_reply_from_sent_answers_and_counts_one_message() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail("a@jane", JANE, SHOP, "Refund", "2025-11-24 10:00").at("INBOX", 1, 1),
            mail("b@shop", SHOP, JANE, "Re: Refund", "2025-11-24 12:00").reply_to("a@jane"),
        ],
    );
    // The same reply arrives again from the server's Sent folder.
    let sent = ingest(
        &mut s,
        vec![mail("b@shop", SHOP, JANE, "Re: Refund", "2025-11-24 12:01")
            .reply_to("a@jane")
            .at("Sent", 3, 9)],
    );
    assert!(sent[0].is_inserted());
    let c = conv_of(&s, out[0].key());
    assert_eq!(c.message_count, 2);
    assert_eq!(c.pending_since, None);
    assert_eq!(c.last_shop_at, Some(berlin("2025-11-24 12:00")));
    assert_eq!(c.customer_addr, JANE);
    let msgs = s.conversation_messages(c.id).unwrap();
    assert_eq!(
        msgs.iter()
            .map(|m| m.message_id.clone().unwrap())
            .collect::<Vec<_>>(),
        vec!["a@jane", "b@shop"]
    );
    assert!(msgs[1].is_shop && !msgs[0].is_shop);
}

// ---------------------------------------------------------------- needs reply

#[test]
fn needs_reply_rules() {
    let mut s = store();
    let cal = calendar();
    let out = ingest(
        &mut s,
        vec![mail(
            "a@jane",
            JANE,
            SHOP,
            "Where is my parcel?",
            "2025-11-24 10:00",
        )
        .at("INBOX", 1, 1)],
    );
    let c = conv_of(&s, out[0].key());
    let t0 = berlin("2025-11-24 10:00");
    assert_eq!(c.pending_since, Some(t0));
    assert_eq!(c.due_at, Some(due_at(t0, &cal)));
    let now = berlin("2025-11-24 09:00");
    assert_eq!(
        ids(&s.list(View::NeedsReply, now, 0, 50).unwrap()),
        vec![c.id]
    );

    // Shop replies: answered.
    ingest(
        &mut s,
        vec![mail(
            "b@shop",
            SHOP,
            JANE,
            "Re: Where is my parcel?",
            "2025-11-24 11:00",
        )
        .reply_to("a@jane")
        .at("Sent", 1, 1)],
    );
    let c = s.conversation(c.id).unwrap().unwrap();
    assert_eq!((c.pending_since, c.due_at), (None, None));
    assert!(s.list(View::NeedsReply, now, 0, 50).unwrap().is_empty());
    assert_eq!(
        ids(&s.list(View::Answered, now, 0, 50).unwrap()),
        vec![c.id]
    );

    // The customer writes again: a new deadline from the new message.
    let t2 = berlin("2025-11-25 16:30");
    ingest(
        &mut s,
        vec![mail(
            "c@jane",
            JANE,
            SHOP,
            "Re: Where is my parcel?",
            "2025-11-25 16:30",
        )
        .reply_to("b@shop")
        .at("INBOX", 1, 2)],
    );
    let c = s.conversation(c.id).unwrap().unwrap();
    assert_eq!(c.pending_since, Some(t2));
    assert_eq!(c.due_at, Some(due_at(t2, &cal)));
    assert_eq!(c.message_count, 3);
    assert_eq!(
        c.latest_message,
        s.message_by_location(&Location::new("INBOX", 1, 2))
            .unwrap()
            .unwrap()
    );

    // \Answered set on the customer's newest message (replied from the phone).
    let n = s
        .update_flags(
            "INBOX",
            1,
            &[(2, vec!["\\Seen".into(), "\\Answered".into()])],
            None,
        )
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(s.conversation(c.id).unwrap().unwrap().pending_since, None);
    // Same flags again: nothing changes.
    let n = s
        .update_flags(
            "INBOX",
            1,
            &[(2, vec!["\\Seen".into(), "\\Answered".into()])],
            None,
        )
        .unwrap();
    assert_eq!(n, 0);
    // Flag removed again: pending again.
    s.update_flags("INBOX", 1, &[(2, vec!["\\Seen".into()])], None)
        .unwrap();
    assert_eq!(
        s.conversation(c.id).unwrap().unwrap().pending_since,
        Some(t2)
    );
}

#[test]
fn answered_flag_on_arrival() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![mail("a@jane", JANE, SHOP, "Hi", "2025-11-24 10:00").flags(&["\\Answered"])],
    );
    assert_eq!(conv_of(&s, out[0].key()).pending_since, None);
}

#[test]
fn auto_bulk_bounce_are_kept_out() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail(
                "n@news",
                "news@supplier.com",
                SHOP,
                "Our November deals",
                "2025-11-24 08:00",
            )
            .auto(AutoKind::Bulk),
            mail(
                "o@ooo",
                "max@firma.de",
                SHOP,
                "Out of office",
                "2025-11-24 08:10",
            )
            .auto(AutoKind::AutoReply),
            mail(
                "d@daemon",
                "mailer-daemon@mx.example.com",
                SHOP,
                "Undeliverable",
                "2025-11-24 08:20",
            )
            .auto(AutoKind::Bounce),
            mail(
                "a@jane",
                JANE,
                SHOP,
                "Where is my parcel?",
                "2025-11-24 10:00",
            ),
        ],
    );
    let now = berlin("2025-11-24 12:00");
    let needs = s.list(View::NeedsReply, now, 0, 50).unwrap();
    assert_eq!(ids(&needs), vec![conv_of(&s, out[3].key()).id]);
    let nc = s.list(View::NotCustomer, now, 0, 50).unwrap();
    let reasons: Vec<_> = nc.iter().map(|c| c.not_customer).collect();
    assert_eq!(
        reasons,
        vec![
            Some(NotCustomer::Auto(AutoKind::Bounce)),
            Some(NotCustomer::Auto(AutoKind::AutoReply)),
            Some(NotCustomer::Auto(AutoKind::Bulk)),
        ]
    );
    let counts = s.counts(now).unwrap();
    assert_eq!(
        (
            counts.needs_reply,
            counts.not_customer,
            counts.answered,
            counts.all
        ),
        (1, 3, 0, 4)
    );
    assert!(nc
        .iter()
        .all(|c| c.pending_since.is_none() && c.due_at.is_none()));
}

#[test]
fn rules_exclude_and_undo() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail(
                "p1@seo",
                "sales@seo-pitch.io",
                SHOP,
                "Grow your shop",
                "2025-11-24 09:00",
            ),
            mail(
                "p2@seo",
                "ceo@mail.seo-pitch.io",
                SHOP,
                "Quick question",
                "2025-11-24 09:30",
            ),
            mail(
                "p3@guest",
                "guest@blogger.net",
                SHOP,
                "Guest post",
                "2025-11-24 09:40",
            ),
            mail(
                "a@jane",
                JANE,
                SHOP,
                "Where is my parcel?",
                "2025-11-24 10:00",
            ),
        ],
    );
    let conv = |s: &Store, i: usize| conv_of(s, out[i].key());
    let now = berlin("2025-11-24 12:00");
    assert_eq!(s.counts(now).unwrap().needs_reply, 4);

    let domain = s.add_rule(RuleKind::Domain, "@Seo-Pitch.io").unwrap();
    assert_eq!(
        conv(&s, 0).not_customer,
        Some(NotCustomer::Rule(RuleKind::Domain))
    );
    assert_eq!(
        conv(&s, 1).not_customer,
        Some(NotCustomer::Rule(RuleKind::Domain))
    );
    let sender = s.add_rule(RuleKind::Sender, "Guest@Blogger.net").unwrap();
    assert_eq!(
        conv(&s, 2).not_customer,
        Some(NotCustomer::Rule(RuleKind::Sender))
    );
    let message = s.add_rule(RuleKind::Message, "<a@jane>").unwrap();
    assert_eq!(
        conv(&s, 3).not_customer,
        Some(NotCustomer::Rule(RuleKind::Message))
    );
    assert_eq!(s.counts(now).unwrap().needs_reply, 0);
    assert_eq!(s.counts(now).unwrap().not_customer, 4);
    // Adding the same rule again returns the same rule.
    assert_eq!(
        s.add_rule(RuleKind::Sender, "guest@blogger.net").unwrap(),
        sender
    );
    assert_eq!(s.rules().unwrap().len(), 3);
    assert!(matches!(
        s.add_rule(RuleKind::Domain, "nodot"),
        Err(StoreError::BadRule { .. })
    ));

    // New mail from a ruled domain is kept out on arrival.
    let more = ingest(
        &mut s,
        vec![mail(
            "p4@seo",
            "x@seo-pitch.io",
            SHOP,
            "Last chance",
            "2025-11-24 11:00",
        )],
    );
    assert_eq!(
        conv_of(&s, more[0].key()).not_customer,
        Some(NotCustomer::Rule(RuleKind::Domain))
    );

    // Undo brings them back.
    s.remove_rule(message).unwrap();
    assert_eq!(conv(&s, 3).not_customer, None);
    assert!(conv(&s, 3).pending_since.is_some());
    s.remove_rule(domain).unwrap();
    assert_eq!(conv(&s, 0).not_customer, None);
    assert_eq!(s.counts(now).unwrap().needs_reply, 4);
    assert!(matches!(s.remove_rule(domain), Err(StoreError::NoRule(_))));
    assert_eq!(s.rules().unwrap().len(), 1);
}

/// Issue 21: a promise is settled by any later answer (early or late), a new promise replaces
/// it, and taking back the "answered" mark that settled it brings it back.
#[test]
fn a_promise_is_settled_by_any_later_answer() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail("q@jane", JANE, SHOP, "Lamp", "2025-11-24 10:00"),
            mail("r1@shop", SHOP, JANE, "Re: Lamp", "2025-11-24 11:00").reply_to("q@jane"),
        ],
    );
    let id = conv_of(&s, out[0].key()).id;
    // The reply at 11:00 promised "by the end of Wednesday".
    let due = berlin("2025-11-26 17:00");
    s.set_follow_up(id, Some(due), berlin("2025-11-24 11:00"))
        .unwrap();
    let row = |s: &Store, at: &str| s.conversation_at(id, berlin(at)).unwrap().unwrap();
    assert_eq!(
        row(&s, "2025-11-25 12:00").due_at,
        None,
        "not shown on Tuesday"
    );
    assert_eq!(
        row(&s, "2025-11-26 08:00").due_at,
        Some(due),
        "shown from its day"
    );

    // Answered by phone on Tuesday: settled, also after its time.
    s.mark_answered(id, Some(berlin("2025-11-25 09:00")))
        .unwrap();
    assert_eq!(row(&s, "2025-11-26 18:00").follow_up_at, None);
    assert!(s
        .list(View::Overdue, berlin("2025-11-27 10:00"), 0, 50)
        .unwrap()
        .is_empty());
    // The mark taken back: the promise is open again.
    s.mark_answered(id, None).unwrap();
    assert_eq!(row(&s, "2025-11-26 18:00").follow_up_at, Some(due));
    assert_eq!(
        ids(&s
            .list(View::Overdue, berlin("2025-11-27 10:00"), 0, 50)
            .unwrap()),
        vec![id]
    );

    // A second reply from another client on Tuesday, before the promised time: settled.
    ingest(
        &mut s,
        vec![mail("r2@shop", SHOP, JANE, "Re: Lamp", "2025-11-25 10:00").reply_to("r1@shop")],
    );
    assert_eq!(row(&s, "2025-11-27 10:00").follow_up_at, None);
    assert_eq!(row(&s, "2025-11-27 10:00").due_at, None);

    // That reply promised again (Thursday): the new promise replaces the old one.
    let thursday = berlin("2025-11-27 17:00");
    s.set_follow_up(id, Some(thursday), berlin("2025-11-25 10:00"))
        .unwrap();
    assert_eq!(row(&s, "2025-11-27 10:00").due_at, Some(thursday));
    assert_eq!(
        row(&s, "2025-11-26 18:00").due_at,
        None,
        "the old one is gone"
    );
}

#[test]
fn mark_answered_snooze_and_follow_up() {
    let mut s = store();
    let cal = calendar();
    let out = ingest(
        &mut s,
        vec![mail(
            "a@jane",
            JANE,
            SHOP,
            "Where is my parcel?",
            "2025-11-24 10:00",
        )],
    );
    let id = conv_of(&s, out[0].key()).id;
    let now = berlin("2025-11-24 10:30");
    let needs = |s: &Store, now| ids(&s.list(View::NeedsReply, now, 0, 50).unwrap());

    // Answered by phone; un-marking restores it.
    s.mark_answered(id, Some(berlin("2025-11-24 10:20")))
        .unwrap();
    assert!(needs(&s, now).is_empty());
    assert_eq!(s.counts(now).unwrap().answered, 1);
    s.mark_answered(id, None).unwrap();
    assert_eq!(needs(&s, now), vec![id]);

    // Snoozed until tomorrow 09:00: hidden until then, still not "answered".
    let until = berlin("2025-11-25 09:00");
    s.snooze(id, Some(until)).unwrap();
    assert!(needs(&s, now).is_empty());
    let c = s.counts(now).unwrap();
    assert_eq!((c.needs_reply, c.answered, c.all), (0, 0, 1));
    assert_eq!(needs(&s, until), vec![id]);
    assert_eq!(
        s.conversation(id).unwrap().unwrap().snoozed_until,
        Some(until)
    );

    // A new customer message ends the snooze.
    ingest(
        &mut s,
        vec![mail(
            "c@jane",
            JANE,
            SHOP,
            "Re: Where is my parcel?",
            "2025-11-24 11:00",
        )
        .reply_to("a@jane")],
    );
    assert_eq!(s.conversation(id).unwrap().unwrap().snoozed_until, None);
    assert_eq!(needs(&s, now), vec![id]);

    // Shop answers and promises a follow-up on Thursday 10:00.
    ingest(
        &mut s,
        vec![mail(
            "b@shop",
            SHOP,
            JANE,
            "Re: Where is my parcel?",
            "2025-11-24 12:00",
        )
        .reply_to("c@jane")],
    );
    let fu = berlin("2025-11-27 10:00");
    s.set_follow_up(id, Some(fu), berlin("2025-11-24 12:00"))
        .unwrap();
    assert!(needs(&s, berlin("2025-11-26 10:00")).is_empty());
    let at_fu = s.list(View::NeedsReply, fu, 0, 50).unwrap();
    assert_eq!(ids(&at_fu), vec![id]);
    assert_eq!(at_fu[0].due_at, Some(fu));
    assert_eq!(at_fu[0].pending_since, None);
    assert_eq!(s.counts(fu).unwrap().needs_reply, 1);
    assert_eq!(
        s.counts(fu).unwrap().overdue,
        1,
        "a follow-up at its time is due now"
    );

    // The shop writes again after the follow-up time: the follow-up is done.
    ingest(
        &mut s,
        vec![mail(
            "d@shop",
            SHOP,
            JANE,
            "Re: Where is my parcel?",
            "2025-11-27 10:15",
        )
        .reply_to("b@shop")],
    );
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!(c.follow_up_at, None);
    assert!(needs(&s, berlin("2025-11-27 11:00")).is_empty());

    // A follow-up while a customer message is pending: the earlier of the two counts.
    ingest(
        &mut s,
        vec![mail(
            "e@jane",
            JANE,
            SHOP,
            "Re: Where is my parcel?",
            "2025-11-28 09:30",
        )
        .reply_to("d@shop")],
    );
    let pending_due = due_at(berlin("2025-11-28 09:30"), &cal);
    let early = pending_due - Duration::hours(2);
    s.set_follow_up(id, Some(early), berlin("2025-11-28 09:31"))
        .unwrap();
    assert_eq!(
        s.conversation_at(id, early).unwrap().unwrap().due_at,
        Some(early.min(pending_due))
    );
    // A promise counts from the start of its day (issue 21), not only from its time.
    assert_eq!(
        s.conversation_at(id, early - Duration::minutes(1))
            .unwrap()
            .unwrap()
            .due_at,
        Some(early)
    );
    assert_eq!(
        s.conversation_at(id, berlin("2025-11-27 23:00"))
            .unwrap()
            .unwrap()
            .due_at,
        Some(pending_due)
    );
    assert!(matches!(
        s.snooze(9999, None),
        Err(StoreError::NoConversation(9999))
    ));
}

// ---------------------------------------------------------------- views and counts

/// Four conversations on different business days plus answered and not-customer mail.
fn week(s: &mut Store) -> Vec<ConversationId> {
    let out = ingest(
        s,
        vec![
            mail(
                "mon@jane",
                JANE,
                SHOP,
                "Monday question",
                "2025-11-24 10:00",
            ),
            mail("tue@bob", BOB, SHOP, "Tuesday question", "2025-11-25 10:00"),
            mail(
                "wed@ann",
                "ann@gmx.de",
                SHOP,
                "Wednesday question",
                "2025-11-26 10:00",
            ),
            mail(
                "thu@tom",
                "tom@web.de",
                SHOP,
                "Thursday question",
                "2025-11-27 10:00",
            ),
            mail(
                "old@eve",
                "eve@mail.com",
                SHOP,
                "Old question",
                "2025-11-20 10:00",
            ),
            mail(
                "re@shop",
                SHOP,
                "eve@mail.com",
                "Re: Old question",
                "2025-11-20 11:00",
            )
            .reply_to("old@eve"),
            mail("news@x", "news@x.com", SHOP, "Deals", "2025-11-26 07:00").auto(AutoKind::Bulk),
        ],
    );
    let mut convs: Vec<ConversationId> = Vec::new();
    for k in keys(&out) {
        let c = s.message(k).unwrap().unwrap().conversation_id;
        if !convs.contains(&c) {
            convs.push(c);
        }
    }
    convs // mon, tue, wed, thu, eve, news
}

#[test]
fn views_order_and_counts() {
    let mut s = store();
    let cal = calendar();
    let c = week(&mut s);
    let (mon, tue, wed, thu, eve, news) = (c[0], c[1], c[2], c[3], c[4], c[5]);
    // One hour before Wednesday's deadline: Monday and Tuesday are overdue, Wednesday is due
    // today, Thursday is later.
    let now = due_at(berlin("2025-11-26 10:00"), &cal) - Duration::hours(1);
    let list = |v| ids(&s.list(v, now, 0, 50).unwrap());
    assert_eq!(list(View::NeedsReply), vec![mon, tue, wed, thu]);
    assert_eq!(list(View::Overdue), vec![mon, tue]);
    assert_eq!(list(View::DueToday), vec![wed]);
    assert_eq!(list(View::Answered), vec![eve]);
    assert_eq!(list(View::NotCustomer), vec![news]);
    assert_eq!(list(View::All), vec![thu, wed, news, tue, mon, eve]);
    let counts = s.counts(now).unwrap();
    assert_eq!(
        counts,
        ViewCounts {
            needs_reply: 4,
            overdue: 2,
            due_today: 1,
            answered: 1,
            not_customer: 1,
            all: 6,
            snoozed: 0,
            older: 0,
        }
    );
    for v in View::EVERY {
        assert_eq!(counts.get(v), list(v).len() as u64, "{}", v.label());
    }
    // Snoozed: out of Needs reply, into the Snoozed view (and its count) until the time.
    s.snooze(mon, Some(now + Duration::hours(2))).unwrap();
    let list = |v| ids(&s.list(v, now, 0, 50).unwrap());
    assert_eq!(list(View::Snoozed), vec![mon]);
    assert_eq!(list(View::NeedsReply), vec![tue, wed, thu]);
    let snoozed = s.counts(now).unwrap();
    assert_eq!((snoozed.snoozed, snoozed.needs_reply), (1, 3));
    assert!(ids(&s
        .list(View::Snoozed, now + Duration::hours(3), 0, 50)
        .unwrap())
    .is_empty());
    s.snooze(mon, None).unwrap();
    let list = |v| ids(&s.list(v, now, 0, 50).unwrap());
    assert_eq!(list(View::Snoozed), Vec::<ConversationId>::new());
    // Paging.
    assert_eq!(
        ids(&s.list(View::NeedsReply, now, 1, 2).unwrap()),
        vec![tue, wed]
    );
    assert_eq!(ids(&s.list(View::All, now, 5, 50).unwrap()), vec![eve]);
    assert!(s.list(View::All, now, 6, 50).unwrap().is_empty());
    // At the deadline itself a message is overdue.
    let wed_due = due_at(berlin("2025-11-26 10:00"), &cal);
    assert_eq!(
        ids(&s.list(View::Overdue, wed_due, 0, 50).unwrap()),
        vec![mon, tue, wed]
    );
    let row = s.conversation(wed).unwrap().unwrap();
    assert_eq!(row.customer_addr, "ann@gmx.de");
    assert_eq!(row.subject, "Wednesday question");
    assert!(row.needs_reply(now));
}

#[test]
fn customer_name_and_panel() {
    let mut s = store();
    ingest(
        &mut s,
        vec![
            mail(
                "a@jane",
                JANE,
                SHOP,
                "Order #10234 missing",
                "2025-11-10 10:00",
            )
            .name("Doe, Jane"),
            mail(
                "b@shop",
                SHOP,
                JANE,
                "Re: Order #10234 missing",
                "2025-11-10 12:00",
            )
            .reply_to("a@jane")
            .body("Your order #99999 is on its way"),
            mail("c@jane", JANE, SHOP, "Return", "2025-11-24 10:00")
                .name("Jane Doe")
                .body("I want to return Bestellung 10500."),
        ],
    );
    let note = s.add_note("Jane@Mail.com", "refund sent 12 Nov").unwrap();
    s.add_note(JANE, "suspected fraud: re-ship only with signature")
        .unwrap();
    s.add_note(BOB, "other customer").unwrap();
    s.update_note(note, "refund sent 12 Nov (PayPal)").unwrap();
    s.set_first_name(JANE, Some("Janet")).unwrap();
    let info = s.customer("JANE@mail.com").unwrap();
    assert_eq!(info.addr, JANE);
    assert_eq!(info.name.as_deref(), Some("Jane Doe"));
    assert_eq!(info.first_name_override.as_deref(), Some("Janet"));
    assert_eq!(info.first_contact, Some(berlin("2025-11-10 10:00")));
    assert_eq!(info.conversations.len(), 2);
    assert_eq!(info.conversations[0].subject, "Return");
    assert_eq!(
        info.conversations[0].customer_name.as_deref(),
        Some("Jane Doe")
    );
    assert_eq!(
        info.conversations[1].customer_name.as_deref(),
        Some("Doe, Jane")
    );
    assert_eq!(
        info.orders_mentioned,
        vec!["10234", "10500"],
        "shop mail is not the customer's"
    );
    assert_eq!(
        info.notes
            .iter()
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>(),
        vec![
            "refund sent 12 Nov (PayPal)",
            "suspected fraud: re-ship only with signature"
        ]
    );
    s.delete_note(note).unwrap();
    assert_eq!(s.notes(JANE).unwrap().len(), 1);
    assert!(matches!(s.delete_note(note), Err(StoreError::NoNote(_))));
    s.set_first_name(JANE, None).unwrap();
    assert_eq!(s.customer(JANE).unwrap().first_name_override, None);
    let nobody = s.customer("nobody@x.org").unwrap();
    assert!(nobody.conversations.is_empty() && nobody.name.is_none());
}

// ---------------------------------------------------------------- dedupe and sync bookkeeping

#[test]
fn dedupe() {
    let mut s = store();
    // Same server location twice.
    let a = ingest(
        &mut s,
        vec![mail("a@jane", JANE, SHOP, "Hi", "2025-11-24 10:00").at("INBOX", 5, 1)],
    );
    let b = ingest(
        &mut s,
        vec![mail("a@jane", JANE, SHOP, "Hi", "2025-11-24 10:00").at("INBOX", 5, 1)],
    );
    assert!(a[0].is_inserted());
    assert_eq!(b[0], InsertOutcome::Duplicate(a[0].key()));

    // Same raw imported twice, also within one batch.
    let imp = ingest(
        &mut s,
        vec![
            mail("x@bob", BOB, SHOP, "Import", "2025-11-24 11:00"),
            mail("x@bob", BOB, SHOP, "Import", "2025-11-24 11:00"),
        ],
    );
    assert!(imp[0].is_inserted());
    assert_eq!(imp[1], InsertOutcome::Duplicate(imp[0].key()));
    let again = ingest(
        &mut s,
        vec![mail("x@bob", BOB, SHOP, "Import", "2025-11-24 11:00")],
    );
    assert_eq!(again[0], InsertOutcome::Duplicate(imp[0].key()));

    // Same Message-ID in INBOX and Sent (the shop Bcc'd itself): two rows, one message.
    let sent = ingest(
        &mut s,
        vec![mail("a@jane", JANE, SHOP, "Hi", "2025-11-24 10:02").at("Sent", 6, 1)],
    );
    assert!(sent[0].is_inserted());
    let c = conv_of(&s, a[0].key());
    assert_eq!(c.message_count, 1);
    assert_eq!(s.conversation_messages(c.id).unwrap().len(), 1);
    assert_eq!(s.counts(berlin("2025-11-24 12:00")).unwrap().all, 2);
    // Expunging the first copy keeps the message visible through the other.
    assert_eq!(s.remove_uids("INBOX", 5, &[1]).unwrap(), 1);
    let msgs = s.conversation_messages(c.id).unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].location, Location::new("Sent", 6, 1));
    assert_eq!(s.conversation(c.id).unwrap().unwrap().message_count, 1);
}

#[test]
fn mailbox_state_and_uids() {
    let mut s = store();
    assert_eq!(s.mailbox_state("INBOX").unwrap(), None);
    let st = MailboxState {
        mailbox: "INBOX".into(),
        uidvalidity: 42,
        highest_uid: 3,
        highestmodseq: Some(1234),
        last_sync: Some(berlin("2025-11-24 08:00")),
    };
    let msgs = vec![
        mail("3@x", JANE, SHOP, "c", "2025-11-24 10:00")
            .at("INBOX", 42, 3)
            .0,
        mail("1@x", JANE, SHOP, "a", "2025-11-24 10:00")
            .at("INBOX", 42, 1)
            .0,
        mail("2@x", BOB, SHOP, "b", "2025-11-24 10:00")
            .at("INBOX", 42, 2)
            .flags(&["\\Seen"])
            .0,
    ];
    s.ingest(msgs, Some(&st)).unwrap();
    assert_eq!(s.mailbox_state("INBOX").unwrap(), Some(st.clone()));
    assert_eq!(s.uids("INBOX", 42).unwrap(), vec![1, 2, 3]);
    assert!(s.uids("INBOX", 41).unwrap().is_empty());
    let flags = s.flags_by_uid("INBOX", 42).unwrap();
    assert_eq!(flags[&2], vec!["\\Seen"]);
    assert!(flags[&1].is_empty());
    let st2 = MailboxState {
        highest_uid: 9,
        highestmodseq: None,
        ..st.clone()
    };
    s.set_mailbox_state(&st2).unwrap();
    assert_eq!(s.mailbox_state("INBOX").unwrap(), Some(st2));
    let huge = MailboxState {
        highestmodseq: Some(u64::MAX),
        ..st
    };
    assert!(matches!(
        s.set_mailbox_state(&huge),
        Err(StoreError::OutOfRange { .. })
    ));
    // Removing uids that are not there is fine.
    assert_eq!(s.remove_uids("INBOX", 42, &[2, 77]).unwrap(), 1);
    assert_eq!(s.uids("INBOX", 42).unwrap(), vec![1, 3]);
    assert_eq!(s.uid_count("INBOX", 42).unwrap(), 2);
    assert_eq!(s.uid_count("INBOX", 41).unwrap(), 0);
    assert_counts_exact(&s);
    // What a QRESYNC VANISHED answer names: stored, not removed, up to the known UID.
    assert_eq!(
        s.uids_in_ranges("INBOX", 42, &[1..=2, 3..=9], 9).unwrap(),
        vec![1, 3]
    );
    assert_eq!(
        s.uids_in_ranges("INBOX", 42, &[2..=9], 2).unwrap(),
        Vec::<u32>::new()
    );
    assert_eq!(
        s.message_by_location(&Location::new("INBOX", 42, 2))
            .unwrap(),
        None
    );
}

#[test]
fn a_batch_stored_as_it_arrives_is_saved_whole_or_not_at_all() {
    let mut s = store();
    let st = MailboxState {
        mailbox: "INBOX".into(),
        uidvalidity: 42,
        highest_uid: 3,
        highestmodseq: None,
        last_sync: None,
    };
    let c = ctx();
    let batch = || {
        vec![
            Prepared::new(
                mail("1@x", JANE, SHOP, "a", "2025-11-24 10:00")
                    .at("INBOX", 42, 1)
                    .0,
                &c,
            ),
            Prepared::new(
                mail("2@x", BOB, SHOP, "b", "2025-11-24 10:00")
                    .at("INBOX", 42, 2)
                    .0,
                &c,
            ),
        ]
    };
    // Three announced, two came (the parser stopped): nothing saved, the state unmoved.
    let err = s.ingest_arriving(batch(), 3, &st, None).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Incomplete {
                got: 2,
                expected: 3
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("only 2 of 3 arrived"), "{err}");
    assert_eq!(s.mailbox_state("INBOX").unwrap(), None);
    assert_eq!(s.uid_count("INBOX", 42).unwrap(), 0);
    assert!(s.search("body", 10).unwrap().is_empty());
    // All came, from a channel as the download hands them over: saved with the state.
    let (tx, rx) = std::sync::mpsc::channel();
    for m in batch() {
        tx.send(m).unwrap();
    }
    drop(tx);
    let out = s.ingest_arriving(rx, 2, &st, None).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(s.mailbox_state("INBOX").unwrap(), Some(st));
    assert_eq!(s.uids("INBOX", 42).unwrap(), vec![1, 2]);
}

/// While a download writes, checkpoints run on their own thread and connection: after the
/// commits the WAL has been copied back without the writer doing it (its own automatic
/// checkpoint is raised far above the size of these commits), so the next write starts the
/// WAL afresh; without the checkpointer the same commits pile up in the WAL. Afterwards the
/// writer's default is back, and everything written is there after a reopen.
#[test]
fn background_checkpoints_copy_the_wal_back_and_hand_checkpoints_back() {
    let autocheckpoint = |s: &Store| -> i64 {
        s.conn
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap()
    };
    // Frames in the WAL after one more write (a PASSIVE checkpoint's "log" figure).
    let frames_after_a_write = |s: &mut Store, uid: u32| -> i64 {
        let m =
            mail(&format!("last{uid}@x"), BOB, SHOP, "z", "2025-11-24 10:00").at("INBOX", 42, uid);
        s.ingest(vec![m.0], None).unwrap();
        s.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .unwrap()
    };
    let batch = |s: &mut Store, i: u32| {
        let body = "words to index ".repeat(400);
        let m = mail(&format!("{i}@x"), JANE, SHOP, "a", "2025-11-24 10:00")
            .at("INBOX", 42, i)
            .body(&body);
        s.ingest(vec![m.0], None).unwrap();
    };
    let dir = tempfile::tempdir().unwrap();

    let path = dir.path().join("with.db");
    let mut s = Store::open(&path, ctx()).unwrap();
    assert_eq!(autocheckpoint(&s), 1000);
    let bg = s
        .background_checkpoints()
        .expect("a file store gets a checkpointer");
    assert_eq!(autocheckpoint(&s), 16_000);
    for i in 1..=6 {
        batch(&mut s, i);
        bg.committed();
    }
    // Waits for the last checkpoint asked for.
    s.end_background_checkpoints(Some(bg));
    assert_eq!(autocheckpoint(&s), 1000);
    let with = frames_after_a_write(&mut s, 7);
    drop(s);
    let s = Store::open(&path, ctx()).unwrap();
    assert_eq!(s.uids("INBOX", 42).unwrap(), (1..=7).collect::<Vec<u32>>());
    drop(s);

    let path = dir.path().join("without.db");
    let mut s = Store::open(&path, ctx()).unwrap();
    s.conn
        .pragma_update(None, "wal_autocheckpoint", 16_000)
        .unwrap();
    for i in 1..=6 {
        batch(&mut s, i);
    }
    let without = frames_after_a_write(&mut s, 7);
    assert!(
        with * 3 < without,
        "the WAL restarted after the background checkpoints: {with} frames, without them {without}"
    );

    // In memory there is no file for a second connection: nothing changes.
    let mut m = store();
    assert!(m.background_checkpoints().is_none());
}

#[test]
fn remove_uids_updates_state() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail("a@jane", JANE, SHOP, "Hi", "2025-11-24 10:00").at("INBOX", 1, 1),
            mail("b@shop", SHOP, JANE, "Re: Hi", "2025-11-24 11:00")
                .reply_to("a@jane")
                .at("Sent", 1, 1),
        ],
    );
    let id = conv_of(&s, out[0].key()).id;
    assert_eq!(s.conversation(id).unwrap().unwrap().pending_since, None);
    // The reply is deleted from Sent: it was still sent, the question stays answered, and the
    // reply stays in the conversation as history (DESIGN.md "Removed on the server").
    assert_eq!(s.remove_uids("Sent", 1, &[1]).unwrap(), 1);
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!(c.pending_since, None);
    assert_eq!(c.removed_since, None);
    assert_eq!(c.message_count, 2);
    let msgs = s.conversation_messages(id).unwrap();
    assert!(msgs[0].removed_at.is_none() && msgs[1].removed_at.is_some());
    // Everything gone: it was answered before, and stays so, as history.
    s.remove_uids("INBOX", 1, &[1]).unwrap();
    let now = berlin("2025-11-24 12:00");
    for v in View::EVERY {
        let want = if matches!(v, View::All | View::Answered) {
            vec![id]
        } else {
            vec![]
        };
        assert_eq!(ids(&s.list(v, now, 0, 50).unwrap()), want, "{}", v.label());
    }
    assert_eq!(
        s.counts(now).unwrap(),
        ViewCounts {
            all: 1,
            answered: 1,
            ..ViewCounts::default()
        }
    );
    assert_eq!(s.conversation(id).unwrap().unwrap().message_count, 2);
    assert_eq!(
        s.search("body", 10).unwrap().len(),
        1,
        "removed mail stays searchable"
    );
    assert!(s.uids("INBOX", 1).unwrap().is_empty() && s.uids("Sent", 1).unwrap().is_empty());
}

#[test]
fn reset_mailbox_keeps_local_data() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail("a@jane", JANE, SHOP, "Ancient matter", "2025-01-10 10:00").at("INBOX", 1, 1),
            mail("b@bob", BOB, SHOP, "Other", "2025-11-24 10:00").at("INBOX", 1, 2),
        ],
    );
    let id = conv_of(&s, out[0].key()).id;
    let until = berlin("2026-01-01 09:00");
    s.snooze(id, Some(until)).unwrap();
    let fu = berlin("2026-01-02 09:00");
    s.set_follow_up(id, Some(fu), until).unwrap();
    s.add_note(JANE, "VIP").unwrap();
    let rule = s.add_rule(RuleKind::Sender, BOB).unwrap();
    s.connection()
        .execute(
            "INSERT INTO outbox(conversation_id, to_addr, subject, raw, message_id, state,
                                created_at, updated_at)
             VALUES (?1, ?2, 'Re: Ancient matter', x'00', 'out@shop', 'queued', 0, 0)",
            rusqlite::params![id, JANE],
        )
        .unwrap();
    s.set_mailbox_state(&MailboxState {
        mailbox: "INBOX".into(),
        uidvalidity: 1,
        highest_uid: 2,
        highestmodseq: Some(5),
        last_sync: None,
    })
    .unwrap();

    assert_counts_exact(&s);
    assert_eq!(s.uid_count("INBOX", 1).unwrap(), 2);
    assert_eq!(s.reset_mailbox("INBOX", 2).unwrap(), 2);
    assert!(s.uids("INBOX", 1).unwrap().is_empty());
    assert_eq!(s.uid_count("INBOX", 1).unwrap(), 0);
    assert_counts_exact(&s);
    let st = s.mailbox_state("INBOX").unwrap().unwrap();
    assert_eq!(
        (st.uidvalidity, st.highest_uid, st.highestmodseq),
        (2, 0, None)
    );

    // Re-fetched under the new UIDVALIDITY: same conversation (by Message-ID, although far
    // outside the subject window), marks intact, nothing duplicated.
    let again = ingest(
        &mut s,
        vec![
            mail("a@jane", JANE, SHOP, "Ancient matter", "2025-01-10 10:00").at("INBOX", 2, 1),
            mail("b@bob", BOB, SHOP, "Other", "2025-11-24 10:00").at("INBOX", 2, 2),
        ],
    );
    let c = conv_of(&s, again[0].key());
    assert_eq!(c.id, id);
    assert_eq!(c.snoozed_until, Some(until));
    assert_eq!(c.follow_up_at, Some(fu));
    assert_eq!(c.message_count, 1);
    // The removed rows came back under the new UIDVALIDITY: counted there, once.
    assert_eq!(s.uid_count("INBOX", 2).unwrap(), 2);
    assert_counts_exact(&s);
    assert_eq!(s.notes(JANE).unwrap().len(), 1);
    assert_eq!(s.rules().unwrap()[0].id, rule);
    assert_eq!(
        conv_of(&s, again[1].key()).not_customer,
        Some(NotCustomer::Rule(RuleKind::Sender))
    );
    let outbox: i64 = s
        .connection()
        .query_row("SELECT conversation_id FROM outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(outbox, id);
    assert_eq!(s.counts(berlin("2025-11-24 12:00")).unwrap().all, 2);
}

// ---------------------------------------------------------------- search

#[test]
fn search_ranks_groups_and_survives_odd_input() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail(
                "a@jane",
                JANE,
                SHOP,
                "Parcel never arrived",
                "2025-11-24 10:00",
            )
            .name("Jane Doe")
            .body("The tracking says delivered but there is no parcel."),
            mail(
                "b@shop",
                SHOP,
                JANE,
                "Re: Parcel never arrived",
                "2025-11-24 11:00",
            )
            .reply_to("a@jane")
            .body("Sorry about the parcel, we will check with DHL."),
            mail("c@bob", BOB, SHOP, "Invoice question", "2025-11-24 12:00")
                .body("My invoice lists the wrong address. Also, a parcel came damaged."),
            mail(
                "d@ann",
                "ann@gmx.de",
                SHOP,
                "Größe tauschen",
                "2025-11-24 13:00",
            )
            .body("Kann ich die Schuhe in Größe 40 tauschen?"),
        ],
    );
    let jane_conv = conv_of(&s, out[0].key()).id;
    let bob_conv = conv_of(&s, out[2].key()).id;

    // Subject matches beat a body mention; one hit per conversation.
    let hits = s.search("parcel", 10).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.conversation_id).collect::<Vec<_>>(),
        vec![jane_conv, bob_conv]
    );
    assert!(
        hits[0].snippet.to_lowercase().contains("parcel"),
        "{:?}",
        hits[0].snippet
    );
    assert_eq!(hits[1].from.as_ref().map(|a| a.addr.as_str()), Some(BOB));

    // The last word is a prefix while typing.
    assert_eq!(s.search("invo", 10).unwrap().len(), 1);
    assert!(s.search("invo ", 10).unwrap().is_empty());
    assert_eq!(
        s.search("wrong addr", 10).unwrap()[0].conversation_id,
        bob_conv
    );
    // Sender name and address are searchable; diacritics folded.
    assert_eq!(s.search("Doe", 10).unwrap()[0].conversation_id, jane_conv);
    assert_eq!(
        s.search("jane@mail.com", 10).unwrap()[0].conversation_id,
        jane_conv
    );
    assert_eq!(s.search("große", 10).unwrap().len(), 1);
    // Limit.
    assert_eq!(s.search("parcel", 1).unwrap().len(), 1);
    assert!(s.search("parcel", 0).unwrap().is_empty());

    // FTS syntax in user input is just text: never an error.
    for odd in [
        "\"",
        "*",
        "NEAR(",
        "-",
        "parcel NEAR(",
        "\"parcel",
        "parcel*",
        "-parcel",
        "a:b",
        "OR",
        "AND NOT",
        "(",
        ")",
        "^",
        "{col}: x",
        "' OR 1=1 --",
        "🙂",
        "\u{0}",
        "_",
        "©",
    ] {
        let r = s.search(odd, 10);
        assert!(r.is_ok(), "{odd:?}: {r:?}");
    }
    assert_eq!(s.search("\"parcel", 10).unwrap().len(), 2);
}

#[test]
fn search_index_follows_batches_duplicates_and_removals() {
    let mut s = store();
    let batch = || -> Vec<M> {
        (0..30u32)
            .map(|i| {
                let body = if i % 2 == 0 {
                    "a parcel went missing"
                } else {
                    "apples arrived bruised"
                };
                mail(
                    &format!("m{i}@x"),
                    &format!("c{i}@example.org"),
                    SHOP,
                    &format!("Order {i}"),
                    "2025-11-24 10:00",
                )
                .body(body)
                .at("INBOX", 1, i + 1)
            })
            .collect()
    };
    let integrity = |s: &Store| {
        s.connection()
            // rank = 1: compare the index with the content table too (external content).
            .execute(
                "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap();
    };
    ingest(&mut s, batch());
    // The same batch again: all duplicates, nothing indexed twice.
    assert!(ingest(&mut s, batch()).iter().all(|o| !o.is_inserted()));
    integrity(&s);

    let hits = s.search("parcel", 50).unwrap();
    assert_eq!(hits.len(), 15);
    // Every hit gets its own snippet (they are read in one pass).
    assert!(
        hits.iter().all(|h| h.snippet.contains("parcel")),
        "{hits:?}"
    );
    // A single ASCII letter is a word, not a prefix of every word; two letters are a prefix.
    assert_eq!(s.search("a", 50).unwrap().len(), 15);
    assert_eq!(s.search("ap", 50).unwrap().len(), 15);
    assert_eq!(s.search("missing a", 50).unwrap().len(), 15);

    // Removed on the server: kept as history, still found.
    assert_eq!(s.remove_uids("INBOX", 1, &[1, 2, 3]).unwrap(), 3);
    integrity(&s);
    assert_eq!(s.search("parcel", 50).unwrap().len(), 15);
    assert_eq!(s.search("apples", 50).unwrap().len(), 15);
}

// ---------------------------------------------------------------- files, migration, scale

#[test]
fn file_is_private_and_reopens() {
    use std::os::unix::fs::PermissionsExt;
    let mode_of = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/dir/store.sqlite");
    let umask_before = super::files::current_umask();
    {
        let mut s = Store::open(&path, ctx()).unwrap();
        ingest(
            &mut s,
            vec![mail("a@jane", JANE, SHOP, "Hi", "2025-11-24 10:00")],
        );
        let mode: String = s
            .connection()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: bool = s
            .connection()
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert!(fk);
        // The folders shopinbox created are the owner's alone ...
        assert_eq!(mode_of(&dir.path().join("sub")), 0o700);
        assert_eq!(mode_of(&dir.path().join("sub/dir")), 0o700);
        // ... and so are the files SQLite created in it (umask 077 at creation; SQLite gives
        // -wal and -shm the database's mode).
        for suffix in ["", "-wal", "-shm"] {
            let p = dir.path().join(format!("sub/dir/store.sqlite{suffix}"));
            assert!(p.exists(), "{}", p.display());
            assert_eq!(mode_of(&p) & 0o077, 0, "{} is private", p.display());
        }
    }
    // The process's umask is back to what it was.
    assert_eq!(super::files::current_umask(), umask_before);
    let s = Store::open(&path, ctx()).unwrap();
    assert_eq!(s.counts(berlin("2025-11-24 12:00")).unwrap().needs_reply, 1);
    // An existing file is never chmod-ed (nothing but SQLite touches it), nor the folder.
    drop(s);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let _s = Store::open(&path, ctx()).unwrap();
    assert_eq!(mode_of(&path), 0o640);
    drop(_s);
    // Not a database: a clear error, no panic.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(
        &junk,
        b"this is not sqlite, just some text that is long enough ....",
    )
    .unwrap();
    let err = Store::open(&junk, ctx()).unwrap_err();
    assert!(err.to_string().starts_with("cannot "), "{err}");
    let chain = error_chain(&err);
    assert!(chain.contains("not a database"), "{chain}");
    assert!(!chain.contains("Error code"), "no SQLite code: {chain}");
}

/// The error and its causes as the CLI prints them.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

#[test]
fn a_busy_store_is_one_sentence_without_sqlite_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let writer = Store::open(&path, ctx()).unwrap();
    let mut other = Store::open(&path, ctx()).unwrap();
    // Another process in the middle of a long write (a sync batch) ...
    writer
        .connection()
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO meta VALUES ('k', 'v');")
        .unwrap();
    // ... for longer than this connection waits (shortened from the real 30 s).
    other
        .connection()
        .busy_timeout(std::time::Duration::from_millis(50))
        .unwrap();
    let err = other.add_note(JANE, "VIP").unwrap_err();
    assert!(err.is_busy(), "{err:?}");
    assert_eq!(
        error_chain(&err),
        "cannot save a note: the store is busy (another shopinbox is writing to it); try again \
         in a moment"
    );
    // Readers do not wait for the writer under WAL.
    assert!(other.notes(JANE).unwrap().is_empty());
    writer.connection().execute_batch("COMMIT").unwrap();
    other.add_note(JANE, "VIP").unwrap();
}

#[test]
fn write_transactions_wait_instead_of_failing_on_a_stale_snapshot() {
    // A deferred transaction that has read and then wants to write fails at once with BUSY
    // when another connection committed meanwhile; the store's transactions are immediate.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let mut a = Store::open(&path, ctx()).unwrap();
    let b = Store::open(&path, ctx()).unwrap();
    let tx = a.conn.transaction().unwrap();
    // Nothing read or written yet, and the write lock is already ours: the other connection
    // cannot slip a commit in between our reads and our writes.
    b.connection()
        .busy_timeout(std::time::Duration::from_millis(20))
        .unwrap();
    let blocked = b
        .connection()
        .execute("INSERT INTO meta VALUES ('x', 'y')", []);
    assert!(blocked.is_err());
    tx.execute("INSERT INTO meta VALUES ('z', 'w')", [])
        .unwrap();
    tx.commit().unwrap();
}

#[test]
fn open_empty_resets_through_sqlite_even_with_another_connection_open() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let mut old = Store::open(&path, ctx()).unwrap();
    ingest(
        &mut old,
        vec![mail("a@jane", JANE, SHOP, "Hi", "2025-11-24 10:00")],
    );
    old.add_note(JANE, "VIP").unwrap();
    let inode = std::fs::metadata(&path).unwrap().ino();
    // `old` stays open, as another shopinbox on the same file would.
    let fresh = Store::open_empty(&path, ctx()).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode, "same file");
    assert!(fresh.notes(JANE).unwrap().is_empty());
    assert_eq!(
        fresh
            .counts(berlin("2025-11-24 12:00"))
            .unwrap()
            .needs_reply,
        0
    );
    assert_eq!(
        schema::version(fresh.connection()).unwrap(),
        schema::latest_version()
    );
    let mode: String = fresh
        .connection()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // The other connection sees the emptied store, not a deleted file.
    assert!(old.notes(JANE).unwrap().is_empty());
    let ok: String = fresh
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn migration_runs_once_when_connections_race_on_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/s.sqlite");
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path, ctx()).map(|_| ()))
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let s = Store::open(&path, ctx()).unwrap();
    assert_eq!(
        schema::version(s.connection()).unwrap(),
        schema::latest_version()
    );
}

#[test]
fn migrates_a_v1_database_keeping_local_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.busy_timeout(super::BUSY_TIMEOUT).unwrap();
        assert_eq!(schema::migrate_to(&mut conn, 1).unwrap(), 0);
        conn.execute_batch(
            "INSERT INTO conversations(id, subject, norm_subject, customer_addr, created_at,
                                       snoozed_until, snoozed_after, follow_up_at)
                 VALUES (1, 'Hi', 'hi', 'jane@mail.com', 0, 1900000000, 1764000000,
                         1950000000);
             INSERT INTO messages(conversation_id, mailbox, uidvalidity, uid, content_hash,
                                  message_id, from_addr, from_domain, subject, received_at, body,
                                  size, is_shop, raw)
                 VALUES (1, 'INBOX', 1, 1, x'01', 'a@jane', 'jane@mail.com', 'mail.com', 'Hi',
                         1764000000, 'where is my parcel', 10, 0, x'00');
             INSERT INTO message_ids VALUES ('a@jane', 1);
             INSERT INTO outbox(conversation_id, to_addr, subject, raw, message_id, state,
                                created_at, updated_at)
                 VALUES (1, 'jane@mail.com', 'Re: Hi', x'00', 'o@shop', 'queued', 0, 0);
             INSERT INTO notes(customer_addr, text, created_at, updated_at)
                 VALUES ('jane@mail.com', 'VIP', 0, 0);
             INSERT INTO sender_rules(kind, value, created_at) VALUES ('domain', 'seo.io', 0);",
        )
        .unwrap();
    }
    let s = Store::open(&path, ctx()).unwrap();
    // The folder counts (schema 17) start from the rows that were already there.
    assert_eq!(s.uid_count("INBOX", 1).unwrap(), 1);
    assert_counts_exact(&s);
    assert_eq!(
        schema::version(s.connection()).unwrap(),
        schema::latest_version()
    );
    assert_eq!(s.notes(JANE).unwrap()[0].text, "VIP");
    assert_eq!(s.rules().unwrap()[0].value, "seo.io");
    let outbox: String = s
        .connection()
        .query_row(
            "SELECT state FROM outbox WHERE message_id = 'o@shop'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(outbox, "queued");
    // The cached state was computed at open, and old messages were indexed for search.
    let c = s.conversation(1).unwrap().unwrap();
    assert_eq!(c.message_count, 1);
    assert_eq!(c.pending_since.map(|t| t.timestamp()), Some(1764000000));
    assert_eq!(c.snoozed_until.map(|t| t.timestamp()), Some(1900000000));
    assert_eq!(s.search("parcel", 5).unwrap().len(), 1);
    // A promise from before V10 is the owner's mark now (made at an unknown time: only an
    // answer at or after its time settles it).
    assert_eq!(c.follow_up_at.map(|t| t.timestamp()), Some(1950000000));
    let promise: (Option<i64>, Option<i64>) = s
        .connection()
        .query_row(
            "SELECT promise_at, promise_made_at FROM conversations WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(promise, (Some(1950000000), None));

    // A file from a newer shopinbox is refused, not damaged.
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.busy_timeout(super::BUSY_TIMEOUT).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(&path, ctx()),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn context_change_recomputes_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    {
        let mut s = Store::open(&path, ctx()).unwrap();
        ingest(
            &mut s,
            vec![
                mail("a@jane", JANE, SHOP, "Hi", "2025-11-24 10:00"),
                mail(
                    "b@x",
                    "help@example.com",
                    JANE,
                    "Re: Hi",
                    "2025-11-24 11:00",
                )
                .reply_to("a@jane"),
            ],
        );
        assert_eq!(s.counts(berlin("2025-11-24 12:00")).unwrap().needs_reply, 1);
    }
    // The owner adds a second shop address: the second message now answers the first.
    let mut more = ctx();
    more.addresses.push("help@example.com".into());
    let s = Store::open(&path, more).unwrap();
    assert_eq!(s.counts(berlin("2025-11-24 12:00")).unwrap().needs_reply, 0);
    let c = s
        .list(View::Answered, berlin("2025-11-24 12:00"), 0, 5)
        .unwrap();
    assert_eq!(c.len(), 1);
    assert!(s.message(c[0].latest_message).unwrap().unwrap().is_shop);
}

#[test]
fn scale_five_thousand_messages() {
    let mut s = store();
    let cal = calendar();
    let base = berlin("2025-06-02 09:00");
    let customers = 1000;
    let mut batch = Vec::new();
    let mut uid = 0;
    // Each customer writes 5 times, one matter per customer spread over 40 days... with a
    // fixed pattern: every 3rd customer got a reply after the last message, every 10th is a
    // newsletter sender.
    for c in 0..customers {
        let addr = format!("c{c}@example.org");
        for k in 0..5 {
            uid += 1;
            let when = base + Duration::minutes(i64::from(c) * 37 + k * 60 * 24 * 3);
            let mut m = mail(
                &format!("m{c}.{k}@x"),
                &addr,
                SHOP,
                &format!("Order {c}"),
                "2025-06-02 09:00",
            )
            .at("INBOX", 1, uid);
            m.0.received_at = when;
            if c % 10 == 0 {
                m = m.auto(AutoKind::Bulk);
            }
            if k > 0 {
                m = m.reply_to(&format!("m{c}.{}@x", k - 1));
            }
            batch.push(m.0);
        }
        if c % 3 == 0 && c % 10 != 0 {
            let when = base + Duration::minutes(i64::from(c) * 37 + 4 * 60 * 24 * 3 + 30);
            uid += 1;
            let mut m = mail(
                &format!("r{c}@shop"),
                SHOP,
                &addr,
                &format!("Re: Order {c}"),
                "2025-06-02 09:00",
            )
            .reply_to(&format!("m{c}.4@x"))
            .at("Sent", 1, uid);
            m.0.received_at = when;
            batch.push(m.0);
        }
        if batch.len() >= 500 {
            s.ingest(std::mem::take(&mut batch), None).unwrap();
        }
    }
    s.ingest(batch, None).unwrap();
    let total: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert!(total >= 5000, "{total}");

    let newsletters = (0..customers).filter(|c| c % 10 == 0).count() as u64;
    let replied = (0..customers).filter(|c| c % 3 == 0 && c % 10 != 0).count() as u64;
    let now = base + Duration::days(200);
    let counts = s.counts(now).unwrap();
    assert_eq!(counts.all, customers as u64);
    assert_eq!(counts.not_customer, newsletters);
    assert_eq!(counts.answered, replied);
    assert_eq!(counts.needs_reply, customers as u64 - newsletters - replied);
    assert_eq!(counts.overdue, counts.needs_reply);

    let page = s.list(View::NeedsReply, now, 0, 50).unwrap();
    assert_eq!(page.len(), 50);
    // Most urgent first: customer 1 (c0 is a newsletter) has the oldest pending message.
    assert_eq!(page[0].customer_addr, "c1@example.org");
    assert!(page.windows(2).all(|w| w[0].due_at <= w[1].due_at));
    assert_eq!(page[0].message_count, 5);
    assert_eq!(page[0].pending_since, Some(base + Duration::minutes(37)));
    assert_eq!(
        page[0].due_at,
        Some(due_at(base + Duration::minutes(37), &cal))
    );
    let all = s.list(View::All, now, 0, 50).unwrap();
    assert_eq!(
        all[0].customer_addr,
        format!("c{}@example.org", customers - 1)
    );
    assert!(all.windows(2).all(|w| w[0].last_at >= w[1].last_at));
    let last_page = s
        .list(View::NeedsReply, now, counts.needs_reply - 10, 50)
        .unwrap();
    assert_eq!(last_page.len(), 10);

    // The hot queries use the indexes, not a scan of every conversation.
    let plan: Vec<String> = s
        .connection()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM conversations WHERE attention = 1
             AND (pending_since IS NOT NULL OR follow_up_at <= 0)",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter().any(|p| p.contains("conversations_attention")),
        "{plan:?}"
    );
    let plan: Vec<String> = s
        .connection()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM messages
             WHERE mailbox = 'INBOX' AND uidvalidity = 1 AND uid = 7 AND uid > 0",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter().any(|p| p.contains("messages_location")),
        "{plan:?}"
    );

    // One change recomputes one conversation.
    let row = &page[0];
    s.mark_answered(row.id, Some(now)).unwrap();
    assert_eq!(s.counts(now).unwrap().needs_reply, counts.needs_reply - 1);
}

// ---------------------------------------------------------------- removed on the server

#[test]
fn waiting_message_removed_on_the_server_leaves_needs_reply_but_is_never_answered() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail(
                "q@jane",
                JANE,
                SHOP,
                "Where is my parcel?",
                "2025-11-24 10:00",
            )
            .body("parcel question")
            .at("INBOX", 1, 1),
            mail("o@bob", BOB, SHOP, "Other", "2025-11-24 10:00").at("INBOX", 1, 2),
        ],
    );
    let id = conv_of(&s, out[0].key()).id;
    let now = berlin("2025-11-24 12:00");
    assert_eq!(s.counts(now).unwrap().needs_reply, 2);

    assert_eq!(s.remove_uids("INBOX", 1, &[1]).unwrap(), 1);
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!(c.pending_since, None);
    assert_eq!(c.due_at, None);
    assert_eq!(c.removed_since, Some(berlin("2025-11-24 10:00")));
    assert_eq!(c.message_count, 1);
    for v in View::EVERY {
        let listed = ids(&s.list(v, now, 0, 50).unwrap()).contains(&id);
        assert_eq!(listed, v == View::All, "{}", v.label());
    }
    let counts = s.counts(now).unwrap();
    assert_eq!((counts.needs_reply, counts.answered, counts.all), (1, 0, 2));
    // Still in the conversation, the customer's history and search, marked.
    let msgs = s.conversation_messages(id).unwrap();
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].removed_at.is_some());
    let info = s.customer(JANE).unwrap();
    assert_eq!(info.conversations.len(), 1);
    assert!(info.conversations[0].removed_since.is_some());
    assert_eq!(s.search("parcel", 10).unwrap().len(), 1);
    // The sync no longer lists it, and removing it again changes nothing.
    assert_eq!(s.uids("INBOX", 1).unwrap(), vec![2]);
    assert_eq!(s.remove_uids("INBOX", 1, &[1]).unwrap(), 0);
    assert_eq!(
        s.message_by_location(&Location::new("INBOX", 1, 1))
            .unwrap(),
        None
    );

    // The customer writes again: a new question, due again, and the state is cleared.
    ingest(
        &mut s,
        vec![mail(
            "q2@jane",
            JANE,
            SHOP,
            "Re: Where is my parcel?",
            "2025-11-24 11:00",
        )
        .reply_to("q@jane")
        .at("INBOX", 1, 3)],
    );
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!(c.pending_since, Some(berlin("2025-11-24 11:00")));
    assert_eq!(c.removed_since, None);
}

#[test]
fn removed_message_that_comes_back_is_not_duplicated() {
    let mut s = store();
    let out = ingest(
        &mut s,
        vec![
            mail("q@jane", JANE, SHOP, "Refund", "2025-11-24 10:00").at("INBOX", 1, 1),
            mail("", BOB, SHOP, "No id", "2025-11-24 10:05").at("INBOX", 1, 2),
        ],
    );
    let id = conv_of(&s, out[0].key()).id;
    let bob = conv_of(&s, out[1].key()).id;
    // Moved to a synced archive folder: INBOX sees it gone first, then Archive finds it.
    assert_eq!(s.remove_uids("INBOX", 1, &[1, 2]).unwrap(), 2);
    assert!(s.conversation(id).unwrap().unwrap().removed_since.is_some());
    let back = ingest(
        &mut s,
        vec![
            mail("q@jane", JANE, SHOP, "Refund", "2025-11-24 10:00")
                .at("Archive", 7, 40)
                .flags(&["\\Seen"]),
            mail("", BOB, SHOP, "No id", "2025-11-24 10:05").at("Archive", 7, 41),
        ],
    );
    assert_eq!(back[0], InsertOutcome::Duplicate(out[0].key()));
    assert_eq!(back[1], InsertOutcome::Duplicate(out[1].key()));
    let row = s.message(out[0].key()).unwrap().unwrap();
    assert_eq!(row.location, Location::new("Archive", 7, 40));
    assert_eq!(row.removed_at, None);
    assert_eq!(row.flags, vec!["\\Seen"]);
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!((c.removed_since, c.message_count), (None, 1));
    assert!(c.pending_since.is_some());
    assert_eq!(s.conversation(bob).unwrap().unwrap().message_count, 1);
    assert_eq!(s.uids("Archive", 7).unwrap(), vec![40, 41]);
    assert_eq!(s.uid_count("INBOX", 1).unwrap(), 0);
    assert_eq!(s.uid_count("Archive", 7).unwrap(), 2);
    assert_counts_exact(&s);

    // The other way round: a copy appears in INBOX before Archive notices it left. The
    // Archive row goes, the INBOX row stands for the message.
    ingest(
        &mut s,
        vec![mail("q@jane", JANE, SHOP, "Refund", "2025-11-24 10:00").at("INBOX", 1, 9)],
    );
    assert_eq!(s.remove_uids("Archive", 7, &[40]).unwrap(), 1);
    let msgs = s.conversation_messages(id).unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].location, Location::new("INBOX", 1, 9));
    assert_eq!(msgs[0].removed_at, None);
    let rows: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM messages WHERE message_id = 'q@jane'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 1);
    // The Archive row was deleted, the INBOX one counts.
    assert_eq!(s.uid_count("Archive", 7).unwrap(), 1);
    assert_eq!(s.uid_count("INBOX", 1).unwrap(), 1);
    assert_counts_exact(&s);

    // UIDVALIDITY reset: everything is re-fetched and comes back, nothing twice.
    assert_eq!(s.reset_mailbox("INBOX", 2).unwrap(), 1);
    assert!(s.conversation(id).unwrap().unwrap().removed_since.is_some());
    ingest(
        &mut s,
        vec![mail("q@jane", JANE, SHOP, "Refund", "2025-11-24 10:00").at("INBOX", 2, 1)],
    );
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!((c.removed_since, c.message_count), (None, 1));
    assert_eq!(s.uids("INBOX", 2).unwrap(), vec![1]);
}

#[test]
fn mail_without_message_id_imported_and_synced_counts_once() {
    let mut s = store();
    // Imported first (uid-less), answered, then the same bytes arrive from the server with a
    // later INTERNALDATE.
    let imp = ingest(
        &mut s,
        vec![mail("", JANE, SHOP, "Broken lamp", "2025-11-24 10:00")],
    );
    let id = conv_of(&s, imp[0].key()).id;
    ingest(
        &mut s,
        vec![mail("r@shop", SHOP, JANE, "Re: Broken lamp", "2025-11-24 11:00").at("Sent", 3, 1)],
    );
    assert_eq!(s.conversation(id).unwrap().unwrap().pending_since, None);
    let synced = ingest(
        &mut s,
        vec![mail("", JANE, SHOP, "Broken lamp", "2025-11-25 09:00").at("INBOX", 1, 1)],
    );
    assert!(synced[0].is_inserted());
    assert_eq!(conv_of(&s, synced[0].key()).id, id);
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!(c.pending_since, None, "still answered");
    assert_eq!(c.message_count, 2);
    assert_eq!(s.conversation_messages(id).unwrap().len(), 2);
    // And in a second folder too.
    ingest(
        &mut s,
        vec![mail("", JANE, SHOP, "Broken lamp", "2025-11-25 09:30").at("Orders", 4, 1)],
    );
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!((c.pending_since, c.message_count), (None, 2));
    assert_eq!(s.counts(berlin("2025-11-25 12:00")).unwrap().all, 1);
    // The server copies are expunged: the import copy stands for the message.
    assert_eq!(s.remove_uids("INBOX", 1, &[1]).unwrap(), 1);
    assert_eq!(s.remove_uids("Orders", 4, &[1]).unwrap(), 1);
    let c = s.conversation(id).unwrap().unwrap();
    assert_eq!(
        (c.pending_since, c.removed_since, c.message_count),
        (None, None, 2)
    );
    // A different message without an id is not mistaken for a copy.
    let other = ingest(
        &mut s,
        vec![mail("", JANE, SHOP, "Broken chair", "2025-11-25 10:00").at("INBOX", 1, 2)],
    );
    assert_ne!(conv_of(&s, other[0].key()).id, id);
}

/// Plans do not depend on bound values: the ingest's lookup by location (`uid = ?3`, next to
/// the partial index on `uid = 0`) is not prepared again for every new UID.
#[test]
fn lookups_by_uid_are_not_prepared_again_for_each_value() {
    let s = store();
    let mut st = s.conn.prepare(super::ingest::BY_LOCATION).unwrap();
    for uid in 1..=5 {
        let mut rows = st.query(rusqlite::params!["INBOX", 42, uid]).unwrap();
        assert!(rows.next().unwrap().is_none());
    }
    assert_eq!(
        st.get_status(rusqlite::StatementStatus::RePrepare),
        0,
        "re-prepared"
    );
}
