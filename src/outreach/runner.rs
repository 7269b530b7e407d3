//! Sending a campaign: each notice through the outbox, one customer at a time, at the pace of
//! [`super::rate`]. The IO edge of outreach; every decision is in the store before it acts:
//!
//! 1. The notice is composed and put in the outbox together with its campaign link, in one
//!    durable transaction ([`crate::send::outbox::enqueue_then`]); the link's `UNIQUE
//!    (campaign, addr)` refuses a second notice to the same customer, whoever tries.
//! 2. The attempt is logged (the rate limits count it from then on), then the notice goes
//!    through the outbox's one send path ([`crate::send::flow::send_one`]: lease, claim,
//!    SMTP, record, local copy, Sent copy).
//!
//! A kill between 1 and 2 leaves a queued notice: the next run sends it first (it is held in
//! the outbox for [`HOLD`] so that other send passes leave it to the campaign's pace; after
//! that any send pass sends it). A kill during SMTP leaves it `sending`, which the next start
//! settles as uncertain: never resent automatically, the owner decides (`shopinbox outbox`).
//! So a restarted campaign goes on with the customers who have no notice yet.

use super::notice;
use super::rate::{pace, Limits, Pace, DAY_MS};
use crate::clock::Clock;
use crate::config::Config;
use crate::send::flow::{self, SendResult, WriteBack};
use crate::send::outbox::{self, OutboxState};
use crate::send::smtp::Delivery;
use crate::store::outreach::{self as so, CampaignState};
use crate::store::Store;
use crate::template::{Language, Template};
use anyhow::{anyhow, Result};
use chrono::{DateTime, Duration, Utc};
use std::time::Instant;

/// How long a notice queued by a campaign is left to the campaign before any send pass takes it.
pub const HOLD: Duration = Duration::minutes(10);
/// Consecutive failures after which the campaign pauses (the server or the login is broken:
/// every further notice would fail the same way).
const MAX_FAILURES_IN_A_ROW: usize = 3;

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    /// Every recipient has their notice (sent, or waiting for the owner in the outbox).
    Done,
    /// The owner stopped it (stop key, Ctrl-C, `notify stop`): paused, resumes on request.
    Stopped,
    /// The day's limit is reached: paused until then.
    DailyLimit(DateTime<Utc>),
    /// Sending failed several times in a row: paused with the server's reason.
    Failing(String),
}

/// What the runner tells its caller as it goes (the command line prints it, the TUI worker
/// sends it over its channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Waiting {
        until: DateTime<Utc>,
    },
    Sent {
        addr: String,
        outbox_id: i64,
    },
    Failed {
        addr: String,
        outbox_id: i64,
        error: String,
    },
    Uncertain {
        addr: String,
        outbox_id: i64,
        error: String,
    },
    /// A problem after the send (Sent copy not saved yet …).
    Warning(String),
}

/// Everything a run needs besides the store.
pub struct Runner<'a> {
    pub cfg: &'a Config,
    pub delivery: &'a Delivery,
    pub write_back: &'a mut dyn WriteBack,
    pub clock: Clock,
    pub limits: Limits,
    /// Nothing goes out before this (the undo window of a campaign started in the inbox).
    pub not_before: Option<DateTime<Utc>>,
    /// Read between steps and while waiting: true stops the run (it pauses the campaign).
    pub stop: &'a dyn Fn() -> bool,
    pub on_event: &'a mut dyn FnMut(Event),
    /// A fixed clock (`--now`, tests) still moves on while the run waits for its pace.
    started: Instant,
}

