//! Several processes on one store, as the owner really runs shopinbox: the inbox open all day
//! (its UI connection plus the sync and send workers' connections) while cron and the shell
//! run `sync`, `snooze`, `notes`, `list` beside it.
//!
//! The long-lived "inbox" is this test binary itself, run again with [`HOLDER_DIR`] set (see
//! [`holder`]): a real separate process that opens several `Store` connections and writes
//! through them, the way the TUI and its workers do. The short-lived writers are the real
//! `shopinbox` binary.

use crate::support;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Set in the re-executed test binary: the folder of the long-lived holder (config.toml in it).
const HOLDER_DIR: &str = "SHOPINBOX_TEST_HOLDER_DIR";
/// The time every process of these tests runs at (Tuesday 24 November 2026, shop time).
const NOW: &str = "2026-11-24 10:00";
const PASSWORD_ENV: &str = "SHOPINBOX_TEST_IMAP_PASSWORD";
const CUSTOMER: &str = "hannah.weber@example.net";
/// The customer the holder writes its notes for (the CLI writes for [`CUSTOMER`]).
const HOLDER_CUSTOMER: &str = "holder@example.org";

// ---------------------------------------------------------------- helpers

fn config_text(store: &Path, imap: Option<&support::MailServers>) -> String {
    let mut text = format!(
        r#"
[shop]
name = "Alphx"
owner_name = "Tom"
signature = "Tom"
addresses = ["hello@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"
business_days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "17:00"
holidays = []

[store]
path = "{}"
"#,
        store.display()
    );
    if let Some(s) = imap {
        text.push_str(&format!(
            r#"
[imap]
host = "127.0.0.1"
port = {port}
security = "tls"
username = "{user}"
password_env = "{PASSWORD_ENV}"
ca_file = "{ca}"
idle = false

[smtp]
host = "127.0.0.1"
port = {smtps}
security = "tls"
username = "{user}"
password_env = "{PASSWORD_ENV}"
ca_file = "{ca}"
"#,
            port = s.imaps_port,
            smtps = s.smtps_port,
            user = s.user,
            ca = s.ca.display(),
        ));
    }
    text
}

/// Writes `dir/config.toml` for a store at `store`; returns the config's path.
fn write_config(dir: &Path, store: &Path, imap: Option<&support::MailServers>) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, config_text(store, imap)).unwrap();
    path
}

/// The real binary with `--config` and `--now`.
fn shopinbox(config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopinbox"));
    cmd.arg("--config")
        .arg(config)
        .arg("--now")
        .arg(NOW)
        .env(PASSWORD_ENV, support::PASSWORD)
        .stdin(Stdio::null());
    cmd
}

fn run_ok(config: &Path, args: &[&str]) -> Output {
    let out = shopinbox(config).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "shopinbox {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A connection of the test's own, as any other program reading the file would have.
fn connect(db: &Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    conn
}

fn integrity(db: &Path) -> String {
    connect(db)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| format!("integrity_check failed: {e}"))
}

fn wal_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

fn count_notes(db: &Path, customer: &str) -> i64 {
    connect(db)
        .query_row(
            "SELECT COUNT(*) FROM notes WHERE customer_addr = ?1",
            [customer],
            |r| r.get(0),
        )
        .unwrap()
}

const EML: &str = "Date: Tue, 24 Nov 2026 08:59:00 +0100\r\n\
From: Hannah Weber <hannah.weber@example.net>\r\n\
To: hello@alphx.shop\r\n\
Subject: Restock of the Fjord mugs?\r\n\
Message-ID: <restock-0001@example.net>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Will the Fjord mugs be back in stock before Christmas?\r\n";

