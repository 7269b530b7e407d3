use super::*;
use chrono::Duration;
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

    let claimed = claim(c, id, "lease", t(1)).unwrap().unwrap();
    assert_eq!(claimed.raw, composed(1).raw);
    assert_eq!(claimed.entry.state, OutboxState::Sending);
    assert_eq!(claimed.entry.attempts, 1);
    assert!(
        claim(c, id, "lease", t(1)).unwrap().is_none(),
        "no second claim"
    );
    assert!(due(c, t(1)).unwrap().is_empty());

    record(c, id, "lease", &Outcome::Sent, t(2), false).unwrap();
    let e = get(c, id).unwrap().unwrap();
    assert_eq!(e.state, OutboxState::Sent);
    assert_eq!(e.sent_at, Some(t(2)));
    assert!(
        claim(c, id, "lease", t(3)).unwrap().is_none(),
        "a sent reply is never claimed again"
    );
    assert!(record(c, id, "lease", &Outcome::Sent, t(3), false).is_err());
}

#[test]
fn failed_is_retried_automatically_after_the_backoff() {
    let store = db();
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    claim(c, id, "lease", t(0)).unwrap().unwrap();
    let outcome = Outcome::Failed {
        error: "connection refused".into(),
        retry_at: Some(t(1)),
    };
    record(c, id, "lease", &outcome, t(0), false).unwrap();
    assert_eq!(state(c, id), OutboxState::Failed);
    assert!(due(c, t(0)).unwrap().is_empty());
    assert_eq!(next_retry(c).unwrap(), Some(t(1)));
    assert_eq!(due(c, t(1)).unwrap(), vec![id]);
    let again = claim(c, id, "lease", t(1)).unwrap().unwrap();
    assert_eq!(again.entry.attempts, 2);
    record(c, id, "lease", &Outcome::Sent, t(1), false).unwrap();
    assert_eq!(next_retry(c).unwrap(), None);
}

#[test]
fn permanent_failure_waits_for_the_owner() {
    let store = db();
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    claim(c, id, "lease", t(0)).unwrap().unwrap();
    let outcome = Outcome::Failed {
        error: "535 auth".into(),
        retry_at: None,
    };
    record(c, id, "lease", &outcome, t(0), false).unwrap();
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
    claim(c, id, "lease", t(0)).unwrap().unwrap();
    record(
        c,
        id,
        "lease",
        &Outcome::Uncertain {
            error: "eof".into(),
        },
        t(0),
        false,
    )
    .unwrap();
    assert!(due(c, t(100_000)).unwrap().is_empty());
    assert!(claim(c, id, "lease", t(1)).unwrap().is_none());
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
    claim(c, id, "lease", t(0)).unwrap().unwrap();
    record(
        c,
        id,
        "lease",
        &Outcome::Uncertain {
            error: "eof".into(),
        },
        t(0),
        false,
    )
    .unwrap();
    mark_sent(c, id, t(3), false).unwrap();
    let e = get(c, id).unwrap().unwrap();
    assert_eq!((e.state, e.sent_at), (OutboxState::Sent, Some(t(3))));
    assert!(mark_sent(c, id, t(4), false).is_err());
    assert!(resend_uncertain(c, id, t(4)).is_err());
}

#[test]
fn crash_while_sending_becomes_uncertain_on_start() {
    let store = db();
    let c = store.connection();
    let a = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    let b = enqueue(c, &composed(2), None, None, t(0)).unwrap();
    claim(c, a, "lease", t(0)).unwrap().unwrap();
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
    let e = mark_sent(c, id, t(0), false).unwrap_err();
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
    claim(c, s, "lease", t(0)).unwrap();
    record(c, s, "lease", &Outcome::Sent, t(0), false).unwrap();
    claim(c, b, "lease", t(0)).unwrap();
    record(
        c,
        b,
        "lease",
        &Outcome::Uncertain { error: "x".into() },
        t(0),
        false,
    )
    .unwrap();
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

/// A store in a file, so that leases are real lock files next to it.
fn file_db(dir: &std::path::Path) -> crate::store::Store {
    let cfg = crate::config::Config::demo();
    crate::store::Store::open(
        &dir.join("store.db"),
        cfg.shop_context(crate::clock::Clock::fixed(t(0))),
    )
    .unwrap()
}

#[test]
fn a_live_senders_row_is_never_settled_resent_or_marked() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_db(dir.path());
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    let lease = super::lease::Lease::acquire(c, id).unwrap();
    claim(c, id, lease.token(), t(0)).unwrap().unwrap();

    // Another process starting up (or running `shopinbox outbox`) meanwhile.
    let other = file_db(dir.path());
    let o = other.connection();
    assert_eq!(recover_interrupted(o, t(1)).unwrap(), 0);
    assert_eq!(state(o, id), OutboxState::Sending);
    let busy = format!("reply {id} is being sent right now by another shopinbox; wait for it");
    assert_eq!(resend_uncertain(o, id, t(1)).unwrap_err().to_string(), busy);
    assert_eq!(mark_sent(o, id, t(1), true).unwrap_err().to_string(), busy);
    assert_eq!(retry(o, id, t(1)).unwrap_err().to_string(), busy);
    assert!(claim(o, id, "other", t(1)).unwrap().is_none());
    // Only the claim's own lease can record its outcome.
    assert!(record(o, id, "other", &Outcome::Sent, t(1), false).is_err());

    record(c, id, lease.token(), &Outcome::Sent, t(2), false).unwrap();
    drop(lease);
    assert_eq!(state(o, id), OutboxState::Sent);
    assert_eq!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".sending-"))
            .count(),
        0,
        "the lock file is gone after the send"
    );
}

