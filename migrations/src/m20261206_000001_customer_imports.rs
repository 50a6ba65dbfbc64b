//! Customers brought in by `customers import`: which customer each imported record became, the
//! record's id on the platform it came from, and a digest of the record as last imported, so that
//! importing the same file again changes nothing (and an interrupted import resumes by running it
//! again, skipping what it already did without hashing anything).
//!
//! The row goes with its customer (`ON DELETE CASCADE`): an erased customer leaves no mapping.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CustomerImports {
    Table,
    CustomerId,
    ShopId,
    ExternalId,
    RowDigest,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Shops {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CustomerImports::Table)
                    .col(
                        ColumnDef::new(CustomerImports::CustomerId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CustomerImports::ShopId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerImports::ExternalId)
                            .string_len(255)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CustomerImports::RowDigest)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerImports::ImportedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CustomerImports::Table, CustomerImports::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CustomerImports::Table, CustomerImports::ShopId)
                            .to(Shops::Table, Shops::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One customer per external id in a shop (several without one are fine: NULLs differ).
        manager
            .create_index(
                Index::create()
                    .name("ux_customer_imports_external_id")
                    .table(CustomerImports::Table)
                    .col(CustomerImports::ShopId)
                    .col(CustomerImports::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CustomerImports::Table).to_owned())
            .await
    }
}
