//! Every starter template, in all six languages, rendered for every conversation of the
//! demo shop: no placeholder left, no English word in a non-English reply, never two
//! apologies, no offer the config does not hold, and a clear refusal when one is missing.

use chrono::{TimeZone, Utc};
use shopinbox::clock::Clock;
use shopinbox::config::Config;
use shopinbox::send::flow::{self, SendError};
use shopinbox::store::{Store, View};
use shopinbox::template::{self, check, Language, Template, STARTERS};
use std::path::Path;

fn starters() -> Vec<Template> {
    STARTERS
        .iter()
        .map(|(file, text)| Template::parse(Path::new(file), text).unwrap())
        .collect()
}

fn demo() -> (tempfile::TempDir, Store, chrono::DateTime<Utc>) {
    // A Tuesday morning; the demo places its mail around this moment (some of it overdue).
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = shopinbox::demo::build_demo_store(dir.path(), Clock::fixed(now)).unwrap();
    (dir, store, now)
}

fn without_offers() -> Config {
    Config {
        offers: Default::default(),
        ..Config::demo()
    }
}

#[test]
fn every_starter_renders_for_every_demo_conversation() {
    let (_dir, store, now) = demo();
    let templates = starters();
    let conversations = store.list(View::All, now, 0, 1000).unwrap();
    let mut rendered = 0;
    let mut late_seen = false;
    for conv in &conversations {
        let Ok(msg) = flow::message_to_answer(&store, conv.id) else {
            continue;
        };
        for cfg in [Config::demo(), without_offers()] {
            let ctx = flow::reply_context(&cfg, &store, &msg, now).unwrap();
            for t in &templates {
                let out = template::render(t, &ctx)
                    .unwrap_or_else(|e| panic!("{} for {:?}: {e}", t.slug(), msg.subject));
                let b = &out.body;
                let what = format!("{} for {:?}:\n{b}", t.slug(), msg.subject);
                assert!(
                    !b.contains('{') && !b.contains('}'),
                    "placeholder left in {what}"
                );
                let apologies = check::apologies(b, t.language);
                assert!(apologies.len() <= 1, "{apologies:?} in {what}");
                late_seen |= apologies
                    .iter()
                    .any(|a| a.contains("slow reply") || a.contains("so long"));
                assert_eq!(
                    check::leftover_english(b, t.language),
                    Vec::<String>::new(),
                    "no English in {what}"
                );
                if cfg.offers.is_empty() {
                    assert!(
                        !b.contains("THANKYOU15") && !b.contains('%'),
                        "an offer the config does not hold in {what}"
                    );
                }
                for value in cfg.offers.values() {
                    if b.contains(value.as_str()) {
                        assert!(!t.offer_keys().is_empty(), "{what}");
                    }
                }
                rendered += 1;
            }
        }
    }
    assert!(
        rendered >= 20 * templates.len(),
        "only {rendered} replies rendered"
    );
    for lang in Language::ALL {
        assert_eq!(
            templates.iter().filter(|t| t.language == lang).count(),
            12,
            "every starter in {lang:?}"
        );
    }
    assert!(
        late_seen,
        "the demo has overdue conversations, so some replies are late"
    );
}

fn conversation_with(
    store: &Store,
    now: chrono::DateTime<Utc>,
    subject: &str,
) -> shopinbox::store::MessageRow {
    let conv = store
        .list(View::All, now, 0, 1000)
        .unwrap()
        .into_iter()
        .find(|c| c.subject.contains(subject))
        .unwrap_or_else(|| panic!("no demo conversation about {subject:?}"));
    flow::message_to_answer(store, conv.id).unwrap()
}

fn render_for(store: &Store, now: chrono::DateTime<Utc>, subject: &str, slug: &str) -> String {
    let msg = conversation_with(store, now, subject);
    let t = starters().into_iter().find(|t| t.slug() == slug).unwrap();
    let ctx = flow::reply_context(&Config::demo(), store, &msg, now).unwrap();
    template::render(&t, &ctx).unwrap().body
}

