//! Headless tests of the reply flow, the statistics screen and the follow-up/snooze badges,
//! on the demo store with the demo config: the app is driven by actions as the keyboard
//! would drive it, and the outbox and store are checked afterwards.

use crate::ui_support;

use chrono::Duration;
use shopinbox::app::{Action, App, Command, Effect, Screen, WorkerEvent};
use shopinbox::send::flow::{self, NoWriteBack};
use shopinbox::send::outbox::{self, OutboxState, Outcome};
use shopinbox::send::smtp::Delivery;
use shopinbox::store::View;
use ui_support::{demo_app, demo_now, demo_store, press, render, screen_text};

const JOHN: &str = "Order #1042 shows delivered but nothing arrived";
const ACK: &str = "Acknowledge and investigate";

fn cmd(app: &mut App, c: Command) -> Effect {
    app.update(Action::Command(c))
}

/// Selects the inbox row whose subject is `subject`.
fn select(app: &mut App, subject: &str) {
    cmd(app, Command::Top);
    for _ in 0..app.inbox.total {
        if app
            .inbox
            .selected_row()
            .is_some_and(|r| r.subject == subject)
        {
            return;
        }
        cmd(app, Command::Down);
    }
    panic!("{subject:?} is not in {:?}", app.view);
}

fn status(app: &App) -> (String, bool) {
    app.status
        .as_ref()
        .map(|s| (s.text.clone(), s.error))
        .unwrap_or_default()
}

/// The outbox's rows, without the notices of the demo's finished campaign (issue 27).
fn outbox_rows(app: &App) -> Vec<outbox::OutboxEntry> {
    let conn = app.data.store().unwrap().connection();
    let notices: std::collections::HashSet<i64> = conn
        .prepare("SELECT outbox_id FROM campaign_sends")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    outbox::list(conn, None)
        .unwrap()
        .into_iter()
        .filter(|e| !notices.contains(&e.id))
        .collect()
}

/// Opens the picker on `subject` and selects the template named `template`.
fn pick(app: &mut App, subject: &str, template: &str) {
    select(app, subject);
    assert_eq!(cmd(app, Command::Reply), Effect::None);
    let Some(Screen::Templates(p)) = app.screen() else {
        panic!("the picker is open: {:?}", app.status);
    };
    let i = p
        .choices
        .iter()
        .position(|c| c.template.name == template)
        .unwrap_or_else(|| panic!("{template} is listed"));
    cmd(app, Command::Top);
    for _ in 0..i {
        cmd(app, Command::Down);
    }
}

fn picker(app: &App) -> &shopinbox::app::TemplatePicker {
    match app.screen() {
        Some(Screen::Templates(p)) => p,
        other => panic!("not the picker: {other:?}"),
    }
}

fn confirm(app: &App) -> &shopinbox::app::ConfirmReply {
    match app.screen() {
        Some(Screen::Confirm(c)) => c,
        other => panic!("not the confirm screen: {other:?}"),
    }
}

