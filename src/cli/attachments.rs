//! `shopinbox show ID --attachments` and `shopinbox attachment ID N [-o PATH]`: a
//! conversation's attachments, numbered across its messages in order, and one of them written
//! to disk under a safe name (never overwriting).

use super::{Cli, Env};
use crate::mail::attachments::{self, Part, Verdict};
use crate::send::attachment::human_size;
use crate::store::Store;
use anyhow::{anyhow, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Attachments with the address of who sent each one.
type FromParts = Vec<(String, Part)>;

/// Every attachment of conversation `id`, numbered from 1, with the problems met.
pub fn conversation_parts(store: &Store, id: i64) -> Result<(FromParts, Vec<String>)> {
    if store.conversation(id)?.is_none() {
        return Err(anyhow!(
            "there is no conversation {id}; `shopinbox list --all` shows the ids"
        ));
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for m in store.conversation_messages(id)? {
        if m.attachments.is_empty() {
            continue;
        }
        let Some(raw) = store.raw(m.id)? else {
            continue;
        };
        let from = m
            .from
            .as_ref()
            .map(|a| a.addr.clone())
            .unwrap_or_else(|| "(unknown sender)".into());
        let (parts, p) = attachments::parts(&raw);
        problems.extend(p);
        for part in parts {
            out.push((from.clone(), part));
        }
    }
    for (i, (_, p)) in out.iter_mut().enumerate() {
        p.number = i + 1;
    }
    Ok((out, problems))
}

/// The lines of `show ID --attachments`.
pub fn list_text(store: &Store, id: i64) -> Result<String> {
    let (parts, problems) = conversation_parts(store, id)?;
    if parts.is_empty() {
        return Ok(format!("Conversation {id} has no attachments.\n"));
    }
    let mut out = String::new();
    for (from, p) in &parts {
        let warn = match &p.verdict {
            Verdict::Open => String::new(),
            Verdict::Mismatch(why) => format!("  ! {why}"),
            Verdict::Program(why) => format!("  ! {why}; save only"),
        };
        out.push_str(&format!(
            "{:>3}  {}  ({}, {})  from {from}{warn}\n",
            p.number,
            p.name,
            p.effective_mime(),
            human_size(p.size())
        ));
    }
    for p in problems {
        out.push_str(&format!("  note: {}\n", crate::mail::sanitize::line(&p)));
    }
    out.push_str(&format!(
        "`shopinbox attachment {id} N` saves one into your Downloads folder (-o PATH elsewhere).\n"
    ));
    Ok(out)
}

/// `attachment ID N [-o PATH]`: writes attachment `n`, returns the path written. Without a
/// path: `save_dir` (the config's `[attachments] save_dir`, else Downloads).
pub fn save(
    store: &Store,
    id: i64,
    n: usize,
    out: Option<&Path>,
    save_dir: Option<&Path>,
) -> Result<PathBuf> {
    let (parts, _) = conversation_parts(store, id)?;
    let count = parts.len();
    let Some((_, part)) = parts.into_iter().nth(n.wrapping_sub(1)) else {
        return Err(anyhow!(match count {
            0 => format!("conversation {id} has no attachments"),
            c => format!(
                "conversation {id} has no attachment {n}; it has {c} (`shopinbox show {id} --attachments` lists them)"
            ),
        }));
    };
    let written = match out {
        Some(path) => crate::attach::save::save_to(path, &part.name, &part.bytes)?,
        None => {
            let dir = save_dir
                .map(Path::to_path_buf)
                .unwrap_or_else(crate::attach::save::default_dir);
            crate::attach::save::save_unique(&dir, &part.name, &part.bytes)?
        }
    };
    Ok(written)
}

/// `attachment ID N`: saves one attachment under a safe name.
pub(super) fn run(cli: &Cli, id: i64, n: usize, output: &Option<PathBuf>) -> Result<i32> {
    let env = Env::open(cli, cli.demo)?;
    let save_dir = env.config.attachments.save_dir.clone();
    let path = save(&env.store, id, n, output.as_deref(), save_dir.as_deref())?;
    outln!("Saved {}", path.display());
    Ok(0)
}
