//! The terminal edge: set-up and restore, and the one event loop.
//!
//! The main thread owns the [`App`] and waits on a single channel fed by a small input thread
//! (crossterm events), a forwarder for the sync worker's events, and a clock tick (deadlines
//! turn overdue while the app is open). Effects that need the outside (a pager, `$EDITOR` for a
//! raw message, a reply's text or a template file, "sync now", "send this reply") are carried
//! out here, with the TUI suspended where a program needs the terminal. The terminal is restored on every exit path: normal quit, error, panic, and a
//! failed editor.

use crate::app::{
    Action, App, AppOptions, Effect, InboxData, Keymap, Opener, WorkerChannels, WorkerCommand,
    WorkerEvent,
};
use crate::clock::Clock;
use crate::config::Config;
use crate::store::{ShopContext, Store};
use crate::ui::{self, Theme};
use anyhow::Context;
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, MouseButton, MouseEventKind,
};
use crossterm::execute;
use ratatui::DefaultTerminal;
use std::collections::BTreeMap;
use std::io::{stdout, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

/// Everything besides the store that the TUI takes from the CLI.
pub struct TuiOptions {
    /// The config's `[keys]` table: action name → keys.
    pub keys: BTreeMap<String, Vec<String>>,
    /// The clock: the system's, or fixed (`--now`) for demos and tests.
    pub clock: Clock,
    /// The sync worker, when one runs (not in demo mode).
    pub worker: Option<WorkerChannels>,
    /// The configuration, for the reply flow (shop identity, calendar, templates folder).
    /// Without it the app can read and mark mail but not reply.
    pub config: Option<Config>,
    /// The built-in demo shop: the screen says so.
    pub demo: bool,
}

/// How often the clock ticks; deadlines are shown to the minute.
const TICK: Duration = Duration::from_secs(1);
/// How long the input thread waits for a key before checking whether it should pause.
const INPUT_POLL: Duration = Duration::from_millis(50);

enum LoopEvent {
    Input(Event),
    Worker(WorkerEvent),
    InputFailed(String),
    /// SIGHUP or SIGTERM: the terminal is closed or the process is asked to end.
    Hangup,
    /// Work done off the UI thread (decoded attachments), as the action it becomes.
    Done(Action),
}

/// Opens the store at `store_path` and runs the inbox until the owner quits.
pub fn run_tui(store_path: &Path, ctx: ShopContext, options: TuiOptions) -> anyhow::Result<()> {
    // Check what can fail before the terminal changes mode, so errors print plainly.
    Keymap::from_config(&options.keys).context("the [keys] section of the config is invalid")?;
    let store = Store::open(store_path, ctx)
        .with_context(|| format!("cannot open the mail store at {}", store_path.display()))?;
    run_with_store(store, options)
}

/// Runs the inbox on an already open store (the demo builds its own).
pub fn run_with_store(store: Store, options: TuiOptions) -> anyhow::Result<()> {
    run_with_data(Box::new(store), options)
}

/// Runs the inbox on any [`InboxData`]; the reply flow needs the real [`Store`] behind it.
pub fn run_with_data(data: Box<dyn InboxData>, mut options: TuiOptions) -> anyhow::Result<()> {
    let keymap = Keymap::from_config(&options.keys)
        .context("the [keys] section of the config is invalid")?;
    let app_options = AppOptions {
        keymap,
        color: Theme::color_from_env(),
        fixed_now: options.clock.fixed_at(),
        sync_available: options.worker.is_some(),
        // Only with a sync worker to carry the jobs to the server (not in demo mode).
        mark_read_on_server: options.worker.is_some()
            && options
                .config
                .as_ref()
                .and_then(|c| c.imap.as_ref())
                .is_some_and(|i| i.mark_read_on_server),
        config: options.config.take(),
        demo: options.demo,
    };
    let (tx, rx) = mpsc::channel();
    let commands = options.worker.take().map(|w| {
        forward_worker_events(w.events, tx.clone());
        w.commands
    });

    install_mouse_restore_hook();
    let signals = HangupSignals::spawn(tx.clone());
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let restore = RestoreGuard;
    // Mouse capture is a bonus: a terminal without it still works with the keyboard.
    let _ = execute!(stdout(), EnableMouseCapture);
    let size = terminal.size().context("cannot read the terminal size")?;
    let clock = options.clock;
    let mut app = App::new(data, app_options, clock.now(), size.width, size.height);
    let events = tx.clone();
    let done = tx.clone();
    let input = InputThread::spawn(tx);
    let result = event_loop(
        &mut terminal,
        &mut app,
        (&rx, &done),
        &input,
        commands.as_ref(),
        clock,
        &events,
    );
    input.stop();
    if let Some(c) = &commands {
        // The worker may already be gone; nothing to do about it at exit.
        let _ = c.send(WorkerCommand::Shutdown);
    }
    drop(restore);
    signals.close();
    // Said on the restored terminal, where it stays readable; a closed terminal takes it.
    if let Some(text) = app.quit.farewell.take() {
        let _ = writeln!(stdout(), "{text}");
    }
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    (rx, done): (&Receiver<LoopEvent>, &Sender<LoopEvent>),
    input: &InputThread,
    commands: Option<&Sender<WorkerCommand>>,
    clock: Clock,
    events: &Sender<LoopEvent>,
) -> anyhow::Result<()> {
    // The loop's own monotonic clock for telling double clicks (never the wall clock).
    let started = std::time::Instant::now();
    // Quitting waits for replies being sent until then (monotonic, never the wall clock).
    let mut quit_deadline: Option<std::time::Instant> = None;
    // The terminal is gone (SIGHUP, unreadable): drawing may fail, the replies still go out.
    let mut hung_up = false;
    let mut input_error: Option<String> = None;
    loop {
        let drawn = terminal.draw(|f| ui::draw(f, app));
        if !hung_up {
            drawn.context("cannot draw to the terminal")?;
        }
        let wait = match quit_deadline {
            Some(at) => {
                let left = at.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    quit_deadline = None;
                    if app.update(Action::QuitWaitOver) == Effect::Quit {
                        return finish(input_error);
                    }
                    continue;
                }
                left.min(TICK)
            }
            None => TICK,
        };
        let action = match rx.recv_timeout(wait) {
            Ok(LoopEvent::Input(ev)) => match ev {
                Event::Key(key) => app.key_to_action(&key),
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::ScrollUp => Some(Action::ScrollUp),
                    MouseEventKind::ScrollDown => Some(Action::ScrollDown),
                    MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                        column: m.column,
                        row: m.row,
                        at_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    }),
                    _ => None,
                },
                Event::Resize(width, height) => Some(Action::Resize { width, height }),
                _ => None,
            },
            Ok(LoopEvent::Worker(ev)) => Some(Action::Worker(ev)),
            Ok(LoopEvent::Done(action)) => Some(action),
            // Nobody can answer any more: unsent replies go out without asking.
            Ok(LoopEvent::InputFailed(e)) => {
                input_error.get_or_insert(e);
                hung_up = true;
                input.stop();
                Some(Action::Hangup)
            }
            Ok(LoopEvent::Hangup) => {
                hung_up = true;
                Some(Action::Hangup)
            }
            Err(RecvTimeoutError::Timeout) if quit_deadline.is_some() => continue,
            Err(RecvTimeoutError::Timeout) => Some(Action::Tick(clock.now())),
            Err(RecvTimeoutError::Disconnected) => {
                anyhow::bail!("the terminal input stopped unexpectedly")
            }
        };
        let Some(action) = action else { continue };
        let effect = app.update(action);
        match effect {
            Effect::None => {}
            Effect::Quit => return finish(input_error),
            Effect::SendBeforeQuit(ids) => {
                let handed = commands.is_some_and(|c| {
                    ids.iter()
                        .all(|id| c.send(WorkerCommand::SendOutbox(*id)).is_ok())
                });
                if !handed {
                    // No send worker: the replies stay queued, and the farewell says so.
                    app.update(Action::QuitWaitOver);
                    return finish(input_error);
                }
                quit_deadline = Some(std::time::Instant::now() + crate::app::quit::QUIT_WAIT);
            }
            Effect::SyncNow => {
                let sent = commands.map(|c| c.send(WorkerCommand::SyncNow).is_ok());
                if sent != Some(true) {
                    app.update(Action::Notify {
                        text: "The sync worker has stopped; restart shopinbox to sync again."
                            .to_string(),
                        error: true,
                    });
                }
            }
            Effect::DecodeAttachments(job) => {
                // MIME and image decoding stay off the UI thread; a hostile message costs
                // this thread's time, never a frame.
                let done = done.clone();
                let spawned = thread::Builder::new()
                    .name("attachments".into())
                    .spawn(move || {
                        let action = crate::app::attachments::decoded_action(&job);
                        let _ = done.send(LoopEvent::Done(action));
                    });
                if spawned.is_err() {
                    app.update(Action::Notify {
                        text: "Cannot read the attachments right now (no thread could be started); open the conversation again.".to_string(),
                        error: true,
                    });
                }
            }
            Effect::OpenRaw { message, opener } => {
                let note = open_raw(terminal, input, app, message, opener);
                if let Some((text, error)) = note {
                    app.update(Action::Notify { text, error });
                }
            }
            Effect::SendOutbox(_) | Effect::Worker(_) => {
                let command = match effect {
                    Effect::SendOutbox(id) => WorkerCommand::SendOutbox(id),
                    Effect::Worker(c) => c,
                    _ => continue,
                };
                let sent = commands.map(|c| c.send(command).is_ok());
                if sent != Some(true) {
                    app.update(Action::Notify {
                        text: "The reply is saved in the outbox, but the send worker is not running; `shopinbox outbox` sends it.".to_string(),
                        error: true,
                    });
                }
            }
            Effect::StartCampaign { id, not_before } => {
                if let Err(e) = spawn_campaign(app, id, not_before, clock, events.clone()) {
                    app.update(Action::Notify {
                        text: e,
                        error: true,
                    });
                }
            }
            Effect::EditReply(text) => {
                let result = edit_text(terminal, input, &text);
                app.update(Action::ReplyEdited(result));
            }
            Effect::EditTemplate(path) => {
                let result = run_editor(terminal, input, &path);
                app.update(Action::TemplateEdited(result));
            }
        }
    }
}

