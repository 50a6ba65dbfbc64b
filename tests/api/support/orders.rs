//! Orders for tests: Shopify order webhook bodies built from the real fixture, and their
//! delivery to the receiver with Shopify's headers and signature.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use storefront::domain::shopify_webhook::sign;

use super::app::{RawResponse, TestApp};

/// The secret the tests' default shop verifies Shopify's webhooks with.
pub const SHOPIFY_SECRET: &str = "shopify-app-client-secret-for-tests";

/// A real `orders/create` body (two line items, a discount, a fulfillment, a status URL).
pub fn fixture() -> Value {
    serde_json::from_str(include_str!("../../fixtures/shopify-order-webhook.json"))
        .expect("the order fixture is JSON")
}

/// The fixture made into another order: its own id, number and name, placed by `email`,
/// without a customer id or a status URL (so the server makes the key) unless set later.
pub fn order(id: u64, number: u64, email: &str) -> Value {
    let mut order = fixture();
    order["id"] = json!(id);
    order["admin_graphql_api_id"] = json!(format!("gid://shopify/Order/{id}"));
    order["order_number"] = json!(number);
    order["number"] = json!(number - 1000);
    order["name"] = json!(format!("#{number}"));
    order["email"] = json!(email);
    order["contact_email"] = json!(email);
    order["customer"] = Value::Null;
    order["order_status_url"] = Value::Null;
    order
}

/// Sets the order's `processed_at`/`updated_at` and its total.
pub fn at(mut order: Value, processed_at: &str, total: &str) -> Value {
    order["processed_at"] = json!(processed_at);
    order["total_price"] = json!(total);
    order["total_price_set"] = Value::Null;
    order
}

/// One delivery as Shopify sends it to the shop `handle`, signed with `secret`.
pub async fn deliver_to(
    app: &TestApp,
    handle: &str,
    topic: &str,
    event_id: &str,
    body: &[u8],
    secret: &str,
) -> RawResponse {
    let signature = sign(body, secret.as_bytes()).expect("a signature");
    let request = Request::post(format!("/webhooks/shopify/{handle}/orders"))
        .header("content-type", "application/json")
        .header("X-Shopify-Hmac-Sha256", signature)
        .header("X-Shopify-Topic", topic)
        .header("X-Shopify-Shop-Domain", "northwind-coffee.myshopify.com")
        .header("X-Shopify-API-Version", "2026-04")
        .header("X-Shopify-Webhook-Id", format!("webhook-{event_id}"))
        .header("X-Shopify-Event-Id", event_id)
        .body(Body::from(body.to_vec()))
        .expect("a request");
    app.request(request).await
}

/// Delivers `order` to the default shop as `topic` and expects it applied.
pub async fn deliver(app: &TestApp, topic: &str, event_id: &str, order: &Value) -> String {
    let body = serde_json::to_vec(order).expect("JSON");
    let response = deliver_to(app, "default", topic, event_id, &body, SHOPIFY_SECRET).await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()["outcome"]
        .as_str()
        .expect("an outcome")
        .to_owned()
}

/// A test app whose default shop accepts Shopify's webhooks signed with [`SHOPIFY_SECRET`].
pub async fn app_with_webhooks() -> TestApp {
    TestApp::spawn_with(|config| {
        config.shop.shopify_webhook_secret = Some(SHOPIFY_SECRET.to_owned().into());
    })
    .await
}
