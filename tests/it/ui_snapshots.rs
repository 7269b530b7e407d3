//! Snapshot tests of every screen at a fixed `now`, wide and at the 60x15 minimum, plus
//! checks that colour follows NO_COLOR and that no control character from a message ever
//! reaches a buffer cell.

use crate::ui_support;

use insta::assert_snapshot;
use ratatui::style::Color;
use shopinbox::app::{Action, App, AppOptions, Command, InputKey};
use shopinbox::mail::{Address, Attachment};
use ui_support::{demo_app, now, render, screen_text, Fake, MsgSpec};

fn cmd(app: &mut App, c: Command) {
    app.update(Action::Command(c));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(InputKey::Char(c)));
    }
}

fn shot(app: &App, w: u16, h: u16) -> String {
    screen_text(&render(app, w, h))
}

/// Every screen of the app, driven by actions, at one terminal size.
fn all_screens(w: u16, h: u16) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut app = Fake::sample().into_app(w, h);
    out.push(("inbox", shot(&app, w, h)));
    for (name, view) in [
        ("overdue", Command::ViewOverdue),
        ("due_today", Command::ViewDueToday),
        ("answered", Command::ViewAnswered),
        ("not_customers", Command::ViewNotCustomer),
        ("all", Command::ViewAll),
    ] {
        cmd(&mut app, view);
        out.push((name, shot(&app, w, h)));
    }
    cmd(&mut app, Command::ViewNeedsReply);
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Open);
    cmd(&mut app, Command::Top);
    out.push(("conversation", shot(&app, w, h)));
    cmd(&mut app, Command::ToggleQuoted);
    out.push(("conversation_quoted", shot(&app, w, h)));
    cmd(&mut app, Command::Customer);
    out.push(("customer", shot(&app, w, h)));
    cmd(&mut app, Command::AddNote);
    typed(&mut app, "Prefers DHL");
    out.push(("note_editor", shot(&app, w, h)));
    app.update(Action::Input(InputKey::Cancel));
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::NotCustomer);
    out.push(("not_customer_menu", shot(&app, w, h)));
    app.update(Action::Input(InputKey::Cancel));
    cmd(&mut app, Command::Snooze);
    out.push(("snooze_menu", shot(&app, w, h)));
    app.update(Action::Input(InputKey::Cancel));
    cmd(&mut app, Command::Search);
    typed(&mut app, "order");
    out.push(("search", shot(&app, w, h)));
    app.update(Action::Input(InputKey::Cancel));
    cmd(&mut app, Command::Help);
    out.push(("help", shot(&app, w, h)));
    out
}

#[test]
fn screens_at_100x30() {
    for (name, text) in all_screens(100, 30) {
        assert_snapshot!(format!("wide_{name}"), text);
    }
}

#[test]
fn screens_at_60x15() {
    for (name, text) in all_screens(60, 15) {
        assert_snapshot!(format!("narrow_{name}"), text);
    }
}

/// The demo shop at a fixed moment: its inbox, the reply picker and confirm screen for the
/// customer whose parcel went missing, and the statistics.
fn demo_screens(w: u16, h: u16) -> Vec<(&'static str, String)> {
    let (_dir, mut app) = demo_app(w, h);
    let mut out = vec![("demo_inbox", shot(&app, w, h))];
    cmd(&mut app, Command::Top);
    while app
        .inbox
        .selected_row()
        .is_some_and(|r| !r.subject.starts_with("Order #1042"))
    {
        let before = app.inbox.selected;
        cmd(&mut app, Command::Down);
        assert_ne!(
            before, app.inbox.selected,
            "the #1042 conversation is in the demo"
        );
    }
    cmd(&mut app, Command::Reply);
    out.push(("demo_reply_picker", shot(&app, w, h)));
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Down);
    out.push(("demo_reply_picker_third", shot(&app, w, h)));
    cmd(&mut app, Command::Top);
    cmd(&mut app, Command::Open);
    out.push(("demo_reply_confirm", shot(&app, w, h)));
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Stats);
    out.push(("demo_stats", shot(&app, w, h)));
    cmd(&mut app, Command::Back);
    // Issue 27: the demo's finished campaign, then its customers.
    cmd(&mut app, Command::Outreach);
    out.push(("demo_outreach", shot(&app, w, h)));
    cmd(&mut app, Command::NextFocus);
    cmd(&mut app, Command::Down);
    out.push(("demo_outreach_customers", shot(&app, w, h)));
    cmd(&mut app, Command::Open);
    out.push(("demo_outreach_preview", shot(&app, w, h)));
    out
}

