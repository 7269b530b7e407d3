use super::*;
use chrono::TimeZone;

/// A store with the real schema; the outbox functions only use its connection.
fn db() -> crate::store::Store {
    let cfg = crate::config::Config::demo();
    crate::store::Store::open_in_memory(cfg.shop_context(crate::clock::Clock::fixed(t(0)))).unwrap()
}

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap() + Duration::minutes(min)
}

fn composed(n: u32) -> Composed {
    Composed {
        message_id: format!("m{n}@alphx.example"),
        to: "john@example.com".into(),
        from: "hello@alphx.example".into(),
        subject: "Re: Hello".into(),
        in_reply_to: Some("orig@example.com".into()),
        raw: format!("Subject: Re: Hello\r\n\r\nbody {n}\r\n").into_bytes(),
    }
}

fn state(conn: &Connection, id: i64) -> OutboxState {
    get(conn, id).unwrap().unwrap().state
}

#[test]
fn happy_path_queued_sending_sent() {
    let store = db();
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, Some(t(300)), t(0)).unwrap();
    let e = get(c, id).unwrap().unwrap();
    assert_eq!(e.state, OutboxState::Queued);
    assert_eq!(e.follow_up_at, Some(t(300)));
    assert_eq!(due(c, t(0)).unwrap(), vec![id]);

    let claimed = claim(c, id, t(1)).unwrap().unwrap();
    assert_eq!(claimed.raw, composed(1).raw);
    assert_eq!(claimed.entry.state, OutboxState::Sending);
    assert_eq!(claimed.entry.attempts, 1);
    assert!(claim(c, id, t(1)).unwrap().is_none(), "no second claim");
    assert!(due(c, t(1)).unwrap().is_empty());

    record(c, id, &Outcome::Sent, t(2)).unwrap();
    let e = get(c, id).unwrap().unwrap();
    assert_eq!(e.state, OutboxState::Sent);
    assert_eq!(e.sent_at, Some(t(2)));
    assert!(
        claim(c, id, t(3)).unwrap().is_none(),
        "a sent reply is never claimed again"
    );
    assert!(record(c, id, &Outcome::Sent, t(3)).is_err());
}

#[test]
fn failed_is_retried_automatically_after_the_backoff() {
    let store = db();
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    claim(c, id, t(0)).unwrap().unwrap();
    let outcome = Outcome::Failed {
        error: "connection refused".into(),
        retry_at: Some(t(1)),
    };
    record(c, id, &outcome, t(0)).unwrap();
    assert_eq!(state(c, id), OutboxState::Failed);
    assert!(due(c, t(0)).unwrap().is_empty());
    assert_eq!(next_retry(c).unwrap(), Some(t(1)));
    assert_eq!(due(c, t(1)).unwrap(), vec![id]);
    let again = claim(c, id, t(1)).unwrap().unwrap();
    assert_eq!(again.entry.attempts, 2);
    record(c, id, &Outcome::Sent, t(1)).unwrap();
    assert_eq!(next_retry(c).unwrap(), None);
}

#[test]
fn permanent_failure_waits_for_the_owner() {
    let store = db();
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    claim(c, id, t(0)).unwrap().unwrap();
    let outcome = Outcome::Failed {
        error: "535 auth".into(),
        retry_at: None,
    };
    record(c, id, &outcome, t(0)).unwrap();
    assert!(due(c, t(10_000)).unwrap().is_empty());
    assert_eq!(
        get(c, id).unwrap().unwrap().last_error.as_deref(),
        Some("535 auth")
    );
    retry(c, id, t(5)).unwrap();
    assert_eq!(state(c, id), OutboxState::Queued);
    assert_eq!(due(c, t(5)).unwrap(), vec![id]);
}

