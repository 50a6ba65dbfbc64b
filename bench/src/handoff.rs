//! `storefront-bench handoff`: how much of a SQLite statement is the hand-off to the
//! connection's worker thread. sqlx runs each SQLite connection on a thread of its own; every
//! statement is sent there and its rows sent back. The same indexed point lookup (the shape of
//! the read path's two statements) is timed through the server's own path (sea-orm on sqlx's
//! pool, read-only connections as `store::database` opens them) and on the calling thread with
//! rusqlite, alone and from 64 concurrent tasks on a 2-thread runtime like the server's.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use sea_orm::{ConnectionTrait, SqlxSqliteConnector, Statement};

const ROWS: i64 = 10_000;
const LOOKUP: &str = "SELECT id, digest, payload FROM lookups WHERE digest = ?";

pub fn run(pool_size: u32, tasks: usize, seconds: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("handoff.db");
    seed(&path)?;
    let runtime = server_like_runtime()?;
    let duration = Duration::from_secs(seconds);
    println!(
        "one indexed lookup of {ROWS} rows; {tasks} concurrent tasks on 2 runtime threads; {seconds} s each"
    );
    println!(
        "| path | tasks | lookups/s | µs per lookup (wall / lookups) | process CPU µs per lookup |"
    );
    println!("|---|---:|---:|---:|---:|");
    for concurrency in [1, tasks] {
        let (count, cpu) =
            runtime.block_on(through_sqlx(&path, pool_size, concurrency, duration))?;
        report(
            "sea-orm on sqlx (worker thread per connection)",
            concurrency,
            count,
            cpu,
            duration,
        );
        let (count, cpu) = runtime.block_on(on_calling_thread(&path, concurrency, duration))?;
        report(
            "rusqlite on the calling thread",
            concurrency,
            count,
            cpu,
            duration,
        );
    }
    Ok(())
}

fn report(path: &str, tasks: usize, count: usize, cpu: Duration, duration: Duration) {
    let per_second = count as f64 / duration.as_secs_f64();
    println!(
        "| {path} | {tasks} | {per_second:.0} | {:.1} | {:.1} |",
        1e6 / per_second,
        cpu.as_secs_f64() * 1e6 / count.max(1) as f64
    );
}

fn seed(path: &std::path::Path) -> anyhow::Result<()> {
    let mut connection = rusqlite::Connection::open(path)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    let txn = connection.transaction()?;
    txn.execute(
        "CREATE TABLE lookups (id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)",
        [],
    )?;
    {
        let mut insert =
            txn.prepare("INSERT INTO lookups (id, digest, payload) VALUES (?, ?, ?)")?;
        for id in 0..ROWS {
            insert.execute(rusqlite::params![id, digest(id), "x".repeat(200)])?;
        }
    }
    txn.commit()?;
    Ok(())
}

fn digest(id: i64) -> String {
    format!("{:064x}", (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A runtime with the server's two worker threads, for measurements made inside this process.
pub fn server_like_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// User + system time of this process so far.
pub fn process_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Clock ticks are 100 per second on Linux.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

async fn through_sqlx(
    path: &std::path::Path,
    pool_size: u32,
    tasks: usize,
    duration: Duration,
) -> anyhow::Result<(usize, Duration)> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .test_before_acquire(false)
        .max_connections(pool_size)
        .connect_with(options)
        .await?;
    let db = SqlxSqliteConnector::from_sqlx_sqlite_pool(pool);
    let count = Arc::new(AtomicUsize::new(0));
    let cpu = process_cpu();
    let deadline = Instant::now() + duration;
    let mut handles = Vec::new();
    for task in 0..tasks {
        let db = db.clone();
        let count = Arc::clone(&count);
        handles.push(tokio::spawn(async move {
            let mut id = task as i64;
            while Instant::now() < deadline {
                let row = db
                    .query_one_raw(Statement::from_sql_and_values(
                        sea_orm::DbBackend::Sqlite,
                        LOOKUP,
                        [digest(id % ROWS).into()],
                    ))
                    .await?
                    .context("the row")?;
                let _: String = row.try_get_by_index(2)?;
                count.fetch_add(1, Ordering::Relaxed);
                id += 7;
            }
            anyhow::Ok(())
        }));
    }
    for handle in handles {
        handle.await??;
    }
    Ok((count.load(Ordering::Relaxed), process_cpu() - cpu))
}

async fn on_calling_thread(
    path: &std::path::Path,
    tasks: usize,
    duration: Duration,
) -> anyhow::Result<(usize, Duration)> {
    // One connection per runtime thread is enough: a lookup never waits.
    let connections: Arc<Vec<std::sync::Mutex<rusqlite::Connection>>> = Arc::new(
        (0..2)
            .map(|_| {
                rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map(std::sync::Mutex::new)
            })
            .collect::<Result<_, _>>()?,
    );
    let count = Arc::new(AtomicUsize::new(0));
    let cpu = process_cpu();
    let deadline = Instant::now() + duration;
    let mut handles = Vec::new();
    for task in 0..tasks {
        let connections = Arc::clone(&connections);
        let count = Arc::clone(&count);
        handles.push(tokio::spawn(async move {
            let mut id = task as i64;
            while Instant::now() < deadline {
                {
                    let slot = &connections[id as usize % connections.len()];
                    let connection = slot.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                    let payload: String = connection
                        .prepare_cached(LOOKUP)?
                        .query_row([digest(id % ROWS)], |row| row.get(2))?;
                    drop(payload);
                }
                count.fetch_add(1, Ordering::Relaxed);
                id += 7;
                // As a request would: other tasks get their turn between lookups.
                tokio::task::yield_now().await;
            }
            anyhow::Ok(())
        }));
    }
    for handle in handles {
        handle.await??;
    }
    Ok((count.load(Ordering::Relaxed), process_cpu() - cpu))
}
