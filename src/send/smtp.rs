//! Delivering one stored reply over SMTP (or into a folder of .eml files in demo mode), and
//! telling apart "certainly not sent" from "may have been sent".
//!
//! lettre's `SmtpTransport::send` hides at which step a failure happened, which is exactly what
//! the outbox needs to know, so the transaction is driven step by step on lettre's
//! `SmtpConnection`: everything up to and including the body without its final dot cannot
//! deliver a message; once the final dot may have left, a lost answer is *uncertain*.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    Certificate, CertificateStore, SmtpConnection, TlsParameters,
};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::Transport as _;

use super::outbox::{retry_delay, Outcome};
use crate::net::Security;
use crate::oauth::{sasl, OAuthError, TokenSource};

/// Everything needed to talk to the SMTP server, with the password already resolved.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `auth = "oauth2"`: log in with an access token from here instead of the password.
    pub oauth2: Option<std::sync::Arc<crate::oauth::TokenSource>>,
    /// Extra trusted CA certificates (PEM), in addition to the Mozilla roots.
    pub ca_file: Option<PathBuf>,
    /// How long to wait for the server at each step.
    pub timeouts: SmtpTimeouts,
}

/// How long to wait for the server's answer at each step of a transaction, RFC 5321 §4.5.3.2.
/// A busy server may legitimately take minutes (it may run spam and virus checks before it
/// answers the final dot), so these are long; tests use short ones against a slow sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmtpTimeouts {
    /// TCP connect, the 220 greeting and EHLO/STARTTLS/AUTH (RFC: 5 minutes for the greeting).
    pub greeting: Duration,
    /// MAIL FROM and RCPT TO (RFC: 5 minutes each).
    pub command: Duration,
    /// The 354 answer to DATA (RFC: 2 minutes).
    pub data_init: Duration,
    /// Writing the message and the answer after the final dot (RFC: 3 minutes per data block,
    /// 10 minutes for the final answer; lettre sets read and write timeouts together, so the
    /// longer one covers both).
    pub final_reply: Duration,
}

impl Default for SmtpTimeouts {
    fn default() -> Self {
        SmtpTimeouts {
            greeting: Duration::from_secs(5 * 60),
            command: Duration::from_secs(5 * 60),
            data_init: Duration::from_secs(2 * 60),
            final_reply: Duration::from_secs(10 * 60),
        }
    }
}

impl SmtpTimeouts {
    /// The same `d` for every step (tests).
    pub fn all(d: Duration) -> SmtpTimeouts {
        SmtpTimeouts {
            greeting: d,
            command: d,
            data_init: d,
            final_reply: d,
        }
    }
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field(
                "oauth2",
                &self.oauth2.as_ref().map(|o| o.settings().describe()),
            )
            .field("ca_file", &self.ca_file)
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// Where replies go.
#[derive(Debug, Clone)]
pub enum Delivery {
    Smtp(SmtpSettings),
    /// Demo mode: each reply becomes an .eml file in this folder.
    Folder(PathBuf),
}

/// Why one delivery attempt did not end in "sent".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server certainly did not take the message. `permanent` failures (bad password,
    /// recipient refused, TLS certificate not trusted, bad config) are not retried on their
    /// own: trying again cannot help until the owner changes something.
    NotSent { error: String, permanent: bool },
    /// The final dot may have reached the server and the answer was lost.
    Uncertain { error: String },
}

impl Failure {
    /// The outbox record for this failure after `attempts` attempts.
    pub fn outcome(&self, attempts: u32, now: DateTime<Utc>) -> Outcome {
        match self {
            Failure::NotSent { error, permanent } => Outcome::Failed {
                error: error.clone(),
                retry_at: (!permanent).then(|| now + retry_delay(attempts)),
            },
            Failure::Uncertain { error } => Outcome::Uncertain {
                error: error.clone(),
            },
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::NotSent { error, .. } | Failure::Uncertain { error } => error,
        }
    }
}

