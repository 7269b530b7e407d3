//! The built-in demo shop: "Alphx", a one-person studio selling handmade ceramics.
//!
//! `shopinbox demo` must show what the inbox looks like on a real working day without a mail
//! account, so the sample mail below is ordinary RFC 5322 text (embedded in the binary) and
//! goes through exactly the path synced mail takes: [`crate::mail::parse::parse_message`],
//! then [`Store::ingest`] into folders "INBOX" and "Sent" with uids, flags and a sync state.
//! Nothing in the store is special-cased for the demo; if the demo looks right, the real
//! pipeline works.
//!
//! Arrival times are not fixed: every sample says what it should look like ("overdue",
//! "due soon", "fresh", "answered", …) and [`plan`] finds an arrival time relative to `now`
//! that produces that state under the demo's business calendar, whatever weekday or hour the
//! demo is started. The Date: headers are rewritten to match, so the mail reads consistently.

pub mod templates;

use crate::clock::Clock;
use crate::config::Config;
use crate::deadline::{self, Calendar};
use crate::mail::parse::parse_message;
use crate::store::{Location, MailboxState, NewMessage, RuleKind, ShopContext, Store, StoreError};
use chrono::{DateTime, Duration, Offset, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// File name of the demo's SQLite store inside the demo folder.
pub const DEMO_STORE_FILE: &str = "shopinbox-demo.sqlite3";
/// The demo folders look like a synced IMAP account with this UIDVALIDITY.
pub const DEMO_UIDVALIDITY: u32 = 1;
pub const INBOX: &str = "INBOX";
pub const SENT: &str = "Sent";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot create the demo folder {path}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot {action} in the demo store")]
    Store {
        action: &'static str,
        #[source]
        source: StoreError,
    },
    /// A step of the demo's outreach (issue 27) failed.
    #[error("cannot {0} in the demo store")]
    Step(&'static str),
    /// A sample's arrival refers to a sample that is not listed before it (a bug in the
    /// manifest; unit-tested so it never ships).
    #[error("cannot place demo message {sample}: it refers to unknown sample {missing}")]
    UnknownSample {
        sample: &'static str,
        missing: &'static str,
    },
}

/// Which folder of the demo account a sample lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Inbox,
    Sent,
}

impl Folder {
    pub fn mailbox(self) -> &'static str {
        match self {
            Folder::Inbox => INBOX,
            Folder::Sent => SENT,
        }
    }
}

/// What the owner should see for a sample's conversation when the demo opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Waiting for a reply and past its deadline.
    Overdue,
    /// Waiting and within the due-soon window when `now` allows it (only possible in the
    /// last `due_soon` before a close); otherwise it arrives a little earlier and is fresh.
    DueSoon,
    /// Waiting, arrived recently, not overdue.
    Fresh,
    /// A customer message the shop has answered (by a reply in Sent or the `\Answered` flag).
    Answered,
    /// The shop's own mail (in Sent).
    Shop,
    /// Pitches, newsletters, auto-replies, bounces: kept out of the deadline views.
    NotCustomer,
}

/// How a sample's arrival time is found (see [`plan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// About `minutes_ago` before now, moved earlier until its deadline has passed.
    Overdue { minutes_ago: i64 },
    /// Inside the due-soon window if `now` is within it of a close, else `fallback_minutes_ago`
    /// (placed like [`Arrival::Fresh`]).
    DueSoon { fallback_minutes_ago: i64 },
    /// `minutes_ago` before now, but never so early that it is already overdue: if a close
    /// passed in between, it arrives just after that close instead.
    Fresh { minutes_ago: i64 },
    /// Exactly `minutes_ago` before now (state irrelevant: answered or not a customer).
    Ago { minutes_ago: i64 },
    /// `minutes` before another (earlier listed) sample.
    Before { sample: &'static str, minutes: i64 },
    /// `minutes` after another (earlier listed) sample, but never later than now.
    After { sample: &'static str, minutes: i64 },
}

/// One embedded message and how it is placed in the demo account.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// The file name under `src/demo/messages/`.
    pub name: &'static str,
    pub raw: &'static str,
    pub folder: Folder,
    /// IMAP flags as the server would report them.
    pub flags: &'static [&'static str],
    pub arrival: Arrival,
    pub intent: Intent,
    /// Deliberately broken (the parser must store it anyway, with a problem noted).
    pub malformed: bool,
}

