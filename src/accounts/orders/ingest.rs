//! Orders in: a batch from an import, or one Shopify webhook. Each order is created, replaces
//! an older version of itself, or is left alone; its account is decided as it is stored.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::{
    Document, ImportOutcome, WebhookOutcome, WebhookRefusal, hex_digest, internal, is_conflict,
    order_email_key, to_i64,
};
use crate::accounts::{AccountError, Orders, now};
use crate::domain::order::{Order, OrderError, OrderKey, parse_order};
use crate::domain::shopify_webhook::OrderTopic;
use crate::store::ConnectionTrait;
use crate::store::orders::{self, OrderRow, OrderVersion};

/// Whether an incoming version replaces the stored one: a dated version wins over an undated
/// one; between dated versions the later wins; between undated ones a different content wins
/// (an operator re-importing a corrected export).
fn replaces(stored: &OrderVersion, updated_at: Option<i64>, digest: &str) -> bool {
    if stored.deleted_at.is_some() || stored.content_digest == digest {
        return false;
    }
    match (stored.remote_updated_at, updated_at) {
        (Some(stored), Some(new)) => new > stored,
        (Some(_), None) => false,
        (None, Some(_)) => true,
        (None, None) => true,
    }
}

impl Orders<'_> {
    /// Stores a batch of orders in one transaction: each is created, replaces an older version
    /// of itself, or is left alone (see [`ImportOutcome`]).
    pub async fn import_batch(
        &self,
        orders: Vec<Order>,
    ) -> Result<Vec<ImportOutcome>, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let outcomes = self.ingest(&txn, orders).await?;
        txn.commit().await?;
        Ok(outcomes)
    }

    /// Applies one of Shopify's order webhooks whose signature was checked. `event` is the
    /// delivery's event (or webhook) id; a repeated one changes nothing.
    pub async fn receive_webhook(
        &self,
        topic: OrderTopic,
        event: &str,
        body: &[u8],
    ) -> Result<WebhookOutcome, WebhookRefusal> {
        // Parsed before the transaction, so a bad body holds no lock.
        let parsed = match topic {
            OrderTopic::Delete => None,
            _ => Some(parse_order(body)?),
        };
        let deleted_id = match topic {
            OrderTopic::Delete => Some(deleted_order_id(body)?),
            _ => None,
        };
        let key = format!("{}:{event}", topic.as_str());
        // Shopify sends `orders/create` and `orders/paid` of one checkout at once: on
        // PostgreSQL both may find no order and insert it; the loser retries and sees it.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.apply_webhook(&key, parsed.clone(), deleted_id).await {
                Err(err) if attempt < 3 && is_conflict(&err) => continue,
                result => return result.map_err(WebhookRefusal::Account),
            }
        }
    }

    async fn apply_webhook(
        &self,
        key: &str,
        order: Option<Order>,
        deleted_id: Option<i64>,
    ) -> Result<WebhookOutcome, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        if !orders::record_webhook_event(&txn, self.shop.id, key, now()).await? {
            return Ok(WebhookOutcome::Duplicate);
        }
        let outcome = match (order, deleted_id) {
            (Some(order), _) => {
                let outcomes = self.ingest(&txn, vec![order]).await?;
                WebhookOutcome::Stored(
                    outcomes
                        .first()
                        .copied()
                        .unwrap_or(ImportOutcome::Unchanged),
                )
            }
            (None, Some(id)) => {
                orders::mark_deleted(&txn, self.shop.id, id, now()).await?;
                WebhookOutcome::Deleted
            }
            (None, None) => WebhookOutcome::Stored(ImportOutcome::Unchanged),
        };
        txn.commit().await?;
        Ok(outcome)
    }

    async fn ingest(
        &self,
        txn: &impl ConnectionTrait,
        batch: Vec<Order>,
    ) -> Result<Vec<ImportOutcome>, AccountError> {
        let shop_id = self.shop.id;
        let now = now();
        let mut ids = Vec::with_capacity(batch.len());
        for order in &batch {
            let id = to_i64(order.id).ok_or_else(|| {
                AccountError::Internal(format!("order id {} is too large", order.id).into())
            })?;
            ids.push(id);
        }
        let mut stored: HashMap<i64, OrderVersion> = orders::versions(txn, shop_id, &ids)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
        let in_database: HashSet<i64> = stored.keys().copied().collect();

        // The accounts the batch can link to, in two statements.
        let named: Vec<i64> = batch
            .iter()
            .filter_map(|o| o.customer.as_ref().and_then(|c| to_i64(c.id)))
            .collect();
        let existing: HashSet<i64> = orders::existing_customers(txn, shop_id, &named)
            .await?
            .into_iter()
            .collect();
        let mut emails: Vec<String> = batch.iter().filter_map(order_email_key).collect();
        emails.sort();
        emails.dedup();
        let proven: HashMap<String, i64> = orders::proven_customers_by_email(txn, shop_id, &emails)
            .await?
            .into_iter()
            .map(|(id, key)| (key, id))
            .collect();

        // Serialized once: the digest decides "unchanged" before anything else is done.
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut pending: Vec<(i64, Order, String, Option<i64>, bool)> = Vec::new();
        for (order, id) in batch.into_iter().zip(ids) {
            let body = serde_json::to_vec(&order).map_err(internal)?;
            let digest = hex_digest(&body);
            let updated_at = order
                .updated_at
                .map(|at| (at.unix_timestamp_nanos() / 1_000_000) as i64);
            let outcome = match stored.get(&id) {
                None => ImportOutcome::Created,
                Some(version) if replaces(version, updated_at, &digest) => ImportOutcome::Updated,
                Some(_) => ImportOutcome::Unchanged,
            };
            outcomes.push(outcome);
            if outcome == ImportOutcome::Unchanged {
                continue;
            }
            // A later version of the same order in this batch sees this one as stored.
            let previous_customer = stored.get(&id).and_then(|v| v.customer_id);
            stored.insert(
                id,
                OrderVersion {
                    id,
                    customer_id: previous_customer,
                    remote_updated_at: updated_at,
                    content_digest: digest.clone(),
                    deleted_at: None,
                },
            );
            // Whether the row is in the database already (not merely earlier in this batch):
            // an update of it, or an insert of the batch's last version of it.
            let exists = in_database.contains(&id);
            pending.push((id, order, digest, updated_at, exists));
        }

        // Updates keep the key their order already has, unless the new version brings one.
        let keep_keys: Vec<i64> = pending
            .iter()
            .filter(|(_, order, _, _, exists)| {
                *exists
                    && order
                        .order_status_url
                        .as_deref()
                        .and_then(OrderKey::from_status_url)
                        .is_none()
            })
            .map(|(id, ..)| *id)
            .collect();
        let mut known_keys: HashMap<i64, OrderKey> = HashMap::new();
        for (id, text) in orders::documents(txn, shop_id, &keep_keys).await? {
            if let Ok(document) = serde_json::from_str::<Document>(&text)
                && let Some(key) = OrderKey::parse(&document.key)
            {
                known_keys.insert(id, key);
            }
        }

        let mut inserts = Vec::new();
        let mut replacements = Vec::new();
        // Within a batch, the last version of an order is the one written.
        let mut last_index: HashMap<i64, usize> = HashMap::new();
        for (index, (id, ..)) in pending.iter().enumerate() {
            last_index.insert(*id, index);
        }
        for (index, (id, order, digest, updated_at, exists)) in pending.into_iter().enumerate() {
            if last_index.get(&id) != Some(&index) {
                continue;
            }
            let key = order
                .order_status_url
                .as_deref()
                .and_then(OrderKey::from_status_url)
                .or_else(|| known_keys.remove(&id))
                .unwrap_or_else(OrderKey::generate);
            let email_key = order_email_key(&order);
            let named = order.customer.as_ref().and_then(|c| to_i64(c.id));
            let customer_id = named
                .filter(|id| existing.contains(id))
                .or_else(|| email_key.as_ref().and_then(|k| proven.get(k).copied()))
                .or_else(|| stored.get(&id).and_then(|v| v.customer_id));
            // `orders/create` or `orders/updated`, in this transaction.
            self.order_changed(txn, &order, !exists, customer_id)
                .await?;
            let row = OrderRow {
                id,
                customer_id,
                external_customer_id: named,
                email_key,
                order_number: i64::try_from(order.order_number).unwrap_or(i64::MAX),
                name: order.name.chars().take(255).collect(),
                processed_at: order.processed_at.unix_timestamp(),
                total_price_key: order.total_price.amount.sort_key(),
                remote_updated_at: updated_at,
                content_digest: digest,
                key_digest: hex_digest(key.as_str().as_bytes()),
                document: serde_json::to_string(&Document {
                    key: key.as_str().to_owned(),
                    order,
                })
                .map_err(internal)?,
            };
            if exists {
                replacements.push(row);
            } else {
                inserts.push(row);
            }
        }
        // Bounded statements: 16 values a row stays far below every bind-parameter limit.
        while !inserts.is_empty() {
            let rest = inserts.split_off(inserts.len().min(200));
            orders::insert_many(txn, shop_id, inserts, now).await?;
            inserts = rest;
        }
        for row in replacements {
            orders::replace(txn, shop_id, row, now).await?;
        }
        Ok(outcomes)
    }
}

