//! Starts the background workers the TUI needs and joins them into the one event stream and
//! one command channel the app knows ([`WorkerChannels`]): the IMAP sync worker (with its IDLE
//! watcher) and the SMTP send worker. The workers keep their own event types; the relays here
//! translate them into sentences for the status bar, so neither side depends on the other.

use crate::app::{WorkerChannels, WorkerCommand, WorkerEvent};
use crate::clock::Clock;
use crate::config::Config;
use crate::send::flow::{self, SendError, WriteBack};
use crate::send::worker::{spawn_send_worker, SendCommand, SendEvent, WorkerSetup};
use crate::sync::{spawn_worker, ImapAccount, SyncCommand, SyncEvent, WorkerOptions};
use anyhow::{Context, Result};
use chrono::Utc;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

/// What to start.
pub struct WorkerPlan<'a> {
    pub config: &'a Config,
    pub store_path: PathBuf,
    /// Demo mode: no IMAP; replies go to this folder of .eml files.
    pub demo_outbox: Option<&'a Path>,
    /// The app's clock: workers stamp what they do in the same time.
    pub clock: Clock,
}

/// Starts the workers and returns the app's side of the link.
pub fn start(plan: WorkerPlan<'_>) -> Result<WorkerChannels> {
    let (event_tx, event_rx) = mpsc::channel::<WorkerEvent>();
    let (command_tx, command_rx) = mpsc::channel::<WorkerCommand>();
    let ctx = plan.config.shop_context(plan.clock);
    let clock = plan.clock;

    let sync_tx: Option<Sender<SyncCommand>> = match (&plan.config.imap, plan.demo_outbox) {
        (Some(imap), None) => {
            let account = ImapAccount::from_config(imap).context("cannot start the mail sync")?;
            let options = WorkerOptions::from_config(imap);
            let refused = refused_sentence(imap);
            let (tx, rx) = spawn_worker(account, plan.store_path.clone(), ctx.clone(), options);
            relay("sync", rx, event_tx.clone(), move |ev| {
                let mut out = translate_sync(ev, clock.now());
                for e in &mut out {
                    if let WorkerEvent::LoginRefused { message } = e {
                        message.clone_from(&refused);
                    }
                }
                out
            })?;
            Some(tx)
        }
        _ => None,
    };

    // Without an [smtp] section shopinbox still reads and syncs mail; replies then wait in
    // the outbox and the owner is told why when one is sent.
    let send: Result<Sender<SendCommand>, SendError> =
        match flow::delivery(plan.config, plan.demo_outbox) {
            Ok(delivery) => {
                let write_back: Box<dyn WriteBack + Send> =
                    crate::send::imap::write_back_for(plan.config, plan.demo_outbox.is_some())?;
                let (send_tx, send_rx) = spawn_send_worker(WorkerSetup {
                    store_path: plan.store_path,
                    shop: ctx,
                    delivery,
                    write_back,
                });
                relay("send", send_rx, event_tx.clone(), translate_send)?;
                Ok(send_tx)
            }
            Err(e) => Err(e),
        };

    thread::Builder::new()
        .name("command-relay".into())
        .spawn(move || {
            for cmd in command_rx {
                match cmd {
                    WorkerCommand::SyncNow => {
                        if let Some(tx) = &sync_tx {
                            let _ = tx.send(SyncCommand::SyncNow);
                        }
                    }
                    WorkerCommand::SendOutbox(_)
                    | WorkerCommand::Retry(_)
                    | WorkerCommand::Resend(_)
                    | WorkerCommand::MarkSent(_) => match &send {
                        Ok(tx) => {
                            let _ = tx.send(match cmd {
                                WorkerCommand::Retry(id) => SendCommand::Retry(id),
                                WorkerCommand::Resend(id) => SendCommand::ResendUncertain(id),
                                WorkerCommand::MarkSent(id) => SendCommand::MarkSent(id),
                                _ => SendCommand::Send(id_of(cmd)),
                            });
                        }
                        Err(SendError::NoSmtp) => {
                            let id = id_of(cmd);
                            let _ = event_tx.send(WorkerEvent::Error {
                                message: format!(
                                    "The reply is saved in the outbox, but sending is not set up: add an [smtp] section to the config, then run `shopinbox outbox retry {id}`."
                                ),
                            });
                        }
                        // A set-up failure other than a missing section (the password command
                        // failed, …) is named as it is, not as "not set up".
                        Err(e) => {
                            let id = id_of(cmd);
                            let _ = event_tx.send(WorkerEvent::Error {
                                message: format!(
                                    "The reply is saved in the outbox, but {e}; fix that, then run `shopinbox outbox retry {id}`."
                                ),
                            });
                        }
                    },
                    WorkerCommand::Shutdown => break,
                }
            }
            if let Some(tx) = &sync_tx {
                let _ = tx.send(SyncCommand::Shutdown);
            }
            if let Ok(tx) = &send {
                let _ = tx.send(SendCommand::Shutdown);
            }
        })
        .context("cannot start the command relay thread")?;

    Ok(WorkerChannels {
        events: event_rx,
        commands: command_tx,
    })
}

