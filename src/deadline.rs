//! The shop's business calendar and the same-day response deadline. Pure: no IO, no clock.
//!
//! Rule (DESIGN.md): a customer message is due at the first close of business strictly after
//! it arrives, on a business day, in the shop's time zone, skipping holidays. With a cut-off of
//! N minutes, a message arriving less than N minutes before close rolls to the next business
//! day's close.
//!
//! Every function takes `now` as an argument instead of reading the clock, so the CLI's
//! `--now`, the demo and the tests can all ask "what would this look like at time T".

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc,
};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// Business hours, built from the `[hours]` config section.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub tz: Tz,
    /// Business weekdays, indexed by `Weekday::num_days_from_monday()`.
    pub business_days: [bool; 7],
    pub open: NaiveTime,
    pub close: NaiveTime,
    pub holidays: BTreeSet<NaiveDate>,
    /// Arrivals this close to closing time roll to the next business day (zero: none).
    pub cutoff: Duration,
    /// How long before due_at a message counts as "due soon".
    pub due_soon: Duration,
    /// A promise to follow up "by the end of the day" made this close to closing time is kept
    /// by the next business day's close (issue 21; the same rule as `cutoff` for mail).
    pub promise_cutoff: Duration,
    /// An answer after the deadline is not late while the shop is closed, nor for this long
    /// after it opens again (see [`late_after`]).
    pub late_grace: Duration,
    /// Which customer messages count from the moment shopinbox started watching the mailbox
    /// (older ones are history; see `crate::tracking`).
    pub track: TrackWindow,
}

/// How far before the tracking start customer messages still count (DESIGN.md "Tracking
/// window"). Lives with the calendar because it is counted in its business days, and because
/// the store recomputes every conversation when the calendar (this included) changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackWindow {
    /// The N business days before the day tracking started, from local midnight.
    BusinessDays(u32),
    /// Everything received from local midnight of this date on.
    Since(NaiveDate),
}

/// The window when the config sets none: the 3 business days before tracking started.
pub const DEFAULT_TRACK_DAYS: u32 = 3;

impl Default for TrackWindow {
    fn default() -> Self {
        TrackWindow::BusinessDays(DEFAULT_TRACK_DAYS)
    }
}

/// How far ahead we look for a business day. A calendar with no business days (which config
/// validation rejects) or a holiday list covering years must still never hang the UI.
const SEARCH_DAYS: u32 = 2 * 366;

/// The "due soon" warning window when the config does not set one (DESIGN.md: 60 minutes).
pub const DEFAULT_DUE_SOON_MINUTES: u32 = 60;

/// The cut-off for "by the end of the day" promises when the config sets no cut-off at all.
pub const DEFAULT_PROMISE_CUTOFF_MINUTES: u32 = 60;

/// How long after the shop opens again an answer to something due while it was closed is
/// still not late, when the config does not say.
pub const DEFAULT_LATE_GRACE_MINUTES: u32 = 30;

impl Calendar {
    /// Monday to Friday from `open` to `close` in `tz`, with no holidays, no cut-off and the
    /// default due-soon window: the plain shop week that the demo and the tests start from
    /// (struct update syntax adds holidays or a cut-off).
    pub fn office_hours(tz: Tz, open: NaiveTime, close: NaiveTime) -> Calendar {
        Calendar {
            tz,
            business_days: [true, true, true, true, true, false, false],
            open,
            close,
            holidays: BTreeSet::new(),
            cutoff: Duration::zero(),
            due_soon: Duration::minutes(i64::from(DEFAULT_DUE_SOON_MINUTES)),
            promise_cutoff: Duration::minutes(i64::from(DEFAULT_PROMISE_CUTOFF_MINUTES)),
            late_grace: Duration::minutes(i64::from(DEFAULT_LATE_GRACE_MINUTES)),
            track: TrackWindow::default(),
        }
    }

    /// Whether `date` (a local date in [`Calendar::tz`]) is a working day: a business weekday
    /// that is not a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        self.is_business_weekday(date) && !self.holidays.contains(&date)
    }

    /// Whether `date`'s weekday is one the shop works on (holidays aside).
    pub fn is_business_weekday(&self, date: NaiveDate) -> bool {
        // Monday..Sunday is 0..7, within the array.
        self.business_days
            .get(date.weekday().num_days_from_monday() as usize)
            .copied()
            .unwrap_or(false)
    }

    /// The instant the shop closes on local `date` (whether or not it is a business day).
    pub fn close_on(&self, date: NaiveDate) -> DateTime<Utc> {
        local_instant(self.tz, date.and_time(self.close))
    }

    /// The instant the shop opens on local `date` (whether or not it is a business day).
    pub fn open_on(&self, date: NaiveDate) -> DateTime<Utc> {
        local_instant(self.tz, date.and_time(self.open))
    }

    /// The local calendar date of an instant in the shop's time zone.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }
}

