//! Imported orders against the orders known from notification mails (through the store's real
//! ingest path), and the campaign link's uniqueness.

use super::super::*;
use super::*;
use crate::mail::parse_message;
use crate::outreach::import::{read_orders, ImportedOrder};
use chrono::TimeZone;

const SHOP: &str = "hello@alphx.shop";

fn ctx() -> ShopContext {
    crate::config::Config::demo()
        .shop_context(crate::clock::Clock::fixed(at("2026-11-24T12:00:00Z")))
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn notification(number: u32, dkim: bool) -> NewMessage {
    // Without the provider's verdict it is filed, unverified (history only).
    let auth = if dkim {
        "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com header.s=s1\n"
    } else {
        ""
    };
    let raw = format!(
        "{auth}From: Shopify <mailer@shopify.com>\nTo: {SHOP}\nSubject: [Alphx] Order #{number} placed by Jane Doe\n\
         Message-ID: <order-{number}@shopify.com>\n\n\
         Order summary\nSpeckled pasta plates (set of 4) × 1\n\nTotal: €64.00\n\n\
         Customer\nJane Doe\njane.doe@example.com\n\nShipping address\nJane Doe\nLindenstraße 12\n10115 Berlin\n"
    )
    .replace('\n', "\r\n")
    .into_bytes();
    NewMessage {
        location: Location::new("INBOX", 1, number),
        parsed: parse_message(&raw),
        raw,
        received_at: at("2026-11-02T13:04:00Z"),
        flags: vec![],
    }
}

fn shopify_fixture() -> Vec<ImportedOrder> {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/outreach/fixtures/shopify_orders.csv"),
    )
    .unwrap();
    read_orders(&bytes, None, chrono_tz::Europe::Berlin)
        .unwrap()
        .orders
}

/// platform, number, message, verified, imported_at, items.
type Row = (String, String, Option<i64>, bool, Option<i64>, String);

fn order_rows(s: &Store) -> Vec<Row> {
    s.connection()
        .prepare(
            "SELECT platform, number, message, verified, imported_at, items FROM orders
             ORDER BY platform, number",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_order_known_from_its_notification_is_one_order_after_the_import() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    // #1047 came by mail, unverified (the provider gave no verdict).
    s.ingest(vec![notification(1047, false)], None).unwrap();
    let before = order_rows(&s);
    assert_eq!(before.len(), 1);
    assert!(!before[0].3, "not verified by mail");

    let counts = s.import_orders(&shopify_fixture()).unwrap();
    assert_eq!(
        counts,
        ImportCounts {
            new: 2,
            merged: 1,
            again: 0
        }
    );
    let rows = order_rows(&s);
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let o = &rows[0];
    assert_eq!((o.0.as_str(), o.1.as_str()), ("shopify", "1047"));
    assert!(o.2.is_some(), "still points at its notification");
    assert!(o.3, "the shop's own export verifies it");
    assert!(o.4.is_some());

    // The same file again changes nothing but the counts.
    let counts = s.import_orders(&shopify_fixture()).unwrap();
    assert_eq!(
        counts,
        ImportCounts {
            new: 0,
            merged: 0,
            again: 3
        }
    );
    assert_eq!(order_rows(&s).len(), 3);

    // The customer's history: one #1047, with the export's time.
    let info = s.customer("jane.doe@example.com").unwrap();
    assert_eq!(info.orders.len(), 1);
    assert_eq!(
        info.orders[0].placed_at,
        Utc.with_ymd_and_hms(2026, 11, 2, 13, 3, 22).unwrap()
    );
}

#[test]
fn a_notification_arriving_after_the_import_joins_its_order() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    s.import_orders(&shopify_fixture()).unwrap();
    s.ingest(
        vec![notification(1047, true), notification(1049, true)],
        None,
    )
    .unwrap();
    let rows = order_rows(&s);
    // 1047, 1048, 1049 from the file; the mail adds none.
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let mine: Vec<_> = rows
        .iter()
        .filter(|r| r.2.is_some())
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(mine, ["1047", "1049"]);
    // The export's items stay (the mail would have said the same in its own words).
    assert!(rows[0].5.contains("Speckled pasta plates"));
    // No duplicate item from two different orders that the mail matched to imported ones.
    assert!(s
        .list(View::NeedsReply, at("2026-11-24T12:00:00Z"), 0, 10)
        .unwrap()
        .iter()
        .all(|r| !r.subject.starts_with("Possible duplicate")));
}

