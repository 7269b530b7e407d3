//! The server's responses as the rest of shopinbox sees them: owned, small types made from
//! `imap-codec`'s decoded [`Response`] while it still borrows the frame, so that only the data
//! kept (a message's `BODY[]`, copied once out of the read buffer) outlives the buffer.
//! A response the codec cannot decode is kept as [`Untagged::Raw`]; only a tagged completion
//! is then read by hand (tag, status, the server's words), because a command must end.

use chrono::{DateTime, Utc};
use imap_codec::imap_types::core::{IString, NString};
use imap_codec::imap_types::fetch::MessageDataItem;
use imap_codec::imap_types::flag::{Flag, FlagFetch, FlagPerm};
use imap_codec::imap_types::mailbox::Mailbox;
use imap_codec::imap_types::response::{Code, Data, Response, Status, StatusKind};
use imap_codec::imap_types::sequence::{SeqOrUid, Sequence, SequenceSet};
use std::ops::RangeInclusive;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    No,
    Bad,
}

/// The response codes shopinbox acts on (RFC 3501 7.1, UIDPLUS, CONDSTORE/QRESYNC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RespCode {
    UidValidity(u32),
    UidNext(u32),
    HighestModSeq(u64),
    NoModSeq,
    /// `[PERMANENTFLAGS (…)]` from SELECT/EXAMINE: the flags the folder keeps, `\*` when
    /// the server also keeps new keywords.
    PermanentFlags(Vec<String>),
    AppendUid {
        uidvalidity: u32,
        uid: u32,
    },
    Capability(Vec<String>),
    ReadOnly,
    ReadWrite,
    TryCreate,
    Other,
}

/// A tagged completion: `a7 NO [TRYCREATE] No such mailbox`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    pub tag: String,
    pub outcome: Outcome,
    pub code: Option<RespCode>,
    /// Everything after the status word as the server wrote it (`[TRYCREATE] No such
    /// mailbox`), not yet sanitized.
    pub text: String,
}

/// One `* n FETCH (…)` response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchItem {
    pub seq: u32,
    pub uid: Option<u32>,
    /// `Some` when the response carried FLAGS (possibly empty).
    pub flags: Option<Vec<String>>,
    pub internaldate: Option<DateTime<Utc>>,
    pub size: Option<u32>,
    /// `BODY[]` (or `RFC822`); `None` when absent or `NIL`.
    pub body: Option<Vec<u8>>,
    /// `BODY[HEADER…]`, for the test client and lookups by header.
    pub header: Option<Vec<u8>>,
    pub modseq: Option<u64>,
}

/// An untagged response.
#[derive(Debug, Clone, PartialEq)]
pub enum Untagged {
    Fetch(FetchItem),
    Exists(u32),
    Recent(u32),
    Expunge(u32),
    Capability(Vec<String>),
    /// `* LIST (attributes) "delimiter" name`, the name as on the wire (modified UTF-7).
    List {
        attributes: Vec<String>,
        delimiter: Option<char>,
        name: String,
    },
    Search(Vec<u32>),
    /// `* OK/NO/BAD [code] text`.
    Status {
        outcome: Outcome,
        code: Option<RespCode>,
        text: String,
    },
    Enabled(Vec<String>),
    /// `* VANISHED [(EARLIER)] uids` (QRESYNC).
    Vanished {
        earlier: bool,
        uids: Vec<RangeInclusive<u32>>,
    },
    /// `* NAMESPACE`: the personal namespaces' prefixes and delimiters.
    Namespace(Vec<(String, Option<char>)>),
    /// Decoded, but nothing shopinbox uses (`* FLAGS`, `* STATUS`, `* QUOTA`, …).
    Ignored,
    /// Not decodable by the codec; kept so that the caller can decide (a FETCH response
    /// that cannot be read is an error, anything else is logged and skipped).
    Raw(Vec<u8>),
}

/// Anything the server sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Untagged(Untagged),
    Done(Done),
    /// `+ …`: go on (the literal, the SASL response, IDLE has begun).
    Continue(String),
    /// `* BYE …`: the server is closing the connection.
    Bye(String),
}

/// Decodes one complete frame.
pub fn decode(frame: &[u8]) -> Incoming {
    decode_with_literal(frame, None)
}

