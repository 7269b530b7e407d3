//! Headless app tests: drive the app through its actions, as the keyboard would, and check
//! the resulting state.

use crate::ui_support;

use shopinbox::app::{
    Action, App, Command, Effect, InputKey, Opener, Overlay, Screen, Undo, WorkerEvent,
};
use shopinbox::store::{RuleKind, View};
use ui_support::{now, utc, Fake, MsgSpec};

fn cmd(app: &mut App, c: Command) -> Effect {
    app.update(Action::Command(c))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(InputKey::Char(c)));
    }
}

fn selected_subject(app: &App) -> String {
    app.inbox
        .selected_row()
        .map(|r| r.subject.clone())
        .unwrap_or_default()
}

/// Moves the selection down to the conversation with `subject`.
fn select(app: &mut App, subject: &str) {
    cmd(app, Command::Top);
    for _ in 0..app.inbox.total {
        if selected_subject(app) == subject {
            return;
        }
        cmd(app, Command::Down);
    }
    panic!("{subject:?} is not in {:?}", app.view);
}

#[test]
fn opens_on_needs_reply_most_urgent_first() {
    let app = Fake::sample().into_app(100, 30);
    assert_eq!(app.view, View::NeedsReply);
    assert_eq!(app.counts.needs_reply, 4);
    assert_eq!(app.counts.overdue, 1);
    let subjects: Vec<&str> = app.inbox.rows.iter().map(|r| r.subject.as_str()).collect();
    assert_eq!(subjects[0], "Where is my package? Order #1042");
    assert_eq!(subjects[1], "Cancel my order please");
    assert_eq!(app.worker.outbox_pending, 1);
    assert_eq!(app.worker.last_sync, Some(utc("2026-11-19T07:02:00Z")));
}

#[test]
fn navigates_and_opens_a_conversation_then_goes_back() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::Down);
    assert_eq!(selected_subject(&app), "Cancel my order please");
    cmd(&mut app, Command::Bottom);
    assert_eq!(app.inbox.selected, 3);
    cmd(&mut app, Command::Down);
    assert_eq!(app.inbox.selected, 3, "stays on the last row");
    cmd(&mut app, Command::Top);
    assert_eq!(app.inbox.selected, 0);
    cmd(&mut app, Command::Open);
    match app.screen() {
        Some(Screen::Conversation(c)) => {
            assert_eq!(c.row.subject, "Where is my package? Order #1042");
            assert_eq!(c.messages.len(), 1);
        }
        other => panic!("expected a conversation, got {other:?}"),
    }
    assert_eq!(
        cmd(&mut app, Command::Quit),
        Effect::None,
        "q leaves the conversation first"
    );
    assert!(app.screen().is_none());
    assert_eq!(cmd(&mut app, Command::Quit), Effect::Quit);
    assert!(app.quit.done);
}

#[test]
fn filters_by_view_with_keys_and_tabs() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::ViewOverdue);
    assert_eq!(app.view, View::Overdue);
    assert_eq!(app.inbox.total, 1);
    cmd(&mut app, Command::NextView);
    assert_eq!(app.view, View::DueToday);
    assert_eq!(app.inbox.total, 3);
    cmd(&mut app, Command::ViewNotCustomer);
    assert_eq!(selected_subject(&app), "Your weekly marketplace digest");
    cmd(&mut app, Command::PrevView);
    assert_eq!(app.view, View::Answered);
    assert_eq!(selected_subject(&app), "Question about glazes");
    cmd(&mut app, Command::ViewNeedsReply);
    cmd(&mut app, Command::PrevView);
    assert_eq!(app.view, View::All, "wraps around");
    assert_eq!(app.inbox.total, 6);
}

