//! `shopinbox setup` in its non-interactive form (`--answers FILE`, flags), the real binary
//! against the test Dovecot and SMTP sink: it logs in to both, lists the folders and finds
//! Sent, writes a private config that `config check` accepts and `sync` uses, plus the
//! starter templates; refuses to replace a config; a wrong password writes nothing.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use support::MailServers;

const PASSWORD_ENV: &str = "SHOPINBOX_TEST_SETUP_PASSWORD";
const NOW: &str = "2026-11-24T10:00:00+01:00";

/// The binary with a private home (config, data, cache) in `home`.
fn shopinbox(home: &Path, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shopinbox"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("SHOPINBOX_TOKEN_STORE", "file")
        .env(PASSWORD_ENV, password)
        .stdin(Stdio::null())
        .output()
        .expect("run shopinbox")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The answers a script would give for the test servers ("other": their own CA, TLS on both).
fn answers_file(dir: &Path, servers: &MailServers) -> PathBuf {
    let path = dir.join("answers.toml");
    std::fs::write(
        &path,
        format!(
            r#"
email = "shop@example.com"
provider = "other"
shop_name = "Alphx"
owner_name = "Tom"
time_zone = "Europe/Berlin"
username = "{user}"
password_env = "{PASSWORD_ENV}"
imap_host = "127.0.0.1"
imap_port = {imaps}
imap_security = "tls"
smtp_host = "127.0.0.1"
smtp_port = {smtps}
smtp_security = "tls"
ca_file = "{ca}"
"#,
            user = servers.user,
            imaps = servers.imaps_port,
            smtps = servers.smtps_port,
            ca = servers.ca.display(),
        ),
    )
    .unwrap();
    path
}

const CUSTOMER_MAIL: &[u8] = b"From: Jane Doe <jane@customer.example>\r\n\
To: shop@example.com\r\n\
Subject: Where is my order #1047?\r\n\
Date: Tue, 24 Nov 2026 08:30:00 +0100\r\n\
Message-ID: <setup-test-1@customer.example>\r\n\
\r\n\
Hello, my package has not arrived.\r\n";

#[test]
fn setup_from_an_answers_file_writes_a_config_that_check_and_sync_use() {
    let servers = MailServers::start();
    servers.append(
        "INBOX",
        CUSTOMER_MAIL,
        &[],
        Some(chrono::DateTime::parse_from_rfc3339("2026-11-24T08:30:00+01:00").unwrap()),
    );
    let home = tempfile::tempdir().unwrap();
    let answers = answers_file(home.path(), &servers);
    let answers = answers.to_str().unwrap();
    let pw = servers.password.as_str();

    let out = shopinbox(home.path(), pw, &["setup", "--answers", answers]);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "setup failed: {}{stdout}",
        text(&out.stderr)
    );
    // The login check: both servers, the folders, the Sent folder found by SPECIAL-USE.
    assert!(
        stdout.contains("(IMAP)") && stdout.contains("(SMTP)"),
        "{stdout}"
    );
    let folders = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("folders:"))
        .unwrap_or_else(|| panic!("no folder line: {stdout}"));
    assert!(
        folders.contains("INBOX") && folders.contains("Sent"),
        "{folders}"
    );
    assert!(stdout.contains("Sent folder: Sent"), "{stdout}");
    assert!(stdout.contains("logged in; nothing was sent"), "{stdout}");
    // Nothing was sent.
    assert!(servers.smtp_messages().is_empty());

    // The config: where the binary looks by default, private, commented, naming Sent.
    let config = home.path().join("config/shopinbox/config.toml");
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "config mode {mode:o}");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.contains("sent_folder = \"Sent\""), "{written}");
    assert!(written.contains(&format!("password_env = \"{PASSWORD_ENV}\"")));
    assert!(!written.contains(pw), "the password is never written");
    assert!(written.lines().filter(|l| l.starts_with('#')).count() > 15);
    // The starter templates next to it.
    let templates = home.path().join("config/shopinbox/templates");
    assert!(templates.join("missing-package.txt").is_file());
    assert!(templates.join("missing-package.de.txt").is_file());
    assert!(stdout.contains("starter reply templates"), "{stdout}");

    // `config check` accepts it (no --config: the default path is the one setup wrote).
    let check = shopinbox(home.path(), pw, &["config", "check", "--now", NOW]);
    assert!(
        check.status.success(),
        "config check: {}",
        text(&check.stderr)
    );
    assert!(
        text(&check.stdout).contains("Europe/Berlin"),
        "{}",
        text(&check.stdout)
    );

    // `sync` uses it: the customer's message arrives and needs a reply.
    let sync = shopinbox(home.path(), pw, &["sync", "--now", NOW]);
    assert!(sync.status.success(), "sync: {}", text(&sync.stderr));
    let list = shopinbox(home.path(), pw, &["list", "--json", "--now", NOW]);
    assert!(list.status.success(), "list: {}", text(&list.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["from"], "jane@customer.example");
    assert!(home.path().join("data/shopinbox/shopinbox.db").is_file());

    // A second setup never replaces the config: exit 2, one sentence, file unchanged.
    let again = shopinbox(home.path(), pw, &["setup", "--answers", answers]);
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), written);
    // With --force it does, and the flags win over the file.
    let forced = shopinbox(
        home.path(),
        pw,
        &[
            "setup",
            "--answers",
            answers,
            "--force",
            "--shop-name",
            "Beta Shop",
        ],
    );
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let rewritten = std::fs::read_to_string(&config).unwrap();
    assert!(rewritten.contains("name = \"Beta Shop\""), "{rewritten}");
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_failed_login_or_a_missing_answer_writes_nothing() {
    let servers = MailServers::start();
    let home = tempfile::tempdir().unwrap();
    let answers = answers_file(home.path(), &servers);
    let answers = answers.to_str().unwrap();
    let config = home.path().join("config/shopinbox/config.toml");

    // The wrong password: the server refused, exit 4, no config, the password never shown.
    let out = shopinbox(
        home.path(),
        "not-the-password",
        &["setup", "--answers", answers],
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("127.0.0.1") && err.contains("test"), "{err}");
    // The answers take the password from the environment: that is what to check.
    assert!(
        err.contains(&format!(
            "check [imap] username and password_env ({PASSWORD_ENV})"
        )),
        "{err}"
    );
    assert!(!err.contains("password_command"), "{err}");
    assert!(!err.contains("not-the-password"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!config.exists());

    // The flags form with an answer missing: exit 2 naming it; nothing is asked (stdin is
    // not a terminal, and the flags mean "no questions").
    let out = shopinbox(
        home.path(),
        &servers.password,
        &[
            "setup",
            "--email",
            "hello@alphx.shop",
            "--shop-name",
            "Alphx",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot tell which provider hosts alphx.shop"),
        "{err}"
    );
    assert!(!config.exists());

    // The password variable not set: the owner's to fix (2), named.
    let out = Command::new(env!("CARGO_BIN_EXE_shopinbox"))
        .args(["setup", "--answers", answers])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove(PASSWORD_ENV)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(PASSWORD_ENV));
    assert!(!config.exists());

    // Offline: --no-check writes it without logging in; the SMTP port is unused.
    let out = shopinbox(
        home.path(),
        "",
        &[
            "setup",
            "--answers",
            answers,
            "--no-check",
            "--smtp-port",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("(IMAP)"));
    assert!(config.exists());
}

#[test]
fn interactive_setup_without_a_terminal_says_how_to_script_it() {
    let home = tempfile::tempdir().unwrap();
    let out = shopinbox(home.path(), "", &["setup"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("--answers FILE"), "{err}");
}

#[test]
fn config_example_and_the_missing_config_sentence() {
    let home = tempfile::tempdir().unwrap();
    let out = shopinbox(home.path(), "", &["config", "example"]);
    assert!(out.status.success());
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"))
            .unwrap();
    assert_eq!(text(&out.stdout), example);

    let out = shopinbox(home.path(), "", &["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("run `shopinbox setup` to create it"), "{err}");
    assert!(!err.contains("copy config.example.toml"), "{err}");
}

/// The answers of a shop with no servers to reach (`--no-check`), plus `extra` lines.
fn offline_answers(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("answers-offline.toml");
    std::fs::write(
        &path,
        format!(
            "email = \"hallo@toepferei.example\"\nprovider = \"fastmail\"\nshop_name = \"Töpferei Lind\"\nowner_name = \"Anna\"\npassword_env = \"{PASSWORD_ENV}\"\n{extra}"
        ),
    )
    .unwrap();
    path
}

/// `shopinbox setup --no-check` (and other commands) with `TZ` set or removed.
fn offline(home: &Path, tz: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopinbox"));
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env(PASSWORD_ENV, "x")
        .stdin(Stdio::null());
    match tz {
        Some(tz) => cmd.env("TZ", tz),
        None => cmd.env_remove("TZ"),
    };
    cmd.output().expect("run shopinbox")
}

#[test]
fn setup_writes_the_countrys_public_holidays_for_this_year_and_next() {
    let home = tempfile::tempdir().unwrap();
    let answers = offline_answers(
        home.path(),
        "time_zone = \"Europe/Berlin\"\ncountry = \"DE\"\nregion = \"BY\"\n",
    );
    let out = offline(
        home.path(),
        None,
        &[
            "setup",
            "--no-check",
            "--now",
            NOW,
            "--answers",
            answers.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let config = home.path().join("config/shopinbox/config.toml");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(
        written.contains("# The public holidays of Germany, Bavaria (Bayern) for 2026 and 2027"),
        "{written}"
    );
    assert!(
        written.contains("country = \"DE\", region = \"BY\""),
        "{written}"
    );
    for day in [
        "\"2026-08-15\", # Assumption Day",
        "\"2027-05-27\", # Corpus Christi",
        "\"2027-12-26\"",
    ] {
        assert!(written.contains(day), "{day}: {written}");
    }
    assert!(!written.contains("\"2028-"), "{written}");
    assert!(!written.contains("\"2025-"), "{written}");
    // `config check` shows them.
    let check = offline(home.path(), None, &["config", "check", "--now", NOW]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let report = text(&check.stdout);
    let line = report
        .lines()
        .find(|l| l.starts_with("Holidays:"))
        .unwrap_or_default();
    assert!(
        line.contains("Fri 25 Dec, Sat 26 Dec, Fri 1 Jan 2027"),
        "{report}"
    );
    assert!(line.contains("the last on Sun 26 Dec 2027"), "{report}");

    // A flag wins over the answers file; a region without a country, or an unknown one, is
    // one sentence and nothing is written.
    let other = tempfile::tempdir().unwrap();
    let out = offline(
        other.path(),
        None,
        &[
            "setup",
            "--no-check",
            "--now",
            NOW,
            "--answers",
            answers.to_str().unwrap(),
            "--country",
            "GB",
            "--region",
            "SCT",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written =
        std::fs::read_to_string(other.path().join("config/shopinbox/config.toml")).unwrap();
    assert!(written.contains("United Kingdom, Scotland"), "{written}");
    assert!(
        written.contains("\"2026-11-30\", # St Andrew's Day"),
        "{written}"
    );
    for (flags, want) in [
        (
            vec!["--region", "BY", "--country", ""],
            "needs the country it is in",
        ),
        (
            vec!["--country", "DE", "--region", "Bayern"],
            "is not a region of Germany setup knows",
        ),
        (vec!["--country", "SE"], "is not one setup has holidays for"),
    ] {
        let bare = offline_answers(home.path(), "time_zone = \"Europe/Berlin\"\n");
        let mut args = vec![
            "setup",
            "--no-check",
            "--now",
            NOW,
            "--answers",
            bare.to_str().unwrap(),
        ];
        args.extend(flags);
        let fresh = tempfile::tempdir().unwrap();
        let out = offline(fresh.path(), None, &args);
        assert_eq!(out.status.code(), Some(2), "{want}");
        assert!(text(&out.stderr).contains(want), "{}", text(&out.stderr));
        assert!(!fresh.path().join("config/shopinbox/config.toml").exists());
    }
}

#[test]
fn the_time_zone_defaults_to_tz_when_it_is_set() {
    let home = tempfile::tempdir().unwrap();
    let answers = offline_answers(home.path(), "");
    let out = offline(
        home.path(),
        Some("America/Chicago"),
        &[
            "setup",
            "--no-check",
            "--now",
            NOW,
            "--answers",
            answers.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written =
        std::fs::read_to_string(home.path().join("config/shopinbox/config.toml")).unwrap();
    assert!(
        written.contains("time_zone = \"America/Chicago\""),
        "{written}"
    );
    // No country: no holidays are made up.
    assert!(written.contains("holidays = []"), "{written}");
}

/// The binary as [`shopinbox`] runs it, with `input` on standard input.
fn shopinbox_with_input(home: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopinbox"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("SHOPINBOX_TOKEN_STORE", "file")
        .env_remove(PASSWORD_ENV)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shopinbox");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Every file under `dir`, with its text (lossy), for "the password is nowhere but its file".
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push((p.clone(), text(&std::fs::read(&p).unwrap_or_default())));
        }
    }
    out
}

#[test]
fn a_typed_password_is_kept_privately_and_sync_and_send_use_it() {
    let servers = MailServers::start_with(support::ServerOptions {
        smtp: support::SmtpOptions {
            require_auth: true,
            ..Default::default()
        },
        ..Default::default()
    });
    servers.append(
        "INBOX",
        CUSTOMER_MAIL,
        &[],
        Some(chrono::DateTime::parse_from_rfc3339("2026-11-24T08:30:00+01:00").unwrap()),
    );
    let home = tempfile::tempdir().unwrap();
    let answers = answers_file(home.path(), &servers);
    let written = std::fs::read_to_string(&answers).unwrap().replace(
        &format!("password_env = \"{PASSWORD_ENV}\""),
        "password_keyring = true",
    );
    std::fs::write(&answers, written).unwrap();
    let answers = answers.to_str().unwrap();
    let pw = servers.password.as_str();

    // Without a password on standard input: one sentence, nothing written.
    let none = shopinbox_with_input(home.path(), &["setup", "--answers", answers], "");
    assert_eq!(none.status.code(), Some(2), "{}", text(&none.stderr));
    assert!(text(&none.stderr).contains("no password on standard input"));

    let out = shopinbox_with_input(
        home.path(),
        &["setup", "--answers", answers],
        &format!("{pw}\n"),
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "setup failed: {stderr}{stdout}");
    // SHOPINBOX_TOKEN_STORE=file (as where no keyring exists): the private file, said so.
    let dir = home.path().join("config/shopinbox");
    let file = dir.join("passwords.json");
    assert!(
        stdout.contains(&format!("Kept the password in {}", file.display()))
            && stdout.contains("readable only by you"),
        "{stdout}"
    );
    assert!(stdout.contains("logged in; nothing was sent"), "{stdout}");
    assert!(
        !stdout.contains(pw) && !stderr.contains(pw),
        "never printed"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "passwords.json mode {mode:o}");
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert_eq!(
        config.matches("password_keyring = true").count(),
        2,
        "{config}"
    );
    for (path, content) in files_under(home.path()) {
        if path != file && !path.ends_with("answers.toml") {
            assert!(
                !content.contains(pw),
                "the password is in {}",
                path.display()
            );
        }
    }

    // `config check` says where it lives, without it.
    let check = shopinbox(home.path(), "", &["config", "check", "--now", NOW]);
    let report = text(&check.stdout);
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert!(
        report.contains("password typed, kept in") && report.contains("passwords.json"),
        "{report}"
    );
    assert!(!report.contains(pw));

    // `sync` and `send` use it (the SMTP sink refuses mail without a login).
    let sync = shopinbox(home.path(), "", &["sync", "--now", NOW]);
    assert!(sync.status.success(), "sync: {}", text(&sync.stderr));
    let list = shopinbox(home.path(), "", &["list", "--json", "--now", NOW]);
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let id = rows[0]["id"].as_i64().unwrap().to_string();
    let sent = shopinbox(
        home.path(),
        "",
        &["reply", &id, "-t", "acknowledge", "--send"],
    );
    assert!(sent.status.success(), "send: {}", text(&sent.stderr));
    assert_eq!(servers.smtp_messages().len(), 1);

    // `shopinbox password --stdin` changes it: a wrong one is refused at the next sync, in
    // one sentence without it; the right one works again.
    let changed = shopinbox_with_input(home.path(), &["password", "--stdin"], "wrong-one\n");
    assert!(changed.status.success(), "{}", text(&changed.stderr));
    assert!(text(&changed.stdout).contains("Kept the password in"));
    assert!(!text(&changed.stdout).contains("wrong-one"));
    let refused = shopinbox(home.path(), "", &["sync", "--now", NOW]);
    assert!(!refused.status.success());
    let err = text(&refused.stderr);
    assert!(
        (err.contains("refused") || err.contains("rejected")) && !err.contains("wrong-one"),
        "{err}"
    );
    let back = shopinbox_with_input(home.path(), &["password", "--stdin"], &format!("{pw}\n"));
    assert!(back.status.success(), "{}", text(&back.stderr));
    let sync = shopinbox(home.path(), "", &["sync", "--now", NOW]);
    assert!(sync.status.success(), "sync: {}", text(&sync.stderr));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
