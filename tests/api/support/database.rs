//! A look into the app's database, for what no answer shows (what is stored, what is left after a
//! deletion) and for changes no request can make (time moved back, rows changed behind the app's
//! back). Plain SQL that PostgreSQL and SQLite both run.

use sea_orm::ConnectionTrait;

use super::app::TestApp;

/// The first column, as text, of every row `sql` selects.
pub async fn texts(app: &TestApp, sql: &str) -> Vec<String> {
    let db = app.app.accounts.database();
    let rows = db
        .reader()
        .query_all_raw(sea_orm::Statement::from_string(
            db.reader().get_database_backend(),
            sql,
        ))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter()
        .map(|row| {
            row.try_get_by_index::<String>(0)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        })
        .collect()
}

/// How many rows `table` has.
pub async fn count(app: &TestApp, table: &str) -> i64 {
    let db = app.app.accounts.database();
    let sql = format!("SELECT COUNT(*) FROM {table}");
    db.reader()
        .query_one_raw(sea_orm::Statement::from_string(
            db.reader().get_database_backend(),
            sql.clone(),
        ))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or_else(|| panic!("{sql}: no count"))
}

/// Runs `sql` in a write transaction of its own, committed before it returns.
pub async fn execute(app: &TestApp, sql: &str) {
    let db = app.app.accounts.database();
    let txn = db.begin_write().await.expect("begin");
    txn.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    txn.commit().await.expect("commit");
}

/// PostgreSQL: ends the one connection of the app that listens on `channel`, then waits
/// (bounded) until the app listens again on a new one.
pub async fn drop_listening_connection(app: &TestApp, channel: &str) {
    let listeners = format!(
        "SELECT CAST(pid AS TEXT) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%{channel}%'"
    );
    let before = texts(app, &listeners).await;
    assert_eq!(
        before.len(),
        1,
        "one connection listening on {channel}: {before:?}"
    );
    execute(app, &format!("SELECT pg_terminate_backend({})", before[0])).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let now = texts(app, &listeners).await;
        if now.len() == 1 && now != before {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "never listened again");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