#[test]
fn live_search_ranks_and_enter_opens() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::Search);
    typed(&mut app, "bow");
    let Some(Overlay::Search(s)) = &app.overlay else {
        panic!("search box not open")
    };
    assert!(!s.hits.is_empty());
    assert!(s.hits.iter().all(|h| h.subject == "Chipped bowl"));
    typed(&mut app, "lzzz");
    let Some(Overlay::Search(s)) = &app.overlay else {
        panic!()
    };
    assert!(s.hits.is_empty(), "live: every keystroke searches again");
    for _ in 0..4 {
        app.update(Action::Input(InputKey::Backspace));
    }
    app.update(Action::Input(InputKey::Submit));
    assert!(app.overlay.is_none());
    match app.screen() {
        Some(Screen::Conversation(c)) => assert_eq!(c.row.subject, "Chipped bowl"),
        other => panic!("expected the hit opened, got {other:?}"),
    }
}

#[test]
fn search_escape_closes_without_changing_screen() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::Search);
    typed(&mut app, "q");
    assert!(
        app.overlay.is_some(),
        "q is text in the search box, not quit"
    );
    assert!(!app.quit.done);
    app.update(Action::Input(InputKey::Cancel));
    assert!(app.overlay.is_none());
    assert!(app.screen().is_none());
}

#[test]
fn mark_sender_not_a_customer_then_undo() {
    let mut app = Fake::sample().into_app(100, 30);
    select(&mut app, "Partnership opportunity");
    let before = app.counts;
    cmd(&mut app, Command::NotCustomer);
    let Some(Overlay::NotCustomer { choices, .. }) = &app.overlay else {
        panic!("menu not open")
    };
    let kinds: Vec<RuleKind> = choices.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![RuleKind::Message, RuleKind::Sender, RuleKind::Domain]
    );
    assert_eq!(choices[2].value, "growthagency.biz");
    app.update(Action::Input(InputKey::Char('2')));
    assert!(app.overlay.is_none());
    assert_eq!(app.counts.needs_reply, before.needs_reply - 1);
    assert_eq!(app.counts.not_customer, before.not_customer + 1);
    assert!(app
        .inbox
        .rows
        .iter()
        .all(|r| r.subject != "Partnership opportunity"));
    assert!(matches!(app.undo.last(), Some(Undo::Rule { .. })));
    assert!(app
        .status
        .as_ref()
        .is_some_and(|s| s.text.contains("pitch@growthagency.biz")));

    cmd(&mut app, Command::Undo);
    assert_eq!(app.counts, before);
    assert!(app
        .inbox
        .rows
        .iter()
        .any(|r| r.subject == "Partnership opportunity"));
    assert!(app.undo.is_empty());
}

#[test]
fn mark_domain_from_inside_a_conversation() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::Bottom);
    assert_eq!(selected_subject(&app), "Partnership opportunity");
    cmd(&mut app, Command::Open);
    cmd(&mut app, Command::NotCustomer);
    app.update(Action::Input(InputKey::Char('d')));
    match app.screen() {
        Some(Screen::Conversation(c)) => assert!(
            c.row.not_customer.is_some(),
            "the open thread shows the new state"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.counts.needs_reply, 3);
}

