//! What the mail sender asks of the accounts: the due messages, and for each, claimed, what to
//! send (a recovery request becomes a reset message here, when there is a customer to write to).

use std::sync::Arc;

use tokio::sync::Notify;

use super::lifecycle::{KIND_ACCOUNT_EXISTS, KIND_ACTIVATION, KIND_RECOVER, KIND_RESET};
use super::{AccountError, Accounts, now};
use crate::domain::account_tokens::{Purpose, TokenClaims, account_url, new_security_stamp, sign};
use crate::store::customers::{self, CustomerState};
use crate::store::outbox::{self, OutboxMessage};

/// Which email a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailPurpose {
    Activation,
    Reset,
    /// Someone signed up with the email of an existing account (strict sign-up mode).
    AccountExists,
}

/// A message ready to render and send.
#[derive(Debug, Clone)]
pub struct MailContent {
    pub to: String,
    pub purpose: MailPurpose,
    /// The link with its token: lives in memory and in the email only.
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

    /// Claims a message and works out what to send; `None` when another sender has it.
    pub async fn claim_mail(
        &self,
        message: &OutboxMessage,
    ) -> Result<Option<Delivery>, AccountError> {
        let inner = &self.inner;
        let now = now();
        let txn = inner.db.begin_write().await?;
        if !outbox::claim(&txn, message.id, now, now + CLAIM_SECONDS).await? {
            return Ok(None);
        }
        let needs_reset_token = message.payload.is_none()
            && (message.kind == KIND_RECOVER || message.kind == KIND_ACCOUNT_EXISTS);
        let (kind, customer_id, claims) = if needs_reset_token {
            // The reset token is made now, once: a retry sends the same link.
            let customer =
                customers::find_by_email_key(&txn, inner.shop_id, &message.recipient).await?;
            let Some(customer) = customer.filter(|c| c.state == CustomerState::Enabled) else {
                outbox::mark_dropped(&txn, message.id, now).await?;
                txn.commit().await?;
                return Ok(Some(Delivery::Nothing));
            };
            let stamp = if customer.security_stamp.is_empty() {
                new_security_stamp()
            } else {
                customer.security_stamp.clone()
            };
            let claims = TokenClaims::new(
                Purpose::Reset,
                customer.id,
                &stamp,
                now,
                inner.lifecycle.reset_ttl_seconds,
            );
            customers::set_outstanding_nonce(
                &txn,
                customer.id,
                Purpose::Reset,
                &claims.nonce_hash(),
                &stamp,
            )
            .await?;
            let payload =
                serde_json::to_string(&claims).map_err(|e| AccountError::Internal(Box::new(e)))?;
            let kind = if message.kind == KIND_RECOVER {
                KIND_RESET
            } else {
                KIND_ACCOUNT_EXISTS
            };
            outbox::set_content(&txn, message.id, kind, customer.id, &payload).await?;
            (kind.to_owned(), Some(customer.id), Some(claims))
        } else {
            let claims = message
                .payload
                .as_deref()
                .map(serde_json::from_str::<TokenClaims>)
                .transpose()
                .map_err(|e| AccountError::Internal(Box::new(e)))?;
            (message.kind.clone(), message.customer_id, claims)
        };
        txn.commit().await?;

        let (Some(customer_id), Some(claims)) = (customer_id, claims) else {
            return Err(AccountError::Internal(
                format!("outbox message {} has no content", message.id).into(),
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
        let customer = customers::find_by_id(inner.db.reader(), inner.shop_id, customer_id).await?;
        let token = sign(&inner.lifecycle.signing_key, &claims)
            .map_err(|e| AccountError::Internal(Box::new(e)))?;
        Ok(Some(Delivery::Send(MailContent {
            to: customer
                .as_ref()
                .map_or_else(|| message.recipient.clone(), |c| c.email.clone()),
            purpose: mail_purpose,
            url: account_url(&inner.lifecycle.shop_domain, purpose, customer_id, &token),
            first_name: customer.and_then(|c| c.first_name),
        })))
    }

    pub async fn mail_sent(&self, id: i64) -> Result<(), AccountError> {
        let txn = self.inner.db.begin_write().await?;
        outbox::mark_sent(&txn, id, now()).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn mail_failed(
        &self,
        id: i64,
        retry_in_seconds: i64,
        give_up: bool,
        error: &str,
    ) -> Result<(), AccountError> {
        let now = now();
        let txn = self.inner.db.begin_write().await?;
        outbox::mark_attempt_failed(&txn, id, now, now + retry_in_seconds, give_up, error).await?;
        txn.commit().await?;
        Ok(())
    }
}
