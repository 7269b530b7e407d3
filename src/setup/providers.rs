//! Mail provider presets for `shopinbox setup`: a pure table of the servers, ports, security
//! and usual Sent folder of the providers small shops use, and the lookup from an address's
//! domain. A shop on its own domain (Google Workspace, Microsoft 365, IONOS, Strato, OVH …)
//! cannot be recognised from the address, so setup then asks which provider it is.

use crate::net::Security;

/// One server of a preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Server {
    pub host: &'static str,
    pub port: u16,
    pub security: Security,
}

/// A provider's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The answers-file word (`provider = "gmail"`).
    pub id: &'static str,
    /// As shown in the list.
    pub name: &'static str,
    /// Address domains that belong to this provider (not custom domains).
    pub domains: &'static [&'static str],
    pub imap: Server,
    pub smtp: Server,
    /// The Sent folder's usual name there; the login check finds the real one (SPECIAL-USE
    /// first), so a localised name ("[Gmail]/Gesendet") still works.
    pub sent: &'static str,
    /// The built-in OAuth 2.0 sign-in (`oauth2_provider`), when the provider has one.
    pub oauth: Option<&'static str>,
    /// What the owner must know about passwords there (app passwords, IMAP switched off by
    /// default), shown before the password question.
    pub note: &'static str,
    /// The provider's page for creating an app password, where its mailboxes need one
    /// (typed at setup's password question; usually simpler than an OAuth sign-in).
    pub app_password: Option<&'static str>,
}

const fn tls(host: &'static str, port: u16) -> Server {
    Server {
        host,
        port,
        security: Security::Tls,
    }
}

const fn starttls(host: &'static str, port: u16) -> Server {
    Server {
        host,
        port,
        security: Security::StartTls,
    }
}

