//! Account lifecycle: per-customer security stamp and the digests of the one outstanding
//! activation and reset nonce; the mail outbox (a message is committed with the state change it
//! announces); Multipass tokens already used; throttle counters shared by every node.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    ShopId,
    MultipassIdentifier,
    SecurityStamp,
    ActivationNonceHash,
    ResetNonceHash,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    ShopId,
    Kind,
    CustomerId,
    Recipient,
    Payload,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    SentAt,
    FailedAt,
    LastError,
}

#[derive(DeriveIden)]
enum MultipassUses {
    Table,
    Fingerprint,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ThrottleCounters {
    Table,
    Key,
    WindowStart,
    Count,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            Customers::SecurityStamp,
            Customers::ActivationNonceHash,
            Customers::ResetNonceHash,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .add_column(ColumnDef::new(column).string_len(64).null())
                        .to_owned(),
                )
                .await?;
        }
        // A shop's own user id for the customer, from Multipass (`identifier`).
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .add_column(
                        ColumnDef::new(Customers::MultipassIdentifier)
                            .string_len(255)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_customers_shop_multipass_identifier")
                    .table(Customers::Table)
                    .col(Customers::ShopId)
                    .col(Customers::MultipassIdentifier)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(
                        ColumnDef::new(MailOutbox::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(MailOutbox::ShopId).big_integer().not_null())
                    .col(ColumnDef::new(MailOutbox::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(MailOutbox::CustomerId).big_integer().null())
                    .col(
                        ColumnDef::new(MailOutbox::Recipient)
                            .string_len(320)
                            .not_null(),
                    )
                    .col(ColumnDef::new(MailOutbox::Payload).text().null())
                    .col(
                        ColumnDef::new(MailOutbox::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(MailOutbox::Attempts).integer().not_null())
                    .col(
                        ColumnDef::new(MailOutbox::NextAttemptAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(MailOutbox::LockedUntil).big_integer().null())
                    .col(ColumnDef::new(MailOutbox::SentAt).big_integer().null())
                    .col(ColumnDef::new(MailOutbox::FailedAt).big_integer().null())
                    .col(ColumnDef::new(MailOutbox::LastError).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_mail_outbox_due")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::SentAt)
                    .col(MailOutbox::FailedAt)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MultipassUses::Table)
                    .col(
                        ColumnDef::new(MultipassUses::Fingerprint)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(MultipassUses::ExpiresAt)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ThrottleCounters::Table)
                    .col(
                        ColumnDef::new(ThrottleCounters::Key)
                            .string_len(200)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ThrottleCounters::WindowStart)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ThrottleCounters::Count).integer().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ThrottleCounters::Table.into_iden(),
            MultipassUses::Table.into_iden(),
            MailOutbox::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ux_customers_shop_multipass_identifier")
                    .table(Customers::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Customers::MultipassIdentifier,
            Customers::ResetNonceHash,
            Customers::ActivationNonceHash,
            Customers::SecurityStamp,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
