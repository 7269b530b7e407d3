//! IMAP write-back after a reply went out, on the sync module's helpers: the Sent copy and
//! `\Answered` on the customer's message, so the owner's phone and webmail agree. The steps
//! are durable jobs ([`crate::sync::jobs`]); this runs a reply's jobs right after the send.

use chrono::{DateTime, Utc};

use super::flow::{NoWriteBack, WriteBack};
use crate::config::{Config, ConfigError, ImapConfig, SaveSent};
use crate::store::Store;
use crate::sync::jobs::Select;
use crate::sync::ImapAccount;

/// Writes back over its own short IMAP connections (never the sync worker's).
pub struct ImapWriteBack {
    account: ImapAccount,
    save_sent: SaveSent,
}

impl ImapWriteBack {
    pub fn new(account: ImapAccount, save_sent: SaveSent) -> Self {
        ImapWriteBack { account, save_sent }
    }

    /// Builds the account from `[imap]`, resolving the password now.
    pub fn from_config(imap: &ImapConfig) -> Result<Self, ConfigError> {
        Ok(ImapWriteBack::new(
            ImapAccount::from_config(imap)?,
            imap.save_sent,
        ))
    }
}

impl WriteBack for ImapWriteBack {
    fn enabled(&self) -> bool {
        true
    }

    fn save_sent(&self) -> SaveSent {
        self.save_sent
    }

    fn run_jobs(&mut self, store: &Store, outbox_id: i64, now: DateTime<Utc>) -> Option<String> {
        // A Sent copy that waits for the provider's own (`save_sent = "auto"`) is not due
        // yet: it stays queued for the sync worker or the next `shopinbox sync`.
        let select = Select {
            outbox_id: Some(outbox_id),
            ..Select::waited(now)
        };
        let report = crate::sync::run_jobs(&self.account, store.connection(), select, now);
        report.problems.into_iter().next()
    }
}

/// The write-back for this config: IMAP when `[imap]` is set and not in demo mode, else none.
pub fn write_back_for(cfg: &Config, demo: bool) -> Result<Box<dyn WriteBack + Send>, ConfigError> {
    match (&cfg.imap, demo) {
        (Some(imap), false) => Ok(Box::new(ImapWriteBack::from_config(imap)?)),
        _ => Ok(Box::new(NoWriteBack)),
    }
}
