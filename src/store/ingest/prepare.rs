//! The part of storing a message that needs only the message and the shop's settings, not
//! the database: hashes, the provider's verdict, what the mail is (order, bounce) and its
//! warning signals. A download works this out on its parser thread ([`Prepared::new`]), so
//! the thread that holds the write transaction only looks up and writes rows (issue 22:
//! on a first sync that thread is the slower of the two; these checks were a fifth of it).
//! Messages stored on the calling thread (import, the demo) bring only their hash
//! ([`Prepared::hashed`]): the insert works the checks out once it knows the message is new.
//!
//! Everything here is a pure function of the message and [`ShopContext`]; the insert uses
//! the results exactly as it used to compute them, and computes what was not worked out
//! ahead with the same functions ([`order_numbers`], [`signals`]).

use super::super::dedup;
use super::super::types::{NewMessage, ShopContext};
use crate::mail::auth::AuthResults;
use crate::mail::bounce::Bounce;
use crate::mail::order_mail::Filing;
use crate::mail::suspicious::Signal;
use crate::mail::AutoKind;
use sha2::{Digest, Sha256};

/// A new message with what can be known of it before it meets the store.
pub struct Prepared {
    pub(super) m: NewMessage,
    /// SHA-256 of the raw bytes: how the store finds the message if it has it already.
    pub(super) hash: Vec<u8>,
    /// The checks a new message needs; `None`: left to the insert, which works them out only
    /// once it knows the message is new ([`Prepared::hashed`]).
    pub(super) checks: Option<Checks>,
}

/// What the insert needs of a new message that the message alone says.
pub(super) struct Checks {
    /// [`dedup::content_key`] of the raw bytes.
    pub(super) content_key: Vec<u8>,
    /// What the shop's provider says of the sender.
    pub(super) auth: Option<AuthResults>,
    /// What the mail is, as if the sender were not found spoofed (a spoofed sender files
    /// nothing; that needs the store).
    pub(super) filing: Filing,
    /// The bounce report, for mail that is one.
    pub(super) bounce: Option<Bounce>,
    /// The order numbers in the subject and body, for mail that may be a customer's (the only
    /// mail whose numbers are looked up); `None`: not worked out.
    pub(super) order_numbers: Option<Vec<String>>,
    /// The suspicious signals, likewise; `None`: not worked out.
    pub(super) signals: Option<Vec<Signal>>,
}

impl Prepared {
    /// Work out everything the insert needs of `m` alone (a download's parser thread: the
    /// storing thread is the busier one, duplicates are rare there).
    pub fn new(m: NewMessage, ctx: &ShopContext) -> Prepared {
        let checks = Some(Checks::of(&m, ctx));
        Prepared {
            hash: Sha256::digest(&m.raw).to_vec(),
            checks,
            m,
        }
    }

    /// Only the hash, for messages stored on the calling thread (import, the demo): the
    /// insert looks for a duplicate first and works the checks out only for a new message,
    /// so a mailbox imported again costs its hashes, not its checks.
    pub(super) fn hashed(m: NewMessage) -> Prepared {
        Prepared {
            hash: Sha256::digest(&m.raw).to_vec(),
            checks: None,
            m,
        }
    }
}

impl Checks {
    /// The checks of `m` for this shop.
    pub(super) fn of(m: &NewMessage, ctx: &ShopContext) -> Checks {
        let content_key = dedup::content_key(&m.raw);
        let shop = &ctx.proactive.shop;
        let auth = crate::mail::auth::receiving_results(&m.raw, shop.authserv_id.as_deref());
        let p = &m.parsed;
        let filing = crate::mail::order_mail::file(p, &ctx.proactive.orders, auth.as_ref());
        let bounce = (p.auto_kind == Some(AutoKind::Bounce))
            .then(|| crate::mail::bounce::parse(&m.raw))
            .flatten();
        // The insert reads numbers and signals only for a customer's own mail: not the shop's
        // (its address, not failed by the provider) and not automatic mail or an order.
        let shop_address = p.from.as_ref().is_some_and(|a| ctx.is_shop(a.addr.trim()));
        let surely_shop = shop_address && !auth.as_ref().is_some_and(AuthResults::failed);
        let automatic = p.auto_kind.is_some() || matches!(filing, Filing::Order(_, _));
        let customer_like = !surely_shop && !automatic;
        let order_numbers = customer_like.then(|| order_numbers(m));
        let signals = customer_like.then(|| signals(m, ctx));
        Checks {
            content_key,
            auth,
            filing,
            bounce,
            order_numbers,
            signals,
        }
    }
}

/// The order numbers a mail mentions in its subject and body: what the insert looks up for a
/// customer's mail about a possible duplicate order.
pub(super) fn order_numbers(m: &NewMessage) -> Vec<String> {
    crate::mail::order_numbers(&format!("{}\n{}", m.parsed.subject, m.parsed.body))
}

/// The suspicious signals of a mail, for this shop.
pub(super) fn signals(m: &NewMessage, ctx: &ShopContext) -> Vec<Signal> {
    crate::mail::suspicious::signals(&m.raw, &m.parsed, &ctx.proactive.shop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::parse::parse_message;
    use crate::store::types::Location;
    use chrono::{TimeZone, Utc};

    fn ctx() -> ShopContext {
        ShopContext {
            addresses: vec!["shop@example.com".to_string()],
            calendar: crate::deadline::Calendar::office_hours(
                chrono_tz::Europe::Berlin,
                chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            ),
            clock: crate::clock::Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()),
            proactive: Default::default(),
        }
    }

    fn prepared(headers: &str, body: &str) -> Prepared {
        let raw = format!("{headers}\r\n\r\n{body}\r\n").into_bytes();
        let m = NewMessage {
            location: Location::new("INBOX", 1, 1),
            parsed: parse_message(&raw),
            raw,
            received_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap(),
            flags: vec![],
        };
        Prepared::new(m, &ctx())
    }

    /// What the insert reads only for a customer's own mail is worked out ahead for that mail
    /// and left for the insert otherwise (it then works it out itself if the store says the
    /// shop's address was spoofed).
    #[test]
    fn customer_checks_are_worked_out_ahead_only_for_mail_that_may_be_a_customers() {
        let cases: &[(&str, &str, bool)] = &[
            ("From: Jane <jane@mail.com>\r\nSubject: Order #1234 never arrived", "Where is it?", true),
            ("From: shop@example.com\r\nSubject: Re: Order #1234", "On its way.", false),
            (
                "From: shop@example.com\r\nAuthentication-Results: mx.example.com; spf=fail\r\nSubject: Order #1234",
                "Pay here.",
                true,
            ),
            (
                "From: MAILER-DAEMON@mx.example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: text/plain",
                "This is the mail system. Your message could not be delivered.",
                false,
            ),
        ];
        for (headers, body, customer) in cases {
            let p = prepared(headers, body);
            let c = p.checks.as_ref().unwrap();
            assert_eq!(c.signals.is_some(), *customer, "{headers}");
            assert_eq!(c.order_numbers.is_some(), *customer, "{headers}");
            if *customer {
                assert_eq!(
                    c.order_numbers.as_deref(),
                    Some(&["1234".to_string()][..]),
                    "{headers}"
                );
            }
            assert_eq!(p.hash, Sha256::digest(&p.m.raw).to_vec());
            assert_eq!(c.content_key, dedup::content_key(&p.m.raw));
            // Stored on the calling thread: the same hash, the checks left to the insert.
            let h = Prepared::hashed(p.m);
            assert_eq!(h.hash, p.hash);
            assert!(h.checks.is_none());
        }
    }
}
