//! SQLite: every write transaction on one rusqlite connection, run on the calling thread.
//!
//! sqlx runs each SQLite connection on a worker thread of its own and hands every statement, its
//! rows, BEGIN and COMMIT across threads. `storefront-bench group-commit` measured what that costs
//! the address-shaped write transaction (a read and two inserts): 206–278 µs of CPU per write on
//! sqlx's single writer connection against 36–39 µs with rusqlite on the calling thread
//! (bench/README.md). SQLite has one writer at a time anyway, so the writes of this process queue
//! for one connection here (first come, first served) and each runs its statements where its
//! task runs: a write statement takes microseconds, too little to matter to a runtime thread.
//!
//! The store code does not change: [`DirectWrite`] is a sea-orm connection (`ConnectionTrait`).
//! sea-orm makes its rows from values in only one public way that compiles with its sqlx
//! drivers, the mock database's rows ([`sea_orm_rows`]; its "proxy" rows do not compile beside
//! "sqlx-sqlite" in 2.0.4). Two rules follow from such rows, both kept by the store:
//! - a row holds each value as the variant of its column's Rust type (sea-orm does not convert
//!   `Int` into `i64`), so values are typed by the entities' own column definitions
//!   ([`ColumnKinds`]), and a column that no entity defines (an aggregate) by SQLite's storage
//!   class;
//! - a row keeps its columns in name order, so a result of several columns is read by name
//!   (`FromQueryResult`), never by position (`into_tuple`).
//!
//! Other processes (the CLI) may hold SQLite's write lock for a moment: BEGIN IMMEDIATE is then
//! retried with pauses in between, without blocking the runtime thread, for as long as the sqlx
//! connections' busy timeout waited. PostgreSQL and in-memory SQLite keep sea-orm's own
//! transactions (`WriteTransaction::Pool`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::ErrorCode;
use rusqlite::types::{ToSqlOutput, ValueRef};
use sea_orm::sea_query::Value;
use sea_orm::{
    ColumnTrait, ColumnType, ConnAcquireErr, DbBackend, DbErr, EntityTrait, ExecResult, IdenStatic,
    Iterable, MockDatabase, MockDatabaseTrait, MockExecResult, QueryResult, RuntimeErr, SelectA,
    SelectB, SelectC, Statement,
};

use super::entities;

/// How long a write waits for another process's write lock: the sqlx connections' busy timeout.
const BUSY_WAIT: Duration = Duration::from_secs(5);
/// The longest pause between two attempts at the write lock.
const MOST_PAUSE: Duration = Duration::from_millis(20);
/// Every distinct statement the use cases write with fits, so none is prepared twice.
const PREPARED_STATEMENTS: usize = 256;

/// The start of the message of a unique index's refusal, as SQLite words it; `StoreError`
/// recognizes it (sqlx's errors carry the code instead).
pub const UNIQUE_VIOLATION: &str = "UNIQUE constraint failed";

/// The one write connection of this process.
pub struct DirectWriter {
    /// The outer lock queues the writes (fairly, across awaits); the inner one only makes the
    /// connection shareable between threads, and is never contended.
    connection: Arc<tokio::sync::Mutex<Mutex<rusqlite::Connection>>>,
    kinds: Arc<ColumnKinds>,
    statements: Arc<AtomicU64>,
    acquire_timeout: Duration,
}

