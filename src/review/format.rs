//! Plain-text renderings of the morning report and the statistics: short enough for a cron
//! mail, aligned for a terminal, no colour (the TUI has its own screen).

use super::stats::{Spread, Stats};
use super::{OverdueReport, ReportItem};
use crate::deadline::{self, Calendar};
use crate::human_time::{self, count};
use crate::mail::sanitize;
use crate::text::fit;
use chrono::{Datelike, Duration};
use std::fmt::Write;

fn spread_line(label: &str, s: Option<&Spread>, f: fn(Duration) -> String) -> String {
    match s {
        Some(s) => format!(
            "{label:<28} median {:>7}   90% within {:>7}   ({})",
            f(s.median),
            f(s.p90),
            count(s.count as u64, "conversation", "conversations")
        ),
        None => format!("{label:<28} (no replies in this period)"),
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".to_string()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

fn item_line(item: &ReportItem, extra: &str) -> String {
    format!(
        "  #{:<5} {:<24} {:<44} {}",
        item.id,
        fit(&sanitize::line(&item.customer), 24),
        fit(&sanitize::line(&item.subject), 44),
        extra
    )
}

/// The morning report as text.
pub fn report_text(r: &OverdueReport, shop: &str, cal: &Calendar) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{shop}: {} overdue, {} due today, {} today — {}",
        r.overdue.len(),
        r.due_today.len(),
        count(r.follow_ups_today.len() as u64, "follow-up", "follow-ups"),
        deadline::format_local(r.now, r.now, cal)
    );
    let section =
        |out: &mut String, title: &str, items: &[ReportItem], f: &dyn Fn(&ReportItem) -> String| {
            if items.is_empty() {
                return;
            }
            let _ = writeln!(out, "\n{title}");
            for item in items {
                let _ = writeln!(out, "{}", item_line(item, &f(item)));
            }
        };
    section(&mut out, "OVERDUE", &r.overdue, &|i| {
        let late = i
            .late_minutes
            .map(Duration::minutes)
            .unwrap_or_else(Duration::zero);
        let what = if i.promise { "promise " } else { "" };
        match i.snoozed_until.filter(|t| *t > r.now) {
            Some(t) => format!(
                "{what}{} late, snoozed until {}",
                deadline::format_duration(late),
                deadline::short_when(t, r.now, cal)
            ),
            None => format!("{what}{} late", deadline::format_duration(late)),
        }
    });
    section(&mut out, "DUE TODAY", &r.due_today, &|i| match i.due_at {
        Some(d) if i.promise => {
            format!("promised by {}", d.with_timezone(&cal.tz).format("%H:%M"))
        }
        Some(d) => format!("by {}", d.with_timezone(&cal.tz).format("%H:%M")),
        None => String::new(),
    });
    section(
        &mut out,
        "FOLLOW-UPS PROMISED FOR TODAY",
        &r.follow_ups_today,
        &|i| match i.follow_up_at {
            Some(d) => format!("at {}", d.with_timezone(&cal.tz).format("%H:%M")),
            None => String::new(),
        },
    );
    section(
        &mut out,
        "SNOOZED, BACK LATER TODAY",
        &r.snoozes_ending_today,
        &|i| match i.snoozed_until {
            Some(d) => format!("at {}", d.with_timezone(&cal.tz).format("%H:%M")),
            None => String::new(),
        },
    );
    if r.overdue.is_empty() && r.due_today.is_empty() && r.follow_ups_today.is_empty() {
        let _ = writeln!(out, "\nNothing is overdue or due today.");
    }
    out
}

/// What the two first-response clocks mean, in one line (the CLI and the TUI say the same).
pub const BUSINESS_HOURS_NOTE: &str = "wall clock: all hours; business hours: opening hours only";

/// Conversations settled by a single reply, said the way an owner would: of the answered
/// conversations old enough to tell (a reply 7 days quiet, or more mail already happened), how
/// many needed nothing more. The value after the label "Settled by one reply", for the CLI and
/// the TUI.
pub fn one_reply_line(s: &Stats) -> String {
    let quiet = super::stats::ONE_TOUCH_QUIET;
    if s.one_touch_decided == 0 {
        return format!("not known yet (needs a reply that is {quiet} days old)");
    }
    format!(
        "{} of {} ({}): no more questions within {quiet} days",
        s.one_touch,
        count(
            s.one_touch_decided as u64,
            "answered conversation",
            "answered conversations"
        ),
        percent(s.one_touch, s.one_touch_decided),
    )
}

