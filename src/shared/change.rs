//! The change-set format of the shared state folder (version 1), documented for other tools in
//! docs/shared-state.md. Pure data and its (de)serialization; no IO.
//!
//! One message in the state folder holds one [`ChangeSet`] as its JSON body. Every [`Change`]
//! names one item ([`ItemKey`]): marks are keyed by Message-ID (of the conversation's first
//! message) or by a customer's address, never by UID, so they mean the same on every copy.

use super::hlc::Hlc;
use serde::{Deserialize, Serialize};

/// The `format` field of every change set; a reader ignores sets of another format.
pub const FORMAT: &str = "shopinbox-state";
/// The version this code writes and the highest it reads. A reader skips (and reports) sets of a
/// higher version instead of misreading them.
pub const VERSION: u32 = 1;
/// The header naming the format version on every state message (`X-Shopinbox-State: 1`).
pub const HEADER: &str = "X-Shopinbox-State";
/// The Subject of every state message, so that a person who finds the folder knows what it is.
pub const SUBJECT: &str = "shopinbox shared state (do not edit)";
/// The right-hand side of every state message's Message-ID (`<set id@shopinbox-state>`).
pub const MSGID_DOMAIN: &str = "shopinbox-state";

/// What a change is about. Conversation marks name the conversation by the Message-ID of its
/// first message (`thread`, without angle brackets); customer data by the customer's address
/// (lower case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemKey {
    /// A not-a-customer rule: `rule` is `message`, `sender` or `domain`.
    Rule {
        rule: String,
        value: String,
    },
    Snooze {
        thread: String,
    },
    /// Answered outside the mailbox (by phone, in person).
    Answered {
        thread: String,
    },
    /// A promised follow-up.
    FollowUp {
        thread: String,
    },
    /// An older conversation pulled into Needs reply.
    Pulled {
        thread: String,
    },
    /// "Not a duplicate" on a possible duplicate order.
    DuplicateDismissed {
        thread: String,
    },
    /// The first name replies greet the customer with.
    FirstName {
        addr: String,
    },
    /// One note on a customer; `note` is its id, made once by the copy that wrote it.
    Note {
        addr: String,
        note: String,
    },
    /// "Someone is replying": a claim that expires by itself.
    Claim {
        thread: String,
    },
}

impl ItemKey {
    /// The key as stored in SQLite: its compact JSON, which is the same text on every copy
    /// (fields in declaration order).
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(s: &str) -> Option<ItemKey> {
        serde_json::from_str(s).ok()
    }

    /// The conversation this item is about, if it is a conversation mark.
    pub fn thread(&self) -> Option<&str> {
        match self {
            ItemKey::Snooze { thread }
            | ItemKey::Answered { thread }
            | ItemKey::FollowUp { thread }
            | ItemKey::Pulled { thread }
            | ItemKey::DuplicateDismissed { thread }
            | ItemKey::Claim { thread } => Some(thread),
            _ => None,
        }
    }
}

/// An item's value after a change. `Clear` is the value of an undone mark, a removed rule, a
/// deleted note: it is a value like the others (a tombstone), so that undo is a new change that
/// wins by the same rule as any other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Value {
    Clear,
    /// A rule that is in force.
    On,
    /// A time (unix seconds): snoozed until, answered at, pulled at, dismissed at.
    At {
        at: i64,
    },
    /// A follow-up due `at`, promised at `made`.
    FollowUp {
        at: i64,
        made: i64,
    },
    Text {
        text: String,
    },
    /// A note. `base`: the timestamp of the version this one edited (none for a new note), so
    /// that two concurrent edits are recognised and neither text is lost.
    Note {
        text: String,
        warning: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<String>,
    },
    /// A deleted note; `base` as in [`Value::Note`].
    NoteDeleted {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<String>,
    },
    /// "`by` is replying since `since`", void after `until` (unix seconds).
    Claim {
        since: i64,
        until: i64,
    },
}

