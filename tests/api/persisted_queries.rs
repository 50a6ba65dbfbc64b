//! Automatic Persisted Queries (Apollo's protocol): an unknown hash asks for the document, the
//! document with its hash is kept, the hash alone then runs it with any variables, a wrong hash
//! is refused, and a persisted document passes the same checks as a sent one.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::socket::url_escape;
use crate::support::{READ, TestApp};

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

#[tokio::test]
async fn a_hash_runs_the_document_sent_with_it_once() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("apq@example.com").await;
    let hash = sha256(READ);

    let unknown = app
        .post_json(&json!({ "variables": { "token": token }, "extensions": persisted(&hash) }))
        .await;
    assert_eq!(unknown.status, 200);
    assert_eq!(
        unknown.json()["errors"][0],
        json!({ "message": "PersistedQueryNotFound", "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" } })
    );

    let registered = app
        .post_json(&json!({ "query": READ, "variables": { "token": token }, "extensions": persisted(&hash) }))
        .await;
    assert_eq!(
        registered.json()["data"]["customer"]["email"],
        "apq@example.com"
    );

    // The hash alone, with other variables, in another case.
    let other = app.signed_in_customer("apq-other@example.com").await;
    let by_hash = app
        .post_json(&json!({ "variables": { "token": other }, "extensions": persisted(&hash.to_uppercase()) }))
        .await;
    assert_eq!(by_hash.status, 200);
    assert_eq!(
        by_hash.json()["data"]["customer"]["email"],
        "apq-other@example.com",
        "{:?}",
        by_hash.json()
    );
}

#[tokio::test]
async fn a_hash_that_does_not_match_the_document_is_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json(
            &json!({ "query": "{ __typename }", "extensions": persisted(&sha256("{ other }")) }),
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json()["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_HASH_MISMATCH"
    );
    // And nothing was kept under that hash.
    let again = app
        .post_json(&json!({ "extensions": persisted(&sha256("{ other }")) }))
        .await;
    assert_eq!(
        again.json()["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
}

#[tokio::test]
async fn a_persisted_document_is_checked_like_a_sent_one() {
    let app = TestApp::spawn().await;
    // Eleven aliased root fields: over the cap of ten, refused before execution.
    let many: String = (0..11).map(|i| format!("f{i}: __typename ")).collect();
    let document = format!("{{ {many}}}");
    let hash = sha256(&document);
    app.post_json(&json!({ "query": document, "extensions": persisted(&hash) }))
        .await;
    let by_hash = app
        .post_json(&json!({ "extensions": persisted(&hash) }))
        .await;
    assert_eq!(
        by_hash.json()["errors"][0]["extensions"]["code"],
        "MAX_ROOT_FIELDS_EXCEEDED",
        "{:?}",
        by_hash.json()
    );

    // A persisted mutation does not run over GET.
    let mutation =
        "mutation { customerAccessTokenDelete(customerAccessToken: \"x\") { deletedAccessToken } }";
    let hash = sha256(mutation);
    app.post_json(&json!({ "query": mutation, "extensions": persisted(&hash) }))
        .await;
    let extensions = persisted(&hash).to_string();
    let uri = format!("/graphql?extensions={}", url_escape(&extensions));
    let get = app
        .request(
            Request::get(uri)
                .header("X-Shopify-Storefront-Access-Token", &app.token)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(get.status, 405, "{:?}", get.json());
}
