//! The IMAP session against a real Dovecot: connection security, login errors, EXAMINE state,
//! fetching without touching `\Seen`, flag and UID listings, write-back.
use crate::support;

use shopinbox::sync::session::ImapSession;
use shopinbox::sync::{ImapAccount, Security, SyncError};
use support::{ImapServer, MailServers, ServerOptions};

fn account(s: &MailServers, security: Security) -> ImapAccount {
    ImapAccount {
        host: "localhost".into(),
        port: match security {
            Security::Tls => s.imaps_port,
            _ => s.imap_port,
        },
        security,
        username: s.user.clone(),
        password: s.password.clone(),
        password_from: String::new(),
        oauth2: None,
        ca_file: Some(s.ca.clone()),
        sent_folder: None,
        extra_folders: vec![],
    }
}

fn msg(n: u32) -> Vec<u8> {
    format!(
        "From: Customer {n} <c{n}@example.com>\r\nTo: shop@example.org\r\nSubject: order {n}\r\n\
         Message-ID: <m{n}@example.com>\r\nDate: Fri, 01 Mar 2024 09:00:00 +0100\r\n\r\nWhere is order {n}?\r\n"
    )
    .into_bytes()
}

#[test]
fn tls_starttls_and_loopback_plaintext_all_log_in() {
    let s = MailServers::start();
    for sec in [Security::Tls, Security::StartTls, Security::None] {
        let mut acc = account(&s, sec);
        if sec == Security::None {
            acc.host = "127.0.0.1".into();
        }
        let mut sess = ImapSession::connect(&acc).unwrap_or_else(|e| panic!("{sec:?}: {e}"));
        let caps = sess.caps();
        assert!(
            caps.condstore && caps.uidplus && caps.idle && caps.special_use,
            "{caps:?}"
        );
        assert_eq!(sess.find_sent().unwrap().as_deref(), Some("Sent"));
        sess.logout();
    }
}

#[test]
fn wrong_password_is_one_clear_sentence_without_the_password() {
    let s = MailServers::start();
    let mut acc = account(&s, Security::Tls);
    acc.password = "hunter2-wrong".into();
    let err = ImapSession::connect(&acc).unwrap_err();
    assert!(matches!(err, SyncError::Login { .. }), "{err}");
    let text = err.to_string();
    assert_eq!(
        text,
        "cannot log in to localhost as test: the server refused the password; check [imap] \
         username and the password"
    );
    acc.password_from = "[imap] username and password_env (ALPHX_PASSWORD)".into();
    let text = ImapSession::connect(&acc).unwrap_err().to_string();
    assert_eq!(
        text,
        "cannot log in to localhost as test: the server refused the password; check [imap] \
         username and password_env (ALPHX_PASSWORD)"
    );
    assert!(!text.contains("password_command"));
    assert!(!text.contains("hunter2"));
    assert!(!format!("{acc:?}").contains("hunter2"));
}

#[test]
fn untrusted_certificate_is_refused() {
    let s = MailServers::start();
    let mut acc = account(&s, Security::Tls);
    acc.ca_file = None;
    let err = ImapSession::connect(&acc).unwrap_err().to_string();
    assert!(err.contains("not signed by a trusted authority"), "{err}");
}

#[test]
fn starttls_requested_but_not_offered_is_refused() {
    let s = MailServers::start_with(ServerOptions {
        imap_tls: false,
        ..Default::default()
    });
    let acc = account(&s, Security::StartTls);
    let err = ImapSession::connect(&acc).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("cannot use STARTTLS with localhost: the server does not offer it"),
        "{text}"
    );
}

