//! `shopinbox reply ID --template NAME [--send]` and `shopinbox outbox …`: the same flow as the
//! TUI, printing instead of drawing. Both return the text to print so they stay testable.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::flow::{self, SendError, SendResult, WriteBack};
use super::outbox::{self, OutboxState};
use crate::config::Config;
use crate::store::{ConversationId, Store};

/// What `shopinbox reply` was asked to do.
#[derive(Debug, Clone, Copy)]
pub struct ReplyArgs<'a> {
    /// The conversation to answer (its newest customer message is quoted and threaded).
    pub conversation: ConversationId,
    /// Template file stem ("missing-package") or display name.
    pub template: &'a str,
    /// Queue and send instead of only printing.
    pub send: bool,
    /// Demo mode: deliver into this folder of .eml files instead of SMTP.
    pub demo_dir: Option<&'a Path>,
}

/// What a reply or outbox command printed, and, when a reply did not go out, the one sentence
/// why (the command then exits with [`crate::exit::NOT_SENT`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliOutput {
    pub text: String,
    pub not_sent: Option<String>,
}

/// [`reply_run`] for callers that only print.
pub fn reply_cli(
    cfg: &Config,
    store: &mut Store,
    args: ReplyArgs<'_>,
    write_back: &mut dyn WriteBack,
    now: DateTime<Utc>,
) -> Result<String, SendError> {
    reply_run(cfg, store, args, write_back, now).map(|o| o.text)
}

/// [`outbox_run`] for callers that only print.
pub fn outbox_cli(
    cfg: &Config,
    store: &mut Store,
    cmd: OutboxCommand,
    demo_dir: Option<&Path>,
    write_back: &mut dyn WriteBack,
    now: DateTime<Utc>,
) -> Result<String, SendError> {
    outbox_run(cfg, store, cmd, demo_dir, write_back, now).map(|o| o.text)
}

/// Renders the template for the conversation and returns the complete message as it would be
/// sent. With `send`, the reply is put in the outbox and sent right away; the result says
/// whether it went out, failed (and stays in the outbox), or is uncertain. Every timestamp
/// (Date header, sent time, follow-up) is taken from `now`, so `--now` and the demo agree.
pub fn reply_run(
    cfg: &Config,
    store: &mut Store,
    args: ReplyArgs<'_>,
    write_back: &mut dyn WriteBack,
    now: DateTime<Utc>,
) -> Result<CliOutput, SendError> {
    let (templates, errors) = flow::load_templates(cfg);
    let mut out = String::new();
    for e in &errors {
        let _ = writeln!(out, "warning: {e}");
    }
    let template = flow::find_template(&templates, args.template)?;
    let msg = flow::message_to_answer(store, args.conversation)?;
    let draft = flow::draft(cfg, store, &msg, template, now)?;
    if !args.send {
        let composed = flow::compose_draft(cfg, &draft, now)?;
        out.push_str(&String::from_utf8_lossy(&composed.raw).replace("\r\n", "\n"));
        if let Some(at) = draft.follow_up_at {
            let _ = writeln!(
                out,
                "\n(not sent; with --send the conversation gets a follow-up at {})",
                crate::deadline::format_local(at, &cfg.calendar)
            );
        } else {
            out.push_str("\n(not sent; add --send to send it)\n");
        }
        return Ok(CliOutput {
            text: out,
            not_sent: None,
        });
    }
    let delivery = flow::delivery(cfg, args.demo_dir)?;
    let (outbox_id, composed) = flow::enqueue(cfg, store, &draft, now)?;
    let _ = writeln!(
        out,
        "Reply {outbox_id} to {} queued: {}",
        composed.to, composed.subject
    );
    let result = flow::send_one(store, &delivery, write_back, outbox_id, &|| now)?;
    let not_sent = describe_result(&mut out, outbox_id, &result);
    Ok(CliOutput {
        text: out,
        not_sent,
    })
}

