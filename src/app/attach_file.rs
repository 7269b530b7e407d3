//! Files on a reply: `+` on the confirm screen opens a small file picker (a path field that
//! starts in the last folder used, the folder's entries below it; Tab completes, Up/Down pick,
//! Enter opens a folder or attaches a file), `-` removes the last file. The file's bytes are
//! read at once and travel with the draft, so undo and the outbox keep them.

use std::path::{Path, PathBuf};

use super::{App, Command, Effect, InputKey, LineEditor, Overlay, Screen};
use crate::send::attachment::human_size;
use crate::send::files;

/// Entries listed under the path at most.
pub const MAX_ENTRIES: usize = 200;

/// The picker's state.
#[derive(Debug, Clone, Default)]
pub struct FilePicker {
    pub input: LineEditor,
    /// The entries of the typed path's folder that match what was typed ("photos/" for
    /// folders), sorted.
    pub entries: Vec<String>,
    /// The entry picked with Up/Down, if any.
    pub selected: Option<usize>,
}

impl FilePicker {
    /// A picker on `dir` (shown with a trailing `/`).
    pub fn at(dir: &Path) -> FilePicker {
        let mut text = dir.display().to_string();
        if !text.ends_with('/') {
            text.push('/');
        }
        let mut p = FilePicker {
            input: LineEditor::with_text(&text),
            ..FilePicker::default()
        };
        p.refresh();
        p
    }

    /// Re-reads the entries for the typed text.
    pub fn refresh(&mut self) {
        let (_, mut entries) = files::complete(self.input.text());
        entries.truncate(MAX_ENTRIES);
        self.entries = entries;
        self.selected = None;
    }

    /// The path the selected entry (or the typed text) names.
    fn target(&self) -> String {
        let typed = self.input.text();
        match self.selected.and_then(|i| self.entries.get(i)) {
            Some(entry) => {
                let head = match typed.rfind('/') {
                    Some(i) => &typed[..=i],
                    None => "",
                };
                format!("{head}{entry}")
            }
            None => typed.to_string(),
        }
    }
}

/// The folder the picker starts in: the last one used, else Downloads.
fn start_dir(app: &App) -> PathBuf {
    app.last_attach_dir
        .clone()
        .unwrap_or_else(crate::attach::save::default_dir)
}

impl App {
    /// `+` and `-` on the confirm screen; `None`: not ours.
    pub(super) fn reply_attachment_command(&mut self, cmd: Command) -> Option<Effect> {
        let Some(Screen::Confirm(c)) = self.stack.last_mut() else {
            return None;
        };
        if c.editor.is_some() {
            return None;
        }
        match cmd {
            Command::AttachFile => {
                let dir = start_dir(self);
                self.overlay = Some(Overlay::AttachFile(FilePicker::at(&dir)));
            }
            Command::RemoveAttachment => match c.draft.attachments.pop() {
                Some(a) => {
                    let left = c.draft.attachments.len();
                    self.info(format!(
                        "Removed \"{}\" from the reply ({left} file{} left).",
                        crate::mail::sanitize::line(&a.name),
                        if left == 1 { "" } else { "s" }
                    ));
                }
                None => self.info("The reply has no attached files."),
            },
            _ => return None,
        }
        Some(Effect::None)
    }

    /// A key in the file picker.
    pub(super) fn attach_file_input(
        &mut self,
        mut p: FilePicker,
        key: InputKey,
    ) -> Option<Overlay> {
        match key {
            InputKey::Cancel => {
                self.info("No file attached.");
                return None;
            }
            InputKey::Complete => {
                let (line, entries) = files::complete(p.input.text());
                p.input = LineEditor::with_text(&line);
                p.entries = entries.into_iter().take(MAX_ENTRIES).collect();
                p.selected = None;
            }
            InputKey::Down if !p.entries.is_empty() => {
                p.selected = Some(p.selected.map_or(0, |i| (i + 1).min(p.entries.len() - 1)));
            }
            InputKey::Up => p.selected = p.selected.and_then(|i| i.checked_sub(1)),
            InputKey::Submit => {
                let target = p.target();
                let path = files::expand(&target);
                if path.is_dir() {
                    return Some(Overlay::AttachFile(FilePicker::at(&path)));
                }
                return match files::read(&path) {
                    Ok(file) => {
                        let name = crate::mail::sanitize::line(&file.name);
                        let size = human_size(file.size());
                        if let Some(dir) = path.parent() {
                            self.last_attach_dir = Some(dir.to_path_buf());
                        }
                        if let Some(Screen::Confirm(c)) = self.stack.last_mut() {
                            c.draft.attachments.push(file);
                            let n = c.draft.attachments.len();
                            let total: u64 = c.draft.attachments.iter().map(|a| a.size()).sum();
                            self.info(format!(
                                "Attached \"{name}\" ({size}); {n} file{}, {} in all.",
                                if n == 1 { "" } else { "s" },
                                human_size(total)
                            ));
                        }
                        None
                    }
                    Err(e) => {
                        self.error(super::reply::sentence(&e));
                        Some(Overlay::AttachFile(p))
                    }
                };
            }
            k => {
                p.input.apply(k);
                p.refresh();
            }
        }
        Some(Overlay::AttachFile(p))
    }
}
