//! The embedded SQLite file as other processes see it: another connection may hold the write lock
//! for a while (writes wait for it instead of failing), and the file may be deleted or replaced
//! under the running server (readiness notices). PostgreSQL has no file: these tests skip there.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};

use crate::addresses::{create_doc, ottawa};
use crate::support::{DELETE, LOGIN, PASSWORD, RawResponse, TestApp};

/// How long the other connection keeps the write lock: well under the server's busy timeout, so
/// that a write which waits for the lock succeeds.
const HOLD: Duration = Duration::from_secs(1);

const UPDATE: &str = "mutation Update($token: String!, $customer: CustomerUpdateInput!) {
  customerUpdate(customerAccessToken: $token, customer: $customer) {
    customer { id firstName }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

fn on_postgres() -> bool {
    std::env::var_os("TEST_POSTGRES_URL").is_some()
}

fn database_file(app: &TestApp) -> PathBuf {
    app.config.data_dir.join("storefront.db")
}

/// Another process's connection to the same file, as the operator's CLI would open it.
async fn other_connection(path: &Path) -> SqliteConnection {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    SqliteConnection::connect_with(&options)
        .await
        .expect("a second connection to the database file")
}

async fn readyz(app: &TestApp) -> RawResponse {
    app.request(
        Request::get("/readyz")
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// Runs a mutation and reports its answer with the time from `started` to its end.
async fn timed(
    app: &TestApp,
    started: Instant,
    query: &str,
    variables: Value,
) -> (Value, Duration) {
    let response = app.graphql(query, variables).await;
    (response, started.elapsed())
}

/// The answer has no GraphQL errors and its payload no user errors.
fn assert_succeeded(response: &Value, field: &str) {
    assert!(response.get("errors").is_none(), "{field}: {response}");
    let payload = &response["data"][field];
    assert!(payload.is_object(), "{field}: {response}");
    for errors in ["customerUserErrors", "userErrors"] {
        if let Some(list) = payload.get(errors) {
            assert_eq!(list, &json!([]), "{field}: {response}");
        }
    }
}

#[tokio::test]
async fn writes_wait_for_another_connections_write_lock() {
    if on_postgres() {
        return;
    }
    let app = TestApp::spawn().await;
    let email = "locked@example.com";
    let token = app.signed_in_customer(email).await;
    let doomed = app.signed_in_customer_existing(email).await;

    let mut other = other_connection(&database_file(&app)).await;
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("the other connection takes the write lock");
    sqlx::raw_sql("UPDATE customers SET updated_at = updated_at")
        .execute(&mut other)
        .await
        .expect("the other connection writes");
    let create_address = create_doc();
    let started = Instant::now();
    let release = async {
        tokio::time::sleep(HOLD).await;
        sqlx::raw_sql("COMMIT")
            .execute(&mut other)
            .await
            .expect("the other connection commits");
    };
    // Each of these reads before it writes, or writes at once: all must wait for the lock.
    let ((), address, update, login, delete) = tokio::join!(
        release,
        timed(
            &app,
            started,
            &create_address,
            json!({ "token": token, "address": ottawa() })
        ),
        timed(
            &app,
            started,
            UPDATE,
            json!({ "token": token, "customer": { "firstName": "Grace" } })
        ),
        timed(
            &app,
            started,
            LOGIN,
            json!({ "input": { "email": email, "password": PASSWORD } })
        ),
        timed(&app, started, DELETE, json!({ "token": doomed })),
    );

    for (field, (response, elapsed)) in [
        ("customerAddressCreate", &address),
        ("customerUpdate", &update),
        ("customerAccessTokenCreate", &login),
        ("customerAccessTokenDelete", &delete),
    ] {
        assert_succeeded(response, field);
        assert!(
            *elapsed >= HOLD,
            "{field} answered after {elapsed:?}, before the lock was released"
        );
    }
    assert_eq!(
        address.0["data"]["customerAddressCreate"]["customerAddress"]["address1"],
        ottawa()["address1"]
    );
    assert_eq!(
        update.0["data"]["customerUpdate"]["customer"]["firstName"],
        "Grace"
    );
    assert!(
        login.0["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
            .is_string()
    );
    assert_eq!(
        delete.0["data"]["customerAccessTokenDelete"]["deletedAccessToken"],
        doomed
    );
    other.close().await.expect("close");
}

#[tokio::test]
async fn readiness_fails_when_the_database_file_is_deleted() {
    if on_postgres() {
        return;
    }
    // Without the background tasks, readiness reuses the one reader connection already open,
    // as a warm server's would: a connection opened after the deletion would fail by itself.
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    let ready = readyz(&app).await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );

    let file = database_file(&app);
    std::fs::remove_file(&file).expect("delete the database file");
    for suffix in ["-wal", "-shm"] {
        let mut name = file.clone().into_os_string();
        name.push(suffix);
        // Either may be absent, depending on when SQLite last checkpointed.
        let _ = std::fs::remove_file(name);
    }
    // The open connections still answer queries, from a file no one else can see any more.
    let ready = readyz(&app).await;
    assert_eq!(
        ready.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        ready.body
    );
}

#[tokio::test]
async fn readiness_fails_when_the_database_file_is_replaced() {
    if on_postgres() {
        return;
    }
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    assert_eq!(readyz(&app).await.status, StatusCode::OK);

    // A different, valid database moved into place, as a restore from a backup would do.
    let file = database_file(&app);
    let replacement = file.with_file_name("replacement.db");
    let mut other = other_connection(&replacement).await;
    sqlx::raw_sql("CREATE TABLE t (x INTEGER)")
        .execute(&mut other)
        .await
        .expect("a table in the replacement");
    other.close().await.expect("close");
    std::fs::rename(&replacement, &file).expect("move the replacement into place");

    let ready = readyz(&app).await;
    assert_eq!(
        ready.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        ready.body
    );
}

#[tokio::test]
async fn readiness_of_an_in_memory_database_watches_no_file() {
    if on_postgres() {
        return;
    }
    let app = TestApp::spawn_with(|config| {
        config.database_url = Some("sqlite::memory:".to_owned());
    })
    .await;
    let ready = readyz(&app).await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
}
