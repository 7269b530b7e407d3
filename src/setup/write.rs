//! The config file setup writes: rendered from a [`Plan`] as commented TOML (the owner edits
//! it later, so every key says what it does), and written private (0600) and atomically, so a
//! half-written or world-readable config never exists, and an existing one is never replaced
//! by accident.

use super::answers::{Login, Plan, ServerPlan};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A TOML string literal for `s` (quotes and control characters escaped).
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A list of TOML strings.
fn quote_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// A signature as a multi-line string when that is safe to write literally, else escaped.
fn multiline(s: &str) -> String {
    let plain = !s.contains("'''") && !s.chars().any(|c| c.is_control() && c != '\n');
    if s.contains('\n') && plain {
        format!("'''\n{s}'''")
    } else {
        quote(s)
    }
}

fn server(out: &mut String, section: &str, s: &ServerPlan, plan: &Plan) {
    out.push_str(&format!("host = {}\nport = {}\n", quote(&s.host), s.port));
    out.push_str(
        "# \"tls\" (encrypted from the start), \"starttls\" or \"none\" (only to this machine).\n",
    );
    out.push_str(&format!("security = {}\n", quote(s.security.as_str())));
    out.push_str("# The login name, often the full address.\n");
    out.push_str(&format!("username = {}\n", quote(&plan.username)));
    match &plan.login {
        Login::Keyring => {
            out.push_str("# You typed the password; shopinbox keeps it in the system keyring (or, where there\n# is none, in passwords.json next to this file, readable only by you). It is never\n# written here; `shopinbox password` changes it.\n");
            out.push_str("password_keyring = true\n");
        }
        Login::Command(cmd) => {
            out.push_str("# Run with `sh -c`; the first line it prints is the password (never written here).\n");
            out.push_str(&format!("password_command = {}\n", quote(cmd)));
        }
        Login::Env(var) => {
            out.push_str(
                "# The environment variable that holds the password (never written here).\n",
            );
            out.push_str(&format!("password_env = {}\n", quote(var)));
        }
        Login::TokenCommand(cmd) => {
            out.push_str(
                "# OAuth 2.0: this command prints a current access token on its first line.\n",
            );
            out.push_str(&format!(
                "auth = \"oauth2\"\ntoken_command = {}\n",
                quote(cmd)
            ));
        }
        Login::SignIn {
            provider,
            client_id,
            client_secret,
        } => {
            if section == "imap" {
                out.push_str("# OAuth 2.0: `shopinbox login` signs in once; the refresh token goes to the\n# system keyring (or a private file next to the store).\n");
                out.push_str(&format!(
                    "auth = \"oauth2\"\noauth2_provider = {}\noauth2_client_id = {}\n",
                    quote(provider),
                    quote(client_id)
                ));
                if let Some(secret) = client_secret {
                    out.push_str(&format!("oauth2_client_secret = {}\n", quote(secret)));
                }
            } else {
                out.push_str("# OAuth 2.0 with [imap]'s sign-in.\nauth = \"oauth2\"\n");
            }
        }
    }
    if let Some(ca) = &plan.ca_file {
        out.push_str("# An extra CA certificate (PEM) to trust, for a server with its own CA.\n");
        out.push_str(&format!("ca_file = {}\n", quote(&ca.display().to_string())));
    }
}

