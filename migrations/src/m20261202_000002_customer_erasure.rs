//! A requested erasure of a customer (`customerRequestDataErasure`): when it is due, after the
//! shop's hold. Housekeeping erases the customers whose time has come; cancelling clears it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    ErasureDueAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .add_column(ColumnDef::new(Customers::ErasureDueAt).big_integer().null())
                    .to_owned(),
            )
            .await?;
        // Housekeeping finds the due ones without reading every customer.
        manager
            .create_index(
                Index::create()
                    .name("ix_customers_erasure_due_at")
                    .table(Customers::Table)
                    .col(Customers::ErasureDueAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_customers_erasure_due_at")
                    .table(Customers::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .drop_column(Customers::ErasureDueAt)
                    .to_owned(),
            )
            .await
    }
}
