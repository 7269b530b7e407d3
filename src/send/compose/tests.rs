use super::*;
use chrono::TimeZone;

fn shop() -> ShopIdentity {
    ShopIdentity {
        shop_name: "Alphx".into(),
        owner_name: "Tom".into(),
        signature: String::new(),
        addresses: vec!["hello@alphx.example".into(), "orders@alphx.example".into()],
        from_name: None,
    }
}

fn original() -> Original {
    Original {
        message_id: Some("abc123@mail.example.com".into()),
        references: vec!["root@x.example".into(), "mid@y.example".into()],
        in_reply_to: Some("mid@y.example".into()),
        from: Some(Address {
            name: Some("John Smith".into()),
            addr: "john.smith@example.com".into(),
        }),
        reply_to: None,
        subject: "Where is my package?".into(),
        date: Utc.with_ymd_and_hms(2026, 11, 24, 9, 3, 0).unwrap(),
        body: "Hello,\n\nmy order #1042 never came.\n.\n> earlier\n\nJohn\n".into(),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

fn parse(raw: &[u8]) -> mailparse::ParsedMail<'_> {
    mailparse::parse_mail(raw).unwrap()
}

fn header(m: &mailparse::ParsedMail<'_>, name: &str) -> Option<String> {
    use mailparse::MailHeaderMap;
    m.headers.get_first_value(name)
}

#[test]
fn reply_subject_does_not_stack() {
    let cases: &[(&str, &str)] = &[
        ("Where is my package?", "Re: Where is my package?"),
        ("Re: Where is my package?", "Re: Where is my package?"),
        ("RE: Re: re: Hello", "Re: Hello"),
        ("AW: Bestellung", "Re: Bestellung"),
        ("Fwd: Re: Hello", "Re: Hello"),
        ("FW: Hello", "Re: Hello"),
        ("Re[2]: Hello", "Re: Hello"),
        ("Re(3): Hello", "Re: Hello"),
        ("SV: Ordre", "Re: Ordre"),
        ("Antw: Vraag", "Re: Vraag"),
        ("WG: AW: Frage", "Re: Frage"),
        ("Re : spaced", "Re: spaced"),
        ("Re:no space", "Re: no space"),
        ("[Alphx] Re: order", "Re: [Alphx] Re: order"),
        ("Reorder question", "Re: Reorder question"),
        ("Regarding my order", "Re: Regarding my order"),
        ("Re[x]: odd", "Re: Re[x]: odd"),
        ("", "Re: your message"),
        ("Re:", "Re: your message"),
        ("   Hello   world ", "Re: Hello world"),
        ("Hi\r\nBcc: evil@x", "Re: Hi Bcc: evil@x"),
        ("Tab\there", "Re: Tab here"),
    ];
    for (input, want) in cases {
        assert_eq!(reply_subject(input), *want, "{input:?}");
    }
}

#[test]
fn msg_id_validation() {
    let cases: &[(&str, bool)] = &[
        ("abc@example.com", true),
        ("a.b-c+d@[127.0.0.1]", true),
        ("no-at-sign", false),
        ("@example.com", false),
        ("abc@", false),
        ("a@b@c", false),
        ("a b@c", false),
        ("a<b@c", false),
        ("a@b\r\nBcc: x", false),
        ("ä@b", false),
        ("", false),
    ];
    for (id, ok) in cases {
        assert_eq!(is_valid_msg_id(id), *ok, "{id:?}");
    }
}

#[test]
fn references_keep_valid_ids_and_are_capped() {
    let mut o = original();
    o.references = vec![
        "root@x".into(),
        "bad id".into(),
        "<bracketed@x>".into(),
        "root@x".into(),
    ];
    assert_eq!(
        reply_references(&o),
        ["root@x", "bracketed@x", "abc123@mail.example.com"]
    );
    o.references = (0..50).map(|i| format!("m{i}@x")).collect();
    let refs = reply_references(&o);
    assert_eq!(refs.len(), MAX_REFERENCES);
    assert_eq!(refs[0], "m0@x");
    assert_eq!(refs[1], "m32@x");
    assert_eq!(refs.last().unwrap(), "abc123@mail.example.com");
}

#[test]
fn recipient_prefers_reply_to() {
    let mut o = original();
    assert_eq!(reply_recipient(&o).unwrap().addr, "john.smith@example.com");
    o.reply_to = Some(Address {
        name: None,
        addr: "john@home.example".into(),
    });
    assert_eq!(reply_recipient(&o).unwrap().addr, "john@home.example");
    o.reply_to = Some(Address::default());
    assert_eq!(reply_recipient(&o).unwrap().addr, "john.smith@example.com");
    o.from = None;
    o.reply_to = None;
    assert!(reply_recipient(&o).is_none());
}

#[test]
fn quote_attribution_and_lines() {
    let q = quote(&original(), chrono_tz::Europe::Berlin);
    assert_eq!(
        q,
        "On Tue 24 Nov 2026 at 10:03, John Smith wrote:\n\
         > Hello,\n\
         >\n\
         > my order #1042 never came.\n\
         > .\n\
         >> earlier\n\
         >\n\
         > John\n"
    );
    let mut o = original();
    o.from.as_mut().unwrap().name = Some("Evil\u{1b}[2J\r\nName".into());
    o.body = (0..MAX_QUOTED_LINES + 5)
        .map(|i| format!("l{i}\n"))
        .collect();
    let q = quote(&o, chrono_tz::UTC);
    assert!(q.starts_with("On Tue 24 Nov 2026 at 09:03, Evil"), "{q}");
    assert!(!q.contains('\u{1b}') && !q.contains('\r'));
    assert!(q.ends_with("> [… 5 more lines]\n"), "{q}");
}

#[test]
fn composed_reply_has_threading_headers_and_body() {
    let text = reply_text(
        "Hi John,\n\nsorted.\n\nBest,\nTom",
        &original(),
        chrono_tz::UTC,
    );
    let mut rng = fastrand::Rng::with_seed(7);
    let c = compose(
        &shop(),
        &original(),
        "Re: Where is my package?",
        &text,
        now(),
        &mut rng,
    )
    .unwrap();
    assert_eq!(c.to, "john.smith@example.com");
    assert_eq!(c.from, "hello@alphx.example");
    assert_eq!(c.in_reply_to.as_deref(), Some("abc123@mail.example.com"));
    assert!(c.message_id.ends_with("@alphx.example"), "{}", c.message_id);
    assert!(is_valid_msg_id(&c.message_id));

    let m = parse(&c.raw);
    assert_eq!(
        header(&m, "From").unwrap(),
        "\"Tom from Alphx\" <hello@alphx.example>"
    );
    assert_eq!(
        header(&m, "To").unwrap(),
        "\"John Smith\" <john.smith@example.com>"
    );
    assert_eq!(header(&m, "Subject").unwrap(), "Re: Where is my package?");
    assert_eq!(
        header(&m, "In-Reply-To").unwrap(),
        "<abc123@mail.example.com>"
    );
    let refs = header(&m, "References").unwrap();
    let refs: Vec<&str> = refs.split_whitespace().collect();
    assert_eq!(
        refs,
        [
            "<root@x.example>",
            "<mid@y.example>",
            "<abc123@mail.example.com>"
        ]
    );
    assert_eq!(
        header(&m, "Message-ID").unwrap(),
        format!("<{}>", c.message_id)
    );
    let date = mailparse::dateparse(&header(&m, "Date").unwrap()).unwrap();
    assert_eq!(date, now().timestamp());
    assert!(header(&m, "Bcc").is_none());
    assert!(m.ctype.mimetype == "text/plain" && m.ctype.charset == "utf-8");
    assert_eq!(
        m.get_body().unwrap().replace("\r\n", "\n"),
        text.trim_end().to_string() + "\n"
    );
    // CRLF everywhere, no bare LF.
    let raw = String::from_utf8(c.raw.clone()).unwrap();
    assert!(!raw.replace("\r\n", "").contains('\n'));
}

#[test]
fn message_ids_differ_between_replies() {
    let mut rng = fastrand::Rng::with_seed(1);
    let a = new_message_id("hello@alphx.example", now(), &mut rng);
    let b = new_message_id("hello@alphx.example", now(), &mut rng);
    assert_ne!(a, b);
    assert!(new_message_id("broken", now(), &mut rng).ends_with("@shopinbox.invalid"));
}

#[test]
fn hostile_names_and_subjects_give_clean_headers_without_panic() {
    let names = [
        "John\r\nBcc: victim@example.com",
        "\u{1b}]0;pwned\u{7}John\u{1b}[31m",
        "Smith, John \"The Boss\"",
        "\r\n",
        "María José García",
        "=?utf-8?q?encoded?=",
        "a\0b\u{85}c\u{2028}d",
        &"x".repeat(500),
    ];
    for name in names {
        let mut o = original();
        o.from.as_mut().unwrap().name = Some(name.to_string());
        o.subject = format!("Order\r\nBcc: victim@example.com {name}");
        o.message_id = Some("x@y\r\nBcc: victim@example.com".into());
        let mut rng = fastrand::Rng::with_seed(3);
        let c = compose(&shop(), &o, "", "Hi", now(), &mut rng).unwrap();
        let m = parse(&c.raw);
        assert!(header(&m, "Bcc").is_none(), "{name:?}");
        assert!(header(&m, "In-Reply-To").is_none(), "invalid id dropped");
        for h in &m.headers {
            let v = h.get_value();
            assert!(
                !v.chars().any(|c| c.is_control() && c != '\t'),
                "{name:?}: {v:?}"
            );
        }
        let head_end = c.raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&c.raw[..head_end]);
        assert!(!head.to_ascii_lowercase().contains("\nbcc:"), "{head}");
        assert!(!head.contains('\u{1b}'));
        assert!(header(&m, "Subject").unwrap().starts_with("Re: Order Bcc:"));
    }
}

