//! "This sender is fine": senders the owner says are not suspicious. Their messages keep the
//! warning the classifier gave them when they were stored (`message_flags`), and a
//! conversation leaves it out while the sender is trusted ([`super::flags`]); so new mail from a
//! trusted sender is flagged but not shown, and taking the trust back shows every warning
//! again, old and new alike.

use super::convert::{secs, time};
use super::error::{Ctx, StoreError};
use super::refresh::{load_rules, recompute};
use super::types::ConversationId;
use super::Store;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeSet;

/// A sender the owner marked fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedSender {
    /// Lower-case address.
    pub addr: String,
    pub created_at: DateTime<Utc>,
}

/// The stored form of a sender's address: trimmed, without angle brackets, lower-case.
fn normalize(addr: &str) -> String {
    addr.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

impl Store {
    /// Mark a sender's mail as not suspicious. Returns false when it already was; the
    /// conversations with mail from the sender are recomputed.
    pub fn trust_sender(&mut self, addr: &str) -> Result<bool, StoreError> {
        const ACTION: &str = "mark the sender as fine";
        let addr = normalize(addr);
        let now = secs(self.ctx.clock.now());
        let tx = self.conn.transaction().ctx(ACTION)?;
        let n = tx
            .execute(
                "INSERT INTO trusted_senders(addr, created_at) VALUES (?1, ?2)
                 ON CONFLICT(addr) DO NOTHING",
                params![addr, now],
            )
            .ctx(ACTION)?;
        if n > 0 {
            recompute_sender(&tx, &self.ctx, &addr)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(n > 0)
    }

    /// Undo [`Store::trust_sender`]: the sender's mail is checked again. Returns false when
    /// the sender was not trusted.
    pub fn untrust_sender(&mut self, addr: &str) -> Result<bool, StoreError> {
        const ACTION: &str = "take back that the sender is fine";
        let addr = normalize(addr);
        let tx = self.conn.transaction().ctx(ACTION)?;
        let n = tx
            .execute("DELETE FROM trusted_senders WHERE addr = ?1", [&addr])
            .ctx(ACTION)?;
        if n > 0 {
            recompute_sender(&tx, &self.ctx, &addr)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(n > 0)
    }

    /// Every trusted sender, by address.
    pub fn trusted_senders(&self) -> Result<Vec<TrustedSender>, StoreError> {
        self.conn
            .prepare_cached("SELECT addr, created_at FROM trusted_senders ORDER BY addr")
            .and_then(|mut st| {
                st.query_map([], |r| {
                    Ok(TrustedSender {
                        addr: r.get(0)?,
                        created_at: time(r.get(1)?),
                    })
                })?
                .collect()
            })
            .ctx("read the senders marked fine")
    }

    /// The sender of the conversation's newest suspicious message that is not trusted: whom
    /// "this sender is fine" on the conversation means.
    pub fn suspicious_sender(&self, id: ConversationId) -> Result<Option<String>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT m.from_addr FROM message_flags f JOIN messages m ON m.id = f.message
                 WHERE m.conversation_id = ?1 AND f.kind = 'suspicious'
                   AND m.from_addr IS NOT NULL AND m.from_addr <> ''
                   AND NOT EXISTS (SELECT 1 FROM trusted_senders t WHERE t.addr = m.from_addr)
                 ORDER BY m.received_at DESC, m.id DESC LIMIT 1",
            )
            .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
            .ctx("find the suspicious sender")
    }
}

/// Recompute the conversations holding mail from `addr` (its trust changed).
fn recompute_sender(
    tx: &rusqlite::Transaction<'_>,
    ctx: &super::types::ShopContext,
    addr: &str,
) -> Result<(), StoreError> {
    let ids: BTreeSet<i64> = tx
        .prepare_cached("SELECT DISTINCT conversation_id FROM messages WHERE from_addr = ?1")
        .and_then(|mut st| st.query_map([addr], |r| r.get(0))?.collect())
        .ctx("update the sender's conversations")?;
    let rules = load_rules(tx)?;
    for id in ids {
        recompute(tx, ctx, &rules, id)?;
    }
    Ok(())
}
