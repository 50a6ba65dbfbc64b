//! Small shared records that make a rule hold across every node: Multipass tokens already used,
//! and fixed-window throttle counters.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::entities::{multipass_use, throttle_counter};
use super::error::{StoreError, UniqueKey};

/// Records a Multipass token as used; `false` when it was used before (a replay).
pub async fn use_multipass_token(
    db: &impl ConnectionTrait,
    shop_id: i64,
    fingerprint: &str,
    expires_at: i64,
) -> Result<bool, StoreError> {
    let row = multipass_use::ActiveModel {
        shop_id: Set(shop_id),
        fingerprint: Set(fingerprint.to_owned()),
        expires_at: Set(expires_at),
    };
    match multipass_use::Entity::insert(row)
        .exec_without_returning(db)
        .await
    {
        Ok(_) => Ok(true),
        Err(err) => match StoreError::from(err) {
            StoreError::Taken(UniqueKey::Other) => Ok(false),
            other => Err(other),
        },
    }
}

/// Housekeeping, across every shop: forgets used Multipass tokens that could not be replayed
/// anyway (expired; indexed by `expires_at`).
pub async fn purge_multipass_uses(db: &impl ConnectionTrait, now: i64) -> Result<u64, StoreError> {
    let result = multipass_use::Entity::delete_many()
        .filter(multipass_use::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Counts one hit on `key` in the fixed window of `window` seconds that contains `now`, and
/// returns the hits in that window so far (this one included). One statement, so concurrent
/// hits from several nodes are all counted.
pub async fn hit(
    db: &impl ConnectionTrait,
    shop_id: i64,
    key: &str,
    now: i64,
    window: i64,
) -> Result<i32, StoreError> {
    let window_start = now - now.rem_euclid(Ord::max(window, 1));
    let row = throttle_counter::ActiveModel {
        shop_id: Set(shop_id),
        key: Set(key.to_owned()),
        window_start: Set(window_start),
        count: Set(1),
    };
    throttle_counter::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                throttle_counter::Column::ShopId,
                throttle_counter::Column::Key,
            ])
            .value(
                throttle_counter::Column::Count,
                Expr::case(
                    Expr::col((
                        throttle_counter::Entity,
                        throttle_counter::Column::WindowStart,
                    ))
                    .eq(window_start),
                    Expr::col((throttle_counter::Entity, throttle_counter::Column::Count)).add(1),
                )
                .finally(1),
            )
            .value(
                throttle_counter::Column::WindowStart,
                Expr::value(window_start),
            )
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let count = throttle_counter::Entity::find_by_id((shop_id, key.to_owned()))
        .one(db)
        .await?
        .map_or(1, |row| row.count);
    Ok(count)
}

/// A counter kept per key: `count` and the time it last moved (consecutive login failures).
pub async fn counter(
    db: &impl ConnectionTrait,
    shop_id: i64,
    key: &str,
) -> Result<Option<(i32, i64)>, StoreError> {
    Ok(
        throttle_counter::Entity::find_by_id((shop_id, key.to_owned()))
            .one(db)
            .await?
            .map(|row| (row.count, row.window_start)),
    )
}

/// Adds one to the counter of `key` (at most `cap`) and stamps it `at`, in one statement: two
/// nodes, or two connections of one, that count at once both count.
pub async fn increment_counter(
    db: &impl ConnectionTrait,
    shop_id: i64,
    key: &str,
    at: i64,
    cap: i32,
) -> Result<(), StoreError> {
    let row = throttle_counter::ActiveModel {
        shop_id: Set(shop_id),
        key: Set(key.to_owned()),
        window_start: Set(at),
        count: Set(1),
    };
    let current = Expr::col((throttle_counter::Entity, throttle_counter::Column::Count));
    throttle_counter::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                throttle_counter::Column::ShopId,
                throttle_counter::Column::Key,
            ])
            .value(
                throttle_counter::Column::Count,
                Expr::case(current.clone().gte(cap), Expr::value(cap)).finally(current.add(1)),
            )
            .value(throttle_counter::Column::WindowStart, Expr::value(at))
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn clear_counter(
    db: &impl ConnectionTrait,
    shop_id: i64,
    key: &str,
) -> Result<(), StoreError> {
    throttle_counter::Entity::delete_by_id((shop_id, key.to_owned()))
        .exec(db)
        .await?;
    Ok(())
}

/// Hits in the current fixed window of `key`, without counting one.
pub async fn hits(
    db: &impl ConnectionTrait,
    shop_id: i64,
    key: &str,
    now: i64,
    window: i64,
) -> Result<i32, StoreError> {
    let window_start = now - now.rem_euclid(Ord::max(window, 1));
    Ok(counter(db, shop_id, key)
        .await?
        .filter(|(_, start)| *start == window_start)
        .map_or(0, |(count, _)| count))
}

/// Housekeeping, across every shop: forgets counters that have not moved since `before` (their
/// window is over, and a login backoff that old has run out; indexed by `window_start`).
pub async fn purge_stale_counters(
    db: &impl ConnectionTrait,
    before: i64,
) -> Result<u64, StoreError> {
    let result = throttle_counter::Entity::delete_many()
        .filter(throttle_counter::Column::WindowStart.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
