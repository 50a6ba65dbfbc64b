//! The admin API's part in a customer's account lifecycle: an activation URL to hand over
//! (`customerGenerateAccountActivationUrl`), the invitation mail
//! (`customerSendAccountInviteEmail`), disabling and enabling, and logging out everywhere. Each
//! uses the tokens and mail of the storefront's own lifecycle, adds one to the customer's version
//! where the customer changes, and is audited.

use super::lifecycle::KIND_ACTIVATION;
use super::{AccountError, Actor, BackOffice, CustomerChange, now};
use crate::domain::account_tokens::{Purpose, TokenClaims, account_url, new_security_stamp, sign};
use crate::domain::customer::CustomerRecord;
use crate::domain::problem::{ErrorCode, Problem};
use crate::store::ConnectionTrait;
use crate::store::access_tokens;
use crate::store::customers::{self, CustomerState};

fn already_enabled() -> AccountError {
    AccountError::Invalid(vec![Problem::general(
        ErrorCode::AlreadyEnabled,
        "Account already enabled",
    )])
}

impl BackOffice<'_> {
    /// A new activation token for a customer who cannot log in yet: it becomes the customer's
    /// only one (an earlier URL or invitation stops working). The claims, signed by the caller.
    async fn new_activation(
        &self,
        txn: &impl ConnectionTrait,
        customer: &CustomerRecord,
    ) -> Result<TokenClaims, AccountError> {
        self.new_activation_at(txn, customer, now()).await
    }

    /// [`Self::new_activation`] for a mail sent at `issued_at` (an import's invitations, queued
    /// at the shop's pace): the link's lifetime starts when it is sent, not when it is queued.
    pub(super) async fn new_activation_at(
        &self,
        txn: &impl ConnectionTrait,
        customer: &CustomerRecord,
        issued_at: i64,
    ) -> Result<TokenClaims, AccountError> {
        if customer.state == CustomerState::Enabled {
            return Err(already_enabled());
        }
        let stamp = if customer.security_stamp.is_empty() {
            new_security_stamp()
        } else {
            customer.security_stamp.clone()
        };
        let claims = TokenClaims::new(
            Purpose::Activate,
            customer.id,
            &stamp,
            issued_at,
            self.inner.lifecycle.activation_ttl_seconds,
        );
        customers::set_outstanding_nonce(
            txn,
            self.shop.id,
            customer.id,
            Purpose::Activate,
            &claims.nonce_hash(),
            &stamp,
        )
        .await?;
        Ok(claims)
    }

    /// `customerGenerateAccountActivationUrl`: a one-time URL on the shop's domain, for the
    /// merchant to send by their own means (after an import, say). It expires after the
    /// configured activation lifetime (30 days by default, as on Shopify).
    pub async fn generate_activation_url(
        &self,
        actor: Actor,
        id: i64,
    ) -> Result<String, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let customer = self.current(&txn, id, None).await?;
        let claims = self.new_activation(&txn, &customer).await?;
        let token = sign(&self.inner.lifecycle.signing_key, &claims)
            .map_err(|e| AccountError::Internal(Box::new(e)))?;
        self.audit(
            &txn,
            actor,
            id,
            "customer_generate_account_activation_url",
            (Some(customer.version), Some(customer.version)),
        )
        .await?;
        txn.commit().await?;
        Ok(account_url(
            &self.shop.domain,
            Purpose::Activate,
            id,
            &token,
        ))
    }

    /// `customerSendAccountInviteEmail`: the shop's activation mail, through the outbox; the
    /// customer becomes `INVITED`.
    pub async fn send_invite(&self, actor: Actor, id: i64) -> Result<CustomerRecord, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let customer = self.current(&txn, id, None).await?;
        let claims = self.new_activation(&txn, &customer).await?;
        customers::set_state(&txn, self.shop.id, id, CustomerState::Invited, now()).await?;
        self.enqueue_mail(
            &txn,
            KIND_ACTIVATION,
            Some(id),
            &customer.email,
            Some(&claims),
        )
        .await?;
        let after = self.current(&txn, id, None).await?;
        self.audit(
            &txn,
            actor,
            id,
            "customer_send_account_invite_email",
            (Some(customer.version), Some(after.version)),
        )
        .await?;
        self.customer_changed(&txn, CustomerChange::Updated, id, Some(&customer))
            .await?;
        txn.commit().await?;
        self.inner.outbox_signal.notify_one();
        Ok(after)
    }

    /// Disables a customer (no login; every session ends) or enables one again. Enabling needs
    /// a password: a customer without one is invited instead.
    pub async fn set_enabled(
        &self,
        actor: Actor,
        id: i64,
        enabled: bool,
        expected_version: Option<i64>,
    ) -> Result<CustomerRecord, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let before = self.current(&txn, id, expected_version).await?;
        if enabled && before.password_hash.is_none() {
            return Err(AccountError::Invalid(vec![Problem::new(
                "customerId",
                ErrorCode::Invalid,
                "Customer has no password: send an account invite instead",
            )]));
        }
        let state = if enabled {
            CustomerState::Enabled
        } else {
            CustomerState::Disabled
        };
        customers::set_state(&txn, self.shop.id, id, state, now()).await?;
        if !enabled {
            access_tokens::delete_all_for_customer(&txn, self.shop.id, id).await?;
        }
        let after = self.current(&txn, id, None).await?;
        let action = if enabled {
            "customer_enable"
        } else {
            "customer_disable"
        };
        self.audit(
            &txn,
            actor,
            id,
            action,
            (Some(before.version), Some(after.version)),
        )
        .await?;
        self.customer_changed(&txn, CustomerChange::Updated, id, Some(&before))
            .await?;
        txn.commit().await?;
        Ok(after)
    }
}

