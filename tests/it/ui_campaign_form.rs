//! Issue 27, point 2 on the Outreach screen: `C` opens the form for a new campaign; the
//! template is chosen from the configured ones, the customers by when they ordered, an item,
//! order numbers or addresses; Enter shows how many match and who is set aside for a personal
//! reply, Enter again saves the draft. Each kind of selection makes exactly the draft
//! `shopinbox notify new` makes for it (checked against the real binary on the same demo).

use crate::ui_support;

use insta::assert_snapshot;
use shopinbox::app::{App, Overlay, Screen};
use shopinbox::store::outreach::CampaignState;
use ui_support::{demo_app, demo_now, press, render, screen_text, type_text};

/// The form's fields below the template, in order.
#[derive(Clone, Copy)]
enum Field {
    From = 1,
    Until,
    Item,
    Orders,
    Addresses,
}

fn form(app: &App) -> &shopinbox::app::campaign_form::CampaignForm {
    match &app.overlay {
        Some(Overlay::NewCampaign(f)) => f,
        other => panic!("the form is not open: {other:?}"),
    }
}

/// Opens the form from the inbox (`O`, then `C`) and chooses `template` with Right.
fn open_form(app: &mut App, template: &str) {
    press(app, "O");
    press(app, "C");
    for _ in 0..form(app).templates.len() {
        if form(app).choice().unwrap().base == template {
            return;
        }
        press(app, "Right");
    }
    panic!("no template {template}");
}

/// Types `text` into `field` (Tab moves down from the template, Up moves back).
fn fill(app: &mut App, field: Field, text: &str) {
    while form(app).focus != field as usize {
        press(app, "Tab");
    }
    type_text(app, text);
}

/// One campaign's customers as `notify new` lists them: (address, version, order numbers) of
/// those who get the notice, then the addresses set aside; each sorted (the store reads them
/// back in its own order).
type Listing = (Vec<(String, String, String)>, Vec<String>);

fn listing_of_cli(out: &str) -> (String, Listing) {
    let name = out
        .lines()
        .next()
        .and_then(|l| l.split('"').nth(1))
        .expect("the campaign's name")
        .to_string();
    let mut going = Vec::new();
    let mut held = Vec::new();
    let mut section = 0;
    for l in out.lines() {
        if l.contains("get the notice:") || l.contains("gets the notice:") {
            section = 1;
        } else if l.contains("to write to yourself") {
            section = 2;
        } else if let Some(row) = l.strip_prefix("  ") {
            let mut words = row.split_whitespace();
            let addr = words.next().unwrap_or_default().to_string();
            match section {
                1 => {
                    let version = words.next().unwrap_or_default().to_string();
                    let orders = words.collect::<Vec<_>>().join(" ");
                    going.push((addr, version, orders));
                }
                2 => held.push(addr),
                _ => {}
            }
        } else if l.is_empty() && section == 1 {
            section = 0;
        }
    }
    going.sort();
    held.sort();
    (name, (going, held))
}

