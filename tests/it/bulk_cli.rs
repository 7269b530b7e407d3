//! The commands that change conversations take several ids: `snooze 12 13 14 "…"`,
//! `answered 12 13`, `not-duplicate 31 32`. All or nothing: an unknown id (or one that cannot
//! take the change) is a usage error naming it, and nothing changes.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const CONFIG: &str = r#"
[shop]
name = "Alphx"
owner_name = "Tom"
addresses = ["hello@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"

[store]
path = "store.db"
"#;

/// Tuesday 24 November 2026, noon in Berlin.
const NOW: &str = "2026-11-24 12:00";

fn customer_mail(n: u32) -> String {
    format!(
        "From: Customer {n} <customer{n}@example.net>\nTo: hello@alphx.shop\n\
         Date: Tue, 24 Nov 2026 09:{n:02}:00 +0100\nSubject: Question {n}\n\
         Message-ID: <q{n}@example.net>\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\nHello, question number {n}.\n"
    )
}

fn shopify(number: u32, date: &str) -> String {
    format!(
        "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com\nFrom: Shopify <mailer@shopify.com>\nTo: hello@alphx.shop\nDate: {date}\n\
         Subject: [Alphx] Order #{number} placed by Jane Doe\nMessage-ID: <order-{number}@shopify.com>\n\
         MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\
         Order #{number} was placed by Jane Doe.\n\nOrder summary\n\
         Speckled pasta plates (set of 4) × 1    €64.00\n\nSubtotal: €64.00\nTotal: €64.00 EUR\n\n\
         Customer\nJane Doe\njane.doe.83@outlook.com\n\n\
         Shipping address\nJane Doe\nLindenstraße 12\n10115 Berlin\nGermany\n"
    )
}

fn shopinbox(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("shopinbox").unwrap();
    cmd.arg("--config")
        .arg(dir.join("config.toml"))
        .args(args)
        .args(["--now", NOW]);
    cmd
}

/// Three customer questions and two identical orders (one possible duplicate) imported.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let mail = dir.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    for n in 1..=3 {
        std::fs::write(mail.join(format!("q{n}.eml")), customer_mail(n)).unwrap();
    }
    std::fs::write(
        mail.join("1047.eml"),
        shopify(1047, "Tue, 24 Nov 2026 09:10:00 +0100"),
    )
    .unwrap();
    std::fs::write(
        mail.join("1048.eml"),
        shopify(1048, "Tue, 24 Nov 2026 09:30:00 +0100"),
    )
    .unwrap();
    shopinbox(dir.path(), &["import", mail.to_str().unwrap()])
        .assert()
        .success();
    dir
}

fn list(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["list", "--json"];
    all.extend_from_slice(args);
    let out = shopinbox(dir, &all).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Ids of the customer questions, by subject, and the duplicate-order item.
fn ids(dir: &Path) -> (Vec<String>, String) {
    let rows = list(dir, &["--needs-reply"]);
    let mut questions: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r["subject"].as_str().unwrap().starts_with("Question"))
        .map(|r| {
            (
                r["subject"].as_str().unwrap().to_string(),
                r["id"].to_string(),
            )
        })
        .collect();
    questions.sort();
    let dup = rows
        .iter()
        .find(|r| r["subject"].as_str().unwrap().contains("duplicate"))
        .map(|r| r["id"].to_string())
        .expect("a possible duplicate order");
    (questions.into_iter().map(|(_, id)| id).collect(), dup)
}

fn needs_reply_ids(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = list(dir, &["--needs-reply"])
        .iter()
        .map(|r| r["id"].to_string())
        .collect();
    v.sort();
    v
}

/// Runs a command that must fail as a usage error with one sentence; returns stderr.
fn usage_error(dir: &Path, args: &[&str]) -> String {
    let out = shopinbox(dir, args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(shopinbox::exit::USAGE),
        "{args:?}: {stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one sentence: {stderr}");
    assert!(out.stdout.is_empty(), "nothing reported as done");
    stderr
}

