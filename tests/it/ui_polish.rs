//! Headless app tests for the polish of issue 14 (items 7, 9, 12, 13), driven through the real
//! key path (`press`: keymap or text input, then `update`) and checked on the drawn screen:
//! notes where they matter, dates with their year, status messages never cut, the statistics
//! in a shop owner's words.

use crate::ui_support;

use shopinbox::app::{Action, App, Effect, Screen};
use shopinbox::store::Note;
use ui_support::{demo_app, now, press, render, screen_text, type_text, utc, Fake, MsgSpec};

const JOHN_DEMO: &str = "Order #1042 shows delivered but nothing arrived";

fn screen(app: &App, width: u16, height: u16) -> String {
    screen_text(&render(app, width, height))
}

/// The drawn line that contains `needle` (the whole screen when none does, for the message).
fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is on the screen:\n{screen}"))
}

/// Moves the inbox selection to `subject` with j/g, as the owner would.
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
    panic!("{subject:?} is not in {:?}", app.view);
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn notes_badge_the_list_and_open_above_the_thread() {
    let mut fake = Fake::sample();
    // A warning note is a red flag already; it gets no calm notes badge of its own.
    fake.notes.push(Note {
        id: 50,
        customer_addr: "lea@martin.fr".into(),
        text: "Card declined twice".into(),
        warning: true,
        created_at: now(),
        updated_at: now(),
    });
    let mut app = fake.into_app(100, 30);
    let s = screen(&app, 100, 30);
    assert!(
        line_with(&s, "Chipped bowl").contains("✎ Chipped bowl"),
        "{s}"
    );
    let lea = line_with(&s, "Cancel my order please");
    assert!(lea.contains("⚠ WARNING") && !lea.contains('✎'), "{lea}");
    assert!(!line_with(&s, "Where is my package?").contains('✎'), "{s}");

    // i on a row adds a note about its customer; the badge follows at once.
    select(&mut app, "Where is my package? Order #1042");
    press(&mut app, "i");
    type_text(&mut app, "Prefers email, no calls");
    press(&mut app, "Enter");
    let s = screen(&app, 100, 30);
    assert!(
        line_with(&s, "Where is my package?").contains("✎ Where is my package?"),
        "{s}"
    );

    // Opening the conversation shows the note above the thread, before the first message.
    press(&mut app, "Enter");
    assert!(matches!(app.screen(), Some(Screen::Conversation(_))));
    let s = screen(&app, 100, 30);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines[2], "✎ Prefers email, no calls", "{s}");
    let note_at = s.find("✎ Prefers email").unwrap();
    let thread_at = s.find("● John Smith").unwrap();
    assert!(note_at < thread_at, "{s}");

    // A note added from the conversation shows there at once.
    press(&mut app, "i");
    type_text(&mut app, "Ships to the office");
    press(&mut app, "Enter");
    let s = screen(&app, 100, 30);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines[3], "✎ Ships to the office", "{s}");

    // The narrow terminal shows it too.
    app.update(Action::Resize {
        width: 60,
        height: 15,
    });
    press(&mut app, "g");
    let s = screen(&app, 60, 15);
    assert!(s.contains("✎ Prefers email, no calls"), "{s}");
}

#[test]
fn note_text_is_sanitized_wherever_it_shows() {
    let mut fake = Fake::sample();
    fake.notes.push(Note {
        id: 51,
        customer_addr: "john.smith@gmail.com".into(),
        text: "call\u{1b}[31m back\u{202e} later".into(),
        warning: false,
        created_at: now(),
        updated_at: now(),
    });
    let mut app = fake.into_app(100, 30);
    select(&mut app, "Where is my package? Order #1042");
    press(&mut app, "Enter");
    let buf = render(&app, 100, 30);
    let s = screen_text(&buf);
    assert!(s.contains("✎ call back later"), "{s}");
    for cell in buf.content() {
        assert!(
            !cell.symbol().contains('\u{1b}') && !cell.symbol().contains('\u{202e}'),
            "{s}"
        );
    }
}

