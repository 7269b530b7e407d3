//! Integration-test harness: a private IMAP server (Dovecot, or Cyrus IMAP as Fastmail runs)
//! and an aiosmtpd SMTP sink on free 127.0.0.1 ports, in a temp dir, killed on drop. Every test
//! gets its own instance, so tests run in parallel. Include it from a test file with
//! `mod support;`.
//!
//! Which IMAP server: [`ServerOptions::imap`], by default Dovecot, or Cyrus when the
//! environment says `SHOPINBOX_TEST_IMAP=cyrus` (the second pass of `scripts/test` runs the
//! sync, send and kill suites that way). Cyrus's binaries come unpacked from Debian's package
//! under `target/cyrus` (or `$SHOPINBOX_CYRUS_ROOT`): it conflicts with Dovecot as a package.
//!
//! Helpers act as "another mail client" would (a phone, webmail): APPEND with chosen flags and
//! INTERNALDATE, flag changes, expunges, folder create/delete, and reading what the SMTP sink
//! received.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset};
use shopinbox::net;
pub use test_imap::TestImap;

pub mod recorded_imap;
pub mod test_imap;
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "test";
pub const PASSWORD: &str = "secret";

/// How the SMTP sink should misbehave (send tests).
#[derive(Debug, Clone, Default)]
pub struct SmtpOptions {
    /// MAIL FROM is refused until the client logs in.
    pub require_auth: bool,
    /// Every AUTH attempt fails with 535.
    pub reject_auth: bool,
    /// Close the connection without an answer after DATA, for the first N messages.
    pub drop_after_data: u32,
    /// A slow server: each message is stored at the final dot, and 250 comes this much later.
    pub data_delay: Option<Duration>,
    /// Wait this many seconds before answering the final dot (`--delay-final-reply`).
    pub delay_final_reply_secs: u32,
    /// Which certificate the sink presents on STARTTLS and its implicit-TLS port.
    pub tls_cert: SinkCert,
    /// The SIZE the sink announces and enforces (default 64 MiB).
    pub size_limit: Option<u64>,
}

/// The certificate the SMTP sink presents (all signed by the test CA in `MailServers::ca`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SinkCert {
    /// For localhost and 127.0.0.1, valid for ten years.
    #[default]
    Good,
    /// For mail.other.example only: a name mismatch for localhost/127.0.0.1.
    OtherName,
    /// For localhost and 127.0.0.1, but already expired.
    Expired,
}

/// The IMAP server a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapServer {
    /// Dovecot 2.3 (Debian's dovecot-imapd).
    Dovecot,
    /// Cyrus IMAP 3.x (Debian's cyrus-imapd, unpacked by scripts/test), set up like Fastmail:
    /// INBOX, Sent, Archive, … at the top level, "/" as separator, conversations on.
    Cyrus,
}

impl ImapServer {
    /// `SHOPINBOX_TEST_IMAP=cyrus` → Cyrus; unset or `dovecot` → Dovecot.
    pub fn from_env() -> ImapServer {
        match std::env::var("SHOPINBOX_TEST_IMAP").as_deref() {
            Ok("cyrus") => ImapServer::Cyrus,
            Ok("dovecot") | Ok("") | Err(_) => ImapServer::Dovecot,
            Ok(other) => panic!("SHOPINBOX_TEST_IMAP={other}: expected dovecot or cyrus"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Which IMAP server (default: [`ImapServer::from_env`]).
    pub imap: ImapServer,
    /// `false` starts Dovecot with `ssl = no`: no STARTTLS, no implicit TLS port.
    pub imap_tls: bool,
    pub smtp: SmtpOptions,
    /// `false`: no folder is marked with a special use (RFC 6154) and none is created
    /// automatically, like a server that only has the folders its users made.
    pub special_use: bool,
    /// The name of the folder marked `\Sent` (with `special_use`).
    pub sent_name: &'static str,
    /// Dovecot and the SMTP sink also take OAuth 2.0 bearer tokens (XOAUTH2, OAUTHBEARER):
    /// HS256 JWTs signed with `oauth2.key`, see [`MailServers::mint_token`].
    pub oauth2: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            imap: ImapServer::from_env(),
            imap_tls: true,
            smtp: SmtpOptions::default(),
            special_use: true,
            sent_name: "Sent",
            oauth2: false,
        }
    }
}

pub struct MailServers {
    dir: tempfile::TempDir,
    /// Plain IMAP with STARTTLS.
    pub imap_port: u16,
    /// Implicit TLS (0 when started with `imap_tls: false`).
    pub imaps_port: u16,
    /// SMTP with STARTTLS.
    pub smtp_port: u16,
    /// SMTP with implicit TLS.
    pub smtps_port: u16,
    pub user: String,
    pub password: String,
    /// The test CA to trust (the servers' leaf certificate is for localhost and 127.0.0.1).
    pub ca: PathBuf,
    /// Where the SMTP sink stores NNNNNN.eml + NNNNNN.json.
    pub smtp_out: PathBuf,
    opts: ServerOptions,
    /// The IMAP server's master process (Dovecot's or Cyrus's), leader of its process group.
    imap_child: Option<Child>,
    smtp: Option<Child>,
    /// Cyrus's folders (config, databases, spool) in memory when /dev/shm exists.
    cyrus_shm: Option<tempfile::TempDir>,
}

impl MailServers {
    pub fn start() -> MailServers {
        Self::start_with(ServerOptions::default())
    }

    pub fn start_with(opts: ServerOptions) -> MailServers {
        require_tools(opts.imap);
        // Free ports are found by binding port 0; another test may grab one between our probe
        // and the server's bind, so a failed start is retried on fresh ports.
        let mut last_err = String::new();
        for _ in 0..4 {
            match Self::try_start(opts.clone()) {
                Ok(s) => return s,
                Err(e) => last_err = e,
            }
        }
        panic!("cannot start the test mail servers: {last_err}");
    }

