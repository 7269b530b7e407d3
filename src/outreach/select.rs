//! Who a notice goes to: the customers of the orders an event affects. Pure: the orders (with
//! their country) and the owner's criteria go in, one candidate per customer comes out.
//!
//! Order criteria (placed between two times, containing an item, by order numbers) all have to
//! hold for an order to count; a list of addresses adds those customers whatever they ordered.

use crate::store::OrderRow;
use crate::template::Language;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The owner's choice of recipients, kept with the campaign (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Selection {
    /// Orders placed at or after this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    /// Orders placed before this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime<Utc>>,
    /// Orders with an item whose name contains this (ignoring case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Orders with these numbers (without `#`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<String>,
    /// These customers, whatever they ordered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
}

impl Selection {
    /// Whether any order criterion is set (else only the addresses count).
    pub fn by_orders(&self) -> bool {
        self.from.is_some() || self.to.is_some() || self.item.is_some() || !self.orders.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        !self.by_orders() && self.addresses.is_empty()
    }

    /// Does `order` meet every order criterion?
    pub fn matches(&self, order: &OrderRow) -> bool {
        if !self.by_orders() {
            return false;
        }
        self.from.is_none_or(|f| order.placed_at >= f)
            && self.to.is_none_or(|t| order.placed_at < t)
            && self.item.as_deref().is_none_or(|i| {
                let i = i.to_lowercase();
                order.items.iter().any(|it| it.to_lowercase().contains(&i))
            })
            && (self.orders.is_empty()
                || self.orders.iter().any(|n| {
                    n.trim()
                        .trim_start_matches('#')
                        .eq_ignore_ascii_case(&order.number)
                }))
    }
}

/// One customer the notice would go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub addr: String,
    pub name: Option<String>,
    /// Their matching order numbers, oldest first.
    pub orders: Vec<String>,
    /// The items of those orders.
    pub items: Vec<String>,
    /// The country of their newest matching order (their language when no mail tells it).
    pub country: Option<String>,
}

/// The customers of the matching orders (in order of their first matching order), then the
/// listed addresses not among them.
pub fn choose(orders: &[(OrderRow, Option<String>)], sel: &Selection) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let listed = |addr: &str| {
        sel.addresses
            .iter()
            .any(|a| a.trim().eq_ignore_ascii_case(addr))
    };
    for (o, country) in orders {
        let Some(addr) = o.customer_addr.as_deref().map(str::to_lowercase) else {
            continue;
        };
        if !(sel.matches(o) || (listed(&addr) && !sel.by_orders())) {
            continue;
        }
        if !out.iter().any(|c| c.addr == addr) {
            out.push(Candidate {
                addr: addr.clone(),
                name: None,
                orders: Vec::new(),
                items: Vec::new(),
                country: None,
            });
        }
        let Some(c) = out.iter_mut().find(|c| c.addr == addr) else {
            continue;
        };
        if !c.orders.contains(&o.number) {
            c.orders.push(o.number.clone());
        }
        c.items.extend(o.items.iter().cloned());
        c.name = o.customer_name.clone().or(c.name.take());
        c.country = country.clone().or(c.country.take());
    }
    for a in &sel.addresses {
        let addr = a.trim().to_lowercase();
        if !addr.is_empty() && !out.iter().any(|c| c.addr == addr) {
            out.push(Candidate {
                addr,
                name: None,
                orders: Vec::new(),
                items: Vec::new(),
                country: None,
            });
        }
    }
    out
}

/// The language a country's customers are written to, for the languages templates have.
pub fn country_language(country: &str) -> Option<Language> {
    let c = country.trim().to_lowercase();
    Some(match c.as_str() {
        "de" | "deu" | "germany" | "deutschland" | "at" | "aut" | "austria" | "österreich"
        | "li" | "liechtenstein" => Language::German,
        "fr" | "fra" | "france" | "lu" | "luxembourg" | "mc" | "monaco" => Language::French,
        "es" | "esp" | "spain" | "españa" | "mx" | "mexico" | "méxico" | "ar" | "argentina"
        | "co" | "colombia" | "cl" | "chile" => Language::Spanish,
        "it" | "ita" | "italy" | "italia" | "sm" | "san marino" => Language::Italian,
        "nl" | "nld" | "netherlands" | "the netherlands" | "nederland" => Language::Dutch,
        "gb" | "uk" | "united kingdom" | "us" | "usa" | "united states" | "ie" | "ireland"
        | "au" | "australia" | "ca" | "canada" | "nz" | "new zealand" => Language::English,
        _ => return None,
    })
}

