//! The inbox app's state and its one state-changing function, [`App::update`].
//!
//! The main loop turns terminal input, worker events and clock ticks into [`Action`]s and feeds
//! them to `update`; drawing (`crate::ui`) only reads the state. Store reads and the owner's
//! marks (rules, snooze, notes) are local SQLite calls done here, and so are the reply flow's
//! template rendering and outbox write ([`reply`]) and the statistics ([`stats`]); everything
//! that needs the outside world (a pager, `$EDITOR`, the network) comes back as an [`Effect`]
//! for the loop.

pub mod attach_file;
pub mod attachments;
pub mod bulk;
pub mod campaign_form;
mod claim;
pub mod command;
mod customer;
pub mod data;
mod dispatch;
mod edit_here;
pub mod find;
pub mod help;
pub mod input;
pub mod keymap;
mod marks;
pub mod messages;
pub mod mouse;
mod navigate;
mod notes;
mod older;
pub mod outbox;
pub mod outreach;
mod overlays;
mod proactive;
pub mod quit;
mod refresh;
pub mod reply;
pub mod rules;
mod screens;
pub mod stats;
pub mod textedit;
pub mod when;
pub mod worker;

pub use command::Command;
pub use data::{DataError, InboxData};
pub use input::{EditKey, LineEditor};
pub use keymap::{KeyBinding, Keymap, KeymapError};
pub use reply::{ConfirmReply, PendingSend, Sends, TemplateChoice, TemplatePicker};
pub use rules::{rule_label, rule_matches};
pub use screens::{
    ConversationScreen, CustomerFocus, CustomerScreen, InboxList, NameEditor, NoteEditor, Overlay,
    RuleChoice, Screen, SearchState, SnoozeMenu, StatusMessage, Undo,
};
pub use stats::StatsScreen;
pub use worker::{SyncStatus, WorkerChannels, WorkerCommand, WorkerEvent, WorkerState};

use crate::config::Config;
use crate::store::{MessageKey, View, ViewCounts};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::path::PathBuf;

/// Every view, in tab order.
pub const VIEWS: [View; 8] = [
    View::NeedsReply,
    View::Overdue,
    View::DueToday,
    View::Snoozed,
    View::Answered,
    View::NotCustomer,
    View::All,
    View::Older,
];

/// How many search hits to ask for; the box shows what fits.
const SEARCH_LIMIT: u32 = 50;
/// Lines moved per mouse-wheel step.
const WHEEL_STEP: usize = 3;

/// The number of conversations in a view, from the store's counts.
pub fn view_count(counts: &ViewCounts, view: View) -> u64 {
    match view {
        View::NeedsReply => counts.needs_reply,
        View::Overdue => counts.overdue,
        View::DueToday => counts.due_today,
        View::Answered => counts.answered,
        View::NotCustomer => counts.not_customer,
        View::All => counts.all,
        View::Snoozed => counts.snoozed,
        View::Older => counts.older,
    }
}

/// Tab title of a view; `short` for narrow terminals.
pub fn view_title(view: View, short: bool) -> &'static str {
    match (view, short) {
        (View::NeedsReply, false) => "Needs reply",
        (View::NeedsReply, true) => "Reply",
        (View::Overdue, false) => "Overdue",
        (View::Overdue, true) => "Late",
        (View::DueToday, false) => "Due today",
        (View::DueToday, true) => "Today",
        (View::Answered, false) => "Answered",
        (View::Answered, true) => "Done",
        (View::NotCustomer, false) => "Not customers",
        (View::NotCustomer, true) => "Not",
        (View::All, _) => "All",
        (View::Snoozed, false) => "Snoozed",
        (View::Snoozed, true) => "Later",
        (View::Older, false) => "Older, never answered",
        (View::Older, true) => "Older",
    }
}

/// A text-input key, used while an overlay has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKey {
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    Up,
    Down,
    Submit,
    Cancel,
    /// A readline edit (C-u, C-w, A-b, …), see [`input::text_key`].
    Edit(EditKey),
    /// Tab in the file picker: complete the typed path.
    Complete,
}

