//! A working week through the binary (issue 21), against the real Dovecot and SMTP sink, the
//! clock fixed per step with `--now`: Europe/Berlin, Mon–Fri 09:00–17:00, a holiday on
//! Wednesday 25 November 2026, weekend mail, a customer writing twice and again after an
//! answer, answers from another mail program (APPENDed to Sent) and by phone (`answered`),
//! replies from templates that promise a follow-up (kept early, kept late, broken, made late
//! in the day), a snooze past the deadline — 13 customers, every case at least twice except
//! the holiday mail (Ida). At every step the expected `overdue --json`, `list --json` (every
//! conversation's state, every pending follow-up) and `stats --json` figures below are worked
//! out by hand from the timeline in the comments.
use crate::support;

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
const HANNA: &str = "Return label";
const IDA: &str = "Parcel damaged";
const JONAS: &str = "Discount code";
const KARL: &str = "Bulk order";
const LENA: &str = "Voucher";
const MIA: &str = "Gift card";
const ALL: [&str; 13] = [
    ANNA, BEN, CEM, DORA, EMIL, FRITZ, GRETA, HANNA, IDA, JONAS, KARL, LENA, MIA,
];

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
        for name in ALL {
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
            GRETA => "greta",
            HANNA => "hanna",
            IDA => "ida",
            JONAS => "jonas",
            KARL => "karl",
            LENA => "lena",
            MIA => "mia",
            _ => panic!("unknown customer {name}"),
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

    /// `list --json` at `now`: every conversation's state word, and every conversation with a
    /// pending follow-up: (subject, follow_up_at as Berlin wall time, whether what is due now
    /// is that promise). A promise row's `due_at` is its follow-up time.
    fn check_list(&self, now: &str, want: &[(&str, &str)], follow_ups: &[(&str, &str, bool)]) {
        let rows = self.list(now);
        let got_states: BTreeMap<String, String> = rows
            .iter()
            .map(|r| {
                (
                    r["subject"].as_str().unwrap().to_string(),
                    r["state"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(got_states, states(want), "{now}");
        let got_follow_ups: Vec<(String, String, bool)> = rows
            .iter()
            .filter(|r| !r["follow_up_at"].is_null())
            .map(|r| {
                let promise = r["promise"].as_bool().unwrap();
                if promise {
                    assert_eq!(r["due_at"], r["follow_up_at"], "{now}: {r:#}");
                }
                (
                    r["subject"].as_str().unwrap().to_string(),
                    r["follow_up_at"].as_str().unwrap().to_string(),
                    promise,
                )
            })
            .collect();
        let mut got_follow_ups = got_follow_ups;
        got_follow_ups.sort();
        let mut want_follow_ups: Vec<(String, String, bool)> = follow_ups
            .iter()
            .map(|(s, at, p)| (s.to_string(), berlin(at).to_rfc3339(), *p))
            .collect();
        want_follow_ups.sort();
        assert_eq!(got_follow_ups, want_follow_ups, "{now}: follow-ups");
    }

    /// `stats --days 30 --json` at `now`: the whole week so far (the period starts in
    /// October), compared figure by figure with `want` (see [`figures`]).
    fn check_stats(&self, now: &str, want: Value) {
        self.check_stats_days(now, 30, want)
    }

    /// `stats --days N --json` at `now`, the figures named in `want`.
    fn check_stats_days(&self, now: &str, days: u32, want: Value) {
        let days = days.to_string();
        let got: Value =
            serde_json::from_str(&self.ok(now, &["stats", "--days", &days, "--json"])).unwrap();
        let picked: serde_json::Map<String, Value> = want
            .as_object()
            .unwrap()
            .keys()
            .map(|k| (k.clone(), got[k].clone()))
            .collect();
        assert_eq!(Value::Object(picked), want, "{now}: {got:#}");
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
            // Sorted: the figures are which conversations, not their order.
            let mut subjects: Vec<String> = v[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["subject"].as_str().unwrap().to_string())
                .collect();
            subjects.sort();
            sections.insert(key, subjects);
        }
        (out.status.code().unwrap(), sections, v)
    }
}

/// The `stats --json` figures the scenario fixes, worked out by hand: `conversations` (with a
/// request in the period), `customer_messages`, `requests`, `answered_on_time`,
/// `answered_late`, `still_open`, `open_overdue`, `on_time_share`; then `promises`,
/// `promises_kept_on_time`, `promises_kept_late`, `promises_broken`, `promise_on_time_share`.
/// No message in the week carries `\Answered` and none is an auto-reply or a pitch, so
/// `answered_time_unknown` and `kept_out` are always 0.
fn figures(
    r: [u64; 7],
    on_time_share: Option<f64>,
    p: [u64; 4],
    promise_share: Option<f64>,
) -> Value {
    serde_json::json!({
        "conversations": r[0],
        "customer_messages": r[1],
        "requests": r[2],
        "answered_on_time": r[3],
        "answered_late": r[4],
        "still_open": r[5],
        "open_overdue": r[6],
        "on_time_share": on_time_share,
        "answered_time_unknown": 0,
        "kept_out": 0,
        "promises": p[0],
        "promises_kept_on_time": p[1],
        "promises_kept_late": p[2],
        "promises_broken": p[3],
        "promise_on_time_share": promise_share,
    })
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|x| x.to_string()).collect();
    v.sort();
    v
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
    let v = |s: &[&str]| {
        let mut v = s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        v.sort();
        v
    };
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
    let a = "answered";

    // Saturday 21 Nov, 10:00: Anna writes at the weekend (due Monday 17:00); Sunday 22 Nov,
    // 15:00: so does Hanna (due Monday 17:00).
    w.customer(ANNA, 1, "2026-11-21 10:00");
    w.customer(HANNA, 1, "2026-11-22 15:00");

    // ---- Monday 23 November
    let now = "2026-11-23 08:30";
    w.sync(now);
    assert_eq!(got(w.report(now)), report(0, &[], &[ANNA, HANNA]));
    w.check_list(now, &[(ANNA, "due"), (HANNA, "due")], &[]);
    // Two weekend messages, two open requests, neither past its Monday 17:00 deadline yet;
    // nothing answered, nothing promised: no shares.
    w.check_stats(
        now,
        figures([2, 2, 2, 0, 0, 2, 0], None, [0, 0, 0, 0], None),
    );

    // 10:00: Anna gets a reply promising "2 business days": Monday's close, then Tuesday's,
    // then Thursday's (Wednesday is a holiday).
    let text = w.reply("2026-11-23 10:00", ANNA, "promise-2d");
    assert!(text.contains("by the end of Thursday"), "{text}");

    // Karl writes at 09:00; Emil writes twice (09:30, 11:00): one request, due today 17:00.
    w.customer(KARL, 1, "2026-11-23 09:00");
    w.customer(EMIL, 1, "2026-11-23 09:30");
    w.customer(EMIL, 2, "2026-11-23 11:00");
    w.sync("2026-11-23 12:00");
    // 12:00: Emil gets a reply promising the end of the day; Karl a plain answer.
    let text = w.reply("2026-11-23 12:00", EMIL, "promise-eod");
    assert!(text.contains("by the end of the day"), "{text}");
    assert!(!text.contains("sorry"), "{text}");
    w.reply("2026-11-23 12:00", KARL, "plain");

    // 12:30: Emil's promise (today 17:00) is in Due today before its time; Anna's (Thursday)
    // is not shown yet.
    let now = "2026-11-23 12:30";
    w.check_list(
        now,
        &[(ANNA, a), (EMIL, "due"), (HANNA, "due"), (KARL, a)],
        &[
            (ANNA, "2026-11-26 17:00", false),
            (EMIL, "2026-11-23 17:00", true),
        ],
    );
    let (code, sections, v) = w.report(now);
    assert_eq!(
        (code, sections["due_today"].clone()),
        (0, sorted(&[HANNA, EMIL]))
    );
    let emil = v["due_today"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["subject"] == EMIL)
        .unwrap();
    assert_eq!(emil["promise"], true, "{v:#}");
    assert!(
        sections["follow_ups_today"].is_empty(),
        "listed once: {v:#}"
    );
    // Messages: Anna, Hanna, Karl, Emil ×2 = 5. Requests: Anna (answered 10:00), Karl
    // (12:00), Emil (one request from 09:30, 12:00) on time; Hanna open, due 17:00. Promises:
    // Anna's (Thursday) and Emil's (17:00), both still ahead.
    w.check_stats(
        now,
        figures([4, 5, 4, 3, 0, 1, 0], Some(1.0), [2, 0, 0, 0], None),
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

    // 16:30: Hanna's reply promises "the end of the day" within the hour before close: the
    // next business day's close, Tuesday.
    let text = w.reply("2026-11-23 16:30", HANNA, "promise-eod");
    assert!(text.contains("by the end of tomorrow"), "{text}");

    // 16:45: the phone answer settled Emil's promise too; Hanna's is for tomorrow.
    let now = "2026-11-23 16:45";
    w.check_list(
        now,
        &[(ANNA, a), (EMIL, a), (HANNA, a), (KARL, a)],
        &[
            (ANNA, "2026-11-26 17:00", false),
            (HANNA, "2026-11-24 17:00", false),
        ],
    );
    assert_eq!(got(w.report(now)), report(0, &[], &[]));
    // Messages: + Emil's third = 6. Requests: + Emil's second (14:00, phone 15:00) and Hanna
    // (16:30): all 5 on time. Promises: + Hanna's; Emil's kept by the phone at 15:00, before
    // 17:00: 1 of 1 decided on time.
    w.check_stats(
        now,
        figures([4, 6, 5, 5, 0, 0, 0], Some(1.0), [3, 1, 0, 0], Some(1.0)),
    );

    // Ben writes at 16:50 (due today 17:00); at 17:05 he is 5 minutes overdue.
    w.customer(BEN, 1, "2026-11-23 16:50");
    let now = "2026-11-23 17:05";
    w.sync(now);
    assert_eq!(got(w.report(now)), report(1, &[BEN], &[]));
    w.check_list(
        now,
        &[
            (ANNA, a),
            (BEN, "overdue"),
            (EMIL, a),
            (HANNA, a),
            (KARL, a),
        ],
        &[
            (ANNA, "2026-11-26 17:00", false),
            (HANNA, "2026-11-24 17:00", false),
        ],
    );
    // + Ben: 5 conversations, 7 messages, 6 requests, his open and past its deadline.
    w.check_stats(
        now,
        figures([5, 7, 6, 5, 0, 1, 1], Some(1.0), [3, 1, 0, 0], Some(1.0)),
    );

    // ---- Tuesday 24 November
    // 08:30, before opening: Ben's answer is not late in business time, no apology.
    let now = "2026-11-24 08:30";
    let text = w.reply(now, BEN, "plain");
    assert!(!text.contains("sorry"), "{text}");
    assert!(!text.contains("so long"), "{text}");
    // Hanna's promise is due today: in Due today from midnight, before its time.
    assert_eq!(got(w.report(now)), report(0, &[], &[HANNA]));
    w.check_list(
        now,
        &[(ANNA, a), (BEN, a), (EMIL, a), (HANNA, "due"), (KARL, a)],
        &[
            (ANNA, "2026-11-26 17:00", false),
            (HANNA, "2026-11-24 17:00", true),
        ],
    );
    // Ben answered at 08:30, before Tuesday's opening (+30 minutes' grace): on time, so all 6
    // requests on time.
    w.check_stats(
        now,
        figures([5, 7, 6, 6, 0, 0, 0], Some(1.0), [3, 1, 0, 0], Some(1.0)),
    );

    // Karl writes again after Monday's answer (09:00); Jonas writes twice before an answer
    // (09:15, 10:30); Cem and Lena write at 10:00. 11:00: Anna is answered again from the
    // phone, before the promised Thursday: kept early.
    w.customer(KARL, 2, "2026-11-24 09:00");
    w.customer(JONAS, 1, "2026-11-24 09:15");
    w.customer(CEM, 1, "2026-11-24 10:00");
    w.customer(LENA, 1, "2026-11-24 10:00");
    w.customer(JONAS, 2, "2026-11-24 10:30");
    w.other_client_reply(ANNA, 1, "2026-11-24 11:00");
    w.sync("2026-11-24 12:00");
    // 12:00: Hanna's promise (17:00) kept early by a plain reply; Lena gets a promise for
    // the end of the day (five hours before close: today).
    w.reply("2026-11-24 12:00", HANNA, "plain");
    let text = w.reply("2026-11-24 12:00", LENA, "promise-eod");
    assert!(text.contains("by the end of the day"), "{text}");

    let now = "2026-11-24 12:30";
    assert_eq!(
        got(w.report(now)),
        report(0, &[], &[CEM, JONAS, KARL, LENA])
    );
    w.check_list(
        now,
        &[
            (ANNA, a),
            (BEN, a),
            (CEM, "due"),
            (EMIL, a),
            (HANNA, a),
            (JONAS, "due"),
            (KARL, "due"),
            (LENA, "due"),
        ],
        &[(LENA, "2026-11-24 17:00", true)],
    );
    // + Karl's second, Jonas ×2, Cem, Lena: 12 messages in 8 conversations. Requests: + Karl
    // (again), Jonas (one, from 09:15), Cem — open, due 17:00 — and Lena (answered 12:00):
    // 10, 7 on time. Promises: + Lena's (17:00, ahead); Anna's kept at 11:00 and Hanna's at
    // 12:00, both before their time: 3 on time.
    w.check_stats(
        now,
        figures([8, 12, 10, 7, 0, 3, 0], Some(1.0), [4, 3, 0, 0], Some(1.0)),
    );

    // 14:00: Jonas is answered from another mail program. Dora writes at 15:00 (due 17:00).
    w.other_client_reply(JONAS, 2, "2026-11-24 14:00");
    w.customer(DORA, 1, "2026-11-24 15:00");
    w.sync("2026-11-24 15:30");

    // 16:45: Cem's reply promises "the end of the day" within the hour before close: the next
    // business day's close, Thursday (the holiday in between). Karl is answered by phone.
    let now = "2026-11-24 16:45";
    let text = w.reply(now, CEM, "promise-eod");
    assert!(text.contains("by the end of Thursday"), "{text}");
    w.ok(now, &["answered", &w.id(KARL)]);
    // Snoozing Dora past her deadline needs --past-deadline.
    let out = w.run(now, &["snooze", &w.id(DORA), "2026-11-26 09:00"]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert!(err.contains("--past-deadline"), "{err}");
    assert_eq!(w.states(now)[DORA], "due_soon", "nothing changed");
    w.ok(
        now,
        &["snooze", &w.id(DORA), "2026-11-26 09:00", "--past-deadline"],
    );
    // Lena's promise is due soon; Dora, snoozed, is not in Due today.
    assert_eq!(got(w.report(now)), report(0, &[], &[LENA]));
    w.check_list(
        now,
        &[
            (ANNA, a),
            (BEN, a),
            (CEM, a),
            (DORA, "snoozed"),
            (EMIL, a),
            (HANNA, a),
            (JONAS, a),
            (KARL, a),
            (LENA, "due_soon"),
        ],
        &[
            (CEM, "2026-11-26 17:00", false),
            (LENA, "2026-11-24 17:00", true),
        ],
    );
    // + Dora: 9 conversations, 13 messages, 11 requests. Answered on time: Jonas (14:00),
    // Cem and Karl's second (16:45, this very moment: what happened at `now` has happened, as
    // in `list`) besides the 7: 10; Dora open, due 17:00. Promises: still 4, Lena's ahead —
    // Cem's, made at 16:45, is not counted yet: the period is [from, now), and like a request,
    // a promise counts from a start inside it (it is counted from the next step on).
    w.check_stats(
        now,
        figures([9, 13, 11, 10, 0, 1, 0], Some(1.0), [4, 3, 0, 0], Some(1.0)),
    );

    // 17:05: Dora is overdue and snoozed: the report still lists her, marked; Lena's promise
    // is 5 minutes late.
    let now = "2026-11-24 17:05";
    let (code, sections, v) = w.report(now);
    assert_eq!(
        (code, sections["overdue"].clone()),
        (1, sorted(&[DORA, LENA]))
    );
    let overdue = v["overdue"].as_array().unwrap();
    let dora = overdue.iter().find(|i| i["subject"] == DORA).unwrap();
    assert_eq!(dora["snoozed_until"], "2026-11-26T08:00:00Z", "{v:#}");
    let lena = overdue.iter().find(|i| i["subject"] == LENA).unwrap();
    assert_eq!(
        (&lena["promise"], &lena["snoozed_until"]),
        (&Value::from(true), &Value::Null),
        "{v:#}"
    );
    let out = w.run(now, &["overdue"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("snoozed until Thu 09:00"), "{text}");
    let tuesday_evening = [
        (ANNA, a),
        (BEN, a),
        (CEM, a),
        (DORA, "snoozed"),
        (EMIL, a),
        (HANNA, a),
        (JONAS, a),
        (KARL, a),
        (LENA, "overdue"),
    ];
    let tuesday_follow_ups = [
        (CEM, "2026-11-26 17:00", false),
        (LENA, "2026-11-24 17:00", true),
    ];
    w.check_list(now, &tuesday_evening, &tuesday_follow_ups);
    // Dora's request is now past its deadline. Lena's promise is not broken yet: late only
    // from Thursday 09:30 in business time (closed until then, plus the grace).
    w.check_stats(
        now,
        figures([9, 13, 11, 10, 0, 1, 1], Some(1.0), [5, 3, 0, 0], Some(1.0)),
    );

    // ---- Wednesday 25 November: a holiday. Nothing new falls due. Ida writes at 10:00:
    // due Thursday 17:00.
    w.customer(IDA, 1, "2026-11-25 10:00");
    let now = "2026-11-25 12:30";
    w.sync(now);
    assert_eq!(got(w.report(now)), report(1, &[DORA, LENA], &[]));
    let mut wednesday = tuesday_evening.to_vec();
    wednesday.push((IDA, "due"));
    w.check_list(now, &wednesday, &tuesday_follow_ups);
    // + Ida: 10 conversations, 14 messages, 12 requests, 2 open (Dora overdue; Ida not).
    w.check_stats(
        now,
        figures(
            [10, 14, 12, 10, 0, 2, 1],
            Some(1.0),
            [5, 3, 0, 0],
            Some(1.0),
        ),
    );

    // ---- Thursday 26 November
    // 08:30: Dora still overdue (snoozed until 09:00), Lena's promise too; Cem's promise and
    // Ida's holiday mail are due today.
    let now = "2026-11-26 08:30";
    assert_eq!(got(w.report(now)), report(1, &[DORA, LENA], &[CEM, IDA]));
    w.check_list(
        now,
        &[
            (ANNA, a),
            (BEN, a),
            (CEM, "due"),
            (DORA, "snoozed"),
            (EMIL, a),
            (HANNA, a),
            (IDA, "due"),
            (JONAS, a),
            (KARL, a),
            (LENA, "overdue"),
        ],
        &[
            (CEM, "2026-11-26 17:00", true),
            (LENA, "2026-11-24 17:00", true),
        ],
    );
    // As on Wednesday: Lena's promise is broken only after 09:30.
    w.check_stats(
        now,
        figures(
            [10, 14, 12, 10, 0, 2, 1],
            Some(1.0),
            [5, 3, 0, 0],
            Some(1.0),
        ),
    );
    // 08:31: Dora answered by phone, before the shop opens after the holiday.
    w.ok("2026-11-26 08:31", &["answered", &w.id(DORA)]);
    // 11:00: Lena gets her answer, after her promise's time and the grace: kept late.
    w.reply("2026-11-26 11:00", LENA, "plain");

    // Fritz writes at 10:00 and gets a promise for the end of the day at 12:00; so does Ida;
    // Greta writes at 10:30 (due today 17:00).
    w.customer(FRITZ, 1, "2026-11-26 10:00");
    w.customer(GRETA, 1, "2026-11-26 10:30");
    w.sync("2026-11-26 12:00");
    let text = w.reply("2026-11-26 12:00", FRITZ, "promise-eod");
    assert!(text.contains("by the end of the day"), "{text}");
    let text = w.reply("2026-11-26 12:00", IDA, "promise-eod");
    assert!(text.contains("by the end of the day"), "{text}");
    let now = "2026-11-26 12:30";
    assert_eq!(
        got(w.report(now)),
        report(0, &[], &[CEM, FRITZ, GRETA, IDA])
    );
    let text = w.ok(now, &["overdue"]);
    assert_eq!(text.matches("promised by 17:00").count(), 3, "{text}");
    assert!(
        !text.contains("FOLLOW-UPS"),
        "each conversation once: {text}"
    );
    let thursday_follow_ups = [
        (CEM, "2026-11-26 17:00", true),
        (FRITZ, "2026-11-26 17:00", true),
        (IDA, "2026-11-26 17:00", true),
    ];
    let thursday = |cem_fritz_greta_ida: &'static str| {
        let s = cem_fritz_greta_ida;
        [
            (ANNA, a),
            (BEN, a),
            (CEM, s),
            (DORA, a),
            (EMIL, a),
            (FRITZ, s),
            (GRETA, s),
            (HANNA, a),
            (IDA, s),
            (JONAS, a),
            (KARL, a),
            (LENA, a),
        ]
    };
    w.check_list(now, &thursday("due"), &thursday_follow_ups);
    // + Fritz, Greta: 12 conversations, 16 messages, 14 requests. On time: + Dora (phone
    // 08:31: due Tuesday 17:00, late only from Thursday 09:30), Fritz and Ida (12:00): 13;
    // Greta open. Promises: + Fritz's, Ida's (17:00, ahead); Lena's kept late (11:00, after
    // 09:30). Decided: 3 on time of 4.
    w.check_stats(
        now,
        figures(
            [12, 16, 14, 13, 0, 1, 0],
            Some(1.0),
            [7, 3, 1, 0],
            Some(0.75),
        ),
    );

    // 16:45: the promises carry the "due soon" warning, as Greta's message does.
    let now = "2026-11-26 16:45";
    assert_eq!(
        got(w.report(now)),
        report(0, &[], &[CEM, FRITZ, GRETA, IDA])
    );
    w.check_list(now, &thursday("due_soon"), &thursday_follow_ups);
    w.check_stats(
        now,
        figures(
            [12, 16, 14, 13, 0, 1, 0],
            Some(1.0),
            [7, 3, 1, 0],
            Some(0.75),
        ),
    );

    // 17:05: the three promises are late; Anna's, kept early on Tuesday, is not.
    let now = "2026-11-26 17:05";
    assert_eq!(
        got(w.report(now)),
        report(1, &[CEM, FRITZ, GRETA, IDA], &[])
    );
    let out = w.run(now, &["overdue"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("promise 5m late").count(), 3, "{text}");
    // `list` words a promise as the inbox's narrow column does.
    let list = w.ok(now, &["list"]);
    assert_eq!(list.matches("F-UP late 5m").count(), 3, "{list}");
    w.check_list(now, &thursday("overdue"), &thursday_follow_ups);
    // Greta's request is past its deadline; the three open promises are not broken yet in
    // business time (the shop is closed until Friday 09:00, plus 30 minutes' grace).
    w.check_stats(
        now,
        figures(
            [12, 16, 14, 13, 0, 1, 1],
            Some(1.0),
            [7, 3, 1, 0],
            Some(0.75),
        ),
    );

    // ---- Friday 27 November
    // Mia writes at 09:00 (due 17:00). 10:00: Fritz is answered from the phone, after the
    // promised time and the grace: kept late.
    w.customer(MIA, 1, "2026-11-27 09:00");
    w.other_client_reply(FRITZ, 1, "2026-11-27 10:00");
    w.sync("2026-11-27 10:05");
    // 11:00: Greta's answer is two business hours late: it apologises.
    let text = w.reply("2026-11-27 11:00", GRETA, "plain");
    assert!(text.contains("I am sorry for the slow reply."), "{text}");
    let now = "2026-11-27 12:30";
    assert_eq!(got(w.report(now)), report(1, &[CEM, IDA], &[MIA]));
    let friday = |mia: &'static str| {
        [
            (ANNA, a),
            (BEN, a),
            (CEM, "overdue"),
            (DORA, a),
            (EMIL, a),
            (FRITZ, a),
            (GRETA, a),
            (HANNA, a),
            (IDA, "overdue"),
            (JONAS, a),
            (KARL, a),
            (LENA, a),
            (MIA, mia),
        ]
    };
    let broken = [
        (CEM, "2026-11-26 17:00", true),
        (IDA, "2026-11-26 17:00", true),
    ];
    w.check_list(now, &friday("due"), &broken);
    // + Mia: 13 conversations, 17 messages, 15 requests. Greta answered 11:00, 1h30 after
    // the grace ended at 09:30 (two business hours after her deadline): late; Mia open.
    // 13 of 14 on time. Promises: Fritz's kept late (10:00 > 09:30); Cem's and Ida's never
    // kept and past 09:30: broken. 3 on time of 7.
    let friday_stats = |open_overdue: u64| {
        figures(
            [13, 17, 15, 13, 1, 1, open_overdue],
            Some(13.0 / 14.0),
            [7, 3, 2, 2],
            Some(3.0 / 7.0),
        )
    };
    w.check_stats(now, friday_stats(0));

    // 16:45: snoozing Mia (due 17:00) to Monday needs --past-deadline too.
    let now = "2026-11-27 16:45";
    let out = w.run(now, &["snooze", &w.id(MIA), "2026-11-30 09:00"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(w.states(now)[MIA], "due_soon", "nothing changed");
    w.ok(
        now,
        &["snooze", &w.id(MIA), "2026-11-30 09:00", "--past-deadline"],
    );
    assert_eq!(got(w.report(now)), report(1, &[CEM, IDA], &[]));
    w.check_list(now, &friday("snoozed"), &broken);
    // The week's statistics: as at 12:30, Mia not yet past her deadline.
    w.check_stats(now, friday_stats(0));
    // The same week as `--days 7`: from Saturday 21 00:00 Berlin (nothing is older, so the
    // figures are the same), with the figures that describe it.
    let mut week = friday_stats(0);
    let extra = serde_json::json!({
        "from": "2026-11-20T23:00:00Z",
        "to": "2026-11-27T15:45:00Z",
        // Sat Anna; Sun Hanna; Mon Karl, Emil ×3, Ben; Tue Karl, Jonas ×2, Cem, Lena, Dora;
        // Wed Ida; Thu Fritz, Greta; Fri Mia.
        "per_day": [
            ["2026-11-21", 1], ["2026-11-22", 1], ["2026-11-23", 5], ["2026-11-24", 6],
            ["2026-11-25", 1], ["2026-11-26", 2], ["2026-11-27", 1],
        ],
        "by_weekday": [5, 6, 1, 2, 1, 1, 1],
        // 09h: Karl ×2, Emil, Jonas, Mia; 10h: Anna, Cem, Lena, Jonas, Ida, Fritz, Greta;
        // 11h: Emil; 14h: Emil; 15h: Hanna, Dora; 16h: Ben.
        "by_hour": [0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 7, 1, 0, 0, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0],
        // First message to first answer (minutes), 12 conversations (Mia unanswered):
        // wall: Lena 120, Fritz 120, Emil 150 (09:30→12:00), Karl 180, Jonas 285 (09:15→
        // 14:00), Cem 405 (10:00→16:45), Ben 940 (Mon 16:50→Tue 08:30), Greta 1470 (Thu
        // 10:30→Fri 11:00), Hanna 1530 (Sun 15:00→Mon 16:30), Ida 1560 (Wed 10:00→Thu
        // 12:00), Dora 2491 (Tue 15:00→phone Thu 08:31), Anna 2880 (Sat→Mon 10:00).
        // Nearest rank: median the 6th, p90 the 11th.
        "first_response_wall": {"count": 12, "median": 405, "p90": 2491},
        // Business minutes: Ben 10 (Mon 16:50–17:00), Anna 60 (Mon 09–10), Lena, Fritz 120,
        // Dora 120 (Tue 15–17; Wednesday a holiday; Thu 08:31 before opening), Emil 150,
        // Karl 180, Ida 180 (Thu 09–12), Jonas 285, Cem 405, Hanna 450 (Mon 09–16:30),
        // Greta 510 (Thu 10:30–17 + Fri 09–11).
        "first_response_business": {"count": 12, "median": 150, "p90": 450},
        // First message to the shop's last one, where the shop wrote last (Karl, Emil, Dora
        // end with the customer's message, answered by phone; Mia is open): Jonas 285, Cem
        // 405, Ben 940, Fritz 1440 (Thu 10:00→Fri 10:00), Greta 1470, Ida 1560, Hanna 2700
        // (Sun 15:00→Tue 12:00), Lena 2940 (Tue 10:00→Thu 11:00), Anna 4380 (Sat 10:00→Tue
        // 11:00). Median the 5th, p90 the 9th.
        "resolution": {"count": 9, "median": 1470, "p90": 4380},
        // No first reply is 7 days old yet. Decided already: a second reply (Anna, Hanna,
        // Lena, Fritz) or a customer message after the reply (Karl, Emil): none one-touch.
        "one_touch": 0,
        "one_touch_decided": 6,
        "one_touch_share": 0.0,
    });
    for (k, v) in extra.as_object().unwrap() {
        week[k] = v.clone();
    }
    w.check_stats_days(now, 7, week);

    // ---- The weekend and the next Monday: Anna's settled promise never comes back; Mia,
    // snoozed until Monday 09:00, is listed as overdue (marked) all along.
    for now in ["2026-11-28 10:00", "2026-11-30 08:30"] {
        let (code, sections, v) = w.report(now);
        assert_eq!(
            (code, sections["overdue"].clone()),
            (1, sorted(&[IDA, CEM, MIA])),
            "{now}"
        );
        let mia = v["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["subject"] == MIA)
            .unwrap();
        assert_eq!(mia["snoozed_until"], "2026-11-30T08:00:00Z", "{now}");
        w.check_list(now, &friday("snoozed"), &broken);
        // Mia's request is now past its deadline; nothing else changes.
        w.check_stats(now, friday_stats(1));
    }
}
