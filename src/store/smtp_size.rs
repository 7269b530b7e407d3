//! The SMTP server's `SIZE` limit as last seen by the send worker, kept in `meta` so that a
//! reply too large for the server is refused before it is queued (the UI thread never asks the
//! server). Only a hint: the worker checks the live value again before sending.

use super::{schema, Store, StoreError};

const KEY: &str = "smtp_size_limit";

impl Store {
    /// The last `SIZE` the SMTP server announced, in bytes; `None` when never seen or unlimited.
    pub fn smtp_size_limit(&self) -> Result<Option<u64>, StoreError> {
        Ok(schema::meta_get(&self.conn, KEY)?
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|&n| n > 0))
    }

    /// Remembers the server's `SIZE` (0: no limit).
    pub fn set_smtp_size_limit(&self, bytes: u64) -> Result<(), StoreError> {
        schema::meta_set(&self.conn, KEY, &bytes.to_string())
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[test]
    fn the_limit_round_trips() {
        let ctx = crate::config::Config::demo().shop_context(crate::clock::Clock::fixed(
            chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        ));
        let store = Store::open_in_memory(ctx).unwrap();
        assert_eq!(store.smtp_size_limit().unwrap(), None);
        store.set_smtp_size_limit(10_485_760).unwrap();
        assert_eq!(store.smtp_size_limit().unwrap(), Some(10_485_760));
        store.set_smtp_size_limit(0).unwrap();
        assert_eq!(store.smtp_size_limit().unwrap(), None);
    }
}
