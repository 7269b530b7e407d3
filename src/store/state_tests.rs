use super::*;

const SHOP: &str = "shop@example.com";
const JANE: &str = "jane@mail.com";

/// Test message: (row id, message-id, from, time, flags answered, auto kind)
fn msg(row: i64, id: &str, from: &str, at: i64) -> StateMsg {
    StateMsg {
        row_id: row,
        message_id: (!id.is_empty()).then(|| id.to_string()),
        from_addr: Some(from.to_string()),
        from_name: None,
        first_to: Some(if from == SHOP { JANE } else { SHOP }.to_string()),
        subject: "Order".into(),
        is_shop: from == SHOP,
        auto_kind: None,
        received_at: at,
        answered_flag: false,
        reopens: false,
        bounce_of: None,
        removed: false,
        content_key: None,
    }
}
fn answered(mut m: StateMsg) -> StateMsg {
    m.answered_flag = true;
    m
}
fn auto(mut m: StateMsg, k: AutoKind) -> StateMsg {
    m.auto_kind = Some(k);
    m
}

/// (name, messages, marks, pending_since, last_shop_at)
type PendingCase = (&'static str, Vec<StateMsg>, Marks, Option<i64>, Option<i64>);
/// (name, messages, not_customer, pending_since)
type ReasonCase = (
    &'static str,
    Vec<StateMsg>,
    Option<NotCustomer>,
    Option<i64>,
);

#[test]
fn pending_and_answered() {
    let none = Marks::default();
    let manual = |t| Marks {
        manual_answered_at: Some(t),
        ..Marks::default()
    };
    let cases: Vec<PendingCase> = vec![
        (
            "customer last",
            vec![msg(1, "a@x", JANE, 100)],
            none,
            Some(100),
            None,
        ),
        (
            "shop replied later",
            vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 200)],
            none,
            None,
            Some(200),
        ),
        (
            "two customer messages, oldest counts",
            vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", JANE, 150)],
            none,
            Some(100),
            None,
        ),
        (
            "new customer message after reply restarts",
            vec![
                msg(1, "a@x", JANE, 100),
                msg(2, "b@x", SHOP, 200),
                msg(3, "c@x", JANE, 300),
                msg(4, "d@x", JANE, 400),
            ],
            none,
            Some(300),
            Some(200),
        ),
        (
            "\\Answered flag answers",
            vec![answered(msg(1, "a@x", JANE, 100))],
            none,
            None,
            None,
        ),
        (
            "\\Answered on an older message does not answer a newer one",
            vec![answered(msg(1, "a@x", JANE, 100)), msg(2, "b@x", JANE, 150)],
            none,
            Some(150),
            None,
        ),
        (
            "\\Answered on any copy of the message",
            vec![msg(1, "a@x", JANE, 100), answered(msg(2, "a@x", JANE, 105))],
            none,
            None,
            None,
        ),
        (
            "manual answer",
            vec![msg(1, "a@x", JANE, 100)],
            manual(120),
            None,
            None,
        ),
        (
            "manual answer before a newer message",
            vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", JANE, 150)],
            manual(120),
            Some(150),
            None,
        ),
        (
            "shop auto-responder does not answer",
            vec![
                msg(1, "a@x", JANE, 100),
                auto(msg(2, "b@x", SHOP, 101), AutoKind::AutoReply),
            ],
            none,
            Some(100),
            None,
        ),
        (
            "customer out-of-office is not a new question",
            vec![
                msg(1, "a@x", JANE, 100),
                msg(2, "b@x", SHOP, 200),
                auto(msg(3, "c@x", JANE, 201), AutoKind::AutoReply),
            ],
            none,
            None,
            Some(200),
        ),
        (
            "shop reply and customer copy arriving out of order",
            vec![msg(2, "b@x", SHOP, 200), msg(1, "a@x", JANE, 100)],
            none,
            None,
            Some(200),
        ),
        (
            "sent copy and local copy count once",
            vec![
                msg(1, "a@x", JANE, 100),
                msg(2, "b@x", SHOP, 200),
                msg(3, "b@x", SHOP, 230),
            ],
            none,
            None,
            Some(200),
        ),
    ];
    for (name, msgs, marks, pending, shop) in cases {
        let st = compute(&msgs, marks, &RuleSet::default()).unwrap();
        assert_eq!(st.pending_since, pending, "{name}");
        assert_eq!(st.last_shop_at, shop, "{name}");
        assert_eq!(st.not_customer, None, "{name}");
    }
}

