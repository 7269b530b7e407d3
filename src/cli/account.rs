//! The account: `login` (OAuth), `password` (keyring) and `setup`.

use super::{clock_for, load_config, Cli};
use crate::config::Config;
use anyhow::{anyhow, bail, Result};
use chrono::Datelike;

/// `login`: sign in to the mail provider (OAuth).
pub(super) fn login(cli: &Cli, device: bool, no_browser: bool) -> Result<i32> {
    if cli.demo {
        bail!("the demo has no server to sign in to; drop --demo");
    }
    let (config, _) = load_config(cli)?;
    let opts = crate::login::LoginOptions {
        device,
        open_browser: !no_browser,
    };
    crate::login::run_login(&config, opts, &mut std::io::stdout().lock())?;
    Ok(0)
}

/// `password`: store the mailbox password in the system keyring.
pub(super) fn password(cli: &Cli, stdin: bool) -> Result<i32> {
    if cli.demo {
        bail!("the demo has no mailbox password; drop --demo");
    }
    let (config, _) = load_config(cli)?;
    crate::setup::password::run(&config, stdin, &mut std::io::stdout().lock())?;
    Ok(0)
}

/// `setup`: write a configuration by asking the owner, or from the given answers.
pub(super) fn setup(cli: &Cli, args: &crate::setup::SetupArgs) -> Result<i32> {
    if cli.demo {
        bail!("the demo needs no set-up; drop --demo");
    }
    let path = match &cli.config {
        Some(p) => p.clone(),
        None => crate::config::default_config_path().ok_or_else(|| {
            anyhow!("cannot find a home directory for the configuration; pass --config PATH")
        })?,
    };
    // "This year" for the holidays comes from the command's clock (`--now`).
    let year = clock_for(cli.now.as_deref(), &Config::demo())?.now().year();
    crate::setup::run(args, &path, year, &mut std::io::stdout().lock())?;
    Ok(0)
}