#[test]
fn a_customer_gets_one_notice_per_campaign_whatever_tries_again() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let r = Recipient {
        addr: "jane.doe@example.com".into(),
        name: Some("Jane Doe".into()),
        language: "en".into(),
        orders: vec!["1047".into()],
        items: vec![],
        held: None,
        removed: false,
    };
    let id = s
        .create_campaign("Late supplier", "supplier-delay", "{}", &[r])
        .unwrap();
    assert_eq!(s.campaign_pending(id).unwrap().len(), 1);
    let composed = |mid: &str| crate::send::compose::Composed {
        message_id: mid.into(),
        to: "jane.doe@example.com".into(),
        from: SHOP.into(),
        subject: "About your order".into(),
        in_reply_to: None,
        raw: b"Subject: x\r\n\r\nbody\r\n".to_vec(),
    };
    let now = at("2026-11-24T12:00:00Z");
    let enqueue = |s: &Store, mid: &str| {
        crate::send::outbox::enqueue_then(
            s.connection(),
            &composed(mid),
            None,
            None,
            now,
            None,
            |c, oid| link_notice(c, oid, id, "jane.doe@example.com", mid),
        )
    };
    let first = enqueue(&s, "n1@alphx.shop").unwrap();
    assert!(
        enqueue(&s, "n2@alphx.shop").is_err(),
        "the second notice is refused"
    );
    // ... and leaves nothing in the outbox.
    let items: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(items, 1);
    assert_eq!(
        s.campaign_links(id).unwrap(),
        vec![(first, "jane.doe@example.com".to_string())]
    );
    assert!(s.campaign_pending(id).unwrap().is_empty());

    // Every claim is in the send log; an attempt logged first keeps its precise time.
    log_attempt(s.connection(), first, now.timestamp_millis() + 250).unwrap();
    s.connection()
        .execute(
            "UPDATE outbox SET state = 'sending', attempts = 1, updated_at = ?1 WHERE id = ?2",
            rusqlite::params![now.timestamp(), first],
        )
        .unwrap();
    assert_eq!(
        attempts_since(s.connection(), 0).unwrap(),
        vec![now.timestamp_millis() + 250]
    );
    let counts = s.campaign_counts(id).unwrap();
    assert_eq!((counts.recipients, counts.waiting, counts.sent), (1, 1, 0));
}

#[test]
fn removed_and_held_recipients_get_nothing() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let r = |addr: &str, held: Option<&str>| Recipient {
        addr: addr.into(),
        name: None,
        language: "de".into(),
        orders: vec![],
        items: vec![],
        held: held.map(str::to_string),
        removed: false,
    };
    let id = s
        .create_campaign(
            "x",
            "t",
            "{}",
            &[
                r("a@x.com", None),
                r("b@x.com", Some("warning note: fraud")),
                r("c@x.com", None),
            ],
        )
        .unwrap();
    assert!(s.set_recipient_removed(id, "C@x.com", true).unwrap());
    assert!(!s.set_recipient_removed(id, "zzz@x.com", true).unwrap());
    let pending: Vec<String> = s
        .campaign_pending(id)
        .unwrap()
        .into_iter()
        .map(|r| r.addr)
        .collect();
    assert_eq!(pending, ["a@x.com"]);
    let c = s.campaign_counts(id).unwrap();
    assert_eq!((c.recipients, c.held, c.removed), (3, 1, 1));
}

#[test]
fn a_warning_note_or_a_waiting_question_asks_for_a_personal_reply() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    assert_eq!(s.personal_reason("a@x.com").unwrap(), None);
    s.add_note_with("a@x.com", "card declined twice", true)
        .unwrap();
    assert_eq!(
        s.personal_reason("a@x.com").unwrap().as_deref(),
        Some("warning note: card declined twice")
    );
    let raw = "From: Bob <b@x.com>\r\nTo: hello@alphx.shop\r\nSubject: Broken mug\r\n\
               Message-ID: <q1@x.com>\r\n\r\nMy mug arrived broken.\r\n"
        .as_bytes()
        .to_vec();
    s.ingest(
        vec![NewMessage {
            location: Location::new("INBOX", 1, 1),
            parsed: parse_message(&raw),
            raw,
            received_at: at("2026-11-24T09:00:00Z"),
            flags: vec![],
        }],
        None,
    )
    .unwrap();
    assert_eq!(
        s.personal_reason("b@x.com").unwrap().as_deref(),
        Some("open complaint: Broken mug")
    );
}

fn new_msg(raw: &str, mailbox: &str, uid: u32, when: &str) -> NewMessage {
    let raw = raw.replace('\n', "\r\n").into_bytes();
    let location = if mailbox == "local" {
        Location::local("local")
    } else {
        Location::new(mailbox, 1, uid)
    };
    NewMessage {
        location,
        parsed: parse_message(&raw),
        raw,
        received_at: at(when),
        flags: vec![],
    }
}

