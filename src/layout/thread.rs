//! A conversation laid out as lines for a terminal width: the drawing styles them, the app
//! counts them to scroll and page.

use super::{fit, wrap};
use crate::mail::sanitize;
use crate::store::{Flag, MessageRow};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

fn clean(s: &str) -> String {
    sanitize::line(s)
}

fn clean_text(s: &str) -> String {
    sanitize::body(s).replace('\n', " ")
}

/// One flag as a line: "⚠ SUSPICIOUS: the name "Tom Support" uses …".
pub fn flag_line(flag: &Flag) -> String {
    format!("⚠ {}: {}", flag.kind.badge(), clean(&flag.reason))
}

/// What a body line is, decided from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Text,
    /// "> …" lines and the "On … wrote:" line that introduces them.
    Quote,
    /// From the "-- " separator to the end of the message.
    Signature,
}

fn is_attribution(line: &str) -> bool {
    let t = line.trim();
    let lower = t.to_lowercase();
    (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("am ") && lower.contains(" schrieb") && lower.ends_with(':'))
        || (lower.starts_with("le ") && lower.contains(" a écrit") && lower.ends_with(':'))
        || lower.trim_matches('-').trim() == "original message"
}

/// Classifies each line of a body. Pure; the rules are the usual mail conventions.
pub fn classify_body(body: &str) -> Vec<(BodyKind, &str)> {
    let lines: Vec<&str> = body.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut in_sig = false;
    let mut in_original = false;
    for (i, line) in lines.iter().enumerate() {
        let kind = if in_sig {
            BodyKind::Signature
        } else if *line == "-- " || *line == "--" {
            in_sig = true;
            BodyKind::Signature
        } else if in_original || line.trim_start().starts_with('>') {
            BodyKind::Quote
        } else if is_attribution(line) {
            // Outlook's "-----Original Message-----" quotes everything after it, unmarked.
            if line.to_lowercase().contains("original message") {
                in_original = true;
            }
            BodyKind::Quote
        } else if line.trim_start().to_lowercase().starts_with("on ")
            && lines
                .get(i + 1)
                .is_some_and(|next| next.trim().eq_ignore_ascii_case("wrote:"))
        {
            // Attribution wrapped onto two lines by the sender's client.
            BodyKind::Quote
        } else if line.trim().eq_ignore_ascii_case("wrote:")
            && i > 0
            && out.last().is_some_and(|(k, _)| *k == BodyKind::Quote)
        {
            BodyKind::Quote
        } else {
            BodyKind::Text
        };
        out.push((kind, *line));
    }
    out
}

/// One laid-out line of the thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadLine {
    /// Who wrote, when: the first line of each message.
    Header {
        shop: bool,
        text: String,
    },
    /// To/Cc and similar details under the header.
    Meta(String),
    Body {
        kind: BodyKind,
        shop: bool,
        text: String,
    },
    /// A folded run of quoted text or a signature.
    Folded {
        text: String,
    },
    Attachment(String),
    /// Problems met while parsing the message.
    Problem(String),
    /// A flag that warns (suspicious sender, bounced reply, …), above the thread.
    Warning(String),
    /// One of the owner's notes about the customer, above the thread.
    Note(String),
    Blank,
}

impl ThreadLine {
    /// The line's text as drawn (find searches it).
    pub fn text(&self) -> &str {
        match self {
            ThreadLine::Header { text, .. }
            | ThreadLine::Body { text, .. }
            | ThreadLine::Folded { text } => text,
            ThreadLine::Meta(t)
            | ThreadLine::Attachment(t)
            | ThreadLine::Problem(t)
            | ThreadLine::Warning(t)
            | ThreadLine::Note(t) => t,
            ThreadLine::Blank => "",
        }
    }
}

