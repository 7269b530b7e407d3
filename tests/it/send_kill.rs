//! The send path under SIGKILL and concurrency, with the real binary against the real Dovecot
//! and a slow SMTP sink (issue 10): a reply is never lost, never delivered twice, never left
//! `sending`, and after the next sync every delivered reply is in the server's Sent folder
//! exactly once and its customer message carries `\Answered`.
//!
//! `cargo test --test send_kill -- --nocapture` prints the figures (BENCHMARKS.md,
//! "Reliability").

use crate::support;

use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::{MailServers, ServerOptions, SmtpOptions};

const PASSWORD_ENV: &str = "SHOPINBOX_TEST_PASSWORD";
const NOW: &str = "2026-11-24 10:00";

struct Shop {
    servers: MailServers,
    dir: tempfile::TempDir,
    config: PathBuf,
    /// Per customer message: (conversation id, INBOX UID, Message-ID).
    questions: Vec<(i64, u32, String)>,
}

fn write_config(dir: &Path, servers: &MailServers, smtp_port: u16) -> PathBuf {
    let path = dir.join(format!("config-{smtp_port}.toml"));
    support::write_shop_config_to(
        &path,
        servers,
        PASSWORD_ENV,
        smtp_port,
        // Dovecot files no Sent copy of its own: save it at once (the checks below count it).
        "save_sent = \"always\"\n",
        "",
    );
    path
}

fn question(i: usize) -> Vec<u8> {
    format!(
        "From: Customer {i} <customer{i}@example.com>\r\nTo: Alphx <hello@alphx.shop>\r\n\
         Subject: Question about order #{n}\r\nMessage-ID: <q{i}@example.com>\r\n\
         Date: Mon, 23 Nov 2026 09:{m:02}:00 +0100\r\n\r\nWhere is order #{n}?\r\n",
        n = 1000 + i,
        m = i % 60
    )
    .into_bytes()
}

/// Servers, `count` customer questions in INBOX, a config and a store synced by the binary.
fn shop(smtp: SmtpOptions, count: usize) -> Shop {
    let servers = MailServers::start_with(ServerOptions {
        smtp,
        ..Default::default()
    });
    for i in 0..count {
        servers.append("INBOX", &question(i), &[], None);
    }
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers, servers.smtps_port);
    let shop = Shop {
        servers,
        dir,
        config,
        questions: Vec::new(),
    };
    let out = shop.run(&shop.config, &["sync"]);
    assert!(out.status.success(), "first sync: {}", stderr(&out));
    let conn = shop.db();
    let questions = conn
        .prepare(
            "SELECT conversation_id, uid, message_id FROM messages WHERE mailbox = 'INBOX' \
             ORDER BY uid",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(questions.len(), count);
    Shop { questions, ..shop }
}

impl Shop {
    fn command(&self, config: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopinbox"));
        cmd.arg("--config")
            .arg(config)
            .arg("--now")
            .arg(NOW)
            .args(args)
            .env(PASSWORD_ENV, &self.servers.password)
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, config: &Path, args: &[&str]) -> Output {
        self.command(config, args).output().unwrap()
    }

