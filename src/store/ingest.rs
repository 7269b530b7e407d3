//! Writing mail: ingest (with threading and de-duplication), flag changes, expunges,
//! UIDVALIDITY resets, and the per-folder sync state. Each call is one transaction, and the
//! folder's sync state is written in the same transaction as the mail it describes, so a
//! crash at any point resumes without loss or duplicates.

use super::convert::{domain_of, flags_to_text, opt_time, secs, time, to_json};
use super::dedup;
use super::error::{Ctx, StoreError};
use super::flags;
use super::refresh::{load_rules, recompute};
use super::threading;
use super::types::{
    FlagKind, InsertOutcome, Location, MailboxState, MessageKey, NewMessage, ShopContext,
};
use super::Store;
use crate::mail::order_mail::{Filing, Trust};
use crate::mail::AutoKind;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};

impl Store {
    /// Store new mail. Already-stored locations (or, for uid-less mail, identical bytes) come
    /// back as `Duplicate`. When `state` is given it is saved in the same transaction.
    pub fn ingest(
        &mut self,
        msgs: Vec<NewMessage>,
        state: Option<&MailboxState>,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        self.ingest_with(msgs, state, None)
    }

    /// [`Store::ingest`] of one batch of a first sync's newest-first download: the folder's
    /// history progress moves in the same transaction as the batch it describes.
    pub fn ingest_newest_first(
        &mut self,
        msgs: Vec<NewMessage>,
        state: &MailboxState,
        progress: &super::tracking::HistoryProgress,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        self.ingest_with(msgs, Some(state), Some(progress))
    }

    fn ingest_with(
        &mut self,
        msgs: Vec<NewMessage>,
        state: Option<&MailboxState>,
        progress: Option<&super::tracking::HistoryProgress>,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        let tx = self.conn.transaction().ctx("start saving messages")?;
        // The first mail ever stored starts tracking (DESIGN.md "Tracking window").
        super::tracking::start_tracking(&tx, self.ctx.clock.now())?;
        if let (Some(st), Some(p)) = (state, progress) {
            super::tracking::write_progress(&tx, &st.mailbox, p)?;
        }
        let rules = load_rules(&tx)?;
        let mut touched = BTreeSet::new();
        let mut out = Vec::with_capacity(msgs.len());
        let mut keyworded = Vec::new();
        for m in msgs {
            let kw = super::keywords_read::any(&m.flags).then(|| m.flags.clone());
            let (outcome, conversations) = insert_one(&tx, &self.ctx, m)?;
            if let (Some(flags), InsertOutcome::Inserted(k)) = (kw, &outcome) {
                keyworded.push((*k, flags));
            }
            out.push(outcome);
            touched.extend(conversations);
        }
        if let Some(st) = state {
            write_state(&tx, st)?;
        }
        for c in touched {
            // A conversation merged into another during this batch is gone.
            if conversation_exists(&tx, c)? {
                recompute(&tx, &self.ctx, &rules, c)?;
            }
        }
        for (k, flags) in keyworded {
            super::keywords_read::adopt(&tx, &self.ctx, k, &flags)?;
        }
        let inserted: Vec<MessageKey> = out
            .iter()
            .filter_map(|o| match o {
                InsertOutcome::Inserted(k) => Some(*k),
                InsertOutcome::Duplicate(_) => None,
            })
            .collect();
        // Last, so that FTS5 writes the whole batch as one segment when the transaction
        // commits (see schema V5).
        index_for_search(&tx, &inserted)?;
        tx.commit().ctx("save messages")?;
        Ok(out)
    }

    /// When any folder last finished syncing: the "last sync" of the inbox header.
    pub fn last_sync(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.conn
            .prepare_cached("SELECT MAX(last_sync) FROM mailbox_state")
            .and_then(|mut st| st.query_row([], |r| r.get::<_, Option<i64>>(0)))
            .map(opt_time)
            .ctx("read the sync state")
    }

