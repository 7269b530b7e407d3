//! Replies from the command line: `reply`, `outbox` and `templates`.

use super::{Cli, Env};
use anyhow::Result;
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum OutboxArg {
    /// List the outbox (the default).
    List,
    /// Try a failed reply again now.
    Retry {
        /// Outbox id.
        id: i64,
    },
    /// Send an uncertain reply again (it may then arrive twice).
    Resend {
        /// Outbox id.
        id: i64,
    },
    /// Settle an uncertain reply as delivered.
    MarkSent {
        /// Outbox id.
        id: i64,
    },
    /// Drop a reply that was not sent (queued, failed or uncertain); one being sent is refused.
    Discard {
        /// Outbox id.
        id: i64,
    },
}

/// `reply ID --template NAME`: a reply from a template, shown or sent.
pub(super) fn reply(
    cli: &Cli,
    id: i64,
    template: &str,
    send: bool,
    raw: bool,
    attach: &[PathBuf],
) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    let outbox_dir = env.demo_outbox_dir()?;
    let mut write_back = crate::send::imap::write_back_for(&env.config, env.demo)?;
    let args = crate::send::cli::ReplyArgs {
        conversation: id,
        template,
        send,
        raw,
        demo_dir: outbox_dir.as_deref(),
        attach,
    };
    let out = crate::send::cli::reply_cli(
        &env.config,
        &mut env.store,
        args,
        write_back.as_mut(),
        env.now,
    )
    .map_err(crate::send::cli::exit_error)?;
    out!("{out}");
    if let (true, Some(dir)) = (send, &outbox_dir) {
        outln!(
            "(demo: the reply was written to {} instead of a mail server)",
            crate::mail::sanitize::line(&dir.display().to_string())
        );
    }
    Ok(0)
}

/// `outbox`: list the outbox, or retry, resend, settle or drop a reply.
pub(super) fn outbox(cli: &Cli, command: &Option<OutboxArg>) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    let outbox_dir = env.demo_outbox_dir()?;
    let mut write_back = crate::send::imap::write_back_for(&env.config, env.demo)?;
    use crate::send::cli::OutboxCommand as C;
    let cmd = match command {
        None | Some(OutboxArg::List) => C::List,
        Some(OutboxArg::Retry { id }) => C::Retry(*id),
        Some(OutboxArg::Resend { id }) => C::ResendUncertain(*id),
        Some(OutboxArg::MarkSent { id }) => C::MarkSent(*id),
        Some(OutboxArg::Discard { id }) => C::Discard(*id),
    };
    let out = crate::send::cli::outbox_cli(
        &env.config,
        &mut env.store,
        cmd,
        outbox_dir.as_deref(),
        write_back.as_mut(),
        env.now,
    )
    .map_err(crate::send::cli::exit_error)?;
    out!("{out}");
    Ok(0)
}

/// `templates`: every template with its language, and the problems found.
pub(super) fn templates(cli: &Cli) -> Result<i32> {
    let env = Env::open(cli, cli.demo)?;
    let (templates, errors) = crate::send::flow::load_templates(&env.config);
    // File names are printed cleaned, like everything that may hold control characters.
    let clean = crate::mail::sanitize::line;
    outln!(
        "Templates in {}:",
        clean(&env.config.templates_dir().display().to_string())
    );
    for t in &templates {
        let offers = t.offer_keys();
        let needs = if offers.is_empty() {
            String::new()
        } else {
            format!("  (uses [offers] {})", clean(&offers.join(", ")))
        };
        outln!(
            "  {:<28} {:<3} {}{needs}",
            clean(&t.slug()),
            t.language.code(),
            clean(&t.name)
        );
    }
    for e in &errors {
        outln!("  problem: {}", clean(&e.to_string()));
    }
    Ok(if errors.is_empty() { 0 } else { 1 })
}
