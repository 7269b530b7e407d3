//! Search snippets cut from the picked messages' own text. FTS5's `snippet()` needs a MATCH,
//! and a MATCH of a 2–3 letter prefix ("tr"*) merges the postings of every word beginning
//! with it, 12–19 ms at 100,000 messages, once more after the walks that found the hits
//! (issue 22, search p95). The words are compared as the index compares them where that is
//! cheap (letters and digits, case folded); a hit whose words only match with diacritics
//! folded (the index's `remove_diacritics 2`) gets FTS5's snippet as before.

/// How many words a snippet shows (as `snippet()` was asked for).
const WORDS: usize = 12;
/// Words shown before the first match.
const BEFORE: usize = 3;

/// The words of what the owner typed, as the index splits them (runs of letters and digits),
/// lower case; the last one matches as a prefix when `prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Terms {
    words: Vec<String>,
    prefix: bool,
}

impl Terms {
    pub(super) fn new(input: &str, prefix: bool) -> Terms {
        Terms {
            words: tokens(input).map(|(_, w)| w.to_lowercase()).collect(),
            prefix,
        }
    }

    fn matches(&self, token: &str) -> bool {
        let token = token.to_lowercase();
        let last = self.words.len().saturating_sub(1);
        self.words.iter().enumerate().any(|(i, w)| {
            if self.prefix && i == last {
                token.starts_with(w.as_str())
            } else {
                token == *w
            }
        })
    }
}

/// About a dozen words of `text` from a few before the first word that matches, with "…"
/// where the text goes on; `None` when no word matches.
pub(super) fn cut(text: &str, terms: &Terms) -> Option<String> {
    if terms.words.is_empty() {
        return None;
    }
    let spans: Vec<(usize, &str)> = tokens(text).collect();
    let hit = spans.iter().position(|(_, t)| terms.matches(t))?;
    let first = hit.saturating_sub(BEFORE);
    let last = (first + WORDS).min(spans.len()) - 1;
    let (start, _) = spans.get(first)?;
    let (end_at, end_word) = spans.get(last)?;
    let end = end_at + end_word.len();
    let body = text.get(*start..end)?;
    let before = if first > 0 { "…" } else { "" };
    let after = if last + 1 < spans.len() { "…" } else { "" };
    Some(format!("{before}{body}{after}"))
}

/// Runs of letters and digits with their byte offsets.
fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            rest.next();
        }
        text.get(start..end).map(|t| (start, t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_table() {
        let long = "one two three four five six seven eight nine ten eleven twelve thirteen \
                    fourteen refund sixteen seventeen eighteen nineteen twenty twentyone \
                    twentytwo twentythree twentyfour twentyfive";
        for (what, text, input, prefix, want) in [
            (
                "short text, whole",
                "sadly the mug arrived broken",
                "mug",
                false,
                Some("sadly the mug arrived broken"),
            ),
            (
                "a longer word is no whole-word match",
                "both mugs arrived fine",
                "mug",
                false,
                None,
            ),
            (
                "but a prefix match",
                "both mugs arrived fine",
                "mug",
                true,
                Some("both mugs arrived fine"),
            ),
            (
                "cut on both sides, three words before",
                long,
                "refund",
                false,
                Some(
                    "…twelve thirteen fourteen refund sixteen seventeen eighteen nineteen \
                     twenty twentyone twentytwo twentythree…",
                ),
            ),
            (
                "case folded, punctuation splits words",
                "Order #1234: REFUND please!",
                "refund",
                false,
                Some("Order #1234: REFUND please"),
            ),
            (
                "any of several words, only the last as a prefix",
                "the parcel was damaged in transit",
                "parcel dam",
                true,
                Some("the parcel was damaged in transit"),
            ),
            (
                "non-ASCII words",
                "Grüße aus Köln",
                "köln",
                false,
                Some("Grüße aus Köln"),
            ),
            (
                "diacritics are the index's business",
                "Grüße von jurgen",
                "jürgen",
                false,
                None,
            ),
            ("nothing typed", "anything", "  ", true, None),
        ] {
            assert_eq!(
                cut(text, &Terms::new(input, prefix)).as_deref(),
                want,
                "{what}"
            );
        }
    }
}
