//! Shared state as the sync pass sees it: the installation, the upload job (change sets built
//! from the journal, the set id chosen before the upload), reading sets from other copies,
//! claims and the history of who did what. See docs/shared-state.md.

use super::convert::secs;
use super::error::{Ctx, StoreError};
use super::local::{recompute_customer, recompute_for_rule};
use super::refresh::{load_rules, recompute};
use super::schema::{meta_get, meta_set};
use super::shared::{self, apply_remote, journal_thread, Touched};
use super::types::ConversationId;
use super::Store;
use crate::shared::{Change, ChangeSet, ItemKey, SetKind, Value};
use rusqlite::{params, Connection, OptionalExtension};

const FOLDER_KEY: &str = "shared_folder";

/// Who did what to a conversation: one shared change (local or from another copy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedEvent {
    /// Unix seconds.
    pub at: i64,
    pub by: String,
    pub item: ItemKey,
    pub value: Value,
}

/// What one person (installation) did in a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonActivity {
    pub name: String,
    pub replies: u64,
    pub marks: u64,
}

/// Another copy is replying to a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub by: String,
    /// Unix seconds.
    pub since: i64,
}

/// What reading one change set did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetRead {
    /// Already read before (or our own set, now known to be on the server).
    pub known: bool,
    pub changed: usize,
}

impl Store {
    /// This installation's id (random, fixed per store) and name.
    pub fn installation(&mut self) -> Result<(String, String), StoreError> {
        let tx = self.conn.transaction().ctx("read the installation")?;
        let node = shared::node(&tx)?;
        let name = shared::name(&tx)?;
        tx.commit().ctx("read the installation")?;
        Ok((node, name))
    }

    /// Name this installation's changes from now on (config `sharing.name`).
    pub fn set_installation_name(&mut self, name: &str) -> Result<(), StoreError> {
        if shared::name(&self.conn)? == name {
            return Ok(());
        }
        meta_set(&self.conn, "shared_name", name)
    }

    /// The next change set to upload: the one already chosen and not yet seen on the server
    /// (after a kill, the same id again), else up to `max` pending changes under a new set id,
    /// chosen and written down before the upload.
    pub fn next_upload(&mut self, max: usize) -> Result<Option<ChangeSet>, StoreError> {
        const ACTION: &str = "prepare changes for the other copies";
        // Most passes have nothing to upload: answered by the index, without a write lock.
        if self.shared_pending()? == 0 {
            return Ok(None);
        }
        let tx = self.conn.transaction().ctx(ACTION)?;
        let node = shared::node(&tx)?;
        let name = shared::name(&tx)?;
        let open: Option<String> = tx
            .query_row(
                "SELECT set_id FROM shared_changes
                 WHERE local = 1 AND uploaded_at IS NULL AND set_id IS NOT NULL
                 ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .ctx(ACTION)?;
        let set_id = match open {
            Some(id) => id,
            None => {
                let ids: Vec<i64> = tx
                    .prepare_cached(
                        "SELECT id FROM shared_changes WHERE local = 1 AND uploaded_at IS NULL
                         ORDER BY id LIMIT ?1",
                    )
                    .and_then(|mut st| st.query_map([max as i64], |r| r.get(0))?.collect())
                    .ctx(ACTION)?;
                let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
                    return Ok(None);
                };
                let id = format!("{node}-{first}-{last}");
                tx.execute(
                    "UPDATE shared_changes SET set_id = ?3
                     WHERE local = 1 AND uploaded_at IS NULL AND id BETWEEN ?1 AND ?2",
                    params![first, last, id],
                )
                .ctx(ACTION)?;
                id
            }
        };
        let changes = changes_of_set(&tx, &set_id)?;
        tx.commit().ctx(ACTION)?;
        Ok(Some(ChangeSet::new(
            set_id,
            SetKind::Changes,
            &node,
            &name,
            changes,
        )))
    }