#[test]
fn duplicate_order_names_both_numbers_and_does_not_ask_again() {
    let (_dir, store, now) = demo();
    for slug in ["duplicate-order", "duplicate-order.de"] {
        let b = render_for(&store, now, "Possible duplicate order", slug);
        assert!(b.contains("#1047") && b.contains("#1048"), "{slug}: {b}");
        assert!(!b.contains('@'), "no address in {slug}: {b}");
        assert!(!b.contains('?'), "{slug} asks nothing: {b}");
        assert!(!b.to_lowercase().contains("both"), "{slug}: {b}");
    }
}

#[test]
fn acknowledge_does_not_invent_an_order_for_a_product_question() {
    let (_dir, store, now) = demo();
    let b = render_for(&store, now, "dishwasher", "acknowledge");
    assert!(!b.contains("order"), "{b}");
    assert!(
        b.contains("I have your message and I am looking into it"),
        "{b}"
    );
    let b = render_for(&store, now, "dishwasher", "acknowledge.de");
    assert!(!b.contains("Bestellung"), "{b}");
}

#[test]
fn a_german_draft_introduces_the_quote_in_german() {
    let (_dir, store, now) = demo();
    let msg = conversation_with(&store, now, "dishwasher");
    let t = starters()
        .into_iter()
        .find(|t| t.slug() == "acknowledge.de")
        .unwrap();
    let d = flow::draft(&Config::demo(), &store, &msg, &t, now).unwrap();
    let (reply, quote) = d.text.split_once("\n> ").unwrap();
    let attribution = reply.lines().last().unwrap();
    assert!(
        attribution.starts_with("Am ")
            && attribution.ends_with(" schrieb birdsong.kitchen@gmx.net:"),
        "{attribution}"
    );
    assert_eq!(check::english_words(reply), Vec::<String>::new(), "{reply}");
    assert!(
        quote.contains("dishwasher"),
        "the customer's words stay as written"
    );
    let english = starters()
        .into_iter()
        .find(|t| t.slug() == "acknowledge")
        .unwrap();
    let d = flow::draft(&Config::demo(), &store, &msg, &english, now).unwrap();
    assert!(d.text.contains(" wrote:\n> "), "{}", d.text);
}

#[test]
fn a_template_needing_a_missing_offer_is_refused_in_one_sentence() {
    let (dir, store, now) = demo();
    let cfg = Config {
        offers: [("discount_code".to_string(), "THANKYOU15".to_string())].into(),
        templates_dir: Some(dir.path().join("templates")),
        ..Config::demo()
    };
    let msg = conversation_with(&store, now, "Possible duplicate order");
    let t = starters()
        .into_iter()
        .find(|t| t.slug() == "missing-package")
        .unwrap();
    let err = flow::draft(&cfg, &store, &msg, &t, now).unwrap_err();
    assert!(matches!(err, SendError::Template(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("`discount_amount`") && text.contains("[offers]"),
        "{text}"
    );
    assert_eq!(
        text.matches(". ").count() + text.matches('\n').count(),
        0,
        "{text}"
    );
    // With the amount set, the same template states both, exactly as configured.
    let d = flow::draft(&Config::demo(), &store, &msg, &t, now).unwrap();
    assert!(
        d.text
            .contains("15% off your next order with the code THANKYOU15"),
        "{}",
        d.text
    );
}

#[test]
fn every_language_introduces_the_quote_in_its_own_words() {
    let (_dir, store, now) = demo();
    let msg = conversation_with(&store, now, "dishwasher");
    for (slug, lang, opening) in [
        ("acknowledge.fr", Language::French, "Le "),
        ("acknowledge.es", Language::Spanish, "El "),
        ("acknowledge.it", Language::Italian, "Il giorno "),
        ("acknowledge.nl", Language::Dutch, "Op "),
    ] {
        let t = starters().into_iter().find(|t| t.slug() == slug).unwrap();
        assert_eq!(t.language, lang, "{slug}");
        let d = flow::draft(&Config::demo(), &store, &msg, &t, now).unwrap();
        let (reply, quote) = d.text.split_once("\n> ").unwrap();
        let attribution = reply.lines().last().unwrap();
        assert!(
            attribution.starts_with(opening) && attribution.contains("birdsong.kitchen@gmx.net"),
            "{slug}: {attribution}"
        );
        assert_eq!(
            check::leftover_english(reply, lang),
            Vec::<String>::new(),
            "{slug}: {reply}"
        );
        assert!(quote.contains("dishwasher"), "{slug}");
    }
}
