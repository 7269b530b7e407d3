//! `[orders.import]` (the columns of another platform's order export) and `[outreach]` (how
//! fast notices go out), validated like every other key.

use super::{ConfigError, Ctx};
use crate::outreach::import::ColumnMapping;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawImport {
    platform: String,
    number: String,
    date: String,
    email: String,
    name: Option<String>,
    country: Option<String>,
    item: Option<String>,
    quantity: Option<String>,
    total: Option<String>,
    currency: Option<String>,
    date_format: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutreach {
    per_minute: Option<i64>,
    per_day: Option<i64>,
}

/// `[outreach]`: the pace of notices. `None`: the provider preset's (see
/// [`crate::outreach::rate::Limits::for_config`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutreachConfig {
    pub per_minute: Option<u32>,
    pub per_day: Option<u32>,
}

pub(super) fn build_import(
    ctx: &Ctx<'_>,
    raw: Option<RawImport>,
) -> Result<Option<ColumnMapping>, ConfigError> {
    let Some(raw) = raw else { return Ok(None) };
    for (key, value) in [
        ("platform", &raw.platform),
        ("number", &raw.number),
        ("date", &raw.date),
        ("email", &raw.email),
    ] {
        if value.trim().is_empty() {
            return Err(ctx.invalid(
                &format!("orders.import.{key}"),
                "is empty; give the column's name as the export's first row writes it",
            ));
        }
    }
    if let Some(f) = &raw.date_format {
        if f.trim().is_empty() || !f.contains('%') {
            return Err(ctx.invalid(
                "orders.import.date_format",
                "is not a date format; write it like \"%d.%m.%Y\" or remove the key",
            ));
        }
    }
    Ok(Some(ColumnMapping {
        platform: raw.platform.trim().to_lowercase(),
        number: raw.number,
        date: raw.date,
        email: raw.email,
        name: raw.name,
        country: raw.country,
        item: raw.item,
        quantity: raw.quantity,
        total: raw.total,
        currency: raw.currency,
        date_format: raw.date_format,
    }))
}

pub(super) fn build_outreach(
    ctx: &Ctx<'_>,
    raw: RawOutreach,
) -> Result<OutreachConfig, ConfigError> {
    let check = |key: &str, v: Option<i64>, max: i64| -> Result<Option<u32>, ConfigError> {
        match v {
            None => Ok(None),
            Some(n) if (1..=max).contains(&n) => Ok(u32::try_from(n).ok()),
            Some(_) => Err(ctx.invalid(
                &format!("outreach.{key}"),
                format!("is out of range; give 1 to {max}, or remove it for your provider's limit"),
            )),
        }
    };
    let out = OutreachConfig {
        per_minute: check("per_minute", raw.per_minute, 10_000)?,
        per_day: check("per_day", raw.per_day, 1_000_000)?,
    };
    if let (Some(m), Some(d)) = (out.per_minute, out.per_day) {
        if m > d {
            return Err(ctx.invalid(
                "outreach.per_minute",
                "is more than outreach.per_day; the daily limit has to be at least the minute's",
            ));
        }
    }
    Ok(out)
}
