//! `[orders]`: the duplicate-order window and the owner's own order notification rules
//! (`[[orders.source]]`), validated like every other key: a bad pattern is reported with its
//! key, its line and what to do.

use super::load::Ctx;
use super::ConfigError;
use crate::mail::order_mail::{OrderRules, OrderSource};
use regex::Regex;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrders {
    duplicate_window_hours: Option<i64>,
    #[serde(default)]
    source: Vec<RawOrderSource>,
    /// `[orders.import]`: built by [`super::outreach`].
    pub(super) import: Option<super::outreach::RawImport>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrderSource {
    name: String,
    sender: Option<String>,
    subject: String,
    number: Option<String>,
    customer_name: Option<String>,
    customer_email: Option<String>,
    address: Option<String>,
    items: Option<String>,
    total: Option<String>,
}

/// Longest duplicate window accepted: a week. Orders further apart are separate orders.
const MAX_WINDOW_HOURS: i64 = 24 * 7;

pub(super) fn build(ctx: &Ctx<'_>, raw: RawOrders) -> Result<OrderRules, ConfigError> {
    let mut rules = OrderRules::default();
    if let Some(h) = raw.duplicate_window_hours {
        if !(1..=MAX_WINDOW_HOURS).contains(&h) {
            return Err(ctx.invalid(
                "orders.duplicate_window_hours",
                format!("must be between 1 and {MAX_WINDOW_HOURS} hours (24 is a good value)"),
            ));
        }
        rules.duplicate_window = chrono::Duration::hours(h);
    }
    for (i, s) in raw.source.into_iter().enumerate() {
        let key = |k: &str| format!("orders.source[{i}].{k}");
        if s.name.trim().is_empty() {
            return Err(ctx.invalid(
                &key("name"),
                "is empty; name the platform (e.g. \"bigcartel\"), it is shown with its orders",
            ));
        }
        // A subject is anybody's to write: a rule needs the sender it trusts.
        let Some(sender) = s.sender.as_deref() else {
            return Err(ctx.invalid(
                &key("name"),
                "has no sender; add sender = \"orders@platform.com\" (or \"platform.com\"): \
                 without one, any mail with a matching subject would be filed as an order",
            ));
        };
        let t = sender.trim();
        if t.is_empty() || t.contains(char::is_whitespace) || !t.contains('.') {
            return Err(ctx.invalid(
                &key("sender"),
                "is not an address or domain; write it like \"orders@platform.com\" or \"platform.com\"",
            ));
        }
        let pattern = |k: &str, p: &str| -> Result<Regex, ConfigError> {
            if p.trim().is_empty() {
                return Err(ctx.invalid(
                    &key(k),
                    "is empty; give a regular expression, or remove the key",
                ));
            }
            Regex::new(p).map_err(|e| {
                let first = e.to_string();
                let why = first
                    .lines()
                    .rev()
                    .find(|l| l.trim_start().starts_with("error:"))
                    .map(|l| l.trim().trim_start_matches("error:").trim().to_string())
                    .unwrap_or_else(|| "it does not compile".to_string());
                ctx.invalid(
                    &key(k),
                    format!(
                        "is not a valid regular expression ({why}); write it in single quotes \
                         ('…') so backslashes stay as written"
                    ),
                )
            })
        };
        let opt = |k: &str, p: &Option<String>| -> Result<Option<Regex>, ConfigError> {
            p.as_deref().map(|p| pattern(k, p)).transpose()
        };
        rules.sources.push(OrderSource {
            name: s.name.trim().to_string(),
            sender: s.sender.map(|v| v.trim().to_lowercase()),
            subject: pattern("subject", &s.subject)?,
            number: opt("number", &s.number)?,
            customer_name: opt("customer_name", &s.customer_name)?,
            customer_email: opt("customer_email", &s.customer_email)?,
            address: opt("address", &s.address)?,
            items: opt("items", &s.items)?,
            total: opt("total", &s.total)?,
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    const BASE: &str = "[shop]\nname = \"Alphx\"\nowner_name = \"Tom\"\naddresses = [\"hello@alphx.shop\"]\n\n[hours]\ntime_zone = \"Europe/Berlin\"\n\n";

    fn load(extra: &str) -> Result<Config, String> {
        Config::parse(&format!("{BASE}{extra}"), Path::new("/x/config.toml"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn order_sources() {
        let ok = load(
            "[orders]\nduplicate_window_hours = 12\n\n[[orders.source]]\nname = \"bigcartel\"\nsender = \"orders@bigcartel.example\"\nsubject = '^Order (\\d+)'\ntotal = 'Total: (.+)'\n",
        )
        .unwrap();
        assert_eq!(ok.orders.duplicate_window, chrono::Duration::hours(12));
        assert_eq!(ok.orders.sources.len(), 1);
        assert_eq!(ok.orders.sources[0].name, "bigcartel");
        assert_eq!(
            load("").unwrap().orders.duplicate_window,
            chrono::Duration::hours(24)
        );

        let cases = [
            (
                "[orders]\nduplicate_window_hours = 0\n",
                "orders.duplicate_window_hours = 0 (line 10) must be between 1 and 168 hours",
            ),
            (
                "[[orders.source]]\nname = \"x\"\nsender = \"x.example\"\nsubject = '(unclosed'\n",
                "orders.source[0].subject = '(unclosed' (line 12) is not a valid regular expression",
            ),
            (
                "[[orders.source]]\nname = \"x\"\nsender = \"nobody\"\nsubject = 'x'\n",
                "orders.source[0].sender = \"nobody\" (line 11) is not an address or domain",
            ),
            (
                "[[orders.source]]\nname = \"x\"\nsubjct = 'x'\n",
                "subjct",
            ),
            (
                "[[orders.source]]\nname = \"x\"\nsubject = 'x'\n",
                "orders.source[0].name = \"x\" (line 10) has no sender",
            ),
            ("[orders]\nwindow = 3\n", "unknown key \"orders.window\" (line 10)"),
        ];
        for (extra, want) in cases {
            let err = load(extra).unwrap_err();
            assert!(err.contains(want), "{extra:?}: {err}");
        }
    }
}