#[test]
fn reply_picks_a_template_confirms_queues_and_asks_the_worker() {
    let (dir, mut app) = demo_app(100, 30);
    pick(&mut app, JOHN, ACK);
    let conv = app.stack.iter().find_map(|s| match s {
        Screen::Templates(p) => Some(p.conversation),
        _ => None,
    });
    let conv = conv.unwrap();

    // The preview is the personalized reply with the quoted original below it.
    let p = picker(&app);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert!(p.choices.len() >= 10, "the starter set is listed");
    let draft = p.selected_choice().unwrap().draft.as_ref().unwrap();
    assert!(draft.text.starts_with("Hi John,"), "{}", draft.text);
    assert!(draft.text.contains("#1042"), "{}", draft.text);
    // Due Tue 17:00, answered Wed 16:30: seven and a half business hours late, less than a
    // business day (issue 21: lateness counts opening hours only).
    assert!(
        draft.text.contains("sorry for the slow reply"),
        "overdue: the late apology is in: {}",
        draft.text
    );
    // Promised at 16:30, within the hour before close: the end of the next business day.
    assert!(
        draft.text.contains("by the end of tomorrow"),
        "{}",
        draft.text
    );
    assert!(draft.text.contains("Tom\n"), "signature: {}", draft.text);
    assert!(
        draft.text.contains("\n> "),
        "quoted original: {}",
        draft.text
    );
    assert!(draft.follow_up_at.is_some(), "end-of-day follow-up");
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("Hi John,"), "{screen}");
    assert!(
        screen.contains("Preview: Acknowledge and investigate"),
        "{screen}"
    );

    // Enter: the confirm screen says who gets what.
    assert_eq!(cmd(&mut app, Command::Open), Effect::None);
    let c = confirm(&app);
    assert!(c.to.contains("<john.smith1979@gmail.com>"), "{}", c.to);
    assert_eq!(c.subject, format!("Re: {JOHN}"));
    assert!(c.from.ends_with("<hello@alphx.shop>"), "{}", c.from);
    assert!(
        outbox_rows(&app).is_empty(),
        "nothing queued before sending"
    );

    // y: a durable outbox row first, then the worker is asked to send it (after the undo
    // window, which the row carries).
    let effect = cmd(&mut app, Command::Send);
    let Effect::SendOutbox(id) = effect else {
        panic!("send asks the worker: {effect:?}");
    };
    assert!(app.screen().is_none(), "back at the inbox");
    let (text, error) = status(&app);
    assert!(
        !error && text.contains("Sending to") && text.contains("in 10 s"),
        "{text}"
    );
    let rows = outbox_rows(&app);
    assert_eq!(rows.len(), 1);
    let entry = &rows[0];
    assert_eq!(entry.id, id);
    assert_eq!(entry.state, OutboxState::Queued);
    assert_eq!(entry.to_addr, "john.smith1979@gmail.com");
    assert_eq!(entry.conversation_id, Some(conv));
    let answered = flow::message_to_answer(app.data.store().unwrap(), conv).unwrap();
    assert_eq!(entry.in_reply_to, answered.message_id);
    assert!(entry.follow_up_at.is_some());
    assert_eq!(app.worker.outbox_pending, 1, "the status bar counts it");

    // The worker (its own connection) delivers it; the status line says so.
    let out = tempfile::tempdir().unwrap();
    let mut worker_store = demo_store(dir.path());
    let result = flow::send_one(
        &mut worker_store,
        &Delivery::Folder(out.path().to_path_buf()),
        &mut NoWriteBack,
        id,
        &demo_now,
    )
    .unwrap();
    assert!(
        matches!(result, flow::SendResult::Sent { .. }),
        "{result:?}"
    );
    app.update(Action::Worker(WorkerEvent::Outbox));
    let (text, error) = status(&app);
    assert!(!error, "{text}");
    assert_eq!(
        text,
        "Reply sent to Smith, John <john.smith1979@gmail.com>."
    );
    assert!(app.sends.pending.is_empty());
    assert_eq!(app.worker.outbox_pending, 0);
    // Sent at the app's clock, the reply answers the conversation: it left Needs reply.
    let row = app.data.conversation(conv).unwrap().unwrap();
    assert!(!row.needs_reply(demo_now()), "{row:?}");
    // A later event about the same reply does not repeat the sentence.
    app.update(Action::Notify {
        text: "other".into(),
        error: false,
    });
    app.update(Action::Worker(WorkerEvent::Outbox));
    assert_eq!(status(&app).0, "other");
}

#[test]
fn a_failed_send_is_reported_and_stays_queued() {
    let (dir, mut app) = demo_app(100, 30);
    pick(&mut app, JOHN, ACK);
    cmd(&mut app, Command::Open);
    let Effect::SendOutbox(id) = cmd(&mut app, Command::Send) else {
        panic!("y sends on the confirm screen");
    };
    let worker = demo_store(dir.path());
    let conn = worker.connection();
    outbox::claim(conn, id, "test-lease", demo_now())
        .unwrap()
        .unwrap();
    app.update(Action::Worker(WorkerEvent::Outbox));
    assert!(
        status(&app).0.starts_with("Sending the reply"),
        "{:?}",
        status(&app)
    );
    outbox::record(
        conn,
        id,
        "test-lease",
        &Outcome::Failed {
            error: "connection refused".into(),
            retry_at: Some(demo_now() + Duration::minutes(5)),
        },
        demo_now(),
        false,
    )
    .unwrap();
    app.update(Action::Worker(WorkerEvent::Outbox));
    let (text, error) = status(&app);
    assert!(error, "{text}");
    assert!(
        text.contains("connection refused") && text.contains("retried at 16:35"),
        "{text}"
    );
    assert_eq!(app.worker.outbox_pending, 1);
    assert_eq!(
        app.sends.pending.len(),
        1,
        "still followed until it is sent"
    );
}

#[test]
fn cancel_leaves_no_outbox_row() {
    let (_dir, mut app) = demo_app(100, 30);
    pick(&mut app, JOHN, ACK);
    cmd(&mut app, Command::Open);
    confirm(&app);
    // Esc on the confirm screen goes back to the picker, Esc again closes it.
    assert_eq!(cmd(&mut app, Command::Back), Effect::None);
    picker(&app);
    assert_eq!(cmd(&mut app, Command::Back), Effect::None);
    assert!(app.screen().is_none());
    assert!(status(&app).0.contains("nothing was sent"));
    assert!(outbox_rows(&app).is_empty());
    // Keys that mean something else on the inbox do nothing harmful on the reply screens.
    pick(&mut app, JOHN, ACK);
    for c in [
        Command::MarkAnswered,
        Command::NotCustomer,
        Command::ViewAll,
        Command::Undo,
    ] {
        assert_eq!(cmd(&mut app, c), Effect::None);
    }
    picker(&app);
    assert_eq!(app.view, View::NeedsReply);
    assert!(outbox_rows(&app).is_empty());
}