fn listing_of_store(dir: &std::path::Path, id: i64) -> (String, String, Listing) {
    let store = ui_support::demo_store(dir);
    let c = store.campaign(id).unwrap().expect("the campaign");
    assert_eq!(c.state, CampaignState::Draft);
    let mut going = Vec::new();
    let mut held = Vec::new();
    for r in store.campaign_recipients(id).unwrap() {
        match r.held {
            // The shipping-delay template has every language's version, so the version
            // `notify new` names is the customer's language.
            None => going.push((
                r.addr,
                r.language,
                r.orders
                    .iter()
                    .map(|o| format!("#{o}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            Some(_) => held.push(r.addr),
        }
    }
    going.sort();
    held.sort();
    (c.name, c.template, (going, held))
}

fn notify_new(args: &[&str]) -> String {
    let now = demo_now().to_rfc3339();
    let mut all = vec!["--demo", "--now", now.as_str(), "notify", "new"];
    all.extend_from_slice(args);
    let out = assert_cmd::Command::cargo_bin("shopinbox")
        .unwrap()
        .args(&all)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// Every kind of selection, through the keys, against `notify new` with the same choice.
#[test]
fn each_selection_kind_makes_the_draft_notify_new_makes() {
    type Fill<'a> = &'a [(Field, &'a str)];
    let cases: &[(&str, Fill, &[&str])] = &[
        (
            "window",
            &[(Field::From, "8 weeks ago"), (Field::Until, "3 weeks ago")],
            &["--from", "8 weeks ago", "--until", "3 weeks ago"],
        ),
        ("item", &[(Field::Item, "mug")], &["--item", "mug"]),
        (
            "orders",
            &[(Field::Orders, "904, #907 908")],
            &["--order", "904", "--order", "#907", "--order", "908"],
        ),
        (
            "addresses",
            &[(
                Field::Addresses,
                "priya.raman@protonmail.com new.customer@example.org",
            )],
            &[
                "--address",
                "priya.raman@protonmail.com",
                "--address",
                "new.customer@example.org",
            ],
        ),
    ];
    for (kind, fields, flags) in cases {
        let (dir, mut app) = demo_app(100, 30);
        open_form(&mut app, "shipping-delay");
        for (field, text) in fields.iter() {
            fill(&mut app, *field, text);
        }
        press(&mut app, "Enter");
        let checked = screen_text(&render(&app, 100, 30));
        assert!(
            form(&app).plan.is_some(),
            "{kind}: the check found customers\n{checked}"
        );
        assert!(checked.contains("the notice"), "{kind}\n{checked}");
        press(&mut app, "Enter");
        assert!(app.overlay.is_none(), "{kind}: the draft is saved");
        // The demo's own campaign is 1; the new one is 2, shown with its customers.
        let Some(Screen::Outreach(s)) = app.stack.last() else {
            panic!("{kind}: back on the Outreach screen");
        };
        assert_eq!(s.campaign().map(|c| c.id), Some(2), "{kind}");
        assert!(s.on_recipients, "{kind}: its customers have the focus");
        let shown = screen_text(&render(&app, 100, 30));
        assert!(shown.contains("saved as a draft"), "{kind}\n{shown}");

        let (name, template, from_app) = listing_of_store(dir.path(), 2);
        let mut cli_flags = vec!["--template", "shipping-delay"];
        cli_flags.extend_from_slice(flags);
        let cli = notify_new(&cli_flags);
        assert!(cli.starts_with("Campaign 2 "), "{kind}\n{cli}");
        let (cli_name, from_cli) = listing_of_cli(&cli);
        assert_eq!(template, "shipping-delay");
        assert_eq!(name, cli_name, "{kind}");
        assert_eq!(
            from_app, from_cli,
            "{kind}: the same draft as notify new\n{cli}"
        );
        assert!(
            !from_app.0.is_empty(),
            "{kind}: someone gets the notice\n{cli}"
        );
    }
}

/// The window of the kiln week: the four customers of orders #904–#907, Katrin in German;
/// the form shows who is set aside, and the saved draft is the one the screen then shows.
#[test]
fn the_window_finds_the_kiln_week_and_the_form_snapshot() {
    let (_dir, mut app) = demo_app(100, 30);
    open_form(&mut app, "shipping-delay");
    assert_snapshot!(
        "new_campaign_form_empty",
        screen_text(&render(&app, 100, 30))
    );
    fill(&mut app, Field::From, "8 weeks ago");
    fill(&mut app, Field::Until, "3 weeks ago");
    press(&mut app, "Enter");
    let plan = form(&app).plan.clone().expect("checked");
    let addrs: Vec<(&str, &str)> = plan
        .recipients
        .iter()
        .map(|r| (r.addr.as_str(), r.language.as_str()))
        .collect();
    assert!(
        addrs.contains(&("k.mueller@web.de", "de")),
        "Katrin gets the German version: {addrs:?}"
    );
    assert!(
        addrs.contains(&("emily.chen@fastmail.com", "en")),
        "{addrs:?}"
    );
    assert_snapshot!(
        "new_campaign_form_checked",
        screen_text(&render(&app, 100, 30))
    );
    // Any edit asks for a new check before anything is saved.
    fill(&mut app, Field::Item, "x");
    assert!(form(&app).plan.is_none());
    press(&mut app, "Backspace");
    press(&mut app, "Enter");
    assert!(form(&app).plan.is_some());
    press(&mut app, "Esc");
    assert!(app.overlay.is_none());
    let store = ui_support::demo_store(_dir.path());
    assert_eq!(store.campaigns().unwrap().len(), 1, "Esc saves nothing");
}

/// Mistakes are told in the form, one sentence each, and nothing is saved.
#[test]
fn bad_input_is_told_in_the_form() {
    let (dir, mut app) = demo_app(100, 30);
    open_form(&mut app, "shipping-delay");
    press(&mut app, "Enter");
    assert!(form(&app)
        .error
        .as_deref()
        .unwrap()
        .starts_with("Say who gets"));
    fill(&mut app, Field::From, "last tuesday");
    press(&mut app, "Enter");
    let e = form(&app).error.clone().unwrap();
    assert!(e.contains("\"last tuesday\" is not a time"), "{e}");
    let text = screen_text(&render(&app, 100, 30));
    assert!(text.contains("is not a time"), "{text}");
    for _ in 0.."last tuesday".len() {
        press(&mut app, "Backspace");
    }
    fill(&mut app, Field::Addresses, "nobody");
    press(&mut app, "Enter");
    assert!(form(&app)
        .error
        .as_deref()
        .unwrap()
        .contains("not an email"));
    for _ in 0.."nobody".len() {
        press(&mut app, "Backspace");
    }
    fill(&mut app, Field::Orders, "99999");
    press(&mut app, "Enter");
    assert!(form(&app)
        .error
        .as_deref()
        .unwrap()
        .starts_with("No customer"));
    press(&mut app, "Esc");
    let store = ui_support::demo_store(dir.path());
    assert_eq!(store.campaigns().unwrap().len(), 1);
}

/// `C` in the inbox opens the Outreach screen with the form over it; Esc leaves the screen.
#[test]
fn c_in_the_inbox_opens_the_form_on_the_outreach_screen() {
    let (_dir, mut app) = demo_app(100, 30);
    press(&mut app, "C");
    assert!(matches!(app.stack.last(), Some(Screen::Outreach(_))));
    assert!(form(&app).choice().is_some());
    let help = screen_text(&render(&app, 100, 30));
    assert!(help.contains("New campaign"), "{help}");
    press(&mut app, "Esc");
    assert!(app.overlay.is_none());
    assert!(matches!(app.stack.last(), Some(Screen::Outreach(_))));
}
