//! Login throttling, kept in the database so that every node applies it: an account's
//! consecutive failures make each next attempt wait (doubling, capped, never permanent), a
//! client IP may fail only so often (spraying), throttled attempts never reach argon2, and a
//! success starts the account's count again. The answer is Shopify's top-level THROTTLED.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use storefront::domain::password_hash::HashParams;

use crate::support::{API_PATH, LOGIN, PASSWORD, TestApp};

fn throttled(response: &Value) -> Option<i64> {
    (response["errors"][0]["extensions"]["code"] == "THROTTLED")
        .then(|| response["errors"][0]["extensions"]["retryAfterSeconds"].as_i64())
        .flatten()
}

fn token(response: &Value) -> bool {
    response["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object()
}

#[tokio::test]
async fn consecutive_failures_make_an_account_wait_and_a_success_resets_it() {
    let app = TestApp::spawn_with(|config| {
        config.throttle.login_free_failures = 3;
        // Long enough that a loaded machine still makes the fourth attempt inside the wait.
        config.throttle.login_backoff_base_seconds = 3;
    })
    .await;
    app.create_customer("stuffed@example.com").await;
    for _ in 0..3 {
        let response = app.login("stuffed@example.com", "wrong-password").await;
        assert_eq!(throttled(&response), None, "{response}");
    }
    // The fourth attempt must wait, even with the right password.
    let blocked = app.login("stuffed@example.com", PASSWORD).await;
    assert!(
        throttled(&blocked).is_some_and(|s| (1..=3).contains(&s)),
        "{blocked}"
    );
    assert_eq!(blocked["errors"][0]["message"], "Throttled");
    assert_eq!(
        blocked["data"],
        json!({ "customerAccessTokenCreate": null })
    );
    // Unknown emails are throttled the same way: the throttle reveals no account.
    for _ in 0..3 {
        app.login("nobody-here@example.com", "wrong-password").await;
    }
    assert!(throttled(&app.login("nobody-here@example.com", "x").await).is_some());

    tokio::time::sleep(Duration::from_millis(3_100)).await;
    assert!(
        token(&app.login("stuffed@example.com", PASSWORD).await),
        "after the wait"
    );
    // The success started the count again.
    for _ in 0..3 {
        assert_eq!(
            throttled(&app.login("stuffed@example.com", "wrong-password").await),
            None
        );
    }
}

#[tokio::test]
async fn the_wait_doubles_and_is_capped() {
    let app = TestApp::spawn_with(|config| {
        config.throttle.login_free_failures = 1;
        config.throttle.login_backoff_base_seconds = 1;
        config.throttle.login_backoff_max_seconds = 2;
    })
    .await;
    app.create_customer("doubling@example.com").await;
    app.login("doubling@example.com", "wrong").await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    app.login("doubling@example.com", "wrong").await; // the second failure: now 2 s
    let wait = throttled(&app.login("doubling@example.com", PASSWORD).await).expect("throttled");
    assert_eq!(wait, 2);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    app.login("doubling@example.com", "wrong").await; // a third: 4 s, capped at 2
    let wait = throttled(&app.login("doubling@example.com", PASSWORD).await).expect("throttled");
    assert!(wait <= 2, "capped: {wait}");
}

#[tokio::test]
async fn throttled_attempts_never_reach_argon2() {
    let app = TestApp::spawn_with(|config| {
        config.password.hash = HashParams {
            memory_kib: 32 * 1024,
            iterations: 3,
            parallelism: 1,
        };
        config.throttle.login_free_failures = 1;
        config.throttle.login_backoff_base_seconds = 60;
    })
    .await;
    app.create_customer("expensive@example.com").await;
    let started = Instant::now();
    app.login("expensive@example.com", "wrong").await;
    let hashed = started.elapsed();
    let started = Instant::now();
    let response = app.login("expensive@example.com", PASSWORD).await;
    let refused = started.elapsed();
    assert!(throttled(&response).is_some());
    assert!(
        refused < hashed / 3,
        "throttled in {refused:?}; a checked login took {hashed:?}"
    );
}

#[tokio::test]
async fn spraying_many_accounts_from_one_ip_is_throttled() {
    let app = TestApp::spawn_with(|config| config.throttle.login_failures_per_ip = 3).await;
    let private = app.private_token().await;
    let login_from = |email: String, ip: &'static str| {
        let body = json!({ "query": LOGIN, "variables": { "input": { "email": email, "password": "Summer2026!" } } }).to_string();
        app.request(
            Request::post(API_PATH)
                .header("content-type", "application/json")
                .header("Shopify-Storefront-Private-Token", private.clone())
                .header("Shopify-Storefront-Buyer-IP", ip)
                .body(Body::from(body))
                .expect("request"),
        )
    };
    for i in 0..3 {
        let response = login_from(format!("victim{i}@example.com"), "203.0.113.50")
            .await
            .json();
        assert_eq!(throttled(&response), None, "{response}");
    }
    let sprayed = login_from("victim9@example.com".to_owned(), "203.0.113.50")
        .await
        .json();
    assert!(throttled(&sprayed).is_some(), "{sprayed}");
    // Another buyer is not affected.
    let other = login_from("victim9@example.com".to_owned(), "203.0.113.51")
        .await
        .json();
    assert_eq!(throttled(&other), None, "{other}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_throttled() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    let app = TestApp::spawn_with(|config| {
        config.throttle.login_failures_per_ip = 2;
        config.http.trusted_proxies = vec!["10.0.0.0/8".parse().expect("net")];
    })
    .await;
    let login_via = |proxy: &'static str, forwarded_for: &'static str| {
        let body = json!({ "query": LOGIN, "variables": { "input": { "email": "someone@example.com", "password": "guess" } } }).to_string();
        let peer: SocketAddr = format!("{proxy}:40000").parse().expect("addr");
        app.request(
            Request::post(API_PATH)
                .header("content-type", "application/json")
                .header("X-Shopify-Storefront-Access-Token", app.token.clone())
                .header("X-Forwarded-For", forwarded_for)
                .extension(ConnectInfo(peer))
                .body(Body::from(body))
                .expect("request"),
        )
    };
    for _ in 0..2 {
        assert_eq!(
            throttled(&login_via("10.0.0.2", "198.51.100.77").await.json()),
            None
        );
    }
    assert!(throttled(&login_via("10.0.0.2", "198.51.100.77").await.json()).is_some());
    // Another buyer behind the same proxy is someone else.
    assert_eq!(
        throttled(&login_via("10.0.0.2", "198.51.100.78").await.json()),
        None
    );
    // An untrusted peer cannot choose its address by header: these all count against it.
    for _ in 0..2 {
        login_via("192.0.2.10", "203.0.113.1").await;
    }
    assert!(throttled(&login_via("192.0.2.10", "203.0.113.2").await.json()).is_some());
}

