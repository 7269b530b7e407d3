//! Header values: addresses (with a lenient fallback), msg-ids, dates and Return-Path.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use mailparse::{addrparse_header, dateparse, MailAddr, MailHeader, MailHeaderMap, SingleInfo};
use regex::Regex;

use super::mime::lossy;
use crate::mail::{sanitize, Address};

/// A msg-id longer than a header line may be is not a msg-id.
const MAX_MSG_ID_LEN: usize = 998;

/// All addresses of every `key` header. Groups are flattened; `undisclosed-recipients:;`
/// gives none. Unparseable headers fall back to anything shaped like `x@y`.
pub(super) fn addresses(
    headers: &[MailHeader],
    key: &str,
    problems: &mut Vec<String>,
) -> Vec<Address> {
    let mut out = Vec::new();
    for header in headers.get_all_headers(key) {
        match addrparse_header(header) {
            Ok(list) => {
                for addr in list.iter() {
                    match addr {
                        MailAddr::Single(info) => out.extend(address(info)),
                        MailAddr::Group(group) => {
                            out.extend(group.addrs.iter().filter_map(address))
                        }
                    }
                }
            }
            Err(_) => {
                let value = header.get_value();
                let found = lenient_addresses(&value);
                if found.is_empty() {
                    if !value.trim().is_empty() && !value.to_lowercase().contains("undisclosed") {
                        problems.push(format!(
                            "cannot read the {key}: address \"{}\"",
                            sanitize::line(&value)
                        ));
                    }
                } else {
                    problems.push(format!(
                        "the {key}: header is malformed; its address was guessed"
                    ));
                }
                out.extend(found);
            }
        }
    }
    out
}

fn address(info: &SingleInfo) -> Option<Address> {
    let addr = sanitize::line(&info.addr)
        .trim_matches(['<', '>'])
        .trim()
        .to_lowercase();
    if addr.is_empty() {
        return None;
    }
    let name = info
        .display_name
        .as_deref()
        .map(|n| sanitize::line(n).trim_matches('"').trim().to_string())
        .filter(|n| !n.is_empty());
    Some(Address { name, addr })
}

static LOOSE_ADDR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"[^\s<>"',;:()\[\]]+@[^\s<>"',;:()\[\]]+"#).ok());

fn lenient_addresses(value: &str) -> Vec<Address> {
    let Some(re) = LOOSE_ADDR.as_ref() else {
        return Vec::new();
    };
    let mut previous_end = 0;
    re.find_iter(value)
        .filter_map(|m| {
            // The name is what stands between the previous address and this one.
            let name = value[previous_end..m.start()]
                .rsplit([',', '>'])
                .next()
                .map(|n| {
                    n.trim()
                        .trim_end_matches('<')
                        .trim()
                        .trim_matches('"')
                        .trim()
                })
                .filter(|n| !n.is_empty())
                .map(|n| n.to_string());
            previous_end = m.end();
            address(&SingleInfo {
                display_name: name,
                addr: m.as_str().to_string(),
            })
        })
        .collect()
}

/// The undecoded value of the first `key` header (msg-ids are never encoded-words).
pub(super) fn raw_value(headers: &[MailHeader], key: &str) -> Option<String> {
    headers
        .get_first_header(key)
        .map(|h| lossy(h.get_value_raw()))
}

/// Well-formed msg-ids (`<local@domain>`, no whitespace or controls) in order, without the
/// brackets and without duplicates. Anything else in the header is ignored: ids we would put
/// into our own In-Reply-To/References must be clean.
pub fn msg_ids(value: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(['<', '>']) else {
            break;
        };
        if after[close..].starts_with('<') {
            rest = &after[close..];
            continue;
        }
        let id = &after[..close];
        if is_msg_id(id) && seen.insert(id) {
            ids.push(id.to_string());
        }
        rest = &after[close + 1..];
    }
    ids
}

/// References kept of a message: a hostile header can list tens of thousands. The first (the
/// thread's root) and the most recent ones are what threading needs (RFC 5322 §3.6.4 trims
/// from the middle too).
pub const MAX_REFERENCES_KEPT: usize = 100;

pub(super) fn trim_references(mut ids: Vec<String>) -> Vec<String> {
    if ids.len() > MAX_REFERENCES_KEPT {
        let tail = ids.split_off(ids.len() - (MAX_REFERENCES_KEPT - 1));
        ids.truncate(1);
        ids.extend(tail);
    }
    ids
}

fn is_msg_id(id: &str) -> bool {
    let Some((local, domain)) = id.split_once('@') else {
        return false;
    };
    id.len() <= MAX_MSG_ID_LEN
        && !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !id.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
}

pub(super) fn header_date(
    value: &str,
    key: &str,
    problems: &mut Vec<String>,
) -> Option<DateTime<Utc>> {
    let parsed = timestamp(value);
    if parsed.is_none() && !value.trim().is_empty() {
        problems.push(format!(
            "cannot read the {key}: header \"{}\"",
            sanitize::line(value)
        ));
    }
    parsed
}

/// An RFC 5322 date (as mailparse reads it) from 1970-01-01 00:00:00 (the epoch itself is a
/// valid date) to 9999.
pub(super) fn timestamp(value: &str) -> Option<DateTime<Utc>> {
    // dateparse counts years up one by one: refuse absurd numbers before it sees them.
    let longest_digit_run = value
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    if longest_digit_run > 4 {
        return None;
    }
    // mailparse reads text it cannot parse as 0, so the epoch itself must be confirmed by a
    // strict RFC 5322 parse.
    let strict_epoch = || {
        let v = value.trim();
        let v = v.split_once(" (").map_or(v, |(d, _)| d);
        DateTime::parse_from_rfc2822(v).is_ok_and(|d| d.timestamp() == 0)
    };
    dateparse(value.trim())
        .ok()
        .filter(|&t| (1..253_402_300_800).contains(&t) || (t == 0 && strict_epoch()))
        .and_then(|t| DateTime::from_timestamp(t, 0))
}

pub(super) fn header_line(headers: &[MailHeader], key: &str) -> Option<String> {
    headers.get_first_value(key).map(|v| sanitize::line(&v))
}

/// `Return-Path: <x@y>` → `x@y`; `<>` → "" (the null sender of bounces).
pub(super) fn return_path(value: &str) -> String {
    sanitize::line(value)
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}
