//! A composed reply as a person reads it: headers decoded (`=?utf-8?b?…?=` becomes the name,
//! quoted-printable becomes the text), MIME plumbing left out. `shopinbox reply` prints this
//! by default and the RFC 5322 form with `--raw`. Every value passes the sanitizer: names,
//! the subject and the quote came from a customer's message.

use crate::mail::sanitize;
use mailparse::{addrparse_header, MailAddr, MailHeader, ParsedMail};

/// Headers in the order a person reads them; address headers are shown as "Name <addr>".
const SHOWN: [&str; 9] = [
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Subject",
    "Date",
    "In-Reply-To",
    "References",
    "Message-ID",
];
const ADDRESSES: [&str; 4] = ["From", "To", "Cc", "Reply-To"];
/// How the message is encoded: nothing a person needs to read.
const PLUMBING: [&str; 4] = [
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
];

fn addresses(h: &MailHeader) -> String {
    let Ok(list) = addrparse_header(h) else {
        return h.get_value();
    };
    let one = |s: &mailparse::SingleInfo| match &s.display_name {
        Some(n) if !n.trim().is_empty() => format!("{n} <{}>", s.addr),
        _ => s.addr.clone(),
    };
    list.iter()
        .flat_map(|a| match a {
            MailAddr::Single(s) => vec![one(s)],
            MailAddr::Group(g) => g.addrs.iter().map(one).collect(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn header_line(h: &MailHeader) -> String {
    let key = h.get_key();
    let value = if ADDRESSES.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
        addresses(h)
    } else {
        h.get_value()
    };
    format!("{key}: {}", sanitize::line(&value))
}

/// The text of the message: the first text/plain part, decoded.
fn text_of(m: &ParsedMail<'_>) -> Option<String> {
    if m.subparts.is_empty() {
        return m.get_body().ok();
    }
    m.subparts.iter().find_map(text_of)
}

/// `raw` (a complete message, CRLF line ends) decoded for reading: the known headers in
/// reading order, then any others, a blank line, the body as text with LF line ends.
pub fn readable(raw: &[u8]) -> String {
    let Ok(mail) = mailparse::parse_mail(raw) else {
        // Not expected for a message shopinbox composed; show it as it is rather than nothing.
        return sanitize::body(&String::from_utf8_lossy(raw).replace("\r\n", "\n"));
    };
    let mut out = String::new();
    for key in SHOWN {
        for h in mail
            .headers
            .iter()
            .filter(|h| h.get_key().eq_ignore_ascii_case(key))
        {
            out.push_str(&header_line(h));
            out.push('\n');
        }
    }
    for h in &mail.headers {
        let key = h.get_key();
        let known = SHOWN.iter().chain(PLUMBING.iter());
        if !known.clone().any(|k| k.eq_ignore_ascii_case(&key)) {
            out.push_str(&header_line(h));
            out.push('\n');
        }
    }
    out.push('\n');
    let body = text_of(&mail).unwrap_or_default().replace("\r\n", "\n");
    out.push_str(&sanitize::body(&body));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_and_quoted_printable_read_as_text() {
        let raw = b"From: \"Tom from Alphx\" <hello@alphx.shop>\r\n\
To: =?utf-8?b?TWFyw61hIEdhcmPDrWE=?= <maria@garcia.es>\r\n\
Message-ID: <r1@alphx.shop>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
User-Agent: shopinbox 0.1.0\r\n\
In-Reply-To: <m1@garcia.es>\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
Subject: =?utf-8?q?Re:_Cuenco_roto_=E2=80=93_pedido_#1042?=\r\n\
\r\n\
Hola Mar=C3=ADa,\r\n\
una l=C3=ADnea muy larga que sigue en la siguiente l=C3=ADnea sin corte vis=\r\n\
ible.\r\n";
        let text = readable(raw);
        let want = "From: Tom from Alphx <hello@alphx.shop>\n\
To: María García <maria@garcia.es>\n\
Subject: Re: Cuenco roto – pedido #1042\n\
In-Reply-To: <m1@garcia.es>\n\
Message-ID: <r1@alphx.shop>\n\
User-Agent: shopinbox 0.1.0\n\
\n\
Hola María,\n\
una línea muy larga que sigue en la siguiente línea sin corte visible.\n";
        assert_eq!(text, want);
    }

    #[test]
    fn hostile_names_are_cleaned() {
        // An encoded name hiding a line break and an escape sequence.
        let raw = b"From: hello@alphx.shop\r\n\
To: =?utf-8?b?Sm9obg0KQmNjOiB2aWN0aW1AZXhhbXBsZS5jb20bWzMxbQ==?= <john@example.com>\r\n\
Subject: Re: hi\r\n\r\nHi\x1b[31m John\r\n";
        let text = readable(raw);
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(!text.contains("\nBcc:"), "{text:?}");
        assert!(
            text.contains("To: John Bcc: victim@example.com"),
            "{text:?}"
        );
    }
}
