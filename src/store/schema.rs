//! Schema and forward migrations, versioned with `PRAGMA user_version`.
//!
//! `MIGRATIONS[i]` takes a database from version `i` to `i + 1`. Steps are append-only: a step
//! that has shipped is never edited, because existing files already ran it. All the steps one
//! open needs run in one write transaction together with the `user_version` bumps, so a failed
//! upgrade leaves the file at the version it had. Local data (outbox, notes, rules, customers'
//! name corrections, snooze, follow-ups) lives in tables no step ever drops.

use super::error::{Ctx, StoreError};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// Version 1: messages, conversations and all local data.
const V1: &str = r#"
CREATE TABLE conversations (
    id                  INTEGER PRIMARY KEY,
    subject             TEXT NOT NULL,
    norm_subject        TEXT NOT NULL,
    customer_addr       TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    snoozed_until       INTEGER,
    snoozed_after       INTEGER,
    follow_up_at        INTEGER,
    manual_answered_at  INTEGER
);
CREATE INDEX conversations_thread ON conversations(customer_addr, norm_subject);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    mailbox         TEXT NOT NULL,
    uidvalidity     INTEGER NOT NULL,
    uid             INTEGER NOT NULL,
    content_hash    BLOB NOT NULL,
    canonical       INTEGER NOT NULL DEFAULT 1,
    message_id      TEXT,
    in_reply_to     TEXT,
    refs            TEXT NOT NULL DEFAULT '[]',
    from_name       TEXT,
    from_addr       TEXT,
    from_domain     TEXT,
    to_json         TEXT NOT NULL DEFAULT '[]',
    cc_json         TEXT NOT NULL DEFAULT '[]',
    reply_to_json   TEXT,
    subject         TEXT NOT NULL,
    date            INTEGER,
    received_at     INTEGER NOT NULL,
    body            TEXT NOT NULL,
    attachments     TEXT NOT NULL DEFAULT '[]',
    flags           TEXT NOT NULL DEFAULT '',
    size            INTEGER NOT NULL,
    is_shop         INTEGER NOT NULL,
    auto_kind       TEXT,
    problems        TEXT NOT NULL DEFAULT '[]',
    raw             BLOB NOT NULL
);
CREATE UNIQUE INDEX messages_location ON messages(mailbox, uidvalidity, uid) WHERE uid > 0;
CREATE INDEX messages_content ON messages(mailbox, content_hash) WHERE uid = 0;
CREATE INDEX messages_conversation ON messages(conversation_id, received_at);
CREATE INDEX messages_message_id ON messages(message_id);
CREATE INDEX messages_from ON messages(from_addr);

-- Every Message-ID ever seen and its conversation. Survives expunge and UIDVALIDITY resets so
-- that re-fetched mail lands in the same conversation (keeping snooze, follow-ups, outbox).
CREATE TABLE message_ids (
    message_id      TEXT PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id)
) WITHOUT ROWID;

-- In-Reply-To and References of stored messages, to find a reply that arrived before its parent.
CREATE TABLE message_refs (
    message   INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    ref       TEXT NOT NULL
);
CREATE INDEX message_refs_ref ON message_refs(ref);
CREATE INDEX message_refs_message ON message_refs(message);

CREATE TABLE customers (
    addr                TEXT PRIMARY KEY,
    name                TEXT,
    name_at             INTEGER,
    first_name_override TEXT,
    first_contact       INTEGER
) WITHOUT ROWID;

CREATE TABLE mailbox_state (
    mailbox        TEXT PRIMARY KEY,
    uidvalidity    INTEGER NOT NULL,
    highest_uid    INTEGER NOT NULL,
    highestmodseq  INTEGER,
    last_sync      INTEGER
);

CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER REFERENCES conversations(id),
    in_reply_to_msgid TEXT,
    to_addr           TEXT NOT NULL,
    subject           TEXT NOT NULL,
    raw               BLOB NOT NULL,
    message_id        TEXT UNIQUE,
    state             TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    sent_at           INTEGER
);
CREATE INDEX outbox_state ON outbox(state);

