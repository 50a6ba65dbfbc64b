//! The only place that touches SQL. Functions take `&impl ConnectionTrait`, so the same code runs
//! on the pool or inside a use case's transaction; constraint violations become `StoreError`s.

mod access_cache;
pub mod access_tokens;
pub mod addresses;
pub mod admin_tokens;
mod change_listener;
mod checkpoint;
pub mod customer_audit;
pub mod customer_imports;
pub mod customer_search;
pub mod customer_tags;
pub mod customers;
mod database;
mod direct_reads;
mod direct_writes;
mod entities;
mod error;
pub mod events;
pub mod guards;
mod id_nodes;
pub mod metafields;
pub mod orders;
pub mod outbox;
mod read_cache;
pub mod seed;
pub mod shops;
pub mod storefront_tokens;
pub mod webhook_deliveries;
pub mod webhook_subscriptions;
mod write_transaction;

pub use database::{Backend, Database};
pub use error::{StoreError, UniqueKey};
pub use read_cache::{ReadCache, ReadKey, prune_read_changes};
pub use sea_orm::ConnectionTrait;
pub use write_transaction::WriteTransaction;
