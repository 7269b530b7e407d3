//! `shopinbox notify …`: a notice to the customers an event affects. `new` chooses them (by
//! their orders or a list of addresses) and saves a draft; `preview` prints every personalised
//! message; `remove` takes customers off; `send` sends, one message each at the provider's
//! pace, and resumes a stopped or killed campaign; `stop` pauses one that is sending.

use super::{Cli, Env};
use crate::outreach::rate::Limits;
use crate::outreach::runner::{Event, RunEnd, Runner};
use crate::outreach::select::Selection;
use crate::outreach::{draft, notice};
use crate::store::outreach::{CampaignState, Recipient};
use crate::template::Language;
use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum NotifyArg {
    /// Choose the customers and the template; saves a draft and lists who gets it, and who is
    /// left for a personal reply (a warning note, or a question still waiting).
    New(Box<NewArgs>),
    /// The campaigns, newest first, with what became of their notices.
    List,
    /// One campaign: its recipients, and sent / failed / bounced / replied counts.
    Show { id: i64 },
    /// Every personalised message of a campaign, as it will be sent (or one customer's).
    Preview {
        id: i64,
        /// Only this customer's message.
        addr: Option<String>,
    },
    /// Take customers off a campaign before it is sent (--undo puts them back).
    Remove {
        id: i64,
        #[arg(required = true, value_name = "ADDR")]
        addrs: Vec<String>,
        #[arg(long)]
        undo: bool,
    },
    /// Send a campaign (or go on with a stopped one): one message per customer, never Bcc, at
    /// your provider's pace. Ctrl-C stops it after the message being sent.
    Send {
        id: i64,
        /// You have read the preview and want it sent.
        #[arg(long)]
        yes: bool,
    },
    /// Pause a campaign another shopinbox is sending; `send` goes on with it later.
    Stop { id: i64 },
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The template (file name without .txt); its language versions are NAME.de.txt, ….
    #[arg(long, short)]
    pub template: String,
    /// A name to recognise the campaign by (default: the template's).
    #[arg(long)]
    pub name: Option<String>,
    /// Orders placed at or after this time ("2026-11-02" or "2026-11-02 14:00", shop time).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Orders placed before this time.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Orders with an item whose name contains this.
    #[arg(long, value_name = "TEXT")]
    pub item: Option<String>,
    /// Orders with this number (repeat for several).
    #[arg(long = "order", value_name = "NUMBER")]
    pub orders: Vec<String>,
    /// This customer, whatever they ordered (repeat for several).
    #[arg(long = "address", value_name = "ADDR")]
    pub addresses: Vec<String>,
    /// A file of customer addresses, one per line.
    #[arg(long, value_name = "FILE")]
    pub addresses_file: Option<PathBuf>,
}

pub(super) fn run(cli: &Cli, cmd: &NotifyArg) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    let (text, code) = match cmd {
        NotifyArg::New(args) => (new(&mut env, args)?, 0),
        NotifyArg::List => (list(&env)?, 0),
        NotifyArg::Show { id } => (show(&env, *id)?, 0),
        NotifyArg::Preview { id, addr } => (preview(&env, *id, addr.as_deref())?, 0),
        NotifyArg::Remove { id, addrs, undo } => {
            let mut out = String::new();
            campaign_or_fail(&env, *id)?;
            for a in addrs {
                if env.store.set_recipient_removed(*id, a, !undo)? {
                    let _ = writeln!(
                        out,
                        "{} {} campaign {id}.",
                        clean(a),
                        if *undo { "is back on" } else { "is taken off" }
                    );
                } else {
                    let _ = writeln!(out, "{} is not on campaign {id}.", clean(a));
                }
            }
            (out, 0)
        }
        NotifyArg::Send { id, yes } => send(&mut env, *id, *yes)?,
        NotifyArg::Stop { id } => {
            let c = campaign_or_fail(&env, *id)?;
            if c.state != CampaignState::Sending {
                bail!(
                    "campaign {id} is {}, not sending; nothing to stop",
                    c.state.as_str()
                );
            }
            env.store
                .set_campaign_state(*id, CampaignState::Paused, None)?;
            (
                format!(
                    "Campaign {id} stops after the message being sent; `shopinbox notify send {id} --yes` goes on.\n"
                ),
                0,
            )
        }
    };
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(code)
}

