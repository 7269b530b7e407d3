//! The reply edited in place on the confirm screen (`w`, Esc stops) and "send and next" (`Y`).
//! The editor itself is [`super::textedit`]; this is its place in the app: keys go to it while
//! it is open, and leaving it puts the text, normalized as a reply back from `$EDITOR` is
//! ([`super::reply::normalize_edited`]), into the draft that `y` sends.

use super::textedit::TextEditor;
use super::{App, Command, Effect, InputKey, Screen};
use crate::store::View;

/// How many Needs-reply conversations "send and next" looks through.
const NEXT_LOOKAHEAD: u64 = 500;

impl App {
    /// The confirm screen is on top with its text open for editing.
    pub fn editing_here(&self) -> bool {
        self.overlay.is_none()
            && matches!(self.stack.last(), Some(Screen::Confirm(c)) if c.editor.is_some())
    }

    /// `w` on the confirm screen: the text opens for editing in place.
    pub(super) fn start_edit_here(&mut self) -> Effect {
        let Some(Screen::Confirm(c)) = self.stack.last_mut() else {
            return Effect::None;
        };
        c.editor = Some(TextEditor::new(&c.draft.text));
        // The keys are on the bottom line of the screen; the status line stays short.
        self.info("Editing the reply here; Esc stops editing.");
        Effect::None
    }

    /// A key while editing: Esc stops, everything else edits.
    pub(super) fn edit_here_input(&mut self, key: InputKey) -> Effect {
        let Some(Screen::Confirm(c)) = self.stack.last_mut() else {
            return Effect::None;
        };
        let Some(editor) = c.editor.as_mut() else {
            return Effect::None;
        };
        if key != InputKey::Cancel {
            // The screen follows the cursor when it draws.
            editor.apply(key);
            return Effect::None;
        }
        let text = editor.text();
        c.editor = None;
        let km = &self.options.keymap;
        let send = km.hint(Command::Send);
        if text.trim().is_empty() {
            self.error("The reply is empty, so the previous text is kept; Esc cancels the reply.");
            return Effect::None;
        }
        let text = super::reply::normalize_edited(&text);
        if text != c.draft.text {
            c.draft.text = text;
            c.edited = true;
            c.scroll = 0;
            self.info(format!(
                "Reply text updated; check it and press {send} to send."
            ));
        } else {
            self.info(format!("The reply text is unchanged; {send} sends it."));
        }
        self.clamp_reply_scroll();
        Effect::None
    }

    /// `Y`: send (as `y`), then open the template picker of the next conversation that needs a
    /// reply: the one after this in Needs reply, else the first, never one with a reply of this
    /// session still on its way.
    pub(super) fn send_and_next(&mut self) -> Effect {
        let Some(Screen::Confirm(c)) = self.stack.last() else {
            return Effect::None;
        };
        let answered = c.draft.conversation_id;
        let effect = self.send_confirmed();
        if !matches!(effect, Effect::SendOutbox(_)) {
            return effect;
        }
        let sending: Vec<_> = match self.data.store() {
            Some(store) => self
                .sends
                .pending
                .iter()
                .filter_map(|p| {
                    crate::send::outbox::get(store.connection(), p.outbox_id)
                        .ok()
                        .flatten()
                        .and_then(|e| e.conversation_id)
                })
                .collect(),
            None => Vec::new(),
        };
        let rows = self
            .data
            .list(View::NeedsReply, self.now, 0, NEXT_LOOKAHEAD)
            .unwrap_or_default();
        let here = rows.iter().position(|r| r.id == answered);
        let open =
            |r: &&crate::store::ConversationRow| r.id != answered && !sending.contains(&r.id);
        let next = match here {
            Some(i) => rows
                .iter()
                .skip(i + 1)
                .find(open)
                .or_else(|| rows.iter().take(i).find(open)),
            None => rows.iter().find(open),
        }
        .cloned();
        let status = self.status.clone();
        match next {
            Some(row) => {
                self.open_reply_for(row);
                // The send's own line (the undo offer) stays; the picker tells the rest.
                if matches!(self.stack.last(), Some(Screen::Templates(_))) {
                    self.status = status;
                }
            }
            None => {
                let line = status.map(|s| s.text).unwrap_or_default();
                self.info(format!("{line} · Nothing else needs a reply."));
            }
        }
        effect
    }
}
