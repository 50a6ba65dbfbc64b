//! The admin API on the shared pipeline: its credential is an admin access token in
//! `X-Shopify-Access-Token`, which names the shop and the scopes; a request without a valid
//! one is refused with Shopify's 401 before anything runs. Search warnings are answered in
//! `extensions.search`, as Shopify does.

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use axum::http::HeaderMap;
use axum::response::Response;

use super::graphql_pipeline::GraphqlApi;
use crate::accounts::{AccountError, Accounts, AdminAccess};
use crate::graphql::admin::AdminMetafieldLoader;
use crate::graphql::admin::{AdminRequest, AdminSchema, SearchWarnings};
use crate::graphql::{AddressLoader, RequestCustomers};

const TOKEN_HEADER: &str = "x-shopify-access-token";

#[derive(Clone)]
pub struct AdminApi {
    pub schema: AdminSchema,
    pub accounts: Accounts,
    /// Whether GraphiQL is served (not in production).
    pub graphiql: bool,
}

impl GraphqlApi for AdminApi {
    type Access = AdminAccess;

    const REQUIRES_ACCESS: bool = true;

    async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<AdminAccess>, AccountError> {
        match headers
            .get(TOKEN_HEADER)
            .and_then(|value| value.to_str().ok())
        {
            Some(token) => self.accounts.admin_access(token).await,
            None => Ok(None),
        }
    }

    fn trusts_buyer_ip(_: &AdminAccess) -> bool {
        false
    }

    fn prepare(
        &self,
        request: async_graphql::Request,
        access: Option<AdminAccess>,
        request_id: String,
        _client_ip: Option<IpAddr>,
        _customers: Arc<RequestCustomers>,
    ) -> async_graphql::Request {
        // Per request, like the storefront's: the addresses of every customer a request reads,
        // in one query, in the token's shop.
        let shop = access
            .as_ref()
            .map(|access| self.accounts.in_shop(access.shop.clone()));
        let request = request.data(AdminRequest { access, request_id });
        match shop {
            Some(shop) => request
                .data(DataLoader::new(AddressLoader(shop.clone()), tokio::spawn))
                .data(DataLoader::new(AdminMetafieldLoader(shop), tokio::spawn)),
            None => request,
        }
    }

    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        let warnings = SearchWarnings::default();
        let mut response = self.schema.execute(request.data(warnings.clone())).await;
        let recorded = warnings
            .0
            .lock()
            .map(|mut all| std::mem::take(&mut *all))
            .unwrap_or_default();
        if !recorded.is_empty() {
            let search: Vec<serde_json::Value> = recorded
                .into_iter()
                .map(|(field, query, warnings)| {
                    serde_json::json!({
                        "path": [field],
                        "query": query,
                        "warnings": warnings
                            .into_iter()
                            .map(|w| serde_json::json!({ "field": w.field, "message": w.message }))
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            if let Ok(value) = async_graphql::Value::from_json(serde_json::Value::Array(search)) {
                response.extensions.insert("search".to_owned(), value);
            }
        }
        response
    }

    async fn playground(&self) -> Option<Response> {
        self.graphiql.then(super::graphiql::admin_page)
    }
}
