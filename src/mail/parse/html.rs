//! HTML bodies → text: html2text when the nesting is sane, a tag stripper otherwise.

use std::sync::LazyLock;

use regex::Regex;

use super::mime::Text;
use crate::mail::sanitize;

/// html2text's wrap width for HTML-only mail.
const HTML_WIDTH: usize = 80;
/// Deeper HTML than this is not given to html2text: its layout time grows with the square of
/// the nesting (100 000 nested `<div>`s take minutes), so a hostile message could stall sync.
pub(super) const MAX_HTML_DEPTH: usize = 200;

/// Pieces of text → one body: HTML laid out as text, pieces joined by a blank line, sanitized.
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

/// HTML → readable text with html2text, or with the tags stripped when it cannot be laid out.
fn html_to_text(html: &str, problems: &mut Vec<String>) -> String {
    if html_depth(html) > MAX_HTML_DEPTH {
        problems.push("the HTML is nested too deeply to lay out; shown with tags removed".into());
        return strip_tags(html);
    }
    match html2text::from_read(html.as_bytes(), HTML_WIDTH) {
        Ok(text) => text,
        Err(e) => {
            problems.push(format!(
                "cannot turn the HTML into text ({e}); shown with tags removed"
            ));
            strip_tags(html)
        }
    }
}

/// A cheap upper estimate of element nesting: open tags minus close tags, ignoring void
/// elements and the ones whose end tag is optional (they close themselves when repeated).
fn html_depth(html: &str) -> usize {
    const NOT_NESTING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = if closing { i + 1 } else { i };
        let name_len = bytes
            .get(name_start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        // Look only up to the next '<' or '>' so that "<a<a<a…" stays linear.
        let rest = bytes.get(i..).unwrap_or_default();
        let self_closing = rest
            .iter()
            .position(|&b| b == b'>' || b == b'<')
            .and_then(|end| rest.get(..=end))
            .is_some_and(|tag| tag.ends_with(b"/>"));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
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
