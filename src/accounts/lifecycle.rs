//! Account lifecycle over email: inviting a customer, recovering a password, activating and
//! resetting with the emailed token. Mail is never sent from here: each use case commits a
//! message to the outbox in the same transaction as its change, and the sender delivers it.

use std::net::IpAddr;

use super::{AccountError, AccountLifecycle, CustomerChange, IssuedToken, ShopAccounts, now};
use crate::domain::account_tokens::{
    Purpose, TokenClaims, new_security_stamp, parse_account_url, verify,
};
use crate::domain::email::Email;
use crate::domain::ids::{new_id, parse_gid};
use crate::domain::names::{NameKind, parse_name};
use crate::domain::password::Password;
use crate::domain::problem::{ErrorCode, Problem, Problems};
use crate::store::customers::{self, CustomerRecord, CustomerState, NewCustomer};
use crate::store::{access_tokens, outbox};

/// What a token failure looks like to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFailure {
    /// Bad, used, expired, superseded, or for another customer.
    Invalid,
    /// The customer is enabled already (activation only).
    AlreadyEnabled,
}

pub const KIND_ACTIVATION: &str = "activation";
pub const KIND_RESET: &str = "reset";
pub const KIND_RECOVER: &str = "recover";
/// A sign-up with the email of an existing account, in the strict sign-up mode: the owner is
/// told, with a reset link made when the message is sent (as for a recovery).
pub const KIND_ACCOUNT_EXISTS: &str = "account_exists";
/// A notice that the password changed: no token, nothing in it logs in.
pub const KIND_PASSWORD_CHANGED: &str = "password_changed";

