//! A customer's value at a glance, from their orders: how many, the first one, what they spent
//! (per currency: totals are kept as the platform wrote them) and what they bought. Pure.

use crate::store::OrderRow;
use chrono::{DateTime, Utc};

/// What the customer panel and `shopinbox customer` show about a customer's orders.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerValue {
    pub orders: usize,
    pub first_order: Option<DateTime<Utc>>,
    /// Total spent per currency, in cents, largest first ("EUR", 18250).
    pub spent: Vec<(String, i64)>,
    /// Items without their quantities, most bought first ("Stoneware mug", 3).
    pub items: Vec<(String, u64)>,
}

impl CustomerValue {
    pub fn of(orders: &[OrderRow]) -> CustomerValue {
        let mut spent: Vec<(String, i64)> = Vec::new();
        let mut items: Vec<(String, u64)> = Vec::new();
        for o in orders {
            if let Some((cur, cents)) = o.total.as_deref().and_then(parse_amount) {
                match spent.iter_mut().find(|(c, _)| *c == cur) {
                    Some((_, sum)) => *sum += cents,
                    None => spent.push((cur, cents)),
                }
            }
            for item in &o.items {
                let (name, qty) = split_quantity(item);
                match items
                    .iter_mut()
                    .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                {
                    Some((_, q)) => *q += qty,
                    None => items.push((name, qty)),
                }
            }
        }
        spent.sort_by_key(|s| std::cmp::Reverse(s.1));
        items.sort_by_key(|i| std::cmp::Reverse(i.1));
        CustomerValue {
            orders: orders.len(),
            first_order: orders.iter().map(|o| o.placed_at).min(),
            spent,
            items,
        }
    }

    /// "182.50 EUR" (several currencies joined with " + "); empty when no total is known.
    pub fn spent_text(&self) -> String {
        self.spent
            .iter()
            .map(|(c, cents)| {
                let sign = if *cents < 0 { "-" } else { "" };
                let a = cents.abs();
                format!("{sign}{}.{:02} {c}", a / 100, a % 100)
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// "Stoneware mug × 3, Linen napkins × 1".
    pub fn items_text(&self) -> String {
        self.items
            .iter()
            .map(|(n, q)| format!("{n} × {q}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "Stoneware mug × 2" → ("Stoneware mug", 2); no quantity: 1.
pub fn split_quantity(item: &str) -> (String, u64) {
    for sep in [" × ", " x ", " X "] {
        if let Some((name, q)) = item.rsplit_once(sep) {
            if let Ok(q) = q.trim().parse::<u64>() {
                return (name.trim().to_string(), q);
            }
        }
    }
    (item.trim().to_string(), 1)
}

/// A total as written ("64.00 EUR", "€64.00", "39,90 €", "$1,234.56", "1.234,56 EUR") →
/// (currency, cents). The currency is the ISO code when there is one or the symbol is
/// unambiguous (€, £), else the symbol as written; "" when none is given.
pub fn parse_amount(text: &str) -> Option<(String, i64)> {
    let t = text.trim();
    let num_start = t.find(|c: char| c.is_ascii_digit())?;
    let num_end = t
        .char_indices()
        .skip_while(|(i, _)| *i < num_start)
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ',' || *c == '\''))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let number = t[num_start..num_end].trim_end_matches(['.', ',']);
    let rest = format!("{} {}", &t[..num_start], &t[num_end..]);
    let negative = t[..num_start].contains('-');
    let currency = rest
        .split(|c: char| !c.is_alphabetic())
        .find(|w| w.len() == 3 && w.chars().all(|c| c.is_ascii_uppercase()))
        .map(str::to_string)
        .or_else(|| {
            rest.chars().find_map(|c| match c {
                '€' => Some("EUR".to_string()),
                '£' => Some("GBP".to_string()),
                '$' | '¥' | '₹' => Some(c.to_string()),
                _ => None,
            })
        })
        .unwrap_or_default();
    // The last separator followed by one or two digits is the decimal one.
    let (int_part, frac) = match number.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(number.len() - i - 1)) => (&number[..i], &number[i + 1..]),
        _ => (number, ""),
    };
    let int: i64 = int_part
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let cents = int.checked_mul(100)?.checked_add(frac)?;
    Some((currency, if negative { -cents } else { cents }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn totals_as_the_platforms_write_them() {
        let cases = [
            ("64.00 EUR", Some(("EUR", 6400))),
            ("€64.00", Some(("EUR", 6400))),
            ("39,90 €", Some(("EUR", 3990))),
            ("1.234,56 EUR", Some(("EUR", 123456))),
            ("$1,234.56", Some(("$", 123456))),
            ("£5", Some(("GBP", 500))),
            ("48.5 USD", Some(("USD", 4850))),
            ("1,234 EUR", Some(("EUR", 123400))),
            ("CHF 12.00", Some(("CHF", 1200))),
            ("-5.00 EUR", Some(("EUR", -500))),
            ("12", Some(("", 1200))),
            ("free", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse_amount(text),
                want.map(|(c, n)| (c.to_string(), n)),
                "{text:?}"
            );
        }
    }

    fn order(number: &str, day: u32, total: Option<&str>, items: &[&str]) -> OrderRow {
        OrderRow {
            id: 0,
            platform: "shopify".into(),
            number: number.into(),
            placed_at: Utc.with_ymd_and_hms(2026, 11, day, 10, 0, 0).unwrap(),
            customer_name: None,
            customer_addr: None,
            address: None,
            items: items.iter().map(|s| s.to_string()).collect(),
            total: total.map(str::to_string),
            conversation_id: None,
        }
    }

    #[test]
    fn value_sums_per_currency_and_counts_items() {
        let orders = [
            order("3", 9, Some("29.00 EUR"), &["Stoneware mug × 2"]),
            order(
                "2",
                5,
                Some("€87.00"),
                &["stoneware mug × 1", "Linen napkins"],
            ),
            order("1", 2, Some("£10.00"), &[]),
            order("0", 3, None, &[]),
        ];
        let v = CustomerValue::of(&orders);
        assert_eq!(v.orders, 4);
        assert_eq!(
            v.first_order,
            Some(Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap())
        );
        assert_eq!(v.spent_text(), "116.00 EUR + 10.00 GBP");
        assert_eq!(v.items_text(), "Stoneware mug × 3, Linen napkins × 1");
        assert_eq!(CustomerValue::of(&[]), CustomerValue::default());
        assert_eq!(CustomerValue::default().spent_text(), "");
    }
}
