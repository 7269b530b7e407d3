//! The reply's text edited in place (issue 23, point 3): a small multi-line editor with the
//! same readline keys as every one-line field ([`super::input::text_key`]: arrows, Home/End,
//! C-a/C-e, C-k, C-u, C-w, C-y, A-b/A-f), Enter for a new line, and undo (C-z, C-_).
//!
//! Why our own and not `tui-textarea`: its 0.7 release is written against ratatui 0.29 (the
//! project is on 0.30), and the maintained fork `ratatui-textarea` 0.9 needs Rust 1.86 (the
//! project's floor is 1.85) and brings its own key handling and backend crates. What a reply
//! needs is plain text, grapheme-correct editing and keys the app decides, so that tests drive
//! it headless through [`InputKey`] like every other field; that is this file. The text that is
//! sent goes through the same normalizing as a reply back from `$EDITOR`
//! ([`super::reply::normalize_edited`]), and every field is cleaned when drawn.

use super::{EditKey, InputKey};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// How many edits undo remembers.
const UNDO_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    lines: Vec<String>,
    row: usize,
    col: usize,
}

/// A multi-line text with a cursor. `col` is a byte offset on a grapheme boundary of
/// `lines[row]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEditor {
    lines: Vec<String>,
    row: usize,
    col: usize,
    undo: Vec<Snapshot>,
    /// The last edit was typing: the next typed character joins the same undo step.
    typing: bool,
    /// What the last deletion took, for C-y.
    killed: String,
}

impl TextEditor {
    /// The editor on `text`, the cursor at its start. Control characters other than line
    /// breaks are dropped, so what is shown is what is sent.
    pub fn new(text: &str) -> TextEditor {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut lines: Vec<String> = text.split('\n').map(clean_line).collect();
        // The text's final line break is not an empty line to edit.
        if lines.len() > 1 && lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        TextEditor {
            lines,
            row: 0,
            col: 0,
            undo: Vec::new(),
            typing: false,
            killed: String::new(),
        }
    }

    /// The text, lines joined with `\n` and a final line break.
    pub fn text(&self) -> String {
        let mut t = self.lines.join("\n");
        t.push('\n');
        t
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The cursor: line, and display columns before it on that line.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.before().width())
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Applies one key. Esc (Cancel) means something to the screen and is ignored here.
    pub fn apply(&mut self, key: InputKey) {
        let typing = matches!(key, InputKey::Char(c) if !c.is_whitespace());
        match key {
            InputKey::Char(c) if c.is_control() => {}
            InputKey::Char(c) => {
                if !(typing && self.typing) {
                    self.remember();
                }
                let col = self.col;
                if let Some(line) = self.line_mut() {
                    line.insert(col, c);
                }
                self.col += c.len_utf8();
            }
            InputKey::Submit => {
                self.remember();
                let col = self.col;
                let rest = self
                    .line_mut()
                    .map(|l| l.split_off(col))
                    .unwrap_or_default();
                self.lines.insert(self.row + 1, rest);
                self.row += 1;
                self.col = 0;
            }
            InputKey::Backspace => {
                if self.col > 0 {
                    self.remember();
                    let (start, col) = (self.prev_boundary(), self.col);
                    if let Some(line) = self.line_mut() {
                        line.replace_range(start..col, "");
                    }
                    self.col = start;
                } else if self.row > 0 {
                    self.remember();
                    self.join_with_previous();
                }
            }
            InputKey::Delete => {
                let len = self.line().len();
                if self.col < len {
                    self.remember();
                    let (col, end) = (self.col, self.next_boundary());
                    if let Some(line) = self.line_mut() {
                        line.replace_range(col..end, "");
                    }
                } else if self.row + 1 < self.lines.len() {
                    self.remember();
                    self.join_with_next();
                }
            }
            InputKey::Left => {
                if self.col > 0 {
                    self.col = self.prev_boundary();
                } else if self.row > 0 {
                    self.row -= 1;
                    self.col = self.line().len();
                }
            }
            InputKey::Right => {
                if self.col < self.line().len() {
                    self.col = self.next_boundary();
                } else if self.row + 1 < self.lines.len() {
                    self.row += 1;
                    self.col = 0;
                }
            }
            InputKey::Home => self.col = 0,
            InputKey::End => self.col = self.line().len(),
            InputKey::Up => self.vertical(-1),
            InputKey::Down => self.vertical(1),
            InputKey::Cancel | InputKey::Complete => {}
            InputKey::Edit(e) => self.edit(e),
        }
        self.typing = typing;
    }