/// Decodes a frame whose only literal was replaced by `{0}`; `literal` is its data, which
/// becomes the value of the FETCH item it belongs to (`BODY[]`, `BODY[HEADER]`, `RFC822`).
/// The codec thus never scans a message body, and a body holding bytes the grammar does
/// not allow in a literal (NUL, which some servers send) is still delivered as it is.
pub fn decode_with_literal<'l>(frame: &[u8], literal: impl Into<Option<&'l [u8]>>) -> Incoming {
    let literal = literal.into();
    use imap_codec::decode::Decoder;
    use imap_codec::ResponseCodec;
    match ResponseCodec::default().decode(frame) {
        Ok(([], resp)) => from_response(resp, frame, literal),
        // `* OK [HIGHESTMODSEQ 5] ` (Gmail): a code with an empty text after its space, which
        // the grammar does not allow; read without the space.
        _ if frame.ends_with(b"] \r\n") && frame.len() < 4096 => {
            let mut fixed = frame.strip_suffix(b" \r\n").unwrap_or(frame).to_vec();
            fixed.extend_from_slice(b"\r\n");
            match ResponseCodec::default().decode(&fixed) {
                Ok(([], resp)) => from_response(resp, &fixed, literal),
                _ => by_hand(frame),
            }
        }
        _ => by_hand(frame),
    }
}

fn from_response(resp: Response<'_>, frame: &[u8], literal: Option<&[u8]>) -> Incoming {
    match resp {
        Response::CommandContinuationRequest(_) => Incoming::Continue(text_after(frame, 1)),
        Response::Status(Status::Tagged(t)) => Incoming::Done(Done {
            tag: t.tag.as_ref().to_string(),
            outcome: outcome(t.body.kind),
            code: t.body.code.map(code),
            text: text_after(frame, 2),
        }),
        Response::Status(Status::Untagged(s)) => Incoming::Untagged(Untagged::Status {
            outcome: outcome(s.kind),
            code: s.code.map(code),
            text: text_after(frame, 2),
        }),
        Response::Status(Status::Bye(_)) => Incoming::Bye(text_after(frame, 2)),
        Response::Data(d) => Incoming::Untagged(data(d, literal)),
    }
}

fn outcome(k: StatusKind) -> Outcome {
    match k {
        StatusKind::Ok => Outcome::Ok,
        StatusKind::No => Outcome::No,
        StatusKind::Bad => Outcome::Bad,
    }
}

fn code(c: Code<'_>) -> RespCode {
    match c {
        Code::UidValidity(v) => RespCode::UidValidity(v.get()),
        Code::UidNext(v) => RespCode::UidNext(v.get()),
        Code::HighestModSeq(v) => RespCode::HighestModSeq(v.get()),
        Code::NoModSeq => RespCode::NoModSeq,
        Code::PermanentFlags(flags) => RespCode::PermanentFlags(
            flags
                .iter()
                .map(|f| match f {
                    FlagPerm::Flag(f) => f.to_string(),
                    FlagPerm::Asterisk => "\\*".to_string(),
                })
                .collect(),
        ),
        Code::AppendUid { uid_validity, uid } => RespCode::AppendUid {
            uidvalidity: uid_validity.get(),
            uid: uid.get(),
        },
        Code::Capability(caps) => {
            RespCode::Capability(caps.into_inner().iter().map(|c| c.to_string()).collect())
        }
        Code::ReadOnly => RespCode::ReadOnly,
        Code::ReadWrite => RespCode::ReadWrite,
        Code::TryCreate => RespCode::TryCreate,
        _ => RespCode::Other,
    }
}

fn data(d: Data<'_>, literal: Option<&[u8]>) -> Untagged {
    match d {
        Data::Fetch { seq, items } => {
            Untagged::Fetch(fetch_item(seq.get(), items.into_inner(), literal))
        }
        Data::Exists(n) => Untagged::Exists(n),
        Data::Recent(n) => Untagged::Recent(n),
        Data::Expunge(n) => Untagged::Expunge(n.get()),
        Data::Capability(caps) => {
            Untagged::Capability(caps.into_inner().iter().map(|c| c.to_string()).collect())
        }
        Data::List {
            items,
            delimiter,
            mailbox,
        } => Untagged::List {
            attributes: items.iter().map(|a| a.to_string()).collect(),
            delimiter: delimiter.map(|d| d.inner()),
            name: mailbox_name(&mailbox),
        },
        Data::Search(ids, ..) => Untagged::Search(ids.into_iter().map(|n| n.get()).collect()),
        Data::Enabled { capabilities } => {
            Untagged::Enabled(capabilities.iter().map(|c| c.to_string()).collect())
        }
        Data::Vanished {
            earlier,
            known_uids,
        } => Untagged::Vanished {
            earlier,
            uids: ranges(&known_uids),
        },
        Data::Namespace { personal, .. } => Untagged::Namespace(
            personal
                .into_iter()
                .map(|n| {
                    let prefix = String::from_utf8_lossy(n.prefix.as_ref()).into_owned();
                    (prefix, n.delimiter.map(|d| d.inner()))
                })
                .collect(),
        ),
        _ => Untagged::Ignored,
    }
}