/// The id of the only conversation, as `list --json` prints it.
fn only_conversation(config: &Path) -> i64 {
    let out = run_ok(config, &["list", "--view", "all", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    rows[0]["id"].as_i64().unwrap()
}

// ---------------------------------------------------------------- the long-lived holder

/// What the holder reports when it stops.
#[derive(Debug, Default)]
struct HolderReport {
    /// Notes the holder wrote (and saw committed).
    notes: i64,
    /// Ticks at which the store's -wal file was missing although the holder had it open.
    wal_missing: i64,
    /// Every error the holder met (store errors, sync worker failures).
    errors: Vec<String>,
    /// Sync passes its sync worker finished (soak only).
    syncs: i64,
}

impl HolderReport {
    /// No error on the holder's side, and its -wal was there at every tick.
    fn assert_clean(&self) {
        assert!(
            self.errors.is_empty(),
            "{} holder errors, the first: {:?}",
            self.errors.len(),
            &self.errors[..self.errors.len().min(5)]
        );
        assert_eq!(self.wal_missing, 0, "the -wal vanished under the holder");
    }

    fn parse(text: &str) -> HolderReport {
        let mut r = HolderReport::default();
        for line in text.lines() {
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            match k {
                "notes" => r.notes = v.parse().unwrap(),
                "wal_missing" => r.wal_missing = v.parse().unwrap(),
                "syncs" => r.syncs = v.parse().unwrap(),
                "error" => r.errors.push(v.to_string()),
                _ => {}
            }
        }
        r
    }
}

/// The long-lived process as the parent test sees it. Dropping it stops it.
struct Holder {
    dir: PathBuf,
    child: Option<Child>,
}

impl Holder {
    /// Starts this test binary again as the holder of the store named by `dir/config.toml`
    /// (the test `test_name` runs [`holder`] when it sees [`HOLDER_DIR`]); returns once the
    /// holder has its connections open.
    fn start(dir: &Path, test_name: &str) -> Holder {
        // In the one test binary a test's full name carries its suite's module.
        let full_name = format!("store_concurrency::{test_name}");
        let child = Command::new(std::env::current_exe().unwrap())
            .args([
                full_name.as_str(),
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(HOLDER_DIR, dir)
            .env(PASSWORD_ENV, support::PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut h = Holder {
            dir: dir.to_path_buf(),
            child: Some(child),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !dir.join("holder.ready").exists() {
            if let Some(status) = h.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("the holder ended before it was ready: {status}");
            }
            assert!(Instant::now() < deadline, "the holder never got ready");
            std::thread::sleep(Duration::from_millis(10));
        }
        h
    }

    fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| c.try_wait().unwrap().is_none())
    }

    /// Asks the holder to stop, waits for it, and reads its report.
    fn stop(mut self) -> HolderReport {
        std::fs::write(self.dir.join("holder.stop"), b"").unwrap();
        let status = self.child.take().unwrap().wait().unwrap();
        assert!(status.success(), "the holder failed: {status}");
        HolderReport::parse(&std::fs::read_to_string(self.dir.join("holder.report")).unwrap())
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = std::fs::write(self.dir.join("holder.stop"), b"");
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The holder's side, in the re-executed process: like the inbox, a UI connection open all
/// the time, a send worker's connection open all the time, and a sync worker that opens a
/// connection for each pass. With an `[imap]` section the real workers run (the sync worker
/// syncing every few ticks) instead of the stand-ins. Each tick writes through the UI
/// connection (and the stand-in sync connection) and checks that the -wal file is there.
fn holder(dir: &Path) {
    use shopinbox::app::WorkerCommand;
    use shopinbox::app::WorkerEvent;
    use shopinbox::clock::Clock;
    use shopinbox::store::Store;

    let config = shopinbox::config::Config::load(&dir.join("config.toml")).unwrap();
    let clock = Clock::fixed(
        chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00")
            .unwrap()
            .into(),
    );
    let ctx = config.shop_context(clock);
    let db = config.store_path();
    let wal = wal_of(&db);
    let mut report = HolderReport::default();

    let mut ui = Store::open(&db, ctx.clone()).unwrap();
    let (workers, _send_store) = if config.imap.is_some() {
        let w = shopinbox::workers::start(shopinbox::workers::WorkerPlan {
            config: &config,
            store_path: db.clone(),
            demo_outbox: None,
            clock,
        })
        .unwrap();
        (Some(w), None)
    } else {
        (None, Some(Store::open(&db, ctx.clone()).unwrap()))
    };
    std::fs::write(dir.join("holder.ready"), b"").unwrap();

    let deadline = Instant::now() + Duration::from_secs(300);
    let mut tick = 0u64;
    while !dir.join("holder.stop").exists() && Instant::now() < deadline {
        tick += 1;
        if workers.is_none() {
            // A sync pass: its own connection, opened and closed again.
            match Store::open(&db, ctx.clone())
                .and_then(|mut s| s.add_note(HOLDER_CUSTOMER, &format!("sync pass {tick}")))
            {
                Ok(_) => report.notes += 1,
                Err(e) => report.errors.push(format!("sync pass connection: {e}")),
            }
        }
        match ui.add_note(HOLDER_CUSTOMER, &format!("ui {tick}")) {
            Ok(_) => report.notes += 1,
            Err(e) => report.errors.push(format!("ui connection: {e}")),
        }
        if let Some(w) = &workers {
            if tick % 4 == 0 {
                let _ = w.commands.send(WorkerCommand::SyncNow);
            }
            while let Ok(ev) = w.events.try_recv() {
                match ev {
                    WorkerEvent::Finished { .. } => report.syncs += 1,
                    WorkerEvent::Offline { reason } | WorkerEvent::Error { message: reason } => {
                        report.errors.push(format!("worker: {reason}"))
                    }
                    _ => {}
                }
            }
        }
        if !wal.exists() {
            report.wal_missing += 1;
        }
        std::thread::sleep(Duration::from_millis(15));
    }
    if let Some(w) = workers {
        let _ = w.commands.send(WorkerCommand::Shutdown);
        // The sync worker ends after its current pass; its events then stop.
        let end = Instant::now() + Duration::from_secs(60);
        while Instant::now() < end {
            match w.events.recv_timeout(Duration::from_millis(200)) {
                Ok(WorkerEvent::Finished { .. }) => report.syncs += 1,
                Ok(WorkerEvent::Offline { reason })
                | Ok(WorkerEvent::Error { message: reason }) => {
                    report.errors.push(format!("worker: {reason}"))
                }
                Ok(_) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
    }
    let mut text = format!(
        "notes={}\nwal_missing={}\nsyncs={}\n",
        report.notes, report.wal_missing, report.syncs
    );
    for e in &report.errors {
        text.push_str(&format!("error={}\n", e.replace('\n', " ")));
    }
    std::fs::write(dir.join("holder.report"), text).unwrap();
}

/// Runs the holder instead of the test when this process is the re-executed holder.
fn as_holder() -> bool {
    match std::env::var_os(HOLDER_DIR) {
        Some(dir) => {
            holder(Path::new(&dir));
            true
        }
        None => false,
    }
}

// ---------------------------------------------------------------- issue 10, item 1

/// The inbox stays open (UI, send and per-pass sync connections) while 40 rounds of
/// `snooze`, `notes add` and `list` run in other processes and exit. Closing any descriptor of
/// the database file in the inbox's process would drop SQLite's locks there: the next exiting
/// process would then think it was the last user, checkpoint and delete the -wal under the
/// inbox, whose later writes go to a deleted file (lost) or corrupt the database.
#[test]
fn inbox_open_beside_cli_writers_keeps_the_store_whole() {
    if as_holder() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let db = dir.join("data/store.db");
    let config = write_config(dir, &db, None);
    let eml = dir.join("question.eml");
    std::fs::write(&eml, EML).unwrap();
    run_ok(&config, &["import", eml.to_str().unwrap()]);
    let id = only_conversation(&config).to_string();

    let mut holder = Holder::start(dir, "inbox_open_beside_cli_writers_keeps_the_store_whole");
    const ROUNDS: i64 = 40;
    for round in 0..ROUNDS {
        run_ok(
            &config,
            &["snooze", &id, "2026-11-25 09:00", "--past-deadline"],
        );
        run_ok(
            &config,
            &["notes", CUSTOMER, "add", &format!("cli round {round}")],
        );
        run_ok(&config, &["list", "--view", "all"]);
        assert!(holder.is_running(), "the holder died in round {round}");
        assert!(
            wal_of(&db).exists(),
            "round {round}: the -wal was deleted while the inbox had the store open"
        );
    }
    let report = holder.stop();
    assert!(
        report.errors.is_empty(),
        "holder errors: {:?}",
        report.errors
    );
    assert_eq!(report.wal_missing, 0, "the -wal vanished under the holder");
    assert_eq!(integrity(&db), "ok");
    assert_eq!(count_notes(&db, CUSTOMER), ROUNDS, "every CLI note kept");
    assert_eq!(
        count_notes(&db, HOLDER_CUSTOMER),
        report.notes,
        "every note the holder committed is in the file"
    );
    assert!(report.notes > 0);
}

// ---------------------------------------------------------------- issue 10, item 2

/// Six processes open a store that does not exist yet, at the same moment, ten times over:
/// every one succeeds (one creates the schema, the others wait for it and find it done).
#[test]
fn many_processes_create_a_new_store_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    for round in 0..10 {
        let dir = tmp.path().join(format!("round{round}"));
        let db = dir.join("new/folder/store.db");
        let config = write_config(&dir, &db, None);
        let children: Vec<Child> = (0..6)
            .map(|_| {
                shopinbox(&config)
                    .args(["list", "--view", "all"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(integrity(&db), "ok");
    }
}

// ---------------------------------------------------------------- issue 10, item 3

/// What a user must never read: SQLite's own words for a lock, or its numeric codes.
fn assert_no_sqlite_words(stderr: &str) {
    for bad in ["database is locked", "Error code", "SQLITE", "panicked"] {
        assert!(!stderr.contains(bad), "{bad:?} shown to the user: {stderr}");
    }
}

/// Fills the server's INBOX with `n` generated messages (straight into the Maildir).
fn fill_inbox(servers: &support::MailServers, n: u32) {
    let status = Command::new("/usr/bin/python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mailservers/gen_maildir.py"))
        .arg(servers.maildir())
        .args(["-n", &n.to_string(), "--seed", "11", "--chown", "5000:5000"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "gen_maildir.py failed");
}

fn inbox_rows(db: &Path) -> i64 {
    if !db.exists() {
        return 0;
    }
    connect(db)
        .query_row(
            "SELECT COUNT(*) FROM messages WHERE mailbox = 'INBOX'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0)
}

/// Two `shopinbox sync` runs on one store at once, and `list` while they run: the second sync
/// waits for the first or stops with exit code 5 and one sentence; `list` always works; no
/// SQLite error reaches anyone; every message is stored once.
#[test]
fn two_syncs_and_list_at_once_on_one_store() {
    const MESSAGES: u32 = 1000;
    let servers = support::MailServers::start();
    fill_inbox(&servers, MESSAGES);
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.db");
    let config = write_config(tmp.path(), &db, Some(&servers));

    let mut first = shopinbox(&config)
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first sync is under way (its first batch committed) before the second starts.
    let deadline = Instant::now() + Duration::from_secs(120);
    while inbox_rows(&db) == 0 && first.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the first sync stored nothing");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = shopinbox(&config)
        .arg("sync")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lists_during_sync = 0;
    while first.try_wait().unwrap().is_none() {
        let out = shopinbox(&config)
            .args(["list", "--view", "all", "--limit", "5"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "list during a sync failed: {stderr}");
        assert_no_sqlite_words(&stderr);
        if first.try_wait().unwrap().is_none() {
            lists_during_sync += 1;
        }
    }
    let first = first.wait_with_output().unwrap();
    let first_err = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "the first sync failed: {first_err}");
    assert_no_sqlite_words(&first_err);
    assert!(lists_during_sync > 0, "no list ran while the sync did");

    let second = second.wait_with_output().unwrap();
    let second_err = String::from_utf8_lossy(&second.stderr);
    assert_no_sqlite_words(&second_err);
    match second.status.code() {
        // It waited for the first one and then found nothing left to fetch.
        Some(0) => assert!(
            String::from_utf8_lossy(&second.stdout).contains("INBOX: 0 new"),
            "{}",
            String::from_utf8_lossy(&second.stdout)
        ),
        // It stopped: one sentence.
        Some(5) => {
            assert_eq!(second_err.trim().lines().count(), 1, "{second_err}");
            assert!(
                second_err.starts_with("error: another sync of this store is running"),
                "{second_err}"
            );
        }
        other => panic!("the second sync ended with {other:?}: {second_err}"),
    }

    let conn = connect(&db);
    let (rows, uids, ids): (i64, i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT uid), COUNT(DISTINCT message_id)
               FROM messages WHERE mailbox = 'INBOX'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(rows, i64::from(MESSAGES));
    assert_eq!(uids, rows, "no UID stored twice");
    assert_eq!(ids, rows, "no Message-ID stored twice");
    assert_eq!(integrity(&db), "ok");
}

/// While one sync holds the store's sync lock (here: this test, as the open inbox's worker
/// would), `shopinbox sync` waits a bounded time and then stops with exit code 5 and one
/// sentence, without touching the store; the inbox's worker skips its pass quietly. Once the
/// lock is free both sync normally.
#[test]
fn a_held_sync_lock_stops_the_cli_with_exit_5_and_the_worker_skips() {
    use shopinbox::sync::{
        spawn_worker, ImapAccount, Security, SyncCommand, SyncEvent, SyncLock, WorkerOptions,
    };
    let servers = support::MailServers::start();
    servers.append("INBOX", EML.as_bytes(), &[], None);
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("data/store.db");
    let config = write_config(tmp.path(), &db, Some(&servers));

    let held = SyncLock::try_acquire(&db)
        .unwrap()
        .expect("the lock is free");
    let out = shopinbox(&config).arg("sync").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert!(
        err.starts_with("error: another sync of this store is running"),
        "{err}"
    );
    assert_no_sqlite_words(&err);
    assert!(
        !db.exists(),
        "a stopped sync does not even create the store"
    );

    let account = ImapAccount {
        host: "localhost".into(),
        port: servers.imaps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        password: servers.password.clone(),
        password_from: String::new(),
        oauth2: None,
        ca_file: Some(servers.ca.clone()),
        sent_folder: None,
        extra_folders: vec![],
    };
    let ctx = shopinbox::config::Config::load(&config)
        .unwrap()
        .shop_context(shopinbox::clock::Clock::fixed(
            chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00")
                .unwrap()
                .into(),
        ));
    let options = WorkerOptions {
        idle: false,
        poll: Duration::from_secs(3600),
        ..WorkerOptions::default()
    };
    // The worker's first pass starts at once, and finds the lock taken.
    let (commands, events) = spawn_worker(account, db.clone(), ctx, options);
    let next = || events.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(next(), SyncEvent::Skipped);
    drop(held);
    commands.send(SyncCommand::SyncNow).unwrap();
    assert_eq!(next(), SyncEvent::Started);
    loop {
        match next() {
            SyncEvent::Finished(summary) => {
                assert_eq!(summary.folders[0].new, 1);
                break;
            }
            SyncEvent::Failed(e) => panic!("the worker's pass failed: {e}"),
            _ => {}
        }
    }
    commands.send(SyncCommand::Shutdown).unwrap();
    while events.recv_timeout(Duration::from_secs(60)).is_ok() {}

    let out = shopinbox(&config).arg("sync").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(inbox_rows(&db), 1);
}

// ---------------------------------------------------------------- issue 10: the soak

/// A customer question with a Message-ID of its own.
fn question(tag: &str) -> Vec<u8> {
    format!(
        "Date: Tue, 24 Nov 2026 08:30:00 +0100\r\n\
         From: Customer {tag} <c-{tag}@example.net>\r\n\
         To: hello@alphx.shop\r\n\
         Subject: Where is order {tag}?\r\n\
         Message-ID: <soak-{tag}@example.net>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Hello, where is my order {tag}?\r\n"
    )
    .into_bytes()
}

/// The inbox open all day with its real workers (UI connection, send worker's connection,
/// sync worker syncing again and again, notes written from the UI), while 30 rounds of new
/// mail arrive on the server and the CLI runs `sync`, `snooze` and `list` beside it. Ends
/// with an intact file and every server message stored exactly once. The figures go to
/// BENCHMARKS.md ("Reliability").
#[test]
fn soak_inbox_open_while_cli_syncs_30_rounds() {
    if as_holder() {
        return;
    }
    const ROUNDS: usize = 30;
    const PER_ROUND: usize = 2;
    let servers = support::MailServers::start();
    let internaldate = chrono::DateTime::parse_from_rfc3339("2026-11-24T08:30:00+01:00").ok();
    let mut expected: Vec<String> = Vec::new();
    for i in 0..3 {
        let tag = format!("start-{i}");
        servers.append("INBOX", &question(&tag), &[], internaldate);
        expected.push(format!("soak-{tag}@example.net"));
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let db = dir.join("data/store.db");
    let config = write_config(dir, &db, Some(&servers));
    run_ok(&config, &["sync"]);

    let mut holder = Holder::start(dir, "soak_inbox_open_while_cli_syncs_30_rounds");
    let (mut synced, mut busy) = (0, 0);
    for round in 0..ROUNDS {
        for i in 0..PER_ROUND {
            let tag = format!("r{round}-{i}");
            servers.append("INBOX", &question(&tag), &[], internaldate);
            expected.push(format!("soak-{tag}@example.net"));
        }
        let out = shopinbox(&config).arg("sync").output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_no_sqlite_words(&err);
        match out.status.code() {
            Some(0) => synced += 1,
            // The inbox's worker was syncing for longer than the CLI waits: allowed, said so.
            Some(5) => busy += 1,
            other => panic!("round {round}: sync ended with {other:?}: {err}"),
        }
        let out = run_ok(&config, &["list", "--view", "all", "--json"]);
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = rows[round % rows.as_array().unwrap().len()]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        run_ok(
            &config,
            &["snooze", &id, "2026-11-25 09:00", "--past-deadline"],
        );
        run_ok(&config, &["list"]);
        assert!(holder.is_running(), "the inbox died in round {round}");
        assert!(wal_of(&db).exists(), "round {round}: the -wal vanished");
    }
    // A last sync picks up whatever the rounds' syncs left to the worker or vice versa.
    let report = holder.stop();
    run_ok(&config, &["sync"]);
    report.assert_clean();

    let integrity = integrity(&db);
    let conn = connect(&db);
    let mut stored: std::collections::BTreeMap<String, i64> = Default::default();
    let mut st = conn
        .prepare("SELECT message_id, COUNT(*) FROM messages WHERE mailbox = 'INBOX' GROUP BY 1")
        .unwrap();
    for row in st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
    {
        let (id, n) = row.unwrap();
        stored.insert(id, n);
    }
    let lost = expected
        .iter()
        .filter(|id| !stored.contains_key(*id))
        .count();
    let duplicated = stored.values().filter(|n| **n > 1).count();
    let server_uids: Vec<i64> = servers
        .server_flags("INBOX")
        .keys()
        .map(|u| i64::from(*u))
        .collect();
    let mut st = conn
        .prepare("SELECT uid FROM messages WHERE mailbox = 'INBOX' ORDER BY uid")
        .unwrap();
    let store_uids: Vec<i64> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let holder_notes = count_notes(&db, HOLDER_CUSTOMER);
    eprintln!(
        "soak: rounds={ROUNDS} new_messages={} cli_syncs_ok={synced} cli_syncs_busy={busy} \
         worker_passes={} inbox_writes={} integrity={integrity} lost={lost} duplicated={duplicated}",
        expected.len(),
        report.syncs,
        report.notes,
    );
    assert_eq!(integrity, "ok");
    assert_eq!(lost, 0, "messages lost");
    assert_eq!(duplicated, 0, "messages stored twice");
    assert_eq!(stored.len(), expected.len());
    assert_eq!(
        store_uids, server_uids,
        "every server UID stored exactly once"
    );
    assert_eq!(holder_notes, report.notes, "every write of the inbox kept");
    assert!(synced > 0 && report.syncs > 0, "both sides synced");
}
