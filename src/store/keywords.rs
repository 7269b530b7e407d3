//! Shared marks as IMAP keywords on the customer's message itself (issue 26, docs/shared-state.md
//! "Keywords"): `$ShopinboxAnswered` (answered by phone) and `$ShopinboxNotCustomer` (a
//! not-a-customer rule on that message). Writing them is a durable `flags` write-back job
//! queued in the mark's own transaction (a `-` before a keyword removes it; the job runner
//! skips keywords where the folder's `PERMANENTFLAGS` lacks `\*`). Reading them on sync gives
//! a copy whose state folder is missing (or not read yet) the same marks; the state folder
//! stays the source of truth, so a keyword is only adopted for an item it says nothing about.

use super::error::{Ctx, StoreError};
use super::shared;
use super::types::ConversationId;
use crate::shared::{Change, ItemKey, Value};
use rusqlite::{params, Connection, OptionalExtension};

pub const ANSWERED: &str = "$ShopinboxAnswered";
pub const NOT_CUSTOMER: &str = "$ShopinboxNotCustomer";

/// Queue the keyword a journaled change implies, if any (sharing is on; called in the change's
/// transaction). Only this copy's own changes are written: the copy that made a mark sets it.
pub(super) fn queue(conn: &Connection, c: &Change) -> Result<(), StoreError> {
    const ACTION: &str = "queue a keyword for the server";
    let on = !matches!(c.value, Value::Clear);
    let (keyword, targets): (&str, Vec<Target>) = match &c.item {
        ItemKey::Answered { thread } => {
            let Some(id) = shared::conversation_of(conn, thread)? else {
                return Ok(());
            };
            (ANSWERED, answered_targets(conn, id, on)?)
        }
        ItemKey::Rule { rule, value } if rule == "message" => (
            NOT_CUSTOMER,
            conn.prepare_cached(
                "SELECT mailbox, uidvalidity, uid, message_id FROM messages
                 WHERE message_id = ?1 AND uid > 0 AND removed_at IS NULL",
            )
            .and_then(|mut st| st.query_map([value], target)?.collect())
            .ctx(ACTION)?,
        ),
        _ => return Ok(()),
    };
    let word = if on {
        keyword.to_string()
    } else {
        format!("-{keyword}")
    };
    for (mailbox, uidvalidity, uid, message_id) in targets {
        conn.prepare_cached(
            "INSERT INTO writeback_jobs (kind, message_id, mailbox, uidvalidity, uid, flags,
                                         created_at, next_at)
             VALUES ('flags', ?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )
        .and_then(|mut st| st.execute(params![message_id, mailbox, uidvalidity, uid, word, c.at]))
        .ctx(ACTION)?;
    }
    Ok(())
}

type Target = (String, i64, i64, Option<String>);

fn target(r: &rusqlite::Row<'_>) -> rusqlite::Result<Target> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

/// Where "answered by phone" goes: the newest customer message on the server; a clear also
/// reaches every message that has the keyword here.
fn answered_targets(
    conn: &Connection,
    id: ConversationId,
    on: bool,
) -> Result<Vec<Target>, StoreError> {
    conn.prepare_cached(
        "SELECT mailbox, uidvalidity, uid, message_id FROM messages
         WHERE conversation_id = ?1 AND uid > 0 AND removed_at IS NULL AND (
             id = (SELECT id FROM messages WHERE conversation_id = ?1 AND is_shop = 0
                   AND uid > 0 AND removed_at IS NULL ORDER BY received_at DESC, id DESC LIMIT 1)
             OR (?2 = 0 AND instr(flags, ?3) > 0))",
    )
    .and_then(|mut st| st.query_map(params![id, on, ANSWERED], target)?.collect())
    .ctx("queue a keyword for the server")
}

/// Whether `flags` hold one of shopinbox's keywords (most messages do not: nothing to do).
pub(super) fn any(flags: &[String]) -> bool {
    flags.iter().any(|f| f == ANSWERED || f == NOT_CUSTOMER)
}

/// A message stored or refreshed by a sync carries `flags`: adopt the marks its keywords
/// stand for where this copy's shared state has nothing to say about them, and recompute the
/// conversation.
pub(super) fn adopt(
    conn: &Connection,
    ctx: &super::types::ShopContext,
    message_row: i64,
    flags: &[String],
) -> Result<(), StoreError> {
    if let Some(conv) = adopt_marks(
        conn,
        super::convert::secs(ctx.clock.now()),
        message_row,
        flags,
    )? {
        let rules = super::refresh::load_rules(conn)?;
        super::refresh::recompute(conn, ctx, &rules, conv)?;
    }
    Ok(())
}

fn adopt_marks(
    conn: &Connection,
    now: i64,
    message_row: i64,
    flags: &[String],
) -> Result<Option<ConversationId>, StoreError> {
    const ACTION: &str = "read the marks set on the server";
    let answered = flags.iter().any(|f| f == ANSWERED);
    let not_customer = flags.iter().any(|f| f == NOT_CUSTOMER);
    if !answered && !not_customer {
        return Ok(None);
    }
    let Some((conv, message_id)): Option<(ConversationId, Option<String>)> = conn
        .prepare_cached("SELECT conversation_id, message_id FROM messages WHERE id = ?1")
        .and_then(|mut st| {
            st.query_row([message_row], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .ctx(ACTION)?
    else {
        return Ok(None);
    };
    let mut changed = false;
    if answered {
        let said = match shared::thread_key(conn, conv)? {
            Some(thread) => shared::current(conn, &ItemKey::Answered { thread })?.is_some(),
            None => false,
        };
        if !said {
            changed |= conn
                .execute(
                    "UPDATE conversations SET manual_answered_at = ?2
                     WHERE id = ?1 AND manual_answered_at IS NULL",
                    params![conv, now],
                )
                .ctx(ACTION)?
                > 0;
        }
    }
    if let (true, Some(m)) = (not_customer, message_id) {
        let item = ItemKey::Rule {
            rule: "message".to_string(),
            value: m.clone(),
        };
        if shared::current(conn, &item)?.is_none() {
            changed |= conn
                .execute(
                    "INSERT INTO sender_rules(kind, value, created_at) VALUES ('message', ?1, ?2)
                     ON CONFLICT(kind, value) DO NOTHING",
                    params![m, now],
                )
                .ctx(ACTION)?
                > 0;
        }
    }
    Ok(changed.then_some(conv))
}
