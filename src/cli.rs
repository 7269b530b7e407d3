//! The command line: argument parsing and dispatch. Each command is a thin adapter from
//! arguments to library calls; errors become one clear sentence on stderr and an exit code
//! (2 for configuration problems, 1 for everything else), never a panic or a backtrace.
//! [`run`] only dispatches: each family of commands lives in its own module below.

use crate::config::ConfigError;
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// `println!` that hands a closed pipe (`shopinbox outbox | head -1`) back as an error, which
/// [`main`] turns into a quiet exit, instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)?
    };
}

/// `print!` with the same closed-pipe handling as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        write!(std::io::stdout().lock(), $($arg)*)?
    };
}

mod account;
mod attachments;
mod bulk;
mod check;
mod completions;
mod customer;
mod env;
mod inbox;
mod mail_in;
mod marks;
mod notify;
mod orders;
mod proactive;
mod review;
mod send;
mod trust;

pub use check::ConfigCommand;
pub use customer::NotesCommand;
pub use env::{clock_for, load_config, open_store, parse_time, Env};
pub use inbox::{ListArgs, ViewArg};
pub use marks::{rules_text, RulesArg};
pub use send::OutboxArg;

/// shopinbox: the customer inbox for a small online shop, in your terminal.
///
/// With no command it opens the inbox (TUI) on the configured account.
#[derive(Debug, Parser)]
#[command(name = "shopinbox", version, about, long_about = None, after_help = crate::exit::HELP)]
pub struct Cli {
    /// Configuration file (default: the XDG config dir, e.g. ~/.config/shopinbox/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Work on a fresh copy of the built-in demo shop instead of the configured account.
    #[arg(long, global = true)]
    pub demo: bool,

