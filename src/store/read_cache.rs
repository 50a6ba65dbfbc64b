//! The answers to customer reads this node remembers (the response body of a storefront
//! `customer` query, under a digest of what was asked), and how a change to any customer's data,
//! by any writer on any node, reaches them before they could be served again.
//!
//! Every change to a customer, its access tokens, addresses, metafields or orders names that
//! customer, and a change to a shop, a storefront token or a metafield definition names everyone
//! (the triggers of the `customer_read_changes` migration). A named customer's answers are
//! dropped; everyone's are when a signal names everyone or may have been missed.
//! - **SQLite**: before each lookup, `PRAGMA data_version` on a connection of the cache's own; only
//!   when some commit happened since it last looked are the new rows of `customer_read_changes`
//!   read. Check and drop run under one lock, so no lookup after a commit sees an answer from
//!   before it: exact and immediate, for this process's writes and for the CLI's.
//! - **PostgreSQL**: a task listens on `storefront_customer_changed` on a connection of its own.
//!   A change arrives a moment after its commit, so waiting for a marker sent now is how a node
//!   knows it has every change committed before ([`settle`]): a remembered answer is served only
//!   after that wait, and this node's mutations answer only after it, so that no client (on this
//!   node or another) reads the old answer after a change it has seen. While not listening,
//!   nothing is remembered.
//!
//! An answer is kept only if none of its customers (nor everyone) was named since its read
//! began (the generation), so a read that raced with a change cannot outlive it. An answer never
//! outlives its access token (`expires_at`). At most `capacity` bytes are kept, least recently
//! used first out.
//!
//! [`settle`]: ReadCache::settle

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use bytes::Bytes;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio::sync::oneshot;

use super::error::StoreError;

/// The PostgreSQL notification channel the migration's triggers send on.
pub const CHANNEL: &str = "storefront_customer_changed";

/// A digest of everything an answer depends on besides the data: the access, the document, the
/// operation and the variables.
pub type ReadKey = [u8; 32];

/// How many changes a read in flight is checked against; a read that saw more happen is not
/// kept.
const RECENT: usize = 4096;
/// SQLite: changes read at once; more than that drops everything (a bulk import).
const MOST_CHANGES_READ: i64 = 1000;
/// SQLite: how many rows of `customer_read_changes` housekeeping leaves.
pub const CHANGES_KEPT: i64 = 10_000;
/// SQLite: how many rows housekeeping deletes in one transaction.
const PRUNED_AT_ONCE: i64 = 10_000;
/// How long a mutation waits for its signals to come back before dropping everything.
const SETTLE_WAIT: Duration = Duration::from_secs(2);
/// What an entry costs besides its body (the key, the maps' slots, the customer list).
const ENTRY_OVERHEAD: usize = 160;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Customer(i64),
    Everyone,
}

struct Entry {
    body: Bytes,
    customers: Vec<i64>,
    /// Unix seconds: the earliest expiry of the access tokens it was read with.
    expires_at: i64,
}

impl Entry {
    fn cost(&self) -> usize {
        self.body.len() + ENTRY_OVERHEAD + self.customers.len() * 8
    }
}

struct State {
    usable: bool,
    /// Moves on every change applied.
    generation: u64,
    /// The last [`RECENT`] changes, with the generation each made.
    recent: VecDeque<(u64, Change)>,
    entries: lru::LruCache<ReadKey, Entry>,
    by_customer: HashMap<i64, Vec<ReadKey>>,
    bytes: usize,
}

impl State {
    fn new(usable: bool) -> Self {
        Self {
            usable,
            generation: 0,
            recent: VecDeque::new(),
            entries: lru::LruCache::unbounded(),
            by_customer: HashMap::new(),
            bytes: 0,
        }
    }

    fn apply(&mut self, change: Change) {
        self.generation += 1;
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back((self.generation, change));
        match change {
            Change::Everyone => {
                self.entries.clear();
                self.by_customer.clear();
                self.bytes = 0;
            }
            Change::Customer(id) => {
                for key in self.by_customer.remove(&id).unwrap_or_default() {
                    self.remove(&key);
                }
            }
        }
    }

    fn remove(&mut self, key: &ReadKey) {
        if let Some(entry) = self.entries.pop(key) {
            self.forget(key, &entry);
        }
    }

    fn forget(&mut self, key: &ReadKey, entry: &Entry) {
        self.bytes = self.bytes.saturating_sub(entry.cost());
        for customer in &entry.customers {
            if let Some(keys) = self.by_customer.get_mut(customer) {
                keys.retain(|kept| kept != key);
                if keys.is_empty() {
                    self.by_customer.remove(customer);
                }
            }
        }
    }

