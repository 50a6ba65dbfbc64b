//! The order read model: orders the shop's checkout sends (Shopify's order webhooks) or the
//! operator imports, linked to accounts, and read back for the account page and `node(id:)`.
//!
//! Orders are stored as sent and never recomputed. Linking never trusts an unproven email: a
//! guest order joins an account when the order names the customer's id, or when the email it
//! was placed with is one the account holder proved (activation, reset, Multipass).

mod ingest;
mod linking;
mod reading;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{AccountError, ShopAccounts};
use crate::domain::email;
use crate::domain::order::listing::OrderSort;
use crate::domain::order::{
    DEFAULT_ORDER_URL_TEMPLATE, Order, OrderError, OrderKey, StoredOrder, order_url,
};
use crate::domain::pagination::PageError;
use crate::store::orders::ListedOrder;

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
