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

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use mailparse::body::Body;
use mailparse::{
    addrparse_header, dateparse, parse_content_disposition, parse_content_type, parse_headers,
    DispositionType, MailAddr, MailHeader, MailHeaderMap, ParsedContentType, SingleInfo,
};
use regex::Regex;

use super::{classify, sanitize, Address, Attachment, ClassifyHeaders, ParsedMessage};

/// Deepest multipart nesting we walk into; real mail rarely goes past 5.
pub const MAX_DEPTH: usize = 32;
/// Most MIME parts we look at in one message; the rest is noted as skipped.
pub const MAX_PARTS: usize = 500;
/// html2text's wrap width for HTML-only mail.
const HTML_WIDTH: usize = 80;
/// Deeper HTML than this is not given to html2text: its layout time grows with the square of
/// the nesting (100 000 nested `<div>`s take minutes), so a hostile message could stall sync.
const MAX_HTML_DEPTH: usize = 200;
/// A msg-id longer than a header line may be is not a msg-id.
const MAX_MSG_ID_LEN: usize = 998;

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

/// A piece of readable text found in the MIME tree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    Plain(String),
    Html(String),
}

impl Text {
    fn is_empty(&self) -> bool {
        match self {
            Text::Plain(s) | Text::Html(s) => s.trim().is_empty(),
        }
    }
}

struct Walker {
    problems: Vec<String>,
    attachments: Vec<Attachment>,
    parts: usize,
    /// Collects every HTML body part when `Some` (for [`html_parts`]).
    html: Option<Vec<String>>,
    /// Collects each attachment's decoded bytes when `Some` (for [`attachment_parts`]).
    bytes: Option<Vec<Vec<u8>>>,
}

impl Walker {
    /// One MIME part given as raw bytes (headers + body).
    fn part(&mut self, raw: &[u8], path: &str, depth: usize, in_digest: bool) -> Vec<Text> {
        let split = split_header_block(raw);
        let (header_bytes, body) = split.cut(raw);
        let headers = match parse_headers(header_bytes) {
            Ok((headers, _)) => headers,
            Err(e) => {
                self.problems.push(format!(
                    "cannot read the headers of {} ({e})",
                    part_name(path)
                ));
                Vec::new()
            }
        };
        self.entity(&headers, body, path, depth, in_digest)
    }

    /// One MIME entity with its headers already read. `path` is the IMAP-style part number
    /// ("" for the message itself, "1.2" for the second part of the first part).
    fn entity(
        &mut self,
        headers: &[MailHeader],
        body: &[u8],
        path: &str,
        depth: usize,
        in_digest: bool,
    ) -> Vec<Text> {
        self.parts += 1;
        let ctype = content_type(headers, in_digest);
        if ctype.mimetype.starts_with("multipart/") {
            return self.multipart(&ctype, body, path, depth);
        }
        self.leaf(headers, &ctype, body, path)
    }

    fn multipart(
        &mut self,
        ctype: &ParsedContentType,
        body: &[u8],
        path: &str,
        depth: usize,
    ) -> Vec<Text> {
        let Some(boundary) = ctype.params.get("boundary").filter(|b| !b.is_empty()) else {
            self.problems.push(format!(
                "{} is multipart without a boundary; it is shown as text",
                part_name(path)
            ));
            return vec![Text::Plain(lossy(body))];
        };
        if depth >= MAX_DEPTH {
            self.problems.push(format!(
                "MIME parts nested deeper than {MAX_DEPTH} levels at {}; the inner parts are skipped",
                part_name(path)
            ));
            return Vec::new();
        }
        let Some(split) = split_multipart(body, boundary.as_bytes()) else {
            self.problems.push(format!(
                "no boundary line found in {}; it is shown as text",
                part_name(path)
            ));
            return vec![Text::Plain(lossy(body))];
        };
        if !split.closed {
            self.problems
                .push(format!("missing final boundary in {}", part_name(path)));
        }

        let in_digest = ctype.mimetype == "multipart/digest";
        let mut children = Vec::with_capacity(split.parts.len());
        for (i, part) in split.parts.iter().enumerate() {
            if self.parts >= MAX_PARTS {
                self.problems.push(format!(
                    "more than {MAX_PARTS} MIME parts; the rest of {} is skipped",
                    part_name(path)
                ));
                break;
            }
            let child_path = if path.is_empty() {
                (i + 1).to_string()
            } else {
                format!("{path}.{}", i + 1)
            };
            children.push(self.part(part, &child_path, depth + 1, in_digest));
        }

        match ctype.mimetype.as_str() {
            // Alternatives are the same content: take the plain one when there is one.
            "multipart/alternative" => {
                let has_plain = |texts: &Vec<Text>| {
                    texts
                        .iter()
                        .any(|t| matches!(t, Text::Plain(_)) && !t.is_empty())
                };
                let pick = children.iter().position(has_plain).or_else(|| {
                    children
                        .iter()
                        .position(|t| t.iter().any(|t| !t.is_empty()))
                });
                pick.map(|i| children.swap_remove(i)).unwrap_or_default()
            }
            // The first part is the document; the rest are its images and styles.
            "multipart/related" => children.into_iter().next().unwrap_or_default(),
            // mixed, report, signed, digest and unknown kinds: every inline text, in order.
            _ => children.into_iter().flatten().collect(),
        }
    }

