//! Snooze times: the presets offered in the snooze menu and the typed form
//! ("2026-11-25 14:00", "14:00", "tomorrow 9:00"), all in the shop's time zone. Pure.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error("cannot read \"{0}\" as a time; type e.g. \"2026-11-25 14:00\", \"tomorrow 9:00\" or \"14:00\"")]
    Unreadable(String),
    #[error("cannot snooze until {0}: that time is already past")]
    Past(String),
    #[error("cannot snooze until {0}: that local time does not exist (clock change)")]
    Nonexistent(String),
}

/// A local wall-clock time in `tz` → UTC; the earlier instant when the clock falls back.
fn local(tz: Tz, dt: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&dt)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn nine() -> NaiveTime {
    NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// The snooze menu: label and instant, in the order shown.
pub fn presets(now: DateTime<Utc>, tz: Tz) -> Vec<(String, DateTime<Utc>)> {
    let today = now.with_timezone(&tz).date_naive();
    let mut out = vec![("in 1 hour".to_string(), now + Duration::hours(1))];
    if let Some(t) = today.succ_opt().and_then(|d| local(tz, d.and_time(nine()))) {
        out.push(("tomorrow 9:00".to_string(), t));
    }
    let mut monday = today + Duration::days(1);
    while monday.weekday() != Weekday::Mon {
        monday += Duration::days(1);
    }
    if let Some(t) = local(tz, monday.and_time(nine())) {
        out.push(("next Monday 9:00".to_string(), t));
    }
    out
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// Reads a typed snooze time; it must lie in the future.
pub fn parse(input: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, WhenError> {
    let text = input.trim();
    let unreadable = || WhenError::Unreadable(text.to_string());
    let today = now.with_timezone(&tz).date_naive();
    let words: Vec<&str> = text.split_whitespace().collect();
    let naive = match words.as_slice() {
        [date, time] => {
            let day = match date.to_ascii_lowercase().as_str() {
                "today" => today,
                "tomorrow" => today.succ_opt().ok_or_else(unreadable)?,
                d => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| unreadable())?,
            };
            day.and_time(parse_time(time).ok_or_else(unreadable)?)
        }
        [one] => {
            if let Some(t) = parse_time(one) {
                let candidate = today.and_time(t);
                // "14:00" after 14:00 means tomorrow's.
                match local(tz, candidate) {
                    Some(at) if at > now => candidate,
                    _ => today.succ_opt().ok_or_else(unreadable)?.and_time(t),
                }
            } else {
                NaiveDate::parse_from_str(one, "%Y-%m-%d")
                    .map_err(|_| unreadable())?
                    .and_time(nine())
            }
        }
        _ => return Err(unreadable()),
    };
    let at = local(tz, naive).ok_or_else(|| WhenError::Nonexistent(text.to_string()))?;
    if at <= now {
        return Err(WhenError::Past(text.to_string()));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn presets_in_shop_time() {
        // Thursday 2026-11-19 10:00 in Berlin (UTC+1).
        let now = utc("2026-11-19T09:00:00Z");
        let p = presets(now, chrono_tz::Europe::Berlin);
        assert_eq!(p[0], ("in 1 hour".to_string(), utc("2026-11-19T10:00:00Z")));
        assert_eq!(
            p[1],
            ("tomorrow 9:00".to_string(), utc("2026-11-20T08:00:00Z"))
        );
        assert_eq!(
            p[2],
            ("next Monday 9:00".to_string(), utc("2026-11-23T08:00:00Z"))
        );
    }

    #[test]
    fn monday_preset_on_a_monday_is_next_week() {
        let now = utc("2026-11-23T07:00:00Z");
        let p = presets(now, chrono_tz::UTC);
        assert_eq!(p[2].1, utc("2026-11-30T09:00:00Z"));
    }

    #[test]
    fn parses_typed_times() {
        let now = utc("2026-11-19T09:00:00Z");
        let tz = chrono_tz::Europe::Berlin;
        let ok: &[(&str, &str)] = &[
            ("2026-11-25 14:00", "2026-11-25T13:00:00Z"),
            ("  2026-11-25   14:00 ", "2026-11-25T13:00:00Z"),
            ("tomorrow 9:00", "2026-11-20T08:00:00Z"),
            ("today 17:30", "2026-11-19T16:30:00Z"),
            ("17:30", "2026-11-19T16:30:00Z"),
            ("8:00", "2026-11-20T07:00:00Z"),
            ("2026-12-01", "2026-12-01T08:00:00Z"),
        ];
        for (input, want) in ok {
            assert_eq!(parse(input, now, tz), Ok(utc(want)), "{input}");
        }
        type Check = fn(&WhenError) -> bool;
        let bad: &[(&str, Check)] = &[
            ("next week", |e| matches!(e, WhenError::Unreadable(_))),
            ("2026-13-01 10:00", |e| {
                matches!(e, WhenError::Unreadable(_))
            }),
            ("25:00", |e| matches!(e, WhenError::Unreadable(_))),
            ("", |e| matches!(e, WhenError::Unreadable(_))),
            ("2020-01-01 10:00", |e| matches!(e, WhenError::Past(_))),
            ("today 8:00", |e| matches!(e, WhenError::Past(_))),
        ];
        for (input, check) in bad {
            let err = parse(input, now, tz).unwrap_err();
            assert!(check(&err), "{input}: {err:?}");
            assert!(err.to_string().starts_with("cannot"));
        }
    }

    #[test]
    fn nonexistent_local_time_is_reported() {
        // Europe/Berlin skips 02:00–03:00 on 2026-03-29.
        let now = utc("2026-03-01T00:00:00Z");
        let err = parse("2026-03-29 02:30", now, chrono_tz::Europe::Berlin).unwrap_err();
        assert!(matches!(err, WhenError::Nonexistent(_)));
    }
}
