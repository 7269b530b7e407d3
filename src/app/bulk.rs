//! Bulk actions on the inbox list: mark several conversations (Space toggles a row, `v`
//! starts and ends a range, as aerc's mark and NeoMutt's tag do) and answer, snooze or keep
//! them out as not customers together; one `u` takes the whole action back.
//!
//! Marks are conversation ids, not row positions, so a refresh that reorders the list keeps
//! them on the same conversations. A range in progress is the one positional part: it runs
//! from the row where `v` was pressed to the cursor and becomes ids when it ends or is used.

use super::{when, App, Command, Effect, LineEditor, Overlay, RuleChoice, SnoozeMenu, Undo};
use crate::store::{ConversationId, ConversationRow, MarkChange, RuleKind};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// The marked rows of the inbox list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub marked: BTreeSet<ConversationId>,
    /// Where `v` started a range (index in the view); rows from there to the cursor count
    /// as marked until the range ends.
    pub anchor: Option<u64>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.marked.is_empty() && self.anchor.is_none()
    }

    /// The range in progress as (first, last) index, with the cursor at `cursor`.
    pub fn range(&self, cursor: u64) -> Option<(u64, u64)> {
        self.anchor.map(|a| (a.min(cursor), a.max(cursor)))
    }

    /// Whether the row at `index` with conversation `id` is shown as marked.
    pub fn shows(&self, index: u64, id: ConversationId, cursor: u64) -> bool {
        self.marked.contains(&id)
            || self
                .range(cursor)
                .is_some_and(|(a, b)| (a..=b).contains(&index))
    }

    /// How many conversations are marked, the range in progress included. Range rows outside
    /// the loaded window are counted as unmarked so far (they are rarely both).
    pub fn count(&self, list: &super::InboxList) -> usize {
        let in_range = match self.range(list.selected) {
            None => 0,
            Some((a, b)) => (a..=b)
                .filter(|i| list.row(*i).is_none_or(|r| !self.marked.contains(&r.id)))
                .count(),
        };
        self.marked.len() + in_range
    }
}

/// "3 conversations", "1 conversation".
fn conversations(n: usize) -> String {
    if n == 1 {
        "1 conversation".to_string()
    } else {
        format!("{n} conversations")
    }
}

impl App {
    /// Bulk handling of a command on the inbox list. `None`: the command is not about the
    /// selection, and goes on as for one conversation.
    pub(super) fn bulk_command(&mut self, cmd: Command) -> Option<Effect> {
        match cmd {
            Command::ToggleMark => self.toggle_mark(),
            Command::SelectRange => self.range_key(),
            Command::Back if !self.selection.is_empty() => {
                let n = self.selection.count(&self.inbox);
                self.selection = Selection::default();
                self.info(format!(
                    "Selection cleared ({} unmarked).",
                    conversations(n)
                ));
            }
            // Another view lists other rows: marks made here would act unseen there.
            Command::NextView
            | Command::PrevView
            | Command::ViewNeedsReply
            | Command::ViewOverdue
            | Command::ViewDueToday
            | Command::ViewAnswered
            | Command::ViewNotCustomer
            | Command::ViewAll
            | Command::ViewSnoozed => {
                self.selection = Selection::default();
                return None;
            }
            _ if self.selection.is_empty() => return None,
            Command::MarkAnswered => self.answer_marked(),
            Command::Snooze => self.open_bulk_snooze(),
            Command::NotCustomer => self.open_bulk_not_customer(),
            _ => return None,
        }
        Some(Effect::None)
    }

    fn toggle_mark(&mut self) {
        if self.selection.anchor.is_some() {
            // Space inside a range ends it, like a second `v`.
            return self.range_key();
        }
        let Some(id) = self.inbox.selected_row().map(|r| r.id) else {
            return self.info("There is no conversation here to mark.");
        };
        if !self.selection.marked.remove(&id) {
            self.selection.marked.insert(id);
        }
        // The cursor moves on, so Space Space Space marks three rows.
        let list = &mut self.inbox;
        list.selected = (list.selected + 1).min(list.total.saturating_sub(1));
        self.clamp_inbox();
        self.selection_hint();
    }

    fn range_key(&mut self) {
        if self.selection.anchor.is_none() {
            if self.inbox.total == 0 {
                return self.info("There is no conversation here to mark.");
            }
            self.selection.anchor = Some(self.inbox.selected);
            return self.info("Marking a range: move to its other end and press v again.");
        }
        if let Err(e) = self.close_range() {
            return self.error(e.sentence());
        }
        self.selection_hint();
    }