    pub fn mailbox_state(&self, mailbox: &str) -> Result<Option<MailboxState>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT uidvalidity, highest_uid, highestmodseq, last_sync
                 FROM mailbox_state WHERE mailbox = ?1",
            )
            .and_then(|mut st| {
                st.query_row([mailbox], |r| {
                    Ok(MailboxState {
                        mailbox: mailbox.to_string(),
                        uidvalidity: r.get(0)?,
                        highest_uid: r.get(1)?,
                        highestmodseq: r.get::<_, Option<i64>>(2)?.map(|v| v.max(0) as u64),
                        last_sync: r.get::<_, Option<i64>>(3)?.map(time),
                    })
                })
                .optional()
            })
            .ctx("read a folder's sync state")
    }

    pub fn set_mailbox_state(&mut self, st: &MailboxState) -> Result<(), StoreError> {
        write_state(&self.conn, st)
    }

    /// Stored uids of a folder generation, ascending.
    pub fn uids(&self, mailbox: &str, uidvalidity: u32) -> Result<Vec<u32>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT uid FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid > 0
                 AND removed_at IS NULL ORDER BY uid",
            )
            .and_then(|mut st| {
                st.query_map(params![mailbox, uidvalidity], |r| r.get(0))?
                    .collect()
            })
            .ctx("list a folder's stored messages")
    }

    pub fn flags_by_uid(
        &self,
        mailbox: &str,
        uidvalidity: u32,
    ) -> Result<HashMap<u32, Vec<String>>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT uid, flags FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid > 0
                 AND removed_at IS NULL",
            )
            .ctx("read a folder's flags")?;
        let rows = st
            .query_map(params![mailbox, uidvalidity], |r| {
                Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?))
            })
            .ctx("read a folder's flags")?;
        let mut out = HashMap::new();
        for row in rows {
            let (uid, flags) = row.ctx("read a folder's flags")?;
            out.insert(uid, super::convert::flags_from_text(&flags));
        }
        Ok(out)
    }

    /// Replace the flags of stored messages (e.g. `\Answered` set from the phone). Returns how
    /// many rows changed; their conversations' state is recomputed.
    pub fn update_flags(
        &mut self,
        mailbox: &str,
        uidvalidity: u32,
        changes: &[(u32, Vec<String>)],
        state: Option<&MailboxState>,
    ) -> Result<usize, StoreError> {
        const ACTION: &str = "save changed flags";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let mut touched = BTreeSet::new();
        let mut keyworded = Vec::new();
        let mut changed_rows = 0;
        {
            let mut st = tx
                .prepare_cached(
                    "UPDATE messages SET flags = ?4
                     WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3 AND uid > 0 AND flags != ?4
                     RETURNING conversation_id, id",
                )
                .ctx(ACTION)?;
            for (uid, flags) in changes {
                let text = flags_to_text(flags);
                let row: Option<(i64, i64)> = st
                    .query_row(params![mailbox, uidvalidity, uid, text], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()
                    .ctx(ACTION)?;
                changed_rows += usize::from(row.is_some());
                touched.extend(row.map(|r| r.0));
                if let Some((_, id)) = row.filter(|_| super::keywords_read::any(flags)) {
                    keyworded.push((id, flags.clone()));
                }
            }
        }
        for (id, flags) in keyworded {
            super::keywords_read::adopt(&tx, &self.ctx, id, &flags)?;
        }
        if let Some(st) = state {
            write_state(&tx, st)?;
        }
        let rules = load_rules(&tx)?;
        for c in &touched {
            recompute(&tx, &self.ctx, &rules, *c)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(changed_rows)
    }

    /// The message stored at a server location (not one removed from it since). For uid-less
    /// locations (import, demo, local) there can be many; the first stored one is returned.
    pub fn message_by_location(&self, loc: &Location) -> Result<Option<MessageKey>, StoreError> {
        // `uid > 0` lets SQLite use the partial unique index on server locations.
        let sql = if loc.uid > 0 {
            "SELECT id FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3
                 AND uid > 0 AND removed_at IS NULL"
        } else {
            "SELECT id FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3
             ORDER BY id LIMIT 1"
        };
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| {
                st.query_row(params![loc.mailbox, loc.uidvalidity, loc.uid], |r| r.get(0))
                    .optional()
            })
            .ctx("look up a message by its folder and uid")
    }

    /// Where a message lives on the server (a real folder and uid), if anywhere: the copy in
    /// INBOX first, else the first stored. Flags such as `\Answered` are set there.
    pub fn server_location(&self, message_id: &str) -> Result<Option<Location>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT mailbox, uidvalidity, uid FROM messages
                  WHERE message_id = ?1 AND uid > 0 AND removed_at IS NULL
                  ORDER BY (mailbox = 'INBOX') DESC, id LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row([message_id], |r| {
                    Ok(Location::new(r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()
            })
            .ctx("find the answered message")
    }
}

/// Add newly inserted messages to the full-text index, all in one statement: FTS5 flushes its
/// pending postings at every statement savepoint, so one statement per message would write
/// one index segment per message.
fn conversation_exists(tx: &Transaction<'_>, id: i64) -> Result<bool, StoreError> {
    tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?1)")
        .and_then(|mut st| st.query_row([id], |r| r.get(0)))
        .ctx("update a conversation's state")
}