impl DirectWriter {
    /// Opens the write connection to the SQLite file at `path`, which the sqlx writer has
    /// created and switched to WAL. `checkpointing`: a background thread checkpoints, so commits
    /// never do.
    pub fn open(
        path: &Path,
        checkpointing: bool,
        statements: Arc<AtomicU64>,
        acquire_timeout: Duration,
    ) -> Result<Self, String> {
        let connection = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|err| err.to_string())?;
        // The same settings as the sqlx connections (`database`), but the busy timeout: waiting
        // for the lock happens at BEGIN, without blocking the thread.
        let mut pragmas = String::from(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA secure_delete = fast;",
        );
        if checkpointing {
            pragmas.push_str(" PRAGMA wal_autocheckpoint = 0;");
        }
        connection
            .execute_batch(&pragmas)
            .map_err(|err| err.to_string())?;
        connection
            .busy_timeout(Duration::ZERO)
            .map_err(|err| err.to_string())?;
        connection.set_prepared_statement_cache_capacity(PREPARED_STATEMENTS);
        Ok(Self {
            connection: Arc::new(tokio::sync::Mutex::new(Mutex::new(connection))),
            kinds: Arc::new(ColumnKinds::of_entities()?),
            statements,
            acquire_timeout,
        })
    }

    /// Waits for the connection, then for SQLite's write lock (BEGIN IMMEDIATE).
    pub async fn begin(&self) -> Result<DirectWrite, DbErr> {
        let connection = tokio::time::timeout(
            self.acquire_timeout,
            Arc::clone(&self.connection).lock_owned(),
        )
        .await
        .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?;
        let mut write = DirectWrite {
            connection,
            kinds: Arc::clone(&self.kinds),
            statements: Arc::clone(&self.statements),
            open: false,
        };
        let deadline = Instant::now() + BUSY_WAIT;
        let mut pause = Duration::from_micros(500);
        loop {
            match write.control("BEGIN IMMEDIATE") {
                Ok(()) => break,
                Err(err) if is_busy(&err) && Instant::now() < deadline => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MOST_PAUSE);
                }
                Err(err) => return Err(DbErr::Conn(internal(err))),
            }
        }
        write.open = true;
        Ok(write)
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn internal(err: rusqlite::Error) -> RuntimeErr {
    RuntimeErr::Internal(format!("SQLite write: {err}"))
}

/// A statement's failure, worded so that `StoreError` tells a taken unique key from the rest.
fn statement_failed(err: rusqlite::Error) -> RuntimeErr {
    match &err {
        rusqlite::Error::SqliteFailure(code, Some(message))
            if code.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || code.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            RuntimeErr::Internal(message.clone())
        }
        _ => internal(err),
    }
}

/// A write transaction on the direct connection: rolled back when dropped uncommitted (an error,
/// or a request that was cancelled half-way).
pub struct DirectWrite {
    connection: tokio::sync::OwnedMutexGuard<Mutex<rusqlite::Connection>>,
    kinds: Arc<ColumnKinds>,
    statements: Arc<AtomicU64>,
    open: bool,
}

