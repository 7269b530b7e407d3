//! Bulk actions, headless: marks made through the real key path (Space, v, remapped keys) on
//! the demo store, then answered, snoozed or kept out as not customers together, and one `u`
//! that takes the whole action back. Snapshots show the marks and the bulk menus.

use crate::ui_support;

use insta::assert_snapshot;
use shopinbox::app::{App, AppOptions, Effect, Keymap, Overlay, Screen};
use shopinbox::store::View;
use std::collections::{BTreeMap, BTreeSet};
use ui_support::{demo_now, press, render, screen_text};

fn shot(app: &App, w: u16, h: u16) -> String {
    screen_text(&render(app, w, h))
}

/// The demo at [`demo_now`] with a `[keys]` table applied, as `shopinbox demo --config`.
fn demo_with_keys(keys: &[(&str, &[&str])]) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        shopinbox::demo::build_demo_store(dir.path(), shopinbox::clock::Clock::fixed(demo_now()))
            .unwrap();
    let table: BTreeMap<String, Vec<String>> = keys
        .iter()
        .map(|(a, ks)| (a.to_string(), ks.iter().map(|k| k.to_string()).collect()))
        .collect();
    let app = App::new(
        Box::new(store),
        AppOptions {
            keymap: Keymap::from_config(&table).unwrap(),
            color: false,
            fixed_now: Some(demo_now()),
            demo: true,
            ..AppOptions::default()
        },
        demo_now(),
        100,
        30,
    );
    (dir, app)
}

fn demo() -> (tempfile::TempDir, App) {
    demo_with_keys(&[])
}

