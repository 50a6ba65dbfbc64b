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
/// Tables whose change can touch any customer's answer.
const SHOP_WIDE: [&str; 3] = ["shops", "storefront_tokens", "metafield_definitions"];
const EVENTS: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                // TG_ARGV[0] names the customer column; `to_jsonb` reads it from any table.
                db.execute_unprepared(
                    "CREATE FUNCTION storefront_customer_changed() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ \
                     DECLARE before TEXT; after TEXT; BEGIN \
                     IF TG_OP <> 'INSERT' THEN before := to_jsonb(OLD) ->> TG_ARGV[0]; END IF; \
                     IF TG_OP <> 'DELETE' THEN after := to_jsonb(NEW) ->> TG_ARGV[0]; END IF; \
                     IF before IS NOT NULL THEN \
                     PERFORM pg_notify('storefront_customer_changed', before); END IF; \
                     IF after IS NOT NULL AND after IS DISTINCT FROM before THEN \
                     PERFORM pg_notify('storefront_customer_changed', after); END IF; \
                     RETURN NULL; END $$",
                )
                .await?;
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
                         FOR EACH ROW EXECUTE FUNCTION storefront_customer_changed('{column}')"
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
                for (table, column) in PER_CUSTOMER {
                    for event in EVENTS {
                        let name = event.to_ascii_lowercase();
                        let named = match event {
                            "INSERT" => format!("SELECT NEW.{column} AS id"),
                            "DELETE" => format!("SELECT OLD.{column} AS id"),
                            _ => {
                                format!("SELECT OLD.{column} AS id UNION SELECT NEW.{column} AS id")
                            }
                        };
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_read_changed_on_{name} \
                             AFTER {event} ON {table} BEGIN \
                             INSERT INTO customer_read_changes (customer_id) \
                             SELECT id FROM ({named}) WHERE id IS NOT NULL; END"
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
                db.execute_unprepared("DROP FUNCTION IF EXISTS storefront_customer_changed()")
                    .await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS storefront_customers_changed()")
                    .await?;
            }
            _ => {
                for table in tables {
                    for event in EVENTS {
                        let name = event.to_ascii_lowercase();
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
