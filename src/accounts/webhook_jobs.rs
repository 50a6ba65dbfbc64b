//! What the webhook sender asks of the accounts: the due deliveries (claimed, with their
//! subscription and body), and the bookkeeping of each attempt: delivered, retried on the
//! schedule (or after the receiver's `Retry-After`), given up, or the subscription disabled
//! (`410 Gone`, or failing for too long).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::{AccountError, Accounts, now_ms};
use crate::domain::webhook::{self, RetrySchedule};
use crate::store::webhook_deliveries::{self, DeliveryRecord};
use crate::store::webhook_subscriptions::{self, SubscriptionRecord};
use crate::store::{events, webhook_deliveries::Backlog};

/// A claimed delivery, ready to send.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub delivery: DeliveryRecord,
    pub subscription: SubscriptionRecord,
    /// `X-Shopify-Shop-Domain`.
    pub shop_domain: String,
    /// The body as sent: the event's snapshot for the topic, narrowed to the include fields.
    pub body: Vec<u8>,
}

/// How an attempt went.
#[derive(Debug, Clone)]
pub enum Attempt {
    /// A 2xx answer.
    Delivered { status: u16 },
    Failed {
        /// The answer's status; `None` when there was none (refused, timed out, not allowed).
        status: Option<u16>,
        error: String,
        /// The receiver's `Retry-After`, honoured when later than the schedule.
        retry_after: Option<Duration>,
    },
}

/// What became of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    Retrying,
    GivenUp,
    /// The subscription was disabled (`410 Gone`, or failing for too long).
    Disabled,
}

impl Accounts {
    /// Woken whenever a change adds deliveries.
    pub fn webhook_signal(&self) -> Arc<Notify> {
        Arc::clone(&self.inner.webhook_signal)
    }

    /// Claims up to `limit` due deliveries until `claim_for` from now, in one transaction.
    pub async fn due_deliveries(
        &self,
        limit: u64,
        claim_for: Duration,
    ) -> Result<Vec<DueDelivery>, AccountError> {
        let now = now_ms();
        let due = webhook_deliveries::due(self.inner.db.reader(), now, limit).await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let until = now.saturating_add(i64::try_from(claim_for.as_millis()).unwrap_or(i64::MAX));
        let txn = self.inner.db.begin_write().await?;
        let mut claimed = Vec::with_capacity(due.len());
        for delivery in due {
            if webhook_deliveries::claim(&txn, delivery.id, now, until).await? {
                claimed.push(delivery);
            }
        }
        let subscription_ids: Vec<i64> = claimed.iter().map(|d| d.subscription_id).collect();
        let subscriptions: HashMap<i64, SubscriptionRecord> =
            webhook_subscriptions::of_ids(&txn, &subscription_ids)
                .await?
                .into_iter()
                .map(|s| (s.id, s))
                .collect();
        let mut ready = Vec::with_capacity(claimed.len());
        let mut domains: HashMap<i64, Option<String>> = HashMap::new();
        for delivery in claimed {
            let Some(subscription) = subscriptions.get(&delivery.subscription_id) else {
                continue;
            };
            let body = events::body(&txn, delivery.shop_id, delivery.event_id, &delivery.topic)
                .await?
                .unwrap_or(serde_json::Value::Null);
            let body = webhook::select_fields(&body, &subscription.include_fields);
            let domain = match domains.get(&delivery.shop_id) {
                Some(domain) => domain.clone(),
                None => {
                    let domain = self
                        .shop_by_id(delivery.shop_id)
                        .await?
                        .map(|shop| shop.domain.clone());
                    domains.insert(delivery.shop_id, domain.clone());
                    domain
                }
            };
            let Some(shop_domain) = domain else {
                continue;
            };
            ready.push(DueDelivery {
                body: serde_json::to_vec(&body).map_err(|e| AccountError::Internal(Box::new(e)))?,
                shop_domain,
                subscription: subscription.clone(),
                delivery,
            });
        }
        txn.commit().await?;
        Ok(ready)
    }

    /// Records a batch of attempts in one transaction (one write per batch, not per delivery:
    /// the writer is shared with every change). `disable_after`: how long a subscription may
    /// fail without one success.
    pub async fn deliveries_attempted(
        &self,
        attempts: &[(DueDelivery, Attempt)],
        schedule: &RetrySchedule,
        disable_after: Duration,
    ) -> Result<Vec<AttemptOutcome>, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let mut outcomes = Vec::with_capacity(attempts.len());
        for (due, attempt) in attempts {
            outcomes.push(record_attempt(&txn, due, attempt, schedule, disable_after).await?);
        }
        txn.commit().await?;
        Ok(outcomes)
    }

    /// When the next open delivery falls due (milliseconds), if any.
    pub async fn next_delivery_due(&self) -> Result<Option<i64>, AccountError> {
        Ok(webhook_deliveries::next_due_at(self.inner.db.reader()).await?)
    }

    /// Open deliveries per subscription, for the metrics.
    pub async fn webhook_backlog(&self) -> Result<Vec<Backlog>, AccountError> {
        Ok(webhook_deliveries::backlog(self.inner.db.reader()).await?)
    }

    /// Housekeeping: events older than `retention_seconds` with nothing left to deliver.
    pub async fn purge_events(&self, retention_seconds: i64) -> Result<u64, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let purged =
            events::purge(&txn, now_ms() - retention_seconds.saturating_mul(1_000)).await?;
        txn.commit().await?;
        Ok(purged)
    }
}

/// One attempt's bookkeeping, in the batch's transaction.
async fn record_attempt(
    txn: &impl crate::store::ConnectionTrait,
    due: &DueDelivery,
    attempt: &Attempt,
    schedule: &RetrySchedule,
    disable_after: Duration,
) -> Result<AttemptOutcome, AccountError> {
    let now = now_ms();
    let subscription = &due.subscription;
    Ok(match attempt {
        Attempt::Delivered { status } => {
            webhook_deliveries::mark_delivered(txn, due.delivery.id, i32::from(*status), now)
                .await?;
            webhook_subscriptions::record_success(txn, subscription.id).await?;
            AttemptOutcome::Delivered
        }
        Attempt::Failed {
            status,
            error,
            retry_after,
        } => {
            let attempts = u32::try_from(due.delivery.attempts).unwrap_or(0) + 1;
            let next = schedule.delay_after(attempts).map(|delay| {
                // The receiver's own wait, when it asks for a longer one.
                let delay = retry_after.map_or(delay, |asked| asked.max(delay));
                now.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX))
            });
            webhook_deliveries::mark_failed(
                txn,
                due.delivery.id,
                now,
                next,
                status.map(i32::from),
                error,
            )
            .await?;
            webhook_subscriptions::record_failure(txn, subscription.id, now).await?;
            let failing_for = now - subscription.failing_since.unwrap_or(now);
            let disable_ms = i64::try_from(disable_after.as_millis()).unwrap_or(i64::MAX);
            if *status == Some(410) {
                webhook_subscriptions::disable(
                    txn,
                    subscription.id,
                    "the endpoint answered 410 Gone",
                    super::now(),
                )
                .await?;
                AttemptOutcome::Disabled
            } else if failing_for >= disable_ms {
                webhook_subscriptions::disable(
                    txn,
                    subscription.id,
                    &format!("every delivery failed for {} s", disable_after.as_secs()),
                    super::now(),
                )
                .await?;
                AttemptOutcome::Disabled
            } else if next.is_some() {
                AttemptOutcome::Retrying
            } else {
                AttemptOutcome::GivenUp
            }
        }
    })
}
