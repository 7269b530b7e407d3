//! The outbox screen (`o`): the replies that are not sent yet — queued (perhaps inside their
//! undo window), failed and uncertain — with their state and error, and the owner's decisions
//! on them. Deciding is a local store write (discard) or a command for the send worker
//! (retry, resend, settle as sent): no network work happens on the UI thread.

use super::{App, Command, Effect, Screen, WorkerCommand};
use crate::send::outbox::{self, OutboxEntry, OutboxState};

#[derive(Debug, Clone)]
pub struct OutboxScreen {
    /// Unsent replies, newest first.
    pub entries: Vec<OutboxEntry>,
    pub selected: usize,
    /// The selected reply's text, when the owner asked to see it (Enter).
    pub text: Option<String>,
}

impl OutboxScreen {
    pub fn selected_entry(&self) -> Option<&OutboxEntry> {
        self.entries.get(self.selected)
    }
}

/// Replies the owner may still have to act on.
fn unsent(conn: &rusqlite::Connection) -> Result<Vec<OutboxEntry>, outbox::OutboxError> {
    Ok(outbox::list(conn, None)?
        .into_iter()
        .filter(|e| e.state != OutboxState::Sent)
        .collect())
}

impl App {
    /// `o`: opens the outbox screen (or brings the open one to the front).
    pub(super) fn open_outbox(&mut self) {
        if let Some(i) = self
            .stack
            .iter()
            .position(|s| matches!(s, Screen::Outbox(_)))
        {
            let screen = self.stack.remove(i);
            self.stack.push(screen);
            return self.reload_outbox();
        }
        let Some(store) = self.data.store() else {
            return self.info("The outbox needs the mail store; `shopinbox outbox` lists it.");
        };
        match unsent(store.connection()) {
            Ok(entries) => self.stack.push(Screen::Outbox(OutboxScreen {
                entries,
                selected: 0,
                text: None,
            })),
            Err(e) => self.error(super::reply::sentence(&e)),
        }
    }

    /// Re-reads the open outbox screen (after a worker event or a decision).
    pub(super) fn reload_outbox(&mut self) {
        let Some(store) = self.data.store() else {
            return;
        };
        let result = unsent(store.connection());
        let Some(Screen::Outbox(s)) = self
            .stack
            .iter_mut()
            .find(|s| matches!(s, Screen::Outbox(_)))
        else {
            return;
        };
        match result {
            Ok(entries) => {
                let keep = s.selected_entry().map(|e| e.id);
                s.entries = entries;
                s.selected = keep
                    .and_then(|id| s.entries.iter().position(|e| e.id == id))
                    .unwrap_or(s.selected)
                    .min(s.entries.len().saturating_sub(1));
                if keep != s.selected_entry().map(|e| e.id) {
                    s.text = None;
                }
            }
            Err(e) => {
                let text = super::reply::sentence(&e);
                self.error(text);
            }
        }
    }

    /// Keys on the outbox screen: move, Enter shows the text, y retries (failed, queued) or
    /// resends (uncertain), a settles as sent, D discards, Esc returns.
    pub(super) fn outbox_command(&mut self, cmd: Command) -> Effect {
        let km = self.options.keymap.clone();
        let Some(Screen::Outbox(s)) = self.stack.last_mut() else {
            return Effect::None;
        };
        let last = s.entries.len().saturating_sub(1);
        let before = s.selected;
        match cmd {
            Command::Up => s.selected = s.selected.saturating_sub(1),
            Command::Down => s.selected = (s.selected + 1).min(last),
            Command::Top => s.selected = 0,
            Command::Bottom => s.selected = last,
            Command::Back | Command::Quit => {
                self.stack.pop();
                self.refresh();
                return Effect::None;
            }
            Command::ForceQuit => {
                self.quit.done = true;
                return Effect::Quit;
            }
            Command::Help => self.overlay = Some(super::Overlay::Help { scroll: 0 }),
            Command::Messages => self.overlay = Some(super::Overlay::Messages { scroll: 0 }),
            Command::Open => {
                if s.text.is_some() {
                    s.text = None;
                } else if let Some(e) = s.selected_entry() {
                    let id = e.id;
                    let text = self
                        .data
                        .store()
                        .and_then(|st| outbox::raw(st.connection(), id).ok().flatten())
                        .map(|raw| crate::mail::parse::parse_message(&raw).body);
                    if let Some(Screen::Outbox(s)) = self.stack.last_mut() {
                        s.text = text;
                    }
                }
            }
            Command::OpenEditor => return self.outbox_edit(),
            Command::Send => return self.outbox_decide(Decision::Send),
            Command::MarkAnswered => return self.outbox_decide(Decision::MarkSent),
            Command::DeleteNote => return self.outbox_decide(Decision::Discard),
            _ => self.info(format!(
                "Outbox: {} shows the text, {} edits it, {} retries or resends, {} settles as sent, {} discards, {} returns.",
                km.hint(Command::Open),
                km.hint(Command::OpenEditor),
                km.hint(Command::Send),
                km.hint(Command::MarkAnswered),
                km.hint(Command::DeleteNote),
                km.hint(Command::Back)
            )),
        }
        if let Some(Screen::Outbox(s)) = self.stack.last_mut() {
            if s.selected != before {
                s.text = None;
            }
        }
        Effect::None
    }

