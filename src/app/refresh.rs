//! Keeping the state in step with the store and the workers: worker events, reloading the
//! inbox page and the open screens, and keeping selections and scroll positions in range.

use super::{view_count, App, Screen, SyncStatus, WorkerEvent};

impl App {
    pub(super) fn worker_event(&mut self, ev: WorkerEvent) {
        match ev {
            WorkerEvent::Started => {
                self.worker.sync = SyncStatus::Running {
                    mailbox: None,
                    done: 0,
                    total: 0,
                }
            }
            WorkerEvent::Progress {
                mailbox,
                done,
                total,
            } => {
                self.worker.sync = SyncStatus::Running {
                    mailbox: Some(mailbox),
                    done,
                    total,
                }
            }
            WorkerEvent::Finished { at, new_messages } => {
                self.worker.sync = SyncStatus::Idle;
                self.worker.last_sync = Some(at);
                self.refresh();
                if new_messages > 0 {
                    let s = if new_messages == 1 { "" } else { "s" };
                    self.info(format!("{new_messages} new message{s}."));
                }
            }
            WorkerEvent::Offline { reason } => self.worker.sync = SyncStatus::Offline { reason },
            WorkerEvent::LoginRefused { message } => {
                self.worker.sync = SyncStatus::Refused { message }
            }
            WorkerEvent::WindowSynced => self.refresh(),
            WorkerEvent::History { done, total } => self.history_progress(done, total),
            // A problem the owner should read (a reply that failed, sent with problems…); it
            // is not about the connection, so the sync state stays as it is.
            WorkerEvent::Error { message } => self.error(message),
            WorkerEvent::Outbox => {
                // A sent reply makes its conversation answered: reload, then report.
                self.refresh();
                self.outbox_changed();
            }
        }
    }

    /// Reloads counts, the visible page and the open screens from the store.
    pub fn refresh(&mut self) {
        match self.data.counts(self.now) {
            Ok(c) => self.counts = c,
            Err(e) => self.error(e.sentence()),
        }
        if let Ok(n) = self.data.outbox_pending() {
            self.worker.outbox_pending = n;
        }
        if let Ok(Some(t)) = self.data.last_sync() {
            if self.worker.last_sync.is_none_or(|l| t > l) {
                self.worker.last_sync = Some(t);
            }
        }
        self.worker.window_synced = self.data.window_synced().unwrap_or(true);
        self.load_replying();
        let keep = self.inbox.selected_row().map(|r| r.id);
        self.inbox.total = view_count(&self.counts, self.view);
        self.inbox.rows.clear();
        self.clamp_inbox();
        // Keep the same conversation selected when it is still on the loaded page.
        if let Some(id) = keep {
            if let Some(pos) = self.inbox.rows.iter().position(|r| r.id == id) {
                self.inbox.selected = self.inbox.window_start + pos as u64;
                self.clamp_inbox();
            }
        }
        for i in 0..self.stack.len() {
            self.reload_screen(i);
        }
        self.reload_stats();
    }

    pub(super) fn reload_screen(&mut self, i: usize) {
        let Some(screen) = self.stack.get(i) else {
            return;
        };
        let result = match screen {
            Screen::Conversation(c) => {
                let id = c.row.id;
                match (
                    self.data.conversation(id),
                    self.data.conversation_messages(id),
                ) {
                    (Ok(Some(row)), Ok(messages)) => {
                        let notes = self.customer_notes(&row.customer_addr);
                        if let Some(Screen::Conversation(c)) = self.stack.get_mut(i) {
                            c.row = row;
                            c.messages = messages;
                            c.notes = notes;
                        }
                        Ok(())
                    }
                    (Ok(None), _) => Ok(()),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                }
            }
            Screen::Customer(c) => match self.data.customer(&c.info.addr) {
                Ok(info) => {
                    if let Some(Screen::Customer(c)) = self.stack.get_mut(i) {
                        c.selected_conversation = c
                            .selected_conversation
                            .min(info.conversations.len().saturating_sub(1));
                        c.selected_note = c.selected_note.min(info.notes.len().saturating_sub(1));
                        c.info = info;
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
            // The reply screens hold their own draft; the statistics reload in one go.
            Screen::Templates(_) | Screen::Confirm(_) | Screen::Stats(_) => Ok(()),
            Screen::Outbox(_) => {
                self.reload_outbox();
                Ok(())
            }
            Screen::Rules(_) => {
                self.reload_rules();
                Ok(())
            }
            Screen::Outreach(_) => {
                self.reload_outreach();
                Ok(())
            }
        };
        if let Err(e) = result {
            self.error(e.sentence());
        }
        if i + 1 == self.stack.len() {
            self.clamp_thread_scroll();
        }
    }

    /// Keeps the selection inside the view and visible, and makes sure the visible rows are
    /// loaded (one store query per window move).
    pub(super) fn clamp_inbox(&mut self) {
        let page = self.page_rows();
        let list = &mut self.inbox;
        list.selected = list.selected.min(list.total.saturating_sub(1));
        if list.selected < list.top {
            list.top = list.selected;
        }
        if list.selected >= list.top + page {
            list.top = list.selected + 1 - page;
        }
        list.top = list.top.min(list.total.saturating_sub(page));
        let want_end = (list.top + page).min(list.total);
        let loaded_end = list.window_start + list.rows.len() as u64;
        let covered = list.top >= list.window_start && want_end <= loaded_end;
        if covered && !(list.rows.is_empty() && list.total > 0) {
            return;
        }
        if list.total == 0 {
            list.rows.clear();
            list.window_start = 0;
            return;
        }
        // Two pages either side, so scrolling row by row rarely queries.
        let offset = list.top.saturating_sub(page * 2);
        let limit = page * 5;
        match self.data.list(self.view, self.now, offset, limit) {
            Ok(rows) => {
                self.inbox.window_start = offset;
                self.inbox.rows = rows;
                // The store may hold fewer rows than counted (changed between the queries).
                let end = offset + self.inbox.rows.len() as u64;
                if end < self.inbox.total && (self.inbox.rows.len() as u64) < limit {
                    self.inbox.total = end;
                    self.inbox.selected = self.inbox.selected.min(end.saturating_sub(1));
                }
            }
            Err(e) => self.error(e.sentence()),
        }
    }

    pub(super) fn clamp_thread_scroll(&mut self) {
        let (width, height, now) = (self.size.width, self.size.height, self.now);
        let tz = self.data.calendar().tz;
        if let Some(Screen::Conversation(c)) = self.stack.last_mut() {
            let lines = crate::layout::thread::thread_lines(
                &c.row.flags,
                &c.notes,
                &c.messages,
                c.show_quoted,
                width,
                now,
                tz,
            )
            .len();
            let page = usize::from(crate::layout::conversation_body_height(height));
            c.scroll = c.scroll.min(lines.saturating_sub(page));
        }
    }
}
