//! Runs argon2 off the async executor, at most N hashes at a time. Each hash holds 19 MiB for
//! tens of milliseconds: a burst of logins waits its turn instead of stalling other requests or
//! exhausting memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;
use tracing::Instrument;

use super::error::AccountError;
use crate::domain::password::Password;
use crate::domain::password_hash::{HashParams, PasswordHashing, Verification};

#[derive(Clone)]
pub struct Hasher {
    hashing: Arc<PasswordHashing>,
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
}

impl Hasher {
    /// `max_concurrent` defaults to the number of CPU cores.
    pub fn new(params: HashParams, max_concurrent: Option<usize>) -> Result<Self, AccountError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Self {
            hashing: Arc::new(PasswordHashing::new(params)?),
            permits: Arc::new(Semaphore::new(max_concurrent.unwrap_or(cores).max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
        })
    }

    pub fn params(&self) -> HashParams {
        self.hashing.params()
    }

    pub async fn hash(&self, password: Password) -> Result<String, AccountError> {
        let hashing = Arc::clone(&self.hashing);
        Ok(self.run(move || hashing.hash(&password)).await??)
    }

    pub async fn verify(
        &self,
        password: Password,
        stored: Option<String>,
    ) -> Result<Verification, AccountError> {
        let hashing = Arc::clone(&self.hashing);
        self.run(move || hashing.verify(&password, stored.as_deref()))
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AccountError> {
        crate::metrics::hash_queue(self.waiting.fetch_add(1, Ordering::Relaxed) + 1);
        let permit = self.permits.acquire().await;
        crate::metrics::hash_queue(self.waiting.fetch_sub(1, Ordering::Relaxed) - 1);
        let _permit = permit.map_err(|e| AccountError::Internal(Box::new(e)))?;
        let span = tracing::Span::current();
        Ok(tokio::task::spawn_blocking(move || span.in_scope(work))
            .instrument(tracing::Span::current())
            .await?)
    }
}
