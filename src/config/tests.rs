//! The load's own tests: good configs, every message, the example file.

use super::load::{closest, is_plain_address};
use super::raw;
use super::report::business_days_words;
use super::*;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

const GOOD: &str = r#"
[shop]
name = "Alphx"
owner_name = "Tom"
signature = """
Tom
Alphx"""
addresses = ["Hello@Alphx.shop", "tom@alphx.shop"]

[hours]
time_zone = "Europe/Berlin"
business_days = ["mon", "tue", "wed", "thu", "fri"]
open = "09:00"
close = "17:00"
holidays = ["2026-12-25", 2026-12-26]
cutoff_minutes = 30

[imap]
host = "imap.alphx.shop"
username = "hello@alphx.shop"
password_command = "pass show alphx/imap"

[smtp]
host = "smtp.alphx.shop"
security = "starttls"
username = "hello@alphx.shop"
password_env = "ALPHX_SMTP_PASSWORD"

[keys]
reply = ["r", "enter"]
"#;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/x/config.toml"))
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// GOOD with one line replaced (or appended when `from` is empty).
fn good_with(from: &str, to: &str) -> String {
    if from.is_empty() {
        return format!("{GOOD}{to}\n");
    }
    assert!(GOOD.contains(from), "{from}");
    GOOD.replacen(from, to, 1)
}

#[test]
fn good_config_loads_with_defaults() {
    let cfg = parse(GOOD).unwrap();
    assert_eq!(cfg.shop.signature, "Tom\nAlphx");
    assert_eq!(cfg.shop_addresses(), ["hello@alphx.shop", "tom@alphx.shop"]);
    assert_eq!(cfg.from_address(), "Hello@Alphx.shop");
    assert_eq!(cfg.message_id_domain(), "alphx.shop");
    let cal = cfg.calendar();
    assert_eq!(cal.tz, chrono_tz::Europe::Berlin);
    assert_eq!(cal.holidays.len(), 2);
    assert_eq!(cal.cutoff, Duration::minutes(30));
    assert_eq!(cal.due_soon, Duration::minutes(60));
    let imap = cfg.imap.as_ref().unwrap();
    assert_eq!(
        (imap.port, imap.security, imap.idle, imap.poll_seconds),
        (993, Security::Tls, true, 300)
    );
    assert_eq!(
        (imap.save_sent, imap.mark_read_on_server),
        (SaveSent::Auto, true)
    );
    assert_eq!(
        imap.auth,
        ServerAuth::Password(PasswordSource::Command("pass show alphx/imap".into()))
    );
    let smtp = cfg.smtp.as_ref().unwrap();
    assert_eq!((smtp.port, smtp.security), (587, Security::StartTls));
    assert_eq!(cfg.keys["reply"], ["r", "enter"]);
    assert_eq!(cfg.templates_dir(), PathBuf::from("/x/templates"));
}

#[test]
fn minimal_config_without_servers() {
    let cfg = parse(
        "[shop]\nname = \"S\"\nowner_name = \"O\"\naddresses = [\"a@b.c\"]\n[hours]\ntime_zone = \"UTC\"\n",
    )
    .unwrap();
    assert!(cfg.imap.is_none() && cfg.smtp.is_none());
    assert_eq!(
        cfg.calendar.business_days,
        [true, true, true, true, true, false, false]
    );
    assert_eq!(
        cfg.calendar.close,
        NaiveTime::from_hms_opt(17, 0, 0).unwrap()
    );
}

#[test]
fn save_sent_and_mark_read_are_read_from_imap() {
    let cases = [
        (
            "save_sent = \"always\"\nmark_read_on_server = false",
            SaveSent::Always,
            false,
        ),
        ("save_sent = \"never\"", SaveSent::Never, true),
        ("save_sent = \" auto \"", SaveSent::Auto, true),
    ];
    for (lines, save_sent, mark_read) in cases {
        let text = good_with(
            "host = \"imap.alphx.shop\"",
            &format!("host = \"imap.alphx.shop\"\n{lines}"),
        );
        let imap = parse(&text).unwrap().imap.unwrap();
        assert_eq!(
            (imap.save_sent, imap.mark_read_on_server),
            (save_sent, mark_read),
            "{lines}"
        );
    }
}

