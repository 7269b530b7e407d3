//! Moving around: views, the selection, pages, and opening conversations and customers
//! (with what the next command acts on).

use super::{
    attachments, App, ConversationScreen, CustomerFocus, CustomerScreen, InboxList, LineEditor,
    NoteEditor, Overlay, Screen, VIEWS,
};
use crate::store::{ConversationId, ConversationRow, MessageKey, View};

impl App {
    pub(super) fn set_view(&mut self, view: View) {
        if self.view != view {
            // A new view starts at its most urgent row.
            self.view = view;
            self.inbox = InboxList::default();
        }
        self.stack.clear();
        self.refresh();
    }

    pub(super) fn cycle_view(&mut self, step: isize) {
        // Older, never answered has no tab while it is empty: Tab skips it then.
        let views: Vec<View> = VIEWS
            .into_iter()
            .filter(|v| *v != View::Older || self.counts.older > 0 || self.view == View::Older)
            .collect();
        let i = views.iter().position(|v| *v == self.view).unwrap_or(0) as isize;
        let n = views.len() as isize;
        // `views` holds at least the current view, so `n` > 0 and the index is within it.
        if let Some(&v) = views.get((i + step).rem_euclid(n) as usize) {
            self.set_view(v);
        }
    }

    /// Moves the selection (or the thread scroll) by `delta` rows.
    pub(super) fn move_by(&mut self, delta: i64) {
        if let Some(
            Overlay::Help { scroll }
            | Overlay::Messages { scroll }
            | Overlay::Nested { scroll, .. },
        ) = &mut self.overlay
        {
            *scroll = scroll.saturating_add_signed(delta as isize);
            return;
        }
        match self.stack.last_mut() {
            None => {
                let list = &mut self.inbox;
                list.selected = list
                    .selected
                    .saturating_add_signed(delta)
                    .min(list.total.saturating_sub(1));
                self.clamp_inbox();
            }
            Some(Screen::Conversation(c)) => {
                c.scroll = c.scroll.saturating_add_signed(delta as isize);
                self.clamp_thread_scroll();
            }
            Some(Screen::Customer(c)) => {
                let (sel, len) = match c.focus {
                    CustomerFocus::Conversations => {
                        (&mut c.selected_conversation, c.info.conversations.len())
                    }
                    CustomerFocus::Notes => (&mut c.selected_note, c.info.notes.len()),
                };
                *sel = sel
                    .saturating_add_signed(delta as isize)
                    .min(len.saturating_sub(1));
                c.follow_selection(self.size.height);
            }
            Some(Screen::Templates(p)) => {
                p.preview_scroll = p.preview_scroll.saturating_add_signed(delta as isize);
                self.clamp_reply_scroll();
            }
            Some(Screen::Rules(s)) => {
                s.selected = s
                    .selected
                    .saturating_add_signed(delta as isize)
                    .min(s.rules.len().saturating_sub(1));
            }
            Some(Screen::Outbox(s)) => {
                s.selected = s
                    .selected
                    .saturating_add_signed(delta as isize)
                    .min(s.entries.len().saturating_sub(1));
            }
            Some(Screen::Confirm(c)) => {
                c.scroll = c.scroll.saturating_add_signed(delta as isize);
                self.clamp_reply_scroll();
            }
            Some(Screen::Stats(_)) => self.scroll_stats(delta),
            // The Outreach screen moves in its own command handler.
            Some(Screen::Outreach(_)) => {}
        }
    }

    pub(super) fn page(&self) -> i64 {
        match self.stack.last() {
            Some(Screen::Conversation(_)) => {
                i64::from(crate::layout::conversation_body_height(self.size.height).max(1))
            }
            Some(Screen::Stats(_)) => i64::from(self.size.height.saturating_sub(4).max(1)),
            _ => self.page_rows() as i64,
        }
    }

    /// The conversation the owner is pointing at on the current screen.
    pub fn target_conversation(&self) -> Option<ConversationRow> {
        match self.stack.last() {
            None => self.inbox.selected_row().cloned(),
            Some(Screen::Conversation(c)) => Some(c.row.clone()),
            Some(Screen::Customer(c)) => match c.focus {
                CustomerFocus::Conversations => {
                    c.info.conversations.get(c.selected_conversation).cloned()
                }
                CustomerFocus::Notes => None,
            },
            Some(
                Screen::Templates(_)
                | Screen::Confirm(_)
                | Screen::Stats(_)
                | Screen::Outbox(_)
                | Screen::Rules(_)
                | Screen::Outreach(_),
            ) => None,
        }
    }

