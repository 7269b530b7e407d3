//! Review: the morning overdue report and response-time statistics.
//!
//! [`stats`] is the pure core. This module loads its input from the store and builds the
//! report; [`format`] turns both into plain text for the terminal or a cron mail.

pub mod daily;
pub mod format;
pub mod stats;

use crate::deadline::Calendar;
use crate::store::{ConversationId, ConversationRow, ConversationTime, Store, StoreError, View};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Serialize;
use stats::{StatConversation, StatMessage, StatPromise, Stats};

/// The store's row is the statistics' message minus the conversation it is grouped by: one
/// conversion, so a field added to both cannot be forgotten on the way.
impl From<&crate::store::StatRow> for StatMessage {
    fn from(row: &crate::store::StatRow) -> Self {
        StatMessage {
            received_at: row.received_at,
            is_shop: row.is_shop,
            kept_out: row.kept_out,
            history: row.history,
            answered_flag: row.answered_flag,
            removed: row.removed,
        }
    }
}

impl From<&crate::store::PromiseRow> for StatPromise {
    fn from(p: &crate::store::PromiseRow) -> Self {
        StatPromise {
            made_at: p.made_at,
            due_at: p.due_at,
        }
    }
}

/// Loads every conversation active since `since`, one message per Message-ID (a reply that is
/// both in INBOX and Sent counts once), in the shape [`stats::compute`] takes.
pub fn load_stat_conversations(
    store: &Store,
    since: DateTime<Utc>,
) -> Result<Vec<StatConversation>, StoreError> {
    let mut out: Vec<StatConversation> = Vec::new();
    let mut current: Option<ConversationId> = None;
    let mut promises: std::collections::HashMap<ConversationId, Vec<StatPromise>> =
        std::collections::HashMap::new();
    for p in store.promise_rows(since)? {
        promises
            .entry(p.conversation_id)
            .or_default()
            .push(StatPromise::from(&p));
    }
    // Rows come ordered by conversation, then arrival.
    for row in store.stat_rows(since)? {
        if current != Some(row.conversation_id) {
            current = Some(row.conversation_id);
            out.push(StatConversation {
                messages: Vec::new(),
                manual_answered_at: row.manual_answered_at,
                promises: promises.remove(&row.conversation_id).unwrap_or_default(),
            });
        }
        if let Some(conv) = out.last_mut() {
            conv.messages.push(StatMessage::from(&row));
        }
    }
    Ok(out)
}

/// Statistics for the `days` days up to `now` (the period starts at local midnight).
pub fn stats_for(store: &Store, days: u32, now: DateTime<Utc>) -> Result<Stats, StoreError> {
    let cal = store.context().calendar.clone();
    let from = start_of_period(now, days, &cal);
    // Conversations that started before the period still matter when they were active in it.
    let convs = load_stat_conversations(store, from)?;
    Ok(stats::compute(&convs, from, now, &cal))
}

/// Local midnight `days - 1` days before `now`'s local date (so `--days 1` is "today").
pub fn start_of_period(now: DateTime<Utc>, days: u32, cal: &Calendar) -> DateTime<Utc> {
    let today = now.with_timezone(&cal.tz).date_naive();
    let first = today - Duration::days(i64::from(days.max(1)) - 1);
    local_midnight(first, cal)
}

fn local_midnight(date: chrono::NaiveDate, cal: &Calendar) -> DateTime<Utc> {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match cal.tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        // Midnight skipped by a clock change: one hour later exists.
        None => Utc.from_utc_datetime(&naive) - Duration::hours(1),
    }
}

/// One line of the morning report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportItem {
    pub id: ConversationId,
    pub customer: String,
    pub customer_addr: String,
    pub subject: String,
    pub due_at: Option<DateTime<Utc>>,
    /// How late, in minutes (overdue items only).
    pub late_minutes: Option<i64>,
    pub follow_up_at: Option<DateTime<Utc>>,
    pub snoozed_until: Option<DateTime<Utc>>,
    /// What is due is the shop's own promise to follow up (not a customer message).
    pub promise: bool,
}

