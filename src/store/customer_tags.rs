//! The searchable copy of customers' tags: one lower-cased row per tag, kept in step with the
//! JSON list on the customer row by every write that changes tags, in its transaction.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::entities::customer_tag;
use super::error::StoreError;
use crate::domain::tags::tag_key;

/// Makes `tags` the customer's searchable tags.
pub async fn replace(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    tags: &[String],
) -> Result<(), StoreError> {
    customer_tag::Entity::delete_many()
        .filter(customer_tag::Column::ShopId.eq(shop_id))
        .filter(customer_tag::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    // A tag too long for the index (only Multipass can bring one) is kept in the list but is
    // not searchable.
    let mut keys: Vec<String> = tags
        .iter()
        .map(|tag| tag_key(tag))
        .filter(|key| key.chars().count() <= crate::domain::tags::MAX_TAG_CHARS)
        .collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return Ok(());
    }
    let rows = keys.into_iter().map(|key| customer_tag::ActiveModel {
        shop_id: Set(shop_id),
        customer_id: Set(customer_id),
        tag_key: Set(key),
    });
    customer_tag::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
