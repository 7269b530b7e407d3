//! A working week through the binary (issue 21), against the real Dovecot and SMTP sink, the
//! clock fixed per step with `--now`: Europe/Berlin, Mon–Fri 09:00–17:00, a holiday on
//! Wednesday 25 November 2026, weekend mail, a customer writing twice and again after an
//! answer, answers from another mail program (APPENDed to Sent) and by phone (`answered`),
//! replies from templates that promise a follow-up (kept early, kept late, broken, made late
//! in the day), a snooze past the deadline. Every expected `overdue --json`, `list --json` and
//! `stats --json` figure below is worked out by hand from the timeline in the comments.
mod support;

use chrono::DateTime;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use support::MailServers;

const PASSWORD_ENV: &str = "SHOPINBOX_TEST_PASSWORD";
const SHOP: &str = "hello@alphx.shop";

/// The subjects double as names in the expectations.
const ANNA: &str = "Order 101 missing";
const BEN: &str = "Invoice please";
const CEM: &str = "Size exchange";
const DORA: &str = "Wrong colour";
const EMIL: &str = "Gift wrapping";
const FRITZ: &str = "Engraving";
const GRETA: &str = "Delivery address";

struct Week {
    servers: MailServers,
    _dir: tempfile::TempDir,
    config: PathBuf,
    ids: BTreeMap<&'static str, i64>,
}

fn write_config(dir: &Path, servers: &MailServers) -> PathBuf {
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for (file, text) in [
        (
            "promise-eod.txt",
            "name: Promise end of day\nfollow_up: end of day\n\nHi {first_name|there},\n\n\
             {late_apology}I am on it.\nI will be back to you {reply_by}.\n\n{signature}\n",
        ),
        (
            "promise-2d.txt",
            "name: Promise two days\nfollow_up: 2 business days\n\nHi {first_name|there},\n\n\
             {late_apology}I am asking the carrier.\nI will be back to you {reply_by}.\n\n{signature}\n",
        ),
        (
            "plain.txt",
            "name: Plain\n\nHi {first_name|there},\n\n{late_apology}Here it is.\n\n{signature}\n",
        ),
    ] {
        std::fs::write(templates.join(file), text).unwrap();
    }
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[shop]
name = "Alphx"
owner_name = "Tom"
signature = "Tom"
addresses = ["{SHOP}"]

[hours]
time_zone = "Europe/Berlin"
business_days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "17:00"
holidays = ["2026-11-25"]
track_since = "2000-01-01"

[store]
path = "{store}"

[templates]
dir = "{templates}"

[imap]
host = "localhost"
port = {imap}
security = "tls"
username = "{user}"
password_env = "{PASSWORD_ENV}"
ca_file = "{ca}"
idle = false
save_sent = "never"

[smtp]
host = "localhost"
port = {smtp}
security = "tls"
username = "{user}"
password_env = "{PASSWORD_ENV}"
ca_file = "{ca}"
"#,
            store = dir.join("store.db").display(),
            templates = templates.display(),
            imap = servers.imaps_port,
            smtp = servers.smtps_port,
            user = servers.user,
            ca = servers.ca.display(),
        ),
    )
    .unwrap();
    path
}

/// A Berlin wall time in November 2026 (CET, UTC+1) as an INTERNALDATE.
fn berlin(at: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("{}:00+01:00", at.replace(' ', "T"))).unwrap()
}

