//! Webhook deliveries: the sender's work. A delivery is claimed (`locked_until`) before it is
//! sent, so two senders never send it at once and a sender killed mid-send leaves it to be sent
//! again once the claim runs out (receivers deduplicate on the delivery id). One customer's
//! deliveries to one subscription go out in commit order: a delivery is due only once every
//! earlier one of the same subscription and customer is done.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::{webhook_delivery, webhook_subscription};
use super::error::StoreError;
use super::webhook_subscriptions::STATE_ACTIVE;

/// Where a delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRecord {
    pub id: i64,
    pub shop_id: i64,
    pub event_id: i64,
    pub subscription_id: i64,
    pub topic: String,
    pub customer_id: Option<i64>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// Milliseconds, as every time here.
    pub next_attempt_at: i64,
    pub delivered_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: i64,
}

impl From<webhook_delivery::Model> for DeliveryRecord {
    fn from(row: webhook_delivery::Model) -> Self {
        let status = if row.delivered_at.is_some() {
            DeliveryStatus::Delivered
        } else if row.failed_at.is_some() {
            DeliveryStatus::Failed
        } else {
            DeliveryStatus::Pending
        };
        Self {
            id: row.id,
            shop_id: row.shop_id,
            event_id: row.event_ref,
            subscription_id: row.subscription_id,
            topic: row.topic,
            customer_id: (row.ordering_key != 0).then_some(row.ordering_key),
            status,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            delivered_at: row.delivered_at,
            failed_at: row.failed_at,
            last_status: row.last_status,
            last_error: row.last_error,
            created_at: row.created_at,
        }
    }
}

fn open() -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(webhook_delivery::Column::DeliveredAt.is_null())
        .add(webhook_delivery::Column::FailedAt.is_null())
}

/// Deliveries due at `now_ms`, of every shop, oldest first: open, not claimed, to an active
/// subscription, and the first open one of their subscription and customer.
pub async fn due(
    db: &impl ConnectionTrait,
    now_ms: i64,
    limit: u64,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let earlier = Alias::new("earlier");
    let earlier_open = Query::select()
        .expr(Expr::val(1))
        .from_as(webhook_delivery::Entity, earlier.clone())
        .and_where(
            Expr::col((earlier.clone(), webhook_delivery::Column::SubscriptionId)).equals((
                webhook_delivery::Entity,
                webhook_delivery::Column::SubscriptionId,
            )),
        )
        .and_where(
            Expr::col((earlier.clone(), webhook_delivery::Column::OrderingKey)).equals((
                webhook_delivery::Entity,
                webhook_delivery::Column::OrderingKey,
            )),
        )
        .and_where(
            Expr::col((earlier.clone(), webhook_delivery::Column::Id)).lt(Expr::col((
                webhook_delivery::Entity,
                webhook_delivery::Column::Id,
            ))),
        )
        .and_where(Expr::col((earlier.clone(), webhook_delivery::Column::DeliveredAt)).is_null())
        .and_where(Expr::col((earlier, webhook_delivery::Column::FailedAt)).is_null())
        .to_owned();
    let active = Query::select()
        .column(webhook_subscription::Column::Id)
        .from(webhook_subscription::Entity)
        .and_where(Expr::col(webhook_subscription::Column::State).eq(STATE_ACTIVE))
        .to_owned();
    Ok(webhook_delivery::Entity::find()
        .filter(open())
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now_ms))
        .filter(
            webhook_delivery::Column::LockedUntil
                .is_null()
                .or(webhook_delivery::Column::LockedUntil.lt(now_ms)),
        )
        .filter(
            Expr::col((
                webhook_delivery::Entity,
                webhook_delivery::Column::SubscriptionId,
            ))
            .in_subquery(active),
        )
        .filter(Expr::exists(earlier_open).not())
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// When the next open delivery falls due (of an active subscription), if any: how long the
/// sender may sleep.
pub async fn next_due_at(db: &impl ConnectionTrait) -> Result<Option<i64>, StoreError> {
    let active = Query::select()
        .column(webhook_subscription::Column::Id)
        .from(webhook_subscription::Entity)
        .and_where(Expr::col(webhook_subscription::Column::State).eq(STATE_ACTIVE))
        .to_owned();
    Ok(webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::NextAttemptAt)
        .filter(open())
        .filter(webhook_delivery::Column::SubscriptionId.in_subquery(active))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?)
}

