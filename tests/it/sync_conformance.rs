//! Sync conformance against a real Dovecot (issue 13 items 8, 9, 11): folder names in modified
//! UTF-7, Sent folder discovery with and without SPECIAL-USE, and mail without a usable
//! Message-ID that is both imported and synced.

use crate::support;

use shopinbox::store::{ShopContext, Store, View};
use shopinbox::sync::folders::to_wire;
use shopinbox::sync::session::ImapSession;
use shopinbox::sync::{
    no_sent_notice, sync_store, ImapAccount, Security, SyncEvent, SyncOptions, SyncSummary,
};
use support::{MailServers, ServerOptions};

const SHOP: &str = "shop@example.org";
const NOW: &str = "2024-03-04T12:00:00+01:00";

fn ctx() -> ShopContext {
    support::berlin_shop(SHOP, NOW)
}

fn account(s: &MailServers, extra: &[&str]) -> ImapAccount {
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
        extra_folders: extra.iter().map(|f| f.to_string()).collect(),
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let st = Store::open(&dir.path().join("store.sqlite"), ctx()).unwrap();
    (dir, st)
}

fn sync_events(
    acc: &ImapAccount,
    st: &mut Store,
    opts: &SyncOptions,
) -> (SyncSummary, Vec<SyncEvent>) {
    let mut events = Vec::new();
    let sum = sync_store(acc, st, opts, &mut |e| events.push(e))
        .unwrap_or_else(|e| panic!("sync failed: {e}"));
    (sum, events)
}

fn date(min: i64) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2024-03-04T08:00:00+01:00").unwrap()
        + chrono::Duration::minutes(min)
}

fn question(id: &str) -> Vec<u8> {
    let id_line = if id.is_empty() {
        String::new()
    } else {
        format!("Message-ID: {id}\r\n")
    };
    format!(
        "From: Jane <jane@example.net>\r\nTo: {SHOP}\r\nSubject: Lampe kaputt\r\n{id_line}\
         Date: Mon, 04 Mar 2024 08:00:00 +0100\r\n\r\nDie Lampe flackert.\r\n"
    )
    .into_bytes()
}

fn reply() -> Vec<u8> {
    format!(
        "From: Shop <{SHOP}>\r\nTo: jane@example.net\r\nSubject: Re: Lampe kaputt\r\n\
         Message-ID: <r1@example.org>\r\nIn-Reply-To: <q1@example.net>\r\n\
         Date: Mon, 04 Mar 2024 09:00:00 +0100\r\n\r\nWir schicken eine neue.\r\n"
    )
    .into_bytes()
}

/// Item 8: `folders = ["Bestellungen-Ä"]` syncs (before: "Mailbox name is not valid mUTF-7"
/// and the whole sync failed), and the name is shown decoded.
#[test]
fn folder_with_a_non_ascii_name_syncs() {
    let s = MailServers::start();
    let name = "Bestellungen-Ä";
    s.create_mailbox(&to_wire(name));
    s.append(
        &to_wire(name),
        &question("<q1@example.net>"),
        &[],
        Some(date(0)),
    );
    let (_d, mut st) = store();
    let acc = account(&s, &[name]);
    let (sum, _) = sync_events(&acc, &mut st, &SyncOptions::default());
    let f = sum.folder(name).unwrap_or_else(|| panic!("{sum:?}"));
    assert_eq!(f.new, 1);
    let uv = s.uidvalidity(&to_wire(name));
    assert_eq!(st.uids(name, uv).unwrap().len(), 1);
    assert!(shopinbox::sync::cli::format_summary(&sum).contains("Bestellungen-Ä: 1 new"));

    // The folder list decodes names; write-back (SELECT, APPEND) encodes them too.
    let mut sess = ImapSession::connect(&acc).unwrap();
    let listed = sess.list_folders().unwrap();
    assert!(listed.iter().any(|f| f.name == name), "{listed:?}");
    sess.select(name).unwrap();
    sess.append(name, &reply(), &["\\Seen"]).unwrap();
    sess.logout();
    let (sum, _) = sync_events(&acc, &mut st, &SyncOptions::default());
    assert_eq!(sum.folder(name).unwrap().new, 1);
}

