//! The driver: one blocking connection. It assigns tags, writes commands (a literal goes out
//! at once as `{n+}` where the server offers LITERAL+, else after the server's `+`), reads
//! into one large buffer, frames complete responses itself ([`super::frame`]) and decodes each
//! once, when complete ([`super::response`]). Any number of commands may be in flight: the
//! caller sends them and reads the responses, each completion names its tag.

use super::frame::{Framed, Framer};
use super::response::{self, Done, Incoming, Outcome, Untagged};
use std::collections::VecDeque;
use std::io::{self, Read, Write};

/// Bytes asked of the stream per read at least (the buffer grows for big literals).
const READ_CHUNK: usize = 256 * 1024;
/// A single literal at least this long is not handed to the codec (see `read_from_stream`).
const SKELETON_FROM: usize = 1024;
/// A buffer grown beyond this for a big literal shrinks back once it is empty.
const SHRINK_ABOVE: usize = 16 << 20;

/// What went wrong on the connection.
#[derive(Debug)]
pub enum ImapError {
    /// Reading or writing failed (closed, timed out, TLS).
    Io(io::Error),
    /// A tagged `NO`: the server's words after the status (not yet sanitized).
    No(String),
    /// A tagged `BAD`.
    Bad(String),
    /// `* BYE`: the server closed the connection, with its words.
    Bye(String),
    /// An answer that does not fit the command (an unreadable FETCH response, …).
    Protocol(String),
}

impl std::fmt::Display for ImapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImapError::Io(e) => write!(f, "{e}"),
            ImapError::No(t) | ImapError::Bad(t) => write!(f, "the server answered \"{t}\""),
            ImapError::Bye(t) => write!(f, "the server closed the connection (\"{t}\")"),
            ImapError::Protocol(d) => f.write_str(d),
        }
    }
}

impl std::error::Error for ImapError {}

/// The answers of [`Connection::run_pair`]'s two commands, each accepted or refused.
pub type PairAnswer = (Result<Answer, ImapError>, Result<Answer, ImapError>);

impl From<io::Error> for ImapError {
    fn from(e: io::Error) -> Self {
        ImapError::Io(e)
    }
}

/// One part of a command: text as is, or a literal (`{n}` + the bytes).
#[derive(Debug, Clone)]
enum Part<'a> {
    Text(String),
    Literal(&'a [u8]),
}

/// A command without its tag.
#[derive(Debug, Clone, Default)]
pub struct Command<'a> {
    parts: Vec<Part<'a>>,
}

impl<'a> Command<'a> {
    /// A command of plain text (`NOOP`, `UID FETCH 1:5 (FLAGS)`).
    pub fn new(text: impl Into<String>) -> Self {
        Command {
            parts: vec![Part::Text(text.into())],
        }
    }

    /// Appends text.
    pub fn text(mut self, text: &str) -> Self {
        match self.parts.last_mut() {
            Some(Part::Text(t)) => t.push_str(text),
            _ => self.parts.push(Part::Text(text.to_string())),
        }
        self
    }

    /// Appends a literal.
    pub fn literal(mut self, data: &'a [u8]) -> Self {
        self.parts.push(Part::Literal(data));
        self
    }

    /// Appends a string argument: quoted when it can be (printable ASCII), else a literal
    /// (a password with `ä` or a line break is sent exactly).
    pub fn string(self, s: &'a str) -> Self {
        if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            let quoted = format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
            self.text(&quoted)
        } else {
            self.literal(s.as_bytes())
        }
    }

    pub(crate) fn extend_from(&mut self, other: &Command<'a>) {
        for p in &other.parts {
            match p {
                Part::Text(t) => {
                    let this = std::mem::take(self);
                    *self = this.text(t);
                }
                Part::Literal(d) => self.parts.push(Part::Literal(d)),
            }
        }
    }

    /// The command as it would be logged: literals shown as their length only.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Literal(d) => out.push_str(&format!("{{{}}}", d.len())),
            }
        }
        out
    }
}

/// The untagged responses of a command and how it ended.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub untagged: Vec<Untagged>,
    pub done: Option<Done>,
}

/// One IMAP connection over any blocking stream (a [`crate::net::MailStream`], or bytes in a
/// test).
#[derive(Debug)]
pub struct Connection<S> {
    stream: S,
    buf: Vec<u8>,
    /// The unconsumed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    framer: Framer,
    next_tag: u32,
    literal_plus: bool,
    /// Responses read while waiting for a continuation, handed out first by [`Self::read`].
    stash: VecDeque<Incoming>,
    /// Responses the codec could not decode, skipped (kept for diagnostics; bounded).
    pub skipped: Vec<Vec<u8>>,
}

