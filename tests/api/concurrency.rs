//! The unique index is the source of truth: racing sign-ups for one email make one account.

use futures::future::join_all;
use serde_json::json;

use crate::support::{CREATE, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_sign_ups_for_one_email_make_exactly_one_account() {
    let app = TestApp::spawn().await;
    let attempts = (0..20).map(|i| {
        let email = if i % 2 == 0 {
            "race@example.com"
        } else {
            "RACE@example.com"
        };
        app.graphql(
            CREATE,
            json!({ "input": { "email": email, "password": PASSWORD } }),
        )
    });
    let responses = join_all(attempts).await;
    let mut created = 0;
    let mut taken = 0;
    for response in &responses {
        assert!(
            response.get("errors").is_none(),
            "no top-level error: {response}"
        );
        let payload = &response["data"]["customerCreate"];
        if payload["customer"].is_object() {
            created += 1;
        } else {
            assert_eq!(
                payload["customerUserErrors"][0]["code"], "TAKEN",
                "{payload}"
            );
            taken += 1;
        }
    }
    assert_eq!((created, taken), (1, 19));
    // And the one account works.
    let login = app.login("race@example.com", PASSWORD).await;
    assert!(login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_logins_and_sign_ups_all_succeed() {
    let app = TestApp::spawn().await;
    app.create_customer("busy@example.com").await;
    let logins = (0..10).map(|_| app.login("busy@example.com", PASSWORD));
    let sign_ups = (0..10).map(|i| {
        app.graphql(
            CREATE,
            json!({ "input": { "email": format!("user{i}@example.com"), "password": PASSWORD } }),
        )
    });
    let (logins, sign_ups) = futures::join!(join_all(logins), join_all(sign_ups));
    for login in logins {
        assert!(
            login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object(),
            "{login}"
        );
    }
    for sign_up in sign_ups {
        assert!(
            sign_up["data"]["customerCreate"]["customer"].is_object(),
            "{sign_up}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_logins_does_not_stall_other_requests() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use axum::body::Body;
    use axum::http::Request;
    use storefront::domain::password_hash::HashParams;

    // Hashing that takes a while, as many at once as the runtime has worker threads: were the
    // hashes computed on those threads, nothing else could run until one finished.
    let app = Arc::new(
        TestApp::spawn_with(|config| {
            config.password.hash = HashParams {
                memory_kib: 32 * 1024,
                iterations: 3,
                parallelism: 1,
            };
            config.password.max_concurrent_hashes = Some(2);
        })
        .await,
    );
    app.create_customer("burst@example.com").await;

    let logins = 8;
    let burst_started = Instant::now();
    let burst: Vec<_> = (0..logins)
        .map(|_| {
            let app = Arc::clone(&app);
            tokio::spawn(async move { app.login("burst@example.com", PASSWORD).await })
        })
        .collect();
    // Health checks every few milliseconds while the burst runs, each timed from its spawn:
    // waiting for a free worker thread counts.
    let mut probes = Vec::new();
    while !burst.iter().all(|task| task.is_finished()) {
        let app = Arc::clone(&app);
        let spawned = Instant::now();
        probes.push(tokio::spawn(async move {
            let response = app
                .request(
                    Request::get("/healthz")
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            assert_eq!(response.status, axum::http::StatusCode::OK);
            spawned.elapsed()
        }));
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let burst_time = burst_started.elapsed();
    for login in join_all(burst).await {
        let login = login.expect("login task");
        assert!(login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());
    }
    let slowest_probe = join_all(probes)
        .await
        .into_iter()
        .map(|probe| probe.expect("probe"))
        .max()
        .expect("at least one probe");
    // Two hashes at a time: each takes about burst_time / (logins / 2).
    let one_hash = burst_time / (logins / 2);
    assert!(
        slowest_probe < one_hash / 3,
        "a health check waited {slowest_probe:?} during a burst of logins; one hash takes about {one_hash:?}"
    );
}
