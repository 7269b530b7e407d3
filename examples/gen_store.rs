//! Writes a large, realistic shop store for the scale benchmark (`scripts/bench`), straight
//! through the store API (parse + ingest in batches, as a sync would).
//!
//! ```text
//! cargo run --release --example gen_store -- --config bench.toml --messages 100000
//! ```
//! The store goes to the config's `[store] path` (it must not exist yet), and is made with the
//! config's shop addresses and calendar, so `shopinbox --config bench.toml list` opens it
//! without recomputing anything. Prints one JSON line with what was written.

// Test code: a failed unwrap is a failed test (issue 25's lints are for production code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../benches/support/mod.rs"]
mod support;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use clap::Parser;
use shopinbox::config::Config;
use shopinbox::store::Store;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(about = "Generate a realistic shop store for benchmarks")]
struct Args {
    /// Config file: shop addresses, hours and `[store] path`.
    #[arg(long)]
    config: PathBuf,
    #[arg(long, default_value_t = 100_000)]
    messages: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The benchmark's "now" (RFC 3339); mail is placed in the three years before it.
    #[arg(long, default_value = support::NOW_RFC3339)]
    now: String,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let config = Config::load(&args.config)?;
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(&args.now)
        .with_context(|| format!("cannot read --now {:?} as RFC 3339", args.now))?
        .with_timezone(&Utc);
    let path = config.store_path();
    if path.exists() {
        bail!("{} exists already; remove it first", path.display());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let started = Instant::now();
    let mut store = Store::open(&path, support::context_of(&config))?;
    let mut last_report = Instant::now();
    let summary = support::generate(&mut store, args.messages, args.seed, now, |done| {
        if last_report.elapsed().as_secs() >= 5 {
            eprintln!("gen_store: {done} of {} messages", args.messages);
            last_report = Instant::now();
        }
    })?;
    let conversations = store.counts(now)?.all;
    drop(store);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"messages\":{},\"threads\":{},\"conversations\":{},\"raw_bytes\":{},\"seconds\":{:.2},\"messages_per_s\":{:.0}}}",
        summary.messages,
        summary.threads,
        conversations,
        summary.bytes,
        seconds,
        summary.messages as f64 / seconds.max(1e-9)
    );
    Ok(())
}
