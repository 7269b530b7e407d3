//! The in-process half of the store-at-scale benchmark (`scripts/bench`): opens a store made
//! by `examples/gen_store.rs` the way the TUI does and measures
//!
//! - open → first drawn frame of the inbox (the real `App` and `ui::draw` into a ratatui
//!   `TestBackend`: everything the TUI does except writing to a terminal),
//! - switching to the "All" view, then one frame (update + draw) while scrolling down it
//!   line by line and page by page,
//! - full-text search latency (p50/p95/max over about fifty varied queries).
//!
//! Peak memory is taken from outside (`/usr/bin/time -v` in the script). Prints one JSON line.
//!
//! ```text
//! cargo run --release --example store_scale -- --config bench.toml
//! ```

// Test code: a failed unwrap is a failed test (issue 25's lints are for production code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../benches/support/mod.rs"]
mod support;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::Parser;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use shopinbox::app::{Action, App, AppOptions, Command};
use shopinbox::config::Config;
use shopinbox::store::Store;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(about = "Measure first frame, scrolling and search on a generated store")]
struct Args {
    #[arg(long)]
    config: PathBuf,
    #[arg(long, default_value = support::NOW_RFC3339)]
    now: String,
    /// Frames to draw while scrolling.
    #[arg(long, default_value_t = 400)]
    frames: usize,
    /// Terminal size of the drawn frames.
    #[arg(long, default_value_t = 160)]
    width: u16,
    #[arg(long, default_value_t = 48)]
    height: u16,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let config = Config::load(&args.config)?;
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(&args.now)
        .with_context(|| format!("cannot read --now {:?} as RFC 3339", args.now))?
        .with_timezone(&Utc);
    let path = config.store_path();

    let started = Instant::now();
    let store = Store::open(&path, support::context_of(&config))?;
    let mut screen = Screen::new(store, now, args.width, args.height)?;
    screen.draw()?;
    let first_frame = started.elapsed();

    // The scroll test walks the biggest view.
    let t = Instant::now();
    screen.view_all()?;
    screen.draw()?;
    let view_switch = t.elapsed();

    let mut frames = Vec::with_capacity(args.frames);
    for i in 0..args.frames {
        // Mostly line by line, every tenth frame a page: how an owner scrolls.
        let t = Instant::now();
        if i % 10 == 9 {
            screen.page_down()?;
        } else {
            screen.line_down()?;
        }
        screen.draw()?;
        frames.push(t.elapsed());
    }

    let queries = support::search_queries();
    let mut searches = Vec::with_capacity(queries.len());
    let mut by_query = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for q in &queries {
        let t = Instant::now();
        hits += screen.search(q)?;
        searches.push(t.elapsed());
        by_query.push((t.elapsed(), q.as_str()));
    }
    by_query.sort_unstable_by_key(|(d, _)| std::cmp::Reverse(*d));
    let slowest: Vec<String> = by_query
        .iter()
        .take(5)
        .map(|(d, q)| {
            format!(
                "{{\"query\":{},\"ms\":{:.1}}}",
                serde_json::to_string(q).unwrap_or_default(),
                ms(*d)
            )
        })
        .collect();

    println!(
        "{{\"first_frame_ms\":{:.2},\"view_all_ms\":{:.2},\"frames\":{},\"frame_p50_ms\":{:.3},\"frame_p95_ms\":{:.3},\"frame_max_ms\":{:.3},\"search_queries\":{},\"search_hits\":{},\"search_p50_ms\":{:.2},\"search_p95_ms\":{:.2},\"search_max_ms\":{:.2},\"search_slowest\":[{}],\"renderer\":\"{}\"}}",
        ms(first_frame),
        ms(view_switch),
        frames.len(),
        ms(percentile(&mut frames, 50)),
        ms(percentile(&mut frames, 95)),
        ms(percentile(&mut frames, 100)),
        queries.len(),
        hits,
        ms(percentile(&mut searches, 50)),
        ms(percentile(&mut searches, 95)),
        ms(percentile(&mut searches, 100)),
        slowest.join(","),
        Screen::RENDERER,
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentile (`p` in 1..=100) of the samples.
fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = (p * samples.len()).div_ceil(100).clamp(1, samples.len());
    samples[rank - 1]
}

/// The inbox as the TUI runs it: the real [`App`] on the real store, drawn by `ui::draw` into
/// a ratatui `TestBackend` of the given size (everything but the terminal's own output).
struct Screen {
    app: App,
    terminal: Terminal<TestBackend>,
}

impl Screen {
    const RENDERER: &'static str = "shopinbox::ui::draw on the App, ratatui TestBackend";

    fn new(store: Store, now: DateTime<Utc>, width: u16, height: u16) -> Result<Screen> {
        let options = AppOptions {
            fixed_now: Some(now),
            ..AppOptions::default()
        };
        let app = App::new(Box::new(store), options, now, width, height);
        let terminal = Terminal::new(TestBackend::new(width, height))
            .context("cannot create the test terminal")?;
        Ok(Screen { app, terminal })
    }

    fn view_all(&mut self) -> Result<()> {
        self.app.update(Action::Command(Command::ViewAll));
        Ok(())
    }

    fn line_down(&mut self) -> Result<()> {
        self.app.update(Action::Command(Command::Down));
        Ok(())
    }

    fn page_down(&mut self) -> Result<()> {
        self.app.update(Action::Command(Command::PageDown));
        Ok(())
    }

    fn draw(&mut self) -> Result<()> {
        let app = &self.app;
        self.terminal
            .draw(|f| shopinbox::ui::draw(f, app))
            .context("cannot draw")?;
        Ok(())
    }

    fn search(&mut self, q: &str) -> Result<usize> {
        // The same call (and limit) as the search overlay makes per keystroke.
        Ok(self.app.data.search(q, 50)?.len())
    }
}
