//! Styles. Colours are the terminal's own palette (`Color::Red`…), so the owner's colour scheme
//! decides the actual shade; with `NO_COLOR` every style falls back to bold/reverse/dim, which
//! keeps the meaning (overdue stands out, answered recedes) without any colour.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    /// True unless `NO_COLOR` is set to a non-empty value (no-color.org).
    pub fn color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn overdue(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn due_soon(self) -> Style {
        if self.color {
            self.fg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }
    pub fn normal(self) -> Style {
        Style::new()
    }
    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn tab_active(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }
    pub fn tab(self) -> Style {
        Style::new()
    }
    pub fn customer(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn shop(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    pub fn quote(self) -> Style {
        self.dim()
    }
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn status_bar(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn border(self) -> Style {
        Style::new()
    }
    /// A find hit (`/`): yellow like vim's and less's search highlight; reversed without colour.
    pub fn hit(self) -> Style {
        if self.color {
            Style::new().bg(Color::Yellow).fg(Color::Black)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    /// The hit `n`/`N` last jumped to: the hit style, bold and underlined.
    pub fn hit_current(self) -> Style {
        self.hit()
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// The owner's own notes: set apart from mail text, calmer than a warning.
    pub fn note(self) -> Style {
        self.fg(Color::Magenta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_uses_modifiers_only() {
        let t = Theme::new(false);
        for s in [
            t.overdue(),
            t.due_soon(),
            t.dim(),
            t.selected(),
            t.customer(),
            t.shop(),
            t.error(),
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert!(t.overdue().add_modifier.contains(Modifier::BOLD));
        let c = Theme::new(true);
        assert_eq!(c.overdue().fg, Some(Color::Red));
        assert_eq!(c.due_soon().fg, Some(Color::Yellow));
    }
}
