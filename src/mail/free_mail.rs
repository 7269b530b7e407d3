//! Free-mail and ISP domains: thousands of unrelated people share them, so a "not a customer"
//! rule for one of them would hide every customer who uses it. A pure table: exact domains,
//! and families whose country variants all belong to one provider (hotmail.de, yahoo.co.uk).

/// Domains shared by the public (free mail providers and big ISPs), exact.
const EXACT: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "ymail.com",
    "rocketmail.com",
    "web.de",
    "t-online.de",
    "freenet.de",
    "arcor.de",
    "posteo.de",
    "mailbox.org",
    "proton.me",
    "pm.me",
    "protonmail.com",
    "protonmail.ch",
    "tutanota.com",
    "tuta.io",
    "fastmail.com",
    "hey.com",
    "zoho.com",
    "mail.com",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "sfr.fr",
    "laposte.net",
    "libero.it",
    "virgilio.it",
    "tiscali.it",
    "alice.it",
    "btinternet.com",
    "sky.com",
    "virginmedia.com",
    "comcast.net",
    "verizon.net",
    "att.net",
    "sbcglobal.net",
    "bigpond.com",
    "shaw.ca",
    "bluewin.ch",
    "seznam.cz",
    "wp.pl",
    "o2.pl",
    "onet.pl",
    "interia.pl",
    "mail.ru",
    "bk.ru",
    "rambler.ru",
    "ukr.net",
    "qq.com",
    "163.com",
    "126.com",
    "naver.com",
    "hanmail.net",
    "telenet.be",
    "skynet.be",
    "ziggo.nl",
    "kpnmail.nl",
    "xs4all.nl",
];

/// Providers whose every country domain is public: `hotmail.*`, `live.*`, `yahoo.*`, …
const FAMILIES: &[&str] = &[
    "hotmail",
    "live",
    "yahoo",
    "gmx",
    "aol",
    "outlook",
    "windowslive",
    "yandex",
];

/// Whether `domain` is a free-mail or ISP domain (case and a trailing dot ignored).
pub fn is_free_mail(domain: &str) -> bool {
    let d = domain
        .trim()
        .trim_start_matches('@')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if EXACT.contains(&d.as_str()) {
        return true;
    }
    // "hotmail.co.uk", "yahoo.de", "gmx.net": the family name, then a short suffix only.
    match d.split_once('.') {
        Some((first, rest)) => {
            FAMILIES.contains(&first)
                && !rest.is_empty()
                && rest.split('.').count() <= 2
                && rest
                    .split('.')
                    .all(|l| (2..=3).contains(&l.len()) || l == "info")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_free_mail;

    #[test]
    fn free_mail_and_isp_domains_are_recognised() {
        for d in [
            "gmail.com",
            "GoogleMail.com",
            "outlook.com",
            "outlook.de",
            "hotmail.com",
            "hotmail.co.uk",
            "hotmail.fr",
            "live.com",
            "live.de",
            "msn.com",
            "yahoo.com",
            "yahoo.co.jp",
            "yahoo.de",
            "icloud.com",
            "me.com",
            "aol.com",
            "aol.de",
            "gmx.de",
            "gmx.net",
            "gmx.at",
            "web.de",
            "t-online.de",
            "proton.me",
            "protonmail.com",
            "orange.fr",
            "libero.it",
            "@gmail.com",
            "gmail.com.",
        ] {
            assert!(is_free_mail(d), "{d} is free mail");
        }
    }

    #[test]
    fn company_domains_are_not() {
        for d in [
            "alphx.shop",
            "example.com",
            "shopify.com",
            "live-events.de",
            "yahoo-fans.example.com",
            "hotmail.example.com.evil",
            "mygmail.com",
            "gmail.company.com",
            "",
            "localhost",
        ] {
            assert!(!is_free_mail(d), "{d} is not free mail");
        }
    }
}
