use super::render::places;
use super::*;
use chrono::{NaiveTime, TimeZone};

fn calendar() -> Calendar {
    Calendar::office_hours(
        chrono_tz::Europe::Berlin,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
    )
}

/// Monday 24 Nov 2025, 10:03 in Berlin (09:03 UTC).
fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 11, 24, 9, 3, 0).unwrap()
}

fn ctx() -> ReplyContext {
    ReplyContext {
        first_name: Some("John".into()),
        last_name: Some("Smith".into()),
        full_name: Some("John Smith".into()),
        customer_email: "john.smith@example.com".into(),
        shop_name: "Alphx".into(),
        owner_name: "Tom".into(),
        signature: String::new(),
        order_numbers: vec!["1042".into()],
        items: vec![],
        subject: "Where is my package?".into(),
        customer_due_at: Some(Utc.with_ymd_and_hms(2025, 11, 24, 16, 0, 0).unwrap()),
        offers: [("discount_code", "THANKYOU15"), ("discount_amount", "15%")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        calendar: calendar(),
        now: monday_morning(),
    }
}

/// The body as the template wrote it, without the signature that is appended when a template
/// does not place `{signature}`.
fn body(t: &Template, c: &ReplyContext) -> String {
    let b = render(t, c).unwrap().body;
    match b.strip_suffix("\n\nTom\nAlphx\n") {
        Some(text) => format!("{text}\n"),
        None => b,
    }
}

/// Late: Tuesday 11:00 Berlin, two business hours after Monday's 17:00 deadline (Monday
/// evening, with the shop closed, would not be late).
fn late() -> ReplyContext {
    ReplyContext {
        now: Utc.with_ymd_and_hms(2025, 11, 25, 10, 0, 0).unwrap(),
        ..ctx()
    }
}

/// Very late: Wednesday morning.
fn very_late() -> ReplyContext {
    ReplyContext {
        now: Utc.with_ymd_and_hms(2025, 11, 26, 9, 0, 0).unwrap(),
        ..ctx()
    }
}

fn tpl(text: &str) -> Template {
    Template::parse(Path::new("t.txt"), text).unwrap()
}

fn errors(text: &str) -> Vec<(usize, usize, String)> {
    match Template::parse(Path::new("bad.txt"), text) {
        Ok(_) => Vec::new(),
        Err(errs) => errs
            .into_iter()
            .map(|e| match e {
                TemplateError::Syntax {
                    line,
                    column,
                    message,
                    ..
                } => (line, column, message),
                TemplateError::Read { .. } => (0, 0, e.to_string()),
            })
            .collect(),
    }
}

#[test]
fn acknowledge_promises_end_of_day_and_sets_the_follow_up() {
    let t = tpl(STARTERS[0].1);
    assert_eq!(t.follow_up, FollowUp::EndOfDay);
    let out = render(&t, &ctx()).unwrap();
    assert!(out
        .body
        .contains("back in touch with an answer by the end of the day."));
    // 17:00 Berlin = 16:00 UTC on the same Monday.
    assert_eq!(
        out.follow_up_at,
        Some(Utc.with_ymd_and_hms(2025, 11, 24, 16, 0, 0).unwrap())
    );
}

#[test]
fn late_apology_only_when_the_reply_is_late() {
    let t = tpl("name: x\n\nHi {first_name}. {late_apology}I am so sorry.\n");
    assert_eq!(body(&t, &ctx()), "Hi John. I am so sorry.\n");
    // Due Monday 17:00 Berlin (16:00 UTC): Tuesday 11:00 Berlin is two business hours late.
    let late = ReplyContext {
        now: Utc.with_ymd_and_hms(2025, 11, 25, 10, 0, 0).unwrap(),
        ..ctx()
    };
    assert_eq!(
        body(&t, &late),
        "Hi John. I am sorry for the slow reply. I am so sorry.\n"
    );
    let very_late = ReplyContext {
        now: Utc.with_ymd_and_hms(2025, 11, 26, 10, 0, 0).unwrap(),
        ..ctx()
    };
    assert!(body(&t, &very_late).contains("took me so long"));
}

#[test]
fn placeholders_fallbacks_and_escapes() {
    let cases: &[(&str, &str)] = &[
        ("{first_name}", "John"),
        ("{last_name}", "Smith"),
        ("{full_name}", "John Smith"),
        ("{customer_email}", "john.smith@example.com"),
        ("{shop_name}/{owner_name}", "Alphx/Tom"),
        ("{order_number}", "#1042"),
        ("{subject}", "Where is my package?"),
        ("{today}", "Monday 24 November"),
        ("{reply_by}", "by the end of the day"),
        ("{{first_name}}", "{first_name}"),
        ("a }} b {{", "a } b {"),
        ("{ first_name | there }", "John"),
        ("{signature}", "Tom\nAlphx"),
    ];
    for (src, want) in cases {
        let t = tpl(&format!("name: x\n\n{src}\n"));
        assert_eq!(body(&t, &ctx()), format!("{want}\n"), "{src}");
    }
}

#[test]
fn unknown_values_take_the_fallback_or_vanish_cleanly() {
    let bare = ReplyContext {
        first_name: None,
        last_name: None,
        full_name: None,
        order_numbers: vec![],
        ..ctx()
    };
    let cases: &[(&str, &str)] = &[
        ("Hi {first_name|there},", "Hi there,"),
        ("Hi {first_name},", "Hi,"),
        ("your order {order_number}.", "your order."),
        ("your order {order_number|} is late", "your order is late"),
        ("about {order_number|your order}!", "about your order!"),
        ("Dear {full_name|customer}", "Dear customer"),
    ];
    for (src, want) in cases {
        let t = tpl(&format!("name: x\n\n{src}\n"));
        let body = body(&t, &bare);
        assert_eq!(body, format!("{want}\n"), "{src}");
        assert!(!body.contains("{"), "{src}");
    }
}

#[test]
fn values_from_the_message_are_sanitized() {
    let hostile = ReplyContext {
        first_name: Some("Jo\u{1b}[31mhn\r\nBcc: x@y".into()),
        subject: "Hello\u{7}\r\nX-Evil: 1".into(),
        ..ctx()
    };
    let t = tpl("name: x\nsubject: About {subject}\n\nHi {first_name}\n");
    let out = render(&t, &hostile).unwrap();
    assert!(
        !out.body.contains('\u{1b}') && !out.body.contains('\r'),
        "{:?}",
        out.body
    );
    assert_eq!(body(&t, &hostile).lines().count(), 1, "{:?}", out.body);
    assert!(!out.subject.contains('\n') && !out.subject.contains('\u{7}'));
}

#[test]
fn template_subject_overrides_the_reply_subject() {
    let t = tpl("name: x\nsubject: Your order {order_number}\n\nHi\n");
    assert_eq!(render(&t, &ctx()).unwrap().subject, "Your order #1042");
    let t = tpl("name: x\nsubject: {order_number}\n\nHi\n");
    let none = ReplyContext {
        order_numbers: vec![],
        ..ctx()
    };
    assert_eq!(
        render(&t, &none).unwrap().subject,
        "Re: Where is my package?"
    );
}

#[test]
fn syntax_errors_point_at_file_line_and_column() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "name: x\n\nHi {frist_name},\n",
            3,
            4,
            "did you mean {first_name}",
        ),
        ("name: x\n\nline\nHi {first_name,\n", 4, 4, "never closed"),
        ("name: x\n\nHi first_name},\n", 3, 14, "without its `{`"),
        ("name: x\n\n{}\n", 3, 1, "empty placeholder"),
        ("name: x\n\n{bogus_thing_here}\n", 3, 1, "known ones are"),
        (
            "name: x\nfollow_up: someday\n\nHi\n",
            2,
            12,
            "cannot understand follow_up",
        ),
        ("name: x\nsubjct: y\n\nHi\n", 2, 1, "unknown header"),
        (
            "name: x\nsubject: {nope}\n\nHi\n",
            2,
            10,
            "unknown placeholder {nope}",
        ),
        ("name: x\n\n", 3, 1, "no text"),
        (
            "name: x\nno colon here\n\nHi\n",
            2,
            1,
            "expected a header line",
        ),
    ];
    for (src, line, col, needle) in cases {
        let errs = errors(src);
        assert!(
            errs.iter()
                .any(|(l, c, m)| l == line && c == col && m.contains(needle)),
            "{src:?}: want {line}:{col} {needle:?}, got {errs:?}"
        );
    }
}

