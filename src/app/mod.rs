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
mod edit_here;
pub mod find;
pub mod help;
pub mod input;
pub mod keymap;
pub mod messages;
pub mod mouse;
mod notes;
mod older;
pub mod outbox;
pub mod outreach;
mod proactive;
pub mod quit;
pub mod reply;
pub mod rules;
pub mod stats;
pub mod textedit;
pub mod when;
pub mod worker;

pub use command::Command;
pub use data::{DataError, InboxData};
pub use input::{EditKey, LineEditor};
pub use keymap::{KeyBinding, Keymap, KeymapError};
pub use reply::{ConfirmReply, PendingSend, TemplateChoice, TemplatePicker};
pub use stats::StatsScreen;
pub use worker::{SyncStatus, WorkerChannels, WorkerCommand, WorkerEvent};

use crate::config::Config;
use crate::store::{
    ConversationId, ConversationRow, CustomerInfo, MessageKey, MessageRow, RuleKind, SearchHit,
    View, ViewCounts,
};
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

/// The page of the inbox list that is in memory. Only a window around the visible rows is
/// loaded (`store.list(view, now, offset, limit)`), so a 100,000-message store costs a few
/// hundred rows of memory.
#[derive(Debug, Clone, Default)]
pub struct InboxList {
    pub rows: Vec<ConversationRow>,
    /// Index in the view of `rows[0]`.
    pub window_start: u64,
    /// Conversations in the view (from the counts).
    pub total: u64,
    pub selected: u64,
    /// First visible row.
    pub top: u64,
}

impl InboxList {
    pub fn row(&self, index: u64) -> Option<&ConversationRow> {
        let i = index.checked_sub(self.window_start)?;
        self.rows.get(usize::try_from(i).ok()?)
    }

    pub fn selected_row(&self) -> Option<&ConversationRow> {
        self.row(self.selected)
    }
}

#[derive(Debug, Clone)]
pub struct ConversationScreen {
    pub row: ConversationRow,
    pub messages: Vec<MessageRow>,
    /// First visible line of the thread.
    pub scroll: usize,
    /// Quoted text and signatures shown (dimmed) instead of folded.
    pub show_quoted: bool,
    /// The customer's notes, shown above the thread (warning notes first).
    pub notes: Vec<crate::store::Note>,
    /// The campaign this conversation answers (a reply to a notice, issue 27).
    pub campaign: Option<String>,
    /// The thread's attachments: decoded off the UI thread, selected, opened, saved.
    pub attachments: attachments::AttachmentView,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerFocus {
    Conversations,
    Notes,
}

#[derive(Debug, Clone)]
pub struct CustomerScreen {
    pub info: CustomerInfo,
    pub focus: CustomerFocus,
    pub selected_conversation: usize,
    pub selected_note: usize,
    /// The first conversation and note shown, kept so that the lists scroll only to follow
    /// the selection (see `customer::follow_selection`).
    pub conversations_top: usize,
    pub notes_top: usize,
}

#[derive(Debug, Clone)]
pub enum Screen {
    Conversation(ConversationScreen),
    Customer(CustomerScreen),
    /// Reply step 1: choose a template, with a live preview.
    Templates(TemplatePicker),
    /// Reply step 2: confirm (or edit) and send.
    Confirm(ConfirmReply),
    Stats(StatsScreen),
    /// Replies not sent yet, and the owner's decisions on them.
    Outbox(outbox::OutboxScreen),
    /// The not-a-customer rules and what each hides.
    Rules(rules::RulesScreen),
    /// Campaigns (issue 27) and their customers.
    Outreach(outreach::OutreachScreen),
}

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub input: LineEditor,
    pub hits: Vec<SearchHit>,
    pub selected: usize,
    pub error: Option<String>,
}

/// One choice in the not-a-customer menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChoice {
    pub kind: RuleKind,
    pub value: String,
    pub label: String,
    /// "A customer after all": the rules (ids) to remove instead of adding one.
    pub remove: Vec<i64>,
    /// A bulk choice: further values of the same kind, one rule each (see [`bulk`]).
    pub more: Vec<String>,
}

