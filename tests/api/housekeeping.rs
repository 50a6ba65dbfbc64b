//! Housekeeping keeps the database bounded: each purge deletes what is no longer needed and
//! nothing else, and each runs on an index.

use serde_json::json;

use crate::support::database::{count, execute};
use crate::support::{READ, TestApp, now};

#[tokio::test]
async fn each_purge_deletes_what_it_should_and_nothing_else() {
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    let retention = app.config.housekeeping.retention();
    let now = now();
    let shop = app.app.default_shop.id;

    // Customer tokens: one expired, one live.
    let live = app.signed_in_customer("live@example.com").await;
    app.signed_in_customer("expired@example.com").await;
    execute(
        &app,
        &format!(
            "UPDATE customer_access_tokens SET expires_at = {} WHERE customer_id = \
             (SELECT id FROM customers WHERE email_key = 'expired@example.com')",
            now - 1
        ),
    )
    .await;
    // Multipass uses: one that can no longer be replayed, one that still could.
    // Throttle counters: one stale past the retention, one recent.
    // Mail: one sent long ago, one sent recently, one pending, one given up long ago.
    let stale = now - retention.throttle_counters_seconds - 10;
    let sent_long_ago = now - retention.sent_mail_seconds - 10;
    for sql in [
        format!(
            "INSERT INTO multipass_uses (shop_id, fingerprint, expires_at) VALUES ({shop}, '{}', {})",
            "a".repeat(64),
            now - 1
        ),
        format!(
            "INSERT INTO multipass_uses (shop_id, fingerprint, expires_at) VALUES ({shop}, '{}', {})",
            "b".repeat(64),
            now + 600
        ),
        format!(
            "INSERT INTO throttle_counters (shop_id, \"key\", window_start, count) VALUES ({shop}, 'stale', {stale}, 3)"
        ),
        format!(
            "INSERT INTO throttle_counters (shop_id, \"key\", window_start, count) VALUES ({shop}, 'recent', {now}, 3)"
        ),
        mail(1, shop, &format!("{sent_long_ago}"), "NULL"),
        mail(2, shop, &format!("{now}"), "NULL"),
        mail(3, shop, "NULL", "NULL"),
        mail(4, shop, "NULL", &format!("{sent_long_ago}")),
    ] {
        execute(&app, &sql).await;
    }
    let before = (
        count(&app, "customer_access_tokens").await,
        count(&app, "multipass_uses").await,
        count(&app, "throttle_counters").await,
        count(&app, "mail_outbox").await,
    );

    let purged = app.app.accounts.purge(retention).await.expect("purge");
    assert_eq!(
        (
            purged.customer_tokens,
            purged.multipass_uses,
            purged.throttle_counters,
            purged.sent_mail
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(
        (
            count(&app, "customer_access_tokens").await,
            count(&app, "multipass_uses").await,
            count(&app, "throttle_counters").await,
            count(&app, "mail_outbox").await,
        ),
        (before.0 - 1, before.1 - 1, before.2 - 1, before.3 - 1)
    );
    // What stays is what was meant to stay.
    assert_eq!(
        app.graphql(READ, json!({ "token": live })).await["data"]["customer"]["email"],
        "live@example.com"
    );
    assert_eq!(
        count(&app, "throttle_counters WHERE \"key\" = 'recent'").await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("multipass_uses WHERE fingerprint = '{}'", "b".repeat(64))
        )
        .await,
        1
    );
    assert_eq!(count(&app, "mail_outbox WHERE id IN (2, 3, 4)").await, 3);
    // A second pass finds nothing more.
    assert_eq!(
        app.app
            .accounts
            .purge(retention)
            .await
            .expect("purge")
            .total(),
        0
    );
}

fn mail(id: i64, shop: i64, sent_at: &str, failed_at: &str) -> String {
    let now = now();
    format!(
        "INSERT INTO mail_outbox (id, shop_id, kind, customer_id, recipient, payload, created_at, attempts, next_attempt_at, locked_until, sent_at, failed_at, last_error) \
         VALUES ({id}, {shop}, 'reset', NULL, 'someone@example.com', NULL, {now}, 1, {now}, NULL, {sent_at}, {failed_at}, NULL)"
    )
}

/// Every purge is one indexed DELETE: the database's plan for each uses an index, not a scan
/// of the whole table.
#[tokio::test]
async fn every_purge_uses_an_index() {
    use sea_orm::ConnectionTrait;
    use storefront::Backend;
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    let db = app.app.accounts.database();
    let backend = db.reader().get_database_backend();
    let deletes = [
        "DELETE FROM customer_access_tokens WHERE expires_at <= 1",
        "DELETE FROM multipass_uses WHERE expires_at < 1",
        "DELETE FROM throttle_counters WHERE window_start < 1",
        "DELETE FROM mail_outbox WHERE sent_at < 1",
    ];
    for delete in deletes {
        let (explain, uses_index): (String, fn(&str) -> bool) = match db.backend() {
            Backend::Sqlite => (format!("EXPLAIN QUERY PLAN {delete}"), |plan| {
                plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX")
            }),
            // Without statistics on empty tables PostgreSQL prefers a scan: ask what it would
            // do if scans were expensive, which shows whether an index can serve the filter.
            Backend::Postgres => (format!("EXPLAIN {delete}"), |plan| {
                plan.contains("Index") && !plan.contains("Seq Scan")
            }),
        };
        // One connection for the setting and the plan: a transaction.
        let txn = db.begin_write().await.expect("begin");
        if db.backend() == Backend::Postgres {
            txn.execute_unprepared("SET LOCAL enable_seqscan = off")
                .await
                .expect("set");
        }
        let rows = txn
            .query_all_raw(sea_orm::Statement::from_string(backend, explain.clone()))
            .await
            .expect("explain");
        txn.rollback().await.expect("rollback");
        let plan: Vec<String> = rows
            .iter()
            .map(|row| {
                (0..4)
                    .filter_map(|i| row.try_get_by_index::<String>(i).ok())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let plan = plan.join("\n");
        assert!(uses_index(&plan), "{delete}:\n{plan}");
    }
}

/// SQLite: the log of customer changes (what tells a node's remembered reads what changed) is
/// kept to its last 10,000 rows, pruned a bounded batch per transaction however long it grew (a
/// bulk import logs a row per changed row), and a node that had not read the pruned rows
/// forgets what it remembered rather than serve it.
#[tokio::test]
async fn the_log_of_customer_changes_is_kept_to_its_last_rows() {
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    if app.config.database_url.is_some() {
        return;
    }
    let token = app.signed_in_customer("logged@example.com").await;
    let read = |token: String| {
        let app = &app;
        async move { app.graphql(READ, json!({ "token": token })).await }
    };
    let first = read(token.clone()).await;
    // A change of this customer made behind the app's back, then 25,000 changes of nobody in
    // particular: the customer's row is pruned before the node looked.
    execute(&app, "UPDATE customers SET first_name = 'Pruned'").await;
    execute(
        &app,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000) \
         INSERT INTO customer_read_changes (customer_id) SELECT -i FROM n",
    )
    .await;
    let retention = app.config.housekeeping.retention();
    app.app.accounts.purge(retention).await.expect("purge");
    assert_eq!(count(&app, "customer_read_changes").await, 10_000);
    let after = read(token).await;
    assert_ne!(after, first);
    assert_eq!(after["data"]["customer"]["firstName"], "Pruned", "{after}");
}