#[test]
fn all_errors_of_a_file_are_reported() {
    let errs = errors("name: x\n\n{a} and {b}\n{c\n");
    assert_eq!(errs.len(), 3, "{errs:?}");
}

#[test]
fn a_file_without_header_is_all_body_named_after_the_file() {
    let t = Template::parse(Path::new("/x/quick-thanks.txt"), "Thanks {first_name}!\n").unwrap();
    assert_eq!(t.name, "quick-thanks");
    assert_eq!(t.slug(), "quick-thanks");
    assert!(t.matches("Quick-Thanks"));
    assert_eq!(body(&t, &ctx()), "Thanks John!\n");
}

#[test]
fn follow_up_values() {
    let cases: &[(&str, Option<FollowUp>)] = &[
        ("none", Some(FollowUp::None)),
        ("", Some(FollowUp::None)),
        ("end of day", Some(FollowUp::EndOfDay)),
        ("End of the day", Some(FollowUp::EndOfDay)),
        ("by the end of day", Some(FollowUp::EndOfDay)),
        ("1 business day", Some(FollowUp::BusinessDays(1))),
        ("2 business days", Some(FollowUp::BusinessDays(2))),
        ("3 days", Some(FollowUp::BusinessDays(3))),
        ("0 days", Some(FollowUp::EndOfDay)),
        ("tomorrow", Some(FollowUp::BusinessDays(1))),
        ("4 hours", Some(FollowUp::Hours(4))),
        ("0 hours", None),
        ("someday", None),
        ("2 weeks", None),
        ("-3 days", None),
    ];
    for (src, want) in cases {
        assert_eq!(FollowUp::parse(src), *want, "{src:?}");
        if let Some(f) = want {
            assert_eq!(FollowUp::parse(&f.to_string()), Some(*f), "round trip {f}");
        }
    }
}

