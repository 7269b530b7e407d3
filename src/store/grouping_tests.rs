//! Conversation grouping does not depend on the order mail arrives in (issue 22): the same
//! mailbox ingested chronologically, shuffled, newest first, or in batches cut short by a kill
//! and resumed (with some messages sent again) ends in the same partition into conversations.
//! A merge keeps the owner's marks on the conversation that stays.

use super::*;
use crate::deadline::Calendar;
use crate::mail::{Address, ParsedMessage};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use std::collections::{BTreeSet, HashMap};

const SHOP: &str = "shop@example.com";

fn ctx() -> ShopContext {
    ShopContext {
        addresses: vec![SHOP.to_string()],
        calendar: Calendar {
            track: crate::deadline::TrackWindow::Since(
                chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            ),
            ..Calendar::office_hours(
                chrono_tz::Europe::Berlin,
                NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            )
        },
        clock: crate::clock::Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()),
        proactive: Default::default(),
    }
}

/// xorshift64*: a fixed, dependency-free sequence per seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

/// One generated message: what to ingest, and where it lives on the server.
#[derive(Clone)]
struct Gen {
    id: Option<String>,
    from: String,
    to: String,
    subject: String,
    in_reply_to: Option<String>,
    refs: Vec<String>,
    at: DateTime<Utc>,
    mailbox: &'static str,
    uid: u32,
}

impl Gen {
    fn message(&self) -> NewMessage {
        let id_line = self
            .id
            .as_ref()
            .map(|i| format!("Message-ID: <{i}>\r\n"))
            .unwrap_or_default();
        let raw = format!(
            "{id_line}From: {}\r\nTo: {}\r\nSubject: {}\r\n\r\nbody {} {}\r\n",
            self.from, self.to, self.subject, self.mailbox, self.uid
        );
        NewMessage {
            location: Location::new(self.mailbox, 1, self.uid),
            raw: raw.into_bytes(),
            parsed: ParsedMessage {
                message_id: self.id.clone(),
                from: Some(Address {
                    name: None,
                    addr: self.from.clone(),
                }),
                to: vec![Address {
                    name: None,
                    addr: self.to.clone(),
                }],
                subject: self.subject.clone(),
                in_reply_to: self.in_reply_to.clone(),
                references: self.refs.clone(),
                body: format!("body {} {}", self.mailbox, self.uid),
                ..ParsedMessage::default()
            },
            received_at: self.at,
            flags: vec![],
        }
    }
}

