//! QRESYNC (RFC 7162): learn what another client expunged from `* VANISHED (EARLIER) <uids>`
//! in the answer to `EXAMINE mailbox (QRESYNC (uidvalidity highestmodseq))`, instead of
//! comparing every UID.
//!
//! `imap` 2.4.1 / `imap-proto` 0.10 cannot parse `* ENABLED …` or `* VANISHED …`: their
//! response reader takes any line it cannot parse for a broken connection. Once QRESYNC is
//! enabled on a connection, [`Rewriter`] (inside the connection's stream) therefore turns
//! those two responses into untagged `* OK ENABLED …` / `* OK VANISHED …` lines, which the
//! reader accepts as plain status text and hands back in the raw answer, where
//! [`vanished`] reads them. Literals (message bodies) pass through byte for byte.

use super::plan::ServerFolder;
use super::session::{literal_len, parse_fetches, parse_status, split_responses, ImapSession};
use super::SyncError;
use std::ops::RangeInclusive;
use std::sync::atomic::Ordering;

/// The rewriting state of one connection's incoming bytes.
#[derive(Debug, Default)]
pub struct Rewriter {
    /// Rewritten bytes not yet handed out, from `out_pos` on.
    out: Vec<u8>,
    out_pos: usize,
    /// The current line, until its LF arrives.
    line: Vec<u8>,
    /// Bytes of a literal still to pass through untouched.
    literal_left: usize,
}

impl Rewriter {
    /// Takes bytes read from the server.
    pub fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.literal_left > 0 {
                let n = self.literal_left.min(data.len());
                self.out.extend_from_slice(&data[..n]);
                self.literal_left -= n;
                data = &data[n..];
                continue;
            }
            match data.iter().position(|&b| b == b'\n') {
                None => {
                    self.line.extend_from_slice(data);
                    return;
                }
                Some(nl) => {
                    self.line.extend_from_slice(&data[..=nl]);
                    data = &data[nl + 1..];
                    let line = std::mem::take(&mut self.line);
                    self.literal_left = literal_len(&line).unwrap_or(0);
                    self.out.extend_from_slice(&rewrite_line(line));
                }
            }
        }
    }

    /// The end of the stream: a last line without LF is handed out as it is.
    pub fn finish(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.out.extend_from_slice(&line);
    }

    /// Nothing is held: no partial line, literal or rewritten bytes waiting (the stream may
    /// then stop rewriting).
    pub fn idle(&self) -> bool {
        self.out_pos == self.out.len() && self.line.is_empty() && self.literal_left == 0
    }

    /// Copies rewritten bytes into `buf`; 0 when none are ready.
    pub fn take(&mut self, buf: &mut [u8]) -> usize {
        let ready = &self.out[self.out_pos..];
        let n = ready.len().min(buf.len());
        buf[..n].copy_from_slice(&ready[..n]);
        self.out_pos += n;
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
        n
    }
}

/// `* VANISHED …` → `* OK VANISHED …`, `* ENABLED …` → `* OK ENABLED …`, `* NAMESPACE …` →
/// `* OK NAMESPACE …` (RFC 2342, which `imap-proto` 0.10 cannot parse either); other lines
/// unchanged.
fn rewrite_line(line: Vec<u8>) -> Vec<u8> {
    let head = &line[..line.len().min(12)];
    let upper = head.to_ascii_uppercase();
    if upper.starts_with(b"* VANISHED ")
        || upper.starts_with(b"* ENABLED")
        || upper.starts_with(b"* NAMESPACE ")
    {
        let mut out = Vec::with_capacity(line.len() + 3);
        out.extend_from_slice(b"* OK ");
        out.extend_from_slice(&line[2..]);
        out
    } else {
        line
    }
}

