//! The owner's review: `overdue` (the morning report) and `stats`.

use super::{is_closed_pipe, Cli, Env};
use anyhow::Result;
use std::io::Write;

/// `overdue`: the morning report; exits 1 when something is overdue.
pub(super) fn overdue(cli: &Cli, json: bool) -> Result<i32> {
    let env = Env::open(cli, cli.demo)?;
    let report = crate::review::overdue_report(&env.store, env.now)?;
    // Cron reads the code even when the reader stopped early (`overdue | head -1`).
    let code = if report.has_overdue() {
        crate::exit::OVERDUE
    } else {
        crate::exit::OK
    };
    let printed = (|| -> Result<()> {
        if json {
            outln!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            let cal = env.config.calendar();
            let text = crate::review::format::report_text(&report, &env.config.shop.name, &cal);
            out!("{text}");
        }
        Ok(())
    })();
    match printed {
        Err(e) if !is_closed_pipe(&e) => Err(e),
        _ => Ok(code),
    }
}

/// `stats`: response-time statistics, split by person when marks are shared.
pub(super) fn stats(cli: &Cli, days: u32, json: bool) -> Result<i32> {
    let env = Env::open(cli, cli.demo)?;
    let stats = crate::review::stats_for(&env.store, days, env.now)?;
    // Split by person (issue 26): only when marks are shared between copies.
    let since = (env.now - chrono::Duration::days(i64::from(days))).timestamp();
    let people = if env.config.sharing.is_some() {
        env.store.activity_by_person(since)?
    } else {
        Vec::new()
    };
    if json {
        let mut v = serde_json::to_value(&stats)?;
        // `Stats` serializes to an object, which the shares are added to.
        if let Some(obj) = v.as_object_mut() {
            if !people.is_empty() {
                obj.insert("by_person".into(), serde_json::to_value(&people)?);
            }
            let shares = [
                ("on_time_share", stats.on_time_share()),
                ("promise_on_time_share", stats.promise_on_time_share()),
                ("one_touch_share", stats.one_touch_share()),
            ];
            for (key, share) in shares {
                obj.insert(key.into(), serde_json::json!(share));
            }
        }
        outln!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        out!(
            "{}",
            crate::review::format::stats_text(&stats, days, &env.config.calendar())
        );
        if !people.is_empty() {
            outln!("By person:");
            for p in &people {
                let name = if p.name.trim().is_empty() {
                    "(unnamed)"
                } else {
                    &p.name
                };
                outln!(
                    "  {:<16} {} replies, {} marks",
                    crate::mail::sanitize::line(name),
                    p.replies,
                    p.marks
                );
            }
        }
    }
    Ok(0)
}
