//! The owner's local data: not-a-customer rules, answered/snooze/follow-up marks, notes and
//! customer details. All keyed by addresses, domains, Message-IDs and conversation ids, so it
//! survives re-fetching mail.

use super::convert::{opt_time, secs, time};
use super::error::{Ctx, StoreError};
use super::marks::{ANSWERED_SQL, SNOOZE_SQL};
use super::queries::{conversation_row, CONV_COLS};
use super::refresh::{load_rules, recompute};
use super::shared::{at_value, journal, journal_thread};
use super::types::{ConversationId, CustomerInfo, Note, Rule, RuleKind, ShopContext};
use super::Store;
use crate::mail::order_numbers;
use crate::shared::{ItemKey, Value};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeSet;

/// Normalize a rule value; `Err` explains why it cannot be a rule.
fn rule_value(kind: RuleKind, value: &str) -> Result<String, &'static str> {
    let v = value.trim();
    let v = match kind {
        RuleKind::Message => v.trim_start_matches('<').trim_end_matches('>').to_string(),
        RuleKind::Sender => v.to_lowercase(),
        RuleKind::Domain => v
            .trim_start_matches('@')
            .trim_end_matches('.')
            .to_lowercase(),
    };
    if v.is_empty() {
        return Err("the value is empty");
    }
    match kind {
        RuleKind::Sender if !v.contains('@') => Err("an address needs an @"),
        RuleKind::Domain if v.contains('@') || !v.contains('.') => {
            Err("a domain looks like example.com")
        }
        _ => Ok(v),
    }
}

impl Store {
    /// Keep a message, sender or domain out of the deadline views. Returns the rule's id (the
    /// existing one if the same rule is already there); affected conversations are recomputed.
    pub fn add_rule(&mut self, kind: RuleKind, value: &str) -> Result<i64, StoreError> {
        const ACTION: &str = "add a not-a-customer rule";
        let value = rule_value(kind, value).map_err(|why| StoreError::BadRule {
            kind: kind.as_str(),
            value: value.to_string(),
            why,
        })?;
        let tx = self.conn.transaction().ctx(ACTION)?;
        tx.execute(
            "INSERT INTO sender_rules(kind, value, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(kind, value) DO NOTHING",
            params![kind.as_str(), value, secs(self.ctx.clock.now())],
        )
        .ctx(ACTION)?;
        let id: i64 = tx
            .query_row(
                "SELECT id FROM sender_rules WHERE kind = ?1 AND value = ?2",
                params![kind.as_str(), value],
                |r| r.get(0),
            )
            .ctx(ACTION)?;
        journal(
            &tx,
            self.ctx.clock.now(),
            ItemKey::Rule {
                rule: kind.as_str().to_string(),
                value: value.clone(),
            },
            Value::On,
        )?;
        recompute_for_rule(&tx, &self.ctx, kind, &value)?;
        tx.commit().ctx(ACTION)?;
        Ok(id)
    }

