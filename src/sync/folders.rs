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
    while let Some((_, after)) = rest.split_once('&') {
        let Some((run, tail)) = after.split_once('-') else {
            return false;
        };
        let run = run.as_bytes();
        rest = tail;
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
        // `run` is not empty, so neither is `values`.
        let last = values.last().copied().unwrap_or(0);
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

/// Whether two folder names are the same folder (INBOX is case-insensitive, RFC 3501 5.1).
pub fn same_name(a: &str, b: &str) -> bool {
    a == b || (a.eq_ignore_ascii_case("INBOX") && b.eq_ignore_ascii_case("INBOX"))
}

/// The folder a configured name means on this server: the name itself when the server lists
/// it; else, on a server that keeps the owner's folders under a prefix (Courier and Cyrus:
/// `INBOX.`), the prefixed name when that is listed; else the name unchanged (opening it
/// then says whether it exists).
pub fn resolve(name: &str, listed: &[ListedFolder], prefix: Option<&str>) -> String {
    let has = |n: &str| listed.iter().any(|f| same_name(&f.name, n));
    if has(name) {
        return name.to_string();
    }
    match prefix {
        Some(p) if !name.starts_with(p) && has(&format!("{p}{name}")) => format!("{p}{name}"),
        _ => name.to_string(),
    }
}

/// Up to three listed folders whose names are closest to `name` (with and without the
/// namespace prefix), most similar first: for an error about a folder that does not exist.
pub fn closest(name: &str, listed: &[ListedFolder], prefix: Option<&str>) -> Vec<String> {
    let bare = |n: &str| -> String {
        let n = prefix.and_then(|p| n.strip_prefix(p)).unwrap_or(n);
        n.to_lowercase()
    };
    let want = bare(name);
    let mut scored: Vec<(f64, &str)> = listed
        .iter()
        .filter(|f| !f.has("\\Noselect") && !f.has("\\NonExistent"))
        .map(|f| {
            let score = strsim::jaro_winkler(&want, &bare(&f.name))
                .max(strsim::normalized_levenshtein(&want, &bare(&f.name)));
            (score, f.name.as_str())
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// What to suggest for a configured folder the server does not have: the closest existing
/// names, and the prefixed name on a server with a namespace prefix. Empty when there is
/// nothing to suggest. Names are sanitized.
pub fn suggestion(name: &str, listed: &[ListedFolder], prefix: Option<&str>) -> String {
    // INBOX is never under the prefix and has no look-alikes worth naming (RFC 3501 5.1: it
    // is the one name every server has).
    if name.eq_ignore_ascii_case("INBOX") {
        return String::new();
    }
    let near = closest(name, listed, prefix);
    let mut parts = Vec::new();
    if !near.is_empty() {
        let names: Vec<String> = near
            .iter()
            .map(|n| format!("\"{}\"", super::server_text::printable(n)))
            .collect();
        parts.push(format!("folders with a similar name: {}", names.join(", ")));
    }
    if let Some(p) = prefix.filter(|p| !name.starts_with(*p)) {
        let prefixed = format!("{p}{name}");
        if !near.iter().any(|n| n == &prefixed) {
            parts.push(format!(
                "this server keeps folders under \"{}\", so it may be \"{}\"",
                super::server_text::printable(p),
                super::server_text::printable(&prefixed)
            ));
        }
    }
    parts.join("; ")
}

/// The selectable folders' names, sanitized, INBOX first: for the owner.
pub fn existing(listed: &[ListedFolder]) -> Vec<String> {
    let mut out: Vec<String> = listed
        .iter()
        .filter(|f| !f.has("\\Noselect") && !f.has("\\NonExistent"))
        .map(|f| super::server_text::printable(&f.name))
        .collect();
    out.sort_by_key(|f| !f.eq_ignore_ascii_case("INBOX"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(names: &[&str]) -> Vec<ListedFolder> {
        names
            .iter()
            .map(|n| ListedFolder {
                name: n.to_string(),
                flags: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn configured_names_resolve_through_the_namespace() {
        let courier = listed(&["INBOX", "INBOX.Sent", "INBOX.Bestellungen-\u{c4}"]);
        let p = Some("INBOX.");
        for (name, want) in [
            ("Bestellungen-\u{c4}", "INBOX.Bestellungen-\u{c4}"),
            ("INBOX.Bestellungen-\u{c4}", "INBOX.Bestellungen-\u{c4}"),
            ("Sent", "INBOX.Sent"),
            ("inbox", "inbox"),
            ("Nope", "Nope"),
        ] {
            assert_eq!(resolve(name, &courier, p), want, "{name}");
        }
        let dovecot = listed(&["INBOX", "Sent", "Bestellungen"]);
        assert_eq!(resolve("Sent", &dovecot, None), "Sent");
        assert_eq!(resolve("Nope", &dovecot, None), "Nope");
    }

    #[test]
    fn suggestions_name_the_closest_folders_and_the_prefix() {
        let courier = listed(&["INBOX", "INBOX.Sent", "INBOX.Bestellungen", "INBOX.Trash"]);
        assert_eq!(
            suggestion("Bestellungen-\u{c4}", &courier, Some("INBOX.")),
            "folders with a similar name: \"INBOX.Bestellungen\"; this server keeps folders \
             under \"INBOX.\", so it may be \"INBOX.Bestellungen-\u{c4}\""
        );
        let dovecot = listed(&["INBOX", "Sent", "Bestellungen", "Rechnungen"]);
        assert_eq!(
            closest("bestelungen", &dovecot, None),
            vec!["Bestellungen".to_string()]
        );
        assert_eq!(suggestion("Zzzz", &dovecot, None), "");
        assert_eq!(
            suggestion("INBOX", &listed(&["INBOX.Archiv"]), Some("INBOX.")),
            ""
        );
        assert_eq!(
            existing(&listed(&["Sent", "INBOX", "A\x1b[2Jb"])),
            vec!["INBOX", "Sent", "Ab"]
        );
    }

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