/// How the loop ends once the app quit: an unreadable terminal is still reported.
fn finish(input_error: Option<String>) -> anyhow::Result<()> {
    match input_error {
        Some(e) => anyhow::bail!("cannot read from the terminal: {e}"),
        None => Ok(()),
    }
}

/// SIGHUP (the terminal window was closed) and SIGTERM (`kill`, a logout) become a loop
/// event instead of ending the process at once, so replies inside their undo window are sent
/// first. The handlers stay installed until [`HangupSignals::close`].
struct HangupSignals {
    #[cfg(unix)]
    handle: Option<signal_hook::iterator::Handle>,
}

impl HangupSignals {
    fn spawn(tx: Sender<LoopEvent>) -> HangupSignals {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM]) else {
                // Without handlers the default applies (the process ends), as before.
                return HangupSignals { handle: None };
            };
            let handle = signals.handle();
            let spawned = thread::Builder::new()
                .name("signals".into())
                .spawn(move || {
                    for _ in signals.forever() {
                        if tx.send(LoopEvent::Hangup).is_err() {
                            return;
                        }
                    }
                });
            if spawned.is_err() {
                handle.close();
                return HangupSignals { handle: None };
            }
            HangupSignals {
                handle: Some(handle),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tx;
            HangupSignals {}
        }
    }

    fn close(&self) {
        #[cfg(unix)]
        if let Some(h) = &self.handle {
            h.close();
        }
    }
}

