//! A small in-memory inbox implementing `InboxData`, so the app can be driven headless and its
//! screens snapshotted at a fixed `now` without SQLite. The rules it applies (views, owner
//! rules, snooze, manual answered) follow the store contract in their simplest form.
#![allow(dead_code)]

use chrono::{DateTime, NaiveTime, Utc};
use shopinbox::app::data::{DataError, DataResult};
use shopinbox::app::{App, AppOptions, InboxData};
use shopinbox::deadline::Calendar;
use shopinbox::mail::{Address, Attachment, AutoKind};
use shopinbox::store::{
    ConversationId, ConversationRow, CustomerInfo, Location, MessageKey, MessageRow, NotCustomer,
    Note, RuleKind, SearchHit, View, ViewCounts,
};

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Thursday 19 November 2026, 10:30 in Berlin.
pub fn now() -> DateTime<Utc> {
    utc("2026-11-19T09:30:00Z")
}

pub fn calendar() -> Calendar {
    Calendar::office_hours(
        chrono_tz::Europe::Berlin,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
    )
}

pub struct Conv {
    pub row: ConversationRow,
    pub messages: Vec<MessageRow>,
}

pub struct Fake {
    pub cal: Calendar,
    pub convs: Vec<Conv>,
    pub rules: Vec<(i64, RuleKind, String)>,
    pub notes: Vec<Note>,
    pub next_id: i64,
    pub outbox: u64,
    pub last_sync: Option<DateTime<Utc>>,
    /// First names the owner corrected, by address.
    pub first_names: std::collections::HashMap<String, String>,
    /// Calls to `list`, to check that the app pages instead of loading everything.
    pub list_calls: std::rc::Rc<std::cell::RefCell<Vec<(View, u64, u64)>>>,
    /// Older conversations the owner pulled into Needs reply, and when.
    pub pulled: std::collections::HashMap<ConversationId, DateTime<Utc>>,
    /// Whether the tracking window is synced (a first sync still running: false).
    pub window_synced: bool,
}

fn addr(name: &str, a: &str) -> Address {
    Address {
        name: if name.is_empty() {
            None
        } else {
            Some(name.to_string())
        },
        addr: a.to_string(),
    }
}

pub struct MsgSpec<'a> {
    pub from_name: &'a str,
    pub from: &'a str,
    pub at: &'a str,
    pub body: &'a str,
    pub shop: bool,
}

impl Fake {
    pub fn empty() -> Fake {
        Fake {
            cal: calendar(),
            convs: Vec::new(),
            rules: Vec::new(),
            notes: Vec::new(),
            next_id: 1000,
            outbox: 0,
            last_sync: None,
            first_names: Default::default(),
            list_calls: Default::default(),
            pulled: Default::default(),
            window_synced: true,
        }
    }

    /// Adds a conversation from before the tracking window that was never answered
    /// ("Older, never answered"): history, not owed.
    pub fn add_older(&mut self, subject: &str, msgs: &[MsgSpec]) -> ConversationId {
        let id = self.add(subject, msgs, None, None);
        let row = &mut self.convs[id as usize - 1].row;
        row.older_since = msgs.iter().find(|m| !m.shop).map(|m| utc(m.at));
        id
    }

