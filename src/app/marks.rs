//! The owner's marks from the inbox: not a customer (with its rule menu), answered, notes,
//! and undoing the last mark.

use super::{
    clip, rule_label, rule_matches, App, CustomerFocus, Overlay, RuleChoice, Screen, Undo,
};
use crate::store::RuleKind;

impl App {
    pub(super) fn open_not_customer_menu(&mut self) {
        let Some(row) = self.target_conversation() else {
            return self.info("Select a conversation to mark.");
        };
        let mut choices = Vec::new();
        let messages = match self.stack.last() {
            Some(Screen::Conversation(c)) if c.row.id == row.id => Ok(c.messages.clone()),
            _ => self.data.conversation_messages(row.id),
        };
        let messages = match messages {
            Ok(ms) => ms,
            Err(e) => return self.error(e.sentence()),
        };
        // Already kept out by a rule: the one choice is to take the rule(s) back.
        if matches!(row.not_customer, Some(crate::store::NotCustomer::Rule(_))) {
            let rules = match self.data.rules() {
                Ok(r) => r,
                Err(e) => return self.error(e.sentence()),
            };
            let ids: Vec<String> = messages
                .iter()
                .filter_map(|m| m.message_id.clone())
                .collect();
            let senders: Vec<String> = messages
                .iter()
                .filter(|m| !m.is_shop)
                .filter_map(|m| m.from.as_ref().map(|a| a.addr.to_lowercase()))
                .chain(std::iter::once(row.customer_addr.to_lowercase()))
                .collect();
            let matching: Vec<&crate::store::Rule> = rules
                .iter()
                .filter(|r| rule_matches(r, &ids, &senders))
                .collect();
            if let Some(first) = matching.first() {
                let label = format!(
                    "a customer after all (remove: {})",
                    matching
                        .iter()
                        .map(|r| crate::mail::sanitize::line(&rule_label(r)))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                self.overlay = Some(Overlay::NotCustomer {
                    choices: vec![RuleChoice {
                        kind: first.kind,
                        value: first.value.clone(),
                        label,
                        remove: matching.iter().map(|r| r.id).collect(),
                        more: Vec::new(),
                    }],
                    selected: 0,
                });
                return;
            }
        }
        let newest_customer = messages.into_iter().rev().find(|m| !m.is_shop);
        if let Some(mid) = newest_customer.as_ref().and_then(|m| m.message_id.clone()) {
            choices.push(RuleChoice {
                kind: RuleKind::Message,
                value: mid,
                label: "this message only".to_string(),
                remove: Vec::new(),
                more: Vec::new(),
            });
        }
        let addr = newest_customer
            .and_then(|m| m.from.map(|a| a.addr))
            .unwrap_or(row.customer_addr.clone());
        if !addr.is_empty() {
            choices.push(RuleChoice {
                kind: RuleKind::Sender,
                value: addr.clone(),
                label: format!("everything from {}", crate::mail::sanitize::line(&addr)),
                remove: Vec::new(),
                more: Vec::new(),
            });
            if let Some((_, domain)) = addr.rsplit_once('@') {
                choices.extend(RuleChoice::domain(domain));
            }
        }
        if choices.is_empty() {
            return self.error("This conversation has no sender address or Message-ID to mark.");
        }
        self.overlay = Some(Overlay::NotCustomer {
            choices,
            selected: 0,
        });
    }

    pub(super) fn toggle_answered(&mut self) {
        let Some(row) = self.target_conversation() else {
            return self.info("Select a conversation to mark answered.");
        };
        let previous = row.manual_answered_at;
        let new = if previous.is_some() {
            None
        } else {
            Some(self.now)
        };
        match self.data.mark_answered(row.id, new) {
            Ok(()) => {
                self.undo.push(Undo::Answered {
                    conversation: row.id,
                    previous,
                });
                if new.is_some() {
                    self.info(format!(
                        "Marked answered: {}. u undoes.",
                        clip(&row.subject)
                    ));
                } else {
                    self.info(format!(
                        "No longer marked answered: {}.",
                        clip(&row.subject)
                    ));
                }
                self.refresh();
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    pub(super) fn delete_note(&mut self) {
        let Some(Screen::Customer(c)) = self.stack.last() else {
            return self.info("Open the customer panel (c) to delete a note.");
        };
        if c.focus != CustomerFocus::Notes {
            return self.info("Switch to the notes (f) and select the note to delete.");
        }
        let Some(note) = c.info.notes.get(c.selected_note).cloned() else {
            return self.info("There is no note to delete.");
        };
        match self.data.delete_note(note.id) {
            Ok(()) => {
                self.undo.push(Undo::NoteDeleted {
                    customer_addr: note.customer_addr,
                    text: note.text,
                });
                self.info("Note deleted. u undoes.");
                self.refresh();
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    pub(super) fn undo(&mut self) {
        let Some(entry) = self.undo.pop() else {
            return self.info("Nothing to undo.");
        };
        if let Undo::Send { outbox_id } = entry {
            return self.cancel_send(outbox_id);
        }
        if let Undo::Bulk(items) = entry {
            return self.undo_bulk(items);
        }
        let result = match &entry {
            Undo::Rule { id, .. } => self.data.remove_rule(*id),
            Undo::Snooze {
                conversation,
                previous,
            } => self.data.snooze(*conversation, *previous),
            Undo::Answered {
                conversation,
                previous,
            } => self.data.mark_answered(*conversation, *previous),
            Undo::NoteDeleted {
                customer_addr,
                text,
            } => self.data.add_note(customer_addr, text).map(|_| ()),
            Undo::Duplicate { conversation } => self.data.restore_duplicate(*conversation),
            Undo::Trusted { addr } => self.data.untrust_sender(addr),
            Undo::Pulled { conversation } => self.undo_pull(*conversation),
            Undo::Send { .. } | Undo::Bulk(_) => Ok(()),
        };
        match result {
            Ok(()) => {
                let what = match entry {
                    Undo::Rule { label, .. } => format!("Undone: not a customer ({label})."),
                    Undo::Snooze { .. } => "Undone: snooze.".to_string(),
                    Undo::Answered { .. } => "Undone: answered mark.".to_string(),
                    Undo::NoteDeleted { .. } => "Undone: note restored.".to_string(),
                    Undo::Duplicate { .. } => "Undone: possible duplicate order.".to_string(),
                    Undo::Trusted { addr } => format!(
                        "Undone: mail from {} is checked for fraud again.",
                        crate::mail::sanitize::line(&addr)
                    ),
                    Undo::Pulled { .. } => "Undone: back in Older, never answered.".to_string(),
                    Undo::Send { .. } | Undo::Bulk(_) => String::new(),
                };
                self.info(what);
                self.refresh();
            }
            Err(e) => {
                self.undo.push(entry);
                self.error(e.sentence());
            }
        }
    }
}
