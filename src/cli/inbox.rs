//! Reading the inbox from the command line: the full-screen inbox, `demo`, `list` (table or
//! JSON) and `show`.

use super::attachments;
use super::{load_config, proactive, Cli, Env};
use crate::deadline;
use crate::store::{ConversationRow, View};
use crate::ui::fit;
use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use std::io::Write;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Which conversations to list.
    #[arg(long, value_enum, default_value_t = ViewArg::NeedsReply)]
    pub view: ViewArg,
    /// Shorthand for --view needs-reply.
    #[arg(long, conflicts_with_all = ["view", "overdue", "all"])]
    pub needs_reply: bool,
    /// Shorthand for --view overdue.
    #[arg(long, conflicts_with_all = ["view", "all"])]
    pub overdue: bool,
    /// Shorthand for --view all.
    #[arg(long, conflicts_with = "view")]
    pub all: bool,
    /// Print JSON (one array of rows) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// At most this many rows (default: every row). When rows are left out, a note on
    /// standard error says so.
    #[arg(long)]
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    NeedsReply,
    Overdue,
    DueToday,
    Answered,
    NotCustomer,
    All,
    Snoozed,
    /// Older, never answered: customer mail from before tracking started (history).
    Older,
}

impl From<ViewArg> for View {
    fn from(v: ViewArg) -> View {
        match v {
            ViewArg::NeedsReply => View::NeedsReply,
            ViewArg::Overdue => View::Overdue,
            ViewArg::DueToday => View::DueToday,
            ViewArg::Answered => View::Answered,
            ViewArg::NotCustomer => View::NotCustomer,
            ViewArg::All => View::All,
            ViewArg::Snoozed => View::Snoozed,
            ViewArg::Older => View::Older,
        }
    }
}

/// No command: the full-screen inbox on the configured account (or the demo).
pub(super) fn tui(cli: &Cli) -> Result<i32> {
    if !cli.demo {
        // A bad [keys] table is reported as `config check` reports it (file, line,
        // value; exit 2), before the store is opened or the terminal changes mode.
        let (config, _) = load_config(cli)?;
        crate::app::keymap::check_config(&config)?;
    }
    let env = Env::open(cli, cli.demo)?;
    run_tui(env)
}

/// `demo`: the demo shop's inbox, printed when asked or when the output is not a terminal.
pub(super) fn demo(cli: &Cli, print: bool) -> Result<i32> {
    let env = Env::open(cli, true)?;
    if print || !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        print_inbox(&env, View::NeedsReply, None)?;
        Ok(0)
    } else {
        run_tui(env)
    }
}