    /// `e` on a queued or failed reply: it is taken out of the outbox (only if the worker has
    /// not claimed it) and comes back as a confirm screen with its text in `$EDITOR`; `y` there
    /// queues it again, Esc drops it.
    fn outbox_edit(&mut self) -> Effect {
        let Some(Screen::Outbox(s)) = self.stack.last() else {
            return Effect::None;
        };
        let Some(entry) = s.selected_entry().cloned() else {
            self.info("The outbox is empty: every reply has been sent.");
            return Effect::None;
        };
        if !matches!(entry.state, OutboxState::Queued | OutboxState::Failed) {
            self.info(format!(
                "Only a queued or failed reply can be edited; this one is {}.",
                entry.state
            ));
            return Effect::None;
        }
        let (Some(store), Some(cfg), Some(conv)) = (
            self.data.store(),
            self.options.config.as_ref(),
            entry.conversation_id,
        ) else {
            self.info("This reply cannot be edited here; discard it and write a new one.");
            return Effect::None;
        };
        let conn = store.connection();
        let raw = match outbox::raw(conn, entry.id) {
            Ok(Some(raw)) => raw,
            Ok(None) => return Effect::None,
            Err(e) => {
                self.error(super::reply::sentence(&e));
                return Effect::None;
            }
        };
        let answering = match crate::send::flow::message_to_answer(store, conv) {
            Ok(m) => m,
            Err(e) => {
                self.error(super::reply::sentence(&e));
                return Effect::None;
            }
        };
        if let Err(e) = outbox::discard(conn, entry.id) {
            self.error(super::reply::sentence(&e));
            return Effect::None;
        }
        let draft = crate::send::flow::Draft {
            conversation_id: conv,
            original: crate::send::compose::Original::from(&answering),
            subject: entry.subject.clone(),
            text: super::reply::normalize_edited(&crate::mail::parse::parse_message(&raw).body),
            follow_up_at: entry.follow_up_at,
            template_name: "(from the outbox)".to_string(),
            // The outbox keeps the message with its files: they come back with the text.
            attachments: crate::mail::attachments::parts(&raw)
                .0
                .into_iter()
                .map(|p| crate::send::attachment::OutgoingAttachment::new(p.name, p.mime, p.bytes))
                .collect(),
        };
        let confirm = super::ConfirmReply {
            to: crate::mail::sanitize::line(&super::reply::recipient_line(&draft.original)),
            from: super::reply::sender_line(cfg),
            subject: super::reply::sent_subject(&draft),
            draft,
            edited: true,
            scroll: 0,
            flags: Vec::new(),
            editor: None,
        };
        self.sends.pending.retain(|p| p.outbox_id != entry.id);
        self.sends.held.retain(|(h, _)| *h != entry.id);
        let text = confirm.draft.text.clone();
        self.stack.push(Screen::Confirm(confirm));
        self.info(format!(
            "Taken out of the outbox for editing: {} queues it again, {} drops it.",
            self.options.keymap.hint(Command::Send),
            self.options.keymap.hint(Command::Back)
        ));
        Effect::EditReply(text)
    }

    fn outbox_decide(&mut self, decision: Decision) -> Effect {
        let Some(Screen::Outbox(s)) = self.stack.last() else {
            return Effect::None;
        };
        let Some(entry) = s.selected_entry().cloned() else {
            self.info("The outbox is empty: every reply has been sent.");
            return Effect::None;
        };
        let id = entry.id;
        let to = crate::mail::sanitize::line(&entry.to_addr);
        use OutboxState as S;
        let effect = match (decision, entry.state) {
            (_, S::Sending) => {
                self.error(format!(
                    "The reply to {to} is being sent right now; wait for the result."
                ));
                return Effect::None;
            }
            (Decision::Discard, _) => {
                let Some(store) = self.data.store() else {
                    return Effect::None;
                };
                match outbox::discard(store.connection(), id) {
                    Ok(()) => {
                        self.sends.pending.retain(|p| p.outbox_id != id);
                        self.sends.held.retain(|(h, _)| *h != id);
                        self.info(format!("Reply to {to} discarded; it will not be sent."));
                    }
                    Err(e) => self.error(super::reply::sentence(&e)),
                }
                self.refresh();
                return Effect::None;
            }
            (Decision::Send, S::Failed | S::Queued) => {
                self.info(format!("Sending the reply to {to} again…"));
                WorkerCommand::Retry(id)
            }
            (Decision::Send, S::Uncertain) => {
                self.info(format!(
                    "Sending the reply to {to} again (it may arrive twice)…"
                ));
                WorkerCommand::Resend(id)
            }
            (Decision::MarkSent, S::Failed | S::Uncertain) => {
                self.info(format!("Settling the reply to {to} as sent…"));
                WorkerCommand::MarkSent(id)
            }
            (Decision::MarkSent, S::Queued) => {
                self.info(format!(
                    "The reply to {to} has not been tried yet; {} discards it.",
                    self.options.keymap.hint(Command::DeleteNote)
                ));
                return Effect::None;
            }
            (_, S::Sent) => return Effect::None,
        };
        if !self.sends.pending.iter().any(|p| p.outbox_id == id) {
            self.sends.pending.push(super::PendingSend {
                outbox_id: id,
                to,
                reported: Some(entry.state),
            });
        }
        Effect::Worker(effect)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Send,
    MarkSent,
    Discard,
}