#[test]
fn follow_up_due_times_skip_weekends() {
    let cal = calendar();
    // Friday 28 Nov 2025, 15:00 Berlin.
    let friday = Utc.with_ymd_and_hms(2025, 11, 28, 14, 0, 0).unwrap();
    let close = |d: u32, m: u32| Utc.with_ymd_and_hms(2025, m, d, 16, 0, 0).unwrap();
    assert_eq!(FollowUp::None.due(friday, &cal), None);
    assert_eq!(FollowUp::EndOfDay.due(friday, &cal), Some(close(28, 11)));
    assert_eq!(
        FollowUp::BusinessDays(1).due(friday, &cal),
        Some(close(1, 12))
    );
    assert_eq!(
        FollowUp::BusinessDays(2).due(friday, &cal),
        Some(close(2, 12))
    );
    assert_eq!(
        FollowUp::Hours(4).due(friday, &cal),
        Some(friday + Duration::hours(4))
    );
}

#[test]
fn load_reports_bad_files_and_keeps_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "name: Alpha\n\nHi {first_name}\n").unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        "name: Broken\n\nHi {first_name}\nYour {ordr_number}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("c.txt"), "name: Gamma\n\nBye\n").unwrap();
    std::fs::write(dir.path().join("d.txt"), "name: Alpha\n\nDuplicate name\n").unwrap();
    std::fs::write(dir.path().join("e.txt"), b"name: bin\n\n\xff\xfe\n").unwrap();
    std::fs::write(dir.path().join("notes.md"), "not a template {x}").unwrap();
    std::fs::write(dir.path().join("a.txt~"), "backup {x}").unwrap();
    std::fs::write(dir.path().join(".hidden.txt"), "{x}").unwrap();

    let (templates, errors) = load_templates(dir.path());
    let names: Vec<_> = templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Alpha", "Gamma"]);
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 3, "{shown:#?}");
    let b = dir.path().join("b.txt");
    assert!(
        shown[0].starts_with(&format!(
            "{}:4:6: unknown placeholder {{ordr_number}}",
            b.display()
        )),
        "{shown:?}"
    );
    assert!(shown[1].contains("d.txt:1:1") && shown[1].contains("already used"));
    assert!(shown[2].contains("e.txt") && shown[2].contains("UTF-8"));
    assert!(find(&templates, "gamma").is_some());
    assert!(find(&templates, "c").is_some());
    assert!(find(&templates, "zeta").is_none());
}