CREATE TABLE sender_rules (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('message', 'sender', 'domain')),
    value      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, value)
);

CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    customer_addr TEXT NOT NULL,
    text          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX notes_customer ON notes(customer_addr);
"#;

/// Version 2: full-text search. External content (the text lives once, in `messages`), kept in
/// step by triggers; `rebuild` indexes rows that existed before the upgrade.
const V2: &str = r#"
CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, from_name, from_addr, body,
    content='messages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, subject, from_name, from_addr, body)
    VALUES (new.id, new.subject, new.from_name, new.from_addr, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, body)
    VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, from_name, from_addr, body ON messages
BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, body)
    VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.body);
    INSERT INTO messages_fts(rowid, subject, from_name, from_addr, body)
    VALUES (new.id, new.subject, new.from_name, new.from_addr, new.body);
END;
-- Ranking: a match in the subject or the sender says more than one deep in a quoted body.
INSERT INTO messages_fts(messages_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 2.0, 1.0)');
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
"#;

/// Version 3: conversation state cached in columns, so that the inbox views and their counts
/// are index lookups instead of a pass over every message. `meta` remembers which shop
/// addresses and calendar the cache was computed with; a new `meta` means "recompute at open".
const V3: &str = r#"
ALTER TABLE conversations ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN first_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN last_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN latest_message INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN customer_name TEXT;
ALTER TABLE conversations ADD COLUMN pending_since INTEGER;
ALTER TABLE conversations ADD COLUMN due_at INTEGER;
ALTER TABLE conversations ADD COLUMN last_shop_at INTEGER;
ALTER TABLE conversations ADD COLUMN not_customer TEXT;
-- 1 when the conversation is a customer's and is pending or has a follow-up: the small set the
-- needs-reply views and counts look at.
ALTER TABLE conversations ADD COLUMN attention INTEGER NOT NULL DEFAULT 0;

CREATE INDEX conversations_attention ON conversations(due_at) WHERE attention = 1;
CREATE INDEX conversations_recent ON conversations(last_at) WHERE message_count > 0;
CREATE INDEX conversations_not_customer ON conversations(last_at)
    WHERE message_count > 0 AND not_customer IS NOT NULL;
CREATE INDEX conversations_customer ON conversations(customer_addr, last_at);
CREATE INDEX messages_from_domain ON messages(from_domain);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"#;

/// Version 4 (send module): the outbox remembers the template's follow-up until the reply has
/// actually gone out (set only then, possibly on a later retry), and when a failed reply is
/// retried automatically (NULL: failures only the owner can fix, and every other state).
const V4: &str = r#"
ALTER TABLE outbox ADD COLUMN follow_up_at INTEGER;
ALTER TABLE outbox ADD COLUMN retry_at INTEGER;
CREATE INDEX outbox_retry ON outbox(retry_at) WHERE state = 'failed';
"#;

/// Version 5 (speed): new messages reach the full-text index in one statement per ingest
/// instead of through a per-row trigger. FTS5 writes its in-memory postings out as a new
/// segment whenever a statement opens a savepoint, and every trigger-carrying insert does: one
/// segment per message, then merges, was most of the time of a first sync. The delete and
/// update triggers stay (removals and edits are rare and must never leave stale postings).
const V5: &str = r#"
DROP TRIGGER messages_fts_insert;
"#;

/// Version 6 (send safety, issue 10): the outbox row names the lease of the process sending it
/// (a lock file next to the store, see `send::lease`), so that start-up recovery only touches a
/// `sending` row whose sender is gone; and the IMAP write-back after a send (the Sent copy,
/// `\Answered` on the customer's message) becomes durable jobs, queued in the transaction that
/// marks the reply sent and run by the send path, the sync worker and `shopinbox sync` until
/// done. A flag job keeps the UID together with its UIDVALIDITY and the message's Message-ID.
const V6_SEND_SAFETY: &str = r#"
ALTER TABLE outbox ADD COLUMN lease TEXT;
CREATE TABLE writeback_jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('append_sent', 'flags')),
    outbox_id   INTEGER REFERENCES outbox(id),
    message_id  TEXT,
    mailbox     TEXT,
    uidvalidity INTEGER,
    uid         INTEGER,
    flags       TEXT NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    next_at     INTEGER NOT NULL,
    done_at     INTEGER
);
CREATE INDEX writeback_jobs_pending ON writeback_jobs(next_at) WHERE done_at IS NULL;
CREATE INDEX writeback_jobs_outbox ON writeback_jobs(outbox_id);
"#;