impl RuleChoice {
    /// "Everything from @domain" — unless the domain is empty or free mail / an ISP: a rule
    /// for it would hide every customer who uses it.
    pub fn domain(domain: &str) -> Option<RuleChoice> {
        (!domain.is_empty() && !crate::mail::free_mail::is_free_mail(domain)).then(|| RuleChoice {
            kind: RuleKind::Domain,
            value: domain.to_string(),
            label: format!("everything from @{}", crate::mail::sanitize::line(domain)),
            remove: Vec::new(),
            more: Vec::new(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct SnoozeMenu {
    pub conversation: ConversationId,
    pub presets: Vec<(String, DateTime<Utc>)>,
    /// `presets.len()` selects the typed line.
    pub selected: usize,
    pub typed: LineEditor,
    pub error: Option<String>,
    /// The conversation is overdue: the first Enter asks, the second snoozes.
    pub overdue: bool,
    /// When it is due next (its deadline or promised follow-up; the earliest of a bulk
    /// snooze): a snooze ending after it asks first too (issue 21).
    pub due: Option<DateTime<Utc>>,
    /// The owner was asked and confirmed with a second Enter.
    pub asked: bool,
    /// A bulk snooze: every marked conversation (empty for one; see [`bulk`]).
    pub bulk: Vec<ConversationId>,
}

#[derive(Debug, Clone)]
pub struct NoteEditor {
    pub customer_addr: String,
    /// None: a new note.
    pub note_id: Option<i64>,
    pub input: LineEditor,
    /// A warning note (↑/↓ toggles): a red badge on every conversation of the customer.
    pub warning: bool,
}

/// Correcting the first name replies use for a customer.
#[derive(Debug, Clone)]
pub struct NameEditor {
    pub customer_addr: String,
    pub input: LineEditor,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    /// The recent status messages (`!`), newest first.
    Messages {
        scroll: usize,
    },
    Search(SearchState),
    NotCustomer {
        choices: Vec<RuleChoice>,
        selected: usize,
    },
    Snooze(SnoozeMenu),
    Note(NoteEditor),
    FirstName(NameEditor),
    /// A forwarded message (`message/rfc822`) read inside the conversation.
    Nested {
        title: String,
        lines: Vec<String>,
        scroll: usize,
    },
    /// The reply's file picker: a path with completion over the folder's entries.
    AttachFile(attach_file::FilePicker),
    /// The Outreach screen's form for a new campaign.
    NewCampaign(Box<campaign_form::CampaignForm>),
}

/// Something `u` can take back.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    Rule {
        id: i64,
        label: String,
    },
    Snooze {
        conversation: ConversationId,
        previous: Option<DateTime<Utc>>,
    },
    Answered {
        conversation: ConversationId,
        previous: Option<DateTime<Utc>>,
    },
    NoteDeleted {
        customer_addr: String,
        text: String,
    },
    /// "Not a duplicate" on a possible duplicate order.
    Duplicate {
        conversation: ConversationId,
    },
    /// "This sender is fine" on a suspicious conversation.
    Trusted {
        addr: String,
    },
    /// Pulled out of "Older, never answered" into Needs reply.
    Pulled {
        conversation: ConversationId,
    },
    /// A reply waiting out its undo window in the outbox.
    Send {
        outbox_id: i64,
    },
    /// A bulk action: one `u` takes back all of it (see [`bulk`]).
    Bulk(Vec<Undo>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub error: bool,
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

pub struct App {
    pub data: Box<dyn InboxData>,
    pub now: DateTime<Utc>,
    pub options: AppOptions,
    /// Terminal size, from the last resize.
    pub width: u16,
    pub height: u16,
    pub view: View,
    pub counts: ViewCounts,
    pub inbox: InboxList,
    /// Screens above the inbox; the last one is shown.
    pub stack: Vec<Screen>,
    pub overlay: Option<Overlay>,
    pub status: Option<StatusMessage>,
    /// The session's recent status messages, for the `!` overlay.
    pub messages: messages::Messages,
    pub sync: SyncStatus,
    pub last_sync: Option<DateTime<Utc>>,
    /// The tracking window is in the store (first sync done far enough): only then does an
    /// empty Needs reply mean "nothing needs a reply".
    pub window_synced: bool,
    pub outbox_pending: u64,
    pub undo: Vec<Undo>,
    /// Replies queued in this session whose outcome the status line reports.
    pub pending_sends: Vec<PendingSend>,
    /// Replies inside their undo window, with the confirm screen `u` brings back.
    pub held_sends: Vec<(i64, ConfirmReply)>,
    /// The conversation whose send was held back by a possible double reply (issue 26): the
    /// next `y` on it sends.
    pub send_warned: Option<crate::store::ConversationId>,
    /// The conversation this copy claimed for its open reply, and when it last claimed it
    /// (see `claim.rs`).
    claimed: Option<(crate::store::ConversationId, DateTime<Utc>)>,
    /// Conversations other copies are replying to now (issue 26), loaded at each refresh.
    pub replying: std::collections::HashMap<crate::store::ConversationId, crate::store::Claim>,
    pub should_quit: bool,
    /// Quitting with unsent replies: the question, then the wait for the send worker.
    pub quit: Option<quit::QuitState>,
    /// What the loop prints once the terminal is restored (replies sent or left queued).
    pub farewell: Option<String>,
    /// Rows marked for a bulk action (Space, v).
    pub selection: bulk::Selection,
    /// Write-back was queued (a conversation was read): ask the sync worker to run it.
    sync_wanted: bool,
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
            width,
            height,
            view: View::NeedsReply,
            counts: ViewCounts::default(),
            inbox: InboxList::default(),
            stack: Vec::new(),
            overlay: None,
            status: None,
            messages: messages::Messages::default(),
            sync,
            last_sync: None,
            window_synced: true,
            outbox_pending: 0,
            undo: Vec::new(),
            pending_sends: Vec::new(),
            held_sends: Vec::new(),
            send_warned: None,
            claimed: None,
            replying: Default::default(),
            should_quit: false,
            quit: None,
            farewell: None,
            selection: bulk::Selection::default(),
            sync_wanted: false,
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
        if let Some(state) = &self.quit {
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
        u64::from(crate::layout::inbox_list_height(self.height).max(1))
    }

    /// The single state-changing entry point.
    pub fn update(&mut self, action: Action) -> Effect {
        let effect = self.handle(action);
        self.keep_claim();
        self.messages.observe(&self.status);
        if std::mem::take(&mut self.sync_wanted) && effect == Effect::None {
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
                self.width = width;
                self.height = height;
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

    fn worker_event(&mut self, ev: WorkerEvent) {
        match ev {
            WorkerEvent::Started => {
                self.sync = SyncStatus::Running {
                    mailbox: None,
                    done: 0,
                    total: 0,
                }
            }
            WorkerEvent::Progress {
                mailbox,
                done,
                total,
            } => {
                self.sync = SyncStatus::Running {
                    mailbox: Some(mailbox),
                    done,
                    total,
                }
            }
            WorkerEvent::Finished { at, new_messages } => {
                self.sync = SyncStatus::Idle;
                self.last_sync = Some(at);
                self.refresh();
                if new_messages > 0 {
                    let s = if new_messages == 1 { "" } else { "s" };
                    self.info(format!("{new_messages} new message{s}."));
                }
            }
            WorkerEvent::Offline { reason } => self.sync = SyncStatus::Offline { reason },
            WorkerEvent::LoginRefused { message } => self.sync = SyncStatus::Refused { message },
            WorkerEvent::WindowSynced => self.refresh(),
            WorkerEvent::History { done, total } => self.history_progress(done, total),
            // A problem the owner should read (a reply that failed, sent with problems…); it
            // is not about the connection, so the sync state stays as it is.
            WorkerEvent::Error { message } => self.error(message),
            WorkerEvent::Outbox => {
                // A sent reply makes its conversation answered: reload, then report.
                self.refresh();
                self.outbox_changed();
            }
        }
    }

    /// Reloads counts, the visible page and the open screens from the store.
    pub fn refresh(&mut self) {
        match self.data.counts(self.now) {
            Ok(c) => self.counts = c,
            Err(e) => self.error(e.sentence()),
        }
        if let Ok(n) = self.data.outbox_pending() {
            self.outbox_pending = n;
        }
        if let Ok(Some(t)) = self.data.last_sync() {
            if self.last_sync.is_none_or(|l| t > l) {
                self.last_sync = Some(t);
            }
        }
        self.window_synced = self.data.window_synced().unwrap_or(true);
        self.load_replying();
        let keep = self.inbox.selected_row().map(|r| r.id);
        self.inbox.total = view_count(&self.counts, self.view);
        self.inbox.rows.clear();
        self.clamp_inbox();
        // Keep the same conversation selected when it is still on the loaded page.
        if let Some(id) = keep {
            if let Some(pos) = self.inbox.rows.iter().position(|r| r.id == id) {
                self.inbox.selected = self.inbox.window_start + pos as u64;
                self.clamp_inbox();
            }
        }
        for i in 0..self.stack.len() {
            self.reload_screen(i);
        }
        self.reload_stats();
    }

    fn reload_screen(&mut self, i: usize) {
        let result = match &self.stack[i] {
            Screen::Conversation(c) => {
                let id = c.row.id;
                match (
                    self.data.conversation(id),
                    self.data.conversation_messages(id),
                ) {
                    (Ok(Some(row)), Ok(messages)) => {
                        let notes = self.customer_notes(&row.customer_addr);
                        if let Screen::Conversation(c) = &mut self.stack[i] {
                            c.row = row;
                            c.messages = messages;
                            c.notes = notes;
                        }
                        Ok(())
                    }
                    (Ok(None), _) => Ok(()),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                }
            }
            Screen::Customer(c) => match self.data.customer(&c.info.addr) {
                Ok(info) => {
                    if let Screen::Customer(c) = &mut self.stack[i] {
                        c.selected_conversation = c
                            .selected_conversation
                            .min(info.conversations.len().saturating_sub(1));
                        c.selected_note = c.selected_note.min(info.notes.len().saturating_sub(1));
                        c.info = info;
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
            // The reply screens hold their own draft; the statistics reload in one go.
            Screen::Templates(_) | Screen::Confirm(_) | Screen::Stats(_) => Ok(()),
            Screen::Outbox(_) => {
                self.reload_outbox();
                Ok(())
            }
            Screen::Rules(_) => {
                self.reload_rules();
                Ok(())
            }
            Screen::Outreach(_) => {
                self.reload_outreach();
                Ok(())
            }
        };
        if let Err(e) = result {
            self.error(e.sentence());
        }
        if i + 1 == self.stack.len() {
            self.clamp_thread_scroll();
        }
    }

    /// Keeps the selection inside the view and visible, and makes sure the visible rows are
    /// loaded (one store query per window move).
    fn clamp_inbox(&mut self) {
        let page = self.page_rows();
        let list = &mut self.inbox;
        list.selected = list.selected.min(list.total.saturating_sub(1));
        if list.selected < list.top {
            list.top = list.selected;
        }
        if list.selected >= list.top + page {
            list.top = list.selected + 1 - page;
        }
        list.top = list.top.min(list.total.saturating_sub(page));
        let want_end = (list.top + page).min(list.total);
        let loaded_end = list.window_start + list.rows.len() as u64;
        let covered = list.top >= list.window_start && want_end <= loaded_end;
        if covered && !(list.rows.is_empty() && list.total > 0) {
            return;
        }
        if list.total == 0 {
            list.rows.clear();
            list.window_start = 0;
            return;
        }
        // Two pages either side, so scrolling row by row rarely queries.
        let offset = list.top.saturating_sub(page * 2);
        let limit = page * 5;
        match self.data.list(self.view, self.now, offset, limit) {
            Ok(rows) => {
                self.inbox.window_start = offset;
                self.inbox.rows = rows;
                // The store may hold fewer rows than counted (changed between the queries).
                let end = offset + self.inbox.rows.len() as u64;
                if end < self.inbox.total && (self.inbox.rows.len() as u64) < limit {
                    self.inbox.total = end;
                    self.inbox.selected = self.inbox.selected.min(end.saturating_sub(1));
                }
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    fn clamp_thread_scroll(&mut self) {
        let (width, height, now) = (self.width, self.height, self.now);
        let tz = self.data.calendar().tz;
        if let Some(Screen::Conversation(c)) = self.stack.last_mut() {
            let lines = crate::layout::thread::thread_lines(
                &c.row.flags,
                &c.notes,
                &c.messages,
                c.show_quoted,
                width,
                now,
                tz,
            )
            .len();
            let page = usize::from(crate::layout::conversation_body_height(height));
            c.scroll = c.scroll.min(lines.saturating_sub(page));
        }
    }

    fn set_view(&mut self, view: View) {
        if self.view != view {
            // A new view starts at its most urgent row.
            self.view = view;
            self.inbox = InboxList::default();
        }
        self.stack.clear();
        self.refresh();
    }

    fn cycle_view(&mut self, step: isize) {
        // Older, never answered has no tab while it is empty: Tab skips it then.
        let views: Vec<View> = VIEWS
            .into_iter()
            .filter(|v| *v != View::Older || self.counts.older > 0 || self.view == View::Older)
            .collect();
        let i = views.iter().position(|v| *v == self.view).unwrap_or(0) as isize;
        let n = views.len() as isize;
        self.set_view(views[(i + step).rem_euclid(n) as usize]);
    }

    /// Moves the selection (or the thread scroll) by `delta` rows.
    fn move_by(&mut self, delta: i64) {
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
                c.follow_selection(self.height);
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

    fn page(&self) -> i64 {
        match self.stack.last() {
            Some(Screen::Conversation(_)) => {
                i64::from(crate::layout::conversation_body_height(self.height).max(1))
            }
            Some(Screen::Stats(_)) => i64::from(self.height.saturating_sub(4).max(1)),
            _ => self.page_rows() as i64,
        }
    }

    fn command(&mut self, cmd: Command) -> Effect {
        if let Some(effect) = self.find_command(cmd) {
            return effect;
        }
        // The reply screens own the keyboard: Enter, y, e and Esc mean something else there.
        match self.stack.last() {
            Some(Screen::Templates(_)) => return self.picker_command(cmd),
            Some(Screen::Confirm(_)) => {
                if let Some(effect) = self.reply_attachment_command(cmd) {
                    return effect;
                }
                return self.confirm_command(cmd);
            }
            Some(Screen::Outbox(_)) => return self.outbox_command(cmd),
            Some(Screen::Rules(_)) => return self.rules_command(cmd),
            Some(Screen::Outreach(_)) => return self.outreach_command(cmd),
            Some(Screen::Conversation(_)) => {
                if let Some(effect) = self.attachment_command(cmd) {
                    return effect;
                }
            }
            None => {
                if let Some(effect) = self.bulk_command(cmd) {
                    return effect;
                }
            }
            _ => {}
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
            Command::Snooze => {
                let Some(row) = self.target_conversation() else {
                    self.info("Select a conversation to snooze.");
                    return Effect::None;
                };
                let presets = when::presets(self.now, self.data.calendar().tz);
                let overdue =
                    row.needs_reply(self.now) && row.due_at.is_some_and(|d| d <= self.now);
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
            Command::Undo => self.undo(),
            Command::Customer => self.open_customer(),
            Command::AddNote => {
                let Some(addr) = self.target_customer_addr() else {
                    self.info("Select a conversation to add a note about its customer.");
                    return Effect::None;
                };
                self.overlay = Some(Overlay::Note(NoteEditor {
                    customer_addr: addr,
                    note_id: None,
                    input: LineEditor::default(),
                    warning: false,
                }));
            }
            Command::DeleteNote => self.delete_note(),
            Command::NotDuplicate => self.not_duplicate(),
            Command::NotSuspicious => self.not_suspicious(),
            Command::FirstName => {
                let Some(addr) = self.target_customer_addr() else {
                    self.info("Select a conversation to correct its customer's first name.");
                    return Effect::None;
                };
                let current = match self.data.customer(&addr) {
                    Ok(info) => info.greeting_name(),
                    Err(e) => {
                        self.error(e.sentence());
                        return Effect::None;
                    }
                };
                self.overlay = Some(Overlay::FirstName(NameEditor {
                    customer_addr: addr,
                    input: LineEditor::with_text(current.as_deref().unwrap_or("")),
                }));
            }
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
            Command::OpenPager | Command::OpenEditor => {
                let opener = if cmd == Command::OpenPager {
                    Opener::Pager
                } else {
                    Opener::Editor
                };
                let Some(message) = self.target_message() else {
                    self.info("Select a conversation to open its message.");
                    return Effect::None;
                };
                return Effect::OpenRaw { message, opener };
            }
            Command::SyncNow => {
                if !self.options.sync_available {
                    self.error("Sync is not running (demo store or no account configured); showing saved mail.");
                    return Effect::None;
                }
                self.sync = SyncStatus::Running {
                    mailbox: None,
                    done: 0,
                    total: 0,
                };
                return Effect::SyncNow;
            }
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

    /// Commands while the help overlay is open: scroll or close.
    fn overlay_command(&mut self, cmd: Command) -> Effect {
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

    fn target_customer_addr(&self) -> Option<String> {
        match self.stack.last() {
            Some(Screen::Customer(c)) => Some(c.info.addr.clone()),
            _ => self.target_conversation().map(|r| r.customer_addr),
        }
    }

    /// The message to open raw: the newest customer message of the conversation, else its newest.
    fn target_message(&self) -> Option<MessageKey> {
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

    fn open(&mut self) {
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
                Ok(queued) => self.sync_wanted |= queued > 0 && self.options.sync_available,
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
                        self.width,
                        self.now,
                        self.data.calendar().tz,
                    ));
                self.stack.push(Screen::Conversation(screen));
                self.clamp_thread_scroll();
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    fn open_customer(&mut self) {
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

    fn open_not_customer_menu(&mut self) {
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
            if !matching.is_empty() {
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
                        kind: matching[0].kind,
                        value: matching[0].value.clone(),
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

    fn toggle_answered(&mut self) {
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

    fn delete_note(&mut self) {
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

    fn undo(&mut self) {
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

    fn overlay_input(&mut self, key: InputKey) -> Effect {
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

    fn search_input(&mut self, mut s: SearchState, key: InputKey) -> Option<Overlay> {
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

    fn not_customer_input(
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
    fn snooze_choice(&self, m: &SnoozeMenu) -> Option<DateTime<Utc>> {
        match m.presets.get(m.selected) {
            Some((_, t)) => Some(*t),
            None => when::parse(m.typed.text(), self.now, self.data.calendar().tz).ok(),
        }
    }

    fn snooze_input(&mut self, mut m: SnoozeMenu, key: InputKey) -> Option<Overlay> {
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
                let until = if m.selected < typed_index {
                    Ok(m.presets[m.selected].1)
                } else {
                    when::parse(m.typed.text(), self.now, self.data.calendar().tz)
                        .map_err(|e| e.to_string())
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
                let until = if m.selected < typed_index {
                    Ok(m.presets[m.selected].1)
                } else {
                    when::parse(m.typed.text(), self.now, self.data.calendar().tz)
                        .map_err(|e| e.to_string())
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

    fn first_name_input(&mut self, mut n: NameEditor, key: InputKey) -> Option<Overlay> {
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

    fn note_input(&mut self, mut n: NoteEditor, key: InputKey) -> Option<Overlay> {
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

/// Whether a not-a-customer rule keeps out mail with these Message-IDs or from these senders
/// (a domain rule covers its subdomains).
pub fn rule_matches(rule: &crate::store::Rule, message_ids: &[String], senders: &[String]) -> bool {
    let v = rule.value.to_lowercase();
    match rule.kind {
        RuleKind::Message => message_ids.contains(&rule.value),
        RuleKind::Sender => senders.contains(&v),
        RuleKind::Domain => senders.iter().any(|s| {
            s.rsplit_once('@')
                .is_some_and(|(_, d)| d == v || d.ends_with(&format!(".{v}")))
        }),
    }
}

/// "everything from @example.com", as the x menu said it.
pub fn rule_label(rule: &crate::store::Rule) -> String {
    match rule.kind {
        RuleKind::Message => format!("message <{}>", rule.value),
        RuleKind::Sender => format!("everything from {}", rule.value),
        RuleKind::Domain => format!("everything from @{}", rule.value),
    }
}

/// A subject shortened for a status line.
fn clip(s: &str) -> String {
    format!(
        "“{}”",
        crate::layout::fit(&crate::mail::sanitize::line(s), 40)
    )
}
