//! The store's side of shared state (issue 26, see docs/shared-state.md): the journal of local
//! changes, written in the transaction of the mark itself, and the application of changes read
//! from other copies. The merge rule itself is the pure [`crate::shared::merge`].

use super::convert::secs;
use super::error::{Ctx, StoreError};
use super::schema::{meta_get, meta_set};
use super::types::ConversationId;
use crate::shared::{Change, Hlc, ItemKey, Value};
use rusqlite::{params, Connection, OptionalExtension};

const NODE_KEY: &str = "shared_node";
const NAME_KEY: &str = "shared_name";
const CLOCK_KEY: &str = "shared_clock";
pub(super) const SEEDED_KEY: &str = "shared_seeded";
pub(super) const ENABLED_KEY: &str = "shared_enabled";

/// This installation's id: random, made once per store, part of every timestamp it issues.
pub(super) fn node(conn: &Connection) -> Result<String, StoreError> {
    if let Some(n) = meta_get(conn, NODE_KEY)? {
        return Ok(n);
    }
    let n = format!("{:016x}", fastrand::u64(..));
    meta_set(conn, NODE_KEY, &n)?;
    Ok(n)
}

/// The name shown for this installation's changes ("Anna"); empty until set.
pub(super) fn name(conn: &Connection) -> Result<String, StoreError> {
    Ok(meta_get(conn, NAME_KEY)?.unwrap_or_default())
}

fn last_clock(conn: &Connection) -> Result<Hlc, StoreError> {
    let node = node(conn)?;
    Ok(meta_get(conn, CLOCK_KEY)?
        .and_then(|s| Hlc::decode(&s))
        .filter(|h| h.node == node)
        .unwrap_or_else(|| Hlc::zero(&node)))
}

pub(super) use super::threading::{conversation_of, thread_key};

/// Journal a local change in the caller's transaction: the next timestamp, the change, and
/// the item's new winning value. Returns the change's timestamp.
pub(super) fn journal(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    item: ItemKey,
    value: Value,
) -> Result<String, StoreError> {
    journal_as(conn, now, item, value, true)
}

/// [`journal`]; `win: false` sends the change to the other copies without making it this
/// copy's current value (a claim made while another copy's claim is in force: this copy keeps
/// showing, and warning about, the other one).
pub(super) fn journal_as(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    item: ItemKey,
    value: Value,
    win: bool,
) -> Result<String, StoreError> {
    let hlc = Hlc::tick(&last_clock(conn)?, now.timestamp_millis()).encode();
    meta_set(conn, CLOCK_KEY, &hlc)?;
    let by = name(conn)?;
    let change = Change {
        hlc: hlc.clone(),
        by,
        at: secs(now),
        item,
        value,
    };
    // Without sharing only the item's current value is kept (one row per item), so nothing
    // piles up; turning sharing on uploads those values once ([`catch_up`]).
    if enabled(conn)? {
        log_change(conn, &change, true)?;
        super::keywords::queue(conn, &change)?;
    }
    if win {
        put_item(conn, &change, true)?;
    }
    Ok(hlc)
}

/// Whether this store shares its marks (`[sharing]` in the config, see `Store::set_sharing`).
pub(super) fn enabled(conn: &Connection) -> Result<bool, StoreError> {
    Ok(meta_get(conn, ENABLED_KEY)?.as_deref() == Some("1"))
}

