//! `shopinbox reply ID --template NAME [--send]` and `shopinbox outbox …`: the same flow as the
//! TUI, printing instead of drawing. Both return the text to print so they stay testable.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::flow::{self, SendError, SendResult, WriteBack};
use super::outbox::{self, OutboxError, OutboxState};
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
    /// Print the message in its RFC 5322 form (encoded headers, quoted-printable body)
    /// instead of decoded for reading.
    pub raw: bool,
    /// Demo mode: deliver into this folder of .eml files instead of SMTP.
    pub demo_dir: Option<&'a Path>,
    /// Files to attach (`--attach FILE`, repeatable), after the template's own.
    pub attach: &'a [std::path::PathBuf],
}

/// Renders the template for the conversation and returns the complete message as it would be
/// sent. With `send`, the reply is put in the outbox and sent right away; it returns what to
/// print when it went out, and [`SendError::NotSent`] (one sentence naming the command that
/// helps) when it failed (and stays in the outbox) or is uncertain. Every timestamp
/// (Date header, sent time, follow-up) is taken from `now`, so `--now` and the demo agree.
pub fn reply_cli(
    cfg: &Config,
    store: &mut Store,
    args: ReplyArgs<'_>,
    write_back: &mut dyn WriteBack,
    now: DateTime<Utc>,
) -> Result<String, SendError> {
    let (templates, errors) = flow::load_templates(cfg);
    let mut out = String::new();
    for e in &errors {
        let _ = writeln!(out, "warning: {e}");
    }
    let template = flow::find_template(&templates, args.template)?;
    let msg = flow::message_to_answer(store, args.conversation)?;
    let mut draft = flow::draft(cfg, store, &msg, template, now)?;
    for path in args.attach {
        let file = super::files::read(path).map_err(|e| SendError::Attach(e.to_string()))?;
        draft.attachments.push(file);
    }
    if !args.send {
        let composed = flow::compose_draft(cfg, &draft, now)?;
        if args.raw {
            out.push_str(&String::from_utf8_lossy(&composed.raw).replace("\r\n", "\n"));
        } else {
            out.push_str(&super::readable::readable(&composed.raw));
            for a in &draft.attachments {
                let _ = writeln!(
                    out,
                    "[attached: {} ({}, {})]",
                    crate::mail::sanitize::line(&a.name),
                    a.mime,
                    super::attachment::human_size(a.size())
                );
            }
        }
        if let Some(why) = flow::check_size(cfg, store, &composed).err() {
            let _ = writeln!(out, "\nnote: {why}");
        }
        if let Some(at) = draft.follow_up_at {
            let _ = writeln!(
                out,
                "\n(not sent; with --send the conversation gets a follow-up at {})",
                crate::deadline::format_local(at, now, &cfg.calendar)
            );
        } else {
            out.push_str("\n(not sent; add --send to send it)\n");
        }
        return Ok(out);
    }
    let delivery = flow::delivery(cfg, args.demo_dir)?;
    let (outbox_id, composed) = flow::enqueue(cfg, store, &draft, now)?;
    let _ = writeln!(
        out,
        "Reply {outbox_id} to {} queued: {}",
        composed.to, composed.subject
    );
    let result = flow::send_one(store, &delivery, write_back, outbox_id, &|| now)?;
    describe_result(store, &mut out, outbox_id, &result)?;
    Ok(out)
}

/// What a send attempt printed, or the one-sentence reason it did not send (exit code 3).
fn describe_result(
    store: &Store,
    out: &mut String,
    id: i64,
    result: &SendResult,
) -> Result<(), SendError> {
    let message = match result {
        SendResult::Sent { problems } => {
            let _ = writeln!(out, "Reply {id} sent.");
            for p in problems {
                let _ = writeln!(out, "warning: {p}");
            }
            return Ok(());
        }
        SendResult::Failed {
            error,
            retry_at: Some(_),
        } => format!(
            "reply {id} was not sent: {error}; it stays in the outbox and is retried \
             automatically while shopinbox runs, or now with `shopinbox outbox retry {id}`"
        ),
        SendResult::Failed {
            error,
            retry_at: None,
        } => format!(
            "reply {id} was not sent: {error}; it stays in the outbox: fix the problem, then \
             run `shopinbox outbox retry {id}`"
        ),
        SendResult::Uncertain { error } => uncertain_hint(id, error),
        SendResult::Skipped => match outbox::get(store.connection(), id)? {
            Some(e) if e.state == OutboxState::Sending => OutboxError::BeingSent { id }.to_string(),
            Some(e) => format!("reply {id} is {}, so nothing was sent", e.state),
            None => OutboxError::NotFound { id }.to_string(),
        },
    };
    Err(SendError::NotSent { id, message })
}

