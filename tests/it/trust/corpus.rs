//! A labelled corpus for the classifiers that decide who a mail is from (issue 20: "signals a
//! sender cannot forge"). Every message here was written for these tests; none is copied from
//! real mail. Names, addresses and order numbers are invented; IP addresses come from the
//! documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24).
//!
//! The shop is "Alphx" (hello@alphx.shop); its provider's receiving server adds the topmost
//! `Authentication-Results: mx.alphx.shop; ...` above the `Received:` headers of every message
//! it accepts. The labels say what the rules of the domain (DESIGN.md) expect:
//!
//! * [`Label::CustomerQuestion`]: a customer's own words, however order-like the subject. Needs a
//!   reply; never an order.
//! * [`Label::GenuineOrder`]: a platform notification with `dkim=pass` for the platform's domain in
//!   the topmost Authentication-Results. Exactly two genuine duplicate pairs exist (names ending
//!   `-dup-a` / `-dup-b`): one Shopify, one WooCommerce.
//! * [`Label::ForgedOrder`]: looks like a notification but the sender cannot prove it. Never an
//!   order, never a duplicate item, stays visible as a customer message.
//! * [`Label::ShopReply`]: the shop's answer, in "Sent" (no Authentication-Results).
//! * [`Label::SpoofedShopReply`]: "from" the shop's address in INBOX, but the top
//!   Authentication-Results fails it. Does not answer the customer.
//! * [`Label::Ordinary`]: ordinary mail with at most one weak signal. Not suspicious.
//! * [`Label::Fraud`]: one strong signal each. Suspicious.
//! * [`Label::GenuineBounce`]: a delivery report that names a Message-ID the shop sent.
//! * [`Label::ForgedBounce`]: a "bounce" that names no Message-ID the shop sent. Reopens nothing.
//!
//! Conventions a test can rely on: every INBOX message has the shop's Authentication-Results as
//! its first header line, except the few Ordinary cases whose names end in `-no-ar` (their
//! provider added none). Message-IDs are unique; cases are returned in `received_at` order.

