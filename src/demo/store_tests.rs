//! The demo store end to end: built through parse + ingest, then read back through the same
//! queries the CLI and TUI use, at several `now`s.

use super::tests::local;
use super::*;
use crate::store::{ConversationId, ConversationRow, View};
use chrono::NaiveDate;
use std::collections::HashMap;

fn ids(rows: &[ConversationRow]) -> Vec<ConversationId> {
    rows.iter().map(|r| r.id).collect()
}

/// Builds the demo at `now` and checks every conversation against the intent of its newest
/// non-shop sample. Returns the store for further checks.
fn check_states(now: DateTime<Utc>, ctx: ShopContext) -> Store {
    let dir = tempfile::tempdir().unwrap();
    let store = build_demo_store_with(dir.path(), now, ctx).unwrap();

    let all = store.list(View::All, now, 0, 1000).unwrap();
    let needs = ids(&store.list(View::NeedsReply, now, 0, 1000).unwrap());
    let overdue = ids(&store.list(View::Overdue, now, 0, 1000).unwrap());
    let answered = ids(&store.list(View::Answered, now, 0, 1000).unwrap());
    let not_customer = ids(&store.list(View::NotCustomer, now, 0, 1000).unwrap());

    // Message-ID → conversation, via the store's own grouping.
    let mut conv_of: HashMap<String, ConversationId> = HashMap::new();
    for c in &all {
        for m in store.conversation_messages(c.id).unwrap() {
            if let Some(id) = m.message_id {
                conv_of.insert(id, c.id);
            }
        }
    }
    let placed = plan(now, &store.context().calendar).unwrap();
    let msgid = |s: &Sample| parse_message(s.raw.as_bytes()).message_id.unwrap();

    // Expected state per conversation: the newest sample that is not the shop's own mail.
    let mut expect: HashMap<ConversationId, (DateTime<Utc>, &Sample)> = HashMap::new();
    for p in &placed {
        let conv = *conv_of
            .get(&msgid(p.sample))
            .unwrap_or_else(|| panic!("{} not in the store", p.sample.name));
        if p.sample.intent == Intent::Shop {
            continue;
        }
        let e = expect.entry(conv).or_insert((p.received_at, p.sample));
        if p.received_at > e.0 {
            *e = (p.received_at, p.sample);
        }
    }
    for (conv, (_, s)) in &expect {
        let name = s.name;
        match s.intent {
            Intent::Overdue => {
                assert!(overdue.contains(conv), "{name} should be overdue at {now}");
                assert!(needs.contains(conv), "{name} should need a reply at {now}");
            }
            Intent::Fresh | Intent::DueSoon => {
                assert!(needs.contains(conv), "{name} should need a reply at {now}");
                assert!(
                    !overdue.contains(conv),
                    "{name} should not be overdue at {now}"
                );
            }
            Intent::Answered => {
                assert!(
                    answered.contains(conv),
                    "{name} should be answered at {now}"
                );
                assert!(
                    !needs.contains(conv),
                    "{name} should not need a reply at {now}"
                );
            }
            Intent::NotCustomer => {
                assert!(
                    not_customer.contains(conv),
                    "{name} should be not-a-customer at {now}"
                );
                assert!(
                    !needs.contains(conv),
                    "{name} must stay out of NeedsReply at {now}"
                );
            }
            Intent::Shop => unreachable!(),
        }
    }

    let counts = store.counts(now).unwrap();
    assert!(counts.overdue >= 1, "{counts:?}");
    assert!(counts.answered >= 1, "{counts:?}");
    assert!(counts.not_customer >= 1, "{counts:?}");
    assert_eq!(counts.needs_reply, needs.len() as u64);
    assert_eq!(counts.all, all.len() as u64);
    store
}

#[test]
fn monday_morning() {
    check_states(
        local(2025, 6, 2, 10, 0),
        demo_context(Clock::fixed(local(2025, 6, 2, 10, 0))),
    );
}

#[test]
fn wednesday_afternoon_shows_due_soon() {
    let now = local(2025, 6, 4, 16, 30);
    let store = check_states(now, demo_context(Clock::fixed(now)));
    let soon = store
        .list(View::NeedsReply, now, 0, 1000)
        .unwrap()
        .into_iter()
        .filter(|c| {
            c.due_at
                .is_some_and(|d| d > now && d - now <= Duration::minutes(60))
        })
        .count();
    assert!(soon >= 1, "nothing due soon at {now}");
}

