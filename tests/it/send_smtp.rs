//! Replies against a real SMTP server (the aiosmtpd sink) and Dovecot, both on 127.0.0.1,
//! started per test by tests/support.

use crate::support;

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use mailparse::MailHeaderMap;
use shopinbox::clock::Clock;
use shopinbox::config::{
    Config, ImapConfig, PasswordSource, SaveSent, Security, ServerAuth, SmtpConfig,
};
use shopinbox::send::flow::{self, Draft, SendResult, WriteBack};
use shopinbox::send::imap::ImapWriteBack;
use shopinbox::send::outbox::{self, OutboxState};
use shopinbox::store::{ConversationId, Location, NewMessage, Store, View};
use support::{MailServers, ServerOptions, SmtpOptions};

const CUSTOMER_ID: &str = "cust-1@example.com";

struct Fixture {
    servers: MailServers,
    cfg: Config,
    store: Store,
    conv: ConversationId,
    inbox_uid: u32,
    _dir: tempfile::TempDir,
}

fn customer_mail(from: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\n\
         To: Alphx <hello@alphx.shop>\r\n\
         Subject: RE: Where is my order #1042?\r\n\
         Message-ID: <{CUSTOMER_ID}>\r\n\
         References: <earlier@example.com>\r\n\
         Date: Mon, 23 Nov 2026 09:00:00 +0100\r\n\
         Bcc: secret-list@example.com\r\n\
         \r\n\
         Hi, my package never arrived.\r\n\
         .\r\n\
         John\r\n"
    )
    .into_bytes()
}

/// The tests' fixed "now": Tuesday 24 November 2026, 10:00 in Berlin, the day after the
/// customer wrote.
fn now() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00")
        .unwrap()
        .into()
}

fn setup(smtp: SmtpOptions, from: &str) -> Fixture {
    setup_in(smtp, from, "INBOX")
}

