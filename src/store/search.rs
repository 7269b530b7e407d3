//! Full-text search over subject, sender and body (FTS5, bm25), one hit per conversation.
//!
//! User input never reaches FTS5 syntax: every word becomes a quoted phrase (so `"`, `*`,
//! `NEAR(`, `-`, `AND`, `:` are just text), and the last word is prefix-matched so results
//! follow the owner's typing.

use super::convert::time;
use super::error::{Ctx, StoreError};
use super::types::SearchHit;
use super::Store;
use crate::mail::Address;
use rusqlite::{params, OptionalExtension};

/// At most this many matching messages are ranked before grouping by conversation; plenty for
/// a results list, and it keeps a one-letter prefix search over 100,000 messages quick.
const CANDIDATES_PER_HIT: u32 = 20;
const MIN_CANDIDATES: u32 = 500;

/// Turn what the owner typed into a safe FTS5 query, or `None` if nothing searchable is left.
/// `typing` = the last word may be unfinished (prefix match) unless the input ends in a space.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let last = words.len().checked_sub(1)?;
    let prefix_last = !input.ends_with(char::is_whitespace);
    let parts: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            if i == last && prefix_last {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect();
    Some(parts.join(" "))
}

impl Store {
    /// Conversations matching `query`, best first (bm25; subject and sender weigh more than
    /// body), each with its best matching message and a snippet.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>, StoreError> {
        const ACTION: &str = "search messages";
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let candidates = limit.saturating_mul(CANDIDATES_PER_HIT).max(MIN_CANDIDATES);
        let mut st = self
            .conn
            .prepare_cached(
                "WITH hits AS (
                     SELECT rowid AS id, rank FROM messages_fts
                     WHERE messages_fts MATCH ?1 ORDER BY rank LIMIT ?3
                 ), ranked AS (
                     SELECT m.conversation_id, m.id, m.subject, m.from_name, m.from_addr,
                            m.received_at, h.rank,
                            row_number() OVER (PARTITION BY m.conversation_id
                                               ORDER BY h.rank, m.received_at DESC, m.id) AS rn
                     FROM hits h JOIN messages m ON m.id = h.id
                 )
                 SELECT conversation_id, id, subject, from_name, from_addr, received_at
                 FROM ranked WHERE rn = 1
                 ORDER BY rank, received_at DESC, id DESC
                 LIMIT ?2",
            )
            .ctx(ACTION)?;
        let rows = st
            .query_map(params![fts, limit, candidates], |r| {
                let addr: Option<String> = r.get(4)?;
                Ok(SearchHit {
                    conversation_id: r.get(0)?,
                    message: r.get(1)?,
                    subject: r.get(2)?,
                    from: addr.map(|addr| Address {
                        name: r.get(3).ok().flatten(),
                        addr,
                    }),
                    snippet: String::new(),
                    received_at: time(r.get(5)?),
                })
            })
            .ctx(ACTION)?;
        let mut hits: Vec<SearchHit> = rows.collect::<Result<_, _>>().ctx(ACTION)?;
        let mut snip = self
            .conn
            .prepare_cached(
                "SELECT snippet(messages_fts, -1, '', '', '…', 12) FROM messages_fts
                 WHERE messages_fts MATCH ?1 AND rowid = ?2",
            )
            .ctx(ACTION)?;
        for h in &mut hits {
            let s: Option<String> = snip
                .query_row(params![fts, h.message], |r| r.get(0))
                .optional()
                .ctx(ACTION)?;
            h.snippet = s
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_user_input() {
        let cases: [(&str, Option<&str>); 12] = [
            ("parcel", Some("\"parcel\"*")),
            ("parcel ", Some("\"parcel\"")),
            ("missing parcel", Some("\"missing\" \"parcel\"*")),
            ("\"", None),
            ("*", None),
            ("-", None),
            ("   ", None),
            ("", None),
            ("NEAR(", Some("\"NEAR(\"*")),
            ("a\"b", Some("\"a\"\"b\"*")),
            (
                "jane@mail.com -refund",
                Some("\"jane@mail.com\" \"-refund\"*"),
            ),
            ("OR AND NOT", Some("\"OR\" \"AND\" \"NOT\"*")),
        ];
        for (input, want) in cases {
            assert_eq!(fts_query(input).as_deref(), want, "input {input:?}");
        }
    }
}