impl Value {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(s: &str) -> Option<Value> {
        serde_json::from_str(s).ok()
    }

    /// For notes: the version this one was written over.
    pub fn base(&self) -> Option<&str> {
        match self {
            Value::Note { base, .. } | Value::NoteDeleted { base } => base.as_deref(),
            _ => None,
        }
    }
}

/// One change to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// When, on the hybrid logical clock; also the change's identity (it names the installation).
    pub hlc: String,
    /// The installation's name, for people ("Anna's laptop").
    pub by: String,
    /// The wall-clock time of the change (unix seconds), for people and statistics.
    pub at: i64,
    pub item: ItemKey,
    pub value: Value,
}

impl Change {
    pub fn hlc(&self) -> Option<Hlc> {
        Hlc::decode(&self.hlc)
    }
}

/// What a change set is: the changes one copy made (`changes`), or a compaction of every
/// set up to a point (`snapshot`: for each item only its winning change, notes' concurrent
/// versions included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetKind {
    Changes,
    Snapshot,
}

/// The JSON body of one state message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    pub format: String,
    pub version: u32,
    /// Unique and stable: made before the upload and kept with the local changes it carries,
    /// so that a copy killed between APPEND and recording it finds its own set again instead
    /// of appending it twice. Also the message's Message-ID (`<id@shopinbox-state>`).
    pub id: String,
    pub kind: SetKind,
    /// The installation id and name of the copy that wrote it.
    pub node: String,
    pub by: String,
    pub changes: Vec<Change>,
}

/// Why a state message was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotJson(String),
    OtherFormat,
    /// Written by a newer shopinbox; the copy should be updated.
    TooNew(u32),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotJson(e) => write!(f, "a state message is not a change set ({e})"),
            ReadError::OtherFormat => f.write_str("a state message is of another format"),
            ReadError::TooNew(v) => write!(
                f,
                "a state message has format version {v}, newer than this shopinbox reads ({VERSION}); update shopinbox"
            ),
        }
    }
}

