//! The SASL messages that carry an OAuth 2.0 bearer token (pure; IMAP and SMTP send them).

use super::Mechanism;

/// The client's first (and only) message. XOAUTH2 is Google's format; OAUTHBEARER is
/// RFC 7628 3.1 with a GS2 header naming the user (`,` and `=` escaped as RFC 5801 asks).
pub fn initial_response(
    mechanism: Mechanism,
    user: &str,
    host: &str,
    port: u16,
    token: &str,
) -> Vec<u8> {
    match mechanism {
        Mechanism::XOAuth2 => format!("user={user}\x01auth=Bearer {token}\x01\x01").into_bytes(),
        Mechanism::OAuthBearer => {
            let authzid = user.replace('=', "=3D").replace(',', "=2C");
            format!("n,a={authzid},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
                .into_bytes()
        }
    }
}

/// What the client answers to the server's error challenge, so the server can finish with
/// a failure: `%x01` for OAUTHBEARER (RFC 7628 3.2.3), an empty response for XOAUTH2.
pub fn error_ack(mechanism: Mechanism) -> Vec<u8> {
    match mechanism {
        Mechanism::XOAuth2 => Vec::new(),
        Mechanism::OAuthBearer => vec![0x01],
    }
}

/// The mechanism to use: the configured one, else OAUTHBEARER when the server offers it,
/// else XOAUTH2. `offered` are the server's SASL mechanism names (any case); `None` when the
/// server's list is unknown (then XOAUTH2, which every OAuth mail provider takes).
pub fn choose(configured: Option<Mechanism>, offered: Option<&[String]>) -> Option<Mechanism> {
    if let Some(m) = configured {
        return Some(m);
    }
    let Some(offered) = offered else {
        return Some(Mechanism::XOAuth2);
    };
    let has = |name: &str| offered.iter().any(|m| m.eq_ignore_ascii_case(name));
    if has("OAUTHBEARER") {
        Some(Mechanism::OAuthBearer)
    } else if has("XOAUTH2") {
        Some(Mechanism::XOAuth2)
    } else {
        None
    }
}

/// SASL mechanisms from IMAP capabilities (`AUTH=XOAUTH2`).
pub fn imap_mechanisms<'a>(caps: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    caps.into_iter()
        .filter_map(|c| {
            c.get(..5)
                .filter(|p| p.eq_ignore_ascii_case("AUTH="))
                .map(|_| c[5..].to_ascii_uppercase())
        })
        .collect()
}

/// SASL mechanisms from an SMTP EHLO answer's lines (`AUTH PLAIN LOGIN XOAUTH2`).
pub fn smtp_mechanisms<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    lines
        .into_iter()
        .filter_map(|l| {
            let mut words = l.split_ascii_whitespace();
            let first = words.next()?;
            (first.eq_ignore_ascii_case("AUTH") || first.eq_ignore_ascii_case("AUTH="))
                .then(|| words.map(str::to_ascii_uppercase).collect::<Vec<_>>())
        })
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Mechanism::*;

    #[test]
    fn messages() {
        assert_eq!(
            initial_response(XOAuth2, "test", "h", 1, "T0K"),
            b"user=test\x01auth=Bearer T0K\x01\x01"
        );
        assert_eq!(
            initial_response(OAuthBearer, "a,b=c@x", "imap.x", 993, "T0K"),
            b"n,a=a=2Cb=3Dc@x,\x01host=imap.x\x01port=993\x01auth=Bearer T0K\x01\x01"
        );
        assert_eq!(error_ack(XOAuth2), b"");
        assert_eq!(error_ack(OAuthBearer), b"\x01");
    }

    #[test]
    fn choice_follows_the_server() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        type Case = (Option<Mechanism>, Option<Vec<String>>, Option<Mechanism>);
        let cases: &[Case] = &[
            (
                None,
                Some(s(&["PLAIN", "XOAUTH2", "OAUTHBEARER"])),
                Some(OAuthBearer),
            ),
            (None, Some(s(&["plain", "xoauth2"])), Some(XOAuth2)),
            (None, Some(s(&["PLAIN", "LOGIN"])), None),
            (None, None, Some(XOAuth2)),
            (Some(XOAuth2), Some(s(&["OAUTHBEARER"])), Some(XOAuth2)),
            (Some(OAuthBearer), Some(s(&[])), Some(OAuthBearer)),
        ];
        for (configured, offered, want) in cases {
            assert_eq!(
                choose(*configured, offered.as_deref()),
                *want,
                "{configured:?} {offered:?}"
            );
        }
    }

    #[test]
    fn mechanisms_from_capabilities() {
        assert_eq!(
            imap_mechanisms([
                "IMAP4rev1",
                "AUTH=PLAIN",
                "auth=xoauth2",
                "SASL-IR",
                "AUTH="
            ]),
            vec!["PLAIN", "XOAUTH2", ""]
        );
        assert_eq!(
            smtp_mechanisms([
                "localhost",
                "8BITMIME",
                "AUTH LOGIN PLAIN XOAUTH2 OAUTHBEARER",
                "STARTTLS"
            ]),
            vec!["LOGIN", "PLAIN", "XOAUTH2", "OAUTHBEARER"]
        );
        assert!(smtp_mechanisms(["SIZE 100"]).is_empty());
    }

    #[test]
    fn parse_names() {
        assert_eq!(Mechanism::parse("OAuthBearer"), Some(OAuthBearer));
        assert_eq!(Mechanism::parse(" xoauth2 "), Some(XOAuth2));
        assert_eq!(Mechanism::parse("plain"), None);
    }
}
