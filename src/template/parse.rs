//! Template text → [`Template`]: the header, then the body as literal text, placeholders and
//! conditional blocks. Strict: every problem is reported with its line and column.

use std::path::Path;

use super::lang::Language;
use super::{Condition, FollowUp, Placeholder, Segment, Template, TemplateError};

pub(super) fn parse_template(path: &Path, text: &str) -> Result<Template, Vec<TemplateError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut name = None;
    let mut subject = None;
    let mut follow_up = FollowUp::None;
    let mut language = Language::default();
    let mut attach = Vec::new();
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
                "language" | "lang" => match Language::parse(value) {
                    Some(l) => language = l,
                    None => errors.push(TemplateError::syntax(
                        path,
                        lineno,
                        value_col,
                        format!(
                            "unknown language \"{value}\"; shopinbox writes {}",
                            Language::known_codes()
                        ),
                    )),
                },
                "attach" => {
                    if value.is_empty() {
                        errors.push(TemplateError::syntax(
                            path,
                            lineno,
                            value_col,
                            "attach names no file; write `attach: ~/shop/returns-label.pdf`",
                        ));
                    } else {
                        attach.push(value.to_string());
                    }
                }
                other => errors.push(TemplateError::syntax(
                    path,
                    lineno,
                    1,
                    format!(
                        "unknown header \"{other}\"; the header knows name, subject, follow_up, \
                         language and attach"
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
        language,
        attach,
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

/// An `{if …}` block being read.
struct Open {
    condition: Condition,
    then: Vec<Segment>,
    otherwise: Option<Vec<Segment>>,
    line: usize,
    column: usize,
}

/// Where parsed segments go: the innermost open block's current branch, or the top level.
struct Builder {
    root: Vec<Segment>,
    open: Vec<Open>,
    literal: String,
}

impl Builder {
    fn target(&mut self) -> &mut Vec<Segment> {
        match self.open.last_mut() {
            Some(o) => match &mut o.otherwise {
                Some(e) => e,
                None => &mut o.then,
            },
            None => &mut self.root,
        }
    }

    fn flush(&mut self) {
        if !self.literal.is_empty() {
            let text = std::mem::take(&mut self.literal);
            self.target().push(Segment::Text(text));
        }
    }

    fn push(&mut self, seg: Segment) {
        self.flush();
        self.target().push(seg);
    }
}

/// What the text between `{` and `}` is.
enum Tag {
    Segment(Segment),
    If(Condition),
    Else,
    End,
}

/// Splits text into literal text, placeholders and `{if …}…{else}…{end}` blocks.
/// `line`/`column` give the position of the first character so that errors point into the
/// file. A block tag alone on its line takes the line break after it along, so that
///
/// ```text
/// {if order}
/// Your order {order_numbers} …
/// {end}
/// ```
///
/// leaves no blank line when there is no order.
pub fn parse_segments(
    text: &str,
    line: usize,
    column: usize,
) -> Result<Vec<Segment>, Vec<SyntaxError>> {
    let mut b = Builder {
        root: Vec::new(),
        open: Vec::new(),
        literal: String::new(),
    };
    let mut errors = Vec::new();
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
        let at_line_start = start_col == 1;
        advance(c, &mut ln, &mut col);
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                col += 1;
                b.literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                col += 1;
                b.literal.push('}');
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
                let err = |message: String| SyntaxError {
                    line: start_ln,
                    column: start_col,
                    message,
                };
                let tag = match parse_tag(&inner) {
                    Ok(t) => t,
                    Err(message) => {
                        errors.push(err(message));
                        continue;
                    }
                };
                let block_tag = !matches!(tag, Tag::Segment(_));
                match tag {
                    Tag::Segment(seg) => b.push(seg),
                    Tag::If(condition) => {
                        b.flush();
                        b.open.push(Open {
                            condition,
                            then: Vec::new(),
                            otherwise: None,
                            line: start_ln,
                            column: start_col,
                        });
                    }
                    Tag::Else => {
                        b.flush();
                        match b.open.last_mut() {
                            Some(o) if o.otherwise.is_none() => o.otherwise = Some(Vec::new()),
                            Some(_) => errors.push(err(
                                "a second `{else}` in the same `{if …}`; close it with `{end}` first"
                                    .into(),
                            )),
                            None => errors.push(err(
                                "an `{else}` without its `{if …}`".into(),
                            )),
                        }
                    }
                    Tag::End => {
                        b.flush();
                        match b.open.pop() {
                            Some(o) => b.push(Segment::If {
                                condition: o.condition,
                                then: o.then,
                                otherwise: o.otherwise.unwrap_or_default(),
                            }),
                            None => errors.push(err("an `{end}` without its `{if …}`".into())),
                        }
                    }
                }
                if block_tag && at_line_start && chars.peek() == Some(&'\n') {
                    chars.next();
                    advance('\n', &mut ln, &mut col);
                }
            }
            _ => b.literal.push(c),
        }
    }
    for o in &b.open {
        errors.push(SyntaxError {
            line: o.line,
            column: o.column,
            message: "an `{if …}` that is never closed; add `{end}` where its text ends".into(),
        });
    }
    b.flush();
    if errors.is_empty() {
        Ok(b.root)
    } else {
        Err(errors)
    }
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `offer.discount_code` → `discount_code`.
fn offer_key(s: &str) -> Option<Result<String, String>> {
    let key = s
        .strip_prefix("offer.")
        .or_else(|| s.strip_prefix("offers."))?
        .trim();
    Some(if is_key(key) {
        Ok(key.to_string())
    } else {
        Err(format!(
            "\"{key}\" is not a key of [offers]; keys are lower case letters, digits and `_`"
        ))
    })
}

fn parse_tag(inner: &str) -> Result<Tag, String> {
    let trimmed = inner.trim();
    match trimmed {
        "else" => return Ok(Tag::Else),
        "end" | "endif" | "end if" => return Ok(Tag::End),
        _ => {}
    }
    if let Some(cond) = trimmed.strip_prefix("if ") {
        return parse_condition(cond.trim()).map(Tag::If);
    }
    if trimmed == "if" {
        return Err("an `{if}` without a condition; write e.g. `{if late}` or `{if order}`".into());
    }
    let (key, fallback) = match inner.split_once('|') {
        Some((k, f)) => (k.trim(), Some(f.to_string())),
        None => (trimmed, None),
    };
    if let Some(key) = offer_key(key) {
        let key = key?;
        if fallback.is_some() {
            return Err(format!(
                "{{offer.{key}}} takes no fallback: an offer the config does not hold is never \
                 made up; wrap the sentence in {{if offer.{key}}}…{{end}} instead"
            ));
        }
        return Ok(Tag::Segment(Segment::Offer { key }));
    }
    match Placeholder::from_key(key) {
        Some(placeholder) => Ok(Tag::Segment(Segment::Field {
            placeholder,
            fallback,
        })),
        None => Err(unknown_placeholder_message(key)),
    }
}

fn parse_condition(cond: &str) -> Result<Condition, String> {
    match cond {
        "late" => return Ok(Condition::Late),
        "order" => return Ok(Condition::Known(Placeholder::OrderNumber)),
        "orders" => return Ok(Condition::SeveralOrders),
        _ => {}
    }
    if let Some(key) = offer_key(cond) {
        return key.map(Condition::Offer);
    }
    match Placeholder::from_key(cond) {
        Some(p) => Ok(Condition::Known(p)),
        None => Err(format!(
            "unknown condition `{{if {cond}}}`; write late, order, orders, offer.KEY or a \
             placeholder name such as first_name"
        )),
    }
}

fn unknown_placeholder_message(key: &str) -> String {
    if key.is_empty() {
        return "an empty placeholder `{}`; write `{{}}` for literal braces".into();
    }
    match crate::text::closest(key, Placeholder::ALL.into_iter().map(|p| p.key()), 3) {
        Some(k) => format!("unknown placeholder {{{key}}}; did you mean {{{k}}}?"),
        _ => format!(
            "unknown placeholder {{{key}}}; known ones are {} and {{offer.KEY}}",
            Placeholder::ALL
                .iter()
                .map(|p| format!("{{{}}}", p.key()))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}
