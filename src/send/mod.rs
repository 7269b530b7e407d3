//! Sending replies: compose the message ([`compose`]), keep it in the durable outbox
//! ([`outbox`]), deliver it over SMTP or into a demo folder ([`smtp`]).
//!
//! The UI thread never touches the network: it enqueues a reply and hands its outbox id to the
//! send worker, which reports back through a channel.

pub mod attachment;
pub mod cli;
pub mod compose;
pub mod files;
pub mod flow;
pub mod imap;
pub mod lease;
pub mod outbox;
pub mod readable;
pub mod smtp;
pub mod worker;
