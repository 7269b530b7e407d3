//! A file attached to a reply, held as bytes (the outbox keeps the message with them, never a
//! path that may change or vanish before the reply goes out).

use std::sync::Arc;

/// One file on a reply.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingAttachment {
    /// The file name the customer sees (no folders).
    pub name: String,
    /// Content type, e.g. "application/pdf".
    pub mime: String,
    /// The file's bytes, shared: drafts are cloned (undo keeps a copy) without copying them.
    pub bytes: Arc<Vec<u8>>,
}

impl OutgoingAttachment {
    pub fn new(name: impl Into<String>, mime: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutgoingAttachment {
            name: name.into(),
            mime: mime.into(),
            bytes: Arc::new(bytes),
        }
    }

    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
}

impl std::fmt::Debug for OutgoingAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingAttachment")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// "2.1 MB", "340 KB", "12 bytes": sizes as the owner reads them (decimal units).
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{} KB", b.div_ceil(1_000)),
        1 => "1 byte".to_string(),
        b => format!("{b} bytes"),
    }
}

/// The largest message that may be queued: the config's limit, and the server's `SIZE` when
/// it is known. `None` when `size` fits, else the sentence that refuses it.
pub fn size_refusal(size: u64, config_limit: u64, server_limit: Option<u64>) -> Option<String> {
    let server = server_limit.filter(|&s| s > 0);
    let (limit, whose) = match server {
        Some(s) if s < config_limit => (s, "the mail server takes (SMTP SIZE)"),
        _ => (config_limit, "[attachments] max_send_mb allows"),
    };
    (size > limit).then(|| {
        format!(
            "cannot queue the reply: with its attachments it is {}, more than the {} {whose}; \
             remove an attachment or send a smaller file",
            human_size(size),
            human_size(limit)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        for (b, want) in [
            (0, "0 bytes"),
            (1, "1 byte"),
            (999, "999 bytes"),
            (1_000, "1 KB"),
            (340_100, "341 KB"),
            (2_100_000, "2.1 MB"),
            (20_000_000, "20.0 MB"),
        ] {
            assert_eq!(human_size(b), want, "{b}");
        }
    }

    #[test]
    fn the_lower_limit_refuses() {
        let mb = 1_000_000;
        assert_eq!(size_refusal(5 * mb, 20 * mb, None), None);
        assert_eq!(size_refusal(20 * mb, 20 * mb, None), None);
        let r = size_refusal(21 * mb, 20 * mb, None).unwrap();
        assert!(r.contains("max_send_mb") && r.contains("21.0 MB"), "{r}");
        let r = size_refusal(11 * mb, 20 * mb, Some(10 * mb)).unwrap();
        assert!(r.contains("SMTP SIZE") && r.contains("10.0 MB"), "{r}");
        // A server limit above the config's does not raise it; 0 means "no limit".
        assert!(size_refusal(25 * mb, 20 * mb, Some(50 * mb)).is_some());
        assert_eq!(size_refusal(5 * mb, 20 * mb, Some(0)), None);
    }
}
