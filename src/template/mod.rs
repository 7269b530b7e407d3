//! Reply templates: plain-text files the owner edits, with `{placeholders}` filled in from the
//! customer message, the customer record, the config and the deadline engine.
//!
//! A template file looks like this:
//!
//! ```text
//! name: Acknowledge and investigate
//! language: en
//! follow_up: end of day
//!
//! Hi {first_name|there},
//!
//! {if late}{late_apology}{end}Thanks for your message{if order} about {order_numbers}{end}.
//! …
//! ```
//!
//! The header (up to the first blank line) carries `name:`, optional `subject:` (replaces the
//! default `Re: <original subject>`), optional `follow_up:` ("end of day", "2 business days",
//! "none") and optional `language:` (en, de, fr, es, it, nl; default en), which picks the words
//! shopinbox writes itself (dates, promises, the late apology; see [`lang`]). Each optional
//! `attach:` line names a file the reply carries (`attach: ~/shop/returns-label.pdf`).
//!
//! The body knows placeholders (`{first_name}`, with an optional fallback after `|`),
//! `{offer.KEY}` (a value from the config's `[offers]`; a template whose offer is not set is
//! refused instead of sending something made up), and conditional text:
//! `{if COND}…{end}` or `{if COND}…{else}…{end}`, where COND is `late`, `order` (an order
//! number is known), `orders` (two or more), `offer.KEY` (the config sets it) or any
//! placeholder name (its value is known). `{{` and `}}` are literal braces. Parsing is strict
//! and reports file, line and column so that a typo is found when the templates load, not when
//! a customer receives "Hi {frist_name}".
//!
//! Loading is IO at the edge ([`load_templates`], [`install_starters`]); parsing and
//! [`render`] are pure.

pub mod check;
mod context;
pub mod lang;
mod parse;
mod render;

pub use context::{order_label, ReplyContext};
pub use lang::Language;
pub use parse::{parse_segments, SyntaxError};
pub use render::{render, RenderError, Values};

use parse::parse_template;

use chrono::{DateTime, Duration, Utc};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::deadline::{self, Calendar};

/// One placeholder a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placeholder {
    FirstName,
    LastName,
    FullName,
    CustomerEmail,
    ShopName,
    OwnerName,
    Signature,
    OrderNumber,
    Subject,
    ReplyBy,
    Today,
    LateApology,
    OrderNumbers,
    FollowUp,
    /// The items of the customer's orders (campaign notices, issue 27).
    Items,
}

impl Placeholder {
    /// Every placeholder, in the order the help text lists them.
    pub const ALL: [Placeholder; 15] = [
        Placeholder::FirstName,
        Placeholder::LastName,
        Placeholder::FullName,
        Placeholder::CustomerEmail,
        Placeholder::ShopName,
        Placeholder::OwnerName,
        Placeholder::Signature,
        Placeholder::OrderNumber,
        Placeholder::OrderNumbers,
        Placeholder::Items,
        Placeholder::Subject,
        Placeholder::ReplyBy,
        Placeholder::Today,
        Placeholder::FollowUp,
        Placeholder::LateApology,
    ];

    /// The name written between the braces.
    pub fn key(self) -> &'static str {
        match self {
            Placeholder::FirstName => "first_name",
            Placeholder::LastName => "last_name",
            Placeholder::FullName => "full_name",
            Placeholder::CustomerEmail => "customer_email",
            Placeholder::ShopName => "shop_name",
            Placeholder::OwnerName => "owner_name",
            Placeholder::Signature => "signature",
            Placeholder::OrderNumber => "order_number",
            Placeholder::Subject => "subject",
            Placeholder::ReplyBy => "reply_by",
            Placeholder::Today => "today",
            Placeholder::LateApology => "late_apology",
            Placeholder::OrderNumbers => "order_numbers",
            Placeholder::FollowUp => "follow_up",
            Placeholder::Items => "items",
        }
    }

    pub fn from_key(key: &str) -> Option<Placeholder> {
        Placeholder::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// A parsed piece of template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Field {
        placeholder: Placeholder,
        /// Text used when the value is unknown (`{first_name|there}`); `None` means empty.
        fallback: Option<String>,
    },
    /// `{offer.KEY}`: a value from the config's `[offers]`; the template is refused without it.
    Offer {
        key: String,
    },
    /// `{if COND}then{else}otherwise{end}`.
    If {
        condition: Condition,
        then: Vec<Segment>,
        otherwise: Vec<Segment>,
    },
}

