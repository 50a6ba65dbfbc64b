//! customerAccessTokenCreate: one answer for every failure, the same work for every failure,
//! and password hashes upgraded when the parameters change.

use std::time::Instant;

use serde_json::{Value, json};
use storefront::domain::password_hash::HashParams;

use crate::support::{PASSWORD, TestApp, epoch_seconds, now};

fn unidentified() -> Value {
    json!({
        "customerAccessToken": null,
        "customerUserErrors": [{ "field": null, "message": "Unidentified customer", "code": "UNIDENTIFIED_CUSTOMER" }],
        "userErrors": [{ "field": null, "message": "Unidentified customer" }]
    })
}

/// A customer who may not log in (Shopify's DISABLED state), with a password that would match.
async fn insert_disabled_customer(app: &TestApp, email: &str) {
    app.create_customer(email).await;
    let disabled = app
        .app
        .shop()
        .customer_admin()
        .set_customer_enabled(email, false)
        .await
        .expect("disable");
    assert!(disabled);
}

#[tokio::test]
async fn login_returns_a_shopify_shaped_token_valid_for_42_days() {
    let app = TestApp::spawn().await;
    app.create_customer("login@example.com").await;
    let before = now();
    let response = app.login("LOGIN@example.com ", PASSWORD).await;
    let payload = &response["data"]["customerAccessTokenCreate"];
    let token = payload["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("token");
    assert_eq!(token.len(), 32);
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    let expires = epoch_seconds(&payload["customerAccessToken"]["expiresAt"]);
    let lifetime = 42 * 24 * 3600;
    assert!(
        (before + lifetime..=now() + lifetime).contains(&expires),
        "{payload}"
    );
    assert_eq!(payload["customerUserErrors"], json!([]));
    assert_eq!(payload["userErrors"], json!([]));
}

#[tokio::test]
async fn each_login_makes_a_new_token() {
    let app = TestApp::spawn().await;
    app.create_customer("twice@example.com").await;
    let first = app.login("twice@example.com", PASSWORD).await;
    let second = app.login("twice@example.com", PASSWORD).await;
    let token = |r: &Value| {
        r["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"].clone()
    };
    assert_ne!(token(&first), token(&second));
}

#[tokio::test]
async fn wrong_password_unknown_email_and_disabled_customer_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.create_customer("known@example.com").await;
    insert_disabled_customer(&app, "disabled@example.com").await;
    let wrong_password = app.login("known@example.com", "not-the-password").await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;
    let disabled = app.login("disabled@example.com", PASSWORD).await;
    let garbage = app.login("", "").await;
    for response in [&wrong_password, &unknown_email, &disabled, &garbage] {
        assert_eq!(
            response["data"]["customerAccessTokenCreate"],
            unidentified(),
            "{response}"
        );
        assert!(response.get("errors").is_none());
    }
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[tokio::test]
async fn unknown_email_costs_as_much_as_a_wrong_password() {
    // Hashing that costs milliseconds, so that skipping it would show.
    let app = TestApp::spawn_with(|config| {
        config.password.hash = HashParams {
            memory_kib: 8 * 1024,
            iterations: 2,
            parallelism: 1,
        };
        // Measuring the hashing itself: no throttle in the way.
        config.throttle.login_free_failures = 100;
    })
    .await;
    app.create_customer("timing@example.com").await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for round in 0..9 {
        let email = format!("ghost{round}@example.com");
        let started = Instant::now();
        app.login(&email, PASSWORD).await;
        unknown.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        app.login("timing@example.com", "wrong-password").await;
        known.push(started.elapsed().as_secs_f64());
    }
    let (known, unknown) = (median(known), median(unknown));
    eprintln!("median login: unknown email {unknown:.4}s, wrong password {known:.4}s");
    // Compared in one run, as a ratio: without the dummy hash an unknown email answers in a
    // fraction of the time.
    assert!(
        unknown > 0.5 * known && unknown < 2.0 * known,
        "median login: unknown email {unknown:.4}s, wrong password {known:.4}s"
    );
}

/// The stored password hash of the customer of that test.
async fn stored(app: &TestApp) -> String {
    crate::support::database::texts(
        app,
        "SELECT password_hash FROM customers WHERE email_key = 'upgrade@example.com'",
    )
    .await
    .pop()
    .expect("hash")
}

#[tokio::test]
async fn a_hash_made_with_old_parameters_is_upgraded_at_the_next_login() {
    let mut app = TestApp::spawn().await;
    app.create_customer("upgrade@example.com").await;
    assert!(
        stored(&app)
            .await
            .starts_with("$argon2id$v=19$m=8,t=1,p=1$")
    );
    app.restart_with(|config| {
        config.password.hash = HashParams {
            memory_kib: 16,
            iterations: 2,
            parallelism: 1,
        };
    })
    .await;
    let login = app.login("upgrade@example.com", PASSWORD).await;
    assert!(login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());
    assert!(
        stored(&app)
            .await
            .starts_with("$argon2id$v=19$m=16,t=2,p=1$")
    );
    // The upgraded hash still verifies the same password, and only it.
    let again = app.login("upgrade@example.com", PASSWORD).await;
    assert!(again["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());
    let wrong = app.login("upgrade@example.com", "wrong-password").await;
    assert_eq!(wrong["data"]["customerAccessTokenCreate"], unidentified());
}
