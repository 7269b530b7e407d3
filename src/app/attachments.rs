//! Received attachments in the conversation: selected with keys or the mouse, opened with the
//! system's viewer from a private copy, saved one at a time or all at once, images shown in
//! the terminal, forwarded messages shown nested.
//!
//! The MIME decoding (and the image decoding) never runs on the UI thread: opening a
//! conversation with attachments hands their raw messages to the loop as
//! [`Effect::DecodeAttachments`], which decodes them on a thread of their own and answers with
//! [`Action::AttachmentsDecoded`]. Headless tests call [`decode`] themselves.

use std::sync::Arc;

use super::{Action, App, Command, Effect, Overlay, Screen};
use crate::attach::{open, save};
use crate::mail::attachments::{Part, Verdict};
use crate::send::attachment::human_size;
use crate::store::ConversationId;

/// Images larger than this (either side, in pixels) are not decoded for the preview.
const MAX_IMAGE_SIDE: u32 = 12_000;
/// The preview is scaled down to this many pixels at most on either side.
const PREVIEW_SIDE: u32 = 640;

/// Raw messages whose attachments the loop decodes off the UI thread.
#[derive(Clone)]
pub struct DecodeJob {
    pub conversation: ConversationId,
    /// The raw messages with attachments, oldest first (the thread's order).
    pub raws: Vec<Arc<Vec<u8>>>,
    /// Messages still to be read, with their own connection to the store, on the decoding
    /// thread: a 30 MB message is not even read on the UI thread.
    pub from_store: Option<StoreRead>,
}

/// Where the decoding thread reads the raw messages itself.
#[derive(Clone)]
pub struct StoreRead {
    pub path: std::path::PathBuf,
    pub ctx: crate::store::ShopContext,
    pub messages: Vec<crate::store::MessageKey>,
}

impl PartialEq for DecodeJob {
    fn eq(&self, other: &Self) -> bool {
        let keys = |j: &DecodeJob| j.from_store.as_ref().map(|s| s.messages.clone());
        self.conversation == other.conversation
            && self.raws == other.raws
            && keys(self) == keys(other)
    }
}

impl Eq for DecodeJob {}

impl std::fmt::Debug for DecodeJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodeJob")
            .field("conversation", &self.conversation)
            .field("raws", &self.raws.len())
            .field(
                "from_store",
                &self.from_store.as_ref().map(|s| s.messages.len()),
            )
            .finish()
    }
}

impl DecodeJob {
    /// The raw messages: those given, then those read from the store here (the calling
    /// thread). A message that cannot be read is a problem line, not a failure.
    fn read(&self, problems: &mut Vec<String>) -> Vec<Arc<Vec<u8>>> {
        let mut raws = self.raws.clone();
        if let Some(s) = &self.from_store {
            match crate::store::Store::open(&s.path, s.ctx.clone()) {
                Ok(store) => {
                    for key in &s.messages {
                        match store.raw(*key) {
                            Ok(Some(raw)) => raws.push(Arc::new(raw)),
                            Ok(None) => {}
                            Err(e) => problems.push(format!("cannot read a message: {e}")),
                        }
                    }
                }
                Err(e) => problems.push(format!("cannot read the attachments: {e}")),
            }
        }
        raws
    }
}

/// A conversation's attachments, decoded.
pub struct Decoded {
    pub conversation: ConversationId,
    /// Numbered from 1 across the thread, in the order the thread lists them.
    pub parts: Vec<Part>,
    /// A scaled-down image for each part that is an image the terminal may draw.
    pub previews: Vec<Option<image::DynamicImage>>,
    pub problems: Vec<String>,
}

/// [`Decoded`] as an action carries it: shared, compared by identity.
#[derive(Clone)]
pub struct DecodedHandle(pub Arc<Decoded>);

impl PartialEq for DecodedHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for DecodedHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Decoded({} parts of conversation {})",
            self.0.parts.len(),
            self.0.conversation
        )
    }
}

