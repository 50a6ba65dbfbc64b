//! Tells every node which customers' data changed, so that a node can remember its answers to
//! customer reads and still never serve one from before a change.
//!
//! The database itself signals, by triggers, as `storefront_access_changes` does for tokens:
//! every writer (a node, the CLI, an operator's SQL) is covered without having to remember to.
//! - Per customer: a change to a customer, its access tokens, addresses, metafields or orders
//!   names that customer (both, when an order moves from one customer to another).
//! - Whole shops: a change to a shop, a storefront token or a metafield definition can change
//!   any customer's answer (an order's status URL, which metafields the storefront sees), so it
//!   names nobody: every remembered answer goes.
//!
//! - PostgreSQL: a notification on the channel `storefront_customer_changed` whose payload is
//!   the customer's id, or empty for everyone (delivered at commit, to every node that listens).
//! - SQLite: a row in `customer_read_changes` (the customer's id, or NULL for everyone), read by
//!   a node only when `PRAGMA data_version` says that some commit happened since it last looked.
//!   Rows are numbered without gaps (one writer at a time, the highest never deleted), so a node
//!   that finds the next number missing knows that housekeeping pruned what it had not read yet.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows belong to one customer, with the column that names it.
const PER_CUSTOMER: [(&str, &str); 5] = [
    ("customers", "id"),
    ("customer_access_tokens", "customer_id"),
    ("customer_addresses", "customer_id"),
    ("customer_metafields", "customer_id"),
    ("orders", "customer_id"),
];
/// The names the customer columns above go by.
const CUSTOMER_COLUMNS: [&str; 2] = ["id", "customer_id"];
/// Tables whose change can touch any customer's answer.
const SHOP_WIDE: [&str; 3] = ["shops", "storefront_tokens", "metafield_definitions"];
const EVENTS: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                // One function per name of the customer column, read directly (not through
                // `to_jsonb` of the whole row: an order's row carries its document). NEW is not
                // read in a DELETE, nor OLD in an INSERT.
                for column in CUSTOMER_COLUMNS {
                    db.execute_unprepared(&format!(
                        "CREATE FUNCTION storefront_customer_changed_by_{column}() RETURNS trigger \
                         LANGUAGE plpgsql AS $$ BEGIN \
                         IF TG_OP <> 'DELETE' THEN \
                           IF NEW.{column} IS NOT NULL THEN \
                             PERFORM pg_notify('storefront_customer_changed', NEW.{column}::text); \
                           END IF; \
                         END IF; \
                         IF TG_OP = 'DELETE' THEN \
                           IF OLD.{column} IS NOT NULL THEN \
                             PERFORM pg_notify('storefront_customer_changed', OLD.{column}::text); \
                           END IF; \
                         ELSIF TG_OP = 'UPDATE' THEN \
                           IF OLD.{column} IS NOT NULL AND OLD.{column} IS DISTINCT FROM NEW.{column} THEN \
                             PERFORM pg_notify('storefront_customer_changed', OLD.{column}::text); \
                           END IF; \
                         END IF; \
                         RETURN NULL; END $$"
                    ))
                    .await?;
                }
                db.execute_unprepared(
                    "CREATE FUNCTION storefront_customers_changed() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN \
                     PERFORM pg_notify('storefront_customer_changed', ''); RETURN NULL; END $$",
                )
                .await?;
                for (table, column) in PER_CUSTOMER {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_read_changed \
                         AFTER INSERT OR UPDATE OR DELETE ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION storefront_customer_changed_by_{column}()"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_read_truncated AFTER TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION storefront_customers_changed()"
                    ))
                    .await?;
                }
                for table in SHOP_WIDE {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_read_changed \
                         AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION storefront_customers_changed()"
                    ))
                    .await?;
                }
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TABLE customer_read_changes (\
                     seq INTEGER PRIMARY KEY, customer_id BIGINT)",
                )
                .await?;
                // One plain insert per trigger (a `WHEN` instead of a subquery: measured, the
                // cheaper form); an update that moves a row to another customer names both.
                for (table, column) in PER_CUSTOMER {
                    for (name, event, when, value) in [
                        (
                            "insert",
                            "INSERT",
                            format!("NEW.{column} IS NOT NULL"),
                            "NEW",
                        ),
                        (
                            "update",
                            "UPDATE",
                            format!("NEW.{column} IS NOT NULL"),
                            "NEW",
                        ),
                        (
                            "update_from",
                            "UPDATE",
                            format!(
                                "OLD.{column} IS NOT NULL AND OLD.{column} IS NOT NEW.{column}"
                            ),
                            "OLD",
                        ),
                        (
                            "delete",
                            "DELETE",
                            format!("OLD.{column} IS NOT NULL"),
                            "OLD",
                        ),
                    ] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_read_changed_on_{name} \
                             AFTER {event} ON {table} WHEN {when} BEGIN \
                             INSERT INTO customer_read_changes (customer_id) \
                             VALUES ({value}.{column}); END"
                        ))
                        .await?;
                    }
                }
                for table in SHOP_WIDE {
                    for event in EVENTS {
                        let name = event.to_ascii_lowercase();
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_read_changed_on_{name} \
                             AFTER {event} ON {table} BEGIN \
                             INSERT INTO customer_read_changes (customer_id) VALUES (NULL); END"
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let tables = PER_CUSTOMER
            .iter()
            .map(|(table, _)| *table)
            .chain(SHOP_WIDE);
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                for table in tables {
                    for trigger in ["read_changed", "read_truncated"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_{trigger} ON {table}"
                        ))
                        .await?;
                    }
                }
                for column in CUSTOMER_COLUMNS {
                    db.execute_unprepared(&format!(
                        "DROP FUNCTION IF EXISTS storefront_customer_changed_by_{column}()"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS storefront_customers_changed()")
                    .await?;
            }
            _ => {
                for table in tables {
                    for name in ["insert", "update", "update_from", "delete"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_read_changed_on_{name}"
                        ))
                        .await?;
                    }
                }
                db.execute_unprepared("DROP TABLE IF EXISTS customer_read_changes")
                    .await?;
            }
        }
        Ok(())
    }
}