#[test]
fn removed_on_the_server() {
    let gone = |mut m: StateMsg| {
        m.removed = true;
        m
    };
    // (name, messages, pending_since, removed_since)
    type Case = (&'static str, Vec<StateMsg>, Option<i64>, Option<i64>);
    let cases: Vec<Case> = vec![
        (
            "the waiting message was removed",
            vec![gone(msg(1, "a@x", JANE, 100))],
            None,
            Some(100),
        ),
        (
            "answered, then removed: still answered",
            vec![gone(msg(1, "a@x", JANE, 100)), msg(2, "b@x", SHOP, 200)],
            None,
            None,
        ),
        (
            "a removed shop reply still answers",
            vec![msg(1, "a@x", JANE, 100), gone(msg(2, "b@x", SHOP, 200))],
            None,
            None,
        ),
        (
            "an older question still on the server keeps waiting",
            vec![msg(1, "a@x", JANE, 100), gone(msg(2, "b@x", JANE, 150))],
            Some(100),
            None,
        ),
        (
            "a newer question still on the server waits",
            vec![gone(msg(1, "a@x", JANE, 100)), msg(2, "b@x", JANE, 150)],
            Some(150),
            None,
        ),
        (
            "one copy removed, another still there",
            vec![gone(msg(1, "a@x", JANE, 100)), msg(2, "a@x", JANE, 100)],
            Some(100),
            None,
        ),
        (
            "removed after a reply to an older question",
            vec![
                msg(1, "a@x", JANE, 100),
                msg(2, "b@x", SHOP, 200),
                gone(msg(3, "c@x", JANE, 300)),
            ],
            None,
            Some(300),
        ),
    ];
    for (name, msgs, pending, removed) in cases {
        let st = compute(&msgs, Marks::default(), &RuleSet::default()).unwrap();
        assert_eq!(st.pending_since, pending, "{name}");
        assert_eq!(st.removed_since, removed, "{name}");
    }
}

#[test]
fn copies_without_message_id_count_once_by_content() {
    let keyed = |mut m: StateMsg, k: &str| {
        m.content_key = Some(k.to_string());
        m
    };
    // Imported at 100, answered at 200, the same message synced with a later
    // INTERNALDATE: still answered, one message.
    let msgs = vec![
        keyed(msg(1, "", JANE, 100), "k1"),
        msg(2, "b@x", SHOP, 200),
        keyed(msg(3, "", JANE, 300), "k1"),
    ];
    let st = compute(&msgs, Marks::default(), &RuleSet::default()).unwrap();
    assert_eq!(st.message_count, 2);
    assert_eq!(st.pending_since, None);
    // Different content: two questions, the newer one waits.
    let msgs = vec![
        keyed(msg(1, "", JANE, 100), "k1"),
        msg(2, "b@x", SHOP, 200),
        keyed(msg(3, "", JANE, 300), "k2"),
    ];
    let st = compute(&msgs, Marks::default(), &RuleSet::default()).unwrap();
    assert_eq!(st.message_count, 3);
    assert_eq!(st.pending_since, Some(300));
}

#[test]
fn counts_copies_once() {
    let msgs = vec![
        msg(1, "a@x", JANE, 100),
        msg(2, "b@x", SHOP, 200),
        msg(3, "b@x", SHOP, 190),
        msg(4, "", JANE, 300),
        msg(5, "", JANE, 300),
    ];
    let st = compute(&msgs, Marks::default(), &RuleSet::default()).unwrap();
    assert_eq!(st.message_count, 4);
    assert_eq!(st.first_at, 100);
    assert_eq!(st.last_at, 300);
    assert_eq!(st.latest_message, 5);
    assert_eq!(st.last_shop_at, Some(190));
    assert_eq!(st.pending_since, Some(300));
    assert!(compute(&[], Marks::default(), &RuleSet::default()).is_none());
}

#[test]
fn not_customer_reasons() {
    let mut rules = RuleSet::default();
    rules.senders.insert("pitch@seo.io".into());
    rules.domains.push("spam.biz".into());
    rules.messages.insert("m@x".into());
    let cases: Vec<ReasonCase> = vec![
        (
            "newsletter",
            vec![auto(msg(1, "a@x", "news@shop.de", 100), AutoKind::Bulk)],
            Some(NotCustomer::Auto(AutoKind::Bulk)),
            None,
        ),
        (
            "bounce",
            vec![auto(
                msg(1, "a@x", "mailer-daemon@mx.de", 100),
                AutoKind::Bounce,
            )],
            Some(NotCustomer::Auto(AutoKind::Bounce)),
            None,
        ),
        (
            "sender rule",
            vec![msg(1, "a@x", "Pitch@SEO.io", 100)],
            Some(NotCustomer::Rule(RuleKind::Sender)),
            None,
        ),
        (
            "domain rule matches subdomain",
            vec![msg(1, "a@x", "x@mail.spam.biz", 100)],
            Some(NotCustomer::Rule(RuleKind::Domain)),
            None,
        ),
        (
            "message rule",
            vec![msg(1, "m@x", JANE, 100)],
            Some(NotCustomer::Rule(RuleKind::Message)),
            None,
        ),
        (
            "a real customer message makes it a customer",
            vec![
                auto(msg(1, "a@x", JANE, 100), AutoKind::AutoReply),
                msg(2, "b@x", JANE, 150),
            ],
            None,
            Some(150),
        ),
        (
            "shop-only conversation",
            vec![msg(1, "a@x", SHOP, 100)],
            None,
            None,
        ),
        (
            "similar domain does not match",
            vec![msg(1, "a@x", "x@notspam.biz", 100)],
            None,
            Some(100),
        ),
    ];
    for (name, msgs, want, pending) in cases {
        let st = compute(&msgs, Marks::default(), &rules).unwrap();
        assert_eq!(st.not_customer, want, "{name}");
        assert_eq!(st.pending_since, pending, "{name}");
    }
}

#[test]
fn customer_identity() {
    let mut a = msg(1, "a@x", JANE, 100);
    a.from_name = Some("Jane D".into());
    let mut b = msg(3, "c@x", JANE, 300);
    b.from_name = Some("Jane Doe".into());
    let mut c = msg(4, "d@x", JANE, 400);
    c.from_name = Some("  ".into());
    let st = compute(
        &[a, msg(2, "b@x", SHOP, 200), b, c],
        Marks::default(),
        &RuleSet::default(),
    )
    .unwrap();
    assert_eq!(st.customer_addr, JANE);
    assert_eq!(st.customer_name.as_deref(), Some("Jane Doe"));

    // Shop wrote first: the customer is its recipient.
    let st = compute(
        &[msg(1, "a@x", SHOP, 100)],
        Marks::default(),
        &RuleSet::default(),
    )
    .unwrap();
    assert_eq!(st.customer_addr, JANE);
}

#[test]
fn history_before_the_tracking_window() {
    let hist = |pulled_at| Marks {
        history_before: Some(500),
        pulled_at,
        ..Marks::default()
    };
    // (name, messages, marks, pending_since, older_since)
    type Case = (&'static str, Vec<StateMsg>, Marks, Option<i64>, Option<i64>);
    let cases: Vec<Case> = vec![
        (
            "before the cut-off: history, not owed",
            vec![msg(1, "a@x", JANE, 100)],
            hist(None),
            None,
            Some(100),
        ),
        (
            "at the cut-off: owed",
            vec![msg(1, "a@x", JANE, 500)],
            hist(None),
            Some(500),
            None,
        ),
        (
            "no tracking start yet: owed",
            vec![msg(1, "a@x", JANE, 100)],
            Marks::default(),
            Some(100),
            None,
        ),
        (
            "answered history is simply answered",
            vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 200)],
            hist(None),
            None,
            None,
        ),
        (
            "a new message after the cut-off is owed from its arrival",
            vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", JANE, 600)],
            hist(None),
            Some(600),
            None,
        ),
        (
            "pulled: owed from the pull",
            vec![msg(1, "a@x", JANE, 100)],
            hist(Some(700)),
            Some(700),
            None,
        ),
        (
            "pulled, then answered: answered",
            vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 800)],
            hist(Some(700)),
            None,
            None,
        ),
        (
            "a pull without history changes nothing",
            vec![msg(1, "a@x", JANE, 600)],
            hist(Some(700)),
            Some(600),
            None,
        ),
    ];
    for (name, msgs, marks, pending, older) in cases {
        let st = compute(&msgs, marks, &RuleSet::default()).unwrap();
        assert_eq!(st.pending_since, pending, "{name}");
        assert_eq!(st.older_since, older, "{name}");
    }
}

