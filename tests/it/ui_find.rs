//! Search like mutt and vim, headless through the real key path: `/` finds within every screen
//! but the inbox (where it searches all mail), `n`/`N` step through the hits with wrapping,
//! hits are highlighted, letters typed into the prompt never run commands; every text field
//! edits with the readline keys; a click selects a row and a double click opens it.

use crate::ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ratatui::style::Modifier;
use shopinbox::app::{Action, App, Effect, Overlay, Screen};
use ui_support::{press, render, screen_text, type_text, Fake, MsgSpec};

/// A long conversation: "parcel" on body lines 5, 20 (twice) and 38, in a terminal whose
/// thread shows 9 lines, so every jump has to scroll.
fn long_thread() -> App {
    let mut body = String::new();
    for i in 1..=40 {
        let text = match i {
            5 => "where is my parcel? It was due on Monday.".to_string(),
            20 => "The parcel tracking says: parcel held at the depot.".to_string(),
            38 => "Please send the Parcel again if it is lost.".to_string(),
            _ => format!("line {i:02} of a long story about a vase"),
        };
        body.push_str(&text);
        body.push('\n');
    }
    let mut f = Fake::empty();
    f.add(
        "Lost parcel",
        &[MsgSpec {
            from_name: "Ann Lee",
            from: "ann@lee.example",
            at: "2026-11-18T13:10:00Z",
            body: &body,
            shop: false,
        }],
        Some("2026-11-19T16:00:00Z"),
        None,
    );
    let mut app = f.into_app(80, 12);
    press(&mut app, "Enter");
    assert!(matches!(app.screen(), Some(Screen::Conversation(_))));
    app
}

