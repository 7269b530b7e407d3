use super::*;
use std::path::Path;

#[test]
fn templates_in_the_customer_s_language_come_first() {
    let choice = |file: &str, lang: Language| TemplateChoice {
        template: Template::parse(
            Path::new(file),
            &format!("name: {file}\nlanguage: {}\n\nText", lang.code()),
        )
        .unwrap(),
        draft: Err(String::new()),
    };
    let files = |c: &[TemplateChoice]| {
        c.iter()
            .map(|c| c.template.name.clone())
            .collect::<Vec<_>>()
    };
    let all = vec![
        choice("a.de", Language::German),
        choice("a", Language::English),
        choice("b.de", Language::German),
        choice("b", Language::English),
    ];
    for (lang, want) in [
        (Some(Language::English), ["a", "b", "a.de", "b.de"]),
        (Some(Language::German), ["a.de", "b.de", "a", "b"]),
        (Some(Language::French), ["a.de", "a", "b.de", "b"]),
        (None, ["a.de", "a", "b.de", "b"]),
    ] {
        let mut c = all.clone();
        sort_for_language(&mut c, lang);
        assert_eq!(files(&c), want, "{lang:?}");
    }
}

#[test]
fn problems_name_the_file_and_line() {
    let e = TemplateError::Syntax {
        path: Path::new("/home/tom/.config/shopinbox/templates/broken.txt").to_path_buf(),
        line: 4,
        column: 7,
        message: "unknown placeholder {frist_name}".to_string(),
    };
    assert_eq!(
        problem_line(&e),
        "broken.txt:4:7: unknown placeholder {frist_name}"
    );
}

#[test]
fn errors_read_as_sentences() {
    assert_eq!(
        sentence(&"cannot find conversation 4"),
        "Cannot find conversation 4."
    );
    assert_eq!(sentence(&"cannot send."), "Cannot send.");
    assert_eq!(sentence(&""), "");
}

#[test]
fn edited_text_is_normalized() {
    let cases = [
        ("Hi\r\nthere\r\n\r\n\n", "Hi\nthere\n"),
        ("Hi\rthere", "Hi\nthere\n"),
        ("Hi\n> quoted\n", "Hi\n> quoted\n"),
    ];
    for (input, want) in cases {
        assert_eq!(normalize_edited(input), want, "{input:?}");
    }
}

#[test]
fn recipient_prefers_reply_to_and_cleans_names() {
    use crate::mail::Address;
    let mut o = Original {
        from: Some(Address {
            name: Some("John\r\nBcc: evil@x.com".into()),
            addr: "john@example.com".into(),
        }),
        ..Original::default()
    };
    let line = recipient_line(&o);
    assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
    assert!(line.ends_with("<john@example.com>"), "{line}");
    o.reply_to = Some(Address {
        name: None,
        addr: "orders@example.com".into(),
    });
    assert_eq!(recipient_line(&o), "orders@example.com");
    assert_eq!(
        recipient_line(&Original::default()),
        "(no address to reply to)"
    );
}