/// Forwards one worker's events, translated, into the app's event stream until either side
/// hangs up.
fn relay<E: Send + 'static>(
    worker: &str,
    events: Receiver<E>,
    app: Sender<WorkerEvent>,
    translate: impl Fn(E) -> Vec<WorkerEvent> + Send + 'static,
) -> Result<()> {
    thread::Builder::new()
        .name(format!("{worker}-relay"))
        .spawn(move || {
            for ev in events {
                for out in translate(ev) {
                    if app.send(out).is_err() {
                        return;
                    }
                }
            }
        })
        .with_context(|| format!("cannot start the {worker} relay thread"))?;
    Ok(())
}

/// Sync events as the status bar tells them; `now` stamps a finished pass.
/// The outbox id a send command is about (0 for the others).
fn id_of(cmd: WorkerCommand) -> i64 {
    match cmd {
        WorkerCommand::SendOutbox(id)
        | WorkerCommand::Retry(id)
        | WorkerCommand::Resend(id)
        | WorkerCommand::MarkSent(id) => id,
        WorkerCommand::SyncNow | WorkerCommand::Shutdown => 0,
    }
}

/// What the inbox says when the IMAP server refuses the login: who, and how to fix it for
/// where the password comes from (never the password, never the command).
pub fn refused_sentence(imap: &crate::config::ImapConfig) -> String {
    use crate::config::{PasswordSource, ServerAuth};
    let user = crate::mail::sanitize::line(&imap.username);
    let fix = match &imap.auth {
        ServerAuth::Password(PasswordSource::Keyring(_)) => {
            "`shopinbox password` sets a new one".to_string()
        }
        ServerAuth::Password(PasswordSource::Env(var)) => format!(
            "check the password in ${}, or type it with `shopinbox password` after setting [imap] password_keyring = true",
            crate::mail::sanitize::line(var)
        ),
        ServerAuth::Password(PasswordSource::Command(_)) => {
            "check what [imap] password_command prints".to_string()
        }
        ServerAuth::OAuth2(_) => {
            return format!(
                "The server refused the sign-in for {user}; `shopinbox login` signs in again, then S syncs."
            )
        }
    };
    format!("The server refused the password for {user}; {fix}, then S syncs.")
}

