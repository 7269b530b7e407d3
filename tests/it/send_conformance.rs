//! Replies that every SMTP server accepts (issue 13 items 1–5), against the real aiosmtpd sink:
//! absurd headers are folded and capped, timeouts are named as timeouts, and TLS or login
//! failures are permanent, clearly worded and make the command exit with code 3.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use shopinbox::clock::Clock;
use shopinbox::config::{Config, PasswordSource, Security, SmtpConfig};
use shopinbox::send::flow::{self, NoWriteBack, SendResult};
use shopinbox::send::outbox::{self, OutboxState};
use shopinbox::send::smtp::{Delivery, SmtpTimeouts};
use shopinbox::store::{ConversationId, Location, NewMessage, Store, View};
use support::{MailServers, ServerOptions, SinkCert, SmtpOptions};

fn now() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00")
        .unwrap()
        .into()
}

fn mail(from: &str, subject: &str, id: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: Alphx <hello@alphx.shop>\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\n\r\nHi, where is it?\r\n"
    )
    .into_bytes()
}

struct Fixture {
    servers: MailServers,
    cfg: Config,
    store: Store,
    _dir: tempfile::TempDir,
}

fn smtp_config(servers: &MailServers) -> SmtpConfig {
    SmtpConfig {
        host: "localhost".into(),
        port: servers.smtps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        auth: shopinbox::config::ServerAuth::Password(PasswordSource::Command(format!(
            "printf '%s' '{}'",
            servers.password
        ))),
        ca_file: Some(servers.ca.clone()),
    }
}

