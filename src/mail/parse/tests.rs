use super::html::MAX_UNTERMINATED_TAGS;
use super::mime::lenient_base64;
use super::*;
use crate::mail::{Address, AutoKind};

fn parse(s: &str) -> ParsedMessage {
    parse_message(s.as_bytes())
}

fn has_problem(m: &ParsedMessage, needle: &str) -> bool {
    m.problems.iter().any(|p| p.contains(needle))
}

const SIMPLE: &str = "Return-Path: <jane@example.com>\r\n\
Received: from mx.example.net by mx.shop.example with ESMTPS id 1;\r\n\
\x20Mon, 24 Nov 2025 09:15:02 +0100\r\n\
Received: from laptop by mx.example.net; Mon, 24 Nov 2025 08:15:00 +0000\r\n\
From: \"Doe, Jane\" <Jane.Doe@Example.COM>\r\n\
To: Shop <hello@shop.example>, undisclosed-recipients:;\r\n\
Cc: a@b.example, \"B\" <b@b.example>\r\n\
Reply-To: <jane.private@example.com>\r\n\
Subject: =?utf-8?q?Wo_ist_meine_Bestellung_=231042=3F?=\r\n\
Date: Mon, 24 Nov 2025 08:14:59 +0000\r\n\
Message-ID: <abc.123@mail.example.com>\r\n\
In-Reply-To: garbage <bad id@x> <prev@mail.shop.example>\r\n\
References: <first@x.example>\r\n\t<prev@mail.shop.example> <no-at-sign> <prev@mail.shop.example>\r\n\
\r\n\
Hello,\r\n\
\twhere is my order?\r\n\
Jane\r\n";

#[test]
fn simple_message_fields() {
    let m = parse(SIMPLE);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    let from = m.from.as_ref().unwrap();
    assert_eq!(from.addr, "jane.doe@example.com");
    assert_eq!(from.name.as_deref(), Some("Doe, Jane"));
    assert_eq!(
        m.to,
        vec![Address {
            name: Some("Shop".into()),
            addr: "hello@shop.example".into()
        }]
    );
    assert_eq!(m.cc.len(), 2);
    assert_eq!(m.reply_to.unwrap().addr, "jane.private@example.com");
    assert_eq!(m.subject, "Wo ist meine Bestellung #1042?");
    assert_eq!(m.message_id.as_deref(), Some("abc.123@mail.example.com"));
    assert_eq!(m.in_reply_to.as_deref(), Some("prev@mail.shop.example"));
    assert_eq!(
        m.references,
        vec!["first@x.example", "prev@mail.shop.example"]
    );
    assert_eq!(m.date.unwrap().to_rfc3339(), "2025-11-24T08:14:59+00:00");
    assert_eq!(
        m.received_header_date.unwrap().to_rfc3339(),
        "2025-11-24T08:15:02+00:00"
    );
    assert_eq!(m.body, "Hello,\n    where is my order?\nJane");
    assert_eq!(m.headers.return_path.as_deref(), Some("jane@example.com"));
    assert_eq!(m.headers.content_type, "text/plain");
    assert_eq!(m.auto_kind, None);
    assert_eq!(m.size, SIMPLE.len() as u64);
}

#[test]
fn hostile_encoded_words_are_sanitized() {
    let raw = "From: =?utf-8?b?Sm9obg0KQmNjOiBldmlsQHguZXhhbXBsZRtbMzFt?= <john@example.com>\n\
Subject: =?utf-8?b?T3JkZXINCkJjYzogeEBldmlsG1sySg==?= =?utf-8?q?_=E2=80=AEgpj=2Eexe?=\n\
\n\
Body \x1b]8;;http://evil\x07link\x1b]8;;\x07 \u{9b}2J done\n";
    let m = parse(raw);
    assert_eq!(m.subject, "Order Bcc: x@evil gpj.exe");
    let from = m.from.unwrap();
    assert_eq!(from.name.as_deref(), Some("John Bcc: evil@x.example"));
    assert_eq!(m.body, "Body link  done");
}

