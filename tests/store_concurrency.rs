//! Several processes on one store, as the owner really runs shopinbox: the inbox open all day
//! (its UI connection plus the sync and send workers' connections) while cron and the shell
//! run `sync`, `snooze`, `notes`, `list` beside it.
//!
//! The long-lived "inbox" is this test binary itself, run again with [`HOLDER_DIR`] set (see
//! [`holder`]): a real separate process that opens several `Store` connections and writes
//! through them, the way the TUI and its workers do. The short-lived writers are the real
//! `shopinbox` binary.

mod support;

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
"#,
            port = s.imaps_port,
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
        let child = Command::new(std::env::current_exe().unwrap())
            .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
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
        run_ok(&config, &["snooze", &id, "2026-11-25 09:00"]);
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