#[test]
fn snooze_with_preset_and_typed_time_then_undo() {
    let mut app = Fake::sample().into_app(100, 30);
    let first = selected_subject(&app);
    cmd(&mut app, Command::Snooze);
    let Some(Overlay::Snooze(m)) = &app.overlay else {
        panic!("snooze menu not open")
    };
    assert_eq!(m.presets[0].1, now() + chrono::Duration::hours(1));
    // Tomorrow 9:00 in Berlin.
    assert_eq!(m.presets[1].1, utc("2026-11-20T08:00:00Z"));
    app.update(Action::Input(InputKey::Down));
    // The first conversation is overdue: the first Enter asks, the second snoozes.
    app.update(Action::Input(InputKey::Submit));
    let Some(Overlay::Snooze(m)) = &app.overlay else {
        panic!("snoozing an overdue conversation asks first")
    };
    assert!(m.error.as_deref().is_some_and(|e| e.starts_with("Overdue")));
    assert_eq!(app.counts.needs_reply, 4, "not snoozed yet");
    app.update(Action::Input(InputKey::Submit));
    assert!(app.overlay.is_none());
    assert_eq!(app.counts.needs_reply, 3);
    assert_ne!(selected_subject(&app), first);
    cmd(&mut app, Command::Undo);
    assert_eq!(app.counts.needs_reply, 4);

    cmd(&mut app, Command::Snooze);
    let presets = match &app.overlay {
        Some(Overlay::Snooze(m)) => m.presets.len(),
        _ => panic!("snooze menu not open"),
    };
    // Typing on the choices does not reach the "other" field; Down gives it the focus.
    typed(&mut app, "yesterday");
    let Some(Overlay::Snooze(m)) = &app.overlay else {
        panic!("snooze menu open")
    };
    assert!(m.typed.is_empty());
    for _ in 0..presets {
        app.update(Action::Input(InputKey::Down));
    }
    typed(&mut app, "yesterday");
    app.update(Action::Input(InputKey::Submit));
    app.update(Action::Input(InputKey::Submit));
    let Some(Overlay::Snooze(m)) = &app.overlay else {
        panic!("a bad time keeps the menu open")
    };
    assert!(m
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("cannot read")));
    for _ in 0..9 {
        app.update(Action::Input(InputKey::Backspace));
    }
    typed(&mut app, "2026-11-25 14:00");
    app.update(Action::Input(InputKey::Submit));
    app.update(Action::Input(InputKey::Submit));
    assert!(app.overlay.is_none());
    assert_eq!(app.counts.needs_reply, 3);
    assert!(app
        .status
        .as_ref()
        .is_some_and(|s| s.text.contains("Wed 25 Nov 14:00")));
}

#[test]
fn mark_answered_by_hand_toggles_and_undoes() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::MarkAnswered);
    assert_eq!(app.counts.needs_reply, 3);
    assert_eq!(app.counts.answered, 2);
    cmd(&mut app, Command::Undo);
    assert_eq!(app.counts.needs_reply, 4);
    assert_eq!(app.counts.answered, 1);
}

#[test]
fn customer_panel_lists_conversations_and_edits_notes() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::ViewAll);
    select(&mut app, "Chipped bowl");
    cmd(&mut app, Command::Customer);
    let Some(Screen::Customer(c)) = app.screen() else {
        panic!("customer panel not open")
    };
    assert_eq!(c.info.addr, "maria@garcia.es");
    assert_eq!(c.info.notes.len(), 1);

    cmd(&mut app, Command::AddNote);
    typed(&mut app, "Prefers DHL");
    app.update(Action::Input(InputKey::Submit));
    let Some(Screen::Customer(c)) = app.screen() else {
        panic!()
    };
    assert_eq!(c.info.notes.len(), 2);

    // Edit the first note: focus notes, Enter, change the text.
    cmd(&mut app, Command::NextFocus);
    cmd(&mut app, Command::Open);
    let Some(Overlay::Note(n)) = &app.overlay else {
        panic!("note editor not open")
    };
    assert_eq!(n.input.text(), "Replacement bowl sent 17 Nov");
    typed(&mut app, " (DHL)");
    app.update(Action::Input(InputKey::Submit));
    let Some(Screen::Customer(c)) = app.screen() else {
        panic!()
    };
    assert_eq!(c.info.notes[0].text, "Replacement bowl sent 17 Nov (DHL)");

    cmd(&mut app, Command::DeleteNote);
    let Some(Screen::Customer(c)) = app.screen() else {
        panic!()
    };
    assert_eq!(c.info.notes.len(), 1);
    cmd(&mut app, Command::Undo);
    let Some(Screen::Customer(c)) = app.screen() else {
        panic!()
    };
    assert_eq!(c.info.notes.len(), 2, "undo restores a deleted note");

    // Back to conversations and open one from the panel.
    cmd(&mut app, Command::NextFocus);
    cmd(&mut app, Command::Open);
    assert!(matches!(app.screen(), Some(Screen::Conversation(_))));
    cmd(&mut app, Command::Back);
    assert!(matches!(app.screen(), Some(Screen::Customer(_))));
}

