//! The messages-per-day series made compact for people: a month of mostly quiet days should
//! not read as 27 rows (or bars) of zero. Quiet days before the first busy one, and runs of
//! quiet days between busy ones, fold into one "no customer mail" span. Pure.

use chrono::NaiveDate;

/// Runs of at least this many quiet days between busy ones fold into a [`DayRun::Quiet`].
pub const FOLD_QUIET: usize = 3;

/// One entry of the compact series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRun {
    /// A day shown on its own (busy, or a short quiet pause between busy days).
    Day(NaiveDate, usize),
    /// Consecutive days without customer mail, first and last day.
    Quiet(NaiveDate, NaiveDate),
}

/// Folds `per_day` (every day of the period, oldest first): leading quiet days and quiet
/// runs of [`FOLD_QUIET`] days or more become one [`DayRun::Quiet`]; the last day (today)
/// is always shown, even when quiet, so the series ends where the period ends.
pub fn compact(per_day: &[(NaiveDate, usize)]) -> Vec<DayRun> {
    let mut out = Vec::new();
    // Today always shows on its own, after the days before it.
    let Some((&(today, today_n), before)) = per_day.split_last() else {
        return out;
    };
    let mut rest = before;
    let mut leading = true;
    while let Some((&(day, n), tail)) = rest.split_first() {
        if n > 0 {
            out.push(DayRun::Day(day, n));
            rest = tail;
            leading = false;
            continue;
        }
        // A quiet run (today excluded).
        let len = rest.iter().take_while(|(_, n)| *n == 0).count();
        let (run, after) = rest.split_at_checked(len).unwrap_or((rest, &[]));
        if leading || len >= FOLD_QUIET {
            out.push(DayRun::Quiet(day, run.last().map_or(day, |&(d, _)| d)));
        } else {
            out.extend(run.iter().map(|&(d, n)| DayRun::Day(d, n)));
        }
        rest = after;
        leading = false;
    }
    out.push(DayRun::Day(today, today_n));
    out
}

/// The number of days a quiet run spans.
pub fn quiet_days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn quiet_runs_fold_busy_days_stay() {
        use DayRun::*;
        let series = |counts: &[usize]| -> Vec<(NaiveDate, usize)> {
            counts
                .iter()
                .enumerate()
                .map(|(i, n)| (d(i as u32 + 1), *n))
                .collect()
        };
        for (counts, want) in [
            // The demo's month: quiet until the last days.
            (
                vec![0, 0, 0, 0, 0, 1, 6, 11],
                vec![Quiet(d(1), d(5)), Day(d(6), 1), Day(d(7), 6), Day(d(8), 11)],
            ),
            // A short pause stays as days; a long one folds; today shows even when quiet.
            (
                vec![2, 0, 0, 3, 0, 0, 0, 0, 1, 0],
                vec![
                    Day(d(1), 2),
                    Day(d(2), 0),
                    Day(d(3), 0),
                    Day(d(4), 3),
                    Quiet(d(5), d(8)),
                    Day(d(9), 1),
                    Day(d(10), 0),
                ],
            ),
            // One leading quiet day still folds (nothing happened before it).
            (vec![0, 4], vec![Quiet(d(1), d(1)), Day(d(2), 4)]),
            // All quiet: one span and today.
            (vec![0, 0, 0], vec![Quiet(d(1), d(2)), Day(d(3), 0)]),
            (vec![], vec![]),
        ] {
            assert_eq!(compact(&series(&counts)), want, "{counts:?}");
        }
        assert_eq!(quiet_days(d(1), d(27)), 27);
    }
}
