//! Building the reply as RFC 5322 bytes. Pure: the clock and randomness come in as arguments.
//!
//! Every value that came from a customer message (names, addresses, subject, message-ids) is
//! cleaned before it reaches a header: lettre panics on CR/LF in a display name, and an
//! encoded-word in a hostile message can decode into CR/LF or terminal escapes.

use std::str::FromStr;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::message::header::{
    ContentTransferEncoding, ContentType, HeaderName, HeaderValue, MIME_VERSION_1_0,
};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::attachment::OutgoingAttachment;
use crate::mail::Address;

/// Who the shop is, as far as outgoing mail is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopIdentity {
    pub shop_name: String,
    pub owner_name: String,
    /// Multi-line signature from the config ("" → owner and shop name).
    pub signature: String,
    /// The shop's own addresses, lower-case; the first one sends replies.
    pub addresses: Vec<String>,
    /// The display name of replies as the owner wants it (`[shop] from_name`, or the default
    /// in the shop's language); `None`: "{owner} from {shop}".
    pub from_name: Option<String>,
}

impl ShopIdentity {
    /// The address replies are sent from.
    pub fn from_address(&self) -> Option<&str> {
        self.addresses.first().map(String::as_str)
    }

    /// The display name on outgoing mail: "Tom from Alphx", or whichever of the two is set.
    pub fn display_name(&self) -> String {
        if let Some(name) = self.from_name.as_deref().filter(|n| !n.trim().is_empty()) {
            return crate::mail::sanitize::line(name.trim());
        }
        match (self.owner_name.trim(), self.shop_name.trim()) {
            ("", "") => String::new(),
            (o, "") => o.to_string(),
            ("", s) => s.to_string(),
            (o, s) => format!("{o} from {s}"),
        }
    }
}

/// The customer message being answered, reduced to what a reply needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Original {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// References of the original, oldest first, without brackets.
    pub references: Vec<String>,
    /// In-Reply-To of the original (without brackets): the parent's parent. Used in the reply's
    /// References when the original has no References of its own (RFC 5322 §3.6.4).
    pub in_reply_to: Option<String>,
    pub from: Option<Address>,
    pub reply_to: Option<Address>,
    pub subject: String,
    /// The Date header, or when it arrived.
    pub date: DateTime<Utc>,
    /// Readable text of the original, quoted below the reply.
    pub body: String,
}

/// A finished reply, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// The recipient's address (envelope and To).
    pub to: String,
    /// The shop address used as From and envelope sender.
    pub from: String,
    pub subject: String,
    /// The original's Message-ID (without brackets) when it was well-formed.
    pub in_reply_to: Option<String>,
    /// The complete message, CRLF line endings, not dot-stuffed.
    pub raw: Vec<u8>,
}

/// Why a reply cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("cannot reply: the message has no sender address to reply to")]
    NoRecipient,
    #[error("cannot reply to \"{addr}\": it is not a valid email address")]
    BadRecipient {
        addr: String,
        #[source]
        source: lettre::address::AddressError,
    },
    #[error("cannot send from \"{addr}\": set a valid address in [shop] addresses in the config")]
    BadShopAddress { addr: String },
    #[error("cannot build the reply message")]
    Build(#[source] lettre::error::Error),
}

/// How many msg-ids a References header keeps. Long threads keep the first (the root) and
/// the most recent ones, as RFC 5322 §3.6.4 suggests trimming from the middle.
pub const MAX_REFERENCES: usize = 20;

/// Longest quote kept below a reply, in lines; the rest is summarized.
pub const MAX_QUOTED_LINES: usize = 400;

// Moved to `mail` (issue 25) so that templates can use them without reaching up into `send`.
pub use crate::mail::header::{header_text, reply_subject};

/// True for a msg-id (without brackets) that is safe to put back into a header:
/// `id-left@id-right`, printable ASCII, no spaces, brackets or a second `@`.
pub fn is_valid_msg_id(id: &str) -> bool {
    let Some((left, right)) = id.split_once('@') else {
        return false;
    };
    !left.is_empty()
        && !right.is_empty()
        && id.len() <= 250
        && !right.contains('@')
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\' | b','))
}

