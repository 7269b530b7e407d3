//! The network edge shared by IMAP sync and SMTP sending: TCP with timeouts, TLS through
//! rustls (webpki roots, plus an optional extra CA file for private or test servers), and the
//! IMAP STARTTLS upgrade.
//!
//! Why rustls and not native-tls: a fresh machine needs no OpenSSL headers, and certificate
//! errors come back as typed values that can be turned into one clear sentence for the owner.
//! [`MailStream`] is the one blocking stream type for both: shopinbox's IMAP driver
//! ([`crate::imap::Connection`]) runs over it.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A server that does not answer the TCP handshake within this time is reported as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// A server that stays silent this long in the middle of a command is taken as gone; IDLE
/// raises the read timeout for its own wait.
pub const IO_TIMEOUT: Duration = Duration::from_secs(60);
/// Upper bound for one protocol line read before TLS (greeting, CAPABILITY), so that a hostile
/// or broken server cannot make us buffer without end.
const MAX_LINE: usize = 64 * 1024;

/// Back-off before the next automatic retry of a network job (a reply over SMTP, a flag or
/// move over IMAP) after `attempts` failed attempts: 1, 2, 5, 10, 30 minutes, then hourly.
pub fn retry_delay(attempts: u32) -> chrono::Duration {
    use chrono::Duration as D;
    match attempts {
        0 | 1 => D::minutes(1),
        2 => D::minutes(2),
        3 => D::minutes(5),
        4 => D::minutes(10),
        5 => D::minutes(30),
        _ => D::hours(1),
    }
}

/// Why a connection could not be made. Messages read "cannot …" and name the host; they never
/// contain a password (none is known here).
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("cannot read the CA file {path}: {source}")]
    CaFileRead {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot use the CA file {path}: it contains no PEM certificate")]
    CaFileEmpty { path: PathBuf },
    #[error("cannot use a certificate from the CA file {path}: {source}")]
    CaFileBad {
        path: PathBuf,
        #[source]
        source: rustls::Error,
    },
    #[error("cannot set up TLS: {0}")]
    TlsSetup(#[source] rustls::Error),
    #[error("cannot find the address of {host}: {source}")]
    Resolve {
        host: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot connect to {host}:{port}: {source}")]
    Connect {
        host: String,
        port: u16,
        #[source]
        source: io::Error,
    },
    #[error("cannot use {host:?} as a TLS server name")]
    ServerName { host: String },
    #[error("cannot establish a secure connection to {host}: {reason}")]
    Handshake {
        host: String,
        reason: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "cannot use STARTTLS with {host}: the server does not offer it, and shopinbox will not \
         send the password unencrypted; use security = \"tls\" with the server's TLS port (usually 993)"
    )]
    StartTlsNotOffered { host: String },
    #[error("cannot use STARTTLS with {host}: the server answered {answer:?}")]
    StartTlsRefused { host: String, answer: String },
    #[error("cannot talk to {host}: {source}")]
    Io {
        host: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "cannot connect to {host} without TLS: plaintext is only allowed to 127.0.0.1 or localhost"
    )]
    PlaintextNotLoopback { host: String },
}

/// The rustls client configuration used for IMAP and SMTP: the webpki (Mozilla) roots, plus
/// every certificate in `ca_file` when given (a shop's own mail server with a private CA, and
/// the tests' throw-away CA). The ring provider is named explicitly so that another crate
/// enabling a second provider cannot make the process-wide default ambiguous.
pub fn tls_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, NetError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_file {
        for cert in read_ca_file(path)? {
            roots.add(cert).map_err(|source| NetError::CaFileBad {
                path: path.to_path_buf(),
                source,
            })?;
        }
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(NetError::TlsSetup)?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

/// All PEM certificates in `path` (SMTP code hands these to lettre as extra roots).
pub fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, NetError> {
    let file = std::fs::File::open(path).map_err(|source| NetError::CaFileRead {
        path: path.to_path_buf(),
        source,
    })?;
    // PEM parsing comes from rustls' own pki-types (rustls-pemfile is unmaintained).
    let certs = CertificateDer::pem_reader_iter(file)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| NetError::CaFileRead {
            path: path.to_path_buf(),
            source: match e {
                rustls::pki_types::pem::Error::Io(io) => io,
                other => std::io::Error::new(std::io::ErrorKind::InvalidData, other.to_string()),
            },
        })?;
    if certs.is_empty() {
        return Err(NetError::CaFileEmpty {
            path: path.to_path_buf(),
        });
    }
    Ok(certs)
}