fn index_for_search(tx: &Transaction<'_>, ids: &[MessageKey]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO messages_fts(rowid, subject, from_name, from_addr, body)
         SELECT id, subject, from_name, from_addr, body FROM message_text
         WHERE id IN (SELECT value FROM json_each(?1))",
    )
    .and_then(|mut st| st.execute([to_json(&ids)]))
    .ctx("index new messages for search")?;
    Ok(())
}

fn write_state(conn: &Connection, st: &MailboxState) -> Result<(), StoreError> {
    let modseq = st
        .highestmodseq
        .map(|v| {
            i64::try_from(v).map_err(|_| StoreError::OutOfRange {
                what: "HIGHESTMODSEQ",
                value: v,
            })
        })
        .transpose()?;
    conn.prepare_cached(
        "INSERT INTO mailbox_state(mailbox, uidvalidity, highest_uid, highestmodseq, last_sync)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity,
             highest_uid = excluded.highest_uid, highestmodseq = excluded.highestmodseq,
             last_sync = excluded.last_sync",
    )
    .and_then(|mut s| {
        s.execute(params![
            st.mailbox,
            st.uidvalidity,
            st.highest_uid,
            modseq,
            st.last_sync.map(secs)
        ])
    })
    .ctx("save a folder's sync state")?;
    Ok(())
}

