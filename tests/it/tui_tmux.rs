//! End-to-end: the real binary (`shopinbox demo --now …`) in a detached tmux session sized
//! 100x30. Keys go in with send-keys, the screen comes back with capture-pane. Each tmux run
//! uses its own server socket, so it never touches the user's sessions.

use crate::tmux_support;

use std::path::Path;
use tmux_support::Tmux;

const NOW: &str = "2026-11-19T09:30:00Z";

/// The demo in tmux, 100x30.
impl Tmux {
    /// Starts the demo in a private tmux server named after the test; `env` adds variables
    /// ("NAME=value …", shell-quoted).
    fn start_demo(dir: &Path, test: &str, env: &str) -> Tmux {
        let bin = env!("CARGO_BIN_EXE_shopinbox");
        // A private home so the demo store and config never touch the user's.
        let d = dir.display();
        let cmd = format!(
            "env -u NO_COLOR HOME={d} XDG_CONFIG_HOME={d}/config XDG_DATA_HOME={d}/data XDG_CACHE_HOME={d}/cache \
             SHOPINBOX_DEMO_OUTBOX={d}/outbox {env} {bin} demo --now {NOW}; echo \"EXITED $?\"; sleep 30"
        );
        Tmux::start(test, "inbox", 100, 30, &cmd)
    }
}

/// The list rows: the lines between the column header and the status bar.
fn list_rows(screen: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("State"))
        .map(|i| i + 1)
        .unwrap_or(0);
    lines[start..]
        .iter()
        .take_while(|l| !l.contains("help"))
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn demo_inbox_navigate_open_filter_search_quit() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_demo(dir.path(), "browse", "");

    // The status bar is the last line drawn: waiting for it means the whole first frame is
    // on screen, not a capture taken halfway through drawing it.
    let first = t.wait_for("the inbox", |s| {
        s.contains("Needs reply")
            && s.contains("overdue ·")
            && s.contains("State")
            && s.contains("? help")
    });
    let rows = list_rows(&first);
    assert!(
        !rows.is_empty(),
        "the demo has mail needing a reply:\n{first}"
    );
    assert!(
        first.contains("? help"),
        "status bar shows the help key:\n{first}"
    );

    // Navigate and open: the thread view shows who wrote, with the customer marker.
    t.keys(&["j", "k", "Enter"]);
    let conv = t.wait_for("a conversation", |s| {
        s.contains("● ") && s.contains("message")
    });
    assert!(!conv.contains("State "), "the inbox table is gone:\n{conv}");
    t.keys(&["j", "G", "g", "z"]);

    // Back to the inbox.
    t.keys(&["q"]);
    t.wait_for("the inbox again", |s| {
        s.contains("State") && s.contains("Needs reply")
    });

    // Filter: Overdue shows only overdue rows (or says there are none).
    t.keys(&["2"]);
    let overdue = t.wait_for("the overdue view", |s| {
        let rows = list_rows(s);
        s.contains("Nothing is overdue.")
            || (!rows.is_empty() && rows.iter().all(|r| r.starts_with("OVERDUE")))
    });
    // All shows at least as many rows as Needs reply did.
    t.keys(&["6"]);
    let all = t.wait_for("the all view", |s| list_rows(s).len() >= rows.len());
    assert_ne!(all, overdue);

    // Search, live: the box lists hits as letters arrive; Enter opens one.
    t.keys(&["/"]);
    t.wait_for("the search box", |s| {
        s.contains("Search") && s.contains("Type to search")
    });
    for c in ["p", "a", "c", "k", "a", "g", "e"] {
        t.keys(&[c]);
    }
    t.wait_for("search hits", |s| {
        s.contains("/ package") && s.contains("match")
    });
    t.keys(&["Enter"]);
    t.wait_for("the hit opened", |s| {
        s.contains("● ") && !s.contains("/ package")
    });

    // Help overlay lists keys.
    t.keys(&["?"]);
    t.wait_for("help", |s| {
        s.contains("Keys (Esc closes)") && s.contains("view: overdue")
    });
    t.keys(&["Escape"]);

    // Quit: q leaves the thread, q quits; the shell gets its screen back.
    t.keys(&["q", "q"]);
    let end = t.wait_for("the program to exit", |s| s.contains("EXITED"));
    assert!(end.contains("EXITED 0"), "clean exit:\n{end}");
    assert!(
        !end.contains("Needs reply"),
        "alternate screen left:\n{end}"
    );
}