/// Sharing was just turned on: every item whose current value this installation wrote and
/// that is not journaled yet becomes a pending change, once (the change keeps its timestamp,
/// so a second run, or a set already on the server, adds nothing). Claims are left out: they
/// are about a reply being written now, not a mark.
pub(super) fn catch_up(conn: &Connection) -> Result<usize, StoreError> {
    const ACTION: &str = "prepare the marks made without sharing";
    let own = format!("%-{}", node(conn)?);
    let rows: Vec<(String, String, String, i64, String)> = conn
        .prepare(
            "SELECT i.item, i.hlc, i.by, i.at, i.value FROM shared_items i
             WHERE i.hlc LIKE ?1
               AND NOT EXISTS (SELECT 1 FROM shared_changes c WHERE c.hlc = i.hlc)
             ORDER BY i.hlc",
        )
        .and_then(|mut st| {
            st.query_map([own], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })
        .ctx(ACTION)?;
    let mut n = 0;
    for (item, hlc, by, at, value) in rows {
        let (Some(item), Some(value)) = (ItemKey::decode(&item), Value::decode(&value)) else {
            continue;
        };
        if matches!(item, ItemKey::Claim { .. }) {
            continue;
        }
        let c = Change {
            hlc,
            by,
            at,
            item,
            value,
        };
        log_change(conn, &c, true)?;
        super::keywords::queue(conn, &c)?;
        n += 1;
    }
    Ok(n)
}

/// Journal a conversation mark (nothing when the conversation has no Message-ID).
pub(super) fn journal_thread(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    id: ConversationId,
    item: impl FnOnce(String) -> ItemKey,
    value: Value,
) -> Result<(), StoreError> {
    if let Some(thread) = thread_key(conn, id)? {
        journal(conn, now, item(thread), value)?;
    }
    Ok(())
}

pub(super) fn at_value(at: Option<i64>) -> Value {
    at.map_or(Value::Clear, |at| Value::At { at })
}

fn log_change(conn: &Connection, c: &Change, local: bool) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO shared_changes(hlc, by, at, item, thread, value, local)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(hlc) DO NOTHING",
    )
    .and_then(|mut st| {
        st.execute(params![
            c.hlc,
            c.by,
            c.at,
            c.item.encode(),
            c.item.thread(),
            c.value.encode(),
            local
        ])
    })
    .ctx("record a shared change")?;
    Ok(())
}

fn put_item(conn: &Connection, c: &Change, applied: bool) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO shared_items(item, hlc, by, at, value, applied) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(item) DO UPDATE SET hlc = excluded.hlc, by = excluded.by, at = excluded.at,
             value = excluded.value, applied = excluded.applied",
    )
    .and_then(|mut st| {
        st.execute(params![
            c.item.encode(),
            c.hlc,
            c.by,
            c.at,
            c.value.encode(),
            applied
        ])
    })
    .ctx("record a shared item")?;
    Ok(())
}

