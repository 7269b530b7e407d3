//! The command line's contract with cron and scripts: the documented exit codes
//! (`shopinbox::exit`), a quiet end when the reader closes the pipe, and hints that name real
//! commands.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const BIN: &str = env!("CARGO_BIN_EXE_shopinbox");

/// A Wednesday afternoon in the demo week: several conversations are overdue.
const DEMO_NOW: &str = "2026-11-25 16:30";

fn config_with_store(dir: &Path, store: &Path) -> PathBuf {
    let cfg = dir.join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[shop]\nname = \"Alphx\"\nowner_name = \"Tom\"\naddresses = [\"hello@alphx.shop\"]\n\
             [hours]\ntime_zone = \"Europe/Berlin\"\n[store]\npath = {:?}\n",
            store.display().to_string()
        ),
    )
    .unwrap();
    cfg
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("SHOPINBOX_CONFIG")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn overdue_found_is_1_and_an_unusable_store_is_4() {
    let (code, stdout, _) = run(&["--demo", "--now", DEMO_NOW, "overdue"]);
    assert_eq!(code, shopinbox::exit::OVERDUE, "{stdout}");
    assert!(stdout.contains("overdue"), "{stdout}");

    // The store's folder cannot be made: its parent is a file.
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let cfg = config_with_store(dir.path(), &blocker.join("shopinbox.db"));
    let (code, stdout, stderr) = run(&["--config", cfg.to_str().unwrap(), "overdue"]);
    assert_eq!(code, shopinbox::exit::UNAVAILABLE, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "one sentence: {stderr}");
    assert!(stderr.starts_with("error: cannot"), "{stderr}");
}

#[test]
fn usage_and_config_errors_are_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    for args in [
        vec!["--config", missing.to_str().unwrap(), "list"],
        vec!["--demo", "snooze", "1"],
        vec!["--demo", "--now", "yesterday-ish", "list"],
        vec!["--demo", "show", "999999"],
        vec!["--demo", "reply", "999999", "-t", "acknowledge"],
        vec!["no-such-command"],
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, shopinbox::exit::USAGE, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn help_documents_the_exit_codes() {
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains(shopinbox::exit::HELP), "{stdout}");
}

/// `shopinbox CMD | head -1` where `head` is gone before shopinbox writes: every command ends
/// quietly (no panic, no "Broken pipe" sentence) with the code it would have had.
#[test]
fn every_command_ends_quietly_on_a_closed_pipe() {
    let commands: &[&[&str]] = &[
        &["list"],
        &["list", "--json"],
        &["list", "--all"],
        &["show", "1"],
        &["overdue"],
        &["overdue", "--json"],
        &["stats"],
        &["stats", "--json"],
        &["outbox"],
        &["templates"],
        &["notes", "jane@example.com"],
        &["customer", "oliver.brandt@t-online.de"],
        &["reply", "1", "-t", "acknowledge"],
        &["demo", "--print"],
    ];
    for cmd in commands {
        let mut args = vec!["--demo", "--now", DEMO_NOW];
        args.extend_from_slice(cmd);
        let expected = run(&args).0;
        let mut child = std::process::Command::new(BIN)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the command can write anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{cmd:?} printed: {stderr}");
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{cmd:?} ended differently on a closed pipe"
        );
    }
}

/// Every `shopinbox …` command that a message of the program names (hints such as "run
/// `shopinbox outbox resend 3`") exists: its subcommand path is accepted by the real binary.
#[test]
fn every_hint_names_a_real_command() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut hints = Vec::new();
    collect_hints(&src, &mut hints);
    assert!(
        hints.len() >= 10,
        "the scan found too few hints to be working: {hints:?}"
    );
    for (file, words) in &hints {
        let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
        args.push("--help");
        let (code, _, stderr) = run(&args);
        assert_eq!(
            code,
            0,
            "{file}: `shopinbox {}` is not a command: {stderr}",
            words.join(" ")
        );
    }
}

/// Finds `` `shopinbox word word …` `` in the sources and keeps the leading lower-case words:
/// the subcommand path, without its arguments and options.
fn collect_hints(dir: &Path, out: &mut Vec<(String, Vec<String>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_hints(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for piece in text.split("`shopinbox").skip(1) {
            let Some(end) = piece.find('`') else { continue };
            let words: Vec<String> = piece[..end]
                .split_whitespace()
                .take_while(|w| {
                    w.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !w.starts_with('-')
                })
                .map(str::to_string)
                .collect();
            if !words.is_empty() {
                out.push((path.display().to_string(), words));
            }
        }
    }
}