#[test]
fn edited_text_is_what_gets_queued() {
    let (_dir, mut app) = demo_app(100, 30);
    pick(&mut app, JOHN, ACK);
    // e in the picker: choose this template and edit its text straight away.
    let effect = cmd(&mut app, Command::OpenEditor);
    let Effect::EditReply(text) = effect else {
        panic!("the editor is asked for: {effect:?}");
    };
    assert!(
        text.starts_with("Hi John,") && text.contains("\n> "),
        "{text}"
    );
    let original = confirm(&app).draft.text.clone();

    // A failed editor or an emptied file keeps the text.
    app.update(Action::ReplyEdited(Err(
        "The editor \"vim\" exited with 1.".into(),
    )));
    assert_eq!(confirm(&app).draft.text, original);
    assert!(status(&app).1);
    app.update(Action::ReplyEdited(Ok("  \n\n".into())));
    assert_eq!(confirm(&app).draft.text, original);
    assert!(!confirm(&app).edited);

    let edited = "Hi John,\r\n\r\nThe carrier confirmed a mix-up; a new parcel leaves today.\r\n\r\n> old quote\r\n";
    app.update(Action::ReplyEdited(Ok(edited.into())));
    assert!(confirm(&app).edited);
    assert_eq!(
        confirm(&app).draft.text,
        "Hi John,\n\nThe carrier confirmed a mix-up; a new parcel leaves today.\n\n> old quote\n"
    );
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("(text edited)"), "{screen}");
    // e on the confirm screen edits the current (edited) text again.
    assert_eq!(
        cmd(&mut app, Command::OpenEditor),
        Effect::EditReply(confirm(&app).draft.text.clone())
    );
    let Effect::SendOutbox(id) = cmd(&mut app, Command::Send) else {
        panic!("sent");
    };
    let raw = outbox::raw(app.data.store().unwrap().connection(), id)
        .unwrap()
        .unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("a new parcel leaves today"), "{raw}");
    assert!(!raw.contains("I am looking into it right now"), "{raw}");
}

#[test]
fn broken_templates_are_listed_and_the_others_work_and_edits_reload() {
    let (dir, mut app) = demo_app(100, 30);
    let templates = dir.path().join("templates");
    shopinbox::template::install_starters(&templates).unwrap();
    let broken = templates.join("zz-broken.txt");
    std::fs::write(&broken, "name: Broken one\n\nHi {frist_name},\nthanks\n").unwrap();
    pick(&mut app, JOHN, ACK);
    let p = picker(&app);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert!(
        p.problems[0].starts_with("zz-broken.txt:3:"),
        "file and line: {}",
        p.problems[0]
    );
    assert!(p.choices.iter().all(|c| c.draft.is_ok()));
    assert!(p.choices.iter().any(|c| c.template.name == ACK));
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("Cannot load:"), "{screen}");
    assert!(screen.contains("zz-broken.txt:3"), "{screen}");

    // E opens the selected template's file; on return the templates are read again.
    let effect = cmd(&mut app, Command::EditTemplate);
    let path = match effect {
        Effect::EditTemplate(p) => p,
        other => panic!("the template file is opened: {other:?}"),
    };
    assert_eq!(path.file_name().unwrap(), "acknowledge.txt");
    std::fs::write(
        &path,
        "name: Acknowledge and investigate\nfollow_up: none\n\nHello {first_name|there}, order {order_number|} is in good hands.\n\n{signature}\n",
    )
    .unwrap();
    std::fs::write(&broken, "name: Broken one\n\nHi {first_name},\nthanks\n").unwrap();
    app.update(Action::TemplateEdited(Ok(())));
    let p = picker(&app);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let choice = p.selected_choice().unwrap();
    assert_eq!(
        choice.template.name, ACK,
        "the selection stays on the edited file"
    );
    let draft = choice.draft.as_ref().unwrap();
    assert!(
        draft
            .text
            .starts_with("Hello John, order #1042 is in good hands."),
        "{}",
        draft.text
    );
    assert_eq!(draft.follow_up_at, None);
    assert_eq!(status(&app).0, "Templates reloaded.");
}

#[test]
fn statistics_screen_shows_the_review_numbers() {
    let (_dir, mut app) = demo_app(100, 30);
    assert_eq!(cmd(&mut app, Command::Stats), Effect::None);
    let Some(Screen::Stats(s)) = app.screen() else {
        panic!("the statistics are open: {:?}", app.status);
    };
    let store = app.data.store().unwrap();
    let want = shopinbox::review::stats_for(store, 30, demo_now()).unwrap();
    assert_eq!(s.stats, want);
    assert_eq!(s.days, 30);
    assert_eq!(s.report.overdue.len() as u64, app.counts.overdue);
    assert_eq!(s.stats.per_day.len(), 30);
    let screen = screen_text(&render(&app, 100, 30));
    for needle in [
        "Statistics · last 30 days",
        "Morning report",
        &format!("{} overdue", app.counts.overdue),
        "wall clock",
        "business hours",
        "Within the deadline",
        "Settled by one reply",
        "Kept out",
        "Busiest weekdays",
        "Customer messages per day",
    ] {
        assert!(screen.contains(needle), "{needle:?} in\n{screen}");
    }
    // Narrow: the text scrolls; the screen never panics.
    app.update(Action::Resize {
        width: 60,
        height: 15,
    });
    cmd(&mut app, Command::Bottom);
    let Some(Screen::Stats(s)) = app.screen() else {
        panic!()
    };
    assert!(s.scroll > 0, "the text scrolls on a small terminal");
    let narrow = screen_text(&render(&app, 60, 15));
    assert!(narrow.contains("Busiest hours"), "{narrow}");
    cmd(&mut app, Command::Top);
    // Esc returns to the inbox.
    cmd(&mut app, Command::Back);
    assert!(app.screen().is_none());
    // T again from a conversation, and q closes it.
    cmd(&mut app, Command::Open);
    cmd(&mut app, Command::Stats);
    assert!(matches!(app.screen(), Some(Screen::Stats(_))));
    cmd(&mut app, Command::Quit);
    assert!(matches!(app.screen(), Some(Screen::Conversation(_))));
}

