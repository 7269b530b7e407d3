//! What the shop's own mail provider says about a message's sender: the receiving server's
//! `Authentication-Results` header (RFC 8601). This is the one signal in a message that its
//! sender cannot write: every other header, the From included, is whatever the sender typed.
//!
//! Only the provider's own header counts. Providers add theirs on top, so the topmost header
//! is the provider's unless the owner names its authserv-id (`[shop] authserv_id`), in which
//! case only headers with that id count. Headers further down, or with another id, may have been
//! written by the sender and are ignored.
//!
//! Pure: a function of the raw header block. Never panics.

use super::classify::address_matches_domain;

/// One `method=result` with its properties (`header.d=shopify.com`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodResult {
    /// `dkim`, `spf`, `dmarc`, … lower-case, without a version (`dkim/1` → `dkim`).
    pub method: String,
    /// `pass`, `fail`, `softfail`, `none`, … lower-case.
    pub result: String,
    /// `(ptype.property, value)`, lower-case: `("header.d", "shopify.com")`.
    pub props: Vec<(String, String)>,
}

impl MethodResult {
    fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The domain this result is about: DKIM's signing domain, SPF's envelope or HELO domain,
    /// DMARC's From domain.
    pub fn domain(&self) -> Option<String> {
        let v = match self.method.as_str() {
            "dkim" => self.prop("header.d").or_else(|| self.prop("header.i")),
            "spf" => self
                .prop("smtp.mailfrom")
                .or_else(|| self.prop("smtp.helo")),
            "dmarc" => self.prop("header.from"),
            _ => None,
        }?;
        let d = v
            .rsplit('@')
            .next()
            .unwrap_or(v)
            .trim()
            .trim_end_matches('.');
        (!d.is_empty()).then(|| d.to_lowercase())
    }
}

/// The provider's verdict on one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthResults {
    /// The provider's authserv-id, when its header names one (Microsoft's does not).
    pub authserv_id: Option<String>,
    pub methods: Vec<MethodResult>,
}

impl AuthResults {
    fn results(&self, method: &str) -> impl Iterator<Item = &MethodResult> {
        let method = method.to_string();
        self.methods.iter().filter(move |m| m.method == method)
    }

    fn has(&self, method: &str, result: &str) -> bool {
        self.results(method).any(|m| m.result == result)
    }

    /// A DKIM signature that verified for `domain` or one of its subdomains.
    pub fn dkim_pass_for(&self, domain: &str) -> bool {
        self.results("dkim").any(|m| {
            m.result == "pass"
                && m.domain()
                    .is_some_and(|d| address_matches_domain(&format!("x@{d}"), domain))
        })
    }

    /// Did the sender's domain check out? DKIM passing for it, or DMARC passing, or SPF
    /// passing for it with DMARC not failing.
    pub fn passes_for(&self, domain: &str) -> bool {
        let about = |m: &MethodResult| {
            m.domain()
                .is_some_and(|d| address_matches_domain(&format!("x@{d}"), domain))
        };
        if self.has("dmarc", "fail") {
            return false;
        }
        self.dkim_pass_for(domain)
            || self
                .results("dmarc")
                .any(|m| m.result == "pass" && about(m))
            || self.results("spf").any(|m| m.result == "pass" && about(m))
    }

    /// The provider says the sender is not who the From claims: `dmarc=fail`, or SPF failing
    /// with no DKIM signature passing.
    pub fn failed(&self) -> bool {
        self.has("dmarc", "fail") || (self.has("spf", "fail") && !self.has("dkim", "pass"))
    }

    /// Methods (`dkim`, `spf`, `dmarc`) reported as `fail`, in that order, for a reason line.
    pub fn failures(&self) -> Vec<&'static str> {
        ["dkim", "spf", "dmarc"]
            .into_iter()
            .filter(|m| self.has(m, "fail"))
            .collect()
    }
}

/// The provider's `Authentication-Results` of `raw`: the topmost header (with `authserv_id`
/// when given), and the ones with the same id right below it, up to the next `Received:`
/// header (a provider adds its results on top of the trace it adds; whatever lies below that
/// came with the message). `None` when the provider added none.
pub fn receiving_results(raw: &[u8], authserv_id: Option<&str>) -> Option<AuthResults> {
    let (headers, _) = mailparse::parse_headers(raw).ok()?;
    let configured = authserv_id
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let mut out: Option<AuthResults> = None;
    for h in &headers {
        let key = h.get_key_ref();
        if key.eq_ignore_ascii_case("Received") && out.is_some() {
            break;
        }
        if !key.eq_ignore_ascii_case("Authentication-Results") {
            continue;
        }
        let value = h.get_value();
        let id = authserv_id_of(&value);
        match &mut out {
            None => {
                if configured.is_some() && id != configured {
                    continue;
                }
                out = Some(AuthResults {
                    authserv_id: id,
                    methods: parse_methods(&value),
                });
            }
            // A provider may split its results over several headers, all with its id.
            Some(r) if id.is_some() && id == r.authserv_id => {
                r.methods.extend(parse_methods(&value))
            }
            Some(_) => {}
        }
    }
    out
}

