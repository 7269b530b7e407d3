//! The statistics screen's state: the review numbers for the last 30 days and the morning
//! report, computed from the store when the screen opens and again when the store changes.

use super::{App, Screen};
use crate::review::stats::Stats;
use crate::review::{self, OverdueReport};

/// How many days the statistics screen covers (today included).
pub const STATS_DAYS: u32 = 30;

#[derive(Debug, Clone)]
pub struct StatsScreen {
    pub days: u32,
    pub stats: Stats,
    pub report: OverdueReport,
    /// First visible line of the text part.
    pub scroll: usize,
}

impl App {
    /// Computes the numbers; a store error becomes the status line.
    fn compute_stats(&self, days: u32) -> Result<(Stats, OverdueReport), String> {
        let Some(store) = self.data.store() else {
            return Err("Statistics need the mail store; `shopinbox stats` prints them.".into());
        };
        let stats = review::stats_for(store, days, self.now)
            .map_err(|e| format!("Cannot compute the statistics: {e}."))?;
        let report = review::overdue_report(store, self.now)
            .map_err(|e| format!("Cannot build the morning report: {e}."))?;
        Ok((stats, report))
    }

    /// `T`: opens the statistics (or brings the open one to the front).
    pub(super) fn open_stats(&mut self) {
        if let Some(i) = self
            .stack
            .iter()
            .position(|s| matches!(s, Screen::Stats(_)))
        {
            let screen = self.stack.remove(i);
            self.stack.push(screen);
            return self.reload_stats();
        }
        match self.compute_stats(STATS_DAYS) {
            Ok((stats, report)) => self.stack.push(Screen::Stats(StatsScreen {
                days: STATS_DAYS,
                stats,
                report,
                scroll: 0,
            })),
            Err(e) => self.error(e),
        }
    }

    /// Recomputes the open statistics screen (after new mail, a sent reply, the clock).
    pub(super) fn reload_stats(&mut self) {
        let Some(days) = self.stack.iter().find_map(|s| match s {
            Screen::Stats(s) => Some(s.days),
            _ => None,
        }) else {
            return;
        };
        match self.compute_stats(days) {
            Ok((stats, report)) => {
                for s in &mut self.stack {
                    if let Screen::Stats(screen) = s {
                        screen.stats = stats.clone();
                        screen.report = report.clone();
                    }
                }
            }
            Err(e) => self.error(e),
        }
    }

    /// Scrolls the text part of the statistics screen.
    pub(super) fn scroll_stats(&mut self, delta: i64) {
        let h = self.size.height;
        let tz = self.data.calendar().tz;
        if let Some(Screen::Stats(s)) = self.stack.last_mut() {
            let lines = crate::layout::stats::text_lines(s.days, &s.stats, &s.report, tz).len();
            let page = usize::from(crate::layout::stats::text_height(h, lines));
            s.scroll = s
                .scroll
                .saturating_add_signed(delta as isize)
                .min(lines.saturating_sub(page));
        }
    }
}
