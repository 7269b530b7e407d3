//! Orders, duplicate orders, bounced replies, suspicious mail and warning notes, through the
//! store's real ingest path (raw mail → parse → ingest → views).

use super::*;
use crate::mail::{parse_message, AutoKind};
use chrono::{DateTime, TimeZone, Utc};

const SHOP: &str = "hello@alphx.shop";

fn ctx() -> ShopContext {
    let mut ctx = crate::config::Config::demo()
        .shop_context(crate::clock::Clock::fixed(at("2025-06-03T12:00:00Z")));
    ctx.proactive.shop.name = "Alphx".into();
    ctx
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn new(raw: &str, when: &str, uid: u32) -> NewMessage {
    let raw = raw.replace('\n', "\r\n").into_bytes();
    NewMessage {
        location: Location::new("INBOX", 1, uid),
        parsed: parse_message(&raw),
        raw,
        received_at: at(when),
        flags: vec![],
    }
}

fn shopify(number: u32, when: &str) -> String {
    format!(
        "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com header.s=s1\n\
         From: Shopify <mailer@shopify.com>\nTo: {SHOP}\nSubject: [Alphx] Order #{number} placed by Jane Doe\n\
         Message-ID: <order-{number}@shopify.com>\n\n\
         Order summary\nSpeckled pasta plates (set of 4) × 1\n\nTotal: €64.00\n\n\
         Customer\nJane Doe\njane.doe.83@outlook.com\n\nShipping address\nJane Doe\nLindenstraße 12\n10115 Berlin\n\n{when}\n"
    )
}

fn needs_reply(s: &Store) -> Vec<ConversationRow> {
    s.list(View::NeedsReply, at("2025-06-03T12:00:00Z"), 0, 100)
        .unwrap()
}

#[test]
fn duplicate_orders_make_one_item_and_the_customer_joins_it() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    s.ingest(
        vec![
            new(&shopify(1047, "a"), "2025-06-03T07:00:00Z", 1),
            new(&shopify(1048, "b"), "2025-06-03T07:20:00Z", 2),
        ],
        None,
    )
    .unwrap();
    let rows = needs_reply(&s);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let dup = &rows[0];
    assert_eq!(dup.subject, "Possible duplicate order #1047 / #1048");
    assert_eq!(dup.customer_addr, "jane.doe.83@outlook.com");
    assert_eq!(dup.customer_name.as_deref(), Some("Jane Doe"));
    assert_eq!(dup.pending_since, Some(at("2025-06-03T07:20:00Z")));
    // Due at the same-day close (17:00 Berlin), like a customer message.
    assert_eq!(dup.due_at, Some(at("2025-06-03T15:00:00Z")));
    assert_eq!(dup.flags.len(), 1);
    assert_eq!(dup.flags[0].kind, FlagKind::DuplicateOrder);
    assert_eq!(
        dup.flags[0].reason,
        "orders #1047 and #1048 from Jane Doe: same items, same total, 20 minutes apart"
    );
    assert_eq!(s.conversation_messages(dup.id).unwrap().len(), 2);

    // The orders are in the customer's history.
    let info = s.customer("jane.doe.83@outlook.com").unwrap();
    let numbers: Vec<&str> = info.orders.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, ["1048", "1047"]);
    assert_eq!(info.orders[0].total.as_deref(), Some("€64.00"));

    // The customer writes about it: the message joins the item.
    s.ingest(
        vec![new(
            "From: JANE DOE <jane.doe.83@outlook.com>\nTo: hello@alphx.shop\nSubject: ordered twice\nMessage-ID: <jane-1@outlook.com>\n\nPlease cancel #1048.\n",
            "2025-06-03T08:00:00Z",
            3,
        )],
        None,
    )
    .unwrap();
    let rows = needs_reply(&s);
    assert_eq!(ids(&rows), [dup.id]);
    assert_eq!(rows[0].message_count, 3);

    // "Not a duplicate" leaves the customer's own question waiting; undo brings it back.
    assert!(s.dismiss_duplicate(dup.id).unwrap());
    let row = s.conversation(dup.id).unwrap().unwrap();
    assert!(row.flags.is_empty());
    assert_eq!(row.pending_since, Some(at("2025-06-03T08:00:00Z")));
    assert!(s.restore_duplicate(dup.id).unwrap());
    let row = s.conversation(dup.id).unwrap().unwrap();
    assert_eq!(row.pending_since, Some(at("2025-06-03T07:20:00Z")));
    assert!(
        !s.restore_duplicate(dup.id).unwrap(),
        "nothing left to undo"
    );
}

