//! Full-text search over subject, sender and body (FTS5), one hit per conversation.
//!
//! User input never reaches FTS5 syntax: every word becomes a quoted phrase (so `"`, `*`,
//! `NEAR(`, `-`, `AND`, `:` are just text), and the last word is prefix-matched so results
//! follow the owner's typing.
//!
//! Ranking (issue 22) is a few cheap walks of the index newest-first instead of bm25, in
//! tiers, best first:
//! 1. the words as typed (the last one a whole word) in the subject or the sender,
//! 2. the words as typed anywhere (body included),
//! 3. the last word as a prefix ("refu" finds "refund"), in the subject or the sender,
//! 4. the last word as a prefix anywhere;
//!
//! newest first within a tier, one hit per conversation (its best message). bm25 cost a fixed
//! walk of every match's doclist per query to weigh words (`"refund"*`: 67,000 messages), and
//! a prefix query merges the doclists of every word with that prefix before its first row;
//! a whole word is read lazily, newest first, so tiers 3 and 4 (the merge) only run when the
//! first two leave the list short. A subject or sender match is looked for among the newest
//! [`WINDOW`] matches of its tier, as bm25 ranked only those before.

use super::convert::time;
use super::convert::to_json;
use super::error::{Ctx, StoreError};
use super::snippet;
use super::types::SearchHit;
use super::Store;
use crate::mail::Address;
use rusqlite::{params, OptionalExtension};
use std::collections::{HashMap, HashSet};

/// Subject and sender matches are looked for among the newest this-many matches of a query:
/// a walk of the index in rowid order, a few microseconds per message.
const WINDOW: usize = 2_000;
/// FTS5 column filter: the columns that say what a message is about and who wrote it.
const HEAD_COLUMNS: &str = "{subject from_name from_addr}";

/// What the owner typed as FTS5 queries: `exact` with every word whole, and `prefix` with the
/// last word as a prefix (`None` when the input ends in a space, or the last word is a single
/// ASCII letter or digit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtsQueries {
    pub exact: String,
    pub prefix: Option<String>,
}

/// Turn what the owner typed into safe FTS5 queries, or `None` if nothing searchable is left.
/// The last word may be unfinished (prefix match) unless the input ends in a space, or it is
/// a single ASCII letter or digit: "a*" matches nearly every message, and FTS5 answers a
/// prefix query by merging the postings of every word with that prefix (a quarter of a
/// second at 100,000 messages) before it can return the first hit, on the first keystroke
/// of every search. A single non-ASCII character stays a prefix: in Chinese or Japanese one
/// character can be a whole name.
pub fn fts_queries(input: &str) -> Option<FtsQueries> {
    let words: Vec<&str> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let last = *words.last()?;
    let one_ascii = |w: &str| {
        let mut chars = w.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_ascii())
    };
    let prefix_last = !input.ends_with(char::is_whitespace) && !one_ascii(last);
    let exact = words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ");
    let prefix = prefix_last.then(|| format!("{exact}*"));
    Some(FtsQueries { exact, prefix })
}

/// The one FTS5 query that matches everything the search can find (the prefix form when the
/// last word is a prefix).
pub fn fts_query(input: &str) -> Option<String> {
    fts_queries(input).map(|q| q.prefix.unwrap_or(q.exact))
}

/// A matching message picked for a conversation, and the query (index into the tiers'
/// queries) whose snippet it gets.
struct Pick {
    message: i64,
    conversation: i64,
    received_at: i64,
    tier: usize,
    query: usize,
}