#[test]
fn follow_ups_and_snoozes_are_visible() {
    let (dir, mut app) = demo_app(100, 30);
    let now = demo_now();
    let mut other = demo_store(dir.path());
    // An answered conversation with a follow-up at 17:00 today.
    cmd(&mut app, Command::ViewAnswered);
    let answered = app.inbox.selected_row().unwrap().clone();
    let five = now + Duration::minutes(30);
    other.set_follow_up(answered.id, Some(five), now).unwrap();
    app.update(Action::Refresh);
    // A promise for today is in Needs reply and Due today before its time (issue 21).
    cmd(&mut app, Command::ViewDueToday);
    select(&mut app, &answered.subject);
    let screen = screen_text(&render(&app, 100, 30));
    let row = screen
        .lines()
        .find(|l| l.contains("promised by"))
        .unwrap_or_else(|| panic!("promise badge in\n{screen}"));
    assert!(row.starts_with("promised by 17:00"), "{row}");
    let narrow = screen_text(&render(&app, 60, 15));
    assert!(narrow.contains("f-up 17:00"), "{narrow}");
    cmd(&mut app, Command::Open);
    let header = screen_text(&render(&app, 100, 30));
    assert!(
        header
            .lines()
            .nth(1)
            .unwrap()
            .contains("follow-up due Wed 25 Nov 17:00"),
        "{header}"
    );
    cmd(&mut app, Command::Back);

    // The promise falls due an hour ago: back in Needs reply, overdue.
    other
        .set_follow_up(answered.id, Some(now - Duration::hours(1)), now)
        .unwrap();
    cmd(&mut app, Command::ViewNeedsReply);
    select(&mut app, &answered.subject);
    let screen = screen_text(&render(&app, 100, 30));
    let row = screen
        .lines()
        .find(|l| l.contains("FOLLOW-UP"))
        .unwrap_or_else(|| panic!("follow-up badge in\n{screen}"));
    assert!(row.starts_with("FOLLOW-UP overdue 1h"), "{row}");

    // Snoozed until Monday 09:00: out of Needs reply, marked in All.
    select(&mut app, JOHN);
    let john = app.inbox.selected_row().unwrap().id;
    let monday =
        shopinbox::app::when::parse("2026-11-30 09:00", now, chrono_tz::Europe::Berlin).unwrap();
    other.snooze(john, Some(monday)).unwrap();
    cmd(&mut app, Command::ViewAll);
    let screen = screen_text(&render(&app, 100, 30));
    let row = screen
        .lines()
        .find(|l| l.contains("Order #1042 shows"))
        .unwrap();
    assert!(row.starts_with("snoozed until Mon 09:00"), "{row}");
    select(&mut app, JOHN);
    cmd(&mut app, Command::Open);
    let header = screen_text(&render(&app, 100, 30));
    assert!(
        header
            .lines()
            .nth(1)
            .unwrap()
            .contains("snoozed until Mon 30 Nov 09:00"),
        "{header}"
    );
}

#[test]
fn a_template_needing_a_missing_offer_is_refused_in_the_picker() {
    let (dir, mut app) = demo_app(100, 30);
    let templates = dir.path().join("templates");
    shopinbox::template::install_starters(&templates).unwrap();
    // The demo shop sets a discount code but no return address.
    std::fs::write(
        templates.join("return-to-address.txt"),
        "name: Return to our address\n\nHi {first_name|there}, please send it to {offer.return_address}.\n",
    )
    .unwrap();
    pick(&mut app, JOHN, "Return to our address");
    let p = picker(&app);
    let why = p.selected_choice().unwrap().draft.as_ref().unwrap_err();
    assert_eq!(
        why,
        "Cannot use the template \"Return to our address\": it needs `return_address` under \
         [offers] in the config, which does not set it; add it there (config.example.toml shows \
         how) or choose another template."
    );
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("› en Return to our address"), "{screen}");
    assert!(screen.contains("Cannot use the template"), "{screen}");
    cmd(&mut app, Command::Up);
    let screen = screen_text(&render(&app, 100, 30));
    assert!(
        screen.contains("! en Return to our address"),
        "marked unusable: {screen}"
    );
    cmd(&mut app, Command::Down);
    // Enter does not go on to the confirm screen, and nothing is queued.
    assert_eq!(cmd(&mut app, Command::Open), Effect::None);
    assert!(matches!(app.screen(), Some(Screen::Templates(_))));
    let (text, error) = status(&app);
    assert!(error && text.contains("`return_address`"), "{text}");
    assert!(outbox_rows(&app).is_empty());
    // The starters that only mention the discount code when it is set still work.
    assert!(picker(&app)
        .choices
        .iter()
        .filter(|c| c.template.path.file_name().unwrap() != "return-to-address.txt")
        .all(|c| c.draft.is_ok()));
}

