//! Checks the labelled trust corpus itself (tests/it/trust/corpus.rs), not any classifier: counts,
//! unique names and Message-IDs, references between cases, well-formed messages, the provider's
//! Authentication-Results on top, the duplicate pairs and the order of the cases.

#![allow(dead_code)]

use crate::corpus;

use std::collections::{HashMap, HashSet};

use corpus::{corpus, Case, Label, AUTHSERV_ID, SHOP_ADDRESS};
use mailparse::{MailHeaderMap, ParsedMail};

fn parsed(c: &Case) -> ParsedMail<'_> {
    mailparse::parse_mail(c.raw.as_bytes())
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", c.name))
}

fn header(c: &Case, name: &str) -> String {
    parsed(c)
        .headers
        .get_first_value(name)
        .unwrap_or_else(|| panic!("{} has no {name}", c.name))
}

/// The decoded text/plain parts, concatenated.
fn plain_text(m: &ParsedMail) -> String {
    if m.subparts.is_empty() {
        if m.ctype.mimetype == "text/plain" {
            return m.get_body().expect("body");
        }
        return String::new();
    }
    m.subparts.iter().map(plain_text).collect()
}

/// Seconds since 2026-10-31T00:00:00Z (so that day n of November starts at n days).
fn at_secs(at: &str) -> i64 {
    assert!(
        at.starts_with("2026-11-") && at.ends_with('Z') && at.len() == 20,
        "{at}"
    );
    let n = |r: std::ops::Range<usize>| at[r].parse::<i64>().unwrap();
    ((n(8..10) * 24 + n(11..13)) * 60 + n(14..16)) * 60 + n(17..19)
}

/// 2026-10-31T00:00:00Z as a Unix timestamp, the origin of `at_secs`.
const ORIGIN: i64 = 1_793_491_200 - 86_400;

fn kind(l: &Label) -> &'static str {
    match l {
        Label::CustomerQuestion => "CustomerQuestion",
        Label::GenuineOrder { .. } => "GenuineOrder",
        Label::ForgedOrder => "ForgedOrder",
        Label::ShopReply { .. } => "ShopReply",
        Label::SpoofedShopReply { .. } => "SpoofedShopReply",
        Label::Ordinary => "Ordinary",
        Label::Fraud => "Fraud",
        Label::GenuineBounce { .. } => "GenuineBounce",
        Label::ForgedBounce => "ForgedBounce",
    }
}

fn by_name(cases: &[Case]) -> HashMap<&'static str, &Case> {
    cases.iter().map(|c| (c.name, c)).collect()
}

#[test]
fn counts_per_label_meet_the_minimums() {
    let cases = corpus();
    assert!(cases.len() >= 170, "{} cases", cases.len());
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut platforms: HashMap<&str, usize> = HashMap::new();
    for c in &cases {
        *counts.entry(kind(&c.label)).or_default() += 1;
        if let Label::GenuineOrder { platform, .. } = c.label {
            *platforms.entry(platform).or_default() += 1;
        }
    }
    for (label, min) in [
        ("CustomerQuestion", 30),
        ("GenuineOrder", 20),
        ("ForgedOrder", 15),
        ("ShopReply", 10),
        ("SpoofedShopReply", 6),
        ("Ordinary", 50),
        ("Fraud", 30),
        ("GenuineBounce", 5),
        ("ForgedBounce", 8),
    ] {
        let n = counts.get(label).copied().unwrap_or(0);
        assert!(n >= min, "{label}: {n} < {min}");
    }
    for (platform, min) in [
        ("Shopify", 6),
        ("WooCommerce", 4),
        ("Etsy", 4),
        ("Squarespace", 3),
        ("Wix", 3),
    ] {
        let n = platforms.get(platform).copied().unwrap_or(0);
        assert!(n >= min, "{platform}: {n} < {min}");
    }
    assert_eq!(platforms.len(), 5, "{platforms:?}");
}

