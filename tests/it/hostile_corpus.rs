//! The hostile-mail corpus (tests/fixtures/hostile/, made by its generate.py, plus the huge
//! messages made here at run time): imported, shown by the CLI, drawn by the TUI, synced
//! through Dovecot, and answered through the real SMTP sink. 0 panics, 0 control or bidi
//! characters in any CLI output, TUI cell or outgoing header, every reply accepted and
//! well-formed (MIME-Version, no line over 998 octets).

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use chrono::Utc;
use mailparse::MailHeaderMap;
use shopinbox::app::{Action, App, AppOptions, Command as AppCommand};
use shopinbox::clock::Clock;
use shopinbox::config::{Config, PasswordSource, Security, SmtpConfig};
use shopinbox::mail::sanitize;
use shopinbox::send::flow::{self, NoWriteBack, SendResult};
use shopinbox::store::{Store, View};
use shopinbox::sync::{sync_store, ImapAccount, SyncOptions};
use support::MailServers;

const NOW: &str = "2026-11-24T10:00:00+01:00";

fn now() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(NOW).unwrap().into()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// The committed corpus, sorted by name.
fn committed() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The messages too big to commit: 1 MB headers of several kinds and a 20 MB attachment.
fn big_messages() -> Vec<(String, Vec<u8>)> {
    let head = |n: u32, extra: &str| {
        format!(
            "From: Big {n} <big{n}@example.com>\r\nTo: hello@alphx.shop\r\n\
             Date: Mon, 23 Nov 2026 07:{n:02}:00 +0100\r\nMessage-ID: <big-{n}@example.com>\r\n{extra}"
        )
    };
    let mut out = Vec::new();
    out.push((
        "big-1mb-subject.eml".to_string(),
        format!(
            "{}Subject: {}\r\n\r\nhi\r\n",
            head(1, ""),
            "Refund ".repeat(150_000)
        ),
    ));
    out.push((
        "big-1mb-word.eml".to_string(),
        format!(
            "{}Subject: Order {}\r\n\r\nhi\r\n",
            head(2, ""),
            "W".repeat(1_000_000)
        ),
    ));
    out.push((
        "big-1mb-references.eml".to_string(),
        format!(
            "{}Subject: refs\r\nReferences: {}\r\n\r\nhi\r\n",
            head(3, ""),
            (0..40_000)
                .map(|i| format!("<ref{i}@example.com>"))
                .collect::<Vec<_>>()
                .join("\r\n ")
        ),
    ));
    out.push((
        "big-1mb-name.eml".to_string(),
        format!(
            "From: \"{}\" <bigname@example.com>\r\nTo: hello@alphx.shop\r\nSubject: name\r\n\
             Message-ID: <big-4@example.com>\r\nDate: Mon, 23 Nov 2026 07:04:00 +0100\r\n\r\nhi\r\n",
            "N".repeat(1_000_000)
        ),
    ));
    let mut attachment = String::with_capacity(28_000_000);
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
    while attachment.len() < 27_000_000 {
        attachment.push_str(line);
    }
    out.push((
        "big-20mb-attachment.eml".to_string(),
        format!(
            "{}Subject: photos of the broken mug\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n\
             see attached\r\n--XX\r\nContent-Type: application/octet-stream; name=\"mug\u{202e}gpj.exe\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{attachment}--XX--\r\n",
            head(5, "")
        ),
    ));
    out.into_iter().map(|(n, s)| (n, s.into_bytes())).collect()
}

fn assert_clean(what: &str, s: &str) {
    for c in s.chars() {
        assert!(
            c == '\n' || !(c.is_control() || sanitize::is_bidi(c)),
            "{what}: control or bidi character {c:?} in:\n{}",
            s.chars().take(2000).collect::<String>()
        );
    }
}

fn write_config(dir: &Path) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[shop]\nname = \"Alphx\"\nowner_name = \"Tom\"\naddresses = [\"hello@alphx.shop\"]\n\
             [hours]\ntime_zone = \"Europe/Berlin\"\n[store]\npath = \"{}\"\n",
            dir.join("store.db").display()
        ),
    )
    .unwrap();
    path
}

fn run(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shopinbox"))
        .arg("--config")
        .arg(config)
        .arg("--now")
        .arg(NOW)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn output_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn render(app: &App, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| shopinbox::ui::draw(f, app)).unwrap();
    t.backend().buffer().clone()
}

fn assert_cells_clean(app: &App, what: &str) {
    let buf = render(app, 100, 30);
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            assert_clean(&format!("{what} cell ({x},{y})"), sym);
            for c in sym.chars() {
                assert!(
                    !sanitize::is_dropped_for_width(c)
                        && !('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
                        && c != '\u{200d}',
                    "{what}: unstable-width {c:?} in cell ({x},{y})"
                );
            }
        }
    }
}

#[test]
fn corpus_has_at_least_60_crafted_messages() {
    assert!(committed().len() >= 60, "{}", committed().len());
}