#[test]
fn bad_addresses_are_errors_not_panics() {
    let mut o = original();
    o.from = Some(Address {
        name: Some("X".into()),
        addr: "not an address".into(),
    });
    let mut rng = fastrand::Rng::with_seed(3);
    let e = compose(&shop(), &o, "", "Hi", now(), &mut rng).unwrap_err();
    assert!(matches!(e, ComposeError::BadRecipient { .. }), "{e}");
    assert!(e
        .to_string()
        .starts_with("cannot reply to \"not an address\""));

    o.from = None;
    let e = compose(&shop(), &o, "", "Hi", now(), &mut rng).unwrap_err();
    assert!(matches!(e, ComposeError::NoRecipient));

    let no_shop = ShopIdentity {
        addresses: vec![],
        ..shop()
    };
    let e = compose(&no_shop, &original(), "", "Hi", now(), &mut rng).unwrap_err();
    assert!(matches!(e, ComposeError::BadShopAddress { .. }));
}

#[test]
fn display_name_of_the_shop() {
    let mut s = shop();
    assert_eq!(s.display_name(), "Tom from Alphx");
    s.owner_name.clear();
    assert_eq!(s.display_name(), "Alphx");
    s.shop_name.clear();
    assert_eq!(s.display_name(), "");
    // The owner's words win, sanitized for a header.
    s.from_name = Some("Anna von Töpferei\u{7} Lind ".into());
    assert_eq!(s.display_name(), "Anna von Töpferei Lind");
}