/// The language of a customer's notice: the language of their own mail when it can be told,
/// else their country's, else the shop's.
pub fn customer_language(texts: &[String], country: Option<&str>, shop: Language) -> Language {
    let fallback = country.and_then(country_language).unwrap_or(shop);
    let mut it = texts.iter().map(String::as_str);
    match it.next() {
        Some(first) => crate::template::lang::reply_language(first, it, fallback),
        None => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn order(n: &str, day: u32, addr: Option<&str>, items: &[&str]) -> (OrderRow, Option<String>) {
        (
            OrderRow {
                id: 0,
                platform: "shopify".into(),
                number: n.into(),
                placed_at: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
                customer_name: Some(format!("Customer {n}")),
                customer_addr: addr.map(str::to_string),
                address: None,
                items: items.iter().map(|s| s.to_string()).collect(),
                total: None,
                conversation_id: None,
            },
            Some("DE".into()),
        )
    }

    fn day(d: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap())
    }

    #[test]
    fn criteria_table() {
        let orders = vec![
            order("1", 1, Some("a@x.com"), &["Stoneware mug × 1"]),
            order("2", 3, Some("b@x.com"), &["Linen napkins × 2"]),
            order("3", 4, Some("A@x.com"), &["Olive spoon × 1"]),
            order("4", 6, Some("c@x.com"), &["Stoneware mug × 2"]),
            order("5", 4, None, &["Stoneware mug × 1"]),
        ];
        let addrs = |cs: Vec<Candidate>| cs.into_iter().map(|c| c.addr).collect::<Vec<_>>();
        let cases: Vec<(Selection, Vec<&str>)> = vec![
            (Selection::default(), vec![]),
            (
                Selection {
                    from: day(2),
                    to: day(5),
                    ..Default::default()
                },
                vec!["b@x.com", "a@x.com"],
            ),
            (
                Selection {
                    item: Some("MUG".into()),
                    ..Default::default()
                },
                vec!["a@x.com", "c@x.com"],
            ),
            (
                Selection {
                    item: Some("mug".into()),
                    from: day(2),
                    ..Default::default()
                },
                vec!["c@x.com"],
            ),
            (
                Selection {
                    orders: vec!["#2".into(), "4".into()],
                    ..Default::default()
                },
                vec!["b@x.com", "c@x.com"],
            ),
            (
                Selection {
                    addresses: vec!["C@x.com".into(), "new@y.org".into()],
                    ..Default::default()
                },
                vec!["c@x.com", "new@y.org"],
            ),
            (
                Selection {
                    orders: vec!["2".into()],
                    addresses: vec!["c@x.com".into()],
                    ..Default::default()
                },
                vec!["b@x.com", "c@x.com"],
            ),
        ];
        for (sel, want) in cases {
            assert_eq!(addrs(choose(&orders, &sel)), want, "{sel:?}");
        }
    }

    #[test]
    fn one_candidate_per_customer_with_all_their_matching_orders() {
        let orders = vec![
            order("1", 1, Some("a@x.com"), &["Mug × 1"]),
            order("3", 4, Some("A@x.com"), &["Spoon × 1"]),
        ];
        let c = choose(
            &orders,
            &Selection {
                from: day(1),
                ..Default::default()
            },
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].orders, vec!["1", "3"]);
        assert_eq!(c[0].items, vec!["Mug × 1", "Spoon × 1"]);
        assert_eq!(c[0].country.as_deref(), Some("DE"));
    }

    #[test]
    fn language_from_mail_then_country_then_shop() {
        let de =
            ["Hallo, wo bleibt denn meine Bestellung? Vielen Dank und viele Grüße".to_string()];
        let en = ["Hello, where is my order? I have been waiting for two weeks now".to_string()];
        let cases = [
            (&de[..], Some("US"), Language::German),
            (&en[..], Some("DE"), Language::English),
            (&[][..], Some("DE"), Language::German),
            (&[][..], Some("Österreich"), Language::German),
            (&[][..], Some("France"), Language::French),
            (&[][..], Some("Narnia"), Language::Italian),
            (&[][..], None, Language::Italian),
        ];
        for (texts, country, want) in cases {
            assert_eq!(
                customer_language(texts, country, Language::Italian),
                want,
                "{country:?}"
            );
        }
    }
}
