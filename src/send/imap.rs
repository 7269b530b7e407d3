//! IMAP write-back after a reply went out, on the sync module's helpers: the Sent copy and
//! `\Answered` on the customer's message, so the owner's phone and webmail agree.

use super::flow::{NoWriteBack, WriteBack};
use crate::config::{resolve_password, Config, ConfigError, ImapConfig, Security};
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
        Ok(ImapWriteBack {
            account: ImapAccount {
                host: imap.host.clone(),
                port: imap.port,
                security: match imap.security {
                    Security::Tls => crate::sync::Security::Tls,
                    Security::Starttls => crate::sync::Security::StartTls,
                    Security::None => crate::sync::Security::None,
                },
                username: imap.username.clone(),
                password: resolve_password(&imap.password)?,
                ca_file: imap.ca_file.clone(),
                sent_folder: imap.sent_folder.clone(),
                extra_folders: imap.folders.clone(),
            },
        })
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
