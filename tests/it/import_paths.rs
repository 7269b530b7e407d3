//! `import_paths` against a real (in-memory) store: .eml files, a Maildir with flags, an mbox
//! with `>From ` quoting, a folder tree, re-import without duplicates, and the received_at
//! fallbacks (newest Received:, Date:, mbox postmark, file mtime).

use chrono::{DateTime, TimeZone, Utc};
use shopinbox::import::{import_paths, ImportError};
use shopinbox::store::{MessageRow, Store, View};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(rel)
}

/// The tests' fixed "now": Tuesday 24 November 2026, 10:00 in Berlin.
fn now() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00")
        .unwrap()
        .into()
}

fn store() -> Store {
    let clock = shopinbox::clock::Clock::fixed(now());
    Store::open_in_memory(shopinbox::demo::demo_context(clock)).unwrap()
}

fn all_messages(store: &Store) -> Vec<MessageRow> {
    let now = now();
    let mut out = Vec::new();
    for c in store.list(View::All, now, 0, 10_000).unwrap() {
        out.extend(store.conversation_messages(c.id).unwrap());
    }
    out
}

fn by_id<'a>(msgs: &'a [MessageRow], id: &str) -> &'a MessageRow {
    msgs.iter()
        .find(|m| m.message_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("message {id} not imported"))
}

fn has(flags: &[String], f: &str) -> bool {
    flags.iter().any(|x| x.eq_ignore_ascii_case(f))
}

/// Builds a Maildir in `dir` from the fixture messages, with flags in the file names and a
/// half-delivered message in tmp/ that must not be imported.
fn make_maildir(dir: &Path) -> PathBuf {
    let md = dir.join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    let src = |n: &str| std::fs::read(fixture(&format!("maildir-src/{n}"))).unwrap();
    std::fs::write(
        md.join("cur/1748851200.M1P100.shop:2,RS"),
        src("answered.eml"),
    )
    .unwrap();
    std::fs::write(
        md.join("cur/1748943000.M2P100.shop,S=312:2,FS"),
        src("flagged.eml"),
    )
    .unwrap();
    std::fs::write(md.join("new/1749048300.M3P100.shop"), src("new.eml")).unwrap();
    std::fs::write(
        md.join("tmp/1749048400.M4P100.shop"),
        b"Subject: half written\r\n",
    )
    .unwrap();
    md
}

#[test]
fn single_eml_uses_the_newest_received_header() {
    let mut s = store();
    let sum = import_paths(&mut s, &[fixture("single.eml")]).unwrap();
    assert_eq!(
        (sum.files, sum.imported, sum.duplicates),
        (1, 1, 0),
        "{sum:?}"
    );
    assert!(sum.problems.is_empty(), "{:?}", sum.problems);
    let msgs = all_messages(&s);
    let m = by_id(&msgs, "restock-0001@example.net");
    // Topmost Received: is 09:15:02 +0200; the Date: header (08:59) and the older hop are not used.
    assert_eq!(
        m.received_at,
        Utc.with_ymd_and_hms(2025, 6, 4, 7, 15, 2).unwrap()
    );
    assert_eq!(m.location.mailbox, "import");
    assert_eq!(m.subject, "Restock of the Fjord mugs?");
}

