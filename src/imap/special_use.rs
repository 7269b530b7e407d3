//! SPECIAL-USE (RFC 6154): folders marked `\Sent`, `\Drafts`, `\Trash`, … in LIST. Some
//! servers only report the marks when asked with `RETURN (SPECIAL-USE)`.

/// LIST asking for the special-use marks.
pub const LIST_RETURN: &str = "LIST \"\" \"*\" RETURN (SPECIAL-USE)";