    /// Adds a conversation; `due` is the effective deadline (None: answered).
    pub fn add(
        &mut self,
        subject: &str,
        msgs: &[MsgSpec],
        due: Option<&str>,
        auto: Option<AutoKind>,
    ) -> ConversationId {
        let id = self.convs.len() as i64 + 1;
        let customer = msgs.iter().find(|m| !m.shop).unwrap_or(&msgs[0]);
        let mut messages = Vec::new();
        for (i, m) in msgs.iter().enumerate() {
            let key = id * 100 + i as i64;
            messages.push(MessageRow {
                id: key,
                conversation_id: id,
                location: Location {
                    mailbox: "INBOX".into(),
                    uidvalidity: 1,
                    uid: key as u32,
                },
                message_id: Some(format!("m{key}@example.com")),
                in_reply_to: None,
                references: vec![],
                from: Some(addr(m.from_name, m.from)),
                to: vec![addr(
                    "Alphx",
                    if m.shop {
                        customer.from
                    } else {
                        "hello@alphx.shop"
                    },
                )],
                cc: vec![],
                reply_to: None,
                subject: subject.to_string(),
                date: Some(utc(m.at)),
                received_at: utc(m.at),
                body: m.body.to_string(),
                attachments: if m.body.contains("photo") {
                    vec![Attachment {
                        name: "bowl.jpg".into(),
                        mime: "image/jpeg".into(),
                        size: 240_000,
                    }]
                } else {
                    vec![]
                },
                flags: vec![],
                size: m.body.len() as u64,
                is_shop: m.shop,
                auto_kind: if m.shop { None } else { auto },
                problems: vec![],
                removed_at: None,
            });
        }
        let row = ConversationRow {
            id,
            subject: subject.to_string(),
            customer_name: Some(customer.from_name.to_string()).filter(|n| !n.is_empty()),
            customer_addr: customer.from.to_string(),
            message_count: msgs.len() as u32,
            first_at: utc(msgs[0].at),
            last_at: utc(msgs[msgs.len() - 1].at),
            pending_since: due.map(|_| utc(customer.at)),
            due_at: due.map(utc),
            last_shop_at: msgs.iter().rev().find(|m| m.shop).map(|m| utc(m.at)),
            not_customer: auto.map(NotCustomer::Auto),
            snoozed_until: None,
            follow_up_at: None,
            manual_answered_at: None,
            latest_message: messages[messages.len() - 1].id,
            flags: vec![],
            removed_since: None,
            has_notes: false,
            older_since: None,
            last_customer_at: msgs
                .iter()
                .rev()
                .find(|m| !m.shop)
                .filter(|_| auto.is_none())
                .map(|m| utc(m.at)),
        };
        self.convs.push(Conv { row, messages });
        id
    }

    /// The morning inbox of a small shop.
    pub fn sample() -> Fake {
        let mut f = Fake::empty();
        let c = |from_name, from, at, body| MsgSpec {
            from_name,
            from,
            at,
            body,
            shop: false,
        };
        let s = |at, body| MsgSpec {
            from_name: "Alphx",
            from: "hello@alphx.shop",
            at,
            body,
            shop: true,
        };
        f.add(
            "Where is my package? Order #1042",
            &[c("John Smith", "john.smith@gmail.com", "2026-11-18T13:10:00Z", "Hi,\n\nI ordered a vase two weeks ago (order #1042) and it still has not arrived.\nCan you check where it is?\n\nThanks,\nJohn\n-- \nJohn Smith\nSent from my phone")],
            Some("2026-11-18T16:00:00Z"),
            None,
        );
        f.add(
            "Chipped bowl",
            &[
                c("Maria García", "maria@garcia.es", "2026-11-17T08:00:00Z", "The bowl arrived chipped, see the photo."),
                s("2026-11-17T10:00:00Z", "Hi Maria,\n\nso sorry! A replacement is on its way.\n\nBest, Tom"),
                c("Maria García", "maria@garcia.es", "2026-11-19T07:45:00Z", "Thank you! Will the old one need to go back?\n\nOn Tue, 17 Nov 2026 at 11:00, Alphx <hello@alphx.shop> wrote:\n> Hi Maria,\n>\n> so sorry! A replacement is on its way.\n>\n> Best, Tom"),
            ],
            Some("2026-11-19T16:00:00Z"),
            None,
        );
        f.add(
            "Cancel my order please",
            &[c(
                "Léa Martin",
                "lea@martin.fr",
                "2026-11-19T09:05:00Z",
                "Please cancel order 1051, I ordered twice by mistake.",
            )],
            Some("2026-11-19T10:00:00Z"),
            None,
        );
        f.add(
            "Question about glazes",
            &[
                c(
                    "Sam Lee",
                    "sam@lee.dev",
                    "2026-11-16T09:00:00Z",
                    "Are your glazes food safe?",
                ),
                s(
                    "2026-11-16T11:00:00Z",
                    "Yes, all of them are lead-free and food safe.",
                ),
            ],
            None,
            None,
        );
        f.add(
            "Your weekly marketplace digest",
            &[c(
                "Marketplace",
                "news@market.example",
                "2026-11-19T06:00:00Z",
                "Top sellers this week…",
            )],
            None,
            Some(AutoKind::Bulk),
        );
        f.add(
            "Partnership opportunity",
            &[c(
                "Growth Agency",
                "pitch@growthagency.biz",
                "2026-11-19T08:30:00Z",
                "We can 10x your sales.",
            )],
            Some("2026-11-19T16:00:00Z"),
            None,
        );
        f.notes.push(Note {
            id: 1,
            customer_addr: "maria@garcia.es".into(),
            text: "Replacement bowl sent 17 Nov".into(),
            created_at: utc("2026-11-17T10:05:00Z"),
            updated_at: utc("2026-11-17T10:05:00Z"),
            warning: false,
        });
        f.outbox = 1;
        f.last_sync = Some(utc("2026-11-19T07:02:00Z"));
        f
    }

