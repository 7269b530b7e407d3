//! Attachments on the owner's disk: saving received ones under safe names ([`save`], with the
//! names from [`names`]) and opening them from a private copy ([`open`]). The files a reply
//! attaches are read by [`crate::send::files`]. What an attachment *is* (its bytes, its verdict) is decided
//! purely in [`crate::mail::attachments`]; this is the IO edge.

pub mod names;
pub mod open;
pub mod save;
