//! The store's side of "be proactive": what new mail adds besides itself (an order, a
//! possible duplicate order, a bounced reply, a suspicious sender), and the warnings a
//! conversation carries. The checks themselves are pure ([`crate::mail::order_mail`],
//! [`crate::mail::bounce`], [`crate::mail::suspicious`]); this module files their results in the
//! ingest transaction, so that a crash never leaves an order without its duplicate check.
//!
//! A possible duplicate order is a conversation of its own: the two notifications are moved
//! into it, its subject reads "Possible duplicate order #1047 / #1048", and
//! [`super::state::Marks::duplicate_at`] makes it owed like a customer message arriving with the
//! second order. "Not a duplicate" sets `dismissed_at`; undo clears it.

use super::convert::{from_json, secs, time, to_json};
use super::error::{Ctx, StoreError};
use super::types::{Flag, FlagKind, OrderRow, ShopContext};
use crate::mail::bounce::Bounce;
use crate::mail::order_mail::{possible_duplicate, OrderMail};
use crate::mail::sanitize;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeSet;

/// A duplicate the owner has not dismissed, as the conversation's state needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActiveDuplicate {
    pub detected_at: i64,
    pub subject: String,
    pub reason: String,
    /// Order numbers, oldest first.
    pub numbers: Vec<String>,
}

