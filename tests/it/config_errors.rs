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
        &[
            "no password source in [smtp]; add password_keyring = true and run `shopinbox password`",
            "password_command = ",
            "password_env = ",
        ],
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
        // The variables the fixtures name are set: each fixture then has its one problem
        // (config check lists every problem; see config_check_lists_every_problem_in_one_run).
        let out = shopinbox()
            .env("ALPHX_IMAP_PASSWORD", "secret")
            .env(SMTP_PASSWORD_VAR, "secret")
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
        .env(SMTP_PASSWORD_VAR, "secret")
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

/// The variable good.toml's `[smtp] password_env` names.
const SMTP_PASSWORD_VAR: &str = "ALPHX_SMTP_PASSWORD";

/// Fixtures that load but would break later (a key binding, a template, an unset variable, a
/// CA file without a certificate), the file their message must start with (relative to the
/// fixtures) and what it must say.
const LATER: &[(&str, &str, &[&str])] = &[
    (
        "keys_unknown_action.toml",
        "keys_unknown_action.toml",
        &["keys.next = [\"n\"] (line 36) is not an action; the actions are: up, down,"],
    ),
    (
        "keys_misspelt_action.toml",
        "keys_misspelt_action.toml",
        &["keys.sycn_now = [\"S\"] (line 35) is not an action; did you mean \"sync_now\"? the actions are:"],
    ),
    (
        "keys_modifier_only.toml",
        "keys_modifier_only.toml",
        &["keys.reply[1] = \"ctrl-\" (line 35) is not a key (a modifier needs a key after it"],
    ),
    (
        "keys_cmd.toml",
        "keys_cmd.toml",
        &["keys.sync_now[0] = \"cmd-r\" (line 35) is not a key (terminals do not pass Cmd"],
    ),
    (
        "keys_conflict.toml",
        "keys_conflict.toml",
        &["keys.up[1] = \"j\" (line 36) is also bound to \"down\" (keys.down[0], line 35); give each key to one action"],
    ),
    (
        "password_env_unset.toml",
        "password_env_unset.toml",
        &[
            "smtp.password_env = \"SHOPINBOX_TEST_NEVER_SET_PASSWORD\" (line 32) names an environment variable that is not set",
            "export SHOPINBOX_TEST_NEVER_SET_PASSWORD",
        ],
    ),
    (
        "ca_file_no_certificate.toml",
        "ca_file_no_certificate.toml",
        &["imap.ca_file = \"not_a_certificate.pem\" (line 26) holds no PEM certificate"],
    ),
    (
        "bad_template/config.toml",
        "bad_template/templates/where-is-it.txt",
        &[":2:1: unknown header \"folow_up\"", "fix the template"],
    ),
    (
        "missing_offer/config.toml",
        "missing_offer/templates/thanks.txt",
        &[
            ":5: {offer.discount_code} has no value",
            "has no \"discount_code\"; add discount_code = ",
        ],
    ),
];

#[test]
fn config_check_reports_what_would_break_later_with_file_line_and_value() {
    for (name, file, wants) in LATER {
        let path = fixture(name);
        Config::load(&path).unwrap_or_else(|e| {
            if !name.starts_with("ca_file") {
                panic!("{name} loads: {e}")
            }
            Config::demo()
        });
        let out = shopinbox()
            .env(SMTP_PASSWORD_VAR, "secret")
            .env_remove("SHOPINBOX_TEST_NEVER_SET_PASSWORD")
            .arg("--config")
            .arg(&path)
            .args(["config", "check"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: stderr: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: {}", fixture(file).display())),
            "{name}: {stderr}"
        );
        for want in *wants {
            assert!(
                stderr.contains(want),
                "{name}:\n got: {stderr}\nwant: {want}"
            );
        }
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
    }
}

/// The inbox refuses a bad `[keys]` table with the same sentence and exit code as
/// `config check`, before it opens the store or touches the terminal.
#[test]
fn inbox_reports_a_bad_keys_table_like_config_check() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "keys_conflict.toml",
        "keys_cmd.toml",
        "keys_unknown_action.toml",
    ] {
        let path = dir.path().join(name);
        std::fs::copy(fixture(name), &path).unwrap();
        let run = |args: &[&str]| {
            shopinbox()
                .env(SMTP_PASSWORD_VAR, "secret")
                .arg("--config")
                .arg(&path)
                .args(args)
                .output()
                .unwrap()
        };
        let inbox = run(&[]);
        let check = run(&["config", "check"]);
        let stderr = String::from_utf8_lossy(&inbox.stderr);
        assert_eq!(inbox.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: {}: keys.", path.display())),
            "{name}: {stderr}"
        );
        assert!(stderr.contains("(line "), "{name}: {stderr}");
        assert_eq!(stderr, String::from_utf8_lossy(&check.stderr), "{name}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
        // Nothing was created next to the config: the store was never opened.
        assert!(
            !dir.path().join("shopinbox-test.db").exists(),
            "{name}: the store was opened"
        );
    }
}

/// The example config's own `[keys]` lines pass `config check` once uncommented.
#[test]
fn example_config_key_examples_pass_config_check() {
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"))
            .unwrap();
    let mut in_keys = false;
    let mut uncommented = 0;
    let text: String = example
        .lines()
        .map(|l| {
            if l.starts_with('[') {
                in_keys = l.trim() == "[keys]";
            }
            match l.strip_prefix("# ") {
                Some(binding) if in_keys && binding.contains(" = [") => {
                    uncommented += 1;
                    format!("{binding}\n")
                }
                _ => format!("{l}\n"),
            }
        })
        .collect();
    assert!(uncommented >= 2, "found the examples");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    // With the starter templates next to it: their guarded {offer.…} uses are not problems.
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/templates"),
        &dir.path().join("templates"),
    );
    let out = shopinbox()
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .arg("--config")
        .arg(&path)
        .args(["--now", "2026-11-23 19:40", "config", "check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// One run lists every problem, each one sentence on its own line with the file and line,
/// then how many there are; exit 2.
#[test]
fn config_check_lists_every_problem_in_one_run() {
    let path = fixture("several_problems.toml");
    let out = shopinbox()
        .env_remove("SHOPINBOX_TEST_NEVER_SET_PASSWORD")
        .arg("--config")
        .arg(&path)
        .args(["config", "check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let wants = [
        "unknown key \"hours.clsoe\" (line 10)",
        "hours.time_zone = \"Europe/Berln\" (line 8) is not a known IANA time zone",
        "hours.holidays[1] = \"2026-12-32\" (line 11) is not a date",
        "imap.security = \"none\" (line 15)",
        "keys.replly",
        "smtp.password_env = \"SHOPINBOX_TEST_NEVER_SET_PASSWORD\" (line 22)",
    ];
    for want in wants {
        let line = lines
            .iter()
            .find(|l| l.contains(want))
            .unwrap_or_else(|| panic!("{want} not reported:\n{stderr}"));
        assert!(
            line.starts_with(&format!("error: {}: ", path.display())),
            "{line}"
        );
    }
    assert_eq!(lines.len(), wants.len() + 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{} problems in {}", wants.len(), path.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty());
}
