//! `shopinbox customer NAME`: a customer found by what the owner remembers, part of the name
//! or of the address; several matches are listed with their addresses and last contact.

use super::Env;
use crate::ui::fit;
use anyhow::{bail, Result};
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