/// Item 9, with SPECIAL-USE: the folder marked `\Sent` is found even under a name that is not
/// one of the usual ones, and wins over a folder that is merely called "Sent".
#[test]
fn sent_folder_is_found_by_special_use() {
    let s = MailServers::start_with(ServerOptions {
        sent_name: "Versandt",
        ..Default::default()
    });
    s.create_mailbox("Sent");
    s.append("INBOX", &question("<q1@example.net>"), &[], Some(date(0)));
    s.append("Versandt", &reply(), &["\\Seen"], Some(date(60)));
    let acc = account(&s, &[]);
    let mut sess = ImapSession::connect(&acc).unwrap();
    assert!(sess.caps().special_use);
    assert_eq!(sess.find_sent().unwrap().as_deref(), Some("Versandt"));
    sess.logout();

    let (_d, mut st) = store();
    let (sum, events) = sync_events(&acc, &mut st, &SyncOptions::default());
    assert_eq!(sum.folder("Versandt").unwrap().new, 1);
    assert!(sum.folder("Sent").is_none());
    assert!(!sum.no_sent_folder);
    assert!(!events.iter().any(|e| matches!(e, SyncEvent::Notice(_))));
    let now = ctx().clock.now();
    assert!(st.list(View::NeedsReply, now, 0, 10).unwrap().is_empty());
    assert_eq!(st.list(View::Answered, now, 0, 10).unwrap().len(), 1);
}

/// Item 9, without SPECIAL-USE: no Sent folder is said once (not every pass); a folder with a
/// usual name ("Gesendet") is then found by its name and its replies count.
#[test]
fn sent_folder_without_special_use_is_found_by_name_or_reported_once() {
    let s = MailServers::start_with(ServerOptions {
        special_use: false,
        ..Default::default()
    });
    s.append("INBOX", &question("<q1@example.net>"), &[], Some(date(0)));
    let acc = account(&s, &[]);
    let mut sess = ImapSession::connect(&acc).unwrap();
    assert_eq!(sess.find_sent().unwrap(), None);
    sess.logout();

    let (_d, mut st) = store();
    // One options value across passes, as the sync worker keeps it.
    let opts = SyncOptions::default();
    let mut notices = Vec::new();
    for _ in 0..2 {
        let (sum, events) = sync_events(&acc, &mut st, &opts);
        assert!(sum.no_sent_folder);
        assert_eq!(sum.folders.len(), 1, "{sum:?}");
        notices.extend(events.into_iter().filter_map(|e| match e {
            SyncEvent::Notice(n) => Some(n),
            _ => None,
        }));
    }
    assert_eq!(notices.len(), 1, "said once: {notices:?}");
    assert!(
        notices[0].starts_with(&no_sent_notice("localhost", &["INBOX".to_string()])[..60]),
        "{notices:?}"
    );
    assert!(notices[0].contains("replies sent from other mail programs"));
    assert!(
        notices[0].contains("its folders are \"INBOX\""),
        "{notices:?}"
    );
    // Said once per store, not once per process: a fresh worker (new options) is quiet.
    let (sum, events) = sync_events(&acc, &mut st, &SyncOptions::default());
    assert!(sum.no_sent_folder && sum.notices.is_empty(), "{sum:?}");
    assert!(!events.iter().any(|e| matches!(e, SyncEvent::Notice(_))));
    let now = ctx().clock.now();
    assert_eq!(st.list(View::NeedsReply, now, 0, 10).unwrap().len(), 1);

    s.create_mailbox("Gesendet");
    s.append("Gesendet", &reply(), &["\\Seen"], Some(date(60)));
    let (sum, _) = sync_events(&acc, &mut st, &opts);
    assert!(!sum.no_sent_folder);
    assert_eq!(sum.folder("Gesendet").unwrap().new, 1);
    assert!(st.list(View::NeedsReply, now, 0, 10).unwrap().is_empty());
}

