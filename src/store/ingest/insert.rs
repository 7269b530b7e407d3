//! One new message into the store: de-duplication by location or bytes, a removed message
//! revived in place, the sender and what the mail is (order, bounce, spoof), the conversation
//! it joins, the rows written, and the warning flags.

use super::super::convert::{domain_of, flags_to_text, secs, to_json};
use super::super::error::{Ctx, StoreError};
use super::super::flags;
use super::super::threading;
use super::super::types::{FlagKind, InsertOutcome, Location, NewMessage, ShopContext};
use super::linking::{by_ids, by_subject, merge_conversations};
use super::prepare::{self, Checks, Prepared};
use crate::mail::auth::AuthResults;
use crate::mail::bounce::Bounce;
use crate::mail::order_mail::{Filing, OrderMail, Trust};
use crate::mail::suspicious::Signal;
use crate::mail::AutoKind;
use rusqlite::{params, OptionalExtension, Transaction};

/// What a failed write of a new message says.
const ACTION: &str = "save a message";

/// Insert one message (or find its duplicate). Returns the conversations it touched.
pub(super) fn insert_one(
    tx: &Transaction<'_>,
    ctx: &ShopContext,
    prepared: Prepared,
) -> Result<(InsertOutcome, Vec<i64>), StoreError> {
    let Prepared { m, hash, checks } = prepared;
    if let Some(id) = stored_at(tx, &m.location, &hash)? {
        return Ok((InsertOutcome::Duplicate(id), Vec::new()));
    }
    let Checks {
        content_key,
        auth,
        filing,
        bounce,
        order_numbers,
        signals,
    } = checks.unwrap_or_else(|| Checks::of(&m, ctx));
    let msgid = m
        .parsed
        .message_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if m.location.uid > 0 {
        if let Some(back) = revive(tx, &m, msgid, &content_key)? {
            return Ok(back);
        }
    }
    let copy_of = first_copy(tx, msgid, &content_key)?;
    let sender = Sender::of(tx, ctx, &m, msgid, auth)?;
    let filed = Filed::of(tx, &m, &sender, (filing, bounce, order_numbers))?;
    let p = &m.parsed;
    let new = Incoming {
        m: &m,
        hash,
        msgid,
        content_key,
        copy_of,
        norm: threading::normalize_subject(&p.subject),
        at: secs(m.received_at),
        refs: threading::reference_candidates(msgid, p.in_reply_to.as_deref(), &p.references),
        sender,
        filed,
    };
    let conv = conversation(tx, ctx, &new)?;
    let key = insert_rows(tx, &new, conv)?;
    remember_customer(tx, &new)?;
    let touched = follow_up(tx, ctx, &new, key, conv)?;
    warn(tx, ctx, &new, key, signals)?;
    Ok((InsertOutcome::Inserted(key), touched))
}

/// A new message with what the insert worked out about it.
struct Incoming<'a> {
    m: &'a NewMessage,
    /// SHA-256 of the raw bytes.
    hash: Vec<u8>,
    /// The trimmed Message-ID, when there is a usable one.
    msgid: Option<&'a str>,
    /// [`dedup::content_key`] of the raw bytes.
    content_key: Vec<u8>,
    /// The first stored copy's conversation, for mail without a Message-ID.
    copy_of: Option<i64>,
    sender: Sender,
    filed: Filed,
    /// The subject without reply and forward prefixes.
    norm: String,
    /// When it was received, in seconds.
    at: i64,
    /// The Message-IDs it may thread under.
    refs: Vec<&'a str>,
}

/// The row stored at a server location (mailbox, UIDVALIDITY, UID).
pub(in crate::store) const BY_LOCATION: &str = "SELECT id FROM messages
     WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3 AND uid > 0";

