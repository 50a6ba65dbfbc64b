//! Custom fields on customers (Shopify's metafields).
//!
//! - `metafield_definitions`: a shop's definitions, one per owner type, namespace and key: the
//!   value type, name, description, validation rules (`validations`, JSON `[[name, value]]`)
//!   and who may see or change the values: `storefront_access` (`PUBLIC_READ` or `NONE`) and
//!   `customer_account_access` (`NONE`, `READ` or `READ_WRITE`).
//! - `customer_metafields`: the values, one per customer, namespace and key, always text (as on
//!   Shopify). A value whose namespace and key have a definition is governed by it; the join is
//!   by those names, so a definition made after its values applies to them at once. Values go
//!   with their customer (`ON DELETE CASCADE`): an erasure leaves none behind.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MetafieldDefinitions {
    Table,
    Id,
    ShopId,
    OwnerType,
    Namespace,
    Key,
    Type,
    Name,
    Description,
    Validations,
    StorefrontAccess,
    CustomerAccountAccess,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CustomerMetafields {
    Table,
    Id,
    ShopId,
    CustomerId,
    Namespace,
    Key,
    Type,
    Value,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Shops {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

fn text(column: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(len).not_null().to_owned()
}

fn integer(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MetafieldDefinitions::Table)
                    .col(integer(MetafieldDefinitions::Id).primary_key())
                    .col(integer(MetafieldDefinitions::ShopId))
                    .col(text(MetafieldDefinitions::OwnerType, 32))
                    .col(text(MetafieldDefinitions::Namespace, 255))
                    .col(text(MetafieldDefinitions::Key, 64))
                    .col(text(MetafieldDefinitions::Type, 64))
                    .col(text(MetafieldDefinitions::Name, 255))
                    .col(
                        ColumnDef::new(MetafieldDefinitions::Description)
                            .text()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(MetafieldDefinitions::Validations)
                            .text()
                            .not_null(),
                    )
                    .col(text(MetafieldDefinitions::StorefrontAccess, 16))
                    .col(text(MetafieldDefinitions::CustomerAccountAccess, 16))
                    .col(integer(MetafieldDefinitions::CreatedAt))
                    .col(integer(MetafieldDefinitions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MetafieldDefinitions::Table, MetafieldDefinitions::ShopId)
                            .to(Shops::Table, Shops::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_metafield_definitions_key")
                    .table(MetafieldDefinitions::Table)
                    .col(MetafieldDefinitions::ShopId)
                    .col(MetafieldDefinitions::OwnerType)
                    .col(MetafieldDefinitions::Namespace)
                    .col(MetafieldDefinitions::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CustomerMetafields::Table)
                    .col(integer(CustomerMetafields::Id).primary_key())
                    .col(integer(CustomerMetafields::ShopId))
                    .col(integer(CustomerMetafields::CustomerId))
                    .col(text(CustomerMetafields::Namespace, 255))
                    .col(text(CustomerMetafields::Key, 64))
                    .col(text(CustomerMetafields::Type, 64))
                    .col(ColumnDef::new(CustomerMetafields::Value).text().not_null())
                    .col(integer(CustomerMetafields::CreatedAt))
                    .col(integer(CustomerMetafields::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CustomerMetafields::Table, CustomerMetafields::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One value per customer, namespace and key; also the index every read uses (a page of
        // customers and a list of identifiers).
        manager
            .create_index(
                Index::create()
                    .name("ux_customer_metafields_key")
                    .table(CustomerMetafields::Table)
                    .col(CustomerMetafields::ShopId)
                    .col(CustomerMetafields::CustomerId)
                    .col(CustomerMetafields::Namespace)
                    .col(CustomerMetafields::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Deleting a definition with its values, and counting a definition's values.
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_metafields_definition")
                    .table(CustomerMetafields::Table)
                    .col(CustomerMetafields::ShopId)
                    .col(CustomerMetafields::Namespace)
                    .col(CustomerMetafields::Key)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CustomerMetafields::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MetafieldDefinitions::Table).to_owned())
            .await
    }
}
