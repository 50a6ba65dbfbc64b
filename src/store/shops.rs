//! Shops: the one table that is not scoped by a shop, since it lists them.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use secrecy::{ExposeSecret, SecretString};

use super::entities::shop;
use super::error::StoreError;
use crate::domain::password::PasswordPolicy;
use crate::domain::shop::{Shop, ShopHandle};

impl TryFrom<shop::Model> for Shop {
    type Error = StoreError;

    fn try_from(row: shop::Model) -> Result<Self, StoreError> {
        let handle = ShopHandle::parse(&row.handle).map_err(|message| {
            StoreError::Db(sea_orm::DbErr::Custom(format!(
                "shop {}: {message}",
                row.id
            )))
        })?;
        let length = |value: i32| usize::try_from(value).unwrap_or(0);
        Ok(Shop {
            id: row.id,
            handle,
            name: row.name,
            domain: row.domain,
            mail_from: row.mail_from,
            password_policy: PasswordPolicy {
                min_length: length(row.password_min_length),
                max_length: length(row.password_max_length),
            },
            multipass_secret: row.multipass_secret.map(SecretString::from),
            webhook_secret: row.webhook_secret.map(SecretString::from),
            shopify_webhook_secret: row.shopify_webhook_secret.map(SecretString::from),
            order_url_template: row.order_url_template,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn to_row(shop: &Shop) -> shop::ActiveModel {
    let length = |value: usize| i32::try_from(value).unwrap_or(i32::MAX);
    let secret = |value: &Option<SecretString>| {
        value
            .as_ref()
            .map(|secret| secret.expose_secret().to_owned())
    };
    shop::ActiveModel {
        id: Set(shop.id),
        handle: Set(shop.handle.as_str().to_owned()),
        name: Set(shop.name.clone()),
        domain: Set(shop.domain.clone()),
        mail_from: Set(shop.mail_from.clone()),
        password_min_length: Set(length(shop.password_policy.min_length)),
        password_max_length: Set(length(shop.password_policy.max_length)),
        multipass_secret: Set(secret(&shop.multipass_secret)),
        webhook_secret: Set(secret(&shop.webhook_secret)),
        shopify_webhook_secret: Set(secret(&shop.shopify_webhook_secret)),
        order_url_template: Set(shop.order_url_template.clone()),
        created_at: Set(shop.created_at),
        updated_at: Set(shop.updated_at),
    }
}

/// Adds a shop; a taken handle is `StoreError::Taken(UniqueKey::ShopHandle)`.
pub async fn insert(db: &impl ConnectionTrait, shop: &Shop) -> Result<(), StoreError> {
    shop::Entity::insert(to_row(shop))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes every setting of an existing shop (its id and handle stay).
pub async fn save(db: &impl ConnectionTrait, shop: &Shop) -> Result<bool, StoreError> {
    let mut row = to_row(shop);
    row.id = sea_orm::ActiveValue::Unchanged(shop.id);
    row.created_at = sea_orm::ActiveValue::NotSet;
    let result = shop::Entity::update_many()
        .set(row)
        .filter(shop::Column::Id.eq(shop.id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Shop>, StoreError> {
    shop::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Shop::try_from)
        .transpose()
}

pub async fn find_by_handle(
    db: &impl ConnectionTrait,
    handle: &ShopHandle,
) -> Result<Option<Shop>, StoreError> {
    shop::Entity::find()
        .filter(shop::Column::Handle.eq(handle.as_str()))
        .one(db)
        .await?
        .map(Shop::try_from)
        .transpose()
}

/// Every shop, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Shop>, StoreError> {
    shop::Entity::find()
        .order_by_asc(shop::Column::CreatedAt)
        .order_by_asc(shop::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Shop::try_from)
        .collect()
}
