//! The reply flow inside the app: a template picker with a live preview, a confirm screen, an
//! optional round trip through `$EDITOR`, and the hand-off to the send worker.
//!
//! Everything here is state plus local store calls, so tests drive it headless: rendering a
//! template reads the store (customer record, deadline), queueing is a durable outbox write.
//! The only outside work — `$EDITOR` and the network — leaves as an [`Effect`] for the loop,
//! which answers with [`Action::ReplyEdited`] / [`Action::TemplateEdited`] or a worker event.

use super::{App, Effect, Screen};
use crate::config::Config;
use crate::send::compose::{self, Original};
use crate::send::flow::{self, Draft};
use crate::send::outbox::{self, OutboxState};
use crate::store::{ConversationId, MessageRow};
use crate::template::{Language, Template, TemplateError};
use std::path::PathBuf;

/// One template in the picker with its reply rendered for this conversation.
#[derive(Debug, Clone)]
pub struct TemplateChoice {
    pub template: Template,
    /// The rendered draft, or why this template cannot be used for this message.
    pub draft: Result<Draft, String>,
}

/// The starter template a possible duplicate order is answered with.
const DUPLICATE_TEMPLATE: &str = "duplicate-order";

/// The template picker: the list on the left, the selected reply rendered on the right.
#[derive(Debug, Clone)]
pub struct TemplatePicker {
    pub conversation: ConversationId,
    /// The customer message being answered (its sender is who the reply goes to).
    pub answering: MessageRow,
    pub choices: Vec<TemplateChoice>,
    /// The language the customer wrote in, when it can be told; its templates come first.
    pub customer_language: Option<Language>,
    /// Templates that did not load, "file:line: problem", shown under the list.
    pub problems: Vec<String>,
    /// Where the templates live (shown when there are none).
    pub dir: PathBuf,
    pub selected: usize,
    /// First visible line of the preview.
    pub preview_scroll: usize,
    /// The conversation's warnings, shown with the preview.
    pub flags: Vec<crate::store::Flag>,
    /// Templates that cannot be used here: files that did not load, and templates that cannot
    /// render for this message (see [`unusable_templates`]).
    pub unusable: usize,
    /// The customer's notes (the owner's own words), shown beside the preview; warning notes
    /// first. Cleaned when drawn.
    pub notes: Vec<crate::store::Note>,
}

impl TemplatePicker {
    pub fn selected_choice(&self) -> Option<&TemplateChoice> {
        self.choices.get(self.selected)
    }
}

/// The last look before sending: who gets what.
#[derive(Debug, Clone)]
pub struct ConfirmReply {
    pub draft: Draft,
    /// "John Smith <john@example.com>", cleaned for display.
    pub to: String,
    /// "Tom from Alphx <hello@alphx.shop>".
    pub from: String,
    /// The Subject header as it will be sent.
    pub subject: String,
    /// The text came back from `$EDITOR`.
    pub edited: bool,
    /// First visible line of the body.
    pub scroll: usize,
    /// The conversation's warnings, shown above the text.
    pub flags: Vec<crate::store::Flag>,
    /// The text being edited in place (`w`); `None` while only shown.
    pub editor: Option<super::textedit::TextEditor>,
}

/// The replies of this session that the reply flow still follows: queued ones whose outcome
/// the status line reports, held ones inside their undo window, and the conversation whose
/// send a possible double reply held back.
#[derive(Debug, Clone, Default)]
pub struct Sends {
    /// Replies queued in this session whose outcome the status line reports.
    pub pending: Vec<PendingSend>,
    /// Replies inside their undo window, with the confirm screen `u` brings back.
    pub held: Vec<(i64, ConfirmReply)>,
    /// The conversation whose send was held back by a possible double reply (issue 26): the
    /// next `y` on it sends.
    pub warned: Option<ConversationId>,
}

/// A reply handed to the send worker whose outcome the status line should report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSend {
    pub outbox_id: i64,
    /// Who it goes to, for the status line.
    pub to: String,
    /// The last state reported, so a repeated event does not repeat the sentence.
    pub reported: Option<OutboxState>,
}

/// Templates in the customer's language first; otherwise the order stays (file name order).
pub fn sort_for_language(choices: &mut [TemplateChoice], language: Option<Language>) {
    if let Some(lang) = language {
        choices.sort_by_key(|c| c.template.language != lang);
    }
}