#[test]
fn multipart_alternative_prefers_plain() {
    let raw = "From: a@b.example\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n\
preamble\n--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
Gr=C3=BC=C3=9Fe, plain\n--XX\nContent-Type: text/html\n\n<p>Hello <b>html</b></p>\n--XX--\nepilogue\n";
    let m = parse(raw);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert_eq!(m.body, "Grüße, plain");
    assert!(m.attachments.is_empty());
}

#[test]
fn html_parts_include_the_alternative_the_body_leaves_out() {
    let raw = b"From: a@b.example\nContent-Type: multipart/mixed; boundary=m\n\n--m\n\
Content-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\nplain\n--a\n\
Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
<a href=3D\"https://x.example\">Gr=FC=DFe</a>\n--a--\n--m\nContent-Type: text/html\n\
Content-Disposition: attachment; filename=page.html\n\n<p>attached</p>\n--m--\n";
    assert_eq!(parse(std::str::from_utf8(raw).unwrap()).body, "plain");
    assert_eq!(html_parts(raw), ["<a href=\"https://x.example\">Grüße</a>"]);
    assert!(html_parts(b"").is_empty());
}

#[test]
fn html_only_is_turned_into_text() {
    let raw = b"From: a@b.example\nContent-Type: text/html; charset=iso-8859-1\n\n\
<html><head><style>p{color:red}</style><script>alert(1)</script></head>\
<body><h1>Bestellung</h1><p>Gr\xfc\xdfe &amp; danke</p><p>Zeile<br>zwei</p></body></html>";
    let m = parse_message(raw);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert!(m.body.contains("Bestellung"), "{}", m.body);
    assert!(m.body.contains("Grüße & danke"), "{}", m.body);
    assert!(
        !m.body.contains("color:red") && !m.body.contains("alert"),
        "{}",
        m.body
    );
    assert!(!m.body.contains('<'), "{}", m.body);
}

#[test]
fn alternative_with_html_only_uses_html() {
    let raw = "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n   \n--b\nContent-Type: text/html\n\n<p>only html</p>\n--b--\n";
    assert_eq!(parse(raw).body, "only html");
}

#[test]
fn attachments_are_listed() {
    let raw = "From: a@b.example\nSubject: photos\nContent-Type: multipart/mixed; boundary=\"=_outer\"\n\n\
--=_outer\nContent-Type: multipart/related; boundary=\"=_outer1\"\n\n\
--=_outer1\nContent-Type: text/plain\n\nSee attached.\n\
--=_outer1\nContent-Type: image/PNG; name=\"logo.png\"\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n\
--=_outer1--\n\
--=_outer\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"=?utf-8?q?Rechnung_M=C3=A4rz.pdf?=\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n\
--=_outer\nContent-Type: text/plain; name=\"notes.txt\"\nContent-Disposition: attachment; filename*=utf-8''..%2F..%2Fnotes%E2%80%AE.txt\n\nsome notes\n\
--=_outer\nContent-Type: message/rfc822\n\nSubject: Fwd: old order\nFrom: x@y.example\n\nold body\n\
--=_outer--\n";
    let m = parse(raw);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert_eq!(m.body, "See attached.");
    let got: Vec<(&str, &str, u64)> = m
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.mime.as_str(), a.size))
        .collect();
    assert_eq!(
        got,
        vec![
            ("logo.png", "image/png", 5),
            ("Rechnung März.pdf", "application/pdf", 9),
            (".._.._notes.txt", "text/plain", 10),
            ("Fwd: old order.eml", "message/rfc822", 51),
        ]
    );
}

#[test]
fn missing_final_boundary_keeps_last_part() {
    let raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst\n--b\nContent-Type: text/plain\n\nsecond, cut off";
    let m = parse(raw);
    assert_eq!(m.body, "first\n\nsecond, cut off");
    assert!(
        has_problem(&m, "missing final boundary"),
        "{:?}",
        m.problems
    );
}