#[test]
fn promise_settled_rules() {
    // (name, due, made, shop reply, manual mark, settled)
    type Case = (
        &'static str,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        bool,
    );
    let cases: Vec<Case> = vec![
        ("no answer since", 500, Some(200), Some(200), None, false),
        (
            "kept early: a reply before the time",
            500,
            Some(200),
            Some(300),
            None,
            true,
        ),
        (
            "kept late: a reply after the time",
            500,
            Some(200),
            Some(700),
            None,
            true,
        ),
        (
            "kept at the time itself",
            500,
            Some(200),
            Some(500),
            None,
            true,
        ),
        (
            "a phone mark after the promise",
            500,
            Some(200),
            Some(200),
            Some(250),
            true,
        ),
        (
            "a phone mark before the promise",
            500,
            Some(200),
            Some(200),
            Some(150),
            false,
        ),
        (
            "legacy promise: early reply does not count",
            500,
            None,
            Some(300),
            None,
            false,
        ),
        (
            "legacy promise: reply at the time counts",
            500,
            None,
            Some(500),
            None,
            true,
        ),
        ("nothing at all", 500, Some(200), None, None, false),
    ];
    for (name, due, made, shop, manual, want) in cases {
        assert_eq!(promise_settled(due, made, [shop, manual]), want, "{name}");
    }
}