/// Sends `raw` from `from` to `to`. Never panics; every failure is classified.
pub fn deliver(delivery: &Delivery, from: &str, to: &str, raw: &[u8]) -> Result<(), Failure> {
    match delivery {
        Delivery::Smtp(s) => deliver_smtp(s, from, to, raw),
        Delivery::Folder(dir) => deliver_folder(dir, from, to, raw),
    }
}

pub(super) fn not_sent(error: impl Into<String>, permanent: bool) -> Failure {
    Failure::NotSent {
        error: error.into(),
        permanent,
    }
}

fn envelope(from: &str, to: &str) -> Result<Envelope, Failure> {
    let from_addr = lettre::Address::from_str(from).map_err(|_| {
        not_sent(
            format!("cannot send from \"{from}\": it is not a valid email address"),
            true,
        )
    })?;
    let to_addr = lettre::Address::from_str(to).map_err(|_| {
        not_sent(
            format!("cannot send to \"{to}\": it is not a valid email address"),
            true,
        )
    })?;
    Envelope::new(Some(from_addr), vec![to_addr])
        .map_err(|e| not_sent(format!("cannot build the envelope: {e}"), true))
}

fn deliver_folder(dir: &std::path::Path, from: &str, to: &str, raw: &[u8]) -> Result<(), Failure> {
    let env = envelope(from, to)?;
    std::fs::create_dir_all(dir).map_err(|e| {
        not_sent(
            format!(
                "cannot create the demo outbox folder {}: {e}",
                dir.display()
            ),
            true,
        )
    })?;
    lettre::FileTransport::new(dir)
        .send_raw(&env, raw)
        .map(|_| ())
        .map_err(|e| {
            not_sent(
                format!("cannot write the reply into {}: {e}", dir.display()),
                false,
            )
        })
}

/// TLS parameters for `host`: the Mozilla roots plus the configured CA file.
fn tls_parameters(settings: &SmtpSettings) -> Result<TlsParameters, Failure> {
    let mut builder = TlsParameters::builder(settings.host.clone())
        .certificate_store(CertificateStore::WebpkiRoots);
    if let Some(path) = &settings.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            not_sent(
                format!(
                    "cannot read the CA file {}: {e}; check [smtp] ca_file",
                    path.display()
                ),
                true,
            )
        })?;
        let cert = Certificate::from_pem(&pem).map_err(|_| {
            not_sent(
                format!(
                    "cannot use the CA file {}: it holds no valid PEM certificate",
                    path.display()
                ),
                true,
            )
        })?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build_rustls()
        .map_err(|e| not_sent(format!("cannot set up TLS for SMTP: {e}"), true))
}

/// The TLS error inside a lettre error (rustls reports through an `io::Error`), if any.
fn tls_error(e: &lettre::transport::smtp::Error) -> Option<&rustls::Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(tls) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return Some(tls);
        }
        source = err.source();
    }
    None
}

/// True when the server did not answer in time (a read timeout is `WouldBlock` on Unix).
fn timed_out(e: &lettre::transport::smtp::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return true;
            }
        }
        source = err.source();
    }
    false
}

/// "10 minutes", "90 seconds".
fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{} ms", d.as_millis()),
        1 => "1 second".to_string(),
        s if s % 60 == 0 && s >= 60 => {
            let m = s / 60;
            format!("{m} minute{}", if m == 1 { "" } else { "s" })
        }
        s => format!("{s} seconds"),
    }
}