fn who(m: &MessageRow) -> String {
    match &m.from {
        Some(a) => match &a.name {
            Some(n) if !n.trim().is_empty() => format!("{} <{}>", clean(n), clean(&a.addr)),
            _ => clean(&a.addr),
        },
        None => "(no sender)".to_string(),
    }
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", b.div_ceil(1024)),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Lays out the thread for a terminal `width` columns wide. Message times read as everywhere
/// else (`human_time::moment`): the year shows only when it is not the current one at `now`.
pub fn thread_lines(
    flags: &[Flag],
    notes: &[crate::store::Note],
    messages: &[MessageRow],
    show_quoted: bool,
    width: u16,
    now: DateTime<Utc>,
    tz: Tz,
) -> Vec<ThreadLine> {
    let width = usize::from(width.max(10));
    let mut out = Vec::new();
    for f in flags {
        for l in wrap(&flag_line(f), width) {
            out.push(ThreadLine::Warning(l));
        }
    }
    // Warning notes are flags (above); the ordinary ones follow, calmer.
    let mut notes = notes.iter().filter(|n| !n.warning).peekable();
    let has_notes = notes.peek().is_some();
    for n in notes {
        for l in wrap(&format!("✎ {}", clean(&n.text)), width) {
            out.push(ThreadLine::Note(l));
        }
    }
    if !flags.is_empty() || has_notes {
        out.push(ThreadLine::Blank);
    }
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            out.push(ThreadLine::Blank);
        }
        let marker = if m.is_shop { "◆ You" } else { "●" };
        let when = crate::human_time::moment(m.received_at, now, tz);
        let head = if m.is_shop {
            format!("{marker} ({}) · {when}", who(m))
        } else {
            format!("{marker} {} · {when}", who(m))
        };
        for l in wrap(&head, width) {
            out.push(ThreadLine::Header {
                shop: m.is_shop,
                text: l,
            });
        }
        let to: Vec<String> =
            m.to.iter()
                .chain(m.cc.iter())
                .map(|a| clean(&a.addr))
                .collect();
        if !to.is_empty() {
            out.push(ThreadLine::Meta(fit(
                &format!("  to {}", to.join(", ")),
                width,
            )));
        }
        if m.removed_at.is_some() {
            out.push(ThreadLine::Meta(fit(
                "  removed on the server (deleted or moved elsewhere); kept here as history",
                width,
            )));
        }
        // Shop messages are indented so the two sides read apart even without colour.
        let indent = if m.is_shop { "  " } else { "" };
        let body_width = width.saturating_sub(indent.len()).max(1);
        let classified = classify_body(&m.body);
        let last_text = classified
            .iter()
            .rposition(|(k, l)| *k == BodyKind::Text && !l.trim().is_empty());
        let mut j = 0;
        while let Some(&(kind, line)) = classified.get(j) {
            if kind != BodyKind::Text && !show_quoted {
                let start = j;
                while classified.get(j).is_some_and(|c| c.0 == kind) {
                    j += 1;
                }
                let n = j - start;
                let what = match kind {
                    BodyKind::Signature => "signature".to_string(),
                    _ if n == 1 => "1 quoted line".to_string(),
                    _ => format!("{n} quoted lines"),
                };
                out.push(ThreadLine::Folded {
                    text: fit(&format!("{indent}┆ {what} (z shows)"), width),
                });
                continue;
            }
            // Trailing blank lines add nothing.
            if kind == BodyKind::Text && line.trim().is_empty() && last_text.is_none_or(|l| j > l) {
                j += 1;
                continue;
            }
            for w in wrap(&clean_text(line), body_width) {
                out.push(ThreadLine::Body {
                    kind,
                    shop: m.is_shop,
                    text: format!("{indent}{w}"),
                });
            }
            j += 1;
        }
        for a in &m.attachments {
            let name = if a.name.is_empty() {
                "(unnamed)".to_string()
            } else {
                clean(&a.name)
            };
            let text = format!(
                "{indent}[attachment] {name} ({}, {})",
                clean(&a.mime),
                human_size(a.size)
            );
            out.push(ThreadLine::Attachment(fit(&text, width)));
        }
        for p in &m.problems {
            out.push(ThreadLine::Problem(fit(
                &format!("{indent}[problem] {}", clean(p)),
                width,
            )));
        }
    }
    out
}

