//! The storefront token gate: customer fields need a valid public (or private) storefront token
//! and answer Shopify's top-level ACCESS_DENIED without one.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::support::{API_PATH, CREATE, PASSWORD, READ, TestApp, database};

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

/// `customer` with the app's public token (an unknown customer token reads `null`).
async fn public_read(app: &TestApp) -> Value {
    send(
        app,
        Some(("X-Shopify-Storefront-Access-Token", &app.token)),
        READ,
        json!({ "token": "x" }),
    )
    .await
}

fn is_denied(response: &Value) -> bool {
    response["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
}

/// The first answer on SQLite (the check before every lookup sees the commit); on PostgreSQL the
/// change arrives as a notification, which may take a moment: up to a second.
async fn refused_from_now_on(app: &TestApp) -> Value {
    let on_postgres = std::env::var_os("TEST_POSTGRES_URL").is_some();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let read = public_read(app).await;
        if is_denied(&read) || !on_postgres || std::time::Instant::now() > deadline {
            return read;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
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
    // Presented once, so that the node remembers it.
    let allowed = public_read(&app).await;
    assert_eq!(allowed.get("errors"), None, "{allowed}");
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

#[tokio::test]
async fn a_token_revoked_behind_the_nodes_back_is_refused_at_the_next_request() {
    let app = TestApp::spawn().await;
    for _ in 0..2 {
        let allowed = public_read(&app).await;
        assert_eq!(allowed.get("errors"), None, "{allowed}");
    }
    // Not through the server (which forgets what it remembers when it revokes): another
    // process, or an operator's SQL. The database's own signal has to reach the node.
    database::execute(
        &app,
        "UPDATE storefront_tokens SET revoked_at = 1 WHERE revoked_at IS NULL",
    )
    .await;
    let read = refused_from_now_on(&app).await;
    assert_denied(&read, "customer", "unauthenticated_read_customers");
    // And it stays refused: what was dropped is read again from the database.
    assert!(is_denied(&public_read(&app).await));
}

#[tokio::test]
async fn a_token_deleted_behind_the_nodes_back_is_refused_at_the_next_request() {
    let app = TestApp::spawn().await;
    assert_eq!(public_read(&app).await.get("errors"), None);
    database::execute(&app, "DELETE FROM storefront_tokens").await;
    assert!(is_denied(&refused_from_now_on(&app).await));
}

#[tokio::test]
async fn writes_to_other_tables_keep_the_remembered_token() {
    // Without the background mail sender, whose polling would be counted too.
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    assert_eq!(public_read(&app).await.get("errors"), None);
    // Commits that touch no token and no shop (a customer's row here).
    database::execute(
        &app,
        "INSERT INTO shopify_webhook_events (shop_id, event_id, received_at) \
         SELECT id, 'event', 0 FROM shops",
    )
    .await;
    assert_eq!(database::count(&app, "shopify_webhook_events").await, 1);
    let statements = || app.app.accounts.database().statements_executed();
    let before = statements();
    let read = public_read(&app).await;
    assert_eq!(read.get("errors"), None, "{read}");
    // `customer(customerAccessToken: "x")` needs no query (no customer token looks like "x"),
    // and the storefront token was remembered: none at all.
    assert_eq!(statements() - before, 0);
}

/// PostgreSQL: a node that lost its listening connection may have missed notifications, so it
/// forgets everything it remembered. The change is made with the signal off, as if its
/// notification had been sent while the connection was down.
#[tokio::test]
async fn a_node_that_lost_its_listening_connection_forgets_what_it_remembered() {
    if std::env::var_os("TEST_POSTGRES_URL").is_none() {
        return;
    }
    let app = TestApp::spawn().await;
    assert_eq!(public_read(&app).await.get("errors"), None);
    database::execute(
        &app,
        "ALTER TABLE storefront_tokens DISABLE TRIGGER storefront_tokens_access_changed",
    )
    .await;
    database::execute(&app, "UPDATE storefront_tokens SET revoked_at = 1").await;
    // Nothing told the node: it still answers from what it remembered.
    assert_eq!(public_read(&app).await.get("errors"), None);

    // Until it listens again the node asks the database; once it does, it starts empty.
    database::drop_listening_connection(&app, "storefront_access_changed").await;
    assert!(is_denied(&public_read(&app).await));
}

#[tokio::test]
async fn without_the_cache_every_request_reads_the_storefront_token() {
    let app =
        TestApp::spawn_quiet_with(|config| config.database.cache_storefront_tokens = false).await;
    assert_eq!(public_read(&app).await.get("errors"), None);
    let statements = || app.app.accounts.database().statements_executed();
    let before = statements();
    assert_eq!(public_read(&app).await.get("errors"), None);
    assert_eq!(statements() - before, 1, "the storefront token, read again");
}
