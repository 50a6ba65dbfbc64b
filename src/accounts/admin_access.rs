//! Admin API access tokens: who may use the back office, in which shop, with which scopes.

use std::sync::Arc;

use super::{AccountError, Accounts, AdminTokens, now};
use crate::domain::admin_token::{self, AdminTokenRecord, Scope, Scopes};
use crate::domain::ids::new_id;
use crate::domain::shop::Shop;
use crate::store::admin_tokens::{self, NewAdminToken};

/// A request made with a valid admin token: the token (the audit trail names it), its scopes,
/// and the shop everything the request does happens in.
#[derive(Debug, Clone)]
pub struct AdminAccess {
    pub token_id: i64,
    pub scopes: Scopes,
    pub shop: Arc<Shop>,
}

impl AdminAccess {
    pub fn grants(&self, scope: Scope) -> bool {
        self.scopes.grants(scope)
    }
}

impl Accounts {
    /// The access an `X-Shopify-Access-Token` header grants: an active admin token, or nothing.
    /// A storefront token is never an admin token (no digest matches it).
    pub async fn admin_access(&self, token: &str) -> Result<Option<AdminAccess>, AccountError> {
        let Some(digest) = admin_token::digest(token.trim()) else {
            return Ok(None);
        };
        let found = admin_tokens::find_active(self.inner.db.reader(), &digest).await?;
        Ok(found.map(|(record, shop)| AdminAccess {
            token_id: record.id,
            scopes: record.scopes,
            shop,
        }))
    }
}

impl AdminTokens<'_> {
    /// Creates an admin token and returns it: the only time its value is seen.
    pub async fn create_admin_token(
        &self,
        title: &str,
        scopes: &Scopes,
    ) -> Result<String, AccountError> {
        let token = admin_token::generate();
        let digest = admin_token::digest(&token)
            .ok_or_else(|| AccountError::Internal("generated admin token is malformed".into()))?;
        let txn = self.inner.db.begin_write().await?;
        admin_tokens::insert(
            &txn,
            NewAdminToken {
                id: new_id(),
                shop_id: self.shop.id,
                title,
                digest: &digest,
                scopes,
                now: now(),
            },
        )
        .await?;
        txn.commit().await?;
        tracing::info!(shop = %self.shop.handle, scopes = %scopes, "admin token created");
        Ok(token)
    }

    pub async fn list_admin_tokens(&self) -> Result<Vec<AdminTokenRecord>, AccountError> {
        Ok(admin_tokens::list(self.inner.db.reader(), self.shop.id).await?)
    }

    pub async fn revoke_admin_token(&self, id: i64) -> Result<bool, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let revoked = admin_tokens::revoke(&txn, self.shop.id, id, now()).await?;
        txn.commit().await?;
        Ok(revoked)
    }
}