    fn edit(&mut self, e: EditKey) {
        let line_len = self.line().len();
        match e {
            EditKey::Undo => {
                if let Some(s) = self.undo.pop() {
                    self.lines = s.lines;
                    self.row = s.row;
                    self.col = s.col;
                }
            }
            EditKey::DeleteToStart => {
                if self.col > 0 {
                    self.remember();
                    self.killed = self.before().to_string();
                    let col = self.col;
                    if let Some(line) = self.line_mut() {
                        line.replace_range(..col, "");
                    }
                    self.col = 0;
                }
            }
            EditKey::DeleteToEnd => {
                if self.col < line_len {
                    self.remember();
                    let col = self.col;
                    self.killed = self
                        .line_mut()
                        .map(|l| l.split_off(col))
                        .unwrap_or_default();
                } else if self.row + 1 < self.lines.len() {
                    // At the end of a line C-k takes the line break, as in Emacs.
                    self.remember();
                    self.killed = "\n".to_string();
                    self.join_with_next();
                }
            }
            EditKey::DeleteWordBack => {
                if self.col == 0 {
                    if self.row > 0 {
                        self.remember();
                        self.join_with_previous();
                    }
                    return;
                }
                self.remember();
                let (start, col) = (self.word_left(), self.col);
                self.killed = self.line().get(start..col).unwrap_or_default().to_string();
                if let Some(line) = self.line_mut() {
                    line.replace_range(start..col, "");
                }
                self.col = start;
            }
            EditKey::DeleteWordForward => {
                if self.col < line_len {
                    self.remember();
                    let (col, end) = (self.col, self.word_right());
                    self.killed = self.line().get(col..end).unwrap_or_default().to_string();
                    if let Some(line) = self.line_mut() {
                        line.replace_range(col..end, "");
                    }
                }
            }
            EditKey::WordLeft => {
                if self.col == 0 && self.row > 0 {
                    self.row -= 1;
                    self.col = self.line().len();
                } else {
                    self.col = self.word_left();
                }
            }
            EditKey::WordRight => {
                if self.col == line_len && self.row + 1 < self.lines.len() {
                    self.row += 1;
                    self.col = 0;
                } else {
                    self.col = self.word_right();
                }
            }
            EditKey::Yank => {
                if self.killed.is_empty() {
                    return;
                }
                self.remember();
                let killed = self.killed.clone();
                for (i, part) in killed.split('\n').enumerate() {
                    if i > 0 {
                        let col = self.col;
                        let rest = self
                            .line_mut()
                            .map(|l| l.split_off(col))
                            .unwrap_or_default();
                        self.lines.insert(self.row + 1, rest);
                        self.row += 1;
                        self.col = 0;
                    }
                    let col = self.col;
                    if let Some(line) = self.line_mut() {
                        line.insert_str(col, part);
                    }
                    self.col += part.len();
                }
            }
        }
    }

    /// The cursor's line. `row` always names a line: the text has at least one (`split`
    /// yields one even for ""), and every removal moves the cursor first; the empty fallback
    /// is never taken.
    fn line(&self) -> &str {
        self.lines.get(self.row).map_or("", String::as_str)
    }

    /// The cursor's line to edit (always there, see [`Self::line`]).
    fn line_mut(&mut self) -> Option<&mut String> {
        self.lines.get_mut(self.row)
    }

    /// The cursor's line before the cursor (`col` is kept on a grapheme boundary).
    fn before(&self) -> &str {
        let line = self.line();
        line.get(..self.col).unwrap_or(line)
    }

    /// The cursor's line from the cursor on.
    fn after(&self) -> &str {
        self.line().get(self.col..).unwrap_or_default()
    }

