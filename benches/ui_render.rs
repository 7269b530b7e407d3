//! Frame render time of the inbox and a conversation with a large inbox behind the app.
//! Only the visible window of rows is in memory, so render time should not grow with the
//! store; this measures it with 100,000 conversations in an in-memory inbox. (Store query
//! time is the store's own benchmark.)

// Test code: a failed unwrap is a failed test (issue 25's lints are for production code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/it/ui_support/mod.rs"]
mod ui_support;

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use shopinbox::app::{Action, Command};
use ui_support::{Fake, MsgSpec};

fn big_inbox(n: usize) -> Fake {
    let mut fake = Fake::empty();
    for i in 0..n {
        let at = format!(
            "2026-11-{:02}T{:02}:{:02}:00Z",
            1 + (i / 1440) % 18,
            (i / 60) % 24,
            i % 60
        );
        let from = format!("customer{i}@example.com");
        let body = "Hello,\nwhere is my order #1042?\n\nOn Mon, Shop wrote:\n> shipped\n-- \nJohn";
        fake.add(
            &format!("Question about order {i}"),
            &[MsgSpec {
                from_name: "John Smith",
                from: &from,
                at: &at,
                body,
                shop: false,
            }],
            Some("2026-11-20T16:00:00Z"),
            None,
        );
    }
    fake
}

fn bench(c: &mut Criterion) {
    let mut app = big_inbox(100_000).into_app(100, 30);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    c.bench_function("draw inbox 100x30 (100k conversations)", |b| {
        b.iter(|| {
            terminal
                .draw(|f| shopinbox::ui::draw(f, &app))
                .map(|_| ())
                .expect("draw")
        })
    });
    app.update(Action::Command(Command::Open));
    c.bench_function("draw conversation 100x30", |b| {
        b.iter(|| {
            terminal
                .draw(|f| shopinbox::ui::draw(f, &app))
                .map(|_| ())
                .expect("draw")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
