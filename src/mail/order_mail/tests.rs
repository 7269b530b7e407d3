use super::*;
use crate::mail::parse::parse_message;

fn fixture(name: &str) -> ParsedMessage {
    let raw = match name {
        "shopify" => include_str!("../fixtures/orders/shopify.eml"),
        "woocommerce" => include_str!("../fixtures/orders/woocommerce.eml"),
        "etsy" => include_str!("../fixtures/orders/etsy.eml"),
        "squarespace" => include_str!("../fixtures/orders/squarespace.eml"),
        "wix" => include_str!("../fixtures/orders/wix.eml"),
        _ => panic!("unknown fixture {name}"),
    };
    parse_message(raw.replace('\n', "\r\n").as_bytes())
}

/// (fixture, number, name, email, address starts with, items, total)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

#[test]
fn built_in_platforms() {
    let cases: &[Case] = &[
        (
            "shopify",
            "1047",
            "Jane Doe",
            "jane.doe.83@outlook.com",
            "Jane Doe, Lindenstraße 12, 10115 Berlin",
            &["Speckled pasta plates (set of 4) × 1"],
            "€64.00 EUR",
        ),
        (
            "woocommerce",
            "2231",
            "Marco Rossi",
            "marco.rossi@bluewin.ch",
            "Marco Rossi, Via Roma 4, 6900 Lugano, Switzerland",
            &["Stoneware mug, ash glaze × 2", "Linen napkins × 1"],
            "€72.90",
        ),
        (
            "etsy",
            "3012345678",
            "Amy Chen",
            "amy.chen@example.com",
            "Amy Chen, 881 Pine Street",
            &["Small bud vase, speckled white × 1"],
            "$45.00",
        ),
        (
            "squarespace",
            "00123",
            "Oliver Brown",
            "oliver.brown@example.co.uk",
            "Oliver Brown, 14 Mill Lane, Bristol BS1 4AB",
            &["Serving bowl, large × 1"],
            "£92.50",
        ),
        (
            "wix",
            "10045",
            "Sofia García",
            "sofia.garcia@example.es",
            "Sofia García, Calle Mayor 21",
            &["Ceramic spoon rest × 3"],
            "€41.00",
        ),
    ];
    for (name, number, customer, email, address, items, total) in cases {
        let rules = OrderRules {
            shop_domains: vec!["alphx.shop".into()],
            ..OrderRules::default()
        };
        let o = extract(&fixture(name), &rules).unwrap_or_else(|| panic!("{name} not recognised"));
        assert_eq!(o.platform, *name, "{name}");
        assert_eq!(o.number, *number, "{name}");
        assert_eq!(o.customer_name.as_deref(), Some(*customer), "{name}");
        assert_eq!(o.customer_email.as_deref(), Some(*email), "{name}");
        let got = o.address.clone().unwrap_or_default();
        assert!(got.starts_with(address), "{name}: address {got:?}");
        assert_eq!(o.items, *items, "{name}");
        assert_eq!(o.total.as_deref(), Some(*total), "{name}");
    }
}

fn message(from: &str, subject: &str, body: &str) -> ParsedMessage {
    let raw = format!(
        "From: {from}\r\nTo: hello@alphx.shop\r\nSubject: {subject}\r\nMessage-ID: <x@y.z>\r\n\r\n{body}\r\n"
    );
    parse_message(raw.as_bytes())
}

#[test]
fn customer_mail_is_not_an_order() {
    let cases = [
        ("jane@mail.com", "Where is my order #1047?", "Hi, any news?"),
        (
            "jane@mail.com",
            "Re: [Alphx] Order #1047 placed by Jane Doe",
            "Please cancel it",
        ),
        ("jane@mail.com", "You made a sale", "not from etsy"),
        (
            "news@shop.example",
            "New order of mugs arrived",
            "newsletter",
        ),
    ];
    for (from, subject, body) in cases {
        assert_eq!(
            extract(&message(from, subject, body), &OrderRules::default()),
            None,
            "{subject}"
        );
    }
}

