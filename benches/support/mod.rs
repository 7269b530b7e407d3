//! A realistic shop mailbox written straight through the store API, shared by the criterion
//! benches (`benches/*.rs`) and the scale examples (`examples/gen_store.rs`,
//! `examples/store_scale.rs`, which include this file with `#[path]`).
//!
//! Why generated and not copied from a real shop: the benchmark must run anywhere, with no
//! private mail. The shape follows a small web shop's mailbox over three years:
//! conversations of one to six messages between a customer and the shop (order numbers,
//! returns, delivery questions; replies quote the message before), newsletters, pitches and
//! auto-replies that are not customers, a handful of recent conversations still waiting for
//! a reply and a few old ones that were forgotten. Customer mail is in INBOX, the shop's own
//! replies in Sent, as after a sync. Bodies are 1–3 KB; some mail is HTML-only, some
//! multipart/alternative, some carries a small attachment; names use RFC 2047 encoded words.
//!
//! Everything is a pure function of (seed, thread, message), so the same seed always gives the
//! same store, and a message's body can be regenerated to quote it in the reply after it.

#![allow(dead_code)] // each bench/example uses a different part

use chrono::{DateTime, Duration, TimeZone, Utc};
use shopinbox::config::Config;
use shopinbox::mail::parse::parse_message;
use shopinbox::store::{Location, MailboxState, NewMessage, ShopContext, Store, StoreError};
use std::path::Path;

/// The shop's addresses in every generated store (and in `config_toml`).
pub const SHOP_ADDRESSES: [&str; 2] = ["hello@shop.example", "sam@shop.example"];
/// The fixed "now" of the scale benchmarks: a Tuesday morning in Berlin.
pub const NOW_RFC3339: &str = "2026-11-24T10:00:00+01:00";
/// UIDVALIDITY of the generated INBOX and Sent.
pub const UIDVALIDITY: u32 = 1;

/// The config text the generated stores are made with (shop, hours and store path). The
/// store caches conversation state computed with this calendar and these addresses, so a
/// store must be opened with the same settings or it recomputes everything on open.
pub fn config_toml(store_path: &Path) -> String {
    format!(
        "[shop]\nname = \"Bench Shop\"\nowner_name = \"Sam\"\naddresses = [\"{}\", \"{}\"]\n\n\
         [hours]\ntime_zone = \"Europe/Berlin\"\n\n[store]\npath = \"{}\"\n",
        SHOP_ADDRESSES[0],
        SHOP_ADDRESSES[1],
        store_path.display()
    )
}

/// The shop context of a config (what `shopinbox` itself builds from it), read at the bench's
/// fixed time so that runs on different days measure the same work.
pub fn context_of(config: &Config) -> ShopContext {
    config.shop_context(shopinbox::clock::Clock::fixed(now()))
}

/// The bench's own shop context, from [`config_toml`].
pub fn shop_context() -> ShopContext {
    let path = Path::new("/nonexistent/bench.db");
    match Config::parse(&config_toml(path), Path::new("bench-config.toml")) {
        Ok(c) => context_of(&c),
        // The text is a constant of this file: a failure is a bug here, not outside input.
        Err(e) => panic!("the bench config does not parse: {e}"),
    }
}

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW_RFC3339)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc.timestamp_opt(1_795_510_800, 0).unwrap())
}

/// What a generated store holds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub messages: usize,
    pub threads: usize,
    pub bytes: u64,
}

/// How many messages go into one `ingest` call (one transaction), as a sync batch would.
pub const BATCH: usize = 500;