#[test]
fn names_and_message_ids_are_unique() {
    let cases = corpus();
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    for c in &cases {
        assert!(
            !c.name.is_empty()
                && c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
                && !c.name.starts_with('-')
                && !c.name.ends_with('-'),
            "not kebab-case: {}",
            c.name
        );
        assert!(names.insert(c.name), "duplicate name {}", c.name);
        let id = header(c, "Message-ID");
        assert!(
            id.starts_with('<') && id.ends_with('>') && id.contains('@'),
            "{}: {id}",
            c.name
        );
        assert!(
            ids.insert(id.clone()),
            "duplicate Message-ID {id} ({})",
            c.name
        );
    }
}

#[test]
fn every_message_parses_and_has_the_basic_headers() {
    for c in corpus() {
        assert!(
            !c.raw.replace("\r\n", "").contains(['\r', '\n']),
            "{}: bare CR or LF",
            c.name
        );
        assert!(c.raw.contains("\r\n\r\n"), "{}: no body separator", c.name);
        let (head, _) = c.raw.split_once("\r\n\r\n").unwrap();
        assert!(head.is_ascii(), "{}: non-ASCII header", c.name);
        assert!(
            c.raw.split("\r\n").all(|l| l.len() <= 998),
            "{}: line over 998",
            c.name
        );
        let m = parsed(&c);
        for h in ["From", "Date", "Message-ID", "Subject", "To"] {
            let v = m.headers.get_first_value(h);
            assert!(
                v.is_some_and(|v| !v.trim().is_empty()),
                "{}: no {h}",
                c.name
            );
        }
        assert_eq!(header(&c, "MIME-Version"), "1.0", "{}", c.name);
        let from = mailparse::addrparse_header(m.headers.get_first_header("From").unwrap())
            .unwrap_or_else(|e| panic!("{}: From: {e}", c.name));
        assert_eq!(from.len(), 1, "{}", c.name);
        assert!(
            m.ctype.params.contains_key("charset") || m.ctype.mimetype.starts_with("multipart/"),
            "{}: Content-Type without charset",
            c.name
        );
        assert!(matches!(c.mailbox, "INBOX" | "Sent"), "{}", c.name);
        assert_eq!(
            c.mailbox == "Sent",
            matches!(c.label, Label::ShopReply { .. }),
            "{}",
            c.name
        );
        if let Label::ShopReply { .. } = c.label {
            let from = header(&c, "From");
            assert!(from.contains(SHOP_ADDRESS), "{}: {from}", c.name);
        }
    }
}

#[test]
fn inbox_mail_carries_the_providers_authentication_results_first() {
    let mut without = Vec::new();
    for c in corpus() {
        let first = c.raw.split("\r\n").next().unwrap();
        let has_ar = parsed(&c)
            .headers
            .get_first_value("Authentication-Results")
            .is_some();
        if c.mailbox == "Sent" {
            assert!(
                !has_ar,
                "{}: a Sent copy with Authentication-Results",
                c.name
            );
            continue;
        }
        if c.name.ends_with("-no-ar") {
            assert!(matches!(c.label, Label::Ordinary), "{}", c.name);
            assert!(!has_ar, "{}", c.name);
            without.push(c.name);
            continue;
        }
        let value = first
            .strip_prefix("Authentication-Results:")
            .unwrap_or_else(|| panic!("{}: first line is {first:?}", c.name));
        let authserv = value.trim().split(';').next().unwrap().trim();
        assert_eq!(authserv, AUTHSERV_ID, "{}", c.name);
        // Above the Received lines, like a real provider.
        let ar_at = c.raw.find("Authentication-Results:").unwrap();
        let rcv_at = c.raw.find("\r\nReceived:").expect("Received");
        assert!(ar_at < rcv_at, "{}", c.name);
        // Genuine notifications pass for the platform's domain in the TOP header.
        if let Label::GenuineOrder { platform, .. } = c.label {
            let top = parsed(&c)
                .headers
                .get_first_value("Authentication-Results")
                .unwrap();
            let domain = match platform {
                "Shopify" => "shopify.com",
                "WooCommerce" => "alphx.shop",
                "Etsy" => "etsy.com",
                "Squarespace" => "squarespace.info",
                _ => "wix",
            };
            assert!(
                top.contains(&format!("dkim=pass header.d={domain}")),
                "{}: {top}",
                c.name
            );
        }
        if let Label::SpoofedShopReply { .. } = c.label {
            let top = parsed(&c)
                .headers
                .get_first_value("Authentication-Results")
                .unwrap();
            let fails = top.contains("dmarc=fail")
                || (top.contains("spf=fail")
                    && (top.contains("dkim=fail") || top.contains("dkim=none")));
            assert!(fails, "{}: {top}", c.name);
        }
    }
    assert!((2..=5).contains(&without.len()), "{without:?}");
}