pub(crate) fn active_duplicate(
    conn: &Connection,
    conversation: i64,
) -> Result<Option<ActiveDuplicate>, StoreError> {
    const ACTION: &str = "read a possible duplicate order";
    let rows: Vec<(i64, String, String, String)> = conn
        .prepare_cached(
            "SELECT d.detected_at, d.reason, a.number, b.number
             FROM duplicate_orders d
             JOIN orders a ON a.id = d.first_order JOIN orders b ON b.id = d.second_order
             WHERE d.conversation_id = ?1 AND d.dismissed_at IS NULL ORDER BY d.id",
        )
        .and_then(|mut st| {
            st.query_map([conversation], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect()
        })
        .ctx(ACTION)?;
    let Some(detected_at) = rows.iter().map(|r| r.0).max() else {
        return Ok(None);
    };
    let mut numbers: Vec<String> = Vec::new();
    for (_, _, a, b) in &rows {
        for n in [a, b] {
            if !numbers.contains(n) {
                numbers.push(n.clone());
            }
        }
    }
    let subject = format!(
        "Possible duplicate order {}",
        numbers
            .iter()
            .map(|n| format!("#{n}"))
            .collect::<Vec<_>>()
            .join(" / ")
    );
    let reason = rows.last().map(|r| r.1.clone()).unwrap_or_default();
    Ok(Some(ActiveDuplicate {
        detected_at,
        subject,
        reason,
        numbers,
    }))
}

/// The warnings of a conversation, most serious first. `bounce_open`: a bounce of one of the
/// shop's messages is not settled yet ([`super::state::ConvState::bounce_open`]).
pub(crate) fn conversation_flags(
    conn: &Connection,
    conversation: i64,
    customer_addr: &str,
    bounce_open: bool,
    duplicate: Option<&ActiveDuplicate>,
) -> Result<Vec<Flag>, StoreError> {
    const ACTION: &str = "read a conversation's warnings";
    let mut out = Vec::new();
    // A suspicious warning on mail from a sender the owner marked fine is left out
    // (see [`super::trust`]); the flag itself stays on the message.
    let newest = |kind: &str| -> Result<Option<(String, i64)>, StoreError> {
        conn.prepare_cached(
            "SELECT f.reason, m.received_at FROM message_flags f
             JOIN messages m ON m.id = f.message
             WHERE m.conversation_id = ?1 AND f.kind = ?2
               AND (f.kind <> 'suspicious' OR NOT EXISTS (
                    SELECT 1 FROM trusted_senders t WHERE t.addr = m.from_addr))
             ORDER BY m.received_at DESC, m.id DESC LIMIT 1",
        )
        .and_then(|mut st| {
            st.query_row(params![conversation, kind], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .ctx(ACTION)
    };
    if let Some((reason, _)) = newest("suspicious")? {
        out.push(Flag {
            kind: FlagKind::Suspicious,
            reason,
        });
    }
    if !customer_addr.is_empty() {
        let warning: Option<String> = conn
            .prepare_cached(
                "SELECT text FROM notes WHERE customer_addr = ?1 AND warning = 1
                 ORDER BY created_at, id LIMIT 1",
            )
            .and_then(|mut st| st.query_row([customer_addr], |r| r.get(0)).optional())
            .ctx(ACTION)?;
        if let Some(text) = warning {
            out.push(Flag {
                kind: FlagKind::Warning,
                reason: sanitize::line(&text),
            });
        }
    }
    if let Some((reason, _)) = newest("bounced")?.filter(|_| bounce_open) {
        out.push(Flag {
            kind: FlagKind::Bounced,
            reason,
        });
    }
    if let Some(d) = duplicate {
        out.push(Flag {
            kind: FlagKind::DuplicateOrder,
            reason: d.reason.clone(),
        });
    }
    Ok(out)
}

/// Save a warning derived from a message (kind `suspicious` or `bounced`).
pub(crate) fn flag_message(
    tx: &Transaction<'_>,
    message: i64,
    kind: FlagKind,
    reason: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO message_flags(message, kind, reason) VALUES (?1, ?2, ?3)
         ON CONFLICT(message, kind) DO UPDATE SET reason = excluded.reason",
    )
    .and_then(|mut st| st.execute(params![message, kind.as_str(), sanitize::line(reason)]))
    .ctx("save a message's warning")?;
    Ok(())
}

/// The conversation holding the shop's message that bounced: the message the report names
/// by its Message-ID (from the report's own parts), when the shop sent it (a message of the
/// shop's in the store, or the outbox) to the address that failed. Nothing else: a report
/// naming no message of the shop's, or another recipient, reopens nothing.
pub(crate) fn bounce_target(
    tx: &Transaction<'_>,
    bounce: &Bounce,
) -> Result<Option<i64>, StoreError> {
    let Some(id) = bounce.original_message_id.as_deref() else {
        return Ok(None);
    };
    sent_to(tx, id, &bounce.recipient)
}

/// The conversation of the shop's message `message_id` if it went to `recipient`.
fn sent_to(
    tx: &Transaction<'_>,
    message_id: &str,
    recipient: &str,
) -> Result<Option<i64>, StoreError> {
    tx.prepare_cached(
        "SELECT conversation_id FROM messages
          WHERE message_id = ?1 AND is_shop = 1 AND EXISTS (
                SELECT 1 FROM json_each(messages.to_json)
                 WHERE lower(json_extract(value, '$.addr')) = ?2
                UNION ALL
                SELECT 1 FROM json_each(messages.cc_json)
                 WHERE lower(json_extract(value, '$.addr')) = ?2)
         UNION ALL
         SELECT conversation_id FROM outbox
          WHERE message_id = ?1 AND conversation_id IS NOT NULL AND lower(to_addr) = ?2
         LIMIT 1",
    )
    .and_then(|mut st| {
        st.query_row(params![message_id, recipient.to_lowercase()], |r| r.get(0))
            .optional()
    })
    .ctx("find the reply that bounced")
}

/// Is a message in `mailbox` with `message_id` the shop's own whatever its headers say: a
/// copy in a folder the sync found to be Sent, or a message the outbox sent?
pub(crate) fn is_shops_own(
    tx: &Transaction<'_>,
    mailbox: &str,
    message_id: Option<&str>,
) -> Result<bool, StoreError> {
    tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM folder_roles WHERE mailbox = ?1 AND role = 'sent')
             OR EXISTS (SELECT 1 FROM outbox WHERE ?2 IS NOT NULL AND message_id = ?2)",
    )
    .and_then(|mut st| st.query_row(params![mailbox, message_id], |r| r.get(0)))
    .ctx("check whether a message is the shop's own")
}

/// Mark a message that carries the shop's address but failed the provider's sender check:
/// it is not the shop's (kept through a change of the shop's addresses).
pub(crate) fn mark_spoofed(tx: &Transaction<'_>, message: i64) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO message_flags(message, kind, reason) VALUES (?1, 'spoofed', '')
         ON CONFLICT(message, kind) DO NOTHING",
    )
    .and_then(|mut st| st.execute([message]))
    .ctx("save a message's warning")?;
    Ok(())
}

