//! The audit trail of admin actions on customers: who (the admin token), what, when, and the
//! customer's version before and after. Ids only, so it holds no personal data.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::customer_audit;
use super::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub customer_id: i64,
    /// The admin token that acted; `None` for the operator's command line.
    pub admin_token_id: Option<i64>,
    pub action: String,
    pub version_before: Option<i64>,
    pub version_after: Option<i64>,
    pub at: i64,
}

pub async fn record(
    db: &impl ConnectionTrait,
    shop_id: i64,
    entry: &AuditEntry,
) -> Result<(), StoreError> {
    customer_audit::Entity::insert(customer_audit::ActiveModel {
        id: Set(entry.id),
        shop_id: Set(shop_id),
        customer_id: Set(entry.customer_id),
        admin_token_id: Set(entry.admin_token_id),
        action: Set(entry.action.clone()),
        version_before: Set(entry.version_before),
        version_after: Set(entry.version_after),
        at: Set(entry.at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The customer's trail, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    limit: u64,
) -> Result<Vec<AuditEntry>, StoreError> {
    Ok(customer_audit::Entity::find()
        .filter(customer_audit::Column::ShopId.eq(shop_id))
        .filter(customer_audit::Column::CustomerId.eq(customer_id))
        .order_by_desc(customer_audit::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            customer_id: row.customer_id,
            admin_token_id: row.admin_token_id,
            action: row.action,
            version_before: row.version_before,
            version_after: row.version_after,
            at: row.at,
        })
        .collect())
}