/// Writes about `messages` messages into `store` (exactly that many), oldest first, calling
/// `progress(done)` after each batch.
pub fn generate(
    store: &mut Store,
    messages: usize,
    seed: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize),
) -> Result<Summary, StoreError> {
    let threads = plan_threads(messages, seed, now);
    let mut events: Vec<(i64, u32, u8)> = threads
        .iter()
        .enumerate()
        .flat_map(|(t, th)| {
            (0..th.len).map(move |k| (th.times[k as usize].timestamp(), t as u32, k))
        })
        .collect();
    events.sort_unstable();
    events.truncate(messages);

    let mut uid_inbox = 0u32;
    let mut uid_sent = 0u32;
    let mut summary = Summary {
        threads: threads.len(),
        ..Summary::default()
    };
    let mut batch = Vec::with_capacity(BATCH);
    for (i, &(_, t, k)) in events.iter().enumerate() {
        let th = &threads[t as usize];
        let raw = render(th, t, k, seed);
        let from_shop = th.is_shop_message(k);
        let (mailbox, uid) = if from_shop {
            uid_sent += 1;
            ("Sent", uid_sent)
        } else {
            uid_inbox += 1;
            ("INBOX", uid_inbox)
        };
        let mut flags = vec!["\\Seen".to_string()];
        if !from_shop && th.answered_flag && k + 1 == th.len {
            flags.push("\\Answered".to_string());
        }
        summary.bytes += raw.len() as u64;
        let parsed = parse_message(&raw);
        batch.push(NewMessage {
            location: Location::new(mailbox, UIDVALIDITY, uid),
            parsed,
            raw,
            received_at: th.times[k as usize],
            flags,
        });
        if batch.len() == BATCH || i + 1 == events.len() {
            let state = MailboxState {
                mailbox: "INBOX".to_string(),
                uidvalidity: UIDVALIDITY,
                highest_uid: uid_inbox,
                highestmodseq: None,
                last_sync: Some(now),
            };
            store.ingest(std::mem::take(&mut batch), Some(&state))?;
            progress(i + 1);
        }
        summary.messages += 1;
    }
    store.set_mailbox_state(&MailboxState {
        mailbox: "Sent".to_string(),
        uidvalidity: UIDVALIDITY,
        highest_uid: uid_sent,
        highestmodseq: None,
        last_sync: Some(now),
    })?;
    Ok(summary)
}

/// The kind of correspondent a thread is with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A customer writing about an order; the shop answers.
    Customer,
    /// A newsletter or shipping-platform notice (List-Unsubscribe / Precedence: bulk).
    Bulk,
    /// An SEO/app/influencer pitch (not a customer once marked; here just a sender).
    Pitch,
    /// An auto-reply (Auto-Submitted).
    AutoReply,
}

#[derive(Debug, Clone)]
struct Thread {
    kind: Kind,
    customer: u32,
    topic: u16,
    order: u32,
    len: u8,
    /// The last customer message is left unanswered (needs reply).
    pending: bool,
    /// Answered from another client: the last customer message carries `\Answered`.
    answered_flag: bool,
    times: Vec<DateTime<Utc>>,
    mime: u8,
}

impl Thread {
    /// Customer threads alternate customer, shop, customer, …; the last message of a pending
    /// thread is the customer's.
    fn is_shop_message(&self, k: u8) -> bool {
        self.kind == Kind::Customer && k % 2 == 1
    }
}

fn plan_threads(messages: usize, seed: u64, now: DateTime<Utc>) -> Vec<Thread> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let span_days = 3 * 365;
    let customers = (messages / 4).max(10) as u32;
    let mut out = Vec::new();
    let mut total = 0usize;
    while total < messages {
        let roll = rng.u32(0..100);
        let kind = match roll {
            0..=69 => Kind::Customer,
            70..=86 => Kind::Bulk,
            87..=95 => Kind::Pitch,
            _ => Kind::AutoReply,
        };
        // Recent mail is denser (the shop grew); the newest week is where open work is.
        let age_days = (rng.f64().powf(1.6) * span_days as f64) as i64;
        let start = now
            - Duration::days(age_days)
            - Duration::minutes(rng.i64(0..24 * 60))
            - Duration::minutes(30);
        let recent = age_days < 7;
        let (len, pending) = match kind {
            Kind::Customer => {
                let pending = if recent {
                    rng.u32(0..100) < 45
                } else {
                    rng.u32(0..1000) < 8
                };
                // Pairs of customer + shop, then one more customer message if pending.
                let pairs = [1u8, 1, 1, 1, 2, 2, 2, 3][rng.usize(0..8)];
                (pairs * 2 + u8::from(pending), pending)
            }
            Kind::Pitch => ([1u8, 1, 2][rng.usize(0..3)], false),
            _ => (1, false),
        };
        let mut times = Vec::with_capacity(len as usize);
        let mut at = start;
        for _ in 0..len {
            times.push(at.min(now - Duration::minutes(1)));
            at += Duration::minutes(rng.i64(20..(36 * 60)));
        }
        out.push(Thread {
            kind,
            customer: rng.u32(0..customers),
            topic: rng.u16(..),
            order: 10_000 + rng.u32(0..90_000),
            len,
            pending,
            answered_flag: kind == Kind::Customer && !pending && rng.u32(0..100) < 5,
            times,
            mime: rng.u8(0..100),
        });
        total += len as usize;
    }
    out
}

