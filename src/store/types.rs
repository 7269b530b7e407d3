//! The store's public data types (see spec/STORE_API.md). Rows are plain data; the TUI, CLI and
//! review code format them.

use crate::clock::Clock;
use crate::deadline::Calendar;
use crate::mail::order_mail::OrderRules;
use crate::mail::suspicious::ShopIdentity;
use crate::mail::{Address, Attachment, AutoKind, ParsedMessage};
use chrono::{DateTime, Utc};
use serde::Serialize;

pub type MessageKey = i64;
pub type ConversationId = i64;

/// Mailbox name used for mail imported from files (`shopinbox import`).
pub const MAILBOX_IMPORT: &str = "import";
/// Mailbox name used for the embedded demo mail.
pub const MAILBOX_DEMO: &str = "demo";
/// Mailbox name for mail shopinbox sent itself, until the server's Sent copy is seen.
pub const MAILBOX_LOCAL: &str = "local";

/// Where a message lives. Imported/demo mail uses uidvalidity 0 and uid 0 and is
/// de-duplicated by a hash of its raw bytes instead of by uid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    pub mailbox: String,
    pub uidvalidity: u32,
    pub uid: u32,
}

impl Location {
    pub fn new(mailbox: impl Into<String>, uidvalidity: u32, uid: u32) -> Location {
        Location {
            mailbox: mailbox.into(),
            uidvalidity,
            uid,
        }
    }
    /// A location without a server uid (import, demo, local): deduplicated by content.
    pub fn local(mailbox: impl Into<String>) -> Location {
        Location::new(mailbox, 0, 0)
    }
}

/// One message handed to [`super::Store::ingest`].
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub location: Location,
    pub raw: Vec<u8>,
    pub parsed: ParsedMessage,
    /// The server's INTERNALDATE (import: newest Received:, else Date:).
    pub received_at: DateTime<Utc>,
    pub flags: Vec<String>,
}

/// Who the shop is, its calendar and its clock: needed to tell shop from customer, to cache
/// due_at and to stamp what the store records (the clock is the one tests fix).
#[derive(Debug, Clone, PartialEq)]
pub struct ShopContext {
    /// The shop's own addresses, lower-case.
    pub addresses: Vec<String>,
    pub calendar: Calendar,
    pub clock: Clock,
    /// What the store looks for in new mail: order notifications, impersonation.
    pub proactive: Proactive,
}

/// The shop-specific input of the checks run on new mail (see [`crate::mail::order_mail`]
/// and [`crate::mail::suspicious`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proactive {
    /// The shop's name and addresses, to spot a display name that borrows them.
    pub shop: ShopIdentity,
    /// Built-in and the owner's order notification rules, and the duplicate window.
    pub orders: OrderRules,
}

impl ShopContext {
    /// Is `addr` one of the shop's own addresses? (case-insensitive)
    pub fn is_shop(&self, addr: &str) -> bool {
        let addr = addr.trim();
        self.addresses
            .iter()
            .any(|a| a.trim().eq_ignore_ascii_case(addr))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InsertOutcome {
    Inserted(MessageKey),
    /// The location (or, for uid-less mail, the same bytes) was already stored.
    Duplicate(MessageKey),
}

impl InsertOutcome {
    pub fn key(self) -> MessageKey {
        match self {
            InsertOutcome::Inserted(k) | InsertOutcome::Duplicate(k) => k,
        }
    }
    pub fn is_inserted(self) -> bool {
        matches!(self, InsertOutcome::Inserted(_))
    }
}

/// Per-folder sync bookkeeping (RFC 4549): what the next sync can skip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxState {
    pub mailbox: String,
    pub uidvalidity: u32,
    pub highest_uid: u32,
    pub highestmodseq: Option<u64>,
    pub last_sync: Option<DateTime<Utc>>,
}

/// The inbox filters. Needs-reply views sort most urgent first; the others newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum View {
    NeedsReply,
    Overdue,
    DueToday,
    Answered,
    NotCustomer,
    All,
    /// Owed a reply but snoozed until a later time.
    Snoozed,
    /// Customer mail from before the tracking window that was never answered (history, not
    /// owed; DESIGN.md "Tracking window"): for the owner to sweep.
    Older,
}

impl View {
    pub const EVERY: [View; 8] = [
        View::NeedsReply,
        View::Overdue,
        View::DueToday,
        View::Answered,
        View::NotCustomer,
        View::All,
        View::Snoozed,
        View::Older,
    ];
    pub fn label(self) -> &'static str {
        match self {
            View::NeedsReply => "Needs reply",
            View::Overdue => "Overdue",
            View::DueToday => "Due today",
            View::Answered => "Answered",
            View::NotCustomer => "Not customers",
            View::All => "All",
            View::Snoozed => "Snoozed",
            View::Older => "Older, never answered",
        }
    }
}

