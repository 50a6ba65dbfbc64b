//! A shop's webhook subscriptions as the merchant manages them (admin API and command line):
//! create (the secret is shown once), update, rotate the secret, delete; and what went out:
//! deliveries, a retry of given-up ones, a replay of an event.

use super::{AccountError, Webhooks, now, now_ms};
use crate::domain::ids::new_id;
use crate::domain::webhook::{self, Topic};
use crate::store::events::{self, EventRecord};
use crate::store::webhook_deliveries::{self, DeliveryRecord, DeliveryStatus};
use crate::store::webhook_subscriptions::{
    self, NewSubscription, SubscriptionChanges, SubscriptionRecord,
};

/// What a create or an update sends; `None` keeps a value (an update) or takes the default.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionInput {
    pub callback_url: Option<String>,
    pub include_fields: Option<Vec<String>>,
    /// `Some(None)` clears the name.
    pub name: Option<Option<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Input a merchant can fix: the field (as the admin API names it) and why.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("no such webhook subscription, delivery or event")]
    NotFound,
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<crate::store::StoreError> for WebhookError {
    fn from(err: crate::store::StoreError) -> Self {
        Self::Account(err.into())
    }
}

impl From<sea_orm::DbErr> for WebhookError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Account(err.into())
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> WebhookError {
    WebhookError::Invalid {
        field,
        message: message.into(),
    }
}

/// The subscription's secret, returned once (by a create or a rotation).
pub type Secret = String;

