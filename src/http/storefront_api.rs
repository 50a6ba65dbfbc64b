//! The Storefront API on the shared pipeline: its credential is a storefront access token in
//! Shopify's headers (public, or private for servers), which names the shop; its resolvers read
//! the request context and per-request data loaders of that shop; GraphiQL is its playground.

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use axum::http::HeaderMap;
use axum::response::Response;

use super::graphql_pipeline::GraphqlApi;
use crate::accounts::{AccountError, Accounts, StorefrontAccess};
use crate::domain::shop::Shop;
use crate::domain::storefront_token::TokenKind;
use crate::graphql::{
    AddressLoader, CustomerLoader, MetafieldLoader, RequestContext, RequestCustomers,
    StorefrontSchema, buyer_token,
};

const PUBLIC_TOKEN_HEADER: &str = "x-shopify-storefront-access-token";
const PRIVATE_TOKEN_HEADER: &str = "shopify-storefront-private-token";

#[derive(Clone)]
pub struct StorefrontApi {
    pub schema: StorefrontSchema,
    pub accounts: Accounts,
    /// The shop the configuration describes: GraphiQL's token is one of its.
    pub default_shop: Arc<Shop>,
    /// Whether GraphiQL is served at all (not in production).
    pub graphiql: bool,
    /// Development fills GraphiQL's token header in for the newcomer.
    pub prefill_graphiql_token: bool,
}

impl GraphqlApi for StorefrontApi {
    type Access = StorefrontAccess;

    async fn authenticate(
        &self,
        headers: &HeaderMap,
    ) -> Result<Option<StorefrontAccess>, AccountError> {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let (token, kind) = match (header(PUBLIC_TOKEN_HEADER), header(PRIVATE_TOKEN_HEADER)) {
            (Some(token), _) => (token, TokenKind::Public),
            (None, Some(token)) => (token, TokenKind::Private),
            (None, None) => return Ok(None),
        };
        self.accounts.storefront_access(token, kind).await
    }

    fn trusts_buyer_ip(access: &StorefrontAccess) -> bool {
        access.kind == TokenKind::Private
    }

    fn read_identity(access: &StorefrontAccess) -> Option<[i64; 2]> {
        Some([access.token_id, access.shop.id])
    }

    fn prepare(
        &self,
        mut request: async_graphql::Request,
        storefront: Option<StorefrontAccess>,
        request_id: String,
        client_ip: Option<IpAddr>,
        customers: Arc<RequestCustomers>,
    ) -> async_graphql::Request {
        // `@inContext(buyer:)`, read from the document the pipeline parsed already.
        let operation_name = request.operation_name.clone();
        let variables = request.variables.clone();
        let buyer = request
            .parsed_query()
            .ok()
            .and_then(|document| buyer_token(document, operation_name.as_deref(), &variables));
        // The loaders read in the shop of the request's storefront token; without one, nothing
        // that loads is served.
        let shop = storefront
            .as_ref()
            .map(|access| self.accounts.in_shop(access.shop.clone()));
        let mut request = request.data(RequestContext {
            storefront,
            request_id,
            buyer_token: buyer,
            client_ip,
        });
        if let Some(shop) = shop {
            // Per request, without a cache: batches the customer and address reads of one
            // request, and a mutation never sees data read before it. The default 1 ms wait
            // stays: with none, the fetch can run on another worker before every sibling load is
            // registered, and one batch became two (tests/api/addresses.rs counts the
            // statements).
            request = request
                .data(DataLoader::new(AddressLoader(shop.clone()), tokio::spawn))
                .data(DataLoader::new(
                    MetafieldLoader::new(shop.clone(), Arc::clone(&customers)),
                    tokio::spawn,
                ))
                .data(DataLoader::new(
                    CustomerLoader(shop, customers),
                    tokio::spawn,
                ));
        }
        request
    }

    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        self.schema.execute(request).await
    }

    async fn playground(&self) -> Option<Response> {
        if !self.graphiql {
            return None;
        }
        Some(super::graphiql::page(self).await)
    }
}