#[test]
fn maildir_flags_and_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let md = make_maildir(tmp.path());
    let mut s = store();
    let sum = import_paths(&mut s, std::slice::from_ref(&md)).unwrap();
    assert_eq!(
        (sum.files, sum.imported, sum.duplicates),
        (3, 3, 0),
        "{sum:?}"
    );
    let msgs = all_messages(&s);
    assert_eq!(msgs.len(), 3, "tmp/ must be ignored");

    let answered = by_id(&msgs, "invoice-1030@example.org");
    assert!(
        has(&answered.flags, "\\Seen") && has(&answered.flags, "\\Answered"),
        "{:?}",
        answered.flags
    );
    let flagged = by_id(&msgs, "wedding-order@example.com");
    assert!(
        has(&flagged.flags, "\\Flagged") && has(&flagged.flags, "\\Seen"),
        "{:?}",
        flagged.flags
    );
    assert!(!has(&flagged.flags, "\\Answered"));
    let new = by_id(&msgs, "broken-handle-1055@example.com");
    assert!(new.flags.is_empty(), "{:?}", new.flags);
    // No Received: header, so the Date: header gives the arrival.
    assert_eq!(
        new.received_at,
        Utc.with_ymd_and_hms(2025, 6, 4, 14, 45, 0).unwrap()
    );

    // The \Answered flag answers the conversation; the others were never answered. Imported
    // a year and a half later, they are history (issue 11): "Older, never answered", not
    // overdue.
    let now = Utc.with_ymd_and_hms(2025, 6, 5, 8, 0, 0).unwrap();
    assert!(s.list(View::NeedsReply, now, 0, 100).unwrap().is_empty());
    let needs: Vec<_> = s.list(View::Older, now, 0, 100).unwrap();
    assert_eq!(needs.len(), 2, "{needs:?}");
    assert!(needs
        .iter()
        .all(|c| c.customer_addr != "felix.braun@example.org"));

    // Maildir++ subfolders are imported too.
    let sent = md.join(".Sent");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(sent.join(sub)).unwrap();
    }
    std::fs::write(
        sent.join("cur/1748860000.M9P1.shop:2,S"),
        b"Date: Mon, 2 Jun 2025 12:00:00 +0200\r\nFrom: hello@alphx.shop\r\nTo: felix.braun@example.org\r\nSubject: Re: Invoice for order #1030\r\nMessage-ID: <reply-1030@alphx.shop>\r\nIn-Reply-To: <invoice-1030@example.org>\r\n\r\nAttached.\r\n",
    )
    .unwrap();
    let sum = import_paths(&mut s, &[md]).unwrap();
    assert_eq!(
        (sum.files, sum.imported, sum.duplicates),
        (4, 1, 3),
        "{sum:?}"
    );
    let msgs = all_messages(&s);
    assert!(by_id(&msgs, "reply-1030@alphx.shop").is_shop);
}

#[test]
fn mbox_split_unquoting_status_flags_and_postmark_dates() {
    let mut s = store();
    let sum = import_paths(&mut s, &[fixture("export.mbox")]).unwrap();
    assert_eq!(
        (sum.files, sum.imported, sum.duplicates),
        (1, 3, 0),
        "{sum:?}"
    );
    let msgs = all_messages(&s);

    let thanks = by_id(&msgs, "thanks-q@example.pt");
    assert!(
        thanks.body.contains("\nFrom the photos I thought"),
        "{:?}",
        thanks.body
    );
    assert!(
        thanks.body.contains("\n>From a quoted line"),
        "{:?}",
        thanks.body
    );
    assert!(!thanks.body.contains(">From the photos"));
    assert!(
        has(&thanks.flags, "\\Seen") && has(&thanks.flags, "\\Answered"),
        "{:?}",
        thanks.flags
    );
    // The separator blank line is not part of the message.
    let raw = s.raw(thanks.id).unwrap().unwrap();
    assert!(
        raw.ends_with(b"Ines\r\n"),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );

    let order = by_id(&msgs, "order-1060@example.com");
    assert!(
        order.flags.is_empty(),
        "Status: O is not \\Seen: {:?}",
        order.flags
    );

    // No Received: and no Date:: the postmark's delivery time.
    let delivery = by_id(&msgs, "delivery-1060@example.fr");
    assert_eq!(
        delivery.received_at,
        Utc.with_ymd_and_hms(2025, 6, 5, 13, 30, 0).unwrap()
    );
}

#[test]
fn reimport_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let md = make_maildir(tmp.path());
    let paths = vec![
        fixture("single.eml"),
        fixture("export.mbox"),
        md,
        fixture("folder"),
    ];
    let mut s = store();
    let first = import_paths(&mut s, &paths).unwrap();
    assert_eq!(first.imported, 1 + 3 + 3 + 2, "{first:?}");
    assert_eq!(first.duplicates, 0);
    let count = all_messages(&s).len();

    let again = import_paths(&mut s, &paths).unwrap();
    assert_eq!(again.imported, 0, "{again:?}");
    assert_eq!(again.duplicates, first.imported);
    assert_eq!(again.files, first.files);
    assert_eq!(all_messages(&s).len(), count);
}