    pub(super) fn target_customer_addr(&self) -> Option<String> {
        match self.stack.last() {
            Some(Screen::Customer(c)) => Some(c.info.addr.clone()),
            _ => self.target_conversation().map(|r| r.customer_addr),
        }
    }

    /// The message to open raw: the newest customer message of the conversation, else its newest.
    pub(super) fn target_message(&self) -> Option<MessageKey> {
        if let Some(Screen::Conversation(c)) = self.stack.last() {
            return c
                .messages
                .iter()
                .rev()
                .find(|m| !m.is_shop)
                .or(c.messages.last())
                .map(|m| m.id);
        }
        self.target_conversation().map(|r| r.latest_message)
    }

    pub(super) fn open(&mut self) {
        match self.stack.last() {
            None => {
                if let Some(id) = self.inbox.selected_row().map(|r| r.id) {
                    self.open_conversation(id);
                }
            }
            Some(Screen::Conversation(_))
            | Some(Screen::Templates(_))
            | Some(Screen::Confirm(_))
            | Some(Screen::Stats(_))
            | Some(Screen::Outbox(_))
            | Some(Screen::Rules(_))
            | Some(Screen::Outreach(_)) => {}
            Some(Screen::Customer(c)) => match c.focus {
                CustomerFocus::Conversations => {
                    if let Some(id) = c
                        .info
                        .conversations
                        .get(c.selected_conversation)
                        .map(|r| r.id)
                    {
                        self.open_conversation(id);
                    }
                }
                CustomerFocus::Notes => {
                    if let Some(note) = c.info.notes.get(c.selected_note) {
                        self.overlay = Some(Overlay::Note(NoteEditor {
                            customer_addr: c.info.addr.clone(),
                            note_id: Some(note.id),
                            input: LineEditor::with_text(&note.text),
                            warning: note.warning,
                        }));
                    }
                }
            },
        }
    }

    /// Opens a conversation; its bodies are read now, not with the list.
    pub fn open_conversation(&mut self, id: ConversationId) {
        let row = match self.data.conversation(id) {
            Ok(Some(row)) => row,
            Ok(None) => return self.error("That conversation is no longer in the store."),
            Err(e) => return self.error(e.sentence()),
        };
        if self.options.mark_read_on_server {
            // Only a store write here; the sync worker does the network part.
            match self.data.mark_read(id) {
                Ok(queued) => self.worker.sync_wanted |= queued > 0 && self.options.sync_available,
                Err(e) => self.error(e.sentence()),
            }
        }
        match self.data.conversation_messages(id) {
            Ok(messages) => {
                // Start at the newest message: that is the one to answer.
                let notes = self.customer_notes(&row.customer_addr);
                let campaign = self
                    .data
                    .store()
                    .and_then(|s| s.campaign_of_conversation(id).ok().flatten())
                    .map(|(_, name)| name);
                let mut screen = ConversationScreen {
                    row,
                    messages,
                    scroll: 0,
                    show_quoted: false,
                    notes,
                    campaign,
                    attachments: attachments::AttachmentView::default(),
                };
                screen.scroll =
                    crate::layout::thread::last_message_line(&crate::layout::thread::thread_lines(
                        &screen.row.flags,
                        &screen.notes,
                        &screen.messages,
                        screen.show_quoted,
                        self.size.width,
                        self.now,
                        self.data.calendar().tz,
                    ));
                self.stack.push(Screen::Conversation(screen));
                self.clamp_thread_scroll();
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    pub(super) fn open_customer(&mut self) {
        let Some(addr) = self.target_customer_addr() else {
            return self.info("Select a conversation to see its customer.");
        };
        if let Some(Screen::Customer(c)) = self.stack.last() {
            if c.info.addr == addr {
                return;
            }
        }
        match self.data.customer(&addr) {
            Ok(info) => self.stack.push(Screen::Customer(CustomerScreen {
                info,
                focus: CustomerFocus::Conversations,
                selected_conversation: 0,
                selected_note: 0,
                conversations_top: 0,
                notes_top: 0,
            })),
            Err(e) => self.error(e.sentence()),
        }
    }
}
