//! The mail outbox: messages to send, committed in the same transaction as the change they
//! announce, and worked off by the sender with retries. A row is claimed (`locked_until`) before
//! it is sent, so several nodes never send the same message at once. Once a message is sent or
//! given up, only its metadata stays: the payload (the claims a one-time link is signed from) is
//! dropped, so a copy of the database and the signing key cannot rebuild a link.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entities::mail_outbox;
use super::error::StoreError;
pub use crate::domain::outbox::{OutboxEntry, OutboxFilter, OutboxMessage};

impl From<mail_outbox::Model> for OutboxMessage {
    fn from(row: mail_outbox::Model) -> Self {
        Self {
            id: row.id,
            shop_id: row.shop_id,
            kind: row.kind,
            customer_id: row.customer_id,
            recipient: row.recipient,
            payload: row.payload,
            attempts: row.attempts,
        }
    }
}

pub struct NewMessage<'a> {
    pub id: i64,
    pub shop_id: i64,
    pub kind: &'a str,
    pub customer_id: Option<i64>,
    pub recipient: &'a str,
    pub payload: Option<String>,
    pub now: i64,
    /// Not sent before this time (an import's invitations, spread to the shop's rate).
    pub not_before: Option<i64>,
}

pub async fn enqueue(db: &impl ConnectionTrait, message: NewMessage<'_>) -> Result<(), StoreError> {
    let row = mail_outbox::ActiveModel {
        id: Set(message.id),
        shop_id: Set(message.shop_id),
        kind: Set(message.kind.to_owned()),
        customer_id: Set(message.customer_id),
        recipient: Set(message.recipient.to_owned()),
        payload: Set(message.payload),
        created_at: Set(message.now),
        attempts: Set(0),
        next_attempt_at: Set(message
            .not_before
            .map_or(message.now, |at| Ord::max(at, message.now))),
        locked_until: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
    };
    mail_outbox::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// When the shop's last pending message of `kind` is scheduled (to queue more behind it).
pub async fn last_scheduled(
    db: &impl ConnectionTrait,
    shop_id: i64,
    kind: &str,
) -> Result<Option<i64>, StoreError> {
    let last: Option<Option<i64>> = mail_outbox::Entity::find()
        .select_only()
        .column_as(mail_outbox::Column::NextAttemptAt.max(), "last")
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(mail_outbox::Column::Kind.eq(kind))
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::FailedAt.is_null())
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten())
}

/// Messages that are due and not claimed by another sender, oldest first, of every shop (one
/// sender works for all of them).
pub async fn due(
    db: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<OutboxMessage>, StoreError> {
    Ok(mail_outbox::Entity::find()
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::FailedAt.is_null())
        .filter(mail_outbox::Column::NextAttemptAt.lte(now))
        .filter(
            mail_outbox::Column::LockedUntil
                .is_null()
                .or(mail_outbox::Column::LockedUntil.lt(now)),
        )
        .order_by_asc(mail_outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Claims a message until `until`; `false` when another sender holds it or it is done.
pub async fn claim(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    now: i64,
    until: i64,
) -> Result<bool, StoreError> {
    let result = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(until))
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::FailedAt.is_null())
        .filter(
            mail_outbox::Column::LockedUntil
                .is_null()
                .or(mail_outbox::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Rewrites what a message is about (a recovery request becomes a reset message).
pub async fn set_content(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    kind: &str,
    customer_id: i64,
    payload: &str,
) -> Result<(), StoreError> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Kind, Expr::value(kind))
        .col_expr(mail_outbox::Column::CustomerId, Expr::value(customer_id))
        .col_expr(mail_outbox::Column::Payload, Expr::value(payload))
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn mark_sent(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    now: i64,
) -> Result<(), StoreError> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
        .col_expr(mail_outbox::Column::Payload, no_payload())
        .col_expr(
            mail_outbox::Column::LockedUntil,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            mail_outbox::Column::Attempts,
            Expr::col(mail_outbox::Column::Attempts).add(1),
        )
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A failed attempt: retried at `next_attempt_at`, or given up when `give_up`.
pub async fn mark_attempt_failed(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    now: i64,
    next_attempt_at: i64,
    give_up: bool,
    error: &str,
) -> Result<(), StoreError> {
    let mut update = mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::Attempts,
            Expr::col(mail_outbox::Column::Attempts).add(1),
        )
        .col_expr(
            mail_outbox::Column::NextAttemptAt,
            Expr::value(next_attempt_at),
        )
        .col_expr(
            mail_outbox::Column::LockedUntil,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(mail_outbox::Column::LastError, Expr::value(error))
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(mail_outbox::Column::Id.eq(id));
    if give_up {
        // A retry by the operator makes a new link (`retry_failed`).
        update = update
            .col_expr(mail_outbox::Column::FailedAt, Expr::value(now))
            .col_expr(mail_outbox::Column::Payload, no_payload());
    }
    update.exec(db).await?;
    Ok(())
}

/// A message that turned out to need no mail (a recovery request for no customer): done.
pub async fn mark_dropped(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
    now: i64,
) -> Result<(), StoreError> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
        .col_expr(mail_outbox::Column::Payload, no_payload())
        .col_expr(
            mail_outbox::Column::LockedUntil,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            mail_outbox::Column::LastError,
            Expr::value("no mail: no customer to write to"),
        )
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// NULL for the payload column.
fn no_payload() -> sea_orm::sea_query::SimpleExpr {
    Expr::value(Option::<String>::None)
}

/// Messages not sent yet (pending or retrying), of every shop: the sender's backlog.
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(mail_outbox::Entity::find()
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::FailedAt.is_null())
        .count(db)
        .await?)
}

pub async fn list(
    db: &impl ConnectionTrait,
    shop_id: i64,
    filter: OutboxFilter,
    limit: u64,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let query = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(mail_outbox::Column::SentAt.is_null());
    let query = match filter {
        OutboxFilter::Pending => query.filter(mail_outbox::Column::FailedAt.is_null()),
        OutboxFilter::Failed => query.filter(mail_outbox::Column::FailedAt.is_not_null()),
    };
    Ok(query
        .order_by_asc(mail_outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| OutboxEntry {
            id: row.id,
            kind: row.kind,
            recipient: row.recipient,
            created_at: row.created_at,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
        })
        .collect())
}

/// Gives failed messages (all, or one) a new round of attempts, due now.
pub async fn retry_failed(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: Option<i64>,
    now: i64,
) -> Result<u64, StoreError> {
    let mut update = mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::FailedAt,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(mail_outbox::Column::Attempts, Expr::value(0))
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(now))
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::FailedAt.is_not_null());
    if let Some(id) = id {
        update = update
            .filter(mail_outbox::Column::ShopId.eq(shop_id))
            .filter(mail_outbox::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Erasure: every message to or about a customer.
pub async fn delete_for_customer(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    email_key: &str,
) -> Result<u64, StoreError> {
    let result = mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::ShopId.eq(shop_id))
        .filter(
            mail_outbox::Column::CustomerId
                .eq(customer_id)
                .or(mail_outbox::Column::Recipient.eq(email_key)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Housekeeping, across every shop: forgets messages sent before `before` (they hold only
/// metadata by then; indexed by `sent_at`). Failed messages stay for the operator.
pub async fn purge_sent(db: &impl ConnectionTrait, before: i64) -> Result<u64, StoreError> {
    let result = mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::SentAt.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