/// `[shop] from_name`, else the default in the shop's language.
#[test]
fn from_name_follows_the_owner_and_the_shop_s_language() {
    let base = "[shop]\nname = \"Töpferei Lind\"\nowner_name = \"Anna\"\naddresses = [\"anna@lind.example\"]\n";
    let tail = "[hours]\ntime_zone = \"Europe/Berlin\"\n";
    let cases = [
        ("", "Anna from Töpferei Lind"),
        ("language = \"de\"\n", "Anna von Töpferei Lind"),
        ("language = \"fr\"\n", "Anna de Töpferei Lind"),
        ("language = \"nl\"\n", "Anna van Töpferei Lind"),
        (
            "language = \"de\"\nfrom_name = \"Anna | Töpferei Lind\"\n",
            "Anna | Töpferei Lind",
        ),
    ];
    for (extra, want) in cases {
        let cfg = crate::config::Config::parse(
            &format!("{base}{extra}{tail}"),
            std::path::Path::new("/x/config.toml"),
        )
        .unwrap();
        assert_eq!(
            crate::send::flow::shop_identity(&cfg).display_name(),
            want,
            "{extra:?}"
        );
    }
}

#[test]
fn body_lines_starting_with_a_dot_are_kept_as_is() {
    // Dot-stuffing happens on the wire (lettre's codec); the stored message is unstuffed.
    let mut rng = fastrand::Rng::with_seed(3);
    let c = compose(
        &shop(),
        &original(),
        "",
        ".\n..two\n.three\n",
        now(),
        &mut rng,
    )
    .unwrap();
    let m = parse(&c.raw);
    assert_eq!(
        m.get_body().unwrap().replace("\r\n", "\n"),
        ".\n..two\n.three\n"
    );
}

