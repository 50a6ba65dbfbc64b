//! customerUpdate: the same rules as sign-up for every field, uniqueness, removing the phone,
//! password changes that revoke every token, and concurrent updates that lose nothing.

use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::{PASSWORD, READ, TestApp};

const UPDATE: &str = "mutation Update($token: String!, $customer: CustomerUpdateInput!) {
  customerUpdate(customerAccessToken: $token, customer: $customer) {
    customer { id email firstName lastName displayName phone acceptsMarketing updatedAt }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

async fn update(app: &TestApp, token: &str, customer: Value) -> Value {
    app.graphql(UPDATE, json!({ "token": token, "customer": customer }))
        .await["data"]["customerUpdate"]
        .clone()
}

#[tokio::test]
async fn names_phone_and_marketing_change_and_the_token_stays() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("profile@example.com").await;
    let payload = update(
        &app,
        &token,
        json!({ "firstName": "Updated", "lastName": "Profile", "phone": "+1 613 555 0074", "acceptsMarketing": true }),
    )
    .await;
    assert_eq!(payload["customerUserErrors"], json!([]));
    assert_eq!(
        payload["customerAccessToken"],
        Value::Null,
        "no password change, no new token"
    );
    let customer = &payload["customer"];
    assert_eq!(customer["displayName"], "Updated Profile");
    assert_eq!(customer["phone"], "+16135550074");
    assert_eq!(customer["acceptsMarketing"], true);
    let read = app.graphql(READ, json!({ "token": token })).await;
    assert_eq!(read["data"]["customer"]["firstName"], "Updated");
}

#[tokio::test]
async fn null_removes_the_phone_and_absent_fields_stay() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("phone-removal@example.com").await;
    update(&app, &token, json!({ "phone": "+16135550075" })).await;
    let payload = update(&app, &token, json!({ "phone": null })).await;
    assert_eq!(payload["customer"]["phone"], Value::Null);
    assert_eq!(payload["customer"]["firstName"], "Ada", "untouched");
    let payload = update(&app, &token, json!({ "lastName": null })).await;
    assert_eq!(payload["customer"]["lastName"], Value::Null);
    assert_eq!(payload["customer"]["displayName"], "Ada");
}

#[tokio::test]
async fn every_field_is_validated_like_sign_up() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("validate-update@example.com").await;
    let payload = update(
        &app,
        &token,
        json!({ "firstName": "<i>x</i>", "email": "nope", "phone": "123", "password": "short" }),
    )
    .await;
    assert_eq!(payload["customer"], Value::Null);
    let fields: Vec<Value> = payload["customerUserErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(
        fields,
        vec![
            json!(["customer", "firstName"]),
            json!(["customer", "phone"]),
            json!(["customer", "email"]),
            json!(["customer", "password"])
        ]
    );
    let read = app.graphql(READ, json!({ "token": token })).await;
    assert_eq!(
        read["data"]["customer"]["firstName"], "Ada",
        "nothing was written"
    );
}

#[tokio::test]
async fn email_and_phone_stay_unique() {
    let app = TestApp::spawn().await;
    app.create_customer("taken@example.com").await;
    let other = app.signed_in_customer("mover@example.com").await;
    let first = app.signed_in_customer_existing("taken@example.com").await;
    update(&app, &first, json!({ "phone": "+16135550076" })).await;
    let payload = update(
        &app,
        &other,
        json!({ "email": "TAKEN@example.com", "phone": "+16135550076" }),
    )
    .await;
    assert_eq!(
        payload["customerUserErrors"],
        json!([
            { "field": ["customer", "email"], "message": "Email has already been taken", "code": "TAKEN" },
            { "field": ["customer", "phone"], "message": "Phone has already been taken", "code": "TAKEN" }
        ])
    );
    let moved = update(&app, &other, json!({ "email": "moved@example.com" })).await;
    assert_eq!(moved["customer"]["email"], "moved@example.com");
    // The customer's own email and phone are not "taken" by themselves.
    let same = update(
        &app,
        &first,
        json!({ "email": "taken@example.com", "phone": "+16135550076" }),
    )
    .await;
    assert_eq!(same["customerUserErrors"], json!([]));
    let login = app.login("moved@example.com", PASSWORD).await;
    assert!(login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());
}

#[tokio::test]
async fn email_changes_can_be_refused_as_shopify_stores_do() {
    let app = TestApp::spawn_with(|config| config.customers.allow_email_change = false).await;
    let token = app.signed_in_customer("fixed@example.com").await;
    let payload = update(
        &app,
        &token,
        json!({ "email": "other@example.com", "firstName": "Denied", "acceptsMarketing": true }),
    )
    .await;
    assert_eq!(
        payload,
        json!({
            "customer": null, "customerAccessToken": null,
            "customerUserErrors": [{ "field": ["customer", "email"], "message": "CustomerUpdate access denied", "code": "INVALID" }],
            "userErrors": [{ "field": ["customer", "email"], "message": "CustomerUpdate access denied" }]
        })
    );
}

#[tokio::test]
async fn a_password_change_revokes_every_token_and_returns_a_new_one() {
    let app = TestApp::spawn().await;
    let used = app.signed_in_customer("rotate@example.com").await;
    let other_device = app.signed_in_customer_existing("rotate@example.com").await;
    let payload = update(&app, &used, json!({ "password": "a-brand-new-password" })).await;
    assert_eq!(payload["customerUserErrors"], json!([]));
    let new_token = payload["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("a new token")
        .to_owned();
    assert_ne!(new_token, used);
    for old in [&used, &other_device] {
        let read = app.graphql(READ, json!({ "token": old })).await;
        assert_eq!(read["data"]["customer"], Value::Null);
    }
    let read = app.graphql(READ, json!({ "token": new_token })).await;
    assert_eq!(read["data"]["customer"]["email"], "rotate@example.com");
    let old_password = app.login("rotate@example.com", PASSWORD).await;
    assert_eq!(
        old_password["data"]["customerAccessTokenCreate"]["customerAccessToken"],
        Value::Null
    );
    let new_password = app
        .login("rotate@example.com", "a-brand-new-password")
        .await;
    assert!(new_password["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_of_different_fields_both_survive() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("concurrent@example.com").await;
    for round in 0..5 {
        let first = format!("First{round}");
        let last = format!("Last{round}");
        let updates = [
            update(&app, &token, json!({ "firstName": first })),
            update(&app, &token, json!({ "lastName": last })),
        ];
        join_all(updates).await;
        let read = app.graphql(READ, json!({ "token": token })).await;
        assert_eq!(read["data"]["customer"]["firstName"], first.as_str());
        assert_eq!(read["data"]["customer"]["lastName"], last.as_str());
    }
}
