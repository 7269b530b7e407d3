//! What every command starts from: the configuration, the store and the clock, and the one
//! place the binary reads the real time.

use super::Cli;
use crate::clock::Clock;
use crate::config::{Config, ConfigError};
use crate::store::Store;
use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use std::path::PathBuf;

/// Everything a command needs: the configuration, the store and the clock.
pub struct Env {
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub store: Store,
    /// The time the command runs at (read once, so one command sees one "now").
    pub now: DateTime<Utc>,
    /// The clock everything else reads: the system's, or fixed by `--now`.
    pub clock: Clock,
    pub demo: bool,
    /// Keeps the demo's temporary directory alive as long as the environment.
    pub(super) _demo_dir: Option<tempfile::TempDir>,
}

impl Env {
    /// Opens the configured account's store, or builds a fresh demo store.
    pub fn open(cli: &Cli, demo: bool) -> Result<Env> {
        if demo {
            let mut config = Config::demo();
            // `demo --config FILE`: the demo shop, with the owner's own keys.
            if cli.config.is_some() {
                let (own, _) = load_config(cli)?;
                crate::app::Keymap::from_config(&own.keys)
                    .context("the [keys] section of the config is invalid")?;
                config.keys = own.keys;
            }
            let clock = clock_for(cli.now.as_deref(), &config)?;
            let now = clock.now();
            let dir = tempfile::Builder::new()
                .prefix("shopinbox-demo-")
                .tempdir()
                .context("cannot create a temporary folder for the demo store")?;
            let store = crate::demo::build_demo_store(dir.path(), clock)
                .context("cannot build the demo store")?;
            // The demo never touches the owner's real configuration folder.
            let templates = dir.path().join("templates");
            crate::demo::templates::install(&templates)
                .context("cannot write the demo's templates")?;
            config.templates_dir = Some(templates);
            return Ok(Env {
                config,
                config_path: None,
                store,
                now,
                clock,
                demo: true,
                _demo_dir: Some(dir),
            });
        }
        let (config, path) = load_config(cli)?;
        let clock = clock_for(cli.now.as_deref(), &config)?;
        let store = open_store(&config, clock)?;
        Ok(Env {
            config,
            config_path: Some(path),
            store,
            now: clock.now(),
            clock,
            demo: false,
            _demo_dir: None,
        })
    }

    /// Where demo replies go instead of a mail server: a folder that outlives the demo's
    /// temporary store, so the owner can open the .eml files afterwards; `SHOPINBOX_DEMO_OUTBOX`
    /// names another folder (tests use their own). `None` outside the demo.
    pub fn demo_outbox_dir(&self) -> Result<Option<PathBuf>> {
        if !self.demo {
            return Ok(None);
        }
        let dir = std::env::var_os("SHOPINBOX_DEMO_OUTBOX")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("shopinbox-demo-outbox"));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the demo outbox folder {}", dir.display()))?;
        Ok(Some(dir))
    }
}

/// Finds and loads the configuration file.
/// The config file's path: `--config`, else the default.
pub(super) fn config_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.config {
        Some(p) => Ok(p.clone()),
        None => crate::config::default_config_path().ok_or_else(|| {
            anyhow!("cannot find a home directory for the configuration; pass --config PATH")
        }),
    }
}

pub fn load_config(cli: &Cli) -> Result<(Config, PathBuf)> {
    let path = config_path(cli)?;
    if !path.exists() {
        return Err(ConfigError::Missing { path: path.clone() }.into());
    }
    let config = Config::load(&path)?;
    Ok((config, path))
}

/// Opens the store named by the configuration; [`Store::open`] creates its folder (private)
/// when needed.
pub fn open_store(config: &Config, clock: Clock) -> Result<Store> {
    let mut store = Store::open(&config.store_path(), config.shop_context(clock))?;
    // `[sharing]` (issue 26): remembered in the store, so that the sync worker follows it.
    store.set_sharing(config.sharing.as_deref())?;
    Ok(store)
}

/// The clock of a command: fixed at `--now` when given, else the system's. This is the one
/// place the binary decides to read the real time.
pub fn clock_for(now_arg: Option<&str>, config: &Config) -> Result<Clock> {
    match now_arg {
        Some(s) => Ok(Clock::fixed(parse_time(s, config)?)),
        None => Ok(Clock::system()),
    }
}

/// Parses a time given on the command line (`--now`, snooze): RFC 3339, or a local date/time
/// in the shop's time zone.
pub fn parse_time(s: &str, config: &Config) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let tz = config.calendar().tz;
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return tz
                .from_local_datetime(&naive)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| anyhow!("--now {s:?} does not exist in {tz} (a clock change)"));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let naive = date.and_hms_opt(12, 0, 0).unwrap_or_default();
        if let Some(t) = tz.from_local_datetime(&naive).earliest() {
            return Ok(t.with_timezone(&Utc));
        }
    }
    bail!(
        "--now {s:?} is not a time I understand; use \"2026-11-24 10:00\" (shop time) or RFC 3339 \"2026-11-24T10:00:00+01:00\""
    )
}
