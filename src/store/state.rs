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

/// Work out the conversation's state. `None` when it has no messages left.
pub fn compute(msgs: &[StateMsg], marks: Marks, rules: &RuleSet) -> Option<ConvState> {
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
    let first = logical.first()?;
    let latest = logical.last()?;

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
mod tests {
    use super::*;

    const SHOP: &str = "shop@example.com";
    const JANE: &str = "jane@mail.com";

    /// Test message: (row id, message-id, from, time, flags answered, auto kind)
    fn msg(row: i64, id: &str, from: &str, at: i64) -> StateMsg {
        StateMsg {
            row_id: row,
            message_id: (!id.is_empty()).then(|| id.to_string()),
            from_addr: Some(from.to_string()),
            from_name: None,
            first_to: Some(if from == SHOP { JANE } else { SHOP }.to_string()),
            subject: "Order".into(),
            is_shop: from == SHOP,
            auto_kind: None,
            received_at: at,
            answered_flag: false,
            reopens: false,
            bounce_of: None,
            removed: false,
            content_key: None,
        }
    }
    fn answered(mut m: StateMsg) -> StateMsg {
        m.answered_flag = true;
        m
    }
    fn auto(mut m: StateMsg, k: AutoKind) -> StateMsg {
        m.auto_kind = Some(k);
        m
    }

    /// (name, messages, marks, pending_since, last_shop_at)
    type PendingCase = (&'static str, Vec<StateMsg>, Marks, Option<i64>, Option<i64>);
    /// (name, messages, not_customer, pending_since)
    type ReasonCase = (
        &'static str,
        Vec<StateMsg>,
        Option<NotCustomer>,
        Option<i64>,
    );

    #[test]
    fn pending_and_answered() {
        let none = Marks::default();
        let manual = |t| Marks {
            manual_answered_at: Some(t),
            ..Marks::default()
        };
        let cases: Vec<PendingCase> = vec![
            (
                "customer last",
                vec![msg(1, "a@x", JANE, 100)],
                none,
                Some(100),
                None,
            ),
            (
                "shop replied later",
                vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 200)],
                none,
                None,
                Some(200),
            ),
            (
                "two customer messages, oldest counts",
                vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", JANE, 150)],
                none,
                Some(100),
                None,
            ),
            (
                "new customer message after reply restarts",
                vec![
                    msg(1, "a@x", JANE, 100),
                    msg(2, "b@x", SHOP, 200),
                    msg(3, "c@x", JANE, 300),
                    msg(4, "d@x", JANE, 400),
                ],
                none,
                Some(300),
                Some(200),
            ),
            (
                "\\Answered flag answers",
                vec![answered(msg(1, "a@x", JANE, 100))],
                none,
                None,
                None,
            ),
            (
                "\\Answered on an older message does not answer a newer one",
                vec![answered(msg(1, "a@x", JANE, 100)), msg(2, "b@x", JANE, 150)],
                none,
                Some(150),
                None,
            ),
            (
                "\\Answered on any copy of the message",
                vec![msg(1, "a@x", JANE, 100), answered(msg(2, "a@x", JANE, 105))],
                none,
                None,
                None,
            ),
            (
                "manual answer",
                vec![msg(1, "a@x", JANE, 100)],
                manual(120),
                None,
                None,
            ),
            (
                "manual answer before a newer message",
                vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", JANE, 150)],
                manual(120),
                Some(150),
                None,
            ),
            (
                "shop auto-responder does not answer",
                vec![
                    msg(1, "a@x", JANE, 100),
                    auto(msg(2, "b@x", SHOP, 101), AutoKind::AutoReply),
                ],
                none,
                Some(100),
                None,
            ),
            (
                "customer out-of-office is not a new question",
                vec![
                    msg(1, "a@x", JANE, 100),
                    msg(2, "b@x", SHOP, 200),
                    auto(msg(3, "c@x", JANE, 201), AutoKind::AutoReply),
                ],
                none,
                None,
                Some(200),
            ),
            (
                "shop reply and customer copy arriving out of order",
                vec![msg(2, "b@x", SHOP, 200), msg(1, "a@x", JANE, 100)],
                none,
                None,
                Some(200),
            ),
            (
                "sent copy and local copy count once",
                vec![
                    msg(1, "a@x", JANE, 100),
                    msg(2, "b@x", SHOP, 200),
                    msg(3, "b@x", SHOP, 230),
                ],
                none,
                None,
                Some(200),
            ),
        ];
        for (name, msgs, marks, pending, shop) in cases {
            let st = compute(&msgs, marks, &RuleSet::default()).unwrap();
            assert_eq!(st.pending_since, pending, "{name}");
            assert_eq!(st.last_shop_at, shop, "{name}");
            assert_eq!(st.not_customer, None, "{name}");
        }
    }

    #[test]
    fn removed_on_the_server() {
        let gone = |mut m: StateMsg| {
            m.removed = true;
            m
        };
        // (name, messages, pending_since, removed_since)
        type Case = (&'static str, Vec<StateMsg>, Option<i64>, Option<i64>);
        let cases: Vec<Case> = vec![
            (
                "the waiting message was removed",
                vec![gone(msg(1, "a@x", JANE, 100))],
                None,
                Some(100),
            ),
            (
                "answered, then removed: still answered",
                vec![gone(msg(1, "a@x", JANE, 100)), msg(2, "b@x", SHOP, 200)],
                None,
                None,
            ),
            (
                "a removed shop reply still answers",
                vec![msg(1, "a@x", JANE, 100), gone(msg(2, "b@x", SHOP, 200))],
                None,
                None,
            ),
            (
                "an older question still on the server keeps waiting",
                vec![msg(1, "a@x", JANE, 100), gone(msg(2, "b@x", JANE, 150))],
                Some(100),
                None,
            ),
            (
                "a newer question still on the server waits",
                vec![gone(msg(1, "a@x", JANE, 100)), msg(2, "b@x", JANE, 150)],
                Some(150),
                None,
            ),
            (
                "one copy removed, another still there",
                vec![gone(msg(1, "a@x", JANE, 100)), msg(2, "a@x", JANE, 100)],
                Some(100),
                None,
            ),
            (
                "removed after a reply to an older question",
                vec![
                    msg(1, "a@x", JANE, 100),
                    msg(2, "b@x", SHOP, 200),
                    gone(msg(3, "c@x", JANE, 300)),
                ],
                None,
                Some(300),
            ),
        ];
        for (name, msgs, pending, removed) in cases {
            let st = compute(&msgs, Marks::default(), &RuleSet::default()).unwrap();
            assert_eq!(st.pending_since, pending, "{name}");
            assert_eq!(st.removed_since, removed, "{name}");
        }
    }

    #[test]
    fn copies_without_message_id_count_once_by_content() {
        let keyed = |mut m: StateMsg, k: &str| {
            m.content_key = Some(k.to_string());
            m
        };
        // Imported at 100, answered at 200, the same message synced with a later
        // INTERNALDATE: still answered, one message.
        let msgs = vec![
            keyed(msg(1, "", JANE, 100), "k1"),
            msg(2, "b@x", SHOP, 200),
            keyed(msg(3, "", JANE, 300), "k1"),
        ];
        let st = compute(&msgs, Marks::default(), &RuleSet::default()).unwrap();
        assert_eq!(st.message_count, 2);
        assert_eq!(st.pending_since, None);
        // Different content: two questions, the newer one waits.
        let msgs = vec![
            keyed(msg(1, "", JANE, 100), "k1"),
            msg(2, "b@x", SHOP, 200),
            keyed(msg(3, "", JANE, 300), "k2"),
        ];
        let st = compute(&msgs, Marks::default(), &RuleSet::default()).unwrap();
        assert_eq!(st.message_count, 3);
        assert_eq!(st.pending_since, Some(300));
    }

    #[test]
    fn counts_copies_once() {
        let msgs = vec![
            msg(1, "a@x", JANE, 100),
            msg(2, "b@x", SHOP, 200),
            msg(3, "b@x", SHOP, 190),
            msg(4, "", JANE, 300),
            msg(5, "", JANE, 300),
        ];
        let st = compute(&msgs, Marks::default(), &RuleSet::default()).unwrap();
        assert_eq!(st.message_count, 4);
        assert_eq!(st.first_at, 100);
        assert_eq!(st.last_at, 300);
        assert_eq!(st.latest_message, 5);
        assert_eq!(st.last_shop_at, Some(190));
        assert_eq!(st.pending_since, Some(300));
        assert!(compute(&[], Marks::default(), &RuleSet::default()).is_none());
    }

    #[test]
    fn not_customer_reasons() {
        let mut rules = RuleSet::default();
        rules.senders.insert("pitch@seo.io".into());
        rules.domains.push("spam.biz".into());
        rules.messages.insert("m@x".into());
        let cases: Vec<ReasonCase> = vec![
            (
                "newsletter",
                vec![auto(msg(1, "a@x", "news@shop.de", 100), AutoKind::Bulk)],
                Some(NotCustomer::Auto(AutoKind::Bulk)),
                None,
            ),
            (
                "bounce",
                vec![auto(
                    msg(1, "a@x", "mailer-daemon@mx.de", 100),
                    AutoKind::Bounce,
                )],
                Some(NotCustomer::Auto(AutoKind::Bounce)),
                None,
            ),
            (
                "sender rule",
                vec![msg(1, "a@x", "Pitch@SEO.io", 100)],
                Some(NotCustomer::Rule(RuleKind::Sender)),
                None,
            ),
            (
                "domain rule matches subdomain",
                vec![msg(1, "a@x", "x@mail.spam.biz", 100)],
                Some(NotCustomer::Rule(RuleKind::Domain)),
                None,
            ),
            (
                "message rule",
                vec![msg(1, "m@x", JANE, 100)],
                Some(NotCustomer::Rule(RuleKind::Message)),
                None,
            ),
            (
                "a real customer message makes it a customer",
                vec![
                    auto(msg(1, "a@x", JANE, 100), AutoKind::AutoReply),
                    msg(2, "b@x", JANE, 150),
                ],
                None,
                Some(150),
            ),
            (
                "shop-only conversation",
                vec![msg(1, "a@x", SHOP, 100)],
                None,
                None,
            ),
            (
                "similar domain does not match",
                vec![msg(1, "a@x", "x@notspam.biz", 100)],
                None,
                Some(100),
            ),
        ];
        for (name, msgs, want, pending) in cases {
            let st = compute(&msgs, Marks::default(), &rules).unwrap();
            assert_eq!(st.not_customer, want, "{name}");
            assert_eq!(st.pending_since, pending, "{name}");
        }
    }

    #[test]
    fn customer_identity() {
        let mut a = msg(1, "a@x", JANE, 100);
        a.from_name = Some("Jane D".into());
        let mut b = msg(3, "c@x", JANE, 300);
        b.from_name = Some("Jane Doe".into());
        let mut c = msg(4, "d@x", JANE, 400);
        c.from_name = Some("  ".into());
        let st = compute(
            &[a, msg(2, "b@x", SHOP, 200), b, c],
            Marks::default(),
            &RuleSet::default(),
        )
        .unwrap();
        assert_eq!(st.customer_addr, JANE);
        assert_eq!(st.customer_name.as_deref(), Some("Jane Doe"));

        // Shop wrote first: the customer is its recipient.
        let st = compute(
            &[msg(1, "a@x", SHOP, 100)],
            Marks::default(),
            &RuleSet::default(),
        )
        .unwrap();
        assert_eq!(st.customer_addr, JANE);
    }

    #[test]
    fn history_before_the_tracking_window() {
        let hist = |pulled_at| Marks {
            history_before: Some(500),
            pulled_at,
            ..Marks::default()
        };
        // (name, messages, marks, pending_since, older_since)
        type Case = (&'static str, Vec<StateMsg>, Marks, Option<i64>, Option<i64>);
        let cases: Vec<Case> = vec![
            (
                "before the cut-off: history, not owed",
                vec![msg(1, "a@x", JANE, 100)],
                hist(None),
                None,
                Some(100),
            ),
            (
                "at the cut-off: owed",
                vec![msg(1, "a@x", JANE, 500)],
                hist(None),
                Some(500),
                None,
            ),
            (
                "no tracking start yet: owed",
                vec![msg(1, "a@x", JANE, 100)],
                Marks::default(),
                Some(100),
                None,
            ),
            (
                "answered history is simply answered",
                vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 200)],
                hist(None),
                None,
                None,
            ),
            (
                "a new message after the cut-off is owed from its arrival",
                vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", JANE, 600)],
                hist(None),
                Some(600),
                None,
            ),
            (
                "pulled: owed from the pull",
                vec![msg(1, "a@x", JANE, 100)],
                hist(Some(700)),
                Some(700),
                None,
            ),
            (
                "pulled, then answered: answered",
                vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 800)],
                hist(Some(700)),
                None,
                None,
            ),
            (
                "a pull without history changes nothing",
                vec![msg(1, "a@x", JANE, 600)],
                hist(Some(700)),
                Some(600),
                None,
            ),
        ];
        for (name, msgs, marks, pending, older) in cases {
            let st = compute(&msgs, marks, &RuleSet::default()).unwrap();
            assert_eq!(st.pending_since, pending, "{name}");
            assert_eq!(st.older_since, older, "{name}");
        }
    }

    #[test]
    fn promise_settled_rules() {
        // (name, due, made, shop reply, manual mark, settled)
        type Case = (
            &'static str,
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            bool,
        );
        let cases: Vec<Case> = vec![
            ("no answer since", 500, Some(200), Some(200), None, false),
            (
                "kept early: a reply before the time",
                500,
                Some(200),
                Some(300),
                None,
                true,
            ),
            (
                "kept late: a reply after the time",
                500,
                Some(200),
                Some(700),
                None,
                true,
            ),
            (
                "kept at the time itself",
                500,
                Some(200),
                Some(500),
                None,
                true,
            ),
            (
                "a phone mark after the promise",
                500,
                Some(200),
                Some(200),
                Some(250),
                true,
            ),
            (
                "a phone mark before the promise",
                500,
                Some(200),
                Some(200),
                Some(150),
                false,
            ),
            (
                "legacy promise: early reply does not count",
                500,
                None,
                Some(300),
                None,
                false,
            ),
            (
                "legacy promise: reply at the time counts",
                500,
                None,
                Some(500),
                None,
                true,
            ),
            ("nothing at all", 500, Some(200), None, None, false),
        ];
        for (name, due, made, shop, manual, want) in cases {
            assert_eq!(promise_settled(due, made, [shop, manual]), want, "{name}");
        }
    }

    #[test]
    fn a_later_reply_settles_the_promise_in_the_conversation_state() {
        // Promise made by the reply at 200, due at 500.
        let marks = Marks {
            follow_up_at: Some(500),
            follow_up_made_at: Some(200),
            ..Marks::default()
        };
        let base = vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 200)];
        // (name, extra messages, manual mark, follow_up_done, pending_since)
        type Case = (&'static str, Vec<StateMsg>, Option<i64>, bool, Option<i64>);
        let cases: Vec<Case> = vec![
            ("open promise", vec![], None, false, None),
            (
                "second reply before the time",
                vec![msg(3, "c@x", SHOP, 300)],
                None,
                true,
                None,
            ),
            (
                "second reply after the time",
                vec![msg(3, "c@x", SHOP, 600)],
                None,
                true,
                None,
            ),
            ("answered by phone", vec![], Some(260), true, None),
            (
                "the customer writes again: the promise stays until the shop answers",
                vec![msg(3, "c@x", JANE, 300)],
                None,
                false,
                Some(300),
            ),
            (
                "the customer writes again and the shop answers",
                vec![msg(3, "c@x", JANE, 300), msg(4, "d@x", SHOP, 350)],
                None,
                true,
                None,
            ),
            (
                "a shop auto-responder settles nothing",
                vec![auto(msg(3, "c@x", SHOP, 300), AutoKind::AutoReply)],
                None,
                false,
                None,
            ),
            (
                "the Sent copy of the promising reply itself settles nothing",
                vec![msg(3, "b@x", SHOP, 230)],
                None,
                false,
                None,
            ),
        ];
        for (name, extra, manual, done, pending) in cases {
            let mut msgs = base.clone();
            msgs.extend(extra);
            let marks = Marks {
                manual_answered_at: manual,
                ..marks
            };
            let st = compute(&msgs, marks, &RuleSet::default()).unwrap();
            assert_eq!(st.follow_up_done, done, "{name}");
            assert_eq!(st.pending_since, pending, "{name}");
        }
    }

    #[test]
    fn follow_up_and_snooze_end() {
        let base = vec![msg(1, "a@x", JANE, 100), msg(2, "b@x", SHOP, 200)];
        let marks = Marks {
            follow_up_at: Some(500),
            snoozed_until: Some(900),
            snoozed_after: Some(200),
            ..Marks::default()
        };
        let st = compute(&base, marks, &RuleSet::default()).unwrap();
        assert!(!st.follow_up_done);
        assert!(!st.snooze_ended);

        let mut more = base.clone();
        more.push(msg(3, "c@x", SHOP, 600));
        let st = compute(&more, marks, &RuleSet::default()).unwrap();
        assert!(st.follow_up_done, "shop wrote at/after the follow-up time");

        let mut more = base.clone();
        more.push(msg(3, "c@x", JANE, 300));
        let st = compute(&more, marks, &RuleSet::default()).unwrap();
        assert!(st.snooze_ended, "customer wrote after the snooze");

        let mut more = base;
        more.push(auto(msg(3, "c@x", JANE, 300), AutoKind::AutoReply));
        let st = compute(&more, marks, &RuleSet::default()).unwrap();
        assert!(!st.snooze_ended, "an auto-reply does not end a snooze");
    }

    #[test]
    fn bounced_reply_and_duplicate_order_are_owed() {
        let bounce = |row, at| {
            let mut m = auto(
                msg(row, "dsn@x", "mailer-daemon@mx.de", at),
                AutoKind::Bounce,
            );
            m.reopens = true;
            m
        };
        let order = |row, id, at| {
            // An order notification stands for its customer (refresh sets the address).
            auto(msg(row, id, JANE, at), AutoKind::Order)
        };
        let dup = |t| Marks {
            duplicate_at: Some(t),
            ..Marks::default()
        };
        let cases: Vec<PendingCase> = vec![
            (
                "a bounce of the shop's reply reopens",
                vec![
                    msg(1, "a@x", JANE, 100),
                    msg(2, "b@x", SHOP, 200),
                    bounce(3, 210),
                ],
                Marks::default(),
                Some(210),
                Some(200),
            ),
            (
                "a new reply after the bounce answers it",
                vec![
                    msg(1, "a@x", JANE, 100),
                    msg(2, "b@x", SHOP, 200),
                    bounce(3, 210),
                    msg(4, "c@x", SHOP, 300),
                ],
                Marks::default(),
                None,
                Some(300),
            ),
            (
                "a bounce in a conversation the shop started",
                vec![msg(1, "b@x", SHOP, 200), bounce(2, 210)],
                Marks::default(),
                Some(210),
                Some(200),
            ),
            (
                "marked answered after the bounce",
                vec![msg(1, "b@x", SHOP, 200), bounce(2, 210)],
                Marks {
                    manual_answered_at: Some(220),
                    ..Marks::default()
                },
                None,
                Some(200),
            ),
            (
                "a possible duplicate is owed from its detection",
                vec![order(1, "o1@x", 100), order(2, "o2@x", 120)],
                dup(120),
                Some(120),
                None,
            ),
            (
                "a dismissed duplicate is not",
                vec![order(1, "o1@x", 100), order(2, "o2@x", 120)],
                Marks::default(),
                None,
                None,
            ),
            (
                "the customer's own mail about it keeps the earlier deadline",
                vec![
                    order(1, "o1@x", 100),
                    order(2, "o2@x", 120),
                    msg(3, "c@x", JANE, 130),
                ],
                dup(120),
                Some(120),
                None,
            ),
            (
                "the shop's reply answers the duplicate",
                vec![
                    order(1, "o1@x", 100),
                    order(2, "o2@x", 120),
                    msg(3, "c@x", SHOP, 150),
                ],
                dup(120),
                None,
                Some(150),
            ),
        ];
        for (name, msgs, marks, pending, shop) in cases {
            let st = compute(&msgs, marks, &RuleSet::default()).unwrap();
            assert_eq!(st.pending_since, pending, "{name}");
            assert_eq!(st.last_shop_at, shop, "{name}");
            assert_eq!(st.customer_addr, JANE, "{name}");
        }
        // Without a duplicate, order notifications alone are not a customer waiting.
        let st = compute(
            &[order(1, "o1@x", 100)],
            Marks::default(),
            &RuleSet::default(),
        )
        .unwrap();
        assert_eq!(st.not_customer, Some(NotCustomer::Auto(AutoKind::Order)));
    }
}