impl<'a> Runner<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        cfg: &'a Config,
        delivery: &'a Delivery,
        write_back: &'a mut dyn WriteBack,
        clock: Clock,
        limits: Limits,
        stop: &'a dyn Fn() -> bool,
        on_event: &'a mut dyn FnMut(Event),
    ) -> Runner<'a> {
        Runner {
            cfg,
            delivery,
            write_back,
            clock,
            limits,
            not_before: None,
            stop,
            on_event,
            started: Instant::now(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        now_of(self.clock, self.started)
    }

    /// Sends the campaign's notices until every recipient has one, the owner stops it, or a
    /// limit pauses it. The campaign's state in the store says which.
    pub fn run(
        &mut self,
        store: &mut Store,
        campaign: i64,
        templates: &[Template],
    ) -> Result<RunEnd> {
        let c = store.campaign(campaign)?.ok_or_else(|| {
            anyhow!("there is no campaign {campaign}; `shopinbox notify list` lists them")
        })?;
        let versions = notice::versions(templates, &c.template);
        if versions.is_empty() {
            return Err(anyhow!(
                "the campaign's template \"{}\" is gone from the templates folder; put it back to go on",
                c.template
            ));
        }
        outbox::recover_interrupted(store.connection(), self.now())?;
        store.set_campaign_state(campaign, CampaignState::Sending, None)?;
        let mut failures = 0usize;
        loop {
            // The stop key, Ctrl-C, or `notify stop` from another terminal (it pauses it).
            let paused = store
                .campaign(campaign)?
                .is_some_and(|c| c.state == CampaignState::Paused);
            if (self.stop)() || paused {
                store.set_campaign_state(campaign, CampaignState::Paused, None)?;
                return Ok(RunEnd::Stopped);
            }
            // The campaign's own notice left queued by a kill goes first; then the next customer.
            let queued = self.own_queued(store, campaign)?;
            let next = match queued {
                Some(q) => Some(Step::Queued(q)),
                None => store
                    .campaign_pending(campaign)?
                    .into_iter()
                    .next()
                    .map(Step::New),
            };
            let Some(step) = next else {
                store.set_campaign_state(campaign, CampaignState::Done, None)?;
                return Ok(RunEnd::Done);
            };
            match self.wait_for_pace(store, campaign)? {
                Waited::Go => {}
                Waited::Stopped => {
                    store.set_campaign_state(campaign, CampaignState::Paused, None)?;
                    return Ok(RunEnd::Stopped);
                }
                Waited::Daily(until) => {
                    store.set_campaign_state(campaign, CampaignState::Paused, Some(until))?;
                    return Ok(RunEnd::DailyLimit(until));
                }
            }
            let (outbox_id, addr) = match step {
                Step::Queued(q) => q,
                Step::New(r) => {
                    let lang = Language::parse(&r.language).unwrap_or_default();
                    let Some(t) = notice::pick(&versions, &c.template, lang) else {
                        return Err(anyhow!(
                            "the campaign's template \"{}\" is gone",
                            c.template
                        ));
                    };
                    let first = store.greeting_name(&r.addr, r.name.as_deref())?;
                    let now = self.now();
                    let n = notice::render(self.cfg, t, &r, first, now)?;
                    let m = notice::compose_notice(self.cfg, &n, now)?;
                    let mid = m.message_id.clone();
                    let id = outbox::enqueue_then(
                        store.connection(),
                        &m,
                        None,
                        None,
                        now,
                        Some(now + HOLD),
                        |conn, oid| so::link_notice(conn, oid, campaign, &r.addr, &mid),
                    )?;
                    (id, r.addr)
                }
            };
            let at = self.now();
            so::log_attempt(store.connection(), outbox_id, at.timestamp_millis())?;
            let (clock, started) = (self.clock, self.started);
            let clock_now = move || now_of(clock, started);
            let result =
                flow::send_one(store, self.delivery, self.write_back, outbox_id, &clock_now)?;
            match result {
                SendResult::Sent { problems } => {
                    failures = 0;
                    (self.on_event)(Event::Sent { addr, outbox_id });
                    for p in problems {
                        (self.on_event)(Event::Warning(p));
                    }
                }
                SendResult::Failed { error, retry_at } => {
                    failures += 1;
                    (self.on_event)(Event::Failed {
                        addr,
                        outbox_id,
                        error: error.clone(),
                    });
                    if retry_at.is_none() || failures >= MAX_FAILURES_IN_A_ROW {
                        store.set_campaign_state(campaign, CampaignState::Paused, None)?;
                        return Ok(RunEnd::Failing(error));
                    }
                }
                SendResult::Uncertain { error } => {
                    (self.on_event)(Event::Uncertain {
                        addr,
                        outbox_id,
                        error,
                    });
                }
                SendResult::Skipped => {}
            }
        }
    }

    /// A notice of this campaign still `queued` (put in the outbox, never tried).
    fn own_queued(&self, store: &Store, campaign: i64) -> Result<Option<(i64, String)>> {
        for (id, addr) in store.campaign_links(campaign)? {
            if let Some(e) = outbox::get(store.connection(), id)? {
                if e.state == OutboxState::Queued {
                    return Ok(Some((id, addr)));
                }
            }
        }
        Ok(None)
    }

    fn wait_for_pace(&mut self, store: &Store, campaign: i64) -> Result<Waited> {
        loop {
            let paused = store
                .campaign(campaign)?
                .is_some_and(|c| c.state == CampaignState::Paused);
            if (self.stop)() || paused {
                return Ok(Waited::Stopped);
            }
            let now = self.now();
            let now_ms = now.timestamp_millis();
            let mut until_ms = self.not_before.map_or(now_ms, |t| t.timestamp_millis());
            if until_ms <= now_ms {
                let log = so::attempts_since(store.connection(), now_ms - DAY_MS)?;
                match pace(&log, self.limits, now_ms) {
                    Pace::Go => return Ok(Waited::Go),
                    Pace::Wait {
                        until_ms: u,
                        daily: true,
                    } => return Ok(Waited::Daily(from_ms(u))),
                    Pace::Wait { until_ms: u, .. } => until_ms = u,
                }
            }
            (self.on_event)(Event::Waiting {
                until: from_ms(until_ms),
            });
            // Short steps, so a stop is noticed at once.
            let step = (until_ms - now_ms).clamp(1, 200);
            std::thread::sleep(std::time::Duration::from_millis(step as u64));
        }
    }
}

enum Step {
    Queued((i64, String)),
    New(so::Recipient),
}

enum Waited {
    Go,
    Stopped,
    Daily(DateTime<Utc>),
}

fn now_of(clock: Clock, started: Instant) -> DateTime<Utc> {
    match clock.fixed_at() {
        Some(at) => at + Duration::from_std(started.elapsed()).unwrap_or_else(|_| Duration::zero()),
        None => clock.now(),
    }
}

fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
#[path = "runner_tests.rs"]
mod tests;
