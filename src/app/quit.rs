//! Nothing left unsent (issue 23): quitting while replies of this session are still in the
//! outbox (inside their undo window, or being sent) asks "Send 1 reply now / keep it queued /
//! go back", send now being the default. A closed terminal (SIGHUP, SIGTERM) sends them
//! without asking.
//!
//! "Send now" drops the replies' not-before time in the store (a durable write, before the
//! worker is asked), then hands them to the send worker as any reply: the outbox's claim and
//! lease decide who sends, so a reply goes out once whoever gets to it first. The app waits
//! for the worker's outcome on the outbox events; the loop bounds the wait ([`QUIT_WAIT`])
//! with its own monotonic clock and answers [`super::Action::QuitWaitOver`]. What happened is
//! said after the terminal is restored ([`App::farewell`]).

use super::{Action, App, Command, Effect};
use crate::send::outbox::{self, OutboxState};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// How long quitting waits for the send worker before it leaves the replies queued.
pub const QUIT_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The choices of the quit question, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitChoice {
    SendNow,
    Keep,
    Back,
}

pub const QUIT_CHOICES: [QuitChoice; 3] = [QuitChoice::SendNow, QuitChoice::Keep, QuitChoice::Back];

/// A key in the quit question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitKey {
    Up,
    Down,
    /// Enter: the selected choice.
    Choose,
    /// A choice's own key (s, k, Esc).
    Pick(QuitChoice),
}

/// The app's side of quitting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quitting {
    /// The loop ends after this update.
    pub done: bool,
    /// Quitting with unsent replies: the question, then the wait for the send worker.
    pub state: Option<QuitState>,
    /// What the loop prints once the terminal is restored (replies sent or left queued).
    pub farewell: Option<String>,
}

/// Where quitting stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuitState {
    /// The question is on screen; `ids`: the replies not sent yet.
    Asking { ids: Vec<i64>, selected: usize },
    /// The replies were handed to the send worker; the app quits once none of them is
    /// queued or being sent any more (or the wait is over).
    Sending { ids: Vec<i64> },
}

impl QuitState {
    pub fn count(&self) -> usize {
        match self {
            QuitState::Asking { ids, .. } | QuitState::Sending { ids } => ids.len(),
        }
    }
}

/// "1 reply" / "2 replies".
pub fn replies(n: usize) -> String {
    crate::human_time::count(n as u64, "reply", "replies")
}

/// The words of a choice for `n` replies.
pub fn choice_label(choice: QuitChoice, n: usize) -> String {
    match choice {
        QuitChoice::SendNow => format!("s  Send {} now", replies(n)),
        QuitChoice::Keep => format!(
            "k  Keep {} queued (sent when shopinbox next opens, or by `shopinbox outbox`)",
            if n == 1 { "it" } else { "them" }
        ),
        QuitChoice::Back => "Esc  Go back to the inbox".to_string(),
    }
}

impl App {
    /// This session's replies that have not left yet: queued (perhaps inside the undo window)
    /// or being sent right now.
    fn unsent_ids(&self) -> Vec<i64> {
        let Some(store) = self.data.store() else {
            return Vec::new();
        };
        self.sends
            .pending
            .iter()
            .map(|p| p.outbox_id)
            .filter(|id| {
                matches!(
                    outbox::get(store.connection(), *id),
                    Ok(Some(e)) if matches!(e.state, OutboxState::Queued | OutboxState::Sending)
                )
            })
            .collect()
    }

    /// `q` on the inbox (or Ctrl-C anywhere): quit, or first ask about unsent replies.
    pub(super) fn ask_quit(&mut self) -> Effect {
        match &self.quit.state {
            // Ctrl-C at the question: leave the replies queued, as said there.
            Some(QuitState::Asking { .. }) => {
                return self.quit_answer(QuitKey::Pick(QuitChoice::Keep))
            }
            Some(QuitState::Sending { .. }) => return self.quit_wait_over(),
            None => {}
        }
        let ids = self.unsent_ids();
        if ids.is_empty() {
            self.quit.done = true;
            return Effect::Quit;
        }
        self.quit.state = Some(QuitState::Asking { ids, selected: 0 });
        Effect::None
    }

    /// A key in the quit question.
    pub(super) fn quit_answer(&mut self, key: QuitKey) -> Effect {
        let Some(QuitState::Asking { ids, selected }) = &mut self.quit.state else {
            return Effect::None;
        };
        let last = QUIT_CHOICES.len() - 1;
        let choice = match key {
            QuitKey::Up => {
                *selected = selected.saturating_sub(1);
                return Effect::None;
            }
            QuitKey::Down => {
                *selected = (*selected + 1).min(last);
                return Effect::None;
            }
            QuitKey::Choose => match QUIT_CHOICES.get(*selected).or(QUIT_CHOICES.last()) {
                Some(&c) => c,
                None => return Effect::None,
            },
            QuitKey::Pick(c) => c,
        };
        let n = ids.len();
        match choice {
            QuitChoice::SendNow => self.send_before_quit(),
            QuitChoice::Keep => {
                self.quit.state = None;
                self.quit.farewell = Some(format!(
                    "{} kept in the outbox, not sent yet: {} out the next time shopinbox opens, \
                     or now with `shopinbox outbox`.",
                    capitalize(&replies(n)),
                    if n == 1 { "it goes" } else { "they go" }
                ));
                self.quit.done = true;
                Effect::Quit
            }
            QuitChoice::Back => {
                self.quit.state = None;
                self.info(format!("Not quitting; {} on its way.", replies(n)));
                Effect::None
            }
        }
    }