/// The open duplicate-order item a customer's own mail about those orders joins.
pub(crate) fn duplicate_for_mail(
    tx: &Transaction<'_>,
    from_addr: &str,
    numbers: &[String],
) -> Result<Option<i64>, StoreError> {
    if numbers.is_empty() || from_addr.is_empty() {
        return Ok(None);
    }
    tx.prepare_cached(
        "SELECT d.conversation_id FROM duplicate_orders d
         JOIN orders a ON a.id = d.first_order JOIN orders b ON b.id = d.second_order
         WHERE d.dismissed_at IS NULL
           AND (a.customer_addr = ?1 OR b.customer_addr = ?1)
           AND (upper(a.number) IN (SELECT value FROM json_each(?2))
                OR upper(b.number) IN (SELECT value FROM json_each(?2)))
         ORDER BY d.id DESC LIMIT 1",
    )
    .and_then(|mut st| {
        st.query_row(params![from_addr, to_json(numbers)], |r| r.get(0))
            .optional()
    })
    .ctx("find the duplicate order a message is about")
}

struct StoredOrder {
    id: i64,
    message: Option<i64>,
    placed_at: i64,
    order: OrderMail,
}

const ORDER_COLS: &str = "id, message, placed_at, platform, number, customer_name, \
     customer_addr, address, items, total";

fn stored_order(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StoredOrder, String)> {
    Ok((
        StoredOrder {
            id: r.get(0)?,
            message: r.get(1)?,
            placed_at: r.get(2)?,
            order: OrderMail {
                platform: r.get(3)?,
                number: r.get(4)?,
                customer_name: r.get(5)?,
                customer_email: r.get(6)?,
                address: r.get(7)?,
                items: Vec::new(),
                total: r.get(9)?,
            },
        },
        r.get(8)?,
    ))
}

