//! Tells every node when a storefront token or a shop changes, so that a node can remember the
//! storefront tokens it has checked and still refuse a revoked one at once.
//!
//! The database itself signals, by triggers: every writer (a node, the CLI, an operator's SQL)
//! is covered without having to remember to.
//! - PostgreSQL: a statement that changes `storefront_tokens` or `shops` sends a notification on
//!   the channel `storefront_access_changed` (delivered when its transaction commits, to every
//!   node that listens).
//! - SQLite: it adds one to `storefront_access_version.version`, which a node reads only when
//!   `PRAGMA data_version` says that some commit happened since it last looked.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The watched tables: a storefront token and its shop make up a request's access.
const WATCHED: [&str; 2] = ["storefront_tokens", "shops"];
/// SQLite has no statement-level triggers: one row trigger per event.
const EVENTS: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION storefront_access_changed() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN \
                     PERFORM pg_notify('storefront_access_changed', ''); RETURN NULL; END $$",
                )
                .await?;
                for table in WATCHED {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_access_changed \
                         AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION storefront_access_changed()"
                    ))
                    .await?;
                }
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TABLE storefront_access_version (\
                     id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
                )
                .await?;
                db.execute_unprepared(
                    "INSERT INTO storefront_access_version (id, version) VALUES (1, 0)",
                )
                .await?;
                for table in WATCHED {
                    for event in EVENTS {
                        let name = event.to_ascii_lowercase();
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_access_changed_on_{name} \
                             AFTER {event} ON {table} BEGIN \
                             UPDATE storefront_access_version SET version = version + 1; END"
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
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                for table in WATCHED {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_access_changed ON {table}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS storefront_access_changed()")
                    .await?;
            }
            _ => {
                for table in WATCHED {
                    for event in EVENTS {
                        let name = event.to_ascii_lowercase();
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_access_changed_on_{name}"
                        ))
                        .await?;
                    }
                }
                db.execute_unprepared("DROP TABLE IF EXISTS storefront_access_version")
                    .await?;
            }
        }
        Ok(())
    }
}
