//! The reply flow the TUI and the CLI share: pick the customer message, render a template for
//! it, let the owner approve or edit the text, put it in the outbox, send it, and do the
//! bookkeeping afterwards.
//!
//! Everything that reads the clock takes `now`; everything that touches the network is in
//! [`send_one`] and below, which the TUI only calls from the send worker thread.

use chrono::{DateTime, Utc};

use super::attachment::OutgoingAttachment;
use super::compose::{self, Composed, Original, ShopIdentity};
use super::files;
use super::lease::Lease;
use super::outbox::{self, OutboxEntry, OutboxError, Outcome};
use super::smtp::{self, Delivery, SmtpSettings};
use crate::config::{Config, ConfigError};
use crate::mail::{Address, ParsedMessage};
use crate::store::{ConversationId, Location, MessageRow, NewMessage, Store, StoreError};
use crate::sync::jobs::{ReplyWriteBack, SaveSent};
use crate::template::{self, RenderedReply, ReplyContext, Template};

/// Why a reply could not be prepared, queued or sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("cannot find conversation {id}; `shopinbox list` shows the ids")]
    NoConversation { id: ConversationId },
    #[error("cannot reply to conversation {id}: it has no message from a customer")]
    NothingToAnswer { id: ConversationId },
    #[error("cannot find a template named \"{name}\"; available: {available}")]
    NoTemplate { name: String, available: String },
    #[error(transparent)]
    Template(#[from] template::RenderError),
    #[error(transparent)]
    Compose(#[from] compose::ComposeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A template's `attach:` file or a file given to attach cannot be read.
    #[error("{0}")]
    Attach(String),
    /// The reply with its attachments is over the size limit; nothing was queued.
    #[error("{0}")]
    TooLarge(String),
    #[error(
        "cannot send: the config has no [smtp] section; add the shop's outgoing mail server \
         there (config.example.toml shows how)"
    )]
    NoSmtp,
    #[error(
        "cannot send reply {id}: cannot create its lock file next to the store ({source}); \
         check that the store's folder is writable"
    )]
    Lease {
        id: i64,
        #[source]
        source: std::io::Error,
    },
    /// The reply did not go out (failed, uncertain, or left for another process): the message
    /// says why and which command helps. The binary exits with `exit::NOT_SENT`.
    #[error("{message}")]
    NotSent { id: i64, message: String },
}

/// The shop identity of outgoing mail, from the config.
pub fn shop_identity(cfg: &Config) -> ShopIdentity {
    ShopIdentity {
        shop_name: cfg.shop.name.clone(),
        owner_name: cfg.shop.owner_name.clone(),
        signature: cfg.shop.signature.clone(),
        addresses: cfg.shop_addresses(),
        from_name: Some(cfg.from_name()),
    }
}

impl From<&MessageRow> for Original {
    fn from(m: &MessageRow) -> Original {
        Original {
            message_id: m.message_id.clone(),
            references: m.references.clone(),
            in_reply_to: m.in_reply_to.clone(),
            from: m.from.clone(),
            reply_to: m.reply_to.clone(),
            subject: m.subject.clone(),
            date: m.date.unwrap_or(m.received_at),
            body: m.body.clone(),
        }
    }
}

/// The message a reply to conversation `id` answers: the newest message from the customer.
pub fn message_to_answer(store: &Store, id: ConversationId) -> Result<MessageRow, SendError> {
    if store.conversation(id)?.is_none() {
        return Err(SendError::NoConversation { id });
    }
    let msgs = store.conversation_messages(id)?;
    let is_order = |m: &&MessageRow| m.auto_kind == Some(crate::mail::AutoKind::Order);
    // Mail that only claims the shop's address (it failed the sender check) is not the shop's,
    // and not someone to answer either.
    let customer = |m: &&MessageRow| {
        !m.is_shop
            && !m
                .from
                .as_ref()
                .is_some_and(|a| store.context().is_shop(&a.addr))
    };
    // The customer's own words first; an order notification (a possible duplicate order)
    // is answered to the customer who placed the order, never to the platform.
    let mut msg = msgs
        .iter()
        .rev()
        .find(|m| customer(m) && !is_order(m))
        .or_else(|| msgs.iter().rev().find(|m| customer(m)))
        .cloned()
        .ok_or(SendError::NothingToAnswer { id })?;
    if msg.auto_kind == Some(crate::mail::AutoKind::Order) {
        let order = store.order_of_message(msg.id)?;
        let Some(addr) = order.as_ref().and_then(|o| o.customer_addr.clone()) else {
            return Err(SendError::NothingToAnswer { id });
        };
        let customer = Address {
            name: order.as_ref().and_then(|o| o.customer_name.clone()),
            addr,
        };
        msg.from = Some(customer.clone());
        msg.reply_to = Some(customer);
        // The quote is the order itself, not the platform's whole notification.
        if let Some(o) = &order {
            msg.body = format!(
                "Order #{}: {}{}",
                o.number,
                o.items.join(", "),
                o.total
                    .as_deref()
                    .map(|t| format!(", total {t}"))
                    .unwrap_or_default()
            );
        }
        let numbers = store.duplicate_numbers(id)?;
        let labels: Vec<String> = numbers.iter().map(|n| format!("#{n}")).collect();
        if let Some((last, rest)) = labels.split_last().filter(|(_, rest)| !rest.is_empty()) {
            msg.subject = format!("Your orders {} and {last}", rest.join(", "));
        }
    }
    Ok(msg)
}

