//! The whole sync against a real Dovecot: first sync of varied mail, no-op resync, new mail,
//! flags from another client, expunge, a reply in Sent, UIDVALIDITY change, an interrupted
//! sync resumed, the server dying mid-sync, and the background worker with IDLE.
use crate::support;

use chrono::{DateTime, FixedOffset, Utc};
use shopinbox::store::{Location, ShopContext, Store, View};
use shopinbox::sync::{
    self, sync_store, ImapAccount, Security, SyncCommand, SyncError, SyncEvent, SyncOptions,
    SyncSummary, WorkerOptions,
};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{MailServers, TestMessage};

const SHOP: &str = "shop@example.org";

/// What the store stamps (last sync) is read from this clock; the mail's own times come from
/// the server.
fn ctx() -> ShopContext {
    support::berlin_shop(SHOP, "2026-11-24T10:00:00+01:00")
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

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let st = Store::open(&dir.path().join("store.sqlite"), ctx()).unwrap();
    (dir, st)
}

fn sync(s: &MailServers, st: &mut Store) -> SyncSummary {
    sync_with(&account(s), st, &SyncOptions::default())
}

fn sync_with(acc: &ImapAccount, st: &mut Store, opts: &SyncOptions) -> SyncSummary {
    sync_store(acc, st, opts, &mut |_| {}).unwrap_or_else(|e| panic!("sync failed: {e}"))
}

fn date(i: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2024-03-04T08:00:00+01:00").unwrap()
        + chrono::Duration::minutes(i as i64)
}

/// A varied message: plain, quoted-printable UTF-8, HTML only, multipart/alternative,
/// multipart/mixed with an attachment whose name is encoded, raw 8-bit, encoded-word names.
fn varied(i: u32) -> Vec<u8> {
    let from = match i % 4 {
        0 => format!("\"Smith, John\" <john{i}@example.com>"),
        1 => format!("=?UTF-8?B?{}?= <zoe{i}@example.net>", b64("Zoë Müller")),
        2 => format!("cust{i}@example.org"),
        _ => format!("=?ISO-8859-1?Q?Ren=E9e_Dubois?= <renee{i}@example.fr>"),
    };
    let head = format!(
        "From: {from}\r\nTo: Shop <{SHOP}>\r\nSubject: =?UTF-8?Q?Bestellung_{i}_=E2=80=93_Frage?=\r\n\
         Message-ID: <v{i}@example.com>\r\nDate: Mon, 04 Mar 2024 08:00:00 +0100\r\nMIME-Version: 1.0\r\n"
    );
    let body = match i % 6 {
        0 => format!("Content-Type: text/plain; charset=us-ascii\r\n\r\nHello, where is order {i}?\r\n"),
        1 => format!(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
             Gr=C3=BC=C3=9Fe, wo ist Bestellung {i}?\r\n"
        ),
        2 => format!(
            "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Order <b>{i}</b> never arrived</p></body></html>\r\n"
        ),
        3 => format!(
            "Content-Type: multipart/alternative; boundary=\"alt{i}\"\r\n\r\n--alt{i}\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nPlain order {i}\r\n--alt{i}\r\n\
             Content-Type: text/html; charset=utf-8\r\n\r\n<p>HTML order {i}</p>\r\n--alt{i}--\r\n"
        ),
        4 => format!(
            "Content-Type: multipart/mixed; boundary=\"mix{i}\"\r\n\r\n--mix{i}\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nPhoto of the broken item {i} attached.\r\n--mix{i}\r\n\
             Content-Type: image/png; name=\"=?UTF-8?Q?sch=C3=A4den_{i}.png?=\"\r\n\
             Content-Disposition: attachment; filename*=UTF-8''sch%C3%A4den_{i}.png\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--mix{i}--\r\n",
            b64(&"PNG".repeat(40 + i as usize))
        ),
        _ => format!(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
             Größe {i} passt nicht, bitte umtauschen — merci beaucoup ✓\r\n"
        ),
    };
    format!("{head}{body}").into_bytes()
}

