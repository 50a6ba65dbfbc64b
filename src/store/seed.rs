//! Bulk loading, for benchmarks and load tests: many customers with their addresses and access
//! tokens, in multi-row INSERTs of a thousand rows inside transactions of fifty thousand
//! customers. Every seeded customer shares one precomputed password hash: seeding is not login,
//! and a million argon2 hashes would take hours.

use sea_orm::{ActiveValue::Set, EntityTrait};

use super::entities::{customer, customer_access_token, customer_address};
use super::{Database, StoreError};
use crate::domain::{access_token, ids::new_id};

/// What to create. Customer `i` has the email `{email_prefix}{i}@example.com`.
pub struct SeedPlan {
    pub shop_id: i64,
    pub first: u64,
    pub customers: u64,
    pub addresses_per_customer: u32,
    /// A PHC string, from `PasswordHashing::hash`, that every seeded customer gets.
    pub password_hash: String,
    /// How many of the customers (the first ones) get an access token.
    pub tokens: u64,
    pub token_ttl_seconds: i64,
    pub email_prefix: String,
    pub now: i64,
}

const ROWS_PER_INSERT: usize = 1_000;
const CUSTOMERS_PER_TRANSACTION: u64 = 50_000;

/// Loads the plan; returns the raw access tokens, in customer order. `progress` hears the number
/// of customers written so far after each transaction.
pub async fn seed(
    db: &Database,
    plan: &SeedPlan,
    mut progress: impl FnMut(u64),
) -> Result<Vec<String>, StoreError> {
    let mut tokens = Vec::new();
    let mut start = plan.first;
    let end = plan.first + plan.customers;
    while start < end {
        let stop = (start + CUSTOMERS_PER_TRANSACTION).min(end);
        let mut customers = Vec::new();
        let mut addresses = Vec::new();
        let mut token_rows = Vec::new();
        for i in start..stop {
            let id = new_id();
            let address_ids: Vec<i64> =
                (0..plan.addresses_per_customer).map(|_| new_id()).collect();
            let email = format!("{}{i}@example.com", plan.email_prefix);
            customers.push(customer::ActiveModel {
                id: Set(id),
                shop_id: Set(plan.shop_id),
                email: Set(email.clone()),
                email_key: Set(email),
                phone: Set(None),
                first_name: Set(Some(format!("First{i}"))),
                last_name: Set(Some(format!("Last{i}"))),
                accepts_marketing: Set(i % 2 == 0),
                state: Set(super::customers::CustomerState::Enabled.as_str().to_owned()),
                password_hash: Set(Some(plan.password_hash.clone())),
                tags: Set("[]".to_owned()),
                created_at: Set(plan.now),
                updated_at: Set(plan.now),
                default_address_id: Set(address_ids.first().copied()),
                security_stamp: Set(Some(crate::domain::account_tokens::new_security_stamp())),
                activation_nonce_hash: Set(None),
                reset_nonce_hash: Set(None),
                multipass_identifier: Set(None),
                email_verified_at: Set(None),
                email_verified_by: Set(None),
            });
            for (n, address_id) in address_ids.into_iter().enumerate() {
                addresses.push(customer_address::ActiveModel {
                    id: Set(address_id),
                    shop_id: Set(plan.shop_id),
                    customer_id: Set(id),
                    first_name: Set(Some(format!("First{i}"))),
                    last_name: Set(Some(format!("Last{i}"))),
                    company: Set(None),
                    address1: Set(Some(format!("{} Main Street", n + 1))),
                    address2: Set(None),
                    city: Set(Some("Ottawa".to_owned())),
                    province: Set(Some("Ontario".to_owned())),
                    province_code: Set(Some("ON".to_owned())),
                    country: Set(Some("Canada".to_owned())),
                    country_code: Set(Some("CA".to_owned())),
                    zip: Set(Some("K1A 0B1".to_owned())),
                    phone: Set(None),
                    latitude: Set(None),
                    longitude: Set(None),
                    created_at: Set(plan.now),
                    updated_at: Set(plan.now),
                });
            }
            if i - plan.first < plan.tokens {
                let token = access_token::generate();
                let digest = access_token::digest(&token).unwrap_or_default();
                token_rows.push(customer_access_token::ActiveModel {
                    id: Set(new_id()),
                    shop_id: Set(plan.shop_id),
                    customer_id: Set(id),
                    token_digest: Set(digest),
                    created_at: Set(plan.now),
                    expires_at: Set(plan.now + plan.token_ttl_seconds),
                });
                tokens.push(token);
            }
        }
        let txn = db.begin_write().await?;
        for chunk in chunks(customers) {
            customer::Entity::insert_many(chunk).exec(&txn).await?;
        }
        for chunk in chunks(addresses) {
            customer_address::Entity::insert_many(chunk)
                .exec(&txn)
                .await?;
        }
        for chunk in chunks(token_rows) {
            customer_access_token::Entity::insert_many(chunk)
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        progress(stop - plan.first);
        start = stop;
    }
    Ok(tokens)
}

fn chunks<T>(mut rows: Vec<T>) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(ROWS_PER_INSERT));
        out.push(std::mem::replace(&mut rows, rest));
    }
    out
}