/// Decodes a job: the attachments of every message (limits on depth, part count and image
/// size apply), numbered across the thread, with previews of the images. CPU only; never
/// panics.
pub fn decode(job: &DecodeJob) -> DecodedHandle {
    let mut parts = Vec::new();
    let mut problems = Vec::new();
    for raw in &job.read(&mut problems) {
        let (p, pr) = crate::mail::attachments::parts(raw);
        parts.extend(p);
        problems.extend(pr);
    }
    for (i, p) in parts.iter_mut().enumerate() {
        p.number = i + 1;
    }
    let previews = parts
        .iter()
        .map(|p| {
            if p.is_image() {
                preview(&p.bytes)
            } else {
                None
            }
        })
        .collect();
    DecodedHandle(Arc::new(Decoded {
        conversation: job.conversation,
        parts,
        previews,
        problems,
    }))
}

/// A small copy of an image for the terminal; `None` when it cannot be decoded within limits.
pub fn preview(bytes: &[u8]) -> Option<image::DynamicImage> {
    std::panic::catch_unwind(|| {
        let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .ok()?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_IMAGE_SIDE);
        limits.max_image_height = Some(MAX_IMAGE_SIDE);
        limits.max_alloc = Some(256 * 1024 * 1024);
        reader.limits(limits);
        let img = reader.decode().ok()?;
        Some(img.thumbnail(PREVIEW_SIDE, PREVIEW_SIDE))
    })
    .ok()
    .flatten()
}

/// Where a conversation's attachments are.
#[derive(Clone, Default)]
pub enum DecodeState {
    /// Not asked for yet (the next update hands the job to the loop).
    #[default]
    NotStarted,
    Loading,
    Ready(DecodedHandle),
    /// The conversation has none.
    Empty,
}

/// The attachment part of a conversation screen.
#[derive(Clone, Default)]
pub struct AttachmentView {
    pub state: DecodeState,
    /// The selected attachment (0-based), drawn highlighted.
    pub selected: Option<usize>,
    /// Images are hidden (the toggle key); the config decides the start.
    pub images_hidden: bool,
    /// The attachment whose mismatch warning was shown: the next open goes ahead.
    pub confirm: Option<usize>,
    /// The raw forwarded message this screen shows (nested view), instead of the store's.
    pub nested: Option<Arc<Vec<u8>>>,
}

impl std::fmt::Debug for AttachmentView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            DecodeState::NotStarted => "not started".to_string(),
            DecodeState::Loading => "loading".to_string(),
            DecodeState::Ready(d) => format!("{d:?}"),
            DecodeState::Empty => "empty".to_string(),
        };
        f.debug_struct("AttachmentView")
            .field("state", &state)
            .field("selected", &self.selected)
            .field("images_hidden", &self.images_hidden)
            .finish()
    }
}

impl AttachmentView {
    pub fn decoded(&self) -> Option<&Decoded> {
        match &self.state {
            DecodeState::Ready(d) => Some(&d.0),
            _ => None,
        }
    }

    /// The image shown: the selected attachment when it is one, else the first image.
    pub fn shown_image(&self) -> Option<(usize, &image::DynamicImage)> {
        if self.images_hidden {
            return None;
        }
        let d = self.decoded()?;
        let pick = |i: usize| d.previews.get(i).and_then(Option::as_ref).map(|p| (i, p));
        match self.selected {
            Some(i) => pick(i),
            None => (0..d.previews.len()).find_map(pick),
        }
    }
}

/// The private copies handed to viewers: kept until the app ends (the viewer reads the file
/// after it started), then removed with their folders.
#[derive(Default)]
pub struct OpenedCopies(pub Vec<open::Opened>);

impl std::fmt::Debug for OpenedCopies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} private copies", self.0.len())
    }
}

