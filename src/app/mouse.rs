//! Mouse clicks: a click selects a list row, a double click opens it (the wheel scrolls, see
//! `Action::ScrollUp`). Lists: the inbox, the outbox, the rules, and the customer panel's
//! conversations and notes (its rows come from `layout::customer`, as drawn). Time comes from
//! the event loop as milliseconds on its monotonic clock, so the app never reads a clock and
//! tests pass plain numbers.
//!
//! Hit-testing needs only where a list starts and how many rows it shows, passed as plain
//! numbers, so this file does not depend on how the screens are drawn.

use super::{App, Command, Screen};

/// Two clicks on the same row within this many milliseconds are a double click (the usual
/// desktop default is 400–500 ms).
pub const DOUBLE_CLICK_MS: u64 = 400;

/// First terminal row of the inbox list: below the view tabs, the summary line and the column
/// header (see `ui::inbox::draw`; its height is `ui::inbox_list_height`).
pub const INBOX_LIST_TOP: u16 = 3;
/// First row of a conversation's thread: below its subject and who-line.
pub const THREAD_TOP: u16 = 2;
/// First row of the outbox and rules lists: below their one title line.
pub const SIMPLE_LIST_TOP: u16 = 1;

/// One click, remembered to recognise the second of a double click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Click {
    pub row: u16,
    pub at_ms: u64,
}

/// The index of the list entry under terminal row `y`, for a list whose first visible row is
/// drawn at `list_top`, shows `list_height` rows and starts at entry `first` of `total`.
pub fn row_at(y: u16, list_top: u16, list_height: u16, first: u64, total: u64) -> Option<u64> {
    let offset = y.checked_sub(list_top)?;
    if offset >= list_height {
        return None;
    }
    let index = first + u64::from(offset);
    (index < total).then_some(index)
}

/// Whether `now` is the second click of a double click after `previous`.
pub fn is_double(previous: Option<Click>, now: Click) -> bool {
    previous.is_some_and(|p| {
        p.row == now.row && now.at_ms >= p.at_ms && now.at_ms - p.at_ms <= DOUBLE_CLICK_MS
    })
}

impl App {
    /// A left click: select the row under it; on the second click of a double click, open it.
    /// Clicks elsewhere (and while a box is open) do nothing.
    pub(super) fn click(&mut self, _column: u16, row: u16, at_ms: u64) -> super::Effect {
        if self.overlay.is_some() || self.find.prompt.is_some() {
            return super::Effect::None;
        }
        let click = Click { row, at_ms };
        let double = is_double(self.last_click, click);
        // A third click starts a new pair rather than opening twice.
        self.last_click = if double { None } else { Some(click) };
        // In a conversation a click selects the attachment under it; a double click opens it.
        if let Some(Screen::Conversation(c)) = self.stack.last() {
            let body = crate::layout::conversation_body_height(self.size.height);
            let hit = row
                .checked_sub(THREAD_TOP)
                .filter(|&r| r < body)
                .and_then(|r| self.attachment_at_line(c.scroll + usize::from(r)));
            let Some(i) = hit else {
                self.last_click = None;
                return super::Effect::None;
            };
            self.status = None;
            self.select_attachment(i);
            if double {
                return self.command(Command::OpenAttachment);
            }
            return super::Effect::None;
        }
        // In the customer panel a click also moves the focus to the list it lands in.
        let mut focus = None;
        let target = match self.stack.last() {
            None => {
                let height = crate::layout::inbox_list_height(self.size.height);
                row_at(
                    row,
                    INBOX_LIST_TOP,
                    height,
                    self.inbox.top,
                    self.inbox.total,
                )
                .map(|i| (i, self.inbox.selected))
            }
            Some(Screen::Outbox(s)) => {
                let height = self.size.height.saturating_sub(SIMPLE_LIST_TOP + 1);
                row_at(row, SIMPLE_LIST_TOP, height, 0, s.entries.len() as u64)
                    .map(|i| (i, s.selected as u64))
            }
            Some(Screen::Rules(s)) => {
                let height = self.size.height.saturating_sub(SIMPLE_LIST_TOP + 1);
                row_at(row, SIMPLE_LIST_TOP, height, 0, s.rules.len() as u64)
                    .map(|i| (i, s.selected as u64))
            }
            Some(Screen::Customer(c)) => c.entry_at(row, self.size.height).map(|(f, i)| {
                focus = Some(f);
                (i as u64, c.selected(f) as u64)
            }),
            _ => None,
        };
        let Some((index, selected)) = target else {
            self.last_click = None;
            return super::Effect::None;
        };
        self.status = None;
        if let (Some(f), Some(Screen::Customer(c))) = (focus, self.stack.last_mut()) {
            c.focus = f;
        }
        self.move_by(index as i64 - selected as i64);
        if double {
            return self.command(Command::Open);
        }
        super::Effect::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_under_the_pointer() {
        // (y, top, height, first, total, expected)
        let cases = [
            (3, 3, 10, 0, 5, Some(0)),
            (7, 3, 10, 0, 5, Some(4)),
            (8, 3, 10, 0, 5, None),
            (2, 3, 10, 0, 5, None),
            (12, 3, 10, 20, 100, Some(29)),
            (13, 3, 10, 20, 100, None),
            (0, 0, 0, 0, 5, None),
        ];
        for (y, top, h, first, total, want) in cases {
            assert_eq!(row_at(y, top, h, first, total), want, "{y} {top} {h}");
        }
    }

    #[test]
    fn double_clicks_are_quick_and_on_one_row() {
        let c = |row, at_ms| Click { row, at_ms };
        assert!(is_double(Some(c(4, 1000)), c(4, 1400)));
        assert!(!is_double(Some(c(4, 1000)), c(4, 1401)));
        assert!(!is_double(Some(c(4, 1000)), c(5, 1100)));
        assert!(!is_double(None, c(4, 1000)));
        assert!(
            !is_double(Some(c(4, 1000)), c(4, 900)),
            "time never runs back"
        );
    }
}
