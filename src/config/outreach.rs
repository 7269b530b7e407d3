//! `[orders.import]` (the columns of another platform's order export) and `[outreach]` (how
//! fast notices go out), validated like every other key.

use super::load::Ctx;
use super::ConfigError;
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

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    const BASE: &str = r#"
[shop]
name = "Alphx"
owner_name = "Tom"
addresses = ["hello@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"
business_days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "17:00"
"#;

    fn parse(extra: &str) -> Result<Config, String> {
        Config::parse(&format!("{BASE}{extra}"), Path::new("/tmp/c.toml"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn import_columns_and_limits_are_read_and_checked() {
        let c = parse(
            "[orders.import]\nplatform = \"Teeladen\"\nnumber = \"Bestellnr\"\ndate = \"Datum\"\n\
             email = \"E-Mail\"\ndate_format = \"%d.%m.%Y\"\n\n[outreach]\nper_minute = 20\nper_day = 400\n",
        )
        .unwrap();
        let m = c.order_import.unwrap();
        assert_eq!(
            (m.platform.as_str(), m.number.as_str()),
            ("teeladen", "Bestellnr")
        );
        assert_eq!(
            (c.outreach.per_minute, c.outreach.per_day),
            (Some(20), Some(400))
        );
        assert_eq!(
            parse("").unwrap().outreach,
            super::OutreachConfig::default()
        );

        let cases = [
            (
                "[orders.import]\nplatform = \"x\"\nnumber = \"\"\ndate = \"d\"\nemail = \"e\"\n",
                "orders.import.number",
            ),
            (
                "[orders.import]\nplatform = \"x\"\nnumber = \"n\"\ndate = \"d\"\nemail = \"e\"\ndate_format = \"dd.mm\"\n",
                "orders.import.date_format",
            ),
            ("[outreach]\nper_minute = 0\n", "outreach.per_minute"),
            ("[outreach]\nper_minute = 50\nper_day = 10\n", "outreach.per_minute"),
            ("[outreach]\nper_hour = 5\n", "per_hour"),
        ];
        for (extra, key) in cases {
            let err = parse(extra).unwrap_err();
            assert!(err.contains(key), "{extra}: {err}");
        }
    }
}