/// A sample with its concrete arrival time for one `now`.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub sample: &'static Sample,
    pub received_at: DateTime<Utc>,
}

const SEEN: &[&str] = &["\\Seen"];
const UNSEEN: &[&str] = &[];
const SEEN_ANSWERED: &[&str] = &["\\Seen", "\\Answered"];

const H: i64 = 60;
const D: i64 = 24 * H;

macro_rules! sample {
    ($file:literal => $folder:ident, $flags:expr, $arrival:expr, $intent:ident) => {
        sample!($file => $folder, $flags, $arrival, $intent, false)
    };
    ($file:literal => $folder:ident, $flags:expr, $arrival:expr, $intent:ident, $malformed:expr) => {
        Sample {
            name: $file,
            raw: include_str!(concat!("messages/", $file)),
            folder: Folder::$folder,
            flags: $flags,
            arrival: $arrival,
            intent: Intent::$intent,
            malformed: $malformed,
        }
    };
}

const fn overdue(minutes_ago: i64) -> Arrival {
    Arrival::Overdue { minutes_ago }
}
const fn fresh(minutes_ago: i64) -> Arrival {
    Arrival::Fresh { minutes_ago }
}
const fn ago(minutes_ago: i64) -> Arrival {
    Arrival::Ago { minutes_ago }
}
const fn before(sample: &'static str, minutes: i64) -> Arrival {
    Arrival::Before { sample, minutes }
}
const fn after(sample: &'static str, minutes: i64) -> Arrival {
    Arrival::After { sample, minutes }
}
const MALFORMED: bool = true;

