//! Replies with attachments against the real Dovecot and SMTP sink (tests/support): the files
//! arrive byte for byte in a threaded multipart/mixed reply, the Sent copy carries them, and a
//! reply over the size limit (the config's or the server's SIZE) is refused before anything is
//! queued.

use crate::support;

use std::time::Duration;

use chrono::Utc;
use mailparse::MailHeaderMap;
use shopinbox::clock::Clock;
use shopinbox::config::{
    Config, ImapConfig, PasswordSource, SaveSent, Security, ServerAuth, SmtpConfig,
};
use shopinbox::mail::attachments::parts;
use shopinbox::send::attachment::OutgoingAttachment;
use shopinbox::send::flow::{self, Draft, SendError, SendResult};
use shopinbox::send::imap::ImapWriteBack;
use shopinbox::store::{ConversationId, Location, NewMessage, Store, View};
use support::{MailServers, ServerOptions, SmtpOptions};

const CUSTOMER_ID: &str = "vase-1@example.com";

struct Fixture {
    servers: MailServers,
    cfg: Config,
    store: Store,
    conv: ConversationId,
    _dir: tempfile::TempDir,
}

fn now() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00")
        .unwrap()
        .into()
}

fn setup(smtp: SmtpOptions) -> Fixture {
    let servers = MailServers::start_with(ServerOptions {
        smtp,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let raw = format!(
        "From: Anna Schmidt <anna@example.com>\r\nTo: Alphx <hello@alphx.shop>\r\n\
         Subject: The vase arrived broken\r\nMessage-ID: <{CUSTOMER_ID}>\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0100\r\n\r\nHi, the vase arrived in pieces.\r\nAnna\r\n"
    )
    .into_bytes();
    let uid = servers.append("INBOX", &raw, &[], None);
    let uidvalidity = servers.uidvalidity("INBOX");
    let auth = || {
        ServerAuth::Password(PasswordSource::Command(format!(
            "printf '%s' '{}'",
            servers.password
        )))
    };
    let mut cfg = Config::demo();
    cfg.smtp = Some(SmtpConfig {
        host: "localhost".into(),
        port: servers.smtps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        auth: auth(),
        ca_file: Some(servers.ca.clone()),
    });
    cfg.imap = Some(ImapConfig {
        host: "localhost".into(),
        port: servers.imaps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        auth: auth(),
        ca_file: Some(servers.ca.clone()),
        sent_folder: None,
        folders: vec![],
        idle: false,
        poll_seconds: 60,
        save_sent: SaveSent::Always,
        mark_read_on_server: true,
    });
    cfg.templates_dir = Some(dir.path().join("templates"));
    let mut store = Store::open(
        &dir.path().join("shopinbox.db"),
        cfg.shop_context(Clock::fixed(now())),
    )
    .unwrap();
    let parsed = shopinbox::mail::parse::parse_message(&raw);
    let received_at = parsed.date.unwrap();
    store
        .ingest(
            vec![NewMessage {
                location: Location::new("INBOX", uidvalidity, uid),
                raw,
                parsed,
                received_at,
                flags: vec![],
            }],
            None,
        )
        .unwrap();
    let conv = store.list(View::All, now(), 0, 10).unwrap()[0].id;
    Fixture {
        servers,
        cfg,
        store,
        conv,
        _dir: dir,
    }
}

fn draft(f: &Fixture) -> Draft {
    let (templates, errors) = flow::load_templates(&f.cfg);
    assert!(errors.is_empty(), "{errors:?}");
    let t = flow::find_template(&templates, "acknowledge").unwrap();
    let msg = flow::message_to_answer(&f.store, f.conv).unwrap();
    flow::draft(&f.cfg, &f.store, &msg, t, now()).unwrap()
}

/// `n` bytes that look like a PDF and do not compress or repeat.
fn pdf(n: usize) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(24);
    let mut v = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    v.extend((v.len()..n).map(|_| rng.u8(..)));
    v
}

fn png() -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.extend((0..150_000).map(|_| rng.u8(..)));
    v
}

fn outbox_rows(f: &Fixture) -> i64 {
    f.store
        .connection()
        .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
        .unwrap()
}

fn send(f: &mut Fixture, id: i64) -> SendResult {
    let delivery = flow::delivery(&f.cfg, None).unwrap();
    let mut wb = ImapWriteBack::from_config(f.cfg.imap.as_ref().unwrap()).unwrap();
    flow::send_one(&mut f.store, &delivery, &mut wb, id, &now).unwrap()
}

