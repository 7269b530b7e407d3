//! Server quirks (issue 22 point 5) against recorded server behaviour: Courier-IMAP refuses an
//! APPEND while a folder is open read-only, keeps folders under `INBOX.`, and its refusals
//! reach the owner in its own words. The normal flows are tested against the real Dovecot
//! (sync_engine.rs, send_smtp.rs); these are the behaviours Dovecot cannot be made to show.

use crate::support;
use crate::support::recorded_imap;

use chrono::{DateTime, Utc};
use recorded_imap::{RecordedImap, Script};
use shopinbox::store::Store;
use shopinbox::sync::session::ImapSession;
use shopinbox::sync::{sync_store, ImapAccount, Security, SyncError, SyncEvent, SyncOptions};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
        .unwrap()
        .into()
}

fn account(server: &RecordedImap) -> ImapAccount {
    ImapAccount {
        host: "127.0.0.1".to_string(),
        port: server.port,
        security: Security::None,
        username: "test".to_string(),
        password: "secret".to_string(),
        password_from: String::new(),
        oauth2: None,
        ca_file: None,
        sent_folder: None,
        extra_folders: Vec::new(),
    }
}

const REPLY: &[u8] = b"From: Alphx Shop <hello@alphx.shop>\r\nTo: john@example.com\r\n\
Subject: Re: Where is my order?\r\nMessage-ID: <reply-1@alphx.shop>\r\n\
Date: Tue, 01 Dec 2026 11:00:00 +0100\r\n\r\nIt left today.\r\n";

fn store_with_sent_reply(dir: &std::path::Path) -> Store {
    let ctx = support::berlin_shop("hello@alphx.shop", "2026-12-01T10:00:00Z");
    let store = Store::open(&dir.join("store.db"), ctx).unwrap();
    let conn = store.connection();
    conn.execute(
        "INSERT INTO outbox (to_addr, subject, raw, message_id, state, created_at, updated_at, \
         sent_at) VALUES ('john@example.com', 'Re: Where is my order?', ?1, 'reply-1@alphx.shop', \
         'sent', 0, 0, 0)",
        [REPLY],
    )
    .unwrap();
    let id = conn.last_insert_rowid();
    let n = shopinbox::sync::jobs::queue_for_reply(
        conn,
        id,
        shopinbox::config::SaveSent::Always,
        &[],
        now(),
    )
    .unwrap();
    assert_eq!(n, 1);
    store
}

fn run_jobs(server: &RecordedImap, store: &Store) -> shopinbox::sync::JobsReport {
    shopinbox::sync::run_jobs(
        &account(server),
        store.connection(),
        shopinbox::sync::jobs::Select::default(),
        now(),
    )
}

/// Courier answers `NO Current box is selected READ-ONLY` to an APPEND while the Sent folder
/// is open read-only (the write-back looks there for an earlier copy first). The write-back
/// leaves the folder (CLOSE: Courier has no UNSELECT) before the APPEND: one copy, job done;
/// a retry finds the copy and makes no second one.
#[test]
fn courier_sent_copy_is_saved_once_without_append_to_the_examined_folder() {
    let server = RecordedImap::start(Script::courier(), &["INBOX", "INBOX.Sent"]);
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_sent_reply(dir.path());

    let report = run_jobs(&server, &store);
    assert_eq!((report.done, report.waiting), (1, 0), "{report:?}");
    assert!(report.problems.is_empty(), "{report:?}");
    assert_eq!(server.messages("INBOX.Sent"), vec![REPLY.to_vec()]);
    assert_eq!(
        shopinbox::sync::jobs::pending_count(store.connection()).unwrap(),
        0
    );
    // The order on the wire: look for an earlier copy, leave the folder, then APPEND.
    let log = server.log();
    let verbs: Vec<&str> = log
        .iter()
        .filter_map(|l| l.split(' ').nth(1))
        .filter(|v| ["EXAMINE", "SELECT", "CLOSE", "UNSELECT", "APPEND"].contains(v))
        .collect();
    assert_eq!(verbs, ["EXAMINE", "CLOSE", "APPEND"], "{log:#?}");

    // A run cut short after the APPEND but before recording it: found, not saved again.
    store
        .connection()
        .execute("UPDATE writeback_jobs SET done_at = NULL", [])
        .unwrap();
    let report = run_jobs(&server, &store);
    assert_eq!((report.done, report.waiting), (1, 0), "{report:?}");
    assert_eq!(server.messages("INBOX.Sent").len(), 1, "still one copy");
}

