//! The Outreach screen (issue 27), driven headless: a sending campaign is stopped with `s` (the
//! sender pauses after the message in hand), a customer is taken off a draft with `D` and put
//! back, and a started campaign keeps its customers.

use crate::ui_support;

use shopinbox::app::{Action, App, Command};
use shopinbox::store::outreach::{CampaignState, Recipient};
use shopinbox::store::Store;
use ui_support::{demo_app, render, screen_text};

fn cmd(app: &mut App, c: Command) {
    app.update(Action::Command(c));
}

fn other_store(dir: &std::path::Path) -> Store {
    let cfg = shopinbox::config::Config::demo();
    Store::open(
        &dir.join(shopinbox::demo::DEMO_STORE_FILE),
        cfg.shop_context(shopinbox::clock::Clock::fixed(ui_support::demo_now())),
    )
    .unwrap()
}

#[test]
fn the_stop_key_pauses_a_sending_campaign_and_d_edits_a_draft() {
    let (dir, mut app) = demo_app(100, 30);
    // Another shopinbox (`notify send`) is sending the demo campaign; a draft waits.
    let mut store = other_store(dir.path());
    store
        .set_campaign_state(1, CampaignState::Sending, None)
        .unwrap();
    let r = |addr: &str| Recipient {
        addr: addr.into(),
        name: None,
        language: "en".into(),
        orders: vec!["1".into()],
        items: vec![],
        held: None,
        removed: false,
    };
    let draft = store
        .create_campaign(
            "Price fix",
            "plain",
            "{}",
            &[r("a@example.com"), r("b@example.com")],
        )
        .unwrap();

    cmd(&mut app, Command::Outreach);
    let text = screen_text(&render(&app, 100, 30));
    assert!(text.contains("Outreach · 2 campaigns"), "{text}");
    // Newest first: the draft, then the sending one.
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Snooze);
    assert_eq!(
        store.campaign(1).unwrap().unwrap().state,
        CampaignState::Paused
    );
    let text = screen_text(&render(&app, 100, 30));
    assert!(text.contains("paused"), "{text}");

    // D on the draft's first customer takes them off; again puts them back.
    cmd(&mut app, Command::Up);
    cmd(&mut app, Command::NextFocus);
    cmd(&mut app, Command::DeleteNote);
    let pending: Vec<String> = store
        .campaign_pending(draft)
        .unwrap()
        .into_iter()
        .map(|r| r.addr)
        .collect();
    assert_eq!(pending, ["b@example.com"]);
    let text = screen_text(&render(&app, 100, 30));
    assert!(text.contains("taken off"), "{text}");
    cmd(&mut app, Command::DeleteNote);
    assert_eq!(store.campaign_pending(draft).unwrap().len(), 2);

    // A started campaign keeps its customers.
    cmd(&mut app, Command::NextFocus);
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::NextFocus);
    cmd(&mut app, Command::DeleteNote);
    assert_eq!(
        store
            .campaign_recipients(1)
            .unwrap()
            .iter()
            .filter(|r| r.removed)
            .count(),
        0
    );
    cmd(&mut app, Command::Back);
    assert!(screen_text(&render(&app, 100, 30)).contains("DEMO"));
}

#[test]
fn y_sends_a_draft_after_the_undo_window_and_a_done_campaign_stays_done() {
    let (dir, mut app) = demo_app(100, 30);
    let store = other_store(dir.path());
    let r = Recipient {
        addr: "a@example.com".into(),
        name: None,
        language: "en".into(),
        orders: vec!["1".into()],
        items: vec![],
        held: None,
        removed: false,
    };
    let draft = store_create(store, r);
    cmd(&mut app, Command::Outreach);
    let effect = app.update(Action::Command(Command::Send));
    assert_eq!(
        effect,
        shopinbox::app::Effect::StartCampaign {
            id: draft,
            not_before: ui_support::demo_now() + chrono::Duration::seconds(10),
        }
    );
    // The demo's finished campaign: nothing to send.
    cmd(&mut app, Command::Down);
    let effect = app.update(Action::Command(Command::Send));
    assert_eq!(effect, shopinbox::app::Effect::None);
    assert!(screen_text(&render(&app, 100, 30)).contains("is done"));
}

fn store_create(mut store: Store, r: Recipient) -> i64 {
    store
        .create_campaign("Price fix", "plain", "{}", &[r])
        .unwrap()
}

#[test]
fn a_reply_to_a_notice_is_in_needs_reply_marked_with_its_campaign() {
    let (dir, mut app) = demo_app(100, 30);
    let mut store = other_store(dir.path());
    // Katrin answers the demo campaign's notice (Message-ID kiln-905@alphx.shop).
    let raw = "From: Katrin Mueller <k.mueller@web.de>\r\nTo: hello@alphx.shop\r\n\
               Subject: Re: Your order ships a week later\r\nMessage-ID: <katrin-kiln@web.de>\r\n\
               In-Reply-To: <kiln-905@alphx.shop>\r\nReferences: <kiln-905@alphx.shop>\r\n\r\n\
               Can I still change the colour then?\r\n"
        .as_bytes()
        .to_vec();
    store
        .ingest(
            vec![shopinbox::store::NewMessage {
                location: shopinbox::store::Location::new("INBOX", 1, 9_000),
                parsed: shopinbox::mail::parse::parse_message(&raw),
                raw,
                received_at: ui_support::demo_now() - chrono::Duration::minutes(5),
                flags: vec![],
            }],
            None,
        )
        .unwrap();
    let row = store
        .list(
            shopinbox::store::View::NeedsReply,
            ui_support::demo_now(),
            0,
            100,
        )
        .unwrap()
        .into_iter()
        .find(|r| r.subject.contains("ships a week later"))
        .expect("the answer waits in Needs reply");
    assert_eq!(
        store.campaign_of_conversation(row.id).unwrap().map(|c| c.1),
        Some("Kiln repair: orders ship a week later".to_string())
    );
    app.update(Action::Refresh);
    app.open_conversation(row.id);
    let text = screen_text(&render(&app, 100, 30));
    assert!(text.contains("answers campaign \"Kiln repair"), "{text}");
}
