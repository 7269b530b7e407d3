//! Downloading whole messages: `UID FETCH <set> (UID FLAGS INTERNALDATE BODY.PEEK[])`, one
//! command at a time ([`messages_from`]) or several in flight ([`Connection::fetch_pipelined`]).
//!
//! Under a UID command the server may also send FETCH responses nobody asked for: a flag
//! change made by another client (`* 4 FETCH (UID 9 FLAGS (\Seen))`, with MODSEQ under
//! CONDSTORE). Such a response is a flag update, never a message: a message is a FETCH
//! response that carries `BODY[]`. A `BODY[] NIL` (the message was expunged after it was
//! listed) contributes nothing; the caller counts the UIDs it asked for but did not get.

use super::base::{unreadable_fetch, FolderState};
use super::conn::{Command, Connection, ImapError};
use super::response::{looks_like_fetch, FetchItem, Incoming, Outcome, Untagged};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::ops::RangeInclusive;

/// The data items of a message download.
pub const MESSAGE_ITEMS: &str = "(UID FLAGS INTERNALDATE BODY.PEEK[])";

/// A message as fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedMessage {
    pub uid: u32,
    pub flags: Vec<String>,
    pub internaldate: Option<DateTime<Utc>>,
    pub raw: Vec<u8>,
}

/// The messages of one command's answer, in the server's order.
#[derive(Debug, Default)]
struct Collected {
    msgs: Vec<FetchedMessage>,
    at: HashMap<u32, usize>,
}

impl Collected {
    /// A message (moved in, not copied); a second one for the same UID is dropped.
    fn message(&mut self, uid: u32, f: FetchItem, raw: Vec<u8>) {
        if self.at.contains_key(&uid) {
            return;
        }
        self.at.insert(uid, self.msgs.len());
        self.msgs.push(FetchedMessage {
            uid,
            flags: f.flags.unwrap_or_default(),
            internaldate: f.internaldate,
            raw,
        });
    }

    /// A flag update for a message already here; `false` when it is not.
    fn flags(&mut self, uid: u32, flags: &mut Option<Vec<String>>) -> bool {
        match (self.at.get(&uid), flags.take()) {
            (Some(&i), Some(fl)) => match self.msgs.get_mut(i) {
                Some(m) => {
                    m.flags = fl;
                    true
                }
                None => {
                    *flags = Some(fl);
                    false
                }
            },
            (_, fl) => {
                *flags = fl;
                false
            }
        }
    }
}

/// The messages among FETCH responses, one per UID, with later flag updates applied.
pub fn messages_from(fetched: Vec<FetchItem>) -> Vec<FetchedMessage> {
    let mut c = Collected::default();
    for mut f in fetched {
        let Some(uid) = f.uid else { continue };
        match f.body.take() {
            Some(raw) => c.message(uid, f, raw),
            None => {
                c.flags(uid, &mut f.flags);
            }
        }
    }
    c.msgs
}

/// A UID set (`1:5,9,12:14`; `*` as the largest UID; a range may be written high:low) as
/// ranges; `None` when it is not one.
pub fn parse_uid_set(s: &str) -> Option<Vec<RangeInclusive<u32>>> {
    let num = |t: &str| -> Option<u32> {
        if t == "*" {
            return Some(u32::MAX);
        }
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok().filter(|n| *n > 0)
    };
    s.trim()
        .split(',')
        .map(|part| match part.split_once(':') {
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                Some(a.min(b)..=a.max(b))
            }
            None => num(part).map(|n| n..=n),
        })
        .collect()
}

/// Why a pipelined download stopped: the connection, or the caller.
#[derive(Debug)]
pub enum PipelineError<E> {
    Imap(ImapError),
    Caller(E),
    /// The folder the pipeline was to run in ([`Opening`]) was refused (the server's
    /// words), or opened with another UIDVALIDITY (`None`): nothing was handed out.
    NotOpened(Option<ImapError>),
}

/// A SELECT/EXAMINE sent just before a pipeline, so that opening the folder and the first
/// `UID FETCH` share a round trip: `tag` is its tag, `uidvalidity` the one the caller's UIDs
/// belong to. Its answer comes before any FETCH answer (RFC 3501 §5.5), and no message is
/// handed out unless the folder opened with that UIDVALIDITY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub tag: String,
    pub uidvalidity: u32,
}

/// An [`Opening`] being read.
struct Open {
    opening: Opening,
    state: FolderState,
    ended: bool,
}

