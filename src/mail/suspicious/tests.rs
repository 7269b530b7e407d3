use super::*;
use crate::mail::parse::parse_message;

fn shop() -> ShopIdentity {
    ShopIdentity {
        name: "Alphx".into(),
        addresses: vec!["hello@alphx.shop".into(), "tom@alphx.shop".into()],
        authserv_id: None,
    }
}

fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

#[test]
fn authentication_results_as_providers_write_them() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "gmail, all three fail",
            include_str!("../fixtures/auth/gmail.txt"),
            &["dkim", "spf", "dmarc"],
        ),
        (
            "microsoft, no authserv-id, softfail is not fail",
            include_str!("../fixtures/auth/microsoft.txt"),
            &["dmarc"],
        ),
        (
            "fastmail, a forged header further down is ignored",
            include_str!("../fixtures/auth/fastmail.txt"),
            &["dkim"],
        ),
        (
            "gmail pass, a forged failing header below does not count",
            include_str!("../fixtures/auth/gmail-pass.txt"),
            &[],
        ),
        ("no header", "From: a@b.example\n\nhi\n", &[]),
    ];
    for (name, raw, want) in cases {
        assert_eq!(authentication_failures(&crlf(raw)), *want, "{name}");
    }
}

fn kinds(raw: &str) -> Vec<SignalKind> {
    let raw = crlf(raw);
    signals(&raw, &parse_message(&raw), &shop())
        .into_iter()
        .map(|s| s.kind)
        .collect()
}

#[test]
fn signal_table() {
    use SignalKind::*;
    let cases: &[(&str, &str, &[SignalKind])] = &[
        (
            "ordinary customer",
            "From: Jane Doe <jane@outlook.com>\nSubject: Where is my order?\n\nHi\n",
            &[],
        ),
        (
            "role word from a foreign domain",
            "From: Tom Support <support-desk@refund-center.example>\nSubject: Order #1050\n\nHi\n",
            &[DisplayName],
        ),
        (
            "the shop's name from a foreign domain",
            "From: Alphx Billing Team <alphx.team@gmail.com>\nSubject: invoice\n\nHi\n",
            &[DisplayName],
        ),
        (
            "a company's support from its own domain",
            "From: Stripe Support <support@stripe.com>\nSubject: payout\n\nHi\n",
            &[],
        ),
        (
            "the shop's own address is never flagged",
            "From: Alphx Support <hello@alphx.shop>\nReply-To: x@evil.example\nSubject: x\n\nHi\n",
            &[],
        ),
        (
            "reply-to on another domain",
            "From: Jane <jane@outlook.com>\nReply-To: jane.doe@proton.example\nSubject: x\n\nHi\n",
            &[ReplyTo],
        ),
        (
            "a contact form sends the visitor's address as reply-to",
            "From: Shopify <mailer@shopify.com>\nReply-To: jane@outlook.com\nSubject: New customer message\n\nHi\n",
            &[],
        ),
        (
            "reply-to on a subdomain of the sender is fine",
            "From: Shop <a@mail.brand.example>\nReply-To: b@brand.example\nSubject: x\n\nHi\n",
            &[],
        ),
        (
            "a link that shows one domain and goes to another",
            "From: Jane <jane@outlook.com>\nSubject: x\nContent-Type: text/html\n\n<p>Open <a href=\"https://alphx-shop.refund-center.example/x\">https://alphx.shop/refund</a></p>\n",
            &[Link],
        ),
        (
            "a link whose text is its own domain",
            "From: Jane <jane@outlook.com>\nSubject: x\nContent-Type: text/html\n\n<p><a href=\"https://www.dhl.de/track?x=1\">dhl.de</a> and <a href=\"https://x.example\">click here</a></p>\n",
            &[],
        ),
        (
            "refund to a new account",
            "From: Jane <jane@outlook.com>\nSubject: refund\n\nPlease send the refund to my new bank account, IBAN DE00 1234.\n",
            &[PaymentChange],
        ),
        (
            "changed bank details",
            "From: Supplier <acc@clay.example>\nSubject: Updated bank details\n\nWe have new bank details from 1 July.\n",
            &[PaymentChange],
        ),
        (
            "an ordinary refund request",
            "From: Jane <jane@outlook.com>\nSubject: refund\n\nPlease refund it to my card.\n",
            &[],
        ),
        (
            "several signals at once",
            include_str!("../fixtures/auth/gmail.txt"),
            &[DisplayName, Authentication],
        ),
    ];
    for (name, raw, want) in cases {
        assert_eq!(kinds(raw), *want, "{name}");
    }
}

#[test]
fn reasons_read_as_one_line() {
    let raw = crlf(
        "From: Tom Support <support-desk@refund-center.example>\nSubject: Order #1050\n\nHi\n",
    );
    let s = signals(&raw, &parse_message(&raw), &shop());
    assert_eq!(
        s[0].reason,
        "the name \"Tom Support\" uses \"support\" but the mail comes from refund-center.example"
    );
}

#[test]
fn base_domains() {
    let cases = [
        ("mail.brand.example", "brand.example"),
        ("shop.co.uk", "shop.co.uk"),
        ("a.b.shop.co.uk", "shop.co.uk"),
        ("gmail.com", "gmail.com"),
        ("x.de", "x.de"),
    ];
    for (d, want) in cases {
        assert_eq!(base_domain(d), want, "{d}");
    }
}
