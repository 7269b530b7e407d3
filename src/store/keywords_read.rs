//! Marks read back from the server's keywords (issue 26, docs/shared-state.md "Keywords"): a
//! message stored or refreshed by a sync that carries `$ShopinboxAnswered` or
//! `$ShopinboxNotCustomer` gives this copy the mark where its shared state says nothing about
//! it. Writing the keywords is [`super::keywords`]; reading is here, apart, because it consults
//! the shared state, which itself queues the writes.

use super::error::{Ctx, StoreError};
use super::keywords::{ANSWERED, NOT_CUSTOMER};
use super::shared;
use super::types::ConversationId;
use crate::shared::ItemKey;
use rusqlite::{params, Connection, OptionalExtension};

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