impl Webhooks<'_> {
    fn check_url(&self, url: &str) -> Result<String, WebhookError> {
        webhook::check_callback_url(url.trim(), self.inner.webhooks.allow_private_targets)
            .map(|url| url.to_string())
            .map_err(|problem| invalid("callbackUrl", problem.to_string()))
    }

    pub async fn create(
        &self,
        topic: Topic,
        input: SubscriptionInput,
    ) -> Result<(SubscriptionRecord, Secret), WebhookError> {
        let url = self.check_url(
            input
                .callback_url
                .as_deref()
                .ok_or_else(|| invalid("callbackUrl", "can't be blank"))?,
        )?;
        let fields = input.include_fields.unwrap_or_default();
        webhook::check_include_fields(&fields).map_err(|m| invalid("includeFields", m))?;
        let name = input.name.flatten();
        if let Some(name) = &name {
            webhook::check_name(name).map_err(|m| invalid("name", m))?;
        }
        let db = &self.inner.db;
        if webhook_subscriptions::count(db.reader(), self.shop.id).await?
            >= self.inner.webhooks.max_subscriptions
        {
            return Err(invalid(
                "topic",
                format!(
                    "a shop can have at most {} webhook subscriptions",
                    self.inner.webhooks.max_subscriptions
                ),
            ));
        }
        let secret = webhook::new_secret();
        let id = new_id();
        let txn = db.begin_write().await?;
        webhook_subscriptions::insert(
            &txn,
            NewSubscription {
                id,
                shop_id: self.shop.id,
                topic: topic.as_str(),
                callback_url: &url,
                include_fields: &fields,
                name: name.as_deref(),
                secret: &secret,
                now: now(),
            },
        )
        .await?;
        let record = webhook_subscriptions::find(&txn, self.shop.id, id)
            .await?
            .ok_or(WebhookError::NotFound)?;
        txn.commit().await?;
        tracing::info!(
            subscription_id = id,
            topic = topic.as_str(),
            "webhook subscription created"
        );
        Ok((record, secret))
    }

    /// Changes a subscription, and makes it active again if it was disabled.
    pub async fn update(
        &self,
        id: i64,
        input: SubscriptionInput,
    ) -> Result<SubscriptionRecord, WebhookError> {
        let url = input
            .callback_url
            .as_deref()
            .map(|u| self.check_url(u))
            .transpose()?;
        if let Some(fields) = &input.include_fields {
            webhook::check_include_fields(fields).map_err(|m| invalid("includeFields", m))?;
        }
        if let Some(Some(name)) = &input.name {
            webhook::check_name(name).map_err(|m| invalid("name", m))?;
        }
        let txn = self.inner.db.begin_write().await?;
        let changed = webhook_subscriptions::update(
            &txn,
            self.shop.id,
            id,
            SubscriptionChanges {
                callback_url: url.as_deref(),
                include_fields: input.include_fields.as_deref(),
                name: input.name.as_ref().map(|n| n.as_deref()),
            },
            now(),
        )
        .await?;
        if !changed {
            return Err(WebhookError::NotFound);
        }
        let record = webhook_subscriptions::find(&txn, self.shop.id, id)
            .await?
            .ok_or(WebhookError::NotFound)?;
        txn.commit().await?;
        // Deliveries that waited for a disabled subscription may be due.
        self.inner.webhook_signal.notify_one();
        Ok(record)
    }

    /// A new secret; the previous one keeps signing beside it for the grace period.
    pub async fn rotate_secret(
        &self,
        id: i64,
    ) -> Result<(SubscriptionRecord, Secret), WebhookError> {
        let secret = webhook::new_secret();
        let grace_ms = self
            .inner
            .webhooks
            .rotation_grace_seconds
            .saturating_mul(1_000);
        let txn = self.inner.db.begin_write().await?;
        if !webhook_subscriptions::rotate_secret(
            &txn,
            self.shop.id,
            id,
            &secret,
            now_ms().saturating_add(grace_ms),
            now(),
        )
        .await?
        {
            return Err(WebhookError::NotFound);
        }
        let record = webhook_subscriptions::find(&txn, self.shop.id, id)
            .await?
            .ok_or(WebhookError::NotFound)?;
        txn.commit().await?;
        tracing::info!(subscription_id = id, "webhook secret rotated");
        Ok((record, secret))
    }

    pub async fn delete(&self, id: i64) -> Result<(), WebhookError> {
        let txn = self.inner.db.begin_write().await?;
        if !webhook_subscriptions::delete(&txn, self.shop.id, id).await? {
            return Err(WebhookError::NotFound);
        }
        txn.commit().await?;
        Ok(())
    }

    pub async fn find(&self, id: i64) -> Result<Option<SubscriptionRecord>, AccountError> {
        Ok(webhook_subscriptions::find(self.inner.db.reader(), self.shop.id, id).await?)
    }

    /// In id order, optionally of some topics.
    pub async fn list(
        &self,
        topics: &[Topic],
        limit: u64,
    ) -> Result<Vec<SubscriptionRecord>, AccountError> {
        let names: Vec<&str> = topics.iter().map(|t| t.as_str()).collect();
        Ok(
            webhook_subscriptions::list(self.inner.db.reader(), self.shop.id, &names, limit)
                .await?,
        )
    }

    /// Newest first.
    pub async fn deliveries(
        &self,
        subscription_id: Option<i64>,
        status: Option<DeliveryStatus>,
        limit: u64,
    ) -> Result<Vec<DeliveryRecord>, AccountError> {
        Ok(webhook_deliveries::list(
            self.inner.db.reader(),
            self.shop.id,
            subscription_id,
            status,
            limit,
        )
        .await?)
    }

    pub async fn delivery(&self, id: i64) -> Result<Option<DeliveryRecord>, AccountError> {
        Ok(webhook_deliveries::find(self.inner.db.reader(), self.shop.id, id).await?)
    }

    /// Newest first, optionally of one customer.
    pub async fn events(
        &self,
        customer_id: Option<i64>,
        limit: u64,
    ) -> Result<Vec<EventRecord>, AccountError> {
        Ok(events::list(self.inner.db.reader(), self.shop.id, customer_id, limit).await?)
    }

    /// Gives given-up deliveries (one, those of a subscription, or all the shop's) a new round of
    /// attempts; how many.
    pub async fn retry(
        &self,
        delivery_id: Option<i64>,
        subscription_id: Option<i64>,
    ) -> Result<u64, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let count =
            webhook_deliveries::retry(&txn, self.shop.id, delivery_id, subscription_id, now_ms())
                .await?;
        txn.commit().await?;
        self.inner.webhook_signal.notify_one();
        Ok(count)
    }

    /// Sends an event again: to one subscription, or to every subscription to one of its topics
    /// whose body the event kept. New deliveries (new delivery ids, the same event id).
    pub async fn replay(
        &self,
        event_id: i64,
        subscription_id: Option<i64>,
    ) -> Result<Vec<DeliveryRecord>, WebhookError> {
        let txn = self.inner.db.begin_write().await?;
        let event = events::find(&txn, self.shop.id, event_id)
            .await?
            .ok_or(WebhookError::NotFound)?;
        let topics: Vec<&str> = event.topics.iter().map(String::as_str).collect();
        let mut targets = events::subscribers(&txn, self.shop.id, &topics).await?;
        if let Some(only) = subscription_id {
            targets.retain(|(id, _)| *id == only);
            if targets.is_empty() {
                return Err(invalid(
                    "subscriptionId",
                    "is not an active subscription to one of the event's topics",
                ));
            }
        }
        let mut ids = Vec::new();
        let now = now_ms();
        for (subscription, topic) in targets {
            if events::body(&txn, self.shop.id, event_id, &topic)
                .await?
                .is_none()
            {
                // Nobody subscribed to this topic when the event happened: no body was kept.
                continue;
            }
            let id = new_id();
            webhook_deliveries::insert_replay(
                &txn,
                webhook_deliveries::Replay {
                    id,
                    shop_id: self.shop.id,
                    event_id,
                    subscription_id: subscription,
                    topic: &topic,
                    customer_id: event.customer_id,
                    now_ms: now,
                },
            )
            .await?;
            ids.push(id);
        }
        let mut replayed = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(delivery) = webhook_deliveries::find(&txn, self.shop.id, id).await? {
                replayed.push(delivery);
            }
        }
        txn.commit().await?;
        self.inner.webhook_signal.notify_one();
        Ok(replayed)
    }
}
