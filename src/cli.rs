//! The command line: argument parsing and dispatch. Each command is a thin adapter from
//! arguments to library calls; errors become one clear sentence on stderr and an exit code
//! (2 for configuration problems, 1 for everything else), never a panic or a backtrace.

use crate::clock::Clock;
use crate::config::{Config, ConfigError};
use crate::deadline;
use crate::store::{ConversationRow, Store, View};
use crate::ui::fit;
use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

mod attachments;
mod bulk;
mod check;
mod completions;
mod customer;
mod notify;
pub use notify::counts_line as notify_counts_line;
mod orders;
mod proactive;
mod trust;

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

#[derive(Debug, Subcommand)]
pub enum RulesArg {
    /// List every rule (the default).
    List,
    /// Remove a rule: the mail it kept out comes back into the views.
    Remove {
        /// Rule id (from `shopinbox rules`).
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and show the business calendar it implies.
    Check,
    /// Print the path of the configuration file that would be used.
    Path,
    /// Print the documented example configuration (every key explained).
    Example,
}

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

#[derive(Debug, Subcommand)]
pub enum NotesCommand {
    /// Add a note.
    Add {
        /// The note's text.
        text: String,
        /// A warning ("possible fraud"): a red badge on every conversation of the customer.
        #[arg(long)]
        warning: bool,
    },
    /// Mark a note as a warning (or, with --off, as an ordinary note).
    Warn {
        /// Note id (as listed).
        id: i64,
        /// Make it an ordinary note again.
        #[arg(long)]
        off: bool,
    },
    /// Replace the text of a note.
    Edit {
        /// Note id (as listed).
        id: i64,
        /// The new text.
        text: String,
    },
    /// Delete a note.
    Delete {
        /// Note id (as listed).
        id: i64,
    },
    /// List the notes (the default).
    List,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Which conversations to list.
    #[arg(long, value_enum, default_value_t = ViewArg::NeedsReply)]
    pub view: ViewArg,
    /// Shorthand for --view needs-reply.
    #[arg(long, conflicts_with_all = ["view", "overdue", "all"])]
    pub needs_reply: bool,
    /// Shorthand for --view overdue.
    #[arg(long, conflicts_with_all = ["view", "all"])]
    pub overdue: bool,
    /// Shorthand for --view all.
    #[arg(long, conflicts_with = "view")]
    pub all: bool,
    /// Print JSON (one array of rows) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// At most this many rows (default: every row). When rows are left out, a note on
    /// standard error says so.
    #[arg(long)]
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    NeedsReply,
    Overdue,
    DueToday,
    Answered,
    NotCustomer,
    All,
    Snoozed,
    /// Older, never answered: customer mail from before tracking started (history).
    Older,
}

impl From<ViewArg> for View {
    fn from(v: ViewArg) -> View {
        match v {
            ViewArg::NeedsReply => View::NeedsReply,
            ViewArg::Overdue => View::Overdue,
            ViewArg::DueToday => View::DueToday,
            ViewArg::Answered => View::Answered,
            ViewArg::NotCustomer => View::NotCustomer,
            ViewArg::All => View::All,
            ViewArg::Snoozed => View::Snoozed,
            ViewArg::Older => View::Older,
        }
    }
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

/// Everything a command needs: the configuration, the store and the clock.
pub struct Env {
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub store: Store,
    /// The time the command runs at (read once, so one command sees one "now").
    pub now: DateTime<Utc>,
    /// The clock everything else reads: the system's, or fixed by `--now`.
    pub clock: Clock,
    pub demo: bool,
    /// Keeps the demo's temporary directory alive as long as the environment.
    _demo_dir: Option<tempfile::TempDir>,
}

impl Env {
    /// Opens the configured account's store, or builds a fresh demo store.
    pub fn open(cli: &Cli, demo: bool) -> Result<Env> {
        if demo {
            let mut config = Config::demo();
            // `demo --config FILE`: the demo shop, with the owner's own keys.
            if cli.config.is_some() {
                let (own, _) = load_config(cli)?;
                crate::app::Keymap::from_config(&own.keys)
                    .context("the [keys] section of the config is invalid")?;
                config.keys = own.keys;
            }
            let clock = clock_for(cli.now.as_deref(), &config)?;
            let now = clock.now();
            let dir = tempfile::Builder::new()
                .prefix("shopinbox-demo-")
                .tempdir()
                .context("cannot create a temporary folder for the demo store")?;
            let store = crate::demo::build_demo_store(dir.path(), clock)
                .context("cannot build the demo store")?;
            // The demo never touches the owner's real configuration folder.
            let templates = dir.path().join("templates");
            crate::demo::templates::install(&templates)
                .context("cannot write the demo's templates")?;
            config.templates_dir = Some(templates);
            return Ok(Env {
                config,
                config_path: None,
                store,
                now,
                clock,
                demo: true,
                _demo_dir: Some(dir),
            });
        }
        let (config, path) = load_config(cli)?;
        let clock = clock_for(cli.now.as_deref(), &config)?;
        let store = open_store(&config, clock)?;
        Ok(Env {
            config,
            config_path: Some(path),
            store,
            now: clock.now(),
            clock,
            demo: false,
            _demo_dir: None,
        })
    }