/// What `customerRequestDataErasure` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureRequested {
    /// The shop holds no erasure: the customer is gone.
    Erased,
    /// The customer will be erased then (unix seconds), unless the request is cancelled.
    Due(i64),
}

impl BackOffice<'_> {
    /// `customerRequestDataErasure`: the customer's personal data is erased after the shop's
    /// hold (at once without one): the record, addresses, sessions, tags and mail go, and their
    /// orders stay with personal data redacted (the erasure `customerDelete` does).
    pub async fn request_erasure(
        &self,
        actor: Actor,
        id: i64,
    ) -> Result<ErasureRequested, AccountError> {
        let hold = self.inner.erasure_hold_seconds;
        let txn = self.inner.db.begin_write().await?;
        let before = self.current(&txn, id, None).await?;
        let outcome = if hold <= 0 {
            self.customer_admin().erase(&txn, &before, true).await?;
            self.audit(
                &txn,
                actor,
                id,
                "customer_data_erasure",
                (Some(before.version), None),
            )
            .await?;
            ErasureRequested::Erased
        } else {
            let due = before.erasure_due_at.unwrap_or(now() + hold);
            customers::set_erasure_due(&txn, self.shop.id, id, Some(due), now()).await?;
            self.audit(
                &txn,
                actor,
                id,
                "customer_request_data_erasure",
                (Some(before.version), Some(before.version + 1)),
            )
            .await?;
            self.customer_changed(&txn, CustomerChange::Updated, id, Some(&before))
                .await?;
            ErasureRequested::Due(due)
        };
        txn.commit().await?;
        tracing::info!(
            customer_id = id,
            ?outcome,
            "customer data erasure requested"
        );
        Ok(outcome)
    }

    /// `customerCancelDataErasure`: the customer stays; `NOT_BEING_ERASED` when no erasure is
    /// pending.
    pub async fn cancel_erasure(&self, actor: Actor, id: i64) -> Result<(), AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let before = self.current(&txn, id, None).await?;
        if !customers::set_erasure_due(&txn, self.shop.id, id, None, now()).await? {
            return Err(AccountError::Invalid(vec![Problem::new(
                "customerId",
                ErrorCode::Invalid,
                "Customer's data is not scheduled for erasure",
            )]));
        }
        self.audit(
            &txn,
            actor,
            id,
            "customer_cancel_data_erasure",
            (Some(before.version), Some(before.version + 1)),
        )
        .await?;
        self.customer_changed(&txn, CustomerChange::Updated, id, Some(&before))
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