#[test]
fn demo_screens_at_100x30() {
    for (name, text) in demo_screens(100, 30) {
        assert_snapshot!(format!("wide_{name}"), text);
    }
}

#[test]
fn demo_screens_at_60x15() {
    for (name, text) in demo_screens(60, 15) {
        assert_snapshot!(format!("narrow_{name}"), text);
    }
}

#[test]
fn tiny_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (10, 3), (20, 5), (59, 14), (0, 0)] {
        let screens = all_screens(w, h);
        assert!(!screens.is_empty());
        let screens = demo_screens(w, h);
        assert!(!screens.is_empty());
    }
}

fn cell_fg_of(app: &App, w: u16, h: u16, needle: &str) -> Color {
    let buf = render(app, w, h);
    let text = screen_text(&buf);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .expect("row on screen");
    let x = line
        .find(needle)
        .map(|b| line[..b].chars().count())
        .unwrap_or(0);
    buf[(x as u16, y as u16)].fg
}

#[test]
fn overdue_is_red_with_colour_and_plain_with_no_color() {
    let mut coloured = Fake::sample().into_app(100, 30);
    coloured.options.color = true;
    // Move the selection off the overdue row so its own colour shows.
    cmd(&mut coloured, Command::Down);
    assert_eq!(
        cell_fg_of(&coloured, 100, 30, "Where is my package"),
        Color::Red
    );
    assert_eq!(
        cell_fg_of(&coloured, 100, 30, "Cancel my order"),
        Color::Yellow,
        "due within the hour"
    );
    let mut plain = Fake::sample().into_app(100, 30);
    plain.options.color = false;
    cmd(&mut plain, Command::Down);
    assert_eq!(
        cell_fg_of(&plain, 100, 30, "Where is my package"),
        Color::Reset
    );
}

const HOSTILE: &[&str] = &[
    "\u{1b}[2J\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;pwned\u{7}title",
    "c1\u{9b}31mcsi\u{85}nel\u{9d}osc",
    "bidi \u{202e}evil\u{202c} \u{2066}iso\u{2069} \u{200f}rlm",
    "bell\u{7} nul\u{0} del\u{7f} bs\u{8}",
    "cr\rlf",
];

fn hostile_app() -> App {
    let mut fake = Fake::empty();
    for (i, h) in HOSTILE.iter().enumerate() {
        let from = format!("evil{i}@example.com");
        let body = format!("{h}\n> quoted {h}\n{h}\n-- \nsig {h}");
        let id = fake.add(
            &format!("subject {h}"),
            &[MsgSpec {
                from_name: h,
                from: &from,
                at: "2026-11-19T08:00:00Z",
                body: &body,
                shop: false,
            }],
            Some("2026-11-19T16:00:00Z"),
            None,
        );
        let conv = fake.convs.iter_mut().find(|c| c.row.id == id).unwrap();
        conv.row.customer_name = Some(h.to_string());
        conv.row.customer_addr = format!("{h}@example.com");
        for m in &mut conv.messages {
            m.attachments.push(Attachment {
                name: h.to_string(),
                mime: h.to_string(),
                size: 10,
            });
            m.problems.push(h.to_string());
            m.from = Some(Address {
                name: Some(h.to_string()),
                addr: format!("{h}@x"),
            });
        }
        fake.notes.push(shopinbox::store::Note {
            id: 100 + i as i64,
            customer_addr: format!("{h}@example.com"),
            text: h.to_string(),
            created_at: now(),
            updated_at: now(),
            warning: false,
        });
    }
    fake.into_app(100, 30)
}

fn assert_clean(app: &App, w: u16, h: u16, screen: &str) {
    let buf = render(app, w, h);
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            for c in sym.chars() {
                let bad = c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}');
                assert!(
                    !bad,
                    "{screen}: control {c:?} in cell ({x},{y}):\n{}",
                    screen_text(&buf)
                );
            }
        }
    }
}

