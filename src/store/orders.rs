//! Order rows of the read model and the ids of the Shopify webhook events already applied.
//! Every function is scoped by the shop.

use sea_orm::sea_query::{Condition, Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{customer, order, shopify_webhook_event};
use super::error::StoreError;
use crate::domain::order::listing::{Comparison, OrderCursor, OrderFilter, OrderSort};

/// A row to write: everything but the timestamps the store keeps.
#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub external_customer_id: Option<i64>,
    pub email_key: Option<String>,
    pub order_number: i64,
    pub name: String,
    pub processed_at: i64,
    pub total_price_key: i64,
    pub remote_updated_at: Option<i64>,
    pub content_digest: String,
    pub key_digest: String,
    pub document: String,
}

/// What ingest decides on without reading the document.
#[derive(Debug, Clone, FromQueryResult)]
pub struct OrderVersion {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub remote_updated_at: Option<i64>,
    pub content_digest: String,
    pub deleted_at: Option<i64>,
}

/// A listed order: its place in the sort order and its document.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ListedOrder {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub processed_at: i64,
    pub total_price_key: i64,
    pub document: Option<String>,
}

/// The columns of a [`ListedOrder`].
const LISTED_COLUMNS: [order::Column; 5] = [
    order::Column::Id,
    order::Column::CustomerId,
    order::Column::ProcessedAt,
    order::Column::TotalPriceKey,
    order::Column::Document,
];

impl ListedOrder {
    pub fn sort_value(&self, sort: OrderSort) -> i64 {
        match sort {
            OrderSort::Id => self.id,
            OrderSort::ProcessedAt => self.processed_at,
            OrderSort::TotalPrice => self.total_price_key,
        }
    }
}

/// What `node(id:)` checks before it reads an order.
#[derive(Debug, Clone, FromQueryResult)]
pub struct OrderGate {
    pub key_digest: String,
    pub customer_id: Option<i64>,
}

fn to_active(shop_id: i64, row: OrderRow, now: i64) -> order::ActiveModel {
    order::ActiveModel {
        shop_id: Set(shop_id),
        id: Set(row.id),
        customer_id: Set(row.customer_id),
        external_customer_id: Set(row.external_customer_id),
        email_key: Set(row.email_key),
        order_number: Set(row.order_number),
        name: Set(row.name),
        processed_at: Set(row.processed_at),
        total_price_key: Set(row.total_price_key),
        remote_updated_at: Set(row.remote_updated_at),
        content_digest: Set(row.content_digest),
        key_digest: Set(row.key_digest),
        document: Set(Some(row.document)),
        deleted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The stored versions of these orders (deleted ones included).
pub async fn versions(
    db: &impl ConnectionTrait,
    shop_id: i64,
    ids: &[i64],
) -> Result<Vec<OrderVersion>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .column(order::Column::CustomerId)
        .column(order::Column::RemoteUpdatedAt)
        .column(order::Column::ContentDigest)
        .column(order::Column::DeletedAt)
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::Id.is_in(ids.iter().copied()))
        .into_model::<OrderVersion>()
        .all(db)
        .await?)
}

/// The documents of these orders (for what an update keeps, such as the key).
pub async fn documents(
    db: &impl ConnectionTrait,
    shop_id: i64,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .column(order::Column::Document)
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::Id.is_in(ids.iter().copied()))
        .into_model::<IdAndDocument>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| row.document.map(|d| (row.id, d)))
        .collect())
}

/// Rows of several columns are read by name, not by position: the SQLite writer's rows keep
/// their columns in name order (`direct_writes`).
#[derive(FromQueryResult)]
struct IdAndDocument {
    id: i64,
    document: Option<String>,
}

#[derive(FromQueryResult)]
struct IdAndEmailKey {
    id: i64,
    email_key: String,
}

/// New orders, in one statement.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    shop_id: i64,
    rows: Vec<OrderRow>,
    now: i64,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    order::Entity::insert_many(rows.into_iter().map(|row| to_active(shop_id, row, now)))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Replaces a stored order (a deleted one stays deleted: callers check first).