/// How many templates cannot be used: each file that did not load counts once, however many
/// mistakes it has, and so does each loaded template that cannot render for this message.
pub fn unusable_templates(errors: &[TemplateError], choices: &[TemplateChoice]) -> usize {
    let mut files: Vec<&std::path::Path> = errors
        .iter()
        .map(|e| match e {
            TemplateError::Syntax { path, .. } | TemplateError::Read { path, .. } => path.as_path(),
        })
        .collect();
    files.sort();
    files.dedup();
    files.len() + choices.iter().filter(|c| c.draft.is_err()).count()
}

/// A template problem as the picker lists it: the file name (not the whole path), line and
/// what is wrong, so the owner knows where to look.
pub fn problem_line(e: &TemplateError) -> String {
    match e {
        TemplateError::Syntax {
            path,
            line,
            column,
            message,
        } => format!("{}:{line}:{column}: {message}", file_name(path)),
        TemplateError::Read { path, source } => {
            format!("{}: cannot read it: {source}", file_name(path))
        }
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub use crate::send::flow::sent_subject;

/// "Name <addr>" of the reply's recipient, or a placeholder when the message has none.
pub fn recipient_line(original: &Original) -> String {
    match compose::reply_recipient(original) {
        Some(a) => match a.name.as_deref().map(compose::header_text) {
            Some(n) if !n.is_empty() => format!("{n} <{}>", compose::header_text(&a.addr)),
            _ => compose::header_text(&a.addr),
        },
        None => "(no address to reply to)".to_string(),
    }
}

/// The recipient's name for a status line ("John Smith"), else the address.
pub fn recipient_name(original: &Original) -> String {
    match compose::reply_recipient(original) {
        Some(a) => match a.name.as_deref().map(compose::header_text) {
            Some(n) if !n.is_empty() => crate::mail::sanitize::line(&n),
            _ => crate::mail::sanitize::line(&compose::header_text(&a.addr)),
        },
        None => "(no address)".to_string(),
    }
}

/// "Tom from Alphx <hello@alphx.shop>" for the config's shop identity.
pub fn sender_line(cfg: &Config) -> String {
    let id = flow::shop_identity(cfg);
    let addr = id.from_address().unwrap_or("(no shop address configured)");
    match id.display_name() {
        n if n.is_empty() => addr.to_string(),
        n => format!("{n} <{addr}>"),
    }
}

/// A library error ("cannot …") as a status-line sentence: capitalized, with a full stop.
pub fn sentence(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// Text from `$EDITOR` as the reply body: line ends normalized, trailing blank lines dropped.
pub fn normalize_edited(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = unified.trim_end().to_string();
    out.push('\n');
    out
}

impl App {
    /// Why replying is off here, if it is.
    fn reply_unavailable(&self) -> Option<&'static str> {
        if self.options.config.is_none() || self.data.store().is_none() {
            return Some("Replying needs the mail store and the shop configuration; reply from your mail client and press a to mark it answered.");
        }
        None
    }

    /// `r`: opens the template picker for the conversation under the cursor, with every
    /// template rendered for its newest customer message.
    pub(super) fn open_reply(&mut self) {
        let Some(row) = self.target_conversation() else {
            return self.info("Select a conversation to reply to.");
        };
        self.open_reply_for(row);
    }

    /// The template picker for `row` (`r`, and "send and next").
    pub(super) fn open_reply_for(&mut self, row: crate::store::ConversationRow) {
        if let Some(why) = self.reply_unavailable() {
            return self.error(why);
        }
        let answering = match self
            .data
            .store()
            .map(|s| flow::message_to_answer(s, row.id))
        {
            Some(Ok(m)) => m,
            Some(Err(e)) => return self.error(sentence(&e)),
            None => return,
        };
        let earlier = match (self.data.store(), answering.from.as_ref()) {
            (Some(store), Some(from)) => store
                .customer_texts(&from.addr, answering.id, 10)
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let shop_language = self
            .options
            .config
            .as_ref()
            .map(|c| c.shop.language)
            .unwrap_or_default();
        let customer_language = Some(crate::template::lang::reply_language(
            &answering.body,
            earlier.iter().map(String::as_str),
            shop_language,
        ));
        let mut picker = TemplatePicker {
            conversation: row.id,
            answering,
            choices: Vec::new(),
            customer_language,
            problems: Vec::new(),
            dir: PathBuf::new(),
            selected: 0,
            preview_scroll: 0,
            flags: row.flags.clone(),
            unusable: 0,
            notes: self.customer_notes(&row.customer_addr),
        };
        self.load_choices(&mut picker);
        // No double replies (issue 26): the other copies see this one replying; this one is
        // told if another is.
        let conflict = self
            .data
            .store()
            .and_then(|s| s.reply_conflict(row.id).ok().flatten());
        if let Err(e) = self.data.claim(row.id, false) {
            self.error(e.sentence());
        }
        self.claimed_now(row.id);
        if let Some(why) = conflict {
            self.error(format!("Careful: {why}."));
        }
        // A possible duplicate order opens on the template written for it, in the customer's
        // language when there is one (its templates come first).
        if row
            .flags
            .iter()
            .any(|f| f.kind == crate::store::FlagKind::DuplicateOrder)
        {
            if let Some(i) = picker
                .choices
                .iter()
                .position(|c| c.template.slug().split('.').next() == Some(DUPLICATE_TEMPLATE))
            {
                picker.selected = i;
            }
        }
        self.stack.push(Screen::Templates(picker));
    }

    /// (Re)loads the templates and renders each one for the picker's message, keeping the
    /// selection on the same template file when it still exists.
    fn load_choices(&mut self, picker: &mut TemplatePicker) {
        let (Some(cfg), Some(store)) = (self.options.config.as_ref(), self.data.store()) else {
            return;
        };
        let keep = picker.selected_choice().map(|c| c.template.path.clone());
        let (templates, errors) = flow::load_templates(cfg);
        picker.dir = cfg.templates_dir();
        picker.problems = errors.iter().map(problem_line).collect();
        picker.choices = templates
            .into_iter()
            .map(|template| {
                let draft = flow::draft(cfg, store, &picker.answering, &template, self.now)
                    .map_err(|e| sentence(&e));
                TemplateChoice { template, draft }
            })
            .collect();
        picker.unusable = unusable_templates(&errors, &picker.choices);
        sort_for_language(&mut picker.choices, picker.customer_language);
        picker.selected = keep
            .and_then(|p| picker.choices.iter().position(|c| c.template.path == p))
            .unwrap_or(0)
            .min(picker.choices.len().saturating_sub(1));
        picker.preview_scroll = 0;
    }

    /// Commands while the picker is on top.
    pub(super) fn picker_command(&mut self, cmd: super::Command) -> Effect {
        use super::Command as C;
        let Some(Screen::Templates(p)) = self.stack.last_mut() else {
            return Effect::None;
        };
        let last = p.choices.len().saturating_sub(1);
        match cmd {
            C::Up => {
                p.selected = p.selected.saturating_sub(1);
                p.preview_scroll = 0;
            }
            C::Down => {
                p.selected = (p.selected + 1).min(last);
                p.preview_scroll = 0;
            }
            C::Top => {
                p.selected = 0;
                p.preview_scroll = 0;
            }
            C::Bottom => {
                p.selected = last;
                p.preview_scroll = 0;
            }
            C::PageDown => {
                let page =
                    usize::from(crate::layout::reply::preview_height(self.size.height).max(1));
                p.preview_scroll = p.preview_scroll.saturating_add(page);
                self.clamp_reply_scroll();
            }
            C::PageUp => {
                let page =
                    usize::from(crate::layout::reply::preview_height(self.size.height).max(1));
                p.preview_scroll = p.preview_scroll.saturating_sub(page);
            }
            C::Open | C::Send => return self.choose_template(false),
            C::OpenEditor => return self.choose_template(true),
            C::EditTemplate => {
                return match p.selected_choice() {
                    Some(c) => Effect::EditTemplate(c.template.path.clone()),
                    None => {
                        let dir = p.dir.display().to_string();
                        self.info(format!("There is no template to edit; add one to {dir}."));
                        Effect::None
                    }
                };
            }
            C::Back | C::Quit => {
                self.stack.pop();
                self.info("Reply cancelled; nothing was sent.");
            }
            C::Help => self.overlay = Some(super::Overlay::Help { scroll: 0 }),
            C::Messages => self.overlay = Some(super::Overlay::Messages { scroll: 0 }),
            _ => self.info(self.picker_hint()),
        }
        Effect::None
    }

    fn picker_hint(&self) -> String {
        let km = &self.options.keymap;
        format!(
            "Choose a template: {} uses it, {} edits the text first, {} edits the template file, {} cancels.",
            km.hint(super::Command::Open),
            km.hint(super::Command::OpenEditor),
            km.hint(super::Command::EditTemplate),
            km.hint(super::Command::Back),
        )
    }

    /// Enter in the picker: the confirm screen for the selected template's draft; with
    /// `edit`, straight on to `$EDITOR` (the confirm screen shows the result).
    fn choose_template(&mut self, edit: bool) -> Effect {
        let Some(Screen::Templates(p)) = self.stack.last() else {
            return Effect::None;
        };
        let Some(choice) = p.selected_choice() else {
            self.info(format!(
                "There are no templates to choose from; add one to {}.",
                p.dir.display()
            ));
            return Effect::None;
        };
        let draft = match &choice.draft {
            Ok(d) => d.clone(),
            Err(e) => {
                let e = e.clone();
                self.error(e);
                return Effect::None;
            }
        };
        let Some(cfg) = self.options.config.as_ref() else {
            return Effect::None;
        };
        let confirm = ConfirmReply {
            to: crate::mail::sanitize::line(&recipient_line(&draft.original)),
            from: sender_line(cfg),
            subject: sent_subject(&draft),
            draft,
            edited: false,
            scroll: 0,
            flags: p.flags.clone(),
            editor: None,
        };
        let text = confirm.draft.text.clone();
        self.stack.push(Screen::Confirm(confirm));
        if edit {
            return Effect::EditReply(text);
        }
        Effect::None
    }

    /// Commands while the confirm screen is on top.
    pub(super) fn confirm_command(&mut self, cmd: super::Command) -> Effect {
        use super::Command as C;
        let page = usize::from(crate::layout::reply::confirm_body_height(self.size.height).max(1));
        let Some(Screen::Confirm(c)) = self.stack.last_mut() else {
            return Effect::None;
        };
        match cmd {
            C::Up => c.scroll = c.scroll.saturating_sub(1),
            C::Down => c.scroll = c.scroll.saturating_add(1),
            C::PageUp => c.scroll = c.scroll.saturating_sub(page),
            C::PageDown => c.scroll = c.scroll.saturating_add(page),
            C::Top => c.scroll = 0,
            C::Bottom => c.scroll = usize::MAX / 2,
            // Only `y` sends: Enter (like e) shows the whole reply in $EDITOR, so a repeated
            // Enter from the picker can never send by accident.
            C::Send => return self.send_confirmed(),
            C::SendAndNext => return self.send_and_next(),
            C::EditHere => return self.start_edit_here(),
            C::Open | C::OpenEditor => return Effect::EditReply(c.draft.text.clone()),
            C::Back | C::Quit => {
                self.stack.pop();
                self.info("Not sent. Choose another template, or press Esc again to cancel.");
            }
            C::Help => self.overlay = Some(super::Overlay::Help { scroll: 0 }),
            C::Messages => self.overlay = Some(super::Overlay::Messages { scroll: 0 }),
            _ => {
                let km = &self.options.keymap;
                let hint = format!(
                    "{} sends, {} or {} shows and edits the whole text in $EDITOR, {} attaches a file, {} goes back.",
                    km.hint(C::Send),
                    km.hint(C::Open),
                    km.hint(C::OpenEditor),
                    km.hint(C::AttachFile),
                    km.hint(C::Back)
                );
                self.info(hint);
            }
        }
        self.clamp_reply_scroll();
        Effect::None
    }

    /// Keeps the preview and confirm scroll inside the text.
    pub(super) fn clamp_reply_scroll(&mut self) {
        let (w, h, now) = (self.size.width, self.size.height, self.now);
        let tz = self.data.calendar().tz;
        match self.stack.last_mut() {
            Some(Screen::Templates(p)) => {
                let lines = p
                    .selected_choice()
                    .map(|c| crate::layout::reply::preview_lines(&c.draft, w, now, tz).len())
                    .unwrap_or(0);
                let page = usize::from(crate::layout::reply::preview_height(h));
                p.preview_scroll = p.preview_scroll.min(lines.saturating_sub(page));
            }
            Some(Screen::Confirm(c)) => {
                let lines = crate::layout::reply::body_lines(&c.draft.text, w).len();
                let page = usize::from(crate::layout::reply::confirm_body_height(h));
                c.scroll = c.scroll.min(lines.saturating_sub(page));
            }
            _ => {}
        }
    }

    /// Send (`y`): the complete message goes into the outbox (a durable write) first, then
    /// the worker is asked to deliver it. With an undo window (`[send] undo_seconds`) the row
    /// carries a not-before time: the worker sends it when the window ends, and `u` takes it
    /// back until then. The screens close; the status line follows the outcome.
    pub(super) fn send_confirmed(&mut self) -> Effect {
        let Some(Screen::Confirm(c)) = self.stack.last() else {
            return Effect::None;
        };
        let (Some(cfg), Some(store)) = (self.options.config.as_ref(), self.data.store()) else {
            self.error("Cannot send: the mail store or the shop configuration is missing.");
            return Effect::None;
        };
        // No double replies (issue 26): warned once per reply, `y` again sends anyway.
        let conv = c.draft.conversation_id;
        if self.sends.warned != Some(conv) {
            if let Ok(Some(why)) = store.reply_conflict(conv) {
                self.sends.warned = Some(conv);
                let again = self.options.keymap.hint(super::Command::Send);
                self.error(format!(
                    "Not sent yet: {why}. Press {again} again to send anyway."
                ));
                return Effect::None;
            }
        }
        self.sends.warned = None;
        let to = c.to.clone();
        let window = cfg.undo_seconds;
        let not_before = (window > 0).then(|| self.now + chrono::Duration::seconds(window as i64));
        match flow::enqueue_held(cfg, store, &c.draft, self.now, not_before) {
            Ok((id, _)) => {
                let name = recipient_name(&c.draft.original);
                let mut reopen = None;
                // Leave the confirm screen and the picker: back where the reply started.
                while matches!(
                    self.stack.last(),
                    Some(Screen::Confirm(_)) | Some(Screen::Templates(_))
                ) {
                    if let Some(Screen::Confirm(c)) = self.stack.pop() {
                        reopen.get_or_insert(c);
                    }
                }
                if let Err(e) = self.data.replied(conv) {
                    self.error(e.sentence());
                }
                self.claim_settled(conv);
                self.sends.pending.push(PendingSend {
                    outbox_id: id,
                    to: to.clone(),
                    reported: Some(OutboxState::Queued),
                });
                match (not_before, reopen) {
                    (Some(_), Some(confirm)) => {
                        self.sends.held.push((id, confirm));
                        self.undo.push(super::Undo::Send { outbox_id: id });
                        self.info(format!(
                            "Sending to {name} in {window} s · {} to cancel",
                            self.options.keymap.hint(super::Command::Undo)
                        ));
                    }
                    _ => self.info(format!("Reply to {to} queued; sending…")),
                }
                self.refresh();
                Effect::SendOutbox(id)
            }
            Err(e) => {
                self.error(format!(
                    "{} Nothing was sent; fix it and press {} again.",
                    sentence(&e),
                    self.options.keymap.hint(super::Command::Send)
                ));
                Effect::None
            }
        }
    }

    /// `u` on a reply inside its undo window: the queued row is removed (only if the worker
    /// has not taken it yet) and the confirm screen comes back with the same text.
    pub(super) fn cancel_send(&mut self, outbox_id: i64) {
        let Some(store) = self.data.store() else {
            return;
        };
        let held = self.sends.held.iter().position(|(id, _)| *id == outbox_id);
        match outbox::cancel_queued(store.connection(), outbox_id) {
            Ok(()) => {
                self.sends.pending.retain(|p| p.outbox_id != outbox_id);
                if let Some(i) = held {
                    let (_, mut confirm) = self.sends.held.remove(i);
                    confirm.scroll = 0;
                    self.overlay = None;
                    self.stack.push(Screen::Confirm(confirm));
                }
                let km = &self.options.keymap;
                let hint = format!(
                    "Not sent: the reply is back for editing ({} sends, {} edits, {} discards).",
                    km.hint(super::Command::Send),
                    km.hint(super::Command::OpenEditor),
                    km.hint(super::Command::Back)
                );
                self.info(hint);
                self.refresh();
            }
            Err(e) => {
                if let Some(i) = held {
                    self.sends.held.remove(i);
                }
                let text = match e {
                    outbox::OutboxError::NotFound { .. } => {
                        "That reply is no longer in the outbox.".to_string()
                    }
                    outbox::OutboxError::BeingSent { .. }
                    | outbox::OutboxError::WrongState { .. } => {
                        "Too late to cancel: the reply has already gone to the mail server."
                            .to_string()
                    }
                    e => sentence(&e),
                };
                self.error(text);
            }
        }
    }

    /// The text came back from `$EDITOR`.
    pub(super) fn reply_edited(&mut self, result: Result<String, String>) {
        let Some(Screen::Confirm(c)) = self.stack.last_mut() else {
            return;
        };
        match result {
            Ok(text) if text.trim().is_empty() => self.error(
                "The edited reply is empty, so the previous text is kept; Esc cancels the reply.",
            ),
            Ok(text) => {
                let text = normalize_edited(&text);
                if text != c.draft.text {
                    c.draft.text = text;
                    c.edited = true;
                    c.scroll = 0;
                    self.info("Reply text updated from the editor; check it and send.");
                } else {
                    self.info("The reply text is unchanged.");
                }
            }
            Err(e) => self.error(format!("{e} The reply text is unchanged.")),
        }
        self.clamp_reply_scroll();
    }

    /// The template file was edited: reload every template and re-render the previews.
    pub(super) fn template_edited(&mut self, result: Result<(), String>) {
        let Some(Screen::Templates(mut picker)) = self.stack.pop() else {
            return;
        };
        self.load_choices(&mut picker);
        let unusable = picker.unusable;
        self.stack.push(Screen::Templates(picker));
        match result {
            Err(e) => self.error(e),
            Ok(()) if unusable > 0 => self.error(format!(
                "Templates reloaded; {} cannot be used (see the list).",
                crate::human_time::count(unusable as u64, "template", "templates")
            )),
            Ok(()) => self.info("Templates reloaded."),
        }
    }

    /// An outbox change from the send worker: report what happened to the replies this
    /// session queued, once per state change.
    pub(super) fn outbox_changed(&mut self) {
        let Some(store) = self.data.store() else {
            return;
        };
        let mut notes: Vec<(String, bool)> = Vec::new();
        let mut keep = Vec::new();
        for mut p in std::mem::take(&mut self.sends.pending) {
            let entry = match outbox::get(store.connection(), p.outbox_id) {
                Ok(Some(e)) => e,
                Ok(None) => continue,
                Err(e) => {
                    notes.push((sentence(&e), true));
                    keep.push(p);
                    continue;
                }
            };
            let changed = p.reported != Some(entry.state);
            p.reported = Some(entry.state);
            let err = entry
                .last_error
                .as_deref()
                .map(crate::mail::sanitize::line)
                .unwrap_or_else(|| "no reason given".to_string());
            match entry.state {
                OutboxState::Sent => {
                    notes.push((format!("Reply sent to {}.", p.to), false));
                    continue;
                }
                OutboxState::Uncertain => {
                    notes.push((
                        format!(
                            "The reply to {} may or may not have been delivered ({err}); it is not sent again unless you decide so (`shopinbox outbox`).",
                            p.to
                        ),
                        true,
                    ));
                    continue;
                }
                OutboxState::Failed if changed => notes.push((
                    match entry.retry_at {
                        Some(at) => format!(
                            "The reply to {} could not be sent ({err}); it stays in the outbox and is retried at {}.",
                            p.to,
                            at.with_timezone(&self.data.calendar().tz).format("%H:%M")
                        ),
                        None => format!(
                            "The reply to {} could not be sent ({err}); it stays in the outbox until you retry it (`shopinbox outbox`).",
                            p.to
                        ),
                    },
                    true,
                )),
                OutboxState::Sending if changed => {
                    notes.push((format!("Sending the reply to {}…", p.to), false))
                }
                _ => {}
            }
            keep.push(p);
        }
        self.sends.pending = keep;
        let pending: Vec<i64> = self.sends.pending.iter().map(|p| p.outbox_id).collect();
        self.sends.held.retain(|(id, _)| pending.contains(id));
        if let Some((text, error)) = notes.pop() {
            if error {
                self.error(text);
            } else {
                self.info(text);
            }
        }
    }
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
