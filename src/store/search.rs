//! Full-text search over subject, sender and body (FTS5, bm25), one hit per conversation.
//!
//! User input never reaches FTS5 syntax: every word becomes a quoted phrase (so `"`, `*`,
//! `NEAR(`, `-`, `AND`, `:` are just text), and the last word is prefix-matched so results
//! follow the owner's typing.

use super::convert::time;
use super::convert::to_json;
use super::error::{Ctx, StoreError};
use super::types::SearchHit;
use super::Store;
use crate::mail::Address;
use rusqlite::params;
use std::collections::HashMap;

/// At most this many matching messages are ranked before grouping by conversation; plenty for
/// a results list.
const CANDIDATES_PER_HIT: u32 = 20;
const MIN_CANDIDATES: u32 = 500;
/// bm25 ranks only the newest this-many matches of a query. Ranking costs a few microseconds
/// per matching message (FTS5 reads each one's positions and column sizes), so a word found
/// in every message of a 100,000-message store took over a second, on each keystroke of the
/// live search. Finding the newest matches is a cheap walk of the index in rowid order, and
/// recent mail is what the owner looks for; a query with fewer matches is ranked as a whole.
const RANKED_WINDOW: u32 = 2_000;

/// Turn what the owner typed into a safe FTS5 query, or `None` if nothing searchable is left.
/// The last word may be unfinished (prefix match) unless the input ends in a space, or it is
/// a single ASCII letter or digit: "a*" matches nearly every message, and FTS5 answers a
/// prefix query by merging the postings of every word with that prefix (a quarter of a
/// second at 100,000 messages) before it can return the first hit, on the first keystroke
/// of every search. From two characters on the merge is small. A single non-ASCII
/// character stays a prefix: in Chinese or Japanese one character can be a whole name.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let last = words.len().checked_sub(1)?;
    let one_ascii = |w: &str| {
        let mut chars = w.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_ascii())
    };
    let prefix_last = !input.ends_with(char::is_whitespace) && !one_ascii(words[last]);
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
                "WITH newest AS MATERIALIZED (
                     SELECT rowid AS id, rank FROM messages_fts
                     WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?4
                 ), hits AS (
                     SELECT id, rank FROM newest ORDER BY rank LIMIT ?3
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
            .query_map(
                params![fts, limit, candidates, RANKED_WINDOW.max(candidates)],
                |r| {
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
                },
            )
            .ctx(ACTION)?;
        let mut hits: Vec<SearchHit> = rows.collect::<Result<_, _>>().ctx(ACTION)?;
        let (Some(lo), Some(hi)) = (
            hits.iter().map(|h| h.message).min(),
            hits.iter().map(|h| h.message).max(),
        ) else {
            return Ok(hits);
        };
        // All snippets in one pass over the matches: each MATCH costs a walk of the index
        // (for a prefix, a merge of every word with that prefix), so one query per hit cost
        // fifty walks. `+rowid` keeps SQLite from turning the IN list into one lookup each.
        let ids: Vec<i64> = hits.iter().map(|h| h.message).collect();
        let mut snippets: HashMap<i64, String> = HashMap::with_capacity(hits.len());
        {
            let mut snip = self
                .conn
                .prepare_cached(
                    "SELECT rowid, snippet(messages_fts, -1, '', '', '…', 12) FROM messages_fts
                     WHERE messages_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3
                       AND +rowid IN (SELECT value FROM json_each(?4))",
                )
                .ctx(ACTION)?;
            let rows = snip
                .query_map(params![fts, lo, hi, to_json(&ids)], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .ctx(ACTION)?;
            for row in rows {
                let (id, text) = row.ctx(ACTION)?;
                snippets.insert(id, text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        for h in &mut hits {
            h.snippet = snippets.remove(&h.message).unwrap_or_default();
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_user_input() {
        let cases: [(&str, Option<&str>); 17] = [
            ("parcel", Some("\"parcel\"*")),
            ("p", Some("\"p\"")),
            ("7", Some("\"7\"")),
            ("missing p", Some("\"missing\" \"p\"")),
            ("pa", Some("\"pa\"*")),
            ("李", Some("\"李\"*")),
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