/// What went wrong while talking to the server, in one sentence for the owner, and whether
/// retrying on its own could help. TLS and login failures are permanent: they need the owner
/// to change the config (CA file, host name, security, password).
pub(super) fn describe(
    step: &str,
    settings: &SmtpSettings,
    waited: Duration,
    e: &lettre::transport::smtp::Error,
) -> Failure {
    let server = format!("{}:{}", settings.host, settings.port);
    let detail = e.to_string();
    if let Some(tls) = tls_error(e) {
        return not_sent(
            format!(
                "cannot establish a secure connection to the SMTP server {server}: {}; check \
                 [smtp] host, port, security and ca_file",
                crate::net::tls_reason(tls)
            ),
            true,
        );
    }
    if e.is_tls() {
        return not_sent(
            format!(
                "cannot establish a secure connection to the SMTP server {server} ({detail}); \
                 check [smtp] host, port, security and ca_file"
            ),
            true,
        );
    }
    if e.is_permanent() {
        let code = e.status().map(|c| c.to_string()).unwrap_or_default();
        let hint = match step {
            "log in" => "; check [smtp] username and the password source in the config",
            "give the recipient" => "; check the customer's address",
            _ => "",
        };
        return not_sent(
            format!("the SMTP server {server} refused to {step} ({code}: {detail}){hint}"),
            true,
        );
    }
    if e.is_transient() {
        return not_sent(
            format!("the SMTP server {server} could not {step} right now ({detail}); it will be retried"),
            false,
        );
    }
    if timed_out(e) {
        return not_sent(
            format!(
                "the SMTP server {server} did not answer within {} when asked to {step} (timed \
                 out); it will be retried",
                format_duration(waited)
            ),
            false,
        );
    }
    if e.is_client() {
        return not_sent(format!("cannot {step} on {server}: {detail}"), true);
    }
    not_sent(
        format!("cannot {step} on the SMTP server {server} ({detail}); it will be retried"),
        false,
    )
}

/// [`deliver`], also returning the `SIZE` the SMTP server announced (RFC 1870; `Some(0)`:
/// announced without a limit), for the check before the next reply is queued. A message over
/// that size is refused here before the transaction starts: certainly not sent.
pub fn deliver_learning(
    delivery: &Delivery,
    from: &str,
    to: &str,
    raw: &[u8],
) -> (Result<(), Failure>, Option<u64>) {
    match delivery {
        Delivery::Folder(dir) => (deliver_folder(dir, from, to, raw), None),
        Delivery::Smtp(settings) => {
            let mut size = None;
            let result = deliver_smtp_sized(settings, from, to, raw, &mut size);
            (result, size)
        }
    }
}

/// The `SIZE` value in an EHLO answer's lines ("SIZE 35882577"); `Some(0)` for a bare `SIZE`.
pub fn size_in_ehlo<'a>(lines: impl Iterator<Item = &'a str>) -> Option<u64> {
    lines.into_iter().find_map(|l| {
        let mut words = l.split_whitespace();
        if !words.next()?.eq_ignore_ascii_case("SIZE") {
            return None;
        }
        Some(words.next().and_then(|n| n.parse().ok()).unwrap_or(0))
    })
}

fn deliver_smtp(settings: &SmtpSettings, from: &str, to: &str, raw: &[u8]) -> Result<(), Failure> {
    deliver_smtp_sized(settings, from, to, raw, &mut None)
}

fn deliver_smtp_sized(
    settings: &SmtpSettings,
    from: &str,
    to: &str,
    raw: &[u8],
    size: &mut Option<u64>,
) -> Result<(), Failure> {
    let env = envelope(from, to)?;
    let mut conn = connect(settings)?;
    // lettre keeps only the extensions it uses from the EHLO answer; asking again (allowed at
    // any time, RFC 5321 §4.1.4) gives the lines, SIZE among them.
    if let Ok(answer) = conn.command(Ehlo::new(ClientId::default())) {
        *size = size_in_ehlo(answer.message());
    }
    if let Some(limit) = size.filter(|&l| l > 0 && raw.len() as u64 > l) {
        conn.abort();
        return Err(not_sent(
            format!(
                "the SMTP server {}:{} takes messages up to {}, and this reply is {}; remove an \
                 attachment and send it again",
                settings.host,
                settings.port,
                super::attachment::human_size(limit),
                super::attachment::human_size(raw.len() as u64)
            ),
            true,
        ));
    }
    let result =
        log_in(&mut conn, settings).and_then(|()| transaction(&mut conn, settings, &env, raw));
    match &result {
        Ok(()) => {
            // The message is accepted; a failing QUIT changes nothing.
            let _ = conn.quit();
        }
        Err(_) => conn.abort(),
    }
    result
}