/// About 200 messages from 30 customers: threads with replies both ways (each reply's
/// References the whole chain), the same subjects from different customers, the same
/// customer asking the same thing again weeks later (a new matter past 30 days, the same one
/// within), follow-ups without headers and without a Message-ID, and replies to a message
/// that is never stored.
fn mailbox() -> Vec<Gen> {
    const SUBJECTS: &[&str] = &[
        "Where is my order?",
        "Return",
        "Invoice please",
        "Damaged parcel",
        "Question about sizes",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let base = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    let mut out: Vec<Gen> = Vec::new();
    let (mut inbox_uid, mut sent_uid) = (0u32, 0u32);
    let mut n = 0;
    for c in 0..30 {
        let customer = format!("c{c}@example.net");
        let threads = 1 + rng.below(3);
        for t in 0..threads {
            let subject = SUBJECTS[rng.below(SUBJECTS.len() as u64) as usize];
            let mut at = base + Duration::days(rng.below(150) as i64) + Duration::hours(t as i64);
            let mut chain: Vec<String> = Vec::new();
            // A reply to a message the store never sees (sent from another program long ago).
            if rng.below(6) == 0 {
                chain.push(format!("lost-{c}-{t}@elsewhere"));
            }
            let len = 1 + rng.below(6);
            for k in 0..len {
                n += 1;
                let from_shop = k % 2 == 1;
                let (from, to, mailbox, uid) = if from_shop {
                    sent_uid += 1;
                    (SHOP.to_string(), customer.clone(), "Sent", sent_uid)
                } else {
                    inbox_uid += 1;
                    (customer.clone(), SHOP.to_string(), "INBOX", inbox_uid)
                };
                let kind = rng.below(10);
                // 0: no Message-ID and no headers; 1: headers dropped (subject only).
                let id =
                    (kind != 0).then(|| format!("m{n}@{}", if from_shop { "shop" } else { "c" }));
                let linked = kind > 1 && !chain.is_empty();
                // Some shop replies change the subject; they stay linked by their headers.
                let subject = if k == 0 {
                    subject.to_string()
                } else if from_shop && linked && rng.below(4) == 0 {
                    format!("Your request {c}-{t}")
                } else {
                    format!("Re: {subject}")
                };
                out.push(Gen {
                    id: id.clone(),
                    from,
                    to,
                    subject,
                    in_reply_to: linked.then(|| chain.last().cloned()).flatten(),
                    refs: if linked { chain.clone() } else { Vec::new() },
                    at,
                    mailbox,
                    uid,
                });
                if let Some(id) = id {
                    chain.push(id);
                }
                // Mostly hours apart, sometimes weeks (around the 30-day subject window).
                at += if rng.below(8) == 0 {
                    Duration::days(20 + rng.below(25) as i64)
                } else {
                    Duration::hours(1 + rng.below(40) as i64)
                };
            }
        }
    }
    out
}

/// The partition into conversations, as sets of message indexes.
fn partition(store: &Store, keys: &HashMap<MessageKey, usize>) -> BTreeSet<BTreeSet<usize>> {
    let mut by_conv: HashMap<i64, BTreeSet<usize>> = HashMap::new();
    let mut st = store
        .connection()
        .prepare("SELECT id, conversation_id FROM messages")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .unwrap();
    for row in rows {
        let (key, conv) = row.unwrap();
        by_conv.entry(conv).or_default().insert(keys[&key]);
    }
    // Every conversation row has messages, and every message's conversation exists.
    let convs: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM conversations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        convs as usize,
        by_conv.len(),
        "no empty or missing conversations"
    );
    by_conv.into_values().collect()
}

/// Ingests `order` (indexes into `mail`) in batches of `batch`; after every `kill_every`th
/// batch the next batch is lost (a kill before its commit) and sent again later, together
/// with one already-stored batch (a resumed sync that re-lists what it had).
fn ingest_in(
    mail: &[Gen],
    order: &[usize],
    batch: usize,
    kill_every: usize,
) -> BTreeSet<BTreeSet<usize>> {
    let mut store = Store::open_in_memory(ctx()).unwrap();
    let mut keys: HashMap<MessageKey, usize> = HashMap::new();
    let chunks: Vec<&[usize]> = order.chunks(batch).collect();
    let mut lost: Vec<usize> = Vec::new();
    let mut again: Vec<usize> = Vec::new();
    let run = |store: &mut Store, idx: &[usize], keys: &mut HashMap<MessageKey, usize>| {
        let out = store
            .ingest(idx.iter().map(|&i| mail[i].message()).collect(), None)
            .unwrap();
        for (o, &i) in out.iter().zip(idx) {
            if let InsertOutcome::Inserted(k) = o {
                keys.insert(*k, i);
            }
        }
    };
    for (n, chunk) in chunks.iter().enumerate() {
        if kill_every > 0 && n % kill_every == kill_every - 1 {
            lost.extend_from_slice(chunk);
            continue;
        }
        if kill_every > 0 && n % kill_every == 0 {
            again.extend_from_slice(chunk);
        }
        run(&mut store, chunk, &mut keys);
    }
    again.extend(lost);
    for chunk in again.chunks(batch.max(1)) {
        run(&mut store, chunk, &mut keys);
    }
    assert_eq!(keys.len(), mail.len(), "every message stored exactly once");
    partition(&store, &keys)
}

