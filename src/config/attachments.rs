//! `[attachments]`: how received attachments are opened and saved, and how large a reply with
//! attachments may be. Every key is optional.

use super::load::Ctx;
use super::ConfigError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAttachments {
    open_command: Option<String>,
    save_dir: Option<String>,
    max_send_mb: Option<i64>,
    inline_images: Option<bool>,
}

/// The default largest reply (attachments included, as sent): 20 MB, what most providers take.
pub const DEFAULT_MAX_SEND_MB: u64 = 20;
/// The largest limit accepted: no provider takes more.
const MAX_SEND_MB: i64 = 150;

/// `[attachments]` as the app uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentSettings {
    /// The program that opens an attachment's private copy (its path is the last argument);
    /// `None`: the system's viewer (`xdg-open`, `open`, `start`).
    pub open_command: Option<String>,
    /// Where attachments are saved; `None`: the user's Downloads folder.
    pub save_dir: Option<PathBuf>,
    /// The largest reply shopinbox queues, in bytes (the server's own `SIZE` may be lower).
    pub max_send_bytes: u64,
    /// Images are drawn in the conversation (a key toggles it).
    pub inline_images: bool,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        AttachmentSettings {
            open_command: None,
            save_dir: None,
            max_send_bytes: DEFAULT_MAX_SEND_MB * 1_000_000,
            inline_images: true,
        }
    }
}

pub(super) fn build(
    ctx: &Ctx<'_>,
    raw: RawAttachments,
    base: Option<&Path>,
) -> Result<AttachmentSettings, ConfigError> {
    let mut s = AttachmentSettings::default();
    if let Some(cmd) = raw.open_command {
        if cmd.trim().is_empty() {
            return Err(ctx.invalid(
                "attachments.open_command",
                "is empty; name a program (e.g. \"xdg-open\"), or remove the key to use the system's viewer",
            ));
        }
        s.open_command = Some(cmd.trim().to_string());
    }
    if let Some(dir) = raw.save_dir {
        if dir.trim().is_empty() {
            return Err(ctx.invalid(
                "attachments.save_dir",
                "is empty; give a folder, or remove the key to save into Downloads",
            ));
        }
        s.save_dir = Some(super::load::resolve_path(&dir, base));
    }
    if let Some(mb) = raw.max_send_mb {
        if !(1..=MAX_SEND_MB).contains(&mb) {
            return Err(ctx.invalid(
                "attachments.max_send_mb",
                format!("must be between 1 and {MAX_SEND_MB} (megabytes; 20 suits most providers)"),
            ));
        }
        s.max_send_bytes = mb as u64 * 1_000_000;
    }
    if let Some(on) = raw.inline_images {
        s.inline_images = on;
    }
    Ok(s)
}