/// Insert one message (or find its duplicate). Returns the conversations it touched.
fn insert_one(
    tx: &Transaction<'_>,
    ctx: &ShopContext,
    m: NewMessage,
) -> Result<(InsertOutcome, Vec<i64>), StoreError> {
    const ACTION: &str = "save a message";
    let loc = &m.location;
    let hash = Sha256::digest(&m.raw).to_vec();
    let existing: Option<i64> = if loc.uid > 0 {
        tx.prepare_cached(
            "SELECT id FROM messages
             WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3 AND uid > 0",
        )
        .and_then(|mut st| {
            st.query_row(params![loc.mailbox, loc.uidvalidity, loc.uid], |r| r.get(0))
                .optional()
        })
    } else {
        tx.prepare_cached(
            "SELECT id FROM messages WHERE mailbox = ?1 AND uid = 0 AND content_hash = ?2",
        )
        .and_then(|mut st| {
            st.query_row(params![loc.mailbox, hash], |r| r.get(0))
                .optional()
        })
    }
    .ctx(ACTION)?;
    if let Some(id) = existing {
        return Ok((InsertOutcome::Duplicate(id), Vec::new()));
    }
    let content_key = dedup::content_key(&m.raw);
    let msgid = m
        .parsed
        .message_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if loc.uid > 0 {
        if let Some(back) = revive(tx, &m, msgid, &content_key)? {
            return Ok(back);
        }
    }
    // Mail without a usable Message-ID is recognised by its content: a copy (imported and
    // synced, or in two folders) joins the first one's conversation and counts once.
    let copy_of: Option<i64> = match msgid {
        Some(_) => None,
        None => tx
            .prepare_cached(
                "SELECT conversation_id FROM messages
                 WHERE content_key = ?1 AND message_id IS NULL ORDER BY id LIMIT 1",
            )
            .and_then(|mut st| st.query_row([&content_key], |r| r.get(0)).optional())
            .ctx(ACTION)?,
    };

    let p = &m.parsed;
    let from_addr = p
        .from
        .as_ref()
        .map(|a| a.addr.trim().to_lowercase())
        .filter(|a| !a.is_empty());
    let from_name = p
        .from
        .as_ref()
        .and_then(|a| a.name.clone())
        .filter(|n| !n.trim().is_empty());
    let from_shop_address = from_addr.as_deref().is_some_and(|a| ctx.is_shop(a));
    // What the shop's provider says of the sender: the one signal a sender cannot write.
    let auth =
        crate::mail::auth::receiving_results(&m.raw, ctx.proactive.shop.authserv_id.as_deref());
    // The shop's own address is anybody's to type. A copy in a Sent folder or one the outbox
    // sent is the shop's; elsewhere it is the shop's unless the provider failed the sender.
    let spoofed = from_shop_address
        && auth.as_ref().is_some_and(|a| a.failed())
        && !flags::is_shops_own(tx, &loc.mailbox, msgid)?;
    let is_shop = from_shop_address && !spoofed;
    let customer = threading::customer_addr(
        is_shop,
        from_addr.as_deref(),
        p.to.iter().map(|a| a.addr.as_str()),
        |a| ctx.is_shop(a),
    );
    let norm = threading::normalize_subject(&p.subject);
    let at = secs(m.received_at);
    let refs = threading::reference_candidates(msgid, p.in_reply_to.as_deref(), &p.references);

    // What the mail is besides a message: an order, a bounce of one of the shop's replies,
    // or a customer's mail about a possible duplicate order.
    let filing = if spoofed {
        Filing::None
    } else {
        crate::mail::order_mail::file(p, &ctx.proactive.orders, auth.as_ref())
    };
    let (order, impostor) = match filing {
        Filing::Order(o, trust) => (Some((o, trust == Trust::Verified)), None),
        Filing::Impostor(reason) => (None, Some(reason)),
        Filing::None => (None, None),
    };
    let bounce = (p.auto_kind == Some(AutoKind::Bounce))
        .then(|| crate::mail::bounce::parse(&m.raw))
        .flatten();
    let bounced_conv = match &bounce {
        Some(b) => flags::bounce_target(tx, b)?,
        None => None,
    };
    let auto_kind = if order.is_some() {
        Some(AutoKind::Order)
    } else {
        p.auto_kind
    };
    let about_duplicate = match (is_shop, auto_kind, from_addr.as_deref()) {
        (false, None, Some(addr)) => {
            let numbers = crate::mail::order_numbers(&format!("{}\n{}", p.subject, p.body));
            flags::duplicate_for_mail(tx, addr, &numbers)?
        }
        _ => None,
    };
    // Notifications of different orders can share a subject ("A New Order has Arrived"):
    // they never thread by subject.
    let thread_customer = if order.is_some() {
        ""
    } else {
        customer.as_str()
    };
    // A copy of mail without a Message-ID joins the first copy's conversation. Otherwise the
    // message joins every conversation it links to, by its ids and by its subject, and those
    // become one (see [`merge_conversations`]): grouping does not depend on which message
    // arrived first. A bounce or a mail about a duplicate order with no id link goes where
    // it belongs, never by subject.
    let found = match copy_of {
        Some(c) => Some(c),
        None => {
            let mut linked = by_ids(tx, msgid, &refs)?;
            match bounced_conv.or(about_duplicate) {
                Some(c) if linked.is_empty() => linked.push(c),
                _ => linked.extend(by_subject(tx, ctx, thread_customer, &norm, at)?),
            }
            merge_conversations(tx, &linked)?
        }
    };
    let conv = match found {
        Some(c) => {
            // A conversation is named after its earliest message (subject, customer), not the
            // first one stored: the same whatever the order mail arrived in.
            tx.prepare_cached(
                "UPDATE conversations SET
                     subject = CASE WHEN ?2 < first_at THEN ?3 ELSE subject END,
                     norm_subject = CASE WHEN ?2 < first_at THEN ?4 ELSE norm_subject END,
                     customer_addr = CASE WHEN ?2 < first_at THEN ?5 ELSE customer_addr END,
                     first_at = min(first_at, ?2), last_at = max(last_at, ?2)
                 WHERE id = ?1",
            )
            .and_then(|mut st| st.execute(params![c, at, p.subject, norm, customer]))
            .ctx(ACTION)?;
            c
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO conversations(subject, norm_subject, customer_addr, created_at,
                                           first_at, last_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    p.subject,
                    norm,
                    customer,
                    secs(ctx.clock.now()),
                    at
                ])
            })
            .ctx("start a conversation")?;
            tx.last_insert_rowid()
        }
    };

    let canonical = match msgid {
        None => copy_of.is_none(),
        Some(id) => tx
            .prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM messages WHERE message_id = ?1)")
            .and_then(|mut st| st.query_row([id], |r| r.get::<_, bool>(0)))
            .ctx(ACTION)?,
    };
    let size = if p.size > 0 {
        p.size
    } else {
        m.raw.len() as u64
    };
    let from_domain = from_addr.as_deref().map(domain_of);
    tx.prepare_cached(
        "INSERT INTO messages(conversation_id, mailbox, uidvalidity, uid, content_hash, canonical,
             message_id, in_reply_to, refs, from_name, from_addr, from_domain, to_json, cc_json,
             reply_to_json, subject, date, received_at, attachments, flags, size, is_shop,
             auto_kind, problems, content_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
    )
    .and_then(|mut st| {
        st.execute(params![
            conv,
            loc.mailbox,
            loc.uidvalidity,
            loc.uid,
            hash,
            canonical,
            msgid,
            p.in_reply_to,
            to_json(&p.references),
            from_name,
            from_addr,
            from_domain,
            to_json(&p.to),
            to_json(&p.cc),
            p.reply_to.as_ref().map(to_json),
            p.subject,
            p.date.map(secs),
            at,
            to_json(&p.attachments),
            flags_to_text(&m.flags),
            i64::try_from(size).unwrap_or(i64::MAX),
            is_shop,
            auto_kind.map(|k| k.as_str()),
            to_json(&p.problems),
            content_key,
        ])
    })
    .ctx(ACTION)?;
    let key = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO message_blobs(message, body, raw) VALUES (?1, ?2, ?3)")
        .and_then(|mut st| st.execute(params![key, p.body, m.raw]))
        .ctx(ACTION)?;

    {
        let mut st = tx
            .prepare_cached("INSERT INTO message_refs(message, ref) VALUES (?1, ?2)")
            .ctx(ACTION)?;
        for r in &refs {
            st.execute(params![key, r]).ctx(ACTION)?;
        }
    }
    if let Some(id) = msgid {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO message_ids(message_id, conversation_id) VALUES (?1, ?2)",
        )
        .and_then(|mut st| st.execute(params![id, conv]))
        .ctx(ACTION)?;
    }
    if let (false, false, Some(addr), None) =
        (is_shop, from_shop_address, from_addr.as_deref(), auto_kind)
    {
        tx.prepare_cached(
            "INSERT INTO customers(addr, name, name_at, first_contact) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(addr) DO UPDATE SET
                 name = CASE WHEN excluded.name IS NOT NULL
                             AND (customers.name_at IS NULL OR excluded.name_at >= customers.name_at)
                        THEN excluded.name ELSE customers.name END,
                 name_at = CASE WHEN excluded.name IS NOT NULL
                             AND (customers.name_at IS NULL OR excluded.name_at >= customers.name_at)
                        THEN excluded.name_at ELSE customers.name_at END,
                 first_contact = min(coalesce(customers.first_contact, excluded.first_contact),
                                     excluded.first_contact)",
        )
        .and_then(|mut st| st.execute(params![addr, from_name, at]))
        .ctx("save a customer")?;
    }
    let mut touched = vec![conv];
    if let Some((o, verified)) = &order {
        touched.extend(flags::record_order(
            tx, ctx, key, msgid, o, *verified, at, conv,
        )?);
    }
    if let (true, Some(id)) = (is_shop, msgid) {
        touched.extend(flags::attach_waiting_bounces(tx, id, conv)?);
    }
    if let Some(b) = &bounce {
        // Every report remembers the Message-ID it names; it reopens a conversation only
        // when that is a message the shop sent (now, or once the reply is recorded).
        if let Some(original) = b.original_message_id.as_deref() {
            flags::remember_bounce_of(tx, key, original)?;
        }
        if bounced_conv.is_some() {
            flags::flag_message(tx, key, FlagKind::Bounced, &b.summary())?;
        }
    }
    let mut warnings: Vec<String> = Vec::new();
    if spoofed {
        flags::mark_spoofed(tx, key)?;
        warnings.push(format!(
            "claims to be from your shop but failed the sender check ({})",
            auth.as_ref()
                .map(|a| a
                    .failures()
                    .iter()
                    .map(|m| format!("{m}=fail"))
                    .collect::<Vec<_>>()
                    .join(", "))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "spf=fail".to_string())
        ));
    }
    warnings.extend(impostor);
    if !is_shop && auto_kind.is_none() {
        let signals = crate::mail::suspicious::signals(&m.raw, p, &ctx.proactive.shop);
        warnings.extend(signals.into_iter().map(|s| s.reason));
    }
    if !warnings.is_empty() {
        flags::flag_message(tx, key, FlagKind::Suspicious, &warnings.join("; "))?;
    }
    Ok((InsertOutcome::Inserted(key), touched))
}