fn clean(s: &str) -> String {
    crate::mail::sanitize::line(s)
}

fn campaign_or_fail(env: &Env, id: i64) -> Result<crate::store::outreach::Campaign> {
    env.store.campaign(id)?.ok_or_else(|| {
        crate::exit::Exit::new(
            crate::exit::USAGE,
            format!("there is no campaign {id}; `shopinbox notify list` lists them"),
        )
        .into()
    })
}

/// A time on the command line, in shop time: a day alone is its start; the same forms the
/// Outreach screen's form takes ([`crate::outreach::draft::parse_time`]).
fn parse_when(s: &str, env: &Env) -> Result<DateTime<Utc>> {
    crate::outreach::draft::parse_time(s, env.now, env.config.calendar.tz).ok_or_else(|| {
        crate::exit::Exit::new(
            crate::exit::USAGE,
            format!(
                "\"{}\" is not a time I understand; use \"2026-11-02\", \"2026-11-02 14:00\" (shop time) or \"yesterday\"",
                clean(s)
            ),
        )
        .into()
    })
}

fn new(env: &mut Env, args: &NewArgs) -> Result<String> {
    let (templates, _) = crate::send::flow::load_templates(&env.config);
    let mut addresses = args.addresses.clone();
    if let Some(f) = &args.addresses_file {
        let text = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read the address list {}", f.display()))?;
        addresses.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    if let Some(a) = addresses.iter().find(|a| !draft::is_address(a)) {
        return Err(crate::exit::Exit::new(
            crate::exit::USAGE,
            format!("\"{}\" is not an email address", clean(a)),
        )
        .into());
    }
    let sel = Selection {
        from: args
            .from
            .as_deref()
            .map(|s| parse_when(s, env))
            .transpose()?,
        to: args
            .until
            .as_deref()
            .map(|s| parse_when(s, env))
            .transpose()?,
        item: args.item.clone().filter(|i| !i.trim().is_empty()),
        orders: args.orders.clone(),
        addresses,
    };
    let plan = match draft::plan(
        &env.store,
        env.config.shop.language,
        &templates,
        &args.template,
        args.name.as_deref(),
        sel,
    ) {
        Ok(p) => p,
        Err(draft::PlanError::NoTemplate(base)) => {
            return Err(crate::exit::Exit::new(
                crate::exit::USAGE,
                format!(
                    "there is no template \"{}\" in {}; write {}.txt there (and {}.de.txt for German customers, …)",
                    clean(&base),
                    env.config.templates_dir().display(),
                    clean(&base),
                    clean(&base)
                ),
            )
            .into())
        }
        Err(draft::PlanError::NothingChosen) => {
            return Err(crate::exit::Exit::new(
                crate::exit::USAGE,
                "say who gets the notice: --from/--until (when they ordered), --item, --order or --address",
            )
            .into())
        }
        Err(draft::PlanError::NoMatch) => bail!("no customer with an email address matches; `shopinbox orders import FILE.csv` brings in the shop's order history"),
        Err(draft::PlanError::Store(e)) => return Err(e.into()),
    };
    let id = draft::save(&mut env.store, &plan)?;
    let versions = notice::versions(&templates, &plan.base);
    let mut out = format!(
        "Campaign {id} \"{}\" saved as a draft.\n",
        clean(&plan.name)
    );
    out.push_str(&recipient_lines(&plan.recipients, &versions, &plan.base));
    let _ = writeln!(
        out,
        "\nRead every message with `shopinbox notify preview {id}`, take customers off with \
         `shopinbox notify remove {id} ADDR`, then `shopinbox notify send {id} --yes`."
    );
    Ok(out)
}

fn recipient_lines(
    recipients: &[Recipient],
    versions: &[&crate::template::Template],
    base: &str,
) -> String {
    let mut out = String::new();
    let (held, going): (Vec<&Recipient>, Vec<&Recipient>) =
        recipients.iter().partition(|r| r.held.is_some());
    let going: Vec<&&Recipient> = going.iter().filter(|r| !r.removed).collect();
    let _ = writeln!(
        out,
        "{} get the notice:",
        crate::human_time::count(going.len() as u64, "customer", "customers")
    );
    for r in &going {
        let lang = Language::parse(&r.language).unwrap_or_default();
        let version = notice::pick(versions, base, lang)
            .map(|t| t.language.code())
            .unwrap_or("?");
        let _ = writeln!(
            out,
            "  {:<40} {}  {}",
            crate::layout::fit(&clean(&r.addr), 40),
            version,
            crate::layout::fit(
                &clean(
                    &r.orders
                        .iter()
                        .map(|o| crate::template::order_label(o))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                40
            )
        );
    }
    let removed = recipients.iter().filter(|r| r.removed).count();
    if removed > 0 {
        let _ = writeln!(out, "{removed} taken off by you.");
    }
    if !held.is_empty() {
        let _ = writeln!(
            out,
            "\n{} to write to yourself (not sent the notice):",
            crate::human_time::count(held.len() as u64, "customer", "customers")
        );
        for r in held {
            let _ = writeln!(
                out,
                "  {:<40} {}",
                crate::layout::fit(&clean(&r.addr), 40),
                crate::layout::fit(&clean(r.held.as_deref().unwrap_or("")), 70)
            );
        }
    }
    out
}

fn list(env: &Env) -> Result<String> {
    let campaigns = env.store.campaigns()?;
    if campaigns.is_empty() {
        return Ok("No campaigns yet; `shopinbox notify new --template NAME --from DAY --until DAY` starts one.\n".to_string());
    }
    let mut out = String::new();
    for c in campaigns {
        let n = env.store.campaign_counts(c.id)?;
        let _ = writeln!(
            out,
            "{:>4}  {:<8} {:<32} {}",
            c.id,
            c.state.as_str(),
            crate::layout::fit(&clean(&c.name), 32),
            crate::outreach::counts_line(&n)
        );
    }
    Ok(out)
}

fn show(env: &Env, id: i64) -> Result<String> {
    let c = campaign_or_fail(env, id)?;
    let (templates, _) = crate::send::flow::load_templates(&env.config);
    let versions = notice::versions(&templates, &c.template);
    let n = env.store.campaign_counts(id)?;
    let cal = env.config.calendar();
    let mut out = format!(
        "Campaign {id} \"{}\" ({}), template {}\n{}\n",
        clean(&c.name),
        c.state.as_str(),
        clean(&c.template),
        crate::outreach::counts_line(&n)
    );
    if let Some(until) = c.paused_until {
        let _ = writeln!(
            out,
            "Paused by the daily limit until {}.",
            crate::deadline::format_local(until, env.now, &cal)
        );
    }
    out.push_str(&recipient_lines(
        &env.store.campaign_recipients(id)?,
        &versions,
        &c.template,
    ));
    Ok(out)
}

fn preview(env: &Env, id: i64, only: Option<&str>) -> Result<String> {
    let c = campaign_or_fail(env, id)?;
    let (templates, _) = crate::send::flow::load_templates(&env.config);
    let versions = notice::versions(&templates, &c.template);
    let mut out = String::new();
    let recipients = env.store.campaign_recipients(id)?;
    let mut shown = 0;
    for r in recipients
        .iter()
        .filter(|r| r.held.is_none() && !r.removed)
        .filter(|r| only.is_none_or(|a| a.trim().eq_ignore_ascii_case(&r.addr)))
    {
        let lang = Language::parse(&r.language).unwrap_or_default();
        let t = notice::pick(&versions, &c.template, lang).ok_or_else(|| {
            anyhow!(
                "the campaign's template \"{}\" is gone from the templates folder",
                c.template
            )
        })?;
        let first = env.store.greeting_name(&r.addr, r.name.as_deref())?;
        let n = notice::render(&env.config, t, r, first, env.now)?;
        let m = notice::compose_notice(&env.config, &n, env.now)?;
        let _ = writeln!(out, "──── {} ({}) ────", clean(&r.addr), t.language.code());
        out.push_str(&crate::send::readable::readable(&m.raw));
        out.push('\n');
        shown += 1;
    }
    if shown == 0 {
        bail!("campaign {id} has no message for that customer; `shopinbox notify show {id}` lists who gets one");
    }
    Ok(out)
}

fn send(env: &mut Env, id: i64, yes: bool) -> Result<(String, i32)> {
    let c = campaign_or_fail(env, id)?;
    let (limits, source) = Limits::for_config(&env.config);
    let pending = env.store.campaign_pending(id)?.len();
    let mut out = String::new();
    let pace_line = format!(
        "At most {} a minute and {} a day ({source}; [outreach] per_minute and per_day change it).",
        limits.per_minute, limits.per_day
    );
    if c.state == CampaignState::Done && pending == 0 {
        let n = env.store.campaign_counts(id)?;
        let _ = writeln!(
            out,
            "Campaign {id} is done: {}.",
            crate::outreach::counts_line(&n)
        );
        return Ok((out, 0));
    }
    if !yes {
        let _ = writeln!(
            out,
            "Campaign {id} \"{}\" would send {} now.\n{pace_line}\nRead them with `shopinbox notify preview {id}`, then run `shopinbox notify send {id} --yes`.",
            clean(&c.name),
            crate::human_time::count(pending as u64, "message", "messages"),
        );
        return Ok((out, crate::exit::USAGE));
    }
    {
        let mut o = std::io::stdout().lock();
        let _ = writeln!(
            o,
            "Sending campaign {id}: {} to go. {pace_line} Ctrl-C stops after the message being sent.",
            crate::human_time::count(pending as u64, "message", "messages")
        );
    }
    let demo_dir = env.demo_outbox_dir()?;
    let delivery = crate::send::flow::delivery(&env.config, demo_dir.as_deref())?;
    let mut write_back = crate::send::imap::write_back_for(&env.config, env.demo)?;
    let (templates, _) = crate::send::flow::load_templates(&env.config);
    let stop_flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, stop_flag.clone()).context("cannot watch for Ctrl-C")?;
    }
    let stop = {
        let f = stop_flag.clone();
        move || f.load(std::sync::atomic::Ordering::Relaxed)
    };
    let mut on_event = |e: Event| {
        let mut o = std::io::stdout().lock();
        let _ = match e {
            Event::Sent { addr, .. } => writeln!(o, "sent to {}", clean(&addr)),
            Event::Failed { addr, error, .. } => {
                writeln!(o, "not sent to {}: {}", clean(&addr), clean(&error))
            }
            Event::Uncertain {
                addr,
                outbox_id,
                error,
            } => writeln!(
                o,
                "{}",
                clean(&crate::send::cli::uncertain_hint(
                    outbox_id,
                    &format!("{error} ({addr})")
                ))
            ),
            Event::Warning(w) => writeln!(o, "warning: {}", clean(&w)),
            Event::Waiting { .. } => Ok(()),
        };
    };
    let (limits, _) = Limits::for_config(&env.config);
    let mut runner = Runner::new(
        &env.config,
        &delivery,
        write_back.as_mut(),
        env.clock,
        limits,
        &stop,
        &mut on_event,
    );
    let end = runner.run(&mut env.store, id, &templates)?;
    let n = env.store.campaign_counts(id)?;
    let cal = env.config.calendar();
    let line = crate::outreach::counts_line(&n);
    match end {
        RunEnd::Done => {
            let _ = writeln!(out, "Campaign {id} is done: {line}.");
        }
        RunEnd::Stopped => {
            let _ = writeln!(
                out,
                "Campaign {id} stopped: {line}. `shopinbox notify send {id} --yes` goes on with the others."
            );
        }
        RunEnd::DailyLimit(until) => {
            let _ = writeln!(
                out,
                "Campaign {id} paused: the day's limit of {} is reached; go on after {} with `shopinbox notify send {id} --yes`. {line}.",
                limits.per_day,
                crate::deadline::format_local(until, env.now, &cal)
            );
        }
        RunEnd::Failing(e) => {
            let _ = writeln!(
                out,
                "Campaign {id} paused: sending fails ({}); fix it, then `shopinbox notify send {id} --yes`. {line}.",
                clean(&e)
            );
        }
    }
    let all_sent = matches!(
        env.store.campaign(id)?.map(|c| c.state),
        Some(CampaignState::Done)
    ) && n.failed == 0
        && n.uncertain == 0
        && n.waiting == 0;
    Ok((out, if all_sent { 0 } else { crate::exit::NOT_SENT }))
}