#[test]
fn snooze_takes_several_ids_and_reports_each() {
    let dir = setup();
    let (q, _) = ids(dir.path());
    assert_eq!(q.len(), 3);
    let out = shopinbox(
        dir.path(),
        &[
            "snooze",
            &q[0],
            &q[1],
            &q[2],
            "2026-11-25 09:00",
            "--past-deadline",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for id in &q {
        assert!(
            text.contains(&format!("conversation {id} snoozed until")),
            "{text}"
        );
    }
    assert_eq!(text.lines().count(), 3, "{text}");
    let snoozed = list(dir.path(), &["--view", "snoozed"]);
    assert_eq!(snoozed.len(), 3);
    // Back together with --clear.
    shopinbox(dir.path(), &["snooze", &q[0], &q[1], "--clear"])
        .assert()
        .success()
        .stdout(predicates::str::contains(format!(
            "conversation {} is back",
            q[1]
        )));
    assert_eq!(list(dir.path(), &["--view", "snoozed"]).len(), 1);
}

#[test]
fn an_unknown_id_changes_nothing_and_names_itself() {
    let dir = setup();
    let (q, dup) = ids(dir.path());
    let before = needs_reply_ids(dir.path());
    let err = usage_error(dir.path(), &["snooze", &q[0], "999999", "2026-11-25 09:00"]);
    assert!(err.contains("999999"), "{err}");
    let err = usage_error(dir.path(), &["answered", &q[0], &q[1], "999999"]);
    assert!(err.contains("no conversation 999999"), "{err}");
    let err = usage_error(dir.path(), &["not-duplicate", &dup, "999999"]);
    assert!(err.contains("999999"), "{err}");
    assert_eq!(needs_reply_ids(dir.path()), before);
    // A word that is not an id before the time is refused, not guessed at.
    let err = usage_error(dir.path(), &["snooze", &q[0], "soon", "2026-11-25 09:00"]);
    assert!(err.contains("\"soon\""), "{err}");
    // A time and --clear together are refused.
    usage_error(
        dir.path(),
        &["snooze", &q[0], "2026-11-25 09:00", "--clear"],
    );
    assert_eq!(needs_reply_ids(dir.path()), before);
}

#[test]
fn answered_marks_and_clears_several() {
    let dir = setup();
    let (q, dup) = ids(dir.path());
    shopinbox(dir.path(), &["answered", &q[0], &q[2]])
        .assert()
        .success()
        .stdout(predicates::str::contains(format!(
            "conversation {} marked answered",
            q[2]
        )));
    let mut want = vec![q[1].clone(), dup.clone()];
    want.sort();
    assert_eq!(needs_reply_ids(dir.path()), want);
    shopinbox(dir.path(), &["answered", &q[0], &q[2], "--clear"])
        .assert()
        .success();
    assert_eq!(needs_reply_ids(dir.path()).len(), 4);
}

#[test]
fn not_duplicate_is_all_or_nothing() {
    let dir = setup();
    let (q, dup) = ids(dir.path());
    // A customer question is not a duplicate order: the whole command is refused.
    let err = usage_error(dir.path(), &["not-duplicate", &dup, &q[0]]);
    assert!(err.contains(&format!("conversation {}", q[0])), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(needs_reply_ids(dir.path()).contains(&dup));
    shopinbox(dir.path(), &["not-duplicate", &dup])
        .assert()
        .success();
    assert!(!needs_reply_ids(dir.path()).contains(&dup));
}

/// `list --json` is complete: every row by default; `--limit N` cuts with a note on stderr.
#[test]
fn list_json_is_complete_or_says_it_was_cut() {
    let dir = setup();
    let all = list(dir.path(), &["--all"]);
    // Three questions, the duplicate-order item, and the orders' own conversations.
    assert!(all.len() >= 4, "{all:#?}");
    let n = all.len().to_string();

    let out = shopinbox(dir.path(), &["list", "--json", "--all", "--limit", "2"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], all[0]["id"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("list: showing the first 2 conversations of more (--limit 2)"),
        "{err}"
    );

    // A limit that cuts nothing says nothing.
    let out = shopinbox(dir.path(), &["list", "--json", "--all", "--limit", &n])
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), all.len());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