#[test]
fn uncertain_is_never_resent_without_the_owner() {
    let store = db();
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    claim(c, id, t(0)).unwrap().unwrap();
    record(
        c,
        id,
        &Outcome::Uncertain {
            error: "eof".into(),
        },
        t(0),
    )
    .unwrap();
    assert!(due(c, t(100_000)).unwrap().is_empty());
    assert!(claim(c, id, t(1)).unwrap().is_none());
    let e = retry(c, id, t(1)).unwrap_err();
    assert!(
        matches!(
            e,
            OutboxError::WrongState {
                state: OutboxState::Uncertain,
                ..
            }
        ),
        "{e}"
    );

    resend_uncertain(c, id, t(2)).unwrap();
    assert_eq!(due(c, t(2)).unwrap(), vec![id]);
}

#[test]
fn owner_can_mark_uncertain_as_sent() {
    let store = db();
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    claim(c, id, t(0)).unwrap().unwrap();
    record(
        c,
        id,
        &Outcome::Uncertain {
            error: "eof".into(),
        },
        t(0),
    )
    .unwrap();
    mark_sent(c, id, t(3)).unwrap();
    let e = get(c, id).unwrap().unwrap();
    assert_eq!((e.state, e.sent_at), (OutboxState::Sent, Some(t(3))));
    assert!(mark_sent(c, id, t(4)).is_err());
    assert!(resend_uncertain(c, id, t(4)).is_err());
}

#[test]
fn crash_while_sending_becomes_uncertain_on_start() {
    let store = db();
    let c = store.connection();
    let a = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    let b = enqueue(c, &composed(2), None, None, t(0)).unwrap();
    claim(c, a, t(0)).unwrap().unwrap();
    // …the process dies here…
    assert_eq!(recover_interrupted(c, t(5)).unwrap(), 1);
    assert_eq!(state(c, a), OutboxState::Uncertain);
    assert_eq!(state(c, b), OutboxState::Queued);
    assert_eq!(due(c, t(5)).unwrap(), vec![b]);
    assert!(get(c, a)
        .unwrap()
        .unwrap()
        .last_error
        .unwrap()
        .contains("stopped"));
}

#[test]
fn missing_ids_and_wrong_states_read_clearly() {
    let store = db();
    let c = store.connection();
    let e = retry(c, 99, t(0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "there is no reply 99 in the outbox; `shopinbox outbox` lists them"
    );
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    let e = mark_sent(c, id, t(0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "reply {id} is queued, so it cannot be marked as sent (only an uncertain or failed \
             reply can be)"
        )
    );
}

#[test]
fn the_same_message_id_is_never_queued_twice() {
    let store = db();
    let c = store.connection();
    enqueue(c, &composed(1), None, None, t(0)).unwrap();
    assert!(enqueue(c, &composed(1), None, None, t(0)).is_err());
    assert_eq!(list(c, None).unwrap().len(), 1);
}

#[test]
fn list_and_counts() {
    let store = db();
    let c = store.connection();
    let a = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    let b = enqueue(c, &composed(2), None, None, t(0)).unwrap();
    let s = enqueue(c, &composed(3), None, None, t(0)).unwrap();
    claim(c, s, t(0)).unwrap();
    record(c, s, &Outcome::Sent, t(0)).unwrap();
    claim(c, b, t(0)).unwrap();
    record(c, b, &Outcome::Uncertain { error: "x".into() }, t(0)).unwrap();
    let ids: Vec<i64> = list(c, None).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(ids, [s, b, a]);
    let ids: Vec<i64> = list(c, Some(t(1))).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(ids, [b, a], "old sent replies are left out");
    assert_eq!(
        pending_counts(c).unwrap(),
        PendingCounts {
            queued: 1,
            sending: 0,
            failed: 0,
            uncertain: 1
        }
    );
}

#[test]
fn durable_writes_restore_the_synchronous_setting() {
    let store = db();
    let c = store.connection();
    c.pragma_update(None, "synchronous", 1).unwrap();
    enqueue(c, &composed(1), None, None, t(0)).unwrap();
    let s: i64 = c
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!(s, 1);
}

#[test]
fn backoff_grows_and_caps() {
    let delays: Vec<i64> = (1..=8).map(|n| retry_delay(n).num_minutes()).collect();
    assert_eq!(delays, [1, 2, 5, 10, 30, 60, 60, 60]);
}
