//! The demo's outreach (issue 27): an order history imported from the shop's Shopify export,
//! and a finished campaign ("the kiln broke, orders of that week ship later") to look at with
//! `shopinbox --demo notify list` / `notify show 1` and in the customer panels.
//!
//! The history goes through the real import path ([`crate::outreach::import::read_orders`] on
//! a CSV in Shopify's export format, then [`Store::import_orders`]); the campaign's notices
//! through the real outbox path ([`crate::send::outbox::enqueue_then`] with their campaign
//! link), settled as sent the way a delivered send is recorded. Times are relative to `now`.

use super::DemoError;
use crate::outreach::import::read_orders;
use crate::store::outreach::{CampaignState, Recipient};
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};

/// Demo customers who ordered (address, name, country, item, price), oldest order first.
const BUYERS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "john.smith1979@gmail.com",
        "John Smith",
        "GB",
        "Speckled pasta plates (set of 4)",
        "64.00",
    ),
    (
        "k.mueller@web.de",
        "Katrin Müller",
        "DE",
        "Stoneware mug",
        "24.00",
    ),
    (
        "priya.raman@protonmail.com",
        "Priya Raman",
        "GB",
        "Serving bowl, large",
        "58.00",
    ),
    (
        "lena.fischer@posteo.de",
        "Lena Fischer",
        "DE",
        "Breakfast bowls (set of 2)",
        "42.00",
    ),
    (
        "emily.chen@fastmail.com",
        "Emily Chen",
        "US",
        "Stoneware mug",
        "24.00",
    ),
    (
        "k.mueller@web.de",
        "Katrin Müller",
        "DE",
        "Olive wood spoon",
        "12.00",
    ),
    (
        "oliver.brandt@t-online.de",
        "Oliver Brandt",
        "DE",
        "Speckled pasta plates (set of 4)",
        "64.00",
    ),
    (
        "sam.whitfield@icloud.com",
        "Sam Whitfield",
        "GB",
        "Stoneware mug",
        "24.00",
    ),
    (
        "john.smith1979@gmail.com",
        "John Smith",
        "GB",
        "Breakfast bowls (set of 2)",
        "42.00",
    ),
];

/// The export as Shopify writes it (the columns the import reads, in Shopify's names).
fn export(now: DateTime<Utc>) -> String {
    let mut csv = String::from(
        "Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,\
         Billing Name,Billing Country\n",
    );
    for (i, (addr, name, country, item, price)) in BUYERS.iter().enumerate() {
        let at = now - Duration::days(90 - 9 * i as i64);
        csv.push_str(&format!(
            "#{},{addr},paid,EUR,{price},{},1,{item},{name},{country}\n",
            900 + i,
            at.format("%Y-%m-%d %H:%M:%S +0000")
        ));
    }
    csv
}

pub(super) fn add(store: &mut Store, now: DateTime<Utc>) -> Result<(), DemoError> {
    let err = |action| move |source| DemoError::Store { action, source };
    let read = read_orders(export(now).as_bytes(), None, chrono_tz::Europe::Berlin)
        .map_err(|_| DemoError::Step("read the demo's order export"))?;
    store
        .import_orders(&read.orders)
        .map_err(err("import the demo's order history"))?;

    // The campaign: the orders of the week the kiln broke (the 5th to 8th order).
    let recipients: Vec<Recipient> = read
        .orders
        .iter()
        .skip(4)
        .take(4)
        .map(|o| Recipient {
            addr: o.customer_email.clone().unwrap_or_default(),
            name: o.customer_name.clone(),
            language: if o.country.as_deref() == Some("DE") {
                "de"
            } else {
                "en"
            }
            .to_string(),
            orders: vec![o.number.clone()],
            items: o.items.clone(),
            held: None,
            removed: false,
        })
        .collect();
    let id = store
        .create_campaign(
            "Kiln repair: orders ship a week later",
            "shipping-delay",
            r#"{"orders":["904","905","906","907"]}"#,
            &recipients,
        )
        .map_err(err("save the demo campaign"))?;
    let sent_at = now - Duration::days(2);
    for r in &recipients {
        let message_id = format!("kiln-{}@alphx.shop", r.orders.join("-"));
        let composed = crate::send::compose::Composed {
            message_id: message_id.clone(),
            to: r.addr.clone(),
            from: "hello@alphx.shop".to_string(),
            subject: format!("Your order #{} ships a week later", r.orders.join(", #")),
            in_reply_to: None,
            raw: format!(
                "From: Tom from Alphx <hello@alphx.shop>\r\nTo: {}\r\nMessage-ID: <{message_id}>\r\n\
                 Subject: Your order ships a week later\r\n\r\nOur kiln broke; your order ships a week later.\r\n",
                r.addr
            )
            .into_bytes(),
        };
        let outbox_id = crate::send::outbox::enqueue_then(
            store.connection(),
            &composed,
            None,
            None,
            sent_at,
            None,
            |c, oid| crate::store::outreach::link_notice(c, oid, id, &r.addr, &message_id),
        )
        .map_err(|_| DemoError::Step("queue the demo campaign's notices"))?;
        // Settled as a delivered send records it (the demo has no server to send to).
        store
            .connection()
            .execute(
                "UPDATE outbox SET state = 'sent', attempts = 1, sent_at = ?2, updated_at = ?2
                 WHERE id = ?1",
                rusqlite::params![outbox_id, sent_at.timestamp()],
            )
            .map_err(|_| DemoError::Step("settle the demo campaign's notices"))?;
    }
    store
        .set_campaign_state(id, CampaignState::Sending, None)
        .and_then(|_| store.set_campaign_state(id, CampaignState::Done, None))
        .map_err(err("finish the demo campaign"))?;
    Ok(())
}
