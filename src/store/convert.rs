//! Column encodings: times as unix seconds, lists as JSON text, flags space-separated
//! (IMAP flags never contain spaces).

use super::error::StoreError;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

pub(crate) fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Stored seconds back to a time. Values outside chrono's range cannot come from `secs`; they
/// would mean a hand-edited file, and are shown as the epoch rather than failing the whole view.
pub(crate) fn time(s: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(s, 0).unwrap_or(DateTime::UNIX_EPOCH)
}

pub(crate) fn opt_time(s: Option<i64>) -> Option<DateTime<Utc>> {
    s.map(time)
}

pub(crate) fn flags_to_text(flags: &[String]) -> String {
    flags
        .iter()
        .map(|f| f.trim())
        .filter(|f| !f.is_empty() && !f.contains(char::is_whitespace))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn flags_from_text(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

pub(crate) fn has_answered(flags: &str) -> bool {
    flags
        .split_whitespace()
        .any(|f| f.eq_ignore_ascii_case("\\Answered"))
}

pub(crate) fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    // Serializing plain structs of strings and numbers cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

pub(crate) fn from_json<T: DeserializeOwned>(
    s: &str,
    what: &'static str,
    id: i64,
) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|source| StoreError::Corrupt { what, id, source })
}

/// Domain part of an address, lower-case ("" when there is none).
pub(crate) fn domain_of(addr: &str) -> String {
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_round_trip() {
        let flags = vec![
            "\\Seen".to_string(),
            " \\Answered ".into(),
            "".into(),
            "bad flag".into(),
        ];
        let text = flags_to_text(&flags);
        assert_eq!(text, "\\Seen \\Answered");
        assert_eq!(flags_from_text(&text), vec!["\\Seen", "\\Answered"]);
        assert!(has_answered("\\Seen \\answered"));
        assert!(!has_answered("\\Seen $Answered"));
    }

    #[test]
    fn domains() {
        assert_eq!(domain_of("a@Example.COM."), "example.com");
        assert_eq!(domain_of("nodomain"), "");
    }
}