/// Version 7 (proactive): order notifications as orders, possible duplicate orders, flags
/// that warn (suspicious sender, bounced reply) on messages, warning notes, and the
/// conversation's flags cached for the views.
const V7_PROACTIVE: &str = r#"
-- One row per order read from a platform's notification. Keyed by platform and number, so a
-- re-fetched notification finds its order again; the message may be gone (history stays).
CREATE TABLE orders (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    number        TEXT NOT NULL,
    message       INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    message_id    TEXT,
    placed_at     INTEGER NOT NULL,
    customer_name TEXT,
    customer_addr TEXT,
    address       TEXT,
    items         TEXT NOT NULL DEFAULT '[]',
    total         TEXT,
    UNIQUE (platform, number)
);
CREATE INDEX orders_customer ON orders(customer_addr, placed_at);
CREATE INDEX orders_message ON orders(message);

-- Two orders that look like one customer ordering twice, and the conversation that stands
-- for them in Needs reply. `dismissed_at`: the owner said "not a duplicate".
CREATE TABLE duplicate_orders (
    id              INTEGER PRIMARY KEY,
    first_order     INTEGER NOT NULL REFERENCES orders(id),
    second_order    INTEGER NOT NULL REFERENCES orders(id),
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    detected_at     INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    dismissed_at    INTEGER,
    UNIQUE (first_order, second_order)
);
CREATE INDEX duplicate_orders_conversation ON duplicate_orders(conversation_id);

-- Warnings derived from a message when it was stored: kind 'suspicious' or 'bounced'; and
-- 'bounce_of' (reason: the Message-ID a bounce reports) until the reply it reports is stored.
CREATE TABLE message_flags (
    message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    reason  TEXT NOT NULL,
    PRIMARY KEY (message, kind)
) WITHOUT ROWID;
CREATE INDEX message_flags_reason ON message_flags(kind, reason);

ALTER TABLE notes ADD COLUMN warning INTEGER NOT NULL DEFAULT 0;
-- JSON list of {kind, reason}, kept by the same recompute as the other cached columns.
ALTER TABLE conversations ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
"#;

/// Version 8 (sync): mail deleted or moved out of the synced folders on the server stays as
/// history, marked `removed_at` (DESIGN.md "Removed on the server"); a conversation whose
/// waiting customer message was removed remembers since when it was waiting in
/// `removed_since` (it leaves Needs reply without being answered). `content_key` is a hash of
/// the message with line endings and mbox bookkeeping headers normalised: copies of a message
/// without a usable Message-ID (imported and synced, or in two folders) are recognised by it,
/// and so is a removed message that comes back (moved between synced folders, UIDVALIDITY
/// reset). Rows stored before this step have no key.
const V8_REMOVED: &str = r#"
ALTER TABLE messages ADD COLUMN removed_at INTEGER;
ALTER TABLE messages ADD COLUMN content_key BLOB;
ALTER TABLE conversations ADD COLUMN removed_since INTEGER;
CREATE INDEX messages_content_key ON messages(content_key) WHERE content_key IS NOT NULL;
CREATE INDEX messages_removed ON messages(message_id) WHERE removed_at IS NOT NULL;
"#;

