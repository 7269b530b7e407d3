//! `shopinbox orders import FILE.csv`: the shop's own order export as order history, merged
//! with the orders known from notification mails.

use super::Env;
use crate::outreach::import::{read_orders, ImportError};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

/// Reads and files the export; returns what to print. `dry_run`: read and report only.
pub(super) fn import(env: &mut Env, file: &Path, dry_run: bool) -> Result<String> {
    let bytes = std::fs::read(file).with_context(|| {
        format!(
            "cannot read the order export {}; check the path",
            file.display()
        )
    })?;
    let read = read_orders(
        &bytes,
        env.config.order_import.as_ref(),
        env.config.calendar.tz,
    )
    .map_err(|e: ImportError| {
        crate::exit::Exit::new(crate::exit::USAGE, format!("{}: {e}", file.display()))
    })?;
    let mut out = String::new();
    let n = read.orders.len();
    let _ = writeln!(
        out,
        "{} read from {} ({}).",
        crate::human_time::count(n as u64, "order", "orders"),
        file.display(),
        read.format.label()
    );
    let no_addr = read
        .orders
        .iter()
        .filter(|o| o.customer_email.is_none())
        .count();
    if dry_run {
        out.push_str("Nothing saved (--dry-run).\n");
    } else {
        let c = env.store.import_orders(&read.orders)?;
        let _ = writeln!(
            out,
            "{} new, {} already known from notification mails (now completed from the export), \
             {} imported before (updated).",
            c.new, c.merged, c.again
        );
    }
    if no_addr > 0 {
        let _ = writeln!(
            out,
            "{} without an email address: kept as history under the buyer's name, never \
             written to.",
            crate::human_time::count(no_addr as u64, "order", "orders")
        );
    }
    for s in &read.skipped {
        let _ = writeln!(out, "skipped {s}");
    }
    Ok(out)
}

/// `shopinbox orders …`.
#[derive(Debug, clap::Subcommand)]
pub enum OrdersArg {
    /// Read an order export (CSV) into the customers' order history; orders already known from
    /// notification mails are merged, never doubled.
    Import {
        /// The exported CSV file.
        file: std::path::PathBuf,
        /// Read and report only; save nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub(super) fn run(cli: &super::Cli, cmd: &OrdersArg) -> Result<i32> {
    match cmd {
        OrdersArg::Import { file, dry_run } => {
            let mut env = Env::open(cli, cli.demo)?;
            let text = import(&mut env, file, *dry_run)?;
            use std::io::Write;
            write!(std::io::stdout().lock(), "{text}")?;
            Ok(0)
        }
    }
}
