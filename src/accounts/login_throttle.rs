//! Login throttling, in the database so that every node counts: per account, consecutive
//! failures past `free_failures` wait a doubling delay (capped; the count stops at 100, so there
//! is no permanent lockout); per client IP, at most `failures_per_ip` failed logins per window
//! (password spraying). Throttled attempts are answered before any password is hashed.

use super::{AccountError, Sessions, now};

/// Login throttling: per account, consecutive failures past `free_failures` wait a doubling
/// delay (capped; the count stops at 100, so there is no permanent lockout); per client IP,
/// at most `failures_per_ip` failed logins per window (password spraying).
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    pub free_failures: i32,
    pub backoff_base_seconds: i64,
    pub backoff_max_seconds: i64,
    pub failures_per_ip: i32,
    pub ip_window_seconds: i64,
}

impl Sessions<'_> {
    pub(super) async fn check_login_throttle(
        &self,
        account_key: &str,
        ip_key: &str,
    ) -> Result<(), AccountError> {
        let throttle = self.inner.lifecycle.login;
        let now = now();
        let reader = self.inner.db.reader();
        if let Some((failures, last)) =
            crate::store::guards::counter(reader, self.shop.id, account_key).await?
            && failures >= throttle.free_failures
        {
            let doublings = u32::try_from(failures - throttle.free_failures)
                .unwrap_or(0)
                .min(30);
            let wait = throttle
                .backoff_base_seconds
                .saturating_mul(1_i64 << doublings)
                .min(throttle.backoff_max_seconds);
            if now < last + wait {
                return Err(AccountError::Throttled {
                    retry_after_seconds: last + wait - now,
                });
            }
        }
        let ip_failures = crate::store::guards::hits(
            reader,
            self.shop.id,
            ip_key,
            now,
            throttle.ip_window_seconds,
        )
        .await?;
        if ip_failures >= throttle.failures_per_ip {
            let window = throttle.ip_window_seconds.max(1);
            return Err(AccountError::Throttled {
                retry_after_seconds: window - now.rem_euclid(window),
            });
        }
        Ok(())
    }

    pub(super) async fn record_login_failure(
        &self,
        account_key: &str,
        ip_key: &str,
    ) -> Result<(), AccountError> {
        let throttle = self.inner.lifecycle.login;
        let now = now();
        let txn = self.inner.db.begin_write().await?;
        // Never more than 100 consecutive failures are counted: the wait stays bounded.
        crate::store::guards::increment_counter(&txn, self.shop.id, account_key, now, 100).await?;
        crate::store::guards::hit(&txn, self.shop.id, ip_key, now, throttle.ip_window_seconds)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
