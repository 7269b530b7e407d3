//! A campaign's draft from the owner's choice of template and customers. `shopinbox notify new`
//! and the Outreach screen's form both go through here, so the same choice makes the same
//! draft wherever it is made: the customers [`select::choose`] finds, each with the language
//! of their notice and, when they have a warning note or an open complaint, the reason they
//! are left for a personal reply.

use super::notice;
use super::select::{self, Selection};
use crate::store::outreach::Recipient;
use crate::store::{OrderRow, Store, StoreError};
use crate::template::{Language, Template};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A template a campaign can use: its base name (file stem without a language code) and the
/// languages it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateChoice {
    pub base: String,
    /// The campaign's default name: the base file's display name.
    pub name: String,
    pub languages: Vec<Language>,
}

/// The base name of a template file: `supplier-delay.de` → `supplier-delay`.
fn base_of(t: &Template) -> String {
    let slug = t.slug();
    match slug.rsplit_once('.') {
        Some((b, code)) if Language::parse(code).is_some() => b.to_string(),
        _ => slug,
    }
}

/// Every template base in the folder, sorted, each with its language versions.
pub fn template_choices(templates: &[Template]) -> Vec<TemplateChoice> {
    let mut bases: Vec<String> = templates.iter().map(base_of).collect();
    bases.sort_by_key(|b| b.to_lowercase());
    bases.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    bases
        .into_iter()
        .filter_map(|base| {
            let versions = notice::versions(templates, &base);
            let name = default_name(&versions, &base)?;
            let mut languages: Vec<Language> = versions.iter().map(|t| t.language).collect();
            languages.dedup();
            Some(TemplateChoice {
                base,
                name,
                languages,
            })
        })
        .collect()
}

/// The name a campaign gets unless the owner gives one: the base file's (the language
/// versions are its translations), else the first version's.
pub fn default_name(versions: &[&Template], base: &str) -> Option<String> {
    versions
        .iter()
        .find(|t| t.slug().eq_ignore_ascii_case(base))
        .or(versions.first())
        .map(|t| t.name.clone())
}

/// Why no draft can be made; each caller words it for its own place (flags or form fields).
#[derive(Debug)]
pub enum PlanError {
    /// No template file has this base name.
    NoTemplate(String),
    /// No criterion and no address.
    NothingChosen,
    /// The selection matches no customer with an address.
    NoMatch,
    Store(StoreError),
}

impl From<StoreError> for PlanError {
    fn from(e: StoreError) -> PlanError {
        PlanError::Store(e)
    }
}

/// A draft before it is saved: shown to the owner first, then saved with [`save`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub base: String,
    pub name: String,
    pub selection: Selection,
    pub recipients: Vec<Recipient>,
}

impl Plan {
    /// The customers who get the notice.
    pub fn going(&self) -> impl Iterator<Item = &Recipient> {
        self.recipients
            .iter()
            .filter(|r| r.held.is_none() && !r.removed)
    }

    /// The customers left for a personal reply (a warning note, an open complaint).
    pub fn held(&self) -> impl Iterator<Item = &Recipient> {
        self.recipients.iter().filter(|r| r.held.is_some())
    }
}

/// The draft for template `base` and `sel`: who gets it, in which language, who is held back.
pub fn plan(
    store: &Store,
    shop: Language,
    templates: &[Template],
    base: &str,
    name: Option<&str>,
    sel: Selection,
) -> Result<Plan, PlanError> {
    let base = base.trim().trim_end_matches(".txt").to_string();
    let versions = notice::versions(templates, &base);
    let Some(default) = default_name(&versions, &base) else {
        return Err(PlanError::NoTemplate(base));
    };
    if sel.is_empty() {
        return Err(PlanError::NothingChosen);
    }
    let orders = store.orders_for_outreach(None, None)?;
    let recipients = recipients_for(store, shop, &orders, &sel)?;
    if recipients.is_empty() {
        return Err(PlanError::NoMatch);
    }
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or(default);
    Ok(Plan {
        base,
        name: crate::mail::sanitize::line(&name),
        selection: sel,
        recipients,
    })
}