/// True for names that certainly stay on this machine. Plaintext connections are refused to
/// anything else, whatever the config says.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// How a connection to the IMAP or SMTP server is protected. One type for both protocols and
/// the config, so that the rule "plaintext only to loopback" is decided in one place
/// ([`Security::allowed_to`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465). The default.
    #[default]
    Tls,
    /// Plain connection upgraded with STARTTLS (IMAP 143, submission 587); refused if the
    /// server does not offer it.
    StartTls,
    /// No encryption: only ever to a loopback host (local test servers, tunnels).
    None,
}

impl Security {
    /// The word used in the config file (`security = "…"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::None => "none",
        }
    }

    /// The config word back to a value: exactly `tls`, `starttls` or `none` (surrounding
    /// spaces ignored); anything else is `None` so the caller can quote the bad value.
    pub fn parse(word: &str) -> Option<Security> {
        match word.trim() {
            "tls" => Some(Security::Tls),
            "starttls" => Some(Security::StartTls),
            "none" => Some(Security::None),
            _ => None,
        }
    }

    /// Whether this protection may be used towards `host`: TLS and STARTTLS always, plaintext
    /// only to a loopback host, whatever the config says.
    pub fn allowed_to(self, host: &str) -> bool {
        self != Security::None || is_loopback_host(host)
    }
}

/// A TCP connection with connect, read and write timeouts set; every resolved address is
/// tried in turn.
pub fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, NetError> {
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|source| NetError::Resolve {
            host: host.to_string(),
            source,
        })?
        .collect();
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address found");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(tcp) => {
                let setup = tcp
                    .set_read_timeout(Some(IO_TIMEOUT))
                    .and_then(|_| tcp.set_write_timeout(Some(IO_TIMEOUT)))
                    .and_then(|_| tcp.set_nodelay(true));
                return match setup {
                    Ok(()) => Ok(tcp),
                    Err(source) => Err(NetError::Connect {
                        host: host.to_string(),
                        port,
                        source,
                    }),
                };
            }
            Err(e) => last = e,
        }
    }
    Err(NetError::Connect {
        host: host.to_string(),
        port,
        source: last,
    })
}

/// A blocking connection that is either TLS or (loopback only) plain (`Read + Write`).
#[derive(Debug)]
pub enum MailStream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl MailStream {
    fn tcp(&self) -> &TcpStream {
        match self {
            MailStream::Plain(s) => s,
            MailStream::Tls(s) => s.get_ref(),
        }
    }

    /// A second handle on the socket whose `shutdown` unblocks a thread stuck in a read
    /// (used to stop an IDLE watcher promptly).
    pub fn shutdown_handle(&self) -> io::Result<ShutdownHandle> {
        self.tcp().try_clone().map(ShutdownHandle)
    }

    /// Changes the read timeout; `None` restores the default [`IO_TIMEOUT`] rather than
    /// blocking for ever.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.tcp()
            .set_read_timeout(Some(timeout.unwrap_or(IO_TIMEOUT)))
    }

    pub fn is_tls(&self) -> bool {
        matches!(self, MailStream::Tls(_))
    }
}

impl Read for MailStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            MailStream::Plain(s) => s.read(buf),
            MailStream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for MailStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            MailStream::Plain(s) => s.write(buf),
            MailStream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            MailStream::Plain(s) => s.flush(),
            MailStream::Tls(s) => s.flush(),
        }
    }
}

/// Closes a connection from another thread.
#[derive(Debug)]
pub struct ShutdownHandle(TcpStream);

impl ShutdownHandle {
    pub fn try_clone(&self) -> io::Result<ShutdownHandle> {
        self.0.try_clone().map(ShutdownHandle)
    }

    pub fn shutdown(&self) {
        // Already closed is fine: the goal is only that the other side stops waiting.
        let _ = self.0.shutdown(Shutdown::Both);
    }
}

/// Implicit TLS (IMAPS 993, SMTPS 465): TCP connect, then the TLS handshake, eagerly, so that
/// certificate problems are reported as such and not as a failed first read.
pub fn connect_tls(
    host: &str,
    port: u16,
    config: &Arc<ClientConfig>,
) -> Result<MailStream, NetError> {
    let tcp = connect_tcp(host, port)?;
    wrap_tls(tcp, host, config)
}

/// A plaintext connection, refused unless `host` is loopback.
pub fn connect_plain(host: &str, port: u16) -> Result<MailStream, NetError> {
    if !Security::None.allowed_to(host) {
        return Err(NetError::PlaintextNotLoopback {
            host: host.to_string(),
        });
    }
    Ok(MailStream::Plain(connect_tcp(host, port)?))
}