/// The stored row at the same server location (or, for mail without a UID, with the same
/// bytes in the same folder).
fn stored_at(tx: &Transaction<'_>, loc: &Location, hash: &[u8]) -> Result<Option<i64>, StoreError> {
    if loc.uid > 0 {
        tx.prepare_cached(BY_LOCATION).and_then(|mut st| {
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
    .ctx(ACTION)
}

/// Mail without a usable Message-ID is recognised by its content: a copy (imported and
/// synced, or in two folders) joins the first one's conversation and counts once.
fn first_copy(
    tx: &Transaction<'_>,
    msgid: Option<&str>,
    content_key: &[u8],
) -> Result<Option<i64>, StoreError> {
    match msgid {
        Some(_) => Ok(None),
        None => tx
            .prepare_cached(
                "SELECT conversation_id FROM messages
                 WHERE content_key = ?1 AND message_id IS NULL ORDER BY id LIMIT 1",
            )
            .and_then(|mut st| st.query_row([content_key], |r| r.get(0)).optional())
            .ctx(ACTION),
    }
}

/// Who sent the mail, and who the conversation is with.
struct Sender {
    /// The From address, lower-cased, when there is one.
    addr: Option<String>,
    /// The From display name, when not blank.
    name: Option<String>,
    /// The From address is one of the shop's (whether or not the mail is).
    shop_address: bool,
    /// What the shop's provider says of the sender.
    auth: Option<AuthResults>,
    /// Claims the shop's address, but the provider failed the sender.
    spoofed: bool,
    /// The shop's own mail.
    is_shop: bool,
    /// The customer's address the conversation is with.
    customer: String,
}

impl Sender {
    fn of(
        tx: &Transaction<'_>,
        ctx: &ShopContext,
        m: &NewMessage,
        msgid: Option<&str>,
        auth: Option<AuthResults>,
    ) -> Result<Self, StoreError> {
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
        // `auth`: what the shop's provider says of the sender, the one signal a sender cannot
        // write (worked out ahead, see prepare.rs).
        // The shop's own address is anybody's to type. A copy in a Sent folder or one the outbox
        // sent is the shop's; elsewhere it is the shop's unless the provider failed the sender.
        let spoofed = from_shop_address
            && auth.as_ref().is_some_and(|a| a.failed())
            && !flags::is_shops_own(tx, &m.location.mailbox, msgid)?;
        let is_shop = from_shop_address && !spoofed;
        let customer = threading::customer_addr(
            is_shop,
            from_addr.as_deref(),
            p.to.iter().map(|a| a.addr.as_str()),
            |a| ctx.is_shop(a),
        );
        Ok(Sender {
            addr: from_addr,
            name: from_name,
            shop_address: from_shop_address,
            auth,
            spoofed,
            is_shop,
            customer,
        })
    }
}

/// What the mail is besides a message: an order, a bounce of one of the shop's replies,
/// or a customer's mail about a possible duplicate order.
struct Filed {
    /// An order notification, and whether its sender was verified.
    order: Option<(OrderMail, bool)>,
    /// Why mail that looks like a notification is not the platform's.
    impostor: Option<String>,
    bounce: Option<Bounce>,
    /// The conversation of the shop's message that bounced.
    bounced_conv: Option<i64>,
    auto_kind: Option<AutoKind>,
    /// The conversation of the possible duplicate order the mail is about.
    about_duplicate: Option<i64>,
}

impl Filed {
    fn of(
        tx: &Transaction<'_>,
        m: &NewMessage,
        sender: &Sender,
        (filing, bounce, numbers): (Filing, Option<Bounce>, Option<Vec<String>>),
    ) -> Result<Self, StoreError> {
        let p = &m.parsed;
        // Worked out ahead as if the sender were not spoofed; a spoofed sender files nothing.
        let filing = if sender.spoofed { Filing::None } else { filing };
        let (order, impostor) = match filing {
            Filing::Order(o, trust) => (Some((o, trust == Trust::Verified)), None),
            Filing::Impostor(reason) => (None, Some(reason)),
            Filing::None => (None, None),
        };
        let bounced_conv = match &bounce {
            Some(b) => flags::bounce_target(tx, b)?,
            None => None,
        };
        let auto_kind = if order.is_some() {
            Some(AutoKind::Order)
        } else {
            p.auto_kind
        };
        let about_duplicate = match (sender.is_shop, auto_kind, sender.addr.as_deref()) {
            (false, None, Some(addr)) => {
                let numbers = numbers.unwrap_or_else(|| prepare::order_numbers(m));
                flags::duplicate_for_mail(tx, addr, &numbers)?
            }
            _ => None,
        };
        Ok(Filed {
            order,
            impostor,
            bounce,
            bounced_conv,
            auto_kind,
            about_duplicate,
        })
    }
}

/// The conversation the message joins (renamed when the message is its earliest), or a new
/// one.
fn conversation(
    tx: &Transaction<'_>,
    ctx: &ShopContext,
    new: &Incoming<'_>,
) -> Result<i64, StoreError> {
    let p = &new.m.parsed;
    let (norm, at, customer) = (&new.norm, new.at, &new.sender.customer);
    // Notifications of different orders can share a subject ("A New Order has Arrived"):
    // they never thread by subject.
    let thread_customer = if new.filed.order.is_some() {
        ""
    } else {
        customer.as_str()
    };
    // A copy of mail without a Message-ID joins the first copy's conversation. Otherwise the
    // message joins every conversation it links to, by its ids and by its subject, and those
    // become one (see [`merge_conversations`]): grouping does not depend on which message
    // arrived first. A bounce or a mail about a duplicate order with no id link goes where
    // it belongs, never by subject.
    let found = match new.copy_of {
        Some(c) => Some(c),
        None => {
            let mut linked = by_ids(tx, new.msgid, &new.refs)?;
            match new.filed.bounced_conv.or(new.filed.about_duplicate) {
                Some(c) if linked.is_empty() => linked.push(c),
                _ => linked.extend(by_subject(tx, ctx, thread_customer, norm, at)?),
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
    Ok(conv)
}

/// The message's rows: the message itself (canonical when it is the first copy of its
/// Message-ID), its body and raw bytes, its references and its Message-ID's conversation.
/// Returns the message's key.
fn insert_rows(tx: &Transaction<'_>, new: &Incoming<'_>, conv: i64) -> Result<i64, StoreError> {
    let (m, p) = (new.m, &new.m.parsed);
    let loc = &m.location;
    let msgid = new.msgid;
    let canonical = match msgid {
        None => new.copy_of.is_none(),
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
    let from_domain = new.sender.addr.as_deref().map(domain_of);
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
            new.hash,
            canonical,
            msgid,
            p.in_reply_to,
            to_json(&p.references),
            new.sender.name,
            new.sender.addr,
            from_domain,
            to_json(&p.to),
            to_json(&p.cc),
            p.reply_to.as_ref().map(to_json),
            p.subject,
            p.date.map(secs),
            new.at,
            to_json(&p.attachments),
            flags_to_text(&m.flags),
            i64::try_from(size).unwrap_or(i64::MAX),
            new.sender.is_shop,
            new.filed.auto_kind.map(|k| k.as_str()),
            to_json(&p.problems),
            new.content_key,
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
        for r in &new.refs {
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
    Ok(key)
}

/// A customer's own mail (not the shop's, not automatic) records the customer: the first
/// contact and the newest name they wrote under.
fn remember_customer(tx: &Transaction<'_>, new: &Incoming<'_>) -> Result<(), StoreError> {
    let s = &new.sender;
    if let (false, false, Some(addr), None) = (
        s.is_shop,
        s.shop_address,
        s.addr.as_deref(),
        new.filed.auto_kind,
    ) {
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
        .and_then(|mut st| st.execute(params![addr, s.name, new.at]))
        .ctx("save a customer")?;
    }
    Ok(())
}

/// What the new message changes elsewhere: an order recorded, bounces that waited for this
/// shop message, a bounce remembered or flagged. Returns the conversations touched, the
/// message's own first.
fn follow_up(
    tx: &Transaction<'_>,
    ctx: &ShopContext,
    new: &Incoming<'_>,
    key: i64,
    conv: i64,
) -> Result<Vec<i64>, StoreError> {
    let mut touched = vec![conv];
    if let Some((o, verified)) = &new.filed.order {
        touched.extend(flags::record_order(
            tx, ctx, key, new.msgid, o, *verified, new.at, conv,
        )?);
    }
    if let (true, Some(id)) = (new.sender.is_shop, new.msgid) {
        touched.extend(flags::attach_waiting_bounces(tx, id, conv)?);
    }
    if let Some(b) = &new.filed.bounce {
        // Every report remembers the Message-ID it names; it reopens a conversation only
        // when that is a message the shop sent (now, or once the reply is recorded).
        if let Some(original) = b.original_message_id.as_deref() {
            flags::remember_bounce_of(tx, key, original)?;
        }
        if new.filed.bounced_conv.is_some() {
            flags::flag_message(tx, key, FlagKind::Bounced, &b.summary())?;
        }
    }
    Ok(touched)
}

/// The warning flag of a message that is not what it claims: the shop's address failing the
/// sender check, a look-alike order notification, or a customer mail's suspicious signals.
fn warn(
    tx: &Transaction<'_>,
    ctx: &ShopContext,
    new: &Incoming<'_>,
    key: i64,
    signals: Option<Vec<Signal>>,
) -> Result<(), StoreError> {
    let mut warnings: Vec<String> = Vec::new();
    if new.sender.spoofed {
        flags::mark_spoofed(tx, key)?;
        warnings.push(format!(
            "claims to be from your shop but failed the sender check ({})",
            new.sender
                .auth
                .as_ref()
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
    warnings.extend(new.filed.impostor.iter().cloned());
    if !new.sender.is_shop && new.filed.auto_kind.is_none() {
        let signals = signals.unwrap_or_else(|| prepare::signals(new.m, ctx));
        warnings.extend(signals.into_iter().map(|s| s.reason));
    }
    if !warnings.is_empty() {
        flags::flag_message(tx, key, FlagKind::Suspicious, &warnings.join("; "))?;
    }
    Ok(())
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
