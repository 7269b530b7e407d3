//! Order notifications: the mail a shop platform sends the owner for every order ("[Alphx]
//! Order #1047 placed by Jane Doe"). They are orders, not questions: this module recognises
//! them and reads the order out of them, so the store can file them in the customer's history
//! and spot a customer who ordered the same thing twice.
//!
//! Built-in rules cover the default staff notifications of Shopify, WooCommerce, Etsy,
//! Squarespace and Wix; the owner adds rules for anything else (`[[orders.source]]` in the
//! config, compiled into [`OrderSource`]). The fields are read from the text body by labels
//! ("Shipping address", "Total", "× 2"), which all these templates share in some spelling.
//!
//! **Who sent it decides, not what it says** ([`file`]). A subject is typed by whoever writes
//! the mail, so a customer's "[URGENT] New order #1234 never arrived" must never be filed away
//! as a notification. A built-in rule applies only to mail from its platform's sending domains
//! (WooCommerce sends from the shop's own site), and it is *verified* only when the shop's
//! provider says `dkim=pass` for that domain ([`super::auth`]). Where the provider adds no
//! `Authentication-Results`, the sending domain and the notification's own structure file it
//! as an unverified order: history, never a duplicate item. A mail that looks like a
//! notification but fails these checks is an [`Filing::Impostor`]: a customer message with a
//! warning. Pure: no IO, never panics.

use super::auth::AuthResults;
use super::{orders::order_numbers, ParsedMessage};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// One order read from a notification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrderMail {
    /// "shopify", "woocommerce", "etsy", "squarespace", "wix", or the owner's source name.
    pub platform: String,
    /// The order number without `#` ("1047").
    pub number: String,
    pub customer_name: Option<String>,
    /// The customer's address, lower-case.
    pub customer_email: Option<String>,
    /// The shipping address on one line ("Jane Doe, 12 Elm St, 10115 Berlin, Germany").
    pub address: Option<String>,
    /// Line items as written ("Speckled pasta plates (set of 4) × 1").
    pub items: Vec<String>,
    /// The total as written ("€64.00").
    pub total: Option<String>,
}

impl OrderMail {
    /// The items compared for duplicates: lower-case, spaces collapsed, sorted.
    pub fn item_key(&self) -> String {
        let mut items: Vec<String> = self.items.iter().map(|i| normalize(i)).collect();
        items.sort();
        items.join("\n")
    }
    /// The total compared for duplicates: its digits only ("€64.00" → "6400").
    pub fn total_key(&self) -> Option<String> {
        self.total
            .as_deref()
            .map(|t| t.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|t| !t.is_empty())
    }
    /// The shipping address compared for duplicates.
    pub fn address_key(&self) -> Option<String> {
        self.address
            .as_deref()
            .map(|a| {
                normalize(a)
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect()
            })
            .filter(|a: &String| !a.is_empty())
    }
}

fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An owner rule (`[[orders.source]]`): which mail is an order notification and where its
/// fields are. Every pattern is a regex whose first capture group (or the whole match) is the
/// value; `items` may match many times.
#[derive(Debug, Clone)]
pub struct OrderSource {
    pub name: String,
    /// A sender address (exact) or domain (with subdomains).
    pub sender: Option<String>,
    pub subject: Regex,
    pub number: Option<Regex>,
    pub customer_name: Option<Regex>,
    pub customer_email: Option<Regex>,
    pub address: Option<Regex>,
    pub items: Option<Regex>,
    pub total: Option<Regex>,
}

impl PartialEq for OrderSource {
    fn eq(&self, other: &Self) -> bool {
        let s = |r: &Option<Regex>| r.as_ref().map(|r| r.as_str().to_string());
        self.name == other.name
            && self.sender == other.sender
            && self.subject.as_str() == other.subject.as_str()
            && s(&self.number) == s(&other.number)
            && s(&self.customer_name) == s(&other.customer_name)
            && s(&self.customer_email) == s(&other.customer_email)
            && s(&self.address) == s(&other.address)
            && s(&self.items) == s(&other.items)
            && s(&self.total) == s(&other.total)
    }
}

