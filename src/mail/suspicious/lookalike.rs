//! Who a sender claims to be, and domains that imitate the shop's or a well-known brand's.
//!
//! A fraudster cannot send from paypal.com (its DMARC policy rejects that), so they register a
//! domain a hurried reader takes for it: confusable characters (`pаypal` with a Cyrillic а,
//! `paypa1`, `arnazon`), one typo away (`alpxh.shop`), or the name with extra words
//! (`paypal-secure.example`, `shopify-support.com`). The brand's real domains are listed so they
//! never match; the shop's own domains come from its configured addresses.
//!
//! Confusables are compared through UTS #39 skeletons (`unicode-security`), after decoding
//! punycode (`idna`); typos through the optimal-string-alignment distance (`strsim`), so a
//! swapped pair of letters counts as one edit.

use super::base_domain;
use std::sync::LazyLock;

/// A brand fraudsters like to imitate in mail to a small shop.
pub(super) struct Brand {
    /// As shown in a reason: "PayPal".
    pub name: &'static str,
    /// Words a display name uses to claim it ("paypal"), lower-case.
    names: &'static [&'static str],
    /// Labels a look-alike domain imitates ("paypal").
    labels: &'static [&'static str],
    /// Its real registrable domains: never a look-alike, and a sender there claims the brand.
    domains: &'static [&'static str],
}

/// Labels that are ordinary words too ("apple-farm.example", "stripes.example"): they make a
/// look-alike only next to a lure word ("apple-id-support"), and never by one typo.
const COMMON_WORDS: &[&str] = &["apple", "stripe", "hermes", "ups", "wix", "dpd"];

/// Labels that lose a letter into an ordinary word ("icloud" → cloud.example, "itunes" →
/// tunes.example): no typo rule for them.
const NO_TYPO: &[&str] = &["icloud", "itunes", "office365", "myhermes"];

/// Words fraudsters add to a brand's name in a domain: "paypal-secure", "amazonrefunds".
const LURE_WORDS: &[&str] = &[
    "account",
    "accounts",
    "billing",
    "center",
    "centre",
    "check",
    "confirm",
    "customs",
    "delivery",
    "express",
    "help",
    "helpdesk",
    "id",
    "info",
    "login",
    "mail",
    "notice",
    "notify",
    "online",
    "parcel",
    "paket",
    "pay",
    "payment",
    "payments",
    "refund",
    "refunds",
    "secure",
    "security",
    "seller",
    "service",
    "services",
    "shop",
    "signin",
    "store",
    "support",
    "team",
    "track",
    "tracking",
    "update",
    "verify",
    "verification",
];

macro_rules! brand {
    ($name:expr, $names:expr, $labels:expr, $domains:expr) => {
        Brand {
            name: $name,
            names: $names,
            labels: $labels,
            domains: $domains,
        }
    };
}