/// The ids of the first `n` rows of the current view.
fn first_ids(app: &App, n: usize) -> BTreeSet<i64> {
    app.inbox.rows.iter().take(n).map(|r| r.id).collect()
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn space_marks_rows_and_the_status_bar_counts_them() {
    let (_dir, mut app) = demo();
    let want = first_ids(&app, 3);
    for _ in 0..3 {
        press(&mut app, "Space");
    }
    assert_eq!(app.selection.marked, want);
    // The cursor moved on with each mark.
    assert_eq!(app.inbox.selected, 3);
    let text = shot(&app, 100, 30);
    assert!(text.contains("3 selected"), "{text}");
    assert_eq!(
        text.matches("│* ").count() + text.matches("\n* ").count(),
        3,
        "{text}"
    );
    assert_snapshot!("wide_bulk_marked", text);
    // Space on a marked row unmarks it.
    press(&mut app, "k");
    press(&mut app, "Space");
    assert_eq!(app.selection.marked.len(), 2);
    // Esc clears the selection, and the list stays where it is.
    press(&mut app, "Esc");
    assert!(app.selection.is_empty());
    assert!(!shot(&app, 100, 30).contains("selected"));
    assert!(app.stack.is_empty());
}

#[test]
fn v_marks_a_range_in_either_direction() {
    let (_dir, mut app) = demo();
    press(&mut app, "j");
    press(&mut app, "j");
    press(&mut app, "j");
    press(&mut app, "v");
    press(&mut app, "k");
    press(&mut app, "k");
    // While the range is open its rows show as marked.
    let text = shot(&app, 100, 30);
    assert!(text.contains("3 selected"), "{text}");
    assert_snapshot!("wide_bulk_range", text);
    press(&mut app, "v");
    let want: BTreeSet<i64> = app.inbox.rows[1..=3].iter().map(|r| r.id).collect();
    assert_eq!(app.selection.marked, want);
    assert_eq!(app.selection.anchor, None);
    // A second range adds to the marks.
    press(&mut app, "G");
    press(&mut app, "v");
    press(&mut app, "v");
    assert_eq!(app.selection.marked.len(), 4);
}

#[test]
fn answered_applies_to_every_marked_row_and_one_u_undoes_all() {
    let (_dir, mut app) = demo();
    let before = app.counts.needs_reply;
    let ids = first_ids(&app, 3);
    for _ in 0..3 {
        press(&mut app, "Space");
    }
    press(&mut app, "a");
    assert_eq!(app.counts.needs_reply, before - 3, "{}", status(&app));
    assert!(status(&app).contains("3 conversations"), "{}", status(&app));
    assert!(app.selection.is_empty());
    for id in &ids {
        let row = app.data.conversation(*id).unwrap().unwrap();
        assert!(row.manual_answered_at.is_some());
    }
    press(&mut app, "u");
    assert_eq!(app.counts.needs_reply, before, "{}", status(&app));
    for id in &ids {
        let row = app.data.conversation(*id).unwrap().unwrap();
        assert_eq!(row.manual_answered_at, None);
    }
    assert!(app.undo.is_empty());
}

#[test]
fn snooze_asks_first_when_one_is_overdue_then_snoozes_all() {
    let (_dir, mut app) = demo();
    assert!(app.counts.overdue > 0, "the demo's first rows are overdue");
    let before = app.counts.needs_reply;
    for _ in 0..2 {
        press(&mut app, "Space");
    }
    press(&mut app, "s");
    let Some(Overlay::Snooze(m)) = &app.overlay else {
        panic!("no snooze box")
    };
    assert_eq!(m.bulk.len(), 2);
    assert!(m.overdue);
    let text = shot(&app, 100, 30);
    assert!(text.contains("Snooze 2 conversations until"), "{text}");
    assert_snapshot!("wide_bulk_snooze_menu", text);
    press(&mut app, "Enter");
    assert!(app.overlay.is_some(), "the first Enter only asks");
    press(&mut app, "Enter");
    assert!(app.overlay.is_none());
    assert_eq!(app.counts.needs_reply, before - 2);
    assert_eq!(app.counts.snoozed, 2);
    // The same date style as one snooze: no year while it is this one.
    let said = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(
        said.starts_with("Snoozed 2 conversations until ") && !said.contains("2026"),
        "{said}"
    );
    press(&mut app, "u");
    assert_eq!(app.counts.needs_reply, before);
    assert_eq!(app.counts.snoozed, 0);
}

#[test]
fn not_customer_offers_sender_choices_for_several_and_undoes_in_one_step() {
    let (_dir, mut app) = demo();
    let before = app.counts.needs_reply;
    let senders: BTreeSet<String> = app.inbox.rows[..2]
        .iter()
        .map(|r| r.customer_addr.to_lowercase())
        .collect();
    press(&mut app, "Space");
    press(&mut app, "Space");
    press(&mut app, "x");
    let Some(Overlay::NotCustomer { choices, .. }) = &app.overlay else {
        panic!("no not-a-customer menu")
    };
    let labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
    assert!(labels.contains(&"these messages only (2)"), "{labels:?}");
    let sender_label = format!("everything from these {} senders", senders.len());
    assert!(labels.contains(&sender_label.as_str()), "{labels:?}");
    assert_snapshot!("wide_bulk_not_customer_menu", shot(&app, 100, 30));
    // `s` picks the sender choice, as in the menu for one conversation.
    press(&mut app, "s");
    assert!(app.overlay.is_none());
    let rules = app.data.rules().unwrap();
    let values: BTreeSet<String> = rules.iter().map(|r| r.value.clone()).collect();
    for s in &senders {
        assert!(values.contains(s), "{s} has no rule: {values:?}");
    }
    assert!(app.counts.needs_reply <= before - 2);
    press(&mut app, "u");
    assert_eq!(app.counts.needs_reply, before, "{}", status(&app));
    let after: Vec<String> = app
        .data
        .rules()
        .unwrap()
        .into_iter()
        .map(|r| r.value)
        .collect();
    for s in &senders {
        assert!(!after.contains(s), "{s} still has a rule");
    }
}

#[test]
fn marks_end_with_the_view_and_keys_keep_their_meaning_elsewhere() {
    let (_dir, mut app) = demo();
    press(&mut app, "Space");
    press(&mut app, "Tab");
    assert!(app.selection.is_empty(), "another view starts unmarked");
    assert_ne!(app.view, View::NeedsReply);
    press(&mut app, "1");
    // In a conversation, v opens the pager and Space pages, as before.
    press(&mut app, "Enter");
    assert!(matches!(app.screen(), Some(Screen::Conversation(_))));
    let effect = press(&mut app, "v");
    assert!(matches!(effect, Effect::OpenRaw { .. }), "{effect:?}");
    press(&mut app, "Space");
    assert!(app.selection.is_empty());
}

#[test]
fn marking_keys_follow_the_keys_table() {
    let (_dir, mut app) = demo_with_keys(&[("toggle_mark", &["t"]), ("select_range", &["V"])]);
    let want = first_ids(&app, 1);
    press(&mut app, "t");
    assert_eq!(app.selection.marked, want);
    // Space is page down again, and v the pager, once their list meaning moved elsewhere.
    let effect = press(&mut app, "v");
    assert!(matches!(effect, Effect::OpenRaw { .. }), "{effect:?}");
    press(&mut app, "V");
    press(&mut app, "j");
    press(&mut app, "V");
    assert_eq!(app.selection.marked.len(), 3);
    let before = app.inbox.selected;
    press(&mut app, "Space");
    assert!(app.inbox.selected > before, "Space pages down");
    assert_eq!(app.selection.marked.len(), 3);
    // The help lists the remapped keys.
    press(&mut app, "?");
    let text = shot(&app, 100, 60);
    assert!(
        text.lines()
            .any(|l| l.contains(" t  toggle_mark ") && l.contains("inbox list: mark/unmark")),
        "{text}"
    );
}