    /// Keeps the state before an edit for undo.
    fn remember(&mut self) {
        self.undo.push(Snapshot {
            lines: self.lines.clone(),
            row: self.row,
            col: self.col,
        });
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    fn join_with_previous(&mut self) {
        let joined = self.lines.remove(self.row);
        self.row -= 1;
        self.col = self.line().len();
        if let Some(line) = self.line_mut() {
            line.push_str(&joined);
        }
    }

    fn join_with_next(&mut self) {
        let next = self.lines.remove(self.row + 1);
        if let Some(line) = self.line_mut() {
            line.push_str(&next);
        }
    }

    fn prev_boundary(&self) -> usize {
        self.before()
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        let line = self.line();
        self.after()
            .graphemes(true)
            .next()
            .map_or(line.len(), |g| self.col + g.len())
    }

    /// The start of the word before the cursor (spaces before it skipped).
    fn word_left(&self) -> usize {
        // Walk back over the spaces, then over the word: the start is the first char of it.
        let mut chars = self.before().char_indices().rev().peekable();
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let mut start = None;
        while let Some((i, _)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
            start = Some(i);
        }
        start.unwrap_or(0).min(self.col)
    }

    /// The end of the word after the cursor (spaces before it skipped).
    fn word_right(&self) -> usize {
        let mut end = self.col;
        let mut chars = self.after().char_indices().peekable();
        while let Some((_, c)) = chars.peek() {
            if !c.is_whitespace() {
                break;
            }
            chars.next();
        }
        for (i, c) in chars {
            if c.is_whitespace() {
                return self.col + i;
            }
            end = self.col + i + c.len_utf8();
        }
        end.max(self.col)
    }

    /// Up/Down: the same display column on the next line, or its end.
    fn vertical(&mut self, by: i64) {
        let target = if by < 0 {
            let Some(r) = self.row.checked_sub(1) else {
                self.col = 0;
                return;
            };
            r
        } else if self.row + 1 < self.lines.len() {
            self.row + 1
        } else {
            self.col = self.line().len();
            return;
        };
        let want = self.before().width();
        self.row = target;
        let mut col = 0;
        let line = self.line();
        for (i, g) in line.grapheme_indices(true) {
            if line.get(..i).unwrap_or_default().width() + g.width() > want {
                break;
            }
            col = i + g.len();
        }
        self.col = col;
    }
}

/// A line as the editor keeps it: tabs become four spaces, other control characters go.
fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(e: &mut TextEditor, text: &str) {
        for c in text.chars() {
            e.apply(if c == '\n' {
                InputKey::Submit
            } else {
                InputKey::Char(c)
            });
        }
    }

    #[test]
    fn typing_new_lines_and_joining_them() {
        let mut e = TextEditor::new("Hi Anna,\n\nThanks.\n");
        assert_eq!(e.lines().len(), 3);
        e.apply(InputKey::End);
        typed(&mut e, "\nGrüße");
        assert_eq!(e.text(), "Hi Anna,\nGrüße\n\nThanks.\n");
        assert_eq!(e.cursor(), (1, 5));
        e.apply(InputKey::Home);
        e.apply(InputKey::Backspace);
        assert_eq!(e.text(), "Hi Anna,Grüße\n\nThanks.\n");
        e.apply(InputKey::Edit(EditKey::Undo));
        assert_eq!(e.text(), "Hi Anna,\nGrüße\n\nThanks.\n");
    }

    #[test]
    fn word_and_line_deletions_and_undo() {
        let mut e = TextEditor::new("We sent your parcel today\n");
        e.apply(InputKey::End);
        e.apply(InputKey::Edit(EditKey::DeleteWordBack));
        assert_eq!(e.text(), "We sent your parcel \n");
        e.apply(InputKey::Edit(EditKey::DeleteWordBack));
        assert_eq!(e.text(), "We sent your \n");
        e.apply(InputKey::Edit(EditKey::Undo));
        assert_eq!(e.text(), "We sent your parcel \n");
        e.apply(InputKey::Home);
        e.apply(InputKey::Edit(EditKey::WordRight));
        e.apply(InputKey::Edit(EditKey::DeleteToEnd));
        assert_eq!(e.text(), "We\n");
        e.apply(InputKey::Edit(EditKey::Yank));
        assert_eq!(e.text(), "We sent your parcel \n");
        e.apply(InputKey::Edit(EditKey::DeleteToStart));
        assert_eq!(e.text(), "\n");
    }

    #[test]
    fn a_typed_word_is_one_undo_step_and_controls_never_enter() {
        let mut e = TextEditor::new("a\tb\u{1b}[31m\n");
        assert_eq!(e.text(), "a    b[31m\n");
        e.apply(InputKey::End);
        typed(&mut e, " hello");
        e.apply(InputKey::Char('\u{7}'));
        assert_eq!(e.text(), "a    b[31m hello\n");
        e.apply(InputKey::Edit(EditKey::Undo));
        assert_eq!(e.text(), "a    b[31m \n");
        e.apply(InputKey::Edit(EditKey::Undo));
        assert_eq!(e.text(), "a    b[31m\n");
        assert!(!e.can_undo());
    }

    #[test]
    fn up_and_down_keep_the_column() {
        let mut e = TextEditor::new("long line here\nab\nanother long\n");
        e.apply(InputKey::End);
        e.apply(InputKey::Down);
        assert_eq!(e.cursor(), (1, 2));
        e.apply(InputKey::Up);
        assert_eq!(e.cursor(), (0, 2));
        e.apply(InputKey::Down);
        e.apply(InputKey::Down);
        assert_eq!(e.cursor(), (2, 2));
        e.apply(InputKey::Down);
        assert_eq!(e.cursor(), (2, 12), "the end of the last line");
    }
}