#[test]
fn a_pdf_and_a_photo_arrive_intact_threaded_and_in_the_sent_copy() {
    let mut f = setup(SmtpOptions::default());
    let label = pdf(2_000_000);
    let photo = png();
    let mut d = draft(&f);
    d.attachments.push(OutgoingAttachment::new(
        "return-label.pdf",
        "application/pdf",
        label.clone(),
    ));
    d.attachments.push(OutgoingAttachment::new(
        "Fotó der Vase.png",
        "image/png",
        photo.clone(),
    ));
    let (id, composed) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    assert_eq!(send(&mut f, id), SendResult::Sent { problems: vec![] });

    let got = f.servers.wait_smtp_messages(1, Duration::from_secs(20));
    assert_eq!(got.len(), 1);
    let raw = &got[0].1;
    assert_eq!(
        raw, &composed.raw,
        "the server got exactly the outbox's bytes"
    );
    let mail = mailparse::parse_mail(raw).unwrap();
    assert_eq!(mail.ctype.mimetype, "multipart/mixed");
    assert_eq!(
        mail.headers.get_first_value("In-Reply-To").unwrap(),
        format!("<{CUSTOMER_ID}>")
    );
    assert!(mail
        .headers
        .get_first_value("References")
        .unwrap()
        .contains(CUSTOMER_ID));
    assert!(mail.subparts[0].get_body().unwrap().starts_with("Hi Anna"));
    // The non-ASCII name travels RFC 2231-encoded, the ASCII one plain.
    let text = String::from_utf8_lossy(raw);
    assert!(text.contains("*=utf-8''Fot%C3%B3"), "RFC 2231 name");
    assert!(text.contains("filename=\"return-label.pdf\""));
    let check = |raw: &[u8], what: &str| {
        let (p, problems) = parts(raw);
        assert!(problems.is_empty(), "{what}: {problems:?}");
        assert_eq!(p.len(), 2, "{what}");
        assert_eq!(p[0].name, "return-label.pdf");
        assert_eq!(p[0].sniffed, Some("application/pdf"));
        assert!(p[0].bytes == label, "{what}: the PDF's bytes differ");
        assert_eq!(p[1].name, "Fotó der Vase.png");
        assert_eq!(p[1].mime, "image/png");
        assert!(p[1].bytes == photo, "{what}: the photo's bytes differ");
    };
    check(raw, "delivered");

    // The server's Sent folder holds the same message with both files.
    let mut imap = f.servers.client();
    imap.select("Sent").unwrap();
    let found = imap
        .uid_search(format!("HEADER Message-ID <{}>", composed.message_id))
        .unwrap();
    assert_eq!(found.len(), 1, "one Sent copy");
    let uid = found.into_iter().next().unwrap();
    let fetched = imap.uid_fetch(&uid.to_string(), "BODY.PEEK[]").unwrap();
    let copy = fetched.into_iter().next().and_then(|m| m.body).unwrap();
    let _ = imap.logout();
    check(&copy, "Sent copy");

    // The conversation is answered and threads the reply with the customer's message.
    let msgs = f.store.conversation_messages(f.conv).unwrap();
    assert!(
        msgs.iter().any(|m| m.is_shop && m.attachments.len() == 2),
        "{msgs:?}"
    );
}

#[test]
fn over_the_limit_is_refused_before_anything_is_queued() {
    // The sink announces SIZE 3 MB; the config allows 20 MB.
    let mut f = setup(SmtpOptions {
        size_limit: Some(3_000_000),
        ..Default::default()
    });
    // A first reply of 2 MB goes out, and the worker learns the server's SIZE.
    let mut d = draft(&f);
    d.attachments.push(OutgoingAttachment::new(
        "label.pdf",
        "application/pdf",
        pdf(2_000_000),
    ));
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    assert_eq!(send(&mut f, id), SendResult::Sent { problems: vec![] });
    assert_eq!(f.store.smtp_size_limit().unwrap(), Some(3_000_000));
    assert_eq!(outbox_rows(&f), 1);

    // 4 MB of files: over the server's SIZE, refused, nothing queued.
    let mut big = draft(&f);
    big.attachments.push(OutgoingAttachment::new(
        "catalogue.pdf",
        "application/pdf",
        pdf(4_000_000),
    ));
    match flow::enqueue(&f.cfg, &f.store, &big, now()) {
        Err(SendError::TooLarge(why)) => assert!(why.contains("SMTP SIZE"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(outbox_rows(&f), 1, "nothing was queued");

    // The config's own limit refuses too, with its key named.
    f.cfg.attachments.max_send_bytes = 1_000_000;
    match flow::enqueue(&f.cfg, &f.store, &d, now()) {
        Err(SendError::TooLarge(why)) => assert!(why.contains("max_send_mb"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(outbox_rows(&f), 1, "nothing was queued");
    assert_eq!(f.servers.smtp_messages().len(), 1);
}

#[test]
fn a_reply_held_for_undo_keeps_its_files_and_resends_them() {
    let mut f = setup(SmtpOptions::default());
    let label = pdf(300_000);
    let mut d = draft(&f);
    d.attachments.push(OutgoingAttachment::new(
        "return-label.pdf",
        "application/pdf",
        label.clone(),
    ));
    // Held for the undo window, then taken back: the draft still carries the file.
    let later = now() + chrono::Duration::seconds(10);
    let (held, _) = flow::enqueue_held(&f.cfg, &f.store, &d, now(), Some(later)).unwrap();
    shopinbox::send::outbox::cancel_queued(f.store.connection(), held).unwrap();
    assert_eq!(outbox_rows(&f), 0);
    assert_eq!(d.attachments.len(), 1);
    // Queued again and sent: the file is the same.
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    // The outbox's copy carries the bytes (not a path).
    let stored = shopinbox::send::outbox::raw(f.store.connection(), id)
        .unwrap()
        .unwrap();
    assert!(parts(&stored).0[0].bytes == label);
    assert_eq!(send(&mut f, id), SendResult::Sent { problems: vec![] });
    let got = f.servers.wait_smtp_messages(1, Duration::from_secs(20));
    assert!(parts(&got[0].1).0[0].bytes == label);
}