pub(super) const BRANDS: &[Brand] = &[
    brand!(
        "PayPal",
        &["paypal"],
        &["paypal"],
        &[
            "paypal.com",
            "paypal.de",
            "paypal.co.uk",
            "paypal.fr",
            "paypal.it",
            "paypal.es",
            "paypal.nl",
            "paypal.at",
            "paypal.ch",
            "paypal.me",
            "paypal-communication.com",
            "paypal-community.com",
            "paypalobjects.com",
        ]
    ),
    brand!(
        "Amazon",
        &["amazon"],
        &["amazon"],
        &[
            "amazon.com",
            "amazon.de",
            "amazon.co.uk",
            "amazon.fr",
            "amazon.it",
            "amazon.es",
            "amazon.nl",
            "amazon.se",
            "amazon.pl",
            "amazon.com.be",
            "amazon.ca",
            "amazon.com.au",
            "amazon.co.jp",
            "amazon.in",
            "amazonaws.com",
            "amazonses.com",
            "amzn.to",
            "amzn.eu",
            "amzn.com",
            "a.co",
            "amazon.jobs",
        ]
    ),
    brand!(
        "Shopify",
        &["shopify"],
        &["shopify"],
        &[
            "shopify.com",
            "myshopify.com",
            "shopifyemail.com",
            "shopify.dev",
            "shop.app",
            "shopifycdn.com",
            "shopifysvc.com",
        ]
    ),
    brand!(
        "Etsy",
        &["etsy"],
        &["etsy"],
        &["etsy.com", "etsy.me", "etsystatic.com"]
    ),
    brand!(
        "eBay",
        &["ebay"],
        &["ebay"],
        &[
            "ebay.com",
            "ebay.de",
            "ebay.co.uk",
            "ebay.fr",
            "ebay.it",
            "ebay.es",
            "ebay.at",
            "ebay.ch",
            "ebay.nl",
            "ebay.ca",
            "ebay.com.au",
            "ebay.us",
            "ebay.to",
            "ebay-kleinanzeigen.de",
        ]
    ),
    brand!(
        "Stripe",
        &["stripe"],
        &["stripe"],
        &["stripe.com", "stripe.network"]
    ),
    brand!(
        "Apple",
        &["apple", "icloud", "itunes"],
        &["apple", "icloud", "itunes"],
        &["apple.com", "icloud.com", "me.com", "mac.com", "itunes.com"]
    ),
    brand!(
        "Google",
        &["google", "gmail"],
        &["google"],
        &[
            "google.com",
            "google.de",
            "google.co.uk",
            "gmail.com",
            "googlemail.com",
            "youtube.com",
            "withgoogle.com",
            "googleusercontent.com",
        ]
    ),
    brand!(
        "Microsoft",
        &["microsoft", "outlook", "office365", "hotmail"],
        &["microsoft", "office365"],
        &[
            "microsoft.com",
            "outlook.com",
            "hotmail.com",
            "live.com",
            "office.com",
            "office365.com",
            "microsoftonline.com",
            "msn.com",
        ]
    ),
    brand!(
        "DHL",
        &["dhl"],
        &["dhl"],
        &[
            "dhl.com",
            "dhl.de",
            "dhl.at",
            "dhl.ch",
            "dhl.nl",
            "dhl.co.uk",
            "dhl.fr",
            "dhl.es",
            "dhl.it",
            "dhl.pl",
            "deutschepost.de",
        ]
    ),
    brand!("UPS", &["ups"], &["ups"], &["ups.com"]),
    brand!("FedEx", &["fedex"], &["fedex"], &["fedex.com"]),
    brand!(
        "DPD",
        &["dpd"],
        &["dpd"],
        &[
            "dpd.com",
            "dpd.de",
            "dpd.co.uk",
            "dpd.at",
            "dpd.nl",
            "dpd.fr",
            "dpd.ch"
        ]
    ),
    brand!(
        "Hermes",
        &["hermes", "myhermes"],
        &["hermes", "myhermes"],
        &[
            "hermesworld.com",
            "myhermes.de",
            "myhermes.co.uk",
            "hermes-europe.eu",
            "hermes.com",
            "evri.com",
        ]
    ),
    brand!(
        "Klarna",
        &["klarna"],
        &["klarna"],
        &["klarna.com", "klarna.de"]
    ),
    brand!(
        "Wix",
        &["wix"],
        &["wix"],
        &["wix.com", "wixsite.com", "wixstatic.com"]
    ),
    brand!(
        "Squarespace",
        &["squarespace"],
        &["squarespace"],
        &["squarespace.com", "squarespace.info", "sqsp.com"]
    ),
    brand!(
        "WooCommerce",
        &["woocommerce"],
        &["woocommerce"],
        &["woocommerce.com", "woo.com", "wordpress.com"]
    ),
    brand!(
        "Meta",
        &["facebook", "instagram", "whatsapp"],
        &["facebook", "instagram", "whatsapp"],
        &[
            "facebook.com",
            "facebookmail.com",
            "fb.com",
            "instagram.com",
            "meta.com",
            "whatsapp.com",
            "metamail.com",
        ]
    ),
];