/// Runs the TLS handshake over an established TCP connection (after STARTTLS, or directly).
pub fn wrap_tls(
    mut tcp: TcpStream,
    host: &str,
    config: &Arc<ClientConfig>,
) -> Result<MailStream, NetError> {
    let name = ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|_| NetError::ServerName {
        host: host.to_string(),
    })?;
    let mut conn = ClientConnection::new(Arc::clone(config), name).map_err(NetError::TlsSetup)?;
    while conn.is_handshaking() {
        if let Err(source) = conn.complete_io(&mut tcp) {
            return Err(NetError::Handshake {
                host: host.to_string(),
                reason: handshake_reason(&source),
                source,
            });
        }
    }
    Ok(MailStream::Tls(Box::new(StreamOwned::new(conn, tcp))))
}

/// One plain-words reason for a TLS failure (certificate not trusted, for another host name,
/// expired; no TLS on that port), with the hint that fixes it. Shared by IMAP and SMTP so both
/// say the same thing.
pub fn tls_reason(tls: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match tls {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "the server's certificate is not signed by a trusted authority (if the server \
             uses a private CA, set ca_file to that CA's PEM file)"
                .to_string()
        }
        rustls::Error::InvalidCertificate(C::NotValidForName)
        | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            "the server's certificate is issued for another host name; check the host setting"
                .to_string()
        }
        rustls::Error::InvalidCertificate(C::Expired)
        | rustls::Error::InvalidCertificate(C::ExpiredContext { .. }) => {
            "the server's certificate has expired".to_string()
        }
        rustls::Error::InvalidMessage(_) => {
            "the server did not answer with TLS (if this port expects STARTTLS, set \
             security = \"starttls\")"
                .to_string()
        }
        other => other.to_string(),
    }
}

/// One plain-words reason for a failed handshake, with the hint that fixes the usual causes.
fn handshake_reason(e: &io::Error) -> String {
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return tls_reason(tls);
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted => {
            "the server closed the connection during the TLS handshake (if this port expects \
             STARTTLS, set security = \"starttls\")"
                .to_string()
        }
        io::ErrorKind::InvalidData => format!(
            "the server did not answer with TLS ({e}); if this port expects STARTTLS, set \
             security = \"starttls\""
        ),
        _ => e.to_string(),
    }
}

/// IMAP with STARTTLS (RFC 3501 6.2.1, port 143): read the greeting, ask for CAPABILITY, refuse
/// unless STARTTLS is offered, upgrade. The returned stream is past the greeting, so the
/// IMAP connection made from it must not read one again.
pub fn imap_starttls(
    host: &str,
    port: u16,
    config: &Arc<ClientConfig>,
) -> Result<MailStream, NetError> {
    let mut tcp = connect_tcp(host, port)?;
    let io_err = |source| NetError::Io {
        host: host.to_string(),
        source,
    };
    let greeting = read_line(&mut tcp).map_err(io_err)?;
    if !greeting.starts_with("* OK") {
        return Err(NetError::StartTlsRefused {
            host: host.to_string(),
            answer: printable(&greeting),
        });
    }
    tcp.write_all(b"s1 CAPABILITY\r\n").map_err(io_err)?;
    let mut offered = false;
    loop {
        let line = read_line(&mut tcp).map_err(io_err)?;
        if line.starts_with("* ") {
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("* CAPABILITY ")
                && upper.split_ascii_whitespace().any(|c| c == "STARTTLS")
            {
                offered = true;
            }
        } else if let Some(rest) = line.strip_prefix("s1 ") {
            if !rest.to_ascii_uppercase().starts_with("OK") {
                return Err(NetError::StartTlsRefused {
                    host: host.to_string(),
                    answer: printable(&line),
                });
            }
            break;
        }
    }
    if !offered {
        return Err(NetError::StartTlsNotOffered {
            host: host.to_string(),
        });
    }
    tcp.write_all(b"s2 STARTTLS\r\n").map_err(io_err)?;
    loop {
        let line = read_line(&mut tcp).map_err(io_err)?;
        if let Some(rest) = line.strip_prefix("s2 ") {
            if !rest.to_ascii_uppercase().starts_with("OK") {
                return Err(NetError::StartTlsRefused {
                    host: host.to_string(),
                    answer: printable(&line),
                });
            }
            break;
        }
    }
    wrap_tls(tcp, host, config)
}

/// Reads one CRLF-terminated line byte by byte: nothing past the line may be consumed, because
/// after STARTTLS the next bytes on the socket belong to TLS.
fn read_line(tcp: &mut TcpStream) -> io::Result<String> {
    let mut line = Vec::with_capacity(128);
    let mut byte = [0u8; 1];
    loop {
        let n = tcp.read(&mut byte)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        line.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
        if line.len() > MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the server sent an overlong line",
            ));
        }
    }
    Ok(String::from_utf8_lossy(&line).trim_end().to_string())
}

