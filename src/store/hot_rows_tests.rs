//! Issue 22, point 4: raw bytes and bodies live in `message_blobs`; the hot-rows step
//! (version 12) moves them in one transaction and keeps the store whole when it fails.

use super::*;
use crate::mail::{Address, ParsedMessage};
use chrono::{TimeZone, Utc};

const SHOP: &str = "shop@example.com";

/// The schema version just before the hot-rows step (`V12_HOT_ROWS`).
const BEFORE: i64 = 11;

fn ctx() -> ShopContext {
    ShopContext {
        addresses: vec![SHOP.to_string()],
        calendar: crate::deadline::Calendar {
            track: crate::deadline::TrackWindow::Since(
                chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            ),
            ..crate::deadline::Calendar::office_hours(
                chrono_tz::Europe::Berlin,
                chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            )
        },
        clock: crate::clock::Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()),
        proactive: Default::default(),
    }
}

/// (id, subject, body, raw) of the messages written into the store before the step.
const MESSAGES: [(i64, &str, &str, &[u8]); 4] = [
    (
        1,
        "Where is my parcel",
        "ordered last week, nothing yet",
        b"raw one\r\n\xff\x00",
    ),
    (
        2,
        "Re: Where is my parcel",
        "it ships tomorrow, sorry",
        b"raw two",
    ),
    (
        3,
        "Rechnung fehlt",
        "Grüße, die Rechnung für 1042 fehlt",
        b"raw three",
    ),
    (4, "Refund", "please refund the broken mug", b""),
];

/// A store just before the step holding [`MESSAGES`], indexed for search as it did.
fn v10_store(path: &std::path::Path) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.busy_timeout(super::BUSY_TIMEOUT).unwrap();
    assert_eq!(schema::migrate_to(&mut conn, BEFORE).unwrap(), 0);
    conn.execute_batch(
        "INSERT INTO conversations(id, subject, norm_subject, customer_addr, created_at)
             VALUES (1, 'Where is my parcel', 'where is my parcel', 'jane@mail.com', 0),
                    (2, 'Rechnung fehlt', 'rechnung fehlt', 'max@web.de', 0);
         INSERT INTO notes(customer_addr, text, created_at, updated_at)
             VALUES ('jane@mail.com', 'VIP', 0, 0);",
    )
    .unwrap();
    for (id, subject, body, raw) in MESSAGES {
        let (conv, from) = match id {
            2 => (1, SHOP),
            3 => (2, "max@web.de"),
            _ => (1, "jane@mail.com"),
        };
        conn.execute(
            "INSERT INTO messages(id, conversation_id, mailbox, uidvalidity, uid, content_hash,
                                  message_id, from_addr, from_domain, subject, received_at,
                                  body, size, is_shop, raw, flags)
             VALUES (?1, ?2, 'INBOX', 7, ?1, x'01', ?3, ?4, 'x', ?5, 1764000000 + ?1, ?6, 10,
                     ?4 = 'shop@example.com', ?7, '\\Seen')",
            rusqlite::params![id, conv, format!("m{id}@x"), from, subject, body, raw],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO message_ids VALUES (?1, ?2)",
            rusqlite::params![format!("m{id}@x"), conv],
        )
        .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO message_refs(message, ref) VALUES (2, 'm1@x');
         INSERT INTO message_flags(message, kind, reason) VALUES (4, 'suspicious', 'test');
         INSERT INTO messages_fts(rowid, subject, from_name, from_addr, body)
             SELECT id, subject, from_name, from_addr, body FROM messages;",
    )
    .unwrap();
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn fts_ok(conn: &rusqlite::Connection) {
    conn.execute(
        "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .unwrap();
}

#[test]
fn upgrade_moves_every_raw_body_and_search_hit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v10.sqlite");
    v10_store(&path);
    let s = Store::open(&path, ctx()).unwrap();
    // Upgraded through the hot-rows step (and any later one).
    assert_eq!(
        schema::version(s.connection()).unwrap(),
        schema::latest_version()
    );
    let conn = s.connection();
    assert_eq!(count(conn, "SELECT count(*) FROM messages"), 4);
    assert_eq!(count(conn, "SELECT count(*) FROM message_blobs"), 4);
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('messages')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!cols.iter().any(|c| c == "body" || c == "raw"), "{cols:?}");
    for (id, subject, body, raw) in MESSAGES {
        assert_eq!(s.raw(id).unwrap().as_deref(), Some(raw), "raw of {id}");
        let m = s.message(id).unwrap().unwrap();
        assert_eq!((m.subject.as_str(), m.body.as_str()), (subject, body));
    }
    fts_ok(conn);
    for (word, want) in [
        ("parcel", vec![1]),
        ("tomorrow", vec![1]),
        ("grüße", vec![2]),
        ("1042", vec![2]),
        ("mug", vec![1]),
        ("jane@mail.com", vec![1]),
    ] {
        let hits: Vec<i64> = s
            .search(word, 10)
            .unwrap()
            .iter()
            .map(|h| h.conversation_id)
            .collect();
        assert_eq!(hits, want, "search {word:?}");
    }
    let hit = &s.search("tomorrow", 5).unwrap()[0];
    assert!(hit.snippet.contains("tomorrow"), "{}", hit.snippet);
    assert_eq!(s.notes("jane@mail.com").unwrap()[0].text, "VIP");
    assert_eq!(s.conversation_messages(1).unwrap().len(), 3);
    assert_eq!(s.uids("INBOX", 7).unwrap(), vec![1, 2, 3, 4]);
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let fk: i64 = count(conn, "SELECT count(*) FROM pragma_foreign_key_check");
    assert_eq!(fk, 0);
}

