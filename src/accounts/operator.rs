//! What the operator's command line does with customers and mail: list and search, show,
//! disable and enable, delete with erasure, export one customer's data, and the outbox.

use serde::Serialize;

use super::{AccountError, CustomerAdmin, CustomerChange, now};
use crate::domain::ids::{gid, parse_gid};
use crate::store::access_tokens;
use crate::store::addresses;
use crate::store::customers::{self, CustomerRecord, CustomerState};
use crate::store::outbox::{self, OutboxEntry, OutboxFilter};

/// A customer as an operator sees it (no password hash, no token digests).
#[derive(Debug, Clone, Serialize)]
pub struct CustomerSummary {
    pub id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub state: String,
    pub accepts_marketing: bool,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the customer proved the email address is theirs (guest orders join only then).
    pub email_verified_at: Option<i64>,
    /// How: `activation`, `reset` or `multipass`.
    pub email_verified_by: Option<&'static str>,
}

impl From<&CustomerRecord> for CustomerSummary {
    fn from(c: &CustomerRecord) -> Self {
        Self {
            id: gid("Customer", c.id),
            email: c.email.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            phone: c.phone.clone(),
            state: c.state.as_str().to_owned(),
            accepts_marketing: c.accepts_marketing,
            tags: c.tags.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            email_verified_at: c.email_proof.map(|(at, _)| at),
            email_verified_by: c.email_proof.map(|(_, how)| how.as_str()),
        }
    }
}

/// Everything stored about a customer, for a data-access request: the profile (marketing
/// consent and email proof included), addresses, orders as stored, the sessions (when each
/// began and ends, never a token), mail not sent yet, and the note.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerExport {
    pub customer: CustomerSummary,
    pub note: Option<String>,
    pub addresses: Vec<serde_json::Value>,
    pub default_address_id: Option<String>,
    pub active_sessions: usize,
    pub sessions: Vec<serde_json::Value>,
    pub orders: Vec<serde_json::Value>,
    /// Every metafield value (whatever its definition's access): it is the customer's data.
    pub metafields: Vec<serde_json::Value>,
    pub pending_mail: Vec<OutboxEntry>,
}