impl App {
    /// After each update: a conversation on top whose attachments are not decoded yet gets
    /// its job handed to the loop.
    pub(super) fn attachment_job(&mut self) -> Option<Effect> {
        let Some(Screen::Conversation(c)) = self.stack.last() else {
            return None;
        };
        if !matches!(c.attachments.state, DecodeState::NotStarted) {
            return None;
        }
        let conversation = c.row.id;
        let with_files: Vec<crate::store::MessageKey> = c
            .messages
            .iter()
            .filter(|m| !m.attachments.is_empty())
            .map(|m| m.id)
            .collect();
        // A store on disk is read by the decoding thread with its own connection; only an
        // in-memory store (tests, the fake data) is read here.
        let store_file = self
            .data
            .store()
            .and_then(|s| s.file_path().map(|p| (p, s.context().clone())));
        let (raws, from_store): (Vec<Arc<Vec<u8>>>, Option<StoreRead>) =
            match (&c.attachments.nested, store_file) {
                (Some(raw), _) => (vec![raw.clone()], None),
                (None, Some(_)) if with_files.is_empty() => (Vec::new(), None),
                (None, Some((path, ctx))) => (
                    Vec::new(),
                    Some(StoreRead {
                        path,
                        ctx,
                        messages: with_files,
                    }),
                ),
                (None, None) => (
                    with_files
                        .iter()
                        .filter_map(|id| self.data.raw(*id).ok().flatten())
                        .map(Arc::new)
                        .collect(),
                    None,
                ),
            };
        let hidden = !self.attachment_settings().inline_images;
        let Some(Screen::Conversation(c)) = self.stack.last_mut() else {
            return None;
        };
        c.attachments.images_hidden = hidden;
        if raws.is_empty() && from_store.is_none() {
            c.attachments.state = DecodeState::Empty;
            return None;
        }
        c.attachments.state = DecodeState::Loading;
        Some(Effect::DecodeAttachments(Box::new(DecodeJob {
            conversation,
            raws,
            from_store,
        })))
    }

    /// The loop decoded a conversation's attachments.
    pub(super) fn attachments_decoded(&mut self, decoded: DecodedHandle) {
        for screen in self.stack.iter_mut().rev() {
            if let Screen::Conversation(c) = screen {
                if c.row.id == decoded.0.conversation
                    && matches!(c.attachments.state, DecodeState::Loading)
                {
                    c.attachments.state = DecodeState::Ready(decoded);
                    return;
                }
            }
        }
    }

    fn attachment_settings(&self) -> crate::config::AttachmentSettings {
        self.options
            .config
            .as_ref()
            .map(|c| c.attachments.clone())
            .unwrap_or_default()
    }

    /// Commands on a conversation that concern its attachments; `None`: not ours.
    pub(super) fn attachment_command(&mut self, cmd: Command) -> Option<Effect> {
        let Some(Screen::Conversation(c)) = self.stack.last_mut() else {
            return None;
        };
        let count = c.attachments.decoded().map_or(0, |d| d.parts.len());
        let selected = c.attachments.selected;
        match cmd {
            Command::NextAttachment | Command::PrevAttachment => {
                if count == 0 {
                    let loading = matches!(c.attachments.state, DecodeState::Loading);
                    self.info(if loading {
                        "The attachments are still being read…"
                    } else {
                        "This conversation has no attachments."
                    });
                    return Some(Effect::None);
                }
                let next = match (cmd, selected) {
                    (Command::NextAttachment, None) => 0,
                    (Command::NextAttachment, Some(i)) => (i + 1) % count,
                    (_, None) => count - 1,
                    (_, Some(i)) => (i + count - 1) % count,
                };
                self.select_attachment(next);
            }
            Command::OpenAttachment => self.open_attachment(selected.unwrap_or(0)),
            Command::Open if selected.is_some() => self.open_attachment(selected.unwrap_or(0)),
            Command::Back if selected.is_some() => {
                c.attachments.selected = None;
                c.attachments.confirm = None;
            }
            Command::SaveAttachment => self.save_attachments(Some(selected.unwrap_or(0))),
            Command::SaveAllAttachments => self.save_attachments(None),
            Command::ToggleImages => {
                c.attachments.images_hidden = !c.attachments.images_hidden;
                let hidden = c.attachments.images_hidden;
                self.info(if hidden {
                    "Images hidden."
                } else {
                    "Images shown where the terminal can draw them."
                });
            }
            // A forwarded message is only read here: acting on it means the conversation.
            Command::Reply
            | Command::MarkAnswered
            | Command::Snooze
            | Command::NotCustomer
            | Command::AddNote
                if c.attachments.nested.is_some() =>
            {
                self.info("This is a forwarded message; Esc goes back to the conversation.");
            }
            _ => return None,
        }
        Some(Effect::None)
    }

