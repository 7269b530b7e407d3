//! The base protocol (RFC 3501, IMAP4rev1, as RFC 9051 keeps it): greeting, CAPABILITY,
//! LOGIN, SELECT/EXAMINE, CREATE, UNSUBSCRIBE, LIST, UID SEARCH, UID FETCH, UID STORE, CLOSE,
//! NOOP, LOGOUT.
//! STARTTLS happens before this driver takes the connection ([`crate::net::imap_starttls`]).

use super::conn::{Answer, Command, Connection, ImapError};
use super::response::{looks_like_fetch, FetchItem, Incoming, Outcome, RespCode, Untagged};
use std::io::{Read, Write};

/// How the server greeted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting {
    /// `* PREAUTH`: already logged in.
    pub preauth: bool,
    /// `[CAPABILITY …]` in the greeting, when sent.
    pub caps: Option<Vec<String>>,
}

/// A folder's state from the answer to SELECT/EXAMINE.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderState {
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub exists: u32,
    /// `None` without CONDSTORE, for `[NOMODSEQ]`, or 0.
    pub highestmodseq: Option<u64>,
}

/// A folder as LIST reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub attributes: Vec<String>,
    pub delimiter: Option<char>,
    /// As on the wire (modified UTF-7).
    pub name: String,
}

/// The words of a capability list, upper-cased.
fn upper(caps: Vec<String>) -> Vec<String> {
    caps.into_iter().map(|c| c.to_ascii_uppercase()).collect()
}

impl<S: Read + Write> Connection<S> {
    /// Reads the greeting. `* BYE` (too many connections, …) is an error with its words.
    pub fn greeting(&mut self) -> Result<Greeting, ImapError> {
        match self.read()? {
            Incoming::Bye(t) => Err(ImapError::Bye(t)),
            Incoming::Untagged(Untagged::Status {
                outcome: Outcome::Ok,
                code,
                ..
            }) => {
                let caps = match code {
                    Some(RespCode::Capability(c)) => Some(upper(c)),
                    _ => None,
                };
                Ok(Greeting {
                    preauth: false,
                    caps,
                })
            }
            Incoming::Untagged(Untagged::Raw(raw))
                if raw
                    .get(..10)
                    .is_some_and(|h| h.eq_ignore_ascii_case(b"* PREAUTH ")) =>
            {
                Ok(Greeting {
                    preauth: true,
                    caps: None,
                })
            }
            other => Err(ImapError::Protocol(format!(
                "an unexpected greeting: {}",
                describe(&other)
            ))),
        }
    }

    /// CAPABILITY: the words, upper-cased.
    pub fn capability(&mut self) -> Result<Vec<String>, ImapError> {
        let answer = self.run(&Command::new("CAPABILITY"))?;
        Ok(upper(caps_in(&answer).unwrap_or_default()))
    }

    /// LOGIN; the capabilities when the server sent them with its OK.
    pub fn login(&mut self, user: &str, password: &str) -> Result<Option<Vec<String>>, ImapError> {
        let cmd = Command::new("LOGIN ")
            .string(user)
            .text(" ")
            .string(password);
        let answer = self.run(&cmd)?;
        Ok(caps_in(&answer).map(upper))
    }

    /// SELECT (`write`) or EXAMINE a folder (wire name), with an optional parameter list
    /// (`(CONDSTORE)`, `(QRESYNC (…))`). The whole answer, for QRESYNC's VANISHED and FETCH.
    pub fn select(
        &mut self,
        wire_name: &str,
        write: bool,
        param: Option<&str>,
    ) -> Result<(FolderState, Answer), ImapError> {
        let answer = self.run(&select_command(wire_name, write, param))?;
        Ok((folder_state(&answer), answer))
    }

    /// CREATE a folder (wire name). A server that already has it answers `NO`.
    pub fn create(&mut self, wire_name: &str) -> Result<(), ImapError> {
        self.run(&Command::new("CREATE ").string(wire_name))
            .map(|_| ())
    }

    /// UNSUBSCRIBE a folder (wire name), so that mail clients showing subscribed folders
    /// only leave it out.
    pub fn unsubscribe(&mut self, wire_name: &str) -> Result<(), ImapError> {
        self.run(&Command::new("UNSUBSCRIBE ").string(wire_name))
            .map(|_| ())
    }

    /// LIST "" "*", with `RETURN (SPECIAL-USE)` when `special_use` (RFC 6154).
    pub fn list(&mut self, special_use: bool) -> Result<Vec<ListEntry>, ImapError> {
        let answer = self.run(&list_command(special_use))?;
        Ok(listed(answer.untagged))
    }

