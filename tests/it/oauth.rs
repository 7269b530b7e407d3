//! OAuth 2.0 sign-in against real servers on loopback (issue 12): Dovecot checks the bearer
//! tokens itself (oauth2 passdb, local HS256 validation), the SMTP sink checks the same tokens,
//! and tests/mailservers/fake_oauth.py plays Google/Microsoft's authorization server.
//! Everything runs the real binary except the long-running worker test, which drives the
//! sync worker as the TUI does.

use crate::support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::{FakeOAuth, MailServers, ServerOptions};

fn oauth_servers() -> MailServers {
    MailServers::start_with(ServerOptions {
        oauth2: true,
        ..ServerOptions::default()
    })
}

const CUSTOMER_MAIL: &str = "From: Jane Doe <jane@example.com>\r\nTo: shop@example.com\r\n\
Subject: Where is my order 2001?\r\nMessage-ID: <jane-oauth-1@example.com>\r\n\
Date: Tue, 24 Nov 2026 10:00:00 +0100\r\n\r\nHello, where is my order #2001?\r\n";

/// A config whose [imap] (and [smtp] when `smtp` is given) use the given auth lines.
fn write_config(
    dir: &Path,
    servers: &MailServers,
    imap_auth: &str,
    smtp_auth: Option<&str>,
) -> PathBuf {
    let path = dir.join("config.toml");
    let smtp = smtp_auth
        .map(|auth| {
            format!(
                "\n[smtp]\nhost = \"localhost\"\nport = {port}\nsecurity = \"tls\"\nusername = \"{user}\"\nca_file = \"{ca}\"\n{auth}",
                port = servers.smtps_port,
                user = servers.user,
                ca = servers.ca.display(),
            )
        })
        .unwrap_or_default();
    std::fs::write(
        &path,
        format!(
            r#"
[shop]
name = "Alphx"
owner_name = "Tom"
signature = "Tom"
addresses = ["shop@example.com"]

[hours]
time_zone = "Europe/Berlin"

[store]
path = "{store}"

[imap]
host = "localhost"
port = {port}
security = "tls"
username = "{user}"
ca_file = "{ca}"
idle = false
{imap_auth}{smtp}"#,
            store = dir.join("data/store.db").display(),
            port = servers.imaps_port,
            user = servers.user,
            ca = servers.ca.display(),
        ),
    )
    .unwrap();
    path
}

fn shopinbox(config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopinbox"));
    cmd.arg("--config")
        .arg(config)
        .env("SHOPINBOX_TOKEN_STORE", "file")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null());
    cmd
}

fn run(config: &Path, args: &[&str]) -> Output {
    shopinbox(config).args(args).output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A token file read by `token_command = "cat FILE"`.
fn token_file(dir: &Path, token: &str) -> String {
    let p = dir.join("token");
    std::fs::write(&p, token).unwrap();
    format!(
        "auth = \"oauth2\"\ntoken_command = \"cat {}\"\n",
        p.display()
    )
}

fn stored_messages(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("data/store.db")).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
        .unwrap()
}

/// Whether any value in any table of the store contains `needle` (read through SQLite once
/// the binary has exited).
fn store_contains(dir: &Path, needle: &str) -> bool {
    let conn = rusqlite::Connection::open(dir.join("data/store.db")).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables.iter().any(|t| {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                let text = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                        String::from_utf8_lossy(b).into_owned()
                    }
                    _ => continue,
                };
                if text.contains(needle) {
                    return true;
                }
            }
        }
        false
    })
}

fn assert_ok(o: &Output, what: &str) {
    let (out, err) = text(o);
    assert!(o.status.success(), "{what} failed: {out}\n{err}");
}

