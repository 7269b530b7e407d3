//! Command-line output for orders and the flags that warn (suspicious sender, bounced reply,
//! possible duplicate order, warning note): one line each, with kind and reason (the
//! `not-duplicate` command is in `bulk`).

use crate::deadline::Calendar;
use crate::mail::sanitize;
use crate::store::{ConversationRow, CustomerInfo, Flag};
use anyhow::Result;
use std::io::Write;

/// The flags as `list --json` and scripts see them: `[{"kind": "suspicious", "reason": …}]`.
pub fn flags_json(flags: &[Flag]) -> serde_json::Value {
    serde_json::Value::Array(
        flags
            .iter()
            .map(|f| {
                serde_json::json!({
                    "kind": f.kind.as_str(),
                    "reason": sanitize::line(&f.reason),
                })
            })
            .collect(),
    )
}

/// "⚠ SUSPICIOUS: the name … " lines under a row or a conversation header.
pub fn write_flags(out: &mut impl Write, indent: &str, row: &ConversationRow) -> Result<()> {
    for f in &row.flags {
        writeln!(
            out,
            "{indent}! {} ({}): {}",
            f.kind.badge(),
            f.kind.as_str(),
            sanitize::line(&f.reason)
        )?;
    }
    Ok(())
}

/// The customer's orders (notifications and the shop's export), newest first, under what they
/// add up to: how many, the first one, the total spent and the items.
pub fn write_orders(
    out: &mut impl Write,
    info: &CustomerInfo,
    cal: &Calendar,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    if info.orders.is_empty() {
        return Ok(());
    }
    let value = crate::outreach::value::CustomerValue::of(&info.orders);
    writeln!(out, "\nOrders ({}):", info.orders.len())?;
    if let Some(first) = value.first_order {
        let spent = value.spent_text();
        writeln!(
            out,
            "  first order {}{}",
            crate::human_time::day(first, now, cal.tz),
            if spent.is_empty() {
                String::new()
            } else {
                format!(", total spent {}", sanitize::line(&spent))
            }
        )?;
    }
    if !value.items.is_empty() {
        writeln!(
            out,
            "  items: {}",
            crate::layout::fit(&sanitize::line(&value.items_text()), 100)
        )?;
    }
    for o in &info.orders {
        writeln!(
            out,
            "{:>8}  {}  {:<10} {:<12} {}",
            format!("#{}", sanitize::line(&o.number)),
            crate::human_time::day_time(o.placed_at, now, cal.tz),
            sanitize::line(o.total.as_deref().unwrap_or("")),
            sanitize::line(&o.platform),
            crate::layout::fit(&sanitize::line(&o.items.join(", ")), 60)
        )?;
    }
    Ok(())
}
