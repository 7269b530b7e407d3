//! Every integration suite in one test binary (issue 25.5): one compile and one link instead of
//! one per suite. Each suite is a module named as its file was; the shared harness (servers,
//! fixtures, config writers) is `support`, the headless app helpers `ui_support`, the tmux
//! driver `tmux_support`, the labelled trust corpus `corpus`.

// Test code: a failed unwrap is a failed test (issue 25's lints are for production code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "trust/corpus.rs"]
mod corpus;
mod support;
mod tmux_support;
mod ui_support;

mod attachments_cli;
mod bulk_cli;
mod config_errors;
mod conformance_text;
mod demo_cli;
mod exit_codes;
mod hostile_attachments;
mod hostile_corpus;
mod imap_fixtures;
mod import_paths;
mod manifest;
mod mark_read;
mod oauth;
mod outreach_kill;
mod proactive_cli;
mod review_cli;
mod rules_cli;
mod send_attachments;
mod send_cli;
mod send_conformance;
mod send_kill;
mod send_on_quit;
mod send_smtp;
mod setup_cli;
mod setup_tmux;
mod shared_state;
mod store_concurrency;
mod suspicious_cli;
mod sync_cli;
mod sync_conformance;
mod sync_engine;
mod sync_first_day;
mod sync_harness;
mod sync_qresync;
mod sync_quirks;
mod sync_reconnect;
mod sync_removed;
mod sync_session;
mod templates_demo;
mod trust_corpus;
mod trust_corpus_smoke;
mod tui_emoji_tmux;
mod tui_tmux;
mod ui_app;
mod ui_attachments;
mod ui_bulk;
mod ui_campaign_form;
mod ui_edit_here;
mod ui_find;
mod ui_older;
mod ui_outreach;
mod ui_polish;
mod ui_quit;
mod ui_reply;
mod ui_sharing;
mod ui_snapshots;
mod week_cli;