#[test]
fn a_dismissed_duplicate_leaves_needs_reply_and_single_orders_never_enter() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    s.ingest(
        vec![
            new(&shopify(1047, "a"), "2025-06-03T07:00:00Z", 1),
            new(&shopify(2000, "b"), "2025-06-05T07:20:00Z", 2),
        ],
        None,
    )
    .unwrap();
    assert!(
        needs_reply(&s).is_empty(),
        "two days apart: not a duplicate"
    );
    let all = s
        .list(View::NotCustomer, at("2025-06-06T12:00:00Z"), 0, 10)
        .unwrap();
    assert_eq!(all.len(), 2);
    assert!(all
        .iter()
        .all(|r| r.not_customer == Some(NotCustomer::Auto(AutoKind::Order))));

    s.ingest(
        vec![new(&shopify(1049, "c"), "2025-06-03T09:00:00Z", 3)],
        None,
    )
    .unwrap();
    let dup = needs_reply(&s);
    assert_eq!(dup.len(), 1);
    assert!(s.dismiss_duplicate(dup[0].id).unwrap());
    assert!(needs_reply(&s).is_empty());
}

const DSN: &str = "From: Mail Delivery System <MAILER-DAEMON@mx.alphx.shop>\nTo: hello@alphx.shop\n\
Subject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn-1@mx.alphx.shop>\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n\
--B\nContent-Type: text/plain\n\nCould not deliver.\n\n--B\nContent-Type: message/delivery-status\n\n\
Reporting-MTA: dns; mx.alphx.shop\n\nFinal-Recipient: rfc822; sarah.kowalski@gmial.com\nAction: failed\nStatus: 5.1.1\n\n\
--B\nContent-Type: text/rfc822-headers\n\nFrom: hello@alphx.shop\nTo: sarah.kowalski@gmial.com\nSubject: Re: Gift wrap?\nMessage-ID: <REPLYID>\n\n--B--\n";

fn sarah_thread(s: &mut Store) -> i64 {
    s.ingest(
        vec![new(
            "From: Sarah Kowalski <sarah.kowalski@gmial.com>\nTo: hello@alphx.shop\nSubject: Gift wrap?\nMessage-ID: <sarah-1@gmial.com>\n\nCan you gift wrap?\n",
            "2025-06-03T07:00:00Z",
            1,
        )],
        None,
    )
    .unwrap();
    let mut reply = new(
        "From: Alphx <hello@alphx.shop>\nTo: sarah.kowalski@gmial.com\nSubject: Re: Gift wrap?\nMessage-ID: <reply-1@alphx.shop>\nIn-Reply-To: <sarah-1@gmial.com>\n\nYes!\n",
        "2025-06-03T08:00:00Z",
        1,
    );
    reply.location = Location::new("Sent", 1, 1);
    s.ingest(vec![reply], None).unwrap();
    let rows = s
        .list(View::All, at("2025-06-03T12:00:00Z"), 0, 10)
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(needs_reply(s).is_empty());
    rows[0].id
}

#[test]
fn a_bounced_reply_brings_its_conversation_back() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let conv = sarah_thread(&mut s);
    s.ingest(
        vec![new(
            &DSN.replace("REPLYID", "reply-1@alphx.shop"),
            "2025-06-03T08:05:00Z",
            2,
        )],
        None,
    )
    .unwrap();
    let rows = needs_reply(&s);
    assert_eq!(ids(&rows), [conv]);
    assert_eq!(rows[0].customer_addr, "sarah.kowalski@gmial.com");
    assert_eq!(rows[0].pending_since, Some(at("2025-06-03T08:05:00Z")));
    assert_eq!(rows[0].flags[0].kind, FlagKind::Bounced);
    assert_eq!(
        rows[0].flags[0].reason,
        "your reply to sarah.kowalski@gmial.com bounced: address does not exist; did you mean sarah.kowalski@gmail.com?",
    );
    // Marked answered (e.g. phoned her): done, and the warning goes with it.
    s.mark_answered(conv, Some(at("2025-06-03T09:00:00Z")))
        .unwrap();
    let row = s.conversation(conv).unwrap().unwrap();
    assert!(row.pending_since.is_none());
    assert!(row.flags.is_empty());
}