/// The customer's names: the first name is the store's greeting name (the owner's correction
/// wins), the others are guessed from the display name or the address.
fn customer_names(store: &Store, who: Option<&Address>) -> Result<Names, SendError> {
    let Some(who) = who else {
        return Ok(Names::default());
    };
    let person = crate::mail::names::person_name(who.name.as_deref(), &who.addr);
    Ok(Names {
        first: store.greeting_name(&who.addr, who.name.as_deref())?,
        last: person.last,
        full: person.full,
    })
}

#[derive(Debug, Default)]
struct Names {
    first: Option<String>,
    last: Option<String>,
    full: Option<String>,
}

/// Every order number the customer mentioned in the conversation: those of the message being
/// answered first, then the earlier ones, each once.
fn conversation_order_numbers(store: &Store, msg: &MessageRow) -> Result<Vec<String>, SendError> {
    let mut texts = vec![format!("{}\n{}", msg.subject, msg.body)];
    for m in store
        .conversation_messages(msg.conversation_id)?
        .iter()
        .rev()
    {
        if !m.is_shop && m.id != msg.id {
            texts.push(format!("{}\n{}", m.subject, m.body));
        }
    }
    let mut found: Vec<String> = Vec::new();
    for text in texts {
        for n in crate::mail::orders::order_numbers(&text) {
            if !found.iter().any(|f| f.eq_ignore_ascii_case(&n)) {
                found.push(n);
            }
        }
    }
    Ok(found)
}

/// Everything a template can say about this message.
pub fn reply_context(
    cfg: &Config,
    store: &Store,
    msg: &MessageRow,
    now: DateTime<Utc>,
) -> Result<ReplyContext, SendError> {
    // Replies go to Reply-To when there is one, but the person is the sender.
    let who = msg.reply_to.as_ref().or(msg.from.as_ref());
    let names = customer_names(store, msg.from.as_ref().or(msg.reply_to.as_ref()))?;
    let calendar = cfg.calendar();
    // A possible duplicate order is about both of its orders; otherwise every order the
    // customer mentioned in the conversation.
    let mut order_numbers = store.duplicate_numbers(msg.conversation_id)?;
    if order_numbers.is_empty() {
        order_numbers = conversation_order_numbers(store, msg)?;
    }
    let conversation = store.conversation(msg.conversation_id)?;
    let waiting = conversation
        .as_ref()
        .is_some_and(|c| c.pending_since.is_some());
    // A customer still waiting: their deadline. Answered, with the shop's promise still open:
    // the promise is what this reply keeps, so a promise kept late gets the same apology.
    // Answered with nothing promised: nothing to apologize for.
    let customer_due_at = if waiting {
        Some(crate::deadline::due_at(msg.received_at, &calendar))
    } else {
        conversation.and_then(|c| c.follow_up_at)
    };
    Ok(ReplyContext {
        first_name: names.first,
        last_name: names.last,
        full_name: names.full,
        customer_email: who.map(|a| a.addr.clone()).unwrap_or_default(),
        shop_name: cfg.shop.name.clone(),
        owner_name: cfg.shop.owner_name.clone(),
        signature: cfg.shop.signature.clone(),
        order_numbers,
        items: Vec::new(),
        subject: msg.subject.clone(),
        customer_due_at,
        offers: cfg.offers.clone(),
        calendar,
        now,
    })
}