impl<S: Read + Write> Connection<S> {
    pub fn new(stream: S) -> Self {
        Connection {
            stream,
            buf: vec![0; READ_CHUNK * 2],
            start: 0,
            end: 0,
            framer: Framer::default(),
            next_tag: 1,
            literal_plus: false,
            stash: VecDeque::new(),
            skipped: Vec::new(),
        }
    }

    pub fn stream(&self) -> &S {
        &self.stream
    }

    pub fn stream_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// Literals are sent without waiting for `+` (the server offered LITERAL+, RFC 7888).
    pub fn set_literal_plus(&mut self, on: bool) {
        self.literal_plus = on;
    }

    /// Writes bytes as they are (a SASL response, `DONE`).
    pub fn write_line(&mut self, line: &[u8]) -> Result<(), ImapError> {
        self.stream.write_all(line)?;
        self.stream.write_all(b"\r\n")?;
        self.stream.flush()?;
        Ok(())
    }

    /// Sends a command; returns its tag. Without LITERAL+, each literal waits for the
    /// server's `+`; a server that answers the command instead (a tagged `NO` before the
    /// literal) ends it there, and that answer is the next one [`Self::read`] hands out.
    pub fn send(&mut self, cmd: &Command<'_>) -> Result<String, ImapError> {
        let tag = format!("a{}", self.next_tag);
        self.next_tag += 1;
        let mut out: Vec<u8> = Vec::with_capacity(64);
        out.extend_from_slice(tag.as_bytes());
        out.push(b' ');
        for part in &cmd.parts {
            match part {
                Part::Text(t) => out.extend_from_slice(t.as_bytes()),
                Part::Literal(data) if self.literal_plus => {
                    out.extend_from_slice(format!("{{{}+}}\r\n", data.len()).as_bytes());
                    self.stream.write_all(&out)?;
                    out.clear();
                    self.stream.write_all(data)?;
                }
                Part::Literal(data) => {
                    out.extend_from_slice(format!("{{{}}}\r\n", data.len()).as_bytes());
                    self.stream.write_all(&out)?;
                    self.stream.flush()?;
                    out.clear();
                    if !self.await_continuation(&tag)? {
                        return Ok(tag);
                    }
                    self.stream.write_all(data)?;
                }
            }
        }
        out.extend_from_slice(b"\r\n");
        self.stream.write_all(&out)?;
        self.stream.flush()?;
        Ok(tag)
    }

    /// Reads until `+`; `false` when the command was answered instead (stashed).
    fn await_continuation(&mut self, tag: &str) -> Result<bool, ImapError> {
        loop {
            match self.read_from_stream()? {
                Incoming::Continue(_) => return Ok(true),
                Incoming::Done(d) if d.tag == tag => {
                    self.stash.push_back(Incoming::Done(d));
                    return Ok(false);
                }
                Incoming::Bye(t) => return Err(ImapError::Bye(t)),
                other => self.stash.push_back(other),
            }
        }
    }

    /// The next response.
    pub fn read(&mut self) -> Result<Incoming, ImapError> {
        match self.stash.pop_front() {
            Some(i) => Ok(i),
            None => self.read_from_stream(),
        }
    }

    fn read_from_stream(&mut self) -> Result<Incoming, ImapError> {
        loop {
            // `start..end` is the buffered, unread part (`fill` keeps start <= end <= len).
            let pending = self.buf.get(self.start..self.end).unwrap_or_default();
            match self.framer.advance(pending).map_err(ImapError::Protocol)? {
                Framed::Complete(n) => {
                    // The framer only completes a frame within what it was given.
                    let frame = pending.get(..n).unwrap_or(pending);
                    let incoming = match self.framer.literals() {
                        // A message body: the codec reads the response without it (a `{0}`
                        // in its place), and the body is copied once, straight from here.
                        [lit] if lit.len >= SKELETON_FROM => {
                            let end = lit.start + lit.len;
                            match (
                                frame.get(..lit.brace),
                                frame.get(lit.start..end),
                                frame.get(end..),
                            ) {
                                (Some(head), Some(data), Some(tail)) => {
                                    let mut skeleton =
                                        Vec::with_capacity(head.len() + 5 + tail.len());
                                    skeleton.extend_from_slice(head);
                                    skeleton.extend_from_slice(b"{0}\r\n");
                                    skeleton.extend_from_slice(tail);
                                    response::decode_with_literal(&skeleton, data)
                                }
                                // Not reached (the framer found the literal inside the frame);
                                // the codec can read the whole frame too, only slower.
                                _ => response::decode(frame),
                            }
                        }
                        _ => response::decode(frame),
                    };
                    self.start += n;
                    if self.start == self.end {
                        self.start = 0;
                        self.end = 0;
                        if self.buf.len() > SHRINK_ABOVE {
                            // A big literal made room once; do not keep it for ever.
                            self.buf.truncate(READ_CHUNK * 2);
                            self.buf.shrink_to_fit();
                        }
                    }
                    if let Incoming::Untagged(Untagged::Raw(raw)) = &incoming {
                        if self.skipped.len() < 16 {
                            self.skipped.push(raw.get(..200).unwrap_or(raw).to_vec());
                        }
                    }
                    return Ok(incoming);
                }
                Framed::Need(n) => self.fill(n)?,
            }
        }
    }

