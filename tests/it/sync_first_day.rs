//! Day one with a real mailbox (issue 11), against the real Dovecot: two years of old mail and
//! three customers who wrote in the last hour. The first sync stores the tracking window
//! first (the three), then the history newest first; only the three need a reply, the history
//! is in All and "Older, never answered"; a sync stopped during the history resumes without
//! fetching anything twice.
use crate::support;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use shopinbox::deadline::TrackWindow;
use shopinbox::store::{ShopContext, Store, View};
use shopinbox::sync::{sync_store, ImapAccount, Security, SyncError, SyncEvent, SyncOptions};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use support::MailServers;

const SHOP: &str = "shop@example.org";
/// The owner's first morning: Tuesday 24 November 2026, 10:00 in Berlin.
const NOW: &str = "2026-11-24T10:00:00+01:00";
const HISTORY: usize = 2000;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(NOW).unwrap()
}

/// The shop with the default window (the 3 business days before the first sync).
fn ctx() -> ShopContext {
    let mut ctx = support::berlin_shop(SHOP, NOW);
    ctx.calendar.track = TrackWindow::default();
    ctx
}

fn account(s: &MailServers) -> ImapAccount {
    ImapAccount {
        host: "localhost".into(),
        port: s.imaps_port,
        security: Security::Tls,
        username: s.user.clone(),
        password: s.password.clone(),
        password_from: String::new(),
        oauth2: None,
        ca_file: Some(s.ca.clone()),
        sent_folder: None,
        extra_folders: vec![],
    }
}

/// `history` messages over the two years before a month ago, generated (file times are their
/// INTERNALDATEs; see `MailServers::generate_inbox`), then three customer messages from the
/// last hour APPENDed, so they carry the highest UIDs as new mail does.
fn seed(servers: &MailServers, history: usize) -> Vec<String> {
    let month_ago = (now() - Duration::days(30)).timestamp();
    servers.generate_inbox(history as u32, 11, &["--now", &month_ago.to_string()]);
    // Dovecot gives the generated files their UIDs when the folder is first opened (Cyrus
    // when they are APPENDed).
    assert_eq!(servers.server_flags("INBOX").len(), history);
    let mut subjects = Vec::new();
    for (i, who) in ["anna@kunden.de", "ben@kunden.de", "cem@kunden.de"]
        .iter()
        .enumerate()
    {
        let subject = format!("Wo bleibt Bestellung 90{i}?");
        let sent = now() - Duration::minutes(50 - 20 * i as i64);
        let raw = format!(
            "From: {who}\r\nTo: {SHOP}\r\nSubject: {subject}\r\nMessage-ID: <today-{i}@kunden.de>\r\n\
             Date: {}\r\n\r\nHallo, wann kommt meine Bestellung?\r\n",
            sent.to_rfc2822()
        );
        servers.append("INBOX", raw.as_bytes(), &[], Some(sent));
        subjects.push(subject);
    }
    subjects.sort();
    subjects
}

fn subjects(store: &Store, view: View) -> Vec<String> {
    let at: DateTime<Utc> = now().into();
    let mut v: Vec<String> = store
        .list(view, at, 0, 10_000)
        .unwrap()
        .into_iter()
        .map(|r| r.subject)
        .collect();
    v.sort();
    v
}