/// File an order read from notification `message` (stored in `conversation`) and look for
/// its possible duplicate. Returns the conversations whose state changed.
/// Only a `verified` order (its platform's signature checked by the shop's provider) takes
/// part in the duplicate check, on both sides: a forged "order" never names a customer in a
/// duplicate item.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_order(
    tx: &Transaction<'_>,
    ctx: &ShopContext,
    message: i64,
    message_id: Option<&str>,
    order: &OrderMail,
    verified: bool,
    at: i64,
    conversation: i64,
) -> Result<BTreeSet<i64>, StoreError> {
    const ACTION: &str = "save an order";
    let mut touched = BTreeSet::new();
    let inserted = tx
        .prepare_cached(
            "INSERT INTO orders(platform, number, message, message_id, placed_at, customer_name,
                                customer_addr, address, items, total, verified)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT(platform, number) DO NOTHING",
        )
        .and_then(|mut st| {
            st.execute(params![
                order.platform,
                order.number.to_uppercase(),
                message,
                message_id,
                at,
                order.customer_name.as_deref().map(sanitize::line),
                order.customer_email,
                order.address.as_deref().map(sanitize::line),
                to_json(&order.items),
                order.total,
                verified,
            ])
        })
        .ctx(ACTION)?;
    if inserted == 0 {
        // Seen before (another copy, or re-fetched): point the order at a living message.
        tx.prepare_cached(
            "UPDATE orders SET message = ?3 WHERE platform = ?1 AND number = ?2 AND message IS NULL",
        )
        .and_then(|mut st| {
            st.execute(params![order.platform, order.number.to_uppercase(), message])
        })
        .ctx(ACTION)?;
        return Ok(touched);
    }
    let new_id = tx.last_insert_rowid();
    if !verified {
        return Ok(touched);
    }
    let window = ctx.proactive.orders.duplicate_window.num_seconds().max(0);
    let candidates: Vec<(StoredOrder, String)> = tx
        .prepare_cached(&format!(
            "SELECT {ORDER_COLS} FROM orders
             WHERE id != ?1 AND verified = 1 AND placed_at BETWEEN ?2 AND ?3
               AND (customer_addr = ?4 OR lower(customer_name) = lower(?5))
             ORDER BY placed_at, id"
        ))
        .and_then(|mut st| {
            st.query_map(
                params![
                    new_id,
                    at - window,
                    at + window,
                    order.customer_email,
                    order.customer_name
                ],
                stored_order,
            )?
            .collect()
        })
        .ctx(ACTION)?;
    let Some(other) = candidates.into_iter().find_map(|(mut s, items)| {
        s.order.items = serde_json::from_str(&items).unwrap_or_default();
        possible_duplicate(&s.order, order).then_some(s)
    }) else {
        return Ok(touched);
    };

    // Join the other order's duplicate item if it has one, else start one.
    let existing: Option<i64> = tx
        .prepare_cached(
            "SELECT conversation_id FROM duplicate_orders
             WHERE first_order = ?1 OR second_order = ?1 ORDER BY id DESC LIMIT 1",
        )
        .and_then(|mut st| st.query_row([other.id], |r| r.get(0)).optional())
        .ctx(ACTION)?;
    let customer = order
        .customer_email
        .clone()
        .or_else(|| other.order.customer_email.clone())
        .unwrap_or_default();
    let dup_conv = match existing {
        Some(c) => c,
        None => {
            tx.prepare_cached(
                "INSERT INTO conversations(subject, norm_subject, customer_addr, created_at,
                                           first_at, last_at)
                 VALUES (?1, 'possible duplicate order', ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    format!(
                        "Possible duplicate order #{} / #{}",
                        other.order.number, order.number
                    ),
                    customer,
                    secs(ctx.clock.now()),
                    other.placed_at.min(at),
                    other.placed_at.max(at),
                ])
            })
            .ctx("start a duplicate-order item")?;
            tx.last_insert_rowid()
        }
    };
    for (msg, conv) in [(other.message, None), (Some(message), Some(conversation))] {
        let Some(msg) = msg else { continue };
        let old: Option<i64> = match conv {
            Some(c) => Some(c),
            None => tx
                .prepare_cached("SELECT conversation_id FROM messages WHERE id = ?1")
                .and_then(|mut st| st.query_row([msg], |r| r.get(0)).optional())
                .ctx(ACTION)?,
        };
        move_message(tx, msg, dup_conv)?;
        touched.extend(old);
    }
    let (first, second) = if (other.placed_at, other.id) <= (at, new_id) {
        (&other.order, order)
    } else {
        (order, &other.order)
    };
    let mut same = Vec::new();
    if !first.items.is_empty() && first.item_key() == second.item_key() {
        same.push("same items");
    }
    if first.total_key().is_some() && first.total_key() == second.total_key() {
        same.push("same total");
    }
    let minutes = (at - other.placed_at).abs() / 60;
    let apart = if minutes < 120 {
        format!("{minutes} minutes apart")
    } else {
        format!("{} hours apart", minutes / 60)
    };
    let who = first
        .customer_name
        .clone()
        .or_else(|| first.customer_email.clone())
        .unwrap_or_else(|| "one customer".to_string());
    let reason = sanitize::line(&format!(
        "orders #{} and #{} from {who}: {}, {apart}",
        first.number,
        second.number,
        same.join(", ")
    ));
    let (first_id, second_id) = if std::ptr::eq(first, order) {
        (new_id, other.id)
    } else {
        (other.id, new_id)
    };
    tx.prepare_cached(
        "INSERT INTO duplicate_orders(first_order, second_order, conversation_id, detected_at,
                                      reason)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
    )
    .and_then(|mut st| {
        st.execute(params![
            first_id,
            second_id,
            dup_conv,
            other.placed_at.max(at),
            reason
        ])
    })
    .ctx(ACTION)?;
    touched.insert(dup_conv);
    Ok(touched)
}