/// Version 9 (issue 11, tracking window): when shopinbox started watching the mailbox
/// (`tracking.started_at`, written by the first sync or import); customer mail from before the
/// window ahead of it is history, cached as `older_since` ("Older, never answered") instead of
/// `pending_since`. `pulled_at`: the owner pulled such a conversation into Needs reply then.
/// `history_fetch`: a first sync fetches each folder newest first; this row says which UIDs
/// (1..=pending_upto) are still to come, written in the transaction of each batch, so a stopped
/// sync resumes there. A store that already holds mail started tracking when its first
/// conversation was stored.
const V9_TRACKING: &str = r#"
CREATE TABLE tracking (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    started_at INTEGER NOT NULL
);
INSERT INTO tracking(id, started_at)
    SELECT 1, min(created_at) FROM conversations HAVING count(*) > 0;
ALTER TABLE conversations ADD COLUMN older_since INTEGER;
ALTER TABLE conversations ADD COLUMN pulled_at INTEGER;
CREATE INDEX conversations_older ON conversations(older_since) WHERE older_since IS NOT NULL;
CREATE TABLE history_fetch (
    mailbox      TEXT PRIMARY KEY,
    uidvalidity  INTEGER NOT NULL,
    pending_upto INTEGER NOT NULL,
    window_from  INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    done         INTEGER NOT NULL
);
"#;

/// Version 10 (issue 20, signals a sender cannot forge): orders say whether the provider
/// verified their platform's signature (only verified ones can make a duplicate item; orders
/// filed before were trusted by their subject and count as unverified); the folders the sync
/// found to hold the shop's own mail (Sent), so that a copy there is the shop's whatever its
/// headers say; and the senders the owner said are fine: their messages keep the warning
/// the classifier gave them, but a conversation does not show it while the sender is listed.
const V10_TRUST: &str = r#"
ALTER TABLE orders ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
CREATE TABLE folder_roles (
    mailbox TEXT PRIMARY KEY,
    role    TEXT NOT NULL CHECK (role IN ('sent'))
) WITHOUT ROWID;
CREATE TABLE trusted_senders (
    addr       TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
"#;

/// Version 11 (issue 21): the owner's promise as a mark of its own: `promise_at` (when the
/// follow-up is due) and `promise_made_at` (when the reply that made it went out). Any later
/// answer from the shop (any client, or a phone mark) settles it, before or after its time;
/// `follow_up_at` becomes the cached, still-open promise (NULL once settled), so taking an
/// "answered" mark back brings the promise back.
const V11_PROMISE_MADE: &str = r#"
ALTER TABLE conversations ADD COLUMN promise_at INTEGER;
ALTER TABLE conversations ADD COLUMN promise_made_at INTEGER;
UPDATE conversations SET promise_at = follow_up_at WHERE follow_up_at IS NOT NULL;
"#;

/// Version 12 (issue 22, hot rows): raw messages and bodies move out of `messages` into
/// `message_blobs`, so that the rows sync and the inbox read are a few hundred bytes instead
/// of 12 KB (1–2 rows per page). Full-text search reads its text through the view
/// `message_text` (subject and sender from `messages`, body from `message_blobs`); the index is
/// rebuilt from it, since an FTS5 table's content table is fixed when it is created. The
/// triggers that keep it in step read the body from `message_blobs`. `messages_sync` covers
/// the re-sync's queries (a folder generation's live uids and their flags, `removed_at IS
/// NULL` being an equality on its third column) without a visit to any row. The move runs in
/// the one transaction of the upgrade: a store killed half-way is still at version 11 with
/// every message.
const V12_HOT_ROWS: &str = r#"
CREATE TABLE message_blobs (
    message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    body    TEXT NOT NULL,
    raw     BLOB NOT NULL
);
INSERT INTO message_blobs(message, body, raw) SELECT id, body, raw FROM messages ORDER BY id;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
ALTER TABLE messages DROP COLUMN body;
ALTER TABLE messages DROP COLUMN raw;
CREATE VIEW message_text AS
    SELECT m.id AS id, m.subject AS subject, m.from_name AS from_name, m.from_addr AS from_addr,
           b.body AS body
    FROM messages m JOIN message_blobs b ON b.message = m.id;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, from_name, from_addr, body,
    content='message_text', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_delete BEFORE DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, body)
    SELECT 'delete', old.id, old.subject, old.from_name, old.from_addr, b.body
    FROM message_blobs b WHERE b.message = old.id;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, from_name, from_addr ON messages
BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, body)
    SELECT 'delete', old.id, old.subject, old.from_name, old.from_addr, b.body
    FROM message_blobs b WHERE b.message = old.id;
    INSERT INTO messages_fts(rowid, subject, from_name, from_addr, body)
    SELECT new.id, new.subject, new.from_name, new.from_addr, b.body
    FROM message_blobs b WHERE b.message = new.id;
END;
CREATE TRIGGER message_blobs_fts_update AFTER UPDATE OF body ON message_blobs BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, body)
    SELECT 'delete', old.message, m.subject, m.from_name, m.from_addr, old.body
    FROM messages m WHERE m.id = old.message;
    INSERT INTO messages_fts(rowid, subject, from_name, from_addr, body)
    SELECT new.message, m.subject, m.from_name, m.from_addr, new.body
    FROM messages m WHERE m.id = new.message;
END;
INSERT INTO messages_fts(messages_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 2.0, 1.0)');
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
CREATE INDEX messages_sync ON messages(mailbox, uidvalidity, removed_at, uid, flags)
    WHERE uid > 0;
"#;

/// Version 13 (issue 27, outreach): orders from the shop's own export (`orders import`: the
/// shop's own data, so `verified`; `imported_at` says when, `country` is the billing or
/// shipping country that picks a customer's language when no mail says it), notices to the
/// customers an event affects (`campaigns`, their `campaign_recipients` as the owner left the
/// list), and the link from an outbox item to its campaign (`campaign_sends`, keyed by the
/// outbox item so the outbox itself stays as it is). `UNIQUE (campaign, addr)` is what makes
/// "a customer never gets the same campaign twice": the row is written in the transaction
/// that puts the notice in the outbox, before anything is sent. `send_log` holds every send
/// attempt (any outbox item: the provider counts all of them), filled by a trigger on the
/// claim that moves an item to `sending`, or earlier and to the millisecond by the campaign
/// sender; the rate limits are counted from it.
const V13_OUTREACH: &str = r#"
ALTER TABLE orders ADD COLUMN imported_at INTEGER;
ALTER TABLE orders ADD COLUMN country TEXT;
CREATE INDEX orders_placed ON orders(placed_at);

CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    template     TEXT NOT NULL,
    selection    TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'sending', 'paused', 'done')),
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER,
    paused_until INTEGER
);

CREATE TABLE campaign_recipients (
    campaign   INTEGER NOT NULL REFERENCES campaigns(id),
    addr       TEXT NOT NULL,
    name       TEXT,
    language   TEXT NOT NULL,
    orders     TEXT NOT NULL DEFAULT '[]',
    items      TEXT NOT NULL DEFAULT '[]',
    held       TEXT,
    removed_at INTEGER,
    PRIMARY KEY (campaign, addr)
) WITHOUT ROWID;

CREATE TABLE campaign_sends (
    outbox_id  INTEGER PRIMARY KEY REFERENCES outbox(id),
    campaign   INTEGER NOT NULL REFERENCES campaigns(id),
    addr       TEXT NOT NULL,
    message_id TEXT NOT NULL,
    UNIQUE (campaign, addr)
);
CREATE INDEX campaign_sends_message ON campaign_sends(message_id);

CREATE TABLE send_log (
    outbox_id INTEGER NOT NULL,
    attempt   INTEGER NOT NULL,
    at_ms     INTEGER NOT NULL,
    PRIMARY KEY (outbox_id, attempt)
) WITHOUT ROWID;
CREATE INDEX send_log_at ON send_log(at_ms);
CREATE TRIGGER outbox_claim_log AFTER UPDATE OF state ON outbox
WHEN new.state = 'sending' AND old.state != 'sending'
BEGIN
    INSERT OR IGNORE INTO send_log(outbox_id, attempt, at_ms)
    VALUES (new.id, new.attempts, new.updated_at * 1000);
END;
"#;

