//! The Outreach screen: the campaigns with their counts, then the selected campaign's
//! customers (language of their notice, their orders, or why they get a personal reply).

use super::{clean, fit, theme::Theme};
use crate::app::outreach::OutreachScreen;
use crate::app::{App, Command};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &OutreachScreen, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let w = usize::from(area.width);
    let km = &app.options.keymap;
    let mut lines: Vec<Line> = vec![Line::styled(
        fit(
            &format!(
                "Outreach · {} campaign{} · {} new · {} customers · {} read · {} send · {} take off · {} stop · {} back",
                s.campaigns.len(),
                if s.campaigns.len() == 1 { "" } else { "s" },
                km.hint(Command::NewCampaign),
                km.hint(Command::NextFocus),
                km.hint(Command::Open),
                km.hint(Command::Send),
                km.hint(Command::DeleteNote),
                km.hint(Command::Snooze),
                km.hint(Command::Back)
            ),
            w,
        ),
        theme.title(),
    )];
    if let Some(text) = &s.preview {
        lines.push(Line::styled(
            fit(
                &format!(
                    "The message as it will be sent · {} back",
                    km.hint(Command::Back)
                ),
                w,
            ),
            theme.dim(),
        ));
        for l in text.lines() {
            lines.push(Line::raw(fit(&clean(l), w)));
        }
        lines.truncate(usize::from(area.height));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    if s.campaigns.is_empty() {
        lines.push(Line::raw(fit(
            &format!(
                "No campaigns yet: {} starts one (or `shopinbox notify new --template NAME --from DAY --until DAY`).",
                km.hint(Command::NewCampaign)
            ),
            w,
        )));
    }
    for (i, (c, n)) in s.campaigns.iter().enumerate() {
        let text = fit(
            &format!(
                "{} {:>3} {:<8} {:<34} {}",
                if i == s.selected { "›" } else { " " },
                c.id,
                c.state.as_str(),
                fit(&clean(&c.name), 34),
                crate::outreach::counts_line(n)
            ),
            w,
        );
        lines.push(if i == s.selected && !s.on_recipients {
            Line::styled(text, theme.selected())
        } else {
            Line::raw(text)
        });
    }
    if let Some(c) = s.campaign() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            fit(
                &format!(
                    "Customers of \"{}\" (template {})",
                    clean(&c.name),
                    clean(&c.template)
                ),
                w,
            ),
            theme.title(),
        ));
        for (i, r) in s.recipients.iter().enumerate() {
            let what = match (&r.held, r.removed) {
                (Some(why), _) => format!("personal reply: {}", clean(why)),
                (None, true) => "taken off".to_string(),
                (None, false) => r
                    .orders
                    .iter()
                    .map(|o| crate::template::order_label(&clean(o)))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let text = fit(
                &format!(
                    "{} {:<38} {}  {}",
                    if s.on_recipients && i == s.selected_recipient {
                        "›"
                    } else {
                        " "
                    },
                    fit(&clean(&r.addr), 38),
                    clean(&r.language),
                    what
                ),
                w,
            );
            lines.push(if s.on_recipients && i == s.selected_recipient {
                Line::styled(text, theme.selected())
            } else if r.held.is_some() {
                Line::styled(text, theme.error())
            } else if r.removed {
                Line::styled(text, theme.dim())
            } else {
                Line::raw(text)
            });
        }
    }
    lines.truncate(usize::from(area.height));
    frame.render_widget(Paragraph::new(lines), area);
}