#[test]
fn hostile_corpus_imports_and_every_cli_output_and_tui_cell_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    let big = dir.path().join("big");
    std::fs::create_dir(&big).unwrap();
    for (name, raw) in big_messages() {
        std::fs::write(big.join(name), raw).unwrap();
    }
    let total = committed().len() + big_messages().len();
    let out = run(
        &config,
        &[
            "import",
            fixtures().to_str().unwrap(),
            big.to_str().unwrap(),
        ],
    );
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert_clean("import", &text);
    assert!(
        text.contains(&format!(
            "imported {total} new message{}",
            if total == 1 { "" } else { "s" }
        )),
        "{text}"
    );

    let out = run(&config, &["list", "--all"]);
    let text = output_text(&out);
    if !out.status.success() {
        // Older CLIs have no --all; the default list is checked then.
        let out = run(&config, &["list"]);
        assert!(out.status.success(), "{}", output_text(&out));
        assert_clean("list", &output_text(&out));
    } else {
        assert_clean("list --all", &text);
    }
    let out = run(&config, &["list", "--json"]);
    assert!(out.status.success());
    assert_clean("list --json", &output_text(&out));

    let ctx = Config::load(&config)
        .unwrap()
        .shop_context(Clock::fixed(now()));
    let store = Store::open(&dir.path().join("store.db"), ctx).unwrap();
    let convs = store.list(View::All, now(), 0, 1000).unwrap();
    assert!(convs.len() >= 60, "{} conversations", convs.len());
    for c in &convs {
        let out = run(&config, &["show", &c.id.to_string()]);
        let text = output_text(&out);
        assert!(out.status.success(), "show {}: {text}", c.id);
        assert_clean(&format!("show {}", c.id), &text);
    }

    // Every screen the conversations reach, drawn into a test terminal.
    let n = convs.len();
    let mut app = App::new(
        Box::new(store),
        AppOptions {
            color: false,
            fixed_now: Some(now()),
            ..AppOptions::default()
        },
        now(),
        100,
        30,
    );
    let cmd = |app: &mut App, c| app.update(Action::Command(c));
    cmd(&mut app, AppCommand::ViewAll);
    assert_cells_clean(&app, "inbox");
    cmd(&mut app, AppCommand::Top);
    for i in 0..n {
        cmd(&mut app, AppCommand::Open);
        assert_cells_clean(&app, &format!("conversation {i}"));
        cmd(&mut app, AppCommand::ToggleQuoted);
        assert_cells_clean(&app, &format!("conversation {i} quoted"));
        cmd(&mut app, AppCommand::Back);
        cmd(&mut app, AppCommand::Down);
        if i % 10 == 0 {
            assert_cells_clean(&app, &format!("inbox at row {i}"));
        }
    }
}

#[test]
fn hostile_corpus_syncs_through_dovecot_and_every_reply_is_accepted_and_well_formed() {
    let servers = MailServers::start();
    let mut corpus = committed();
    corpus.extend(big_messages());
    for (_, raw) in &corpus {
        servers.append("INBOX", raw, &[], None);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::demo();
    cfg.templates_dir = Some(dir.path().join("templates"));
    cfg.smtp = Some(SmtpConfig {
        host: "localhost".into(),
        port: servers.smtps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        auth: shopinbox::config::ServerAuth::Password(PasswordSource::Command(format!(
            "printf '%s' '{}'",
            servers.password
        ))),
        ca_file: Some(servers.ca.clone()),
    });
    let mut store = Store::open(
        &dir.path().join("store.db"),
        cfg.shop_context(Clock::fixed(now())),
    )
    .unwrap();
    let account = ImapAccount {
        host: "localhost".into(),
        port: servers.imaps_port,
        security: Security::Tls,
        username: servers.user.clone(),
        password: servers.password.clone(),
        password_from: String::new(),
        oauth2: None,
        ca_file: Some(servers.ca.clone()),
        sent_folder: None,
        extra_folders: vec![],
    };
    sync_store(&account, &mut store, &SyncOptions::default(), &mut |_| {})
        .unwrap_or_else(|e| panic!("sync failed: {e}"));
    let convs = store.list(View::All, now(), 0, 1000).unwrap();
    let messages: usize = convs.iter().map(|c| c.message_count as usize).sum();
    assert_eq!(messages, corpus.len(), "every message synced once");

    let (templates, errors) = flow::load_templates(&cfg);
    assert!(errors.is_empty(), "{errors:?}");
    let plain = flow::find_template(&templates, "plain").unwrap();
    let delivery = flow::delivery(&cfg, None).unwrap();
    let mut replies = 0;
    let mut problems = Vec::new();
    for c in &convs {
        let msg = flow::message_to_answer(&store, c.id).unwrap();
        let draft = flow::draft(&cfg, &store, &msg, plain, now()).unwrap();
        let (id, composed) = flow::enqueue(&cfg, &store, &draft, now()).unwrap();
        for line in composed.raw.split(|b| *b == b'\n') {
            assert!(
                line.len() <= 998,
                "conversation {}: line of {}",
                c.id,
                line.len()
            );
        }
        match flow::send_one(&mut store, &delivery, &mut NoWriteBack, id, &now).unwrap() {
            SendResult::Sent { .. } => replies += 1,
            other => problems.push(format!("{}: {other:?}", c.subject)),
        }
    }
    assert!(
        problems.is_empty(),
        "replies not accepted:\n{}",
        problems.join("\n")
    );
    assert!(replies >= 60, "{replies}");
    let got = servers.wait_smtp_messages(replies, Duration::from_secs(60));
    assert_eq!(got.len(), replies);
    for (env, raw) in &got {
        let text = String::from_utf8_lossy(raw);
        let (head, _) = text.split_once("\r\n\r\n").expect("a header");
        assert!(head.contains("\r\nMIME-Version: 1.0\r\n"), "{head:.500}");
        for line in raw.split(|b| *b == b'\n') {
            assert!(line.len() <= 998, "{env}: line of {} octets", line.len());
        }
        let parsed = mailparse::parse_mail(raw).unwrap();
        assert!(
            parsed.headers.get_first_value("Bcc").is_none(),
            "{head:.500}"
        );
        assert!(
            parsed.headers.get_first_value("X-Injected").is_none(),
            "{head:.500}"
        );
        for h in &parsed.headers {
            assert_clean(&format!("header {}", h.get_key()), &h.get_value());
        }
    }
}