#[test]
fn notes_show_beside_the_reply_preview() {
    let (_dir, mut app) = demo_app(100, 30);
    select(&mut app, JOHN_DEMO);
    press(&mut app, "i");
    type_text(&mut app, "Sent a replacement on 20 Nov");
    press(&mut app, "Enter");
    assert_eq!(press(&mut app, "r"), Effect::None);
    let Some(Screen::Templates(p)) = app.screen() else {
        panic!("the picker is open: {:?}", app.status);
    };
    assert_eq!(p.notes.len(), 1);
    let s = screen(&app, 100, 30);
    let notes_row = s
        .lines()
        .position(|l| l.contains("Notes:"))
        .unwrap_or_else(|| panic!("a Notes heading:\n{s}"));
    let text: String = s
        .lines()
        .skip(notes_row + 1)
        .take(3)
        .map(|l| l.split('│').nth(1).unwrap_or("").trim().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.starts_with("✎ Sent a replacement on 20 Nov"),
        "beside the preview: {text:?}\n{s}"
    );
    // The preview itself is still there, on the right of the same rows.
    assert!(s.contains("Preview: "), "{s}");
}

#[test]
fn received_dates_show_the_year_when_it_is_not_this_one() {
    let mut fake = Fake::sample();
    let c = |at| MsgSpec {
        from_name: "Old Customer",
        from: "old@example.org",
        at,
        body: "Still waiting for the catalogue.",
        shop: false,
    };
    fake.add(
        "Catalogue request",
        &[c("2025-11-22T10:00:00Z")],
        Some("2025-11-24T16:00:00Z"),
        None,
    );
    let mut app = fake.into_app(100, 30);
    let s = screen(&app, 100, 30);
    let row = line_with(&s, "Catalogue request");
    assert!(row.contains(" 22 Nov 2025 "), "the whole year: {row}");
    assert!(
        line_with(&s, "Where is my package?").contains("Wed 14:10"),
        "{s}"
    );
    // The header lines up with the column.
    let header = line_with(&s, "Received");
    assert_eq!(header.find("Received"), row.find("22 Nov 2025"), "{s}");

    // Narrow: month and year instead of a cut date.
    app.update(Action::Resize {
        width: 60,
        height: 15,
    });
    let s = screen(&app, 60, 15);
    assert!(line_with(&s, "Catalogue").contains("Nov'25"), "{s}");
    assert!(!s.contains(" 22 "), "no bare day number: {s}");

    // One duration style: the overdue badge reads in days and hours, not decimals.
    app.update(Action::Resize {
        width: 100,
        height: 30,
    });
    let late = shopinbox::human_time::duration(now() - utc("2025-11-24T16:00:00Z"));
    assert_eq!(late, "359d 17h");
    let s = screen(&app, 100, 30);
    assert!(
        line_with(&s, "Catalogue").starts_with(&format!("OVERDUE {late} ")),
        "{s}"
    );
}

/// The conversation's message headers read like the inbox: the year only when it is not the
/// current one (at the app's clock, not the wall clock).
#[test]
fn thread_headers_show_the_year_only_when_it_is_not_this_one() {
    let mut fake = Fake::sample();
    let m = |at, shop, body| MsgSpec {
        from_name: if shop { "Alphx" } else { "Old Customer" },
        from: if shop {
            "hello@alphx.shop"
        } else {
            "old@example.org"
        },
        at,
        body,
        shop,
    };
    fake.add(
        "Catalogue request",
        &[
            m(
                "2025-12-30T09:00:00Z",
                false,
                "Is there a printed catalogue?",
            ),
            m("2026-01-05T10:00:00Z", true, "Yes, it is in the post."),
            m("2026-11-18T08:00:00Z", false, "Still waiting for it."),
        ],
        Some("2026-11-19T16:00:00Z"),
        None,
    );
    let mut app = fake.into_app(100, 30);
    select(&mut app, "Catalogue request");
    press(&mut app, "Enter");
    assert!(matches!(app.screen(), Some(Screen::Conversation(_))));
    let s = screen(&app, 100, 30);
    // The whole thread is in view (line_with fails otherwise).
    line_with(&s, "Is there a printed");
    let headers: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with('●') || l.starts_with('◆'))
        .map(str::trim_end)
        .collect();
    assert_eq!(
        headers,
        [
            "● Old Customer <old@example.org> · Tue 30 Dec 2025 10:00",
            "◆ You (Alphx <hello@alphx.shop>) · Mon 5 Jan 11:00",
            "● Old Customer <old@example.org> · Wed 18 Nov 09:00",
        ],
        "{s}"
    );
}

