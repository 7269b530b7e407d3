//! `shopinbox sync`: one sync pass with a progress bar on stderr and a per-folder summary.

use super::lock::{self, SyncLock};
use super::{ImapAccount, SyncEvent, SyncSummary};
use crate::clock::Clock;
use crate::config::Config;
use crate::exit::Exit;
use crate::store::ShopContext;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// What `shopinbox sync` starts before anything else: the account (its password resolved
/// once) and its connection being made (see `connect_meanwhile`), so that the replies that go
/// out first, the lock and the store's opening do not wait for the round trips of TCP, TLS
/// and LOGIN, nor they for them. An error (no `[imap]`, no password) is kept for
/// [`run_sync_cli`] to report after those replies went out, as before.
pub struct Started {
    account: anyhow::Result<ImapAccount>,
    connecting: super::engine::Connecting,
}

/// Start the configured account's connection ([`Started`]).
pub fn start(cfg: &Config) -> Started {
    let account = match &cfg.imap {
        None => Err(anyhow::anyhow!(
            "cannot sync: the configuration has no [imap] section; add one (see config.example.toml)"
        )),
        Some(imap) => ImapAccount::from_config(imap).map_err(anyhow::Error::from),
    };
    let connecting = match &account {
        Ok(account) => super::engine::connect_meanwhile(account),
        Err(_) => None,
    };
    Started {
        account,
        connecting,
    }
}

/// `shopinbox sync` for the configured account, over the connection [`start`] began: opens
/// (creates) the store, syncs once with a progress bar, prints the summary.
pub fn run_sync_cli(cfg: &Config, clock: Clock, started: Started) -> anyhow::Result<SyncSummary> {
    let Started {
        account,
        connecting,
    } = started;
    let account = account?;
    let store_path = cfg.store_path();
    let _lock = take_sync_lock(&store_path)?;
    let ctx = cfg.shop_context(clock);
    // Write-back left over from sends and opened conversations (Sent copies, \Answered,
    // \Seen): the owner asked for a sync, so every pending job runs now, back-off or not
    // (but a Sent copy waiting for the provider's own, `save_sent = "auto"`, waits until
    // due), and first, so that this sync already brings their result into the store.
    if let Ok(mut store) = crate::store::Store::open(&store_path, ctx.clone()) {
        // `[sharing]` (issue 26), remembered in the store for the sync pass.
        store.set_sharing(cfg.sharing.as_deref())?;
        let report = super::run_jobs(
            &account,
            store.connection(),
            super::jobs::Select::waited(clock.now()),
            clock.now(),
        );
        if let Some(line) = format_jobs(&report) {
            writeln!(std::io::stdout(), "{line}")?;
        }
    }
    run_sync(&account, &store_path, &ctx, connecting)
}

/// One sync per store at a time (see [`SyncLock`]): waits up to [`lock::CLI_WAIT`] for a
/// running one (the inbox's worker, a cron job), then gives up with exit code 5.
fn take_sync_lock(store_path: &Path) -> anyhow::Result<SyncLock> {
    let lock = match SyncLock::try_acquire(store_path) {
        Ok(Some(lock)) => Some(lock),
        Ok(None) => {
            if std::io::stderr().is_terminal() {
                eprintln!("waiting for the other sync of this store to finish…");
            }
            SyncLock::acquire_within(store_path, lock::CLI_WAIT)
                .with_context(|| lock_failed(store_path))?
        }
        Err(e) => return Err(anyhow::Error::new(e).context(lock_failed(store_path))),
    };
    lock.ok_or_else(|| {
        Exit::new(
            crate::exit::BUSY,
            "another sync of this store is running (the open inbox or another `shopinbox sync`); \
             it fetches the same mail, so this one stopped",
        )
        .into()
    })
}

fn lock_failed(store_path: &Path) -> String {
    format!(
        "cannot sync: cannot lock {}; check that the store's folder is writable",
        lock::lock_path(store_path).display()
    )
}