    fn try_start(opts: ServerOptions) -> Result<MailServers, String> {
        let dir = tempfile::Builder::new()
            .prefix("shopinbox-mail-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        // Dovecot's mail processes run as another uid and must reach the mail dir.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
        let ports = free_ports(4);
        let root = dir.path().to_path_buf();
        for sub in ["tls", "run", "state", "mail/test/Maildir", "smtp-out"] {
            fs::create_dir_all(root.join(sub)).map_err(|e| e.to_string())?;
        }
        make_certs(&root.join("tls"))?;
        if opts.imap == ImapServer::Cyrus {
            return Self::try_start_cyrus(dir, ports, opts);
        }
        fs::write(
            root.join("passwd"),
            format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"),
        )
        .map_err(|e| e.to_string())?;
        let me = current_uid();
        let (mail_uid, mail_gid) = if me == 0 {
            (5000, 5000)
        } else {
            (me, current_gid())
        };
        if me == 0 {
            chown_tree(&root.join("mail"), mail_uid, mail_gid)?;
        }
        let imaps_port = if opts.imap_tls { ports[1] } else { 0 };
        let whoami = if me == 0 {
            None
        } else {
            Some(user_name().ok_or("cannot find the current user's name")?)
        };
        let conf = include_str!("../../mailservers/dovecot.conf.in")
            .replace("@DIR@", &root.display().to_string())
            .replace("@IMAP_PORT@", &ports[0].to_string())
            .replace("@IMAPS_PORT@", &imaps_port.to_string())
            .replace("@IMAPS_SSL@", if opts.imap_tls { "yes" } else { "no" })
            .replace("@SSL@", if opts.imap_tls { "yes" } else { "no" })
            .replace("@LOGIN_USER@", whoami.as_deref().unwrap_or("dovenull"))
            .replace("@INTERNAL_USER@", whoami.as_deref().unwrap_or("dovecot"))
            .replace("@FIRST_VALID_UID@", &mail_uid.min(500).to_string())
            .replace("@MAIL_UID@", &mail_uid.to_string())
            .replace("@MAIL_GID@", &mail_gid.to_string());
        let conf = if opts.special_use {
            conf.replace(
                "mailbox Sent {",
                &format!("mailbox \"{}\" {{", opts.sent_name),
            )
        } else {
            conf.lines()
                .filter(|l| {
                    let l = l.trim_start();
                    !l.starts_with("special_use =") && !l.starts_with("auto =")
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let conf = if opts.oauth2 {
            oauth2_setup(&root, conf)?
        } else {
            conf
        };
        fs::write(root.join("dovecot.conf"), conf).map_err(|e| e.to_string())?;
        let mut servers = MailServers {
            ca: root.join("tls/ca.pem"),
            smtp_out: root.join("smtp-out"),
            dir,
            imap_port: ports[0],
            imaps_port,
            smtp_port: ports[2],
            smtps_port: ports[3],
            user: USER.to_string(),
            password: PASSWORD.to_string(),
            opts,
            imap_child: None,
            smtp: None,
            cyrus_shm: None,
        };
        servers.spawn_dovecot()?;
        servers.spawn_smtp()?;
        Ok(servers)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The base64 HS256 key Dovecot and the SMTP sink check tokens with (`oauth2: true`).
    pub fn oauth2_key(&self) -> PathBuf {
        self.dir.path().join("oauth2.key")
    }

    /// An access token the servers accept for `user` (when `oauth2: true`): an HS256 JWT
    /// expiring `expires_in` seconds from now (negative: already expired).
    pub fn mint_token(&self, user: &str, expires_in: i64) -> String {
        mint_jwt(
            &self.oauth2_key(),
            user,
            servers_now(self.dir.path()) + expires_in,
        )
    }

    /// The user's INBOX Maildir, for writing messages straight into it (benchmarks). Dovecot
    /// only: Cyrus keeps its own spool (use [`MailServers::generate_inbox`]).
    pub fn maildir(&self) -> PathBuf {
        assert_eq!(
            self.opts.imap,
            ImapServer::Dovecot,
            "maildir() is Dovecot's; use generate_inbox"
        );
        self.dir.path().join("mail/test/Maildir")
    }

    /// `n` realistic messages in INBOX from tests/mailservers/gen_maildir.py (`--seed seed`,
    /// plus `extra` arguments such as `--now EPOCH`). Dovecot gets them written straight into
    /// its Maildir; Cyrus over IMAP, APPENDed in the files' order with their Maildir flags and
    /// the file time as INTERNALDATE, which is what Dovecot reads from the same files.
    pub fn generate_inbox(&self, n: u32, seed: u64, extra: &[&str]) {
        let scratch = tempfile::tempdir().unwrap();
        let target = match self.opts.imap {
            ImapServer::Dovecot => self.maildir(),
            ImapServer::Cyrus => scratch.path().join("Maildir"),
        };
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mailservers/gen_maildir.py"))
            .arg(&target)
            .args(["-n", &n.to_string(), "--seed", &seed.to_string()])
            .args(extra);
        if self.opts.imap == ImapServer::Dovecot {
            cmd.args(["--chown", "5000:5000"]);
        }
        let status = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "gen_maildir.py failed");
        if self.opts.imap == ImapServer::Dovecot {
            return;
        }
        let mut files: Vec<PathBuf> = fs::read_dir(target.join("cur"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        // One APPEND per message costs Cyrus tens of milliseconds; MULTIAPPEND (RFC 3502) with
        // non-synchronizing literals (LITERAL+) takes a hundred in one command.
        let mut s = self.client();
        let mut batch = String::new();
        let mut in_batch = 0;
        for (i, f) in files.iter().enumerate() {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let letters = name.rsplit_once(":2,").map(|(_, l)| l).unwrap_or("");
            let flags: Vec<&str> = letters
                .chars()
                .filter_map(|c| match c {
                    'S' => Some("\\Seen"),
                    'F' => Some("\\Flagged"),
                    'R' => Some("\\Answered"),
                    'D' => Some("\\Draft"),
                    'T' => Some("\\Deleted"),
                    _ => None,
                })
                .collect();
            let mtime: DateTime<chrono::Utc> = fs::metadata(f).unwrap().modified().unwrap().into();
            // Maildir files end lines with LF; IMAP (and Dovecot serving the files) says CRLF.
            let mut raw = Vec::new();
            for b in fs::read(f).unwrap() {
                if b == b'\n' && raw.last() != Some(&b'\r') {
                    raw.push(b'\r');
                }
                raw.push(b);
            }
            let text = String::from_utf8(raw)
                .unwrap_or_else(|_| panic!("{name}: gen_maildir.py wrote a non-UTF-8 message"));
            if batch.is_empty() {
                batch.push_str("APPEND INBOX");
            }
            batch.push_str(&format!(
                " ({}) \"{}\" {{{}+}}\r\n{text}",
                flags.join(" "),
                mtime.format("%d-%b-%Y %H:%M:%S %z"),
                text.len()
            ));
            in_batch += 1;
            if in_batch == 100 || i + 1 == files.len() {
                if let Err(e) = s.run_command_and_check_ok(&batch) {
                    panic!(
                        "cannot APPEND to {:?}'s INBOX: {e}; logs: {}",
                        self.opts.imap,
                        self.imap_logs()
                    );
                }
                batch.clear();
                in_batch = 0;
            }
        }
        let _ = s.logout();
    }

    fn spawn_dovecot(&mut self) -> Result<(), String> {
        let root = self.dir.path();
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(root.join("dovecot.stdio.log"))
            .map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        // Output redirected: `dovecot -F` otherwise holds the caller's stdout open.
        // Its own process group, so that stopping it also stops the imap processes serving
        // open connections (they outlive a killed master otherwise).
        let child = real_clock(&mut Command::new(dovecot_bin()))
            .process_group(0)
            .arg("-F")
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot run dovecot: {e}"))?;
        self.imap_child = Some(child);
        if let Err(e) = wait_greeting(self.imap_port, b"* OK") {
            self.kill_dovecot();
            return Err(format!("{e}; dovecot logs: {}", self.dovecot_logs()));
        }
        Ok(())
    }

    fn spawn_smtp(&mut self) -> Result<(), String> {
        let root = self.dir.path();
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(root.join("smtp.log"))
            .map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mailservers/smtp_sink.py");
        let tls = root.join("tls");
        let (cert, key) = match self.opts.smtp.tls_cert {
            SinkCert::Good => (tls.join("cert.pem"), tls.join("key.pem")),
            SinkCert::OtherName => {
                make_leaf(&tls, "other", "DNS:mail.other.example", "3650")?;
                (tls.join("other-cert.pem"), tls.join("other-key.pem"))
            }
            SinkCert::Expired => {
                make_leaf(&tls, "expired", "DNS:localhost,IP:127.0.0.1", "-1")?;
                (tls.join("expired-cert.pem"), tls.join("expired-key.pem"))
            }
        };
        let mut cmd = Command::new("/usr/bin/python3");
        real_clock(&mut cmd)
            .arg(script)
            .arg("--port")
            .arg(self.smtp_port.to_string())
            .arg("--smtps-port")
            .arg(self.smtps_port.to_string())
            .arg("--dir")
            .arg(&self.smtp_out)
            .arg("--tls-cert")
            .arg(cert)
            .arg("--tls-key")
            .arg(key)
            .arg("--user")
            .arg(&self.user)
            .arg("--password")
            .arg(&self.password);
        if self.opts.oauth2 {
            cmd.arg("--oauth2-key").arg(root.join("oauth2.key"));
        }
        let o = &self.opts.smtp;
        if o.require_auth {
            cmd.arg("--require-auth");
        }
        if o.reject_auth {
            cmd.arg("--reject-auth");
        }
        if o.drop_after_data > 0 {
            cmd.arg("--drop-after-data")
                .arg(o.drop_after_data.to_string());
        }
        if let Some(d) = o.data_delay {
            cmd.arg("--data-delay")
                .arg(format!("{:.3}", d.as_secs_f64()));
        }
        if let Some(limit) = o.size_limit {
            cmd.arg("--size-limit").arg(limit.to_string());
        }
        if o.delay_final_reply_secs > 0 {
            cmd.arg("--delay-final-reply")
                .arg(o.delay_final_reply_secs.to_string());
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot run /usr/bin/python3 smtp_sink.py: {e}"))?;
        self.smtp = Some(child);
        if let Err(e) = wait_greeting(self.smtp_port, b"220") {
            let logs = fs::read_to_string(root.join("smtp.log")).unwrap_or_default();
            self.kill_smtp();
            self.kill_dovecot();
            return Err(format!("{e}; smtp sink log: {logs}"));
        }
        Ok(())
    }

    fn kill_dovecot(&mut self) {
        if let Some(mut c) = self.imap_child.take() {
            // SIGKILL to the whole group: SIGTERM makes the master sleep about a second on
            // shutdown, and its children would keep serving open connections.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", c.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn kill_smtp(&mut self) {
        if let Some(mut c) = self.smtp.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Stops the IMAP server (clients see their connections drop).
    pub fn stop(&mut self) {
        self.kill_dovecot();
        // Children notice the master's death on their own; wait until the port is closed
        // so that a restart can bind it again.
        // (Cyrus serves each port from its own process.)
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline
            && [self.imap_port, self.imaps_port]
                .iter()
                .any(|&p| p != 0 && TcpStream::connect(("127.0.0.1", p)).is_ok())
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts the IMAP server again on the same ports with the same mail.
    pub fn restart(&mut self) {
        self.kill_dovecot();
        let mut last = String::new();
        for _ in 0..50 {
            match self.spawn_imap() {
                Ok(()) => return,
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("cannot restart {:?}: {last}", self.opts.imap);
    }

    pub fn dovecot_logs(&self) -> String {
        let root = self.dir.path();
        format!(
            "{}{}",
            fs::read_to_string(root.join("dovecot.log")).unwrap_or_default(),
            fs::read_to_string(root.join("dovecot.stdio.log")).unwrap_or_default()
        )
    }

    /// What the IMAP server wrote (Cyrus logs to syslog; this is its master's and its
    /// services' own output, where fatal errors land).
    pub fn imap_logs(&self) -> String {
        match self.opts.imap {
            ImapServer::Dovecot => self.dovecot_logs(),
            ImapServer::Cyrus => {
                fs::read_to_string(self.dir.path().join("cyrus.stdio.log")).unwrap_or_default()
            }
        }
    }

    /// Which IMAP server this is.
    pub fn imap_server(&self) -> ImapServer {
        self.opts.imap
    }

    fn spawn_imap(&mut self) -> Result<(), String> {
        match self.opts.imap {
            ImapServer::Dovecot => self.spawn_dovecot(),
            ImapServer::Cyrus => self.spawn_cyrus(),
        }
    }

    /// Cyrus's side of [`MailServers::try_start`]: config, services, the test user's password
    /// in a private sasldb; the user's INBOX and special-use folders are created at its first
    /// login (`autocreate_*`), which the start does at once.
    fn try_start_cyrus(
        dir: tempfile::TempDir,
        ports: Vec<u16>,
        opts: ServerOptions,
    ) -> Result<MailServers, String> {
        if opts.oauth2 {
            return Err("the Cyrus harness has no OAuth 2.0 (use Dovecot)".to_string());
        }
        let root = dir.path().to_path_buf();
        // Cyrus's folders in memory where the machine has /dev/shm: it rewrites a process file
        // (write, rename) at every command and syncs its databases, which on a busy disk costs
        // milliseconds a command (Dovecot is told `mail_fsync = never`).
        let shm = Path::new("/dev/shm")
            .is_dir()
            .then(|| {
                tempfile::Builder::new()
                    .prefix("shopinbox-cyrus-")
                    .tempdir_in("/dev/shm")
                    .ok()
            })
            .flatten();
        let cy = shm
            .as_ref()
            .map(|t| t.path().to_path_buf())
            .unwrap_or_else(|| root.join("cyrus"));
        for sub in ["conf", "spool", "sieve", "run"] {
            fs::create_dir_all(cy.join(sub)).map_err(|e| e.to_string())?;
        }
        let bin = cyrus_root().join("usr/lib/cyrus/bin");
        let imaps_port = if opts.imap_tls { ports[1] } else { 0 };
        // Cyrus refuses to run as root: started as root, it becomes Debian's `mail` user
        // (always in /etc/passwd); otherwise it stays the current user.
        let me = current_uid();
        let cyrus_user = if me == 0 {
            "mail".to_string()
        } else {
            user_name().ok_or("cannot find the current user's name")?
        };
        let conf_path = cy.join("imapd.conf");
        let conf = include_str!("../../mailservers/cyrus-imapd.conf.in")
            .lines()
            .filter_map(|l| {
                if let Some(rest) = l.strip_prefix("#@TLS@") {
                    opts.imap_tls.then_some(rest)
                } else if let Some(rest) = l.strip_prefix("#@SPECIAL_USE@") {
                    opts.special_use.then_some(rest)
                } else {
                    Some(l)
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            .replace("@DIR@", &cy.display().to_string())
            .replace("@TLS_DIR@", &root.join("tls").display().to_string())
            .replace("@CYRUS_USER@", &cyrus_user)
            .replace("@SENT@", opts.sent_name)
            .replace("@IMAP_PORT@", &ports[0].to_string());
        fs::write(&conf_path, conf + "\n").map_err(|e| e.to_string())?;
        let services = include_str!("../../mailservers/cyrus.conf.in")
            .lines()
            .filter(|l| opts.imap_tls || !l.trim_start().starts_with("imaps "))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("@BIN@", &bin.display().to_string())
            .replace("@CONF@", &conf_path.display().to_string())
            .replace("@IMAP_PORT@", &ports[0].to_string())
            .replace("@IMAPS_PORT@", &imaps_port.to_string());
        fs::write(cy.join("cyrus.conf"), services + "\n").map_err(|e| e.to_string())?;
        // The password, as saslpasswd2 stores it for the realm Cyrus asks for (its servername).
        let mut child = Command::new(saslpasswd2_bin())
            .args(["-p", "-c", "-u", "shopinbox-test", "-f"])
            .arg(cy.join("conf/sasldb2"))
            .arg(USER)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run saslpasswd2: {e}"))?;
        child
            .stdin
            .take()
            .ok_or("no stdin for saslpasswd2")?
            .write_all(PASSWORD.as_bytes())
            .map_err(|e| e.to_string())?;
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "saslpasswd2 failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if me == 0 {
            let uid = id_of("-u", &cyrus_user).ok_or("no uid for the mail user")?;
            let gid = id_of("-g", &cyrus_user).ok_or("no gid for the mail user")?;
            chown_tree(&cy, uid, gid)?;
            chown_tree(&root.join("tls"), uid, gid)?;
        }
        let mut servers = MailServers {
            ca: root.join("tls/ca.pem"),
            smtp_out: root.join("smtp-out"),
            dir,
            imap_port: ports[0],
            imaps_port,
            smtp_port: ports[2],
            smtps_port: ports[3],
            user: USER.to_string(),
            password: PASSWORD.to_string(),
            opts,
            imap_child: None,
            smtp: None,
            cyrus_shm: shm,
        };
        servers.spawn_cyrus()?;
        // The first login creates the user's folders: a test's first APPEND must find them.
        let s = servers.try_client()?;
        let _ = s.logout();
        servers.spawn_smtp()?;
        Ok(servers)
    }

    fn spawn_cyrus(&mut self) -> Result<(), String> {
        let root = self.dir.path();
        let cy = self
            .cyrus_shm
            .as_ref()
            .map(|t| t.path().to_path_buf())
            .unwrap_or_else(|| root.join("cyrus"));
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(root.join("cyrus.stdio.log"))
            .map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let libs = cyrus_root().join("usr/lib/x86_64-linux-gnu");
        // -D: stay in the foreground and keep stderr, where the services' fatal errors go.
        // Its own process group, as Dovecot's, so that a stop also ends open connections.
        let child = real_clock(&mut Command::new(
            cyrus_root().join("usr/lib/cyrus/bin/master"),
        ))
        .process_group(0)
        .env("LD_LIBRARY_PATH", libs)
        .envs(eatmydata())
        .arg("-D")
        .arg("-C")
        .arg(cy.join("imapd.conf"))
        .arg("-M")
        .arg(cy.join("cyrus.conf"))
        .arg("-p")
        .arg(cy.join("master.pid"))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .spawn()
        .map_err(|e| format!("cannot run Cyrus's master: {e}"))?;
        self.imap_child = Some(child);
        if let Err(e) = wait_greeting(self.imap_port, b"* OK") {
            self.kill_dovecot();
            return Err(format!("{e}; cyrus logs: {}", self.imap_logs()));
        }
        Ok(())
    }

    /// A logged-in IMAP session over implicit TLS, as another client would have.
    pub fn client(&self) -> TestImap {
        self.try_client().unwrap()
    }

    /// Dovecot answers `[UNAVAILABLE] Temporary authentication failure` while its auth
    /// process is still starting on a loaded machine (seen on 2 cores right after a start):
    /// the harness waits that out, any other refusal is the test's answer.
    fn try_client(&self) -> Result<TestImap, String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match self.try_client_once() {
                Err(e) if e.contains("[UNAVAILABLE]") && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200))
                }
                r => return r,
            }
        }
    }

    fn try_client_once(&self) -> Result<TestImap, String> {
        let cfg = net::tls_config(Some(&self.ca)).map_err(|e| e.to_string())?;
        let stream = if self.opts.imap_tls {
            net::connect_tls("localhost", self.imaps_port, &cfg)
        } else {
            net::connect_plain("127.0.0.1", self.imap_port)
        }
        .map_err(|e| e.to_string())?;
        TestImap::login(stream, &self.user, &self.password)
            .map_err(|e| format!("cannot log in to the test IMAP server: {e}"))
    }

    /// APPENDs one message; returns its UID.
    pub fn append(
        &self,
        mailbox: &str,
        raw: &[u8],
        flags: &[&str],
        internaldate: Option<DateTime<FixedOffset>>,
    ) -> u32 {
        let mut s = self.client();
        let uid = append_on(&mut s, mailbox, raw, flags, internaldate);
        let _ = s.logout();
        uid
    }

    /// APPENDs many messages over one connection; returns their UIDs in order.
    pub fn append_many(&self, mailbox: &str, msgs: &[TestMessage]) -> Vec<u32> {
        let mut s = self.client();
        let uids = msgs
            .iter()
            .map(|m| {
                let flags: Vec<&str> = m.flags.iter().map(String::as_str).collect();
                append_on(&mut s, mailbox, &m.raw, &flags, m.internaldate)
            })
            .collect();
        let _ = s.logout();
        uids
    }

    pub fn create_mailbox(&self, mailbox: &str) {
        let mut s = self.client();
        s.create(mailbox).unwrap();
        let _ = s.logout();
    }

    pub fn delete_mailbox(&self, mailbox: &str) {
        let mut s = self.client();
        s.delete(mailbox).unwrap();
        let _ = s.logout();
    }

    /// `UID STORE uid +FLAGS/-FLAGS`, as another client marking mail read, flagged, answered.
    pub fn set_flags(&self, mailbox: &str, uid: u32, add: &[&str], remove: &[&str]) {
        let mut s = self.client();
        s.select(mailbox).unwrap();
        if !add.is_empty() {
            s.run_command_and_check_ok(format!(
                "UID STORE {uid} +FLAGS.SILENT ({})",
                add.join(" ")
            ))
            .unwrap();
        }
        if !remove.is_empty() {
            s.run_command_and_check_ok(format!(
                "UID STORE {uid} -FLAGS.SILENT ({})",
                remove.join(" ")
            ))
            .unwrap();
        }
        let _ = s.logout();
    }

    /// Deletes messages for good (`\Deleted` + UID EXPUNGE).
    pub fn expunge(&self, mailbox: &str, uids: &[u32]) {
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut s = self.client();
        s.select(mailbox).unwrap();
        s.run_command_and_check_ok(format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)"))
            .unwrap();
        s.uid_expunge(&set).unwrap();
        let _ = s.logout();
    }

    /// Every message's flags in a folder, read without changing anything (EXAMINE).
    pub fn server_flags(&self, mailbox: &str) -> BTreeMap<u32, Vec<String>> {
        let mut s = self.client();
        let mb = s.examine(mailbox).unwrap();
        let mut out = BTreeMap::new();
        if mb.exists > 0 {
            let fetches = s.uid_fetch("1:*", "(UID FLAGS)").unwrap();
            for f in fetches {
                let mut flags: Vec<String> = f
                    .flags
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|f| f != "\\Recent")
                    .collect();
                flags.sort();
                out.insert(f.uid.unwrap(), flags);
            }
        }
        let _ = s.logout();
        out
    }

    /// UIDVALIDITY of a folder.
    pub fn uidvalidity(&self, mailbox: &str) -> u32 {
        let mut s = self.client();
        let v = s.examine(mailbox).unwrap().uid_validity.unwrap();
        let _ = s.logout();
        v
    }

    /// What the SMTP sink accepted, oldest first: (envelope JSON, exact DATA bytes).
    pub fn smtp_messages(&self) -> Vec<(serde_json::Value, Vec<u8>)> {
        let mut emls: Vec<PathBuf> = fs::read_dir(&self.smtp_out)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        emls.sort();
        emls.into_iter()
            .map(|eml| {
                let json = fs::read_to_string(eml.with_extension("json")).unwrap();
                (
                    serde_json::from_str(&json).unwrap(),
                    fs::read(&eml).unwrap(),
                )
            })
            .collect()
    }

    /// Waits until the SMTP sink holds at least `n` messages (it writes them asynchronously).
    pub fn wait_smtp_messages(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Vec<(serde_json::Value, Vec<u8>)> {
        let deadline = Instant::now() + timeout;
        loop {
            let msgs = self.smtp_messages();
            if msgs.len() >= n || Instant::now() > deadline {
                return msgs;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for MailServers {
    fn drop(&mut self) {
        self.kill_smtp();
        self.kill_dovecot();
    }
}

/// A message for [`MailServers::append_many`].
#[derive(Debug, Clone)]
pub struct TestMessage {
    pub raw: Vec<u8>,
    pub flags: Vec<String>,
    pub internaldate: Option<DateTime<FixedOffset>>,
}

fn append_on(
    s: &mut TestImap,
    mailbox: &str,
    raw: &[u8],
    flags: &[&str],
    internaldate: Option<DateTime<FixedOffset>>,
) -> u32 {
    // Dovecot and Cyrus both answer with APPENDUID (UIDPLUS).
    let (_, uid) = s
        .append(mailbox, raw, flags, internaldate)
        .unwrap()
        .expect("the test server answers APPEND with APPENDUID");
    uid
}

fn require_tools(imap: ImapServer) {
    if imap == ImapServer::Cyrus {
        let master = cyrus_root().join("usr/lib/cyrus/bin/master");
        assert!(
            master.is_file() && saslpasswd2_bin().is_file(),
            "the Cyrus tests need Cyrus IMAP unpacked at {} and saslpasswd2 (Debian package \
             sasl2-bin): run scripts/test, which installs them",
            master.display()
        );
    }
    let missing: Vec<&str> = [
        ("dovecot", dovecot_bin().exists() || which("dovecot")),
        ("openssl", which("openssl")),
        (
            "python3-aiosmtpd",
            Command::new("/usr/bin/python3")
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
        ),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(name, _)| name)
    .collect();
    assert!(
        missing.is_empty(),
        "the integration tests need {} (Debian packages dovecot-imapd, python3-aiosmtpd, \
         openssl): run scripts/test, which installs them",
        missing.join(", ")
    );
}

/// Where Debian's cyrus-imapd and cyrus-common are unpacked (`dpkg-deb -x`): the folder
/// holding `usr/lib/cyrus/bin/master`. `$SHOPINBOX_CYRUS_ROOT`, else `target/cyrus`.
pub fn cyrus_root() -> PathBuf {
    std::env::var_os("SHOPINBOX_CYRUS_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/cyrus"))
}

/// Cyrus syncs every write to disk (Dovecot's config says `mail_fsync = never`): under
/// libeatmydata (Debian's libeatmydata1, which scripts/test installs) those syncs return at
/// once. A test kills servers, never the machine, so nothing it checks depends on them.
fn eatmydata() -> Option<(&'static str, &'static str)> {
    let lib = "/usr/lib/x86_64-linux-gnu/libeatmydata.so.1";
    Path::new(lib).is_file().then_some(("LD_PRELOAD", lib))
}

fn saslpasswd2_bin() -> PathBuf {
    PathBuf::from("/usr/sbin/saslpasswd2")
}

/// `id -u NAME` / `id -g NAME`.
fn id_of(flag: &str, name: &str) -> Option<u32> {
    let out = Command::new("id").args([flag, name]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn which(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

fn dovecot_bin() -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("dovecot"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/dovecot"))
}

fn free_ports(n: usize) -> Vec<u16> {
    // Hold all listeners at once so the n ports differ.
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

fn wait_greeting(port: u16, prefix: &[u8]) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = String::from("no answer");
    while Instant::now() < deadline {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(mut s) => {
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 256];
                match s.read(&mut buf) {
                    Ok(n) if buf[..n].starts_with(prefix) => {
                        let _ = s.write_all(b"x LOGOUT\r\n");
                        return Ok(());
                    }
                    Ok(n) => last = String::from_utf8_lossy(&buf[..n]).into_owned(),
                    Err(e) => last = e.to_string(),
                }
            }
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    Err(format!("no greeting on port {port}: {last}"))
}

fn make_certs(tls: &Path) -> Result<(), String> {
    let run = |args: &[&str]| -> Result<(), String> {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(tls)
            .output()
            .map_err(|e| format!("cannot run openssl: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "openssl {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    // A CA and a leaf: rustls rejects a self-signed certificate used as its own CA.
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "3650",
        "-subj",
        "/CN=shopinbox test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
    ])?;
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ])?;
    fs::write(
        tls.join("leaf.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .map_err(|e| e.to_string())?;
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        "3650",
        "-extfile",
        "leaf.ext",
        "-out",
        "cert.pem",
    ])
}

/// One more leaf certificate signed by the test CA: `<prefix>-cert.pem` + `<prefix>-key.pem`
/// for the subjectAltName `san`, valid for `days` (negative: already expired).
fn make_leaf(tls: &Path, prefix: &str, san: &str, days: &str) -> Result<(), String> {
    let run = |args: &[&str]| -> Result<(), String> {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(tls)
            .output()
            .map_err(|e| format!("cannot run openssl: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "openssl {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let (key, csr, ext, cert) = (
        format!("{prefix}-key.pem"),
        format!("{prefix}.csr"),
        format!("{prefix}.ext"),
        format!("{prefix}-cert.pem"),
    );
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=shopinbox test leaf",
        "-keyout",
        &key,
        "-out",
        &csr,
    ])?;
    fs::write(
        tls.join(&ext),
        format!(
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth\nsubjectAltName={san}\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    run(&[
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        days,
        "-extfile",
        &ext,
        "-out",
        &cert,
    ])
}

fn chown_tree(path: &Path, uid: u32, gid: u32) -> Result<(), String> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
    if path.is_dir() {
        for entry in fs::read_dir(path).map_err(|e| e.to_string())? {
            chown_tree(&entry.map_err(|e| e.to_string())?.path(), uid, gid)?;
        }
    }
    Ok(())
}

fn id(flag: &str) -> Option<String> {
    let out = Command::new("id").arg(flag).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn current_uid() -> u32 {
    id("-u").and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn current_gid() -> u32 {
    id("-g").and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn user_name() -> Option<String> {
    id("-un").filter(|s| !s.is_empty())
}

/// Dovecot's oauth2 passdb with local validation of HS256 JWTs (as ../shared up.sh OAUTH2=1):
/// a random key, the key dict Dovecot reads it from, and the passdb ahead of the password one.
fn oauth2_setup(root: &Path, conf: String) -> Result<String, String> {
    use base64::Engine as _;
    let key: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(key);
    let keydir = root.join("oauth2-keys/default/HS256");
    fs::create_dir_all(&keydir).map_err(|e| e.to_string())?;
    fs::write(root.join("oauth2.key"), &b64).map_err(|e| e.to_string())?;
    fs::write(keydir.join("default"), &b64).map_err(|e| e.to_string())?;
    let ext = root.join("oauth2.conf.ext");
    fs::write(
        &ext,
        format!(
            "introspection_mode = local\nlocal_validation_key_dict = fs:posix:prefix={}/oauth2-keys/\nusername_attribute = sub\n",
            root.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    for p in [
        root.join("oauth2-keys"),
        root.join("oauth2-keys/default"),
        keydir.clone(),
    ] {
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;
    }
    for p in [keydir.join("default"), ext.clone(), root.join("oauth2.key")] {
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).map_err(|e| e.to_string())?;
    }
    let conf = conf.replacen(
        "auth_mechanisms = plain login",
        "auth_mechanisms = plain login xoauth2 oauthbearer",
        1,
    );
    Ok(conf.replacen(
        "passdb {",
        &format!(
            "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {}\n}}\npassdb {{",
            ext.display()
        ),
        1,
    ))
}

/// The mail and sign-in servers are the outside world: they run on the machine's real clock
/// even when the suite runs under faketime (`scripts/test-clock-ahead` moves only shopinbox and
/// the tests a year ahead). Dovecot's master also stops launching logins for minutes when it
/// sees time jump, which a half-faked process tree would make it see.
fn real_clock(cmd: &mut Command) -> &mut Command {
    for var in [
        "LD_PRELOAD",
        "FAKETIME",
        "FAKETIME_NO_CACHE",
        "DONT_FAKE_MONOTONIC",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// The servers check `exp` against the system clock, which tests must not read themselves:
/// a freshly written file's modification time is that clock as the servers see it.
fn servers_now(dir: &Path) -> i64 {
    let probe = dir.join(".now");
    fs::write(&probe, b"").unwrap();
    let modified = fs::metadata(&probe).unwrap().modified().unwrap();
    modified
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// An HS256 JWT for `user` signed with the base64 key in `key_file`.
pub fn mint_jwt(key_file: &Path, user: &str, exp: i64) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let b64 = base64::engine::general_purpose::STANDARD;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let key = b64
        .decode(fs::read_to_string(key_file).unwrap().trim())
        .unwrap();
    let head = url.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let body = url.encode(format!(
        r#"{{"sub":"{user}","iat":{},"exp":{exp}}}"#,
        exp - 3600
    ));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{head}.{body}").as_bytes());
    let sig = url.encode(mac.finalize().into_bytes());
    format!("{head}.{body}.{sig}")
}

/// tests/mailservers/fake_oauth.py on a free 127.0.0.1 port: an authorization server that
/// issues tokens for the servers' key. Killed on drop.
pub struct FakeOAuth {
    child: Child,
    pub base: String,
    pub client_id: String,
    _dir: tempfile::TempDir,
}

impl FakeOAuth {
    /// Access tokens live `ttl` seconds.
    pub fn start(servers: &MailServers, ttl: u64) -> FakeOAuth {
        Self::start_lying(servers, ttl, ttl)
    }

    /// Access tokens live `ttl` seconds but are announced to live `reported` seconds (as when
    /// a provider ends a token early): the client only learns it from a refused login.
    pub fn start_lying(servers: &MailServers, ttl: u64, reported: u64) -> FakeOAuth {
        let dir = tempfile::tempdir().unwrap();
        let port_file = dir.path().join("port");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mailservers/fake_oauth.py");
        let log = fs::File::create(dir.path().join("log")).unwrap();
        let child = real_clock(&mut Command::new("/usr/bin/python3"))
            .arg(script)
            .arg("--key")
            .arg(servers.oauth2_key())
            .arg("--user")
            .arg(&servers.user)
            .arg("--ttl")
            .arg(ttl.to_string())
            .arg("--reported-ttl")
            .arg(reported.to_string())
            .arg("--port-file")
            .arg(&port_file)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        let port = loop {
            if let Ok(p) = fs::read_to_string(&port_file) {
                break p.trim().parse::<u16>().unwrap();
            }
            assert!(Instant::now() < deadline, "fake_oauth.py did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        FakeOAuth {
            child,
            base: format!("http://127.0.0.1:{port}"),
            client_id: "shopinbox-test".to_string(),
            _dir: dir,
        }
    }

    /// The config lines for a built-in sign-in against this server.
    pub fn config_lines(&self) -> String {
        format!(
            "auth = \"oauth2\"\noauth2_client_id = \"{id}\"\noauth2_auth_url = \"{b}/authorize\"\n\
             oauth2_token_url = \"{b}/token\"\noauth2_device_url = \"{b}/device\"\n\
             oauth2_scopes = [\"mail\"]\n",
            id = self.client_id,
            b = self.base
        )
    }

    /// How many grants of each kind were served (`refresh_token`, `refresh_refused`, …).
    pub fn stats(&self) -> serde_json::Value {
        let text = ureq::get(&format!("{}/admin/stats", self.base))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    pub fn stat(&self, name: &str) -> u64 {
        self.stats()[name].as_u64().unwrap()
    }

    /// The owner removes the app's access: every refresh token stops working.
    pub fn revoke(&self) {
        ureq::post(&format!("{}/admin/revoke", self.base))
            .call()
            .unwrap();
    }

    /// Plays the browser: opens the authorization address, follows the redirect to the
    /// loopback listener, returns what the listener answered.
    pub fn approve_in_browser(&self, authorization_url: &str) -> String {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let resp = match agent.get(authorization_url).call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("cannot open the authorization address: {e}"),
        };
        assert_eq!(
            resp.status(),
            302,
            "the authorization endpoint did not redirect"
        );
        let location = resp.header("location").unwrap().to_string();
        assert!(location.starts_with("http://127.0.0.1:"), "{location}");
        ureq::get(&location).call().unwrap().into_string().unwrap()
    }

    /// Plays the owner entering the device code.
    pub fn approve_device(&self, user_code: &str) {
        ureq::get(&format!(
            "{}/device/approve?user_code={user_code}",
            self.base
        ))
        .call()
        .unwrap();
    }
}

impl Drop for FakeOAuth {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The shop the sync tests use: `shop` is its address, Berlin office hours (Mon–Fri 09:00–17:00),
/// and a clock fixed at `now` (RFC 3339), which is what the store stamps (last sync) with; the
/// mail's own times come from the server. The tracking window reaches back to 2000, so that
/// these tests of the sync's mechanics see every customer message as owed; the window itself
/// is tested in sync_first_day.rs.
pub fn berlin_shop(shop: &str, now: &str) -> shopinbox::store::ShopContext {
    shopinbox::store::ShopContext {
        addresses: vec![shop.to_string()],
        calendar: shopinbox::deadline::Calendar {
            track: shopinbox::deadline::TrackWindow::Since(
                chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            ),
            ..shopinbox::deadline::Calendar::office_hours(
                chrono_tz::Europe::Berlin,
                chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            )
        },
        clock: shopinbox::clock::Clock::fixed(
            chrono::DateTime::parse_from_rfc3339(now).unwrap().into(),
        ),
        proactive: Default::default(),
    }
}

/// A config file in `dir` for the shop Alphx (hello@alphx.shop, owner Tom, Berlin office
/// hours) with the store and the templates folder in `dir`, IMAP and SMTP over TLS against
/// these servers with the password from the environment variable `password_env`, no IDLE.
/// `imap_extra` is added to `[imap]` (whole lines), `sections` after everything else.
pub fn write_shop_config(
    dir: &Path,
    servers: &MailServers,
    password_env: &str,
    imap_extra: &str,
    sections: &str,
) -> PathBuf {
    let path = dir.join("config.toml");
    let smtp = servers.smtps_port;
    write_shop_config_to(&path, servers, password_env, smtp, imap_extra, sections);
    path
}

/// [`write_shop_config`] at `path` (the store and templates beside it), with SMTP on
/// `smtp_port` (a test's refusing or closed port instead of the server's).
pub fn write_shop_config_to(
    path: &Path,
    servers: &MailServers,
    password_env: &str,
    smtp_port: u16,
    imap_extra: &str,
    sections: &str,
) {
    let dir = path.parent().unwrap();
    fs::write(
        path,
        format!(
            r#"
[shop]
name = "Alphx"
owner_name = "Tom"
signature = "Tom"
addresses = ["hello@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"
business_days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "17:00"
holidays = []

[store]
path = "{store}"

[templates]
dir = "{templates}"

[imap]
host = "localhost"
port = {imap}
security = "tls"
username = "{user}"
password_env = "{password_env}"
ca_file = "{ca}"
idle = false
{imap_extra}
[smtp]
host = "localhost"
port = {smtp}
security = "tls"
username = "{user}"
password_env = "{password_env}"
ca_file = "{ca}"
{sections}"#,
            store = dir.join("store.db").display(),
            templates = dir.join("templates").display(),
            imap = servers.imaps_port,
            smtp = smtp_port,
            user = servers.user,
            ca = servers.ca.display(),
        ),
    )
    .unwrap();
}

/// A config file in `dir` for `shopinbox sync` against these servers: the shop at `shop`,
/// Berlin office hours, the store in `dir`, IMAP over TLS with the password read from the
/// environment variable `password_env`, no IDLE. Customer mail counts from 2000 on (see
/// [`berlin_shop`]).
pub fn write_sync_config(
    dir: &Path,
    servers: &MailServers,
    shop: &str,
    password_env: &str,
) -> PathBuf {
    let path = dir.join("config.toml");
    fs::write(
        &path,
        format!(
            r#"
[shop]
name = "Alphx"
owner_name = "Tom"
signature = "Tom"
addresses = ["{shop}"]

[hours]
time_zone = "Europe/Berlin"
business_days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "17:00"
holidays = []
track_since = "2000-01-01"

[store]
path = "{store}"

[imap]
host = "127.0.0.1"
port = {port}
security = "tls"
username = "{user}"
password_env = "{password_env}"
ca_file = "{ca}"
idle = false
"#,
            store = dir.join("store.db").display(),
            port = servers.imaps_port,
            user = servers.user,
            ca = servers.ca.display(),
        ),
    )
    .unwrap();
    path
}
