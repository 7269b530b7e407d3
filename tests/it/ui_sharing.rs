//! Issue 26 in the TUI, headless, with two copies of the demo store ("Anna" and "Ben"): the
//! claim on an open reply is renewed while it stays open and released when the reply is left
//! unsent; the other copy shows "Anna is replying (since …)" in the inbox list and in the
//! conversation, and warns before sending. The change sets travel between the stores as the
//! sync pass carries them (the wire itself is tested in tests/shared_state.rs).

use crate::ui_support;

use chrono::Duration;
use shopinbox::app::{Action, App, AppOptions, Command, Effect, Screen};
use shopinbox::shared::{ItemKey, Value};
use shopinbox::store::{ConversationId, Store};
use ui_support::{demo_now, demo_store, render, screen_text};

const JOHN: &str = "Order #1042 shows delivered but nothing arrived";

fn cmd(app: &mut App, c: Command) -> Effect {
    app.update(Action::Command(c))
}

/// A copy of the demo shop sharing under `name`, its app (ticking: no fixed now) and a second
/// connection to its store, as the sync worker has.
fn copy(name: &str) -> (tempfile::TempDir, App, Store) {
    let dir = tempfile::tempdir().unwrap();
    let clock = shopinbox::clock::Clock::fixed(demo_now());
    let store = shopinbox::demo::build_demo_store(dir.path(), clock).unwrap();
    let mut worker = demo_store(dir.path());
    worker.set_sharing(Some(name)).unwrap();
    let mut config = shopinbox::config::Config::demo();
    shopinbox::demo::templates::install(&dir.path().join("templates")).unwrap();
    config.templates_dir = Some(dir.path().join("templates"));
    let app = App::new(
        Box::new(store),
        AppOptions {
            color: false,
            config: Some(config),
            ..AppOptions::default()
        },
        demo_now(),
        130,
        30,
    );
    (dir, app, worker)
}

/// One sync pass's sharing step, without the server: `from`'s sets are read by `to`.
fn carry(from: &mut Store, to: &mut Store) {
    while let Some(set) = from.next_upload(100).unwrap() {
        from.set_uploaded(&set.id).unwrap();
        to.read_sets(&[set], None).unwrap();
    }
}

fn select(app: &mut App, subject: &str) -> ConversationId {
    cmd(app, Command::Top);
    for _ in 0..app.inbox.total {
        if let Some(r) = app.inbox.selected_row().filter(|r| r.subject == subject) {
            return r.id;
        }
        cmd(app, Command::Down);
    }
    panic!("{subject:?} is not listed");
}

/// This copy's claims on a conversation, oldest first, as the other copies receive them.
fn claims(store: &Store, id: ConversationId) -> Vec<Value> {
    store
        .conversation_events(id)
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e.item, ItemKey::Claim { .. }))
        .map(|e| e.value)
        .collect()
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn an_open_reply_keeps_its_claim_and_releases_it_when_left_unsent() {
    let (_a, mut app, worker) = copy("Anna");
    let id = select(&mut app, JOHN);
    assert_eq!(cmd(&mut app, Command::Reply), Effect::None);
    assert!(matches!(app.screen(), Some(Screen::Templates(_))));
    assert!(matches!(
        claims(&worker, id).as_slice(),
        [Value::Claim { .. }]
    ));
    // Keys and ticks within the first half of the claim's life renew nothing.
    app.update(Action::Tick(demo_now() + Duration::seconds(60)));
    cmd(&mut app, Command::Down);
    assert_eq!(claims(&worker, id).len(), 1);
    // Still writing after three minutes: renewed before it lapses (at five).
    app.update(Action::Tick(demo_now() + Duration::minutes(3)));
    assert!(matches!(
        claims(&worker, id).as_slice(),
        [Value::Claim { .. }, Value::Claim { .. }]
    ));
    // On to the confirm screen and back to the picker: the same reply, no new claim.
    cmd(&mut app, Command::Open);
    if matches!(app.screen(), Some(Screen::Confirm(_))) {
        cmd(&mut app, Command::Back);
    }
    assert_eq!(claims(&worker, id).len(), 2);
    // Left unsent: released at once.
    cmd(&mut app, Command::Back);
    assert!(app.screen().is_none() || !matches!(app.screen(), Some(Screen::Templates(_))));
    assert_eq!(claims(&worker, id).last(), Some(&Value::Clear));
    // Nothing more happens while no reply is open.
    app.update(Action::Tick(demo_now() + Duration::minutes(10)));
    assert_eq!(claims(&worker, id).len(), 3);
}

#[test]
fn the_other_copy_shows_who_is_replying_and_warns_before_sending() {
    let (_a, mut anna, mut anna_worker) = copy("Anna");
    let (_b, mut ben, mut ben_worker) = copy("Ben");
    select(&mut anna, JOHN);
    cmd(&mut anna, Command::Reply);
    carry(&mut anna_worker, &mut ben_worker);
    // Ben's copy redraws after its sync (a refresh).
    ben.update(Action::Refresh);
    let since = demo_now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .format("%H:%M")
        .to_string();
    let marker = format!("Anna is replying (since {since})");
    let list = screen_text(&render(&ben, 130, 30));
    let row = list.lines().find(|l| l.contains("Order #1042")).unwrap();
    assert!(row.contains(&format!("[{marker}]")), "{list}");
    assert_eq!(
        list.matches("is replying").count(),
        1,
        "only that conversation: {list}"
    );
    // In the conversation itself.
    select(&mut ben, JOHN);
    cmd(&mut ben, Command::Open);
    let view = screen_text(&render(&ben, 130, 30));
    assert!(view.contains(&marker), "{view}");
    cmd(&mut ben, Command::Back);
    // Ben starts a reply anyway: warned at once, and held back at `y` once.
    cmd(&mut ben, Command::Reply);
    assert!(
        status(&ben).contains(&format!("Careful: {marker}")),
        "{}",
        status(&ben)
    );
    let Some(Screen::Templates(p)) = ben.screen() else {
        panic!("the picker is open: {}", status(&ben));
    };
    let ack = p
        .choices
        .iter()
        .position(|c| c.template.name == "Acknowledge and investigate")
        .unwrap();
    cmd(&mut ben, Command::Top);
    for _ in 0..ack {
        cmd(&mut ben, Command::Down);
    }
    cmd(&mut ben, Command::Open);
    if !matches!(ben.screen(), Some(Screen::Confirm(_))) {
        panic!("not on the confirm screen: {}", status(&ben));
    }
    assert_eq!(cmd(&mut ben, Command::Send), Effect::None);
    assert!(
        status(&ben).contains(&format!("Not sent yet: {marker}")),
        "{}",
        status(&ben)
    );
    // Anna leaves her reply unsent: after the next sync, Ben's marker is gone.
    cmd(&mut anna, Command::Back);
    carry(&mut anna_worker, &mut ben_worker);
    cmd(&mut ben, Command::Back);
    cmd(&mut ben, Command::Back);
    ben.update(Action::Refresh);
    let list = screen_text(&render(&ben, 130, 30));
    assert!(!list.contains("is replying"), "{list}");
}