#[test]
fn a_later_reply_settles_the_promise_in_the_conversation_state() {
    // Promise made by the reply at 200, due at 500.
    let marks = Marks {
        follow_up_at: Some(500),
        follow_up_made_at: Some(200),
        ..Marks::default()
    };
    let base = vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 200)];
    // (name, extra messages, manual mark, follow_up_done, pending_since)
    type Case = (&'static str, Vec<StateMsg>, Option<i64>, bool, Option<i64>);
    let cases: Vec<Case> = vec![
        ("open promise", vec![], None, false, None),
        (
            "second reply before the time",
            vec![msg(3, "c@x", SHOP, 300)],
            None,
            true,
            None,
        ),
        (
            "second reply after the time",
            vec![msg(3, "c@x", SHOP, 600)],
            None,
            true,
            None,
        ),
        ("answered by phone", vec![], Some(260), true, None),
        (
            "the customer writes again: the promise stays until the shop answers",
            vec![msg(3, "c@x", JANE, 300)],
            None,
            false,
            Some(300),
        ),
        (
            "the customer writes again and the shop answers",
            vec![msg(3, "c@x", JANE, 300), msg(4, "d@x", SHOP, 350)],
            None,
            true,
            None,
        ),
        (
            "a shop auto-responder settles nothing",
            vec![auto(msg(3, "c@x", SHOP, 300), AutoKind::AutoReply)],
            None,
            false,
            None,
        ),
        (
            "the Sent copy of the promising reply itself settles nothing",
            vec![msg(3, "b@x", SHOP, 230)],
            None,
            false,
            None,
        ),
    ];
    for (name, extra, manual, done, pending) in cases {
        let mut msgs = base.clone();
        msgs.extend(extra);
        let marks = Marks {
            manual_answered_at: manual,
            ..marks
        };
        let st = compute(&msgs, marks, &RuleSet::default()).unwrap();
        assert_eq!(st.follow_up_done, done, "{name}");
        assert_eq!(st.pending_since, pending, "{name}");
    }
}