/// The demo mailbox. Order matters only for `Before`/`After`, which refer to earlier entries;
/// uids are assigned by arrival time.
#[rustfmt::skip]
pub static SAMPLES: &[Sample] = &[
    // Overdue customer mail: the morning's fires.
    sample!("07-angry-customer.eml" => Inbox, SEEN, overdue(50 * H + 7), Overdue),
    sample!("01-missing-package.eml" => Inbox, SEEN, overdue(30 * H + 22), Overdue),
    sample!("06-shipping-delay.eml" => Inbox, SEEN, overdue(27 * H + 41), Overdue),
    sample!("02-duplicate-order.eml" => Inbox, SEEN, overdue(21 * H + 3), Overdue),
    // Jane's two identical Shopify orders, 20 minutes apart, before her mail about them: one
    // "Possible duplicate order #1047 / #1048" item that her mail joins.
    sample!("29-order-1047.eml" => Inbox, SEEN, before("02-duplicate-order.eml", 45), NotCustomer),
    sample!("30-order-1048.eml" => Inbox, SEEN, before("02-duplicate-order.eml", 25), NotCustomer),
    sample!("05-cancel-after-shipping.eml" => Inbox, UNSEEN, overdue(6 * H + 41), Overdue),
    // Due soon (when the clock allows), then fresh mail.
    sample!("03-return.eml" => Inbox, UNSEEN, Arrival::DueSoon { fallback_minutes_ago: 50 }, DueSoon),
    sample!("08-negative-review.eml" => Inbox, SEEN, fresh(4 * H + 10), Fresh),
    sample!("26-malformed-attachment.eml" => Inbox, UNSEEN, fresh(95), Fresh, MALFORMED),
    sample!("15-wholesale-cafe.eml" => Inbox, UNSEEN, fresh(70), Fresh),
    sample!("25-hostile-escape-sequences.eml" => Inbox, UNSEEN, fresh(27), Fresh),
    sample!("04-cancel-before-shipping.eml" => Inbox, UNSEEN, fresh(15), Fresh),
    sample!("16-dishwasher-question.eml" => Inbox, UNSEEN, fresh(8), Fresh),
    sample!("27-change-address.eml" => Inbox, UNSEEN, fresh(3), Fresh),
    // A customer who wrote again in a thread the shop had answered: placed backwards from the
    // newest message so the order (question, reply, follow-up) holds for any `now`.
    sample!("11-chipped-bowl-followup.eml" => Inbox, UNSEEN, fresh(2 * H + 20), Fresh),
    sample!("10-chipped-bowl-shop-reply.eml" => Sent, SEEN,
            before("11-chipped-bowl-followup.eml", 26 * H + 12), Shop),
    sample!("09-chipped-bowl.eml" => Inbox, SEEN_ANSWERED,
            before("10-chipped-bowl-shop-reply.eml", 3 * H + 24), Answered),
    // Answered by a reply in Sent, and answered from the phone (only the flag tells).
    sample!("12-ship-to-switzerland.eml" => Inbox, SEEN_ANSWERED, ago(26 * H + 15), Answered),
    sample!("13-ship-to-switzerland-reply.eml" => Sent, SEEN,
            after("12-ship-to-switzerland.eml", 93), Shop),
    sample!("14-gift-wrap-answered-flag.eml" => Inbox, SEEN_ANSWERED, ago(5 * H + 40), Answered),
    // Not customers: pitches (some only recognisable by the owner's rules), a newsletter, an
    // out-of-office reply to the shop's shipping notice, and a bounce.
    sample!("18-influencer-collab.eml" => Inbox, SEEN, ago(44 * H + 30), NotCustomer),
    sample!("17-seo-pitch.eml" => Inbox, SEEN, ago(31 * H + 5), NotCustomer),
    sample!("20-seo-followup.eml" => Inbox, UNSEEN, after("17-seo-pitch.eml", 26 * H + 40), NotCustomer),
    sample!("22-newsletter.eml" => Inbox, UNSEEN, ago(12 * H), NotCustomer),
    sample!("19-dropship-supplier.eml" => Inbox, UNSEEN, ago(9 * H + 12), NotCustomer),
    sample!("21-app-pitch.eml" => Inbox, UNSEEN, ago(7 * H + 20), NotCustomer),
    sample!("28-shipping-notice-sent.eml" => Sent, SEEN, ago(3 * H + 5), Shop),
    sample!("23-out-of-office.eml" => Inbox, UNSEEN, after("28-shipping-notice-sent.eml", 1), NotCustomer),
    // The shop answered Sarah's contact-form message, but she had mistyped her address: the
    // reply bounced, and the bounce brings the conversation back into Needs reply.
    sample!("24-bounce.eml" => Inbox, UNSEEN, fresh(2 * H + 12), Fresh),
    sample!("32-gift-message-reply.eml" => Sent, SEEN, before("24-bounce.eml", 1), Shop),
    sample!("31-gift-message.eml" => Inbox, SEEN, before("32-gift-message-reply.eml", 95), Answered),
    // Customers who wrote before, weeks and months ago, so their history (c) has something
    // to show: Lena (two earlier conversations), Sam (about the order he reviews now) and
    // Priya (answered from the phone: only the flag tells).
    sample!("38-priya-restock.eml" => Inbox, SEEN_ANSWERED, ago(141 * D + 5 * H), Answered),
    sample!("33-lena-glaze-question.eml" => Inbox, SEEN_ANSWERED, ago(113 * D + 2 * H), Answered),
    sample!("34-lena-glaze-reply.eml" => Sent, SEEN, after("33-lena-glaze-question.eml", 13 * H + 18), Shop),
    sample!("35-lena-christmas-order.eml" => Inbox, SEEN_ANSWERED, ago(41 * D + 6 * H), Answered),
    sample!("36-sam-order-1033-question.eml" => Inbox, SEEN_ANSWERED, ago(23 * D + 9 * H), Answered),
    sample!("37-sam-order-1033-reply.eml" => Sent, SEEN, after("36-sam-order-1033-question.eml", 2 * H + 40), Shop),
];

/// Pitches that look like personal mail: the demo marks them the way the owner would, with a
/// rule on the sender's domain or address (the other pitches carry List-Unsubscribe).
pub const DEMO_RULES: &[(RuleKind, &str)] = &[
    (RuleKind::Domain, "rankboost-digital.com"),
    (RuleKind::Sender, "bella.lifestyle.creates@gmail.com"),
];

/// How far back [`Arrival::Overdue`] searches for a passed deadline. Any calendar with one
/// business day a month finds one well before this.
const OVERDUE_SEARCH: i64 = 60 * 24 * 60;
/// Step of that search: fine enough that arrivals stay close to their intended age.
const OVERDUE_STEP: i64 = 15;

