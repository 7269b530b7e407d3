//! Response-time statistics, computed by a pure function from a plain description of the
//! conversations (loaded by [`super::load`]), so that every figure can be checked by hand in a
//! table-driven test.
//!
//! Definitions (the help-desk conventions a shop owner expects):
//! - A **request** is a run of customer messages with no shop message in between; it starts at
//!   the first of them and its deadline is `due_at(start)`. It is **answered** by the next shop
//!   message (from any client), by the owner marking it answered by hand, or by the `\Answered`
//!   flag (then the answer time is unknown: the request counts as answered but not in the
//!   timing figures).
//! - **First-response time** is, per conversation, the time from its first customer message to
//!   the first shop message after it, in wall-clock hours and in business hours.
//! - **Within deadline / late / still open** count requests.
//! - **Resolution time** is, per conversation whose newest message is from the shop, the time
//!   from its first message to that last shop reply.
//! - A **promise** is a follow-up a reply promised (a template's `follow_up:`), made when that
//!   reply went out. It is **kept** by the next answer from the shop after it (any client, or
//!   the owner's "answered" mark), before or after its time: **on time** unless that answer is
//!   late in business time ([`crate::deadline::business_lateness`]), else **late**. Not kept
//!   and past its time (in the same business sense) it is **broken**. Promises made in the
//!   period are counted; those neither kept nor broken yet are still pending.
//! - Seen at `to`: an answer or a mark at `to` itself has happened (as `list` says at that
//!   moment); requests and promises count when they start in `[from, to)`.
//! - A request answered after its deadline is **late** only in business time: an answer while
//!   the shop is closed, or in the grace after it opens again, is on time.
//! - **One-touch resolution**: a conversation with exactly one shop reply and no customer
//!   message within 7 days after it. Conversations whose reply is younger than 7 days are not
//!   decided yet and are left out of the share.

use crate::deadline::{business_duration, business_lateness, due_at, late_after, Calendar};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// One message as statistics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatMessage {
    pub received_at: DateTime<Utc>,
    pub is_shop: bool,
    /// An auto-reply, newsletter, bounce or pitch: never a request, counted as kept out.
    pub kept_out: bool,
    /// From before the tracking window and not pulled into Needs reply: not owed, so neither
    /// counted nor late (nor kept out: it is a customer's mail, only from before shopinbox).
    pub history: bool,
    /// The message carries `\Answered` (answered from a client we cannot see the reply of).
    pub answered_flag: bool,
    /// Deleted or moved out of the synced folders on the server (kept as history). A request
    /// whose every message was removed before it was answered is not counted: neither open
    /// nor answered (the conversation's state is "removed on the server").
    pub removed: bool,
}

/// One conversation: its messages (any order), the owner's manual "answered" mark and the
/// follow-ups its replies promised.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatConversation {
    pub messages: Vec<StatMessage>,
    pub manual_answered_at: Option<DateTime<Utc>>,
    pub promises: Vec<StatPromise>,
}

/// A follow-up a reply promised: made when the reply went out, due at its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatPromise {
    pub made_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

/// Median and 90th percentile of a set of durations (nearest-rank method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spread {
    pub count: usize,
    #[serde(serialize_with = "ser_minutes")]
    pub median: Duration,
    #[serde(serialize_with = "ser_minutes")]
    pub p90: Duration,
}

fn ser_minutes<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_minutes())
}

impl Spread {
    /// `None` for an empty set. Nearest rank: the smallest value with at least p% at or below.
    pub fn of(mut values: Vec<Duration>) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        values.sort();
        let rank = |p: usize| {
            let n = values.len();
            let idx = (p * n).div_ceil(100).max(1) - 1;
            values
                .get(idx)
                .or(values.last())
                .copied()
                .unwrap_or_default()
        };
        Some(Spread {
            count: values.len(),
            median: rank(50),
            p90: rank(90),
        })
    }
}

