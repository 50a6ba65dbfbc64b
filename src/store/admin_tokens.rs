//! Admin API access tokens: digests and scopes, per shop.

use std::sync::Arc;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{admin_token, shop};
use super::error::StoreError;
pub use crate::domain::admin_token::{AdminTokenRecord, Scopes};
use crate::domain::shop::Shop;

/// A row as a record; `None` when its scopes are not ones this release knows (never granted).
fn from_row(row: admin_token::Model) -> Option<AdminTokenRecord> {
    Some(AdminTokenRecord {
        id: row.id,
        title: row.title,
        scopes: Scopes::parse(&row.scopes).ok()?,
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    })
}

pub struct NewAdminToken<'a> {
    pub id: i64,
    pub shop_id: i64,
    pub title: &'a str,
    pub digest: &'a str,
    pub scopes: &'a Scopes,
    pub now: i64,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewAdminToken<'_>) -> Result<(), StoreError> {
    admin_token::Entity::insert(admin_token::ActiveModel {
        id: Set(new.id),
        shop_id: Set(new.shop_id),
        title: Set(new.title.to_owned()),
        token_digest: Set(new.digest.to_owned()),
        scopes: Set(new.scopes.to_string()),
        created_at: Set(new.now),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The active token with this digest and its shop, in one query (the token names the shop).
/// Not cached: the admin API is not the storefront's hot path, and revocation is then exact
/// on every node without any signal.
pub async fn find_active(
    db: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<(AdminTokenRecord, Arc<Shop>)>, StoreError> {
    let found = admin_token::Entity::find()
        .filter(admin_token::Column::TokenDigest.eq(digest))
        .filter(admin_token::Column::RevokedAt.is_null())
        .find_also_related(shop::Entity)
        .one(db)
        .await?;
    let Some((token, Some(shop))) = found else {
        return Ok(None);
    };
    let Some(record) = from_row(token) else {
        return Ok(None);
    };
    Ok(Some((record, Arc::new(Shop::try_from(shop)?))))
}

/// Every admin token of the shop, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Vec<AdminTokenRecord>, StoreError> {
    Ok(admin_token::Entity::find()
        .filter(admin_token::Column::ShopId.eq(shop_id))
        .order_by_asc(admin_token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(from_row)
        .collect())
}

/// Revokes a token by id; `false` when the shop has no such active token.
pub async fn revoke(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let result = admin_token::Entity::update_many()
        .col_expr(admin_token::Column::RevokedAt, Some(now).into())
        .filter(admin_token::Column::Id.eq(id))
        .filter(admin_token::Column::ShopId.eq(shop_id))
        .filter(admin_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
