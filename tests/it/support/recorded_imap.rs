//! A recorded-response IMAP server for the quirks of servers the harness does not run: it
//! answers on 127.0.0.1 with the lines a given server is documented to send (Courier-IMAP's
//! greeting, `NAMESPACE (("INBOX." "."))`, `NO Current box is selected READ-ONLY` for an
//! APPEND while a folder is open, …), keeps the folders' messages in memory, and records every
//! command it received. Plaintext, one thread per connection, stopped on drop.
//!
//! Include it from a test file with
//! `#[path = "support/recorded_imap.rs"] mod recorded_imap;`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a server says and how it behaves.
#[derive(Debug, Clone)]
pub struct Script {
    pub greeting: String,
    /// The words after `* CAPABILITY`.
    pub capabilities: String,
    /// The `* NAMESPACE …` line's data, when the server offers NAMESPACE.
    pub namespace: Option<String>,
    /// The hierarchy delimiter in LIST answers.
    pub delimiter: char,
    /// Refuse APPEND while any folder is open read-only, with this text.
    pub refuse_append_while_examined: Option<String>,
    /// The tagged NO for EXAMINE/SELECT of a folder that does not exist.
    pub no_such_folder: String,
    /// The tagged NO for a refused LOGIN.
    pub login_refused: String,
    pub user: String,
    pub password: String,
}

impl Script {
    /// Courier-IMAP 5 as documented (courier-imap's imapd.c, imapd(8)): folders under the
    /// personal namespace `INBOX.`, no SPECIAL-USE, no UNSELECT, and APPEND refused while the
    /// open folder is read-only.
    pub fn courier() -> Script {
        Script {
            greeting: "* OK [CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE \
                       THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE AUTH=PLAIN \
                       ACL ACL2=UNION] Courier-IMAP ready. Copyright 1998-2018 Double \
                       Precision, Inc.  See COPYING for distribution information."
                .to_string(),
            capabilities: "IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT \
                           THREAD=REFERENCES SORT QUOTA IDLE AUTH=PLAIN ACL ACL2=UNION"
                .to_string(),
            namespace: Some("((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\"))".to_string()),
            delimiter: '.',
            refuse_append_while_examined: Some("Current box is selected READ-ONLY".to_string()),
            no_such_folder: "Mailbox does not exist, or must be subscribed to.".to_string(),
            login_refused: "Login failed.".to_string(),
            user: "test".to_string(),
            password: "secret".to_string(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Folder {
    pub uidvalidity: u32,
    pub next_uid: u32,
    /// uid → (flags, raw message)
    pub messages: BTreeMap<u32, (Vec<String>, Vec<u8>)>,
}

#[derive(Debug, Default)]
pub struct State {
    /// By name as on the wire.
    pub folders: BTreeMap<String, Folder>,
    /// Every command line received (LOGIN's password replaced by `***`).
    pub log: Vec<String>,
}

pub struct RecordedImap {
    pub port: u16,
    pub state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl RecordedImap {
    /// Serves `script` with the given folders (wire names).
    pub fn start(script: Script, folders: &[&str]) -> RecordedImap {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut st = State::default();
        for (i, f) in folders.iter().enumerate() {
            st.folders.insert(
                f.to_string(),
                Folder {
                    uidvalidity: 1_700_000_000 + i as u32,
                    next_uid: 1,
                    messages: BTreeMap::new(),
                },
            );
        }
        let state = Arc::new(Mutex::new(st));
        let stop = Arc::new(AtomicBool::new(false));
        let (s2, stop2) = (Arc::clone(&state), Arc::clone(&stop));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (script, state) = (script.clone(), Arc::clone(&s2));
                std::thread::spawn(move || {
                    let _ = serve(conn, &script, &state);
                });
            }
        });
        RecordedImap { port, state, stop }
    }

    /// Puts a message into a folder (as another mail client would); returns its UID.
    pub fn add(&self, folder: &str, raw: &[u8], flags: &[&str]) -> u32 {
        let mut st = self.state.lock().unwrap();
        let f = st.folders.get_mut(folder).unwrap();
        let uid = f.next_uid;
        f.next_uid += 1;
        f.messages.insert(
            uid,
            (flags.iter().map(|s| s.to_string()).collect(), raw.to_vec()),
        );
        uid
    }

    pub fn messages(&self, folder: &str) -> Vec<Vec<u8>> {
        let st = self.state.lock().unwrap();
        st.folders[folder]
            .messages
            .values()
            .map(|(_, raw)| raw.clone())
            .collect()
    }

    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }
}

impl Drop for RecordedImap {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Splits an IMAP command's arguments: atoms, quoted strings (unescaped) and parenthesized
/// lists (kept whole).
fn args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            ' ' => i += 1,
            '"' => {
                let mut w = String::new();
                i += 1;
                while i < b.len() && b[i] != '"' {
                    if b[i] == '\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    w.push(b[i]);
                    i += 1;
                }
                i += 1;
                out.push(w);
            }
            '(' => {
                let mut depth = 0;
                let start = i;
                while i < b.len() {
                    if b[i] == '(' {
                        depth += 1;
                    } else if b[i] == ')' {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    i += 1;
                }
                out.push(b[start..i].iter().collect());
            }
            _ => {
                let start = i;
                while i < b.len() && b[i] != ' ' {
                    i += 1;
                }
                out.push(b[start..i].iter().collect());
            }
        }
    }
    out
}