/// Server text shown to the owner: control characters dropped, length bounded.
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    #[test]
    fn loopback_hosts() {
        for (host, want) in [
            ("localhost", true),
            ("LOCALHOST", true),
            ("127.0.0.1", true),
            ("127.1.2.3", true),
            ("::1", true),
            ("[::1]", true),
            ("imap.example.com", false),
            ("10.0.0.1", false),
            ("localhost.example.com", false),
            ("localhost.evil.com", false),
            ("128.0.0.1", false),
            ("", false),
        ] {
            assert_eq!(is_loopback_host(host), want, "{host}");
            assert_eq!(Security::None.allowed_to(host), want, "{host}");
            assert!(Security::Tls.allowed_to(host), "{host}");
            assert!(Security::StartTls.allowed_to(host), "{host}");
        }
    }

    #[test]
    fn security_words() {
        for (word, want) in [
            ("tls", Some(Security::Tls)),
            ("starttls", Some(Security::StartTls)),
            ("none", Some(Security::None)),
            (" tls ", Some(Security::Tls)),
            ("TLS", None),
            ("ssl", None),
            ("", None),
        ] {
            assert_eq!(Security::parse(word), want, "{word:?}");
        }
        for sec in [Security::Tls, Security::StartTls, Security::None] {
            assert_eq!(Security::parse(sec.as_str()), Some(sec));
        }
        assert_eq!(Security::default(), Security::Tls);
    }

    #[test]
    fn plaintext_to_remote_host_is_refused() {
        let err = connect_plain("imap.example.com", 143).unwrap_err();
        assert!(
            matches!(err, NetError::PlaintextNotLoopback { .. }),
            "{err}"
        );
    }

    #[test]
    fn tls_config_without_ca_file_uses_webpki_roots() {
        assert!(tls_config(None).is_ok());
    }

    #[test]
    fn missing_or_empty_ca_file_is_a_clear_error() {
        let err = tls_config(Some(Path::new("/nonexistent/ca.pem"))).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("cannot read the CA file /nonexistent/ca.pem"));
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = tls_config(Some(&empty)).unwrap_err();
        assert!(matches!(err, NetError::CaFileEmpty { .. }), "{err}");
    }

    /// A fake IMAP server that speaks only the pre-TLS part of the protocol.
    fn fake_server(script: &'static [(&'static str, &'static str)], greeting: &'static str) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.write_all(greeting.as_bytes()).unwrap();
            for (expect, answer) in script {
                let line = read_line(&mut s).unwrap();
                assert!(line.ends_with(expect), "{line}");
                s.write_all(answer.as_bytes()).unwrap();
            }
        });
        port
    }

    #[test]
    fn starttls_not_offered_is_refused() {
        let port = fake_server(
            &[(
                "CAPABILITY",
                "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\ns1 OK done\r\n",
            )],
            "* OK fake ready\r\n",
        );
        let cfg = tls_config(None).unwrap();
        let err = imap_starttls("127.0.0.1", port, &cfg).unwrap_err();
        assert!(matches!(err, NetError::StartTlsNotOffered { .. }), "{err}");
        assert!(err.to_string().contains("does not offer it"));
    }

    #[test]
    fn starttls_rejected_by_server_is_reported() {
        let port = fake_server(
            &[
                (
                    "CAPABILITY",
                    "* CAPABILITY IMAP4rev1 STARTTLS\r\ns1 OK done\r\n",
                ),
                ("STARTTLS", "s2 NO not now\r\n"),
            ],
            "* OK fake ready\r\n",
        );
        let cfg = tls_config(None).unwrap();
        let err = imap_starttls("127.0.0.1", port, &cfg).unwrap_err();
        assert!(matches!(err, NetError::StartTlsRefused { .. }), "{err}");
    }

    #[test]
    fn bye_greeting_is_refused() {
        let port = fake_server(&[], "* BYE too many connections\r\n");
        let cfg = tls_config(None).unwrap();
        let err = imap_starttls("127.0.0.1", port, &cfg).unwrap_err();
        assert!(err.to_string().contains("too many connections"), "{err}");
    }

    #[test]
    fn tls_to_a_plain_server_explains_starttls() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let _ = s.write_all(b"* OK plain imap server ready\r\n");
            let mut buf = [0u8; 512];
            let _ = s.read(&mut buf);
        });
        let cfg = tls_config(None).unwrap();
        let err = connect_tls("127.0.0.1", port, &cfg).unwrap_err();
        assert!(matches!(err, NetError::Handshake { .. }), "{err}");
        assert!(err.to_string().contains("starttls"), "{err}");
    }
}