/// The statistics as text tables.
pub fn stats_text(s: &Stats, days: u32, cal: &Calendar) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Last {}: {} – {}",
        count(u64::from(days), "day", "days"),
        human_time::weekday(s.from, s.to, cal.tz),
        human_time::moment(s.to, s.to, cal.tz)
    );
    let _ = writeln!(
        out,
        "{} in {}; {} kept out as not-a-customer\n",
        count(
            s.customer_messages as u64,
            "customer message",
            "customer messages"
        ),
        count(s.conversations as u64, "conversation", "conversations"),
        s.kept_out
    );
    let _ = writeln!(out, "FIRST RESPONSE");
    let _ = writeln!(
        out,
        "{}",
        spread_line(
            "  wall clock",
            s.first_response_wall.as_ref(),
            human_time::duration
        )
    );
    let _ = writeln!(
        out,
        "{}",
        spread_line(
            "  business hours",
            s.first_response_business.as_ref(),
            human_time::hours
        )
    );
    let _ = writeln!(out, "  {BUSINESS_HOURS_NOTE}");
    let _ = writeln!(
        out,
        "{}",
        spread_line(
            "  resolution (first→last)",
            s.resolution.as_ref(),
            human_time::duration
        )
    );
    let known = s.answered_on_time + s.answered_late;
    let _ = writeln!(
        out,
        "\nDEADLINES ({})",
        count(s.requests as u64, "request", "requests")
    );
    let _ = writeln!(
        out,
        "  answered on time      {:>5}  {}",
        s.answered_on_time,
        percent(s.answered_on_time, known)
    );
    let _ = writeln!(
        out,
        "  answered late         {:>5}  {}",
        s.answered_late,
        percent(s.answered_late, known)
    );
    if s.answered_time_unknown > 0 {
        let _ = writeln!(
            out,
            "  answered, time unknown {:>4}  (marked answered in a mail program)",
            s.answered_time_unknown
        );
    }
    let _ = writeln!(
        out,
        "  still open            {:>5}  ({} overdue)",
        s.still_open, s.open_overdue
    );
    let _ = writeln!(out, "  settled by one reply  {}", one_reply_line(s));
    let decided = s.promises_kept_on_time + s.promises_kept_late + s.promises_broken;
    let _ = writeln!(
        out,
        "\nPROMISED FOLLOW-UPS ({} made)",
        count(s.promises as u64, "promise", "promises")
    );
    let _ = writeln!(
        out,
        "  kept on time          {:>5}  {}   (first responses on time: {})",
        s.promises_kept_on_time,
        percent(s.promises_kept_on_time, decided),
        percent(s.answered_on_time, known)
    );
    let _ = writeln!(
        out,
        "  kept late             {:>5}  {}",
        s.promises_kept_late,
        percent(s.promises_kept_late, decided)
    );
    let _ = writeln!(
        out,
        "  broken                {:>5}  {}   (not kept, past their time)",
        s.promises_broken,
        percent(s.promises_broken, decided)
    );
    let _ = writeln!(out, "\nCUSTOMER MESSAGES PER DAY");
    let max = s.per_day.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    // The year only when the period reaches into another one (the one date style).
    let this_year = s.to.with_timezone(&cal.tz).year();
    let day = |d: chrono::NaiveDate| {
        if d.year() == this_year {
            d.format("%a %d %b").to_string()
        } else {
            d.format("%a %d %b %Y").to_string()
        }
    };
    for run in super::daily::compact(&s.per_day) {
        match run {
            super::daily::DayRun::Day(run_day, n) => {
                let bar = "#".repeat((n * 30).div_ceil(max));
                let _ = writeln!(out, "  {}  {:>4}  {bar}", day(run_day), n);
            }
            super::daily::DayRun::Quiet(from, to) => {
                let _ = writeln!(
                    out,
                    "  {} – {}  none ({})",
                    day(from),
                    day(to),
                    count(super::daily::quiet_days(from, to) as u64, "day", "days")
                );
            }
        }
    }
    let _ = writeln!(out, "\nBUSIEST WEEKDAYS");
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for (name, n) in names.iter().zip(&s.by_weekday) {
        let _ = writeln!(out, "  {}  {:>4}", name, n);
    }
    let _ = writeln!(out, "\nBUSIEST HOURS");
    let mut hours: Vec<(usize, usize)> = s
        .by_hour
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .collect();
    hours.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (h, n) in hours.iter().take(5) {
        let _ = writeln!(out, "  {h:02}:00–{:02}:00  {n:>4}", (h + 1) % 24);
    }
    if hours.is_empty() {
        let _ = writeln!(out, "  (no customer mail)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

    #[test]
    fn per_day_lines_name_the_year_only_when_it_is_another_one() {
        let cal = Calendar::office_hours(
            chrono_tz::Europe::Berlin,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        );
        let from = Utc.with_ymd_and_hms(2026, 12, 20, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 1, 5, 12, 0, 0).unwrap();
        let mut s = super::super::stats::compute(&[], from, to, &cal);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        s.per_day = vec![
            (d(2026, 12, 28), 2),
            (d(2026, 12, 29), 0),
            (d(2027, 1, 4), 1),
        ];
        let text = stats_text(&s, 16, &cal);
        assert!(text.contains("  Mon 28 Dec 2026     2  "), "{text}");
        assert!(text.contains("  Mon 04 Jan     1  "), "{text}");
        assert!(!text.contains("04 Jan 2027"), "{text}");
    }
}