fn move_message(tx: &Transaction<'_>, message: i64, to: i64) -> Result<(), StoreError> {
    const ACTION: &str = "move an order into its duplicate item";
    tx.prepare_cached("UPDATE messages SET conversation_id = ?2 WHERE id = ?1")
        .and_then(|mut st| st.execute(params![message, to]))
        .ctx(ACTION)?;
    tx.prepare_cached(
        "UPDATE message_ids SET conversation_id = ?2
         WHERE message_id = (SELECT message_id FROM messages WHERE id = ?1)",
    )
    .and_then(|mut st| st.execute(params![message, to]))
    .ctx(ACTION)?;
    tx.prepare_cached(
        "UPDATE conversations SET first_at = min(first_at, m.received_at),
                last_at = max(last_at, m.received_at)
         FROM (SELECT received_at FROM messages WHERE id = ?1) AS m WHERE id = ?2",
    )
    .and_then(|mut st| st.execute(params![message, to]))
    .ctx(ACTION)?;
    Ok(())
}

/// A customer's orders, newest first.
pub(crate) fn customer_orders(conn: &Connection, addr: &str) -> Result<Vec<OrderRow>, StoreError> {
    const ACTION: &str = "read a customer's orders";
    let rows: Vec<(StoredOrder, String, Option<i64>)> = conn
        .prepare_cached(
            "SELECT o.id, o.message, o.placed_at, o.platform, o.number, o.customer_name,
                    o.customer_addr, o.address, o.items, o.total, m.conversation_id
             FROM orders o LEFT JOIN messages m ON m.id = o.message
             WHERE o.customer_addr = ?1 ORDER BY o.placed_at DESC, o.id DESC",
        )
        .and_then(|mut st| {
            st.query_map([addr], |r| {
                let (s, items) = stored_order(r)?;
                Ok((s, items, r.get(10)?))
            })?
            .collect()
        })
        .ctx(ACTION)?;
    rows.into_iter()
        .map(|(s, items, conversation_id)| {
            Ok(OrderRow {
                id: s.id,
                platform: s.order.platform,
                number: s.order.number,
                placed_at: time(s.placed_at),
                customer_name: s.order.customer_name,
                customer_addr: s.order.customer_email,
                address: s.order.address,
                items: from_json(&items, "order items", s.id)?,
                total: s.order.total,
                conversation_id,
            })
        })
        .collect()
}

/// Remember which Message-ID a bounce reports: the state computation needs it (the reported
/// reply never settles its own bounce), and [`attach_waiting_bounces`] finds the report by
/// index when that reply is stored after it.
pub(crate) fn remember_bounce_of(
    tx: &Transaction<'_>,
    bounce_message: i64,
    original_message_id: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO message_flags(message, kind, reason) VALUES (?1, 'bounce_of', ?2)
         ON CONFLICT(message, kind) DO UPDATE SET reason = excluded.reason",
    )
    .and_then(|mut st| st.execute(params![bounce_message, original_message_id]))
    .ctx("remember a bounce")?;
    Ok(())
}

