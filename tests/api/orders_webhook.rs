//! The receiver of Shopify's order webhooks: signatures, idempotence, ordering of versions,
//! deletion, and which shop an order lands in.

use serde_json::json;

use crate::support::TestApp;
use crate::support::database::{count, texts};
use crate::support::orders::{
    SHOPIFY_SECRET, app_with_webhooks, deliver, deliver_to, fixture, order,
};

#[tokio::test]
async fn a_bad_signature_is_401_and_stores_nothing() {
    let app = app_with_webhooks().await;
    let body = serde_json::to_vec(&fixture()).expect("JSON");
    for (handle, secret) in [
        ("default", "not-the-secret"),
        ("default", ""),
        // An unknown shop answers exactly as a wrong signature does.
        ("no-such-shop", SHOPIFY_SECRET),
        ("Not_A_Handle", SHOPIFY_SECRET),
    ] {
        let secret = if secret.is_empty() { "x" } else { secret };
        let response = deliver_to(&app, handle, "orders/create", "e1", &body, secret).await;
        assert_eq!(response.status, 401, "{handle}: {}", response.body);
        assert!(
            response
                .body
                .contains("does not match the shop's Shopify webhook secret"),
            "{}",
            response.body
        );
    }
    // A signature over other bytes than those sent.
    let signature =
        storefront::domain::shopify_webhook::sign(b"{}", SHOPIFY_SECRET.as_bytes()).expect("sign");
    let request = axum::http::Request::post("/webhooks/shopify/default/orders")
        .header("X-Shopify-Hmac-Sha256", signature)
        .header("X-Shopify-Topic", "orders/create")
        .header("X-Shopify-Shop-Domain", "northwind-coffee.myshopify.com")
        .header("X-Shopify-API-Version", "2026-04")
        .header("X-Shopify-Webhook-Id", "w")
        .body(axum::body::Body::from(body.clone()))
        .expect("request");
    assert_eq!(app.request(request).await.status, 401);
    assert_eq!(count(&app, "orders").await, 0);
    assert_eq!(count(&app, "shopify_webhook_events").await, 0);
}

#[tokio::test]
async fn a_shop_without_a_shopify_secret_refuses_every_delivery() {
    let app = TestApp::spawn().await;
    let body = serde_json::to_vec(&fixture()).expect("JSON");
    let response = deliver_to(
        &app,
        "default",
        "orders/create",
        "e1",
        &body,
        SHOPIFY_SECRET,
    )
    .await;
    assert_eq!(response.status, 401);
    assert_eq!(count(&app, "orders").await, 0);
}

#[tokio::test]
async fn the_same_delivery_three_times_stores_one_order() {
    let app = app_with_webhooks().await;
    let order = fixture();
    assert_eq!(
        deliver(&app, "orders/create", "event-1", &order).await,
        "created"
    );
    assert_eq!(
        deliver(&app, "orders/create", "event-1", &order).await,
        "duplicate"
    );
    assert_eq!(
        deliver(&app, "orders/create", "event-1", &order).await,
        "duplicate"
    );
    assert_eq!(count(&app, "orders").await, 1);
    // Another event carrying the same version changes nothing either.
    assert_eq!(
        deliver(&app, "orders/paid", "event-2", &order).await,
        "unchanged"
    );
    assert_eq!(count(&app, "orders").await, 1);
}

#[tokio::test]
async fn an_older_update_changes_nothing_and_a_newer_one_replaces() {
    let app = app_with_webhooks().await;
    let mut order = fixture();
    deliver(&app, "orders/create", "e1", &order).await;

    let mut older = order.clone();
    older["name"] = json!("#OLD");
    older["updated_at"] = json!("2026-01-03T10:14:59-05:00");
    assert_eq!(
        deliver(&app, "orders/updated", "e2", &older).await,
        "unchanged"
    );
    assert_eq!(
        texts(&app, "SELECT name FROM orders").await,
        vec!["#1843".to_owned()]
    );

    order["name"] = json!("#NEW");
    order["updated_at"] = json!("2026-01-03T10:15:01-05:00");
    assert_eq!(
        deliver(&app, "orders/updated", "e3", &order).await,
        "updated"
    );
    assert_eq!(
        texts(&app, "SELECT name FROM orders").await,
        vec!["#NEW".to_owned()]
    );

    // A retried delivery of the older version after the newer one: still the newer.
    assert_eq!(
        deliver(&app, "orders/updated", "e2-retry", &older).await,
        "unchanged"
    );
    assert_eq!(
        texts(&app, "SELECT name FROM orders").await,
        vec!["#NEW".to_owned()]
    );
}