/// Reports that do not name a message the shop sent to the failed address reopen nothing:
/// the recipient and subject of a real reply are anybody's to copy.
#[test]
fn only_a_report_naming_the_shop_s_own_message_reopens() {
    for (name, dsn) in [
        (
            "same recipient and subject, a Message-ID the shop never sent",
            DSN.replace("REPLYID", "unknown@alphx.shop"),
        ),
        (
            "the shop's Message-ID, another recipient",
            DSN.replace("REPLYID", "reply-1@alphx.shop").replace(
                "rfc822; sarah.kowalski@gmial.com",
                "rfc822; someone@else.example",
            ),
        ),
        (
            "the Message-ID only in the human-readable part",
            DSN.replace("REPLYID", "unknown@alphx.shop").replace(
                "Could not deliver.",
                "Could not deliver <reply-1@alphx.shop>.",
            ),
        ),
        (
            "plain text from anybody",
            "From: postmaster@random.example\nTo: hello@alphx.shop\nSubject: Delivery failed\n\
             Message-ID: <f1@random.example>\n\nThe following address failed:\n\n  \
             sarah.kowalski@gmial.com\n"
                .to_string(),
        ),
    ] {
        let mut s = Store::open_in_memory(ctx()).unwrap();
        sarah_thread(&mut s);
        s.ingest(vec![new(&dsn, "2025-06-03T08:05:00Z", 2)], None)
            .unwrap();
        assert!(needs_reply(&s).is_empty(), "{name}");
    }
}

/// The report and the reply in the same second, or the report stored first (INBOX syncs
/// before Sent): it still reopens once the reply is there.
#[test]
fn a_report_in_the_same_second_or_before_the_reply_still_matches() {
    for (name, report_first, report_at) in [
        ("same second, reply first", false, "2025-06-03T08:00:00Z"),
        ("same second, report first", true, "2025-06-03T08:00:00Z"),
        (
            "report a second earlier, stored first",
            true,
            "2025-06-03T07:59:59Z",
        ),
    ] {
        let mut s = Store::open_in_memory(ctx()).unwrap();
        s.ingest(
            vec![new(
                "From: Sarah Kowalski <sarah.kowalski@gmial.com>\nTo: hello@alphx.shop\nSubject: Gift wrap?\nMessage-ID: <sarah-1@gmial.com>\n\nCan you gift wrap?\n",
                "2025-06-03T07:00:00Z",
                1,
            )],
            None,
        )
        .unwrap();
        let mut reply = new(
            "From: Alphx <hello@alphx.shop>\nTo: sarah.kowalski@gmial.com\nSubject: Re: Gift wrap?\nMessage-ID: <reply-1@alphx.shop>\nIn-Reply-To: <sarah-1@gmial.com>\n\nYes!\n",
            "2025-06-03T08:00:00Z",
            1,
        );
        reply.location = Location::new("Sent", 1, 1);
        let report = new(&DSN.replace("REPLYID", "reply-1@alphx.shop"), report_at, 2);
        let batch = if report_first {
            vec![report, reply]
        } else {
            vec![reply, report]
        };
        s.ingest(batch, None).unwrap();
        let rows = needs_reply(&s);
        assert_eq!(rows.len(), 1, "{name}: {rows:#?}");
        assert_eq!(rows[0].customer_addr, "sarah.kowalski@gmial.com", "{name}");
        assert_eq!(rows[0].flags[0].kind, FlagKind::Bounced, "{name}");
    }
}

#[test]
fn a_bounce_of_unknown_mail_stays_a_bounce() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    s.ingest(
        vec![new(
            &DSN.replace("REPLYID", "x@elsewhere"),
            "2025-06-03T08:05:00Z",
            2,
        )],
        None,
    )
    .unwrap();
    assert!(needs_reply(&s).is_empty());
}

