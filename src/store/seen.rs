//! Reading a conversation marks it read: the customer's messages get `\Seen` in the store at
//! once, and a durable write-back job each (table `writeback_jobs`, kind `flags`, no outbox
//! row) with the message's mailbox, UIDVALIDITY, UID and Message-ID, so that the sync worker
//! or `shopinbox sync` sets `\Seen` on the server ([`crate::sync::run_jobs`]). Nothing here
//! touches the network: the inbox calls it on the UI thread and pokes the sync worker.

use super::convert::{flags_from_text, flags_to_text, secs};
use super::error::Ctx;
use super::{ConversationId, Store, StoreError};
use rusqlite::params;

const SEEN: &str = "\\Seen";

/// A customer message not read yet: row id, mailbox, UIDVALIDITY, UID, Message-ID, flags.
type Unread = (i64, String, i64, i64, Option<String>, Vec<String>);

impl Store {
    /// The owner opened conversation `id`: every customer message of it not yet read gets
    /// `\Seen` locally, and those on a server a job that sets it there too (one pending job
    /// per message at most). Returns how many jobs were queued.
    pub fn mark_conversation_read(&mut self, id: ConversationId) -> Result<usize, StoreError> {
        const ACTION: &str = "mark the conversation read";
        let now = secs(self.ctx.clock.now());
        let tx = self.conn.transaction().ctx(ACTION)?;
        let unread: Vec<Unread> = {
            let mut st = tx
                .prepare(
                    "SELECT id, mailbox, uidvalidity, uid, message_id, flags FROM messages \
                     WHERE conversation_id = ?1 AND is_shop = 0",
                )
                .ctx(ACTION)?;
            let rows = st
                .query_map([id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        flags_from_text(&r.get::<_, String>(5)?),
                    ))
                })
                .ctx(ACTION)?;
            let mut out = Vec::new();
            for row in rows {
                let row = row.ctx(ACTION)?;
                if !row.5.iter().any(|f| f.eq_ignore_ascii_case(SEEN)) {
                    out.push(row);
                }
            }
            out
        };
        let mut queued = 0;
        for (row_id, mailbox, uidvalidity, uid, message_id, mut flags) in unread {
            flags.push(SEEN.to_string());
            tx.execute(
                "UPDATE messages SET flags = ?2 WHERE id = ?1",
                params![row_id, flags_to_text(&flags)],
            )
            .ctx(ACTION)?;
            if uid <= 0 {
                // Imported or local: there is no server copy to mark.
                continue;
            }
            queued += tx
                .execute(
                    "INSERT INTO writeback_jobs (kind, message_id, mailbox, uidvalidity, uid, \
                     flags, created_at, next_at) \
                     SELECT 'flags', ?1, ?2, ?3, ?4, ?5, ?6, ?6 WHERE NOT EXISTS ( \
                       SELECT 1 FROM writeback_jobs WHERE done_at IS NULL AND kind = 'flags' \
                       AND mailbox = ?2 AND uidvalidity = ?3 AND uid = ?4 AND instr(flags, ?5) > 0)",
                    params![message_id, mailbox, uidvalidity, uid, SEEN, now],
                )
                .ctx(ACTION)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(queued)
    }
}

