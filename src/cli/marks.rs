//! The owner's marks from the command line: `rules`, `not-duplicate`, `not-suspicious`,
//! `snooze` and `answered`.

use super::{bulk, trust, Cli, Env};
use crate::store::Store;
use anyhow::Result;
use clap::Subcommand;
use std::io::Write;

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

/// `rules`: list the not-a-customer rules, or remove one.
pub(super) fn rules(cli: &Cli, command: &Option<RulesArg>) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    match command {
        None | Some(RulesArg::List) => out!("{}", rules_text(&env.store)?),
        Some(RulesArg::Remove { id }) => {
            env.store.remove_rule(*id)?;
            outln!("Rule {id} removed; the mail it kept out is back in the views.");
        }
    }
    Ok(0)
}

/// `not-duplicate`: dismiss possible duplicate orders (or bring them back).
pub(super) fn not_duplicate(cli: &Cli, ids: &[i64], undo: bool) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    out!("{}", bulk::not_duplicate(&mut env.store, ids, undo)?);
    Ok(0)
}

/// `not-suspicious`: trust a sender (or list the trusted ones).
pub(super) fn not_suspicious(cli: &Cli, addr: &Option<String>, undo: bool) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    let now = env.now;
    out!(
        "{}",
        trust::not_suspicious(&mut env.store, &env.config, addr.as_deref(), undo, now)?
    );
    Ok(0)
}

/// `snooze ID… [UNTIL]`: snooze conversations, or wake them with --clear.
pub(super) fn snooze(cli: &Cli, words: &[String], clear: bool, past_deadline: bool) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    let past = bulk::PastDeadline(past_deadline);
    out!(
        "{}",
        bulk::snooze(&mut env.store, &env.config, words, clear, past, env.now)?
    );
    Ok(0)
}

/// `answered ID…`: mark conversations answered (by phone, in person), or clear it.
pub(super) fn answered(cli: &Cli, ids: &[i64], clear: bool) -> Result<i32> {
    let mut env = Env::open(cli, cli.demo)?;
    let now = env.now;
    out!("{}", bulk::answered(&mut env.store, ids, clear, now)?);
    Ok(0)
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
