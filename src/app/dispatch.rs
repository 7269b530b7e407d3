//! From a [`Command`] to the state change (or [`Effect`]) it means, on the inbox and its
//! screens or on the open overlay.

use super::{
    when, App, Command, CustomerFocus, Effect, LineEditor, NameEditor, NoteEditor, Opener, Overlay,
    Screen, SearchState, SnoozeMenu, SyncStatus,
};
use crate::store::View;

impl App {
    pub(super) fn command(&mut self, cmd: Command) -> Effect {
        if let Some(effect) = self.find_command(cmd) {
            return effect;
        }
        if let Some(effect) = self.screen_command(cmd) {
            return effect;
        }
        match cmd {
            Command::Up => self.move_by(-1),
            Command::Down => self.move_by(1),
            Command::PageUp => self.move_by(-self.page()),
            Command::PageDown => self.move_by(self.page()),
            Command::Top => self.move_by(i64::MIN / 2),
            Command::Bottom => self.move_by(i64::MAX / 2),
            Command::Open => self.open(),
            Command::Back => {
                self.stack.pop();
                self.refresh();
            }
            Command::Quit => {
                if self.stack.pop().is_none() {
                    return self.ask_quit();
                }
                self.refresh();
            }
            Command::ForceQuit => return self.ask_quit(),
            Command::NextView => self.cycle_view(1),
            Command::PrevView => self.cycle_view(-1),
            Command::ViewNeedsReply => self.set_view(View::NeedsReply),
            Command::ViewOverdue => self.set_view(View::Overdue),
            Command::ViewDueToday => self.set_view(View::DueToday),
            Command::ViewAnswered => self.set_view(View::Answered),
            Command::ViewNotCustomer => self.set_view(View::NotCustomer),
            Command::ViewAll => self.set_view(View::All),
            Command::ViewSnoozed => self.set_view(View::Snoozed),
            Command::ViewOlder => self.set_view(View::Older),
            Command::PullIntoNeedsReply => self.pull_into_needs_reply(),
            Command::Reply => self.open_reply(),
            Command::Send | Command::SendAndNext | Command::EditHere => self.info(format!(
                "Nothing to send here: press {} on a conversation to write a reply.",
                self.options.keymap.hint(Command::Reply)
            )),
            Command::EditTemplate => self.info(format!(
                "Templates are edited from the reply's template list: press {} on a conversation.",
                self.options.keymap.hint(Command::Reply)
            )),
            Command::Stats => self.open_stats(),
            Command::Outbox => self.open_outbox(),
            Command::Rules => self.open_rules(),
            Command::Outreach => self.open_outreach(),
            Command::NewCampaign => {
                self.open_outreach();
                if matches!(self.stack.last(), Some(Screen::Outreach(_))) {
                    return self.new_campaign();
                }
            }
            Command::NotCustomer => self.open_not_customer_menu(),
            Command::MarkAnswered => self.toggle_answered(),
            Command::Snooze => self.open_snooze(),
            Command::Undo => self.undo(),
            Command::Customer => self.open_customer(),
            Command::AddNote => self.open_note_editor(),
            Command::DeleteNote => self.delete_note(),
            Command::NotDuplicate => self.not_duplicate(),
            Command::NotSuspicious => self.not_suspicious(),
            Command::FirstName => self.open_first_name_editor(),
            Command::NextFocus => {
                if let Some(Screen::Customer(c)) = self.stack.last_mut() {
                    c.focus = match c.focus {
                        CustomerFocus::Conversations => CustomerFocus::Notes,
                        CustomerFocus::Notes => CustomerFocus::Conversations,
                    };
                }
            }
            Command::ToggleQuoted => {
                if let Some(Screen::Conversation(c)) = self.stack.last_mut() {
                    c.show_quoted = !c.show_quoted;
                    self.clamp_thread_scroll();
                }
            }
            Command::OpenPager | Command::OpenEditor => return self.open_raw(cmd),
            Command::SyncNow => return self.sync_now(),
            Command::Search => self.overlay = Some(Overlay::Search(SearchState::default())),
            // Outside the screens that find (handled above) there is nothing to step through.
            Command::NextHit | Command::PrevHit => {}
            Command::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Command::Messages => self.overlay = Some(Overlay::Messages { scroll: 0 }),
            // Marking is for the inbox list ([`bulk`]); the keys mean other things elsewhere.
            Command::ToggleMark | Command::SelectRange => {}
            // Attachments are a conversation's ([`attachments`]), files a reply's
            // ([`attach_file`]); elsewhere the keys say where they work.
            Command::NextAttachment
            | Command::PrevAttachment
            | Command::OpenAttachment
            | Command::SaveAttachment
            | Command::SaveAllAttachments
            | Command::ToggleImages => self.info("Open a conversation to use its attachments."),
            Command::AttachFile | Command::RemoveAttachment => {
                self.info("Files are attached on a reply's confirm screen.")
            }
        }
        Effect::None
    }

