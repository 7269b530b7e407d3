//! The help overlay: the app's help text (`app::help`, generated from the keymap) in colour.

use super::Theme;
pub use crate::app::help::rows;
use crate::app::help::HelpStyle;
use crate::app::Keymap;
use ratatui::text::{Line, Span};

/// The help laid out for `width` columns, each part in its colour.
pub fn lines(km: &Keymap, width: u16, theme: Theme) -> Vec<Line<'static>> {
    crate::app::help::lines(km, width)
        .into_iter()
        .map(|parts| {
            Line::from(
                parts
                    .into_iter()
                    .map(|(style, text)| {
                        let style = match style {
                            HelpStyle::Title => theme.title(),
                            HelpStyle::Key => theme.key(),
                            HelpStyle::Dim => theme.dim(),
                            HelpStyle::Plain => ratatui::style::Style::default(),
                        };
                        Span::styled(text, style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}
