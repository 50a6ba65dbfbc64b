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
