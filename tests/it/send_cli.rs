//! `shopinbox reply` / `shopinbox outbox` entry points without a network: printing a reply,
//! demo delivery, and the owner's outbox decisions.

use chrono::{TimeZone, Utc};
use shopinbox::config::Config;
use shopinbox::send::cli::{outbox_cli, reply_cli, OutboxCommand, ReplyArgs};
use shopinbox::send::flow::{self, NoWriteBack};
use shopinbox::send::outbox::{self, OutboxState, Outcome};
use shopinbox::store::{Location, NewMessage, Store, View};

fn setup() -> (tempfile::TempDir, Config, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::demo();
    cfg.templates_dir = Some(dir.path().join("templates"));
    let mut store = Store::open(
        &dir.path().join("db.sqlite"),
        cfg.shop_context(shopinbox::clock::Clock::fixed(
            Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap(),
        )),
    )
    .unwrap();
    let raw = b"From: Jane Doe <jane@example.com>\r\nTo: hello@alphx.shop\r\n\
Subject: Cancel order 2001 please\r\nMessage-ID: <jane-1@example.com>\r\n\
Date: Tue, 24 Nov 2026 10:00:00 +0100\r\n\r\nPlease cancel #2001.\r\n"
        .to_vec();
    let parsed = shopinbox::mail::parse::parse_message(&raw);
    store
        .ingest(
            vec![NewMessage {
                location: Location::new("INBOX", 7, 1),
                raw,
                parsed,
                received_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap(),
                flags: vec![],
            }],
            None,
        )
        .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let conv = store.list(View::All, now, 0, 5).unwrap()[0].id;
    (dir, cfg, store, conv)
}

#[test]
fn reply_prints_the_rendered_message_without_sending() {
    let (_dir, cfg, mut store, conv) = setup();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let args = ReplyArgs {
        conversation: conv,
        template: "cancel-before-shipping",
        send: false,
        raw: false,
        demo_dir: None,
        attach: &[],
    };
    let out = reply_cli(&cfg, &mut store, args, &mut NoWriteBack, now).unwrap();
    // Decoded for reading: names and text as written, no MIME plumbing.
    assert!(
        out.starts_with(
            "From: Tom from Alphx <hello@alphx.shop>\nTo: Jane Doe <jane@example.com>\n"
        ),
        "{out}"
    );
    assert!(!out.contains("Content-Transfer-Encoding"), "{out}");
    assert!(!out.contains("=\n"), "no soft line breaks: {out}");
    assert!(
        out.contains("Subject: Re: Cancel order 2001 please\n"),
        "{out}"
    );
    assert!(out.contains("In-Reply-To: <jane-1@example.com>\n"), "{out}");
    assert!(out.contains("Hi Jane,"), "{out}");
    assert!(out.contains("#2001"), "{out}");
    assert!(out.contains("(not sent; add --send to send it)"), "{out}");
    assert!(outbox::list(store.connection(), None).unwrap().is_empty());

    let bad = ReplyArgs {
        template: "nope",
        ..args
    };
    let e = reply_cli(&cfg, &mut store, bad, &mut NoWriteBack, now).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("cannot find a template named \"nope\"; available: "),
        "{e}"
    );
    let missing = ReplyArgs {
        conversation: 9999,
        ..args
    };
    let e = reply_cli(&cfg, &mut store, missing, &mut NoWriteBack, now).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot find conversation 9999; `shopinbox list` shows the ids"
    );
}

