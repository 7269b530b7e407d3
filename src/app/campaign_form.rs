//! The Outreach screen's form for a new campaign (`C`): the template (each configured template
//! with its language versions, chosen with Left/Right) and who gets it: orders placed between
//! two times (typed as the owner says them, [`crate::outreach::draft::parse_time`]), containing
//! an item, by order numbers, or a list of addresses. Enter first shows how many customers
//! match and who is set aside for a personal reply (a warning note, an open complaint); Enter
//! again saves the same draft `shopinbox notify new` makes ([`crate::outreach::draft`]), and
//! the Outreach screen shows its customers to read, take off and send. Any edit after the check
//! asks for a new one, so what is saved is what was shown.

use super::{App, Effect, InputKey, LineEditor, Overlay, Screen};
use crate::outreach::draft::{self, Plan, PlanError, TemplateChoice};
use crate::outreach::select::Selection;

/// The form's text fields, in the order shown (the template chooser is above them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    From,
    Until,
    Item,
    Orders,
    Addresses,
    Name,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::From,
        Field::Until,
        Field::Item,
        Field::Orders,
        Field::Addresses,
        Field::Name,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::From => "Ordered from",
            Field::Until => "Ordered before",
            Field::Item => "Item contains",
            Field::Orders => "Order numbers",
            Field::Addresses => "Addresses",
            Field::Name => "Campaign name",
        }
    }

    /// What to type, shown under the form while the field has the cursor.
    pub fn hint(self) -> &'static str {
        match self {
            Field::From | Field::Until => {
                "shop time: 2026-11-02, 2026-11-02 14:00, yesterday, today 9:00, 3 days ago"
            }
            Field::Item => "orders with an item whose name contains this (any case)",
            Field::Orders => "order numbers, separated by commas or spaces: 1041, 1042",
            Field::Addresses => {
                "these customers, whatever they ordered: a@example.com, b@example.com"
            }
            Field::Name => "to recognise the campaign by; empty: the template's name",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CampaignForm {
    pub templates: Vec<TemplateChoice>,
    pub template: usize,
    /// One editor per [`Field::ALL`].
    pub fields: Vec<LineEditor>,
    /// 0: the template; 1.. the text fields.
    pub focus: usize,
    /// The checked draft, shown before it is saved; cleared by any edit.
    pub plan: Option<Plan>,
    pub error: Option<String>,
}

impl CampaignForm {
    pub fn new(templates: Vec<TemplateChoice>) -> CampaignForm {
        CampaignForm {
            templates,
            template: 0,
            fields: Field::ALL.iter().map(|_| LineEditor::default()).collect(),
            focus: 0,
            plan: None,
            error: None,
        }
    }

    pub fn focused_field(&self) -> Option<Field> {
        self.focus
            .checked_sub(1)
            .and_then(|i| Field::ALL.get(i).copied())
    }

    pub fn text(&self, f: Field) -> &str {
        Field::ALL
            .iter()
            .position(|x| *x == f)
            .and_then(|i| self.fields.get(i))
            .map_or("", LineEditor::text)
    }

    pub fn choice(&self) -> Option<&TemplateChoice> {
        self.templates.get(self.template)
    }
}

impl App {
    /// `C`: the form for a new campaign over the Outreach screen.
    pub(super) fn new_campaign(&mut self) -> Effect {
        if self.data.store().is_none() {
            self.error("A new campaign needs the mail store; `shopinbox notify new` makes one.");
            return Effect::None;
        }
        let Some(cfg) = self.options.config.as_ref() else {
            self.error("A new campaign needs the config's templates; `shopinbox notify new` makes one from the command line.");
            return Effect::None;
        };
        let (templates, _) = crate::send::flow::load_templates(cfg);
        let choices = draft::template_choices(&templates);
        if choices.is_empty() {
            let text = format!(
                "There are no templates in {}; write NAME.txt there (and NAME.de.txt for German customers), then press {} again.",
                cfg.templates_dir().display(),
                self.options.keymap.hint(super::Command::NewCampaign)
            );
            self.error(text);
            return Effect::None;
        }
        self.overlay = Some(Overlay::NewCampaign(Box::new(CampaignForm::new(choices))));
        Effect::None
    }

    pub(super) fn campaign_form_input(
        &mut self,
        mut f: Box<CampaignForm>,
        key: InputKey,
    ) -> Option<Overlay> {
        let rows = Field::ALL.len() + 1;
        match key {
            InputKey::Cancel => return None,
            InputKey::Up => f.focus = (f.focus + rows - 1) % rows,
            InputKey::Down => f.focus = (f.focus + 1) % rows,
            InputKey::Submit if f.plan.is_some() => {
                self.save_campaign(&f);
                return None;
            }
            InputKey::Submit => self.check_campaign(&mut f),
            InputKey::Left | InputKey::Right if f.focus == 0 => {
                let n = f.templates.len().max(1);
                f.template = if key == InputKey::Left {
                    (f.template + n - 1) % n
                } else {
                    (f.template + 1) % n
                };
                f.plan = None;
                f.error = None;
            }
            k => {
                if let Some(e) = f.focus.checked_sub(1).and_then(|i| f.fields.get_mut(i)) {
                    let before = e.text().to_string();
                    e.apply(k);
                    if e.text() != before {
                        f.plan = None;
                        f.error = None;
                    }
                }
            }
        }
        Some(Overlay::NewCampaign(f))
    }

    /// Enter: reads the fields into a [`Selection`] and finds the customers it matches.
    fn check_campaign(&mut self, f: &mut CampaignForm) {
        f.plan = None;
        f.error = None;
        let tz = self.data.calendar().tz;
        let time = |field: Field| -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
            let text = f.text(field).trim();
            if text.is_empty() {
                return Ok(None);
            }
            draft::parse_time(text, self.now, tz).map(Some).ok_or_else(|| {
                format!(
                    "{}: \"{}\" is not a time I understand; type e.g. 2026-11-02, 2026-11-02 14:00 or yesterday.",
                    field.label(),
                    crate::mail::sanitize::line(text)
                )
            })
        };
        let (from, to) = match (time(Field::From), time(Field::Until)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                f.error = Some(e);
                return;
            }
        };
        if let (Some(a), Some(b)) = (from, to) {
            if b <= a {
                f.error = Some(
                    "Ordered before must be later than Ordered from; no order lies between them."
                        .into(),
                );
                return;
            }
        }
        let addresses = draft::split_list(f.text(Field::Addresses));
        if let Some(bad) = addresses.iter().find(|a| !draft::is_address(a)) {
            f.error = Some(format!(
                "Addresses: \"{}\" is not an email address.",
                crate::mail::sanitize::line(bad)
            ));
            return;
        }
        let item = f.text(Field::Item).trim();
        let sel = Selection {
            from,
            to,
            item: (!item.is_empty()).then(|| item.to_string()),
            orders: draft::split_list(f.text(Field::Orders)),
            addresses,
        };
        let (Some(cfg), Some(store), Some(choice)) =
            (self.options.config.as_ref(), self.data.store(), f.choice())
        else {
            return;
        };
        let (templates, _) = crate::send::flow::load_templates(cfg);
        let name = f.text(Field::Name).to_string();
        match draft::plan(
            store,
            cfg.shop.language,
            &templates,
            &choice.base,
            Some(&name),
            sel,
        ) {
            Ok(p) => f.plan = Some(p),
            Err(e) => {
                f.error = Some(match e {
                    PlanError::NoTemplate(base) => format!(
                        "The template \"{}\" is gone from the templates folder; choose another.",
                        crate::mail::sanitize::line(&base)
                    ),
                    PlanError::NothingChosen => "Say who gets the notice: when they ordered, an item, order numbers or addresses.".into(),
                    PlanError::NoMatch => "No customer with an email address matches; widen the choice, or `shopinbox orders import FILE.csv` brings in the shop's order history.".into(),
                    PlanError::Store(e) => super::reply::sentence(&e),
                })
            }
        }
    }

    /// Enter on a checked form: saves the draft and shows its customers on the Outreach screen.
    fn save_campaign(&mut self, f: &CampaignForm) {
        let Some(plan) = &f.plan else { return };
        let Some(store) = self.data.store_mut() else {
            return;
        };
        match draft::save(store, plan) {
            Ok(id) => {
                let going = plan.going().count();
                let held = plan.held().count();
                let km = &self.options.keymap;
                let mut text = format!(
                    "Campaign {id} saved as a draft: {} get the notice",
                    crate::human_time::count(going as u64, "customer", "customers")
                );
                if held > 0 {
                    text.push_str(&format!(", {held} to write yourself"));
                }
                text.push_str(&format!(
                    ". {} reads each message, {} takes a customer off, {} sends.",
                    km.hint(super::Command::Open),
                    km.hint(super::Command::DeleteNote),
                    km.hint(super::Command::Send)
                ));
                self.info(text);
                // The new campaign is the newest: first in the list, its customers in focus.
                if let Some(Screen::Outreach(s)) = self
                    .stack
                    .iter_mut()
                    .find(|s| matches!(s, Screen::Outreach(_)))
                {
                    s.selected = 0;
                    s.on_recipients = true;
                    s.selected_recipient = 0;
                }
                self.reload_outreach();
            }
            Err(e) => self.error(super::reply::sentence(&e)),
        }
    }
}
