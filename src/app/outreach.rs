//! The Outreach screen (`O`): every campaign with what became of its notices (sent, failed,
//! bounced, replied), and the selected campaign's customers: who gets the notice in which
//! language, who was taken off, who is left for a personal reply. Enter shows the selected
//! customer's message as it will be sent. `y` sends the selected campaign in the background
//! after the undo window ([`super::Effect::StartCampaign`]). `D` takes the selected
//! customer off a campaign that has not started (or puts them back); `s` stops a campaign
//! that is sending (the sender pauses after the message in hand; `shopinbox notify send N
//! --yes` goes on). `C` opens the form for a new campaign ([`super::campaign_form`]). Every
//! change is a local store write: no network work on the UI thread.

use super::{App, Command, Effect, Screen};
use crate::store::outreach::{Campaign, CampaignCounts, CampaignState, Recipient};

#[derive(Debug, Clone)]
pub struct OutreachScreen {
    /// Newest first, with their counts.
    pub campaigns: Vec<(Campaign, CampaignCounts)>,
    pub selected: usize,
    /// The selected campaign's customers.
    pub recipients: Vec<Recipient>,
    /// `f` switches between the campaigns and their customers.
    pub on_recipients: bool,
    pub selected_recipient: usize,
    /// The selected customer's notice exactly as it will be sent (Enter), until Esc.
    pub preview: Option<String>,
}

impl OutreachScreen {
    pub fn campaign(&self) -> Option<&Campaign> {
        self.campaigns.get(self.selected).map(|(c, _)| c)
    }
}

impl App {
    fn load_outreach(&self, selected: usize) -> Result<OutreachScreen, String> {
        let Some(store) = self.data.store() else {
            return Err(
                "Outreach needs the mail store; `shopinbox notify list` lists the campaigns."
                    .into(),
            );
        };
        let sentence = |e: crate::store::StoreError| super::reply::sentence(&e);
        let mut campaigns = Vec::new();
        for c in store.campaigns().map_err(sentence)? {
            let n = store.campaign_counts(c.id).map_err(sentence)?;
            campaigns.push((c, n));
        }
        let selected = selected.min(campaigns.len().saturating_sub(1));
        let recipients = match campaigns.get(selected) {
            Some((c, _)) => store.campaign_recipients(c.id).map_err(sentence)?,
            None => Vec::new(),
        };
        Ok(OutreachScreen {
            campaigns,
            selected,
            recipients,
            on_recipients: false,
            selected_recipient: 0,
            preview: None,
        })
    }

    /// `O`: opens the Outreach screen.
    pub(super) fn open_outreach(&mut self) {
        if matches!(self.stack.last(), Some(Screen::Outreach(_))) {
            return self.reload_outreach();
        }
        match self.load_outreach(0) {
            Ok(s) => self.stack.push(Screen::Outreach(s)),
            Err(e) => self.error(e),
        }
    }

    pub(super) fn reload_outreach(&mut self) {
        let Some((selected, on, sel_r)) = self.stack.iter().find_map(|s| match s {
            Screen::Outreach(o) => Some((o.selected, o.on_recipients, o.selected_recipient)),
            _ => None,
        }) else {
            return;
        };
        let result = self.load_outreach(selected);
        let Some(Screen::Outreach(s)) = self
            .stack
            .iter_mut()
            .find(|s| matches!(s, Screen::Outreach(_)))
        else {
            return;
        };
        match result {
            Ok(mut fresh) => {
                fresh.on_recipients = on;
                fresh.selected_recipient = sel_r.min(fresh.recipients.len().saturating_sub(1));
                *s = fresh;
            }
            Err(e) => self.error(e),
        }
    }