/// Everything that can change the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Command(Command),
    Input(InputKey),
    /// A left click at a terminal cell; `at_ms` is the event loop's monotonic clock in
    /// milliseconds (two clicks on one row within [`mouse::DOUBLE_CLICK_MS`] open it).
    Click {
        column: u16,
        row: u16,
        at_ms: u64,
    },
    /// Mouse wheel.
    ScrollUp,
    ScrollDown,
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock moved (deadlines turn overdue while the app is open).
    Tick(DateTime<Utc>),
    Worker(WorkerEvent),
    /// Reload everything from the store (after the reply flow or an outside change).
    Refresh,
    /// A status line from the loop (e.g. the pager could not start).
    Notify {
        text: String,
        error: bool,
    },
    /// `$EDITOR` returned the reply text (or a sentence saying why it could not run).
    ReplyEdited(Result<String, String>),
    /// `$EDITOR` closed a template file (or could not run): reload the templates.
    TemplateEdited(Result<(), String>),
    /// A key in the quit question ("send now / keep queued / go back").
    QuitPrompt(quit::QuitKey),
    /// The terminal was closed (SIGHUP, SIGTERM) or cannot be read: unsent replies are sent
    /// without asking, then the app quits.
    Hangup,
    /// The loop's wait for the replies sent before quitting is over ([`quit::QUIT_WAIT`]).
    QuitWaitOver,
    /// A conversation's attachments, decoded off the UI thread.
    AttachmentsDecoded(attachments::DecodedHandle),
}

/// How the raw message is shown outside the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opener {
    Pager,
    Editor,
}

/// Work for the main loop, outside the app's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    /// Edit the reply text in `$EDITOR`; answer with [`Action::ReplyEdited`].
    EditReply(String),
    /// Open a template file in `$EDITOR`; answer with [`Action::TemplateEdited`].
    EditTemplate(PathBuf),
    /// Ask the send worker to deliver this outbox entry now (it is already stored).
    SendOutbox(i64),
    /// Hand an owner's outbox decision (retry, resend, settle as sent) to the send worker.
    Worker(WorkerCommand),
    /// Quitting: ask the send worker to deliver these (their undo window is dropped), then
    /// wait at most [`quit::QUIT_WAIT`] for the outcome, answering [`Action::QuitWaitOver`].
    SendBeforeQuit(Vec<i64>),
    /// Decode a conversation's attachments on a thread of their own; answer with
    /// [`Action::AttachmentsDecoded`] (see [`attachments`]).
    DecodeAttachments(Box<attachments::DecodeJob>),
    /// Write the raw message to a temp file and open it.
    OpenRaw {
        message: MessageKey,
        opener: Opener,
    },
    SyncNow,
    /// Send campaign `id` (issue 27) in the background, not before `not_before` (the undo
    /// window: `s` on the Outreach screen stops it until then and after).
    StartCampaign {
        id: i64,
        not_before: DateTime<Utc>,
    },
}

/// Options from the config and the command line.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub keymap: Keymap,
    /// False when `NO_COLOR` is set: styles use bold/reverse/dim only.
    pub color: bool,
    /// A fixed clock (`--now`): ticks do not move it.
    pub fixed_now: Option<DateTime<Utc>>,
    /// Whether a sync worker is attached (otherwise "sync now" explains why it cannot).
    pub sync_available: bool,
    /// The configuration the reply flow needs (shop identity, calendar, templates folder).
    /// Without it replying explains that it is off.
    pub config: Option<Config>,
    /// `[imap] mark_read_on_server`: opening a conversation queues `\Seen` for its customer
    /// messages (a durable write-back job) and asks the sync worker to run it.
    pub mark_read_on_server: bool,
    /// The built-in demo shop: the header and the status bar say so.
    pub demo: bool,
}

impl Default for AppOptions {
    fn default() -> AppOptions {
        AppOptions {
            keymap: Keymap::default(),
            color: true,
            fixed_now: None,
            sync_available: false,
            config: None,
            mark_read_on_server: false,
            demo: false,
        }
    }
}