#[test]
fn relative_paths_follow_the_config_file() {
    let cfg = parse(&good_with(
        "",
        "[store]\npath = \"data/shop.db\"\n[templates]\ndir = \"/abs/tpl\"",
    ))
    .unwrap();
    assert_eq!(cfg.store_path(), PathBuf::from("/x/data/shop.db"));
    assert_eq!(cfg.templates_dir(), PathBuf::from("/abs/tpl"));
}

#[test]
fn error_messages_name_file_key_value_and_line() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "time_zone = \"Europe/Berlin\"",
            "time_zone = \"Europe/Berln\"",
            &["/x/config.toml: hours.time_zone = \"Europe/Berln\" (line 11) is not a known IANA time zone; did you mean \"Europe/Berlin\"?"],
        ),
        ("close = \"17:00\"", "clsoe = \"17:00\"", &["unknown key \"hours.clsoe\" (line 14)", "did you mean \"close\"?", "known keys in [hours] are: time_zone, business_days, open, close"]),
        ("close = \"17:00\"", "close = \"08:00\"", &["hours.close = \"08:00\" (line 14) is not after hours.open (09:00)"]),
        ("close = \"17:00\"", "close = \"5pm\"", &["hours.close = \"5pm\"", "HH:MM"]),
        ("\"fri\"]", "\"fry\"]", &["hours.business_days[4] = \"fry\" (line 12) is not a weekday"]),
        ("business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]", "business_days = []", &["hours.business_days = [] (line 12) has no business days"]),
        ("\"2026-12-25\",", "\"2026-12-32\",", &["hours.holidays[0] = \"2026-12-32\" (line 15) is not a date", "YYYY-MM-DD"]),
        ("cutoff_minutes = 30", "cutoff_minutes = 480", &["hours.cutoff_minutes = 480 (line 16) is not shorter than the business day"]),
        ("cutoff_minutes = 30", "cutoff_minutes = -5", &["hours.cutoff_minutes = -5 (line 16) has the wrong type; it must be a whole number of 0 or more"]),
        ("cutoff_minutes = 30", "cutoff_minutes = \"30\"", &["hours.cutoff_minutes = \"30\" (line 16) has the wrong type; it must be a whole number of 0 or more"]),
        ("[keys]\nreply = [\"r\", \"enter\"]", "[keys]\nreply = \"r\"", &["keys.reply = \"r\" (line 30) has the wrong type; it must be a list in brackets"]),
        ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nsecurity = \"none\"", &["imap.security = \"none\" (line 20)", "plaintext is only allowed to 127.0.0.1/localhost; use security = \"tls\""]),
        ("host = \"imap.alphx.shop\"", "host = \"imaps://imap.alphx.shop\"", &["imap.host = \"imaps://imap.alphx.shop\" (line 19) is not a host name"]),
        ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nport = 99999", &["imap.port = 99999 (line 20) is not a port number"]),
        ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nsecurity = \"ssl\"", &["imap.security = \"ssl\" (line 20) is not one of"]),
        ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nsave_sent = \"sometimes\"", &["imap.save_sent = \"sometimes\" (line 20) is not one of \"auto\", \"always\" or \"never\""]),
        ("host = \"imap.alphx.shop\"", "host = \"imap.alphx.shop\"\nmark_read_on_server = \"yes\"", &["imap.mark_read_on_server = \"yes\" (line 20) has the wrong type"]),
        ("password_command = \"pass show alphx/imap\"", "", &["/x/config.toml: no password source in [imap]; add password_keyring = true and run `shopinbox password`"]),
        ("password_env = \"ALPHX_SMTP_PASSWORD\"", "password_env = \"ALPHX_SMTP_PASSWORD\"\npassword_command = \"x\"", &["smtp.password_env = \"ALPHX_SMTP_PASSWORD\"", "keep only one"]),
        ("username = \"hello@alphx.shop\"\npassword_command", "password_command", &["missing key \"imap.username\""]),
        ("addresses = [\"Hello@Alphx.shop\", \"tom@alphx.shop\"]", "addresses = [\"Tom <tom@alphx.shop>\"]", &["shop.addresses[0] = \"Tom <tom@alphx.shop>\" (line 8) is not a plain e-mail address"]),
        ("[keys]", "[keyz]", &["unknown key \"keyz\" (line 29)", "did you mean \"keys\"?", "known sections are: [shop], [hours]"]),
        ("cutoff_minutes = 30", "cutoff_minutes = 30\nsecurity = \"tls\"", &["unknown key \"hours.security\" (line 17)"]),
        ("[hours]", "[hours", &["/x/config.toml: invalid TOML at line 10, column"]),
        ("open = \"09:00\"", "open = 09:00", &["hours.open = 09:00 (line 13) has the wrong type; it must be text in double quotes (e.g. \"09:00\")"]),
        ("[shop]", "shop = 3\n[shopx]", &["/x/config.toml: shop = 3 (line 2) is not a section"]),
    ];
    for (from, to, wants) in cases {
        let msg = err(&good_with(from, to));
        for want in *wants {
            assert!(
                msg.contains(want),
                "replacing {from:?} by {to:?}:\n got: {msg}\nwant: {want}"
            );
        }
        assert!(!msg.contains('\n'), "one line: {msg}");
    }
}

