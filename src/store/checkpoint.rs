//! SQLite: copying the write-ahead log back into the database file (a checkpoint) on a thread of
//! its own, instead of inside a write.
//!
//! By default the connection whose commit takes the log past 1,000 pages runs the checkpoint
//! itself, fsync included, while it still holds the only write connection: every write queued
//! behind it waits (bench/README.md measures the tail this made). The writer's automatic
//! checkpoint is therefore off (`wal_autocheckpoint = 0`, set on its connections) and this thread
//! runs a PASSIVE checkpoint every [`INTERVAL`]: it never takes the write lock and never waits
//! for readers, so writes and reads go on beside it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Often enough that the log stays small (a few thousand pages at the highest write rates
/// measured), rarely enough that an idle check costs nothing measurable.
const INTERVAL: Duration = Duration::from_millis(200);

/// Stops the thread when the last handle to the database is dropped.
pub struct Checkpointer {
    stop: Arc<AtomicBool>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Checkpointer {
    /// Starts checkpointing the SQLite file at `path`; `None` (the writer then checkpoints as
    /// SQLite does by default) when no connection of its own can be opened.
    pub fn start(path: &Path) -> Option<Self> {
        let connection = open(path)
            .map_err(|err| {
                tracing::warn!(error = %err, "no background checkpoints: writes checkpoint the log themselves");
            })
            .ok()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&connection, &stopped));
        match spawned {
            Ok(_) => Some(Self { stop }),
            Err(err) => {
                tracing::warn!(error = %err, "no background checkpoints: cannot start the thread");
                None
            }
        }
    }
}

fn open(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open_with_flags(
        PathBuf::from(path),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // PASSIVE never waits on a lock; this covers opening the file beside a busy writer.
    connection.busy_timeout(Duration::from_secs(1))?;
    Ok(connection)
}

fn run(connection: &rusqlite::Connection, stop: &AtomicBool) {
    let mut failing = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(INTERVAL);
        // (busy, log frames, frames checkpointed)
        let result = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
        });
        match result {
            Ok(_) => failing = false,
            Err(err) if !failing => {
                // Once per run of failures: the next success clears it.
                tracing::warn!(error = %err, "background checkpoint failed");
                failing = true;
            }
            Err(_) => {}
        }
    }
}
