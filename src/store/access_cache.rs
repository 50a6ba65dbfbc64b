//! The storefront tokens this node has checked, with their shops, remembered so that a request
//! does not cost a query before its own work; and how a revocation reaches every node at once.
//!
//! Every change to `storefront_tokens` or `shops`, by any writer, is signalled by the database
//! itself (the triggers of the `storefront_access_changes` migration), and any signal drops the
//! whole cache:
//! - **SQLite**: before each lookup, `PRAGMA data_version` on a connection of the cache's own
//!   (microseconds, on the calling thread: no hand-off to a connection's worker thread). It
//!   changes whenever any connection, of this process or another (the CLI), has committed; only
//!   then is `storefront_access_version` read, and only when that moved is the cache dropped.
//!   The check, and the drop it causes, run under one lock, so no lookup after a commit can see
//!   an entry from before it.
//! - **PostgreSQL**: a task listens on `storefront_access_changed` on a connection of its own and
//!   drops the cache on every notification. While it is not listening (starting, or its
//!   connection lost) nothing is remembered and every lookup asks the database.
//!
//! An entry read from the database is kept only if no drop happened since the lookup began (the
//! epoch), so a read that raced with a revocation cannot outlive it. Only tokens that exist are
//! kept (unknown tokens cannot fill the memory), at most [`CAPACITY`] of them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::domain::shop::Shop;
use crate::domain::storefront_token::StorefrontTokenRecord;

/// Distinct active tokens remembered; more drops the cache and starts again (a shop has a
/// handful of storefront tokens, a server a few per shop).
const CAPACITY: usize = 10_000;

/// The PostgreSQL notification channel the migration's triggers send on.
pub const CHANNEL: &str = "storefront_access_changed";

pub type CachedAccess = (StorefrontTokenRecord, Arc<Shop>);

#[derive(Default)]
pub struct AccessCache {
    state: RwLock<State>,
    /// SQLite only: the connection that sees other connections' commits.
    sqlite: Option<Mutex<SqliteWatch>>,
    /// PostgreSQL only: the listening task, stopped with the cache.
    listener: Mutex<Option<tokio::task::AbortHandle>>,
}

#[derive(Default)]
struct State {
    /// Whether entries may be used and kept at all.
    usable: bool,
    /// Moves on every drop.
    epoch: u64,
    entries: HashMap<String, CachedAccess>,
}

impl State {
    fn drop_all(&mut self) {
        self.entries.clear();
        self.epoch += 1;
    }
}

struct SqliteWatch {
    connection: rusqlite::Connection,
    data_version: i64,
    access_version: i64,
}

impl SqliteWatch {
    fn open(path: &Path) -> rusqlite::Result<Self> {
        // WAL readers do not wait on writers; this covers a checkpoint's brief exclusive moment.
        let connection = super::direct_reads::read_only(path, Duration::from_millis(500))?;
        let mut watch = Self {
            connection,
            data_version: 0,
            access_version: 0,
        };
        watch.data_version = watch.read_data_version()?;
        watch.access_version = watch.read_access_version()?;
        Ok(watch)
    }

    fn read_data_version(&self) -> rusqlite::Result<i64> {
        self.connection
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |row| row.get(0))
    }

    fn read_access_version(&self) -> rusqlite::Result<i64> {
        self.connection
            .prepare_cached("SELECT version FROM storefront_access_version WHERE id = 1")?
            .query_row([], |row| row.get(0))
    }

    /// Whether the watched tables changed since the last call.
    fn changed(&mut self) -> rusqlite::Result<bool> {
        let data_version = self.read_data_version()?;
        if data_version == self.data_version {
            return Ok(false);
        }
        self.data_version = data_version;
        let access_version = self.read_access_version()?;
        let changed = access_version != self.access_version;
        self.access_version = access_version;
        Ok(changed)
    }
}

impl AccessCache {
    /// No cache: every lookup asks the database (an in-memory database, or before the
    /// migration that adds the signals).
    pub fn off() -> Self {
        Self::default()
    }

    /// Watches the SQLite file at `path`.
    pub fn sqlite(path: &Path) -> Self {
        match SqliteWatch::open(path) {
            Ok(watch) => Self {
                state: RwLock::new(State {
                    usable: true,
                    ..State::default()
                }),
                sqlite: Some(Mutex::new(watch)),
                listener: Mutex::default(),
            },
            Err(err) => {
                tracing::warn!(error = %err, "storefront tokens are not cached: cannot watch the database for changes");
                Self::off()
            }
        }
    }

