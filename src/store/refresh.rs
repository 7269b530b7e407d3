//! Keeping the cached conversation columns in step with messages and the owner's marks.
//! Every write path (ingest, flags, removal, rules, marks) calls [`recompute`] for the
//! conversations it touched, inside its own transaction.

use super::convert::{from_json, has_answered, opt_time, secs};
use super::error::{Ctx, StoreError};
use super::flags;
use super::state::{self, Marks, RuleSet, StateMsg};
use super::threading;
use super::types::{RuleKind, ShopContext};
use crate::deadline;
use crate::mail::{Address, AutoKind};
use rusqlite::{params, Connection, OptionalExtension};

pub(crate) fn load_rules(conn: &Connection) -> Result<RuleSet, StoreError> {
    let mut st = conn
        .prepare_cached("SELECT kind, value FROM sender_rules")
        .ctx("read the not-a-customer rules")?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .ctx("read the not-a-customer rules")?;
    let mut set = RuleSet::default();
    for row in rows {
        let (kind, value) = row.ctx("read the not-a-customer rules")?;
        match RuleKind::parse(&kind) {
            Some(RuleKind::Message) => {
                set.messages.insert(value);
            }
            Some(RuleKind::Sender) => {
                set.senders.insert(value);
            }
            Some(RuleKind::Domain) => set.domains.push(value),
            None => {}
        }
    }
    Ok(set)
}