    /// UID SEARCH with the given criteria (as IMAP text); the UIDs found.
    pub fn uid_search(&mut self, criteria: &Command<'_>) -> Result<Vec<u32>, ImapError> {
        let mut cmd = Command::new("UID SEARCH ");
        cmd = cmd.append(criteria);
        let answer = self.run(&cmd)?;
        Ok(searched(&answer.untagged))
    }

    /// UID FETCH `set` `items` [`modifiers`]: every FETCH response, in the server's order
    /// (unsolicited ones included: the caller decides). A FETCH response the codec cannot
    /// read is an error: skipping it could lose a message.
    pub fn uid_fetch(
        &mut self,
        set: &str,
        items: &str,
        modifiers: Option<&str>,
    ) -> Result<Vec<FetchItem>, ImapError> {
        let text = match modifiers {
            Some(m) => format!("UID FETCH {set} {items} {m}"),
            None => format!("UID FETCH {set} {items}"),
        };
        let answer = self.run(&Command::new(text))?;
        fetches(answer.untagged)
    }

    /// UID STORE `uid` `+FLAGS.SILENT (…)` or `-FLAGS.SILENT (…)`.
    pub fn uid_store(&mut self, uid: &str, sign: char, flags: &str) -> Result<(), ImapError> {
        self.run(&Command::new(format!(
            "UID STORE {uid} {sign}FLAGS.SILENT ({flags})"
        )))
        .map(|_| ())
    }

    /// UID EXPUNGE `uid` (UIDPLUS, RFC 4315): removes only those of the set marked `\Deleted`.
    pub fn uid_expunge(&mut self, uid: &str) -> Result<(), ImapError> {
        self.run(&Command::new(format!("UID EXPUNGE {uid}")))
            .map(|_| ())
    }

    /// EXPUNGE: removes every message of the open folder marked `\Deleted`.
    pub fn expunge(&mut self) -> Result<(), ImapError> {
        self.run(&Command::new("EXPUNGE")).map(|_| ())
    }

    /// CLOSE: leaves the folder (expunging `\Deleted` messages when it was opened
    /// read-write).
    pub fn close(&mut self) -> Result<(), ImapError> {
        self.run(&Command::new("CLOSE")).map(|_| ())
    }

    pub fn noop(&mut self) -> Result<Answer, ImapError> {
        self.run(&Command::new("NOOP"))
    }

    /// LOGOUT; the server's `* BYE` is expected, and a connection already gone is fine.
    pub fn logout(&mut self) {
        if let Ok(tag) = self.send(&Command::new("LOGOUT")) {
            while let Ok(i) = self.read() {
                if matches!(&i, Incoming::Done(d) if d.tag == tag) {
                    break;
                }
            }
        }
    }
}

impl<'a> Command<'a> {
    /// Appends another command's parts.
    pub fn append(mut self, other: &Command<'a>) -> Self {
        self.extend_from(other);
        self
    }
}

/// The capabilities in an answer: `* CAPABILITY …` or the OK's `[CAPABILITY …]`.
fn caps_in(answer: &Answer) -> Option<Vec<String>> {
    let untagged = answer.untagged.iter().find_map(|u| match u {
        Untagged::Capability(c) => Some(c.clone()),
        _ => None,
    });
    untagged.or_else(|| match answer.done.as_ref().and_then(|d| d.code.clone()) {
        Some(RespCode::Capability(c)) => Some(c),
        _ => None,
    })
}

/// `SELECT` (`write`) or `EXAMINE` of a folder (wire name), with an optional parameter list.
pub fn select_command<'a>(wire_name: &'a str, write: bool, param: Option<&'a str>) -> Command<'a> {
    let verb = if write { "SELECT " } else { "EXAMINE " };
    let mut cmd = Command::new(verb).string(wire_name);
    if let Some(p) = param {
        cmd = cmd.text(" ").text(p);
    }
    cmd
}

/// `LIST "" "*"`, with `RETURN (SPECIAL-USE)` when `special_use` (RFC 6154).
pub fn list_command(special_use: bool) -> Command<'static> {
    Command::new(if special_use {
        super::special_use::LIST_RETURN
    } else {
        "LIST \"\" \"*\""
    })
}

/// The folders in LIST responses, in the server's order; other responses are left out.
pub fn listed(untagged: Vec<Untagged>) -> Vec<ListEntry> {
    untagged
        .into_iter()
        .filter_map(|u| match u {
            Untagged::List {
                attributes,
                delimiter,
                name,
            } => Some(ListEntry {
                attributes,
                delimiter,
                name,
            }),
            _ => None,
        })
        .collect()
}

/// The folder state in a SELECT/EXAMINE answer.
pub fn folder_state(answer: &Answer) -> FolderState {
    let mut st = FolderState::default();
    for u in &answer.untagged {
        st.note(u);
    }
    st
}

