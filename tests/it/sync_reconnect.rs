//! The inbox's background workers (as `shopinbox` starts them, headless) against the test
//! Dovecot, with a typed password kept by shopinbox (`password_keyring = true`, the private
//! file here): a refused password says so and how to set a new one (never "Offline"); a
//! stopped server says when the next try is and that `S` tries now; when the server is back
//! the inbox is online again within 10 s without a key.

use crate::support;

use shopinbox::app::{SyncStatus, WorkerCommand, WorkerEvent};
use shopinbox::config::{Config, PasswordSource, ServerAuth};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};
use support::MailServers;

fn kept(cfg: &Config) -> shopinbox::config::secret::Kept {
    match &cfg.imap.as_ref().unwrap().auth {
        ServerAuth::Password(PasswordSource::Keyring(k)) => k.clone(),
        other => panic!("{other:?}"),
    }
}

/// The events until one matches `want`, within `secs`.
fn wait_for(
    events: &Receiver<WorkerEvent>,
    secs: u64,
    what: &str,
    want: impl Fn(&WorkerEvent) -> bool,
) -> (WorkerEvent, Vec<WorkerEvent>) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(ev) = events.recv_timeout(Duration::from_millis(100)) {
            if want(&ev) {
                return (ev, seen);
            }
            seen.push(ev);
        }
    }
    panic!("no {what} within {secs} s; saw {seen:?}");
}

#[test]
fn refused_password_offline_and_back_online_without_a_key() {
    std::env::set_var("SHOPINBOX_TOKEN_STORE", "file");
    let mut servers = MailServers::start();
    let dir = tempfile::tempdir().unwrap();
    let path = support::write_sync_config(dir.path(), &servers, "shop@example.com", "UNUSED");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("password_env = \"UNUSED\"", "password_keyring = true");
    std::fs::write(&path, text).unwrap();
    let cfg = Config::load(&path).unwrap();
    let k = kept(&cfg);
    k.save("not-the-password").unwrap();

    let channels = shopinbox::workers::start(shopinbox::workers::WorkerPlan {
        config: &cfg,
        store_path: cfg.store_path(),
        demo_outbox: None,
        clock: shopinbox::clock::Clock::system(),
    })
    .unwrap();
    let events = &channels.events;

    // A refused password: said as such, with the fix; never "Offline".
    let (ev, _) = wait_for(events, 20, "refused login", |e| {
        matches!(
            e,
            WorkerEvent::LoginRefused { .. } | WorkerEvent::Offline { .. }
        )
    });
    let WorkerEvent::LoginRefused { message } = &ev else {
        panic!("{ev:?}")
    };
    assert_eq!(
        message,
        &format!(
            "The server refused the password for {}; `shopinbox password` sets a new one, then S syncs.",
            servers.user
        )
    );
    let status = SyncStatus::Refused {
        message: message.clone(),
    };
    assert!(!status.sentence().contains("Offline"));
    assert!(!message.contains("not-the-password"));

    // The owner sets the right one and presses S.
    k.save(&servers.password).unwrap();
    channels.commands.send(WorkerCommand::SyncNow).unwrap();
    wait_for(events, 20, "a finished sync", |e| {
        matches!(e, WorkerEvent::Finished { .. })
    });

    // The server goes away: offline, saying how often it checks and that S tries now.
    servers.stop();
    channels.commands.send(WorkerCommand::SyncNow).unwrap();
    let (ev, _) = wait_for(events, 20, "offline", |e| {
        matches!(
            e,
            WorkerEvent::Offline { .. } | WorkerEvent::LoginRefused { .. }
        )
    });
    let WorkerEvent::Offline { reason } = &ev else {
        panic!("{ev:?}")
    };
    assert!(
        reason.contains("checks every 5 s") && reason.ends_with("S tries now."),
        "{reason}"
    );
    let sentence = SyncStatus::Offline {
        reason: reason.clone(),
    }
    .sentence();
    assert!(
        sentence.starts_with("Offline, showing saved mail: "),
        "{sentence}"
    );

    // It comes back: online again within 10 s, no key pressed.
    std::thread::sleep(Duration::from_secs(2));
    servers.restart();
    let back = Instant::now();
    wait_for(events, 10, "a sync after the server came back", |e| {
        matches!(e, WorkerEvent::Finished { .. })
    });
    assert!(back.elapsed() < Duration::from_secs(10));
    let _ = channels.commands.send(WorkerCommand::Shutdown);
}
