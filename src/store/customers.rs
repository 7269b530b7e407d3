//! Finding customers by what the owner remembers: part of a name or of an address
//! (`shopinbox customer NAME`).

use super::convert::time;
use super::error::{Ctx, StoreError};
use super::Store;
use chrono::{DateTime, Utc};

/// A customer whose name or address matched, for the list of several matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerMatch {
    pub addr: String,
    /// The display name last seen, if any.
    pub name: Option<String>,
    /// The newest message of their conversations.
    pub last_at: DateTime<Utc>,
    pub conversations: u64,
}

/// Does every word of `query` occur in the name or the address (any case)?
fn matches(query: &str, name: Option<&str>, addr: &str) -> bool {
    let hay = format!("{} {}", name.unwrap_or(""), addr).to_lowercase();
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    !words.is_empty() && words.iter().all(|w| hay.contains(w.as_str()))
}

impl Store {
    /// The customers (anyone with a conversation) whose name or address holds every word of
    /// `query`, most recent contact first. An exact address is only ever that customer.
    pub fn find_customers(&self, query: &str) -> Result<Vec<CustomerMatch>, StoreError> {
        const ACTION: &str = "find customers";
        let now = self.shown_before(self.ctx.clock.now());
        let rows: Vec<(String, Option<String>, i64, u64)> = self
            .conn
            .prepare_cached(
                "SELECT v.customer_addr, c.name, MAX(v.last_at), COUNT(*)
                 FROM conversations v LEFT JOIN customers c ON c.addr = v.customer_addr
                 WHERE v.message_count > 0 AND v.last_at <= ?1
                 GROUP BY v.customer_addr",
            )
            .and_then(|mut st| {
                st.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect()
            })
            .ctx(ACTION)?;
        let wanted = query.trim().to_lowercase();
        if let Some(exact) = rows.iter().find(|r| r.0 == wanted) {
            return Ok(vec![CustomerMatch {
                addr: exact.0.clone(),
                name: exact.1.clone(),
                last_at: time(exact.2),
                conversations: exact.3,
            }]);
        }
        let mut found: Vec<CustomerMatch> = rows
            .into_iter()
            .filter(|(addr, name, _, _)| matches(query, name.as_deref(), addr))
            .map(|(addr, name, last, n)| CustomerMatch {
                addr,
                name,
                last_at: time(last),
                conversations: n,
            })
            .collect();
        found.sort_by(|a, b| b.last_at.cmp(&a.last_at).then(a.addr.cmp(&b.addr)));
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn every_word_in_the_name_or_address_any_case() {
        assert!(matches("anna", Some("Anna Schmidt"), "a.s@example.de"));
        assert!(matches(
            "SCHMIDT anna",
            Some("Anna Schmidt"),
            "a.s@example.de"
        ));
        assert!(matches("müller", Some("Jörg MÜLLER"), "j@x.de"));
        assert!(matches("example.de", None, "a.s@example.de"));
        assert!(!matches(
            "anna meier",
            Some("Anna Schmidt"),
            "a.s@example.de"
        ));
        assert!(!matches("  ", Some("Anna"), "a@b.de"));
    }
}
