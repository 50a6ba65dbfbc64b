//! The order read model: orders the shop's checkout sends (Shopify's order webhooks) or the
//! operator imports, linked to accounts, and read back for the account page and `node(id:)`.
//!
//! Orders are stored as sent and never recomputed. Linking never trusts an unproven email: a
//! guest order joins an account when the order names the customer's id, or when the email it
//! was placed with is one the account holder proved (activation, reset, Multipass).

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{AccountError, Orders, ShopAccounts, now};
use crate::domain::customer::EmailProof;
use crate::domain::email;
use crate::domain::order::listing::{OrderCursor, OrderFilter, OrderSort};
use crate::domain::order::{
    DEFAULT_ORDER_URL_TEMPLATE, Order, OrderError, OrderGid, OrderKey, StoredOrder, order_url,
    parse_order,
};
use crate::domain::pagination::{MAX_PAGE_SIZE, PageError};
use crate::domain::shopify_webhook::OrderTopic;
use crate::store::ConnectionTrait;
use crate::store::orders::{self, ListedOrder, OrderRow, OrderVersion, PageQuery};

/// What storing one order did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new order.
    Created,
    /// A newer version of a stored order replaced it.
    Updated,
    /// The stored order is the same version or newer, or was deleted: nothing changed.
    Unchanged,
}

/// What a Shopify order webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    Stored(ImportOutcome),
    Deleted,
    /// This event was applied before: nothing changed.
    Duplicate,
}