    fn kept_out(&self, m: &MessageRow) -> Option<NotCustomer> {
        if let Some(k) = m.auto_kind {
            return Some(NotCustomer::Auto(k));
        }
        let from = m.from.as_ref().map(|a| a.addr.as_str()).unwrap_or("");
        let domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        for (_, kind, value) in &self.rules {
            let hit = match kind {
                RuleKind::Message => m.message_id.as_deref() == Some(value.as_str()),
                RuleKind::Sender => from == value,
                RuleKind::Domain => domain == value,
            };
            if hit {
                return Some(NotCustomer::Rule(*kind));
            }
        }
        None
    }

    /// The row as the store would compute it at `now`.
    fn effective(&self, c: &Conv) -> ConversationRow {
        let mut row = c.row.clone();
        let customer: Vec<&MessageRow> = c.messages.iter().filter(|m| !m.is_shop).collect();
        row.not_customer =
            if !customer.is_empty() && customer.iter().all(|m| self.kept_out(m).is_some()) {
                customer.iter().find_map(|m| self.kept_out(m))
            } else {
                None
            };
        // Pulled out of history: owed from the pull, as the store computes it.
        if let Some(p) = self
            .pulled
            .get(&row.id)
            .filter(|_| row.older_since.is_some())
        {
            row.older_since = None;
            row.pending_since = Some(*p);
            row.due_at = Some(shopinbox::deadline::due_at(*p, &self.cal));
        }
        if row.manual_answered_at.is_some() || row.not_customer.is_some() {
            row.due_at = None;
            row.pending_since = None;
            row.older_since = None;
        }
        // As the store does: a warning note about the customer flags every conversation.
        row.has_notes = self
            .notes
            .iter()
            .any(|n| !n.warning && n.customer_addr == row.customer_addr);
        if let Some(n) = self
            .notes
            .iter()
            .find(|n| n.warning && n.customer_addr == row.customer_addr)
        {
            row.flags.push(shopinbox::store::Flag {
                kind: shopinbox::store::FlagKind::Warning,
                reason: n.text.clone(),
            });
        }
        row
    }

    fn in_view(&self, r: &ConversationRow, view: View, now: DateTime<Utc>) -> bool {
        let snoozed = r.snoozed_until.is_some_and(|t| t > now);
        let pending = r.not_customer.is_none() && r.due_at.is_some() && !snoozed;
        let tz = self.cal.tz;
        let today = |t: DateTime<Utc>| {
            t.with_timezone(&tz).date_naive() == now.with_timezone(&tz).date_naive()
        };
        match view {
            View::NeedsReply => pending,
            View::Overdue => pending && r.due_at.is_some_and(|d| d <= now),
            View::DueToday => pending && r.due_at.is_some_and(|d| d > now && today(d)),
            View::Answered => {
                r.not_customer.is_none() && r.due_at.is_none() && r.older_since.is_none()
            }
            View::Older => r.older_since.is_some(),
            View::NotCustomer => r.not_customer.is_some(),
            View::All => true,
            View::Snoozed => r.not_customer.is_none() && r.due_at.is_some() && snoozed,
        }
    }

