//! The back office (the admin API).
//!
//! - `admin_tokens`: a shop's admin access tokens, as SHA-256 digests only, with the Shopify
//!   scopes each grants (`read_customers,write_customers`, ...).
//! - `customers.version`: commercetools' optimistic concurrency; every change adds one.
//! - `customers.note`: the merchant's note about the customer.
//! - `customer_tags`: one row per tag of a customer, lower-cased, so that `tag:` searches use an
//!   index instead of reading every customer's JSON tag list (which stays the customer's own
//!   copy, in the order written). Filled from the existing lists.
//! - `customer_audit_log`: every admin action on a customer: who (the admin token), what, when,
//!   and the version before and after. It names the customer by id only, so it holds no personal
//!   data after an erasure.
//! - Indexes for the admin list's sort orders (`CREATED_AT`, `UPDATED_AT`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AdminTokens {
    Table,
    Id,
    ShopId,
    Title,
    TokenDigest,
    Scopes,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    ShopId,
    Version,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CustomerTags {
    Table,
    ShopId,
    CustomerId,
    TagKey,
}

#[derive(DeriveIden)]
enum CustomerAuditLog {
    Table,
    Id,
    ShopId,
    CustomerId,
    AdminTokenId,
    Action,
    VersionBefore,
    VersionAfter,
    At,
}

#[derive(DeriveIden)]
enum Shops {
    Table,
    Id,
}

async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    // One column per statement: SQLite adds one at a time.
    let mut column = column;
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AdminTokens::Table)
                    .col(
                        ColumnDef::new(AdminTokens::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AdminTokens::ShopId).big_integer().not_null())
                    .col(
                        ColumnDef::new(AdminTokens::Title)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AdminTokens::TokenDigest)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AdminTokens::Scopes)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AdminTokens::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AdminTokens::RevokedAt).big_integer().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdminTokens::Table, AdminTokens::ShopId)
                            .to(Shops::Table, Shops::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A token names exactly one shop: its digest is unique across shops, like a
        // storefront token's.
        manager
            .create_index(
                Index::create()
                    .name("ux_admin_tokens_digest")
                    .table(AdminTokens::Table)
                    .col(AdminTokens::TokenDigest)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_admin_tokens_shop")
                    .table(AdminTokens::Table)
                    .col(AdminTokens::ShopId)
                    .col(AdminTokens::Id)
                    .to_owned(),
            )
            .await?;

        add_column(
            manager,
            Customers::Table,
            ColumnDef::new(Customers::Version)
                .big_integer()
                .not_null()
                .default(1)
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Customers::Table,
            ColumnDef::new(Customers::Note).text().null().to_owned(),
        )
        .await?;
        for (name, column) in [
            ("ix_customers_shop_created_at", Customers::CreatedAt),
            ("ix_customers_shop_updated_at", Customers::UpdatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Customers::Table)
                        .col(Customers::ShopId)
                        .col(column)
                        .col(Customers::Id)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(CustomerTags::Table)
                    .col(
                        ColumnDef::new(CustomerTags::ShopId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerTags::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerTags::TagKey)
                            .string_len(255)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CustomerTags::CustomerId)
                            .col(CustomerTags::TagKey),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CustomerTags::Table, CustomerTags::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_tags_shop_tag")
                    .table(CustomerTags::Table)
                    .col(CustomerTags::ShopId)
                    .col(CustomerTags::TagKey)
                    .col(CustomerTags::CustomerId)
                    .to_owned(),
            )
            .await?;
        // The tags customers already have (Multipass sets them), from their JSON lists.
        let backfill = match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                "INSERT INTO customer_tags (shop_id, customer_id, tag_key) \
                 SELECT DISTINCT c.shop_id, c.id, lower(t.value) \
                 FROM customers c, jsonb_array_elements_text(c.tags::jsonb) AS t(value) \
                 WHERE c.tags <> '[]' AND length(t.value) BETWEEN 1 AND 255 \
                 ON CONFLICT DO NOTHING"
            }
            _ => {
                "INSERT OR IGNORE INTO customer_tags (shop_id, customer_id, tag_key) \
                 SELECT c.shop_id, c.id, lower(t.value) \
                 FROM customers c, json_each(c.tags) AS t \
                 WHERE c.tags <> '[]' AND length(t.value) BETWEEN 1 AND 255"
            }
        };
        manager
            .get_connection()
            .execute_unprepared(backfill)
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CustomerAuditLog::Table)
                    .col(
                        ColumnDef::new(CustomerAuditLog::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CustomerAuditLog::ShopId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAuditLog::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAuditLog::AdminTokenId)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAuditLog::Action)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAuditLog::VersionBefore)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAuditLog::VersionAfter)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAuditLog::At)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_audit_log_shop_customer")
                    .table(CustomerAuditLog::Table)
                    .col(CustomerAuditLog::ShopId)
                    .col(CustomerAuditLog::CustomerId)
                    .col(CustomerAuditLog::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CustomerAuditLog::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CustomerTags::Table).to_owned())
            .await?;
        for name in [
            "ix_customers_shop_created_at",
            "ix_customers_shop_updated_at",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Customers::Table).to_owned())
                .await?;
        }
        for column in [Customers::Note, Customers::Version] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(AdminTokens::Table).to_owned())
            .await
    }
}
