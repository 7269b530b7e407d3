//! shopinbox's IMAP client: a small blocking driver of our own ([`conn`]) over
//! [`crate::net::MailStream`] (rustls), with the responses decoded by `imap-codec`.
//!
//! # Why this codec and this driver
//! - **`imap-codec` 2.0.0-alpha.10 (pinned), not 1.0.** 1.0's `ext_condstore_qresync` covers
//!   only `STATUS … HIGHESTMODSEQ`: it cannot decode a FETCH response carrying `MODSEQ (n)`,
//!   which every server sends in *every* FETCH response once CONDSTORE is in use (RFC 7162
//!   3.1.2, i.e. after each `EXAMINE … (CONDSTORE)` this crate sends), nor `* VANISHED`, nor
//!   the `[HIGHESTMODSEQ]`/`[NOMODSEQ]` codes, nor `* NAMESPACE`. On 1.0 those would again
//!   need the byte-stream rewriting this layer replaces. 2.0.0-alpha.10 decodes all of them
//!   (features `ext_condstore_qresync`, `ext_namespace`), plus UIDPLUS's `[APPENDUID]`.
//!   It is the same maintainer's current line (imap-next 0.3 and its users build on it);
//!   the pin (`=`) keeps an alpha's API changes out until someone upgrades on purpose, and
//!   only [`response`] touches the codec's types.
//! - **Our own blocking driver, not `imap-next` 0.3.** imap-next is a sans-I/O state machine
//!   plus a tokio stream; without its stream we would still write the read loop, and its
//!   client owns the buffers, so a 30 MB `BODY[]` literal cannot be framed, decoded once and
//!   moved out as we do here. It also brings tokio-style fragment handling we do not need in
//!   a program that is blocking on worker threads.
//! - **Not `imap` 3.0.0-alpha.15 nor `async-imap` 0.12.** Both decode with `imap-proto`,
//!   the parser family this replaces (its typed readers reject responses they do not know
//!   mid-command), `imap` 3 is still an alpha line, and `async-imap` needs an async runtime
//!   (async-std or tokio) that nothing else in shopinbox uses.
//!
//! # Layout
//! Modules are named for what they speak: [`base`] (RFC 3501/9051), [`auth`] (AUTHENTICATE
//! for the OAuth SASL mechanisms), [`uidplus`] (APPEND/APPENDUID), [`enable`],
//! [`condstore`] (CONDSTORE/QRESYNC), [`idle`], [`special_use`], [`namespace`],
//! [`unselect`]; [`fetch`] downloads messages, pipelined. MOVE is not used by shopinbox, so
//! it has no module. The driver ([`conn`]) frames responses itself ([`frame`]), literal-aware,
//! and decodes each once, complete ([`response`]); untagged responses it cannot decode are
//! kept raw and skipped (a FETCH among them is an error), while a tagged `NO`/`BAD` ends the
//! command with the server's own words.

pub mod auth;
pub mod base;
pub mod condstore;
pub mod conn;
pub mod enable;
pub mod fetch;
pub mod frame;
pub mod idle;
pub mod namespace;
pub mod response;
pub mod special_use;
pub mod uidplus;
pub mod unselect;

pub use base::{FolderState, Greeting, ListEntry};
pub use conn::{Answer, Command, Connection, ImapError};
pub use fetch::{messages_from, parse_uid_set, FetchedMessage, Opening, PipelineError};
pub use response::{Done, FetchItem, Incoming, Outcome, RespCode, Untagged};
