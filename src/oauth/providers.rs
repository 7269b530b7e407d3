//! Provider presets: a pure table of what a mail provider needs for OAuth 2.0 sign-in. The
//! config fills `oauth2_provider = "google" | "microsoft"` from it; `setup` can offer it for
//! addresses and hosts it recognises.

/// One provider's endpoints and scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    /// The config word (`oauth2_provider = "google"`).
    pub id: &'static str,
    /// For messages.
    pub name: &'static str,
    pub auth_url: &'static str,
    pub token_url: &'static str,
    /// RFC 8628 device authorization endpoint. `None` for Google: its device flow does not
    /// grant the mail scope.
    pub device_url: Option<&'static str>,
    pub scopes: &'static [&'static str],
    /// Extra authorization-request parameters (Google returns a refresh token only with
    /// `access_type=offline`, and again on later sign-ins only with `prompt=consent`).
    pub auth_params: &'static [(&'static str, &'static str)],
    /// Desktop apps registered with this provider get a client secret that must be sent
    /// (Google); Microsoft public clients have none.
    pub needs_client_secret: bool,
    pub imap_host: &'static str,
    pub smtp_host: &'static str,
    /// Server host names that belong to this provider.
    pub hosts: &'static [&'static str],
    /// Consumer address domains (Workspace / Microsoft 365 domains are the shop's own).
    pub domains: &'static [&'static str],
    /// Where an owner registers an app of their own.
    pub console: &'static str,
}

pub const GOOGLE: Provider = Provider {
    id: "google",
    name: "Google",
    auth_url: "https://accounts.google.com/o/oauth2/v2/auth",
    token_url: "https://oauth2.googleapis.com/token",
    device_url: None,
    scopes: &["https://mail.google.com/"],
    auth_params: &[("access_type", "offline"), ("prompt", "consent")],
    needs_client_secret: true,
    imap_host: "imap.gmail.com",
    smtp_host: "smtp.gmail.com",
    hosts: &[
        "imap.gmail.com",
        "smtp.gmail.com",
        "imap.googlemail.com",
        "smtp.googlemail.com",
    ],
    domains: &["gmail.com", "googlemail.com"],
    console: "https://console.cloud.google.com/apis/credentials",
};

pub const MICROSOFT: Provider = Provider {
    id: "microsoft",
    name: "Microsoft",
    auth_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    device_url: Some("https://login.microsoftonline.com/common/oauth2/v2.0/devicecode"),
    scopes: &[
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    ],
    auth_params: &[],
    needs_client_secret: false,
    imap_host: "outlook.office365.com",
    smtp_host: "smtp.office365.com",
    hosts: &[
        "outlook.office365.com",
        "smtp.office365.com",
        "imap-mail.outlook.com",
        "smtp-mail.outlook.com",
    ],
    domains: &["outlook.com", "hotmail.com", "live.com", "msn.com"],
    console: "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
};

/// Every preset.
pub const PROVIDERS: &[Provider] = &[GOOGLE, MICROSOFT];

/// The preset named in the config (`"google"`, `"microsoft"`; any case).
pub fn by_id(id: &str) -> Option<&'static Provider> {
    PROVIDERS
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(id.trim()))
}

/// The preset whose IMAP or SMTP server this is.
pub fn for_host(host: &str) -> Option<&'static Provider> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    PROVIDERS.iter().find(|p| p.hosts.contains(&host.as_str()))
}

/// The preset for a consumer address (`someone@gmail.com`).
pub fn for_address(address: &str) -> Option<&'static Provider> {
    let domain = address.rsplit_once('@')?.1.trim().to_ascii_lowercase();
    PROVIDERS
        .iter()
        .find(|p| p.domains.contains(&domain.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let cases: &[(&str, Option<&str>)] = &[
            ("imap.gmail.com", Some("google")),
            ("SMTP.GMAIL.COM.", Some("google")),
            ("outlook.office365.com", Some("microsoft")),
            ("smtp-mail.outlook.com", Some("microsoft")),
            ("mail.alphx.shop", None),
        ];
        for (host, want) in cases {
            assert_eq!(for_host(host).map(|p| p.id), *want, "{host}");
        }
        assert_eq!(for_address("a@Gmail.com").map(|p| p.id), Some("google"));
        assert_eq!(
            for_address("a@hotmail.com").map(|p| p.id),
            Some("microsoft")
        );
        assert_eq!(for_address("hello@alphx.shop"), None);
        assert_eq!(for_address("nonsense"), None);
        assert_eq!(by_id(" Microsoft ").map(|p| p.name), Some("Microsoft"));
        assert_eq!(by_id("yahoo"), None);
    }

    #[test]
    fn presets_are_https_and_have_the_mail_scopes() {
        for p in PROVIDERS {
            for url in [p.auth_url, p.token_url].into_iter().chain(p.device_url) {
                assert!(url.starts_with("https://"), "{url}");
            }
        }
        assert_eq!(GOOGLE.scopes, &["https://mail.google.com/"]);
        assert!(MICROSOFT.scopes.contains(&"offline_access"));
        assert!(MICROSOFT
            .scopes
            .contains(&"https://outlook.office.com/IMAP.AccessAsUser.All"));
        assert!(MICROSOFT
            .scopes
            .contains(&"https://outlook.office.com/SMTP.Send"));
    }
}