#[test]
fn references_between_cases_resolve() {
    let cases = corpus();
    let names = by_name(&cases);
    let answered: HashSet<&str> = cases
        .iter()
        .filter_map(|c| match c.label {
            Label::ShopReply { to_case } => Some(to_case),
            _ => None,
        })
        .collect();
    for c in &cases {
        match &c.label {
            Label::ShopReply { to_case } | Label::SpoofedShopReply { to_case } => {
                let target = names
                    .get(to_case)
                    .unwrap_or_else(|| panic!("{}: no {to_case}", c.name));
                assert!(
                    matches!(target.label, Label::CustomerQuestion | Label::Ordinary),
                    "{}: answers a {:?}",
                    c.name,
                    target.label
                );
                let target_id = header(target, "Message-ID");
                assert_eq!(header(c, "In-Reply-To"), target_id, "{}", c.name);
                assert!(header(c, "References").contains(&target_id), "{}", c.name);
                assert!(
                    at_secs(c.received_at) > at_secs(target.received_at),
                    "{}",
                    c.name
                );
                assert!(header(c, "From").contains(SHOP_ADDRESS), "{}", c.name);
                if let Label::ShopReply { .. } = c.label {
                    let id = header(c, "Message-ID");
                    assert!(
                        id.starts_with("<reply-") && id.ends_with("@alphx.shop>"),
                        "{}: {id}",
                        c.name
                    );
                } else {
                    assert!(
                        matches!(target.label, Label::CustomerQuestion),
                        "{}",
                        c.name
                    );
                    assert!(
                        !answered.contains(to_case),
                        "{}: {to_case} has a genuine reply",
                        c.name
                    );
                }
            }
            Label::GenuineBounce { of_case } => {
                let reply = names
                    .get(of_case)
                    .unwrap_or_else(|| panic!("{}: no {of_case}", c.name));
                assert!(matches!(reply.label, Label::ShopReply { .. }), "{}", c.name);
                let reply_id = header(reply, "Message-ID");
                assert!(
                    c.raw.contains(&format!("Message-ID: {reply_id}")),
                    "{}: {reply_id} not quoted",
                    c.name
                );
                let to = mailparse::addrparse_header(
                    parsed(reply).headers.get_first_header("To").unwrap(),
                )
                .unwrap();
                let to = to.extract_single_info().unwrap().addr;
                assert!(c.raw.contains(&to), "{}: {to} not named", c.name);
                let delta = at_secs(c.received_at) - at_secs(reply.received_at);
                assert!(
                    (-1..=3600).contains(&delta),
                    "{}: {delta} s after its reply",
                    c.name
                );
            }
            Label::ForgedBounce => {
                for r in cases
                    .iter()
                    .filter(|r| matches!(r.label, Label::ShopReply { .. }))
                {
                    let id = header(r, "Message-ID");
                    assert!(
                        !c.raw.contains(&id),
                        "{}: names {id}, a Message-ID the shop sent",
                        c.name
                    );
                }
            }
            _ => {}
        }
    }
    // The bounce timing the brief asks for: one in the same second, one a second earlier.
    let deltas: Vec<i64> = cases
        .iter()
        .filter_map(|c| match c.label {
            Label::GenuineBounce { of_case } => {
                Some(at_secs(c.received_at) - at_secs(names[of_case].received_at))
            }
            _ => None,
        })
        .collect();
    assert!(deltas.contains(&0) && deltas.contains(&-1), "{deltas:?}");
}

#[test]
fn genuine_order_numbers_appear_in_the_mail() {
    for c in corpus() {
        if let Label::GenuineOrder { number, .. } = c.label {
            assert!(!number.starts_with('#'), "{}", c.name);
            let text = format!("{}\n{}", header(&c, "Subject"), plain_text(&parsed(&c)));
            assert!(
                text.contains(&format!("#{number}")),
                "{}: #{number}",
                c.name
            );
        }
    }
}