#[test]
fn effects_go_back_to_the_loop() {
    let mut app = Fake::sample().into_app(100, 30);
    let key = app.inbox.selected_row().unwrap().latest_message;
    assert_eq!(
        cmd(&mut app, Command::OpenPager),
        Effect::OpenRaw {
            message: key,
            opener: Opener::Pager
        }
    );
    // Without the store and config behind it, or a sync worker, the app says so instead of
    // failing.
    assert_eq!(cmd(&mut app, Command::Reply), Effect::None);
    assert!(app
        .status
        .as_ref()
        .is_some_and(|s| s.error && s.text.contains("Replying needs")));
    assert!(app.screen().is_none(), "no picker without templates");
    assert_eq!(cmd(&mut app, Command::SyncNow), Effect::None);
    assert!(app
        .status
        .as_ref()
        .is_some_and(|s| s.text.contains("Sync is not running")));
    // Statistics need the store too.
    assert_eq!(cmd(&mut app, Command::Stats), Effect::None);
    assert!(app.screen().is_none());
    assert!(app
        .status
        .as_ref()
        .is_some_and(|s| s.error && s.text.contains("Statistics need")));

    let mut app = Fake::sample().into_app(100, 30);
    app.options.sync_available = true;
    assert_eq!(cmd(&mut app, Command::SyncNow), Effect::SyncNow);
}

#[test]
fn worker_events_become_status_sentences() {
    let mut app = Fake::sample().into_app(100, 30);
    app.update(Action::Worker(WorkerEvent::Progress {
        mailbox: "INBOX".into(),
        done: 3,
        total: 10,
    }));
    assert_eq!(
        app.worker.sync.sentence(),
        "Syncing INBOX: 3 of 10 new messages…"
    );
    app.update(Action::Worker(WorkerEvent::Offline {
        reason: "no network".into(),
    }));
    assert!(app
        .worker
        .sync
        .sentence()
        .starts_with("Offline, showing saved mail"));
    app.update(Action::Worker(WorkerEvent::Finished {
        at: utc("2026-11-19T09:29:00Z"),
        new_messages: 2,
    }));
    assert_eq!(app.worker.last_sync, Some(utc("2026-11-19T09:29:00Z")));
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("2 new messages.")
    );
    // A send problem is a status sentence, not a sync failure.
    app.update(Action::Worker(WorkerEvent::Error {
        message: "A reply could not be sent (connection refused).".into(),
    }));
    assert!(app
        .status
        .as_ref()
        .is_some_and(|s| s.error && s.text.contains("could not be sent")));
    assert!(!matches!(
        app.worker.sync,
        shopinbox::app::SyncStatus::Failed { .. }
    ));
}

#[test]
fn clock_ticks_turn_deadlines_overdue() {
    let mut fake = Fake::sample();
    let start = now();
    let mut app = shopinbox::app::App::new(
        Box::new(std::mem::replace(&mut fake, Fake::empty())),
        shopinbox::app::AppOptions {
            color: false,
            ..Default::default()
        },
        start,
        100,
        30,
    );
    assert_eq!(app.counts.overdue, 1);
    // 11:00 Berlin passes: "Cancel my order please" is now overdue.
    app.update(Action::Tick(utc("2026-11-19T10:00:30Z")));
    assert_eq!(app.counts.overdue, 2);
}

#[test]
fn large_views_are_paged_not_loaded_whole() {
    let mut fake = Fake::empty();
    for i in 0..5_000 {
        let at = format!(
            "2026-11-{:02}T{:02}:{:02}:00Z",
            1 + (i / 1440) % 18,
            (i / 60) % 24,
            i % 60
        );
        let from = format!("c{i}@example.com");
        fake.add(
            &format!("Question {i}"),
            &[MsgSpec {
                from_name: "",
                from: &from,
                at: &at,
                body: "hi",
                shop: false,
            }],
            Some("2026-11-20T16:00:00Z"),
            None,
        );
    }
    let calls = fake.list_calls.clone();
    let mut app = fake.into_app(80, 24);
    assert_eq!(app.inbox.total, 5_000);
    assert!(
        app.inbox.rows.len() < 200,
        "only a window is loaded: {}",
        app.inbox.rows.len()
    );
    for _ in 0..300 {
        cmd(&mut app, Command::PageDown);
    }
    assert_eq!(app.inbox.selected, 4_999);
    assert!(
        app.inbox.selected_row().is_some(),
        "the selected row is always loaded"
    );
    cmd(&mut app, Command::Top);
    assert!(app.inbox.selected_row().is_some());
    let calls = calls.borrow();
    assert!(calls.iter().all(|(_, _, limit)| *limit < 200));
    // Paging a row at a time does not query each time.
    assert!(calls.len() < 200, "{} list calls", calls.len());
}

