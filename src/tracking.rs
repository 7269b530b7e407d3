//! The tracking window (DESIGN.md "Tracking window", issue 11): shopinbox starts watching a
//! mailbox at its first sync or import. Customer messages from before a window ahead of that
//! moment are history — not owed a reply, never late — because nobody expected the shop to
//! answer two-year-old mail the morning it installed shopinbox. Pure: no clock, no IO.

use crate::deadline::{local_instant, Calendar, TrackWindow};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How far back we look for business days. A calendar without any (which config validation
/// rejects) must not loop forever.
const SEARCH_DAYS: u32 = 2 * 366;

/// The first instant that is not history: customer messages received before it (when
/// tracking started at `start`) are history.
///
/// `BusinessDays(n)`: local midnight of the n-th business day before the day of `start`
/// (weekends and holidays skipped; with n = 0, midnight of the start day itself). The
/// weekend and holidays between that day and `start` are inside the window, so mail from
/// Saturday is not history on Monday. `Since(date)`: local midnight of `date`, but never
/// later than `start` (mail that arrived before the owner started is at most "since then").
pub fn history_cutoff(start: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
    let day = match cal.track {
        TrackWindow::Since(date) => date,
        TrackWindow::BusinessDays(n) => nth_business_day_before(cal.local_date(start), n, cal),
    };
    midnight(day, cal).min(start)
}

/// The local day `n` business days before `day` (`day` itself for 0).
fn nth_business_day_before(day: NaiveDate, n: u32, cal: &Calendar) -> NaiveDate {
    let mut found = 0;
    let mut d = day;
    for _ in 0..SEARCH_DAYS {
        if found == n {
            return d;
        }
        match d.pred_opt() {
            Some(p) => d = p,
            None => return d,
        }
        if cal.is_business_day(d) {
            found += 1;
        }
    }
    // No business days at all (an invalid calendar): n calendar days is a harmless answer.
    day - Duration::days(i64::from(n))
}

/// The first instant of local `day` (DST gaps at midnight move it forward, as the deadline
/// rules read local times).
fn midnight(day: NaiveDate, cal: &Calendar) -> DateTime<Utc> {
    local_instant(cal.tz, day.and_time(chrono::NaiveTime::MIN))
}

/// The date to give `UID SEARCH SINCE` so that every message at or after `cutoff` is found
/// whatever time zone the server uses for its dates: the day before the cut-off's UTC date
/// (SINCE compares dates only, in the server's zone, which is at most a day off UTC).
pub fn search_since(cutoff: DateTime<Utc>) -> NaiveDate {
    let d = cutoff.date_naive();
    d.pred_opt().unwrap_or(d)
}

/// A customer message received at `received_at` is history when tracking started at
/// `start` (no start yet: nothing is history).
pub fn is_history(received_at: i64, cutoff: Option<i64>) -> bool {
    cutoff.is_some_and(|c| received_at < c)
}

/// The cut-off in unix seconds, when tracking has started.
pub fn cutoff_secs(start: Option<i64>, cal: &Calendar) -> Option<i64> {
    let start = DateTime::<Utc>::from_timestamp(start?, 0)?;
    Some(history_cutoff(start, cal).timestamp())
}

/// The plain-words rule for `config check` and the README.
pub fn describe(cal: &Calendar) -> String {
    match cal.track {
        TrackWindow::BusinessDays(0) => "customer mail from before the day shopinbox first \
             synced or imported this mailbox is history: not in Needs reply, never late; it \
             stays in All, search and the customer's history, and under \"Older, never \
             answered\" (key 9) to sweep"
            .to_string(),
        TrackWindow::BusinessDays(n) => format!(
            "customer mail from before the {n} business day{} ahead of the first sync or \
             import is history: not in Needs reply, never late; it stays in All, search and \
             the customer's history, and under \"Older, never answered\" (key 9) to sweep",
            if n == 1 { "" } else { "s" }
        ),
        TrackWindow::Since(d) => format!(
            "customer mail from before {d} is history: not in Needs reply, never late; it \
             stays in All, search and the customer's history, and under \"Older, never \
             answered\" (key 9) to sweep"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn cal(track: TrackWindow) -> Calendar {
        let mut c = Calendar::office_hours(
            chrono_tz::Europe::Berlin,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        );
        c.track = track;
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2025, 12, 25).unwrap());
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2025, 12, 26).unwrap());
        c
    }
    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }
    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn cutoff_table() {
        use TrackWindow::{BusinessDays as B, Since};
        // (name, window, tracking start, want cut-off)
        let cases = [
            (
                "Wednesday: Tue, Mon, Fri -> Friday midnight (Berlin, winter)",
                B(3),
                "2025-11-26T09:30:00Z",
                "2025-11-20T23:00:00Z",
            ),
            (
                "Monday: Fri, Thu, Wed",
                B(3),
                "2025-11-24T07:00:00Z",
                "2025-11-18T23:00:00Z",
            ),
            (
                "Saturday start counts back from Friday",
                B(3),
                "2025-11-29T12:00:00Z",
                "2025-11-25T23:00:00Z",
            ),
            (
                "holidays are skipped (Dec 25/26)",
                B(3),
                "2025-12-29T08:00:00Z",
                "2025-12-21T23:00:00Z",
            ),
            ("zero days: the start day", B(0), "2025-11-26T09:30:00Z", "2025-11-25T23:00:00Z"),
            ("one day", B(1), "2025-11-26T09:30:00Z", "2025-11-24T23:00:00Z"),
            (
                "across the spring DST change (midnight is +01:00 before it)",
                B(3),
                "2025-04-01T08:00:00Z",
                "2025-03-26T23:00:00Z",
            ),
            (
                "across the autumn DST change (Oct 24 midnight is +02:00)",
                B(3),
                "2025-10-29T08:00:00Z",
                "2025-10-23T22:00:00Z",
            ),
            (
                "shortly after local midnight belongs to the new day",
                B(1),
                "2025-11-25T23:30:00Z",
                "2025-11-24T23:00:00Z",
            ),
            (
                "explicit date",
                Since(date("2025-01-01")),
                "2025-11-26T09:30:00Z",
                "2024-12-31T23:00:00Z",
            ),
            (
                "explicit date after the start: the start",
                Since(date("2026-01-01")),
                "2025-11-26T09:30:00Z",
                "2025-11-26T09:30:00Z",
            ),
        ];
        for (name, window, start, want) in cases {
            assert_eq!(history_cutoff(at(start), &cal(window)), at(want), "{name}");
        }
    }

    #[test]
    fn a_calendar_without_business_days_does_not_hang() {
        let mut c = cal(TrackWindow::BusinessDays(3));
        c.business_days = [false; 7];
        assert_eq!(
            history_cutoff(at("2025-11-26T09:30:00Z"), &c),
            at("2025-11-22T23:00:00Z")
        );
    }

    #[test]
    fn history_and_search_date() {
        let c = cal(TrackWindow::BusinessDays(3));
        let start = at("2025-11-26T09:30:00Z").timestamp();
        let cut = cutoff_secs(Some(start), &c).unwrap();
        assert!(is_history(cut - 1, Some(cut)));
        assert!(!is_history(cut, Some(cut)));
        assert!(!is_history(0, None), "before tracking starts nothing is history");
        assert_eq!(cutoff_secs(None, &c), None);
        assert_eq!(search_since(at("2025-11-20T23:00:00Z")), date("2025-11-19"));
    }

    #[test]
    fn described_in_plain_words() {
        assert!(describe(&cal(TrackWindow::BusinessDays(3))).contains("3 business days"));
        assert!(describe(&cal(TrackWindow::BusinessDays(1))).contains("1 business day ahead"));
        assert!(describe(&cal(TrackWindow::Since(date("2025-01-01")))).contains("2025-01-01"));
    }
}
