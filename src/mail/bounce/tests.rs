use super::*;

fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

/// (name, raw, recipient, status, reason, original id, original subject, suggestion)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

#[test]
fn reports_as_mail_servers_send_them() {
    let cases: &[Case] = &[
        (
            "postfix multipart/report",
            include_str!("../fixtures/bounces/postfix.eml"),
            "marco.rossi@hotmial.com",
            Some("5.1.1"),
            "address does not exist",
            Some("20250603084102.77aa@alphx.shop"),
            Some("Re: Do you ship to Switzerland?"),
            Some("marco.rossi@hotmail.com"),
        ),
        (
            "exim plain text",
            include_str!("../fixtures/bounces/exim-plain.eml"),
            "amy.chen@yahooo.com",
            None,
            "address does not exist",
            Some("20250603084100.5e5e@alphx.shop"),
            Some("Re: Bud vase colours"),
            Some("amy.chen@yahoo.com"),
        ),
        (
            "exim multipart/report with a postfix diagnostic",
            include_str!("../fixtures/bounces/exim-report.eml"),
            "sarah.kowalski@gmial.com",
            Some("5.1.2"),
            "address does not exist",
            Some("20250603084102.1a9e4c3f@alphx.shop"),
            Some("Your Alphx order #1052 is confirmed"),
            Some("sarah.kowalski@gmail.com"),
        ),
    ];
    for (name, raw, rcpt, status, reason, id, subject, fix) in cases {
        let b = parse(&crlf(raw)).unwrap_or_else(|| panic!("{name}: not read"));
        assert_eq!(b.recipient, *rcpt, "{name}");
        assert_eq!(b.status.as_deref(), *status, "{name}");
        assert_eq!(b.reason, *reason, "{name}");
        assert_eq!(b.original_message_id.as_deref(), *id, "{name}");
        assert_eq!(b.original_subject.as_deref(), *subject, "{name}");
        assert_eq!(b.suggestion.as_deref(), *fix, "{name}");
    }
}

#[test]
fn a_delay_warning_is_not_a_bounce() {
    assert_eq!(
        parse(&crlf(include_str!("../fixtures/bounces/postfix-delay.eml"))),
        None
    );
}

#[test]
fn summary_line() {
    let b = parse(&crlf(include_str!("../fixtures/bounces/exim-report.eml"))).unwrap();
    assert_eq!(
        b.summary(),
        "your reply to sarah.kowalski@gmial.com bounced: address does not exist; \
         did you mean sarah.kowalski@gmail.com?"
    );
}

#[test]
fn domain_typos() {
    let cases = [
        ("sarah.kowalski@gmial.com", Some("sarah.kowalski@gmail.com")),
        ("a@hotmial.com", Some("a@hotmail.com")),
        ("a@gmail.co", Some("a@gmail.com")),
        ("a@yahooo.com", Some("a@yahoo.com")),
        ("a@outlok.com", Some("a@outlook.com")),
        ("a@gmail.com", None),
        ("a@gmx.de", None),
        ("a@alphx.shop", None),
        ("a@bluewin.ch", None),
        ("no-at-sign", None),
    ];
    for (addr, want) in cases {
        assert_eq!(suggest(addr).as_deref(), want, "{addr}");
    }
}

#[test]
fn reasons() {
    let cases = [
        (Some("5.1.1"), "", "address does not exist"),
        (None, "550 No such user here", "address does not exist"),
        (Some("5.2.2"), "", "the mailbox is full"),
        (None, "552 mailbox over quota", "the mailbox is full"),
        (
            Some("5.7.1"),
            "rejected",
            "the recipient's server refused it",
        ),
        (Some("5.0.0"), "", "it could not be delivered"),
    ];
    for (status, detail, want) in cases {
        assert_eq!(reason_for(status, detail), want, "{status:?} {detail}");
    }
}
