//! Header text the shop writes: a reply's subject and any text cleaned for a header. Here in
//! `mail`, below both the templates (which fill in a default subject) and the composer (which
//! writes the header), so neither reaches into the other.

/// `Re: <subject>` without stacking prefixes: "RE: AW: Fwd: [Alphx] Hello" → "Re: [Alphx] Hello"
/// is not done (tags are kept), but any run of reply/forward prefixes becomes one `Re:`.
pub fn reply_subject(original: &str) -> String {
    let cleaned = header_text(original);
    let mut rest = cleaned.as_str();
    loop {
        let trimmed = rest.trim_start();
        match strip_reply_prefix(trimmed) {
            Some(after) => rest = after,
            None => {
                rest = trimmed;
                break;
            }
        }
    }
    if rest.is_empty() {
        "Re: your message".to_string()
    } else {
        format!("Re: {rest}")
    }
}

/// Strips one "Re:", "RE[2]:", "AW:", "Fwd:", "SV:" … prefix, returning what follows.
fn strip_reply_prefix(s: &str) -> Option<&str> {
    const PREFIXES: [&str; 11] = [
        "re", "aw", "sv", "vs", "antw", "wg", "fw", "fwd", "tr", "rif", "odp",
    ];
    let word_end = s.find(|c: char| !c.is_alphabetic())?;
    let word = s.get(..word_end)?;
    if !PREFIXES.iter().any(|p| word.eq_ignore_ascii_case(p)) {
        return None;
    }
    let mut rest = s.get(word_end..)?;
    // Optional counter as in "Re[2]:" or "Re(2):".
    if let Some(r) = rest.strip_prefix(['[', '(']) {
        let close = r.find([']', ')'])?;
        if !r.get(..close)?.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        rest = r.get(close + 1..)?;
    }
    let rest = rest.trim_start_matches(' ');
    rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))
}

/// Cleans a string for a header: sanitized, no control characters at all (CR/LF, tabs, ESC),
/// whitespace collapsed.
pub fn header_text(s: &str) -> String {
    let cleaned = super::sanitize::line(s);
    cleaned
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
