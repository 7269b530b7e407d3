//! `[imap] mark_read_on_server`: opening a conversation in the inbox marks the customer's
//! messages read on the server, through the durable write-back jobs the sync worker runs.
//! The app itself only writes the job to the store and asks the worker to sync. Against the
//! real Dovecot of tests/support.

use crate::support;

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use shopinbox::app::{Action, App, AppOptions, Command, Effect, Screen};
use shopinbox::clock::Clock;
use shopinbox::config::{Config, ImapConfig, PasswordSource, SaveSent, Security};
use shopinbox::store::{Location, NewMessage, Store};
use shopinbox::sync::jobs::{self, Select};
use support::MailServers;

const CUSTOMER_ID: &str = "cust-7@example.com";

fn now() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00")
        .unwrap()
        .into()
}

fn customer_mail() -> Vec<u8> {
    format!(
        "From: John Smith <john.smith@example.com>\r\n\
         To: Alphx <hello@alphx.shop>\r\n\
         Subject: Where is my order #1042?\r\n\
         Message-ID: <{CUSTOMER_ID}>\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0100\r\n\
         \r\n\
         Hi, my package never arrived.\r\n"
    )
    .into_bytes()
}

struct Fixture {
    servers: MailServers,
    cfg: Config,
    db: PathBuf,
    uid: u32,
    _dir: tempfile::TempDir,
}

/// John's unread message is in `folder` on the server and in the store.
fn setup(folder: &str) -> Fixture {
    let servers = MailServers::start();
    let dir = tempfile::tempdir().unwrap();
    if folder != "INBOX" {
        servers.create_mailbox(folder);
    }
    let raw = customer_mail();
    let uid = servers.append(folder, &raw, &[], None);
    let mut cfg = Config::demo();
    cfg.imap = Some(ImapConfig {
        host: "localhost".into(),
        port: servers.imaps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        auth: shopinbox::config::ServerAuth::Password(PasswordSource::Command(format!(
            "printf '%s' '{}'",
            servers.password
        ))),
        ca_file: Some(servers.ca.clone()),
        sent_folder: None,
        folders: vec![folder.to_string()],
        idle: false,
        poll_seconds: 60,
        save_sent: SaveSent::Auto,
        mark_read_on_server: true,
    });
    let db = dir.path().join("shopinbox.db");
    let mut store = Store::open(&db, cfg.shop_context(Clock::fixed(now()))).unwrap();
    let parsed = shopinbox::mail::parse::parse_message(&raw);
    store
        .ingest(
            vec![NewMessage {
                location: Location::new(folder, servers.uidvalidity(folder), uid),
                raw,
                received_at: parsed.date.unwrap(),
                parsed,
                flags: vec![],
            }],
            None,
        )
        .unwrap();
    Fixture {
        servers,
        cfg,
        db,
        uid,
        _dir: dir,
    }
}

/// The inbox on the fixture's store, as the TUI runs it with a sync worker attached.
fn app(f: &Fixture, mark_read_on_server: bool) -> App {
    let store = Store::open(&f.db, f.cfg.shop_context(Clock::fixed(now()))).unwrap();
    App::new(
        Box::new(store),
        AppOptions {
            color: false,
            fixed_now: Some(now()),
            sync_available: true,
            mark_read_on_server,
            config: Some(f.cfg.clone()),
            ..AppOptions::default()
        },
        now(),
        100,
        30,
    )
}

fn open_first(app: &mut App) -> Effect {
    let effect = app.update(Action::Command(Command::Open));
    assert!(
        matches!(app.screen(), Some(Screen::Conversation(_))),
        "the conversation is open"
    );
    effect
}

fn pending(app: &App) -> Vec<jobs::Job> {
    jobs::pending(app.data.store().unwrap().connection(), Select::default()).unwrap()
}

fn has_seen(f: &Fixture, folder: &str, uid: u32) -> bool {
    f.servers
        .server_flags(folder)
        .get(&uid)
        .is_some_and(|flags| flags.iter().any(|x| x == "\\Seen"))
}

fn account(f: &Fixture) -> shopinbox::sync::ImapAccount {
    shopinbox::sync::ImapAccount::from_config(f.cfg.imap.as_ref().unwrap()).unwrap()
}

