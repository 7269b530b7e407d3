//! [`Template`] + [`ReplyContext`] → reply text. Pure.

use std::collections::BTreeMap;

use super::{Condition, Placeholder, RenderedReply, ReplyContext, Segment, Template};

/// Why a template cannot be used for a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(
        "cannot use the template \"{template}\": it needs {} under [offers] in the config, \
         which does not set {}; add {} there (config.example.toml shows how) or choose another \
         template",
        keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and "),
        if keys.len() == 1 { "it" } else { "them" },
        if keys.len() == 1 { "it" } else { "them" }
    )]
    MissingOffer { template: String, keys: Vec<String> },
}

/// Renders a template for one reply. Pure: everything it needs is in `ctx`.
///
/// A placeholder whose value is unknown takes its fallback, or renders empty; it never shows
/// as `{order_number}`. When an empty value (or a condition that is false) leaves a stray space
/// before punctuation or another space ("your order {order_number|}." → "your order."), that
/// space is dropped. A template that does not place `{signature}` gets the signature appended.
/// A template that uses an `{offer.KEY}` the config does not hold is refused: shopinbox never
/// sends a made-up code, amount or address.
pub fn render(template: &Template, ctx: &ReplyContext) -> Result<RenderedReply, RenderError> {
    let follow_up_at = template.follow_up.due(ctx.now, &ctx.calendar);
    let values = ctx.values(template.language, follow_up_at);
    let mut missing = Vec::new();
    let mut body = render_segments(&template.body, &values, &mut missing);
    if !places(&template.body, Placeholder::Signature) {
        if let Some(sig) = values.get(Placeholder::Signature) {
            body = format!("{}\n\n{sig}", body.trim_end());
        }
    }
    let body = tidy_body(&body);
    let subject = match &template.subject {
        Some(segs) => {
            let s = crate::mail::sanitize::line(&render_segments(segs, &values, &mut missing));
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if s.is_empty() {
                crate::mail::header::reply_subject(&ctx.subject)
            } else {
                s
            }
        }
        None => crate::mail::header::reply_subject(&ctx.subject),
    };
    if !missing.is_empty() {
        missing.dedup();
        return Err(RenderError::MissingOffer {
            template: template.name.clone(),
            keys: missing,
        });
    }
    Ok(RenderedReply {
        subject,
        body,
        follow_up_at,
    })
}

/// True when `p` appears anywhere in the segments, in either branch of a condition.
pub(super) fn places(segments: &[Segment], p: Placeholder) -> bool {
    segments.iter().any(|s| match s {
        Segment::Field { placeholder, .. } => *placeholder == p,
        Segment::If {
            then, otherwise, ..
        } => places(then, p) || places(otherwise, p),
        Segment::Text(_) | Segment::Offer { .. } => false,
    })
}

/// Every `[offers]` key the segments use or test, in order of first use.
pub(super) fn offer_keys(segments: &[Segment], out: &mut Vec<String>) {
    for s in segments {
        match s {
            Segment::Offer { key } if !out.contains(key) => out.push(key.clone()),
            Segment::If {
                condition,
                then,
                otherwise,
            } => {
                if let Condition::Offer(key) = condition {
                    if !out.contains(key) {
                        out.push(key.clone());
                    }
                }
                offer_keys(then, out);
                offer_keys(otherwise, out);
            }
            _ => {}
        }
    }
}

/// Resolved values; `None` means unknown (use the fallback).
#[derive(Debug, Clone, Default)]
pub struct Values {
    pub(super) map: Vec<(Placeholder, Option<String>)>,
    /// The reply is sent after the customer's deadline.
    pub(super) late: bool,
    /// How many order numbers the conversation mentions.
    pub(super) orders: usize,
    pub(super) offers: BTreeMap<String, String>,
}

impl Values {
    pub(super) fn get(&self, p: Placeholder) -> Option<&str> {
        self.map
            .iter()
            .find(|(k, _)| *k == p)
            .and_then(|(_, v)| v.as_deref())
            .filter(|v| !v.trim().is_empty())
    }

    fn offer(&self, key: &str) -> Option<&str> {
        self.offers
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    fn holds(&self, c: &Condition) -> bool {
        match c {
            Condition::Late => self.late,
            Condition::SeveralOrders => self.orders >= 2,
            Condition::Known(p) => self.get(*p).is_some(),
            Condition::Offer(key) => self.offer(key).is_some(),
        }
    }
}

struct Out<'a> {
    text: String,
    drop_space_before_next: bool,
    missing: &'a mut Vec<String>,
}

impl Out<'_> {
    fn text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        if self.drop_space_before_next
            && self.text.ends_with(' ')
            && t.starts_with(|c: char| {
                c == ' ' || c == '\n' || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')')
            })
        {
            self.text.pop();
        }
        self.drop_space_before_next = false;
        self.text.push_str(t);
    }

    fn nothing(&mut self) {
        self.drop_space_before_next = true;
    }
}

fn render_segments(segments: &[Segment], values: &Values, missing: &mut Vec<String>) -> String {
    let mut out = Out {
        text: String::new(),
        drop_space_before_next: false,
        missing,
    };
    render_into(segments, values, &mut out);
    out.text
}

fn render_into(segments: &[Segment], values: &Values, out: &mut Out<'_>) {
    for seg in segments {
        match seg {
            Segment::Text(t) => out.text(t),
            Segment::Field {
                placeholder,
                fallback,
            } => match values.get(*placeholder).or(fallback.as_deref()) {
                Some(v) if !v.is_empty() => out.text(v),
                _ => out.nothing(),
            },
            Segment::Offer { key } => match values.offer(key) {
                Some(v) => out.text(v),
                None => {
                    if !out.missing.contains(key) {
                        out.missing.push(key.clone());
                    }
                    out.nothing();
                }
            },
            Segment::If {
                condition,
                then,
                otherwise,
            } => {
                let branch = if values.holds(condition) {
                    then
                } else {
                    otherwise
                };
                let before = out.text.len();
                render_into(branch, values, out);
                if out.text.len() == before {
                    out.nothing();
                }
            }
        }
    }
}

/// Trailing spaces and blank lines at the ends are noise; runs of blank lines (left by a
/// condition that wrote nothing) shrink to one; the body ends with one newline.
fn tidy_body(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(|l| l.trim_end()).collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for l in lines {
        if l.is_empty() && out.last().is_none_or(|p: &&str| p.is_empty()) {
            continue;
        }
        out.push(l);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}