#[test]
fn non_ascii_body_round_trips() {
    let mut rng = fastrand::Rng::with_seed(3);
    let text = format!("Hallo Jürgen, ça va? 😀\n{}end\n", "long line ".repeat(40));
    let c = compose(&shop(), &original(), "", &text, now(), &mut rng).unwrap();
    assert!(c.raw.is_ascii(), "encoded for 7-bit transport");
    let m = parse(&c.raw);
    assert_eq!(m.get_body().unwrap().replace("\r\n", "\n"), text);
}

/// Every header line of `raw` (up to the blank line), CRLF-split.
fn header_lines(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string();
    head.split("\r\n").map(str::to_string).collect()
}

#[test]
fn every_reply_declares_mime_version() {
    let c = compose(
        &shop(),
        &original(),
        "",
        "Hi",
        now(),
        &mut fastrand::Rng::with_seed(1),
    )
    .unwrap();
    let m = parse(&c.raw);
    assert_eq!(header(&m, "MIME-Version").as_deref(), Some("1.0"));
}

#[test]
fn absurd_subjects_and_names_give_short_folded_lines() {
    let huge_subject = "Refund ".repeat(150_000); // about 1 MB
    let long_word = format!("Order {}", "X".repeat(5000));
    let long_name = format!("{} Smith", "N".repeat(1000));
    let spaced_name = "Jo ".repeat(400);
    for (subject, name) in [
        (huge_subject.as_str(), "John Smith"),
        (long_word.as_str(), "John Smith"),
        ("Hello", long_name.as_str()),
        ("Hello", spaced_name.as_str()),
        ("Grüße 👩‍👩‍👧 🇩🇪", "Jörg Ünal-Müller 😀"),
    ] {
        let mut o = original();
        o.subject = subject.to_string();
        o.from.as_mut().unwrap().name = Some(name.to_string());
        let c = compose(
            &shop(),
            &o,
            "",
            "Hi",
            now(),
            &mut fastrand::Rng::with_seed(2),
        )
        .unwrap();
        for line in header_lines(&c.raw) {
            assert!(line.len() <= 998, "line of {} octets", line.len());
            assert!(
                line.len() <= 200,
                "unfolded line of {} octets: {line:.80}",
                line.len()
            );
            assert!(line.is_ascii(), "{line:.80}");
        }
        let m = parse(&c.raw);
        let s = header(&m, "Subject").unwrap();
        assert!(s.chars().count() <= MAX_SUBJECT_CHARS + 4, "{}", s.len());
        assert!(s.starts_with("Re: "), "{s:.40}");
        assert_eq!(s, c.subject);
        if subject.len() > 300 {
            assert!(s.ends_with('…'), "{s:.40}");
        }
        let to = header(&m, "To").unwrap();
        assert!(to.ends_with("<john.smith@example.com>"), "{to:.80}");
        assert!(to.chars().count() <= MAX_NAME_CHARS + 40, "{to}");
    }
}

