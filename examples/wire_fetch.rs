//! The "wire limit" client of `scripts/bench`: fetches every message body of one IMAP folder
//! over implicit TLS and throws the bytes away, so the benchmark can show how fast the server
//! and the TLS connection can deliver mail at all, next to mbsync and `shopinbox sync`.
//!
//! It is deliberately minimal and independent of shopinbox's own IMAP code: a hand-rolled
//! response reader that streams literals into a sink (nothing is parsed or kept, memory stays
//! at a few hundred KB whatever the batch size), batched `UID FETCH … (BODY.PEEK[])` like a
//! real sync client, and two commands in flight so the server never waits for a round trip.
//!
//! ```text
//! cargo run --release --example wire_fetch -- --port 993 --ca-file ca.pem \
//!     --user test --password-env WIRE_PASSWORD [--batch 500] [--folder INBOX]
//! ```
//! Prints one JSON line: `{"messages":…,"bytes":…,"seconds":…,"mb_per_s":…}`.

// Test code: a failed unwrap is a failed test (issue 25's lints are for production code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use anyhow::{anyhow, bail, Context, Result};
use clap::Parser;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(about = "Fetch every message body of a folder over IMAP/TLS and discard it")]
struct Args {
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(long, default_value_t = 993)]
    port: u16,
    /// Extra CA certificate (PEM) to trust besides the public roots.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    #[arg(long)]
    user: String,
    /// Name of the environment variable holding the password (never a command-line argument).
    #[arg(long)]
    password_env: String,
    #[arg(long, default_value = "INBOX")]
    folder: String,
    /// Messages per UID FETCH command.
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Commands in flight at once (1 = wait for each answer before the next command).
    #[arg(long, default_value_t = 2)]
    window: usize,
}

/// Longest response line (outside literals) we accept; a `SEARCH` answer for 100,000 UIDs is
/// about 600 KB, so this only stops a broken server from growing memory without bound.
const MAX_LINE: usize = 64 << 20;
/// Largest literal we are prepared to skip.
const MAX_LITERAL: u64 = 1 << 32;

type Tls = StreamOwned<ClientConnection, TcpStream>;

fn main() -> Result<()> {
    let args = Args::parse();
    if args.batch == 0 || args.window == 0 {
        bail!("--batch and --window must be at least 1");
    }
    let password = std::env::var(&args.password_env).with_context(|| {
        format!(
            "cannot read the password: set the environment variable {}",
            args.password_env
        )
    })?;
    let started = Instant::now();
    let mut conn = Imap::connect(&args)?;
    conn.expect_greeting()?;
    conn.simple(&format!(
        "LOGIN {} {}",
        quoted(&args.user)?,
        quoted(&password)?
    ))?;
    conn.simple(&format!("EXAMINE {}", quoted(&args.folder)?))?;
    let uids = conn.search_all_uids()?;

    let mut stats = Stats::default();
    let mut pending: VecDeque<String> = VecDeque::new();
    for chunk in uids.chunks(args.batch) {
        if pending.len() >= args.window {
            if let Some(tag) = pending.pop_front() {
                conn.read_until_tagged(&tag, &mut stats, None)?;
            }
        }
        let tag = conn.send(&format!("UID FETCH {} (BODY.PEEK[])", uid_set(chunk)))?;
        pending.push_back(tag);
    }
    while let Some(tag) = pending.pop_front() {
        conn.read_until_tagged(&tag, &mut stats, None)?;
    }
    conn.simple("LOGOUT")?;

    let seconds = started.elapsed().as_secs_f64();
    if stats.messages != uids.len() as u64 {
        bail!(
            "the server answered {} of {} messages",
            stats.messages,
            uids.len()
        );
    }
    println!(
        "{{\"messages\":{},\"bytes\":{},\"seconds\":{:.3},\"mb_per_s\":{:.1}}}",
        stats.messages,
        stats.bytes,
        seconds,
        stats.bytes as f64 / 1e6 / seconds.max(1e-9)
    );
    Ok(())
}

#[derive(Debug, Default)]
struct Stats {
    /// Untagged FETCH responses seen.
    messages: u64,
    /// Literal bytes received (the message bodies).
    bytes: u64,
}

struct Imap {
    stream: BufReader<Tls>,
    next_tag: u32,
}

impl Imap {
    fn connect(args: &Args) -> Result<Imap> {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = &args.ca_file {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot open the CA file {}", path.display()))?;
            for cert in rustls::pki_types::CertificateDer::pem_reader_iter(file) {
                let cert =
                    cert.with_context(|| format!("cannot read the CA file {}", path.display()))?;
                roots
                    .add(cert)
                    .with_context(|| format!("cannot use the CA in {}", path.display()))?;
            }
        }
        let config =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .context("cannot set up TLS")?
                .with_root_certificates(roots)
                .with_no_client_auth();
        let name = ServerName::try_from(args.host.clone())
            .with_context(|| format!("cannot use {:?} as a TLS server name", args.host))?;
        let tcp = TcpStream::connect((args.host.as_str(), args.port))
            .with_context(|| format!("cannot connect to {}:{}", args.host, args.port))?;
        tcp.set_nodelay(true).context("cannot set TCP_NODELAY")?;
        let tls = ClientConnection::new(Arc::new(config), name).context("cannot start TLS")?;
        Ok(Imap {
            stream: BufReader::with_capacity(256 << 10, StreamOwned::new(tls, tcp)),
            next_tag: 1,
        })
    }