/// Every preset, in the order setup lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "gmail",
        name: "Gmail / Google Workspace",
        domains: &["gmail.com", "googlemail.com"],
        imap: tls("imap.gmail.com", 993),
        smtp: tls("smtp.gmail.com", 465),
        sent: "[Gmail]/Sent Mail",
        oauth: Some("google"),
        note: "Google takes an app password once 2-Step Verification is on (Google account → \
               Security → App passwords): the simpler route, typed below like a password. \
               The OAuth 2.0 sign-in needs a Google Cloud app of your own.",
        app_password: Some("https://myaccount.google.com/apppasswords"),
    },
    Preset {
        id: "microsoft365",
        name: "Microsoft 365 (Exchange Online)",
        domains: &[],
        imap: tls("outlook.office365.com", 993),
        smtp: starttls("smtp.office365.com", 587),
        sent: "Sent Items",
        oauth: Some("microsoft"),
        note: "Microsoft 365 no longer takes passwords for IMAP: sign in with OAuth 2.0.",
        app_password: None,
    },
    Preset {
        id: "outlook",
        name: "Outlook.com / Hotmail / Live",
        domains: &[
            "outlook.com",
            "outlook.de",
            "outlook.fr",
            "hotmail.com",
            "hotmail.de",
            "hotmail.fr",
            "hotmail.co.uk",
            "live.com",
            "live.de",
            "msn.com",
        ],
        imap: tls("outlook.office365.com", 993),
        smtp: starttls("smtp-mail.outlook.com", 587),
        sent: "Sent Items",
        oauth: Some("microsoft"),
        note: "Outlook.com no longer takes passwords for IMAP: sign in with OAuth 2.0.",
        app_password: None,
    },
    Preset {
        id: "icloud",
        name: "iCloud Mail",
        domains: &["icloud.com", "me.com", "mac.com"],
        imap: tls("imap.mail.me.com", 993),
        smtp: starttls("smtp.mail.me.com", 587),
        sent: "Sent Messages",
        oauth: None,
        note: "iCloud takes an app-specific password (account.apple.com → Sign-In and \
               Security → App-Specific Passwords).",
        app_password: Some("https://account.apple.com/account/manage"),
    },
    Preset {
        id: "fastmail",
        name: "Fastmail",
        domains: &["fastmail.com", "fastmail.fm", "fastmail.de", "fastmail.net"],
        imap: tls("imap.fastmail.com", 993),
        smtp: tls("smtp.fastmail.com", 465),
        sent: "Sent",
        oauth: None,
        note: "Fastmail takes an app password (Settings → Privacy & Security → App passwords).",
        app_password: Some(
            "https://www.fastmail.help/hc/en-us/articles/360058752854-App-passwords",
        ),
    },
    Preset {
        id: "yahoo",
        name: "Yahoo Mail",
        domains: &[
            "yahoo.com",
            "yahoo.co.uk",
            "yahoo.de",
            "yahoo.fr",
            "yahoo.es",
            "yahoo.it",
            "ymail.com",
            "rocketmail.com",
        ],
        imap: tls("imap.mail.yahoo.com", 993),
        smtp: tls("smtp.mail.yahoo.com", 465),
        sent: "Sent",
        oauth: None,
        note: "Yahoo takes an app password (Account security → Generate app password).",
        app_password: Some("https://login.yahoo.com/account/security/app-passwords"),
    },
    Preset {
        id: "zoho",
        name: "Zoho Mail",
        domains: &["zoho.com", "zohomail.com"],
        imap: tls("imap.zoho.com", 993),
        smtp: tls("smtp.zoho.com", 465),
        sent: "Sent",
        oauth: None,
        note: "Zoho: switch on IMAP access in Settings → Mail Accounts; with two-factor \
               sign-in, use an application-specific password. Accounts in the EU data centre \
               use \"Zoho Mail (EU)\".",
        app_password: Some("https://accounts.zoho.com/home#security/app_password"),
    },
    Preset {
        id: "zoho-eu",
        name: "Zoho Mail (EU)",
        domains: &["zoho.eu", "zohomail.eu"],
        imap: tls("imap.zoho.eu", 993),
        smtp: tls("smtp.zoho.eu", 465),
        sent: "Sent",
        oauth: None,
        note: "Zoho: switch on IMAP access in Settings → Mail Accounts; with two-factor \
               sign-in, use an application-specific password.",
        app_password: Some("https://accounts.zoho.eu/home#security/app_password"),
    },
    Preset {
        id: "ionos",
        name: "IONOS",
        domains: &[],
        imap: tls("imap.ionos.de", 993),
        smtp: tls("smtp.ionos.de", 465),
        sent: "Gesendete Objekte",
        oauth: None,
        note: "IONOS: the mailbox password from the IONOS control panel. Outside Germany the \
               servers are imap.ionos.com / smtp.ionos.com (choose \"other\").",
        app_password: None,
    },
    Preset {
        id: "gmx",
        name: "GMX",
        domains: &["gmx.de", "gmx.net", "gmx.at", "gmx.ch"],
        imap: tls("imap.gmx.net", 993),
        smtp: starttls("mail.gmx.net", 587),
        sent: "Gesendet",
        oauth: None,
        note: "GMX: switch on \"POP3/IMAP access\" in the mailbox settings first.",
        app_password: None,
    },
    Preset {
        id: "webde",
        name: "WEB.DE",
        domains: &["web.de"],
        imap: tls("imap.web.de", 993),
        smtp: starttls("smtp.web.de", 587),
        sent: "Gesendet",
        oauth: None,
        note: "WEB.DE: switch on \"POP3/IMAP access\" in the mailbox settings first.",
        app_password: None,
    },
    Preset {
        id: "strato",
        name: "Strato",
        domains: &[],
        imap: tls("imap.strato.de", 993),
        smtp: tls("smtp.strato.de", 465),
        sent: "Sent",
        oauth: None,
        note: "Strato: the mailbox password set in the Strato customer login.",
        app_password: None,
    },
    Preset {
        id: "ovh",
        name: "OVHcloud (MX Plan)",
        domains: &[],
        imap: tls("ssl0.ovh.net", 993),
        smtp: tls("ssl0.ovh.net", 465),
        sent: "Sent",
        oauth: None,
        note: "OVHcloud: the mailbox password set in the OVHcloud control panel.",
        app_password: None,
    },
];

/// The answers-file word for "none of these: ask for the servers".
pub const OTHER: &str = "other";

/// The preset with this id (any case).
pub fn by_id(id: &str) -> Option<&'static Preset> {
    PRESETS
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(id.trim()))
}

/// The domain of an address, lower case, without a trailing dot.
pub fn domain_of(address: &str) -> Option<String> {
    let (local, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    (!local.is_empty() && domain.contains('.') && !domain.starts_with('.')).then_some(domain)
}

/// The preset an address belongs to, recognised from its domain; `None` for the shop's own
/// domain (then the owner says which provider hosts it).
pub fn for_address(address: &str) -> Option<&'static Preset> {
    let domain = domain_of(address)?;
    PRESETS
        .iter()
        .find(|p| p.domains.contains(&domain.as_str()))
}

