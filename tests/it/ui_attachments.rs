//! Attachments in the inbox, driven headless on the demo shop: the customer's photo listed,
//! selected and drawn (half blocks in a test terminal), opened through a stub viewer from a
//! private copy, saved under a safe name; the return template's label on the confirm screen,
//! a file added with the picker and removed again, and undo bringing the reply back with its
//! files.

use crate::ui_support;

use insta::assert_snapshot;
use shopinbox::app::{Action, App, Command, Effect, InputKey, Screen};
use ui_support::{demo_app, render, screen_text};

fn cmd(app: &mut App, c: Command) -> Effect {
    app.update(Action::Command(c))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(InputKey::Char(c)));
    }
}

fn shot(app: &App, w: u16, h: u16) -> String {
    screen_text(&render(app, w, h))
}

fn select_subject(app: &mut App, prefix: &str) {
    cmd(app, Command::ViewAll);
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

/// Opens the chipped-bowl conversation and runs its decoding as the loop would.
fn open_bowl(app: &mut App) {
    select_subject(app, "Chipped rim on the Fjord bowl");
    let effect = cmd(app, Command::Open);
    let Effect::DecodeAttachments(job) = effect else {
        panic!("opening a conversation with attachments asks for decoding, got {effect:?}");
    };
    let decoded = shopinbox::app::attachments::decode(&job);
    app.update(Action::AttachmentsDecoded(decoded));
}

#[test]
fn the_customer_photo_is_listed_selected_and_drawn() {
    let (w, h) = (100, 40);
    // Half blocks whatever terminal runs the tests (the snapshot is text).
    shopinbox::ui::images::set_picker(ratatui_image::picker::Picker::halfblocks());
    let (_dir, mut app) = demo_app(w, h);
    open_bowl(&mut app);
    cmd(&mut app, Command::NextAttachment);
    let text = shot(&app, w, h);
    assert!(text.contains("IMG_4471.png"), "{text}");
    // The photo is drawn (half blocks in a test terminal) under its name.
    assert!(text.contains('▀') || text.contains('▄'), "{text}");
    assert_snapshot!("demo_customer_photo", text);
    cmd(&mut app, Command::ToggleImages);
    let hidden = shot(&app, w, h);
    assert!(!hidden.contains('▀') && !hidden.contains('▄'), "{hidden}");
}

#[test]
fn opening_goes_through_a_private_copy_and_saving_never_overwrites() {
    let (dir, mut app) = demo_app(100, 30);
    let log = dir.path().join("viewer.log");
    let stub = dir.path().join("viewer.sh");
    std::fs::write(
        &stub,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let downloads = dir.path().join("Downloads");
    std::fs::create_dir(&downloads).unwrap();
    let cfg = app.options.config.as_mut().unwrap();
    cfg.attachments.open_command = Some(stub.display().to_string());
    cfg.attachments.save_dir = Some(downloads.clone());
    open_bowl(&mut app);
    cmd(&mut app, Command::NextAttachment);
    cmd(&mut app, Command::Open);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    // The stub's shell creates the log before it writes the line: wait for the whole line.
    let written = |p: &std::path::Path| std::fs::read_to_string(p).is_ok_and(|s| s.ends_with('\n'));
    while !written(&log) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let path = std::path::PathBuf::from(std::fs::read_to_string(&log).unwrap().trim());
    assert_eq!(path.file_name().unwrap(), "IMG_4471.png");
    assert!(
        !path.starts_with(dir.path()),
        "a private copy, not the store's folder"
    );
    assert_eq!(&std::fs::read(&path).unwrap()[..4], b"\x89PNG");

    cmd(&mut app, Command::SaveAttachment);
    cmd(&mut app, Command::SaveAttachment);
    let mut saved: Vec<String> = std::fs::read_dir(&downloads)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    assert_eq!(saved, ["IMG_4471 (2).png", "IMG_4471.png"]);
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(status.contains("IMG_4471 (2).png"), "{status}");
}

#[test]
fn the_return_template_attaches_the_label_and_undo_keeps_the_files() {
    let (w, h) = (100, 30);
    let (dir, mut app) = demo_app(w, h);
    let extra = dir.path().join("care-sheet.txt");
    std::fs::write(&extra, "Handwash only.\n").unwrap();
    select_subject(&mut app, "Rücksendung Bestellung #1039");
    cmd(&mut app, Command::Reply);
    // Pick the return template in the picker.
    let Some(Screen::Templates(p)) = app.stack.last() else {
        panic!("the picker is open");
    };
    let i = p
        .choices
        .iter()
        .position(|c| c.template.slug() == "return-label.de")
        .unwrap();
    for _ in 0..i {
        cmd(&mut app, Command::Down);
    }
    cmd(&mut app, Command::Open);
    let text = shot(&app, w, h);
    assert!(text.contains("attached: return-label.pdf"), "{text}");
    assert_snapshot!("demo_reply_with_return_label", text);

    // + opens the picker; a typed path with Tab completion attaches a second file.
    cmd(&mut app, Command::AttachFile);
    for _ in 0..200 {
        app.update(Action::Input(InputKey::Backspace));
    }
    typed(&mut app, &format!("{}/care-", dir.path().display()));
    app.update(Action::Input(InputKey::Complete));
    app.update(Action::Input(InputKey::Submit));
    let files = |app: &App| match app.stack.last() {
        Some(Screen::Confirm(c)) => c
            .draft
            .attachments
            .iter()
            .map(|a| a.name.clone())
            .collect::<Vec<_>>(),
        _ => panic!("the confirm screen is on top"),
    };
    assert_eq!(files(&app), ["return-label.pdf", "care-sheet.txt"]);
    assert_eq!(app.last_attach_dir.as_deref(), Some(dir.path()));
    // - removes the last one; + again starts in the folder used last.
    cmd(&mut app, Command::RemoveAttachment);
    assert_eq!(files(&app), ["return-label.pdf"]);
    cmd(&mut app, Command::AttachFile);
    app.update(Action::Input(InputKey::Complete));
    app.update(Action::Input(InputKey::Down));
    app.update(Action::Input(InputKey::Cancel));
    assert_eq!(files(&app), ["return-label.pdf"]);

    // y queues it inside the undo window; u brings it back with its file.
    cmd(&mut app, Command::Send);
    assert!(!matches!(app.stack.last(), Some(Screen::Confirm(_))));
    cmd(&mut app, Command::Undo);
    assert_eq!(files(&app), ["return-label.pdf"]);
    let c = match app.stack.last() {
        Some(Screen::Confirm(c)) => c,
        _ => unreachable!(),
    };
    assert_eq!(
        c.draft.attachments[0].bytes.as_slice(),
        shopinbox::demo::templates::RETURN_LABEL_PDF
    );
}