/// A UID set without `*` (`1:5,9,12:14`; a range may be written high:low) as ranges; `None`
/// when it is not one.
pub fn parse_uid_set(s: &str) -> Option<Vec<RangeInclusive<u32>>> {
    let num = |t: &str| -> Option<u32> {
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

/// The UIDs reported gone in an answer: every `VANISHED` response (rewritten or not, with or
/// without `(EARLIER)`). An unreadable one is an error: skipping it could keep deleted mail.
pub fn vanished(data: &[u8]) -> Result<Vec<RangeInclusive<u32>>, String> {
    let mut out = Vec::new();
    for resp in split_responses(data) {
        let text = String::from_utf8_lossy(resp);
        let text = text.trim_end();
        let upper = text.to_ascii_uppercase();
        let rest = ["* OK VANISHED ", "* VANISHED "]
            .iter()
            .find(|p| upper.starts_with(*p))
            .map(|p| &text[p.len()..]);
        let Some(rest) = rest else { continue };
        let rest = rest.trim_start();
        let set = match rest.get(..9) {
            Some(p) if p.eq_ignore_ascii_case("(EARLIER)") => &rest[9..],
            _ => rest,
        };
        match parse_uid_set(set) {
            Some(r) => out.extend(r),
            None => return Err(format!("unreadable VANISHED response: {text}")),
        }
    }
    Ok(out)
}

/// Whether the answer to `ENABLE QRESYNC` says it is enabled.
pub fn enabled(data: &[u8], capability: &str) -> bool {
    split_responses(data).into_iter().any(|resp| {
        let text = String::from_utf8_lossy(resp).to_ascii_uppercase();
        let rest = text
            .strip_prefix("* OK ENABLED")
            .or_else(|| text.strip_prefix("* ENABLED"));
        rest.is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|c| c.eq_ignore_ascii_case(capability))
        })
    })
}

/// What `EXAMINE … (QRESYNC …)` answered: the folder's state, the UIDs expunged since the
/// given mod-sequence, and the flags changed since it.
#[derive(Debug, Clone, PartialEq)]
pub struct QresyncAnswer {
    pub folder: ServerFolder,
    pub vanished: Vec<RangeInclusive<u32>>,
    pub flags: Vec<(u32, Vec<String>)>,
}

/// Reads an `EXAMINE … (QRESYNC …)` answer.
pub fn parse_answer(data: &[u8]) -> Result<QresyncAnswer, String> {
    let folder = parse_status(data).ok_or("no UIDVALIDITY in the answer")?;
    let vanished = vanished(data)?;
    let flags = parse_fetches(data)?
        .into_iter()
        .filter(|f| f.has_flags)
        .filter_map(|f| Some((f.uid?, f.flags)))
        .collect();
    Ok(QresyncAnswer {
        folder,
        vanished,
        flags,
    })
}

impl ImapSession {
    /// `ENABLE QRESYNC` when the server offers it and it is not on yet; afterwards
    /// [`ImapSession::examine_qresync`] can be used. A server that refuses leaves the
    /// connection as it was (CONDSTORE and the UID comparison still work).
    pub fn enable_qresync(&mut self) -> Result<bool, SyncError> {
        let caps = self.caps();
        if caps.qresync {
            return Ok(true);
        }
        if !caps.qresync_offered || !caps.condstore {
            return Ok(false);
        }
        // From here on `* ENABLED` and `* VANISHED` are rewritten before `imap` sees them.
        self.qresync_on.store(true, Ordering::SeqCst);
        let on = match self.raw("enable QRESYNC", "ENABLE QRESYNC") {
            Ok(data) => enabled(&data, "QRESYNC"),
            Err(SyncError::Server { .. }) => false,
            Err(e) => return Err(e),
        };
        self.set_qresync(on);
        Ok(on)
    }