/// The owner's order rules and the duplicate window.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRules {
    pub sources: Vec<OrderSource>,
    /// Two matching orders this close together are a possible duplicate.
    pub duplicate_window: chrono::Duration,
    /// The shop's own domains: WooCommerce notifications come from the shop's own site.
    pub shop_domains: Vec<String>,
}

impl Default for OrderRules {
    fn default() -> Self {
        OrderRules {
            sources: Vec::new(),
            duplicate_window: chrono::Duration::hours(24),
            shop_domains: Vec::new(),
        }
    }
}

/// How far a filed order can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The shop's provider verified the platform's (or the owner rule's sender's) signature.
    Verified,
    /// The provider adds no `Authentication-Results`, or says neither pass nor fail: filed by
    /// the sending domain and the notification's structure; never makes a duplicate item.
    Unverified,
}

/// What a mail is, as far as orders go.
#[derive(Debug, Clone, PartialEq)]
pub enum Filing {
    /// An order notification: filed in the customer's history, not a question.
    Order(OrderMail, Trust),
    /// Looks like a notification but is not from the platform (a look-alike or free-mail
    /// sender, a failed signature, a customer's subject): a customer message, with this reason.
    Impostor(String),
    /// Anything else.
    None,
}

/// The built-in platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Platform {
    Shopify,
    WooCommerce,
    Etsy,
    Squarespace,
    Wix,
}

impl Platform {
    fn name(self) -> &'static str {
        match self {
            Platform::Shopify => "shopify",
            Platform::WooCommerce => "woocommerce",
            Platform::Etsy => "etsy",
            Platform::Squarespace => "squarespace",
            Platform::Wix => "wix",
        }
    }
}

fn re(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

/// "[Alphx] Order #1047 placed by Jane Doe"
static SHOPIFY_SUBJECT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(r"(?i)^\[[^\]]+\]\s*order\s+#?(?P<num>[A-Za-z0-9-]+)\s+placed by\s+(?P<name>.+)$")
});
/// "[Alphx]: New order #1047", "[Alphx] New customer order (1047) - 3 June 2025"
static WOO_SUBJECT: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"(?i)^\[[^\]]+\]:?\s*new (?:customer )?order\s*(?:#|\(#?)(?P<num>\d+)"));
/// "You made a sale on Etsy - Ship by Jun 6 - [$64.00, Order #3012345678]"
static ETSY_SUBJECT: LazyLock<Option<Regex>> = LazyLock::new(|| re(r"(?i)you made a sale"));
/// "A New Order has Arrived", "New order #00123"
static NEW_ORDER_SUBJECT: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"(?i)\bnew order\b|\border\b.*\b(?:received|arrived)\b"));

static EMAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"(?i)[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}"));
/// "Speckled pasta plates × 2", "Mug x 1", "2 x Mug" is not used by these templates.
static ITEM_TIMES: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"^\s*(?:[-*•]\s*)?(?P<item>\S.*?\S)\s+(?:×|x|X)\s*(?P<qty>\d{1,4})\b"));
/// "Total: €64.00", "Order total  $64.00", "TOTAL 64,00 EUR"
static TOTAL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:order\s+)?total(?:\s+paid)?\s*[:|]?\s*(?P<amount>(?:[A-Z]{3}\s?|[€$£]\s?)?\d[\d.,]*(?:\s?(?:[A-Z]{3}|€))?)",
    )
});

fn domain_matches(addr: &str, domains: &[&str]) -> bool {
    domains
        .iter()
        .any(|d| super::classify::address_matches_domain(addr, d))
}

/// A reply or forward carries someone's own words: never a platform's notification.
fn is_reply_or_forward(msg: &ParsedMessage) -> bool {
    let s = msg.subject.trim_start().to_lowercase();
    msg.in_reply_to.is_some()
        || [
            "re:", "fw:", "fwd:", "aw:", "wg:", "tr:", "sv:", "vs:", "rif:", "r:",
        ]
        .iter()
        .any(|p| s.starts_with(p))
}

