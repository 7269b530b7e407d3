//! Delivery failure reports: which address failed, why, and which message it was. A bounce
//! of one of the shop's replies brings its conversation back: the store matches it only by the
//! original Message-ID inside the report, and only to a message the shop sent to the address
//! that failed. Anyone can write "delivery failed"; only the shop's provider could have the
//! shop's own Message-ID.
//!
//! Reads RFC 3464 reports (`multipart/report; report-type=delivery-status`, as Postfix and
//! modern Exim send them) and the common plain-text formats (Exim's "The following address(es)
//! failed", Postfix's "<addr>: host … said: 550 …"). Works on the raw text, unfolding header
//! continuations, so it needs no MIME walk. Pure; never panics.

use regex::Regex;
use std::sync::LazyLock;

/// A permanent delivery failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The address that failed, lower-case.
    pub recipient: String,
    /// The enhanced status code when given ("5.1.1").
    pub status: Option<String>,
    /// Why, in plain words ("address does not exist").
    pub reason: String,
    /// Message-ID of the undelivered message (without brackets), when the report carries it.
    pub original_message_id: Option<String>,
    /// Subject of the undelivered message, when the report carries it.
    pub original_subject: Option<String>,
    /// A corrected address for a common domain typo (`gmial.com` → `gmail.com`).
    pub suggestion: Option<String>,
}

impl Bounce {
    /// "your reply to sarah.kowalski@gmial.com bounced: address does not exist; did you mean
    /// sarah.kowalski@gmail.com?"
    pub fn summary(&self) -> String {
        let mut s = format!("your reply to {} bounced: {}", self.recipient, self.reason);
        if let Some(fix) = &self.suggestion {
            s.push_str(&format!("; did you mean {fix}?"));
        }
        s
    }
}

static ADDR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+").ok());
static STATUS: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b").ok());

/// Header-style lines of the text with continuations joined ("Diagnostic-Code: …\n more").
fn unfolded(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            if let Some(last) = out.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
                continue;
            }
        }
        out.push(line.to_string());
    }
    out
}

fn field<'a>(lines: &'a [String], name: &str) -> Option<&'a str> {
    lines.iter().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn first_addr(s: &str) -> Option<String> {
    ADDR.as_ref()?
        .find(s)
        .map(|m| m.as_str().trim_matches('\'').to_lowercase())
}

/// The parts of an RFC 3464 report: the delivery-status text and the returned message's
/// headers. `None` when `raw` is not a `multipart/report`.
struct ReportParts {
    status: String,
    /// Headers of the `message/rfc822` or `text/rfc822-headers` part, when there is one.
    returned: Option<String>,
}