/// The same server behaviour, as it was before the fix: an APPEND issued while the folder is
/// open read-only is refused, and the refusal reaches the owner in the server's own words.
#[test]
fn append_refusal_quotes_the_servers_words() {
    let server = RecordedImap::start(Script::courier(), &["INBOX", "INBOX.Sent"]);
    let mut sess = ImapSession::connect(&account(&server)).unwrap();
    // Asked for a folder that does not exist: Courier's own words, sanitized.
    let err = sess
        .append("INBOX.Gesendet", REPLY, &["\\Seen"])
        .unwrap_err();
    assert!(matches!(err, SyncError::Server { .. }), "{err:?}");
    let text = err.to_string();
    assert_eq!(
        text,
        "cannot save the message to the folder INBOX.Gesendet on 127.0.0.1: the server \
         answered \"[TRYCREATE] Mailbox does not exist, or must be subscribed to.\"; the copy \
         is saved at the next sync; if the server keeps refusing, check [imap] sent_folder and \
         that the mailbox is not full"
    );
    assert!(!text.contains("not understood"), "{text}");
    assert!(!text.contains("Could not append"), "{text}");
    // The connection is still usable after the refusal, and APPEND leaves an open folder.
    sess.examine("INBOX.Sent").unwrap();
    sess.append("INBOX.Sent", REPLY, &["\\Seen"]).unwrap();
    assert_eq!(sess.open_folder(), None);
    sess.logout();
    assert_eq!(server.messages("INBOX.Sent").len(), 1);
}

/// A refused login names where the password came from, in the config's words.
#[test]
fn refused_login_names_the_password_source() {
    let server = RecordedImap::start(Script::courier(), &["INBOX"]);
    let mut acc = account(&server);
    acc.password = "wrong".into();
    acc.password_from = "[imap] username and password_env (ALPHX_PASSWORD)".into();
    let text = ImapSession::connect(&acc).unwrap_err().to_string();
    assert_eq!(
        text,
        "cannot log in to 127.0.0.1 as test: the server refused the password; check [imap] \
         username and password_env (ALPHX_PASSWORD)"
    );
    assert!(!text.contains("wrong"));
}

const ORDER: &[u8] = b"From: Ann Other <ann@example.net>\r\nTo: hello@alphx.shop\r\n\
Subject: Bestellung 17\r\nMessage-ID: <o17@example.net>\r\n\
Date: Tue, 01 Dec 2026 09:00:00 +0100\r\n\r\nWo bleibt sie?\r\n";

fn sync_events(
    acc: &ImapAccount,
    store: &mut Store,
) -> (shopinbox::sync::SyncSummary, Vec<SyncEvent>) {
    let mut events = Vec::new();
    let sum = sync_store(acc, store, &SyncOptions::default(), &mut |e| events.push(e))
        .unwrap_or_else(|e| panic!("sync failed: {e}"));
    (sum, events)
}

