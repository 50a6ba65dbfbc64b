//! The storefront token gate: customer fields need a valid public (or private) storefront token
//! and answer Shopify's top-level ACCESS_DENIED without one.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::support::{API_PATH, CREATE, PASSWORD, READ, TestApp};

async fn send(app: &TestApp, header: Option<(&str, &str)>, query: &str, variables: Value) -> Value {
    let mut request = Request::post(API_PATH).header("content-type", "application/json");
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let response = app
        .request(
            request
                .body(Body::from(
                    json!({ "query": query, "variables": variables }).to_string(),
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let mut body = response.json();
    if let Some(map) = body.as_object_mut() {
        map.remove("extensions");
    }
    body
}

fn assert_denied(response: &Value, field: &str, scope: &str) {
    assert_eq!(response["data"], json!({ field: null }), "{response}");
    let error = &response["errors"][0];
    assert_eq!(
        error["message"],
        format!("Access denied for {field} field. Required access: `{scope}` access scope.")
    );
    assert_eq!(error["path"], json!([field]));
    assert_eq!(error["extensions"]["code"], "ACCESS_DENIED");
    assert_eq!(
        error["extensions"]["requiredAccess"],
        format!("`{scope}` access scope.")
    );
}

#[tokio::test]
async fn customer_fields_without_a_storefront_token_are_access_denied() {
    let app = TestApp::spawn().await;
    let read = send(&app, None, READ, json!({ "token": "x" })).await;
    assert_denied(&read, "customer", "unauthenticated_read_customers");
    let create = send(
        &app,
        None,
        CREATE,
        json!({ "input": { "email": "anon@example.com", "password": PASSWORD } }),
    )
    .await;
    assert_denied(&create, "customerCreate", "unauthenticated_write_customers");
    // Nothing was created.
    let login = app.login("anon@example.com", PASSWORD).await;
    assert_eq!(
        login["data"]["customerAccessTokenCreate"]["customerAccessToken"],
        Value::Null
    );
}

#[tokio::test]
async fn tokenless_requests_still_reach_non_customer_fields() {
    let app = TestApp::spawn().await;
    let response = send(&app, None, "{ __typename }", json!({})).await;
    assert_eq!(response, json!({ "data": { "__typename": "QueryRoot" } }));
}

#[tokio::test]
async fn an_unknown_storefront_token_is_access_denied() {
    let app = TestApp::spawn().await;
    let header = (
        "X-Shopify-Storefront-Access-Token",
        "0123456789abcdef0123456789abcdef",
    );
    let read = send(&app, Some(header), READ, json!({ "token": "x" })).await;
    assert_denied(&read, "customer", "unauthenticated_read_customers");
}

#[tokio::test]
async fn private_tokens_work_in_the_private_header_only() {
    let app = TestApp::spawn().await;
    let private = app.private_token().await;
    let ok = send(
        &app,
        Some(("Shopify-Storefront-Private-Token", &private)),
        READ,
        json!({ "token": "x" }),
    )
    .await;
    assert_eq!(ok, json!({ "data": { "customer": null } }));
    let wrong_header = send(
        &app,
        Some(("X-Shopify-Storefront-Access-Token", &private)),
        READ,
        json!({ "token": "x" }),
    )
    .await;
    assert_denied(&wrong_header, "customer", "unauthenticated_read_customers");
    let public_as_private = send(
        &app,
        Some(("Shopify-Storefront-Private-Token", &app.token)),
        READ,
        json!({ "token": "x" }),
    )
    .await;
    assert_denied(
        &public_as_private,
        "customer",
        "unauthenticated_read_customers",
    );
}

#[tokio::test]
async fn a_revoked_storefront_token_stops_working() {
    let app = TestApp::spawn().await;
    let listed = app
        .app
        .shop()
        .storefront_tokens()
        .list_storefront_tokens()
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].public_token.as_deref(), Some(app.token.as_str()));
    assert!(
        app.app
            .shop()
            .storefront_tokens()
            .revoke_storefront_token(listed[0].id)
            .await
            .expect("revoke")
    );
    let read = send(
        &app,
        Some(("X-Shopify-Storefront-Access-Token", &app.token)),
        READ,
        json!({ "token": "x" }),
    )
    .await;
    assert_denied(&read, "customer", "unauthenticated_read_customers");
    assert!(
        !app.app
            .shop()
            .storefront_tokens()
            .revoke_storefront_token(listed[0].id)
            .await
            .expect("revoke again")
    );
}
