//! Issue 22: search ranks in tiers (the words as typed in the subject or sender, then
//! anywhere; then the last word as a prefix in the subject or sender, then anywhere), newest
//! first within a tier, one hit per conversation.

use super::*;
use crate::mail::{Address, ParsedMessage};
use chrono::{TimeZone, Utc};
use std::collections::HashMap;

fn ctx() -> ShopContext {
    ShopContext {
        addresses: vec!["shop@example.com".to_string()],
        calendar: crate::deadline::Calendar::office_hours(
            chrono_tz::Europe::Berlin,
            chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        ),
        clock: crate::clock::Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()),
        proactive: Default::default(),
    }
}

/// (label, sender name, subject, body, hour of 2026-11-20, the label it replies to).
type Msg = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
    &'static str,
);

/// A store holding `msgs` (each its own conversation unless it replies to another), and the
/// label of each stored message.
fn store_with(msgs: &[Msg]) -> (Store, HashMap<i64, &'static str>) {
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let mut labels = HashMap::new();
    for (i, &(label, name, subject, body, hour, parent)) in msgs.iter().enumerate() {
        let from = format!("{label}@customer.example");
        let raw = format!(
            "Message-ID: <{label}@x>\r\nFrom: {from}\r\nSubject: {subject}\r\n\r\n{body}\r\n"
        );
        let parent = (!parent.is_empty()).then(|| format!("{parent}@x"));
        let out = s
            .ingest(
                vec![NewMessage {
                    location: Location::new("INBOX", 1, i as u32 + 1),
                    raw: raw.into_bytes(),
                    parsed: ParsedMessage {
                        message_id: Some(format!("{label}@x")),
                        in_reply_to: parent.clone(),
                        references: parent.into_iter().collect(),
                        from: Some(Address {
                            name: (!name.is_empty()).then(|| name.to_string()),
                            addr: from,
                        }),
                        subject: subject.to_string(),
                        body: body.to_string(),
                        ..ParsedMessage::default()
                    },
                    received_at: Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0).unwrap(),
                    flags: vec![],
                }],
                None,
            )
            .unwrap();
        labels.insert(out[0].key(), label);
    }
    (s, labels)
}

/// (what it shows, messages, query, limit, the hits' messages best first)
type Case = (
    &'static str,
    &'static [Msg],
    &'static str,
    u32,
    &'static [&'static str],
);

