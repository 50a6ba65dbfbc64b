//! Customer access tokens, stored by digest.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::Database;
use super::customers::{CustomerRecord, CustomerState};
use super::entities::{customer, customer_access_token};
use super::error::StoreError;
pub use crate::domain::access_token::TokenRecord;

impl From<customer_access_token::Model> for TokenRecord {
    fn from(row: customer_access_token::Model) -> Self {
        Self {
            id: row.id,
            customer_id: row.customer_id,
            created_at: row.created_at,
            expires_at: row.expires_at,
        }
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    customer_id: i64,
    digest: &str,
    now: i64,
    expires_at: i64,
) -> Result<TokenRecord, StoreError> {
    let row = customer_access_token::ActiveModel {
        id: Set(id),
        shop_id: Set(shop_id),
        customer_id: Set(customer_id),
        token_digest: Set(digest.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
    };
    Ok(customer_access_token::Entity::insert(row)
        .exec_with_returning(db)
        .await?
        .into())
}

/// The shop's live token with this digest and its enabled customer, in one indexed query.
pub async fn find_live(
    db: &impl ConnectionTrait,
    shop_id: i64,
    digest: &str,
    now: i64,
) -> Result<Option<(TokenRecord, CustomerRecord)>, StoreError> {
    let found = customer_access_token::Entity::find()
        .filter(customer_access_token::Column::ShopId.eq(shop_id))
        .filter(customer_access_token::Column::TokenDigest.eq(digest))
        .filter(customer_access_token::Column::ExpiresAt.gt(now))
        .find_also_related(customer::Entity)
        .one(db)
        .await?;
    Ok(match found {
        Some((token, Some(customer))) => {
            let customer = CustomerRecord::from(customer);
            (customer.state == CustomerState::Enabled).then(|| (token.into(), customer))
        }
        _ => None,
    })
}

/// The live tokens among these digests with their expiry and enabled customers, in one query (on SQLite on
/// the calling thread: `direct_reads`).
pub async fn find_live_many(
    db: &Database,
    shop_id: i64,
    digests: &[String],
    now: i64,
) -> Result<Vec<(String, i64, CustomerRecord)>, StoreError> {
    if digests.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(String, i64, customer::Model)> = match db.direct_reads() {
        Some(direct) => direct.live_tokens(shop_id, digests, now)?,
        None => customer_access_token::Entity::find()
            .filter(customer_access_token::Column::ShopId.eq(shop_id))
            .filter(customer_access_token::Column::TokenDigest.is_in(digests.iter().cloned()))
            .filter(customer_access_token::Column::ExpiresAt.gt(now))
            .find_also_related(customer::Entity)
            .all(db.reader())
            .await?
            .into_iter()
            .filter_map(|(token, customer)| Some((token.token_digest, token.expires_at, customer?)))
            .collect(),
    };
    Ok(found
        .into_iter()
        .filter_map(|(digest, expires_at, customer)| {
            let customer = CustomerRecord::from(customer);
            (customer.state == CustomerState::Enabled).then_some((digest, expires_at, customer))
        })
        .collect())
}

/// Moves the expiry of a token that is still live; `false` when it expired or was deleted meanwhile.
pub async fn extend(
    db: &impl ConnectionTrait,
    shop_id: i64,
    token_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<bool, StoreError> {
    let result = customer_access_token::Entity::update_many()
        .col_expr(customer_access_token::Column::ExpiresAt, expires_at.into())
        .filter(customer_access_token::Column::ShopId.eq(shop_id))
        .filter(customer_access_token::Column::Id.eq(token_id))
        .filter(customer_access_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes one token; `false` when it was already gone (a concurrent delete won).
pub async fn delete(
    db: &impl ConnectionTrait,
    shop_id: i64,
    token_id: i64,
) -> Result<bool, StoreError> {
    let result = customer_access_token::Entity::delete_many()
        .filter(customer_access_token::Column::ShopId.eq(shop_id))
        .filter(customer_access_token::Column::Id.eq(token_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Housekeeping, across every shop: removes tokens that expired before `now` (indexed by
/// `expires_at`).
pub async fn delete_expired(db: &impl ConnectionTrait, now: i64) -> Result<u64, StoreError> {
    let result = customer_access_token::Entity::delete_many()
        .filter(customer_access_token::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Revokes every token of a customer (after a password change).
pub async fn delete_all_for_customer(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
) -> Result<u64, StoreError> {
    let result = customer_access_token::Entity::delete_many()
        .filter(customer_access_token::Column::ShopId.eq(shop_id))
        .filter(customer_access_token::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// When each live session of a customer began and ends (never the token or its digest).
pub async fn live_sessions_of_customer(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    now: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(customer_access_token::Entity::find()
        .filter(customer_access_token::Column::ShopId.eq(shop_id))
        .filter(customer_access_token::Column::CustomerId.eq(customer_id))
        .filter(customer_access_token::Column::ExpiresAt.gt(now))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.created_at, row.expires_at))
        .collect())
}
