//! The admin API as tests call it: tokens made through the use case the CLI calls, requests to
//! `/admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use storefront::domain::admin_token::Scopes;

use super::app::{RawResponse, TestApp};

pub const ADMIN_PATH: &str = "/admin/api/2026-04/graphql.json";

pub const CUSTOMER_FIELDS: &str = "id email firstName lastName displayName phone state tags note version verifiedEmail createdAt updatedAt defaultEmailAddress { emailAddress marketingState }";

impl TestApp {
    /// A new admin token of the default shop with these scopes (comma-separated).
    pub async fn admin_token(&self, scopes: &str) -> String {
        self.app
            .shop()
            .admin_tokens()
            .create_admin_token("tests", &Scopes::parse(scopes).expect("scopes"))
            .await
            .expect("an admin token")
    }

    /// An admin token of the shop with this handle (made beforehand, e.g. by `other_shop`).
    pub async fn admin_token_of(&self, handle: &str, scopes: &str) -> String {
        let shop = self
            .app
            .accounts
            .shop_by_handle(handle)
            .await
            .expect("read")
            .expect("the shop");
        self.app
            .accounts
            .in_shop(shop)
            .admin_tokens()
            .create_admin_token("tests", &Scopes::parse(scopes).expect("scopes"))
            .await
            .expect("an admin token")
    }

    /// A customer's audit trail, newest first: each entry's `action adminTokenId versionBefore
    /// versionAfter at`.
    pub async fn audit_trail(&self, token: &str, customer_id: &Value) -> Vec<Value> {
        let trail = self
            .admin(
                token,
                "query($id: ID!) { customerAuditLog(customerId: $id) { action adminTokenId versionBefore versionAfter at } }",
                json!({ "id": customer_id }),
            )
            .await;
        trail["data"]["customerAuditLog"]
            .as_array()
            .unwrap_or_else(|| panic!("an audit trail: {trail}"))
            .clone()
    }

    /// The actions of a customer's audit trail, newest first.
    pub async fn audit_actions(&self, token: &str, customer_id: &Value) -> Vec<String> {
        self.audit_trail(token, customer_id)
            .await
            .iter()
            .filter_map(|entry| entry["action"].as_str().map(str::to_owned))
            .collect()
    }

    /// POSTs a GraphQL request to the admin API with `token` (none when `None`).
    pub async fn admin_post(&self, token: Option<&str>, body: &Value) -> RawResponse {
        let mut request = Request::post(ADMIN_PATH).header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("X-Shopify-Access-Token", token);
        }
        self.request(request.body(Body::from(body.to_string())).expect("request"))
            .await
    }

    /// Runs an admin document; the answer must be HTTP 200 JSON (`extensions.cost` taken off,
    /// `extensions.search` kept).
    pub async fn admin(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = self
            .admin_post(
                Some(token),
                &json!({ "query": query, "variables": variables }),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let mut body = response.json();
        if let Some(extensions) = body.get_mut("extensions").and_then(Value::as_object_mut) {
            extensions.remove("cost");
            if extensions.is_empty() {
                body.as_object_mut().map(|map| map.remove("extensions"));
            }
        }
        body
    }

    /// Creates a customer through the admin API; returns it.
    pub async fn admin_create(&self, token: &str, input: Value) -> Value {
        let response = self
            .admin(
                token,
                &format!(
                    "mutation($input: CustomerInput!) {{ customerCreate(input: $input) {{ customer {{ {CUSTOMER_FIELDS} }} userErrors {{ field message code }} }} }}"
                ),
                json!({ "input": input }),
            )
            .await;
        let payload = &response["data"]["customerCreate"];
        assert_eq!(payload["userErrors"], json!([]), "{response}");
        payload["customer"].clone()
    }
}