#[test]
fn saturday() {
    check_states(
        local(2025, 6, 7, 11, 20),
        demo_context(Clock::fixed(local(2025, 6, 7, 11, 20))),
    );
}

#[test]
fn monday_after_christmas_holidays() {
    // The demo calendar closes on 25 and 26 December (Thu, Fri): nothing fell due that
    // weekend, so the overdue mail goes back to Wednesday.
    check_states(
        local(2025, 12, 29, 10, 0),
        demo_context(Clock::fixed(local(2025, 12, 29, 10, 0))),
    );
}

#[test]
fn tuesday_after_easter_with_a_holiday_calendar() {
    let now = local(2025, 4, 22, 9, 5);
    let mut ctx = demo_context(Clock::fixed(now));
    for d in [(2025, 4, 18), (2025, 4, 21)] {
        ctx.calendar
            .holidays
            .insert(NaiveDate::from_ymd_opt(d.0, d.1, d.2).unwrap());
    }
    check_states(now, ctx);
}

#[test]
fn built_like_synced_mail() {
    let now = local(2025, 6, 3, 14, 0);
    let dir = tempfile::tempdir().unwrap();
    let store = build_demo_store(dir.path(), Clock::fixed(now)).unwrap();
    assert!(dir.path().join(DEMO_STORE_FILE).exists());
    assert!(demo_outbox_dir(dir.path()).is_dir());

    let inbox = SAMPLES.iter().filter(|s| s.folder == Folder::Inbox).count();
    let sent = SAMPLES.len() - inbox;
    assert_eq!(
        store.uids(INBOX, DEMO_UIDVALIDITY).unwrap(),
        (1..=inbox as u32).collect::<Vec<_>>()
    );
    assert_eq!(
        store.uids(SENT, DEMO_UIDVALIDITY).unwrap(),
        (1..=sent as u32).collect::<Vec<_>>()
    );
    let st = store.mailbox_state(INBOX).unwrap().unwrap();
    assert_eq!(
        (st.uidvalidity, st.highest_uid),
        (DEMO_UIDVALIDITY, inbox as u32)
    );
    assert_eq!(store.rules().unwrap().len(), DEMO_RULES.len());

    // Every message: Date: agrees with arrival, uids follow arrival, strings are clean.
    let mut rows = Vec::new();
    for c in store.list(View::All, now, 0, 1000).unwrap() {
        assert!(
            crate::mail::sanitize::is_clean_line(&c.subject),
            "{:?}",
            c.subject
        );
        if let Some(n) = &c.customer_name {
            assert!(crate::mail::sanitize::is_clean_line(n), "{n:?}");
        }
        rows.extend(store.conversation_messages(c.id).unwrap());
    }
    assert_eq!(rows.len(), SAMPLES.len());
    for m in &rows {
        let date = m.date.unwrap();
        assert!(
            (m.received_at - date).num_seconds().abs() < 120,
            "{:?}",
            m.subject
        );
        assert!(m.received_at <= now);
        let malformed = SAMPLES
            .iter()
            .find(|s| parse_message(s.raw.as_bytes()).message_id == m.message_id)
            .unwrap()
            .malformed;
        assert_eq!(
            !m.problems.is_empty(),
            malformed,
            "{:?}: {:?}",
            m.subject,
            m.problems
        );
    }
    for mailbox in [INBOX, SENT] {
        let mut mine: Vec<_> = rows
            .iter()
            .filter(|m| m.location.mailbox == mailbox)
            .collect();
        mine.sort_by_key(|m| m.location.uid);
        assert!(mine
            .windows(2)
            .all(|w| w[0].received_at <= w[1].received_at));
    }

    // The hostile sample is stored readable, without escape sequences or bidi overrides.
    let hostile = rows.iter().find(|m| m.subject.contains("#1050")).unwrap();
    for s in [
        &hostile.subject,
        &hostile
            .from
            .as_ref()
            .unwrap()
            .name
            .clone()
            .unwrap_or_default(),
    ] {
        assert!(
            !s.chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{s:?}"
        );
    }
    assert!(!hostile.body.contains('\u{1b}') && !hostile.body.contains('\u{202e}'));

    // The shop's replies are recognised as the shop's.
    assert!(rows
        .iter()
        .filter(|m| m.location.mailbox == SENT)
        .all(|m| m.is_shop));
    // Encoded-word names come out decoded.
    assert!(rows
        .iter()
        .any(|m| m.from.as_ref().and_then(|a| a.name.as_deref()) == Some("María José García")));
}

