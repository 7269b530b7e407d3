//! Which stored conversations a new message links to (by its ids, by its subject) and how
//! several linked conversations become one.

use super::super::convert::{secs, time};
use super::super::error::{Ctx, StoreError};
use super::super::threading;
use super::super::types::ShopContext;
use rusqlite::{params, OptionalExtension, Transaction};

/// Every existing conversation a message links to by its ids (rules in [`threading`]): its
/// own Message-ID seen before, the ids it replies to, and stored replies that reference it.
/// All of them, not the first: a message that arrives after its replies (a first sync's
/// newest-first history, a sync resumed after a kill) can join conversations that were
/// started separately.
pub(super) fn by_ids(
    tx: &Transaction<'_>,
    msgid: Option<&str>,
    refs: &[&str],
) -> Result<Vec<i64>, StoreError> {
    const ACTION: &str = "find a message's conversation";
    let mut out = Vec::new();
    let mut by_id = tx
        .prepare_cached("SELECT conversation_id FROM message_ids WHERE message_id = ?1")
        .ctx(ACTION)?;
    for id in msgid.into_iter().chain(refs.iter().copied()) {
        if let Some(c) = by_id
            .query_row([id], |r| r.get::<_, i64>(0))
            .optional()
            .ctx(ACTION)?
        {
            out.push(c);
        }
    }
    if let Some(id) = msgid {
        let mut st = tx
            .prepare_cached(
                "SELECT DISTINCT m.conversation_id FROM message_refs r
                 JOIN messages m ON m.id = r.message WHERE r.ref = ?1",
            )
            .ctx(ACTION)?;
        let rows = st.query_map([id], |r| r.get::<_, i64>(0)).ctx(ACTION)?;
        for c in rows {
            out.push(c.ctx(ACTION)?);
        }
    }
    Ok(out)
}