#[test]
fn resize_keeps_selection_visible() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::Bottom);
    app.update(Action::Resize {
        width: 60,
        height: 6,
    });
    let page = app.page_rows();
    assert!(app.inbox.selected >= app.inbox.top && app.inbox.selected < app.inbox.top + page);
}

#[test]
fn correcting_a_first_name_is_remembered_for_the_customer() {
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::ViewAll);
    select(&mut app, "Chipped bowl");
    cmd(&mut app, Command::FirstName);
    let Some(Overlay::FirstName(n)) = &app.overlay else {
        panic!("first-name editor not open")
    };
    assert_eq!(n.customer_addr, "maria@garcia.es");
    let guessed = n.input.text().to_string();
    assert!(
        !guessed.is_empty(),
        "the editor starts from the guessed first name"
    );
    for _ in 0..guessed.chars().count() {
        app.update(Action::Input(InputKey::Backspace));
    }
    typed(&mut app, "Marita");
    app.update(Action::Input(InputKey::Submit));
    assert!(app.overlay.is_none());
    cmd(&mut app, Command::Customer);
    let Some(Screen::Customer(c)) = app.screen() else {
        panic!("customer panel not open")
    };
    assert_eq!(
        c.info.first_name_override.as_deref(),
        Some("Marita"),
        "the correction is saved for this customer"
    );

    // An empty name forgets the correction: replies guess from the mail again.
    cmd(&mut app, Command::FirstName);
    for _ in 0.."Marita".len() {
        app.update(Action::Input(InputKey::Backspace));
    }
    app.update(Action::Input(InputKey::Submit));
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Customer);
    let Some(Screen::Customer(c)) = app.screen() else {
        panic!("customer panel not open")
    };
    assert_eq!(c.info.first_name_override, None);
}

/// `N` through the real key path, from the list, the conversation and the customer panel:
/// the prefilled name can be erased and retyped, and Enter saves it.
#[test]
fn first_name_dialog_takes_typing_from_every_screen() {
    use ui_support::{press, type_text};
    let mut app = Fake::sample().into_app(100, 30);
    cmd(&mut app, Command::ViewAll);
    select(&mut app, "Chipped bowl");
    let saved = |app: &App| {
        app.data
            .customer("maria@garcia.es")
            .unwrap()
            .first_name_override
    };
    for (screen, name) in [
        ("list", "Marita"),
        ("conversation", "Mari"),
        ("customer", "María José"),
    ] {
        match screen {
            "conversation" => {
                press(&mut app, "Enter");
                assert!(matches!(app.screen(), Some(Screen::Conversation(_))));
            }
            "customer" => {
                press(&mut app, "c");
                assert!(matches!(app.screen(), Some(Screen::Customer(_))));
            }
            _ => {}
        }
        press(&mut app, "F");
        let Some(Overlay::FirstName(n)) = &app.overlay else {
            panic!("F opens the first-name editor on the {screen}")
        };
        let before = n.input.text().chars().count();
        assert!(before > 0, "prefilled on the {screen}");
        for _ in 0..before {
            press(&mut app, "Backspace");
        }
        // Letters that are commands elsewhere (q quits, j moves, u undoes) are text here.
        type_text(&mut app, name);
        let Some(Overlay::FirstName(n)) = &app.overlay else {
            panic!("typing keeps the editor open on the {screen}")
        };
        assert_eq!(n.input.text(), name);
        press(&mut app, "Enter");
        assert!(app.overlay.is_none());
        assert_eq!(
            saved(&app).as_deref(),
            Some(name),
            "saved from the {screen}"
        );
    }
    // Esc still cancels without saving.
    press(&mut app, "F");
    type_text(&mut app, "xyz");
    press(&mut app, "Esc");
    assert!(app.overlay.is_none());
    assert_eq!(saved(&app).as_deref(), Some("María José"));
}