#[test]
fn demo_reply_edit_send_and_statistics() {
    let dir = tempfile::tempdir().unwrap();
    // A non-interactive "editor": it changes the greeting in place, as a person would.
    let t = Tmux::start_demo(dir.path(), "reply", "EDITOR='sed -i 1s/^Hi/Hello/'");
    t.wait_for("the inbox", |s| {
        s.contains("Needs reply") && s.contains("State")
    });

    // r on the most urgent conversation: the template list with a live preview.
    t.keys(&["r"]);
    let picker = t.wait_for("the template picker", |s| {
        s.contains("Templates") && s.contains("Preview:")
    });
    assert!(
        picker.contains("Acknowledge and investigate"),
        "the starter templates are listed:\n{picker}"
    );
    assert!(
        picker.contains("Hi "),
        "the preview greets the customer:\n{picker}"
    );
    // Enter: the confirm screen.
    t.keys(&["Enter"]);
    let confirm = t.wait_for("the confirm screen", |s| s.contains("Send this reply?"));
    assert!(confirm.contains("To: "), "{confirm}");
    assert!(confirm.contains("From: Tom from Alphx"), "{confirm}");
    // e: the TUI steps aside for $EDITOR and comes back with the edited text.
    t.keys(&["e"]);
    let edited = t.wait_for("the edited reply", |s| {
        s.contains("(text edited)") && s.lines().any(|l| l.starts_with("Hello "))
    });
    assert!(edited.contains("Send this reply?"), "{edited}");
    // y: queued with a 10 s undo window; u takes it back to the confirm screen.
    t.keys(&["y"]);
    t.wait_for("the undo offer", |s| {
        s.contains("Sending to") && s.contains("in 10 s · u to cancel")
    });
    t.keys(&["u"]);
    let back = t.wait_for("the reply back for editing", |s| {
        s.contains("Not sent") && s.contains("Send this reply?")
    });
    assert!(back.lines().any(|l| l.starts_with("Hello ")), "{back}");
    // y again: after the window the send worker delivers it to the demo's outbox folder.
    t.keys(&["y"]);
    let sent = t.wait_for_secs("the sent report", 45, |s| s.contains("Reply sent to"));
    assert!(sent.contains("State"), "back at the inbox:\n{sent}");
    let outbox = dir.path().join("outbox");
    let files: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap_or_else(|e| panic!("{}: {e}", outbox.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), 1, "one reply delivered: {files:?}");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("In-Reply-To: <"), "{eml}");
    assert!(eml.contains("Hello "), "the edited text was sent:\n{eml}");

    // T: the statistics; Esc returns.
    t.keys(&["T"]);
    t.wait_for("the statistics", |s| {
        s.contains("Statistics · last 30 days") && s.contains("Customer messages per day")
    });
    t.keys(&["Escape"]);
    t.wait_for("the inbox again", |s| {
        s.contains("State") && !s.contains("Statistics")
    });
    t.keys(&["q"]);
    let end = t.wait_for("the program to exit", |s| s.contains("EXITED"));
    assert!(end.contains("EXITED 0"), "clean exit:\n{end}");
}

/// `F` in a real terminal: the prefilled first name can be erased and retyped (letters that
/// are commands elsewhere included), and Enter saves it.
#[test]
fn demo_first_name_dialog_takes_typing() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_demo(dir.path(), "firstname", "");
    t.wait_for("the inbox", |s| {
        s.contains("Needs reply") && s.contains("State")
    });
    t.keys(&["F"]);
    t.wait_for("the first-name dialog", |s| s.contains("First name"));
    for _ in 0..30 {
        t.keys(&["BSpace"]);
    }
    t.keys(&["Q", "u", "i", "n", "n"]);
    t.keys(&["Enter"]);
    let saved = t.wait_for("the saved name", |s| s.contains("greet them as Quinn"));
    assert!(saved.contains("State"), "back at the inbox:\n{saved}");
    t.keys(&["q"]);
    t.wait_for("the program to exit", |s| s.contains("EXITED 0"));
}

/// `/` in a conversation finds within it, as less does: letters typed into the prompt never run
/// commands (`v` would open the pager), hits are highlighted (yellow), `n`/`N` step through
/// them and wrap around with a word on the status line.
#[test]
fn demo_find_in_a_conversation_with_n_and_shift_n() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_demo(dir.path(), "find", "");
    t.wait_for("the inbox", |s| {
        s.contains("Needs reply") && s.contains("State") && s.contains("? help")
    });
    t.keys(&["Enter"]);
    t.wait_for("a conversation", |s| {
        s.contains("● ") && s.contains("message")
    });
    t.keys(&["/", "v", "a", "s", "e"]);
    let typing = t.wait_for("the find prompt", |s| {
        s.lines().last().is_some_and(|l| l.starts_with("/vase"))
    });
    assert!(typing.contains("● "), "still the conversation:\n{typing}");
    t.keys(&["Enter"]);
    let one = t.wait_for("the vase found", |s| s.contains("hit 1 of 1"));
    assert!(one.contains("● "), "no pager, no command ran:\n{one}");

    // The demo's first conversation has "PIECES" and "pieces": smart case finds both.
    t.keys(&["/", "p", "i", "e", "c", "e", "s", "Enter"]);
    t.wait_for("the first hit", |s| s.contains("hit 1 of 2"));
    let colours = t.run(&["capture-pane", "-p", "-e", "-t", &t.session]);
    let colours = String::from_utf8_lossy(&colours.stdout);
    assert!(
        colours.contains("\u{1b}[48;5;3mPIECES") || colours.contains("43mPIECES"),
        "the hit has the yellow highlight:\n{colours}"
    );
    t.keys(&["n"]);
    t.wait_for("the second hit", |s| s.contains("hit 2 of 2"));
    t.keys(&["n"]);
    t.wait_for("wrapped to the first", |s| {
        s.contains("hit 1 of 2 · no more hits below, back at the top")
    });
    t.keys(&["N"]);
    t.wait_for("wrapped back to the last", |s| {
        s.contains("hit 2 of 2 · no more hits above, back at the bottom")
    });
    t.keys(&["q", "q"]);
    let end = t.wait_for("the program to exit", |s| s.contains("EXITED"));
    assert!(end.contains("EXITED 0"), "clean exit:\n{end}");
}