#![allow(dead_code)]

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// A customer's own mail with an order-like subject or body: "[URGENT] New order #1234 never arrived",
    /// "[Question] New order #1234 - wrong size", "[Help] new customer order (1234) cancelled?",
    /// "Re: [Alphx] Order #1047 placed by Jane Doe", "Fwd: ...", a subject copied from a Shopify
    /// confirmation with the question in the body, a pasted confirmation block, German/French ones...
    /// Expected: a customer message in Needs reply, never filed as an order.
    CustomerQuestion,
    /// A genuine platform notification with the receiving server's Authentication-Results saying
    /// dkim=pass for the platform's domain. `number` is the order number as the subject/body gives it (no '#').
    GenuineOrder {
        platform: &'static str,
        number: &'static str,
    },
    /// A forged notification: look-alike sender domain, free-mail sender with a notification
    /// subject and body, the platform's address with failing authentication, a forged header
    /// BELOW a genuine top one, etc. Expected: never an order, never a duplicate item, stays
    /// visible as a customer message.
    ForgedOrder,
    /// A genuine reply by the shop, in the "Sent" mailbox (no Authentication-Results: clients append
    /// their own copy). `to_case`: the `name` of the customer case it answers.
    ShopReply { to_case: &'static str },
    /// Mail in INBOX From the shop's own address, In-Reply-To a customer case's Message-ID, whose
    /// top Authentication-Results says dmarc=fail, or spf=fail with dkim=fail/none. Expected: does
    /// not answer the customer.
    SpoofedShopReply { to_case: &'static str },
    /// Ordinary mail from customers and businesses that carries at most ONE weak signal (or two
    /// that are clearly innocent). Expected: NOT flagged suspicious.
    Ordinary,
    /// Fraud with one STRONG signal each. Expected: flagged suspicious.
    Fraud,
    /// A genuine delivery report for a ShopReply case (`of_case`: that ShopReply's name).
    GenuineBounce { of_case: &'static str },
    /// A forged bounce: names no Message-ID the shop sent. Expected: never reopens a conversation.
    ForgedBounce,
}

pub struct Case {
    /// Unique, kebab-case.
    pub name: &'static str,
    pub label: Label,
    /// "INBOX" or "Sent".
    pub mailbox: &'static str,
    /// The complete RFC 5322 message, CRLF line endings.
    pub raw: String,
    /// RFC 3339 UTC, the server's INTERNALDATE.
    pub received_at: &'static str,
}

/// The shop every case is written for.
pub const SHOP_NAME: &str = "Alphx";
pub const SHOP_ADDRESS: &str = "hello@alphx.shop";
/// The authserv-id of the shop's own provider (the topmost Authentication-Results it adds).
pub const AUTHSERV_ID: &str = "mx.alphx.shop";

/// Every case, in `received_at` order (a bounce that arrived in the same second as its reply
/// comes after it).
pub fn corpus() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(customer_questions());
    v.extend(genuine_orders());
    v.extend(forged_orders());
    v.extend(ordinary());
    v.extend(fraud());
    let replies = shop_replies(&v);
    v.extend(replies);
    let spoofed = spoofed_shop_replies(&v);
    v.extend(spoofed);
    let bounces = genuine_bounces(&v);
    v.extend(bounces);
    v.extend(forged_bounces(&v));
    // Stable: ties keep construction order (a reply before its same-second bounce).
    v.sort_by(|a, b| a.received_at.cmp(b.received_at));
    v
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/// The topmost Authentication-Results of a message.
enum Ar {
    /// dkim, spf and dmarc pass for the From domain.
    Pass,
    /// dkim=none, spf=pass (and dmarc passes through SPF alignment).
    SpfOnly,
    /// The value after `Authentication-Results: `, written out in the case.
    Custom(String),
    /// No Authentication-Results at all (names end in `-no-ar`).
    Absent,
}

struct Att {
    filename: String,
    content_type: String,
    bytes: Vec<u8>,
}

enum Body {
    Text(String),
    Html(String),
    Alt {
        text: String,
        html: String,
    },
    Mixed {
        main: Box<Body>,
        atts: Vec<Att>,
    },
    /// RFC 3464: a human part, a message/delivery-status part and the original (a whole
    /// message/rfc822 or text/rfc822-headers).
    Report {
        human: String,
        status: String,
        original: String,
        headers_only: bool,
    },
}

struct M {
    name: &'static str,
    at: &'static str,
    mailbox: &'static str,
    from: String,
    from_addr: String,
    to: String,
    subject: String,
    msgid: Option<String>,
    lag: i64,
    tz: i32,
    ar: Ar,
    /// Headers right below the A-R (Return-Path of a bounce, for example).
    top: Vec<String>,
    /// Headers between the Received lines and From (forged A-R lines, X-Mailer ...).
    trace: Vec<String>,
    /// Headers after Message-ID (Reply-To, In-Reply-To, List-Unsubscribe ...).
    extra: Vec<String>,
    body: Body,
    sign: bool,
}

fn mail(name: &'static str, at: &'static str) -> M {
    M {
        name,
        at,
        mailbox: "INBOX",
        from: String::new(),
        from_addr: String::new(),
        to: format!("Alphx <{SHOP_ADDRESS}>"),
        subject: String::new(),
        msgid: None,
        lag: 47,
        tz: 60,
        ar: Ar::Pass,
        top: Vec::new(),
        trace: Vec::new(),
        extra: Vec::new(),
        body: Body::Text(String::new()),
        sign: true,
    }
}

impl M {
    fn from(mut self, display: &str, addr: &str) -> Self {
        self.from = mailbox(display, addr);
        self.from_addr = addr.to_string();
        self
    }
    fn to(mut self, display: &str, addr: &str) -> Self {
        self.to = mailbox(display, addr);
        self
    }
    fn subject(mut self, s: &str) -> Self {
        self.subject = s.to_string();
        self
    }
    fn text(mut self, s: &str) -> Self {
        self.body = Body::Text(s.to_string());
        self
    }
    fn html_only(mut self, h: &str) -> Self {
        self.body = Body::Html(h.to_string());
        self
    }
    fn alt(mut self, text: &str, html: &str) -> Self {
        self.body = Body::Alt {
            text: text.to_string(),
            html: html.to_string(),
        };
        self
    }
    /// Adds an attachment (the current body becomes the first part of a multipart/mixed).
    fn attach(mut self, filename: &str, content_type: &str, bytes: &[u8]) -> Self {
        let att = Att {
            filename: filename.to_string(),
            content_type: content_type.to_string(),
            bytes: bytes.to_vec(),
        };
        self.body = match self.body {
            Body::Mixed { main, mut atts } => {
                atts.push(att);
                Body::Mixed { main, atts }
            }
            other => Body::Mixed {
                main: Box::new(other),
                atts: vec![att],
            },
        };
        self
    }
    fn ar(mut self, value: &str) -> Self {
        self.ar = Ar::Custom(value.to_string());
        self
    }
    fn spf_only(mut self) -> Self {
        self.ar = Ar::SpfOnly;
        self
    }
    fn no_ar(mut self) -> Self {
        self.ar = Ar::Absent;
        self
    }
    fn unsigned(mut self) -> Self {
        self.sign = false;
        self
    }
    fn msgid(mut self, id: &str) -> Self {
        self.msgid = Some(id.to_string());
        self
    }
    fn tz(mut self, minutes: i32) -> Self {
        self.tz = minutes;
        self
    }
    /// Seconds between the sender's Date and the server's INTERNALDATE.
    fn lag(mut self, secs: i64) -> Self {
        self.lag = secs;
        self
    }
    fn header(mut self, h: &str) -> Self {
        self.extra.push(h.to_string());
        self
    }
    fn reply_to(self, addr: &str) -> Self {
        let h = format!("Reply-To: {addr}");
        self.header(&h)
    }
    /// A trace header below the Received lines (a forged Authentication-Results, say).
    fn trace(mut self, h: &str) -> Self {
        self.trace.push(h.replace("; ", ";\n\t"));
        self
    }
    fn top(mut self, h: &str) -> Self {
        self.top.push(h.to_string());
        self
    }
    fn sent(mut self) -> Self {
        self.mailbox = "Sent";
        self.ar = Ar::Absent;
        self
    }

    fn build(self, label: Label) -> Case {
        let domain = domain_of(&self.from_addr);
        let secs = at_secs(self.at);
        let date = rfc2822(secs - self.lag, self.tz);
        let msgid = self
            .msgid
            .clone()
            .unwrap_or_else(|| format!("<{}@{}>", self.name, domain));
        let mut h: Vec<String> = Vec::new();
        let ar_value = match &self.ar {
            Ar::Pass => Some(format!(
                "{AUTHSERV_ID}; dkim=pass header.d={domain} header.s=s1; spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}"
            )),
            Ar::SpfOnly => Some(format!(
                "{AUTHSERV_ID}; dkim=none; spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}"
            )),
            Ar::Custom(s) => Some(s.clone()),
            Ar::Absent => None,
        };
        if let Some(v) = &ar_value {
            h.push(format!(
                "Authentication-Results: {}",
                v.replace("; ", ";\n\t")
            ));
        }
        h.extend(self.top.iter().cloned());
        if self.mailbox == "INBOX" {
            let id = hash(self.name);
            // A sender that fails authentication connected from somewhere else entirely.
            let failing = ar_value.as_deref().is_some_and(|v| v.contains("fail"));
            let relay = if failing {
                format!("vps{}.cheap-hosting.example", id % 1000)
            } else {
                format!("mail-{:x}.{domain}", id % 4096)
            };
            h.push(format!(
                "Received: from {relay}\n\t({relay} [{}.{}])\n\tby {AUTHSERV_ID} (Postfix) with ESMTPS id {:X}\n\tfor <{SHOP_ADDRESS}>; {}",
                ["198.51.100", "203.0.113", "192.0.2"][(id % 3) as usize],
                1 + id % 250,
                id & 0xff_ffff_ffff,
                rfc2822(secs - 2, 60)
            ));
            if id % 2 == 0 {
                h.push(format!(
                    "Received: by {relay}\n\twith SMTP id {:x};\n\t{}",
                    id >> 20,
                    rfc2822(secs - 4, 0)
                ));
            }
        }
        h.extend(self.trace.iter().cloned());
        // A DKIM-Signature for the domain the A-R names (its b= is a placeholder).
        if self.sign {
            if let Some(d) = ar_value.as_deref().and_then(|v| param(v, "header.d=")) {
                h.push(format!(
                    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n\td={d}; s=s1;\n\th=from:to:subject:date:message-id; bh={}=;\n\tb={}=",
                    b64(&hash(self.name).to_be_bytes()).trim_end_matches('='),
                    &b64(format!("{0}{1}{0}{1}", self.name, d).as_bytes())[..40]
                ));
            }
        }
        h.push(format!("From: {}", self.from));
        h.push(format!("To: {}", self.to));
        h.push(format!("Subject: {}", header_text(&self.subject)));
        h.push(format!("Date: {date}"));
        h.push(format!("Message-ID: {msgid}"));
        h.extend(self.extra.iter().cloned());
        h.push("MIME-Version: 1.0".to_string());
        let (ct, body) = render(&self.body, self.name);
        let mut raw = h.join("\n");
        raw.push('\n');
        raw.push_str(&ct);
        raw.push_str("\n\n");
        raw.push_str(&body);
        if !raw.ends_with('\n') {
            raw.push('\n');
        }
        Case {
            name: self.name,
            label,
            mailbox: self.mailbox,
            raw: crlf(&raw),
            received_at: self.at,
        }
    }
}

fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

fn domain_of(addr: &str) -> String {
    addr.rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default()
}

fn param(v: &str, key: &str) -> Option<String> {
    let i = v.find(key)?;
    let rest = &v[i + key.len()..];
    let end = rest
        .find(|c: char| c == ';' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// FNV-1a, to derive stable trace ids and boundaries from a case name.
fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters.
fn b64_lines(data: &[u8]) -> String {
    let s = b64(data);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out
}

/// A header text: as is when ASCII, else RFC 2047 encoded words (UTF-8, B), folded.
fn header_text(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        if chunk.len() + c.len_utf8() > 36 {
            words.push(format!("=?UTF-8?B?{}?=", b64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", b64(chunk.as_bytes())));
    }
    words.join("\n ")
}

/// `Display Name <addr>`, quoted or encoded as needed.
fn mailbox(display: &str, addr: &str) -> String {
    if display.is_empty() {
        return format!("<{addr}>");
    }
    if !display.is_ascii() {
        return format!("{}\n <{addr}>", header_text(display));
    }
    let atom = display
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || "!#$%&'*+-/=?^_`{|}~".contains(c));
    if atom {
        format!("{display} <{addr}>")
    } else {
        format!(
            "\"{}\" <{addr}>",
            display.replace('\\', "\\\\").replace('"', "\\\"")
        )
    }
}

fn at_secs(at: &str) -> i64 {
    // "2026-11-23T08:05:00Z": only the days of November 2026 are used.
    let n = |r: std::ops::Range<usize>| at[r].parse::<i64>().expect("received_at");
    assert!(at.starts_with("2026-11-") && at.ends_with('Z'), "{at}");
    ((n(8..10) * 24 + n(11..13)) * 60 + n(14..16)) * 60 + n(17..19)
}

/// RFC 5322 date for `at_secs`-style seconds (day n of November 2026 starts at n days, UTC), shown
/// in a zone `tz` minutes east.
fn rfc2822(secs: i64, tz: i32) -> String {
    let t = secs + i64::from(tz) * 60;
    let day = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400);
    // 2026-11-23 is a Monday.
    let wd = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(day - 23).rem_euclid(7) as usize];
    let sign = if tz < 0 { '-' } else { '+' };
    format!(
        "{wd}, {day} Nov 2026 {:02}:{:02}:{:02} {sign}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        tz.abs() / 60,
        tz.abs() % 60
    )
}

fn cte(s: &str) -> &'static str {
    if s.is_ascii() {
        "7bit"
    } else {
        "8bit"
    }
}

/// (Content-Type and friends, body) of one body.
fn render(body: &Body, seed: &str) -> (String, String) {
    let boundary = |n: u32| format!("=_{:016x}_{n}", hash(seed));
    match body {
        Body::Text(t) => (
            format!(
                "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {}",
                cte(t)
            ),
            t.clone(),
        ),
        Body::Html(t) => (
            format!(
                "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: {}",
                cte(t)
            ),
            t.clone(),
        ),
        Body::Alt { text, html } => {
            let b = boundary(1);
            let (c1, b1) = render(&Body::Text(text.clone()), seed);
            let (c2, b2) = render(&Body::Html(html.clone()), seed);
            (
                format!("Content-Type: multipart/alternative; boundary=\"{b}\""),
                format!("--{b}\n{c1}\n\n{b1}\n--{b}\n{c2}\n\n{b2}\n--{b}--\n"),
            )
        }
        Body::Mixed { main, atts } => {
            let b = boundary(2);
            let (c1, b1) = render(main, seed);
            let mut out =
                format!("This is a multi-part message in MIME format.\n\n--{b}\n{c1}\n\n{b1}\n");
            for a in atts {
                out.push_str(&format!(
                    "--{b}\nContent-Type: {ct}; name=\"{f}\"\nContent-Disposition: attachment; filename=\"{f}\"\nContent-Transfer-Encoding: base64\n\n{data}\n",
                    ct = a.content_type,
                    f = a.filename,
                    data = b64_lines(&a.bytes)
                ));
            }
            out.push_str(&format!("--{b}--\n"));
            (
                format!("Content-Type: multipart/mixed; boundary=\"{b}\""),
                out,
            )
        }
        Body::Report {
            human,
            status,
            original,
            headers_only,
        } => {
            let b = boundary(3);
            let orig_ct = if *headers_only {
                "text/rfc822-headers"
            } else {
                "message/rfc822"
            };
            (
                format!(
                    "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"{b}\""
                ),
                format!(
                    "This is a MIME-encapsulated message.\n\n--{b}\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n{human}\n--{b}\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n{status}\n--{b}\nContent-Description: Undelivered Message\nContent-Type: {orig_ct}\n\n{original}\n--{b}--\n"
                ),
            )
        }
    }
}

/// The unfolded raw value of the first header `name` of a built message.
fn raw_header(raw: &str, name: &str) -> Option<String> {
    let mut lines = raw.split("\r\n").take_while(|l| !l.is_empty()).peekable();
    let prefix = format!("{}:", name.to_ascii_lowercase());
    while let Some(l) = lines.next() {
        if l.to_ascii_lowercase().starts_with(&prefix) {
            let mut v = l[prefix.len()..].trim().to_string();
            while let Some(n) = lines.peek() {
                if n.starts_with(' ') || n.starts_with('\t') {
                    v.push(' ');
                    v.push_str(n.trim());
                    lines.next();
                } else {
                    break;
                }
            }
            return Some(v);
        }
    }
    None
}

fn angle_addr(v: &str) -> String {
    match (v.rfind('<'), v.rfind('>')) {
        (Some(a), Some(b)) if a < b => v[a + 1..b].to_string(),
        _ => v.trim().to_string(),
    }
}

fn find<'a>(cases: &'a [Case], name: &str) -> &'a Case {
    cases
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// Authentication-Results for a sender whose authentication failed: DMARC fails.
fn ar_dmarc_fail(domain: &str) -> String {
    format!(
        "{AUTHSERV_ID}; dkim=none; spf=softfail smtp.mailfrom={domain}; dmarc=fail (p=reject) header.from={domain}"
    )
}

/// dkim=fail and spf=fail for `domain`, dmarc not evaluated (no record or no policy).
fn ar_both_fail(domain: &str) -> String {
    format!(
        "{AUTHSERV_ID}; dkim=fail (signature did not verify) header.d={domain} header.s=s1; spf=fail smtp.mailfrom={domain}"
    )
}

// ---------------------------------------------------------------------------------------------
// Customer questions: a customer's own words, however order-like the subject.
// ---------------------------------------------------------------------------------------------

/// A plain-text customer mail that passes authentication for its own domain.
fn q(
    name: &'static str,
    at: &'static str,
    display: &str,
    addr: &str,
    subject: &str,
    body: &str,
) -> M {
    mail(name, at)
        .from(display, addr)
        .subject(subject)
        .text(body)
}

fn customer_questions() -> Vec<Case> {
    use Label::CustomerQuestion as Q;
    vec![
        q("q-urgent-new-order-gmail", "2026-11-23T08:05:00Z",
          "Priya Sharma", "priya.sharma@gmail.com",
          "[URGENT] New order #1234 never arrived",
          "Hi,\n\nI placed order #1234 three weeks ago and it still hasn't arrived. The tracking \
           link hasn't changed since 2 November. It's a birthday present for my mum, could you \
           check with the courier please?\n\nThanks,\nPriya\n").build(Q),
        q("q-question-wrong-size-outlook", "2026-11-23T08:40:00Z",
          "Liam O'Connor", "liam.oconnor@outlook.com",
          "[Question] New order #1236 - wrong size",
          "Hello,\n\nI think I picked the small bowls by mistake in order #1236. Can I still \
           switch them to the large ones before you ship?\n\nCheers,\nLiam\n").tz(0).build(Q),
        q("q-help-cancelled-webde", "2026-11-23T09:12:00Z",
          "Jürgen Weiß", "j.weiss@web.de",
          "[Help] new customer order (1234) cancelled?",
          "Hallo,\n\nI got a mail that my order (1234) was cancelled but my bank shows the \
           payment. Is the order cancelled or not? Bitte um kurze Info.\n\nViele Grüße\nJürgen Weiß\n")
          .build(Q),
        q("q-re-order-placed-by", "2026-11-23T09:30:00Z",
          "Jane Doe", "jane.doe@icloud.com",
          "Re: [Alphx] Order #1047 placed by Jane Doe",
          "Hi! I got this email after ordering, I think it was meant for you? Anyway, could \
           you ship the plates to my office address instead:\n\nJane Doe\nc/o Lumen Studio\n\
           14 Harbour Street\nBristol BS1 4QA\n\nThank you!\nJane\n\n\
           > Order summary\n> Speckled pasta plates (set of 4) × 1\n> Total: €64.00 EUR\n")
          .tz(0).build(Q),
        q("q-fwd-shopify-confirmation", "2026-11-23T10:02:00Z",
          "Marco Rossi", "marco.rossi@libero.it",
          "Fwd: Order #1049 confirmed",
          "Buongiorno, could you change the delivery address? I moved last week. New address: \
           Via Garibaldi 12, 20121 Milano.\n\nGrazie, Marco\n\n\
           ---------- Forwarded message ---------\nFrom: Alphx <mailer@shopify.com>\n\
           Date: Mon, 23 Nov 2026 08:56\nSubject: Order #1049 confirmed\nTo: <marco.rossi@libero.it>\n\n\
           Thank you for your purchase!\nOrder summary\nStoneware mug, sand × 2\nSubtotal €36.00\n\
           Shipping €6.50\nTotal €42.50 EUR\n").build(Q),
        q("q-copied-subject-question-in-body", "2026-11-23T11:15:00Z",
          "Aiko Tanaka", "aiko.tanaka@yahoo.co.jp",
          "[Alphx] Order #1052 placed by Aiko Tanaka",
          "Hello, I copied the subject from my confirmation so you can find it. Do you ship to \
           Japan with tracking? And will there be customs fees?\n\nBest regards,\nAiko\n")
          .tz(540).build(Q),
        q("q-pasted-confirmation-block", "2026-11-23T12:20:00Z",
          "Sophie Martin", "sophie.martin@orange.fr",
          "My order",
          "Bonjour, here is what I received, but the total looks wrong, I had a 10% code:\n\n\
           Order summary\nSpeckled pasta plates (set of 4) × 1\nSubtotal €64.00\n\
           Discount (WELCOME10) −€0.00\nShipping €7.90\nTotal: €71.90 EUR\n\n\
           Shipping address\nSophie Martin\n8 rue des Lilas\n69003 Lyon\nFrance\n\n\
           Can you refund the difference? Merci !\nSophie\n").build(Q),
        q("q-de-bestellung-falsche-farbe", "2026-11-23T13:45:00Z",
          "Anna Schmidt", "anna.schmidt@gmx.de",
          "Bestellung #1055 – falsche Farbe geliefert",
          "Guten Tag,\n\nheute kam meine Bestellung #1055 an, aber die Tassen sind blau statt \
           sandfarben. Kann ich sie umtauschen? Soll ich sie zurückschicken?\n\n\
           Mit freundlichen Grüßen\nAnna Schmidt\n").build(Q),
        q("q-fr-commande-pas-recue", "2026-11-23T15:05:00Z",
          "Élodie Dubois", "elodie.dubois@laposte.net",
          "Commande n°1058 toujours pas reçue",
          "Bonjour,\n\nJ'ai passé la commande n°1058 il y a dix jours et je n'ai toujours rien \
           reçu. Pouvez-vous me donner le numéro de suivi ?\n\nCordialement,\nÉlodie Dubois\n")
          .build(Q),
        q("q-es-pedido-no-llega", "2026-11-23T16:30:00Z",
          "Carmen García", "carmen.garcia@hotmail.es",
          "Pedido #1057 no ha llegado",
          "Hola,\n\nmi pedido #1057 todavía no ha llegado y el seguimiento dice \"entregado\". \
           ¿Podéis revisarlo, por favor?\n\nUn saludo,\nCarmen\n").build(Q),
        q("q-new-order-subject-gift-wrap", "2026-11-23T18:10:00Z",
          "Olivia Brown", "olivia.brown@gmail.com",
          "New order #1063 - can you gift wrap it?",
          "Hi there, I just ordered the mug set (#1063). Could you gift wrap it and leave the \
           receipt out? It's going straight to my sister.\n\nOlivia\n").tz(-300).build(Q),
        q("q-woo-order-number-question", "2026-11-24T07:50:00Z",
          "Henrik Larsen", "henrik.larsen@protonmail.com",
          "[Alphx]: New order #2055 - delivery to Denmark?",
          "Hej,\n\nI just placed order #2055 on your website. How long does delivery to \
           Aarhus usually take? I need it before 10 December.\n\nMvh\nHenrik\n").build(Q),
        q("q-etsy-receipt-reply", "2026-11-24T08:30:00Z",
          "Grace Kim", "grace.kim@gmail.com",
          "Re: Your Etsy Purchase from Alphx (3012345699)",
          "Hi! Quick question about my Etsy order 3012345699: is the glaze food safe and \
           dishwasher safe? I forgot to ask before buying.\n\nThanks so much,\nGrace\n")
          .tz(-480).build(Q),
        q("q-squarespace-charged-twice", "2026-11-24T09:05:00Z",
          "Mateo Fernández", "mateo.fernandez@gmail.com",
          "A New Order has Arrived?? I was charged twice",
          "Hello, I got two confirmation emails for order #00127 and my card was charged twice \
           (2 × €48.00). Please refund one of them.\n\nMateo\n").build(Q),
        q("q-wix-order-tracking", "2026-11-24T09:40:00Z",
          "Noah Williams", "noah.w@outlook.com",
          "New order #10031 - tracking number?",
          "Hey, can you send me the tracking number for order #10031? Thanks. Noah\n")
          .tz(-300).build(Q),
        q("q-long-story-gift", "2026-11-24T10:25:00Z",
          "Margaret Thompson", "m.thompson@btinternet.com",
          "Question about the speckled plates",
          "Dear Alphx team,\n\nI hope you don't mind me writing at some length. Last spring I \
           bought a set of your speckled pasta plates at the Bristol craft market, and they have \
           become the plates everyone in the family fights over. My daughter is getting married \
           in January and I would love to give her a set of eight, but I have two questions \
           before I order.\n\nFirst, the plates I have are a warm oatmeal colour with dark \
           speckles; the photos on your website look a little greyer. Has the glaze changed, or \
           is it the photography? Second, would it be possible to have the set delivered \
           directly to her in Edinburgh with a small card, without the invoice in the parcel?\n\n\
           I would be happy to pay extra for any of this. Thank you for making such lovely \
           things.\n\nKind regards,\nMargaret Thompson\n").tz(0).build(Q),
        q("q-short-where", "2026-11-24T11:00:00Z",
          "Yusuf Demir", "yusuf.demir@gmail.com",
          "where is my order",
          "order 1066?? placed a week ago, nothing yet\n\nSent from my iPhone\n").build(Q),
        q("q-de-aw-bestellung-bestaetigt", "2026-11-24T12:35:00Z",
          "Katharina Vogel", "k.vogel@t-online.de",
          "AW: Ihre Bestellung #1068 wurde bestätigt",
          "Hallo,\n\nkönnen Sie die Bestellung bitte an meine Arbeitsadresse schicken? \
           Vogel Architekten, Lindenstraße 4, 10969 Berlin.\n\nDanke!\nKatharina Vogel\n\n\
           -----Ursprüngliche Nachricht-----\nVon: Alphx <mailer@shopify.com>\n\
           Betreff: Ihre Bestellung #1068 wurde bestätigt\n\nVielen Dank für Ihren Einkauf!\n\
           Bestellübersicht\nSteingut-Becher, Sand × 2\nGesamt: 42,50 € EUR\n").build(Q),
        q("q-fr-re-commande-passee", "2026-11-24T13:50:00Z",
          "Louis Bernard", "louis.bernard@free.fr",
          "RE: [Alphx] Commande #1070 passée par Louis Bernard",
          "Bonjour, je voudrais ajouter une deuxième tasse à la commande #1070 si ce n'est pas \
           encore expédié. Merci, Louis\n").build(Q),
        q("q-invoice-for-order-vat", "2026-11-24T14:30:00Z",
          "Isabella Rossi", "isabella@studio-rossi.it",
          "Invoice for order #1071 please (company VAT)",
          "Hello,\n\ncould you issue an invoice for order #1071 in the name of our studio?\n\n\
           Studio Rossi S.r.l.\nVia Roma 3, 10121 Torino\nP.IVA IT01234567890\n\n\
           Thank you,\nIsabella Rossi\n").build(Q),
        q("q-order-paypal-paid-twice", "2026-11-24T15:45:00Z",
          "Ethan Clark", "ethan.clark@icloud.com",
          "Order #1072 - PayPal charged me twice",
          "Hi, PayPal shows two payments of €42.50 for order #1072. Can you refund one? \
           Thanks, Ethan\n").tz(-300).build(Q),
        q("q-es-cambio-talla", "2026-11-24T17:20:00Z",
          "Lucía Martínez", "lucia.martinez@gmail.com",
          "[Pregunta] Pedido #1074 – cambio de talla",
          "Hola, pedí el delantal en talla S (pedido #1074) pero necesito una M. ¿Es posible \
           cambiarlo antes del envío?\n\nGracias,\nLucía\n").build(Q),
        q("q-urgent-caps-no-number", "2026-11-25T07:30:00Z",
          "Chloe Nguyen", "chloe.nguyen@gmail.com",
          "URGENT!!! ORDER NOT RECEIVED",
          "I ORDERED TWO WEEKS AGO AND NOTHING. PLEASE ANSWER.\n\nChloe\n").tz(660).build(Q),
        q("q-fwd-woo-customer-confirmation", "2026-11-25T08:15:00Z",
          "Pieter de Vries", "pieter.devries@ziggo.nl",
          "Fwd: Your Alphx order has been received!",
          "Hallo, ik heb per ongeluk twee keer hetzelfde adres ingevuld, the house number is \
           21 not 12. Sorry!\n\nPieter\n\n---- Forwarded ----\nThanks for your order. It's on-hold \
           until we confirm that payment has been received.\n[Order #2058] (November 25, 2026)\n\
           Mug × 2   €30.00\nTotal: €30.00\n").build(Q),
        q("q-broken-plate-photo", "2026-11-25T09:00:00Z",
          "Fatima Zahra El Amrani", "fatima.elamrani@gmail.com",
          "Order #1075 arrived broken",
          "Hello, one of the four plates from order #1075 arrived broken, photo attached. \
           Could you send a replacement?\n\nFatima\n")
          .attach("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00broken plate\xff\xd9")
          .build(Q),
        q("q-de-rueckerstattung", "2026-11-25T10:20:00Z",
          "Stefan Müller", "stefan.mueller@posteo.de",
          "Rückerstattung für Bestellung 1077?",
          "Hallo,\n\nich habe die Bestellung 1077 vor zwei Wochen zurückgeschickt \
           (Sendungsnummer liegt vor). Wann kommt die Rückerstattung?\n\nGruß\nStefan Müller\n")
          .build(Q),
        q("q-help-address-typo", "2026-11-25T11:40:00Z",
          "Emma Johansson", "emma.johansson@telia.se",
          "[Help] New customer order #1079 - address typo",
          "Hi, I made a typo in the postcode for order #1079: it should be 114 51, not 114 15. \
           Sorry about that!\n\nEmma\n").build(Q),
        q("q-fr-question-delai", "2026-11-25T13:10:00Z",
          "Camille Leroy", "camille.leroy@gmail.com",
          "[Question] Nouvelle commande #1081 – délai de livraison ?",
          "Bonjour, quel est le délai de livraison pour la Belgique ? Ma commande #1081 est \
           un cadeau pour le 5 décembre. Merci d'avance, Camille\n").build(Q),
        mail("q-re-re-thread-html", "2026-11-25T14:55:00Z")
            .from("Daniel Cohen", "daniel.cohen@gmail.com")
            .subject("Re: Re: Order #1083")
            .alt("Sorry to bother you again, the parcel for order #1083 is still at the depot. \
                  Should I pick it up myself?\n\nDaniel\n",
                 "<div dir=\"ltr\">Sorry to bother you again, the parcel for order #1083 is still \
                  at the depot. Should I pick it up myself?<br><br>Daniel</div>\n")
            .build(Q),
        q("q-restaurant-forty-plates", "2026-11-25T16:05:00Z",
          "Rania Haddad", "rania@olive-and-oak.example",
          "Order of 40 plates for our restaurant",
          "Hello, we are opening a small restaurant in February and would like to order 40 \
           speckled plates. Would you do a trade price, and how long would it take?\n\n\
           Rania Haddad\nOlive & Oak\n").spf_only().build(Q),
        q("q-es-factura", "2026-11-26T08:45:00Z",
          "Javier López", "javier.lopez@yahoo.es",
          "Factura del pedido #1085",
          "Buenos días, ¿me podéis mandar la factura del pedido #1085 con mi NIF 12345678Z? \
           Gracias.\nJavier López\n").build(Q),
        q("q-order-cancel-please", "2026-11-26T10:30:00Z",
          "Hannah Becker", "hannah.becker@gmx.net",
          "Please cancel order #1087",
          "Hi, please cancel my order #1087, I ordered the wrong colour. I'll place a new one. \
           Thanks, Hannah\n").build(Q),
        q("q-subject-only-number", "2026-11-26T12:15:00Z",
          "Tomasz Nowak", "tomasz.nowak@wp.pl",
          "#1089",
          "Hi, this order still says unfulfilled after 9 days. Is everything OK?\nTomasz\n").build(Q),
        q("q-de-dringend-geschenk", "2026-11-26T14:40:00Z",
          "Lena Hoffmann", "lena.hoffmann@web.de",
          "[DRINGEND] Neue Bestellung #1091 – Geschenk bis Freitag?",
          "Hallo! Ich habe gerade #1091 bestellt. Schaffen Sie es, dass das Paket bis Freitag \
           in Hamburg ist? Ich zahle gern Expressversand.\n\nLena\n").build(Q),
        q("q-fri-add-a-mug", "2026-11-27T09:20:00Z",
          "Oliver Smith", "oliver.smith@gmail.com",
          "Order #1093 - can you still add a mug?",
          "Morning! If order #1093 hasn't gone out yet, could you add one sand mug? Happy to pay \
           the difference by card or bank transfer.\n\nOllie\n").tz(0).build(Q),
        q("q-fr-retour-commande", "2026-11-27T11:05:00Z",
          "Julien Moreau", "julien.moreau@sfr.fr",
          "Retour commande #1095",
          "Bonjour, comment puis-je retourner la commande #1095 ? Le colis est trop grand pour \
           ma boîte aux lettres et je n'ai pas d'imprimante pour l'étiquette.\nJulien\n").build(Q),
    ]
}

// ---------------------------------------------------------------------------------------------
// Platform notifications: the bodies are the platforms' default staff notifications, reduced.
// The same body builders serve the forged ones: only the sender and its authentication differ.
// ---------------------------------------------------------------------------------------------

/// Shopify's "Order #N placed by X" staff notification.
// The arguments are the fields of the mail, named at each call in the case table.
#[allow(clippy::too_many_arguments)]
fn shopify_body(
    number: &str,
    customer: &str,
    email: &str,
    items: &str,
    subtotal: &str,
    shipping: &str,
    total: &str,
    address: &str,
) -> String {
    format!(
        "Alphx\n\nOrder #{number} placed by {customer}\n\nOrder summary\n\n{items}\n\n\
         Subtotal    {subtotal}\nShipping    {shipping}\nTotal: {total} EUR\n\n\
         Customer\n{customer}\n{email}\n\nShipping address\n{customer}\n{address}\n\n\
         Payment processing method: Shopify Payments\nDelivery method: Standard\n\n\
         View order: https://admin.shopify.com/store/alphx/orders/55{number}\n"
    )
}

/// WooCommerce's "New order" admin mail, sent by the shop's own WordPress.
fn woo_body(
    number: &str,
    date: &str,
    customer: &str,
    email: &str,
    items: &str,
    total: &str,
    address: &str,
) -> String {
    format!(
        "New Order: #{number}\n\nYou've received the following order from {customer}:\n\n\
         [Order #{number}] ({date})\n\nProduct    Quantity    Price\n{items}\n\n\
         Subtotal: {total}\nShipping: Free shipping\nPayment method: Credit card (Stripe)\n\
         Total: {total}\n\nBilling address\n{customer}\n{address}\n{email}\n\n\
         Shipping address\n{customer}\n{address}\n\nCongratulations on the sale.\n\n\
         Alphx — Built with WooCommerce\n"
    )
}

/// Etsy's "You made a sale" mail to the seller (no buyer address: Etsy keeps it).
fn etsy_body(
    number: &str,
    ship_by: &str,
    item: &str,
    price: &str,
    buyer: &str,
    user: &str,
    address: &str,
) -> String {
    format!(
        "Congratulations on your sale!\n\nOrder #{number}\nShip by: {ship_by}\n\n\
         Item: {item}\nQuantity: 1\nItem price: {price}\n\nOrder total: {price}\n\n\
         Ship to\n{buyer}\n{address}\n\nBuyer: {buyer} ({user})\n\n\
         View the invoice: https://www.etsy.com/your/orders/sold?order_id={number}\n\n\
         Etsy, Inc., 117 Adams Street, Brooklyn, NY 11201\n"
    )
}

/// Squarespace's order notification to the store owner.
// The arguments are the fields of the mail, named at each call in the case table.
#[allow(clippy::too_many_arguments)]
fn squarespace_body(
    number: &str,
    placed: &str,
    customer: &str,
    email: &str,
    items: &str,
    subtotal: &str,
    shipping: &str,
    total: &str,
    address: &str,
) -> String {
    format!(
        "Alphx\n\nA New Order has Arrived\n\nOrder #{number}\nPlaced on {placed}\n\n\
         BILL TO\n{customer}\n{email}\n{address}\n\nSHIP TO\n{customer}\n{address}\n\n\
         ITEM    QTY    SUBTOTAL\n{items}\n\nSubtotal    {subtotal}\nShipping    {shipping}\n\
         Order Total    {total}\n\nView this order: https://alphx.squarespace.com/config/commerce/orders\n"
    )
}

/// Wix Stores' "new order" mail to the site owner.
fn wix_body(
    number: &str,
    customer: &str,
    email: &str,
    items: &str,
    total: &str,
    address: &str,
) -> String {
    format!(
        "Congrats, you've got a new order!\n\nOrder #{number}\n\nCustomer info\n{customer}\n{email}\n\n\
         Delivery address\n{customer}\n{address}\n\nItems\n{items}\n\nTotal    {total}\n\n\
         Go to order: https://manage.wix.com/dashboard/alphx/store/orders\n\n\
         Wix.com Ltd., 40 Namal Tel Aviv St., Tel Aviv 6350671, Israel\n"
    )
}

fn genuine(platform: &'static str, number: &'static str) -> Label {
    Label::GenuineOrder { platform, number }
}

const SHOPIFY: &str = "Shopify";
const WOO: &str = "WooCommerce";
const ETSY: &str = "Etsy";
const SQUARESPACE: &str = "Squarespace";
const WIX: &str = "Wix";

fn genuine_orders() -> Vec<Case> {
    let plates = "Speckled pasta plates (set of 4) × 1    €64.00";
    let plates2 = "Speckled pasta plates (set of 4) × 2    €128.00";
    let sven_addr = "Storgatan 7\n753 20 Uppsala\nSweden";
    let amelie_addr = "12 rue Oberkampf\n75011 Paris\nFrance";
    vec![
        // --- Shopify ---
        mail("o-shopify-1047", "2026-11-23T07:10:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1047 placed by Jane Doe")
            .text(&shopify_body("1047", "Jane Doe", "jane.doe@icloud.com", plates,
                "€64.00", "€0.00", "€64.00", "14 Harbour Street\nBristol BS1 4QA\nUnited Kingdom"))
            .lag(20).build(genuine(SHOPIFY, "1047")),
        mail("o-shopify-1049-store-name", "2026-11-23T07:55:00Z")
            .from("Alphx", "mailer@shopify.com")
            .subject("[Alphx] Order #1049 placed by Marco Rossi")
            .text(&shopify_body("1049", "Marco Rossi", "marco.rossi@libero.it",
                "Stoneware mug, sand × 2    €36.00", "€36.00", "€6.50", "€42.50",
                "Via Dante 40\n20121 Milano MI\nItaly"))
            .lag(20).build(genuine(SHOPIFY, "1049")),
        mail("o-shopify-1052", "2026-11-23T10:40:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1052 placed by Aiko Tanaka")
            .text(&shopify_body("1052", "Aiko Tanaka", "aiko.tanaka@yahoo.co.jp",
                "Serving bowl, large × 1    €58.00", "€58.00", "€24.00", "€82.00",
                "2-3-1 Nishi-Shinjuku\nShinjuku-ku, Tokyo 160-0023\nJapan"))
            .lag(20).build(genuine(SHOPIFY, "1052")),
        mail("o-shopify-1075", "2026-11-23T14:00:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1075 placed by Fatima Zahra El Amrani")
            .text(&shopify_body("1075", "Fatima Zahra El Amrani", "fatima.elamrani@gmail.com", plates,
                "€64.00", "€7.90", "€71.90", "Rue de la Loi 155\n1040 Etterbeek\nBelgium"))
            .lag(20).build(genuine(SHOPIFY, "1075")),
        mail("o-shopify-1097-html", "2026-11-26T09:00:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1097 placed by Wei Zhang")
            .alt(&shopify_body("1097", "Wei Zhang", "wei.zhang@qq.com",
                    "Stoneware mug, sand × 4    €72.00", "€72.00", "€0.00", "€72.00",
                    "Keizersgracht 210\n1016 DZ Amsterdam\nNetherlands"),
                 "<html><body><h2>Order #1097 placed by Wei Zhang</h2><h3>Order summary</h3>\
                  <table><tr><td>Stoneware mug, sand × 4</td><td>€72.00</td></tr></table>\
                  <p>Subtotal €72.00<br>Shipping €0.00<br><b>Total: €72.00 EUR</b></p>\
                  <h3>Customer</h3><p>Wei Zhang<br>wei.zhang@qq.com</p><h3>Shipping address</h3>\
                  <p>Wei Zhang<br>Keizersgracht 210<br>1016 DZ Amsterdam<br>Netherlands</p>\
                  <p><a href=\"https://admin.shopify.com/store/alphx/orders/551097\">View order</a></p>\
                  </body></html>\n")
            .lag(20).build(genuine(SHOPIFY, "1097")),
        // The genuine Shopify duplicate: same customer, items and total, 26 minutes apart.
        mail("o-shopify-1101-dup-a", "2026-11-25T15:12:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1101 placed by Sven Eriksson")
            .text(&shopify_body("1101", "Sven Eriksson", "sven.eriksson@gmail.com", plates2,
                "€128.00", "€0.00", "€128.00", sven_addr))
            .lag(20).build(genuine(SHOPIFY, "1101")),
        mail("o-shopify-1102-dup-b", "2026-11-25T15:38:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1102 placed by Sven Eriksson")
            .text(&shopify_body("1102", "Sven Eriksson", "sven.eriksson@gmail.com", plates2,
                "€128.00", "€0.00", "€128.00", sven_addr))
            .lag(20).build(genuine(SHOPIFY, "1102")),
        // --- WooCommerce (the shop's own WordPress, signed by alphx.shop) ---
        mail("o-woo-2051", "2026-11-23T11:50:00Z")
            .from("Alphx", "wordpress@alphx.shop")
            .subject("[Alphx]: New order #2051")
            .text(&woo_body("2051", "November 23, 2026", "Klaus Richter", "klaus.richter@gmx.de",
                "Mug × 2    €30.00", "€30.00", "Hauptstraße 5\n80331 München\nGermany"))
            .lag(5).build(genuine(WOO, "2051")),
        mail("o-woo-2055", "2026-11-24T07:20:00Z")
            .from("Alphx", "wordpress@alphx.shop")
            .subject("[Alphx]: New order #2055")
            .text(&woo_body("2055", "November 24, 2026", "Henrik Larsen", "henrik.larsen@protonmail.com",
                "Serving bowl × 1    €45.00", "€45.00", "Nørregade 18\n8000 Aarhus C\nDenmark"))
            .lag(5).build(genuine(WOO, "2055")),
        mail("o-woo-2058", "2026-11-25T07:40:00Z")
            .from("Alphx", "wordpress@alphx.shop")
            .subject("[Alphx]: New order #2058")
            .text(&woo_body("2058", "November 25, 2026", "Pieter de Vries", "pieter.devries@ziggo.nl",
                "Mug × 2    €30.00", "€30.00", "Prinsengracht 12\n1015 DV Amsterdam\nNetherlands"))
            .lag(5).build(genuine(WOO, "2058")),
        // The genuine WooCommerce duplicate: same customer, items and total, 32 minutes apart.
        mail("o-woo-2061-dup-a", "2026-11-26T10:05:00Z")
            .from("Alphx", "wordpress@alphx.shop")
            .subject("[Alphx]: New order #2061")
            .text(&woo_body("2061", "November 26, 2026", "Amélie Laurent", "amelie.laurent@gmail.com",
                "Egg cup × 6    €54.00", "€54.00", amelie_addr))
            .lag(5).build(genuine(WOO, "2061")),
        mail("o-woo-2062-dup-b", "2026-11-26T10:37:00Z")
            .from("Alphx", "wordpress@alphx.shop")
            .subject("[Alphx]: New order #2062")
            .text(&woo_body("2062", "November 26, 2026", "Amélie Laurent", "amelie.laurent@gmail.com",
                "Egg cup × 6    €54.00", "€54.00", amelie_addr))
            .lag(5).build(genuine(WOO, "2062")),
        // --- Etsy ---
        mail("o-etsy-3012345678", "2026-11-23T17:25:00Z")
            .from("Etsy", "transaction@etsy.com")
            .subject("You made a sale on Etsy - Ship by Dec 1 - [$64.00, Order #3012345678]")
            .text(&etsy_body("3012345678", "Dec 1", "Speckled pasta plates (set of 4)", "$64.00",
                "Ruth Goldberg", "ruthgoldberg22", "221 Elm Avenue\nPortland, OR 97205\nUnited States"))
            .lag(30).build(genuine(ETSY, "3012345678")),
        mail("o-etsy-3012345699", "2026-11-23T20:00:00Z")
            .from("Etsy", "transaction@etsy.com")
            .subject("You made a sale on Etsy - Ship by Dec 1 - [$22.00, Order #3012345699]")
            .text(&etsy_body("3012345699", "Dec 1", "Stoneware mug, sand", "$22.00",
                "Grace Kim", "gracekimcooks", "88 Alder Street\nSan Francisco, CA 94110\nUnited States"))
            .lag(30).build(genuine(ETSY, "3012345699")),
        mail("o-etsy-3012346120", "2026-11-24T22:10:00Z")
            .from("Etsy", "transaction@etsy.com")
            .subject("You made a sale on Etsy - Ship by Dec 2 - [$36.00, Order #3012346120]")
            .text(&etsy_body("3012346120", "Dec 2", "Egg cups, set of 3", "$36.00",
                "Kenji Watanabe", "kenjiw", "5-12 Kitahama\nChuo-ku, Osaka 541-0041\nJapan"))
            .lag(30).build(genuine(ETSY, "3012346120")),
        mail("o-etsy-3012347001", "2026-11-26T16:45:00Z")
            .from("Etsy", "transaction@etsy.com")
            .subject("You made a sale on Etsy - Ship by Dec 3 - [$58.00, Order #3012347001]")
            .text(&etsy_body("3012347001", "Dec 3", "Serving bowl, large", "$58.00",
                "Isla MacDonald", "islamakes", "3 Rose Street\nEdinburgh EH2 2PR\nUnited Kingdom"))
            .lag(30).build(genuine(ETSY, "3012347001")),
        // --- Squarespace ---
        mail("o-squarespace-00127", "2026-11-24T08:50:00Z")
            .from("Squarespace", "no-reply@squarespace.info")
            .subject("New order #00127")
            .text(&squarespace_body("00127", "November 24, 2026 at 9:49 AM CET", "Mateo Fernández",
                "mateo.fernandez@gmail.com", "Egg cups, set of 3    1    €42.00", "€42.00", "€6.00", "€48.00",
                "Calle de Alcalá 101\n28009 Madrid\nSpain"))
            .lag(15).build(genuine(SQUARESPACE, "00127")),
        mail("o-squarespace-00123-arrived", "2026-11-24T10:14:00Z")
            .from("Squarespace", "no-reply@squarespace.info")
            .subject("A New Order has Arrived")
            .text(&squarespace_body("00123", "November 24, 2026 at 11:13 AM CET", "Nora Lindqvist",
                "nora.lindqvist@gmail.com", "Stoneware mug, sand    2    €36.00", "€36.00", "€12.00", "€48.00",
                "Drottninggatan 50\n111 21 Stockholm\nSweden"))
            .lag(15).build(genuine(SQUARESPACE, "00123")),
        mail("o-squarespace-00131", "2026-11-27T08:05:00Z")
            .from("Squarespace", "no-reply@squarespace.info")
            .subject("New order #00131")
            .text(&squarespace_body("00131", "November 27, 2026 at 9:04 AM CET", "Ahmed Hassan",
                "ahmed.hassan@outlook.com", "Serving bowl, large    1    €58.00", "€58.00", "€9.00", "€67.00",
                "Graben 19\n1010 Wien\nAustria"))
            .lag(15).build(genuine(SQUARESPACE, "00131")),
        // --- Wix ---
        mail("o-wix-10023", "2026-11-23T19:30:00Z")
            .from("Wix Stores", "no-reply@wix.com")
            .subject("New order #10023")
            .text(&wix_body("10023", "Sarah Wilson", "sarah.wilson@yahoo.com",
                "Stoneware mug, sand × 1    €18.00", "€24.50", "27 Queen Street\nCardiff CF10 2BU\nUnited Kingdom"))
            .lag(10).build(genuine(WIX, "10023")),
        // Wix Stores also sends from wixstores.com; it signs with that domain.
        mail("o-wix-10031-wixstores", "2026-11-24T06:55:00Z")
            .from("Wix Stores", "no-reply@wixstores.com")
            .subject("New order #10031")
            .text(&wix_body("10031", "Noah Williams", "noah.w@outlook.com",
                "Speckled pasta plates (set of 4) × 1    €64.00", "€79.00",
                "410 Pine Street\nSeattle, WA 98101\nUnited States"))
            .lag(10).build(genuine(WIX, "10031")),
        mail("o-wix-10040", "2026-11-27T10:30:00Z")
            .from("Wix Stores", "no-reply@wix.com")
            .subject("New order #10040")
            .text(&wix_body("10040", "Valentina Costa", "valentina.costa@gmail.com",
                "Egg cups, set of 3 × 2    €84.00", "€84.00", "Rua Augusta 100\n1100-053 Lisboa\nPortugal"))
            .lag(10).build(genuine(WIX, "10040")),
    ]
}

// ---------------------------------------------------------------------------------------------
// Forged notifications
// ---------------------------------------------------------------------------------------------

fn forged_orders() -> Vec<Case> {
    use Label::ForgedOrder as F;
    let fail_shopify = "mx.alphx.shop; dkim=none; spf=fail smtp.mailfrom=shopify.com; dmarc=fail (p=reject) header.from=shopify.com";
    let lukas = |n: &str| {
        shopify_body(
            n,
            "Lukas Becker",
            "lukas.becker@web.de",
            "Serving bowl, large × 3    €174.00",
            "€174.00",
            "€0.00",
            "€174.00",
            "Schillerstraße 9\n01069 Dresden\nGermany",
        )
    };
    vec![
        // Look-alike sender domains (authentication passes, for the look-alike).
        mail("f-order-lookalike-shopify-mail", "2026-11-23T12:45:00Z")
            .from("Shopify", "mailer@shopify-mail.com")
            .subject("[Alphx] Order #1053 placed by Robert King")
            .text(&shopify_body("1053", "Robert King", "robert.king@gmail.com",
                "Speckled pasta plates (set of 4) × 5    €320.00", "€320.00", "€0.00", "€320.00",
                "1 Market Street\nLeeds LS1 6DT\nUnited Kingdom"))
            .build(F),
        mail("f-order-idn-shopify", "2026-11-24T11:30:00Z")
            // shopífy.com (i with acute) as IDN punycode.
            .from("Shopify", "mailer@xn--shopfy-6va.com")
            .subject("[Alphx] Order #1067 placed by Maria Silva")
            .text(&shopify_body("1067", "Maria Silva", "maria.silva@gmail.com",
                "Serving bowl, large × 4    €232.00", "€232.00", "€0.00", "€232.00",
                "Avenida Paulista 1000\nSão Paulo SP 01310-100\nBrazil"))
            .build(F),
        mail("f-order-sh0pify", "2026-11-24T16:10:00Z")
            .from("Shopify", "mailer@sh0pify.com")
            .subject("[Alphx] Order #1073 placed by Kevin Moore")
            .text(&shopify_body("1073", "Kevin Moore", "kevin.moore@outlook.com",
                "Stoneware mug, sand × 10    €180.00", "€180.00", "€0.00", "€180.00",
                "55 King Street\nManchester M2 4LQ\nUnited Kingdom"))
            .build(F),
        // A free-mail sender with a notification subject and body.
        mail("f-order-gmail-notification", "2026-11-25T09:35:00Z")
            .from("Shopify", "alphx.shopify.orders@gmail.com")
            .subject("[Alphx] Order #1078 placed by Peter Jones")
            .text(&shopify_body("1078", "Peter Jones", "peter.jones@gmail.com",
                "Speckled pasta plates (set of 4) × 2    €128.00", "€128.00", "€0.00", "€128.00",
                "9 Church Road\nCambridge CB1 1AA\nUnited Kingdom"))
            .build(F),
        // The platform's own address, failing authentication at the top.
        mail("f-order-shopify-dkim-fail", "2026-11-25T12:05:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1080 placed by Anthony Green")
            .ar("mx.alphx.shop; dkim=fail (body hash did not verify) header.d=shopify.com header.s=s1; spf=fail smtp.mailfrom=shopify.com; dmarc=fail (p=reject) header.from=shopify.com")
            .text(&shopify_body("1080", "Anthony Green", "anthony.green@yahoo.com",
                "Serving bowl, large × 2    €116.00", "€116.00", "€0.00", "€116.00",
                "3 Station Road\nYork YO1 6HT\nUnited Kingdom"))
            .build(F),
        // A forged "pass" BELOW the provider's genuine (failing) top header.
        mail("f-order-forged-ar-below", "2026-11-25T17:40:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1084 placed by Diana Prince")
            .ar("mx.alphx.shop; dkim=none; spf=softfail smtp.mailfrom=shopify.com; dmarc=fail (p=reject) header.from=shopify.com")
            .trace("Authentication-Results: mx.alphx.shop;\n\tdkim=pass header.d=shopify.com header.s=s1;\n\tspf=pass smtp.mailfrom=shopify.com;\n\tdmarc=pass header.from=shopify.com")
            .text(&shopify_body("1084", "Diana Prince", "diana.prince@gmail.com",
                "Stoneware mug, sand × 6    €108.00", "€108.00", "€0.00", "€108.00",
                "20 Rue du Rhône\n1204 Genève\nSwitzerland"))
            .build(F),
        // dkim=pass, but for another domain; DMARC fails for shopify.com.
        mail("f-order-dkim-pass-other-domain", "2026-11-26T07:20:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1094 placed by Brian Walsh")
            .ar("mx.alphx.shop; dkim=pass header.d=bulk-sender.example header.s=k1; spf=pass smtp.mailfrom=bulk-sender.example; dmarc=fail (p=reject) header.from=shopify.com")
            .text(&shopify_body("1094", "Brian Walsh", "brian.walsh@eircom.net",
                "Speckled pasta plates (set of 4) × 3    €192.00", "€192.00", "€0.00", "€192.00",
                "12 Grafton Street\nDublin D02 XY00\nIreland"))
            .build(F),
        // Forged ARC and X-Original results claiming a pass; the provider's top header fails.
        mail("f-order-arc-forged", "2026-11-26T11:45:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1099 placed by Laura Bianchi")
            .ar(fail_shopify)
            .trace("ARC-Authentication-Results: i=1; mx.alphx.shop;\n\tdkim=pass header.d=shopify.com header.s=s1;\n\tspf=pass smtp.mailfrom=shopify.com")
            .trace("X-Original-Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com")
            .text(&shopify_body("1099", "Laura Bianchi", "laura.bianchi@gmail.com",
                "Serving bowl, large × 5    €290.00", "€290.00", "€0.00", "€290.00",
                "Corso Vittorio Emanuele 22\n80121 Napoli\nItaly"))
            .build(F),
        // A pass from ANOTHER authserv-id below the shop's failing one.
        mail("f-order-other-authserv-below", "2026-11-26T13:30:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1100 placed by George Miller")
            .ar(fail_shopify)
            .trace("Authentication-Results: mx.google.com;\n\tdkim=pass header.i=@shopify.com header.s=s1;\n\tspf=pass smtp.mailfrom=shopify.com;\n\tdmarc=pass (p=REJECT) header.from=shopify.com")
            .text(&shopify_body("1100", "George Miller", "george.miller@gmail.com",
                "Stoneware mug, sand × 8    €144.00", "€144.00", "€0.00", "€144.00",
                "77 High Street\nOxford OX1 4BG\nUnited Kingdom"))
            .build(F),
        // A would-be duplicate pair about a third person, Lukas Becker: 10 minutes apart, both forged.
        mail("f-order-twice-lukas-1", "2026-11-24T14:00:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1110 placed by Lukas Becker")
            .ar(fail_shopify)
            .text(&lukas("1110"))
            .build(F),
        mail("f-order-twice-lukas-2", "2026-11-24T14:10:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1111 placed by Lukas Becker")
            .ar(fail_shopify)
            .text(&lukas("1111"))
            .build(F),
        // Duplicates the GENUINE o-shopify-1097-html (Wei Zhang, 4 mugs, €72.00) 20 minutes later.
        mail("f-order-dup-of-genuine-wei", "2026-11-26T09:20:00Z")
            .from("Shopify", "mailer@shopify.com")
            .subject("[Alphx] Order #1098 placed by Wei Zhang")
            .ar(fail_shopify)
            .text(&shopify_body("1098", "Wei Zhang", "wei.zhang@qq.com",
                "Stoneware mug, sand × 4    €72.00", "€72.00", "€0.00", "€72.00",
                "Keizersgracht 210\n1016 DZ Amsterdam\nNetherlands"))
            .build(F),
        // The shop's own WordPress address, spoofed: SPF fails, no signature.
        mail("f-order-woo-spoofed-wordpress", "2026-11-24T18:30:00Z")
            .from("Alphx", "wordpress@alphx.shop")
            .subject("[Alphx]: New order #2057")
            .ar("mx.alphx.shop; dkim=none; spf=fail smtp.mailfrom=alphx.shop; dmarc=fail (p=quarantine) header.from=alphx.shop")
            .text(&woo_body("2057", "November 24, 2026", "Samuel Adams", "samuel.adams@gmail.com",
                "Serving bowl × 6    €270.00", "€270.00", "500 Boylston Street\nBoston, MA 02116\nUnited States"))
            .build(F),
        mail("f-order-woo-lookalike", "2026-11-25T19:15:00Z")
            .from("Alphx", "wordpress@alphx-shop.example")
            .subject("[Alphx]: New order #2059")
            .text(&woo_body("2059", "November 25, 2026", "Nina Petrova", "nina.petrova@mail.ru",
                "Mug × 12    €180.00", "€180.00", "Nevsky Prospekt 28\n191186 Saint Petersburg\nRussia"))
            .build(F),
        mail("f-order-etsy-dkim-fail", "2026-11-23T21:40:00Z")
            .from("Etsy", "transaction@etsy.com")
            .subject("You made a sale on Etsy - Ship by Dec 1 - [$348.00, Order #3012345800]")
            .ar("mx.alphx.shop; dkim=fail (signature did not verify) header.d=etsy.com header.s=s1; spf=fail smtp.mailfrom=etsy.com; dmarc=fail (p=reject) header.from=etsy.com")
            .text(&etsy_body("3012345800", "Dec 1", "Speckled pasta plates (set of 4) × 6", "$348.00",
                "Tyler Brooks", "tbrooks_99", "1200 Main Street\nDallas, TX 75202\nUnited States"))
            .build(F),
        mail("f-order-squarespace-lookalike", "2026-11-25T10:50:00Z")
            .from("Squarespace", "no-reply@squarespace-info.com")
            .subject("A New Order has Arrived")
            .text(&squarespace_body("00129", "November 25, 2026 at 11:49 AM CET", "Oscar Lind",
                "oscar.lind@gmail.com", "Serving bowl, large    4    €232.00", "€232.00", "€0.00", "€232.00",
                "Kungsgatan 3\n411 19 Göteborg\nSweden"))
            .build(F),
        mail("f-order-wix-lookalike", "2026-11-27T08:40:00Z")
            .from("Wix Stores", "no-reply@wix-stores.example")
            .subject("New order #10041")
            .text(&wix_body("10041", "Hugo Lambert", "hugo.lambert@gmail.com",
                "Stoneware mug, sand × 9    €162.00", "€162.00", "Boulevard Anspach 1\n1000 Bruxelles\nBelgium"))
            .build(F),
    ]
}

// ---------------------------------------------------------------------------------------------
// Ordinary mail: at most one weak signal (or two clearly innocent ones). Not suspicious.
// ---------------------------------------------------------------------------------------------

const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01";
const DOCX: &[u8] = b"PK\x03\x04\x14\x00\x06\x00word/document.xml";

fn ordinary() -> Vec<Case> {
    use Label::Ordinary as O;
    vec![
        // Weak: Reply-To elsewhere (her private address).
        mail("ord-university-reply-to", "2026-11-23T08:20:00Z")
            .from("Dr. Hannah Weber", "h.weber@uni-heidelberg.de")
            .reply_to("Hannah Weber <hannah.weber.1987@gmail.com>")
            .subject("Plates for our department's Christmas party")
            .text("Dear Alphx team,\n\nour institute would like to give 12 of your speckled plates \
                   as Christmas presents. Could you send me a quote? Please answer to my private \
                   address, I am on leave from tomorrow.\n\nBest wishes,\nHannah Weber\n")
            .build(O),
        // Weak: a "billing"/accounts sender.
        mail("ord-accounts-payable", "2026-11-23T09:50:00Z")
            .from("Accounts Payable", "ap@nordlicht-hotels.de")
            .subject("Invoice request for order #1042")
            .text("Dear Sir or Madam,\n\nplease send the invoice for order #1042 (48 mugs for our \
                   breakfast room) as PDF to this address, stating our VAT ID DE123456789.\n\n\
                   Kind regards\nAccounts Payable\nNordlicht Hotels GmbH\n")
            .build(O),
        mail("ord-billing-cafe-rose", "2026-11-23T10:30:00Z")
            .from("Billing - Café Rosé", "billing@cafe-rose.fr")
            .subject("Facture pour nos tasses / invoice for our mugs")
            .text("Bonjour,\n\nPourriez-vous nous envoyer la facture des 24 tasses livrées la semaine \
                   dernière ? Notre comptable en a besoin avant la fin du mois.\n\nMerci,\n\
                   Camille — Café Rosé, 4 place du Marché, 33000 Bordeaux\n")
            .build(O),
        // Weak: payment words.
        q("ord-new-card-pay-again", "2026-11-23T11:35:00Z", "Mia Fischer", "mia.fischer@gmx.de",
          "Payment failed - new card",
          "Hi, my payment for the egg cups failed because my old card expired. I have a new \
           card, can I pay again using the same link or should I order again?\n\nMia\n").build(O),
        q("ord-cafe-billing-address", "2026-11-23T13:05:00Z", "Kaffeehaus Sonne", "info@kaffeehaus-sonne.at",
          "Neue Rechnungsadresse",
          "Grüß Gott,\n\nbitte verwenden Sie ab sofort unsere neue Rechnungsadresse:\n\
           Kaffeehaus Sonne OG\nNeubaugasse 12\n1070 Wien\nUID ATU12345678\n\n\
           Liebe Grüße\nTheresa Gruber\n").build(O),
        // Links to marketplaces' and shops' short domains (no link text to compare).
        q("ord-etsy-me-link", "2026-11-23T14:20:00Z", "Ingrid Solberg", "ingrid.solberg@online.no",
          "Is this your listing?",
          "Hi, a friend sent me this: https://etsy.me/3xYzAbc - is it your shop on Etsy or a \
           copy? The photos look like yours.\n\nIngrid\n").build(O),
        q("ord-amzn-to-link", "2026-11-23T15:40:00Z", "Ben Carter", "ben.carter@gmail.com",
          "Saw your plates on Amazon?",
          "Hey, are these yours? https://amzn.to/3Kq9ZpL They are half the price, which made me \
           suspicious. Just thought you should know.\n\nBen\n").tz(0).build(O),
        q("ord-shop-app-link", "2026-11-23T16:55:00Z", "Zoe Adams", "zoe.adams@icloud.com",
          "Tracking shows delivered",
          "Hi, the Shop app says delivered (https://shop.app/o/8f3k2m1x) but I wasn't home. \
           Do you know where the courier left it?\n\nZoe\n").tz(-300).build(O),
        // A link whose text is a plain word.
        mail("ord-click-here-html", "2026-11-23T17:45:00Z")
            .from("Clara Jensen", "clara.jensen@gmail.com")
            .subject("Your plates on my table")
            .alt("Hello! I posted a photo of my table with your plates, click here to see it: \
                  https://www.instagram.com/p/Cx1y2z3/\n\nClara\n",
                 "<p>Hello! I posted a photo of my table with your plates, \
                  <a href=\"https://www.instagram.com/p/Cx1y2z3/\">click here</a> to see it.</p>\
                  <p>Clara</p>\n")
            .build(O),
        mail("ord-newsletter-like-customer", "2026-11-23T18:30:00Z")
            .from("Studio Kiln", "hello@studiokiln.example")
            .subject("Studio Kiln — November notes: glazes, markets and a thank-you")
            .header("List-Unsubscribe: <https://studiokiln.example/unsubscribe?u=alphx>")
            .alt("November notes\n\nThank you to everyone who came to the open studio, and to \
                  Alphx for lending us the speckled plates for the table!\n\nRead more: \
                  https://studiokiln.example/notes/november\n",
                 "<h1>November notes</h1><p>Thank you to everyone who came to the open studio, \
                  and to Alphx for lending us the speckled plates for the table!</p>\
                  <p><a href=\"https://studiokiln.example/notes/november\">Read more</a> · \
                  <a href=\"https://studiokiln.example/unsubscribe?u=alphx\">Unsubscribe</a></p>\n")
            .build(O),
        // Harmless attachments.
        q("ord-photo-jpg", "2026-11-24T07:10:00Z", "Amara Okafor", "amara.okafor@yahoo.com",
          "The plates arrived!", "They are even nicer than in the pictures, photo attached :)\n\nAmara\n")
            .attach("photo.jpg", "image/jpeg", JPEG).tz(60).build(O),
        q("ord-receipt-pdf", "2026-11-24T08:10:00Z", "Felix Wagner", "felix.wagner@posteo.de",
          "Receipt for the return postage",
          "Hi, as agreed I sent the bowl back, the receipt for the postage (€5.49) is attached.\n\nFelix\n")
            .attach("receipt.pdf", "application/pdf", PDF).build(O),
        mail("ord-supplier-invoice-upper-pdf", "2026-11-24T08:55:00Z")
            .from("Tonwerk Lehmann GmbH", "rechnung@tonwerk-lehmann.de")
            .subject("Rechnung 2026-1187")
            .text("Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie unsere Rechnung 2026-1187 \
                   über 25 kg Steinzeugton. Zahlbar innerhalb von 14 Tagen.\n\n\
                   Mit freundlichen Grüßen\nTonwerk Lehmann GmbH\n")
            .attach("invoice.PDF", "application/pdf", PDF).build(O),
        q("ord-stockist-docx", "2026-11-24T09:20:00Z", "Rosa Jiménez", "rosa@lacasaazul.es",
          "Stockist application - La Casa Azul",
          "Hola! We are a concept store in Valencia and would love to stock your plates. I've \
           attached our application form.\n\nRosa\n")
            .attach("Stockist application.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", DOCX)
            .build(O),
        // No Authentication-Results at all (the provider added none).
        q("ord-local-potter-no-ar", "2026-11-24T10:05:00Z", "Eva Horváth", "eva@horvath-keramik.hu",
          "Kiln shelf for sale",
          "Hi, I'm clearing out my studio and have two kiln shelves your size, €40 each. \
           Interested?\n\nEva\n").no_ar().build(O),
        // dkim=none, spf=pass: a small business without DKIM.
        q("ord-framer-spf-only", "2026-11-24T10:50:00Z", "Rahmenwerk Köhler", "info@rahmenwerk-koehler.de",
          "Ihre Bilderrahmen sind fertig",
          "Guten Tag, die drei Rahmen für Ihren Marktstand sind fertig und können abgeholt \
           werden.\n\nRahmenwerk Köhler\n").spf_only().build(O),
        // A legitimate IDN domain (müller-keramik.de): not a look-alike of anything.
        q("ord-idn-legit-mueller-keramik", "2026-11-24T11:45:00Z", "Müller Keramik", "info@xn--mller-keramik-wob.de",
          "Gemeinsamer Stand auf dem Weihnachtsmarkt?",
          "Hallo zusammen,\n\nhättet ihr Lust, euch mit uns einen Stand auf dem Weihnachtsmarkt \
           zu teilen? Die Standgebühr würden wir halbieren.\n\nViele Grüße\nJonas Müller\n").build(O),
        q("ord-paypal-question", "2026-11-24T12:50:00Z", "Ahmet Yılmaz", "ahmet.yilmaz@hotmail.com",
          "Can I pay with PayPal?",
          "Hello, I don't have a credit card. Can I pay with PayPal or by bank transfer? \
           I want the large bowl.\n\nAhmet\n").build(O),
        q("ord-iban-question", "2026-11-24T13:40:00Z", "Greta Lindgren", "greta.lindgren@gmail.com",
          "Bank transfer details?",
          "Hi, which IBAN should I use for the bank transfer for my pre-order? Your website \
           didn't show it after checkout.\n\nGreta\n").build(O),
        // Two innocent weak signals: a Reply-To (same company) and payment words.
        mail("ord-reply-to-and-payment", "2026-11-24T14:25:00Z")
            .from("Purchasing - Backstube Korn", "purchasing@backstube-korn.de")
            .reply_to("sarah.korn@backstube-korn.de")
            .subject("Payment for 30 bread plates")
            .text("Hello, we transferred the payment for the 30 bread plates today. Please reply \
                   to Sarah directly about the delivery date.\n\nBackstube Korn\n")
            .build(O),
        // Link text and target on the same domain.
        mail("ord-link-same-domain-html", "2026-11-24T15:10:00Z")
            .from("Leo Schwarz", "leo.schwarz@icloud.com")
            .subject("Back in stock?")
            .alt("Hi, will this be back in stock before Christmas? https://alphx.shop/products/mug-sand\n\nLeo\n",
                 "<p>Hi, will this be back in stock before Christmas? \
                  <a href=\"https://alphx.shop/products/mug-sand?variant=4411&amp;utm_source=share\">\
                  https://alphx.shop/products/mug-sand</a></p><p>Leo</p>\n")
            .build(O),
        mail("ord-dhl-link-same-domain", "2026-11-24T16:00:00Z")
            .from("Paula Kraus", "paula.kraus@gmx.de")
            .subject("Paket zurück an Absender?")
            .html_only("<p>Hallo, laut DHL geht mein Paket zurück an Sie: \
                        <a href=\"https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557\">\
                        https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557</a></p>\
                        <p>Können Sie es nochmal schicken?</p><p>Paula</p>\n")
            .build(O),
        // Link text with www., target without: the same site.
        mail("ord-link-www-vs-bare", "2026-11-24T17:30:00Z")
            .from("Ceramics Fair Utrecht", "info@ceramicsfair.example")
            .subject("Applications for the 2027 fair are open")
            .html_only("<p>Dear maker,</p><p>applications for next year's fair are open until \
                        15 January: <a href=\"https://ceramicsfair.example/2027/apply\">www.ceramicsfair.example</a></p>\
                        <p>Warm regards,<br>the fair team</p>\n")
            .build(O),
        // Brand senders that pass authentication for the brand's own domain.
        mail("ord-paypal-genuine-payment", "2026-11-24T19:00:00Z")
            .from("PayPal", "service@paypal.de")
            .subject("Sie haben eine Zahlung erhalten")
            .text("Hallo Alphx,\n\nAhmet Yılmaz hat Ihnen 58,00 € EUR gesendet.\n\n\
                   Transaktionscode: 7AB12345CD678901E\n\nPayPal (Europe) S.à r.l. et Cie, S.C.A.\n")
            .build(O),
        mail("ord-dhl-genuine-delivered", "2026-11-25T07:50:00Z")
            .from("DHL Paket", "noreply@dhl.de")
            .subject("Ihre Sendung 00340434161094042557 wurde zugestellt")
            .text("Guten Tag,\n\nIhre Sendung 00340434161094042557 wurde heute an den Empfänger \
                   zugestellt.\n\nIhr DHL Team\n")
            .build(O),
        mail("ord-shopify-support-genuine", "2026-11-25T08:40:00Z")
            .from("Shopify Support", "support@shopify.com")
            .subject("Your support request #48213577 has been updated")
            .text("Hi Tom,\n\nThanks for your patience. The payout for 20 November has been sent \
                   and should reach your bank within 2 business days.\n\nMaya\nShopify Support\n")
            .build(O),
        mail("ord-amazon-seller-genuine", "2026-11-25T09:25:00Z")
            .from("Amazon Seller Central", "seller-notification@amazon.de")
            .subject("Your listing report for November is ready")
            .text("Hello,\n\nYour monthly listing report is available in Seller Central under \
                   Reports > Inventory.\n\nAmazon Services Europe S.à r.l.\n")
            .build(O),
        q("ord-neighbour-no-ar", "2026-11-25T10:10:00Z", "Peter Hofmann", "peter.hofmann@kabelmail.example",
          "Paket für Sie bei mir",
          "Hallo, ich habe heute ein Paket für Sie angenommen (Tonwerk Lehmann). Sie können es \
           ab 17 Uhr abholen.\n\nPeter Hofmann, Haus Nr. 14\n").no_ar().build(O),
        q("ord-printer-spf-only", "2026-11-25T11:00:00Z", "Druckerei Blau", "auftrag@druckerei-blau.de",
          "Korrekturabzug Visitenkarten",
          "Hallo, anbei der Link zum Korrekturabzug: https://druckerei-blau.de/proof/88213 \
           Bitte bis Donnerstag freigeben.\n\nDruckerei Blau\n").spf_only().build(O),
        q("ord-stockist-german-long", "2026-11-25T11:50:00Z", "Marlene Brandt", "marlene@laden-brandt.de",
          "Anfrage Wiederverkauf",
          "Liebes Alphx-Team,\n\nich betreibe seit sechs Jahren einen kleinen Laden für \
           Wohnaccessoires in Münster und bin auf dem Töpfermarkt in Köln auf Ihre Teller \
           aufmerksam geworden. Meine Kundinnen fragen seitdem immer wieder nach genau dieser Art \
           von Geschirr: schlicht, handgemacht, nicht zu teuer.\n\nWäre es möglich, Ihre Produkte \
           im Wiederverkauf anzubieten? Mich interessieren vor allem die gesprenkelten Pastateller \
           und die Becher in Sand. Welche Mindestmengen und Konditionen hätten Sie? Und wie lange \
           wären die Lieferzeiten im Frühjahr?\n\nÜber eine Antwort würde ich mich sehr freuen.\n\n\
           Herzliche Grüße\nMarlene Brandt\nLaden Brandt, Salzstraße 21, 48143 Münster\n").build(O),
        q("ord-french-press", "2026-11-25T12:40:00Z", "Inès Fontaine", "ines.fontaine@maison-magazine.example",
          "Article sur les céramistes indépendants",
          "Bonjour,\n\nJe prépare un article sur les céramistes indépendants pour le numéro de \
           février. Accepteriez-vous de répondre à quelques questions par téléphone ?\n\n\
           Bien à vous,\nInès Fontaine\n").build(O),
        q("ord-spanish-thanks", "2026-11-25T13:30:00Z", "Pablo Ruiz", "pablo.ruiz@gmail.com",
          "¡Gracias!",
          "¡Hola! Los platos llegaron perfectos y muy bien embalados. ¡Mil gracias!\n\nPablo\n").build(O),
        q("ord-thank-you-short", "2026-11-25T14:20:00Z", "Kate Morgan", "kate.morgan@outlook.com",
          "Thank you!!", "Just wanted to say thank you, they're perfect. x Kate\n").tz(0).build(O),
        mail("ord-html-only-outlook", "2026-11-25T16:30:00Z")
            .from("Thomas Berger", "thomas.berger@outlook.de")
            .subject("Farbe der Becher")
            .html_only("<html><body><div style=\"font-family:Calibri\">Hallo,<br>sind die Becher \
                        in Sand eher beige oder eher grau?<br><br>Danke<br>Thomas</div></body></html>\n")
            .build(O),
        q("ord-heic-photo", "2026-11-25T17:15:00Z", "Sofia Esposito", "sofia.esposito@icloud.com",
          "Glaze question", "Is this crackle normal? See photo.\n\nSofia\n")
            .attach("IMG_4021.HEIC", "image/heic", b"\x00\x00\x00\x18ftypheic")
            .build(O),
        q("ord-screenshot-png", "2026-11-25T18:20:00Z", "Arjun Patel", "arjun.patel@gmail.com",
          "Checkout error",
          "Hi, I get this error at checkout when I choose Ireland, screenshot attached.\n\nArjun\n")
            .attach("screenshot.png", "image/png", PNG).tz(0).build(O),
        mail("ord-accountant-documents", "2026-11-26T07:45:00Z")
            .from("Steuerkanzlei Krause", "kanzlei@krause-steuer.de")
            .subject("Unterlagen November / Zahlung Umsatzsteuer")
            .text("Guten Morgen,\n\nbitte schicken Sie uns bis zum 5. Dezember die Belege für \
                   November. Die Umsatzsteuer-Vorauszahlung wird am 10. abgebucht.\n\n\
                   Freundliche Grüße\nKanzlei Krause\n")
            .attach("Checkliste_November.pdf", "application/pdf", PDF)
            .build(O),
        q("ord-market-no-ar", "2026-11-26T08:20:00Z", "Jan Kowalski", "jan.kowalski@o2.pl",
          "Stall at the Christmas market",
          "Hello, I'm your stall neighbour from last year. Are you coming again this year? \
           I can bring the extra table.\n\nJan\n").no_ar().build(O),
        q("ord-bakery-spf-only", "2026-11-26T09:40:00Z", "Bäckerei Sommer", "kontakt@baeckerei-sommer.de",
          "Brotteller nachbestellen",
          "Hallo, wir bräuchten nochmal 10 Brotteller wie im Sommer. Geht das bis Mitte \
           Dezember?\n\nBäckerei Sommer\n").spf_only().build(O),
        mail("ord-collab-instagram", "2026-11-26T11:10:00Z")
            .from("Maya Levi", "maya.levi.studio@gmail.com")
            .subject("Collab idea - table styling")
            .alt("Hi Alphx! I'm a food stylist (https://www.instagram.com/maya.levi.studio) and \
                  would love to feature your plates. Would you send two in exchange for photos?\n\nMaya\n",
                 "<p>Hi Alphx! I'm a food stylist \
                  (<a href=\"https://www.instagram.com/maya.levi.studio\">https://www.instagram.com/maya.levi.studio</a>) \
                  and would love to feature your plates. Would you send two in exchange for photos?</p><p>Maya</p>\n")
            .build(O),
        mail("ord-market-stall-plan", "2026-11-26T12:00:00Z")
            .from("Weihnachtsmarkt Altstadt", "orga@weihnachtsmarkt-altstadt.de")
            .subject("Standbestätigung und Standplan")
            .text("Liebe Ausstellerinnen und Aussteller,\n\nanbei der Standplan. Ihr Stand: Nr. 23. \
                   Aufbau ab Freitag 14 Uhr.\n\nDas Orga-Team\n")
            .attach("Standplan.pdf", "application/pdf", PDF)
            .build(O),
        q("ord-refund-to-new-card", "2026-11-26T13:05:00Z", "Olga Ivanova", "olga.ivanova@gmail.com",
          "Refund to my new card?",
          "Hello, my bank replaced my card last week. Will the refund for the returned mug still \
           arrive, or do you need the new card details? (I'd rather not send them by email.)\n\nOlga\n").build(O),
        q("ord-gift-card-question", "2026-11-26T14:05:00Z", "Ruby Evans", "ruby.evans@gmail.com",
          "Gift cards?", "Do you sell gift cards? My dad loves your mugs but I don't know which one.\n\nRuby\n")
            .tz(0).build(O),
        mail("ord-reply-to-agency", "2026-11-26T15:15:00Z")
            .from("Lisa Chen", "lisa.chen@brightevents.example")
            .reply_to("bookings@brightevents-group.example")
            .subject("Table plates for a corporate dinner (80 guests)")
            .text("Hello, we are organising a dinner for 80 guests in March and would like to rent \
                   or buy your plates. Please reply to our bookings team.\n\nLisa Chen\nBright Events\n")
            .build(O),
        mail("ord-university-purchase-order", "2026-11-26T16:25:00Z")
            .from("Einkauf TU München", "einkauf@tum.de")
            .subject("Bestellung PO-4471")
            .text("Sehr geehrte Damen und Herren,\n\nanbei unsere Bestellung PO-4471 über 20 Becher. \
                   Bitte die PO-Nummer auf der Rechnung angeben.\n\nMit freundlichen Grüßen\nZentraler Einkauf\n")
            .attach("PO-4471.pdf", "application/pdf", PDF)
            .build(O),
        q("ord-japanese-name", "2026-11-26T17:35:00Z", "佐藤 花子", "hanako.sato@gmail.com",
          "お皿について",
          "こんにちは。スペックルのパスタ皿は電子レンジで使えますか？\n\n佐藤花子\n").tz(540).build(O),
        q("ord-greek-name", "2026-11-27T07:15:00Z", "Ελένη Παπαδοπούλου", "eleni.papadopoulou@gmail.com",
          "Shipping to Greece",
          "Hello, do you ship to Thessaloniki, and how much would it cost for two bowls?\n\nEleni\n")
            .tz(120).build(O),
        q("ord-shop-app-and-photo", "2026-11-27T08:15:00Z", "Marta Nowak", "marta.nowak@gmail.com",
          "Wrong parcel?",
          "Hi, the Shop app (https://shop.app/o/2k9x7d3q) shows my order as delivered but the \
           parcel had someone else's cups in it, photo attached.\n\nMarta\n")
            .attach("photo.jpg", "image/jpeg", JPEG).build(O),
        mail("ord-newsletter-customer-list", "2026-11-27T09:00:00Z")
            .from("Green Table Supper Club", "news@greentable.example")
            .subject("December supper club menu")
            .header("List-Id: Green Table news <news.greentable.example>")
            .header("List-Unsubscribe: <mailto:unsubscribe@greentable.example>")
            .text("December menu: roasted squash, chestnut pasta (served on Alphx plates!), \
                   poached pears. Book at https://greentable.example/book\n")
            .build(O),
        mail("ord-trustpilot-genuine", "2026-11-27T09:45:00Z")
            .from("Trustpilot", "noreply@trustpilot.com")
            .subject("You've got a new 5-star review")
            .text("Hi Alphx,\n\nPablo Ruiz left a 5-star review: \"Perfectly packed, beautiful \
                   plates.\"\n\nReply to the review: https://business.trustpilot.com/reviews\n")
            .build(O),
        mail("ord-etsy-conversation-genuine", "2026-11-27T10:50:00Z")
            .from("Etsy", "conversations@etsy.com")
            .subject("Kenji Watanabe sent you a message")
            .text("Kenji Watanabe sent you a message about order #3012346120:\n\n\"Could you add a \
                   small note in Japanese? It's a gift.\"\n\nReply on Etsy: https://www.etsy.com/messages\n")
            .build(O),
        q("ord-long-quoted-thread", "2026-11-27T12:10:00Z", "Robert Fischer", "robert.fischer@web.de",
          "Re: Re: Re: Tassen für unser Büro",
          "Perfekt, dann machen wir es so. Lieferung bitte am Montag.\n\nRobert\n\n\
           Am 26.11.2026 um 16:02 schrieb Tom from Alphx <hello@alphx.shop>:\n\
           > Hallo Robert, 15 Tassen wären bis Montag machbar.\n>\n\
           > Am 25.11.2026 um 09:12 schrieb Robert Fischer <robert.fischer@web.de>:\n\
           >> Hallo Tom, schaffen Sie 15 Tassen bis nächste Woche?\n").build(O),
        mail("ord-click-here-mailchimp", "2026-11-27T13:30:00Z")
            .from("Hof Lindenblick", "post@hof-lindenblick.de")
            .subject("Unser Hofladen-Adventskalender")
            .alt("Liebe Freunde des Hofladens, unseren Adventskalender finden Sie hier: \
                  https://hoflindenblick.us21.list-manage.com/track/click?u=9f2&id=a1\n",
                 "<p>Liebe Freunde des Hofladens,</p><p>unseren Adventskalender finden Sie \
                  <a href=\"https://hoflindenblick.us21.list-manage.com/track/click?u=9f2&amp;id=a1\">hier klicken</a>.</p>\n")
            .build(O),
        mail("ord-packaging-invoice", "2026-11-27T14:45:00Z")
            .from("Kartonage Weber", "buchhaltung@kartonage-weber.de")
            .subject("Ihre Rechnung 88-2026-311")
            .text("Guten Tag,\n\nim Anhang Ihre Rechnung für 500 Versandkartons. Vielen Dank für \
                   Ihren Auftrag.\n\nKartonage Weber\n")
            .attach("invoice.pdf", "application/pdf", PDF)
            .build(O),
        q("ord-late-friday", "2026-11-27T16:00:00Z", "Emily Davis", "emily.davis@gmail.com",
          "No rush",
          "Hi, no rush at all, but when you're back on Monday could you tell me if the large \
           bowl comes in white? Have a nice weekend!\n\nEmily\n").tz(0).build(O),
    ]
}

// ---------------------------------------------------------------------------------------------
// Fraud: one strong signal each. Suspicious.
// ---------------------------------------------------------------------------------------------

const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00";

fn fraud() -> Vec<Case> {
    use Label::Fraud as X;
    vec![
        // --- Failed authentication for a sender that claims a brand or the shop ---
        mail("x-auth-paypal-dmarc-fail", "2026-11-23T06:40:00Z")
            .from("PayPal", "service@paypal.com")
            .ar(&ar_dmarc_fail("paypal.com"))
            .subject("Your account access has been limited")
            .text("Dear Customer,\n\nwe noticed unusual activity on your account. Until you confirm \
                   your information, you will not be able to receive payments. Please call our \
                   security team at +44 20 0000 0000 within 24 hours.\n\nPayPal\n")
            .build(X),
        mail("x-auth-shopify-support-both-fail", "2026-11-23T21:05:00Z")
            .from("Shopify Support", "support@shopify.com")
            .ar(&ar_both_fail("shopify.com"))
            .subject("Your store will be suspended in 24 hours")
            .text("Hello,\n\nyour store alphx has been reported for a policy violation. Reply to \
                   this message with your login email and the code we will text you to keep the \
                   store open.\n\nShopify Support\n")
            .build(X),
        mail("x-auth-amazon-seller-dmarc-fail", "2026-11-24T06:30:00Z")
            .from("Amazon Seller Central", "seller-notification@amazon.com")
            .ar(&ar_dmarc_fail("amazon.com"))
            .subject("Action required: verify your seller identity")
            .text("Hello,\n\nyour seller account requires identity verification. Reply with a \
                   scan of your passport and a recent bank statement.\n\nAmazon Seller Central\n")
            .build(X),
        mail("x-auth-dhl-express-dmarc-fail", "2026-11-24T20:15:00Z")
            .from("DHL Express", "noreply@dhl.com")
            .ar(&ar_dmarc_fail("dhl.com"))
            .subject("Customs duty payment required for shipment 7781234560")
            .text("Your shipment 7781234560 is held at customs. Pay the duty of EUR 2.99 by \
                   replying with your card number and expiry date.\n\nDHL Express\n")
            .build(X),
        mail("x-auth-alphx-dmarc-fail", "2026-11-25T06:50:00Z")
            .from("Alphx", "hello@alphx.shop")
            .ar("mx.alphx.shop; dkim=none; spf=fail smtp.mailfrom=alphx.shop; dmarc=fail (p=quarantine) header.from=alphx.shop")
            .subject("Updated bank details for supplier payments")
            .text("Hi,\n\nplease note our new bank details for all future payments:\n\
                   IBAN GB00 TEST 0000 0000 0000 00\n\nThanks,\nTom\nAlphx\n")
            .build(X),
        mail("x-auth-paypal-name-random-domain", "2026-11-25T20:30:00Z")
            .from("PayPal", "security-alert@notify-center.example")
            .ar(&ar_both_fail("notify-center.example"))
            .subject("Payment of €1,249.00 sent")
            .text("You sent a payment of €1,249.00 to Electro Discount. If you did not authorize \
                   this payment, call +1 800 000 0000 immediately.\n\nPayPal\n")
            .build(X),
        mail("x-auth-shopify-payments-dmarc-fail", "2026-11-26T06:35:00Z")
            .from("Shopify Payments", "payments@shopify.com")
            .ar(&ar_dmarc_fail("shopify.com"))
            .subject("Your payout is on hold")
            .text("Your payout of €2,318.40 is on hold. Confirm your bank account by replying \
                   with your account number and online banking PIN.\n\nShopify Payments\n")
            .build(X),
        mail("x-auth-alphx-name-both-fail", "2026-11-27T06:20:00Z")
            .from("Alphx", "alphx.orders@outlook.com")
            .ar(&ar_both_fail("outlook.com"))
            .subject("Urgent: gift cards for our customers")
            .text("Hi, it's Tom. I'm in a meeting, can you buy 5 Amazon gift cards of €100 and \
                   send me the codes? I'll pay you back tonight.\n")
            .build(X),
        // --- Executable attachments (the sender's own authentication passes) ---
        q("x-att-invoice-pdf-exe", "2026-11-23T07:35:00Z", "Accounting", "accounting@fastinvoice.example",
          "Invoice INV-20931 overdue", "Please find the overdue invoice attached.\n")
            .attach("invoice.pdf.exe", "application/octet-stream", EXE).build(X),
        q("x-att-photo-jpg-scr", "2026-11-23T12:55:00Z", "Julia Novak", "julia.novak@gmail.com",
          "Complaint - damaged item, see photo", "The item arrived damaged, see the photo.\n")
            .attach("photo.JPG.scr", "application/octet-stream", EXE).build(X),
        q("x-att-label-js", "2026-11-23T19:50:00Z", "Shipping Labels", "labels@parcelprint.example",
          "Your return label", "Print the attached label for your return.\n")
            .attach("label.js", "application/javascript", b"var s=WScript.CreateObject('WScript.Shell');").build(X),
        q("x-att-run-bat", "2026-11-24T12:05:00Z", "IT Service", "service@it-helpdesk.example",
          "Mailbox quota fix", "Run the attached file to increase your mailbox quota.\n")
            .attach("run.bat", "application/x-bat", b"@echo off\r\nexit\r\n").build(X),
        q("x-att-setup-exe", "2026-11-24T18:45:00Z", "Marcus Lee", "marcus.lee@outlook.com",
          "Wholesale catalogue viewer", "Hi, our catalogue needs this viewer, install it to see our offer.\n")
            .attach("setup.exe", "application/x-msdownload", EXE).build(X),
        q("x-att-doc-pdf-lnk", "2026-11-25T08:05:00Z", "Chen Wei", "chen.wei@163.com",
          "Bulk order specification", "Hello, specification of our bulk order attached.\n")
            .attach("doc.pdf.lnk", "application/octet-stream", b"L\x00\x00\x00\x01\x14\x02\x00").build(X),
        q("x-att-x-vbs", "2026-11-25T15:25:00Z", "Tax Office", "info@steuer-service.example",
          "Steuerbescheid 2025", "Ihr Steuerbescheid liegt bei.\n")
            .attach("x.vbs", "text/vbscript", b"MsgBox \"x\"").build(X),
        q("x-att-y-cmd", "2026-11-26T07:05:00Z", "Daniel Park", "daniel.park@naver.com",
          "Order list", "Here is our order list, open attached.\n")
            .attach("y.cmd", "application/octet-stream", b"@echo off\r\n").build(X),
        q("x-att-z-ps1", "2026-11-26T12:40:00Z", "Security Team", "security@shop-protect.example",
          "Security update for your shop", "Run the attached script to secure your shop.\n")
            .attach("z.ps1", "application/octet-stream", b"Write-Host 'x'").build(X),
        q("x-att-a-jar", "2026-11-26T18:10:00Z", "Freight Forwarding", "docs@cargo-docs.example",
          "Shipping documents", "Shipping documents attached.\n")
            .attach("a.jar", "application/java-archive", b"PK\x03\x04META-INF/MANIFEST.MF").build(X),
        q("x-att-b-msi", "2026-11-27T07:40:00Z", "Printer Support", "support@print-driver.example",
          "Driver for your label printer", "Install the attached driver.\n")
            .attach("b.msi", "application/x-msi", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1").build(X),
        // --- Link text shows one domain, the link goes to another (HTML parts) ---
        mail("x-link-paypal-html-only-in-alt", "2026-11-23T13:25:00Z")
            .from("Customer Service", "notice@acct-mailer.example")
            .subject("Confirm your account details")
            // The text/plain part has no link at all; the mismatch is only in the HTML part.
            .alt("Dear user,\n\nplease confirm your account details to avoid interruption.\n\nCustomer Service\n",
                 "<p>Dear user,</p><p>please confirm your account details to avoid interruption:</p>\
                  <p><a href=\"https://paypa1-secure.example/login\">https://www.paypal.com/signin</a></p>\n")
            .build(X),
        mail("x-link-dhl-tracking-html", "2026-11-24T09:55:00Z")
            .from("Paketdienst", "info@paket-benachrichtigung.example")
            .subject("Zustellung fehlgeschlagen")
            .html_only("<p>Ihre Sendung konnte nicht zugestellt werden. Neuen Termin wählen:</p>\
                        <p><a href=\"http://track-dhl.evil.example/resched?id=884\">https://www.dhl.de/de/privatkunden.html</a></p>\n")
            .build(X),
        mail("x-link-shopify-admin-alt", "2026-11-24T15:30:00Z")
            .from("Store Notifications", "alerts@store-notify.example")
            .subject("New login to your store from an unknown device")
            .alt("We noticed a new login to your store. If this wasn't you, review your \
                  account.\n",
                 "<p>We noticed a new login to your store. If this wasn't you, review it here:</p>\
                  <p><a href=\"https://shopify-login.example/admin/session\">https://admin.shopify.com/store/alphx</a></p>\n")
            .build(X),
        mail("x-link-alphx-text-no-scheme", "2026-11-25T13:55:00Z")
            .from("Account Team", "team@verify-accounts.example")
            .subject("Verify your domain alphx.shop")
            .html_only("<p>Your domain needs verification. Log in at \
                        <a href=\"https://alphx-verify.example/login\">alphx.shop/account</a> to keep it active.</p>\n")
            .build(X),
        mail("x-link-amazon-refund", "2026-11-26T08:30:00Z")
            .from("Refund Department", "refunds@refund-center.example")
            .subject("Your refund of €89.90 is ready")
            .alt("Your refund is ready. Claim it within 48 hours on our website.\n",
                 "<p>Your refund is ready. Claim it within 48 hours:</p>\
                  <p><a href=\"https://amaz0n-refunds.example/r/8812\">www.amazon.de/refund</a></p>\n")
            .build(X),
        mail("x-link-sparkasse-html", "2026-11-27T12:50:00Z")
            .from("Online-Banking", "banking@kundeninfo.example")
            .subject("Wichtig: Ihr Online-Banking wurde gesperrt")
            .html_only("<p>Sehr geehrte Kundin, sehr geehrter Kunde,</p><p>bitte entsperren Sie Ihr Konto unter \
                        <a href=\"https://secure-login.example.net/s\">https://www.sparkasse.de/login</a>.</p>\n")
            .build(X),
        // --- Look-alike domains of the shop (authentication passes, for the look-alike) ---
        q("x-lookalike-alphx-shop-example", "2026-11-23T16:15:00Z", "Alphx", "billing@alphx-shop.example",
          "Please confirm the new payout account",
          "Hi Tom,\n\nwe moved the payout account, please confirm the change by replying today.\n\nAlphx billing\n")
            .build(X),
        q("x-lookalike-alpxh-shop", "2026-11-24T21:20:00Z", "Tom from Alphx", "hello@alpxh.shop",
          "Re: your order",
          "Hi, please send the payment for your order again to our new account, the old one is closed.\n\nTom\n")
            .build(X),
        q("x-lookalike-alphx-sh0p", "2026-11-26T19:30:00Z", "Alphx Team", "team@alphx.sh0p",
          "Password reset for your mailbox",
          "Your mailbox password expires today. Reply with your current password to keep it.\n")
            .build(X),
        // --- Look-alike domains of brands ---
        q("x-lookalike-paypa1", "2026-11-23T22:10:00Z", "PayPal", "service@paypa1.com",
          "You've received a payment of €640.00",
          "You've received a payment of €640.00. The funds will be released once you ship and \
           reply with the tracking number.\n\nPayPal\n").build(X),
        q("x-lookalike-arnazon", "2026-11-24T23:05:00Z", "Amazon Seller Central", "seller@arnazon.com",
          "Your listing has been removed",
          "Your listing has been removed for a policy violation. Reply within 48 hours to \
           appeal.\n\nAmazon Seller Central\n").build(X),
        q("x-lookalike-shopify-support", "2026-11-25T21:35:00Z", "Shopify", "help@shopify-support.com",
          "Your Shopify plan payment failed",
          "Your last payment failed. Reply with your card details to avoid losing your store.\n\nShopify\n")
            .build(X),
        q("x-lookalike-dhl-express-delivery", "2026-11-26T21:00:00Z", "DHL Express", "info@dhl-express-delivery.example",
          "Shipment on hold: address incomplete",
          "Your shipment is on hold because the address is incomplete. Reply with the full \
           address and a phone number.\n\nDHL Express\n").build(X),
        // pаypal.com with a Cyrillic 'а' (U+0430), as IDN punycode in the address.
        q("x-lookalike-paypal-cyrillic-idn", "2026-11-27T15:10:00Z", "PayPal", "service@xn--pypal-4ve.com",
          "Unusual sign-in to your account",
          "We noticed a sign-in to your account from a new device. Confirm it was you by \
           replying to this message.\n\nPayPal\n").build(X),
    ]
}

// ---------------------------------------------------------------------------------------------
// The shop's answers (Sent), spoofed answers (INBOX)
// ---------------------------------------------------------------------------------------------

/// What a reply needs from the case it answers: (To, Subject, Message-ID), raw header values.
/// To is the Reply-To when there is one, as a mail client does.
fn answering(cases: &[Case], name: &str) -> (String, String, String) {
    let c = find(cases, name);
    let to = raw_header(&c.raw, "Reply-To")
        .or_else(|| raw_header(&c.raw, "From"))
        .expect("From");
    let subject = raw_header(&c.raw, "Subject").expect("Subject");
    let id = raw_header(&c.raw, "Message-ID").expect("Message-ID");
    let re = if subject.to_ascii_lowercase().starts_with("re:") {
        subject
    } else {
        format!("Re: {subject}")
    };
    (to, re.replace(" =?", "\n =?"), id)
}

fn shop_reply(
    cases: &[Case],
    name: &'static str,
    n: u32,
    to_case: &'static str,
    at: &'static str,
    body: &str,
) -> Case {
    let (to, subject, id) = answering(cases, to_case);
    let mut m = mail(name, at)
        .sent()
        .from("Tom from Alphx", SHOP_ADDRESS)
        .subject(&subject)
        .msgid(&format!("<reply-{n}@alphx.shop>"))
        .header(&format!("In-Reply-To: {id}"))
        .header(&format!("References: {id}"))
        .header("User-Agent: Mozilla Thunderbird")
        .lag(1)
        .text(body);
    m.to = to;
    m.build(Label::ShopReply { to_case })
}

fn shop_replies(cases: &[Case]) -> Vec<Case> {
    vec![
        shop_reply(cases, "r-1-priya", 1, "q-urgent-new-order-gmail", "2026-11-23T09:10:00Z",
            "Hi Priya,\n\nI'm so sorry. I've opened a claim with the courier and I'm sending a \
             replacement today by express, you'll have it on Wednesday.\n\nTom\nAlphx\n"),
        shop_reply(cases, "r-2-jane", 2, "q-re-order-placed-by", "2026-11-23T10:15:00Z",
            "Hi Jane,\n\nno problem, I've changed the address to Lumen Studio. Thanks for letting \
             me know about the email too!\n\nTom\n"),
        shop_reply(cases, "r-3-marco", 3, "q-fwd-shopify-confirmation", "2026-11-23T10:40:00Z",
            "Ciao Marco,\n\ndone: the parcel will go to Via Garibaldi 12.\n\nTom\n"),
        shop_reply(cases, "r-4-anna", 4, "q-de-bestellung-falsche-farbe", "2026-11-23T14:30:00Z",
            "Hallo Anna,\n\nentschuldigen Sie bitte! Sie bekommen ein Rücksendeetikett per Mail, \
             die sandfarbenen Tassen schicke ich heute los.\n\nViele Grüße\nTom\n"),
        shop_reply(cases, "r-5-carmen", 5, "q-es-pedido-no-llega", "2026-11-24T08:05:00Z",
            "Hola Carmen,\n\nlo siento mucho. He abierto una reclamación con el transportista y te \
             escribo en cuanto sepa algo.\n\nTom\n"),
        shop_reply(cases, "r-6-margaret", 6, "q-long-story-gift", "2026-11-24T11:30:00Z",
            "Dear Margaret,\n\nthank you for your lovely message! The glaze hasn't changed, it's \
             the photography. And yes, we can send the set to Edinburgh with a card and no \
             invoice.\n\nBest wishes,\nTom\n"),
        shop_reply(cases, "r-7-ethan", 7, "q-order-paypal-paid-twice", "2026-11-24T16:20:00Z",
            "Hi Ethan,\n\nyou're right, I've refunded the second payment. It should show in a few \
             days.\n\nTom\n"),
        shop_reply(cases, "r-8-emma", 8, "q-help-address-typo", "2026-11-25T12:30:00Z",
            "Hi Emma,\n\nno worries, I've corrected the postcode to 114 51.\n\nTom\n"),
        shop_reply(cases, "r-9-hannah", 9, "q-order-cancel-please", "2026-11-26T11:15:00Z",
            "Hi Hannah,\n\norder #1087 is cancelled and refunded.\n\nTom\n"),
        shop_reply(cases, "r-10-weber", 10, "ord-university-reply-to", "2026-11-23T09:00:00Z",
            "Dear Dr. Weber,\n\n12 plates would be €192.00 including delivery to the institute. \
             Shall I reserve them?\n\nBest regards,\nTom\n"),
        shop_reply(cases, "r-11-nordlicht", 11, "ord-accounts-payable", "2026-11-23T11:00:00Z",
            "Dear Sir or Madam,\n\nplease find the invoice for order #1042 in the customer portal; \
             I have added your VAT ID.\n\nKind regards,\nTom\n"),
        shop_reply(cases, "r-12-cafe-rose", 12, "ord-billing-cafe-rose", "2026-11-23T12:00:00Z",
            "Bonjour Camille,\n\nvoici la facture, avec tous mes vœux pour le café !\n\nTom\n"),
    ]
}

/// A "reply" from the shop's address, in INBOX, that the provider's top header fails.
fn spoofed(
    cases: &[Case],
    name: &'static str,
    to_case: &'static str,
    at: &'static str,
    ar: &str,
    msgid: &str,
    body: &str,
) -> Case {
    let (to, subject, id) = answering(cases, to_case);
    let mut m = mail(name, at)
        .from("Tom from Alphx", SHOP_ADDRESS)
        .ar(ar)
        .subject(&subject)
        .msgid(msgid)
        .header(&format!("In-Reply-To: {id}"))
        .header(&format!("References: {id}"))
        .text(body);
    m.to = to;
    m.build(Label::SpoofedShopReply { to_case })
}

fn spoofed_shop_replies(cases: &[Case]) -> Vec<Case> {
    vec![
        spoofed(cases, "s-1-liam-dmarc-fail", "q-question-wrong-size-outlook", "2026-11-23T09:05:00Z",
            "mx.alphx.shop; dkim=none; spf=fail smtp.mailfrom=alphx.shop; dmarc=fail (p=quarantine) header.from=alphx.shop",
            "<spoof-1@alphx.shop>",
            "Hi Liam, to change the size please pay the difference of €12 at https://pay-alphx.example/s/12\n"),
        spoofed(cases, "s-2-aiko-dkim-spf-fail", "q-copied-subject-question-in-body", "2026-11-23T11:40:00Z",
            "mx.alphx.shop; dkim=fail (signature did not verify) header.d=alphx.shop header.s=s1; spf=fail smtp.mailfrom=alphx.shop",
            "<20261123114000.3f2a@alphx.shop>",
            "Hello Aiko, yes we ship to Japan. Please send the customs fee of ¥3,000 by gift card.\n"),
        spoofed(cases, "s-3-elodie-dkim-other-domain", "q-fr-commande-pas-recue", "2026-11-23T16:00:00Z",
            "mx.alphx.shop; dkim=pass header.d=mailer.example header.s=m1; spf=pass smtp.mailfrom=mailer.example; dmarc=fail (p=quarantine) header.from=alphx.shop",
            "<a81f0c2e@mailer.example>",
            "Bonjour Élodie, votre colis est bloqué. Payez 1,99 € de frais pour le débloquer.\n"),
        spoofed(cases, "s-4-yusuf-spf-fail-no-dkim", "q-short-where", "2026-11-24T11:20:00Z",
            "mx.alphx.shop; dkim=none; spf=fail smtp.mailfrom=alphx.shop; dmarc=none header.from=alphx.shop",
            "<spoof-4@alphx.shop>",
            "Hi Yusuf, your order is on its way.\n"),
        // dmarc=fail at the top, a forged pass below it.
        mail("s-5-chloe-forged-pass-below", "2026-11-25T07:45:00Z")
            .from("Tom from Alphx", SHOP_ADDRESS)
            .ar("mx.alphx.shop; dkim=none; spf=softfail smtp.mailfrom=alphx.shop; dmarc=fail (p=quarantine) header.from=alphx.shop")
            .trace("Authentication-Results: mx.alphx.shop; dkim=pass header.d=alphx.shop header.s=s1; spf=pass smtp.mailfrom=alphx.shop; dmarc=pass header.from=alphx.shop")
            .subject("Re: URGENT!!! ORDER NOT RECEIVED")
            .msgid("<spoof-5@alphx.shop>")
            .header(&format!("In-Reply-To: {}", answering(cases, "q-urgent-caps-no-number").2))
            .header(&format!("References: {}", answering(cases, "q-urgent-caps-no-number").2))
            .to("Chloe Nguyen", "chloe.nguyen@gmail.com")
            .text("Hi Chloe, your order was delivered. Case closed.\n")
            .build(Label::SpoofedShopReply { to_case: "q-urgent-caps-no-number" }),
        spoofed(cases, "s-6-lena-all-fail", "q-de-dringend-geschenk", "2026-11-26T15:10:00Z",
            "mx.alphx.shop; dkim=fail (body hash did not verify) header.d=alphx.shop header.s=s1; spf=fail smtp.mailfrom=alphx.shop; dmarc=fail (p=quarantine) header.from=alphx.shop",
            "<spoof-6@alphx.shop>",
            "Hallo Lena, Expressversand ist gebucht, bitte 15 € per Gutschein bezahlen.\n"),
    ]
}

// ---------------------------------------------------------------------------------------------
// Bounces
// ---------------------------------------------------------------------------------------------

/// The header block of a built message.
fn header_block(raw: &str) -> String {
    raw.split("\r\n\r\n").next().unwrap_or_default().to_string()
}

fn dsn_status(recipient: &str, status: &str, remote: &str, diag: &str, arrival: &str) -> String {
    format!(
        "Reporting-MTA: dns; mx.alphx.shop\nX-Postfix-Queue-ID: 4F2A1C0E31\nArrival-Date: {arrival}\n\n\
         Final-Recipient: rfc822; {recipient}\nOriginal-Recipient: rfc822;{recipient}\nAction: failed\n\
         Status: {status}\nRemote-MTA: dns; {remote}\nDiagnostic-Code: smtp; {diag}\n"
    )
}

fn daemon(name: &'static str, at: &'static str, subject: &str) -> M {
    mail(name, at)
        .from("Mail Delivery System", "MAILER-DAEMON@mx.alphx.shop")
        .ar("mx.alphx.shop; dkim=none; spf=pass smtp.helo=mx.alphx.shop")
        .top("Return-Path: <>")
        .header("Auto-Submitted: auto-replied")
        .subject(subject)
        .lag(0)
}

/// A Postfix-style multipart/report about a ShopReply case.
// The arguments are the fields of the mail, named at each call in the case table.
#[allow(clippy::too_many_arguments)]
fn report_bounce(
    cases: &[Case],
    name: &'static str,
    of_case: &'static str,
    at: &'static str,
    status: &str,
    remote: &str,
    diag: &str,
    headers_only: bool,
) -> Case {
    let r = find(cases, of_case);
    let to = angle_addr(&raw_header(&r.raw, "To").expect("To"));
    let arrival = raw_header(&r.raw, "Date").expect("Date");
    let original = if headers_only {
        header_block(&r.raw)
    } else {
        r.raw.clone()
    };
    let mut m = daemon(name, at, "Undelivered Mail Returned to Sender");
    m.body = Body::Report {
        human: format!(
            "This is the mail system at host mx.alphx.shop.\n\nI'm sorry to have to inform you that \
             your message could not be delivered to one or more recipients. It's attached below.\n\n\
             <{to}>: host {remote} said: {diag}\n"
        ),
        status: dsn_status(&to, status, remote, diag, &arrival),
        original,
        headers_only,
    };
    m.build(Label::GenuineBounce { of_case })
}

fn genuine_bounces(cases: &[Case]) -> Vec<Case> {
    let quoted = |of_case: &str| header_block(&find(cases, of_case).raw);
    vec![
        // Exim style: plain text, the original headers quoted.
        daemon("b-marco-exim-plain", "2026-11-23T10:41:10Z", "Mail delivery failed: returning message to sender")
            .from("Mail Delivery System", "Mailer-Daemon@mx.alphx.shop")
            .text(&format!(
                "This message was created automatically by mail delivery software.\n\n\
                 A message that you sent could not be delivered to one or more of its\n\
                 recipients. This is a permanent error. The following address(es) failed:\n\n  \
                 marco.rossi@libero.it\n    host smtp-in.libero.it [192.0.2.25]\n    \
                 SMTP error from remote mail server after RCPT TO:<marco.rossi@libero.it>:\n    \
                 552 5.2.2 mailbox full\n\n\
                 ------ This is a copy of the message's headers. ------\n\n{}\n",
                quoted("r-3-marco")))
            .build(Label::GenuineBounce { of_case: "r-3-marco" }),
        // Postfix wording as plain text (some providers flatten the report), headers quoted.
        daemon("b-weber-postfix-plain", "2026-11-23T09:00:40Z", "Undelivered Mail Returned to Sender")
            .text(&format!(
                "This is the mail system at host mx.alphx.shop.\n\n\
                 I'm sorry to have to inform you that your message could not\nbe delivered to one or \
                 more recipients.\n\n<hannah.weber.1987@gmail.com>: host gmail-smtp-in.l.google.com[192.0.2.27]\n    \
                 said: 550-5.1.1 The email account that you tried to reach does not exist.\n\n\
                 ------ Original message headers ------\n\n{}\n",
                quoted("r-10-weber")))
            .build(Label::GenuineBounce { of_case: "r-10-weber" }),
        report_bounce(cases, "b-carmen-report-rfc822", "r-5-carmen", "2026-11-24T08:05:30Z", "5.7.1",
            "hotmail-com.olc.protection.outlook.com",
            "550 5.7.1 Service unavailable, Client host blocked using Spamhaus", false),
        // Same second as the reply it reports.
        report_bounce(cases, "b-emma-report-headers-same-second", "r-8-emma", "2026-11-25T12:30:00Z", "5.1.1",
            "mx1.telia.se", "550 5.1.1 <emma.johansson@telia.se>: Recipient address rejected: User unknown", true),
        // One second EARLIER than the reply: the report synced first.
        report_bounce(cases, "b-hannah-report-synced-first", "r-9-hannah", "2026-11-26T11:14:59Z", "5.1.1",
            "mx00.emig.gmx.net", "550 5.1.1 Requested action not taken: mailbox unavailable", false),
    ]
}

fn forged_bounces(cases: &[Case]) -> Vec<Case> {
    use Label::ForgedBounce as B;
    let customer_id =
        raw_header(&find(cases, "q-short-where").raw, "Message-ID").expect("Message-ID");
    let thread_id =
        raw_header(&find(cases, "q-fr-question-delai").raw, "Message-ID").expect("Message-ID");
    let fake_original = |msgid: &str, to: &str, extra: &str| {
        format!(
            "From: Tom from Alphx <hello@alphx.shop>\nTo: {to}\nSubject: Re: your order\n\
             Date: Tue, 24 Nov 2026 10:02:11 +0100\nMessage-ID: {msgid}\n{extra}MIME-Version: 1.0\n\
             Content-Type: text/plain; charset=utf-8\n"
        )
    };
    let report = |human: &str, to: &str, original: String, headers_only: bool| Body::Report {
        human: human.to_string(),
        status: format!(
            "Reporting-MTA: dns; mx.randomhost.example\n\nFinal-Recipient: rfc822; {to}\n\
             Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n"
        ),
        original,
        headers_only,
    };
    let mut v = vec![
        // Plain text from MAILER-DAEMON@random.example: names a customer, quotes nothing.
        mail("fb-plain-random-daemon", "2026-11-23T10:20:00Z")
            .from("", "MAILER-DAEMON@random.example")
            .top("Return-Path: <>")
            .subject("delivery failed")
            .text("Delivery to the following recipient failed permanently:\n\n    \
                   priya.sharma@gmail.com\n\nTechnical details: 550 user unknown\n")
            .build(B),
        // Plain text quoting headers with a Message-ID no ShopReply has.
        mail("fb-undelivered-reply-999", "2026-11-23T13:30:00Z")
            .from("Mail Delivery System", "MAILER-DAEMON@mail.hostingpro.example")
            .top("Return-Path: <>")
            .subject("Undelivered Mail Returned to Sender")
            .text(&format!(
                "This is the mail system at host mail.hostingpro.example.\n\nYour message could not \
                 be delivered to <liam.oconnor@outlook.com>.\n\n------ Original message headers ------\n\n{}",
                fake_original("<reply-999@alphx.shop>", "liam.oconnor@outlook.com", "")))
            .build(B),
        // No quoted headers, the body merely mentions the recipient.
        mail("fb-body-mentions-address", "2026-11-24T13:15:00Z")
            .from("Mail Delivery Subsystem", "no-reply@mail-delivery-notice.example")
            .subject("Undeliverable: message to chloe.nguyen@gmail.com")
            .text("Your message to chloe.nguyen@gmail.com could not be delivered. 3 messages are \
                   held on the server. Log in to release them.\n")
            .build(B),
        // Backscatter: a spammer used the shop's address; the remote MTA bounced to the shop.
        mail("fb-backscatter-spam", "2026-11-25T03:10:00Z")
            .from("Mail Delivery Subsystem", "mailer-daemon@mx.backscatter.example")
            .top("Return-Path: <>")
            .subject("Delivery Status Notification (Failure)")
            .text(&format!(
                "Your message wasn't delivered to anna.kovacs@freemail.example because the address \
                 couldn't be found.\n\n----- Original message -----\n\n{}\nBuy cheap watches now!\n",
                fake_original("<20261125031002.77ab@alphx.shop>", "anna.kovacs@freemail.example", "")))
            .build(B),
    ];
    let reports: Vec<(&'static str, &'static str, &str, &str, String, bool)> = vec![
        // A multipart/report quoting a Message-ID the shop never sent.
        (
            "fb-report-reply-998",
            "2026-11-24T17:05:00Z",
            "postmaster@mx.randomhost.example",
            "hannah.becker@gmx.net",
            fake_original("<reply-998@alphx.shop>", "hannah.becker@gmx.net", ""),
            false,
        ),
        // Quotes the CUSTOMER's own Message-ID (not one the shop sent).
        (
            "fb-report-customer-msgid",
            "2026-11-25T15:40:00Z",
            "MAILER-DAEMON@bounce.randomhost.example",
            "yusuf.demir@gmail.com",
            fake_original(&customer_id, "yusuf.demir@gmail.com", ""),
            true,
        ),
        // Quotes the SPOOFED reply's Message-ID (it was never sent by the shop).
        (
            "fb-report-spoofed-reply-id",
            "2026-11-25T16:45:00Z",
            "MAILER-DAEMON@relay.randomhost.example",
            "liam.oconnor@outlook.com",
            fake_original("<spoof-1@alphx.shop>", "liam.oconnor@outlook.com", ""),
            false,
        ),
        // Its In-Reply-To/References name a real customer case; its Message-ID is not the shop's.
        (
            "fb-report-in-reply-to-real-case",
            "2026-11-26T10:50:00Z",
            "MAILER-DAEMON@mx2.randomhost.example",
            "camille.leroy@gmail.com",
            fake_original(
                "<reply-997@alphx.shop>",
                "camille.leroy@gmail.com",
                &format!("In-Reply-To: {thread_id}\nReferences: {thread_id}\n"),
            ),
            true,
        ),
        // Near miss: <reply-1@alphx-shop.example> is not <reply-1@alphx.shop>.
        (
            "fb-report-near-miss-id",
            "2026-11-27T14:05:00Z",
            "MAILER-DAEMON@mx.lookalike-host.example",
            "priya.sharma@gmail.com",
            fake_original("<reply-1@alphx-shop.example>", "priya.sharma@gmail.com", ""),
            false,
        ),
    ];
    for (name, at, from, to, original, headers_only) in reports {
        let mut m = mail(name, at)
            .from("Mail Delivery System", from)
            .top("Return-Path: <>")
            .header("Auto-Submitted: auto-replied")
            .subject("Undelivered Mail Returned to Sender");
        m.body = report(
            &format!("This is the mail system at host {}.\n\nYour message to <{to}> could not be delivered.\n", domain_of(from)),
            to,
            original,
            headers_only,
        );
        v.push(m.build(B));
    }
    v
}