#[test]
fn no_control_character_reaches_any_cell() {
    let mut app = hostile_app();
    assert_clean(&app, 100, 30, "inbox");
    cmd(&mut app, Command::ViewAll);
    for i in 0..HOSTILE.len() {
        cmd(&mut app, Command::Top);
        for _ in 0..i {
            cmd(&mut app, Command::Down);
        }
        assert_clean(&app, 100, 30, "all");
        cmd(&mut app, Command::Open);
        assert_clean(&app, 100, 30, "conversation");
        cmd(&mut app, Command::ToggleQuoted);
        assert_clean(&app, 100, 30, "conversation quoted");
        cmd(&mut app, Command::Customer);
        assert_clean(&app, 100, 30, "customer");
        cmd(&mut app, Command::NextFocus);
        assert_clean(&app, 100, 30, "customer notes");
        cmd(&mut app, Command::Back);
        cmd(&mut app, Command::Back);
        cmd(&mut app, Command::NotCustomer);
        assert_clean(&app, 100, 30, "not-customer menu");
        app.update(Action::Input(InputKey::Cancel));
    }
    cmd(&mut app, Command::Search);
    typed(&mut app, "subject");
    assert_clean(&app, 100, 30, "search");
}

#[test]
fn help_lists_every_key_of_the_keymap() {
    let mut cfg = std::collections::BTreeMap::new();
    cfg.insert("quit".to_string(), vec!["Q".to_string()]);
    let options = AppOptions {
        keymap: shopinbox::app::Keymap::from_config(&cfg).unwrap(),
        color: false,
        fixed_now: Some(now()),
        ..AppOptions::default()
    };
    // Tall enough for the whole help (the commands, the text-field keys, the mouse).
    let mut app = App::new(Box::new(Fake::sample()), options, now(), 100, 74);
    cmd(&mut app, Command::Help);
    let text = shot(&app, 100, 74);
    for c in Command::ALL {
        assert!(text.contains(c.description()), "help lacks {:?}", c);
    }
    assert!(
        text.lines().any(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.windows(3).any(|w| w == ["Q", "quit", "back;"])
        }),
        "remapped key shown with the action's config name:\n{text}"
    );
}

/// Selects the first inbox row whose subject starts with `prefix`.
fn select_subject(app: &mut App, prefix: &str) {
    cmd(app, Command::Top);
    while app
        .inbox
        .selected_row()
        .is_some_and(|r| !r.subject.starts_with(prefix))
    {
        let before = app.inbox.selected;
        cmd(app, Command::Down);
        assert_ne!(before, app.inbox.selected, "{prefix} is in the demo");
    }
}

