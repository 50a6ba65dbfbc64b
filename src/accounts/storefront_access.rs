//! Storefront API access tokens: who may call the customer API at all (the shop's front-ends),
//! and in which shop.

use std::sync::Arc;

use super::{AccountError, Accounts, StorefrontTokens, now};
use crate::domain::access_token;
use crate::domain::ids::new_id;
use crate::domain::shop::Shop;
use crate::store::storefront_tokens::{self, NewStorefrontToken, StorefrontTokenRecord, TokenKind};

/// A request made with a valid storefront token: the token, and the shop it belongs to, which
/// is the shop of everything the request does.
#[derive(Debug, Clone)]
pub struct StorefrontAccess {
    pub token_id: i64,
    pub kind: TokenKind,
    pub shop: Arc<Shop>,
}

impl Accounts {
    /// The access a header grants: the token must exist, be active and be of the header's kind.
    /// One query finds the token and its shop, or none when this node remembers it.
    pub async fn storefront_access(
        &self,
        token: &str,
        kind: TokenKind,
    ) -> Result<Option<StorefrontAccess>, AccountError> {
        let Some(digest) = access_token::digest(token.trim()) else {
            return Ok(None);
        };
        let found = storefront_tokens::find_active_cached(&self.inner.db, &digest).await?;
        Ok(found
            .filter(|(record, _)| record.kind == kind)
            .map(|(record, shop)| StorefrontAccess {
                token_id: record.id,
                kind,
                shop,
            }))
    }
}

impl StorefrontTokens<'_> {
    /// Creates a storefront token and returns it; this is the only time a private token is seen.
    pub async fn create_storefront_token(
        &self,
        kind: TokenKind,
        title: &str,
    ) -> Result<String, AccountError> {
        let token = access_token::generate();
        let digest = access_token::digest(&token)
            .ok_or_else(|| AccountError::Internal("generated token is malformed".into()))?;
        let txn = self.inner.db.begin_write().await?;
        storefront_tokens::insert(
            &txn,
            NewStorefrontToken {
                id: new_id(),
                shop_id: self.shop.id,
                kind,
                title,
                digest: &digest,
                public_token: (kind == TokenKind::Public).then_some(token.as_str()),
                now: now(),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(token)
    }

    pub async fn list_storefront_tokens(&self) -> Result<Vec<StorefrontTokenRecord>, AccountError> {
        Ok(storefront_tokens::list(self.inner.db.reader(), self.shop.id).await?)
    }

    pub async fn revoke_storefront_token(&self, id: i64) -> Result<bool, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let revoked = storefront_tokens::revoke(&txn, self.shop.id, id, now()).await?;
        txn.commit().await?;
        self.inner.db.forget_storefront_access();
        Ok(revoked)
    }

    /// On a shop with no storefront token at all, creates a public one so that a newcomer can
    /// start at once; returns it when it was created.
    pub async fn ensure_first_storefront_token(&self) -> Result<Option<String>, AccountError> {
        if !self
            .storefront_tokens()
            .list_storefront_tokens()
            .await?
            .is_empty()
        {
            return Ok(None);
        }
        self.storefront_tokens()
            .create_storefront_token(TokenKind::Public, "Default storefront")
            .await
            .map(Some)
    }

    /// The oldest active public token, for the development GraphiQL page.
    pub async fn first_public_token(&self) -> Result<Option<String>, AccountError> {
        Ok(self
            .storefront_tokens()
            .list_storefront_tokens()
            .await?
            .into_iter()
            .find(|t| t.kind == TokenKind::Public && t.revoked_at.is_none())
            .and_then(|t| t.public_token))
    }
}