/// Connects and logs in, then says goodbye without sending anything: `shopinbox setup`
/// checks the owner's answers with it.
pub fn check_login(settings: &SmtpSettings) -> Result<(), Failure> {
    let mut conn = connect(settings)?;
    let result = log_in(&mut conn, settings);
    match &result {
        Ok(()) => {
            let _ = conn.quit();
        }
        Err(_) => conn.abort(),
    }
    result
}

/// The connection, encrypted as configured, with EHLO done.
fn connect(settings: &SmtpSettings) -> Result<SmtpConnection, Failure> {
    if !settings.security.allowed_to(&settings.host) {
        return Err(not_sent(
            format!(
                "refusing to send mail unencrypted to {}: security = \"none\" is only allowed \
                 for 127.0.0.1 or localhost; use \"tls\" or \"starttls\"",
                settings.host
            ),
            true,
        ));
    }
    let hello = ClientId::default();
    let t = settings.timeouts;
    let timeout = Some(t.greeting);
    let addr = (settings.host.as_str(), settings.port);

    let conn = match settings.security {
        Security::Tls => {
            let tls = tls_parameters(settings)?;
            SmtpConnection::connect(addr, timeout, &hello, Some(&tls), None)
                .map_err(|e| describe("connect", settings, t.greeting, &e))?
        }
        Security::StartTls => {
            let tls = tls_parameters(settings)?;
            let mut conn = SmtpConnection::connect(addr, timeout, &hello, None, None)
                .map_err(|e| describe("connect", settings, t.greeting, &e))?;
            if !conn.can_starttls() {
                conn.abort();
                return Err(not_sent(
                    format!(
                        "the SMTP server {}:{} does not offer STARTTLS, and shopinbox will not \
                         send the password or the mail unencrypted; check [smtp] security and port",
                        settings.host, settings.port
                    ),
                    true,
                ));
            }
            conn.starttls(&tls, &hello)
                .map_err(|e| describe("start TLS", settings, t.greeting, &e))?;
            conn
        }
        Security::None => SmtpConnection::connect(addr, timeout, &hello, None, None)
            .map_err(|e| describe("connect", settings, t.greeting, &e))?,
    };
    Ok(conn)
}

/// AUTH with the password or an OAuth 2.0 token; nothing without a username.
fn log_in(conn: &mut SmtpConnection, settings: &SmtpSettings) -> Result<(), Failure> {
    let t = settings.timeouts;
    if let Some(source) = &settings.oauth2 {
        oauth_authenticate(conn, settings, source)?;
    } else if let Some(user) = settings.username.as_deref().filter(|u| !u.is_empty()) {
        let password = settings.password.clone().unwrap_or_default();
        let creds = Credentials::new(user.to_string(), password);
        conn.auth(&[Mechanism::Plain, Mechanism::Login], &creds)
            .map_err(|e| describe("log in", settings, t.greeting, &e))?;
    }
    Ok(())
}