#[test]
fn references_fall_back_to_the_parents_in_reply_to() {
    let mut o = original();
    o.references = vec![];
    o.in_reply_to = Some("parent-of-parent@x.example".into());
    assert_eq!(
        reply_references(&o),
        vec!["parent-of-parent@x.example", "abc123@mail.example.com"]
    );
    let c = compose(
        &shop(),
        &o,
        "",
        "Hi",
        now(),
        &mut fastrand::Rng::with_seed(3),
    )
    .unwrap();
    let m = parse(&c.raw);
    assert_eq!(
        header(&m, "References").unwrap(),
        "<parent-of-parent@x.example> <abc123@mail.example.com>"
    );
    // With References present they win (In-Reply-To is normally their last entry anyway).
    let o = original();
    assert_eq!(
        reply_references(&o),
        vec!["root@x.example", "mid@y.example", "abc123@mail.example.com"]
    );
    // An invalid In-Reply-To is dropped, not copied.
    let mut o = original();
    o.references = vec![];
    o.in_reply_to = Some("no at sign".into());
    assert_eq!(reply_references(&o), vec!["abc123@mail.example.com"]);
}

#[test]
fn attachments_make_a_multipart_mixed_reply_with_rfc2231_names() {
    let mut rng = fastrand::Rng::with_seed(1);
    let label: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 256) as u8).collect();
    let files = [
        OutgoingAttachment::new("return-label.pdf", "application/pdf", label.clone()),
        OutgoingAttachment::new("Fotó – Vase.jpg", "image/jpeg", vec![0xff, 0xd8, 0xff, 0]),
        OutgoingAttachment::new("../../evil\r\nBcc: x@y.z.txt", "text/plain", b"hi".to_vec()),
    ];
    let c = compose_with(&shop(), &original(), "", "Hi John", &files, now(), &mut rng).unwrap();
    let m = parse(&c.raw);
    assert_eq!(m.ctype.mimetype, "multipart/mixed");
    assert_eq!(header(&m, "MIME-Version").as_deref(), Some("1.0"));
    assert_eq!(m.subparts.len(), 4);
    assert_eq!(m.subparts[0].ctype.mimetype, "text/plain");
    assert!(m.subparts[0].get_body().unwrap().starts_with("Hi John"));
    let text = String::from_utf8_lossy(&c.raw);
    assert!(text.contains("filename=\"return-label.pdf\""), "{text}");
    assert!(text.contains("*=utf-8''Fot%C3%B3"), "RFC 2231: {text}");
    assert!(
        !text.contains("\r\nBcc:"),
        "no header injection through a file name"
    );
    let (parts, problems) = crate::mail::attachments::parts(&c.raw);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(parts[0].bytes, label);
    assert_eq!(parts[0].mime, "application/pdf");
    assert_eq!(parts[1].name, "Fotó – Vase.jpg");
    assert!(!parts[2].name.contains('/') && !parts[2].name.contains('\n'));
    // Without files the reply stays a single text/plain part.
    let plain = compose(&shop(), &original(), "", "Hi", now(), &mut rng).unwrap();
    assert_eq!(parse(&plain.raw).ctype.mimetype, "text/plain");
    assert_eq!(parse(&plain.raw).subparts.len(), 0);
}