#[test]
fn rebuilding_in_the_same_folder_starts_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let now = local(2025, 6, 3, 14, 0);
    drop(build_demo_store(dir.path(), Clock::fixed(now)).unwrap());
    let later = now + Duration::days(2);
    let store = build_demo_store(dir.path(), Clock::fixed(later)).unwrap();
    let n: usize = store
        .list(View::All, later, 0, 1000)
        .unwrap()
        .iter()
        .map(|c| c.message_count as usize)
        .sum();
    assert_eq!(n, SAMPLES.len());
    let inbox = SAMPLES.iter().filter(|s| s.folder == Folder::Inbox).count() as u32;
    assert_eq!(
        store.uids(INBOX, DEMO_UIDVALIDITY).unwrap().last(),
        Some(&inbox)
    );
    // The mail is placed relative to the second build's `now`, not kept from the first.
    let newest = store.list(View::All, later, 0, 1).unwrap()[0].last_at;
    assert!(newest > now, "{newest} still from the first build");
}

#[test]
fn friday_exactly_at_closing_time_and_monday_before_opening() {
    check_states(
        local(2025, 6, 6, 17, 0),
        demo_context(Clock::fixed(local(2025, 6, 6, 17, 0))),
    );
    check_states(
        local(2025, 6, 9, 8, 59),
        demo_context(Clock::fixed(local(2025, 6, 9, 8, 59))),
    );
}

/// Issue 20: the demo still shows what the proactive layer does, from signals a sender cannot
/// forge: exactly one possible duplicate order (two notifications Shopify signed), one
/// suspicious message and one bounced reply, each in Needs reply with its reason.
#[test]
fn one_duplicate_one_suspicious_one_bounce() {
    use crate::store::FlagKind;
    let now = local(2025, 6, 3, 11, 0);
    let dir = tempfile::tempdir().unwrap();
    let store = build_demo_store_with(dir.path(), now, demo_context(Clock::fixed(now))).unwrap();
    let needs = store.list(View::NeedsReply, now, 0, 1000).unwrap();
    let all = store.list(View::All, now, 0, 1000).unwrap();
    for (kind, what) in [
        (
            FlagKind::DuplicateOrder,
            "Possible duplicate order #1047 / #1048",
        ),
        (FlagKind::Suspicious, ""),
        (
            FlagKind::Bounced,
            "your reply to sarah.kowalski@gmial.com bounced",
        ),
    ] {
        let with: Vec<&ConversationRow> = all
            .iter()
            .filter(|r| r.flags.iter().any(|f| f.kind == kind))
            .collect();
        assert_eq!(with.len(), 1, "{kind:?}: {with:#?}");
        assert!(
            needs.iter().any(|r| r.id == with[0].id),
            "{kind:?} is in Needs reply"
        );
        let text = format!("{} {}", with[0].subject, with[0].flags[0].reason);
        assert!(text.contains(what), "{kind:?}: {text}");
    }
}

/// Issue 27's "Done when": the demo has an imported order history (the Shopify export, #900 to
/// #908, in the customers' panels) and a finished campaign whose four notices were sent.
#[test]
fn the_demo_has_an_imported_order_history_and_a_finished_campaign() {
    let now = local(2026, 11, 25, 16, 30);
    let dir = tempfile::tempdir().unwrap();
    let store = build_demo_store(dir.path(), Clock::fixed(now)).unwrap();
    let imported: Vec<_> = store
        .orders_for_outreach(None, None)
        .unwrap()
        .into_iter()
        .filter(|(o, _)| o.platform == "shopify" && o.number.starts_with("90"))
        .collect();
    assert_eq!(imported.len(), 9, "{imported:?}");
    let katrin = store.customer("k.mueller@web.de").unwrap();
    let numbers: Vec<&str> = katrin.orders.iter().map(|o| o.number.as_str()).collect();
    assert!(
        numbers.contains(&"901") && numbers.contains(&"905"),
        "{numbers:?}"
    );
    let campaigns = store.campaigns().unwrap();
    assert_eq!(campaigns.len(), 1);
    assert_eq!(
        campaigns[0].state,
        crate::store::outreach::CampaignState::Done
    );
    let n = store.campaign_counts(campaigns[0].id).unwrap();
    assert_eq!((n.recipients, n.sent, n.failed), (4, 4, 0));
}
