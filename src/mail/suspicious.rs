//! Suspicious mail: is a message likely a fraud attempt? A suspicious message is never hidden
//! (DESIGN.md "Flags that warn"); it gets a badge and a one-line reason.
//!
//! Precision first: a badge on every third ordinary mail teaches the owner to ignore it, so
//! most signals are *weak* and never flag alone, because honest mail shows them every day:
//! - a Reply-To on another domain (a professor answering from her private address);
//! - an official-looking display name: a role word ("Accounts Payable", "Billing"), the
//!   shop's name, or a brand's name from a domain that is not the brand's;
//! - payment words ("new card", "change bank details");
//! - a link to a shop's or marketplace's short domain (etsy.me, amzn.to, shop.app).
//!
//! Two weak signals flag together only where honest mail rarely combines them (see
//! [`weak_pair_flags`]). *Strong* signals flag on their own:
//! - the shop provider's `Authentication-Results` ([`super::auth`]) failing a sender that
//!   claims a brand or the shop (an ordinary person's failure is usually a forwarder);
//! - an attachment that is a program (`.exe`, `invoice.pdf.exe`);
//! - a link whose text shows one domain and goes to another, in the text or any HTML part;
//! - a domain that imitates the shop's or a brand's (`paypa1.com`, `alphx-shop.example`).
//!
//! Pure: a function of the raw message, the parsed message and who the shop is.

use super::{auth, ParsedMessage};
use regex::Regex;
use std::sync::LazyLock;

pub(crate) mod attachments;
mod links;
mod lookalike;

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
        !domain.is_empty()
            && self.addresses.iter().any(|a| {
                let own = domain_of(a);
                !super::free_mail::is_free_mail(own) && base_domain(own) == domain
            })
    }

    /// The shop's name as display-name words: ["alphx"].
    fn name_words(&self) -> Vec<String> {
        words(&self.name)
    }
}

/// Which signal fired. The first four are strong (each flags alone); the others are weak and
/// only reach a [`Signal`] as part of a flagging pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    /// The provider could not verify a sender who claims a brand or the shop.
    Authentication,
    /// An attachment that is a program.
    Attachment,
    /// A link whose text shows another domain than it goes to.
    Link,
    /// A domain that imitates the shop's or a brand's.
    LookAlike,
    /// Weak: the display name uses a role word, the shop's or a brand's name.
    DisplayName,
    /// Weak: replies would go to another domain.
    ReplyTo,
    /// Weak: asks to change payment details or pay/refund to a new account.
    PaymentChange,
    /// Weak: a link to a shop's or marketplace's short domain.
    ShortLink,
}