/// Writes what happened; returns the reason when the reply did not go out.
fn describe_result(out: &mut String, id: i64, result: &SendResult) -> Option<String> {
    match result {
        SendResult::Sent { problems } => {
            let _ = writeln!(out, "Reply {id} sent.");
            for p in problems {
                let _ = writeln!(out, "warning: {p}");
            }
        }
        SendResult::Failed { error, retry_at } => {
            let _ = writeln!(out, "Reply {id} was not sent: {error}");
            match retry_at {
                Some(_) => {
                    let _ = writeln!(
                        out,
                        "It stays in the outbox and is retried automatically while shopinbox \
                         runs, or now with `shopinbox outbox retry {id}`."
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "It stays in the outbox; fix the problem, then `shopinbox outbox retry {id}`."
                    );
                }
            }
        }
        SendResult::Uncertain { error } => {
            let _ = writeln!(out, "Reply {id} may or may not have been sent: {error}");
            let _ = writeln!(
                out,
                "Decide with `shopinbox outbox resend-uncertain {id}` or `shopinbox outbox mark-sent {id}`."
            );
        }
        SendResult::Skipped => {
            let _ = writeln!(out, "Reply {id} is not waiting to be sent.");
        }
    }
    match result {
        SendResult::Failed { error, .. } => Some(format!("reply {id} was not sent: {error}")),
        SendResult::Uncertain { error } => {
            Some(format!("reply {id} may or may not have been sent: {error}"))
        }
        SendResult::Sent { .. } | SendResult::Skipped => None,
    }
}

/// `shopinbox outbox …` sub-commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxCommand {
    /// List replies not yet sent, and those sent in the last 7 days.
    List,
    /// Send a failed (or queued) reply now.
    Retry(i64),
    /// The owner decided an uncertain reply should go out again.
    ResendUncertain(i64),
    /// The owner says an uncertain reply did arrive.
    MarkSent(i64),
}

/// Runs an outbox command and returns what to print.
pub fn outbox_run(
    cfg: &Config,
    store: &mut Store,
    cmd: OutboxCommand,
    demo_dir: Option<&Path>,
    write_back: &mut dyn WriteBack,
    now: DateTime<Utc>,
) -> Result<CliOutput, SendError> {
    let mut out = String::new();
    let conn = store.connection();
    match cmd {
        OutboxCommand::List => {
            let recovered = outbox::recover_interrupted(conn, now)?;
            if recovered > 0 {
                let _ = writeln!(
                    out,
                    "{recovered} repl{} interrupted while sending: now uncertain.",
                    if recovered == 1 { "y was" } else { "ies were" }
                );
            }
            let entries = outbox::list(conn, Some(now - chrono::Duration::days(7)))?;
            if entries.is_empty() {
                out.push_str("The outbox is empty.\n");
            }
            for e in entries {
                let when = e.sent_at.unwrap_or(e.updated_at);
                let _ = writeln!(
                    out,
                    "{:>5}  {:<9}  {}  {}  {}",
                    e.id,
                    e.state.as_str(),
                    crate::deadline::format_local(when, &cfg.calendar),
                    e.to_addr,
                    e.subject
                );
                if matches!(e.state, OutboxState::Failed | OutboxState::Uncertain) {
                    if let Some(err) = &e.last_error {
                        let _ = writeln!(out, "       {err}");
                    }
                }
            }
            Ok(CliOutput {
                text: out,
                not_sent: None,
            })
        }
        OutboxCommand::MarkSent(id) => {
            outbox::mark_sent(conn, id, now)?;
            let _ = writeln!(out, "Reply {id} marked as sent.");
            Ok(CliOutput {
                text: out,
                not_sent: None,
            })
        }
        OutboxCommand::Retry(id) | OutboxCommand::ResendUncertain(id) => {
            if matches!(cmd, OutboxCommand::Retry(_)) {
                outbox::retry(conn, id, now)?;
            } else {
                outbox::resend_uncertain(conn, id, now)?;
            }
            let delivery = flow::delivery(cfg, demo_dir)?;
            let result = flow::send_one(store, &delivery, write_back, id, &|| now)?;
            let not_sent = describe_result(&mut out, id, &result);
            Ok(CliOutput {
                text: out,
                not_sent,
            })
        }
    }
}