impl ReportItem {
    fn from_row(row: &ConversationRow, now: DateTime<Utc>) -> ReportItem {
        ReportItem {
            id: row.id,
            customer: row
                .customer_name
                .clone()
                .unwrap_or_else(|| row.customer_addr.clone()),
            customer_addr: row.customer_addr.clone(),
            subject: row.subject.clone(),
            due_at: row.due_at,
            late_minutes: row
                .due_at
                .filter(|d| *d <= now)
                .map(|d| (now - d).num_minutes()),
            follow_up_at: row.follow_up_at,
            snoozed_until: row.snoozed_until,
            promise: row.follow_up_at.is_some() && row.due_at == row.follow_up_at,
        }
    }
}

/// The morning report: what is overdue, what is due today, which promises fall due today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverdueReport {
    pub now: DateTime<Utc>,
    pub overdue: Vec<ReportItem>,
    /// Due later today (not yet overdue).
    pub due_today: Vec<ReportItem>,
    /// Follow-ups a template promised, falling due today (past or later).
    pub follow_ups_today: Vec<ReportItem>,
    /// Snoozed conversations that come back later today.
    pub snoozes_ending_today: Vec<ReportItem>,
}

impl OverdueReport {
    pub fn has_overdue(&self) -> bool {
        !self.overdue.is_empty()
    }
}

/// Builds the morning report at `now`.
pub fn overdue_report(store: &Store, now: DateTime<Utc>) -> Result<OverdueReport, StoreError> {
    const ALL: u64 = 10_000;
    // Snoozing never hides lateness (issue 21): overdue snoozed conversations are listed too,
    // marked with their snooze.
    let snoozed_overdue = store
        .list(View::Snoozed, now, 0, ALL)?
        .into_iter()
        .filter(|r| r.due_at.is_some_and(|d| d <= now));
    let mut overdue_rows = store.list(View::Overdue, now, 0, ALL)?;
    overdue_rows.extend(snoozed_overdue);
    overdue_rows.sort_by_key(|r| (r.due_at, r.id));
    let overdue: Vec<ReportItem> = overdue_rows
        .iter()
        .map(|r| ReportItem::from_row(r, now))
        .collect();
    let due_today: Vec<ReportItem> = store
        .list(View::DueToday, now, 0, ALL)?
        .iter()
        .filter(|r| r.due_at.is_some_and(|d| d > now))
        .map(|r| ReportItem::from_row(r, now))
        .collect();
    let cal = &store.context().calendar;
    let today = now.with_timezone(&cal.tz).date_naive();
    let (start, end) = (
        local_midnight(today, cal),
        local_midnight(today + Duration::days(1), cal),
    );
    // Each conversation is listed once: a promise due today is already under overdue or due
    // today (it is in Needs reply from the start of its day); only the others (snoozed) here.
    let listed: std::collections::HashSet<ConversationId> =
        overdue.iter().chain(&due_today).map(|i| i.id).collect();
    let follow_ups_today: Vec<ReportItem> = store
        .conversations_timed_between(ConversationTime::FollowUp, start, end, now)?
        .iter()
        .filter(|r| !listed.contains(&r.id))
        .map(|r| ReportItem::from_row(r, now))
        .collect();
    let snoozes_ending_today: Vec<ReportItem> = store
        .conversations_timed_between(ConversationTime::Snooze, start, end, now)?
        .iter()
        .filter(|r| r.snoozed_until.is_some_and(|t| t > now) && !listed.contains(&r.id))
        .map(|r| ReportItem::from_row(r, now))
        .collect();
    Ok(OverdueReport {
        now,
        overdue,
        due_today,
        follow_ups_today,
        snoozes_ending_today,
    })
}

/// After an import or a first sync: how much older customer mail became history, in one
/// line, and where to sweep it (`None` when there is none).
pub fn older_note(store: &Store, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
    let older = store.counts(now)?.older;
    let Some(cutoff) = store.history_cutoff()? else {
        return Ok(None);
    };
    if older == 0 {
        return Ok(None);
    }
    let cal = &store.context().calendar;
    Ok(Some(format!(
        "{older} older conversation{} never answered (customer mail from before {}) {} history, \
         not overdue: sweep {} with `shopinbox list --view older` or key 9 in the inbox",
        if older == 1 { "" } else { "s" },
        cutoff.with_timezone(&cal.tz).format("%a %-d %b %Y"),
        if older == 1 { "is" } else { "are" },
        if older == 1 { "it" } else { "them" },
    )))
}