    /// Reads more bytes, making room for a response of at least `need` bytes.
    fn fill(&mut self, need: usize) -> Result<(), ImapError> {
        let want = need.max(self.end - self.start + READ_CHUNK / 4);
        if self.start + want > self.buf.len() {
            // Move the partial response to the front (once per response: afterwards it fits).
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if want > self.buf.len() {
                self.buf.resize(want.max(READ_CHUNK * 2), 0);
            }
        }
        // After the resize above, `end < len`: there is room to read into.
        let room = self.buf.get_mut(self.end..).unwrap_or_default();
        let n = self.stream.read(room)?;
        if n == 0 {
            return Err(ImapError::Io(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            )));
        }
        self.end += n;
        Ok(())
    }

    /// Sends a command and reads until it ends. `NO`/`BAD` are errors with the server's
    /// words; untagged responses that arrived meanwhile are in the answer.
    pub fn run(&mut self, cmd: &Command<'_>) -> Result<Answer, ImapError> {
        let tag = self.send(cmd)?;
        self.finish(&tag)
    }

    /// Two commands in one round trip: `b` is sent before `a`'s answer is read. Each answer
    /// holds the untagged responses that came before its own end: a caller whose two
    /// commands answer with the same kind of untagged response must not rely on which of
    /// the two holds it. `b`'s answer is read even when `a` was refused.
    pub fn run_pair(&mut self, a: &Command<'_>, b: &Command<'_>) -> Result<PairAnswer, ImapError> {
        let mut answers = self.run_all(&[a, b])?.into_iter();
        match (answers.next(), answers.next()) {
            (Some(first), Some(second)) => Ok((first, second)),
            _ => Err(ImapError::Protocol("two commands, not two answers".into())),
        }
    }

    /// Commands in one round trip, all written before any answer is read (RFC 3501 §5.5: a
    /// command that depends on an earlier one, like a FETCH after an EXAMINE, is run after
    /// it). One answer per command, in order, each accepted or refused, with the untagged
    /// responses that came before its own end; a refused command does not lose the later
    /// ones' answers (after a refused EXAMINE no folder is selected, so a FETCH behind it is
    /// refused too, never run on another folder). A broken or closed connection ends all.
    pub fn run_all(
        &mut self,
        cmds: &[&Command<'_>],
    ) -> Result<Vec<Result<Answer, ImapError>>, ImapError> {
        let tags = cmds
            .iter()
            .map(|c| self.send(c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut answers = Vec::with_capacity(tags.len());
        for tag in &tags {
            // A refusal (NO/BAD) leaves the connection in step; anything else ends it here.
            match self.finish(tag) {
                Err(e @ (ImapError::Io(_) | ImapError::Bye(_) | ImapError::Protocol(_))) => {
                    return Err(e)
                }
                other => answers.push(other),
            }
        }
        Ok(answers)
    }

    /// Reads until the command `tag` ends.
    pub fn finish(&mut self, tag: &str) -> Result<Answer, ImapError> {
        let mut answer = Answer::default();
        loop {
            match self.read()? {
                Incoming::Done(d) if d.tag == tag => {
                    return match d.outcome {
                        Outcome::Ok => {
                            answer.done = Some(d);
                            Ok(answer)
                        }
                        Outcome::No => Err(ImapError::No(d.text)),
                        Outcome::Bad => Err(ImapError::Bad(d.text)),
                    };
                }
                // Another command's end (one sent before and not waited for): nothing to do.
                Incoming::Done(_) | Incoming::Continue(_) => {}
                Incoming::Bye(t) => return Err(ImapError::Bye(t)),
                Incoming::Untagged(u) => answer.untagged.push(u),
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stream that hands out recorded server bytes in chunks and records what is written.
    #[derive(Debug, Default)]
    pub struct Replay {
        pub input: Vec<u8>,
        pub at: usize,
        pub chunk: usize,
        pub written: Vec<u8>,
    }

    impl Replay {
        pub fn new(input: &[u8], chunk: usize) -> Self {
            Replay {
                input: input.to_vec(),
                chunk,
                ..Default::default()
            }
        }
    }

    impl Read for Replay {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.input.len() - self.at);
            buf[..n].copy_from_slice(&self.input[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    impl Write for Replay {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_command_collects_its_untagged_responses_in_any_chunking() {
        let server = b"* 2 EXISTS\r\n* 1 FETCH (UID 5 BODY[] {4}\r\nab\r\n)\r\n\
* OK [PERMANENTFLAGS (\\Seen \\*)] ok\r\na1 OK done\r\n";
        for chunk in [1, 3, 16, 4096] {
            let mut c = Connection::new(Replay::new(server, chunk));
            let a = c.run(&Command::new("UID FETCH 5 BODY.PEEK[]")).unwrap();
            assert_eq!(a.untagged.len(), 3);
            assert_eq!(a.untagged[0], Untagged::Exists(2));
            assert!(
                matches!(&a.untagged[1], Untagged::Fetch(f) if f.body.as_deref() == Some(&b"ab\r\n"[..]))
            );
            assert_eq!(c.stream().written, b"a1 UID FETCH 5 BODY.PEEK[]\r\n");
        }
    }

    #[test]
    fn a_message_body_is_delivered_byte_for_byte_without_the_codec_reading_it() {
        // 3000 bytes with a NUL (which the grammar does not allow in a literal) and lines
        // that look like responses.
        let mut body = b"Subject: x\r\n\r\n* 1 EXISTS\r\na1 OK fake\r\n{5}\r\n".to_vec();
        body.push(0);
        body.resize(3000, b'x');
        let mut server = format!(
            "* 1 FETCH (UID 5 FLAGS (\\Seen) BODY[] {{{}}}\r\n",
            body.len()
        )
        .into_bytes();
        server.extend_from_slice(&body);
        server.extend_from_slice(
            b" MODSEQ (4))\r\n* 2 FETCH (UID 6 BODY[] {3}\r\nabc)\r\na1 OK done\r\n",
        );
        for chunk in [1, 100, 4096] {
            let mut c = Connection::new(Replay::new(&server, chunk));
            let got = c.uid_fetch("5:6", "(BODY.PEEK[])", None).unwrap();
            assert_eq!(got.len(), 2);
            assert_eq!(got[0].body.as_deref(), Some(&body[..]));
            assert_eq!((got[0].uid, got[0].modseq), (Some(5), Some(4)));
            assert_eq!(got[0].flags.as_deref(), Some(&["\\Seen".to_string()][..]));
            assert_eq!(got[1].body.as_deref(), Some(&b"abc"[..]));
        }
    }

    /// Two commands in one round trip: both are written before any answer is read, each
    /// answer gets the untagged responses before its end, and a refused first command does
    /// not lose the second's answer; a closed connection ends both.
    #[test]
    fn a_pair_of_commands_is_sent_together_and_answered_apart() {
        let server =
            b"* 1 FETCH (UID 5 RFC822.SIZE 10)\r\na1 OK listed\r\n* SEARCH 5\r\na2 OK found\r\n";
        let mut c = Connection::new(Replay::new(server, 7));
        let (a, b) = c
            .run_pair(
                &Command::new("UID FETCH 1:* (UID RFC822.SIZE)"),
                &Command::new("UID SEARCH SINCE 1-Dec-2026"),
            )
            .unwrap();
        assert_eq!(
            c.stream().written,
            b"a1 UID FETCH 1:* (UID RFC822.SIZE)\r\na2 UID SEARCH SINCE 1-Dec-2026\r\n"
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(matches!(&a.untagged[..], [Untagged::Fetch(f)] if f.uid == Some(5)));
        assert_eq!(b.untagged, vec![Untagged::Search(vec![5])]);

        let refused = b"a1 NO [NONEXISTENT] no such folder\r\n* SEARCH\r\na2 OK found\r\n";
        let mut c = Connection::new(Replay::new(refused, 64));
        let (a, b) = c
            .run_pair(&Command::new("EXAMINE x"), &Command::new("UID SEARCH ALL"))
            .unwrap();
        assert!(matches!(a, Err(ImapError::No(t)) if t.contains("no such folder")));
        assert!(b.is_ok());

        let mut c = Connection::new(Replay::new(b"* BYE going away\r\n", 64));
        assert!(matches!(
            c.run_pair(&Command::new("NOOP"), &Command::new("NOOP")),
            Err(ImapError::Bye(_))
        ));
    }

    /// Three commands in one round trip (a first look: EXAMINE, listing, search): written
    /// together, answered in order; after a refused EXAMINE the listing's refusal is its own
    /// answer, and the untagged responses before each end belong to that command.
    #[test]
    fn several_commands_are_sent_together_and_answered_in_order() {
        let cmds = [
            Command::new("EXAMINE INBOX"),
            Command::new("UID FETCH 1:* (UID RFC822.SIZE)"),
            Command::new("UID SEARCH SINCE 1-Dec-2026"),
        ];
        let refs: Vec<&Command<'_>> = cmds.iter().collect();
        let server = b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\na1 OK [READ-ONLY] done\r\n\
            * 1 FETCH (UID 5 RFC822.SIZE 10)\r\na2 OK listed\r\n* SEARCH 5\r\na3 OK found\r\n";
        let mut c = Connection::new(Replay::new(server, 5));
        let answers = c.run_all(&refs).unwrap();
        assert_eq!(
            c.stream().written,
            b"a1 EXAMINE INBOX\r\na2 UID FETCH 1:* (UID RFC822.SIZE)\r\n\
              a3 UID SEARCH SINCE 1-Dec-2026\r\n"
        );
        let [opened, listed, found] = <[_; 3]>::try_from(answers).unwrap();
        let opened = opened.unwrap();
        assert_eq!(
            super::super::base::folder_state(&opened).uidvalidity,
            Some(7)
        );
        assert!(matches!(&listed.unwrap().untagged[..], [Untagged::Fetch(f)] if f.uid == Some(5)));
        assert_eq!(found.unwrap().untagged, vec![Untagged::Search(vec![5])]);

        let refused = b"a1 NO [NONEXISTENT] no such folder\r\na2 BAD no folder selected\r\n\
            a3 BAD no folder selected\r\n";
        let mut c = Connection::new(Replay::new(refused, 64));
        let answers = c.run_all(&refs).unwrap();
        assert!(matches!(&answers[0], Err(ImapError::No(t)) if t.contains("no such folder")));
        assert!(matches!(&answers[1], Err(ImapError::Bad(_))));
        assert!(matches!(&answers[2], Err(ImapError::Bad(_))));
    }

    #[test]
    fn refusals_carry_the_servers_words() {
        let mut c = Connection::new(Replay::new(b"a1 NO [TRYCREATE] No such folder\r\n", 64));
        match c.run(&Command::new("SELECT x")) {
            Err(ImapError::No(t)) => assert_eq!(t, "[TRYCREATE] No such folder"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn literals_wait_for_the_continuation_unless_literal_plus() {
        let mut c = Connection::new(Replay::new(b"+ go\r\na1 OK [APPENDUID 7 3] ok\r\n", 64));
        let cmd = Command::new("APPEND \"Sent\" ").literal(b"Hi!");
        let a = c.run(&cmd).unwrap();
        assert_eq!(c.stream().written, b"a1 APPEND \"Sent\" {3}\r\nHi!\r\n");
        assert!(a.done.is_some());
        let mut c = Connection::new(Replay::new(b"a1 OK ok\r\n", 64));
        c.set_literal_plus(true);
        c.run(&cmd).unwrap();
        assert_eq!(c.stream().written, b"a1 APPEND \"Sent\" {3+}\r\nHi!\r\n");
    }

    #[test]
    fn a_refusal_before_the_literal_ends_the_command() {
        let server = b"* OK [ALERT] note\r\na1 NO Current box is selected READ-ONLY\r\n";
        let mut c = Connection::new(Replay::new(server, 7));
        let cmd = Command::new("APPEND \"Sent\" ").literal(b"Hi!");
        match c.run(&cmd) {
            Err(ImapError::No(t)) => assert_eq!(t, "Current box is selected READ-ONLY"),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.stream().written, b"a1 APPEND \"Sent\" {3}\r\n");
    }

    #[test]
    fn strings_are_quoted_or_sent_as_literals() {
        let cmd = Command::new("LOGIN ")
            .string("te\"st")
            .text(" ")
            .string("pässwort");
        assert_eq!(cmd.describe(), "LOGIN \"te\\\"st\" {9}");
    }

    #[test]
    fn a_closed_connection_is_an_io_error() {
        let mut c = Connection::new(Replay::new(b"* 1 EXISTS\r\n", 64));
        assert!(matches!(
            c.run(&Command::new("NOOP")),
            Err(ImapError::Io(_))
        ));
    }
}