fn transaction(
    conn: &mut SmtpConnection,
    settings: &SmtpSettings,
    env: &Envelope,
    raw: &[u8],
) -> Result<(), Failure> {
    let t = settings.timeouts;

    let mut mail_params = Vec::new();
    let non_ascii_addr = env
        .from()
        .is_some_and(|a| !AsRef::<str>::as_ref(a).is_ascii())
        || env.to().iter().any(|a| !AsRef::<str>::as_ref(a).is_ascii());
    if non_ascii_addr {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(not_sent(
                "the SMTP server cannot take international (non-ASCII) addresses",
                true,
            ));
        }
        mail_params.push(MailParameter::SmtpUtfEight);
    }
    if !raw.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(not_sent(
                "the SMTP server cannot take 8-bit mail (no 8BITMIME)",
                true,
            ));
        }
        mail_params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }

    set_timeout(conn, settings, t.command)?;
    conn.command(Mail::new(env.from().cloned(), mail_params))
        .map_err(|e| describe("accept the sender", settings, t.command, &e))?;
    for rcpt in env.to() {
        conn.command(Rcpt::new(rcpt.clone(), vec![]))
            .map_err(|e| describe("give the recipient", settings, t.command, &e))?;
    }
    set_timeout(conn, settings, t.data_init)?;
    conn.command(Data)
        .map_err(|e| describe("start the message data", settings, t.data_init, &e))?;
    set_timeout(conn, settings, t.final_reply)?;

    // lettre writes every chunk it pulls from the iterator, then the final dot. When the
    // iterator is asked for more after the last chunk, the whole body was written without
    // error; only from then on can the server have the message.
    //
    // The end-of-data marker `CRLF . CRLF` carries the CRLF that ends the last line, so one
    // trailing CRLF of the message is left to it; otherwise the server stores an extra empty
    // line and the delivered bytes would differ from the outbox copy.
    let data = raw.strip_suffix(b"\r\n").unwrap_or(raw);
    let body_done = std::cell::Cell::new(false);
    let mut chunks = data.chunks(64 * 1024);
    let tracked = std::iter::from_fn(|| {
        let next = chunks.next();
        if next.is_none() {
            body_done.set(true);
        }
        next
    });
    match conn.message_iter(tracked) {
        Ok(_) => Ok(()),
        Err(e) if e.is_permanent() || e.is_transient() => {
            Err(describe("accept the message", settings, t.final_reply, &e))
        }
        Err(e) if body_done.get() && timed_out(&e) => Err(Failure::Uncertain {
            error: format!(
                "the SMTP server {}:{} did not confirm the reply within {} after it was sent \
                 (timed out); it may have been delivered: check with the customer or your Sent \
                 folder, then resend it or mark it as sent",
                settings.host,
                settings.port,
                format_duration(t.final_reply)
            ),
        }),
        Err(e) if body_done.get() => Err(Failure::Uncertain {
            error: format!(
                "the connection to {}:{} broke after the reply was sent and before the server \
                 confirmed it ({e}); it may have been delivered: check with the customer or your \
                 Sent folder, then resend it or mark it as sent",
                settings.host, settings.port
            ),
        }),
        Err(e) => Err(describe(
            "take the message data",
            settings,
            t.final_reply,
            &e,
        )),
    }
}

fn set_timeout(
    conn: &mut SmtpConnection,
    settings: &SmtpSettings,
    d: Duration,
) -> Result<(), Failure> {
    conn.set_timeout(Some(d)).map_err(|e| {
        not_sent(
            format!(
                "cannot talk to the SMTP server {}:{} ({e}); it will be retried",
                settings.host, settings.port
            ),
            false,
        )
    })
}

// ---- SMTP AUTH with an OAuth 2.0 access token ----
//
// XOAUTH2 or OAUTHBEARER (RFC 7628), whichever the config names or else the server offers
// (OAUTHBEARER first). lettre knows XOAUTH2 only and cannot answer the server's error challenge,
// so the exchange runs here as raw commands on lettre's connection. A refused token is replaced
// once (refreshed, or `token_command` run again) before the reply counts as not sent. It lives
// in this file (issue 25) because it reports with the same `describe`/`not_sent` as the rest of
// the delivery: one module, no circle.