pub fn translate_sync(ev: SyncEvent, now: chrono::DateTime<Utc>) -> Vec<WorkerEvent> {
    match ev {
        SyncEvent::Started => vec![WorkerEvent::Started],
        SyncEvent::Folder { name, total } => vec![WorkerEvent::Progress {
            mailbox: name,
            done: 0,
            total: total as u64,
        }],
        SyncEvent::Progress {
            folder,
            done,
            total,
        } => vec![WorkerEvent::Progress {
            mailbox: folder,
            done: done as u64,
            total: total as u64,
        }],
        SyncEvent::FolderDone { .. } | SyncEvent::Skipped => Vec::new(),
        SyncEvent::WindowSynced => vec![WorkerEvent::WindowSynced],
        SyncEvent::History { done, total } => vec![WorkerEvent::History {
            done: done as u64,
            total: total as u64,
        }],
        SyncEvent::Finished(summary) => {
            let mut out = vec![WorkerEvent::Finished {
                at: now,
                new_messages: summary.folders.iter().map(|f| f.new as u64).sum(),
            }];
            // A partial sync: the status line says which folders failed and why.
            if let Some(message) = crate::sync::cli::partial_line(&summary) {
                out.push(WorkerEvent::Error { message });
            }
            // Shared state that could not be shared (issue 26): said, not hidden.
            if let Some(r) = summary.sharing.as_ref().filter(|r| !r.is_ok()) {
                out.push(WorkerEvent::Error {
                    message: crate::mail::sanitize::line(&r.line()),
                });
            }
            out
        }
        SyncEvent::Failed(message) | SyncEvent::Notice(message) => {
            vec![WorkerEvent::Offline { reason: message }]
        }
        SyncEvent::Unreachable { reason, probe } => vec![WorkerEvent::Offline {
            reason: format!(
                "{}; shopinbox checks every {} s and syncs as soon as the server answers; S tries now.",
                reason.trim_end_matches('.'),
                probe.as_secs().max(1)
            ),
        }],
        SyncEvent::LoginRefused(message) => vec![WorkerEvent::LoginRefused { message }],
    }
}

