//! The test harness itself: servers start on private ports, helpers act like another client,
//! Dovecot can be stopped and restarted, and the SMTP sink stores what it accepts. The IMAP
//! helpers are checked against both servers, Dovecot and Cyrus, whatever the pass.
use crate::support;

use support::{ImapServer, MailServers, ServerOptions, SmtpOptions};

const MSG: &[u8] = b"From: Alice <alice@example.com>\r\nTo: shop@example.org\r\nSubject: hello\r\nMessage-ID: <h1@example.com>\r\n\r\nHi there\r\n";

fn start(imap: ImapServer) -> MailServers {
    MailServers::start_with(ServerOptions {
        imap,
        ..Default::default()
    })
}

/// What the server says of itself when a client connects (plain port, before STARTTLS).
fn greeting(s: &MailServers) -> String {
    use std::io::Read;
    let mut c = std::net::TcpStream::connect(("127.0.0.1", s.imap_port)).unwrap();
    let mut buf = [0u8; 2048];
    let n = c.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// The pass's server (`SHOPINBOX_TEST_IMAP`) is the one that answers: a pass that says Cyrus
/// does not quietly test Dovecot.
#[test]
fn the_server_asked_for_answers() {
    let s = MailServers::start();
    let g = greeting(&s);
    match ImapServer::from_env() {
        ImapServer::Dovecot => assert!(g.contains("Dovecot"), "{g}"),
        ImapServer::Cyrus => assert!(g.contains("Cyrus IMAP"), "{g}"),
    }
}

/// Cyrus set up as Fastmail's: INBOX and the special-use folders at the top level with "/" as
/// separator, and the extensions the sync and the write-back use.
#[test]
fn cyrus_looks_like_fastmail() {
    let s = start(ImapServer::Cyrus);
    let mut c = s.client();
    let caps = c.capabilities().unwrap();
    for cap in [
        "CONDSTORE",
        "QRESYNC",
        "ENABLE",
        "UIDPLUS",
        "SPECIAL-USE",
        "IDLE",
        "MOVE",
        "NAMESPACE",
    ] {
        assert!(caps.has_str(cap), "Cyrus does not offer {cap}");
    }
    let list = c.list(Some(""), Some("*")).unwrap();
    let mut names: Vec<String> = list.iter().map(|n| n.name().to_string()).collect();
    names.sort();
    assert_eq!(names, ["Drafts", "INBOX", "Junk", "Sent", "Trash"]);
    assert!(list.iter().all(|n| n.delimiter() == Some("/")));
    let _ = c.logout();
}

#[test]
fn imap_helpers_act_like_another_client_dovecot() {
    imap_helpers_act_like_another_client(ImapServer::Dovecot);
}

#[test]
fn imap_helpers_act_like_another_client_cyrus() {
    imap_helpers_act_like_another_client(ImapServer::Cyrus);
}

fn imap_helpers_act_like_another_client(imap: ImapServer) {
    let s = start(imap);
    let date = chrono::DateTime::parse_from_rfc3339("2024-03-01T09:30:00+01:00").unwrap();
    let uid = s.append("INBOX", MSG, &["\\Seen"], Some(date));
    let uid2 = s.append("INBOX", MSG, &[], None);
    assert_eq!(uid2, uid + 1);
    let flags = s.server_flags("INBOX");
    assert_eq!(flags[&uid], vec!["\\Seen".to_string()]);
    assert!(flags[&uid2].is_empty());
    s.set_flags("INBOX", uid2, &["\\Flagged", "$Label1"], &[]);
    s.set_flags("INBOX", uid, &[], &["\\Seen"]);
    let flags = s.server_flags("INBOX");
    assert_eq!(
        flags[&uid2],
        vec!["$Label1".to_string(), "\\Flagged".to_string()]
    );
    assert!(flags[&uid].is_empty());
    s.expunge("INBOX", &[uid]);
    assert_eq!(
        s.server_flags("INBOX").keys().copied().collect::<Vec<_>>(),
        vec![uid2]
    );

    let v1 = s.uidvalidity("INBOX");
    s.create_mailbox("Orders");
    s.append("Orders", MSG, &[], None);
    s.delete_mailbox("Orders");
    s.create_mailbox("Orders");
    assert!(s.server_flags("Orders").is_empty());
    assert_eq!(s.uidvalidity("INBOX"), v1);
}

#[test]
fn dovecot_stops_and_restarts_with_its_mail() {
    stops_and_restarts_with_its_mail(ImapServer::Dovecot);
}

#[test]
fn cyrus_stops_and_restarts_with_its_mail() {
    stops_and_restarts_with_its_mail(ImapServer::Cyrus);
}

fn stops_and_restarts_with_its_mail(imap: ImapServer) {
    let mut s = start(imap);
    s.append("INBOX", MSG, &[], None);
    s.stop();
    assert!(std::net::TcpStream::connect(("127.0.0.1", s.imaps_port)).is_err());
    s.restart();
    assert_eq!(s.server_flags("INBOX").len(), 1);
}

#[test]
fn parallel_instances_use_different_ports() {
    let a = MailServers::start();
    let b = MailServers::start();
    assert_ne!(a.imap_port, b.imap_port);
    assert_ne!(a.dir(), b.dir());
    a.append("INBOX", MSG, &[], None);
    assert_eq!(a.server_flags("INBOX").len(), 1);
    assert!(b.server_flags("INBOX").is_empty());
}

#[test]
fn imap_without_tls_offers_no_starttls() {
    let s = MailServers::start_with(ServerOptions {
        imap_tls: false,
        ..Default::default()
    });
    assert_eq!(s.imaps_port, 0);
    let mut c = s.client();
    let caps = c.capabilities().unwrap();
    assert!(!caps.has_str("STARTTLS"));
}

fn smtp_send(
    s: &MailServers,
    login: Option<(&str, &str)>,
) -> Result<(), lettre::transport::smtp::Error> {
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    use lettre::Transport;
    let pem = std::fs::read(&s.ca).unwrap();
    let tls = TlsParameters::builder("localhost".to_string())
        .add_root_certificate(Certificate::from_pem(&pem).unwrap())
        .build_rustls()
        .unwrap();
    let mut b = lettre::SmtpTransport::builder_dangerous("localhost")
        .port(s.smtp_port)
        .tls(Tls::Required(tls))
        .timeout(Some(std::time::Duration::from_secs(10)));
    if let Some((u, p)) = login {
        b = b.credentials(Credentials::new(u.to_string(), p.to_string()));
    }
    let env = lettre::address::Envelope::new(
        Some("shop@example.org".parse().unwrap()),
        vec!["alice@example.com".parse().unwrap()],
    )
    .unwrap();
    b.build().send_raw(&env, MSG).map(|_| ())
}

#[test]
fn smtp_sink_stores_exact_bytes_and_envelope() {
    let s = MailServers::start();
    smtp_send(&s, Some(("test", "secret"))).unwrap();
    let msgs = s.wait_smtp_messages(1, std::time::Duration::from_secs(5));
    assert_eq!(msgs.len(), 1);
    let (env, raw) = &msgs[0];
    assert_eq!(env["mail_from"], "shop@example.org");
    assert_eq!(env["rcpt_tos"][0], "alice@example.com");
    assert_eq!(env["auth_user"], "test");
    assert_eq!(env["tls"], true);
    assert!(raw.windows(8).any(|w| w == b"Hi there"));
}

#[test]
fn smtp_sink_failure_modes() {
    let s = MailServers::start_with(ServerOptions {
        smtp: SmtpOptions {
            reject_auth: true,
            require_auth: true,
            ..Default::default()
        },
        ..Default::default()
    });
    assert!(smtp_send(&s, Some(("test", "secret"))).is_err());
    assert!(smtp_send(&s, None).is_err());
    assert!(s.smtp_messages().is_empty());

    let s = MailServers::start_with(ServerOptions {
        smtp: SmtpOptions {
            drop_after_data: 1,
            ..Default::default()
        },
        ..Default::default()
    });
    assert!(smtp_send(&s, None).is_err());
    assert!(s.smtp_messages().is_empty());
    smtp_send(&s, None).unwrap();
    assert_eq!(
        s.wait_smtp_messages(1, std::time::Duration::from_secs(5))
            .len(),
        1
    );
}