#[test]
fn missing_dir_loads_nothing_without_error() {
    let dir = tempfile::tempdir().unwrap();
    let (t, e) = load_templates(&dir.path().join("nope"));
    assert!(t.is_empty() && e.is_empty());
}

#[test]
fn starters_are_written_once_and_never_overwrite() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("templates");
    let written = install_starters(&dir).unwrap();
    assert_eq!(written.len(), STARTERS.len());
    let (templates, errors) = load_templates(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(templates.len(), STARTERS.len());

    let edited = dir.join("plain.txt");
    std::fs::write(&edited, "name: Mine\n\nmy text\n").unwrap();
    std::fs::remove_file(dir.join("acknowledge.txt")).unwrap();
    assert!(install_starters(&dir).unwrap().is_empty());
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        "name: Mine\n\nmy text\n"
    );
    assert!(
        !dir.join("acknowledge.txt").exists(),
        "a deleted starter stays deleted"
    );
}

#[test]
fn crlf_files_and_bom_parse() {
    let t = Template::parse(
        Path::new("w.txt"),
        "\u{feff}name: Win\r\nfollow_up: end of day\r\n\r\nHi {first_name}\r\nBye\r\n",
    )
    .unwrap();
    assert_eq!(t.name, "Win");
    assert_eq!(t.follow_up, FollowUp::EndOfDay);
    assert_eq!(body(&t, &ctx()), "Hi John\nBye\n");
}

#[test]
fn order_labels() {
    assert_eq!(order_label("1042"), "#1042");
    assert_eq!(order_label("#1042"), "#1042");
    assert_eq!(order_label(" A-1042 "), "A-1042");
}

/// Contexts a starter must read well in: on time, late, very late; one order, two orders,
/// none; with and without a first name; with and without offers.
fn variants() -> Vec<(&'static str, ReplyContext)> {
    vec![
        ("on time", ctx()),
        ("late", late()),
        ("very late", very_late()),
        (
            "two orders",
            ReplyContext {
                order_numbers: vec!["1047".into(), "1048".into()],
                ..late()
            },
        ),
        (
            "no order, no name",
            ReplyContext {
                order_numbers: vec![],
                first_name: None,
                last_name: None,
                full_name: None,
                ..ctx()
            },
        ),
        (
            "no offers",
            ReplyContext {
                offers: Default::default(),
                ..very_late()
            },
        ),
    ]
}

#[test]
fn every_starter_in_every_language_reads_well_in_every_situation() {
    let mut languages = std::collections::BTreeSet::new();
    for (file, text) in STARTERS {
        let t = Template::parse(Path::new(file), text)
            .unwrap_or_else(|e| panic!("{file} does not parse: {e:?}"));
        languages.insert(t.language);
        assert_eq!(
            t.language,
            file_language(file),
            "{file} declares its language"
        );
        for (what, c) in variants() {
            let out = render(&t, &c).unwrap_or_else(|e| panic!("{file} {what}: {e}"));
            let b = &out.body;
            let ctx_ = format!("{file} ({what}):\n{b}");
            assert!(!b.contains('{') && !b.contains('}'), "{ctx_}");
            assert!(!b.contains("  "), "double space in {ctx_}");
            assert!(
                !b.contains(" ,") && !b.contains(" ."),
                "space before punctuation in {ctx_}"
            );
            assert!(!b.contains("\n\n\n"), "blank lines in {ctx_}");
            assert_eq!(
                b.matches("Tom\nAlphx").count(),
                1,
                "signature once in {ctx_}"
            );
            let apologies = check::apologies(b, t.language);
            assert!(apologies.len() <= 1, "{apologies:?} in {ctx_}");
            assert_eq!(
                check::leftover_english(b, t.language),
                Vec::<String>::new(),
                "no English in {ctx_}"
            );
            assert!(
                !b.contains("john.smith@example.com"),
                "no raw address in {ctx_}"
            );
            // Offers only as the config states them.
            if c.offers.is_empty() {
                assert!(!b.contains("THANKYOU15") && !b.contains('%'), "{ctx_}");
            }
            // Orders are named when known, never made up when not.
            if c.order_numbers.is_empty() {
                assert!(!b.contains('#'), "{ctx_}");
            }
            let names_orders = !["plain", "product-question", "wholesale", "duplicate-order"]
                .iter()
                .any(|s| file.starts_with(&format!("{s}.")));
            if names_orders && c.order_numbers == ["1042"] {
                assert!(b.contains("#1042"), "the order is named in {ctx_}");
            }
            if c.order_numbers.len() == 2 && b.contains("#1047") {
                assert!(b.contains("#1048"), "both orders in {ctx_}");
            }
            if let Some(at) = out.follow_up_at {
                if places(&t.body, Placeholder::ReplyBy) {
                    let words = t.language.reply_by(at, c.now, &c.calendar);
                    assert!(b.contains(&words), "{words:?} in {ctx_}");
                }
            }
        }
    }
    assert_eq!(
        languages.into_iter().collect::<Vec<_>>(),
        Language::ALL.to_vec(),
        "starters in every language"
    );
    // Every English starter has its version in every other language.
    let english: Vec<&str> = STARTERS
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| file_language(f) == Language::English)
        .collect();
    assert_eq!(english.len(), 12);
    assert_eq!(STARTERS.len(), english.len() * Language::ALL.len());
    for file in english {
        for lang in &Language::ALL[1..] {
            let other = file.replace(".txt", &format!(".{}.txt", lang.code()));
            assert!(
                STARTERS.iter().any(|(f, _)| *f == other),
                "{other} is missing"
            );
        }
    }
}

