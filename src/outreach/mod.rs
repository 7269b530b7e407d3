//! Telling customers before they ask (issue 27): the shop's own order export as order history
//! ([`import`], [`value`]), choosing the customers an event affects ([`select`]) into a draft
//! campaign ([`draft`], the same from the command line and the Outreach screen), writing each
//! one their notice ([`notice`]) and sending the notices through the outbox at a pace the
//! provider accepts ([`rate`], [`runner`]).
//!
//! The pure parts (import, value, select, notice, rate) are plain functions with table tests;
//! the runner is the IO edge, and every step it takes is written to the store first, so a
//! campaign killed at any point resumes where it stopped and never writes to a customer twice.

pub mod draft;
pub mod import;
pub mod notice;
pub mod rate;
pub mod runner;
pub mod select;
pub mod value;

/// "40 recipients: 38 sent, 1 failed, 1 bounced, 5 replied; 2 to write yourself".
pub fn counts_line(n: &crate::store::outreach::CampaignCounts) -> String {
    let going = n.recipients - n.held - n.removed.min(n.recipients - n.held);
    let mut parts = vec![format!("{} sent", n.sent)];
    if n.waiting > 0 {
        parts.push(format!("{} waiting", n.waiting));
    }
    parts.push(format!("{} failed", n.failed));
    if n.uncertain > 0 {
        parts.push(format!("{} uncertain", n.uncertain));
    }
    parts.push(format!("{} bounced", n.bounced));
    parts.push(format!("{} replied", n.replied));
    let mut line = format!("{going} to send: {}", parts.join(", "));
    if n.held > 0 {
        line.push_str(&format!("; {} to write yourself", n.held));
    }
    line
}
