//! Suspicious mail: signals that a message may be a fraud attempt. A suspicious message is
//! never hidden (DESIGN.md "Flags that warn"); it gets a badge and a one-line reason.
//!
//! Signals:
//! - a display name that uses the shop's name, or words like support / billing / security,
//!   from a domain that is not the shop's (and not named in the display name itself);
//! - a Reply-To on another domain than From;
//! - `Authentication-Results` (RFC 8601) of the receiving server with `dkim=fail`,
//!   `spf=fail` or `dmarc=fail` (only the topmost header and others from the same server
//!   count: headers further down can be written by anyone);
//! - links whose visible text shows one domain and whose target is another;
//! - a request to change payment details or to refund to a new account.
//!
//! Pure: a function of the raw header block, the parsed message and who the shop is.

use super::ParsedMessage;
use regex::Regex;
use std::sync::LazyLock;

/// Who the shop is, as far as impersonation goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopIdentity {
    /// The shop's name ("Alphx").
    pub name: String,
    /// The shop's own addresses, lower-case.
    pub addresses: Vec<String>,
    /// The authserv-id of the shop's provider (see [`super::auth`]); `None`: the topmost
    /// `Authentication-Results` is the provider's.
    pub authserv_id: Option<String>,
}

impl ShopIdentity {
    fn owns_domain(&self, domain: &str) -> bool {
        let domain = base_domain(domain);
        self.addresses
            .iter()
            .any(|a| base_domain(domain_of(a)) == domain)
    }
}

/// Which signal fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    DisplayName,
    ReplyTo,
    Authentication,
    Link,
    PaymentChange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub kind: SignalKind,
    /// A short reason, e.g. `"Tom Support" is not from alphx.shop but refund-center.example`.
    pub reason: String,
}

/// Words that make a display name look official.
const ROLE_WORDS: &[&str] = &[
    "support",
    "billing",
    "security",
    "helpdesk",
    "payments",
    "payment",
    "accounts",
    "admin",
    "administrator",
    "verification",
    "service",
];

fn domain_of(addr: &str) -> &str {
    addr.rsplit_once('@').map(|(_, d)| d.trim()).unwrap_or("")
}

/// The registrable part of a domain, roughly: the last two labels, or three under a short
/// second-level label of a country code ("shop.co.uk").
pub fn base_domain(domain: &str) -> String {
    let d = domain.trim().trim_end_matches('.').to_lowercase();
    let labels: Vec<&str> = d.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    if n <= 2 {
        return labels.join(".");
    }
    let sld = labels[n - 2];
    let take = if labels[n - 1].len() == 2
        && matches!(
            sld,
            "co" | "com" | "org" | "net" | "ac" | "gov" | "edu" | "or" | "ne"
        ) {
        3
    } else {
        2
    };
    labels[n - take..].join(".")
}

