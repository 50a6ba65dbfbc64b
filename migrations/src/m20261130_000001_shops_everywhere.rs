//! Shops as the scope of everything: a `shops` table, and the shop on every row and in every
//! unique index. Four tables had no shop: customer tokens and addresses take their customer's;
//! throttle counters and Multipass replay records are rebuilt with the shop in their primary key
//! (SQLite cannot change a primary key in place), their rows given the shop the customers
//! already belong to (one server served one shop until now).
//!
//! The shop columns carry no foreign key: the default shop's row is written by the server from
//! its configuration, after the migrations, and SQLite cannot add one to an existing table.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Shops {
    Table,
    Id,
    Handle,
    Name,
    Domain,
    MailFrom,
    PasswordMinLength,
    PasswordMaxLength,
    MultipassSecret,
    WebhookSecret,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CustomerAccessTokens {
    Table,
    ShopId,
    TokenDigest,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum CustomerAddresses {
    Table,
    ShopId,
    CustomerId,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ThrottleCounters {
    Table,
    ShopId,
    Key,
    WindowStart,
    Count,
}

#[derive(DeriveIden)]
enum ThrottleCountersByShop {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum MultipassUses {
    Table,
    ShopId,
    Fingerprint,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum MultipassUsesByShop {
    Table,
}

/// The shop of rows written before shops existed: the one the customers belong to.
const EXISTING_SHOP: &str = "COALESCE((SELECT MIN(shop_id) FROM customers), \
     (SELECT MIN(shop_id) FROM storefront_tokens), 1)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_shops(manager).await?;
        let db = manager.get_connection();

        // Customer tokens and addresses: the shop of their customer.
        for (table, name) in [
            (
                CustomerAccessTokens::Table.into_iden(),
                "customer_access_tokens",
            ),
            (CustomerAddresses::Table.into_iden(), "customer_addresses"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(
                            ColumnDef::new(CustomerAccessTokens::ShopId)
                                .big_integer()
                                .not_null()
                                .default(0),
                        )
                        .to_owned(),
                )
                .await?;
            db.execute_unprepared(&format!(
                "UPDATE {name} SET shop_id = (SELECT customers.shop_id FROM customers \
                 WHERE customers.id = {name}.customer_id)"
            ))
            .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ux_customer_access_tokens_digest")
                    .table(CustomerAccessTokens::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_customer_access_tokens_shop_digest")
                    .table(CustomerAccessTokens::Table)
                    .col(CustomerAccessTokens::ShopId)
                    .col(CustomerAccessTokens::TokenDigest)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The purge of expired tokens.
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_access_tokens_expires_at")
                    .table(CustomerAccessTokens::Table)
                    .col(CustomerAccessTokens::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_customer_addresses_customer")
                    .table(CustomerAddresses::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_addresses_shop_customer")
                    .table(CustomerAddresses::Table)
                    .col(CustomerAddresses::ShopId)
                    .col(CustomerAddresses::CustomerId)
                    .col(CustomerAddresses::Id)
                    .to_owned(),
            )
            .await?;

        // Throttle counters, keyed by shop and key.
        manager
            .create_table(
                Table::create()
                    .table(ThrottleCountersByShop::Table)
                    .col(
                        ColumnDef::new(ThrottleCounters::ShopId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ThrottleCounters::Key)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ThrottleCounters::WindowStart)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ThrottleCounters::Count).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(ThrottleCounters::ShopId)
                            .col(ThrottleCounters::Key),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO throttle_counters_by_shop (shop_id, \"key\", window_start, count) \
             SELECT {EXISTING_SHOP}, \"key\", window_start, count FROM throttle_counters"
        ))
        .await?;
        replace(
            manager,
            ThrottleCounters::Table,
            ThrottleCountersByShop::Table,
        )
        .await?;
        // The purge of stale counters.
        manager
            .create_index(
                Index::create()
                    .name("ix_throttle_counters_window_start")
                    .table(ThrottleCounters::Table)
                    .col(ThrottleCounters::WindowStart)
                    .to_owned(),
            )
            .await?;

        // Multipass replay records, keyed by shop and token fingerprint.
        manager
            .create_table(
                Table::create()
                    .table(MultipassUsesByShop::Table)
                    .col(
                        ColumnDef::new(MultipassUses::ShopId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MultipassUses::Fingerprint)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MultipassUses::ExpiresAt)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(MultipassUses::ShopId)
                            .col(MultipassUses::Fingerprint),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO multipass_uses_by_shop (shop_id, fingerprint, expires_at) \
             SELECT {EXISTING_SHOP}, fingerprint, expires_at FROM multipass_uses"
        ))
        .await?;
        replace(manager, MultipassUses::Table, MultipassUsesByShop::Table).await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_multipass_uses_expires_at")
                    .table(MultipassUses::Table)
                    .col(MultipassUses::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Going back would merge several shops' customers into one: not offered.
        Err(DbErr::Migration(
            "shops cannot be undone: restore the backup taken before the upgrade".to_owned(),
        ))
    }
}

async fn create_shops(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Shops::Table)
                .col(
                    ColumnDef::new(Shops::Id)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Shops::Handle).string_len(63).not_null())
                .col(ColumnDef::new(Shops::Name).string_len(255).not_null())
                .col(ColumnDef::new(Shops::Domain).string_len(255).not_null())
                .col(ColumnDef::new(Shops::MailFrom).string_len(320).null())
                .col(
                    ColumnDef::new(Shops::PasswordMinLength)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Shops::PasswordMaxLength)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Shops::MultipassSecret)
                        .string_len(255)
                        .null(),
                )
                .col(ColumnDef::new(Shops::WebhookSecret).string_len(255).null())
                .col(ColumnDef::new(Shops::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(Shops::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ux_shops_handle")
                .table(Shops::Table)
                .col(Shops::Handle)
                .unique()
                .to_owned(),
        )
        .await
}

/// Drops `old` and gives `new` its name.
async fn replace(
    manager: &SchemaManager<'_>,
    old: impl IntoIden + Clone + 'static,
    new: impl IntoIden + 'static,
) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(old.clone()).to_owned())
        .await?;
    manager
        .rename_table(Table::rename().table(new, old).to_owned())
        .await
}