/// r, then Enter, Enter: the picker's Enter opens the confirm screen, the confirm screen's
/// Enter shows the whole reply in $EDITOR. Nothing is queued; only y sends.
#[test]
fn enter_on_the_confirm_screen_never_sends_only_y_does_with_an_undo_window() {
    let (_dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN);
    assert_eq!(press(&mut app, "r"), Effect::None);
    picker(&app);
    assert_eq!(press(&mut app, "Enter"), Effect::None);
    let text = confirm(&app).draft.text.clone();
    assert_eq!(press(&mut app, "Enter"), Effect::EditReply(text.clone()));
    confirm(&app);
    assert!(outbox_rows(&app).is_empty(), "Enter sent nothing");

    // y: queued with a not-before time 10 s ahead; the status line offers u.
    let Effect::SendOutbox(id) = press(&mut app, "y") else {
        panic!("y sends");
    };
    assert!(app.screen().is_none());
    assert_eq!(
        status(&app),
        (
            "Sending to Smith, John in 10 s · u to cancel".to_string(),
            false
        )
    );
    let conn = app.data.store().unwrap().connection();
    let entry = outbox::get(conn, id).unwrap().unwrap();
    assert_eq!(entry.state, OutboxState::Queued);
    assert_eq!(entry.retry_at, Some(demo_now() + Duration::seconds(10)));
    assert!(outbox::due(conn, demo_now()).unwrap().is_empty(), "held");
    assert_eq!(
        outbox::due(conn, demo_now() + Duration::seconds(10)).unwrap(),
        vec![id]
    );

    // u within the window: the row is gone and the same text is back on the confirm screen.
    assert_eq!(press(&mut app, "u"), Effect::None);
    assert!(outbox_rows(&app).is_empty(), "taken back");
    assert_eq!(confirm(&app).draft.text, text);
    let (line, error) = status(&app);
    assert!(!error && line.starts_with("Not sent"), "{line}");
    assert!(app.sends.pending.is_empty());

    // y queues it again.
    let Effect::SendOutbox(again) = press(&mut app, "y") else {
        panic!("y sends again");
    };
    let rows = outbox_rows(&app);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].id, rows[0].state), (again, OutboxState::Queued));
}

#[test]
fn undo_after_the_worker_took_the_reply_is_too_late() {
    let (dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN);
    press(&mut app, "r");
    press(&mut app, "Enter");
    let Effect::SendOutbox(id) = press(&mut app, "y") else {
        panic!("y sends");
    };
    // The window ended and the worker (its own connection) claimed it.
    let worker = demo_store(dir.path());
    outbox::claim(
        worker.connection(),
        id,
        "test-lease",
        demo_now() + Duration::seconds(10),
    )
    .unwrap()
    .unwrap();
    press(&mut app, "u");
    let (line, error) = status(&app);
    assert!(error && line.starts_with("Too late to cancel"), "{line}");
    assert!(app.screen().is_none(), "no confirm screen comes back");
    let rows = outbox_rows(&app);
    assert_eq!(rows[0].state, OutboxState::Sending, "the send goes on");
}

#[test]
fn with_no_undo_window_y_sends_at_once() {
    let (_dir, mut app) = demo_app(100, 30);
    app.options.config.as_mut().unwrap().undo_seconds = 0;
    select(&mut app, JOHN);
    press(&mut app, "r");
    press(&mut app, "Enter");
    let Effect::SendOutbox(id) = press(&mut app, "y") else {
        panic!("y sends");
    };
    let entry = outbox::get(app.data.store().unwrap().connection(), id)
        .unwrap()
        .unwrap();
    assert_eq!(entry.retry_at, None, "not held");
    assert!(status(&app).0.contains("queued; sending"));
    press(&mut app, "u");
    assert_eq!(outbox_rows(&app).len(), 1, "u does not touch it");
}