#[test]
fn outbox_commands_follow_the_owner() {
    let (dir, cfg, mut store, conv) = setup();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let (templates, _) = flow::load_templates(&cfg);
    let t = flow::find_template(&templates, "plain").unwrap();
    let msg = flow::message_to_answer(&store, conv).unwrap();
    let d = flow::draft(&cfg, &store, &msg, t, now).unwrap();
    let (id, _) = flow::enqueue(&cfg, &store, &d, now).unwrap();
    // Simulate a send that lost its answer after the data.
    outbox::claim(store.connection(), id, "test-lease", now)
        .unwrap()
        .unwrap();
    outbox::record(
        store.connection(),
        id,
        "test-lease",
        &Outcome::Uncertain {
            error: "eof".into(),
        },
        now,
        false,
    )
    .unwrap();

    let demo = dir.path().join("out");
    let list = outbox_cli(
        &cfg,
        &mut store,
        OutboxCommand::List,
        Some(&demo),
        &mut NoWriteBack,
        now,
    )
    .unwrap();
    assert!(
        list.contains("uncertain") && list.contains("jane@example.com"),
        "{list}"
    );
    assert!(list.contains("eof"), "{list}");

    let e = outbox_cli(
        &cfg,
        &mut store,
        OutboxCommand::Retry(id),
        Some(&demo),
        &mut NoWriteBack,
        now,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("is uncertain, so it cannot be retried"),
        "{e}"
    );

    let out = outbox_cli(
        &cfg,
        &mut store,
        OutboxCommand::ResendUncertain(id),
        Some(&demo),
        &mut NoWriteBack,
        now,
    )
    .unwrap();
    assert!(out.contains(&format!("Reply {id} sent.")), "{out}");
    assert_eq!(
        std::fs::read_dir(&demo)
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "eml"))
            .count(),
        1
    );
    assert_eq!(
        outbox::get(store.connection(), id).unwrap().unwrap().state,
        OutboxState::Sent
    );
    let c = store.conversation(conv).unwrap().unwrap();
    assert!(c.pending_since.is_none(), "answered after the send");

    let e = outbox_cli(
        &cfg,
        &mut store,
        OutboxCommand::MarkSent(id),
        None,
        &mut NoWriteBack,
        now,
    )
    .unwrap_err();
    assert!(e.to_string().contains("is sent"), "{e}");
}

#[test]
fn order_numbers_come_from_the_whole_conversation() {
    let (_dir, cfg, mut store, conv) = setup();
    // Jane writes again in the same thread, about a second order, without repeating the first.
    let raw = b"From: Jane Doe <jane@example.com>\r\nTo: hello@alphx.shop\r\n\
Subject: Re: Cancel order 2001 please\r\nMessage-ID: <jane-2@example.com>\r\n\
In-Reply-To: <jane-1@example.com>\r\nReferences: <jane-1@example.com>\r\n\
Date: Tue, 24 Nov 2026 10:30:00 +0100\r\n\r\nAnd the same for #2002, thank you!\r\n"
        .to_vec();
    let parsed = shopinbox::mail::parse::parse_message(&raw);
    store
        .ingest(
            vec![NewMessage {
                location: Location::new("INBOX", 7, 2),
                raw,
                parsed,
                received_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
                flags: vec![],
            }],
            None,
        )
        .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let msg = flow::message_to_answer(&store, conv).unwrap();
    assert_eq!(msg.message_id.as_deref(), Some("jane-2@example.com"));
    let ctx = flow::reply_context(&cfg, &store, &msg, now).unwrap();
    // The message being answered first (its subject still says 2001), then the earlier
    // ones, each number once.
    assert_eq!(ctx.order_numbers, ["2001", "2002"]);
    let (templates, _) = flow::load_templates(&cfg);
    let t = flow::find_template(&templates, "cancel-before-shipping").unwrap();
    let d = flow::draft(&cfg, &store, &msg, t, now).unwrap();
    assert!(
        d.text
            .contains("your orders #2001 and #2002 had not shipped"),
        "{}",
        d.text
    );
}

#[test]
fn outbox_discard_drops_an_unsent_reply_and_refuses_one_being_sent() {
    let (_dir, cfg, mut store, conv) = setup();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let (templates, _) = flow::load_templates(&cfg);
    let t = flow::find_template(&templates, "plain").unwrap();
    let msg = flow::message_to_answer(&store, conv).unwrap();
    let d = flow::draft(&cfg, &store, &msg, t, now).unwrap();
    let (queued, _) = flow::enqueue(&cfg, &store, &d, now).unwrap();
    let (busy, _) = flow::enqueue(&cfg, &store, &d, now).unwrap();
    // Another shopinbox holds the lease of `busy` while it sends it.
    let lease = shopinbox::send::lease::Lease::acquire(store.connection(), busy).unwrap();
    outbox::claim(store.connection(), busy, lease.token(), now)
        .unwrap()
        .unwrap();

    let mut run = |cmd| outbox_cli(&cfg, &mut store, cmd, None, &mut NoWriteBack, now);
    let out = run(OutboxCommand::Discard(queued)).unwrap();
    assert_eq!(
        out,
        format!("Reply {queued} discarded; it will not be sent.\n")
    );
    let e = run(OutboxCommand::Discard(busy)).unwrap_err();
    assert!(e.to_string().contains("is being sent right now"), "{e}");
    let e = run(OutboxCommand::Discard(queued)).unwrap_err();
    assert!(e.to_string().contains("there is no reply"), "{e}");
    drop(lease);
    assert!(outbox::get(store.connection(), queued).unwrap().is_none());
    assert_eq!(
        outbox::get(store.connection(), busy)
            .unwrap()
            .unwrap()
            .state,
        OutboxState::Sending
    );
}