#[test]
fn bounces_and_replies_count_for_their_campaign_and_a_reply_is_marked_with_it() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let r = |addr: &str| Recipient {
        addr: addr.into(),
        name: None,
        language: "en".into(),
        orders: vec![],
        items: vec![],
        held: None,
        removed: false,
    };
    let id = s
        .create_campaign(
            "Kiln",
            "kiln",
            "{}",
            &[r("ann@example.com"), r("bob@exmaple.com")],
        )
        .unwrap();
    let now = at("2026-11-24T10:00:00Z");
    for (addr, mid) in [
        ("ann@example.com", "n-ann@alphx.shop"),
        ("bob@exmaple.com", "n-bob@alphx.shop"),
    ] {
        let m = crate::send::compose::Composed {
            message_id: mid.into(),
            to: addr.into(),
            from: SHOP.into(),
            subject: "Your order ships later".into(),
            in_reply_to: None,
            raw: vec![],
        };
        crate::send::outbox::enqueue_then(s.connection(), &m, None, None, now, None, |c, oid| {
            link_notice(c, oid, id, addr, mid)
        })
        .unwrap();
        // The local copy of the sent notice, as after a send.
        s.ingest(
            vec![new_msg(
                &format!("From: Alphx <{SHOP}>\nTo: {addr}\nSubject: Your order ships later\nMessage-ID: <{mid}>\n\nSorry.\n"),
                "local",
                0,
                "2026-11-24T10:00:00Z",
            )],
            None,
        )
        .unwrap();
    }
    // Ann answers; Bob's address bounces.
    s.ingest(
        vec![
            new_msg(
                "From: Ann <ann@example.com>\nTo: hello@alphx.shop\nSubject: Re: Your order ships later\n\
                 Message-ID: <ann-1@example.com>\nIn-Reply-To: <n-ann@alphx.shop>\nReferences: <n-ann@alphx.shop>\n\nCan I cancel?\n",
                "INBOX",
                1,
                "2026-11-24T11:00:00Z",
            ),
            new_msg(
                "From: Mail Delivery System <MAILER-DAEMON@mx.alphx.shop>\nTo: hello@alphx.shop\n\
                 Subject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn-1@mx.alphx.shop>\n\
                 Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n\
                 --B\nContent-Type: text/plain\n\nCould not deliver.\n\n--B\nContent-Type: message/delivery-status\n\n\
                 Reporting-MTA: dns; mx.alphx.shop\n\nFinal-Recipient: rfc822; bob@exmaple.com\nAction: failed\nStatus: 5.1.1\n\n\
                 --B\nContent-Type: text/rfc822-headers\n\nFrom: hello@alphx.shop\nTo: bob@exmaple.com\n\
                 Subject: Your order ships later\nMessage-ID: <n-bob@alphx.shop>\n\n--B--\n",
                "INBOX",
                2,
                "2026-11-24T10:05:00Z",
            ),
        ],
        None,
    )
    .unwrap();
    let c = s.campaign_counts(id).unwrap();
    assert_eq!((c.bounced, c.replied), (1, 1));
    let needs = s
        .list(View::NeedsReply, at("2026-11-24T12:00:00Z"), 0, 10)
        .unwrap();
    let ann = needs
        .iter()
        .find(|r| r.customer_addr == "ann@example.com")
        .expect("Ann's answer waits in Needs reply");
    assert_eq!(
        s.campaign_of_conversation(ann.id).unwrap(),
        Some((id, "Kiln".to_string()))
    );
}

#[test]
fn a_v12_store_upgrades_with_its_orders_and_outbox_and_logs_every_claim() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v12.sqlite");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.busy_timeout(super::super::BUSY_TIMEOUT).unwrap();
        super::super::schema::migrate_to(&mut conn, 12).unwrap();
        conn.execute_batch(
            "INSERT INTO orders(platform, number, placed_at, customer_addr, verified)
                 VALUES ('shopify', '1047', 1764000000, 'jane@mail.com', 0);
             INSERT INTO outbox(to_addr, subject, raw, message_id, state, created_at, updated_at)
                 VALUES ('jane@mail.com', 'Re: Hi', x'00', 'o@shop', 'queued', 0, 0);",
        )
        .unwrap();
    }
    let s = Store::open(&path, ctx()).unwrap();
    assert_eq!(
        super::super::schema::version(s.connection()).unwrap(),
        super::super::schema::latest_version()
    );
    let (imported, country): (Option<i64>, Option<String>) = s
        .connection()
        .query_row("SELECT imported_at, country FROM orders", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((imported, country), (None, None));
    // A claim (any reply, not only a notice) is in the send log, at its claim time.
    s.connection()
        .execute(
            "UPDATE outbox SET state = 'sending', attempts = 1, updated_at = 1764000100",
            [],
        )
        .unwrap();
    assert_eq!(
        attempts_since(s.connection(), 0).unwrap(),
        vec![1_764_000_100_000]
    );
    assert!(s.campaigns().unwrap().is_empty());
}