impl DirectWrite {
    fn connection(&self) -> MutexGuard<'_, rusqlite::Connection> {
        // Poisoned only by a panic inside SQLite's own calls; the connection is still sound, and
        // an open transaction was rolled back by the drop that followed.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// BEGIN, COMMIT or ROLLBACK: not counted as statements (sea-orm's callback does not see
    /// them either).
    fn control(&self, sql: &str) -> rusqlite::Result<()> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(sql)?;
        statement.raw_execute().map(|_| ())
    }

    pub fn commit(mut self) -> Result<(), DbErr> {
        let committed = self.control("COMMIT");
        if committed.is_ok() {
            self.open = false;
        }
        // Otherwise the drop rolls back whatever COMMIT left open.
        committed.map_err(|err| DbErr::Exec(internal(err)))
    }

    pub fn rollback(mut self) -> Result<(), DbErr> {
        self.open = false;
        self.control("ROLLBACK")
            .map_err(|err| DbErr::Exec(internal(err)))
    }

    /// Prepares `statement` with its values bound, and hands it to `run`.
    fn with_statement<T>(
        &self,
        statement: &Statement,
        run: impl FnOnce(&rusqlite::Connection, &mut rusqlite::Statement<'_>) -> Result<T, DbErr>,
    ) -> Result<T, DbErr> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let connection = self.connection();
        let mut prepared = connection
            .prepare_cached(&statement.sql)
            .map_err(|err| DbErr::Query(statement_failed(err)))?;
        if let Some(values) = &statement.values {
            for (index, value) in values.0.iter().enumerate() {
                prepared
                    .raw_bind_parameter(index + 1, bindable(value)?)
                    .map_err(|err| DbErr::Query(internal(err)))?;
            }
        }
        run(&connection, &mut prepared)
    }

    fn execute(&self, statement: &Statement) -> Result<ExecResult, DbErr> {
        self.with_statement(statement, |connection, prepared| {
            let mut rows = prepared.raw_query();
            while rows
                .next()
                .map_err(|err| DbErr::Exec(statement_failed(err)))?
                .is_some()
            {}
            sea_orm_outcome(connection)
        })
    }

    fn query(&self, statement: &Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.with_statement(statement, |_, prepared| {
            let columns: Vec<(String, Kind)> = prepared
                .column_names()
                .into_iter()
                .map(|name| (name.to_owned(), self.kinds.of(name)))
                .collect();
            let mut rows = prepared.raw_query();
            let mut results = Vec::new();
            while let Some(row) = rows
                .next()
                .map_err(|err| DbErr::Query(statement_failed(err)))?
            {
                let mut values = BTreeMap::new();
                for (index, (name, kind)) in columns.iter().enumerate() {
                    let value = row
                        .get_ref(index)
                        .map_err(|err| DbErr::Query(internal(err)))?;
                    values.insert(name.clone(), kind.value(value, name)?);
                }
                results.push(values);
            }
            sea_orm_rows(results)
        })
    }

    fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let connection = self.connection();
        connection
            .execute_batch(sql)
            .map_err(|err| DbErr::Exec(statement_failed(err)))?;
        sea_orm_outcome(&connection)
    }
}

/// A placeholder for the statement the mock database records (it already ran here).
fn ran() -> Statement {
    Statement::from_string(DbBackend::Sqlite, String::new())
}

/// Rows of values as sea-orm's `QueryResult`s (see the module's comment).
fn sea_orm_rows(rows: Vec<BTreeMap<String, Value>>) -> Result<Vec<QueryResult>, DbErr> {
    MockDatabase::new(DbBackend::Sqlite)
        .append_query_results([rows])
        .query(0, ran())
}

/// The last statement's changes and inserted row id as sea-orm's `ExecResult`.
fn sea_orm_outcome(connection: &rusqlite::Connection) -> Result<ExecResult, DbErr> {
    MockDatabase::new(DbBackend::Sqlite)
        .append_exec_results([MockExecResult {
            last_insert_id: u64::try_from(connection.last_insert_rowid()).unwrap_or_default(),
            rows_affected: connection.changes(),
        }])
        .execute(0, ran())
}

impl Drop for DirectWrite {
    fn drop(&mut self) {
        if !self.open {
            return;
        }
        let connection = self.connection();
        if connection.is_autocommit() {
            return;
        }
        if let Err(err) = connection.execute_batch("ROLLBACK") {
            tracing::error!(error = %err, "could not roll back a SQLite write transaction");
        }
    }
}

#[async_trait::async_trait]
impl sea_orm::ConnectionTrait for DirectWrite {
    fn get_database_backend(&self) -> sea_orm::DbBackend {
        DbBackend::Sqlite
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        self.execute(&statement)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        DirectWrite::execute_unprepared(self, sql)
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        Ok(self.query(&statement)?.into_iter().next())
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.query(&statement)
    }
}