#[test]
fn examine_fetch_and_flags_leave_seen_alone() {
    let s = MailServers::start();
    let date = chrono::DateTime::parse_from_rfc3339("2024-03-01T09:30:00+01:00").unwrap();
    let u1 = s.append("INBOX", &msg(1), &[], Some(date));
    let u2 = s.append("INBOX", &msg(2), &["\\Seen", "$Label1"], None);
    let before = s.server_flags("INBOX");

    let mut sess = ImapSession::connect(&account(&s, Security::Tls)).unwrap();
    let st = sess.examine("INBOX").unwrap();
    assert_eq!(st.exists, 2);
    assert_eq!(st.uidnext, Some(u2 + 1));
    assert!(st.highestmodseq.is_some());
    assert_eq!(st.uidvalidity, s.uidvalidity("INBOX"));

    assert_eq!(
        sess.uid_sizes_after(0)
            .unwrap()
            .iter()
            .map(|x| x.0)
            .collect::<Vec<_>>(),
        vec![u1, u2]
    );
    // `n:*` returns the last message even when its UID is lower; the caller filters.
    assert_eq!(sess.uid_sizes_after(u2).unwrap().len(), 1);
    let got = sess.fetch_messages(&format!("{u1}:{u2}")).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].raw, msg(1));
    assert_eq!(
        got[0].internaldate.unwrap().to_rfc3339(),
        "2024-03-01T08:30:00+00:00"
    );
    assert!(got[1].flags.contains(&"$Label1".to_string()));
    assert_eq!(sess.uids_up_to(u2).unwrap().len(), 2);
    let flags = sess.fetch_flags(u2, None).unwrap();
    assert_eq!(flags.len(), 2);
    let modseq = st.highestmodseq.unwrap();
    assert!(sess.fetch_flags(u2, Some(modseq)).unwrap().is_empty());
    sess.logout();
    assert_eq!(
        s.server_flags("INBOX"),
        before,
        "syncing must not change \\Seen"
    );

    s.set_flags("INBOX", u1, &["\\Flagged"], &[]);
    let mut sess = ImapSession::connect(&account(&s, Security::Tls)).unwrap();
    sess.examine("INBOX").unwrap();
    let changed = sess.fetch_flags(u2, Some(modseq)).unwrap();
    assert_eq!(changed, vec![(u1, vec!["\\Flagged".to_string()])]);
}

#[test]
fn missing_folder_names_the_folder() {
    let s = MailServers::start();
    let mut sess = ImapSession::connect(&account(&s, Security::Tls)).unwrap();
    let err = sess.examine("Orders").unwrap_err().to_string();
    assert!(
        err.starts_with("cannot open the folder \"Orders\" on localhost"),
        "{err}"
    );
}

#[test]
fn store_and_append_write_back() {
    let s = MailServers::start();
    let u1 = s.append("INBOX", &msg(1), &[], None);
    let mut sess = ImapSession::connect(&account(&s, Security::Tls)).unwrap();
    // Read-only folders refuse writes before anything is sent.
    sess.examine("INBOX").unwrap();
    assert!(sess.store_flags(u1, &["\\Answered"], &[]).is_err());
    sess.select("INBOX").unwrap();
    sess.store_flags(u1, &["\\Answered", "\\Seen"], &[])
        .unwrap();
    let appended = sess.append("Sent", &msg(9), &["\\Seen"]).unwrap();
    let (validity, uid) = appended.expect("Dovecot offers UIDPLUS");
    assert_eq!(validity, s.uidvalidity("Sent"));
    sess.logout();
    assert_eq!(
        s.server_flags("INBOX")[&u1],
        vec!["\\Answered".to_string(), "\\Seen".to_string()]
    );
    assert_eq!(s.server_flags("Sent")[&uid], vec!["\\Seen".to_string()]);
}

