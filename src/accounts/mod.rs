//! Use cases: one function per thing a customer or operator does. Each validates with `domain`,
//! runs at most one write transaction through `store`, and returns an outcome or an
//! `AccountError` whose expected failures are variants, not strings.

mod addresses;
mod clock;
mod customers;
mod error;
mod hasher;
mod profile;
mod sessions;
mod storefront_access;

use std::sync::Arc;

pub use addresses::AddressArgument;
pub use clock::now;
pub use customers::SignUp;
pub use error::AccountError;
pub use hasher::Hasher;
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
    password_policy: PasswordPolicy,
    token_ttl_seconds: i64,
    max_addresses_per_customer: u64,
    allow_email_change: bool,
}

pub struct AccountsSettings {
    pub shop_id: i64,
    pub password_policy: PasswordPolicy,
    pub token_ttl_seconds: i64,
    pub max_addresses_per_customer: u64,
    pub allow_email_change: bool,
}

impl Accounts {
    pub fn new(db: Database, hasher: Hasher, settings: AccountsSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                hasher,
                shop_id: settings.shop_id,
                password_policy: settings.password_policy,
                token_ttl_seconds: settings.token_ttl_seconds,
                max_addresses_per_customer: settings.max_addresses_per_customer,
                allow_email_change: settings.allow_email_change,
            }),
        }
    }

    pub fn database(&self) -> &Database {
        &self.inner.db
    }
}
