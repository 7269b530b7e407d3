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
        order_number: Some("1042".into()),
        order_numbers: vec!["1042".into()],
        subject: "Where is my package?".into(),
        customer_due_at: Some(Utc.with_ymd_and_hms(2025, 11, 24, 16, 0, 0).unwrap()),
        calendar: calendar(),
        now: monday_morning(),
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
fn every_starter_template_renders_personalized() {
    // (file, order number expected, reply_by expected)
    let table: &[(&str, bool, bool)] = &[
        ("acknowledge.txt", true, true),
        ("missing-package.txt", true, true),
        ("return-label.txt", true, false),
        ("cancel-before-shipping.txt", true, false),
        ("cancel-after-shipping.txt", true, false),
        ("shipping-delay.txt", true, true),
        ("duplicate-order.txt", true, true),
        ("angry-customer.txt", true, true),
        ("negative-review.txt", true, false),
        ("plain.txt", false, false),
    ];
    assert_eq!(table.len(), STARTERS.len(), "every starter is in the table");
    for (file, text) in STARTERS {
        let (_, want_order, want_reply_by) = table
            .iter()
            .find(|(f, _, _)| f == file)
            .unwrap_or_else(|| panic!("{file} missing from the table"));
        let t = Template::parse(Path::new(file), text)
            .unwrap_or_else(|e| panic!("{file} does not parse: {e:?}"));
        let out = render(&t, &ctx());
        let body = &out.body;
        assert!(body.starts_with("Hi John,\n"), "{file}: {body}");
        assert!(
            body.contains("\nTom\nAlphx\n"),
            "{file}: signature in {body}"
        );
        assert!(!body.contains('{') && !body.contains('}'), "{file}: {body}");
        assert!(!body.contains("  "), "{file}: double space in {body}");
        assert_eq!(body.contains("#1042"), *want_order, "{file}: {body}");
        if *want_reply_by {
            let words =
                deadline::reply_by_words(out.follow_up_at.unwrap(), monday_morning(), &calendar());
            assert!(body.contains(&words), "{file}: {words:?} in {body}");
        }
        assert_eq!(out.subject, "Re: Where is my package?", "{file}");
        assert!(t.name.len() > 3, "{file} has a real name");
    }
}

#[test]
fn missing_package_apology_code_uses_the_first_name() {
    let t = tpl(STARTERS[1].1);
    assert!(render(&t, &ctx()).body.contains("SorryJohn"));
    let anonymous = ReplyContext {
        first_name: None,
        ..ctx()
    };
    let body = render(&t, &anonymous).body;
    assert!(body.starts_with("Hi there,"), "{body}");
    assert!(body.contains("SorryFriend"), "{body}");
}

#[test]
fn acknowledge_promises_end_of_day_and_sets_the_follow_up() {
    let t = tpl(STARTERS[0].1);
    assert_eq!(t.follow_up, FollowUp::EndOfDay);
    let out = render(&t, &ctx());
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
    assert_eq!(render(&t, &ctx()).body, "Hi John. I am so sorry.\n");
    let late = ReplyContext {
        now: Utc.with_ymd_and_hms(2025, 11, 24, 18, 0, 0).unwrap(),
        ..ctx()
    };
    assert_eq!(
        render(&t, &late).body,
        "Hi John. I am sorry for the slow reply. I am so sorry.\n"
    );
    let very_late = ReplyContext {
        now: Utc.with_ymd_and_hms(2025, 11, 26, 10, 0, 0).unwrap(),
        ..ctx()
    };
    assert!(render(&t, &very_late).body.contains("took me so long"));
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
        assert_eq!(render(&t, &ctx()).body, format!("{want}\n"), "{src}");
    }
}

#[test]
fn unknown_values_take_the_fallback_or_vanish_cleanly() {
    let bare = ReplyContext {
        first_name: None,
        last_name: None,
        full_name: None,
        order_number: None,
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
        let body = render(&t, &bare).body;
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
    let out = render(&t, &hostile);
    assert!(
        !out.body.contains('\u{1b}') && !out.body.contains('\r'),
        "{:?}",
        out.body
    );
    assert_eq!(out.body.lines().count(), 1, "{:?}", out.body);
    assert!(!out.subject.contains('\n') && !out.subject.contains('\u{7}'));
}

#[test]
fn template_subject_overrides_the_reply_subject() {
    let t = tpl("name: x\nsubject: Your order {order_number}\n\nHi\n");
    assert_eq!(render(&t, &ctx()).subject, "Your order #1042");
    let t = tpl("name: x\nsubject: {order_number}\n\nHi\n");
    let none = ReplyContext {
        order_number: None,
        ..ctx()
    };
    assert_eq!(render(&t, &none).subject, "Re: Where is my package?");
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
    assert_eq!(render(&t, &ctx()).body, "Thanks John!\n");
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
    assert_eq!(render(&t, &ctx()).body, "Hi John\nBye\n");
}

#[test]
fn order_labels() {
    assert_eq!(order_label("1042"), "#1042");
    assert_eq!(order_label("#1042"), "#1042");
    assert_eq!(order_label(" A-1042 "), "A-1042");
}