/// An accented name and a long line: decoded by default, the RFC 5322 form with `raw`.
#[test]
fn reply_prints_decoded_text_and_raw_on_request() {
    let (_dir, cfg, mut store, _) = setup();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let raw =
        "From: =?utf-8?q?Mar=C3=ADa_Garc=C3=ADa?= <maria@garcia.es>\r\nTo: hello@alphx.shop\r\n\
Subject: =?utf-8?q?Cuenco_roto_=E2=80=93_pedido_1042?=\r\nMessage-ID: <maria-1@garcia.es>\r\n\
Date: Tue, 24 Nov 2026 09:30:00 +0100\r\n\r\nHola, el cuenco llegó roto.\r\n"
            .as_bytes()
            .to_vec();
    let parsed = shopinbox::mail::parse::parse_message(&raw);
    store
        .ingest(
            vec![NewMessage {
                location: Location::new("INBOX", 7, 2),
                raw,
                parsed,
                received_at: Utc.with_ymd_and_hms(2026, 11, 24, 8, 30, 0).unwrap(),
                flags: vec![],
            }],
            None,
        )
        .unwrap();
    let conv = store
        .list(View::All, now, 0, 5)
        .unwrap()
        .into_iter()
        .find(|r| r.customer_addr == "maria@garcia.es")
        .unwrap()
        .id;
    let args = ReplyArgs {
        conversation: conv,
        template: "acknowledge",
        send: false,
        raw: false,
        demo_dir: None,
        attach: &[],
    };
    let readable = reply_cli(&cfg, &mut store, args, &mut NoWriteBack, now).unwrap();
    assert!(
        readable.contains("To: María García <maria@garcia.es>\n"),
        "{readable}"
    );
    assert!(
        readable.contains("Subject: Re: Cuenco roto – pedido 1042\n"),
        "{readable}"
    );
    assert!(readable.contains("In-Reply-To: <maria-1@garcia.es>\n"));
    assert!(readable.contains("María"), "{readable}");
    assert!(!readable.contains("=?utf-8?"), "{readable}");
    assert!(!readable.contains("=C3=AD"), "{readable}");
    assert!(readable.contains("\n(not sent; "), "{readable}");

    let wire = reply_cli(
        &cfg,
        &mut store,
        ReplyArgs { raw: true, ..args },
        &mut NoWriteBack,
        now,
    )
    .unwrap();
    assert!(wire.contains("=?utf-8?"), "{wire}");
    assert!(wire.contains("Content-Transfer-Encoding:"), "{wire}");
    assert!(wire.contains("MIME-Version: 1.0\n"), "{wire}");
    assert!(!wire.contains("To: María"), "{wire}");
}

/// Issue 21: a promise kept late gets the same apology as a late answer; kept on time, none.
#[test]
fn a_promise_kept_late_apologizes() {
    let (_dir, cfg, mut store, conv) = setup();
    let berlin = |d: u32, h: u32, m: u32| {
        chrono_tz::Europe::Berlin
            .with_ymd_and_hms(2026, 11, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    // Answered by phone on Tuesday, promising more by Wednesday's close.
    store.mark_answered(conv, Some(berlin(24, 10, 30))).unwrap();
    store
        .set_follow_up(conv, Some(berlin(25, 17, 0)), berlin(24, 11, 0))
        .unwrap();
    let (templates, _) = flow::load_templates(&cfg);
    let t = flow::find_template(&templates, "plain").unwrap();
    let text = |store: &Store, now| {
        let msg = flow::message_to_answer(store, conv).unwrap();
        flow::draft(&cfg, store, &msg, t, now).unwrap().text
    };
    assert!(
        !text(&store, berlin(25, 12, 0)).contains("sorry"),
        "kept on time"
    );
    let late = text(&store, berlin(26, 11, 0));
    assert!(late.contains("I am sorry for the slow reply."), "{late}");
    store.set_follow_up(conv, None, berlin(26, 11, 0)).unwrap();
    assert!(
        !text(&store, berlin(26, 11, 0)).contains("sorry"),
        "answered, nothing promised: nothing to apologize for"
    );
}
