//! Reply templates: plain-text files the owner edits, with `{placeholders}` filled in from the
//! customer message, the customer record, the config and the deadline engine.
//!
//! A template file looks like this:
//!
//! ```text
//! name: Acknowledge and investigate
//! subject: Your order {order_number}
//! follow_up: end of day
//!
//! Hi {first_name|there},
//! …
//! ```
//!
//! The header (up to the first blank line) carries `name:`, optional `subject:` (replaces the
//! default `Re: <original subject>`), and optional `follow_up:` ("end of day", "2 business
//! days", "none"). Placeholders take an optional fallback after `|`; `{{` and `}}` are literal
//! braces. Parsing is strict and reports file, line and column so that a typo is found when
//! the templates load, not when a customer receives "Hi {frist_name}".
//!
//! Loading is IO at the edge ([`load_templates`], [`install_starters`]); parsing and
//! [`render`] are pure.

mod context;

pub use context::{late_apology, order_label, ReplyContext};

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
}

impl Placeholder {
    /// Every placeholder, in the order the help text lists them.
    pub const ALL: [Placeholder; 12] = [
        Placeholder::FirstName,
        Placeholder::LastName,
        Placeholder::FullName,
        Placeholder::CustomerEmail,
        Placeholder::ShopName,
        Placeholder::OwnerName,
        Placeholder::Signature,
        Placeholder::OrderNumber,
        Placeholder::Subject,
        Placeholder::ReplyBy,
        Placeholder::Today,
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
            FollowUp::EndOfDay => Some(deadline::due_at(now, cal)),
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
    fn syntax(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
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

/// The starter set written on first run, embedded so a fresh install has good replies at once.
pub const STARTERS: &[(&str, &str)] = &[
    (
        "acknowledge.txt",
        include_str!("../templates/acknowledge.txt"),
    ),
    (
        "missing-package.txt",
        include_str!("../templates/missing-package.txt"),
    ),
    (
        "return-label.txt",
        include_str!("../templates/return-label.txt"),
    ),
    (
        "cancel-before-shipping.txt",
        include_str!("../templates/cancel-before-shipping.txt"),
    ),
    (
        "cancel-after-shipping.txt",
        include_str!("../templates/cancel-after-shipping.txt"),
    ),
    (
        "shipping-delay.txt",
        include_str!("../templates/shipping-delay.txt"),
    ),
    (
        "duplicate-order.txt",
        include_str!("../templates/duplicate-order.txt"),
    ),
    (
        "angry-customer.txt",
        include_str!("../templates/angry-customer.txt"),
    ),
    (
        "negative-review.txt",
        include_str!("../templates/negative-review.txt"),
    ),
    ("plain.txt", include_str!("../templates/plain.txt")),
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

fn parse_template(path: &Path, text: &str) -> Result<Template, Vec<TemplateError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut name = None;
    let mut subject = None;
    let mut follow_up = FollowUp::None;
    let mut body_start = 0;

    if lines.first().is_some_and(|l| looks_like_header(l)) {
        body_start = lines.len();
        for (i, raw) in lines.iter().enumerate() {
            let line = raw.trim_end_matches('\r');
            let lineno = i + 1;
            if line.trim().is_empty() {
                body_start = i + 1;
                break;
            }
            let Some((key, value)) = line.split_once(':') else {
                errors.push(TemplateError::syntax(
                    path,
                    lineno,
                    1,
                    "expected a header line like `name: …`, or a blank line before the text",
                ));
                continue;
            };
            let value_col = key.chars().count() + 2 + leading_spaces(value);
            let value = value.trim();
            match key.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "name" => {
                    if value.is_empty() {
                        errors.push(TemplateError::syntax(
                            path,
                            lineno,
                            value_col,
                            "the name is empty",
                        ));
                    } else {
                        name = Some(crate::mail::sanitize::line(value));
                    }
                }
                "subject" => match parse_segments(value, lineno, value_col) {
                    Ok(segs) => subject = Some(segs),
                    Err(errs) => errors.extend(errs.into_iter().map(|e| e.into_error(path))),
                },
                "follow_up" => match FollowUp::parse(value) {
                    Some(f) => follow_up = f,
                    None => errors.push(TemplateError::syntax(
                        path,
                        lineno,
                        value_col,
                        format!(
                            "cannot understand follow_up \"{value}\"; write \"end of day\", \
                             \"2 business days\", \"4 hours\" or \"none\""
                        ),
                    )),
                },
                other => errors.push(TemplateError::syntax(
                    path,
                    lineno,
                    1,
                    format!(
                        "unknown header \"{other}\"; the header knows name, subject and follow_up"
                    ),
                )),
            }
        }
    }

    let body_text = lines
        .get(body_start..)
        .unwrap_or_default()
        .iter()
        .map(|l| l.trim_end_matches('\r'))
        .collect::<Vec<_>>()
        .join("\n");
    let body = match parse_segments(&body_text, body_start + 1, 1) {
        Ok(b) => b,
        Err(errs) => {
            errors.extend(errs.into_iter().map(|e| e.into_error(path)));
            Vec::new()
        }
    };
    if errors.is_empty() && body.is_empty() {
        errors.push(TemplateError::syntax(
            path,
            body_start + 1,
            1,
            "the template has no text after the header",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let name = name.unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "template".to_string())
    });
    Ok(Template {
        name,
        path: path.to_path_buf(),
        subject,
        follow_up,
        body,
    })
}

/// A header starts with `word:`; anything else means the file is all body text.
fn looks_like_header(line: &str) -> bool {
    match line.split_once(':') {
        Some((key, _)) => {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
        None => false,
    }
}

fn leading_spaces(s: &str) -> usize {
    s.chars().take_while(|c| c.is_whitespace()).count()
}

/// A syntax problem found in a piece of text, before the file is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl SyntaxError {
    fn into_error(self, path: &Path) -> TemplateError {
        TemplateError::syntax(path, self.line, self.column, self.message)
    }
}

/// Splits text into literal text and placeholders. `line`/`column` give the position of the
/// first character so that errors point into the file.
pub fn parse_segments(
    text: &str,
    line: usize,
    column: usize,
) -> Result<Vec<Segment>, Vec<SyntaxError>> {
    let mut segments = Vec::new();
    let mut errors = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    let (mut ln, mut col) = (line, column);

    let advance = |c: char, ln: &mut usize, col: &mut usize| {
        if c == '\n' {
            *ln += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };

    while let Some(c) = chars.next() {
        let (start_ln, start_col) = (ln, col);
        advance(c, &mut ln, &mut col);
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                col += 1;
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                col += 1;
                literal.push('}');
            }
            '}' => errors.push(SyntaxError {
                line: start_ln,
                column: start_col,
                message: "a `}` without its `{`; write `}}` for a literal brace".into(),
            }),
            '{' => {
                let mut inner = String::new();
                let mut closed = false;
                while let Some(&n) = chars.peek() {
                    if n == '\n' || n == '{' {
                        break;
                    }
                    chars.next();
                    advance(n, &mut ln, &mut col);
                    if n == '}' {
                        closed = true;
                        break;
                    }
                    inner.push(n);
                }
                if !closed {
                    errors.push(SyntaxError {
                        line: start_ln,
                        column: start_col,
                        message: "a `{` that is never closed on this line; write `{{` for a \
                                  literal brace"
                            .into(),
                    });
                    continue;
                }
                let (key, fallback) = match inner.split_once('|') {
                    Some((k, f)) => (k.trim(), Some(f.to_string())),
                    None => (inner.trim(), None),
                };
                match Placeholder::from_key(key) {
                    Some(placeholder) => {
                        if !literal.is_empty() {
                            segments.push(Segment::Text(std::mem::take(&mut literal)));
                        }
                        segments.push(Segment::Field {
                            placeholder,
                            fallback,
                        });
                    }
                    None => errors.push(SyntaxError {
                        line: start_ln,
                        column: start_col,
                        message: unknown_placeholder_message(key),
                    }),
                }
            }
            _ => literal.push(c),
        }
    }
    if !literal.is_empty() {
        segments.push(Segment::Text(literal));
    }
    if errors.is_empty() {
        Ok(segments)
    } else {
        Err(errors)
    }
}

fn unknown_placeholder_message(key: &str) -> String {
    if key.is_empty() {
        return "an empty placeholder `{}`; write `{{}}` for literal braces".into();
    }
    let best = Placeholder::ALL
        .into_iter()
        .map(|p| (edit_distance(key, p.key()), p.key()))
        .min();
    match best {
        Some((d, k)) if d <= 3 => format!("unknown placeholder {{{key}}}; did you mean {{{k}}}?"),
        _ => format!(
            "unknown placeholder {{{key}}}; known ones are {}",
            Placeholder::ALL
                .iter()
                .map(|p| format!("{{{}}}", p.key()))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// Levenshtein distance, for "did you mean" hints on tiny strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Renders a template for one reply. Pure: everything it needs is in `ctx`.
///
/// A placeholder whose value is unknown takes its fallback, or renders empty; it never shows
/// as `{order_number}`. When an empty value leaves a stray space before punctuation or
/// another space ("your order {order_number|}." → "your order."), that space is dropped.
pub fn render(template: &Template, ctx: &ReplyContext) -> RenderedReply {
    let follow_up_at = template.follow_up.due(ctx.now, &ctx.calendar);
    let values = ctx.values(follow_up_at);
    let body = tidy_body(&render_segments(&template.body, &values));
    let subject = match &template.subject {
        Some(segs) => {
            let s = crate::mail::sanitize::line(&render_segments(segs, &values));
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if s.is_empty() {
                crate::send::compose::reply_subject(&ctx.subject)
            } else {
                s
            }
        }
        None => crate::send::compose::reply_subject(&ctx.subject),
    };
    RenderedReply {
        subject,
        body,
        follow_up_at,
    }
}

/// Resolved placeholder values; `None` means unknown (use the fallback).
#[derive(Debug, Clone, Default)]
pub struct Values {
    map: Vec<(Placeholder, Option<String>)>,
}

impl Values {
    pub fn new(map: Vec<(Placeholder, Option<String>)>) -> Self {
        Values { map }
    }
    fn get(&self, p: Placeholder) -> Option<&str> {
        self.map
            .iter()
            .find(|(k, _)| *k == p)
            .and_then(|(_, v)| v.as_deref())
            .filter(|v| !v.is_empty())
    }
}

fn render_segments(segments: &[Segment], values: &Values) -> String {
    let mut out = String::new();
    let mut drop_space_before_next = false;
    for seg in segments {
        match seg {
            Segment::Text(t) => {
                if drop_space_before_next
                    && out.ends_with(' ')
                    && t.starts_with(|c: char| {
                        c == ' ' || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')')
                    })
                {
                    out.pop();
                }
                drop_space_before_next = false;
                out.push_str(t);
            }
            Segment::Field {
                placeholder,
                fallback,
            } => {
                let value = values.get(*placeholder).or(fallback.as_deref());
                match value {
                    Some(v) if !v.is_empty() => {
                        out.push_str(v);
                        drop_space_before_next = false;
                    }
                    _ => drop_space_before_next = true,
                }
            }
        }
    }
    out
}

/// Trailing spaces and blank lines at the ends are noise; the body ends with one newline.
fn tidy_body(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(|l| l.trim_end()).collect();
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map(|i| i + 1)
        .unwrap_or(0);
    let mut out = lines.get(start..end).unwrap_or_default().join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests;