/// The order id of an `orders/delete` body (`{"id": 820982911946154508}`).
fn deleted_order_id(body: &[u8]) -> Result<i64, WebhookRefusal> {
    #[derive(Deserialize)]
    struct Deleted {
        id: Option<serde_json::Value>,
    }
    let deleted: Deleted = serde_json::from_slice(body).map_err(|e| {
        WebhookRefusal::Order(OrderError::Malformed {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    })?;
    let id = match deleted.id {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    id.filter(|id| *id > 0)
        .and_then(to_i64)
        .ok_or(WebhookRefusal::NoOrderId)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(updated: Option<i64>, digest: &str) -> OrderVersion {
        OrderVersion {
            id: 1,
            customer_id: None,
            remote_updated_at: updated,
            content_digest: digest.to_owned(),
            deleted_at: None,
        }
    }

    #[test]
    fn only_a_newer_version_replaces_an_order() {
        assert!(replaces(&version(Some(10), "a"), Some(11), "b"));
        assert!(!replaces(&version(Some(10), "a"), Some(9), "b"));
        assert!(!replaces(&version(Some(10), "a"), Some(10), "b"));
        assert!(!replaces(&version(Some(10), "a"), None, "b"));
        assert!(replaces(&version(None, "a"), None, "b"));
        assert!(!replaces(&version(None, "a"), None, "a"));
        assert!(replaces(&version(None, "a"), Some(1), "b"));
        let mut deleted = version(Some(10), "a");
        deleted.deleted_at = Some(5);
        assert!(!replaces(&deleted, Some(11), "b"));
    }

    #[test]
    fn reads_the_id_of_a_deleted_order() {
        assert_eq!(
            deleted_order_id(br#"{"id": 820982911946154508}"#).ok(),
            Some(820_982_911_946_154_508)
        );
        assert_eq!(deleted_order_id(br#"{"id": "12"}"#).ok(), Some(12));
        assert!(deleted_order_id(br#"{"id": 0}"#).is_err());
        assert!(deleted_order_id(b"{}").is_err());
        assert!(deleted_order_id(b"[").is_err());
    }
}
