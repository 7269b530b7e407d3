//! SPECIAL-USE (RFC 6154): folders marked `\Sent`, `\Drafts`, `\Trash`, … in LIST. Some
//! servers only report the marks when asked with `RETURN (SPECIAL-USE)`.

/// LIST asking for the special-use marks.
pub const LIST_RETURN: &str = "LIST \"\" \"*\" RETURN (SPECIAL-USE)";

/// Whether LIST attributes carry a special-use mark (`\Sent`, any case).
pub fn has_use(attributes: &[String], mark: &str) -> bool {
    attributes.iter().any(|a| a.eq_ignore_ascii_case(mark))
}
