//! Reading the shop platform's own order export (`shopinbox orders import FILE.csv`). Pure:
//! bytes and the shop's time zone go in, orders come out.
//!
//! The format is told from the header row, never from the file name:
//!
//! - **Shopify** (Orders → Export, "CSV for Excel, Numbers, or other spreadsheet programs"):
//!   `Name` (`#1047`), `Email`, `Created at` (`2026-11-02 14:03:22 +0100`), `Total`,
//!   `Currency`, `Billing Name`/`Shipping Name`, `Billing Country`/`Shipping Country` (ISO
//!   codes), and one row per line item (`Lineitem quantity`, `Lineitem name`): the order's own
//!   fields are only on its first row.
//! - **WooCommerce**: the Customer/Order CSV Export's default columns (`Order Number`, `Order
//!   Date`, `Billing Email`, `Billing First Name`, `Order Total`, `Billing Country`, one row per
//!   item with `Item Name` and `Item Quantity`) and the Order Export plugin's lower-case ones
//!   (`order_number`, `order_date`, `billing_email`, items as `line_item_1`, `line_item_2`, …,
//!   each `name:…|quantity:…|…`). Dates are shop time.
//! - **Etsy** (Shop Manager → Settings → Options → Download Data): the Orders file (`Sale
//!   Date` as `MM/DD/YY`, `Order ID`, `Full Name`, `Ship Country`, `Order Total`) and the Sold
//!   Order Items file (`Item Name`, `Quantity`, one row per item). Etsy does not give out buyers'
//!   addresses: such orders are history under the buyer's name; a `Buyer Email` or `Email`
//!   column is used when there is one.
//! - **Any other CSV**: the columns named in the config's `[orders.import]` table.
//!
//! Column names are compared case-insensitively with punctuation and spaces folded to `_`
//! (`"Billing Email"` = `billing_email`); a `;` separated file is read as such.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// One order read from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedOrder {
    /// "shopify", "woocommerce", "etsy", or the mapping's `platform`: the same words the
    /// notification mails are filed under, so an order known from both is one order.
    pub platform: String,
    /// Without `#`, upper-case ("1047", "A-501").
    pub number: String,
    pub placed_at: DateTime<Utc>,
    pub customer_name: Option<String>,
    /// Lower-case.
    pub customer_email: Option<String>,
    /// As written in the export ("DE", "Germany").
    pub country: Option<String>,
    /// "Stoneware mug × 2", as the notifications write them.
    pub items: Vec<String>,
    /// "64.00 EUR".
    pub total: Option<String>,
}

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Shopify,
    WooCommerce,
    /// WooCommerce's Order Export plugin: items in `line_item_N` columns.
    WooCommerceLineItems,
    EtsyOrders,
    EtsySoldItems,
    /// The config's `[orders.import]` columns.
    Mapped,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Shopify => "Shopify order export",
            Format::WooCommerce => "WooCommerce order export",
            Format::WooCommerceLineItems => "WooCommerce order export (line_item columns)",
            Format::EtsyOrders => "Etsy orders file",
            Format::EtsySoldItems => "Etsy sold order items file",
            Format::Mapped => "CSV read with [orders.import] columns",
        }
    }
}

/// `[orders.import]`: which column holds what in another platform's export. Column names as
/// they appear in the header (compared like the built-in ones).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnMapping {
    /// The platform the orders are filed under (the name of an `[[orders.source]]` when its
    /// notifications come by mail, so both are one order).
    pub platform: String,
    pub number: String,
    pub date: String,
    pub email: String,
    pub name: Option<String>,
    pub country: Option<String>,
    pub item: Option<String>,
    pub quantity: Option<String>,
    pub total: Option<String>,
    pub currency: Option<String>,
    /// A chrono format for `date` ("%d.%m.%Y"); default: the usual ISO and US/European forms.
    pub date_format: Option<String>,
}

/// What a file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRead {
    pub format: Format,
    /// One per order number, in file order; an order's rows merged.
    pub orders: Vec<ImportedOrder>,
    /// "row 7: no order date" for rows that could not be read (the rest still count).
    pub skipped: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a CSV file shopinbox can read: {0}")]
    Csv(String),
    #[error(
        "the columns of this file are not those of a Shopify, WooCommerce or Etsy order export \
         (first columns: {0}); name its columns in the config's [orders.import] table"
    )]
    Unknown(String),
}