const FIRST: [&str; 32] = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannah",
    "Ivan",
    "Julia",
    "Karl",
    "Lena",
    "Marco",
    "Nina",
    "Oskar",
    "Paula",
    "Quentin",
    "Rosa",
    "Stefan",
    "Tanja",
    "Ute",
    "Viktor",
    "Wiebke",
    "Yusuf",
    "Zoë",
    "José",
    "Søren",
    "Łukasz",
    "Михаил",
    "Ayşe",
    "François",
    "Renée",
];
const LAST: [&str; 24] = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
    "García",
    "Rossi",
    "Nguyen",
    "O'Brien",
    "Kowalski",
    "Dubois",
    "Andersson",
    "Öztürk",
    "Silva",
    "Clarke",
    "Tanaka",
    "Jensen",
];
const DOMAINS: [&str; 8] = [
    "gmail.example",
    "web.example",
    "gmx.example",
    "posteo.example",
    "outlook.example",
    "t-online.example",
    "mailbox.example",
    "icloud.example",
];
const PRODUCTS: [&str; 16] = [
    "ceramic mug",
    "linen apron",
    "leather wallet",
    "oak cutting board",
    "espresso cups",
    "wool blanket",
    "tea set",
    "bread knife",
    "salad bowl",
    "candle holder",
    "notebook",
    "card holder",
    "tote bag",
    "plant pot",
    "serving tray",
    "gift box",
];
const TOPICS: [&str; 14] = [
    "Where is my order #{o}?",
    "Order #{o} arrived damaged",
    "Return for order #{o}",
    "Question about the {p}",
    "Change delivery address for #{o}",
    "Cancel order #{o}",
    "Invoice for order #{o}",
    "Is the {p} dishwasher safe?",
    "Wholesale enquiry: {p}",
    "Gift wrapping for #{o}",
    "Shipping to Switzerland",
    "Wrong colour in order #{o}",
    "Refund still missing for #{o}",
    "Restock of the {p}?",
];
const CUSTOMER_LINES: [&str; 12] = [
    "I ordered the {p} last week and the tracking page has not moved since Monday.",
    "The parcel arrived today but the {p} was broken, the box was crushed on one side.",
    "Could you tell me whether the {p} is still available in the larger size?",
    "I would like to return the {p}, it does not match the photos on the website.",
    "Please send the invoice again, the PDF in the confirmation mail does not open.",
    "We are moving next week, can you ship order #{o} to my office address instead?",
    "My mother loved the {p}, is there a matching set I could order for Christmas?",
    "The refund for order #{o} has not reached my account yet, it has been two weeks.",
    "Is it possible to add gift wrapping and a short card to the order?",
    "The colour of the {p} looks different from the picture, is that normal?",
    "Do you ship to Switzerland and how much would customs cost for the {p}?",
    "Thank you for the quick answer, that helps a lot.",
];
const SHOP_LINES: [&str; 10] = [
    "thank you for your message and sorry for the trouble with order #{o}.",
    "I checked with the carrier: the parcel is in the regional depot and should arrive tomorrow.",
    "we will send a replacement {p} today, there is no need to send the broken one back.",
    "the return label is attached; once the parcel is scanned we refund within three days.",
    "the {p} is dishwasher safe, but hand washing keeps the glaze bright for longer.",
    "I have changed the delivery address, you will get a new tracking link this afternoon.",
    "the refund was issued on Friday, banks usually need two to four working days.",
    "yes, we ship to Switzerland; customs are usually around eight percent of the value.",
    "we restock the {p} at the end of the month, I can reserve one for you.",
    "gift wrapping is free for orders over 40 euros, I added a card with your text.",
];
/// Sentences the body is padded with, picked at random, so that a word is common without
/// being in every message (as in real mail: "order" is everywhere, "linseed" is rare).
const FILLER: [&str; 40] = [
    "We make every piece in our small workshop and pack each order by hand.",
    "Your feedback really matters to us, so thank you for taking the time to write.",
    "The glaze is food safe and lead free, tested by an independent lab.",
    "The wood is oiled with linseed oil; a little oil twice a year keeps it from drying out.",
    "All parcels are shipped climate neutral with tracking, usually within two working days.",
    "The workshop shop is open Tuesday to Saturday from ten to six.",
    "If anything is not as expected, just reply to this mail and we will find a solution.",
    "My neighbour recommended your shop after she bought a set of bowls last spring.",
    "The packaging was lovely, no plastic at all, which I really appreciate.",
    "I paid with PayPal and received the confirmation right away.",
    "The courier left a note that he could not deliver because nobody was home.",
    "I was at work all day, could the parcel be left with a neighbour next time?",
    "We are planning a wedding in June and would like to order thirty small cups as gifts.",
    "Could you engrave initials on the handle, and how long would that take?",
    "The size guide on the website says twelve centimetres, but mine is closer to ten.",
    "The discount code from the newsletter did not work at checkout.",
    "I noticed a small crack near the rim when I unpacked it this morning.",
    "The stitching on the strap came loose after a few weeks of daily use.",
    "Is the leather vegetable tanned, and does it darken with time?",
    "My sister lives in Vienna, can I send the gift directly to her address?",
    "Our café would like to stock a few of your pieces, do you offer trade prices?",
    "We only use the bank transfer details printed on the invoice, never a new account.",
    "The parcel service reported a delay at the sorting centre because of the storm.",
    "Returns are free within thirty days, the label is in the parcel.",
    "Every item is unique, small differences in colour are part of the handmade process.",
    "We are closed between Christmas and New Year and answer all mail in January.",
    "The matching saucers will be back in stock at the end of next month.",
    "I attached a photo of the damage so you can see what I mean.",
    "Please let me know if you need the order confirmation or the receipt.",
    "I am a little disappointed because it was meant as a birthday present.",
    "Thanks again for the friendly service, I will certainly order again.",
    "The colours on my screen looked warmer than the real thing.",
    "Do you have a physical store where I could see the collection in person?",
    "We ship with DHL within Germany and with the postal service abroad.",
    "Customs fees for Switzerland and Norway are paid by the recipient.",
    "The refund goes back to the original payment method within a few days.",
    "The mug keeps the coffee warm for a long time, I love it.",
    "Could you split the order into two parcels to different addresses?",
    "Is there a way to change the colour after the order has been placed?",
    "We test every batch in our kiln twice before it leaves the workshop.",
];

