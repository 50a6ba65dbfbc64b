//! What the mail sender asks of the accounts: the due messages, and for each, claimed, what to
//! send (a recovery request becomes a reset message here, when there is a customer to write to).

use std::sync::Arc;

use tokio::sync::Notify;

use super::lifecycle::{
    KIND_ACCOUNT_EXISTS, KIND_ACTIVATION, KIND_PASSWORD_CHANGED, KIND_RECOVER, KIND_RESET,
};
use super::{AccountError, Accounts, ShopAccounts, now};
use crate::domain::account_tokens::{
    Purpose, TokenClaims, account_login_url, account_url, new_security_stamp, sign,
};
use crate::store::customers::{self, CustomerRecord, CustomerState};
use crate::store::outbox::{self, OutboxMessage};

/// Which email a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailPurpose {
    Activation,
    Reset,
    /// Someone signed up with the email of an existing account (strict sign-up mode).
    AccountExists,
    /// The password was changed (reset, activation, or the customer's own update).
    PasswordChanged,
}

/// A message ready to render and send.
#[derive(Debug, Clone)]
pub struct MailContent {
    pub to: String,
    /// The shop it is from: its name goes in the text, its sender (when it has one) in `From`.
    pub shop_name: String,
    pub mail_from: Option<String>,
    pub purpose: MailPurpose,
    /// The link with its token: lives in memory and in the email only. For the password notice,
    /// the shop's login page.
    pub url: String,
    pub first_name: Option<String>,
}

pub enum Delivery {
    /// Nothing to send (no such customer); the message is done.
    Nothing,
    Send(MailContent),
}

/// How long a sender may hold a message before another may take it over.
const CLAIM_SECONDS: i64 = 120;

impl Accounts {
    /// Woken whenever a message is committed to the outbox.
    pub fn outbox_signal(&self) -> Arc<Notify> {
        Arc::clone(&self.inner.outbox_signal)
    }

    pub async fn due_mail(&self, limit: u64) -> Result<Vec<OutboxMessage>, AccountError> {
        Ok(outbox::due(self.inner.db.reader(), now(), limit).await?)
    }

    pub async fn pending_mail(&self) -> Result<u64, AccountError> {
        Ok(outbox::pending_count(self.inner.db.reader()).await?)
    }

    /// Claims a message and works out what to send, in the message's shop; `None` when another
    /// sender has it.
    pub async fn claim_mail(
        &self,
        message: &OutboxMessage,
    ) -> Result<Option<Delivery>, AccountError> {
        let Some(shop) = self.shop_by_id(message.shop_id).await? else {
            return Err(AccountError::Internal(
                format!(
                    "outbox message {} belongs to no shop ({})",
                    message.id, message.shop_id
                )
                .into(),
            ));
        };
        self.in_shop(shop).claim_mail(message).await
    }