    /// Pretend the time is TIME ("2026-11-24 10:00" in the shop's time zone, or RFC 3339).
    #[arg(long, global = true, value_name = "TIME")]
    pub now: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the inbox on the embedded sample shop mailbox (no server needed).
    Demo {
        /// Print the inbox instead of opening the full-screen interface.
        #[arg(long)]
        print: bool,
    },
    /// Pull the shop mailbox from the IMAP server into the local store.
    Sync,
    /// List conversations (for scripts: add --json).
    List(ListArgs),
    /// Show one conversation (by the id `list` prints).
    Show {
        /// Conversation id.
        id: i64,
        /// List the conversation's attachments, numbered for `attachment ID N`.
        #[arg(long)]
        attachments: bool,
    },
    /// Save attachment N of a conversation (numbers from `show ID --attachments`) into your
    /// Downloads folder under a safe name, never overwriting; -o gives a file or folder.
    Attachment {
        /// Conversation id.
        id: i64,
        /// Attachment number.
        n: usize,
        /// Where to write it (a new file, or a folder).
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Import .eml files, Maildirs or mbox files into the store.
    Import {
        /// Files or folders to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// The morning report: overdue, due today, follow-ups promised for today.
    /// Exits with 1 when something is overdue (for cron and scripts).
    Overdue {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Response-time statistics.
    Stats {
        /// How many days back, today included.
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Notes about a customer ("refund sent 12 Nov").
    Notes {
        /// The customer's address.
        customer: String,
        #[command(subcommand)]
        command: Option<NotesCommand>,
    },
    /// A customer's history: conversations, orders mentioned, notes, and the first name replies
    /// greet them with (correct it once with --first-name and it is remembered). Give the
    /// address or part of the name ("anna schmidt"); several matches are listed.
    Customer {
        /// The customer's address, or words of their name or address.
        customer: String,
        /// Greet this customer by this first name from now on.
        #[arg(long, value_name = "NAME")]
        first_name: Option<String>,
        /// Forget the corrected first name and guess it from the mail again.
        #[arg(long, conflicts_with = "first_name")]
        clear_first_name: bool,
    },
    /// Import the shop's own order export: `orders import FILE.csv` (Shopify, WooCommerce,
    /// Etsy, or the columns named in [orders.import]).
    Orders {
        #[command(subcommand)]
        command: orders::OrdersArg,
    },
    /// Tell the customers an event affects: choose them by their orders, read every message,
    /// then send (one message each, at your provider's pace).
    Notify {
        #[command(subcommand)]
        command: notify::NotifyArg,
    },
    /// Dismiss possible duplicate orders ("not a duplicate"); --undo brings them back.
    /// Several ids change together or not at all.
    NotDuplicate {
        /// Conversation ids of "Possible duplicate order" items.
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        /// Bring a dismissed duplicate back into Needs reply.
        #[arg(long)]
        undo: bool,
    },
    /// Say a sender's mail is not suspicious: the red badge leaves their conversations, new
    /// mail included; --undo checks their mail again. Without an address: the senders marked
    /// fine.
    NotSuspicious {
        /// The sender's address (as `list` and `show` print it).
        #[arg(value_name = "ADDR")]
        addr: Option<String>,
        /// Take it back: the sender's mail is checked for fraud again.
        #[arg(long, requires = "addr")]
        undo: bool,
    },
    /// Snooze conversations until a time: `snooze 12 13 14 "2026-11-25 09:00"`, or `--clear`.
    /// Several ids change together or not at all.
    Snooze {
        /// Conversation ids, then until when (shop time or RFC 3339; always the last word).
        #[arg(required = true, value_name = "ID... [UNTIL]")]
        words: Vec<String>,
        /// Bring them back now.
        #[arg(long)]
        clear: bool,
        /// Snooze even when a conversation is due (or overdue) before the snooze ends; it
        /// stays in the morning report's overdue list, marked as snoozed.
        #[arg(long)]
        past_deadline: bool,
    },
    /// Mark conversations answered outside the mailbox (by phone, in person); --clear takes
    /// the mark back. Several ids change together or not at all.
    Answered {
        /// Conversation ids (as `list` prints them).
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        /// Clear the answered mark instead.
        #[arg(long)]
        clear: bool,
    },
    /// Reply to a conversation with a template: prints the message; --send queues and sends it.
    Reply {
        /// Conversation id (as `list` prints it).
        id: i64,
        /// Template name (file name without .txt, or its display name); see `templates`.
        #[arg(long, short)]
        template: String,
        /// Put the reply in the outbox and send it now.
        #[arg(long)]
        send: bool,
        /// Print the message as it goes on the wire (RFC 5322: encoded headers and body)
        /// instead of decoded for reading.
        #[arg(long)]
        raw: bool,
        /// Attach a file (repeat for several); the outbox keeps its bytes.
        #[arg(long, value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
    /// Replies waiting to be sent, failed or uncertain; retry or settle them.
    Outbox {
        #[command(subcommand)]
        command: Option<OutboxArg>,
    },
    /// List the reply templates: name, language, the [offers] they use, and any mistakes.
    Templates,
    /// Sign in to Google, Microsoft or another OAuth 2.0 provider for the servers with
    /// auth = "oauth2" (prints an address to open; --device prints a code instead).
    Login {
        /// Sign in with a code entered on another device (RFC 8628), for machines without a
        /// browser.
        #[arg(long)]
        device: bool,
        /// Only print the address; do not open a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Type a new mailbox password; shopinbox keeps it in the system keyring (else a file
    /// readable only by you) for the servers with password_keyring = true.
    Password {
        /// Read the password from standard input's first line instead of asking (scripts).
        #[arg(long)]
        stdin: bool,
    },
    /// List the not-a-customer rules with how many conversations each hides, or remove one.
    Rules {
        #[command(subcommand)]
        command: Option<RulesArg>,
    },
    /// A guided first run: asks about the shop and its mailbox, logs in to check, writes the
    /// config and the starter templates (--answers FILE or flags: no questions, for scripts).
    Setup(Box<crate::setup::SetupArgs>),
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print a shell completion script: `shopinbox completions bash > ~/.local/share/bash-completion/completions/shopinbox`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `shopinbox man > ~/.local/share/man/man1/shopinbox.1`.
    Man,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    quiet_panics();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout and usage errors to stderr itself.
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 2,
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        // A reader such as `head` closed the pipe: that is not a failure worth a sentence.
        Err(err) if is_closed_pipe(&err) => crate::exit::OK,
        Err(err) => {
            // Errors can quote paths and values with control characters: printed cleaned.
            eprintln!(
                "error: {}",
                crate::mail::sanitize::line(&one_sentence(&err))
            );
            exit_code_for(&err)
        }
    }
}

/// Did the reader of our output (`head`, a closed terminal) go away?
fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// The documented exit code ([`crate::exit`]) for a failed command: what the owner must fix
/// (arguments, config) is 2, a store or server that could not be used is 4, and an error that
/// carries its own code keeps it. `overdue`'s 1 is never an error.
fn exit_code_for(err: &anyhow::Error) -> i32 {
    use crate::exit;
    use crate::send::flow::SendError;
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<exit::Exit>() {
            return e.code;
        }
        if cause.is::<ConfigError>() || cause.is::<crate::app::KeymapError>() {
            return exit::USAGE;
        }
        // A template that needs an [offers] value the config lacks is the owner's to fix too:
        // nothing was sent.
        if let Some(
            SendError::NoConversation { .. }
            | SendError::NothingToAnswer { .. }
            | SendError::NoTemplate { .. }
            | SendError::Template(_)
            | SendError::NoSmtp,
        ) = cause.downcast_ref::<SendError>()
        {
            return exit::USAGE;
        }
        if let Some(crate::import::ImportError::NotFound { .. }) = cause.downcast_ref() {
            return exit::USAGE;
        }
        // No access token, or the server refused it: the server cannot be used.
        if cause.is::<crate::oauth::OAuthError>() {
            return exit::UNAVAILABLE;
        }
        if cause.is::<crate::store::StoreError>()
            || cause.is::<crate::sync::SyncError>()
            || cause.is::<crate::net::NetError>()
            || cause.is::<crate::send::outbox::OutboxError>()
            || cause.is::<crate::import::ImportError>()
            || cause.is::<crate::demo::DemoError>()
            || cause.is::<std::io::Error>()
        {
            return exit::UNAVAILABLE;
        }
    }
    // What is left are the command line's own refusals ("say until when", "--now … is not a
    // time I understand"): the owner's words need changing.
    exit::USAGE
}

/// A bug must still end in one sentence, not a backtrace: the panic message (which never
/// holds a secret: panics carry no config values) and where to report it. The full-screen
/// inbox restores the terminal first (ratatui chains its own hook in front of this one).
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let what = crate::mail::sanitize::line(&what);
        eprintln!(
            "error: shopinbox stopped on an internal error ({what}); your mail and the store are \
             safe, please report this"
        );
    }));
}

