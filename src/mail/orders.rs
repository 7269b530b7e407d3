//! Finding order numbers in a subject or body, for `{order_number}` and for showing the order
//! next to a conversation.
//!
//! Order numbers are digits (at least 3) with an optional short shop prefix ("A-1042",
//! "SO1042"), or Amazon's `302-1234567-1234567`. A number only counts when it is written as
//! one: after `#`, or after an order word ("order", "Bestellung", "commande", "pedido", …)
//! optionally followed by "no." / "number" / "Nr." / "ID" / ":". Bare numbers are never
//! taken, which keeps phone numbers, zip codes and amounts out; on top of that, a number that
//! continues as a decimal, date, time or phone group ("49.99", "2025-03-12", "555-1234") is
//! rejected, and "order 500 pieces" is a quantity, not an order.

use std::sync::LazyLock;

use regex::Regex;

static ORDER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:
            (?P<hash>\#)\ ?
          | \b(?i:order|bestellung|bestellnummer|bestellnr|bestell-nr|auftrag|auftragsnummer
               |auftragsnr|commande|pedido|ordine|bestelling|ordernummer|order-nr)\b
            (?P<qualifier>\s*(?i:number|nummer|num|no|nr|n°|nº|id|\#))?
            \.?\s*:?\s*\#?\s*
        )
        (?P<num>\d{3}-\d{7}-\d{7}|(?:[A-Za-z]{1,5}-?)?\d{3,12})",
    )
    .ok()
});

/// Words that make "order 500 …" a quantity.
const QUANTITY_WORDS: &[&str] = &[
    "pcs", "pieces", "piece", "items", "item", "units", "unit", "x", "stück", "stk", "boxes",
    "pairs", "copies", "more", "of",
];

/// Order numbers in `text`, unique (ignoring case), in order of appearance.
pub fn order_numbers(text: &str) -> Vec<String> {
    let Some(re) = ORDER.as_ref() else {
        return Vec::new();
    };
    let mut found: Vec<String> = Vec::new();
    for caps in re.captures_iter(text) {
        let (Some(whole), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        let before = text[..whole.start()].chars().next_back();
        let after = &text[num.end()..];
        let is_hash = caps.name("hash").is_some();

        if is_hash && before.is_some_and(|c| c.is_alphanumeric() || c == '&') {
            continue; // C#1042, &#1042; (an HTML character reference)
        }
        if continues_as_other_number(after) {
            continue;
        }
        let token = num.as_str();
        let digits = token.chars().filter(char::is_ascii_digit).count();
        if is_hash && is_hex_colour(token) {
            continue;
        }
        let explicit = is_hash || caps.name("qualifier").is_some() || whole.as_str().contains('#');
        if !explicit && (digits < 4 || followed_by_quantity(after)) {
            continue;
        }
        let normalized = token.to_uppercase();
        if !found.contains(&normalized) {
            found.push(normalized);
        }
    }
    found
}

/// The number goes on: more letters/digits, or a separator and a digit (decimal, date, time,
/// phone group).
fn continues_as_other_number(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('.' | ',' | '/' | '-' | ':') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn followed_by_quantity(after: &str) -> bool {
    after
        .split_whitespace()
        .next()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .is_some_and(|w| QUANTITY_WORDS.contains(&w.as_str()))
}

/// `FF0000`, `ABC123`-like six-hex-digit tokens after `#` are colours, not orders.
fn is_hex_colour(token: &str) -> bool {
    token.len() == 6
        && token.chars().all(|c| c.is_ascii_hexdigit())
        && token.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_number_table() {
        let cases: &[(&str, &[&str])] = &[
            ("#1042", &["1042"]),
            ("Where is my order #1042?", &["1042"]),
            ("Where is order 1042?", &["1042"]),
            ("Order #1042", &["1042"]),
            ("order no. 1042", &["1042"]),
            ("Order No 1042", &["1042"]),
            ("order number: A-1042", &["A-1042"]),
            ("Order ID: SO1042 please", &["SO1042"]),
            ("order: 1042", &["1042"]),
            ("Bestellung 1042", &["1042"]),
            ("Ihre Bestellung Nr. 1042 ist unterwegs", &["1042"]),
            ("Bestellnummer: 1042", &["1042"]),
            ("Bestell-Nr.: 1042", &["1042"]),
            ("commande n° 1042", &["1042"]),
            ("pedido 10423", &["10423"]),
            ("Order # 1042", &["1042"]),
            ("Re: order #1042 and #1043", &["1042", "1043"]),
            ("#1043 then order 1042 then #1043", &["1043", "1042"]),
            ("order a-1042 and A-1042", &["A-1042"]),
            ("Amazon order 302-1234567-1234567", &["302-1234567-1234567"]),
            ("Order 1042, placed on 12.03.2025", &["1042"]),
            ("order 1042.", &["1042"]),
            ("(#1042)", &["1042"]),
            ("order #123", &["123"]),
            ("order no. 123", &["123"]),
            // not order numbers
            ("Call me at +49 170 1234567", &[]),
            ("phone #555-1234", &[]),
            ("It arrived on 12.03.2025", &[]),
            ("Total: 1042.50 EUR", &[]),
            ("order 49.99", &[]),
            ("10115 Berlin", &[]),
            ("I'd like to order 500 pieces", &[]),
            ("I want to order 5000 pcs", &[]),
            ("order 12", &[]),
            ("order 123", &[]),
            ("#42", &[]),
            ("&#1042;", &[]),
            ("C#1042", &[]),
            ("colour #FF0000", &[]),
            ("order of 3 items", &[]),
            ("order 2025-03-12", &[]),
            ("order at 10:30", &[]),
            ("orders 1042", &[]),
            ("reorder 1042", &[]),
            ("tracking 1Z999AA10123456784", &[]),
            ("#1042abc", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(order_numbers(text), *want, "text {text:?}");
        }
    }
}
