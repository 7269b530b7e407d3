//! Shared marks as IMAP keywords on the customer's message itself (issue 26, docs/shared-state.md
//! "Keywords"): `$ShopinboxAnswered` (answered by phone) and `$ShopinboxNotCustomer` (a
//! not-a-customer rule on that message). Writing them is a durable `flags` write-back job
//! queued in the mark's own transaction (a `-` before a keyword removes it; the job runner
//! skips keywords where the folder's `PERMANENTFLAGS` lacks `\*`). Reading them on sync
//! ([`super::keywords_read`]) gives a copy whose state folder is missing (or not read yet) the
//! same marks; the state folder stays the source of truth, so a keyword is only adopted for an
//! item it says nothing about.

use super::error::{Ctx, StoreError};
use super::types::ConversationId;
use crate::shared::{Change, ItemKey, Value};
use rusqlite::{params, Connection};

pub const ANSWERED: &str = "$ShopinboxAnswered";
pub const NOT_CUSTOMER: &str = "$ShopinboxNotCustomer";

/// Queue the keyword a journaled change implies, if any (sharing is on; called in the change's
/// transaction). Only this copy's own changes are written: the copy that made a mark sets it.
pub(super) fn queue(conn: &Connection, c: &Change) -> Result<(), StoreError> {
    const ACTION: &str = "queue a keyword for the server";
    let on = !matches!(c.value, Value::Clear);
    let (keyword, targets): (&str, Vec<Target>) = match &c.item {
        ItemKey::Answered { thread } => {
            let Some(id) = super::threading::conversation_of(conn, thread)? else {
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
