//! Issue 26: two copies of shopinbox (two stores, two installation names) on one real IMAP
//! server share the owner's marks through the hidden `shopinbox-state` folder. Runs against
//! Dovecot, and against Cyrus with `SHOPINBOX_TEST_IMAP=cyrus`.
//!
//! `cargo test --test shared_state -- --nocapture` prints the catch-up figure.
use crate::support;

use shopinbox::store::{ConversationId, RuleKind, Store};
use shopinbox::sync::{sync_store, ImapAccount, Security, SyncOptions, SyncSummary};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use support::{MailServers, TestMessage};

const SHOP: &str = "shop@example.org";
const PASSWORD_ENV: &str = "SHOPINBOX_TEST_SHARED_PW";

fn account(s: &MailServers) -> ImapAccount {
    ImapAccount {
        host: "localhost".into(),
        port: s.imaps_port,
        security: Security::Tls,
        username: s.user.clone(),
        password: s.password.clone(),
        password_from: String::new(),
        oauth2: None,
        ca_file: Some(s.ca.clone()),
        sent_folder: None,
        extra_folders: vec![],
    }
}

/// One copy: its own store file, its name, and the time its clock says.
struct Copy {
    path: PathBuf,
    name: &'static str,
    now: String,
    _dir: Option<tempfile::TempDir>,
}

impl Copy {
    fn new(name: &'static str) -> Copy {
        let dir = tempfile::tempdir().unwrap();
        Copy {
            path: dir.path().join("store.db"),
            name,
            now: "2026-11-24T10:00:00+01:00".into(),
            _dir: Some(dir),
        }
    }

    fn at(&mut self, now: &str) -> &mut Copy {
        self.now = now.to_string();
        self
    }

    fn open(&self) -> Store {
        let mut st = Store::open(&self.path, support::berlin_shop(SHOP, &self.now)).unwrap();
        st.set_sharing(Some(self.name)).unwrap();
        st
    }

    fn sync(&self, s: &MailServers) -> SyncSummary {
        let mut st = self.open();
        sync_store(&account(s), &mut st, &SyncOptions::default(), &mut |_| {})
            .unwrap_or_else(|e| panic!("sync of {} failed: {e}", self.name))
    }

    /// The conversation of the question `q<n>@example.com`.
    fn conv(&self, n: u32) -> ConversationId {
        self.open()
            .connection()
            .query_row(
                "SELECT conversation_id FROM message_ids WHERE message_id = ?1",
                [format!("q{n}@example.com")],
                |r| r.get(0),
            )
            .unwrap()
    }
}