/// (customer addresses, total line) of an order notification's text.
fn order_facts(c: &Case) -> (Vec<String>, String) {
    let text = plain_text(&parsed(c));
    let mut emails: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.contains('@'))
        .map(|w| w.trim_matches(|ch: char| !ch.is_alphanumeric()).to_string())
        .collect();
    emails.sort();
    emails.dedup();
    let total = text
        .lines()
        .find(|l| {
            l.to_ascii_lowercase().contains("total") && !l.to_ascii_lowercase().contains("subtotal")
        })
        .unwrap_or_default()
        .to_string();
    (emails, total)
}

fn items(c: &Case) -> Vec<String> {
    plain_text(&parsed(c))
        .lines()
        .filter(|l| l.contains(" × "))
        .map(str::to_string)
        .collect()
}

#[test]
fn duplicate_pairs_are_as_specified() {
    let cases = corpus();
    let names = by_name(&cases);
    let genuine: Vec<&Case> = cases
        .iter()
        .filter(|c| matches!(c.label, Label::GenuineOrder { .. }))
        .collect();
    let pairs: Vec<(&Case, &Case)> = genuine
        .iter()
        .filter(|c| c.name.ends_with("-dup-a"))
        .map(|a| {
            // The pair's other half: the same platform ("o-<platform>-<number>-dup-b").
            let platform = a.name.split('-').nth(1);
            let b = genuine
                .iter()
                .find(|b| b.name.ends_with("-dup-b") && b.name.split('-').nth(1) == platform)
                .unwrap_or_else(|| panic!("no -dup-b for {}", a.name));
            (*a, *b)
        })
        .collect();
    assert_eq!(pairs.len(), 2);
    assert_eq!(
        genuine
            .iter()
            .filter(|c| c.name.ends_with("-dup-b"))
            .count(),
        2
    );
    let mut platforms = Vec::new();
    for (a, b) in &pairs {
        let (
            Label::GenuineOrder {
                platform: pa,
                number: na,
            },
            Label::GenuineOrder {
                platform: pb,
                number: nb,
            },
        ) = (&a.label, &b.label)
        else {
            unreachable!()
        };
        assert_eq!(pa, pb);
        assert_ne!(na, nb);
        platforms.push(*pa);
        let (ea, ta) = order_facts(a);
        let (eb, tb) = order_facts(b);
        assert!(!ea.is_empty(), "{}: no customer address", a.name);
        assert_eq!(ea, eb, "{} / {}", a.name, b.name);
        assert_eq!(ta, tb, "{} / {}", a.name, b.name);
        assert_eq!(items(a), items(b));
        let minutes = (at_secs(b.received_at) - at_secs(a.received_at)) / 60;
        assert!(
            (10..=40).contains(&minutes),
            "{} / {}: {minutes} min",
            a.name,
            b.name
        );
    }
    platforms.sort();
    assert_eq!(platforms, ["Shopify", "WooCommerce"]);
    // No other two genuine orders share a customer within 48 hours.
    for (i, a) in genuine.iter().enumerate() {
        for b in &genuine[i + 1..] {
            if pairs.iter().any(|(x, y)| {
                (x.name == a.name && y.name == b.name) || (x.name == b.name && y.name == a.name)
            }) {
                continue;
            }
            let (ea, _) = order_facts(a);
            let (eb, _) = order_facts(b);
            let shared = ea.iter().any(|e| eb.contains(e));
            let close = (at_secs(a.received_at) - at_secs(b.received_at)).abs() <= 48 * 3600;
            assert!(
                !(shared && close),
                "{} and {} share a customer",
                a.name,
                b.name
            );
        }
    }
    // The forged would-be pair about a third person, 10 minutes apart.
    let (f1, f2) = (
        names["f-order-twice-lukas-1"],
        names["f-order-twice-lukas-2"],
    );
    assert!(matches!(f1.label, Label::ForgedOrder) && matches!(f2.label, Label::ForgedOrder));
    assert_eq!(order_facts(f1), order_facts(f2));
    assert_eq!(items(f1), items(f2));
    assert_eq!(at_secs(f2.received_at) - at_secs(f1.received_at), 600);
    let third = &order_facts(f1).0;
    assert!(genuine
        .iter()
        .all(|g| order_facts(g).0.iter().all(|e| !third.contains(e))));
    // One forged order duplicates a genuine order's customer, items and total.
    let forged = names["f-order-dup-of-genuine-wei"];
    assert!(matches!(forged.label, Label::ForgedOrder));
    let twin = genuine
        .iter()
        .find(|g| order_facts(g) == order_facts(forged) && items(g) == items(forged))
        .expect("a genuine twin");
    assert!((at_secs(forged.received_at) - at_secs(twin.received_at)).abs() <= 3600);
}

