//! `shopinbox stats` and `shopinbox overdue` on a small shop mailbox whose figures were worked
//! out by hand: replies sent from another client (they are just shop mail in the store),
//! replies across a weekend, a conversation with several customer messages, and mail that is
//! not from a customer (a newsletter and an auto-reply), which must not count.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const CONFIG: &str = r#"
[shop]
name = "Alphx"
owner_name = "Tom"
signature = "Tom"
addresses = ["hello@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"
business_days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "17:00"
holidays = []
# The hand-worked figures cover the whole week: every customer message counts (the default
# tracking window would make the start of the week history, see tests/sync_first_day.rs).
track_since = "2026-01-01"

[store]
path = "store.db"
"#;

/// (file name, raw message). Berlin is UTC+1 in November 2026; Mon 16 – Mon 23 Nov.
fn dataset() -> Vec<(&'static str, String)> {
    let mail = |from: &str,
                to: &str,
                date: &str,
                subject: &str,
                id: &str,
                reply_to: Option<&str>,
                extra: &str,
                body: &str| {
        let irt = reply_to
            .map(|r| format!("In-Reply-To: <{r}>\nReferences: <{r}>\n"))
            .unwrap_or_default();
        format!(
            "From: {from}\nTo: {to}\nDate: {date}\nSubject: {subject}\nMessage-ID: <{id}>\n{irt}{extra}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
        )
    };
    let shop = "Tom <hello@alphx.shop>";
    vec![
        // A: asked Mon 10:00, answered from the phone Mon 11:30 (on time).
        (
            "a1.eml",
            mail(
                "Anna Berg <anna@example.com>",
                shop,
                "Mon, 16 Nov 2026 10:00:00 +0100",
                "Where is order #2001?",
                "a1@example.com",
                None,
                "",
                "Hi, where is my order?",
            ),
        ),
        (
            "a2.eml",
            mail(
                shop,
                "anna@example.com",
                "Mon, 16 Nov 2026 11:30:00 +0100",
                "Re: Where is order #2001?",
                "a2@alphx.shop",
                Some("a1@example.com"),
                "",
                "It ships today.",
            ),
        ),
        // B: asked Fri 16:00, answered Mon 09:45: late (due Fri 17:00), across the weekend,
        // and after the 30 minutes' grace once the shop opened again (business time).
        (
            "b1.eml",
            mail(
                "Ben Cole <ben@example.com>",
                shop,
                "Fri, 20 Nov 2026 16:00:00 +0100",
                "Broken lid",
                "b1@example.com",
                None,
                "",
                "The lid broke.",
            ),
        ),
        (
            "b2.eml",
            mail(
                shop,
                "ben@example.com",
                "Mon, 23 Nov 2026 09:45:00 +0100",
                "Re: Broken lid",
                "b2@alphx.shop",
                Some("b1@example.com"),
                "",
                "Sorry! A new one is on its way.",
            ),
        ),
        // C: asked Sat 11:00 and again Sat 12:00; answered Mon 10:00 (on time, due Mon 17:00);
        //    the customer wrote again Mon 11:00: a new request, due Mon 17:00.
        (
            "c1.eml",
            mail(
                "Cara Diaz <cara@example.com>",
                shop,
                "Sat, 21 Nov 2026 11:00:00 +0100",
                "Gift wrapping",
                "c1@example.com",
                None,
                "",
                "Can you gift wrap?",
            ),
        ),
        (
            "c2.eml",
            mail(
                "Cara Diaz <cara@example.com>",
                shop,
                "Sat, 21 Nov 2026 12:00:00 +0100",
                "Re: Gift wrapping",
                "c2@example.com",
                Some("c1@example.com"),
                "",
                "Also a card please.",
            ),
        ),
        (
            "c3.eml",
            mail(
                shop,
                "cara@example.com",
                "Mon, 23 Nov 2026 10:00:00 +0100",
                "Re: Gift wrapping",
                "c3@alphx.shop",
                Some("c2@example.com"),
                "",
                "Of course.",
            ),
        ),
        (
            "c4.eml",
            mail(
                "Cara Diaz <cara@example.com>",
                shop,
                "Mon, 23 Nov 2026 11:00:00 +0100",
                "Re: Gift wrapping",
                "c4@example.com",
                Some("c3@alphx.shop"),
                "",
                "Thanks! One more question.",
            ),
        ),
        // D: asked Tue 09:00, never answered: overdue since Tue 17:00.
        (
            "d1.eml",
            mail(
                "Dan Eke <dan@example.com>",
                shop,
                "Tue, 17 Nov 2026 09:00:00 +0100",
                "Refund?",
                "d1@example.com",
                None,
                "",
                "I want a refund.",
            ),
        ),
        // Not customers: a newsletter and an auto-reply.
        (
            "n1.eml",
            mail(
                "Glaze Weekly <news@glaze.example>",
                shop,
                "Wed, 18 Nov 2026 08:00:00 +0100",
                "This week in glazes",
                "n1@glaze.example",
                None,
                "List-Unsubscribe: <mailto:unsub@glaze.example>\n",
                "News.",
            ),
        ),
        (
            "n2.eml",
            mail(
                "Eva Fox <eva@example.org>",
                shop,
                "Thu, 19 Nov 2026 08:00:00 +0100",
                "Out of office",
                "n2@example.org",
                None,
                "Auto-Submitted: auto-replied\n",
                "I am away.",
            ),
        ),
    ]
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let mail = dir.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    for (name, raw) in dataset() {
        std::fs::write(mail.join(name), raw).unwrap();
    }
    shopinbox(dir.path(), &["import", mail.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "imported 11 new messages from 11 files; 0 already in the store",
        ));
    dir
}

fn shopinbox(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("shopinbox").unwrap();
    cmd.arg("--config").arg(dir.join("config.toml")).args(args);
    cmd
}

const NOW: &str = "2026-11-23 12:00";

#[test]
fn stats_json_matches_hand_worked_figures() {
    let dir = setup();
    let out = shopinbox(
        dir.path(),
        &["stats", "--days", "8", "--json", "--now", NOW],
    )
    .assert()
    .success()
    .get_output()
    .stdout
    .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["requests"], 5, "A, B, C (two requests), D: {v:#}");
    assert_eq!(v["answered_on_time"], 2, "A and C's first request");
    assert_eq!(v["answered_late"], 1, "B, answered after the weekend");
    assert_eq!(v["still_open"], 2, "C's new question and D");
    assert_eq!(v["open_overdue"], 1, "D");
    assert_eq!(v["customer_messages"], 6);
    assert_eq!(v["kept_out"], 2, "the newsletter and the auto-reply");
    assert_eq!(v["conversations"], 4);
    // First responses: A 1h30 (90 min), C Sat 11:00 → Mon 10:00 (47h = 2820 min),
    // B Fri 16:00 → Mon 09:45 (65h45 = 3945 min). Nearest-rank median = 2820, p90 = 3945.
    assert_eq!(v["first_response_wall"]["count"], 3);
    assert_eq!(v["first_response_wall"]["median"], 2820);
    assert_eq!(v["first_response_wall"]["p90"], 3945);
    // Business hours: A 90, B Fri 16–17 + Mon 9–9:45 = 105, C Mon 9–10 = 60.
    assert_eq!(v["first_response_business"]["median"], 90);
    assert_eq!(v["first_response_business"]["p90"], 105);
    let share = v["on_time_share"].as_f64().unwrap();
    assert!((share - 2.0 / 3.0).abs() < 1e-9, "{share}");
    // Eight days, Mon 16 to Mon 23; Sat 21 had two customer messages.
    let per_day: Vec<u64> = v["per_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[1].as_u64().unwrap())
        .collect();
    assert_eq!(per_day, vec![1, 1, 0, 0, 1, 2, 0, 1]);
}

#[test]
fn stats_text_shows_the_same_figures() {
    let dir = setup();
    let out = shopinbox(dir.path(), &["stats", "--days", "8", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("6 customer messages in 4 conversations; 2 kept out"),
        "{text}"
    );
    assert!(text.contains("answered on time          2  67%"), "{text}");
    assert!(text.contains("answered late             1  33%"), "{text}");
    assert!(
        text.contains("still open                2  (1 overdue)"),
        "{text}"
    );
    // One duration style: days and hours on the wall clock, hours for business time.
    assert!(
        text.contains("wall clock                 median  1d 23h"),
        "{text}"
    );
    assert!(
        text.contains("business hours             median  1h 30m"),
        "{text}"
    );
    assert!(!text.contains(".0h"), "{text}");
    assert!(text.contains("Sat 21 Nov     2"), "{text}");
    // Plain words for one-touch resolution, and a one-line key to the two clocks.
    assert!(
        text.contains("settled by one reply  1 of 2 answered conversations (50%)"),
        "{text}"
    );
    assert!(!text.contains("decided"), "{text}");
    assert!(text.contains("business hours: opening hours only"));
}

#[test]
fn overdue_report_json_and_exit_code() {
    let dir = setup();
    let assert = shopinbox(dir.path(), &["overdue", "--json", "--now", NOW])
        .assert()
        .code(1);
    let v: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let overdue = v["overdue"].as_array().unwrap();
    assert_eq!(overdue.len(), 1, "{v:#}");
    assert_eq!(overdue[0]["customer_addr"], "dan@example.com");
    // Due Tue 17 Nov 17:00, now Mon 23 Nov 12:00: 5 days 19 hours late.
    assert_eq!(overdue[0]["late_minutes"], (5 * 24 + 19) * 60);
    let due_today = v["due_today"].as_array().unwrap();
    assert_eq!(due_today.len(), 1);
    assert_eq!(due_today[0]["customer_addr"], "cara@example.com");
}

#[test]
fn overdue_report_text_and_clean_exit_when_nothing_is_late() {
    let dir = setup();
    let out = shopinbox(dir.path(), &["overdue", "--now", NOW])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("Alphx: 1 overdue, 1 due today"), "{text}");
    assert!(
        text.contains("OVERDUE") && text.contains("Dan Eke") && text.contains("5d 19h late"),
        "{text}"
    );
    assert!(
        text.contains("DUE TODAY") && text.contains("Cara Diaz") && text.contains("by 17:00"),
        "{text}"
    );

    // The needs-reply list agrees with the report: D and C's new question.
    let list = shopinbox(dir.path(), &["list", "--json", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Value = serde_json::from_slice(&list).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    // Before Tue 17 Nov 09:00 only A exists: nothing is overdue then.
    shopinbox(dir.path(), &["overdue", "--now", "2026-11-16 10:30"])
        .assert()
        .code(0);
}

#[test]
fn notes_add_edit_list_delete() {
    let dir = setup();
    shopinbox(
        dir.path(),
        &["notes", "dan@example.com", "add", "refund sent 12 Nov"],
    )
    .assert()
    .success()
    .stdout(predicates::str::contains("added note 1"));
    shopinbox(
        dir.path(),
        &[
            "notes",
            "DAN@example.com",
            "edit",
            "1",
            "suspected fraud: re-ship only with signature",
        ],
    )
    .assert()
    .success();
    shopinbox(dir.path(), &["notes", "dan@example.com"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "suspected fraud: re-ship only with signature",
        ));
    shopinbox(dir.path(), &["notes", "dan@example.com", "delete", "1"])
        .assert()
        .success();
    shopinbox(dir.path(), &["notes", "dan@example.com"])
        .assert()
        .success()
        .stdout(predicates::str::contains("no notes for dan@example.com"));
}

#[test]
fn snooze_past_the_deadline_needs_a_yes_and_never_hides_lateness() {
    let dir = setup();
    let list = shopinbox(dir.path(), &["list", "--overdue", "--json", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Value = serde_json::from_slice(&list).unwrap();
    let id = rows[0]["id"].as_i64().unwrap().to_string();
    // Overdue already: without --past-deadline the snooze is refused, in one sentence.
    let out = shopinbox(
        dir.path(),
        &["snooze", &id, "2026-11-23 15:00", "--now", NOW],
    )
    .assert()
    .code(2)
    .get_output()
    .clone();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--past-deadline"), "{err}");
    shopinbox(
        dir.path(),
        &[
            "snooze",
            &id,
            "2026-11-23 15:00",
            "--past-deadline",
            "--now",
            NOW,
        ],
    )
    .assert()
    .success();
    // Snoozed, it is still in the morning report's overdue list, marked, and counted once.
    let v: Value = serde_json::from_slice(
        &shopinbox(dir.path(), &["overdue", "--json", "--now", NOW])
            .assert()
            .code(1)
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["overdue"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["overdue"][0]["id"].as_i64().unwrap().to_string(), id);
    assert!(v["overdue"][0]["snoozed_until"].is_string(), "{v:#}");
    assert_eq!(
        v["snoozes_ending_today"].as_array().unwrap().len(),
        0,
        "listed once: {v:#}"
    );
    let text = shopinbox(dir.path(), &["overdue", "--now", NOW])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("late, snoozed until 15:00"), "{text}");
    // At 15:00 it is back, and overdue again.
    shopinbox(dir.path(), &["overdue", "--now", "2026-11-23 15:00"])
        .assert()
        .code(1);
}

#[test]
fn customer_history_and_a_corrected_first_name_is_remembered_in_replies() {
    let dir = setup();
    let out = shopinbox(dir.path(), &["customer", "cara@example.com", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("Greeted as:   Cara (guessed"), "{text}");
    assert!(text.contains("Conversations (1):"), "{text}");

    shopinbox(
        dir.path(),
        &["customer", "cara@example.com", "--first-name", "Carita"],
    )
    .assert()
    .success()
    .stdout(predicates::str::contains(
        "Greeted as:   Carita (corrected by you)",
    ));
    let list = shopinbox(dir.path(), &["list", "--json", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Value = serde_json::from_slice(&list).unwrap();
    let cara = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from"] == "cara@example.com")
        .unwrap();
    // One source of truth: the list shows the name replies use.
    assert_eq!(cara["first_name"], "Carita", "{cara:#}");
    let id = cara["id"].to_string();
    shopinbox(
        dir.path(),
        &["reply", &id, "--template", "plain", "--now", NOW],
    )
    .assert()
    .success()
    .stdout(predicates::str::contains("Hi Carita"));
    shopinbox(
        dir.path(),
        &["customer", "cara@example.com", "--clear-first-name"],
    )
    .assert()
    .success()
    .stdout(predicates::str::contains("Greeted as:   Cara (guessed"));
    let list = shopinbox(dir.path(), &["list", "--json", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Value = serde_json::from_slice(&list).unwrap();
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["from"] == "cara@example.com" && r["first_name"] == "Cara"));
    shopinbox(dir.path(), &["customer", "nobody@example.com"])
        .assert()
        .code(shopinbox::exit::USAGE)
        .stderr(predicates::str::contains(
            "there is no mail from nobody@example.com",
        ));
}

#[test]
fn templates_show_their_language_and_a_missing_offer_is_refused() {
    let dir = setup();
    let out = shopinbox(dir.path(), &["templates"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let line = |slug: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(slug))
            .unwrap_or_else(|| panic!("{slug} in {text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        line("acknowledge").starts_with("acknowledge en Acknowledge"),
        "{text}"
    );
    assert!(
        line("acknowledge.de").starts_with("acknowledge.de de Eingang"),
        "{text}"
    );
    assert!(
        line("missing-package").ends_with("(uses [offers] discount_code, discount_amount)"),
        "{text}"
    );

    std::fs::write(
        dir.path().join("templates").join("sorry-code.txt"),
        "name: Sorry code\nlanguage: en\n\nHi {first_name|there}, here is {offer.discount_amount} off with {offer.discount_code}.\n",
    )
    .unwrap();
    let list = shopinbox(dir.path(), &["list", "--json", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Value = serde_json::from_slice(&list).unwrap();
    let id = rows[0]["id"].to_string();
    let err = shopinbox(
        dir.path(),
        &["reply", &id, "--template", "sorry-code", "--now", NOW],
    )
    .assert()
    .code(2)
    .get_output()
    .stderr
    .clone();
    let err = String::from_utf8(err).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("\"Sorry code\"")
            && err.contains("`discount_amount` and `discount_code` under [offers]"),
        "{err}"
    );
    // Nothing went to the outbox.
    shopinbox(dir.path(), &["outbox"])
        .assert()
        .success()
        .stdout(predicates::str::contains("The outbox is empty."));
}

/// The import summary counts in words: "1 new message from 1 file", never "message(s)".
#[test]
fn import_counts_agree_with_their_nouns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let (name, raw) = dataset().remove(0);
    let file = dir.path().join(name);
    std::fs::write(&file, raw).unwrap();
    let import = || {
        let out = shopinbox(dir.path(), &["import", file.to_str().unwrap()])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    assert_eq!(
        import().trim_end(),
        "imported 1 new message from 1 file; 0 already in the store"
    );
    assert_eq!(
        import().trim_end(),
        "imported 0 new messages from 1 file; 1 already in the store"
    );
}

/// Dates name their year when it is not the current one (relative to `--now`, not the wall
/// clock): in `list` and in `show`.
#[test]
fn list_and_show_name_the_year_of_older_mail() {
    let dir = setup();
    let list = |now: &str| {
        let out = shopinbox(dir.path(), &["list", "--all", "--now", now])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let this_year = list(NOW);
    assert!(
        this_year.contains(" Nov 12:00") || this_year.contains(" Nov "),
        "{this_year}"
    );
    assert!(
        !this_year.contains("2026"),
        "the current year goes without saying: {this_year}"
    );
    let next_year = list("2027-01-15 12:00");
    let rows: Vec<&str> = next_year.lines().filter(|l| l.contains(" Nov ")).collect();
    assert!(!rows.is_empty(), "{next_year}");
    for row in rows {
        assert!(row.contains(" Nov 2026 "), "{row}");
    }
    let json = shopinbox(dir.path(), &["list", "--all", "--json", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json).unwrap();
    let id = v[0]["id"].to_string();
    let show = |now: &str| {
        let out = shopinbox(dir.path(), &["show", &id, "--now", now])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let text = show(NOW);
    let header = text.lines().find(|l| l.starts_with("── ")).unwrap();
    assert!(!header.contains("2026"), "{header}");
    let text = show("2027-01-15 12:00");
    let header = text.lines().find(|l| l.starts_with("── ")).unwrap();
    assert!(
        header.contains(" Nov 2026 ") && header.ends_with("Europe/Berlin"),
        "{header}"
    );
}

#[test]
fn customer_finds_customers_by_name_one_several_or_none() {
    let dir = setup();
    // One match: that customer's history, as with the address.
    for query in ["cara", "DIAZ", "Cara Diaz"] {
        shopinbox(dir.path(), &["customer", query, "--now", NOW])
            .assert()
            .success()
            .stdout(predicates::str::contains("Cara Diaz <cara@example.com>"))
            .stdout(predicates::str::contains("Conversations (1):"));
    }
    // Several: a list with their addresses and last contact, newest first.
    let out = shopinbox(dir.path(), &["customer", "example.com", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("customers match \"example.com\":"), "{text}");
    assert!(text.contains("Cara Diaz <cara@example.com>"), "{text}");
    assert!(text.contains("Ben Cole <ben@example.com>"), "{text}");
    assert!(text.contains("last contact"), "{text}");
    assert!(text.contains("shopinbox customer ADDRESS"), "{text}");
    assert!(!text.contains("Conversations ("), "{text}");
    // None: one sentence, exit 2.
    shopinbox(dir.path(), &["customer", "Zoe", "--now", NOW])
        .assert()
        .code(shopinbox::exit::USAGE)
        .stderr(predicates::str::contains(
            "no customer's name or address contains \"Zoe\"",
        ));
}