/// Everything the owner's marks decide, by Message-ID and address, comparable across stores.
fn marks(st: &Store) -> Vec<String> {
    let q = |sql: &str| -> Vec<String> {
        let mut stmt = st.connection().prepare(sql).unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut out = q("SELECT m.message_id || ' snooze=' || coalesce(c.snoozed_until, '-')
                || ' answered=' || coalesce(c.manual_answered_at, '-')
                || ' promise=' || coalesce(c.promise_at, '-') || '/' || coalesce(c.promise_made_at, '-')
                || ' pulled=' || coalesce(c.pulled_at, '-')
                || ' needs=' || coalesce(c.pending_since, '-')
                || ' not_customer=' || coalesce(c.not_customer, '-')
             FROM conversations c JOIN messages m ON m.conversation_id = c.id
             WHERE m.message_id LIKE 'q%' ORDER BY m.message_id");
    out.extend(q(
        "SELECT 'rule ' || kind || ' ' || value FROM sender_rules ORDER BY kind, value",
    ));
    out.extend(q(
        "SELECT 'name ' || addr || ' ' || first_name_override FROM customers
         WHERE first_name_override IS NOT NULL ORDER BY addr",
    ));
    out.extend(q(
        "SELECT 'note ' || customer_addr || ' ' || text || ' warning=' || warning FROM notes
         ORDER BY customer_addr, text",
    ));
    out
}

fn question(n: u32) -> TestMessage {
    let raw = format!(
        "From: Customer {n} <c{n}@example.com>\r\nTo: {SHOP}\r\nSubject: Question {n}\r\n\
         Message-ID: <q{n}@example.com>\r\nDate: Tue, 24 Nov 2026 08:00:00 +0100\r\n\r\n\
         Where is my order {n}?\r\n"
    );
    TestMessage {
        raw: raw.into_bytes(),
        flags: vec![],
        internaldate: Some(
            chrono::DateTime::parse_from_rfc3339("2026-11-24T08:00:00+01:00").unwrap(),
        ),
    }
}

fn servers_with_questions(n: u32) -> MailServers {
    let s = MailServers::start();
    s.append_many("INBOX", &(1..=n).map(question).collect::<Vec<_>>());
    s
}

/// The state folder's messages: (count, distinct Message-IDs).
fn state_messages(s: &MailServers) -> (usize, usize) {
    let mut c = s.client();
    let name = ["shopinbox-state", "INBOX.shopinbox-state"]
        .into_iter()
        .find(|n| c.examine(n).is_ok())
        .expect("the state folder exists");
    c.examine(name).unwrap();
    let fetched = c
        .uid_fetch("1:*", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]")
        .unwrap();
    let ids: Vec<String> = fetched
        .iter()
        .filter_map(|f| {
            f.header
                .as_deref()
                .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
        })
        .collect();
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    (ids.len(), distinct.len())
}

#[test]
fn every_kind_of_mark_made_on_a_is_visible_on_b_after_one_sync() {
    let s = servers_with_questions(3);
    let (a, b) = (Copy::new("Anna"), Copy::new("Ben"));
    a.sync(&s);
    b.sync(&s);
    {
        let mut st = a.open();
        let now = st.context().clock.now();
        let later = now + chrono::Duration::days(2);
        st.add_rule(RuleKind::Sender, "c3@example.com").unwrap();
        st.snooze(a.conv(1), Some(later)).unwrap();
        st.mark_answered(a.conv(2), Some(now)).unwrap();
        st.set_follow_up(a.conv(2), Some(later), now).unwrap();
        st.pull_into_needs_reply(a.conv(3), Some(now)).unwrap();
        st.set_first_name("c1@example.com", Some("Cathy")).unwrap();
        let n = st
            .add_note_with("c2@example.com", "pays late", true)
            .unwrap();
        st.update_note(n, "pays late, ask for prepayment").unwrap();
        st.claim(a.conv(1), false).unwrap();
    }
    assert_ne!(marks(&a.open()), marks(&b.open()));
    let up = a.sync(&s).sharing.unwrap();
    assert_eq!(up.folder.as_ref().map(|_| ()), Ok(()), "{up:?}");
    assert_eq!(up.sets_uploaded, 1);
    let down = b.sync(&s).sharing.unwrap();
    assert!(down.changes_applied >= 8, "{down:?}");
    assert_eq!(marks(&a.open()), marks(&b.open()));
    // Who did it, on B.
    let events = b.open().conversation_events(b.conv(2)).unwrap();
    assert!(events.iter().all(|e| e.by == "Anna"), "{events:?}");
    assert_eq!(events.len(), 2);
    // A sync with nothing new changes nothing and uploads nothing.
    let again = b.sync(&s).sharing.unwrap();
    assert_eq!((again.sets_read, again.sets_uploaded), (0, 0), "{again:?}");
    assert_eq!(state_messages(&s), (1, 1));
}

#[test]
fn concurrent_conflicting_marks_converge_on_both_copies() {
    let s = servers_with_questions(2);
    let (mut a, mut b) = (Copy::new("Anna"), Copy::new("Ben"));
    a.sync(&s);
    b.sync(&s);
    // Offline, both snooze question 1 and name customer 2, at different minutes.
    a.at("2026-11-24T10:01:00+01:00");
    b.at("2026-11-24T10:02:00+01:00");
    let day = |d: i64| {
        chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00").unwrap()
            + chrono::Duration::days(d)
    };
    a.open().snooze(a.conv(1), Some(day(1).into())).unwrap();
    b.open().snooze(b.conv(1), Some(day(3).into())).unwrap();
    b.open()
        .set_first_name("c2@example.com", Some("Benny"))
        .unwrap();
    a.at("2026-11-24T10:03:00+01:00");
    a.open()
        .set_first_name("c2@example.com", Some("Ann"))
        .unwrap();
    a.open().add_note("c1@example.com", "from Anna").unwrap();
    b.open().add_note("c1@example.com", "from Ben").unwrap();
    a.sync(&s);
    b.sync(&s);
    a.sync(&s);
    let (ma, mb) = (marks(&a.open()), marks(&b.open()));
    assert_eq!(ma, mb);
    let snoozed = day(3).timestamp().to_string();
    assert!(ma[0].contains(&format!("snooze={snoozed}")), "{ma:?}");
    assert!(ma.iter().any(|l| l == "name c2@example.com Ann"), "{ma:?}");
    assert_eq!(ma.iter().filter(|l| l.starts_with("note ")).count(), 2);
}

#[test]
fn a_claim_on_a_warns_b() {
    let s = servers_with_questions(1);
    let (a, mut b) = (Copy::new("Anna"), Copy::new("Ben"));
    a.sync(&s);
    b.sync(&s);
    a.open().claim(a.conv(1), false).unwrap();
    a.sync(&s);
    b.sync(&s);
    let claim = b
        .open()
        .claim_by_other(b.conv(1))
        .unwrap()
        .expect("B is warned");
    assert_eq!(claim.by, "Anna");
    assert_eq!(a.open().claim_by_other(a.conv(1)).unwrap(), None);
    // Five minutes later, with Anna's copy gone, it has ended by itself.
    b.at("2026-11-24T10:05:00+01:00");
    assert_eq!(b.open().claim_by_other(b.conv(1)).unwrap(), None);
}

#[test]
fn a_copy_that_missed_500_changes_catches_up_in_one_sync() {
    let s = servers_with_questions(3);
    let (mut a, b) = (Copy::new("Anna"), Copy::new("Ben"));
    a.sync(&s);
    b.sync(&s);
    // 500 changes uploaded in 50 passes (50 state messages) while B was away.
    for round in 0..50 {
        a.at(&format!("2026-11-24T10:{:02}:00+01:00", round));
        let mut st = a.open();
        for i in 0..10 {
            let n = round * 10 + i;
            if n % 2 == 0 {
                let until = st.context().clock.now() + chrono::Duration::hours(1 + n as i64);
                st.snooze(a.conv(1 + (n % 3) as u32), Some(until)).unwrap();
            } else {
                st.add_note("c1@example.com", &format!("note {n}")).unwrap();
            }
        }
        drop(st);
        a.sync(&s);
    }
    let t = Instant::now();
    let report = b.sync(&s).sharing.unwrap();
    let took = t.elapsed();
    println!(
        "catch-up: {} changes in {} sets read in one sync pass in {:.0} ms (whole pass)",
        report.changes_applied,
        report.sets_read,
        took.as_secs_f64() * 1000.0
    );
    assert_eq!(report.sets_read, 50);
    assert_eq!(marks(&a.open()), marks(&b.open()));
    assert_eq!(b.open().notes("c1@example.com").unwrap().len(), 250);
}

#[test]
fn kill_9_during_state_writes_loses_no_mark_and_duplicates_none() {
    const KILLS: usize = 20;
    let s = servers_with_questions(1);
    let dir = tempfile::tempdir().unwrap();
    let config = support::write_sync_config(dir.path(), &s, SHOP, PASSWORD_ENV);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[sharing]\nenabled = true\nname = \"Anna\"\n");
    std::fs::write(&config, text).unwrap();
    let a = Copy {
        path: dir.path().join("store.db"),
        name: "Anna",
        now: "2026-11-24T10:00:00+01:00".into(),
        _dir: None,
    };
    let spawn = |cfg: &Path| {
        Command::new(env!("CARGO_BIN_EXE_shopinbox"))
            .arg("--config")
            .arg(cfg)
            .arg("--now")
            .arg("2026-11-24T10:00:00+01:00")
            .arg("sync")
            .env(PASSWORD_ENV, &s.password)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // Calibration: how long an uninterrupted sync with one mark to upload takes.
    a.sync(&s);
    a.open()
        .add_note("c1@example.com", "note calibration")
        .unwrap();
    let t = Instant::now();
    assert!(spawn(&config).wait().unwrap().success());
    let full = t.elapsed();
    let mut kills = 0;
    let mut rounds = 0;
    let mut phases = std::collections::BTreeMap::<&str, usize>::new();
    while kills < KILLS && rounds < 4 * KILLS {
        rounds += 1;
        a.open()
            .add_note("c1@example.com", &format!("note {rounds}"))
            .unwrap();
        let mut child = spawn(&config);
        let delay = full.mul_f64(fastrand_f64(rounds) * 1.1);
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
            child.wait().unwrap();
            // Where the kill landed: before the set was chosen, between choosing it (its
            // Message-ID fixed) and seeing it on the server, or after.
            let (chosen, pending): (i64, i64) = a
                .open()
                .connection()
                .query_row(
                    "SELECT count(set_id), count(*) FROM shared_changes
                     WHERE local = 1 AND uploaded_at IS NULL",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            let phase = match (pending, chosen) {
                (0, _) => "after the upload",
                (_, 0) => "before the upload",
                _ => "during the upload",
            };
            *phases.entry(phase).or_insert(0) += 1;
        }
        child.wait().unwrap();
    }
    println!(
        "state kill test: {kills} SIGKILLs in {rounds} rounds (uninterrupted sync {full:?}), \
         landed {phases:?}"
    );
    assert!(kills >= KILLS, "only {kills} kills landed");
    // The narrowest window (one round trip), hit on purpose: the set is chosen and appended,
    // and the copy dies before writing down that it was.
    a.sync(&s);
    a.open()
        .add_note("c1@example.com", "note appended, then killed")
        .unwrap();
    let set = a.open().next_upload(500).unwrap().expect("a set to upload");
    s.append(
        "shopinbox-state",
        &set.to_message("Tue, 24 Nov 2026 10:00:00 +0100"),
        &["\\Seen"],
        None,
    );
    assert_eq!(a.open().shared_pending().unwrap(), 1);
    // Recovery: one more sync on A, then B reads everything.
    a.sync(&s);
    assert_eq!(a.open().shared_pending().unwrap(), 0);
    let b = Copy::new("Ben");
    b.sync(&s);
    let notes: Vec<String> = b
        .open()
        .notes("c1@example.com")
        .unwrap()
        .into_iter()
        .map(|n| n.text)
        .collect();
    assert_eq!(notes.len(), rounds + 2, "{notes:?}");
    assert_eq!(marks(&a.open()), marks(&b.open()));
    let (count, distinct) = state_messages(&s);
    assert_eq!(count, distinct, "a change set was appended twice");
}

/// A spread of kill points from the round number, without a random source.
fn fastrand_f64(round: usize) -> f64 {
    ((round * 7919) % 101) as f64 / 100.0
}

#[test]
fn without_a_state_folder_everything_works_locally_and_says_so() {
    // Blocking the folder needs Dovecot's Maildir on disk; Cyrus keeps its own spool.
    if support::ImapServer::from_env() == support::ImapServer::Cyrus {
        eprintln!("skipped on Cyrus: the folder is blocked through Dovecot's Maildir");
        return;
    }
    let s = servers_with_questions(1);
    // A file where the folder would go: Dovecot cannot create `shopinbox-state`.
    std::fs::write(s.maildir().join(".shopinbox-state"), b"not a folder").unwrap();
    let a = Copy::new("Anna");
    a.sync(&s);
    a.open()
        .snooze(
            a.conv(1),
            Some(chrono::Utc::now() + chrono::Duration::days(1)),
        )
        .unwrap();
    let summary = a.sync(&s);
    let report = summary.sharing.clone().unwrap();
    assert!(report.folder.is_err(), "{report:?}");
    assert!(
        report
            .line()
            .starts_with("marks are not shared: the state folder could not be created"),
        "{}",
        report.line()
    );
    assert!(!report.is_ok());
    // The mark is kept locally, waiting for a folder.
    assert_eq!(a.open().shared_pending().unwrap(), 1);
    assert!(
        marks(&a.open())[0].contains("snooze=1"),
        "{:?}",
        marks(&a.open())
    );
    // `sync`'s summary says it too.
    let text = shopinbox::sync::cli::format_summary(&summary);
    assert!(text.contains("marks are not shared"), "{text}");
    // And once the folder can be made, the waiting mark goes up.
    std::fs::remove_file(s.maildir().join(".shopinbox-state")).unwrap();
    let report = a.sync(&s).sharing.unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.sets_uploaded, 1);
    assert_eq!(a.open().shared_pending().unwrap(), 0);
}