/// `o`: the outbox screen lists unsent replies with their state and error; Enter shows the
/// text, D discards, y retries a failed reply (or resends an uncertain one) and a settles it
/// as sent — decisions for the send worker, handed over as effects.
#[test]
fn the_outbox_screen_lists_unsent_replies_and_hands_decisions_to_the_worker() {
    use shopinbox::app::WorkerCommand;
    let (dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN);
    press(&mut app, "r");
    press(&mut app, "Enter");
    let Effect::SendOutbox(held) = press(&mut app, "y") else {
        panic!("y sends");
    };
    assert_eq!(press(&mut app, "o"), Effect::None);
    let Some(Screen::Outbox(s)) = app.screen() else {
        panic!("o opens the outbox: {:?}", app.status);
    };
    assert_eq!(s.entries.len(), 1);
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("Outbox · 1 not sent"), "{screen}");
    assert!(
        screen.contains("waiting") && screen.contains("john.smith1979@gmail.com"),
        "{screen}"
    );
    // Enter shows the text.
    press(&mut app, "Enter");
    let screen = screen_text(&render(&app, 100, 30));
    assert!(screen.contains("Hi John,"), "{screen}");
    // D discards it (a local write: the row is gone).
    assert_eq!(press(&mut app, "D"), Effect::None);
    assert!(outbox_rows(&app).iter().all(|e| e.id != held));
    assert!(status(&app).0.contains("discarded"), "{:?}", status(&app));

    // A reply the server refused: its error is shown; y retries, a settles as sent.
    press(&mut app, "Esc");
    select(&mut app, JOHN);
    press(&mut app, "r");
    press(&mut app, "Enter");
    let Effect::SendOutbox(id) = press(&mut app, "y") else {
        panic!("y sends");
    };
    let worker = demo_store(dir.path());
    let conn = worker.connection();
    outbox::claim(conn, id, "test-lease", demo_now())
        .unwrap()
        .unwrap();
    outbox::record(
        conn,
        id,
        "test-lease",
        &Outcome::Failed {
            error: "550 mailbox unavailable".into(),
            retry_at: None,
        },
        demo_now(),
        false,
    )
    .unwrap();
    press(&mut app, "o");
    let screen = screen_text(&render(&app, 100, 30));
    assert!(
        screen.contains("failed") && screen.contains("Error: 550 mailbox unavailable"),
        "{screen}"
    );
    assert_eq!(
        press(&mut app, "y"),
        Effect::Worker(WorkerCommand::Retry(id))
    );
    assert_eq!(
        press(&mut app, "a"),
        Effect::Worker(WorkerCommand::MarkSent(id))
    );

    // An uncertain one is resent on y.
    outbox::retry(conn, id, demo_now()).unwrap();
    outbox::claim(conn, id, "test-lease", demo_now())
        .unwrap()
        .unwrap();
    outbox::record(
        conn,
        id,
        "test-lease",
        &Outcome::Uncertain {
            error: "connection lost after the data".into(),
        },
        demo_now(),
        false,
    )
    .unwrap();
    app.update(Action::Worker(WorkerEvent::Outbox));
    assert!(screen_text(&render(&app, 100, 30)).contains("uncertain"));
    assert_eq!(
        press(&mut app, "y"),
        Effect::Worker(WorkerCommand::Resend(id))
    );
    press(&mut app, "Esc");
    assert!(app.screen().is_none());
}

/// `e` on a failed reply in the outbox takes it out and brings its text back for editing;
/// `y` queues the edited text again.
#[test]
fn a_failed_reply_is_edited_from_the_outbox_and_queued_again() {
    let (dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN);
    press(&mut app, "r");
    press(&mut app, "Enter");
    let Effect::SendOutbox(id) = press(&mut app, "y") else {
        panic!("y sends");
    };
    let worker = demo_store(dir.path());
    let conn = worker.connection();
    outbox::claim(conn, id, "test-lease", demo_now())
        .unwrap()
        .unwrap();
    let failed = Outcome::Failed {
        error: "550 mailbox unavailable".into(),
        retry_at: None,
    };
    outbox::record(conn, id, "test-lease", &failed, demo_now(), false).unwrap();
    press(&mut app, "o");
    let Effect::EditReply(text) = press(&mut app, "e") else {
        panic!("e edits: {:?}", status(&app));
    };
    assert!(text.starts_with("Hi John,"), "{text}");
    assert!(outbox_rows(&app).is_empty(), "taken out while edited");
    assert_eq!(confirm(&app).subject, format!("Re: {JOHN}"));
    app.update(Action::ReplyEdited(Ok(
        "Hi John,\n\nA new parcel left today.\n".into(),
    )));
    let Effect::SendOutbox(again) = press(&mut app, "y") else {
        panic!("y queues it again");
    };
    assert!(
        matches!(app.screen(), Some(Screen::Outbox(_))),
        "back in the outbox"
    );
    let raw = outbox::raw(app.data.store().unwrap().connection(), again)
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&raw).contains("A new parcel left today."));
}