/// The authserv-ids of every `Authentication-Results` header, top first (for `config check`).
pub fn authserv_ids(raw: &[u8]) -> Vec<Option<String>> {
    let Ok((headers, _)) = mailparse::parse_headers(raw) else {
        return Vec::new();
    };
    headers
        .iter()
        .filter(|h| {
            h.get_key_ref()
                .eq_ignore_ascii_case("Authentication-Results")
        })
        .map(|h| authserv_id_of(&h.get_value()))
        .collect()
}

/// What the shop's recent incoming mail says about its provider, for `config check`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderSummary {
    /// Messages looked at.
    pub examined: usize,
    /// Of those, how many carry the provider's `Authentication-Results`.
    pub with_results: usize,
    /// The authserv-id seen on top most often, when any.
    pub top_id: Option<String>,
}

impl ProviderSummary {
    /// Summarise the raw messages (newest incoming mail); `configured`: `[shop] authserv_id`.
    pub fn of<'a>(raws: impl IntoIterator<Item = &'a [u8]>, configured: Option<&str>) -> Self {
        let mut out = ProviderSummary::default();
        let mut ids: std::collections::BTreeMap<String, usize> = Default::default();
        for raw in raws {
            out.examined += 1;
            if receiving_results(raw, configured).is_some() {
                out.with_results += 1;
            }
            if let Some(Some(top)) = authserv_ids(raw).into_iter().next() {
                *ids.entry(top).or_default() += 1;
            }
        }
        out.top_id = ids
            .into_iter()
            .max_by_key(|(id, n)| (*n, std::cmp::Reverse(id.clone())))
            .map(|(id, _)| id);
        out
    }

    /// One sentence for the owner: which kind of provider the shop has and what follows.
    pub fn describe(&self, configured: Option<&str>) -> String {
        if self.examined == 0 {
            return "no incoming mail synced yet; run `shopinbox sync`, then check again to see \
                    whether your provider checks senders"
                .to_string();
        }
        let share = format!("{} of the last {}", self.with_results, self.examined);
        let id = configured
            .map(str::to_string)
            .or_else(|| self.top_id.clone())
            .map(|id| format!(" ({})", super::sanitize::line(&id)))
            .unwrap_or_default();
        if self.with_results * 2 >= self.examined {
            let mut s = format!(
                "your provider checks senders{id}: {share} incoming messages carry its verdict; \
                 order notifications are trusted only with their platform's signature"
            );
            if configured.is_none() {
                s.push_str(
                    "; set [shop] authserv_id to the name above to ignore any other such header",
                );
            }
            s
        } else if self.with_results == 0 {
            let hint = match (configured, &self.top_id) {
                (Some(c), Some(top)) => format!(
                    " (authserv_id = \"{}\" but recent mail names \"{}\"; check the setting)",
                    super::sanitize::line(c),
                    super::sanitize::line(top)
                ),
                _ => String::new(),
            };
            format!(
                "your provider adds no sender verdict to incoming mail{hint}: order notifications \
                 are filed by their sending domain only and never make a duplicate-order item, \
                 and mail that claims your own address cannot be checked"
            )
        } else {
            format!(
                "your provider's sender verdict is on only {share} incoming messages{id}: mail \
                 without it is never trusted as an order for duplicate checks"
            )
        }
    }
}