fn b64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(T[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn customer_mail(n: u32, subject: &str) -> Vec<u8> {
    format!(
        "From: Customer {n} <c{n}@example.com>\r\nTo: {SHOP}\r\nSubject: {subject}\r\n\
         Message-ID: <c{n}@example.com>\r\nDate: Mon, 04 Mar 2024 08:00:00 +0100\r\n\r\nHello?\r\n"
    )
    .into_bytes()
}

fn many(n: u32, start: u32) -> Vec<TestMessage> {
    (start..start + n)
        .map(|i| TestMessage {
            raw: varied(i),
            flags: if i % 3 == 0 {
                vec!["\\Seen".into()]
            } else {
                vec![]
            },
            internaldate: Some(date(i)),
        })
        .collect()
}

fn inbox_uids(s: &MailServers, st: &Store) -> Vec<u32> {
    st.uids("INBOX", s.uidvalidity("INBOX")).unwrap()
}

#[test]
fn first_sync_then_incremental_changes() {
    let s = MailServers::start();
    let msgs = many(300, 0);
    let uids = s.append_many("INBOX", &msgs);
    let before = s.server_flags("INBOX");
    let (_d, mut st) = store();

    // First sync: everything, exactly once, bytes intact, INTERNALDATE as received_at.
    let sum = sync(&s, &mut st);
    let inbox = sum.folder("INBOX").unwrap();
    assert_eq!((inbox.new, inbox.downloaded), (300, 300));
    assert_eq!(sum.folder("Sent").unwrap().new, 0);
    assert_eq!(inbox_uids(&s, &st), uids);
    assert_eq!(
        s.server_flags("INBOX"),
        before,
        "syncing must not change \\Seen or any flag"
    );
    let uv = s.uidvalidity("INBOX");
    for (i, uid) in uids.iter().enumerate().take(12) {
        let key = st
            .message_by_location(&Location {
                mailbox: "INBOX".into(),
                uidvalidity: uv,
                uid: *uid,
            })
            .unwrap()
            .unwrap();
        let row = st.message(key).unwrap().unwrap();
        assert_eq!(
            st.raw(key).unwrap().unwrap(),
            msgs[i].raw,
            "raw bytes of uid {uid}"
        );
        assert_eq!(row.received_at, date(i as u32).with_timezone(&Utc));
        assert_eq!(row.subject, format!("Bestellung {i} – Frage"));
        assert_eq!(row.flags.contains(&"\\Seen".to_string()), i % 3 == 0);
        match i % 6 {
            2 => assert!(row.body.contains("never arrived"), "{}", row.body),
            4 => assert_eq!(row.attachments[0].name, format!("schäden_{i}.png")),
            5 => assert!(row.body.contains("Größe"), "{}", row.body),
            _ => {}
        }
        if i % 4 == 1 {
            assert_eq!(
                row.from.as_ref().unwrap().name.as_deref(),
                Some("Zoë Müller")
            );
        }
    }

    // No changes: nothing fetched, nothing changed.
    let sum = sync(&s, &mut st);
    assert_eq!(
        (
            sum.downloaded(),
            sum.total_new(),
            sum.changed(),
            sum.removed()
        ),
        (0, 0, 0, 0)
    );

    // New mail between syncs.
    let more = s.append_many("INBOX", &many(3, 1000));
    let sum = sync(&s, &mut st);
    assert_eq!((sum.folder("INBOX").unwrap().new, sum.downloaded()), (3, 3));

    // Flags changed by another client.
    s.set_flags("INBOX", uids[1], &["\\Flagged", "\\Answered"], &[]);
    s.set_flags("INBOX", uids[0], &[], &["\\Seen"]);
    let sum = sync(&s, &mut st);
    assert_eq!((sum.changed(), sum.downloaded()), (2, 0));
    let flags = st.flags_by_uid("INBOX", uv).unwrap();
    assert_eq!(
        flags[&uids[1]],
        vec!["\\Answered".to_string(), "\\Flagged".to_string()]
    );
    assert!(flags[&uids[0]].is_empty());

    // Expunged by another client.
    s.expunge("INBOX", &[uids[5], more[1]]);
    let sum = sync(&s, &mut st);
    assert_eq!((sum.removed(), sum.downloaded()), (2, 0));
    let left: HashSet<u32> = inbox_uids(&s, &st).into_iter().collect();
    assert_eq!(left.len(), 301);
    assert!(!left.contains(&uids[5]) && !left.contains(&more[1]));

    // And quiet again.
    let sum = sync(&s, &mut st);
    assert_eq!((sum.downloaded(), sum.changed(), sum.removed()), (0, 0, 0));
}

#[test]
fn reply_saved_in_sent_by_another_client_marks_conversation_answered() {
    let s = MailServers::start();
    s.append(
        "INBOX",
        &customer_mail(1, "Where is my parcel?"),
        &[],
        Some(date(0)),
    );
    let (_d, mut st) = store();
    sync(&s, &mut st);
    let now = ctx().clock.now();
    assert_eq!(st.counts(now).unwrap().needs_reply, 1);

    let reply = format!(
        "From: Shop <{SHOP}>\r\nTo: c1@example.com\r\nSubject: Re: Where is my parcel?\r\n\
         Message-ID: <r1@example.org>\r\nIn-Reply-To: <c1@example.com>\r\nReferences: <c1@example.com>\r\n\
         Date: Mon, 04 Mar 2024 10:00:00 +0100\r\n\r\nIt ships today.\r\n"
    );
    s.append("Sent", reply.as_bytes(), &["\\Seen"], Some(date(120)));
    let sum = sync(&s, &mut st);
    assert_eq!(sum.folder("Sent").unwrap().new, 1);
    let counts = st.counts(now).unwrap();
    assert_eq!((counts.needs_reply, counts.answered), (0, 1));
    let answered = st.list(View::Answered, now, 0, 10).unwrap();
    assert_eq!(answered[0].message_count, 2);
}

#[test]
fn uidvalidity_change_rebuilds_folder_without_duplicates_or_losing_notes() {
    let s = MailServers::start();
    s.create_mailbox("Orders");
    for i in 0..5 {
        s.append(
            "Orders",
            &customer_mail(i, &format!("order {i}")),
            &[],
            Some(date(i)),
        );
    }
    let mut acc = account(&s);
    acc.extra_folders = vec!["Orders".into()];
    let (_d, mut st) = store();
    let sum = sync_with(&acc, &mut st, &SyncOptions::default());
    assert_eq!(sum.folder("Orders").unwrap().new, 5);
    let note = st
        .add_note("c1@example.com", "always ships to the office")
        .unwrap();
    let old_uv = s.uidvalidity("Orders");

    s.delete_mailbox("Orders");
    std::thread::sleep(Duration::from_millis(1100)); // Dovecot's UIDVALIDITY is time-based
    s.create_mailbox("Orders");
    for i in [1, 2, 7] {
        s.append(
            "Orders",
            &customer_mail(i, &format!("order {i}")),
            &[],
            Some(date(i)),
        );
    }
    let new_uv = s.uidvalidity("Orders");
    assert_ne!(old_uv, new_uv);
    let sum = sync_with(&acc, &mut st, &SyncOptions::default());
    let orders = sum.folder("Orders").unwrap();
    assert!(orders.rebuilt);
    assert_eq!(orders.removed, 5);
    assert_eq!(st.uids("Orders", new_uv).unwrap().len(), 3);
    assert!(st.uids("Orders", old_uv).unwrap().is_empty());
    // Orders 1 and 2 came back (same rows, not duplicated), 7 is new, and 0, 3 and 4 are no
    // longer on the server: kept as history, marked removed on the server.
    let now = ctx().clock.now();
    assert_eq!(st.counts(now).unwrap().all, 6, "no duplicate conversations");
    let removed: Vec<String> = st
        .list(View::All, now, 0, 50)
        .unwrap()
        .into_iter()
        .filter(|c| c.removed_since.is_some())
        .map(|c| c.subject)
        .collect();
    assert_eq!(removed.len(), 3, "{removed:?}");
    for n in [0, 3, 4] {
        assert!(removed.contains(&format!("order {n}")), "{removed:?}");
    }
    assert_eq!(st.notes("c1@example.com").unwrap()[0].id, note);
}

#[test]
fn interrupted_sync_resumes_without_loss_or_duplicates() {
    let s = MailServers::start();
    let uids = s.append_many("INBOX", &many(250, 0));
    let (_d, mut st) = store();
    let cancel = Arc::new(AtomicBool::new(false));
    let opts = SyncOptions {
        batch_count: 60,
        cancel: Some(cancel.clone()),
        ..Default::default()
    };
    let flag = cancel.clone();
    let res = sync_store(&account(&s), &mut st, &opts, &mut |e| {
        if let SyncEvent::Progress { done, .. } = e {
            if done >= 60 {
                flag.store(true, Ordering::SeqCst);
            }
        }
    });
    assert!(matches!(res, Err(SyncError::Cancelled)), "{res:?}");
    // A first sync stores newest first (issue 11): the newest batch, and the folder's
    // highest UID covers it; what is missing is below it (resumed as history).
    assert_eq!(inbox_uids(&s, &st), uids[190..].to_vec());
    assert_eq!(
        st.mailbox_state("INBOX").unwrap().unwrap().highest_uid,
        uids[249]
    );

    cancel.store(false, Ordering::SeqCst);
    let sum = sync_with(&account(&s), &mut st, &opts);
    assert_eq!(
        (sum.folder("INBOX").unwrap().new, sum.downloaded()),
        (190, 190)
    );
    assert_eq!(inbox_uids(&s, &st), uids);
    assert_eq!(st.counts(ctx().clock.now()).unwrap().all, 250);
}

#[test]
fn server_stopped_during_sync_is_a_clear_error_and_next_sync_completes() {
    let mut s = MailServers::start();
    let acc = account(&s);
    let (_d, mut st) = store();
    let opts = SyncOptions {
        batch_count: 50,
        ..Default::default()
    };
    // New mail on a store that has synced before: its first batch is committed before the
    // rest is asked for (a first sync asks for everything at once, so on loopback all of it
    // would be in hand before the server went away).
    let mut uids = s.append_many("INBOX", &many(1, 0));
    sync_with(&acc, &mut st, &opts);
    uids.extend(s.append_many("INBOX", &many(200, 1)));
    let mut failed = None;
    let res = {
        let s = &mut s;
        sync_store(&acc, &mut st, &opts, &mut |e| match e {
            SyncEvent::Progress { done: 50, .. } => s.stop(),
            SyncEvent::Failed(m) => failed = Some(m),
            _ => {}
        })
    };
    let err = res.unwrap_err();
    assert!(matches!(err, SyncError::Lost { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("the connection was lost"), "{text}");
    assert_eq!(failed.as_deref(), Some(text.as_str()));
    // Store intact: exactly what was there and the committed batch (new mail goes oldest
    // first).
    assert_eq!(
        st.uids("INBOX", s_uidvalidity_offline(&st)).unwrap(),
        uids[..51].to_vec()
    );

    s.restart();
    let sum = sync_with(&acc, &mut st, &opts);
    assert_eq!(sum.folder("INBOX").unwrap().new, 150);
    assert_eq!(inbox_uids(&s, &st), uids);
}

fn s_uidvalidity_offline(st: &Store) -> u32 {
    st.mailbox_state("INBOX").unwrap().unwrap().uidvalidity
}

#[test]
fn folder_emptied_on_server_is_removed_after_confirmation() {
    let s = MailServers::start();
    let uids: Vec<u32> = (0..3)
        .map(|i| s.append("INBOX", &customer_mail(i, "hi"), &[], None))
        .collect();
    let (_d, mut st) = store();
    sync(&s, &mut st);
    s.expunge("INBOX", &uids);
    let sum = sync(&s, &mut st);
    assert_eq!(sum.removed(), 3);
    assert!(inbox_uids(&s, &st).is_empty());
}

#[test]
fn wrong_password_fails_the_sync_with_one_sentence() {
    let s = MailServers::start();
    let mut acc = account(&s);
    acc.password = "nope".into();
    let dir = tempfile::tempdir().unwrap();
    let mut events = vec![];
    let err = sync::sync_once(&acc, &dir.path().join("s.sqlite"), &ctx(), &mut |e| {
        events.push(e)
    })
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot log in to localhost as test:"),
        "{err}"
    );
    assert!(matches!(events.last(), Some(SyncEvent::Failed(m)) if m == &err.to_string()));
}

#[test]
fn worker_syncs_at_start_on_idle_news_and_shuts_down() {
    let s = MailServers::start();
    s.append("INBOX", &customer_mail(1, "first"), &[], None);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let opts = WorkerOptions {
        idle: true,
        poll: Duration::from_secs(3600),
        ..Default::default()
    };
    let (cmd, events) = sync::spawn_worker(account(&s), path.clone(), ctx(), opts);
    let finished = |timeout: Duration| loop {
        match events.recv_timeout(timeout) {
            Ok(SyncEvent::Finished(sum)) => break sum,
            Ok(SyncEvent::Failed(m)) => panic!("sync failed: {m}"),
            Ok(_) => {}
            Err(e) => panic!("no sync finished: {e}"),
        }
    };
    assert_eq!(finished(Duration::from_secs(20)).total_new(), 1);
    // New mail arrives: IDLE notices and triggers a sync by itself.
    std::thread::sleep(Duration::from_millis(500));
    s.append("INBOX", &customer_mail(2, "second"), &[], None);
    assert_eq!(finished(Duration::from_secs(20)).total_new(), 1);
    // On request.
    cmd.send(SyncCommand::SyncNow).unwrap();
    assert_eq!(finished(Duration::from_secs(20)).total_new(), 0);
    cmd.send(SyncCommand::Shutdown).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match events.recv_timeout(Duration::from_secs(10)) {
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(e) => panic!("worker did not stop: {e}"),
            Ok(_) => assert!(std::time::Instant::now() < deadline, "worker did not stop"),
        }
    }
    let st = Store::open(&path, ctx()).unwrap();
    assert_eq!(st.counts(ctx().clock.now()).unwrap().all, 2);
}

#[test]
fn write_back_marks_answered_and_saves_to_sent() {
    let s = MailServers::start();
    let uid = s.append("INBOX", &customer_mail(1, "hi"), &[], None);
    let acc = account(&s);
    sync::set_flags(&acc, "INBOX", uid, &["\\Answered", "\\Seen"], &[]).unwrap();
    assert_eq!(
        s.server_flags("INBOX")[&uid],
        vec!["\\Answered".to_string(), "\\Seen".to_string()]
    );
    let reply = format!("From: {SHOP}\r\nTo: c1@example.com\r\nSubject: Re: hi\r\nMessage-ID: <w1@example.org>\r\n\r\nok\r\n");
    let (folder, new_uid) = sync::append_to_sent(&acc, reply.as_bytes(), &["\\Seen"]).unwrap();
    assert_eq!(folder, "Sent");
    let new_uid = new_uid.unwrap();
    assert_eq!(s.server_flags("Sent")[&new_uid], vec!["\\Seen".to_string()]);
}
