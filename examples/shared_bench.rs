//! Issue 26 bench: what sharing costs a sync pass, against a private Dovecot (the test harness
//! in tests/it/support).
//!
//! 1. A store with 10,000 shared marks (all uploaded) and a 1,000-message INBOX: a sync pass
//!    with nothing new, sharing on vs. off (runs interleaved; medians). Target: ≤ 50 ms more.
//! 2. A copy that missed 500 changes (50 change sets): its catching-up pass, minus a pass with
//!    nothing new. Target: ≤ 1 s on loopback.
//!
//! ```text
//! cargo run --release --example shared_bench
//! ```
//!
//! Figures: BENCHMARKS.md, "Sharing (issue 26)" (2026-12-07 14:29 UTC, release: +0.3 ms for the
//! no-change pass with 10,000 marks; a 51 ms pass catching up 500 changes).

// Test code: a failed unwrap is a failed test (issue 25's lints are for production code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#[path = "../tests/it/support/mod.rs"]
mod support;

use shopinbox::store::Store;
use shopinbox::sync::{sync_store, ImapAccount, Security, SyncOptions};
use std::path::Path;
use std::time::{Duration, Instant};
use support::MailServers;

const SHOP: &str = "shop@example.org";
const NOW: &str = "2026-11-24T10:00:00+01:00";

fn account(s: &MailServers) -> ImapAccount {
    ImapAccount {
        host: "localhost".into(),
        port: s.imaps_port,
        security: Security::Tls,
        username: s.user.clone(),
        password: s.password.clone(),
        password_from: String::new(),
        oauth2: None,
        ca_file: Some(s.ca.clone()),
        sent_folder: None,
        extra_folders: vec![],
    }
}

fn open(path: &Path, name: Option<&str>, now: &str) -> Store {
    let mut st = Store::open(path, support::berlin_shop(SHOP, now)).expect("open the store");
    st.set_sharing(name).expect("set sharing");
    st
}

fn pass(s: &MailServers, st: &mut Store) -> Duration {
    let t = Instant::now();
    sync_store(&account(s), st, &SyncOptions::default(), &mut |_| {}).expect("sync");
    t.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let s = MailServers::start();
    s.generate_inbox(1000, 7, &[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let a_path = dir.path().join("a.db");
    let b_path = dir.path().join("b.db");

    // 10,000 marks: notes and first names on 5,000 customers.
    {
        let mut a = open(&a_path, Some("Anna"), NOW);
        pass(&s, &mut a);
        for i in 0..5000 {
            let addr = format!("customer{i}@example.com");
            a.add_note(&addr, &format!("note {i}")).expect("note");
            a.set_first_name(&addr, Some("Kim")).expect("name");
        }
        let t = Instant::now();
        pass(&s, &mut a);
        println!(
            "upload of 10,000 marks (one pass, 20 change sets): {:.0} ms",
            ms(t.elapsed())
        );
        let pending = a.shared_pending().expect("pending");
        assert_eq!(pending, 0);
    }
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let mut a = open(&a_path, Some("Anna"), NOW);
        on.push(pass(&s, &mut a));
        let mut a = open(&a_path, None, NOW);
        off.push(pass(&s, &mut a));
    }
    let (on, off) = (median(on), median(off));
    println!(
        "no-change pass, 1,000 messages, 10,000 shared marks: sharing on {:.1} ms, off {:.1} ms, \
         difference {:+.1} ms (target ≤ 50 ms)",
        ms(on),
        ms(off),
        ms(on) - ms(off)
    );

    // B reads the 10,000 first (a copy set up later), then misses 500 changes.
    {
        let mut b = open(&b_path, Some("Ben"), NOW);
        let t = Instant::now();
        pass(&s, &mut b);
        println!(
            "a new copy's first pass (1,000 messages + 10,000 marks): {:.0} ms",
            ms(t.elapsed())
        );
    }
    for round in 0..50 {
        let now = format!("2026-11-24T11:{round:02}:00+01:00");
        let mut a = open(&a_path, Some("Anna"), &now);
        for i in 0..10 {
            let n = round * 10 + i;
            a.add_note("c@example.com", &format!("late note {n}"))
                .expect("note");
        }
        pass(&s, &mut a);
    }
    let mut b = open(&b_path, Some("Ben"), NOW);
    let t = Instant::now();
    pass(&s, &mut b);
    let catch_up = t.elapsed();
    let idle = median((0..5).map(|_| pass(&s, &mut b)).collect());
    assert_eq!(b.notes("c@example.com").expect("notes").len(), 500);
    println!(
        "catch-up of 500 changes in 50 sets: pass {:.0} ms, a pass with nothing new {:.0} ms, \
         catching up {:.0} ms (target ≤ 1000 ms)",
        ms(catch_up),
        ms(idle),
        ms(catch_up) - ms(idle)
    );
}