impl FolderState {
    /// What one untagged response of a SELECT/EXAMINE answer says about the folder.
    pub fn note(&mut self, u: &Untagged) {
        match u {
            Untagged::Exists(n) => self.exists = *n,
            Untagged::Status {
                code: Some(code), ..
            } => match code {
                RespCode::UidValidity(v) => self.uidvalidity = Some(*v),
                RespCode::UidNext(v) => self.uidnext = Some(*v),
                RespCode::HighestModSeq(m) => self.highestmodseq = Some(*m).filter(|m| *m > 0),
                RespCode::NoModSeq => self.highestmodseq = None,
                _ => {}
            },
            _ => {}
        }
    }
}

/// The `[PERMANENTFLAGS (…)]` of a SELECT/EXAMINE answer; `None` when the server sent none
/// (then every flag in `* FLAGS` is kept, RFC 3501 7.1).
pub fn permanent_flags(answer: &Answer) -> Option<Vec<String>> {
    answer.untagged.iter().find_map(|u| match u {
        Untagged::Status {
            code: Some(RespCode::PermanentFlags(f)),
            ..
        } => Some(f.clone()),
        _ => None,
    })
}

/// The UIDs the `* SEARCH` responses among untagged ones name, sorted, each once.
pub fn searched(untagged: &[Untagged]) -> Vec<u32> {
    let mut out: Vec<u32> = untagged
        .iter()
        .filter_map(|u| match u {
            Untagged::Search(ids) => Some(ids.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The FETCH responses among untagged ones; an unreadable FETCH response is an error.
pub fn fetches(untagged: Vec<Untagged>) -> Result<Vec<FetchItem>, ImapError> {
    let mut out = Vec::new();
    for u in untagged {
        match u {
            Untagged::Fetch(f) => out.push(f),
            Untagged::Raw(raw) if looks_like_fetch(&raw) => return Err(unreadable_fetch(&raw)),
            _ => {}
        }
    }
    Ok(out)
}

pub(crate) fn unreadable_fetch(raw: &[u8]) -> ImapError {
    let head = String::from_utf8_lossy(raw.get(..80).unwrap_or(raw)).into_owned();
    ImapError::Protocol(format!("unreadable FETCH response: {head}"))
}

fn describe(i: &Incoming) -> String {
    match i {
        Incoming::Untagged(Untagged::Raw(r)) => String::from_utf8_lossy(r.get(..80).unwrap_or(r))
            .trim_end()
            .to_string(),
        Incoming::Done(d) => format!("{} {}", d.tag, d.text),
        other => format!("{other:?}").chars().take(80).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::conn::tests::Replay;

    #[test]
    fn create_and_unsubscribe_quote_the_name_and_report_a_refusal() {
        let mut c = Connection::new(Replay::new(
            b"a1 OK Create completed.\r\na2 NO [ALREADYEXISTS] Mailbox already exists\r\n\
a3 OK Unsubscribe completed.\r\n",
            7,
        ));
        c.create("shopinbox-state").unwrap();
        match c.create("a \"b\"") {
            Err(ImapError::No(why)) => assert!(why.contains("already exists"), "{why}"),
            other => panic!("{other:?}"),
        }
        c.unsubscribe("shopinbox-state").unwrap();
        assert_eq!(
            String::from_utf8_lossy(&c.stream().written),
            "a1 CREATE \"shopinbox-state\"\r\na2 CREATE \"a \\\"b\\\"\"\r\n\
a3 UNSUBSCRIBE \"shopinbox-state\"\r\n"
        );
    }

    #[test]
    fn select_reports_permanentflags() {
        for (server, want) in [
            (
                &b"* FLAGS (\\Answered \\Seen)\r\n* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)] Flags permitted.\r\n\
* 3 EXISTS\r\n* OK [UIDVALIDITY 7] Ok\r\na1 OK [READ-WRITE] Select completed.\r\n"[..],
                Some(vec![
                    "\\Answered",
                    "\\Flagged",
                    "\\Deleted",
                    "\\Seen",
                    "\\Draft",
                    "$Label1",
                    "\\*",
                ]),
            ),
            (
                b"* OK [PERMANENTFLAGS (\\Seen)] Limited\r\n* OK [UIDVALIDITY 7] Ok\r\na1 OK done\r\n",
                Some(vec!["\\Seen"]),
            ),
            (
                b"* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\na1 OK done\r\n",
                Some(vec![]),
            ),
            (b"* OK [UIDVALIDITY 7] Ok\r\na1 OK done\r\n", None),
        ] {
            let mut c = Connection::new(Replay::new(server, 4096));
            let (_, answer) = c.select("INBOX", true, None).unwrap();
            let want = want.map(|w| w.into_iter().map(String::from).collect::<Vec<_>>());
            assert_eq!(
                permanent_flags(&answer),
                want,
                "{}",
                String::from_utf8_lossy(server)
            );
        }
    }
}