pub async fn replace(
    db: &impl ConnectionTrait,
    shop_id: i64,
    row: OrderRow,
    now: i64,
) -> Result<(), StoreError> {
    let id = row.id;
    let mut active = to_active(shop_id, row, now);
    active.created_at = sea_orm::ActiveValue::NotSet;
    active.shop_id = sea_orm::ActiveValue::NotSet;
    active.id = sea_orm::ActiveValue::NotSet;
    order::Entity::update_many()
        .set(active)
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks an order deleted and drops its document; an order never seen gets a tombstone, so a
/// late `orders/create` for it is ignored too. `false` when it was already deleted.
pub async fn mark_deleted(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let result = order::Entity::update_many()
        .col_expr(order::Column::DeletedAt, Expr::value(now))
        .col_expr(order::Column::Document, Expr::value(Option::<String>::None))
        .col_expr(order::Column::CustomerId, Expr::value(Option::<i64>::None))
        .col_expr(order::Column::EmailKey, Expr::value(Option::<String>::None))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        return Ok(true);
    }
    let tombstone = order::ActiveModel {
        shop_id: Set(shop_id),
        id: Set(id),
        customer_id: Set(None),
        external_customer_id: Set(None),
        email_key: Set(None),
        order_number: Set(0),
        name: Set(String::new()),
        processed_at: Set(0),
        total_price_key: Set(0),
        remote_updated_at: Set(None),
        content_digest: Set(String::new()),
        key_digest: Set(String::new()),
        document: Set(None),
        deleted_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let inserted = order::Entity::insert(tombstone)
        .on_conflict(
            OnConflict::columns([order::Column::ShopId, order::Column::Id])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

fn filtered(
    shop_id: i64,
    customer_id: i64,
    filter: &OrderFilter,
) -> sea_orm::Select<order::Entity> {
    let mut query = order::Entity::find()
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::CustomerId.eq(customer_id))
        .filter(order::Column::DeletedAt.is_null());
    for (comparison, at) in &filter.processed_at {
        let column = order::Column::ProcessedAt;
        query = query.filter(match comparison {
            Comparison::Lt => column.lt(*at),
            Comparison::Le => column.lte(*at),
            Comparison::Eq => column.eq(*at),
            Comparison::Ge => column.gte(*at),
            Comparison::Gt => column.gt(*at),
        });
    }
    if let Some(id) = filter.id {
        query = query.filter(order::Column::Id.eq(id));
    }
    if filter.name.is_some() {
        query = query.filter(order::Column::Name.is_in(filter.names()));
    }
    if filter.matches_nothing {
        // No order has id 0 (ids are positive): an always-false condition.
        query = query.filter(order::Column::Id.eq(0i64));
    }
    query
}

/// One page of a customer's orders, read in the given direction from just past `after`
/// (and short of `before`, both in that direction), at most `limit` rows.
pub struct PageQuery<'a> {
    pub filter: &'a OrderFilter,
    pub sort: OrderSort,
    pub descending: bool,
    pub after: Option<OrderCursor>,
    pub before: Option<OrderCursor>,
    pub limit: u64,
}

fn sort_column(sort: OrderSort) -> order::Column {
    match sort {
        OrderSort::Id => order::Column::Id,
        OrderSort::ProcessedAt => order::Column::ProcessedAt,
        OrderSort::TotalPrice => order::Column::TotalPriceKey,
    }
}

/// Rows strictly past `cursor` in the order (value, id), ascending or descending.
fn past(sort: OrderSort, cursor: OrderCursor, descending: bool) -> Condition {
    let column = sort_column(sort);
    let id = order::Column::Id;
    if sort == OrderSort::Id {
        return Condition::all().add(if descending {
            id.lt(cursor.id)
        } else {
            id.gt(cursor.id)
        });
    }
    if descending {
        Condition::any().add(column.lt(cursor.value)).add(
            Condition::all()
                .add(column.eq(cursor.value))
                .add(id.lt(cursor.id)),
        )
    } else {
        Condition::any().add(column.gt(cursor.value)).add(
            Condition::all()
                .add(column.eq(cursor.value))
                .add(id.gt(cursor.id)),
        )
    }
}

pub async fn page(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    request: PageQuery<'_>,
) -> Result<Vec<ListedOrder>, StoreError> {
    let mut query = filtered(shop_id, customer_id, request.filter);
    if let Some(after) = request.after {
        query = query.filter(past(request.sort, after, request.descending));
    }
    if let Some(before) = request.before {
        // Short of `before`: past it in the opposite direction.
        query = query.filter(past(request.sort, before, !request.descending));
    }
    let direction = if request.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    if request.sort != OrderSort::Id {
        query = query.order_by(sort_column(request.sort), direction.clone());
    }
    Ok(query
        .order_by(order::Column::Id, direction)
        .select_only()
        .columns(LISTED_COLUMNS)
        .limit(request.limit)
        .into_model::<ListedOrder>()
        .all(db)
        .await?)
}

/// How many of the customer's orders match the filter.
pub async fn count(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    filter: &OrderFilter,
) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(filtered(shop_id, customer_id, filter).count(db).await?)
}

