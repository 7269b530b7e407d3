//! Raw RFC 5322 bytes → [`ParsedMessage`].
//!
//! The contract is "never fail, never panic, never drop": whatever cannot be understood is
//! written to [`ParsedMessage::problems`] and the rest is kept, so a broken message is still
//! stored and shown with what could be read.
//!
//! mailparse does the header work (RFC 2047 encoded-words, addresses, dates, Content-Type
//! parameters with RFC 2231) and the transfer decoding, but the MIME tree is walked here:
//! `mailparse::parse_mail` recurses without a depth limit (a hostile message nested a few
//! thousand levels deep would overflow the stack, which is an abort, not a panic) and treats a
//! body line without a colon as a header when the blank line after the headers is missing.
//! Walking ourselves gives a depth limit, a part limit, stricter boundary matching and a note
//! for each thing that was repaired.

use mailparse::{parse_headers, MailHeaderMap};

use super::{classify, sanitize, Attachment, ClassifyHeaders, ParsedMessage};

mod headers;
mod html;
mod mime;

use headers::{
    addresses, header_date, header_line, raw_value, return_path, timestamp, trim_references,
};
pub use headers::{msg_ids, MAX_REFERENCES_KEPT};
use html::render_texts;
use mime::{content_type, Walker};

/// Deepest multipart nesting we walk into; real mail rarely goes past 5.
pub const MAX_DEPTH: usize = 32;
/// Most MIME parts we look at in one message; the rest is noted as skipped.
pub const MAX_PARTS: usize = 500;

/// Parse one raw message. Never fails and never panics; see the module docs.
pub fn parse_message(raw: &[u8]) -> ParsedMessage {
    // Our own code does not panic on any input (the fuzz test below checks); this guard is for
    // the libraries underneath, so that a bug in one of them costs a pretty body, not a message.
    match std::panic::catch_unwind(|| parse_inner(raw)) {
        Ok(parsed) => parsed,
        Err(_) => ParsedMessage {
            body: sanitize::body(&String::from_utf8_lossy(raw)),
            size: raw.len() as u64,
            problems: vec!["cannot parse this message; it is shown as raw text".to_string()],
            ..ParsedMessage::default()
        },
    }
}

/// The decoded text of every HTML body part of `raw`, also those that a text/plain alternative
/// keeps out of [`ParsedMessage::body`]: a phishing link can hide in the HTML that the reader's
/// mail program shows while the plain part says nothing. Walked with the same limits as
/// [`parse_message`] (depth, part count); never panics.
pub fn html_parts(raw: &[u8]) -> Vec<String> {
    std::panic::catch_unwind(|| {
        let raw = without_envelope(raw);
        let split = split_header_block(raw);
        let (header_bytes, body_bytes) = split.cut(raw);
        let Ok((headers, _)) = parse_headers(header_bytes) else {
            return Vec::new();
        };
        let mut walker = Walker {
            problems: Vec::new(),
            attachments: Vec::new(),
            parts: 0,
            html: Some(Vec::new()),
            bytes: None,
        };
        walker.entity(&headers, body_bytes, "", 0, false);
        walker.html.unwrap_or_default()
    })
    .unwrap_or_default()
}

/// The attachments of `raw` as [`parse_message`] lists them, each with its decoded bytes (same
/// order, same limits on depth and part count), and the problems met. Never panics; the
/// owner's view of the attachments lives in [`super::attachments`].
pub fn attachment_parts(raw: &[u8]) -> (Vec<Attachment>, Vec<Vec<u8>>, Vec<String>) {
    std::panic::catch_unwind(|| {
        let raw = without_envelope(raw);
        let split = split_header_block(raw);
        let (header_bytes, body_bytes) = split.cut(raw);
        let headers = parse_headers(header_bytes)
            .map(|(h, _)| h)
            .unwrap_or_default();
        let mut walker = Walker {
            problems: Vec::new(),
            attachments: Vec::new(),
            parts: 0,
            html: None,
            bytes: Some(Vec::new()),
        };
        walker.entity(&headers, body_bytes, "", 0, false);
        let bytes = walker.bytes.unwrap_or_default();
        (walker.attachments, bytes, walker.problems)
    })
    .unwrap_or_else(|_| {
        let problem = "cannot read this message's attachments".to_string();
        (Vec::new(), Vec::new(), vec![problem])
    })
}

