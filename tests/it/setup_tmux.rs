//! Interactive `shopinbox setup` in a real terminal (a detached tmux session, private server
//! socket): an owner types the answers into the prompts for the test Dovecot and SMTP sink,
//! the first login fails (the password variable they named is not set), they choose "Change
//! my answers", setup goes back to the login questions only, they change the variable's name,
//! and setup logs in, shows the folders and Sent, and writes a config (with the public
//! holidays of the country and Land chosen) that `config check` accepts.

use crate::support;
use crate::tmux_support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::MailServers;
use tmux_support::Tmux;

const PASSWORD_ENV: &str = "SHOPINBOX_TMUX_SETUP_PASSWORD";

impl Tmux {
    /// Runs `shopinbox setup ARGS` in a 100x40 terminal with a private home in `home`.
    fn start_setup(home: &Path, test: &str, password: &str, args: &str) -> Tmux {
        let bin = env!("CARGO_BIN_EXE_shopinbox");
        let d = home.display();
        // Colours on (NO_COLOR unset): answered prompts are then marked ">" and the one being
        // asked "?", which is how the test knows which question is on screen.
        let cmd = format!(
            "env -u NO_COLOR HOME={d} XDG_CONFIG_HOME={d}/config XDG_DATA_HOME={d}/data \
             XDG_CACHE_HOME={d}/cache SHOPINBOX_TOKEN_STORE=file {PASSWORD_ENV}={password} \
             {bin} setup {args}; \
             echo \"EXITED $?\"; sleep 30"
        );
        let mut t = Tmux::start(test, "setup", 100, 40, &cmd);
        // A long answer may wrap: read it as one line.
        t.join_lines = true;
        t
    }

    fn send(&self, args: &[&str]) {
        let mut all = vec!["send-keys", "-t", &self.session];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(out.status.success(), "send-keys {args:?}");
        std::thread::sleep(Duration::from_millis(80));
    }

    /// Answers the time zone question with `zone`: the system's zone, when it has one, is
    /// offered first (this machine's may be anything): say no, then type it.
    fn answer_time_zone(&self, zone: &str) {
        let tz = self.wait_for("the time zone question", |s| {
            s.lines().any(|l| {
                l.starts_with("? ") && (l.contains("in the time zone") || l.contains("Time zone:"))
            })
        });
        if tz.contains("in the time zone") {
            self.answer("in the time zone", "n");
        }
        self.answer("Time zone:", zone);
    }

    /// Waits until `question` is the one being asked.
    fn asked(&self, question: &str) -> String {
        self.wait_for(question, |s| {
            s.lines()
                .any(|l| l.starts_with("? ") && l.contains(question))
        })
    }

    /// Answers `question` by typing `answer` (empty: Enter takes the default or the
    /// highlighted choice).
    fn answer(&self, question: &str, answer: &str) {
        self.asked(question);
        if !answer.is_empty() {
            self.send(&["-l", answer]);
        }
        self.send(&["Enter"]);
        // The answered prompt is marked before the next one is drawn.
        self.wait_for(&format!("{question} answered"), |s| {
            !s.lines()
                .any(|l| l.starts_with("? ") && l.contains(question))
        });
    }
}

/// The highlighted choice of the list under `question` on `screen`.
fn highlighted<'s>(screen: &'s str, question: &str) -> &'s str {
    screen
        .lines()
        .skip_while(|l| !(l.starts_with("? ") && l.contains(question)))
        .find(|l| l.starts_with("> "))
        .unwrap_or_default()
}

