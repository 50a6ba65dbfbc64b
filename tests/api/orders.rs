//! The account page's orders: `Customer.orders` (sorting, paging, search, counts),
//! `numberOfOrders`, `node(id:)` for orders, and which orders an account gets.

use rand::RngCore;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::database::texts;
use crate::support::orders::{
    app_with_webhooks, app_with_webhooks_and_mail, at, deliver, import, order, prove_email_by_reset,
};
use crate::support::smtp::SmtpServer;

const ACCOUNT_PAGE: &str = "query($token: String!, $first: Int, $last: Int, $after: String, $before: String, $sortKey: OrderSortKeys, $reverse: Boolean, $query: String) {
  customer(customerAccessToken: $token) {
    numberOfOrders
    orders(first: $first, last: $last, after: $after, before: $before, sortKey: $sortKey, reverse: $reverse, query: $query) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id name orderNumber processedAt totalPrice { amount currencyCode } } }
    }
  }
}";

async fn page(app: &TestApp, token: &str, args: Value) -> Value {
    let mut variables = args;
    variables["token"] = json!(token);
    let response = app.graphql(ACCOUNT_PAGE, variables).await;
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["customer"].clone()
}

fn names(customer: &Value) -> Vec<String> {
    customer["orders"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["name"].as_str().expect("name").to_owned())
        .collect()
}

fn numeric_id(gid: &Value) -> u64 {
    gid.as_str()
        .and_then(|g| g.rsplit('/').next())
        .and_then(|n| n.parse().ok())
        .expect("a numeric id")
}

/// A proven customer with three orders: #1001 (Jan, 30.00), #1002 (Mar, 10.50), #1003 (Feb, 99.90).
async fn customer_with_three_orders() -> (TestApp, SmtpServer, String) {
    let smtp = SmtpServer::start();
    let app = app_with_webhooks_and_mail(&smtp).await;
    app.create_customer("buyer@example.com").await;
    for (id, number, when, total) in [
        (5001, 1001, "2026-01-10T10:00:00Z", "30.00"),
        (5002, 1002, "2026-03-10T10:00:00Z", "10.50"),
        (5003, 1003, "2026-02-10T10:00:00Z", "99.90"),
    ] {
        let order = at(order(id, number, "Buyer@Example.com"), when, total);
        deliver(&app, "orders/create", &format!("create-{id}"), &order).await;
    }
    let token = prove_email_by_reset(&app, &smtp, "buyer@example.com", 0).await;
    (app, smtp, token)
}

