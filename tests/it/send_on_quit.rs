//! Nothing left unsent (issue 23, point 2), with the real binary against the real Dovecot and
//! the aiosmtpd sink: a reply inside its undo window goes out exactly once when the owner
//! quits and answers "send now", when the process gets SIGTERM, and with `shopinbox sync` /
//! `shopinbox outbox` once its time has come.

use crate::support;
use crate::tmux_support;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use support::MailServers;
use tmux_support::Tmux;

const PASSWORD_ENV: &str = "SHOPINBOX_TEST_PASSWORD";
const NOW: &str = "2026-11-24 10:00";

struct Shop {
    servers: MailServers,
    dir: tempfile::TempDir,
    config: PathBuf,
}

fn write_config(dir: &Path, servers: &MailServers) -> PathBuf {
    support::write_shop_config(
        dir,
        servers,
        PASSWORD_ENV,
        "",
        // Long enough that the keys below always land inside the window.
        "\n[send]\nundo_seconds = 120\n",
    )
}

fn question() -> Vec<u8> {
    b"From: Customer <customer@example.com>\r\nTo: Alphx <hello@alphx.shop>\r\n\
      Subject: Question about order #1001\r\nMessage-ID: <q1@example.com>\r\n\
      Date: Mon, 23 Nov 2026 09:10:00 +0100\r\n\r\nWhere is order #1001?\r\n"
        .to_vec()
}

fn shop() -> Shop {
    let servers = MailServers::start();
    servers.append("INBOX", &question(), &[], None);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers);
    let shop = Shop {
        servers,
        dir,
        config,
    };
    let out = shop.run(NOW, &["sync"]);
    assert!(out.status.success(), "first sync: {}", stderr(&out));
    shop
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

