//! Turning the raw shape into a [`Config`]: `[shop]`, `[hours]` (the business calendar),
//! paths, `[offers]`, `[send]`, `[sharing]`, and the sections with their own files
//! ([`super::server`], [`super::orders`], [`super::outreach`], [`super::attachments`]). Each
//! check names the key it is about, so its message carries the value as written and its line.

use super::load::{closest, is_plain_address, resolve_path, Ctx};
use super::raw::{RawConfig, RawHours, RawShop};
use super::{
    attachments, default_data_dir, default_installation_name, orders, outreach, Config,
    ConfigError, ShopConfig, DEFAULT_UNDO_SECONDS, MAX_UNDO_SECONDS,
};
use crate::deadline::{self, Calendar};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

impl Ctx<'_> {
    pub(super) fn build(&self, mut raw: RawConfig) -> Result<Config, ConfigError> {
        let base = self.path.parent();
        let shop = self.shop(raw.shop)?;
        let calendar = self.calendar(raw.hours)?;
        let store_path = match raw.store.path.as_deref() {
            None => None,
            Some(p) if p.trim().is_empty() => return Err(self.invalid(
                "store.path",
                "is empty; give a file path or remove the key to use the default data directory",
            )),
            Some(p) => Some(resolve_path(p, base)),
        };
        // OAuth sign-ins are kept next to the store when no keyring is available.
        let data_dir = match &store_path {
            Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => default_data_dir(),
        };
        let imap = match raw.imap {
            None => None,
            Some(r) => Some(self.imap(r, &data_dir)?),
        };
        let smtp = match &raw.smtp {
            None => None,
            Some(r) => Some(self.smtp(r, &data_dir, imap.as_ref())?),
        };
        let templates_dir = match raw.templates.dir.as_deref() {
            None => None,
            Some(p) if p.trim().is_empty() => {
                return Err(self.invalid(
                    "templates.dir",
                    "is empty; give a directory or remove the key to use templates/ next to the config file",
                ))
            }
            Some(p) => Some(resolve_path(p, base)),
        };
        let mut offers = BTreeMap::new();
        for (key, value) in raw.offers {
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(self.invalid(
                    &format!("offers.{key}"),
                    "is not a usable name; offer names are lower case letters, digits and `_` \
                     (templates write {offer.NAME})",
                ));
            }
            if value.trim().is_empty() {
                return Err(self.invalid(
                    &format!("offers.{key}"),
                    "is empty; give the text a template should write, or remove the key so \
                     that templates needing it are refused",
                ));
            }
            offers.insert(key, value.trim().to_string());
        }
        let sharing = match (raw.sharing.enabled, raw.sharing.name) {
            (false, _) => None,
            (true, Some(n)) if n.trim().is_empty() || n.chars().any(char::is_control) => {
                return Err(self.invalid(
                    "sharing.name",
                    "is empty or holds control characters; give the name the other copies \
                     should show for this one, e.g. \"Anna\"",
                ))
            }
            (true, Some(n)) => Some(n.trim().to_string()),
            (true, None) => Some(default_installation_name()),
        };
        Ok(Config {
            sharing,
            file: Some(self.path.to_path_buf()),
            shop,
            calendar,
            store_path,
            imap,
            smtp,
            keys: raw.keys,
            templates_dir,
            offers,
            order_import: outreach::build_import(self, raw.orders.import.take())?,
            outreach: outreach::build_outreach(self, raw.outreach)?,
            orders: orders::build(self, raw.orders)?,
            attachments: attachments::build(self, raw.attachments, base)?,
            undo_seconds: match raw.send.undo_seconds {
                None => DEFAULT_UNDO_SECONDS,
                Some(n) if (0..=MAX_UNDO_SECONDS as i64).contains(&n) => n as u64,
                Some(_) => {
                    return Err(self.invalid(
                        "send.undo_seconds",
                        "is out of range; give 0 (send at once) to 600 seconds",
                    ))
                }
            },
        })
    }

    fn shop(&self, raw: RawShop) -> Result<ShopConfig, ConfigError> {
        if raw.name.trim().is_empty() {
            return Err(self.invalid(
                "shop.name",
                "is empty; give the shop's name as customers know it",
            ));
        }
        if raw.addresses.is_empty() {
            return Err(self.invalid(
                "shop.addresses",
                "is empty; list the shop's own addresses, the first is used as From (e.g. [\"hello@yourshop.com\"])",
            ));
        }
        for (i, addr) in raw.addresses.iter().enumerate() {
            if !is_plain_address(addr.trim()) {
                return Err(self.invalid(
                    &format!("shop.addresses[{i}]"),
                    "is not a plain e-mail address; write it like \"hello@yourshop.com\" (no name, no <>)",
                ));
            }
        }
        let language = match raw.language.as_deref().map(str::trim) {
            None | Some("") => crate::template::Language::English,
            Some(code) => crate::template::Language::parse(code).ok_or_else(|| {
                self.invalid(
                    "shop.language",
                    format!(
                        "is not a language shopinbox writes; use one of {}",
                        crate::template::Language::ALL
                            .iter()
                            .map(|l| l.code())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        };
        let authserv_id = match raw.authserv_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) if id.contains(char::is_whitespace) || id.contains(';') => {
                return Err(self.invalid(
                    "shop.authserv_id",
                    "is not a server name; copy the first word of your provider's \
                     Authentication-Results header (e.g. \"mx.google.com\")",
                ))
            }
            Some(id) => Some(id.to_lowercase()),
        };
        Ok(ShopConfig {
            name: raw.name.trim().to_string(),
            owner_name: raw.owner_name.trim().to_string(),
            signature: raw.signature.trim_end().to_string(),
            addresses: raw.addresses.iter().map(|a| a.trim().to_string()).collect(),
            language,
            from_name: raw
                .from_name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            authserv_id,
        })
    }

    fn calendar(&self, raw: RawHours) -> Result<Calendar, ConfigError> {
        let wanted = raw.time_zone.trim();
        // Zone names are case-sensitive in the database; people are not.
        let tz = wanted.parse::<Tz>().ok().or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|t| t.name().eq_ignore_ascii_case(wanted))
                .copied()
        });
        let tz: Tz = tz.ok_or_else(|| {
            let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect();
            let hint = match closest(raw.time_zone.trim(), &names) {
                Some(name) => format!("did you mean \"{name}\"?"),
                None => "use a name such as \"Europe/Berlin\" or \"America/New_York\"".to_string(),
            };
            self.invalid(
                "hours.time_zone",
                format!("is not a known IANA time zone; {hint}"),
            )
        })?;

        let mut business_days = [false; 7];
        match &raw.business_days {
            None => business_days[..5].fill(true),
            Some(days) => {
                for (i, day) in days.iter().enumerate() {
                    let wd: Weekday = day.trim().parse().map_err(|_| {
                        self.invalid(
                            &format!("hours.business_days[{i}]"),
                            "is not a weekday; use mon, tue, wed, thu, fri, sat or sun",
                        )
                    })?;
                    if let Some(day) = business_days.get_mut(wd.num_days_from_monday() as usize) {
                        *day = true;
                    }
                }
            }
        }
        if !business_days.contains(&true) {
            return Err(self.invalid(
                "hours.business_days",
                "has no business days; list at least one, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]",
            ));
        }

        let time = |key: &str,
                    value: Option<&str>,
                    default: u32|
         -> Result<NaiveTime, ConfigError> {
            match value {
                None => Ok(NaiveTime::from_hms_opt(default, 0, 0).unwrap_or(NaiveTime::MIN)),
                Some(v) => NaiveTime::parse_from_str(v.trim(), "%H:%M").map_err(|_| {
                    self.invalid(
                        key,
                        "is not a time of day; write it as HH:MM on the 24-hour clock (e.g. \"17:00\")",
                    )
                }),
            }
        };
        let open = time("hours.open", raw.open.as_deref(), 9)?;
        let close = time("hours.close", raw.close.as_deref(), 17)?;
        if close <= open {
            let (key, problem) = if raw.close.is_some() {
                ("hours.close", format!("is not after hours.open ({}); closing time must be later than opening time on the same day", open.format("%H:%M")))
            } else {
                (
                    "hours.open",
                    format!(
                        "is not before the default closing time {}; set hours.close too",
                        close.format("%H:%M")
                    ),
                )
            };
            return Err(self.invalid(key, problem));
        }

        let mut holidays = BTreeSet::new();
        for (i, value) in raw.holidays.iter().enumerate() {
            match toml_date(value) {
                Some(d) => {
                    holidays.insert(d);
                }
                None => {
                    return Err(self.invalid(
                        &format!("hours.holidays[{i}]"),
                        "is not a date; write holidays as \"YYYY-MM-DD\" (e.g. \"2026-12-25\")",
                    ))
                }
            }
        }

        let day_minutes = (close - open).num_minutes();
        if i64::from(raw.cutoff_minutes) >= day_minutes {
            return Err(self.invalid(
                "hours.cutoff_minutes",
                format!(
                    "is not shorter than the business day ({}–{}, {day_minutes} minutes); use a smaller number, or 0 for no cut-off",
                    open.format("%H:%M"),
                    close.format("%H:%M")
                ),
            ));
        }
        let promise_cutoff = raw
            .promise_cutoff_minutes
            .unwrap_or(deadline::DEFAULT_PROMISE_CUTOFF_MINUTES);
        if i64::from(promise_cutoff) >= day_minutes {
            return Err(self.invalid(
                "hours.promise_cutoff_minutes",
                format!(
                    "is not shorter than the business day ({day_minutes} minutes); use a smaller number, or 0 for none"
                ),
            ));
        }
        let track = self.track_window(raw.track_days, raw.track_since.as_ref())?;
        Ok(Calendar {
            tz,
            business_days,
            open,
            close,
            holidays,
            cutoff: Duration::minutes(i64::from(raw.cutoff_minutes)),
            promise_cutoff: Duration::minutes(i64::from(promise_cutoff)),
            late_grace: Duration::minutes(i64::from(
                raw.late_grace_minutes
                    .unwrap_or(deadline::DEFAULT_LATE_GRACE_MINUTES),
            )),
            due_soon: Duration::minutes(i64::from(
                raw.due_soon_minutes
                    .unwrap_or(deadline::DEFAULT_DUE_SOON_MINUTES),
            )),
            track,
        })
    }

    /// `[hours] track_days` or `track_since` (not both): see `crate::tracking`.
    fn track_window(
        &self,
        days: Option<u32>,
        since: Option<&toml::Value>,
    ) -> Result<deadline::TrackWindow, ConfigError> {
        let since = match since {
            None => None,
            Some(value) => match toml_date(value) {
                Some(d) if d.year() < 1970 => {
                    return Err(self.invalid(
                        "hours.track_since",
                        "is before 1970; write the date from which customer mail counts (e.g. \"2026-01-01\")",
                    ))
                }
                Some(d) => Some(d),
                None => {
                    return Err(self.invalid(
                        "hours.track_since",
                        "is not a date; write it as \"YYYY-MM-DD\" (e.g. \"2026-01-01\")",
                    ))
                }
            },
        };
        match (days, since) {
            (Some(_), Some(_)) => Err(self.invalid(
                "hours.track_since",
                "cannot be set together with hours.track_days; keep one of them",
            )),
            (Some(n), None) if n > 366 => Err(self.invalid(
                "hours.track_days",
                "is more than a year of business days; use a smaller number, or track_since with a date",
            )),
            (Some(n), None) => Ok(deadline::TrackWindow::BusinessDays(n)),
            (None, Some(d)) => Ok(deadline::TrackWindow::Since(d)),
            (None, None) => Ok(deadline::TrackWindow::default()),
        }
    }
}

/// A date written as "YYYY-MM-DD" or as a bare TOML date.
fn toml_date(value: &toml::Value) -> Option<NaiveDate> {
    match value {
        toml::Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
        toml::Value::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        },
        _ => None,
    }
}