    /// Whether a change named one of `customers` (or everyone) since `generation`; `true` when
    /// too many happened to tell.
    fn changed_since(&self, generation: u64, customers: &[i64]) -> bool {
        if generation == self.generation {
            return false;
        }
        let oldest_known = self.recent.front().map_or(u64::MAX, |(made, _)| *made);
        if generation + 1 < oldest_known {
            return true;
        }
        self.recent
            .iter()
            .rev()
            .take_while(|(made, _)| *made > generation)
            .any(|(_, change)| match change {
                Change::Everyone => true,
                Change::Customer(id) => customers.contains(id),
            })
    }

    fn insert(&mut self, key: ReadKey, entry: Entry, capacity: usize) {
        self.remove(&key);
        let cost = entry.cost();
        for customer in &entry.customers {
            self.by_customer.entry(*customer).or_default().push(key);
        }
        self.bytes += cost;
        self.entries.put(key, entry);
        while self.bytes > capacity {
            let Some((old_key, old)) = self.entries.pop_lru() else {
                break;
            };
            self.forget(&old_key, &old);
        }
    }
}

struct SqliteLog {
    connection: rusqlite::Connection,
    data_version: i64,
    /// The last row of `customer_read_changes` read.
    last_seq: i64,
}

impl SqliteLog {
    fn open(path: &Path) -> rusqlite::Result<Self> {
        // WAL readers do not wait on writers; this covers a checkpoint's brief exclusive moment.
        let connection = super::direct_reads::read_only(path, Duration::from_millis(500))?;
        let data_version = connection.query_row("PRAGMA data_version", [], |row| row.get(0))?;
        let last_seq = Self::latest(&connection)?;
        Ok(Self {
            connection,
            data_version,
            last_seq,
        })
    }

    fn latest(connection: &rusqlite::Connection) -> rusqlite::Result<i64> {
        connection.query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM customer_read_changes",
            [],
            |row| row.get(0),
        )
    }

    /// The changes committed since the last call.
    fn changes(&mut self) -> rusqlite::Result<Vec<Change>> {
        let data_version: i64 = self
            .connection
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |row| row.get(0))?;
        if data_version == self.data_version {
            return Ok(Vec::new());
        }
        self.data_version = data_version;
        let rows: Vec<(i64, Option<i64>)> = self
            .connection
            .prepare_cached(
                "SELECT seq, customer_id FROM customer_read_changes WHERE seq > ?1 \
                 ORDER BY seq LIMIT ?2",
            )?
            .query_map([self.last_seq, MOST_CHANGES_READ + 1], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let Some((first, _)) = rows.first() else {
            return Ok(Vec::new());
        };
        // Pruned before this node read them, or too many to go through one by one.
        if *first != self.last_seq + 1 || rows.len() as i64 > MOST_CHANGES_READ {
            self.last_seq = Self::latest(&self.connection)?;
            return Ok(vec![Change::Everyone]);
        }
        self.last_seq = rows.last().map_or(self.last_seq, |(seq, _)| *seq);
        Ok(rows
            .into_iter()
            .map(|(_, customer)| customer.map_or(Change::Everyone, Change::Customer))
            .collect())
    }
}

/// PostgreSQL: what [`ReadCache::settle`] needs. Mutations that settle at about the same time
/// share a marker: one is sent for every mutation that asked before it was sent.
struct Settling {
    /// Sends the marker notifications.
    db: DatabaseConnection,
    /// Tells this node's markers from other nodes'.
    node: String,
    next: u64,
    /// Mutations waiting for a marker not sent yet.
    queued: Vec<oneshot::Sender<()>>,
    /// Mutations waiting for each marker sent, by number.
    sent: HashMap<u64, Vec<oneshot::Sender<()>>>,
    /// Whether a task is sending markers.
    sending: bool,
}

pub struct ReadCache {
    capacity: usize,
    state: Mutex<State>,
    sqlite: Option<Mutex<SqliteLog>>,
    settling: Option<Mutex<Settling>>,
    listener: Mutex<Option<tokio::task::AbortHandle>>,
    /// Answers served from memory ([`lookup`](Self::lookup)).
    hits: AtomicU64,
}

impl ReadCache {
    /// Watches the SQLite file at `path`; `None` when it cannot.
    pub fn sqlite(path: &Path, capacity: usize) -> Option<Self> {
        match SqliteLog::open(path) {
            Ok(log) => Some(Self {
                capacity,
                state: Mutex::new(State::new(true)),
                sqlite: Some(Mutex::new(log)),
                settling: None,
                listener: Mutex::default(),
                hits: AtomicU64::new(0),
            }),
            Err(err) => {
                tracing::warn!(error = %err, "customer reads are not cached: cannot watch the database for changes");
                None
            }
        }
    }