/// Bulk actions in a real terminal: Space marks rows (a "*" and "N selected"), `a` answers
/// all of them, one `u` brings them all back; the demo says it is one.
#[test]
fn demo_marks_rows_and_acts_on_all_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_demo(dir.path(), "bulk", "");
    let first = t.wait_for("the inbox", |s| {
        s.contains("Needs reply") && s.contains("State") && s.contains("? help")
    });
    assert!(first.contains("DEMO · sample shop"), "{first}");
    let needs = |s: &str| {
        s.split("Needs reply ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let before = needs(&first);
    assert!(before >= 3, "{first}");
    t.keys(&["Space", "Space", "Space"]);
    let marked = t.wait_for("three marked rows", |s| s.contains("3 selected"));
    let stars = list_rows(&marked)
        .iter()
        .filter(|l| l.starts_with("* "))
        .count();
    assert_eq!(stars, 3, "{marked}");
    t.keys(&["a"]);
    let done = t.wait_for("the bulk answer", |s| {
        s.contains("Marked answered: 3 conversations")
    });
    assert_eq!(needs(&done), before - 3, "{done}");
    assert!(!done.contains("selected"), "{done}");
    t.keys(&["u"]);
    let undone = t.wait_for("the undo", |s| s.contains("Undone: the bulk action"));
    assert_eq!(needs(&undone), before, "{undone}");
    t.keys(&["q"]);
    t.wait_for("the program to exit", |s| s.contains("EXITED 0"));
}

/// Issue 27 in the real binary: `O` opens the Outreach screen on the demo's finished campaign,
/// `f` and Enter show a German customer's notice exactly as it was written; `C` makes a new
/// campaign through its form (template, a window typed as "8 weeks ago") and Enter reads the
/// new draft's first notice; Esc and `q` leave.
#[test]
fn demo_outreach_screen_shows_campaign_customers_and_their_notice() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_demo(dir.path(), "outreach", "");
    t.wait_for("the inbox", |s| {
        s.contains("Needs reply") && s.contains("State")
    });
    t.keys(&["O"]);
    let screen = t.wait_for("the Outreach screen", |s| {
        s.contains("Outreach · 1 campaign")
    });
    assert!(screen.contains("Kiln repair"), "{screen}");
    assert!(screen.contains("4 sent"), "{screen}");
    t.keys(&["f", "j", "Enter"]);
    let preview = t.wait_for("the notice", |s| s.contains("as it will be sent"));
    assert!(
        preview.contains("Hallo Katrin"),
        "the German version:\n{preview}"
    );
    // A new campaign through the keys: `C`, the template two to the left of the first
    // (the templates are sorted: …, shipping-delay, wholesale), the kiln week by typed times.
    t.keys(&["Escape", "C"]);
    t.wait_for("the new campaign form", |s| s.contains("New campaign"));
    t.keys(&["Left", "Left"]);
    t.wait_for("the shipping-delay template", |s| {
        s.contains("‹ shipping-delay")
    });
    t.keys(&["Tab", "8 weeks ago", "Tab", "3 weeks ago", "Enter"]);
    let checked = t.wait_for("the check", |s| s.contains("Enter saves the draft"));
    assert!(checked.contains("gets the notice"), "{checked}");
    assert!(checked.contains("to write to yourself"), "{checked}");
    t.keys(&["Enter"]);
    let saved = t.wait_for("the draft", |s| s.contains("saved as a draft"));
    assert!(saved.contains("Outreach · 2 campaigns"), "{saved}");
    assert!(saved.contains("draft"), "{saved}");
    t.keys(&["Enter"]);
    t.wait_for("the new campaign's first notice", |s| {
        s.contains("as it will be sent")
    });
    t.keys(&["Escape", "Escape", "q"]);
    t.wait_for("the program to exit", |s| s.contains("EXITED 0"));
}
