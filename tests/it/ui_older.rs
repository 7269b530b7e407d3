//! "Older, never answered" (issue 11): customer mail from before the tracking window, swept
//! from its own view (key 9) with a (answered), x (not a customer) and p (pull into Needs
//! reply, due from now). Driven through the real key path; screens snapshotted.

use crate::ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use shopinbox::app::{Action, App, Command, InputKey, SyncStatus, WorkerEvent};
use shopinbox::store::View;
use ui_support::{now, render, screen_text, utc, Fake, MsgSpec};

fn key(app: &mut App, c: char) {
    let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    if let Some(action) = app.key_to_action(&ev) {
        app.update(action);
    }
}

fn subjects(app: &App) -> Vec<String> {
    app.inbox.rows.iter().map(|r| r.subject.clone()).collect()
}

fn customer<'a>(name: &'a str, from: &'a str, at: &'a str, body: &'a str) -> MsgSpec<'a> {
    MsgSpec {
        from_name: name,
        from,
        at,
        body,
        shop: false,
    }
}

/// The sample morning plus two questions from long before shopinbox started watching.
fn with_history() -> Fake {
    let mut f = Fake::sample();
    f.add_older(
        "Do you ship to Norway?",
        &[customer(
            "Ola Nordmann",
            "ola@nordmann.no",
            "2025-03-02T10:00:00Z",
            "Hei, do you ship to Norway?",
        )],
    );
    f.add_older(
        "Wholesale prices",
        &[customer(
            "Kim Park",
            "kim@shop.example",
            "2024-12-01T09:00:00Z",
            "Do you offer wholesale prices?",
        )],
    );
    f
}

fn shot(app: &App, w: u16, h: u16) -> String {
    screen_text(&render(app, w, h))
}

#[test]
fn older_view_has_its_key_its_count_and_lists_history_newest_first() {
    let mut app = with_history().into_app(120, 30);
    assert_eq!(app.counts.older, 2);
    assert!(
        !subjects(&app).iter().any(|s| s == "Wholesale prices"),
        "history is not in Needs reply"
    );
    key(&mut app, '9');
    assert_eq!(app.view, View::Older);
    assert_eq!(
        subjects(&app),
        ["Do you ship to Norway?", "Wholesale prices"]
    );
    let text = shot(&app, 120, 30);
    assert!(text.contains("Older, never answered 2"), "{text}");
    assert_snapshot!("older_view_wide", text);
    assert_snapshot!("older_view_narrow", shot(&app, 60, 15));
}

#[test]
fn pull_brings_one_into_needs_reply_due_from_now_and_undo_takes_it_back() {
    let mut app = with_history().into_app(120, 30);
    let before = app.counts.needs_reply;
    key(&mut app, '9');
    key(&mut app, 'p');
    assert_eq!(subjects(&app), ["Wholesale prices"]);
    assert_eq!(app.counts.needs_reply, before + 1);
    let status = app.status.clone().unwrap().text;
    assert!(status.contains("Pulled into Needs reply"), "{status}");
    // Tab from All reaches Older while it holds something.
    key(&mut app, '6');
    app.update(Action::Command(Command::NextView));
    assert_eq!(app.view, View::Older);
    // Due at the first close after the pull (Thursday 17:00 Berlin), not two years late.
    key(&mut app, '1');
    let row = app
        .inbox
        .rows
        .iter()
        .find(|r| r.subject == "Do you ship to Norway?")
        .cloned()
        .unwrap();
    assert_eq!(row.pending_since, Some(now()));
    assert_eq!(row.due_at, Some(utc("2026-11-19T16:00:00Z")));
    assert_snapshot!("older_pulled_needs_reply", shot(&app, 120, 30));
    key(&mut app, 'u');
    assert_eq!(app.counts.older, 2);
    assert_eq!(app.counts.needs_reply, before);
}

