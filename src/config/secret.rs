//! `password_keyring = true`: a password the owner typed (in `shopinbox setup` or
//! `shopinbox password`), kept in the system keyring (Secret Service, macOS Keychain, Windows
//! Credential Manager), else, where there is no keyring, in `passwords.json` next to the config,
//! readable by the owner only (mode 0600 from creation, written to a temporary file and renamed,
//! never through a symlink). The password is never in the config, never printed and never in an
//! error. `SHOPINBOX_TOKEN_STORE=file` skips the keyring (tests; keyrings that prompt).

use super::ConfigError;
use crate::oauth::store::{file_only, keyring_get, keyring_set};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The fallback file's name, in the config's folder.
pub const FILE_NAME: &str = "passwords.json";

/// Where a typed password is kept: the keyring entry's name and the fallback file.
#[derive(Clone, PartialEq, Eq)]
pub struct Kept {
    /// `password imap hello@alphx.shop imap.alphx.shop`: one per server and login.
    pub entry: String,
    pub file: PathBuf,
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyring({})", self.entry)
    }
}

/// Where a password was stored, for the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Keyring,
    /// The file and why the keyring was not used.
    File {
        path: PathBuf,
        why: String,
    },
}

impl Place {
    pub fn describe(&self) -> String {
        match self {
            Place::Keyring => "in the system keyring".to_string(),
            Place::File { path, why } => format!(
                "in {} (readable only by you; {why})",
                crate::mail::sanitize::line(&path.display().to_string())
            ),
        }
    }
}

impl Kept {
    /// For `[section]` of the config at `config_path`, logging in as `username` to `host`.
    pub fn new(config_path: &Path, section: &str, username: &str, host: &str) -> Kept {
        let dir = config_path.parent().unwrap_or(Path::new("."));
        Kept {
            entry: format!("password {section} {} {}", username.trim(), host.trim()),
            file: dir.join(FILE_NAME),
        }
    }

    /// The stored password; `Ok(None)` when none is stored.
    pub fn load(&self) -> Result<Option<String>, ConfigError> {
        self.load_in(file_only())
    }

    fn load_in(&self, file_only: bool) -> Result<Option<String>, ConfigError> {
        if let Some(p) = read_file(&self.file)?.remove(&self.entry) {
            return Ok(Some(p));
        }
        if file_only {
            return Ok(None);
        }
        Ok(keyring_get(&self.entry))
    }

    /// Stores `password` (its first line); says where.
    pub fn save(&self, password: &str) -> Result<Place, ConfigError> {
        self.save_in(password, file_only())
    }

    fn save_in(&self, password: &str, file_only: bool) -> Result<Place, ConfigError> {
        let password = super::first_line(password);
        if password.is_empty() {
            return Err(ConfigError::PasswordStore(
                "the password is empty; type the password of the mailbox".to_string(),
            ));
        }
        let why = if file_only {
            "SHOPINBOX_TOKEN_STORE=file is set".to_string()
        } else {
            match keyring_set(&self.entry, password) {
                Ok(()) => {
                    // An older copy in the file would shadow the keyring's.
                    let mut all = read_file(&self.file)?;
                    if all.remove(&self.entry).is_some() {
                        write_file(&self.file, &all)?;
                    }
                    return Ok(Place::Keyring);
                }
                Err(why) => why,
            }
        };
        let mut all = read_file(&self.file)?;
        all.insert(self.entry.clone(), password.to_string());
        write_file(&self.file, &all)?;
        Ok(Place::File {
            path: self.file.clone(),
            why,
        })
    }

    /// Where the password is, as `config check` says it (the keyring is not asked: it may
    /// prompt).
    pub fn describe(&self) -> String {
        match read_file(&self.file) {
            Ok(all) if all.contains_key(&self.entry) => format!(
                "typed, kept in {} (readable only by you)",
                crate::mail::sanitize::line(&self.file.display().to_string())
            ),
            Ok(_) if file_only() => "typed, but not stored yet: run `shopinbox password`".into(),
            Ok(_) => "typed, kept in the system keyring".to_string(),
            Err(e) => e.to_string(),
        }
    }

    /// The password, or one sentence saying how to set it.
    pub fn resolve(&self, section: &str) -> Result<String, ConfigError> {
        match self.load()? {
            Some(p) if !p.is_empty() => Ok(p),
            _ => Err(ConfigError::PasswordNotStored {
                section: section.to_string(),
            }),
        }
    }
}

fn store_error(path: &Path, what: &str, e: &dyn std::fmt::Display) -> ConfigError {
    ConfigError::PasswordStore(format!(
        "cannot {what} {}: {e}",
        crate::mail::sanitize::line(&path.display().to_string())
    ))
}