/// A server message seen again after it was marked removed (moved from one synced folder to
/// another, or re-fetched after a UIDVALIDITY reset): the stored row takes the new location
/// and flags and is no longer removed, so the message is never stored twice.
fn revive(
    tx: &Transaction<'_>,
    m: &NewMessage,
    msgid: Option<&str>,
    content_key: &[u8],
) -> Result<Option<(InsertOutcome, Vec<i64>)>, StoreError> {
    const ACTION: &str = "bring back a message removed on the server";
    let found: Option<(i64, i64)> = match msgid {
        Some(id) => tx
            .prepare_cached(
                "SELECT id, conversation_id FROM messages
                 WHERE message_id = ?1 AND removed_at IS NOT NULL ORDER BY id LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            }),
        None => tx
            .prepare_cached(
                "SELECT id, conversation_id FROM messages
                 WHERE content_key = ?1 AND message_id IS NULL AND removed_at IS NOT NULL
                 ORDER BY id LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row([content_key], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            }),
    }
    .ctx(ACTION)?;
    let Some((id, conv)) = found else {
        return Ok(None);
    };
    let loc = &m.location;
    tx.prepare_cached(
        "UPDATE messages SET mailbox = ?2, uidvalidity = ?3, uid = ?4, flags = ?5,
             removed_at = NULL
         WHERE id = ?1",
    )
    .and_then(|mut st| {
        st.execute(params![
            id,
            loc.mailbox,
            loc.uidvalidity,
            loc.uid,
            flags_to_text(&m.flags)
        ])
    })
    .ctx(ACTION)?;
    Ok(Some((InsertOutcome::Duplicate(id), vec![conv])))
}

/// Every existing conversation a message links to by its ids (rules in [`threading`]): its
/// own Message-ID seen before, the ids it replies to, and stored replies that reference it.
/// All of them, not the first: a message that arrives after its replies (a first sync's
/// newest-first history, a sync resumed after a kill) can join conversations that were
/// started separately.
fn by_ids(
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
fn by_subject(
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
fn merge_conversations(tx: &Transaction<'_>, linked: &[i64]) -> Result<Option<i64>, StoreError> {
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