/// Header names folded for comparison: "Billing Email" → "billing_email".
pub fn fold(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim_start_matches('\u{feff}').trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Which format a header row is (`mapping`: the config's, tried after the built-in ones).
pub fn detect(headers: &[String], mapping: Option<&ColumnMapping>) -> Option<Format> {
    let has = |c: &str| headers.iter().any(|h| h == c);
    let all = |cs: &[&str]| cs.iter().all(|c| has(c));
    if all(&[
        "name",
        "email",
        "created_at",
        "lineitem_name",
        "financial_status",
    ]) {
        return Some(Format::Shopify);
    }
    if all(&["order_number", "order_date", "billing_email"]) {
        if headers.iter().any(|h| h.starts_with("line_item_")) && !has("item_name") {
            return Some(Format::WooCommerceLineItems);
        }
        return Some(Format::WooCommerce);
    }
    if all(&["sale_date", "order_id", "item_name", "quantity"]) {
        return Some(Format::EtsySoldItems);
    }
    if all(&["sale_date", "order_id", "full_name", "order_total"]) {
        return Some(Format::EtsyOrders);
    }
    if let Some(m) = mapping {
        if [&m.number, &m.date, &m.email].iter().all(|c| has(&fold(c))) {
            return Some(Format::Mapped);
        }
    }
    None
}

/// Reads an export. `tz`: the shop's time zone, for dates written without one.
pub fn read_orders(
    bytes: &[u8],
    mapping: Option<&ColumnMapping>,
    tz: Tz,
) -> Result<ImportRead, ImportError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::Csv(e.to_string()))?
        .iter()
        .map(fold)
        .collect();
    let format = detect(&headers, mapping).ok_or_else(|| {
        ImportError::Unknown(
            first_line
                .split(delimiter as char)
                .take(5)
                .map(|s| crate::mail::sanitize::line(s.trim_matches('"')))
                .collect::<Vec<_>>()
                .join(", "),
        )
    })?;
    let mut orders: Vec<ImportedOrder> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row_no = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                skipped.push(format!("row {row_no}: {e}"));
                continue;
            }
        };
        let row: BTreeMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter().map(str::trim))
            .collect();
        match read_row(format, &row, mapping, tz) {
            Ok(None) => {}
            Ok(Some(order)) => match index.get(&order.number) {
                // `index` holds positions in `orders`, which only grows.
                Some(&at) => {
                    if let Some(known) = orders.get_mut(at) {
                        merge(known, order);
                    }
                }
                None => {
                    index.insert(order.number.clone(), orders.len());
                    orders.push(order);
                }
            },
            Err(why) => skipped.push(format!("row {row_no}: {why}")),
        }
    }
    Ok(ImportRead {
        format,
        orders,
        skipped,
    })
}

/// A later row of the same order: its items, and any field the first row left empty.
fn merge(into: &mut ImportedOrder, more: ImportedOrder) {
    into.items.extend(more.items);
    into.customer_name = into.customer_name.take().or(more.customer_name);
    into.customer_email = into.customer_email.take().or(more.customer_email);
    into.country = into.country.take().or(more.country);
    into.total = into.total.take().or(more.total);
}

fn field<'a>(row: &BTreeMap<&str, &'a str>, key: &str) -> Option<&'a str> {
    row.get(key).copied().filter(|v| !v.is_empty())
}

fn first_of<'a>(row: &BTreeMap<&str, &'a str>, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| field(row, k))
}

fn item(name: Option<&str>, quantity: Option<&str>) -> Option<String> {
    let name = crate::mail::sanitize::line(name?.trim());
    if name.is_empty() {
        return None;
    }
    let q = quantity
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .unwrap_or("1");
    Some(format!("{name} × {q}"))
}

fn total(amount: Option<&str>, currency: Option<&str>) -> Option<String> {
    let amount = amount?.trim();
    if amount.is_empty() {
        return None;
    }
    Some(match currency.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if !amount.contains(c) => format!("{amount} {c}"),
        _ => amount.to_string(),
    })
}

fn email(s: Option<&str>) -> Option<String> {
    // Shopify's column can hold a display form; the address is what counts.
    let s = s?.trim();
    let addr = match (s.rfind('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => &s[a + 1..b],
        _ => s,
    };
    let addr = addr.trim().to_lowercase();
    (addr.contains('@') && !addr.contains(char::is_whitespace)).then_some(addr)
}

fn joined_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let n = [first, last]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    (!n.trim().is_empty()).then(|| n.trim().to_string())
}