    /// Undo a rule; the conversations it kept out come back.
    pub fn remove_rule(&mut self, id: i64) -> Result<(), StoreError> {
        const ACTION: &str = "remove a not-a-customer rule";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let rule: Option<(String, String)> = tx
            .query_row(
                "DELETE FROM sender_rules WHERE id = ?1 RETURNING kind, value",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ctx(ACTION)?;
        let Some((kind, value)) = rule else {
            return Err(StoreError::NoRule(id));
        };
        journal(
            &tx,
            self.ctx.clock.now(),
            ItemKey::Rule {
                rule: kind.clone(),
                value: value.clone(),
            },
            Value::Clear,
        )?;
        if let Some(kind) = RuleKind::parse(&kind) {
            recompute_for_rule(&tx, &self.ctx, kind, &value)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    /// Every rule with how many conversations it keeps out now (conversations kept out by a
    /// rule whose mail it matches; a domain rule covers subdomains).
    pub fn rules_with_counts(&self) -> Result<Vec<(Rule, u64)>, StoreError> {
        const ACTION: &str = "count what the not-a-customer rules hide";
        let mut out = Vec::new();
        for rule in self.rules()? {
            let v = rule.value.to_lowercase();
            let (sql, args): (&str, Vec<String>) = match rule.kind {
                RuleKind::Message => (
                    "SELECT COUNT(DISTINCT c.id) FROM conversations c \
                     JOIN messages m ON m.conversation_id = c.id \
                     WHERE c.not_customer LIKE 'rule_%' AND m.message_id = ?1",
                    vec![rule.value.clone()],
                ),
                RuleKind::Sender => (
                    "SELECT COUNT(DISTINCT c.id) FROM conversations c \
                     JOIN messages m ON m.conversation_id = c.id \
                     WHERE c.not_customer LIKE 'rule_%' AND lower(m.from_addr) = ?1",
                    vec![v],
                ),
                RuleKind::Domain => (
                    "SELECT COUNT(DISTINCT c.id) FROM conversations c \
                     JOIN messages m ON m.conversation_id = c.id \
                     WHERE c.not_customer LIKE 'rule_%' \
                     AND (lower(m.from_addr) LIKE '%@' || ?1 ESCAPE '\\' \
                          OR lower(m.from_addr) LIKE '%.' || ?1 ESCAPE '\\')",
                    vec![v
                        .replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")],
                ),
            };
            let n: i64 = self
                .conn
                .query_row(sql, rusqlite::params_from_iter(args), |r| r.get(0))
                .ctx(ACTION)?;
            out.push((rule, n.max(0) as u64));
        }
        Ok(out)
    }

    /// The rules as the needs-reply logic matches them (statistics apply them the same way).
    pub fn rule_set(&self) -> Result<super::state::RuleSet, StoreError> {
        load_rules(&self.conn)
    }

    pub fn rules(&self) -> Result<Vec<Rule>, StoreError> {
        self.conn
            .prepare_cached("SELECT id, kind, value, created_at FROM sender_rules ORDER BY id")
            .and_then(|mut st| {
                st.query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get(2)?,
                        r.get(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .ctx("read the not-a-customer rules")
            .map(|rows| {
                rows.into_iter()
                    .filter_map(|(id, kind, value, at)| {
                        Some(Rule {
                            id,
                            kind: RuleKind::parse(&kind)?,
                            value,
                            created_at: time(at),
                        })
                    })
                    .collect()
            })
    }

    /// Answered outside the mailbox (by phone, in person). `None` clears the mark. A customer
    /// message after `at` needs a reply again.
    pub fn mark_answered(
        &mut self,
        id: ConversationId,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.set_mark(id, ANSWERED_SQL, at, |thread| ItemKey::Answered { thread })
    }

    /// Hide from the needs-reply views until `until` (`None` un-snoozes). A new customer
    /// message ends the snooze early.
    pub fn snooze(
        &mut self,
        id: ConversationId,
        until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.set_mark(id, SNOOZE_SQL, until, |thread| ItemKey::Snooze { thread })
    }

    /// Promise a follow-up at `at`, made at `made` (when the reply that promises it went out):
    /// the conversation is owed again at `at`. Any later answer from the shop settles it, before
    /// or after its time; a new promise replaces this one. `None` clears it.
    pub fn set_follow_up(
        &mut self,
        id: ConversationId,
        at: Option<DateTime<Utc>>,
        made: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const ACTION: &str = "save a conversation's follow-up";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let n = tx
            .execute(
                "UPDATE conversations SET promise_at = ?2, promise_made_at = ?3 WHERE id = ?1",
                params![id, at.map(secs), at.map(|_| secs(made))],
            )
            .ctx(ACTION)?;
        if n == 0 {
            return Err(StoreError::NoConversation(id));
        }
        let value = match at {
            Some(at) => Value::FollowUp {
                at: secs(at),
                made: secs(made),
            },
            None => Value::Clear,
        };
        let now = self.ctx.clock.now();
        journal_thread(&tx, now, id, |thread| ItemKey::FollowUp { thread }, value)?;
        let rules = load_rules(&tx)?;
        recompute(&tx, &self.ctx, &rules, id)?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    fn set_mark(
        &mut self,
        id: ConversationId,
        sql: &'static str,
        at: Option<DateTime<Utc>>,
        item: fn(String) -> ItemKey,
    ) -> Result<(), StoreError> {
        const ACTION: &str = "save a conversation mark";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let n = tx.execute(sql, params![id, at.map(secs)]).ctx(ACTION)?;
        if n == 0 {
            return Err(StoreError::NoConversation(id));
        }
        let now = self.ctx.clock.now();
        journal_thread(&tx, now, id, item, at_value(at.map(secs)))?;
        let rules = load_rules(&tx)?;
        recompute(&tx, &self.ctx, &rules, id)?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }

    pub fn add_note(&mut self, addr: &str, text: &str) -> Result<i64, StoreError> {
        self.add_note_with(addr, text, false)
    }

    /// Add a note; a `warning` note puts a red badge on every conversation of the customer.
    pub fn add_note_with(
        &mut self,
        addr: &str,
        text: &str,
        warning: bool,
    ) -> Result<i64, StoreError> {
        const ACTION: &str = "save a note";
        let now = secs(self.ctx.clock.now());
        let addr = addr.trim().to_lowercase();
        let tx = self.conn.transaction().ctx(ACTION)?;
        tx.execute(
            "INSERT INTO notes(customer_addr, text, created_at, updated_at, warning)
             VALUES (?1, ?2, ?3, ?3, ?4)",
            params![addr, text, now, warning],
        )
        .ctx(ACTION)?;
        let id = tx.last_insert_rowid();
        journal_note(&tx, self.ctx.clock.now(), id)?;
        if warning {
            recompute_customer(&tx, &self.ctx, &addr)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(id)
    }

    pub fn update_note(&mut self, id: i64, text: &str) -> Result<(), StoreError> {
        self.change_note(
            id,
            "UPDATE notes SET text = ?2, updated_at = ?3 WHERE id = ?1 RETURNING customer_addr",
            params![id, text, secs(self.ctx.clock.now())],
            "save a note",
        )
    }

    /// Mark a note as a warning or an ordinary note.
    pub fn set_note_warning(&mut self, id: i64, warning: bool) -> Result<(), StoreError> {
        self.change_note(
            id,
            "UPDATE notes SET warning = ?2, updated_at = ?3 WHERE id = ?1 RETURNING customer_addr",
            params![id, warning, secs(self.ctx.clock.now())],
            "save a note",
        )
    }

    pub fn delete_note(&mut self, id: i64) -> Result<(), StoreError> {
        self.change_note(
            id,
            "DELETE FROM notes WHERE id = ?1 RETURNING customer_addr",
            params![id],
            "delete a note",
        )
    }

    fn change_note(
        &mut self,
        id: i64,
        sql: &str,
        args: impl rusqlite::Params,
        action: &'static str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction().ctx(action)?;
        let now = self.ctx.clock.now();
        let deleting = sql.starts_with("DELETE");
        if deleting {
            journal_note_deleted(&tx, now, id)?;
        }
        let addr: Option<String> = tx
            .query_row(sql, args, |r| r.get(0))
            .optional()
            .ctx(action)?;
        let Some(addr) = addr else {
            return Err(StoreError::NoNote(id));
        };
        if !deleting {
            journal_note(&tx, now, id)?;
        }
        recompute_customer(&tx, &self.ctx, &addr)?;
        tx.commit().ctx(action)?;
        Ok(())
    }

    /// "Not a duplicate": the possible duplicate order in this conversation leaves Needs
    /// reply. Returns whether there was one to dismiss.
    pub fn dismiss_duplicate(&mut self, id: ConversationId) -> Result<bool, StoreError> {
        self.set_duplicate_dismissed(id, Some(self.ctx.clock.now()))
    }

    /// Undo [`Store::dismiss_duplicate`].
    pub fn restore_duplicate(&mut self, id: ConversationId) -> Result<bool, StoreError> {
        self.set_duplicate_dismissed(id, None)
    }

    fn set_duplicate_dismissed(
        &mut self,
        id: ConversationId,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        const ACTION: &str = "mark a possible duplicate order";
        let tx = self.conn.transaction().ctx(ACTION)?;
        let n = tx
            .execute(
                "UPDATE duplicate_orders SET dismissed_at = ?2
                 WHERE conversation_id = ?1 AND (dismissed_at IS NULL) = (?2 IS NOT NULL)",
                params![id, at.map(secs)],
            )
            .ctx(ACTION)?;
        if n > 0 {
            let now = self.ctx.clock.now();
            let item = |thread| ItemKey::DuplicateDismissed { thread };
            journal_thread(&tx, now, id, item, at_value(at.map(secs)))?;
            let rules = load_rules(&tx)?;
            recompute(&tx, &self.ctx, &rules, id)?;
        }
        tx.commit().ctx(ACTION)?;
        Ok(n > 0)
    }

    /// A customer's notes, oldest first.
    pub fn notes(&self, addr: &str) -> Result<Vec<Note>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT id, customer_addr, text, created_at, updated_at, warning FROM notes
                 WHERE customer_addr = ?1 ORDER BY created_at, id",
            )
            .and_then(|mut st| {
                st.query_map([addr.trim().to_lowercase()], |r| {
                    Ok(Note {
                        id: r.get(0)?,
                        customer_addr: r.get(1)?,
                        text: r.get(2)?,
                        created_at: time(r.get(3)?),
                        updated_at: time(r.get(4)?),
                        warning: r.get(5)?,
                    })
                })?
                .collect()
            })
            .ctx("read notes")
    }

    /// Everything known about a customer: conversations (newest first), first contact,
    /// order numbers they mentioned, notes.
    pub fn customer(&self, addr: &str) -> Result<CustomerInfo, StoreError> {
        const ACTION: &str = "read a customer";
        let addr = addr.trim().to_lowercase();
        let row: Option<(Option<String>, Option<String>, Option<i64>)> = self
            .conn
            .prepare_cached(
                "SELECT name, first_name_override, first_contact FROM customers WHERE addr = ?1",
            )
            .and_then(|mut st| {
                st.query_row([&addr], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .ctx(ACTION)?;
        let (name, first_name_override, first_contact) = row.unwrap_or_default();
        let now = self.shown_before(self.ctx.clock.now());
        let conversations = self
            .conn
            .prepare_cached(&format!(
                "SELECT {CONV_COLS} FROM conversations
                 WHERE customer_addr = ?1 AND message_count > 0 ORDER BY last_at DESC, id DESC"
            ))
            .and_then(|mut st| {
                st.query_map([&addr], |r| conversation_row(r, now))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .ctx(ACTION)?;
        let texts: Vec<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT m.subject, b.body FROM messages m JOIN message_blobs b ON b.message = m.id
                 WHERE m.from_addr = ?1 AND m.is_shop = 0 AND m.canonical = 1
                 ORDER BY m.received_at, m.id",
            )
            .and_then(|mut st| {
                st.query_map([&addr], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect()
            })
            .ctx(ACTION)?;
        let mut orders = Vec::new();
        for (subject, body) in &texts {
            for text in [subject, body] {
                for o in order_numbers(text) {
                    if !orders
                        .iter()
                        .any(|seen: &String| seen.eq_ignore_ascii_case(&o))
                    {
                        orders.push(o);
                    }
                }
            }
        }
        let first_contact =
            first_contact.or_else(|| conversations.iter().map(|c| c.first_at).min().map(secs));
        Ok(CustomerInfo {
            notes: self.notes(&addr)?,
            orders: super::flags::customer_orders(&self.conn, &addr)?,
            addr,
            name,
            first_name_override,
            first_contact: opt_time(first_contact),
            conversations,
            orders_mentioned: orders,
        })
    }

    /// The first name replies greet a customer with: the owner's correction
    /// (`customer --first-name`, `F`), else the guess from the display name or the address.
    /// The one place that decides it, so replies, `list --json` and the screens agree.
    pub fn greeting_name(
        &self,
        addr: &str,
        display_name: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let corrected: Option<String> = self
            .conn
            .prepare_cached("SELECT first_name_override FROM customers WHERE addr = ?1")
            .and_then(|mut st| {
                st.query_row([addr.trim().to_lowercase()], |r| r.get(0))
                    .optional()
            })
            .ctx("read a customer's first name")?
            .flatten();
        Ok(crate::mail::names::greeting_name(
            corrected,
            display_name,
            addr,
        ))
    }

    /// Correct the first name used in greetings (`None` goes back to the guess).
    pub fn set_first_name(
        &mut self,
        addr: &str,
        first_name: Option<&str>,
    ) -> Result<(), StoreError> {
        const ACTION: &str = "save a customer's first name";
        let first_name = first_name.map(str::trim).filter(|s| !s.is_empty());
        let addr = addr.trim().to_lowercase();
        let tx = self.conn.transaction().ctx(ACTION)?;
        tx.execute(
            "INSERT INTO customers(addr, first_name_override) VALUES (?1, ?2)
             ON CONFLICT(addr) DO UPDATE SET first_name_override = excluded.first_name_override",
            params![addr, first_name],
        )
        .ctx(ACTION)?;
        let value = first_name.map_or(Value::Clear, |n| Value::Text {
            text: n.to_string(),
        });
        journal(
            &tx,
            self.ctx.clock.now(),
            ItemKey::FirstName { addr },
            value,
        )?;
        tx.commit().ctx(ACTION)?;
        Ok(())
    }
}

/// Journal note `id` as it is now (new or edited): it gets its shared id the first time, and
/// the timestamp of this version, which the next edit names as its base.
fn journal_note(
    tx: &rusqlite::Transaction<'_>,
    now: DateTime<Utc>,
    id: i64,
) -> Result<(), StoreError> {
    const ACTION: &str = "record a note for the other copies";
    type NoteRow = (String, String, bool, Option<String>, Option<String>);
    let row: Option<NoteRow> = tx
        .query_row(
            "SELECT customer_addr, text, warning, shared_id, shared_hlc FROM notes WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .ctx(ACTION)?;
    let Some((addr, text, warning, shared_id, base)) = row else {
        return Ok(());
    };
    let note = match shared_id {
        Some(n) => n,
        None => format!("{}-{id}", super::shared::node(tx)?),
    };
    let hlc = journal(
        tx,
        now,
        ItemKey::Note {
            addr,
            note: note.clone(),
        },
        Value::Note {
            text,
            warning,
            base,
        },
    )?;
    tx.execute(
        "UPDATE notes SET shared_id = ?2, shared_hlc = ?3 WHERE id = ?1",
        params![id, note, hlc],
    )
    .ctx(ACTION)?;
    Ok(())
}

/// Journal the deletion of note `id` (before it is deleted).
fn journal_note_deleted(
    tx: &rusqlite::Transaction<'_>,
    now: DateTime<Utc>,
    id: i64,
) -> Result<(), StoreError> {
    let row: Option<(String, Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT customer_addr, shared_id, shared_hlc FROM notes WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .ctx("record a note for the other copies")?;
    if let Some((addr, Some(note), base)) = row {
        journal(
            tx,
            now,
            ItemKey::Note { addr, note },
            Value::NoteDeleted { base },
        )?;
    }
    Ok(())
}

/// Recompute a customer's conversations (their warning notes changed).
pub(super) fn recompute_customer(
    tx: &rusqlite::Transaction<'_>,
    ctx: &ShopContext,
    addr: &str,
) -> Result<(), StoreError> {
    let ids: BTreeSet<i64> = tx
        .prepare_cached("SELECT id FROM conversations WHERE customer_addr = ?1")
        .and_then(|mut st| st.query_map([addr], |r| r.get(0))?.collect())
        .ctx("update a customer's conversations")?;
    let rules = load_rules(tx)?;
    for id in ids {
        recompute(tx, ctx, &rules, id)?;
    }
    Ok(())
}

/// Recompute the conversations a rule can change: those holding the message, or mail from
/// the sender or domain.
pub(super) fn recompute_for_rule(
    tx: &rusqlite::Transaction<'_>,
    ctx: &ShopContext,
    kind: RuleKind,
    value: &str,
) -> Result<(), StoreError> {
    const ACTION: &str = "apply a not-a-customer rule";
    let sql = match kind {
        RuleKind::Message => "SELECT DISTINCT conversation_id FROM messages WHERE message_id = ?1",
        RuleKind::Sender => "SELECT DISTINCT conversation_id FROM messages WHERE from_addr = ?1",
        RuleKind::Domain => {
            "SELECT DISTINCT conversation_id FROM messages
             WHERE from_domain = ?1 OR from_domain LIKE '%.' || ?1"
        }
    };
    let ids: BTreeSet<i64> = tx
        .prepare_cached(sql)
        .and_then(|mut st| st.query_map([value], |r| r.get(0))?.collect())
        .ctx(ACTION)?;
    let rules = load_rules(tx)?;
    for id in ids {
        recompute(tx, ctx, &rules, id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_values() {
        let cases = [
            (RuleKind::Sender, " Pitch@SEO.io ", Ok("pitch@seo.io")),
            (RuleKind::Sender, "seo.io", Err(())),
            (RuleKind::Domain, "@SEO.io.", Ok("seo.io")),
            (RuleKind::Domain, "a@seo.io", Err(())),
            (RuleKind::Domain, "localhost", Err(())),
            (RuleKind::Message, "<abc@x>", Ok("abc@x")),
            (RuleKind::Message, "  ", Err(())),
        ];
        for (kind, input, want) in cases {
            let got = rule_value(kind, input).map_err(|_| ());
            assert_eq!(got.as_deref(), want.as_deref(), "{kind:?} {input:?}");
        }
    }
}