    fn rows(&self, view: View, now: DateTime<Utc>) -> Vec<ConversationRow> {
        let mut rows: Vec<ConversationRow> = self
            .convs
            .iter()
            .map(|c| self.effective(c))
            .filter(|r| self.in_view(r, view, now))
            .collect();
        match view {
            View::NeedsReply | View::Overdue | View::DueToday => {
                rows.sort_by_key(|r| (r.due_at, r.id))
            }
            _ => rows.sort_by_key(|r| std::cmp::Reverse((r.last_at, r.id))),
        }
        rows
    }

    fn conv_mut(&mut self, id: ConversationId) -> DataResult<&mut Conv> {
        self.convs
            .iter_mut()
            .find(|c| c.row.id == id)
            .ok_or_else(|| DataError::new("find the conversation", format!("no conversation {id}")))
    }

    pub fn into_app(self, width: u16, height: u16) -> App {
        App::new(
            Box::new(self),
            AppOptions {
                color: false,
                fixed_now: Some(now()),
                ..AppOptions::default()
            },
            now(),
            width,
            height,
        )
    }
}

impl InboxData for Fake {
    fn calendar(&self) -> &Calendar {
        &self.cal
    }
    fn counts(&self, now: DateTime<Utc>) -> DataResult<ViewCounts> {
        let n = |v| self.rows(v, now).len() as u64;
        Ok(ViewCounts {
            needs_reply: n(View::NeedsReply),
            overdue: n(View::Overdue),
            due_today: n(View::DueToday),
            answered: n(View::Answered),
            not_customer: n(View::NotCustomer),
            all: n(View::All),
            snoozed: n(View::Snoozed),
            older: n(View::Older),
        })
    }
    fn list(
        &self,
        view: View,
        now: DateTime<Utc>,
        offset: u64,
        limit: u64,
    ) -> DataResult<Vec<ConversationRow>> {
        self.list_calls.borrow_mut().push((view, offset, limit));
        Ok(self
            .rows(view, now)
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect())
    }
    fn conversation(&self, id: ConversationId) -> DataResult<Option<ConversationRow>> {
        Ok(self
            .convs
            .iter()
            .find(|c| c.row.id == id)
            .map(|c| self.effective(c)))
    }
    fn conversation_messages(&self, id: ConversationId) -> DataResult<Vec<MessageRow>> {
        Ok(self
            .convs
            .iter()
            .find(|c| c.row.id == id)
            .map(|c| c.messages.clone())
            .unwrap_or_default())
    }
    fn message(&self, key: MessageKey) -> DataResult<Option<MessageRow>> {
        Ok(self
            .convs
            .iter()
            .flat_map(|c| &c.messages)
            .find(|m| m.id == key)
            .cloned())
    }
    fn raw(&self, key: MessageKey) -> DataResult<Option<Vec<u8>>> {
        Ok(self
            .message(key)?
            .map(|m| format!("Subject: {}\r\n\r\n{}", m.subject, m.body).into_bytes()))
    }
    fn search(&self, query: &str, limit: u32) -> DataResult<Vec<SearchHit>> {
        let q = query.to_lowercase();
        let mut hits = Vec::new();
        for m in self.convs.iter().flat_map(|c| &c.messages) {
            let from = m
                .from
                .as_ref()
                .map(|a| format!("{} {}", a.name.clone().unwrap_or_default(), a.addr))
                .unwrap_or_default();
            let hay = format!("{} {} {}", m.subject, from, m.body).to_lowercase();
            if hay.contains(&q) {
                hits.push(SearchHit {
                    conversation_id: m.conversation_id,
                    message: m.id,
                    subject: m.subject.clone(),
                    from: m.from.clone(),
                    snippet: m.body.chars().take(60).collect(),
                    received_at: m.received_at,
                });
            }
        }
        hits.truncate(limit as usize);
        Ok(hits)
    }
    fn set_first_name(&mut self, addr: &str, first_name: Option<&str>) -> DataResult<()> {
        match first_name {
            Some(n) => self.first_names.insert(addr.to_string(), n.to_string()),
            None => self.first_names.remove(addr),
        };
        Ok(())
    }
    fn customer(&self, addr: &str) -> DataResult<CustomerInfo> {
        let convs: Vec<ConversationRow> = self
            .convs
            .iter()
            .filter(|c| c.row.customer_addr == addr)
            .map(|c| self.effective(c))
            .collect();
        let name = convs.first().and_then(|c| c.customer_name.clone());
        let first_contact = convs.iter().map(|c| c.first_at).min();
        let mut orders: Vec<String> = Vec::new();
        for c in self.convs.iter().filter(|c| c.row.customer_addr == addr) {
            for m in &c.messages {
                for w in format!("{} {}", m.subject, m.body)
                    .split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '#')
                {
                    let Some(digits) = w.strip_prefix('#') else {
                        continue;
                    };
                    if digits.len() == 4
                        && digits.chars().all(|d| d.is_ascii_digit())
                        && !orders.contains(&format!("#{digits}"))
                    {
                        orders.push(format!("#{digits}"));
                    }
                }
            }
        }
        Ok(CustomerInfo {
            addr: addr.to_string(),
            name,
            first_name_override: self.first_names.get(addr).cloned(),
            first_contact,
            conversations: convs,
            orders_mentioned: orders,
            orders: vec![],
            notes: self
                .notes
                .iter()
                .filter(|n| n.customer_addr == addr)
                .cloned()
                .collect(),
        })
    }
    fn add_rule(&mut self, kind: RuleKind, value: &str) -> DataResult<i64> {
        self.next_id += 1;
        self.rules.push((self.next_id, kind, value.to_string()));
        Ok(self.next_id)
    }
    fn remove_rule(&mut self, id: i64) -> DataResult<()> {
        self.rules.retain(|(i, _, _)| *i != id);
        Ok(())
    }
    fn mark_answered(&mut self, id: ConversationId, at: Option<DateTime<Utc>>) -> DataResult<()> {
        self.conv_mut(id)?.row.manual_answered_at = at;
        Ok(())
    }
    fn snooze(&mut self, id: ConversationId, until: Option<DateTime<Utc>>) -> DataResult<()> {
        self.conv_mut(id)?.row.snoozed_until = until;
        Ok(())
    }
    fn add_note(&mut self, addr: &str, text: &str) -> DataResult<i64> {
        self.next_id += 1;
        self.notes.push(Note {
            id: self.next_id,
            customer_addr: addr.to_string(),
            text: text.to_string(),
            created_at: now(),
            updated_at: now(),
            warning: false,
        });
        Ok(self.next_id)
    }
    fn update_note(&mut self, id: i64, text: &str) -> DataResult<()> {
        let n = self
            .notes
            .iter_mut()
            .find(|n| n.id == id)
            .ok_or_else(|| DataError::new("find the note", "gone"))?;
        n.text = text.to_string();
        Ok(())
    }
    fn delete_note(&mut self, id: i64) -> DataResult<()> {
        self.notes.retain(|n| n.id != id);
        Ok(())
    }
    fn pull_into_needs_reply(
        &mut self,
        id: ConversationId,
        at: Option<DateTime<Utc>>,
    ) -> DataResult<()> {
        self.conv_mut(id)?;
        match at {
            Some(t) => self.pulled.insert(id, t),
            None => self.pulled.remove(&id),
        };
        Ok(())
    }
    fn window_synced(&self) -> DataResult<bool> {
        Ok(self.window_synced)
    }
    fn outbox_pending(&self) -> DataResult<u64> {
        Ok(self.outbox)
    }
    fn last_sync(&self) -> DataResult<Option<DateTime<Utc>>> {
        Ok(self.last_sync)
    }
}

