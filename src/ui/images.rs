//! Images in the terminal (a customer's photo in the conversation), drawn with
//! `ratatui-image`: kitty, iTerm2 or sixel graphics where the terminal has them, half blocks
//! elsewhere (and in tests). The encoded picture is cached for the area it was made for, so a
//! frame that shows the same image again costs nothing.
//!
//! The graphics are chosen from the environment, not by asking the terminal: ratatui-image's
//! query reads standard input on a thread of its own, and where a terminal (or tmux) does not
//! answer in time that thread goes on reading and takes the owner's first keys. Inside tmux
//! and screen, half blocks always work; graphics there need passthrough.

use std::cell::RefCell;

use ratatui::layout::Rect;
use ratatui::Frame;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::{Image, Resize};

/// What a cached picture was made for: (conversation, attachment, area).
type Key = (i64, usize, Rect);

thread_local! {
    static PICKER: RefCell<Picker> = RefCell::new(picker_from_env());
    static CACHE: RefCell<Option<(Key, ratatui_image::protocol::Protocol)>> =
        const { RefCell::new(None) };
}

/// The graphics the environment says the terminal has (see the module docs).
pub fn picker_from_env() -> Picker {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let mut picker = Picker::halfblocks();
    picker.set_protocol_type(protocol_for(
        &var("TERM"),
        &var("TERM_PROGRAM"),
        !var("TMUX").is_empty(),
        !var("KITTY_WINDOW_ID").is_empty(),
        &var("LC_TERMINAL"),
    ));
    picker
}

/// Pure: which protocol these environment values mean.
pub fn protocol_for(
    term: &str,
    term_program: &str,
    tmux: bool,
    kitty_window: bool,
    lc_terminal: &str,
) -> ProtocolType {
    if tmux || term.starts_with("tmux") || term.starts_with("screen") {
        return ProtocolType::Halfblocks;
    }
    if kitty_window || term == "xterm-kitty" || term == "xterm-ghostty" || term_program == "ghostty"
    {
        return ProtocolType::Kitty;
    }
    let iterm = ["iTerm", "WezTerm", "mintty", "vscode", "Tabby", "rio"];
    if iterm.iter().any(|p| term_program.contains(p)) || lc_terminal.contains("iTerm") {
        return ProtocolType::Iterm2;
    }
    if ["foot", "mlterm", "contour", "sixel"]
        .iter()
        .any(|t| term.contains(t))
    {
        return ProtocolType::Sixel;
    }
    ProtocolType::Halfblocks
}

/// Use these graphics from now on (tests; the default comes from [`picker_from_env`]).
pub fn set_picker(picker: Picker) {
    PICKER.with(|p| *p.borrow_mut() = picker);
    CACHE.with(|c| *c.borrow_mut() = None);
}

/// Draws `image` fitted into `area`; `key` names it for the cache. False when it could not be
/// encoded (the caller shows the attachment's line instead).
pub fn draw(frame: &mut Frame, area: Rect, key: (i64, usize), image: &image::DynamicImage) -> bool {
    if area.width == 0 || area.height == 0 {
        return false;
    }
    let full = (key.0, key.1, area);
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.as_ref().is_none_or(|(k, _)| *k != full) {
            let made = PICKER.with(|p| {
                p.borrow()
                    .new_protocol(image.clone(), area, Resize::Fit(None))
                    .ok()
            });
            *cache = made.map(|p| (full, p));
        }
        match cache.as_ref() {
            Some((_, protocol)) => {
                frame.render_widget(Image::new(protocol), area);
                true
            }
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphics_follow_the_environment() {
        let cases = [
            ("xterm-kitty", "", false, false, "", ProtocolType::Kitty),
            ("xterm-256color", "", false, true, "", ProtocolType::Kitty),
            (
                "xterm-256color",
                "iTerm.app",
                false,
                false,
                "",
                ProtocolType::Iterm2,
            ),
            (
                "xterm-256color",
                "WezTerm",
                false,
                false,
                "",
                ProtocolType::Iterm2,
            ),
            ("foot", "", false, false, "", ProtocolType::Sixel),
            (
                "xterm-256color",
                "",
                false,
                false,
                "",
                ProtocolType::Halfblocks,
            ),
            (
                "tmux-256color",
                "iTerm.app",
                true,
                true,
                "",
                ProtocolType::Halfblocks,
            ),
            ("screen", "", false, false, "", ProtocolType::Halfblocks),
            ("linux", "", false, false, "", ProtocolType::Halfblocks),
        ];
        for (term, program, tmux, kitty, lc, want) in cases {
            assert_eq!(
                protocol_for(term, program, tmux, kitty, lc),
                want,
                "{term} {program}"
            );
        }
    }
}
