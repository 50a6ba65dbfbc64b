//! Which customer each imported record became, and the digest of the record as last imported
//! (`customer_imports`); and the count of imported password hashes still waiting for a login.

use std::collections::BTreeMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use super::customers::{self, CustomerRecord};
use super::entities::{customer, customer_import};
use super::error::StoreError;
use crate::domain::legacy_hash::{STORED_PREFIX, stored_scheme};

/// A customer an imported record names, with what the last import of it wrote.
#[derive(Debug, Clone)]
pub struct ImportedCustomer {
    pub customer: CustomerRecord,
    /// `None` when the customer was not made or changed by an import.
    pub digest: Option<String>,
}

/// The customer a record names: by its external id when an import recorded one, else by email.
pub async fn find(
    db: &impl ConnectionTrait,
    shop_id: i64,
    external_id: Option<&str>,
    email_key: &str,
) -> Result<Option<ImportedCustomer>, StoreError> {
    if let Some(external_id) = external_id {
        let mapped = customer_import::Entity::find()
            .filter(customer_import::Column::ShopId.eq(shop_id))
            .filter(customer_import::Column::ExternalId.eq(external_id))
            .one(db)
            .await?;
        if let Some(mapped) = mapped
            && let Some(customer) = customers::find_by_id(db, shop_id, mapped.customer_id).await?
        {
            return Ok(Some(ImportedCustomer {
                customer,
                digest: Some(mapped.row_digest),
            }));
        }
    }
    let Some(customer) = customers::find_by_email_key(db, shop_id, email_key).await? else {
        return Ok(None);
    };
    let digest = customer_import::Entity::find()
        .filter(customer_import::Column::ShopId.eq(shop_id))
        .filter(customer_import::Column::CustomerId.eq(customer.id))
        .one(db)
        .await?
        .map(|row| row.row_digest);
    Ok(Some(ImportedCustomer { customer, digest }))
}

/// Whether another customer of the shop already has `external_id`.
pub async fn external_id_taken(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    external_id: &str,
) -> Result<bool, StoreError> {
    Ok(customer_import::Entity::find()
        .filter(customer_import::Column::ShopId.eq(shop_id))
        .filter(customer_import::Column::ExternalId.eq(external_id))
        .filter(customer_import::Column::CustomerId.ne(customer_id))
        .one(db)
        .await?
        .is_some())
}

/// Records what an import wrote to a customer (replacing what an earlier import recorded).
pub async fn record(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    external_id: Option<&str>,
    digest: &str,
    now: i64,
) -> Result<(), StoreError> {
    customer_import::Entity::delete_many()
        .filter(customer_import::Column::ShopId.eq(shop_id))
        .filter(customer_import::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    customer_import::Entity::insert(customer_import::ActiveModel {
        customer_id: Set(customer_id),
        shop_id: Set(shop_id),
        external_id: Set(external_id.map(str::to_owned)),
        row_digest: Set(digest.to_owned()),
        imported_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Imported password hashes not yet replaced by a login, per scheme, over every shop (an
/// operator's figure, as the mail backlog is). Reads only the start of each legacy hash.
pub async fn legacy_hashes_by_scheme(
    db: &impl ConnectionTrait,
) -> Result<BTreeMap<String, u64>, StoreError> {
    let prefixes: Vec<Option<String>> = customer::Entity::find()
        .select_only()
        .column_as(
            sea_orm::sea_query::Expr::expr(
                sea_orm::sea_query::Func::cust("SUBSTR")
                    .arg(sea_orm::sea_query::Expr::col(
                        customer::Column::PasswordHash,
                    ))
                    .arg(1)
                    .arg(48),
            ),
            "prefix",
        )
        .filter(customer::Column::PasswordHash.like(format!("{STORED_PREFIX}%")))
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = BTreeMap::new();
    for prefix in prefixes.iter().flatten() {
        if let Some(scheme) = stored_scheme(prefix) {
            *counts.entry(scheme.to_owned()).or_insert(0) += 1;
        }
    }
    Ok(counts)
}