fn stored_messages(store: &Store) -> i64 {
    store
        .connection()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn first_sync_stores_todays_customers_first_and_only_they_need_a_reply() {
    let servers = MailServers::start();
    let today = seed(&servers, HISTORY);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let mut store = Store::open(&path, ctx()).unwrap();

    // First pass, stopped during the history (after its first batch).
    let cancel = Arc::new(AtomicBool::new(false));
    let opts = SyncOptions {
        cancel: Some(cancel.clone()),
        ..SyncOptions::default()
    };
    let mut at_window: Option<(Vec<String>, i64)> = None;
    let mut events: Vec<String> = Vec::new();
    let res = sync_store(&account(&servers), &mut store, &opts, &mut |e| match e {
        SyncEvent::WindowSynced => {
            // What a second reader (the inbox) sees the moment the window is stored.
            let reader = Store::open(&path, ctx()).unwrap();
            at_window = Some((
                subjects(&reader, View::NeedsReply),
                stored_messages(&reader),
            ));
            events.push("window".into());
        }
        SyncEvent::History { done, total } => {
            events.push(format!("history {done} of {total}"));
            cancel.store(true, Ordering::SeqCst);
        }
        _ => {}
    });
    assert!(matches!(res, Err(SyncError::Cancelled)), "{res:?}");
    let (needs_reply, stored) = at_window.expect("the window was reported as synced");
    assert_eq!(
        needs_reply, today,
        "the window holds today's three customers"
    );
    assert_eq!(
        stored, 3,
        "nothing of the history was stored before the window"
    );
    assert_eq!(events[0], "window", "{events:?}");
    assert_eq!(
        events.len(),
        2,
        "stopped after one history batch: {events:?}"
    );
    assert_eq!(events[1], format!("history 253 of {}", HISTORY + 3));
    let partial = stored_messages(&store);
    assert!(partial > 3 && partial < (HISTORY + 3) as i64, "{partial}");
    let progress = store.history_pending().unwrap();
    assert_eq!(progress.map(|(_, total)| total), Some((HISTORY + 3) as u64));

    // A pass with no time left for history (the worker's budget) syncs new mail and leaves
    // the history for later, without error.
    let budget = SyncOptions {
        history_budget: Some(std::time::Duration::ZERO),
        ..SyncOptions::default()
    };
    sync_store(&account(&servers), &mut store, &budget, &mut |_| {}).unwrap();
    assert_eq!(stored_messages(&store), partial);
    assert!(store.history_pending().unwrap().is_some());

    // Second pass: resumes the history where it stopped; nothing twice, nothing skipped.
    let mut history_events = Vec::new();
    sync_store(
        &account(&servers),
        &mut store,
        &SyncOptions::default(),
        &mut |e| {
            if let SyncEvent::History { done, total } = e {
                history_events.push((done, total));
            }
        },
    )
    .unwrap();
    assert_eq!(
        history_events.last(),
        Some(&(HISTORY + 3, HISTORY + 3)),
        "history progress reaches the total"
    );
    assert!(
        history_events.first().unwrap().0 > 253,
        "resumed, not restarted"
    );
    let (rows, uids): (i64, i64) = store
        .connection()
        .query_row(
            "SELECT count(*), count(DISTINCT uid) FROM messages WHERE mailbox = 'INBOX'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, uids), ((HISTORY + 3) as i64, (HISTORY + 3) as i64));
    assert_eq!(store.history_pending().unwrap(), None);
    assert!(store.window_synced().unwrap());

    // Only the three need a reply; nothing is overdue; the history is in All and Older.
    let at: DateTime<Utc> = now().into();
    assert_eq!(subjects(&store, View::NeedsReply), today);
    let counts = store.counts(at).unwrap();
    assert_eq!((counts.needs_reply, counts.overdue), (3, 0));
    assert!(
        counts.older > 100,
        "older, never answered: {}",
        counts.older
    );
    assert!(counts.all > counts.older + 3, "{counts:?}");
    assert_eq!(store.tracking_start().unwrap(), Some(at));

    // A third pass has nothing to do.
    let summary = sync_store(
        &account(&servers),
        &mut store,
        &SyncOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(summary.folders[0].new, 0);
    assert_eq!(stored_messages(&store), (HISTORY + 3) as i64);
}

/// The same day through the binary: `shopinbox sync` with the default window, then `list`.
#[test]
fn shopinbox_sync_on_the_first_day_lists_only_todays_customers() {
    const PASSWORD_ENV: &str = "SHOPINBOX_TEST_IMAP_PASSWORD";
    let servers = MailServers::start();
    let today = seed(&servers, 200);
    let dir = tempfile::tempdir().unwrap();
    let config = support::write_sync_config(dir.path(), &servers, SHOP, PASSWORD_ENV);
    // The default tracking window, not the test helper's "count everything since 2000".
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("track_since = \"2000-01-01\"", "")).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_shopinbox"))
            .arg("--config")
            .arg(&config)
            .args(args)
            .args(["--now", NOW])
            .env(PASSWORD_ENV, &servers.password)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&["sync"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("older conversations never answered"),
        "{stdout}"
    );
    assert!(stdout.contains("shopinbox list --view older"), "{stdout}");

    let out = run(&["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut subjects: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap().to_string())
        .collect();
    subjects.sort();
    assert_eq!(subjects, today);
    let out = run(&["overdue"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "nothing is overdue on the first morning"
    );
    let out = run(&["list", "--view", "older", "--json"]);
    let older: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!older.as_array().unwrap().is_empty());
    assert!(older
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["state"] == "older"));
}