/// Renders the app into a test terminal and returns the screen as text, one line per row.
pub fn render(app: &App, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| shopinbox::ui::draw(f, app)).unwrap();
    terminal.backend().buffer().clone()
}

pub fn screen_text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Wednesday 25 November 2026, 16:30 in Berlin: the demo shop late in a busy day.
pub fn demo_now() -> DateTime<Utc> {
    utc("2026-11-25T15:30:00Z")
}

/// The demo store at [`demo_now`], with the demo config (templates in the temp dir) behind the
/// app, as `shopinbox demo` runs it. Keep the dir alive as long as the app.
pub fn demo_app(width: u16, height: u16) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        shopinbox::demo::build_demo_store(dir.path(), shopinbox::clock::Clock::fixed(demo_now()))
            .unwrap();
    let mut config = shopinbox::config::Config::demo();
    // As `shopinbox demo`: the starters, with the return template attaching its label.
    shopinbox::demo::templates::install(&dir.path().join("templates")).unwrap();
    config.templates_dir = Some(dir.path().join("templates"));
    let app = App::new(
        Box::new(store),
        AppOptions {
            color: false,
            fixed_now: Some(demo_now()),
            config: Some(config),
            demo: true,
            ..AppOptions::default()
        },
        demo_now(),
        width,
        height,
    );
    (dir, app)
}

