//! Metafield definitions and customers' metafield values. A value's definition is found by its
//! shop, namespace and key (a join, not a stored link), so defining a namespace and key governs
//! the values already written under it.

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, JoinType, OnConflict, Order, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::entities::{customer_metafield as value, metafield_definition as definition};
use super::error::StoreError;
use crate::domain::metafield::{
    CustomerAccountAccess, DefinitionRecord, MetafieldRecord, OwnerType, StorefrontAccess,
};
use crate::domain::metafield_value::{MetafieldType, Validations};

/// Which values a read may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// The admin's: every value.
    All,
    /// The storefront's: values whose definition says `PUBLIC_READ`.
    Storefront,
}

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("stored {what} unreadable: {detail}")))
}

fn definition_record(row: definition::Model) -> Result<DefinitionRecord, StoreError> {
    let ty = MetafieldType::parse(&row.r#type)
        .ok_or_else(|| corrupt("metafield definition type", &row.r#type))?;
    let owner_type = OwnerType::parse(&row.owner_type)
        .ok_or_else(|| corrupt("metafield owner type", &row.owner_type))?;
    let pairs: Vec<(String, String)> =
        serde_json::from_str(&row.validations).map_err(|e| corrupt("metafield validations", e))?;
    let validations =
        Validations::from_pairs(ty, &pairs).map_err(|e| corrupt("metafield validations", e))?;
    Ok(DefinitionRecord {
        id: row.id,
        owner_type,
        namespace: row.namespace,
        key: row.key,
        ty,
        name: row.name,
        description: row.description,
        validations,
        storefront: StorefrontAccess::parse(&row.storefront_access),
        customer_account: CustomerAccountAccess::parse(&row.customer_account_access),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn definition_active(shop_id: i64, record: &DefinitionRecord) -> definition::ActiveModel {
    let pairs = record.validations.to_pairs();
    definition::ActiveModel {
        id: Set(record.id),
        shop_id: Set(shop_id),
        owner_type: Set(record.owner_type.as_str().to_owned()),
        namespace: Set(record.namespace.clone()),
        key: Set(record.key.clone()),
        r#type: Set(record.ty.name()),
        name: Set(record.name.clone()),
        description: Set(record.description.clone()),
        validations: Set(serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".to_owned())),
        storefront_access: Set(record.storefront.as_str().to_owned()),
        customer_account_access: Set(record.customer_account.as_str().to_owned()),
        created_at: Set(record.created_at),
        updated_at: Set(record.updated_at),
    }
}

/// The shop's definitions for an owner type, by namespace and key.
pub async fn definitions(
    db: &impl ConnectionTrait,
    shop_id: i64,
    owner_type: OwnerType,
) -> Result<Vec<DefinitionRecord>, StoreError> {
    definition::Entity::find()
        .filter(definition::Column::ShopId.eq(shop_id))
        .filter(definition::Column::OwnerType.eq(owner_type.as_str()))
        .order_by_asc(definition::Column::Namespace)
        .order_by_asc(definition::Column::Key)
        .all(db)
        .await?
        .into_iter()
        .map(definition_record)
        .collect()
}

pub async fn count_definitions(
    db: &impl ConnectionTrait,
    shop_id: i64,
    owner_type: OwnerType,
) -> Result<u64, StoreError> {
    Ok(definition::Entity::find()
        .filter(definition::Column::ShopId.eq(shop_id))
        .filter(definition::Column::OwnerType.eq(owner_type.as_str()))
        .count(db)
        .await?)
}

pub async fn definition_by_id(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
) -> Result<Option<DefinitionRecord>, StoreError> {
    definition::Entity::find_by_id(id)
        .filter(definition::Column::ShopId.eq(shop_id))
        .one(db)
        .await?
        .map(definition_record)
        .transpose()
}

/// The definitions of these namespace-and-key pairs (those that have one), in one statement.
pub async fn definitions_for(
    db: &impl ConnectionTrait,
    shop_id: i64,
    owner_type: OwnerType,
    pairs: &[(String, String)],
) -> Result<Vec<DefinitionRecord>, StoreError> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let (namespaces, keys) = names_of(pairs);
    definition::Entity::find()
        .filter(definition::Column::ShopId.eq(shop_id))
        .filter(definition::Column::OwnerType.eq(owner_type.as_str()))
        .filter(definition::Column::Namespace.is_in(namespaces))
        .filter(definition::Column::Key.is_in(keys))
        .all(db)
        .await?
        .into_iter()
        .filter(|row| {
            pairs
                .iter()
                .any(|(n, k)| *n == row.namespace && *k == row.key)
        })
        .map(definition_record)
        .collect()
}

/// A new definition; `Taken` when the namespace and key have one already.
pub async fn insert_definition(
    db: &impl ConnectionTrait,
    shop_id: i64,
    record: &DefinitionRecord,
) -> Result<(), StoreError> {
    definition::Entity::insert(definition_active(shop_id, record))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes a definition's name, description, validations and access settings.
pub async fn update_definition(
    db: &impl ConnectionTrait,
    shop_id: i64,
    record: &DefinitionRecord,
) -> Result<(), StoreError> {
    let mut active = definition_active(shop_id, record);
    // What identifies a definition never changes.
    active.id = sea_orm::ActiveValue::NotSet;
    active.shop_id = sea_orm::ActiveValue::NotSet;
    active.owner_type = sea_orm::ActiveValue::NotSet;
    active.namespace = sea_orm::ActiveValue::NotSet;
    active.key = sea_orm::ActiveValue::NotSet;
    active.r#type = sea_orm::ActiveValue::NotSet;
    active.created_at = sea_orm::ActiveValue::NotSet;
    definition::Entity::update_many()
        .set(active)
        .filter(definition::Column::ShopId.eq(shop_id))
        .filter(definition::Column::Id.eq(record.id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_definition(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
) -> Result<bool, StoreError> {
    let result = definition::Entity::delete_many()
        .filter(definition::Column::ShopId.eq(shop_id))
        .filter(definition::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The customers that have a value under a namespace and key (a definition's values), so that
/// deleting them can be recorded on each customer.
pub async fn owners_of(
    db: &impl ConnectionTrait,
    shop_id: i64,
    namespace: &str,
    key: &str,
) -> Result<Vec<i64>, StoreError> {
    #[derive(FromQueryResult)]
    struct Owner {
        customer_id: i64,
    }
    let query = Query::select()
        .column(value::Column::CustomerId)
        .from(value::Entity)
        .and_where(value::Column::ShopId.eq(shop_id))
        .and_where(value::Column::Namespace.eq(namespace))
        .and_where(value::Column::Key.eq(key))
        .to_owned();
    Ok(
        Owner::find_by_statement(db.get_database_backend().build(&query))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.customer_id)
            .collect(),
    )
}

pub async fn delete_values_of(
    db: &impl ConnectionTrait,
    shop_id: i64,
    namespace: &str,
    key: &str,
) -> Result<u64, StoreError> {
    Ok(value::Entity::delete_many()
        .filter(value::Column::ShopId.eq(shop_id))
        .filter(value::Column::Namespace.eq(namespace))
        .filter(value::Column::Key.eq(key))
        .exec(db)
        .await?
        .rows_affected)
}

/// The distinct namespaces and keys of a list of pairs: the statement's `IN` lists (a superset
/// of the pairs, narrowed exactly afterwards).
fn names_of(pairs: &[(String, String)]) -> (Vec<String>, Vec<String>) {
    let mut namespaces: Vec<String> = pairs.iter().map(|(n, _)| n.clone()).collect();
    let mut keys: Vec<String> = pairs.iter().map(|(_, k)| k.clone()).collect();
    namespaces.sort();
    namespaces.dedup();
    keys.sort();
    keys.dedup();
    (namespaces, keys)
}

/// Rows are read by name (the SQLite writer's rows keep their columns in name order).
#[derive(FromQueryResult)]
struct ValueRow {
    id: i64,
    customer_id: i64,
    namespace: String,
    key: String,
    r#type: String,
    value: String,
    created_at: i64,
    updated_at: i64,
    definition_id: Option<i64>,
    description: Option<String>,
    storefront_access: Option<String>,
}

impl From<ValueRow> for MetafieldRecord {
    fn from(row: ValueRow) -> Self {
        MetafieldRecord {
            id: row.id,
            customer_id: row.customer_id,
            namespace: row.namespace,
            key: row.key,
            ty: row.r#type,
            value: row.value,
            created_at: row.created_at,
            updated_at: row.updated_at,
            definition_id: row.definition_id,
            description: row.description,
            storefront: row
                .storefront_access
                .as_deref()
                .map_or(StorefrontAccess::None, StorefrontAccess::parse),
        }
    }
}

/// What to read: which customers (or one value by id), which identifiers, who asks.
#[derive(Debug, Clone, Copy)]
pub struct ValueQuery<'a> {
    pub customer_ids: &'a [i64],
    /// `None`: every value of those customers.
    pub pairs: Option<&'a [(String, String)]>,
    pub id: Option<i64>,
    pub visibility: Visibility,
}

/// Values of several customers, with their definitions' access settings, in one statement
/// (however many customers and identifiers a request names). Ordered by customer, namespace,
/// key.
pub async fn read(
    db: &impl ConnectionTrait,
    shop_id: i64,
    query: ValueQuery<'_>,
) -> Result<Vec<MetafieldRecord>, StoreError> {
    if query.customer_ids.is_empty() && query.id.is_none() {
        return Ok(Vec::new());
    }
    let m = Alias::new("m");
    let d = Alias::new("d");
    let mut select = Query::select();
    select
        .columns([
            (m.clone(), value::Column::Id),
            (m.clone(), value::Column::CustomerId),
            (m.clone(), value::Column::Namespace),
            (m.clone(), value::Column::Key),
            (m.clone(), value::Column::Type),
            (m.clone(), value::Column::Value),
            (m.clone(), value::Column::CreatedAt),
            (m.clone(), value::Column::UpdatedAt),
        ])
        .expr_as(
            Expr::col((d.clone(), definition::Column::Id)),
            Alias::new("definition_id"),
        )
        .column((d.clone(), definition::Column::Description))
        .column((d.clone(), definition::Column::StorefrontAccess))
        .from_as(value::Entity, m.clone())
        .join_as(
            JoinType::LeftJoin,
            definition::Entity,
            d.clone(),
            Condition::all()
                .add(
                    Expr::col((d.clone(), definition::Column::ShopId))
                        .equals((m.clone(), value::Column::ShopId)),
                )
                .add(
                    Expr::col((d.clone(), definition::Column::OwnerType))
                        .eq(OwnerType::Customer.as_str()),
                )
                .add(
                    Expr::col((d.clone(), definition::Column::Namespace))
                        .equals((m.clone(), value::Column::Namespace)),
                )
                .add(
                    Expr::col((d.clone(), definition::Column::Key))
                        .equals((m.clone(), value::Column::Key)),
                ),
        )
        .and_where(Expr::col((m.clone(), value::Column::ShopId)).eq(shop_id));
    if let Some(id) = query.id {
        select.and_where(Expr::col((m.clone(), value::Column::Id)).eq(id));
    }
    if !query.customer_ids.is_empty() {
        let mut ids = query.customer_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        select.and_where(Expr::col((m.clone(), value::Column::CustomerId)).is_in(ids));
    }
    if let Some(pairs) = query.pairs {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let (namespaces, keys) = names_of(pairs);
        select
            .and_where(Expr::col((m.clone(), value::Column::Namespace)).is_in(namespaces))
            .and_where(Expr::col((m.clone(), value::Column::Key)).is_in(keys));
    }
    if query.visibility == Visibility::Storefront {
        select.and_where(
            Expr::col((d.clone(), definition::Column::StorefrontAccess))
                .eq(StorefrontAccess::PublicRead.as_str()),
        );
    }
    select
        .order_by((m.clone(), value::Column::CustomerId), Order::Asc)
        .order_by((m.clone(), value::Column::Namespace), Order::Asc)
        .order_by((m, value::Column::Key), Order::Asc);
    let rows = ValueRow::find_by_statement(db.get_database_backend().build(&select))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|row| {
            query.pairs.is_none_or(|pairs| {
                pairs
                    .iter()
                    .any(|(n, k)| *n == row.namespace && *k == row.key)
            })
        })
        .map(Into::into)
        .collect())
}

/// [`read`] of every value (or the storefront's) of some customers: on SQLite with the
/// direct readers (the account page's statement, like its customer and addresses), elsewhere
/// through sea-orm.
pub async fn of_customers(
    db: &super::Database,
    shop_id: i64,
    customer_ids: &[i64],
    visibility: Visibility,
) -> Result<Vec<MetafieldRecord>, StoreError> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    match db.direct_reads() {
        Some(direct) => direct.metafields(shop_id, customer_ids, visibility),
        None => {
            read(
                db.reader(),
                shop_id,
                ValueQuery {
                    customer_ids,
                    pairs: None,
                    id: None,
                    visibility,
                },
            )
            .await
        }
    }
}

/// A value to write.
#[derive(Debug, Clone)]
pub struct NewValue {
    pub id: i64,
    pub customer_id: i64,
    pub namespace: String,
    pub key: String,
    pub ty: String,
    pub value: String,
}

impl NewValue {
    /// Whether `stored` is this value's metafield (same customer, namespace and key).
    pub fn names(&self, stored: &MetafieldRecord) -> bool {
        stored.customer_id == self.customer_id
            && stored.namespace == self.namespace
            && stored.key == self.key
    }
}

/// Writes values in one statement: new ones are inserted, existing ones (same customer,
/// namespace and key) take the new type and value and keep their id and creation time.
pub async fn upsert(
    db: &impl ConnectionTrait,
    shop_id: i64,
    values: &[NewValue],
    now: i64,
) -> Result<(), StoreError> {
    if values.is_empty() {
        return Ok(());
    }
    let rows = values.iter().map(|v| value::ActiveModel {
        id: Set(v.id),
        shop_id: Set(shop_id),
        customer_id: Set(v.customer_id),
        namespace: Set(v.namespace.clone()),
        key: Set(v.key.clone()),
        r#type: Set(v.ty.clone()),
        value: Set(v.value.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    });
    value::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                value::Column::ShopId,
                value::Column::CustomerId,
                value::Column::Namespace,
                value::Column::Key,
            ])
            .update_columns([
                value::Column::Type,
                value::Column::Value,
                value::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Deletes one value; `false` when there was none.
pub async fn delete(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    namespace: &str,
    key: &str,
) -> Result<bool, StoreError> {
    let result = value::Entity::delete_many()
        .filter(value::Column::ShopId.eq(shop_id))
        .filter(value::Column::CustomerId.eq(customer_id))
        .filter(value::Column::Namespace.eq(namespace))
        .filter(value::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