/// The References of a reply: the original's References (or, when it has none, its
/// In-Reply-To, as RFC 5322 §3.6.4 says) plus its Message-ID, valid ids only, no duplicates,
/// trimmed to [`MAX_REFERENCES`] keeping the root and the newest.
pub fn reply_references(original: &Original) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let parents: Vec<String> = if original.references.is_empty() {
        original.in_reply_to.iter().cloned().collect()
    } else {
        original.references.clone()
    };
    for id in parents
        .iter()
        .chain(original.message_id.iter())
        .map(|s| s.trim().trim_start_matches('<').trim_end_matches('>'))
    {
        if is_valid_msg_id(id) && !ids.iter().any(|x| x == id) {
            ids.push(id.to_string());
        }
    }
    if ids.len() > MAX_REFERENCES {
        let tail = ids.split_off(ids.len() - (MAX_REFERENCES - 1));
        ids.truncate(1);
        ids.extend(tail);
    }
    ids
}

/// Who the reply goes to: Reply-To when the customer set one, else From.
pub fn reply_recipient(original: &Original) -> Option<&Address> {
    original
        .reply_to
        .as_ref()
        .filter(|a| !a.addr.trim().is_empty())
        .or(original.from.as_ref().filter(|a| !a.addr.trim().is_empty()))
}

/// The attribution line and the quoted original, as it appears below the reply:
/// "On Mon 24 Nov 2026 at 10:03, John Smith wrote:" then "> " lines. Times are in the shop's
/// zone because the owner reads and writes in it.
pub fn quote(original: &Original, tz: Tz) -> String {
    quote_with(original, tz, &|when, who| {
        format!("On {}, {who} wrote:", when.format("%a %-d %b %Y at %H:%M"))
    })
}

/// [`quote`] with the line above the quote ("On … wrote:") written by `attribution` from the
/// original's date in `tz` and the sender's name, so that a reply in another language
/// introduces the quote in that language.
pub fn quote_with(
    original: &Original,
    tz: Tz,
    attribution: &dyn Fn(chrono::DateTime<Tz>, &str) -> String,
) -> String {
    let who = original
        .from
        .as_ref()
        .map(|a| match a.name.as_deref().map(header_text) {
            Some(n) if !n.is_empty() => n,
            _ => header_text(&a.addr),
        })
        .unwrap_or_else(|| "you".to_string());
    let mut out = attribution(original.date.with_timezone(&tz), &who);
    out.push('\n');
    let body = crate::mail::sanitize::body(&original.body);
    let lines: Vec<&str> = body.trim_end().lines().collect();
    for line in lines.iter().take(MAX_QUOTED_LINES) {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str(">\n");
        } else if line.starts_with('>') {
            out.push('>');
            out.push_str(line);
            out.push('\n');
        } else {
            out.push_str("> ");
            out.push_str(line);
            out.push('\n');
        }
    }
    if lines.len() > MAX_QUOTED_LINES {
        out.push_str(&format!(
            "> [… {} more lines]\n",
            lines.len() - MAX_QUOTED_LINES
        ));
    }
    out
}

/// The full text the owner reviews or edits: the reply, a blank line, the quoted original.
pub fn reply_text(reply_body: &str, original: &Original, tz: Tz) -> String {
    format!("{}\n\n{}", reply_body.trim_end(), quote(original, tz))
}

/// [`reply_text`] with the quote introduced by `attribution` (see [`quote_with`]).
pub fn reply_text_with(
    reply_body: &str,
    original: &Original,
    tz: Tz,
    attribution: &dyn Fn(chrono::DateTime<Tz>, &str) -> String,
) -> String {
    format!(
        "{}\n\n{}",
        reply_body.trim_end(),
        quote_with(original, tz, attribution)
    )
}

/// A new Message-ID on the shop's domain (without brackets), unique enough to never collide:
/// time in milliseconds plus 96 random bits.
pub fn new_message_id(shop_addr: &str, now: DateTime<Utc>, rng: &mut fastrand::Rng) -> String {
    let domain = shop_addr
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_graphic() && b != b'>'))
        .unwrap_or("shopinbox.invalid");
    format!(
        "{:x}.{:016x}{:08x}@{}",
        now.timestamp_millis(),
        rng.u64(..),
        rng.u32(..),
        domain.to_ascii_lowercase()
    )
}

