//! Domain events and outgoing webhooks.
//!
//! - `events`: one row per logical change (a sign-up, an update, an erasure, an order ingested),
//!   written in the transaction of the change, so a change is never committed without its event
//!   and an event never outlives a rolled-back change. `payload` holds the body of each topic the
//!   event produces (JSON `{topic: body}`), snapshotted at commit time as Shopify's retries carry
//!   the original body. `customer_id` has no foreign key: the event of a deletion outlives the
//!   customer.
//! - `webhook_subscriptions`: a shop's subscriptions: topic, callback URL, include fields, name,
//!   the signing secret (and the previous one while a rotation is in its grace period), state and
//!   failure bookkeeping.
//! - `webhook_deliveries`: one per (event, subscription), with the retry bookkeeping; its id is the
//!   delivery id receivers deduplicate on. `ordering_key` (the customer) keeps one customer's
//!   deliveries to one subscription in commit order. Times are milliseconds: retry schedules
//!   scaled down for tests need them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    ShopId,
    CustomerId,
    Action,
    Topics,
    Payload,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookSubscriptions {
    Table,
    Id,
    ShopId,
    Topic,
    CallbackUrl,
    IncludeFields,
    Name,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    State,
    DisabledReason,
    FailingSince,
    ConsecutiveFailures,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    ShopId,
    EventRef,
    SubscriptionId,
    Topic,
    OrderingKey,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    DeliveredAt,
    FailedAt,
    LastStatus,
    LastError,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Shops {
    Table,
    Id,
}

fn text(column: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(len).not_null().to_owned()
}

fn integer(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

/// 32-bit, as `attempts` is in the mail outbox: a column name has one type in every table.
fn small_integer(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).integer().not_null().to_owned()
}

fn optional_integer(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(integer(Events::Id).primary_key())
                    .col(integer(Events::ShopId))
                    .col(optional_integer(Events::CustomerId))
                    .col(text(Events::Action, 64))
                    .col(text(Events::Topics, 512))
                    .col(ColumnDef::new(Events::Payload).text().not_null())
                    .col(integer(Events::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Events::Table, Events::ShopId)
                            .to(Shops::Table, Shops::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_events_customer")
                    .table(Events::Table)
                    .col(Events::ShopId)
                    .col(Events::CustomerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_events_created_at")
                    .table(Events::Table)
                    .col(Events::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookSubscriptions::Table)
                    .col(integer(WebhookSubscriptions::Id).primary_key())
                    .col(integer(WebhookSubscriptions::ShopId))
                    .col(text(WebhookSubscriptions::Topic, 64))
                    .col(text(WebhookSubscriptions::CallbackUrl, 2048))
                    .col(
                        ColumnDef::new(WebhookSubscriptions::IncludeFields)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookSubscriptions::Name)
                            .string_len(64)
                            .null(),
                    )
                    .col(text(WebhookSubscriptions::Secret, 128))
                    .col(
                        ColumnDef::new(WebhookSubscriptions::PreviousSecret)
                            .string_len(128)
                            .null(),
                    )
                    .col(optional_integer(WebhookSubscriptions::PreviousSecretUntil))
                    .col(text(WebhookSubscriptions::State, 16))
                    .col(
                        ColumnDef::new(WebhookSubscriptions::DisabledReason)
                            .text()
                            .null(),
                    )
                    .col(optional_integer(WebhookSubscriptions::FailingSince))
                    .col(small_integer(WebhookSubscriptions::ConsecutiveFailures))
                    .col(integer(WebhookSubscriptions::CreatedAt))
                    .col(integer(WebhookSubscriptions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookSubscriptions::Table, WebhookSubscriptions::ShopId)
                            .to(Shops::Table, Shops::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_subscriptions_topic")
                    .table(WebhookSubscriptions::Table)
                    .col(WebhookSubscriptions::ShopId)
                    .col(WebhookSubscriptions::Topic)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(integer(WebhookDeliveries::Id).primary_key())
                    .col(integer(WebhookDeliveries::ShopId))
                    .col(integer(WebhookDeliveries::EventRef))
                    .col(integer(WebhookDeliveries::SubscriptionId))
                    .col(text(WebhookDeliveries::Topic, 64))
                    .col(integer(WebhookDeliveries::OrderingKey))
                    .col(small_integer(WebhookDeliveries::Attempts))
                    .col(integer(WebhookDeliveries::NextAttemptAt))
                    .col(optional_integer(WebhookDeliveries::LockedUntil))
                    .col(optional_integer(WebhookDeliveries::DeliveredAt))
                    .col(optional_integer(WebhookDeliveries::FailedAt))
                    .col(
                        ColumnDef::new(WebhookDeliveries::LastStatus)
                            .integer()
                            .null(),
                    )
                    .col(ColumnDef::new(WebhookDeliveries::LastError).text().null())
                    .col(integer(WebhookDeliveries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::ShopId)
                            .to(Shops::Table, Shops::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::EventRef)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)
                            .to(WebhookSubscriptions::Table, WebhookSubscriptions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The sender's scan: what is not done yet, by when it is due.
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::DeliveredAt)
                    .col(WebhookDeliveries::FailedAt)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        // Commit order per customer: "is an earlier delivery of this customer still open?"
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_deliveries_order")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::SubscriptionId)
                    .col(WebhookDeliveries::OrderingKey)
                    .col(WebhookDeliveries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_deliveries_event")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::EventRef)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(WebhookSubscriptions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Events::Table).to_owned())
            .await?;
        Ok(())
    }
}