/// What an `{if …}` tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `{if late}`: the reply goes out after the customer's deadline.
    Late,
    /// `{if orders}`: the conversation mentions two or more order numbers.
    SeveralOrders,
    /// `{if first_name}`, `{if order}` (= order_number): the value is known.
    Known(Placeholder),
    /// `{if offer.discount_code}`: the config sets this offer.
    Offer(String),
}

/// When the conversation should come back to Needs reply after this template was sent,
/// because the reply promised something ("I will be back in touch by the end of the day").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FollowUp {
    #[default]
    None,
    /// Close of the current business day (or the next one after closing time).
    EndOfDay,
    /// Close of the Nth business day after today.
    BusinessDays(u32),
    /// A fixed number of hours from now.
    Hours(u32),
}

impl FollowUp {
    /// Parses the `follow_up:` header value.
    pub fn parse(s: &str) -> Option<FollowUp> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.trim_start_matches("by ").trim_start_matches("the ");
        match s {
            "" | "none" | "no" | "never" | "-" => return Some(FollowUp::None),
            "end of day" | "end of the day" | "eod" | "today" => return Some(FollowUp::EndOfDay),
            "tomorrow" | "next business day" => return Some(FollowUp::BusinessDays(1)),
            _ => {}
        }
        let mut words = s.split_whitespace();
        let n: u32 = words.next()?.parse().ok()?;
        let unit = words.collect::<Vec<_>>().join(" ");
        match unit.as_str() {
            "business day" | "business days" | "working day" | "working days" | "day" | "days" => {
                Some(if n == 0 {
                    FollowUp::EndOfDay
                } else {
                    FollowUp::BusinessDays(n)
                })
            }
            "hour" | "hours" if n > 0 => Some(FollowUp::Hours(n)),
            _ => None,
        }
    }

    /// When the follow-up falls due for a reply sent at `now`; `None` for no follow-up.
    pub fn due(self, now: DateTime<Utc>, cal: &Calendar) -> Option<DateTime<Utc>> {
        match self {
            FollowUp::None => None,
            // A promise the owner can keep: made within the promise cut-off before close, "the
            // end of the day" is the next business day's (issue 21).
            FollowUp::EndOfDay => Some(deadline::promise_end_of_day(now, cal)),
            FollowUp::BusinessDays(n) => {
                // Each step is the first close strictly after the previous close, so n steps
                // past today's close land on the close of the nth business day.
                let mut at = deadline::due_at(now, cal);
                for _ in 0..n {
                    at = deadline::due_at(at, cal);
                }
                Some(at)
            }
            FollowUp::Hours(h) => Some(now + Duration::hours(i64::from(h))),
        }
    }
}

impl fmt::Display for FollowUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FollowUp::None => f.write_str("none"),
            FollowUp::EndOfDay => f.write_str("end of day"),
            FollowUp::BusinessDays(1) => f.write_str("1 business day"),
            FollowUp::BusinessDays(n) => write!(f, "{n} business days"),
            FollowUp::Hours(1) => f.write_str("1 hour"),
            FollowUp::Hours(n) => write!(f, "{n} hours"),
        }
    }
}

/// A loaded, valid template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Display name from the `name:` header (the file stem when absent).
    pub name: String,
    /// Where it was loaded from, so the TUI can open it in `$EDITOR`.
    pub path: PathBuf,
    pub subject: Option<Vec<Segment>>,
    pub follow_up: FollowUp,
    /// The `language:` header: the language of the text and of the words shopinbox adds.
    pub language: Language,
    /// `attach:` lines: files every reply from this template carries (e.g. the return label),
    /// as written (`~/` and paths relative to the template's folder are resolved when used).
    pub attach: Vec<String>,
    pub body: Vec<Segment>,
}

impl Template {
    /// The file stem ("missing-package"), the short name used on the command line.
    pub fn slug(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// True when `query` names this template: its slug or its display name, ignoring case.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim();
        self.slug().eq_ignore_ascii_case(q) || self.name.eq_ignore_ascii_case(q)
    }

    /// The `[offers]` keys the template can use, in order of first use.
    pub fn offer_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        if let Some(s) = &self.subject {
            render::offer_keys(s, &mut keys);
        }
        render::offer_keys(&self.body, &mut keys);
        keys
    }

    /// Parses a template from its text. `path` is used for the fallback name and errors.
    pub fn parse(path: &Path, text: &str) -> Result<Template, Vec<TemplateError>> {
        parse_template(path, text)
    }
}