/// The owner's editor command line: `$VISUAL`, then `$EDITOR`, then `vi`.
fn editor_command() -> String {
    std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Runs `cmdline` (a program and its arguments, split on spaces) on `file` with the TUI
/// suspended. `what` names the program in the sentence when it fails.
fn run_program(
    terminal: &mut DefaultTerminal,
    input: &InputThread,
    cmdline: &str,
    file: &Path,
    what: &str,
    var: &str,
) -> Result<(), String> {
    let mut words = cmdline.split_whitespace();
    let program = words.next().unwrap_or("vi").to_string();
    let args: Vec<String> = words.map(str::to_string).collect();
    let status = suspend(terminal, input, || {
        std::process::Command::new(&program)
            .args(&args)
            .arg(file)
            .status()
    });
    match status {
        Err(e) => Err(format!(
            "Cannot restore the terminal after the {what}: {e}."
        )),
        Ok(Err(e)) => Err(format!(
            "Cannot start the {what} \"{program}\": {e}. Set ${var} to a program that works."
        )),
        Ok(Ok(s)) if !s.success() => Err(format!("The {what} \"{program}\" exited with {s}.")),
        Ok(Ok(_)) => Ok(()),
    }
}

/// Opens a file in the owner's editor (a template: it is edited in place).
fn run_editor(
    terminal: &mut DefaultTerminal,
    input: &InputThread,
    path: &Path,
) -> Result<(), String> {
    run_program(terminal, input, &editor_command(), path, "editor", "EDITOR")
}

/// Writes the reply text to a private temp file, lets the owner edit it, and reads it back.
fn edit_text(
    terminal: &mut DefaultTerminal,
    input: &InputThread,
    text: &str,
) -> Result<String, String> {
    // tempfile creates the file readable by the owner only: it holds a customer's message.
    let mut file = tempfile::Builder::new()
        .prefix("shopinbox-reply-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("Cannot create a temporary file for the reply: {e}."))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| format!("Cannot write the reply to a temporary file: {e}."))?;
    run_program(
        terminal,
        input,
        &editor_command(),
        file.path(),
        "editor",
        "EDITOR",
    )?;
    // Editors often replace the file instead of writing into it: read it by path.
    let bytes = std::fs::read(file.path())
        .map_err(|e| format!("Cannot read the edited reply back: {e}."))?;
    String::from_utf8(bytes).map_err(|_| {
        "The edited reply is not UTF-8 text; save it as UTF-8 in the editor.".to_string()
    })
}

/// Writes the raw message to a private temp file and shows it in `$PAGER` or `$EDITOR` with
/// the TUI suspended. Returns a status line when something went wrong.
fn open_raw(
    terminal: &mut DefaultTerminal,
    input: &InputThread,
    app: &App,
    message: crate::store::MessageKey,
    opener: Opener,
) -> Option<(String, bool)> {
    let raw = match app.data.raw(message) {
        Ok(Some(raw)) => raw,
        Ok(None) => return Some(("That message is no longer in the store.".to_string(), true)),
        Err(e) => return Some((e.sentence(), true)),
    };
    let (cmdline, what, var) = match opener {
        Opener::Pager => (
            std::env::var("PAGER")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| "less".to_string()),
            "pager",
            "PAGER",
        ),
        Opener::Editor => (editor_command(), "editor", "EDITOR"),
    };
    // tempfile creates the file readable by the owner only.
    let file = tempfile::Builder::new()
        .prefix("shopinbox-")
        .suffix(".eml")
        .tempfile();
    let mut file = match file {
        Ok(f) => f,
        Err(e) => {
            return Some((
                format!("Cannot create a temporary file for the message: {e}."),
                true,
            ))
        }
    };
    if let Err(e) = file.write_all(&raw).and_then(|_| file.flush()) {
        return Some((
            format!("Cannot write the message to a temporary file: {e}."),
            true,
        ));
    }
    run_program(terminal, input, &cmdline, file.path(), what, var)
        .err()
        .map(|e| (e, true))
}

/// Hands the terminal to another program: input thread paused, raw mode and the alternate
/// screen left; afterwards everything is set up again even when `f` failed.
fn suspend<T>(
    terminal: &mut DefaultTerminal,
    input: &InputThread,
    f: impl FnOnce() -> T,
) -> std::io::Result<T> {
    suspend_input(input, || {
        let _ = execute!(stdout(), DisableMouseCapture);
        ratatui::try_restore()?;
        let out = f();
        crossterm::terminal::enable_raw_mode()?;
        execute!(stdout(), crossterm::terminal::EnterAlternateScreen)?;
        let _ = execute!(stdout(), EnableMouseCapture);
        terminal.clear()?;
        Ok(out)
    })
}

/// Runs `f` while the input thread leaves the terminal alone (a pager must get the keys).
fn suspend_input<T>(input: &InputThread, f: impl FnOnce() -> T) -> T {
    input.pause();
    let out = f();
    input.resume();
    out
}

fn forward_worker_events(events: Receiver<WorkerEvent>, tx: Sender<LoopEvent>) {
    thread::Builder::new()
        .name("worker-events".into())
        .spawn(move || {
            for ev in events {
                if tx.send(LoopEvent::Worker(ev)).is_err() {
                    break;
                }
            }
        })
        .map(|_| ())
        .unwrap_or_else(|e| eprintln!("cannot start the worker event thread: {e}"));
}

/// Restores the terminal when the loop ends for any reason (the panic hook covers panics).
struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

/// ratatui's panic hook restores raw mode and the screen; mouse reporting must be switched off
/// too or the shell receives escape codes for every mouse move after a crash.
fn install_mouse_restore_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture);
        previous(info);
    }));
}

