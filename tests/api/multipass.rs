//! customerAccessTokenCreateWithMultipass through the API: sign-in, creation and re-enabling of
//! customers, identifier before email, tags and addresses, and every refusal with Shopify's
//! answer (`INVALID_MULTIPASS_REQUEST` on `["multipassToken"]`).

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use storefront::domain::multipass::{MultipassKeys, encode};

use crate::multipass_interop::multipassify;
use crate::support::{API_PATH, TestApp, now};

const SECRET: &str = "the-shops-multipass-secret";

const SIGN_IN: &str = "mutation StorefrontCustomerAuthMultipass($multipassToken: String!) {
  customerAccessTokenCreateWithMultipass(multipassToken: $multipassToken) {
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
  }
}";

const READ: &str = "query($t: String!) { customer(customerAccessToken: $t) {
  id email firstName lastName tags
  defaultAddress { address1 city provinceCode countryCodeV2 }
  addresses(first: 10) { nodes { address1 } }
} }";

async fn app() -> TestApp {
    TestApp::spawn_with(|config| config.multipass_secret = Some(SECRET.to_owned().into())).await
}

fn rfc3339(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .expect("time")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

/// A token from our own encoder, with `created_at` as given.
fn our_token(customer: Value, created_at: i64) -> String {
    let mut customer = customer;
    customer["created_at"] = json!(rfc3339(created_at));
    encode(&MultipassKeys::new(SECRET), &customer)
}

async fn sign_in(app: &TestApp, token: &str) -> Value {
    app.graphql(SIGN_IN, json!({ "multipassToken": token }))
        .await["data"]["customerAccessTokenCreateWithMultipass"]
        .clone()
}

fn refused() -> Value {
    json!({
        "customerAccessToken": null,
        "customerUserErrors": [{ "field": ["multipassToken"], "message": "Invalid Multipass request", "code": "INVALID_MULTIPASS_REQUEST" }]
    })
}

fn access_token(payload: &Value) -> String {
    payload["customerAccessToken"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("signed in: {payload}"))
        .to_owned()
}

#[tokio::test]
async fn a_multipassify_token_creates_and_signs_in_the_customer() {
    let app = app().await;
    let token = multipassify(
        SECRET,
        &json!({
            "email": "sso@example.com", "first_name": "Single", "last_name": "Sign-On",
            "tag_string": "vip, wholesale",
            "addresses": [
                { "address1": "1 SSO St", "city": "Ottawa", "province_code": "ON", "country_code": "CA", "zip": "K1A 0B1" },
                { "address1": "2 SSO St", "city": "Toronto", "province": "Ontario", "country": "Canada", "zip": "M5V 2T6", "default": true }
            ]
        }),
    );
    let payload = sign_in(&app, &token).await;
    assert_eq!(payload["customerUserErrors"], json!([]));
    let access = access_token(&payload);
    assert_eq!(access.len(), 32);
    let customer = app.graphql(READ, json!({ "t": access })).await["data"]["customer"].clone();
    assert_eq!(customer["email"], "sso@example.com");
    assert_eq!(customer["firstName"], "Single");
    assert_eq!(customer["lastName"], "Sign-On");
    assert_eq!(customer["tags"], json!(["vip", "wholesale"]));
    assert_eq!(
        customer["addresses"]["nodes"],
        json!([{ "address1": "1 SSO St" }, { "address1": "2 SSO St" }])
    );
    assert_eq!(
        customer["defaultAddress"],
        json!({ "address1": "2 SSO St", "city": "Toronto", "provinceCode": "ON", "countryCodeV2": "CA" })
    );
}

#[tokio::test]
async fn a_token_works_once() {
    let app = app().await;
    let token = our_token(json!({ "email": "once@example.com" }), now());
    assert!(sign_in(&app, &token).await["customerAccessToken"].is_object());
    assert_eq!(sign_in(&app, &token).await, refused());
    // Spelled differently (without its padding), it is still the same token.
    let unpadded = token.trim_end_matches('=');
    if unpadded != token {
        assert_eq!(sign_in(&app, unpadded).await, refused());
    }
}

#[tokio::test]
async fn tampered_expired_foreign_and_garbage_tokens_are_refused() {
    let app = app().await;
    let valid = our_token(json!({ "email": "tamper@example.com" }), now());
    let mut bytes = valid.clone().into_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).expect("ascii");
    let expired = our_token(json!({ "email": "tamper@example.com" }), now() - 16 * 60);
    let future = our_token(json!({ "email": "tamper@example.com" }), now() + 10 * 60);
    let foreign = {
        let mut customer = json!({ "email": "tamper@example.com" });
        customer["created_at"] = json!(rfc3339(now()));
        encode(&MultipassKeys::new("another-shop"), &customer)
    };
    for token in [
        tampered.as_str(),
        expired.as_str(),
        future.as_str(),
        foreign.as_str(),
        "",
        "garbage",
    ] {
        assert_eq!(sign_in(&app, token).await, refused(), "{token:.20}");
    }
    // The untouched token still works: the refusals consumed nothing.
    assert!(sign_in(&app, &valid).await["customerAccessToken"].is_object());
}