/// A reply being written: what the TUI shows as preview and hands to `$EDITOR`.
#[derive(Debug, Clone)]
pub struct Draft {
    pub conversation_id: ConversationId,
    pub original: Original,
    pub subject: String,
    /// The reply text with the quoted original below it.
    pub text: String,
    pub follow_up_at: Option<DateTime<Utc>>,
    pub template_name: String,
    /// Files the reply carries, as bytes (the template's `attach:` files, then the owner's).
    pub attachments: Vec<OutgoingAttachment>,
}

/// The Subject header a draft is sent with (the same rule as [`compose::compose`]). Here, below
/// the app and the drawing, so that both show the same subject.
pub fn sent_subject(draft: &Draft) -> String {
    match compose::header_text(&draft.subject) {
        s if s.is_empty() => compose::reply_subject(&draft.original.subject),
        s => s,
    }
}

/// Renders `template` for the message and returns the full draft (pure apart from store reads).
pub fn draft(
    cfg: &Config,
    store: &Store,
    msg: &MessageRow,
    template: &Template,
    now: DateTime<Utc>,
) -> Result<Draft, SendError> {
    let ctx = reply_context(cfg, store, msg, now)?;
    let RenderedReply {
        subject,
        body,
        follow_up_at,
    } = template::render(template, &ctx)?;
    let original = Original::from(msg);
    let language = template.language;
    let text = compose::reply_text_with(&body, &original, ctx.calendar.tz, &|when, who| {
        language.attribution(when, who)
    });
    let attachments = template_attachments(template)?;
    Ok(Draft {
        conversation_id: msg.conversation_id,
        original,
        subject,
        text,
        follow_up_at,
        template_name: template.name.clone(),
        attachments,
    })
}

/// The files a template's `attach:` lines name, read now: `~/` is the home folder, a relative
/// path starts at the template's folder. A missing file refuses the template with a sentence
/// naming it.
pub fn template_attachments(template: &Template) -> Result<Vec<OutgoingAttachment>, SendError> {
    template
        .attach
        .iter()
        .map(|written| {
            let mut path = files::expand(written);
            if path.is_relative() {
                if let Some(dir) = template.path.parent() {
                    path = dir.join(path);
                }
            }
            files::read(&path).map_err(|e| {
                SendError::Attach(format!(
                    "the template \"{}\" attaches \"{}\", but {}; fix its attach: line or restore the file",
                    template.name,
                    crate::mail::sanitize::line(written),
                    after_colon(&e.to_string())
                ))
            })
        })
        .collect()
}

/// "cannot attach X: there is no such file; check the path" → "there is no such file".
fn after_colon(s: &str) -> String {
    let tail = s.split_once(": ").map_or(s, |(_, t)| t);
    tail.split("; ").next().unwrap_or(tail).to_string()
}

/// The size limit a reply is checked against before queueing: the config's, and the SMTP
/// server's `SIZE` as learned at the last delivery (see [`smtp::deliver_learning`]).
pub fn check_size(cfg: &Config, store: &Store, composed: &Composed) -> Result<(), SendError> {
    let server = store.smtp_size_limit().ok().flatten();
    match super::attachment::size_refusal(
        composed.raw.len() as u64,
        cfg.attachments.max_send_bytes,
        server,
    ) {
        Some(why) => Err(SendError::TooLarge(why)),
        None => Ok(()),
    }
}

