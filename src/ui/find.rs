//! Find hits on screen (`/`, `n`, `N`): every match of the pattern is highlighted in whatever
//! the screen drew, the one last jumped to more strongly; and the `/` prompt on the bottom
//! line, where the status bar is, as in less and vim. Matching is the app's
//! ([`crate::app::find::matches`]) so that what is highlighted is what `n` steps to.

use super::Theme;
use crate::app::find::matches;
use crate::app::App;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// The find that applies to the screen being drawn.
pub struct Marker<'a> {
    query: &'a str,
    at: Option<(usize, usize)>,
    theme: Theme,
}

pub fn marker(app: &App, theme: Theme) -> Option<Marker<'_>> {
    let f = app.active_find()?;
    (!f.query.is_empty()).then_some(Marker {
        query: &f.query,
        at: f.at,
        theme,
    })
}

impl Marker<'_> {
    /// `line` with its hits highlighted; `index` is its line (or row) number in the find's
    /// text, to tell the current hit (None on lists, where the selection shows it).
    pub fn line(&self, line: Line<'_>, index: Option<usize>) -> Line<'static> {
        let current = match (self.at, index) {
            (Some((l, col)), Some(i)) if l == i => Some(col),
            _ => None,
        };
        highlight(line, self.query, current, self.theme)
    }
}

/// Splits the spans of `line` at the matches of `query` and restyles the matched parts; a
/// match may run across spans.
pub fn highlight(
    line: Line<'_>,
    query: &str,
    current: Option<usize>,
    theme: Theme,
) -> Line<'static> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let ranges = matches(&text, query);
    let mut out = Line::default().style(line.style);
    out.alignment = line.alignment;
    let mut start = 0;
    for span in &line.spans {
        let content = span.content.as_ref();
        let end = start + content.len();
        // Cut points inside this span: every match edge between start and end.
        let mut cuts: Vec<usize> = vec![start, end];
        for (a, b) in &ranges {
            for p in [*a, *b] {
                if p > start && p < end {
                    cuts.push(p);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let &[a, b] = w else {
                continue;
            };
            if a == b {
                continue;
            }
            let piece = &content[a - start..b - start];
            let hit = ranges.iter().find(|(ra, rb)| a >= *ra && b <= *rb);
            let style = match hit {
                Some((ra, _)) if current == Some(*ra) => {
                    mark(line.style, span.style, theme.hit_current())
                }
                Some(_) => mark(line.style, span.style, theme.hit()),
                None => span.style,
            };
            out.spans.push(Span::styled(piece.to_string(), style));
        }
        start = end;
    }
    out
}

/// A span's style (`base`, drawn over its line's `row` style) marked as a hit. Without
/// colour a hit is reversed, which on a selected (reversed) row would hide it: there the hit
/// is un-reversed and underlined instead.
fn mark(row: Style, base: Style, hit: Style) -> Style {
    if row.patch(base).add_modifier.contains(Modifier::REVERSED)
        && hit.add_modifier.contains(Modifier::REVERSED)
    {
        base.patch(hit.remove_modifier(Modifier::REVERSED))
            .add_modifier(Modifier::UNDERLINED)
    } else {
        base.patch(hit)
    }
}

/// Draws the `/` prompt over the status bar when it is open; true when it did.
pub fn draw_prompt(frame: &mut Frame, area: Rect, app: &App, theme: Theme) -> bool {
    let Some(p) = &app.find.prompt else {
        return false;
    };
    if area.height == 0 || area.width == 0 {
        return true;
    }
    let w = usize::from(area.width.saturating_sub(2));
    let text = super::clean(p.input.text());
    let col = usize::from(p.input.cursor_column());
    // A long pattern scrolls so that the cursor stays visible.
    let skip = col.saturating_sub(w);
    let shown: String = {
        let mut acc = 0;
        text.chars()
            .skip_while(|c| {
                acc += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                acc <= skip
            })
            .collect()
    };
    let shown = if skip == 0 { text } else { shown };
    let pad = usize::from(area.width).saturating_sub(shown.width() + 1);
    let line = Line::from(vec![
        Span::styled("/", theme.key()),
        Span::raw(shown),
        Span::styled(" ".repeat(pad), Style::new()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    let x = area
        .x
        .saturating_add(1)
        .saturating_add(u16::try_from(col.min(w)).unwrap_or(0));
    frame.set_cursor_position(Position { x, y: area.y });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(l: &Line) -> Vec<(String, bool)> {
        let hit = Theme::new(true).hit();
        l.spans
            .iter()
            .map(|s| (s.content.to_string(), s.style.bg == hit.bg))
            .collect()
    }

    #[test]
    fn highlights_matches_across_spans() {
        let theme = Theme::new(true);
        let line = Line::from(vec![Span::raw("Where is my par"), Span::raw("cel? Parcel")]);
        let out = highlight(line, "parcel", None, theme);
        assert_eq!(
            pieces(&out),
            vec![
                ("Where is my ".to_string(), false),
                ("par".to_string(), true),
                ("cel".to_string(), true),
                ("? ".to_string(), false),
                ("Parcel".to_string(), true),
            ]
        );
        let plain = highlight(Line::raw("nothing here"), "parcel", None, theme);
        assert_eq!(pieces(&plain), vec![("nothing here".to_string(), false)]);
    }

    #[test]
    fn the_current_hit_stands_out() {
        let theme = Theme::new(false);
        let out = highlight(Line::raw("bowl bowl"), "bowl", Some(5), theme);
        let styles: Vec<Style> = out.spans.iter().map(|s| s.style).collect();
        assert_eq!(styles[0], theme.hit());
        assert_eq!(styles[2], theme.hit_current());
    }

    #[test]
    fn a_hit_on_a_selected_row_stays_visible_without_colour() {
        let theme = Theme::new(false);
        let out = highlight(
            Line::styled("rule bella", theme.selected()),
            "bella",
            None,
            theme,
        );
        let row = out.style.patch(out.spans[0].style);
        let hit = out.style.patch(out.spans[1].style);
        assert!(row.add_modifier.contains(Modifier::REVERSED));
        assert!(!hit.add_modifier.contains(Modifier::REVERSED), "{hit:?}");
        assert!(hit.add_modifier.contains(Modifier::UNDERLINED));
        assert_ne!(row, hit);
    }
}