fn customer_name(c: u32) -> (String, String) {
    let first = FIRST[(c as usize * 7 + 3) % FIRST.len()];
    let last = LAST[(c as usize * 13 + 5) % LAST.len()];
    let local: String = format!("{first}.{last}{}", c % 100)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    let domain = DOMAINS[c as usize % DOMAINS.len()];
    (format!("{first} {last}"), format!("{local}.{c}@{domain}"))
}

/// An address header value, the name as an RFC 2047 encoded word when it is not ASCII.
fn mailbox_header(name: &str, addr: &str) -> String {
    if name.is_ascii() {
        if name.contains('\'') {
            format!("\"{name}\" <{addr}>")
        } else {
            format!("{name} <{addr}>")
        }
    } else {
        format!("=?utf-8?b?{}?= <{addr}>", b64(name.as_bytes()))
    }
}

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn fill(template: &str, th: &Thread) -> String {
    template
        .replace("{o}", &th.order.to_string())
        .replace("{p}", PRODUCTS[th.topic as usize % PRODUCTS.len()])
}

fn message_id(t: u32, k: u8, seed: u64) -> String {
    format!("{t}.{k}.{seed:x}@bench.example")
}

/// The readable text of message `k` of thread `t` (1–3 KB), without quotes.
fn body_text(th: &Thread, t: u32, k: u8, seed: u64) -> String {
    let mut rng = fastrand::Rng::with_seed(seed ^ (u64::from(t) << 8) ^ u64::from(k));
    let target = rng.usize(1000..3000);
    let (name, _) = customer_name(th.customer);
    let first = name.split(' ').next().unwrap_or("");
    let mut s = String::with_capacity(target + 200);
    match th.kind {
        Kind::Customer if th.is_shop_message(k) => {
            s.push_str(&format!("Hello {first},\n\n"));
            s.push_str(&fill(SHOP_LINES[rng.usize(..SHOP_LINES.len())], th));
            s.push_str("\n\n");
        }
        Kind::Customer => {
            s.push_str("Hello,\n\n");
            s.push_str(&fill(CUSTOMER_LINES[rng.usize(..CUSTOMER_LINES.len())], th));
            s.push_str(" Order number is ");
            s.push_str(&th.order.to_string());
            s.push_str(".\n\n");
        }
        Kind::Bulk => {
            s.push_str("This week in our marketplace newsletter: new sellers, fees and tips.\n\n")
        }
        Kind::Pitch => s.push_str(
            "Hi there, I came across your store and noticed your website \
            is not ranking on the first page for ceramics. Our SEO agency can fix that.\n\n",
        ),
        Kind::AutoReply => {
            s.push_str("I am out of the office until Monday with limited access to email.\n\n")
        }
    }
    while s.len() < target {
        let paragraph = rng.usize(2..5);
        for _ in 0..paragraph {
            s.push_str(FILLER[rng.usize(..FILLER.len())]);
            s.push(' ');
        }
        s.pop();
        s.push_str("\n\n");
    }
    if th.kind == Kind::Customer && th.is_shop_message(k) {
        s.push_str(
            "\nBest wishes,\nSam\n-- \nBench Shop – hand-made ceramics\nhttps://shop.example\n",
        );
    } else if th.kind == Kind::Customer {
        s.push_str(&format!("\nThanks,\n{name}\n"));
    }
    s
}