/// The error and its causes on one line ("cannot open …: permission denied").
fn one_sentence(err: &anyhow::Error) -> String {
    let mut out = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !out.contains(&c) {
            out.push_str(": ");
            out.push_str(&c);
        }
    }
    out
}

/// Hands each command to its family's module.
fn run(cli: Cli) -> Result<i32> {
    match &cli.command {
        None => inbox::tui(&cli),
        Some(Command::Demo { print }) => inbox::demo(&cli, *print),
        Some(Command::Sync) => mail_in::sync(&cli),
        Some(Command::List(args)) => inbox::list(&cli, args),
        Some(Command::Show { id, attachments }) => inbox::show(&cli, *id, *attachments),
        Some(Command::Attachment { id, n, output }) => attachments::run(&cli, *id, *n, output),
        Some(Command::Import { paths }) => mail_in::import(&cli, paths),
        Some(Command::Overdue { json }) => review::overdue(&cli, *json),
        Some(Command::Stats { days, json }) => review::stats(&cli, *days, *json),
        Some(Command::Notes { customer, command }) => customer::notes(&cli, customer, command),
        Some(Command::Customer {
            customer,
            first_name,
            clear_first_name,
        }) => customer::customer(&cli, customer, first_name, *clear_first_name),
        Some(Command::Rules { command }) => marks::rules(&cli, command),
        Some(Command::Orders { command }) => orders::run(&cli, command),
        Some(Command::Notify { command }) => notify::run(&cli, command),
        Some(Command::NotDuplicate { ids, undo }) => marks::not_duplicate(&cli, ids, *undo),
        Some(Command::NotSuspicious { addr, undo }) => marks::not_suspicious(&cli, addr, *undo),
        Some(Command::Snooze {
            words,
            clear,
            past_deadline,
        }) => marks::snooze(&cli, words, *clear, *past_deadline),
        Some(Command::Answered { ids, clear }) => marks::answered(&cli, ids, *clear),
        Some(Command::Reply {
            id,
            template,
            send,
            raw,
            attach,
        }) => send::reply(&cli, *id, template, *send, *raw, attach),
        Some(Command::Outbox { command }) => send::outbox(&cli, command),
        Some(Command::Login { device, no_browser }) => account::login(&cli, *device, *no_browser),
        Some(Command::Password { stdin }) => account::password(&cli, *stdin),
        Some(Command::Templates) => send::templates(&cli),
        Some(Command::Setup(args)) => account::setup(&cli, args),
        Some(Command::Completions { shell }) => {
            completions::write_completions(*shell, &mut std::io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Man) => {
            completions::write_man_page(&mut std::io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Config { command }) => check::config(&cli, command),
    }
}
