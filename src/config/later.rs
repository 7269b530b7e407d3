//! Problems found after loading — in the `[keys]` table (checked by the app, which knows the
//! actions), in the environment (`password_env`), in a CA file — worded exactly like the
//! load's own: the file, the key, the value as written and its line. Loading stays free of
//! environment reads so that a config can be parsed anywhere; `config check` and the inbox
//! ask for these checks before they start.

use super::load::Ctx;
use super::{ConfigError, PasswordSource, ServerAuth};
use crate::config::Config;
use std::path::Path;

impl Config {
    /// A problem with `key` (a dotted path such as `keys.reply[1]`), naming the file, the
    /// value as written and its line. The file is read again for the line; when it cannot be
    /// (it changed or vanished since loading), the message still names the key and problem.
    pub fn problem_at(&self, key: &str, problem: impl Into<String>) -> ConfigError {
        let problem = problem.into();
        let path = self.file.clone().unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match Ctx::new(&text, &path) {
            Ok(ctx) => ctx.invalid(key, problem),
            Err(_) => ConfigError::Invalid {
                path,
                key: key.to_string(),
                value: String::new(),
                line: None,
                problem,
            },
        }
    }

    /// The line `key` is written on, read again from the file (see [`Config::problem_at`]).
    pub fn line_of(&self, key: &str) -> Option<usize> {
        let path = self.file.clone()?;
        let text = std::fs::read_to_string(&path).ok()?;
        Ctx::new(&text, &path).ok()?.line_of(key)
    }

    /// Every `password_env` names a variable that is set: a missing one would pass the load
    /// and fail at the first connection, long after the owner looked at the config.
    pub fn check_environment(&self) -> Result<(), ConfigError> {
        match self.environment_problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every `password_env` that names a variable not set (see [`Config::check_environment`]).
    pub fn environment_problems(&self) -> Vec<ConfigError> {
        let mut problems = Vec::new();
        let servers = [
            ("imap", self.imap.as_ref().map(|i| &i.auth)),
            ("smtp", self.smtp.as_ref().map(|s| &s.auth)),
        ];
        for (section, auth) in servers {
            let Some(ServerAuth::Password(PasswordSource::Env(var))) = auth else {
                continue;
            };
            if std::env::var_os(var).is_none() {
                problems.push(self.problem_at(
                    &format!("{section}.password_env"),
                    format!("names an environment variable that is not set; export {var} before starting shopinbox (e.g. in your shell profile) or use password_command"),
                ));
            }
        }
        problems
    }
}

/// "did you mean "sync_now"? " when `word` looks like a typo of one of `candidates`, else "",
/// the same suggestion the load makes for misspelt keys.
pub fn suggestion(word: &str, candidates: &[&str]) -> String {
    super::load::did_you_mean(word, candidates)
}

/// Why a CA file cannot be used, in words for the config message (its path is already there).
pub(super) fn ca_file_problem(e: &crate::net::NetError) -> String {
    use crate::net::NetError;
    match e {
        NetError::CaFileRead { path, source } => format!(
            "cannot be read ({}: {source}); give the path of a PEM certificate file you can read, or remove the key",
            shown(path)
        ),
        NetError::CaFileEmpty { path } => format!(
            "holds no PEM certificate ({}); give the CA's certificate in PEM form (\"-----BEGIN CERTIFICATE-----\"), or remove the key",
            shown(path)
        ),
        other => format!("cannot be used: {other}"),
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::NetError;

    #[test]
    fn ca_file_problems_say_what_to_do() {
        let path = Path::new("/etc/shop/ca.pem");
        let denied = NetError::CaFileRead {
            path: path.to_path_buf(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        let text = ca_file_problem(&denied);
        assert!(
            text.starts_with("cannot be read (/etc/shop/ca.pem: "),
            "{text}"
        );
        assert!(text.contains("you can read, or remove the key"), "{text}");
        let empty = NetError::CaFileEmpty {
            path: path.to_path_buf(),
        };
        assert!(ca_file_problem(&empty).starts_with("holds no PEM certificate"));
    }
}