/// Recompute and store the cached state of one conversation.
pub(crate) fn recompute(
    conn: &Connection,
    ctx: &ShopContext,
    rules: &RuleSet,
    conversation: i64,
) -> Result<(), StoreError> {
    const ACTION: &str = "update a conversation's state";
    let marks = conn
        .prepare_cached(
            "SELECT manual_answered_at, promise_at, snoozed_until, snoozed_after, pulled_at,
                    (SELECT started_at FROM tracking WHERE id = 1), promise_made_at
             FROM conversations WHERE id = ?1",
        )
        .ctx(ACTION)?
        .query_row([conversation], |r| {
            Ok(Marks {
                manual_answered_at: r.get(0)?,
                follow_up_at: r.get(1)?,
                follow_up_made_at: r.get(6)?,
                snoozed_until: r.get(2)?,
                snoozed_after: r.get(3)?,
                duplicate_at: None,
                pulled_at: r.get(4)?,
                history_before: crate::tracking::cutoff_secs(r.get(5)?, &ctx.calendar),
            })
        })
        .optional()
        .ctx(ACTION)?;
    let Some(marks) = marks else {
        return Err(StoreError::NoConversation(conversation));
    };

    let mut st = conn
        .prepare_cached(
            "SELECT m.id, m.message_id, coalesce(o.customer_addr, m.from_addr),
                    coalesce(o.customer_name, m.from_name), m.to_json, m.subject,
                    m.is_shop AND o.id IS NULL, m.auto_kind, m.received_at, m.flags,
                    EXISTS (SELECT 1 FROM message_flags f WHERE f.message = m.id
                            AND f.kind = 'bounced'),
                    m.removed_at IS NOT NULL, hex(m.content_key),
                    (SELECT f.reason FROM message_flags f WHERE f.message = m.id
                            AND f.kind = 'bounce_of')
             FROM messages m LEFT JOIN orders o ON o.message = m.id
             WHERE m.conversation_id = ?1",
        )
        .ctx(ACTION)?;
    let rows = st
        .query_map([conversation], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, bool>(10)?,
                r.get::<_, bool>(11)?,
                r.get::<_, Option<String>>(12)?,
                r.get::<_, Option<String>>(13)?,
            ))
        })
        .ctx(ACTION)?;
    let mut msgs = Vec::new();
    for row in rows {
        let (
            id,
            message_id,
            from_addr,
            from_name,
            to_json,
            subject,
            is_shop,
            auto,
            at,
            flags,
            reopens,
            removed,
            content_key,
            bounce_of,
        ) = row.ctx(ACTION)?;
        let to: Vec<Address> = from_json(&to_json, "recipients", id)?;
        let first_to =
            threading::customer_addr(true, None, to.iter().map(|a| a.addr.as_str()), |a| {
                ctx.is_shop(a)
            });
        msgs.push(StateMsg {
            row_id: id,
            from_addr,
            from_name,
            first_to: (!first_to.is_empty()).then_some(first_to),
            subject,
            is_shop,
            auto_kind: auto.as_deref().and_then(AutoKind::parse),
            received_at: at,
            answered_flag: has_answered(&flags),
            reopens,
            bounce_of,
            removed,
            // Copies are matched by content only when there is no Message-ID to match by.
            content_key: content_key.filter(|k| !k.is_empty() && message_id.is_none()),
            message_id,
        });
    }
    drop(st);
    let duplicate = flags::active_duplicate(conn, conversation)?;
    let marks = Marks {
        duplicate_at: duplicate.as_ref().map(|d| d.detected_at),
        ..marks
    };

    let Some(s) = state::compute(&msgs, marks, rules) else {
        conn.prepare_cached(
            "UPDATE conversations SET message_count = 0, pending_since = NULL, due_at = NULL,
                 last_shop_at = NULL, not_customer = NULL, attention = 0, flags = '[]',
                 removed_since = NULL, older_since = NULL
             WHERE id = ?1",
        )
        .and_then(|mut st| st.execute([conversation]))
        .ctx(ACTION)?;
        return Ok(());
    };
    let due = opt_time(s.pending_since).map(|p| secs(deadline::due_at(p, &ctx.calendar)));
    // The cached follow-up is the promise still open; a settled one stays a mark
    // (`promise_at`), so taking back the answer that settled it brings it back.
    let follow_up = if s.follow_up_done {
        None
    } else {
        marks.follow_up_at
    };
    let (snoozed_until, snoozed_after) = if s.snooze_ended {
        (None, None)
    } else {
        (marks.snoozed_until, marks.snoozed_after)
    };
    let attention = s.not_customer.is_none() && (s.pending_since.is_some() || follow_up.is_some());
    let conv_flags = flags::conversation_flags(
        conn,
        conversation,
        &s.customer_addr,
        s.bounce_open,
        duplicate.as_ref(),
    )?;
    let subject = match &duplicate {
        Some(d) => d.subject.clone(),
        None => s.subject.clone(),
    };
    conn.prepare_cached(
        "UPDATE conversations SET
             subject = ?2, customer_addr = ?3, customer_name = ?4, message_count = ?5,
             first_at = ?6, last_at = ?7, latest_message = ?8, pending_since = ?9, due_at = ?10,
             last_shop_at = ?11, not_customer = ?12, follow_up_at = ?13, snoozed_until = ?14,
             snoozed_after = ?15, attention = ?16, flags = ?17, removed_since = ?18,
             older_since = ?19
         WHERE id = ?1",
    )
    .and_then(|mut st| {
        st.execute(params![
            conversation,
            subject,
            s.customer_addr,
            s.customer_name,
            s.message_count,
            s.first_at,
            s.last_at,
            s.latest_message,
            s.pending_since,
            due,
            s.last_shop_at,
            s.not_customer.map(|n| n.as_str()),
            follow_up,
            snoozed_until,
            snoozed_after,
            attention,
            super::convert::to_json(&conv_flags),
            s.removed_since,
            s.not_customer.is_none().then_some(s.older_since).flatten(),
        ])
    })
    .ctx(ACTION)?;
    Ok(())
}

/// Re-derive `messages.is_shop` from the shop's addresses, then every conversation's state.
/// Used when the addresses or the calendar changed since the cache was written.
pub(crate) fn recompute_everything(conn: &Connection, ctx: &ShopContext) -> Result<(), StoreError> {
    let addrs: Vec<String> = ctx
        .addresses
        .iter()
        .map(|a| a.trim().to_lowercase())
        .collect();
    conn.execute(
        "UPDATE messages SET is_shop = (lower(from_addr) IN (SELECT value FROM json_each(?1))
                                        AND NOT EXISTS (SELECT 1 FROM message_flags f
                                            WHERE f.message = messages.id AND f.kind = 'spoofed'))
         WHERE is_shop != (lower(from_addr) IN (SELECT value FROM json_each(?1))
                           AND NOT EXISTS (SELECT 1 FROM message_flags f
                               WHERE f.message = messages.id AND f.kind = 'spoofed'))",
        [super::convert::to_json(&addrs)],
    )
    .ctx("update which messages are the shop's")?;
    let rules = load_rules(conn)?;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM conversations ORDER BY id")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .ctx("list conversations")?;
    for id in ids {
        recompute(conn, ctx, &rules, id)?;
    }
    Ok(())
}