/// The keywords on the INBOX message with Message-ID `q<n>@example.com`.
fn keywords_of(s: &MailServers, n: u32) -> Vec<String> {
    let mut c = s.client();
    c.examine("INBOX").unwrap();
    let fetched = c
        .uid_fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        .unwrap();
    let want = format!("<q{n}@example.com>");
    let item = fetched
        .iter()
        .find(|f| {
            f.header
                .as_deref()
                .is_some_and(|h| String::from_utf8_lossy(h).contains(&want))
        })
        .expect("the question is in INBOX");
    item.flags
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f.starts_with('$'))
        .collect()
}

/// What the sync worker and `shopinbox sync` do first in a pass: the write-back jobs.
fn write_back(copy: &Copy, s: &MailServers) -> shopinbox::sync::JobsReport {
    let st = copy.open();
    let now = st.context().clock.now();
    shopinbox::sync::run_jobs(
        &account(s),
        st.connection(),
        shopinbox::sync::jobs::Select::default(),
        now,
    )
}

/// A copy that does not share (no state folder read): what it learns comes from the keywords.
fn sync_unshared(path: &Path, s: &MailServers) -> Store {
    let mut st = Store::open(
        path,
        support::berlin_shop(SHOP, "2026-11-24T10:05:00+01:00"),
    )
    .unwrap();
    st.set_sharing(None).unwrap();
    sync_store(&account(s), &mut st, &SyncOptions::default(), &mut |_| {}).unwrap();
    st
}

