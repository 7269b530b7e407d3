//! One IMAP connection for the sync and the write-back: connect (TLS, STARTTLS or loopback
//! plaintext), log in, and the commands the sync needs, on shopinbox's own IMAP client
//! ([`crate::imap`]). Errors become one [`SyncError`] sentence quoting the server's own words
//! (sanitized).
//!
//! Folders are opened with EXAMINE (read-only) for fetching, so syncing can never change the
//! server's `\Seen` flags; bodies are fetched with `BODY.PEEK[]` for the same reason. SELECT is
//! used only by the explicit write-back helpers.

use super::folders::{self, ListedFolder};
use super::plan::ServerFolder;
use super::server_text::{map_err, printable};
use super::{ImapAccount, Security, SyncError};
use crate::imap::{self, Command, Connection, FolderState, ImapError, PipelineError};
use crate::net::{self, MailStream, ShutdownHandle};
use std::collections::HashSet;
use std::time::Duration;

pub use crate::imap::FetchedMessage;

/// What the server can do, as far as the sync cares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Caps {
    pub condstore: bool,
    pub uidplus: bool,
    pub idle: bool,
    pub special_use: bool,
    /// UNSELECT (RFC 3691): leave the open folder without expunging anything.
    pub unselect: bool,
    /// NAMESPACE (RFC 2342): where the owner's folders live (`INBOX.` on Courier and Cyrus).
    pub namespace: bool,
    /// The server offers QRESYNC.
    pub qresync_offered: bool,
    /// QRESYNC (RFC 7162), enabled on the connection by [`ImapSession::enable_qresync`].
    pub qresync: bool,
    /// LITERAL+ (RFC 7888): literals need not wait for the server's `+`.
    pub literal_plus: bool,
}

impl Caps {
    /// From the capability words (any case).
    pub fn from_words(words: &[String]) -> Caps {
        let has = |c: &str| words.iter().any(|w| w.eq_ignore_ascii_case(c));
        Caps {
            condstore: has("CONDSTORE") || has("QRESYNC"),
            uidplus: has("UIDPLUS"),
            idle: has("IDLE"),
            special_use: has("SPECIAL-USE"),
            unselect: has("UNSELECT"),
            namespace: has("NAMESPACE"),
            qresync_offered: has("QRESYNC"),
            qresync: false,
            literal_plus: has("LITERAL+"),
        }
    }
}

/// A first look's listing: every (UID, size), and the UIDs received since the window's date.
pub type FirstListing = (Vec<(u32, u32)>, HashSet<u32>);

pub struct ImapSession {
    pub(crate) conn: Connection<MailStream>,
    host: String,
    caps: Caps,
    shutdown: Option<ShutdownHandle>,
    /// The folder currently selected or examined, and whether read-write.
    selected: Option<(String, bool)>,
    /// A first look's listing of a folder's history (by folder and UIDVALIDITY), kept for
    /// the history download of the same connection so the folder is not listed twice.
    history_listings: std::collections::HashMap<(String, u32), Vec<(u32, u32)>>,
    /// An EXAMINE sent ahead of the next download ([`Self::examine_with_next_fetch`]), its
    /// answer not read yet.
    pending_open: Option<open_ahead::PendingOpen>,
}

#[path = "open_ahead.rs"]
mod open_ahead;

impl std::fmt::Debug for ImapSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSession")
            .field("host", &self.host)
            .field("caps", &self.caps)
            .finish()
    }
}