/// Why a verified delivery was not applied.
#[derive(Debug, thiserror::Error)]
pub enum WebhookRefusal {
    #[error("{0}")]
    Order(#[from] OrderError),
    #[error("the orders/delete body has no order id")]
    NoOrderId,
    #[error(transparent)]
    Account(#[from] AccountError),
}

/// The stored document: the order as sent, and the key of its Storefront id.
#[derive(Serialize, Deserialize)]
struct Document {
    key: String,
    order: Order,
}

/// `Customer.orders` arguments.
#[derive(Debug, Clone, Default)]
pub struct OrderListRequest {
    pub first: Option<i32>,
    pub last: Option<i32>,
    pub after: Option<String>,
    pub before: Option<String>,
    pub reverse: bool,
    pub sort: Option<OrderSort>,
    pub query: Option<String>,
}

/// One page of a customer's orders.
pub struct OrderPage {
    pub edges: Vec<(String, Arc<StoredOrder>)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

fn hex_digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn to_i64(id: u64) -> Option<i64> {
    i64::try_from(id).ok()
}

/// The email an order was placed with, as a key.
fn order_email_key(order: &Order) -> Option<String> {
    order
        .email
        .as_deref()
        .or_else(|| order.customer.as_ref().and_then(|c| c.email.as_deref()))
        .map(email::normalize)
        .filter(|key| !key.is_empty())
}

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

impl ShopAccounts {
    fn order_url_template(&self) -> &str {
        self.shop
            .order_url_template
            .as_deref()
            .unwrap_or(DEFAULT_ORDER_URL_TEMPLATE)
    }

    fn stored_order(&self, row: &ListedOrder) -> Option<Arc<StoredOrder>> {
        let text = row.document.as_deref()?;
        let document: Document = match serde_json::from_str(text) {
            Ok(document) => document,
            Err(err) => {
                tracing::error!(order_id = row.id, error = %err, "stored order document unreadable");
                return None;
            }
        };
        let key = OrderKey::parse(&document.key)?;
        let order = document.order;
        let customer_url = order_url(self.order_url_template(), &self.shop.domain, &order, &key);
        let status_url = order
            .order_status_url
            .clone()
            .unwrap_or_else(|| customer_url.clone());
        Some(Arc::new(StoredOrder {
            record: order,
            key,
            customer_id: row.customer_id,
            status_url,
            customer_url,
        }))
    }

    /// Records that the customer proved their email address, and gives them the guest orders
    /// placed with it and the orders that name them. In the caller's transaction.
    pub(super) async fn email_proven(
        &self,
        txn: &impl ConnectionTrait,
        customer_id: i64,
        email_key: &str,
        proof: EmailProof,
    ) -> Result<(), AccountError> {
        let now = now();
        crate::store::customers::set_email_proof(txn, self.shop.id, customer_id, proof, now)
            .await?;
        let linked = orders::link_guest_orders(txn, self.shop.id, customer_id, email_key, now)
            .await?
            + orders::link_orders_naming(txn, self.shop.id, customer_id, now).await?;
        if linked > 0 {
            tracing::info!(customer_id, orders = linked, "orders linked to the account");
        }
        Ok(())
    }

    /// Keeps the customer's orders (lines and totals) without what identifies the customer:
    /// email, phone, names and addresses. In the caller's transaction, before the deletion.
    pub(super) async fn redact_orders(
        &self,
        txn: &impl ConnectionTrait,
        customer_id: i64,
    ) -> Result<u64, AccountError> {
        let now = now();
        let owned = orders::of_customer(txn, self.shop.id, customer_id).await?;
        let count = owned.len() as u64;
        for (id, document) in owned {
            let redacted = match document.as_deref().map(serde_json::from_str::<Document>) {
                Some(Ok(mut document)) => {
                    redact(&mut document.order);
                    Some(serde_json::to_string(&document).map_err(internal)?)
                }
                // An unreadable document cannot be redacted field by field: drop it whole.
                Some(Err(_)) | None => None,
            };
            let digest = redacted
                .as_deref()
                .map(|text| hex_digest(text.as_bytes()))
                .unwrap_or_default();
            orders::redact(txn, self.shop.id, id, redacted, &digest, now).await?;
        }
        Ok(count)
    }
}

/// Removes what identifies a person from an order.
fn redact(order: &mut Order) {
    order.email = None;
    order.phone = None;
    order.customer = None;
    order.shipping_address = None;
    order.billing_address = None;
    order.note = None;
    order.customer_locale = None;
}

/// Whether a write lost a race for a unique key (another transaction stored the same order).
fn is_conflict(err: &AccountError) -> bool {
    match err {
        AccountError::Internal(inner) => matches!(
            inner.downcast_ref::<crate::store::StoreError>(),
            Some(crate::store::StoreError::Taken(_))
        ),
        _ => false,
    }
}

fn internal(err: impl std::error::Error + Send + Sync + 'static) -> AccountError {
    AccountError::Internal(Box::new(err))
}

/// One order made ready to write.
struct Prepared {
    row: OrderRow,
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
        let in_database: std::collections::HashSet<i64> = stored.keys().copied().collect();

        // The accounts the batch can link to, in two statements.
        let named: Vec<i64> = batch
            .iter()
            .filter_map(|o| o.customer.as_ref().and_then(|c| to_i64(c.id)))
            .collect();
        let existing: std::collections::HashSet<i64> =
            orders::existing_customers(txn, shop_id, &named)
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
            let prepared = Prepared {
                row: OrderRow {
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
                },
            };
            if exists {
                replacements.push(prepared.row);
            } else {
                inserts.push(prepared.row);
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

    /// A page of the customer's orders.
    pub async fn list(
        &self,
        customer_id: i64,
        request: OrderListRequest,
    ) -> Result<OrderPage, ListError> {
        let sort = request.sort.unwrap_or(OrderSort::Id);
        let size = |value: Option<i32>, argument: &'static str| match value {
            None => Ok(None),
            Some(n) if (0..=MAX_PAGE_SIZE).contains(&n) => Ok(Some(n as u64)),
            Some(_) => Err(ListError::Page(PageError::OutOfRange(argument))),
        };
        let first = size(request.first, "first")?;
        let last = size(request.last, "last")?;
        if first.is_none() && last.is_none() {
            return Err(ListError::Page(PageError::MissingFirstOrLast));
        }
        let cursor = |value: &Option<String>, argument: &'static str| match value {
            None => Ok(None),
            Some(text) => OrderCursor::decode(text, sort)
                .map(Some)
                .ok_or(ListError::Page(PageError::InvalidCursor(argument))),
        };
        let after = cursor(&request.after, "after")?;
        let before = cursor(&request.before, "before")?;
        let filter = OrderFilter::parse(request.query.as_deref().unwrap_or_default());
        if !filter.ignored.is_empty() {
            tracing::debug!(ignored = ?filter.ignored, "order search terms ignored");
        }
        let descending = request.reverse;
        let db = self.inner.db.reader();

        let (rows, has_next_page, has_previous_page) = if let Some(first) = first {
            let mut rows = orders::page(
                db,
                self.shop.id,
                customer_id,
                PageQuery {
                    filter: &filter,
                    sort,
                    descending,
                    after,
                    before,
                    limit: first + 1,
                },
            )
            .await?;
            let has_next = rows.len() as u64 > first;
            rows.truncate(first as usize);
            let mut has_previous = after.is_some();
            if let Some(last) = last
                && rows.len() as u64 > last
            {
                rows.drain(..rows.len() - last as usize);
                has_previous = true;
            }
            (rows, has_next, has_previous)
        } else {
            let last = last.unwrap_or_default();
            // Read backwards from `before`, then put the page back in order.
            let mut rows = orders::page(
                db,
                self.shop.id,
                customer_id,
                PageQuery {
                    filter: &filter,
                    sort,
                    descending: !descending,
                    after: before,
                    before: after,
                    limit: last + 1,
                },
            )
            .await?;
            let has_previous = rows.len() as u64 > last;
            rows.truncate(last as usize);
            rows.reverse();
            (rows, before.is_some(), has_previous)
        };
        let edges = rows
            .iter()
            .enumerate()
            .filter_map(|(offset, row)| {
                let order = self.stored_order(row)?;
                let cursor = OrderCursor {
                    id: row.id,
                    value: row.sort_value(sort),
                }
                .encode(sort, offset);
                Some((cursor, order))
            })
            .collect();
        Ok(OrderPage {
            edges,
            has_next_page,
            has_previous_page,
        })
    }

    /// How many of the customer's orders match `query` (all without one).
    pub async fn count(&self, customer_id: i64, query: Option<&str>) -> Result<u64, AccountError> {
        let filter = OrderFilter::parse(query.unwrap_or_default());
        Ok(orders::count(self.inner.db.reader(), self.shop.id, customer_id, &filter).await?)
    }

    /// The order a Storefront id names, if the caller may read it: the id carries the order's
    /// key, or `buyer` (the customer of the operation's `@inContext(buyer:)`) owns it. Anything
    /// else is `None`, and takes the same statements as an order that does not exist.
    pub async fn by_id(
        &self,
        gid: &str,
        buyer: Option<i64>,
    ) -> Result<Option<Arc<StoredOrder>>, AccountError> {
        let Some(gid) = OrderGid::parse(gid) else {
            return Ok(None);
        };
        let Some(id) = to_i64(gid.id) else {
            return Ok(None);
        };
        let db = self.inner.db.reader();
        let gate = orders::gate(db, self.shop.id, id).await?;
        // Compared even when there is no order or no key, against a digest nothing matches.
        let presented = gid
            .key
            .as_ref()
            .map(|key| hex_digest(key.as_str().as_bytes()))
            .unwrap_or_else(|| "-".repeat(64));
        let stored_digest = gate
            .as_ref()
            .map(|g| g.key_digest.as_str())
            .filter(|d| d.len() == 64)
            .unwrap_or("0000000000000000000000000000000000000000000000000000000000000000");
        let key_matches = same_digest(&presented, stored_digest) && gate.is_some();
        let owned = buyer.is_some() && gate.as_ref().and_then(|g| g.customer_id) == buyer;
        if !(key_matches || owned) {
            return Ok(None);
        }
        Ok(orders::find(db, self.shop.id, id)
            .await?
            .and_then(|row| self.stored_order(&row)))
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

/// Why a list request was refused.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error(transparent)]
    Page(PageError),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<crate::store::StoreError> for ListError {
    fn from(err: crate::store::StoreError) -> Self {
        ListError::Account(err.into())
    }
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
    fn digests_compare_whole() {
        assert!(same_digest("abc", "abc"));
        assert!(!same_digest("abc", "abd"));
        assert!(!same_digest("abc", "abcd"));
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
