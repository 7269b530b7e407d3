//! Reading: the inbox views and their counts, conversations, messages, raw bytes.
//!
//! The views read the cached conversation columns (see `refresh`). Needs-reply views only
//! look at rows with `attention = 1` (a partial index: pending conversations and follow-ups),
//! the others walk `last_at` indexes newest first, so a page of 50 stays cheap at 100,000
//! messages.

use super::convert::{flags_from_text, from_json, opt_time, secs, time};
use super::error::{Ctx, StoreError};
use super::types::{
    ConversationId, ConversationRow, Location, MessageKey, MessageRow, NotCustomer, View,
    ViewCounts,
};
use super::Store;
use crate::mail::{Address, AutoKind};
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::{params, OptionalExtension, Row};

pub(crate) const CONV_COLS: &str = "id, subject, customer_name, customer_addr, message_count, \
     first_at, last_at, pending_since, due_at, last_shop_at, not_customer, snoozed_until, \
     follow_up_at, manual_answered_at, latest_message, flags, removed_since, older_since, \
     EXISTS (SELECT 1 FROM notes WHERE notes.customer_addr = conversations.customer_addr \
     AND notes.warning = 0), \
     (SELECT max(m.received_at) FROM messages m WHERE m.conversation_id = conversations.id \
     AND m.is_shop = 0 AND m.auto_kind IS NULL)";

/// The due time that counts at ?1: the deadline of the oldest unanswered message, or a
/// promised follow-up on the current local day or earlier (?2 is the end of that day: a
/// promise is in Needs reply from the start of its day, issue 21), whichever is earlier.
const EFFECTIVE_DUE: &str = "(CASE WHEN follow_up_at IS NOT NULL AND follow_up_at < ?2 \
     THEN min(coalesce(due_at, follow_up_at), follow_up_at) ELSE due_at END)";
/// Needs a reply at ?1 (?2: the end of its local day) and is not snoozed.
const ACTIVE: &str = "attention = 1 AND (pending_since IS NOT NULL OR follow_up_at < ?2) \
     AND (snoozed_until IS NULL OR snoozed_until <= ?1)";

/// The due time that counts: the deadline, or a follow-up shown already (one before
/// `shown_before`, the end of the current local day), whichever is earlier.
pub(crate) fn effective_due(
    due_at: Option<i64>,
    follow_up_at: Option<i64>,
    shown_before: i64,
) -> Option<i64> {
    match (due_at, follow_up_at.filter(|f| *f < shown_before)) {
        (Some(d), Some(f)) => Some(d.min(f)),
        (d, f) => d.or(f),
    }
}

/// A conversation row; `shown_before` is the end of the local day of the moment asked about
/// (see [`effective_due`] and [`Store::shown_before`]).
pub(crate) fn conversation_row(
    r: &Row<'_>,
    shown_before: i64,
) -> rusqlite::Result<ConversationRow> {
    let due: Option<i64> = r.get(8)?;
    let follow_up: Option<i64> = r.get(12)?;
    Ok(ConversationRow {
        id: r.get(0)?,
        subject: r.get(1)?,
        customer_name: r.get(2)?,
        customer_addr: r.get(3)?,
        message_count: r.get(4)?,
        first_at: time(r.get(5)?),
        last_at: time(r.get(6)?),
        pending_since: opt_time(r.get(7)?),
        due_at: opt_time(effective_due(due, follow_up, shown_before)),
        last_shop_at: opt_time(r.get(9)?),
        not_customer: r
            .get::<_, Option<String>>(10)?
            .as_deref()
            .and_then(NotCustomer::parse),
        snoozed_until: opt_time(r.get(11)?),
        follow_up_at: opt_time(follow_up),
        manual_answered_at: opt_time(r.get(13)?),
        latest_message: r.get(14)?,
        // Written by `refresh` from typed values; an unreadable list shows no warnings rather
        // than failing the whole view.
        flags: serde_json::from_str(&r.get::<_, String>(15)?).unwrap_or_default(),
        removed_since: opt_time(r.get(16)?),
        older_since: opt_time(r.get(17)?),
        has_notes: r.get(18)?,
        last_customer_at: opt_time(r.get(19)?),
    })
}