/// The commented config for `plan`. It holds no secret except an OAuth client secret, which
/// Google hands to desktop apps and does not treat as one.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    out.push_str(
        "# shopinbox configuration, written by `shopinbox setup`.\n\
         # Every key is explained in the documented example: `shopinbox config example`.\n\
         # Check this file after editing it with `shopinbox config check`.\n\
         # Relative paths are taken from this file's folder; \"~/\" means your home folder.\n\n",
    );
    out.push_str("[shop]\n# The shop's name as customers know it (templates, the status bar).\n");
    out.push_str(&format!("name = {}\n", quote(&plan.shop_name)));
    out.push_str("# Your first name, for reply templates (\"Best wishes, Tom\").\n");
    out.push_str(&format!("owner_name = {}\n", quote(&plan.owner_name)));
    out.push_str(
        "# The language replies start in when a customer's own cannot be told (en, de, fr, es,\n\
         # it, nl), and the name your replies come from.\n",
    );
    out.push_str(&format!("language = {}\n", quote(plan.language.code())));
    out.push_str(&format!("from_name = {}\n", quote(&plan.from_name)));
    out.push_str("# Appended to replies.\n");
    out.push_str(&format!("signature = {}\n", multiline(&plan.signature)));
    out.push_str(
        "# The shop's own addresses: mail from these is the shop answering, everything else a\n\
         # customer. The first is the From of replies. Add the others you write from.\n",
    );
    out.push_str(&format!(
        "addresses = {}\n\n",
        quote_list(std::slice::from_ref(&plan.email))
    ));

    out.push_str("[hours]\n# Your business hours' IANA time zone; deadlines follow its daylight-saving changes.\n");
    out.push_str(&format!("time_zone = {}\n", quote(&plan.time_zone)));
    out.push_str("# The days you answer mail: mon, tue, wed, thu, fri, sat, sun.\n");
    out.push_str(&format!(
        "business_days = {}\n",
        quote_list(&plan.business_days)
    ));
    out.push_str("# A customer message is due at the first closing time after it arrives.\n");
    out.push_str(&format!(
        "open = {}\nclose = {}\n",
        quote(&plan.open),
        quote(&plan.close)
    ));
    out.push_str("# Days you are closed although they are business days (YYYY-MM-DD).\n");
    match &plan.holidays {
        None => out.push_str("holidays = []\n\n"),
        Some(h) => {
            out.push_str(&format!(
                "# The public holidays of {} for {} and {} ({}; written by\n\
                 # `shopinbox setup`). Add your own closed days; add next year's before this list ends.\n",
                h.place, h.first_year, h.last_year, h.answer
            ));
            out.push_str("holidays = [\n");
            for (date, name) in &h.days {
                out.push_str(&format!(
                    "    {}, # {name}\n",
                    quote(&date.format("%Y-%m-%d").to_string())
                ));
            }
            out.push_str("]\n\n");
        }
    }

    if let Some(store) = &plan.store {
        out.push_str("[store]\n# Where the local mail database lives.\n");
        out.push_str(&format!(
            "path = {}\n\n",
            quote(&store.display().to_string())
        ));
    }

    out.push_str("[imap]\n");
    if let Some(p) = plan.preset {
        out.push_str(&format!(
            "# {} (preset chosen by `shopinbox setup`).\n",
            p.name
        ));
    }
    out.push_str("# The server that holds the shop's mailbox.\n");
    server(&mut out, "imap", &plan.imap, plan);
    match &plan.sent_folder {
        Some(sent) => {
            out.push_str("# The folder your sent mail is in (found by setup).\n");
            out.push_str(&format!("sent_folder = {}\n", quote(sent)));
        }
        None => {
            out.push_str("# The folder your sent mail is in: found at each sync when left out.\n");
            let usual = plan.preset.map_or("Sent", |p| p.sent);
            out.push_str(&format!("# sent_folder = {}\n", quote(usual)));
        }
    }
    out.push_str("# Other folders to read besides INBOX and Sent, e.g. where a filter files orders.\nfolders = []\n\n");

    out.push_str("[smtp]\n# The server replies are sent through.\n");
    server(&mut out, "smtp", &plan.smtp, plan);
    if let Some(name) = &plan.sharing {
        out.push_str(
            "\n[sharing]\n# Your marks are shared with the other copies of shopinbox on this mailbox,\n\
             # through a hidden folder on the IMAP server; they show this copy's changes as `name`.\n",
        );
        out.push_str(&format!("enabled = true\nname = {}\n", quote(name)));
    }
    out.push_str(
        "\n[templates]\n# Reply templates: templates/ next to this file (setup wrote the starter set).\n\
         # dir = \"templates\"\n",
    );
    out
}