    /// Starts listening on PostgreSQL at `url`; usable once the listener is, which this waits
    /// for (a while).
    pub async fn postgres(url: &str, db: DatabaseConnection, capacity: usize) -> Arc<Self> {
        let cache = Arc::new(Self {
            capacity,
            state: Mutex::new(State::new(false)),
            sqlite: None,
            settling: Some(Mutex::new(Settling {
                db,
                node: uuid::Uuid::new_v4().simple().to_string(),
                next: 0,
                queued: Vec::new(),
                sent: HashMap::new(),
                sending: false,
            })),
            listener: Mutex::default(),
            hits: AtomicU64::new(0),
        });
        let task = super::change_listener::start(&cache, url, CHANNEL, "customer changes").await;
        if let Ok(mut listener) = cache.listener.lock() {
            *listener = Some(task);
        }
        cache
    }

    /// Whether answers may be used now, and the generation to keep a new answer under. On
    /// SQLite this is where changes are noticed.
    pub fn begin(&self) -> Option<u64> {
        if let Some(log) = &self.sqlite {
            let Ok(mut log) = log.lock() else {
                return None;
            };
            let changes = log.changes();
            let Ok(mut state) = self.state.lock() else {
                return None;
            };
            match changes {
                Ok(changes) => changes.into_iter().for_each(|change| state.apply(change)),
                Err(err) => {
                    // Unknown: nothing remembered may be trusted.
                    tracing::warn!(error = %err, "cannot check the database for customer changes");
                    state.apply(Change::Everyone);
                    return None;
                }
            }
            // Read while the log is still held: no change can come between check and generation.
            return state.usable.then_some(state.generation);
        }
        let state = self.state.lock().ok()?;
        state.usable.then_some(state.generation)
    }

    /// The answer kept under `key`, unless its access token has expired by `now`.
    pub fn get(&self, key: &ReadKey, now: i64) -> Option<Bytes> {
        let mut state = self.state.lock().ok()?;
        if !state.usable {
            return None;
        }
        let entry = state.entries.get(key)?;
        if entry.expires_at > now {
            return Some(entry.body.clone());
        }
        state.remove(key);
        None
    }

    /// The answer to serve for `key`: [`get`](Self::get), and on PostgreSQL only once every
    /// change committed before this call has reached this node ([`settle`](Self::settle)).
    /// Notifications reach each node a moment after the commit; without the wait, a client that
    /// logged out on one node and read on another at once could be served the answer from
    /// before. Only a remembered answer waits: one read anew comes from the database.
    pub async fn lookup(self: &Arc<Self>, key: &ReadKey, now: i64) -> Option<Bytes> {
        self.get(key, now)?;
        if self.settling.is_some() {
            self.settle().await;
        }
        let found = self.get(key, now);
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// Answers served from memory since the node started.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Keeps an answer read from `customers`' data, unless one of them changed since
    /// `generation` (from [`begin`](Self::begin), before the read).
    pub fn remember(
        &self,
        generation: u64,
        key: ReadKey,
        body: Bytes,
        customers: Vec<i64>,
        expires_at: i64,
    ) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if !state.usable || customers.is_empty() || state.changed_since(generation, &customers) {
            return;
        }
        let entry = Entry {
            body,
            customers,
            expires_at,
        };
        // One answer may not push out most of the others.
        if entry.cost() > self.capacity / 8 {
            return;
        }
        state.insert(key, entry, self.capacity);
    }

    /// Bytes held (bodies and what each entry costs besides).
    pub fn bytes(&self) -> usize {
        self.state.lock().map_or(0, |state| state.bytes)
    }

    fn apply(&self, change: Change) {
        if let Ok(mut state) = self.state.lock() {
            state.apply(change);
        }
    }

    fn set_usable(&self, usable: bool) {
        if let Ok(mut state) = self.state.lock() {
            state.usable = usable;
            state.apply(Change::Everyone);
        }
    }

