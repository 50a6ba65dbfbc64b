//! Customer addresses.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::Database;
use super::entities::customer_address;
use super::error::StoreError;
pub use crate::domain::mailing_address::{AddressFields, AddressRecord};

impl From<customer_address::Model> for AddressRecord {
    fn from(row: customer_address::Model) -> Self {
        Self {
            id: row.id,
            customer_id: row.customer_id,
            fields: AddressFields {
                first_name: row.first_name,
                last_name: row.last_name,
                company: row.company,
                address1: row.address1,
                address2: row.address2,
                city: row.city,
                province: row.province,
                province_code: row.province_code,
                country: row.country,
                country_code: row.country_code,
                zip: row.zip,
                phone: row.phone,
                latitude: row.latitude,
                longitude: row.longitude,
            },
        }
    }
}

fn active_model(
    shop_id: i64,
    record: &AddressRecord,
    created_at: Option<i64>,
    now: i64,
) -> customer_address::ActiveModel {
    let f = record.fields.clone();
    let mut row = customer_address::ActiveModel {
        id: Set(record.id),
        shop_id: Set(shop_id),
        customer_id: Set(record.customer_id),
        first_name: Set(f.first_name),
        last_name: Set(f.last_name),
        company: Set(f.company),
        address1: Set(f.address1),
        address2: Set(f.address2),
        city: Set(f.city),
        province: Set(f.province),
        province_code: Set(f.province_code),
        country: Set(f.country),
        country_code: Set(f.country_code),
        zip: Set(f.zip),
        phone: Set(f.phone),
        latitude: Set(f.latitude),
        longitude: Set(f.longitude),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(created_at) = created_at {
        row.created_at = Set(created_at);
    }
    row
}

pub async fn insert(
    db: &impl ConnectionTrait,
    shop_id: i64,
    record: &AddressRecord,
    now: i64,
) -> Result<(), StoreError> {
    customer_address::Entity::insert(active_model(shop_id, record, Some(now), now))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes every value of an existing address of the customer; `false` when there is none.
pub async fn update(
    db: &impl ConnectionTrait,
    shop_id: i64,
    record: &AddressRecord,
    now: i64,
) -> Result<bool, StoreError> {
    let result = customer_address::Entity::update_many()
        .set(active_model(shop_id, record, None, now))
        .filter(customer_address::Column::ShopId.eq(shop_id))
        .filter(customer_address::Column::Id.eq(record.id))
        .filter(customer_address::Column::CustomerId.eq(record.customer_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The customer's address with this id; `None` when it is someone else's or does not exist.
pub async fn find_for_customer(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    address_id: i64,
) -> Result<Option<AddressRecord>, StoreError> {
    Ok(customer_address::Entity::find_by_id(address_id)
        .filter(customer_address::Column::ShopId.eq(shop_id))
        .filter(customer_address::Column::CustomerId.eq(customer_id))
        .one(db)
        .await?
        .map(Into::into))
}

/// Every address of these customers, in one query, by customer then creation order.
pub async fn list_for_customers(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_ids: &[i64],
) -> Result<Vec<AddressRecord>, StoreError> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(customer_address::Entity::find()
        .filter(customer_address::Column::ShopId.eq(shop_id))
        .filter(customer_address::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_asc(customer_address::Column::CustomerId)
        .order_by_asc(customer_address::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// [`list_for_customers`] outside a transaction, on SQLite on the calling thread
/// (`direct_reads`): the read of every `customer { addresses }`.
pub async fn of_customers(
    db: &Database,
    shop_id: i64,
    customer_ids: &[i64],
) -> Result<Vec<AddressRecord>, StoreError> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    match db.direct_reads() {
        Some(direct) => Ok(direct
            .addresses(shop_id, customer_ids)?
            .into_iter()
            .map(Into::into)
            .collect()),
        None => list_for_customers(db.reader(), shop_id, customer_ids).await,
    }
}

pub async fn count_for_customer(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
) -> Result<u64, StoreError> {
    Ok(customer_address::Entity::find()
        .filter(customer_address::Column::ShopId.eq(shop_id))
        .filter(customer_address::Column::CustomerId.eq(customer_id))
        .count(db)
        .await?)
}

/// The customer's oldest address, which becomes the default when the default goes.
pub async fn first_for_customer(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(customer_address::Entity::find()
        .filter(customer_address::Column::ShopId.eq(shop_id))
        .filter(customer_address::Column::CustomerId.eq(customer_id))
        .order_by_asc(customer_address::Column::Id)
        .one(db)
        .await?
        .map(|row| row.id))
}

/// Deletes the customer's address; `false` when there was none.
pub async fn delete(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    address_id: i64,
) -> Result<bool, StoreError> {
    let result = customer_address::Entity::delete_many()
        .filter(customer_address::Column::ShopId.eq(shop_id))
        .filter(customer_address::Column::Id.eq(address_id))
        .filter(customer_address::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