/// The platform whose notification subject this is, whoever sent it.
fn platform_by_subject(subject: &str) -> Option<Platform> {
    let matches = |r: &LazyLock<Option<Regex>>| r.as_ref().is_some_and(|r| r.is_match(subject));
    if matches(&SHOPIFY_SUBJECT) {
        Some(Platform::Shopify)
    } else if matches(&WOO_SUBJECT) {
        Some(Platform::WooCommerce)
    } else if matches(&ETSY_SUBJECT) {
        Some(Platform::Etsy)
    } else if matches(&NEW_ORDER_SUBJECT) {
        Some(Platform::Squarespace)
    } else {
        None
    }
}

impl Platform {
    const ALL: [Platform; 5] = [
        Platform::Shopify,
        Platform::WooCommerce,
        Platform::Etsy,
        Platform::Squarespace,
        Platform::Wix,
    ];

    /// The domains the platform sends its notifications from (and signs them with).
    fn domains(self, rules: &OrderRules) -> Vec<&str> {
        match self {
            Platform::Shopify => vec!["shopify.com", "shopifyemail.com"],
            Platform::WooCommerce => rules.shop_domains.iter().map(String::as_str).collect(),
            Platform::Etsy => vec!["etsy.com"],
            Platform::Squarespace => vec!["squarespace.com", "squarespace.info"],
            Platform::Wix => vec!["wix.com", "wixsite.com", "wixstores.com", "wix-stores.com"],
        }
    }

    /// Does this platform's notification subject match?
    fn subject_matches(self, subject: &str) -> bool {
        let matches = |r: &LazyLock<Option<Regex>>| r.as_ref().is_some_and(|r| r.is_match(subject));
        match self {
            Platform::Shopify => matches(&SHOPIFY_SUBJECT),
            Platform::WooCommerce => matches(&WOO_SUBJECT),
            Platform::Etsy => matches(&ETSY_SUBJECT),
            Platform::Squarespace | Platform::Wix => matches(&NEW_ORDER_SUBJECT),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Platform::Shopify => "Shopify",
            Platform::WooCommerce => "WooCommerce",
            Platform::Etsy => "Etsy",
            Platform::Squarespace => "Squarespace",
            Platform::Wix => "Wix",
        }
    }
}

/// The platform whose sending domain `from` is in, with a matching subject.
fn platform_of(msg: &ParsedMessage, rules: &OrderRules) -> Option<Platform> {
    let subject = msg.subject.trim();
    if is_reply_or_forward(msg) {
        return None;
    }
    let from = msg.from.as_ref().map(|a| a.addr.as_str()).unwrap_or("");
    Platform::ALL
        .into_iter()
        .find(|p| domain_matches(from, &p.domains(rules)) && p.subject_matches(subject))
}

/// Decide what `msg` is: a (verified or unverified) order, an impostor, or neither. `auth` is
/// the shop's provider's verdict on the sender ([`super::auth::receiving_results`]).
pub fn file(msg: &ParsedMessage, rules: &OrderRules, auth: Option<&AuthResults>) -> Filing {
    if is_reply_or_forward(msg) {
        return Filing::None;
    }
    let from = msg.from.as_ref().map(|a| a.addr.as_str()).unwrap_or("");
    let from_domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    for source in &rules.sources {
        let Some(order) = extract_custom(msg, source) else {
            continue;
        };
        return match auth {
            Some(a) if a.failed() => Filing::Impostor(format!(
                "looks like a {} order notification but failed the sender check",
                super::sanitize::line(&source.name)
            )),
            Some(a) if a.passes_for(from_domain) => Filing::Order(order, Trust::Verified),
            _ => Filing::Order(order, Trust::Unverified),
        };
    }
    if let Some(platform) = platform_of(msg, rules) {
        let Some(order) = read_order(msg, platform) else {
            return Filing::None;
        };
        let signed = |a: &AuthResults| {
            platform
                .domains(rules)
                .iter()
                .any(|d| a.dkim_pass_for(d) && super::classify::address_matches_domain(from, d))
        };
        return match auth {
            Some(a) if signed(a) => Filing::Order(order, Trust::Verified),
            Some(_) => Filing::Impostor(format!(
                "looks like a {} order notification but is not signed by {}",
                platform.label(),
                platform.label()
            )),
            // No verdict from the provider: the sending domain and the notification's own
            // structure (items or a total) may file it, unverified.
            None if !order.items.is_empty() || order.total.is_some() => {
                Filing::Order(order, Trust::Unverified)
            }
            None => Filing::None,
        };
    }
    if looks_like_notification(msg, rules) {
        return Filing::Impostor(
            "looks like an order notification but is not from your platform".to_string(),
        );
    }
    Filing::None
}

