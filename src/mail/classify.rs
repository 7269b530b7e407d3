//! The "not a customer" classifier (DESIGN.md, rules of the domain): decides from headers alone
//! whether a message is an auto-reply, bulk/list mail or a bounce, so that it never counts
//! against a response deadline. Owner rules (pitch senders and domains) are applied later by
//! the store, with [`address_matches_domain`] / [`rule_matches`].
//!
//! Precedence, strongest evidence first:
//! 1. **Bounce** when the message is a delivery report (`multipart/report` other than a read
//!    receipt) or comes from `MAILER-DAEMON` / `postmaster`.
//! 2. **AutoReply** for explicit auto-response markers: `Auto-Submitted` other than `no`,
//!    `X-Autoreply`, `Precedence: auto_reply`, read receipts (`multipart/report;
//!    report-type=disposition-notification`).
//! 3. **Bulk** for list and newsletter markers: `List-Id`, `List-Unsubscribe`,
//!    `Precedence: bulk|list|junk`.
//! 4. **AutoReply** for `X-Auto-Response-Suppress` alone: it only says "I am machine-sent".
//! 5. **Bounce** for an empty `Return-Path: <>` alone. RFC 3834 asks auto-responders to use
//!    the null sender too, which is why that signal ranks below the explicit auto-reply ones.

use super::{Address, AutoKind, ClassifyHeaders};

/// Classify one message by its headers; `None` means "looks like a person wrote it".
pub fn classify_headers(h: &ClassifyHeaders, from: Option<&Address>) -> Option<AutoKind> {
    let content_type = h.content_type.trim().to_ascii_lowercase();
    let is_report = content_type == "multipart/report";
    let is_read_receipt = is_report
        && h.report_type
            .as_deref()
            .map(token)
            .is_some_and(|t| t == "disposition-notification");

    if (is_report && !is_read_receipt) || from.is_some_and(is_daemon_sender) {
        return Some(AutoKind::Bounce);
    }

    let auto_submitted = h
        .auto_submitted
        .as_deref()
        .map(token)
        .is_some_and(|t| !t.is_empty() && t != "no");
    let x_autoreply = h
        .x_autoreply
        .as_deref()
        .map(token)
        .is_some_and(|t| !t.is_empty() && !matches!(t.as_str(), "no" | "false" | "0"));
    let precedence = h.precedence.as_deref().map(token).unwrap_or_default();
    if auto_submitted
        || x_autoreply
        || is_read_receipt
        || matches!(precedence.as_str(), "auto_reply" | "auto-reply")
    {
        return Some(AutoKind::AutoReply);
    }

    if present(&h.list_id)
        || present(&h.list_unsubscribe)
        || matches!(precedence.as_str(), "bulk" | "list" | "junk")
    {
        return Some(AutoKind::Bulk);
    }

    let suppress = h
        .x_auto_response_suppress
        .as_deref()
        .map(token)
        .is_some_and(|t| !t.is_empty() && t != "none");
    if suppress {
        return Some(AutoKind::AutoReply);
    }

    if h.return_path.as_deref().is_some_and(is_null_path) {
        return Some(AutoKind::Bounce);
    }
    None
}