    /// Returns once every change committed before the call, by any node, has been applied here
    /// (after this node's own mutations, and before a remembered answer is served). On SQLite
    /// that is already so (the next lookup reads the log first); on PostgreSQL a marker
    /// notification is sent after the call and awaited: notifications arrive in commit order,
    /// so the marker comes after every change committed before it.
    pub async fn settle(self: &Arc<Self>) {
        let Some(settling) = &self.settling else {
            return;
        };
        if self.begin().is_none() {
            return;
        }
        let (sender, arrived) = oneshot::channel();
        let start_sending = {
            let Ok(mut settling) = settling.lock() else {
                return;
            };
            settling.queued.push(sender);
            !std::mem::replace(&mut settling.sending, true)
        };
        if start_sending {
            tokio::spawn(send_markers(Arc::downgrade(self)));
        }
        if !matches!(tokio::time::timeout(SETTLE_WAIT, arrived).await, Ok(Ok(()))) {
            // Whatever came from before the write cannot be told from what came after.
            tracing::warn!(
                "the customer-change marker did not come back in time; forgetting every remembered read"
            );
            self.apply(Change::Everyone);
        }
    }

    /// A notification's payload, from the listener.
    fn received(&self, payload: &str) {
        if let Some(marker) = payload.strip_prefix("sync:") {
            let Some(settling) = &self.settling else {
                return;
            };
            let Ok(mut settling) = settling.lock() else {
                return;
            };
            if let Some((node, number)) = marker.split_once(':')
                && node == settling.node
                && let Ok(number) = number.parse::<u64>()
                && let Some(waiters) = settling.sent.remove(&number)
            {
                for waiter in waiters {
                    let _ = waiter.send(());
                }
            }
            return;
        }
        match payload.parse::<i64>() {
            Ok(id) => self.apply(Change::Customer(id)),
            Err(_) => self.apply(Change::Everyone),
        }
    }

    /// The listener lost its connection: mutations waiting for sent markers go on (dropping
    /// their senders; the cache is unusable meanwhile).
    fn release_waiting(&self) {
        if let Some(settling) = &self.settling
            && let Ok(mut settling) = settling.lock()
        {
            settling.sent.clear();
        }
    }
}

impl Drop for ReadCache {
    fn drop(&mut self) {
        if let Ok(mut listener) = self.listener.lock()
            && let Some(task) = listener.take()
        {
            task.abort();
        }
    }
}

/// Sends one marker for all the mutations queued, again while more queue, then stops.
async fn send_markers(cache: Weak<ReadCache>) {
    loop {
        let Some(live) = cache.upgrade() else { return };
        let Some(settling) = &live.settling else {
            return;
        };
        let (db, number, payload) = {
            let Ok(mut settling) = settling.lock() else {
                return;
            };
            if settling.queued.is_empty() {
                settling.sending = false;
                return;
            }
            let number = settling.next;
            settling.next += 1;
            let batch = std::mem::take(&mut settling.queued);
            // A marker that never came back (its mutations timed out) is not kept for ever.
            settling.sent.retain(|sent, _| sent + 1024 > number);
            settling.sent.insert(number, batch);
            (
                settling.db.clone(),
                number,
                format!("sync:{}:{number}", settling.node),
            )
        };
        drop(live);
        let sent = db
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await;
        if let Err(err) = sent {
            tracing::warn!(error = %err, "cannot send the customer-change marker");
            // Its mutations time out and forget everything; dropping them ends the wait now.
            if let Some(live) = cache.upgrade()
                && let Some(settling) = &live.settling
                && let Ok(mut settling) = settling.lock()
            {
                settling.sent.remove(&number);
            }
        }
    }
}

impl super::change_listener::ChangeSink for ReadCache {
    fn listening(&self, listening: bool) {
        self.set_usable(listening);
        if !listening {
            self.release_waiting();
        }
    }

    fn received(&self, payload: &str) {
        ReadCache::received(self, payload);
    }
}