/// `x` on a Gmail customer never offers the whole domain; on mail already kept out it offers
/// "a customer after all", which removes the rule.
#[test]
fn x_never_offers_a_free_mail_domain_and_takes_a_rule_back() {
    use shopinbox::app::Overlay;
    use shopinbox::store::RuleKind;
    let (_dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN);
    press(&mut app, "x");
    let Some(Overlay::NotCustomer { choices, .. }) = &app.overlay else {
        panic!("x opens the menu");
    };
    let kinds: Vec<RuleKind> = choices.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![RuleKind::Message, RuleKind::Sender]);
    assert!(choices
        .iter()
        .all(|c| c.label != "everything from @gmail.com"));
    let screen = screen_text(&render(&app, 100, 30));
    assert!(!screen.contains("everything from @gmail.com"), "{screen}");
    // s: everything from this sender.
    press(&mut app, "s");
    assert!(app.overlay.is_none());
    let needs_reply = app.counts.needs_reply;

    press(&mut app, "6");
    select(&mut app, JOHN);
    press(&mut app, "x");
    let Some(Overlay::NotCustomer { choices, .. }) = &app.overlay else {
        panic!("x opens the menu on kept-out mail");
    };
    assert_eq!(choices.len(), 1);
    assert!(
        choices[0].label.starts_with("a customer after all")
            && choices[0].label.contains("john.smith1979@gmail.com"),
        "{:?}",
        choices[0].label
    );
    press(&mut app, "Enter");
    assert!(app.overlay.is_none());
    assert!(status(&app).0.starts_with("A customer after all"));
    assert!(
        app.data
            .rules()
            .unwrap()
            .iter()
            .all(|r| r.value != "john.smith1979@gmail.com"),
        "the rule is gone"
    );
    assert_eq!(
        app.counts.needs_reply,
        needs_reply + 1,
        "back in Needs reply"
    );
}

/// `R`: the Rules screen lists every rule with how many conversations it hides; `D` removes
/// the selected one and its mail comes back.
#[test]
fn the_rules_screen_lists_rules_with_counts_and_removes_one() {
    let (_dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN);
    press(&mut app, "x");
    press(&mut app, "s");
    let needs_reply = app.counts.needs_reply;
    assert_eq!(press(&mut app, "R"), Effect::None);
    let Some(Screen::Rules(s)) = app.screen() else {
        panic!("R opens the rules: {:?}", app.status);
    };
    let i = s
        .rules
        .iter()
        .position(|(r, _)| r.value == "john.smith1979@gmail.com")
        .expect("the new rule is listed");
    assert_eq!(s.rules[i].1, 1, "it hides one conversation");
    let screen = screen_text(&render(&app, 100, 30));
    assert!(
        screen.contains("everything from john.smith1979@gmail.com  · hides 1 conversation"),
        "{screen}"
    );
    press(&mut app, "g");
    for _ in 0..i {
        press(&mut app, "j");
    }
    press(&mut app, "D");
    assert!(
        status(&app).0.starts_with("Rule removed"),
        "{:?}",
        status(&app)
    );
    let Some(Screen::Rules(s)) = app.screen() else {
        panic!("still on the rules");
    };
    assert!(s
        .rules
        .iter()
        .all(|(r, _)| r.value != "john.smith1979@gmail.com"));
    assert_eq!(app.counts.needs_reply, needs_reply + 1);
    press(&mut app, "Esc");
    assert!(app.screen().is_none());
}

/// Issue 20: the picker's first template for a mail too short to tell its language is in the
/// customer's earlier language, else the shop's (`[shop] language`), never the first file.
#[test]
fn a_short_mail_opens_the_picker_in_a_language_that_fits() {
    use shopinbox::store::{Location, NewMessage, Store};
    use shopinbox::template::Language;
    let dir = tempfile::tempdir().unwrap();
    let now = demo_now();
    let mut config = shopinbox::config::Config::demo();
    config.templates_dir = Some(dir.path().join("templates"));
    let mut store = Store::open(
        &dir.path().join("store.db"),
        config.shop_context(shopinbox::clock::Clock::fixed(now)),
    )
    .unwrap();
    let mail = |uid: u32, from: &str, subject: &str, body: &str, at: &str| {
        let raw = format!(
            "From: {from}\r\nTo: hello@alphx.shop\r\nSubject: {subject}\r\n\
             Message-ID: <m{uid}@example.org>\r\n\r\n{body}\r\n"
        )
        .into_bytes();
        NewMessage {
            location: Location::new("INBOX", 1, uid),
            parsed: shopinbox::mail::parse::parse_message(&raw),
            raw,
            received_at: at.parse().unwrap(),
            flags: vec![],
        }
    };
    store
        .ingest(
            vec![
                mail(1, "Kai Berger <kai@example.org>", "Glasur",
                    "Hallo, ich wollte fragen, ob die Schalen spülmaschinenfest sind und wie lange die Lieferung dauert.",
                    "2026-11-20T09:00:00Z"),
                mail(2, "Kai Berger <kai@example.org>", "Danke", "Danke sehr!", "2026-11-25T09:00:00Z"),
                mail(3, "Amy Brook <amy@example.org>", "Thanks", "Thanks Tom", "2026-11-25T09:05:00Z"),
            ],
            None,
        )
        .unwrap();
    let mut app = App::new(
        Box::new(store),
        shopinbox::app::AppOptions {
            color: false,
            fixed_now: Some(now),
            config: Some(config.clone()),
            ..Default::default()
        },
        now,
        100,
        30,
    );
    for (subject, want) in [("Thanks", Language::English), ("Danke", Language::German)] {
        select(&mut app, subject);
        assert_eq!(cmd(&mut app, Command::Reply), Effect::None);
        let p = picker(&app);
        assert_eq!(p.customer_language, Some(want), "{subject}");
        assert_eq!(
            p.choices[0].template.language, want,
            "{subject}: first template"
        );
        cmd(&mut app, Command::Back);
    }

    // A German shop opens a two-word mail from a new customer in German: too short to tell.
    config.shop.language = Language::German;
    let store = Store::open(
        &dir.path().join("store.db"),
        config.shop_context(shopinbox::clock::Clock::fixed(now)),
    )
    .unwrap();
    let mut app = App::new(
        Box::new(store),
        shopinbox::app::AppOptions {
            color: false,
            fixed_now: Some(now),
            config: Some(config),
            ..Default::default()
        },
        now,
        100,
        30,
    );
    select(&mut app, "Thanks");
    cmd(&mut app, Command::Reply);
    assert_eq!(picker(&app).customer_language, Some(Language::German));
}