/// Send events as the status bar tells them; every one refreshes the outbox count.
pub fn translate_send(ev: SendEvent) -> Vec<WorkerEvent> {
    let note = match ev {
        SendEvent::Recovered { count } => Some(format!(
            "{count} repl{} interrupted while sending last time: check them with `shopinbox outbox` before sending again.",
            if count == 1 { "y was" } else { "ies were" }
        )),
        SendEvent::Sending { .. } | SendEvent::Updated { .. } => None,
        SendEvent::Sent { problems, .. } if problems.is_empty() => None,
        SendEvent::Sent { problems, .. } => Some(format!("Reply sent, but: {}", problems.join("; "))),
        SendEvent::Failed { error, retry_at, .. } => Some(match retry_at {
            Some(_) => format!("A reply could not be sent ({error}); it stays in the outbox and is retried automatically."),
            None => format!("A reply could not be sent ({error}); it stays in the outbox until you retry it."),
        }),
        SendEvent::Uncertain { error, .. } => Some(format!(
            "A reply may or may not have been delivered ({error}); it will not be sent again unless you decide so (`shopinbox outbox`)."
        )),
        SendEvent::Error { message } => Some(message),
    };
    let mut out = vec![WorkerEvent::Outbox];
    if let Some(message) = note {
        out.push(WorkerEvent::Error { message });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};
    use std::time::Duration;

    /// Tuesday 24 November 2026, 10:00 in Berlin: the tests' fixed "now".
    fn tuesday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
    }

    #[test]
    fn without_smtp_a_reply_waits_in_the_outbox_and_the_owner_is_told_why() {
        let config = Config::demo(); // no [imap], no [smtp]
        let dir = tempfile::tempdir().unwrap();
        let channels = start(WorkerPlan {
            config: &config,
            store_path: dir.path().join("store.db"),
            demo_outbox: None,
            clock: Clock::fixed(tuesday()),
        })
        .unwrap();
        channels
            .commands
            .send(WorkerCommand::SendOutbox(7))
            .unwrap();
        match channels
            .events
            .recv_timeout(Duration::from_secs(5))
            .unwrap()
        {
            WorkerEvent::Error { message } => {
                assert!(message.contains("saved in the outbox"), "{message}");
                assert!(
                    message.contains("[smtp]") && message.contains("outbox retry 7"),
                    "{message}"
                );
            }
            other => panic!("expected an explanation, got {other:?}"),
        }
        channels.commands.send(WorkerCommand::Shutdown).unwrap();
    }

    #[test]
    fn a_failing_smtp_password_is_named_not_called_missing_smtp() {
        let mut config = Config::demo();
        config.smtp = Some(crate::config::SmtpConfig {
            host: "127.0.0.1".into(),
            port: 25,
            security: crate::config::Security::Tls,
            username: "shop".into(),
            auth: crate::config::ServerAuth::Password(crate::config::PasswordSource::Command(
                "exit 3".into(),
            )),
            ca_file: None,
        });
        let dir = tempfile::tempdir().unwrap();
        let channels = start(WorkerPlan {
            config: &config,
            store_path: dir.path().join("store.db"),
            demo_outbox: None,
            clock: Clock::fixed(tuesday()),
        })
        .unwrap();
        channels
            .commands
            .send(WorkerCommand::SendOutbox(4))
            .unwrap();
        match channels
            .events
            .recv_timeout(Duration::from_secs(5))
            .unwrap()
        {
            WorkerEvent::Error { message } => {
                assert!(message.contains("saved in the outbox"), "{message}");
                assert!(message.contains("cannot get the password"), "{message}");
                assert!(message.contains("outbox retry 4"), "{message}");
                assert!(!message.contains("not set up"), "{message}");
            }
            other => panic!("expected an explanation, got {other:?}"),
        }
        channels.commands.send(WorkerCommand::Shutdown).unwrap();
    }

    #[test]
    fn demo_reply_goes_to_its_folder_and_answers_the_conversation() {
        let dir = tempfile::tempdir().unwrap();
        let now = tuesday();
        let store = crate::demo::build_demo_store(dir.path(), Clock::fixed(now)).unwrap();
        let mut config = Config::demo();
        config.templates_dir = Some(dir.path().join("templates"));
        let (templates, errors) = flow::load_templates(&config);
        assert!(errors.is_empty(), "{errors:?}");
        let conv = store
            .list(crate::store::View::NeedsReply, now, 0, 1)
            .unwrap()[0]
            .id;
        let msg = flow::message_to_answer(&store, conv).unwrap();
        let draft = flow::draft(&config, &store, &msg, &templates[0], now).unwrap();
        let (id, _) = flow::enqueue(&config, &store, &draft, now).unwrap();
        drop(store);

        let outbox = dir.path().join("sent-mail");
        std::fs::create_dir_all(&outbox).unwrap();
        let channels = start(WorkerPlan {
            config: &config,
            store_path: dir.path().join(crate::demo::DEMO_STORE_FILE),
            demo_outbox: Some(&outbox),
            clock: Clock::fixed(now),
        })
        .unwrap();
        channels
            .commands
            .send(WorkerCommand::SendOutbox(id))
            .unwrap();
        // The worker sends what is queued at start; every step refreshes the outbox count.
        let first = channels
            .events
            .recv_timeout(Duration::from_secs(10))
            .unwrap();
        assert_eq!(first, WorkerEvent::Outbox);
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::fs::read_dir(&outbox).unwrap().count() == 0
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            std::fs::read_dir(&outbox).unwrap().count(),
            1,
            "exactly one .eml, not two"
        );
        let store = crate::store::Store::open(
            &dir.path().join(crate::demo::DEMO_STORE_FILE),
            crate::demo::demo_context(Clock::fixed(now)),
        )
        .unwrap();
        // The .eml is written before the worker records the send and stores the local copy:
        // wait for the bookkeeping, not only for the file.
        let mut row = store.conversation_at(conv, now).unwrap().unwrap();
        while row.pending_since.is_some() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            row = store.conversation_at(conv, now).unwrap().unwrap();
        }
        channels.commands.send(WorkerCommand::Shutdown).unwrap();
        assert_eq!(
            row.pending_since, None,
            "the sent reply answers the conversation"
        );
    }

    #[test]
    fn trouble_says_what_happens_next_and_a_refused_password_how_to_fix_it() {
        let out = translate_sync(
            SyncEvent::Unreachable {
                reason: "cannot connect to imap.example.com:993: connection refused.".into(),
                probe: Duration::from_secs(5),
            },
            tuesday(),
        );
        assert_eq!(
            out,
            vec![WorkerEvent::Offline {
                reason: "cannot connect to imap.example.com:993: connection refused; shopinbox \
                         checks every 5 s and syncs as soon as the server answers; S tries now."
                    .into()
            }]
        );
        let example = Config::parse(
            crate::setup::EXAMPLE_CONFIG,
            std::path::Path::new("/c/config.toml"),
        )
        .unwrap();
        let mut imap = example.imap.unwrap();
        let src = |p| crate::config::ServerAuth::Password(p);
        imap.auth = src(crate::config::PasswordSource::Keyring(
            crate::config::secret::Kept::new(
                std::path::Path::new("/c/config.toml"),
                "imap",
                "hello@alphx.shop",
                "imap.alphx.shop",
            ),
        ));
        assert_eq!(
            refused_sentence(&imap),
            "The server refused the password for hello@alphx.shop; `shopinbox password` sets \
             a new one, then S syncs."
        );
        imap.auth = src(crate::config::PasswordSource::Env("SHOP_PW".into()));
        assert!(refused_sentence(&imap).contains("check the password in $SHOP_PW"));
        imap.auth = src(crate::config::PasswordSource::Command(
            "echo hunter2".into(),
        ));
        let s = refused_sentence(&imap);
        assert!(
            s.contains("password_command") && !s.contains("hunter2"),
            "{s}"
        );
        let status = crate::app::SyncStatus::Refused { message: s.clone() };
        assert_eq!(status.sentence(), s);
        assert!(!status.sentence().contains("Offline"));
    }

    #[test]
    fn send_events_become_status_sentences() {
        let failed = translate_send(SendEvent::Failed {
            id: 3,
            error: "the server refused the password".into(),
            retry_at: None,
        });
        assert_eq!(failed[0], WorkerEvent::Outbox);
        assert!(
            matches!(&failed[1], WorkerEvent::Error { message } if message.contains("until you retry it"))
        );
        let uncertain = translate_send(SendEvent::Uncertain {
            id: 3,
            error: "connection lost after the data".into(),
        });
        assert!(
            matches!(&uncertain[1], WorkerEvent::Error { message } if message.contains("will not be sent again"))
        );
        assert_eq!(
            translate_send(SendEvent::Sent {
                id: 3,
                problems: vec![]
            }),
            vec![WorkerEvent::Outbox]
        );
        let now = tuesday();
        assert_eq!(
            translate_sync(
                SyncEvent::Failed("cannot connect to imap.example.com".into()),
                now
            ),
            vec![WorkerEvent::Offline {
                reason: "cannot connect to imap.example.com".into()
            }]
        );
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T16:30:00+01:00")
            .unwrap()
            .with_timezone(&Utc);
        let summary = crate::sync::SyncSummary {
            folders: vec![crate::sync::FolderSummary {
                folder: "INBOX".into(),
                new: 3,
                ..Default::default()
            }],
            elapsed: std::time::Duration::from_millis(40),
            ..Default::default()
        };
        assert_eq!(
            translate_sync(SyncEvent::Finished(summary), at),
            vec![WorkerEvent::Finished {
                at,
                new_messages: 3
            }],
            "a finished pass is stamped with the app's clock"
        );
        // A partial sync: the status line names the folders that failed, in one line.
        let partial = crate::sync::SyncSummary {
            folders: vec![crate::sync::FolderSummary {
                folder: "INBOX".into(),
                new: 1,
                ..Default::default()
            }],
            failed: vec![crate::sync::FolderFailure {
                folder: "Bestellungen".into(),
                reason: "cannot open the folder \"Bestellungen\" on h: the server answered \"No\""
                    .into(),
            }],
            ..Default::default()
        };
        assert_eq!(
            translate_sync(SyncEvent::Finished(partial), at),
            vec![
                WorkerEvent::Finished {
                    at,
                    new_messages: 1
                },
                WorkerEvent::Error {
                    message: "Synced 1 of 2 folders; not synced: Bestellungen (cannot open the \
                              folder \"Bestellungen\" on h: the server answered \"No\")"
                        .into()
                }
            ]
        );
        // A first sync: the window is in (the inbox reloads), then the history's progress.
        assert_eq!(
            translate_sync(SyncEvent::WindowSynced, at),
            vec![WorkerEvent::WindowSynced]
        );
        assert_eq!(
            translate_sync(
                SyncEvent::History {
                    done: 12_400,
                    total: 40_000
                },
                at
            ),
            vec![WorkerEvent::History {
                done: 12_400,
                total: 40_000
            }]
        );
    }
}