/// `1:5,7,9:*` → does it hold `uid` (with `*` = `max`)?
fn in_set(set: &str, uid: u32, max: u32) -> bool {
    set.split(',').any(|part| {
        let n = |s: &str| {
            if s == "*" {
                max
            } else {
                s.parse().unwrap_or(0)
            }
        };
        match part.split_once(':') {
            Some((a, b)) => {
                let (a, b) = (n(a), n(b));
                (a.min(b)..=a.max(b)).contains(&uid)
            }
            None => n(part) == uid,
        }
    })
}

fn header_has(raw: &[u8], name: &str, value: &str) -> bool {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    head.lines().any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case(name)
                && v.to_ascii_lowercase().contains(&value.to_ascii_lowercase())
        })
    })
}

fn serve(conn: TcpStream, script: &Script, state: &Mutex<State>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut w = conn.try_clone()?;
    let mut r = BufReader::new(conn);
    let mut selected: Option<(String, bool)> = None;
    let mut authed = false;
    writeln_crlf(&mut w, &script.greeting)?;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        let Some((tag, rest)) = line.split_once(' ') else {
            writeln_crlf(&mut w, "* BAD Error in IMAP command received by server.")?;
            continue;
        };
        let (cmd, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        let mut cmd = cmd.to_ascii_uppercase();
        let mut tail = tail.to_string();
        let uid_cmd = cmd == "UID";
        if uid_cmd {
            let (c, t) = tail.split_once(' ').unwrap_or((tail.as_str(), ""));
            cmd = format!("UID {}", c.to_ascii_uppercase());
            tail = t.to_string();
        }
        state.lock().unwrap().log.push(if cmd == "LOGIN" {
            format!("{tag} LOGIN ***")
        } else {
            format!("{tag} {cmd} {tail}").trim_end().to_string()
        });
        let ok = |w: &mut TcpStream, text: &str| writeln_crlf(w, &format!("{tag} OK {text}"));
        match cmd.as_str() {
            "CAPABILITY" => {
                writeln_crlf(&mut w, &format!("* CAPABILITY {}", script.capabilities))?;
                ok(&mut w, "CAPABILITY completed")?;
            }
            "NOOP" => ok(&mut w, "NOOP completed")?,
            "LOGOUT" => {
                writeln_crlf(&mut w, "* BYE Courier-IMAP server shutting down")?;
                ok(&mut w, "LOGOUT completed")?;
                return Ok(());
            }
            "LOGIN" => {
                let a = args(&tail);
                if a.len() == 2 && a[0] == script.user && a[1] == script.password {
                    authed = true;
                    ok(&mut w, "LOGIN Ok.")?;
                } else {
                    writeln_crlf(&mut w, &format!("{tag} NO {}", script.login_refused))?;
                }
            }
            _ if !authed => writeln_crlf(&mut w, &format!("{tag} BAD Not logged in."))?,
            "NAMESPACE" if script.namespace.is_some() => {
                let ns = script.namespace.clone().unwrap_or_default();
                writeln_crlf(&mut w, &format!("* NAMESPACE {ns}"))?;
                ok(&mut w, "NAMESPACE completed.")?;
            }
            "LIST" => {
                let names: Vec<String> = state.lock().unwrap().folders.keys().cloned().collect();
                for n in names {
                    let kids = if n == "INBOX" {
                        "\\HasChildren"
                    } else {
                        "\\HasNoChildren"
                    };
                    writeln_crlf(
                        &mut w,
                        &format!("* LIST ({kids}) \"{}\" \"{n}\"", script.delimiter),
                    )?;
                }
                ok(&mut w, "LIST completed")?;
            }
            "SELECT" | "EXAMINE" => {
                let a = args(&tail);
                let name = a.first().cloned().unwrap_or_default();
                let st = state.lock().unwrap();
                selected = None;
                match st.folders.get(&name) {
                    None => {
                        drop(st);
                        writeln_crlf(&mut w, &format!("{tag} NO {}", script.no_such_folder))?;
                    }
                    Some(f) => {
                        let (v, n, next) = (f.uidvalidity, f.messages.len(), f.next_uid);
                        drop(st);
                        let write = cmd == "SELECT";
                        for l in [
                            "* FLAGS (\\Draft \\Answered \\Flagged \\Deleted \\Seen \\Recent)"
                                .to_string(),
                            if write {
                                "* OK [PERMANENTFLAGS (\\* \\Draft \\Answered \\Flagged \\Deleted \\Seen)] Limited"
                                    .to_string()
                            } else {
                                "* OK [PERMANENTFLAGS ()] No permanent flags permitted".to_string()
                            },
                            format!("* {n} EXISTS"),
                            "* 0 RECENT".to_string(),
                            format!("* OK [UIDVALIDITY {v}] Ok"),
                            format!("* OK [UIDNEXT {next}] Ok"),
                            "* OK [MYRIGHTS \"acdilrsw\"] ACL".to_string(),
                        ] {
                            writeln_crlf(&mut w, &l)?;
                        }
                        selected = Some((name, write));
                        let mode = if write { "READ-WRITE" } else { "READ-ONLY" };
                        ok(&mut w, &format!("[{mode}] Ok"))?;
                    }
                }
            }
            "CLOSE" | "UNSELECT" if selected.is_some() => {
                if cmd == "UNSELECT" && !script.capabilities.contains("UNSELECT") {
                    writeln_crlf(&mut w, &format!("{tag} BAD Unknown command."))?;
                    continue;
                }
                selected = None;
                ok(&mut w, "mailbox closed.")?;
            }
            "APPEND" => {
                let Some(open) = tail.rfind('{') else {
                    writeln_crlf(&mut w, &format!("{tag} BAD Missing literal."))?;
                    continue;
                };
                let len: usize = tail[open + 1..]
                    .trim_end_matches('}')
                    .trim_end_matches('+')
                    .parse()
                    .unwrap_or(0);
                let a = args(&tail[..open]);
                let name = a.first().cloned().unwrap_or_default();
                let flags: Vec<String> = a
                    .get(1)
                    .map(|f| {
                        f.trim_matches(|c| c == '(' || c == ')')
                            .split_whitespace()
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if let (Some(text), Some((_, false))) =
                    (&script.refuse_append_while_examined, &selected)
                {
                    // Refused before the literal is sent (no continuation).
                    writeln_crlf(&mut w, &format!("{tag} NO {text}"))?;
                    continue;
                }
                if !state.lock().unwrap().folders.contains_key(&name) {
                    writeln_crlf(
                        &mut w,
                        &format!("{tag} NO [TRYCREATE] {}", script.no_such_folder),
                    )?;
                    continue;
                }
                writeln_crlf(&mut w, "+ OK")?;
                let mut data = vec![0u8; len];
                r.read_exact(&mut data)?;
                let mut crlf = String::new();
                r.read_line(&mut crlf)?;
                let mut st = state.lock().unwrap();
                let f = st.folders.get_mut(&name).unwrap();
                let uid = f.next_uid;
                f.next_uid += 1;
                f.messages.insert(uid, (flags, data));
                let v = f.uidvalidity;
                drop(st);
                ok(&mut w, &format!("[APPENDUID {v} {uid}] APPEND Ok."))?;
            }
            "UID SEARCH" | "SEARCH" | "UID FETCH" | "UID STORE" if selected.is_none() => {
                writeln_crlf(&mut w, &format!("{tag} BAD No mailbox selected."))?;
            }
            "UID SEARCH" | "SEARCH" => {
                let (name, _) = selected.clone().unwrap_or_default();
                let a = args(&tail);
                let st = state.lock().unwrap();
                let f = &st.folders[&name];
                let max = f.messages.keys().max().copied().unwrap_or(0);
                let hits: Vec<u32> = f
                    .messages
                    .iter()
                    .filter(|(uid, (_, raw))| {
                        match a.first().map(|s| s.to_ascii_uppercase()).as_deref() {
                            Some("HEADER") => header_has(
                                raw,
                                a.get(1).map(String::as_str).unwrap_or(""),
                                a.get(2).map(String::as_str).unwrap_or(""),
                            ),
                            Some("UID") => {
                                in_set(a.get(1).map(String::as_str).unwrap_or(""), **uid, max)
                            }
                            _ => true,
                        }
                    })
                    .map(|(uid, _)| *uid)
                    .collect();
                drop(st);
                let list: Vec<String> = hits.iter().map(u32::to_string).collect();
                writeln_crlf(&mut w, format!("* SEARCH {}", list.join(" ")).trim_end())?;
                ok(&mut w, "SEARCH done.")?;
            }
            "UID FETCH" => {
                let (name, _) = selected.clone().unwrap_or_default();
                let a = args(&tail);
                let set = a.first().cloned().unwrap_or_default();
                let items = a.get(1).cloned().unwrap_or_default().to_ascii_uppercase();
                let st = state.lock().unwrap();
                let f = &st.folders[&name];
                let max = f.messages.keys().max().copied().unwrap_or(0);
                let mut out: Vec<u8> = Vec::new();
                for (seq, (uid, (flags, raw))) in f.messages.iter().enumerate() {
                    if !in_set(&set, *uid, max.max(1)) {
                        continue;
                    }
                    let mut parts = vec![format!("UID {uid}")];
                    if items.contains("FLAGS") {
                        parts.push(format!("FLAGS ({})", flags.join(" ")));
                    }
                    if items.contains("INTERNALDATE") {
                        parts.push("INTERNALDATE \"01-Dec-2026 09:30:00 +0000\"".to_string());
                    }
                    if items.contains("RFC822.SIZE") {
                        parts.push(format!("RFC822.SIZE {}", raw.len()));
                    }
                    out.extend(format!("* {} FETCH ({}", seq + 1, parts.join(" ")).bytes());
                    if items.contains("BODY.PEEK[]") || items.contains("BODY[]") {
                        out.extend(format!(" BODY[] {{{}}}\r\n", raw.len()).bytes());
                        out.extend(raw);
                    }
                    out.extend(b")\r\n");
                }
                drop(st);
                w.write_all(&out)?;
                ok(&mut w, "FETCH completed.")?;
            }
            "UID STORE" => ok(&mut w, "STORE completed.")?,
            _ => writeln_crlf(&mut w, &format!("{tag} BAD Unknown command."))?,
        }
    }
}

fn writeln_crlf(w: &mut TcpStream, line: &str) -> std::io::Result<()> {
    w.write_all(line.as_bytes())?;
    w.write_all(b"\r\n")?;
    w.flush()
}