    /// Turns the range in progress into marked ids (one store read when it is not loaded).
    fn close_range(&mut self) -> Result<(), super::DataError> {
        let Some((a, b)) = self.selection.range(self.inbox.selected) else {
            return Ok(());
        };
        let loaded: Option<Vec<ConversationId>> =
            (a..=b).map(|i| self.inbox.row(i).map(|r| r.id)).collect();
        let ids = match loaded {
            Some(ids) => ids,
            None => self
                .data
                .list(self.view, self.now, a, b - a + 1)?
                .into_iter()
                .map(|r| r.id)
                .collect(),
        };
        self.selection.marked.extend(ids);
        self.selection.anchor = None;
        Ok(())
    }

    fn selection_hint(&mut self) {
        let n = self.selection.count(&self.inbox);
        if n == 0 {
            return self.info("Nothing marked.");
        }
        let km = &self.options.keymap;
        // The count stays in the status bar's right side; this says what to do with it.
        let text = format!(
            "Marked: {} answered · {} snooze · {} not a customer · {} clears.",
            km.hint(Command::MarkAnswered),
            km.hint(Command::Snooze),
            km.hint(Command::NotCustomer),
            km.hint(Command::Back)
        );
        self.info(text);
    }

    /// The marked conversations as the store has them now (the range in progress included);
    /// ids no longer in the store are dropped.
    fn marked_rows(&mut self) -> Option<Vec<ConversationRow>> {
        if let Err(e) = self.close_range() {
            self.error(e.sentence());
            return None;
        }
        let mut rows = Vec::new();
        for id in self.selection.marked.clone() {
            match self.data.conversation(id) {
                Ok(Some(row)) => rows.push(row),
                Ok(None) => {}
                Err(e) => {
                    self.error(e.sentence());
                    return None;
                }
            }
        }
        if rows.is_empty() {
            self.selection = Selection::default();
            self.info("The marked conversations are no longer in the store.");
            return None;
        }
        Some(rows)
    }