#[derive(Default)]
struct InputState {
    /// The main thread wants the terminal.
    pause: bool,
    /// The input thread is not reading (acknowledges `pause`).
    idle: bool,
}

/// Reads terminal events on its own thread and sends them to the loop. It can be paused (and
/// confirms that it stopped reading) while another program owns the terminal.
struct InputThread {
    shared: Arc<(Mutex<InputState>, Condvar)>,
    stop: Arc<AtomicBool>,
}

impl InputThread {
    fn spawn(tx: Sender<LoopEvent>) -> InputThread {
        let shared = Arc::new((Mutex::new(InputState::default()), Condvar::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (shared.clone(), stop.clone());
        let spawned = thread::Builder::new().name("input".into()).spawn(move || {
            let (lock, cvar) = &*s;
            while !st.load(Ordering::Relaxed) {
                {
                    let Ok(mut state) = lock.lock() else { return };
                    if state.pause {
                        state.idle = true;
                        cvar.notify_all();
                        while state.pause && !st.load(Ordering::Relaxed) {
                            state = match cvar.wait(state) {
                                Ok(g) => g,
                                Err(_) => return,
                            };
                        }
                        state.idle = false;
                    }
                }
                match event::poll(INPUT_POLL) {
                    Ok(true) => match event::read() {
                        Ok(ev) => {
                            if tx.send(LoopEvent::Input(ev)).is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(LoopEvent::InputFailed(e.to_string()));
                            return;
                        }
                    },
                    Ok(false) => {}
                    Err(e) => {
                        let _ = tx.send(LoopEvent::InputFailed(e.to_string()));
                        return;
                    }
                }
            }
        });
        if let Err(e) = spawned {
            eprintln!("cannot start the input thread: {e}");
        }
        InputThread { shared, stop }
    }

    /// Blocks until the thread has stopped reading.
    fn pause(&self) {
        let (lock, cvar) = &*self.shared;
        let Ok(mut state) = lock.lock() else { return };
        state.pause = true;
        // Wait at most a few poll intervals: if the thread died there is nobody to answer.
        let deadline = std::time::Instant::now() + INPUT_POLL * 10;
        while !state.idle {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            state = match cvar.wait_timeout(state, left) {
                Ok((g, _)) => g,
                Err(_) => return,
            };
        }
    }

    fn resume(&self) {
        let (lock, cvar) = &*self.shared;
        if let Ok(mut state) = lock.lock() {
            state.pause = false;
            cvar.notify_all();
        }
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.resume();
    }
}

/// Sends a campaign on its own thread with its own store connection (issue 27): the runner
/// keeps the provider's pace and reads the campaign's state between notices, so `s` on the
/// Outreach screen (a store write) stops it. Each notice that goes out is an outbox change the
/// screens reload on; a failure is reported on the status line.
fn spawn_campaign(
    app: &App,
    id: i64,
    not_before: chrono::DateTime<chrono::Utc>,
    clock: Clock,
    events: Sender<LoopEvent>,
) -> Result<(), String> {
    let (Some(cfg), Some(store)) = (app.options.config.clone(), app.data.store()) else {
        return Err("Campaigns need the mail store and the configuration.".to_string());
    };
    let Some(path) = store.connection().path().map(std::path::PathBuf::from) else {
        return Err("Campaigns need a store on disk.".to_string());
    };
    let ctx = store.context().clone();
    let demo = app.options.demo;
    thread::spawn(move || {
        let report = |message: String| {
            let _ = events.send(LoopEvent::Worker(WorkerEvent::Error { message }));
        };
        let result = (|| -> anyhow::Result<crate::outreach::runner::RunEnd> {
            let mut store = Store::open(&path, ctx)?;
            let demo_dir = demo.then(|| {
                std::env::var_os("SHOPINBOX_DEMO_OUTBOX")
                    .filter(|v| !v.is_empty())
                    .map(std::path::PathBuf::from)
                    .unwrap_or_else(|| std::env::temp_dir().join("shopinbox-demo-outbox"))
            });
            if let Some(d) = &demo_dir {
                std::fs::create_dir_all(d)?;
            }
            let delivery = crate::send::flow::delivery(&cfg, demo_dir.as_deref())?;
            let mut write_back = crate::send::imap::write_back_for(&cfg, demo)?;
            let (templates, _) = crate::send::flow::load_templates(&cfg);
            let (limits, _) = crate::outreach::rate::Limits::for_config(&cfg);
            let stop = || false;
            let mut on_event = |e: crate::outreach::runner::Event| {
                use crate::outreach::runner::Event;
                match e {
                    Event::Sent { .. } => {
                        let _ = events.send(LoopEvent::Worker(WorkerEvent::Outbox));
                    }
                    Event::Failed { addr, error, .. } | Event::Uncertain { addr, error, .. } => {
                        let _ = events.send(LoopEvent::Worker(WorkerEvent::Error {
                            message: crate::mail::sanitize::line(&format!(
                                "The notice to {addr} was not sent: {error}; `shopinbox outbox` has it."
                            )),
                        }));
                        let _ = events.send(LoopEvent::Worker(WorkerEvent::Outbox));
                    }
                    Event::Warning(_) | Event::Waiting { .. } => {}
                }
            };
            let mut runner = crate::outreach::runner::Runner::new(
                &cfg,
                &delivery,
                write_back.as_mut(),
                clock,
                limits,
                &stop,
                &mut on_event,
            );
            runner.not_before = Some(not_before);
            runner.run(&mut store, id, &templates)
        })();
        match result {
            Ok(crate::outreach::runner::RunEnd::Failing(e)) => report(crate::mail::sanitize::line(
                &format!("Campaign {id} paused: sending fails ({e}); `shopinbox notify send {id} --yes` goes on once it is fixed."),
            )),
            Ok(crate::outreach::runner::RunEnd::DailyLimit(_)) => report(format!(
                "Campaign {id} paused: the day's limit is reached; send it again tomorrow."
            )),
            Ok(_) => {}
            Err(e) => report(crate::mail::sanitize::line(&format!(
                "Campaign {id} stopped: {e}"
            ))),
        }
        let _ = events.send(LoopEvent::Worker(WorkerEvent::Outbox));
    });
    Ok(())
}
