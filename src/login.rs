//! `shopinbox login`: signs in to every server section with `auth = "oauth2"` and a built-in
//! sign-in (not `token_command`, which signs in by itself), once per account, and keeps the
//! refresh token (system keyring, else a 0600 file in the data folder), saying where.

use crate::config::{Config, ServerAuth};
use crate::oauth::{flows, store, OAuth2Settings, OAuthError, TokenOrigin};
use std::io::Write;

/// How to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginOptions {
    /// The device authorization grant (a code to enter on another device).
    pub device: bool,
    /// Open a browser with the address (when there is one).
    pub open_browser: bool,
}

/// The accounts `login` signs in to, one per stored sign-in.
pub fn sign_ins(cfg: &Config) -> Vec<OAuth2Settings> {
    let sections = [
        cfg.imap.as_ref().map(|i| &i.auth),
        cfg.smtp.as_ref().map(|s| &s.auth),
    ];
    let mut out: Vec<OAuth2Settings> = Vec::new();
    for auth in sections.into_iter().flatten() {
        if let ServerAuth::OAuth2(o) = auth {
            if let TokenOrigin::SignIn(c) = &o.origin {
                let name = store::entry_name(c, &o.username);
                let seen = out.iter().any(|p| match &p.origin {
                    TokenOrigin::SignIn(pc) => store::entry_name(pc, &p.username) == name,
                    TokenOrigin::Command(_) => false,
                });
                if !seen {
                    out.push((**o).clone());
                }
            }
        }
    }
    out
}

/// Whether a browser can be shown: a desktop session (Linux/BSD) or macOS/Windows.
pub fn has_browser() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

/// Runs the sign-ins; prints progress and where each sign-in was kept to `out`.
pub fn run_login(cfg: &Config, opts: LoginOptions, out: &mut dyn Write) -> anyhow::Result<()> {
    let accounts = sign_ins(cfg);
    if accounts.is_empty() {
        anyhow::bail!(crate::exit::Exit::new(
            crate::exit::USAGE,
            "nothing to sign in to: no [imap] or [smtp] section has auth = \"oauth2\" with oauth2_client_id (a token_command signs in by itself); see the README"
        ));
    }
    for account in accounts {
        let TokenOrigin::SignIn(client) = &account.origin else {
            continue;
        };
        let user = &account.username;
        let signed = if opts.device {
            flows::sign_in_device(client, user, out)?
        } else {
            flows::sign_in_browser(
                client,
                user,
                out,
                opts.open_browser && has_browser(),
                flows::BROWSER_WAIT,
            )?
        };
        let Some(refresh) = signed.tokens.refresh_token else {
            return Err(OAuthError::Flow(format!(
                "{} gave no refresh token, so shopinbox could not stay signed in; check that the app registration allows offline access and run `shopinbox login` again",
                client.provider
            ))
            .into());
        };
        let kept = store::save(
            &account.data_dir,
            &store::entry_name(client, user),
            &refresh,
        )?;
        writeln!(
            out,
            "Signed in to {} as {user}; the sign-in is kept {}.",
            client.provider,
            kept.describe()
        )?;
    }
    Ok(())
}