/// One command in flight.
struct InFlight {
    tag: String,
    /// The UIDs asked for (`None`: the set could not be read, arrival order decides).
    set: Option<Vec<RangeInclusive<u32>>>,
    got: Collected,
    /// An unreadable FETCH response was attributed to it.
    failed: Option<ImapError>,
    /// Its tagged end arrived: `Ok`, or the server's refusal.
    ended: Option<Result<(), ImapError>>,
}

impl InFlight {
    /// How many of the messages it asked for are still to come (0 once it ended, and for a
    /// set that could not be read).
    fn to_come(&self) -> usize {
        if self.ended.is_some() {
            return 0;
        }
        let asked = self.set.as_ref().map_or(0, |s| {
            s.iter().map(|r| (*r.end() - *r.start()) as usize + 1).sum()
        });
        asked.saturating_sub(self.got.msgs.len())
    }

    fn asked_for(&self, uid: u32) -> bool {
        self.set
            .as_ref()
            .is_some_and(|s| s.iter().any(|r| r.contains(&uid)))
    }
}

/// The next set is asked for once fewer messages than this are still to come from the
/// commands in flight (up to `depth` of them): a hundred messages are over a megabyte, many
/// round trips on any line, so the line never waits for a command.
///
/// Not a fixed number of commands in flight: a server may run pipelined `UID FETCH`
/// commands side by side (Dovecot interleaves their answers whenever its output blocks, as
/// it does on a slow line), so sets sent together end together. Then nothing arrives in
/// our hands for seconds and then several sets at once, the next sets are asked for only
/// then (the line idles for a round trip), and the last sets of a download all end with the
/// line's last byte, to be parsed and stored after it. Asked for as the one before runs
/// out, big sets end one after the other, in order.
const LOW_WATER: usize = 100;

/// Whether another command should go out now ([`LOW_WATER`]).
fn wants_more(flight: &VecDeque<InFlight>, depth: usize) -> bool {
    flight.is_empty()
        || (flight.len() < depth && flight.iter().map(InFlight::to_come).sum::<usize>() < LOW_WATER)
}

/// The command a message belongs to: the oldest unfinished one whose set holds its UID; else
/// (sets not readable, or a server that answers outside the set) the oldest unfinished one,
/// since a server answers pipelined FETCH commands in order.
fn owner(flight: &mut VecDeque<InFlight>, uid: u32) -> Option<&mut InFlight> {
    let by_set = flight
        .iter()
        .position(|f| f.ended.is_none() && f.asked_for(uid));
    match by_set {
        Some(i) => flight.get_mut(i),
        None => flight.iter_mut().find(|f| f.ended.is_none()),
    }
}

impl<S: Read + Write> Connection<S> {
    /// Sends `UID FETCH <set> (UID FLAGS INTERNALDATE BODY.PEEK[])` for each set `next`
    /// yields, the next once little is still to come from those in flight ([`LOW_WATER`]),
    /// up to `depth` at once, and hands each set's messages to `each`, in the
    /// order the sets were yielded, as soon as that command's tagged OK arrived. `each`
    /// returning `Ok(false)` stops: no further sets are asked for, and the answers to the
    /// commands in flight are read and dropped. A refused command or an error from `each`
    /// is returned after the commands in flight were read to their end (the connection
    /// stays usable); a broken connection is returned at once.
    pub fn fetch_pipelined<E>(
        &mut self,
        depth: usize,
        next: &mut dyn FnMut() -> Option<String>,
        each: &mut dyn FnMut(Vec<FetchedMessage>) -> Result<bool, E>,
    ) -> Result<(), PipelineError<E>> {
        self.fetch_pipelined_in(None, depth, next, each)
    }

