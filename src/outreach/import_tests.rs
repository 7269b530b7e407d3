use super::*;
use chrono::TimeZone;

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/outreach/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn mapping() -> ColumnMapping {
    ColumnMapping {
        platform: "teeladen".into(),
        number: "Bestellnr".into(),
        date: "Datum".into(),
        email: "E-Mail".into(),
        name: Some("Kunde".into()),
        country: Some("Land".into()),
        item: Some("Artikel".into()),
        quantity: Some("Menge".into()),
        total: Some("Summe".into()),
        currency: None,
        date_format: Some("%d.%m.%Y".into()),
    }
}

fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, s).unwrap()
}

#[test]
fn each_fixture_is_recognised_by_its_header() {
    let cases = [
        ("shopify_orders.csv", Format::Shopify, 3),
        ("woocommerce_orders.csv", Format::WooCommerce, 2),
        ("woocommerce_webtoffee.csv", Format::WooCommerceLineItems, 1),
        ("etsy_orders.csv", Format::EtsyOrders, 2),
        ("etsy_sold_items.csv", Format::EtsySoldItems, 1),
        ("custom_orders.csv", Format::Mapped, 2),
    ];
    for (file, format, orders) in cases {
        let read = read_orders(&fixture(file), Some(&mapping()), BERLIN).unwrap();
        assert_eq!(read.format, format, "{file}");
        assert_eq!(read.orders.len(), orders, "{file}");
        assert!(read.skipped.is_empty(), "{file}: {:?}", read.skipped);
    }
}

#[test]
fn detection_needs_the_platforms_own_columns() {
    let h = |cols: &[&str]| cols.iter().map(|c| fold(c)).collect::<Vec<_>>();
    let cases: &[(&[&str], Option<Format>)] = &[
        (
            &[
                "Name",
                "Email",
                "Financial Status",
                "Created at",
                "Lineitem name",
            ],
            Some(Format::Shopify),
        ),
        // A contact list with a name and an email is not an order export.
        (&["Name", "Email", "Created at"], None),
        (
            &["Order Number", "Order Date", "Billing Email", "Item Name"],
            Some(Format::WooCommerce),
        ),
        (
            &["order_number", "order_date", "billing_email", "line_item_1"],
            Some(Format::WooCommerceLineItems),
        ),
        (
            &["Sale Date", "Order ID", "Full Name", "Order Total"],
            Some(Format::EtsyOrders),
        ),
        (
            &["Sale Date", "Order ID", "Item Name", "Quantity"],
            Some(Format::EtsySoldItems),
        ),
        (&["Bestellnr", "Datum", "E-Mail"], Some(Format::Mapped)),
        (&["Bestellnr", "Datum"], None),
        (&[], None),
    ];
    for (cols, want) in cases {
        assert_eq!(detect(&h(cols), Some(&mapping())), *want, "{cols:?}");
    }
    // Without a mapping, a file of other columns is not guessed at.
    assert_eq!(detect(&h(&["Bestellnr", "Datum", "E-Mail"]), None), None);
}

#[test]
fn shopify_rows_of_one_order_are_one_order_with_every_item() {
    let read = read_orders(&fixture("shopify_orders.csv"), None, BERLIN).unwrap();
    let o = &read.orders;
    assert_eq!(o[0].platform, "shopify");
    assert_eq!(o[0].number, "1047");
    assert_eq!(o[0].placed_at, utc(2026, 11, 2, 13, 3, 22));
    assert_eq!(o[0].customer_email.as_deref(), Some("jane.doe@example.com"));
    assert_eq!(o[0].customer_name.as_deref(), Some("Jane Doe"));
    assert_eq!(o[0].country.as_deref(), Some("DE"));
    assert_eq!(o[0].total.as_deref(), Some("64.00 EUR"));
    assert_eq!(o[0].items, vec!["Speckled pasta plates (set of 4) × 1"]);
    // Two rows: the second carries only its line item; a quoted note spans two lines.
    assert_eq!(o[1].number, "1048");
    assert_eq!(
        o[1].items,
        vec!["Linen napkins, sage × 2", "Stoneware mug × 1"]
    );
    assert_eq!(
        o[1].customer_email, None,
        "a display form without an address"
    );
    assert_eq!(o[1].country.as_deref(), Some("IT"));
    assert_eq!(o[2].country.as_deref(), Some("AT"));
}

