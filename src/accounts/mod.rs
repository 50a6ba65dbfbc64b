//! Use cases: one function per thing a customer or operator does. Each validates with `domain`,
//! runs at most one write transaction through `store`, and returns an outcome or an
//! `AccountError` whose expected failures are variants, not strings.

mod addresses;
mod clock;
mod customers;
mod error;
mod hasher;
mod lifecycle;
mod mail_jobs;
mod multipass;
mod operator;
mod profile;
mod sessions;
mod storefront_access;

use std::sync::Arc;

pub use addresses::AddressArgument;
pub use clock::now;
pub use customers::SignUp;
pub use error::AccountError;
pub use hasher::Hasher;
pub use lifecycle::TokenFailure;
pub use mail_jobs::{Delivery, MailContent, MailPurpose};
pub use operator::{CustomerExport, CustomerSummary};

impl Accounts {
    /// Counts one request against each `(key, limit)` in a fixed window; the first limit passed
    /// refuses it with the time left in the window.
    pub(crate) async fn throttle(
        &self,
        checks: &[(String, u32)],
        window: i64,
    ) -> Result<(), AccountError> {
        let now = now();
        let txn = self.inner.db.begin_write().await?;
        let mut refused = false;
        for (key, limit) in checks {
            let hits = crate::store::guards::hit(&txn, key, now, window).await?;
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
pub use profile::{ProfileUpdate, ProfileUpdated};
pub use sessions::{DeletedToken, IssuedToken};
pub use storefront_access::StorefrontAccess;

use crate::domain::password::PasswordPolicy;
use crate::store::Database;

/// What the use cases need, shared by every request.
#[derive(Clone)]
pub struct Accounts {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    hasher: Hasher,
    shop_id: i64,
    shop_name: String,
    password_policy: PasswordPolicy,
    token_ttl_seconds: i64,
    token_max_lifetime_seconds: i64,
    max_addresses_per_customer: u64,
    allow_email_change: bool,
    lifecycle: LifecycleSettings,
    outbox_signal: Arc<tokio::sync::Notify>,
    multipass: Option<crate::domain::multipass::MultipassKeys>,
}

/// What activation, recovery and reset need.
pub struct LifecycleSettings {
    /// Signs activation and reset tokens.
    pub signing_key: Vec<u8>,
    /// The shop's public domain, for the links in emails.
    pub shop_domain: String,
    pub activation_ttl_seconds: i64,
    pub reset_ttl_seconds: i64,
    pub reveal_unknown_email_on_recover: bool,
    pub uniform_sign_up: bool,
    /// Mail the customer when their password changes (reset, activation, customerUpdate).
    pub notify_password_changed: bool,
    pub recover_per_ip: u32,
    pub recover_per_email: u32,
    pub recover_window_seconds: i64,
    pub signup_per_ip: u32,
    pub signup_per_email: u32,
    pub signup_window_seconds: i64,
    pub login: LoginThrottle,
}

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

pub struct AccountsSettings {
    pub shop_id: i64,
    pub shop_name: String,
    pub password_policy: PasswordPolicy,
    pub token_ttl_seconds: i64,
    /// How long renewals can keep a session alive, from the login that started it.
    pub token_max_lifetime_seconds: i64,
    pub max_addresses_per_customer: u64,
    pub allow_email_change: bool,
    pub lifecycle: LifecycleSettings,
    /// The shop's Multipass secret, when Multipass sign-in is on.
    pub multipass_secret: Option<String>,
}

impl Accounts {
    pub fn new(db: Database, hasher: Hasher, settings: AccountsSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                hasher,
                shop_id: settings.shop_id,
                shop_name: settings.shop_name,
                password_policy: settings.password_policy,
                token_ttl_seconds: settings.token_ttl_seconds,
                token_max_lifetime_seconds: settings.token_max_lifetime_seconds,
                max_addresses_per_customer: settings.max_addresses_per_customer,
                allow_email_change: settings.allow_email_change,
                lifecycle: settings.lifecycle,
                outbox_signal: Arc::new(tokio::sync::Notify::new()),
                multipass: settings
                    .multipass_secret
                    .as_deref()
                    .map(crate::domain::multipass::MultipassKeys::new),
            }),
        }
    }

    pub fn database(&self) -> &Database {
        &self.inner.db
    }
}

impl Accounts {
    /// What a new password of this customer must not be built on.
    pub(crate) fn password_context<'a>(
        &'a self,
        email: &'a str,
    ) -> crate::domain::password::PasswordContext<'a> {
        crate::domain::password::PasswordContext {
            email: Some(email),
            shop_name: Some(&self.inner.shop_name),
        }
    }
}