#[test]
fn grouping_is_the_same_whatever_the_order_of_arrival_or_interruptions() {
    let mail = mailbox();
    assert!((170..=300).contains(&mail.len()), "{}", mail.len());
    let mut chronological: Vec<usize> = (0..mail.len()).collect();
    chronological.sort_by_key(|&i| (mail[i].at, i));
    let clean = ingest_in(&mail, &chronological, mail.len(), 0);
    // The generator makes real threads, merges and separations, not one blob or dust.
    assert!(
        clean.len() > 40 && clean.len() < mail.len() - 40,
        "{}",
        clean.len()
    );

    let mut newest_first = chronological.clone();
    newest_first.reverse();
    assert_eq!(
        ingest_in(&mail, &newest_first, 25, 0),
        clean,
        "newest first"
    );
    assert_eq!(
        ingest_in(&mail, &newest_first, 7, 3),
        clean,
        "newest first, killed"
    );
    for seed in 1..=6u64 {
        let mut order = chronological.clone();
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1).shuffle(&mut order);
        assert_eq!(
            ingest_in(&mail, &order, mail.len(), 0),
            clean,
            "shuffled {seed}"
        );
        assert_eq!(
            ingest_in(&mail, &order, 1 + seed as usize * 5, 2 + seed as usize % 3),
            clean,
            "shuffled {seed}, batches cut short"
        );
    }
}

/// Two replies to a question the store has not seen yet start two conversations; the
/// question arrives and makes them one. The owner's marks (snooze, follow-up, the outbox reply)
/// end up on the conversation that stays, in the same transaction.
#[test]
fn a_merge_keeps_the_owners_marks() {
    let mut store = Store::open_in_memory(ctx()).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
    let g =
        |id: &str, from: &str, to: &str, subject: &str, parent: Option<&str>, h: i64, uid| Gen {
            id: Some(id.to_string()),
            from: from.to_string(),
            to: to.to_string(),
            subject: subject.to_string(),
            in_reply_to: parent.map(str::to_string),
            refs: parent.map(|p| vec![p.to_string()]).unwrap_or_default(),
            at: at + Duration::hours(h),
            mailbox: if from == SHOP { "Sent" } else { "INBOX" },
            uid,
        };
    let out = store
        .ingest(
            vec![
                g(
                    "r1@shop",
                    SHOP,
                    "ann@example.net",
                    "Your parcel",
                    Some("q@ann"),
                    2,
                    1,
                )
                .message(),
                g(
                    "r2@ann",
                    "ann@example.net",
                    SHOP,
                    "Still nothing",
                    Some("q@ann"),
                    3,
                    1,
                )
                .message(),
            ],
            None,
        )
        .unwrap();
    let conv = |store: &Store, key: MessageKey| -> i64 {
        store
            .connection()
            .query_row(
                "SELECT conversation_id FROM messages WHERE id = ?1",
                [key],
                |r| r.get(0),
            )
            .unwrap()
    };
    let (a, b) = (conv(&store, out[0].key()), conv(&store, out[1].key()));
    assert_ne!(a, b, "not linked yet");
    let later = at + Duration::days(3);
    store.snooze(b, Some(later)).unwrap();
    store.set_follow_up(b, Some(later), at).unwrap();
    store
        .connection()
        .execute(
            "INSERT INTO outbox (conversation_id, to_addr, subject, raw, message_id, state, \
             created_at, updated_at) VALUES (?1, 'ann@example.net', 'Re: Still nothing', x'00', \
             'o1@shop', 'queued', 0, 0)",
            [b],
        )
        .unwrap();

    let q = store
        .ingest(
            vec![g(
                "q@ann",
                "ann@example.net",
                SHOP,
                "Where is my parcel?",
                None,
                0,
                2,
            )
            .message()],
            None,
        )
        .unwrap();
    let keep = conv(&store, q[0].key());
    assert_eq!(keep, a.min(b));
    assert_eq!(conv(&store, out[0].key()), keep);
    assert_eq!(conv(&store, out[1].key()), keep);
    let gone = a.max(b);
    assert!(store.conversation(gone).unwrap().is_none());
    let row: (Option<i64>, Option<i64>, i64) = store
        .connection()
        .query_row(
            "SELECT snoozed_until, follow_up_at, (SELECT conversation_id FROM outbox) \
             FROM conversations WHERE id = ?1",
            [keep],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (Some(later.timestamp()), Some(later.timestamp()), keep)
    );
    let ids: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM message_ids WHERE conversation_id = ?1",
            [keep],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ids, 3);
}
