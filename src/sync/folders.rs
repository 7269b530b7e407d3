//! Folder names and the Sent folder.
//!
//! - Names are UTF-8 everywhere in shopinbox (config, store, screen) and modified UTF-7 on the
//!   wire (RFC 3501 5.1.3), converted with the `utf7-imap` crate. A name the server sends that
//!   is not valid modified UTF-7 is kept as sent (never a panic on a hostile server).
//! - The Sent folder is the one the server marks `\Sent` (RFC 6154), else the first of the
//!   usual names that exists.

/// Folder names that mail programs and providers use for sent mail, most common first.
pub const SENT_NAMES: &[&str] = &[
    "Sent",
    "Sent Items",
    "Sent Messages",
    "[Gmail]/Sent Mail",
    "INBOX.Sent",
    "INBOX/Sent",
    "Gesendet",
    "Gesendete Elemente",
    "Gesendete Objekte",
    "Envoyés",
    "Éléments envoyés",
    "Enviados",
    "Posta inviata",
    "Verzonden items",
];

/// A folder as LIST reports it: decoded name and its attributes (`\Sent`, `\Noselect`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFolder {
    pub name: String,
    pub flags: Vec<String>,
}

impl ListedFolder {
    fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }
}

/// A folder name as sent to the server (modified UTF-7).
pub fn to_wire(name: &str) -> String {
    if name.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'&') {
        return name.to_string();
    }
    utf7_imap::encode_utf7_imap(name.to_string())
}

/// A folder name as the server sent it, for display and the store.
pub fn from_wire(wire: &str) -> String {
    // A server that accepts UTF-8 (RFC 6855) may send it as is; no `&`: nothing to decode.
    if !wire.is_ascii() || !wire.contains('&') || !valid_mutf7(wire) {
        return wire.to_string();
    }
    let decoded = utf7_imap::decode_utf7_imap(wire.to_string());
    // Only the canonical form is accepted (RFC 3501: "modified BASE64 MUST NOT be used to
    // represent any printing US-ASCII character"); anything else stays as sent.
    if to_wire(&decoded) == wire {
        decoded
    } else {
        wire.to_string()
    }
}

/// Every `&…-` run holds modified BASE64 that decodes without error (the crate's decoder
/// panics otherwise).
fn valid_mutf7(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        let after = &rest[i + 1..];
        let Some(end) = after.find('-') else {
            return false;
        };
        let run = &after.as_bytes()[..end];
        rest = &after[end + 1..];
        if run.is_empty() {
            continue; // "&-" is "&"
        }
        let Some(values) = run
            .iter()
            .map(|&b| b64_value(b))
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        let last = values[values.len() - 1];
        let ok = match run.len() % 4 {
            0 => true,
            2 => last & 0x0f == 0,
            3 => last & 0x03 == 0,
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

fn b64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b',' => Some(63),
        _ => None,
    }
}

/// The Sent folder among the listed ones: the one marked `\Sent`, else the first usual name
/// (case-insensitive) that exists and can be opened.
pub fn choose_sent(list: &[ListedFolder]) -> Option<String> {
    let selectable = |f: &&ListedFolder| !f.has("\\Noselect") && !f.has("\\NonExistent");
    if let Some(f) = list.iter().filter(selectable).find(|f| f.has("\\Sent")) {
        return Some(f.name.clone());
    }
    SENT_NAMES.iter().find_map(|want| {
        list.iter()
            .filter(selectable)
            .find(|f| f.name.eq_ignore_ascii_case(want))
            .map(|f| f.name.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_on_the_wire() {
        for (name, wire) in [
            ("INBOX", "INBOX"),
            ("Bestellungen-Ä", "Bestellungen-&AMQ-"),
            ("Envoyés", "Envoy&AOk-s"),
            ("Tom & Jerry", "Tom &- Jerry"),
            ("Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"),
            ("日本語", "&ZeVnLIqe-"),
        ] {
            assert_eq!(to_wire(name), wire, "{name}");
            assert_eq!(from_wire(wire), name, "{wire}");
        }
    }

    #[test]
    fn broken_names_from_the_server_are_kept_as_sent() {
        for wire in [
            "a&AMQ",          // not terminated
            "a&A-",           // one character: not BASE64
            "a&AB-",          // leftover bits set
            "a&A*Q-",         // not in the alphabet
            "a&AEEAQgBD-",    // "ABC": printable ASCII must not be encoded
            "Bestellungen-Ä", // UTF-8 from a server that allows it
        ] {
            assert_eq!(from_wire(wire), wire, "{wire}");
        }
    }

    #[test]
    fn sent_folder_choice() {
        let f = |name: &str, flags: &[&str]| ListedFolder {
            name: name.to_string(),
            flags: flags.iter().map(|s| s.to_string()).collect(),
        };
        type Case = (&'static str, Vec<ListedFolder>, Option<&'static str>);
        let cases: Vec<Case> = vec![
            (
                "special-use wins over names",
                vec![
                    f("Sent", &[]),
                    f("Versandt", &["\\HasNoChildren", "\\Sent"]),
                ],
                Some("Versandt"),
            ),
            (
                "usual name",
                vec![f("INBOX", &[]), f("Gesendet", &["\\HasNoChildren"])],
                Some("Gesendet"),
            ),
            (
                "name order, case-insensitive",
                vec![f("gesendet", &[]), f("SENT ITEMS", &[])],
                Some("SENT ITEMS"),
            ),
            (
                "Gmail",
                vec![f("[Gmail]/Sent Mail", &[])],
                Some("[Gmail]/Sent Mail"),
            ),
            (
                "not selectable",
                vec![f("Sent", &["\\Noselect"]), f("INBOX.Sent", &[])],
                Some("INBOX.Sent"),
            ),
            ("none", vec![f("INBOX", &[]), f("Archive", &[])], None),
        ];
        for (name, list, want) in cases {
            assert_eq!(choose_sent(&list).as_deref(), want, "{name}");
        }
    }
}