#[tokio::test]
async fn the_account_page_lists_sorts_pages_and_counts_orders() {
    let (app, _smtp, token) = customer_with_three_orders().await;

    let all = page(&app, &token, json!({ "first": 10 })).await;
    assert_eq!(all["numberOfOrders"], "3");
    assert_eq!(all["orders"]["totalCount"], "3");
    assert_eq!(names(&all), ["#1001", "#1002", "#1003"]);
    let first = &all["orders"]["edges"][0]["node"];
    assert_eq!(first["orderNumber"], 1001);
    assert_eq!(first["processedAt"], "2026-01-10T10:00:00Z");
    assert_eq!(
        first["totalPrice"],
        json!({ "amount": "30.0", "currencyCode": "CAD" })
    );

    // Hydrogen's account page: newest first.
    let newest = page(
        &app,
        &token,
        json!({ "first": 10, "sortKey": "PROCESSED_AT", "reverse": true }),
    )
    .await;
    assert_eq!(names(&newest), ["#1002", "#1003", "#1001"]);
    let by_price = page(
        &app,
        &token,
        json!({ "first": 10, "sortKey": "TOTAL_PRICE" }),
    )
    .await;
    assert_eq!(names(&by_price), ["#1002", "#1001", "#1003"]);

    // Page by page in both directions, in a non-id order.
    let one = page(
        &app,
        &token,
        json!({ "first": 1, "sortKey": "PROCESSED_AT" }),
    )
    .await;
    assert_eq!(names(&one), ["#1001"]);
    assert_eq!(one["orders"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(one["orders"]["pageInfo"]["hasPreviousPage"], false);
    let cursor = one["orders"]["pageInfo"]["endCursor"].clone();
    let two = page(
        &app,
        &token,
        json!({ "first": 5, "after": cursor, "sortKey": "PROCESSED_AT" }),
    )
    .await;
    assert_eq!(names(&two), ["#1003", "#1002"]);
    assert_eq!(two["orders"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(two["orders"]["pageInfo"]["hasPreviousPage"], true);
    let back = page(
        &app,
        &token,
        json!({ "last": 1, "before": two["orders"]["pageInfo"]["endCursor"], "sortKey": "PROCESSED_AT" }),
    )
    .await;
    assert_eq!(names(&back), ["#1003"]);
    assert_eq!(back["orders"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(back["orders"]["pageInfo"]["hasPreviousPage"], true);
    let tail = page(&app, &token, json!({ "last": 2 })).await;
    assert_eq!(names(&tail), ["#1002", "#1003"]);

    // Search: processed_at with comparators, id and name.
    let since = page(
        &app,
        &token,
        json!({ "first": 10, "query": "processed_at:>=2026-02-01" }),
    )
    .await;
    assert_eq!(names(&since), ["#1002", "#1003"]);
    assert_eq!(since["orders"]["totalCount"], "2");
    assert_eq!(since["numberOfOrders"], "3");
    let window = page(
        &app,
        &token,
        json!({ "first": 10, "query": "processed_at:>2026-01-10T10:00:00Z processed_at:<2026-03-01" }),
    )
    .await;
    assert_eq!(names(&window), ["#1003"]);
    let by_id = page(&app, &token, json!({ "first": 10, "query": "id:5002" })).await;
    assert_eq!(names(&by_id), ["#1002"]);
    let by_name = page(&app, &token, json!({ "first": 10, "query": "name:1003" })).await;
    assert_eq!(names(&by_name), ["#1003"]);
    let nothing = page(
        &app,
        &token,
        json!({ "first": 10, "query": "id:not-a-number" }),
    )
    .await;
    assert_eq!(names(&nothing), Vec::<String>::new());
    assert_eq!(nothing["orders"]["totalCount"], "0");
}

#[tokio::test]
async fn page_sizes_and_cursors_are_checked() {
    let (app, _smtp, token) = customer_with_three_orders().await;
    for (args, message) in [
        (json!({ "first": 251 }), "first must be between 0 and 250"),
        (json!({}), "you must provide one of first or last"),
        (
            json!({ "first": 1, "after": "bm90IGEgY3Vyc29y" }),
            "after is not a valid cursor",
        ),
    ] {
        let mut variables = args;
        variables["token"] = json!(token);
        let response = app.graphql(ACCOUNT_PAGE, variables).await;
        assert_eq!(response["errors"][0]["message"], message, "{response}");
    }
}

#[tokio::test]
async fn guest_orders_join_an_account_only_once_its_email_is_proven() {
    let smtp = SmtpServer::start();
    let app = app_with_webhooks_and_mail(&smtp).await;
    deliver(
        &app,
        "orders/create",
        "e1",
        &order(6001, 1001, "guest@example.com"),
    )
    .await;
    deliver(
        &app,
        "orders/create",
        "e2",
        &order(6002, 1002, "GUEST@example.com "),
    )
    .await;

    // Whoever signs up with the address first does not read its orders.
    let token = app.signed_in_customer("guest@example.com").await;
    let before = page(&app, &token, json!({ "first": 10 })).await;
    assert_eq!(before["numberOfOrders"], "0");
    assert_eq!(names(&before), Vec::<String>::new());

    // Once the mailbox's owner resets the password from the mail, the orders are theirs.
    let token = prove_email_by_reset(&app, &smtp, "guest@example.com", 0).await;
    let after = page(&app, &token, json!({ "first": 10 })).await;
    assert_eq!(after["numberOfOrders"], "2");
    assert_eq!(names(&after), ["#1001", "#1002"]);

    // A later order with the proven address joins at once.
    deliver(
        &app,
        "orders/create",
        "e3",
        &order(6003, 1003, "guest@example.com"),
    )
    .await;
    assert_eq!(
        page(&app, &token, json!({ "first": 10 })).await["numberOfOrders"],
        "3"
    );
    // The operator sees whether and how the address was proven.
    let record = app
        .app
        .shop()
        .customer_admin()
        .find_customer("guest@example.com")
        .await
        .expect("looked up")
        .expect("the customer");
    let summary = storefront::accounts::CustomerSummary::from(&record);
    assert_eq!(summary.email_verified_by, Some("reset"));
    assert!(summary.email_verified_at.is_some_and(|at| at > 0));

    // A new address is not proven; the orders already linked stay.
    let update = app
        .graphql(
            "mutation($token: String!) { customerUpdate(customerAccessToken: $token, customer: { email: \"moved@example.com\" }) { customerUserErrors { code } } }",
            json!({ "token": token }),
        )
        .await;
    assert_eq!(
        update["data"]["customerUpdate"]["customerUserErrors"],
        json!([]),
        "{update}"
    );
    let record = app
        .app
        .shop()
        .customer_admin()
        .find_customer("moved@example.com")
        .await
        .expect("looked up")
        .expect("the customer");
    assert_eq!(record.email_proof, None);
    let token = app.signed_in_customer_existing("moved@example.com").await;
    assert_eq!(
        page(&app, &token, json!({ "first": 10 })).await["numberOfOrders"],
        "3"
    );
}

#[tokio::test]
async fn an_order_that_names_the_customer_is_theirs_at_once_and_follows_an_email_change() {
    let app = app_with_webhooks().await;
    let customer = app.create_customer("named@example.com").await;
    let token = app.signed_in_customer_existing("named@example.com").await;
    let mut named = order(7001, 1001, "someone-else@example.com");
    named["customer"] = json!({ "id": numeric_id(&customer["id"]), "email": "named@example.com" });
    deliver(&app, "orders/create", "e1", &named).await;
    assert_eq!(
        names(&page(&app, &token, json!({ "first": 5 })).await),
        ["#1001"]
    );

    let update = app
        .graphql(
            "mutation($token: String!) { customerUpdate(customerAccessToken: $token, customer: { email: \"renamed@example.com\" }) { customerAccessToken { accessToken } customerUserErrors { code } } }",
            json!({ "token": token }),
        )
        .await;
    let token = update["data"]["customerUpdate"]["customerAccessToken"]["accessToken"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or(token);
    assert_eq!(
        names(&page(&app, &token, json!({ "first": 5 })).await),
        ["#1001"]
    );
}

const ORDER_BY_ID: &str = "query($id: ID!) { node(id: $id) { __typename ... on Order { id name email statusUrl customerUrl } } }";

#[tokio::test]
async fn an_order_id_with_its_key_reads_the_order_and_nothing_else_does() {
    let (app, _smtp, token) = customer_with_three_orders().await;
    let listed = page(&app, &token, json!({ "first": 1 })).await;
    let id = listed["orders"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (base, key) = id.split_once("?key=").expect("a key in the id");
    assert_eq!(key.len(), 32);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));

    // The demo store's way: the storefront token only, and the id with its key.
    let found = app.graphql(ORDER_BY_ID, json!({ "id": id })).await;
    assert_eq!(found["data"]["node"]["name"], "#1001", "{found}");
    assert_eq!(found["data"]["node"]["id"], id.as_str());
    let status = found["data"]["node"]["statusUrl"]
        .as_str()
        .expect("status url");
    assert_eq!(
        status,
        format!("https://localhost:3000/account/orders/5001?key={key}")
    );

    let mut wrong = key.to_owned().into_bytes();
    wrong[0] = if wrong[0] == b'a' { b'b' } else { b'a' };
    let wrong = format!("{base}?key={}", String::from_utf8(wrong).expect("hex"));
    for not_readable in [
        wrong.as_str(),
        base,
        "gid://shopify/Order/5001?key=short",
        "gid://shopify/Order/999999?key=00000000000000000000000000000000",
    ] {
        let response = app
            .graphql(ORDER_BY_ID, json!({ "id": not_readable }))
            .await;
        assert_eq!(
            response["data"]["node"],
            Value::Null,
            "{not_readable}: {response}"
        );
        assert!(response.get("errors").is_none(), "{response}");
    }

    // The owner, named by @inContext(buyer:), reads it without the key; another customer not.
    let by_owner = "query($id: ID!, $buyer: String!) @inContext(buyer: {customerAccessToken: $buyer}) { node(id: $id) { ... on Order { name } } }";
    let owned = app
        .graphql(by_owner, json!({ "id": base, "buyer": token }))
        .await;
    assert_eq!(owned["data"]["node"]["name"], "#1001", "{owned}");
    let stranger = app.signed_in_customer("stranger@example.com").await;
    let refused = app
        .graphql(by_owner, json!({ "id": base, "buyer": stranger }))
        .await;
    assert_eq!(refused["data"]["node"], Value::Null);

    // An order's address is read through its order, never as a node of its own.
    let address = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Order { shippingAddress { id city } } } }",
            json!({ "id": id }),
        )
        .await;
    let address_id = address["data"]["node"]["shippingAddress"]["id"]
        .as_str()
        .expect("an address id")
        .to_owned();
    assert!(address_id.ends_with("?model_name=Address"), "{address_id}");
    let as_node = "query($id: ID!, $buyer: String!) @inContext(buyer: {customerAccessToken: $buyer}) { node(id: $id) { id } }";
    let node = app
        .graphql(as_node, json!({ "id": address_id, "buyer": token }))
        .await;
    assert_eq!(node["data"]["node"], Value::Null, "{node}");
}

#[tokio::test]
async fn ten_thousand_random_keys_for_real_orders_read_nothing() {
    let app = app_with_webhooks().await;
    let orders: Vec<Value> = (0..20)
        .map(|i| order(8000 + i, 2000 + i, "k@example.com"))
        .collect();
    import(&app, &orders).await;
    let mut random = rand::thread_rng();
    let mut reads = 0;
    for round in 0..40 {
        let ids: Vec<String> = (0..250)
            .map(|i| {
                let mut key = [0u8; 16];
                random.fill_bytes(&mut key);
                format!(
                    "gid://shopify/Order/{}?key={}",
                    8000 + (round * 250 + i) % 20,
                    hex::encode(key)
                )
            })
            .collect();
        let response = app
            .graphql(
                "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id } } }",
                json!({ "ids": ids }),
            )
            .await;
        let nodes = response["data"]["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.len(), 250, "{response}");
        reads += nodes.iter().filter(|n| !n.is_null()).count();
    }
    assert_eq!(reads, 0);
}

#[tokio::test]
async fn a_deleted_customer_s_orders_are_kept_without_personal_data() {
    let (app, _smtp, _token) = customer_with_three_orders().await;
    let before = texts(
        &app,
        "SELECT document FROM orders WHERE customer_id IS NOT NULL",
    )
    .await;
    assert_eq!(before.len(), 3);
    assert!(
        before
            .iter()
            .all(|d| d.contains("buyer@example.com") || d.contains("Buyer@Example.com"))
    );
    assert!(
        app.app
            .shop()
            .customer_admin()
            .delete_customer("buyer@example.com")
            .await
            .expect("deleted")
    );
    let after = texts(&app, "SELECT document FROM orders").await;
    assert_eq!(after.len(), 3, "the orders stay");
    for document in &after {
        let lower = document.to_lowercase();
        assert!(!lower.contains("buyer@example.com"), "{document}");
        assert!(!lower.contains("lovelace"), "names are gone: {document}");
        assert!(lower.contains("line_items"), "lines stay: {document}");
    }
    assert_eq!(
        texts(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM orders WHERE customer_id IS NULL AND email_key IS NULL").await,
        vec!["3".to_owned()]
    );
}

/// Statements the account page costs, whatever the number of orders and lines.
#[tokio::test]
async fn the_account_page_costs_a_fixed_number_of_statements() {
    // No background work (the mail sender polls): every statement counted is the request's.
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    let customer = app.create_customer("busy@example.com").await;
    let token = app.signed_in_customer_existing("busy@example.com").await;
    let customer_id = numeric_id(&customer["id"]);
    let orders: Vec<Value> = (0..300u64)
        .map(|i| {
            let mut o = order(10_000 + i, 3000 + i, "busy@example.com");
            o["customer"] = json!({ "id": customer_id });
            let line = o["line_items"][0].clone();
            o["line_items"] = json!(
                (0..4)
                    .map(|n| {
                        let mut l = line.clone();
                        l["id"] = json!(n + 1);
                        l
                    })
                    .collect::<Vec<_>>()
            );
            o["fulfillments"] = json!([]);
            o
        })
        .collect();
    import(&app, &orders).await;
    let db = app.app.accounts.database();
    // The customer token and one page of orders: two statements (the node remembers the
    // storefront token the sign-in presented; the import's writes touched no token or shop).
    for query in [
        "query($t: String!) { customer(customerAccessToken: $t) { orders(first: 10) { nodes { id lineItems(first: 100) { nodes { title } } } } } }",
        "query($t: String!) { customer(customerAccessToken: $t) { orders(first: 10) { nodes { id lineItems(first: 10) { nodes { title variant { image { url } product { handle } } } } } } } }",
        "query($t: String!) { customer(customerAccessToken: $t) { orders(first: 250, sortKey: PROCESSED_AT, reverse: true) { edges { node { id lineItems(first: 2) { edges { node { title variant { image { url altText } } } } } } } } } }",
    ] {
        let before = db.statements_executed();
        let response = app.graphql(query, json!({ "t": token })).await;
        let statements = db.statements_executed() - before;
        assert!(response.get("errors").is_none(), "{response}");
        assert!(response["data"]["customer"]["orders"].is_object());
        assert_eq!(statements, 2, "statements for {query}");
    }
}

#[tokio::test]
async fn two_versions_of_a_new_order_in_one_batch_store_the_newer() {
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    let mut first = order(9301, 1301, "batch@example.com");
    first["updated_at"] = json!("2026-05-01T10:00:00Z");
    let mut second = first.clone();
    second["name"] = json!("#1301-B");
    second["updated_at"] = json!("2026-05-01T11:00:00Z");
    let mut stale = first.clone();
    stale["name"] = json!("#1301-OLD");
    stale["updated_at"] = json!("2026-05-01T09:00:00Z");
    import(&app, &[first, second, stale]).await;
    assert_eq!(
        texts(&app, "SELECT name FROM orders").await,
        vec!["#1301-B".to_owned()]
    );
}