impl Store {
    /// Conversations matching `query`, best first (see the module's ranking), each with its
    /// best matching message and a snippet.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>, StoreError> {
        const ACTION: &str = "search messages";
        let Some(fts) = fts_queries(query) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let limit = limit as usize;
        let queries: Vec<&str> = std::iter::once(fts.exact.as_str())
            .chain(fts.prefix.as_deref())
            .collect();
        let mut seen: HashSet<i64> = HashSet::new();
        let mut picks: Vec<Pick> = Vec::new();
        let mut walk = self
            .conn
            .prepare_cached(
                "SELECT rowid FROM messages_fts
                 WHERE messages_fts MATCH ?1 AND rowid >= ?2
                 ORDER BY rowid DESC LIMIT ?3",
            )
            .ctx(ACTION)?;
        let mut message = self
            .conn
            .prepare_cached("SELECT conversation_id, received_at FROM messages WHERE id = ?1")
            .ctx(ACTION)?;
        'queries: for (qi, q) in queries.iter().enumerate() {
            let newest: Vec<i64> = walk
                .query_map(params![q, 0, WINDOW as i64], |r| r.get(0))
                .ctx(ACTION)?
                .collect::<Result<_, _>>()
                .ctx(ACTION)?;
            if newest.is_empty() {
                continue;
            }
            // The subject/sender matches among the newest window (all of them if fewer).
            let bound = match newest.len() {
                n if n >= WINDOW => newest.last().copied().unwrap_or(0),
                _ => 0,
            };
            let head_query = format!("{HEAD_COLUMNS} : ({q})");
            let head: Vec<i64> = walk
                .query_map(params![head_query, bound, WINDOW as i64], |r| r.get(0))
                .ctx(ACTION)?
                .collect::<Result<_, _>>()
                .ctx(ACTION)?;
            for (ti, ids) in [head, newest].iter().enumerate() {
                for &id in ids {
                    let Some((conversation, received_at)) = message
                        .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
                        .optional()
                        .ctx(ACTION)?
                    else {
                        continue;
                    };
                    if !seen.insert(conversation) {
                        continue;
                    }
                    picks.push(Pick {
                        message: id,
                        conversation,
                        received_at,
                        tier: qi * 2 + ti,
                        query: qi,
                    });
                    if picks.len() >= limit {
                        break 'queries;
                    }
                }
            }
        }
        picks.sort_by(|a, b| {
            (a.tier, b.received_at, b.message).cmp(&(b.tier, a.received_at, a.message))
        });
        let mut snippets = self.snippets(query, &queries, &picks)?;
        let mut hits = Vec::with_capacity(picks.len());
        let mut row = self
            .conn
            .prepare_cached("SELECT subject, from_name, from_addr FROM messages WHERE id = ?1")
            .ctx(ACTION)?;
        for p in &picks {
            let (subject, name, addr): (String, Option<String>, Option<String>) = row
                .query_row([p.message], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .ctx(ACTION)?;
            hits.push(SearchHit {
                conversation_id: p.conversation,
                message: p.message,
                subject,
                from: addr.map(|addr| Address { name, addr }),
                snippet: snippets.remove(&p.message).unwrap_or_default(),
                received_at: time(p.received_at),
            });
        }
        Ok(hits)
    }

    /// The snippet of every picked message: cut from its text where its words match as typed
    /// ([`super::snippet`]), else FTS5's `snippet()` in one pass over the matches per query
    /// (each MATCH costs a walk of the index, for a prefix a merge of every word with that
    /// prefix; one query per hit cost fifty walks). `+rowid` keeps SQLite from turning the IN
    /// list into one lookup each.
    fn snippets(
        &self,
        input: &str,
        queries: &[&str],
        picks: &[Pick],
    ) -> Result<HashMap<i64, String>, StoreError> {
        const ACTION: &str = "search messages";
        let mut out = HashMap::with_capacity(picks.len());
        let mut text = self
            .conn
            .prepare_cached(
                "SELECT body, subject, from_name, from_addr FROM message_text WHERE id = ?1",
            )
            .ctx(ACTION)?;
        let terms: Vec<snippet::Terms> = (0..queries.len())
            .map(|qi| snippet::Terms::new(input, qi > 0))
            .collect();
        for p in picks {
            let Some(terms) = terms.get(p.query) else {
                continue;
            };
            let columns: Option<[Option<String>; 4]> = text
                .query_row([p.message], |r| {
                    Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
                })
                .optional()
                .ctx(ACTION)?;
            let cut = columns
                .iter()
                .flatten()
                .flatten()
                .find_map(|t| snippet::cut(t, terms));
            if let Some(cut) = cut {
                out.insert(
                    p.message,
                    cut.split_whitespace().collect::<Vec<_>>().join(" "),
                );
            }
        }
        let mut snip = self
            .conn
            .prepare_cached(
                "SELECT rowid, snippet(messages_fts, -1, '', '', '…', 12) FROM messages_fts
                 WHERE messages_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3
                   AND +rowid IN (SELECT value FROM json_each(?4))",
            )
            .ctx(ACTION)?;
        for (qi, q) in queries.iter().enumerate() {
            let ids: Vec<i64> = picks
                .iter()
                .filter(|p| p.query == qi && !out.contains_key(&p.message))
                .map(|p| p.message)
                .collect();
            let (Some(lo), Some(hi)) = (ids.iter().min(), ids.iter().max()) else {
                continue;
            };
            let rows = snip
                .query_map(params![q, lo, hi, to_json(&ids)], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .ctx(ACTION)?;
            for row in rows {
                let (id, text) = row.ctx(ACTION)?;
                out.insert(id, text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        Ok(out)
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
