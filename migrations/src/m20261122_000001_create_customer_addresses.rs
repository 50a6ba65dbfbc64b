//! The address book: addresses belong to a customer and go with it; the customer points at its
//! default address. Ids are application-made and time-ordered, so `ORDER BY id` is creation order,
//! which is how Shopify lists addresses.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CustomerAddresses {
    Table,
    Id,
    CustomerId,
    FirstName,
    LastName,
    Company,
    Address1,
    Address2,
    City,
    Province,
    ProvinceCode,
    Country,
    CountryCode,
    Zip,
    Phone,
    Latitude,
    Longitude,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    DefaultAddressId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text =
            |column: CustomerAddresses| ColumnDef::new(column).string_len(255).null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(CustomerAddresses::Table)
                    .col(
                        ColumnDef::new(CustomerAddresses::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CustomerAddresses::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(CustomerAddresses::FirstName))
                    .col(text(CustomerAddresses::LastName))
                    .col(text(CustomerAddresses::Company))
                    .col(text(CustomerAddresses::Address1))
                    .col(text(CustomerAddresses::Address2))
                    .col(text(CustomerAddresses::City))
                    .col(text(CustomerAddresses::Province))
                    .col(
                        ColumnDef::new(CustomerAddresses::ProvinceCode)
                            .string_len(16)
                            .null(),
                    )
                    .col(text(CustomerAddresses::Country))
                    .col(
                        ColumnDef::new(CustomerAddresses::CountryCode)
                            .string_len(2)
                            .null(),
                    )
                    .col(ColumnDef::new(CustomerAddresses::Zip).string_len(32).null())
                    .col(text(CustomerAddresses::Phone))
                    .col(ColumnDef::new(CustomerAddresses::Latitude).double().null())
                    .col(ColumnDef::new(CustomerAddresses::Longitude).double().null())
                    .col(
                        ColumnDef::new(CustomerAddresses::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerAddresses::UpdatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_addresses_customer")
                            .from(CustomerAddresses::Table, CustomerAddresses::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_addresses_customer")
                    .table(CustomerAddresses::Table)
                    .col(CustomerAddresses::CustomerId)
                    .col(CustomerAddresses::Id)
                    .to_owned(),
            )
            .await?;
        // No foreign key: SQLite cannot add one to an existing table. The use cases keep it
        // pointing at one of the customer's addresses, inside the same transaction.
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .add_column(
                        ColumnDef::new(Customers::DefaultAddressId)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .drop_column(Customers::DefaultAddressId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(CustomerAddresses::Table).to_owned())
            .await
    }
}
