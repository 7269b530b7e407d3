//! The statistics screen's text laid out as lines and the rows it gets beside the chart,
//! shared by the drawing and the app's scrolling.

use crate::deadline::format_duration;
use crate::review::stats::{Spread, Stats};
use crate::review::OverdueReport;
use chrono::Duration;
use chrono_tz::Tz;

/// Rows of the chart when the text leaves room: a label and two rows of sparkline at least.
pub const MIN_CHART: u16 = 3;
/// The bar chart gets no taller than this; the rest stays empty.
pub const MAX_CHART: u16 = 12;

/// How a text line is styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatKind {
    Section,
    Text,
    Alert,
}

// Business time reads in hours ("26h 10m"): a "day" of business hours is not 24 hours.
use crate::human_time::hours as hours_minutes;

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".to_string()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    crate::human_time::count(n as u64, one, many)
}

fn spread_row(label: &str, s: Option<&Spread>, f: fn(Duration) -> String) -> String {
    match s {
        Some(s) => format!("  {label:<18} {:<8} {}", f(s.median), f(s.p90)),
        None => format!("  {label:<18} –"),
    }
}

/// The text part of the screen, laid out once for drawing and scrolling.
pub fn text_lines(days: u32, st: &Stats, r: &OverdueReport, tz: Tz) -> Vec<(StatKind, String)> {
    use crate::review::format::{one_reply_line, BUSINESS_HOURS_NOTE};
    use StatKind::*;
    let hm = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
    let mut out = vec![(
        Section,
        format!(
            "Morning report · {}",
            crate::human_time::moment(r.now, r.now, tz)
        ),
    )];
    if r.overdue.is_empty() && r.due_today.is_empty() && r.follow_ups_today.is_empty() {
        out.push((Text, "  Nothing is overdue or due today.".to_string()));
    }
    if !r.overdue.is_empty() {
        let oldest = r.overdue.iter().filter_map(|i| i.late_minutes).max();
        let tail = match oldest {
            Some(m) => format!(
                ", the oldest {} late",
                format_duration(Duration::minutes(m))
            ),
            None => String::new(),
        };
        // Snoozed ones stay listed (issue 21): say how many, so the count adds up.
        let snoozed = r
            .overdue
            .iter()
            .filter(|i| i.snoozed_until.is_some_and(|t| t > r.now))
            .count();
        let snoozed = match snoozed {
            0 => String::new(),
            n => format!(" ({n} snoozed)"),
        };
        out.push((
            Alert,
            format!("  {} overdue{snoozed}{tail}", r.overdue.len()),
        ));
    }
    if !r.due_today.is_empty() {
        let next = r.due_today.iter().filter_map(|i| i.due_at).min();
        let tail = next
            .map(|t| format!(", next at {}", hm(t)))
            .unwrap_or_default();
        let promises = match r.due_today.iter().filter(|i| i.promise).count() {
            0 => String::new(),
            n => format!(" ({})", plural(n, "promise", "promises")),
        };
        out.push((
            Text,
            format!("  {} due later today{promises}{tail}", r.due_today.len()),
        ));
    }
    if !r.follow_ups_today.is_empty() {
        let times: Vec<String> = r
            .follow_ups_today
            .iter()
            .filter_map(|i| i.follow_up_at)
            .map(hm)
            .collect();
        out.push((
            Text,
            format!(
                "  {} promised for today ({})",
                plural(r.follow_ups_today.len(), "follow-up", "follow-ups"),
                times.join(", ")
            ),
        ));
    }
    if !r.snoozes_ending_today.is_empty() {
        out.push((
            Text,
            format!(
                "  {} back from snooze later today",
                plural(
                    r.snoozes_ending_today.len(),
                    "conversation",
                    "conversations"
                )
            ),
        ));
    }
    out.push((
        Section,
        format!(
            "Last {}: {} in {}",
            plural(days as usize, "day", "days"),
            plural(
                st.customer_messages,
                "customer message",
                "customer messages"
            ),
            plural(st.conversations, "conversation", "conversations")
        ),
    ));
    out.push((
        Text,
        format!("{:<20} {:<8} 90% within", "First response", "median"),
    ));
    out.push((
        Text,
        spread_row(
            "wall clock",
            st.first_response_wall.as_ref(),
            format_duration,
        ),
    ));
    out.push((
        Text,
        spread_row(
            "business hours",
            st.first_response_business.as_ref(),
            hours_minutes,
        ),
    ));
    out.push((Text, format!("  {BUSINESS_HOURS_NOTE}")));
    let known = st.answered_on_time + st.answered_late;
    out.push((
        Text,
        format!(
            "{:<20} {} of {known} ({}) · {} late",
            "Within the deadline",
            st.answered_on_time,
            percent(st.answered_on_time, known),
            st.answered_late
        ),
    ));
    if st.answered_time_unknown > 0 {
        out.push((
            Text,
            format!(
                "{:<20} {} (marked answered in a mail program)",
                "Timing unknown", st.answered_time_unknown
            ),
        ));
    }
    out.push((
        if st.open_overdue > 0 { Alert } else { Text },
        format!(
            "{:<20} {} ({} past the deadline)",
            "Still open",
            plural(st.still_open, "conversation", "conversations"),
            st.open_overdue
        ),
    ));
    let decided = st.promises_kept_on_time + st.promises_kept_late + st.promises_broken;
    out.push((
        if st.promises_broken > 0 { Alert } else { Text },
        format!(
            "{:<20} {} of {decided} kept on time ({}) · {} late · {} broken",
            "Promises",
            st.promises_kept_on_time,
            percent(st.promises_kept_on_time, decided),
            st.promises_kept_late,
            st.promises_broken
        ),
    ));
    out.push((
        Text,
        match &st.resolution {
            Some(r) => format!(
                "{:<20} median {} · 90% within {}",
                "Resolution time",
                format_duration(r.median),
                format_duration(r.p90)
            ),
            None => format!("{:<20} –", "Resolution time"),
        },
    ));
    out.push((
        Text,
        format!("{:<20} {}", "Settled by one reply", one_reply_line(st)),
    ));
    out.push((
        Text,
        format!(
            "{:<20} {}",
            "Kept out",
            plural(
                st.kept_out,
                "not-a-customer message",
                "not-a-customer messages"
            )
        ),
    ));
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    out.push((
        Text,
        format!(
            "{:<20} {}",
            "Busiest weekdays",
            busiest(&st.by_weekday, |d| DAYS
                .get(d)
                .copied()
                .unwrap_or("?")
                .to_string())
        ),
    ));
    out.push((
        Text,
        format!(
            "{:<20} {}",
            "Busiest hours",
            busiest(&st.by_hour, |h| format!("{h:02}:00"))
        ),
    ));
    out
}

