//! Pure conversation state: from a conversation's messages and the owner's marks, work out who
//! the customer is, whether and since when a reply is owed, and whether it is a customer at all.
//! The store caches the result in `conversations` columns; see DESIGN.md "Rules of the domain".

use super::types::{NotCustomer, RuleKind};
use crate::mail::classify::address_matches_domain;
use crate::mail::AutoKind;
use std::collections::{HashMap, HashSet};

/// The owner's not-a-customer rules, loaded once per store operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSet {
    pub messages: HashSet<String>,
    pub senders: HashSet<String>,
    pub domains: Vec<String>,
}

impl RuleSet {
    /// Which rule (if any) keeps this message out; message rules win over sender over domain.
    pub fn matches(&self, message_id: Option<&str>, from_addr: Option<&str>) -> Option<RuleKind> {
        if message_id.is_some_and(|m| self.messages.contains(m)) {
            return Some(RuleKind::Message);
        }
        let addr = from_addr?.trim().to_lowercase();
        if self.senders.contains(&addr) {
            return Some(RuleKind::Sender);
        }
        if self
            .domains
            .iter()
            .any(|d| address_matches_domain(&addr, d))
        {
            return Some(RuleKind::Domain);
        }
        None
    }
}

/// Why a single message is kept out of the deadline logic, if it is.
pub fn kept_out(
    auto_kind: Option<AutoKind>,
    message_id: Option<&str>,
    from_addr: Option<&str>,
    rules: &RuleSet,
) -> Option<NotCustomer> {
    if let Some(rule) = rules.matches(message_id, from_addr) {
        return Some(NotCustomer::Rule(rule));
    }
    auto_kind.map(NotCustomer::Auto)
}

/// One stored copy of a message, as the state computation needs it. Times are unix seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMsg {
    pub row_id: i64,
    pub message_id: Option<String>,
    pub from_addr: Option<String>,
    pub from_name: Option<String>,
    pub first_to: Option<String>,
    pub subject: String,
    pub is_shop: bool,
    pub auto_kind: Option<AutoKind>,
    pub received_at: i64,
    pub answered_flag: bool,
    /// A delivery failure report for one of the shop's replies in this conversation: the
    /// reply did not arrive, so a reply is owed again from the report's arrival.
    pub reopens: bool,
    /// For a delivery report: the Message-ID of the shop's message it reports. That reply
    /// never settles its own bounce, whichever of the two was stored first.
    pub bounce_of: Option<String>,
    /// Deleted or moved out of the synced folders on the server; kept as history.
    pub removed: bool,
    /// For mail without a usable Message-ID: its content key (hex), so that copies of it count
    /// once like copies sharing a Message-ID.
    pub content_key: Option<String>,
}

/// The owner's marks on a conversation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub manual_answered_at: Option<i64>,
    pub follow_up_at: Option<i64>,
    /// When the follow-up was promised (the reply that made it went out). `None` for promises
    /// stored before this was recorded: then only an answer at or after the time keeps it.
    pub follow_up_made_at: Option<i64>,
    pub snoozed_until: Option<i64>,
    /// Newest message time when the snooze was set: a customer message after it ends the snooze.
    pub snoozed_after: Option<i64>,
    /// A possible duplicate order the owner has not dismissed, detected at this time (the
    /// second order's): it is owed a reply like a customer message arriving then.
    pub duplicate_at: Option<i64>,
    /// The tracking window's cut-off (see `crate::tracking`): what waits from before it is
    /// history, not owed a reply. `None` before the first sync or import.
    pub history_before: Option<i64>,
    /// The owner pulled this conversation's history into Needs reply at this time: it is owed
    /// a reply from then, like a message arriving at that moment.
    pub pulled_at: Option<i64>,
}

/// The cached state of a conversation (without due_at, which needs the calendar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvState {
    pub message_count: u32,
    pub first_at: i64,
    pub last_at: i64,
    pub latest_message: i64,
    pub subject: String,
    pub customer_addr: String,
    pub customer_name: Option<String>,
    pub pending_since: Option<i64>,
    pub last_shop_at: Option<i64>,
    pub not_customer: Option<NotCustomer>,
    /// The follow-up is settled: the shop answered again after promising it (any client, or a
    /// phone mark), before or after its time. See [`promise_settled`].
    pub follow_up_done: bool,
    /// The customer wrote again after the snooze was set.
    pub snooze_ended: bool,
    /// The conversation would be waiting for a reply, but the customer message(s) it waits on
    /// were removed on the server: since when that message was waiting. It is out of Needs
    /// reply and never counts as answered.
    pub removed_since: Option<i64>,
    /// Nothing is owed inside the tracking window, but a customer message from before it was
    /// never answered: since when it waits ("Older, never answered"). Not late, not owed.
    pub older_since: Option<i64>,
    /// A bounce of one of the shop's messages is still unsettled (the warning shows).
    pub bounce_open: bool,
}