    /// `a` on a selection: all answered; when every one already carries the mark, all cleared.
    fn answer_marked(&mut self) {
        let Some(rows) = self.marked_rows() else {
            return;
        };
        let clear = rows.iter().all(|r| r.manual_answered_at.is_some());
        let new = if clear { None } else { Some(self.now) };
        let targets: Vec<&ConversationRow> = rows
            .iter()
            .filter(|r| clear || r.manual_answered_at.is_none())
            .collect();
        let changes: Vec<(ConversationId, MarkChange)> = targets
            .iter()
            .map(|r| (r.id, MarkChange::Answered(new)))
            .collect();
        let undo = targets
            .iter()
            .map(|r| Undo::Answered {
                conversation: r.id,
                previous: r.manual_answered_at,
            })
            .collect();
        match self.data.set_marks(&changes) {
            Ok(()) => {
                self.undo.push(Undo::Bulk(undo));
                self.selection = Selection::default();
                let n = conversations(rows.len());
                if clear {
                    self.info(format!("{n} no longer marked answered. u undoes."));
                } else {
                    self.info(format!("Marked answered: {n}. u undoes."));
                }
                self.refresh();
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    fn open_bulk_snooze(&mut self) {
        let Some(rows) = self.marked_rows() else {
            return;
        };
        let Some(first) = rows.first() else {
            return;
        };
        let overdue = rows
            .iter()
            .any(|r| r.needs_reply(self.now) && r.due_at.is_some_and(|d| d <= self.now));
        self.overlay = Some(Overlay::Snooze(SnoozeMenu {
            conversation: first.id,
            presets: when::presets(self.now, self.data.calendar().tz),
            selected: 0,
            typed: LineEditor::default(),
            error: None,
            overdue,
            due: rows.iter().filter_map(|r| r.next_due()).min(),
            asked: false,
            bulk: rows.iter().map(|r| r.id).collect(),
        }));
    }

    /// Enter in the snooze box of a bulk snooze.
    pub(super) fn snooze_bulk(&mut self, ids: &[ConversationId], until: DateTime<Utc>) {
        let mut undo = Vec::new();
        let mut changes = Vec::new();
        for id in ids {
            let previous = match self.data.conversation(*id) {
                Ok(Some(r)) => r.snoozed_until,
                Ok(None) => continue,
                Err(e) => return self.error(e.sentence()),
            };
            undo.push(Undo::Snooze {
                conversation: *id,
                previous,
            });
            changes.push((*id, MarkChange::Snooze(Some(until))));
        }
        match self.data.set_marks(&changes) {
            Ok(()) => {
                self.undo.push(Undo::Bulk(undo));
                self.selection = Selection::default();
                // As for one conversation: the year shows when it is not this one.
                let until = crate::human_time::moment(until, self.now, self.data.calendar().tz);
                self.info(format!(
                    "Snoozed {} until {until}. u undoes.",
                    conversations(changes.len()),
                ));
                self.refresh();
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    /// `x` on a selection: the sender-level choices (each sender, or their one shared domain
    /// when it is not free mail) and "these messages only".
    fn open_bulk_not_customer(&mut self) {
        let Some(rows) = self.marked_rows() else {
            return;
        };
        let mut senders: Vec<String> = rows
            .iter()
            .map(|r| r.customer_addr.trim().to_lowercase())
            .filter(|a| a.contains('@'))
            .collect();
        senders.sort();
        senders.dedup();
        let mut message_ids = Vec::new();
        for r in &rows {
            match self.data.conversation_messages(r.id) {
                Ok(ms) => {
                    if let Some(mid) = ms
                        .into_iter()
                        .rev()
                        .find(|m| !m.is_shop)
                        .and_then(|m| m.message_id)
                    {
                        message_ids.push(mid);
                    }
                }
                Err(e) => return self.error(e.sentence()),
            }
        }
        let mut choices = Vec::new();
        if let Some((first, more)) = message_ids.split_first() {
            choices.push(RuleChoice {
                kind: RuleKind::Message,
                value: first.clone(),
                label: format!("these messages only ({})", message_ids.len()),
                remove: Vec::new(),
                more: more.to_vec(),
            });
        }
        if let Some((first, more)) = senders.split_first() {
            let label = if more.is_empty() {
                format!("everything from {}", crate::mail::sanitize::line(first))
            } else {
                format!("everything from these {} senders", senders.len())
            };
            choices.push(RuleChoice {
                kind: RuleKind::Sender,
                value: first.clone(),
                label,
                remove: Vec::new(),
                more: more.to_vec(),
            });
            let domains: BTreeSet<&str> = senders
                .iter()
                .filter_map(|a| a.rsplit_once('@').map(|(_, d)| d))
                .collect();
            // One shared domain only, and never a whole free-mail domain.
            if let [domain] = domains.into_iter().collect::<Vec<_>>()[..] {
                choices.extend(RuleChoice::domain(domain));
            }
        }
        if choices.is_empty() {
            return self
                .error("The marked conversations have no sender address or Message-ID to mark.");
        }
        self.overlay = Some(Overlay::NotCustomer {
            choices,
            selected: 0,
        });
    }

    /// A bulk not-a-customer choice: one rule per value; any failure takes back the rules
    /// added so far, so the owner sees all or nothing.
    pub(super) fn bulk_rules(&mut self, choice: &RuleChoice) {
        let values = std::iter::once(&choice.value).chain(choice.more.iter());
        let mut undo = Vec::new();
        for value in values {
            match self.data.add_rule(choice.kind, value) {
                Ok(id) => undo.push(Undo::Rule {
                    id,
                    label: value.clone(),
                }),
                Err(e) => {
                    for u in &undo {
                        if let Undo::Rule { id, .. } = u {
                            let _ = self.data.remove_rule(*id);
                        }
                    }
                    self.error(e.sentence());
                    self.refresh();
                    return;
                }
            }
        }
        self.undo.push(Undo::Bulk(undo));
        self.selection = Selection::default();
        self.info(format!(
            "Not a customer: {}. u undoes.",
            crate::mail::sanitize::line(&choice.label)
        ));
        self.refresh();
    }

    /// `u` after a bulk action: every part, newest first. A part that fails stays on the undo
    /// stack with the parts not yet taken back, so a second `u` can finish the job.
    pub(super) fn undo_bulk(&mut self, mut items: Vec<Undo>) {
        let n = items.len();
        while let Some(item) = items.pop() {
            let result = match &item {
                Undo::Rule { id, .. } => self.data.remove_rule(*id),
                Undo::Snooze {
                    conversation,
                    previous,
                } => self.data.snooze(*conversation, *previous),
                Undo::Answered {
                    conversation,
                    previous,
                } => self.data.mark_answered(*conversation, *previous),
                _ => Ok(()),
            };
            if let Err(e) = result {
                items.push(item);
                self.undo.push(Undo::Bulk(items));
                self.error(e.sentence());
                self.refresh();
                return;
            }
        }
        let s = if n == 1 { "" } else { "s" };
        self.info(format!("Undone: the bulk action ({n} change{s})."));
        self.refresh();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_counts_from_the_anchor_to_the_cursor_either_way() {
        let mut s = Selection::default();
        assert_eq!(s.range(4), None);
        s.anchor = Some(5);
        assert_eq!(s.range(2), Some((2, 5)));
        assert_eq!(s.range(7), Some((5, 7)));
        assert!(s.shows(6, 99, 7));
        assert!(!s.shows(8, 99, 7));
        s.anchor = None;
        s.marked.insert(99);
        assert!(s.shows(8, 99, 7));
        assert!(!s.is_empty());
    }

    #[test]
    fn count_does_not_count_a_marked_row_twice() {
        let mut s = Selection::default();
        let list = super::super::InboxList {
            rows: Vec::new(),
            window_start: 0,
            total: 10,
            selected: 3,
            top: 0,
        };
        s.anchor = Some(1);
        // Rows 1..=3 unloaded: three in the range.
        assert_eq!(s.count(&list), 3);
        s.marked.insert(42);
        assert_eq!(s.count(&list), 4);
    }
}