/// Courier keeps the owner's folders under `INBOX.` (NAMESPACE (("INBOX." "."))): a
/// configured `Bestellungen-Ä` is `INBOX.Bestellungen-Ä` there (modified UTF-7 on the wire), a
/// configured `Sent` is `INBOX.Sent`; a folder that does not exist fails alone, with Courier's
/// words and the names it may have meant, and the others are synced.
#[test]
fn courier_folders_resolve_through_the_namespace_and_a_missing_one_fails_alone() {
    let server = RecordedImap::start(
        Script::courier(),
        &[
            "INBOX",
            "INBOX.Sent",
            "INBOX.Bestellungen-&AMQ-",
            "INBOX.Rechnungen",
        ],
    );
    server.add("INBOX.Bestellungen-&AMQ-", ORDER, &[]);
    let other = String::from_utf8_lossy(ORDER).replace("o17@", "o18@");
    server.add("INBOX", other.as_bytes(), &[]);
    let mut acc = account(&server);
    acc.sent_folder = Some("Sent".into());
    acc.extra_folders = vec!["Bestellungen-\u{c4}".into(), "Rechnung".into()];
    let dir = tempfile::tempdir().unwrap();
    let ctx = support::berlin_shop("hello@alphx.shop", "2026-12-01T10:00:00Z");
    let mut store = Store::open(&dir.path().join("store.db"), ctx).unwrap();
    let (sum, _) = sync_events(&acc, &mut store);
    let names: Vec<&str> = sum.folders.iter().map(|f| f.folder.as_str()).collect();
    assert_eq!(
        names,
        ["INBOX", "INBOX.Sent", "INBOX.Bestellungen-\u{c4}"],
        "{sum:?}"
    );
    assert_eq!(sum.folder("INBOX.Bestellungen-\u{c4}").unwrap().new, 1);
    assert_eq!(sum.failed.len(), 1, "{sum:?}");
    assert_eq!(sum.failed[0].folder, "Rechnung");
    assert_eq!(
        sum.failed[0].reason,
        "cannot open the folder \"Rechnung\" on 127.0.0.1: the server answered \"Mailbox does \
         not exist, or must be subscribed to.\"; check [imap] folders and sent_folder (folders \
         with a similar name: \"INBOX.Rechnungen\"; this server keeps folders under \"INBOX.\", \
         so it may be \"INBOX.Rechnung\")"
    );
    assert_eq!(
        shopinbox::sync::cli::exit_code(&sum),
        shopinbox::exit::PARTIAL
    );
    assert!(server
        .log()
        .iter()
        .any(|l| l.ends_with("EXAMINE \"INBOX.Bestellungen-&AMQ-\"")));
}

/// "No Sent folder" is said once per store, with the folders that exist; a new process (new
/// options) says nothing more.
#[test]
fn no_sent_folder_is_said_once_per_store_with_the_folders_that_exist() {
    let server = RecordedImap::start(Script::courier(), &["INBOX", "INBOX.Archiv"]);
    let acc = account(&server);
    let dir = tempfile::tempdir().unwrap();
    let ctx = support::berlin_shop("hello@alphx.shop", "2026-12-01T10:00:00Z");
    let path = dir.path().join("store.db");
    let mut notices = Vec::new();
    for _ in 0..2 {
        let mut store = Store::open(&path, ctx.clone()).unwrap();
        let (sum, events) = sync_events(&acc, &mut store);
        assert!(sum.no_sent_folder);
        notices.extend(events.into_iter().filter_map(|e| match e {
            SyncEvent::Notice(n) => Some(n),
            _ => None,
        }));
    }
    assert_eq!(
        notices,
        vec![
            "127.0.0.1 has no Sent folder (none marked \\Sent, none of the usual names): replies \
             sent from other mail programs (phone, webmail) cannot be seen; its folders are \
             \"INBOX\", \"INBOX.Archiv\"; set [imap] sent_folder to the one that holds sent mail, \
             if there is one"
                .to_string()
        ]
    );
}