/// Which owner rule matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RuleKind {
    /// value: a Message-ID (without angle brackets)
    Message,
    /// value: a sender address
    Sender,
    /// value: a domain; also matches its subdomains
    Domain,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Message => "message",
            RuleKind::Sender => "sender",
            RuleKind::Domain => "domain",
        }
    }
    pub fn parse(s: &str) -> Option<RuleKind> {
        match s {
            "message" => Some(RuleKind::Message),
            "sender" => Some(RuleKind::Sender),
            "domain" => Some(RuleKind::Domain),
            _ => None,
        }
    }
}

/// Why a conversation is kept out of the deadline views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NotCustomer {
    Auto(AutoKind),
    Rule(RuleKind),
}

impl NotCustomer {
    /// Stable text for the `conversations.not_customer` column.
    pub fn as_str(self) -> &'static str {
        match self {
            NotCustomer::Auto(k) => k.as_str(),
            NotCustomer::Rule(RuleKind::Message) => "rule_message",
            NotCustomer::Rule(RuleKind::Sender) => "rule_sender",
            NotCustomer::Rule(RuleKind::Domain) => "rule_domain",
        }
    }
    pub fn parse(s: &str) -> Option<NotCustomer> {
        match s {
            "rule_message" => Some(NotCustomer::Rule(RuleKind::Message)),
            "rule_sender" => Some(NotCustomer::Rule(RuleKind::Sender)),
            "rule_domain" => Some(NotCustomer::Rule(RuleKind::Domain)),
            other => AutoKind::parse(other).map(NotCustomer::Auto),
        }
    }
    /// Short words for a badge or a status line.
    pub fn label(self) -> &'static str {
        match self {
            NotCustomer::Auto(AutoKind::AutoReply) => "auto-reply",
            NotCustomer::Auto(AutoKind::Bulk) => "newsletter/list",
            NotCustomer::Auto(AutoKind::Bounce) => "bounce",
            NotCustomer::Auto(AutoKind::Order) => "order notification",
            NotCustomer::Rule(RuleKind::Message) => "marked not a customer",
            NotCustomer::Rule(RuleKind::Sender) => "sender marked not a customer",
            NotCustomer::Rule(RuleKind::Domain) => "domain marked not a customer",
        }
    }
}

/// One conversation with its cached state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationRow {
    pub id: ConversationId,
    pub subject: String,
    pub customer_name: Option<String>,
    pub customer_addr: String,
    pub message_count: u32,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    /// Oldest customer message not yet answered.
    pub pending_since: Option<DateTime<Utc>>,
    /// Effective: deadline of `pending_since`, or a promised follow-up on the day asked about
    /// or earlier (the earlier of the two; a promise is owed from the start of its day).
    pub due_at: Option<DateTime<Utc>>,
    pub last_shop_at: Option<DateTime<Utc>>,
    pub not_customer: Option<NotCustomer>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub follow_up_at: Option<DateTime<Utc>>,
    pub manual_answered_at: Option<DateTime<Utc>>,
    /// Newest message, for previews and replies.
    pub latest_message: MessageKey,
    /// Warnings: suspicious sender, bounced reply, possible duplicate order, warning note.
    pub flags: Vec<Flag>,
    /// The customer message this conversation waited on was deleted or moved out of the
    /// synced folders on the server (since when it was waiting). Not in Needs reply, never
    /// "answered": its own state, "removed on the server".
    pub removed_since: Option<DateTime<Utc>>,
    /// The owner keeps ordinary notes about this customer (warning notes are flags instead):
    /// a calm badge in the list, the notes above the thread and beside the reply preview.
    pub has_notes: bool,
    /// A customer message from before the tracking window was never answered (since when it
    /// waits): history, not owed, listed under "Older, never answered".
    pub older_since: Option<DateTime<Utc>>,
    /// The customer's newest message (not the shop's, not an auto-reply): what the Received
    /// column shows. `None` when the customer never wrote (the shop wrote first).
    pub last_customer_at: Option<DateTime<Utc>>,
}

/// What a warning is about. Flags never hide anything (DESIGN.md "Flags that warn").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// The sender may not be who they say (see [`crate::mail::suspicious`]).
    Suspicious,
    /// A reply of the shop's bounced; the conversation needs a reply again.
    Bounced,
    /// Two matching orders from one customer.
    DuplicateOrder,
    /// The owner marked a note about this customer as a warning.
    Warning,
}