/// SQLite: drops the oldest rows of `customer_read_changes` beyond the last [`CHANGES_KEPT`], at
/// most [`PRUNED_AT_ONCE`] of them (a node that had not read them yet drops everything it
/// remembers); `true` when there are more to drop. PostgreSQL keeps no rows.
pub async fn prune_read_changes(db: &impl ConnectionTrait) -> Result<bool, StoreError> {
    if db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return Ok(false);
    }
    // A range of the rowid from the oldest row: no scan, whatever the size of the log.
    let pruned = db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Sqlite,
            "DELETE FROM customer_read_changes \
             WHERE seq < (SELECT MIN(seq) FROM customer_read_changes) + ? \
             AND seq <= (SELECT MAX(seq) FROM customer_read_changes) - ?",
            [PRUNED_AT_ONCE.into(), CHANGES_KEPT.into()],
        ))
        .await?;
    Ok(pruned.rows_affected() == PRUNED_AT_ONCE as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usable(capacity: usize) -> ReadCache {
        ReadCache {
            capacity,
            state: Mutex::new(State::new(true)),
            sqlite: None,
            settling: None,
            listener: Mutex::default(),
            hits: AtomicU64::new(0),
        }
    }

    fn key(n: u8) -> ReadKey {
        [n; 32]
    }

    fn body(text: &str) -> Bytes {
        Bytes::copy_from_slice(text.as_bytes())
    }

    #[test]
    fn an_answer_is_served_until_its_customer_changes() {
        let cache = usable(1 << 20);
        let generation = cache.begin().expect("usable");
        cache.remember(generation, key(1), body("a"), vec![7], 100);
        cache.remember(generation, key(2), body("b"), vec![8], 100);
        assert_eq!(cache.get(&key(1), 50), Some(body("a")));
        cache.apply(Change::Customer(7));
        assert_eq!(cache.get(&key(1), 50), None);
        assert_eq!(cache.get(&key(2), 50), Some(body("b")));
        cache.apply(Change::Everyone);
        assert_eq!(cache.get(&key(2), 50), None);
        assert_eq!(cache.bytes(), 0);
    }

    #[test]
    fn an_answer_dies_with_its_token() {
        let cache = usable(1 << 20);
        let generation = cache.begin().expect("usable");
        cache.remember(generation, key(1), body("a"), vec![7], 100);
        assert_eq!(cache.get(&key(1), 100), None);
        assert_eq!(cache.bytes(), 0);
    }

    #[test]
    fn a_read_that_raced_with_a_change_of_its_customer_is_not_kept() {
        let cache = usable(1 << 20);
        let generation = cache.begin().expect("usable");
        cache.apply(Change::Customer(8));
        // Someone else changed: this read is still good.
        cache.remember(generation, key(1), body("a"), vec![7], 100);
        assert!(cache.get(&key(1), 0).is_some());
        cache.apply(Change::Customer(7));
        cache.remember(generation, key(2), body("b"), vec![7], 100);
        assert!(cache.get(&key(2), 0).is_none());
        let generation = cache.begin().expect("usable");
        cache.apply(Change::Everyone);
        cache.remember(generation, key(3), body("c"), vec![9], 100);
        assert!(cache.get(&key(3), 0).is_none());
    }

    #[test]
    fn a_read_older_than_the_changes_remembered_is_not_kept() {
        let cache = usable(1 << 20);
        let generation = cache.begin().expect("usable");
        for id in 0..=RECENT as i64 {
            cache.apply(Change::Customer(1000 + id));
        }
        cache.remember(generation, key(1), body("a"), vec![7], 100);
        assert!(cache.get(&key(1), 0).is_none());
    }

    #[test]
    fn the_least_recently_used_answers_go_first() {
        let answer = "x".repeat(100);
        let per_entry = answer.len() + ENTRY_OVERHEAD + 8;
        let cache = usable(per_entry * 8 + 1);
        let generation = cache.begin().expect("usable");
        for n in 0..8 {
            cache.remember(generation, key(n), body(&answer), vec![i64::from(n)], 100);
        }
        assert!(cache.get(&key(0), 0).is_some());
        cache.remember(generation, key(8), body(&answer), vec![8], 100);
        assert!(cache.get(&key(0), 0).is_some(), "recently used");
        assert!(cache.get(&key(1), 0).is_none(), "least recently used");
        assert!(cache.bytes() <= per_entry * 8 + 1);
        // An answer too big for its share is not kept at all.
        cache.remember(
            generation,
            key(9),
            body(&"y".repeat(per_entry * 2)),
            vec![9],
            100,
        );
        assert!(cache.get(&key(9), 0).is_none());
    }

    #[test]
    fn an_unusable_cache_keeps_nothing() {
        let cache = usable(1 << 20);
        let generation = cache.begin().expect("usable");
        cache.remember(generation, key(1), body("a"), vec![7], 100);
        cache.set_usable(false);
        assert!(cache.get(&key(1), 0).is_none());
        assert_eq!(cache.begin(), None);
        cache.remember(generation, key(1), body("a"), vec![7], 100);
        assert!(cache.get(&key(1), 0).is_none());
    }

    #[test]
    fn notifications_name_a_customer_or_everyone() {
        let cache = usable(1 << 20);
        let generation = cache.begin().expect("usable");
        cache.remember(generation, key(1), body("a"), vec![7], 100);
        cache.remember(generation, key(2), body("b"), vec![8], 100);
        cache.received("7");
        assert!(cache.get(&key(1), 0).is_none());
        assert!(cache.get(&key(2), 0).is_some());
        cache.received("sync:another-node:0");
        assert!(cache.get(&key(2), 0).is_some());
        cache.received("");
        assert!(cache.get(&key(2), 0).is_none());
    }
}