#[test]
fn boundary_is_not_a_prefix_match() {
    let raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=b2\n\n--b2\n\ninner\n--b2--\n--b--\n";
    let m = parse(raw);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert_eq!(m.body, "inner");
}

#[test]
fn no_blank_line_after_headers() {
    let raw = "From: a@b.example\nSubject: hi\nHello, my order 1042 never came.\nThanks";
    let m = parse(raw);
    assert_eq!(m.subject, "hi");
    assert_eq!(m.body, "Hello, my order 1042 never came.\nThanks");
    assert!(has_problem(&m, "no blank line"), "{:?}", m.problems);
}

#[test]
fn no_headers_at_all() {
    let m = parse("just some text\nmore\n");
    assert_eq!(m.body, "just some text\nmore");
    assert!(has_problem(&m, "no headers"));
}

#[test]
fn bad_base64_keeps_what_decodes() {
    let raw = "Content-Transfer-Encoding: base64\n\naGVsbG8g!!d29y*bGQ=\n";
    let m = parse(raw);
    assert_eq!(m.body, "hello world");
    assert!(has_problem(&m, "bad base64"), "{:?}", m.problems);
}

#[test]
fn unknown_charset_reads_utf8() {
    let raw = "Content-Type: text/plain; charset=x-klingon\n\nGrüße\n";
    let m = parse(raw);
    assert_eq!(m.body, "Grüße");
    assert!(
        has_problem(&m, "unknown charset \"x-klingon\""),
        "{:?}",
        m.problems
    );
}

#[test]
fn charsets() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"Content-Type: text/plain; charset=iso-8859-1\n\nGr\xfc\xdfe",
            "Grüße",
        ),
        (
            b"Content-Type: text/plain; charset=windows-1252\n\n\x80 5",
            "€ 5",
        ),
        (
            b"Content-Type: text/plain; charset=\"UTF-8\"\n\nGr\xc3\xbc\xc3\x9fe",
            "Grüße",
        ),
        (
            b"Content-Type: text/plain; charset=us-ascii\n\nGr\xc3\xbc\xc3\x9fe",
            "Grüße",
        ),
        (b"Content-Type: text/plain\n\nGr\xfc\xdfe", "Grüße"),
        (
            b"Content-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4",
            "Привет",
        ),
        (
            b"Content-Type: text/plain; charset=shift_jis\n\n\x82\xa0",
            "あ",
        ),
        (
            b"Content-Type: text/plain; charset=utf-7\n\nHi +AOQ-",
            "Hi ä",
        ),
    ];
    for (raw, want) in cases {
        assert_eq!(
            parse_message(raw).body,
            *want,
            "{}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[test]
fn eight_bit_headers() {
    let raw =
        b"From: J\xc3\xbcrgen M\xc3\xbcller <jm@example.de>\nSubject: Gr\xfc\xdfe aus K\xf6ln\n\nx";
    let m = parse_message(raw);
    assert_eq!(m.from.unwrap().name.as_deref(), Some("Jürgen Müller"));
    assert_eq!(m.subject, "Grüße aus Köln");
}

#[test]
fn encoded_word_names() {
    let raw = "From: =?iso-8859-1?q?Fran=E7ois_Dupont?= <fd@example.fr>\nTo: =?utf-8?b?TWFyw61hIEpvc8OpIEdhcmPDrWE=?= <mj@example.es>\n\nx";
    let m = parse(raw);
    assert_eq!(m.from.unwrap().name.as_deref(), Some("François Dupont"));
    assert_eq!(m.to[0].name.as_deref(), Some("María José García"));
}

#[test]
fn garbage_addresses_are_tolerated() {
    let raw = "From: <<<>>> broken \"quote <jane@@example.com\nTo: undisclosed recipients\nCc: nobody\n\nx";
    let m = parse(raw);
    assert!(m.to.is_empty());
    assert!(!has_problem(&m, "To:"), "{:?}", m.problems);
    assert!(has_problem(&m, "Cc:"), "{:?}", m.problems);
    assert_eq!(m.body, "x");
}

#[test]
fn deep_nesting_is_cut_off() {
    let mut raw = String::new();
    for i in 0..200 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
        ));
    }
    raw.push_str("Content-Type: text/plain\n\ndeep text\n");
    let m = parse(&raw);
    assert!(has_problem(&m, "nested deeper than 32"), "{:?}", m.problems);
    assert_eq!(m.body, "");

    // Ten thousand levels: mailparse::parse_mail would recurse once per level, unbounded.
    let mut raw = String::new();
    for i in 0..10_000 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
        ));
    }
    let m = parse(&raw);
    assert!(has_problem(&m, "nested deeper"));
}