/// One line on stderr, exit 4, the sentence given, no token.
fn assert_refused(o: &Output, sentence: &str, secrets: &[&str]) {
    let (out, err) = text(o);
    assert_eq!(o.status.code(), Some(4), "{out}\n{err}");
    assert_eq!(err.lines().count(), 1, "one sentence: {err}");
    assert!(err.contains(sentence), "{err}");
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        assert!(
            !err.contains(s) && !out.contains(s),
            "a secret leaked: {out}{err}"
        );
    }
    assert!(!err.contains("eyJ"), "a JWT leaked: {err}");
}

#[test]
fn sync_with_token_command_over_oauthbearer_and_xoauth2() {
    let servers = oauth_servers();
    servers.append("INBOX", CUSTOMER_MAIL.as_bytes(), &[], None);
    for (mechanism, line) in [
        ("OAUTHBEARER", ""),
        ("XOAUTH2", "oauth2_mechanism = \"xoauth2\"\n"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let token = servers.mint_token(&servers.user, 600);
        let auth = format!("{}{line}", token_file(dir.path(), &token));
        let config = write_config(dir.path(), &servers, &auth, None);
        let o = run(&config, &["sync"]);
        assert_ok(&o, "sync");
        let (out, err) = text(&o);
        assert!(out.contains("INBOX: 1 new"), "{out}");
        assert!(!out.contains(&token) && !err.contains(&token));
        assert_eq!(stored_messages(dir.path()), 1);
        assert!(
            servers
                .dovecot_logs()
                .contains(&format!("method={mechanism}")),
            "Dovecot saw no {mechanism} login: {}",
            servers.dovecot_logs()
        );
    }
}

#[test]
fn expired_tampered_and_other_user_tokens_are_refused_in_one_sentence() {
    // Each case on its own servers: Dovecot slows down repeated failures from one address.
    type Mint = fn(&MailServers) -> String;
    let cases: [(&str, Mint); 3] = [
        ("expired", |s| s.mint_token(&s.user, -120)),
        ("tampered", |s| {
            // A signature character in the middle (all of its bits count).
            let mut t: Vec<char> = s.mint_token(&s.user, 600).chars().collect();
            let i = t.len() - 10;
            t[i] = if t[i] == 'A' { 'B' } else { 'A' };
            t.into_iter().collect()
        }),
        ("other user", |s| s.mint_token("someone-else", 600)),
    ];
    for (what, mint) in cases {
        let servers = oauth_servers();
        let token = mint(&servers);
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path(), &servers, &token_file(dir.path(), &token), None);
        let o = run(&config, &["sync"]);
        eprintln!("case: {what}");
        assert_refused(
            &o,
            "error: the server localhost refused the access token for test; check that token_command prints a current access token for test",
            &[&token],
        );
    }
    let servers = oauth_servers();
    // A failing token_command is one sentence too, and never shows the command.
    let dir = tempfile::tempdir().unwrap();
    let auth = "auth = \"oauth2\"\ntoken_command = \"echo 'no account hunter2' >&2; exit 3\"\n";
    let config = write_config(dir.path(), &servers, auth, None);
    let o = run(&config, &["sync"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert_eq!(
        err.trim(),
        "error: cannot get an access token: token_command exited with status 3 (no account hunter2); run it in a shell to see why"
    );
}

/// Syncs, finds the customer's conversation and sends `acknowledge` to it with --send.
fn sync_and_reply(config: &Path) -> Output {
    assert_ok(&run(config, &["sync"]), "sync");
    let list = run(config, &["list", "--all", "--json"]);
    assert_ok(&list, "list");
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let id = rows[0]["id"].as_i64().unwrap().to_string();
    run(config, &["reply", &id, "-t", "acknowledge", "--send"])
}

fn sent_envelopes(servers: &MailServers) -> Vec<serde_json::Value> {
    let mut names: Vec<_> = std::fs::read_dir(&servers.smtp_out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

#[test]
fn reply_is_sent_with_oauth_over_both_mechanisms() {
    let servers = oauth_servers();
    servers.append("INBOX", CUSTOMER_MAIL.as_bytes(), &[], None);
    let dir = tempfile::tempdir().unwrap();
    let token = servers.mint_token(&servers.user, 600);
    let imap_auth = token_file(dir.path(), &token);
    let smtp_auth = imap_auth.clone();
    let config = write_config(dir.path(), &servers, &imap_auth, Some(&smtp_auth));
    let o = sync_and_reply(&config);
    assert_ok(&o, "reply --send");
    let (out, err) = text(&o);
    assert!(!out.contains(&token) && !err.contains(&token));
    let sent = sent_envelopes(&servers);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["auth_user"], "test");
    assert_eq!(sent[0]["auth_mechanism"], "OAUTHBEARER");
    assert_eq!(sent[0]["rcpt_tos"][0], "jane@example.com");

    // XOAUTH2 when configured (Microsoft's SMTP offers only that).
    let dir = tempfile::tempdir().unwrap();
    let auth = format!(
        "{}oauth2_mechanism = \"xoauth2\"\n",
        token_file(dir.path(), &token)
    );
    let config = write_config(dir.path(), &servers, &auth, Some(&auth));
    assert_ok(&sync_and_reply(&config), "reply --send over XOAUTH2");
    let sent = sent_envelopes(&servers);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1]["auth_mechanism"], "XOAUTH2");

    // A refused token: the reply is not sent (exit code 3); one sentence says why.
    let dir = tempfile::tempdir().unwrap();
    let good = token_file(dir.path(), &token);
    let bad_file = dir.path().join("bad-token");
    std::fs::write(&bad_file, servers.mint_token("someone-else", 600)).unwrap();
    let bad = format!(
        "auth = \"oauth2\"\ntoken_command = \"cat {}\"\n",
        bad_file.display()
    );
    let config = write_config(dir.path(), &servers, &good, Some(&bad));
    let o = sync_and_reply(&config);
    let (out, err) = text(&o);
    assert_eq!(
        o.status.code(),
        Some(shopinbox::exit::NOT_SENT),
        "{out}\n{err}"
    );
    assert!(
        err.contains("reply 1 was not sent: the server localhost refused the access token for test; check that token_command prints a current access token for test (run it in a shell)"),
        "{out}\n{err}"
    );
    assert!(!out.contains("eyJ") && !err.contains("eyJ"), "{out}{err}");
    assert_eq!(sent_envelopes(&servers).len(), 2);
}

/// Runs `shopinbox login` (browser flow), plays the browser with the printed address.
fn login_in_browser(config: &Path, fake: &FakeOAuth) -> String {
    let mut child = shopinbox(config)
        .args(["login", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let url = loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "login ended early: {printed}"
        );
        printed.push_str(&line);
        if let Some(u) = line
            .trim()
            .strip_prefix(&format!("{}/authorize?", fake.base))
        {
            break format!("{}/authorize?{u}", fake.base);
        }
    };
    let page = fake.approve_in_browser(&url);
    assert!(page.contains("Signed in to shopinbox"), "{page}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "login failed: {printed}{rest}{err}");
    printed + &rest
}

fn refresh_token_in(dir: &Path) -> String {
    let file = dir.join("data").join(shopinbox::oauth::store::FILE_NAME);
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(map.len(), 1, "one sign-in for [imap] and [smtp]");
    map.into_values().next().unwrap()
}

#[test]
fn login_in_the_browser_then_sync_send_and_a_revoked_sign_in() {
    let servers = oauth_servers();
    servers.append("INBOX", CUSTOMER_MAIL.as_bytes(), &[], None);
    let fake = FakeOAuth::start(&servers, 3600);
    let dir = tempfile::tempdir().unwrap();
    // [smtp] names no token source: it shares [imap]'s sign-in.
    let config = write_config(
        dir.path(),
        &servers,
        &fake.config_lines(),
        Some("auth = \"oauth2\"\n"),
    );

    let printed = login_in_browser(&config, &fake);
    let file = dir.path().join("data/oauth2-tokens.json");
    assert!(
        printed.contains(&format!(
            "Signed in to 127.0.0.1 as test; the sign-in is kept in {} (readable only by you; SHOPINBOX_TOKEN_STORE=file is set).",
            file.display()
        )),
        "{printed}"
    );
    assert!(
        printed.contains("code_challenge_method=S256"),
        "PKCE: {printed}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(fake.stat("authorization_code"), 1);
    let refresh = refresh_token_in(dir.path());
    assert!(
        !printed.contains(&refresh) && !printed.contains("eyJ"),
        "{printed}"
    );

    let o = sync_and_reply(&config);
    assert_ok(&o, "sync + reply --send after login");
    let (out, err) = text(&o);
    assert!(!out.contains("eyJ") && !err.contains("eyJ"));
    assert_eq!(sent_envelopes(&servers)[0]["auth_user"], "test");
    assert!(fake.stat("refresh_token") >= 1);
    assert!(
        store_contains(dir.path(), "where is my order #2001"),
        "the scan reads the store"
    );
    assert!(
        !store_contains(dir.path(), &refresh),
        "the refresh token is in the store"
    );
    assert!(
        !store_contains(dir.path(), "eyJhbGci"),
        "an access token is in the store"
    );
    let check = run(&config, &["config", "check"]);
    assert!(
        text(&check).0.contains("OAuth 2.0 127.0.0.1 sign-in"),
        "{:?}",
        text(&check)
    );

    // The owner removes the app's access: one sentence, exit 4, the provider asked once.
    fake.revoke();
    let before = fake.stat("refresh_refused");
    let o = run(&config, &["sync"]);
    assert_refused(
        &o,
        "error: the 127.0.0.1 sign-in for test has expired or was revoked; run `shopinbox login` to sign in again",
        &[&refresh],
    );
    assert_eq!(fake.stat("refresh_refused"), before + 1, "no retry loop");
}

#[test]
fn login_with_a_device_code() {
    let servers = oauth_servers();
    servers.append("INBOX", CUSTOMER_MAIL.as_bytes(), &[], None);
    let fake = FakeOAuth::start(&servers, 3600);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers, &fake.config_lines(), None);
    let mut child = shopinbox(&config)
        .args(["login", "--device"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let code = loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "login ended early"
        );
        if let Some((_, code)) = line.trim().split_once("enter the code ") {
            assert!(
                line.contains(&format!("{}/device/approve", fake.base)),
                "{line}"
            );
            break code.to_string();
        }
    };
    fake.approve_device(&code);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{rest}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(rest.contains("Signed in to 127.0.0.1 as test"), "{rest}");
    assert_eq!(fake.stat("device_code"), 1);
    assert_ok(&run(&config, &["sync"]), "sync after device login");
    assert_eq!(stored_messages(dir.path()), 1);
}

#[test]
fn login_without_an_oauth_section_says_what_to_do() {
    let servers = oauth_servers();
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers, &token_file(dir.path(), "x"), None);
    let o = run(&config, &["login"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: nothing to sign in to:"), "{err}");
}

/// The sync worker (as the TUI runs it) across passes: access tokens that live a few seconds
/// are refreshed without a failed pass; after the access is revoked, the worker reports one
/// sentence and stops asking the provider.
#[test]
fn the_sync_worker_refreshes_expiring_tokens_and_stops_on_revocation() {
    use shopinbox::clock::Clock;
    use shopinbox::sync::{spawn_worker, ImapAccount, SyncCommand, SyncEvent, WorkerOptions};
    std::env::set_var("SHOPINBOX_TOKEN_STORE", "file");
    let mut servers = oauth_servers();
    let fake = FakeOAuth::start(&servers, 6);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers, &fake.config_lines(), None);
    login_in_browser(&config, &fake);

    let cfg = shopinbox::config::Config::load(&config).unwrap();
    let account = ImapAccount::from_config(cfg.imap.as_ref().unwrap()).unwrap();
    let ctx = cfg.shop_context(Clock::fixed(
        chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .to_utc(),
    ));
    let opts = WorkerOptions {
        idle: false,
        poll: Duration::from_secs(3600),
        ..WorkerOptions::default()
    };
    let (tx, rx) = spawn_worker(account, cfg.store_path(), ctx, opts);
    let next_pass = |label: &str| -> SyncEvent {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(e @ (SyncEvent::Finished(_) | SyncEvent::Failed(_))) => return e,
                Ok(_) => {}
                Err(e) => panic!("{label}: no sync result ({e})"),
            }
        }
    };
    assert!(matches!(next_pass("first"), SyncEvent::Finished(_)));
    // New mail arrives while the token runs out; each pass must still succeed, and the
    // source must have refreshed more than once.
    let mut passes = 0;
    // The worker keeps its sync connection between passes; a provider ends such a session when
    // its access token runs out, which the restart stands for: each pass then logs in again.
    while fake.stat("refresh_token") < 3 {
        servers.append("INBOX", CUSTOMER_MAIL.as_bytes(), &[], None);
        servers.restart();
        std::thread::sleep(Duration::from_millis(700));
        tx.send(SyncCommand::SyncNow).unwrap();
        match next_pass("refresh") {
            SyncEvent::Finished(_) => passes += 1,
            other => panic!("a pass failed while refreshing: {other:?}"),
        }
        assert!(passes < 60, "the token was never refreshed");
    }
    assert_eq!(stored_messages(dir.path()), passes as i64);

    fake.revoke();
    let refused_before = fake.stat("refresh_refused");
    let failed = loop {
        servers.restart();
        std::thread::sleep(Duration::from_millis(500));
        tx.send(SyncCommand::SyncNow).unwrap();
        if let SyncEvent::Failed(m) = next_pass("revoked") {
            break m;
        }
    };
    assert_eq!(
        failed,
        "the 127.0.0.1 sign-in for test has expired or was revoked; run `shopinbox login` to sign in again"
    );
    for _ in 0..3 {
        servers.restart();
        tx.send(SyncCommand::SyncNow).unwrap();
        assert!(matches!(
            next_pass("after revocation"),
            SyncEvent::Failed(_)
        ));
    }
    assert_eq!(
        fake.stat("refresh_refused"),
        refused_before + 1,
        "the provider is asked once, not in a loop"
    );
    let _ = tx.send(SyncCommand::Shutdown);
}