#[test]
fn owner_rules() {
    let source = OrderSource {
        name: "bigcartel".into(),
        sender: Some("orders@bigcartel.example".into()),
        subject: Regex::new(r"^Cha-ching! Order (\d+)").unwrap(),
        number: None,
        customer_name: Some(Regex::new(r"(?m)^Buyer: (.+)$").unwrap()),
        customer_email: Some(Regex::new(r"(?m)^Mail: (.+)$").unwrap()),
        address: Some(Regex::new(r"(?m)^Address: (.+)$").unwrap()),
        items: Some(Regex::new(r"(?m)^\* (.+)$").unwrap()),
        total: Some(Regex::new(r"(?m)^Sum: (.+)$").unwrap()),
    };
    let rules = OrderRules {
        sources: vec![source],
        ..OrderRules::default()
    };
    let body = "Buyer: Jane Doe\r\nMail: Jane@Mail.com\r\nAddress: Elm St 1,   Berlin\r\n* Mug\r\n* Plate\r\nSum: 30.00 EUR";
    let m = message("orders@bigcartel.example", "Cha-ching! Order 5512", body);
    let o = extract(&m, &rules).expect("custom source");
    assert_eq!(o.platform, "bigcartel");
    assert_eq!(o.number, "5512");
    assert_eq!(o.customer_name.as_deref(), Some("Jane Doe"));
    assert_eq!(o.customer_email.as_deref(), Some("jane@mail.com"));
    assert_eq!(o.address.as_deref(), Some("Elm St 1, Berlin"));
    assert_eq!(o.items, vec!["Mug", "Plate"]);
    assert_eq!(o.total.as_deref(), Some("30.00 EUR"));
    // Another sender with the same subject is not this source's.
    let other = message("jane@mail.com", "Cha-ching! Order 5512", body);
    assert_eq!(extract(&other, &rules), None);
}

#[test]
fn duplicates() {
    let base = OrderMail {
        platform: "shopify".into(),
        number: "1047".into(),
        customer_name: Some("Jane Doe".into()),
        customer_email: Some("jane@mail.com".into()),
        address: Some("Jane Doe, Elm St 1, Berlin".into()),
        items: vec!["Plates × 1".into()],
        total: Some("€64.00".into()),
    };
    let with = |f: &dyn Fn(&mut OrderMail)| {
        let mut o = base.clone();
        o.number = "1048".into();
        f(&mut o);
        o
    };
    let cases: Vec<(&str, OrderMail, bool)> = vec![
        ("identical second order", with(&|_| {}), true),
        ("same order number twice", base.clone(), false),
        (
            "same items, other total",
            with(&|o| o.total = Some("€70.00".into())),
            true,
        ),
        (
            "same total, other items",
            with(&|o| o.items = vec!["Mugs × 2".into()]),
            true,
        ),
        (
            "other items and total",
            with(&|o| {
                o.items = vec!["Mugs × 2".into()];
                o.total = Some("€10.00".into());
            }),
            false,
        ),
        (
            "other address, same name and shipping address",
            with(&|o| {
                o.customer_email = Some("jane.work@corp.com".into());
                o.address = Some("jane doe,  ELM ST 1 Berlin".into());
            }),
            true,
        ),
        (
            "other address and other shipping address",
            with(&|o| {
                o.customer_email = Some("jane.work@corp.com".into());
                o.address = Some("Jane Doe, Oak Rd 9, Hamburg".into());
            }),
            false,
        ),
        (
            "another customer with the same order",
            with(&|o| {
                o.customer_email = Some("max@mail.com".into());
                o.customer_name = Some("Max Muster".into());
            }),
            false,
        ),
    ];
    for (name, other, want) in cases {
        assert_eq!(possible_duplicate(&base, &other), want, "{name}");
    }
}
