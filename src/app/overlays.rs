//! Keys while an overlay has the keyboard: search, the not-a-customer menu, snooze, the
//! first-name and note editors.

use super::{
    when, App, Effect, InputKey, NameEditor, NoteEditor, Overlay, RuleChoice, SearchState,
    SnoozeMenu, Undo, SEARCH_LIMIT,
};
use crate::store::RuleKind;
use chrono::{DateTime, Utc};

impl App {
    pub(super) fn overlay_input(&mut self, key: InputKey) -> Effect {
        let Some(overlay) = self.overlay.take() else {
            return Effect::None;
        };
        self.status = None;
        self.overlay = match overlay {
            Overlay::Help { scroll } => Some(Overlay::Help { scroll }),
            Overlay::Messages { scroll } => Some(Overlay::Messages { scroll }),
            nested @ Overlay::Nested { .. } => Some(nested),
            Overlay::AttachFile(p) => self.attach_file_input(p, key),
            Overlay::Search(s) => self.search_input(s, key),
            Overlay::NotCustomer { choices, selected } => {
                self.not_customer_input(choices, selected, key)
            }
            Overlay::Snooze(m) => self.snooze_input(m, key),
            Overlay::Note(n) => self.note_input(n, key),
            Overlay::FirstName(n) => self.first_name_input(n, key),
            Overlay::NewCampaign(f) => self.campaign_form_input(f, key),
        };
        Effect::None
    }

    pub(super) fn search_input(&mut self, mut s: SearchState, key: InputKey) -> Option<Overlay> {
        let before = s.input.text().to_string();
        match key {
            InputKey::Cancel => return None,
            InputKey::Submit => {
                let hit = s.hits.get(s.selected).map(|h| h.conversation_id);
                match hit {
                    Some(id) => {
                        self.stack.clear();
                        self.open_conversation(id);
                        self.find_after_search(s.input.text());
                        return None;
                    }
                    None => return Some(Overlay::Search(s)),
                }
            }
            InputKey::Up => s.selected = s.selected.saturating_sub(1),
            InputKey::Down => s.selected = (s.selected + 1).min(s.hits.len().saturating_sub(1)),
            k => s.input.apply(k),
        }
        if s.input.text() != before {
            // Live search: one FTS query per keystroke, ranked by the store.
            let q = s.input.text().trim().to_string();
            s.selected = 0;
            s.error = None;
            if q.is_empty() {
                s.hits.clear();
            } else {
                match self.data.search(&q, SEARCH_LIMIT) {
                    Ok(hits) => s.hits = hits,
                    Err(e) => {
                        s.hits.clear();
                        s.error = Some(e.sentence());
                    }
                }
            }
        }
        Some(Overlay::Search(s))
    }

    pub(super) fn not_customer_input(
        &mut self,
        choices: Vec<RuleChoice>,
        mut selected: usize,
        key: InputKey,
    ) -> Option<Overlay> {
        let pick = match key {
            InputKey::Cancel => return None,
            InputKey::Up | InputKey::Char('k') => {
                selected = selected.saturating_sub(1);
                None
            }
            InputKey::Down | InputKey::Char('j') => {
                selected = (selected + 1).min(choices.len().saturating_sub(1));
                None
            }
            InputKey::Submit => Some(selected),
            InputKey::Char(c @ '1'..='9') => Some(c as usize - '1' as usize),
            InputKey::Char('m') => choices.iter().position(|c| c.kind == RuleKind::Message),
            InputKey::Char('s') => choices.iter().position(|c| c.kind == RuleKind::Sender),
            InputKey::Char('d') => choices.iter().position(|c| c.kind == RuleKind::Domain),
            _ => None,
        };
        let Some(choice) = pick.and_then(|i| choices.get(i)).cloned() else {
            return Some(Overlay::NotCustomer { choices, selected });
        };
        // Marked rows: the menu was the bulk one (one value or several, one undo step).
        if !choice.more.is_empty() || !self.selection.is_empty() {
            self.bulk_rules(&choice);
            return None;
        }
        if !choice.remove.is_empty() {
            for id in &choice.remove {
                if let Err(e) = self.data.remove_rule(*id) {
                    self.error(e.sentence());
                    self.refresh();
                    return None;
                }
            }
            self.info(
                "A customer after all: the rule is removed and the mail is back in the views.",
            );
            self.refresh();
            return None;
        }
        match self.data.add_rule(choice.kind, &choice.value) {
            Ok(id) => {
                self.undo.push(Undo::Rule {
                    id,
                    label: choice.label.clone(),
                });
                self.info(format!("Not a customer: {}. u undoes.", choice.label));
                self.refresh();
            }
            Err(e) => self.error(e.sentence()),
        }
        None
    }

    /// The time chosen in the snooze box, when it reads as one.
    pub(super) fn snooze_choice(&self, m: &SnoozeMenu) -> Option<DateTime<Utc>> {
        match m.presets.get(m.selected) {
            Some((_, t)) => Some(*t),
            None => when::parse(m.typed.text(), self.now, self.data.calendar().tz).ok(),
        }
    }

