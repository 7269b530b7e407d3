//! The test harness's IMAP client, "another client" acting on the test server (appending,
//! flagging, moving, expunging, looking), on shopinbox's own IMAP driver
//! ([`shopinbox::imap::Connection`]) with raw commands where the driver has no helper.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset};
use shopinbox::imap::{Command, Connection, FetchItem, ImapError, Untagged};
use shopinbox::net::MailStream;

pub type Result<T> = std::result::Result<T, ImapError>;

pub struct TestImap {
    pub conn: Connection<MailStream>,
}

/// A folder's state after SELECT/EXAMINE.
#[derive(Debug, Clone, Copy)]
pub struct Mailbox {
    pub exists: u32,
    pub uid_validity: Option<u32>,
    pub uid_next: Option<u32>,
}

/// The server's capability words.
#[derive(Debug, Clone)]
pub struct Caps(pub Vec<String>);

impl Caps {
    pub fn has_str(&self, cap: &str) -> bool {
        self.0.iter().any(|c| c.eq_ignore_ascii_case(cap))
    }
}

/// A LIST entry.
#[derive(Debug, Clone)]
pub struct Name {
    name: String,
    delimiter: Option<String>,
}

impl Name {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn delimiter(&self) -> Option<&str> {
        self.delimiter.as_deref()
    }
}

impl TestImap {
    /// Greeting and LOGIN over `stream`.
    pub fn login(stream: MailStream, user: &str, password: &str) -> Result<TestImap> {
        let mut conn = Connection::new(stream);
        conn.greeting()?;
        conn.login(user, password)?;
        Ok(TestImap { conn })
    }

    pub fn capabilities(&mut self) -> Result<Caps> {
        self.conn.capability().map(Caps)
    }

    fn open(&mut self, mailbox: &str, write: bool) -> Result<Mailbox> {
        let (st, _) = self.conn.select(mailbox, write, None)?;
        Ok(Mailbox {
            exists: st.exists,
            uid_validity: st.uidvalidity,
            uid_next: st.uidnext,
        })
    }

    pub fn select(&mut self, mailbox: &str) -> Result<Mailbox> {
        self.open(mailbox, true)
    }

    pub fn examine(&mut self, mailbox: &str) -> Result<Mailbox> {
        self.open(mailbox, false)
    }

    /// `LIST reference pattern`.
    pub fn list(&mut self, reference: Option<&str>, pattern: Option<&str>) -> Result<Vec<Name>> {
        let cmd = Command::new("LIST ")
            .string(reference.unwrap_or(""))
            .text(" ")
            .string(pattern.unwrap_or("*"));
        let answer = self.conn.run(&cmd)?;
        Ok(answer
            .untagged
            .into_iter()
            .filter_map(|u| match u {
                Untagged::List {
                    delimiter, name, ..
                } => Some(Name {
                    name,
                    delimiter: delimiter.map(String::from),
                }),
                _ => None,
            })
            .collect())
    }

    /// `UID SEARCH <criteria>` (IMAP text).
    pub fn uid_search(&mut self, criteria: impl AsRef<str>) -> Result<Vec<u32>> {
        self.conn
            .uid_search(&Command::new(criteria.as_ref().to_string()))
    }

    /// `UID FETCH <set> <items>`: every FETCH response.
    pub fn uid_fetch(&mut self, set: &str, items: &str) -> Result<Vec<FetchItem>> {
        self.conn.uid_fetch(set, items, None)
    }

    /// Any command; its tagged OK (or the server's refusal).
    pub fn run_command_and_check_ok(&mut self, cmd: impl AsRef<str>) -> Result<()> {
        self.conn
            .run(&Command::new(cmd.as_ref().to_string()))
            .map(|_| ())
    }

    pub fn uid_expunge(&mut self, set: &str) -> Result<()> {
        self.run_command_and_check_ok(format!("UID EXPUNGE {set}"))
    }

    pub fn create(&mut self, mailbox: &str) -> Result<()> {
        self.conn
            .run(&Command::new("CREATE ").string(mailbox))
            .map(|_| ())
    }

    pub fn delete(&mut self, mailbox: &str) -> Result<()> {
        self.conn
            .run(&Command::new("DELETE ").string(mailbox))
            .map(|_| ())
    }

    /// APPEND with flags and INTERNALDATE; the APPENDUID when the server sends one.
    pub fn append(
        &mut self,
        mailbox: &str,
        raw: &[u8],
        flags: &[&str],
        internaldate: Option<DateTime<FixedOffset>>,
    ) -> Result<Option<(u32, u32)>> {
        self.conn
            .append(mailbox, &flags.join(" "), internaldate, raw)
    }

    pub fn logout(mut self) -> Result<()> {
        self.conn.logout();
        Ok(())
    }
}
