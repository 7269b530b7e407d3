//! A one-line text editor for the search box, the snooze time and customer notes. Small on
//! purpose: insert, delete, move by character, home/end. The cursor is a char index so that
//! multi-byte text never splits inside a character.

use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    text: String,
    /// Cursor position in chars (0..=len).
    cursor: usize,
}

impl LineEditor {
    pub fn with_text(text: &str) -> LineEditor {
        // Notes are one line in this editor: fold any newlines a stored note might carry.
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let cursor = text.chars().count();
        LineEditor { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map(|(b, _)| b)
            .unwrap_or(self.text.len())
    }

    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.chars().count();
    }

    /// Display columns before the cursor, for placing the terminal cursor.
    pub fn cursor_column(&self) -> u16 {
        let w: usize = self
            .text
            .chars()
            .take(self.cursor)
            .map(|c| c.width().unwrap_or(0))
            .sum();
        u16::try_from(w).unwrap_or(u16::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_multibyte_text() {
        let mut e = LineEditor::default();
        for c in "Grüße".chars() {
            e.insert(c);
        }
        assert_eq!(e.text(), "Grüße");
        e.left();
        e.left();
        e.backspace();
        assert_eq!(e.text(), "Grße");
        e.delete();
        assert_eq!(e.text(), "Gre");
        e.home();
        e.insert('X');
        assert_eq!(e.text(), "XGre");
        assert_eq!(e.cursor_column(), 1);
        e.end();
        e.right();
        e.insert('\u{1b}');
        assert_eq!(e.text(), "XGre");
        e.backspace();
        assert_eq!(e.text(), "XGr");
    }

    #[test]
    fn with_text_folds_controls_and_puts_cursor_at_end() {
        let e = LineEditor::with_text("a\nb");
        assert_eq!(e.text(), "a b");
        assert_eq!(e.cursor_column(), 3);
    }

    #[test]
    fn wide_chars_count_two_columns() {
        let e = LineEditor::with_text("日本");
        assert_eq!(e.cursor_column(), 4);
    }
}