/// Everything the statistics screen and `shopinbox stats` show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Conversations with at least one customer request in the period.
    pub conversations: usize,
    pub customer_messages: usize,
    pub first_response_wall: Option<Spread>,
    pub first_response_business: Option<Spread>,
    pub requests: usize,
    pub answered_on_time: usize,
    pub answered_late: usize,
    /// Answered by the `\Answered` flag only: on time or not is unknown.
    pub answered_time_unknown: usize,
    pub still_open: usize,
    /// Of the requests still open, those already past their deadline.
    pub open_overdue: usize,
    /// Follow-ups promised in the period.
    pub promises: usize,
    pub promises_kept_on_time: usize,
    pub promises_kept_late: usize,
    /// Not kept, and past their time.
    pub promises_broken: usize,
    /// Customer messages per local day, every day of the period listed (zeros included).
    pub per_day: Vec<(NaiveDate, usize)>,
    /// Customer messages by local weekday, Monday first.
    pub by_weekday: [usize; 7],
    /// Customer messages by local hour of day.
    pub by_hour: [usize; 24],
    /// Messages kept out as not-a-customer (auto-replies, lists, bounces, pitches).
    pub kept_out: usize,
    pub resolution: Option<Spread>,
    pub one_touch: usize,
    /// Conversations whose one-touch question is decided (reply at least 7 days old, or a
    /// second reply / customer message already happened).
    pub one_touch_decided: usize,
}

impl Stats {
    /// Share of requests answered within the deadline, of those whose timing is known.
    pub fn on_time_share(&self) -> Option<f64> {
        let known = self.answered_on_time + self.answered_late;
        (known > 0).then(|| self.answered_on_time as f64 / known as f64)
    }

    /// Share of promises kept on time, of those decided (kept, or broken).
    pub fn promise_on_time_share(&self) -> Option<f64> {
        let decided = self.promises_kept_on_time + self.promises_kept_late + self.promises_broken;
        (decided > 0).then(|| self.promises_kept_on_time as f64 / decided as f64)
    }

    pub fn one_touch_share(&self) -> Option<f64> {
        (self.one_touch_decided > 0).then(|| self.one_touch as f64 / self.one_touch_decided as f64)
    }
}

/// How long a conversation must stay quiet after a single reply to count as one-touch.
pub const ONE_TOUCH_QUIET: i64 = 7;

