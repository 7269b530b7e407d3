//! HTML bodies → text: `nanohtml2text` when the markup is sound, a tag stripper otherwise.
//!
//! The text is what the store keeps, searches and classifies, and what the reader wraps to the
//! terminal's width. `nanohtml2text` is one linear pass over the markup (links as "text (url)",
//! blocks and cells on lines of their own, scripts, styles and the head dropped, entities
//! decoded): on the benchmark's corpus it is ~11× faster than laying the HTML out with
//! `html2text`, which was a fifth of a first sync's CPU, and its text has no table borders or
//! padding to a fixed width for the reader to wrap again.

use std::sync::LazyLock;

use regex::Regex;

use super::mime::Text;
use crate::mail::sanitize;

/// More '<' than this that open a tag never closed by a '>' and the markup goes to the tag
/// stripper: `nanohtml2text` looks for each such tag's end up to the end of the text, so a
/// message of "<a<a<a…" would take time growing with the square of its length (20 s for
/// 200 KB). Sound HTML has none; a cut-off message has one.
pub(super) const MAX_UNTERMINATED_TAGS: usize = 8;

/// Pieces of text → one body: HTML turned into text, pieces joined by a blank line, sanitized.
pub(super) fn render_texts(texts: Vec<Text>, problems: &mut Vec<String>) -> String {
    let pieces: Vec<String> = texts
        .into_iter()
        .filter(|t| !t.is_empty())
        .map(|t| match t {
            Text::Plain(s) => s,
            Text::Html(h) => html_to_text(&h, problems),
        })
        .collect();
    sanitize::body(&pieces.join("\n\n"))
}

/// HTML → readable text with `nanohtml2text`, or with the tags stripped when its markup is
/// broken enough to make that slow.
fn html_to_text(html: &str, problems: &mut Vec<String>) -> String {
    if unterminated_tags(html) > MAX_UNTERMINATED_TAGS {
        problems.push("the HTML's tags are broken; shown with tags removed".into());
        return strip_tags(html);
    }
    // Its line breaks are "\r\n"; `sanitize::body` makes them one newline each.
    nanohtml2text::html2text(html)
}

/// How many '<' open a tag (a letter, '/', '!' or '?' follows, and it is not a comment) whose
/// '>' never comes: the scan `nanohtml2text` makes for each tag's end (a '>' outside quoted
/// attribute values; a quote opens a value only right after '='), done once from the end of the
/// text for every starting point at the same time, so that this count stays linear.
fn unterminated_tags(html: &str) -> usize {
    // What a scan that is at some position finds from there on, by the scan's state:
    // outside quotes (just after '=' or not), inside a "-quoted or a '-quoted value.
    #[derive(Clone, Copy, Default)]
    struct Ends {
        plain: bool,
        after_eq: bool,
        double: bool,
        single: bool,
    }
    let mut ends = Ends::default();
    let mut count = 0;
    let mut next: Option<char> = None;
    for (i, c) in html.char_indices().rev() {
        if c == '<'
            && next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
            && !html[i + 1..].starts_with("!--")
            && !ends.plain
        {
            count += 1;
        }
        let after = ends;
        ends = Ends {
            plain: match c {
                '>' => true,
                '=' => after.after_eq,
                _ => after.plain,
            },
            after_eq: match c {
                '>' => true,
                '"' => after.double,
                '\'' => after.single,
                '=' => after.after_eq,
                c if c.is_whitespace() => after.after_eq,
                _ => after.plain,
            },
            double: if c == '"' { after.plain } else { after.double },
            single: if c == '\'' { after.plain } else { after.single },
        };
        next = Some(c);
    }
    count
}

static SCRIPT_OR_STYLE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->").ok()
});
static BREAKING_TAG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)<br\s*/?>|</?(p|div|tr|li|h[1-6]|table|blockquote)\b[^>]*>").ok()
});
static ANY_TAG: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"<[^>]*>").ok());

/// Last-resort HTML → text: drop scripts, styles and tags, break lines at block tags, decode
/// the common entities.
fn strip_tags(html: &str) -> String {
    let mut text = html.to_string();
    for (re, with) in [
        (&*SCRIPT_OR_STYLE, ""),
        (&*BREAKING_TAG, "\n"),
        (&*ANY_TAG, ""),
    ] {
        if let Some(re) = re {
            text = re.replace_all(&text, with).into_owned();
        }
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::unterminated_tags;

    #[test]
    fn unterminated_tags_counts_what_nanohtml2text_cannot_end() {
        let cases = [
            ("<p>x</p>", 0),
            ("a < b and c<d", 1),
            ("5 < 6", 0),
            ("<a title=\"x>y\">z</a>", 0),
            ("<a title=\"x>y>z", 1),
            ("<a title='x\">y'>z", 0),
            ("<a title=x\"y>z", 0),
            ("<!-- no end <b", 1),
            ("<!-- <b", 1),
            ("<a<a<a", 3),
            ("<a x=\"<a x=\"<a x=\"", 3),
            ("<a x=\"<b>\"<c>", 0),
            ("</b", 1),
            ("<?xml", 1),
        ];
        for (html, want) in cases {
            assert_eq!(unterminated_tags(html), want, "{html}");
        }
    }
}