/// A lettre mailbox built without panicking: the display name is header-cleaned (lettre's
/// encoder handles quoting and non-ASCII), the address is validated.
pub fn mailbox(name: Option<&str>, addr: &str) -> Result<Mailbox, lettre::address::AddressError> {
    let address = lettre::Address::from_str(addr.trim())?;
    let name = name
        .map(|n| fold::cap(&header_text(n), fold::MAX_NAME_CHARS))
        .filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

/// Builds the reply. `text` is the complete body (reply plus quote), as the owner approved it.
pub fn compose(
    shop: &ShopIdentity,
    original: &Original,
    subject: &str,
    text: &str,
    now: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Result<Composed, ComposeError> {
    compose_with(shop, original, subject, text, &[], now, rng)
}

/// [`compose`] with files attached: then the message is `multipart/mixed`, the text first,
/// each file as a base64 part with its `Content-Type` and a `Content-Disposition: attachment`
/// whose file name is RFC 2231-encoded when it is not plain ASCII.
pub fn compose_with(
    shop: &ShopIdentity,
    original: &Original,
    subject: &str,
    text: &str,
    attachments: &[OutgoingAttachment],
    now: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Result<Composed, ComposeError> {
    let shop_addr = shop.from_address().unwrap_or_default().to_string();
    let from = mailbox(Some(&shop.display_name()), &shop_addr).map_err(|_| {
        ComposeError::BadShopAddress {
            addr: header_text(&shop_addr),
        }
    })?;
    let recipient = reply_recipient(original).ok_or(ComposeError::NoRecipient)?;
    let to = mailbox(recipient.name.as_deref(), &recipient.addr).map_err(|source| {
        ComposeError::BadRecipient {
            addr: header_text(&recipient.addr),
            source,
        }
    })?;
    let subject = match header_text(subject) {
        s if s.is_empty() => reply_subject(&original.subject),
        s => s,
    };
    let subject = fold::cap(&subject, fold::MAX_SUBJECT_CHARS);
    let message_id = new_message_id(&shop_addr, now, rng);
    let in_reply_to = original
        .message_id
        .as_deref()
        .map(|s| s.trim().trim_start_matches('<').trim_end_matches('>'))
        .filter(|id| is_valid_msg_id(id))
        .map(str::to_string);
    let references = reply_references(original);

    // The Subject is added after building, folded by `fold::unstructured` (lettre leaves a
    // long word unfolded, and a line over 998 octets is refused by SMTP servers).
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to.clone())
        .message_id(Some(format!("<{message_id}>")))
        .date(SystemTime::from(now))
        .header(MIME_VERSION_1_0);
    // With files the multipart body brings its own Content-Type.
    if attachments.is_empty() {
        builder = builder.header(ContentType::TEXT_PLAIN);
    }
    builder = builder.user_agent(format!("shopinbox {}", env!("CARGO_PKG_VERSION")));
    if let Some(id) = &in_reply_to {
        builder = builder.in_reply_to(format!("<{id}>"));
    }
    if !references.is_empty() {
        builder = builder.references(
            references
                .iter()
                .map(|r| format!("<{r}>"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    let body = normalize_body(text);
    let mut message = if attachments.is_empty() {
        builder.body(body).map_err(ComposeError::Build)?
    } else {
        let mut mixed = MultiPart::mixed().singlepart(SinglePart::plain(body));
        for a in attachments {
            let ctype = ContentType::parse(&a.mime).unwrap_or_else(|_| {
                ContentType::parse("application/octet-stream").unwrap_or(ContentType::TEXT_PLAIN)
            });
            let part = lettre::message::Attachment::new(attachment_name(&a.name)).body(
                Body::new_with_encoding(a.bytes.to_vec(), ContentTransferEncoding::Base64)
                    .unwrap_or_else(Body::new),
                ctype,
            );
            mixed = mixed.singlepart(part);
        }
        builder.multipart(mixed).map_err(ComposeError::Build)?
    };
    message
        .headers_mut()
        .insert_raw(HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("Subject"),
            subject.clone(),
            fold::unstructured("Subject", &subject),
        ));
    Ok(Composed {
        message_id,
        to: to.email.to_string(),
        from: from.email.to_string(),
        subject,
        in_reply_to,
        raw: message.formatted(),
    })
}

/// Longest attachment file name sent, in characters (RFC 2231 continues long names).
const MAX_FILE_NAME_CHARS: usize = 150;

/// A file name safe for the Content-Disposition header: no folders, no controls, never empty.
fn attachment_name(name: &str) -> String {
    let name = header_text(&crate::mail::sanitize::filename(name)).replace('"', "'");
    let name = fold::cap(&name, MAX_FILE_NAME_CHARS);
    if name.trim().is_empty() {
        "attachment".to_string()
    } else {
        name
    }
}

/// Body text as sent: LF line ends (lettre makes CRLF), no stray controls except tabs, one
/// final newline.
fn normalize_body(text: &str) -> String {
    let mut out: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

mod fold;
pub use fold::{MAX_NAME_CHARS, MAX_SUBJECT_CHARS};

#[cfg(test)]
mod tests;