#[tokio::test]
async fn sign_ups_and_recoveries_are_throttled_per_ip_and_per_email() {
    use crate::support::CREATE;
    let app = TestApp::spawn_with(|config| {
        config.throttle.signup_per_email = 2;
        config.throttle.signup_per_ip = 4;
        config.throttle.recover_per_email = 2;
    })
    .await;
    let create = |email: &str| {
        app.graphql(
            CREATE,
            json!({ "input": { "email": email, "password": PASSWORD } }),
        )
    };
    // Per email: the third attempt for one address is refused (even a TAKEN answer counts).
    assert!(create("one@example.com").await["data"]["customerCreate"]["customer"].is_object());
    assert_eq!(
        create("ONE@example.com").await["data"]["customerCreate"]["customerUserErrors"][0]["code"],
        "TAKEN"
    );
    assert!(throttled(&create("one@example.com").await).is_some());
    // Per IP: four attempts in all from this address.
    assert!(create("two@example.com").await["data"]["customerCreate"]["customer"].is_object());
    assert!(throttled(&create("three@example.com").await).is_some());

    let recover = |email: &str| {
        app.graphql(
            "mutation($e: String!) { customerRecover(email: $e) { customerUserErrors { code } } }",
            json!({ "e": email }),
        )
    };
    assert_eq!(throttled(&recover("inbox@example.com").await), None);
    assert_eq!(throttled(&recover("inbox@example.com").await), None);
    assert!(
        throttled(&recover("Inbox@Example.com").await).is_some(),
        "one inbox is not mail-bombed"
    );
}

/// Credential stuffing against one account from a botnet: every attempt comes from another
/// address (through a trusted proxy), so the per-IP limit never trips; the per-account count
/// does, after the default number of free failures, and the right password from yet another
/// address must wait as well.
#[tokio::test]
async fn stuffing_one_account_from_many_ips_is_throttled_per_account() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    let app = TestApp::spawn_with(|config| {
        config.http.trusted_proxies = vec!["10.0.0.0/8".parse().expect("net")];
        // The first wait longer than the run, however slow the machine: every attempt after the
        // free ones lands inside a wait (with the default 1 s, a slow run outlasts the first).
        config.throttle.login_backoff_base_seconds = 600;
    })
    .await;
    app.create_customer("stuffing-target@example.com").await;
    let attempt = |bot: u32, password: &'static str| {
        let body = json!({ "query": LOGIN, "variables": { "input": { "email": "stuffing-target@example.com", "password": password } } }).to_string();
        let peer: SocketAddr = "10.0.0.2:40000".parse().expect("addr");
        app.request(
            Request::post(API_PATH)
                .header("content-type", "application/json")
                .header("X-Shopify-Storefront-Access-Token", app.token.clone())
                .header(
                    "X-Forwarded-For",
                    format!("198.18.{}.{}", bot / 250, bot % 250 + 1),
                )
                .extension(ConnectInfo(peer))
                .body(Body::from(body))
                .expect("request"),
        )
    };
    let defaults = storefront::config::Config::default().throttle;
    let free = u32::try_from(defaults.login_free_failures).expect("count");
    let mut refused = 0;
    for bot in 0..50 {
        let response = attempt(bot, "leaked-password-guess").await.json();
        if bot < free {
            assert_eq!(throttled(&response), None, "attempt {bot}: {response}");
        } else if throttled(&response).is_some() {
            refused += 1;
        }
    }
    // Every attempt after the free ones was refused.
    assert_eq!(refused, 50 - free);
    let owner = attempt(999, PASSWORD).await.json();
    assert!(throttled(&owner).is_some(), "{owner}");
}