/// One command line as written (lettre's `command` takes anything that displays).
struct Line(String);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\r\n", self.0)
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn oauth_authenticate(
    conn: &mut SmtpConnection,
    settings: &SmtpSettings,
    source: &TokenSource,
) -> Result<(), Failure> {
    let user = settings
        .username
        .clone()
        .unwrap_or_else(|| source.settings().username.clone());
    let configured = source.settings().mechanism;
    let offered = if configured.is_some() {
        None
    } else {
        // lettre keeps only the mechanisms it knows; ask again for the full list.
        let ehlo = conn
            .command(Ehlo::new(ClientId::default()))
            .map_err(|e| describe("greet", settings, settings.timeouts.greeting, &e))?;
        Some(sasl::smtp_mechanisms(ehlo.message()))
    };
    let mechanism = sasl::choose(configured, offered.as_deref()).ok_or_else(|| {
        not_sent(
            OAuthError::NoMechanism {
                host: settings.host.clone(),
            }
            .to_string(),
            true,
        )
    })?;
    for attempt in 0..2 {
        let token = source
            .token(attempt > 0)
            .map_err(|e| not_sent(e.to_string(), e.is_permanent()))?;
        let first = sasl::initial_response(mechanism, &user, &settings.host, settings.port, &token);
        let answer = conn.command(Line(format!("AUTH {} {}", mechanism.as_str(), b64(&first))));
        match answer {
            Ok(r) if r.has_code(334) => {
                // The error challenge (RFC 7628 3.2.2): acknowledge it, the server then fails.
                match conn.command(Line(b64(&sasl::error_ack(mechanism)))) {
                    Err(e) if e.is_permanent() => continue,
                    Err(e) => {
                        return Err(describe("log in", settings, settings.timeouts.greeting, &e))
                    }
                    Ok(_) => continue,
                }
            }
            Ok(_) => return Ok(()),
            Err(e) if e.is_permanent() => continue,
            Err(e) => return Err(describe("log in", settings, settings.timeouts.greeting, &e)),
        }
    }
    Err(not_sent(source.refused(&settings.host).to_string(), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_5321_timeouts_and_their_wording() {
        let t = SmtpTimeouts::default();
        assert_eq!(t.greeting, Duration::from_secs(300));
        assert_eq!(t.command, Duration::from_secs(300));
        assert_eq!(t.data_init, Duration::from_secs(120));
        assert_eq!(t.final_reply, Duration::from_secs(600));
        assert_eq!(format_duration(t.final_reply), "10 minutes");
        assert_eq!(format_duration(Duration::from_secs(60)), "1 minute");
        assert_eq!(format_duration(Duration::from_secs(90)), "90 seconds");
        assert_eq!(format_duration(Duration::from_secs(1)), "1 second");
        assert_eq!(format_duration(Duration::from_millis(250)), "250 ms");
    }

    #[test]
    fn tls_failures_read_like_the_imap_ones() {
        use rustls::CertificateError as C;
        let cases = [
            (
                rustls::Error::InvalidCertificate(C::UnknownIssuer),
                "set ca_file",
            ),
            (
                rustls::Error::InvalidCertificate(C::NotValidForName),
                "another host name",
            ),
            (rustls::Error::InvalidCertificate(C::Expired), "has expired"),
            (
                rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
                "did not answer with TLS",
            ),
        ];
        for (e, want) in cases {
            let reason = crate::net::tls_reason(&e);
            assert!(reason.contains(want), "{reason}");
        }
    }

    #[test]
    fn size_is_read_from_the_ehlo_lines() {
        let cases: &[(&[&str], Option<u64>)] = &[
            (
                &["mx.example", "PIPELINING", "SIZE 35882577", "8BITMIME"],
                Some(35882577),
            ),
            (&["mx.example", "size 1000"], Some(1000)),
            (&["mx.example", "SIZE"], Some(0)),
            (&["mx.example", "8BITMIME"], None),
            (&["mx.example", "SIZEX 5"], None),
        ];
        for (lines, want) in cases {
            assert_eq!(size_in_ehlo(lines.iter().copied()), *want, "{lines:?}");
        }
    }

    #[test]
    fn permanent_failures_are_not_scheduled() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let f = not_sent("certificate", true);
        assert!(matches!(
            f.outcome(1, now),
            Outcome::Failed { retry_at: None, .. }
        ));
        let f = not_sent("server down", false);
        assert!(matches!(
            f.outcome(1, now),
            Outcome::Failed {
                retry_at: Some(_),
                ..
            }
        ));
    }
}
