//! Write-back for replies: mark a message `\Answered`/`\Seen` on the server and save a sent
//! reply into the Sent folder, so that the owner's phone and webmail agree with shopinbox.
//! These are the only places that open a folder read-write.

use super::session::{quote, ImapSession};
use super::{ImapAccount, SyncError};
use crate::mail::parse::parse_message;

/// Adds and removes flags on one message (`UID STORE`, folder opened with SELECT).
pub fn set_flags(
    account: &ImapAccount,
    mailbox: &str,
    uid: u32,
    add: &[&str],
    remove: &[&str],
) -> Result<(), SyncError> {
    let mut sess = ImapSession::connect(account)?;
    sess.select(mailbox)?;
    sess.store_flags(uid, add, remove)?;
    sess.logout();
    Ok(())
}

/// APPENDs `raw` to the Sent folder (configured, else SPECIAL-USE `\Sent`) and returns the
/// folder and the new message's UID when it can be known: from UIDPLUS's APPENDUID when
/// offered, else by searching the folder for the message's Message-ID.
pub fn append_to_sent(
    account: &ImapAccount,
    raw: &[u8],
    flags: &[&str],
) -> Result<(String, Option<u32>), SyncError> {
    let mut sess = ImapSession::connect(account)?;
    let folder = match &account.sent_folder {
        Some(f) => f.clone(),
        None => sess.find_sent()?.ok_or_else(|| SyncError::NoSentFolder {
            host: account.host.clone(),
        })?,
    };
    let appended = sess.append(&folder, raw, flags)?;
    let uid = match appended {
        Some((_, uid)) => Some(uid),
        None => find_by_message_id(&mut sess, &folder, raw)?,
    };
    sess.logout();
    Ok((folder, uid))
}

fn find_by_message_id(
    sess: &mut ImapSession,
    folder: &str,
    raw: &[u8],
) -> Result<Option<u32>, SyncError> {
    let Some(id) = parse_message(raw).message_id else {
        return Ok(None);
    };
    let Some(q) = quote(&format!("<{id}>")) else {
        return Ok(None);
    };
    sess.examine(folder)?;
    let data = sess
        .inner
        .uid_search(format!("HEADER Message-ID {q}"))
        .map_err(|e| super::session::map_err(sess.host(), "find the saved message", e))?;
    Ok(data.into_iter().max())
}