/// The default server names for a provider setup does not know: `imap.DOMAIN`, `smtp.DOMAIN`.
pub fn guess_hosts(address: &str) -> (String, String) {
    let domain = domain_of(address).unwrap_or_else(|| "example.com".to_string());
    (format!("imap.{domain}"), format!("smtp.{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_that_want_an_app_password_show_where_to_make_one() {
        for p in PRESETS {
            let wants = ["app password", "app-specific", "application-specific"]
                .iter()
                .any(|w| p.note.contains(w));
            assert_eq!(wants, p.app_password.is_some(), "{}", p.id);
            if let Some(page) = p.app_password {
                assert!(page.starts_with("https://"), "{page}");
            }
        }
        let gmail = by_id("gmail").unwrap();
        assert!(gmail.note.contains("simpler route"), "{}", gmail.note);
    }

    #[test]
    fn addresses_are_recognised_by_their_domain() {
        let cases: &[(&str, Option<&str>)] = &[
            ("someone@gmail.com", Some("gmail")),
            ("Someone@GoogleMail.com", Some("gmail")),
            ("shop@hotmail.co.uk", Some("outlook")),
            ("shop@outlook.com.", Some("outlook")),
            ("shop@live.com", Some("outlook")),
            ("shop@icloud.com", Some("icloud")),
            ("shop@me.com", Some("icloud")),
            ("shop@fastmail.com", Some("fastmail")),
            ("shop@yahoo.de", Some("yahoo")),
            ("shop@ymail.com", Some("yahoo")),
            ("shop@zoho.com", Some("zoho")),
            ("shop@zohomail.eu", Some("zoho-eu")),
            ("shop@gmx.de", Some("gmx")),
            ("shop@gmx.net", Some("gmx")),
            ("shop@web.de", Some("webde")),
            // The shop's own domain: hosted anywhere, so setup asks.
            ("hello@alphx.shop", None),
            // A look-alike is not the provider.
            ("hello@notgmail.com", None),
            ("hello@gmail.com.evil.example", None),
            ("no-at-sign", None),
            ("@gmail.com", None),
        ];
        for (addr, want) in cases {
            assert_eq!(for_address(addr).map(|p| p.id), *want, "{addr}");
        }
    }

    #[test]
    fn every_preset_is_complete_and_safe() {
        let mut ids = std::collections::BTreeSet::new();
        for p in PRESETS {
            assert!(ids.insert(p.id), "duplicate id {}", p.id);
            assert_ne!(p.id, OTHER);
            assert_eq!(by_id(&p.id.to_uppercase()).map(|q| q.id), Some(p.id));
            for s in [p.imap, p.smtp] {
                // Never plaintext to a provider; the usual port for the security.
                assert_ne!(s.security, Security::None, "{}", p.id);
                let usual: &[u16] = match s.security {
                    Security::Tls => &[993, 465],
                    _ => &[143, 587],
                };
                assert!(usual.contains(&s.port), "{} {}:{}", p.id, s.host, s.port);
                assert!(s.host.contains('.') && !s.host.contains(' '), "{}", s.host);
            }
            assert!(!p.sent.is_empty() && !p.note.is_empty(), "{}", p.id);
            if let Some(o) = p.oauth {
                // The sign-in presets exist and know these servers.
                let provider = crate::oauth::providers::by_id(o).expect("oauth preset");
                assert!(provider.hosts.contains(&p.imap.host), "{}", p.id);
                assert!(provider.hosts.contains(&p.smtp.host), "{}", p.id);
            }
        }
        // The owner's list: every one of these can be picked.
        for id in [
            "gmail",
            "microsoft365",
            "outlook",
            "icloud",
            "fastmail",
            "yahoo",
            "zoho",
            "ionos",
            "gmx",
            "webde",
            "strato",
            "ovh",
        ] {
            assert!(by_id(id).is_some(), "{id}");
        }
        assert!(by_id("other").is_none());
    }

    #[test]
    fn unknown_providers_get_guessed_host_names() {
        assert_eq!(
            guess_hosts("hello@Alphx.Shop"),
            ("imap.alphx.shop".to_string(), "smtp.alphx.shop".to_string())
        );
    }
}
