//! Storefront API access tokens (the `X-Shopify-Storefront-Access-Token` header). Public tokens
//! are embedded in shop front-ends by design, so their value is kept to be shown again; private
//! tokens are secrets and only their digest is stored.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StorefrontTokens {
    Table,
    Id,
    ShopId,
    Kind,
    Title,
    TokenDigest,
    PublicToken,
    CreatedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StorefrontTokens::Table)
                    .col(
                        ColumnDef::new(StorefrontTokens::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(StorefrontTokens::ShopId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StorefrontTokens::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StorefrontTokens::Title)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StorefrontTokens::TokenDigest)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StorefrontTokens::PublicToken)
                            .string_len(64)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(StorefrontTokens::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StorefrontTokens::RevokedAt)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_storefront_tokens_digest")
                    .table(StorefrontTokens::Table)
                    .col(StorefrontTokens::TokenDigest)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StorefrontTokens::Table).to_owned())
            .await
    }
}
