//! Cleaning of every string that came from a message before it reaches the terminal or an
//! outgoing header.
//!
//! Mail is hostile input: a subject can carry `ESC ]` sequences that rewrite the terminal
//! title or plant hyperlinks, a display name can carry CR/LF that would inject headers into a
//! reply (and make lettre panic), and bidi overrides can make `gpj.exe` look like `exe.jpg`.
//! mailparse decodes `=?utf-8?b?...?=` encoded-words back into raw CR/LF/ESC, so decoding does
//! not protect us; these functions must run on the *decoded* text.
//!
//! The work is a single pass over the characters with a small state machine for escape
//! sequences, so that a whole sequence (`ESC [ 3 1 m`, `ESC ] 8 ; ; url BEL`) disappears
//! instead of leaving its printable tail (`[31m`) behind.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// 8-bit String Terminator.
const ST8: char = '\u{9c}';

/// One cleaned line for lists, headers and status lines: no controls, no escape sequences, no
/// bidi controls; CR, LF, TAB and other whitespace runs become one space; trimmed.
pub fn line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for piece in Pieces::new(s) {
        match piece {
            Piece::Char(c) if is_collapsible_space(c) => pending_space = true,
            Piece::Char(c) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
            Piece::Newline | Piece::Tab => pending_space = true,
        }
    }
    let safe = width_safe(&out);
    if safe.len() == out.len() {
        return out;
    }
    // Dropping invisible characters can leave doubled or outer spaces.
    safe.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text whose width every terminal agrees on, so that what ratatui thinks a cell holds is what
/// the terminal draws. Terminals disagree on emoji ZWJ sequences (one glyph of 2 columns, or
/// each part drawn separately), regional-indicator flags (2 columns, 1, or two letters),
/// variation selectors and skin-tone modifiers (they change a character's width), and
/// invisible fillers (U+115F HANGUL CHOSEONG FILLER is 2 columns wide yet draws nothing).
/// Per grapheme cluster:
/// - a flag becomes its two letters in brackets: 🇩🇪 → `[DE]`;
/// - an emoji ZWJ sequence keeps its first emoji: 👩‍👩‍👧 → 👩;
/// - variation selectors, skin-tone modifiers, tag characters, the keycap mark and invisible
///   format characters (zero-width space, word joiner, soft hyphen, Hangul fillers,
///   noncharacters) are dropped;
/// - a cluster keeps at most 8 characters (a "Zalgo" pile of combining marks cannot grow
///   into the lines above and below).
pub fn width_safe(s: &str) -> String {
    if s.chars().all(is_width_simple) {
        return s.to_string();
    }
    // Grapheme segmentation is costly and most text needs none: a cluster of simple characters
    // is one character (or CR LF) and comes out as it went in. Between two simple characters
    // (not CR LF) every segmentation breaks, whatever came before, so the text is cut there
    // into chunks and only the chunks holding a character that needs care are segmented:
    // the same clusters, hence the same output, as segmenting the whole text.
    let mut out = String::with_capacity(s.len());
    let mut written = 0; // s[..written] is in `out`
    let mut chunk = 0; // the latest safe break at or after `written`
    let mut careful = false; // s[chunk..] holds a character that needs care
    let mut prev: Option<(char, bool)> = None;
    for (i, c) in s.char_indices() {
        let simple = is_width_simple(c);
        if let Some((p, p_simple)) = prev {
            if p_simple && simple && !(p == '\r' && c == '\n') {
                if careful {
                    out.push_str(&s[written..chunk]);
                    push_width_safe_clusters(&s[chunk..i], &mut out);
                    written = i;
                    careful = false;
                }
                chunk = i;
            }
        }
        careful |= !simple;
        prev = Some((c, simple));
    }
    if careful {
        out.push_str(&s[written..chunk]);
        push_width_safe_clusters(&s[chunk..], &mut out);
    } else {
        out.push_str(&s[written..]);
    }
    out
}

/// [`width_safe`] of one chunk, cluster by cluster.
fn push_width_safe_clusters(s: &str, out: &mut String) {
    for g in s.graphemes(true) {
        let mut chars = g.chars().peekable();
        let Some(&first) = chars.peek() else { continue };
        if is_regional_indicator(first) {
            let letters: String = g
                .chars()
                .filter(|c| is_regional_indicator(*c))
                .filter_map(|c| char::from_u32(c as u32 - 0x1F1E6 + u32::from(b'A')))
                .collect();
            if letters.chars().count() == 2 {
                out.push('[');
                out.push_str(&letters);
                out.push(']');
            } else {
                out.push_str(&letters);
            }
            continue;
        }
        let kept: Vec<char> = g.chars().filter(|c| !is_dropped_for_width(*c)).collect();
        let Some(&base) = kept.first() else { continue };
        if g.contains('\u{200d}') && (base.width().unwrap_or(0) == 2 || is_pictographic(base)) {
            // An emoji ZWJ sequence: its first emoji stands for the whole.
            out.push(base);
            continue;
        }
        for c in kept.into_iter().filter(|c| *c != '\u{200d}').take(8) {
            out.push(c);
        }
    }
}

