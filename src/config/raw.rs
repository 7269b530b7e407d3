//! The TOML shape of a config file, as serde reads it, and the one list of the keys each
//! section accepts, taken from these structs (a key is declared by adding its field, nowhere
//! else).
//!
//! Values stay close to the text here (`i64` for numbers, `String` for words) so that every
//! range and word check happens in [`super::load`], where it can name the key and its line.
//! `[imap]` and `[smtp]` share [`RawServer`] (connection, password and OAuth keys); `[imap]`
//! adds [`RawMailbox`] through `#[serde(flatten)]`. Flattened structs cannot deny unknown
//! fields, so unknown keys are found before serde runs, by the key walk in
//! [`super::load::Ctx::check_known_keys`], from the lists [`sections`] derives.

use serde::de::{self, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub shop: RawShop,
    pub hours: RawHours,
    #[serde(default)]
    pub store: RawStore,
    pub imap: Option<RawImap>,
    pub smtp: Option<RawServer>,
    #[serde(default)]
    pub keys: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub templates: RawTemplates,
    #[serde(default)]
    pub offers: BTreeMap<String, String>,
    #[serde(default)]
    pub orders: super::orders::RawOrders,
    #[serde(default)]
    pub send: RawSend,
    #[serde(default)]
    pub outreach: super::outreach::RawOutreach,
    #[serde(default)]
    pub attachments: super::attachments::RawAttachments,
    #[serde(default)]
    pub sharing: RawSharing,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawShop {
    pub name: String,
    pub owner_name: String,
    #[serde(default)]
    pub signature: String,
    pub addresses: Vec<String>,
    pub language: Option<String>,
    pub from_name: Option<String>,
    pub authserv_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHours {
    pub time_zone: String,
    pub business_days: Option<Vec<String>>,
    pub open: Option<String>,
    pub close: Option<String>,
    #[serde(default)]
    pub holidays: Vec<toml::Value>,
    #[serde(default)]
    pub cutoff_minutes: u32,
    pub promise_cutoff_minutes: Option<u32>,
    pub late_grace_minutes: Option<u32>,
    pub due_soon_minutes: Option<u32>,
    pub track_days: Option<u32>,
    pub track_since: Option<toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    pub path: Option<String>,
}

/// The keys `[imap]` and `[smtp]` share: where the server is, how to log in (a password
/// source, or OAuth 2.0) and which CA to trust. Declared once, validated once
/// ([`super::server`]).
#[derive(Deserialize)]
pub(super) struct RawServer {
    pub host: Option<String>,
    pub port: Option<i64>,
    pub security: Option<String>,
    pub username: Option<String>,
    pub password_keyring: Option<bool>,
    pub password_command: Option<String>,
    pub password_env: Option<String>,
    pub auth: Option<String>,
    pub token_command: Option<String>,
    pub oauth2_mechanism: Option<String>,
    pub oauth2_provider: Option<String>,
    pub oauth2_client_id: Option<String>,
    pub oauth2_client_secret: Option<String>,
    pub oauth2_auth_url: Option<String>,
    pub oauth2_token_url: Option<String>,
    pub oauth2_device_url: Option<String>,
    pub oauth2_scopes: Option<Vec<String>>,
    pub ca_file: Option<String>,
}

/// `[imap]`: the shared server keys and the mailbox's own.
#[derive(Deserialize)]
pub(super) struct RawImap {
    #[serde(flatten)]
    pub server: RawServer,
    #[serde(flatten)]
    pub mailbox: RawMailbox,
}

/// The keys only `[imap]` has: which folders to read and how.
#[derive(Deserialize)]
pub(super) struct RawMailbox {
    pub sent_folder: Option<String>,
    #[serde(default)]
    pub folders: Vec<String>,
    pub idle: Option<bool>,
    pub poll_seconds: Option<i64>,
    pub save_sent: Option<String>,
    pub mark_read_on_server: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTemplates {
    pub dir: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSend {
    pub undo_seconds: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSharing {
    #[serde(default)]
    pub enabled: bool,
    pub name: Option<String>,
}

/// One table of the file and the keys it accepts; `None`: any name (`[keys]` maps action
/// names, `[offers]` holds the owner's own facts).
pub(super) struct Section {
    /// `hours`, or `orders.source` for a table inside a section.
    pub name: &'static str,
    pub keys: Option<Vec<&'static str>>,
}

/// Every section and the keys it accepts, in the order of the structs above (which is the
/// order config.example.toml documents them in). The section names are [`RawConfig`]'s
/// fields; a test keeps this table's names equal to them.
pub(super) fn sections() -> Vec<Section> {
    let fixed = |name, keys| Section {
        name,
        keys: Some(keys),
    };
    let free = |name| Section { name, keys: None };
    vec![
        fixed("shop", fields_of::<RawShop>()),
        fixed("hours", fields_of::<RawHours>()),
        fixed("store", fields_of::<RawStore>()),
        fixed(
            "imap",
            [fields_of::<RawServer>(), fields_of::<RawMailbox>()].concat(),
        ),
        fixed("smtp", fields_of::<RawServer>()),
        free("keys"),
        fixed("templates", fields_of::<RawTemplates>()),
        free("offers"),
        fixed("orders", fields_of::<super::orders::RawOrders>()),
        fixed("send", fields_of::<RawSend>()),
        fixed("outreach", fields_of::<super::outreach::RawOutreach>()),
        fixed(
            "attachments",
            fields_of::<super::attachments::RawAttachments>(),
        ),
        fixed("sharing", fields_of::<RawSharing>()),
        // Tables inside a section.
        fixed(
            "orders.source",
            fields_of::<super::orders::RawOrderSource>(),
        ),
        fixed("orders.import", fields_of::<super::outreach::RawImport>()),
    ]
}

/// The field names serde's derive gives a struct (without `flatten`), in declaration order:
/// the derive passes them to `Deserializer::deserialize_struct`, where [`FieldNames`] keeps
/// them and stops.
pub(super) fn fields_of<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    let mut names = None;
    // The probe always fails once it has the names; the value is never built.
    let _ = T::deserialize(FieldNames(&mut names));
    names.unwrap_or_default().to_vec()
}

struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct without flatten"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("field names taken"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_names_are_the_config_fields() {
        let top: Vec<&str> = sections()
            .iter()
            .map(|s| s.name)
            .filter(|n| !n.contains('.'))
            .collect();
        assert_eq!(top, fields_of::<RawConfig>());
        for s in sections() {
            if let Some(keys) = s.keys {
                assert!(!keys.is_empty(), "[{}] has no keys", s.name);
            }
        }
    }

    #[test]
    fn server_keys_are_shared_and_imap_adds_its_own() {
        let all = sections();
        let keys = |name: &str| {
            all.iter()
                .find(|s| s.name == name)
                .and_then(|s| s.keys.clone())
                .unwrap_or_default()
        };
        let (imap, smtp) = (keys("imap"), keys("smtp"));
        assert!(imap.starts_with(&smtp), "{imap:?}");
        assert_eq!(smtp.first(), Some(&"host"));
        assert!(smtp.contains(&"oauth2_scopes") && smtp.contains(&"ca_file"));
        assert!(imap.contains(&"mark_read_on_server") && !smtp.contains(&"folders"));
    }
}
