//! `shopinbox config check` on bad config files: exit code 2, one sentence on stderr naming
//! the file, the key and the bad value, and never a panic or a backtrace. Also checks that a
//! good file prints the business calendar and its deadlines.

use assert_cmd::Command;
use shopinbox::config::Config;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

/// Each bad fixture and what its message must say (besides the file name).
const BAD: &[(&str, &[&str])] = &[
    (
        "unknown_key.toml",
        &[
            "unknown key \"hours.clsoe\" (line 9)",
            "did you mean \"close\"?",
            "known keys in [hours] are: time_zone, business_days, open, close, holidays",
        ],
    ),
    (
        "bad_time_zone.toml",
        &[
            "hours.time_zone = \"Europe/Berln\" (line 7) is not a known IANA time zone",
            "did you mean \"Europe/Berlin\"?",
        ],
    ),
    (
        "close_before_open.toml",
        &["hours.close = \"08:30\" (line 9) is not after hours.open (09:00)"],
    ),
    (
        "plaintext_remote.toml",
        &[
            "imap.security = \"none\" (line 13)",
            "\"mail.alphx.shop\"",
            "plaintext is only allowed to 127.0.0.1/localhost; use security = \"tls\"",
        ],
    ),
    (
        "missing_password.toml",
        &["no password source in [smtp]; add password_command = ", "password_env = "],
    ),
    (
        "oauth_bad_mechanism.toml",
        &["imap.oauth2_mechanism = \"plain\" (line 16) is not \"xoauth2\" or \"oauthbearer\""],
    ),
    (
        "oauth_no_token_source.toml",
        &[
            "missing the access token source for imap.auth = \"oauth2\"",
            "add token_command = ",
            "oauth2_client_id = ",
            "`shopinbox login`",
        ],
    ),
    (
        "syntax_error.toml",
        &["invalid TOML at line 8, column"],
    ),
    (
        "bad_holiday.toml",
        &[
            "hours.holidays[1] = \"2026-02-30\" (line 10) is not a date",
            "\"YYYY-MM-DD\"",
        ],
    ),
    (
        "bad_weekday.toml",
        &["hours.business_days[7] = \"hol\" (line 7) is not a weekday; use mon, tue"],
    ),
    (
        "wrong_type.toml",
        &["hours.due_soon_minutes = \"sixty\" (line 10) has the wrong type; it must be a whole number"],
    ),
];

fn shopinbox() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopinbox"));
    // A panic would print its message and a backtrace; make sure we would see it.
    cmd.env("RUST_BACKTRACE", "1");
    cmd
}

#[test]
fn library_rejects_each_bad_fixture_with_a_clear_sentence() {
    for (name, wants) in BAD {
        let path = fixture(name);
        let msg = Config::load(&path)
            .err()
            .unwrap_or_else(|| panic!("{name} should be rejected"))
            .to_string();
        assert!(msg.contains(&path.display().to_string()), "{name}: {msg}");
        for want in *wants {
            assert!(msg.contains(want), "{name}:\n got: {msg}\nwant: {want}");
        }
        assert!(!msg.contains('\n'), "{name}: one line: {msg}");
    }
}

#[test]
fn config_check_exits_2_and_names_file_key_and_value() {
    for (name, wants) in BAD {
        let path = fixture(name);
        let out = shopinbox()
            .arg("--config")
            .arg(&path)
            .args(["config", "check"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: stderr: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: {}: ", path.display())),
            "{name}: {stderr}"
        );
        for want in *wants {
            assert!(
                stderr.contains(want),
                "{name}:\n got: {stderr}\nwant: {want}"
            );
        }
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!stderr.contains("backtrace"), "{name}: {stderr}");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{name}: one line: {stderr}"
        );
    }
}

#[test]
fn config_check_on_a_missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let out = shopinbox()
        .arg("--config")
        .arg(&path)
        .args(["config", "check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn config_check_prints_the_calendar_and_next_deadlines() {
    let path = fixture("good.toml");
    let out = shopinbox()
        .arg("--config")
        .arg(&path)
        .args(["--now", "2026-11-23 19:40", "config", "check"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    for want in [
        "the configuration is valid",
        "Business hours: Mon–Fri 09:00–17:00, time zone Europe/Berlin",
        "Holidays:       Thu 24 Dec, Fri 25 Dec",
        "arrivals after 16:30 (cut-off 30m before close) are due the next business day",
        "Due soon:       45m before the deadline",
        "a message arriving now (Mon 23 Nov 19:40) is due Tue 24 Nov 17:00 Europe/Berlin",
        "a message arriving Sat 28 Nov 12:00 is due Mon 30 Nov 17:00 Europe/Berlin",
        "IMAP:           imap.alphx.shop:993 (tls)",
        "SMTP:           smtp.alphx.shop:587 (starttls)",
    ] {
        assert!(stdout.contains(want), "missing {want:?} in:\n{stdout}");
    }
    // The store path is relative to the config file's directory.
    assert!(
        stdout.contains(&fixture("shopinbox-test.db").display().to_string()),
        "{stdout}"
    );
    // The password command is a secret-adjacent detail: it is not echoed.
    assert!(!stdout.contains("pass show"), "{stdout}");
}