/// One line about the write-back jobs run with a sync, `None` when there were none.
pub fn format_jobs(r: &super::JobsReport) -> Option<String> {
    if r.done == 0 && r.waiting == 0 && r.failed == 0 {
        return None;
    }
    let mut line = format!(
        "write-back to the server (Sent copies, answered flags): {} done",
        r.done
    );
    if r.failed > 0 {
        line.push_str(&format!(", {} failed", r.failed));
    }
    if r.waiting > 0 {
        line.push_str(&format!(", {} waiting", r.waiting));
    }
    if r.waiting > 0 || r.failed > 0 {
        if let Some(p) = r.problems.first() {
            line.push_str(&format!(" ({p})"));
        }
    }
    Some(line)
}

/// One sync with a progress bar on stderr and the summary on stdout.
pub fn run_sync(
    account: &ImapAccount,
    store_path: &Path,
    ctx: &ShopContext,
    connecting: super::engine::Connecting,
) -> anyhow::Result<SyncSummary> {
    let bar = ProgressBar::hidden();
    let style = ProgressStyle::with_template(
        "{prefix:>8} [{bar:30}] {pos}/{len} messages ({per_sec}, {eta} left)",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    let first_day = std::cell::Cell::new(false);
    let mut on_event = |e: SyncEvent| match e {
        SyncEvent::WindowSynced => first_day.set(true),
        SyncEvent::Folder { name, total } if total > 0 => {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_style(style.clone());
            bar.set_prefix(crate::sync::server_text::printable(&name));
            bar.set_length(total as u64);
            bar.set_position(0);
            bar.reset_eta();
        }
        SyncEvent::Progress { done, .. } => bar.set_position(done as u64),
        // A first sync's history, after today's mail is stored: one bar for all folders.
        SyncEvent::History { done, total } => {
            if bar.prefix() != "history" {
                bar.reset();
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_style(style.clone());
                bar.set_prefix("history");
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        SyncEvent::FolderDone { .. } => bar.finish_and_clear(),
        _ => {}
    };
    // The LOGOUT's round trip overlaps with the summary and the store's closing.
    let (summary, store, closing) = super::engine::sync_once_keeping_store(
        account,
        store_path,
        ctx,
        connecting,
        &mut on_event,
    )?;
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", format_summary(&summary))?;
    // The first sync of a mailbox: say where the older mail went (issue 11).
    if first_day.get() {
        if let Some(line) = crate::review::older_note(&store, ctx.clock.now())? {
            writeln!(out, "{line}")?;
        }
    }
    drop(store);
    closing.wait();
    Ok(summary)
}

/// The exit code of a sync that returned a summary: 0, or [`crate::exit::PARTIAL`] when some
/// folders could not be synced (a sync that synced nothing fails with an error instead).
pub fn exit_code(s: &SyncSummary) -> i32 {
    if s.failed.is_empty() {
        crate::exit::OK
    } else {
        crate::exit::PARTIAL
    }
}

/// The inbox's status line after a partial sync: one line, `None` when every folder synced.
pub fn partial_line(s: &SyncSummary) -> Option<String> {
    let first = s.failed.first()?;
    let names: Vec<String> = s
        .failed
        .iter()
        .map(|f| crate::sync::server_text::printable(&f.folder))
        .collect();
    Some(format!(
        "Synced {} of {} folders; not synced: {} ({})",
        s.folders.len(),
        s.folders.len() + s.failed.len(),
        names.join(", "),
        crate::sync::server_text::printable(&first.reason)
    ))
}

/// The summary as printed: one line per folder, then the totals and speed.
pub fn format_summary(s: &SyncSummary) -> String {
    let mut lines: Vec<String> = s
        .folders
        .iter()
        .map(|f| {
            let mut line = format!(
                "{}: {} new, {} changed, {} removed",
                crate::sync::server_text::printable(&f.folder),
                f.new,
                f.changed,
                f.removed
            );
            if f.vanished > 0 {
                line.push_str(&format!(
                    ", {} deleted or moved by another client during the sync (skipped)",
                    f.vanished
                ));
            }
            if f.rebuilt {
                line.push_str(" (folder was recreated on the server: rebuilt)");
            }
            line
        })
        .collect();
    let secs = s.elapsed.as_secs_f64();
    let downloaded = s.downloaded();
    let rate = if secs > 0.0 && downloaded > 0 {
        format!(", {:.0} messages/s", downloaded as f64 / secs)
    } else {
        String::new()
    };
    for f in &s.failed {
        lines.push(format!(
            "{}: not synced: {}",
            crate::sync::server_text::printable(&f.folder),
            // A sentence of ours around the server's (already bounded) words: not cut short.
            crate::mail::sanitize::line(&f.reason)
        ));
    }
    if let Some(r) = &s.sharing {
        lines.push(crate::mail::sanitize::line(&r.line()));
    }
    for n in &s.notices {
        lines.push(format!("note: {}", crate::mail::sanitize::line(n)));
    }
    let partial = if s.failed.is_empty() {
        String::new()
    } else {
        format!(
            " ({} of {} folders synced)",
            s.folders.len(),
            s.folders.len() + s.failed.len()
        )
    };
    lines.push(format!(
        "synced in {secs:.1} s: {downloaded} downloaded{rate}{partial}"
    ));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::FolderSummary;
    use std::time::Duration;

    #[test]
    fn jobs_line_only_when_there_were_jobs() {
        assert_eq!(format_jobs(&crate::sync::JobsReport::default()), None);
        let r = crate::sync::JobsReport {
            done: 2,
            waiting: 1,
            failed: 0,
            problems: vec!["cannot connect to imap.example.com".into()],
        };
        assert_eq!(
            format_jobs(&r).unwrap(),
            "write-back to the server (Sent copies, answered flags): 2 done, 1 waiting \
             (cannot connect to imap.example.com)"
        );
    }

    #[test]
    fn summary_lines() {
        let s = SyncSummary {
            folders: vec![
                FolderSummary {
                    folder: "INBOX".into(),
                    new: 10,
                    changed: 2,
                    removed: 1,
                    vanished: 2,
                    downloaded: 10,
                    bytes: 100,
                    rebuilt: false,
                    ..Default::default()
                },
                FolderSummary {
                    folder: "Sent\x1b[2J".into(),
                    rebuilt: true,
                    ..Default::default()
                },
            ],
            elapsed: Duration::from_millis(2000),
            ..SyncSummary::default()
        };
        assert_eq!(
            format_summary(&s),
            "INBOX: 10 new, 2 changed, 1 removed, 2 deleted or moved by another client during \
             the sync (skipped)\n\
             Sent: 0 new, 0 changed, 0 removed (folder was recreated on the server: rebuilt)\n\
             synced in 2.0 s: 10 downloaded, 5 messages/s"
        );
        let idle = SyncSummary::default();
        assert_eq!(format_summary(&idle), "synced in 0.0 s: 0 downloaded");
        let partial = SyncSummary {
            folders: vec![FolderSummary {
                folder: "INBOX".into(),
                new: 1,
                ..Default::default()
            }],
            failed: vec![crate::sync::FolderFailure {
                folder: "Bestellungen-\u{c4}".into(),
                reason: "cannot open the folder \"Bestellungen-\u{c4}\" on h: the server \
                         answered \"Mailbox does not exist\"\x1b[2J"
                    .into(),
            }],
            notices: vec!["h has no Sent folder".into()],
            ..SyncSummary::default()
        };
        assert_eq!(
            format_summary(&partial),
            "INBOX: 1 new, 0 changed, 0 removed\n\
             Bestellungen-\u{c4}: not synced: cannot open the folder \"Bestellungen-\u{c4}\" on h: \
             the server answered \"Mailbox does not exist\"\n\
             note: h has no Sent folder\n\
             synced in 0.0 s: 0 downloaded (1 of 2 folders synced)"
        );
        assert_eq!(exit_code(&partial), crate::exit::PARTIAL);
        assert_eq!(exit_code(&idle), crate::exit::OK);
        assert_eq!(
            partial_line(&partial).unwrap(),
            "Synced 1 of 2 folders; not synced: Bestellungen-\u{c4} (cannot open the folder \
             \"Bestellungen-\u{c4}\" on h: the server answered \"Mailbox does not exist\")"
        );
        assert_eq!(partial_line(&idle), None);
    }
}