/// Line index of the newest message's header, where a thread opens.
pub fn last_message_line(lines: &[ThreadLine]) -> usize {
    lines
        .iter()
        .rposition(|l| matches!(l, ThreadLine::Header { .. }))
        .map(|i| {
            // Step back over a multi-line header.
            let mut i = i;
            while i > 0 && matches!(lines.get(i - 1), Some(ThreadLine::Header { .. })) {
                i -= 1;
            }
            i
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_quotes_attributions_and_signatures() {
        let body = "Hi,\nwhere is my order?\n\nOn Mon, 16 Nov 2026, Shop <shop@x.com> wrote:\n> We shipped it.\n>> Earlier\nThanks\n-- \nJohn\n555-1234";
        let kinds: Vec<BodyKind> = classify_body(body).into_iter().map(|(k, _)| k).collect();
        use BodyKind::*;
        assert_eq!(
            kinds,
            vec![Text, Text, Text, Quote, Quote, Quote, Text, Signature, Signature, Signature]
        );
    }

    #[test]
    fn classifies_wrapped_attribution_and_outlook_original() {
        use BodyKind::*;
        let wrapped = "Ok\nOn Mon, 16 Nov 2026 at 09:00, Shop <shop@x.com>\nwrote:\n> hi";
        let kinds: Vec<BodyKind> = classify_body(wrapped).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, vec![Text, Quote, Quote, Quote]);
        let outlook = "Thanks\n-----Original Message-----\nFrom: Shop\nSubject: x";
        let kinds: Vec<BodyKind> = classify_body(outlook).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, vec![Text, Quote, Quote, Quote]);
        let german = "Danke\nAm 16.11.2026 um 09:00 schrieb Shop <shop@x.com>:\n> hallo";
        let kinds: Vec<BodyKind> = classify_body(german).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, vec![Text, Quote, Quote]);
    }

    #[test]
    fn dashes_inside_text_are_not_a_signature() {
        let kinds: Vec<BodyKind> = classify_body("a -- b\n--x\nc")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(kinds, vec![BodyKind::Text; 3]);
    }

    fn message(at: &str, is_shop: bool) -> MessageRow {
        MessageRow {
            id: 1,
            conversation_id: 1,
            location: crate::store::Location::new("INBOX", 1, 1),
            message_id: None,
            in_reply_to: None,
            references: vec![],
            from: None,
            to: vec![],
            cc: vec![],
            reply_to: None,
            subject: "Order".into(),
            date: None,
            received_at: at.parse().unwrap(),
            body: "Hello".into(),
            attachments: vec![],
            flags: vec![],
            size: 5,
            is_shop,
            auto_kind: None,
            problems: vec![],
            removed_at: None,
        }
    }

    /// Headers read like the inbox and the CLI: the year only when it is not the current one,
    /// in the shop's zone, relative to the clock's `now`.
    #[test]
    fn message_headers_show_the_year_only_when_it_is_not_the_current_one() {
        let berlin = chrono_tz::Europe::Berlin;
        let now: DateTime<Utc> = "2026-11-19T15:00:00Z".parse().unwrap();
        let messages = [
            message("2025-12-30T09:00:00Z", false),
            message("2026-01-02T10:00:00Z", true),
            // Already 1 Jan 2027 in Berlin.
            message("2026-12-31T23:30:00Z", false),
        ];
        let headers: Vec<String> = thread_lines(&[], &[], &messages, false, 80, now, berlin)
            .into_iter()
            .filter_map(|l| match l {
                ThreadLine::Header { text, .. } => Some(text),
                _ => None,
            })
            .collect();
        assert_eq!(
            headers,
            [
                "● (no sender) · Tue 30 Dec 2025 10:00",
                "◆ You ((no sender)) · Fri 2 Jan 11:00",
                "● (no sender) · Fri 1 Jan 2027 00:30",
            ]
        );
        // A year on, the same thread shows every year.
        let later: DateTime<Utc> = "2027-03-01T12:00:00Z".parse().unwrap();
        let text: Vec<String> = thread_lines(&[], &[], &messages, false, 80, later, berlin)
            .iter()
            .map(|l| l.text().to_string())
            .collect();
        assert!(text.contains(&"◆ You ((no sender)) · Fri 2 Jan 2026 11:00".to_string()));
        assert!(text.contains(&"● (no sender) · Fri 1 Jan 00:30".to_string()));
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(500), "500 B");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
    }
}
