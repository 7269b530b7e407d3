//! Where the refresh token from `shopinbox login` is kept: the system keyring (Secret Service,
//! macOS Keychain, Windows Credential Manager) when there is one, else `oauth2-tokens.json` in
//! the data folder, created readable by the owner only (mode 0600) from the first byte.
//! `SHOPINBOX_TOKEN_STORE=file` skips the keyring (tests; machines whose keyring prompts).

use super::{ClientSettings, OAuthError};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const SERVICE: &str = "shopinbox";
pub const FILE_NAME: &str = "oauth2-tokens.json";

/// Where a sign-in was stored, for the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    Keyring,
    /// The file and why the keyring was not used.
    File {
        path: PathBuf,
        why: String,
    },
}

impl Kept {
    pub fn describe(&self) -> String {
        match self {
            Kept::Keyring => "in the system keyring".to_string(),
            Kept::File { path, why } => {
                format!("in {} (readable only by you; {why})", path.display())
            }
        }
    }
}

/// The name a sign-in is stored under: one per provider endpoint, app and account.
pub fn entry_name(client: &ClientSettings, user: &str) -> String {
    format!("oauth2 {} {} {}", client.token_url, client.client_id, user)
}

/// `SHOPINBOX_TOKEN_STORE=file`: the keyring is skipped (for refresh tokens and passwords).
pub(crate) fn file_only() -> bool {
    std::env::var("SHOPINBOX_TOKEN_STORE").is_ok_and(|v| v.eq_ignore_ascii_case("file"))
}

fn token_file(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// The stored refresh token, if any.
pub fn load(data_dir: &Path, name: &str) -> Result<Option<String>, OAuthError> {
    if let Some(t) = read_file(data_dir)?.remove(name) {
        return Ok(Some(t));
    }
    if file_only() {
        return Ok(None);
    }
    Ok(keyring_get(name))
}

/// Stores `refresh` under `name`; says where.
pub fn save(data_dir: &Path, name: &str, refresh: &str) -> Result<Kept, OAuthError> {
    let why = if file_only() {
        "SHOPINBOX_TOKEN_STORE=file is set".to_string()
    } else {
        match keyring_set(name, refresh) {
            Ok(()) => {
                // An older copy in the file would shadow the keyring's.
                let mut tokens = read_file(data_dir)?;
                if tokens.remove(name).is_some() {
                    write_file(data_dir, &tokens)?;
                }
                return Ok(Kept::Keyring);
            }
            Err(why) => why,
        }
    };
    let mut tokens = read_file(data_dir)?;
    tokens.insert(name.to_string(), refresh.to_string());
    write_file(data_dir, &tokens)?;
    Ok(Kept::File {
        path: token_file(data_dir),
        why,
    })
}

/// Replaces a stored refresh token (providers may rotate it on refresh) where it was found.
pub fn update(data_dir: &Path, name: &str, refresh: &str) -> Result<(), OAuthError> {
    let mut tokens = read_file(data_dir)?;
    if tokens.contains_key(name) || file_only() {
        tokens.insert(name.to_string(), refresh.to_string());
        return write_file(data_dir, &tokens);
    }
    if keyring_set(name, refresh).is_err() {
        tokens.insert(name.to_string(), refresh.to_string());
        write_file(data_dir, &tokens)?;
    }
    Ok(())
}

fn read_file(data_dir: &Path) -> Result<BTreeMap<String, String>, OAuthError> {
    let path = token_file(data_dir);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| {
            OAuthError::Store(format!(
                "{} is damaged; delete it and run `shopinbox login` again",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(OAuthError::Store(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Written to a new file (0600 from creation: tempfile's default) and renamed over the old.
fn write_file(data_dir: &Path, tokens: &BTreeMap<String, String>) -> Result<(), OAuthError> {
    let path = token_file(data_dir);
    let fail = |e: &dyn std::fmt::Display| {
        OAuthError::Store(format!("cannot write {}: {e}", path.display()))
    };
    std::fs::create_dir_all(data_dir).map_err(|e| fail(&e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".oauth2-tokens");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let mut tmp = builder.tempfile_in(data_dir).map_err(|e| fail(&e))?;
    let json = serde_json::to_vec_pretty(tokens).map_err(|e| fail(&e))?;
    tmp.write_all(&json).map_err(|e| fail(&e))?;
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    tmp.persist(&path).map_err(|e| fail(&e.error))?;
    Ok(())
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
pub(crate) fn keyring_set(name: &str, secret: &str) -> Result<(), String> {
    let entry = keyring::Entry::new(SERVICE, name).map_err(keyring_why)?;
    entry.set_password(secret).map_err(keyring_why)
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
pub(crate) fn keyring_get(name: &str) -> Option<String> {
    keyring::Entry::new(SERVICE, name)
        .ok()
        .and_then(|e| e.get_password().ok())
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn keyring_why(e: keyring::Error) -> String {
    match e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            "no system keyring is available".to_string()
        }
        other => format!("the system keyring refused it: {other}"),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub(crate) fn keyring_set(_: &str, _: &str) -> Result<(), String> {
    let _ = SERVICE;
    Err("this system has no supported keyring".to_string())
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub(crate) fn keyring_get(_: &str) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_store_round_trip_is_private() {
        std::env::set_var("SHOPINBOX_TOKEN_STORE", "file");
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        assert_eq!(load(&data, "a").unwrap(), None);
        let kept = save(&data, "a", "r1").unwrap();
        assert!(matches!(kept, Kept::File { .. }), "{kept:?}");
        assert!(kept.describe().contains("readable only by you"));
        save(&data, "b", "r2").unwrap();
        update(&data, "a", "r3").unwrap();
        assert_eq!(load(&data, "a").unwrap().as_deref(), Some("r3"));
        assert_eq!(load(&data, "b").unwrap().as_deref(), Some("r2"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(data.join(FILE_NAME), "{not json").unwrap();
        let e = load(&data, "a").unwrap_err().to_string();
        assert!(e.contains("is damaged") && !e.contains("r3"), "{e}");
    }
}