impl SignalKind {
    /// Does this signal flag a message on its own?
    pub fn is_strong(self) -> bool {
        matches!(
            self,
            SignalKind::Authentication
                | SignalKind::Attachment
                | SignalKind::Link
                | SignalKind::LookAlike
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub kind: SignalKind,
    /// A short reason, e.g. `the attachment "invoice.pdf.exe" is a program named like a .pdf
    /// file`. Built from sanitized parts: safe to show.
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
    "accounting",
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
    let [.., sld, tld] = labels.as_slice() else {
        return labels.join(".");
    };
    if labels.len() == 2 {
        return labels.join(".");
    }
    let take = if tld.len() == 2
        && matches!(
            *sld,
            "co" | "com" | "org" | "net" | "ac" | "gov" | "edu" | "or" | "ne"
        ) {
        3
    } else {
        2
    };
    labels
        .get(labels.len() - take..)
        .unwrap_or(&labels)
        .join(".")
}

/// A weak signal, with what the pairing rule needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Weak {
    ReplyElsewhere,
    RoleName,
    ClaimsShop,
    ClaimsBrand,
    PaymentChange,
    ShortLink,
}

/// What flags a message: its strong signals, else a flagging pair of weak ones; empty when
/// the mail should not be flagged. `raw` is the message as received (for the headers and
/// HTML parts the parsed message does not keep).
pub fn signals(raw: &[u8], msg: &ParsedMessage, shop: &ShopIdentity) -> Vec<Signal> {
    let Some(from) = msg.from.as_ref() else {
        return Vec::new();
    };
    let from_domain = domain_of(&from.addr).to_lowercase();
    let name_words = from.name.as_deref().map(words).unwrap_or_default();
    let shop_words = shop.name_words();
    let names_shop = contains_run(&name_words, &shop_words);
    let results = auth::receiving_results(raw, shop.authserv_id.as_deref());
    let auth_failed = results.as_ref().filter(|r| verification_failed(r));

    // The shop's own domain: only the provider can tell a forgery.
    if shop.owns_domain(&from_domain) {
        return auth_failed
            .map(|r| vec![authentication(r, &format!("the shop ({from_domain})"))])
            .unwrap_or_default();
    }

    let mut strong = Vec::new();
    if let Some(r) = auth_failed {
        if let Some(whom) = claimed_identity(&name_words, &from_domain, names_shop, shop) {
            strong.push(authentication(r, &whom));
        }
    }
    if let Some(reason) = attachments::program(&msg.attachments) {
        strong.push(Signal {
            kind: SignalKind::Attachment,
            reason,
        });
    }
    let all_links = message_links(raw, msg);
    if let Some((shown, target)) = all_links.iter().find_map(links::mismatch) {
        strong.push(Signal {
            kind: SignalKind::Link,
            reason: format!(
                "a link shows {} but goes to {}",
                super::sanitize::line(&shown),
                super::sanitize::line(&target)
            ),
        });
    }
    let mut hosts: Vec<String> = all_links
        .iter()
        .filter_map(|l| links::url_host(&l.url))
        .collect();
    hosts.extend(links::bare_url_hosts(&msg.body));
    hosts.sort();
    hosts.dedup();
    if let Some(s) = look_alike(&from_domain, msg, &hosts, shop) {
        strong.push(s);
    }
    if !strong.is_empty() {
        return strong;
    }

    let weak = weak_signals(msg, &from_domain, &name_words, names_shop, &hosts, shop);
    let kinds: Vec<&Weak> = weak.iter().map(|(w, _)| w).collect();
    if weak_pair_flags(&kinds, super::free_mail::is_free_mail(&from_domain)) {
        let mut flagged: Vec<Signal> = weak.into_iter().map(|(_, s)| s).collect();
        flagged.dedup();
        flagged
    } else {
        Vec::new()
    }
}

/// Which weak signals together flag a message. Chosen from what honest mail combines:
/// - a Reply-To elsewhere with a payment change, or with a claimed shop or brand: the
///   classic "our account changed, answer my other address";
/// - a Reply-To elsewhere or a payment change with a role word, only from free mail: a
///   company's accounts department writes from its own domain;
/// - a claimed shop or brand with a payment change, a role word ("Alphx Billing" on a
///   foreign domain) or a marketplace short link.
///
/// Not flagged: a university sender with her private Reply-To, "Accounts Payable" asking for
/// an invoice, a customer's new card, a customer's amzn.to link, and a customer's new card
/// next to their shop.app order link (a marketplace's short link leads to the marketplace).
fn weak_pair_flags(kinds: &[&Weak], free_mail: bool) -> bool {
    use Weak::*;
    let has = |w: Weak| kinds.contains(&&w);
    let claims = has(ClaimsShop) || has(ClaimsBrand);
    (has(ReplyElsewhere) && (has(PaymentChange) || claims))
        || (free_mail && has(RoleName) && (has(ReplyElsewhere) || has(PaymentChange)))
        || (claims && (has(PaymentChange) || has(RoleName) || has(ShortLink)))
}

fn authentication(results: &auth::AuthResults, whom: &str) -> Signal {
    Signal {
        kind: SignalKind::Authentication,
        reason: format!(
            "the receiving server could not verify a sender who claims to be {} ({})",
            super::sanitize::line(whom),
            results
                .failures()
                .iter()
                .map(|m| format!("{m}=fail"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `dmarc=fail`, or SPF or DKIM failing with no DKIM signature or DMARC passing.
fn verification_failed(r: &auth::AuthResults) -> bool {
    let has = |method: &str, result: &str| {
        r.methods
            .iter()
            .any(|m| m.method == method && m.result == result)
    };
    r.failed()
        || ((has("spf", "fail") || has("dkim", "fail"))
            && !has("dkim", "pass")
            && !has("dmarc", "pass"))
}

/// Whom the sender claims to be: the shop or a brand by display name, or a brand by sending
/// from its real domain (free-mail domains such as gmail.com claim nothing: anyone has one).
fn claimed_identity(
    name_words: &[String],
    from_domain: &str,
    names_shop: bool,
    shop: &ShopIdentity,
) -> Option<String> {
    if names_shop {
        return Some(format!("the shop \"{}\"", shop.name));
    }
    if let Some(b) = lookalike::brand_in_name(name_words) {
        return Some(b.name.to_string());
    }
    if super::free_mail::is_free_mail(from_domain) {
        return None;
    }
    lookalike::brand_of_domain(from_domain).map(|b| b.name.to_string())
}

/// Links of the readable body and of every HTML part.
fn message_links(raw: &[u8], msg: &ParsedMessage) -> Vec<links::Link> {
    let mut out = links::text_links(&msg.body);
    if HTML_TYPE.as_ref().is_some_and(|re| re.is_match(raw)) {
        for html in super::parse::html_parts(raw) {
            out.extend(links::html_links(&html));
        }
    }
    out
}

/// Only messages that mention an HTML part are walked a second time for its links.
static HTML_TYPE: LazyLock<Option<regex::bytes::Regex>> =
    LazyLock::new(|| regex::bytes::Regex::new(r"(?i)text/html").ok());

/// The first of From, Reply-To and link targets whose domain imitates the shop's or a brand's.
fn look_alike(
    from_domain: &str,
    msg: &ParsedMessage,
    hosts: &[String],
    shop: &ShopIdentity,
) -> Option<Signal> {
    let own: Vec<String> = shop
        .addresses
        .iter()
        .map(|a| domain_of(a))
        .filter(|d| !d.is_empty() && !super::free_mail::is_free_mail(d))
        .map(base_domain)
        .collect();
    let labels = lookalike::shop_labels(&shop.name, &own);
    let owns = |d: &str| shop.owns_domain(d);
    let reply_domain = msg
        .reply_to
        .as_ref()
        .map(|r| domain_of(&r.addr).to_lowercase());
    let candidates = [
        ("the sender's", Some(from_domain.to_string())),
        ("the Reply-To", reply_domain),
    ];
    let named = candidates
        .into_iter()
        .filter_map(|(what, d)| Some((what, d?)))
        .chain(hosts.iter().map(|h| ("a link's", h.clone())));
    for (what, domain) in named {
        if let Some(i) = lookalike::imitation(&domain, &shop.name, &labels, &own, &owns) {
            let shown = lookalike::decode_idn(&i.domain);
            let idn = if shown != i.domain {
                format!(" ({})", super::sanitize::line(&i.domain))
            } else {
                String::new()
            };
            return Some(Signal {
                kind: SignalKind::LookAlike,
                reason: format!(
                    "{what} domain {}{idn} imitates {}",
                    super::sanitize::line(&shown),
                    super::sanitize::line(&i.whom)
                ),
            });
        }
    }
    None
}

/// The weak signals of a message, each with its signal for the reason line.
fn weak_signals(
    msg: &ParsedMessage,
    from_domain: &str,
    name_words: &[String],
    names_shop: bool,
    hosts: &[String],
    shop: &ShopIdentity,
) -> Vec<(Weak, Signal)> {
    let mut out = Vec::new();
    let from = msg.from.as_ref();
    let shown_name = from
        .and_then(|f| f.name.as_deref())
        .map(super::sanitize::line)
        .unwrap_or_default();
    let display = |what: String| Signal {
        kind: SignalKind::DisplayName,
        reason: format!(
            "the name \"{shown_name}\" uses {what} but the mail comes from {}",
            super::sanitize::line(from_domain)
        ),
    };
    // "Stripe Support" from stripe.com names its own domain: consistent.
    let domain_words = words(from_domain);
    let names_own_domain = name_words
        .iter()
        .filter(|w| !ROLE_WORDS.contains(&w.as_str()) && w.len() >= 3)
        .any(|w| domain_words.contains(w));
    // One reason for the display name, however many of its weak signals it shows.
    let mut claims: Vec<(Weak, String)> = Vec::new();
    // Shop platforms and contact forms send in the shop's name on its behalf.
    let on_behalf = from.is_some_and(|f| is_form_sender(&f.addr));
    if names_shop && !on_behalf {
        claims.push((
            Weak::ClaimsShop,
            format!("the shop's name \"{}\"", super::sanitize::line(&shop.name)),
        ));
    } else if let Some(b) = lookalike::brand_in_name(name_words).filter(|b| !b.owns(from_domain)) {
        claims.push((Weak::ClaimsBrand, format!("the name {}", b.name)));
    }
    if !names_own_domain {
        if let Some(role) = name_words.iter().find(|w| ROLE_WORDS.contains(&w.as_str())) {
            claims.push((Weak::RoleName, format!("\"{role}\"")));
        }
    }
    let what: Vec<&str> = claims.iter().map(|(_, w)| w.as_str()).collect();
    let signal = display(what.join(" and "));
    out.extend(claims.into_iter().map(|(w, _)| (w, signal.clone())));
    if let (Some(rt), Some(f)) = (msg.reply_to.as_ref(), from) {
        let rt_domain = domain_of(&rt.addr).to_lowercase();
        if !is_form_sender(&f.addr)
            && !rt_domain.is_empty()
            && !from_domain.is_empty()
            && base_domain(&rt_domain) != base_domain(from_domain)
        {
            out.push((
                Weak::ReplyElsewhere,
                Signal {
                    kind: SignalKind::ReplyTo,
                    reason: format!(
                        "replies would go to {}, not the sender's {}",
                        super::sanitize::line(&rt_domain),
                        super::sanitize::line(from_domain)
                    ),
                },
            ));
        }
    }
    if asks_payment_change(&format!("{}\n{}", msg.subject, msg.body)) {
        out.push((
            Weak::PaymentChange,
            Signal {
                kind: SignalKind::PaymentChange,
                reason: "asks to change payment details or pay to a new account".to_string(),
            },
        ));
    }
    if let Some(h) = hosts.iter().find(|h| links::is_short_link(h)) {
        out.push((
            Weak::ShortLink,
            Signal {
                kind: SignalKind::ShortLink,
                reason: format!("links to the short address {}", super::sanitize::line(h)),
            },
        ));
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

/// Does `hay` contain the words of `run` in a row?
fn contains_run(hay: &[String], run: &[String]) -> bool {
    !run.is_empty() && hay.windows(run.len()).any(|w| w == run)
}

/// A link (as the parser lays out HTML: `[text][1]` … `[1]: url`) whose text names a domain
/// other than the one it goes to. Returns (shown domain, target domain).
pub fn link_mismatch(body: &str) -> Option<(String, String)> {
    links::text_links(body).iter().find_map(links::mismatch)
}

static PAYMENT_CHANGE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)\b(?:new|changed?|updated?|different)\s+(?:bank|banking|payment|payout|account|iban|card)\s+(?:details|account|information|info|number)",
        r"(?i)\b(?:change|update)\s+(?:of\s+)?(?:our|my|the|your)?\s*(?:bank|banking|payment|payout)\s+(?:details|account|information)",
        r"(?i)\brefund\b[^.\n]{0,40}\bto\s+(?:(?:a|my|our|this)\s+(?:new|different|other)|another|the following|this)\s+(?:bank\s+)?(?:account|iban|card|paypal|wallet)",
        r"(?i)\b(?:send|transfer|wire)\s+(?:the\s+)?(?:refund|money|payment)\s+(?:(?:for|of)\s+[^.\n]{0,40}\s+)?(?:again\s+)?to\s+(?:this|the following|a new|another|our new|my new)\b",
        r"(?i)\bnew\s+(?:credit\s+|debit\s+)?card\b",
        r"(?i)\bneue[nrs]?\s+(?:bankverbindung|kontonummer|iban|konto)\b",
    ]
    .iter()
    .filter_map(|p| Regex::new(p).ok())
    .collect()
});

/// Does the text ask to change payment details or to pay or refund to a new account? Also
/// true for "a new card": a weak signal, paired before it flags.
pub fn asks_payment_change(text: &str) -> bool {
    PAYMENT_CHANGE.iter().any(|r| r.is_match(text))
}

#[cfg(test)]
mod tests;