#[test]
fn answered_by_phone_and_not_a_customer_are_keywords_on_the_message_itself() {
    let s = servers_with_questions(3);
    let a = Copy::new("Anna");
    a.sync(&s);
    {
        let mut st = a.open();
        let when = st.context().clock.now();
        st.mark_answered(a.conv(1), Some(when)).unwrap();
        st.add_rule(RuleKind::Message, "q2@example.com").unwrap();
        // Marks the keywords do not carry travel only through the state folder.
        st.snooze(a.conv(3), Some(when + chrono::Duration::days(1)))
            .unwrap();
    }
    let report = write_back(&a, &s);
    assert_eq!((report.done, report.failed), (2, 0), "{report:?}");
    assert_eq!(keywords_of(&s, 1), ["$ShopinboxAnswered"]);
    assert_eq!(keywords_of(&s, 2), ["$ShopinboxNotCustomer"]);
    assert!(keywords_of(&s, 3).is_empty());
    // Idempotent: the same marks again change nothing on the server.
    write_back(&a, &s);
    assert_eq!(keywords_of(&s, 1), ["$ShopinboxAnswered"]);

    // A copy without the state folder sees both marks from the keywords alone.
    let dir = tempfile::tempdir().unwrap();
    let c = sync_unshared(&dir.path().join("c.db"), &s);
    let m = marks(&c);
    let line = |id: &str| m.iter().find(|l| l.starts_with(id)).unwrap().clone();
    assert!(!line("q1@").contains("answered=-"), "{m:?}");
    assert!(line("q1@").contains("needs=-"), "{m:?}");
    assert!(!line("q2@").contains("not_customer=-"), "{m:?}");
    assert!(line("q3@").contains("snooze=-"), "{m:?}");
    assert!(
        m.contains(&"rule message q2@example.com".to_string()),
        "{m:?}"
    );
    drop(c);

    // Undone on A: the keyword goes, and a new copy no longer sees the mark.
    {
        let mut st = a.open();
        st.mark_answered(a.conv(1), None).unwrap();
    }
    let report = write_back(&a, &s);
    assert_eq!((report.done, report.failed), (1, 0), "{report:?}");
    assert!(keywords_of(&s, 1).is_empty());
    let d = sync_unshared(&dir.path().join("d.db"), &s);
    let m = marks(&d);
    assert!(
        m.iter()
            .any(|l| l.starts_with("q1@") && l.contains("answered=-")),
        "{m:?}"
    );
}