impl ImapSession {
    /// Connects and logs in. The password goes only into the LOGIN command: errors name the
    /// host and user, never the password.
    pub fn connect(account: &ImapAccount) -> Result<ImapSession, SyncError> {
        let host = account.host.as_str();
        let net_err = |source| SyncError::Net { source };
        let stream = match account.security {
            Security::Tls => {
                let cfg = net::tls_config(account.ca_file.as_deref()).map_err(net_err)?;
                net::connect_tls(host, account.port, &cfg).map_err(net_err)?
            }
            Security::StartTls => {
                let cfg = net::tls_config(account.ca_file.as_deref()).map_err(net_err)?;
                net::imap_starttls(host, account.port, &cfg).map_err(net_err)?
            }
            Security::None => net::connect_plain(host, account.port).map_err(net_err)?,
        };
        let shutdown = stream.shutdown_handle().ok();
        let mut conn = Connection::new(stream);
        let mut pre_caps = None;
        let mut preauth = false;
        if account.security != Security::StartTls {
            // After STARTTLS the greeting was read before the upgrade.
            let greeting = conn
                .greeting()
                .map_err(|e| login_failure(host, "read the server greeting", e))?;
            pre_caps = greeting.caps;
            preauth = greeting.preauth;
        }
        let mut caps = None;
        if !preauth {
            caps = match &account.oauth2 {
                Some(source) => super::auth::authenticate(&mut conn, account, source, pre_caps)?,
                None => match conn.login(&account.username, &account.password) {
                    Ok(c) => c,
                    Err(ImapError::No(_)) => {
                        return Err(SyncError::Login {
                            host: host.to_string(),
                            user: printable(&account.username),
                            password_from: account.login_hint(),
                        })
                    }
                    Err(e) => return Err(map_err(host, "log in", e)),
                },
            };
        }
        let words = match caps {
            Some(c) => c,
            None => conn
                .capability()
                .map_err(|e| map_err(host, "ask for the server's capabilities", e))?,
        };
        let caps = Caps::from_words(&words);
        conn.set_literal_plus(caps.literal_plus);
        Ok(ImapSession {
            conn,
            host: host.to_string(),
            caps,
            shutdown,
            selected: None,
            history_listings: std::collections::HashMap::new(),
            pending_open: None,
        })
    }

    pub fn caps(&self) -> Caps {
        self.caps
    }

    /// Stop using CONDSTORE (and QRESYNC) or only QRESYNC on this connection, as if the
    /// server did not offer them (see [`super::IgnoreCaps`]).
    pub fn ignore(&mut self, ignore: super::IgnoreCaps) {
        use super::IgnoreCaps as I;
        match ignore {
            I::Nothing => {}
            I::Qresync => self.caps.qresync_offered = false,
            I::Condstore => {
                self.caps.qresync_offered = false;
                self.caps.condstore = false;
            }
        }
    }

    pub(super) fn set_qresync(&mut self, on: bool) {
        self.caps.qresync = on;
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// A handle that closes this connection from another thread (stops an IDLE wait).
    pub fn shutdown_handle(&self) -> Option<&ShutdownHandle> {
        self.shutdown.as_ref()
    }

    /// Maps a client error for `action` to the sync's error.
    pub(super) fn err(&self, action: &str) -> impl Fn(ImapError) -> SyncError + '_ {
        let action = action.to_string();
        move |e| map_err(&self.host, &action, e)
    }

    /// Every folder with its attributes, names decoded from modified UTF-7. Where the server
    /// offers SPECIAL-USE, asks for the special-use attributes explicitly (RFC 6154 `RETURN
    /// (SPECIAL-USE)`): some servers leave them out of a plain LIST.
    pub fn list_folders(&mut self) -> Result<Vec<ListedFolder>, SyncError> {
        let special_use = self.caps.special_use;
        let listed = self
            .conn
            .list(special_use)
            .map_err(|e| map_err(&self.host, "list the folders", e))?;
        Ok(listed_folders(listed))
    }

    /// [`Self::enable_qresync`] and [`Self::list_folders`] in one round trip (the start of
    /// every sync on a new connection). `* ENABLED` and `* LIST` are different responses, so
    /// each answer is read from its own kind.
    pub fn enable_qresync_and_list(&mut self) -> Result<Vec<ListedFolder>, SyncError> {
        if !self.qresync_to_enable() {
            return self.list_folders();
        }
        let enable = imap::enable::command("QRESYNC");
        let list = imap::base::list_command(self.caps.special_use);
        let (enabled, listed) = self
            .conn
            .run_pair(&enable, &list)
            .map_err(|e| map_err(&self.host, "list the folders", e))?;
        let on = match enabled {
            Ok(a) => imap::enable::enabled(&a.untagged, "QRESYNC"),
            // A server that refuses leaves the connection as it was.
            Err(ImapError::No(_) | ImapError::Bad(_)) => false,
            Err(e) => return Err(map_err(&self.host, "enable QRESYNC", e)),
        };
        self.set_qresync(on);
        let listed = listed.map_err(|e| map_err(&self.host, "list the folders", e))?;
        Ok(listed_folders(imap::base::listed(listed.untagged)))
    }