    /// [`Self::fetch_pipelined`] in the folder an [`Opening`] (already sent) opens: its
    /// answer is read first; refused, or with another UIDVALIDITY, nothing is handed out,
    /// the commands in flight are read to their end and the result is
    /// [`PipelineError::NotOpened`].
    pub fn fetch_pipelined_in<E>(
        &mut self,
        opening: Option<Opening>,
        depth: usize,
        next: &mut dyn FnMut() -> Option<String>,
        each: &mut dyn FnMut(Vec<FetchedMessage>) -> Result<bool, E>,
    ) -> Result<(), PipelineError<E>> {
        let mut open = opening.map(|opening| Open {
            opening,
            state: FolderState::default(),
            ended: false,
        });
        let depth = depth.max(1);
        let mut flight: VecDeque<InFlight> = VecDeque::with_capacity(depth);
        let mut more = true;
        let mut stopped = false;
        let mut failure: Option<PipelineError<E>> = None;
        loop {
            while more && !stopped && wants_more(&flight, depth) {
                let Some(set) = next() else {
                    more = false;
                    break;
                };
                let cmd = Command::new(format!("UID FETCH {set} {MESSAGE_ITEMS}"));
                let tag = self.send(&cmd).map_err(PipelineError::Imap)?;
                flight.push_back(InFlight {
                    tag,
                    set: parse_uid_set(&set),
                    got: Collected::default(),
                    failed: None,
                    ended: None,
                });
            }
            if flight.is_empty() && open.as_ref().is_none_or(|o| o.ended) {
                break;
            }
            let incoming = match self.read() {
                Ok(i) => i,
                // The caller's own error says more than the connection lost after it.
                Err(e) => return Err(failure.unwrap_or(PipelineError::Imap(e))),
            };
            match incoming {
                Incoming::Untagged(Untagged::Fetch(mut f)) => {
                    let Some(uid) = f.uid else { continue };
                    match f.body.take() {
                        Some(raw) => {
                            if let Some(cmd) = owner(&mut flight, uid) {
                                cmd.got.message(uid, f, raw);
                            }
                        }
                        None => {
                            // A flag update: for a message already received, else nothing.
                            for cmd in flight.iter_mut() {
                                if cmd.got.flags(uid, &mut f.flags) {
                                    break;
                                }
                            }
                        }
                    }
                }
                Incoming::Untagged(Untagged::Raw(raw)) if looks_like_fetch(&raw) => {
                    if let Some(cmd) = flight.iter_mut().find(|f| f.ended.is_none()) {
                        cmd.failed.get_or_insert(unreadable_fetch(&raw));
                    }
                }
                Incoming::Done(d) if open.as_ref().is_some_and(|o| o.opening.tag == d.tag) => {
                    if let Some(o) = open.as_mut() {
                        o.ended = true;
                        let refused = match d.outcome {
                            Outcome::Ok if o.state.uidvalidity == Some(o.opening.uidvalidity) => {
                                continue;
                            }
                            Outcome::Ok => None,
                            Outcome::No => Some(ImapError::No(d.text)),
                            Outcome::Bad => Some(ImapError::Bad(d.text)),
                        };
                        stopped = true;
                        failure.get_or_insert(PipelineError::NotOpened(refused));
                    }
                }
                Incoming::Untagged(u) if open.as_ref().is_some_and(|o| !o.ended) => {
                    if let Some(o) = open.as_mut() {
                        o.state.note(&u);
                    }
                }
                Incoming::Done(d) => {
                    if let Some(cmd) = flight.iter_mut().find(|f| f.tag == d.tag) {
                        cmd.ended = Some(match d.outcome {
                            Outcome::Ok => Ok(()),
                            Outcome::No => Err(ImapError::No(d.text)),
                            Outcome::Bad => Err(ImapError::Bad(d.text)),
                        });
                    }
                }
                Incoming::Bye(t) => {
                    return Err(failure.unwrap_or(PipelineError::Imap(ImapError::Bye(t))))
                }
                Incoming::Untagged(_) | Incoming::Continue(_) => {}
            }
            // Hands out ended commands in the order they were sent.
            // Nothing before the folder is known to be the one asked for.
            while open.as_ref().is_none_or(|o| o.ended)
                && flight.front().is_some_and(|f| f.ended.is_some())
            {
                let Some(f) = flight.pop_front() else { break };
                let result = match (f.failed, f.ended) {
                    (Some(e), _) | (None, Some(Err(e))) => Err(e),
                    _ => Ok(()),
                };
                match result {
                    Ok(()) if !stopped => match each(f.got.msgs) {
                        Ok(true) => {}
                        Ok(false) => stopped = true,
                        Err(e) => {
                            stopped = true;
                            failure = Some(PipelineError::Caller(e));
                        }
                    },
                    Ok(()) => {}
                    Err(e) => {
                        stopped = true;
                        if failure.is_none() {
                            failure = Some(PipelineError::Imap(e));
                        }
                    }
                }
            }
        }
        match failure {
            Some(f) => Err(f),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
#[path = "fetch_tests.rs"]
mod tests;