fn read_file(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(store_error(path, "read", &e)),
        Ok(m) if !m.file_type().is_file() => return Err(store_error(
            path,
            "read",
            &"it is not a plain file (a link or a folder); remove it and run `shopinbox password`",
        )),
        Ok(_) => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, nofollow());
    let mut bytes = Vec::new();
    options
        .open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| store_error(path, "read", &e))?;
    serde_json::from_slice(&bytes).map_err(|_| {
        store_error(
            path,
            "read",
            &"it is damaged; delete it and run `shopinbox password`",
        )
    })
}

#[cfg(target_os = "linux")]
fn nofollow() -> i32 {
    0o400000
}

#[cfg(all(unix, not(target_os = "linux")))]
fn nofollow() -> i32 {
    0x0100
}

/// Written to a new file (0600 from creation) in the same folder and renamed over the old:
/// the rename replaces a symlink rather than following it.
fn write_file(path: &Path, all: &BTreeMap<String, String>) -> Result<(), ConfigError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: &dyn std::fmt::Display| store_error(path, "write", e);
    std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".passwords");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| fail(&e))?;
    let json = serde_json::to_vec_pretty(all).map_err(|e| fail(&e))?;
    tmp.write_all(&json).map_err(|e| fail(&e))?;
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    /// A keyring in memory, shared by every entry (keyring's own mock keeps each entry apart).
    struct MemoryKeyring(Arc<Mutex<HashMap<String, Vec<u8>>>>);
    struct MemoryCredential(Arc<Mutex<HashMap<String, Vec<u8>>>>, String);

    impl keyring::credential::CredentialApi for MemoryCredential {
        fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
            self.0
                .lock()
                .unwrap()
                .insert(self.1.clone(), secret.to_vec());
            Ok(())
        }
        fn get_secret(&self) -> keyring::Result<Vec<u8>> {
            self.0
                .lock()
                .unwrap()
                .get(&self.1)
                .cloned()
                .ok_or(keyring::Error::NoEntry)
        }
        fn delete_credential(&self) -> keyring::Result<()> {
            self.0.lock().unwrap().remove(&self.1);
            Ok(())
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    impl keyring::credential::CredentialBuilderApi for MemoryKeyring {
        fn build(
            &self,
            _: Option<&str>,
            service: &str,
            user: &str,
        ) -> keyring::Result<Box<keyring::credential::Credential>> {
            Ok(Box::new(MemoryCredential(
                self.0.clone(),
                format!("{service}/{user}"),
            )))
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    #[test]
    fn a_typed_password_goes_to_the_keyring_when_there_is_one() {
        let ring = Arc::new(Mutex::new(HashMap::new()));
        keyring::set_default_credential_builder(Box::new(MemoryKeyring(ring.clone())));
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        let imap = Kept::new(&config, "imap", "hello@alphx.shop", "imap.alphx.shop");
        // An older copy in the file is removed: it would shadow the keyring's.
        imap.save_in("old", true).unwrap();
        assert_eq!(imap.save_in("s3cret\n", false).unwrap(), Place::Keyring);
        assert_eq!(imap.load_in(false).unwrap().as_deref(), Some("s3cret"));
        assert_eq!(
            ring.lock()
                .unwrap()
                .get("shopinbox/password imap hello@alphx.shop imap.alphx.shop"),
            Some(&b"s3cret".to_vec())
        );
        let file = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(!file.contains("old") && !file.contains("s3cret"), "{file}");
    }

    #[test]
    fn the_file_is_private_atomic_and_never_followed() {
        std::env::set_var("SHOPINBOX_TOKEN_STORE", "file");
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("cfg/config.toml");
        let imap = Kept::new(&config, "imap", "hello@alphx.shop", "imap.alphx.shop");
        let smtp = Kept::new(&config, "smtp", "hello@alphx.shop", "smtp.alphx.shop");
        assert_eq!(imap.load().unwrap(), None);
        let e = imap.resolve("imap").unwrap_err().to_string();
        assert!(e.contains("shopinbox password"), "{e}");
        let place = imap.save("pass word\nsecond").unwrap();
        assert!(
            place.describe().contains("readable only by you"),
            "{place:?}"
        );
        smtp.save("other").unwrap();
        assert_eq!(imap.resolve("imap").unwrap(), "pass word");
        assert_eq!(smtp.resolve("smtp").unwrap(), "other");
        let file = dir.path().join("cfg").join(FILE_NAME);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(imap.describe().contains("passwords.json"));
        assert!(!format!("{imap:?}").contains("pass word"));
        assert!(imap.save("").is_err());

        // A symlink in its place is neither read nor written through.
        let target = dir.path().join("elsewhere.json");
        std::fs::write(&target, "{}").unwrap();
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&target, &file).unwrap();
        let e = imap.load().unwrap_err().to_string();
        assert!(e.contains("not a plain file"), "{e}");
        assert!(!e.contains("pass word"));
        std::fs::remove_file(&file).unwrap();
        std::fs::write(&file, "{broken").unwrap();
        let e = imap.load().unwrap_err().to_string();
        assert!(e.contains("damaged"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "{}");
    }
}