    fn leaf(
        &mut self,
        headers: &[MailHeader],
        ctype: &ParsedContentType,
        body: &[u8],
        path: &str,
    ) -> Vec<Text> {
        let mut mime = ctype.mimetype.trim().to_ascii_lowercase();
        if !is_valid_mime(&mime) {
            self.problems.push(format!(
                "unknown content type \"{}\" in {}; read as text",
                sanitize::line(&mime),
                part_name(path)
            ));
            mime = "text/plain".to_string();
        }
        let disposition = headers
            .get_first_value("Content-Disposition")
            .map(|d| parse_content_disposition(&d));
        let is_attachment_disposition = disposition
            .as_ref()
            .is_some_and(|d| d.disposition == DispositionType::Attachment);
        let file_name = disposition
            .as_ref()
            .and_then(|d| d.params.get("filename"))
            .or_else(|| ctype.params.get("name"))
            .map(|n| sanitize::filename(n))
            .filter(|n| !n.is_empty());

        let top = path.is_empty();
        let is_text =
            mime == "text/plain" || mime == "text/html" || (top && mime.starts_with("text/"));
        let is_body = is_text && (top || (!is_attachment_disposition && file_name.is_none()));

        // Collecting HTML for [`html_parts`]: attachments are not decoded a second time.
        if self.html.is_some() && !is_body {
            return Vec::new();
        }
        let decoded = self.transfer_decode(headers, ctype, body, path);
        if is_body {
            let text = decode_charset(&decoded, ctype, path, &mut self.problems);
            if let (Some(html), true) = (self.html.as_mut(), mime == "text/html") {
                html.push(text.clone());
            }
            return vec![if mime == "text/html" {
                Text::Html(text)
            } else {
                Text::Plain(text)
            }];
        }

        let name = file_name
            .or_else(|| {
                (mime == "message/rfc822")
                    .then(|| embedded_subject(&decoded))
                    .flatten()
                    .map(|s| sanitize::filename(&format!("{s}.eml")))
            })
            .unwrap_or_default();
        self.attachments.push(Attachment {
            name,
            mime: sanitize::line(&mime),
            size: decoded.len() as u64,
        });
        if let Some(bytes) = self.bytes.as_mut() {
            bytes.push(decoded);
        }
        Vec::new()
    }

    /// Undo the Content-Transfer-Encoding; bad base64 keeps whatever decodes.
    fn transfer_decode(
        &mut self,
        headers: &[MailHeader],
        ctype: &ParsedContentType,
        body: &[u8],
        path: &str,
    ) -> Vec<u8> {
        let cte = headers
            .get_first_value("Content-Transfer-Encoding")
            .map(|v| v.trim().to_ascii_lowercase());
        if let Some(cte) = cte.as_deref() {
            if !matches!(
                cte,
                "base64" | "quoted-printable" | "7bit" | "8bit" | "binary" | ""
            ) {
                self.problems.push(format!(
                    "unknown transfer encoding \"{}\" in {}; read as is",
                    sanitize::line(cte),
                    part_name(path)
                ));
            }
        }
        match Body::new(body, ctype, &cte) {
            Body::Base64(b) => b.get_decoded().unwrap_or_else(|e| {
                self.problems.push(format!(
                    "bad base64 in {} ({e}); kept what could be decoded",
                    part_name(path)
                ));
                lenient_base64(body)
            }),
            Body::QuotedPrintable(b) => b.get_decoded().unwrap_or_else(|e| {
                self.problems.push(format!(
                    "bad quoted-printable in {} ({e}); read as is",
                    part_name(path)
                ));
                body.to_vec()
            }),
            Body::SevenBit(b) | Body::EightBit(b) => b.get_raw().to_vec(),
            Body::Binary(b) => b.get_raw().to_vec(),
        }
    }
}

/// The parts of a multipart body, between its boundary lines.
struct MultipartSplit<'a> {
    parts: Vec<&'a [u8]>,
    /// The close delimiter (`--boundary--`) was seen.
    closed: bool,
}

/// Split on lines that are exactly `--boundary` (or `--boundary--`), allowing trailing
/// whitespace (RFC 2046 transport padding). Unlike a prefix match, `--b` does not match a
/// nested `--b2`. The line break before a delimiter belongs to the delimiter. Without a close
/// delimiter the last part runs to the end. `None` when no delimiter line exists at all.
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Option<MultipartSplit<'a>> {
    let mut parts = Vec::new();
    let mut current: Option<usize> = None;
    let mut found = false;
    let mut pos = 0;
    while pos < body.len() {
        let end = line_end(body, pos);
        let line = body.get(pos..end).unwrap_or_default();
        if let Some(close) = delimiter_kind(line, boundary) {
            found = true;
            if let Some(start) = current {
                parts.push(strip_line_break(body.get(start..pos).unwrap_or_default()));
            }
            if close {
                return Some(MultipartSplit {
                    parts,
                    closed: true,
                });
            }
            current = Some(end);
        }
        pos = end;
    }
    if let Some(start) = current {
        parts.push(body.get(start..).unwrap_or_default());
    }
    found.then_some(MultipartSplit {
        parts,
        closed: false,
    })
}

/// `Some(false)` for `--boundary`, `Some(true)` for `--boundary--`, `None` otherwise.
fn delimiter_kind(line: &[u8], boundary: &[u8]) -> Option<bool> {
    let rest = line.strip_prefix(b"--")?.strip_prefix(boundary)?;
    let (close, rest) = match rest.strip_prefix(b"--") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    rest.iter()
        .all(|b| b.is_ascii_whitespace())
        .then_some(close)
}

/// `part` without one final LF or CRLF.
fn strip_line_break(part: &[u8]) -> &[u8] {
    match part.strip_suffix(b"\n") {
        Some(p) => p.strip_suffix(b"\r").unwrap_or(p),
        None => part,
    }
}