fn parse_inner(raw: &[u8]) -> ParsedMessage {
    let mut problems = Vec::new();
    if raw.is_empty() {
        problems.push("the message is empty".to_string());
    }

    // An mbox "From " envelope line is not a header; skip it.
    let split = split_header_block(without_envelope(raw));
    let (header_bytes, body_bytes) = split.cut(without_envelope(raw));
    if split.no_headers && !raw.is_empty() {
        problems.push("the message has no headers".to_string());
    } else if split.missing_blank_line {
        problems.push("no blank line after the headers; the rest is read as the body".to_string());
    }
    let headers = match parse_headers(header_bytes) {
        Ok((headers, _)) => headers,
        Err(e) => {
            problems.push(format!(
                "cannot read the headers ({e}); the message is read as text"
            ));
            Vec::new()
        }
    };

    let mut msg = ParsedMessage {
        size: raw.len() as u64,
        subject: headers
            .get_first_value("Subject")
            .map(|s| sanitize::line(&s))
            .unwrap_or_default(),
        from: addresses(&headers, "From", &mut problems)
            .into_iter()
            .next(),
        to: addresses(&headers, "To", &mut problems),
        cc: addresses(&headers, "Cc", &mut problems),
        reply_to: addresses(&headers, "Reply-To", &mut problems)
            .into_iter()
            .next(),
        message_id: raw_value(&headers, "Message-ID").and_then(|v| msg_ids(&v).into_iter().next()),
        in_reply_to: raw_value(&headers, "In-Reply-To")
            .and_then(|v| msg_ids(&v).into_iter().next()),
        references: raw_value(&headers, "References")
            .map(|v| trim_references(msg_ids(&v)))
            .unwrap_or_default(),
        date: headers
            .get_first_value("Date")
            .and_then(|d| header_date(&d, "Date", &mut problems)),
        received_header_date: headers
            .get_first_value("Received")
            .and_then(|r| r.rsplit_once(';').map(|(_, d)| d.to_string()))
            .and_then(|d| timestamp(&d)),
        ..ParsedMessage::default()
    };

    let mut walker = Walker {
        problems,
        attachments: Vec::new(),
        parts: 0,
        html: None,
        bytes: None,
    };
    let texts = walker.entity(&headers, body_bytes, "", 0, false);
    msg.body = render_texts(texts, &mut walker.problems);
    msg.attachments = walker.attachments;
    msg.problems = walker.problems;

    let ctype = content_type(&headers, false);
    msg.headers = ClassifyHeaders {
        auto_submitted: header_line(&headers, "Auto-Submitted"),
        precedence: header_line(&headers, "Precedence"),
        list_id: header_line(&headers, "List-Id"),
        list_unsubscribe: header_line(&headers, "List-Unsubscribe"),
        x_autoreply: header_line(&headers, "X-Autoreply")
            .or_else(|| header_line(&headers, "X-Autorespond")),
        x_auto_response_suppress: header_line(&headers, "X-Auto-Response-Suppress"),
        return_path: headers
            .get_first_value("Return-Path")
            .map(|v| return_path(&v)),
        content_type: sanitize::line(&ctype.mimetype),
        report_type: ctype
            .params
            .get("report-type")
            .map(|t| sanitize::line(t).to_ascii_lowercase()),
    };
    msg.auto_kind = classify::classify_headers(&msg.headers, msg.from.as_ref());
    msg
}

/// Where the header block ends and the body starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HeaderSplit {
    /// End of the header lines (exclusive), before the blank line.
    header_end: usize,
    /// Start of the body, after the blank line when there is one.
    body_start: usize,
    /// Headers were followed directly by a line that is not a header.
    missing_blank_line: bool,
    /// The first line is already not a header.
    no_headers: bool,
}

impl HeaderSplit {
    /// The header block and the body of `raw`, the bytes this split was made from (its
    /// offsets lie within them; an out-of-range offset gives an empty piece, not a panic).
    fn cut<'a>(&self, raw: &'a [u8]) -> (&'a [u8], &'a [u8]) {
        (
            raw.get(..self.header_end).unwrap_or(raw),
            raw.get(self.body_start..).unwrap_or_default(),
        )
    }
}

/// The message without an mbox "From " envelope line, which is not a header.
fn without_envelope(raw: &[u8]) -> &[u8] {
    if raw.starts_with(b"From ") {
        raw.get(line_end(raw, 0)..).unwrap_or_default()
    } else {
        raw
    }
}

/// Split leniently: the header block is the run of `Name: value` lines and their
/// continuations. The first line that is neither ends it, blank or not, so a message without
/// the blank line keeps its body instead of having it read as headers.
fn split_header_block(raw: &[u8]) -> HeaderSplit {
    let mut pos = 0;
    let mut seen_header = false;
    while pos < raw.len() {
        let end = line_end(raw, pos);
        let line = raw.get(pos..end).unwrap_or_default();
        if line == b"\n" || line == b"\r\n" {
            return HeaderSplit {
                header_end: pos,
                body_start: end,
                missing_blank_line: false,
                no_headers: false,
            };
        }
        let continuation = seen_header && matches!(line.first(), Some(b' ' | b'\t'));
        if !continuation && !is_header_line(line) {
            return HeaderSplit {
                header_end: pos,
                body_start: pos,
                missing_blank_line: seen_header,
                no_headers: !seen_header,
            };
        }
        seen_header = true;
        pos = end;
    }
    HeaderSplit {
        header_end: raw.len(),
        body_start: raw.len(),
        missing_blank_line: false,
        no_headers: !seen_header,
    }
}

/// `Name: value` where the name is printable ASCII without colon (RFC 5322 ftext), allowing
/// the obsolete whitespace before the colon.
fn is_header_line(line: &[u8]) -> bool {
    let Some(mut name) = line
        .split(|&b| b == b':')
        .next()
        .filter(|n| n.len() < line.len())
    else {
        return false;
    };
    while let Some(n) = name.strip_suffix(b" ").or_else(|| name.strip_suffix(b"\t")) {
        name = n;
    }
    !name.is_empty() && name.iter().all(|&b| (33..=126).contains(&b) && b != b':')
}

/// Index just past the `\n` ending the line that starts at `pos`, or the end of input.
fn line_end(raw: &[u8], pos: usize) -> usize {
    raw.get(pos..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(raw.len(), |i| pos + i + 1)
}

#[cfg(test)]
mod tests;
