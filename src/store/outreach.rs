//! The store's side of outreach (issue 27): orders from the shop's own export, merged with
//! the orders known from notification mails; campaigns, their recipients, and the link from an
//! outbox item to its campaign; the log of send attempts the rate limits are counted from.
//!
//! An imported order is the shop's own data, so it is `verified`. It is one order with the
//! notification of the same platform and number (`UNIQUE (platform, number)`): importing
//! fills what the notification did not say and marks it imported; a notification that
//! arrives after the import finds the order and only points it at its message.

use super::convert::{from_json, secs, time, to_json};
use super::error::{Ctx, StoreError};
use super::Store;
use crate::outreach::import::ImportedOrder;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    /// Orders the store did not know.
    pub new: usize,
    /// Orders known from a notification mail, now completed from the export.
    pub merged: usize,
    /// Orders imported before (updated from this file).
    pub again: usize,
}

/// A campaign as the screens and commands show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    /// The template's file stem (its language versions are `NAME.CODE.txt`).
    pub template: String,
    /// The selection as the owner gave it (JSON, see [`crate::outreach::select::Selection`]).
    pub selection: String,
    pub state: CampaignState,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// A daily limit paused it until then.
    pub paused_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignState {
    /// Recipients chosen, nothing sent.
    Draft,
    /// Sending (or stopped by a kill: the next `notify resume` goes on).
    Sending,
    /// The owner stopped it, or a daily limit did.
    Paused,
    /// Every recipient has their notice (or it failed and waits in the outbox).
    Done,
}

impl CampaignState {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Draft => "draft",
            CampaignState::Sending => "sending",
            CampaignState::Paused => "paused",
            CampaignState::Done => "done",
        }
    }
    fn parse(s: &str) -> CampaignState {
        match s {
            "sending" => CampaignState::Sending,
            "paused" => CampaignState::Paused,
            "done" => CampaignState::Done,
            _ => CampaignState::Draft,
        }
    }
}

/// One customer of a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub addr: String,
    pub name: Option<String>,
    /// ISO 639-1 code of the version they get.
    pub language: String,
    /// Their order numbers in the selection, oldest first.
    pub orders: Vec<String>,
    /// The items of those orders.
    pub items: Vec<String>,
    /// Why they are listed for a personal reply instead ("warning note: …", "open
    /// complaint: …"); `None`: the notice goes to them.
    pub held: Option<String>,
    pub removed: bool,
}

/// Counts for the campaign screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CampaignCounts {
    pub recipients: u64,
    pub held: u64,
    pub removed: u64,
    /// Notices in the outbox, by state.
    pub sent: u64,
    pub waiting: u64,
    pub failed: u64,
    pub uncertain: u64,
    /// Sent notices a bounce reported.
    pub bounced: u64,
    /// Customers who answered a notice.
    pub replied: u64,
}

/// addr, name, language, orders JSON, items JSON, held, removed.
type RecipientRow = (
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    bool,
);

const CAMPAIGN_COLS: &str =
    "id, name, template, selection, state, created_at, started_at, finished_at, paused_until";

fn campaign_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Campaign> {
    Ok(Campaign {
        id: r.get(0)?,
        name: r.get(1)?,
        template: r.get(2)?,
        selection: r.get(3)?,
        state: CampaignState::parse(&r.get::<_, String>(4)?),
        created_at: time(r.get(5)?),
        started_at: r.get::<_, Option<i64>>(6)?.map(time),
        finished_at: r.get::<_, Option<i64>>(7)?.map(time),
        paused_until: r.get::<_, Option<i64>>(8)?.map(time),
    })
}

