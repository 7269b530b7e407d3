//! `shopinbox customer NAME`: a customer found by what the owner remembers, part of the name
//! or of the address; several matches are listed with their addresses and last contact. Also
//! `shopinbox notes ADDR …`, the notes about a customer.

use super::inbox::state_word;
use super::Env;
use super::{proactive, Cli};
use crate::deadline;
use crate::ui::fit;
use anyhow::{bail, Result};
use clap::Subcommand;
use std::io::Write;

/// The one customer `query` names: an address is taken as it is; otherwise the customers
/// whose name or address holds its words. Several: they are listed (with their addresses and
/// last contact) and `None` is returned; none: an error saying so.
pub(super) fn by_name(env: &Env, query: &str) -> Result<Option<String>> {
    let query = query.trim();
    if query.contains('@') {
        let found = env.store.find_customers(query)?;
        if found.len() == 1 || found.is_empty() {
            return Ok(Some(query.to_lowercase()));
        }
    }
    let found = env.store.find_customers(query)?;
    let clean = crate::mail::sanitize::line;
    match found.as_slice() {
        [] => bail!(
            "no customer's name or address contains \"{}\"; try part of the name or the address as it appears in the inbox",
            clean(query)
        ),
        [one] => Ok(Some(one.addr.clone())),
        many => {
            let cal = env.config.calendar();
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{} customers match \"{}\":",
                many.len(),
                clean(query)
            )?;
            for m in many {
                let who = match &m.name {
                    Some(n) => format!("{} <{}>", clean(n), clean(&m.addr)),
                    None => format!("<{}>", clean(&m.addr)),
                };
                writeln!(
                    out,
                    "  {:<50} last contact {}, {} conversation{}",
                    fit(&who, 50),
                    crate::human_time::day(m.last_at, env.now, cal.tz),
                    m.conversations,
                    if m.conversations == 1 { "" } else { "s" }
                )?;
            }
            if let Some(first) = many.first() {
                writeln!(
                    out,
                    "Show one with `shopinbox customer ADDRESS`, e.g. `shopinbox customer {}`.",
                    clean(&first.addr)
                )?;
            }
            Ok(None)
        }
    }
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

/// `notes CUSTOMER …`: add, edit, delete and list a customer's notes.
pub(super) fn notes(cli: &Cli, customer: &str, command: &Option<NotesCommand>) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
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

/// `customer`: a customer's history, after correcting the first name when asked.
pub(super) fn customer(
    cli: &Cli,
    customer: &str,
    first_name: &Option<String>,
    clear_first_name: bool,
) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    let addr = match by_name(&env, customer)? {
        Some(addr) => addr,
        None => return Ok(0),
    };
    if first_name.is_some() || clear_first_name {
        let name = first_name.as_deref().map(crate::mail::sanitize::line);
        env.store.set_first_name(&addr, name.as_deref())?;
    }
    print_customer(&env, &addr)?;
    Ok(0)
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