    fn expect_greeting(&mut self) -> Result<()> {
        let line = self.read_logical_line(&mut Stats::default())?;
        if !line.starts_with(b"* OK") && !line.starts_with(b"* PREAUTH") {
            bail!(
                "the server greeted with {:?}",
                String::from_utf8_lossy(&line)
            );
        }
        Ok(())
    }

    /// Sends one command and returns its tag.
    fn send(&mut self, command: &str) -> Result<String> {
        let tag = format!("w{}", self.next_tag);
        self.next_tag += 1;
        let stream = self.stream.get_mut();
        stream
            .write_all(format!("{tag} {command}\r\n").as_bytes())
            .and_then(|()| stream.flush())
            .context("cannot send a command to the server")?;
        Ok(tag)
    }

    fn simple(&mut self, command: &str) -> Result<()> {
        let tag = self.send(command)?;
        self.read_until_tagged(&tag, &mut Stats::default(), None)
    }

    fn search_all_uids(&mut self) -> Result<Vec<u32>> {
        let tag = self.send("UID SEARCH ALL")?;
        let mut uids = Vec::new();
        self.read_until_tagged(&tag, &mut Stats::default(), Some(&mut uids))?;
        uids.sort_unstable();
        Ok(uids)
    }

    /// Reads responses up to the tagged completion of `tag`; untagged FETCH responses are
    /// counted into `stats`, `* SEARCH` numbers collected into `search` when given.
    fn read_until_tagged(
        &mut self,
        tag: &str,
        stats: &mut Stats,
        mut search: Option<&mut Vec<u32>>,
    ) -> Result<()> {
        loop {
            let line = self.read_logical_line(stats)?;
            if let Some(rest) = line.strip_prefix(b"* ") {
                if let Some(numbers) = rest.strip_prefix(b"SEARCH") {
                    if let Some(out) = search.as_deref_mut() {
                        for n in String::from_utf8_lossy(numbers).split_ascii_whitespace() {
                            out.push(n.parse().with_context(|| {
                                format!("the server sent a bad UID {n:?} in SEARCH")
                            })?);
                        }
                    }
                } else if contains(rest, b" FETCH ") {
                    stats.messages += 1;
                }
                continue;
            }
            let text = String::from_utf8_lossy(&line);
            if let Some(status) = text.strip_prefix(tag).and_then(|s| s.strip_prefix(' ')) {
                if status.starts_with("OK") {
                    return Ok(());
                }
                bail!("the server refused {tag}: {}", status.trim_end());
            }
            if text.starts_with("+ ") || text == "+" {
                bail!("the server asked for a continuation we never requested");
            }
            // Responses to other pipelined tags never arrive here: answers come in order.
            return Err(anyhow!(
                "unexpected line from the server: {:?}",
                text.trim_end()
            ));
        }
    }

    /// One response line with every literal inside it skipped (their bytes are counted).
    fn read_logical_line(&mut self, stats: &mut Stats) -> Result<Vec<u8>> {
        let mut line = Vec::new();
        loop {
            let start = line.len();
            let n = (&mut self.stream)
                .take((MAX_LINE - start.min(MAX_LINE)) as u64 + 1)
                .read_until(b'\n', &mut line)
                .context("cannot read from the server")?;
            if n == 0 {
                bail!("the server closed the connection");
            }
            if line.len() > MAX_LINE {
                bail!("the server sent a response line longer than {MAX_LINE} bytes");
            }
            if !line.ends_with(b"\n") {
                bail!("the server closed the connection mid-line");
            }
            match literal_len(&line[start..]) {
                Some(len) if len <= MAX_LITERAL => {
                    let copied =
                        std::io::copy(&mut (&mut self.stream).take(len), &mut std::io::sink())
                            .context("cannot read a message from the server")?;
                    if copied != len {
                        bail!("the server closed the connection inside a message");
                    }
                    stats.bytes += len;
                    // The line goes on after the literal.
                }
                Some(len) => bail!("the server announced a {len}-byte literal"),
                None => {
                    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                        line.pop();
                    }
                    return Ok(line);
                }
            }
        }
    }
}

/// The length of a literal announced at the end of `line` (`… {1234}\r\n`, or `{1234+}`).
fn literal_len(line: &[u8]) -> Option<u64> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|b| *b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// An IMAP quoted string; refuses what a quoted string cannot carry.
fn quoted(s: &str) -> Result<String> {
    if s.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        bail!("a login value contains a line break or NUL");
    }
    Ok(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// A compact UID set for sorted `uids`: runs become `a:b`.
fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.wrapping_add(1) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_lengths() {
        let cases: [(&[u8], Option<u64>); 7] = [
            (b"* 1 FETCH (UID 5 BODY[] {1234}\r\n", Some(1234)),
            (b"* 1 FETCH (BODY[] {12+}\r\n", Some(12)),
            (b"* 1 FETCH (UID 5 FLAGS ())\r\n", None),
            (b"a OK done {x}\r\n", None),
            (b"{}\r\n", None),
            (b"{7}\n", Some(7)),
            (b"no newline {7}", None),
        ];
        for (line, want) in cases {
            assert_eq!(literal_len(line), want, "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn uid_sets() {
        let cases: [(&[u32], &str); 4] = [
            (&[], ""),
            (&[1], "1"),
            (&[1, 2, 3, 5, 7, 8], "1:3,5,7:8"),
            (&[10, 12, 13, 14], "10,12:14"),
        ];
        for (uids, want) in cases {
            assert_eq!(uid_set(uids), want);
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(quoted("se\"c\\ret").unwrap(), "\"se\\\"c\\\\ret\"");
        assert!(quoted("a\r\nb").is_err());
    }
}
