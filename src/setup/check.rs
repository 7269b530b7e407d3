//! Setup's login check: logs in to IMAP (lists the folders, finds Sent) and SMTP (EHLO and
//! AUTH, nothing sent) with the config about to be written, through the same connection code
//! sync and send use, so what passes here works there.

use crate::config::Config;
use crate::sync::folders::{choose_sent, ListedFolder};
use crate::sync::session::ImapSession;
use crate::sync::ImapAccount;
use std::time::Duration;

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Selectable folders, as the server names them (decoded).
    pub folders: Vec<String>,
    /// The Sent folder: marked `\Sent`, else a usual name, else the preset's name.
    pub sent: Option<String>,
}

/// A setup check waits this long for a server before it says so (not the minutes a busy
/// server may take to accept a message).
const SMTP_WAIT: Duration = Duration::from_secs(30);

/// The Sent folder among `list`: SPECIAL-USE, the usual names, then the preset's own name.
pub fn sent_among(list: &[ListedFolder], preset_sent: Option<&str>) -> Option<String> {
    choose_sent(list).or_else(|| {
        let want = preset_sent?;
        list.iter()
            .find(|f| f.name.eq_ignore_ascii_case(want))
            .map(|f| f.name.clone())
    })
}

/// Logs in to IMAP: the folders and the Sent folder. Errors are the sync's own sentences
/// (host, user, what to check), never the password.
pub fn imap(cfg: &Config, preset_sent: Option<&str>) -> anyhow::Result<Found> {
    let Some(imap) = &cfg.imap else {
        anyhow::bail!("the config has no [imap] section to check");
    };
    let account = ImapAccount::from_config(imap)?;
    let mut session = ImapSession::connect(&account)?;
    let list = session.list_folders()?;
    session.logout();
    let selectable = |f: &&ListedFolder| {
        !f.flags.iter().any(|x| {
            x.eq_ignore_ascii_case("\\Noselect") || x.eq_ignore_ascii_case("\\NonExistent")
        })
    };
    // INBOX first, then the rest in the server's order.
    let mut folders: Vec<String> = list
        .iter()
        .filter(selectable)
        .map(|f| f.name.clone())
        .collect();
    folders.sort_by_key(|f| !f.eq_ignore_ascii_case("INBOX"));
    Ok(Found {
        folders,
        sent: sent_among(&list, preset_sent),
    })
}

/// Logs in to SMTP without sending anything.
pub fn smtp(cfg: &Config) -> anyhow::Result<()> {
    let delivery = crate::send::flow::delivery(cfg, None)?;
    let crate::send::smtp::Delivery::Smtp(mut settings) = delivery else {
        anyhow::bail!("the config has no [smtp] section to check");
    };
    settings.timeouts = crate::send::smtp::SmtpTimeouts::all(SMTP_WAIT);
    crate::send::smtp::check_login(&settings).map_err(|f| {
        anyhow::Error::new(crate::exit::Exit::new(
            crate::exit::UNAVAILABLE,
            f.message().to_string(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, flags: &[&str]) -> ListedFolder {
        ListedFolder {
            name: name.to_string(),
            flags: flags.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn sent_is_special_use_then_usual_names_then_the_presets_name() {
        let marked = [
            folder("INBOX", &[]),
            folder("Outbox", &["\\Sent"]),
            folder("Sent", &[]),
        ];
        assert_eq!(sent_among(&marked, Some("Sent")).as_deref(), Some("Outbox"));
        let usual = [folder("INBOX", &[]), folder("Gesendet", &[])];
        assert_eq!(sent_among(&usual, None).as_deref(), Some("Gesendet"));
        let own = [folder("INBOX", &[]), folder("Postausgang Gesendet", &[])];
        assert_eq!(sent_among(&own, None), None);
        assert_eq!(
            sent_among(&own, Some("postausgang gesendet")).as_deref(),
            Some("Postausgang Gesendet")
        );
    }
}
