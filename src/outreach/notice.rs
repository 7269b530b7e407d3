//! One customer's notice: the campaign's template in the customer's language, filled with
//! their name, order numbers and items, as the exact message the outbox will send.
//!
//! A campaign names one template by its file stem (`supplier-delay`); its language versions
//! are the files `supplier-delay.CODE.txt` (`supplier-delay.de.txt`), as with the starter
//! templates. A customer gets the version in their language
//! ([`super::select::customer_language`]), else the base file. The template's `subject:` is
//! the notice's subject (a notice answers nothing, so there is no "Re:"); without one, the
//! subject is the template's name.

use crate::config::Config;
use crate::mail::Address;
use crate::send::compose::{self, Composed, Original};
use crate::store::outreach::Recipient;
use crate::template::{self, Language, ReplyContext, Template};
use chrono::{DateTime, Utc};

/// Every version of the campaign template `base` (its slug, or `base.CODE`).
pub fn versions<'a>(templates: &'a [Template], base: &str) -> Vec<&'a Template> {
    templates
        .iter()
        .filter(|t| {
            let slug = t.slug();
            slug.eq_ignore_ascii_case(base)
                || slug.rsplit_once('.').is_some_and(|(b, code)| {
                    b.eq_ignore_ascii_case(base) && Language::parse(code).is_some()
                })
        })
        .collect()
}

/// The version for `language`: the one written in it, else the base file, else any.
pub fn pick<'a>(versions: &[&'a Template], base: &str, language: Language) -> Option<&'a Template> {
    versions
        .iter()
        .find(|t| t.language == language)
        .or_else(|| {
            versions
                .iter()
                .find(|t| t.slug().eq_ignore_ascii_case(base))
        })
        .or_else(|| versions.first())
        .copied()
}

/// A notice ready to be shown and queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: Address,
    pub language: Language,
    pub subject: String,
    pub body: String,
}

/// Renders the notice for one recipient (pure: the first name is looked up by the caller).
pub fn render(
    cfg: &Config,
    template: &Template,
    r: &Recipient,
    first_name: Option<String>,
    now: DateTime<Utc>,
) -> Result<Notice, template::RenderError> {
    let full = r.name.clone().filter(|n| !n.trim().is_empty());
    let last = full
        .as_deref()
        .and_then(|n| n.split_whitespace().nth(1).map(|_| n))
        .and_then(|n| n.split_whitespace().last())
        .map(str::to_string);
    let ctx = ReplyContext {
        first_name,
        last_name: last,
        full_name: full.clone(),
        customer_email: r.addr.clone(),
        shop_name: cfg.shop.name.clone(),
        owner_name: cfg.shop.owner_name.clone(),
        signature: cfg.shop.signature.clone(),
        order_numbers: r.orders.clone(),
        items: r.items.clone(),
        subject: template.name.clone(),
        customer_due_at: None,
        offers: cfg.offers.clone(),
        calendar: cfg.calendar(),
        now,
    };
    let rendered = template::render(template, &ctx)?;
    let subject = if template.subject.is_some() {
        rendered.subject
    } else {
        crate::mail::sanitize::line(&template.name)
    };
    Ok(Notice {
        to: Address {
            name: full,
            addr: r.addr.clone(),
        },
        language: template.language,
        subject,
        body: rendered.body,
    })
}

/// The notice as the message the outbox sends (a new message: no In-Reply-To).
pub fn compose_notice(
    cfg: &Config,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<Composed, compose::ComposeError> {
    let original = Original {
        from: Some(notice.to.clone()),
        subject: notice.subject.clone(),
        date: now,
        ..Original::default()
    };
    let mut rng = fastrand::Rng::new();
    compose::compose(
        &crate::send::flow::shop_identity(cfg),
        &original,
        &notice.subject,
        &notice.body,
        now,
        &mut rng,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn tpl(file: &str, text: &str) -> Template {
        Template::parse(Path::new(file), text).unwrap()
    }

    fn set() -> Vec<Template> {
        vec![
            tpl(
                "supplier-delay.txt",
                "name: Supplier delay\nsubject: About your order {order_numbers}\n\n\
                 Hi {first_name|there},\n\nyour {items} ({order_numbers}) ship a week later.\n",
            ),
            tpl(
                "supplier-delay.de.txt",
                "name: Lieferverzug\nlanguage: de\nsubject: Zu Ihrer Bestellung {order_numbers}\n\n\
                 Hallo {first_name|},\n\nIhre Bestellung {order_numbers} ({items}) kommt eine Woche später.\n",
            ),
            tpl("other.txt", "name: Other\n\nHi\n"),
            tpl("supplier-delay-old.txt", "name: Old\n\nHi\n"),
        ]
    }

    fn recipient(lang: &str) -> Recipient {
        Recipient {
            addr: "jane@example.com".into(),
            name: Some("Jane Doe".into()),
            language: lang.into(),
            orders: vec!["1047".into(), "1049".into()],
            items: vec!["Stoneware mug × 2".into()],
            held: None,
            removed: false,
        }
    }

    #[test]
    fn each_language_gets_its_version_and_others_the_base() {
        let all = set();
        let v = versions(&all, "supplier-delay");
        let slugs: Vec<String> = v.iter().map(|t| t.slug()).collect();
        assert_eq!(slugs, ["supplier-delay", "supplier-delay.de"]);
        let cases = [
            (Language::German, "supplier-delay.de"),
            (Language::English, "supplier-delay"),
            (Language::French, "supplier-delay"),
        ];
        for (lang, want) in cases {
            assert_eq!(
                pick(&v, "supplier-delay", lang).unwrap().slug(),
                want,
                "{lang:?}"
            );
        }
        assert!(pick(&versions(&all, "nothing"), "nothing", Language::German).is_none());
    }

    #[test]
    fn a_notice_names_the_customers_orders_and_items_in_their_language() {
        let cfg = Config::demo();
        let all = set();
        let v = versions(&all, "supplier-delay");
        let now = "2026-11-24T10:00:00Z".parse().unwrap();
        let de = render(
            &cfg,
            pick(&v, "supplier-delay", Language::German).unwrap(),
            &recipient("de"),
            Some("Jane".into()),
            now,
        )
        .unwrap();
        assert_eq!(de.subject, "Zu Ihrer Bestellung #1047 und #1049");
        assert!(
            de.body.starts_with(
                "Hallo Jane,\n\nIhre Bestellung #1047 und #1049 (Stoneware mug × 2) kommt"
            ),
            "{}",
            de.body
        );
        assert_eq!(de.language, Language::German);
        let en = render(
            &cfg,
            pick(&v, "supplier-delay", Language::English).unwrap(),
            &recipient("en"),
            None,
            now,
        )
        .unwrap();
        assert_eq!(en.subject, "About your order #1047 and #1049");
        assert!(
            en.body
                .starts_with("Hi there,\n\nyour Stoneware mug × 2 (#1047 and #1049)"),
            "{}",
            en.body
        );
        let m = compose_notice(&cfg, &en, now).unwrap();
        assert_eq!(m.to, "jane@example.com");
        assert_eq!(m.in_reply_to, None);
        let text = String::from_utf8_lossy(&m.raw);
        assert!(
            text.contains("To: \"Jane Doe\" <jane@example.com>"),
            "{text}"
        );
        assert!(!text.contains("Bcc"), "one message per customer, never Bcc");
        assert!(!text.contains("In-Reply-To"));
        // No subject line in the template: its name.
        let plain = render(&cfg, &all[2], &recipient("en"), None, now).unwrap();
        assert_eq!(plain.subject, "Other");
    }
}
