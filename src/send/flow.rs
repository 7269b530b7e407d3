//! The reply flow the TUI and the CLI share: pick the customer message, render a template for
//! it, let the owner approve or edit the text, put it in the outbox, send it, and do the
//! bookkeeping afterwards.
//!
//! Everything that reads the clock takes `now`; everything that touches the network is in
//! [`send_one`] and below, which the TUI only calls from the send worker thread.

use chrono::{DateTime, Utc};

use super::compose::{self, Composed, Original, ShopIdentity};
use super::outbox::{self, OutboxEntry, OutboxError, Outcome};
use super::smtp::{self, Delivery, SmtpSettings};
use crate::config::{Config, ConfigError};
use crate::mail::{Address, ParsedMessage};
use crate::store::{ConversationId, Location, MessageRow, NewMessage, Store, StoreError};
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
    Compose(#[from] compose::ComposeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(
        "cannot send: the config has no [smtp] section; add the shop's outgoing mail server \
         there (config.example.toml shows how)"
    )]
    NoSmtp,
}

/// The shop identity of outgoing mail, from the config.
pub fn shop_identity(cfg: &Config) -> ShopIdentity {
    ShopIdentity {
        shop_name: cfg.shop.name.clone(),
        owner_name: cfg.shop.owner_name.clone(),
        signature: cfg.shop.signature.clone(),
        addresses: cfg.shop_addresses(),
    }
}

impl From<&MessageRow> for Original {
    fn from(m: &MessageRow) -> Original {
        Original {
            message_id: m.message_id.clone(),
            references: m.references.clone(),
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
    store
        .conversation_messages(id)?
        .into_iter()
        .rev()
        .find(|m| !m.is_shop)
        .ok_or(SendError::NothingToAnswer { id })
}

/// The customer's names: the owner's correction wins, then the guess from the display name
/// or the address.
fn customer_names(store: &Store, who: Option<&Address>) -> Result<Names, SendError> {
    let Some(who) = who else {
        return Ok(Names::default());
    };
    let person = crate::mail::names::person_name(who.name.as_deref(), &who.addr);
    let override_name = store.customer(&who.addr)?.first_name_override;
    Ok(Names {
        first: override_name.or(person.first),
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
    let order_number =
        crate::mail::orders::order_numbers(&format!("{}\n{}", msg.subject, msg.body))
            .into_iter()
            .next();
    let answered = store
        .conversation(msg.conversation_id)?
        .and_then(|c| c.pending_since)
        .is_none();
    // A conversation that is already answered has no deadline to apologize for.
    let customer_due_at = (!answered).then(|| crate::deadline::due_at(msg.received_at, &calendar));
    Ok(ReplyContext {
        first_name: names.first,
        last_name: names.last,
        full_name: names.full,
        customer_email: who.map(|a| a.addr.clone()).unwrap_or_default(),
        shop_name: cfg.shop.name.clone(),
        owner_name: cfg.shop.owner_name.clone(),
        signature: cfg.shop.signature.clone(),
        order_number,
        subject: msg.subject.clone(),
        customer_due_at,
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
    } = template::render(template, &ctx);
    let original = Original::from(msg);
    let text = compose::reply_text(&body, &original, ctx.calendar.tz);
    Ok(Draft {
        conversation_id: msg.conversation_id,
        original,
        subject,
        text,
        follow_up_at,
        template_name: template.name.clone(),
    })
}

/// Builds the message from an approved draft (`text` possibly edited by the owner).
pub fn compose_draft(
    cfg: &Config,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<Composed, SendError> {
    let mut rng = fastrand::Rng::new();
    Ok(compose::compose(
        &shop_identity(cfg),
        &draft.original,
        &draft.subject,
        &draft.text,
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
    let composed = compose_draft(cfg, draft, now)?;
    let id = outbox::enqueue(
        store.connection(),
        &composed,
        Some(draft.conversation_id),
        draft.follow_up_at,
        now,
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
        crate::config::ServerAuth::Password(p) => (Some(crate::config::resolve_password(p)?), None),
    };
    Ok(Delivery::Smtp(SmtpSettings {
        host: s.host.clone(),
        port: s.port,
        security: s.security,
        username: (!s.username.is_empty()).then(|| s.username.clone()),
        password,
        oauth2,
        ca_file: s.ca_file.clone(),
        timeout: std::time::Duration::from_secs(30),
    }))
}

/// The IMAP write-back after a reply went out (APPEND to Sent, `\Answered` on the original).
/// A trait so the worker can run without IMAP (demo, tests) and the steps can be faked.
pub trait WriteBack {
    /// Saves the sent reply in the server's Sent folder.
    fn append_sent(&mut self, raw: &[u8]) -> Result<(), String>;
    /// Flags the answered customer message `\Answered` on the server.
    fn mark_answered(&mut self, location: &Location) -> Result<(), String>;
}

/// No IMAP account (demo mode, SMTP-only setups): nothing to write back.
pub struct NoWriteBack;

impl WriteBack for NoWriteBack {
    fn append_sent(&mut self, _raw: &[u8]) -> Result<(), String> {
        Ok(())
    }
    fn mark_answered(&mut self, _location: &Location) -> Result<(), String> {
        Ok(())
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
    let Some(claimed) = outbox::claim(store.connection(), id, now())? else {
        return Ok(SendResult::Skipped);
    };
    let parsed = crate::mail::parse::parse_message(&claimed.raw);
    let from = envelope_from(&parsed).unwrap_or_default();
    let result = smtp::deliver(delivery, &from, &claimed.entry.to_addr, &claimed.raw);
    let at = now();
    match result {
        Ok(()) => {
            outbox::record(store.connection(), id, &Outcome::Sent, at)?;
            let problems = after_send(store, write_back, &claimed.entry, &claimed.raw, parsed, at);
            Ok(SendResult::Sent { problems })
        }
        Err(failure) => {
            let outcome = failure.outcome(claimed.entry.attempts, at);
            outbox::record(store.connection(), id, &outcome, at)?;
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
/// follow-up is set, and the server gets the Sent copy and `\Answered`. Failures here are
/// returned as sentences for the owner; the mail is never sent again because of them.
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
            if let Err(e) = store.set_follow_up(conv, Some(at)) {
                problems.push(format!(
                    "the reply was sent, but cannot set its follow-up ({e})"
                ));
            }
        }
    }
    if let Err(e) = write_back.append_sent(raw) {
        problems.push(format!(
            "the reply was sent, but cannot be saved to the Sent folder on the server: {e}"
        ));
    }
    if let Some(original) = &entry.in_reply_to {
        match store.server_location(original) {
            Ok(Some(loc)) => {
                if let Err(e) = write_back.mark_answered(&loc) {
                    problems.push(format!(
                        "the reply was sent, but the customer's message cannot be flagged as \
                         answered on the server: {e}"
                    ));
                }
            }
            Ok(None) => {}
            Err(e) => problems.push(format!(
                "the reply was sent, but the customer's message cannot be found to flag it as \
                 answered ({e})"
            )),
        }
    }
    problems
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
