//! Mail into the store: `sync` with the server and `import` of files.

use super::{clock_for, load_config, Cli, Env};
use anyhow::{bail, Result};
use std::io::Write;
use std::path::PathBuf;

/// `sync`: replies due go out, then the mailbox is pulled into the store.
pub(super) fn sync(cli: &Cli) -> Result<i32> {
    if cli.demo {
        bail!("the demo has no server to sync with; drop --demo to sync the configured account");
    }
    let (config, _) = load_config(cli)?;
    let clock = clock_for(cli.now.as_deref(), &config)?;
    // The connection is made while the replies go out and the store opens.
    let started = crate::sync::cli::start(&config);
    // Replies whose undo window ended while no inbox was open go out now.
    out!("{}", crate::send::cli::send_due_for_sync(&config, clock)?);
    let summary = crate::sync::cli::run_sync_cli(&config, clock, started)?;
    Ok(crate::sync::cli::exit_code(&summary))
}

/// `import`: .eml files, Maildirs and mbox files into the store.
pub(super) fn import(cli: &Cli, paths: &[PathBuf]) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    let summary = crate::import::import_paths(&mut env.store, paths)?;
    let count = |n: usize, one, many| crate::human_time::count(n as u64, one, many);
    outln!(
        "imported {} from {}; {} already in the store",
        count(summary.imported, "new message", "new messages"),
        count(summary.files, "file", "files"),
        summary.duplicates
    );
    for p in &summary.problems {
        outln!("  note: {p}");
    }
    if let Some(line) = crate::review::older_note(&env.store, env.now)? {
        outln!("{line}");
    }
    Ok(0)
}
