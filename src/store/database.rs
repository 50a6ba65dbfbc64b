//! Connections. On SQLite, writes go through a single connection of their own, so in-process write
//! transactions queue instead of failing with SQLITE_BUSY, while readers use a pool of their own
//! (WAL lets them run beside the writer). On PostgreSQL both are the same pool.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DbErr, SqliteTransactionMode,
    SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::access_cache::AccessCache;
use super::checkpoint::Checkpointer;
use super::direct_reads::DirectReads;
use super::direct_writes::DirectWriter;
use super::read_cache::ReadCache;
use super::write_transaction::WriteTransaction;
use crate::config::DatabaseConfig;

const AUTOCHECKPOINT_OFF: &str = "PRAGMA wal_autocheckpoint = 0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How long a pooled PostgreSQL connection may sit idle before it is pinged on its next use.
const PING_AFTER_IDLE: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Database {
    reader: DatabaseConnection,
    writer: DatabaseConnection,
    backend: Backend,
    statements: Arc<AtomicU64>,
    /// The SQLite file the connections opened; `None` on PostgreSQL and in memory.
    file: Option<Arc<DatabaseFile>>,
    /// Where the connections point: the cache of storefront tokens watches it.
    url: Arc<str>,
    /// The storefront tokens this node checked (`access_cache`), once started.
    access_cache: Arc<OnceLock<Arc<AccessCache>>>,
    /// The answers to customer reads this node remembers (`read_cache`), once started.
    read_cache: Arc<OnceLock<Arc<ReadCache>>>,
    /// SQLite: the statements of every customer read, on the calling thread (`direct_reads`).
    direct_reads: Option<Arc<DirectReads>>,
    /// SQLite: every write transaction, on the calling thread (`direct_writes`); `None` on
    /// PostgreSQL and in memory, where writes use `writer`.
    direct_writer: Option<Arc<DirectWriter>>,
    /// SQLite: checkpoints on a thread of their own, while any handle is open.
    #[allow(dead_code)] // held for its Drop
    checkpointer: Option<Arc<Checkpointer>>,
    /// The id node number this handle leased, and its heartbeat (`id_nodes`); closing gives it
    /// back.
    pub(super) id_lease: Arc<super::id_nodes::LeaseSlot>,
    /// Whether the database orders text by code point (SQLite's BINARY, PostgreSQL's "C"
    /// collations): then a prefix search is an index range whatever its characters
    /// (`customer_search`).
    text_order_is_binary: bool,
}

/// The SQLite file as it was when the server opened it. Connections keep reading and writing the
/// file they opened even after it was deleted or replaced at its path, and every answer still
/// looks right: but no one else sees those writes, and the next start opens whatever is at the
/// path. Only comparing the path with the opened file notices.
struct DatabaseFile {
    /// Absolute, so that a change of working directory does not change what is checked.
    path: PathBuf,
    identity: FileIdentity,
}

/// Device and inode: a file put in the place of the deleted one (by a restore, or by a connection
/// that created it anew) has other numbers, even with the same name and contents. An inode number
/// is reused once no one holds the deleted file open (the pool closes idle connections), so the
/// birth time, where the file system keeps one, tells a reused number apart.
#[cfg(unix)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
    created: Option<std::time::SystemTime>,
}

/// Elsewhere there is no portable identity of a file: only its disappearance is noticed.
#[cfg(not(unix))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity;