#[test]
fn a_long_status_message_wraps_instead_of_being_cut() {
    let mut app = Fake::sample().into_app(100, 30);
    // Replying needs the store; the reason is a long sentence.
    press(&mut app, "r");
    let want = status(&app);
    assert!(want.len() > 100, "long enough to test: {want}");
    let s = screen(&app, 100, 30);
    let rows: Vec<&str> = s.lines().collect();
    let bottom = rows[rows.len() - 2..].join(" ");
    let words: Vec<&str> = want.split_whitespace().collect();
    let shown: Vec<&str> = bottom.split_whitespace().collect();
    for w in &words {
        assert!(shown.contains(w), "{w:?} is shown: {bottom:?}");
    }
    assert!(!bottom.contains('…'), "{bottom}");
    assert!(rows[rows.len() - 1].ends_with("? help"), "{s}");
    // The next key clears it and the bar is one row again.
    press(&mut app, "j");
    let s = screen(&app, 100, 30);
    assert!(!s.contains("Replying needs"), "{s}");
}

#[test]
fn templates_reloaded_counts_templates_not_mistakes() {
    let (dir, mut app) = demo_app(100, 30);
    let templates = dir.path().join("templates");
    shopinbox::template::install_starters(&templates).unwrap();
    select(&mut app, JOHN_DEMO);
    press(&mut app, "r");
    // E opens the selected template; meanwhile one file gets three mistakes.
    let Effect::EditTemplate(_) = press(&mut app, "E") else {
        panic!("E edits the template: {:?}", app.status);
    };
    std::fs::write(
        templates.join("zz-broken.txt"),
        "name: Broken one\n\nHi {frist_name},\n{ordr}\nthanks {sgnature}\n",
    )
    .unwrap();
    app.update(Action::TemplateEdited(Ok(())));
    let Some(Screen::Templates(p)) = app.screen() else {
        panic!("the picker stays open");
    };
    assert!(p.problems.len() >= 2, "several mistakes: {:?}", p.problems);
    assert_eq!(
        status(&app),
        "Templates reloaded; 1 template cannot be used (see the list)."
    );
}

#[test]
fn statistics_speak_a_shop_owners_language() {
    let (_dir, mut app) = demo_app(100, 30);
    press(&mut app, "T");
    let Some(Screen::Stats(st)) = app.screen() else {
        panic!("the statistics are open: {:?}", app.status);
    };
    let quiet_days = st.stats.per_day.iter().filter(|(_, n)| *n == 0).count();
    let s = screen(&app, 100, 30);
    for gone in ["One-touch", "decided", "(s)", "1 conversations"] {
        assert!(!s.contains(gone), "{gone:?} in\n{s}");
    }
    // The figures come from the screen's own statistics; the words must agree in number.
    let (one, decided) = (st.stats.one_touch, st.stats.one_touch_decided);
    let noun = if decided == 1 {
        "conversation"
    } else {
        "conversations"
    };
    let want = format!("{one} of {decided} answered {noun} (");
    assert!(
        line_with(&s, "Settled by one reply").contains(&want),
        "{want:?} in\n{s}"
    );
    // One line says what the two clocks mean, right under them.
    let rows: Vec<&str> = s.lines().collect();
    let business = rows
        .iter()
        .position(|l| l.trim_start().starts_with("business hours"))
        .unwrap();
    assert_eq!(
        rows[business + 1].trim(),
        "wall clock: all hours; business hours: opening hours only"
    );
    // The chart folds the quiet days into one mark instead of a bar per empty day.
    assert!(quiet_days >= 20, "the demo month is mostly quiet");
    assert!(
        s.contains(&format!("(most: 11; · = {quiet_days} quiet days)")),
        "{s}"
    );
    let labels = rows[rows.len() - 2];
    assert!(labels.split_whitespace().count() <= 6, "{labels:?}");
    assert!(!labels.contains("27 28 29"), "{labels}");
}