#[test]
fn upgrade_that_fails_half_way_leaves_the_old_version_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v10.sqlite");
    v10_store(&path);
    // The whole hot-rows step runs, then a statement fails: as a kill before the commit.
    let failing = format!(
        "{}\nINSERT INTO no_such_table VALUES (1);",
        schema::MIGRATIONS[BEFORE as usize]
    );
    let mut steps: Vec<&str> = schema::MIGRATIONS[..BEFORE as usize].to_vec();
    steps.push(&failing);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.busy_timeout(super::BUSY_TIMEOUT).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        let err = schema::migrate_with(&mut conn, &steps, BEFORE + 1).unwrap_err();
        assert!(matches!(err, StoreError::Migrate { .. }), "{err:?}");
        assert_eq!(schema::version(&conn).unwrap(), BEFORE);
        assert_eq!(
            count(
                &conn,
                "SELECT count(*) FROM sqlite_schema WHERE name = 'message_blobs'"
            ),
            0
        );
        for (id, _, body, raw) in MESSAGES {
            let (b, r): (String, Vec<u8>) = conn
                .query_row("SELECT body, raw FROM messages WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            assert_eq!((b.as_str(), r.as_slice()), (body, raw));
        }
        fts_ok(&conn);
        assert_eq!(
            count(
                &conn,
                "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'mug'"
            ),
            1
        );
    }
    // The next open upgrades it for real.
    let s = Store::open(&path, ctx()).unwrap();
    // Upgraded through the hot-rows step (and any later one).
    assert_eq!(
        schema::version(s.connection()).unwrap(),
        schema::latest_version()
    );
    assert_eq!(s.raw(1).unwrap().as_deref(), Some(MESSAGES[0].3));
    assert_eq!(s.search("mug", 5).unwrap().len(), 1);
}

#[test]
fn new_messages_deletes_and_edits_keep_search_in_step() {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let raw = b"Message-ID: <n@x>\r\nFrom: ann@mail.com\r\nSubject: Lost\r\n\r\nmy umbrella\r\n";
    let out = s
        .ingest(
            vec![NewMessage {
                location: Location::new("INBOX", 3, 9),
                raw: raw.to_vec(),
                parsed: ParsedMessage {
                    message_id: Some("n@x".into()),
                    from: Some(Address {
                        name: None,
                        addr: "ann@mail.com".into(),
                    }),
                    subject: "Lost".into(),
                    body: "my umbrella".into(),
                    ..ParsedMessage::default()
                },
                received_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
                flags: vec![],
            }],
            None,
        )
        .unwrap();
    let key = out[0].key();
    assert_eq!(s.raw(key).unwrap().as_deref(), Some(&raw[..]));
    assert_eq!(s.search("umbrella", 5).unwrap().len(), 1);
    let conn = s.connection();
    conn.execute(
        "UPDATE message_blobs SET body = 'my red hat' WHERE message = ?1",
        [key],
    )
    .unwrap();
    conn.execute("UPDATE messages SET subject = 'Found' WHERE id = ?1", [key])
        .unwrap();
    fts_ok(conn);
    assert!(s.search("umbrella", 5).unwrap().is_empty());
    assert_eq!(s.search("hat", 5).unwrap().len(), 1);
    assert_eq!(s.search("found", 5).unwrap().len(), 1);
    let conn = s.connection();
    conn.execute("DELETE FROM messages WHERE id = ?1", [key])
        .unwrap();
    fts_ok(conn);
    assert_eq!(count(conn, "SELECT count(*) FROM message_blobs"), 0);
    assert!(s.search("hat", 5).unwrap().is_empty());
}

/// The re-sync's queries read the covering index, never a message row.
#[test]
fn hot_queries_use_covering_indexes() {
    let s = Store::open_in_memory(ctx()).unwrap();
    for sql in [
        "SELECT uid FROM messages WHERE mailbox = 'INBOX' AND uidvalidity = 1 AND uid > 0
         AND removed_at IS NULL ORDER BY uid",
        "SELECT uid, flags FROM messages WHERE mailbox = 'INBOX' AND uidvalidity = 1
         AND uid > 0 AND removed_at IS NULL",
    ] {
        let plan: Vec<String> = s
            .connection()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map([], |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("; ");
        assert!(
            plan.contains("COVERING INDEX messages_sync") && !plan.contains("TEMP B-TREE"),
            "{sql}: {plan}"
        );
    }
}