/// Version 14 (issue 22 leftovers): a write-back job the server keeps refusing is no longer
/// retried forever: it ends as failed (`failed_at`, with the server's words in `last_error`),
/// which the outbox listing shows.
const V14_WRITEBACK_FAILED: &str = r#"
ALTER TABLE writeback_jobs ADD COLUMN failed_at INTEGER;
"#;

/// Version 15 (issue 26, shared state): every owner's mark also becomes a change on a hybrid
/// logical clock (`shared_changes`, written in the transaction of the mark itself), so that
/// uploading it to the state folder is a durable, idempotent job: `set_id` is chosen before
/// the upload and `uploaded_at` set once the set is seen on the server. Changes read from
/// other copies land there too (`local = 0`, for the history of who did what). `shared_items`
/// holds each item's winning change (`applied = 0`: its conversation is not here yet);
/// `shared_sets` the change sets already read. Notes get a shared id and the timestamp of
/// their version. Installation id and name, the clock and the folder's progress live in `meta`.
const V15_SHARED_STATE: &str = r#"
CREATE TABLE shared_changes (
    id          INTEGER PRIMARY KEY,
    hlc         TEXT NOT NULL UNIQUE,
    by          TEXT NOT NULL,
    at          INTEGER NOT NULL,
    item        TEXT NOT NULL,
    thread      TEXT,
    value       TEXT NOT NULL,
    local       INTEGER NOT NULL,
    set_id      TEXT,
    uploaded_at INTEGER
);
CREATE INDEX shared_changes_pending ON shared_changes(id) WHERE local = 1 AND uploaded_at IS NULL;
CREATE INDEX shared_changes_set ON shared_changes(set_id) WHERE set_id IS NOT NULL;
CREATE INDEX shared_changes_thread ON shared_changes(thread) WHERE thread IS NOT NULL;
CREATE TABLE shared_items (
    item    TEXT PRIMARY KEY,
    hlc     TEXT NOT NULL,
    by      TEXT NOT NULL,
    at      INTEGER NOT NULL,
    value   TEXT NOT NULL,
    applied INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
CREATE INDEX shared_items_unapplied ON shared_items(item) WHERE applied = 0;
CREATE TABLE shared_sets (
    set_id  TEXT PRIMARY KEY,
    read_at INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE notes ADD COLUMN shared_id TEXT;
ALTER TABLE notes ADD COLUMN shared_hlc TEXT;
CREATE UNIQUE INDEX notes_shared ON notes(shared_id) WHERE shared_id IS NOT NULL;
"#;

/// Version 16 (issue 22, fewer pages written per new message): every index entry is a page
/// that a sync writes twice (the WAL, then the checkpoint), and new mail lands on random
/// leaves. `conversations_thread` (customer, subject) serves no query any more (grouping by
/// subject looks conversations up by customer and time: `conversations_customer`), and the
/// content key is only ever looked up for mail without a Message-ID (`content_key = ? AND
/// message_id IS NULL`), so only that mail is indexed by it.
const V16_LEANER_INDEXES: &str = r#"
DROP INDEX conversations_thread;
DROP INDEX messages_content_key;
CREATE INDEX messages_content_key ON messages(content_key)
    WHERE content_key IS NOT NULL AND message_id IS NULL;
"#;

/// Version 17 (issue 22, a re-sync that reads no folder): how many messages of each folder
/// generation are stored (not removed) is what every re-sync compares with the server's
/// count. Counting them walked the whole `messages_sync` index (717 pages, about 10 ms at
/// 50,000 messages, before a single answer could be used); the count is now kept by
/// triggers on `messages`, in the transaction of the change itself, so it is exact after a
/// kill as well. Only rows with a UID (`uid > 0`) and not removed count, as before.
const V17_FOLDER_COUNTS: &str = r#"
CREATE TABLE folder_counts (
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    stored      INTEGER NOT NULL,
    PRIMARY KEY (mailbox, uidvalidity)
) WITHOUT ROWID;
INSERT INTO folder_counts(mailbox, uidvalidity, stored)
    SELECT mailbox, uidvalidity, count(*) FROM messages
    WHERE uid > 0 AND removed_at IS NULL GROUP BY mailbox, uidvalidity;
CREATE TRIGGER folder_counts_insert AFTER INSERT ON messages
WHEN new.uid > 0 AND new.removed_at IS NULL BEGIN
    INSERT INTO folder_counts(mailbox, uidvalidity, stored)
    VALUES (new.mailbox, new.uidvalidity, 1)
    ON CONFLICT(mailbox, uidvalidity) DO UPDATE SET stored = stored + 1;
END;
CREATE TRIGGER folder_counts_delete AFTER DELETE ON messages
WHEN old.uid > 0 AND old.removed_at IS NULL BEGIN
    UPDATE folder_counts SET stored = stored - 1
    WHERE mailbox = old.mailbox AND uidvalidity = old.uidvalidity;
END;
CREATE TRIGGER folder_counts_update AFTER UPDATE OF mailbox, uidvalidity, uid, removed_at
ON messages BEGIN
    UPDATE folder_counts SET stored = stored - 1
    WHERE old.uid > 0 AND old.removed_at IS NULL
      AND mailbox = old.mailbox AND uidvalidity = old.uidvalidity;
    INSERT INTO folder_counts(mailbox, uidvalidity, stored)
    SELECT new.mailbox, new.uidvalidity, 1 WHERE new.uid > 0 AND new.removed_at IS NULL
    ON CONFLICT(mailbox, uidvalidity) DO UPDATE SET stored = stored + 1;
END;
"#;

/// The ordered upgrade steps; the schema version is `MIGRATIONS.len()`.
pub(crate) const MIGRATIONS: &[&str] = &[
    V1,
    V2,
    V3,
    V4,
    V5,
    V6_SEND_SAFETY,
    V7_PROACTIVE,
    V8_REMOVED,
    V9_TRACKING,
    V10_TRUST,
    V11_PROMISE_MADE,
    V12_HOT_ROWS,
    V13_OUTREACH,
    V14_WRITEBACK_FAILED,
    V15_SHARED_STATE,
    V16_LEANER_INDEXES,
    V17_FOLDER_COUNTS,
];

pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub(crate) fn version(conn: &Connection) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .ctx("read the schema version")
}

/// Bring the database up to `target` (normally [`latest_version`]). Returns the version found.
///
/// Several processes may open a store at the same moment, also one that does not exist yet.
/// So the version that decides what to run is read inside one write transaction taken
/// before reading it (`BEGIN IMMEDIATE`), and every step of this open runs in that same
/// transaction: the first process upgrades, the others wait for its commit (busy timeout)
/// and then find nothing left to do. The version is read once before that without a lock,
/// so that opening an up-to-date store never waits for a writer.
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<i64, StoreError> {
    migrate_with(conn, MIGRATIONS, target)
}

/// [`migrate_to`] over the given steps (tests give a step that fails half-way).
pub(crate) fn migrate_with(
    conn: &mut Connection,
    steps: &[&str],
    target: i64,
) -> Result<i64, StoreError> {
    let target = target.min(steps.len() as i64);
    let seen = version(conn)?;
    check_known(seen)?;
    if seen >= target {
        return Ok(seen);
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|source| StoreError::migrate(seen, target, source))?;
    let found = version(&tx)?;
    check_known(found)?;
    for v in found..target {
        let err = |source| StoreError::migrate(v, v + 1, source);
        let step = steps.get(v as usize).copied().unwrap_or_default();
        tx.execute_batch(step).map_err(err)?;
        tx.pragma_update(None, "user_version", v + 1).map_err(err)?;
    }
    tx.commit()
        .map_err(|source| StoreError::migrate(found, target, source))?;
    Ok(found)
}

fn check_known(found: i64) -> Result<(), StoreError> {
    if found > latest_version() {
        return Err(StoreError::TooNew {
            found,
            known: latest_version(),
        });
    }
    Ok(())
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")
        .and_then(|mut st| st.query_row([key], |r| r.get(0)).optional())
        .ctx("read store metadata")
}

pub(crate) fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
    .and_then(|mut st| st.execute([key, value]))
    .ctx("write store metadata")?;
    Ok(())
}