/// Claims a delivery until `until_ms`; `false` when another sender holds it or it is done.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    now_ms: i64,
    until_ms: i64,
) -> Result<bool, StoreError> {
    Ok(webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::LockedUntil, Expr::value(until_ms))
        .filter(webhook_delivery::Column::Id.eq(id))
        .filter(open())
        .filter(
            webhook_delivery::Column::LockedUntil
                .is_null()
                .or(webhook_delivery::Column::LockedUntil.lt(now_ms)),
        )
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

pub async fn mark_delivered(
    db: &impl ConnectionTrait,
    id: i64,
    status: i32,
    now_ms: i64,
) -> Result<(), StoreError> {
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(now_ms))
        .col_expr(
            webhook_delivery::Column::LockedUntil,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .col_expr(webhook_delivery::Column::LastStatus, Expr::value(status))
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(webhook_delivery::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A failed attempt: tried again at `next_attempt_ms`, or given up when that is `None`.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: i64,
    now_ms: i64,
    next_attempt_ms: Option<i64>,
    status: Option<i32>,
    error: &str,
) -> Result<(), StoreError> {
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .col_expr(
            webhook_delivery::Column::LockedUntil,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(webhook_delivery::Column::LastStatus, Expr::value(status))
        .col_expr(webhook_delivery::Column::LastError, Expr::value(error));
    update = match next_attempt_ms {
        Some(at) => update.col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(webhook_delivery::Column::FailedAt, Expr::value(now_ms)),
    };
    update
        .filter(webhook_delivery::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
) -> Result<Option<DeliveryRecord>, StoreError> {
    Ok(webhook_delivery::Entity::find_by_id(id)
        .filter(webhook_delivery::Column::ShopId.eq(shop_id))
        .one(db)
        .await?
        .map(Into::into))
}

/// The shop's deliveries, newest first, optionally of one subscription and in one status.
pub async fn list(
    db: &impl ConnectionTrait,
    shop_id: i64,
    subscription_id: Option<i64>,
    status: Option<DeliveryStatus>,
    limit: u64,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let mut query =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::ShopId.eq(shop_id));
    if let Some(subscription_id) = subscription_id {
        query = query.filter(webhook_delivery::Column::SubscriptionId.eq(subscription_id));
    }
    query = match status {
        None => query,
        Some(DeliveryStatus::Pending) => query.filter(open()),
        Some(DeliveryStatus::Delivered) => {
            query.filter(webhook_delivery::Column::DeliveredAt.is_not_null())
        }
        Some(DeliveryStatus::Failed) => {
            query.filter(webhook_delivery::Column::FailedAt.is_not_null())
        }
    };
    Ok(query
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Gives given-up deliveries (one, or all of a subscription or of the shop) a new round of
/// attempts, due now, with their delivery ids unchanged.
pub async fn retry(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: Option<i64>,
    subscription_id: Option<i64>,
    now_ms: i64,
) -> Result<u64, StoreError> {
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::FailedAt,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(0))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(now_ms))
        .filter(webhook_delivery::Column::ShopId.eq(shop_id))
        .filter(webhook_delivery::Column::FailedAt.is_not_null());
    if let Some(id) = id {
        update = update.filter(webhook_delivery::Column::Id.eq(id));
    }
    if let Some(subscription_id) = subscription_id {
        update = update.filter(webhook_delivery::Column::SubscriptionId.eq(subscription_id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// A delivery made again: the same event to the same subscription.
pub struct Replay<'a> {
    pub id: i64,
    pub shop_id: i64,
    pub event_id: i64,
    pub subscription_id: i64,
    pub topic: &'a str,
    pub customer_id: Option<i64>,
    pub now_ms: i64,
}

/// A replay: a new delivery of an event to a subscription, due now (a new delivery id: a
/// receiver that deduplicates takes it as new).
pub async fn insert_replay(
    db: &impl ConnectionTrait,
    replay: Replay<'_>,
) -> Result<(), StoreError> {
    let Replay {
        id,
        shop_id,
        event_id,
        subscription_id,
        topic,
        customer_id,
        now_ms,
    } = replay;
    webhook_delivery::Entity::insert(webhook_delivery::ActiveModel {
        id: Set(id),
        shop_id: Set(shop_id),
        event_ref: Set(event_id),
        subscription_id: Set(subscription_id),
        topic: Set(topic.to_owned()),
        ordering_key: Set(customer_id.unwrap_or(0)),
        attempts: Set(0),
        next_attempt_at: Set(now_ms),
        locked_until: Set(None),
        delivered_at: Set(None),
        failed_at: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        created_at: Set(now_ms),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Per subscription of every shop: open deliveries and the creation time of the oldest.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct Backlog {
    pub subscription_id: i64,
    pub pending: i64,
    pub oldest: i64,
}

pub async fn backlog(db: &impl ConnectionTrait) -> Result<Vec<Backlog>, StoreError> {
    Ok(webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::SubscriptionId)
        .column_as(webhook_delivery::Column::Id.count(), "pending")
        .column_as(webhook_delivery::Column::CreatedAt.min(), "oldest")
        .filter(open())
        .group_by(webhook_delivery::Column::SubscriptionId)
        .into_model::<Backlog>()
        .all(db)
        .await?)
}