/// The terminal's size in cells, which the app's page and scroll arithmetic follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TermSize {
    pub width: u16,
    pub height: u16,
}

pub struct App {
    pub data: Box<dyn InboxData>,
    pub now: DateTime<Utc>,
    pub options: AppOptions,
    /// Terminal size, from the last resize.
    pub size: TermSize,
    pub view: View,
    pub counts: ViewCounts,
    pub inbox: InboxList,
    /// Screens above the inbox; the last one is shown.
    pub stack: Vec<Screen>,
    pub overlay: Option<Overlay>,
    pub status: Option<StatusMessage>,
    /// The session's recent status messages, for the `!` overlay.
    pub messages: messages::Messages,
    /// What the workers last said: sync, the last sync, the outbox's length.
    pub worker: worker::WorkerState,
    pub undo: Vec<Undo>,
    /// The replies the reply flow still follows (queued, held, warned about).
    pub sends: reply::Sends,
    /// The conversation this copy claimed for its open reply, and when it last claimed it
    /// (see `claim.rs`).
    claimed: Option<(crate::store::ConversationId, DateTime<Utc>)>,
    /// Conversations other copies are replying to now (issue 26), loaded at each refresh.
    pub replying: std::collections::HashMap<crate::store::ConversationId, crate::store::Claim>,
    /// Quitting: whether the loop ends, the question about unsent replies, the farewell.
    pub quit: quit::Quitting,
    /// Rows marked for a bulk action (Space, v).
    pub selection: bulk::Selection,
    /// Find on the screen (`/`, `n`, `N`), see [`find`].
    pub find: find::FindState,
    /// The last click, to tell a double click (see [`mouse`]).
    last_click: Option<mouse::Click>,
    /// Private copies of opened attachments, removed when the app ends.
    pub opened: attachments::OpenedCopies,
    /// The folder the reply's file picker starts in (the last one used).
    pub last_attach_dir: Option<std::path::PathBuf>,
}

impl App {
    /// Builds the app and loads the first page. Store errors become a status line, not a
    /// failure: the owner still gets a screen.
    pub fn new(
        data: Box<dyn InboxData>,
        options: AppOptions,
        now: DateTime<Utc>,
        width: u16,
        height: u16,
    ) -> App {
        let sync = if options.sync_available {
            SyncStatus::Idle
        } else {
            SyncStatus::Unavailable
        };
        let mut app = App {
            data,
            now: options.fixed_now.unwrap_or(now),
            options,
            size: TermSize { width, height },
            view: View::NeedsReply,
            counts: ViewCounts::default(),
            inbox: InboxList::default(),
            stack: Vec::new(),
            overlay: None,
            status: None,
            messages: messages::Messages::default(),
            worker: worker::WorkerState {
                sync,
                last_sync: None,
                window_synced: true,
                outbox_pending: 0,
                sync_wanted: false,
            },
            undo: Vec::new(),
            sends: reply::Sends::default(),
            claimed: None,
            replying: Default::default(),
            quit: quit::Quitting::default(),
            selection: bulk::Selection::default(),
            find: find::FindState::default(),
            last_click: None,
            opened: attachments::OpenedCopies::default(),
            last_attach_dir: None,
        };
        app.refresh();
        app.messages.observe(&app.status);
        app
    }