/// A character [`width_safe`] leaves alone wherever it stands: Unicode gives it the grapheme
/// break property Other, Control, CR or LF (no mark, joiner, Hangul jamo, prepended or
/// regional-indicator character: it is a cluster of its own, or CR LF), and it is not one of
/// the characters dropped for width. Below U+0300 that is everything but the soft hyphen; above
/// it, the blocks of everyday mail text are listed (typographic quotes and dashes, the euro
/// sign, Greek, Cyrillic letters, CJK ideographs, kana, full-width forms). Everything else
/// needs care and is looked at by grapheme cluster.
fn is_width_simple(c: char) -> bool {
    if c < '\u{300}' {
        return c != '\u{ad}';
    }
    matches!(c,
        '\u{370}'..='\u{3ff}'          // Greek
        | '\u{400}'..='\u{482}'        // Cyrillic letters (U+0483..=U+0489 are marks)
        | '\u{48a}'..='\u{4ff}'
        | '\u{1e00}'..='\u{1eff}'      // Latin Extended Additional (Vietnamese)
        | '\u{2010}'..='\u{2027}'      // dashes, quotes, bullets, ellipsis
        | '\u{2030}'..='\u{205e}'      // per mille, primes, guillemets
        | '\u{20a0}'..='\u{20c0}'      // currency signs
        | '\u{2100}'..='\u{214f}'      // letterlike symbols (™, №)
        | '\u{3041}'..='\u{3096}'      // hiragana (U+3099, U+309A are marks)
        | '\u{30a1}'..='\u{30fa}'      // katakana
        | '\u{4e00}'..='\u{9fff}'      // CJK unified ideographs
        | '\u{ff01}'..='\u{ff60}'      // full-width forms
    )
}

/// Roughly Unicode's Extended_Pictographic: symbols that can start an emoji ZWJ sequence.
fn is_pictographic(c: char) -> bool {
    matches!(c, '\u{a9}' | '\u{ae}' | '\u{2190}'..='\u{2bff}' | '\u{3030}' | '\u{303d}' | '\u{1f000}'..='\u{1faff}')
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
}

/// Characters dropped by [`width_safe`]: they either draw nothing or change the width of the
/// character before them differently from one terminal to the next.
pub fn is_dropped_for_width(c: char) -> bool {
    matches!(c,
        '\u{fe00}'..='\u{fe0f}'          // variation selectors
        | '\u{e0100}'..='\u{e01ef}'      // ideographic variation selectors
        | '\u{1f3fb}'..='\u{1f3ff}'      // skin-tone modifiers
        | '\u{e0000}'..='\u{e007f}'      // tag characters
        | '\u{20e3}'                      // combining enclosing keycap
        | '\u{ad}'                        // soft hyphen
        | '\u{34f}'                       // combining grapheme joiner
        | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers
        | '\u{180e}'                      // Mongolian vowel separator
        | '\u{200b}' | '\u{200c}'          // zero-width space, non-joiner
        | '\u{2060}'..='\u{2064}'        // word joiner, invisible operators
        | '\u{206a}'..='\u{206f}'        // deprecated format characters
        | '\u{fff9}'..='\u{fffb}'        // interlinear annotation
        | '\u{fdd0}'..='\u{fdef}'        // noncharacters
    ) || (c as u32 & 0xfffe) == 0xfffe // U+xFFFE and U+xFFFF noncharacters
}

