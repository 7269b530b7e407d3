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