/// A mailbox name as on the wire (`INBOX` for the inbox, whatever its case).
fn mailbox_name(m: &Mailbox<'_>) -> String {
    match m {
        Mailbox::Inbox => "INBOX".to_string(),
        Mailbox::Other(o) => String::from_utf8_lossy(o.as_ref()).into_owned(),
    }
}

/// A UID set without `*` as ranges (`*` stands for the largest UID: VANISHED never sends it).
fn ranges(set: &SequenceSet) -> Vec<RangeInclusive<u32>> {
    let v = |s: &SeqOrUid| match s {
        SeqOrUid::Value(n) => n.get(),
        SeqOrUid::Asterisk => u32::MAX,
    };
    set.0
        .as_ref()
        .iter()
        .map(|s| match s {
            Sequence::Single(a) => v(a)..=v(a),
            Sequence::Range(a, b) => v(a).min(v(b))..=v(a).max(v(b)),
        })
        .collect()
}

fn flag_name(f: &FlagFetch<'_>) -> String {
    match f {
        FlagFetch::Recent => "\\Recent".to_string(),
        FlagFetch::Flag(Flag::Keyword(k)) => k.to_string(),
        FlagFetch::Flag(other) => other.to_string(),
    }
}

/// The bytes of an nstring, copied once; the literal that stood in for `literal`'s data
/// (see [`decode_with_literal`]) becomes that data.
fn nstring_bytes(n: NString<'_>, literal: &mut Option<&[u8]>) -> Option<Vec<u8>> {
    match n.0? {
        IString::Literal(_) if literal.is_some() => literal.take().map(<[u8]>::to_vec),
        s => Some(s.into_inner().into_owned()),
    }
}

fn fetch_item(seq: u32, items: Vec<MessageDataItem<'_>>, mut literal: Option<&[u8]>) -> FetchItem {
    let mut f = FetchItem {
        seq,
        ..FetchItem::default()
    };
    for item in items {
        match item {
            MessageDataItem::Uid(u) => f.uid = Some(u.get()),
            MessageDataItem::Flags(fl) => f.flags = Some(fl.iter().map(flag_name).collect()),
            MessageDataItem::InternalDate(d) => f.internaldate = Some(d.as_ref().to_utc()),
            MessageDataItem::Rfc822Size(s) => f.size = Some(s),
            MessageDataItem::ModSeq(m) => f.modseq = Some(m.get()),
            MessageDataItem::BodyExt {
                section: None,
                data,
                ..
            }
            | MessageDataItem::Rfc822(data) => f.body = nstring_bytes(data, &mut literal),
            MessageDataItem::BodyExt {
                section: Some(_),
                data,
                ..
            }
            | MessageDataItem::Rfc822Header(data) => f.header = nstring_bytes(data, &mut literal),
            _ => {}
        }
    }
    f
}

/// The words after the first `skip` space-separated tokens of the frame's first line
/// (`a5 NO [CODE] words` → `[CODE] words` for `skip` 2), as the server wrote them.
fn text_after(frame: &[u8], skip: usize) -> String {
    let line = frame.split(|&b| b == b'\n').next().unwrap_or(frame);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut rest = line;
    for _ in 0..skip {
        match rest.splitn(2, |&b| b == b' ').nth(1) {
            Some(after) => rest = after,
            None => return String::new(),
        }
    }
    String::from_utf8_lossy(rest).into_owned()
}

/// A frame the codec refused: a tagged completion, continuation or BYE is still read by hand
/// (a command must end, whatever the server put in its text); anything else is kept raw.
fn by_hand(frame: &[u8]) -> Incoming {
    let line = frame.split(|&b| b == b'\n').next().unwrap_or(frame);
    let text = String::from_utf8_lossy(line);
    let mut words = text.split_ascii_whitespace();
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("").to_ascii_uppercase();
    if first == "+" || frame.starts_with(b"+\r\n") {
        return Incoming::Continue(text_after(frame, 1));
    }
    if first == "*" {
        if second == "BYE" {
            return Incoming::Bye(text_after(frame, 2));
        }
        return Incoming::Untagged(Untagged::Raw(frame.to_vec()));
    }
    let outcome = match second.as_str() {
        "OK" => Some(Outcome::Ok),
        "NO" => Some(Outcome::No),
        "BAD" => Some(Outcome::Bad),
        _ => None,
    };
    match outcome {
        Some(outcome) if !first.is_empty() => Incoming::Done(Done {
            tag: first.to_string(),
            outcome,
            code: None,
            text: text_after(frame, 2),
        }),
        _ => Incoming::Untagged(Untagged::Raw(frame.to_vec())),
    }
}

