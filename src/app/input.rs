//! The one line editor behind every text field (the search box, the find prompt, the snooze
//! time, notes, the first name). Editing itself is `tui-input`'s (grapheme-aware, with a kill
//! ring); this file only decides which terminal keys mean which edit, so that every field gets
//! the same readline keys and the app stays drivable headless through [`InputKey`].

use super::InputKey;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthStr;

/// Readline edits beyond the plain keys [`InputKey`] already names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKey {
    /// C-u: delete from the start of the line to the cursor.
    DeleteToStart,
    /// C-k: delete from the cursor to the end of the line.
    DeleteToEnd,
    /// C-w, A-Backspace: delete the word before the cursor.
    DeleteWordBack,
    /// A-d, C-Delete: delete the word after the cursor.
    DeleteWordForward,
    /// A-b, C-Left: one word left.
    WordLeft,
    /// A-f, C-Right: one word right.
    WordRight,
    /// C-y: put back what the last deletion took.
    Yank,
    /// C-z, C-_: take the last edit back (the reply editor; one-line fields ignore it).
    Undo,
}

/// Maps a terminal key to a text-field key: the readline keys, the arrows, Enter and Esc.
/// C-c stays "quit at once" and C-n/C-p move in a list; the caller handles those first.
/// Returns None for keys a text field ignores (other control and Alt chords).
pub fn text_key(key: &KeyEvent) -> Option<InputKey> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let edit = |e| Some(InputKey::Edit(e));
    match key.code {
        // AltGr arrives as Ctrl+Alt on Windows: "@" and "€" on a German keyboard are text.
        KeyCode::Char(c) if ctrl && alt => Some(InputKey::Char(c)),
        KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
            'a' => Some(InputKey::Home),
            'e' => Some(InputKey::End),
            'b' => Some(InputKey::Left),
            'f' => Some(InputKey::Right),
            'h' => Some(InputKey::Backspace),
            'd' => Some(InputKey::Delete),
            'u' => edit(EditKey::DeleteToStart),
            'k' => edit(EditKey::DeleteToEnd),
            'w' => edit(EditKey::DeleteWordBack),
            'y' => edit(EditKey::Yank),
            // C-_ arrives as C-7 from most terminals.
            'z' | '_' | '7' => edit(EditKey::Undo),
            _ => None,
        },
        KeyCode::Char(c) if alt => match c.to_ascii_lowercase() {
            'b' => edit(EditKey::WordLeft),
            'f' => edit(EditKey::WordRight),
            'd' => edit(EditKey::DeleteWordForward),
            _ => None,
        },
        KeyCode::Char(c) => Some(InputKey::Char(c)),
        KeyCode::Backspace if alt || ctrl => edit(EditKey::DeleteWordBack),
        KeyCode::Backspace => Some(InputKey::Backspace),
        KeyCode::Delete if ctrl => edit(EditKey::DeleteWordForward),
        KeyCode::Delete => Some(InputKey::Delete),
        KeyCode::Left if ctrl || alt => edit(EditKey::WordLeft),
        KeyCode::Right if ctrl || alt => edit(EditKey::WordRight),
        KeyCode::Left => Some(InputKey::Left),
        KeyCode::Right => Some(InputKey::Right),
        KeyCode::Home => Some(InputKey::Home),
        KeyCode::End => Some(InputKey::End),
        KeyCode::Up | KeyCode::BackTab => Some(InputKey::Up),
        KeyCode::Down | KeyCode::Tab => Some(InputKey::Down),
        KeyCode::Enter => Some(InputKey::Submit),
        KeyCode::Esc => Some(InputKey::Cancel),
        _ => None,
    }
}

/// A one-line text field. Control characters never enter it (a stored note with newlines is
/// folded onto one line), so what is shown is what is saved.
#[derive(Debug, Clone, Default)]
pub struct LineEditor {
    input: Input,
}