/// The demo shop's identity and calendar, from [`Config::demo`], read with `clock`.
pub fn demo_context(clock: Clock) -> ShopContext {
    Config::demo().shop_context(clock)
}

/// Where demo mode writes the .eml files it "sends" (lettre's file transport), so replies can
/// be inspected without a mail server.
pub fn demo_outbox_dir(dir: &Path) -> PathBuf {
    dir.join("outbox")
}

/// Builds a fresh demo store in `dir` (created if needed) as it looks at `clock`'s now; the
/// store keeps reading that clock.
pub fn build_demo_store(dir: &Path, clock: Clock) -> Result<Store, DemoError> {
    build_demo_store_with(dir, clock.now(), demo_context(clock))
}

/// [`build_demo_store`] with another shop context: tests use it to try calendars with
/// holidays or a cut-off against the same sample mail.
pub fn build_demo_store_with(
    dir: &Path,
    now: DateTime<Utc>,
    ctx: ShopContext,
) -> Result<Store, DemoError> {
    for d in [dir.to_path_buf(), demo_outbox_dir(dir)] {
        std::fs::create_dir_all(&d).map_err(|source| DemoError::CreateDir { path: d, source })?;
    }
    let path = dir.join(DEMO_STORE_FILE);
    // "Fresh" means fresh: an earlier demo store in the same folder is emptied, not extended.
    // Emptied by SQLite, never deleted: another shopinbox may have that file open.
    let placed = plan(now, &ctx.calendar)?;
    let order = ingest_order(&ctx.calendar)?;
    let mut store = Store::open_empty(&path, ctx).map_err(|source| DemoError::Store {
        action: "open the store",
        source,
    })?;
    // The sample shop has watched its mailbox since before its oldest mail: nothing in it is
    // history from before the tracking window (issue 11), whatever `now` is.
    if let Some(first) = placed.iter().map(|p| p.received_at).min() {
        store
            .start_tracking_at(first)
            .map_err(|source| DemoError::Store {
                action: "record when the demo shop started tracking",
                source,
            })?;
    }
    for (kind, value) in DEMO_RULES {
        store
            .add_rule(*kind, value)
            .map_err(|source| DemoError::Store {
                action: "add the demo's pitch rules",
                source,
            })?;
    }
    for folder in [Folder::Inbox, Folder::Sent] {
        let mut msgs: Vec<&Placed> = placed
            .iter()
            .filter(|p| p.sample.folder == folder)
            .collect();
        // The store numbers conversations as mail comes in: the same order for every `now`
        // keeps the ids the same, so `--demo show 5` means one conversation at any time.
        msgs.sort_by_key(|p| order.get(p.sample.name).copied().unwrap_or(usize::MAX));
        let mut batch = Vec::with_capacity(msgs.len());
        for (i, p) in msgs.iter().enumerate() {
            let uid = u32::try_from(i + 1).unwrap_or(u32::MAX);
            batch.push(new_message(p, folder, uid));
        }
        let state = MailboxState {
            mailbox: folder.mailbox().to_string(),
            uidvalidity: DEMO_UIDVALIDITY,
            highest_uid: u32::try_from(batch.len()).unwrap_or(u32::MAX),
            highestmodseq: None,
            last_sync: Some(now),
        };
        store
            .ingest(batch, Some(&state))
            .map_err(|source| DemoError::Store {
                action: "save the sample mail",
                source,
            })?;
    }
    outreach::add(&mut store, now)?;
    Ok(store)
}

mod outreach;

/// A fixed moment whose plan gives the order mail is stored in (and uids are given) for
/// every `now`: Wednesday 25 November 2026, 16:30 in Berlin, a late working afternoon.
const ORDER_REFERENCE: &str = "2026-11-25T15:30:00Z";

/// Each sample's place in the storing order: arrival order at [`ORDER_REFERENCE`]. Threads
/// keep their order at any `now` (questions before replies before follow-ups), so this order
/// is a possible arrival order everywhere, and it does not move with `now`.
fn ingest_order(cal: &Calendar) -> Result<HashMap<&'static str, usize>, DemoError> {
    let reference = DateTime::parse_from_rfc3339(ORDER_REFERENCE)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    let mut placed = plan(reference, cal)?;
    placed.sort_by_key(|p| p.received_at);
    Ok(placed
        .iter()
        .enumerate()
        .map(|(i, p)| (p.sample.name, i))
        .collect())
}