impl Brand {
    /// Is `domain` (or its registrable part) one of the brand's own?
    pub fn owns(&self, domain: &str) -> bool {
        let base = base_domain(domain);
        self.domains.iter().any(|d| *d == base || *d == domain)
    }
}

/// The brand whose real domain `domain` is.
pub(super) fn brand_of_domain(domain: &str) -> Option<&'static Brand> {
    BRANDS.iter().find(|b| b.owns(domain))
}

/// The brand a display name claims: one of its words is the brand's name.
pub(super) fn brand_in_name(words: &[String]) -> Option<&'static Brand> {
    BRANDS
        .iter()
        .find(|b| words.iter().any(|w| b.names.contains(&w.as_str())))
}

/// What a domain imitates: the shop (`None` brand) or a brand, with how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Imitation {
    /// "PayPal" or the shop's name.
    pub whom: String,
    pub domain: String,
}

/// The shop's name and domains as labels a look-alike would imitate: "alphx" for "Alphx" and
/// alphx.shop. Free-mail domains (a shop on gmail.com) are nobody's look-alike target.
pub(super) fn shop_labels(name: &str, own_domains: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let joined: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if joined.chars().count() >= 4 {
        out.push(joined);
    }
    for d in own_domains {
        if crate::mail::free_mail::is_free_mail(d) {
            continue;
        }
        let base = base_domain(d);
        let label: String = base
            .split('.')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| *c != '-')
            .collect();
        if label.chars().count() >= 4 && !out.contains(&label) {
            out.push(label);
        }
    }
    out
}

/// Does `domain` imitate the shop (`shop` labels, `own_domains` its registrable domains, `own`
/// says whether a domain is the shop's) or a brand? Never for the shop's own domains or a
/// brand's real ones.
pub(super) fn imitation(
    domain: &str,
    shop_name: &str,
    shop: &[String],
    own_domains: &[String],
    own: &dyn Fn(&str) -> bool,
) -> Option<Imitation> {
    let domain = domain.trim().trim_end_matches('.').to_lowercase();
    if domain.is_empty() || own(&domain) || brand_of_domain(&domain).is_some() {
        return None;
    }
    let unicode = decode_idn(&domain);
    let base = base_domain(&unicode);
    let registered = Label::new(base.split('.').next().unwrap_or(""));
    let labels: Vec<Label> = unicode
        .split('.')
        .filter(|l| !l.is_empty())
        .map(Label::new)
        .collect();
    let hit = |whom: &str| {
        Some(Imitation {
            whom: whom.to_string(),
            domain: domain.clone(),
        })
    };
    // A real domain in front of another one: paypal.com.secure-login.example.
    let dotted = format!(".{unicode}");
    let in_front = |real: &str| dotted.contains(&format!(".{real}."));
    if own_domains.iter().any(|d| in_front(d)) {
        return hit(shop_name);
    }
    if let Some(b) = BRANDS
        .iter()
        .find(|b| b.domains.iter().any(|d| in_front(d)))
    {
        return hit(b.name);
    }
    for label in shop {
        // The shop's exact name on any other domain (alphx.sh0p, alphx-shop.example) or one
        // edit away (alpxh.shop).
        let want = Want::new(label);
        if registered.imitates(&want, true, true)
            || labels.iter().any(|l| l.with_extra_words(&want, false))
        {
            return hit(shop_name);
        }
    }
    // The brand's exact name on a country domain or .com/.net/.org is taken to be its own
    // (dpd.at, ebay.ch); on any other ending it is not (paypal.support).
    let exact_elsewhere = !matches!(tld_kind(&base), TldKind::Country | TldKind::Classic);
    for (brand, want) in BRAND_LABELS.iter() {
        let common = COMMON_WORDS.contains(&want.plain.as_str());
        let typo = !common && !NO_TYPO.contains(&want.plain.as_str());
        if registered.imitates(want, typo, exact_elsewhere)
            || labels.iter().any(|l| l.with_extra_words(want, common))
        {
            return hit(brand.name);
        }
    }
    None
}

/// A name a look-alike imitates, with its skeleton.
struct Want {
    plain: String,
    skeleton: String,
}