/// The recipients of a selection: their language, and whether they need a personal reply.
pub fn recipients_for(
    store: &Store,
    shop: Language,
    orders: &[(OrderRow, Option<String>)],
    sel: &Selection,
) -> Result<Vec<Recipient>, StoreError> {
    let mut out = Vec::new();
    for c in select::choose(orders, sel) {
        let texts = store.customer_texts(&c.addr, -1, 5)?;
        let language = select::customer_language(&texts, c.country.as_deref(), shop);
        out.push(Recipient {
            held: store.personal_reason(&c.addr)?,
            addr: c.addr,
            name: c.name,
            language: language.code().to_string(),
            orders: c.orders,
            items: c.items,
            removed: false,
        });
    }
    Ok(out)
}

/// Saves the plan as a draft campaign; returns its id.
pub fn save(store: &mut Store, plan: &Plan) -> Result<i64, StoreError> {
    let selection = serde_json::to_string(&plan.selection).unwrap_or_else(|_| "{}".to_string());
    store.create_campaign(&plan.name, &plan.base, &selection, &plan.recipients)
}

/// Whether `a` can be a recipient's address (the rest is the mail server's to judge).
pub fn is_address(a: &str) -> bool {
    a.contains('@') && !a.contains(char::is_whitespace)
}

/// A list typed on one line ("1041, 1042 #1043"): its entries, split at commas, semicolons
/// and spaces.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A time in the past as the owner types it, in shop time: what an order export writes
/// ("2026-11-02", "2026-11-02 14:00", "02.11.2026"), or "today", "yesterday" (each with an
/// optional "14:00"), "14:00" (today), "3 days ago". A day alone is its start.
pub fn parse_time(s: &str, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
    if let Some(t) = super::import::parse_date(s, None, tz) {
        return Some(t);
    }
    let today = now.with_timezone(&tz).date_naive();
    let at = |day: NaiveDate, time: NaiveTime| {
        tz.from_local_datetime(&day.and_time(time))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    let hm = |w: &str| NaiveTime::parse_from_str(w, "%H:%M").ok();
    let day_word = |w: &str| match w.to_lowercase().as_str() {
        "today" => Some(today),
        "yesterday" => today.pred_opt(),
        _ => None,
    };
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.as_slice() {
        [one] => match (day_word(one), hm(one)) {
            (Some(d), _) => at(d, NaiveTime::MIN),
            (None, Some(t)) => at(today, t),
            _ => None,
        },
        [d, t] => at(day_word(d)?, hm(t)?),
        [n, unit, ago] if ago.eq_ignore_ascii_case("ago") => {
            let n: i64 = n.parse().ok()?;
            match unit.to_lowercase().trim_end_matches('s') {
                "day" => at(today - Duration::days(n), NaiveTime::MIN),
                "hour" => Some(now - Duration::hours(n)),
                "week" => at(today - Duration::weeks(n), NaiveTime::MIN),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn typed_times_in_shop_time() {
        // Thursday 2026-11-19 10:00 in Berlin (UTC+1).
        let now = utc("2026-11-19T09:00:00Z");
        let tz = chrono_tz::Europe::Berlin;
        let cases = [
            ("2026-11-02", Some("2026-11-01T23:00:00Z")),
            ("2026-11-02 14:00", Some("2026-11-02T13:00:00Z")),
            ("02.11.2026", Some("2026-11-01T23:00:00Z")),
            ("today", Some("2026-11-18T23:00:00Z")),
            ("yesterday 14:00", Some("2026-11-18T13:00:00Z")),
            ("Yesterday", Some("2026-11-17T23:00:00Z")),
            ("8:30", Some("2026-11-19T07:30:00Z")),
            ("3 days ago", Some("2026-11-15T23:00:00Z")),
            ("2 hours ago", Some("2026-11-19T07:00:00Z")),
            ("1 week ago", Some("2026-11-11T23:00:00Z")),
            ("last tuesday", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_time(text, now, tz), want.map(utc), "{text:?}");
        }
    }

    #[test]
    fn lists_split_at_commas_and_spaces() {
        assert_eq!(
            split_list(" 1041, 1042 #1043;;1044 "),
            ["1041", "1042", "#1043", "1044"]
        );
        assert!(split_list(" , ").is_empty());
        assert!(is_address("a@b.de"));
        assert!(!is_address("a b@c.de"));
        assert!(!is_address("nobody"));
    }
}