/// The first instant of the next local day in the shop's time zone.
pub(crate) fn end_of_local_day(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&tz).date_naive();
    let Some(next) = local.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)) else {
        return now + Duration::days(1);
    };
    // Midnight can fall into a DST gap in a few zones; the first valid instant after it counts.
    (0..4)
        .find_map(|h| {
            tz.from_local_datetime(&(next + Duration::hours(h)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now + Duration::days(1))
}

const MSG_COLS: &str = "id, conversation_id, mailbox, uidvalidity, uid, message_id, in_reply_to, \
     refs, from_name, from_addr, to_json, cc_json, reply_to_json, subject, date, received_at, \
     body, attachments, flags, size, is_shop, auto_kind, problems, removed_at";

/// Columns as stored; JSON is decoded after the row is read, so a bad value becomes a
/// `StoreError` naming the message instead of a generic SQLite conversion error.
struct RawMessage {
    id: i64,
    conversation_id: i64,
    mailbox: String,
    uidvalidity: u32,
    uid: u32,
    message_id: Option<String>,
    in_reply_to: Option<String>,
    refs: String,
    from_name: Option<String>,
    from_addr: Option<String>,
    to: String,
    cc: String,
    reply_to: Option<String>,
    subject: String,
    date: Option<i64>,
    received_at: i64,
    body: String,
    attachments: String,
    flags: String,
    size: i64,
    is_shop: bool,
    auto_kind: Option<String>,
    problems: String,
    removed_at: Option<i64>,
}

impl RawMessage {
    fn read(r: &Row<'_>) -> rusqlite::Result<RawMessage> {
        Ok(RawMessage {
            id: r.get(0)?,
            conversation_id: r.get(1)?,
            mailbox: r.get(2)?,
            uidvalidity: r.get(3)?,
            uid: r.get(4)?,
            message_id: r.get(5)?,
            in_reply_to: r.get(6)?,
            refs: r.get(7)?,
            from_name: r.get(8)?,
            from_addr: r.get(9)?,
            to: r.get(10)?,
            cc: r.get(11)?,
            reply_to: r.get(12)?,
            subject: r.get(13)?,
            date: r.get(14)?,
            received_at: r.get(15)?,
            body: r.get(16)?,
            attachments: r.get(17)?,
            flags: r.get(18)?,
            size: r.get(19)?,
            is_shop: r.get(20)?,
            auto_kind: r.get(21)?,
            problems: r.get(22)?,
            removed_at: r.get(23)?,
        })
    }

    fn decode(self) -> Result<MessageRow, StoreError> {
        let id = self.id;
        Ok(MessageRow {
            id,
            conversation_id: self.conversation_id,
            location: Location::new(self.mailbox, self.uidvalidity, self.uid),
            message_id: self.message_id,
            in_reply_to: self.in_reply_to,
            references: from_json(&self.refs, "references", id)?,
            from: self.from_addr.map(|addr| Address {
                name: self.from_name,
                addr,
            }),
            to: from_json(&self.to, "recipients", id)?,
            cc: from_json(&self.cc, "cc recipients", id)?,
            reply_to: self
                .reply_to
                .map(|s| from_json(&s, "reply-to address", id))
                .transpose()?,
            subject: self.subject,
            date: opt_time(self.date),
            received_at: time(self.received_at),
            body: self.body,
            attachments: from_json(&self.attachments, "attachment list", id)?,
            flags: flags_from_text(&self.flags),
            size: u64::try_from(self.size).unwrap_or(0),
            is_shop: self.is_shop,
            auto_kind: self.auto_kind.as_deref().and_then(AutoKind::parse),
            problems: from_json(&self.problems, "parse problems", id)?,
            removed_at: opt_time(self.removed_at),
        })
    }
}

impl Store {
    /// The end of `now`'s local day: promised follow-ups before it are shown (and owed) at
    /// `now`, from the start of their day on.
    pub(crate) fn shown_before(&self, now: DateTime<Utc>) -> i64 {
        secs(end_of_local_day(now, self.ctx.calendar.tz))
    }

    /// How many conversations each view holds at `now`.
    pub fn counts(&self, now: DateTime<Utc>) -> Result<ViewCounts, StoreError> {
        const ACTION: &str = "count conversations";
        let conn = &self.conn;
        let all: u64 = conn
            .prepare_cached("SELECT count(*) FROM conversations WHERE message_count > 0")
            .and_then(|mut st| st.query_row([], |r| r.get(0)))
            .ctx(ACTION)?;
        let not_customer: u64 = conn
            .prepare_cached(
                "SELECT count(*) FROM conversations
                 WHERE message_count > 0 AND not_customer IS NOT NULL",
            )
            .and_then(|mut st| st.query_row([], |r| r.get(0)))
            .ctx(ACTION)?;
        let n = secs(now);
        let eod = self.shown_before(now);
        // Removed on the server and not owed a follow-up: neither waiting nor answered.
        let removed: u64 = conn
            .prepare_cached(
                "SELECT count(*) FROM conversations
                 WHERE message_count > 0 AND not_customer IS NULL AND removed_since IS NOT NULL
                   AND NOT (attention = 1 AND follow_up_at IS NOT NULL AND follow_up_at < ?1)",
            )
            .and_then(|mut st| st.query_row([eod], |r| r.get(0)))
            .ctx(ACTION)?;
        let older: u64 = conn
            .prepare_cached("SELECT count(*) FROM conversations WHERE older_since IS NOT NULL")
            .and_then(|mut st| st.query_row([], |r| r.get(0)))
            .ctx(ACTION)?;
        // Older ones that also wait on a follow-up that has come due are counted as owed.
        let older_not_owed: u64 = conn
            .prepare_cached(
                "SELECT count(*) FROM conversations WHERE older_since IS NOT NULL
                   AND NOT (attention = 1 AND follow_up_at IS NOT NULL AND follow_up_at < ?1)",
            )
            .and_then(|mut st| st.query_row([eod], |r| r.get(0)))
            .ctx(ACTION)?;
        let mut st = conn
            .prepare_cached(
                "SELECT due_at, follow_up_at, snoozed_until
                 FROM conversations WHERE attention = 1",
            )
            .ctx(ACTION)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })
            .ctx(ACTION)?;
        let mut c = ViewCounts {
            all,
            not_customer,
            older,
            ..ViewCounts::default()
        };
        let mut owed = 0u64;
        for row in rows {
            let (due, follow_up, snoozed) = row.ctx(ACTION)?;
            // Pending (due_at is set exactly when pending_since is) or a follow-up that has
            // come due: not answered, snoozed or not.
            let Some(eff) = effective_due(due, follow_up, eod) else {
                continue;
            };
            owed += 1;
            if snoozed.is_some_and(|s| s > n) {
                c.snoozed += 1;
                continue;
            }
            c.needs_reply += 1;
            // At the deadline itself a message is overdue (as `deadline::state_at` says).
            if eff <= n {
                c.overdue += 1;
            } else if eff < eod {
                c.due_today += 1;
            }
        }
        c.answered = all
            .saturating_sub(not_customer)
            .saturating_sub(owed)
            .saturating_sub(removed)
            .saturating_sub(older_not_owed);
        Ok(c)
    }

    /// One page of a view, sorted: needs-reply views most urgent first (effective due time
    /// ascending), the others newest first.
    pub fn list(
        &self,
        view: View,
        now: DateTime<Utc>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ConversationRow>, StoreError> {
        let urgent = format!("ORDER BY {EFFECTIVE_DUE} ASC, id ASC");
        let recent = "ORDER BY last_at DESC, id DESC";
        let (filter, order) = match view {
            View::NeedsReply => (ACTIVE.to_string(), urgent),
            View::Overdue => (format!("{ACTIVE} AND {EFFECTIVE_DUE} <= ?1"), urgent),
            View::DueToday => (
                format!("{ACTIVE} AND {EFFECTIVE_DUE} > ?1 AND {EFFECTIVE_DUE} < ?2"),
                urgent,
            ),
            View::Answered => (
                "message_count > 0 AND not_customer IS NULL AND pending_since IS NULL \
                 AND removed_since IS NULL AND older_since IS NULL \
                 AND NOT (follow_up_at IS NOT NULL AND follow_up_at < ?2)"
                    .to_string(),
                recent.to_string(),
            ),
            View::NotCustomer => (
                "message_count > 0 AND not_customer IS NOT NULL".to_string(),
                recent.to_string(),
            ),
            View::All => ("message_count > 0".to_string(), recent.to_string()),
            View::Snoozed => (
                "attention = 1 AND (pending_since IS NOT NULL OR follow_up_at < ?2) \
                 AND snoozed_until > ?1"
                    .to_string(),
                "ORDER BY snoozed_until ASC, id ASC".to_string(),
            ),
            View::Older => (
                "older_since IS NOT NULL".to_string(),
                "ORDER BY older_since DESC, id DESC".to_string(),
            ),
        };
        // Every view binds the same four parameters; SQLite counts parameters up to the
        // highest number used, so views that ignore ?1/?2 still accept them.
        let sql = format!(
            "SELECT {CONV_COLS} FROM conversations WHERE {filter} {order} LIMIT ?3 OFFSET ?4"
        );
        let n = secs(now);
        let eod = secs(end_of_local_day(now, self.ctx.calendar.tz));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut st| {
                st.query_map(params![n, eod, limit, offset], |r| conversation_row(r, eod))?
                    .collect()
            })
            .ctx("list conversations")
    }

    /// A conversation with its effective due time now (by the shop's clock).
    pub fn conversation(&self, id: ConversationId) -> Result<Option<ConversationRow>, StoreError> {
        self.conversation_at(id, self.ctx.clock.now())
    }

    /// A conversation with its effective due time at `now` (for `--now` time travel).
    pub fn conversation_at(
        &self,
        id: ConversationId,
        now: DateTime<Utc>,
    ) -> Result<Option<ConversationRow>, StoreError> {
        let shown = self.shown_before(now);
        self.conn
            .prepare_cached(&format!(
                "SELECT {CONV_COLS} FROM conversations WHERE id = ?1"
            ))
            .and_then(|mut st| {
                st.query_row([id], |r| conversation_row(r, shown))
                    .optional()
            })
            .ctx("read a conversation")
    }

    /// The messages of a conversation, oldest first, one per Message-ID (the first stored copy).
    pub fn conversation_messages(&self, id: ConversationId) -> Result<Vec<MessageRow>, StoreError> {
        let raws: Vec<RawMessage> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {MSG_COLS} FROM messages WHERE conversation_id = ?1 AND canonical = 1
                 ORDER BY received_at, id"
            ))
            .and_then(|mut st| st.query_map([id], RawMessage::read)?.collect())
            .ctx("read a conversation's messages")?;
        raws.into_iter().map(RawMessage::decode).collect()
    }

    /// The text of a customer's own mail before `before` (a message key), newest first, at most
    /// `limit`: what tells the language they write in when their newest mail is too short.
    pub fn customer_texts(
        &self,
        addr: &str,
        before: MessageKey,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT body FROM messages
                 WHERE from_addr = ?1 AND is_shop = 0 AND auto_kind IS NULL AND id != ?2
                   AND canonical = 1
                 ORDER BY received_at DESC, id DESC LIMIT ?3",
            )
            .and_then(|mut st| {
                st.query_map(
                    params![
                        addr.trim().to_lowercase(),
                        before,
                        i64::try_from(limit).unwrap_or(50)
                    ],
                    |r| r.get(0),
                )?
                .collect()
            })
            .ctx("read a customer's earlier mail")
    }

    pub fn message(&self, key: MessageKey) -> Result<Option<MessageRow>, StoreError> {
        self.conn
            .prepare_cached(&format!("SELECT {MSG_COLS} FROM messages WHERE id = ?1"))
            .and_then(|mut st| st.query_row([key], RawMessage::read).optional())
            .ctx("read a message")?
            .map(RawMessage::decode)
            .transpose()
    }

    /// The message exactly as received, for reparsing, the pager and quoting.
    pub fn raw(&self, key: MessageKey) -> Result<Option<Vec<u8>>, StoreError> {
        self.conn
            .prepare_cached("SELECT raw FROM messages WHERE id = ?1")
            .and_then(|mut st| st.query_row([key], |r| r.get(0)).optional())
            .ctx("read a message's raw bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_due_rules() {
        // (due_at, follow_up_at, shown_before (the end of now's day), want)
        let cases = [
            (Some(100), None, 50, Some(100)),
            // A promise on a later day is not shown yet.
            (None, Some(80), 50, None),
            (None, Some(80), 80, None),
            // A promise is shown from the start of its day, before its time.
            (None, Some(80), 81, Some(80)),
            (Some(100), Some(80), 90, Some(80)),
            (Some(100), Some(120), 130, Some(100)),
            (Some(100), Some(120), 110, Some(100)),
            (None, None, 0, None),
        ];
        for (due, fu, shown, want) in cases {
            assert_eq!(
                effective_due(due, fu, shown),
                want,
                "{due:?} {fu:?} {shown}"
            );
        }
    }

    #[test]
    fn end_of_day_in_zone() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let cases = [
            ("2025-11-24T10:00:00Z", "2025-11-24T23:00:00Z"),
            ("2025-11-24T23:30:00Z", "2025-11-25T23:00:00Z"), // already Tuesday in Berlin
            ("2025-03-30T00:30:00Z", "2025-03-30T22:00:00Z"), // DST starts that day
            ("2025-10-26T12:00:00Z", "2025-10-26T23:00:00Z"), // DST ends that day
        ];
        for (now, want) in cases {
            assert_eq!(end_of_local_day(at(now), tz), at(want), "{now}");
        }
    }
}
