//! Text and time from hostile or odd mail, through the real binary (issue 13 items 12, 15, 16):
//! the epoch is a valid date, a date far in the future falls back to the import time with a
//! note, file names with control characters are printed clean, and a failing password_command
//! is named by its config key, never quoted or echoed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-11-24T10:00:00+01:00";

fn write_config(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[shop]
name = "Alphx"
owner_name = "Tom"
addresses = ["hello@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"

[store]
path = "{store}"
{extra}
"#,
            store = dir.join("shopinbox.db").display(),
        ),
    )
    .unwrap();
    path
}

fn run(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shopinbox"))
        .arg("--config")
        .arg(config)
        .arg("--now")
        .arg(NOW)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_clean(s: &str) {
    for c in s.chars() {
        assert!(
            c == '\n' || !(c.is_control() || shopinbox::mail::sanitize::is_bidi(c)),
            "control or bidi character {c:?} in output:\n{s}"
        );
    }
}

#[test]
fn epoch_and_future_dates_and_hostile_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let mail_dir = dir.path().join("mail");
    std::fs::create_dir(&mail_dir).unwrap();
    std::fs::write(
        mail_dir.join("epoch.eml"),
        "From: Ann <ann@example.com>\r\nSubject: Epoch\r\nMessage-ID: <epoch@example.com>\r\n\
         Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n\r\nHello from 1970\r\n",
    )
    .unwrap();
    // A file name with an escape sequence, a bell, a bidi override and a newline.
    let evil = "future\u{1b}]0;pwned\u{7}\u{202e}lmth.\n\u{1b}[31m.eml";
    std::fs::write(
        mail_dir.join(evil),
        "From: Bob <bob@example.com>\r\nSubject: From the future\r\n\
         Message-ID: <future@example.com>\r\nDate: Fri, 01 Jan 2100 09:00:00 +0000\r\n\r\nHi\r\n",
    )
    .unwrap();
    let out = run(&config, &["import", mail_dir.to_str().unwrap()]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert_clean(&all);
    assert!(all.contains("imported 2 new messages"), "{all}");
    assert!(
        !all.contains("Date:"),
        "the epoch is not unreadable:\n{all}"
    );
    assert!(
        all.contains("2100-01-01 09:00 UTC in the future; the time of import is used instead"),
        "{all}"
    );
    assert!(all.contains("futurelmth."), "{all}");

    let out = run(&config, &["list", "--json"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert_clean(&all);
    assert!(all.contains("From the future"), "{all}");
    assert!(!all.contains("2100"), "no deadline in 2100:\n{all}");

    // The importer's error for a missing path prints the name clean too.
    let missing = dir.path().join("gone\u{1b}[2J\u{7}.eml");
    let out = run(&config, &["import", missing.to_str().unwrap()]);
    let all = text(&out);
    assert!(!out.status.success());
    assert_clean(&all);
    assert!(all.contains("gone"), "{all}");
}

#[test]
fn failing_password_command_is_named_not_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = write_config(
        dir.path(),
        &format!(
            r#"
[imap]
host = "127.0.0.1"
port = {closed}
security = "tls"
username = "shop"
password_command = "echo FAKE-SECRET-4711 >&2; echo FAKE-SECRET-4711; exit 3"
idle = false
"#
        ),
    );
    let out = run(&config, &["sync"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("[imap] password_command failed (exit 3)"),
        "{all}"
    );
    assert!(!all.contains("FAKE-SECRET"), "the secret leaked:\n{all}");
    assert!(!all.contains("echo"), "the command text leaked:\n{all}");
}

#[test]
fn template_file_names_with_control_characters_are_printed_clean() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("evil\u{1b}]0;pwned\u{7}\u{202e}name.txt"),
        "Subject: Re: {subject}\n\nHi {first_name|there},\n",
    )
    .unwrap();
    let config = write_config(
        dir.path(),
        &format!("[templates]\ndir = \"{}\"\n", templates.display()),
    );
    let out = run(&config, &["templates"]);
    let all = text(&out);
    assert_clean(&all);
    assert!(all.contains("evilname"), "{all}");
}