#[test]
fn a_long_thread_keeps_the_note_in_view_on_its_info_line() {
    let mut app = Fake::sample().into_app(80, 12);
    press(&mut app, "6");
    select(&mut app, "Chipped bowl");
    press(&mut app, "Enter");
    let Some(Screen::Conversation(c)) = app.screen() else {
        panic!("the conversation is open");
    };
    assert!(
        c.scroll > 0,
        "opens on the newest message, the thread top scrolled away"
    );
    let s = screen(&app, 80, 12);
    let lines: Vec<&str> = s.lines().collect();
    assert!(
        lines[1].starts_with("Maria García <maria@garcia.es> · 3 messages · ✎ Replacement bowl"),
        "{s}"
    );
    assert_eq!(
        s.matches("✎").count(),
        1,
        "the thread's own note line is scrolled away: {s}"
    );
    // Scrolling to the top shows the note above the thread as well.
    press(&mut app, "g");
    let s = screen(&app, 80, 12);
    assert_eq!(
        s.lines().nth(2),
        Some("✎ Replacement bowl sent 17 Nov"),
        "{s}"
    );
}

#[test]
fn bang_lists_recent_messages_whole_newest_first() {
    let mut app = Fake::sample().into_app(80, 30);
    press(&mut app, "r");
    let long = status(&app);
    assert!(long.len() > 80, "long enough to test: {long}");
    press(&mut app, "j");
    assert!(app.status.is_none());
    press(&mut app, "!");
    let s = screen(&app, 80, 30);
    assert!(s.contains("Messages, newest first"), "{s}");
    let shown: Vec<&str> = s.split_whitespace().collect();
    for w in long.split_whitespace() {
        assert!(shown.contains(&w), "{w:?} is shown whole:\n{s}");
    }
    assert!(!s.contains('…'), "nothing cut:\n{s}");
    for close in ["Esc", "!", "q"] {
        press(&mut app, close);
        assert!(app.overlay.is_none(), "{close} closes it");
        press(&mut app, "!");
    }
}

#[test]
fn tab_names_are_whole_at_80_columns_and_the_thread_shows_its_keys() {
    for (w, h) in [(80u16, 24u16), (100, 30)] {
        let (_dir, mut app) = demo_app(w, h);
        for _ in 0..10 {
            let s = screen(&app, w, h);
            let bar = s.lines().next().unwrap_or_default();
            let scrolled = bar.contains('‹') || bar.contains('›');
            for name in [
                "Needs reply",
                "Overdue",
                "Due today",
                "Answered",
                "Not customers",
            ] {
                assert!(bar.contains(name) || scrolled, "{name} whole at {w}: {bar}");
            }
            let words: Vec<&str> = bar.split_whitespace().collect();
            for (i, word) in words.iter().enumerate() {
                assert!(!["Late", "Done", "Later"].contains(word), "{bar}");
                if *word == "Not" {
                    assert_eq!(words.get(i + 1), Some(&"customers"), "{bar}");
                }
            }
            press(&mut app, "Tab");
        }
    }
    let mut app = Fake::sample().into_app(80, 24);
    press(&mut app, "Enter");
    let s = screen(&app, 80, 24);
    let hints = s.lines().rev().nth(1).unwrap_or_default();
    assert!(
        hints.contains("r reply") && hints.contains("Esc back"),
        "{s}"
    );
    assert!(hints.contains("? all keys"), "{hints}");
}
