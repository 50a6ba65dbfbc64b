//! Which orders an account gets: at the proof of its email, and what stays of them when the
//! customer is deleted.

use super::{Document, hex_digest, internal};
use crate::accounts::{AccountError, ShopAccounts, now};
use crate::domain::customer::EmailProof;
use crate::domain::order::Order;
use crate::store::ConnectionTrait;
use crate::store::orders;

impl ShopAccounts {
    /// Records that the customer proved their email address, and gives them the guest orders
    /// placed with it and the orders that name them. In the caller's transaction.
    pub(in crate::accounts) async fn email_proven(
        &self,
        txn: &impl ConnectionTrait,
        customer_id: i64,
        email_key: &str,
        proof: EmailProof,
    ) -> Result<(), AccountError> {
        let now = now();
        crate::store::customers::set_email_proof(txn, self.shop.id, customer_id, proof, now)
            .await?;
        let linked =
            orders::link_unowned_orders(txn, self.shop.id, customer_id, email_key, now).await?;
        if linked > 0 {
            tracing::info!(customer_id, orders = linked, "orders linked to the account");
        }
        Ok(())
    }

    /// Keeps the customer's orders (lines and totals) without what identifies the customer:
    /// email, phone, names and addresses. In the caller's transaction, before the deletion.
    pub(in crate::accounts) async fn redact_orders(
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