    /// The personal namespace's prefix (RFC 2342 NAMESPACE), e.g. `INBOX.` on Courier and
    /// Cyrus; `None` where the server does not offer NAMESPACE, has no prefix, or refuses.
    pub fn namespace_prefix(&mut self) -> Result<Option<String>, SyncError> {
        if !self.caps.namespace {
            return Ok(None);
        }
        match self.conn.namespace_prefix() {
            Ok(p) => Ok(p.map(|p| folders::from_wire(&p))),
            Err(ImapError::No(_) | ImapError::Bad(_)) => Ok(None),
            Err(e) => Err(map_err(&self.host, "ask for the folder namespace", e)),
        }
    }

    /// The Sent folder to save copies in: the configured one resolved through the namespace
    /// (`Sent` is `INBOX.Sent` on Courier), else the one found by [`Self::find_sent`].
    pub fn sent_folder(&mut self, configured: Option<&str>) -> Result<Option<String>, SyncError> {
        let listed = self.list_folders()?;
        Ok(match configured {
            Some(name) => {
                let prefix = self.namespace_prefix()?;
                Some(folders::resolve(name, &listed, prefix.as_deref()))
            }
            None => folders::choose_sent(&listed),
        })
    }

    /// The Sent folder: marked `\Sent` (RFC 6154), else the first usual name that exists.
    pub fn find_sent(&mut self) -> Result<Option<String>, SyncError> {
        Ok(folders::choose_sent(&self.list_folders()?))
    }

    /// EXAMINE: opens a folder read-only and reports its state. With CONDSTORE the
    /// `(CONDSTORE)` parameter makes the server report HIGHESTMODSEQ.
    pub fn examine(&mut self, mailbox: &str) -> Result<ServerFolder, SyncError> {
        self.open(mailbox, false)
    }

    /// SELECT: read-write, only for write-back (flags, expunge).
    pub fn select(&mut self, mailbox: &str) -> Result<ServerFolder, SyncError> {
        self.open(mailbox, true)
    }

    fn open(&mut self, mailbox: &str, write: bool) -> Result<ServerFolder, SyncError> {
        let (state, _) = self.open_with(mailbox, write, self.open_param())?;
        self.server_folder(mailbox, state)
    }

