//! What a template is rendered with: the customer, the shop, the order and the clock, all
//! resolved to plain values before rendering so that [`super::render`] stays pure.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::lang::{lateness, Language, Lateness};
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
    /// Every order number the customer mentioned in the conversation ("1047", "1048"), without
    /// a `#`, those of the message being answered first.
    pub order_numbers: Vec<String>,
    /// The items of the customer's orders ("Stoneware mug × 2"); known for campaign notices,
    /// empty in replies.
    pub items: Vec<String>,
    /// The original message's subject, sanitized.
    pub subject: String,
    /// When the customer message was due; a reply after it carries an apology.
    pub customer_due_at: Option<DateTime<Utc>>,
    /// The config's `[offers]`: discount code, amount, return address… Only these are ever
    /// written as offers.
    pub offers: BTreeMap<String, String>,
    pub calendar: Calendar,
    pub now: DateTime<Utc>,
}

impl ReplyContext {
    /// The value of every placeholder, in `language`. `follow_up_at` is the template's promise,
    /// which is what `{reply_by}` puts into words; without a follow-up the promise is the end
    /// of the current business day.
    pub(super) fn values(&self, language: Language, follow_up_at: Option<DateTime<Utc>>) -> Values {
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
        let orders: Vec<String> = self
            .order_numbers
            .iter()
            .map(|n| order_label(&crate::mail::sanitize::line(n)))
            .filter(|n| !n.is_empty())
            .collect();
        let offers = self
            .offers
            .iter()
            .map(|(k, v)| (k.clone(), v.trim().to_string()))
            .collect();
        Values {
            map: vec![
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
                (Placeholder::OrderNumber, orders.first().cloned()),
                (Placeholder::OrderNumbers, Some(language.join(&orders))),
                (
                    Placeholder::Items,
                    (!self.items.is_empty()).then(|| {
                        let items: Vec<String> = self
                            .items
                            .iter()
                            .map(|i| crate::mail::sanitize::line(i))
                            .collect();
                        language.join(&items)
                    }),
                ),
                (
                    Placeholder::Subject,
                    Some(crate::mail::sanitize::line(&self.subject)),
                ),
                (
                    Placeholder::ReplyBy,
                    Some(language.reply_by(promise, self.now, &self.calendar)),
                ),
                (
                    Placeholder::Today,
                    Some(language.day(self.now, &self.calendar)),
                ),
                (
                    Placeholder::FollowUp,
                    follow_up_at.map(|at| language.day(at, &self.calendar)),
                ),
                (
                    Placeholder::LateApology,
                    language.late_apology(self.customer_due_at, self.now, &self.calendar),
                ),
            ],
            late: lateness(self.customer_due_at, self.now, &self.calendar) != Lateness::OnTime,
            orders: orders.len(),
            offers,
        }
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
