//! The statistics screen: the morning report (overdue, due today, follow-ups), response times
//! and deadline share for the last 30 days as aligned text, and customer messages per day as
//! a bar chart (a sparkline when the terminal is too narrow for one bar per day).

use super::{fit, Theme};
use crate::app::{App, StatsScreen};
use crate::deadline::format_duration;
use crate::review::stats::Spread;
use chrono::Duration;
use chrono_tz::Tz;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Paragraph, Sparkline};
use ratatui::Frame;

/// Rows of the chart when the text leaves room: a label and two rows of sparkline at least.
const MIN_CHART: u16 = 3;
/// The bar chart gets no taller than this; the rest stays empty.
const MAX_CHART: u16 = 12;

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
pub fn text_lines(s: &StatsScreen, _width: u16, tz: Tz) -> Vec<(StatKind, String)> {
    use crate::review::format::{one_reply_line, BUSINESS_HOURS_NOTE};
    use StatKind::*;
    let r = &s.report;
    let st = &s.stats;
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
        out.push((Alert, format!("  {} overdue{tail}", r.overdue.len())));
    }
    if !r.due_today.is_empty() {
        let next = r.due_today.iter().filter_map(|i| i.due_at).min();
        let tail = next
            .map(|t| format!(", next at {}", hm(t)))
            .unwrap_or_default();
        out.push((
            Text,
            format!("  {} due later today{tail}", r.due_today.len()),
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
            plural(s.days as usize, "day", "days"),
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
            busiest(&st.by_weekday, |d| DAYS[d].to_string())
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

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &StatsScreen, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let tz = app.data.calendar().tz;
    let w = usize::from(area.width);
    let title = format!(
        "Statistics · last {} ({} – {})",
        plural(s.days as usize, "day", "days"),
        crate::human_time::day(s.stats.from, s.stats.to, tz),
        crate::human_time::day(s.stats.to, s.stats.to, tz)
    );
    let back = format!(
        "{} returns",
        app.options.keymap.hint(crate::app::Command::Back)
    );
    let title = if title.chars().count() + back.len() + 2 <= w {
        format!(
            "{title}{}{back}",
            " ".repeat(w - title.chars().count() - back.len())
        )
    } else {
        fit(&title, w)
    };
    frame.render_widget(
        Paragraph::new(Line::styled(title, theme.title())),
        Rect { height: 1, ..area },
    );
    let lines = text_lines(s, area.width, tz);
    // The whole terminal is one taller than `area` (the status bar).
    let text_h = text_height(area.height.saturating_add(1), lines.len()).min(area.height - 1);
    let text_area = Rect {
        y: area.y + 1,
        height: text_h,
        ..area
    };
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(s.scroll)
        .take(usize::from(text_h))
        .map(|(k, t)| {
            let style = match k {
                StatKind::Section => theme.title(),
                StatKind::Text => theme.normal(),
                StatKind::Alert => theme.overdue(),
            };
            Line::styled(fit(&t, w), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(visible), text_area);
    let chart_h = (area.height - 1 - text_h).min(MAX_CHART);
    if chart_h < MIN_CHART {
        return;
    }
    let chart = Rect {
        y: text_area.y + text_h,
        height: chart_h,
        ..area
    };
    draw_per_day(frame, chart, s, theme);
}

/// Widest bar: a few busy days after a quiet month should not turn into slabs.
const MAX_BAR: u16 = 4;

/// Customer messages per day, compact (quiet spans fold into one "·" bar and are named in the
/// label): one labelled bar per entry when there is room, else a sparkline.
fn draw_per_day(frame: &mut Frame, area: Rect, s: &StatsScreen, theme: Theme) {
    use crate::review::daily::{compact, quiet_days, DayRun};
    let per_day = &s.stats.per_day;
    let max = per_day.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let runs = compact(per_day);
    let quiet: i64 = runs
        .iter()
        .map(|r| match r {
            DayRun::Quiet(from, to) => quiet_days(*from, *to),
            DayRun::Day(..) => 0,
        })
        .sum();
    let label = if quiet > 0 {
        format!(
            "Customer messages per day (most: {max}; · = {})",
            plural(
                usize::try_from(quiet).unwrap_or(0),
                "quiet day",
                "quiet days"
            )
        )
    } else {
        format!("Customer messages per day (most: {max})")
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(&label, usize::from(area.width)),
            theme.title(),
        )),
        Rect { height: 1, ..area },
    );
    let plot = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let n = u16::try_from(runs.len()).unwrap_or(u16::MAX).max(1);
    // Bars two columns wide fit the day of the month under them and the count inside.
    let bar_w = ((plot.width + 1) / n).min(MAX_BAR + 1);
    if bar_w >= 3 && plot.height >= 3 {
        let bars: Vec<Bar> = runs
            .iter()
            .map(|run| match run {
                DayRun::Day(day, count) => Bar::default()
                    .value(*count as u64)
                    .label(Line::from(day.format("%d").to_string())),
                DayRun::Quiet(..) => Bar::default()
                    .value(0)
                    .text_value(String::new())
                    .label(Line::from("·")),
            })
            .collect();
        let chart = BarChart::vertical(bars)
            .bar_width(bar_w - 1)
            .bar_gap(1)
            .bar_style(theme.normal())
            .value_style(theme.selected())
            .label_style(theme.dim());
        frame.render_widget(chart, plot);
    } else {
        let data: Vec<u64> = per_day.iter().map(|(_, n)| *n as u64).collect();
        frame.render_widget(Sparkline::default().data(data).style(theme.normal()), plot);
    }
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
    fn text_gets_what_the_chart_leaves() {
        // 30 rows: 28 available; 16 lines of text fit and leave 12 for the chart.
        assert_eq!(text_height(30, 16), 16);
        // 15 rows: 13 available, the chart keeps its minimum of 3.
        assert_eq!(text_height(15, 16), 10);
        // Too small for a chart: all rows are text.
        assert_eq!(text_height(6, 16), 4);
    }
}
