//! What the app shows: the inbox page in memory, the screens stacked above it, the overlays
//! that take the keyboard, the undo list and the status line.

use super::{
    attach_file, attachments, campaign_form, outbox, outreach, rules, ConfirmReply, LineEditor,
    StatsScreen, TemplatePicker,
};
use crate::store::{
    ConversationId, ConversationRow, CustomerInfo, MessageRow, RuleKind, SearchHit,
};
use chrono::{DateTime, Utc};

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