#[test]
fn a_dead_senders_row_becomes_uncertain_and_its_lock_file_goes() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_db(dir.path());
    let c = store.connection();
    let id = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    // The sender died: its lock file is still there, but nobody holds the lock.
    let token = format!("store.db.sending-{id}-99999-0000000000000001.lock");
    std::fs::write(dir.path().join(&token), b"").unwrap();
    claim(c, id, &token, t(0)).unwrap().unwrap();
    assert_eq!(recover_interrupted(c, t(1)).unwrap(), 1);
    assert_eq!(state(c, id), OutboxState::Uncertain);
    assert!(!dir.path().join(&token).exists());
    // The dead sender cannot record anything any more, not even a late "sent".
    assert!(record(c, id, "someone-else", &Outcome::Sent, t(2), false).is_err());
}

#[test]
fn settling_as_sent_queues_the_write_back_in_the_same_transaction() {
    let store = db();
    let c = store.connection();
    let jobs = |c: &Connection| crate::sync::jobs::pending_count(c).unwrap();
    let a = enqueue(c, &composed(1), None, None, t(0)).unwrap();
    claim(c, a, "l", t(0)).unwrap().unwrap();
    record(c, a, "l", &Outcome::Sent, t(1), true).unwrap();
    assert_eq!(
        jobs(c),
        1,
        "the Sent copy (the original is not on a server here)"
    );

    let b = enqueue(c, &composed(2), None, None, t(0)).unwrap();
    claim(c, b, "l", t(0)).unwrap().unwrap();
    let failed = Outcome::Failed {
        error: "x".into(),
        retry_at: None,
    };
    record(c, b, "l", &failed, t(1), true).unwrap();
    assert_eq!(jobs(c), 1, "nothing to write back for a failed send");
    mark_sent(c, b, t(2), true).unwrap();
    assert_eq!(jobs(c), 2);
    assert!(mark_sent(c, b, t(3), true).is_err());
    assert_eq!(jobs(c), 2, "a refused change queues nothing");

    let d = enqueue(c, &composed(3), None, None, t(0)).unwrap();
    claim(c, d, "l", t(0)).unwrap().unwrap();
    record(c, d, "l", &Outcome::Sent, t(1), false).unwrap();
    assert_eq!(jobs(c), 2, "no IMAP account: no jobs");
}

#[test]
fn a_held_reply_waits_for_its_window_and_can_be_taken_back_only_while_queued() {
    let store = db();
    let c = store.connection();
    let held = enqueue_held(c, &composed(1), None, None, t(0), Some(t(1))).unwrap();
    let now = enqueue(c, &composed(2), None, None, t(0)).unwrap();
    assert!(is_held(&get(c, held).unwrap().unwrap(), t(0)));
    assert!(!is_held(&get(c, now).unwrap().unwrap(), t(0)));
    assert_eq!(due(c, t(0)).unwrap(), vec![now], "the held one waits");
    assert_eq!(
        next_retry(c).unwrap(),
        Some(t(1)),
        "the worker wakes for it"
    );
    assert_eq!(due(c, t(1)).unwrap(), vec![held, now]);
    assert!(!is_held(&get(c, held).unwrap().unwrap(), t(1)));

    // Taking it back removes the row while it is queued …
    cancel_queued(c, held).unwrap();
    assert!(get(c, held).unwrap().is_none());
    assert!(matches!(
        cancel_queued(c, held),
        Err(OutboxError::NotFound { .. })
    ));
    // … but never once the worker has claimed it.
    claim(c, now, "lease", t(1)).unwrap().unwrap();
    assert!(matches!(
        cancel_queued(c, now),
        Err(OutboxError::BeingSent { .. })
    ));
    assert_eq!(state(c, now), OutboxState::Sending);
}

#[test]
fn discard_takes_unsent_replies_and_refuses_sending_and_sent_ones() {
    let store = db();
    let c = store.connection();
    let ids: Vec<i64> = (1..=4)
        .map(|n| enqueue(c, &composed(n), None, None, t(0)).unwrap())
        .collect();
    // ids[0] stays queued; ids[1] failed; ids[2] being sent; ids[3] sent.
    claim(c, ids[1], "l", t(0)).unwrap().unwrap();
    let failed = Outcome::Failed {
        error: "refused".into(),
        retry_at: None,
    };
    record(c, ids[1], "l", &failed, t(0), false).unwrap();
    claim(c, ids[2], "l", t(0)).unwrap().unwrap();
    claim(c, ids[3], "l", t(0)).unwrap().unwrap();
    record(c, ids[3], "l", &Outcome::Sent, t(0), false).unwrap();

    discard(c, ids[0]).unwrap();
    discard(c, ids[1]).unwrap();
    assert!(matches!(
        discard(c, ids[2]),
        Err(OutboxError::BeingSent { .. })
    ));
    assert!(matches!(
        discard(c, ids[3]),
        Err(OutboxError::WrongState { .. })
    ));
    assert!(get(c, ids[0]).unwrap().is_none());
    assert!(get(c, ids[1]).unwrap().is_none());
    assert_eq!(state(c, ids[3]), OutboxState::Sent);
}