/// A shop message stored after the bounce of it (INBOX syncs before Sent, or both arrived in
/// one second): reports that name its Message-ID and its recipient, not yet tied to a reply,
/// join its conversation now. Returns the conversations whose state changed.
pub(crate) fn attach_waiting_bounces(
    tx: &Transaction<'_>,
    message_id: &str,
    conversation: i64,
) -> Result<BTreeSet<i64>, StoreError> {
    const ACTION: &str = "match a bounce to the reply it reports";
    let waiting: Vec<(i64, i64, Vec<u8>)> = tx
        .prepare_cached(
            "SELECT m.id, m.conversation_id, m.raw FROM message_flags f
             JOIN messages m ON m.id = f.message
             WHERE f.kind = 'bounce_of' AND f.reason = ?1
               AND NOT EXISTS (SELECT 1 FROM message_flags b
                               WHERE b.message = m.id AND b.kind = 'bounced')",
        )
        .and_then(|mut st| {
            st.query_map([message_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .ctx(ACTION)?;
    let mut touched = BTreeSet::new();
    for (id, old, raw) in waiting {
        let Some(b) = crate::mail::bounce::parse(&raw) else {
            continue;
        };
        if b.original_message_id.as_deref() != Some(message_id)
            || sent_to(tx, message_id, &b.recipient)?.is_none()
        {
            continue;
        }
        move_message(tx, id, conversation)?;
        flag_message(tx, id, FlagKind::Bounced, &b.summary())?;
        touched.insert(old);
        touched.insert(conversation);
    }
    Ok(touched)
}

impl super::Store {
    /// The raw bytes of the newest incoming mail (not the shop's, not in the Sent folder), at
    /// most `limit`: what `config check` reads the provider's habits from.
    pub fn recent_incoming_raw(&self, limit: usize) -> Result<Vec<Vec<u8>>, StoreError> {
        self.connection()
            .prepare_cached(
                "SELECT raw FROM messages
                 WHERE is_shop = 0
                   AND mailbox NOT IN (SELECT mailbox FROM folder_roles WHERE role = 'sent')
                 ORDER BY received_at DESC, id DESC LIMIT ?1",
            )
            .and_then(|mut st| {
                st.query_map([i64::try_from(limit).unwrap_or(100)], |r| r.get(0))?
                    .collect()
            })
            .ctx("read recent mail")
    }

    /// Remember the folder the sync found to be Sent: a copy there is the shop's own message
    /// whatever its headers say. One Sent folder per store; a new one replaces the old.
    pub fn remember_sent_folder(&mut self, mailbox: &str) -> Result<(), StoreError> {
        const ACTION: &str = "remember the Sent folder";
        let have: Option<String> = self
            .connection()
            .prepare_cached("SELECT mailbox FROM folder_roles WHERE role = 'sent'")
            .and_then(|mut st| st.query_row([], |r| r.get(0)).optional())
            .ctx(ACTION)?;
        if have.as_deref() == Some(mailbox) {
            return Ok(());
        }
        let tx = self.conn.transaction().ctx(ACTION)?;
        tx.execute("DELETE FROM folder_roles WHERE role = 'sent'", [])
            .ctx(ACTION)?;
        tx.execute(
            "INSERT INTO folder_roles(mailbox, role) VALUES (?1, 'sent')",
            [mailbox],
        )
        .ctx(ACTION)?;
        tx.commit().ctx(ACTION)
    }

    /// Notices said once per store (issue 22: "no Sent folder"): `true` the first time for
    /// `key`, recording that it is being said (before it is said, so a crash in between
    /// cannot make it repeat); `false` afterwards, until [`Self::forget_said`].
    pub fn say_once(&self, key: &str) -> Result<bool, StoreError> {
        let n = self
            .connection()
            .prepare_cached(
                "INSERT INTO meta(key, value) VALUES ('said:' || ?1, '1') \
                 ON CONFLICT(key) DO NOTHING",
            )
            .and_then(|mut st| st.execute([key]))
            .ctx("record a notice as said")?;
        Ok(n == 1)
    }

    /// The condition behind a once-per-store notice is over: say it again if it returns.
    pub fn forget_said(&self, key: &str) -> Result<(), StoreError> {
        // Read first: a sync with nothing to forget writes nothing.
        let said: bool = self
            .connection()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'said:' || ?1)")
            .and_then(|mut st| st.query_row([key], |r| r.get(0)))
            .ctx("read a notice")?;
        if !said {
            return Ok(());
        }
        self.connection()
            .prepare_cached("DELETE FROM meta WHERE key = 'said:' || ?1")
            .and_then(|mut st| st.execute([key]))
            .ctx("forget a notice")?;
        Ok(())
    }

    /// The order numbers of the possible duplicate order in a conversation, oldest first
    /// (empty when there is none, or it was dismissed).
    pub fn duplicate_numbers(&self, id: super::ConversationId) -> Result<Vec<String>, StoreError> {
        Ok(active_duplicate(self.connection(), id)?
            .map(|d| d.numbers)
            .unwrap_or_default())
    }

    /// The order a notification message was read as, if it was one.
    pub fn order_of_message(&self, key: super::MessageKey) -> Result<Option<OrderRow>, StoreError> {
        let found: Option<(i64, Option<String>)> = self
            .connection()
            .prepare_cached("SELECT id, customer_addr FROM orders WHERE message = ?1")
            .and_then(|mut st| {
                st.query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .ctx("read an order")?;
        let Some((id, Some(addr))) = found else {
            return Ok(None);
        };
        Ok(customer_orders(self.connection(), &addr)?
            .into_iter()
            .find(|o| o.id == id))
    }
}
