//! Access tokens on demand: from `token_command`, or refreshed from the stored sign-in and
//! kept until shortly before they expire. One source per account and process, shared by the
//! sync worker, the IDLE watcher and the send worker, so they refresh once between them.
//! A refused refresh (revoked or expired sign-in) is remembered: every later request gets the
//! same one sentence without asking the provider again.

use super::flows::{refresh, Refreshed};
use super::{store, OAuth2Settings, OAuthError, TokenOrigin};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Hands out access tokens for one account. See the module docs.
pub struct TokenSource {
    settings: OAuth2Settings,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    cached: Option<(String, Instant)>,
    /// The refresh was refused for good; `shopinbox login` must run again.
    dead: bool,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// How long before its expiry a token is replaced: a quarter of its life, at most 5 minutes.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 4).min(Duration::from_secs(300))
}

impl TokenSource {
    /// The process's source for these settings (created on first use).
    pub fn shared(settings: &OAuth2Settings) -> Arc<TokenSource> {
        static SOURCES: OnceLock<Mutex<HashMap<String, Arc<TokenSource>>>> = OnceLock::new();
        let key = match &settings.origin {
            TokenOrigin::Command(c) => format!("command {c} {}", settings.username),
            TokenOrigin::SignIn(c) => store::entry_name(c, &settings.username),
        };
        let map = SOURCES.get_or_init(Default::default);
        let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
        let source = map.entry(key).or_insert_with(|| {
            Arc::new(TokenSource {
                settings: settings.clone(),
                state: Mutex::new(State::default()),
            })
        });
        if source.settings != *settings {
            // Same account, other details (a reloaded config): start afresh.
            *source = Arc::new(TokenSource {
                settings: settings.clone(),
                state: Mutex::new(State::default()),
            });
        }
        Arc::clone(source)
    }

    pub fn settings(&self) -> &OAuth2Settings {
        &self.settings
    }

    /// The error for a server that refused even a fresh token.
    pub fn refused(&self, host: &str) -> OAuthError {
        let user = &self.settings.username;
        let hint = match &self.settings.origin {
            TokenOrigin::Command(_) => format!(
                "check that token_command prints a current access token for {user} (run it in a shell)"
            ),
            TokenOrigin::SignIn(c) => format!(
                "run `shopinbox login` and sign in to {} as {user} again",
                c.provider
            ),
        };
        OAuthError::Refused {
            host: host.to_string(),
            user: user.clone(),
            hint,
        }
    }

    /// An access token. `fresh`: the server just refused the last one, get a new one.
    pub fn token(&self, fresh: bool) -> Result<String, OAuthError> {
        match &self.settings.origin {
            TokenOrigin::Command(command) => run_command(command),
            TokenOrigin::SignIn(client) => {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                let user = &self.settings.username;
                if state.dead {
                    return Err(OAuthError::Revoked {
                        provider: client.provider.clone(),
                        user: user.clone(),
                    });
                }
                if !fresh {
                    if let Some((token, good_until)) = &state.cached {
                        if Instant::now() < *good_until {
                            return Ok(token.clone());
                        }
                    }
                }
                state.cached = None;
                let name = store::entry_name(client, user);
                let dir = &self.settings.data_dir;
                let Some(refresh_token) = store::load(dir, &name)? else {
                    return Err(OAuthError::NotSignedIn {
                        provider: client.provider.clone(),
                        user: user.clone(),
                    });
                };
                let Refreshed {
                    access,
                    lifetime,
                    refresh_token: rotated,
                } = match refresh(client, user, &refresh_token) {
                    Ok(r) => r,
                    Err(e @ OAuthError::Revoked { .. }) => {
                        state.dead = true;
                        return Err(e);
                    }
                    Err(e) => return Err(e),
                };
                if let Some(new) = rotated.filter(|r| *r != refresh_token) {
                    store::update(dir, &name, &new)?;
                }
                let good_until = Instant::now() + lifetime.saturating_sub(margin(lifetime));
                state.cached = Some((access.clone(), good_until));
                Ok(access)
            }
        }
    }
}

/// Runs `token_command` with `sh -c`; its first output line is the token. Errors never show
/// the command (people put secrets in it) or its output.
fn run_command(command: &str) -> Result<String, OAuthError> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| OAuthError::Command {
            problem: format!("could not be started ({e})"),
        })?;
    if !output.status.success() {
        let status = match output.status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_string(),
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: String = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let detail = if first.is_empty() {
            String::new()
        } else {
            format!(" ({first})")
        };
        return Err(OAuthError::Command {
            problem: format!("{status}{detail}"),
        });
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let token = stdout.lines().next().unwrap_or("").trim();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(OAuthError::Command {
            problem: "did not print an access token on its first line".to_string(),
        });
    }
    Ok(token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins() {
        assert_eq!(margin(Duration::from_secs(3600)), Duration::from_secs(300));
        assert_eq!(margin(Duration::from_secs(8)), Duration::from_secs(2));
        assert_eq!(margin(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn token_command_output() {
        assert_eq!(
            run_command("printf 'abc.def\\r\\nmore'").unwrap(),
            "abc.def"
        );
        let e = run_command("echo secret-token-xyz >&2; exit 3")
            .unwrap_err()
            .to_string();
        assert!(e.contains("exited with status 3"), "{e}");
        let e = run_command("true").unwrap_err().to_string();
        assert!(e.contains("did not print an access token"), "{e}");
        let cmd_shown = run_command("printf '' # hunter2").unwrap_err().to_string();
        assert!(!cmd_shown.contains("hunter2"), "{cmd_shown}");
    }
}
