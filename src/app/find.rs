//! Find on the current screen, as in less and vim: `/` opens a prompt on the bottom line, each
//! keystroke jumps to the first hit from where the owner was, Enter keeps the pattern, Esc goes
//! back; `n` and `N` step to the next and previous hit, wrapping around. In the inbox `/`
//! searches the whole store instead (the search box); everywhere else it finds within the
//! screen: the thread of a conversation, the statistics text, the help, the customer's
//! conversations or notes, the outbox and the rules.
//!
//! Matching is "smart case" (vim's `smartcase`, less's `-i`): a pattern in lower case ignores
//! case, one with a capital letter matches exactly. The matcher is a pure function on text so
//! that the app (which steps between hits) and the screen (which highlights them) agree.

use super::{App, Command, CustomerFocus, Effect, InputKey, LineEditor, Overlay, Screen};
use crate::store::ConversationId;

/// What a find belongs to: a pattern found in one conversation means nothing in another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindScope {
    Conversation(ConversationId),
    Customer(String, CustomerFocus),
    Outbox,
    Rules,
    Stats,
    Help,
}

/// The pattern in force and the hit last jumped to, as (line or row, byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Find {
    pub query: String,
    pub scope: FindScope,
    pub at: Option<(usize, usize)>,
}

/// The `/` prompt while it is being typed.
#[derive(Debug, Clone)]
pub struct FindPrompt {
    pub input: LineEditor,
    pub scope: FindScope,
    /// Where the owner was (selected row or first visible line), for Esc and for searching
    /// from there as the pattern grows.
    origin: usize,
    /// The find before this prompt opened: Esc restores it, an empty Enter repeats it.
    previous: Option<Find>,
}

#[derive(Debug, Clone, Default)]
pub struct FindState {
    pub active: Option<Find>,
    pub prompt: Option<FindPrompt>,
}

fn fold_eq(a: char, b: char, exact: bool) -> bool {
    a == b || (!exact && a.to_lowercase().eq(b.to_lowercase()))
}