/// Issue 10 item 7: another client expunges messages after the sync listed them and before it
/// fetches them. Dovecot then answers `* n FETCH (UID u BODY[] NIL)` (or leaves the message
/// out); the fetch returns the messages that still exist instead of failing.
#[test]
fn messages_expunged_between_listing_and_fetch_are_skipped() {
    let s = MailServers::start();
    let uids: Vec<u32> = (1..=6)
        .map(|n| s.append("INBOX", &msg(n), &[], None))
        .collect();
    let mut sess = ImapSession::connect(&account(&s, Security::Tls)).unwrap();
    sess.examine("INBOX").unwrap();
    // The listing caches what the session knows about every message.
    assert_eq!(sess.uid_sizes_after(0).unwrap().len(), 6);
    let gone = [uids[1], uids[4]];
    s.expunge("INBOX", &gone);
    let set = format!("{}:{}", uids[0], uids[5]);
    let got = sess
        .fetch_messages(&set)
        .unwrap_or_else(|e| panic!("a concurrent expunge must not fail the fetch: {e}"));
    let got_uids: Vec<u32> = got.iter().map(|m| m.uid).collect();
    let want: Vec<u32> = uids.iter().copied().filter(|u| !gone.contains(u)).collect();
    match s.imap_server() {
        ImapServer::Dovecot => assert_eq!(got_uids, want),
        // Cyrus keeps expunged messages readable for a session it has not yet told of the
        // expunge (RFC 3501 §7.4.1 lets it): they may still come, whole and unchanged.
        ImapServer::Cyrus => {
            assert!(want.iter().all(|u| got_uids.contains(u)), "{got_uids:?}");
            assert!(got_uids.iter().all(|u| uids.contains(u)), "{got_uids:?}");
        }
    }
    for m in &got {
        let n = uids.iter().position(|u| *u == m.uid).unwrap() as u32 + 1;
        assert_eq!(m.raw, msg(n));
    }
    sess.logout();
}

/// The pipelined download against the real server: several UID FETCH commands in flight, each
/// set's messages handed out in the order the sets were asked for, a message expunged meanwhile
/// left out, a stop drains what is in flight and leaves the connection usable.
#[test]
fn fetch_pipelined_hands_out_each_set_in_order() {
    let s = MailServers::start();
    let uids: Vec<u32> = (1..=9)
        .map(|n| s.append("INBOX", &msg(n), &[], None))
        .collect();
    s.expunge("INBOX", &[uids[4]]);
    let mut sess = ImapSession::connect(&account(&s, Security::Tls)).unwrap();
    sess.examine("INBOX").unwrap();
    let sets = [
        format!("{}:{}", uids[0], uids[2]),
        uids[3].to_string(),
        format!("{}:{}", uids[4], uids[5]),
        format!("{}:{}", uids[6], uids[8]),
    ];
    let asked = std::cell::Cell::new(0usize);
    let mut batches: Vec<Vec<u32>> = Vec::new();
    let mut first_seen_after = None;
    sess.fetch_pipelined(
        3,
        &mut || {
            asked.set(asked.get() + 1);
            sets.get(asked.get() - 1).cloned()
        },
        &mut |m| {
            first_seen_after.get_or_insert(asked.get());
            assert!(m
                .iter()
                .all(|m| m.raw == msg(uids.iter().position(|u| *u == m.uid).unwrap() as u32 + 1)));
            batches.push(m.iter().map(|m| m.uid).collect());
            Ok(true)
        },
    )
    .unwrap();
    assert_eq!(
        first_seen_after,
        Some(3),
        "three commands in flight before the first answer"
    );
    assert_eq!(
        batches,
        vec![
            uids[0..3].to_vec(),
            vec![uids[3]],
            vec![uids[5]],
            uids[6..9].to_vec()
        ]
    );

    // Stopping after the first set: nothing more is asked for, the rest is read and dropped.
    let asked = std::cell::Cell::new(0usize);
    let mut handed = 0;
    sess.fetch_pipelined(
        2,
        &mut || {
            asked.set(asked.get() + 1);
            sets.get(asked.get() - 1).cloned()
        },
        &mut |_| {
            handed += 1;
            Ok(false)
        },
    )
    .unwrap();
    assert_eq!((asked.get(), handed), (2, 1));
    assert_eq!(
        sess.fetch_messages(&uids[8].to_string()).unwrap()[0].raw,
        msg(9)
    );
    sess.logout();
}
