//! `storefront-bench group-commit`: what a different SQLite write path would buy, measured
//! before building it into the server. The same write transaction (the shape of an address
//! create: read the customer, insert the address, record the event, commit), from 64 concurrent
//! tasks on a 2-thread runtime like the server's, three ways:
//!
//! - **sqlx**: the server's path today; sea-orm on sqlx's single write connection, whose worker
//!   thread receives every statement and sends back every answer;
//! - **calling thread**: rusqlite behind a mutex, the whole transaction run on the runtime thread
//!   that asked for it;
//! - **group commit**: one writer thread with rusqlite takes every write queued so far and runs
//!   them in one transaction (each in a savepoint, so that one failing write fails alone), then
//!   answers them all after the one commit.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::handoff::{process_cpu, server_like_runtime};
use sea_orm::{ConnectionTrait, SqlxSqliteConnector, Statement, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

const CUSTOMERS: i64 = 1_000;
const SELECT_CUSTOMER: &str = "SELECT id, email, updated_at FROM customers WHERE id = ?";
const INSERT_ADDRESS: &str =
    "INSERT INTO addresses (customer_id, city, zip, country) VALUES (?, 'Ottawa', 'K1A 0A6', 'CA')";
const INSERT_EVENT: &str = "INSERT INTO events (customer_id, payload) VALUES (?, ?)";
/// The most writes the group-commit writer puts in one transaction.
const MAX_BATCH: usize = 64;

pub fn run(tasks: usize, seconds: u64) -> anyhow::Result<()> {
    let runtime = server_like_runtime()?;
    let duration = Duration::from_secs(seconds);
    println!(
        "one write transaction (a read and two inserts); {tasks} concurrent tasks on 2 runtime threads; {seconds} s each; WAL, synchronous = NORMAL"
    );
    println!(
        "| path | writes/s | p50 µs | p99 µs | process CPU µs per write | writes per commit |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for path in [
        WritePath::Sqlx,
        WritePath::CallingThread,
        WritePath::GroupCommit,
    ] {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("writes.db");
        seed(&file)?;
        let outcome = runtime.block_on(path.drive(&file, tasks, duration))?;
        outcome.report(path.name(), duration);
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum WritePath {
    Sqlx,
    CallingThread,
    GroupCommit,
}

impl WritePath {
    fn name(self) -> &'static str {
        match self {
            WritePath::Sqlx => "sea-orm on sqlx's write connection (today)",
            WritePath::CallingThread => "rusqlite on the calling thread",
            WritePath::GroupCommit => "group commit on one writer thread",
        }
    }

    async fn drive(self, file: &Path, tasks: usize, duration: Duration) -> anyhow::Result<Outcome> {
        let writer: Arc<dyn Writer> = match self {
            WritePath::Sqlx => Arc::new(SqlxWriter::open(file).await?),
            WritePath::CallingThread => Arc::new(CallingThread::open(file)?),
            WritePath::GroupCommit => Arc::new(GroupCommit::start(file)?),
        };
        let cpu = process_cpu();
        let deadline = Instant::now() + duration;
        let mut handles = Vec::new();
        for task in 0..tasks {
            let writer = Arc::clone(&writer);
            handles.push(tokio::spawn(async move {
                let mut latencies = Histogram::<u64>::new(3)?;
                let mut customer = task as i64;
                while Instant::now() < deadline {
                    let started = Instant::now();
                    writer.write(customer % CUSTOMERS + 1).await?;
                    latencies.record(started.elapsed().as_micros() as u64)?;
                    customer += 7;
                }
                anyhow::Ok(latencies)
            }));
        }
        let mut latencies = Histogram::<u64>::new(3)?;
        for handle in handles {
            latencies.add(handle.await??)?;
        }
        Ok(Outcome {
            latencies,
            cpu: process_cpu() - cpu,
            commits: writer.commits(),
        })
    }
}

struct Outcome {
    latencies: Histogram<u64>,
    cpu: Duration,
    commits: usize,
}

impl Outcome {
    fn report(&self, name: &str, duration: Duration) {
        let writes = self.latencies.len();
        println!(
            "| {name} | {:.0} | {} | {} | {:.1} | {:.1} |",
            writes as f64 / duration.as_secs_f64(),
            self.latencies.value_at_quantile(0.5),
            self.latencies.value_at_quantile(0.99),
            self.cpu.as_secs_f64() * 1e6 / writes.max(1) as f64,
            writes as f64 / self.commits.max(1) as f64,
        );
    }
}

trait Writer: Send + Sync {
    fn write(
        &self,
        customer: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + '_>>;
    fn commits(&self) -> usize;
}

fn payload(customer: i64) -> String {
    format!(
        r#"{{"topic":"customers/update","customer_id":{customer},"address":{{"city":"Ottawa"}}}}"#
    )
}

struct SqlxWriter {
    db: sea_orm::DatabaseConnection,
    commits: AtomicUsize,
}

impl SqlxWriter {
    async fn open(file: &Path) -> anyhow::Result<Self> {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(file)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5));
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .connect_with(options)
            .await?;
        Ok(SqlxWriter {
            db: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
            commits: AtomicUsize::new(0),
        })
    }
}

impl Writer for SqlxWriter {
    fn write(
        &self,
        customer: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + '_>> {
        Box::pin(async move {
            let statement = |sql: &str, values: Vec<sea_orm::Value>| {
                Statement::from_sql_and_values(sea_orm::DbBackend::Sqlite, sql, values)
            };
            let txn = self.db.begin().await?;
            txn.query_one_raw(statement(SELECT_CUSTOMER, vec![customer.into()]))
                .await?
                .ok_or_else(|| anyhow::anyhow!("no customer {customer}"))?;
            txn.execute_raw(statement(INSERT_ADDRESS, vec![customer.into()]))
                .await?;
            txn.execute_raw(statement(
                INSERT_EVENT,
                vec![customer.into(), payload(customer).into()],
            ))
            .await?;
            txn.commit().await?;
            self.commits.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
    }

    fn commits(&self) -> usize {
        self.commits.load(Ordering::Relaxed)
    }
}

/// The statements of one write, on a connection already in a transaction.
fn write_on(connection: &rusqlite::Connection, customer: i64) -> rusqlite::Result<()> {
    connection
        .prepare_cached(SELECT_CUSTOMER)?
        .query_row([customer], |row| row.get::<_, i64>(0))?;
    connection
        .prepare_cached(INSERT_ADDRESS)?
        .execute([customer])?;
    connection
        .prepare_cached(INSERT_EVENT)?
        .execute(rusqlite::params![customer, payload(customer)])?;
    Ok(())
}

fn open_rusqlite(file: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(file)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.busy_timeout(Duration::from_secs(5))?;
    Ok(connection)
}

struct CallingThread {
    connection: std::sync::Mutex<rusqlite::Connection>,
    commits: AtomicUsize,
}

impl CallingThread {
    fn open(file: &Path) -> anyhow::Result<Self> {
        Ok(CallingThread {
            connection: std::sync::Mutex::new(open_rusqlite(file)?),
            commits: AtomicUsize::new(0),
        })
    }

    fn write_now(&self, customer: i64) -> anyhow::Result<()> {
        let mut connection = self
            .connection
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?;
        let txn = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        write_on(&txn, customer)?;
        txn.commit()?;
        self.commits.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Writer for CallingThread {
    fn write(
        &self,
        customer: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + '_>> {
        Box::pin(async move {
            self.write_now(customer)?;
            // As a request would: other tasks get their turn between writes.
            tokio::task::yield_now().await;
            Ok(())
        })
    }

    fn commits(&self) -> usize {
        self.commits.load(Ordering::Relaxed)
    }
}

type Queued = (i64, oneshot::Sender<Result<(), String>>);

struct GroupCommit {
    queue: mpsc::UnboundedSender<Queued>,
    commits: Arc<AtomicUsize>,
}

impl GroupCommit {
    fn start(file: &Path) -> anyhow::Result<Self> {
        let mut connection = open_rusqlite(file)?;
        let (queue, mut incoming) = mpsc::unbounded_channel::<Queued>();
        let commits = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&commits);
        std::thread::spawn(move || {
            while let Some(first) = incoming.blocking_recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match incoming.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let outcome = commit_batch(&mut connection, &batch);
                counted.fetch_add(1, Ordering::Relaxed);
                for ((_, reply), result) in batch.into_iter().zip(outcome) {
                    let _ = reply.send(result);
                }
            }
        });
        Ok(GroupCommit { queue, commits })
    }
}

/// One transaction for the whole batch; each write in a savepoint of its own.
fn commit_batch(
    connection: &mut rusqlite::Connection,
    batch: &[Queued],
) -> Vec<Result<(), String>> {
    let txn = match connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(txn) => txn,
        Err(err) => return batch.iter().map(|_| Err(err.to_string())).collect(),
    };
    let mut results = Vec::with_capacity(batch.len());
    for (customer, _) in batch {
        let outcome = txn
            .execute_batch("SAVEPOINT one")
            .and_then(|()| write_on(&txn, *customer))
            .and_then(|()| txn.execute_batch("RELEASE one"));
        results.push(match outcome {
            Ok(()) => Ok(()),
            Err(err) => {
                let _ = txn.execute_batch("ROLLBACK TO one; RELEASE one");
                Err(err.to_string())
            }
        });
    }
    if let Err(err) = txn.commit() {
        return batch.iter().map(|_| Err(err.to_string())).collect();
    }
    results
}

impl Writer for GroupCommit {
    fn write(
        &self,
        customer: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send + '_>> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            self.queue
                .send((customer, reply))
                .map_err(|_| anyhow::anyhow!("the writer stopped"))?;
            answer
                .await
                .map_err(|_| anyhow::anyhow!("the writer dropped the write"))?
                .map_err(|err| anyhow::anyhow!(err))
        })
    }

    fn commits(&self) -> usize {
        self.commits.load(Ordering::Relaxed)
    }
}

fn seed(file: &Path) -> anyhow::Result<()> {
    let mut connection = open_rusqlite(file)?;
    let txn = connection.transaction()?;
    txn.execute_batch(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, updated_at INTEGER NOT NULL);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
                                 city TEXT, zip TEXT, country TEXT);
         CREATE INDEX addresses_by_customer ON addresses (customer_id);
         CREATE TABLE events (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, payload TEXT NOT NULL);",
    )?;
    {
        let mut insert =
            txn.prepare("INSERT INTO customers (id, email, updated_at) VALUES (?, ?, 0)")?;
        for id in 1..=CUSTOMERS {
            insert.execute(rusqlite::params![id, format!("customer{id}@example.com")])?;
        }
    }
    txn.commit()?;
    Ok(())
}