    /// Where demo replies go instead of a mail server: a folder that outlives the demo's
    /// temporary store, so the owner can open the .eml files afterwards; `SHOPINBOX_DEMO_OUTBOX`
    /// names another folder (tests use their own). `None` outside the demo.
    pub fn demo_outbox_dir(&self) -> Result<Option<PathBuf>> {
        if !self.demo {
            return Ok(None);
        }
        let dir = std::env::var_os("SHOPINBOX_DEMO_OUTBOX")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("shopinbox-demo-outbox"));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the demo outbox folder {}", dir.display()))?;
        Ok(Some(dir))
    }
}

/// Finds and loads the configuration file.
/// The config file's path: `--config`, else the default.
fn config_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.config {
        Some(p) => Ok(p.clone()),
        None => crate::config::default_config_path().ok_or_else(|| {
            anyhow!("cannot find a home directory for the configuration; pass --config PATH")
        }),
    }
}

pub fn load_config(cli: &Cli) -> Result<(Config, PathBuf)> {
    let path = config_path(cli)?;
    if !path.exists() {
        return Err(ConfigError::Missing { path: path.clone() }.into());
    }
    let config = Config::load(&path)?;
    Ok((config, path))
}

/// Opens the store named by the configuration; [`Store::open`] creates its folder (private)
/// when needed.
pub fn open_store(config: &Config, clock: Clock) -> Result<Store> {
    let mut store = Store::open(&config.store_path(), config.shop_context(clock))?;
    // `[sharing]` (issue 26): remembered in the store, so that the sync worker follows it.
    store.set_sharing(config.sharing.as_deref())?;
    Ok(store)
}

/// The clock of a command: fixed at `--now` when given, else the system's. This is the one
/// place the binary decides to read the real time.
pub fn clock_for(now_arg: Option<&str>, config: &Config) -> Result<Clock> {
    match now_arg {
        Some(s) => Ok(Clock::fixed(parse_time(s, config)?)),
        None => Ok(Clock::system()),
    }
}

/// Parses a time given on the command line (`--now`, snooze): RFC 3339, or a local date/time
/// in the shop's time zone.
pub fn parse_time(s: &str, config: &Config) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let tz = config.calendar().tz;
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return tz
                .from_local_datetime(&naive)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| anyhow!("--now {s:?} does not exist in {tz} (a clock change)"));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let naive = date.and_hms_opt(12, 0, 0).unwrap_or_default();
        if let Some(t) = tz.from_local_datetime(&naive).earliest() {
            return Ok(t.with_timezone(&Utc));
        }
    }
    bail!(
        "--now {s:?} is not a time I understand; use \"2026-11-24 10:00\" (shop time) or RFC 3339 \"2026-11-24T10:00:00+01:00\""
    )
}