/// Issue 23: a French customer is answered in French, not "Hallo Marie": a long mail in
/// French, Spanish, Italian or Dutch opens the picker on a starter in that language, greeting
/// the customer as a shop in that country does, although the shop writes English and the
/// file order would put German first.
#[test]
fn a_long_mail_opens_the_picker_on_a_template_in_its_language() {
    use shopinbox::store::{Location, NewMessage, Store};
    use shopinbox::template::Language;
    let dir = tempfile::tempdir().unwrap();
    let now = demo_now();
    let mut config = shopinbox::config::Config::demo();
    config.templates_dir = Some(dir.path().join("templates"));
    config.shop.language = Language::English;
    let mut store = Store::open(
        &dir.path().join("store.db"),
        config.shop_context(shopinbox::clock::Clock::fixed(now)),
    )
    .unwrap();
    let cases = [
        (
            "Marie Dubois <marie@example.fr>",
            "Colis",
            "Bonjour, j'ai commandé deux bols la semaine dernière et je n'ai toujours rien reçu. \
             Pourriez-vous me dire où en est ma commande ? Merci beaucoup.",
            Language::French,
            "Bonjour Marie,",
        ),
        (
            "Lucía García <lucia@example.es>",
            "Paquete",
            "Hola, la semana pasada hice un pedido de dos cuencos y todavía no he recibido nada. \
             ¿Me puede decir dónde está mi pedido? Muchas gracias.",
            Language::Spanish,
            "Hola Lucía,",
        ),
        (
            "Giulia Rossi <giulia@example.it>",
            "Pacco",
            "Buongiorno, la settimana scorsa ho ordinato due ciotole e non ho ancora ricevuto \
             niente. Potrebbe dirmi a che punto è il mio ordine? Grazie mille.",
            Language::Italian,
            "Gentile Giulia,",
        ),
        (
            "Sanne de Vries <sanne@example.nl>",
            "Pakket",
            "Hallo, vorige week heb ik twee kommen besteld en ik heb nog steeds niets ontvangen. \
             Kunt u mij vertellen waar mijn bestelling blijft? Alvast bedankt.",
            Language::Dutch,
            "Beste Sanne,",
        ),
    ];
    let mails = cases
        .iter()
        .enumerate()
        .map(|(i, (from, subject, body, _, _))| {
            let uid = i as u32 + 1;
            let raw = format!(
                "From: {from}\r\nTo: hello@alphx.shop\r\nSubject: {subject}\r\n\
                 Message-ID: <lang{uid}@example.org>\r\n\r\n{body}\r\n"
            )
            .into_bytes();
            NewMessage {
                location: Location::new("INBOX", 1, uid),
                parsed: shopinbox::mail::parse::parse_message(&raw),
                raw,
                received_at: format!("2026-11-25T09:0{uid}:00Z").parse().unwrap(),
                flags: vec![],
            }
        })
        .collect();
    store.ingest(mails, None).unwrap();
    let mut app = App::new(
        Box::new(store),
        shopinbox::app::AppOptions {
            color: false,
            fixed_now: Some(now),
            config: Some(config),
            ..Default::default()
        },
        now,
        100,
        30,
    );
    for (_, subject, _, want, hello) in cases {
        select(&mut app, subject);
        assert_eq!(cmd(&mut app, Command::Reply), Effect::None);
        let p = picker(&app);
        assert_eq!(p.customer_language, Some(want), "{subject}");
        // All twelve starters in the customer's language come first.
        let first: Vec<Language> = p.choices[..12]
            .iter()
            .map(|c| c.template.language)
            .collect();
        assert_eq!(first, vec![want; 12], "{subject}: first templates");
        let draft = p.choices[0].draft.as_ref().unwrap();
        assert!(draft.text.starts_with(hello), "{subject}:\n{}", draft.text);
        cmd(&mut app, Command::Back);
    }
}