/// A notification subject, and the mail claims to be a platform's: a platform's name in the
/// sender, a notification sender's mailbox name, or a notification's body (items, a total and
/// an address block). A customer's own "New order #1234 never arrived" does not.
fn looks_like_notification(msg: &ParsedMessage, rules: &OrderRules) -> bool {
    let subject = msg.subject.trim();
    let by_subject = platform_by_subject(subject);
    let Some(platform) = by_subject else {
        return false;
    };
    let from = msg.from.as_ref();
    let addr = from.map(|a| a.addr.as_str()).unwrap_or("");
    let name = from.and_then(|a| a.name.as_deref()).unwrap_or("");
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .map(|c| match c {
                '0' => 'o',
                '1' => 'l',
                '3' => 'e',
                'í' | 'ì' | 'ï' | 'î' => 'i',
                'á' | 'à' | 'ä' | 'â' | 'а' => 'a',
                'ó' | 'ò' | 'ö' | 'ô' | 'о' => 'o',
                'é' | 'è' | 'ë' | 'ê' | 'е' => 'e',
                c => c,
            })
            .collect()
    };
    let sender = squash(&format!("{name} {addr}"));
    let claims_platform = Platform::ALL
        .iter()
        .any(|p| sender.contains(&p.label().to_lowercase()));
    let local = addr.split('@').next().unwrap_or("").to_lowercase();
    let machine_mailbox = [
        "mailer",
        "noreply",
        "no-reply",
        "donotreply",
        "notifications",
        "notification",
        "transaction",
        "orders",
        "wordpress",
    ]
    .contains(&local.as_str());
    let own_domain_claim = platform == Platform::WooCommerce
        && !rules.shop_domains.is_empty()
        && domain_matches(
            addr,
            &rules
                .shop_domains
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
    let body = msg.body.as_str();
    let structure = !items(body).is_empty()
        && total(body).is_some()
        && block_after(
            body,
            &[
                "shipping address",
                "ship to",
                "billing address",
                "delivery address",
                "customer",
            ],
        )
        .is_some();
    claims_platform || machine_mailbox || own_domain_claim || structure
}

/// Read an order out of `msg` if its sender and subject make it a notification (the owner's
/// rules first, then the built-in platforms), whatever the provider said of the sender: the
/// fields only. [`file`] decides whether to trust it. `None` for every other message.
pub fn extract(msg: &ParsedMessage, rules: &OrderRules) -> Option<OrderMail> {
    if is_reply_or_forward(msg) {
        return None;
    }
    for source in &rules.sources {
        if let Some(o) = extract_custom(msg, source) {
            return Some(o);
        }
    }
    read_order(msg, platform_of(msg, rules)?)
}

