//! IMAP write-back after a reply went out, on the sync module's helpers: the Sent copy and
//! `\Answered` on the customer's message, so the owner's phone and webmail agree.

use super::flow::{NoWriteBack, WriteBack};
use crate::config::{Config, ConfigError, ImapConfig};
use crate::store::Location;
use crate::sync::ImapAccount;

/// Writes back over its own short IMAP connections (never the sync worker's).
pub struct ImapWriteBack {
    account: ImapAccount,
}

impl ImapWriteBack {
    pub fn new(account: ImapAccount) -> Self {
        ImapWriteBack { account }
    }

    /// Builds the account from `[imap]`, resolving the password now.
    pub fn from_config(imap: &ImapConfig) -> Result<Self, ConfigError> {
        Ok(ImapWriteBack::new(ImapAccount::from_config(imap)?))
    }
}

impl WriteBack for ImapWriteBack {
    fn append_sent(&mut self, raw: &[u8]) -> Result<(), String> {
        crate::sync::append_to_sent(&self.account, raw, &["\\Seen"])
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn mark_answered(&mut self, location: &Location) -> Result<(), String> {
        crate::sync::set_flags(
            &self.account,
            &location.mailbox,
            location.uid,
            &["\\Answered"],
            &[],
        )
        .map_err(|e| e.to_string())
    }
}

/// The write-back for this config: IMAP when `[imap]` is set and not in demo mode, else none.
pub fn write_back_for(cfg: &Config, demo: bool) -> Result<Box<dyn WriteBack + Send>, ConfigError> {
    match (&cfg.imap, demo) {
        (Some(imap), false) => Ok(Box::new(ImapWriteBack::from_config(imap)?)),
        _ => Ok(Box::new(NoWriteBack)),
    }
}
