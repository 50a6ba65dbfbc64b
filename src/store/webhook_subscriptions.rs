//! A shop's webhook subscriptions: where each topic goes, signed with which secret, and how the
//! endpoint has been doing.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::{webhook_delivery, webhook_subscription};
use super::error::StoreError;

pub const STATE_ACTIVE: &str = "active";
pub const STATE_DISABLED: &str = "disabled";

/// A subscription, secrets included: only the sender and the one-time answer of a create or a
/// rotation read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    pub id: i64,
    pub shop_id: i64,
    pub topic: String,
    pub callback_url: String,
    pub include_fields: Vec<String>,
    pub name: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    /// Milliseconds: until then the previous secret signs too.
    pub previous_secret_until: Option<i64>,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<i64>,
    pub consecutive_failures: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

impl SubscriptionRecord {
    /// The secrets that sign a delivery at `now_ms`: the current one, and the previous one while
    /// a rotation's grace period lasts.
    pub fn signing_secrets(&self, now_ms: i64) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_secret_until)
            && now_ms < until
        {
            secrets.push(previous);
        }
        secrets
    }
}

impl From<webhook_subscription::Model> for SubscriptionRecord {
    fn from(row: webhook_subscription::Model) -> Self {
        Self {
            id: row.id,
            shop_id: row.shop_id,
            topic: row.topic,
            callback_url: row.callback_url,
            include_fields: serde_json::from_str(&row.include_fields).unwrap_or_default(),
            name: row.name,
            secret: row.secret,
            previous_secret: row.previous_secret,
            previous_secret_until: row.previous_secret_until,
            active: row.state == STATE_ACTIVE,
            disabled_reason: row.disabled_reason,
            failing_since: row.failing_since,
            consecutive_failures: row.consecutive_failures,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

pub struct NewSubscription<'a> {
    pub id: i64,
    pub shop_id: i64,
    pub topic: &'a str,
    pub callback_url: &'a str,
    pub include_fields: &'a [String],
    pub name: Option<&'a str>,
    pub secret: &'a str,
    pub now: i64,
}

fn fields_json(fields: &[String]) -> String {
    serde_json::to_string(fields).unwrap_or_else(|_| "[]".to_owned())
}

pub async fn insert(db: &impl ConnectionTrait, new: NewSubscription<'_>) -> Result<(), StoreError> {
    webhook_subscription::Entity::insert(webhook_subscription::ActiveModel {
        id: Set(new.id),
        shop_id: Set(new.shop_id),
        topic: Set(new.topic.to_owned()),
        callback_url: Set(new.callback_url.to_owned()),
        include_fields: Set(fields_json(new.include_fields)),
        name: Set(new.name.map(str::to_owned)),
        secret: Set(new.secret.to_owned()),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        state: Set(STATE_ACTIVE.to_owned()),
        disabled_reason: Set(None),
        failing_since: Set(None),
        consecutive_failures: Set(0),
        created_at: Set(new.now),
        updated_at: Set(new.now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn find(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
) -> Result<Option<SubscriptionRecord>, StoreError> {
    Ok(webhook_subscription::Entity::find_by_id(id)
        .filter(webhook_subscription::Column::ShopId.eq(shop_id))
        .one(db)
        .await?
        .map(Into::into))
}

/// Subscriptions of any of these ids, of every shop (the sender's batch).
pub async fn of_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<SubscriptionRecord>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The shop's subscriptions in id order, after `after`, optionally of some topics.
pub async fn list(
    db: &impl ConnectionTrait,
    shop_id: i64,
    topics: &[&str],
    limit: u64,
) -> Result<Vec<SubscriptionRecord>, StoreError> {
    let mut query = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::ShopId.eq(shop_id));
    if !topics.is_empty() {
        query = query.filter(webhook_subscription::Column::Topic.is_in(topics.iter().copied()));
    }
    Ok(query
        .order_by_asc(webhook_subscription::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn count(db: &impl ConnectionTrait, shop_id: i64) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::ShopId.eq(shop_id))
        .count(db)
        .await?)
}

/// What an update changes; `None` keeps a value.
#[derive(Debug, Default)]
pub struct SubscriptionChanges<'a> {
    pub callback_url: Option<&'a str>,
    pub include_fields: Option<&'a [String]>,
    pub name: Option<Option<&'a str>>,
}

/// Applies the changes and makes the subscription active again (an update is how a merchant says
/// the endpoint is fixed); `false` when there is no such subscription.
pub async fn update(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    changes: SubscriptionChanges<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let mut update = webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::State,
            Expr::value(STATE_ACTIVE),
        )
        .col_expr(
            webhook_subscription::Column::DisabledReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            webhook_subscription::Column::FailingSince,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            webhook_subscription::Column::ConsecutiveFailures,
            Expr::value(0),
        )
        .col_expr(webhook_subscription::Column::UpdatedAt, Expr::value(now));
    if let Some(url) = changes.callback_url {
        update = update.col_expr(webhook_subscription::Column::CallbackUrl, Expr::value(url));
    }
    if let Some(fields) = changes.include_fields {
        update = update.col_expr(
            webhook_subscription::Column::IncludeFields,
            Expr::value(fields_json(fields)),
        );
    }
    if let Some(name) = changes.name {
        update = update.col_expr(
            webhook_subscription::Column::Name,
            Expr::value(name.map(str::to_owned)),
        );
    }
    Ok(update
        .filter(webhook_subscription::Column::ShopId.eq(shop_id))
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// A new secret; the current one keeps signing beside it until `previous_until`.
pub async fn rotate_secret(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    secret: &str,
    previous_until: i64,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::PreviousSecret,
            Expr::col(webhook_subscription::Column::Secret),
        )
        .col_expr(webhook_subscription::Column::Secret, Expr::value(secret))
        .col_expr(
            webhook_subscription::Column::PreviousSecretUntil,
            Expr::value(previous_until),
        )
        .col_expr(webhook_subscription::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_subscription::Column::ShopId.eq(shop_id))
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

pub async fn delete(db: &impl ConnectionTrait, shop_id: i64, id: i64) -> Result<bool, StoreError> {
    // Deliveries first: SQLite does not enforce the cascade unless foreign keys are on.
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::ShopId.eq(shop_id))
        .filter(webhook_delivery::Column::SubscriptionId.eq(id))
        .exec(db)
        .await?;
    Ok(webhook_subscription::Entity::delete_many()
        .filter(webhook_subscription::Column::ShopId.eq(shop_id))
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// A delivery got through: the endpoint is healthy.
pub async fn record_success(db: &impl ConnectionTrait, id: i64) -> Result<(), StoreError> {
    webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::FailingSince,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            webhook_subscription::Column::ConsecutiveFailures,
            Expr::value(0),
        )
        .filter(webhook_subscription::Column::Id.eq(id))
        .filter(webhook_subscription::Column::ConsecutiveFailures.ne(0))
        .exec(db)
        .await?;
    Ok(())
}

/// A delivery failed: counts it, and notes since when the endpoint has been failing.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    id: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::ConsecutiveFailures,
            Expr::col(webhook_subscription::Column::ConsecutiveFailures).add(1),
        )
        .col_expr(
            webhook_subscription::Column::FailingSince,
            Expr::col(webhook_subscription::Column::FailingSince).if_null(now_ms),
        )
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Stops deliveries to the subscription (`410 Gone`, or failing for too long); they wait, and go
/// out again once it is updated.
pub async fn disable(
    db: &impl ConnectionTrait,
    id: i64,
    reason: &str,
    now: i64,
) -> Result<(), StoreError> {
    webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::State,
            Expr::value(STATE_DISABLED),
        )
        .col_expr(
            webhook_subscription::Column::DisabledReason,
            Expr::value(reason),
        )
        .col_expr(webhook_subscription::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