/// Display width of `s` measured by grapheme cluster, as ratatui measures it.
pub fn display_width(s: &str) -> usize {
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// A cleaned message body: like [`line`] but newlines are kept (CRLF and lone CR become LF),
/// tabs are expanded to the next multiple of 4 columns (a tab's width depends on the terminal,
/// which would break our layout), and leading blank lines and trailing whitespace are trimmed.
pub fn body(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut column = 0usize;
    let mut pieces = Pieces::new(s);
    loop {
        // Most of a body is printable ASCII: one character, one column, nothing to clean.
        let run = pieces.printable_ascii_run();
        out.push_str(run);
        column += run.len();
        let Some(piece) = pieces.next() else { break };
        match piece {
            Piece::Newline => {
                out.push('\n');
                column = 0;
            }
            Piece::Tab => {
                let spaces = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            Piece::Char(c) => {
                out.push(c);
                column += c.width().unwrap_or(0);
            }
        }
    }
    let mut out = width_safe(&out);
    let trimmed_end = out.trim_end().len();
    out.truncate(trimmed_end);
    // Drop leading blank lines but keep the indentation of the first real line.
    let first_content = out
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map(|(i, _)| i)
        .unwrap_or(out.len());
    let start = out[..first_content].rfind('\n').map(|i| i + 1).unwrap_or(0);
    out.drain(..start);
    out
}

/// A file name safe to show and to save under: [`line`] without path separators, never `.`
/// or `..`, at most 255 bytes (the usual file-system limit).
pub fn filename(s: &str) -> String {
    let cleaned: String = line(s)
        .chars()
        .map(|c| match c {
            '/' | '\\' => '_',
            c => c,
        })
        .collect();
    let mut name = match cleaned.as_str() {
        "." | ".." => "_".to_string(),
        _ => cleaned,
    };
    if name.len() > MAX_FILENAME_BYTES {
        let mut cut = MAX_FILENAME_BYTES;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    name
}

/// True when `s` contains nothing [`line`] would remove or change (besides trimming and
/// whitespace collapsing): used by tests and debug assertions.
pub fn is_clean_line(s: &str) -> bool {
    !s.chars().any(|c| {
        c.is_control()
            || is_bidi_control(c)
            || c == '\u{feff}'
            || c == '\u{200d}'
            || is_regional_indicator(c)
            || is_dropped_for_width(c)
    })
}

/// True for bidi controls (embeddings, overrides, isolates, marks): for tests that check
/// output.
pub fn is_bidi(c: char) -> bool {
    is_bidi_control(c)
}

const TAB_WIDTH: usize = 4;
const MAX_FILENAME_BYTES: usize = 255;

/// Whitespace that [`line`] folds into one space. Other spaces (NO-BREAK SPACE, ideographic
/// space …) are kept: they are content, not layout accidents.
fn is_collapsible_space(c: char) -> bool {
    c.is_ascii_whitespace()
}

/// Bidi embeddings, overrides and isolates, and the implicit marks (LRM, RLM, ALM).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// What survives of the input, one step at a time: a printable character, a line break or a
/// tab. Everything else is swallowed by the iterator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Char(char),
    Newline,
    Tab,
}

struct Pieces<'a> {
    s: &'a str,
    /// Byte offset of the next unread character.
    pos: usize,
    /// No string terminator exists at or after this offset (found by an earlier failed
    /// search), so a text full of unterminated `ESC ]` stays linear instead of quadratic.
    no_terminator_from: usize,
}

impl<'a> Pieces<'a> {
    fn new(s: &'a str) -> Self {
        Pieces {
            s,
            pos: 0,
            no_terminator_from: usize::MAX,
        }
    }

    /// The printable ASCII (U+0020..=U+007E) from here on, consumed: each of those characters
    /// is its own [`Piece::Char`].
    fn printable_ascii_run(&mut self) -> &'a str {
        let rest = &self.s[self.pos..];
        let n = rest
            .bytes()
            .position(|b| !(0x20..=0x7e).contains(&b))
            .unwrap_or(rest.len());
        self.pos += n;
        &rest[..n]
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// After `ESC [` or 8-bit CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, one final
    /// byte 0x40–0x7E. A character outside those ranges aborts the sequence (as terminals do)
    /// and is then read normally.
    fn skip_csi(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                '\u{30}'..='\u{3f}' | '\u{20}'..='\u{2f}' => {
                    self.bump();
                }
                '\u{40}'..='\u{7e}' => {
                    self.bump();
                    return;
                }
                _ => return,
            }
        }
    }

    /// After an OSC/DCS/SOS/PM/APC introducer: the string runs to ST (`ESC \` or U+009C), or
    /// BEL (xterm's OSC terminator). When no terminator follows, only the introducer is
    /// dropped: hiding the rest of a message behind a stray `ESC P` would lose content.
    fn skip_string(&mut self) {
        if self.pos >= self.no_terminator_from {
            return;
        }
        let rest = &self.s[self.pos..];
        let mut iter = rest.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let end = match c {
                BEL | ST8 => Some(i + c.len_utf8()),
                ESC if matches!(iter.peek(), Some((_, '\\'))) => Some(i + 2),
                _ => None,
            };
            if let Some(end) = end {
                self.pos += end;
                return;
            }
        }
        self.no_terminator_from = self.pos;
    }

    /// After a lone ESC: an ESC sequence `ESC I* F` (intermediates 0x20–0x2F, final
    /// 0x30–0x7E), or one of the introducers handled above.
    fn skip_escape(&mut self) {
        match self.peek() {
            Some('[') => {
                self.bump();
                self.skip_csi();
            }
            Some(']' | 'P' | 'X' | '^' | '_') => {
                self.bump();
                self.skip_string();
            }
            Some('\u{20}'..='\u{2f}') => {
                while let Some('\u{20}'..='\u{2f}') = self.peek() {
                    self.bump();
                }
                if let Some('\u{30}'..='\u{7e}') = self.peek() {
                    self.bump();
                }
            }
            Some('\u{30}'..='\u{7e}') => {
                self.bump();
            }
            // A lone ESC (end of input, or followed by a control or non-ASCII) is dropped.
            _ => {}
        }
    }
}

impl Iterator for Pieces<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        loop {
            let c = self.bump()?;
            match c {
                '\n' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                    return Some(Piece::Newline)
                }
                '\r' => {
                    if self.peek() == Some('\n') {
                        self.bump();
                    }
                    return Some(Piece::Newline);
                }
                '\t' => return Some(Piece::Tab),
                ESC => self.skip_escape(),
                '\u{9b}' => self.skip_csi(),
                '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => self.skip_string(),
                c if c.is_control() => {}
                c if is_bidi_control(c) || c == '\u{feff}' => {}
                c => return Some(Piece::Char(c)),
            }
        }
    }
}

#[cfg(test)]
#[path = "sanitize_tests.rs"]
mod tests;
