//! `shopinbox config check`: the loaded config in plain words — the business calendar, the
//! deadlines it implies for a few sample arrivals, where the store and templates live and how
//! each server is reached (never a password or the command that prints one).

use super::{Config, Security, ServerAuth};
use crate::deadline;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use std::path::Path;

/// "Mon–Fri", "Mon, Wed, Fri", "Mon–Wed, Sat".
pub(super) fn business_days_words(days: &[bool; 7]) -> String {
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let name = |i: usize| NAMES.get(i).copied().unwrap_or("?");
    let mut parts = Vec::new();
    // Runs of business days as (first, last); a closing `false` ends the last run.
    let mut run: Option<(usize, usize)> = None;
    for (i, &on) in days.iter().chain(std::iter::once(&false)).enumerate() {
        match (on, run) {
            (true, None) => run = Some((i, i)),
            (true, Some((start, _))) => run = Some((start, i)),
            (false, Some((start, end))) => {
                parts.push(match end - start {
                    0 => name(start).to_string(),
                    1 => format!("{}, {}", name(start), name(end)),
                    _ => format!("{}–{}", name(start), name(end)),
                });
                run = None;
            }
            (false, None) => {}
        }
    }
    parts.join(", ")
}

fn server_words(
    security: Security,
    host: &str,
    port: u16,
    username: &str,
    auth: &ServerAuth,
) -> String {
    format!(
        "{host}:{port} ({}) as {username}, {}",
        security.as_str(),
        auth.describe()
    )
}

/// What `shopinbox config check` prints: the calendar in plain words and the deadlines it
/// implies for a few sample arrivals from `now` on.
pub fn check_report(cfg: &Config, path: &Path, now: DateTime<Utc>) -> String {
    let cal = &cfg.calendar;
    let hm = |t: NaiveTime| t.format("%H:%M").to_string();
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("{}: the configuration is valid.", path.display()));
    line(String::new());
    line(format!(
        "Shop:           {} (owner {}), replies from {}",
        cfg.shop.name,
        if cfg.shop.owner_name.is_empty() {
            "not named"
        } else {
            &cfg.shop.owner_name
        },
        cfg.from_address()
    ));
    if cfg.shop.addresses.len() > 1 {
        line(format!(
            "Own addresses:  {}",
            cfg.shop_addresses().join(", ")
        ));
    }
    line(format!(
        "Business hours: {} {}–{}, time zone {}",
        business_days_words(&cal.business_days),
        hm(cal.open),
        hm(cal.close),
        cal.tz.name()
    ));
    let today = cal.local_date(now);
    let upcoming: Vec<NaiveDate> = cal.holidays.range(today..).copied().collect();
    let holidays = if cal.holidays.is_empty() {
        "none".to_string()
    } else if upcoming.is_empty() {
        format!("none upcoming ({} in the past)", cal.holidays.len())
    } else {
        let shown: Vec<String> = upcoming
            .iter()
            .take(5)
            .map(|d| {
                if d.year() == today.year() {
                    d.format("%a %-d %b").to_string()
                } else {
                    d.format("%a %-d %b %Y").to_string()
                }
            })
            .collect();
        let more = upcoming.len().saturating_sub(shown.len());
        if more > 0 {
            // The last one says when the list runs out (setup writes two years).
            let last = upcoming
                .last()
                .map(|d| d.format("%a %-d %b %Y").to_string())
                .unwrap_or_default();
            format!("{} and {more} more, the last on {last}", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    line(format!("Holidays:       {holidays}"));
    line(format!(
        "Deadline rule:  a customer message is due at the first close of business after it arrives{}",
        if cal.cutoff > Duration::zero() {
            format!(
                "; arrivals after {} (cut-off {} before close) are due the next business day",
                hm(cal.close - cal.cutoff),
                deadline::format_duration(cal.cutoff)
            )
        } else {
            String::new()
        }
    ));
    line(format!(
        "Due soon:       {} before the deadline",
        deadline::format_duration(cal.due_soon)
    ));
    line(format!(
        "Late:           in business time; an answer before {} after the shop opens again is not late",
        deadline::format_duration(cal.late_grace)
    ));
    if cal.promise_cutoff > Duration::zero() {
        line(format!(
            "Promises:       \"end of day\" promised after {} means the next business day's close",
            hm(cal.close - cal.promise_cutoff)
        ));
    }
    line(format!(
        "History:        {} (a first sync now makes mail from before {} history)",
        crate::tracking::describe(cal),
        crate::tracking::history_cutoff(now, cal)
            .with_timezone(&cal.tz)
            .format("%a %-d %b %Y %H:%M")
    ));
    line(format!("Store:          {}", cfg.store_path().display()));
    line(format!("Templates:      {}", cfg.templates_dir().display()));
    line(match &cfg.imap {
        Some(i) => format!(
            "IMAP:           {}",
            server_words(i.security, &i.host, i.port, &i.username, &i.auth)
        ),
        None => "IMAP:           not configured (demo and import work without it)".to_string(),
    });
    line(match &cfg.smtp {
        Some(s) => format!(
            "SMTP:           {}",
            server_words(s.security, &s.host, s.port, &s.username, &s.auth)
        ),
        None => "SMTP:           not configured (replies cannot be sent)".to_string(),
    });
    line(String::new());
    line("Next deadlines:".to_string());
    for (i, (arrival, due)) in deadline::next_deadlines(now, cal, 6)
        .into_iter()
        .enumerate()
    {
        let when = arrival.with_timezone(&cal.tz).format("%a %-d %b %H:%M");
        let lead = if i == 0 && arrival == now {
            format!("a message arriving now ({when})")
        } else {
            format!("a message arriving {when}")
        };
        line(format!(
            "  {lead} is due {}",
            deadline::format_local(due, now, cal)
        ));
    }
    out
}