/// The Content-Type of an entity; `text/plain` when missing (RFC 2045), `message/rfc822`
/// inside a digest (RFC 2046).
fn content_type(headers: &[MailHeader], in_digest: bool) -> ParsedContentType {
    match headers.get_first_value("Content-Type") {
        Some(v) if !v.trim().is_empty() => parse_content_type(&v),
        _ => {
            let mut ct = ParsedContentType::default();
            if in_digest {
                ct.mimetype = "message/rfc822".to_string();
            }
            ct
        }
    }
}

fn is_valid_mime(mime: &str) -> bool {
    let Some((ty, sub)) = mime.split_once('/') else {
        return false;
    };
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    token(ty) && token(sub)
}

fn part_name(path: &str) -> String {
    if path.is_empty() {
        "the message body".to_string()
    } else {
        format!("part {path}")
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Bytes → text by the declared charset (mailparse's `charset` crate: WHATWG labels plus
/// UTF-7). Undeclared or unknown charsets are read as UTF-8 when the bytes are valid UTF-8,
/// else as Windows-1252 (what "Latin-1" mail really is). A declared `us-ascii` with valid
/// UTF-8 bytes is read as UTF-8: senders that forget to declare 8-bit text are common.
fn decode_charset(
    bytes: &[u8],
    ctype: &ParsedContentType,
    path: &str,
    problems: &mut Vec<String>,
) -> String {
    let utf8_or_1252 = |bytes: &[u8]| match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => match charset::Charset::for_label(b"windows-1252") {
            Some(cs) => cs.decode_without_bom_handling(bytes).0.into_owned(),
            None => lossy(bytes),
        },
    };
    let Some(label) = ctype.params.get("charset").map(|l| l.trim()) else {
        return utf8_or_1252(bytes);
    };
    let lower = label.to_ascii_lowercase();
    if matches!(lower.as_str(), "us-ascii" | "ascii" | "") {
        return utf8_or_1252(bytes);
    }
    match charset::Charset::for_label(label.as_bytes()) {
        Some(cs) => {
            let (text, _, had_errors) = cs.decode(bytes);
            if had_errors {
                problems.push(format!(
                    "invalid {} text in {}; unreadable bytes were replaced",
                    cs.name(),
                    part_name(path)
                ));
            }
            text.into_owned()
        }
        None => {
            problems.push(format!(
                "unknown charset \"{}\" in {}; read as UTF-8",
                sanitize::line(label),
                part_name(path)
            ));
            utf8_or_1252(bytes)
        }
    }
}

/// Pieces of text → one body: HTML laid out as text, pieces joined by a blank line, sanitized.
fn render_texts(texts: Vec<Text>, problems: &mut Vec<String>) -> String {
    let pieces: Vec<String> = texts
        .into_iter()
        .filter(|t| !t.is_empty())
        .map(|t| match t {
            Text::Plain(s) => s,
            Text::Html(h) => html_to_text(&h, problems),
        })
        .collect();
    sanitize::body(&pieces.join("\n\n"))
}

/// HTML → readable text with html2text, or with the tags stripped when it cannot be laid out.
fn html_to_text(html: &str, problems: &mut Vec<String>) -> String {
    if html_depth(html) > MAX_HTML_DEPTH {
        problems.push("the HTML is nested too deeply to lay out; shown with tags removed".into());
        return strip_tags(html);
    }
    match html2text::from_read(html.as_bytes(), HTML_WIDTH) {
        Ok(text) => text,
        Err(e) => {
            problems.push(format!(
                "cannot turn the HTML into text ({e}); shown with tags removed"
            ));
            strip_tags(html)
        }
    }
}

/// A cheap upper estimate of element nesting: open tags minus close tags, ignoring void
/// elements and the ones whose end tag is optional (they close themselves when repeated).
fn html_depth(html: &str) -> usize {
    const NOT_NESTING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = if closing { i + 1 } else { i };
        let name_len = bytes
            .get(name_start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        // Look only up to the next '<' or '>' so that "<a<a<a…" stays linear.
        let rest = bytes.get(i..).unwrap_or_default();
        let self_closing = rest
            .iter()
            .position(|&b| b == b'>' || b == b'<')
            .and_then(|end| rest.get(..=end))
            .is_some_and(|tag| tag.ends_with(b"/>"));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

static SCRIPT_OR_STYLE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->").ok()
});
static BREAKING_TAG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)<br\s*/?>|</?(p|div|tr|li|h[1-6]|table|blockquote)\b[^>]*>").ok()
});
static ANY_TAG: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"<[^>]*>").ok());