#[tokio::test]
async fn a_deleted_order_stays_deleted() {
    let app = app_with_webhooks().await;
    let order = fixture();
    deliver(&app, "orders/create", "e1", &order).await;
    let id = order["id"].clone();
    assert_eq!(
        deliver(&app, "orders/delete", "e2", &json!({ "id": id })).await,
        "deleted"
    );
    assert_eq!(
        texts(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM orders WHERE document IS NULL AND deleted_at IS NOT NULL").await,
        vec!["1".to_owned()]
    );
    // A late update (a retry from before the deletion) does not bring it back.
    let mut late = order.clone();
    late["updated_at"] = json!("2027-01-01T00:00:00Z");
    assert_eq!(
        deliver(&app, "orders/updated", "e3", &late).await,
        "unchanged"
    );
    // Deleting an order never seen leaves a tombstone, so its creation arriving late is ignored.
    assert_eq!(
        deliver(&app, "orders/delete", "e4", &json!({ "id": 77 })).await,
        "deleted"
    );
    let mut never = order.clone();
    never["id"] = json!(77);
    assert_eq!(
        deliver(&app, "orders/create", "e5", &never).await,
        "unchanged"
    );
}

#[tokio::test]
async fn bodies_that_can_never_be_stored_are_400_and_say_why() {
    let app = app_with_webhooks().await;
    let mut order = fixture();
    order["line_items"][0]["price"] = json!("twelve");
    let body = serde_json::to_vec(&order).expect("JSON");
    let response = deliver_to(
        &app,
        "default",
        "orders/create",
        "e1",
        &body,
        SHOPIFY_SECRET,
    )
    .await;
    assert_eq!(response.status, 400);
    assert!(
        response.body.contains("line_items[0].price"),
        "{}",
        response.body
    );

    let response = deliver_to(
        &app,
        "default",
        "customers/create",
        "e2",
        b"{}",
        SHOPIFY_SECRET,
    )
    .await;
    assert_eq!(response.status, 400);
    assert!(
        response.body.contains("not an order topic"),
        "{}",
        response.body
    );

    let response = deliver_to(
        &app,
        "default",
        "orders/create",
        "e3",
        b"[1,2",
        SHOPIFY_SECRET,
    )
    .await;
    assert_eq!(response.status, 400);

    let too_big = vec![b' '; storefront::domain::order::MAX_BODY_BYTES + 1];
    let response = deliver_to(
        &app,
        "default",
        "orders/create",
        "e4",
        &too_big,
        SHOPIFY_SECRET,
    )
    .await;
    assert_eq!(response.status, 413);
    assert_eq!(count(&app, "orders").await, 0);
    // A refused body is not remembered as applied: once fixed, the same event is accepted.
    assert_eq!(
        deliver(&app, "orders/create", "e1", &fixture()).await,
        "created"
    );
}

#[tokio::test]
async fn each_shop_verifies_with_its_own_secret_and_keeps_its_own_orders() {
    let app = app_with_webhooks().await;
    let other_secret = "the-other-shops-secret";
    app.app
        .accounts
        .create_shop(
            "other",
            storefront::domain::shop::ShopSettings {
                name: Some("Other".into()),
                domain: Some("other.example".into()),
                shopify_webhook_secret: Some(Some(other_secret.to_owned().into())),
                ..Default::default()
            },
        )
        .await
        .expect("a second shop");
    let body = serde_json::to_vec(&order(900, 1900, "x@example.com")).expect("JSON");
    // The default shop's secret does not open the other shop, nor the reverse.
    let response = deliver_to(&app, "other", "orders/create", "e1", &body, SHOPIFY_SECRET).await;
    assert_eq!(response.status, 401);
    let response = deliver_to(&app, "default", "orders/create", "e1", &body, other_secret).await;
    assert_eq!(response.status, 401);
    let response = deliver_to(&app, "other", "orders/create", "e1", &body, other_secret).await;
    assert_eq!(response.status, 200, "{}", response.body);
    // The same order id and event id in the default shop are a different order and event.
    assert_eq!(
        deliver(
            &app,
            "orders/create",
            "e1",
            &order(900, 1900, "x@example.com")
        )
        .await,
        "created"
    );
    assert_eq!(count(&app, "orders").await, 2);
}

#[tokio::test]
async fn concurrent_topics_of_one_new_order_store_it_once() {
    let app = app_with_webhooks().await;
    let order = fixture();
    let body = serde_json::to_vec(&order).expect("JSON");
    let topics = [
        "orders/create",
        "orders/paid",
        "orders/updated",
        "orders/fulfilled",
        "orders/create",
        "orders/paid",
        "orders/updated",
        "orders/fulfilled",
    ];
    let deliveries = topics.iter().enumerate().map(|(i, topic)| {
        let app = &app;
        let body = &body;
        async move {
            deliver_to(
                app,
                "default",
                topic,
                &format!("event-{i}"),
                body,
                SHOPIFY_SECRET,
            )
            .await
        }
    });
    let responses = futures::future::join_all(deliveries).await;
    let mut created = 0;
    for response in &responses {
        assert_eq!(response.status, 200, "{}", response.body);
        if response.json()["outcome"] == "created" {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    assert_eq!(count(&app, "orders").await, 1);
}