    fn spawn_reply(&self, conv: i64) -> Child {
        self.command(
            &self.config,
            &["reply", &conv.to_string(), "-t", "acknowledge", "--send"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
    }

    /// A connection of the test's own, as another process would open the store.
    fn db(&self) -> Connection {
        let conn = Connection::open(self.dir.path().join("store.db")).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn
    }

    /// The outbox row answering conversation `conv`: (id, state, Message-ID).
    fn reply_row(&self, conv: i64) -> Option<(i64, String, String)> {
        self.db()
            .query_row(
                "SELECT id, state, message_id FROM outbox WHERE conversation_id = ?1",
                [conv],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .ok()
    }

    fn pending_jobs(&self, outbox_id: i64) -> i64 {
        self.db()
            .query_row(
                "SELECT COUNT(*) FROM writeback_jobs WHERE outbox_id = ?1 AND done_at IS NULL",
                [outbox_id],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// How many times the SMTP sink received each Message-ID.
    fn delivered(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for (_, raw) in self.servers.smtp_messages() {
            let id = shopinbox::mail::parse::parse_message(&raw)
                .message_id
                .unwrap_or_default();
            *out.entry(id).or_default() += 1;
        }
        out
    }

    fn sent_copies(&self, message_id: &str) -> usize {
        let mut imap = self.servers.client();
        imap.select("Sent").unwrap();
        let n = imap
            .uid_search(format!("HEADER Message-ID <{message_id}>"))
            .unwrap()
            .len();
        let _ = imap.logout();
        n
    }

    fn lock_files_left(&self) -> usize {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".sending-")
            })
            .count()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Where a kill landed, as the store and the servers tell it after recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Before the reply was in the outbox (nothing was promised to the owner).
    BeforeQueued,
    /// Queued, not yet claimed.
    Queued,
    /// Claimed; SMTP not finished and the server does not have it.
    SmtpNotDelivered,
    /// The server has it (final dot sent), the 250 was not recorded: uncertain.
    DeliveredUnconfirmed,
    /// Recorded sent; the Sent copy not yet on the server.
    AfterSmtpBeforeAppend,
    /// Recorded sent; write-back under way (copy made, or flags pending).
    DuringWriteBack,
    /// Everything done before the kill.
    Complete,
}

#[test]
fn killed_sends_are_never_lost_doubled_or_left_sending() {
    // Rounds go on until this many kills landed (a process that ended before its kill
    // counts as a round, not a kill); at most QUESTIONS - 2 rounds.
    const KILLS: usize = 24;
    const QUESTIONS: usize = 40;
    let delay = Duration::from_millis(400);
    let shop = shop(
        SmtpOptions {
            data_delay: Some(delay),
            ..Default::default()
        },
        QUESTIONS,
    );
    let mut rng = fastrand::Rng::with_seed(10);
    let started = Instant::now();

    // Calibration (not killed): when the server gets the final dot, when the process ends.
    // Twice, and the second one counts: the first send also installs the starter templates.
    let calibrate = |conv: i64| {
        let before = shop.servers.smtp_messages().len();
        let t0 = Instant::now();
        let mut child = shop.spawn_reply(conv);
        let mut dot_at = None;
        let full = loop {
            if dot_at.is_none() && shop.servers.smtp_messages().len() > before {
                dot_at = Some(t0.elapsed());
            }
            if child.try_wait().unwrap().is_some() {
                break t0.elapsed();
            }
            std::thread::sleep(Duration::from_millis(3));
        };
        assert!(child.wait().unwrap().success());
        (dot_at, full)
    };
    calibrate(shop.questions[QUESTIONS - 1].0);
    let (dot_at, full) = calibrate(shop.questions[QUESTIONS - 2].0);
    let dot_at = dot_at.unwrap_or(full / 2);
    let answered_at = (dot_at + delay).min(full);

    let mut phases: BTreeMap<Phase, usize> = BTreeMap::new();
    let mut kills = 0;
    let mut owner = BTreeMap::<&str, usize>::new();
    let mut left_sending = 0;
    let mut lost_after_recovery = 0;
    let mut rounds = 0;
    for (conv, _, _) in &shop.questions[..QUESTIONS - 2] {
        if kills == KILLS {
            break;
        }
        rounds += 1;
        // Stratified so every phase is hit: before the final dot, while the server holds the
        // 250 back, and (twice as often) after the 250 while the write-back runs.
        let (lo, hi) = match kills % 4 {
            0 => (Duration::ZERO, dot_at),
            1 => (dot_at, answered_at),
            _ => (answered_at, full),
        };
        let span = (hi.saturating_sub(lo)).as_micros().max(1) as u64;
        let wait = lo + Duration::from_micros(rng.u64(0..span));
        let mut child = shop.spawn_reply(*conv);
        std::thread::sleep(wait);
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        // Let bytes already on their way reach the sink.
        std::thread::sleep(Duration::from_millis(100));

        // Recovery, as at the next start.
        let out = shop.run(&shop.config, &["outbox"]);
        assert!(out.status.success(), "outbox: {}", stderr(&out));

        let delivered = shop.delivered();
        let phase = match shop.reply_row(*conv) {
            None => Phase::BeforeQueued,
            Some((id, state, mid)) => {
                let got = delivered.get(&mid).copied().unwrap_or(0);
                match state.as_str() {
                    "queued" | "failed" => Phase::Queued,
                    "uncertain" if got == 0 => Phase::SmtpNotDelivered,
                    "uncertain" => Phase::DeliveredUnconfirmed,
                    "sent" => {
                        if got == 0 {
                            lost_after_recovery += 1;
                        }
                        match shop.pending_jobs(id) {
                            0 => Phase::Complete,
                            2 if shop.sent_copies(&mid) == 0 => Phase::AfterSmtpBeforeAppend,
                            _ => Phase::DuringWriteBack,
                        }
                    }
                    other => {
                        left_sending += usize::from(other == "sending");
                        Phase::Queued
                    }
                }
            }
        };
        *phases.entry(phase).or_default() += 1;

        // The owner follows the hints: retry what waits, settle what is uncertain.
        if let Some((id, state, mid)) = shop.reply_row(*conv) {
            let id = id.to_string();
            let mut delivered = delivered;
            if state == "uncertain" && !delivered.contains_key(&mid) {
                // Look again a moment later before deciding to send it again, as a careful
                // owner would (a busy machine may store the last message late).
                std::thread::sleep(Duration::from_secs(1));
                delivered = shop.delivered();
            }
            let action = match state.as_str() {
                "queued" | "failed" => Some("retry"),
                "uncertain" if delivered.contains_key(&mid) => Some("mark-sent"),
                "uncertain" => Some("resend"),
                _ => None,
            };
            if let Some(action) = action {
                let out = shop.run(&shop.config, &["outbox", action, &id]);
                assert!(
                    out.status.success(),
                    "outbox {action} {id}: {}{}",
                    stdout(&out),
                    stderr(&out)
                );
                *owner.entry(action).or_default() += 1;
            }
        }
    }

    // The next sync pass finishes whatever write-back the kills interrupted.
    let out = shop.run(&shop.config, &["sync"]);
    assert!(out.status.success(), "sync: {}", stderr(&out));

    let delivered = shop.delivered();
    let rows: Vec<(i64, String, String, i64)> = shop
        .db()
        .prepare("SELECT id, state, message_id, conversation_id FROM outbox ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let lost = rows
        .iter()
        .filter(|(_, _, mid, _)| !delivered.contains_key(mid))
        .count()
        + lost_after_recovery;
    let doubled = delivered.values().filter(|&&n| n > 1).count();
    let not_sent = rows.iter().filter(|(_, s, _, _)| s != "sent").count();
    left_sending += rows.iter().filter(|(_, s, _, _)| s == "sending").count();
    let mut sent_ok = 0;
    let mut answered_ok = 0;
    let flags = shop.servers.server_flags("INBOX");
    for (_, _, mid, conv) in &rows {
        if shop.sent_copies(mid) == 1 {
            sent_ok += 1;
        }
        let (_, uid, _) = shop.questions.iter().find(|q| q.0 == *conv).unwrap();
        if flags[uid].iter().any(|f| f == "\\Answered") {
            answered_ok += 1;
        }
    }
    let pending_jobs: i64 = shop
        .db()
        .query_row(
            "SELECT COUNT(*) FROM writeback_jobs WHERE done_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let waiting_conversations: i64 = shop
        .db()
        .query_row(
            "SELECT COUNT(*) FROM conversations c WHERE c.pending_since IS NOT NULL \
             AND c.id IN (SELECT conversation_id FROM outbox)",
            [],
            |r| r.get(0),
        )
        .unwrap();

    eprintln!(
        "send kill test: {kills} SIGKILLs in {rounds} rounds (+2 calibration sends), {:.1} s; \
         phases {phases:?}; owner decisions {owner:?}; replies {}; lost {lost}; \
         delivered twice {doubled}; left sending {left_sending}; Sent copies exactly once \
         {sent_ok}/{}; \\Answered {answered_ok}/{}; write-back jobs pending {pending_jobs}",
        started.elapsed().as_secs_f64(),
        rows.len(),
        rows.len(),
        rows.len()
    );
    assert!(kills >= 20, "only {kills} kills landed");
    // Before the dot, between the dot and the 250, after the 250: the kill during the
    // APPEND itself (a window of milliseconds on loopback) is counted when it happens.
    assert!(
        phases.len() >= 3,
        "kills are to land in every phase: {phases:?}"
    );
    assert_eq!(lost, 0, "no reply lost");
    assert_eq!(doubled, 0, "no reply delivered twice: {delivered:?}");
    assert_eq!(left_sending, 0, "none left sending");
    assert_eq!(
        not_sent, 0,
        "after the owner's decisions every reply is sent"
    );
    assert_eq!(
        delivered.len(),
        rows.len(),
        "nothing delivered that is not in the outbox"
    );
    assert_eq!(sent_ok, rows.len(), "every reply in Sent exactly once");
    assert_eq!(answered_ok, rows.len(), "every answered message flagged");
    assert_eq!(pending_jobs, 0);
    assert_eq!(
        waiting_conversations, 0,
        "every replied conversation is answered"
    );
    assert_eq!(shop.lock_files_left(), 0, "no stale lock file");
}

#[test]
fn outbox_commands_while_a_slow_send_runs_never_touch_it() {
    let shop = shop(
        SmtpOptions {
            data_delay: Some(Duration::from_secs(4)),
            ..Default::default()
        },
        1,
    );
    let (conv, uid, _) = shop.questions[0].clone();
    let mut child = shop.spawn_reply(conv);
    // Wait until the reply is being sent.
    let deadline = Instant::now() + Duration::from_secs(30);
    let (id, mid) = loop {
        if let Some((id, state, mid)) = shop.reply_row(conv) {
            if state == "sending" {
                break (id, mid);
            }
        }
        assert!(Instant::now() < deadline, "the reply never started sending");
        assert!(child.try_wait().unwrap().is_none(), "the reply ended early");
        std::thread::sleep(Duration::from_millis(10));
    };

    // The owner (or an inbox starting up) looks at the outbox meanwhile.
    let out = shop.run(&shop.config, &["outbox"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("uncertain"),
        "the live send is not settled: {}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("sending"), "{}", stdout(&out));
    let busy = format!("reply {id} is being sent right now by another shopinbox; wait for it");
    for action in ["resend", "mark-sent", "retry"] {
        let out = shop.run(&shop.config, &["outbox", action, &id.to_string()]);
        assert_eq!(out.status.code(), Some(3), "outbox {action} sends nothing");
        assert_eq!(
            stderr(&out).trim(),
            format!("error: {busy}"),
            "outbox {action}"
        );
    }
    assert_eq!(shop.reply_row(conv).unwrap().1, "sending");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the checks ran while the reply was being sent"
    );

    let status = child.wait().unwrap();
    assert!(status.success(), "the reply went out: {status:?}");
    let (_, state, _) = shop.reply_row(conv).unwrap();
    assert_eq!(state, "sent", "never flipped to uncertain");
    let last_error: Option<String> = shop
        .db()
        .query_row("SELECT last_error FROM outbox WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(last_error, None);
    let out = shop.run(&shop.config, &["outbox", "resend", &id.to_string()]);
    assert!(!out.status.success(), "a sent reply is not resent");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        shop.delivered().get(&mid),
        Some(&1),
        "delivered exactly once"
    );
    assert_eq!(shop.sent_copies(&mid), 1);
    assert!(shop.servers.server_flags("INBOX")[&uid]
        .iter()
        .any(|f| f == "\\Answered"));
    assert_eq!(shop.lock_files_left(), 0);
}

#[test]
fn a_reply_not_sent_exits_3_with_a_hint_that_works() {
    let shop = shop(
        SmtpOptions {
            drop_after_data: 1,
            ..Default::default()
        },
        2,
    );
    // Dropped after the data: uncertain, exit 3, and the hint names `outbox resend N`.
    let (conv, _, _) = shop.questions[0].clone();
    let out = shop.run(
        &shop.config,
        &["reply", &conv.to_string(), "-t", "acknowledge", "--send"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let (id, state, mid) = shop.reply_row(conv).unwrap();
    assert_eq!(state, "uncertain");
    let hint = format!("`shopinbox outbox resend {id}`");
    assert!(stderr(&out).contains(&hint), "{}", stderr(&out));
    assert!(!stderr(&out).contains("resend-uncertain"));
    // The hint's command exists and does what it says.
    let out = shop.run(&shop.config, &["outbox", "resend", &id.to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("Reply {id} sent.")));
    assert_eq!(shop.delivered().get(&mid), Some(&1));

    // SMTP down: failed, exit 3, the hint names `outbox retry N`, which exits 3 again while
    // the server stays down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = write_config(shop.dir.path(), &shop.servers, closed);
    let (conv, _, _) = shop.questions[1].clone();
    let out = shop.run(
        &down,
        &["reply", &conv.to_string(), "-t", "acknowledge", "--send"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let (id, state, _) = shop.reply_row(conv).unwrap();
    assert_eq!(state, "failed");
    assert!(
        stderr(&out).contains(&format!("`shopinbox outbox retry {id}`")),
        "{}",
        stderr(&out)
    );
    let out = shop.run(&down, &["outbox", "retry", &id.to_string()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = shop.run(&shop.config, &["outbox", "retry", &id.to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
}
