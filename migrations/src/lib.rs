//! Database history for `storefront`: one file per migration, forward-only, never edited after it
//! lands. Migrations use only portable column types so the same files run on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_customers;
mod m20261121_000002_create_customer_access_tokens;
mod m20261121_000003_create_storefront_tokens;
mod m20261122_000001_create_customer_addresses;
mod m20261122_000002_create_account_lifecycle;
mod m20261130_000001_shops_everywhere;
mod m20261130_000002_create_id_nodes;
mod m20261201_000001_create_orders;
mod m20261201_000002_storefront_access_changes;
mod m20261202_000001_admin_api;
mod m20261202_000002_customer_erasure;
mod m20261203_000001_metafields;
mod m20261204_000001_webhooks;
mod m20261206_000001_customer_imports;
mod m20261207_000001_customer_read_changes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_customers::Migration),
            Box::new(m20261121_000002_create_customer_access_tokens::Migration),
            Box::new(m20261121_000003_create_storefront_tokens::Migration),
            Box::new(m20261122_000001_create_customer_addresses::Migration),
            Box::new(m20261122_000002_create_account_lifecycle::Migration),
            Box::new(m20261130_000001_shops_everywhere::Migration),
            Box::new(m20261130_000002_create_id_nodes::Migration),
            Box::new(m20261201_000001_create_orders::Migration),
            Box::new(m20261201_000002_storefront_access_changes::Migration),
            Box::new(m20261202_000001_admin_api::Migration),
            Box::new(m20261202_000002_customer_erasure::Migration),
            Box::new(m20261203_000001_metafields::Migration),
            Box::new(m20261204_000001_webhooks::Migration),
            Box::new(m20261206_000001_customer_imports::Migration),
            Box::new(m20261207_000001_customer_read_changes::Migration),
        ]
    }
}
