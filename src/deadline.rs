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
#[path = "deadline_tests.rs"]
mod tests;