#[test]
fn follow_up_and_snooze_end() {
    let base = vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 200)];
    let marks = Marks {
        follow_up_at: Some(500),
        snoozed_until: Some(900),
        snoozed_after: Some(200),
        ..Marks::default()
    };
    let st = compute(&base, marks, &RuleSet::default()).unwrap();
    assert!(!st.follow_up_done);
    assert!(!st.snooze_ended);

    let mut more = base.clone();
    more.push(msg(3, "c@x", SHOP, 600));
    let st = compute(&more, marks, &RuleSet::default()).unwrap();
    assert!(st.follow_up_done, "shop wrote at/after the follow-up time");

    let mut more = base.clone();
    more.push(msg(3, "c@x", JANE, 300));
    let st = compute(&more, marks, &RuleSet::default()).unwrap();
    assert!(st.snooze_ended, "customer wrote after the snooze");

    let mut more = base;
    more.push(auto(msg(3, "c@x", JANE, 300), AutoKind::AutoReply));
    let st = compute(&more, marks, &RuleSet::default()).unwrap();
    assert!(!st.snooze_ended, "an auto-reply does not end a snooze");
}

#[test]
fn bounced_reply_and_duplicate_order_are_owed() {
    let bounce = |row, at| {
        let mut m = auto(
            msg(row, "dsn@x", "mailer-daemon@mx.de", at),
            AutoKind::Bounce,
        );
        m.reopens = true;
        m
    };
    let order = |row, id, at| {
        // An order notification stands for its customer (refresh sets the address).
        auto(msg(row, id, JANE, at), AutoKind::Order)
    };
    let dup = |t| Marks {
        duplicate_at: Some(t),
        ..Marks::default()
    };
    let cases: Vec<PendingCase> = vec![
        (
            "a bounce of the shop's reply reopens",
            vec![
                msg(1, "a@x", JANE, 100),
                msg(2, "b@x", SHOP, 200),
                bounce(3, 210),
            ],
            Marks::default(),
            Some(210),
            Some(200),
        ),
        (
            "a new reply after the bounce answers it",
            vec![
                msg(1, "a@x", JANE, 100),
                msg(2, "b@x", SHOP, 200),
                bounce(3, 210),
                msg(4, "c@x", SHOP, 300),
            ],
            Marks::default(),
            None,
            Some(300),
        ),
        (
            "a bounce in a conversation the shop started",
            vec![msg(1, "b@x", SHOP, 200), bounce(2, 210)],
            Marks::default(),
            Some(210),
            Some(200),
        ),
        (
            "marked answered after the bounce",
            vec![msg(1, "b@x", SHOP, 200), bounce(2, 210)],
            Marks {
                manual_answered_at: Some(220),
                ..Marks::default()
            },
            None,
            Some(200),
        ),
        (
            "a possible duplicate is owed from its detection",
            vec![order(1, "o1@x", 100), order(2, "o2@x", 120)],
            dup(120),
            Some(120),
            None,
        ),
        (
            "a dismissed duplicate is not",
            vec![order(1, "o1@x", 100), order(2, "o2@x", 120)],
            Marks::default(),
            None,
            None,
        ),
        (
            "the customer's own mail about it keeps the earlier deadline",
            vec![
                order(1, "o1@x", 100),
                order(2, "o2@x", 120),
                msg(3, "c@x", JANE, 130),
            ],
            dup(120),
            Some(120),
            None,
        ),
        (
            "the shop's reply answers the duplicate",
            vec![
                order(1, "o1@x", 100),
                order(2, "o2@x", 120),
                msg(3, "c@x", SHOP, 150),
            ],
            dup(120),
            None,
            Some(150),
        ),
    ];
    for (name, msgs, marks, pending, shop) in cases {
        let st = compute(&msgs, marks, &RuleSet::default()).unwrap();
        assert_eq!(st.pending_since, pending, "{name}");
        assert_eq!(st.last_shop_at, shop, "{name}");
        assert_eq!(st.customer_addr, JANE, "{name}");
    }
    // Without a duplicate, order notifications alone are not a customer waiting.
    let st = compute(
        &[order(1, "o1@x", 100)],
        Marks::default(),
        &RuleSet::default(),
    )
    .unwrap();
    assert_eq!(st.not_customer, Some(NotCustomer::Auto(AutoKind::Order)));
}