impl LineEditor {
    /// A field holding `text`, the cursor at its end.
    pub fn with_text(text: &str) -> LineEditor {
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        LineEditor {
            input: Input::new(text),
        }
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    pub fn is_empty(&self) -> bool {
        self.text().is_empty()
    }

    /// Applies one key. Enter, Esc, Up and Down mean something to the dialog, not the text,
    /// and are ignored here.
    pub fn apply(&mut self, key: InputKey) {
        let req = match key {
            InputKey::Char(c) if c.is_control() => return,
            InputKey::Char(c) => InputRequest::InsertChar(c),
            InputKey::Backspace => InputRequest::DeletePrevChar,
            InputKey::Delete => InputRequest::DeleteNextChar,
            InputKey::Left => InputRequest::GoToPrevChar,
            InputKey::Right => InputRequest::GoToNextChar,
            InputKey::Home => InputRequest::GoToStart,
            InputKey::End => InputRequest::GoToEnd,
            InputKey::Edit(e) => match e {
                EditKey::DeleteToStart => InputRequest::DeleteFromStart,
                EditKey::DeleteToEnd => InputRequest::DeleteTillEnd,
                EditKey::DeleteWordBack => InputRequest::DeletePrevWord,
                EditKey::DeleteWordForward => InputRequest::DeleteNextWord,
                EditKey::WordLeft => InputRequest::GoToPrevWord,
                EditKey::WordRight => InputRequest::GoToNextWord,
                EditKey::Yank => InputRequest::Yank,
                EditKey::Undo => return,
            },
            InputKey::Up
            | InputKey::Down
            | InputKey::Submit
            | InputKey::Cancel
            | InputKey::Complete => return,
        };
        self.input.handle(req);
    }

    /// Display columns before the cursor, for placing the terminal cursor.
    pub fn cursor_column(&self) -> u16 {
        let text = self.text();
        let byte = text
            .char_indices()
            .nth(self.input.cursor())
            .map_or(text.len(), |(b, _)| b);
        u16::try_from(text[..byte].width()).unwrap_or(u16::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> LineEditor {
        let mut e = LineEditor::default();
        for c in text.chars() {
            e.apply(InputKey::Char(c));
        }
        e
    }

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn edits_multibyte_text() {
        let mut e = typed("Grüße");
        assert_eq!(e.text(), "Grüße");
        e.apply(InputKey::Left);
        e.apply(InputKey::Left);
        e.apply(InputKey::Backspace);
        assert_eq!(e.text(), "Grße");
        e.apply(InputKey::Delete);
        assert_eq!(e.text(), "Gre");
        e.apply(InputKey::Home);
        e.apply(InputKey::Char('X'));
        assert_eq!(e.text(), "XGre");
        assert_eq!(e.cursor_column(), 1);
        e.apply(InputKey::End);
        e.apply(InputKey::Char('\u{1b}'));
        assert_eq!(e.text(), "XGre", "control characters never enter");
    }

    /// The readline keys, each from the terminal key through to the text and the cursor.
    #[test]
    fn readline_keys_edit_like_a_shell() {
        let ctrl = KeyModifiers::CONTROL;
        let alt = KeyModifiers::ALT;
        let none = KeyModifiers::NONE;
        // (start text, keys, expected text, expected cursor column)
        type Case<'a> = (&'a str, &'a [(KeyCode, KeyModifiers)], &'a str, u16);
        let cases: &[Case] = &[
            (
                "where is my parcel",
                &[(KeyCode::Char('w'), ctrl)],
                "where is my ",
                12,
            ),
            ("where is my parcel", &[(KeyCode::Char('u'), ctrl)], "", 0),
            (
                "where is my parcel",
                &[(KeyCode::Char('b'), alt), (KeyCode::Char('u'), ctrl)],
                "parcel",
                0,
            ),
            (
                "where is my parcel",
                &[(KeyCode::Char('a'), ctrl), (KeyCode::Char('f'), alt)],
                "where is my parcel",
                6,
            ),
            (
                "where is my parcel",
                &[(KeyCode::Char('a'), ctrl), (KeyCode::Char('k'), ctrl)],
                "",
                0,
            ),
            (
                "where is my parcel",
                &[
                    (KeyCode::Char('a'), ctrl),
                    (KeyCode::Char('>'), none),
                    (KeyCode::Char('e'), ctrl),
                    (KeyCode::Char('!'), none),
                ],
                ">where is my parcel!",
                20,
            ),
            (
                "two words",
                &[(KeyCode::Backspace, alt), (KeyCode::Char('y'), ctrl)],
                "two words",
                9,
            ),
            ("two words", &[(KeyCode::Left, ctrl)], "two words", 4),
            (
                "two words",
                &[(KeyCode::Home, none), (KeyCode::Right, ctrl)],
                "two words",
                4,
            ),
            (
                "Grüße aus Köln",
                &[(KeyCode::Char('w'), ctrl)],
                "Grüße aus ",
                10,
            ),
        ];
        for (start, keys, want, col) in cases {
            let mut e = LineEditor::with_text(start);
            for (code, mods) in keys.iter() {
                let k = text_key(&key(*code, *mods)).expect("a text key");
                e.apply(k);
            }
            assert_eq!(e.text(), *want, "{start:?} {keys:?}");
            assert_eq!(e.cursor_column(), *col, "{start:?} {keys:?}");
        }
    }

    #[test]
    fn other_chords_type_nothing() {
        for (code, mods) in [
            (KeyCode::Char('x'), KeyModifiers::CONTROL),
            (KeyCode::Char('x'), KeyModifiers::ALT),
            (KeyCode::F(5), KeyModifiers::NONE),
        ] {
            assert_eq!(text_key(&key(code, mods)), None, "{code:?} {mods:?}");
        }
        assert_eq!(
            text_key(&key(KeyCode::Char('N'), KeyModifiers::SHIFT)),
            Some(InputKey::Char('N'))
        );
        assert_eq!(
            text_key(&key(
                KeyCode::Char('@'),
                KeyModifiers::CONTROL | KeyModifiers::ALT
            )),
            Some(InputKey::Char('@')),
            "AltGr"
        );
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