#[test]
fn load_reads_files_and_names_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let msg = Config::load(&path).unwrap_err().to_string();
    assert!(msg.starts_with("cannot find the config file "), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    std::fs::write(&path, GOOD).unwrap();
    let cfg = Config::load(&path).unwrap();
    assert_eq!(cfg.file.as_deref(), Some(path.as_path()));
    assert_eq!(cfg.templates_dir(), dir.path().join("templates"));
    let msg = Config::load(dir.path()).unwrap_err().to_string();
    assert!(msg.starts_with("cannot read the config file "), "{msg}");
}

#[test]
fn missing_section_is_named() {
    let msg = err("[hours]\ntime_zone = \"UTC\"\n");
    assert_eq!(msg, "/x/config.toml: missing section [shop]; add a [shop] section (see config.example.toml for its keys)");
}

#[test]
fn plaintext_to_loopback_is_allowed() {
    for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"] {
        let text = good_with(
            "host = \"imap.alphx.shop\"",
            &format!("host = \"{host}\"\nsecurity = \"none\""),
        );
        let cfg = parse(&text).unwrap();
        let imap = cfg.imap.unwrap();
        assert_eq!((imap.security, imap.port), (Security::None, 143), "{host}");
    }
    for host in ["128.0.0.1", "localhost.evil.com"] {
        let text = good_with(
            "host = \"imap.alphx.shop\"",
            &format!("host = \"{host}\"\nsecurity = \"none\""),
        );
        assert!(
            err(&text).contains("would send the password unencrypted"),
            "{host}"
        );
    }
}

#[test]
fn ca_file_must_exist() {
    let msg = err(&good_with(
        "host = \"imap.alphx.shop\"",
        "host = \"imap.alphx.shop\"\nca_file = \"no/such.pem\"",
    ));
    assert!(msg.contains("imap.ca_file = \"no/such.pem\" (line 20) is not a readable file (looked at /x/no/such.pem)"), "{msg}");
}

#[test]
fn a_typed_password_is_kept_by_name_and_never_with_another_source() {
    let text = good_with(
        "password_command = \"pass show alphx/imap\"",
        "password_keyring = true",
    );
    let cfg = parse(&text).unwrap();
    let Some(ServerAuth::Password(PasswordSource::Keyring(k))) = cfg.imap.as_ref().map(|i| &i.auth)
    else {
        panic!("{:?}", cfg.imap)
    };
    assert_eq!(k.entry, "password imap hello@alphx.shop imap.alphx.shop");
    assert_eq!(k.file, Path::new("/x").join(secret::FILE_NAME));
    let both = good_with(
        "password_command = \"pass show alphx/imap\"",
        "password_keyring = true\npassword_command = \"x\"",
    );
    let e = err(&both);
    assert!(
        e.contains("imap.password_command") && e.contains("keep only one"),
        "{e}"
    );
    let off = good_with(
        "password_command = \"pass show alphx/imap\"",
        "password_keyring = false",
    );
    assert!(err(&off).contains("add password_keyring = true and run `shopinbox password`"));
    let oauth = good_with(
        "password_command = \"pass show alphx/imap\"",
        "auth = \"oauth2\"\ntoken_command = \"t\"\npassword_keyring = true",
    );
    assert!(
        err(&oauth).contains("imap.password_keyring = true"),
        "{}",
        err(&oauth)
    );
}

