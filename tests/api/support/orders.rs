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

/// A test app that accepts Shopify's webhooks and sends its mail to `smtp`.
pub async fn app_with_webhooks_and_mail(smtp: &super::smtp::SmtpServer) -> TestApp {
    let port = smtp.port;
    TestApp::spawn_with(|config| {
        config.shop.shopify_webhook_secret = Some(SHOPIFY_SECRET.to_owned().into());
        config.mail.smtp = Some(storefront::config::SmtpConfig {
            host: "127.0.0.1".to_owned(),
            port,
            tls: storefront::config::SmtpTls::None,
            username: None,
            password: None,
            timeout_seconds: 5,
        });
    })
    .await
}

/// The customer proves `email` is theirs the way a customer does: a password reset from the
/// link mailed to it. `mails_before` is how many messages `smtp` had already received. Returns
/// a fresh access token.
pub async fn prove_email_by_reset(
    app: &TestApp,
    smtp: &super::smtp::SmtpServer,
    email: &str,
    mails_before: usize,
) -> String {
    let recover = app
        .graphql(
            "mutation($email: String!) { customerRecover(email: $email) { customerUserErrors { code } } }",
            json!({ "email": email }),
        )
        .await;
    assert_eq!(
        recover["data"]["customerRecover"]["customerUserErrors"],
        json!([]),
        "{recover}"
    );
    let messages = smtp.wait_for(mails_before + 1).await;
    let url = super::smtp::link(&messages[mails_before], "reset");
    let reset = app
        .graphql(
            "mutation($url: URL!, $password: String!) { customerResetByUrl(resetUrl: $url, password: $password) { customerAccessToken { accessToken } customerUserErrors { code } } }",
            json!({ "url": url, "password": super::app::PASSWORD }),
        )
        .await;
    reset["data"]["customerResetByUrl"]["customerAccessToken"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("reset failed: {reset}"))
        .to_owned()
}

/// Stores orders straight through the import use case (no HTTP), for volume.
pub async fn import(app: &TestApp, orders: &[Value]) {
    let parsed = orders
        .iter()
        .map(|o| {
            storefront::domain::order::parse_order(&serde_json::to_vec(o).expect("JSON"))
                .expect("a valid order")
        })
        .collect();
    app.app
        .shop()
        .orders()
        .import_batch(parsed)
        .await
        .expect("imported");
}

/// Gives `order` a status URL in Shopify's shape (`…/orders/<token>/authenticate?key=<key>`),
/// so the key of its Storefront id is `key` rather than one the server makes.
pub fn with_status_key(mut order: Value, key: &str) -> Value {
    let token = order["token"].as_str().unwrap_or("0").to_owned();
    order["order_status_url"] = json!(format!(
        "https://northwind-coffee.myshopify.com/73459876098/orders/{token}/authenticate?key={key}"
    ));
    order
}

/// Names the customer `id` (the number of their `gid://shopify/Customer/<id>`) as the order's
/// customer, which links the order to that account at once.
pub fn of_customer(mut order: Value, id: u64, email: &str) -> Value {
    order["customer"] = json!({ "id": id, "email": email });
    order
}

/// Sets a REST money field the way Shopify sends it: the plain string (`price`) and its
/// `_set` pair (`price_set`), in the fixture's currency.
pub fn set_money(object: &mut Value, field: &str, amount: &str) {
    let currency = "CAD";
    object[field] = json!(amount);
    object[format!("{field}_set")] = json!({
        "shop_money": { "amount": amount, "currency_code": currency },
        "presentment_money": { "amount": amount, "currency_code": currency },
    });
}
