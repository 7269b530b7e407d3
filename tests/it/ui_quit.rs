//! Headless tests of quitting with replies inside their undo window (issue 23, point 2): `q`
//! asks "send now / keep queued / go back", send now drops the hold and hands the replies to
//! the worker, and a closed terminal sends them without asking.

use crate::ui_support;

use shopinbox::app::quit::QuitState;
use shopinbox::app::{Action, App, Effect, WorkerEvent};
use shopinbox::send::outbox::{self, OutboxState, Outcome};
use ui_support::{demo_app, demo_now, demo_store, press, render, screen_text};

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

/// `r`, Enter, `y` on John's conversation: one reply inside its 10 s undo window.
fn queue_reply(app: &mut App) -> i64 {
    select(app, JOHN);
    press(app, "r");
    press(app, "Enter");
    let Effect::SendOutbox(id) = press(app, "y") else {
        panic!("y sends: {:?}", app.status);
    };
    id
}

fn state(app: &App, id: i64) -> outbox::OutboxEntry {
    outbox::get(app.data.store().unwrap().connection(), id)
        .unwrap()
        .unwrap()
}

#[test]
fn quitting_with_nothing_unsent_just_quits() {
    let (_dir, mut app) = demo_app(100, 30);
    assert_eq!(press(&mut app, "q"), Effect::Quit);
    assert!(app.quit.farewell.is_none());
}

#[test]
fn q_asks_and_send_now_releases_the_hold_and_quits_once_it_is_sent() {
    let (dir, mut app) = demo_app(100, 30);
    let id = queue_reply(&mut app);
    assert_eq!(press(&mut app, "q"), Effect::None, "asks first");
    assert!(matches!(app.quit.state, Some(QuitState::Asking { .. })));
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("Send 1 reply now"), "{screen}");
    assert!(screen.contains("Keep it queued"), "{screen}");
    assert!(screen.contains("Go back"), "{screen}");
    // Enter takes the default: send now.
    assert_eq!(press(&mut app, "Enter"), Effect::SendBeforeQuit(vec![id]));
    let entry = state(&app, id);
    assert_eq!(entry.state, OutboxState::Queued);
    assert_eq!(entry.retry_at, None, "the undo window is dropped, durably");
    assert_eq!(
        outbox::due(app.data.store().unwrap().connection(), demo_now()).unwrap(),
        vec![id]
    );
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("Sending 1 reply"), "{screen}");
    // Other keys do nothing while it waits.
    assert_eq!(press(&mut app, "q"), Effect::None);

    // The worker (its own connection) sends it.
    let worker = demo_store(dir.path());
    outbox::claim(worker.connection(), id, "test-lease", demo_now())
        .unwrap()
        .unwrap();
    assert_eq!(
        app.update(Action::Worker(WorkerEvent::Outbox)),
        Effect::None,
        "still sending"
    );
    outbox::record(
        worker.connection(),
        id,
        "test-lease",
        &Outcome::Sent,
        demo_now(),
        false,
    )
    .unwrap();
    assert_eq!(
        app.update(Action::Worker(WorkerEvent::Outbox)),
        Effect::Quit
    );
    let bye = app.quit.farewell.clone().unwrap_or_default();
    assert!(bye.contains("1 reply sent before closing"), "{bye}");
}

#[test]
fn keep_queued_leaves_the_hold_and_says_so() {
    let (_dir, mut app) = demo_app(100, 30);
    let id = queue_reply(&mut app);
    press(&mut app, "q");
    assert_eq!(press(&mut app, "k"), Effect::Quit);
    let entry = state(&app, id);
    assert_eq!(entry.state, OutboxState::Queued);
    assert!(entry.retry_at.is_some(), "still inside its window");
    let bye = app.quit.farewell.clone().unwrap_or_default();
    assert!(bye.contains("1 reply kept in the outbox"), "{bye}");
    assert!(bye.contains("shopinbox outbox"), "{bye}");
}

#[test]
fn go_back_then_a_hangup_sends_without_asking_and_a_timeout_keeps_it_queued() {
    let (_dir, mut app) = demo_app(100, 30);
    let id = queue_reply(&mut app);
    press(&mut app, "q");
    assert_eq!(press(&mut app, "Esc"), Effect::None);
    assert!(app.quit.state.is_none(), "back in the inbox");
    assert!(state(&app, id).retry_at.is_some(), "nothing changed");

    // SIGHUP / SIGTERM: no question.
    assert_eq!(app.update(Action::Hangup), Effect::SendBeforeQuit(vec![id]));
    assert_eq!(state(&app, id).retry_at, None);
    // The worker never answered within the wait: the reply stays queued, and it is said.
    assert_eq!(app.update(Action::QuitWaitOver), Effect::Quit);
    let bye = app.quit.farewell.clone().unwrap_or_default();
    assert!(bye.contains("could not be sent in time"), "{bye}");
    assert_eq!(state(&app, id).state, OutboxState::Queued);
}

#[test]
fn the_outbox_screen_says_when_a_held_reply_goes_out() {
    let (_dir, mut app) = demo_app(100, 30);
    queue_reply(&mut app);
    press(&mut app, "o");
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("goes out at "), "{screen}");
    assert!(screen.contains("(in 10 s)"), "{screen}");
}