impl Week {
    fn start() -> Week {
        let servers = MailServers::start();
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path(), &servers);
        Week {
            servers,
            _dir: dir,
            config,
            ids: BTreeMap::new(),
        }
    }

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

    fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{now} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn sync(&mut self, now: &str) {
        self.ok(now, &["sync"]);
        let rows = self.list(now);
        for name in [ANNA, BEN, CEM, DORA, EMIL, FRITZ, GRETA] {
            if let Some(r) = rows.iter().find(|r| r["subject"] == name) {
                self.ids.insert(name, r["id"].as_i64().unwrap());
            }
        }
    }

    fn id(&self, name: &str) -> String {
        self.ids[name].to_string()
    }

    /// A customer writes (`n`: the how-many-th message in the conversation).
    fn customer(&self, name: &str, n: usize, at: &str) {
        let who = self.who(name);
        let reply = if n > 1 {
            format!("In-Reply-To: <{who}-{}@kunden.de>\r\n", n - 1)
        } else {
            String::new()
        };
        let subject = if n > 1 {
            format!("Re: {name}")
        } else {
            name.to_string()
        };
        let raw = format!(
            "From: {who} <{who}@kunden.de>\r\nTo: Alphx <{SHOP}>\r\nSubject: {subject}\r\n\
             Message-ID: <{who}-{n}@kunden.de>\r\n{reply}Date: {}\r\n\r\nA question.\r\n",
            berlin(at).to_rfc2822()
        );
        self.servers
            .append("INBOX", raw.as_bytes(), &[], Some(berlin(at)));
    }

    /// The owner answers from another mail program (the phone): a copy lands in Sent.
    fn other_client_reply(&self, name: &str, answering: usize, at: &str) {
        let who = self.who(name);
        let raw = format!(
            "From: Alphx <{SHOP}>\r\nTo: {who} <{who}@kunden.de>\r\nSubject: Re: {name}\r\n\
             Message-ID: <phone-{who}-{answering}@alphx.shop>\r\n\
             In-Reply-To: <{who}-{answering}@kunden.de>\r\nDate: {}\r\n\r\nDone.\r\n",
            berlin(at).to_rfc2822()
        );
        self.servers
            .append("Sent", raw.as_bytes(), &["\\Seen"], Some(berlin(at)));
    }

    fn who(&self, name: &str) -> &'static str {
        match name {
            ANNA => "anna",
            BEN => "ben",
            CEM => "cem",
            DORA => "dora",
            EMIL => "emil",
            FRITZ => "fritz",
            _ => "greta",
        }
    }

    /// Sends a reply from a template and returns the delivered text (soft breaks undone).
    fn reply(&self, now: &str, name: &str, template: &str) -> String {
        let before = self.servers.smtp_messages().len();
        self.ok(now, &["reply", &self.id(name), "-t", template, "--send"]);
        let msgs = self
            .servers
            .wait_smtp_messages(before + 1, std::time::Duration::from_secs(10));
        let raw = String::from_utf8_lossy(&msgs[before].1).to_string();
        raw.replace("=\r\n", "").replace("=\n", "")
    }

    fn list(&self, now: &str) -> Vec<Value> {
        let out = self.ok(now, &["list", "--view", "all", "--json"]);
        serde_json::from_str::<Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    /// Each conversation's state word in `list --json`, by subject.
    fn states(&self, now: &str) -> BTreeMap<String, String> {
        self.list(now)
            .iter()
            .map(|r| {
                (
                    r["subject"].as_str().unwrap().to_string(),
                    r["state"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// `overdue --json`: (exit code, subjects per section).
    fn report(&self, now: &str) -> (i32, BTreeMap<&'static str, Vec<String>>, Value) {
        let out = self.run(now, &["overdue", "--json"]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{now}: {e}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let mut sections = BTreeMap::new();
        for key in [
            "overdue",
            "due_today",
            "follow_ups_today",
            "snoozes_ending_today",
        ] {
            let subjects = v[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["subject"].as_str().unwrap().to_string())
                .collect();
            sections.insert(key, subjects);
        }
        (out.status.code().unwrap(), sections, v)
    }
}

fn states(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn report(
    code: i32,
    overdue: &[&str],
    due_today: &[&str],
) -> (i32, Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    (code, v(overdue), v(due_today), vec![], vec![])
}

fn got(
    r: (i32, BTreeMap<&'static str, Vec<String>>, Value),
) -> (i32, Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
    let (code, s, _) = r;
    (
        code,
        s["overdue"].clone(),
        s["due_today"].clone(),
        s["follow_ups_today"].clone(),
        s["snoozes_ending_today"].clone(),
    )
}

#[test]
fn a_week_of_promises_snoozes_and_lateness() {
    let mut w = Week::start();

    // Saturday 21 Nov, 10:00: Anna writes at the weekend (due Monday 17:00).
    w.customer(ANNA, 1, "2026-11-21 10:00");

    // ---- Monday 23 November
    w.sync("2026-11-23 08:30");
    assert_eq!(got(w.report("2026-11-23 08:30")), report(0, &[], &[ANNA]));

    // 10:00: Anna gets a reply promising "2 business days": Monday's close, then Tuesday's,
    // then Thursday's (Wednesday is a holiday).
    let text = w.reply("2026-11-23 10:00", ANNA, "promise-2d");
    assert!(text.contains("by the end of Thursday"), "{text}");

    // Emil writes twice (09:30, 11:00): one request, due today 17:00.
    w.customer(EMIL, 1, "2026-11-23 09:30");
    w.customer(EMIL, 2, "2026-11-23 11:00");
    w.sync("2026-11-23 12:00");
    // 12:00: Emil gets a reply promising the end of the day.
    let text = w.reply("2026-11-23 12:00", EMIL, "promise-eod");
    assert!(text.contains("by the end of the day"), "{text}");
    assert!(!text.contains("sorry"), "{text}");

    // 12:30: Emil's promise (today 17:00) is in Due today before its time; Anna's (Thursday)
    // is not shown yet.
    assert_eq!(
        w.states("2026-11-23 12:30"),
        states(&[(ANNA, "answered"), (EMIL, "due")])
    );
    let (code, sections, v) = w.report("2026-11-23 12:30");
    assert_eq!(
        (code, sections["due_today"].clone()),
        (0, vec![EMIL.to_string()])
    );
    assert_eq!(v["due_today"][0]["promise"], true, "{v:#}");
    let rows = w.list("2026-11-23 12:30");
    let emil = rows.iter().find(|r| r["subject"] == EMIL).unwrap();
    assert_eq!(
        (&emil["promise"], &emil["due_at"]),
        (
            &Value::from(true),
            &Value::from("2026-11-23T17:00:00+01:00")
        ),
        "{emil:#}"
    );
    let anna = rows.iter().find(|r| r["subject"] == ANNA).unwrap();
    assert_eq!(
        (&anna["promise"], &anna["follow_up_at"]),
        (
            &Value::from(false),
            &Value::from("2026-11-26T17:00:00+01:00")
        ),
        "not due today, so not shown yet: {anna:#}"
    );
    assert!(
        sections["follow_ups_today"].is_empty(),
        "listed once: {v:#}"
    );

    // 14:00: Emil writes again after the answer; 15:00 the owner answers by phone.
    w.customer(EMIL, 3, "2026-11-23 14:00");
    w.sync("2026-11-23 14:05");
    let emil = w.list("2026-11-23 14:05");
    let emil = emil.iter().find(|r| r["subject"] == EMIL).unwrap();
    assert_eq!(emil["state"], "due");
    // Received: the customer's last message, not the shop's reply.
    assert_eq!(emil["last_customer_at"], "2026-11-23T14:00:00+01:00");
    w.ok("2026-11-23 15:00", &["answered", &w.id(EMIL)]);

    // 16:45: the phone answer settled the promise too.
    assert_eq!(
        w.states("2026-11-23 16:45"),
        states(&[(ANNA, "answered"), (EMIL, "answered")])
    );
    assert_eq!(got(w.report("2026-11-23 16:45")), report(0, &[], &[]));

    // Ben writes at 16:50 (due today 17:00); at 17:05 he is 5 minutes overdue.
    w.customer(BEN, 1, "2026-11-23 16:50");
    w.sync("2026-11-23 17:05");
    assert_eq!(got(w.report("2026-11-23 17:05")), report(1, &[BEN], &[]));

    // ---- Tuesday 24 November
    // 08:30, before opening: Ben's answer is not late in business time, no apology.
    let text = w.reply("2026-11-24 08:30", BEN, "plain");
    assert!(!text.contains("sorry"), "{text}");
    assert!(!text.contains("so long"), "{text}");
    assert_eq!(got(w.report("2026-11-24 08:30")), report(0, &[], &[]));

    // 11:00: Anna is answered again from the phone, before the promised Thursday: kept early.
    w.other_client_reply(ANNA, 1, "2026-11-24 11:00");
    w.customer(CEM, 1, "2026-11-24 10:00");
    w.sync("2026-11-24 12:00");
    assert_eq!(got(w.report("2026-11-24 12:30")), report(0, &[], &[CEM]));

    // Dora writes at 15:00 (due today 17:00).
    w.customer(DORA, 1, "2026-11-24 15:00");
    w.sync("2026-11-24 15:30");

    // 16:45: Cem's reply promises "the end of the day" within the hour before close: the next
    // business day's close, Thursday (the holiday in between).
    let text = w.reply("2026-11-24 16:45", CEM, "promise-eod");
    assert!(text.contains("by the end of Thursday"), "{text}");
    // Snoozing Dora past her deadline needs --past-deadline.
    let out = w.run(
        "2026-11-24 16:45",
        &["snooze", &w.id(DORA), "2026-11-26 09:00"],
    );
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert!(err.contains("--past-deadline"), "{err}");
    assert_eq!(
        w.states("2026-11-24 16:45")[DORA],
        "due_soon",
        "nothing changed"
    );
    w.ok(
        "2026-11-24 16:45",
        &["snooze", &w.id(DORA), "2026-11-26 09:00", "--past-deadline"],
    );
    assert_eq!(got(w.report("2026-11-24 16:45")), report(0, &[], &[]));

    // 17:05: Dora is overdue and snoozed: the report still lists her, marked.
    let (code, sections, v) = w.report("2026-11-24 17:05");
    assert_eq!(
        (code, sections["overdue"].clone()),
        (1, vec![DORA.to_string()])
    );
    assert_eq!(
        v["overdue"][0]["snoozed_until"], "2026-11-26T08:00:00Z",
        "{v:#}"
    );
    let out = w.run("2026-11-24 17:05", &["overdue"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("snoozed until Thu 09:00"), "{text}");

    // ---- Wednesday 25 November: a holiday. Nothing new falls due.
    let (code, sections, _) = w.report("2026-11-25 12:30");
    assert_eq!(
        (code, sections["overdue"].clone()),
        (1, vec![DORA.to_string()])
    );

    // ---- Thursday 26 November
    // 08:30: Dora still overdue (snoozed until 09:00); Cem's promise is due today.
    assert_eq!(
        got(w.report("2026-11-26 08:30")),
        report(1, &[DORA], &[CEM])
    );
    assert_eq!(
        w.states("2026-11-26 08:30"),
        states(&[
            (ANNA, "answered"),
            (BEN, "answered"),
            (CEM, "due"),
            (DORA, "snoozed"),
            (EMIL, "answered"),
        ])
    );
    // 08:31: Dora answered by phone, before the shop opens after the holiday.
    w.ok("2026-11-26 08:31", &["answered", &w.id(DORA)]);

    // Fritz writes at 10:00 and gets a promise for the end of the day at 12:00; Greta
    // writes at 10:30 (due today 17:00).
    w.customer(FRITZ, 1, "2026-11-26 10:00");
    w.customer(GRETA, 1, "2026-11-26 10:30");
    w.sync("2026-11-26 12:00");
    let text = w.reply("2026-11-26 12:00", FRITZ, "promise-eod");
    assert!(text.contains("by the end of the day"), "{text}");
    assert_eq!(
        got(w.report("2026-11-26 12:30")),
        report(0, &[], &[CEM, FRITZ, GRETA])
    );
    let text = w.ok("2026-11-26 12:30", &["overdue"]);
    assert_eq!(text.matches("promised by 17:00").count(), 2, "{text}");
    assert!(
        !text.contains("FOLLOW-UPS"),
        "each conversation once: {text}"
    );
    // 16:45: both promises carry the "due soon" warning, as Greta's message does.
    let s = w.states("2026-11-26 16:45");
    assert_eq!(
        (s[CEM].as_str(), s[FRITZ].as_str(), s[GRETA].as_str()),
        ("due_soon", "due_soon", "due_soon")
    );
    // 17:05: both promises are late; Anna's, kept early on Tuesday, is not.
    assert_eq!(
        got(w.report("2026-11-26 17:05")),
        report(1, &[CEM, FRITZ, GRETA], &[])
    );
    let out = w.run("2026-11-26 17:05", &["overdue"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("promise 5m late").count(), 2, "{text}");
    // `list` words a promise as the inbox's narrow column does.
    let list = w.ok("2026-11-26 17:05", &["list"]);
    assert_eq!(list.matches("F-UP late 5m").count(), 2, "{list}");
    assert_eq!(
        w.states("2026-11-26 17:05"),
        states(&[
            (ANNA, "answered"),
            (BEN, "answered"),
            (CEM, "overdue"),
            (DORA, "answered"),
            (EMIL, "answered"),
            (FRITZ, "overdue"),
            (GRETA, "overdue"),
        ])
    );
    // The statistics at 17:05: the two open promises are not broken yet in business time
    // (the shop is closed until Friday 09:00, plus 30 minutes' grace).
    let stats: Value =
        serde_json::from_str(&w.ok("2026-11-26 17:05", &["stats", "--days", "6", "--json"]))
            .unwrap();
    let promises = |v: &Value| {
        [
            "promises",
            "promises_kept_on_time",
            "promises_kept_late",
            "promises_broken",
        ]
        .map(|k| v[k].as_u64().unwrap())
    };
    assert_eq!(promises(&stats), [4, 2, 0, 0], "{stats:#}");

    // ---- Friday 27 November
    // 10:00: Fritz is answered from the phone, after the promised time: kept late.
    w.other_client_reply(FRITZ, 1, "2026-11-27 10:00");
    w.sync("2026-11-27 10:05");
    // 11:00: Greta's answer is two business hours late: it apologises.
    let text = w.reply("2026-11-27 11:00", GRETA, "plain");
    assert!(text.contains("I am sorry for the slow reply."), "{text}");
    assert_eq!(got(w.report("2026-11-27 12:30")), report(1, &[CEM], &[]));
    assert_eq!(w.states("2026-11-27 12:30")[FRITZ], "answered");

    // 16:45: the week's statistics (Saturday 21 to Friday 27 16:45).
    let stats: Value =
        serde_json::from_str(&w.ok("2026-11-27 16:45", &["stats", "--days", "7", "--json"]))
            .unwrap();
    // Requests: Anna (Sat, answered Mon 10:00), Emil ×2 (09:30 → 12:00; 14:00 → phone
    // 15:00), Ben (due Mon 17:00, answered Tue 08:30 before opening: on time), Cem (Tue 10:00
    // → 16:45), Dora (due Tue 17:00, phone Thu 08:31 before opening after the holiday: on
    // time), Fritz (Thu 10:00 → 12:00): on time. Greta (due Thu 17:00, answered Fri 11:00,
    // two business hours late): late.
    assert_eq!(stats["requests"], 8, "{stats:#}");
    assert_eq!(stats["answered_on_time"], 7, "{stats:#}");
    assert_eq!(stats["answered_late"], 1, "{stats:#}");
    assert_eq!(stats["still_open"], 0, "{stats:#}");
    assert_eq!(stats["customer_messages"], 9, "{stats:#}");
    assert_eq!(stats["on_time_share"], 0.875, "{stats:#}");
    // Promises: Anna (due Thu 17:00, kept Tue 11:00: on time), Emil (due Mon 17:00, phone
    // 15:00: on time), Cem (due Thu 17:00, never kept: broken), Fritz (due Thu 17:00, kept Fri
    // 10:00, after opening plus 30 minutes: late).
    assert_eq!(stats["promises"], 4, "{stats:#}");
    assert_eq!(stats["promises_kept_on_time"], 2, "{stats:#}");
    assert_eq!(stats["promises_kept_late"], 1, "{stats:#}");
    assert_eq!(stats["promises_broken"], 1, "{stats:#}");
    assert_eq!(stats["promise_on_time_share"], 0.5, "{stats:#}");

    // ---- The weekend and the next Monday: Anna's settled promise never comes back.
    for now in ["2026-11-28 10:00", "2026-11-30 08:30"] {
        assert_eq!(got(w.report(now)), report(1, &[CEM], &[]), "{now}");
        assert_eq!(w.states(now)[ANNA], "answered", "{now}");
    }
}
