//! The MIME tree walk: multipart splitting with strict boundary lines, per-part transfer and
//! charset decoding, and the depth and part limits that keep a hostile message harmless.

use mailparse::body::Body;
use mailparse::{
    parse_content_disposition, parse_content_type, parse_headers, DispositionType, MailHeader,
    MailHeaderMap, ParsedContentType,
};

use super::{line_end, split_header_block, MAX_DEPTH, MAX_PARTS};
use crate::mail::{sanitize, Attachment};

/// A piece of readable text found in the MIME tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Text {
    Plain(String),
    Html(String),
}

impl Text {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Text::Plain(s) | Text::Html(s) => s.trim().is_empty(),
        }
    }
}

pub(super) struct Walker {
    pub(super) problems: Vec<String>,
    pub(super) attachments: Vec<Attachment>,
    pub(super) parts: usize,
    /// Collects every HTML body part when `Some` (for [`super::html_parts`]).
    pub(super) html: Option<Vec<String>>,
    /// Collects each attachment's decoded bytes when `Some` (for [`super::attachment_parts`]).
    pub(super) bytes: Option<Vec<Vec<u8>>>,
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
    pub(super) fn entity(
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

        // Collecting HTML for [`super::html_parts`]: attachments are not decoded a second time.
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
pub(super) fn content_type(headers: &[MailHeader], in_digest: bool) -> ParsedContentType {
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

pub(super) fn lossy(bytes: &[u8]) -> String {
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

/// Base64 that keeps going: skips characters outside the alphabet (both the standard and the
/// URL-safe one), and treats `=` as the end of a quantum so concatenated chunks decode too.
pub(super) fn lenient_base64(input: &[u8]) -> Vec<u8> {
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