    /// The parameter of a plain SELECT/EXAMINE: `(CONDSTORE)` where the server offers it, so
    /// that the answer reports HIGHESTMODSEQ.
    fn open_param(&self) -> Option<&'static str> {
        self.caps
            .condstore
            .then_some(imap::condstore::SELECT_CONDSTORE)
    }

    pub(super) fn server_folder(
        &self,
        mailbox: &str,
        st: FolderState,
    ) -> Result<ServerFolder, SyncError> {
        let uidvalidity = st.uidvalidity.ok_or_else(|| SyncError::Protocol {
            host: self.host.clone(),
            action: format!("open the folder {}", printable(mailbox)),
            detail: "no UIDVALIDITY in the answer".to_string(),
        })?;
        Ok(ServerFolder {
            uidvalidity,
            uidnext: st.uidnext,
            exists: st.exists,
            highestmodseq: st.highestmodseq,
        })
    }

    /// SELECT/EXAMINE with an optional parameter list; the state and the whole answer.
    pub(super) fn open_with(
        &mut self,
        mailbox: &str,
        write: bool,
        param: Option<&str>,
    ) -> Result<(FolderState, imap::Answer), SyncError> {
        let wire = self.wire_to_open(mailbox)?;
        let answer = self
            .conn
            .select(&wire, write, param)
            .map_err(|e| self.open_error(mailbox, e))?;
        self.selected = Some((mailbox.to_string(), write));
        Ok(answer)
    }

    /// The wire name of a folder about to be opened; until it is, none counts as selected.
    fn wire_to_open(&mut self, mailbox: &str) -> Result<String, SyncError> {
        // A line break is refused as such, not hidden inside modified UTF-7.
        if quote(mailbox).is_none() {
            return Err(SyncError::BadFolderName {
                folder: printable(mailbox),
            });
        }
        self.selected = None;
        Ok(folders::to_wire(mailbox))
    }

    /// A refused SELECT/EXAMINE names the folder with the server's reason.
    fn open_error(&self, mailbox: &str, e: ImapError) -> SyncError {
        match e {
            ImapError::No(reason) => SyncError::NoFolder {
                host: self.host.clone(),
                folder: printable(mailbox),
                reason: printable(&reason),
                hint: String::new(),
            },
            e => {
                let action = format!("open the folder {}", printable(mailbox));
                map_err(&self.host, &action, e)
            }
        }
    }

    fn uid_sizes(
        &mut self,
        action: &str,
        set: &str,
        up_to: u32,
    ) -> Result<Vec<(u32, u32)>, SyncError> {
        let fetched = self
            .conn
            .uid_fetch(set, "(UID RFC822.SIZE)", None)
            .map_err(|e| map_err(&self.host, action, e))?;
        Ok(sizes(fetched, up_to))
    }

    /// Keep a first look's listing of `mailbox`'s history (UID, size) for
    /// [`ImapSession::kept_history_listing`].
    pub(super) fn keep_history_listing(
        &mut self,
        mailbox: &str,
        uidvalidity: u32,
        listed: Vec<(u32, u32)>,
    ) {
        self.history_listings
            .insert((mailbox.to_string(), uidvalidity), listed);
    }

    /// The UIDs and sizes of `mailbox`'s messages up to `up_to` from the listing this
    /// connection's first look kept (UIDs never come back below the top, and one expunged
    /// since is found missing by the download, which checks); `None` when there is none
    /// (then [`Self::uid_sizes_up_to`] lists them).
    pub fn kept_history_listing(
        &mut self,
        mailbox: &str,
        uidvalidity: u32,
        up_to: u32,
    ) -> Option<Vec<(u32, u32)>> {
        self.history_listings
            .remove(&(mailbox.to_string(), uidvalidity))
            .map(|kept| kept.into_iter().filter(|(u, _)| *u <= up_to).collect())
    }

    /// UIDs and sizes of the messages above `after` (`UID FETCH after+1:* (UID RFC822.SIZE)`),
    /// cheap, and it gives the progress total and byte-bounded batches.
    pub fn uid_sizes_after(&mut self, after: u32) -> Result<Vec<(u32, u32)>, SyncError> {
        let start = after.saturating_add(1);
        // `n:*` also matches the highest UID when it is below n (RFC 3501 6.4.8): the caller
        // filters.
        self.uid_sizes("list new messages", &format!("{start}:*"), u32::MAX)
    }

    /// A first look at a folder (issue 11): every UID with its size, and the UIDs received
    /// since `date` (`UID SEARCH SINCE`, which compares INTERNALDATE's day: the tracking
    /// window a first sync fetches first), asked for in one round trip.
    pub fn uid_sizes_and_since(
        &mut self,
        date: chrono::NaiveDate,
    ) -> Result<FirstListing, SyncError> {
        let [list, since] = first_listing_commands(date);
        let (listed, found) = self
            .conn
            .run_pair(&list, &since)
            .map_err(|e| map_err(&self.host, "list the messages", e))?;
        self.first_listing(listed, found)
    }

    /// EXAMINE of a folder this store has never seen, with the first look's listing and
    /// `UID SEARCH SINCE` behind it in the same round trip ([`Self::examine`] and
    /// [`Self::uid_sizes_and_since`] in one): a first sync saves a round trip per folder.
    /// A refused EXAMINE is [`SyncError::NoFolder`], as [`Self::examine`] says it; the
    /// listing behind it is then refused too (no folder is selected) and never read.
    pub fn examine_with_first_listing(
        &mut self,
        mailbox: &str,
        date: chrono::NaiveDate,
    ) -> Result<(ServerFolder, FirstListing), SyncError> {
        let wire = self.wire_to_open(mailbox)?;
        let examine = imap::base::select_command(&wire, false, self.open_param());
        let [list, since] = first_listing_commands(date);
        let answers = self
            .conn
            .run_all(&[&examine, &list, &since])
            .map_err(|e| self.open_error(mailbox, e))?;
        let [opened, listed, found] = <[_; 3]>::try_from(answers)
            .map_err(|_| self.protocol("list the messages", "answers went missing".into()))?;
        let state = imap::base::folder_state(&opened.map_err(|e| self.open_error(mailbox, e))?);
        self.selected = Some((mailbox.to_string(), false));
        let folder = self.server_folder(mailbox, state)?;
        Ok((folder, self.first_listing(listed, found)?))
    }

    /// The first look's two answers → every (UID, size) and the UIDs since the window's date.
    fn first_listing(
        &self,
        listed: Result<imap::Answer, ImapError>,
        found: Result<imap::Answer, ImapError>,
    ) -> Result<FirstListing, SyncError> {
        let mut untagged = listed
            .map_err(|e| map_err(&self.host, "list the messages", e))?
            .untagged;
        untagged.extend(
            found
                .map_err(|e| map_err(&self.host, "search the folder", e))?
                .untagged,
        );
        // Each answer is told apart by its kind, whichever command's end it came before.
        let in_window = imap::base::searched(&untagged).into_iter().collect();
        let fetched = imap::base::fetches(untagged)
            .map_err(|e| map_err(&self.host, "list the messages", e))?;
        Ok((sizes(fetched, u32::MAX), in_window))
    }

    /// UIDs and sizes of the messages `1..=up_to` (the history a first sync still owes).
    pub fn uid_sizes_up_to(&mut self, up_to: u32) -> Result<Vec<(u32, u32)>, SyncError> {
        if up_to == 0 {
            return Ok(Vec::new());
        }
        self.uid_sizes("list older messages", &format!("1:{up_to}"), up_to)
    }

    /// Whole messages, without setting `\Seen` (BODY.PEEK). A message that another client
    /// expunged after it was listed is left out: Dovecot answers it with `BODY[] NIL` (or not
    /// at all), and the caller counts the UIDs it asked for but did not get.
    pub fn fetch_messages(&mut self, uid_set: &str) -> Result<Vec<FetchedMessage>, SyncError> {
        let fetched = self
            .conn
            .uid_fetch(uid_set, imap::fetch::MESSAGE_ITEMS, None)
            .map_err(|e| map_err(&self.host, "download messages", e))?;
        Ok(imap::messages_from(fetched))
    }

    /// Sends `UID FETCH <set> (UID FLAGS INTERNALDATE BODY.PEEK[])` for each set that `next`
    /// yields, keeping up to `depth` commands in flight, and hands each set's messages (in the
    /// order the sets were yielded) to `each` as soon as that command's tagged OK arrived.
    /// `next` returning None ends the sending. `each` returning Ok(false) stops: no further
    /// sets are asked for, and the answers to commands already in flight are read and dropped
    /// (the caller asks for them again later). An error from `each` is returned after the
    /// connection is left in a usable state where possible.
    ///
    /// An EXAMINE sent ahead ([`Self::examine_with_next_fetch`]) is read first.
    pub fn fetch_pipelined(
        &mut self,
        depth: usize,
        next: &mut dyn FnMut() -> Option<String>,
        each: &mut dyn FnMut(Vec<FetchedMessage>) -> Result<bool, SyncError>,
    ) -> Result<(), SyncError> {
        let pending = self.pending_open.take();
        let opening = pending.as_ref().map(|p| p.opening.clone());
        match self.conn.fetch_pipelined_in(opening, depth, next, each) {
            Ok(()) => {
                if let Some(p) = pending {
                    self.selected = Some((p.mailbox, false));
                }
                Ok(())
            }
            Err(PipelineError::Caller(e)) => Err(e),
            Err(PipelineError::Imap(e)) => Err(map_err(&self.host, "download messages", e)),
            Err(PipelineError::NotOpened(refused)) => {
                let mailbox = pending.map(|p| p.mailbox).unwrap_or_default();
                Err(self.not_opened(&mailbox, refused))
            }
        }
    }

    /// Flags of the messages up to `up_to`; with `changed_since` only those whose mod-sequence
    /// is higher (CONDSTORE).
    pub fn fetch_flags(
        &mut self,
        up_to: u32,
        changed_since: Option<u64>,
    ) -> Result<Vec<(u32, Vec<String>)>, SyncError> {
        if up_to == 0 {
            return Ok(Vec::new());
        }
        let modifier = changed_since.map(imap::condstore::changed_since);
        let fetched = self
            .conn
            .uid_fetch(&format!("1:{up_to}"), "(UID FLAGS)", modifier.as_deref())
            .map_err(|e| map_err(&self.host, "refresh flags", e))?;
        Ok(fetched
            .into_iter()
            .filter_map(|f| Some((f.uid?, f.flags?)))
            .filter(|(uid, _)| *uid <= up_to)
            .collect())
    }

    fn search(&mut self, criteria: &Command<'_>) -> Result<HashSet<u32>, SyncError> {
        let found = self
            .conn
            .uid_search(criteria)
            .map_err(|e| map_err(&self.host, "list messages", e))?;
        Ok(found.into_iter().collect())
    }

    /// Every UID up to `up_to` that still exists.
    pub fn uids_up_to(&mut self, up_to: u32) -> Result<HashSet<u32>, SyncError> {
        if up_to == 0 {
            return Ok(HashSet::new());
        }
        let mut found = self.search(&Command::new(format!("UID 1:{up_to}")))?;
        found.retain(|u| *u <= up_to);
        Ok(found)
    }

    /// Which of the UIDs in `uid_set` still exist (`UID SEARCH UID …`).
    pub fn uids_present(&mut self, uid_set: &str) -> Result<HashSet<u32>, SyncError> {
        self.search(&Command::new(format!("UID {uid_set}")))
    }

    /// The UIDs of the messages in the open folder whose Message-ID is `<message_id>`
    /// (`UID SEARCH HEADER Message-ID`; Dovecot matches a substring, so the brackets are part
    /// of the search), sorted.
    pub fn search_message_id(&mut self, message_id: &str) -> Result<Vec<u32>, SyncError> {
        let id = format!("<{message_id}>");
        if quote(&id).is_none() {
            return Ok(Vec::new());
        }
        let criteria = Command::new("HEADER Message-ID ").string(&id);
        self.conn
            .uid_search(&criteria)
            .map_err(|e| map_err(&self.host, "search a folder", e))
    }

    /// `UID STORE uid ±FLAGS.SILENT (…)` in the selected (read-write) folder.
    pub fn store_flags(
        &mut self,
        uid: u32,
        add: &[&str],
        remove: &[&str],
    ) -> Result<(), SyncError> {
        if !matches!(self.selected, Some((_, true))) {
            return Err(self.protocol("change flags", "no folder is open for writing".into()));
        }
        for (sign, flags) in [('+', add), ('-', remove)] {
            if flags.is_empty() {
                continue;
            }
            let list = flag_list(flags).ok_or_else(|| {
                self.protocol("change flags", format!("invalid flag in {flags:?}"))
            })?;
            self.conn
                .uid_store(&uid.to_string(), sign, &list)
                .map_err(|e| map_err(&self.host, "change flags", e))?;
        }
        Ok(())
    }

    /// Leaves the open folder, if any, without expunging anything: UNSELECT where offered
    /// (RFC 3691), else CLOSE, which expunges nothing in a folder opened read-only (EXAMINE,
    /// RFC 3501 6.4.2); a folder open read-write is first re-opened read-only so that CLOSE
    /// cannot remove messages marked `\Deleted`.
    pub fn leave_folder(&mut self) -> Result<(), SyncError> {
        let Some((mailbox, write)) = self.selected.clone() else {
            return Ok(());
        };
        let left = if self.caps.unselect {
            self.conn.unselect()
        } else {
            if write {
                self.examine(&mailbox)?;
            }
            self.conn.close()
        };
        left.map_err(|e| map_err(&self.host, "leave the open folder", e))?;
        self.selected = None;
        Ok(())
    }

    /// The folder open on this connection, and whether read-write.
    pub fn open_folder(&self) -> Option<(&str, bool)> {
        self.selected.as_ref().map(|(m, w)| (m.as_str(), *w))
    }

    /// APPEND; returns the new UID from UIDPLUS's APPENDUID when the server offers it.
    ///
    /// No folder stays open during the APPEND: Courier refuses an APPEND while a folder is
    /// open read-only (`NO Current box is selected READ-ONLY`), so the open one is left first
    /// ([`Self::leave_folder`]).
    /// Deletes the messages with UIDs `1..=up_to` from the folder open for writing: `\Deleted`,
    /// then UID EXPUNGE of that range where UIDPLUS is offered, else EXPUNGE (which also takes
    /// any other message already marked `\Deleted`; used on the state folder only, whose
    /// messages are all shopinbox's).
    pub fn delete_up_to(&mut self, up_to: u32) -> Result<(), SyncError> {
        if !matches!(self.selected, Some((_, true))) {
            return Err(self.protocol("delete messages", "no folder is open for writing".into()));
        }
        let set = format!("1:{up_to}");
        let host = self.host.clone();
        self.conn
            .uid_store(&set, '+', "\\Deleted")
            .map_err(|e| map_err(&host, "delete messages", e))?;
        let done = if self.caps.uidplus {
            self.conn.uid_expunge(&set)
        } else {
            self.conn.expunge()
        };
        done.map_err(|e| map_err(&host, "delete messages", e))
    }

    pub fn append(
        &mut self,
        mailbox: &str,
        raw: &[u8],
        flags: &[&str],
    ) -> Result<Option<(u32, u32)>, SyncError> {
        if quote(mailbox).is_none() {
            return Err(SyncError::BadFolderName {
                folder: printable(mailbox),
            });
        }
        let action = format!("save the message to the folder {}", printable(mailbox));
        let flags = flag_list(flags)
            .ok_or_else(|| self.protocol(&action, format!("invalid flag in {flags:?}")))?;
        self.leave_folder()?;
        self.conn
            .append(&folders::to_wire(mailbox), &flags, None, raw)
            .map_err(|e| map_err(&self.host, &action, e))
    }

    /// CREATE: makes a folder. `Err` with the server's words when refused (also when it
    /// exists already).
    pub fn create_folder(&mut self, mailbox: &str) -> Result<(), SyncError> {
        let wire = self.wire_name(mailbox)?;
        let action = format!("create the folder {}", printable(mailbox));
        self.conn
            .create(&wire)
            .map_err(|e| map_err(&self.host, &action, e))
    }

    /// UNSUBSCRIBE: mail clients that show subscribed folders only leave it out.
    pub fn unsubscribe(&mut self, mailbox: &str) -> Result<(), SyncError> {
        let wire = self.wire_name(mailbox)?;
        let action = format!("unsubscribe the folder {}", printable(mailbox));
        self.conn
            .unsubscribe(&wire)
            .map_err(|e| map_err(&self.host, &action, e))
    }

    /// A folder's name as sent (modified UTF-7); a name with a line break is refused as such.
    fn wire_name(&self, mailbox: &str) -> Result<String, SyncError> {
        match quote(mailbox) {
            Some(_) => Ok(folders::to_wire(mailbox)),
            None => Err(SyncError::BadFolderName {
                folder: printable(mailbox),
            }),
        }
    }

    pub fn noop(&mut self) -> Result<(), SyncError> {
        self.conn
            .noop()
            .map(|_| ())
            .map_err(|e| map_err(&self.host, "keep the connection alive", e))
    }

    /// Waits in IDLE until the folder changes or `timeout` passes. `Ok(true)`: something
    /// changed.
    pub fn idle_wait(&mut self, timeout: Duration) -> Result<bool, SyncError> {
        if !self.caps.idle {
            return Err(self.protocol("wait for new mail", "the server does not offer IDLE".into()));
        }
        let set = |s: &MailStream, t: Option<Duration>| s.set_read_timeout(t);
        self.conn
            .idle(timeout, &set)
            .map_err(|e| map_err(&self.host, "wait for new mail", e))
    }

    pub fn logout(mut self) {
        self.conn.logout();
    }

    pub(super) fn protocol(&self, action: &str, detail: String) -> SyncError {
        SyncError::Protocol {
            host: self.host.clone(),
            action: action.to_string(),
            detail,
        }
    }
}

