//! Housekeeping that keeps the database bounded, across every shop: expired customer tokens,
//! Multipass replay records that can no longer be replayed, throttle counters that stopped
//! counting, sent mail and the ids of old Shopify webhook events. Each purge is one indexed DELETE.
//! It also carries out the customer erasures whose hold is over (`erase_due_customers`).

use super::{AccountError, Accounts, now};
use crate::domain::ids::new_id;
use crate::store::customer_audit::{self, AuditEntry};
use crate::store::{access_tokens, customers, guards, orders, outbox};

/// Erasures carried out per housekeeping pass, so that one pass stays short.
const ERASURES_PER_PASS: u64 = 500;

/// How long what is no longer needed is kept before the purge removes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Throttle counters that have not moved for this long. Longer than every throttle window
    /// and than the longest login backoff, so a purge never forgives an attempt.
    pub throttle_counters_seconds: i64,
    /// Sent messages (metadata only by then), for the operator's questions.
    pub sent_mail_seconds: i64,
    /// Ids of applied Shopify webhook events, to recognise repeated deliveries.
    pub shopify_webhook_events_seconds: i64,
}

/// What one purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub customer_tokens: u64,
    pub multipass_uses: u64,
    pub throttle_counters: u64,
    pub sent_mail: u64,
    pub shopify_webhook_events: u64,
}

impl Purged {
    pub fn total(&self) -> u64 {
        self.customer_tokens
            + self.multipass_uses
            + self.throttle_counters
            + self.sent_mail
            + self.shopify_webhook_events
    }
}

impl Accounts {
    /// Erases the customers whose requested erasure is due, each in its own transaction (the
    /// audit trail names no admin token: the server did it); how many.
    pub async fn erase_due_customers(&self) -> Result<u64, AccountError> {
        let now = now();
        let due = customers::erasures_due(self.inner.db.reader(), now, ERASURES_PER_PASS).await?;
        let mut erased = 0;
        for (shop_id, customer_id) in due {
            let Some(shop) = self.shop_by_id(shop_id).await? else {
                continue;
            };
            let shop = self.in_shop(shop);
            let txn = self.inner.db.begin_write().await?;
            // Read again under the lock: a cancellation may have come in meanwhile.
            let Some(customer) = customers::lock(&txn, shop_id, customer_id).await? else {
                continue;
            };
            if customer.erasure_due_at.is_none_or(|due| due > now) {
                continue;
            }
            shop.customer_admin().erase(&txn, &customer, true).await?;
            customer_audit::record(
                &txn,
                shop_id,
                &AuditEntry {
                    id: new_id(),
                    customer_id,
                    admin_token_id: None,
                    action: "customer_data_erasure".to_owned(),
                    version_before: Some(customer.version),
                    version_after: None,
                    at: now,
                },
            )
            .await?;
            txn.commit().await?;
            erased += 1;
        }
        if erased > 0 {
            tracing::info!(erased, "requested customer erasures carried out");
        }
        Ok(erased)
    }

    /// One pass of housekeeping, in one transaction.
    pub async fn purge(&self, retention: Retention) -> Result<Purged, AccountError> {
        let now = now();
        let txn = self.inner.db.begin_write().await?;
        let purged = Purged {
            customer_tokens: access_tokens::delete_expired(&txn, now).await?,
            multipass_uses: guards::purge_multipass_uses(&txn, now).await?,
            throttle_counters: guards::purge_stale_counters(
                &txn,
                now - retention.throttle_counters_seconds,
            )
            .await?,
            sent_mail: outbox::purge_sent(&txn, now - retention.sent_mail_seconds).await?,
            shopify_webhook_events: orders::purge_webhook_events(
                &txn,
                now - retention.shopify_webhook_events_seconds,
            )
            .await?,
        };
        txn.commit().await?;
        // In transactions of their own, a bounded number of rows each: after a bulk import the
        // log can hold millions, and one transaction deleting them all took 100 MiB.
        loop {
            let txn = self.inner.db.begin_write().await?;
            let more = crate::store::prune_read_changes(&txn).await?;
            txn.commit().await?;
            if !more {
                break;
            }
        }
        Ok(purged)
    }
}