impl CustomerAdmin<'_> {
    /// A customer by global id, numeric id or email.
    pub async fn find_customer(&self, key: &str) -> Result<Option<CustomerRecord>, AccountError> {
        let inner = &self.inner;
        let key = key.trim();
        let id = parse_gid(key, "Customer").or_else(|| key.parse::<i64>().ok());
        Ok(match id {
            Some(id) => customers::find_by_id(inner.db.reader(), self.shop.id, id).await?,
            None => {
                customers::find_by_email_key(
                    inner.db.reader(),
                    self.shop.id,
                    &crate::domain::email::normalize(key),
                )
                .await?
            }
        })
    }

    pub async fn list_customers(
        &self,
        search: Option<&str>,
        limit: u64,
    ) -> Result<Vec<CustomerSummary>, AccountError> {
        let found = customers::search(self.inner.db.reader(), self.shop.id, search, limit).await?;
        Ok(found.iter().map(CustomerSummary::from).collect())
    }

    /// Disables (no login; every session ends) or enables a customer; `false` when unknown.
    pub async fn set_customer_enabled(
        &self,
        key: &str,
        enabled: bool,
    ) -> Result<bool, AccountError> {
        let Some(customer) = self.customer_admin().find_customer(key).await? else {
            return Ok(false);
        };
        let txn = self.inner.db.begin_write().await?;
        let state = if enabled {
            CustomerState::Enabled
        } else {
            CustomerState::Disabled
        };
        customers::set_state(&txn, self.shop.id, customer.id, state, now()).await?;
        if !enabled {
            access_tokens::delete_all_for_customer(&txn, self.shop.id, customer.id).await?;
        }
        self.customer_changed(&txn, CustomerChange::Updated, customer.id, Some(&customer))
            .await?;
        txn.commit().await?;
        tracing::info!(
            customer_id = customer.id,
            enabled,
            "customer state changed by the operator"
        );
        Ok(true)
    }

    /// Erases a customer: the record, addresses, sessions and every message to or about them.
    /// Their orders stay (the shop's books need them) without what identifies the customer.
    pub async fn delete_customer(&self, key: &str) -> Result<bool, AccountError> {
        let Some(customer) = self.customer_admin().find_customer(key).await? else {
            return Ok(false);
        };
        let txn = self.inner.db.begin_write().await?;
        let deleted = self.erase(&txn, &customer, false).await?;
        txn.commit().await?;
        tracing::info!(customer_id = customer.id, "customer erased by the operator");
        Ok(deleted)
    }

    /// The erasure itself, in the caller's transaction (the command line's and the admin
    /// API's delete share it): every message to or about the customer, their orders redacted,
    /// the record with its addresses, sessions and tags.
    pub(super) async fn erase(
        &self,
        txn: &impl crate::store::ConnectionTrait,
        customer: &CustomerRecord,
        erasure: bool,
    ) -> Result<bool, AccountError> {
        self.customer_removed(txn, customer, erasure).await?;
        outbox::delete_for_customer(
            txn,
            self.shop.id,
            customer.id,
            &crate::domain::email::normalize(&customer.email),
        )
        .await?;
        self.redact_orders(txn, customer.id).await?;
        Ok(customers::delete(txn, self.shop.id, customer.id).await?)
    }

    pub async fn export_customer(&self, key: &str) -> Result<Option<CustomerExport>, AccountError> {
        let inner = &self.inner;
        let Some(customer) = self.customer_admin().find_customer(key).await? else {
            return Ok(None);
        };
        let addresses =
            addresses::list_for_customers(inner.db.reader(), self.shop.id, &[customer.id]).await?;
        let sessions = access_tokens::live_sessions_of_customer(
            inner.db.reader(),
            self.shop.id,
            customer.id,
            now(),
        )
        .await?;
        // Each order as stored (the REST order JSON); one that cannot be read is left out.
        let stored =
            crate::store::orders::of_customer(inner.db.reader(), self.shop.id, customer.id).await?;
        let order_ids: Vec<u64> = stored
            .iter()
            .filter_map(|(id, _)| u64::try_from(*id).ok())
            .collect();
        let orders = stored
            .into_iter()
            .filter_map(|(_, document)| serde_json::from_str(document.as_deref()?).ok())
            .collect();
        // Downstream tools hear of the request (`customers/data_request`) and export too.
        let txn = inner.db.begin_write().await?;
        self.customer_data_requested(&txn, &customer, &order_ids)
            .await?;
        txn.commit().await?;
        let metafields = self
            .metafields()
            .of_customers(&[customer.id], crate::store::metafields::Visibility::All)
            .await?
            .remove(&customer.id)
            .unwrap_or_default()
            .into_iter()
            .map(|m| {
                serde_json::json!({
                    "id": gid("Metafield", m.id),
                    "namespace": m.namespace,
                    "key": m.key,
                    "type": m.ty,
                    "value": m.value,
                    "created_at": m.created_at,
                    "updated_at": m.updated_at,
                })
            })
            .collect();
        let email_key = crate::domain::email::normalize(&customer.email);
        let pending = outbox::list(
            inner.db.reader(),
            self.shop.id,
            OutboxFilter::Pending,
            1_000,
        )
        .await?
        .into_iter()
        .filter(|m| m.recipient == email_key || m.recipient == customer.email)
        .collect();
        let address_json = addresses
            .iter()
            .map(|a| {
                let f = &a.fields;
                serde_json::json!({
                    "id": gid("MailingAddress", a.id),
                    "first_name": f.first_name, "last_name": f.last_name, "company": f.company,
                    "address1": f.address1, "address2": f.address2, "city": f.city,
                    "province": f.province, "province_code": f.province_code,
                    "country": f.country, "country_code": f.country_code, "zip": f.zip, "phone": f.phone,
                })
            })
            .collect();
        Ok(Some(CustomerExport {
            customer: CustomerSummary::from(&customer),
            note: customer.note.clone(),
            addresses: address_json,
            default_address_id: customer
                .default_address_id
                .map(|id| gid("MailingAddress", id)),
            active_sessions: sessions.len(),
            sessions: sessions
                .into_iter()
                .map(|(created_at, expires_at)| {
                    serde_json::json!({ "created_at": created_at, "expires_at": expires_at })
                })
                .collect(),
            orders,
            metafields,
            pending_mail: pending,
        }))
    }

    pub async fn outbox(
        &self,
        filter: OutboxFilter,
        limit: u64,
    ) -> Result<Vec<OutboxEntry>, AccountError> {
        Ok(outbox::list(self.inner.db.reader(), self.shop.id, filter, limit).await?)
    }

    /// Gives failed messages (one, or all) a new round of attempts; returns how many.
    pub async fn retry_mail(&self, id: Option<i64>) -> Result<u64, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let count = outbox::retry_failed(&txn, self.shop.id, id, now()).await?;
        txn.commit().await?;
        self.inner.outbox_signal.notify_one();
        Ok(count)
    }
}