impl AccountLifecycle<'_> {
    /// Invites a customer (the operator's CLI): the customer exists, disabled, until they follow
    /// the emailed activation link. Inviting again issues a new link (the old one stops working).
    #[tracing::instrument(skip_all)]
    pub async fn invite(
        &self,
        email: &str,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> Result<CustomerRecord, AccountError> {
        let inner = &self.inner;
        let mut problems = Problems::default();
        let email = problems.check(Email::parse(email));
        let first_name = problems.check(parse_name(first_name.unwrap_or(""), NameKind::First));
        let last_name = problems.check(parse_name(last_name.unwrap_or(""), NameKind::Last));
        let (Some(email), Some(first_name), Some(last_name)) = (email, first_name, last_name)
        else {
            return Err(AccountError::Invalid(problems.into_vec()));
        };
        let txn = inner.db.begin_write().await?;
        let now = now();
        let mut created = false;
        let customer = match customers::find_by_email_key(&txn, self.shop.id, &email.key()).await? {
            Some(existing) if existing.state == CustomerState::Enabled => {
                return Err(AccountError::Invalid(vec![Problem::general(
                    ErrorCode::AlreadyEnabled,
                    "Customer already enabled",
                )]));
            }
            Some(existing) => existing,
            None => {
                created = true;
                customers::insert(
                    &txn,
                    NewCustomer {
                        id: new_id(),
                        shop_id: self.shop.id,
                        email: email.as_str().to_owned(),
                        email_key: email.key(),
                        phone: None,
                        first_name,
                        last_name,
                        accepts_marketing: false,
                        state: CustomerState::Invited,
                        password_hash: None,
                        note: None,
                        now,
                    },
                )
                .await?
            }
        };
        let stamp = if customer.security_stamp.is_empty() {
            new_security_stamp()
        } else {
            customer.security_stamp.clone()
        };
        let claims = TokenClaims::new(
            Purpose::Activate,
            customer.id,
            &stamp,
            now,
            inner.lifecycle.activation_ttl_seconds,
        );
        customers::set_outstanding_nonce(
            &txn,
            self.shop.id,
            customer.id,
            Purpose::Activate,
            &claims.nonce_hash(),
            &stamp,
        )
        .await?;
        self.enqueue_mail(
            &txn,
            KIND_ACTIVATION,
            Some(customer.id),
            &customer.email,
            Some(&claims),
        )
        .await?;
        if created {
            self.customer_changed(&txn, CustomerChange::Created, customer.id, None)
                .await?;
        }
        txn.commit().await?;
        inner.outbox_signal.notify_one();
        tracing::info!(customer_id = customer.id, "customer invited");
        Ok(customer)
    }

    /// Asks for a reset link. Known, unknown and disabled emails get the same answer after the
    /// same work: one outbox row; the sender finds out later whether there is anyone to write to.
    #[tracing::instrument(skip_all)]
    pub async fn recover(
        &self,
        email: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<(), AccountError> {
        let inner = &self.inner;
        let ip = client_ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let key = crate::domain::email::normalize(email);
        let limits = &inner.lifecycle;
        self.throttle(
            &[
                (format!("recover:ip:{ip}"), limits.recover_per_ip),
                (format!("recover:email:{key}"), limits.recover_per_email),
            ],
            limits.recover_window_seconds,
        )
        .await?;
        let txn = inner.db.begin_write().await?;
        if inner.lifecycle.reveal_unknown_email_on_recover {
            let found = customers::find_by_email_key(&txn, self.shop.id, &key).await?;
            if found.is_none_or(|c| c.state != CustomerState::Enabled) {
                txn.commit().await?;
                return Err(AccountError::Invalid(vec![Problem::new(
                    "email",
                    ErrorCode::UnidentifiedCustomer,
                    "Could not find customer",
                )]));
            }
        }
        if Email::parse(&key).is_ok() {
            self.enqueue_mail(&txn, KIND_RECOVER, None, &key, None)
                .await?;
        }
        txn.commit().await?;
        inner.outbox_signal.notify_one();
        Ok(())
    }

    /// customerActivate / customerReset: the customer of `id`, the token, the new password.
    #[tracing::instrument(skip_all)]
    pub async fn redeem(
        &self,
        purpose: Purpose,
        customer_gid: &str,
        token: &str,
        password: &str,
    ) -> Result<(CustomerRecord, IssuedToken), AccountError> {
        let customer_id = parse_gid(customer_gid, "Customer")
            .ok_or(AccountError::Token(TokenFailure::Invalid))?;
        self.redeem_for(purpose, customer_id, token, password).await
    }

    /// customerActivateByUrl / customerResetByUrl.
    pub async fn redeem_url(
        &self,
        purpose: Purpose,
        url: &str,
        password: &str,
    ) -> Result<(CustomerRecord, IssuedToken), AccountError> {
        let (customer_id, token) =
            parse_account_url(url, purpose).ok_or(AccountError::Token(TokenFailure::Invalid))?;
        self.redeem_for(purpose, customer_id, &token, password)
            .await
    }

    async fn redeem_for(
        &self,
        purpose: Purpose,
        customer_id: i64,
        token: &str,
        password: &str,
    ) -> Result<(CustomerRecord, IssuedToken), AccountError> {
        let inner = &self.inner;
        let invalid = || AccountError::Token(TokenFailure::Invalid);
        let customer = customers::find_by_id(inner.db.reader(), self.shop.id, customer_id)
            .await?
            .ok_or_else(invalid)?;
        if purpose == Purpose::Activate && customer.state == CustomerState::Enabled {
            return Err(AccountError::Token(TokenFailure::AlreadyEnabled));
        }
        let claims =
            verify(&inner.lifecycle.signing_key, token, purpose, now()).map_err(|_| invalid())?;
        let outstanding = match purpose {
            Purpose::Activate => customer.activation_nonce_hash.as_deref(),
            Purpose::Reset => customer.reset_nonce_hash.as_deref(),
        };
        if claims.customer_id() != Some(customer.id)
            || outstanding != Some(claims.nonce_hash().as_str())
            || claims.stm != customer.security_stamp
        {
            return Err(invalid());
        }
        let password = Password::parse_in_context(
            password,
            &self.shop.password_policy,
            self.password_context(&customer.email),
        )
        .map_err(|problem| AccountError::Invalid(vec![problem]))?;
        let password_hash = inner.hasher.hash(password).await?;

        let txn = inner.db.begin_write().await?;
        let now = now();
        // The nonce and stamp are checked again in the UPDATE: of concurrent uses, one wins.
        if !customers::redeem_nonce(
            &txn,
            self.shop.id,
            customer.id,
            customers::Redemption {
                purpose,
                nonce_hash: &claims.nonce_hash(),
                stamp: &claims.stm,
                password_hash: &password_hash,
            },
            now,
        )
        .await?
        {
            return Err(invalid());
        }
        // The token came by mail to this address: the customer owns it.
        let proof = match purpose {
            Purpose::Activate => crate::domain::customer::EmailProof::Activation,
            Purpose::Reset => crate::domain::customer::EmailProof::Reset,
        };
        self.email_proven(
            &txn,
            customer.id,
            &crate::domain::email::normalize(&customer.email),
            proof,
        )
        .await?;
        // A new password ends every earlier session.
        access_tokens::delete_all_for_customer(&txn, self.shop.id, customer.id).await?;
        let issued = self.issue_token(&txn, customer.id).await?;
        let updated = customers::find_by_id(&txn, self.shop.id, customer.id)
            .await?
            .ok_or_else(invalid)?;
        self.enqueue_password_notice(&txn, &updated).await?;
        let change = match purpose {
            Purpose::Activate => CustomerChange::Activated,
            Purpose::Reset => CustomerChange::PasswordReset,
        };
        self.customer_changed(&txn, change, customer.id, Some(&customer))
            .await?;
        txn.commit().await?;
        inner.outbox_signal.notify_one();
        tracing::info!(
            customer_id = customer.id,
            ?purpose,
            "account token redeemed"
        );
        Ok((updated, issued))
    }
}

impl ShopAccounts {
    /// Tells the customer their password changed (unless the operator turned it off), in the
    /// transaction that changes it.
    pub(super) async fn enqueue_password_notice(
        &self,
        txn: &impl crate::store::ConnectionTrait,
        customer: &CustomerRecord,
    ) -> Result<(), AccountError> {
        if !self.inner.lifecycle.notify_password_changed {
            return Ok(());
        }
        self.enqueue_mail(
            txn,
            KIND_PASSWORD_CHANGED,
            Some(customer.id),
            &customer.email,
            None,
        )
        .await
    }

    pub(super) async fn enqueue_mail(
        &self,
        txn: &impl crate::store::ConnectionTrait,
        kind: &str,
        customer_id: Option<i64>,
        recipient: &str,
        claims: Option<&TokenClaims>,
    ) -> Result<(), AccountError> {
        self.enqueue_mail_at(txn, kind, customer_id, recipient, claims, None)
            .await
    }

    /// [`Self::enqueue_mail`], not sent before `not_before` (when given).
    pub(super) async fn enqueue_mail_at(
        &self,
        txn: &impl crate::store::ConnectionTrait,
        kind: &str,
        customer_id: Option<i64>,
        recipient: &str,
        claims: Option<&TokenClaims>,
        not_before: Option<i64>,
    ) -> Result<(), AccountError> {
        let payload = claims
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| AccountError::Internal(Box::new(e)))?;
        outbox::enqueue(
            txn,
            outbox::NewMessage {
                id: new_id(),
                shop_id: self.shop.id,
                kind,
                customer_id,
                recipient,
                payload,
                now: now(),
                not_before,
            },
        )
        .await?;
        Ok(())
    }
}