/// The customer's message is in `folder` on the server and in the store.
fn setup_in(smtp: SmtpOptions, from: &str, folder: &str) -> Fixture {
    let servers = MailServers::start_with(ServerOptions {
        smtp,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let raw = customer_mail(from);
    if folder != "INBOX" {
        servers.create_mailbox(folder);
    }
    let inbox_uid = servers.append(folder, &raw, &[], None);
    let uidvalidity = servers.uidvalidity(folder);

    let mut cfg = Config::demo();
    cfg.smtp = Some(SmtpConfig {
        host: "localhost".into(),
        port: servers.smtps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        auth: ServerAuth::Password(PasswordSource::Command(format!(
            "printf '%s' '{}'",
            servers.password
        ))),
        ca_file: Some(servers.ca.clone()),
    });
    cfg.imap = Some(ImapConfig {
        host: "localhost".into(),
        port: servers.imaps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        auth: ServerAuth::Password(PasswordSource::Command(format!(
            "printf '%s' '{}'",
            servers.password
        ))),
        ca_file: Some(servers.ca.clone()),
        sent_folder: None,
        folders: vec![],
        idle: false,
        poll_seconds: 60,
        // Dovecot keeps no Sent copy of its own: most tests here want the copy at once.
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
                location: Location::new(folder, uidvalidity, inbox_uid),
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
        inbox_uid,
        _dir: dir,
    }
}

fn draft(f: &Fixture, template: &str) -> Draft {
    let (templates, errors) = flow::load_templates(&f.cfg);
    assert!(errors.is_empty(), "{errors:?}");
    let t = flow::find_template(&templates, template).unwrap();
    let msg = flow::message_to_answer(&f.store, f.conv).unwrap();
    flow::draft(&f.cfg, &f.store, &msg, t, now()).unwrap()
}

fn write_back(f: &Fixture) -> ImapWriteBack {
    ImapWriteBack::from_config(f.cfg.imap.as_ref().unwrap()).unwrap()
}

use shopinbox::send::flow::NoWriteBack as NoImap;

fn send(f: &mut Fixture, id: i64, wb: &mut dyn WriteBack) -> SendResult {
    let delivery = flow::delivery(&f.cfg, None).unwrap();
    flow::send_one(&mut f.store, &delivery, wb, id, &now).unwrap()
}

fn state(f: &Fixture, id: i64) -> OutboxState {
    outbox::get(f.store.connection(), id)
        .unwrap()
        .unwrap()
        .state
}

fn received(f: &Fixture, n: usize) -> Vec<(serde_json::Value, Vec<u8>)> {
    f.servers.wait_smtp_messages(n, Duration::from_secs(10))
}

fn header(raw: &[u8], name: &str) -> Option<String> {
    mailparse::parse_mail(raw)
        .unwrap()
        .headers
        .get_first_value(name)
}

fn body(raw: &[u8]) -> String {
    mailparse::parse_mail(raw)
        .unwrap()
        .get_body()
        .unwrap()
        .replace("\r\n", "\n")
}

#[test]
fn reply_arrives_threaded_personalized_and_is_written_back() {
    let mut f = setup(
        SmtpOptions::default(),
        "\"Smith, John\" <john.smith@example.com>",
    );
    let d = draft(&f, "missing-package");
    let (id, composed) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    assert_eq!(state(&f, id), OutboxState::Queued);
    let mut wb = write_back(&f);
    let result = send(&mut f, id, &mut wb);
    assert_eq!(result, SendResult::Sent { problems: vec![] });
    assert_eq!(state(&f, id), OutboxState::Sent);

    let got = received(&f, 1);
    assert_eq!(got.len(), 1);
    let (env, raw) = &got[0];
    assert_eq!(env["mail_from"], "hello@alphx.shop");
    assert_eq!(
        env["rcpt_tos"],
        serde_json::json!(["john.smith@example.com"])
    );
    assert_eq!(env["auth_user"], "test");
    assert_eq!(env["tls"], true);
    assert_eq!(
        raw, &composed.raw,
        "the server got exactly the stored bytes"
    );

    assert_eq!(
        header(raw, "Subject").unwrap(),
        "Re: Where is my order #1042?"
    );
    assert_eq!(
        header(raw, "In-Reply-To").unwrap(),
        format!("<{CUSTOMER_ID}>")
    );
    let refs = header(raw, "References").unwrap();
    assert_eq!(
        refs.split_whitespace().collect::<Vec<_>>(),
        ["<earlier@example.com>", &format!("<{CUSTOMER_ID}>")]
    );
    assert!(header(raw, "Message-ID").unwrap().ends_with("@alphx.shop>"));
    assert!(header(raw, "From").unwrap().contains("<hello@alphx.shop>"));
    assert!(header(raw, "To")
        .unwrap()
        .contains("<john.smith@example.com>"));
    assert!(header(raw, "Bcc").is_none());
    assert!(
        !String::from_utf8_lossy(raw).contains("secret-list"),
        "no Bcc leak"
    );
    let text = body(raw);
    assert!(text.starts_with("Hi John,\n"), "{text}");
    assert!(text.contains("#1042"));
    // The discount comes from the config's [offers], never made up.
    assert!(
        text.contains("15% off your next order with the code THANKYOU15"),
        "{text}"
    );
    assert!(text.contains("Tom\nAlphx"));
    assert!(
        text.contains("wrote:\n> Hi, my package never arrived.\n> .\n> John\n"),
        "{text}"
    );

    // Answered at once, follow-up set from the template (2 business days).
    let c = f.store.conversation(f.conv).unwrap().unwrap();
    assert!(c.pending_since.is_none(), "{c:?}");
    assert_eq!(c.follow_up_at, d.follow_up_at);
    assert!(c.follow_up_at.is_some());

    // The server has the Sent copy and \Answered + \Seen on the customer's message.
    let inbox = f.servers.server_flags("INBOX");
    assert!(
        inbox[&f.inbox_uid].iter().any(|x| x == "\\Answered"),
        "{inbox:?}"
    );
    assert!(
        inbox[&f.inbox_uid].iter().any(|x| x == "\\Seen"),
        "a reply also marks the customer's message read: {inbox:?}"
    );
    let mut imap = f.servers.client();
    imap.select("Sent").unwrap();
    let found = imap
        .uid_search(format!("HEADER Message-ID <{}>", composed.message_id))
        .unwrap();
    assert_eq!(found.len(), 1, "one Sent copy");
    let _ = imap.logout();

    // Sending the same entry again does nothing.
    assert_eq!(send(&mut f, id, &mut NoImap), SendResult::Skipped);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(f.servers.smtp_messages().len(), 1);
}

#[test]
fn starttls_submission_port_works() {
    let mut f = setup(
        SmtpOptions {
            require_auth: true,
            ..Default::default()
        },
        "John Smith <john.smith@example.com>",
    );
    if let Some(s) = f.cfg.smtp.as_mut() {
        s.port = f.servers.smtp_port;
        s.security = Security::StartTls;
    }
    let d = draft(&f, "acknowledge");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    assert_eq!(
        send(&mut f, id, &mut NoImap),
        SendResult::Sent { problems: vec![] }
    );
    let got = received(&f, 1);
    assert_eq!(got[0].0["tls"], true);
    assert_eq!(got[0].0["auth_user"], "test");
}

#[test]
fn lines_starting_with_a_dot_survive_the_wire() {
    let mut f = setup(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
    );
    let mut d = draft(&f, "plain");
    d.text = "Hi John,\n.\n..two dots\n.hidden\n. space\nend\n".into();
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    assert_eq!(
        send(&mut f, id, &mut NoImap),
        SendResult::Sent { problems: vec![] }
    );
    let got = received(&f, 1);
    assert_eq!(body(&got[0].1), d.text);
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn server_down_fails_then_sends_exactly_once_on_retry() {
    let mut f = setup(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
    );
    let real_port = f.servers.smtps_port;
    if let Some(s) = f.cfg.smtp.as_mut() {
        s.port = closed_port();
    }
    let d = draft(&f, "acknowledge");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    match send(&mut f, id, &mut NoImap) {
        SendResult::Failed { error, retry_at } => {
            assert!(error.contains("connect"), "{error}");
            assert!(retry_at.is_some(), "a down server is retried automatically");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(state(&f, id), OutboxState::Failed);
    assert!(outbox::due(f.store.connection(), now()).unwrap().is_empty());
    let later = now() + chrono::Duration::minutes(2);
    assert_eq!(outbox::due(f.store.connection(), later).unwrap(), vec![id]);

    if let Some(s) = f.cfg.smtp.as_mut() {
        s.port = real_port;
    }
    assert_eq!(
        send(&mut f, id, &mut NoImap),
        SendResult::Sent { problems: vec![] }
    );
    assert_eq!(send(&mut f, id, &mut NoImap), SendResult::Skipped);
    let e = outbox::get(f.store.connection(), id).unwrap().unwrap();
    assert_eq!((e.state, e.attempts), (OutboxState::Sent, 2));
    received(&f, 1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(f.servers.smtp_messages().len(), 1, "sent exactly once");
}

#[test]
fn rejected_login_is_a_clear_error_and_the_reply_stays() {
    let mut f = setup(
        SmtpOptions {
            require_auth: true,
            reject_auth: true,
            ..Default::default()
        },
        "John Smith <john.smith@example.com>",
    );
    let d = draft(&f, "acknowledge");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    match send(&mut f, id, &mut NoImap) {
        SendResult::Failed { error, retry_at } => {
            assert!(error.contains("refused to log in"), "{error}");
            assert!(error.contains("535"), "{error}");
            assert!(error.contains("[smtp] username"), "{error}");
            assert_eq!(retry_at, None, "a wrong password is not retried on its own");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(state(&f, id), OutboxState::Failed);
    assert!(
        outbox::due(f.store.connection(), now() + chrono::Duration::days(1))
            .unwrap()
            .is_empty()
    );
    assert!(f.servers.smtp_messages().is_empty());
    // The conversation still needs a reply.
    let c = f.store.conversation(f.conv).unwrap().unwrap();
    assert!(c.pending_since.is_some());
}

#[test]
fn dropped_after_data_is_uncertain_and_not_resent() {
    let mut f = setup(
        SmtpOptions {
            drop_after_data: 1,
            ..Default::default()
        },
        "John Smith <john.smith@example.com>",
    );
    let d = draft(&f, "acknowledge");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    match send(&mut f, id, &mut NoImap) {
        SendResult::Uncertain { error } => {
            assert!(error.contains("may have been delivered"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(state(&f, id), OutboxState::Uncertain);
    let far = now() + chrono::Duration::days(30);
    assert!(outbox::due(f.store.connection(), far).unwrap().is_empty());
    assert_eq!(send(&mut f, id, &mut NoImap), SendResult::Skipped);
    std::thread::sleep(Duration::from_millis(300));
    assert!(f.servers.smtp_messages().is_empty());

    // The owner decides to resend.
    outbox::resend_uncertain(f.store.connection(), id, now()).unwrap();
    assert_eq!(
        send(&mut f, id, &mut NoImap),
        SendResult::Sent { problems: vec![] }
    );
    assert_eq!(received(&f, 1).len(), 1);
}

#[test]
fn hostile_display_name_gives_a_clean_header() {
    // Encoded-words that decode to CR/LF, an escape sequence and a fake Bcc header.
    let from =
        "=?utf-8?b?Sm9obg0KQmNjOiB2aWN0aW1AZXhhbXBsZS5jb20bWzMxbQ==?= <john.smith@example.com>";
    let mut f = setup(SmtpOptions::default(), from);
    let d = draft(&f, "plain");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    assert_eq!(
        send(&mut f, id, &mut NoImap),
        SendResult::Sent { problems: vec![] }
    );
    let got = received(&f, 1);
    let (env, raw) = &got[0];
    assert_eq!(
        env["rcpt_tos"],
        serde_json::json!(["john.smith@example.com"])
    );
    let parsed = mailparse::parse_mail(raw).unwrap();
    assert!(parsed.headers.get_first_value("Bcc").is_none());
    for h in &parsed.headers {
        let v = h.get_value();
        assert!(!v.chars().any(|c| c.is_control()), "{}: {v:?}", h.get_key());
    }
}

#[test]
fn plaintext_only_to_loopback() {
    let mut f = setup(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
    );
    if let Some(s) = f.cfg.smtp.as_mut() {
        s.port = f.servers.smtp_port;
        s.security = Security::None;
        s.username = String::new();
        s.host = "127.0.0.1".into();
    }
    let d = draft(&f, "plain");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    assert_eq!(
        send(&mut f, id, &mut NoImap),
        SendResult::Sent { problems: vec![] }
    );
    assert_eq!(received(&f, 1)[0].0["tls"], false);

    let settings = match flow::delivery(&f.cfg, None).unwrap() {
        shopinbox::send::smtp::Delivery::Smtp(mut s) => {
            s.host = "mail.example.com".into();
            s
        }
        other => panic!("{other:?}"),
    };
    let err = shopinbox::send::smtp::deliver(
        &shopinbox::send::smtp::Delivery::Smtp(settings),
        "hello@alphx.shop",
        "john@example.com",
        b"Subject: x\r\n\r\nx\r\n",
    )
    .unwrap_err();
    assert!(
        err.message().contains("refusing to send mail unencrypted"),
        "{err:?}"
    );
}

#[test]
fn worker_sends_and_reports() {
    let f = setup(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
    );
    let d = draft(&f, "acknowledge");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    let (tx, rx) =
        shopinbox::send::worker::spawn_send_worker(shopinbox::send::worker::WorkerSetup {
            store_path: f._dir.path().join("shopinbox.db"),
            shop: f.cfg.shop_context(Clock::fixed(now())),
            delivery: flow::delivery(&f.cfg, None).unwrap(),
            write_back: Box::new(NoImap),
        });
    // The worker sends what is queued at start; the explicit command is then a no-op.
    tx.send(shopinbox::send::worker::SendCommand::Send(id))
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut sent = false;
    while std::time::Instant::now() < deadline && !sent {
        if let Ok(shopinbox::send::worker::SendEvent::Sent { id: got, problems }) =
            rx.recv_timeout(Duration::from_millis(200))
        {
            assert_eq!((got, problems), (id, vec![]));
            sent = true;
        }
    }
    assert!(sent);
    tx.send(shopinbox::send::worker::SendCommand::Shutdown)
        .unwrap();
    assert_eq!(received(&f, 1).len(), 1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(f.servers.smtp_messages().len(), 1);
}

#[test]
fn demo_mode_writes_eml_files() {
    let mut f = setup(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
    );
    let out: PathBuf = f._dir.path().join("outbox");
    let text = shopinbox::send::cli::reply_cli(
        &f.cfg.clone(),
        &mut f.store,
        shopinbox::send::cli::ReplyArgs {
            conversation: f.conv,
            template: "acknowledge",
            send: true,
            raw: false,
            demo_dir: Some(&out),
            attach: &[],
        },
        &mut NoImap,
        now(),
    )
    .unwrap();
    assert!(text.contains("sent."), "{text}");
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), 1);
    let raw = std::fs::read(files[0].path()).unwrap();
    assert!(body(&raw).starts_with("Hi John,"));
    assert!(f.servers.smtp_messages().is_empty());
}

/// How many copies of `message_id` the server's Sent folder holds.
fn sent_copies(f: &Fixture, message_id: &str) -> usize {
    let mut imap = f.servers.client();
    imap.select("Sent").unwrap();
    let found = imap
        .uid_search(format!("HEADER Message-ID <{message_id}>"))
        .unwrap();
    let _ = imap.logout();
    found.len()
}

fn has_answered(f: &Fixture, folder: &str, uid: u32) -> bool {
    f.servers
        .server_flags(folder)
        .get(&uid)
        .is_some_and(|flags| flags.iter().any(|x| x == "\\Answered"))
}

fn pending_jobs(f: &Fixture) -> u64 {
    shopinbox::sync::jobs::pending_count(f.store.connection()).unwrap()
}

fn account(f: &Fixture) -> shopinbox::sync::ImapAccount {
    shopinbox::sync::ImapAccount::from_config(f.cfg.imap.as_ref().unwrap()).unwrap()
}

/// Every pending job, back-off or not (as `shopinbox sync` runs them).
fn run_jobs(f: &Fixture) -> shopinbox::sync::JobsReport {
    shopinbox::sync::run_jobs(
        &account(f),
        f.store.connection(),
        shopinbox::sync::jobs::Select::default(),
        now(),
    )
}

#[test]
fn imap_down_at_send_time_leaves_jobs_that_the_next_sync_completes_exactly_once() {
    let mut f = setup(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
    );
    let d = draft(&f, "acknowledge");
    let (id, composed) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    let mut wb = write_back(&f);
    f.servers.stop();
    match send(&mut f, id, &mut wb) {
        SendResult::Sent { problems } => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(
                problems[0].contains("next sync tries again"),
                "{problems:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(state(&f, id), OutboxState::Sent);
    assert_eq!(pending_jobs(&f), 2, "the Sent copy and \\Answered wait");
    let c = f.store.conversation(f.conv).unwrap().unwrap();
    assert!(c.pending_since.is_none(), "answered locally at once");

    // The server is back; the sync's write-back pass does the jobs.
    f.servers.restart();
    let report = run_jobs(&f);
    assert_eq!((report.done, report.waiting), (2, 0), "{report:?}");
    assert_eq!(pending_jobs(&f), 0);
    assert_eq!(sent_copies(&f, &composed.message_id), 1);
    assert!(has_answered(&f, "INBOX", f.inbox_uid));

    // A run cut short after the APPEND but before recording it: the retry finds the copy
    // by its Message-ID and makes no second one.
    f.store
        .connection()
        .execute("UPDATE writeback_jobs SET done_at = NULL", [])
        .unwrap();
    let report = run_jobs(&f);
    assert_eq!(report.done, 2, "{report:?}");
    assert_eq!(sent_copies(&f, &composed.message_id), 1, "still one copy");
    assert!(has_answered(&f, "INBOX", f.inbox_uid));
    assert_eq!(received(&f, 1).len(), 1);
}

#[test]
fn answered_never_lands_on_another_customers_message_after_the_folder_was_recreated() {
    let mut f = setup_in(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
        "Support",
    );
    let old_validity = f.servers.uidvalidity("Support");
    let d = draft(&f, "acknowledge");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();

    // Another client recreates the folder: a different customer's message now has the UID
    // the store saved for John's, under a new UIDVALIDITY.
    f.servers.delete_mailbox("Support");
    f.servers.create_mailbox("Support");
    let other = b"From: Ann Other <ann@example.net>\r\nTo: hello@alphx.shop\r\n\
Subject: Invoice please\r\nMessage-ID: <ann-1@example.net>\r\n\
Date: Mon, 23 Nov 2026 11:00:00 +0100\r\n\r\nCould I get an invoice?\r\n";
    let ann_uid = f.servers.append("Support", other, &[], None);
    assert_eq!(ann_uid, f.inbox_uid, "the saved UID is now Ann's message");
    assert_ne!(f.servers.uidvalidity("Support"), old_validity);

    // John's message is not in the new folder (yet): nothing is flagged, the job waits.
    let mut wb = write_back(&f);
    match send(&mut f, id, &mut wb) {
        SendResult::Sent { .. } => {}
        other => panic!("{other:?}"),
    }
    assert!(
        !has_answered(&f, "Support", ann_uid),
        "Ann's message untouched"
    );
    assert_eq!(pending_jobs(&f), 1, "the flag job waits for John's message");

    // John's message comes back (moved in again): found by its Message-ID, it gets the flag.
    let john_uid = f.servers.append(
        "Support",
        &customer_mail("John Smith <john.smith@example.com>"),
        &[],
        None,
    );
    let report = run_jobs(&f);
    assert_eq!((report.done, report.waiting), (1, 0), "{report:?}");
    assert!(has_answered(&f, "Support", john_uid));
    assert!(!has_answered(&f, "Support", ann_uid), "still not Ann's");
}

#[test]
fn mark_sent_answers_the_conversation_like_a_delivered_send() {
    let mut f = setup(
        SmtpOptions {
            drop_after_data: 1,
            ..Default::default()
        },
        "John Smith <john.smith@example.com>",
    );
    let d = draft(&f, "missing-package");
    let (id, composed) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    let mut wb = write_back(&f);
    assert!(matches!(
        send(&mut f, id, &mut wb),
        SendResult::Uncertain { .. }
    ));
    assert_eq!(state(&f, id), OutboxState::Uncertain);
    let c = f.store.conversation(f.conv).unwrap().unwrap();
    assert!(c.pending_since.is_some(), "not answered while uncertain");
    assert_eq!(pending_jobs(&f), 0);

    // The owner checked: it did arrive.
    let cfg = f.cfg.clone();
    let out = shopinbox::send::cli::outbox_cli(
        &cfg,
        &mut f.store,
        shopinbox::send::cli::OutboxCommand::MarkSent(id),
        None,
        &mut wb,
        now(),
    )
    .unwrap();
    assert_eq!(out, format!("Reply {id} marked as sent.\n"));
    assert_eq!(state(&f, id), OutboxState::Sent);
    let c = f.store.conversation(f.conv).unwrap().unwrap();
    assert!(
        c.pending_since.is_none(),
        "answered, as after a send: {c:?}"
    );
    assert!(c.follow_up_at.is_some());
    assert_eq!(c.follow_up_at, d.follow_up_at);
    // Its local copy is in the conversation, and the server got the write-back.
    let msgs = f.store.conversation_messages(f.conv).unwrap();
    assert!(msgs
        .iter()
        .any(|m| m.is_shop && m.message_id.as_deref() == Some(composed.message_id.as_str())));
    assert_eq!(pending_jobs(&f), 0);
    assert_eq!(sent_copies(&f, &composed.message_id), 1);
    assert!(has_answered(&f, "INBOX", f.inbox_uid));
}

#[test]
fn the_sync_worker_finishes_write_back_once_its_backoff_has_passed() {
    let mut f = setup(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
    );
    let d = draft(&f, "acknowledge");
    let (id, composed) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    let mut wb = write_back(&f);
    f.servers.stop();
    assert!(matches!(send(&mut f, id, &mut wb), SendResult::Sent { .. }));
    assert_eq!(pending_jobs(&f), 2);
    f.servers.restart();

    // One pass of the inbox's background sync at `at`.
    let worker_pass = |at: chrono::DateTime<Utc>| {
        let (tx, rx) = shopinbox::sync::spawn_worker(
            account(&f),
            f._dir.path().join("shopinbox.db"),
            f.cfg.shop_context(Clock::fixed(at)),
            shopinbox::sync::WorkerOptions {
                idle: false,
                ..Default::default()
            },
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(shopinbox::sync::SyncEvent::Finished(_)) => break,
                Ok(shopinbox::sync::SyncEvent::Failed(e)) => panic!("{e}"),
                _ => assert!(std::time::Instant::now() < deadline, "no sync pass"),
            }
        }
        tx.send(shopinbox::sync::SyncCommand::Shutdown).unwrap();
    };
    // Still within the back-off (one minute after the failed attempt): the jobs wait.
    worker_pass(now());
    assert_eq!(pending_jobs(&f), 2);
    assert_eq!(sent_copies(&f, &composed.message_id), 0);
    // Two minutes later the pass runs them.
    worker_pass(now() + chrono::Duration::minutes(2));
    assert_eq!(pending_jobs(&f), 0);
    assert_eq!(sent_copies(&f, &composed.message_id), 1);
    assert!(has_answered(&f, "INBOX", f.inbox_uid));
}

fn has_seen(f: &Fixture, folder: &str, uid: u32) -> bool {
    f.servers
        .server_flags(folder)
        .get(&uid)
        .is_some_and(|flags| flags.iter().any(|x| x == "\\Seen"))
}

/// The fixture with `[imap] save_sent` set.
fn setup_save_sent(save_sent: SaveSent) -> Fixture {
    let mut f = setup(
        SmtpOptions::default(),
        "John Smith <john.smith@example.com>",
    );
    f.cfg.imap.as_mut().unwrap().save_sent = save_sent;
    f
}

/// Sends one reply with the fixture's config; returns its Message-ID.
fn send_reply(f: &mut Fixture) -> String {
    let d = draft(f, "acknowledge");
    let (id, composed) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    let mut wb = write_back(f);
    assert_eq!(send(f, id, &mut wb), SendResult::Sent { problems: vec![] });
    assert_eq!(received(f, 1).len(), 1);
    composed.message_id
}

/// `shopinbox sync`'s write-back pass at `at`.
fn run_jobs_at(f: &Fixture, at: chrono::DateTime<Utc>) -> shopinbox::sync::JobsReport {
    shopinbox::sync::run_jobs(
        &account(f),
        f.store.connection(),
        shopinbox::sync::jobs::Select::waited(at),
        at,
    )
}

#[test]
fn save_sent_auto_leaves_the_providers_own_copy_alone() {
    let mut f = setup_save_sent(SaveSent::Auto);
    let message_id = send_reply(&mut f);
    // Right after the send only the flags went out; the Sent copy waits for the provider's.
    assert_eq!(sent_copies(&f, &message_id), 0);
    assert_eq!(pending_jobs(&f), 1, "the Sent copy job waits");
    assert!(has_answered(&f, "INBOX", f.inbox_uid));
    assert!(has_seen(&f, "INBOX", f.inbox_uid));
    // A `shopinbox sync` within the wait leaves it queued.
    let report = run_jobs_at(&f, now() + chrono::Duration::seconds(30));
    assert_eq!((report.done, report.waiting), (0, 0), "{report:?}");
    assert_eq!(pending_jobs(&f), 1);

    // The provider files its own copy, as Gmail does.
    let smtp_copy = received(&f, 1).remove(0).1;
    f.servers.append("Sent", &smtp_copy, &["\\Seen"], None);
    assert_eq!(sent_copies(&f, &message_id), 1);

    let report = run_jobs_at(&f, now() + chrono::Duration::minutes(2));
    assert_eq!((report.done, report.waiting), (1, 0), "{report:?}");
    assert_eq!(pending_jobs(&f), 0);
    assert_eq!(sent_copies(&f, &message_id), 1, "exactly one copy");
}

#[test]
fn save_sent_auto_appends_the_missing_copy_after_the_wait() {
    let mut f = setup_save_sent(SaveSent::Auto);
    let message_id = send_reply(&mut f);
    assert_eq!(sent_copies(&f, &message_id), 0);
    assert_eq!(pending_jobs(&f), 1);
    // The inbox's sync worker, before the wait is over, and after it.
    let worker = |at: chrono::DateTime<Utc>| {
        shopinbox::sync::run_jobs(
            &account(&f),
            f.store.connection(),
            shopinbox::sync::jobs::Select {
                due_by: Some(at),
                ..Default::default()
            },
            at,
        )
    };
    assert_eq!(worker(now() + chrono::Duration::minutes(1)).done, 0);
    assert_eq!(sent_copies(&f, &message_id), 0);
    let report = worker(now() + chrono::Duration::minutes(2));
    assert_eq!((report.done, report.waiting), (1, 0), "{report:?}");
    assert_eq!(sent_copies(&f, &message_id), 1, "the missing copy is saved");
    assert_eq!(pending_jobs(&f), 0);
    // Once done, nothing more is ever appended.
    assert_eq!(run_jobs_at(&f, now() + chrono::Duration::hours(1)).done, 0);
    assert_eq!(sent_copies(&f, &message_id), 1);
}

#[test]
fn save_sent_never_queues_no_sent_copy() {
    let mut f = setup_save_sent(SaveSent::Never);
    let message_id = send_reply(&mut f);
    let kinds: Vec<String> = f
        .store
        .connection()
        .prepare("SELECT kind FROM writeback_jobs")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kinds, ["flags"], "no Sent copy job at all");
    assert_eq!(pending_jobs(&f), 0);
    assert_eq!(run_jobs_at(&f, now() + chrono::Duration::hours(1)).done, 0);
    assert_eq!(sent_copies(&f, &message_id), 0);
    assert!(has_answered(&f, "INBOX", f.inbox_uid));
    assert!(has_seen(&f, "INBOX", f.inbox_uid));
}

#[test]
fn save_sent_always_appends_one_copy_at_once() {
    let mut f = setup_save_sent(SaveSent::Always);
    let message_id = send_reply(&mut f);
    assert_eq!(pending_jobs(&f), 0);
    assert_eq!(sent_copies(&f, &message_id), 1);
    // A rerun (a cut-short run recorded nothing) finds it and appends no second one.
    f.store
        .connection()
        .execute("UPDATE writeback_jobs SET done_at = NULL", [])
        .unwrap();
    assert_eq!(run_jobs_at(&f, now()).done, 2);
    assert_eq!(sent_copies(&f, &message_id), 1);
}

#[test]
fn a_reply_leaves_the_customers_message_seen_and_answered() {
    let mut f = setup_save_sent(SaveSent::Always);
    assert!(!has_seen(&f, "INBOX", f.inbox_uid));
    send_reply(&mut f);
    let flags = &f.servers.server_flags("INBOX")[&f.inbox_uid];
    assert!(flags.iter().any(|x| x == "\\Seen"), "{flags:?}");
    assert!(flags.iter().any(|x| x == "\\Answered"), "{flags:?}");
}

/// Issue 20: a delivery report that arrives in the same second as the reply it reports, and is
/// synced in the same pass as the reply's Sent copy, brings the conversation back with the
/// bounce warning (it used to be lost: the reply counted as an answer given after it).
#[test]
fn a_bounce_in_the_same_second_as_the_reply_reopens_the_conversation() {
    let mut f = setup(SmtpOptions::default(), "John Smith <john@example.com>");
    let d = draft(&f, "missing-package");
    let (id, _) = flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap();
    let mut wb = write_back(&f);
    assert_eq!(
        send(&mut f, id, &mut wb),
        SendResult::Sent { problems: vec![] }
    );
    let got = received(&f, 1);
    let reply_id = header(&got[0].1, "Message-ID").unwrap();
    let reply_id = reply_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    assert_eq!(sent_copies(&f, reply_id), 1);
    assert!(f
        .store
        .list(View::NeedsReply, now(), 0, 10)
        .unwrap()
        .is_empty());

    // The provider's report, delivered at once: same second as the reply went out.
    let dsn = format!(
        "Return-Path: <>\r\nFrom: Mail Delivery System <MAILER-DAEMON@mx.alphx.shop>\r\n\
         To: hello@alphx.shop\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Message-ID: <dsn-1@mx.alphx.shop>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.alphx.shop\r\n\r\n\
         Final-Recipient: rfc822; john@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: hello@alphx.shop\r\n\
         To: john@example.com\r\nSubject: Re: Where is my order #1042?\r\nMessage-ID: <{reply_id}>\r\n\r\n\
         --B--\r\n"
    );
    f.servers
        .append("INBOX", dsn.as_bytes(), &[], Some(now().fixed_offset()));

    // One pass syncs both INBOX (the report) and Sent (the reply's copy).
    let account = account(&f);
    let mut summary_folders = Vec::new();
    shopinbox::sync::sync_store(
        &account,
        &mut f.store,
        &shopinbox::sync::SyncOptions::default(),
        &mut |e| {
            if let shopinbox::sync::SyncEvent::FolderDone { folder, new, .. } = e {
                summary_folders.push((folder, new));
            }
        },
    )
    .unwrap();
    assert!(
        summary_folders.iter().any(|(f, n)| f == "INBOX" && *n >= 1)
            && summary_folders.iter().any(|(f, n)| f == "Sent" && *n >= 1),
        "{summary_folders:?}"
    );
    let rows = f.store.list(View::NeedsReply, now(), 0, 10).unwrap();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].id, f.conv);
    assert_eq!(rows[0].flags[0].kind, shopinbox::store::FlagKind::Bounced);
    assert!(
        rows[0].flags[0]
            .reason
            .starts_with("your reply to john@example.com bounced: address does not exist"),
        "{}",
        rows[0].flags[0].reason
    );
}