/// Drop RFC 5322 comments: "(google.com: domain of …)".
fn strip_comments(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The authserv-id: the first item when it is not a `method=result` (Microsoft omits it).
fn authserv_id_of(value: &str) -> Option<String> {
    let v = strip_comments(value);
    let first = v.split(';').next()?.trim();
    if first.contains('=') {
        return None;
    }
    let id = first.split_whitespace().next().unwrap_or("").to_lowercase();
    (!id.is_empty()).then_some(id)
}

fn parse_methods(value: &str) -> Vec<MethodResult> {
    strip_comments(value)
        .split(';')
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let (method, result) = words.next()?.split_once('=')?;
            let method = method.trim().to_lowercase();
            let method = method.split('/').next().unwrap_or("").to_string();
            if method.is_empty() {
                return None;
            }
            let props = words
                .filter_map(|w| {
                    let (k, v) = w.split_once('=')?;
                    Some((
                        k.trim().to_lowercase(),
                        v.trim().trim_matches('"').to_lowercase(),
                    ))
                })
                .collect();
            Some(MethodResult {
                method,
                result: result.trim().to_lowercase(),
                props,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(headers: &[&str]) -> Vec<u8> {
        let mut s = String::new();
        for h in headers {
            s.push_str(h);
            s.push_str("\r\n");
        }
        s.push_str("From: a@b.example\r\n\r\nhi\r\n");
        s.into_bytes()
    }

    const TOP_PASS: &str = "Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com header.s=s1; spf=pass smtp.mailfrom=bounce.shopify.com; dmarc=pass (p=reject) header.from=shopify.com";
    const FORGED_BELOW_PASS: &str =
        "Authentication-Results: mx.alphx.shop; dkim=pass header.d=evil.example";
    const TOP_FAIL: &str = "Authentication-Results: mx.alphx.shop; dkim=fail (bad signature) header.d=shopify.com; spf=fail smtp.mailfrom=shopify.com; dmarc=fail header.from=shopify.com";
    const OTHER_ID_PASS: &str =
        "Authentication-Results: relay.evil.example; dkim=pass header.d=shopify.com";

    #[test]
    fn verdict_table() {
        /// (name, headers, configured id, present, dkim pass for shopify.com, failed)
        type Case<'a> = (&'a str, &'a [&'a str], Option<&'a str>, bool, bool, bool);
        let cases: &[Case] = &[
            ("genuine", &[TOP_PASS], None, true, true, false),
            ("none at all", &[], None, false, false, false),
            ("the provider's two headers together", &[TOP_FAIL, TOP_PASS], None, true, true, true),
            (
                "forged pass below a failing top: the top decides",
                &[TOP_FAIL, OTHER_ID_PASS],
                None,
                true,
                false,
                true,
            ),
            (
                "a sender's own header on top, provider's id configured",
                &[OTHER_ID_PASS, TOP_FAIL],
                Some("mx.alphx.shop"),
                true,
                false,
                true,
            ),
            (
                "configured id absent: the provider said nothing",
                &[OTHER_ID_PASS],
                Some("mx.alphx.shop"),
                false,
                false,
                false,
            ),
            (
                "a pass for another domain is no pass for shopify.com",
                &[FORGED_BELOW_PASS],
                None,
                true,
                false,
                false,
            ),
            (
                "microsoft: no authserv-id, dmarc fail",
                &["Authentication-Results: spf=softfail (sender IP is 1.2.3.4) smtp.mailfrom=paypal.com; dkim=none (message not signed) header.d=none;dmarc=fail action=quarantine header.from=paypal.com;compauth=fail reason=000"],
                None,
                true,
                false,
                true,
            ),
            (
                "spf fail but dkim pass is not failed",
                &["Authentication-Results: mx.alphx.shop; dkim=pass header.d=shopify.com; spf=fail smtp.mailfrom=x.example"],
                None,
                true,
                true,
                false,
            ),
            (
                "spf fail, dkim none: failed",
                &["Authentication-Results: mx.alphx.shop; dkim=none; spf=fail smtp.mailfrom=alphx.shop"],
                None,
                true,
                false,
                true,
            ),
            (
                "dkim/1 with header.i of a subdomain",
                &["Authentication-Results: mx.alphx.shop; dkim/1=pass header.i=@mail.shopify.com"],
                None,
                true,
                true,
                false,
            ),
        ];
        for (name, headers, id, present, pass, failed) in cases.iter().chain(&[(
            "a pass with the provider's id below the trace is the sender's own",
            &[
                TOP_FAIL,
                "Received: from evil.example by mx.alphx.shop",
                TOP_PASS,
            ][..],
            None,
            true,
            false,
            true,
        )]) {
            let r = receiving_results(&raw(headers), *id);
            assert_eq!(r.is_some(), *present, "{name}: present");
            let r = r.unwrap_or_default();
            assert_eq!(r.dkim_pass_for("shopify.com"), *pass, "{name}: dkim pass");
            assert_eq!(r.failed(), *failed, "{name}: failed");
        }
    }

    #[test]
    fn provider_summary() {
        let pass = raw(&[TOP_PASS]);
        let none = raw(&[]);
        let all: Vec<&[u8]> = vec![&pass, &pass, &none];
        let s = ProviderSummary::of(all.iter().copied(), None);
        assert_eq!((s.examined, s.with_results), (3, 2));
        assert_eq!(s.top_id.as_deref(), Some("mx.alphx.shop"));
        let d = s.describe(None);
        assert!(
            d.starts_with("your provider checks senders (mx.alphx.shop): 2 of the last 3"),
            "{d}"
        );
        let s = ProviderSummary::of([none.as_slice()], None);
        assert!(s
            .describe(None)
            .starts_with("your provider adds no sender verdict"));
        let s = ProviderSummary::of([pass.as_slice()], Some("mx.other.example"));
        assert_eq!(s.with_results, 0);
        assert!(s.describe(Some("mx.other.example")).contains(
            "authserv_id = \"mx.other.example\" but recent mail names \"mx.alphx.shop\""
        ));
        assert!(ProviderSummary::default()
            .describe(None)
            .starts_with("no incoming mail synced yet"));
    }

    #[test]
    fn passes_for_and_failures() {
        let r = receiving_results(&raw(&[TOP_PASS]), None).unwrap_or_default();
        assert!(r.passes_for("shopify.com"));
        assert!(!r.passes_for("etsy.com"));
        let r = receiving_results(&raw(&[TOP_FAIL]), None).unwrap_or_default();
        assert!(!r.passes_for("shopify.com"));
        assert_eq!(r.failures(), ["dkim", "spf", "dmarc"]);
        assert_eq!(
            authserv_ids(&raw(&[TOP_PASS, OTHER_ID_PASS])),
            [
                Some("mx.alphx.shop".to_string()),
                Some("relay.evil.example".to_string())
            ]
        );
    }
}