fn setup(smtp: SmtpOptions) -> Fixture {
    let servers = MailServers::start_with(ServerOptions {
        smtp,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::demo();
    cfg.smtp = Some(smtp_config(&servers));
    cfg.imap = None;
    cfg.templates_dir = Some(dir.path().join("templates"));
    let store = Store::open(
        &dir.path().join("shopinbox.db"),
        cfg.shop_context(Clock::fixed(now())),
    )
    .unwrap();
    Fixture {
        servers,
        cfg,
        store,
        _dir: dir,
    }
}

/// Stores a customer message and returns its conversation.
fn add(f: &mut Fixture, raw: Vec<u8>, uid: u32) -> ConversationId {
    let parsed = shopinbox::mail::parse::parse_message(&raw);
    let id = parsed.message_id.clone().unwrap();
    f.store
        .ingest(
            vec![NewMessage {
                location: Location::new("INBOX", 1, uid),
                raw,
                parsed,
                received_at: now() - chrono::Duration::hours(1),
                flags: vec![],
            }],
            None,
        )
        .unwrap();
    f.store
        .list(View::All, now(), 0, 100)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .find(|c| {
            f.store
                .conversation_messages(*c)
                .unwrap()
                .iter()
                .any(|m| m.message_id.as_deref() == Some(id.as_str()))
        })
        .unwrap()
}

fn enqueue(f: &Fixture, conv: ConversationId) -> i64 {
    let (templates, _) = flow::load_templates(&f.cfg);
    let t = flow::find_template(&templates, "plain").unwrap();
    let msg = flow::message_to_answer(&f.store, conv).unwrap();
    let d = flow::draft(&f.cfg, &f.store, &msg, t, now()).unwrap();
    flow::enqueue(&f.cfg, &f.store, &d, now()).unwrap().0
}

fn send_with(f: &mut Fixture, id: i64, timeouts: Option<SmtpTimeouts>) -> SendResult {
    let mut delivery = flow::delivery(&f.cfg, None).unwrap();
    if let (Delivery::Smtp(s), Some(t)) = (&mut delivery, timeouts) {
        s.timeouts = t;
    }
    flow::send_one(&mut f.store, &delivery, &mut NoWriteBack, id, &now).unwrap()
}

/// The reply is well-formed: MIME-Version, CRLF only, no line over 998 octets (78 in the
/// header, which is folded).
fn assert_well_formed(raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    let (head, _) = text.split_once("\r\n\r\n").expect("header and body");
    assert!(
        head.lines().any(|l| l == "MIME-Version: 1.0"),
        "no MIME-Version in {head:.300}"
    );
    for line in raw.split(|b| *b == b'\n') {
        assert!(line.len() <= 998, "line of {} octets", line.len());
    }
    for line in head.split("\r\n") {
        assert!(
            line.len() <= 78,
            "unfolded header line of {} octets: {line:.80}",
            line.len()
        );
        assert!(!line.contains(['\r', '\n', '\x1b']), "{line:?}");
    }
}

#[test]
fn replies_to_absurd_headers_are_accepted_folded_and_well_formed() {
    let mut f = setup(SmtpOptions::default());
    let huge = "Refund ".repeat(150_000); // a 1 MB subject
    let word = format!("Order {}", "X".repeat(5000));
    let name = format!("\"{}\" <long.name@example.com>", "N".repeat(1000));
    let convs = [
        add(&mut f, mail("a@example.com", &huge, "huge@example.com"), 1),
        add(&mut f, mail("b@example.com", &word, "word@example.com"), 2),
        add(&mut f, mail(&name, "Hello", "name@example.com"), 3),
    ];
    for (i, conv) in convs.into_iter().enumerate() {
        let id = enqueue(&f, conv);
        assert_eq!(
            send_with(&mut f, id, None),
            SendResult::Sent { problems: vec![] },
            "reply {i}"
        );
    }
    let got = f.servers.wait_smtp_messages(3, Duration::from_secs(20));
    assert_eq!(got.len(), 3);
    for (_, raw) in &got {
        assert_well_formed(raw);
        let parsed = mailparse::parse_mail(raw).unwrap();
        use mailparse::MailHeaderMap;
        let subject = parsed.headers.get_first_value("Subject").unwrap();
        assert!(subject.chars().count() <= 205, "{subject:.80}");
    }
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn outbox_retry_of_a_long_header_reply_is_accepted() {
    let mut f = setup(SmtpOptions::default());
    let conv = add(
        &mut f,
        mail(
            "c@example.com",
            &format!("Q {}", "Y".repeat(5000)),
            "q@example.com",
        ),
        1,
    );
    let real = f.servers.smtps_port;
    f.cfg.smtp.as_mut().unwrap().port = closed_port();
    let id = enqueue(&f, conv);
    assert!(matches!(
        send_with(&mut f, id, None),
        SendResult::Failed { .. }
    ));
    f.cfg.smtp.as_mut().unwrap().port = real;
    // `outbox retry` returns an error (exit code 3) when the reply did not go out.
    let out = shopinbox::send::cli::outbox_cli(
        &f.cfg,
        &mut f.store,
        shopinbox::send::cli::OutboxCommand::Retry(id),
        None,
        &mut NoWriteBack,
        now(),
    )
    .unwrap();
    assert!(out.contains(&format!("Reply {id} sent.")), "{out}");
    let got = f.servers.wait_smtp_messages(1, Duration::from_secs(20));
    assert_well_formed(&got[0].1);
}

#[test]
fn a_slow_final_answer_is_a_timeout_and_uncertain() {
    let mut f = setup(SmtpOptions {
        delay_final_reply_secs: 4,
        ..Default::default()
    });
    let conv = add(&mut f, mail("d@example.com", "Slow", "slow@example.com"), 1);
    let id = enqueue(&f, conv);
    let short = SmtpTimeouts::all(Duration::from_secs(1));
    match send_with(&mut f, id, Some(short)) {
        SendResult::Uncertain { error } => {
            assert!(error.contains("timed out"), "{error}");
            assert!(error.contains("within 1 second"), "{error}");
            assert!(!error.contains("broke"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        outbox::get(f.store.connection(), id)
            .unwrap()
            .unwrap()
            .state,
        OutboxState::Uncertain
    );
    // With the RFC 5321 timeouts (10 minutes for the final answer) the same server is fine.
    assert_eq!(
        SmtpTimeouts::default().final_reply,
        Duration::from_secs(600)
    );
    let conv = add(
        &mut f,
        mail("e@example.com", "Patient", "patient@example.com"),
        2,
    );
    let id = enqueue(&f, conv);
    assert_eq!(
        send_with(&mut f, id, None),
        SendResult::Sent { problems: vec![] }
    );
}

/// Sends one reply and expects a permanent failure mentioning every `needles`.
fn expect_permanent(f: &mut Fixture, needles: &[&str]) {
    let conv = add(f, mail("f@example.com", "Hi", "perm@example.com"), 1);
    let id = enqueue(f, conv);
    match send_with(f, id, None) {
        SendResult::Failed { error, retry_at } => {
            for n in needles {
                assert!(error.contains(n), "missing {n:?} in: {error}");
            }
            assert!(!error.contains("retried"), "{error}");
            assert_eq!(retry_at, None, "not retried on its own: {error}");
        }
        other => panic!("{other:?}"),
    }
    let e = outbox::get(f.store.connection(), id).unwrap().unwrap();
    assert_eq!(e.state, OutboxState::Failed);
    assert!(
        outbox::due(f.store.connection(), now() + chrono::Duration::days(2))
            .unwrap()
            .is_empty()
    );
    assert!(f.servers.smtp_messages().is_empty());
}

#[test]
fn untrusted_certificate_is_permanent_with_the_ca_file_hint() {
    let mut f = setup(SmtpOptions::default());
    f.cfg.smtp.as_mut().unwrap().ca_file = None;
    expect_permanent(
        &mut f,
        &["secure connection", "not signed by a trusted", "ca_file"],
    );
}

#[test]
fn certificate_for_another_name_is_permanent_with_the_host_hint() {
    let mut f = setup(SmtpOptions {
        tls_cert: SinkCert::OtherName,
        ..Default::default()
    });
    f.cfg.smtp.as_mut().unwrap().host = "127.0.0.1".into();
    expect_permanent(&mut f, &["another host name", "host"]);
}

#[test]
fn expired_certificate_is_permanent() {
    let mut f = setup(SmtpOptions {
        tls_cert: SinkCert::Expired,
        ..Default::default()
    });
    expect_permanent(&mut f, &["expired"]);
}

#[test]
fn tls_to_the_plaintext_port_is_permanent_with_the_security_hint() {
    let mut f = setup(SmtpOptions::default());
    f.cfg.smtp.as_mut().unwrap().port = f.servers.smtp_port;
    expect_permanent(&mut f, &["did not answer with TLS", "starttls"]);
}

#[test]
fn starttls_with_an_untrusted_certificate_is_permanent() {
    let mut f = setup(SmtpOptions::default());
    let s = f.cfg.smtp.as_mut().unwrap();
    s.port = f.servers.smtp_port;
    s.security = Security::StartTls;
    s.ca_file = None;
    expect_permanent(&mut f, &["not signed by a trusted", "ca_file"]);
}

fn write_config(dir: &Path, servers: &MailServers, ca: Option<&Path>) -> PathBuf {
    let path = dir.join("config.toml");
    let ca = ca
        .map(|c| format!("ca_file = \"{}\"\n", c.display()))
        .unwrap_or_default();
    std::fs::write(
        &path,
        format!(
            r#"
[shop]
name = "Alphx"
owner_name = "Tom"
addresses = ["hello@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"

[store]
path = "{store}"

[smtp]
host = "localhost"
port = {port}
security = "tls"
username = "{user}"
password_env = "SHOPINBOX_TEST_SMTP_PASSWORD"
{ca}
[templates]
dir = "{templates}"
"#,
            store = dir.join("shopinbox.db").display(),
            port = servers.smtps_port,
            user = servers.user,
            templates = dir.join("templates").display(),
        ),
    )
    .unwrap();
    path
}

#[test]
fn cli_exits_with_not_sent_on_tls_and_login_failures() {
    for (case, ca, password) in [
        ("untrusted CA", false, support::PASSWORD),
        ("rejected login", true, "wrong password"),
    ] {
        let f = setup(SmtpOptions {
            require_auth: true,
            ..Default::default()
        });
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path(), &f.servers, ca.then_some(f.servers.ca.as_path()));
        let eml = dir.path().join("m.eml");
        std::fs::write(&eml, mail("g@example.com", "Hi", "cli@example.com")).unwrap();
        let run = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_shopinbox"))
                .arg("--config")
                .arg(&config)
                .arg("--now")
                .arg("2026-11-24T10:00:00+01:00")
                .args(args)
                .env("SHOPINBOX_TEST_SMTP_PASSWORD", password)
                .stdin(Stdio::null())
                .output()
                .unwrap()
        };
        let out = run(&["import", eml.to_str().unwrap()]);
        assert!(out.status.success(), "{case}: {out:?}");
        let out = run(&["reply", "1", "--template", "plain", "--send"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{case}: {stdout}\n{stderr}");
        assert!(stderr.contains("was not sent"), "{case}: {stderr}");
        assert!(
            !stdout.contains("retried automatically"),
            "{case}: {stdout}"
        );
        assert!(
            !stderr.contains(password) || password == support::PASSWORD,
            "{stderr}"
        );
        let out = run(&["outbox", "retry", "1"]);
        assert_eq!(out.status.code(), Some(3), "{case}: retry: {out:?}");
        assert!(f.servers.smtp_messages().is_empty());
        drop(f);
    }
}