/// Builds the message from an approved draft (`text` possibly edited by the owner).
pub fn compose_draft(
    cfg: &Config,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<Composed, SendError> {
    let mut rng = fastrand::Rng::new();
    Ok(compose::compose_with(
        &shop_identity(cfg),
        &draft.original,
        &draft.subject,
        &draft.text,
        &draft.attachments,
        now,
        &mut rng,
    )?)
}

/// Composes the approved draft and stores it in the outbox (durably). Returns the outbox id to
/// hand to the send worker.
pub fn enqueue(
    cfg: &Config,
    store: &Store,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<(i64, Composed), SendError> {
    enqueue_held(cfg, store, draft, now, None)
}

/// [`enqueue`] with an undo window: the reply is not sent before `not_before`.
pub fn enqueue_held(
    cfg: &Config,
    store: &Store,
    draft: &Draft,
    now: DateTime<Utc>,
    not_before: Option<DateTime<Utc>>,
) -> Result<(i64, Composed), SendError> {
    let composed = compose_draft(cfg, draft, now)?;
    check_size(cfg, store, &composed)?;
    let id = outbox::enqueue_held(
        store.connection(),
        &composed,
        Some(draft.conversation_id),
        draft.follow_up_at,
        now,
        not_before,
    )?;
    Ok((id, composed))
}

/// Where replies go for this config: the demo folder, or SMTP with the resolved password.
pub fn delivery(cfg: &Config, demo_dir: Option<&std::path::Path>) -> Result<Delivery, SendError> {
    if let Some(dir) = demo_dir {
        return Ok(Delivery::Folder(dir.to_path_buf()));
    }
    let s = cfg.smtp.as_ref().ok_or(SendError::NoSmtp)?;
    let (password, oauth2) = match &s.auth {
        crate::config::ServerAuth::OAuth2(o) => (None, Some(crate::oauth::TokenSource::shared(o))),
        crate::config::ServerAuth::Password(_) if s.username.is_empty() => (None, None),
        crate::config::ServerAuth::Password(p) => {
            (Some(crate::config::resolve_password("smtp", p)?), None)
        }
    };
    Ok(Delivery::Smtp(SmtpSettings {
        host: s.host.clone(),
        port: s.port,
        security: s.security,
        username: (!s.username.is_empty()).then(|| s.username.clone()),
        password,
        oauth2,
        ca_file: s.ca_file.clone(),
        timeouts: smtp::SmtpTimeouts::default(),
    }))
}

/// The IMAP write-back after a reply went out (APPEND to Sent, `\Answered` and `\Seen` on
/// the original).
/// The steps are durable jobs ([`crate::sync::jobs`]) queued with the outcome when
/// [`WriteBack::enabled`]; this runs them right away. A trait so the worker can run without
/// IMAP (demo, SMTP-only setups).
pub trait WriteBack {
    /// Whether there is a server to write back to (and so jobs to queue).
    fn enabled(&self) -> bool;
    /// `[imap] save_sent`: who keeps the Sent copy.
    fn save_sent(&self) -> SaveSent {
        SaveSent::Auto
    }
    /// What settling a reply as sent queues.
    fn plan(&self) -> ReplyWriteBack {
        if self.enabled() {
            ReplyWriteBack::On(self.save_sent())
        } else {
            ReplyWriteBack::Off
        }
    }
    /// Runs the pending write-back jobs of outbox entry `outbox_id` now. `Some(sentence)`
    /// when some could not be done (they stay queued).
    fn run_jobs(&mut self, store: &Store, outbox_id: i64, now: DateTime<Utc>) -> Option<String>;
}

/// No IMAP account (demo mode, SMTP-only setups): nothing to write back.
pub struct NoWriteBack;

impl WriteBack for NoWriteBack {
    fn enabled(&self) -> bool {
        false
    }
    fn run_jobs(&mut self, _store: &Store, _outbox_id: i64, _now: DateTime<Utc>) -> Option<String> {
        None
    }
}

/// What happened to one outbox entry in [`send_one`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    /// Delivered; `problems` lists follow-up steps that failed (reported, never resent).
    Sent {
        problems: Vec<String>,
    },
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
    Uncertain {
        error: String,
    },
    /// Not sendable right now (already sent, being sent elsewhere, waiting for the owner).
    Skipped,
}

/// Sends one outbox entry: claim (durable `sending`), deliver, record, then the bookkeeping.
/// The `now` callback is read at each step because SMTP can take a while.
pub fn send_one(
    store: &mut Store,
    delivery: &Delivery,
    write_back: &mut dyn WriteBack,
    id: i64,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<SendResult, SendError> {
    // The lease is held from before the claim until the outcome is recorded: while it is,
    // no other process settles, resends or marks this reply.
    let lease =
        Lease::acquire(store.connection(), id).map_err(|source| SendError::Lease { id, source })?;
    let Some(claimed) = outbox::claim(store.connection(), id, lease.token(), now())? else {
        return Ok(SendResult::Skipped);
    };
    let parsed = crate::mail::parse::parse_message(&claimed.raw);
    let from = envelope_from(&parsed).unwrap_or_default();
    let (result, size_limit) =
        smtp::deliver_learning(delivery, &from, &claimed.entry.to_addr, &claimed.raw);
    if let Some(limit) = size_limit {
        // Only a hint for the next check before queueing; a failure to keep it changes nothing.
        let _ = store.set_smtp_size_limit(limit);
    }
    let at = now();
    let queue = write_back.plan();
    match result {
        Ok(()) => {
            outbox::record(
                store.connection(),
                id,
                lease.token(),
                &Outcome::Sent,
                at,
                queue,
            )?;
            drop(lease);
            let problems = after_send(store, write_back, &claimed.entry, &claimed.raw, parsed, at);
            Ok(SendResult::Sent { problems })
        }
        Err(failure) => {
            let outcome = failure.outcome(claimed.entry.attempts, at);
            outbox::record(store.connection(), id, lease.token(), &outcome, at, queue)?;
            drop(lease);
            Ok(match outcome {
                Outcome::Failed { error, retry_at } => SendResult::Failed { error, retry_at },
                Outcome::Uncertain { error } => SendResult::Uncertain { error },
                Outcome::Sent => SendResult::Sent {
                    problems: Vec::new(),
                },
            })
        }
    }
}

/// The envelope sender of a stored reply: its From address (the shop address it was composed
/// with, even if the config changed since).
fn envelope_from(parsed: &ParsedMessage) -> Option<String> {
    parsed
        .from
        .as_ref()
        .map(|a| a.addr.clone())
        .filter(|a| !a.is_empty())
}

/// After a reply went out: the conversation is answered at once (the reply is stored as a
/// local shop message; the Sent copy synced later has the same Message-ID), the template's
/// follow-up is set, and the write-back jobs queued with the outcome (the server's Sent copy
/// and `\Answered`) are tried at once. Failures here are returned as sentences for the owner;
/// the mail is never sent again because of them. The same path settles a reply the owner
/// marked as sent ([`settle_marked_sent`]).
pub fn after_send(
    store: &mut Store,
    write_back: &mut dyn WriteBack,
    entry: &OutboxEntry,
    raw: &[u8],
    parsed: ParsedMessage,
    sent_at: DateTime<Utc>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let local = NewMessage {
        location: Location::local("local"),
        raw: raw.to_vec(),
        parsed,
        received_at: sent_at,
        flags: vec!["\\Seen".to_string()],
    };
    if let Err(e) = store.ingest(vec![local], None) {
        problems.push(format!(
            "the reply was sent, but cannot be saved in the local store ({e}); it will appear \
             once the Sent folder syncs"
        ));
    }
    if let Some(conv) = entry.conversation_id {
        if let Some(at) = entry.follow_up_at {
            if let Err(e) = store.set_follow_up(conv, Some(at), sent_at) {
                problems.push(format!(
                    "the reply was sent, but cannot set its follow-up ({e})"
                ));
            }
        }
    }
    // The Sent copy and `\Answered` were queued with the outcome; try them now. Whatever
    // fails stays queued for the sync worker and `shopinbox sync`.
    if let Some(p) = write_back.run_jobs(store, entry.id, sent_at) {
        problems.push(format!(
            "the reply was sent, but the server's Sent folder and the customer's message are not \
             updated yet ({p}); the next sync tries again"
        ));
    }
    problems
}

/// The owner settles an uncertain or failed reply as delivered (`outbox mark-sent`): the
/// outbox row becomes `sent` with its write-back queued in the same transaction, then the
/// conversation gets exactly what a delivered send gives it ([`after_send`]).
pub fn settle_marked_sent(
    store: &mut Store,
    write_back: &mut dyn WriteBack,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<String>, SendError> {
    outbox::mark_sent(store.connection(), id, now, write_back.plan())?;
    let entry = outbox::get(store.connection(), id)?.ok_or(OutboxError::NotFound { id })?;
    let raw = outbox::raw(store.connection(), id)?.ok_or(OutboxError::NotFound { id })?;
    let parsed = crate::mail::parse::parse_message(&raw);
    let at = entry.sent_at.unwrap_or(now);
    Ok(after_send(store, write_back, &entry, &raw, parsed, at))
}

/// Loads the templates for the config, installing the starter set on first run.
pub fn load_templates(cfg: &Config) -> (Vec<Template>, Vec<template::TemplateError>) {
    let dir = cfg.templates_dir();
    let mut install_error = None;
    if let Err(source) = template::install_starters(&dir) {
        install_error = Some(template::TemplateError::Read {
            path: dir.clone(),
            source,
        });
    }
    let (templates, mut errors) = template::load_templates(&dir);
    errors.extend(install_error);
    (templates, errors)
}

/// Finds a template by its file name or display name.
pub fn find_template<'a>(templates: &'a [Template], name: &str) -> Result<&'a Template, SendError> {
    template::find(templates, name).ok_or_else(|| SendError::NoTemplate {
        name: name.to_string(),
        available: templates
            .iter()
            .map(|t| t.slug())
            .collect::<Vec<_>>()
            .join(", "),
    })
}
