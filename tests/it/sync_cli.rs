//! `shopinbox sync`, the real binary against a real Dovecot: killed with SIGKILL in the middle
//! of a first sync, then run again, it ends with every message exactly once, the server's
//! `\Seen` flags untouched, and a third run finds nothing to do.

use crate::support;

use rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{ImapServer, MailServers};

const MESSAGES: u32 = 2500;
const PASSWORD_ENV: &str = "SHOPINBOX_TEST_IMAP_PASSWORD";

fn write_config(dir: &Path, servers: &MailServers) -> std::path::PathBuf {
    support::write_sync_config(dir, servers, "shop@example.com", PASSWORD_ENV)
}

fn sync_command(config: &Path, password: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopinbox"));
    cmd.arg("--config")
        .arg(config)
        .arg("sync")
        .env(PASSWORD_ENV, password)
        .stdin(Stdio::null());
    cmd
}

/// Messages stored from INBOX, read through a separate connection as another process would.
fn inbox_rows(db: &Path) -> i64 {
    let Ok(conn) = Connection::open(db) else {
        return 0;
    };
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM messages WHERE mailbox = 'INBOX'",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

#[test]
fn sync_killed_midway_resumes_without_loss_or_duplicates() {
    let servers = MailServers::start();
    servers.generate_inbox(MESSAGES, 7, &[]);
    let seen_before = servers.server_flags("INBOX");
    assert_eq!(seen_before.len(), MESSAGES as usize);

    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers);
    let db = dir.path().join("store.db");

    // First run: kill it as soon as some batches are committed but not all.
    let mut child = sync_command(&config, &servers.password)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut at_kill = 0;
    while started.elapsed() < Duration::from_secs(120) {
        at_kill = inbox_rows(&db);
        if at_kill > 0 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let after_kill = inbox_rows(&db);
    assert!(
        after_kill > 0 && after_kill < i64::from(MESSAGES),
        "the sync was to be killed midway, but {after_kill} of {MESSAGES} were stored (seen {at_kill})"
    );

    // Second run: completes, every message once.
    let out = sync_command(&config, &servers.password).output().unwrap();
    assert!(
        out.status.success(),
        "second sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = Connection::open(&db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    let (rows, uids, ids): (i64, i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT uid), COUNT(DISTINCT message_id) FROM messages WHERE mailbox = 'INBOX'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(rows, i64::from(MESSAGES), "every message stored");
    assert_eq!(uids, rows, "no UID stored twice");
    assert_eq!(ids, rows, "no Message-ID stored twice");
    let (state_uid, max_uid): (i64, i64) = conn
        .query_row(
            "SELECT s.highest_uid, (SELECT MAX(uid) FROM messages WHERE mailbox = 'INBOX')
               FROM mailbox_state s WHERE s.mailbox = 'INBOX'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(state_uid, max_uid, "the sync state matches what is stored");

    // The server's flags (\Seen among them) are exactly as before: fetching never marks read.
    assert_eq!(servers.server_flags("INBOX"), seen_before);

    // Third run: nothing new.
    let out = sync_command(&config, &servers.password).output().unwrap();
    assert!(out.status.success());
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("INBOX"), "summary per folder: {text}");
    assert_eq!(inbox_rows(&db), i64::from(MESSAGES));

    // The conversations are the same as after a sync that was never interrupted (issue 22:
    // a killed and resumed sync stores the mail in another order).
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_config = write_config(clean_dir.path(), &servers);
    let out = sync_command(&clean_config, &servers.password)
        .output()
        .unwrap();
    assert!(out.status.success());
    let resumed = conversations(&db);
    assert!(
        resumed.len() > 100 && resumed.len() < MESSAGES as usize,
        "{}",
        resumed.len()
    );
    assert_eq!(resumed, conversations(&clean_dir.path().join("store.db")));
}

/// The partition of the stored mail into conversations, by Message-ID.
fn conversations(db: &Path) -> std::collections::BTreeSet<std::collections::BTreeSet<String>> {
    let conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    let mut by_conv: std::collections::HashMap<i64, std::collections::BTreeSet<String>> =
        std::collections::HashMap::new();
    let mut st = conn
        .prepare("SELECT conversation_id, coalesce(message_id, hex(content_hash)) FROM messages")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    for row in rows {
        let (conv, id) = row.unwrap();
        by_conv.entry(conv).or_default().insert(id);
    }
    by_conv.into_values().collect()
}

#[test]
fn wrong_password_is_one_clear_sentence() {
    let servers = MailServers::start();
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers);
    let out = sync_command(&config, "not-the-password").output().unwrap();
    assert_eq!(out.status.code(), Some(shopinbox::exit::UNAVAILABLE));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: cannot log in"), "{err}");
    // The config reads the password from the environment: that is what to check.
    assert!(
        err.contains("check [imap] username and password_env (SHOPINBOX_TEST_IMAP_PASSWORD)"),
        "{err}"
    );
    assert!(!err.contains("password_command"), "{err}");
    assert!(
        !err.contains("not-the-password"),
        "the password never appears: {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

/// A configured folder that does not exist does not stop the others: INBOX and the other
/// folder are synced, the summary names the missing one with the server's own words and the
/// closest existing name, and the exit code says "partial" (6), not "failed" (4).
#[test]
fn a_missing_folder_is_a_partial_sync_with_the_servers_words() {
    let servers = MailServers::start();
    servers.create_mailbox("Bestellungen");
    servers.append(
        "Bestellungen",
        b"From: Ann <ann@example.net>\r\nTo: shop@example.com\r\nSubject: Order 17\r\n\
Message-ID: <o17@example.net>\r\nDate: Mon, 23 Nov 2026 11:00:00 +0100\r\n\r\nWhere is it?\r\n",
        &[],
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers);
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "idle = false\n",
        "idle = false\nfolders = [\"Bestellungen\", \"Bestellungen-\u{c4}\"]\n",
    );
    std::fs::write(&config, text).unwrap();
    let out = sync_command(&config, &servers.password).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(shopinbox::exit::PARTIAL),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("\nBestellungen: 1 new"), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Bestellungen-\u{c4}: not synced: "))
        .unwrap_or_else(|| panic!("{stdout}"));
    // The server's own words: Dovecot's and Cyrus's differ.
    let words = match servers.imap_server() {
        ImapServer::Dovecot => "Mailbox doesn't exist",
        ImapServer::Cyrus => "Mailbox does not exist",
    };
    assert!(
        line.contains(&format!(
            "cannot open the folder \"Bestellungen-\u{c4}\" on 127.0.0.1: the server answered \"{words}"
        )),
        "{line}"
    );
    assert!(
        line.contains("folders with a similar name: \"Bestellungen\""),
        "{line}"
    );
    assert!(stdout.contains("(3 of 4 folders synced)"), "{stdout}");
    assert!(!stdout.contains('\x1b'), "{stdout}");
}