#[test]
fn woocommerce_both_column_sets_map_to_the_same_fields() {
    let read = read_orders(&fixture("woocommerce_orders.csv"), None, BERLIN).unwrap();
    let a = &read.orders[0];
    assert_eq!(a.platform, "woocommerce");
    assert_eq!(a.number, "2231");
    // Shop time (Berlin, UTC+1 in November).
    assert_eq!(a.placed_at, utc(2026, 11, 2, 9, 15, 0));
    assert_eq!(a.customer_email.as_deref(), Some("jane.doe@example.com"));
    assert_eq!(a.customer_name.as_deref(), Some("Jane Doe"));
    assert_eq!(a.items, vec!["Olive wood spoon × 2", "Linen napkins × 1"]);
    assert_eq!(a.total.as_deref(), Some("44.90 EUR"));
    assert_eq!(read.orders[1].country.as_deref(), Some("FR"));

    let read = read_orders(&fixture("woocommerce_webtoffee.csv"), None, BERLIN).unwrap();
    let b = &read.orders[0];
    assert_eq!(b.number, "3301");
    assert_eq!(b.customer_name.as_deref(), Some("Hans Müller"));
    assert_eq!(b.customer_email.as_deref(), Some("hans@example.de"));
    assert_eq!(b.items, vec!["Olive wood spoon × 1", "Linen napkins × 1"]);
}

#[test]
fn etsy_files_give_history_under_the_buyers_name() {
    let read = read_orders(&fixture("etsy_orders.csv"), None, BERLIN).unwrap();
    let a = &read.orders[0];
    assert_eq!(a.platform, "etsy");
    assert_eq!(a.number, "3120456789");
    assert_eq!(a.placed_at, utc(2026, 11, 2, 23, 0, 0), "03 Nov, shop time");
    assert_eq!(a.customer_name.as_deref(), Some("Emma Wilson"));
    assert_eq!(a.customer_email, None);
    assert_eq!(a.country.as_deref(), Some("United Kingdom"));
    assert_eq!(a.total.as_deref(), Some("48.00 EUR"));

    let read = read_orders(&fixture("etsy_sold_items.csv"), None, BERLIN).unwrap();
    assert_eq!(
        read.orders[0].items,
        vec!["Stoneware mug × 1", "Olive wood spoon × 2"]
    );
    assert_eq!(read.orders[0].customer_name.as_deref(), Some("Emma Wilson"));
}

#[test]
fn a_mapped_file_reads_its_own_columns() {
    let read = read_orders(&fixture("custom_orders.csv"), Some(&mapping()), BERLIN).unwrap();
    let a = &read.orders[0];
    assert_eq!(a.platform, "teeladen");
    assert_eq!(a.number, "A-501");
    assert_eq!(a.placed_at, utc(2026, 11, 4, 23, 0, 0));
    assert_eq!(a.customer_email.as_deref(), Some("karl@example.de"));
    assert_eq!(a.items, vec!["Teekanne × 1"]);
    assert_eq!(a.total.as_deref(), Some("39,90 €"));
    let err = read_orders(&fixture("custom_orders.csv"), None, BERLIN).unwrap_err();
    assert!(err.to_string().contains("[orders.import]"), "{err}");
}

#[test]
fn bad_rows_are_skipped_with_their_row_number_and_the_rest_still_count() {
    let csv = "Order Number,Order Date,Billing Email,Item Name\n\
               1,2026-11-02 10:00,a@example.com,Mug\n\
               2,yesterday,b@example.com,Mug\n\
               ,2026-11-02 10:00,c@example.com,Mug\n\
               ,,,\n";
    let read = read_orders(csv.as_bytes(), None, BERLIN).unwrap();
    assert_eq!(read.orders.len(), 1);
    assert_eq!(
        read.skipped,
        vec![
            "row 3: order 2: \"yesterday\" is not a date shopinbox can read",
            "row 4: no order number"
        ]
    );
    assert_eq!(
        read_orders(b"", None, BERLIN).unwrap_err(),
        ImportError::Empty
    );
    assert!(matches!(
        read_orders(b"a,b\n1,2\n", None, BERLIN),
        Err(ImportError::Unknown(_))
    ));
}

#[test]
fn dates_in_the_exports_forms() {
    let cases = [
        (
            "2026-11-02 14:03:22 +0100",
            Some(utc(2026, 11, 2, 13, 3, 22)),
        ),
        (
            "2026-11-02T14:03:22+01:00",
            Some(utc(2026, 11, 2, 13, 3, 22)),
        ),
        ("2026-11-02 14:03:22", Some(utc(2026, 11, 2, 13, 3, 22))),
        ("2026-11-02 14:03", Some(utc(2026, 11, 2, 13, 3, 0))),
        ("2026-07-02", Some(utc(2026, 7, 1, 22, 0, 0))),
        ("11/03/26", Some(utc(2026, 11, 2, 23, 0, 0))),
        ("11/03/2026", Some(utc(2026, 11, 2, 23, 0, 0))),
        ("03.11.2026", Some(utc(2026, 11, 2, 23, 0, 0))),
        ("next week", None),
        ("", None),
    ];
    for (s, want) in cases {
        assert_eq!(parse_date(s, None, BERLIN), want, "{s:?}");
    }
}

#[test]
fn header_names_fold_to_one_spelling() {
    for (raw, want) in [
        ("Billing Email", "billing_email"),
        ("\u{feff}Name", "name"),
        ("E-Mail", "e_mail"),
        ("  Order #  ", "order"),
        ("order_number", "order_number"),
    ] {
        assert_eq!(fold(raw), want);
    }
}