#[test]
fn suspicious_mail_is_flagged_not_hidden_and_warning_notes_badge_every_conversation() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    s.ingest(
        vec![new(
            "From: Tom Support <support-desk@refund-center.example>\nTo: hello@alphx.shop\nSubject: URGENT refund\nMessage-ID: <t1@refund-center.example>\nContent-Type: text/html\n\n<p>Refund order #1050 at <a href=\"https://refund-center.example/r\">alphx.shop/refund</a>.</p>\n",
            "2025-06-03T07:00:00Z",
            1,
        )],
        None,
    )
    .unwrap();
    let rows = needs_reply(&s);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].flags[0].kind, FlagKind::Suspicious);
    assert!(rows[0].flags[0].reason.contains("refund-center.example"));

    let addr = "support-desk@refund-center.example";
    let note = s
        .add_note_with(addr, "possible fraud, card declined twice", true)
        .unwrap();
    let row = s.conversation(rows[0].id).unwrap().unwrap();
    let kinds: Vec<FlagKind> = row.flags.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FlagKind::Suspicious, FlagKind::Warning]);
    assert_eq!(row.flags[1].reason, "possible fraud, card declined twice");
    assert!(s.notes(addr).unwrap()[0].warning);
    s.set_note_warning(note, false).unwrap();
    let row = s.conversation(rows[0].id).unwrap().unwrap();
    assert_eq!(row.flags.len(), 1);
}

#[test]
fn a_sender_marked_fine_loses_the_suspicious_badge_until_the_owner_takes_it_back() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let mail = |id: u32, subject: &str| {
        format!(
            "From: PayPal <Service@Paypa1.com>\nTo: hello@alphx.shop\nSubject: {subject}\n\
             Message-ID: <p{id}@paypa1.com>\n\nYou received a payment.\n"
        )
    };
    s.ingest(
        vec![new(&mail(1, "Payment"), "2025-06-03T07:00:00Z", 1)],
        None,
    )
    .unwrap();
    let conv = needs_reply(&s)[0].id;
    let kinds = |s: &Store| -> Vec<FlagKind> {
        s.conversation(conv)
            .unwrap()
            .unwrap()
            .flags
            .iter()
            .map(|f| f.kind)
            .collect()
    };
    assert_eq!(kinds(&s), [FlagKind::Suspicious]);
    let addr = "service@paypa1.com";
    assert_eq!(s.suspicious_sender(conv).unwrap().as_deref(), Some(addr));

    // Any spelling of the address names the same sender.
    assert!(s.trust_sender(" <SERVICE@paypa1.com> ").unwrap());
    assert!(!s.trust_sender(addr).unwrap(), "already trusted");
    assert!(kinds(&s).is_empty());
    assert!(needs_reply(&s)[0].flags.is_empty());
    assert_eq!(s.suspicious_sender(conv).unwrap(), None);
    let trusted = s.trusted_senders().unwrap();
    assert_eq!(trusted.len(), 1);
    assert_eq!(trusted[0].addr, addr);
    assert_eq!(trusted[0].created_at, at("2025-06-03T12:00:00Z"));

    // New mail from the sender is flagged when stored, but not shown while trusted.
    s.ingest(
        vec![new(&mail(2, "Re: Payment"), "2025-06-03T08:00:00Z", 2)],
        None,
    )
    .unwrap();
    assert!(kinds(&s).is_empty());

    assert!(s.untrust_sender(addr).unwrap());
    assert!(!s.untrust_sender(addr).unwrap());
    assert_eq!(kinds(&s), [FlagKind::Suspicious]);
    assert!(s.trusted_senders().unwrap().is_empty());
}