#[test]
fn ranking_tiers() {
    let cases: &[Case] = &[
        (
            "a subject match ranks above a newer body match",
            &[
                ("subj", "", "Refund please", "see above", 9, ""),
                ("body", "", "Question", "I would like a refund", 12, ""),
            ],
            "refund",
            10,
            &["subj", "body"],
        ),
        (
            "a sender match ranks above a newer body match",
            &[
                ("sender", "Anna Weber", "Hello", "a question", 9, ""),
                ("body", "", "Hello", "Anna said you know", 12, ""),
            ],
            "anna",
            10,
            &["sender", "body"],
        ),
        (
            "the word as typed ranks above a newer word it only begins",
            &[
                ("exact", "", "Hello", "the mug arrived", 9, ""),
                ("longer", "", "Hello", "the mugs arrived", 12, ""),
            ],
            "mug",
            10,
            &["exact", "longer"],
        ),
        (
            "but a prefix match in the subject ranks below a body match of the word",
            &[
                ("body", "", "Hello", "one mug broke", 9, ""),
                ("subj", "", "Mugs", "see above", 12, ""),
            ],
            "mug",
            10,
            &["body", "subj"],
        ),
        (
            "an unfinished word finds its completions, subject first",
            &[
                ("subj", "", "Parcel lost", "nothing came", 9, ""),
                ("body", "", "Hello", "the parcels came", 12, ""),
                ("none", "", "Hello", "all good", 13, ""),
            ],
            "parc",
            10,
            &["subj", "body"],
        ),
        (
            "newest first among equals",
            &[
                ("old", "", "Hello", "where is the parcel", 9, ""),
                ("mid", "", "Hello", "the parcel is late", 11, ""),
                ("new", "", "Hello", "parcel damaged", 12, ""),
            ],
            "parcel",
            10,
            &["new", "mid", "old"],
        ),
        (
            "one hit per conversation: its best message",
            &[
                ("first", "", "Parcel lost", "nothing came", 9, ""),
                (
                    "reply",
                    "",
                    "Re: Parcel lost",
                    "the parcel came after all",
                    12,
                    "first",
                ),
                ("other", "", "Hello", "my parcel is late", 10, ""),
            ],
            "parcel",
            10,
            &["reply", "other"],
        ),
        (
            "all words in the subject or sender rank first; words spread over subject and body \
             count as body matches",
            &[
                ("both", "", "Gift wrap", "please", 9, ""),
                ("spread", "", "Gift", "wrap it please", 12, ""),
                ("body", "", "Hello", "gift wrap please", 13, ""),
            ],
            "gift wrap",
            10,
            &["both", "body", "spread"],
        ),
        (
            "a trailing space ends the word: no completions",
            &[
                ("exact", "", "Hello", "the mug arrived", 9, ""),
                ("longer", "", "Hello", "the mugs arrived", 12, ""),
            ],
            "mug ",
            10,
            &["exact"],
        ),
        (
            "the limit keeps the best",
            &[
                ("subj", "", "Refund please", "see above", 9, ""),
                ("body", "", "Question", "I would like a refund", 12, ""),
                ("prefix", "", "Refunded?", "was it", 13, ""),
            ],
            "refund",
            2,
            &["subj", "body"],
        ),
        (
            "diacritics folded, in every tier",
            &[
                ("name", "Jürgen Groß", "Hallo", "Frage", 9, ""),
                ("body", "", "Hallo", "Grüße von jurgen", 12, ""),
            ],
            "jurgen",
            10,
            &["name", "body"],
        ),
    ];
    for (what, msgs, query, limit, want) in cases {
        let (s, labels) = store_with(msgs);
        let hits = s.search(query, *limit).unwrap();
        let got: Vec<&str> = hits.iter().map(|h| labels[&h.message]).collect();
        assert_eq!(&got, want, "{what} (query {query:?})");
        let convs: std::collections::HashSet<i64> =
            hits.iter().map(|h| h.conversation_id).collect();
        assert_eq!(convs.len(), hits.len(), "{what}: one hit per conversation");
    }
}

#[test]
fn every_hit_has_a_snippet_of_its_own_tier() {
    let (s, labels) = store_with(&[
        ("exact", "", "Hello", "sadly the mug arrived broken", 9, ""),
        ("longer", "", "Hello", "both mugs arrived fine", 12, ""),
    ]);
    let hits = s.search("mug", 10).unwrap();
    let by_label: HashMap<&str, &str> = hits
        .iter()
        .map(|h| (labels[&h.message], h.snippet.as_str()))
        .collect();
    assert!(
        by_label["exact"].contains("mug arrived broken"),
        "{by_label:?}"
    );
    assert!(by_label["longer"].contains("mugs arrived"), "{by_label:?}");
}

/// The newest window: a subject match older than the newest [`WINDOW`] matches is not looked
/// for, and more than a window of matches still gives a full, newest-first list.
#[test]
fn more_matches_than_the_window() {
    let n = 2_100usize;
    let mut s = Store::open_in_memory(ctx()).unwrap();
    let batch: Vec<NewMessage> = (0..n)
        .map(|i| {
            let subject = if i == 0 { "Invoice missing" } else { "Hello" };
            NewMessage {
                location: Location::new("INBOX", 1, i as u32 + 1),
                raw: format!("Message-ID: <w{i}@x>\r\n\r\nx").into_bytes(),
                parsed: ParsedMessage {
                    message_id: Some(format!("w{i}@x")),
                    from: Some(Address {
                        name: None,
                        addr: format!("c{i}@customer.example"),
                    }),
                    subject: subject.to_string(),
                    body: "the invoice please".to_string(),
                    ..ParsedMessage::default()
                },
                received_at: Utc.timestamp_opt(1_700_000_000 + i as i64 * 60, 0).unwrap(),
                flags: vec![],
            }
        })
        .collect();
    s.ingest(batch, None).unwrap();
    let hits = s.search("invoice", 50).unwrap();
    assert_eq!(hits.len(), 50);
    assert!(hits.windows(2).all(|w| w[0].received_at > w[1].received_at));
    assert!(hits.iter().all(|h| h.subject == "Hello"));
    // A query that narrows the matches to fewer than a window finds it first again.
    let hits = s.search("invoice missing", 50).unwrap();
    assert_eq!(hits[0].subject, "Invoice missing");
}