#[test]
fn interactive_setup_asks_checks_lets_the_owner_fix_an_answer_and_writes_the_config() {
    let servers = MailServers::start();
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start_setup(home.path(), "setup", &servers.password, "");
    let imaps = servers.imaps_port.to_string();
    let smtps = servers.smtps_port.to_string();
    let ca = servers.ca.display().to_string();

    // Round 1.
    t.answer("The shop's email address", "shop@example.com");
    // A shop on its own domain: setup cannot tell, the owner picks "Other" (typing filters).
    let list = t.asked("Who hosts the shop's mailbox?");
    assert!(list.contains("Gmail / Google Workspace"), "{list}");
    assert!(list.contains("own domain"), "{list}");
    t.answer("Who hosts the shop's mailbox?", "other");
    // The host names are guessed from the domain; the owner types the real ones.
    let imap_q = t.asked("IMAP server");
    assert!(imap_q.contains("imap.example.com"), "{imap_q}");
    t.answer("IMAP server", "127.0.0.1");
    t.answer("IMAP security", "");
    t.answer("IMAP port", &imaps);
    t.answer("SMTP server", "127.0.0.1");
    t.answer("SMTP security", "");
    t.answer("SMTP port", &smtps);
    t.answer("Login name", &servers.user);
    t.answer("Extra CA certificate", &ca);
    t.answer("The shop's name", "Alphx");
    t.answer("Your first name", "Tom");
    t.answer("The language of your replies", "");
    t.answer("Your replies come from", "");
    t.answer_time_zone("Europe/Berlin");
    // The country follows from the zone (Enter takes it); Germany asks for the Land.
    let country = t.asked("The shop's country");
    assert!(country.contains("> Germany"), "{country}");
    t.answer("The shop's country", "");
    t.answer("The shop's region", "bavaria");
    t.answer("Business hours Monday to Friday", "");
    // Issue 26: a helper shares the mailbox; the name defaults to this computer's.
    let q = t.asked("use shopinbox on this mailbox too?");
    assert!(q.contains("(y/N)"), "not shared unless asked for: {q}");
    t.answer("use shopinbox on this mailbox too?", "y");
    t.asked("The name the others see for this copy");
    t.answer("The name the others see for this copy", "Anna");
    t.answer("Where does the password come from?", "environment");
    // A variable that is not set: the login check cannot get the password.
    t.answer("Environment variable's name", "SHOPINBOX_NOT_SET_ANYWHERE");
    let failed = t.asked("What now?");
    assert!(
        failed.contains("The login did not work") && failed.contains("SHOPINBOX_NOT_SET_ANYWHERE"),
        "{failed}"
    );
    assert!(!home.path().join("config/shopinbox/config.toml").exists());
    t.answer("What now?", "");

    // Round 2: the login failed, so setup goes back to the login questions only (the earlier
    // answers are the defaults); the address, names, hours and country are kept.
    let again = t.asked("Login name");
    assert!(
        !again
            .lines()
            .any(|l| l.starts_with("? ") && l.contains("The shop's email address")),
        "{again}"
    );
    t.answer("Login name", "");
    t.answer("Where does the password come from?", "");
    t.asked("Environment variable's name");
    // Clear the earlier name (the default is only shown, not typed in) and type the right one.
    t.answer("Environment variable's name", PASSWORD_ENV);

    let done = t.wait_for("setup to finish", |s| s.contains("EXITED"));
    assert!(done.contains("EXITED 0"), "{done}");
    assert!(done.contains("Sent folder: Sent"), "{done}");
    assert!(done.contains("INBOX"), "{done}");
    assert!(done.contains("logged in; nothing was sent"), "{done}");
    assert!(done.contains("starter reply templates"), "{done}");

    let config = home.path().join("config/shopinbox/config.toml");
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(
        written.contains(&format!("password_env = \"{PASSWORD_ENV}\"")),
        "{written}"
    );
    assert!(
        written.contains("time_zone = \"Europe/Berlin\""),
        "{written}"
    );
    assert!(written.contains("sent_folder = \"Sent\""), "{written}");
    assert!(written.contains("Germany, Bavaria (Bayern)"), "{written}");
    assert!(written.contains("# Assumption Day"), "{written}");
    assert!(
        written.contains("[sharing]") && written.contains("name = \"Anna\""),
        "{written}"
    );
    let check = Command::new(env!("CARGO_BIN_EXE_shopinbox"))
        .args(["--config", config.to_str().unwrap(), "config", "check"])
        .args(["--now", "2026-11-24T10:00:00+01:00"])
        // config check reports a password variable that is not set; the owner's shell has it.
        .env(PASSWORD_ENV, "secret")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_gmail_address_is_recognised_and_offers_the_google_sign_in() {
    let home = tempfile::tempdir().unwrap();
    // No login check: the Google sign-in comes first (`shopinbox login`), and this machine
    // does not reach Google.
    let t = Tmux::start_setup(
        home.path(),
        "gmail",
        "",
        "--no-check --now 2026-11-24T10:00:00+01:00",
    );
    t.answer("The shop's email address", "alphx.ceramics@gmail.com");
    let list = t.asked("Who hosts the shop's mailbox?");
    assert!(
        list.contains("Gmail / Google Workspace recognised from the address"),
        "{list}"
    );
    // The recognised provider is highlighted: Enter takes it, no server questions follow.
    t.answer("Who hosts the shop's mailbox?", "");
    t.answer("The shop's name", "Alphx");
    t.answer("Your first name", "Tom");
    t.answer("The language of your replies", "");
    t.answer("Your replies come from", "");
    t.answer_time_zone("Europe/Vienna");
    // Austria, from the zone; no regions to choose.
    t.answer("The shop's country", "");
    // Other hours: Monday to Saturday, 10 to 6.
    t.answer("Business hours Monday to Friday", "n");
    t.answer("Business days", "mon, tue, wed, thu, fri, sat");
    t.answer("Opening time", "10:00");
    // A typo is refused where it is typed, with the reason.
    t.asked("Closing time");
    t.send(&["-l", "6pm"]);
    t.send(&["Enter"]);
    t.wait_for("the time to be refused", |s| {
        s.contains("a time like 09:00")
    });
    t.send(&["BSpace", "BSpace", "BSpace"]);
    t.answer("Closing time", "18:00");
    t.answer("use shopinbox on this mailbox too?", "");
    let q = t.asked("Where does the password come from?");
    assert!(
        q.contains("app password"),
        "the provider's note is shown: {q}"
    );
    assert!(q.contains("Sign in with Google"), "{q}");
    // Typing an app password is offered first; this owner picks the sign-in.
    let first = highlighted(&q, "Where does the password come from?");
    assert!(first.contains("Type the password"), "{q}");
    t.answer("Where does the password come from?", "Sign in");
    t.answer("OAuth client ID", "123-abc.apps.googleusercontent.com");
    t.answer("OAuth client secret", "GOCSPX-test");
    t.answer("Sign in now?", "n");
    let done = t.wait_for("setup to finish", |s| s.contains("EXITED"));
    assert!(done.contains("EXITED 0"), "{done}");
    assert!(done.contains("Next: `shopinbox login`"), "{done}");

    let written =
        std::fs::read_to_string(home.path().join("config/shopinbox/config.toml")).unwrap();
    for want in [
        "host = \"imap.gmail.com\"",
        "host = \"smtp.gmail.com\"",
        "auth = \"oauth2\"",
        "oauth2_provider = \"google\"",
        "oauth2_client_id = \"123-abc.apps.googleusercontent.com\"",
        "time_zone = \"Europe/Vienna\"",
        "business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\"]",
        "open = \"10:00\"",
        "close = \"18:00\"",
        "The public holidays of Austria for 2026 and 2027",
        "\"2026-10-26\", # National Day",
        "\"2027-10-26\", # National Day",
    ] {
        assert!(written.contains(want), "{want} in:\n{written}");
    }
    assert!(!written.contains("password_"), "{written}");
}

#[test]
fn a_server_that_cannot_be_reached_goes_back_to_the_server_questions_only() {
    let servers = MailServers::start();
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start_setup(home.path(), "setup-server", &servers.password, "");
    let imaps = servers.imaps_port.to_string();
    let smtps = servers.smtps_port.to_string();
    let ca = servers.ca.display().to_string();

    t.answer("The shop's email address", "shop@example.com");
    t.answer("Who hosts the shop's mailbox?", "other");
    t.answer("IMAP server", "127.0.0.1");
    t.answer("IMAP security", "");
    // Nothing listens on port 1: the connection is refused.
    t.answer("IMAP port", "1");
    t.answer("SMTP server", "127.0.0.1");
    t.answer("SMTP security", "");
    t.answer("SMTP port", &smtps);
    t.answer("Login name", &servers.user);
    t.answer("Extra CA certificate", &ca);
    t.answer("The shop's name", "Alphx");
    t.answer("Your first name", "Tom");
    t.answer("The language of your replies", "");
    t.answer("Your replies come from", "");
    t.answer_time_zone("Europe/Berlin");
    t.answer("The shop's country", "");
    t.answer("The shop's region", "");
    t.answer("Business hours Monday to Friday", "");
    t.answer("use shopinbox on this mailbox too?", "");
    t.answer("Where does the password come from?", "environment");
    t.answer("Environment variable's name", PASSWORD_ENV);
    let failed = t.asked("What now?");
    assert!(failed.contains("The login did not work"), "{failed}");
    t.answer("What now?", "");

    // Round 2 starts at the provider and the servers; the port is typed again, the rest kept.
    let again = t.asked("Who hosts the shop's mailbox?");
    assert!(
        !again
            .lines()
            .any(|l| l.starts_with("? ") && l.contains("The shop's email address")),
        "{again}"
    );
    t.answer("Who hosts the shop's mailbox?", "");
    t.answer("IMAP server", "");
    t.answer("IMAP security", "");
    t.answer("IMAP port", &imaps);
    for q in [
        "SMTP server",
        "SMTP security",
        "SMTP port",
        "Login name",
        "Extra CA certificate",
    ] {
        t.answer(q, "");
    }
    // Same provider: the password question is not asked again.
    let done = t.wait_for("setup to finish", |s| s.contains("EXITED"));
    assert!(done.contains("EXITED 0"), "{done}");
    assert!(done.contains("logged in; nothing was sent"), "{done}");
    let written =
        std::fs::read_to_string(home.path().join("config/shopinbox/config.toml")).unwrap();
    assert!(written.contains(&format!("port = {imaps}")), "{written}");
    // The answers not asked again are kept.
    assert!(written.contains("name = \"Alphx\""), "{written}");
    assert!(
        written.contains("Germany (nationwide days only)"),
        "{written}"
    );
    assert!(
        written.contains(&format!("password_env = \"{PASSWORD_ENV}\"")),
        "{written}"
    );
}

#[test]
fn a_typed_password_is_hidden_kept_in_a_private_file_and_used_by_sync() {
    let servers = MailServers::start();
    let home = tempfile::tempdir().unwrap();
    // No password variable: the typed password is the only way in.
    let t = Tmux::start_setup(home.path(), "typed", "", "");
    t.answer("The shop's email address", "shop@example.com");
    t.answer("Who hosts the shop's mailbox?", "other");
    t.answer("IMAP server", "127.0.0.1");
    t.answer("IMAP security", "");
    t.answer("IMAP port", &servers.imaps_port.to_string());
    t.answer("SMTP server", "127.0.0.1");
    t.answer("SMTP security", "");
    t.answer("SMTP port", &servers.smtps_port.to_string());
    t.answer("Login name", &servers.user);
    t.answer("Extra CA certificate", &servers.ca.display().to_string());
    t.answer("The shop's name", "Alphx");
    t.answer("Your first name", "Tom");
    t.answer("The language of your replies", "");
    t.answer("Your replies come from", "");
    t.answer_time_zone("Europe/Berlin");
    t.answer("The shop's country", "");
    t.answer("The shop's region", "");
    t.answer("Business hours Monday to Friday", "");
    t.answer("use shopinbox on this mailbox too?", "");
    // The first choice, highlighted: type the password.
    let q = t.asked("Where does the password come from?");
    let first = highlighted(&q, "Where does the password come from?");
    assert!(first.contains("Type the password"), "{q}");
    t.answer("Where does the password come from?", "");
    t.asked("Password");
    t.send(&["-l", &servers.password]);
    let typing = t.screen();
    assert!(
        !typing.contains(&servers.password),
        "shown while typed: {typing}"
    );
    t.send(&["Enter"]);

    let done = t.wait_for("setup to finish", |s| s.contains("EXITED"));
    assert!(done.contains("EXITED 0"), "{done}");
    assert!(done.contains("Kept the password in"), "{done}");
    assert!(done.contains("readable only by you"), "{done}");
    assert!(done.contains("logged in; nothing was sent"), "{done}");
    assert!(!done.contains(&servers.password), "{done}");

    let dir = home.path().join("config/shopinbox");
    let file = dir.join("passwords.json");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let written = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(written.contains("password_keyring = true"), "{written}");
    assert!(!written.contains(&servers.password), "{written}");
    let sync = Command::new(env!("CARGO_BIN_EXE_shopinbox"))
        .args([
            "--config",
            dir.join("config.toml").to_str().unwrap(),
            "sync",
        ])
        .env("SHOPINBOX_TOKEN_STORE", "file")
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .output()
        .unwrap();
    assert!(
        sync.status.success(),
        "{}",
        String::from_utf8_lossy(&sync.stderr)
    );
}
