//! The customer panel's lists as the screen shows them: which entries are in view and which
//! one a terminal row points at. The rows come from `layout::customer`, which the drawing
//! uses too, so the app and the screen agree without the app knowing how anything is drawn.

use super::{CustomerFocus, CustomerScreen};
use crate::layout::customer::{customer_rows, first_visible, CustomerRows, Section};
use crate::layout::STATUS_ROWS;

/// The panel's parts for a terminal `height` rows tall (the panel is all but the status bar).
fn rows(c: &CustomerScreen, height: u16) -> CustomerRows {
    customer_rows(height.saturating_sub(STATUS_ROWS), c.info.orders.len())
}

impl CustomerScreen {
    /// Scrolls each list just enough to keep its selection in view.
    pub(super) fn follow_selection(&mut self, height: u16) {
        let r = rows(self, height);
        let shown = |s: Section| usize::from(s.list().1);
        self.conversations_top = first_visible(
            self.conversations_top,
            self.selected_conversation,
            shown(r.conversations),
        );
        self.notes_top = first_visible(self.notes_top, self.selected_note, shown(r.notes));
    }

    /// The list and entry drawn at terminal row `y` (conversations or notes), if any.
    pub(super) fn entry_at(&self, y: u16, height: u16) -> Option<(CustomerFocus, usize)> {
        entry_at(
            y,
            rows(self, height),
            (
                self.conversations_top,
                self.selected_conversation,
                self.info.conversations.len(),
            ),
            (self.notes_top, self.selected_note, self.info.notes.len()),
        )
    }

    /// The selected entry of one list.
    pub(super) fn selected(&self, focus: CustomerFocus) -> usize {
        match focus {
            CustomerFocus::Conversations => self.selected_conversation,
            CustomerFocus::Notes => self.selected_note,
        }
    }
}

/// A list as drawn: (first entry last shown, selected entry, number of entries).
type ListState = (usize, usize, usize);

/// Which list of the panel laid out as `r` row `y` falls in, and the entry drawn there.
fn entry_at(
    y: u16,
    r: CustomerRows,
    conversations: ListState,
    notes: ListState,
) -> Option<(CustomerFocus, usize)> {
    let hit = |section: Section, (top, selected, total): ListState| {
        let (list_top, list_height) = section.list();
        let first = first_visible(top, selected, usize::from(list_height));
        super::mouse::row_at(y, list_top, list_height, first as u64, total as u64)
            .map(|i| i as usize)
    };
    hit(r.conversations, conversations)
        .map(|i| (CustomerFocus::Conversations, i))
        .or_else(|| hit(r.notes, notes).map(|i| (CustomerFocus::Notes, i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_point_at_the_entry_drawn_there() {
        use CustomerFocus::{Conversations as C, Notes as N};
        // A 29-row panel: conversations on rows 3..=20, notes on rows 22..=28 (see
        // `layout::customer`); with 3 orders they make room: conversations end at row 16.
        let wide = customer_rows(29, 0);
        let with_orders = customer_rows(29, 3);
        // (y, rows, conversations, notes, expected)
        let cases = [
            (2, wide, (0, 0, 30), (0, 0, 2), None),
            (3, wide, (0, 0, 30), (0, 0, 2), Some((C, 0))),
            (20, wide, (0, 0, 30), (0, 0, 2), Some((C, 17))),
            (20, wide, (0, 0, 5), (0, 0, 2), None),
            (21, wide, (0, 0, 30), (0, 0, 2), None),
            (22, wide, (0, 0, 30), (0, 0, 2), Some((N, 0))),
            (23, wide, (0, 0, 30), (0, 0, 2), Some((N, 1))),
            (24, wide, (0, 0, 30), (0, 0, 2), None),
            // Scrolled: the list shows entries 10.. from its stored top.
            (3, wide, (10, 12, 30), (0, 0, 2), Some((C, 10))),
            // A selection out of view (the terminal shrank): the view follows it.
            (20, wide, (0, 25, 30), (0, 0, 2), Some((C, 25))),
            (16, with_orders, (0, 0, 30), (0, 0, 2), Some((C, 13))),
            (17, with_orders, (0, 0, 30), (0, 0, 2), None),
            (19, with_orders, (0, 0, 30), (0, 0, 2), None),
        ];
        for (y, r, convs, notes, want) in cases {
            assert_eq!(entry_at(y, r, convs, notes), want, "row {y}");
        }
    }
}
