//! In-process benches of what the inbox does on every keystroke, on a large generated store
//! (`benches/support`): one page of a view, the view counts of the header line, full-text
//! search, loading a conversation, and parsing one typical message (the per-message CPU cost
//! of sync).
//!
//! The store has `SHOPINBOX_BENCH_MESSAGES` messages (default 100,000) and is generated once
//! into Cargo's target tmp dir (about a minute), then reused by later runs.
//!
//! ```text
//! cargo bench --bench store               # everything
//! cargo bench --bench store -- search     # only the search benches
//! ```

// Test code: a failed unwrap is a failed test (issue 25's lints are for production code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use shopinbox::mail::parse::parse_message;
use shopinbox::store::{Store, View};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// Bump when the generator changes, so a cached store of the old shape is not reused.
const GENERATOR_VERSION: u32 = 1;

/// `cargo test --all-targets` runs this bench once as a smoke test (no `--bench` argument):
/// then a small store is enough and the test suite does not spend a minute generating.
fn bench_messages() -> usize {
    if !std::env::args().any(|a| a == "--bench") {
        return 2_000;
    }
    std::env::var("SHOPINBOX_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(100_000)
}

/// Opens the cached bench store, generating it first when missing.
fn open_store() -> Store {
    let n = bench_messages();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("bench-store-v{GENERATOR_VERSION}-{n}.db"));
    let done = path.with_extension("done");
    if !done.exists() {
        eprintln!(
            "generating a {n}-message store at {} (once)",
            path.display()
        );
        // A half-generated store from an interrupted run is emptied by SQLite, not deleted:
        // only SQLite touches the database file.
        let mut store = Store::open_empty(&path, support::shop_context()).unwrap();
        support::generate(&mut store, n, 1, support::now(), |_| {}).unwrap();
        drop(store);
        std::fs::write(&done, b"").unwrap();
    }
    Store::open(&path, support::shop_context()).unwrap()
}

fn store_benches(c: &mut Criterion) {
    let store = open_store();
    let now = support::now();
    let page = 50;
    let all = store.counts(now).unwrap().all;

    let mut g = c.benchmark_group("store");
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("counts", |b| {
        b.iter(|| black_box(store.counts(now).unwrap()))
    });
    for view in [
        View::NeedsReply,
        View::Overdue,
        View::All,
        View::NotCustomer,
    ] {
        g.bench_with_input(
            BenchmarkId::new("list_first_page", view.label()),
            &view,
            |b, &view| b.iter(|| black_box(store.list(view, now, 0, page).unwrap())),
        );
    }
    g.bench_function("list_all_page_in_the_middle", |b| {
        b.iter(|| black_box(store.list(View::All, now, all / 2, page).unwrap()))
    });
    g.bench_function("list_all_last_page", |b| {
        b.iter(|| {
            black_box(
                store
                    .list(View::All, now, all.saturating_sub(page), page)
                    .unwrap(),
            )
        })
    });
    let first = store.list(View::All, now, 0, 1).unwrap();
    if let Some(row) = first.first() {
        let id = row.id;
        g.bench_function("conversation_messages", |b| {
            b.iter(|| black_box(store.conversation_messages(id).unwrap()))
        });
    }
    g.finish();

    // A search over 100,000 messages can take a second (short prefixes): few samples.
    let mut g = c.benchmark_group("search");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(8));
    for q in [
        "refund",
        "tr",
        "Müller",
        "dishwasher safe",
        "48213",
        "xylophone",
    ] {
        g.bench_with_input(BenchmarkId::from_parameter(q), &q, |b, q| {
            b.iter(|| black_box(store.search(q, 50).unwrap()))
        });
    }
    g.finish();
}

fn parse_benches(c: &mut Criterion) {
    let raw = support::typical_message();
    c.bench_function("parse_message/typical_customer_mail", |b| {
        b.iter(|| black_box(parse_message(black_box(&raw))))
    });
}

criterion_group!(benches, parse_benches, store_benches);
criterion_main!(benches);