/// One pass of the inbox's background sync worker, as `Effect::SyncNow` asks for.
fn worker_pass(f: &Fixture) {
    let (tx, rx) = shopinbox::sync::spawn_worker(
        account(f),
        f.db.clone(),
        f.cfg.shop_context(Clock::fixed(now())),
        shopinbox::sync::WorkerOptions {
            idle: false,
            ..Default::default()
        },
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(shopinbox::sync::SyncEvent::Finished(_)) => break,
            Ok(shopinbox::sync::SyncEvent::Failed(e)) => panic!("{e}"),
            _ => assert!(std::time::Instant::now() < deadline, "no sync pass"),
        }
    }
    tx.send(shopinbox::sync::SyncCommand::Shutdown).unwrap();
}

#[test]
fn opening_a_conversation_queues_seen_and_the_sync_worker_sets_it() {
    let f = setup("INBOX");
    let mut app = app(&f, true);
    assert_eq!(open_first(&mut app), Effect::SyncNow, "the worker is asked");
    let queued = pending(&app);
    assert_eq!(queued.len(), 1, "{queued:?}");
    let job = &queued[0];
    assert_eq!(job.kind, jobs::JobKind::Flags);
    assert_eq!(job.flags, ["\\Seen"]);
    assert_eq!(
        (
            job.mailbox.as_deref(),
            job.uidvalidity,
            job.uid,
            job.message_id.as_deref()
        ),
        (
            Some("INBOX"),
            Some(f.servers.uidvalidity("INBOX")),
            Some(f.uid),
            Some(CUSTOMER_ID)
        )
    );
    // Shown read at once; the UI thread did no network IO, so the server is unchanged.
    let Some(Screen::Conversation(c)) = app.screen() else {
        unreachable!()
    };
    assert!(
        c.messages[0].has_flag("\\Seen"),
        "{:?}",
        c.messages[0].flags
    );
    assert!(!has_seen(&f, "INBOX", f.uid));

    // Going back and opening again asks for nothing more.
    app.update(Action::Command(Command::Back));
    assert_eq!(open_first(&mut app), Effect::None);
    assert_eq!(pending(&app).len(), 1);

    worker_pass(&f);
    assert!(has_seen(&f, "INBOX", f.uid), "\\Seen on the server");
    assert!(pending(&app).is_empty(), "the job is done");
}

#[test]
fn with_mark_read_on_server_off_nothing_is_queued() {
    let f = setup("INBOX");
    let mut app = app(&f, false);
    assert_eq!(open_first(&mut app), Effect::None);
    assert!(pending(&app).is_empty());
    worker_pass(&f);
    assert!(!has_seen(&f, "INBOX", f.uid));
}

#[test]
fn seen_never_lands_on_another_message_after_the_folder_was_recreated() {
    let f = setup("Support");
    let mut app = app(&f, true);
    assert_eq!(open_first(&mut app), Effect::SyncNow);
    assert_eq!(pending(&app).len(), 1);

    // Another client recreates the folder: Ann's message now has the UID saved for John's.
    f.servers.delete_mailbox("Support");
    f.servers.create_mailbox("Support");
    let other = b"From: Ann Other <ann@example.net>\r\nTo: hello@alphx.shop\r\n\
Subject: Invoice please\r\nMessage-ID: <ann-1@example.net>\r\n\
Date: Mon, 23 Nov 2026 11:00:00 +0100\r\n\r\nCould I get an invoice?\r\n";
    let ann_uid = f.servers.append("Support", other, &[], None);
    assert_eq!(ann_uid, f.uid, "the saved UID is now Ann's message");

    let run = || {
        shopinbox::sync::run_jobs(
            &account(&f),
            app.data.store().unwrap().connection(),
            Select::waited(now() + chrono::Duration::hours(1)),
            now(),
        )
    };
    let report = run();
    assert_eq!((report.done, report.waiting), (0, 1), "{report:?}");
    assert!(!has_seen(&f, "Support", ann_uid), "Ann's message untouched");

    // John's message comes back: found by its Message-ID, it is marked read.
    let john_uid = f.servers.append("Support", &customer_mail(), &[], None);
    let report = run();
    assert_eq!((report.done, report.waiting), (1, 0), "{report:?}");
    assert!(has_seen(&f, "Support", john_uid));
    assert!(!has_seen(&f, "Support", ann_uid), "still not Ann's");
}