    /// Selects attachment `i` and scrolls its line into view.
    pub(super) fn select_attachment(&mut self, i: usize) {
        let (width, height, now) = (self.size.width, self.size.height, self.now);
        let tz = self.data.calendar().tz;
        let Some(Screen::Conversation(c)) = self.stack.last_mut() else {
            return;
        };
        c.attachments.selected = Some(i);
        c.attachments.confirm = None;
        let lines = crate::layout::thread::thread_lines(
            &c.row.flags,
            &c.notes,
            &c.messages,
            c.show_quoted,
            width,
            now,
            tz,
        );
        let line = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l, crate::layout::thread::ThreadLine::Attachment(_)))
            .nth(i)
            .map(|(n, _)| n);
        if let Some(line) = line {
            let page = usize::from(crate::layout::conversation_body_height(height)).max(1);
            if line < c.scroll || line >= c.scroll + page {
                c.scroll = line.saturating_sub(page / 2);
            }
        }
        let text = c
            .attachments
            .decoded()
            .and_then(|d| d.parts.get(i))
            .map(|p| {
                let warn = match &p.verdict {
                    Verdict::Open => String::new(),
                    Verdict::Mismatch(why) | Verdict::Program(why) => format!(" ! {why}."),
                };
                format!(
                    "Attachment {} of {}: {} ({}).{warn}",
                    i + 1,
                    c.attachments.decoded().map_or(0, |d| d.parts.len()),
                    crate::mail::sanitize::line(&p.name),
                    human_size(p.size())
                )
            });
        if let Some(text) = text {
            let km = &self.options.keymap;
            let hint = format!(
                " {} opens, {} saves, {} saves all.",
                km.hint(Command::OpenAttachment),
                km.hint(Command::SaveAttachment),
                km.hint(Command::SaveAllAttachments)
            );
            self.info(format!("{text}{hint}"));
        }
    }

    /// A click on the thread's line `line` (0-based, before scrolling): the attachment on it.
    pub(super) fn attachment_at_line(&self, line: usize) -> Option<usize> {
        let Some(Screen::Conversation(c)) = self.stack.last() else {
            return None;
        };
        let lines = crate::layout::thread::thread_lines(
            &c.row.flags,
            &c.notes,
            &c.messages,
            c.show_quoted,
            self.size.width,
            self.now,
            self.data.calendar().tz,
        );
        if !matches!(
            lines.get(line),
            Some(crate::layout::thread::ThreadLine::Attachment(_))
        ) {
            return None;
        }
        Some(
            lines
                .iter()
                .take(line)
                .filter(|l| matches!(l, crate::layout::thread::ThreadLine::Attachment(_)))
                .count(),
        )
    }

    fn part(&self, i: usize) -> Option<Part> {
        let Some(Screen::Conversation(c)) = self.stack.last() else {
            return None;
        };
        c.attachments.decoded()?.parts.get(i).cloned()
    }

    /// Opens attachment `i`: a forwarded message nested in the app, anything else with the
    /// viewer from a private copy (programs never; a mismatch after a second press).
    fn open_attachment(&mut self, i: usize) {
        let Some(part) = self.part(i) else {
            return self.info("The attachments are still being read, or there are none.");
        };
        if part.is_message() {
            return self.open_nested(&part);
        }
        let confirmed = matches!(
            self.stack.last(),
            Some(Screen::Conversation(c)) if c.attachments.confirm == Some(i)
        );
        let settings = self.attachment_settings();
        match open::open(&part, settings.open_command.as_deref(), confirmed) {
            Ok(opened) => {
                self.info(format!(
                    "Opened \"{}\" from a private copy.",
                    crate::mail::sanitize::line(&part.name)
                ));
                self.opened.0.push(opened);
            }
            Err(open::OpenError::NeedsConfirm(why)) => {
                if let Some(Screen::Conversation(c)) = self.stack.last_mut() {
                    c.attachments.confirm = Some(i);
                }
                self.error(super::reply::sentence(&open::OpenError::NeedsConfirm(why)));
            }
            Err(e) => self.error(super::reply::sentence(&e)),
        }
    }

    /// A forwarded message: its headers and text in a box, its own attachments listed.
    fn open_nested(&mut self, part: &Part) {
        let parsed = crate::mail::parse::parse_message(&part.bytes);
        let clean = crate::mail::sanitize::line;
        let addr = |a: &crate::mail::Address| match &a.name {
            Some(n) => format!("{} <{}>", clean(n), clean(&a.addr)),
            None => clean(&a.addr),
        };
        let mut lines = Vec::new();
        if let Some(from) = &parsed.from {
            lines.push(format!("From: {}", addr(from)));
        }
        if !parsed.to.is_empty() {
            let to: Vec<String> = parsed.to.iter().map(addr).collect();
            lines.push(format!("To: {}", to.join(", ")));
        }
        if let Some(d) = parsed.date {
            let tz = self.data.calendar().tz;
            lines.push(format!(
                "Date: {}",
                d.with_timezone(&tz).format("%a %-d %b %Y %H:%M")
            ));
        }
        lines.push(format!("Subject: {}", clean(&parsed.subject)));
        lines.push(String::new());
        lines.extend(parsed.body.lines().map(str::to_string));
        for a in &parsed.attachments {
            lines.push(format!(
                "[attachment] {} ({}, {})",
                clean(&a.name),
                clean(&a.mime),
                human_size(a.size)
            ));
        }
        for p in &parsed.problems {
            lines.push(format!("[problem] {}", clean(p)));
        }
        self.overlay = Some(Overlay::Nested {
            title: format!("Forwarded: {}", clean(&part.name)),
            lines,
            scroll: 0,
        });
    }

    /// Saves attachment `which` (or all of them) into the save folder, never overwriting.
    fn save_attachments(&mut self, which: Option<usize>) {
        let Some(Screen::Conversation(c)) = self.stack.last() else {
            return;
        };
        let Some(d) = c.attachments.decoded() else {
            return self.info("The attachments are still being read, or there are none.");
        };
        let parts: Vec<Part> = match which {
            Some(i) => d.parts.get(i).cloned().into_iter().collect(),
            None => d.parts.clone(),
        };
        if parts.is_empty() {
            return self.info("This conversation has no attachments.");
        }
        let dir = self
            .attachment_settings()
            .save_dir
            .unwrap_or_else(save::default_dir);
        let mut saved = Vec::new();
        for p in &parts {
            match save::save_unique(&dir, &p.name, &p.bytes) {
                Ok(path) => saved.push(path),
                Err(e) => return self.error(super::reply::sentence(&e)),
            }
        }
        let names: Vec<String> = saved
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| crate::mail::sanitize::line(&n.to_string_lossy()))
            .collect();
        self.info(match names.as_slice() {
            [one] => format!("Saved \"{one}\" in {}.", dir.display()),
            many => format!("Saved {} attachments in {}.", many.len(), dir.display()),
        });
    }
}

/// The action the loop sends back after decoding.
pub fn decoded_action(job: &DecodeJob) -> Action {
    Action::AttachmentsDecoded(decode(job))
}
