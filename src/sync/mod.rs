//! IMAP sync into the store (see DESIGN.md: RFC 4549 resync, meli's and mbsync's lessons).
pub mod plan;