/// LIST entries as the sync keeps them: names decoded from modified UTF-7.
fn listed_folders(listed: Vec<imap::ListEntry>) -> Vec<ListedFolder> {
    listed
        .into_iter()
        .map(|l| ListedFolder {
            name: folders::from_wire(&l.name),
            flags: l.attributes,
        })
        .collect()
}

/// A first look's two commands: every UID with its size, and the UIDs since `date`.
fn first_listing_commands(date: chrono::NaiveDate) -> [Command<'static>; 2] {
    [
        Command::new("UID FETCH 1:* (UID RFC822.SIZE)"),
        Command::new(format!("UID SEARCH SINCE {}", date.format("%-d-%b-%Y"))),
    ]
}

/// (UID, size) of each listing answer up to `up_to`: a listing answer carries RFC822.SIZE; a
/// bare flag update under the command is none.
fn sizes(fetched: Vec<imap::FetchItem>, up_to: u32) -> Vec<(u32, u32)> {
    fetched
        .into_iter()
        .filter_map(|f| Some((f.uid?, f.size?)))
        .filter(|(u, _)| *u <= up_to)
        .collect()
}

/// A failure before login: a `* BYE` greeting is the server's refusal in its own words.
fn login_failure(host: &str, action: &str, e: ImapError) -> SyncError {
    match e {
        ImapError::Bye(reason) => SyncError::Server {
            host: host.to_string(),
            action: "log in".to_string(),
            reason: printable(&reason),
        },
        e => map_err(host, action, e),
    }
}

