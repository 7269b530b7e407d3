//! Headless tests of the reply edited in place (issue 23, point 3): `w` on the confirm screen
//! opens the text for editing with the readline keys and undo, Esc puts it into the draft
//! that `y` queues; `Y` sends and opens the next conversation that needs a reply.

use crate::ui_support;

use shopinbox::app::{App, Effect, Screen};
use shopinbox::send::outbox;
use ui_support::{demo_app, press, render, screen_text, type_text};

const JOHN: &str = "Order #1042 shows delivered but nothing arrived";

fn select(app: &mut App, subject: &str) {
    press(app, "g");
    for _ in 0..app.inbox.total {
        if app
            .inbox
            .selected_row()
            .is_some_and(|r| r.subject == subject)
        {
            return;
        }
        press(app, "j");
    }
    panic!("{subject:?} is not listed");
}

fn confirm(app: &App) -> &shopinbox::app::ConfirmReply {
    match app.screen() {
        Some(Screen::Confirm(c)) => c,
        other => panic!("not the confirm screen: {other:?}"),
    }
}

fn keys(app: &mut App, keys: &[&str]) {
    for k in keys {
        assert_eq!(press(app, k), Effect::None, "{k} only edits");
    }
}

#[test]
fn a_reply_is_edited_in_place_with_undo_and_the_edited_text_is_queued() {
    let (_dir, mut app) = demo_app(100, 30);
    // The demo's outbox already holds its finished campaign's notices (issue 27).
    let queued_before = outbox::list(app.data.store().unwrap().connection(), None)
        .unwrap()
        .len();
    select(&mut app, JOHN);
    press(&mut app, "r");
    press(&mut app, "Enter");
    let original = confirm(&app).draft.text.clone();
    let first = original.lines().next().unwrap().to_string();
    let screen = screen_text(&render(&app, 100, 30));
    assert!(
        screen.contains("w edit here"),
        "the keys are on the bottom line:\n{screen}"
    );
    assert!(screen.contains("Y send and next"), "{screen}");

    // w: editing; y, q and the other command keys are text now.
    keys(&mut app, &["w"]);
    assert!(app.editing_here());
    keys(&mut app, &["C-e"]);
    type_text(&mut app, " Zebra yq");
    // C-w deletes the word before the cursor, C-z brings it back, C-w again takes it.
    keys(&mut app, &["C-w"]);
    assert!(!editor_text(&app).contains("yq"), "{}", editor_text(&app));
    keys(&mut app, &["C-z"]);
    assert!(
        editor_text(&app).contains(" Zebra yq"),
        "{}",
        editor_text(&app)
    );
    keys(&mut app, &["C-w", "Backspace"]);
    // Enter is a new line, never a send.
    keys(&mut app, &["Enter"]);
    type_text(&mut app, "Second line");
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("Esc stop editing"), "{screen}");
    assert!(screen.contains("C-z undo"), "{screen}");
    // Editing queues nothing.
    assert_eq!(
        outbox::list(app.data.store().unwrap().connection(), None)
            .unwrap()
            .len(),
        queued_before
    );

    // Esc: the text goes into the draft, normalized as a reply from $EDITOR would be.
    keys(&mut app, &["Esc"]);
    assert!(!app.editing_here());
    let c = confirm(&app);
    assert!(c.edited);
    let want = format!("{first} Zebra\nSecond line\n");
    assert!(c.draft.text.starts_with(&want), "{:?}", c.draft.text);
    assert!(c.draft.text.ends_with('\n'));

    // y queues exactly the edited text.
    let Effect::SendOutbox(id) = press(&mut app, "y") else {
        panic!("y sends: {:?}", app.status);
    };
    let raw = outbox::raw(app.data.store().unwrap().connection(), id)
        .unwrap()
        .unwrap();
    let body = shopinbox::mail::parse::parse_message(&raw)
        .body
        .replace("\r\n", "\n");
    assert!(body.contains(&want), "{body}");
    assert!(!body.contains("yq"), "{body}");
}

fn editor_text(app: &App) -> String {
    confirm(app)
        .editor
        .as_ref()
        .map(|e| e.text())
        .unwrap_or_default()
}

#[test]
fn an_emptied_reply_keeps_the_previous_text() {
    let (_dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN);
    press(&mut app, "r");
    press(&mut app, "Enter");
    let before = confirm(&app).draft.text.clone();
    keys(&mut app, &["w"]);
    for _ in 0..before.lines().count() + 2 {
        keys(&mut app, &["C-k", "C-k"]);
    }
    keys(&mut app, &["Esc"]);
    assert_eq!(confirm(&app).draft.text, before);
    assert!(app.status.as_ref().is_some_and(|s| s.error));
}

#[test]
fn send_and_next_opens_the_next_conversation_that_needs_a_reply() {
    let (_dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN);
    let john = app.inbox.selected_row().unwrap().id;
    press(&mut app, "r");
    press(&mut app, "Enter");
    let Effect::SendOutbox(id) = press(&mut app, "Y") else {
        panic!("Y sends: {:?}", app.status);
    };
    let entry = outbox::get(app.data.store().unwrap().connection(), id)
        .unwrap()
        .unwrap();
    assert_eq!(entry.conversation_id, Some(john));
    let Some(Screen::Templates(p)) = app.screen() else {
        panic!("the next picker is open: {:?}", app.screen());
    };
    assert_ne!(p.conversation, john, "another conversation");
    let next = p.conversation;
    // The undo offer of the reply just sent stays on the status line.
    let status = app.status.clone().unwrap().text;
    assert!(status.contains("u to cancel"), "{status}");
    // Its reply goes through the usual confirm screen.
    press(&mut app, "Enter");
    let Effect::SendOutbox(second) = press(&mut app, "Y") else {
        panic!("Y sends again");
    };
    let entry = outbox::get(app.data.store().unwrap().connection(), second)
        .unwrap()
        .unwrap();
    assert_eq!(entry.conversation_id, Some(next));
    match app.screen() {
        Some(Screen::Templates(p)) => {
            assert!(p.conversation != john && p.conversation != next)
        }
        other => panic!("a third picker: {other:?}"),
    }
}