impl Store {
    /// Files the orders of an export (one transaction: a file is imported whole or not at all).
    pub fn import_orders(&mut self, orders: &[ImportedOrder]) -> Result<ImportCounts, StoreError> {
        const ACTION: &str = "import orders";
        let now = secs(self.ctx.clock.now());
        let tx = self.conn.transaction().ctx(ACTION)?;
        let mut counts = ImportCounts::default();
        for o in orders {
            let known: Option<Option<i64>> = tx
                .prepare_cached(
                    "SELECT imported_at FROM orders WHERE platform = ?1 AND number = ?2",
                )
                .and_then(|mut st| {
                    st.query_row(params![o.platform, o.number], |r| r.get(0))
                        .optional()
                })
                .ctx(ACTION)?;
            let items = (!o.items.is_empty()).then(|| to_json(&o.items));
            match known {
                None => {
                    tx.prepare_cached(
                        "INSERT INTO orders(platform, number, placed_at, customer_name,
                                            customer_addr, items, total, verified, imported_at,
                                            country)
                         VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, '[]'), ?7, 1, ?8, ?9)",
                    )
                    .and_then(|mut st| {
                        st.execute(params![
                            o.platform,
                            o.number,
                            secs(o.placed_at),
                            o.customer_name,
                            o.customer_email,
                            items,
                            o.total,
                            now,
                            o.country
                        ])
                    })
                    .ctx(ACTION)?;
                    counts.new += 1;
                }
                Some(before) => {
                    tx.prepare_cached(
                        "UPDATE orders SET placed_at = ?3,
                             customer_name = coalesce(?4, customer_name),
                             customer_addr = coalesce(?5, customer_addr),
                             items = coalesce(?6, items), total = coalesce(?7, total),
                             verified = 1, imported_at = ?8, country = coalesce(?9, country)
                         WHERE platform = ?1 AND number = ?2",
                    )
                    .and_then(|mut st| {
                        st.execute(params![
                            o.platform,
                            o.number,
                            secs(o.placed_at),
                            o.customer_name,
                            o.customer_email,
                            items,
                            o.total,
                            now,
                            o.country
                        ])
                    })
                    .ctx(ACTION)?;
                    if before.is_some() {
                        counts.again += 1;
                    } else {
                        counts.merged += 1;
                    }
                }
            }
        }
        tx.commit().ctx(ACTION)?;
        Ok(counts)
    }

    /// Every order with a customer address placed in `[from, to)` (`None`: open), oldest first,
    /// with its country: the campaign selection's input.
    pub fn orders_for_outreach(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<(super::OrderRow, Option<String>)>, StoreError> {
        const ACTION: &str = "read orders";
        let rows: Vec<(super::OrderRow, String, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT id, platform, number, placed_at, customer_name, customer_addr, address,
                        items, total, country
                 FROM orders
                 WHERE customer_addr IS NOT NULL AND customer_addr != ''
                   AND placed_at >= coalesce(?1, placed_at) AND placed_at < coalesce(?2, placed_at + 1)
                 ORDER BY placed_at, id",
            )
            .and_then(|mut st| {
                st.query_map(params![from.map(secs), to.map(secs)], |r| {
                    Ok((
                        super::OrderRow {
                            id: r.get(0)?,
                            platform: r.get(1)?,
                            number: r.get(2)?,
                            placed_at: time(r.get(3)?),
                            customer_name: r.get(4)?,
                            customer_addr: r.get(5)?,
                            address: r.get(6)?,
                            items: Vec::new(),
                            total: r.get(8)?,
                            conversation_id: None,
                        },
                        r.get(7)?,
                        r.get(9)?,
                    ))
                })?
                .collect()
            })
            .ctx(ACTION)?;
        rows.into_iter()
            .map(|(mut o, items, country)| {
                o.items = from_json(&items, "order items", o.id)?;
                Ok((o, country))
            })
            .collect()
    }

    /// Why a customer should get a personal reply rather than a notice: a warning note, or a
    /// conversation that is waiting for the shop's answer. `None`: nothing.
    pub fn personal_reason(&self, addr: &str) -> Result<Option<String>, StoreError> {
        const ACTION: &str = "check a customer's notes and open conversations";
        let warning: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT text FROM notes WHERE customer_addr = ?1 AND warning = 1
                 ORDER BY updated_at DESC LIMIT 1",
            )
            .and_then(|mut st| st.query_row([addr], |r| r.get(0)).optional())
            .ctx(ACTION)?;
        if let Some(w) = warning {
            return Ok(Some(format!(
                "warning note: {}",
                crate::mail::sanitize::line(&w)
            )));
        }
        let open: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT subject FROM conversations
                 WHERE customer_addr = ?1 AND message_count > 0 AND not_customer IS NULL
                   AND pending_since IS NOT NULL
                 ORDER BY last_at DESC LIMIT 1",
            )
            .and_then(|mut st| st.query_row([addr], |r| r.get(0)).optional())
            .ctx(ACTION)?;
        Ok(open.map(|s| format!("open complaint: {}", crate::mail::sanitize::line(&s))))
    }

    /// Saves a new campaign with its recipients (draft). Returns its id.
    pub fn create_campaign(
        &mut self,
        name: &str,
        template: &str,
        selection: &str,
        recipients: &[Recipient],
    ) -> Result<i64, StoreError> {
        const ACTION: &str = "save the campaign";
        let now = secs(self.ctx.clock.now());
        let tx = self.conn.transaction().ctx(ACTION)?;
        tx.execute(
            "INSERT INTO campaigns(name, template, selection, state, created_at)
             VALUES (?1, ?2, ?3, 'draft', ?4)",
            params![name, template, selection, now],
        )
        .ctx(ACTION)?;
        let id = tx.last_insert_rowid();
        for r in recipients {
            tx.prepare_cached(
                "INSERT INTO campaign_recipients(campaign, addr, name, language, orders, items,
                                                 held, removed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT DO NOTHING",
            )
            .and_then(|mut st| {
                st.execute(params![
                    id,
                    r.addr,
                    r.name,
                    r.language,
                    to_json(&r.orders),
                    to_json(&r.items),
                    r.held,
                    r.removed.then_some(now)
                ])
            })
            .ctx(ACTION)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(id)
    }

    pub fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {CAMPAIGN_COLS} FROM campaigns ORDER BY id DESC"
            ))
            .and_then(|mut st| st.query_map([], campaign_row)?.collect())
            .ctx("list the campaigns")
    }

    pub fn campaign(&self, id: i64) -> Result<Option<Campaign>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {CAMPAIGN_COLS} FROM campaigns WHERE id = ?1"
            ))
            .and_then(|mut st| st.query_row([id], campaign_row).optional())
            .ctx("read a campaign")
    }

    pub fn campaign_recipients(&self, id: i64) -> Result<Vec<Recipient>, StoreError> {
        const ACTION: &str = "read a campaign's recipients";
        let rows: Vec<RecipientRow> = self
            .conn
            .prepare_cached(
                "SELECT addr, name, language, orders, items, held, removed_at IS NOT NULL
                     FROM campaign_recipients WHERE campaign = ?1 ORDER BY addr",
            )
            .and_then(|mut st| {
                st.query_map([id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })?
                .collect()
            })
            .ctx(ACTION)?;
        rows.into_iter()
            .map(|(addr, name, language, orders, items, held, removed)| {
                Ok(Recipient {
                    addr,
                    name,
                    language,
                    orders: from_json(&orders, "campaign orders", id)?,
                    items: from_json(&items, "campaign items", id)?,
                    held,
                    removed,
                })
            })
            .collect()
    }

    /// Takes a recipient off the list (or puts them back). False: not on this campaign.
    pub fn set_recipient_removed(
        &self,
        id: i64,
        addr: &str,
        removed: bool,
    ) -> Result<bool, StoreError> {
        let now = secs(self.ctx.clock.now());
        let n = self
            .conn
            .execute(
                "UPDATE campaign_recipients SET removed_at = CASE WHEN ?3 THEN ?4 END
                 WHERE campaign = ?1 AND addr = ?2",
                params![id, addr.trim().to_lowercase(), removed, now],
            )
            .ctx("change a campaign's recipients")?;
        Ok(n == 1)
    }

    pub fn set_campaign_state(
        &self,
        id: i64,
        state: CampaignState,
        paused_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let now = secs(self.ctx.clock.now());
        self.conn
            .execute(
                "UPDATE campaigns SET state = ?2, paused_until = ?3,
                        started_at = CASE WHEN ?2 = 'sending' THEN coalesce(started_at, ?4)
                                          ELSE started_at END,
                        finished_at = CASE WHEN ?2 = 'done' THEN ?4 ELSE NULL END
                 WHERE id = ?1",
                params![id, state.as_str(), paused_until.map(secs), now],
            )
            .ctx("change a campaign's state")?;
        Ok(())
    }

    /// Recipients who still need their notice: not held, not removed, no outbox item yet.
    pub fn campaign_pending(&self, id: i64) -> Result<Vec<Recipient>, StoreError> {
        let sent = self.campaign_links(id)?;
        Ok(self
            .campaign_recipients(id)?
            .into_iter()
            .filter(|r| r.held.is_none() && !r.removed && !sent.iter().any(|(_, a)| *a == r.addr))
            .collect())
    }

    /// The campaign's outbox items: (outbox id, address).
    pub fn campaign_links(&self, id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT outbox_id, addr FROM campaign_sends WHERE campaign = ?1 ORDER BY outbox_id",
            )
            .and_then(|mut st| {
                st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect()
            })
            .ctx("read a campaign's notices")
    }

    /// The campaign a message belongs to: a notice, or a reply to one (by In-Reply-To or
    /// References). `(campaign id, name)`.
    pub fn campaign_of_conversation(
        &self,
        conversation: i64,
    ) -> Result<Option<(i64, String)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT c.id, c.name FROM campaign_sends s JOIN campaigns c ON c.id = s.campaign
                 WHERE s.message_id IN (
                     SELECT r.ref FROM message_refs r JOIN messages m ON m.id = r.message
                     WHERE m.conversation_id = ?1
                     UNION SELECT message_id FROM messages WHERE conversation_id = ?1)
                 ORDER BY s.outbox_id DESC LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row([conversation], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .ctx("find a conversation's campaign")
    }

    /// Sent, failed, bounced and replied counts for the campaign screen.
    pub fn campaign_counts(&self, id: i64) -> Result<CampaignCounts, StoreError> {
        const ACTION: &str = "count a campaign";
        let mut c = CampaignCounts::default();
        let (recipients, held, removed): (i64, i64, i64) = self
            .conn
            .query_row(
                "SELECT count(*), count(held), count(removed_at) FROM campaign_recipients
                 WHERE campaign = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .ctx(ACTION)?;
        c.recipients = recipients.max(0) as u64;
        c.held = held.max(0) as u64;
        c.removed = removed.max(0) as u64;
        let states: Vec<(String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT o.state, count(*) FROM campaign_sends s JOIN outbox o ON o.id = s.outbox_id
                 WHERE s.campaign = ?1 GROUP BY o.state",
            )
            .and_then(|mut st| {
                st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect()
            })
            .ctx(ACTION)?;
        for (state, n) in states {
            let n = n.max(0) as u64;
            match state.as_str() {
                "sent" => c.sent += n,
                "failed" => c.failed += n,
                "uncertain" => c.uncertain += n,
                _ => c.waiting += n,
            }
        }
        // A delivery report names the notice's Message-ID (`bounce_of` on the report).
        c.bounced = self
            .conn
            .query_row(
                "SELECT count(DISTINCT s.outbox_id) FROM campaign_sends s
                 WHERE EXISTS (SELECT 1 FROM message_flags f
                               WHERE f.kind = 'bounce_of' AND f.reason = s.message_id)
                   AND s.campaign = ?1",
                [id],
                |r| r.get::<_, i64>(0),
            )
            .ctx(ACTION)?
            .max(0) as u64;
        c.replied = self
            .conn
            .query_row(
                "SELECT count(DISTINCT s.addr) FROM campaign_sends s
                 JOIN message_refs r ON r.ref = s.message_id
                 JOIN messages m ON m.id = r.message
                 WHERE s.campaign = ?1 AND m.is_shop = 0 AND m.from_addr = s.addr",
                [id],
                |r| r.get::<_, i64>(0),
            )
            .ctx(ACTION)?
            .max(0) as u64;
        Ok(c)
    }
}

