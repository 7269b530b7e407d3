//! QRESYNC (issue 13 item 10) against a real Dovecot, which offers it: another client
//! expunges messages and changes a flag; the next pass learns the expunges from
//! `VANISHED (EARLIER)` (no UID comparison) and the flag from the EXAMINE answer. Without
//! QRESYNC, and without CONDSTORE, the same changes arrive through the UID comparison.

use crate::support;

use shopinbox::store::{ShopContext, Store};
use shopinbox::sync::{
    sync_kept, sync_store, ExpungesVia, FolderSummary, IgnoreCaps, ImapAccount, KeptSession,
    Security, SyncOptions,
};
use support::{MailServers, TestMessage};

const SHOP: &str = "shop@example.org";
const NOW: &str = "2024-03-04T12:00:00+01:00";

fn ctx() -> ShopContext {
    support::berlin_shop(SHOP, NOW)
}

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

fn messages(n: u32, start: u32) -> Vec<TestMessage> {
    (start..start + n)
        .map(|i| TestMessage {
            raw: format!(
                "From: Customer {i} <c{i}@example.com>\r\nTo: {SHOP}\r\nSubject: Order {i}\r\n\
                 Message-ID: <q{i}@example.com>\r\nDate: Mon, 04 Mar 2024 08:00:00 +0100\r\n\r\n\
                 Where is order {i}?\r\n"
            )
            .into_bytes(),
            flags: vec![],
            internaldate: Some(
                chrono::DateTime::parse_from_rfc3339("2024-03-04T08:00:00+01:00").unwrap()
                    + chrono::Duration::minutes(i as i64),
            ),
        })
        .collect()
}

fn inbox(sum: &shopinbox::sync::SyncSummary) -> FolderSummary {
    sum.folder("INBOX").expect("INBOX synced").clone()
}

/// Changes made by another client, then one pass; returns the INBOX summary.
fn expunge_and_flag_elsewhere(ignore: IgnoreCaps) -> FolderSummary {
    let s = MailServers::start();
    let uids = s.append_many("INBOX", &messages(12, 0));
    let acc = account(&s);
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(&dir.path().join("store.sqlite"), ctx()).unwrap();
    let opts = SyncOptions {
        ignore_caps: ignore,
        ..SyncOptions::default()
    };
    let mut kept = KeptSession::default();
    let mut pass = |st: &mut Store| {
        inbox(
            &sync_kept(&acc, st, &opts, &mut kept, &mut |_| {})
                .unwrap_or_else(|e| panic!("sync failed: {e}")),
        )
    };
    assert_eq!(pass(&mut st).new, 12);
    let quiet = pass(&mut st);
    assert_eq!((quiet.new, quiet.changed, quiet.removed), (0, 0, 0));

    // Another client: two messages expunged, one flagged, one new message arrives.
    s.expunge("INBOX", &[uids[2], uids[7]]);
    s.set_flags("INBOX", uids[4], &["\\Flagged"], &[]);
    let added = s.append_many("INBOX", &messages(1, 100));
    let fs = pass(&mut st);
    assert_eq!((fs.new, fs.changed, fs.removed), (1, 1, 2), "{ignore:?}");

    let validity = s.uidvalidity("INBOX");
    let mut want: Vec<u32> = uids
        .iter()
        .copied()
        .filter(|u| *u != uids[2] && *u != uids[7])
        .collect();
    want.extend(added);
    assert_eq!(st.uids("INBOX", validity).unwrap(), want, "{ignore:?}");
    let flags = st.flags_by_uid("INBOX", validity).unwrap();
    assert!(
        flags[&uids[4]].iter().any(|f| f == "\\Flagged"),
        "{ignore:?}: {flags:?}"
    );

    // The next pass finds nothing more to do.
    let again = pass(&mut st);
    assert_eq!((again.new, again.changed, again.removed), (0, 0, 0));
    kept.close();
    fs
}

#[test]
fn qresync_learns_expunges_from_vanished_and_flags_from_the_examine_answer() {
    let fs = expunge_and_flag_elsewhere(IgnoreCaps::Nothing);
    assert_eq!(fs.expunges_via, ExpungesVia::Vanished);
}

#[test]
fn without_qresync_the_uid_comparison_finds_the_same_changes() {
    let fs = expunge_and_flag_elsewhere(IgnoreCaps::Qresync);
    assert_eq!(fs.expunges_via, ExpungesVia::UidComparison);
}

#[test]
fn without_condstore_every_flag_is_compared_and_the_same_changes_arrive() {
    let fs = expunge_and_flag_elsewhere(IgnoreCaps::Condstore);
    assert_eq!(fs.expunges_via, ExpungesVia::UidComparison);
}

#[test]
fn a_fresh_connection_enables_qresync_again() {
    // sync_store connects and logs out on every pass: QRESYNC is enabled on each connection.
    let s = MailServers::start();
    let uids = s.append_many("INBOX", &messages(5, 0));
    let acc = account(&s);
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(&dir.path().join("store.sqlite"), ctx()).unwrap();
    let opts = SyncOptions {
        ignore_caps: IgnoreCaps::Nothing,
        ..SyncOptions::default()
    };
    let pass = |st: &mut Store| {
        inbox(&sync_store(&acc, st, &opts, &mut |_| {}).unwrap_or_else(|e| panic!("{e}")))
    };
    assert_eq!(pass(&mut st).new, 5);
    s.expunge("INBOX", &[uids[0]]);
    let fs = pass(&mut st);
    assert_eq!(fs.removed, 1);
    assert_eq!(fs.expunges_via, ExpungesVia::Vanished);
}