/// Item 11: a customer message without a usable Message-ID, imported from a file and then
/// synced from the server, is one message, and an answered conversation stays answered.
#[test]
fn message_without_usable_message_id_imported_and_synced_counts_once() {
    for (case, id) in [
        ("none", ""),
        ("empty", "<>"),
        ("unbracketed", "q1@example.net"),
        ("quoted", "\"<q1@example.net>\""),
    ] {
        let s = MailServers::start();
        let raw = question(id);
        let (dir, mut st) = store();
        // The owner imports an old export first (LF line ends, as files usually have)...
        let file = dir.path().join("old.eml");
        std::fs::write(
            &file,
            String::from_utf8(raw.clone())
                .unwrap()
                .replace("\r\n", "\n"),
        )
        .unwrap();
        let imported = shopinbox::import::import_paths(&mut st, &[file]).unwrap();
        assert_eq!(imported.imported, 1, "{case}");
        // ...the shop had answered (reply in Sent)...
        s.append("Sent", &reply(), &["\\Seen"], Some(date(60)));
        // ...and the same message is still on the server, with a later INTERNALDATE.
        s.append("INBOX", &raw, &[], Some(date(24 * 60)));
        s.create_mailbox("Archive");
        s.append("Archive", &raw, &[], Some(date(25 * 60)));
        let acc = account(&s, &["Archive"]);
        let (sum, _) = sync_events(&acc, &mut st, &SyncOptions::default());
        assert_eq!(sum.total_new(), 3, "{case}: {sum:?}");
        let now = ctx().clock.now() + chrono::Duration::days(2);
        let all = st.list(View::All, now, 0, 10).unwrap();
        assert_eq!(all.len(), 1, "{case}: one conversation: {all:?}");
        assert_eq!(
            all[0].message_count, 2,
            "{case}: question and reply, once each"
        );
        assert_eq!(all[0].pending_since, None, "{case}: still answered");
        assert_eq!(
            st.conversation_messages(all[0].id).unwrap().len(),
            2,
            "{case}"
        );
        assert!(
            st.list(View::NeedsReply, now, 0, 10).unwrap().is_empty(),
            "{case}"
        );
    }
}

/// Item 10 (first half): the worker's sync connection is kept between passes, so a pass with
/// nothing new does not log in again; new mail is still seen on the kept connection, and a
/// connection the server dropped is replaced on the next pass.
#[test]
fn sync_connection_is_kept_between_passes_and_replaced_when_lost() {
    use shopinbox::sync::{sync_kept, KeptSession};
    let mut s = MailServers::start();
    s.append("INBOX", &question("<q1@example.net>"), &[], Some(date(0)));
    let acc = account(&s, &[]);
    let (_d, mut st) = store();
    let opts = SyncOptions::default();
    let mut kept = KeptSession::default();
    let pass = |st: &mut Store, kept: &mut KeptSession| {
        sync_kept(&acc, st, &opts, kept, &mut |_| {}).unwrap_or_else(|e| panic!("sync failed: {e}"))
    };
    assert_eq!(pass(&mut st, &mut kept).total_new(), 1);
    assert_eq!(pass(&mut st, &mut kept).total_new(), 0);
    s.append("INBOX", &question("<q2@example.net>"), &[], Some(date(5)));
    assert_eq!(pass(&mut st, &mut kept).total_new(), 1);
    assert_eq!(kept.logins(), 1, "three passes, one login");

    // The server goes away and comes back: the kept connection is dead, the next pass
    // connects again instead of failing.
    s.restart();
    s.append("INBOX", &question("<q3@example.net>"), &[], Some(date(10)));
    assert_eq!(pass(&mut st, &mut kept).total_new(), 1);
    assert_eq!(kept.logins(), 2);
    kept.close();
}