/// A second connection to the demo store, as the send worker has.
pub fn demo_store(dir: &std::path::Path) -> shopinbox::store::Store {
    shopinbox::store::Store::open(
        &dir.join(shopinbox::demo::DEMO_STORE_FILE),
        shopinbox::demo::demo_context(shopinbox::clock::Clock::fixed(demo_now())),
    )
    .unwrap()
}

/// One key as the terminal reports it: "Enter", "Esc", "Tab", "Up", "Down", "Backspace",
/// "Left", "Right", "C-u", or a single character ("y", "N", "/").
pub fn key_event(key: &str) -> crossterm::event::KeyEvent {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (code, mods) = match key {
        "Enter" => (KeyCode::Enter, KeyModifiers::NONE),
        "Esc" => (KeyCode::Esc, KeyModifiers::NONE),
        "Tab" => (KeyCode::Tab, KeyModifiers::NONE),
        "Up" => (KeyCode::Up, KeyModifiers::NONE),
        "Down" => (KeyCode::Down, KeyModifiers::NONE),
        "Left" => (KeyCode::Left, KeyModifiers::NONE),
        "Right" => (KeyCode::Right, KeyModifiers::NONE),
        "Backspace" => (KeyCode::Backspace, KeyModifiers::NONE),
        "Space" => (KeyCode::Char(' '), KeyModifiers::NONE),
        k if k.starts_with("C-") && k.chars().count() == 3 => (
            KeyCode::Char(k.chars().nth(2).unwrap()),
            KeyModifiers::CONTROL,
        ),
        k if k.chars().count() == 1 => {
            let c = k.chars().next().unwrap();
            let mods = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            (KeyCode::Char(c), mods)
        }
        other => panic!("unknown key {other:?}"),
    };
    KeyEvent::new(code, mods)
}

/// Presses one key through the real key path (keymap or text input, then `update`).
/// Unbound keys do nothing, as in the terminal.
pub fn press(app: &mut App, key: &str) -> shopinbox::app::Effect {
    match app.key_to_action(&key_event(key)) {
        Some(action) => app.update(action),
        None => shopinbox::app::Effect::None,
    }
}

/// Types text character by character through the real key path.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, &c.to_string());
    }
}
