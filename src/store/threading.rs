//! Pure threading rules: which conversation a message belongs to, decided from its
//! Message-ID/In-Reply-To/References, else from its normalized subject and customer address.
//! The store looks the candidates up; the rules for building them live here.

use super::error::Ctx;
use chrono::{DateTime, Duration, Utc};
use rusqlite::OptionalExtension;

/// How far apart two messages with the same subject and customer may be and still share a
/// conversation. Past this, "Order question" from the same customer is a new matter.
pub const SUBJECT_WINDOW_DAYS: i64 = 30;

/// Reply/forward prefixes in the languages a European shop meets most. Compared
/// case-insensitively, followed by an optional counter ("Re[2]:", "Re(2):") and a colon.
const PREFIXES: &[&str] = &[
    "re", "fwd", "fw", "aw", "wg", "sv", "antw", "vs", "tr", "rv", "enc", "odp", "vl", "ynt",
];

/// Subject with reply/forward prefixes and leading `[tags]` removed, whitespace collapsed,
/// case-folded: "Re: AW: [Shop] Where is  my Order?" → "where is my order?".
pub fn normalize_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let before = s.len();
        s = strip_tag(s).trim_start();
        s = strip_prefix(s).trim_start();
        if s.len() == before {
            break;
        }
    }
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn strip_tag(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            return &rest[end + 1..];
        }
    }
    s
}

fn strip_prefix(s: &str) -> &str {
    // The prefix word: ASCII letters only, so slicing at `word_len` stays on a char boundary.
    let word_len = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if word_len == 0 {
        return s;
    }
    let word = &s[..word_len];
    if !PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(word)) {
        return s;
    }
    let mut rest = &s[word_len..];
    // Optional counter: "Re[2]:" / "Re(2):" / "Re^2:".
    for (open, close) in [('[', ']'), ('(', ')')] {
        if let Some(inner) = rest.strip_prefix(open) {
            if let Some(end) = inner.find(close) {
                if inner[..end].chars().all(|c| c.is_ascii_digit()) {
                    rest = &inner[end + close.len_utf8()..];
                }
            }
        }
    }
    if let Some(inner) = rest.strip_prefix('^') {
        rest = inner.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let rest = rest.trim_start();
    rest.strip_prefix(':')
        .or_else(|| rest.strip_prefix('：'))
        .unwrap_or(s)
}

/// The customer a message is "about": the sender for customer mail, the first recipient that
/// is not the shop for shop mail (a reply sent from Sent), lower-case.
pub fn customer_addr<'a>(
    is_shop: bool,
    from: Option<&'a str>,
    to: impl IntoIterator<Item = &'a str>,
    is_shop_addr: impl Fn(&str) -> bool,
) -> String {
    let addr = if is_shop {
        let to: Vec<&str> = to.into_iter().collect();
        to.iter()
            .find(|a| !is_shop_addr(a))
            .or_else(|| to.first())
            .copied()
            .unwrap_or("")
    } else {
        from.unwrap_or("")
    };
    addr.trim().to_lowercase()
}

/// Message-IDs to look up for a conversation, best first: In-Reply-To, then References from
/// the newest (last) to the oldest, without repeats and without the message's own id.
pub fn reference_candidates<'a>(
    own: Option<&str>,
    in_reply_to: Option<&'a str>,
    references: &'a [String],
) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let all = in_reply_to
        .into_iter()
        .chain(references.iter().rev().map(String::as_str));
    for id in all {
        if !id.is_empty() && Some(id) != own && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The time range a conversation spanning `first..=last` accepts subject matches in.
pub fn subject_window(at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let w = Duration::days(SUBJECT_WINDOW_DAYS);
    (at - w, at + w)
}

/// Whether a subject is specific enough to thread on: an empty subject ("(no subject)") from
/// the same customer says nothing about being the same matter.
pub fn subject_threadable(norm: &str) -> bool {
    !norm.is_empty()
}

/// The Message-ID naming a conversation in shared marks: its first message's (see
/// docs/shared-state.md). `None` for a conversation without any Message-ID: its marks stay
/// local.
pub(super) fn thread_key(
    conn: &rusqlite::Connection,
    id: super::types::ConversationId,
) -> Result<Option<String>, super::error::StoreError> {
    conn.prepare_cached(
        "SELECT message_id FROM messages WHERE conversation_id = ?1 AND message_id IS NOT NULL
         ORDER BY received_at, id LIMIT 1",
    )
    .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
    .ctx("find a conversation's Message-ID")
}

/// The conversation a shared mark names, if its mail is here.
pub(super) fn conversation_of(
    conn: &rusqlite::Connection,
    thread: &str,
) -> Result<Option<super::types::ConversationId>, super::error::StoreError> {
    conn.prepare_cached("SELECT conversation_id FROM message_ids WHERE message_id = ?1")
        .and_then(|mut st| st.query_row([thread], |r| r.get(0)).optional())
        .ctx("find the conversation of a shared mark")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_subjects() {
        let cases = [
            ("Where is my order?", "where is my order?"),
            ("Re: Where is my order?", "where is my order?"),
            ("RE: re: Where is my order?", "where is my order?"),
            ("Re: AW: [Shop] Where is my order?", "where is my order?"),
            ("AW: WG: Antw: SV: Fwd: Fw: hello", "hello"),
            ("[Shop] [#123] Re: Refund", "refund"),
            ("Re[2]: Refund", "refund"),
            ("Re(3): Refund", "refund"),
            ("Re : Refund", "refund"),
            ("RE：退款", "退款"),
            ("  Lots   of\tspace  ", "lots of space"),
            ("Regarding my order", "regarding my order"),
            ("Re:", ""),
            ("", ""),
            ("[unclosed tag", "[unclosed tag"),
            ("Retour: Paket", "retour: paket"),
            ("Ärger mit Bestellung", "ärger mit bestellung"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_subject(input), want, "input {input:?}");
        }
    }

    #[test]
    fn customer_address_side() {
        let shop = |a: &str| a == "shop@example.com";
        let cases: [(bool, Option<&str>, Vec<&str>, &str); 5] = [
            (
                false,
                Some("Jane@Mail.com"),
                vec!["shop@example.com"],
                "jane@mail.com",
            ),
            (
                true,
                Some("shop@example.com"),
                vec!["jane@mail.com"],
                "jane@mail.com",
            ),
            (
                true,
                Some("shop@example.com"),
                vec!["shop@example.com", "bob@x.org"],
                "bob@x.org",
            ),
            (true, Some("shop@example.com"), vec![], ""),
            (false, None, vec![], ""),
        ];
        for (is_shop, from, to, want) in cases {
            assert_eq!(
                customer_addr(is_shop, from, to.clone(), shop),
                want,
                "{from:?} {to:?}"
            );
        }
    }

    #[test]
    fn reference_order() {
        let refs = vec!["a@x".to_string(), "b@x".to_string(), "c@x".to_string()];
        assert_eq!(
            reference_candidates(Some("self@x"), Some("c@x"), &refs),
            vec!["c@x", "b@x", "a@x"]
        );
        assert_eq!(
            reference_candidates(Some("b@x"), None, &refs),
            vec!["c@x", "a@x"]
        );
        assert!(reference_candidates(None, None, &[]).is_empty());
    }
}