    /// Starts listening on PostgreSQL at `url`; usable once the listener is, which this waits
    /// for (a while), so that a node starts with its cache working.
    pub async fn postgres(url: &str) -> Arc<Self> {
        let cache = Arc::new(Self::default());
        let task =
            super::change_listener::start(&cache, url, CHANNEL, "storefront token changes").await;
        if let Ok(mut listener) = cache.listener.lock() {
            *listener = Some(task);
        }
        cache
    }

    /// Whether entries may be used now, and the epoch to remember a database read under. On
    /// SQLite this is where changes are noticed.
    pub fn begin(&self) -> Option<u64> {
        if let Some(watch) = &self.sqlite {
            let Ok(mut watch) = watch.lock() else {
                return None;
            };
            match watch.changed() {
                Ok(false) => {}
                Ok(true) => self.drop_all(),
                Err(err) => {
                    // Unknown: nothing remembered may be trusted.
                    tracing::warn!(error = %err, "cannot check the database for storefront token changes");
                    self.drop_all();
                    return None;
                }
            }
            // Read while the watch is still held: no drop can come between check and epoch.
            return self.epoch();
        }
        self.epoch()
    }

    fn epoch(&self) -> Option<u64> {
        let state = self.state.read().ok()?;
        state.usable.then_some(state.epoch)
    }

    pub fn get(&self, digest: &str) -> Option<CachedAccess> {
        let state = self.state.read().ok()?;
        if !state.usable {
            return None;
        }
        state.entries.get(digest).cloned()
    }

    /// Keeps what the database answered, unless the cache was dropped since `epoch`.
    pub fn remember(&self, epoch: u64, digest: &str, access: CachedAccess) {
        let Ok(mut state) = self.state.write() else {
            return;
        };
        if !state.usable || state.epoch != epoch {
            return;
        }
        if state.entries.len() >= CAPACITY {
            state.entries.clear();
        }
        state.entries.insert(digest.to_owned(), access);
    }

    pub fn drop_all(&self) {
        if let Ok(mut state) = self.state.write() {
            state.drop_all();
        }
    }

    fn set_usable(&self, usable: bool) {
        if let Ok(mut state) = self.state.write() {
            state.usable = usable;
            state.drop_all();
        }
    }
}

impl Drop for AccessCache {
    fn drop(&mut self) {
        if let Ok(mut listener) = self.listener.lock()
            && let Some(task) = listener.take()
        {
            task.abort();
        }
    }
}

impl super::change_listener::ChangeSink for AccessCache {
    fn listening(&self, listening: bool) {
        self.set_usable(listening);
    }

    fn received(&self, _payload: &str) {
        self.drop_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usable() -> AccessCache {
        let cache = AccessCache::off();
        cache.set_usable(true);
        cache
    }

    fn entry(id: i64) -> CachedAccess {
        (
            StorefrontTokenRecord {
                id,
                kind: crate::domain::storefront_token::TokenKind::Public,
                title: "t".into(),
                public_token: None,
                created_at: 0,
                revoked_at: None,
            },
            Arc::new(Shop {
                id: 1,
                handle: crate::domain::shop::ShopHandle::parse("shop").expect("handle"),
                name: "Shop".into(),
                domain: "shop.example".into(),
                mail_from: None,
                password_policy: Default::default(),
                multipass_secret: None,
                webhook_secret: None,
                shopify_webhook_secret: None,
                order_url_template: None,
                created_at: 0,
                updated_at: 0,
            }),
        )
    }

    #[test]
    fn an_off_cache_remembers_nothing() {
        let cache = AccessCache::off();
        assert_eq!(cache.begin(), None);
        cache.remember(0, "d", entry(1));
        assert!(cache.get("d").is_none());
    }

    #[test]
    fn a_read_that_raced_with_a_drop_is_not_kept() {
        let cache = usable();
        let epoch = cache.begin().expect("usable");
        cache.drop_all();
        cache.remember(epoch, "d", entry(1));
        assert!(cache.get("d").is_none());
        let epoch = cache.begin().expect("usable");
        cache.remember(epoch, "d", entry(1));
        assert_eq!(cache.get("d").map(|(record, _)| record.id), Some(1));
    }

    #[test]
    fn becoming_unusable_forgets_everything() {
        let cache = usable();
        let epoch = cache.begin().expect("usable");
        cache.remember(epoch, "d", entry(1));
        cache.set_usable(false);
        assert!(cache.get("d").is_none());
        assert_eq!(cache.begin(), None);
        cache.set_usable(true);
        assert!(cache.get("d").is_none());
    }

    #[test]
    fn a_full_cache_starts_again() {
        let cache = usable();
        let epoch = cache.begin().expect("usable");
        for i in 0..CAPACITY {
            cache.remember(epoch, &format!("d{i}"), entry(1));
        }
        cache.remember(epoch, "last", entry(2));
        assert!(cache.get("d0").is_none());
        assert!(cache.get("last").is_some());
    }
}
