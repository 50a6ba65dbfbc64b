//! Customer access tokens. Only the SHA-256 digest of a token is stored: a copy of the database
//! does not hand out sessions. Revoking a token deletes its row.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CustomerAccessTokens {
    Table,
    Id,
    CustomerId,
    TokenDigest,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CustomerAccessTokens::Table)
                    .col(
                        ColumnDef::new(CustomerAccessTokens::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CustomerAccessTokens::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAccessTokens::TokenDigest)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAccessTokens::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAccessTokens::ExpiresAt)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_access_tokens_customer")
                            .from(
                                CustomerAccessTokens::Table,
                                CustomerAccessTokens::CustomerId,
                            )
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_customer_access_tokens_digest")
                    .table(CustomerAccessTokens::Table)
                    .col(CustomerAccessTokens::TokenDigest)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_access_tokens_customer")
                    .table(CustomerAccessTokens::Table)
                    .col(CustomerAccessTokens::CustomerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CustomerAccessTokens::Table).to_owned())
            .await
    }
}