impl FlagKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::Suspicious => "suspicious",
            FlagKind::Bounced => "bounced",
            FlagKind::DuplicateOrder => "duplicate_order",
            FlagKind::Warning => "warning",
        }
    }
    pub fn parse(s: &str) -> Option<FlagKind> {
        match s {
            "suspicious" => Some(FlagKind::Suspicious),
            "bounced" => Some(FlagKind::Bounced),
            "duplicate_order" => Some(FlagKind::DuplicateOrder),
            "warning" => Some(FlagKind::Warning),
            _ => None,
        }
    }
    /// The badge: a few capital letters that stand out in a list.
    pub fn badge(self) -> &'static str {
        match self {
            FlagKind::Suspicious => "SUSPICIOUS",
            FlagKind::Bounced => "BOUNCED",
            FlagKind::DuplicateOrder => "DUPLICATE?",
            FlagKind::Warning => "WARNING",
        }
    }
}

/// One warning on a conversation, with its one-line reason (sanitized).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub reason: String,
}

/// An order from a platform's notification, for the customer's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderRow {
    pub id: i64,
    pub platform: String,
    pub number: String,
    pub placed_at: DateTime<Utc>,
    pub customer_name: Option<String>,
    pub customer_addr: Option<String>,
    pub address: Option<String>,
    pub items: Vec<String>,
    pub total: Option<String>,
    /// The conversation the notification is in.
    pub conversation_id: Option<ConversationId>,
}

impl ConversationRow {
    /// The time the Received column shows: the customer's last message, else the newest.
    pub fn received_at(&self) -> DateTime<Utc> {
        self.last_customer_at.unwrap_or(self.last_at)
    }

    /// When it is due next: the customer's deadline or the promised follow-up (also one on a
    /// later day), whichever is earlier. A snooze ending after it needs a yes (issue 21).
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        [self.due_at, self.follow_up_at].into_iter().flatten().min()
    }

    /// Does it need a reply at `now` (pending or a due follow-up, not snoozed, a customer)?
    pub fn needs_reply(&self, now: DateTime<Utc>) -> bool {
        self.not_customer.is_none()
            && self.due_at.is_some()
            && self.snoozed_until.is_none_or(|s| s <= now)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageRow {
    pub id: MessageKey,
    pub conversation_id: ConversationId,
    pub location: Location,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub from: Option<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub reply_to: Option<Address>,
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub body: String,
    pub attachments: Vec<Attachment>,
    pub flags: Vec<String>,
    pub size: u64,
    pub is_shop: bool,
    pub auto_kind: Option<AutoKind>,
    pub problems: Vec<String>,
    /// When the sync found it deleted or moved out of the synced folders on the server; the
    /// message is kept as history.
    pub removed_at: Option<DateTime<Utc>>,
}

impl MessageRow {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: i64,
    pub kind: RuleKind,
    pub value: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: i64,
    pub customer_addr: String,
    pub text: String,
    /// A warning ("possible fraud, card declined twice"): a red badge on every conversation.
    pub warning: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub conversation_id: ConversationId,
    pub message: MessageKey,
    pub subject: String,
    pub from: Option<Address>,
    /// A few words around the match, no markup.
    pub snippet: String,
    pub received_at: DateTime<Utc>,
}

impl CustomerInfo {
    /// The first name replies greet this customer with (see [`super::Store::greeting_name`]).
    pub fn greeting_name(&self) -> Option<String> {
        crate::mail::names::greeting_name(
            self.first_name_override.clone(),
            self.name.as_deref(),
            &self.addr,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerInfo {
    pub addr: String,
    pub name: Option<String>,
    pub first_name_override: Option<String>,
    pub first_contact: Option<DateTime<Utc>>,
    /// Newest first.
    pub conversations: Vec<ConversationRow>,
    /// Order numbers found in the customer's own messages, in order of first mention.
    pub orders_mentioned: Vec<String>,
    /// Orders from the shop platform's notifications, newest first.
    pub orders: Vec<OrderRow>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ViewCounts {
    pub needs_reply: u64,
    pub overdue: u64,
    pub due_today: u64,
    pub answered: u64,
    pub not_customer: u64,
    pub all: u64,
    /// Owed a reply but snoozed (not in Needs reply until the snooze ends).
    pub snoozed: u64,
    /// Older, never answered: history from before the tracking window.
    pub older: u64,
}

impl ViewCounts {
    pub fn get(&self, view: View) -> u64 {
        match view {
            View::NeedsReply => self.needs_reply,
            View::Overdue => self.overdue,
            View::DueToday => self.due_today,
            View::Answered => self.answered,
            View::NotCustomer => self.not_customer,
            View::All => self.all,
            View::Snoozed => self.snoozed,
            View::Older => self.older,
        }
    }
}