/// `list`: the conversations of one view, as a table or JSON.
pub(super) fn list(cli: &Cli, args: &ListArgs) -> Result<i32> {
    let env = Env::open(cli, cli.demo)?;
    let view = if args.needs_reply {
        View::NeedsReply
    } else if args.overdue {
        View::Overdue
    } else if args.all {
        View::All
    } else {
        args.view.into()
    };
    if args.json {
        let rows = list_rows(&env, view, args.limit)?;
        let cal = env.config.calendar();
        let json = rows
            .iter()
            .map(|r| {
                let first = env
                    .store
                    .greeting_name(&r.customer_addr, r.customer_name.as_deref())?;
                let mut json = row_json(r, first, env.now, &cal);
                // A reply to a notice is marked with its campaign (issue 27).
                // `row_json` makes an object; inserting cannot fail on it.
                if let (Some((_, name)), Some(obj)) = (
                    env.store.campaign_of_conversation(r.id)?,
                    json.as_object_mut(),
                ) {
                    obj.insert("campaign".into(), name.into());
                }
                Ok(json)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
    } else {
        print_inbox(&env, view, args.limit)?;
    }
    Ok(0)
}

/// `show`: one conversation, or its numbered attachments.
pub(super) fn show(cli: &Cli, id: i64, attachments: bool) -> Result<i32> {
    let env = Env::open(cli, cli.demo)?;
    if attachments {
        out!("{}", attachments::list_text(&env.store, id)?);
    } else {
        show_conversation(&env, id)?;
    }
    Ok(0)
}

/// Opens the full-screen inbox on the environment's store, with the sync and send workers
/// running behind it (the demo has no server: replies go to its outbox folder).
fn run_tui(env: Env) -> Result<i32> {
    let demo_outbox = env.demo_outbox_dir()?;
    let store_path = match &env._demo_dir {
        Some(dir) => dir.path().join(crate::demo::DEMO_STORE_FILE),
        None => env.config.store_path(),
    };
    let worker = crate::workers::start(crate::workers::WorkerPlan {
        config: &env.config,
        store_path,
        demo_outbox: demo_outbox.as_deref(),
        clock: env.clock,
    })?;
    let options = crate::tui::TuiOptions {
        keys: env.config.keys.clone(),
        clock: env.clock,
        worker: Some(worker),
        config: Some(env.config.clone()),
        demo: env.demo,
    };
    crate::tui::run_with_store(env.store, options)?;
    Ok(0)
}

/// A short state word for scripts and the table.
pub(super) fn state_word(
    row: &ConversationRow,
    now: DateTime<Utc>,
    cal: &deadline::Calendar,
) -> &'static str {
    if row.not_customer.is_some() {
        return "not_customer";
    }
    if let Some(until) = row.snoozed_until {
        if until > now {
            return "snoozed";
        }
    }
    match row.due_at {
        Some(due) if due <= now => "overdue",
        Some(due) if due - now <= cal.due_soon => "due_soon",
        Some(_) => "due",
        // The question it waited on was deleted or moved on the server: never "answered".
        None if row.removed_since.is_some() => "removed_on_server",
        // From before the tracking window, never answered: history, not owed (issue 11).
        None if row.older_since.is_some() => "older",
        None => "answered",
    }
}

/// The state as `show` words it for a person.
fn state_text(word: &str) -> &str {
    match word {
        "removed_on_server" => {
            "removed on the server (the message it waited on was deleted or \
             moved out of the synced folders; kept here as history)"
        }
        "older" => {
            "older, never answered (from before shopinbox started watching the mailbox: \
             history, not overdue)"
        }
        other => other,
    }
}

/// One conversation for `list --json`; `first_name` is the store's greeting name, so a
/// correction by the owner shows here as it does in replies.
fn row_json(
    row: &ConversationRow,
    first_name: Option<String>,
    now: DateTime<Utc>,
    cal: &deadline::Calendar,
) -> serde_json::Value {
    let late = row.due_at.filter(|due| *due <= now).map(|due| now - due);
    serde_json::json!({
        "id": row.id,
        "from": row.customer_addr,
        "from_name": row.customer_name,
        "first_name": first_name,
        "subject": row.subject,
        "messages": row.message_count,
        "received_at": row.pending_since.unwrap_or(row.received_at()).with_timezone(&cal.tz).to_rfc3339(),
        "last_customer_at": row.last_customer_at.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
        "follow_up_at": row.follow_up_at.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
        // What is due (or overdue) is the shop's own promise, not a customer message.
        "promise": row.follow_up_at.is_some() && row.due_at == row.follow_up_at,
        "snoozed_until": row.snoozed_until.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
        "due_at": row.due_at.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
        "state": state_word(row, now, cal),
        "late_minutes": late.map(|d| d.num_minutes()),
        "late": late.map(deadline::format_duration),
        "not_customer": row.not_customer.map(|n| n.as_str()),
        "flags": proactive::flags_json(&row.flags),
        "removed_on_server": row.removed_since.is_some(),
        "older_since": row.older_since.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
    })
}

/// The rows of `view`: all of them, or the first `limit` with a note on standard error when
/// more were left out (a script reading the JSON must never mistake a cut list for the whole).
fn list_rows(
    env: &Env,
    view: View,
    limit: Option<u64>,
) -> Result<Vec<crate::store::ConversationRow>> {
    let Some(limit) = limit else {
        return Ok(env.store.list(view, env.now, 0, i64::MAX as u64)?);
    };
    let mut rows = env.store.list(view, env.now, 0, limit.saturating_add(1))?;
    if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        eprintln!(
            "list: showing the first {limit} conversations of more (--limit {limit}); drop \
             --limit to list every one"
        );
    }
    Ok(rows)
}