#[test]
fn cases_are_in_received_order_within_the_week() {
    let cases = corpus();
    let names = by_name(&cases);
    let pos: HashMap<&str, usize> = cases.iter().enumerate().map(|(i, c)| (c.name, i)).collect();
    for w in cases.windows(2) {
        assert!(
            w[0].received_at <= w[1].received_at,
            "{} before {}",
            w[0].name,
            w[1].name
        );
    }
    for c in &cases {
        let s = at_secs(c.received_at);
        assert!(
            (23 * 86_400..28 * 86_400).contains(&s),
            "{}: {}",
            c.name,
            c.received_at
        );
        let date =
            mailparse::dateparse(&header(c, "Date")).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let diff = ORIGIN + s - date;
        assert!(
            (0..=600).contains(&diff),
            "{}: Date {diff} s before received_at",
            c.name
        );
        if let Label::GenuineBounce { of_case } = c.label {
            let reply = names[of_case];
            if c.received_at == reply.received_at {
                assert!(
                    pos[c.name] > pos[of_case],
                    "{}: same second, must come after",
                    c.name
                );
            }
            if at_secs(c.received_at) < at_secs(reply.received_at) {
                assert!(pos[c.name] < pos[of_case], "{}", c.name);
            }
        }
    }
}

fn attachment_names(m: &ParsedMail, out: &mut Vec<String>) {
    let disp = m.get_content_disposition();
    if let Some(f) = disp.params.get("filename") {
        out.push(f.clone());
    }
    for p in &m.subparts {
        attachment_names(p, out);
    }
}

fn html_text(m: &ParsedMail) -> String {
    if m.subparts.is_empty() {
        if m.ctype.mimetype == "text/html" {
            return m.get_body().expect("body");
        }
        return String::new();
    }
    m.subparts.iter().map(html_text).collect()
}

#[test]
fn fraud_covers_every_strong_signal() {
    let cases = corpus();
    let fraud: Vec<&Case> = cases
        .iter()
        .filter(|c| matches!(c.label, Label::Fraud))
        .collect();
    let mut names = Vec::new();
    for c in &fraud {
        attachment_names(&parsed(c), &mut names);
    }
    for f in [
        "invoice.pdf.exe",
        "photo.JPG.scr",
        "label.js",
        "run.bat",
        "setup.exe",
        "doc.pdf.lnk",
        "x.vbs",
        "y.cmd",
        "z.ps1",
        "a.jar",
        "b.msi",
    ] {
        assert!(names.iter().any(|n| n == f), "no Fraud attachment {f}");
    }
    let failed = fraud
        .iter()
        .filter(|c| {
            let top = header(c, "Authentication-Results");
            top.contains("dmarc=fail") || (top.contains("dkim=fail") && top.contains("spf=fail"))
        })
        .count();
    assert!(failed >= 6, "{failed} with failed authentication");
    let links = fraud
        .iter()
        .filter(|c| html_text(&parsed(c)).contains("<a href"))
        .count();
    assert!(links >= 5, "{links} with HTML links");
    // Ordinary mail never carries an executable attachment.
    for c in cases.iter().filter(|c| matches!(c.label, Label::Ordinary)) {
        let mut names = Vec::new();
        attachment_names(&parsed(c), &mut names);
        for n in names {
            let ext = n.rsplit('.').next().unwrap().to_ascii_lowercase();
            assert!(
                !["exe", "scr", "js", "bat", "lnk", "vbs", "cmd", "ps1", "jar", "msi"]
                    .contains(&ext.as_str()),
                "{}: {n}",
                c.name
            );
        }
    }
}