#[test]
fn same_message_with_other_line_ends_is_a_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let lf = std::fs::read(fixture("single.eml")).unwrap();
    let crlf = String::from_utf8(lf).unwrap().replace('\n', "\r\n");
    let copy = tmp.path().join("copy.eml");
    std::fs::write(&copy, crlf).unwrap();
    let mut s = store();
    let sum = import_paths(&mut s, &[fixture("single.eml"), copy]).unwrap();
    assert_eq!((sum.imported, sum.duplicates), (1, 1), "{sum:?}");
}

#[test]
fn folder_tree_is_searched_and_non_mail_is_noted() {
    let mut s = store();
    let sum = import_paths(&mut s, &[fixture("folder")]).unwrap();
    assert_eq!((sum.files, sum.imported), (2, 2), "{sum:?}");
    assert_eq!(sum.problems.len(), 1, "{:?}", sum.problems);
    assert!(
        sum.problems[0].ends_with("skipped 1 file that is neither .eml nor mbox"),
        "{:?}",
        sum.problems
    );
    // The reply found in the subfolder joined the first message's conversation.
    let convs = s.list(View::All, now(), 0, 100).unwrap();
    assert_eq!(convs.len(), 1);
    assert_eq!(convs[0].message_count, 2);
}

#[test]
fn missing_path_fails_before_importing_anything() {
    let mut s = store();
    let missing = PathBuf::from("/nonexistent/shopinbox/export.mbox");
    let err = import_paths(&mut s, &[fixture("single.eml"), missing.clone()]).unwrap_err();
    match &err {
        ImportError::NotFound { path } => assert_eq!(path, &missing),
        other => panic!("unexpected error {other:?}"),
    }
    assert!(err.to_string().starts_with("cannot import"), "{err}");
    assert!(all_messages(&s).is_empty());
}

#[test]
fn file_mtime_is_the_last_resort_and_empty_files_are_noted() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("undated.eml");
    std::fs::write(
        &p,
        b"From: someone@example.com\nTo: hello@alphx.shop\nSubject: no dates at all\nMessage-ID: <undated@example.com>\n\nhello\n",
    )
    .unwrap();
    let mtime: DateTime<Utc> = Utc.with_ymd_and_hms(2024, 12, 24, 15, 0, 0).unwrap();
    let f = std::fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(mtime.into()).unwrap();
    drop(f);
    let empty = tmp.path().join("empty.eml");
    std::fs::write(&empty, b"\n\n").unwrap();

    let mut s = store();
    let sum = import_paths(&mut s, &[p, empty]).unwrap();
    assert_eq!((sum.files, sum.imported), (2, 1), "{sum:?}");
    assert!(
        sum.problems.iter().any(|p| p.contains("empty")),
        "{:?}",
        sum.problems
    );
    let msgs = all_messages(&s);
    assert_eq!(by_id(&msgs, "undated@example.com").received_at, mtime);
}

#[test]
fn large_imports_are_batched() {
    // More than one batch of messages in one mbox: all arrive, and a second import finds
    // every one of them already stored.
    let tmp = tempfile::tempdir().unwrap();
    let n = shopinbox::import::BATCH + 37;
    let mut mbox = String::new();
    for i in 0..n {
        mbox.push_str(&format!(
            "From c{i}@example.com Mon Jun  2 10:00:00 2025\nFrom: c{i}@example.com\nTo: hello@alphx.shop\nSubject: question {i}\nMessage-ID: <q{i}@example.com>\n\nbody {i}\n\n"
        ));
    }
    let p = tmp.path().join("big.mbox");
    std::fs::write(&p, mbox).unwrap();
    let mut s = store();
    let sum = import_paths(&mut s, std::slice::from_ref(&p)).unwrap();
    assert_eq!((sum.imported, sum.duplicates), (n, 0));
    let sum = import_paths(&mut s, &[p]).unwrap();
    assert_eq!((sum.imported, sum.duplicates), (0, n));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_ends_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("export");
    std::fs::create_dir(&root).unwrap();
    std::fs::copy(fixture("folder/a.eml"), root.join("a.eml")).unwrap();
    std::os::unix::fs::symlink(&root, root.join("again")).unwrap();
    let mut s = store();
    let sum = import_paths(&mut s, &[root]).unwrap();
    assert_eq!(sum.imported, 1, "{sum:?}");
    assert!(sum.duplicates > 0);
    assert!(
        sum.problems.iter().any(|p| p.contains("link loop")),
        "{:?}",
        sum.problems
    );
}
