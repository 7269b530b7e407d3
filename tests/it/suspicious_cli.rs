//! "This sender is fine" through the command line: a look-alike sender's mail imported with
//! `shopinbox import` carries the suspicious flag in `list --json`; `not-suspicious ADDR` takes
//! it away, `--undo` brings it back, and bad arguments are usage errors (exit code 2).

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

const NOW: &str = "2026-11-24 12:00";

const LOOKALIKE: &str = "From: PayPal <service@paypa1.com>\nTo: hello@alphx.shop\n\
Date: Tue, 24 Nov 2026 09:10:00 +0100\nSubject: You received a payment\n\
Message-ID: <p1@paypa1.com>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\
You received a payment of 640.00 EUR. Reply with the tracking number.\n";

/// Only a Reply-To elsewhere: a weak signal, never flagged alone.
const UNIVERSITY: &str = "From: \"Dr. Hannah Weber\" <h.weber@uni-heidelberg.de>\n\
Reply-To: hannah.weber.1987@gmail.com\nTo: hello@alphx.shop\n\
Date: Tue, 24 Nov 2026 09:20:00 +0100\nSubject: Plates for our Christmas party\n\
Message-ID: <hw1@uni-heidelberg.de>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\
Could you send me a quote? Please answer to my private address.\n";

fn shopinbox(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("shopinbox").unwrap();
    cmd.arg("--config")
        .arg(dir.join("config.toml"))
        .args(args)
        .args(["--now", NOW]);
    cmd
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let mail = dir.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    std::fs::write(mail.join("paypal.eml"), LOOKALIKE.replace('\n', "\r\n")).unwrap();
    std::fs::write(mail.join("weber.eml"), UNIVERSITY.replace('\n', "\r\n")).unwrap();
    shopinbox(dir.path(), &["import", mail.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicates::str::contains("imported 2 new messages"));
    dir
}

/// `list --all --json` flag kinds by sender.
fn flags(dir: &Path) -> Vec<(String, Vec<String>)> {
    let out = shopinbox(dir, &["list", "--all", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut v: Vec<(String, Vec<String>)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let kinds = r["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["kind"].as_str().unwrap().to_string())
                .collect();
            (r["from"].as_str().unwrap().to_string(), kinds)
        })
        .collect();
    v.sort();
    v
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let out = shopinbox(dir, args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_sender_marked_fine_loses_the_flag_and_undo_brings_it_back() {
    let dir = setup();
    let d = dir.path();
    let flagged = vec![
        ("h.weber@uni-heidelberg.de".to_string(), vec![]),
        (
            "service@paypa1.com".to_string(),
            vec!["suspicious".to_string()],
        ),
    ];
    assert_eq!(flags(d), flagged);
    let out = shopinbox(d, &["list", "--all", "--json"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("paypa1.com imitates PayPal"), "{text}");

    let said = stdout(d, &["not-suspicious", "Service@PayPa1.com"]);
    assert_eq!(
        said,
        "Marked service@paypa1.com as fine: their mail no longer gets the suspicious badge \
         (`shopinbox not-suspicious service@paypa1.com --undo` takes that back).\n"
    );
    assert!(flags(d).iter().all(|(_, k)| k.is_empty()), "{:?}", flags(d));
    assert!(stdout(d, &["not-suspicious", "service@paypa1.com"]).contains("already marked"));
    assert!(stdout(d, &["not-suspicious"]).starts_with("service@paypa1.com  marked fine "));

    let said = stdout(d, &["not-suspicious", "service@paypa1.com", "--undo"]);
    assert_eq!(
        said,
        "service@paypa1.com is no longer marked as fine: their mail is checked for fraud again.\n"
    );
    assert_eq!(flags(d), flagged);
    assert_eq!(
        stdout(d, &["not-suspicious"]),
        "No senders are marked as fine.\n"
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let dir = setup();
    let d = dir.path();
    for (args, says) in [
        (vec!["not-suspicious", "jane"], "is not an e-mail address"),
        (
            vec!["not-suspicious", "hello@alphx.shop"],
            "is the shop's own address",
        ),
        (vec!["not-suspicious", "--undo"], "ADDR"),
    ] {
        shopinbox(d, &args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says));
    }
}