    /// The terminal was closed (SIGHUP, SIGTERM) or cannot be read: nobody can answer, so
    /// unsent replies are sent before the end.
    pub(super) fn hangup(&mut self) -> Effect {
        if matches!(self.quit.state, Some(QuitState::Sending { .. })) {
            return Effect::None;
        }
        if self.unsent_ids().is_empty() {
            self.quit.state = None;
            self.quit.done = true;
            return Effect::Quit;
        }
        self.send_before_quit()
    }

    /// Drops the undo window of this session's queued replies (a durable write) and asks the
    /// worker to send them; quitting follows their outcome.
    fn send_before_quit(&mut self) -> Effect {
        let ids = self.unsent_ids();
        if ids.is_empty() {
            self.quit.state = None;
            self.quit.done = true;
            return Effect::Quit;
        }
        if let Some(store) = self.data.store() {
            for id in &ids {
                // A reply already claimed is being sent: nothing to release, only to wait for.
                if let Err(e) = outbox::release_hold(store.connection(), *id, self.now) {
                    self.quit.farewell = Some(format!(
                        "{} The reply stays in the outbox; `shopinbox outbox` sends it.",
                        super::reply::sentence(&e)
                    ));
                }
            }
        }
        self.info(format!("Sending {} before closing…", replies(ids.len())));
        self.quit.state = Some(QuitState::Sending { ids: ids.clone() });
        Effect::SendBeforeQuit(ids)
    }

    /// After a worker event: quit once the replies being sent before closing have left.
    pub(super) fn quit_progress(&mut self) -> Effect {
        let Some(QuitState::Sending { ids }) = &self.quit.state else {
            return Effect::None;
        };
        let ids = ids.clone();
        let Some(store) = self.data.store() else {
            return self.quit_wait_over();
        };
        let waiting = ids.iter().any(|id| {
            matches!(
                outbox::get(store.connection(), *id),
                Ok(Some(e)) if matches!(e.state, OutboxState::Queued | OutboxState::Sending)
            )
        });
        if waiting {
            Effect::None
        } else {
            self.quit_wait_over()
        }
    }

    /// The wait is over (everything left, the time ran out, or there is no send worker):
    /// say what became of each reply, and quit.
    pub(super) fn quit_wait_over(&mut self) -> Effect {
        let ids = match self.quit.state.take() {
            Some(QuitState::Sending { ids }) | Some(QuitState::Asking { ids, .. }) => ids,
            None => Vec::new(),
        };
        let (mut sent, mut queued, mut sending, mut problem) = (0, 0, 0, 0);
        if let Some(store) = self.data.store() {
            for id in &ids {
                match outbox::get(store.connection(), *id) {
                    Ok(Some(e)) => match e.state {
                        OutboxState::Sent => sent += 1,
                        OutboxState::Queued => queued += 1,
                        OutboxState::Sending => sending += 1,
                        OutboxState::Failed | OutboxState::Uncertain => problem += 1,
                    },
                    // Taken back meanwhile: nothing to say.
                    Ok(None) => {}
                    Err(_) => problem += 1,
                }
            }
        }
        let mut lines = Vec::new();
        if sent > 0 {
            lines.push(format!(
                "{} sent before closing.",
                capitalize(&replies(sent))
            ));
        }
        if queued > 0 {
            lines.push(format!(
                "{} could not be sent in time and {} in the outbox: {} out the next time \
                 shopinbox opens, or now with `shopinbox outbox`.",
                capitalize(&replies(queued)),
                if queued == 1 { "stays" } else { "stay" },
                if queued == 1 { "it goes" } else { "they go" }
            ));
        }
        if sending > 0 {
            lines.push(format!(
                "{} still being sent when shopinbox closed; `shopinbox outbox` shows whether \
                 {} arrived.",
                capitalize(&replies(sending)),
                if sending == 1 { "it" } else { "they" }
            ));
        }
        if problem > 0 {
            lines.push(format!(
                "{} could not be sent and {} in the outbox; `shopinbox outbox` says why.",
                capitalize(&replies(problem)),
                if problem == 1 { "stays" } else { "stay" }
            ));
        }
        if !lines.is_empty() {
            let earlier = self.quit.farewell.take();
            self.quit.farewell = Some(
                earlier
                    .into_iter()
                    .chain(lines)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        self.quit.done = true;
        Effect::Quit
    }
}

/// "1 reply" → "1 reply", "replies" → "Replies": the first letter upper case.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Keys while quitting: the question's own (s / Enter send, k keeps, Esc goes back, arrows
/// move); while sending only Ctrl-C, which stops waiting.
pub(super) fn key(state: &QuitState, key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Command(Command::ForceQuit));
    }
    if matches!(state, QuitState::Sending { .. }) {
        return None;
    }
    let k = match key.code {
        KeyCode::Up => QuitKey::Up,
        KeyCode::Down | KeyCode::Tab => QuitKey::Down,
        KeyCode::Enter => QuitKey::Choose,
        KeyCode::Char('s') | KeyCode::Char('S') | KeyCode::Char('y') => {
            QuitKey::Pick(QuitChoice::SendNow)
        }
        KeyCode::Char('k') | KeyCode::Char('K') => QuitKey::Pick(QuitChoice::Keep),
        KeyCode::Esc | KeyCode::Char('g') | KeyCode::Char('n') => QuitKey::Pick(QuitChoice::Back),
        _ => return None,
    };
    Some(Action::QuitPrompt(k))
}