/// Turn a local wall-clock time into an instant, resolving DST edge cases the way a person
/// would read "we close at 02:30": when the time occurs twice (clocks go back) the first
/// occurrence counts, so a deadline is never silently an hour later; when it does not exist
/// (clocks jump forward) the time is read with the offset in force before the jump, i.e. it
/// moves forward by the size of the jump (02:30 in a 02:00→03:00 gap becomes 03:30).
pub(crate) fn local_instant(tz: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earliest, _latest) => earliest.with_timezone(&Utc),
        LocalResult::None => {
            // The offset a day earlier is the one in force before the gap (no zone changes
            // its offset twice within a day).
            let before = naive - Duration::days(1);
            let offset = tz.offset_from_utc_datetime(&before).fix();
            let utc = naive - Duration::seconds(i64::from(offset.local_minus_utc()));
            Utc.from_utc_datetime(&utc)
        }
    }
}

/// When a message that arrived at `received_at` must be answered: the first close of business
/// strictly after it, on a business day, rolled to the next business day when it arrived less
/// than `cal.cutoff` before close.
pub fn due_at(received_at: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
    close_after(received_at, cal.cutoff, cal)
}

/// "By the end of the day", promised at `made`: the close of the first business day the
/// promise can still be kept on. Made less than `cal.promise_cutoff` before close (or after
/// it, or on a closed day) it is the next business day's close (issue 21).
pub fn promise_end_of_day(made: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
    close_after(made, cal.promise_cutoff, cal)
}

/// Whether the shop is open at `t`: a business day, between opening and closing time.
pub fn is_open_at(t: DateTime<Utc>, cal: &Calendar) -> bool {
    let date = cal.local_date(t);
    cal.is_business_day(date) && cal.open_on(date) <= t && t < cal.close_on(date)
}