    pub(super) fn outreach_command(&mut self, cmd: Command) -> Effect {
        let Some(Screen::Outreach(s)) = self.stack.last_mut() else {
            return Effect::None;
        };
        let before = s.selected;
        let (len, cur) = if s.on_recipients {
            (s.recipients.len(), &mut s.selected_recipient)
        } else {
            (s.campaigns.len(), &mut s.selected)
        };
        let last = len.saturating_sub(1);
        match cmd {
            Command::Up => *cur = cur.saturating_sub(1),
            Command::Down => *cur = (*cur + 1).min(last),
            Command::Top => *cur = 0,
            Command::Bottom => *cur = last,
            Command::NextFocus => s.on_recipients = !s.on_recipients,
            Command::Back | Command::Quit if s.preview.is_some() => s.preview = None,
            Command::Open => return self.preview_notice(),
            Command::Back | Command::Quit | Command::Outreach => {
                self.stack.pop();
                self.refresh();
                return Effect::None;
            }
            Command::ForceQuit => {
                self.quit.done = true;
                return Effect::Quit;
            }
            Command::Help => self.overlay = Some(super::Overlay::Help { scroll: 0 }),
            Command::Messages => self.overlay = Some(super::Overlay::Messages { scroll: 0 }),
            Command::Snooze => return self.stop_campaign(),
            Command::DeleteNote => return self.toggle_recipient(),
            Command::Send | Command::SendAndNext => return self.start_campaign(),
            Command::NewCampaign => return self.new_campaign(),
            _ => {
                let km = &self.options.keymap;
                let hint = format!(
                    "Outreach: {} starts a new campaign, {} switches to the customers, {} takes \
                     one off, {} stops a sending campaign, {} returns.",
                    km.hint(Command::NewCampaign),
                    km.hint(Command::NextFocus),
                    km.hint(Command::DeleteNote),
                    km.hint(Command::Snooze),
                    km.hint(Command::Back)
                );
                self.info(hint);
            }
        }
        if let Some(Screen::Outreach(s)) = self.stack.last() {
            if s.selected != before {
                self.reload_outreach();
                if let Some(Screen::Outreach(s)) = self.stack.last_mut() {
                    s.selected_recipient = 0;
                }
            }
        }
        Effect::None
    }