/// The key digest and owner of a live order, without its document.
pub async fn gate(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
) -> Result<Option<OrderGate>, StoreError> {
    Ok(order::Entity::find()
        .select_only()
        .column(order::Column::KeyDigest)
        .column(order::Column::CustomerId)
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::DeletedAt.is_null())
        .into_model::<OrderGate>()
        .one(db)
        .await?)
}

/// A live order's row, for reading it.
pub async fn find(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
) -> Result<Option<ListedOrder>, StoreError> {
    Ok(order::Entity::find()
        .select_only()
        .columns(LISTED_COLUMNS)
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::DeletedAt.is_null())
        .into_model::<ListedOrder>()
        .one(db)
        .await?)
}

/// Gives the customer the shop's unowned orders placed with their (now proven) email or naming
/// their id (placed before the account existed here).
pub async fn link_unowned_orders(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    email_key: &str,
    now: i64,
) -> Result<u64, StoreError> {
    let result = order::Entity::update_many()
        .col_expr(order::Column::CustomerId, Expr::value(customer_id))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(
            Condition::any()
                .add(order::Column::EmailKey.eq(email_key))
                .add(order::Column::ExternalCustomerId.eq(customer_id)),
        )
        .filter(order::Column::CustomerId.is_null())
        .filter(order::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// The customer's orders with their documents, for redaction.
pub async fn of_customer(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
) -> Result<Vec<(i64, Option<String>)>, StoreError> {
    Ok(order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .column(order::Column::Document)
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::CustomerId.eq(customer_id))
        .into_model::<IdAndDocument>()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.document))
        .collect())
}

/// Writes an order's redacted document and forgets whose it was.
pub async fn redact(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    document: Option<String>,
    content_digest: &str,
    now: i64,
) -> Result<(), StoreError> {
    order::Entity::update_many()
        .col_expr(order::Column::Document, Expr::value(document))
        .col_expr(order::Column::ContentDigest, Expr::value(content_digest))
        .col_expr(order::Column::CustomerId, Expr::value(Option::<i64>::None))
        .col_expr(
            order::Column::ExternalCustomerId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(order::Column::EmailKey, Expr::value(Option::<String>::None))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::ShopId.eq(shop_id))
        .filter(order::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Which of these ids are customers of the shop.
pub async fn existing_customers(
    db: &impl ConnectionTrait,
    shop_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?)
}

/// The customers of the shop with one of these email keys who proved their address.
pub async fn proven_customers_by_email(
    db: &impl ConnectionTrait,
    shop_id: i64,
    email_keys: &[String],
) -> Result<Vec<(i64, String)>, StoreError> {
    if email_keys.is_empty() {
        return Ok(Vec::new());
    }
    Ok(customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .column(customer::Column::EmailKey)
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::EmailKey.is_in(email_keys.iter().cloned()))
        .filter(customer::Column::EmailVerifiedAt.is_not_null())
        .into_model::<IdAndEmailKey>()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.email_key))
        .collect())
}

/// Records a Shopify webhook event as applied; `false` when it was already.
pub async fn record_webhook_event(
    db: &impl ConnectionTrait,
    shop_id: i64,
    event_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let inserted = shopify_webhook_event::Entity::insert(shopify_webhook_event::ActiveModel {
        shop_id: Set(shop_id),
        event_id: Set(event_id.to_owned()),
        received_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            shopify_webhook_event::Column::ShopId,
            shopify_webhook_event::Column::EventId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Forgets event ids received before `before` (every shop: housekeeping).
pub async fn purge_webhook_events(
    db: &impl ConnectionTrait,
    before: i64,
) -> Result<u64, StoreError> {
    Ok(shopify_webhook_event::Entity::delete_many()
        .filter(shopify_webhook_event::Column::ReceivedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