/// The message as the sync worker would hand it to the store.
fn new_message(p: &Placed, folder: Folder, uid: u32) -> NewMessage {
    let raw = demo_raw(p.sample.raw, p.received_at);
    let parsed = parse_message(&raw);
    NewMessage {
        location: Location {
            mailbox: folder.mailbox().to_string(),
            uidvalidity: DEMO_UIDVALIDITY,
            uid,
        },
        raw,
        parsed,
        received_at: p.received_at,
        flags: p.sample.flags.iter().map(|f| f.to_string()).collect(),
    }
}

/// The raw bytes of a sample as the server would deliver them: the Date: header rewritten to
/// shortly before `received_at` (keeping the sender's UTC offset) and CRLF line ends.
pub fn demo_raw(raw: &str, received_at: DateTime<Utc>) -> Vec<u8> {
    // Mail takes a few seconds from the sender's client to the shop's server.
    let sent_at = received_at - Duration::seconds(38);
    to_crlf(&rewrite_date(raw, sent_at)).into_bytes()
}

/// Replaces the top-level Date: header with `date`, written in the UTC offset the original
/// header used (a customer in New York keeps "-0400"). Only the header block is touched.
pub fn rewrite_date(raw: &str, date: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let mut in_headers = true;
    for line in raw.split_inclusive('\n') {
        let content = line.trim_end_matches(['\r', '\n']);
        if in_headers && content.is_empty() {
            in_headers = false;
        }
        let is_date = in_headers
            && content.len() >= 5
            && content.is_char_boundary(5)
            && content[..5].eq_ignore_ascii_case("date:");
        if is_date {
            let offset = DateTime::parse_from_rfc2822(content[5..].trim())
                .map(|d| *d.offset())
                .unwrap_or_else(|_| Utc.fix());
            out.push_str("Date: ");
            out.push_str(&date.with_timezone(&offset).to_rfc2822());
            out.push_str(&line[content.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Normalises line ends to CRLF, the form IMAP servers deliver.
fn to_crlf(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 30);
    let mut prev = '\0';
    for c in s.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// Concrete arrival times for every sample at `now` under `cal`.
pub fn plan(now: DateTime<Utc>, cal: &Calendar) -> Result<Vec<Placed>, DemoError> {
    let mut at: HashMap<&'static str, DateTime<Utc>> = HashMap::new();
    let mut out = Vec::with_capacity(SAMPLES.len());
    for sample in SAMPLES {
        let lookup = |name: &'static str| {
            at.get(name).copied().ok_or(DemoError::UnknownSample {
                sample: sample.name,
                missing: name,
            })
        };
        let t = match sample.arrival {
            Arrival::Overdue { minutes_ago } => place_overdue(now, minutes_ago, cal),
            Arrival::DueSoon {
                fallback_minutes_ago,
            } => place_due_soon(now, cal)
                .unwrap_or_else(|| place_fresh(now, fallback_minutes_ago, cal)),
            Arrival::Fresh { minutes_ago } => place_fresh(now, minutes_ago, cal),
            Arrival::Ago { minutes_ago } => now - Duration::minutes(minutes_ago),
            Arrival::Before {
                sample: other,
                minutes,
            } => lookup(other)? - Duration::minutes(minutes),
            Arrival::After {
                sample: other,
                minutes,
            } => {
                let anchor = lookup(other)?;
                let t = anchor + Duration::minutes(minutes);
                if t <= now {
                    t
                } else {
                    // Not yet "happened" at this `now`: put it halfway, still after its anchor.
                    anchor + (now - anchor) / 2
                }
            }
        };
        at.insert(sample.name, t);
        out.push(Placed {
            sample,
            received_at: t,
        });
    }
    Ok(out)
}

/// An arrival about `minutes_ago` before now whose deadline has already passed at `now`.
fn place_overdue(now: DateTime<Utc>, minutes_ago: i64, cal: &Calendar) -> DateTime<Utc> {
    let start = now - Duration::minutes(minutes_ago);
    let mut t = start;
    while deadline::due_at(t, cal) >= now {
        t -= Duration::minutes(OVERDUE_STEP);
        if start - t > Duration::minutes(OVERDUE_SEARCH) {
            // A calendar without business days: nothing can be overdue. Keep the age.
            return start;
        }
    }
    t
}

/// An arrival whose deadline is within the due-soon window after `now`, if one exists: only
/// when the next close is that near. Prefers about half an hour ago, as an owner would see it.
fn place_due_soon(now: DateTime<Utc>, cal: &Calendar) -> Option<DateTime<Utc>> {
    let due = deadline::due_at(now, cal);
    if due - now > cal.due_soon {
        return None;
    }
    [35, 20, 10, 5, 1, 0]
        .into_iter()
        .map(|m| now - Duration::minutes(m))
        .find(|t| deadline::due_at(*t, cal) == due)
}

/// `minutes_ago` before now, unless a close passed since then: then just after that close,
/// so a "fresh" message is never overdue.
fn place_fresh(now: DateTime<Utc>, minutes_ago: i64, cal: &Calendar) -> DateTime<Utc> {
    let t = now - Duration::minutes(minutes_ago);
    let due = deadline::due_at(t, cal);
    // A deadline equal to `now` already counts as overdue.
    if due <= now {
        (due + Duration::minutes(2)).min(now)
    } else {
        t
    }
}

#[cfg(test)]
mod store_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone, Weekday};
    use chrono_tz::Europe::Berlin;
    use std::collections::HashSet;

    fn berlin() -> Calendar {
        Calendar::office_hours(
            Berlin,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        )
    }

    /// A Berlin wall-clock time as an instant (the demo shop's zone); shared with store_tests.
    pub(super) fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Berlin
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    /// A spread of "now"s: every weekday at several hours, a weekend, a DST change, holidays.
    fn nows() -> Vec<DateTime<Utc>> {
        let mut v = Vec::new();
        for day in 2..=8 {
            // 2025-06-02 is a Monday.
            for (h, m) in [
                (0, 5),
                (8, 59),
                (9, 0),
                (10, 0),
                (12, 30),
                (16, 1),
                (16, 30),
                (16, 59),
                (17, 0),
                (17, 1),
                (22, 45),
            ] {
                v.push(local(2025, 6, day, h, m));
            }
        }
        v.push(local(2025, 3, 31, 10, 0)); // Monday after the spring DST change
        v.push(local(2025, 10, 27, 9, 15)); // Monday after the autumn change
        v
    }

    #[test]
    fn manifest_names_match_files_and_are_unique() {
        let mut seen = HashSet::new();
        for s in SAMPLES {
            assert!(seen.insert(s.name), "{} listed twice", s.name);
            assert!(
                s.raw.contains("Message-ID:"),
                "{} has no Message-ID",
                s.name
            );
            assert!(
                s.raw.contains("\nDate:") || s.raw.starts_with("Date:"),
                "{}",
                s.name
            );
        }
        assert!((25..=45).contains(&SAMPLES.len()));
    }

    #[test]
    fn plan_resolves_and_never_puts_mail_in_the_future() {
        let cal = berlin();
        for now in nows() {
            let placed = plan(now, &cal).unwrap();
            assert_eq!(placed.len(), SAMPLES.len());
            for p in &placed {
                assert!(p.received_at <= now, "{} after now at {now}", p.sample.name);
                // Only answered history is older than two weeks (and never older than the
                // half year a customer's history shows at a glance).
                let limit = match p.sample.intent {
                    Intent::Answered | Intent::Shop => Duration::days(183),
                    _ => Duration::days(14),
                };
                assert!(
                    now - p.received_at < limit,
                    "{} too old at {now}",
                    p.sample.name
                );
            }
        }
    }

    #[test]
    fn intended_deadline_states_hold_for_any_now() {
        let cal = berlin();
        for now in nows() {
            for p in plan(now, &cal).unwrap() {
                let state = deadline::state_at(p.received_at, None, now, &cal);
                match p.sample.intent {
                    Intent::Overdue => {
                        assert_eq!(state.as_str(), "overdue", "{} at {now}", p.sample.name)
                    }
                    Intent::Fresh | Intent::DueSoon => {
                        assert_ne!(state.as_str(), "overdue", "{} at {now}", p.sample.name)
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn due_soon_when_the_close_is_near_and_fresh_otherwise() {
        let cal = berlin();
        let cases = [
            (local(2025, 6, 4, 16, 30), "due_soon"), // Wednesday 16:30
            (local(2025, 6, 4, 16, 0), "due_soon"),  // exactly one hour before close
            (local(2025, 6, 4, 10, 0), "due_later"), // Wednesday morning
            (local(2025, 6, 7, 11, 0), "due_later"), // Saturday
        ];
        for (now, want) in cases {
            let p = plan(now, &cal).unwrap();
            let ret = p
                .iter()
                .find(|p| p.sample.intent == Intent::DueSoon)
                .unwrap();
            assert_eq!(
                deadline::state_at(ret.received_at, None, now, &cal).as_str(),
                want,
                "{now}"
            );
        }
    }

    #[test]
    fn threads_keep_their_order() {
        let cal = berlin();
        for now in nows() {
            let p = plan(now, &cal).unwrap();
            let t = |n: &str| p.iter().find(|p| p.sample.name == n).unwrap().received_at;
            assert!(t("09-chipped-bowl.eml") < t("10-chipped-bowl-shop-reply.eml"));
            assert!(t("10-chipped-bowl-shop-reply.eml") < t("11-chipped-bowl-followup.eml"));
            assert!(t("12-ship-to-switzerland.eml") < t("13-ship-to-switzerland-reply.eml"));
            assert!(t("28-shipping-notice-sent.eml") < t("23-out-of-office.eml"));
            assert!(t("17-seo-pitch.eml") < t("20-seo-followup.eml"));
        }
    }

    #[test]
    fn overdue_placement_skips_weekends_and_holidays() {
        let mut cal = berlin();
        // Friday 2025-04-18 and Monday 2025-04-21 (Easter) are holidays.
        cal.holidays
            .insert(NaiveDate::from_ymd_opt(2025, 4, 18).unwrap());
        cal.holidays
            .insert(NaiveDate::from_ymd_opt(2025, 4, 21).unwrap());
        let now = local(2025, 4, 22, 10, 0); // Tuesday after Easter
        let t = place_overdue(now, 21 * 60, &cal);
        let due = deadline::due_at(t, &cal);
        assert!(due < now);
        // The last close before now was Thursday's.
        assert_eq!(cal.local_date(due).weekday(), Weekday::Thu);
    }

    #[test]
    fn rewrite_date_keeps_offset_and_touches_only_the_header() {
        let raw =
            "From: a@b.c\nDate: Tue, 3 Jun 2025 08:03:19 -0400\nSubject: x\n\nDate: in the body\n";
        let t = Utc.with_ymd_and_hms(2026, 1, 5, 15, 0, 0).unwrap();
        let out = rewrite_date(raw, t);
        assert!(
            out.contains("Date: Mon, 5 Jan 2026 11:00:00 -0400\n"),
            "{out}"
        );
        assert!(out.ends_with("\nDate: in the body\n"));
        // An unreadable Date header becomes UTC.
        let out = rewrite_date("DATE: yesterday\r\n\r\nbody", t);
        assert_eq!(out, "Date: Mon, 5 Jan 2026 15:00:00 +0000\r\n\r\nbody");
    }

    #[test]
    fn crlf_normalisation_is_idempotent() {
        assert_eq!(to_crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
        assert_eq!(to_crlf(&to_crlf("x\ny")), "x\r\ny");
    }

    #[test]
    fn every_sample_parses_and_only_the_malformed_one_has_problems() {
        let now = local(2025, 6, 4, 16, 30);
        for p in plan(now, &berlin()).unwrap() {
            let parsed = parse_message(&demo_raw(p.sample.raw, p.received_at));
            assert!(parsed.message_id.is_some(), "{}", p.sample.name);
            assert!(parsed.from.is_some(), "{}", p.sample.name);
            assert!(!parsed.subject.is_empty(), "{}", p.sample.name);
            let date = parsed.date.expect("date");
            assert!(
                (p.received_at - date).num_seconds().abs() < 120,
                "{}",
                p.sample.name
            );
            if p.sample.malformed {
                assert!(
                    !parsed.problems.is_empty(),
                    "{} should report a problem",
                    p.sample.name
                );
            } else {
                assert!(
                    parsed.problems.is_empty(),
                    "{}: {:?}",
                    p.sample.name,
                    parsed.problems
                );
            }
        }
    }
}
