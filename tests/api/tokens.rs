//! customerAccessTokenRenew and customerAccessTokenDelete, expiry, and how tokens are stored.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{DELETE, READ, RENEW, TestApp, database, epoch_seconds, now};

fn access_denied_on_delete() -> Value {
    let required = "`unauthenticated_write_customers` access scope. Also: Requires valid customer access token.";
    json!({
        "message": format!("Access denied for customerAccessTokenDelete field. Required access: {required}"),
        "path": ["customerAccessTokenDelete"],
        "extensions": {
            "code": "ACCESS_DENIED",
            "documentation": "https://shopify.dev/api/usage/access-scopes",
            "requiredAccess": required
        }
    })
}

/// The error without `locations` (we report where the field is; Shopify sends `[]`).
fn without_locations(error: &Value) -> Value {
    let mut error = error.clone();
    if let Some(map) = error.as_object_mut() {
        map.remove("locations");
    }
    error
}

#[tokio::test]
async fn renew_keeps_the_token_and_extends_it_by_a_full_lifetime() {
    let app = TestApp::spawn_with(|config| config.customer_tokens.ttl_seconds = 3600).await;
    let token = app.signed_in_customer("renew@example.com").await;
    let response = app.graphql(RENEW, json!({ "token": token })).await;
    let payload = &response["data"]["customerAccessTokenRenew"];
    assert_eq!(
        payload["customerAccessToken"]["accessToken"],
        token.as_str()
    );
    let expires = epoch_seconds(&payload["customerAccessToken"]["expiresAt"]);
    assert!(
        (now() + 3600 - 5..=now() + 3600).contains(&expires),
        "{payload}"
    );
    assert_eq!(payload["userErrors"], json!([]));
    let read = app.graphql(READ, json!({ "token": token })).await;
    assert_eq!(read["data"]["customer"]["email"], "renew@example.com");
}

#[tokio::test]
async fn renewing_an_unknown_token_is_a_user_error() {
    let app = TestApp::spawn().await;
    let response = app
        .graphql(
            RENEW,
            json!({ "token": "0123456789abcdef0123456789abcdef" }),
        )
        .await;
    assert_eq!(
        response["data"]["customerAccessTokenRenew"],
        json!({
            "customerAccessToken": null,
            "userErrors": [{ "field": ["customerAccessToken"], "message": "access token does not exist" }]
        })
    );
}

#[tokio::test]
async fn delete_revokes_the_token_and_a_second_delete_is_access_denied() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("logout@example.com").await;
    let deleted = app.graphql(DELETE, json!({ "token": token })).await;
    let payload = &deleted["data"]["customerAccessTokenDelete"];
    assert_eq!(payload["deletedAccessToken"], token.as_str());
    let id = payload["deletedCustomerAccessTokenId"]
        .as_str()
        .expect("id");
    assert!(
        id.strip_prefix("gid://shopify/CustomerAccessToken/")
            .is_some_and(|n| n.parse::<u64>().is_ok()),
        "{id}"
    );
    assert_eq!(payload["userErrors"], json!([]));

    let read = app.graphql(READ, json!({ "token": token })).await;
    assert_eq!(read, json!({ "data": { "customer": null } }));

    let again = app.graphql(DELETE, json!({ "token": token })).await;
    assert_eq!(again["data"], json!({ "customerAccessTokenDelete": null }));
    let errors = again["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1);
    assert_eq!(without_locations(&errors[0]), access_denied_on_delete());
    // Renewing a revoked token fails too.
    let renew = app.graphql(RENEW, json!({ "token": token })).await;
    assert_eq!(
        renew["data"]["customerAccessTokenRenew"]["customerAccessToken"],
        Value::Null
    );
}

/// The email `token` reads, or `None` when the token does not work.
async fn email_of(app: &TestApp, token: &str) -> Option<String> {
    let read = app.graphql(READ, json!({ "token": token })).await;
    assert_eq!(read.get("errors"), None, "{read}");
    read["data"]["customer"]["email"]
        .as_str()
        .map(str::to_owned)
}