fn run(cli: Cli) -> Result<i32> {
    match &cli.command {
        None => {
            if !cli.demo {
                // A bad [keys] table is reported as `config check` reports it (file, line,
                // value; exit 2), before the store is opened or the terminal changes mode.
                let (config, _) = load_config(&cli)?;
                crate::app::keymap::check_config(&config)?;
            }
            let env = Env::open(&cli, cli.demo)?;
            run_tui(env)
        }
        Some(Command::Demo { print }) => {
            let env = Env::open(&cli, true)?;
            if *print || !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                print_inbox(&env, View::NeedsReply, None)?;
                Ok(0)
            } else {
                run_tui(env)
            }
        }
        Some(Command::Sync) => {
            if cli.demo {
                bail!("the demo has no server to sync with; drop --demo to sync the configured account");
            }
            let (config, _) = load_config(&cli)?;
            let clock = clock_for(cli.now.as_deref(), &config)?;
            // Replies whose undo window ended while no inbox was open go out now.
            out!("{}", crate::send::cli::send_due_for_sync(&config, clock)?);
            let summary = crate::sync::cli::run_sync_cli(&config, clock)?;
            Ok(crate::sync::cli::exit_code(&summary))
        }
        Some(Command::List(args)) => {
            let env = Env::open(&cli, cli.demo)?;
            let view = if args.needs_reply {
                View::NeedsReply
            } else if args.overdue {
                View::Overdue
            } else if args.all {
                View::All
            } else {
                args.view.into()
            };
            if args.json {
                let rows = list_rows(&env, view, args.limit)?;
                let cal = env.config.calendar();
                let json = rows
                    .iter()
                    .map(|r| {
                        let first = env
                            .store
                            .greeting_name(&r.customer_addr, r.customer_name.as_deref())?;
                        let mut json = row_json(r, first, env.now, &cal);
                        // A reply to a notice is marked with its campaign (issue 27).
                        // `row_json` makes an object; inserting cannot fail on it.
                        if let (Some((_, name)), Some(obj)) = (
                            env.store.campaign_of_conversation(r.id)?,
                            json.as_object_mut(),
                        ) {
                            obj.insert("campaign".into(), name.into());
                        }
                        Ok(json)
                    })
                    .collect::<Result<Vec<_>>>()?;
                let mut out = std::io::stdout().lock();
                serde_json::to_writer_pretty(&mut out, &json)?;
                writeln!(out)?;
            } else {
                print_inbox(&env, view, args.limit)?;
            }
            Ok(0)
        }
        Some(Command::Show { id, attachments }) => {
            let env = Env::open(&cli, cli.demo)?;
            if *attachments {
                out!("{}", attachments::list_text(&env.store, *id)?);
            } else {
                show_conversation(&env, *id)?;
            }
            Ok(0)
        }
        Some(Command::Attachment { id, n, output }) => {
            let env = Env::open(&cli, cli.demo)?;
            let save_dir = env.config.attachments.save_dir.clone();
            let path =
                attachments::save(&env.store, *id, *n, output.as_deref(), save_dir.as_deref())?;
            outln!("Saved {}", path.display());
            Ok(0)
        }
        Some(Command::Import { paths }) => {
            let mut env = Env::open(&cli, cli.demo)?;
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
        Some(Command::Overdue { json }) => {
            let env = Env::open(&cli, cli.demo)?;
            let report = crate::review::overdue_report(&env.store, env.now)?;
            // Cron reads the code even when the reader stopped early (`overdue | head -1`).
            let code = if report.has_overdue() {
                crate::exit::OVERDUE
            } else {
                crate::exit::OK
            };
            let printed = (|| -> Result<()> {
                if *json {
                    outln!("{}", serde_json::to_string_pretty(&report)?);
                } else {
                    let cal = env.config.calendar();
                    let text =
                        crate::review::format::report_text(&report, &env.config.shop.name, &cal);
                    out!("{text}");
                }
                Ok(())
            })();
            match printed {
                Err(e) if !is_closed_pipe(&e) => Err(e),
                _ => Ok(code),
            }
        }
        Some(Command::Stats { days, json }) => {
            let env = Env::open(&cli, cli.demo)?;
            let stats = crate::review::stats_for(&env.store, *days, env.now)?;
            // Split by person (issue 26): only when marks are shared between copies.
            let since = (env.now - chrono::Duration::days(i64::from(*days))).timestamp();
            let people = if env.config.sharing.is_some() {
                env.store.activity_by_person(since)?
            } else {
                Vec::new()
            };
            if *json {
                let mut v = serde_json::to_value(&stats)?;
                // `Stats` serializes to an object, which the shares are added to.
                if let Some(obj) = v.as_object_mut() {
                    if !people.is_empty() {
                        obj.insert("by_person".into(), serde_json::to_value(&people)?);
                    }
                    let shares = [
                        ("on_time_share", stats.on_time_share()),
                        ("promise_on_time_share", stats.promise_on_time_share()),
                        ("one_touch_share", stats.one_touch_share()),
                    ];
                    for (key, share) in shares {
                        obj.insert(key.into(), serde_json::json!(share));
                    }
                }
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                out!(
                    "{}",
                    crate::review::format::stats_text(&stats, *days, &env.config.calendar())
                );
                if !people.is_empty() {
                    outln!("By person:");
                    for p in &people {
                        let name = if p.name.trim().is_empty() {
                            "(unnamed)"
                        } else {
                            &p.name
                        };
                        outln!(
                            "  {:<16} {} replies, {} marks",
                            crate::mail::sanitize::line(name),
                            p.replies,
                            p.marks
                        );
                    }
                }
            }
            Ok(0)
        }
        Some(Command::Notes { customer, command }) => {
            let mut env = Env::open(&cli, cli.demo)?;
            let addr = customer.trim().to_lowercase();
            match command {
                Some(NotesCommand::Add { text, warning }) => {
                    let id = env.store.add_note_with(&addr, text, *warning)?;
                    let what = if *warning { "warning note" } else { "note" };
                    outln!("added {what} {id} for {addr}");
                }
                Some(NotesCommand::Warn { id, off }) => {
                    env.store.set_note_warning(*id, !*off)?;
                    let what = if *off {
                        "an ordinary note"
                    } else {
                        "a warning"
                    };
                    outln!("note {id} is now {what}");
                }
                Some(NotesCommand::Edit { id, text }) => {
                    env.store.update_note(*id, text)?;
                    outln!("updated note {id}");
                }
                Some(NotesCommand::Delete { id }) => {
                    env.store.delete_note(*id)?;
                    outln!("deleted note {id}");
                }
                Some(NotesCommand::List) | None => {
                    let cal = env.config.calendar();
                    let notes = env.store.notes(&addr)?;
                    if notes.is_empty() {
                        outln!("no notes for {addr}");
                    }
                    for n in notes {
                        outln!(
                            "{:>4}  {}  {}{}",
                            n.id,
                            crate::human_time::day(n.updated_at, env.now, cal.tz),
                            if n.warning { "WARNING: " } else { "" },
                            crate::mail::sanitize::line(&n.text)
                        );
                    }
                }
            }
            Ok(0)
        }
        Some(Command::Customer {
            customer,
            first_name,
            clear_first_name,
        }) => {
            let mut env = Env::open(&cli, cli.demo)?;
            let addr = match customer::by_name(&env, customer)? {
                Some(addr) => addr,
                None => return Ok(0),
            };
            if first_name.is_some() || *clear_first_name {
                let name = first_name.as_deref().map(crate::mail::sanitize::line);
                env.store.set_first_name(&addr, name.as_deref())?;
            }
            print_customer(&env, &addr)?;
            Ok(0)
        }
        Some(Command::Rules { command }) => {
            let mut env = Env::open(&cli, cli.demo)?;
            match command {
                None | Some(RulesArg::List) => out!("{}", rules_text(&env.store)?),
                Some(RulesArg::Remove { id }) => {
                    env.store.remove_rule(*id)?;
                    outln!("Rule {id} removed; the mail it kept out is back in the views.");
                }
            }
            Ok(0)
        }
        Some(Command::Orders { command }) => orders::run(&cli, command),
        Some(Command::Notify { command }) => notify::run(&cli, command),
        Some(Command::NotDuplicate { ids, undo }) => {
            let mut env = Env::open(&cli, cli.demo)?;
            out!("{}", bulk::not_duplicate(&mut env.store, ids, *undo)?);
            Ok(0)
        }
        Some(Command::NotSuspicious { addr, undo }) => {
            let mut env = Env::open(&cli, cli.demo)?;
            let now = env.now;
            out!(
                "{}",
                trust::not_suspicious(&mut env.store, &env.config, addr.as_deref(), *undo, now)?
            );
            Ok(0)
        }
        Some(Command::Snooze {
            words,
            clear,
            past_deadline,
        }) => {
            let mut env = Env::open(&cli, cli.demo)?;
            let past = bulk::PastDeadline(*past_deadline);
            out!(
                "{}",
                bulk::snooze(&mut env.store, &env.config, words, *clear, past, env.now)?
            );
            Ok(0)
        }
        Some(Command::Answered { ids, clear }) => {
            let mut env = Env::open(&cli, cli.demo)?;
            let now = env.now;
            out!("{}", bulk::answered(&mut env.store, ids, *clear, now)?);
            Ok(0)
        }
        Some(Command::Reply {
            id,
            template,
            send,
            raw,
            attach,
        }) => {
            let mut env = Env::open(&cli, cli.demo)?;
            let outbox_dir = env.demo_outbox_dir()?;
            let mut write_back = crate::send::imap::write_back_for(&env.config, env.demo)?;
            let args = crate::send::cli::ReplyArgs {
                conversation: *id,
                template,
                send: *send,
                raw: *raw,
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
            if let (true, Some(dir)) = (*send, &outbox_dir) {
                outln!(
                    "(demo: the reply was written to {} instead of a mail server)",
                    crate::mail::sanitize::line(&dir.display().to_string())
                );
            }
            Ok(0)
        }
        Some(Command::Outbox { command }) => {
            let mut env = Env::open(&cli, cli.demo)?;
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
        Some(Command::Login { device, no_browser }) => {
            if cli.demo {
                bail!("the demo has no server to sign in to; drop --demo");
            }
            let (config, _) = load_config(&cli)?;
            let opts = crate::login::LoginOptions {
                device: *device,
                open_browser: !*no_browser,
            };
            crate::login::run_login(&config, opts, &mut std::io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Password { stdin }) => {
            if cli.demo {
                bail!("the demo has no mailbox password; drop --demo");
            }
            let (config, _) = load_config(&cli)?;
            crate::setup::password::run(&config, *stdin, &mut std::io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Templates) => {
            let env = Env::open(&cli, cli.demo)?;
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
        Some(Command::Setup(args)) => {
            if cli.demo {
                bail!("the demo needs no set-up; drop --demo");
            }
            let path = match &cli.config {
                Some(p) => p.clone(),
                None => crate::config::default_config_path().ok_or_else(|| {
                    anyhow!(
                        "cannot find a home directory for the configuration; pass --config PATH"
                    )
                })?,
            };
            // "This year" for the holidays comes from the command's clock (`--now`).
            let year = clock_for(cli.now.as_deref(), &Config::demo())?.now().year();
            crate::setup::run(args, &path, year, &mut std::io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Completions { shell }) => {
            completions::write_completions(*shell, &mut std::io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Man) => {
            completions::write_man_page(&mut std::io::stdout().lock())?;
            Ok(0)
        }
        Some(Command::Config { command }) => match command {
            ConfigCommand::Example => {
                out!("{}", crate::setup::EXAMPLE_CONFIG);
                Ok(0)
            }
            ConfigCommand::Check => {
                let path = config_path(&cli)?;
                let config = match check::check_file(&path)? {
                    Ok(config) => config,
                    Err(problems) => {
                        // Every problem, one sentence a line, so one run finds them all.
                        for p in &problems {
                            eprintln!("error: {}", crate::mail::sanitize::line(p));
                        }
                        if problems.len() > 1 {
                            eprintln!(
                                "{} problems in {}; fix them and run `shopinbox config check` again.",
                                problems.len(),
                                crate::mail::sanitize::line(&path.display().to_string())
                            );
                        }
                        return Ok(crate::exit::USAGE);
                    }
                };
                let now = clock_for(cli.now.as_deref(), &config)?.now();
                out!("{}", crate::config::check_report(&config, &path, now));
                outln!("Sender checks:  {}", sender_checks(&config, now)?);
                outln!("Sharing:        {}", sharing_check(&config, now)?);
                Ok(0)
            }
            ConfigCommand::Path => {
                match cli
                    .config
                    .clone()
                    .or_else(crate::config::default_config_path)
                {
                    Some(p) => {
                        outln!("{}", crate::mail::sanitize::line(&p.display().to_string()))
                    }
                    None => bail!("cannot find a home directory for the configuration"),
                }
                Ok(0)
            }
        },
    }
}

/// What the shop's recent incoming mail says about its provider's sender checks (the signal
/// orders, the shop's own address and suspicious mail are judged by). Reads the store only
/// when it exists: `config check` never creates one.
/// Whether the owner's marks are shared with other copies (issue 26), and what the last sync
/// could share. Reads the store only when it exists.
fn sharing_check(config: &crate::config::Config, now: DateTime<Utc>) -> Result<String> {
    let Some(name) = &config.sharing else {
        return Ok(
            "off: marks stay on this computer ([sharing] enabled = true shares them)".into(),
        );
    };
    let path = config.store_path();
    let last = if path.exists() {
        let store = Store::open(&path, config.shop_context(crate::clock::Clock::fixed(now)))?;
        let pending = store.shared_pending()?;
        let status = store
            .sharing_status()?
            .unwrap_or_else(|| "not synced since sharing was turned on".to_string());
        format!("{status}; {pending} change(s) waiting to be shared")
    } else {
        "no sync yet".to_string()
    };
    Ok(crate::mail::sanitize::line(&format!(
        "on as \"{name}\" through the folder {}; last sync: {last}",
        crate::shared::STATE_FOLDER
    )))
}

fn sender_checks(config: &crate::config::Config, now: DateTime<Utc>) -> Result<String> {
    let path = config.store_path();
    let configured = config.shop.authserv_id.as_deref();
    if !path.exists() {
        return Ok(crate::mail::auth::ProviderSummary::default().describe(configured));
    }
    let store = Store::open(&path, config.shop_context(crate::clock::Clock::fixed(now)))?;
    let raws = store.recent_incoming_raw(50)?;
    Ok(
        crate::mail::auth::ProviderSummary::of(raws.iter().map(Vec::as_slice), configured)
            .describe(configured),
    )
}

/// Opens the full-screen inbox on the environment's store, with the sync and send workers
/// running behind it (the demo has no server: replies go to its outbox folder).
fn run_tui(env: Env) -> Result<i32> {
    let demo_outbox = env.demo_outbox_dir()?;
    let store_path = match &env._demo_dir {
        Some(dir) => dir.path().join(crate::demo::DEMO_STORE_FILE),
        None => env.config.store_path(),
    };
    let worker = crate::workers::start(crate::workers::WorkerPlan {
        config: &env.config,
        store_path,
        demo_outbox: demo_outbox.as_deref(),
        clock: env.clock,
    })?;
    let options = crate::tui::TuiOptions {
        keys: env.config.keys.clone(),
        clock: env.clock,
        worker: Some(worker),
        config: Some(env.config.clone()),
        demo: env.demo,
    };
    crate::tui::run_with_store(env.store, options)?;
    Ok(0)
}

/// A short state word for scripts and the table.
fn state_word(row: &ConversationRow, now: DateTime<Utc>, cal: &deadline::Calendar) -> &'static str {
    if row.not_customer.is_some() {
        return "not_customer";
    }
    if let Some(until) = row.snoozed_until {
        if until > now {
            return "snoozed";
        }
    }
    match row.due_at {
        Some(due) if due <= now => "overdue",
        Some(due) if due - now <= cal.due_soon => "due_soon",
        Some(_) => "due",
        // The question it waited on was deleted or moved on the server: never "answered".
        None if row.removed_since.is_some() => "removed_on_server",
        // From before the tracking window, never answered: history, not owed (issue 11).
        None if row.older_since.is_some() => "older",
        None => "answered",
    }
}

/// The state as `show` words it for a person.
fn state_text(word: &str) -> &str {
    match word {
        "removed_on_server" => {
            "removed on the server (the message it waited on was deleted or \
             moved out of the synced folders; kept here as history)"
        }
        "older" => {
            "older, never answered (from before shopinbox started watching the mailbox: \
             history, not overdue)"
        }
        other => other,
    }
}

/// One conversation for `list --json`; `first_name` is the store's greeting name, so a
/// correction by the owner shows here as it does in replies.
fn row_json(
    row: &ConversationRow,
    first_name: Option<String>,
    now: DateTime<Utc>,
    cal: &deadline::Calendar,
) -> serde_json::Value {
    let late = row.due_at.filter(|due| *due <= now).map(|due| now - due);
    serde_json::json!({
        "id": row.id,
        "from": row.customer_addr,
        "from_name": row.customer_name,
        "first_name": first_name,
        "subject": row.subject,
        "messages": row.message_count,
        "received_at": row.pending_since.unwrap_or(row.received_at()).with_timezone(&cal.tz).to_rfc3339(),
        "last_customer_at": row.last_customer_at.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
        "follow_up_at": row.follow_up_at.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
        // What is due (or overdue) is the shop's own promise, not a customer message.
        "promise": row.follow_up_at.is_some() && row.due_at == row.follow_up_at,
        "snoozed_until": row.snoozed_until.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
        "due_at": row.due_at.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
        "state": state_word(row, now, cal),
        "late_minutes": late.map(|d| d.num_minutes()),
        "late": late.map(deadline::format_duration),
        "not_customer": row.not_customer.map(|n| n.as_str()),
        "flags": proactive::flags_json(&row.flags),
        "removed_on_server": row.removed_since.is_some(),
        "older_since": row.older_since.map(|d| d.with_timezone(&cal.tz).to_rfc3339()),
    })
}

/// The rows of `view`: all of them, or the first `limit` with a note on standard error when
/// more were left out (a script reading the JSON must never mistake a cut list for the whole).
fn list_rows(
    env: &Env,
    view: View,
    limit: Option<u64>,
) -> Result<Vec<crate::store::ConversationRow>> {
    let Some(limit) = limit else {
        return Ok(env.store.list(view, env.now, 0, i64::MAX as u64)?);
    };
    let mut rows = env.store.list(view, env.now, 0, limit.saturating_add(1))?;
    if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        eprintln!(
            "list: showing the first {limit} conversations of more (--limit {limit}); drop \
             --limit to list every one"
        );
    }
    Ok(rows)
}

fn print_inbox(env: &Env, view: View, limit: Option<u64>) -> Result<()> {
    let cal = env.config.calendar();
    let counts = env.store.counts(env.now)?;
    let rows = list_rows(env, view, limit)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} — {} · {} overdue · {} due today · {} need a reply · now {}",
        env.config.shop.name,
        view.label(),
        counts.overdue,
        counts.due_today,
        counts.needs_reply,
        deadline::format_local(env.now, env.now, &cal)
    )?;
    if rows.is_empty() {
        writeln!(out, "  (nothing here)")?;
    }
    for row in &rows {
        let badge = match (&row.not_customer, row.due_at) {
            (Some(n), _) => format!("not a customer: {}", n.label()),
            // A promise says so, as in the inbox's narrow column: "f-up Thu 17:00", "F-UP late 5m".
            (None, _) if crate::ui::inbox::follow_up(row).is_some() => {
                crate::ui::inbox::short_badge(row, env.now, &cal)
            }
            (None, Some(due)) => deadline::badge(due, env.now, &cal),
            (None, None) if row.removed_since.is_some() => "removed on server".to_string(),
            (None, None) if row.older_since.is_some() => "older, no reply".to_string(),
            (None, None) => "answered".to_string(),
        };
        let who = row
            .customer_name
            .clone()
            .unwrap_or_else(|| row.customer_addr.clone());
        let received = crate::human_time::moment(row.received_at(), env.now, cal.tz);
        writeln!(
            out,
            "{:>5}  {:<16} {:<24} {:<40} {} ({})",
            row.id,
            fit(&badge, 16),
            fit(&who, 24),
            fit(&row.subject, 40),
            received,
            row.message_count
        )?;
        proactive::write_flags(&mut out, "       ", row)?;
    }
    Ok(())
}

fn show_conversation(env: &Env, id: i64) -> Result<()> {
    let cal = env.config.calendar();
    let row = env.store.conversation_at(id, env.now)?.ok_or_else(|| {
        anyhow!("there is no conversation {id}; `shopinbox list --all` shows the ids")
    })?;
    let msgs = env.store.conversation_messages(id)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "Conversation {id}: {}", row.subject)?;
    writeln!(
        out,
        "Customer: {} <{}>   State: {}",
        row.customer_name.as_deref().unwrap_or("(no name)"),
        row.customer_addr,
        state_text(state_word(&row, env.now, &cal))
    )?;
    if let Some(due) = row.due_at {
        writeln!(out, "Due: {}", deadline::format_local(due, env.now, &cal))?;
    }
    proactive::write_flags(&mut out, "", &row)?;
    if let Some((cid, name)) = env.store.campaign_of_conversation(id)? {
        writeln!(
            out,
            "Campaign: {} (`shopinbox notify show {cid}`)",
            crate::mail::sanitize::line(&name)
        )?;
    }
    for m in &msgs {
        let from = m
            .from
            .as_ref()
            .map(|a| match &a.name {
                Some(n) => format!("{n} <{}>", a.addr),
                None => a.addr.clone(),
            })
            .unwrap_or_else(|| "(unknown sender)".into());
        writeln!(out)?;
        writeln!(
            out,
            "── {} {} · {}",
            if m.is_shop { "SHOP" } else { "FROM" },
            from,
            deadline::format_local(m.received_at, env.now, &cal)
        )?;
        writeln!(out, "Subject: {}", m.subject)?;
        if let Some(at) = m.removed_at {
            writeln!(
                out,
                "Removed on the server: {} (kept here as history)",
                deadline::format_local(at, env.now, &cal)
            )?;
        }
        for a in &m.attachments {
            writeln!(out, "Attachment: {} ({}, {} bytes)", a.name, a.mime, a.size)?;
        }
        writeln!(out)?;
        writeln!(out, "{}", m.body.trim_end())?;
    }
    // Who did what (issue 26): the owner's marks and replies, from every copy.
    let events = env.store.conversation_events(id)?;
    let lines: Vec<String> = events
        .iter()
        .filter_map(|e| {
            let what = crate::shared::describe::describe(&e.item, &e.value, cal.tz)?;
            let who = if e.by.trim().is_empty() {
                "this copy"
            } else {
                e.by.as_str()
            };
            let at = chrono::DateTime::<Utc>::from_timestamp(e.at, 0)?;
            Some(crate::mail::sanitize::line(&format!(
                "{} · {who} {what}",
                deadline::format_local(at, env.now, &cal)
            )))
        })
        .collect();
    if !lines.is_empty() {
        writeln!(out)?;
        writeln!(out, "── HISTORY")?;
        for l in lines {
            writeln!(out, "{l}")?;
        }
    }
    Ok(())
}

/// `shopinbox rules`: one line per rule with what it hides.
pub fn rules_text(store: &Store) -> Result<String> {
    let rules = store.rules_with_counts()?;
    if rules.is_empty() {
        return Ok("There are no not-a-customer rules (x in the inbox adds one).\n".to_string());
    }
    let mut out = String::new();
    for (rule, n) in rules {
        let what = crate::app::rule_label(&rule);
        let s = if n == 1 { "" } else { "s" };
        out.push_str(&format!(
            "{:>5}  {}  hides {n} conversation{s}\n",
            rule.id,
            crate::mail::sanitize::line(&what)
        ));
    }
    out.push_str("Remove one with `shopinbox rules remove ID`.\n");
    Ok(out)
}

fn print_customer(env: &Env, addr: &str) -> Result<()> {
    let cal = env.config.calendar();
    let info = env.store.customer(addr)?;
    if info.conversations.is_empty()
        && info.notes.is_empty()
        && info.first_name_override.is_none()
        && info.orders.is_empty()
    {
        bail!("there is no mail from {addr} in the store");
    }
    let greeting = info.greeting_name();
    let corrected = info.first_name_override.is_some();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} <{}>",
        info.name.as_deref().unwrap_or("(no name)"),
        info.addr
    )?;
    match (&greeting, corrected) {
        (Some(n), true) => writeln!(out, "Greeted as:   {n} (corrected by you)")?,
        (Some(n), false) => writeln!(
            out,
            "Greeted as:   {n} (guessed from the name; correct with --first-name)"
        )?,
        (None, _) => writeln!(
            out,
            "Greeted as:   (no first name found: templates use their fallback)"
        )?,
    }
    if let Some(first) = info.first_contact {
        writeln!(
            out,
            "First contact: {}",
            deadline::format_local(first, env.now, &cal)
        )?;
    }
    if !info.orders_mentioned.is_empty() {
        writeln!(out, "Orders:       {}", info.orders_mentioned.join(", "))?;
    }
    proactive::write_orders(&mut out, &info, &cal, env.now)?;
    writeln!(out, "\nConversations ({}):", info.conversations.len())?;
    for row in &info.conversations {
        writeln!(
            out,
            "{:>6}  {:<12} {}  {}",
            row.id,
            state_word(row, env.now, &cal),
            crate::human_time::day(row.last_at, env.now, cal.tz),
            fit(&row.subject, 60)
        )?;
    }
    if !info.notes.is_empty() {
        writeln!(out, "\nNotes:")?;
        for n in &info.notes {
            writeln!(
                out,
                "{:>6}  {}  {}{}",
                n.id,
                crate::human_time::day(n.updated_at, env.now, cal.tz),
                if n.warning { "WARNING: " } else { "" },
                crate::mail::sanitize::line(&n.text)
            )?;
        }
    }
    Ok(())
}
