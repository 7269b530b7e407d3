//! Images in the terminal (a customer's photo in the conversation), drawn with
//! `ratatui-image`: kitty, iTerm2 or sixel graphics where the terminal has them, half blocks
//! elsewhere (and in tests). The encoded picture is cached for the area it was made for, so a
//! frame that shows the same image again costs nothing.

use std::cell::RefCell;

use ratatui::layout::Rect;
use ratatui::Frame;
use ratatui_image::picker::Picker;
use ratatui_image::{Image, Resize};

/// What a cached picture was made for: (conversation, attachment, area).
type Key = (i64, usize, Rect);

thread_local! {
    static PICKER: RefCell<Picker> = RefCell::new(Picker::halfblocks());
    static CACHE: RefCell<Option<(Key, ratatui_image::protocol::Protocol)>> =
        const { RefCell::new(None) };
}

/// The terminal's graphics, as found at start (see `tui`).
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
