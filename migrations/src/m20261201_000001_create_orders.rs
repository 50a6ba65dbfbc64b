//! The order read model.
//!
//! - `orders`: one row per order of a shop, keyed by the shop and Shopify's order id. The order
//!   itself is one JSON document (`document`), stored as sent and read whole: the account page
//!   reads a page of orders with their line items in one statement, without a row per line item.
//!   The other columns are what is filtered, sorted, linked or checked without reading it.
//!   A deleted order keeps its row with `deleted_at` set and no document, so that a late,
//!   retried update cannot bring it back.
//! - `shopify_webhook_events`: the event ids of the Shopify webhooks already applied, so that a
//!   delivery repeated by Shopify changes nothing.
//! - `customers.email_verified_at/by`: whether and how the customer proved the address (guest
//!   orders join an account only then).
//! - `shops.shopify_webhook_secret` (verifies Shopify's order webhooks) and
//!   `shops.order_url_template` (the links of orders that did not bring their own).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Orders {
    Table,
    ShopId,
    Id,
    CustomerId,
    ExternalCustomerId,
    EmailKey,
    OrderNumber,
    Name,
    ProcessedAt,
    TotalPriceKey,
    RemoteUpdatedAt,
    ContentDigest,
    KeyDigest,
    Document,
    DeletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ShopifyWebhookEvents {
    Table,
    ShopId,
    EventId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    EmailVerifiedAt,
    EmailVerifiedBy,
}

#[derive(DeriveIden)]
enum Shops {
    Table,
    ShopifyWebhookSecret,
    OrderUrlTemplate,
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

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: &[Orders],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(ColumnDef::new(Orders::ShopId).big_integer().not_null())
                    .col(ColumnDef::new(Orders::Id).big_integer().not_null())
                    .col(ColumnDef::new(Orders::CustomerId).big_integer().null())
                    .col(
                        ColumnDef::new(Orders::ExternalCustomerId)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(Orders::EmailKey).string_len(320).null())
                    .col(ColumnDef::new(Orders::OrderNumber).big_integer().not_null())
                    .col(ColumnDef::new(Orders::Name).string_len(255).not_null())
                    .col(ColumnDef::new(Orders::ProcessedAt).big_integer().not_null())
                    .col(
                        ColumnDef::new(Orders::TotalPriceKey)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Orders::RemoteUpdatedAt).big_integer().null())
                    .col(
                        ColumnDef::new(Orders::ContentDigest)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Orders::KeyDigest).string_len(64).not_null())
                    .col(ColumnDef::new(Orders::Document).text().null())
                    .col(ColumnDef::new(Orders::DeletedAt).big_integer().null())
                    .col(ColumnDef::new(Orders::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(Orders::UpdatedAt).big_integer().not_null())
                    .primary_key(Index::create().col(Orders::ShopId).col(Orders::Id))
                    .to_owned(),
            )
            .await?;
        // The account page, in each sort order.
        index(
            manager,
            "ix_orders_shop_customer_id",
            Orders::Table,
            &[Orders::ShopId, Orders::CustomerId, Orders::Id],
        )
        .await?;
        index(
            manager,
            "ix_orders_shop_customer_processed_at",
            Orders::Table,
            &[
                Orders::ShopId,
                Orders::CustomerId,
                Orders::ProcessedAt,
                Orders::Id,
            ],
        )
        .await?;
        index(
            manager,
            "ix_orders_shop_customer_total_price",
            Orders::Table,
            &[
                Orders::ShopId,
                Orders::CustomerId,
                Orders::TotalPriceKey,
                Orders::Id,
            ],
        )
        .await?;
        // Linking: guest orders by email, and orders naming a customer id.
        index(
            manager,
            "ix_orders_shop_email_key",
            Orders::Table,
            &[Orders::ShopId, Orders::EmailKey],
        )
        .await?;
        index(
            manager,
            "ix_orders_shop_external_customer",
            Orders::Table,
            &[Orders::ShopId, Orders::ExternalCustomerId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ShopifyWebhookEvents::Table)
                    .col(
                        ColumnDef::new(ShopifyWebhookEvents::ShopId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ShopifyWebhookEvents::EventId)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ShopifyWebhookEvents::ReceivedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ShopifyWebhookEvents::ShopId)
                            .col(ShopifyWebhookEvents::EventId),
                    )
                    .to_owned(),
            )
            .await?;
        // The purge of old event ids.
        manager
            .create_index(
                Index::create()
                    .name("ix_shopify_webhook_events_received_at")
                    .table(ShopifyWebhookEvents::Table)
                    .col(ShopifyWebhookEvents::ReceivedAt)
                    .to_owned(),
            )
            .await?;

        add_column(
            manager,
            Customers::Table,
            ColumnDef::new(Customers::EmailVerifiedAt)
                .big_integer()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Customers::Table,
            ColumnDef::new(Customers::EmailVerifiedBy)
                .string_len(32)
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Shops::Table,
            ColumnDef::new(Shops::ShopifyWebhookSecret)
                .text()
                .null()
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Shops::Table,
            ColumnDef::new(Shops::OrderUrlTemplate)
                .string_len(2048)
                .null()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            (
                Shops::Table.into_iden(),
                Shops::OrderUrlTemplate.into_iden(),
            ),
            (
                Shops::Table.into_iden(),
                Shops::ShopifyWebhookSecret.into_iden(),
            ),
            (
                Customers::Table.into_iden(),
                Customers::EmailVerifiedBy.into_iden(),
            ),
            (
                Customers::Table.into_iden(),
                Customers::EmailVerifiedAt.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ShopifyWebhookEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Orders::Table).to_owned())
            .await
    }
}
