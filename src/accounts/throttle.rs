//! Fixed-window throttles of a shop (sign-up, recovery). Login throttling, which also counts
//! consecutive failures, lives with logging in (`sessions`).

use super::{AccountError, ShopAccounts, now};

impl ShopAccounts {
    /// Counts one request against each `(key, limit)` in a fixed window; the first limit passed
    /// refuses it with the time left in the window. Counters are the shop's own: the same email
    /// in two shops is throttled twice, separately.
    pub(crate) async fn throttle(
        &self,
        checks: &[(String, u32)],
        window: i64,
    ) -> Result<(), AccountError> {
        let now = now();
        let txn = self.inner.db.begin_write().await?;
        let mut refused = false;
        for (key, limit) in checks {
            let hits = crate::store::guards::hit(&txn, self.shop.id, key, now, window).await?;
            refused |= hits > i32::try_from(*limit).unwrap_or(i32::MAX);
        }
        txn.commit().await?;
        if refused {
            let window = window.max(1);
            return Err(AccountError::Throttled {
                retry_after_seconds: window - now.rem_euclid(window),
            });
        }
        Ok(())
    }
}