/// Every conversation of the same customer holding a message with the same subject within
/// the window of `at`. Compared message by message (a conversation's other subjects, such as
/// a reply that renamed it, do not count), and all of them: a message between two such
/// conversations (an answer stored after a later question) makes them one, as they would
/// have been had the mail arrived in order. Order notifications never thread by subject.
pub(super) fn by_subject(
    tx: &Transaction<'_>,
    ctx: &ShopContext,
    customer: &str,
    norm_subject: &str,
    at: i64,
) -> Result<Vec<i64>, StoreError> {
    const ACTION: &str = "find a message's conversation";
    if customer.is_empty() || !threading::subject_threadable(norm_subject) {
        return Ok(Vec::new());
    }
    let (lo, hi) = threading::subject_window(time(at));
    let mut st = tx
        .prepare_cached(
            "SELECT m.conversation_id, m.subject, m.is_shop, m.from_addr, m.to_json
             FROM conversations c JOIN messages m ON m.conversation_id = c.id
             WHERE c.customer_addr = ?1 AND c.last_at >= ?2 AND c.first_at <= ?3
               AND m.received_at BETWEEN ?2 AND ?3 AND coalesce(m.auto_kind, '') <> 'order'",
        )
        .ctx(ACTION)?;
    let rows = st
        .query_map(params![customer, secs(lo), secs(hi)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .ctx(ACTION)?;
    let mut out = Vec::new();
    for row in rows {
        let (conv, subject, is_shop, from, to) = row.ctx(ACTION)?;
        if out.contains(&conv) || threading::normalize_subject(&subject) != norm_subject {
            continue;
        }
        // Unreadable recipients (never written so) simply do not match.
        let to: Vec<crate::mail::Address> = serde_json::from_str(&to).unwrap_or_default();
        let theirs = threading::customer_addr(
            is_shop,
            from.as_deref(),
            to.iter().map(|a| a.addr.as_str()),
            |a| ctx.is_shop(a),
        );
        if theirs == customer {
            out.push(conv);
        }
    }
    Ok(out)
}

/// Makes the `linked` conversations one and returns it (`None` when there are none): the
/// oldest (lowest id) stays, named after the earliest message of either, the others' messages, Message-IDs, outbox replies and
/// duplicate-order marks move to it, and their owner marks (snooze, follow-up, marked
/// answered, pulled) are kept on it, all in the caller's transaction, before the others are
/// deleted.
pub(super) fn merge_conversations(
    tx: &Transaction<'_>,
    linked: &[i64],
) -> Result<Option<i64>, StoreError> {
    const ACTION: &str = "join two conversations of one thread";
    let mut ids: Vec<i64> = linked.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let Some((&keep, others)) = ids.split_first() else {
        return Ok(None);
    };
    for &gone in others {
        for sql in [
            "UPDATE messages SET conversation_id = ?1 WHERE conversation_id = ?2",
            "UPDATE message_ids SET conversation_id = ?1 WHERE conversation_id = ?2",
            "UPDATE outbox SET conversation_id = ?1 WHERE conversation_id = ?2",
            "UPDATE duplicate_orders SET conversation_id = ?1 WHERE conversation_id = ?2",
            // Owner marks: the later snooze and answer, the earlier follow-up; "older" or
            // "removed" only when both were.
            "UPDATE conversations SET
                 subject = CASE WHEN (SELECT first_at FROM conversations WHERE id = ?2) < first_at
                     THEN (SELECT subject FROM conversations WHERE id = ?2) ELSE subject END,
                 norm_subject = CASE
                     WHEN (SELECT first_at FROM conversations WHERE id = ?2) < first_at
                     THEN (SELECT norm_subject FROM conversations WHERE id = ?2)
                     ELSE norm_subject END,
                 customer_addr = CASE
                     WHEN (SELECT first_at FROM conversations WHERE id = ?2) < first_at
                     THEN (SELECT customer_addr FROM conversations WHERE id = ?2)
                     ELSE customer_addr END,
                 created_at = min(created_at, (SELECT created_at FROM conversations WHERE id = ?2)),
                 first_at = min(first_at, (SELECT first_at FROM conversations WHERE id = ?2)),
                 last_at = max(last_at, (SELECT last_at FROM conversations WHERE id = ?2)),
                 snoozed_until = max(coalesce(snoozed_until, 0),
                     coalesce((SELECT snoozed_until FROM conversations WHERE id = ?2), 0)),
                 snoozed_after = max(coalesce(snoozed_after, 0),
                     coalesce((SELECT snoozed_after FROM conversations WHERE id = ?2), 0)),
                 follow_up_at = coalesce(min(follow_up_at,
                     (SELECT follow_up_at FROM conversations WHERE id = ?2)), follow_up_at,
                     (SELECT follow_up_at FROM conversations WHERE id = ?2)),
                 promise_at = CASE
                     WHEN (SELECT promise_at FROM conversations WHERE id = ?2) IS NOT NULL
                      AND (promise_at IS NULL OR coalesce(promise_made_at, 0) <
                           coalesce((SELECT promise_made_at FROM conversations WHERE id = ?2), 0))
                     THEN (SELECT promise_at FROM conversations WHERE id = ?2)
                     ELSE promise_at END,
                 promise_made_at = CASE
                     WHEN (SELECT promise_at FROM conversations WHERE id = ?2) IS NOT NULL
                      AND (promise_at IS NULL OR coalesce(promise_made_at, 0) <
                           coalesce((SELECT promise_made_at FROM conversations WHERE id = ?2), 0))
                     THEN (SELECT promise_made_at FROM conversations WHERE id = ?2)
                     ELSE promise_made_at END,
                 manual_answered_at = max(coalesce(manual_answered_at, 0),
                     coalesce((SELECT manual_answered_at FROM conversations WHERE id = ?2), 0)),
                 pulled_at = max(coalesce(pulled_at, 0),
                     coalesce((SELECT pulled_at FROM conversations WHERE id = ?2), 0)),
                 older_since = CASE WHEN older_since IS NULL THEN NULL
                     ELSE (SELECT older_since FROM conversations WHERE id = ?2) END,
                 removed_since = CASE WHEN removed_since IS NULL THEN NULL
                     ELSE (SELECT removed_since FROM conversations WHERE id = ?2) END
             WHERE id = ?1",
            "DELETE FROM conversations WHERE id = ?2",
        ] {
            tx.prepare_cached(sql)
                .and_then(|mut st| st.execute(params![keep, gone]))
                .ctx(ACTION)?;
        }
    }
    if !others.is_empty() {
        // max(…, 0) above stands for "none" as 0: back to NULL.
        tx.prepare_cached(
            "UPDATE conversations SET
                 snoozed_until = nullif(snoozed_until, 0),
                 snoozed_after = nullif(snoozed_after, 0),
                 manual_answered_at = nullif(manual_answered_at, 0),
                 pulled_at = nullif(pulled_at, 0)
             WHERE id = ?1",
        )
        .and_then(|mut st| st.execute([keep]))
        .ctx(ACTION)?;
    }
    Ok(Some(keep))
}