/// The demo's flags that warn: a suspicious sender, a possible duplicate order (with its
/// reply and "not a duplicate"), and a bounced reply, each explained in one line.
#[test]
fn demo_warnings_at_100x30() {
    let (w, h) = (100, 30);
    let (_dir, mut app) = demo_app(w, h);

    select_subject(&mut app, "Order #1050");
    let text = shot(&app, w, h);
    assert!(text.contains("⚠ SUSPICIOUS Order #1050"), "{text}");
    assert_snapshot!("wide_demo_suspicious_selected", text);
    cmd(&mut app, Command::Open);
    assert_snapshot!("wide_demo_suspicious_conversation", shot(&app, w, h));
    cmd(&mut app, Command::Reply);
    let text = shot(&app, w, h);
    assert!(text.contains("⚠ SUSPICIOUS: a link's domain"), "{text}");
    assert_snapshot!("wide_demo_suspicious_reply_picker", text);
    cmd(&mut app, Command::Open);
    let text = shot(&app, w, h);
    assert!(
        text.contains("── ⚠ SUSPICIOUS: a link's domain alphx-shop.refund-center.example imitates"),
        "{text}"
    );
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Back);

    // "This sender is fine" takes the badge away; u brings it back.
    cmd(&mut app, Command::NotSuspicious);
    let text = shot(&app, w, h);
    assert!(
        text.contains(
            "support-desk@refund-center.example is fine: their mail is no longer flagged suspicious."
        ),
        "{text}"
    );
    assert!(!text.contains("⚠ SUSPICIOUS Order #1050"), "{text}");
    cmd(&mut app, Command::Undo);
    let text = shot(&app, w, h);
    assert!(text.contains("⚠ SUSPICIOUS Order #1050"), "{text}");
    assert!(text.contains("checked for fraud again"), "{text}");
    // Not on a conversation without the flag.
    select_subject(&mut app, "Possible duplicate order");
    cmd(&mut app, Command::NotSuspicious);
    assert!(shot(&app, w, h).contains("This conversation is not flagged suspicious."));

    select_subject(&mut app, "Gift message");
    cmd(&mut app, Command::Open);
    // The thread opens at the bounce; the status line says what it means.
    let text = shot(&app, w, h);
    assert!(
        text.contains(
            "⚠ BOUNCED: your reply to sarah.kowalski@gmial.com bounced: address does not exist"
        ),
        "{text}"
    );
    assert_snapshot!("wide_demo_bounced_conversation", text);
    // At the top of the thread, the whole warning with the suggested correction.
    cmd(&mut app, Command::Top);
    let text = shot(&app, w, h);
    assert!(
        text.contains("address does not exist; did you mean")
            && text.contains("sarah.kowalski@gmail.com?"),
        "{text}"
    );
    assert_snapshot!("wide_demo_bounced_conversation_top", text);
    cmd(&mut app, Command::Back);

    select_subject(&mut app, "Possible duplicate order #1047 / #1048");
    cmd(&mut app, Command::Open);
    assert_snapshot!("wide_demo_duplicate_conversation", shot(&app, w, h));
    cmd(&mut app, Command::Reply);
    let text = shot(&app, w, h);
    assert!(
        text.contains("Preview: Duplicate order - cancel the extra one"),
        "opens on it:\n{text}"
    );
    assert!(text.contains("Reply to JANE DOE"), "{text}");
    assert!(text.contains("#1047"), "{text}");
    assert_snapshot!("wide_demo_duplicate_reply_picker", text);
    cmd(&mut app, Command::Back);
    cmd(&mut app, Command::Back);

    // "Not a duplicate" takes it out of Needs reply (Jane's own question stays); u undoes.
    let before = app.counts.needs_reply;
    cmd(&mut app, Command::NotDuplicate);
    let text = shot(&app, w, h);
    assert!(
        text.contains("Not a duplicate: both orders stand."),
        "{text}"
    );
    assert!(!text.contains("⚠ DUPLICATE?"), "{text}");
    assert_eq!(
        app.counts.needs_reply, before,
        "Jane's own mail still waits"
    );
    cmd(&mut app, Command::Undo);
    assert!(shot(&app, w, h).contains("⚠ DUPLICATE?"));

    // The customer panel lists the orders; a warning note (↑ in the note editor) puts a red
    // badge on the customer's conversations.
    select_subject(&mut app, "Possible duplicate order");
    cmd(&mut app, Command::Customer);
    let text = shot(&app, w, h);
    assert!(
        text.contains("Orders (2)") && text.contains("#1048"),
        "{text}"
    );
    cmd(&mut app, Command::AddNote);
    typed(&mut app, "card declined twice");
    app.update(Action::Input(InputKey::Up));
    assert!(shot(&app, w, h).contains("New note · ⚠ WARNING"));
    app.update(Action::Input(InputKey::Submit));
    let text = shot(&app, w, h);
    assert!(text.contains("⚠ card declined twice"), "{text}");
    assert_snapshot!("wide_demo_customer_orders_and_warning", text);
    cmd(&mut app, Command::Back);
    let text = shot(&app, w, h);
    assert!(
        text.contains("⚠ WARNING+1 Possible duplicate order"),
        "{text}"
    );
    assert!(text.contains("⚠ WARNING: card declined twice"), "{text}");
}

/// A returning demo customer: the customer panel (c) lists her conversations over months,
/// the one waiting now first.
#[test]
fn demo_customer_history_at_100x30() {
    let (w, h) = (100, 30);
    let (_dir, mut app) = demo_app(w, h);
    select_subject(&mut app, "Chipped rim on the Fjord bowl");
    cmd(&mut app, Command::Customer);
    let text = shot(&app, w, h);
    assert!(text.contains("Is the Fjord glaze food safe?"), "{text}");
    assert!(text.contains("Six Fjord bowls as gifts"), "{text}");
    assert_snapshot!("wide_demo_customer_history", text);
}