/// The raw RFC 5322 bytes (CRLF) of message `k` of thread `t`.
fn render(th: &Thread, t: u32, k: u8, seed: u64) -> Vec<u8> {
    let (name, addr) = customer_name(th.customer);
    let from_shop = th.is_shop_message(k);
    let (from, to) = match th.kind {
        Kind::Customer if from_shop => (
            mailbox_header("Sam from Bench Shop", SHOP_ADDRESSES[1]),
            mailbox_header(&name, &addr),
        ),
        Kind::Customer => (
            mailbox_header(&name, &addr),
            mailbox_header("Bench Shop", SHOP_ADDRESSES[0]),
        ),
        Kind::Bulk => (
            format!(
                "Marketplace News <news{}@marketplace.example>",
                th.topic % 5
            ),
            SHOP_ADDRESSES[0].to_string(),
        ),
        Kind::Pitch => (
            mailbox_header(
                &name,
                &format!("growth{}@seo-agency.example", th.customer % 50),
            ),
            SHOP_ADDRESSES[0].to_string(),
        ),
        Kind::AutoReply => (mailbox_header(&name, &addr), SHOP_ADDRESSES[1].to_string()),
    };
    let base_subject = match th.kind {
        Kind::Customer => fill(TOPICS[th.topic as usize % TOPICS.len()], th),
        Kind::Bulk => format!("Seller newsletter #{}", th.order % 500),
        Kind::Pitch => "Quick question about your website".to_string(),
        Kind::AutoReply => "Automatic reply: your order".to_string(),
    };
    let subject = if k == 0 {
        base_subject
    } else {
        format!("Re: {base_subject}")
    };
    let date = th.times[k as usize];
    let mut h = String::with_capacity(4096);
    h.push_str(&format!(
        "Received: from mx.shop.example by imap.shop.example; {}\r\n",
        date.to_rfc2822()
    ));
    h.push_str(&format!("From: {from}\r\nTo: {to}\r\n"));
    if subject.is_ascii() {
        h.push_str(&format!("Subject: {subject}\r\n"));
    } else {
        h.push_str(&format!(
            "Subject: =?utf-8?b?{}?=\r\n",
            b64(subject.as_bytes())
        ));
    }
    h.push_str(&format!(
        "Date: {}\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\n",
        date.to_rfc2822(),
        message_id(t, k, seed)
    ));
    if k > 0 {
        let parent = message_id(t, k - 1, seed);
        let refs: Vec<String> = (0..k)
            .map(|j| format!("<{}>", message_id(t, j, seed)))
            .collect();
        h.push_str(&format!(
            "In-Reply-To: <{parent}>\r\nReferences: {}\r\n",
            refs.join(" ")
        ));
    }
    match th.kind {
        Kind::Bulk => h.push_str(
            "List-Id: <news.marketplace.example>\r\nList-Unsubscribe: <mailto:leave@marketplace.example>\r\nPrecedence: bulk\r\n",
        ),
        Kind::AutoReply => h.push_str("Auto-Submitted: auto-replied\r\n"),
        _ => {}
    }

    let mut text = body_text(th, t, k, seed);
    if k > 0 {
        // Replies quote the message before, like every mail client does.
        let prev = body_text(th, t, k - 1, seed);
        text.push_str(&format!(
            "\nOn {} someone wrote:\n",
            th.times[k as usize - 1].to_rfc2822()
        ));
        for line in prev.lines().take(12) {
            text.push_str("> ");
            text.push_str(line);
            text.push('\n');
        }
    }
    let text = text.replace('\n', "\r\n");
    let boundary = format!("=_bench_{t}_{k}");
    let body = match th.mime {
        0..=69 => {
            h.push_str(
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
            );
            text
        }
        70..=79 => {
            h.push_str(
                "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
            );
            to_html(&text)
        }
        80..=94 => {
            h.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n"
            ));
            format!(
                "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n\
                 --{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n--{boundary}--\r\n",
                to_html(&text)
            )
        }
        _ => {
            h.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n"
            ));
            let mut rng = fastrand::Rng::with_seed(seed ^ u64::from(t));
            let photo: Vec<u8> = (0..rng.usize(600..1500)).map(|_| rng.u8(..)).collect();
            let data = b64(&photo);
            let lines: Vec<&str> = data
                .as_bytes()
                .chunks(76)
                .map(|c| std::str::from_utf8(c).unwrap_or(""))
                .collect();
            format!(
                "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n\
                 --{boundary}\r\nContent-Type: image/jpeg; name=\"=?utf-8?q?Foto_Sch=C3=A4den.jpg?=\"\r\n\
                 Content-Disposition: attachment; filename*=utf-8''Foto%20Sch%C3%A4den.jpg\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--{boundary}--\r\n",
                lines.join("\r\n")
            )
        }
    };
    h.push_str("\r\n");
    h.push_str(&body);
    h.into_bytes()
}

