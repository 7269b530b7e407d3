//! How dates, times, durations and counts read everywhere (inbox, conversation, reply screens,
//! CLI list/show/overdue, statistics, status line): one style, so the owner learns it once.
//!
//! Dates are relative to the clock's `now` (never the wall clock, so `--now` and tests agree):
//! the year shows whenever it is not the current one ("22 Nov" this year, "22 Nov 2025"
//! before or after). Durations read "45m", "1h 36m", "2d 3h", never "1.6h". All pure.

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;

fn same_year(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> bool {
    at.with_timezone(&tz).year() == now.with_timezone(&tz).year()
}

/// A day: "22 Nov" in the current year, "22 Nov 2025" in any other.
pub fn day(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    if same_year(at, now, tz) {
        local.format("%-d %b").to_string()
    } else {
        local.format("%-d %b %Y").to_string()
    }
}

/// A day with its weekday: "Mon 24 Nov", "Mon 24 Nov 2025".
pub fn weekday(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "{} {}",
        at.with_timezone(&tz).format("%a"),
        day(at, now, tz)
    )
}

/// A moment spelled out: "Mon 24 Nov 17:00", "Mon 24 Nov 2025 17:00".
pub fn moment(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "{} {}",
        weekday(at, now, tz),
        at.with_timezone(&tz).format("%H:%M")
    )
}

/// A moment without the weekday, for narrow places: "24 Nov 17:00", "24 Nov 2025 17:00".
pub fn day_time(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "{} {}",
        day(at, now, tz),
        at.with_timezone(&tz).format("%H:%M")
    )
}

/// When something arrived, as short as its age allows: "09:12" today, "Mon 09:12" within the
/// week, "12 Nov" this year, "12 Nov 2025" before. At most [`RECEIVED_WIDTH`] columns.
pub fn received(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    let days = (now.with_timezone(&tz).date_naive() - local.date_naive()).num_days();
    if days == 0 {
        local.format("%H:%M").to_string()
    } else if (0..6).contains(&days) {
        local.format("%a %H:%M").to_string()
    } else {
        day(at, now, tz)
    }
}

/// The widest [`received`] text ("22 Nov 2025"): the inbox column is this wide.
pub const RECEIVED_WIDTH: u16 = 11;

/// [`received`] for a column [`RECEIVED_NARROW_WIDTH`] wide: "09:12", "Mon", "12 Nov", and
/// for another year the month and year, "Nov'25" (the day gives way to the year).
pub fn received_narrow(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    let days = (now.with_timezone(&tz).date_naive() - local.date_naive()).num_days();
    if days == 0 {
        local.format("%H:%M").to_string()
    } else if (0..6).contains(&days) {
        local.format("%a").to_string()
    } else if same_year(at, now, tz) {
        local.format("%-d %b").to_string()
    } else {
        local.format("%b'%y").to_string()
    }
}

/// The widest [`received_narrow`] text.
pub const RECEIVED_NARROW_WIDTH: u16 = 6;

/// A duration: "0m", "45m", "1h", "1h 36m", "1d", "2d 3h". Rounds down to the minute; the
/// sign is ignored (callers say "late" or "left").
pub fn duration(d: Duration) -> String {
    let minutes = d.num_minutes().unsigned_abs();
    let (days, hours, mins) = (minutes / (24 * 60), (minutes / 60) % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// Business time, in hours and minutes only ("26h 10m"): a day of opening hours is not 24
/// hours, so "1d" would mislead.
pub fn hours(d: Duration) -> String {
    let m = d.num_minutes().max(0);
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    }
}

/// A count with its noun: "1 conversation", "0 conversations", "3 templates". `many` is the
/// plural ("replies" for "reply").
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    #[test]
    fn days_show_the_year_only_when_it_is_not_the_current_one() {
        let now = utc("2026-11-19T15:00:00Z");
        for (at, want_day, want_moment) in [
            ("2026-11-22T10:00:00Z", "22 Nov", "Sun 22 Nov 11:00"),
            ("2026-01-02T10:00:00Z", "2 Jan", "Fri 2 Jan 11:00"),
            (
                "2025-11-22T10:00:00Z",
                "22 Nov 2025",
                "Sat 22 Nov 2025 11:00",
            ),
            ("2027-01-04T08:00:00Z", "4 Jan 2027", "Mon 4 Jan 2027 09:00"),
            // 23:30 UTC on 31 Dec is already the new year in Berlin.
            ("2025-12-31T23:30:00Z", "1 Jan", "Thu 1 Jan 00:30"),
        ] {
            assert_eq!(day(utc(at), now, BERLIN), want_day, "{at}");
            assert_eq!(moment(utc(at), now, BERLIN), want_moment, "{at}");
        }
        assert_eq!(
            day_time(utc("2025-11-22T10:00:00Z"), now, BERLIN),
            "22 Nov 2025 11:00"
        );
    }

    #[test]
    fn received_is_as_short_as_its_age_allows() {
        let now = utc("2026-11-19T15:00:00Z");
        for (at, wide, narrow) in [
            ("2026-11-19T08:12:00Z", "09:12", "09:12"),
            ("2026-11-18T23:30:00Z", "00:30", "00:30"),
            ("2026-11-16T08:12:00Z", "Mon 09:12", "Mon"),
            ("2026-10-02T08:12:00Z", "2 Oct", "2 Oct"),
            ("2025-11-22T08:12:00Z", "22 Nov 2025", "Nov'25"),
            ("2024-02-29T08:12:00Z", "29 Feb 2024", "Feb'24"),
        ] {
            let w = received(utc(at), now, BERLIN);
            let n = received_narrow(utc(at), now, BERLIN);
            assert_eq!(w, wide, "{at}");
            assert_eq!(n, narrow, "{at}");
            assert!(w.chars().count() <= usize::from(RECEIVED_WIDTH), "{w}");
            assert!(
                n.chars().count() <= usize::from(RECEIVED_NARROW_WIDTH),
                "{n}"
            );
        }
    }

    #[test]
    fn one_duration_style() {
        for (minutes, want) in [
            (0, "0m"),
            (45, "45m"),
            (60, "1h"),
            (96, "1h 36m"),
            (24 * 60, "1d"),
            (2 * 24 * 60 + 3 * 60 + 59, "2d 3h"),
            (-90, "1h 30m"),
        ] {
            assert_eq!(duration(Duration::minutes(minutes)), want, "{minutes}");
        }
        for (minutes, want) in [
            (0, "0m"),
            (45, "45m"),
            (60, "1h"),
            (26 * 60 + 10, "26h 10m"),
        ] {
            assert_eq!(hours(Duration::minutes(minutes)), want, "{minutes}");
        }
    }

    #[test]
    fn counts_agree_with_their_noun() {
        for (n, want) in [
            (0, "0 conversations"),
            (1, "1 conversation"),
            (2, "2 conversations"),
        ] {
            assert_eq!(count(n, "conversation", "conversations"), want);
        }
        assert_eq!(count(1, "reply", "replies"), "1 reply");
        assert_eq!(count(3, "reply", "replies"), "3 replies");
    }
}