/// Every signal the message shows. `raw` is the message as received (for the headers the
/// parser does not keep).
pub fn signals(raw: &[u8], msg: &ParsedMessage, shop: &ShopIdentity) -> Vec<Signal> {
    let mut out = Vec::new();
    let Some(from) = msg.from.as_ref() else {
        return out;
    };
    let from_domain = domain_of(&from.addr).to_lowercase();
    if shop.owns_domain(&from_domain) {
        return out;
    }
    if let Some(s) = display_name(from.name.as_deref(), &from_domain, shop) {
        out.push(s);
    }
    if let Some(rt) = msg
        .reply_to
        .as_ref()
        .filter(|_| !is_form_sender(&from.addr))
    {
        let rt_domain = domain_of(&rt.addr).to_lowercase();
        if !rt_domain.is_empty()
            && !from_domain.is_empty()
            && base_domain(&rt_domain) != base_domain(&from_domain)
        {
            out.push(Signal {
                kind: SignalKind::ReplyTo,
                reason: format!("replies would go to {rt_domain}, not the sender's {from_domain}"),
            });
        }
    }
    let failed = authentication_failures(raw);
    if !failed.is_empty() {
        out.push(Signal {
            kind: SignalKind::Authentication,
            reason: format!(
                "the receiving server could not verify the sender ({})",
                failed
                    .iter()
                    .map(|m| format!("{m}=fail"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if let Some((shown, target)) = link_mismatch(&msg.body) {
        out.push(Signal {
            kind: SignalKind::Link,
            reason: format!("a link shows {shown} but goes to {target}"),
        });
    }
    if asks_payment_change(&format!("{}\n{}", msg.subject, msg.body)) {
        out.push(Signal {
            kind: SignalKind::PaymentChange,
            reason: "asks to change payment details or refund to a new account".to_string(),
        });
    }
    out
}

/// Contact forms and shop platforms send a visitor's message from their own address with the
/// visitor in Reply-To: that Reply-To is the point, not a trick.
fn is_form_sender(addr: &str) -> bool {
    let (local, domain) = addr.rsplit_once('@').unwrap_or((addr, ""));
    let local = local.to_lowercase();
    let platforms = [
        "shopify.com",
        "wix.com",
        "wixsite.com",
        "squarespace.com",
        "squarespace.info",
        "etsy.com",
        "jotform.com",
        "typeform.com",
        "formspree.io",
    ];
    [
        "noreply",
        "no-reply",
        "donotreply",
        "mailer",
        "wordpress",
        "form",
        "forms",
    ]
    .iter()
    .any(|w| {
        local == *w || local.starts_with(&format!("{w}-")) || local.starts_with(&format!("{w}+"))
    }) || platforms
        .iter()
        .any(|p| super::classify::address_matches_domain(addr, p))
        || domain.is_empty()
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn display_name(name: Option<&str>, from_domain: &str, shop: &ShopIdentity) -> Option<Signal> {
    let name = name?.trim();
    let ws = words(name);
    let shop_words = words(&shop.name);
    let uses_shop = !shop_words.is_empty()
        && ws
            .windows(shop_words.len())
            .any(|w| w == shop_words.as_slice());
    let role = ws.iter().find(|w| ROLE_WORDS.contains(&w.as_str()));
    if !uses_shop && role.is_none() {
        return None;
    }
    // "Stripe Support" from stripe.com names its own domain: consistent.
    let domain_words = words(from_domain);
    let names_own_domain = ws
        .iter()
        .filter(|w| !ROLE_WORDS.contains(&w.as_str()) && w.len() >= 3)
        .any(|w| domain_words.contains(w));
    if names_own_domain && !uses_shop {
        return None;
    }
    let what = if uses_shop {
        format!("the shop's name \"{}\"", shop.name)
    } else {
        format!("\"{}\"", role.map(String::as_str).unwrap_or_default())
    };
    Some(Signal {
        kind: SignalKind::DisplayName,
        reason: format!(
            "the name \"{}\" uses {what} but the mail comes from {from_domain}",
            super::sanitize::line(name)
        ),
    })
}

/// Methods (`dkim`, `spf`, `dmarc`) the receiving server reports as `fail`, in that order.
pub fn authentication_failures(raw: &[u8]) -> Vec<&'static str> {
    let Ok((headers, _)) = mailparse::parse_headers(raw) else {
        return Vec::new();
    };
    let values: Vec<String> = headers
        .iter()
        .filter(|h| {
            h.get_key_ref()
                .eq_ignore_ascii_case("Authentication-Results")
        })
        .map(|h| h.get_value())
        .collect();
    let Some(top) = values.first() else {
        return Vec::new();
    };
    let server = authserv_id(top);
    let mut failed = Vec::new();
    for v in values.iter().filter(|v| authserv_id(v) == server) {
        for (method, result) in results(v) {
            if result == "fail" {
                for m in ["dkim", "spf", "dmarc"] {
                    if method == m && !failed.contains(&m) {
                        failed.push(m);
                    }
                }
            }
        }
    }
    failed.sort_by_key(|m| ["dkim", "spf", "dmarc"].iter().position(|x| x == m));
    failed
}

/// Drop RFC 5322 comments: "(google.com: domain of …)".
fn strip_comments(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The authserv-id: the first item when it is not a `method=result` (Microsoft omits it).
fn authserv_id(value: &str) -> Option<String> {
    let v = strip_comments(value);
    let first = v.split(';').next()?.trim();
    (!first.contains('=')).then(|| first.split_whitespace().next().unwrap_or("").to_lowercase())
}

/// `(method, result)` pairs, lower-case.
fn results(value: &str) -> Vec<(String, String)> {
    strip_comments(value)
        .split(';')
        .filter_map(|part| {
            let first = part.split_whitespace().next()?;
            let (method, result) = first.split_once('=')?;
            let method = method.trim().to_lowercase();
            // "dkim" and "dkim/1" (a method version).
            let method = method.split('/').next().unwrap_or("").to_string();
            Some((method, result.trim().to_lowercase()))
        })
        .collect()
}

static LINK_TEXT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\[([^\[\]\n]{1,200})\]\[(\d{1,4})\]").ok());
static LINK_TARGET: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?m)^\[(\d{1,4})\]:\s*(\S+)").ok());
static DOMAIN_IN_TEXT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b").ok()
});

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_lowercase())
}

/// A link (as the parser lays out HTML: `[text][1]` … `[1]: url`) whose text names a domain
/// other than the one it goes to. Returns (shown domain, target domain).
pub fn link_mismatch(body: &str) -> Option<(String, String)> {
    let texts = LINK_TEXT.as_ref()?;
    let targets = LINK_TARGET.as_ref()?;
    let domain_re = DOMAIN_IN_TEXT.as_ref()?;
    let urls: std::collections::HashMap<&str, &str> = targets
        .captures_iter(body)
        .filter_map(|c| Some((c.get(1)?.as_str(), c.get(2)?.as_str())))
        .collect();
    for c in texts.captures_iter(body) {
        let (Some(text), Some(n)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let Some(target) = urls.get(n.as_str()).and_then(|u| url_host(u)) else {
            continue;
        };
        let Some(shown) = domain_re
            .captures(text.as_str())
            .and_then(|d| d.get(1))
            .map(|d| d.as_str().to_lowercase())
        else {
            continue;
        };
        // "file.pdf", "v1.2" are not domains a reader would trust.
        if !shown.contains('.') || shown.ends_with(".pdf") || shown.ends_with(".jpg") {
            continue;
        }
        if base_domain(&shown) != base_domain(&target) {
            return Some((shown, target));
        }
    }
    None
}

static PAYMENT_CHANGE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)\b(?:new|changed?|updated?|different)\s+(?:bank|banking|payment|account|iban|card)\s+(?:details|account|information|info|number)",
        r"(?i)\b(?:change|update)\s+(?:of\s+)?(?:our|my|the|your)?\s*(?:bank|banking|payment)\s+(?:details|account|information)",
        r"(?i)\brefund\b[^.\n]{0,40}\bto\s+(?:(?:a|my|our|this)\s+(?:new|different|other)|another|the following|this)\s+(?:bank\s+)?(?:account|iban|card|paypal|wallet)",
        r"(?i)\b(?:send|transfer|wire)\s+(?:the\s+)?(?:refund|money|payment)\s+to\s+(?:this|the following|a new|another)\b",
        r"(?i)\bneue[nrs]?\s+(?:bankverbindung|kontonummer|iban|konto)\b",
    ]
    .iter()
    .filter_map(|p| Regex::new(p).ok())
    .collect()
});

/// Does the text ask to change payment details or to refund to a new account?
pub fn asks_payment_change(text: &str) -> bool {
    PAYMENT_CHANGE.iter().any(|r| r.is_match(text))
}

#[cfg(test)]
mod tests;