impl ChangeSet {
    pub fn new(id: String, kind: SetKind, node: &str, by: &str, changes: Vec<Change>) -> Self {
        ChangeSet {
            format: FORMAT.to_string(),
            version: VERSION,
            id,
            kind,
            node: node.to_string(),
            by: by.to_string(),
            changes,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Read a change set from a message body (the JSON, possibly with CRLF line ends).
    pub fn from_json(body: &str) -> Result<ChangeSet, ReadError> {
        // Version first, so that a newer format with fields this one does not know is named
        // as newer rather than as broken.
        let head: serde_json::Value =
            serde_json::from_str(body.trim()).map_err(|e| ReadError::NotJson(e.to_string()))?;
        if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(ReadError::OtherFormat);
        }
        let version = head.get("version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if version > VERSION {
            return Err(ReadError::TooNew(version));
        }
        serde_json::from_value(head).map_err(|e| ReadError::NotJson(e.to_string()))
    }

    /// The Message-ID of the state message carrying this set (without angle brackets).
    pub fn message_id(&self) -> String {
        message_id_for(&self.id)
    }

    /// The whole RFC 5322 message to APPEND: fixed headers, the set as a JSON body. `date` is
    /// an RFC 2822 date from the project's clock.
    pub fn to_message(&self, date: &str) -> Vec<u8> {
        let body = self.to_json().replace('\n', "\r\n");
        format!(
            "From: shopinbox <shopinbox@{MSGID_DOMAIN}.invalid>\r\n\
             Date: {date}\r\n\
             Subject: {SUBJECT}\r\n\
             Message-ID: <{}>\r\n\
             {HEADER}: {VERSION}\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: application/json; charset=utf-8\r\n\
             Content-Transfer-Encoding: 8bit\r\n\
             \r\n\
             {body}\r\n",
            self.message_id()
        )
        .into_bytes()
    }

    /// Read the change set from a whole state message (headers and JSON body).
    pub fn from_message(raw: &[u8]) -> Result<ChangeSet, ReadError> {
        let text = String::from_utf8_lossy(raw);
        let body = match text.find("\r\n\r\n") {
            Some(i) => &text[i + 4..],
            None => match text.find("\n\n") {
                Some(i) => &text[i + 2..],
                None => "",
            },
        };
        ChangeSet::from_json(body)
    }
}

pub fn message_id_for(set_id: &str) -> String {
    format!("{set_id}@{MSGID_DOMAIN}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(item: ItemKey, value: Value) -> Change {
        Change {
            hlc: "0001765100000000-00000-node1".into(),
            by: "Anna".into(),
            at: 1_765_100_000,
            item,
            value,
        }
    }

    #[test]
    fn every_kind_round_trips_through_a_message() {
        let t = || "q1@example.net".to_string();
        let cases = vec![
            change(
                ItemKey::Rule {
                    rule: "domain".into(),
                    value: "seo.io".into(),
                },
                Value::On,
            ),
            change(ItemKey::Snooze { thread: t() }, Value::At { at: 5 }),
            change(ItemKey::Answered { thread: t() }, Value::Clear),
            change(
                ItemKey::FollowUp { thread: t() },
                Value::FollowUp { at: 9, made: 3 },
            ),
            change(ItemKey::Pulled { thread: t() }, Value::At { at: 5 }),
            change(
                ItemKey::DuplicateDismissed { thread: t() },
                Value::At { at: 5 },
            ),
            change(
                ItemKey::FirstName {
                    addr: "c@example.net".into(),
                },
                Value::Text { text: "Jo".into() },
            ),
            change(
                ItemKey::Note {
                    addr: "c@example.net".into(),
                    note: "n1".into(),
                },
                Value::Note {
                    text: "calls \"back\"\nlater".into(),
                    warning: true,
                    base: Some("x".into()),
                },
            ),
            change(
                ItemKey::Note {
                    addr: "c@example.net".into(),
                    note: "n1".into(),
                },
                Value::NoteDeleted { base: None },
            ),
            change(
                ItemKey::Claim { thread: t() },
                Value::Claim {
                    since: 1,
                    until: 300,
                },
            ),
        ];
        let set = ChangeSet::new(
            "node1-1-10".into(),
            SetKind::Changes,
            "node1",
            "Anna",
            cases,
        );
        let raw = set.to_message("Mon, 7 Dec 2026 04:00:00 +0000");
        let text = String::from_utf8(raw.clone()).unwrap();
        assert!(text.contains("Message-ID: <node1-1-10@shopinbox-state>\r\n"));
        assert!(text.contains("X-Shopinbox-State: 1\r\n"));
        assert_eq!(ChangeSet::from_message(&raw), Ok(set.clone()));
        // Keys and values survive their SQLite text form.
        for c in &set.changes {
            assert_eq!(ItemKey::decode(&c.item.encode()).as_ref(), Some(&c.item));
            assert_eq!(Value::decode(&c.value.encode()).as_ref(), Some(&c.value));
        }
    }

    #[test]
    fn readers_refuse_what_they_cannot_read() {
        let cases = [
            ("not json", "NotJson"),
            (r#"{"format":"other","version":1}"#, "OtherFormat"),
            (
                r#"{"format":"shopinbox-state","version":2,"new":1}"#,
                "TooNew",
            ),
            (r#"{"format":"shopinbox-state","version":1}"#, "NotJson"),
        ];
        for (body, want) in cases {
            let got = ChangeSet::from_json(body).unwrap_err();
            assert!(format!("{got:?}").starts_with(want), "{body}: {got:?}");
        }
    }

    #[test]
    fn the_documented_example_parses() {
        // The example in docs/shared-state.md, verbatim.
        let doc = include_str!("../../docs/shared-state.md");
        let start = doc.find("```json").unwrap() + 7;
        let end = start + doc[start..].find("```").unwrap();
        let set = ChangeSet::from_json(&doc[start..end]).unwrap();
        assert_eq!(set.changes.len(), 3);
    }
}
