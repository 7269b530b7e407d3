//! shopinbox: a keyboard-driven terminal inbox for the owner of a small online shop.
//!
//! Data flows one way (see DESIGN notes in README):
//! IMAP → [`sync`] → [`store`] → [`app`] state → [`ui`] screen (both size their views with
//! [`layout`], which imports neither), and
//! template + message → [`send`] outbox → SMTP.
//! Pure cores ([`deadline`], [`mail`], [`template`], sync planning) have no IO.

pub mod app;
pub mod attach;
pub mod cli;
pub mod clock;
pub mod config;
pub mod deadline;
pub mod demo;
pub mod exit;
pub mod human_time;
pub mod imap;
pub mod import;
#[cfg(test)]
mod layering;
pub mod layout;
pub mod login;
pub mod mail;
pub mod net;
pub mod oauth;
pub mod outreach;
pub mod review;
pub mod send;
pub mod setup;
pub mod shared;
pub mod store;
pub mod sync;
pub mod template;
pub mod text;
pub mod tracking;
pub mod tui;
pub mod ui;
pub mod workers;

#[cfg(test)]
mod file_size_tests;
