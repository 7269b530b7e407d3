//! The statistics screen: the morning report (overdue, due today, follow-ups), response times
//! and deadline share for the last 30 days as aligned text, and customer messages per day as
//! a bar chart (a sparkline when the terminal is too narrow for one bar per day).

use super::{fit, Theme};
use crate::app::{App, StatsScreen};
pub use crate::layout::stats::{text_height, text_lines, StatKind, MAX_CHART, MIN_CHART};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Paragraph, Sparkline};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &StatsScreen, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let tz = app.data.calendar().tz;
    let w = usize::from(area.width);
    let title = format!(
        "Statistics · last {} ({} – {})",
        crate::human_time::count(u64::from(s.days), "day", "days"),
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
    let lines = text_lines(s.days, &s.stats, &s.report, tz);
    // The whole terminal is one taller than `area` (the status bar).
    let text_h = text_height(area.height.saturating_add(1), lines.len()).min(area.height - 1);
    let text_area = Rect {
        y: area.y + 1,
        height: text_h,
        ..area
    };
    let found = super::find::marker(app, theme);
    let visible: Vec<Line> = lines
        .into_iter()
        .enumerate()
        .skip(s.scroll)
        .take(usize::from(text_h))
        .map(|(i, (k, t))| {
            let style = match k {
                StatKind::Section => theme.title(),
                StatKind::Text => theme.normal(),
                StatKind::Alert => theme.overdue(),
            };
            let line = Line::styled(fit(&t, w), style);
            match &found {
                Some(m) => m.line(line, Some(i)),
                None => line,
            }
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
            crate::human_time::count(u64::try_from(quiet).unwrap_or(0), "quiet day", "quiet days")
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