    pub fn screen(&self) -> Option<&Screen> {
        self.stack.last()
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            text: text.into(),
            error: false,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            text: text.into(),
            error: true,
        });
    }

    /// Maps a key to an action for the current mode: overlays with text input get raw keys,
    /// everything else goes through the keymap. Returns None for unbound keys and releases.
    pub fn key_to_action(&self, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if let Some(state) = &self.quit.state {
            return quit::key(state, key);
        }
        if self.editing_here() {
            if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
                return Some(Action::Command(Command::ForceQuit));
            }
            return input::text_key(key).map(Action::Input);
        }
        let wants_text = self.find.prompt.is_some()
            || matches!(
                self.overlay,
                Some(Overlay::Search(_))
                    | Some(Overlay::Snooze(_))
                    | Some(Overlay::Note(_))
                    | Some(Overlay::FirstName(_))
                    | Some(Overlay::NotCustomer { .. })
                    | Some(Overlay::AttachFile(_))
                    | Some(Overlay::NewCampaign(_))
            );
        if wants_text {
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            let input = match key.code {
                KeyCode::Char('c') if ctrl => return Some(Action::Command(Command::ForceQuit)),
                KeyCode::Char('n') if ctrl => InputKey::Down,
                KeyCode::Char('p') if ctrl => InputKey::Up,
                KeyCode::Tab if matches!(self.overlay, Some(Overlay::AttachFile(_))) => {
                    InputKey::Complete
                }
                _ => input::text_key(key)?,
            };
            return Some(Action::Input(input));
        }
        if self.stack.is_empty() && self.overlay.is_none() {
            return self
                .options
                .keymap
                .command_in_list(key)
                .map(Action::Command);
        }
        self.options.keymap.command_for(key).map(Action::Command)
    }

    /// Rows of the inbox list that fit on screen.
    pub fn page_rows(&self) -> u64 {
        u64::from(crate::layout::inbox_list_height(self.size.height).max(1))
    }

    /// The single state-changing entry point.
    pub fn update(&mut self, action: Action) -> Effect {
        let effect = self.handle(action);
        self.keep_claim();
        self.messages.observe(&self.status);
        if std::mem::take(&mut self.worker.sync_wanted) && effect == Effect::None {
            // The sync worker runs the queued write-back first thing in its pass.
            return Effect::SyncNow;
        }
        if effect == Effect::None {
            if let Some(job) = self.attachment_job() {
                return job;
            }
        }
        effect
    }

    fn handle(&mut self, action: Action) -> Effect {
        match action {
            Action::Command(cmd) => {
                self.status = None;
                if cmd == Command::ForceQuit {
                    return self.ask_quit();
                }
                if self.overlay.is_some() {
                    return self.overlay_command(cmd);
                }
                self.command(cmd)
            }
            Action::Input(key) if self.editing_here() => self.edit_here_input(key),
            Action::Input(key) if self.find.prompt.is_some() => self.find_input(key),
            Action::Input(key) => self.overlay_input(key),
            Action::Click { column, row, at_ms } => self.click(column, row, at_ms),
            Action::ScrollUp => {
                for _ in 0..WHEEL_STEP {
                    self.move_by(-1);
                }
                Effect::None
            }
            Action::ScrollDown => {
                for _ in 0..WHEEL_STEP {
                    self.move_by(1);
                }
                Effect::None
            }
            Action::Resize { width, height } => {
                self.size.width = width;
                self.size.height = height;
                self.clamp_inbox();
                self.clamp_thread_scroll();
                self.clamp_reply_scroll();
                self.scroll_stats(0);
                Effect::None
            }
            Action::Tick(now) => {
                if self.options.fixed_now.is_none() {
                    let old = self.now;
                    self.now = now;
                    // Deadlines are shown to the minute: reload when the minute changes.
                    if old.timestamp().div_euclid(60) != now.timestamp().div_euclid(60) {
                        self.refresh();
                    }
                }
                Effect::None
            }
            Action::AttachmentsDecoded(decoded) => {
                self.attachments_decoded(decoded);
                Effect::None
            }
            Action::Worker(ev) => {
                self.worker_event(ev);
                self.quit_progress()
            }
            Action::QuitPrompt(key) => self.quit_answer(key),
            Action::Hangup => self.hangup(),
            Action::QuitWaitOver => self.quit_wait_over(),
            Action::Refresh => {
                self.refresh();
                Effect::None
            }
            Action::Notify { text, error } => {
                self.status = Some(StatusMessage { text, error });
                Effect::None
            }
            Action::ReplyEdited(result) => {
                self.reply_edited(result);
                Effect::None
            }
            Action::TemplateEdited(result) => {
                self.template_edited(result);
                Effect::None
            }
        }
    }
}

/// A subject shortened for a status line.
fn clip(s: &str) -> String {
    format!(
        "“{}”",
        crate::layout::fit(&crate::mail::sanitize::line(s), 40)
    )
}