/// The language a starter's file name says: `NAME.CODE.txt`, or English for `NAME.txt`.
fn file_language(file: &str) -> Language {
    file.strip_suffix(".txt")
        .and_then(|stem| stem.rsplit_once('.'))
        .map(|(_, code)| Language::parse(code).unwrap_or_else(|| panic!("{file}: {code}")))
        .unwrap_or(Language::English)
}

/// Each language's starters greet and close as a shop in that country does, and never in
/// another language's words ("Hallo Marie" to a French customer).
#[test]
fn starters_greet_and_close_in_their_own_language() {
    use Language::*;
    let greeting = |lang: Language| match lang {
        English => ("Hi John,", "Hi there,", "Best,"),
        German => ("Hallo John,", "Hallo,", "Viele Grüße"),
        French => ("Bonjour John,", "Bonjour,", "Bien cordialement,"),
        Spanish => ("Hola John,", "Hola,", "Un saludo,"),
        Italian => ("Gentile John,", "Buongiorno,", "Cordiali saluti,"),
        Dutch => ("Beste John,", "Beste klant,", "Met vriendelijke groet,"),
    };
    let nameless = ReplyContext {
        first_name: None,
        last_name: None,
        full_name: None,
        ..ctx()
    };
    for (file, text) in STARTERS {
        let t = tpl(text);
        let (hello, hello_nameless, bye) = greeting(t.language);
        let b = body(&t, &ctx());
        assert!(b.starts_with(&format!("{hello}\n\n")), "{file}:\n{b}");
        assert!(b.contains(&format!("\n\n{bye}\n")), "{file}:\n{b}");
        let b = body(&t, &nameless);
        assert!(
            b.starts_with(&format!("{hello_nameless}\n\n")),
            "{file}:\n{b}"
        );
        for other in Language::ALL.into_iter().filter(|l| *l != t.language) {
            let (other_hello, _, other_bye) = greeting(other);
            let other_hello = other_hello.split(' ').next().unwrap();
            assert!(
                !b.starts_with(other_hello) && !b.contains(other_bye),
                "{file} greets or closes in {other:?}:\n{b}"
            );
        }
    }
}

#[test]
fn german_template_writes_german_dates_and_promises() {
    let t = tpl(
        "name: x\nlanguage: de\nfollow_up: 2 business days\n\n\
         Heute ist {today}. Ich melde mich {reply_by}, spätestens am {follow_up}. {late_apology}\n",
    );
    assert_eq!(
        body(&t, &very_late()),
        "Heute ist Mittwoch, 26. November. Ich melde mich bis spätestens Freitag, spätestens am \
         Freitag, 28. November. Es tut mir leid, dass Sie so lange auf meine Antwort warten \
         mussten.\n"
    );
    assert_eq!(
        body(&t, &ctx()),
        "Heute ist Montag, 24. November. Ich melde mich bis spätestens Mittwoch, spätestens am \
         Mittwoch, 26. November.\n"
    );
}