/// What the owner can do about an uncertain reply (both commands exist: `outbox resend`,
/// `outbox mark-sent`).
pub fn uncertain_hint(id: i64, error: &str) -> String {
    format!(
        "reply {id} may or may not have been sent: {error}; ask the customer or look in the \
         server's Sent folder, then run `shopinbox outbox resend {id}` to send it again or \
         `shopinbox outbox mark-sent {id}` if it arrived"
    )
}

/// Turns a send command's error into what the binary reports: a reply that was not sent, or
/// that another shopinbox is sending right now (so this command sent nothing), exits with
/// [`crate::exit::NOT_SENT`]; everything else keeps its own code.
pub fn exit_error(e: SendError) -> anyhow::Error {
    match e {
        SendError::NotSent { message, .. } => {
            crate::exit::Exit::new(crate::exit::NOT_SENT, message).into()
        }
        SendError::Outbox(busy @ OutboxError::BeingSent { .. }) => {
            crate::exit::Exit::new(crate::exit::NOT_SENT, busy.to_string()).into()
        }
        other => other.into(),
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
    /// The owner drops a reply that is not sent (queued, failed or uncertain).
    Discard(i64),
}

/// Runs an outbox command and returns what to print. Every command first settles replies
/// whose sender is gone (never one another shopinbox is sending right now: that one is
/// refused with "reply N is being sent right now by another shopinbox; wait for it").
/// `retry`/`resend` return [`SendError::NotSent`] when the reply did not go out.
pub fn outbox_cli(
    cfg: &Config,
    store: &mut Store,
    cmd: OutboxCommand,
    demo_dir: Option<&Path>,
    write_back: &mut dyn WriteBack,
    now: DateTime<Utc>,
) -> Result<String, SendError> {
    let mut out = String::new();
    let conn = store.connection();
    let recovered = outbox::recover_interrupted(conn, now)?;
    if recovered > 0 {
        let _ = writeln!(
            out,
            "{recovered} repl{} interrupted while sending: now uncertain.",
            if recovered == 1 { "y was" } else { "ies were" }
        );
    }
    match cmd {
        OutboxCommand::List => {
            // Replies whose time has come (undo window over, retry due) go out first, so the
            // list shows what is really left.
            out.push_str(&send_due(cfg, store, demo_dir, write_back, now)?);
            let conn = store.connection();
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
                    crate::deadline::format_local(when, now, &cfg.calendar),
                    e.to_addr,
                    e.subject
                );
                if matches!(e.state, OutboxState::Failed | OutboxState::Uncertain) {
                    if let Some(err) = &e.last_error {
                        let _ = writeln!(out, "       {err}");
                    }
                }
                if let Some(line) = goes_out(&e, now, cfg.calendar.tz) {
                    let _ = writeln!(out, "       {line}");
                }
                // A write-back the server refused for good (the error holds its words).
                let failed = crate::sync::jobs::failed_for_reply(conn, e.id).map_err(|source| {
                    outbox::OutboxError::Db {
                        action: "read the write-back of the replies",
                        source,
                    }
                })?;
                for (kind, err) in failed {
                    let what = match kind {
                        crate::sync::jobs::JobKind::AppendSent => "not saved in Sent",
                        crate::sync::jobs::JobKind::Flags => "not marked answered on the server",
                    };
                    let _ = writeln!(out, "       {what}: {err}");
                }
            }
            Ok(out)
        }
        OutboxCommand::MarkSent(id) => {
            let problems = flow::settle_marked_sent(store, write_back, id, now)?;
            let _ = writeln!(out, "Reply {id} marked as sent.");
            for p in problems {
                let _ = writeln!(out, "warning: {p}");
            }
            Ok(out)
        }
        OutboxCommand::Discard(id) => {
            outbox::discard(conn, id)?;
            let _ = writeln!(out, "Reply {id} discarded; it will not be sent.");
            Ok(out)
        }
        OutboxCommand::Retry(id) | OutboxCommand::ResendUncertain(id) => {
            if matches!(cmd, OutboxCommand::Retry(_)) {
                outbox::retry(conn, id, now)?;
            } else {
                outbox::resend_uncertain(conn, id, now)?;
            }
            let delivery = flow::delivery(cfg, demo_dir)?;
            let result = flow::send_one(store, &delivery, write_back, id, &|| now)?;
            describe_result(store, &mut out, id, &result)?;
            Ok(out)
        }
    }
}

