//! Database failures as the use cases need to see them: a unique key that was taken (the index is
//! the source of truth under concurrency), or anything else, which is an internal failure.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

use super::direct_writes::UNIQUE_VIOLATION;

/// Which unique index refused a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueKey {
    CustomerEmail,
    CustomerPhone,
    ShopHandle,
    Other,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique key {0:?} is already taken")]
    Taken(UniqueKey),
    #[error(transparent)]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(message)) => {
                StoreError::Taken(unique_key_from_message(&message))
            }
            _ => match &err {
                // The SQLite writer's (`direct_writes`): SQLite's own message.
                DbErr::Exec(RuntimeErr::Internal(message))
                | DbErr::Query(RuntimeErr::Internal(message))
                    if message.starts_with(UNIQUE_VIOLATION) =>
                {
                    StoreError::Taken(unique_key_from_message(message))
                }
                _ => StoreError::Db(err),
            },
        }
    }
}

/// PostgreSQL names the index (`ux_customers_shop_email`); SQLite names the columns
/// (`customers.shop_id, customers.email_key`). Both are recognized.
fn unique_key_from_message(message: &str) -> UniqueKey {
    if message.contains("ux_customers_shop_email") || message.contains("customers.email_key") {
        UniqueKey::CustomerEmail
    } else if message.contains("ux_customers_shop_phone") || message.contains("customers.phone") {
        UniqueKey::CustomerPhone
    } else if message.contains("ux_shops_handle") || message.contains("shops.handle") {
        UniqueKey::ShopHandle
    } else {
        UniqueKey::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_both_databases_messages() {
        assert_eq!(
            unique_key_from_message(
                "duplicate key value violates unique constraint \"ux_customers_shop_email\""
            ),
            UniqueKey::CustomerEmail
        );
        assert_eq!(
            unique_key_from_message("UNIQUE constraint failed: customers.shop_id, customers.phone"),
            UniqueKey::CustomerPhone
        );
        assert_eq!(
            unique_key_from_message("UNIQUE constraint failed: customers.id"),
            UniqueKey::Other
        );
    }
}