/// One logical message: copies with the same Message-ID (INBOX and an archive folder, Sent and
/// the local copy) count once, arriving when the first copy did, answered if any copy is.
struct Logical<'a> {
    first: &'a StateMsg,
    received_at: i64,
    answered: bool,
    /// Every copy was removed on the server.
    removed: bool,
    kept_out: Option<NotCustomer>,
}

/// The conversation's messages as logical messages (see [`Logical`]), oldest first.
fn logical_messages<'a>(msgs: &'a [StateMsg], rules: &RuleSet) -> Vec<Logical<'a>> {
    let mut logical: Vec<Logical> = Vec::with_capacity(msgs.len());
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_content: HashMap<&str, usize> = HashMap::new();
    let mut sorted: Vec<&StateMsg> = msgs.iter().collect();
    sorted.sort_by_key(|m| m.row_id);
    for m in sorted {
        let known = match (m.message_id.as_deref(), m.content_key.as_deref()) {
            (Some(id), _) => by_id.get(id),
            (None, Some(key)) => by_content.get(key),
            (None, None) => None,
        };
        if let Some(l) = known.and_then(|idx| logical.get_mut(*idx)) {
            l.received_at = l.received_at.min(m.received_at);
            l.answered |= m.answered_flag;
            l.removed &= m.removed;
            continue;
        }
        match (m.message_id.as_deref(), m.content_key.as_deref()) {
            (Some(id), _) => {
                by_id.insert(id, logical.len());
            }
            (None, Some(key)) => {
                by_content.insert(key, logical.len());
            }
            (None, None) => {}
        }
        logical.push(Logical {
            first: m,
            received_at: m.received_at,
            answered: m.answered_flag,
            removed: m.removed,
            kept_out: kept_out(
                m.auto_kind,
                m.message_id.as_deref(),
                m.from_addr.as_deref(),
                rules,
            ),
        });
    }
    logical.sort_by_key(|l| (l.received_at, l.first.row_id));
    logical
}

