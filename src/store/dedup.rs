//! Recognising copies of one message without relying on its Message-ID: a hash of the content
//! with the differences that storing and transporting add removed (CRLF or LF line ends,
//! trailing blank lines, the bookkeeping headers an mbox file carries). The import converts to
//! CRLF and keeps `Status:`; the server serves CRLF without them: both give the same key.

use sha2::{Digest, Sha256};

/// Header fields that mail programs add to stored mail (mbox, Maildir tools), not the sender.
const BOOKKEEPING: &[&str] = &[
    "status",
    "x-status",
    "x-keywords",
    "x-uid",
    "x-imap",
    "x-imapbase",
    "content-length",
    "lines",
    "x-mozilla-status",
    "x-mozilla-status2",
    "x-mozilla-keys",
];

/// The content key of a raw message (32 bytes).
pub fn content_key(raw: &[u8]) -> Vec<u8> {
    let mut h = Sha256::new();
    let mut in_header = true;
    let mut skipping = false;
    let mut lines: Vec<&[u8]> = raw
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    while lines
        .last()
        .is_some_and(|l| l.iter().all(u8::is_ascii_whitespace))
    {
        lines.pop();
    }
    for line in lines {
        if in_header {
            if line.is_empty() {
                in_header = false;
            } else if line.starts_with(b" ") || line.starts_with(b"\t") {
                if skipping {
                    continue;
                }
            } else {
                skipping = is_bookkeeping(line);
                if skipping {
                    continue;
                }
            }
        }
        h.update(line);
        h.update(b"\n");
    }
    h.finalize().to_vec()
}

fn is_bookkeeping(line: &[u8]) -> bool {
    let Some(field) = line
        .split(|&b| b == b':')
        .next()
        .filter(|f| f.len() < line.len())
    else {
        return false;
    };
    let name = String::from_utf8_lossy(field).trim().to_ascii_lowercase();
    BOOKKEEPING.contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::content_key;

    #[test]
    fn same_message_same_key() {
        let base = b"From: a@b\r\nSubject: Hi\r\n\r\nHello\r\n".as_slice();
        let same: &[&[u8]] = &[
            b"From: a@b\nSubject: Hi\n\nHello\n",
            b"From: a@b\r\nSubject: Hi\r\n\r\nHello\r\n\r\n\r\n",
            b"From: a@b\r\nStatus: RO\r\nX-Status: A\r\nSubject: Hi\r\n\r\nHello\r\n",
            b"From: a@b\r\nX-Keywords: $Label1\r\n  more\r\nSubject: Hi\r\n\r\nHello",
        ];
        for raw in same {
            assert_eq!(
                content_key(raw),
                content_key(base),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
        let different: &[&[u8]] = &[
            b"From: a@b\r\nSubject: Hi!\r\n\r\nHello\r\n",
            b"From: a@b\r\nSubject: Hi\r\n\r\nHello again\r\n",
            // A Status line in the body is content.
            b"From: a@b\r\nSubject: Hi\r\n\r\nStatus: RO\r\nHello\r\n",
            b"From: a@b\r\nSubject: Hi\r\n\r\n\r\nHello\r\n",
        ];
        for raw in different {
            assert_ne!(
                content_key(raw),
                content_key(base),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
    }
}