#[test]
fn deep_html_is_turned_into_text() {
    let html = format!("{}text{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
    let m = parse(&format!("Content-Type: text/html\n\n{html}"));
    assert_eq!(m.body, "text");
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn html_laid_out_as_lines() {
    let cases = [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("a<br>b", "a\nb"),
        ("<table><tr><td>Mug</td><td>2</td></tr></table>", "Mug\n2"),
        (
            "see <a href=\"https://shop.example/o/1\">your order</a>",
            "see your order (https://shop.example/o/1)",
        ),
        (
            "<head><title>t</title></head><style>p{}</style>x &amp; y",
            "x & y",
        ),
        ("cut off <b", "cut off <b"),
    ];
    for (html, text) in cases {
        let m = parse(&format!("Content-Type: text/html\n\n{html}"));
        assert_eq!(m.body, text, "{html}");
        assert!(m.problems.is_empty(), "{html}: {:?}", m.problems);
    }
}

#[test]
fn broken_tags_go_to_the_tag_stripper() {
    // Each "<a" looks for its '>' to the end of the text: quadratic in nanohtml2text.
    for html in [
        "<a".repeat(100_000),
        "<a href=\"".repeat(100_000),
        format!("<p>ok</p>{}", "x <b ".repeat(MAX_UNTERMINATED_TAGS + 1)),
    ] {
        let m = parse(&format!("Content-Type: text/html\n\n{html}"));
        assert!(has_problem(&m, "tags are broken"), "{}", &html[..20]);
    }
    // At the limit the markup is still given to nanohtml2text.
    let html = format!("<p>ok</p>{}", "x <b ".repeat(MAX_UNTERMINATED_TAGS));
    let m = parse(&format!("Content-Type: text/html\n\n{html}"));
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn many_parts_are_capped() {
    let mut raw = String::from("Content-Type: multipart/mixed; boundary=b\n\n");
    for _ in 0..2000 {
        raw.push_str("--b\nContent-Type: image/gif\n\nGIF\n");
    }
    raw.push_str("--b--\n");
    let m = parse(&raw);
    assert!(m.attachments.len() < MAX_PARTS);
    assert!(has_problem(&m, "more than 500 MIME parts"));
}

#[test]
fn empty_and_binary_input() {
    let m = parse_message(b"");
    assert_eq!(m.size, 0);
    assert!(has_problem(&m, "empty"));

    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let m = parse_message(&garbage);
    assert_eq!(m.size, 4096);
    assert!(m.subject.is_empty() || sanitize::is_clean_line(&m.subject));
    assert!(m.body.chars().all(|c| c == '\n' || !c.is_control()));
}

#[test]
fn lone_cr_and_mbox_envelope() {
    let m = parse("From jane@example.com Mon Nov 24 08:00:00 2025\nSubject: a\rb\n\nbody\rline");
    assert_eq!(m.subject, "a b");
    assert_eq!(m.body, "body\nline");
}

#[test]
fn multipart_without_boundary_or_delimiters() {
    let m = parse("Content-Type: multipart/mixed\n\nplain words");
    assert_eq!(m.body, "plain words");
    assert!(has_problem(&m, "without a boundary"));
    let m = parse("Content-Type: multipart/mixed; boundary=zz\n\nno delimiter here");
    assert_eq!(m.body, "no delimiter here");
    assert!(has_problem(&m, "no boundary line"));
}

#[test]
fn bogus_content_type_is_text() {
    let m = parse("Content-Type: bogus\n\nhello");
    assert_eq!(m.body, "hello");
    assert!(has_problem(&m, "unknown content type"));
}

#[test]
fn dates() {
    let m = parse("Date: yesterday-ish\n\nx");
    assert!(m.date.is_none());
    assert!(has_problem(&m, "Date:"));
    let m = parse("Date: 1 Jan 4294967295 00:00:00 +0000\n\nx");
    assert!(m.date.is_none());
    let refs: String = (0..40_000).map(|i| format!("<r{i}@x> ")).collect();
    let m = parse(&format!("References: {refs}\n\nx"));
    assert_eq!(m.references.len(), MAX_REFERENCES_KEPT);
    assert_eq!(m.references[0], "r0@x");
    assert_eq!(m.references[MAX_REFERENCES_KEPT - 1], "r39999@x");
    // The epoch is a valid date, not "unreadable".
    let m = parse("Date: Thu, 01 Jan 1970 00:00:00 +0000\n\nx");
    assert_eq!(m.date.unwrap().timestamp(), 0);
    assert!(!has_problem(&m, "Date:"), "{:?}", m.problems);
    let m = parse("Date: Thu, 01 Jan 1970 01:00:00 +0100 (CET)\n\nx");
    assert_eq!(m.date.unwrap().timestamp(), 0);
    let m = parse("Date: 0\n\nx");
    assert!(m.date.is_none());
    let m = parse("Date: Tue, 1 Jul 2025 10:00:00 +0200 (CEST)\n\nx");
    assert_eq!(m.date.unwrap().to_rfc3339(), "2025-07-01T08:00:00+00:00");
    let m = parse("Received: by x; garbage\nReceived: by y; Tue, 1 Jul 2025 10:00:00 +0000\n\nx");
    assert!(m.received_header_date.is_none());
}

#[test]
fn msg_id_table() {
    let cases: &[(&str, &[&str])] = &[
        ("<a@b>", &["a@b"]),
        ("  <a.b+c@d.example>  ", &["a.b+c@d.example"]),
        ("<a@b> <c@d>", &["a@b", "c@d"]),
        ("<a@b><a@b>", &["a@b"]),
        ("a@b", &[]),
        ("<ab>", &[]),
        ("<@b>", &[]),
        ("<a@>", &[]),
        ("<a b@c>", &[]),
        ("<a@b@c>", &[]),
        ("<a\r\n@b>", &[]),
        ("<a\u{1b}@b>", &[]),
        ("<<a@b>", &["a@b"]),
        ("<a@b", &[]),
        ("(comment <x@y>) <a@b>", &["x@y", "a@b"]),
    ];
    for (input, want) in cases {
        assert_eq!(msg_ids(input), *want, "input {input:?}");
    }
}

#[test]
fn classification_is_filled() {
    let raw = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example>\nReturn-Path: <>\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n\
--r\nContent-Type: text/plain\n\nYour message could not be delivered.\n\
--r\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n--r--\n";
    let m = parse(raw);
    assert_eq!(m.headers.content_type, "multipart/report");
    assert_eq!(m.headers.report_type.as_deref(), Some("delivery-status"));
    assert_eq!(m.headers.return_path.as_deref(), Some(""));
    assert_eq!(m.auto_kind, Some(AutoKind::Bounce));
    assert_eq!(m.body, "Your message could not be delivered.");
    assert_eq!(m.attachments.len(), 1);

    let raw = "From: news@brand.example\nList-Unsubscribe: <mailto:u@brand.example>\nPrecedence: bulk\n\nSale!";
    let m = parse(raw);
    assert_eq!(m.headers.precedence.as_deref(), Some("bulk"));
    assert_eq!(m.auto_kind, Some(AutoKind::Bulk));

    let raw = "From: jane@example.com\nAuto-Submitted: auto-replied\n\nI am away.";
    assert_eq!(parse(raw).auto_kind, Some(AutoKind::AutoReply));
}

#[test]
fn lenient_base64_table() {
    let cases: &[(&str, &str)] = &[
        ("aGVsbG8=", "hello"),
        ("aGVs\r\nbG8=", "hello"),
        ("aGVsbG8=aGVsbG8=", "hellohello"),
        ("aGV!sbG8", "hello"),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(lenient_base64(input.as_bytes()), want.as_bytes(), "{input}");
    }
}

/// Thousands of randomly damaged messages: no panic, and every single-line field clean.
#[test]
fn mutated_messages_never_panic() {
    let seeds: &[&[u8]] = &[
            SIMPLE.as_bytes(),
            b"From: \"A\" <a@b.example>\nContent-Type: multipart/mixed; boundary=\"q\"\n\n--q\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\nPGI+aGk8L2I+\n--q\nContent-Type: application/pdf; name=x.pdf\nContent-Disposition: attachment; filename*=utf-8''%E2%80%AEx.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--q--\n",
            b"Subject: =?utf-8?b?G10wO3QHDQo=?=\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe=\n\n--a\nContent-Type: text/html\n\n<table><tr><td>x</td></tr></table>\n--a--\n",
        ];
    let mut rng = fastrand::Rng::with_seed(0x5eed_2025);
    let interesting: &[&[u8]] = &[
        b"\r\n",
        b"\n\n",
        b"--",
        b"--q",
        b"--a--",
        b"=?utf-8?b?",
        b"?=",
        b"\x1b[",
        b"\xc2\x9b",
        b"\xe2\x80\xae",
        b"<",
        b">",
        b"@",
        b";",
        b"boundary=",
        b"Content-Type: multipart/mixed; boundary=q\n",
        b"\x00",
        b"\xff\xfe",
        b"=",
        b"\t",
        b" ",
    ];
    for round in 0..3000 {
        let mut raw = seeds[round % seeds.len()].to_vec();
        for _ in 0..rng.usize(1..8) {
            let at = rng.usize(0..=raw.len());
            match rng.u8(0..4) {
                0 => raw.insert(at, rng.u8(..)),
                1 if !raw.is_empty() => {
                    let end = (at + rng.usize(0..20)).min(raw.len());
                    raw.drain(at.min(end)..end);
                }
                2 => {
                    let piece = interesting[rng.usize(0..interesting.len())];
                    raw.splice(at..at, piece.iter().copied());
                }
                _ => raw.truncate(at),
            }
        }
        let m = parse_message(&raw);
        let mut lines: Vec<&str> = vec![&m.subject];
        for a in m
            .from
            .iter()
            .chain(&m.to)
            .chain(&m.cc)
            .chain(m.reply_to.iter())
        {
            lines.push(&a.addr);
            lines.extend(a.name.as_deref());
        }
        for a in &m.attachments {
            lines.push(&a.name);
            lines.push(&a.mime);
            assert!(!a.name.contains('/'), "round {round}: {:?}", a.name);
        }
        lines.extend(m.message_id.as_deref());
        lines.extend(m.references.iter().map(String::as_str));
        lines.extend(m.problems.iter().map(String::as_str));
        for s in lines {
            assert!(sanitize::is_clean_line(s), "round {round}: {s:?}");
        }
        assert!(
            m.body.chars().all(|c| c == '\n' || !c.is_control()),
            "round {round}: control in body"
        );
        assert!(!m.body.contains('\u{202e}'), "round {round}: bidi in body");
        assert_eq!(m.size, raw.len() as u64);
        assert!(
            !has_problem(&m, "cannot parse this message"),
            "round {round} panicked"
        );
    }
}