/// In the snooze dialog j/k move between the choices (real key path); letters only reach the
/// "other" field once it has the focus, and there j and k are text.
#[test]
fn snooze_dialog_moves_with_j_and_k_and_types_only_in_the_other_field() {
    use ui_support::{press, type_text};
    let mut app = Fake::sample().into_app(100, 30);
    press(&mut app, "s");
    let sel = |app: &App| match &app.overlay {
        Some(Overlay::Snooze(m)) => (m.selected, m.presets.len(), m.typed.text().to_string()),
        _ => panic!("snooze menu not open"),
    };
    assert_eq!(sel(&app).0, 0);
    press(&mut app, "j");
    press(&mut app, "j");
    assert_eq!(sel(&app).0, 2);
    press(&mut app, "k");
    assert_eq!(sel(&app).0, 1);
    type_text(&mut app, "mon");
    assert_eq!(sel(&app).2, "", "no typing on the choices");
    let n = sel(&app).1;
    while sel(&app).0 < n {
        press(&mut app, "j");
    }
    assert_eq!(sel(&app).2, "", "j moved onto the other field");
    type_text(&mut app, "jk");
    assert_eq!(sel(&app).2, "jk", "j and k are text there");
    press(&mut app, "Up");
    assert_eq!(sel(&app).0, n - 1);
    press(&mut app, "Esc");
    assert!(app.overlay.is_none());
}

/// A snoozed conversation leaves Needs reply and shows in the Snoozed view (key 8), whose tab
/// carries its count.
#[test]
fn snoozed_conversations_have_their_own_view_with_a_count() {
    use ui_support::press;
    let mut app = Fake::sample().into_app(100, 30);
    assert_eq!(app.counts.snoozed, 0);
    // The second conversation; "tomorrow 9:00".
    press(&mut app, "j");
    let subject = selected_subject(&app);
    press(&mut app, "s");
    press(&mut app, "j");
    press(&mut app, "Enter");
    if app.overlay.is_some() {
        // Overdue: confirm.
        press(&mut app, "Enter");
    }
    assert!(app.overlay.is_none());
    assert_eq!(app.counts.snoozed, 1);
    let screen = ui_support::screen_text(&ui_support::render(&app, 100, 30));
    assert!(screen.contains("Snoozed 1"), "{screen}");
    press(&mut app, "8");
    assert_eq!(app.view, View::Snoozed);
    assert_eq!(app.inbox.total, 1);
    assert_eq!(selected_subject(&app), subject);
    press(&mut app, "u");
    assert_eq!(app.counts.snoozed, 0);
    assert_eq!(app.inbox.total, 0);
}

/// `?` through the real key path lists every action with its keys (the owner's remapping
/// included), its name in the config's `[keys]` table and what it does, on one line each when
/// the terminal is wide enough; `Esc` closes it.
/// At 72 rows the box shows every action without scrolling.
#[test]
fn help_shows_each_actions_config_name_beside_its_keys() {
    let mut keys = std::collections::BTreeMap::new();
    keys.insert(
        "reply".to_string(),
        vec!["C-r".to_string(), "r".to_string()],
    );
    let options = shopinbox::app::AppOptions {
        keymap: shopinbox::app::Keymap::from_config(&keys).unwrap(),
        color: false,
        fixed_now: Some(now()),
        ..shopinbox::app::AppOptions::default()
    };
    let mut app = App::new(Box::new(Fake::sample()), options, now(), 100, 72);
    ui_support::press(&mut app, "?");
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    let text = ui_support::screen_text(&ui_support::render(&app, 100, 72));
    let name_w = Command::ALL.iter().map(|c| c.name().len()).max().unwrap();
    assert!(text.contains("Name in [keys]"), "{text}");
    for c in Command::ALL {
        let shown = format!("  {:<name_w$}  {}", c.name(), c.description());
        assert!(text.contains(&shown), "{c:?}: no {shown:?} in\n{text}");
    }
    assert!(
        text.contains(&format!(
            "C-r, r  {:<name_w$}  reply with a template",
            "reply"
        )),
        "{text}"
    );
    // At 80 columns long descriptions wrap, but every name is still shown beside its keys.
    app.update(Action::Resize {
        width: 80,
        height: 60,
    });
    let narrow = ui_support::screen_text(&ui_support::render(&app, 80, 60));
    assert!(
        narrow.contains(&format!("  {:<name_w$}  ", "reply")),
        "{narrow}"
    );
    ui_support::press(&mut app, "Esc");
    assert!(app.overlay.is_none());
}