#[cfg(test)]
mod tests {
    use crate::clock::Clock;
    use crate::store::{Location, NewMessage, Store, View};
    use chrono::{DateTime, TimeZone, Utc};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
    }

    fn msg(
        from: &str,
        id: &str,
        parent: Option<&str>,
        loc: Location,
        flags: &[&str],
    ) -> NewMessage {
        let irt = parent
            .map(|p| format!("In-Reply-To: <{p}>\r\nReferences: <{p}>\r\n"))
            .unwrap_or_default();
        let raw = format!(
            "From: {from}\r\nTo: hello@alphx.shop\r\nSubject: Where is my order?\r\n\
             Message-ID: <{id}>\r\n{irt}Date: Tue, 24 Nov 2026 09:00:00 +0100\r\n\r\nHello\r\n"
        )
        .into_bytes();
        NewMessage {
            location: loc,
            parsed: crate::mail::parse::parse_message(&raw),
            raw,
            received_at: t0(),
            flags: flags.iter().map(|f| f.to_string()).collect(),
        }
    }

    type JobRow = (
        String,
        Option<String>,
        String,
        i64,
        i64,
        String,
        Option<i64>,
    );

    fn jobs(store: &Store) -> Vec<JobRow> {
        let c = store.connection();
        let mut st = c
            .prepare(
                "SELECT kind, message_id, mailbox, uidvalidity, uid, flags, outbox_id \
                 FROM writeback_jobs WHERE done_at IS NULL ORDER BY id",
            )
            .unwrap();
        st.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    #[test]
    fn opening_queues_seen_for_each_unread_customer_message_on_the_server() {
        let cfg = crate::config::Config::demo();
        let shop = cfg.shop_addresses()[0].clone();
        let mut store = Store::open_in_memory(cfg.shop_context(Clock::fixed(t0()))).unwrap();
        store
            .ingest(
                vec![
                    msg(
                        "Jane <jane@example.com>",
                        "q1@example.com",
                        None,
                        Location::new("INBOX", 77, 5),
                        &[],
                    ),
                    msg(
                        &shop,
                        "r1@alphx.shop",
                        Some("q1@example.com"),
                        Location::new("Sent", 9, 1),
                        &[],
                    ),
                    msg(
                        "Jane <jane@example.com>",
                        "q2@example.com",
                        Some("r1@alphx.shop"),
                        Location::new("INBOX", 77, 6),
                        &["\\Seen"],
                    ),
                    msg(
                        "Jane <jane@example.com>",
                        "q3@example.com",
                        Some("q2@example.com"),
                        Location::local("import"),
                        &[],
                    ),
                    msg(
                        "Jane <jane@example.com>",
                        "q4@example.com",
                        Some("q3@example.com"),
                        Location::new("Orders", 12, 40),
                        &["\\Flagged"],
                    ),
                ],
                None,
            )
            .unwrap();
        let convs = store.list(View::All, t0(), 0, 10).unwrap();
        assert_eq!(convs.len(), 1, "one conversation: {convs:?}");
        let id = convs[0].id;

        assert_eq!(store.mark_conversation_read(id).unwrap(), 2);
        let seen = "\\Seen".to_string();
        assert_eq!(
            jobs(&store),
            [
                (
                    "flags".into(),
                    Some("q1@example.com".into()),
                    "INBOX".into(),
                    77,
                    5,
                    seen.clone(),
                    None
                ),
                (
                    "flags".into(),
                    Some("q4@example.com".into()),
                    "Orders".into(),
                    12,
                    40,
                    seen.clone(),
                    None
                ),
            ],
            "the unread customer messages on the server, with their UIDVALIDITY; not the shop's \
             reply, not the one already read, not the imported one"
        );
        // The store shows them read at once (also the imported one).
        for m in store.conversation_messages(id).unwrap() {
            if !m.is_shop {
                assert!(m.has_flag("\\Seen"), "{:?} {:?}", m.message_id, m.flags);
            }
        }
        let q4 = store.conversation_messages(id).unwrap();
        let q4 = q4
            .iter()
            .find(|m| m.message_id.as_deref() == Some("q4@example.com"))
            .unwrap();
        assert!(q4.has_flag("\\Flagged"), "other flags stay: {:?}", q4.flags);

        // Opening it again queues nothing more.
        assert_eq!(store.mark_conversation_read(id).unwrap(), 0);
        assert_eq!(jobs(&store).len(), 2);
        // A sync that brought back the server's old flags before the job ran: still one job.
        store
            .update_flags("INBOX", 77, &[(5, vec![])], None)
            .unwrap();
        assert_eq!(store.mark_conversation_read(id).unwrap(), 0);
        assert_eq!(jobs(&store).len(), 2);
    }
}