/// Why the config could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} already exists; edit it (see `shopinbox config example`), or run `shopinbox setup --force` to replace it", .path.display())]
    Exists { path: PathBuf },
    #[error("cannot write the config file {}: {source}; check that its folder is writable or pass --config PATH", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Creates `dir` (and its parents) readable only by the owner when it does not exist yet.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes `text` to `path`: into a private (0600) temporary file in the same folder, flushed
/// to disk, then renamed into place, so readers see the old file or the whole new one. An
/// existing file is kept unless `force`.
pub fn write_config(path: &Path, text: &str, force: bool) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !force && path.exists() {
        return Err(WriteError::Exists {
            path: path.to_path_buf(),
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir).map_err(io)?;
    // tempfile creates the file with mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".config.toml.")
        .suffix(".new")
        .tempfile_in(&dir)
        .map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    if force {
        tmp.persist(path).map_err(|e| io(e.error))?;
    } else {
        // Never clobber a file that appeared meanwhile.
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                WriteError::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                io(e.error)
            }
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::answers::{resolve, Answers};
    use super::*;
    use crate::config::{Config, PasswordSource, ServerAuth};
    use crate::net::Security;

    fn answers() -> Answers {
        Answers {
            email: Some("hello@alphx.shop".into()),
            provider: Some("ionos".into()),
            shop_name: Some("Alphx \"Ceramics\"".into()),
            owner_name: Some("Zoë".into()),
            password_command: Some("pass show 'alphx/mail'".into()),
            time_zone: Some("Europe/Berlin".into()),
            ..Answers::default()
        }
    }

    fn load(plan: &Plan) -> Config {
        let text = render(plan);
        Config::parse(&text, Path::new("/home/zoe/.config/shopinbox/config.toml"))
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn the_written_config_loads_with_every_answer() {
        let plan = resolve(&answers(), None).unwrap();
        let cfg = load(&plan);
        assert_eq!(cfg.shop.name, "Alphx \"Ceramics\"");
        // Issue 23: the reply language and the name replies come from, in that language.
        assert_eq!(cfg.shop.language, crate::template::Language::English);
        assert_eq!(cfg.from_name(), "Zoë from Alphx \"Ceramics\"");
        let german = Answers {
            language: Some("de".into()),
            ..answers()
        };
        let cfg = load(&resolve(&german, None).unwrap());
        assert_eq!(cfg.from_name(), "Zoë von Alphx \"Ceramics\"");
        let own = Answers {
            from_name: Some("Zoë | Alphx".into()),
            ..german
        };
        assert_eq!(
            load(&resolve(&own, None).unwrap()).from_name(),
            "Zoë | Alphx"
        );
        assert_eq!(cfg.shop.owner_name, "Zoë");
        assert_eq!(cfg.shop.signature, "Zoë\nAlphx \"Ceramics\"");
        assert_eq!(cfg.shop.addresses, vec!["hello@alphx.shop"]);
        assert_eq!(cfg.calendar, {
            let c = Config::parse(
                "[shop]\nname='x'\nowner_name='x'\nsignature='x'\naddresses=['a@b.c']\n[hours]\ntime_zone='Europe/Berlin'\n",
                Path::new("/x.toml"),
            )
            .unwrap();
            c.calendar
        });
        let imap = cfg.imap.as_ref().unwrap();
        assert_eq!(
            (imap.host.as_str(), imap.port, imap.security),
            ("imap.ionos.de", 993, Security::Tls)
        );
        assert_eq!(
            imap.auth,
            ServerAuth::Password(PasswordSource::Command("pass show 'alphx/mail'".into()))
        );
        assert_eq!(imap.sent_folder, None);
        let smtp = cfg.smtp.as_ref().unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port), ("smtp.ionos.de", 465));
        assert_eq!(smtp.username, "hello@alphx.shop");
        // The templates sit next to the config.
        assert_eq!(
            cfg.templates_dir(),
            Path::new("/home/zoe/.config/shopinbox/templates")
        );
        // Every line is a comment, blank, a section or a key: the owner can read it.
        let text = render(&plan);
        assert!(
            text.contains("# sent_folder = \"Gesendete Objekte\""),
            "{text}"
        );
        assert!(text.matches("\n#").count() > 15, "commented:\n{text}");
    }

    #[test]
    fn the_sharing_name_turns_sharing_on_and_round_trips() {
        assert_eq!(load(&resolve(&answers(), None).unwrap()).sharing, None);
        let shared = Answers {
            sharing_name: Some(" Anna \"the helper\" ".into()),
            ..answers()
        };
        let cfg = load(&resolve(&shared, None).unwrap());
        assert_eq!(cfg.sharing.as_deref(), Some("Anna \"the helper\""));
        let blank = Answers {
            sharing_name: Some("  ".into()),
            ..answers()
        };
        let why = resolve(&blank, None).unwrap_err();
        assert!(why.contains("sharing_name"), "{why}");
    }

    #[test]
    fn found_sent_folder_env_password_ca_file_and_store_round_trip() {
        // The config loader reads ca_file: it must hold a PEM certificate block.
        let ca = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(
            ca.path(),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let mut plan = resolve(
            &Answers {
                provider: Some("other".into()),
                imap_host: Some("127.0.0.1".into()),
                imap_security: Some("none".into()),
                smtp_host: Some("localhost".into()),
                smtp_security: Some("starttls".into()),
                ca_file: Some(ca.path().to_path_buf()),
                password_command: None,
                password_env: Some("SHOP_PW".into()),
                store: Some("/var/shop/store.db".into()),
                signature: Some("Zoë\n'''quoted'''".into()),
                ..answers()
            },
            None,
        )
        .unwrap();
        plan.sent_folder = Some("Gesendete Elemente".into());
        let cfg = load(&plan);
        let imap = cfg.imap.as_ref().unwrap();
        assert_eq!((imap.port, imap.security), (143, Security::None));
        assert_eq!(imap.sent_folder.as_deref(), Some("Gesendete Elemente"));
        assert_eq!(imap.ca_file.as_deref(), Some(ca.path()));
        assert_eq!(
            imap.auth,
            ServerAuth::Password(PasswordSource::Env("SHOP_PW".into()))
        );
        assert_eq!(cfg.store_path(), Path::new("/var/shop/store.db"));
        assert_eq!(cfg.shop.signature, "Zoë\n'''quoted'''");
    }

    #[test]
    fn oauth_sign_in_and_token_command_round_trip() {
        let plan = resolve(
            &Answers {
                provider: Some("gmail".into()),
                password_command: None,
                oauth2_client_id: Some("123.apps.googleusercontent.com".into()),
                oauth2_client_secret: Some("GOCSPX-abc".into()),
                ..answers()
            },
            None,
        )
        .unwrap();
        let cfg = load(&plan);
        for auth in [
            &cfg.imap.as_ref().unwrap().auth,
            &cfg.smtp.as_ref().unwrap().auth,
        ] {
            assert!(matches!(auth, ServerAuth::OAuth2(_)), "{auth:?}");
        }
        assert_eq!(
            crate::login::sign_ins(&cfg).len(),
            1,
            "one sign-in for both"
        );
        let plan = resolve(
            &Answers {
                provider: Some("outlook".into()),
                password_command: None,
                token_command: Some("oama access hello@alphx.shop".into()),
                ..answers()
            },
            None,
        )
        .unwrap();
        let cfg = load(&plan);
        assert!(matches!(cfg.smtp.unwrap().auth, ServerAuth::OAuth2(_)));
    }

    #[test]
    fn written_private_and_never_over_an_existing_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/shopinbox/config.toml");
        write_config(&path, "a = 1\n", false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        let err = write_config(&path, "a = 2\n", false).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 1\n");
        write_config(&path, "a = 3\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 3\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("config.toml")]);
    }
}