/// The customer a conversation is with: the first real customer's address (else a customer
/// message's that reopens nothing, else whom the shop wrote to), and the newest name they
/// wrote under.
fn customer(logical: &[Logical<'_>]) -> (String, Option<String>) {
    let is_customer = |l: &&Logical| !l.first.is_shop;
    let is_real_customer = |l: &&Logical| !l.first.is_shop && l.kept_out.is_none();
    let customer_addr = logical
        .iter()
        .find(is_real_customer)
        .or_else(|| logical.iter().find(|l| is_customer(l) && !l.first.reopens))
        .and_then(|l| l.first.from_addr.clone())
        .or_else(|| {
            logical
                .iter()
                .find(|l| l.first.is_shop)
                .and_then(|l| l.first.first_to.clone())
        })
        .unwrap_or_default()
        .to_lowercase();
    let customer_name = logical
        .iter()
        .rev()
        .filter(|l| !l.first.is_shop && l.first.from_addr.as_deref() == Some(&customer_addr))
        .find_map(|l| l.first.from_name.clone().filter(|n| !n.trim().is_empty()));
    (customer_addr, customer_name)
}

/// Work out the conversation's state. `None` when it has no messages left.
pub fn compute(msgs: &[StateMsg], marks: Marks, rules: &RuleSet) -> Option<ConvState> {
    let logical = logical_messages(msgs, rules);
    let first = logical.first()?;
    let latest = logical.last()?;

    let is_customer = |l: &&Logical| !l.first.is_shop;
    let is_real_customer = |l: &&Logical| !l.first.is_shop && l.kept_out.is_none();

    let (customer_addr, customer_name) = customer(&logical);

    // A shop auto-responder ("we got your message") does not answer anything.
    let last_shop_at = logical
        .iter()
        .filter(|l| l.first.is_shop && l.first.auto_kind.is_none())
        .map(|l| l.received_at)
        .max();
    let flagged_at = logical
        .iter()
        .filter(|l| !l.first.is_shop && l.answered)
        .map(|l| l.received_at)
        .max();
    let mark = [last_shop_at, marks.manual_answered_at, flagged_at]
        .into_iter()
        .flatten()
        .max();
    // A customer question, or a report that one of the shop's replies bounced (a reply is owed
    // again), newer than the last answer.
    let waiting = |l: &&Logical| {
        if l.first.reopens && !is_real_customer(l) {
            // A bounce is settled by what the shop did besides the reply it reports: another
            // message, or a mark. The reported reply may be stored in the same second as the
            // report, or after it (the report synced first): it settles nothing.
            let reported = l.first.bounce_of.as_deref();
            let settled_at = logical
                .iter()
                .filter(|s| s.first.is_shop && s.first.auto_kind.is_none())
                .filter(|s| reported.is_none_or(|r| s.first.message_id.as_deref() != Some(r)))
                .map(|s| s.received_at)
                .chain(marks.manual_answered_at)
                .chain(flagged_at)
                .max();
            return settled_at.is_none_or(|m| l.received_at > m);
        }
        is_real_customer(l) && mark.is_none_or(|m| l.received_at > m)
    };
    // Everything owed, tracked or history: (when, history?).
    let owed: Vec<i64> = logical
        .iter()
        .filter(waiting)
        .filter(|l| !l.removed)
        .map(|l| l.received_at)
        .chain(marks.duplicate_at.filter(|t| mark.is_none_or(|m| *t > m)))
        .collect();
    let history = |t: &i64| crate::tracking::is_history(*t, marks.history_before);
    let older = owed.iter().copied().filter(history).min();
    // Pulled out of history by the owner: owed from the pull, unless answered since.
    let pulled = marks
        .pulled_at
        .filter(|p| older.is_some() && mark.is_none_or(|m| *p > m));
    let pending_since = owed
        .iter()
        .copied()
        .filter(|t| !history(t))
        .chain(pulled)
        .min();
    let older_since = match pending_since {
        Some(_) => None,
        None => older,
    };
    // Nothing left to answer, but only because what waited was removed on the server: not
    // answered, its own state.
    let removed_since = match pending_since.or(older_since) {
        Some(_) => None,
        None => logical
            .iter()
            .filter(waiting)
            .filter(|l| l.removed)
            .map(|l| l.received_at)
            .min(),
    };

    let bounce_open = logical
        .iter()
        .any(|l| l.first.reopens && !l.removed && waiting(&l));
    let owed_by_flag = marks.duplicate_at.is_some() || logical.iter().any(|l| l.first.reopens);
    let not_customer = if owed_by_flag || logical.iter().any(|l| is_real_customer(&l)) {
        None
    } else {
        logical
            .iter()
            .rev()
            .find(is_customer)
            .and_then(|l| l.kept_out)
    };

    let follow_up_done = marks.follow_up_at.is_some_and(|f| {
        promise_settled(
            f,
            marks.follow_up_made_at,
            [last_shop_at, marks.manual_answered_at],
        )
    });
    let snooze_ended = marks.snoozed_until.is_some()
        && logical.iter().filter(is_real_customer).any(|l| {
            marks
                .snoozed_after
                .is_none_or(|after| l.received_at > after)
        });

    let subject = logical
        .iter()
        .find(|l| !l.first.subject.trim().is_empty())
        .map(|l| l.first.subject.clone())
        .unwrap_or_default();

    Some(ConvState {
        message_count: u32::try_from(logical.len()).unwrap_or(u32::MAX),
        first_at: first.received_at,
        last_at: latest.received_at,
        latest_message: latest.first.row_id,
        subject,
        customer_addr,
        customer_name,
        pending_since,
        last_shop_at,
        not_customer,
        follow_up_done,
        snooze_ended,
        removed_since,
        older_since,
        bounce_open,
    })
}

/// Whether a promise to follow up at `due` (made at `made`) is settled by one of the shop's
/// answers (`answers`: its newest reply from any client, the owner's "answered" mark). Any
/// answer after the promise was made settles it, early or late; a reply that makes a new
/// promise replaces the old one (the caller stores the new one). Without a known `made` time
/// (promises stored before it was recorded) only an answer at or after `due` settles it.
pub fn promise_settled(due: i64, made: Option<i64>, answers: [Option<i64>; 2]) -> bool {
    answers.into_iter().flatten().any(|a| match made {
        Some(m) => a > m,
        None => a >= due,
    })
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
