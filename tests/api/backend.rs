//! The suite runs on the database it was asked for, configured as the store expects.

use sea_orm::ConnectionTrait;
use storefront::Backend;

use crate::support::TestApp;

async fn pragma(app: &TestApp, name: &str) -> String {
    let db = app.app.accounts.database();
    let row = db
        .reader()
        .query_one_raw(sea_orm::Statement::from_string(
            db.reader().get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .expect("pragma")
        .expect("a row");
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
        .expect("value")
}

#[tokio::test]
async fn the_suite_runs_on_the_requested_database() {
    let app = TestApp::spawn().await;
    let expected = if std::env::var_os("TEST_POSTGRES_URL").is_some() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    assert_eq!(app.app.accounts.database().backend(), expected);
    if expected == Backend::Sqlite {
        assert_eq!(pragma(&app, "journal_mode").await, "wal");
        assert_eq!(pragma(&app, "foreign_keys").await, "1");
        // 2 is FAST: freed content is zeroed where that costs no extra I/O.
        assert_eq!(pragma(&app, "secure_delete").await, "2");
        assert!(app.config.data_dir.join("storefront.db").exists());
    }
}

/// PostgreSQL: connections dropped while they sat in the pool (a database restart, a proxy's or
/// firewall's idle timeout) are found by the ping a pooled connection gets once it has been
/// idle for a while, and replaced before use: no request fails. (A busy connection is not
/// pinged before every statement: that was a round trip per statement.)
#[tokio::test]
async fn pooled_connections_dropped_while_idle_are_replaced_before_use() {
    if std::env::var_os("TEST_POSTGRES_URL").is_none() {
        return;
    }
    let app = TestApp::spawn().await;
    let Some(database_url) = app.config.database_url.clone() else {
        panic!("a PostgreSQL test runs on a database of its own");
    };
    let token = app.signed_in_customer("idle@example.com").await;
    let read_email = || async {
        app.graphql(
            "query($token: String!) { customer(customerAccessToken: $token) { email } }",
            serde_json::json!({ "token": token }),
        )
        .await
    };
    for _ in 0..4 {
        assert_eq!(
            read_email().await["data"]["customer"]["email"],
            "idle@example.com"
        );
    }
    // Every connection of the app goes, from a connection of the test's own.
    let mut outsider = <sqlx::PgConnection as sqlx::Connection>::connect(&database_url)
        .await
        .expect("connect");
    let terminated: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut outsider)
    .await
    .expect("terminate the app's connections");
    assert!(!terminated.is_empty());
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    for _ in 0..8 {
        let answer = read_email().await;
        assert_eq!(
            answer["data"]["customer"]["email"], "idle@example.com",
            "{answer}"
        );
    }
}
