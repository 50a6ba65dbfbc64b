//! Id node leases: each process that makes ids holds one of 64 node numbers, and its ids carry
//! that number, so that processes sharing the database never make the same id. A row is a lease:
//! `holder` (a random uuid of the lease; NULL once released) and the last heartbeat, in seconds.
//! A node number is free when it has no row, its row is released, or its heartbeat is too old.
//!
//! The one table without a shop, on purpose: a lease belongs to a process, which serves every
//! shop, and ids are unique across the whole database, not per shop.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdNodes {
    Table,
    Node,
    Holder,
    HeartbeatAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdNodes::Table)
                    .col(
                        ColumnDef::new(IdNodes::Node)
                            .small_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(IdNodes::Holder).string_len(36).null())
                    .col(
                        ColumnDef::new(IdNodes::HeartbeatAt)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdNodes::Table).to_owned())
            .await
    }
}