/// The first opening of a business day at or after `t`.
pub fn next_opening(t: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
    let mut date = cal.local_date(t);
    for _ in 0..SEARCH_DAYS {
        if cal.is_business_day(date) && cal.open_on(date) >= t {
            return cal.open_on(date);
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    t + Duration::days(1)
}

/// Until when an answer to something due at `due` is not late: the deadline itself when it
/// falls in opening hours, else (a deadline at closing time, on a closed day) the next opening
/// plus `cal.late_grace`. An answer before the shop reopens was not late for anyone.
pub fn late_after(due: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
    if is_open_at(due, cal) {
        due
    } else {
        next_opening(due, cal) + cal.late_grace
    }
}

/// How late an answer at `answered` is for something due at `due`, in business time (opening
/// hours only); `None` when it is not late (see [`late_after`]).
pub fn business_lateness(
    due: DateTime<Utc>,
    answered: DateTime<Utc>,
    cal: &Calendar,
) -> Option<Duration> {
    (answered > late_after(due, cal)).then(|| business_duration(due, answered, cal))
}

/// The first close on a business day strictly after `t` and at least `cutoff` after it.
fn close_after(t: DateTime<Utc>, cutoff: Duration, cal: &Calendar) -> DateTime<Utc> {
    let received_at = t;
    let mut date = cal.local_date(received_at);
    for _ in 0..SEARCH_DAYS {
        if cal.is_business_day(date) {
            let close = cal.close_on(date);
            if received_at < close && close - received_at >= cutoff {
                return close;
            }
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    // No business day within two years: an invalid calendar. A day later is a visible,
    // harmless answer; looping forever would freeze the inbox.
    received_at + Duration::days(1)
}

/// Where a customer message stands against its deadline at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineState {
    /// Not answered, and more than the due-soon window left.
    DueLater { due: DateTime<Utc> },
    /// Not answered, and within the due-soon window.
    DueSoon { due: DateTime<Utc> },
    /// Not answered, and the deadline has come (or passed by `by`).
    Overdue { due: DateTime<Utc>, by: Duration },
    /// Answered at or before the deadline.
    AnsweredOnTime {
        due: DateTime<Utc>,
        answered_at: DateTime<Utc>,
    },
    /// Answered after the deadline, `by` too late.
    AnsweredLate {
        due: DateTime<Utc>,
        answered_at: DateTime<Utc>,
        by: Duration,
    },
}

impl DeadlineState {
    /// The deadline, whatever the state.
    pub fn due(&self) -> DateTime<Utc> {
        match *self {
            DeadlineState::DueLater { due }
            | DeadlineState::DueSoon { due }
            | DeadlineState::Overdue { due, .. }
            | DeadlineState::AnsweredOnTime { due, .. }
            | DeadlineState::AnsweredLate { due, .. } => due,
        }
    }

    /// Whether the message still waits for a reply.
    pub fn is_open(&self) -> bool {
        matches!(
            self,
            DeadlineState::DueLater { .. }
                | DeadlineState::DueSoon { .. }
                | DeadlineState::Overdue { .. }
        )
    }

    /// A stable machine name for JSON output and scripts.
    pub fn as_str(&self) -> &'static str {
        match self {
            DeadlineState::DueLater { .. } => "due_later",
            DeadlineState::DueSoon { .. } => "due_soon",
            DeadlineState::Overdue { .. } => "overdue",
            DeadlineState::AnsweredOnTime { .. } => "answered_on_time",
            DeadlineState::AnsweredLate { .. } => "answered_late",
        }
    }

    /// How late: overdue by / answered late by; `None` when not late.
    pub fn late_by(&self) -> Option<Duration> {
        match *self {
            DeadlineState::Overdue { by, .. } | DeadlineState::AnsweredLate { by, .. } => Some(by),
            _ => None,
        }
    }
}

/// The state at `now` of a message received at `received_at` and (maybe) answered at
/// `answered_at`. An answer stamped after `now` is ignored, so asking about a past `now`
/// (`list --now`) shows the inbox as it really was at that moment.
pub fn state_at(
    received_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    cal: &Calendar,
) -> DeadlineState {
    let due = due_at(received_at, cal);
    match answered_at {
        Some(answered_at) if answered_at <= now => {
            if answered_at <= due {
                DeadlineState::AnsweredOnTime { due, answered_at }
            } else {
                DeadlineState::AnsweredLate {
                    due,
                    answered_at,
                    by: answered_at - due,
                }
            }
        }
        // At the deadline itself the message counts as overdue, as in the store's views.
        _ if now >= due => DeadlineState::Overdue { due, by: now - due },
        _ if due - now <= cal.due_soon => DeadlineState::DueSoon { due },
        _ => DeadlineState::DueLater { due },
    }
}

/// A compact duration for badges and status lines: "3d 4h", "2h 10m", "2h", "45m", "0m"
/// (the one style, see [`crate::human_time::duration`]).
pub fn format_duration(d: Duration) -> String {
    crate::human_time::duration(d)
}

/// A point in time as short as its distance from `now` allows, in the shop's zone: "17:00"
/// (today), "Mon 17:00" (within six days), "24 Dec 17:00" (later, or in the past), with the
/// year when it is not the current one ("4 Jan 2027 17:00").
pub fn short_when(at: DateTime<Utc>, now: DateTime<Utc>, cal: &Calendar) -> String {
    let local = at.with_timezone(&cal.tz);
    match (local.date_naive() - cal.local_date(now)).num_days() {
        0 => local.format("%H:%M").to_string(),
        1..=6 => local.format("%a %H:%M").to_string(),
        _ => crate::human_time::day_time(at, now, cal.tz),
    }
}

/// When something is due, as short as the distance allows: "due 17:00" (today),
/// "due Mon 17:00" (within six days), "due 24 Dec 17:00" (later, or in the past).
pub fn due_label(due: DateTime<Utc>, now: DateTime<Utc>, cal: &Calendar) -> String {
    format!("due {}", short_when(due, now, cal))
}

/// The short badge a list row shows for a message still waiting for a reply:
/// "OVERDUE 2h 10m" once `due` has passed, else "due 17:00" / "due Mon 17:00" /
/// "due 24 Dec 17:00" (see [`due_label`]).
pub fn badge(due: DateTime<Utc>, now: DateTime<Utc>, cal: &Calendar) -> String {
    if now >= due {
        format!("OVERDUE {}", format_duration(now - due))
    } else {
        due_label(due, now, cal)
    }
}

/// The badge for any state: like [`badge`] for open messages, with the time left when due
/// soon ("due in 45m"), and "answered" / "answered 1h 5m late" for answered ones.
pub fn state_badge(state: &DeadlineState, now: DateTime<Utc>, cal: &Calendar) -> String {
    match *state {
        DeadlineState::Overdue { due, .. } | DeadlineState::DueLater { due } => {
            badge(due, now, cal)
        }
        DeadlineState::DueSoon { due } => format!("due in {}", format_duration(due - now)),
        DeadlineState::AnsweredOnTime { .. } => "answered".to_string(),
        DeadlineState::AnsweredLate { by, .. } => {
            format!("answered {} late", format_duration(by))
        }
    }
}

/// An instant in the shop's zone, spelled out for people: "Mon 24 Nov 17:00 Europe/Berlin",
/// with the year when it is not the one of `now` ("Sat 22 Nov 2025 17:00 Europe/Berlin").
pub fn format_local(t: DateTime<Utc>, now: DateTime<Utc>, cal: &Calendar) -> String {
    format!(
        "{} {}",
        crate::human_time::moment(t, now, cal.tz),
        cal.tz.name()
    )
}

/// Business-hours time between two instants (open to close on business days only), so response
/// statistics do not count nights, weekends and holidays against the shop. Zero when `to` is
/// not after `from`; spans longer than ten years are counted over their last ten years.
pub fn business_duration(from: DateTime<Utc>, to: DateTime<Utc>, cal: &Calendar) -> Duration {
    if to <= from {
        return Duration::zero();
    }
    let from = from.max(to - Duration::days(3660));
    let last = cal.local_date(to);
    let mut date = cal.local_date(from);
    let mut total = Duration::zero();
    while date <= last {
        if cal.is_business_day(date) {
            let start = cal.open_on(date).max(from);
            let end = cal.close_on(date).min(to);
            if end > start {
                total += end - start;
            }
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    total
}

/// Sample arrivals and their deadlines, for `config check` to show what the calendar implies:
/// now, the next business morning, just before the next close, the next evening, the next
/// closed day and the next holiday. At most `n` pairs, sorted by arrival, `now` first.
pub fn next_deadlines(
    now: DateTime<Utc>,
    cal: &Calendar,
    n: usize,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let today = cal.local_date(now);
    let upcoming = |pred: &dyn Fn(NaiveDate) -> bool, limit: u32| -> Option<NaiveDate> {
        let mut date = today;
        for _ in 0..limit {
            if pred(date) {
                return Some(date);
            }
            date = date.succ_opt()?;
        }
        None
    };
    let at = |date: NaiveDate, time: NaiveTime| local_instant(cal.tz, date.and_time(time));
    let after_now = |t: DateTime<Utc>| (t > now).then_some(t);
    let mid_morning = cal.open + Duration::hours(1);
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(cal.open);

    let mut candidates: Vec<DateTime<Utc>> = vec![now];
    // The next business morning strictly after now.
    let mut date = today;
    for _ in 0..SEARCH_DAYS {
        if cal.is_business_day(date) {
            if let Some(t) = after_now(at(date, mid_morning.min(cal.close))) {
                candidates.push(t);
                break;
            }
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    // Just before the next close: shows the cut-off (or its absence).
    if let Some(close) = after_now(due_at(now, cal)) {
        let probe = close - cal.cutoff.max(Duration::zero()) / 2 - Duration::minutes(5);
        if let Some(t) = after_now(probe) {
            candidates.push(t);
        }
    }
    // The next evening, three hours after close (not tonight when `now` is already after
    // close: the first sample shows that case).
    if let Some(day) = upcoming(&|d| after_now(at(d, cal.close)).is_some(), 3) {
        candidates.push(at(day, cal.close) + Duration::hours(3));
    }
    // The next closed weekday (a weekend) and the next holiday, at noon.
    let closed_weekday = |d: NaiveDate| !cal.is_business_weekday(d);
    if let Some(day) = upcoming(&|d| closed_weekday(d) && at(d, noon) > now, 8) {
        candidates.push(at(day, noon));
    }
    if let Some(day) = upcoming(
        &|d| cal.holidays.contains(&d) && !closed_weekday(d) && at(d, noon) > now,
        366,
    ) {
        candidates.push(at(day, noon));
    }

    let mut chosen: Vec<DateTime<Utc>> = Vec::new();
    for t in candidates {
        if chosen.len() == n {
            break;
        }
        if !chosen.contains(&t) {
            chosen.push(t);
        }
    }
    chosen.sort();
    chosen.into_iter().map(|t| (t, due_at(t, cal))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    fn time(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Mon–Fri 09:00–17:00 in `tz`, Easter Monday 2026 and Christmas as holidays.
    fn cal_in(tz: Tz) -> Calendar {
        Calendar {
            holidays: [date("2026-04-06"), date("2026-12-25")]
                .into_iter()
                .collect(),
            ..Calendar::office_hours(tz, time("09:00"), time("17:00"))
        }
    }

    fn berlin() -> Calendar {
        cal_in(chrono_tz::Europe::Berlin)
    }

    /// A local wall time in `cal.tz` as an instant ("2026-11-23 10:00").
    fn local(cal: &Calendar, s: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
            .unwrap();
        cal.tz
            .from_local_datetime(&naive)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn due_at_table_berlin() {
        let cal = berlin();
        // 2026-11-23 is a Monday.
        let cases = [
            ("weekday morning", "2026-11-24 10:15", "2026-11-24 17:00"),
            ("weekday afternoon", "2026-11-24 15:30", "2026-11-24 17:00"),
            ("after close", "2026-11-24 17:30", "2026-11-25 17:00"),
            ("overnight", "2026-11-25 02:10", "2026-11-25 17:00"),
            ("before opening", "2026-11-25 07:00", "2026-11-25 17:00"),
            (
                "exactly at close",
                "2026-11-24 17:00:00",
                "2026-11-25 17:00",
            ),
            (
                "one second before close",
                "2026-11-24 16:59:59",
                "2026-11-24 17:00",
            ),
            ("friday evening", "2026-11-27 18:00", "2026-11-30 17:00"),
            ("saturday", "2026-11-28 11:00", "2026-11-30 17:00"),
            ("sunday", "2026-11-29 23:59", "2026-11-30 17:00"),
            (
                "midnight starting monday",
                "2026-11-30 00:00",
                "2026-11-30 17:00",
            ),
            ("holiday monday", "2026-04-06 10:00", "2026-04-07 17:00"),
            (
                "weekend before holiday monday",
                "2026-04-04 10:00",
                "2026-04-07 17:00",
            ),
            ("christmas friday", "2026-12-24 17:05", "2026-12-28 17:00"),
            // Spring forward: 2026-03-29 is a Sunday, 02:00 → 03:00.
            (
                "spring forward sunday",
                "2026-03-29 03:30",
                "2026-03-30 17:00",
            ),
            (
                "spring forward friday",
                "2026-03-27 18:00",
                "2026-03-30 17:00",
            ),
            // Autumn back: 2026-10-25 is a Sunday, 03:00 → 02:00.
            (
                "autumn back weekend",
                "2026-10-24 12:00",
                "2026-10-26 17:00",
            ),
            ("autumn back monday", "2026-10-26 09:00", "2026-10-26 17:00"),
        ];
        for (name, arrival, want) in cases {
            assert_eq!(
                due_at(local(&cal, arrival), &cal),
                local(&cal, want),
                "{name}: arrival {arrival}"
            );
        }
    }

    #[test]
    fn dst_changes_keep_close_in_local_time() {
        let cal = berlin();
        // Before the spring change 17:00 CET is 16:00 UTC; after it, 17:00 CEST is 15:00 UTC.
        assert_eq!(
            due_at(utc("2026-03-27T10:00:00Z"), &cal),
            utc("2026-03-27T16:00:00Z")
        );
        assert_eq!(
            due_at(utc("2026-03-28T10:00:00Z"), &cal),
            utc("2026-03-30T15:00:00Z")
        );
        // Autumn: Friday 23 Oct is CEST, Monday 26 Oct is CET.
        assert_eq!(
            due_at(utc("2026-10-23T16:00:00Z"), &cal),
            utc("2026-10-26T16:00:00Z")
        );
    }

    #[test]
    fn close_inside_dst_gap_or_overlap_resolves() {
        // An all-night shop closing at 02:30, open every day: on 29 Mar 2026 02:30 does not
        // exist in Berlin; on 25 Oct 2026 it happens twice.
        let mut cal = berlin();
        cal.business_days = [true; 7];
        cal.holidays.clear();
        cal.open = time("00:00");
        cal.close = time("02:30");
        // Gap: read with the winter offset → 01:30 UTC (03:30 CEST on the wall clock).
        let due = due_at(utc("2026-03-29T00:10:00Z"), &cal);
        assert_eq!(due, utc("2026-03-29T01:30:00Z"));
        assert_eq!(
            format_local(due, due, &cal),
            "Sun 29 Mar 03:30 Europe/Berlin"
        );
        // Overlap: the first 02:30 (CEST, 00:30 UTC), not the second one an hour later.
        assert_eq!(
            due_at(utc("2026-10-24T23:00:00Z"), &cal),
            utc("2026-10-25T00:30:00Z")
        );
        // Arriving between the two 02:30s: the next day's close.
        assert_eq!(
            due_at(utc("2026-10-25T01:00:00Z"), &cal),
            utc("2026-10-26T01:30:00Z")
        );
    }

    #[test]
    fn non_utc_zones() {
        let ny = cal_in(chrono_tz::America::New_York);
        // Friday 27 Nov 2026 16:00 EST is 21:00 UTC (already Friday night in Europe).
        assert_eq!(
            due_at(utc("2026-11-27T21:00:00Z"), &ny),
            utc("2026-11-27T22:00:00Z")
        );
        // 23:30 UTC Friday is 18:30 EST Friday: after close → Monday 17:00 EST = 22:00 UTC.
        assert_eq!(
            due_at(utc("2026-11-27T23:30:00Z"), &ny),
            utc("2026-11-30T22:00:00Z")
        );
        let sydney = cal_in(chrono_tz::Australia::Sydney);
        // Sunday 22:00 UTC is Monday 09:00 AEDT in Sydney: due Monday 17:00 AEDT (06:00 UTC).
        assert_eq!(
            due_at(utc("2026-11-29T22:00:00Z"), &sydney),
            utc("2026-11-30T06:00:00Z")
        );
    }

    #[test]
    fn cutoff_rolls_late_arrivals() {
        let mut cal = berlin();
        cal.cutoff = Duration::minutes(30);
        let cases = [
            (
                "well before cut-off",
                "2026-11-24 16:00",
                "2026-11-24 17:00",
            ),
            (
                "exactly at cut-off stays",
                "2026-11-24 16:30:00",
                "2026-11-24 17:00",
            ),
            (
                "inside cut-off rolls",
                "2026-11-24 16:30:01",
                "2026-11-25 17:00",
            ),
            (
                "friday inside cut-off",
                "2026-11-27 16:45",
                "2026-11-30 17:00",
            ),
        ];
        for (name, arrival, want) in cases {
            assert_eq!(
                due_at(local(&cal, arrival), &cal),
                local(&cal, want),
                "{name}"
            );
        }
    }

    #[test]
    fn calendar_without_business_days_terminates() {
        let mut cal = berlin();
        cal.business_days = [false; 7];
        let t = utc("2026-11-24T10:00:00Z");
        assert_eq!(due_at(t, &cal), t + Duration::days(1));
    }

    #[test]
    fn state_transitions() {
        let cal = berlin();
        let received = local(&cal, "2026-11-24 10:00");
        let due = local(&cal, "2026-11-24 17:00");
        let cases = [
            (
                "fresh",
                None,
                "2026-11-24 10:05",
                DeadlineState::DueLater { due },
            ),
            (
                "edge of window",
                None,
                "2026-11-24 16:00",
                DeadlineState::DueSoon { due },
            ),
            (
                "due soon",
                None,
                "2026-11-24 16:30",
                DeadlineState::DueSoon { due },
            ),
            (
                "one minute left",
                None,
                "2026-11-24 16:59",
                DeadlineState::DueSoon { due },
            ),
            (
                "exactly due",
                None,
                "2026-11-24 17:00",
                DeadlineState::Overdue {
                    due,
                    by: Duration::zero(),
                },
            ),
            (
                "overdue",
                None,
                "2026-11-24 19:10",
                DeadlineState::Overdue {
                    due,
                    by: Duration::minutes(130),
                },
            ),
            (
                "answered on time",
                Some("2026-11-24 12:00"),
                "2026-11-25 09:00",
                DeadlineState::AnsweredOnTime {
                    due,
                    answered_at: local(&cal, "2026-11-24 12:00"),
                },
            ),
            (
                "answered exactly at due",
                Some("2026-11-24 17:00"),
                "2026-11-25 09:00",
                DeadlineState::AnsweredOnTime {
                    due,
                    answered_at: due,
                },
            ),
            (
                "answered late",
                Some("2026-11-25 09:05"),
                "2026-11-25 10:00",
                DeadlineState::AnsweredLate {
                    due,
                    answered_at: local(&cal, "2026-11-25 09:05"),
                    by: Duration::minutes(16 * 60 + 5),
                },
            ),
            (
                "answer after now is not yet an answer",
                Some("2026-11-25 09:05"),
                "2026-11-24 18:00",
                DeadlineState::Overdue {
                    due,
                    by: Duration::hours(1),
                },
            ),
        ];
        for (name, answered, now, want) in cases {
            let got = state_at(
                received,
                answered.map(|a| local(&cal, a)),
                local(&cal, now),
                &cal,
            );
            assert_eq!(got, want, "{name}");
            assert_eq!(got.due(), due, "{name}");
        }
    }

    #[test]
    fn durations_and_badges() {
        for (minutes, want) in [
            (0, "0m"),
            (45, "45m"),
            (60, "1h"),
            (130, "2h 10m"),
            (24 * 60, "1d"),
            (3 * 24 * 60 + 4 * 60 + 59, "3d 4h"),
            (-90, "1h 30m"),
        ] {
            assert_eq!(
                format_duration(Duration::minutes(minutes)),
                want,
                "{minutes}"
            );
        }
        let cal = berlin();
        let now = local(&cal, "2026-11-24 14:00"); // Tuesday
        let badge_for = |received: &str, answered: Option<&str>| {
            let st = state_at(
                local(&cal, received),
                answered.map(|a| local(&cal, a)),
                now,
                &cal,
            );
            state_badge(&st, now, &cal)
        };
        assert_eq!(badge_for("2026-11-23 11:00", None), "OVERDUE 21h");
        assert_eq!(badge_for("2026-11-24 10:00", None), "due 17:00");
        assert_eq!(
            badge_for("2026-11-23 18:00", Some("2026-11-24 12:00")),
            "answered"
        );
        assert_eq!(
            badge_for("2026-11-20 10:00", Some("2026-11-23 09:10")),
            "answered 2d 16h late"
        );
        let soon = local(&cal, "2026-11-24 16:15");
        let st = state_at(local(&cal, "2026-11-24 10:00"), None, soon, &cal);
        assert_eq!(state_badge(&st, soon, &cal), "due in 45m");
        assert_eq!(
            badge(local(&cal, "2026-11-24 17:00"), soon, &cal),
            "due 17:00"
        );
        assert_eq!(
            badge(local(&cal, "2026-11-24 12:00"), now, &cal),
            "OVERDUE 2h"
        );
        assert_eq!(badge(now, now, &cal), "OVERDUE 0m");
        assert_eq!(
            badge(local(&cal, "2026-11-30 17:00"), now, &cal),
            "due Mon 17:00"
        );
        assert_eq!(
            badge(local(&cal, "2026-12-24 17:00"), now, &cal),
            "due 24 Dec 17:00"
        );
        assert_eq!(
            due_label(local(&cal, "2026-11-27 17:00"), now, &cal),
            "due Fri 17:00"
        );
        assert_eq!(
            due_label(local(&cal, "2026-12-24 17:00"), now, &cal),
            "due 24 Dec 17:00"
        );
    }

    #[test]
    fn short_when_table() {
        let cal = berlin();
        let now = local(&cal, "2026-11-24 14:00");
        for (at, want) in [
            ("2026-11-24 09:30", "09:30"),
            ("2026-11-24 23:59", "23:59"),
            ("2026-11-25 00:00", "Wed 00:00"),
            ("2026-11-30 17:00", "Mon 17:00"),
            ("2026-12-01 17:00", "1 Dec 17:00"),
            ("2026-11-23 17:00", "23 Nov 17:00"),
        ] {
            assert_eq!(short_when(local(&cal, at), now, &cal), want, "{at}");
        }
    }

    #[test]
    fn format_local_names_the_zone() {
        let cal = berlin();
        assert_eq!(
            format_local(
                utc("2026-11-24T16:00:00Z"),
                utc("2026-11-24T16:00:00Z"),
                &cal
            ),
            "Tue 24 Nov 17:00 Europe/Berlin"
        );
        assert_eq!(
            format_local(
                utc("2026-12-03T08:05:00Z"),
                utc("2026-11-24T16:00:00Z"),
                &cal
            ),
            "Thu 3 Dec 09:05 Europe/Berlin"
        );
    }

    #[test]
    fn business_duration_table() {
        let cal = berlin();
        let cases = [
            ("same hour", "2026-11-24 10:00", "2026-11-24 10:45", 45),
            ("overnight", "2026-11-24 16:00", "2026-11-25 10:00", 120),
            (
                "across a weekend",
                "2026-11-27 16:00",
                "2026-11-30 10:00",
                120,
            ),
            ("weekend only", "2026-11-28 10:00", "2026-11-29 18:00", 0),
            (
                "evening to morning",
                "2026-11-24 20:00",
                "2026-11-25 08:00",
                0,
            ),
            ("across holiday", "2026-04-03 16:30", "2026-04-07 09:30", 60),
            ("reversed", "2026-11-25 10:00", "2026-11-24 10:00", 0),
            (
                "full week",
                "2026-11-23 00:00",
                "2026-11-30 00:00",
                5 * 8 * 60,
            ),
            // The DST night does not change an 8-hour business day.
            (
                "dst friday to monday",
                "2026-03-27 09:00",
                "2026-03-30 17:00",
                16 * 60,
            ),
        ];
        for (name, from, to, minutes) in cases {
            assert_eq!(
                business_duration(local(&cal, from), local(&cal, to), &cal),
                Duration::minutes(minutes),
                "{name}"
            );
        }
    }

    #[test]
    fn next_deadlines_samples() {
        let mut cal = berlin();
        cal.cutoff = Duration::minutes(30);
        let now = local(&cal, "2026-11-23 19:40"); // Monday evening
        let samples = next_deadlines(now, &cal, 6);
        assert_eq!(samples[0], (now, local(&cal, "2026-11-24 17:00")));
        assert!(samples.len() >= 4, "{samples:?}");
        assert!(
            samples.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted: {samples:?}"
        );
        for (arrival, due) in &samples {
            assert_eq!(*due, due_at(*arrival, &cal));
            assert!(*arrival >= now);
        }
        // The weekend sample rolls to Monday.
        let saturday = local(&cal, "2026-11-28 12:00");
        assert!(
            samples.contains(&(saturday, local(&cal, "2026-11-30 17:00"))),
            "{samples:?}"
        );
        // Just inside the cut-off before Tuesday's close → Wednesday.
        assert!(samples
            .iter()
            .any(|(a, d)| *a > local(&cal, "2026-11-24 16:30")
                && *d == local(&cal, "2026-11-25 17:00")));
        assert_eq!(next_deadlines(now, &cal, 2).len(), 2);
        assert!(next_deadlines(now, &cal, 0).is_empty());
    }

    #[test]
    fn lateness_counts_business_time_only() {
        let cal = Calendar {
            holidays: [date("2026-04-06"), date("2026-11-25"), date("2026-12-25")]
                .into_iter()
                .collect(),
            ..berlin()
        };
        // (name, due, answered, business lateness in minutes)
        let cases = [
            (
                "answered the same evening",
                "2026-11-23 17:00",
                "2026-11-23 17:05",
                None,
            ),
            (
                "answered before opening",
                "2026-11-23 17:00",
                "2026-11-24 08:30",
                None,
            ),
            (
                "in the grace after opening",
                "2026-11-23 17:00",
                "2026-11-24 09:30",
                None,
            ),
            (
                "after the grace",
                "2026-11-23 17:00",
                "2026-11-24 09:31",
                Some(31),
            ),
            (
                "a day late",
                "2026-11-23 17:00",
                "2026-11-24 17:00",
                Some(480),
            ),
            (
                "after the Wednesday holiday",
                "2026-11-24 17:00",
                "2026-11-26 08:31",
                None,
            ),
            (
                "late after the holiday",
                "2026-11-24 17:00",
                "2026-11-26 09:45",
                Some(45),
            ),
            (
                "over Easter Monday",
                "2026-04-03 17:00",
                "2026-04-07 09:10",
                None,
            ),
            (
                "late over Easter",
                "2026-04-03 17:00",
                "2026-04-07 10:00",
                Some(60),
            ),
            (
                "over the weekend",
                "2026-11-27 17:00",
                "2026-11-30 09:00",
                None,
            ),
            // Clocks go forward on Sunday 29 March, back on Sunday 25 October.
            (
                "over the spring change",
                "2026-03-27 17:00",
                "2026-03-30 09:20",
                None,
            ),
            (
                "late over the spring change",
                "2026-03-27 17:00",
                "2026-03-30 11:00",
                Some(120),
            ),
            (
                "late over the autumn change",
                "2026-10-23 17:00",
                "2026-10-26 10:00",
                Some(60),
            ),
            // A deadline inside opening hours (a promise "in 4 hours") has no grace.
            (
                "due in opening hours",
                "2026-11-23 14:00",
                "2026-11-23 14:01",
                Some(1),
            ),
            (
                "on time in opening hours",
                "2026-11-23 14:00",
                "2026-11-23 14:00",
                None,
            ),
            (
                "due on a Saturday",
                "2026-11-28 10:00",
                "2026-11-30 09:15",
                None,
            ),
        ];
        for (name, due, answered, want) in cases {
            let got = business_lateness(local(&cal, due), local(&cal, answered), &cal);
            assert_eq!(got.map(|d| d.num_minutes()), want, "{name}");
        }
        // A shop open every day 01:00–23:00: the days the clocks change are an hour shorter
        // (spring) and longer (autumn) in real time; lateness counts real business time.
        let daily = Calendar {
            business_days: [true; 7],
            ..Calendar::office_hours(chrono_tz::Europe::Berlin, time("01:00"), time("23:00"))
        };
        let cases = [
            (
                "spring: 23-hour day",
                "2026-03-28 23:00",
                "2026-03-29 23:00",
                Some(21 * 60),
            ),
            (
                "autumn: 25-hour day",
                "2026-10-24 23:00",
                "2026-10-25 23:00",
                Some(23 * 60),
            ),
            (
                "spring: before the grace ends",
                "2026-03-28 23:00",
                "2026-03-29 01:30",
                None,
            ),
        ];
        for (name, due, answered, want) in cases {
            let got = business_lateness(local(&daily, due), local(&daily, answered), &daily);
            assert_eq!(got.map(|d| d.num_minutes()), want, "{name}");
        }
    }

    #[test]
    fn late_day_promise_rolls_to_the_next_business_day() {
        let cal = Calendar {
            holidays: [date("2026-11-25")].into_iter().collect(),
            ..berlin()
        };
        // (name, promise made at, end of the day it means)
        let cases = [
            ("in the morning", "2026-11-23 10:00", "2026-11-23 17:00"),
            (
                "exactly the cut-off before close",
                "2026-11-23 16:00",
                "2026-11-23 17:00",
            ),
            ("inside the cut-off", "2026-11-23 16:01", "2026-11-24 17:00"),
            ("at 16:45", "2026-11-23 16:45", "2026-11-24 17:00"),
            ("after close", "2026-11-23 18:00", "2026-11-24 17:00"),
            ("before the holiday", "2026-11-24 16:30", "2026-11-26 17:00"),
            ("on the holiday", "2026-11-25 11:00", "2026-11-26 17:00"),
            ("Friday afternoon", "2026-11-27 16:30", "2026-11-30 17:00"),
            ("Saturday", "2026-11-28 10:00", "2026-11-30 17:00"),
        ];
        for (name, made, want) in cases {
            assert_eq!(
                promise_end_of_day(local(&cal, made), &cal),
                local(&cal, want),
                "{name}"
            );
        }
        // Incoming mail keeps its own cut-off (none here): 16:45 is due the same day.
        assert_eq!(
            due_at(local(&cal, "2026-11-23 16:45"), &cal),
            local(&cal, "2026-11-23 17:00")
        );
    }
}