fn ids(rows: &[ConversationRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

#[test]
fn clock_is_fixed() {
    // The tests above read times relative to this context's clock.
    assert_eq!(
        ctx().clock.now(),
        Utc.with_ymd_and_hms(2025, 6, 3, 12, 0, 0).unwrap()
    );
}

#[test]
fn a_bounce_stored_before_the_reply_it_reports_joins_it_when_the_reply_arrives() {
    // INBOX (with the bounce) is synced before Sent (with the reply).
    let mut s = Store::open_in_memory(ctx()).unwrap();
    s.ingest(
        vec![new(
            &DSN.replace("REPLYID", "reply-1@alphx.shop"),
            "2025-06-03T08:05:00Z",
            2,
        )],
        None,
    )
    .unwrap();
    assert!(needs_reply(&s).is_empty());
    let conv = sarah_thread_unchecked(&mut s);
    let rows = needs_reply(&s);
    assert_eq!(ids(&rows), [conv]);
    assert_eq!(rows[0].flags[0].kind, FlagKind::Bounced);
    assert_eq!(rows[0].message_count, 3);
}

fn sarah_thread_unchecked(s: &mut Store) -> i64 {
    s.ingest(
        vec![new(
            "From: Sarah Kowalski <sarah.kowalski@gmial.com>\nTo: hello@alphx.shop\nSubject: Gift wrap?\nMessage-ID: <sarah-1@gmial.com>\n\nCan you gift wrap?\n",
            "2025-06-03T07:00:00Z",
            1,
        )],
        None,
    )
    .unwrap();
    let mut reply = new(
        "From: Alphx <hello@alphx.shop>\nTo: sarah.kowalski@gmial.com\nSubject: Re: Gift wrap?\nMessage-ID: <reply-1@alphx.shop>\nIn-Reply-To: <sarah-1@gmial.com>\n\nYes!\n",
        "2025-06-03T08:00:00Z",
        1,
    );
    reply.location = Location::new("Sent", 1, 1);
    let out = s.ingest(vec![reply], None).unwrap();
    s.message(out[0].key()).unwrap().unwrap().conversation_id
}

/// Mail "from" the shop's own address that the provider failed does not answer the customer;
/// the same message in Sent, or one the provider passed, does.
#[test]
fn a_spoofed_shop_reply_answers_nobody() {
    let question = "From: Sarah Kowalski <sarah@example.com>\nTo: hello@alphx.shop\nSubject: Gift wrap?\nMessage-ID: <sarah-1@example.com>\n\nCan you gift wrap?\n";
    let reply = |auth: &str| {
        format!(
            "{auth}From: Alphx <hello@alphx.shop>\nTo: sarah@example.com\nSubject: Re: Gift wrap?\n\
             Message-ID: <r1@alphx.shop>\nIn-Reply-To: <sarah-1@example.com>\n\nAll done, no need to wait.\n"
        )
    };
    let failed = "Authentication-Results: mx.alphx.shop; dkim=none; spf=fail smtp.mailfrom=alphx.shop; dmarc=fail header.from=alphx.shop\n";
    let passed = "Authentication-Results: mx.alphx.shop; dkim=pass header.d=alphx.shop; spf=pass smtp.mailfrom=alphx.shop\n";
    // (name, auth header, folder, answered?)
    for (name, auth, folder, answered) in [
        ("failed, in INBOX", failed, "INBOX", false),
        ("failed, but in Sent", failed, "Sent", true),
        (
            "passed, in INBOX (sent from the phone, copied to INBOX)",
            passed,
            "INBOX",
            true,
        ),
        ("no verdict at all", "", "INBOX", true),
    ] {
        let mut s = Store::open_in_memory(ctx()).unwrap();
        s.remember_sent_folder("Sent").unwrap();
        let mut r = new(&reply(auth), "2025-06-03T08:00:00Z", 2);
        r.location = Location::new(folder, 1, 2);
        s.ingest(vec![new(question, "2025-06-03T07:00:00Z", 1), r], None)
            .unwrap();
        let rows = needs_reply(&s);
        assert_eq!(rows.is_empty(), answered, "{name}: {rows:#?}");
        if !answered {
            assert_eq!(rows[0].customer_addr, "sarah@example.com", "{name}");
            assert_eq!(
                rows[0].pending_since,
                Some(at("2025-06-03T07:00:00Z")),
                "{name}: owed since the customer's own mail"
            );
            assert_eq!(rows[0].flags[0].kind, FlagKind::Suspicious, "{name}");
            assert!(
                rows[0].flags[0]
                    .reason
                    .starts_with("claims to be from your shop but failed the sender check"),
                "{name}: {}",
                rows[0].flags[0].reason
            );
            // The shop's address never becomes a customer, and a reply goes to Sarah.
            let msg = crate::send::flow::message_to_answer(&s, rows[0].id).unwrap();
            assert_eq!(msg.from.unwrap().addr, "sarah@example.com", "{name}");
        }
    }
}

/// Only notifications the provider verified for the platform make a duplicate item; forged,
/// look-alike and unverified ones never do, and a customer's order-like subject is a question.
#[test]
fn duplicates_only_from_verified_notifications() {
    let signed = shopify(1047, "a");
    let twin = |auth: &str, from: &str| {
        shopify(1048, "b")
            .replace(
                "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com header.s=s1\n",
                auth,
            )
            .replace("Shopify <mailer@shopify.com>", from)
    };
    let cases = [
        (
            "dkim=fail for shopify.com",
            twin(
                "Authentication-Results: mx.alphx.shop; dkim=fail header.d=shopify.com; dmarc=fail header.from=shopify.com\n",
                "Shopify <mailer@shopify.com>",
            ),
            true,
        ),
        (
            "a look-alike domain",
            twin(
                "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify-mail.com\n",
                "Shopify <mailer@shopify-mail.com>",
            ),
            true,
        ),
        (
            "free mail",
            twin(
                "Authentication-Results: mx.alphx.shop; dkim=pass header.d=gmail.com\n",
                "Shopify <shopify.notifications@gmail.com>",
            ),
            true,
        ),
        (
            "a forged pass below the provider's own verdict",
            twin(
                "Authentication-Results: mx.alphx.shop; dkim=none; spf=softfail smtp.mailfrom=shopify.com\nAuthentication-Results: relay.example; dkim=pass header.d=shopify.com\n",
                "Shopify <mailer@shopify.com>",
            ),
            true,
        ),
    ];
    for (name, forged, flagged) in cases {
        let mut s = Store::open_in_memory(ctx()).unwrap();
        s.ingest(
            vec![
                new(&signed, "2025-06-03T07:00:00Z", 1),
                new(&forged, "2025-06-03T07:20:00Z", 2),
            ],
            None,
        )
        .unwrap();
        let rows = needs_reply(&s);
        assert!(
            rows.iter()
                .all(|r| !r.subject.starts_with("Possible duplicate")),
            "{name}: {rows:#?}"
        );
        if flagged {
            // The forged "order" is a visible customer message with a warning, never hidden.
            assert_eq!(rows.len(), 1, "{name}: {rows:#?}");
            assert_eq!(rows[0].flags[0].kind, FlagKind::Suspicious, "{name}");
            assert!(
                rows[0].flags[0].reason.contains("order notification"),
                "{name}: {}",
                rows[0].flags[0].reason
            );
        }
    }

    // No verdict from the provider at all: filed as orders (history), never a duplicate item.
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let strip = |m: String| {
        m.replace(
            "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com header.s=s1\n",
            "",
        )
    };
    s.ingest(
        vec![
            new(&strip(shopify(1047, "a")), "2025-06-03T07:00:00Z", 1),
            new(&strip(shopify(1048, "b")), "2025-06-03T07:20:00Z", 2),
        ],
        None,
    )
    .unwrap();
    assert!(needs_reply(&s).is_empty());
    assert_eq!(
        s.customer("jane.doe.83@outlook.com").unwrap().orders.len(),
        2
    );

    // A customer's own mail with an order-like subject is a question, owed a reply.
    let mut s = Store::open_in_memory(ctx()).unwrap();
    s.ingest(
        vec![new(
            "Authentication-Results: mx.alphx.shop; dkim=pass header.d=gmail.com\nFrom: Jo <jo@gmail.com>\nTo: hello@alphx.shop\nSubject: [URGENT] New order #1234 never arrived\nMessage-ID: <jo-1@gmail.com>\n\nWhere is it? Ordered two weeks ago.\n",
            "2025-06-03T07:00:00Z",
            1,
        )],
        None,
    )
    .unwrap();
    let rows = needs_reply(&s);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].flags.is_empty(), "{rows:#?}");
}