    /// The set is on the server: its changes are uploaded.
    pub fn set_uploaded(&mut self, set_id: &str) -> Result<(), StoreError> {
        const ACTION: &str = "note changes as shared";
        let now = secs(self.ctx.clock.now());
        let tx = self.conn.transaction().ctx(ACTION)?;
        mark_uploaded(&tx, set_id, now)?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    /// How many local changes are not on the server yet.
    pub fn shared_pending(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM shared_changes WHERE local = 1 AND uploaded_at IS NULL",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .ctx("count the changes not shared yet")
    }

    /// The state folder's UIDVALIDITY and the highest UID read in it.
    pub fn state_folder_progress(&self) -> Result<Option<(u32, u32)>, StoreError> {
        Ok(meta_get(&self.conn, FOLDER_KEY)?.and_then(|s| {
            let (a, b) = s.split_once(' ')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        }))
    }

    /// Read change sets from the state folder in one transaction, with the folder's progress
    /// (`uidvalidity`, highest UID read), so that a kill leaves either all of it or none.
    /// Sets already read are skipped; this copy's own sets mark their changes uploaded.
    pub fn read_sets(
        &mut self,
        sets: &[ChangeSet],
        progress: Option<(u32, u32)>,
    ) -> Result<Vec<SetRead>, StoreError> {
        const ACTION: &str = "apply changes from the other copies";
        let now = self.ctx.clock.now();
        let tx = self.conn.transaction().ctx(ACTION)?;
        let node = shared::node(&tx)?;
        let mut touched = Touched::default();
        let mut out = Vec::with_capacity(sets.len());
        for set in sets {
            let fresh = tx
                .prepare_cached(
                    "INSERT INTO shared_sets(set_id, read_at) VALUES (?1, ?2)
                     ON CONFLICT(set_id) DO NOTHING",
                )
                .and_then(|mut st| st.execute(params![set.id, secs(now)]))
                .ctx(ACTION)?
                > 0;
            if set.node == node {
                mark_uploaded(&tx, &set.id, secs(now))?;
            }
            if !fresh || (set.node == node && set.kind == SetKind::Changes) {
                out.push(SetRead {
                    known: true,
                    changed: 0,
                });
                continue;
            }
            let mut changed = 0;
            for c in &set.changes {
                if apply_remote(&tx, now, c, &mut touched)? {
                    changed += 1;
                }
            }
            out.push(SetRead {
                known: false,
                changed,
            });
        }
        if let Some((uv, uid)) = progress {
            meta_set(&tx, FOLDER_KEY, &format!("{uv} {uid}"))?;
        }
        finish(&tx, &self.ctx, touched)?;
        tx.commit().ctx(ACTION)?;
        Ok(out)
    }

    /// Apply the winning changes whose conversation was not here when they were read (called
    /// after each download). Returns how many were applied now.
    pub fn retry_shared(&mut self) -> Result<usize, StoreError> {
        const ACTION: &str = "apply changes from the other copies";
        let waiting: Vec<(String, String, String, i64, String)> = self
            .conn
            .prepare_cached("SELECT item, hlc, by, at, value FROM shared_items WHERE applied = 0")
            .and_then(|mut st| {
                st.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect()
            })
            .ctx(ACTION)?;
        if waiting.is_empty() {
            return Ok(0);
        }
        let tx = self.conn.transaction().ctx(ACTION)?;
        let mut touched = Touched::default();
        let mut n = 0;
        for (item, hlc, by, at, value) in waiting {
            let (Some(item), Some(value)) = (ItemKey::decode(&item), Value::decode(&value)) else {
                continue;
            };
            let key = item.encode();
            let c = Change {
                hlc,
                by,
                at,
                item,
                value,
            };
            if shared::apply_domain(&tx, &c, &mut touched)? {
                tx.execute("UPDATE shared_items SET applied = 1 WHERE item = ?1", [key])
                    .ctx(ACTION)?;
                n += 1;
            }
        }
        finish(&tx, &self.ctx, touched)?;
        tx.commit().ctx(ACTION)?;
        Ok(n)
    }

    /// Every item's winning change: the content of a compaction snapshot.
    pub fn shared_snapshot(&self) -> Result<Vec<Change>, StoreError> {
        let rows: Vec<(String, String, String, i64, String)> = self
            .conn
            .prepare("SELECT item, hlc, by, at, value FROM shared_items ORDER BY item")
            .and_then(|mut st| {
                st.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect()
            })
            .ctx("read the shared state")?;
        Ok(rows
            .into_iter()
            .filter_map(|(item, hlc, by, at, value)| {
                Some(Change {
                    hlc,
                    by,
                    at,
                    item: ItemKey::decode(&item)?,
                    value: Value::decode(&value)?,
                })
            })
            .collect())
    }

    /// The compaction snapshot of the state folder read up to `top` (UIDVALIDITY `uv`): every
    /// item's winning change, under a set id naming both, so that it is never taken for
    /// another.
    pub fn snapshot_set(&mut self, uv: u32, top: u32) -> Result<ChangeSet, StoreError> {
        let (node, name) = self.installation()?;
        let changes = self.shared_snapshot()?;
        Ok(ChangeSet::new(
            format!("{node}-snapshot-{uv}-{top}"),
            SetKind::Snapshot,
            &node,
            &name,
            changes,
        ))
    }

    /// "I am replying to this conversation" (until `CLAIM_SECONDS` from now), shared with the
    /// other copies at the next sync; `release` clears it (reply abandoned). Claiming again
    /// while this copy's claim is in force renews it: `until` moves, `since` (when the reply
    /// was started, what the others show) stays.
    pub fn claim(&mut self, id: ConversationId, release: bool) -> Result<(), StoreError> {
        const ACTION: &str = "claim a conversation";
        let now = self.ctx.clock.now();
        let tx = self.conn.transaction().ctx(ACTION)?;
        let Some(thread) = shared::thread_key(&tx, id)? else {
            return Ok(());
        };
        let node = shared::node(&tx)?;
        let item = ItemKey::Claim { thread };
        let (own_since, other) = match shared::current(&tx, &item)? {
            Some(Change {
                hlc,
                value: Value::Claim { since, until },
                ..
            }) if until > secs(now) => {
                let own = hlc.ends_with(&format!("-{node}"));
                (own.then_some(since), !own)
            }
            _ => (None, false),
        };
        // One claim per conversation is current: another copy's claim in force stays current
        // here (so this copy keeps warning about it), and leaving a reply does not clear it.
        if release && other {
            return Ok(());
        }
        let value = if release {
            Value::Clear
        } else {
            Value::Claim {
                since: own_since.unwrap_or(secs(now)),
                until: secs(now) + crate::shared::CLAIM_SECONDS,
            }
        };
        shared::journal_as(&tx, now, item, value, !other)?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    /// Why sending a reply to this conversation now may be a double reply, in one sentence:
    /// another copy is replying ("Anna is replying (since 14:02)"), or the shop answered
    /// (from another copy or client) after this copy started its reply. `None`: go ahead.
    pub fn reply_conflict(&self, id: ConversationId) -> Result<Option<String>, StoreError> {
        let tz = self.ctx.calendar.tz;
        let hm = |secs: i64| {
            super::convert::time(secs)
                .with_timezone(&tz)
                .format("%H:%M")
                .to_string()
        };
        if let Some(c) = self.claim_by_other(id)? {
            let who = if c.by.trim().is_empty() {
                "another copy of shopinbox"
            } else {
                c.by.as_str()
            };
            return Ok(Some(format!("{who} is replying (since {})", hm(c.since))));
        }
        let Some(thread) = shared::thread_key(&self.conn, id)? else {
            return Ok(None);
        };
        let own = shared::current(&self.conn, &ItemKey::Claim { thread })?;
        let since = match own.map(|c| c.value) {
            Some(Value::Claim { since, .. }) => since,
            _ => return Ok(None),
        };
        let answered: Option<i64> = self
            .conn
            .query_row(
                "SELECT max(m.received_at) FROM messages m
                 WHERE m.conversation_id = ?1 AND m.is_shop = 1 AND m.received_at >= ?2",
                params![id, since],
                |r| r.get(0),
            )
            .ctx("check for a reply sent elsewhere")?;
        Ok(answered.map(|at| {
            format!(
                "a reply to this conversation was sent elsewhere at {} while you were writing",
                hm(at)
            )
        }))
    }

    /// A reply to this conversation went out from this copy (into the outbox): the claim ends,
    /// and the other copies' history says who replied.
    pub fn replied(&mut self, id: ConversationId) -> Result<(), StoreError> {
        const ACTION: &str = "record a reply for the other copies";
        let now = self.ctx.clock.now();
        let value = Value::At { at: secs(now) };
        let tx = self.conn.transaction().ctx(ACTION)?;
        journal_thread(&tx, now, id, |thread| ItemKey::Claim { thread }, value)?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    /// Another copy's claim on this conversation that is in force now.
    pub fn claim_by_other(&self, id: ConversationId) -> Result<Option<Claim>, StoreError> {
        let Some(thread) = shared::thread_key(&self.conn, id)? else {
            return Ok(None);
        };
        let node = meta_get(&self.conn, "shared_node")?.unwrap_or_default();
        let c = shared::current(&self.conn, &ItemKey::Claim { thread })?;
        let now = secs(self.ctx.clock.now());
        Ok(c.as_ref()
            .and_then(|c| crate::shared::merge::active_claim(c, &node, now))
            .map(|(by, since)| Claim {
                by: by.to_string(),
                since,
            }))
    }

    /// Every conversation another copy is replying to now, with who and since when (the
    /// inbox list and the conversation view show it). Claims are few: one per open reply.
    pub fn claims_by_others(&self) -> Result<Vec<(ConversationId, Claim)>, StoreError> {
        const ACTION: &str = "read who is replying elsewhere";
        let node = meta_get(&self.conn, "shared_node")?.unwrap_or_default();
        let now = secs(self.ctx.clock.now());
        let rows: Vec<(String, String, String, i64, String)> = self
            .conn
            .prepare_cached(
                r#"SELECT item, hlc, by, at, value FROM shared_items
                   WHERE item LIKE '{"kind":"claim"%' AND value LIKE '{"type":"claim"%'"#,
            )
            .and_then(|mut st| {
                st.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect()
            })
            .ctx(ACTION)?;
        let mut out = Vec::new();
        for (item, hlc, by, at, value) in rows {
            let (Some(item), Some(value)) = (ItemKey::decode(&item), Value::decode(&value)) else {
                continue;
            };
            let Some(thread) = item.thread().map(str::to_string) else {
                continue;
            };
            let c = Change {
                hlc,
                by,
                at,
                item,
                value,
            };
            let Some((by, since)) = crate::shared::merge::active_claim(&c, &node, now) else {
                continue;
            };
            if let Some(id) = shared::conversation_of(&self.conn, &thread)? {
                let by = by.to_string();
                out.push((id, Claim { by, since }));
            }
        }
        Ok(out)
    }

    /// Statistics split by person (issue 26): for each installation name, the replies sent
    /// and the marks made since `since` (unix seconds), from every copy's changes seen here.
    pub fn activity_by_person(&self, since: i64) -> Result<Vec<PersonActivity>, StoreError> {
        self.conn
            .prepare_cached(
                r#"SELECT by,
                    sum(item LIKE '{"kind":"claim"%' AND value LIKE '{"type":"at"%'),
                    sum(item NOT LIKE '{"kind":"claim"%')
                 FROM shared_changes WHERE at >= ?1 GROUP BY by ORDER BY by"#,
            )
            .and_then(|mut st| {
                st.query_map([since], |r| {
                    Ok(PersonActivity {
                        name: r.get(0)?,
                        replies: r.get::<_, i64>(1)?.max(0) as u64,
                        marks: r.get::<_, i64>(2)?.max(0) as u64,
                    })
                })?
                .collect()
            })
            .ctx("count what each person did")
    }

    /// The shared changes about a conversation, oldest first, with who made them.
    pub fn conversation_events(&self, id: ConversationId) -> Result<Vec<SharedEvent>, StoreError> {
        let Some(thread) = shared::thread_key(&self.conn, id)? else {
            return Ok(Vec::new());
        };
        let rows: Vec<(i64, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT at, by, item, value FROM shared_changes WHERE thread = ?1 ORDER BY hlc",
            )
            .and_then(|mut st| {
                st.query_map([thread], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect()
            })
            .ctx("read a conversation's history")?;
        Ok(rows
            .into_iter()
            .filter_map(|(at, by, item, value)| {
                Some(SharedEvent {
                    at,
                    by,
                    item: ItemKey::decode(&item)?,
                    value: Value::decode(&value)?,
                })
            })
            .collect())
    }

    /// Marks made before sharing existed become changes once (in one transaction with the flag
    /// that says so), so that existing stores upload them without duplicates.
    pub(super) fn seed_shared_once(&mut self) -> Result<(), StoreError> {
        const ACTION: &str = "prepare the existing marks for sharing";
        if meta_get(&self.conn, shared::SEEDED_KEY)?.is_some() {
            return Ok(());
        }
        let now = self.ctx.clock.now();
        let tx = self.conn.transaction().ctx(ACTION)?;
        if meta_get(&tx, shared::SEEDED_KEY)?.is_some() {
            return Ok(());
        }
        seed(&tx, now)?;
        meta_set(&tx, shared::SEEDED_KEY, "1")?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }
}

fn seed(tx: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
    const ACTION: &str = "prepare the existing marks for sharing";
    let rules: Vec<(String, String)> = tx
        .prepare("SELECT kind, value FROM sender_rules ORDER BY id")
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ctx(ACTION)?;
    for (rule, value) in rules {
        shared::journal(tx, now, ItemKey::Rule { rule, value }, Value::On)?;
    }
    type Row = (
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let convs: Vec<Row> = tx
        .prepare(
            "SELECT id, snoozed_until, manual_answered_at, promise_at, promise_made_at, pulled_at
             FROM conversations WHERE snoozed_until IS NOT NULL
                OR manual_answered_at IS NOT NULL OR promise_at IS NOT NULL
                OR pulled_at IS NOT NULL ORDER BY id",
        )
        .and_then(|mut st| {
            st.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect()
        })
        .ctx(ACTION)?;
    for (id, snooze, answered, promise, made, pulled) in convs {
        if let Some(at) = snooze {
            journal_thread(
                tx,
                now,
                id,
                |t| ItemKey::Snooze { thread: t },
                Value::At { at },
            )?;
        }
        if let Some(at) = answered {
            journal_thread(
                tx,
                now,
                id,
                |t| ItemKey::Answered { thread: t },
                Value::At { at },
            )?;
        }
        if let Some(at) = promise {
            let v = Value::FollowUp {
                at,
                made: made.unwrap_or(at),
            };
            journal_thread(tx, now, id, |t| ItemKey::FollowUp { thread: t }, v)?;
        }
        if let Some(at) = pulled {
            journal_thread(
                tx,
                now,
                id,
                |t| ItemKey::Pulled { thread: t },
                Value::At { at },
            )?;
        }
    }
    let dismissed: Vec<(i64, i64)> = tx
        .prepare(
            "SELECT conversation_id, max(dismissed_at) FROM duplicate_orders
             WHERE dismissed_at IS NOT NULL GROUP BY conversation_id",
        )
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ctx(ACTION)?;
    for (id, at) in dismissed {
        let item = |t| ItemKey::DuplicateDismissed { thread: t };
        journal_thread(tx, now, id, item, Value::At { at })?;
    }
    let names: Vec<(String, String)> = tx
        .prepare(
            "SELECT addr, first_name_override FROM customers
             WHERE first_name_override IS NOT NULL ORDER BY addr",
        )
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ctx(ACTION)?;
    for (addr, text) in names {
        shared::journal(tx, now, ItemKey::FirstName { addr }, Value::Text { text })?;
    }
    let node = shared::node(tx)?;
    let notes: Vec<(i64, String, String, bool)> = tx
        .prepare("SELECT id, customer_addr, text, warning FROM notes ORDER BY id")
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect()
        })
        .ctx(ACTION)?;
    for (id, addr, text, warning) in notes {
        let note = format!("{node}-{id}");
        let hlc = shared::journal(
            tx,
            now,
            ItemKey::Note {
                addr,
                note: note.clone(),
            },
            Value::Note {
                text,
                warning,
                base: None,
            },
        )?;
        tx.execute(
            "UPDATE notes SET shared_id = ?2, shared_hlc = ?3 WHERE id = ?1",
            params![id, note, hlc],
        )
        .ctx(ACTION)?;
    }
    Ok(())
}

fn changes_of_set(conn: &Connection, set_id: &str) -> Result<Vec<Change>, StoreError> {
    let rows: Vec<(String, String, i64, String, String)> = conn
        .prepare_cached(
            "SELECT hlc, by, at, item, value FROM shared_changes WHERE set_id = ?1 ORDER BY id",
        )
        .and_then(|mut st| {
            st.query_map([set_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })
        .ctx("read changes to share")?;
    Ok(rows
        .into_iter()
        .filter_map(|(hlc, by, at, item, value)| {
            Some(Change {
                hlc,
                by,
                at,
                item: ItemKey::decode(&item)?,
                value: Value::decode(&value)?,
            })
        })
        .collect())
}

fn mark_uploaded(conn: &Connection, set_id: &str, now: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE shared_changes SET uploaded_at = ?2 WHERE set_id = ?1 AND uploaded_at IS NULL",
    )
    .and_then(|mut st| st.execute(params![set_id, now]))
    .ctx("note changes as shared")?;
    Ok(())
}

/// Recompute what remote changes touched.
fn finish(
    tx: &rusqlite::Transaction<'_>,
    ctx: &super::types::ShopContext,
    touched: Touched,
) -> Result<(), StoreError> {
    let rules = load_rules(tx)?;
    for id in &touched.conversations {
        recompute(tx, ctx, &rules, *id)?;
    }
    for addr in &touched.customers {
        recompute_customer(tx, ctx, addr)?;
    }
    for (kind, value) in &touched.rules {
        recompute_for_rule(tx, ctx, *kind, value)?;
    }
    Ok(())
}

impl Store {
    /// Share marks with the other copies on this mailbox under `name` (`None`: keep them
    /// local). Without sharing, marks keep only their current value (no journal grows, and
    /// what was pending is dropped: its value is kept with the item); turning sharing on
    /// journals the current marks once, in the transaction that turns it on.
    pub fn set_sharing(&mut self, name: Option<&str>) -> Result<(), StoreError> {
        const ACTION: &str = "turn sharing on or off";
        if let Some(n) = name {
            self.set_installation_name(n)?;
        }
        let want = if name.is_some() { "1" } else { "0" };
        if meta_get(&self.conn, shared::ENABLED_KEY)?.as_deref() == Some(want) {
            return Ok(());
        }
        let tx = self.conn.transaction().ctx(ACTION)?;
        if name.is_some() {
            shared::catch_up(&tx)?;
        } else {
            // Not part of a set yet, so not on the server: the item keeps the value, and
            // `catch_up` journals it again if sharing comes back.
            tx.execute(
                "DELETE FROM shared_changes
                 WHERE local = 1 AND uploaded_at IS NULL AND set_id IS NULL",
                [],
            )
            .ctx(ACTION)?;
        }
        meta_set(&tx, shared::ENABLED_KEY, want)?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    /// What the last sync pass could share, in one line (see `sync::shared_state`).
    pub fn set_sharing_status(&mut self, line: &str) -> Result<(), StoreError> {
        if meta_get(&self.conn, "shared_status")?.as_deref() != Some(line) {
            meta_set(&self.conn, "shared_status", line)?;
        }
        Ok(())
    }

    pub fn sharing_status(&self) -> Result<Option<String>, StoreError> {
        meta_get(&self.conn, "shared_status")
    }

    pub fn sharing_enabled(&self) -> Result<bool, StoreError> {
        shared::enabled(&self.conn)
    }
}