/// True when `addr` is in `domain` or one of its subdomains, case-insensitively
/// (`a@mail.acme.com` matches `acme.com`, `a@notacme.com` does not).
/// The domain may be written `acme.com`, `@acme.com` or `.acme.com`.
pub fn address_matches_domain(addr: &str, domain: &str) -> bool {
    let Some((_, addr_domain)) = addr.trim().rsplit_once('@') else {
        return false;
    };
    let addr_domain = addr_domain
        .trim()
        .trim_end_matches('>')
        .trim_end_matches('.')
        .to_lowercase();
    let domain = domain
        .trim()
        .trim_start_matches(['@', '.'])
        .trim_end_matches('.')
        .to_lowercase();
    if domain.is_empty() || addr_domain.is_empty() {
        return false;
    }
    addr_domain == domain
        || addr_domain
            .strip_suffix(&domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// An owner rule is either a full address (`sales@pitchy.io`, matched exactly, ignoring case)
/// or a domain (`pitchy.io`, `@pitchy.io`, matched with its subdomains).
pub fn rule_matches(addr: &str, rule: &str) -> bool {
    let rule = rule.trim();
    match rule.split_once('@') {
        Some((local, _)) if !local.is_empty() => addr.trim().eq_ignore_ascii_case(rule),
        _ => address_matches_domain(addr, rule),
    }
}

/// The first token of a structured header value, lower-case, without comments and
/// parameters: `Auto-Submitted: Auto-Replied (vacation); x=1` → `auto-replied`.
fn token(value: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => break,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().trim_matches('"').trim().to_ascii_lowercase()
}

fn present(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

fn is_null_path(return_path: &str) -> bool {
    let inner: String = return_path.chars().filter(|c| !c.is_whitespace()).collect();
    inner.is_empty() || inner == "<>"
}

/// `MAILER-DAEMON@…`, `postmaster@…` (and a bare `MAILER-DAEMON` without domain).
fn is_daemon_sender(from: &Address) -> bool {
    let local = from
        .addr
        .rsplit_once('@')
        .map(|(l, _)| l)
        .unwrap_or(&from.addr);
    let local = local.trim().to_ascii_lowercase();
    matches!(local.as_str(), "mailer-daemon" | "postmaster")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(addr: &str) -> Address {
        Address {
            name: None,
            addr: addr.to_string(),
        }
    }

    #[test]
    fn classify_table() {
        type Build = fn(&mut ClassifyHeaders);
        let cases: &[(&str, Build, &str, Option<AutoKind>)] = &[
            ("plain customer mail", |_| {}, "jane@example.com", None),
            (
                "multipart/alternative customer mail",
                |h| h.content_type = "multipart/alternative".into(),
                "jane@example.com",
                None,
            ),
            (
                "auto-submitted no is a person",
                |h| h.auto_submitted = Some("no".into()),
                "jane@example.com",
                None,
            ),
            (
                "auto-submitted No with comment",
                |h| h.auto_submitted = Some(" No (sent by a human)".into()),
                "jane@example.com",
                None,
            ),
            (
                "auto-submitted auto-replied",
                |h| h.auto_submitted = Some("auto-replied".into()),
                "jane@example.com",
                Some(AutoKind::AutoReply),
            ),
            (
                "auto-submitted auto-generated with params",
                |h| h.auto_submitted = Some("Auto-Generated; owner-email=x@y".into()),
                "shop@platform.example",
                Some(AutoKind::AutoReply),
            ),
            (
                "precedence bulk",
                |h| h.precedence = Some("bulk".into()),
                "news@brand.example",
                Some(AutoKind::Bulk),
            ),
            (
                "precedence list",
                |h| h.precedence = Some("List".into()),
                "l@lists.example",
                Some(AutoKind::Bulk),
            ),
            (
                "precedence junk",
                |h| h.precedence = Some("junk".into()),
                "x@spam.example",
                Some(AutoKind::Bulk),
            ),
            (
                "precedence auto_reply",
                |h| h.precedence = Some("auto_reply".into()),
                "jane@example.com",
                Some(AutoKind::AutoReply),
            ),
            (
                "precedence first-class is a person",
                |h| h.precedence = Some("first-class".into()),
                "jane@example.com",
                None,
            ),
            (
                "list-id",
                |h| h.list_id = Some("<news.brand.example>".into()),
                "news@brand.example",
                Some(AutoKind::Bulk),
            ),
            (
                "list-unsubscribe",
                |h| h.list_unsubscribe = Some("<mailto:unsub@brand.example>".into()),
                "news@brand.example",
                Some(AutoKind::Bulk),
            ),
            (
                "empty list-id ignored",
                |h| h.list_id = Some("  ".into()),
                "jane@example.com",
                None,
            ),
            (
                "x-autoreply yes",
                |h| h.x_autoreply = Some("yes".into()),
                "jane@example.com",
                Some(AutoKind::AutoReply),
            ),
            (
                "x-autoreply no",
                |h| h.x_autoreply = Some("no".into()),
                "jane@example.com",
                None,
            ),
            (
                "x-auto-response-suppress OOF",
                |h| h.x_auto_response_suppress = Some("OOF".into()),
                "jane@corp.example",
                Some(AutoKind::AutoReply),
            ),
            (
                "x-auto-response-suppress All",
                |h| h.x_auto_response_suppress = Some("All".into()),
                "jane@corp.example",
                Some(AutoKind::AutoReply),
            ),
            (
                "x-auto-response-suppress list",
                |h| h.x_auto_response_suppress = Some("DR, RN, NRN, OOF, AutoReply".into()),
                "jane@corp.example",
                Some(AutoKind::AutoReply),
            ),
            (
                "x-auto-response-suppress None",
                |h| h.x_auto_response_suppress = Some("None".into()),
                "jane@corp.example",
                None,
            ),
            (
                "delivery report",
                |h| {
                    h.content_type = "multipart/report".into();
                    h.report_type = Some("delivery-status".into());
                },
                "bounces@relay.example",
                Some(AutoKind::Bounce),
            ),
            (
                "report without report-type",
                |h| h.content_type = "Multipart/Report".into(),
                "x@relay.example",
                Some(AutoKind::Bounce),
            ),
            (
                "read receipt is an auto-reply",
                |h| {
                    h.content_type = "multipart/report".into();
                    h.report_type = Some("disposition-notification".into());
                },
                "jane@example.com",
                Some(AutoKind::AutoReply),
            ),
            ("mailer-daemon", |_| {}, "MAILER-DAEMON@mx.example", Some(AutoKind::Bounce)),
            ("mailer-daemon lower", |_| {}, "mailer-daemon@googlemail.com", Some(AutoKind::Bounce)),
            ("postmaster", |_| {}, "postmaster@shop.example", Some(AutoKind::Bounce)),
            ("bare mailer-daemon", |_| {}, "mailer-daemon", Some(AutoKind::Bounce)),
            (
                "empty return-path",
                |h| h.return_path = Some(String::new()),
                "someone@example.com",
                Some(AutoKind::Bounce),
            ),
            (
                "return-path <> literal",
                |h| h.return_path = Some("< >".into()),
                "someone@example.com",
                Some(AutoKind::Bounce),
            ),
            (
                "normal return-path",
                |h| h.return_path = Some("jane@example.com".into()),
                "jane@example.com",
                None,
            ),
            (
                "out-of-office with null sender is an auto-reply",
                |h| {
                    h.auto_submitted = Some("auto-replied".into());
                    h.return_path = Some(String::new());
                },
                "jane@example.com",
                Some(AutoKind::AutoReply),
            ),
            (
                "bounce beats auto-reply",
                |h| {
                    h.content_type = "multipart/report".into();
                    h.auto_submitted = Some("auto-replied".into());
                },
                "mailer-daemon@mx.example",
                Some(AutoKind::Bounce),
            ),
            (
                "auto-reply beats bulk",
                |h| {
                    h.auto_submitted = Some("auto-replied".into());
                    h.list_id = Some("<l.example>".into());
                },
                "x@l.example",
                Some(AutoKind::AutoReply),
            ),
            (
                "bulk beats suppress header",
                |h| {
                    h.list_unsubscribe = Some("<https://u.example>".into());
                    h.x_auto_response_suppress = Some("OOF".into());
                },
                "news@brand.example",
                Some(AutoKind::Bulk),
            ),
        ];
        for (name, build, addr, want) in cases {
            let mut h = ClassifyHeaders {
                content_type: "text/plain".into(),
                ..ClassifyHeaders::default()
            };
            build(&mut h);
            assert_eq!(classify_headers(&h, Some(&from(addr))), *want, "case {name}");
        }
    }

    #[test]
    fn no_sender_is_not_a_bounce_by_itself() {
        assert_eq!(classify_headers(&ClassifyHeaders::default(), None), None);
    }

    #[test]
    fn domain_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("a@acme.com", "acme.com", true),
            ("a@ACME.com", "acme.COM", true),
            ("a@mail.acme.com", "acme.com", true),
            ("a@deep.mail.acme.com", "acme.com", true),
            ("a@notacme.com", "acme.com", false),
            ("a@acme.com.evil.io", "acme.com", false),
            ("a@acme.com", "@acme.com", true),
            ("a@acme.com", ".acme.com", true),
            ("a@acme.com.", "acme.com", true),
            ("acme.com", "acme.com", false),
            ("a@acme.com", "", false),
            ("a@", "acme.com", false),
            ("\"odd@local\"@acme.com", "acme.com", true),
        ];
        for (addr, domain, want) in cases {
            assert_eq!(address_matches_domain(addr, domain), *want, "{addr} in {domain}");
        }
    }

    #[test]
    fn rule_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("sales@pitchy.io", "sales@pitchy.io", true),
            ("Sales@Pitchy.io", "sales@pitchy.io", true),
            ("other@pitchy.io", "sales@pitchy.io", false),
            ("other@pitchy.io", "pitchy.io", true),
            ("other@eu.pitchy.io", "@pitchy.io", true),
            ("other@pitchy.com", "pitchy.io", false),
        ];
        for (addr, rule, want) in cases {
            assert_eq!(rule_matches(addr, rule), *want, "{addr} vs {rule}");
        }
    }
}
