//! Layout arithmetic shared by the app (paging, scrolling) and the drawing: how many rows a
//! screen shows and how text is cut and wrapped into lines. It lives below both `app` and `ui`
//! and imports neither, so data flows one way — app state → screen — while the app's page
//! sizes and line counts always agree with what is drawn.

pub mod bar;
pub mod customer;
pub mod reply;
pub mod stats;
pub mod thread;

/// Fitting and wrapping live in [`crate::text`], below this module and `review`'s plain-text
/// reports, which cut text the same way; re-exported here where the screens look for them.
pub use crate::text::{fit, wrap};

/// Rows above the inbox list: view tabs, summary line, column header.
pub const INBOX_CHROME: u16 = 3;
/// Rows above a thread: subject line, who/when line.
pub const THREAD_CHROME: u16 = 2;
/// The status bar.
pub const STATUS_ROWS: u16 = 1;
/// Below a thread: the row of key hints.
pub const THREAD_HINTS: u16 = 1;

/// Visible inbox rows for a terminal `height` rows tall (shared with the app's paging).
pub fn inbox_list_height(height: u16) -> u16 {
    height.saturating_sub(INBOX_CHROME + STATUS_ROWS)
}

/// Visible thread lines for a terminal `height` rows tall.
pub fn conversation_body_height(height: u16) -> u16 {
    height.saturating_sub(THREAD_CHROME + THREAD_HINTS + STATUS_ROWS)
}

#[cfg(test)]
mod tests {
    /// Rust source files under `src/<dir>`, recursively.
    fn sources(dir: &str) -> Vec<(std::path::PathBuf, String)> {
        let mut out = Vec::new();
        let mut todo = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(dir)];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(&d).expect("source folder") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    todo.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("source file");
                    out.push((p, text));
                }
            }
        }
        out
    }

    /// Data flows one way: the app never reaches into the drawing, and this module (which
    /// both use) reaches into neither. Comments may name them; code may not.
    #[test]
    fn app_never_imports_ui_and_layout_imports_neither() {
        let code_mentions = |text: &str, what: &[&str]| -> Vec<String> {
            // Tests (which may name modules in strings, as this one does) are left out.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            code.lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .filter(|l| what.iter().any(|w| l.contains(w)))
                .map(str::to_string)
                .collect()
        };
        let app = sources("app");
        assert!(app.len() > 5, "found the app's sources");
        for (path, text) in app {
            let bad = code_mentions(&text, &["crate::ui", "super::ui"]);
            assert!(bad.is_empty(), "{} imports ui: {bad:?}", path.display());
        }
        for (path, text) in sources("layout") {
            let bad = code_mentions(&text, &["crate::ui", "crate::app", "super::super"]);
            assert!(
                bad.is_empty(),
                "{} imports app or ui: {bad:?}",
                path.display()
            );
        }
    }
}
