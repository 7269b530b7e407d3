//! The Rules screen (`R`): every not-a-customer rule with how many conversations it hides;
//! `D` removes the selected one (its mail comes back into the views).

use super::{App, Command, Effect, Screen};
use crate::store::{Rule, RuleKind};

#[derive(Debug, Clone)]
pub struct RulesScreen {
    /// Each rule with the number of conversations it keeps out.
    pub rules: Vec<(Rule, u64)>,
    pub selected: usize,
}

impl App {
    fn load_rules(&self) -> Result<Vec<(Rule, u64)>, String> {
        let Some(store) = self.data.store() else {
            return Err("The rules need the mail store; `shopinbox rules` lists them.".into());
        };
        store
            .rules_with_counts()
            .map_err(|e| super::reply::sentence(&e))
    }

    /// `R`: opens the Rules screen.
    pub(super) fn open_rules(&mut self) {
        if matches!(self.stack.last(), Some(Screen::Rules(_))) {
            return self.reload_rules();
        }
        match self.load_rules() {
            Ok(rules) => self
                .stack
                .push(Screen::Rules(RulesScreen { rules, selected: 0 })),
            Err(e) => self.error(e),
        }
    }

    pub(super) fn reload_rules(&mut self) {
        let result = self.load_rules();
        let Some(Screen::Rules(s)) = self
            .stack
            .iter_mut()
            .find(|s| matches!(s, Screen::Rules(_)))
        else {
            return;
        };
        match result {
            Ok(rules) => {
                s.rules = rules;
                s.selected = s.selected.min(s.rules.len().saturating_sub(1));
            }
            Err(e) => self.error(e),
        }
    }

    pub(super) fn rules_command(&mut self, cmd: Command) -> Effect {
        let Some(Screen::Rules(s)) = self.stack.last_mut() else {
            return Effect::None;
        };
        let last = s.rules.len().saturating_sub(1);
        match cmd {
            Command::Up => s.selected = s.selected.saturating_sub(1),
            Command::Down => s.selected = (s.selected + 1).min(last),
            Command::Top => s.selected = 0,
            Command::Bottom => s.selected = last,
            Command::Back | Command::Quit | Command::Rules => {
                self.stack.pop();
                self.refresh();
            }
            Command::ForceQuit => {
                self.quit.done = true;
                return Effect::Quit;
            }
            Command::Help => self.overlay = Some(super::Overlay::Help { scroll: 0 }),
            Command::Messages => self.overlay = Some(super::Overlay::Messages { scroll: 0 }),
            Command::DeleteNote => {
                let Some((rule, _)) = s.rules.get(s.selected).cloned() else {
                    self.info("There are no rules to remove.");
                    return Effect::None;
                };
                match self.data.remove_rule(rule.id) {
                    Ok(()) => {
                        self.info(format!(
                            "Rule removed ({}): its mail is back in the views.",
                            crate::mail::sanitize::line(&super::rule_label(&rule))
                        ));
                        self.refresh();
                    }
                    Err(e) => self.error(e.sentence()),
                }
            }
            _ => {
                let km = &self.options.keymap;
                let hint = format!(
                    "Rules: {} removes the selected rule, {} returns.",
                    km.hint(Command::DeleteNote),
                    km.hint(Command::Back)
                );
                self.info(hint);
            }
        }
        Effect::None
    }
}

/// Whether a not-a-customer rule keeps out mail with these Message-IDs or from these senders
/// (a domain rule covers its subdomains).
pub fn rule_matches(rule: &crate::store::Rule, message_ids: &[String], senders: &[String]) -> bool {
    let v = rule.value.to_lowercase();
    match rule.kind {
        RuleKind::Message => message_ids.contains(&rule.value),
        RuleKind::Sender => senders.contains(&v),
        RuleKind::Domain => senders.iter().any(|s| {
            s.rsplit_once('@')
                .is_some_and(|(_, d)| d == v || d.ends_with(&format!(".{v}")))
        }),
    }
}

/// "everything from @example.com", as the x menu said it.
pub fn rule_label(rule: &crate::store::Rule) -> String {
    match rule.kind {
        RuleKind::Message => format!("message <{}>", rule.value),
        RuleKind::Sender => format!("everything from {}", rule.value),
        RuleKind::Domain => format!("everything from @{}", rule.value),
    }
}