/// An IMAP quoted string, or `None` for names that cannot be sent (CR/LF/NUL).
pub fn quote(s: &str) -> Option<String> {
    if s.contains(['\r', '\n', '\0']) {
        return None;
    }
    Some(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// A flag list for STORE/APPEND: system flags (`\Seen`) and keywords (atoms) only.
fn flag_list(flags: &[&str]) -> Option<String> {
    let ok = |f: &&str| {
        let body = f.strip_prefix('\\').unwrap_or(f);
        !body.is_empty()
            && body
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b))
    };
    flags.iter().all(ok).then(|| flags.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_flag_lists() {
        assert_eq!(quote("INBOX").unwrap(), "\"INBOX\"");
        assert_eq!(quote("a\"b\\c").unwrap(), "\"a\\\"b\\\\c\"");
        assert_eq!(quote("bad\r\nLOGOUT"), None);
        assert_eq!(
            flag_list(&["\\Answered", "$Label1"]).unwrap(),
            "\\Answered $Label1"
        );
        assert_eq!(flag_list(&["\\Seen) (x"]), None);
        assert_eq!(flag_list(&[""]), None);
        assert_eq!(flag_list(&[]).unwrap(), "");
    }

    #[test]
    fn client_errors_become_the_servers_words() {
        let cases: Vec<(ImapError, &str)> = vec![
            (
                ImapError::No("[TRYCREATE] Mailbox \x1b[31mdoes not exist".into()),
                "cannot save on h: the server answered \"[TRYCREATE] Mailbox does not exist\"",
            ),
            (
                ImapError::Bad("Unknown command\r\n".into()),
                "cannot save on h: the server answered \"Unknown command\"",
            ),
            (
                ImapError::Protocol("unreadable FETCH response: * 1 FETCH (\x07".into()),
                "cannot save on h: shopinbox did not understand the server's answer \
                 (unreadable FETCH response: * 1 FETCH ()",
            ),
            (
                ImapError::No(String::new()),
                "cannot save on h: the server answered \"no reason given\"",
            ),
            (
                ImapError::Bye("Server shutting down".into()),
                "cannot save on h: the connection was lost (the server closed the connection: \
                 \"Server shutting down\")",
            ),
        ];
        for (e, want) in cases {
            let text = map_err("h", "save", e).to_string();
            assert!(text.starts_with(want), "{text}");
        }
    }

    #[test]
    fn capability_words_table() {
        let words: Vec<String> = "IMAP4rev1 LITERAL+ condstore QRESYNC UIDPLUS IDLE"
            .split(' ')
            .map(str::to_string)
            .collect();
        let c = Caps::from_words(&words);
        assert!(c.literal_plus && c.condstore && c.qresync_offered && c.uidplus && c.idle);
        assert!(!c.qresync && !c.unselect && !c.namespace && !c.special_use);
        let c = Caps::from_words(&["QRESYNC".to_string()]);
        assert!(c.condstore, "QRESYNC implies CONDSTORE");
    }

    #[test]
    fn printable_drops_controls() {
        assert_eq!(printable("bad\x1b[31m\r\nthing"), "bad thing");
        assert_eq!(printable("  a\u{202e}b\x07 "), "ab");
    }
}