/// A sea-orm value as SQLite takes it, without copying text or bytes.
fn bindable(value: &Value) -> Result<ToSqlOutput<'_>, DbErr> {
    fn integer(value: Option<i64>) -> ToSqlOutput<'static> {
        ToSqlOutput::Borrowed(value.map_or(ValueRef::Null, ValueRef::Integer))
    }
    Ok(match value {
        Value::Bool(v) => integer(v.map(i64::from)),
        Value::TinyInt(v) => integer(v.map(i64::from)),
        Value::SmallInt(v) => integer(v.map(i64::from)),
        Value::Int(v) => integer(v.map(i64::from)),
        Value::BigInt(v) => integer(*v),
        Value::TinyUnsigned(v) => integer(v.map(i64::from)),
        Value::SmallUnsigned(v) => integer(v.map(i64::from)),
        Value::Unsigned(v) => integer(v.map(i64::from)),
        Value::BigUnsigned(v) => match v {
            Some(v) => integer(Some(i64::try_from(*v).map_err(|_| {
                DbErr::Type(format!("{v} is too large for a SQLite integer"))
            })?)),
            None => integer(None),
        },
        Value::Float(v) => {
            ToSqlOutput::Borrowed(v.map_or(ValueRef::Null, |v| ValueRef::Real(f64::from(v))))
        }
        Value::Double(v) => ToSqlOutput::Borrowed(v.map_or(ValueRef::Null, ValueRef::Real)),
        Value::String(v) => ToSqlOutput::Borrowed(
            v.as_deref()
                .map_or(ValueRef::Null, |v| ValueRef::Text(v.as_bytes())),
        ),
        Value::Char(v) => match v {
            Some(c) => ToSqlOutput::Owned(rusqlite::types::Value::Text(c.to_string())),
            None => ToSqlOutput::Borrowed(ValueRef::Null),
        },
        Value::Bytes(v) => {
            ToSqlOutput::Borrowed(v.as_deref().map_or(ValueRef::Null, ValueRef::Blob))
        }
        other => {
            return Err(DbErr::Type(format!(
                "the SQLite writer cannot bind {other:?}"
            )));
        }
    })
}

/// The Rust type of a column's values, as sea-orm's rows must hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    Float,
    Double,
    String,
    Bytes,
    /// No entity defines the column (`COUNT(*) AS num_items`): by what SQLite holds.
    Stored,
}

impl Kind {
    fn of_column_type(column_type: &ColumnType) -> Self {
        match column_type {
            ColumnType::Boolean => Self::Bool,
            ColumnType::TinyInteger => Self::TinyInt,
            ColumnType::SmallInteger => Self::SmallInt,
            ColumnType::Integer => Self::Int,
            ColumnType::BigInteger => Self::BigInt,
            ColumnType::Float => Self::Float,
            ColumnType::Double => Self::Double,
            ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Self::String,
            ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob => Self::Bytes,
            _ => Self::Stored,
        }
    }

    /// `stored` as this kind's value; `column` names it in an error.
    fn value(self, stored: ValueRef<'_>, column: &str) -> Result<Value, DbErr> {
        let mismatch = || {
            DbErr::Type(format!(
                "column {column}: SQLite holds {:?} where {self:?} was expected",
                stored.data_type()
            ))
        };
        let text = |bytes: &[u8]| {
            std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| DbErr::Type(format!("column {column}: text that is not UTF-8")))
        };
        Ok(match (self, stored) {
            (Self::Bool, ValueRef::Null) => Value::Bool(None),
            (Self::TinyInt, ValueRef::Null) => Value::TinyInt(None),
            (Self::SmallInt, ValueRef::Null) => Value::SmallInt(None),
            (Self::Int, ValueRef::Null) => Value::Int(None),
            (Self::BigInt | Self::Stored, ValueRef::Null) => Value::BigInt(None),
            (Self::Float, ValueRef::Null) => Value::Float(None),
            (Self::Double, ValueRef::Null) => Value::Double(None),
            (Self::String, ValueRef::Null) => Value::String(None),
            (Self::Bytes, ValueRef::Null) => Value::Bytes(None),
            (Self::Bool, ValueRef::Integer(v)) => Value::Bool(Some(v != 0)),
            (Self::TinyInt, ValueRef::Integer(v)) => {
                Value::TinyInt(Some(i8::try_from(v).map_err(|_| mismatch())?))
            }
            (Self::SmallInt, ValueRef::Integer(v)) => {
                Value::SmallInt(Some(i16::try_from(v).map_err(|_| mismatch())?))
            }
            (Self::Int, ValueRef::Integer(v)) => {
                Value::Int(Some(i32::try_from(v).map_err(|_| mismatch())?))
            }
            (Self::BigInt | Self::Stored, ValueRef::Integer(v)) => Value::BigInt(Some(v)),
            // A REAL column hands back a whole number it stored compactly as a real.
            #[allow(clippy::cast_precision_loss)]
            (Self::Double, ValueRef::Integer(v)) => Value::Double(Some(v as f64)),
            (Self::Double | Self::Stored, ValueRef::Real(v)) => Value::Double(Some(v)),
            #[allow(clippy::cast_possible_truncation)]
            (Self::Float, ValueRef::Real(v)) => Value::Float(Some(v as f32)),
            (Self::String | Self::Stored, ValueRef::Text(v)) => Value::String(Some(text(v)?)),
            // A TEXT column keeps a number bound as one.
            (Self::String, ValueRef::Integer(v)) => Value::String(Some(v.to_string())),
            (Self::Bytes | Self::Stored, ValueRef::Blob(v)) => Value::Bytes(Some(v.to_vec())),
            _ => return Err(mismatch()),
        })
    }
}