/// The item's winning change so far.
pub(super) fn current(conn: &Connection, item: &ItemKey) -> Result<Option<Change>, StoreError> {
    let row: Option<(String, String, i64, String)> = conn
        .prepare_cached("SELECT hlc, by, at, value FROM shared_items WHERE item = ?1")
        .and_then(|mut st| {
            st.query_row([item.encode()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
        })
        .ctx("read a shared item")?;
    Ok(row.and_then(|(hlc, by, at, value)| {
        Some(Change {
            hlc,
            by,
            at,
            item: item.clone(),
            value: Value::decode(&value)?,
        })
    }))
}

/// Apply a change read from another copy, in the caller's transaction. Domain tables change
/// only when it wins (see [`crate::shared::merge::decide`]); the clock moves past it.
pub(super) fn apply_remote(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    change: &Change,
    touched: &mut Touched,
) -> Result<bool, StoreError> {
    let Some(remote) = change.hlc() else {
        return Ok(false);
    };
    let last = last_clock(conn)?;
    let seen = Hlc::observe(&last, &remote, now.timestamp_millis());
    if seen != last {
        meta_set(conn, CLOCK_KEY, &seen.encode())?;
    }
    log_change(conn, change, false)?;
    let d = crate::shared::decide(current(conn, &change.item)?.as_ref(), change);
    let mut changed = false;
    if let Some(sib) = d.sibling {
        changed |= apply_remote(conn, now, &sib, touched)?;
    }
    if d.wins {
        let applied = apply_domain(conn, change, touched)?;
        put_item(conn, change, applied)?;
        changed = true;
    }
    Ok(changed)
}

/// What a batch of remote changes needs recomputed afterwards.
#[derive(Debug, Default)]
pub(super) struct Touched {
    pub conversations: std::collections::BTreeSet<ConversationId>,
    pub customers: std::collections::BTreeSet<String>,
    pub rules: Vec<(super::types::RuleKind, String)>,
}

/// Make the winning change true in the domain tables. `false`: the conversation it names is
/// not here yet (retried after the next download).
pub(super) fn apply_domain(
    conn: &Connection,
    c: &Change,
    touched: &mut Touched,
) -> Result<bool, StoreError> {
    const ACTION: &str = "apply a change from another copy";
    let at = match &c.value {
        Value::At { at } => Some(*at),
        _ => None,
    };
    let conv = match c.item.thread() {
        Some(thread) => match conversation_of(conn, thread)? {
            Some(id) => Some(id),
            None => return Ok(matches!(c.item, ItemKey::Claim { .. })),
        },
        None => None,
    };
    let exec = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<usize, StoreError> {
        conn.prepare_cached(sql)
            .and_then(|mut st| st.execute(p))
            .ctx(ACTION)
    };
    match (&c.item, conv) {
        (ItemKey::Snooze { .. }, Some(id)) => {
            exec(super::marks::SNOOZE_SQL, &[&id, &at])?;
        }
        (ItemKey::Answered { .. }, Some(id)) => {
            exec(super::marks::ANSWERED_SQL, &[&id, &at])?;
        }
        (ItemKey::Pulled { .. }, Some(id)) => {
            exec(
                "UPDATE conversations SET pulled_at = ?2 WHERE id = ?1",
                &[&id, &at],
            )?;
        }
        (ItemKey::FollowUp { .. }, Some(id)) => {
            let (due, made) = match &c.value {
                Value::FollowUp { at, made } => (Some(*at), Some(*made)),
                _ => (None, None),
            };
            exec(
                "UPDATE conversations SET promise_at = ?2, promise_made_at = ?3 WHERE id = ?1",
                &[&id, &due, &made],
            )?;
        }
        (ItemKey::DuplicateDismissed { .. }, Some(id)) => {
            exec(
                "UPDATE duplicate_orders SET dismissed_at = ?2 WHERE conversation_id = ?1",
                &[&id, &at],
            )?;
        }
        (ItemKey::Rule { rule, value }, _) => {
            let Some(kind) = super::types::RuleKind::parse(rule) else {
                return Ok(true);
            };
            if c.value == Value::On {
                exec(
                    "INSERT INTO sender_rules(kind, value, created_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT(kind, value) DO NOTHING",
                    &[&rule, &value, &c.at],
                )?;
            } else {
                exec(
                    "DELETE FROM sender_rules WHERE kind = ?1 AND value = ?2",
                    &[&rule, &value],
                )?;
            }
            touched.rules.push((kind, value.clone()));
        }
        (ItemKey::FirstName { addr }, _) => {
            let name = match &c.value {
                Value::Text { text } => Some(text.as_str()),
                _ => None,
            };
            exec(
                "INSERT INTO customers(addr, first_name_override) VALUES (?1, ?2)
                 ON CONFLICT(addr) DO UPDATE SET first_name_override = excluded.first_name_override",
                &[&addr, &name],
            )?;
        }
        (ItemKey::Note { addr, note }, _) => {
            match &c.value {
                Value::Note { text, warning, .. } => {
                    exec(
                        "INSERT INTO notes(customer_addr, text, created_at, updated_at, warning,
                                           shared_id, shared_hlc)
                         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)
                         ON CONFLICT(shared_id) WHERE shared_id IS NOT NULL DO UPDATE SET
                             text = excluded.text, updated_at = excluded.updated_at,
                             warning = excluded.warning, shared_hlc = excluded.shared_hlc",
                        &[&addr, &text, &c.at, &warning, &note, &c.hlc],
                    )?;
                }
                _ => {
                    exec("DELETE FROM notes WHERE shared_id = ?1", &[&note])?;
                }
            }
            touched.customers.insert(addr.clone());
        }
        // Claims live in `shared_items` only; a thread not here yet waits.
        _ => return Ok(conv.is_some() || matches!(c.item, ItemKey::Claim { .. })),
    }
    if let Some(id) = conv {
        touched.conversations.insert(id);
    }
    Ok(true)
}
