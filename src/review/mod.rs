//! Review: the morning overdue report and response-time statistics.
//!
//! [`stats`] is the pure core. This module loads its input from the store and builds the
//! report; [`format`] turns both into plain text for the terminal or a cron mail.

pub mod format;
pub mod stats;

use crate::deadline::Calendar;
use crate::store::{ConversationId, ConversationRow, Store, StoreError, View};
use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::params;
use serde::Serialize;
use stats::{StatConversation, StatMessage, Stats};
use std::collections::HashMap;

/// Loads every conversation active since `since`, one message per Message-ID (a reply that is
/// both in INBOX and Sent counts once), in the shape [`stats::compute`] takes.
pub fn load_stat_conversations(
    store: &Store,
    since: DateTime<Utc>,
) -> Result<Vec<StatConversation>, StoreError> {
    let rules = store.rule_set()?;
    let conn = store.connection();
    let mut convs: HashMap<ConversationId, StatConversation> = HashMap::new();
    let sql_err = |source| StoreError::Sql {
        action: "read messages for statistics",
        source,
    };
    let mut stmt = conn
        .prepare(
            "SELECT c.id, c.manual_answered_at, m.received_at, m.is_shop, m.auto_kind,
                    m.message_id, m.from_addr, m.flags
               FROM conversations c JOIN messages m ON m.conversation_id = c.id
              WHERE c.last_at >= ?1 AND m.canonical = 1
              ORDER BY c.id, m.received_at",
        )
        .map_err(sql_err)?;
    let rows = stmt
        .query_map(params![since.timestamp()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .map_err(sql_err)?;
    for row in rows {
        let (conv, manual, received, is_shop, auto_kind, msgid, from, flags) =
            row.map_err(sql_err)?;
        let kept_out =
            auto_kind.is_some() || rules.matches(msgid.as_deref(), from.as_deref()).is_some();
        let entry = convs.entry(conv).or_insert_with(|| StatConversation {
            messages: Vec::new(),
            manual_answered_at: manual.and_then(|t| Utc.timestamp_opt(t, 0).single()),
        });
        entry.messages.push(StatMessage {
            received_at: Utc.timestamp_opt(received, 0).single().unwrap_or_default(),
            is_shop,
            kept_out: kept_out && !is_shop,
            answered_flag: flags
                .split_whitespace()
                .any(|f| f.eq_ignore_ascii_case("\\Answered")),
        });
    }
    let mut out: Vec<(ConversationId, StatConversation)> = convs.into_iter().collect();
    out.sort_by_key(|(id, _)| *id);
    Ok(out.into_iter().map(|(_, c)| c).collect())
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
    let overdue: Vec<ReportItem> = store
        .list(View::Overdue, now, 0, ALL)?
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
    let ids_between = |column: &str| -> Result<Vec<ConversationId>, StoreError> {
        let sql = format!(
            "SELECT id FROM conversations WHERE {column} >= ?1 AND {column} < ?2 ORDER BY {column}"
        );
        let conn = store.connection();
        let wrap = |e| StoreError::Sql {
            action: "read follow-ups and snoozes",
            source: e,
        };
        let mut stmt = conn.prepare(&sql).map_err(wrap)?;
        let ids = stmt
            .query_map(params![start.timestamp(), end.timestamp()], |r| r.get(0))
            .map_err(wrap)?
            .collect::<Result<Vec<ConversationId>, _>>()
            .map_err(wrap)?;
        Ok(ids)
    };
    let mut follow_ups_today = Vec::new();
    for id in ids_between("follow_up_at")? {
        if let Some(row) = store.conversation_at(id, now)? {
            if row.follow_up_at.is_some() {
                follow_ups_today.push(ReportItem::from_row(&row, now));
            }
        }
    }
    let mut snoozes_ending_today = Vec::new();
    for id in ids_between("snoozed_until")? {
        if let Some(row) = store.conversation_at(id, now)? {
            if row.snoozed_until.is_some_and(|t| t > now) {
                snoozes_ending_today.push(ReportItem::from_row(&row, now));
            }
        }
    }
    Ok(OverdueReport {
        now,
        overdue,
        due_today,
        follow_ups_today,
        snoozes_ending_today,
    })
}