fn read_row(
    format: Format,
    row: &BTreeMap<&str, &str>,
    mapping: Option<&ColumnMapping>,
    tz: Tz,
) -> Result<Option<ImportedOrder>, String> {
    let (platform, number, date, date_format) = match format {
        Format::Shopify => (
            "shopify".to_string(),
            field(row, "name"),
            field(row, "created_at"),
            None,
        ),
        Format::WooCommerce | Format::WooCommerceLineItems => (
            "woocommerce".to_string(),
            first_of(row, &["order_number", "order_id"]),
            field(row, "order_date"),
            None,
        ),
        Format::EtsyOrders | Format::EtsySoldItems => (
            "etsy".to_string(),
            field(row, "order_id"),
            field(row, "sale_date"),
            None,
        ),
        Format::Mapped => {
            let m = mapping.ok_or("no [orders.import] columns")?;
            (
                m.platform.clone(),
                field(row, &fold(&m.number)),
                field(row, &fold(&m.date)),
                m.date_format.as_deref(),
            )
        }
    };
    let Some(number) = number else {
        // A blank line at the end, or a sub-total row some spreadsheets add.
        if row.values().all(|v| v.is_empty()) {
            return Ok(None);
        }
        return Err("no order number".to_string());
    };
    let number =
        crate::mail::sanitize::line(number.trim().trim_start_matches('#').trim()).to_uppercase();
    if number.is_empty() {
        return Err("no order number".to_string());
    }
    let placed_at = match date {
        Some(d) => parse_date(d, date_format, tz).ok_or_else(|| {
            format!(
                "order {number}: \"{}\" is not a date shopinbox can read",
                crate::mail::sanitize::line(d)
            )
        })?,
        None => return Err(format!("order {number}: no order date")),
    };
    let mut order = ImportedOrder {
        platform,
        number,
        placed_at,
        customer_name: None,
        customer_email: None,
        country: None,
        items: Vec::new(),
        total: None,
    };
    match format {
        Format::Shopify => {
            order.customer_email = email(field(row, "email"));
            order.customer_name =
                first_of(row, &["billing_name", "shipping_name"]).map(str::to_string);
            order.country =
                first_of(row, &["billing_country", "shipping_country"]).map(str::to_string);
            order.total = total(field(row, "total"), field(row, "currency"));
            order.items.extend(item(
                field(row, "lineitem_name"),
                field(row, "lineitem_quantity"),
            ));
        }
        Format::WooCommerce | Format::WooCommerceLineItems => {
            order.customer_email = email(first_of(row, &["billing_email", "customer_email"]));
            order.customer_name =
                field(row, "billing_full_name")
                    .map(str::to_string)
                    .or_else(|| {
                        joined_name(
                            field(row, "billing_first_name"),
                            field(row, "billing_last_name"),
                        )
                    });
            order.country =
                first_of(row, &["billing_country", "shipping_country"]).map(str::to_string);
            order.total = total(field(row, "order_total"), field(row, "order_currency"));
            if format == Format::WooCommerce {
                order
                    .items
                    .extend(item(field(row, "item_name"), field(row, "item_quantity")));
            } else {
                let mut columns: Vec<(u32, &str)> = row
                    .iter()
                    .filter_map(|(k, v)| {
                        let n = k.strip_prefix("line_item_")?.parse().ok()?;
                        (!v.is_empty()).then_some((n, *v))
                    })
                    .collect();
                columns.sort();
                for (_, v) in columns {
                    let parts: BTreeMap<&str, &str> =
                        v.split('|').filter_map(|p| p.split_once(':')).collect();
                    order.items.extend(item(
                        parts.get("name").copied(),
                        parts.get("quantity").copied(),
                    ));
                }
            }
        }
        Format::EtsyOrders | Format::EtsySoldItems => {
            order.customer_email = email(first_of(row, &["buyer_email", "email"]));
            order.customer_name = first_of(row, &["full_name", "ship_name"])
                .map(str::to_string)
                .or_else(|| joined_name(field(row, "first_name"), field(row, "last_name")));
            order.country = field(row, "ship_country").map(str::to_string);
            if format == Format::EtsyOrders {
                order.total = total(field(row, "order_total"), field(row, "currency"));
            } else {
                order
                    .items
                    .extend(item(field(row, "item_name"), field(row, "quantity")));
            }
        }
        Format::Mapped => {
            let m = mapping.ok_or("no [orders.import] columns")?;
            let col = |c: &Option<String>| c.as_deref().and_then(|c| field(row, &fold(c)));
            order.customer_email = email(field(row, &fold(&m.email)));
            order.customer_name = col(&m.name).map(str::to_string);
            order.country = col(&m.country).map(str::to_string);
            order.total = total(col(&m.total), col(&m.currency));
            order.items.extend(item(col(&m.item), col(&m.quantity)));
        }
    }
    order.customer_name = order
        .customer_name
        .map(|n| crate::mail::sanitize::line(n.trim()))
        .filter(|n| !n.is_empty());
    order.country = order.country.map(|c| crate::mail::sanitize::line(c.trim()));
    order.total = order.total.map(|t| crate::mail::sanitize::line(&t));
    Ok(Some(order))
}

/// An export's date: with its own offset (Shopify), else shop time.
pub fn parse_date(s: &str, format: Option<&str>, tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let local = |n: NaiveDateTime| {
        tz.from_local_datetime(&n)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    if let Some(f) = format {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            return local(n);
        }
        return NaiveDate::parse_from_str(s, f)
            .ok()
            .and_then(|d| local(d.and_hms_opt(0, 0, 0)?));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            return local(n);
        }
    }
    // Etsy writes MM/DD/YY; a day-first date has dots.
    for f in ["%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%d.%m.%Y", "%d.%m.%y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            // `%m/%d/%y` also takes four-digit years as two: keep the year plausible.
            if f == "%m/%d/%y" && s.rsplit('/').next().is_some_and(|y| y.len() != 2) {
                continue;
            }
            return local(d.and_hms_opt(0, 0, 0)?);
        }
    }
    None
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