impl Want {
    fn new(plain: &str) -> Want {
        Want {
            plain: plain.to_string(),
            skeleton: skeleton(plain),
        }
    }
}

/// Every brand's labels with their skeletons, computed once.
static BRAND_LABELS: LazyLock<Vec<(&'static Brand, Want)>> = LazyLock::new(|| {
    BRANDS
        .iter()
        .flat_map(|b| b.labels.iter().map(move |l| (b, Want::new(l))))
        .collect()
});

/// One label of a domain as the checks need it.
struct Label {
    /// Without hyphens: "paypalsecure".
    plain: String,
    /// Skeleton of `plain`.
    glued: String,
    /// Skeletons of the hyphen-separated words.
    words: Vec<String>,
}

impl Label {
    fn new(label: &str) -> Label {
        let plain: String = label.chars().filter(|c| *c != '-').collect();
        Label {
            glued: skeleton(&plain),
            words: label
                .split('-')
                .filter(|w| !w.is_empty())
                .map(skeleton)
                .collect(),
            plain,
        }
    }

    /// Is this (registered) label a confusable of `want` (same skeleton, other spelling),
    /// one edit away (`typo`), or `want` itself on a domain that is not the owner's (`exact`)?
    fn imitates(&self, want: &Want, typo: bool, exact: bool) -> bool {
        if self.plain == want.plain {
            return exact;
        }
        if self.glued == want.skeleton {
            return true;
        }
        typo && want.plain.chars().count() >= 5
            && strsim::osa_distance(&self.glued, &want.skeleton) == 1
    }

    /// Is this label `want` plus other words: hyphenated (`paypal-secure`,
    /// `dhl-express-delivery`), or glued to a lure word (`paypalsecure`, `amazonrefunds`)?
    /// `lure_only`: a hyphenated word counts only next to a lure word (for brands whose name is
    /// an ordinary word).
    fn with_extra_words(&self, want: &Want, lure_only: bool) -> bool {
        let w = want.skeleton.as_str();
        if self.words.len() > 1 && self.words.iter().any(|x| x == w) {
            return !lure_only || self.words.iter().any(|x| is_lure(x));
        }
        if self.glued == w {
            return false;
        }
        self.glued
            .strip_prefix(w)
            .or_else(|| self.glued.strip_suffix(w))
            .is_some_and(is_lure)
    }
}

enum TldKind {
    Country,
    Classic,
    Other,
}

fn tld_kind(base: &str) -> TldKind {
    let tld = base.rsplit('.').next().unwrap_or("");
    if tld.len() == 2 && tld.chars().all(|c| c.is_ascii_alphabetic()) {
        TldKind::Country
    } else if matches!(tld, "com" | "net" | "org") {
        TldKind::Classic
    } else {
        TldKind::Other
    }
}

/// The skeletons of the [`LURE_WORDS`], computed once.
static LURE_SKELETONS: LazyLock<Vec<String>> =
    LazyLock::new(|| LURE_WORDS.iter().map(|l| skeleton(l)).collect());

/// Is `skel` (a skeleton) one of the [`LURE_WORDS`]?
fn is_lure(skel: &str) -> bool {
    LURE_SKELETONS.iter().any(|l| l == skel)
}

/// A label as a reader sees it: punycode decoded (`xn--pypal-4ve` → `pаypal`).
pub(super) fn decode_idn(domain: &str) -> String {
    if !domain.split('.').any(|l| l.starts_with("xn--")) {
        return domain.to_string();
    }
    let (decoded, result) = idna::domain_to_unicode(domain);
    if result.is_ok() {
        decoded
    } else {
        domain.to_string()
    }
}

/// The UTS #39 skeleton, lower-cased and without combining marks, so that `pаypal`, `paypa1`,
/// `PAYPAL` and `arnazon`/`amazon` meet.
pub(super) fn skeleton(s: &str) -> String {
    let lower = s.to_lowercase();
    unicode_security::confusable_detection::skeleton(&lower)
        .flat_map(char::to_lowercase)
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect()
}