/// Issue 21: a snooze that ends after the conversation is due asks first, like snoozing an
/// overdue one; a snooze that ends before the deadline does not.
#[test]
fn snoozing_past_a_deadline_still_ahead_asks_first() {
    let mut app = Fake::sample().into_app(100, 30);
    // A conversation due later today, more than an hour from now.
    for _ in 0..10 {
        let row = app.inbox.selected_row().unwrap().clone();
        if row
            .due_at
            .is_some_and(|d| d > now() + chrono::Duration::hours(1))
        {
            break;
        }
        cmd(&mut app, Command::Down);
    }
    let row = app.inbox.selected_row().unwrap().clone();
    let due = row.due_at.expect("a conversation due later");
    assert!(due > now() + chrono::Duration::hours(1), "{row:?}");
    let needs = app.counts.needs_reply;

    // In an hour: before the deadline, snoozed at once.
    cmd(&mut app, Command::Snooze);
    app.update(Action::Input(InputKey::Submit));
    assert!(app.overlay.is_none(), "no question before the deadline");
    assert_eq!(app.counts.needs_reply, needs - 1);
    cmd(&mut app, Command::Undo);
    assert_eq!(app.counts.needs_reply, needs);

    // Tomorrow 9:00: after the deadline, the first Enter asks.
    select(&mut app, &row.subject);
    cmd(&mut app, Command::Snooze);
    app.update(Action::Input(InputKey::Down));
    app.update(Action::Input(InputKey::Submit));
    let Some(Overlay::Snooze(m)) = &app.overlay else {
        panic!("snoozing past the deadline asks first")
    };
    assert!(
        m.error
            .as_deref()
            .is_some_and(|e| e.starts_with("Due ") && e.contains("before the snooze ends")),
        "{:?}",
        m.error
    );
    assert_eq!(app.counts.needs_reply, needs, "not snoozed yet");
    app.update(Action::Input(InputKey::Submit));
    assert!(app.overlay.is_none());
    assert_eq!(app.counts.needs_reply, needs - 1);
}

/// Issue 23.6: a refused password is said as such (never "Offline"), and sync trouble is
/// never cut at 80 columns: the status bar wraps it.
#[test]
fn a_refused_password_and_offline_trouble_are_said_whole_at_80_columns() {
    let mut app = Fake::sample().into_app(80, 24);
    let refused = "The server refused the password for hello@alphx.shop; `shopinbox password` \
                   sets a new one, then S syncs.";
    app.update(Action::Worker(WorkerEvent::LoginRefused {
        message: refused.into(),
    }));
    app.status = None;
    assert_eq!(app.worker.sync.sentence(), refused);
    let screen = ui_support::screen_text(&ui_support::render(&app, 80, 24));
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(refused), "{screen}");
    assert!(!flat.contains("Offline"), "{screen}");

    let reason = "cannot connect to imap.alphx.shop:993: connection refused; shopinbox checks \
                  every 5 s and syncs as soon as the server answers; S tries now.";
    app.update(Action::Worker(WorkerEvent::Offline {
        reason: reason.into(),
    }));
    app.status = None;
    let screen = ui_support::screen_text(&ui_support::render(&app, 80, 24));
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("S tries now."), "{screen}");
    assert!(flat.contains("checks every 5 s"), "{screen}");
}
