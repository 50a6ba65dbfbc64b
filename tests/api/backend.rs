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