fn sync_with(copy: &Copy, s: &MailServers, opts: &SyncOptions) -> SyncSummary {
    let mut st = copy.open();
    sync_store(&account(s), &mut st, opts, &mut |_| {}).unwrap()
}

#[test]
fn compaction_replaces_the_sets_by_one_snapshot_and_a_kill_in_between_loses_nothing() {
    let s = servers_with_questions(3);
    let a = Copy::new("Anna");
    a.sync(&s);
    // Eight passes with a change each: eight sets in the folder.
    for i in 0..8i64 {
        {
            let mut st = a.open();
            let now = st.context().clock.now();
            st.snooze(
                a.conv(1 + (i % 3) as u32),
                Some(now + chrono::Duration::days(1 + i)),
            )
            .unwrap();
            if i % 4 == 0 {
                st.add_note("c1@example.com", &format!("note {i}")).unwrap();
            }
        }
        a.sync(&s);
    }
    a.sync(&s); // reads its own last set
    assert_eq!(state_messages(&s).0, 8);

    // A kill after the snapshot's APPEND and before the sets are deleted: both are there.
    let (uv, top) = a.open().state_folder_progress().unwrap().unwrap();
    let snapshot = a.open().snapshot_set(uv, top).unwrap();
    s.append(
        "shopinbox-state",
        &snapshot.to_message("Tue, 24 Nov 2026 10:00:00 +0100"),
        &[],
        None,
    );
    let b = Copy::new("Ben");
    b.sync(&s);
    assert_eq!(
        marks(&a.open()),
        marks(&b.open()),
        "no mark lost or doubled"
    );

    // The next pass over the limit compacts: one snapshot is left.
    let opts = SyncOptions {
        compact_state_after: 5,
        ..SyncOptions::default()
    };
    sync_with(&a, &s, &opts);
    assert_eq!(state_messages(&s), (1, 1));
    // A copy that never read the folder gets everything from the snapshot; one that read the
    // old sets reads just the snapshot, changing nothing.
    let c = Copy::new("Cleo");
    c.sync(&s);
    assert_eq!(marks(&a.open()), marks(&c.open()));
    b.sync(&s);
    assert_eq!(marks(&a.open()), marks(&b.open()));
    // Under the limit nothing more happens.
    sync_with(&a, &s, &opts);
    assert_eq!(state_messages(&s), (1, 1));
}
