//! Storefront API access tokens, the credentials of the shop's front-ends.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use std::sync::Arc;

use super::Database;
use super::access_cache::CachedAccess;
use super::entities::{shop, storefront_token};
use super::error::StoreError;
use crate::domain::shop::Shop;
pub use crate::domain::storefront_token::{StorefrontTokenRecord, TokenKind};

/// A row as a record; `None` for a kind this release does not know.
fn from_row(row: storefront_token::Model) -> Option<StorefrontTokenRecord> {
    Some(StorefrontTokenRecord {
        id: row.id,
        kind: TokenKind::parse(&row.kind)?,
        title: row.title,
        public_token: row.public_token,
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    })
}

pub struct NewStorefrontToken<'a> {
    pub id: i64,
    pub shop_id: i64,
    pub kind: TokenKind,
    pub title: &'a str,
    pub digest: &'a str,
    pub public_token: Option<&'a str>,
    pub now: i64,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewStorefrontToken<'_>,
) -> Result<(), StoreError> {
    let row = storefront_token::ActiveModel {
        id: Set(new.id),
        shop_id: Set(new.shop_id),
        kind: Set(new.kind.as_str().to_owned()),
        title: Set(new.title.to_owned()),
        token_digest: Set(new.digest.to_owned()),
        public_token: Set(new.public_token.map(str::to_owned)),
        created_at: Set(new.now),
        revoked_at: Set(None),
    };
    storefront_token::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The active (not revoked) token with this digest and the shop it belongs to, in one query:
/// the credential decides the shop of a request. Digests are unique across shops (a token
/// names exactly one shop), the one unique index without the shop.
pub async fn find_active(
    db: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<(StorefrontTokenRecord, Shop)>, StoreError> {
    let found = storefront_token::Entity::find()
        .filter(storefront_token::Column::TokenDigest.eq(digest))
        .filter(storefront_token::Column::RevokedAt.is_null())
        .find_also_related(shop::Entity)
        .one(db)
        .await?;
    let Some((token, Some(shop))) = found else {
        return Ok(None);
    };
    let Some(record) = from_row(token) else {
        return Ok(None);
    };
    Ok(Some((record, Shop::try_from(shop)?)))
}

/// [`find_active`], answered from this node's cache when it holds the token (no statement);
/// see `access_cache` for why a revoked token is still refused at once.
pub async fn find_active_cached(
    db: &Database,
    digest: &str,
) -> Result<Option<CachedAccess>, StoreError> {
    let cache = db.access_cache();
    let epoch = cache.and_then(|cache| cache.begin());
    if let (Some(cache), Some(_)) = (cache, epoch)
        && let Some(hit) = cache.get(digest)
    {
        return Ok(Some(hit));
    }
    let found = find_active(db.reader(), digest)
        .await?
        .map(|(record, shop)| (record, Arc::new(shop)));
    if let (Some(cache), Some(epoch), Some(found)) = (cache, epoch, &found) {
        cache.remember(epoch, digest, found.clone());
    }
    Ok(found)
}

/// Every token of the shop, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Vec<StorefrontTokenRecord>, StoreError> {
    Ok(storefront_token::Entity::find()
        .filter(storefront_token::Column::ShopId.eq(shop_id))
        .order_by_asc(storefront_token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(from_row)
        .collect())
}

/// Revokes a token by id; `false` when there is no such active token.
pub async fn revoke(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let result = storefront_token::Entity::update_many()
        .col_expr(storefront_token::Column::RevokedAt, Some(now).into())
        .filter(storefront_token::Column::Id.eq(id))
        .filter(storefront_token::Column::ShopId.eq(shop_id))
        .filter(storefront_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