/// Byte ranges of the non-overlapping matches of `query` in `text`, left to right.
pub fn matches(text: &str, query: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if query.is_empty() {
        return out;
    }
    let exact = query.chars().any(char::is_uppercase);
    let q: Vec<char> = query.chars().collect();
    let mut from = 0;
    while from < text.len() {
        let mut end = None;
        let mut chars = text[from..].char_indices();
        for (i, qc) in q.iter().enumerate() {
            match chars.next() {
                Some((off, tc)) if fold_eq(tc, *qc, exact) => {
                    if i + 1 == q.len() {
                        end = Some(from + off + tc.len_utf8());
                    }
                }
                _ => break,
            }
        }
        match end {
            Some(e) => {
                out.push((from, e));
                from = e;
            }
            None => {
                from += text[from..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    out
}

/// Every hit in `lines` as (line, byte offset), in reading order.
pub fn hits(lines: &[String], query: &str) -> Vec<(usize, usize)> {
    lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| matches(l, query).into_iter().map(move |(s, _)| (i, s)))
        .collect()
}

/// The next (or previous) hit strictly after (before) `from`, wrapping around: its index and
/// whether it wrapped.
pub fn step(hits: &[(usize, usize)], from: (usize, usize), forward: bool) -> Option<(usize, bool)> {
    if hits.is_empty() {
        return None;
    }
    if forward {
        match hits.iter().position(|h| *h > from) {
            Some(i) => Some((i, false)),
            None => Some((0, true)),
        }
    } else {
        match hits.iter().rposition(|h| *h < from) {
            Some(i) => Some((i, false)),
            None => Some((hits.len() - 1, true)),
        }
    }
}

impl App {
    /// Where `/` finds on the current screen; None in the inbox (it searches the store) and
    /// on the reply screens (they own their keys).
    pub fn find_scope(&self) -> Option<FindScope> {
        match &self.overlay {
            Some(Overlay::Help { .. }) => return Some(FindScope::Help),
            Some(_) => return None,
            None => {}
        }
        match self.stack.last()? {
            Screen::Conversation(c) => Some(FindScope::Conversation(c.row.id)),
            Screen::Customer(c) => Some(FindScope::Customer(c.info.addr.clone(), c.focus)),
            Screen::Outbox(_) => Some(FindScope::Outbox),
            Screen::Rules(_) => Some(FindScope::Rules),
            Screen::Stats(_) => Some(FindScope::Stats),
            Screen::Templates(_) | Screen::Confirm(_) | Screen::Outreach(_) => None,
        }
    }

    /// The find that applies to the screen as it is now (highlighting and n/N use it).
    pub fn active_find(&self) -> Option<&Find> {
        let scope = self.find_scope()?;
        if let Some(p) = &self.find.prompt {
            return self
                .find
                .active
                .as_ref()
                .filter(|f| f.scope == scope && p.scope == scope);
        }
        self.find.active.as_ref().filter(|f| f.scope == scope)
    }

    /// The searchable text of the screen, one entry per line (text screens) or row (lists).
    fn find_lines(&self, scope: &FindScope) -> Vec<String> {
        let tz = self.data.calendar().tz;
        match (scope, self.stack.last()) {
            (FindScope::Help, _) => super::help::plain(&super::help::lines(
                &self.options.keymap,
                super::help::box_width(self.size.width).saturating_sub(2),
            )),
            (FindScope::Conversation(_), Some(Screen::Conversation(c))) => {
                crate::layout::thread::thread_lines(
                    &c.row.flags,
                    &c.notes,
                    &c.messages,
                    c.show_quoted,
                    self.size.width,
                    self.now,
                    tz,
                )
                .iter()
                .map(|l| l.text().to_string())
                .collect()
            }
            (FindScope::Stats, Some(Screen::Stats(s))) => {
                crate::layout::stats::text_lines(s.days, &s.stats, &s.report, tz)
                    .into_iter()
                    .map(|(_, t)| t)
                    .collect()
            }
            (FindScope::Customer(_, focus), Some(Screen::Customer(c))) => match focus {
                CustomerFocus::Conversations => c
                    .info
                    .conversations
                    .iter()
                    .map(|r| crate::mail::sanitize::line(&r.subject))
                    .collect(),
                CustomerFocus::Notes => c
                    .info
                    .notes
                    .iter()
                    .map(|n| crate::mail::sanitize::line(&n.text))
                    .collect(),
            },
            (FindScope::Outbox, Some(Screen::Outbox(s))) => s
                .entries
                .iter()
                .map(|e| crate::mail::sanitize::line(&format!("{} · {}", e.to_addr, e.subject)))
                .collect(),
            (FindScope::Rules, Some(Screen::Rules(s))) => s
                .rules
                .iter()
                .map(|(r, _)| crate::mail::sanitize::line(&super::rule_label(r)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The owner's place on the screen: the first visible line of a text, the selected row of
    /// a list.
    fn find_position(&self, scope: &FindScope) -> usize {
        if let (FindScope::Help, Some(Overlay::Help { scroll })) = (scope, &self.overlay) {
            return *scroll;
        }
        match self.stack.last() {
            Some(Screen::Conversation(c)) => c.scroll,
            Some(Screen::Stats(s)) => s.scroll,
            Some(Screen::Customer(c)) => match c.focus {
                CustomerFocus::Conversations => c.selected_conversation,
                CustomerFocus::Notes => c.selected_note,
            },
            Some(Screen::Outbox(s)) => s.selected,
            Some(Screen::Rules(s)) => s.selected,
            _ => 0,
        }
    }

    /// Lines of a text screen in view; lists show their hit by selecting it (one row).
    fn find_page(&self, scope: &FindScope) -> usize {
        match scope {
            FindScope::Conversation(_) => {
                usize::from(crate::layout::conversation_body_height(self.size.height).max(1))
            }
            FindScope::Stats => usize::from(self.size.height.saturating_sub(4).max(1)),
            // The help box: two rows of margin, two of border.
            FindScope::Help => usize::from(self.size.height.saturating_sub(4).max(1)),
            _ => 1,
        }
    }

    /// Brings `line` into view: lists select it, texts scroll only when it is off screen and
    /// then show it near the top with two lines of context, as less does.
    fn find_show(&mut self, scope: &FindScope, line: usize) {
        let pos = self.find_position(scope);
        let page = self.find_page(scope);
        let target = if page == 1 {
            line
        } else if line >= pos && line < pos + page {
            return;
        } else {
            line.saturating_sub(2)
        };
        self.move_by(target as i64 - pos as i64);
    }

    /// `/`, `n` and `N` on the screens where they find; None leaves the command to the screen.
    pub(super) fn find_command(&mut self, cmd: Command) -> Option<Effect> {
        let scope = self.find_scope();
        match cmd {
            Command::Search => {
                let scope = scope?;
                let origin = self.find_position(&scope);
                self.find.prompt = Some(FindPrompt {
                    input: LineEditor::default(),
                    scope,
                    origin,
                    previous: self.find.active.take(),
                });
            }
            Command::NextHit | Command::PrevHit => {
                let Some(scope) = scope else {
                    if self.stack.is_empty() && self.overlay.is_none() {
                        let key = self.options.keymap.hint(Command::Search);
                        self.info(format!(
                            "Nothing to step through: {key} searches all mail here, and finds within a conversation or list."
                        ));
                        return Some(Effect::None);
                    }
                    return None;
                };
                self.find_step(&scope, cmd == Command::NextHit);
            }
            _ => return None,
        }
        Some(Effect::None)
    }

    fn find_step(&mut self, scope: &FindScope, forward: bool) {
        let Some(find) = self.active_find().cloned() else {
            let key = self.options.keymap.hint(Command::Search);
            return self.info(format!("Nothing to find yet: {key} types a pattern."));
        };
        let hits = hits(&self.find_lines(scope), &find.query);
        if hits.is_empty() {
            return self.error(format!("Not found: “{}”.", clip(&find.query)));
        }
        let pos = self.find_position(scope);
        let page = self.find_page(scope);
        // From the last hit while it is still where the owner looks; after they moved, from
        // where they are now (a hit on their own line counts as ahead).
        let in_view = |at: &(usize, usize)| at.0 >= pos && at.0 < pos + page;
        let (i, wrapped) = match find.at.filter(in_view) {
            Some(at) => step(&hits, at, forward).unwrap_or((0, false)),
            None if forward => match hits.iter().position(|h| h.0 >= pos) {
                Some(i) => (i, false),
                None => (0, true),
            },
            None => match hits.iter().rposition(|h| h.0 < pos) {
                Some(i) => (i, false),
                None => (hits.len() - 1, true),
            },
        };
        let Some(&hit) = hits.get(i) else {
            return;
        };
        self.find_show(scope, hit.0);
        self.find.active = Some(Find {
            at: Some(hit),
            ..find
        });
        let n = hits.len();
        let mut text = format!("hit {} of {n}", i + 1);
        if wrapped {
            text.push_str(if forward {
                " · no more hits below, back at the top"
            } else {
                " · no more hits above, back at the bottom"
            });
        }
        self.info(text);
    }

    /// Keys while the `/` prompt is open: they edit the pattern and never run commands.
    pub(super) fn find_input(&mut self, key: InputKey) -> Effect {
        let Some(mut p) = self.find.prompt.take() else {
            return Effect::None;
        };
        self.status = None;
        let scope = p.scope.clone();
        match key {
            InputKey::Cancel => {
                self.find_return(&scope, p.origin);
                self.find.active = p.previous;
                return Effect::None;
            }
            InputKey::Submit => {
                if p.input.is_empty() {
                    // As in vim and less: an empty pattern repeats the last one.
                    self.find.active = p.previous.filter(|f| f.scope == scope);
                    self.find_step(&scope, true);
                    return Effect::None;
                }
                let q = p.input.text().to_string();
                let hits = hits(&self.find_lines(&scope), &q);
                match self.find.active.as_ref().and_then(|f| f.at) {
                    Some(at) => {
                        let i = hits.iter().position(|h| *h == at).unwrap_or(0);
                        self.info(format!("hit {} of {}", i + 1, hits.len()));
                    }
                    None => self.error(format!("Not found: “{}”.", clip(&q))),
                }
                return Effect::None;
            }
            InputKey::Up | InputKey::Down => {}
            k => {
                let before = p.input.text().to_string();
                p.input.apply(k);
                if p.input.text() != before {
                    self.find_incremental(&p);
                }
            }
        }
        self.find.prompt = Some(p);
        Effect::None
    }

    /// As the pattern grows: the first hit from where the owner started, or back there.
    fn find_incremental(&mut self, p: &FindPrompt) {
        let q = p.input.text().to_string();
        let scope = p.scope.clone();
        self.find_return(&scope, p.origin);
        if q.is_empty() {
            self.find.active = None;
            return;
        }
        let hits = hits(&self.find_lines(&scope), &q);
        let first = hits
            .iter()
            .position(|h| h.0 >= p.origin)
            .or((!hits.is_empty()).then_some(0));
        let at = first.and_then(|i| hits.get(i).copied());
        if let Some(at) = at {
            self.find_show(&scope, at.0);
        }
        self.find.active = Some(Find {
            query: q,
            scope,
            at,
        });
    }

    fn find_return(&mut self, scope: &FindScope, origin: usize) {
        let pos = self.find_position(scope);
        self.move_by(origin as i64 - pos as i64);
    }

    /// After a store search opened a conversation: find the same words in it.
    pub(super) fn find_after_search(&mut self, query: &str) {
        let Some(scope @ FindScope::Conversation(_)) = self.find_scope() else {
            return;
        };
        let query = query.trim();
        let hits = hits(&self.find_lines(&scope), query);
        let Some(&first) = hits.first() else {
            return;
        };
        self.find_show(&scope, first.0);
        self.find.active = Some(Find {
            query: query.to_string(),
            scope,
            at: Some(first),
        });
        self.info(format!(
            "hit 1 of {} · {} and {} step through them",
            hits.len(),
            self.options.keymap.hint(Command::NextHit),
            self.options.keymap.hint(Command::PrevHit)
        ));
    }
}

fn clip(s: &str) -> String {
    crate::layout::fit(&crate::mail::sanitize::line(s), 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_with_smart_case() {
        /// Text, query, the expected byte ranges.
        type Case<'a> = (&'a str, &'a str, &'a [(usize, usize)]);
        let cases: &[Case] = &[
            (
                "Where is my parcel? parcel!",
                "parcel",
                &[(12, 18), (20, 26)],
            ),
            ("Parcel and PARCEL", "parcel", &[(0, 6), (11, 17)]),
            ("Parcel and PARCEL", "PARCEL", &[(11, 17)]),
            ("Parcel and parcel", "Parcel", &[(0, 6)]),
            ("Grüße, GRÜSSE", "grüße", &[(0, 7)]),
            ("Köln köln", "KÖLN", &[]),
            ("Köln köln", "köln", &[(0, 5), (6, 11)]),
            ("aaaa", "aa", &[(0, 2), (2, 4)]),
            ("anything", "", &[]),
            ("", "x", &[]),
        ];
        for (text, query, want) in cases {
            assert_eq!(matches(text, query), want.to_vec(), "{text:?} / {query:?}");
        }
    }

    #[test]
    fn steps_forward_and_back_with_wrapping() {
        let hits = [(1, 0), (1, 8), (4, 2), (9, 0)];
        // (from, forward, expected (index, wrapped))
        let cases = [
            ((0, 0), true, (0, false)),
            ((1, 0), true, (1, false)),
            ((4, 2), true, (3, false)),
            ((9, 0), true, (0, true)),
            ((9, 0), false, (2, false)),
            ((1, 0), false, (3, true)),
            ((5, 0), false, (2, false)),
        ];
        for (from, forward, want) in cases {
            assert_eq!(step(&hits, from, forward), Some(want), "{from:?} {forward}");
        }
        assert_eq!(step(&[], (0, 0), true), None);
    }

    #[test]
    fn hits_are_in_reading_order() {
        let lines = vec![
            "a bowl".to_string(),
            "no".to_string(),
            "Bowl, bowl".to_string(),
        ];
        assert_eq!(hits(&lines, "bowl"), vec![(0, 2), (2, 0), (2, 6)]);
    }
}