/// Puts a notice in the outbox's transaction: the campaign link (its `UNIQUE (campaign,
/// addr)` refuses a second notice to one customer) and the first attempt in the send log.
/// Runs inside the outbox's own durable transaction (see [`crate::send::outbox::enqueue_then`]).
pub(crate) fn link_notice(
    conn: &Connection,
    outbox_id: i64,
    campaign: i64,
    addr: &str,
    message_id: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO campaign_sends(outbox_id, campaign, addr, message_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![outbox_id, campaign, addr, message_id])?;
    Ok(())
}

/// Records a send attempt of outbox item `outbox_id` at `at_ms` (before the claim, so the
/// claim's trigger finds it and keeps this more precise time).
pub fn log_attempt(conn: &Connection, outbox_id: i64, at_ms: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO send_log(outbox_id, attempt, at_ms)
         SELECT id, attempts + 1, ?2 FROM outbox WHERE id = ?1",
        params![outbox_id, at_ms],
    )
    .ctx("log a send attempt")?;
    Ok(())
}

/// Attempt times (ms) since `since_ms`, oldest first.
pub fn attempts_since(conn: &Connection, since_ms: i64) -> Result<Vec<i64>, StoreError> {
    conn.prepare_cached("SELECT at_ms FROM send_log WHERE at_ms > ?1 ORDER BY at_ms")
        .and_then(|mut st| st.query_map([since_ms], |r| r.get(0))?.collect())
        .ctx("read the send log")
}

#[cfg(test)]
#[path = "outreach_tests.rs"]
mod tests;