impl FileIdentity {
    fn of(path: &Path) -> std::io::Result<Self> {
        let metadata = std::fs::metadata(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(Self {
                device: metadata.dev(),
                inode: metadata.ino(),
                created: metadata.created().ok(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            Ok(Self)
        }
    }
}

impl DatabaseFile {
    /// Records the file at `path` once a connection has opened (or created) it.
    fn opened(path: &Path) -> std::io::Result<Self> {
        let path = std::path::absolute(path)?;
        let identity = FileIdentity::of(&path)?;
        Ok(Self { path, identity })
    }

    /// Fails when the path no longer names the file that was opened.
    fn check(&self) -> Result<(), DbErr> {
        match FileIdentity::of(&self.path) {
            Ok(identity) if identity == self.identity => Ok(()),
            Ok(_) => Err(DbErr::Custom(format!(
                "the database file {} was replaced by another file since the server opened it; \
                 restart to use it",
                self.path.display()
            ))),
            Err(err) => Err(DbErr::Custom(format!(
                "the database file {} is gone since the server opened it ({err}); \
                 writes no longer reach a file anyone can open",
                self.path.display()
            ))),
        }
    }
}

/// Counts every statement a connection runs (for metrics, and for tests that prove a request
/// costs a fixed number of queries).
fn count_statements(connection: &mut DatabaseConnection, counter: &Arc<AtomicU64>) {
    let counter = Arc::clone(counter);
    connection.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
}

/// Whether the PostgreSQL database's default collation orders text by code point: the libc
/// provider with the C or POSIX locale (C.UTF-8 too). Anything else, or no answer, is taken as
/// linguistic (the safe assumption: prefixes then become ranges only where every collation
/// agrees).
async fn postgres_collation_is_binary(pool: &DatabaseConnection) -> bool {
    let backend = pool.get_database_backend();
    // `datlocprovider` exists from PostgreSQL 15 on; before, every database used libc.
    let queries = [
        "SELECT datcollate::text AS collate, datlocprovider::text AS provider \
         FROM pg_database WHERE datname = current_database()",
        "SELECT datcollate::text AS collate, 'c' AS provider \
         FROM pg_database WHERE datname = current_database()",
    ];
    for sql in queries {
        if let Ok(Some(row)) = pool
            .query_one_raw(sea_orm::Statement::from_string(backend, sql))
            .await
        {
            let collate: String = row.try_get("", "collate").unwrap_or_default();
            let provider: String = row.try_get("", "provider").unwrap_or_default();
            return provider == "c"
                && matches!(
                    collate.as_str(),
                    "C" | "POSIX" | "C.UTF-8" | "C.utf8" | "C.UTF8"
                );
        }
    }
    false
}

impl Database {
    pub async fn connect(url: &str, config: &DatabaseConfig) -> Result<Self, DbErr> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url, config).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut options = ConnectOptions::new(url);
            options
                .max_connections(config.max_connections)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(config.acquire_timeout_seconds))
                // A pooled connection is pinged before use only once it has sat idle (when the
                // server, a proxy or a firewall may have dropped it), not on every checkout:
                // that ping was a round trip to PostgreSQL before every statement.
                .test_before_acquire_if_idle_for(PING_AFTER_IDLE)
                .sqlx_logging(false);
            let mut pool = sea_orm::Database::connect(options).await?;
            let text_order_is_binary = postgres_collation_is_binary(&pool).await;
            let statements = Arc::new(AtomicU64::new(0));
            count_statements(&mut pool, &statements);
            Ok(Self {
                reader: pool.clone(),
                writer: pool,
                backend: Backend::Postgres,
                statements,
                file: None,
                url: Arc::from(url),
                access_cache: Arc::default(),
                read_cache: Arc::default(),
                checkpointer: None,
                direct_reads: None,
                direct_writer: None,
                id_lease: Arc::default(),
                text_order_is_binary,
            })
        } else {
            Err(DbErr::Custom(
                "DATABASE_URL must start with sqlite: or postgres:".to_owned(),
            ))
        }
    }

    async fn connect_sqlite(url: &str, config: &DatabaseConfig) -> Result<Self, DbErr> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| DbErr::Custom(format!("invalid SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable in WAL mode except for the last transactions on power loss.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Other processes (the CLI) may hold the write lock for a moment.
            .busy_timeout(Duration::from_secs(5))
            // Deleted and overwritten content (an outbox payload dropped after delivery) is
            // zeroed in its page instead of lingering in the file's free space; "fast" does so
            // without extra I/O.
            .pragma("secure_delete", "fast");
        let acquire = Duration::from_secs(config.acquire_timeout_seconds);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        // No ping before each use: the file cannot go away like a network peer, and each ping
        // was one more hop to the connection's worker thread per query (bench/README.md).
        // Set once the background checkpointer runs: from then on the writer's connections
        // (a replaced one too) leave checkpoints to it (`checkpoint`).
        let checkpointing = Arc::new(AtomicBool::new(false));
        let leave_checkpoints = Arc::clone(&checkpointing);
        let writer_pool = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .after_connect(move |connection, _| {
                let leave = leave_checkpoints.load(Ordering::Relaxed);
                Box::pin(async move {
                    if leave {
                        sqlx::raw_sql(AUTOCHECKPOINT_OFF)
                            .execute(connection)
                            .await?;
                    }
                    Ok(())
                })
            })
            .max_connections(1)
            .acquire_timeout(acquire)
            .connect_with(options.clone())
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
        let statements = Arc::new(AtomicU64::new(0));
        // The writer's connection has opened (or created) the file: this is the file to watch.
        let file = if in_memory {
            None
        } else {
            let path = options.get_filename();
            match DatabaseFile::opened(path) {
                Ok(file) => Some(Arc::new(file)),
                Err(err) => {
                    // Not fatal: the connections work; only readiness cannot watch the file.
                    tracing::warn!(
                        path = %path.display(),
                        error = %err,
                        "cannot read the database file's identity; readiness will not notice if it is deleted or replaced"
                    );
                    None
                }
            }
        };
        let mut writer = SqlxSqliteConnector::from_sqlx_sqlite_pool(writer_pool);
        let checkpointer = file
            .as_ref()
            .and_then(|file| Checkpointer::start(&file.path));
        if checkpointer.is_some() {
            checkpointing.store(true, Ordering::Relaxed);
            writer.execute_unprepared(AUTOCHECKPOINT_OFF).await?;
        }
        count_statements(&mut writer, &statements);
        // An in-memory database exists once per connection: readers must share the writer.
        let reader = if in_memory {
            writer.clone()
        } else {
            let reader_pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(config.max_connections)
                .acquire_timeout(acquire)
                .connect_with(options.read_only(true))
                .await
                .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
            let mut reader = SqlxSqliteConnector::from_sqlx_sqlite_pool(reader_pool);
            count_statements(&mut reader, &statements);
            reader
        };
        // One connection per runtime thread: a read holds one for microseconds.
        let direct_reads = file.as_ref().and_then(|file| {
            let threads = std::thread::available_parallelism().map_or(2, usize::from);
            DirectReads::open(&file.path, threads)
                .map(Arc::new)
                .map_err(|err| {
                    tracing::warn!(error = %err, "customer reads go through the pool: cannot open direct SQLite readers");
                })
                .ok()
        });
        // The sqlx writer stays for migrations; use cases write through this one.
        let direct_writer = match &file {
            Some(file) => Some(Arc::new(
                DirectWriter::open(
                    &file.path,
                    checkpointer.is_some(),
                    Arc::clone(&statements),
                    acquire,
                )
                .map_err(|err| {
                    DbErr::Custom(format!("cannot open the SQLite write connection: {err}"))
                })?,
            )),
            None => None,
        };
        Ok(Self {
            reader,
            writer,
            backend: Backend::Sqlite,
            statements,
            file,
            url: Arc::from(url),
            access_cache: Arc::default(),
            read_cache: Arc::default(),
            checkpointer: checkpointer.map(Arc::new),
            direct_reads,
            direct_writer,
            text_order_is_binary: true,
            id_lease: Arc::default(),
        })
    }

    /// Starts remembering the storefront tokens requests present (see `access_cache`); until
    /// then, and on an in-memory database, every check asks the database. Needs the migrated
    /// schema, so a serving node calls it once after migrating.
    pub async fn cache_storefront_access(&self) {
        if self.access_cache.get().is_some() {
            return;
        }
        let cache = match self.backend {
            Backend::Postgres => AccessCache::postgres(&self.url).await,
            Backend::Sqlite => match &self.file {
                Some(file) => Arc::new(AccessCache::sqlite(&file.path)),
                None => Arc::new(AccessCache::off()),
            },
        };
        // Called once, at start: a second cache (and listener) would just be dropped.
        let _ = self.access_cache.set(cache);
    }

    /// Starts remembering answers to customer reads, up to `capacity_bytes` (see `read_cache`);
    /// never on an in-memory database. Needs the migrated schema: a serving node calls it once
    /// after migrating.
    pub async fn cache_customer_reads(&self, capacity_bytes: usize) {
        if self.read_cache.get().is_some() || capacity_bytes == 0 {
            return;
        }
        let cache = match self.backend {
            Backend::Postgres => {
                Some(ReadCache::postgres(&self.url, self.writer.clone(), capacity_bytes).await)
            }
            Backend::Sqlite => self
                .file
                .as_ref()
                .and_then(|file| ReadCache::sqlite(&file.path, capacity_bytes))
                .map(Arc::new),
        };
        if let Some(cache) = cache {
            let _ = self.read_cache.set(cache);
        }
    }

    /// The answers to customer reads this node remembers, when started.
    pub fn customer_read_cache(&self) -> Option<&Arc<ReadCache>> {
        self.read_cache.get()
    }

    /// Drops what this node remembers of storefront tokens and shops, at once, after it changed
    /// them itself (the database's signal reaches the other nodes; on PostgreSQL it reaches this
    /// one a moment later).
    pub fn forget_storefront_access(&self) {
        if let Some(cache) = self.access_cache() {
            cache.drop_all();
        }
    }

    /// SQLite's direct readers, counted as statements like the pools' (the tests that prove a
    /// request's statement count see them too).
    pub(super) fn direct_reads(&self) -> Option<&DirectReads> {
        let direct = self.direct_reads.as_deref()?;
        self.statements.fetch_add(1, Ordering::Relaxed);
        Some(direct)
    }

    /// The cache of storefront tokens, when started.
    pub(super) fn access_cache(&self) -> Option<&AccessCache> {
        self.access_cache.get().map(Arc::as_ref)
    }

    /// Reports the pools' open and idle connections to the metrics.
    pub fn report_pool_use(&self) {
        match self.backend {
            Backend::Sqlite => {
                let reader = self.reader.get_sqlite_connection_pool();
                crate::metrics::database_pool("read", reader.size(), reader.num_idle());
                let writer = self.writer.get_sqlite_connection_pool();
                crate::metrics::database_pool("write", writer.size(), writer.num_idle());
            }
            Backend::Postgres => {
                let pool = self.reader.get_postgres_connection_pool();
                crate::metrics::database_pool("main", pool.size(), pool.num_idle());
            }
        }
    }

    /// Statements run since the database was opened.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// See the field: whether prefixes of any characters are index ranges.
    pub fn text_order_is_binary(&self) -> bool {
        self.text_order_is_binary
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For reads outside a write transaction.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.reader
    }

    /// Starts the one transaction of a use case that writes.
    ///
    /// On SQLite it takes the write lock at BEGIN (IMMEDIATE). A DEFERRED transaction that reads
    /// first and then writes must upgrade its read lock, and SQLite does not wait on the busy
    /// timeout for that upgrade (waiting could deadlock two such transactions): while another
    /// process holds the write lock, it would fail at once with "database is locked". Taking the
    /// lock at BEGIN waits for it like any other lock, so every write waits alike.
    ///
    /// On a SQLite file the transaction runs on the direct writer (`direct_writes`).
    pub async fn begin_write(&self) -> Result<WriteTransaction, DbErr> {
        if let Some(direct) = &self.direct_writer {
            return direct.begin().await.map(WriteTransaction::Direct);
        }
        match self.backend {
            Backend::Sqlite => self
                .writer
                .begin_with_options(TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..TransactionOptions::default()
                })
                .await
                .map(WriteTransaction::Pool),
            Backend::Postgres => self.writer.begin().await.map(WriteTransaction::Pool),
        }
    }

    /// Keeps the query planner's statistics current. SQLite has none until ANALYZE runs, and
    /// without them it guessed that the shop's index beats a tag's list of customers: a
    /// `tag:` search over a million customers read every one of them (bench/README.md). So on
    /// SQLite, `PRAGMA optimize` (which analyzes only tables that grew or shrank a lot since,
    /// sampling at most a thousand rows per index); PostgreSQL's autovacuum does this itself.
    pub async fn optimize(&self) -> Result<(), DbErr> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let txn = self.begin_write().await?;
        txn.execute_unprepared("PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002;")
            .await?;
        txn.commit().await
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.writer, None).await
    }

    /// Applied and pending migrations, for `storefront migrate --status`.
    pub async fn pending_migrations(&self) -> Result<usize, DbErr> {
        Ok(Migrator::get_pending_migrations(&self.writer).await?.len())
    }

    /// Readiness: the database answers a trivial query and, on SQLite, the file at the database's
    /// path is still the one the server opened (the query alone keeps answering from a deleted
    /// file).
    pub async fn ping(&self) -> Result<(), DbErr> {
        // The file first: once it is gone, a newly opened connection fails too, with a reason
        // that says less.
        if let Some(file) = &self.file {
            file.check()?;
        }
        self.reader.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    pub async fn close(self) {
        // While the connections are still open: the number is free for others at once.
        self.release_id_node().await;
        let _ = self.reader.close().await;
        if self.backend == Backend::Sqlite {
            let _ = self.writer.close().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watched_file_says_why_it_no_longer_counts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ready.db");
        std::fs::write(&path, b"").expect("the file");
        let file = DatabaseFile::opened(&path).expect("its identity");
        file.check().expect("the file it opened");

        std::fs::remove_file(&path).expect("delete");
        let gone = file.check().expect_err("the file is gone").to_string();
        assert!(gone.contains("is gone"), "{gone}");

        // Only unix tells one file from another at the same path.
        #[cfg(unix)]
        {
            // Made elsewhere and moved into place, as a restore does; it may even get the freed
            // inode number.
            let other = dir.path().join("other.db");
            std::fs::write(&other, b"").expect("another file");
            std::fs::rename(&other, &path).expect("moved to the path");
            let replaced = file.check().expect_err("another file").to_string();
            assert!(replaced.contains("replaced"), "{replaced}");
        }
    }

    #[tokio::test]
    async fn writes_leave_checkpoints_to_the_background_thread() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("checkpoints.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let db = Database::connect(&url, &DatabaseConfig::default())
            .await
            .expect("connect");
        let pragma = || {
            sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, "PRAGMA wal_autocheckpoint")
        };
        let setting = db
            .writer
            .query_one_raw(pragma())
            .await
            .expect("pragma")
            .and_then(|row| row.try_get_by_index::<i64>(0).ok());
        assert_eq!(
            setting,
            Some(0),
            "the migrating writer never checkpoints itself"
        );

        let txn = db.begin_write().await.expect("begin");
        assert!(
            matches!(txn, WriteTransaction::Direct(_)),
            "a file's writes are direct"
        );
        let setting = txn
            .query_one_raw(pragma())
            .await
            .expect("pragma")
            .and_then(|row| row.try_get_by_index::<i64>(0).ok());
        assert_eq!(
            setting,
            Some(0),
            "the direct writer never checkpoints itself"
        );
        txn.execute_unprepared("CREATE TABLE filler (data BLOB)")
            .await
            .expect("table");
        // 40 pages: far below the 1,000 at which a writer would checkpoint by itself.
        txn.execute_unprepared("INSERT INTO filler SELECT zeroblob(4000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) SELECT i FROM n)")
            .await
            .expect("rows");
        txn.commit().await.expect("commit");
        let size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while size() < 160_000 {
            assert!(
                std::time::Instant::now() < deadline,
                "the rows never reached the database file: {} bytes",
                size()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    #[tokio::test]
    async fn in_memory_databases_have_no_file_to_watch() {
        let db = Database::connect("sqlite::memory:", &DatabaseConfig::default())
            .await
            .expect("connect");
        assert!(db.file.is_none());
        db.ping().await.expect("ready");
    }
}