fn print_inbox(env: &Env, view: View, limit: Option<u64>) -> Result<()> {
    let cal = env.config.calendar();
    let counts = env.store.counts(env.now)?;
    let rows = list_rows(env, view, limit)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} — {} · {} overdue · {} due today · {} need a reply · now {}",
        env.config.shop.name,
        view.label(),
        counts.overdue,
        counts.due_today,
        counts.needs_reply,
        deadline::format_local(env.now, env.now, &cal)
    )?;
    if rows.is_empty() {
        writeln!(out, "  (nothing here)")?;
    }
    for row in &rows {
        let badge = match (&row.not_customer, row.due_at) {
            (Some(n), _) => format!("not a customer: {}", n.label()),
            // A promise says so, as in the inbox's narrow column: "f-up Thu 17:00", "F-UP late 5m".
            (None, _) if crate::ui::inbox::follow_up(row).is_some() => {
                crate::ui::inbox::short_badge(row, env.now, &cal)
            }
            (None, Some(due)) => deadline::badge(due, env.now, &cal),
            (None, None) if row.removed_since.is_some() => "removed on server".to_string(),
            (None, None) if row.older_since.is_some() => "older, no reply".to_string(),
            (None, None) => "answered".to_string(),
        };
        let who = row
            .customer_name
            .clone()
            .unwrap_or_else(|| row.customer_addr.clone());
        let received = crate::human_time::moment(row.received_at(), env.now, cal.tz);
        writeln!(
            out,
            "{:>5}  {:<16} {:<24} {:<40} {} ({})",
            row.id,
            fit(&badge, 16),
            fit(&who, 24),
            fit(&row.subject, 40),
            received,
            row.message_count
        )?;
        proactive::write_flags(&mut out, "       ", row)?;
    }
    Ok(())
}

fn show_conversation(env: &Env, id: i64) -> Result<()> {
    let cal = env.config.calendar();
    let row = env.store.conversation_at(id, env.now)?.ok_or_else(|| {
        anyhow!("there is no conversation {id}; `shopinbox list --all` shows the ids")
    })?;
    let msgs = env.store.conversation_messages(id)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "Conversation {id}: {}", row.subject)?;
    writeln!(
        out,
        "Customer: {} <{}>   State: {}",
        row.customer_name.as_deref().unwrap_or("(no name)"),
        row.customer_addr,
        state_text(state_word(&row, env.now, &cal))
    )?;
    if let Some(due) = row.due_at {
        writeln!(out, "Due: {}", deadline::format_local(due, env.now, &cal))?;
    }
    proactive::write_flags(&mut out, "", &row)?;
    if let Some((cid, name)) = env.store.campaign_of_conversation(id)? {
        writeln!(
            out,
            "Campaign: {} (`shopinbox notify show {cid}`)",
            crate::mail::sanitize::line(&name)
        )?;
    }
    for m in &msgs {
        let from = m
            .from
            .as_ref()
            .map(|a| match &a.name {
                Some(n) => format!("{n} <{}>", a.addr),
                None => a.addr.clone(),
            })
            .unwrap_or_else(|| "(unknown sender)".into());
        writeln!(out)?;
        writeln!(
            out,
            "── {} {} · {}",
            if m.is_shop { "SHOP" } else { "FROM" },
            from,
            deadline::format_local(m.received_at, env.now, &cal)
        )?;
        writeln!(out, "Subject: {}", m.subject)?;
        if let Some(at) = m.removed_at {
            writeln!(
                out,
                "Removed on the server: {} (kept here as history)",
                deadline::format_local(at, env.now, &cal)
            )?;
        }
        for a in &m.attachments {
            writeln!(out, "Attachment: {} ({}, {} bytes)", a.name, a.mime, a.size)?;
        }
        writeln!(out)?;
        writeln!(out, "{}", m.body.trim_end())?;
    }
    // Who did what (issue 26): the owner's marks and replies, from every copy.
    let events = env.store.conversation_events(id)?;
    let lines: Vec<String> = events
        .iter()
        .filter_map(|e| {
            let what = crate::shared::describe::describe(&e.item, &e.value, cal.tz)?;
            let who = if e.by.trim().is_empty() {
                "this copy"
            } else {
                e.by.as_str()
            };
            let at = chrono::DateTime::<Utc>::from_timestamp(e.at, 0)?;
            Some(crate::mail::sanitize::line(&format!(
                "{} · {who} {what}",
                deadline::format_local(at, env.now, &cal)
            )))
        })
        .collect();
    if !lines.is_empty() {
        writeln!(out)?;
        writeln!(out, "── HISTORY")?;
        for l in lines {
            writeln!(out, "{l}")?;
        }
    }
    Ok(())
}