/// The order fields of a built-in platform's notification.
fn read_order(msg: &ParsedMessage, platform: Platform) -> Option<OrderMail> {
    let body = msg.body.as_str();
    let subject = msg.subject.trim();
    let caps = |r: &LazyLock<Option<Regex>>| r.as_ref().and_then(|r| r.captures(subject));
    let (number, subject_name) = match platform {
        Platform::Shopify => {
            let c = caps(&SHOPIFY_SUBJECT)?;
            (
                c.name("num").map(|m| m.as_str().to_string()),
                c.name("name").map(|m| m.as_str().trim().to_string()),
            )
        }
        Platform::WooCommerce => (
            caps(&WOO_SUBJECT)
                .and_then(|c| c.name("num"))
                .map(|m| m.as_str().to_string()),
            None,
        ),
        _ => (None, None),
    };
    let number = number
        .or_else(|| order_numbers(subject).into_iter().next())
        .or_else(|| labelled(body, &["order number", "order no", "order #", "order id"]))
        .or_else(|| order_numbers(body).into_iter().next())?;
    let number = number.trim_start_matches('#').to_string();
    let address = block_after(
        body,
        &[
            "shipping address",
            "ship to",
            "shipping details",
            "delivery address",
            "shipping to",
        ],
    );
    let customer_name = subject_name
        .or_else(|| woo_customer(body))
        .or_else(|| address.as_ref().and_then(|a| a.first().cloned()))
        .or_else(|| labelled(body, &["customer name", "customer", "buyer", "name"]));
    let shop_side = msg
        .from
        .as_ref()
        .map(|a| a.addr.clone())
        .unwrap_or_default();
    let customer_email = labelled(body, &["email", "e-mail", "customer email", "contact"])
        .and_then(|v| first_email(&v))
        .or_else(|| {
            EMAIL.as_ref().and_then(|r| {
                r.find_iter(body)
                    .map(|m| m.as_str().to_lowercase())
                    .find(|e| *e != shop_side && !is_platform_address(e))
            })
        });
    Some(OrderMail {
        platform: platform.name().to_string(),
        number,
        customer_name,
        customer_email,
        address: address.map(|lines| lines.join(", ")),
        items: items(body),
        total: total(body),
    })
}

fn is_platform_address(addr: &str) -> bool {
    domain_matches(
        addr,
        &[
            "shopify.com",
            "etsy.com",
            "squarespace.com",
            "squarespace.info",
            "wix.com",
            "woocommerce.com",
        ],
    ) || addr.starts_with("no-reply@")
        || addr.starts_with("noreply@")
}

fn first_email(s: &str) -> Option<String> {
    EMAIL
        .as_ref()
        .and_then(|r| r.find(s))
        .map(|m| m.as_str().to_lowercase())
}

/// "You've received the following order from Jane Doe:"
fn woo_customer(body: &str) -> Option<String> {
    let r = LazyLock::force(&WOO_FROM).as_ref()?;
    r.captures(body)
        .and_then(|c| c.name("name"))
        .map(|m| m.as_str().trim().to_string())
}
static WOO_FROM: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"(?i)order from (?P<name>[^:\n]+?)\s*:"));

/// The value after `Label:` on the same line, or on the next line when the label stands alone.
fn labelled(body: &str, labels: &[&str]) -> Option<String> {
    let lines: Vec<&str> = body.lines().collect();
    for label in labels {
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            let lower = t.to_lowercase();
            let Some(rest) = lower.strip_prefix(label) else {
                continue;
            };
            let rest = rest.trim_start();
            if !(rest.is_empty() || rest.starts_with(':')) {
                continue;
            }
            let value = t[t.len() - rest.len()..].trim_start_matches(':').trim();
            if !value.is_empty() {
                return Some(value.to_string());
            }
            if let Some(next) = lines.get(i + 1).map(|l| l.trim()).filter(|l| !l.is_empty()) {
                return Some(next.to_string());
            }
        }
    }
    None
}

/// The non-empty lines after a heading ("Shipping address"), up to a blank line.
fn block_after(body: &str, headings: &[&str]) -> Option<Vec<String>> {
    let lines: Vec<&str> = body.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let lower = line.trim().trim_end_matches(':').trim().to_lowercase();
        if !headings.contains(&lower.as_str()) {
            continue;
        }
        let block: Vec<String> = lines
            .iter()
            .skip(i + 1)
            .map(|l| l.trim())
            .skip_while(|l| l.is_empty())
            .take_while(|l| !l.is_empty())
            .take(8)
            .map(str::to_string)
            .collect();
        if !block.is_empty() {
            return Some(block);
        }
    }
    None
}