#[tokio::test]
async fn without_a_secret_multipass_is_refused() {
    let app = TestApp::spawn().await;
    let token = our_token(json!({ "email": "nosecret@example.com" }), now());
    assert_eq!(sign_in(&app, &token).await, refused());
}

#[tokio::test]
async fn remote_ip_binds_the_token_to_the_buyer() {
    let app = app().await;
    let private = app.private_token().await;
    let send = |header: (&'static str, String), ip: &'static str, token: String| {
        let body =
            json!({ "query": SIGN_IN, "variables": { "multipassToken": token } }).to_string();
        app.request(
            Request::post(API_PATH)
                .header("content-type", "application/json")
                .header(header.0, header.1)
                .header("Shopify-Storefront-Buyer-IP", ip)
                .body(Body::from(body))
                .expect("request"),
        )
    };
    let bound =
        |email: &str| our_token(json!({ "email": email, "remote_ip": "203.0.113.9" }), now());
    let private_header = ("Shopify-Storefront-Private-Token", private);
    let public_header = ("X-Shopify-Storefront-Access-Token", app.token.clone());
    let result = |body: Value| body["data"]["customerAccessTokenCreateWithMultipass"].clone();

    let elsewhere = send(
        private_header.clone(),
        "198.51.100.1",
        bound("ip1@example.com"),
    )
    .await
    .json();
    assert_eq!(result(elsewhere), refused());
    // A public token's claim of the buyer's IP is not believed.
    let claimed = send(public_header, "203.0.113.9", bound("ip2@example.com"))
        .await
        .json();
    assert_eq!(result(claimed), refused());
    let matching = send(private_header, "203.0.113.9", bound("ip3@example.com"))
        .await
        .json();
    assert!(result(matching)["customerAccessToken"].is_object());
}

#[tokio::test]
async fn a_disabled_customer_is_re_enabled_and_the_identifier_comes_before_the_email() {
    let app = app().await;
    let invited = app
        .app
        .shop()
        .lifecycle()
        .invite("sleeping@example.com", None, None)
        .await
        .expect("invite");
    let token = our_token(
        json!({ "email": "sleeping@example.com", "identifier": "user-42" }),
        now(),
    );
    let access = access_token(&sign_in(&app, &token).await);
    let read = app.graphql(READ, json!({ "t": access })).await;
    assert_eq!(
        read["data"]["customer"]["id"],
        format!("gid://shopify/Customer/{}", invited.id)
    );

    // The shop's user changed their email: the identifier still finds the same customer.
    let token = our_token(
        json!({ "email": "renamed@example.com", "identifier": "user-42" }),
        now(),
    );
    let access = access_token(&sign_in(&app, &token).await);
    let read = app.graphql(READ, json!({ "t": access })).await;
    assert_eq!(
        read["data"]["customer"]["id"],
        format!("gid://shopify/Customer/{}", invited.id)
    );
}

#[tokio::test]
async fn a_multipass_sign_in_proves_the_email_and_brings_its_guest_orders() {
    let app = app().await;
    // A customer who signed up with the address first sees none of its guest orders...
    app.create_customer("shopper@example.com").await;
    crate::support::orders::import(
        &app,
        &[
            crate::support::orders::order(9101, 1101, "shopper@example.com"),
            crate::support::orders::order(9102, 1102, "someone@example.com"),
        ],
    )
    .await;
    let orders = "query($t: String!) { customer(customerAccessToken: $t) { numberOfOrders orders(first: 5) { nodes { name } } } }";
    let signed_up = app.signed_in_customer_existing("shopper@example.com").await;
    assert_eq!(
        app.graphql(orders, json!({ "t": signed_up })).await["data"]["customer"]["numberOfOrders"],
        "0"
    );
    // ...until the shop vouches for the address with a Multipass sign-in.
    let token = our_token(json!({ "email": "shopper@example.com" }), now());
    let access = access_token(&sign_in(&app, &token).await);
    let customer = app.graphql(orders, json!({ "t": access })).await["data"]["customer"].clone();
    assert_eq!(customer["numberOfOrders"], "1");
    assert_eq!(customer["orders"]["nodes"], json!([{ "name": "#1101" }]));
}