    /// Enter on a customer: their notice as it will be sent (template version in their
    /// language, their orders and items), read from the templates folder like the reply picker.
    fn preview_notice(&mut self) -> Effect {
        let Some(Screen::Outreach(s)) = self.stack.last() else {
            return Effect::None;
        };
        let (Some(c), Some(r)) = (
            s.campaign().cloned(),
            s.recipients.get(s.selected_recipient).cloned(),
        ) else {
            return Effect::None;
        };
        if !s.on_recipients {
            let km = &self.options.keymap;
            self.info(format!(
                "Press {} to choose a customer, then {} to read their message.",
                km.hint(Command::NextFocus),
                km.hint(Command::Open)
            ));
            return Effect::None;
        }
        let (Some(cfg), Some(store)) = (self.options.config.as_ref(), self.data.store()) else {
            return Effect::None;
        };
        let (templates, _) = crate::send::flow::load_templates(cfg);
        let versions = crate::outreach::notice::versions(&templates, &c.template);
        let lang = crate::template::Language::parse(&r.language).unwrap_or_default();
        let Some(t) = crate::outreach::notice::pick(&versions, &c.template, lang) else {
            self.error(format!(
                "The campaign's template \"{}\" is not in the templates folder.",
                crate::mail::sanitize::line(&c.template)
            ));
            return Effect::None;
        };
        let first = store
            .greeting_name(&r.addr, r.name.as_deref())
            .unwrap_or_default();
        let text = crate::outreach::notice::render(cfg, t, &r, first, self.now)
            .map_err(|e| e.to_string())
            .and_then(|n| {
                crate::outreach::notice::compose_notice(cfg, &n, self.now)
                    .map_err(|e| e.to_string())
            })
            // The Message-ID is made anew when the notice is queued: not part of the preview.
            .map(|m| {
                crate::send::readable::readable(&m.raw)
                    .lines()
                    .filter(|l| !l.starts_with("Message-ID:"))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        match text {
            Ok(text) => {
                if let Some(Screen::Outreach(s)) = self.stack.last_mut() {
                    s.preview = Some(text);
                }
            }
            Err(e) => self.error(e),
        }
        Effect::None
    }

    /// `y`: sends the selected campaign in the background after the undo window (`s` stops
    /// it); a stopped one goes on. Its screen follows from the store as notices go out.
    fn start_campaign(&mut self) -> Effect {
        let Some(Screen::Outreach(s)) = self.stack.last() else {
            return Effect::None;
        };
        let Some(c) = s.campaign().cloned() else {
            let hint = self.options.keymap.hint(Command::NewCampaign);
            self.info(format!("There are no campaigns; {hint} starts one."));
            return Effect::None;
        };
        let Some(cfg) = self.options.config.as_ref() else {
            return Effect::None;
        };
        match c.state {
            CampaignState::Sending => {
                self.info(format!("Campaign {} is sending already.", c.id));
                return Effect::None;
            }
            CampaignState::Done => {
                self.info(format!(
                    "Campaign {} is done: every customer has their notice.",
                    c.id
                ));
                return Effect::None;
            }
            CampaignState::Draft | CampaignState::Paused => {}
        }
        let (limits, _) = crate::outreach::rate::Limits::for_config(cfg);
        let undo = cfg.undo_seconds;
        let not_before = self.now + chrono::Duration::seconds(undo as i64);
        self.info(format!(
            "Campaign {} starts in {undo} s, at most {} a minute and {} a day; {} stops it.",
            c.id,
            limits.per_minute,
            limits.per_day,
            self.options.keymap.hint(Command::Snooze)
        ));
        Effect::StartCampaign {
            id: c.id,
            not_before,
        }
    }

    fn stop_campaign(&mut self) -> Effect {
        let Some(Screen::Outreach(s)) = self.stack.last() else {
            return Effect::None;
        };
        let Some(c) = s.campaign().cloned() else {
            let hint = self.options.keymap.hint(Command::NewCampaign);
            self.info(format!("There are no campaigns; {hint} starts one."));
            return Effect::None;
        };
        if c.state != CampaignState::Sending {
            self.info(format!(
                "Campaign {} is {}, not sending: nothing to stop.",
                c.id,
                c.state.as_str()
            ));
            return Effect::None;
        }
        let Some(store) = self.data.store() else {
            return Effect::None;
        };
        match store.set_campaign_state(c.id, CampaignState::Paused, None) {
            Ok(()) => {
                self.info(format!(
                    "Campaign {} stops after the message in hand; `shopinbox notify send {} --yes` goes on.",
                    c.id, c.id
                ));
                self.reload_outreach();
            }
            Err(e) => self.error(super::reply::sentence(&e)),
        }
        Effect::None
    }

    fn toggle_recipient(&mut self) -> Effect {
        let Some(Screen::Outreach(s)) = self.stack.last() else {
            return Effect::None;
        };
        let (Some(c), Some(r)) = (
            s.campaign().cloned(),
            s.recipients.get(s.selected_recipient).cloned(),
        ) else {
            return Effect::None;
        };
        if !s.on_recipients {
            let km = &self.options.keymap;
            self.info(format!(
                "Press {} to choose a customer first.",
                km.hint(Command::NextFocus)
            ));
            return Effect::None;
        }
        if c.state != CampaignState::Draft {
            self.info("This campaign has started; customers can only be taken off a draft.");
            return Effect::None;
        }
        let Some(store) = self.data.store() else {
            return Effect::None;
        };
        match store.set_recipient_removed(c.id, &r.addr, !r.removed) {
            Ok(_) => {
                let who = crate::mail::sanitize::line(&r.addr);
                self.info(if r.removed {
                    format!("{who} is back on the campaign.")
                } else {
                    format!("{who} is taken off the campaign.")
                });
                self.reload_outreach();
            }
            Err(e) => self.error(super::reply::sentence(&e)),
        }
        Effect::None
    }
}