fn to_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let paras: Vec<String> = escaped
        .split("\r\n\r\n")
        .map(|p| {
            format!(
                "<p style=\"margin:0 0 12px\">{}</p>",
                p.replace("\r\n", "<br>")
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><div>{}</div></body></html>",
        paras.join("\r\n")
    )
}

/// One typical customer message (multipart/alternative, ~2 KB, quoting the one before) for
/// the parser bench.
pub fn typical_message() -> Vec<u8> {
    let now = now();
    let th = Thread {
        kind: Kind::Customer,
        customer: 42,
        topic: 3,
        order: 48213,
        len: 3,
        pending: true,
        answered_flag: false,
        times: vec![
            now - Duration::hours(30),
            now - Duration::hours(20),
            now - Duration::hours(2),
        ],
        mime: 85,
    };
    render(&th, 7, 2, 1)
}

/// About fifty queries an owner types: names, order numbers, products, common and rare words,
/// prefixes while typing, several words, non-ASCII and nothing-found.
pub fn search_queries() -> Vec<String> {
    let mut q: Vec<String> = [
        "refund",
        "broken",
        "damaged",
        "tracking",
        "invoice",
        "Switzerland",
        "customs",
        "gift wrap",
        "dishwasher safe",
        "return label",
        "delivery address",
        "replacement",
        "ceramic mug",
        "linen apron",
        "leather wallet",
        "oak",
        "espresso",
        "wool blanket",
        "tea set",
        "Müller",
        "García",
        "Øztürk",
        "Renée",
        "Łukasz",
        "Михаил",
        "schmidt",
        "anna",
        "felix",
        "ref",
        "dam",
        "tr",
        "shi",
        "mug",
        "new sellers newsletter",
        "seo agency",
        "out of the office",
        "photos",
        "Foto",
        "colour",
        "restock",
        "reserve",
        "workshop",
        "xylophone",
        "nonexistentword",
        "order",
        "thank you",
        "parcel crushed",
        "two weeks",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    q.extend(["10234", "48213", "#5550"].iter().map(|s| s.to_string()));
    q
}
