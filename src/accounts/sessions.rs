//! Customer access tokens: logging in, reading the customer behind a token, renewing, logging out.

use super::{AccountError, Sessions, ShopAccounts, now};
use crate::domain::access_token;
use crate::domain::ids::new_id;
use crate::domain::password::Password;
use crate::domain::password_hash::Verification;
use crate::store::access_tokens;
use crate::store::customers::{self, CustomerRecord, CustomerState};

/// A token handed to the customer. The raw value exists only here and in the response.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct DeletedToken {
    pub token: String,
    pub token_id: i64,
}

impl Sessions<'_> {
    /// Email and password to a new access token. An unknown email, a wrong password and a customer
    /// who may not log in all get the same answer after the same work (a dummy hash is verified
    /// when there is no customer), so neither the body nor the timing reveals which it was.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client_ip: Option<std::net::IpAddr>,
    ) -> Result<IssuedToken, AccountError> {
        let inner = &self.inner;
        let email_key = crate::domain::email::normalize(email);
        let account_key = format!("login:account:{email_key}");
        let ip_key = format!(
            "login:ip:{}",
            client_ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
        );
        // Throttled attempts are answered before any password is hashed.
        self.check_login_throttle(&account_key, &ip_key).await?;
        let result = self.sign_in_checked(&email_key, password).await;
        match &result {
            Err(AccountError::UnidentifiedCustomer) => {
                self.record_login_failure(&account_key, &ip_key).await?
            }
            Ok(_) => {
                let txn = inner.db.begin_write().await?;
                crate::store::guards::clear_counter(&txn, self.shop.id, &account_key).await?;
                txn.commit().await?;
            }
            Err(_) => {}
        }
        result
    }

    /// The login itself, once no throttle stands in the way.
    async fn sign_in_checked(
        &self,
        email_key: &str,
        password: &str,
    ) -> Result<IssuedToken, AccountError> {
        let inner = &self.inner;
        let email_key = email_key.to_owned();
        let customer =
            customers::find_by_email_key(inner.db.reader(), self.shop.id, &email_key).await?;
        let stored_hash = customer.as_ref().and_then(|c| c.password_hash.clone());
        let verification = inner
            .hasher
            .verify(Password::candidate(password), stored_hash.clone())
            .await?;
        let (Some(customer), Some(stored_hash), Verification::Match { needs_rehash }) =
            (customer, stored_hash, verification)
        else {
            return Err(AccountError::UnidentifiedCustomer);
        };
        if customer.state != CustomerState::Enabled {
            return Err(AccountError::UnidentifiedCustomer);
        }
        let upgraded_hash = if needs_rehash {
            Some(inner.hasher.hash(Password::candidate(password)).await?)
        } else {
            None
        };

        let txn = inner.db.begin_write().await?;
        if let Some(new_hash) = &upgraded_hash {
            customers::upgrade_password_hash(
                &txn,
                self.shop.id,
                customer.id,
                &stored_hash,
                new_hash,
            )
            .await?;
        }
        let issued = self.issue_token(&txn, customer.id).await?;
        txn.commit().await?;
        if upgraded_hash.is_some() {
            let legacy = crate::domain::legacy_hash::stored_scheme(&stored_hash);
            if let Some(scheme) = legacy {
                crate::metrics::legacy_password_hash_replaced(scheme);
            }
            tracing::info!(
                customer_id = customer.id,
                imported_scheme = legacy,
                "password hash upgraded to current parameters"
            );
        }
        tracing::info!(customer_id = customer.id, "customer signed in");
        Ok(issued)
    }

    /// The customer a live token belongs to; `None` for anything else.
    pub async fn customer_by_token(
        &self,
        token: &str,
    ) -> Result<Option<CustomerRecord>, AccountError> {
        let Some(digest) = access_token::digest(token) else {
            return Ok(None);
        };
        Ok(
            access_tokens::find_live(self.inner.db.reader(), self.shop.id, &digest, now())
                .await?
                .map(|(_, customer)| customer),
        )
    }

    /// The customers behind several tokens in one query (for the GraphQL data loader), with
    /// when each token expires; tokens that do not work are missing from the answer.
    pub async fn customers_by_tokens(
        &self,
        tokens: &[String],
    ) -> Result<std::collections::HashMap<String, (CustomerRecord, i64)>, AccountError> {
        let by_digest: std::collections::HashMap<String, &String> = tokens
            .iter()
            .filter_map(|token| access_token::digest(token).map(|digest| (digest, token)))
            .collect();
        let digests: Vec<String> = by_digest.keys().cloned().collect();
        let found =
            access_tokens::find_live_many(&self.inner.db, self.shop.id, &digests, now()).await?;
        Ok(found
            .into_iter()
            .filter_map(|(digest, expires_at, customer)| {
                by_digest
                    .get(&digest)
                    .map(|token| ((*token).clone(), (customer, expires_at)))
            })
            .collect())
    }

    /// Extends a live token by a full lifetime from now; the token itself does not change.
    /// Renewal never goes past the absolute lifetime counted from the login that made the
    /// token: after that the customer must log in again, so a stolen token cannot be kept
    /// alive for ever.
    #[tracing::instrument(skip_all)]
    pub async fn renew_token(&self, token: &str) -> Result<IssuedToken, AccountError> {
        let digest = access_token::digest(token).ok_or(AccountError::TokenNotFound)?;
        let now = now();
        let txn = self.inner.db.begin_write().await?;
        let (record, _) = access_tokens::find_live(&txn, self.shop.id, &digest, now)
            .await?
            .ok_or(AccountError::TokenNotFound)?;
        let ends_at = record
            .created_at
            .saturating_add(self.inner.token_max_lifetime_seconds);
        if now >= ends_at {
            tracing::info!(
                customer_id = record.customer_id,
                "renewal refused: the session reached its absolute lifetime"
            );
            return Err(AccountError::TokenNotFound);
        }
        let expires_at = (now + self.inner.token_ttl_seconds).min(ends_at);
        if !access_tokens::extend(&txn, self.shop.id, record.id, now, expires_at).await? {
            return Err(AccountError::TokenNotFound);
        }
        txn.commit().await?;
        Ok(IssuedToken {
            token: token.to_owned(),
            expires_at,
        })
    }

    /// Revokes a live token (logging out).
    #[tracing::instrument(skip_all)]
    pub async fn delete_token(&self, token: &str) -> Result<DeletedToken, AccountError> {
        let digest = access_token::digest(token).ok_or(AccountError::TokenNotFound)?;
        let txn = self.inner.db.begin_write().await?;
        let (record, _) = access_tokens::find_live(&txn, self.shop.id, &digest, now())
            .await?
            .ok_or(AccountError::TokenNotFound)?;
        if !access_tokens::delete(&txn, self.shop.id, record.id).await? {
            return Err(AccountError::TokenNotFound);
        }
        txn.commit().await?;
        Ok(DeletedToken {
            token: token.to_owned(),
            token_id: record.id,
        })
    }
}

impl ShopAccounts {
    /// A new customer access token for `customer_id`, in the caller's transaction (a login, an
    /// activation, a reset, a password change, a Multipass sign-in).
    pub(super) async fn issue_token(
        &self,
        txn: &impl crate::store::ConnectionTrait,
        customer_id: i64,
    ) -> Result<IssuedToken, AccountError> {
        let token = access_token::generate();
        let digest = access_token::digest(&token)
            .ok_or_else(|| AccountError::Internal("generated token is malformed".into()))?;
        let now = now();
        let expires_at = now
            + self
                .inner
                .token_ttl_seconds
                .min(self.inner.token_max_lifetime_seconds);
        access_tokens::insert(
            txn,
            self.shop.id,
            new_id(),
            customer_id,
            &digest,
            now,
            expires_at,
        )
        .await?;
        Ok(IssuedToken { token, expires_at })
    }
}