    /// The screen on top first: the reply screens own the keyboard, and the conversation's
    /// attachments and the inbox's marks take their keys. `None` when the screen leaves the
    /// command to the common keys.
    fn screen_command(&mut self, cmd: Command) -> Option<Effect> {
        // The reply screens own the keyboard: Enter, y, e and Esc mean something else there.
        match self.stack.last() {
            Some(Screen::Templates(_)) => return Some(self.picker_command(cmd)),
            Some(Screen::Confirm(_)) => {
                if let Some(effect) = self.reply_attachment_command(cmd) {
                    return Some(effect);
                }
                return Some(self.confirm_command(cmd));
            }
            Some(Screen::Outbox(_)) => return Some(self.outbox_command(cmd)),
            Some(Screen::Rules(_)) => return Some(self.rules_command(cmd)),
            Some(Screen::Outreach(_)) => return Some(self.outreach_command(cmd)),
            Some(Screen::Conversation(_)) => {
                if let Some(effect) = self.attachment_command(cmd) {
                    return Some(effect);
                }
            }
            None => {
                if let Some(effect) = self.bulk_command(cmd) {
                    return Some(effect);
                }
            }
            _ => {}
        }
        None
    }

    /// The snooze menu for the selected conversation.
    fn open_snooze(&mut self) {
        let Some(row) = self.target_conversation() else {
            self.info("Select a conversation to snooze.");
            return;
        };
        let presets = when::presets(self.now, self.data.calendar().tz);
        let overdue = row.needs_reply(self.now) && row.due_at.is_some_and(|d| d <= self.now);
        self.overlay = Some(Overlay::Snooze(SnoozeMenu {
            conversation: row.id,
            presets,
            selected: 0,
            typed: LineEditor::default(),
            error: None,
            overdue,
            due: row.next_due(),
            asked: false,
            bulk: Vec::new(),
        }));
    }

    /// A new note about the selected conversation's customer.
    fn open_note_editor(&mut self) {
        let Some(addr) = self.target_customer_addr() else {
            self.info("Select a conversation to add a note about its customer.");
            return;
        };
        self.overlay = Some(Overlay::Note(NoteEditor {
            customer_addr: addr,
            note_id: None,
            input: LineEditor::default(),
            warning: false,
        }));
    }

    /// The first-name editor for the selected conversation's customer, with the name replies
    /// greet them with now.
    fn open_first_name_editor(&mut self) {
        let Some(addr) = self.target_customer_addr() else {
            self.info("Select a conversation to correct its customer's first name.");
            return;
        };
        let current = match self.data.customer(&addr) {
            Ok(info) => info.greeting_name(),
            Err(e) => {
                self.error(e.sentence());
                return;
            }
        };
        self.overlay = Some(Overlay::FirstName(NameEditor {
            customer_addr: addr,
            input: LineEditor::with_text(current.as_deref().unwrap_or("")),
        }));
    }

    /// The selected message in the pager or the editor (an [`Effect`] for the loop).
    fn open_raw(&mut self, cmd: Command) -> Effect {
        let opener = if cmd == Command::OpenPager {
            Opener::Pager
        } else {
            Opener::Editor
        };
        let Some(message) = self.target_message() else {
            self.info("Select a conversation to open its message.");
            return Effect::None;
        };
        Effect::OpenRaw { message, opener }
    }

    /// Asks the sync worker to run now, when there is one.
    fn sync_now(&mut self) -> Effect {
        if !self.options.sync_available {
            self.error(
                "Sync is not running (demo store or no account configured); showing saved mail.",
            );
            return Effect::None;
        }
        self.worker.sync = SyncStatus::Running {
            mailbox: None,
            done: 0,
            total: 0,
        };
        Effect::SyncNow
    }

    /// Commands while the help overlay is open: scroll or close.
    pub(super) fn overlay_command(&mut self, cmd: Command) -> Effect {
        let messages = matches!(self.overlay, Some(Overlay::Messages { .. }));
        match cmd {
            // Esc, q and ! close the messages; they need no find.
            Command::Messages if messages => self.overlay = None,
            Command::Search | Command::NextHit | Command::PrevHit if messages => {}
            Command::Up => self.move_by(-1),
            Command::Down => self.move_by(1),
            Command::PageUp => self.move_by(-10),
            Command::PageDown => self.move_by(10),
            Command::Top => self.move_by(i64::MIN / 2),
            Command::Back | Command::Quit | Command::Help => self.overlay = None,
            Command::Search | Command::NextHit | Command::PrevHit => {
                return self.find_command(cmd).unwrap_or(Effect::None)
            }
            _ => {}
        }
        Effect::None
    }
}
