//! Where the customer panel's parts sit, in rows from the top of the panel, and which entries
//! of its lists are visible. The drawing places its blocks with these numbers and the app's
//! mouse hit-test reads them back, so a click lands on the row that is drawn under it.

/// Rows above the lists: the name line and the summary line.
pub const CUSTOMER_CHROME: u16 = 2;
/// The most rows the notes take, and the platform's orders (their title included).
const NOTES_MAX: u16 = 8;
const ORDERS_MAX: u16 = 5;

/// One part of the panel: a title row (the block's top border) and the rows under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// First row (the title), counted from the top of the panel.
    pub top: u16,
    /// Rows including the title; 0 when the part is not shown.
    pub height: u16,
}

impl Section {
    /// The first list row (under the title) and how many list rows there are.
    pub fn list(self) -> (u16, u16) {
        (self.top + 1, self.height.saturating_sub(1))
    }
}

/// The panel's three parts, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerRows {
    pub conversations: Section,
    /// The shop platform's orders; height 0 when there are none.
    pub orders: Section,
    pub notes: Section,
}

/// The parts of a panel `height` rows tall (the screen without the status bar) for a customer
/// with `orders` platform orders: the notes take a third (3 to 8 rows), the orders up to five
/// rows when the conversations keep at least two, the conversations the rest.
pub fn customer_rows(height: u16, orders: usize) -> CustomerRows {
    let rest = height.saturating_sub(CUSTOMER_CHROME);
    let notes = (rest / 3).clamp(3.min(rest), NOTES_MAX);
    let orders = if orders == 0 {
        0
    } else {
        u16::try_from(orders + 1)
            .unwrap_or(u16::MAX)
            .min(ORDERS_MAX)
            .min(rest.saturating_sub(notes + 2))
    };
    let conversations = rest.saturating_sub(notes + orders);
    let top = CUSTOMER_CHROME.min(height);
    CustomerRows {
        conversations: Section {
            top,
            height: conversations,
        },
        orders: Section {
            top: top + conversations,
            height: orders,
        },
        notes: Section {
            top: top + conversations + orders,
            height: notes,
        },
    }
}

/// The first entry shown of a list `visible` rows tall that last started at `top`: it stays
/// put while the selection is in view (so a click never moves the row under the pointer) and
/// moves just enough to bring the selection back into view.
pub fn first_visible(top: usize, selected: usize, visible: usize) -> usize {
    if selected < top {
        selected
    } else if selected >= top + visible {
        (selected + 1).saturating_sub(visible.max(1))
    } else {
        top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_fill_the_panel_top_to_bottom() {
        // (height, orders, conversations, orders, notes) as (top, height)
        let cases = [
            (29, 0, (2, 19), (21, 0), (21, 8)),
            (29, 2, (2, 16), (18, 3), (21, 8)),
            (29, 9, (2, 14), (16, 5), (21, 8)),
            (12, 0, (2, 7), (9, 0), (9, 3)),
            (12, 4, (2, 2), (4, 5), (9, 3)),
            (8, 4, (2, 2), (4, 1), (5, 3)),
            (4, 1, (2, 0), (2, 0), (2, 2)),
            (1, 3, (1, 0), (1, 0), (1, 0)),
            (0, 0, (0, 0), (0, 0), (0, 0)),
        ];
        for (height, orders, c, o, n) in cases {
            let r = customer_rows(height, orders);
            let got = |s: Section| (s.top, s.height);
            assert_eq!(
                (got(r.conversations), got(r.orders), got(r.notes)),
                (c, o, n),
                "{height} rows, {orders} orders"
            );
            if height >= CUSTOMER_CHROME {
                assert_eq!(r.notes.top + r.notes.height, height, "no row left over");
            }
        }
        assert_eq!(customer_rows(29, 0).conversations.list(), (3, 18));
        assert_eq!(customer_rows(4, 1).conversations.list(), (3, 0));
    }

    #[test]
    fn the_view_moves_only_to_keep_the_selection_in_sight() {
        // (top, selected, visible, expected first)
        let cases = [
            (0, 0, 5, 0),
            (0, 4, 5, 0),
            (0, 5, 5, 1),
            (5, 5, 5, 5),
            (5, 7, 5, 5),
            (5, 3, 5, 3),
            (5, 20, 5, 16),
            (3, 3, 0, 3),
            (0, 2, 0, 2),
        ];
        for (top, selected, visible, want) in cases {
            assert_eq!(
                first_visible(top, selected, visible),
                want,
                "{top} {selected} {visible}"
            );
        }
    }
}