#[tokio::test]
async fn deleting_one_token_leaves_the_customers_other_tokens_working() {
    let app = TestApp::spawn().await;
    let first = app.signed_in_customer("two-devices@example.com").await;
    let second = app
        .signed_in_customer_existing("two-devices@example.com")
        .await;
    let unrelated = app.signed_in_customer("bystander@example.com").await;
    // The token works before the delete, so that what changes after it is the delete's doing.
    assert_eq!(
        email_of(&app, &first).await.as_deref(),
        Some("two-devices@example.com")
    );

    let deleted = app.graphql(DELETE, json!({ "token": first })).await;
    assert_eq!(
        deleted["data"]["customerAccessTokenDelete"]["deletedAccessToken"],
        first.as_str(),
        "{deleted}"
    );
    // The deleted token is over (a delete that did nothing would still read the customer)...
    assert_eq!(email_of(&app, &first).await, None);
    // ...and only that one: the same customer's other session, and another customer's.
    assert_eq!(
        email_of(&app, &second).await.as_deref(),
        Some("two-devices@example.com")
    );
    assert_eq!(
        email_of(&app, &unrelated).await.as_deref(),
        Some("bystander@example.com")
    );
}

#[tokio::test]
async fn an_expired_token_never_works() {
    let app = TestApp::spawn_with(|config| config.customer_tokens.ttl_seconds = 1).await;
    let token = app.signed_in_customer("expiring@example.com").await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let read = app.graphql(READ, json!({ "token": token })).await;
    assert_eq!(read["data"]["customer"], Value::Null);
    let renew = app.graphql(RENEW, json!({ "token": token })).await;
    assert_eq!(
        renew["data"]["customerAccessTokenRenew"]["customerAccessToken"],
        Value::Null
    );
    let delete = app.graphql(DELETE, json!({ "token": token })).await;
    assert_eq!(delete["errors"][0]["extensions"]["code"], "ACCESS_DENIED");
    // Housekeeping removes it for good.
    let purged = app
        .app
        .accounts
        .purge(app.config.housekeeping.retention())
        .await
        .expect("purge");
    assert_eq!(purged.customer_tokens, 1);
}

#[tokio::test]
async fn only_a_digest_of_each_token_is_stored() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("digest@example.com").await;
    let stored = database::texts(&app, "SELECT token_digest FROM customer_access_tokens").await;
    assert_eq!(stored, vec![hex::encode(Sha256::digest(token.as_bytes()))]);
    assert!(!stored.contains(&token));
}

/// Moves the login behind every token of the app `seconds` into the past.
async fn backdate_logins(app: &TestApp, seconds: i64) {
    let sql = format!("UPDATE customer_access_tokens SET created_at = created_at - {seconds}");
    database::execute(app, &sql).await;
}

#[tokio::test]
async fn renewal_stops_at_the_absolute_lifetime_counted_from_the_login() {
    const DAY: i64 = 24 * 60 * 60;
    let app = TestApp::spawn().await;
    assert_eq!(app.config.customer_tokens.max_lifetime_seconds, 365 * DAY);
    let token = app.signed_in_customer("absolute@example.com").await;

    // 300 days in: a full 42-day renewal still fits.
    backdate_logins(&app, 300 * DAY).await;
    let renewed = app.graphql(RENEW, json!({ "token": token })).await;
    let expires = epoch_seconds(
        &renewed["data"]["customerAccessTokenRenew"]["customerAccessToken"]["expiresAt"],
    );
    assert!(
        (now() + 42 * DAY - 5..=now() + 42 * DAY).contains(&expires),
        "{renewed}"
    );

    // 350 days in: renewed only up to day 365.
    backdate_logins(&app, 50 * DAY).await;
    let renewed = app.graphql(RENEW, json!({ "token": token })).await;
    let expires = epoch_seconds(
        &renewed["data"]["customerAccessTokenRenew"]["customerAccessToken"]["expiresAt"],
    );
    assert!(
        (now() + 15 * DAY - 5..=now() + 15 * DAY).contains(&expires),
        "{renewed}"
    );

    // 366 days in: refused, as for a token that does not exist; the customer logs in again.
    backdate_logins(&app, 16 * DAY).await;
    let refused = app.graphql(RENEW, json!({ "token": token })).await;
    assert_eq!(
        refused["data"]["customerAccessTokenRenew"],
        json!({
            "customerAccessToken": null,
            "userErrors": [{ "field": ["customerAccessToken"], "message": "access token does not exist" }]
        })
    );
    let fresh = app
        .signed_in_customer_existing("absolute@example.com")
        .await;
    let renewed = app.graphql(RENEW, json!({ "token": fresh })).await;
    assert_eq!(
        renewed["data"]["customerAccessTokenRenew"]["userErrors"],
        json!([])
    );
}
