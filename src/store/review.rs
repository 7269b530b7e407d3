//! Read-only queries behind the review features: the raw material of the response-time
//! statistics, and the conversations whose follow-up or snooze falls in a time window. The SQL
//! stays here with the schema it reads; `crate::review` only groups and counts.

use super::convert::{has_answered, opt_time, secs, time};
use super::error::{Ctx, StoreError};
use super::queries::{conversation_row, CONV_COLS};
use super::types::{ConversationId, ConversationRow};
use super::Store;
use chrono::{DateTime, Utc};
use rusqlite::params;

/// One message as the statistics see it: one row per Message-ID (a reply that is both in
/// INBOX and Sent counts once).
#[derive(Debug, Clone, PartialEq)]
pub struct StatRow {
    pub conversation_id: ConversationId,
    /// The conversation's "answered by hand" mark.
    pub manual_answered_at: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub is_shop: bool,
    /// A customer-side message that is an auto-reply, list mail, bounce or matched by one of
    /// the owner's not-a-customer rules.
    pub kept_out: bool,
    /// A customer message from before the tracking window that the owner did not pull into
    /// Needs reply: not owed, so not in the statistics.
    pub history: bool,
    /// The message carries `\Answered`.
    pub answered_flag: bool,
    /// Deleted or moved out of the synced folders on the server (kept as history).
    pub removed: bool,
}

/// A follow-up a sent reply promised: made when the reply went out, due at its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromiseRow {
    pub conversation_id: ConversationId,
    pub made_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

/// Which owner-set time of a conversation to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationTime {
    FollowUp,
    Snooze,
}

impl ConversationTime {
    fn column(self) -> &'static str {
        match self {
            ConversationTime::FollowUp => "follow_up_at",
            ConversationTime::Snooze => "snoozed_until",
        }
    }
}

impl Store {
    /// Every message of the conversations active since `since`, ordered by conversation and
    /// arrival.
    pub fn stat_rows(&self, since: DateTime<Utc>) -> Result<Vec<StatRow>, StoreError> {
        const ACTION: &str = "read messages for statistics";
        let rules = self.rule_set()?;
        // History (before the tracking window) is never late; a conversation the owner pulled
        // into Needs reply counts from the pull, like a message arriving then.
        let cutoff = self.history_cutoff()?.map(secs);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.manual_answered_at, m.received_at, m.is_shop, m.auto_kind,
                        m.message_id, m.from_addr, m.flags, m.removed_at IS NOT NULL,
                        c.pulled_at
                   FROM conversations c JOIN messages m ON m.conversation_id = c.id
                  WHERE c.last_at >= ?1 AND m.canonical = 1
                  ORDER BY c.id, m.received_at",
            )
            .ctx(ACTION)?;
        let rows = stmt
            .query_map(params![secs(since)], |r| {
                let is_shop: bool = r.get(3)?;
                let auto_kind: Option<String> = r.get(4)?;
                let message_id: Option<String> = r.get(5)?;
                let from_addr: Option<String> = r.get(6)?;
                let flags: String = r.get(7)?;
                let received: i64 = r.get(2)?;
                let pulled: Option<i64> = r.get(9)?;
                let history = crate::tracking::is_history(received, cutoff);
                // History the owner has not pulled in is not owed: it leaves the statistics
                // (never late, never open) without counting as kept-out mail.
                let unowed_history = history && pulled.is_none();
                let kept_out = auto_kind.is_some()
                    || rules
                        .matches(message_id.as_deref(), from_addr.as_deref())
                        .is_some();
                let received = match pulled {
                    Some(p) if history => p.max(received),
                    _ => received,
                };
                Ok(StatRow {
                    conversation_id: r.get(0)?,
                    manual_answered_at: opt_time(r.get(1)?),
                    received_at: time(received),
                    is_shop,
                    kept_out: kept_out && !is_shop,
                    history: unowed_history && !kept_out && !is_shop,
                    answered_flag: has_answered(&flags),
                    removed: r.get(8)?,
                })
            })
            .ctx(ACTION)?
            .collect::<Result<Vec<_>, _>>()
            .ctx(ACTION)?;
        Ok(rows)
    }

    /// The follow-ups promised by replies sent since `since` (from the outbox, which keeps
    /// every sent reply), by conversation and time.
    pub fn promise_rows(&self, since: DateTime<Utc>) -> Result<Vec<PromiseRow>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT conversation_id, sent_at, follow_up_at FROM outbox
                 WHERE state = 'sent' AND conversation_id IS NOT NULL
                   AND follow_up_at IS NOT NULL AND sent_at IS NOT NULL AND sent_at >= ?1
                 ORDER BY conversation_id, sent_at, id",
            )
            .and_then(|mut st| {
                st.query_map([secs(since)], |r| {
                    Ok(PromiseRow {
                        conversation_id: r.get(0)?,
                        made_at: time(r.get(1)?),
                        due_at: time(r.get(2)?),
                    })
                })?
                .collect()
            })
            .ctx("read the promised follow-ups")
    }

    /// Conversations whose follow-up (or snooze end) falls in `[start, end)`, earliest first,
    /// with their state at `now`.
    pub fn conversations_timed_between(
        &self,
        which: ConversationTime,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ConversationRow>, StoreError> {
        let column = which.column();
        let n = self.shown_before(now);
        self.conn
            .prepare_cached(&format!(
                "SELECT {CONV_COLS} FROM conversations
                  WHERE {column} >= ?1 AND {column} < ?2 ORDER BY {column}, id"
            ))
            .and_then(|mut st| {
                st.query_map(params![secs(start), secs(end)], |r| conversation_row(r, n))?
                    .collect()
            })
            .ctx("read follow-ups and snoozes")
    }
}