/// Last-resort HTML → text: drop scripts, styles and tags, break lines at block tags, decode
/// the common entities.
fn strip_tags(html: &str) -> String {
    let mut text = html.to_string();
    for (re, with) in [
        (&*SCRIPT_OR_STYLE, ""),
        (&*BREAKING_TAG, "\n"),
        (&*ANY_TAG, ""),
    ] {
        if let Some(re) = re {
            text = re.replace_all(&text, with).into_owned();
        }
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Base64 that keeps going: skips characters outside the alphabet (both the standard and the
/// URL-safe one), and treats `=` as the end of a quantum so concatenated chunks decode too.
fn lenient_base64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in input {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                acc = 0;
                bits = 0;
                continue;
            }
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// The Subject of an attached message, to name it.
fn embedded_subject(raw: &[u8]) -> Option<String> {
    let split = split_header_block(raw);
    let (headers, _) = parse_headers(split.cut(raw).0).ok()?;
    headers
        .get_first_value("Subject")
        .map(|s| sanitize::line(&s))
        .filter(|s| !s.is_empty())
}

/// All addresses of every `key` header. Groups are flattened; `undisclosed-recipients:;`
/// gives none. Unparseable headers fall back to anything shaped like `x@y`.
fn addresses(headers: &[MailHeader], key: &str, problems: &mut Vec<String>) -> Vec<Address> {
    let mut out = Vec::new();
    for header in headers.get_all_headers(key) {
        match addrparse_header(header) {
            Ok(list) => {
                for addr in list.iter() {
                    match addr {
                        MailAddr::Single(info) => out.extend(address(info)),
                        MailAddr::Group(group) => {
                            out.extend(group.addrs.iter().filter_map(address))
                        }
                    }
                }
            }
            Err(_) => {
                let value = header.get_value();
                let found = lenient_addresses(&value);
                if found.is_empty() {
                    if !value.trim().is_empty() && !value.to_lowercase().contains("undisclosed") {
                        problems.push(format!(
                            "cannot read the {key}: address \"{}\"",
                            sanitize::line(&value)
                        ));
                    }
                } else {
                    problems.push(format!(
                        "the {key}: header is malformed; its address was guessed"
                    ));
                }
                out.extend(found);
            }
        }
    }
    out
}

fn address(info: &SingleInfo) -> Option<Address> {
    let addr = sanitize::line(&info.addr)
        .trim_matches(['<', '>'])
        .trim()
        .to_lowercase();
    if addr.is_empty() {
        return None;
    }
    let name = info
        .display_name
        .as_deref()
        .map(|n| sanitize::line(n).trim_matches('"').trim().to_string())
        .filter(|n| !n.is_empty());
    Some(Address { name, addr })
}

static LOOSE_ADDR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"[^\s<>"',;:()\[\]]+@[^\s<>"',;:()\[\]]+"#).ok());

fn lenient_addresses(value: &str) -> Vec<Address> {
    let Some(re) = LOOSE_ADDR.as_ref() else {
        return Vec::new();
    };
    let mut previous_end = 0;
    re.find_iter(value)
        .filter_map(|m| {
            // The name is what stands between the previous address and this one.
            let name = value[previous_end..m.start()]
                .rsplit([',', '>'])
                .next()
                .map(|n| {
                    n.trim()
                        .trim_end_matches('<')
                        .trim()
                        .trim_matches('"')
                        .trim()
                })
                .filter(|n| !n.is_empty())
                .map(|n| n.to_string());
            previous_end = m.end();
            address(&SingleInfo {
                display_name: name,
                addr: m.as_str().to_string(),
            })
        })
        .collect()
}

/// The undecoded value of the first `key` header (msg-ids are never encoded-words).
fn raw_value(headers: &[MailHeader], key: &str) -> Option<String> {
    headers
        .get_first_header(key)
        .map(|h| lossy(h.get_value_raw()))
}

/// Well-formed msg-ids (`<local@domain>`, no whitespace or controls) in order, without the
/// brackets and without duplicates. Anything else in the header is ignored: ids we would put
/// into our own In-Reply-To/References must be clean.
pub fn msg_ids(value: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(['<', '>']) else {
            break;
        };
        if after[close..].starts_with('<') {
            rest = &after[close..];
            continue;
        }
        let id = &after[..close];
        if is_msg_id(id) && seen.insert(id) {
            ids.push(id.to_string());
        }
        rest = &after[close + 1..];
    }
    ids
}

/// References kept of a message: a hostile header can list tens of thousands. The first (the
/// thread's root) and the most recent ones are what threading needs (RFC 5322 §3.6.4 trims
/// from the middle too).
pub const MAX_REFERENCES_KEPT: usize = 100;

fn trim_references(mut ids: Vec<String>) -> Vec<String> {
    if ids.len() > MAX_REFERENCES_KEPT {
        let tail = ids.split_off(ids.len() - (MAX_REFERENCES_KEPT - 1));
        ids.truncate(1);
        ids.extend(tail);
    }
    ids
}

fn is_msg_id(id: &str) -> bool {
    let Some((local, domain)) = id.split_once('@') else {
        return false;
    };
    id.len() <= MAX_MSG_ID_LEN
        && !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !id.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
}

fn header_date(value: &str, key: &str, problems: &mut Vec<String>) -> Option<DateTime<Utc>> {
    let parsed = timestamp(value);
    if parsed.is_none() && !value.trim().is_empty() {
        problems.push(format!(
            "cannot read the {key}: header \"{}\"",
            sanitize::line(value)
        ));
    }
    parsed
}

/// An RFC 5322 date (as mailparse reads it) from 1970-01-01 00:00:00 (the epoch itself is a
/// valid date) to 9999.
fn timestamp(value: &str) -> Option<DateTime<Utc>> {
    // dateparse counts years up one by one: refuse absurd numbers before it sees them.
    let longest_digit_run = value
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    if longest_digit_run > 4 {
        return None;
    }
    // mailparse reads text it cannot parse as 0, so the epoch itself must be confirmed by a
    // strict RFC 5322 parse.
    let strict_epoch = || {
        let v = value.trim();
        let v = v.split_once(" (").map_or(v, |(d, _)| d);
        DateTime::parse_from_rfc2822(v).is_ok_and(|d| d.timestamp() == 0)
    };
    dateparse(value.trim())
        .ok()
        .filter(|&t| (1..253_402_300_800).contains(&t) || (t == 0 && strict_epoch()))
        .and_then(|t| DateTime::from_timestamp(t, 0))
}

fn header_line(headers: &[MailHeader], key: &str) -> Option<String> {
    headers.get_first_value(key).map(|v| sanitize::line(&v))
}

/// `Return-Path: <x@y>` → `x@y`; `<>` → "" (the null sender of bounces).
fn return_path(value: &str) -> String {
    sanitize::line(value)
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::AutoKind;

    fn parse(s: &str) -> ParsedMessage {
        parse_message(s.as_bytes())
    }

    fn has_problem(m: &ParsedMessage, needle: &str) -> bool {
        m.problems.iter().any(|p| p.contains(needle))
    }

    const SIMPLE: &str = "Return-Path: <jane@example.com>\r\n\
Received: from mx.example.net by mx.shop.example with ESMTPS id 1;\r\n\
\x20Mon, 24 Nov 2025 09:15:02 +0100\r\n\
Received: from laptop by mx.example.net; Mon, 24 Nov 2025 08:15:00 +0000\r\n\
From: \"Doe, Jane\" <Jane.Doe@Example.COM>\r\n\
To: Shop <hello@shop.example>, undisclosed-recipients:;\r\n\
Cc: a@b.example, \"B\" <b@b.example>\r\n\
Reply-To: <jane.private@example.com>\r\n\
Subject: =?utf-8?q?Wo_ist_meine_Bestellung_=231042=3F?=\r\n\
Date: Mon, 24 Nov 2025 08:14:59 +0000\r\n\
Message-ID: <abc.123@mail.example.com>\r\n\
In-Reply-To: garbage <bad id@x> <prev@mail.shop.example>\r\n\
References: <first@x.example>\r\n\t<prev@mail.shop.example> <no-at-sign> <prev@mail.shop.example>\r\n\
\r\n\
Hello,\r\n\
\twhere is my order?\r\n\
Jane\r\n";

    #[test]
    fn simple_message_fields() {
        let m = parse(SIMPLE);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let from = m.from.as_ref().unwrap();
        assert_eq!(from.addr, "jane.doe@example.com");
        assert_eq!(from.name.as_deref(), Some("Doe, Jane"));
        assert_eq!(
            m.to,
            vec![Address {
                name: Some("Shop".into()),
                addr: "hello@shop.example".into()
            }]
        );
        assert_eq!(m.cc.len(), 2);
        assert_eq!(m.reply_to.unwrap().addr, "jane.private@example.com");
        assert_eq!(m.subject, "Wo ist meine Bestellung #1042?");
        assert_eq!(m.message_id.as_deref(), Some("abc.123@mail.example.com"));
        assert_eq!(m.in_reply_to.as_deref(), Some("prev@mail.shop.example"));
        assert_eq!(
            m.references,
            vec!["first@x.example", "prev@mail.shop.example"]
        );
        assert_eq!(m.date.unwrap().to_rfc3339(), "2025-11-24T08:14:59+00:00");
        assert_eq!(
            m.received_header_date.unwrap().to_rfc3339(),
            "2025-11-24T08:15:02+00:00"
        );
        assert_eq!(m.body, "Hello,\n    where is my order?\nJane");
        assert_eq!(m.headers.return_path.as_deref(), Some("jane@example.com"));
        assert_eq!(m.headers.content_type, "text/plain");
        assert_eq!(m.auto_kind, None);
        assert_eq!(m.size, SIMPLE.len() as u64);
    }

    #[test]
    fn hostile_encoded_words_are_sanitized() {
        let raw = "From: =?utf-8?b?Sm9obg0KQmNjOiBldmlsQHguZXhhbXBsZRtbMzFt?= <john@example.com>\n\
Subject: =?utf-8?b?T3JkZXINCkJjYzogeEBldmlsG1sySg==?= =?utf-8?q?_=E2=80=AEgpj=2Eexe?=\n\
\n\
Body \x1b]8;;http://evil\x07link\x1b]8;;\x07 \u{9b}2J done\n";
        let m = parse(raw);
        assert_eq!(m.subject, "Order Bcc: x@evil gpj.exe");
        let from = m.from.unwrap();
        assert_eq!(from.name.as_deref(), Some("John Bcc: evil@x.example"));
        assert_eq!(m.body, "Body link  done");
    }

    #[test]
    fn multipart_alternative_prefers_plain() {
        let raw = "From: a@b.example\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n\
preamble\n--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
Gr=C3=BC=C3=9Fe, plain\n--XX\nContent-Type: text/html\n\n<p>Hello <b>html</b></p>\n--XX--\nepilogue\n";
        let m = parse(raw);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.body, "Grüße, plain");
        assert!(m.attachments.is_empty());
    }

    #[test]
    fn html_parts_include_the_alternative_the_body_leaves_out() {
        let raw = b"From: a@b.example\nContent-Type: multipart/mixed; boundary=m\n\n--m\n\
Content-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\nplain\n--a\n\
Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
<a href=3D\"https://x.example\">Gr=FC=DFe</a>\n--a--\n--m\nContent-Type: text/html\n\
Content-Disposition: attachment; filename=page.html\n\n<p>attached</p>\n--m--\n";
        assert_eq!(parse(std::str::from_utf8(raw).unwrap()).body, "plain");
        assert_eq!(html_parts(raw), ["<a href=\"https://x.example\">Grüße</a>"]);
        assert!(html_parts(b"").is_empty());
    }

    #[test]
    fn html_only_is_turned_into_text() {
        let raw = b"From: a@b.example\nContent-Type: text/html; charset=iso-8859-1\n\n\
<html><head><style>p{color:red}</style><script>alert(1)</script></head>\
<body><h1>Bestellung</h1><p>Gr\xfc\xdfe &amp; danke</p><p>Zeile<br>zwei</p></body></html>";
        let m = parse_message(raw);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert!(m.body.contains("Bestellung"), "{}", m.body);
        assert!(m.body.contains("Grüße & danke"), "{}", m.body);
        assert!(
            !m.body.contains("color:red") && !m.body.contains("alert"),
            "{}",
            m.body
        );
        assert!(!m.body.contains('<'), "{}", m.body);
    }

    #[test]
    fn alternative_with_html_only_uses_html() {
        let raw = "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n   \n--b\nContent-Type: text/html\n\n<p>only html</p>\n--b--\n";
        assert_eq!(parse(raw).body, "only html");
    }

    #[test]
    fn attachments_are_listed() {
        let raw = "From: a@b.example\nSubject: photos\nContent-Type: multipart/mixed; boundary=\"=_outer\"\n\n\
--=_outer\nContent-Type: multipart/related; boundary=\"=_outer1\"\n\n\
--=_outer1\nContent-Type: text/plain\n\nSee attached.\n\
--=_outer1\nContent-Type: image/PNG; name=\"logo.png\"\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n\
--=_outer1--\n\
--=_outer\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"=?utf-8?q?Rechnung_M=C3=A4rz.pdf?=\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n\
--=_outer\nContent-Type: text/plain; name=\"notes.txt\"\nContent-Disposition: attachment; filename*=utf-8''..%2F..%2Fnotes%E2%80%AE.txt\n\nsome notes\n\
--=_outer\nContent-Type: message/rfc822\n\nSubject: Fwd: old order\nFrom: x@y.example\n\nold body\n\
--=_outer--\n";
        let m = parse(raw);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.body, "See attached.");
        let got: Vec<(&str, &str, u64)> = m
            .attachments
            .iter()
            .map(|a| (a.name.as_str(), a.mime.as_str(), a.size))
            .collect();
        assert_eq!(
            got,
            vec![
                ("logo.png", "image/png", 5),
                ("Rechnung März.pdf", "application/pdf", 9),
                (".._.._notes.txt", "text/plain", 10),
                ("Fwd: old order.eml", "message/rfc822", 51),
            ]
        );
    }

    #[test]
    fn missing_final_boundary_keeps_last_part() {
        let raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst\n--b\nContent-Type: text/plain\n\nsecond, cut off";
        let m = parse(raw);
        assert_eq!(m.body, "first\n\nsecond, cut off");
        assert!(
            has_problem(&m, "missing final boundary"),
            "{:?}",
            m.problems
        );
    }

    #[test]
    fn boundary_is_not_a_prefix_match() {
        let raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=b2\n\n--b2\n\ninner\n--b2--\n--b--\n";
        let m = parse(raw);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.body, "inner");
    }

    #[test]
    fn no_blank_line_after_headers() {
        let raw = "From: a@b.example\nSubject: hi\nHello, my order 1042 never came.\nThanks";
        let m = parse(raw);
        assert_eq!(m.subject, "hi");
        assert_eq!(m.body, "Hello, my order 1042 never came.\nThanks");
        assert!(has_problem(&m, "no blank line"), "{:?}", m.problems);
    }

    #[test]
    fn no_headers_at_all() {
        let m = parse("just some text\nmore\n");
        assert_eq!(m.body, "just some text\nmore");
        assert!(has_problem(&m, "no headers"));
    }

    #[test]
    fn bad_base64_keeps_what_decodes() {
        let raw = "Content-Transfer-Encoding: base64\n\naGVsbG8g!!d29y*bGQ=\n";
        let m = parse(raw);
        assert_eq!(m.body, "hello world");
        assert!(has_problem(&m, "bad base64"), "{:?}", m.problems);
    }

    #[test]
    fn unknown_charset_reads_utf8() {
        let raw = "Content-Type: text/plain; charset=x-klingon\n\nGrüße\n";
        let m = parse(raw);
        assert_eq!(m.body, "Grüße");
        assert!(
            has_problem(&m, "unknown charset \"x-klingon\""),
            "{:?}",
            m.problems
        );
    }

    #[test]
    fn charsets() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"Content-Type: text/plain; charset=iso-8859-1\n\nGr\xfc\xdfe",
                "Grüße",
            ),
            (
                b"Content-Type: text/plain; charset=windows-1252\n\n\x80 5",
                "€ 5",
            ),
            (
                b"Content-Type: text/plain; charset=\"UTF-8\"\n\nGr\xc3\xbc\xc3\x9fe",
                "Grüße",
            ),
            (
                b"Content-Type: text/plain; charset=us-ascii\n\nGr\xc3\xbc\xc3\x9fe",
                "Grüße",
            ),
            (b"Content-Type: text/plain\n\nGr\xfc\xdfe", "Grüße"),
            (
                b"Content-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4",
                "Привет",
            ),
            (
                b"Content-Type: text/plain; charset=shift_jis\n\n\x82\xa0",
                "あ",
            ),
            (
                b"Content-Type: text/plain; charset=utf-7\n\nHi +AOQ-",
                "Hi ä",
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(
                parse_message(raw).body,
                *want,
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn eight_bit_headers() {
        let raw = b"From: J\xc3\xbcrgen M\xc3\xbcller <jm@example.de>\nSubject: Gr\xfc\xdfe aus K\xf6ln\n\nx";
        let m = parse_message(raw);
        assert_eq!(m.from.unwrap().name.as_deref(), Some("Jürgen Müller"));
        assert_eq!(m.subject, "Grüße aus Köln");
    }

    #[test]
    fn encoded_word_names() {
        let raw = "From: =?iso-8859-1?q?Fran=E7ois_Dupont?= <fd@example.fr>\nTo: =?utf-8?b?TWFyw61hIEpvc8OpIEdhcmPDrWE=?= <mj@example.es>\n\nx";
        let m = parse(raw);
        assert_eq!(m.from.unwrap().name.as_deref(), Some("François Dupont"));
        assert_eq!(m.to[0].name.as_deref(), Some("María José García"));
    }

    #[test]
    fn garbage_addresses_are_tolerated() {
        let raw = "From: <<<>>> broken \"quote <jane@@example.com\nTo: undisclosed recipients\nCc: nobody\n\nx";
        let m = parse(raw);
        assert!(m.to.is_empty());
        assert!(!has_problem(&m, "To:"), "{:?}", m.problems);
        assert!(has_problem(&m, "Cc:"), "{:?}", m.problems);
        assert_eq!(m.body, "x");
    }

    #[test]
    fn deep_nesting_is_cut_off() {
        let mut raw = String::new();
        for i in 0..200 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
            ));
        }
        raw.push_str("Content-Type: text/plain\n\ndeep text\n");
        let m = parse(&raw);
        assert!(has_problem(&m, "nested deeper than 32"), "{:?}", m.problems);
        assert_eq!(m.body, "");

        // Ten thousand levels: mailparse::parse_mail would recurse once per level, unbounded.
        let mut raw = String::new();
        for i in 0..10_000 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
            ));
        }
        let m = parse(&raw);
        assert!(has_problem(&m, "nested deeper"));
    }

    #[test]
    fn deep_html_is_not_given_to_html2text() {
        let html = format!("{}text{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
        let m = parse(&format!("Content-Type: text/html\n\n{html}"));
        assert_eq!(m.body, "text");
        assert!(has_problem(&m, "nested too deeply"));
    }

    #[test]
    fn html_at_the_depth_limit_is_laid_out() {
        let n = MAX_HTML_DEPTH;
        let html = format!(
            "{}deep text{}",
            "<div><span>".repeat(n / 2),
            "</span></div>".repeat(n / 2)
        );
        let m = parse(&format!("Content-Type: text/html\n\n{html}"));
        assert_eq!(m.body, "deep text");
        assert!(m.problems.is_empty(), "{:?}", m.problems);
    }

    #[test]
    fn many_parts_are_capped() {
        let mut raw = String::from("Content-Type: multipart/mixed; boundary=b\n\n");
        for _ in 0..2000 {
            raw.push_str("--b\nContent-Type: image/gif\n\nGIF\n");
        }
        raw.push_str("--b--\n");
        let m = parse(&raw);
        assert!(m.attachments.len() < MAX_PARTS);
        assert!(has_problem(&m, "more than 500 MIME parts"));
    }

    #[test]
    fn empty_and_binary_input() {
        let m = parse_message(b"");
        assert_eq!(m.size, 0);
        assert!(has_problem(&m, "empty"));

        let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        let m = parse_message(&garbage);
        assert_eq!(m.size, 4096);
        assert!(m.subject.is_empty() || sanitize::is_clean_line(&m.subject));
        assert!(m.body.chars().all(|c| c == '\n' || !c.is_control()));
    }

    #[test]
    fn lone_cr_and_mbox_envelope() {
        let m =
            parse("From jane@example.com Mon Nov 24 08:00:00 2025\nSubject: a\rb\n\nbody\rline");
        assert_eq!(m.subject, "a b");
        assert_eq!(m.body, "body\nline");
    }

    #[test]
    fn multipart_without_boundary_or_delimiters() {
        let m = parse("Content-Type: multipart/mixed\n\nplain words");
        assert_eq!(m.body, "plain words");
        assert!(has_problem(&m, "without a boundary"));
        let m = parse("Content-Type: multipart/mixed; boundary=zz\n\nno delimiter here");
        assert_eq!(m.body, "no delimiter here");
        assert!(has_problem(&m, "no boundary line"));
    }

    #[test]
    fn bogus_content_type_is_text() {
        let m = parse("Content-Type: bogus\n\nhello");
        assert_eq!(m.body, "hello");
        assert!(has_problem(&m, "unknown content type"));
    }

    #[test]
    fn dates() {
        let m = parse("Date: yesterday-ish\n\nx");
        assert!(m.date.is_none());
        assert!(has_problem(&m, "Date:"));
        let m = parse("Date: 1 Jan 4294967295 00:00:00 +0000\n\nx");
        assert!(m.date.is_none());
        let refs: String = (0..40_000).map(|i| format!("<r{i}@x> ")).collect();
        let m = parse(&format!("References: {refs}\n\nx"));
        assert_eq!(m.references.len(), MAX_REFERENCES_KEPT);
        assert_eq!(m.references[0], "r0@x");
        assert_eq!(m.references[MAX_REFERENCES_KEPT - 1], "r39999@x");
        // The epoch is a valid date, not "unreadable".
        let m = parse("Date: Thu, 01 Jan 1970 00:00:00 +0000\n\nx");
        assert_eq!(m.date.unwrap().timestamp(), 0);
        assert!(!has_problem(&m, "Date:"), "{:?}", m.problems);
        let m = parse("Date: Thu, 01 Jan 1970 01:00:00 +0100 (CET)\n\nx");
        assert_eq!(m.date.unwrap().timestamp(), 0);
        let m = parse("Date: 0\n\nx");
        assert!(m.date.is_none());
        let m = parse("Date: Tue, 1 Jul 2025 10:00:00 +0200 (CEST)\n\nx");
        assert_eq!(m.date.unwrap().to_rfc3339(), "2025-07-01T08:00:00+00:00");
        let m =
            parse("Received: by x; garbage\nReceived: by y; Tue, 1 Jul 2025 10:00:00 +0000\n\nx");
        assert!(m.received_header_date.is_none());
    }

    #[test]
    fn msg_id_table() {
        let cases: &[(&str, &[&str])] = &[
            ("<a@b>", &["a@b"]),
            ("  <a.b+c@d.example>  ", &["a.b+c@d.example"]),
            ("<a@b> <c@d>", &["a@b", "c@d"]),
            ("<a@b><a@b>", &["a@b"]),
            ("a@b", &[]),
            ("<ab>", &[]),
            ("<@b>", &[]),
            ("<a@>", &[]),
            ("<a b@c>", &[]),
            ("<a@b@c>", &[]),
            ("<a\r\n@b>", &[]),
            ("<a\u{1b}@b>", &[]),
            ("<<a@b>", &["a@b"]),
            ("<a@b", &[]),
            ("(comment <x@y>) <a@b>", &["x@y", "a@b"]),
        ];
        for (input, want) in cases {
            assert_eq!(msg_ids(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn classification_is_filled() {
        let raw = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example>\nReturn-Path: <>\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n\
--r\nContent-Type: text/plain\n\nYour message could not be delivered.\n\
--r\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n--r--\n";
        let m = parse(raw);
        assert_eq!(m.headers.content_type, "multipart/report");
        assert_eq!(m.headers.report_type.as_deref(), Some("delivery-status"));
        assert_eq!(m.headers.return_path.as_deref(), Some(""));
        assert_eq!(m.auto_kind, Some(AutoKind::Bounce));
        assert_eq!(m.body, "Your message could not be delivered.");
        assert_eq!(m.attachments.len(), 1);

        let raw = "From: news@brand.example\nList-Unsubscribe: <mailto:u@brand.example>\nPrecedence: bulk\n\nSale!";
        let m = parse(raw);
        assert_eq!(m.headers.precedence.as_deref(), Some("bulk"));
        assert_eq!(m.auto_kind, Some(AutoKind::Bulk));

        let raw = "From: jane@example.com\nAuto-Submitted: auto-replied\n\nI am away.";
        assert_eq!(parse(raw).auto_kind, Some(AutoKind::AutoReply));
    }

    #[test]
    fn lenient_base64_table() {
        let cases: &[(&str, &str)] = &[
            ("aGVsbG8=", "hello"),
            ("aGVs\r\nbG8=", "hello"),
            ("aGVsbG8=aGVsbG8=", "hellohello"),
            ("aGV!sbG8", "hello"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(lenient_base64(input.as_bytes()), want.as_bytes(), "{input}");
        }
    }

    /// Thousands of randomly damaged messages: no panic, and every single-line field clean.
    #[test]
    fn mutated_messages_never_panic() {
        let seeds: &[&[u8]] = &[
            SIMPLE.as_bytes(),
            b"From: \"A\" <a@b.example>\nContent-Type: multipart/mixed; boundary=\"q\"\n\n--q\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\nPGI+aGk8L2I+\n--q\nContent-Type: application/pdf; name=x.pdf\nContent-Disposition: attachment; filename*=utf-8''%E2%80%AEx.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--q--\n",
            b"Subject: =?utf-8?b?G10wO3QHDQo=?=\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe=\n\n--a\nContent-Type: text/html\n\n<table><tr><td>x</td></tr></table>\n--a--\n",
        ];
        let mut rng = fastrand::Rng::with_seed(0x5eed_2025);
        let interesting: &[&[u8]] = &[
            b"\r\n",
            b"\n\n",
            b"--",
            b"--q",
            b"--a--",
            b"=?utf-8?b?",
            b"?=",
            b"\x1b[",
            b"\xc2\x9b",
            b"\xe2\x80\xae",
            b"<",
            b">",
            b"@",
            b";",
            b"boundary=",
            b"Content-Type: multipart/mixed; boundary=q\n",
            b"\x00",
            b"\xff\xfe",
            b"=",
            b"\t",
            b" ",
        ];
        for round in 0..3000 {
            let mut raw = seeds[round % seeds.len()].to_vec();
            for _ in 0..rng.usize(1..8) {
                let at = rng.usize(0..=raw.len());
                match rng.u8(0..4) {
                    0 => raw.insert(at, rng.u8(..)),
                    1 if !raw.is_empty() => {
                        let end = (at + rng.usize(0..20)).min(raw.len());
                        raw.drain(at.min(end)..end);
                    }
                    2 => {
                        let piece = interesting[rng.usize(0..interesting.len())];
                        raw.splice(at..at, piece.iter().copied());
                    }
                    _ => raw.truncate(at),
                }
            }
            let m = parse_message(&raw);
            let mut lines: Vec<&str> = vec![&m.subject];
            for a in m
                .from
                .iter()
                .chain(&m.to)
                .chain(&m.cc)
                .chain(m.reply_to.iter())
            {
                lines.push(&a.addr);
                lines.extend(a.name.as_deref());
            }
            for a in &m.attachments {
                lines.push(&a.name);
                lines.push(&a.mime);
                assert!(!a.name.contains('/'), "round {round}: {:?}", a.name);
            }
            lines.extend(m.message_id.as_deref());
            lines.extend(m.references.iter().map(String::as_str));
            lines.extend(m.problems.iter().map(String::as_str));
            for s in lines {
                assert!(sanitize::is_clean_line(s), "round {round}: {s:?}");
            }
            assert!(
                m.body.chars().all(|c| c == '\n' || !c.is_control()),
                "round {round}: control in body"
            );
            assert!(!m.body.contains('\u{202e}'), "round {round}: bidi in body");
            assert_eq!(m.size, raw.len() as u64);
            assert!(
                !has_problem(&m, "cannot parse this message"),
                "round {round} panicked"
            );
        }
    }
}