    pub(super) fn snooze_input(&mut self, mut m: SnoozeMenu, key: InputKey) -> Option<Overlay> {
        let typed_index = m.presets.len();
        let on_presets = m.selected < typed_index;
        match key {
            InputKey::Cancel => return None,
            InputKey::Up => m.selected = m.selected.saturating_sub(1),
            InputKey::Down => m.selected = (m.selected + 1).min(typed_index),
            // On the choices, j/k move like everywhere else; other typing is ignored until
            // the "other" field has the focus.
            InputKey::Char('k') if on_presets => m.selected = m.selected.saturating_sub(1),
            InputKey::Char('j') if on_presets => m.selected = (m.selected + 1).min(typed_index),
            InputKey::Char(_) if on_presets => {}
            InputKey::Submit if m.overdue && !m.asked => {
                m.asked = true;
                m.error =
                    Some("Overdue: the customer is waiting. Enter snoozes anyway.".to_string());
            }
            InputKey::Submit
                if !m.asked
                    && self
                        .snooze_choice(&m)
                        .is_some_and(|u| m.due.is_some_and(|d| d < u)) =>
            {
                m.asked = true;
                let when = m
                    .due
                    .map(|d| crate::deadline::short_when(d, self.now, self.data.calendar()))
                    .unwrap_or_default();
                m.error = Some(format!(
                    "Due {when}, before the snooze ends. Enter snoozes anyway."
                ));
            }
            InputKey::Submit if !m.bulk.is_empty() => {
                let until = match m.presets.get(m.selected) {
                    Some(preset) => Ok(preset.1),
                    None => when::parse(m.typed.text(), self.now, self.data.calendar().tz)
                        .map_err(|e| e.to_string()),
                };
                match until {
                    Ok(until) => {
                        self.snooze_bulk(&m.bulk, until);
                        return None;
                    }
                    Err(msg) => m.error = Some(msg),
                }
            }
            InputKey::Submit => {
                let until = match m.presets.get(m.selected) {
                    Some(preset) => Ok(preset.1),
                    None => when::parse(m.typed.text(), self.now, self.data.calendar().tz)
                        .map_err(|e| e.to_string()),
                };
                match until {
                    Ok(until) => {
                        let previous = self
                            .data
                            .conversation(m.conversation)
                            .ok()
                            .flatten()
                            .and_then(|r| r.snoozed_until);
                        match self.data.snooze(m.conversation, Some(until)) {
                            Ok(()) => {
                                self.undo.push(Undo::Snooze {
                                    conversation: m.conversation,
                                    previous,
                                });
                                self.info(format!(
                                    "Snoozed until {}. u undoes.",
                                    crate::human_time::moment(
                                        until,
                                        self.now,
                                        self.data.calendar().tz
                                    )
                                ));
                                self.refresh();
                            }
                            Err(e) => self.error(e.sentence()),
                        }
                        return None;
                    }
                    Err(msg) => m.error = Some(msg),
                }
            }
            k if !on_presets => {
                m.error = None;
                m.typed.apply(k);
            }
            _ => {}
        }
        Some(Overlay::Snooze(m))
    }

    pub(super) fn first_name_input(&mut self, mut n: NameEditor, key: InputKey) -> Option<Overlay> {
        match key {
            InputKey::Cancel => return None,
            InputKey::Submit => {
                let text = crate::mail::sanitize::line(n.input.text());
                let name = (!text.is_empty()).then_some(text.as_str());
                match self.data.set_first_name(&n.customer_addr, name) {
                    Ok(()) => {
                        let msg = match name {
                            Some(name) => {
                                format!("Replies to {} now greet them as {name}.", n.customer_addr)
                            }
                            None => format!(
                                "First name for {} cleared: replies guess it from the mail again.",
                                n.customer_addr
                            ),
                        };
                        self.info(msg);
                        self.refresh();
                    }
                    Err(e) => self.error(e.sentence()),
                }
                return None;
            }
            k => n.input.apply(k),
        }
        Some(Overlay::FirstName(n))
    }

    pub(super) fn note_input(&mut self, mut n: NoteEditor, key: InputKey) -> Option<Overlay> {
        match key {
            InputKey::Cancel => return None,
            InputKey::Submit => {
                let text = n.input.text().trim().to_string();
                let result = match (n.note_id, text.is_empty()) {
                    (None, true) => return None,
                    (Some(id), true) => self.data.delete_note(id).map(|_| "Note deleted."),
                    (Some(id), false) => self
                        .data
                        .update_note(id, &text)
                        .and_then(|_| self.data.set_note_warning(id, n.warning))
                        .map(|_| "Note saved."),
                    (None, false) => self
                        .data
                        .add_note_with(&n.customer_addr, &text, n.warning)
                        .map(|_| "Note added."),
                };
                match result {
                    Ok(msg) => {
                        self.info(msg);
                        self.refresh();
                    }
                    Err(e) => self.error(e.sentence()),
                }
                return None;
            }
            InputKey::Up | InputKey::Down => n.warning = !n.warning,
            k => n.input.apply(k),
        }
        Some(Overlay::Note(n))
    }
}
