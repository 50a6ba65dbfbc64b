//! Bulk loading, for benchmarks and load tests: many customers with their addresses and access
//! tokens, in multi-row INSERTs of a thousand rows inside transactions of fifty thousand
//! customers. Every seeded customer shares one precomputed password hash: seeding is not login,
//! and a million argon2 hashes would take hours.
//!
//! Orders ([`seed_orders`]) are copies of one parsed order, renumbered and given to the seeded
//! customers, written as the order import writes them (the same rows, the same stored document)
//! but without its per-batch lookups: the database is known to hold none of them.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::entities::{customer, customer_access_token, customer_address, customer_tag};
use super::orders::OrderRow;
use super::{Database, StoreError};
use crate::domain::order::{Order, OrderCustomer, OrderKey};
use crate::domain::{access_token, email, ids::new_id};

/// What to create. Customer `i` has the email `{email_prefix}{i}@example.com`, the tag
/// `t{i % 1000}`, and was created `last - i` seconds before `now` (`last` being the plan's last
/// customer), so that the admin API's `tag:` and `created_at:` searches have something to find.
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
/// Seeded customers share this many tags (`t0` … `t999`).
pub const SEED_TAGS: u64 = 1_000;
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
        let mut tag_rows = Vec::new();
        for i in start..stop {
            let tag = format!("t{}", i % SEED_TAGS);
            let created_at = plan.now - i64::try_from(end - 1 - i).unwrap_or(0);
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
                tags: Set(format!("[\"{tag}\"]")),
                created_at: Set(created_at),
                updated_at: Set(created_at),
                default_address_id: Set(address_ids.first().copied()),
                security_stamp: Set(Some(crate::domain::account_tokens::new_security_stamp())),
                activation_nonce_hash: Set(None),
                reset_nonce_hash: Set(None),
                multipass_identifier: Set(None),
                email_verified_at: Set(None),
                email_verified_by: Set(None),
                version: Set(1),
                note: Set(None),
                erasure_due_at: Set(None),
            });
            tag_rows.push(customer_tag::ActiveModel {
                shop_id: Set(plan.shop_id),
                customer_id: Set(id),
                tag_key: Set(tag),
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
        for chunk in chunks(tag_rows) {
            customer_tag::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
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

/// Orders for the first customers of a [`SeedPlan`] already seeded: customer `i` (from
/// `plan.first`) gets `per_customer` copies of `template`, each with `line_items` lines made from
/// the template's (at most a thousand), dated an hour apart and ending an hour before `plan.now`.
pub struct OrderSeed {
    pub customers: u64,
    pub per_customer: u32,
    pub line_items: usize,
    /// A parsed order (`domain::order::parse_order`), such as a webhook body.
    pub template: Order,
}

/// Seeded order ids start here (Shopify's order ids are 13 digits; these are above them).
const FIRST_ORDER_ID: u64 = 9_000_000_000_000;
const ORDER_ROWS_PER_INSERT: usize = 200;
const ORDERS_PER_TRANSACTION: usize = 10_000;

/// The stored document of an order, as the order import writes it (`accounts::orders`).
#[derive(Serialize)]
struct Document<'a> {
    key: &'a str,
    order: &'a Order,
}

fn hex_digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes the orders of `seed`, in multi-row INSERTs inside transactions of ten thousand orders;
/// returns how many. `progress` hears the number of orders written so far after each
/// transaction.
pub async fn seed_orders(
    db: &Database,
    plan: &SeedPlan,
    seed: &OrderSeed,
    mut progress: impl FnMut(u64),
) -> Result<u64, StoreError> {
    let owners = seed.customers.min(plan.customers);
    let emails: Vec<String> = (plan.first..plan.first + owners)
        .map(|i| format!("{}{i}@example.com", plan.email_prefix))
        .collect();
    let mut found: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for chunk in emails.chunks(ROWS_PER_INSERT) {
        let rows: Vec<(i64, String)> = customer::Entity::find()
            .select_only()
            .column(customer::Column::Id)
            .column(customer::Column::EmailKey)
            .filter(customer::Column::ShopId.eq(plan.shop_id))
            .filter(customer::Column::EmailKey.is_in(chunk.iter().map(|e| email::normalize(e))))
            .into_tuple()
            .all(db.reader())
            .await?;
        found.extend(rows.into_iter().map(|(id, key)| (key, id)));
    }
    let mut written = 0u64;
    let mut rows = Vec::new();
    for (index, email) in emails.iter().enumerate() {
        let Some(&customer_id) = found.get(&email::normalize(email)) else {
            continue;
        };
        for k in 0..seed.per_customer {
            let n = index as u64 * u64::from(seed.per_customer) + u64::from(k);
            let hours_before = i64::from(seed.per_customer - k);
            let order = seeded_order(seed, n, customer_id, email, plan.now - 3_600 * hours_before);
            rows.push(order_row(order, customer_id)?);
        }
        if rows.len() >= ORDERS_PER_TRANSACTION || index + 1 == emails.len() {
            written += write_orders(db, plan, std::mem::take(&mut rows)).await?;
            progress(written);
        }
    }
    if !rows.is_empty() {
        written += write_orders(db, plan, rows).await?;
        progress(written);
    }
    Ok(written)
}

/// The template renumbered as the `n`th seeded order, of `customer_id`, processed at `at`.
fn seeded_order(seed: &OrderSeed, n: u64, customer_id: i64, email: &str, at: i64) -> Order {
    let mut order = seed.template.clone();
    let id = FIRST_ORDER_ID + n;
    order.id = id;
    order.admin_graphql_api_id = Some(format!("gid://shopify/Order/{id}"));
    order.number = Some(n + 1);
    order.order_number = n + 1001;
    order.name = format!("#{}", order.order_number);
    order.email = Some(email.to_owned());
    order.customer = Some(OrderCustomer {
        id: u64::try_from(customer_id).unwrap_or_default(),
        email: Some(email.to_owned()),
        phone: None,
        first_name: seed
            .template
            .customer
            .as_ref()
            .and_then(|c| c.first_name.clone()),
        last_name: seed
            .template
            .customer
            .as_ref()
            .and_then(|c| c.last_name.clone()),
    });
    let at = time::OffsetDateTime::from_unix_timestamp(at).unwrap_or(order.processed_at);
    order.created_at = at;
    order.processed_at = at;
    order.updated_at = Some(at);
    // Each order gets a key of its own, as an import without a status URL does.
    order.order_status_url = None;
    order.token = None;
    let lines = &seed.template.line_items;
    order.line_items = (0..seed.line_items)
        .filter_map(|j| {
            let mut line = lines.get(j % lines.len().max(1))?.clone();
            let j64 = j as u64;
            line.id = id * 1_000 + j64;
            line.name = line.name.map(|name| format!("{name} {}", j + 1));
            line.title = format!("{} {}", line.title, j + 1);
            line.sku = line.sku.map(|sku| format!("{sku}-{}", j + 1));
            line.variant_id = line.variant_id.map(|v| v + j64);
            line.product_id = line.product_id.map(|p| p + j64);
            Some(line)
        })
        .collect();
    let first_line = order.line_items.first().map(|line| line.id);
    for fulfillment in &mut order.fulfillments {
        fulfillment.id = id * 1_000 + fulfillment.id % 1_000;
        for item in &mut fulfillment.line_items {
            item.line_item_id = first_line.unwrap_or(item.line_item_id);
        }
    }
    order
}

/// The row the order import would write for a new order of `customer_id`.
fn order_row(order: Order, customer_id: i64) -> Result<OrderRow, StoreError> {
    let key = OrderKey::generate();
    let internal = |e: serde_json::Error| StoreError::Db(sea_orm::DbErr::Custom(e.to_string()));
    let body = serde_json::to_vec(&order).map_err(internal)?;
    let document = serde_json::to_string(&Document {
        key: key.as_str(),
        order: &order,
    })
    .map_err(internal)?;
    Ok(OrderRow {
        id: i64::try_from(order.id).unwrap_or(i64::MAX),
        customer_id: Some(customer_id),
        external_customer_id: Some(customer_id),
        email_key: order.email.as_deref().map(email::normalize),
        order_number: i64::try_from(order.order_number).unwrap_or(i64::MAX),
        name: order.name.clone(),
        processed_at: order.processed_at.unix_timestamp(),
        total_price_key: order.total_price.amount.sort_key(),
        remote_updated_at: order
            .updated_at
            .map(|at| (at.unix_timestamp_nanos() / 1_000_000) as i64),
        content_digest: hex_digest(&body),
        key_digest: hex_digest(key.as_str().as_bytes()),
        document,
    })
}

async fn write_orders(
    db: &Database,
    plan: &SeedPlan,
    rows: Vec<OrderRow>,
) -> Result<u64, StoreError> {
    let count = rows.len() as u64;
    let txn = db.begin_write().await?;
    let mut rows = rows;
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(ORDER_ROWS_PER_INSERT));
        super::orders::insert_many(&txn, plan.shop_id, rows, plan.now).await?;
        rows = rest;
    }
    txn.commit().await?;
    Ok(count)
}