/// A token the provider ended early (announced for an hour, dead after 8 s): the server's
/// refusal makes the source refresh once, and the login goes through. (8 s: Dovecot delays
/// the next attempt after a refusal by a couple of seconds, the new token must outlive that.)
#[test]
fn a_refused_access_token_is_refreshed_once_and_the_login_goes_through() {
    use shopinbox::sync::session::ImapSession;
    use shopinbox::sync::ImapAccount;
    std::env::set_var("SHOPINBOX_TOKEN_STORE", "file");
    let servers = oauth_servers();
    let fake = FakeOAuth::start_lying(&servers, 8, 3600);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &servers, &fake.config_lines(), None);
    login_in_browser(&config, &fake);
    let cfg = shopinbox::config::Config::load(&config).unwrap();
    let account = ImapAccount::from_config(cfg.imap.as_ref().unwrap()).unwrap();
    ImapSession::connect(&account).unwrap().logout();
    assert_eq!(fake.stat("refresh_token"), 1);
    // Past the token's real end (the cache still trusts it for an hour).
    std::thread::sleep(Duration::from_secs(9));
    ImapSession::connect(&account).unwrap().logout();
    assert_eq!(
        fake.stat("refresh_token"),
        2,
        "one refresh after the refusal"
    );
    ImapSession::connect(&account).unwrap().logout();
    assert_eq!(fake.stat("refresh_token"), 2, "the new token is reused");
}
