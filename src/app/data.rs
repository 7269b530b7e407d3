//! What the app needs from the store, as a trait. The real implementation is
//! [`crate::store::Store`]; tests and benchmarks can drive the app headless with a small
//! in-memory fixture. Every call here is local (SQLite), never network IO.

use crate::deadline::Calendar;
use crate::store::{
    ConversationId, ConversationRow, CustomerInfo, MessageKey, MessageRow, RuleKind, SearchHit,
    Store, StoreError, View, ViewCounts,
};
use chrono::{DateTime, Utc};

/// A failed store call, with the store's own "cannot …" message as the source.
#[derive(Debug, thiserror::Error)]
#[error("cannot {what}")]
pub struct DataError {
    pub what: &'static str,
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl DataError {
    pub fn new(
        what: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> DataError {
        DataError {
            what,
            source: source.into(),
        }
    }

    /// One sentence for the status bar: what failed and why.
    pub fn sentence(&self) -> String {
        format!("Cannot {}: {}", self.what, self.source)
    }
}

pub type DataResult<T> = Result<T, DataError>;

/// Store operations the inbox uses. Mirrors the store contract so the real store is a thin
/// forwarding impl.
pub trait InboxData {
    fn calendar(&self) -> &Calendar;
    fn counts(&self, now: DateTime<Utc>) -> DataResult<ViewCounts>;
    fn list(
        &self,
        view: View,
        now: DateTime<Utc>,
        offset: u64,
        limit: u64,
    ) -> DataResult<Vec<ConversationRow>>;
    fn conversation(&self, id: ConversationId) -> DataResult<Option<ConversationRow>>;
    fn conversation_messages(&self, id: ConversationId) -> DataResult<Vec<MessageRow>>;
    fn message(&self, key: MessageKey) -> DataResult<Option<MessageRow>>;
    fn raw(&self, key: MessageKey) -> DataResult<Option<Vec<u8>>>;
    fn search(&self, query: &str, limit: u32) -> DataResult<Vec<SearchHit>>;
    fn customer(&self, addr: &str) -> DataResult<CustomerInfo>;
    /// A customer's notes, oldest first (the whole customer record is more than the
    /// conversation and reply screens need).
    fn notes(&self, addr: &str) -> DataResult<Vec<crate::store::Note>> {
        self.customer(addr).map(|c| c.notes)
    }
    /// Remember the first name replies greet this customer with (`None`: guess again).
    fn set_first_name(&mut self, addr: &str, first_name: Option<&str>) -> DataResult<()>;
    fn add_rule(&mut self, kind: RuleKind, value: &str) -> DataResult<i64>;
    fn remove_rule(&mut self, id: i64) -> DataResult<()>;
    /// Every not-a-customer rule, oldest first.
    fn rules(&self) -> DataResult<Vec<crate::store::Rule>> {
        Ok(Vec::new())
    }
    fn mark_answered(&mut self, id: ConversationId, at: Option<DateTime<Utc>>) -> DataResult<()>;
    fn snooze(&mut self, id: ConversationId, until: Option<DateTime<Utc>>) -> DataResult<()>;
    /// Several marks at once (a bulk action). The store applies them in one transaction;
    /// this default (for in-memory fixtures) applies them one by one.
    fn set_marks(
        &mut self,
        changes: &[(ConversationId, crate::store::MarkChange)],
    ) -> DataResult<()> {
        for (id, change) in changes {
            match change {
                crate::store::MarkChange::Answered(at) => self.mark_answered(*id, *at)?,
                crate::store::MarkChange::Snooze(at) => self.snooze(*id, *at)?,
            }
        }
        Ok(())
    }
    fn add_note(&mut self, addr: &str, text: &str) -> DataResult<i64>;
    fn update_note(&mut self, id: i64, text: &str) -> DataResult<()>;
    fn delete_note(&mut self, id: i64) -> DataResult<()>;
    /// Add a note, possibly a warning ("possible fraud"). Stores without warnings refuse one.
    fn add_note_with(&mut self, addr: &str, text: &str, warning: bool) -> DataResult<i64> {
        if warning {
            return Err(DataError::new("save a warning note", "not supported here"));
        }
        self.add_note(addr, text)
    }
    /// Mark a note as a warning or an ordinary note.
    fn set_note_warning(&mut self, id: i64, warning: bool) -> DataResult<()> {
        let _ = id;
        if warning {
            return Err(DataError::new(
                "mark the note as a warning",
                "not supported here",
            ));
        }
        Ok(())
    }
    /// "Not a duplicate" on a possible duplicate order.
    fn dismiss_duplicate(&mut self, id: ConversationId) -> DataResult<()> {
        let _ = id;
        Err(DataError::new(
            "dismiss the duplicate order",
            "not supported here",
        ))
    }
    /// Undo [`InboxData::dismiss_duplicate`].
    fn restore_duplicate(&mut self, id: ConversationId) -> DataResult<()> {
        let _ = id;
        Err(DataError::new(
            "restore the duplicate order",
            "not supported here",
        ))
    }
    /// "This sender is fine": trust the sender of the conversation's suspicious mail; returns
    /// the address (for the status line and undo).
    fn trust_suspicious_sender(&mut self, id: ConversationId) -> DataResult<String> {
        let _ = id;
        Err(DataError::new(
            "mark the sender as fine",
            "not supported here",
        ))
    }
    /// Undo [`InboxData::trust_suspicious_sender`].
    fn untrust_sender(&mut self, addr: &str) -> DataResult<()> {
        let _ = addr;
        Err(DataError::new(
            "take back that the sender is fine",
            "not supported here",
        ))
    }
    /// Pull an "Older, never answered" conversation into Needs reply, owed from `at`
    /// (`None`: back into history).
    fn pull_into_needs_reply(
        &mut self,
        id: ConversationId,
        at: Option<DateTime<Utc>>,
    ) -> DataResult<()> {
        let _ = (id, at);
        Err(DataError::new(
            "pull the conversation into Needs reply",
            "not supported here",
        ))
    }
    /// Whether the tracking window is in the store, so an empty Needs reply means something.
    /// Fixtures without a sync have everything they will ever have.
    fn window_synced(&self) -> DataResult<bool> {
        Ok(true)
    }
    /// Replies waiting in the outbox (queued, failed or uncertain).
    fn outbox_pending(&self) -> DataResult<u64>;
    /// When any folder last finished syncing.
    fn last_sync(&self) -> DataResult<Option<DateTime<Utc>>>;
    /// The owner opened the conversation: mark its customer messages read, locally and
    /// (through durable write-back jobs the sync worker runs) on the server. Returns how
    /// many jobs were queued. Fixtures without a server have nothing to mark.
    fn mark_read(&mut self, _id: ConversationId) -> DataResult<usize> {
        Ok(0)
    }
    /// "I am replying" to the other copies (issue 26); `release` when done. Fixtures share
    /// nothing.
    fn claim(&mut self, _id: ConversationId, _release: bool) -> DataResult<()> {
        Ok(())
    }
    /// A reply went out from here: the claim ends, the others' history names who replied.
    fn replied(&mut self, _id: ConversationId) -> DataResult<()> {
        Ok(())
    }
    /// The conversations other copies are replying to now ("Anna is replying").
    fn replying_elsewhere(&self) -> DataResult<Vec<(ConversationId, crate::store::Claim)>> {
        Ok(Vec::new())
    }
    /// The real store, for flows that need more than this trait: the reply flow (templates
    /// are rendered from the customer record, the outbox is a store table) and the
    /// statistics. In-memory fixtures return `None` and those screens explain why they are off.
    fn store(&self) -> Option<&Store> {
        None
    }
    /// The real store for a write that needs its own transaction (a new campaign's draft).
    fn store_mut(&mut self) -> Option<&mut Store> {
        None
    }
}

fn wrap<T>(what: &'static str, r: Result<T, StoreError>) -> DataResult<T> {
    r.map_err(|e| DataError::new(what, e))
}

impl InboxData for Store {
    fn store(&self) -> Option<&Store> {
        Some(self)
    }
    fn store_mut(&mut self) -> Option<&mut Store> {
        Some(self)
    }
    fn calendar(&self) -> &Calendar {
        &self.context().calendar
    }
    fn counts(&self, now: DateTime<Utc>) -> DataResult<ViewCounts> {
        wrap("count the conversations", Store::counts(self, now))
    }
    fn list(
        &self,
        view: View,
        now: DateTime<Utc>,
        offset: u64,
        limit: u64,
    ) -> DataResult<Vec<ConversationRow>> {
        wrap(
            "list the conversations",
            Store::list(self, view, now, offset, limit),
        )
    }
    fn conversation(&self, id: ConversationId) -> DataResult<Option<ConversationRow>> {
        wrap("read the conversation", Store::conversation(self, id))
    }
    fn conversation_messages(&self, id: ConversationId) -> DataResult<Vec<MessageRow>> {
        wrap(
            "read the conversation's messages",
            Store::conversation_messages(self, id),
        )
    }
    fn message(&self, key: MessageKey) -> DataResult<Option<MessageRow>> {
        wrap("read the message", Store::message(self, key))
    }
    fn raw(&self, key: MessageKey) -> DataResult<Option<Vec<u8>>> {
        wrap("read the raw message", Store::raw(self, key))
    }
    fn search(&self, query: &str, limit: u32) -> DataResult<Vec<SearchHit>> {
        wrap("search", Store::search(self, query, limit))
    }
    fn customer(&self, addr: &str) -> DataResult<CustomerInfo> {
        wrap("read the customer", Store::customer(self, addr))
    }
    fn notes(&self, addr: &str) -> DataResult<Vec<crate::store::Note>> {
        wrap("read the notes", Store::notes(self, addr))
    }
    fn set_first_name(&mut self, addr: &str, first_name: Option<&str>) -> DataResult<()> {
        wrap(
            "save the first name",
            Store::set_first_name(self, addr, first_name),
        )
    }
    fn add_rule(&mut self, kind: RuleKind, value: &str) -> DataResult<i64> {
        wrap(
            "save the not-a-customer rule",
            Store::add_rule(self, kind, value),
        )
    }
    fn remove_rule(&mut self, id: i64) -> DataResult<()> {
        wrap(
            "remove the not-a-customer rule",
            Store::remove_rule(self, id),
        )
    }
    fn rules(&self) -> DataResult<Vec<crate::store::Rule>> {
        wrap("read the not-a-customer rules", Store::rules(self))
    }
    fn mark_answered(&mut self, id: ConversationId, at: Option<DateTime<Utc>>) -> DataResult<()> {
        wrap(
            "mark the conversation answered",
            Store::mark_answered(self, id, at),
        )
    }
    fn snooze(&mut self, id: ConversationId, until: Option<DateTime<Utc>>) -> DataResult<()> {
        wrap("snooze the conversation", Store::snooze(self, id, until))
    }
    fn set_marks(
        &mut self,
        changes: &[(ConversationId, crate::store::MarkChange)],
    ) -> DataResult<()> {
        wrap("mark the conversations", Store::set_marks(self, changes))
    }
    fn add_note(&mut self, addr: &str, text: &str) -> DataResult<i64> {
        wrap("save the note", Store::add_note(self, addr, text))
    }
    fn update_note(&mut self, id: i64, text: &str) -> DataResult<()> {
        wrap("save the note", Store::update_note(self, id, text))
    }
    fn delete_note(&mut self, id: i64) -> DataResult<()> {
        wrap("delete the note", Store::delete_note(self, id))
    }
    fn add_note_with(&mut self, addr: &str, text: &str, warning: bool) -> DataResult<i64> {
        wrap(
            "save the note",
            Store::add_note_with(self, addr, text, warning),
        )
    }
    fn set_note_warning(&mut self, id: i64, warning: bool) -> DataResult<()> {
        wrap("save the note", Store::set_note_warning(self, id, warning))
    }
    fn dismiss_duplicate(&mut self, id: ConversationId) -> DataResult<()> {
        match Store::dismiss_duplicate(self, id) {
            Ok(true) => Ok(()),
            Ok(false) => Err(DataError::new(
                "dismiss the duplicate order",
                "it was already dismissed",
            )),
            Err(e) => Err(DataError::new("dismiss the duplicate order", e)),
        }
    }
    fn restore_duplicate(&mut self, id: ConversationId) -> DataResult<()> {
        wrap(
            "restore the duplicate order",
            Store::restore_duplicate(self, id).map(|_| ()),
        )
    }
    fn trust_suspicious_sender(&mut self, id: ConversationId) -> DataResult<String> {
        const WHAT: &str = "mark the sender as fine";
        let addr = Store::suspicious_sender(self, id)
            .map_err(|e| DataError::new(WHAT, e))?
            .ok_or_else(|| DataError::new(WHAT, "no mail in this conversation is flagged"))?;
        Store::trust_sender(self, &addr).map_err(|e| DataError::new(WHAT, e))?;
        Ok(addr)
    }
    fn untrust_sender(&mut self, addr: &str) -> DataResult<()> {
        wrap(
            "take back that the sender is fine",
            Store::untrust_sender(self, addr).map(|_| ()),
        )
    }
    fn pull_into_needs_reply(
        &mut self,
        id: ConversationId,
        at: Option<DateTime<Utc>>,
    ) -> DataResult<()> {
        wrap(
            "pull the conversation into Needs reply",
            Store::pull_into_needs_reply(self, id, at),
        )
    }
    fn window_synced(&self) -> DataResult<bool> {
        wrap("read the sync state", Store::window_synced(self))
    }
    fn outbox_pending(&self) -> DataResult<u64> {
        crate::send::outbox::pending_counts(self.connection())
            .map(|c| c.queued + c.failed + c.uncertain)
            .map_err(|e| DataError::new("count the outbox", e))
    }
    fn last_sync(&self) -> DataResult<Option<DateTime<Utc>>> {
        wrap("read the sync state", Store::last_sync(self))
    }
    fn mark_read(&mut self, id: ConversationId) -> DataResult<usize> {
        wrap(
            "mark the conversation read",
            Store::mark_conversation_read(self, id),
        )
    }
    fn claim(&mut self, id: ConversationId, release: bool) -> DataResult<()> {
        wrap("claim the conversation", Store::claim(self, id, release))
    }
    fn replied(&mut self, id: ConversationId) -> DataResult<()> {
        wrap("record the reply", Store::replied(self, id))
    }
    fn replying_elsewhere(&self) -> DataResult<Vec<(ConversationId, crate::store::Claim)>> {
        wrap(
            "read who is replying elsewhere",
            Store::claims_by_others(self),
        )
    }
}
