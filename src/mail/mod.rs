//! Mail understanding: parsing raw RFC 5322 bytes into a [`ParsedMessage`], sanitizing every
//! string that came from a message, classifying bulk/auto/bounce mail, guessing names and
//! finding order numbers. Everything here is pure (no IO) and must never panic on hostile input.

pub mod attachments;
pub mod auth;
pub mod bounce;
pub mod classify;
pub mod free_mail;
pub mod header;
pub mod names;
pub mod order_mail;
pub mod orders;
pub mod parse;
pub mod sanitize;
pub mod suspicious;

pub use classify::classify_headers;
pub use names::{first_name, person_name, PersonName};
pub use orders::order_numbers;
pub use parse::parse_message;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An attachment as listed to the owner (the bytes stay in the raw message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Sanitized file name ("" when the part has none).
    pub name: String,
    /// MIME type, lower-case, e.g. "application/pdf".
    pub mime: String,
    /// Decoded size in bytes.
    pub size: u64,
}

/// A mailbox address with an optional display name, both already sanitized.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    pub name: Option<String>,
    /// Lower-cased address ("john@example.com").
    pub addr: String,
}

/// Why a message is not from a customer, decided from its headers alone
/// (owner rules by address/domain are applied later, in the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoKind {
    /// Auto-Submitted, X-Autoreply, Precedence: auto_reply, out-of-office …
    AutoReply,
    /// Newsletters and lists: List-Id, List-Unsubscribe, Precedence: bulk/list/junk.
    Bulk,
    /// Delivery failures: multipart/report, MAILER-DAEMON, empty Return-Path.
    Bounce,
    /// A shop platform's order notification ([`order_mail`]); set by the store, which knows
    /// the owner's order rules, never by the header classifier.
    Order,
}

impl AutoKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AutoKind::AutoReply => "auto_reply",
            AutoKind::Bulk => "bulk",
            AutoKind::Bounce => "bounce",
            AutoKind::Order => "order",
        }
    }
    pub fn parse(s: &str) -> Option<AutoKind> {
        match s {
            "auto_reply" => Some(AutoKind::AutoReply),
            "bulk" => Some(AutoKind::Bulk),
            "bounce" => Some(AutoKind::Bounce),
            "order" => Some(AutoKind::Order),
            _ => None,
        }
    }
}

/// The headers the classifier looks at, kept raw-ish (trimmed, sanitized) so that the
/// classification rules stay a pure function of them and can be tested table-driven.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassifyHeaders {
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub list_id: Option<String>,
    pub list_unsubscribe: Option<String>,
    pub x_autoreply: Option<String>,
    pub x_auto_response_suppress: Option<String>,
    /// `Some("")` when the header is present but empty (`Return-Path: <>`): a bounce.
    pub return_path: Option<String>,
    /// Top-level content type, lower-case, e.g. "multipart/report".
    pub content_type: String,
    /// The `report-type` parameter of a top-level `multipart/report` ("delivery-status" for
    /// bounces, "disposition-notification" for read receipts).
    #[serde(default)]
    pub report_type: Option<String>,
}

/// Everything shopinbox keeps from one message. All strings are sanitized.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParsedMessage {
    /// Message-ID without angle brackets, only when well-formed (`local@domain`).
    pub message_id: Option<String>,
    /// First well-formed msg-id of In-Reply-To, without brackets.
    pub in_reply_to: Option<String>,
    /// Well-formed msg-ids of References, oldest first, without brackets.
    pub references: Vec<String>,
    pub from: Option<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub reply_to: Option<Address>,
    /// Decoded, sanitized, single line.
    pub subject: String,
    /// The Date: header.
    pub date: Option<DateTime<Utc>>,
    /// The date of the newest (topmost) Received: header, used by import.
    pub received_header_date: Option<DateTime<Utc>>,
    /// Readable text: text/plain preferred, else HTML turned into text. Newlines kept.
    pub body: String,
    pub attachments: Vec<Attachment>,
    pub headers: ClassifyHeaders,
    /// Header-based classification (see [`classify::classify_headers`]).
    pub auto_kind: Option<AutoKind>,
    /// Size of the raw message in bytes.
    pub size: u64,
    /// Problems met while parsing ("bad base64 in part 2"); the message is still stored.
    pub problems: Vec<String>,
}