#[test]
fn answered_and_not_a_customer_sweep_older_mail() {
    let mut app = with_history().into_app(120, 30);
    key(&mut app, '9');
    key(&mut app, 'a');
    assert_eq!(subjects(&app), ["Wholesale prices"]);
    assert_eq!(app.counts.older, 1);
    // x: the not-a-customer menu; Enter takes its first choice (this message).
    key(&mut app, 'x');
    app.update(Action::Input(InputKey::Submit));
    assert_eq!(app.counts.older, 0);
    let text = shot(&app, 120, 30);
    assert!(text.contains("No older mail waits"), "{text}");
    // The tab stays while it is the current view; elsewhere an empty Older has no tab.
    key(&mut app, '1');
    assert!(!shot(&app, 120, 30).contains("Older"));
}

#[test]
fn pull_outside_the_older_view_explains_itself() {
    let mut app = with_history().into_app(120, 30);
    key(&mut app, 'p');
    let status = app.status.clone().unwrap().text;
    assert!(status.contains("Older, never answered (9)"), "{status}");
}

#[test]
fn keys_are_remappable_and_in_the_help() {
    let mut keys = std::collections::BTreeMap::new();
    keys.insert("pull_into_needs_reply".to_string(), vec!["P".to_string()]);
    keys.insert("view_older".to_string(), vec!["0".to_string()]);
    let keymap = shopinbox::app::keymap::Keymap::from_config(&keys).unwrap();
    let mut app = with_history().into_app(120, 30);
    app.options.keymap = keymap;
    key(&mut app, '0');
    assert_eq!(app.view, View::Older);
    key(&mut app, 'P');
    assert_eq!(app.counts.older, 1);
    app.update(Action::Command(Command::Help));
    let mut help = String::new();
    for _ in 0..12 {
        help.push_str(&shot(&app, 120, 40));
        app.update(Action::Command(Command::PageDown));
    }
    assert!(help.contains("view: older, never answered"), "{help}");
    assert!(help.contains("pull older mail into Needs reply"), "{help}");
}

#[test]
fn needs_reply_is_not_called_empty_before_the_window_is_synced() {
    let mut f = Fake::empty();
    f.window_synced = false;
    f.last_sync = None;
    let mut app = f.into_app(100, 20);
    app.worker.sync = SyncStatus::Running {
        mailbox: Some("INBOX".into()),
        done: 0,
        total: 3,
    };
    let text = shot(&app, 100, 20);
    assert!(!text.contains("Nothing needs a reply"), "{text}");
    assert!(text.contains("Fetching today's mail first"), "{text}");

    // Offline before anything was fetched: says so, never "well done".
    app.update(Action::Worker(WorkerEvent::Offline {
        reason: "cannot connect to imap.example.com".into(),
    }));
    let text = shot(&app, 100, 20);
    assert!(text.contains("Offline: nothing fetched yet"), "{text}");
    assert_snapshot!("needs_reply_offline_before_first_sync", text);
}

#[test]
fn offline_says_since_when_the_list_is_current_and_history_progress_shows() {
    let mut f = Fake::sample();
    f.last_sync = Some(utc("2026-11-19T07:02:00Z"));
    let mut app = f.into_app(100, 20);
    app.update(Action::Worker(WorkerEvent::Offline {
        reason: "cannot connect to imap.example.com".into(),
    }));
    let text = shot(&app, 100, 20);
    assert!(text.contains("Offline, list as of 08:02"), "{text}");

    // A worker pass of history ends ("N new messages."), the next one reports progress.
    app.update(Action::Worker(WorkerEvent::Finished {
        at: utc("2026-11-19T09:29:00Z"),
        new_messages: 250,
    }));
    assert!(shot(&app, 100, 20).contains("250 new messages."));
    app.update(Action::Worker(WorkerEvent::History {
        done: 12_400,
        total: 40_000,
    }));
    let text = shot(&app, 100, 20);
    assert!(text.contains("history 12,400 of 40,000"), "{text}");
}
