//! Order notifications, possible duplicate orders and warning notes through the command line:
//! two Shopify notifications twenty minutes apart, imported with `shopinbox import`, make one
//! "Possible duplicate order" item in Needs reply and no other.

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

/// A Shopify staff notification (default template) placed at `date`.
fn shopify(number: u32, date: &str) -> String {
    format!(
        "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com header.s=s1\n\
         From: Shopify <mailer@shopify.com>\nTo: hello@alphx.shop\nDate: {date}\n\
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
    cmd.arg("--config").arg(dir.join("config.toml")).args(args);
    cmd
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let mail = dir.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
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
    shopinbox(
        dir.path(),
        &["import", mail.to_str().unwrap(), "--now", NOW],
    )
    .assert()
    .success()
    .stdout(predicates::str::contains("imported 2 new messages"));
    dir
}

fn list(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["list", "--json", "--now", NOW];
    all.extend_from_slice(args);
    let out = shopinbox(dir, &all).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn two_matching_shopify_orders_make_one_duplicate_item() {
    let dir = setup();
    let rows = list(dir.path(), &["--needs-reply"]);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let row = &rows[0];
    let subject = row["subject"].as_str().unwrap();
    assert_eq!(subject, "Possible duplicate order #1047 / #1048");
    assert!(!subject.contains("placed by"));
    assert_eq!(row["from"], "jane.doe.83@outlook.com");
    assert_eq!(row["state"], "due");
    assert_eq!(row["due_at"], "2026-11-24T17:00:00+01:00");
    assert_eq!(row["flags"][0]["kind"], "duplicate_order");
    let reason = row["flags"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("#1047") && reason.contains("#1048"),
        "{reason}"
    );
    assert!(reason.contains("20 minutes apart"), "{reason}");

    // The notifications themselves are nowhere a customer waiting for an answer.
    for view in ["needs-reply", "overdue", "due-today"] {
        for r in list(dir.path(), &["--view", view]) {
            assert!(
                !r["subject"].as_str().unwrap().contains("placed by"),
                "{view}"
            );
        }
    }

    // `show` prints the flag with its kind and reason.
    let id = row["id"].to_string();
    let out = shopinbox(dir.path(), &["show", &id, "--now", NOW])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("DUPLICATE? (duplicate_order): orders #1047 and #1048"),
        "{text}"
    );

    // The customer's history lists both orders.
    let out = shopinbox(
        dir.path(),
        &["customer", "jane.doe.83@outlook.com", "--now", NOW],
    )
    .output()
    .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Orders (2):"), "{text}");
    assert!(text.contains("#1048") && text.contains("#1047") && text.contains("€64.00 EUR"));

    // Replying opens the duplicate-order template for the customer, about both orders.
    let out = shopinbox(
        dir.path(),
        &["reply", &id, "--template", "duplicate-order", "--now", NOW],
    )
    .output()
    .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("To: Jane Doe <jane.doe.83@outlook.com>"),
        "{text}"
    );
    assert!(
        text.contains("Subject: Re: Your orders #1047 and #1048"),
        "{text}"
    );
    assert!(!text.contains("mailer@shopify.com"), "{text}");

    // "Not a duplicate" dismisses it; --undo brings it back.
    shopinbox(dir.path(), &["not-duplicate", &id, "--now", NOW])
        .assert()
        .success();
    assert!(list(dir.path(), &["--needs-reply"]).is_empty());
    shopinbox(dir.path(), &["not-duplicate", &id, "--now", NOW])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "is not an open possible duplicate order",
        ));
    shopinbox(dir.path(), &["not-duplicate", &id, "--undo", "--now", NOW])
        .assert()
        .success();
    assert_eq!(list(dir.path(), &["--needs-reply"]).len(), 1);
}

#[test]
fn a_warning_note_flags_the_customers_conversations() {
    let dir = setup();
    shopinbox(
        dir.path(),
        &[
            "notes",
            "jane.doe.83@outlook.com",
            "add",
            "--warning",
            "possible fraud, card declined twice",
            "--now",
            NOW,
        ],
    )
    .assert()
    .success()
    .stdout(predicates::str::contains("added warning note"));
    let rows = list(dir.path(), &["--needs-reply"]);
    let kinds: Vec<&str> = rows[0]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["warning", "duplicate_order"]);
    assert_eq!(
        rows[0]["flags"][0]["reason"],
        "possible fraud, card declined twice"
    );
    let out = shopinbox(
        dir.path(),
        &["notes", "jane.doe.83@outlook.com", "--now", NOW],
    )
    .output()
    .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("WARNING: possible fraud"));
}

/// `config check` says which kind of provider the shop has, from its recent mail.
#[test]
fn config_check_names_the_provider_s_sender_checks() {
    let dir = setup();
    let out = shopinbox(dir.path(), &["config", "check", "--now", NOW])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "Sender checks:  your provider checks senders (mx.alphx.shop): 2 of the last 2 \
             incoming messages carry its verdict"
        ),
        "{text}"
    );

    // A store whose mail carries no verdict: said so, and what follows.
    let bare = tempfile::tempdir().unwrap();
    std::fs::write(bare.path().join("config.toml"), CONFIG).unwrap();
    let mail = bare.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    std::fs::write(
        mail.join("q.eml"),
        "From: Jo <jo@example.com>\nTo: hello@alphx.shop\nSubject: Hello\n\
         Message-ID: <jo-1@example.com>\nDate: Tue, 24 Nov 2026 09:10:00 +0100\n\nHi!\n",
    )
    .unwrap();
    shopinbox(
        bare.path(),
        &["import", mail.to_str().unwrap(), "--now", NOW],
    )
    .assert()
    .success();
    let out = shopinbox(bare.path(), &["config", "check", "--now", NOW])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Sender checks:  your provider adds no sender verdict to incoming mail"),
        "{text}"
    );
    assert!(text.contains("never make a duplicate-order item"), "{text}");

    // No store yet: nothing is created, and the owner is told what to do.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("config.toml"), CONFIG).unwrap();
    let out = shopinbox(empty.path(), &["config", "check", "--now", NOW])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Sender checks:  no incoming mail synced yet"),
        "{text}"
    );
    assert!(!empty.path().join("store.db").exists());
}