/// Computes the statistics for requests that started in `[from, to)`, as seen at `to`.
pub fn compute(
    conversations: &[StatConversation],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    cal: &Calendar,
) -> Stats {
    let mut st = Stats {
        from,
        to,
        conversations: 0,
        customer_messages: 0,
        first_response_wall: None,
        first_response_business: None,
        requests: 0,
        answered_on_time: 0,
        answered_late: 0,
        answered_time_unknown: 0,
        still_open: 0,
        open_overdue: 0,
        promises: 0,
        promises_kept_on_time: 0,
        promises_kept_late: 0,
        promises_broken: 0,
        per_day: Vec::new(),
        by_weekday: [0; 7],
        by_hour: [0; 24],
        kept_out: 0,
        resolution: None,
        one_touch: 0,
        one_touch_decided: 0,
    };
    let in_period = |t: DateTime<Utc>| t >= from && t < to;
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let (mut first_wall, mut first_business, mut resolution) = (Vec::new(), Vec::new(), Vec::new());

    for conv in conversations {
        // Seen at `to`: what happened at that very moment has happened (a reply sent at
        // `now` has answered, as `list` already says; the owner's "answered" mark at `now`
        // counts the same way below).
        let mut msgs: Vec<&StatMessage> = conv
            .messages
            .iter()
            .filter(|m| m.received_at <= to)
            .collect();
        msgs.sort_by_key(|m| m.received_at);
        st.kept_out += msgs
            .iter()
            .filter(|m| m.kept_out && in_period(m.received_at))
            .count();
        let msgs: Vec<&StatMessage> = msgs
            .into_iter()
            .filter(|m| !m.kept_out && !m.history)
            .collect();

        for p in conv.promises.iter().filter(|p| in_period(p.made_at)) {
            st.promises += 1;
            let reply = msgs
                .iter()
                .find(|m| m.is_shop && m.received_at > p.made_at)
                .map(|m| m.received_at);
            let mark = conv
                .manual_answered_at
                .filter(|t| *t > p.made_at && *t <= to);
            match [reply, mark].into_iter().flatten().min() {
                Some(kept) if business_lateness(p.due_at, kept, cal).is_none() => {
                    st.promises_kept_on_time += 1
                }
                Some(_) => st.promises_kept_late += 1,
                None if to > late_after(p.due_at, cal) => st.promises_broken += 1,
                None => {}
            }
        }

        for m in msgs
            .iter()
            .filter(|m| !m.is_shop && in_period(m.received_at))
        {
            st.customer_messages += 1;
            let local = m.received_at.with_timezone(&cal.tz);
            *per_day.entry(local.date_naive()).or_default() += 1;
            // Weekday 0..7 and hour 0..24 are within the arrays' lengths.
            if let Some(c) = st
                .by_weekday
                .get_mut(local.weekday().num_days_from_monday() as usize)
            {
                *c += 1;
            }
            if let Some(c) = st.by_hour.get_mut(local.hour() as usize) {
                *c += 1;
            }
        }

        let requests = requests_of(&msgs, conv.manual_answered_at);
        let mut counted = false;
        for req in requests.iter().filter(|r| in_period(r.start)) {
            counted = true;
            st.requests += 1;
            let due = due_at(req.start, cal);
            match req.answer {
                Answer::At(t) if business_lateness(due, t, cal).is_none() => {
                    st.answered_on_time += 1
                }
                Answer::At(_) => st.answered_late += 1,
                Answer::Flag => st.answered_time_unknown += 1,
                Answer::Open => {
                    st.still_open += 1;
                    if due <= to {
                        st.open_overdue += 1;
                    }
                }
            }
        }
        if !counted {
            continue;
        }
        st.conversations += 1;

        // First response: the first customer message to the first shop message after it.
        if let Some(first_customer) = msgs.iter().find(|m| !m.is_shop) {
            if in_period(first_customer.received_at) {
                let start = first_customer.received_at;
                let reply = msgs
                    .iter()
                    .find(|m| m.is_shop && m.received_at > start)
                    .map(|m| m.received_at);
                let reply = match (reply, conv.manual_answered_at) {
                    (Some(r), Some(m)) if m > start => Some(r.min(m)),
                    (None, Some(m)) if m > start => Some(m),
                    (r, _) => r,
                };
                if let Some(r) = reply {
                    first_wall.push(r - start);
                    first_business.push(business_duration(start, r, cal));
                }
            }
        }

        // Resolution: the newest message is the shop's.
        if let (Some(first), Some(last)) = (msgs.first(), msgs.last()) {
            if last.is_shop && msgs.iter().any(|m| !m.is_shop) {
                resolution.push(last.received_at - first.received_at);
            }
        }

        // One-touch.
        let shop: Vec<&&StatMessage> = msgs.iter().filter(|m| m.is_shop).collect();
        if let Some(first_reply) = shop.first() {
            let quiet_until = first_reply.received_at + Duration::days(ONE_TOUCH_QUIET);
            let customer_after = msgs.iter().any(|m| {
                !m.is_shop
                    && m.received_at > first_reply.received_at
                    && m.received_at <= quiet_until
            });
            let second_reply_within = shop.get(1).is_some_and(|m| m.received_at <= quiet_until);
            if customer_after || second_reply_within {
                st.one_touch_decided += 1;
            } else if quiet_until <= to {
                st.one_touch_decided += 1;
                st.one_touch += 1;
            }
        }
    }

    st.first_response_wall = Spread::of(first_wall);
    st.first_response_business = Spread::of(first_business);
    st.resolution = Spread::of(resolution);
    // Every day of the period, zeros included, so charts have no gaps.
    let first_day = from.with_timezone(&cal.tz).date_naive();
    let last_day = (to - Duration::seconds(1))
        .with_timezone(&cal.tz)
        .date_naive();
    let mut day = first_day;
    while day <= last_day {
        st.per_day
            .push((day, per_day.get(&day).copied().unwrap_or(0)));
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    st
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Answer {
    At(DateTime<Utc>),
    Flag,
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Request {
    start: DateTime<Utc>,
    answer: Answer,
}

/// Splits a conversation (sorted, kept-out mail removed) into requests.
fn requests_of(msgs: &[&StatMessage], manual: Option<DateTime<Utc>>) -> Vec<Request> {
    let mut out: Vec<Request> = Vec::new();
    // start, any message flagged \Answered, every message removed on the server
    let mut open: Option<(DateTime<Utc>, bool, bool)> = None;
    for m in msgs {
        if m.is_shop {
            if let Some((start, _, _)) = open.take() {
                let at = match manual {
                    Some(t) if t > start && t < m.received_at => t,
                    _ => m.received_at,
                };
                out.push(Request {
                    start,
                    answer: Answer::At(at),
                });
            }
        } else {
            // A manual mark between two customer messages closes the earlier request.
            if let (Some((start, _, _)), Some(t)) = (open, manual) {
                if t > start && t <= m.received_at {
                    out.push(Request {
                        start,
                        answer: Answer::At(t),
                    });
                    open = None;
                }
            }
            match &mut open {
                Some((_, flagged, removed)) => {
                    *flagged |= m.answered_flag;
                    *removed &= m.removed;
                }
                None => open = Some((m.received_at, m.answered_flag, m.removed)),
            }
        }
    }
    if let Some((start, flagged, removed)) = open {
        let answer = match manual {
            Some(t) if t > start => Some(Answer::At(t)),
            _ if flagged => Some(Answer::Flag),
            // Removed on the server before anyone answered: no longer a request.
            _ if removed => None,
            _ => Some(Answer::Open),
        };
        out.extend(answer.map(|answer| Request { start, answer }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, TimeZone};

    fn cal() -> Calendar {
        Calendar::office_hours(
            chrono_tz::Europe::Berlin,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        )
    }

    /// Berlin local time in November 2026 (UTC+1): day of month, hour, minute.
    fn t(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Berlin
            .with_ymd_and_hms(2026, 11, day, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn cust(at: DateTime<Utc>) -> StatMessage {
        StatMessage {
            received_at: at,
            is_shop: false,
            kept_out: false,
            history: false,
            answered_flag: false,
            removed: false,
        }
    }
    fn shop(at: DateTime<Utc>) -> StatMessage {
        StatMessage {
            received_at: at,
            is_shop: true,
            kept_out: false,
            history: false,
            answered_flag: false,
            removed: false,
        }
    }
    fn conv(messages: Vec<StatMessage>) -> StatConversation {
        StatConversation {
            messages,
            ..StatConversation::default()
        }
    }

    /// Statistics seen at `to` include a reply sent at `to` itself, as `list` does (the week
    /// test asks for both at the same `--now`), and as a phone mark at `to` already counted.
    #[test]
    fn a_reply_at_the_very_moment_of_to_counts() {
        let to = t(24, 8, 30);
        let from = t(1, 0, 0);
        let by_mail = conv(vec![cust(t(23, 16, 50)), shop(to)]);
        let by_phone = StatConversation {
            messages: vec![cust(t(23, 16, 50))],
            manual_answered_at: Some(to),
            ..StatConversation::default()
        };
        for c in [by_mail, by_phone] {
            let s = compute(std::slice::from_ref(&c), from, to, &cal());
            assert_eq!(
                (s.requests, s.answered_on_time, s.still_open, s.open_overdue),
                (1, 1, 0, 0),
                "{c:?}"
            );
        }
        // A promise kept by a reply at `to`: kept, not pending.
        let promised = StatConversation {
            messages: vec![cust(t(23, 10, 0)), shop(t(23, 12, 0)), shop(to)],
            promises: vec![StatPromise {
                made_at: t(23, 12, 0),
                due_at: t(23, 17, 0),
            }],
            ..StatConversation::default()
        };
        let s = compute(&[promised], from, to, &cal());
        assert_eq!(
            (s.promises, s.promises_kept_on_time, s.promises_kept_late),
            (1, 1, 0)
        );
        // A customer message arriving at `to` is seen but starts no request in [from, to).
        let s = compute(&[conv(vec![cust(to)])], from, to, &cal());
        assert_eq!((s.requests, s.customer_messages), (0, 0));
    }

    #[test]
    fn spread_nearest_rank() {
        let mins = |v: &[i64]| v.iter().map(|m| Duration::minutes(*m)).collect::<Vec<_>>();
        assert_eq!(Spread::of(vec![]), None);
        let s = Spread::of(mins(&[10])).unwrap();
        assert_eq!(
            (s.median, s.p90),
            (Duration::minutes(10), Duration::minutes(10))
        );
        let s = Spread::of(mins(&[40, 10, 30, 20])).unwrap();
        assert_eq!(
            (s.median, s.p90),
            (Duration::minutes(20), Duration::minutes(40))
        );
        let s = Spread::of(mins(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).unwrap();
        assert_eq!(
            (s.median, s.p90),
            (Duration::minutes(5), Duration::minutes(9))
        );
    }

    /// A hand-worked dataset: the week of Mon 16 – Sun 22 Nov 2026, seen at Mon 23 Nov 12:00.
    #[test]
    fn hand_worked_week() {
        let convs = vec![
            // A: Mon 10:00 asked, shop replied Mon 11:30 (on time; 1h30 wall and business).
            //    Quiet for 7 days and 30 minutes at "to": one-touch.
            conv(vec![cust(t(16, 10, 0)), shop(t(16, 11, 30))]),
            // B: Fri 16:00 asked, reply (from the phone, found in Sent) Mon 23 09:45: late
            //    (due Fri 17:00; after the 30 minutes' grace once the shop opened again).
            //    Wall 65h45; business: Fri 16-17 (1h) + Mon 9-9:45 (45m) = 1h45.
            conv(vec![cust(t(20, 16, 0)), shop(t(23, 9, 45))]),
            // C: Sat 11:00 asked, Sat 12:00 asked again (same request), shop answered Mon
            //    23 10:00: on time (due Mon 17:00). Then customer thanked Mon 11:00: a new
            //    request, still open, due Mon 23 17:00 (not overdue at 12:00).
            conv(vec![
                cust(t(21, 11, 0)),
                cust(t(21, 12, 0)),
                shop(t(23, 10, 0)),
                cust(t(23, 11, 0)),
            ]),
            // D: Tue 09:00 asked, never answered: open and overdue (due Tue 17:00).
            conv(vec![cust(t(17, 9, 0))]),
            // E: Wed 14:00 asked, answered only by the \Answered flag.
            conv(vec![StatMessage {
                answered_flag: true,
                ..cust(t(18, 14, 0))
            }]),
            // F: a newsletter and an auto-reply: kept out, no request.
            conv(vec![
                StatMessage {
                    kept_out: true,
                    ..cust(t(18, 8, 0))
                },
                StatMessage {
                    kept_out: true,
                    ..cust(t(19, 8, 0))
                },
            ]),
            // G: answered by phone (manual mark) Thu 15:00 after a Thu 13:00 question.
            StatConversation {
                messages: vec![cust(t(19, 13, 0))],
                manual_answered_at: Some(t(19, 15, 0)),
                ..StatConversation::default()
            },
            // H: before the period (Mon 9 Nov), answered once, quiet since: one-touch, but its
            //    request is outside the period so the conversation is not counted.
            conv(vec![cust(t(9, 10, 0)), shop(t(9, 11, 0))]),
        ];
        let from = t(16, 0, 0);
        let to = t(23, 12, 0);
        let s = compute(&convs, from, to, &cal());

        assert_eq!(s.requests, 7); // A, B, C×2, D, E, G
        assert_eq!(s.answered_on_time, 3); // A, C1, G
        assert_eq!(s.answered_late, 1); // B
        assert_eq!(s.answered_time_unknown, 1); // E
        assert_eq!(s.still_open, 2); // C2, D
        assert_eq!(s.open_overdue, 1); // D
        assert_eq!(s.conversations, 6); // A B C D E G
        assert_eq!(s.customer_messages, 8); // A1 B1 C3 D1 E1 G1
        assert_eq!(s.kept_out, 2);
        assert_eq!(s.on_time_share(), Some(0.75));

        // First responses: A 1h30, B 65h45, C 47h (Sat 11:00 → Mon 10:00), G 2h.
        let wall = s.first_response_wall.unwrap();
        assert_eq!(wall.count, 4);
        assert_eq!(wall.median, Duration::minutes(120)); // sorted 90, 120, 2820, 3945
        assert_eq!(wall.p90, Duration::minutes(3945));
        // Business: A 1h30, B 1h45, C 1h (Mon 9–10), G 2h.
        let biz = s.first_response_business.unwrap();
        assert_eq!(biz.median, Duration::minutes(90)); // sorted 60, 90, 105, 120
        assert_eq!(biz.p90, Duration::minutes(120));

        // Resolution: A (1h30) and B (65h45) end with a shop message; C does not.
        let res = s.resolution.unwrap();
        assert_eq!(res.count, 2);
        assert_eq!(res.median, Duration::minutes(90));

        // One-touch: A decided and one-touch; B not decided (reply 2h15 old); C decided
        // (customer wrote again within 7 days) and not one-touch; H is outside the period.
        assert_eq!((s.one_touch, s.one_touch_decided), (1, 2));

        // Per day: Mon 16 = 1, Tue 17 = 1, Wed 18 = 1, Thu 19 = 1, Fri 20 = 1, Sat 21 = 2,
        // Sun 22 = 0, Mon 23 = 1 (C's thank-you).
        let days: Vec<usize> = s.per_day.iter().map(|(_, n)| *n).collect();
        assert_eq!(days, vec![1, 1, 1, 1, 1, 2, 0, 1]);
        assert_eq!(s.by_weekday, [2, 1, 1, 1, 1, 2, 0]);
        assert_eq!(s.by_hour[11] + s.by_hour[12], 3);
    }

    #[test]
    fn one_touch_after_quiet_week() {
        let convs = vec![
            conv(vec![cust(t(2, 10, 0)), shop(t(2, 11, 0))]),
            conv(vec![
                cust(t(3, 10, 0)),
                shop(t(3, 11, 0)),
                cust(t(12, 9, 0)),
            ]), // 9 days later: still one-touch
            conv(vec![
                cust(t(4, 10, 0)),
                shop(t(4, 11, 0)),
                shop(t(5, 11, 0)),
            ]), // two replies
        ];
        let s = compute(&convs, t(1, 0, 0), t(23, 0, 0), &cal());
        assert_eq!((s.one_touch, s.one_touch_decided), (2, 3));
    }

    #[test]
    fn history_is_neither_counted_nor_late_nor_kept_out() {
        let old = |m: StatMessage| StatMessage { history: true, ..m };
        let convs = vec![
            // From before the tracking window, never answered: not open, not overdue.
            conv(vec![old(cust(t(16, 9, 0)))]),
            // Answered days later: not late either.
            conv(vec![old(cust(t(16, 10, 0))), shop(t(20, 11, 0))]),
            // Inside the window: counts as usual.
            conv(vec![cust(t(18, 9, 0))]),
        ];
        let s = compute(&convs, t(16, 0, 0), t(23, 12, 0), &cal());
        assert_eq!(s.customer_messages, 1);
        assert_eq!(s.requests, 1);
        assert_eq!((s.answered_on_time, s.answered_late), (0, 0));
        assert_eq!((s.still_open, s.open_overdue), (1, 1));
        assert_eq!(s.kept_out, 0);
    }

    #[test]
    fn question_removed_on_the_server_is_not_open() {
        let gone = |m: StatMessage| StatMessage { removed: true, ..m };
        let convs = vec![
            // Removed unanswered: no request, not open, not overdue.
            conv(vec![gone(cust(t(17, 9, 0)))]),
            // Answered, then removed: still answered on time.
            conv(vec![gone(cust(t(17, 10, 0))), shop(t(17, 11, 0))]),
            // One of two waiting messages removed: the other still waits.
            conv(vec![cust(t(18, 9, 0)), gone(cust(t(18, 10, 0)))]),
        ];
        let s = compute(&convs, t(16, 0, 0), t(23, 12, 0), &cal());
        assert_eq!(s.customer_messages, 4);
        assert_eq!(s.requests, 2);
        assert_eq!(s.answered_on_time, 1);
        assert_eq!((s.still_open, s.open_overdue), (1, 1));
    }

    #[test]
    fn requests_split_by_shop_messages_and_manual_marks() {
        let a = cust(t(16, 10, 0));
        let b = shop(t(16, 11, 0));
        let c = cust(t(16, 12, 0));
        let r = requests_of(&[&a, &b, &c], None);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].answer, Answer::At(t(16, 11, 0)));
        assert_eq!(r[1].answer, Answer::Open);
        let r = requests_of(&[&a, &c], Some(t(16, 11, 0)));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].answer, Answer::At(t(16, 11, 0)));
        assert_eq!(r[1].answer, Answer::Open);
    }

    #[test]
    fn late_only_in_business_time() {
        // (asked, answered, on time?) — due Mon 23 17:00 unless said otherwise.
        let cases = [
            (
                "answered the same evening",
                t(23, 10, 0),
                t(23, 17, 30),
                true,
            ),
            ("answered before opening", t(23, 10, 0), t(24, 8, 30), true),
            ("answered in the grace", t(23, 10, 0), t(24, 9, 30), true),
            (
                "answered after the grace",
                t(23, 10, 0),
                t(24, 9, 31),
                false,
            ),
            // Asked Fri 27 at 11:00 (due Fri 17:00), answered Sat: the shop is closed.
            ("answered on Saturday", t(27, 11, 0), t(28, 10, 0), true),
        ];
        for (name, asked, answered, on_time) in cases {
            let convs = vec![conv(vec![cust(asked), shop(answered)])];
            let s = compute(&convs, t(23, 0, 0), t(30, 12, 0), &cal());
            assert_eq!(
                (s.answered_on_time, s.answered_late),
                if on_time { (1, 0) } else { (0, 1) },
                "{name}"
            );
        }
    }

    #[test]
    fn promises_kept_on_time_late_and_broken() {
        let promise = |made, due| StatPromise {
            made_at: made,
            due_at: due,
        };
        let with = |messages: Vec<StatMessage>, p: StatPromise, manual| StatConversation {
            messages,
            manual_answered_at: manual,
            promises: vec![p],
        };
        // Every promise: made by a reply Mon 23 11:00, due Tue 24 17:00.
        let (made, due) = (t(23, 11, 0), t(24, 17, 0));
        let base = || vec![cust(t(23, 10, 0)), shop(made)];
        let plus = |m: StatMessage| {
            let mut v = base();
            v.push(m);
            v
        };
        // (name, conversation, kept on time, kept late, broken) at Thu 26 12:00
        let cases = vec![
            (
                "kept early",
                with(plus(shop(t(24, 10, 0))), promise(made, due), None),
                (1, 0, 0),
            ),
            (
                "kept late",
                with(plus(shop(t(25, 10, 0))), promise(made, due), None),
                (0, 1, 0),
            ),
            (
                "kept before the shop reopened",
                with(plus(shop(t(25, 8, 0))), promise(made, due), None),
                (1, 0, 0),
            ),
            (
                "kept by phone",
                with(base(), promise(made, due), Some(t(24, 12, 0))),
                (1, 0, 0),
            ),
            ("broken", with(base(), promise(made, due), None), (0, 0, 1)),
            (
                "a customer message does not keep it",
                with(plus(cust(t(24, 10, 0))), promise(made, due), None),
                (0, 0, 1),
            ),
            (
                "not due yet: pending",
                with(base(), promise(made, t(27, 17, 0)), None),
                (0, 0, 0),
            ),
        ];
        for (name, c, want) in cases {
            let s = compute(&[c], t(23, 0, 0), t(26, 12, 0), &cal());
            assert_eq!(s.promises, 1, "{name}");
            assert_eq!(
                (
                    s.promises_kept_on_time,
                    s.promises_kept_late,
                    s.promises_broken
                ),
                want,
                "{name}"
            );
        }
        // A promise made before the period is not counted.
        let c = with(base(), promise(made, due), None);
        let s = compute(&[c], t(24, 0, 0), t(26, 12, 0), &cal());
        assert_eq!(s.promises, 0);
        // Two of three decided promises kept on time.
        let convs = vec![
            with(plus(shop(t(24, 10, 0))), promise(made, due), None),
            with(plus(shop(t(24, 11, 0))), promise(made, due), None),
            with(base(), promise(made, due), None),
        ];
        let s = compute(&convs, t(23, 0, 0), t(26, 12, 0), &cal());
        assert_eq!(s.promise_on_time_share(), Some(2.0 / 3.0));
    }
}
