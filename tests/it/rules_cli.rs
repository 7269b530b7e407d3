//! `shopinbox rules`: every not-a-customer rule with how many conversations it hides, and
//! `rules remove ID` through the real binary's code path on the demo store.

use assert_cmd::Command;
use shopinbox::store::{RuleKind, View};

#[test]
fn rules_list_what_they_hide_and_one_can_be_removed() {
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T15:30:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut store =
        shopinbox::demo::build_demo_store(dir.path(), shopinbox::clock::Clock::fixed(now)).unwrap();
    let before = store.rules().unwrap().len();
    let sender = store
        .add_rule(RuleKind::Sender, "john.smith1979@gmail.com")
        .unwrap();
    let nobody = store
        .add_rule(RuleKind::Domain, "nobody-writes.example")
        .unwrap();
    let text = shopinbox::cli::rules_text(&store).unwrap();
    assert!(
        text.contains(&format!(
            "{sender:>5}  everything from john.smith1979@gmail.com  hides 1 conversation\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{nobody:>5}  everything from @nobody-writes.example  hides 0 conversations\n"
        )),
        "{text}"
    );
    assert_eq!(text.lines().count(), before + 3, "{text}");
    let kept_out = store.list(View::NotCustomer, now, 0, 1000).unwrap().len();
    store.remove_rule(sender).unwrap();
    assert_eq!(
        store.list(View::NotCustomer, now, 0, 1000).unwrap().len(),
        kept_out - 1
    );
    assert!(!shopinbox::cli::rules_text(&store)
        .unwrap()
        .contains("john.smith1979"));
}

#[test]
fn the_rules_command_lists_and_removes_on_the_demo() {
    let out = Command::cargo_bin("shopinbox")
        .unwrap()
        .args(["--demo", "rules", "--now", "2026-11-25 16:30"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("shopinbox rules remove ID") || out.contains("There are no"),
        "{out}"
    );
    let e = Command::cargo_bin("shopinbox")
        .unwrap()
        .args([
            "--demo",
            "rules",
            "remove",
            "999999",
            "--now",
            "2026-11-25 16:30",
        ])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let e = String::from_utf8(e).unwrap();
    assert!(e.contains("999999"), "{e}");
}
