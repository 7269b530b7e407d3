//! Links in a message: pairs of visible text and target, from the readable body (the parser
//! lays HTML out as `[text][1]` … `[1]: url`) and from every HTML part (a text/plain
//! alternative may say nothing while the HTML the reader's mail program shows carries the
//! trap), and the hosts they point to.
//!
//! A link whose text shows a domain and whose target is another registrable domain is the
//! classic phishing trick; "click here" shows no domain, and www.paypal.com → paypal.com is the
//! same site. Links through a mail provider's link rewriter or a newsletter tracker go to the
//! tracker by design and are not compared (precision first).

use super::base_domain;
use regex::Regex;
use std::sync::LazyLock;

/// One link as the reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Link {
    pub text: String,
    pub url: String,
}

/// At most this many links per message are looked at, and this much of one HTML part: enough
/// for any real mail, and a hostile one cannot make the check slow.
const MAX_LINKS: usize = 500;
const MAX_HTML: usize = 1 << 20;

static LINK_TEXT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\[([^\[\]\n]{1,200})\]\[(\d{1,4})\]").ok());
static LINK_TARGET: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?m)^\[(\d{1,4})\]:\s*(\S+)").ok());
static ANCHOR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?is)<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))[^>]*>(.*?)</a\s*>"#,
    )
    .ok()
});
static TAG: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").ok());
static DOMAIN_IN_TEXT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(https?://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}))(?:[/:?#]|\b)",
    )
    .ok()
});
static BARE_URL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)\bhttps?://[^\s<>"'\]\[)]+"#).ok());

/// Endings a reader takes for a web address even without `www.` or `https://`.
const WEB_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "shop", "store", "online", "site", "app", "io", "co", "eu",
    "example",
];

/// File names look like domains ("invoice.pdf") but are not shown as places to go.
const FILE_ENDINGS: &[&str] = &[
    "pdf", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "zip", "txt", "csv", "htm",
    "html", "php", "aspx", "md",
];

/// Link rewriters and trackers: their links go elsewhere than their text on purpose.
const REWRITERS: &[&str] = &[
    "safelinks.protection.outlook.com",
    "urldefense.com",
    "urldefense.proofpoint.com",
    "linkprotect.cudasvc.com",
    "list-manage.com",
    "sendgrid.net",
    "mandrillapp.com",
    "mailchi.mp",
    "hubspotlinks.com",
    "klclick.com",
    "mailjet.com",
    "sendibt3.com",
    "mlsend.com",
];

/// Short links of shops and marketplaces: ordinary in a customer's mail, a lure next to a
/// claimed brand or a payment request.
const SHORT_LINK_HOSTS: &[&str] = &[
    "etsy.me",
    "amzn.to",
    "amzn.eu",
    "a.co",
    "shop.app",
    "ebay.us",
    "ebay.to",
    "paypal.me",
];

/// Links of the readable body (`[text][n]` … `[n]: url`).
pub(super) fn text_links(body: &str) -> Vec<Link> {
    let (Some(texts), Some(targets)) = (LINK_TEXT.as_ref(), LINK_TARGET.as_ref()) else {
        return Vec::new();
    };
    let urls: std::collections::HashMap<&str, &str> = targets
        .captures_iter(body)
        .take(MAX_LINKS)
        .filter_map(|c| Some((c.get(1)?.as_str(), c.get(2)?.as_str())))
        .collect();
    texts
        .captures_iter(body)
        .take(MAX_LINKS)
        .filter_map(|c| {
            let url = urls.get(c.get(2)?.as_str())?;
            Some(Link {
                text: c.get(1)?.as_str().to_string(),
                url: url.to_string(),
            })
        })
        .collect()
}

/// `<a href="…">…</a>` pairs of an HTML part, text without tags and entities decoded.
pub(super) fn html_links(html: &str) -> Vec<Link> {
    let (Some(anchor), Some(tag)) = (ANCHOR.as_ref(), TAG.as_ref()) else {
        return Vec::new();
    };
    let mut end = html.len().min(MAX_HTML);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    anchor
        .captures_iter(&html[..end])
        .take(MAX_LINKS)
        .filter_map(|c| {
            let href = c.get(1).or(c.get(2)).or(c.get(3))?.as_str();
            let inner = c.get(4)?.as_str();
            Some(Link {
                text: entities(&tag.replace_all(inner, " ")),
                url: entities(href.trim()),
            })
        })
        .collect()
}

/// The hosts of the bare `http(s)://` addresses in a text.
pub(super) fn bare_url_hosts(text: &str) -> Vec<String> {
    let Some(re) = BARE_URL.as_ref() else {
        return Vec::new();
    };
    re.find_iter(text)
        .take(MAX_LINKS)
        .filter_map(|m| url_host(m.as_str()))
        .collect()
}

/// The host of an absolute `scheme://host/...` address, lower-case.
pub(super) fn url_host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#', '\\']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.trim_end_matches('.').to_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Is `host` a shop's or marketplace's short-link domain?
pub(super) fn is_short_link(host: &str) -> bool {
    SHORT_LINK_HOSTS
        .iter()
        .any(|s| host == *s || host.ends_with(&format!(".{s}")))
}

/// The domain a link's text shows, when it shows one a reader would trust.
fn shown_domain(text: &str) -> Option<String> {
    let re = DOMAIN_IN_TEXT.as_ref()?;
    let c = re.captures(text)?;
    let domain = c.get(2)?.as_str().to_lowercase();
    let tld = c.get(3)?.as_str().to_lowercase();
    if FILE_ENDINGS.contains(&tld.as_str()) {
        return None;
    }
    let looks_web = c.get(1).is_some()
        || domain.starts_with("www.")
        || tld.len() == 2
        || WEB_TLDS.contains(&tld.as_str());
    looks_web.then_some(domain)
}

/// A link whose text shows one domain and whose target is another: (shown, target).
pub(super) fn mismatch(link: &Link) -> Option<(String, String)> {
    let target = url_host(&link.url)?;
    let target_base = base_domain(&target);
    if REWRITERS
        .iter()
        .any(|r| target == *r || target.ends_with(&format!(".{r}")) || target_base == *r)
    {
        return None;
    }
    let shown = shown_domain(&link.text)?;
    (base_domain(&shown) != target_base).then_some((shown, target))
}

/// Decode the entities a link's text or address may carry (`&amp;`, `&#46;`, `&#x2e;`).
fn entities(s: &str) -> String {
    if !s.contains('&') {
        return s.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Entity names are short ASCII; a byte search never splits a character.
        let Some(semi) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse::<u32>().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
