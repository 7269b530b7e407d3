//! A userspace TCP proxy that makes loopback look like a real internet line, for
//! `scripts/bench` ("first start"): every byte is delayed by `--delay-ms` in each direction
//! (20 ms each way = 40 ms round trip) and each direction is limited to `--mbit` (50 Mbit/s),
//! shared by all connections like one access line. Opening a connection costs one round trip
//! too (the proxy waits that long before it connects to the target), as a TCP handshake does.
//!
//! ```text
//! cargo run --release --example net_proxy -- --target 127.0.0.1:993 [--listen 127.0.0.1:0]
//!     [--delay-ms 20] [--mbit 50] [--burst-kb 16]
//! ```
//! Prints the address it listens on as its first line, then serves until it is killed.
//! With `NET_PROXY_TRACE=1` it also prints one line per chunk on stderr (direction, when it
//! was read and when it is released, in seconds since the start, and its size): how the
//! line idle time of a sync was found (BENCHMARKS.md, issue 22).
//!
//! Per direction one thread reads chunks (at most `--burst-kb`) and stamps each with the
//! instant [`link::Link`] says it may arrive; a second thread writes each chunk at its instant.
//! A bounded queue between the two (about 1 MB) stands in for the socket buffers, so a fast
//! sender is slowed down by back-pressure as it would be by TCP, not buffered without end.

// Test code: a failed unwrap is a failed test (issue 25's lints are for production code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod link;

use anyhow::{Context, Result};
use clap::Parser;
use link::Link;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(about = "TCP proxy adding delay and a rate limit (for benchmarks)")]
struct Args {
    /// Where to listen; port 0 picks a free one (printed on the first line).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Where to forward every connection.
    #[arg(long)]
    target: SocketAddr,
    /// One-way delay per direction, in milliseconds.
    #[arg(long, default_value_t = 20)]
    delay_ms: u64,
    /// Rate limit per direction in Mbit/s (0 = none).
    #[arg(long, default_value_t = 50)]
    mbit: u64,
    /// Token bucket size and largest chunk, in KiB.
    #[arg(long, default_value_t = 16)]
    burst_kb: u64,
}

/// Chunks in flight per direction and connection (with 16 KiB chunks: 1 MiB, four times the
/// bandwidth-delay product of 50 Mbit/s × 40 ms).
const QUEUE: usize = 64;

/// The emulated line, shared by every connection: one link per direction and the proxy's
/// clock origin.
struct Line {
    start: Instant,
    up: Mutex<Link>,
    down: Mutex<Link>,
    delay: Duration,
    chunk: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind(args.listen).context("cannot listen")?;
    let delay = Duration::from_millis(args.delay_ms);
    let burst = args.burst_kb.max(1) * 1024;
    let bits = args.mbit * 1_000_000;
    let line = Arc::new(Line {
        start: Instant::now(),
        up: Mutex::new(Link::new(bits, burst, delay)),
        down: Mutex::new(Link::new(bits, burst, delay)),
        delay,
        chunk: usize::try_from(burst).unwrap_or(16 * 1024),
    });
    println!("{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    for client in listener.incoming() {
        let Ok(client) = client else { continue };
        let line = line.clone();
        let target = args.target;
        thread::spawn(move || {
            if let Err(e) = serve(client, target, &line) {
                eprintln!("net_proxy: {e:#}");
            }
        });
    }
    Ok(())
}

fn serve(client: TcpStream, target: SocketAddr, line: &Arc<Line>) -> Result<()> {
    // The handshake's round trip.
    thread::sleep(line.delay * 2);
    let server = TcpStream::connect(target).with_context(|| format!("cannot reach {target}"))?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    pump(client.try_clone()?, server.try_clone()?, line.clone(), true);
    pump(server, client, line.clone(), false);
    Ok(())
}

/// Bytes from `from` to `to` through one direction of the line (`up`: client → server).
fn pump(from: TcpStream, to: TcpStream, line: Arc<Line>, up: bool) {
    let (tx, rx) = sync_channel::<(Duration, Option<Vec<u8>>)>(QUEUE);
    let reader_line = line.clone();
    thread::spawn(move || read_side(from, &reader_line, up, tx));
    thread::spawn(move || write_side(to, &line, rx));
}

fn read_side(
    mut from: TcpStream,
    line: &Line,
    up: bool,
    tx: SyncSender<(Duration, Option<Vec<u8>>)>,
) {
    let link = if up { &line.up } else { &line.down };
    let mut buf = vec![0u8; line.chunk];
    loop {
        let n = from.read(&mut buf).unwrap_or(0);
        let arrival = line.start.elapsed();
        let release = match link.lock() {
            Ok(mut l) => l.schedule(arrival, n),
            Err(_) => arrival + line.delay,
        };
        if trace() {
            eprintln!(
                "trace {} {:.6} {:.6} {n}",
                if up { "up" } else { "down" },
                arrival.as_secs_f64(),
                release.as_secs_f64()
            );
        }
        let chunk = (n > 0).then(|| buf[..n].to_vec());
        if tx.send((release, chunk)).is_err() || n == 0 {
            break;
        }
    }
    // Done (end of stream, or the writer is gone because its peer closed).
    let _ = from.shutdown(Shutdown::Read);
}

/// `NET_PROXY_TRACE=1`: one line per chunk on stderr (direction, when it was read, when it is
/// released, bytes), to find where a client leaves the line idle.
fn trace() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("NET_PROXY_TRACE").is_some())
}

fn write_side(mut to: TcpStream, line: &Line, rx: Receiver<(Duration, Option<Vec<u8>>)>) {
    for (release, chunk) in rx {
        let now = line.start.elapsed();
        if release > now {
            thread::sleep(release - now);
        }
        match chunk {
            Some(bytes) => {
                if to.write_all(&bytes).is_err() {
                    let _ = to.shutdown(Shutdown::Both);
                    return;
                }
            }
            None => {
                // The sender finished: pass the half-close on, in order.
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
