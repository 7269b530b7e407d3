//! The demo through the real binary: `list --json --now …` gives due times that follow the
//! deadline rule for every sample message at several moments of the week, and mail that is not
//! from a customer never shows up in Needs reply.

use assert_cmd::Command;
use chrono::{DateTime, Utc};
use serde_json::Value;
use shopinbox::config::Config;
use shopinbox::deadline::due_at;

fn list(now: &str, view: &str) -> Vec<Value> {
    let out = Command::cargo_bin("shopinbox")
        .unwrap()
        .args(["--demo", "list", "--json", "--view", view, "--now", now])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// A Monday morning, a Wednesday just before close, a Friday evening, a Sunday.
const NOWS: &[&str] = &[
    "2026-11-23 10:00",
    "2026-11-25 16:30",
    "2026-11-27 19:15",
    "2026-11-29 12:00",
];

#[test]
fn due_times_follow_the_rule_for_every_sample() {
    let cal = Config::demo().calendar();
    for now in NOWS {
        let all = list(now, "all");
        assert!(
            all.len() >= 20,
            "{now}: the demo has ~25 conversations, got {}",
            all.len()
        );
        let mut pending = 0;
        for row in &all {
            if row["due_at"].is_null() {
                continue;
            }
            pending += 1;
            let received = time(&row["received_at"]);
            let due = time(&row["due_at"]);
            assert_eq!(due, due_at(received, &cal), "{now}: {row:#}");
            // The state word agrees with the clock.
            let now_t = shopinbox::cli::parse_time(now, &Config::demo()).unwrap();
            let expected = if due <= now_t {
                "overdue"
            } else if due - now_t <= cal.due_soon {
                "due_soon"
            } else {
                "due"
            };
            assert_eq!(row["state"], expected, "{now}: {row:#}");
            if expected == "overdue" {
                assert_eq!(row["late_minutes"], (now_t - due).num_minutes(), "{row:#}");
            }
        }
        assert!(
            pending >= 10,
            "{now}: most demo customers are waiting, got {pending}"
        );
    }
}

#[test]
fn not_a_customer_mail_is_never_in_needs_reply() {
    for now in NOWS {
        let needs = list(now, "needs-reply");
        assert!(!needs.is_empty());
        for row in &needs {
            assert!(row["not_customer"].is_null(), "{now}: {row:#}");
            assert_ne!(row["state"], "answered", "{now}: {row:#}");
        }
        let kept_out = list(now, "not-customer");
        assert!(
            kept_out.len() >= 5,
            "{now}: newsletter, auto-reply, bounce, pitches: {kept_out:#?}"
        );
        let ids: Vec<&Value> = needs.iter().map(|r| &r["id"]).collect();
        for row in &kept_out {
            assert!(!row["not_customer"].is_null());
            assert!(!ids.contains(&&row["id"]), "{now}: {row:#}");
        }
        let answered = list(now, "answered");
        assert!(
            !answered.is_empty(),
            "{now}: the demo has answered conversations"
        );
    }
}

#[test]
fn demo_print_shows_the_inbox_with_states() {
    let out = Command::cargo_bin("shopinbox")
        .unwrap()
        .args(["demo", "--print", "--now", "2026-11-25 16:30"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("Alphx — Needs reply · "), "{text}");
    assert!(text.contains("OVERDUE 1d 23h"), "{text}");
    assert!(text.contains("due 17:00"), "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "no control characters reach the terminal"
    );
}

#[test]
fn show_prints_a_conversation() {
    let all = list("2026-11-25 16:30", "all");
    let thread = all
        .iter()
        .find(|r| r["messages"].as_u64().unwrap() >= 3)
        .expect("a thread with several messages");
    let id = thread["id"].to_string();
    let out = Command::cargo_bin("shopinbox")
        .unwrap()
        .args(["--demo", "show", &id, "--now", "2026-11-25 16:30"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("── SHOP"),
        "the shop's reply is in the thread: {text}"
    );
    assert!(text.contains("── FROM"), "{text}");
    Command::cargo_bin("shopinbox")
        .unwrap()
        .args(["--demo", "show", "99999"])
        .assert()
        .code(shopinbox::exit::USAGE)
        .stderr(predicates::str::contains("there is no conversation 99999"));
}

/// `--demo show 5` means the same conversation whatever `--now` says: the demo stores its mail
/// in one order for every moment, so the store numbers conversations the same way.
#[test]
fn conversation_ids_are_the_same_at_any_now() {
    let ids = |now: &str| -> Vec<(i64, String)> {
        let mut v: Vec<(i64, String)> = list(now, "all")
            .iter()
            .map(|r| {
                (
                    r["id"].as_i64().unwrap(),
                    r["subject"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let first = ids(NOWS[0]);
    assert!(first.len() > 15, "{first:?}");
    for now in &NOWS[1..] {
        assert_eq!(ids(now), first, "ids moved at {now}");
    }
}

/// `shopinbox demo --config FILE` takes the `[keys]` of that file: a bad one is refused
/// with the usual sentence (exit 2), a good one is accepted.
#[test]
fn demo_reads_the_keys_of_the_given_config() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = |keys: &str| {
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            format!(
                "[shop]\nname = \"Mine\"\nowner_name = \"Me\"\naddresses = [\"me@example.com\"]\n\n\
                 [hours]\ntime_zone = \"Europe/Berlin\"\n\n[keys]\n{keys}\n"
            ),
        )
        .unwrap();
        path
    };
    let bad = cfg("toggle_mark = [\"Spcae\"]");
    let out = Command::cargo_bin("shopinbox")
        .unwrap()
        .arg("--config")
        .arg(&bad)
        .args(["demo", "--print", "--now", NOWS[1]])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(shopinbox::exit::USAGE), "{stderr}");
    assert!(stderr.contains("toggle_mark"), "{stderr}");
    let good = cfg("toggle_mark = [\"t\"]\nselect_range = [\"V\"]");
    Command::cargo_bin("shopinbox")
        .unwrap()
        .arg("--config")
        .arg(&good)
        .args(["demo", "--print", "--now", NOWS[1]])
        .assert()
        .success();
}

/// Demo customers wrote before: their history spans months, at any `now`.
#[test]
fn returning_customers_have_history_over_months() {
    for now in NOWS {
        let out = Command::cargo_bin("shopinbox")
            .unwrap()
            .args(["--demo", "customer", "lena.fischer@posteo.de", "--now", now])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Conversations (3):"), "{now}: {text}");
        assert!(text.contains("Is the Fjord glaze food safe?"), "{text}");
        // Still one conversation waiting for a reply: the newest.
        let rows = list(now, "needs-reply");
        let lena: Vec<&Value> = rows
            .iter()
            .filter(|r| r["from"] == "lena.fischer@posteo.de")
            .collect();
        assert_eq!(lena.len(), 1, "{now}");
    }
    // The history reaches back months, not days.
    let rows = list(NOWS[1], "all");
    let now = time(&Value::String("2026-11-25T16:30:00+01:00".into()));
    let oldest = rows.iter().map(|r| time(&r["received_at"])).min().unwrap();
    assert!(now - oldest > chrono::Duration::days(90), "{oldest}");
}