/// When no folder at all could be synced the pass fails (exit code 4), with the server's
/// words: that is not a partial sync.
#[test]
fn nothing_synced_is_a_failure_not_a_partial_sync() {
    let server = RecordedImap::start(Script::courier(), &["INBOX.Archiv"]);
    let acc = account(&server);
    let dir = tempfile::tempdir().unwrap();
    let ctx = support::berlin_shop("hello@alphx.shop", "2026-12-01T10:00:00Z");
    let mut store = Store::open(&dir.path().join("store.db"), ctx).unwrap();
    let err = sync_store(&acc, &mut store, &SyncOptions::default(), &mut |_| {}).unwrap_err();
    assert!(matches!(err, SyncError::NoFolder { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot open the folder \"INBOX\" on 127.0.0.1: the server answered \"Mailbox does not \
         exist, or must be subscribed to.\"; check [imap] folders and sent_folder"
    );
}

/// A Sent copy the server keeps refusing (the configured Sent folder does not exist) is not
/// retried forever: after `MAX_REFUSALS` attempts the job ends as failed, with the server's own
/// words kept where the outbox listing shows them, and it is not tried again.
#[test]
fn a_sent_copy_the_server_keeps_refusing_ends_as_failed_in_its_words() {
    use shopinbox::sync::jobs;
    let server = RecordedImap::start(Script::courier(), &["INBOX", "INBOX.Sent"]);
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_sent_reply(dir.path());
    let mut acc = account(&server);
    acc.sent_folder = Some("Gesendet".to_string());
    let run =
        || shopinbox::sync::run_jobs(&acc, store.connection(), jobs::Select::default(), now());
    for attempt in 1..jobs::MAX_REFUSALS {
        let r = run();
        assert_eq!(
            (r.done, r.waiting, r.failed),
            (0, 1, 0),
            "attempt {attempt}: {r:?}"
        );
    }
    let r = run();
    assert_eq!((r.done, r.waiting, r.failed), (0, 0, 1), "{r:?}");
    let words = "Mailbox does not exist, or must be subscribed to.";
    assert!(r.problems[0].contains(words), "{r:?}");
    assert!(r.problems[0].contains("stopped trying"), "{r:?}");
    let conn = store.connection();
    assert_eq!(jobs::pending_count(conn).unwrap(), 0);
    let reply: i64 = conn
        .query_row("SELECT id FROM outbox", [], |r| r.get(0))
        .unwrap();
    let failed = jobs::failed_for_reply(conn, reply).unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, jobs::JobKind::AppendSent);
    assert!(failed[0].1.contains(words), "{failed:?}");
    // Not tried again.
    let seen = server.log().len();
    assert_eq!(run(), shopinbox::sync::JobsReport::default());
    assert_eq!(server.log().len(), seen);
    assert!(server.messages("INBOX.Sent").is_empty());
}

/// The worker's kept connection reuses the folder list of its previous pass (one LIST less per
/// pass) while every configured folder was listed; a configured folder that is missing makes
/// each pass list the folders again, so it is found once it appears.
#[test]
fn a_kept_connection_lists_the_folders_again_only_when_something_configured_was_missing() {
    let lists = |server: &RecordedImap| {
        server
            .log()
            .iter()
            .filter(|l| l.split(' ').nth(1) == Some("LIST"))
            .count()
    };
    let server = RecordedImap::start(Script::courier(), &["INBOX", "INBOX.Sent"]);
    let mut acc = account(&server);
    acc.sent_folder = Some("Sent".into());
    let dir = tempfile::tempdir().unwrap();
    let ctx = support::berlin_shop("hello@alphx.shop", "2026-12-01T10:00:00Z");
    let mut store = Store::open(&dir.path().join("store.db"), ctx.clone()).unwrap();
    let mut kept = shopinbox::sync::KeptSession::default();
    let opts = SyncOptions::default();
    for _ in 0..3 {
        shopinbox::sync::sync_kept(&acc, &mut store, &opts, &mut kept, &mut |_| {}).unwrap();
    }
    assert_eq!(kept.logins(), 1);
    assert_eq!(lists(&server), 1, "{:#?}", server.log());
    kept.close();

    // A configured folder the server does not list: every pass lists again.
    let server = RecordedImap::start(Script::courier(), &["INBOX", "INBOX.Sent"]);
    let mut acc = account(&server);
    acc.sent_folder = Some("Sent".into());
    acc.extra_folders = vec!["Bestellungen".into()];
    let mut store = Store::open(&dir.path().join("store2.db"), ctx).unwrap();
    let mut kept = shopinbox::sync::KeptSession::default();
    for _ in 0..2 {
        let sum =
            shopinbox::sync::sync_kept(&acc, &mut store, &opts, &mut kept, &mut |_| {}).unwrap();
        assert_eq!(sum.failed.len(), 1, "{sum:?}");
    }
    assert_eq!(lists(&server), 2, "{:#?}", server.log());
    kept.close();
}