    pub async fn mail_sent(&self, message: &OutboxMessage) -> Result<(), AccountError> {
        let txn = self.inner.db.begin_write().await?;
        outbox::mark_sent(&txn, message.shop_id, message.id, now()).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn mail_failed(
        &self,
        message: &OutboxMessage,
        retry_in_seconds: i64,
        give_up: bool,
        error: &str,
    ) -> Result<(), AccountError> {
        let now = now();
        let txn = self.inner.db.begin_write().await?;
        outbox::mark_attempt_failed(
            &txn,
            message.shop_id,
            message.id,
            now,
            now + retry_in_seconds,
            give_up,
            error,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

impl ShopAccounts {
    async fn claim_mail(&self, message: &OutboxMessage) -> Result<Option<Delivery>, AccountError> {
        let inner = &self.inner;
        let now = now();
        let txn = inner.db.begin_write().await?;
        if !outbox::claim(&txn, self.shop.id, message.id, now, now + CLAIM_SECONDS).await? {
            return Ok(None);
        }
        if message.kind == KIND_PASSWORD_CHANGED {
            // A notice: no token, nothing in it that logs in.
            txn.commit().await?;
            let customer = match message.customer_id {
                Some(id) => customers::find_by_id(inner.db.reader(), self.shop.id, id).await?,
                None => None,
            };
            return Ok(Some(Delivery::Send(MailContent {
                to: customer
                    .as_ref()
                    .map_or_else(|| message.recipient.clone(), |c| c.email.clone()),
                shop_name: self.shop.name.clone(),
                mail_from: self.shop.mail_from.clone(),
                purpose: MailPurpose::PasswordChanged,
                url: account_login_url(&self.shop.domain),
                first_name: customer.and_then(|c| c.first_name),
            })));
        }
        let (kind, customer_id, claims) = match message.payload.as_deref() {
            Some(payload) => {
                let claims = serde_json::from_str::<TokenClaims>(payload)
                    .map_err(|e| AccountError::Internal(Box::new(e)))?;
                (message.kind.clone(), message.customer_id, claims)
            }
            // No token yet (a recovery request), or no more (a message given up keeps no token,
            // and the operator retried it): one is made now, once, and a retry of this attempt
            // sends the same link.
            None => {
                let Some((kind, customer, claims)) =
                    self.fresh_token_for(&txn, message, now).await?
                else {
                    outbox::mark_dropped(&txn, self.shop.id, message.id, now).await?;
                    txn.commit().await?;
                    return Ok(Some(Delivery::Nothing));
                };
                let payload = serde_json::to_string(&claims)
                    .map_err(|e| AccountError::Internal(Box::new(e)))?;
                outbox::set_content(&txn, self.shop.id, message.id, kind, customer.id, &payload)
                    .await?;
                (kind.to_owned(), Some(customer.id), claims)
            }
        };
        txn.commit().await?;

        let Some(customer_id) = customer_id else {
            return Err(AccountError::Internal(
                format!("outbox message {} has no customer", message.id).into(),
            ));
        };
        let (purpose, mail_purpose) = match kind.as_str() {
            KIND_ACTIVATION => (Purpose::Activate, MailPurpose::Activation),
            KIND_RESET => (Purpose::Reset, MailPurpose::Reset),
            KIND_ACCOUNT_EXISTS => (Purpose::Reset, MailPurpose::AccountExists),
            other => {
                return Err(AccountError::Internal(
                    format!("unknown mail kind {other}").into(),
                ));
            }
        };
        let customer = customers::find_by_id(inner.db.reader(), self.shop.id, customer_id).await?;
        let token = sign(&inner.lifecycle.signing_key, &claims)
            .map_err(|e| AccountError::Internal(Box::new(e)))?;
        Ok(Some(Delivery::Send(MailContent {
            to: customer
                .as_ref()
                .map_or_else(|| message.recipient.clone(), |c| c.email.clone()),
            shop_name: self.shop.name.clone(),
            mail_from: self.shop.mail_from.clone(),
            purpose: mail_purpose,
            url: account_url(&self.shop.domain, purpose, customer_id, &token),
            first_name: customer.and_then(|c| c.first_name),
        })))
    }

    /// A new one-time token for a message that has none: a reset for a recovery request (or a
    /// reset, or account-exists message whose token was dropped), an activation for an invited
    /// customer. `None` when there is nobody to write to any more; the kind to send it as.
    async fn fresh_token_for(
        &self,
        txn: &impl crate::store::ConnectionTrait,
        message: &OutboxMessage,
        now: i64,
    ) -> Result<Option<(&'static str, CustomerRecord, TokenClaims)>, AccountError> {
        let inner = &self.inner;
        let (kind, purpose, customer, ttl) = match message.kind.as_str() {
            KIND_RECOVER | KIND_RESET | KIND_ACCOUNT_EXISTS => {
                let customer =
                    customers::find_by_email_key(txn, self.shop.id, &message.recipient).await?;
                let kind = if message.kind == KIND_ACCOUNT_EXISTS {
                    KIND_ACCOUNT_EXISTS
                } else {
                    KIND_RESET
                };
                (
                    kind,
                    Purpose::Reset,
                    customer.filter(|c| c.state == CustomerState::Enabled),
                    inner.lifecycle.reset_ttl_seconds,
                )
            }
            KIND_ACTIVATION => {
                let customer = match message.customer_id {
                    Some(id) => customers::find_by_id(txn, self.shop.id, id).await?,
                    None => None,
                };
                (
                    KIND_ACTIVATION,
                    Purpose::Activate,
                    customer.filter(|c| c.state != CustomerState::Enabled),
                    inner.lifecycle.activation_ttl_seconds,
                )
            }
            other => {
                return Err(AccountError::Internal(
                    format!("unknown mail kind {other}").into(),
                ));
            }
        };
        let Some(customer) = customer else {
            return Ok(None);
        };
        let stamp = if customer.security_stamp.is_empty() {
            new_security_stamp()
        } else {
            customer.security_stamp.clone()
        };
        let claims = TokenClaims::new(purpose, customer.id, &stamp, now, ttl);
        customers::set_outstanding_nonce(
            txn,
            self.shop.id,
            customer.id,
            purpose,
            &claims.nonce_hash(),
            &stamp,
        )
        .await?;
        Ok(Some((kind, customer, claims)))
    }
}