/// The three fullest buckets, fullest first (earlier first on a tie), as "Mon 4 · Tue 2";
/// "–" when all are empty.
fn busiest(counts: &[usize], name: impl Fn(usize) -> String) -> String {
    let mut top: Vec<(usize, usize)> = counts.iter().copied().enumerate().collect();
    top.retain(|(_, n)| *n > 0);
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if top.is_empty() {
        return "–".to_string();
    }
    top.iter()
        .take(3)
        .map(|(i, n)| format!("{} {n}", name(*i)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Rows for the text part in a terminal `height` rows tall showing `lines` lines of text: all
/// of it when it fits beside the chart's minimum, else what is left after the chart.
pub fn text_height(height: u16, lines: usize) -> u16 {
    // Status bar and title.
    let available = height.saturating_sub(2);
    if available < MIN_CHART * 2 {
        return available;
    }
    let lines = u16::try_from(lines).unwrap_or(u16::MAX);
    lines.min(available - MIN_CHART)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busiest_takes_the_top_three_earlier_first_on_ties() {
        let name = |i: usize| format!("#{i}");
        assert_eq!(busiest(&[0, 0, 0], name), "–");
        assert_eq!(busiest(&[1, 0, 2], name), "#2 2 · #0 1");
        assert_eq!(busiest(&[3, 5, 3, 3, 9], name), "#4 9 · #1 5 · #0 3");
    }

    #[test]
    fn the_morning_report_counts_snoozed_lateness_and_promises() {
        use crate::review::{OverdueReport, ReportItem};
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        let now = at("2026-11-26T07:30:00Z");
        let item = |id, due: &str, snoozed: Option<&str>, promise: bool| ReportItem {
            id,
            customer: "Jane".into(),
            customer_addr: "jane@example.com".into(),
            subject: "Lamp".into(),
            due_at: Some(at(due)),
            late_minutes: None,
            follow_up_at: promise.then(|| at(due)),
            snoozed_until: snoozed.map(at),
            promise,
        };
        let report = OverdueReport {
            now,
            overdue: vec![
                item(
                    1,
                    "2026-11-24T16:00:00Z",
                    Some("2026-11-26T08:00:00Z"),
                    false,
                ),
                item(2, "2026-11-25T16:00:00Z", None, false),
            ],
            due_today: vec![
                item(3, "2026-11-26T16:00:00Z", None, true),
                item(4, "2026-11-26T16:00:00Z", None, false),
            ],
            follow_ups_today: vec![],
            snoozes_ending_today: vec![],
        };
        let cal = crate::deadline::Calendar::office_hours(
            tz,
            chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        );
        let mut st = crate::review::stats::compute(&[], now - Duration::days(7), now, &cal);
        st.promises = 4;
        st.promises_kept_on_time = 2;
        st.promises_kept_late = 1;
        st.promises_broken = 1;
        let text: Vec<String> = text_lines(7, &st, &report, tz)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert!(
            text.contains(&"  2 overdue (1 snoozed)".to_string()),
            "{text:#?}"
        );
        assert!(
            text.contains(&"  2 due later today (1 promise), next at 17:00".to_string()),
            "{text:#?}"
        );
        assert!(
            text.iter().any(|l| l.starts_with("Promises")
                && l.ends_with("2 of 4 kept on time (50%) · 1 late · 1 broken")),
            "{text:#?}"
        );
    }

    #[test]
    fn text_gets_what_the_chart_leaves() {
        // 30 rows: 28 available; 16 lines of text fit and leave 12 for the chart.
        assert_eq!(text_height(30, 16), 16);
        // 15 rows: 13 available, the chart keeps its minimum of 3.
        assert_eq!(text_height(15, 16), 10);
        // Too small for a chart: all rows are text.
        assert_eq!(text_height(6, 16), 4);
    }
}