/// Sends every reply whose time has come ([`outbox::due`]: queued ones past their undo window,
/// failed ones whose automatic retry is due), each through the one send path (claim, lease,
/// record), and returns a line per reply. Nothing due: nothing printed. A reply that could not
/// go out stays in the outbox and is reported, not returned as an error: the command that
/// sent it on the side (`sync`, `outbox`) still did its own work.
pub fn send_due(
    cfg: &Config,
    store: &mut Store,
    demo_dir: Option<&Path>,
    write_back: &mut dyn WriteBack,
    now: DateTime<Utc>,
) -> Result<String, SendError> {
    let mut out = String::new();
    let due = outbox::due(store.connection(), now)?;
    if due.is_empty() {
        return Ok(out);
    }
    let delivery = match flow::delivery(cfg, demo_dir) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(
                out,
                "{} waiting in the outbox cannot be sent: {e}.",
                crate::human_time::count(due.len() as u64, "reply", "replies")
            );
            return Ok(out);
        }
    };
    for id in due {
        let to = outbox::get(store.connection(), id)?
            .map(|e| e.to_addr)
            .unwrap_or_default();
        let result = flow::send_one(store, &delivery, write_back, id, &|| now)?;
        match result {
            SendResult::Sent { problems } => {
                let _ = writeln!(out, "Reply {id} to {to} sent (its time had come).");
                for p in problems {
                    let _ = writeln!(out, "warning: {p}");
                }
            }
            // Another shopinbox took it meanwhile: it sends it, once.
            SendResult::Skipped => {}
            other => {
                if let Err(SendError::NotSent { message, .. }) =
                    describe_result(store, &mut out, id, &other)
                {
                    let _ = writeln!(out, "{message}.");
                }
            }
        }
    }
    Ok(out)
}

/// When a queued reply goes out: "goes out at 14:02:10 (in 6 s)" for one inside its undo
/// window, "goes out with the next send" for one whose time has come; `None` for the others.
pub fn goes_out(e: &outbox::OutboxEntry, now: DateTime<Utc>, tz: chrono_tz::Tz) -> Option<String> {
    if e.state != OutboxState::Queued {
        return None;
    }
    match e.retry_at {
        Some(at) if at > now => {
            let secs = (at - now).num_seconds().max(1);
            let left = if secs < 120 {
                format!("{secs} s")
            } else {
                crate::human_time::duration(at - now)
            };
            Some(format!(
                "goes out at {} (in {left})",
                at.with_timezone(&tz).format("%H:%M:%S")
            ))
        }
        _ => Some("goes out with the next send (its time has come)".to_string()),
    }
}

/// `shopinbox sync`: replies whose time has come go out first (their Sent copy and
/// `\Answered` then ride on the same sync). No store yet (a first sync): nothing to send.
pub fn send_due_for_sync(cfg: &Config, clock: crate::clock::Clock) -> anyhow::Result<String> {
    let path = cfg.store_path();
    if !path.exists() {
        return Ok(String::new());
    }
    let now = clock.now();
    let mut store = Store::open(&path, cfg.shop_context(clock))?;
    outbox::recover_interrupted(store.connection(), now)?;
    if outbox::due(store.connection(), now)?.is_empty() {
        return Ok(String::new());
    }
    let mut write_back = super::imap::write_back_for(cfg, false)?;
    Ok(send_due(cfg, &mut store, None, write_back.as_mut(), now)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(state: OutboxState, retry_at: Option<DateTime<Utc>>) -> outbox::OutboxEntry {
        let t = Utc.with_ymd_and_hms(2026, 11, 24, 13, 0, 0).unwrap();
        outbox::OutboxEntry {
            id: 1,
            conversation_id: None,
            in_reply_to: None,
            to_addr: "a@example.com".into(),
            subject: "Re: x".into(),
            message_id: "m@example.com".into(),
            state,
            attempts: 0,
            last_error: None,
            created_at: t,
            updated_at: t,
            sent_at: None,
            follow_up_at: None,
            retry_at,
        }
    }

    #[test]
    fn a_held_reply_says_when_it_goes_out() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 13, 2, 4).unwrap();
        let tz = chrono_tz::Europe::Berlin;
        let held = entry(
            OutboxState::Queued,
            Some(now + chrono::Duration::seconds(6)),
        );
        assert_eq!(
            goes_out(&held, now, tz).as_deref(),
            Some("goes out at 14:02:10 (in 6 s)")
        );
        let later = entry(
            OutboxState::Queued,
            Some(now + chrono::Duration::minutes(5)),
        );
        assert_eq!(
            goes_out(&later, now, tz).as_deref(),
            Some("goes out at 14:07:04 (in 5m)")
        );
        let due = entry(OutboxState::Queued, Some(now));
        assert!(goes_out(&due, now, tz).unwrap().contains("next send"));
        assert_eq!(goes_out(&entry(OutboxState::Failed, None), now, tz), None);
    }
}
