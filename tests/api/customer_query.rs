//! customer(customerAccessToken:): the customer, or `null` (never an error) for any token that
//! does not work, as Hydrogen expects in order to clear its session.

use serde_json::{Value, json};

use crate::support::{READ, TestApp, database};

async fn read(app: &TestApp, token: &str) -> Value {
    app.graphql(READ, json!({ "token": token })).await
}

#[tokio::test]
async fn a_live_token_reads_its_customer() {
    let app = TestApp::spawn().await;
    let created = app.create_customer("reader@example.com").await;
    let token = app.signed_in_customer_existing("reader@example.com").await;
    let response = read(&app, &token).await;
    assert_eq!(response["data"]["customer"], created);
    assert!(response.get("errors").is_none());
}

#[tokio::test]
async fn unknown_or_malformed_tokens_read_null_without_errors() {
    let app = TestApp::spawn().await;
    app.signed_in_customer("someone@example.com").await;
    for token in [
        "",
        "garbage",
        "0123456789abcdef0123456789abcdef",
        "' OR 1=1 --",
        &"f".repeat(10_000),
    ] {
        let response = read(&app, token).await;
        assert_eq!(
            response,
            json!({ "data": { "customer": null } }),
            "{token:.40}"
        );
    }
}

#[tokio::test]
async fn the_token_of_a_deleted_customer_reads_null_and_is_removed_with_it() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("gone@example.com").await;
    database::execute(&app, "DELETE FROM customers").await;
    assert_eq!(read(&app, &token).await["data"]["customer"], Value::Null);
    assert_eq!(
        database::count(&app, "customer_access_tokens").await,
        0,
        "tokens are deleted with their customer"
    );
}

#[tokio::test]
async fn the_token_of_a_disabled_customer_reads_null() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("later-disabled@example.com").await;
    database::execute(&app, "UPDATE customers SET state = 'disabled'").await;
    assert_eq!(read(&app, &token).await["data"]["customer"], Value::Null);
}

#[tokio::test]
async fn customers_only_see_themselves() {
    let app = TestApp::spawn().await;
    let first = app.signed_in_customer("first@example.com").await;
    let second = app.signed_in_customer("second@example.com").await;
    assert_eq!(
        read(&app, &first).await["data"]["customer"]["email"],
        "first@example.com"
    );
    assert_eq!(
        read(&app, &second).await["data"]["customer"]["email"],
        "second@example.com"
    );
}