/// The kind of every column the entities define, by name. A name means one kind in every table
/// (checked when built), so a result column is typed by its name alone, aliases of joins aside.
struct ColumnKinds(HashMap<&'static str, Kind>);

impl ColumnKinds {
    fn of_entities() -> Result<Self, String> {
        let mut kinds = Self(HashMap::new());
        kinds.add::<entities::admin_token::Entity>()?;
        kinds.add::<entities::customer::Entity>()?;
        kinds.add::<entities::customer_audit::Entity>()?;
        kinds.add::<entities::customer_tag::Entity>()?;
        kinds.add::<entities::customer_access_token::Entity>()?;
        kinds.add::<entities::customer_address::Entity>()?;
        kinds.add::<entities::id_node::Entity>()?;
        kinds.add::<entities::mail_outbox::Entity>()?;
        kinds.add::<entities::multipass_use::Entity>()?;
        kinds.add::<entities::order::Entity>()?;
        kinds.add::<entities::shop::Entity>()?;
        kinds.add::<entities::shopify_webhook_event::Entity>()?;
        kinds.add::<entities::storefront_token::Entity>()?;
        kinds.add::<entities::throttle_counter::Entity>()?;
        kinds.add::<entities::event::Entity>()?;
        kinds.add::<entities::webhook_subscription::Entity>()?;
        kinds.add::<entities::webhook_delivery::Entity>()?;
        Ok(kinds)
    }

    fn add<E: EntityTrait>(&mut self) -> Result<(), String> {
        for column in E::Column::iter() {
            let name = column.as_str();
            let kind = Kind::of_column_type(column.def().get_column_type());
            if let Some(known) = self.0.insert(name, kind)
                && known != kind
            {
                return Err(format!(
                    "column {name} of {} is {kind:?}, elsewhere {known:?}: \
                     the SQLite writer types result columns by name",
                    E::default().table_name()
                ));
            }
        }
        Ok(())
    }

    /// A joined entity's columns are aliased with a prefix (`find_also_related`).
    fn of(&self, name: &str) -> Kind {
        let unprefixed = [SelectA.as_str(), SelectB.as_str(), SelectC.as_str()]
            .into_iter()
            .find_map(|prefix| name.strip_prefix(prefix));
        self.0
            .get(name)
            .or_else(|| unprefixed.and_then(|name| self.0.get(name)))
            .copied()
            .unwrap_or(Kind::Stored)
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, FromQueryResult, ModelTrait};

    use super::*;
    use crate::store::error::{StoreError, UniqueKey};

    /// Builds a row of every column of `E` with a value that is not null, reads it as `E`'s
    /// model, and checks that no column came back null: a kind that is not its field's Rust type
    /// fails to read, and an `Option` field hides that failure as `None`.
    fn reads_every_column_of<E: EntityTrait>(kinds: &ColumnKinds) {
        let table = E::default().table_name().to_owned();
        let mut values = BTreeMap::new();
        for column in E::Column::iter() {
            let name = column.as_str();
            let stored = match kinds.of(name) {
                Kind::Bool | Kind::TinyInt | Kind::SmallInt | Kind::Int | Kind::BigInt => {
                    ValueRef::Integer(1)
                }
                Kind::Float | Kind::Double => ValueRef::Real(1.5),
                Kind::String => ValueRef::Text(b"1"),
                Kind::Bytes => ValueRef::Blob(b"1"),
                Kind::Stored => panic!("{table}.{name} has a type the SQLite writer cannot name"),
            };
            let value = kinds.of(name).value(stored, name).expect("a value");
            values.insert(name.to_owned(), value);
        }
        let rows = sea_orm_rows(vec![values]).expect("rows");
        let model = E::Model::from_query_result(&rows[0], "")
            .unwrap_or_else(|err| panic!("{table}: {err}"));
        for column in E::Column::iter() {
            let value = model.get(column);
            assert_ne!(
                value,
                value.as_null(),
                "{table}.{} read back as null",
                column.as_str()
            );
        }
    }

    #[test]
    fn every_entity_reads_back_from_the_writers_rows() {
        let kinds = ColumnKinds::of_entities().expect("consistent entities");
        reads_every_column_of::<entities::admin_token::Entity>(&kinds);
        reads_every_column_of::<entities::customer::Entity>(&kinds);
        reads_every_column_of::<entities::customer_audit::Entity>(&kinds);
        reads_every_column_of::<entities::customer_tag::Entity>(&kinds);
        reads_every_column_of::<entities::customer_access_token::Entity>(&kinds);
        reads_every_column_of::<entities::customer_address::Entity>(&kinds);
        reads_every_column_of::<entities::id_node::Entity>(&kinds);
        reads_every_column_of::<entities::mail_outbox::Entity>(&kinds);
        reads_every_column_of::<entities::multipass_use::Entity>(&kinds);
        reads_every_column_of::<entities::order::Entity>(&kinds);
        reads_every_column_of::<entities::shop::Entity>(&kinds);
        reads_every_column_of::<entities::shopify_webhook_event::Entity>(&kinds);
        reads_every_column_of::<entities::storefront_token::Entity>(&kinds);
        reads_every_column_of::<entities::throttle_counter::Entity>(&kinds);
        reads_every_column_of::<entities::event::Entity>(&kinds);
        reads_every_column_of::<entities::webhook_subscription::Entity>(&kinds);
        reads_every_column_of::<entities::webhook_delivery::Entity>(&kinds);
    }

    /// A file with a `customers` table, and the writer on it.
    fn writer_on_new_file(dir: &tempfile::TempDir) -> (DirectWriter, std::path::PathBuf) {
        let path = dir.path().join("writes.db");
        let setup = rusqlite::Connection::open(&path).expect("create");
        setup
            .execute_batch(
                "PRAGMA journal_mode = WAL; \
                 CREATE TABLE customers (id INTEGER PRIMARY KEY, email_key TEXT UNIQUE);",
            )
            .expect("schema");
        let writer = DirectWriter::open(&path, false, Arc::default(), Duration::from_secs(1))
            .expect("writer");
        (writer, path)
    }

    fn count(path: &Path) -> i64 {
        rusqlite::Connection::open(path)
            .expect("open")
            .query_row("SELECT COUNT(*) FROM customers", [], |row| row.get(0))
            .expect("count")
    }

    fn insert(email: &str) -> Statement {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO customers (email_key) VALUES (?)",
            [Value::from(email)],
        )
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_transaction_dropped_uncommitted_is_rolled_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (writer, path) = writer_on_new_file(&dir);
        let txn = writer.begin().await.expect("begin");
        txn.execute_raw(insert("a@example.com"))
            .await
            .expect("insert");
        drop(txn);
        assert_eq!(count(&path), 0, "nothing of it remains");

        let txn = writer.begin().await.expect("the lock was given back");
        let done = txn
            .execute_raw(insert("a@example.com"))
            .await
            .expect("insert");
        assert_eq!(done.rows_affected(), 1);
        assert_eq!(done.last_insert_id(), 1);
        txn.commit().expect("commit");
        assert_eq!(count(&path), 1);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_taken_unique_key_is_recognized() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (writer, _path) = writer_on_new_file(&dir);
        let txn = writer.begin().await.expect("begin");
        txn.execute_raw(insert("a@example.com"))
            .await
            .expect("insert");
        let err = txn
            .execute_raw(insert("a@example.com"))
            .await
            .expect_err("taken");
        assert!(
            matches!(
                StoreError::from(err),
                StoreError::Taken(UniqueKey::CustomerEmail)
            ),
            "a taken email is the use case's to answer"
        );
    }

    /// Another process holding SQLite's write lock makes a write wait, without blocking the
    /// runtime thread it waits on: a timer on the same single-threaded runtime keeps ticking.
    #[tokio::test(flavor = "current_thread")]
    async fn waits_for_another_processs_write_lock_without_blocking_the_thread() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (writer, path) = writer_on_new_file(&dir);
        let (locked, is_locked) = std::sync::mpsc::channel();
        let holder = std::thread::spawn(move || {
            let other = rusqlite::Connection::open(&path).expect("open");
            other.execute_batch("BEGIN IMMEDIATE").expect("lock");
            locked.send(()).expect("tell");
            std::thread::sleep(Duration::from_millis(300));
            other.execute_batch("COMMIT").expect("unlock");
        });
        is_locked.recv().expect("locked");
        let ticks = Arc::new(AtomicU64::new(0));
        let ticker = tokio::spawn({
            let ticks = Arc::clone(&ticks);
            async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    ticks.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        let started = Instant::now();
        let txn = writer.begin().await.expect("begin once the lock is free");
        assert!(started.elapsed() >= Duration::from_millis(250), "it waited");
        assert!(
            ticks.load(Ordering::Relaxed) >= 10,
            "the thread ran other tasks meanwhile"
        );
        txn.commit().expect("commit");
        ticker.abort();
        holder.join().expect("holder");
    }

    #[test]
    fn every_column_name_means_one_kind() {
        let kinds = ColumnKinds::of_entities().expect("consistent entities");
        assert_eq!(kinds.of("node"), Kind::SmallInt);
        assert_eq!(kinds.of("attempts"), Kind::Int);
        assert_eq!(kinds.of("accepts_marketing"), Kind::Bool);
        assert_eq!(kinds.of("email"), Kind::String);
        assert_eq!(kinds.of("id"), Kind::BigInt);
        assert_eq!(kinds.of("num_items"), Kind::Stored);
        assert_eq!(
            kinds.of("B_accepts_marketing"),
            Kind::Bool,
            "a joined column"
        );
    }

    #[test]
    fn values_take_their_columns_kind() {
        assert_eq!(
            Kind::Int.value(ValueRef::Integer(7), "c").expect("int"),
            Value::Int(Some(7))
        );
        assert_eq!(
            Kind::Bool.value(ValueRef::Integer(1), "c").expect("bool"),
            Value::Bool(Some(true))
        );
        assert_eq!(
            Kind::Double.value(ValueRef::Integer(2), "c").expect("real"),
            Value::Double(Some(2.0))
        );
        assert_eq!(
            Kind::Stored
                .value(ValueRef::Integer(3), "c")
                .expect("count"),
            Value::BigInt(Some(3))
        );
        assert!(Kind::Int.value(ValueRef::Integer(1 << 40), "c").is_err());
        assert!(Kind::BigInt.value(ValueRef::Text(b"x"), "c").is_err());
    }
}
