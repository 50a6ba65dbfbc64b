//! Runs argon2 off the async executor on a few dedicated threads (one per core by default).
//! Each hash holds 19 MiB for tens of milliseconds: a burst of logins waits its turn in the
//! queue instead of stalling other requests, and since each thread keeps its argon2 memory
//! (see `password_hash`), the memory for hashing is the thread count x 19 MiB, however many
//! logins arrive.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use super::error::AccountError;
use crate::domain::password::Password;
use crate::domain::password_hash::{HashParams, PasswordHashing, Verification};

type Job = Box<dyn FnOnce(&PasswordHashing) + Send>;

#[derive(Clone)]
pub struct Hasher {
    hashing: Arc<PasswordHashing>,
    jobs: mpsc::Sender<Job>,
    waiting: Arc<AtomicUsize>,
}

impl Hasher {
    /// `max_concurrent` (the number of hashing threads) defaults to the number of CPU cores.
    pub fn new(params: HashParams, max_concurrent: Option<usize>) -> Result<Self, AccountError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let hashing = Arc::new(PasswordHashing::new(params)?);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..max_concurrent.unwrap_or(cores).max(1) {
            let queue = Arc::clone(&queue);
            let hashing = Arc::clone(&hashing);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while waiting for the next job. The threads end
                        // when every Hasher (every sender) is gone.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&hashing),
                            Err(_) => return,
                        }
                    }
                })
                .map_err(|e| AccountError::Internal(Box::new(e)))?;
        }
        Ok(Self {
            hashing,
            jobs,
            waiting: Arc::new(AtomicUsize::new(0)),
        })
    }

    pub fn params(&self) -> HashParams {
        self.hashing.params()
    }

    pub async fn hash(&self, password: Password) -> Result<String, AccountError> {
        Ok(self.run(move |hashing| hashing.hash(&password)).await??)
    }

    pub async fn verify(
        &self,
        password: Password,
        stored: Option<String>,
    ) -> Result<Verification, AccountError> {
        self.run(move |hashing| hashing.verify(&password, stored.as_deref()))
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&PasswordHashing) -> T + Send + 'static,
    ) -> Result<T, AccountError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let waiting = Arc::clone(&self.waiting);
        crate::metrics::hash_queue(waiting.fetch_add(1, Ordering::Relaxed) + 1);
        let span = tracing::Span::current();
        let job: Job = Box::new(move |hashing| {
            crate::metrics::hash_queue(waiting.fetch_sub(1, Ordering::Relaxed).saturating_sub(1));
            let _ = done.send(span.in_scope(|| work(hashing)));
        });
        self.jobs
            .send(job)
            .map_err(|_| AccountError::Internal("the hashing threads are gone".into()))?;
        result
            .await
            .map_err(|_| AccountError::Internal("a hashing thread failed".into()))
    }
}

/// Hashing threads yield to request threads (a Linux niceness of about 10): under a login flood
/// beside other traffic, reads keep their latency and hashes take the CPU that is left; alone,
/// hashes still use every core. Best effort: where the priority cannot be changed, nothing is.
fn lower_priority() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    if let Ok(value) = ThreadPriorityValue::try_from(23u8) {
        let _ = set_current_thread_priority(ThreadPriority::Crossplatform(value));
    }
}
