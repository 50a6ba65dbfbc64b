//! Domain events: one row per logical change, written in the change's transaction, and its fan-out
//! into one delivery per active subscription to one of its topics (`webhook_deliveries`), in the
//! same transaction. A committed change therefore always has its event and its deliveries, and a
//! rolled-back one has neither.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

use super::entities::{event, webhook_delivery, webhook_subscription};
use super::error::StoreError;
use super::webhook_subscriptions::STATE_ACTIVE;

/// An event to record.
pub struct NewEvent<'a> {
    pub id: i64,
    pub shop_id: i64,
    pub customer_id: Option<i64>,
    /// The logical change (`customer.updated`).
    pub action: &'a str,
    /// The topics it produces, each with its body (JSON `{topic: body}` once stored).
    pub topics: &'a [&'a str],
    pub payload: String,
    /// Milliseconds.
    pub now_ms: i64,
}

/// A recorded event as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventRecord {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub action: String,
    pub topics: Vec<String>,
    pub created_at_ms: i64,
}

impl From<event::Model> for EventRecord {
    fn from(row: event::Model) -> Self {
        Self {
            id: row.id,
            customer_id: row.customer_id,
            action: row.action,
            topics: split_topics(&row.topics),
            created_at_ms: row.created_at,
        }
    }
}

fn split_topics(topics: &str) -> Vec<String> {
    topics
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The active subscriptions of a shop to any of `topics`: `(id, topic)`. Read in the change's
/// transaction, before the bodies are built: a change nobody subscribes to stores no body.
pub async fn subscribers(
    db: &impl ConnectionTrait,
    shop_id: i64,
    topics: &[&str],
) -> Result<Vec<(i64, String)>, StoreError> {
    if topics.is_empty() {
        return Ok(Vec::new());
    }
    Ok(webhook_subscription::Entity::find()
        .select_only()
        .column(webhook_subscription::Column::Id)
        .column(webhook_subscription::Column::Topic)
        .filter(webhook_subscription::Column::ShopId.eq(shop_id))
        .filter(webhook_subscription::Column::State.eq(STATE_ACTIVE))
        .filter(webhook_subscription::Column::Topic.is_in(topics.iter().copied()))
        .order_by_asc(webhook_subscription::Column::Id)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?)
}

/// Records the event and one delivery per `(subscription, topic)` in `deliveries`, each with its
/// id from `new_id`.
pub async fn record(
    db: &impl ConnectionTrait,
    event: NewEvent<'_>,
    deliveries: &[(i64, String)],
    mut new_id: impl FnMut() -> i64,
) -> Result<(), StoreError> {
    event::Entity::insert(event::ActiveModel {
        id: Set(event.id),
        shop_id: Set(event.shop_id),
        customer_id: Set(event.customer_id),
        action: Set(event.action.to_owned()),
        topics: Set(event.topics.join(",")),
        payload: Set(event.payload),
        created_at: Set(event.now_ms),
    })
    .exec_without_returning(db)
    .await?;
    if deliveries.is_empty() {
        return Ok(());
    }
    let rows = deliveries
        .iter()
        .map(|(subscription_id, topic)| webhook_delivery::ActiveModel {
            id: Set(new_id()),
            shop_id: Set(event.shop_id),
            event_ref: Set(event.id),
            subscription_id: Set(*subscription_id),
            topic: Set(topic.clone()),
            ordering_key: Set(event.customer_id.unwrap_or(0)),
            attempts: Set(0),
            next_attempt_at: Set(event.now_ms),
            locked_until: Set(None),
            delivered_at: Set(None),
            failed_at: Set(None),
            last_status: Set(None),
            last_error: Set(None),
            created_at: Set(event.now_ms),
        });
    webhook_delivery::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The body an event stored for `topic`.
pub async fn body(
    db: &impl ConnectionTrait,
    shop_id: i64,
    event_id: i64,
    topic: &str,
) -> Result<Option<serde_json::Value>, StoreError> {
    let Some(payload) = event::Entity::find_by_id(event_id)
        .select_only()
        .column(event::Column::Payload)
        .filter(event::Column::ShopId.eq(shop_id))
        .into_tuple::<String>()
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut bodies: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&payload)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("event payload: {e}"))))?;
    Ok(bodies.remove(topic))
}

pub async fn find(
    db: &impl ConnectionTrait,
    shop_id: i64,
    event_id: i64,
) -> Result<Option<EventRecord>, StoreError> {
    Ok(event::Entity::find_by_id(event_id)
        .filter(event::Column::ShopId.eq(shop_id))
        .one(db)
        .await?
        .map(Into::into))
}

/// The shop's events, newest first, optionally of one customer.
pub async fn list(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: Option<i64>,
    limit: u64,
) -> Result<Vec<EventRecord>, StoreError> {
    let mut query = event::Entity::find().filter(event::Column::ShopId.eq(shop_id));
    if let Some(customer_id) = customer_id {
        query = query.filter(event::Column::CustomerId.eq(customer_id));
    }
    Ok(query
        .order_by_desc(event::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Erasure: the customer's earlier events (their bodies hold personal data) go, with their
/// deliveries, but `keep` (the event announcing the erasure itself).
pub async fn delete_for_customer(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    keep: i64,
) -> Result<u64, StoreError> {
    let events = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::ShopId.eq(shop_id))
        .filter(event::Column::CustomerId.eq(customer_id))
        .filter(event::Column::Id.ne(keep))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    if events.is_empty() {
        return Ok(0);
    }
    // Deliveries first: SQLite does not enforce the cascade unless foreign keys are on.
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::ShopId.eq(shop_id))
        .filter(webhook_delivery::Column::EventRef.is_in(events.iter().copied()))
        .exec(db)
        .await?;
    Ok(event::Entity::delete_many()
        .filter(event::Column::ShopId.eq(shop_id))
        .filter(event::Column::Id.is_in(events))
        .exec(db)
        .await?
        .rows_affected)
}

/// Housekeeping, across every shop: forgets events older than `before_ms` none of whose
/// deliveries is still open (delivered and given-up ones go with them).
pub async fn purge(db: &impl ConnectionTrait, before_ms: i64) -> Result<u64, StoreError> {
    let open = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::EventRef)
        .filter(webhook_delivery::Column::DeliveredAt.is_null())
        .filter(webhook_delivery::Column::FailedAt.is_null())
        .into_query();
    let old = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::CreatedAt.lt(before_ms))
        .filter(Expr::col(event::Column::Id).not_in_subquery(open))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let mut purged = 0;
    for chunk in old.chunks(500) {
        webhook_delivery::Entity::delete_many()
            .filter(webhook_delivery::Column::EventRef.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
        purged += event::Entity::delete_many()
            .filter(event::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(purged)
}