#[test]
fn conditionals_choose_the_text() {
    let two = ReplyContext {
        order_numbers: vec!["1047".into(), "1048".into()],
        ..ctx()
    };
    let none = ReplyContext {
        order_numbers: vec![],
        first_name: None,
        offers: Default::default(),
        ..ctx()
    };
    // (template body, on time with one order, late, two orders, no order / name / offers)
    let cases: &[(&str, [&str; 4])] = &[
        (
            "{if late}Late.{else}On time.{end}",
            ["On time.", "Late.", "On time.", "On time."],
        ),
        (
            "About {if order}{if orders}your orders{else}your order{end} {order_numbers}{else}your message{end}.",
            [
                "About your order #1042.",
                "About your order #1042.",
                "About your orders #1047 and #1048.",
                "About your message.",
            ],
        ),
        (
            "Hi{if first_name} {first_name}{end}, thanks.",
            ["Hi John, thanks.", "Hi John, thanks.", "Hi John, thanks.", "Hi, thanks."],
        ),
        (
            "Thanks. {if offer.discount_code}Code {offer.discount_code}.{end} Bye.",
            [
                "Thanks. Code THANKYOU15. Bye.",
                "Thanks. Code THANKYOU15. Bye.",
                "Thanks. Code THANKYOU15. Bye.",
                "Thanks. Bye.",
            ],
        ),
        (
            "Hi.\n{if late}\nSorry.\n{end}\nBye.",
            // A block tag alone on its line takes its line break along.
            ["Hi.\nBye.", "Hi.\nSorry.\nBye.", "Hi.\nBye.", "Hi.\nBye."],
        ),
    ];
    for (src, want) in cases {
        let t = tpl(&format!("name: x\n\n{src}\n"));
        for (c, w) in [ctx(), late(), two.clone(), none.clone()].iter().zip(want) {
            assert_eq!(body(&t, c), format!("{w}\n"), "{src}");
        }
    }
}

#[test]
fn late_apology_is_never_doubled_by_the_starters() {
    // The old missing-package wrote "I am so sorry…" right after the late apology.
    for (file, text) in STARTERS {
        let t = tpl(text);
        for c in [late(), very_late()] {
            let b = body(&t, &c);
            let found = check::apologies(&b, t.language);
            assert!(found.len() <= 1, "{file}: {found:?}");
        }
    }
}

#[test]
fn a_missing_offer_refuses_with_one_sentence_naming_the_key() {
    let t = Template::parse(
        Path::new("sorry-code.txt"),
        "name: Sorry code\n\nHere is {offer.discount_amount} off: {offer.discount_code}.\n",
    )
    .unwrap();
    assert_eq!(t.offer_keys(), ["discount_amount", "discount_code"]);
    let only_code = ReplyContext {
        offers: [("discount_code".to_string(), "THANKYOU15".to_string())].into(),
        ..ctx()
    };
    let err = render(&t, &only_code).unwrap_err().to_string();
    assert_eq!(
        err,
        "cannot use the template \"Sorry code\": it needs `discount_amount` under [offers] in \
         the config, which does not set it; add it there (config.example.toml shows how) or \
         choose another template"
    );
    let nothing = ReplyContext {
        offers: Default::default(),
        ..ctx()
    };
    let err = render(&t, &nothing).unwrap_err().to_string();
    assert!(
        err.contains("`discount_amount` and `discount_code`") && !err.contains('\n'),
        "{err}"
    );
    assert!(render(&t, &ctx())
        .unwrap()
        .body
        .contains("15% off: THANKYOU15."));
    // The starter guards its code with {if offer.discount_code}, so a code without its amount
    // is refused rather than half stated.
    let missing_package = tpl(STARTERS
        .iter()
        .find(|(f, _)| *f == "missing-package.txt")
        .unwrap()
        .1);
    assert!(matches!(
        render(&missing_package, &only_code),
        Err(RenderError::MissingOffer { keys, .. }) if keys == ["discount_amount"]
    ));
}

