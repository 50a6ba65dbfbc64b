//! Connections. On SQLite, writes go through a single connection of their own, so in-process write
//! transactions queue instead of failing with SQLITE_BUSY, while readers use a pool of their own
//! (WAL lets them run beside the writer). On PostgreSQL both are the same pool.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    SqlxSqliteConnector, TransactionTrait,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::config::DatabaseConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Database {
    reader: DatabaseConnection,
    writer: DatabaseConnection,
    backend: Backend,
    statements: Arc<AtomicU64>,
}

/// Counts every statement a connection runs (for metrics, and for tests that prove a request
/// costs a fixed number of queries).
fn count_statements(connection: &mut DatabaseConnection, counter: &Arc<AtomicU64>) {
    let counter = Arc::clone(counter);
    connection.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
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
                .sqlx_logging(false);
            let mut pool = sea_orm::Database::connect(options).await?;
            let statements = Arc::new(AtomicU64::new(0));
            count_statements(&mut pool, &statements);
            Ok(Self {
                reader: pool.clone(),
                writer: pool,
                backend: Backend::Postgres,
                statements,
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
            .busy_timeout(Duration::from_secs(5));
        let acquire = Duration::from_secs(config.acquire_timeout_seconds);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        // No ping before each use: the file cannot go away like a network peer, and each ping
        // was one more hop to the connection's worker thread per query (bench/README.md).
        let writer_pool = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .acquire_timeout(acquire)
            .connect_with(options.clone())
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
        let statements = Arc::new(AtomicU64::new(0));
        let mut writer = SqlxSqliteConnector::from_sqlx_sqlite_pool(writer_pool);
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
        Ok(Self {
            reader,
            writer,
            backend: Backend::Sqlite,
            statements,
        })
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

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For reads outside a write transaction.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.reader
    }

    /// Starts the one transaction of a use case that writes.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        self.writer.begin().await
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.writer, None).await
    }

    /// Applied and pending migrations, for `storefront migrate --status`.
    pub async fn pending_migrations(&self) -> Result<usize, DbErr> {
        Ok(Migrator::get_pending_migrations(&self.writer).await?.len())
    }

    /// Readiness: the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.reader.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    pub async fn close(self) {
        let _ = self.reader.close().await;
        if self.backend == Backend::Sqlite {
            let _ = self.writer.close().await;
        }
    }
}
