//! `shopinbox show ID --attachments` and `shopinbox attachment ID N [-o PATH]` through the real
//! binary on the demo shop, and `reply --attach FILE`.

use assert_cmd::Command;
use serde_json::Value;

const NOW: &str = "2026-11-25 16:30";

fn demo(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("shopinbox")
        .unwrap()
        .args(["--demo", "--now", NOW])
        .args(args)
        .output()
        .unwrap()
}

fn conversation(subject: &str) -> i64 {
    let out = demo(&["list", "--json", "--view", "all"]);
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["subject"].as_str().unwrap().starts_with(subject))
        .unwrap_or_else(|| panic!("{subject} is in the demo"))["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn attachments_are_listed_and_saved_without_overwriting() {
    let id = conversation("Chipped rim on the Fjord bowl").to_string();
    let out = demo(&["show", &id, "--attachments"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("  1  IMG_4471.png  (image/png, "), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("photo.png");
    let out = demo(&["attachment", &id, "1", "-o", target.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(&std::fs::read(&target).unwrap()[..4], b"\x89PNG");
    // The same path again is refused (exit 2 or 4, a sentence, the file untouched).
    let again = demo(&["attachment", &id, "1", "-o", target.to_str().unwrap()]);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("never overwrites"), "{err}");
    // A folder gets the sanitized name; twice gives "(2)".
    for _ in 0..2 {
        let out = demo(&["attachment", &id, "1", "-o", dir.path().to_str().unwrap()]);
        assert!(out.status.success());
    }
    assert!(dir.path().join("IMG_4471.png").exists());
    assert!(dir.path().join("IMG_4471 (2).png").exists());
    // A number that does not exist says how many there are.
    let out = demo(&["attachment", &id, "9"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no attachment 9; it has 1"), "{err}");
}

#[test]
fn reply_attach_puts_the_file_on_the_reply() {
    let id = conversation("Chipped rim on the Fjord bowl").to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("replacement-order.pdf");
    std::fs::write(&file, b"%PDF-1.4\nreplacement\n").unwrap();
    let out = demo(&[
        "reply",
        &id,
        "-t",
        "acknowledge",
        "--attach",
        file.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("[attached: replacement-order.pdf (application/pdf, 21 bytes)]"),
        "{text}"
    );
    let raw = demo(&[
        "reply",
        &id,
        "-t",
        "acknowledge",
        "--raw",
        "--attach",
        file.to_str().unwrap(),
    ]);
    let raw = String::from_utf8_lossy(&raw.stdout);
    assert!(raw.contains("Content-Type: multipart/mixed"), "{raw}");
    assert!(raw.contains("filename=\"replacement-order.pdf\""), "{raw}");
    // A missing file is one clear sentence.
    let out = demo(&[
        "reply",
        &id,
        "-t",
        "acknowledge",
        "--attach",
        "/nonexistent/label.pdf",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot attach /nonexistent/label.pdf: there is no such file"),
        "{err}"
    );
}