fn scroll(app: &App) -> usize {
    match app.screen() {
        Some(Screen::Conversation(c)) => c.scroll,
        other => panic!("expected a conversation, got {other:?}"),
    }
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// The current hit's line must be on screen (the thread starts at row 2, 9 rows tall).
fn hit_visible(app: &App) -> bool {
    let at = app.active_find().and_then(|f| f.at).expect("a current hit");
    at.0 >= scroll(app) && at.0 < scroll(app) + 9
}

/// The screen as text with highlighted cells (yellow, or reversed without colour) in
/// [brackets] and the current hit (also bold, underlined) in {braces}; the status bar
/// (reversed as a whole) is left plain.
fn marked(app: &App, w: u16, h: u16) -> String {
    let buf = render(app, w, h);
    let colour = app.options.color;
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        let mut inside = 0;
        let close = |k| if k == 2 { '}' } else { ']' };
        for x in 0..w {
            let cell = &buf[(x, y)];
            let hit = if colour {
                cell.bg == ratatui::style::Color::Yellow
            } else {
                cell.modifier.contains(Modifier::REVERSED)
            };
            let kind = match cell.modifier {
                _ if y + 1 == h || !hit => 0,
                m if m.contains(Modifier::UNDERLINED | Modifier::BOLD) => 2,
                _ => 1,
            };
            if kind != inside {
                if inside != 0 {
                    line.push(close(inside));
                }
                if kind != 0 {
                    line.push(if kind == 2 { '{' } else { '[' });
                }
                inside = kind;
            }
            line.push_str(cell.symbol());
        }
        if inside != 0 {
            line.push(close(inside));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn send(app: &mut App, ev: KeyEvent) -> Effect {
    match app.key_to_action(&ev) {
        Some(a) => app.update(a),
        None => Effect::None,
    }
}

#[test]
fn slash_in_a_conversation_finds_like_less_and_n_n_step_with_wrapping() {
    let mut app = long_thread();
    let start = scroll(&app);
    press(&mut app, "/");
    assert!(app.find.prompt.is_some(), "/ opens the find prompt");
    assert!(app.overlay.is_none(), "not the all-mail search box");
    // p, a, r, c, e, l are all commands elsewhere (reply, answered, customer, editor…).
    for c in "parcel".chars() {
        assert_eq!(press(&mut app, &c.to_string()), Effect::None, "{c} is text");
    }
    assert!(matches!(app.screen(), Some(Screen::Conversation(_))));
    assert!(app.overlay.is_none());
    let first = app
        .active_find()
        .and_then(|f| f.at)
        .expect("found as typed");
    assert!(hit_visible(&app), "jumps to the first hit while typing");
    press(&mut app, "Enter");
    assert!(app.find.prompt.is_none());
    assert_eq!(status(&app), "hit 1 of 4");
    assert_eq!(app.active_find().unwrap().at, Some(first));

    let mut seen = vec![first];
    for i in 2..=4 {
        press(&mut app, "n");
        assert_eq!(status(&app), format!("hit {i} of 4"));
        assert!(hit_visible(&app), "hit {i} scrolled into view");
        seen.push(app.active_find().unwrap().at.unwrap());
    }
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "in reading order: {seen:?}"
    );
    assert_eq!(seen[1].0, seen[2].0, "two hits on one line are two hits");
    assert!(scroll(&app) > start, "the thread scrolled down");
    press(&mut app, "n");
    assert_eq!(
        status(&app),
        "hit 1 of 4 · no more hits below, back at the top"
    );
    assert_eq!(app.active_find().unwrap().at, Some(first));
    press(&mut app, "N");
    assert_eq!(
        status(&app),
        "hit 4 of 4 · no more hits above, back at the bottom"
    );
    press(&mut app, "N");
    assert_eq!(status(&app), "hit 3 of 4");

    // Esc in a new prompt goes back to where the owner was and keeps the old pattern.
    let before = scroll(&app);
    press(&mut app, "/");
    type_text(&mut app, "vase");
    press(&mut app, "Esc");
    assert_eq!(scroll(&app), before);
    assert_eq!(app.active_find().unwrap().query, "parcel");

    // Smart case: a capital letter matches exactly.
    press(&mut app, "/");
    type_text(&mut app, "Parcel");
    press(&mut app, "Enter");
    assert_eq!(status(&app), "hit 1 of 1");

    press(&mut app, "/");
    type_text(&mut app, "xylophone");
    press(&mut app, "Enter");
    assert_eq!(status(&app), "Not found: “xylophone”.");
    assert_eq!(app.status.as_ref().map(|s| s.error), Some(true));
}

#[test]
fn hits_are_highlighted_and_the_prompt_is_on_the_bottom_line() {
    let mut app = long_thread();
    press(&mut app, "/");
    type_text(&mut app, "parcel");
    let typing = screen_text(&render(&app, 80, 12));
    assert!(
        typing.lines().last().unwrap().starts_with("/parcel"),
        "{typing}"
    );
    press(&mut app, "Enter");
    press(&mut app, "n");
    assert_snapshot!("find_conversation_hits", marked(&app, 80, 12));
}

#[test]
fn n_no_longer_opens_a_note_and_i_does() {
    let mut app = long_thread();
    press(&mut app, "n");
    assert!(app.overlay.is_none(), "n is the next hit, not a new note");
    assert!(
        status(&app).starts_with("Nothing to find yet"),
        "{}",
        status(&app)
    );
    press(&mut app, "i");
    assert!(
        matches!(app.overlay, Some(Overlay::Note(_))),
        "i adds a note"
    );
    press(&mut app, "Esc");
    press(&mut app, "F");
    assert!(
        matches!(app.overlay, Some(Overlay::FirstName(_))),
        "F corrects the first name"
    );
}

#[test]
fn opening_an_all_mail_search_hit_finds_the_words_in_the_conversation() {
    let mut app = Fake::sample().into_app(100, 30);
    press(&mut app, "/");
    assert!(
        matches!(app.overlay, Some(Overlay::Search(_))),
        "the inbox searches all mail"
    );
    type_text(&mut app, "bowl");
    press(&mut app, "Enter");
    let Some(Screen::Conversation(c)) = app.screen() else {
        panic!("the hit opens")
    };
    assert_eq!(c.row.subject, "Chipped bowl");
    let find = app
        .active_find()
        .expect("the search words are found in the thread");
    assert_eq!(find.query, "bowl");
    // The owner's note above the thread ("Replacement bowl sent"), the body and the
    // attachment's name (bowl.jpg).
    assert!(status(&app).starts_with("hit 1 of 3"), "{}", status(&app));
    press(&mut app, "n");
    assert_eq!(status(&app), "hit 2 of 3");
}

#[test]
fn finds_in_the_help_and_in_the_customer_panel() {
    let mut app = Fake::sample().into_app(100, 20);
    press(&mut app, "?");
    press(&mut app, "/");
    type_text(&mut app, "mouse");
    press(&mut app, "Enter");
    assert!(
        matches!(app.overlay, Some(Overlay::Help { .. })),
        "help stays open"
    );
    let Some(Overlay::Help { scroll }) = app.overlay else {
        unreachable!()
    };
    assert!(scroll > 0, "the help scrolled to the hit");
    assert!(status(&app).starts_with("hit 1 of"), "{}", status(&app));
    press(&mut app, "Esc");

    // Maria's panel: the notes list finds within the notes.
    let mut f = Fake::sample();
    f.add(
        "Second order",
        &[MsgSpec {
            from_name: "Maria García",
            from: "maria@garcia.es",
            at: "2026-11-10T08:00:00Z",
            body: "A second vase, please.",
            shop: false,
        }],
        None,
        None,
    );
    let mut app = f.into_app(100, 30);
    press(&mut app, "6");
    let idx = app
        .inbox
        .rows
        .iter()
        .position(|r| r.subject == "Chipped bowl")
        .unwrap();
    for _ in 0..idx {
        press(&mut app, "j");
    }
    press(&mut app, "c");
    let sel = |app: &App| match app.screen() {
        Some(Screen::Customer(c)) => (
            c.info.conversations[c.selected_conversation]
                .subject
                .clone(),
            c.selected_conversation,
        ),
        other => panic!("expected the customer panel, got {other:?}"),
    };
    let (first, _) = sel(&app);
    let other = if first == "Chipped bowl" {
        "order"
    } else {
        "bowl"
    };
    press(&mut app, "/");
    type_text(&mut app, other);
    press(&mut app, "Enter");
    assert_ne!(sel(&app).0, first, "the selection moved to the hit");
    assert_eq!(status(&app), "hit 1 of 1");
}

/// The readline keys in each text field, from terminal key events.
#[test]
fn every_text_field_edits_with_readline_keys() {
    let ctrl = |c| key(KeyCode::Char(c), KeyModifiers::CONTROL);
    let alt = |c| key(KeyCode::Char(c), KeyModifiers::ALT);
    let mut app = Fake::sample().into_app(100, 30);
    let text = |app: &App| match &app.overlay {
        Some(Overlay::Search(s)) => s.input.text().to_string(),
        Some(Overlay::Note(n)) => n.input.text().to_string(),
        Some(Overlay::FirstName(n)) => n.input.text().to_string(),
        Some(Overlay::Snooze(m)) => m.typed.text().to_string(),
        _ => app
            .find
            .prompt
            .as_ref()
            .map(|p| p.input.text().to_string())
            .unwrap_or_default(),
    };
    // The all-mail search box.
    press(&mut app, "/");
    type_text(&mut app, "where is my parcel");
    send(&mut app, ctrl('w'));
    assert_eq!(text(&app), "where is my ");
    send(&mut app, alt('b'));
    send(&mut app, ctrl('u'));
    assert_eq!(text(&app), "my ");
    send(&mut app, ctrl('e'));
    type_text(&mut app, "vase");
    send(&mut app, ctrl('a'));
    type_text(&mut app, ">");
    assert_eq!(text(&app), ">my vase");
    // A-f goes to the start of the next word; C-k deletes from there.
    send(&mut app, alt('f'));
    send(&mut app, ctrl('k'));
    assert_eq!(text(&app), ">my ");
    press(&mut app, "Esc");
    // A new note.
    press(&mut app, "i");
    type_text(&mut app, "Prefers DHL");
    send(&mut app, ctrl('w'));
    send(&mut app, ctrl('y'));
    send(&mut app, key(KeyCode::Backspace, KeyModifiers::ALT));
    assert_eq!(text(&app), "Prefers ");
    press(&mut app, "Esc");
    // The first name.
    press(&mut app, "F");
    send(&mut app, ctrl('u'));
    assert_eq!(text(&app), "");
    type_text(&mut app, "Jo");
    assert_eq!(text(&app), "Jo");
    press(&mut app, "Esc");
    // The snooze dialog's "other" field.
    press(&mut app, "s");
    for _ in 0..10 {
        press(&mut app, "Down");
    }
    type_text(&mut app, "next monday 9");
    send(&mut app, ctrl('w'));
    assert_eq!(text(&app), "next monday ");
    press(&mut app, "Esc");
    // The find prompt in a conversation.
    press(&mut app, "Enter");
    press(&mut app, "/");
    type_text(&mut app, "old one");
    send(&mut app, key(KeyCode::Left, KeyModifiers::CONTROL));
    send(&mut app, ctrl('k'));
    assert_eq!(text(&app), "old ");
    press(&mut app, "Esc");
}

#[test]
fn a_click_selects_a_row_and_a_double_click_opens_it() {
    let mut app = Fake::sample().into_app(100, 30);
    let click = |app: &mut App, row: u16, at_ms: u64| {
        app.update(Action::Click {
            column: 30,
            row,
            at_ms,
        })
    };
    // The list starts under the tabs, the summary and the column header (row 3).
    let rows = screen_text(&render(&app, 100, 30));
    let third = rows.lines().nth(5).unwrap().to_string();
    click(&mut app, 5, 1_000);
    assert_eq!(app.inbox.selected, 2);
    let subject = app.inbox.selected_row().unwrap().subject.clone();
    assert!(third.contains(&subject), "row 5 shows {subject:?}: {third}");
    assert!(app.screen().is_none(), "one click only selects");
    // Too slow for a double click: selects again, opens nothing.
    click(&mut app, 5, 1_500);
    assert!(app.screen().is_none());
    // Another row in time is a new first click.
    click(&mut app, 4, 1_600);
    assert_eq!(app.inbox.selected, 1);
    assert!(app.screen().is_none());
    // Below the last row and on the header: nothing.
    click(&mut app, 25, 1_700);
    click(&mut app, 2, 1_800);
    assert_eq!(app.inbox.selected, 1);
    // A double click opens the row under it.
    click(&mut app, 3, 5_000);
    click(&mut app, 3, 5_250);
    let Some(Screen::Conversation(c)) = app.screen() else {
        panic!("a double click opens the conversation")
    };
    assert_eq!(c.row.subject, app.inbox.rows[0].subject);
}

/// The Rules screen of the demo store: `/` selects the matching rule, `n` wraps, a click
/// selects a row.
#[test]
fn finds_and_clicks_in_the_rules_list() {
    let (_dir, mut app) = ui_support::demo_app(100, 30);
    // In colour, so that the hit shows apart from the selected (reversed) row.
    app.options.color = true;
    press(&mut app, "R");
    let selected = |app: &App| match app.screen() {
        Some(Screen::Rules(s)) => (s.selected, s.rules.len()),
        other => panic!("expected the rules, got {other:?}"),
    };
    assert_eq!(selected(&app), (0, 2));
    press(&mut app, "/");
    type_text(&mut app, "bella");
    assert_eq!(selected(&app).0, 1, "selected while typing");
    press(&mut app, "Enter");
    assert_eq!(status(&app), "hit 1 of 1");
    let shown = marked(&app, 100, 30);
    assert!(shown.contains("everything from [bella]."), "{shown}");
    press(&mut app, "k");
    press(&mut app, "n");
    assert_eq!(selected(&app).0, 1, "n from the first row finds it again");
    // Clicks: row 1 is the first rule, row 2 the second, row 3 nothing.
    app.update(Action::Click {
        column: 10,
        row: 1,
        at_ms: 0,
    });
    assert_eq!(selected(&app).0, 0);
    app.update(Action::Click {
        column: 10,
        row: 3,
        at_ms: 5_000,
    });
    assert_eq!(selected(&app).0, 0);
    app.update(Action::Click {
        column: 10,
        row: 2,
        at_ms: 10_000,
    });
    assert_eq!(selected(&app).0, 1);
}

/// The customer panel: a click selects the conversation or note drawn under it (and moves the
/// focus to its list), a scrolled list stays put under the pointer, and a double click opens
/// the conversation or the note.
#[test]
fn clicks_in_the_customer_panel_select_and_open_conversations_and_notes() {
    use shopinbox::app::CustomerFocus;
    let mut f = Fake::empty();
    let dates: Vec<String> = (1..=12)
        .map(|d| format!("2026-11-{d:02}T09:00:00Z"))
        .collect();
    for (i, at) in dates.iter().enumerate() {
        f.add(
            &format!("Question {:02}", i + 1),
            &[MsgSpec {
                from_name: "Ann Lee",
                from: "ann@lee.example",
                at,
                body: "Hello",
                shop: false,
            }],
            Some("2026-11-20T16:00:00Z"),
            None,
        );
    }
    for (id, text) in [(1, "Prefers DHL"), (2, "Second note: gift wrap")] {
        f.notes.push(shopinbox::store::Note {
            id,
            customer_addr: "ann@lee.example".into(),
            text: text.into(),
            warning: false,
            created_at: ui_support::utc("2026-11-17T10:05:00Z"),
            updated_at: ui_support::utc("2026-11-17T10:05:00Z"),
        });
    }
    // 16 rows: the conversations list shows 8 rows (3..=10), the notes 3 (12..=14).
    let mut app = f.into_app(100, 16);
    press(&mut app, "c");
    let row_of = |app: &App, text: &str| -> u16 {
        let shown = screen_text(&render(app, 100, 16));
        let row = shown.lines().position(|l| l.contains(text));
        row.unwrap_or_else(|| panic!("{text:?} is not shown:\n{shown}")) as u16
    };
    let state = |app: &App| match app.screen() {
        Some(Screen::Customer(c)) => (
            c.focus,
            c.info.conversations[c.selected_conversation]
                .subject
                .clone(),
            c.selected_note,
        ),
        other => panic!("expected the customer panel, got {other:?}"),
    };
    let click = |app: &mut App, row: u16, at_ms: u64| {
        app.update(Action::Click {
            column: 40,
            row,
            at_ms,
        })
    };
    let fourth = row_of(&app, "Question 04");
    click(&mut app, fourth, 1_000);
    assert_eq!(state(&app).1, "Question 04");
    // Scroll down with the keys until the list has moved, then click its top row.
    for _ in 0..8 {
        press(&mut app, "j");
    }
    assert_eq!(state(&app).1, "Question 12");
    assert!(
        !screen_text(&render(&app, 100, 16)).contains("Question 01"),
        "the list scrolled"
    );
    let sixth = row_of(&app, "Question 06");
    click(&mut app, sixth, 5_000);
    assert_eq!(state(&app).1, "Question 06");
    assert_eq!(
        row_of(&app, "Question 06"),
        sixth,
        "the clicked row stays under the pointer"
    );
    click(&mut app, sixth, 5_200);
    let Some(Screen::Conversation(c)) = app.screen() else {
        panic!("a double click opens the conversation")
    };
    assert_eq!(c.row.subject, "Question 06");
    press(&mut app, "Esc");
    // The notes: a click selects one and moves the focus there; a double click opens it.
    let second = row_of(&app, "Second note");
    click(&mut app, second, 9_000);
    assert_eq!(
        state(&app),
        (CustomerFocus::Notes, "Question 06".to_string(), 1)
    );
    assert!(app.overlay.is_none(), "one click only selects");
    // The section titles are not rows: nothing happens there.
    let title = row_of(&app, "Notes (2)");
    click(&mut app, title, 12_000);
    assert_eq!(state(&app).2, 1);
    click(&mut app, second, 15_000);
    click(&mut app, second, 15_300);
    let Some(Overlay::Note(n)) = &app.overlay else {
        panic!("a double click opens the note, got {:?}", app.overlay)
    };
    assert_eq!(n.input.text(), "Second note: gift wrap");
    press(&mut app, "Esc");
    // Back on the conversations: a click there moves the focus back.
    let eighth = row_of(&app, "Question 08");
    click(&mut app, eighth, 20_000);
    assert_eq!(state(&app).0, CustomerFocus::Conversations);
    assert_eq!(state(&app).1, "Question 08");
}