/// Finds a template by slug or name.
pub fn find<'a>(templates: &'a [Template], query: &str) -> Option<&'a Template> {
    templates.iter().find(|t| t.matches(query))
}

/// Why a template file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read the template {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl TemplateError {
    pub(crate) fn syntax(
        path: &Path,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        TemplateError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            TemplateError::Read { path, .. } | TemplateError::Syntax { path, .. } => path,
        }
    }
}

/// The rendered text of a reply, before the quote and headers are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedReply {
    pub subject: String,
    pub body: String,
    /// When the conversation should need a reply again (from the template's `follow_up`).
    pub follow_up_at: Option<DateTime<Utc>>,
}

/// Each starter in every language of [`Language::ALL`]: English as `NAME.txt`, the others as
/// `NAME.CODE.txt` (`NAME.de.txt`, `NAME.fr.txt`, …), from `src/templates/CODE/NAME.txt`.
macro_rules! starters {
    ($($file:literal),*) => {
        &[$(
            (concat!($file, ".txt"), include_str!(concat!("../templates/", $file, ".txt"))),
            (concat!($file, ".de.txt"), include_str!(concat!("../templates/de/", $file, ".txt"))),
            (concat!($file, ".fr.txt"), include_str!(concat!("../templates/fr/", $file, ".txt"))),
            (concat!($file, ".es.txt"), include_str!(concat!("../templates/es/", $file, ".txt"))),
            (concat!($file, ".it.txt"), include_str!(concat!("../templates/it/", $file, ".txt"))),
            (concat!($file, ".nl.txt"), include_str!(concat!("../templates/nl/", $file, ".txt"))),
        )*]
    };
}

/// The starter set written on first run, embedded so a fresh install has good replies at once.
pub const STARTERS: &[(&str, &str)] = starters![
    "acknowledge",
    "missing-package",
    "return-label",
    "cancel-before-shipping",
    "cancel-after-shipping",
    "shipping-delay",
    "duplicate-order",
    "angry-customer",
    "negative-review",
    "product-question",
    "wholesale",
    "plain"
];

/// Writes the starter set into `dir` when the directory does not exist yet (first run).
///
/// An existing directory is left alone entirely: the owner may have edited or deleted starters
/// on purpose, and shopinbox must never bring a deleted template back or overwrite an edit.
/// Returns the files written.
pub fn install_starters(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if dir.exists() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (file, text) in STARTERS {
        let path = dir.join(file);
        // create_new: never clobber a file that appeared meanwhile.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(text.as_bytes())?;
                written.push(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(written)
}

/// Loads every `*.txt` template in `dir`, sorted by file name. A broken template is reported
/// and skipped; the others still load. A missing directory yields no templates and no error.
pub fn load_templates(dir: &Path) -> (Vec<Template>, Vec<TemplateError>) {
    let mut templates: Vec<Template> = Vec::new();
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (templates, errors),
        Err(source) => {
            errors.push(TemplateError::Read {
                path: dir.to_path_buf(),
                source,
            });
            return (templates, errors);
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| is_template_file(p))
        .collect();
    paths.sort();
    for path in paths {
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(TemplateError::syntax(
                        &path,
                        1,
                        1,
                        format!(
                            "the file is not UTF-8 text (bad byte at offset {}); save it as UTF-8",
                            e.utf8_error().valid_up_to()
                        ),
                    ));
                    continue;
                }
            },
            Err(source) => {
                errors.push(TemplateError::Read { path, source });
                continue;
            }
        };
        match parse_template(&path, &text) {
            Ok(t) => {
                if let Some(other) = templates.iter().find(|o| o.name == t.name) {
                    errors.push(TemplateError::syntax(
                        &path,
                        1,
                        1,
                        format!(
                            "the name \"{}\" is already used by {}; give each template its own name",
                            t.name,
                            other.path.display()
                        ),
                    ));
                } else {
                    templates.push(t);
                }
            }
            Err(mut errs) => errors.append(&mut errs),
        }
    }
    (templates, errors)
}

/// Editor backups and hidden files are not templates.
fn is_template_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !name.starts_with('.')
        && !name.ends_with('~')
        && path.extension().is_some_and(|e| e == "txt")
        && path.is_file()
}

#[cfg(test)]
mod tests;
