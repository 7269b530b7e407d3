//! What a template is rendered with: the customer, the shop, the order and the clock, all
//! resolved to plain values before rendering so that [`super::render`] stays pure.

use chrono::{DateTime, Duration, Utc};

use super::{Placeholder, Values};
use crate::deadline::{self, Calendar};

/// Everything a template may refer to, for one reply.
#[derive(Debug, Clone)]
pub struct ReplyContext {
    /// The customer's first name: the owner's correction when there is one, else the guess from
    /// the display name or address. `None` when no name can be trusted ("Shop Team").
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The customer's name as a person would write it ("John Smith").
    pub full_name: Option<String>,
    pub customer_email: String,
    pub shop_name: String,
    pub owner_name: String,
    /// The configured signature; the owner's name and shop name when not configured.
    pub signature: String,
    /// The order number as found in the message ("1042"), without a `#`.
    pub order_number: Option<String>,
    /// Every order the reply is about, without `#`: both numbers of a possible duplicate
    /// order ("1047", "1048"), else the numbers found in the message.
    pub order_numbers: Vec<String>,
    /// The original message's subject, sanitized.
    pub subject: String,
    /// When the customer message was due; a reply after it carries an apology.
    pub customer_due_at: Option<DateTime<Utc>>,
    pub calendar: Calendar,
    pub now: DateTime<Utc>,
}

impl ReplyContext {
    /// The value of every placeholder. `follow_up_at` is the template's promise, which is what
    /// `{reply_by}` puts into words; without a follow-up the promise is the end of the current
    /// business day.
    pub(super) fn values(&self, follow_up_at: Option<DateTime<Utc>>) -> Values {
        let promise = follow_up_at.unwrap_or_else(|| deadline::due_at(self.now, &self.calendar));
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(crate::mail::sanitize::line)
                .map(|v| v.trim().to_string())
        };
        let signature = if self.signature.trim().is_empty() {
            default_signature(&self.owner_name, &self.shop_name)
        } else {
            self.signature.trim_end().to_string()
        };
        Values::new(vec![
            (Placeholder::FirstName, clean(&self.first_name)),
            (Placeholder::LastName, clean(&self.last_name)),
            (Placeholder::FullName, clean(&self.full_name)),
            (
                Placeholder::CustomerEmail,
                Some(crate::mail::sanitize::line(&self.customer_email)),
            ),
            (Placeholder::ShopName, Some(self.shop_name.clone())),
            (Placeholder::OwnerName, Some(self.owner_name.clone())),
            (Placeholder::Signature, Some(signature)),
            (
                Placeholder::OrderNumber,
                self.order_number.as_deref().map(order_label),
            ),
            (
                Placeholder::Subject,
                Some(crate::mail::sanitize::line(&self.subject)),
            ),
            (
                Placeholder::ReplyBy,
                Some(deadline::reply_by_words(promise, self.now, &self.calendar)),
            ),
            (
                Placeholder::Today,
                Some(
                    self.now
                        .with_timezone(&self.calendar.tz)
                        .format("%A %-d %B")
                        .to_string(),
                ),
            ),
            (
                Placeholder::LateApology,
                late_apology(self.customer_due_at, self.now),
            ),
        ])
    }
}

fn default_signature(owner: &str, shop: &str) -> String {
    match (owner.trim(), shop.trim()) {
        ("", s) => s.to_string(),
        (o, "") => o.to_string(),
        (o, s) => format!("{o}\n{s}"),
    }
}

/// How an order number reads in a reply: "#1042". A number that already carries a `#` or
/// letters ("A-1042") is kept as the customer wrote it.
pub fn order_label(number: &str) -> String {
    let n = number.trim();
    if n.starts_with('#') || !n.chars().all(|c| c.is_ascii_digit()) {
        n.to_string()
    } else {
        format!("#{n}")
    }
}

/// The sentence that opens a late reply, or `None` when the reply is on time. It ends with a
/// space so templates can write `{late_apology}I am so sorry…`.
pub fn late_apology(due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<String> {
    let late = now - due_at?;
    if late <= Duration::zero() {
        None
    } else if late < Duration::hours(20) {
        Some("I am sorry for the slow reply. ".to_string())
    } else {
        Some("I am sorry it took me so long to get back to you. ".to_string())
    }
}