/// Whether a raw (undecodable) response is a FETCH response: `* <n> FETCH …`.
pub fn looks_like_fetch(raw: &[u8]) -> bool {
    let head = String::from_utf8_lossy(raw.get(..40).unwrap_or(raw)).to_ascii_uppercase();
    let mut words = head.split_ascii_whitespace();
    words.next() == Some("*")
        && words
            .next()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && words.next().is_some_and(|w| w.starts_with("FETCH"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn untagged(frame: &[u8]) -> Untagged {
        match decode(frame) {
            Incoming::Untagged(u) => u,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fetch_with_body_modseq_and_recent() {
        let f = b"* 1 FETCH (UID 7 RFC822.SIZE 5 FLAGS (\\Seen $Label1 \\Recent) INTERNALDATE \
\" 1-Mar-2024 09:30:00 +0100\" MODSEQ (12) BODY[] {5}\r\nHi\r\n!)\r\n";
        let Untagged::Fetch(item) = untagged(f) else {
            panic!()
        };
        assert_eq!(item.seq, 1);
        assert_eq!(item.uid, Some(7));
        assert_eq!(item.size, Some(5));
        assert_eq!(item.modseq, Some(12));
        assert_eq!(item.flags.unwrap(), vec!["\\Seen", "$Label1", "\\Recent"]);
        assert_eq!(
            item.internaldate.unwrap().to_rfc3339(),
            "2024-03-01T08:30:00+00:00"
        );
        assert_eq!(item.body.as_deref(), Some(&b"Hi\r\n!"[..]));
    }

    #[test]
    fn body_nil_and_flags_only() {
        let Untagged::Fetch(item) = untagged(b"* 2 FETCH (UID 8 FLAGS () BODY[] NIL)\r\n") else {
            panic!()
        };
        assert_eq!(item.body, None);
        assert_eq!(item.flags, Some(vec![]));
    }

    #[test]
    fn tagged_completions_keep_the_servers_words() {
        for (frame, outcome, code, text) in [
            (
                &b"a5 OK [APPENDUID 1700000000 12] Append completed.\r\n"[..],
                Outcome::Ok,
                Some(RespCode::AppendUid {
                    uidvalidity: 1_700_000_000,
                    uid: 12,
                }),
                "[APPENDUID 1700000000 12] Append completed.",
            ),
            (
                b"a5 NO Current box is selected READ-ONLY\r\n",
                Outcome::No,
                None,
                "Current box is selected READ-ONLY",
            ),
            (
                b"a6 BAD [PARSE] Unknown command\r\n",
                Outcome::Bad,
                Some(RespCode::Other),
                "[PARSE] Unknown command",
            ),
            // Not valid IMAP (a status without text after the code): read by hand.
            (b"a7 NO [\r\n", Outcome::No, None, "["),
        ] {
            let Incoming::Done(d) = decode(frame) else {
                panic!("{frame:?}")
            };
            assert_eq!(d.tag, String::from_utf8_lossy(&frame[..2]));
            assert_eq!(d.outcome, outcome, "{frame:?}");
            assert_eq!(d.code, code, "{frame:?}");
            assert_eq!(d.text, text, "{frame:?}");
        }
    }

    #[test]
    fn qresync_and_namespace_data() {
        assert_eq!(
            untagged(b"* VANISHED (EARLIER) 1:3,10,20:18\r\n"),
            Untagged::Vanished {
                earlier: true,
                uids: vec![1..=3, 10..=10, 18..=20]
            }
        );
        assert_eq!(
            untagged(b"* ENABLED QRESYNC\r\n"),
            Untagged::Enabled(vec!["QRESYNC".to_string()])
        );
        assert_eq!(
            untagged(b"* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\"))\r\n"),
            Untagged::Namespace(vec![("INBOX.".to_string(), Some('.'))])
        );
        assert!(matches!(
            untagged(b"* OK [HIGHESTMODSEQ 1234567] \r\n"),
            Untagged::Status {
                code: Some(RespCode::HighestModSeq(1_234_567)),
                ..
            }
        ));
        assert_eq!(
            untagged(b"* OK [HIGHESTMODSEQ 77] Highest\r\n"),
            Untagged::Status {
                outcome: Outcome::Ok,
                code: Some(RespCode::HighestModSeq(77)),
                text: "[HIGHESTMODSEQ 77] Highest".to_string()
            }
        );
    }

    #[test]
    fn undecodable_untagged_is_raw_and_fetch_is_recognised() {
        let f = b"* 1 FETCH (UID 7 BODY[] {50}\r\nshort)\r\n";
        let Untagged::Raw(raw) = untagged(f) else {
            panic!()
        };
        assert!(looks_like_fetch(&raw));
        assert!(!looks_like_fetch(b"* OK fine\r\n"));
        assert_eq!(
            decode(b"* BYE Autologout; idle for too long\r\n"),
            Incoming::Bye("Autologout; idle for too long".to_string())
        );
        assert_eq!(
            decode(b"+ idling\r\n"),
            Incoming::Continue("idling".to_string())
        );
    }
}