impl Shop {
    fn run(&self, now: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_shopinbox"))
            .arg("--config")
            .arg(&self.config)
            .arg("--now")
            .arg(now)
            .args(args)
            .env(PASSWORD_ENV, &self.servers.password)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// The inbox in tmux; its pid is written to `pid` in the test folder.
    fn inbox(&self, test: &str) -> Tmux {
        let d = self.dir.path().display();
        let cmd = format!(
            "sh -c 'echo $$ > {d}/pid; exec env -u NO_COLOR HOME={d} XDG_CONFIG_HOME={d}/config \
             XDG_DATA_HOME={d}/data XDG_CACHE_HOME={d}/cache {PASSWORD_ENV}={pw} {bin} \
             --config {cfg} --now \"{NOW}\"'; echo \"EXITED $?\"; sleep 60",
            pw = self.servers.password,
            bin = env!("CARGO_BIN_EXE_shopinbox"),
            cfg = self.config.display(),
        );
        Tmux::start(test, "inbox", 100, 30, &cmd)
    }

    fn db(&self) -> Connection {
        let conn = Connection::open(self.dir.path().join("store.db")).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn
    }

    /// (state, Message-ID) of every outbox row.
    fn outbox(&self) -> Vec<(String, String)> {
        self.db()
            .prepare("SELECT state, message_id FROM outbox ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// How many times the sink received a message with this Message-ID.
    fn delivered(&self, message_id: &str) -> usize {
        self.servers
            .smtp_messages()
            .iter()
            .filter(|(_, raw)| {
                shopinbox::mail::parse::parse_message(raw)
                    .message_id
                    .as_deref()
                    == Some(message_id)
            })
            .count()
    }
}

/// r, Enter, y: the reply is queued inside its undo window.
fn queue_reply(t: &Tmux) {
    t.wait_for_secs("the inbox", 20, |s| {
        s.contains("Needs reply") && s.contains("State")
    });
    t.keys_paced(&["r"], 100);
    t.wait_for_secs("the template picker", 15, |s| s.contains("Preview:"));
    t.keys_paced(&["Enter"], 100);
    t.wait_for_secs("the confirm screen", 15, |s| s.contains("Send this reply?"));
    t.keys_paced(&["y"], 100);
    t.wait_for_secs("the undo offer", 15, |s| s.contains("u to cancel"));
}

#[test]
fn quit_within_the_undo_window_and_send_now_delivers_exactly_once() {
    let shop = shop();
    let t = shop.inbox("quit-send-now");
    queue_reply(&t);
    let rows = shop.outbox();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "queued", "held in its window");
    t.keys_paced(&["q"], 100);
    let ask = t.wait_for_secs("the quit question", 15, |s| s.contains("Send 1 reply now"));
    assert!(ask.contains("Keep it queued"), "{ask}");
    assert!(ask.contains("Go back"), "{ask}");
    // Enter: the default, send now.
    t.keys_paced(&["Enter"], 100);
    let end = t.wait_for_secs("the program to exit", 45, |s| s.contains("EXITED"));
    assert!(end.contains("EXITED 0"), "{end}");
    assert!(end.contains("1 reply sent before closing."), "{end}");
    let rows = shop.outbox();
    assert_eq!(rows[0].0, "sent", "{rows:?}");
    assert_eq!(shop.delivered(&rows[0].1), 1, "delivered exactly once");
    // Nothing is left to go out later: `outbox` sends nothing more.
    let out = shop.run("2026-11-24 10:30", &["outbox"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(shop.delivered(&rows[0].1), 1, "still exactly once");
}

#[test]
fn sigterm_within_the_undo_window_sends_the_reply_before_exiting() {
    let shop = shop();
    let t = shop.inbox("sigterm");
    queue_reply(&t);
    let pid = std::fs::read_to_string(shop.dir.path().join("pid")).unwrap();
    let kill = Command::new("kill")
        .args(["-TERM", pid.trim()])
        .status()
        .unwrap();
    assert!(kill.success());
    let end = t.wait_for_secs("the program to exit", 45, |s| s.contains("EXITED"));
    assert!(end.contains("EXITED 0"), "{end}");
    assert!(end.contains("1 reply sent before closing."), "{end}");
    let rows = shop.outbox();
    assert_eq!(rows[0].0, "sent", "{rows:?}");
    assert_eq!(shop.delivered(&rows[0].1), 1, "delivered exactly once");
}

#[test]
fn sync_and_outbox_send_queued_replies_whose_time_has_come() {
    let shop = shop();
    // Kept queued on quitting: it waits for its window.
    let t = shop.inbox("keep-then-sync");
    queue_reply(&t);
    t.keys_paced(&["q"], 100);
    t.wait_for_secs("the quit question", 15, |s| s.contains("Send 1 reply now"));
    t.keys_paced(&["k"], 100);
    let end = t.wait_for_secs("the program to exit", 20, |s| s.contains("EXITED"));
    assert!(end.contains("1 reply kept in the outbox"), "{end}");
    let rows = shop.outbox();
    assert_eq!(rows[0].0, "queued");
    assert_eq!(shop.delivered(&rows[0].1), 0);

    // `outbox` inside the window lists when it goes out, and sends nothing.
    let out = shop.run(NOW, &["outbox"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains("goes out at 10:02:00 (in 2m)"), "{text}");
    assert_eq!(shop.delivered(&rows[0].1), 0);

    // `sync` after the window: sent, once.
    let out = shop.run("2026-11-24 10:05", &["sync"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains("sent (its time had come)"), "{text}");
    assert_eq!(shop.outbox()[0].0, "sent");
    assert_eq!(shop.delivered(&rows[0].1), 1);
    let out = shop.run("2026-11-24 10:06", &["sync"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(shop.delivered(&rows[0].1), 1, "never twice");
}

#[test]
fn outbox_sends_a_queued_reply_whose_time_has_come() {
    let shop = shop();
    let t = shop.inbox("keep-then-outbox");
    queue_reply(&t);
    t.keys_paced(&["q"], 100);
    t.wait_for_secs("the quit question", 15, |s| s.contains("Send 1 reply now"));
    t.keys_paced(&["k"], 100);
    t.wait_for_secs("the program to exit", 20, |s| s.contains("EXITED"));
    let rows = shop.outbox();
    let out = shop.run("2026-11-24 10:05", &["outbox"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains("sent (its time had come)"), "{text}");
    assert_eq!(shop.outbox()[0].0, "sent");
    assert_eq!(shop.delivered(&rows[0].1), 1);
}