/// Line items: "Name × 2" lines, or "Item: Name" / "Product: Name" lines with a "Quantity: 2".
fn items(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = ITEM_TIMES.as_ref() {
        for line in body.lines() {
            if let Some(c) = r.captures(line) {
                if let (Some(item), Some(qty)) = (c.name("item"), c.name("qty")) {
                    out.push(format!("{} × {}", item.as_str().trim(), qty.as_str()));
                }
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    let lines: Vec<&str> = body.lines().map(str::trim).collect();
    for (i, line) in lines.iter().enumerate() {
        let lower = line.to_lowercase();
        let Some(name) = ["item:", "product:"]
            .iter()
            .find_map(|p| lower.strip_prefix(p).map(|_| line[p.len()..].trim()))
        else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let qty = lines
            .iter()
            .skip(i + 1)
            .take(4)
            .find_map(|l| {
                let l = l.to_lowercase();
                l.strip_prefix("quantity:")
                    .or_else(|| l.strip_prefix("qty:"))
                    .map(|q| q.trim().to_string())
            })
            .unwrap_or_else(|| "1".to_string());
        out.push(format!("{name} × {qty}"));
    }
    out
}

fn total(body: &str) -> Option<String> {
    let r = TOTAL.as_ref()?;
    body.lines()
        .rev()
        .filter_map(|l| r.captures(l))
        .find_map(|c| c.name("amount").map(|m| m.as_str().trim().to_string()))
}

/// An owner rule applies only to mail from its sender: a rule without one never files mail
/// (config requires it; a subject alone is anybody's to write).
fn extract_custom(msg: &ParsedMessage, src: &OrderSource) -> Option<OrderMail> {
    let sender = src.sender.as_deref()?;
    let from = msg.from.as_ref().map(|a| a.addr.as_str())?;
    if !super::classify::rule_matches(from, sender) {
        return None;
    }
    let subject_caps = src.subject.captures(&msg.subject)?;
    let text = format!("{}\n{}", msg.subject, msg.body);
    let pick = |r: &Option<Regex>| -> Option<String> {
        let c = r.as_ref()?.captures(&text)?;
        c.get(1)
            .or_else(|| c.get(0))
            .map(|m| m.as_str().trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let number = pick(&src.number)
        .or_else(|| subject_caps.get(1).map(|m| m.as_str().to_string()))
        .or_else(|| order_numbers(&text).into_iter().next())?;
    let items = match &src.items {
        Some(r) => r
            .captures_iter(&text)
            .filter_map(|c| c.get(1).or_else(|| c.get(0)))
            .map(|m| m.as_str().trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        None => items(&msg.body),
    };
    Some(OrderMail {
        platform: src.name.clone(),
        number: number.trim_start_matches('#').to_string(),
        customer_name: pick(&src.customer_name),
        customer_email: pick(&src.customer_email)
            .and_then(|e| first_email(&e))
            .or_else(|| labelled(&msg.body, &["email", "e-mail"]).and_then(|v| first_email(&v))),
        address: pick(&src.address).map(|a| a.split_whitespace().collect::<Vec<_>>().join(" ")),
        items,
        total: pick(&src.total).or_else(|| total(&msg.body)),
    })
}

/// Are two orders of one customer a possible duplicate? Same customer (same address, or same
/// name and shipping address) and the same items or the same total. The time window is the
/// caller's (it has the times).
pub fn possible_duplicate(a: &OrderMail, b: &OrderMail) -> bool {
    if a.number.eq_ignore_ascii_case(&b.number) {
        return false;
    }
    let same_email = matches!((&a.customer_email, &b.customer_email), (Some(x), Some(y)) if x == y);
    let same_name = matches!((&a.customer_name, &b.customer_name), (Some(x), Some(y)) if normalize(x) == normalize(y));
    let same_address = matches!((a.address_key(), b.address_key()), (Some(x), Some(y)) if x == y);
    let same_customer = same_email || (same_name && same_address);
    let same_items = !a.items.is_empty() && a.item_key() == b.item_key();
    let same_total = matches!((a.total_key(), b.total_key()), (Some(x), Some(y)) if x == y);
    same_customer && (same_items || same_total)
}

#[cfg(test)]
mod tests;