#[test]
fn passwords_from_command_and_env() {
    let pw = resolve_password(
        "imap",
        &PasswordSource::Command("printf 'pass word\\nsecond\\n'".into()),
    )
    .unwrap();
    assert_eq!(pw, "pass word");
    let pw = resolve_password(
        "imap",
        &PasswordSource::Command("printf 's3cret\\r\\n'".into()),
    )
    .unwrap();
    assert_eq!(pw, "s3cret");
    // A command holding a secret, failing with the secret on stderr: neither is quoted.
    let e = resolve_password(
        "imap",
        &PasswordSource::Command(
            "echo FAKE-SECRET-42; echo FAKE-SECRET-42 wrong >&2; exit 3".into(),
        ),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "cannot get the password: [imap] password_command failed (exit 3); run it in a \
         shell to see why"
    );
    let e = resolve_password("smtp", &PasswordSource::Command("kill -9 $$".into()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("[smtp] password_command failed (killed by a signal)"),
        "{e}"
    );
    let e = resolve_password(
        "smtp",
        &PasswordSource::Command("true # FAKE-SECRET".into()),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("[smtp] password_command gave an empty password"),
        "{e}"
    );
    assert!(!e.contains("FAKE-SECRET"), "{e}");
    let e = resolve_password(
        "imap",
        &PasswordSource::Env("SHOPINBOX_TEST_SURELY_UNSET_VAR".into()),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("SHOPINBOX_TEST_SURELY_UNSET_VAR is not set"),
        "{e}"
    );
    // PATH is set in any test environment; its first line is returned as-is.
    let path = std::env::var("PATH").unwrap();
    assert_eq!(
        resolve_password("imap", &PasswordSource::Env("PATH".into())).unwrap(),
        path
    );
    assert_eq!(
        format!("{:?}", PasswordSource::Command("echo hunter2".into())),
        "Command(<redacted>)"
    );
}

#[test]
fn offers_are_checked_when_the_config_loads() {
    let ok = parse(&format!(
        "{GOOD}\n[offers]\ndiscount_code = \" SORRY10 \"\nreturn_address = \"Alphx, Berlin\"\n"
    ))
    .unwrap();
    assert_eq!(ok.offers["discount_code"], "SORRY10");
    assert_eq!(ok.offers.len(), 2);
    assert!(parse(GOOD).unwrap().offers.is_empty());
    for (bad, needle) in [
        ("[offers]\ndiscount_code = \"\"\n", "offers.discount_code"),
        ("[offers]\nDiscount = \"X\"\n", "offers.Discount"),
        ("[offers]\ndiscount_code = 10\n", "offers"),
    ] {
        let err = parse(&format!("{GOOD}\n{bad}")).unwrap_err().to_string();
        assert!(err.contains(needle), "{bad}: {err}");
    }
}

#[test]
fn undo_seconds_defaults_to_ten_and_is_checked() {
    assert_eq!(parse(GOOD).unwrap().undo_seconds, DEFAULT_UNDO_SECONDS);
    for (text, want) in [("0", 0), ("30", 30), ("600", 600)] {
        let cfg = parse(&format!("{GOOD}\n[send]\nundo_seconds = {text}\n")).unwrap();
        assert_eq!(cfg.undo_seconds, want);
    }
    for bad in ["-1", "601"] {
        let err = parse(&format!("{GOOD}\n[send]\nundo_seconds = {bad}\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("send.undo_seconds"), "{bad}: {err}");
    }
}

#[test]
fn attachments_section_has_defaults_and_is_checked() {
    let cfg = parse(GOOD).unwrap();
    assert_eq!(cfg.attachments, AttachmentSettings::default());
    assert_eq!(cfg.attachments.max_send_bytes, 20_000_000);
    let cfg = parse(&format!(
        "{GOOD}\n[attachments]\nmax_send_mb = 10\nopen_command = \"my-viewer --new\"\ninline_images = false\n"
    ))
    .unwrap();
    assert_eq!(cfg.attachments.max_send_bytes, 10_000_000);
    assert_eq!(
        cfg.attachments.open_command.as_deref(),
        Some("my-viewer --new")
    );
    assert!(!cfg.attachments.inline_images);
    for (bad, key) in [
        ("max_send_mb = 0", "attachments.max_send_mb"),
        ("max_send_mb = 500", "attachments.max_send_mb"),
        ("open_command = \" \"", "attachments.open_command"),
        ("save_dir = \"\"", "attachments.save_dir"),
    ] {
        let err = parse(&format!("{GOOD}\n[attachments]\n{bad}\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(key), "{bad}: {err}");
    }
}

#[test]
fn demo_config_is_sane() {
    let cfg = Config::demo();
    assert_eq!(cfg.shop_addresses(), ["hello@alphx.shop", "tom@alphx.shop"]);
    assert_eq!(cfg.message_id_domain(), "alphx.shop");
    assert_eq!(cfg.calendar.tz, chrono_tz::Europe::Berlin);
    assert!(cfg.calendar.holidays.len() >= 2);
}

/// The keys config.example.toml writes (or shows commented out, `# key = …`), by table:
/// `[hours]` → its keys; `[[orders.source]]` and `# [orders.import]` count as tables. A key
/// whose value is prose (`# import = the columns of …`) is documented for the last real
/// section, not for a commented-out table above it. Indented comments are prose, not keys.
fn example_keys(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut section, mut table) = (String::new(), String::new());
    for line in text.lines() {
        let commented = line.starts_with('#');
        let bare = line.strip_prefix("# ").unwrap_or(line);
        if bare.starts_with(' ') || bare.starts_with('#') {
            continue;
        }
        if let Some(name) = bare.strip_prefix('[') {
            table = name.trim_matches(['[', ']']).to_string();
            if !commented {
                section = table.clone();
            }
            out.entry(table.clone()).or_default();
            continue;
        }
        let Some((key, value)) = bare.split_once(" =") else {
            continue;
        };
        let is_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !is_key {
            continue;
        }
        let is_value = toml::from_str::<toml::Table>(&format!("v ={value}")).is_ok();
        let owner = if is_value { &table } else { &section };
        out.entry(owner.clone()).or_default().push(key.to_string());
    }
    out
}

#[test]
fn example_config_documents_every_key_and_only_declared_ones() {
    let text = include_str!("../../config.example.toml");
    let written = example_keys(text);
    let sections = raw::sections();
    for section in &sections {
        let in_example = written.get(section.name);
        assert!(
            in_example.is_some(),
            "[{}] missing from config.example.toml",
            section.name
        );
        for key in section.keys.iter().flatten() {
            assert!(
                in_example.is_some_and(|keys| keys.iter().any(|k| k == key)),
                "{}.{key} missing from config.example.toml",
                section.name
            );
        }
    }
    for (table, keys) in &written {
        let Some(section) = sections.iter().find(|s| s.name == table) else {
            panic!("config.example.toml has a table [{table}] that the config does not declare");
        };
        let Some(declared) = &section.keys else {
            continue;
        };
        for key in keys {
            assert!(
                declared.contains(&key.as_str()),
                "config.example.toml shows {table}.{key}, which the config does not declare"
            );
        }
    }
    let cfg = parse(text).unwrap();
    assert!(cfg.imap.is_some() && cfg.smtp.is_some());
    assert_eq!(cfg.offers["discount_code"], "THANKYOU15");
}

#[test]
fn the_example_key_reader_sees_what_it_should() {
    let keys = example_keys(
        "[shop]\nname = \"A\"\n# from_name = \"x\"\n#   prose = no\n[orders]\n\
         # [orders.import]\n# platform = \"p\"\n# import = the columns of an export\n\
         [[orders.source]]\nname = \"n\"\n",
    );
    assert_eq!(keys["shop"], ["name", "from_name"]);
    assert_eq!(keys["orders"], ["import"]);
    assert_eq!(keys["orders.import"], ["platform"]);
    assert_eq!(keys["orders.source"], ["name"]);
}

#[test]
fn check_report_describes_calendar_and_deadlines() {
    let cfg = parse(GOOD).unwrap();
    let now = DateTime::parse_from_rfc3339("2026-11-23T18:40:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let report = check_report(&cfg, Path::new("/x/config.toml"), now);
    for want in [
        "/x/config.toml: the configuration is valid.",
        "Business hours: Mon–Fri 09:00–17:00, time zone Europe/Berlin",
        "Holidays:       Fri 25 Dec, Sat 26 Dec",
        "arrivals after 16:30 (cut-off 30m before close) are due the next business day",
        "a message arriving now (Mon 23 Nov 19:40) is due Tue 24 Nov 17:00 Europe/Berlin",
        "a message arriving Sat 28 Nov 12:00 is due Mon 30 Nov 17:00 Europe/Berlin",
        "IMAP:           imap.alphx.shop:993 (tls) as hello@alphx.shop, password from password_command",
        "password from $ALPHX_SMTP_PASSWORD",
    ] {
        assert!(report.contains(want), "missing {want:?} in:\n{report}");
    }
    assert!(
        !report.contains("pass show"),
        "never echo the password command:\n{report}"
    );
}

#[test]
fn helpers() {
    assert_eq!(
        business_days_words(&[true, true, true, true, true, false, false]),
        "Mon–Fri"
    );
    assert_eq!(
        business_days_words(&[true, false, true, false, true, false, false]),
        "Mon, Wed, Fri"
    );
    assert_eq!(
        business_days_words(&[true, true, false, false, false, true, true]),
        "Mon, Tue, Sat, Sun"
    );
    assert_eq!(
        closest("Europe/Berln", &["Europe/Berlin", "Europe/Bern"]),
        Some("Europe/Berlin")
    );
    assert_eq!(closest("banana", &["close", "open"]), None);
    // A swap of neighbouring letters is one edit; case does not count.
    assert_eq!(closest("clsoe", &["close", "open"]), Some("close"));
    assert_eq!(closest("TIME_ZOEN", &["time_zone"]), Some("time_zone"));
    assert_eq!(closest("", &["abc"]), None);
    assert!(is_plain_address("a.b+c@shop.example"));
    for bad in ["", "a", "@b", "a@", "a b@c", "a@b@c", "<a@b>", "a@.b"] {
        assert!(!is_plain_address(bad), "{bad}");
    }
}

#[test]
fn shared_server_keys_keep_their_key_and_line() {
    let cases: &[(&str, &str, &str)] = &[
        // Wrong types inside the flattened [imap]/[smtp] tables are traced to their key.
        (
            "username = \"hello@alphx.shop\"\npassword_command",
            "username = 3\npassword_command",
            "imap.username = 3 (line 20) has the wrong type; it must be text in double quotes",
        ),
        (
            "security = \"starttls\"",
            "security = \"starttls\"\nport = \"587\"",
            "smtp.port = \"587\" (line 26) has the wrong type; it must be a whole number",
        ),
        (
            "security = \"starttls\"",
            "security = \"starttls\"\noauth2_scopes = \"mail\"",
            "smtp.oauth2_scopes = \"mail\" (line 26) has the wrong type; it must be a list",
        ),
        // Unknown keys in either section, with the section's own key list.
        (
            "security = \"starttls\"",
            "security = \"starttls\"\nfolders = [\"x\"]",
            "unknown key \"smtp.folders\" (line 26); known keys in [smtp] are: host, port",
        ),
        (
            "host = \"imap.alphx.shop\"",
            "host = \"imap.alphx.shop\"\npasword_env = \"X\"",
            "did you mean \"password_env\"?",
        ),
        // Required keys of the shared struct are named like serde names the others.
        (
            "host = \"smtp.alphx.shop\"\n",
            "",
            "missing key \"smtp.host\"; add host = … to [smtp]",
        ),
    ];
    for (from, to, want) in cases {
        let msg = err(&good_with(from, to));
        assert!(
            msg.contains(want),
            "{from:?} → {to:?}\n got: {msg}\nwant: {want}"
        );
    }
}

#[test]
fn unknown_keys_inside_orders_tables_have_their_line() {
    let msg = err(&format!(
        "{GOOD}\n[[orders.source]]\nname = \"x\"\nsubjct = 'x'\n"
    ));
    assert!(
        msg.contains("unknown key \"orders.source[0].subjct\" (line 34); did you mean \"subject\"? known keys in [orders.source] are: name, sender, subject"),
        "{msg}"
    );
    let msg = err(&format!("{GOOD}\n[orders.import]\nplatfrom = \"x\"\n"));
    assert!(
        msg.contains(
            "unknown key \"orders.import.platfrom\" (line 33); did you mean \"platform\"?"
        ),
        "{msg}"
    );
}
