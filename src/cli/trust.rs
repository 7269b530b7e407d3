//! `shopinbox not-suspicious ADDR [--undo]`: the owner says a sender's mail is not suspicious
//! (the red badge goes from their conversations, new mail included), or takes that back.
//! Without an address it lists the senders marked fine.

use crate::config::Config;
use crate::store::Store;
use anyhow::{bail, Result};
use chrono::{DateTime, Utc};

/// What the command did, as the lines to print.
pub fn not_suspicious(
    store: &mut Store,
    config: &Config,
    addr: Option<&str>,
    undo: bool,
    now: DateTime<Utc>,
) -> Result<String> {
    let Some(addr) = addr else {
        return list(store, config, now);
    };
    let addr = address(addr, config)?;
    let line = if undo {
        if store.untrust_sender(&addr)? {
            format!("{addr} is no longer marked as fine: their mail is checked for fraud again.\n")
        } else {
            format!("{addr} was not marked as fine; nothing changed.\n")
        }
    } else if store.trust_sender(&addr)? {
        format!(
            "Marked {addr} as fine: their mail no longer gets the suspicious badge \
             (`shopinbox not-suspicious {addr} --undo` takes that back).\n"
        )
    } else {
        format!("{addr} was already marked as fine; nothing changed.\n")
    };
    Ok(line)
}

/// The address to trust, lower-case; a usage error (exit 2) when it is not an address or is
/// the shop's own (mail from the shop's address is flagged only when the provider says it is
/// forged, and that warning must stay).
fn address(addr: &str, config: &Config) -> Result<String> {
    let shown = crate::mail::sanitize::line(addr);
    let a = addr
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_lowercase();
    let well_formed = a
        .rsplit_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !a.chars().any(|c| c.is_whitespace() || c.is_control());
    if !well_formed {
        bail!("\"{shown}\" is not an e-mail address; give the sender's address, e.g. jane@example.com");
    }
    if config.shop_addresses().contains(&a) {
        bail!(
            "{a} is the shop's own address; its mail is flagged only when your mail server says it \
             was forged, and that warning cannot be switched off"
        );
    }
    Ok(a)
}

fn list(store: &Store, config: &Config, now: DateTime<Utc>) -> Result<String> {
    let senders = store.trusted_senders()?;
    if senders.is_empty() {
        return Ok("No senders are marked as fine.\n".to_string());
    }
    let tz = config.calendar().tz;
    let mut out = String::new();
    for s in senders {
        out.push_str(&format!(
            "{}  marked fine {}\n",
            crate::mail::sanitize::line(&s.addr),
            crate::human_time::day(s.created_at, now, tz)
        ));
    }
    Ok(out)
}