    /// `EXAMINE mailbox (QRESYNC (uidvalidity modseq))`: the folder's state plus what changed
    /// since `modseq`. When the folder's UIDVALIDITY is no longer `uidvalidity` the server
    /// sends no changes (the planner then rebuilds the folder anyway).
    pub fn examine_qresync(
        &mut self,
        mailbox: &str,
        uidvalidity: u32,
        modseq: u64,
    ) -> Result<QresyncAnswer, SyncError> {
        let param = format!("(QRESYNC ({uidvalidity} {modseq}))");
        let data = self.open_raw(mailbox, false, Some(param))?;
        parse_answer(&data).map_err(|d| {
            self.protocol(
                &format!("open the folder {}", super::session::printable(mailbox)),
                super::session::printable(&d),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite_in_chunks(input: &[u8], chunk: usize) -> Vec<u8> {
        let mut r = Rewriter::default();
        let mut out = Vec::new();
        let mut buf = [0u8; 7];
        for c in input.chunks(chunk) {
            r.feed(c);
            loop {
                let n = r.take(&mut buf);
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
        }
        r.finish();
        loop {
            let n = r.take(&mut buf);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn rewriter_changes_only_vanished_and_enabled_lines_outside_literals() {
        let input = b"* ENABLED QRESYNC\r\nt1 OK Enabled.\r\n\
* VANISHED (EARLIER) 1:5,9\r\n\
* 3 FETCH (UID 7 BODY[] {27}\r\n* VANISHED 99\r\n* ENABLED\r\n)\r\n\
* vanished 12\r\n* 4 EXISTS\r\nt2 OK done\r\npartial";
        let want = b"* OK ENABLED QRESYNC\r\nt1 OK Enabled.\r\n\
* OK VANISHED (EARLIER) 1:5,9\r\n\
* 3 FETCH (UID 7 BODY[] {27}\r\n* VANISHED 99\r\n* ENABLED\r\n)\r\n\
* OK vanished 12\r\n* 4 EXISTS\r\nt2 OK done\r\npartial";
        for chunk in [1, 2, 3, 5, 16, 1000] {
            assert_eq!(
                String::from_utf8_lossy(&rewrite_in_chunks(input, chunk)),
                String::from_utf8_lossy(want),
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn rewritten_lines_parse_as_plain_status() {
        for line in [
            &b"* OK VANISHED (EARLIER) 1:5,9\r\n"[..],
            b"* OK ENABLED QRESYNC\r\n",
        ] {
            assert!(imap_proto::parse_response(line).is_ok(), "{line:?}");
        }
    }

    #[test]
    fn uid_set_table() {
        for (s, want) in [
            ("1:5,9,12:14", Some(vec![1..=5, 9..=9, 12..=14])),
            ("7", Some(vec![7..=7])),
            ("5:3", Some(vec![3..=5])),
            (" 4294967295 ", Some(vec![4_294_967_295..=4_294_967_295])),
            ("1:*", None),
            ("", None),
            ("0", None),
            ("1,,2", None),
            ("1:2:3", None),
            ("a", None),
            ("4294967296", None),
        ] {
            assert_eq!(parse_uid_set(s), want, "{s:?}");
        }
    }

    #[test]
    fn vanished_table() {
        let data = b"* OK [CLOSED] x\r\n* OK VANISHED (EARLIER) 1:3,10\r\n\
* OK [UIDVALIDITY 5] ok\r\n* VANISHED 12\r\n* OK vanished (earlier) 20:21\r\n";
        assert_eq!(
            vanished(data).unwrap(),
            vec![1..=3, 10..=10, 12..=12, 20..=21]
        );
        assert_eq!(vanished(b"* 3 EXISTS\r\n").unwrap(), vec![]);
        assert!(vanished(b"* OK VANISHED (EARLIER) 1:*\r\n").is_err());
        assert!(vanished(b"* VANISHED (EARLIER)\r\n").is_err());
    }

    #[test]
    fn enabled_table() {
        assert!(enabled(b"* OK ENABLED QRESYNC\r\n", "QRESYNC"));
        assert!(enabled(b"* ENABLED CONDSTORE qresync\r\n", "QRESYNC"));
        assert!(!enabled(b"* OK ENABLED\r\n", "QRESYNC"));
        assert!(!enabled(b"* OK QRESYNC\r\n", "QRESYNC"));
    }

    #[test]
    fn qresync_examine_answer_as_dovecot_sends_it() {
        let data = b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n\
* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n* 7 EXISTS\r\n* 0 RECENT\r\n\
* OK [UIDVALIDITY 1700000000] UIDs valid\r\n* OK [UIDNEXT 13] Predicted next UID\r\n\
* OK [HIGHESTMODSEQ 31] Highest\r\n* OK VANISHED (EARLIER) 2:4,8\r\n\
* 2 FETCH (UID 6 FLAGS (\\Seen \\Flagged) MODSEQ (30))\r\n";
        let a = parse_answer(data).unwrap();
        assert_eq!(a.folder.uidvalidity, 1_700_000_000);
        assert_eq!(a.folder.exists, 7);
        assert_eq!(a.folder.highestmodseq, Some(31));
        assert_eq!(a.vanished, vec![2..=4, 8..=8]);
        assert_eq!(
            a.flags,
            vec![(6, vec!["\\Seen".to_string(), "\\Flagged".to_string()])]
        );
        assert!(parse_answer(b"* 1 EXISTS\r\n").is_err());
    }
}