fn report_parts(raw: &[u8]) -> Option<ReportParts> {
    let mail = mailparse::parse_mail(raw).ok()?;
    if !mail.ctype.mimetype.eq_ignore_ascii_case("multipart/report") {
        return None;
    }
    let mut out = ReportParts {
        status: String::new(),
        returned: None,
    };
    // Depth-first over the report's parts, bounded: a report is a few parts deep at most.
    let mut stack: Vec<(&mailparse::ParsedMail<'_>, usize)> = vec![(&mail, 0)];
    let mut seen = 0usize;
    while let Some((part, depth)) = stack.pop() {
        seen += 1;
        if seen > 64 {
            break;
        }
        let mime = part.ctype.mimetype.to_ascii_lowercase();
        match mime.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                if let Ok(b) = part.get_body_raw() {
                    out.status.push_str(&String::from_utf8_lossy(&b));
                    out.status.push('\n');
                }
            }
            "message/rfc822"
            | "text/rfc822-headers"
            | "message/rfc822-headers"
            | "message/global"
            | "message/global-headers"
                if out.returned.is_none() =>
            {
                if let Ok(b) = part.get_body_raw() {
                    let text = String::from_utf8_lossy(&b).into_owned();
                    let head = split_head(&text).0.to_string();
                    out.returned = Some(if head.is_empty() { text } else { head });
                }
            }
            _ if depth < 3 => {
                for sub in part.subparts.iter().rev() {
                    stack.push((sub, depth + 1));
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// Read a bounce out of a raw message that was classified as one. `None` when it is not a
/// permanent failure report (a delay warning, a read receipt, a success notice).
///
/// The returned message's Message-ID comes from the report's own parts: the `message/rfc822`
/// or `text/rfc822-headers` part of an RFC 3464 report (never from its human-readable text),
/// or the quoted headers of a plain-text bounce.
pub fn parse(raw: &[u8]) -> Option<Bounce> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = split_head(&text);
    let report = report_parts(raw);
    let lines = match &report {
        Some(r) if !r.status.trim().is_empty() => unfolded(&r.status),
        _ => unfolded(body),
    };
    let returned_lines = match &report {
        Some(r) => unfolded(r.returned.as_deref().unwrap_or("")),
        None => unfolded(body),
    };
    let head_lines = unfolded(head);

    let action = field(&lines, "Action").map(|a| a.to_lowercase());
    if action.as_deref().is_some_and(|a| !a.starts_with("failed")) {
        return None;
    }
    let diagnostic = field(&lines, "Diagnostic-Code").map(str::to_string);
    let status = field(&lines, "Status")
        .and_then(|s| STATUS.as_ref()?.find(s).map(|m| m.as_str().to_string()))
        .or_else(|| {
            diagnostic
                .as_deref()
                .and_then(|d| STATUS.as_ref()?.find(d).map(|m| m.as_str().to_string()))
        });
    if status.as_deref().is_some_and(|s| s.starts_with('2')) {
        return None;
    }
    let body_lines = unfolded(body);
    let recipient = field(&lines, "Final-Recipient")
        .or_else(|| field(&lines, "Original-Recipient"))
        .and_then(|v| first_addr(v.split_once(';').map(|(_, a)| a).unwrap_or(v)))
        .or_else(|| plain_text_recipient(&body_lines))?;

    // The returned message's headers: the first Message-ID / Subject after the report's own.
    let original_message_id = field(&returned_lines, "Message-ID")
        .and_then(|v| super::parse::msg_ids(v).into_iter().next())
        .filter(|id| {
            field(&head_lines, "Message-ID")
                .and_then(|v| super::parse::msg_ids(v).into_iter().next())
                .as_deref()
                != Some(id.as_str())
        });
    let original_subject = field(&returned_lines, "Subject").map(super::sanitize::line);
    let detail = diagnostic.unwrap_or_else(|| plain_text_reason(&body_lines, &recipient));
    let reason = reason_for(status.as_deref(), &detail).to_string();
    Some(Bounce {
        suggestion: suggest(&recipient),
        recipient,
        status,
        reason,
        original_message_id,
        original_subject,
    })
}

fn split_head(text: &str) -> (&str, &str) {
    for sep in ["\r\n\r\n", "\n\n"] {
        if let Some(i) = text.find(sep) {
            return (&text[..i], &text[i + sep.len()..]);
        }
    }
    (text, "")
}

/// Exim: the address on the line after "… failed:"; Postfix: a line "<addr>: host … said".
fn plain_text_recipient(lines: &[String]) -> Option<String> {
    for (i, l) in lines.iter().enumerate() {
        let lower = l.to_lowercase();
        if lower.contains("failed:") || lower.contains("could not be delivered to") {
            if let Some(a) = lines
                .iter()
                .skip(i + 1)
                .map(|l| l.trim())
                .find(|l| !l.is_empty())
                .and_then(first_addr)
            {
                return Some(a);
            }
        }
        let t = l.trim_start();
        if t.starts_with('<') && t.contains(">:") {
            if let Some(a) = first_addr(t) {
                return Some(a);
            }
        }
    }
    None
}

/// The text near the failed address, for the plain words.
fn plain_text_reason(lines: &[String], recipient: &str) -> String {
    let Some(i) = lines
        .iter()
        .position(|l| l.to_lowercase().contains(recipient))
    else {
        return String::new();
    };
    lines
        .iter()
        .skip(i)
        .take(4)
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plain words for the status code and the server's diagnostic text.
pub fn reason_for(status: Option<&str>, detail: &str) -> &'static str {
    let d = detail.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| d.contains(w));
    match status {
        Some("5.1.1" | "5.1.0" | "5.1.2" | "5.1.3" | "5.1.6" | "5.1.10") => {
            return "address does not exist"
        }
        Some("5.2.2" | "4.2.2") => return "the mailbox is full",
        Some("5.2.1") => return "the mailbox is disabled",
        _ => {}
    }
    if has(&[
        "user unknown",
        "unknown user",
        "no such user",
        "does not exist",
        "not found",
        "name or service not known",
        "no mailbox",
        "unrouteable",
        "unknown recipient",
        "recipient address rejected",
        "invalid recipient",
    ]) {
        "address does not exist"
    } else if has(&["quota", "mailbox full", "mailbox is full", "over quota"]) {
        "the mailbox is full"
    } else if status.is_some_and(|s| s.starts_with("5.7")) || has(&["spam", "blocked", "policy"]) {
        "the recipient's server refused it"
    } else if status.is_some_and(|s| s.starts_with('4')) {
        "the recipient's server kept failing, delivery was given up"
    } else {
        "it could not be delivered"
    }
}

/// Domains people mean when they mistype one.
const COMMON_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.de",
    "hotmail.co.uk",
    "outlook.com",
    "outlook.de",
    "live.com",
    "yahoo.com",
    "yahoo.de",
    "yahoo.co.uk",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "t-online.de",
    "protonmail.com",
    "proton.me",
];

/// A corrected address when the domain is one edit (two for long domains) from a common mail
/// domain and is not itself one: `sarah@gmial.com` → `sarah@gmail.com`.
pub fn suggest(addr: &str) -> Option<String> {
    let (local, domain) = addr.rsplit_once('@')?;
    let domain = domain.trim().to_lowercase();
    if domain.is_empty() || COMMON_DOMAINS.contains(&domain.as_str()) {
        return None;
    }
    let limit = if domain.len() >= 9 { 2 } else { 1 };
    let mut best: Option<(usize, &str)> = None;
    let mut tie = false;
    for cand in COMMON_DOMAINS {
        let d = strsim::damerau_levenshtein(&domain, cand);
        if d > limit {
            continue;
        }
        match best {
            Some((b, _)) if d > b => {}
            Some((b, _)) if d == b => tie = true,
            _ => {
                best = Some((d, cand));
                tie = false;
            }
        }
    }
    match (best, tie) {
        (Some((_, d)), false) => Some(format!("{local}@{d}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