#[test]
fn conditional_syntax_errors() {
    let cases: &[(&str, usize, usize, &str)] = &[
        ("name: x\n\n{if late}Hi\n", 3, 1, "never closed"),
        ("name: x\n\nHi{end}\n", 3, 3, "without its `{if"),
        ("name: x\n\nHi{else}\n", 3, 3, "without its `{if"),
        (
            "name: x\n\n{if late}a{else}b{else}c{end}\n",
            3,
            18,
            "second `{else}`",
        ),
        ("name: x\n\n{if sunny}a{end}\n", 3, 1, "unknown condition"),
        ("name: x\n\n{if}a{end}\n", 3, 1, "without a condition"),
        ("name: x\n\n{offer.code|none}\n", 3, 1, "takes no fallback"),
        (
            "name: x\n\n{offer.Bad-Key}\n",
            3,
            1,
            "not a key of [offers]",
        ),
        (
            "name: x\nlanguage: klingon\n\nHi\n",
            2,
            11,
            "unknown language",
        ),
    ];
    for (src, line, col, needle) in cases {
        let errs = errors(src);
        assert!(
            errs.iter()
                .any(|(l, c, m)| l == line && c == col && m.contains(needle)),
            "{src:?}: want {line}:{col} {needle:?}, got {errs:?}"
        );
    }
}

#[test]
fn the_signature_is_appended_when_the_template_does_not_place_it() {
    let t = tpl("name: x\n\nThanks!\n");
    assert_eq!(render(&t, &ctx()).unwrap().body, "Thanks!\n\nTom\nAlphx\n");
    let placed = tpl("name: x\n\nThanks!\n{signature}\n");
    assert_eq!(
        render(&placed, &ctx()).unwrap().body,
        "Thanks!\nTom\nAlphx\n"
    );
    // Placed in only one branch still counts as placed: the template decides.
    let branch = tpl("name: x\n\nThanks!\n{if late}{signature}{end}\n");
    assert_eq!(render(&branch, &ctx()).unwrap().body, "Thanks!\n");
}

#[test]
fn order_numbers_join_in_the_template_language() {
    let three = ReplyContext {
        order_numbers: vec!["1".into(), "#2".into(), "A-3".into()],
        ..ctx()
    };
    for (lang, want) in [
        ("en", "#1, #2 and A-3"),
        ("de", "#1, #2 und A-3"),
        ("fr", "#1, #2 et A-3"),
        ("es", "#1, #2 y A-3"),
        ("it", "#1, #2 e A-3"),
        ("nl", "#1, #2 en A-3"),
    ] {
        let t = tpl(&format!("name: x\nlanguage: {lang}\n\n{{order_numbers}}\n"));
        assert_eq!(body(&t, &three), format!("{want}\n"));
        let t = tpl(&format!("name: x\nlanguage: {lang}\n\n{{order_number}}\n"));
        assert_eq!(body(&t, &three), "#1\n");
    }
}

#[test]
fn readme_example_reads_as_documented() {
    let t = tpl(STARTERS
        .iter()
        .find(|(f, _)| *f == "missing-package.de.txt")
        .unwrap()
        .1);
    let berlin = |m: u32, d: u32, h: u32| {
        chrono_tz::Europe::Berlin
            .with_ymd_and_hms(2026, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    let jane = ReplyContext {
        first_name: Some("Jane".into()),
        order_numbers: vec!["1047".into()],
        // Due Monday 30 November, answered Wednesday 2 December.
        customer_due_at: Some(berlin(11, 30, 17)),
        now: berlin(12, 2, 10),
        ..ctx()
    };
    let late = body(&t, &jane);
    assert!(
        late.starts_with(
            "Hallo Jane,\n\nvielen Dank, dass Sie mir Bescheid geben. Es tut mir leid, dass Sie \
             so lange auf meine Antwort warten mussten. Ein Paket, das"
        ),
        "{late}"
    );
    assert!(
        late.contains("Ich melde mich bis spätestens Freitag mit dem Ergebnis."),
        "{late}"
    );
    let on_time = ReplyContext {
        customer_due_at: Some(berlin(12, 2, 17)),
        ..jane
    };
    let b = body(&t, &on_time);
    assert!(
        b.contains(
            "Es tut mir sehr leid, dass Ihr Paket zur Bestellung #1047 als zugestellt gemeldet \
             ist, Sie aber nicht erreicht hat."
        ),
        "{b}"
    );
}
