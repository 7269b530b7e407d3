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
mod tests {
    use super::*;

    #[test]
    fn line_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("plain", "Where is my order?", "Where is my order?"),
            ("trim", "  hello  ", "hello"),
            (
                "crlf becomes space",
                "Hello\r\nBcc: evil@x",
                "Hello Bcc: evil@x",
            ),
            ("lone cr", "a\rb", "a b"),
            ("tab", "a\tb", "a b"),
            ("runs collapse", "a \t\r\n  b", "a b"),
            ("nul and bell", "a\u{0}b\u{7}c", "abc"),
            ("del", "a\u{7f}b", "ab"),
            ("sgr colour", "\u{1b}[31mred\u{1b}[0m text", "red text"),
            ("csi with params", "x\u{1b}[1;31;40my", "xy"),
            ("csi private mode", "\u{1b}[?1049hscreen", "screen"),
            ("clear screen", "\u{1b}[2J\u{1b}[Hhi", "hi"),
            ("osc title bel", "\u{1b}]0;pwned\u{7}Subject", "Subject"),
            ("osc title st", "\u{1b}]2;pwned\u{1b}\\Subject", "Subject"),
            (
                "osc 8 hyperlink keeps text",
                "\u{1b}]8;;https://evil.example/\u{1b}\\click here\u{1b}]8;;\u{1b}\\ now",
                "click here now",
            ),
            ("osc 52 clipboard", "a\u{1b}]52;c;cm0gLXJmIH4=\u{7}b", "ab"),
            ("dcs string", "a\u{1b}Pq#0;2;0;0;0\u{1b}\\b", "ab"),
            ("apc string", "a\u{1b}_Gf=100;AAAA\u{1b}\\b", "ab"),
            ("pm and sos", "a\u{1b}^x\u{1b}\\b\u{1b}Xy\u{9c}c", "abc"),
            ("two-char escape", "a\u{1b}cb", "ab"),
            ("charset designation", "a\u{1b}(Bb", "ab"),
            ("keypad mode", "a\u{1b}=b", "ab"),
            ("lone esc at end", "subject\u{1b}", "subject"),
            ("esc then newline", "a\u{1b}\nb", "a b"),
            ("unterminated osc keeps rest", "a\u{1b}]0;title", "a0;title"),
            ("unterminated csi at end", "a\u{1b}[12", "a"),
            ("csi aborted by non-ascii", "a\u{1b}[1é", "aé"),
            ("c1 csi", "a\u{9b}31mb", "ab"),
            ("c1 osc", "a\u{9d}0;title\u{9c}b", "ab"),
            ("c1 dcs", "a\u{90}data\u{9c}b", "ab"),
            ("other c1", "a\u{80}\u{8d}\u{9a}b", "ab"),
            ("nel is a line break", "a\u{85}b", "a b"),
            ("rlo override", "invoice\u{202e}fdp.exe", "invoicefdp.exe"),
            (
                "all embeddings",
                "\u{202a}a\u{202b}b\u{202c}c\u{202d}d",
                "abcd",
            ),
            ("isolates", "\u{2066}a\u{2067}b\u{2068}c\u{2069}", "abc"),
            ("marks", "a\u{200e}b\u{200f}c\u{61c}d", "abcd"),
            ("bom", "\u{feff}hello", "hello"),
            ("line separator", "a\u{2028}b", "a b"),
            (
                "unicode kept",
                "Bestellung für María 😀",
                "Bestellung für María 😀",
            ),
            ("nbsp kept", "a\u{a0}b", "a\u{a0}b"),
            ("arabic kept", "طلب رقم ١٠٤٢", "طلب رقم ١٠٤٢"),
            ("only controls", "\u{1b}[0m\r\n\u{7}", ""),
            ("empty", "", ""),
        ];
        for (name, input, want) in cases {
            let got = line(input);
            assert_eq!(&got, want, "case {name}");
            assert!(is_clean_line(&got), "case {name} left controls: {got:?}");
        }
    }

    #[test]
    fn width_safe_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("ascii untouched", "Order #1042", "Order #1042"),
            ("plain emoji kept", "Thanks 😀", "Thanks 😀"),
            ("umlauts kept", "Grüße, Jörg", "Grüße, Jörg"),
            ("cjk kept", "注文 1042", "注文 1042"),
            ("combining accent kept", "Jose\u{301}", "Jose\u{301}"),
            (
                "flag to letters",
                "Ship to 🇩🇪 please",
                "Ship to [DE] please",
            ),
            ("two flags", "🇫🇷🇮🇹", "[FR][IT]"),
            ("lone regional indicator", "x🇦y", "xAy"),
            ("zwj family", "Hi 👩\u{200d}👩\u{200d}👧!", "Hi 👩!"),
            ("zwj with vs16", "❤\u{fe0f}\u{200d}🔥 hot", "❤ hot"),
            ("rainbow flag zwj", "🏳\u{fe0f}\u{200d}🌈", "🏳"),
            ("vs16 dropped", "I ❤\u{fe0f} it", "I ❤ it"),
            ("vs15 dropped", "☎\u{fe0e}", "☎"),
            ("skin tone dropped", "👋🏽 hello", "👋 hello"),
            ("keycap", "1\u{fe0f}\u{20e3} first", "1 first"),
            (
                "subdivision flag tags",
                "🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}",
                "🏴",
            ),
            ("zero width space", "a\u{200b}b", "ab"),
            ("word joiner", "a\u{2060}b", "ab"),
            ("hangul filler", "a\u{3164}\u{115f}b", "ab"),
            ("soft hyphen", "Bestel\u{ad}lung", "Bestellung"),
            ("noncharacters", "a\u{fffe}\u{ffff}\u{fdd0}b", "ab"),
            (
                "zalgo capped",
                "Z\u{300}\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308}\u{309}",
                "Z\u{300}\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}",
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(&width_safe(input), want, "case {name}");
            let got = line(input);
            assert!(is_clean_line(&got), "case {name}: {got:?}");
            // Every grapheme is as wide as its characters: no terminal can disagree.
            for g in got.graphemes(true) {
                let by_chars: usize = g.chars().map(|c| c.width().unwrap_or(0)).sum();
                assert_eq!(g.width(), by_chars, "case {name}: grapheme {g:?}");
            }
        }
        assert_eq!(line("a \u{200b} b"), "a b");
        assert_eq!(line("\u{3164}"), "");
        assert_eq!(display_width("[DE] 😀"), 7);
    }

    /// Issue 22: `width_safe` segments only the chunks that hold a character needing care.
    /// The cases mix simple text with each kind of character around the chunk edges.
    #[test]
    fn width_safe_chunks_table() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "apostrophe only",
                "It\u{2019}s here \u{2013} “soon”…",
                "It\u{2019}s here \u{2013} “soon”…",
            ),
            (
                "apostrophe and flag",
                "Don\u{2019}t 🇩🇪 go",
                "Don\u{2019}t [DE] go",
            ),
            ("euro and guillemets", "«Preis» 12 €", "«Preis» 12 €"),
            ("combining after ascii", "cafe\u{301} ok", "cafe\u{301} ok"),
            ("combining at start", "\u{301}x", "\u{301}x"),
            (
                "combining after apostrophe",
                "\u{2019}\u{301}x",
                "\u{2019}\u{301}x",
            ),
            (
                "zalgo mid text",
                "a Z\u{300}\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308} b",
                "a Z\u{300}\u{301}\u{302}\u{303}\u{304}\u{305}\u{306} b",
            ),
            ("zwj after copyright", "x ©\u{200d}👩 y", "x © y"),
            (
                "zwj family mid",
                "Hi 👩\u{200d}👩\u{200d}👧, it\u{2019}s me",
                "Hi 👩, it\u{2019}s me",
            ),
            ("zwj at end", "ok👍\u{200d}", "ok👍"),
            ("skin tone then cjk", "👋🏽注文", "👋注文"),
            (
                "bidi controls kept",
                "a\u{202e}b\u{2066}c\u{200f}",
                "a\u{202e}b\u{2066}c\u{200f}",
            ),
            (
                "cjk and kana",
                "注文ありがとうカタカナ１２",
                "注文ありがとうカタカナ１２",
            ),
            (
                "hangul syllables and jamo",
                "한국어 \u{1100}\u{1161}\u{11a8}",
                "한국어 \u{1100}\u{1161}\u{11a8}",
            ),
            (
                "cyrillic with mark",
                "Привет \u{436}\u{483}",
                "Привет \u{436}\u{483}",
            ),
            ("crlf around emoji", "a\r\n😀\r\nb", "a\r\n😀\r\nb"),
            ("three flags apart", "🇫🇷 x 🇮🇹🇩", "[FR] x [IT]D"),
            (
                "soft hyphen next to apostrophe",
                "it\u{2019}\u{ad}s",
                "it\u{2019}s",
            ),
            ("devanagari", "नमस्ते", "नमस्ते"),
            ("empty", "", ""),
        ];
        for (name, input, want) in cases {
            assert_eq!(&width_safe(input), want, "case {name}");
            assert_eq!(
                width_safe(input),
                whole_text_reference(input),
                "case {name}"
            );
        }
    }

    /// `body` with its printable-ASCII fast path gives what the piece-by-piece loop gives.
    #[test]
    fn body_fast_path_matches_piece_by_piece() {
        fn slow(s: &str) -> String {
            let mut out = String::new();
            let mut column = 0usize;
            for piece in Pieces::new(s) {
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
            out
        }
        let pool: &[&str] = &[
            "a",
            "Bc ",
            "\t",
            "\r\n",
            "\r",
            "\n",
            "\u{1b}[31m",
            "\u{1b}]8;;x\u{7}",
            "注",
            "ü",
            "\u{202e}",
            "\u{feff}",
            "\u{0}",
            "\u{9b}2J",
            "😀",
            "~",
            "\u{7f}",
            "  ",
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        for round in 0..3_000 {
            let s: String = (0..rng.usize(0..30))
                .map(|_| pool[rng.usize(..pool.len())])
                .collect();
            let want = slow(&s);
            let want = width_safe(&want);
            let want = want.trim_end();
            let start = want[..want
                .char_indices()
                .find(|&(_, c)| !c.is_whitespace())
                .map(|(i, _)| i)
                .unwrap_or(want.len())]
                .rfind('\n')
                .map(|i| i + 1)
                .unwrap_or(0);
            assert_eq!(body(&s), &want[start..], "round {round}: {s:?}");
        }
    }

    /// The earlier `width_safe`: every cluster of the whole text.
    fn whole_text_reference(s: &str) -> String {
        let mut out = String::new();
        push_width_safe_clusters(s, &mut out);
        out
    }

    /// Chunked segmentation gives what segmenting the whole text gives, for random mixes of
    /// simple text, marks, joiners, flags, modifiers, Hangul jamo and line breaks.
    #[test]
    fn width_safe_chunks_match_whole_text() {
        let pool: &[&str] = &[
            "a",
            " ",
            "Z",
            "\r",
            "\n",
            "\r\n",
            "©",
            "\u{2019}",
            "€",
            "ü",
            "注",
            "カ",
            "ж",
            "\u{300}",
            "\u{301}",
            "\u{483}",
            "\u{200d}",
            "\u{fe0f}",
            "\u{1f3fd}",
            "👩",
            "❤",
            "🇩",
            "🇪",
            "\u{1100}",
            "\u{1161}",
            "\u{11a8}",
            "한",
            "\u{ad}",
            "\u{200b}",
            "\u{202e}",
            "न",
            "\u{94d}",
            "\u{20e3}",
            "\u{e0067}",
            "‼",
            "\u{3099}",
        ];
        let mut rng = fastrand::Rng::with_seed(22);
        for round in 0..5_000 {
            let len = rng.usize(0..24);
            let s: String = (0..len).map(|_| pool[rng.usize(..pool.len())]).collect();
            assert_eq!(
                width_safe(&s),
                whole_text_reference(&s),
                "round {round}: {s:?}"
            );
        }
    }

    #[test]
    fn encoded_word_subject_decodes_to_controls_and_is_cleaned() {
        // "Order\r\nBcc: x@evil\u{1b}[2J" as an RFC 2047 encoded-word.
        let header = b"Subject: =?utf-8?b?T3JkZXINCkJjYzogeEBldmlsG1sySg==?=";
        let (h, _) = mailparse::parse_header(header).unwrap();
        let decoded = h.get_value();
        assert!(
            decoded.contains('\r') && decoded.contains('\u{1b}'),
            "{decoded:?}"
        );
        assert_eq!(line(&decoded), "Order Bcc: x@evil");
    }

    #[test]
    fn body_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("keeps newlines", "a\nb\n\nc", "a\nb\n\nc"),
            ("crlf to lf", "a\r\nb\r\n", "a\nb"),
            ("lone cr to lf", "a\rb", "a\nb"),
            ("tab at start", "\tx", "    x"),
            ("tab mid column", "ab\tc", "ab  c"),
            ("tab at multiple", "abcd\te", "abcd    e"),
            ("tabs per line", "a\tb\nxyz\tc", "a   b\nxyz c"),
            ("wide chars count two columns", "日\tx", "日  x"),
            (
                "escapes removed",
                "Hi \u{1b}[1mthere\u{1b}[0m\n\u{1b}]0;t\u{7}bye",
                "Hi there\nbye",
            ),
            ("c1 and bidi", "a\u{9b}2Jb\u{202e}c", "abc"),
            (
                "leading blank lines dropped",
                "\n\n  \n  indented\nx",
                "  indented\nx",
            ),
            ("trailing whitespace dropped", "x\n\n  \n", "x"),
            ("nul removed", "a\u{0}b", "ab"),
            ("lone esc at end", "text\u{1b}", "text"),
        ];
        for (name, input, want) in cases {
            assert_eq!(&body(input), want, "case {name}");
        }
    }

    #[test]
    fn body_never_contains_controls_except_newline() {
        let nasty: String = (0u32..0x250).filter_map(char::from_u32).collect();
        let cleaned = body(&nasty);
        assert!(cleaned
            .chars()
            .all(|c| c == '\n' || !(c.is_control() || is_bidi_control(c))));
    }

    #[test]
    fn many_unterminated_strings_stay_fast() {
        let input = "\u{1b}]x".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(line(&input), "x".repeat(200_000));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn filename_table() {
        let cases: &[(&str, &str)] = &[
            ("invoice.pdf", "invoice.pdf"),
            ("../../etc/passwd", ".._.._etc_passwd"),
            ("C:\\Windows\\evil.exe", "C:_Windows_evil.exe"),
            ("..", "_"),
            (".", "_"),
            ("photo\u{202e}gpj.exe", "photogpj.exe"),
            ("a\r\nb.txt", "a b.txt"),
            ("\u{1b}[31mred.txt", "red.txt"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(&filename(input), want, "input {input:?}");
        }
        let long = "é".repeat(200);
        let cut = filename(&long);
        assert!(cut.len() <= 255 && cut.chars().all(|c| c == 'é'));
    }
}
