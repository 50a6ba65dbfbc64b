//! The answers to storefront customer reads a node remembers (`database.customer_read_cache_mib`):
//! a repeated read costs no statement, and every change to what it shows is in the very next
//! read, whoever made it: a storefront mutation, the admin API, an order from Shopify, a
//! metafield definition, a write behind the app's back. On both databases; a second node is
//! `scale_out.rs`'s.

use serde_json::{Value, json};

use crate::support::orders::{app_with_webhooks, deliver, of_customer, order};
use crate::support::{TestApp, database};

const SHOW: &str = "query($t: String!) { customer(customerAccessToken: $t) {
  id firstName lastName
  defaultAddress { address1 }
  addresses(first: 5) { nodes { id address1 } }
  orders(first: 5) { nodes { name } }
} }";

const UPDATE: &str = "mutation($t: String!, $c: CustomerUpdateInput!) {
  customerUpdate(customerAccessToken: $t, customer: $c) { customerUserErrors { code message } }
}";

const ADD_ADDRESS: &str = "mutation($t: String!, $a: MailingAddressInput!) {
  customerAddressCreate(customerAccessToken: $t, address: $a) {
    customerAddress { id } customerUserErrors { code message }
  }
}";

const CHANGE_ADDRESS: &str = "mutation($t: String!, $id: ID!, $a: MailingAddressInput!) {
  customerAddressUpdate(customerAccessToken: $t, id: $id, address: $a) { customerUserErrors { code message } }
}";

const MAKE_DEFAULT: &str = "mutation($t: String!, $id: ID!) {
  customerDefaultAddressUpdate(customerAccessToken: $t, addressId: $id) { customerUserErrors { code message } }
}";

const REMOVE_ADDRESS: &str = "mutation($t: String!, $id: ID!) {
  customerAddressDelete(customerAccessToken: $t, id: $id) { deletedCustomerAddressId customerUserErrors { code message } }
}";

const LOG_OUT: &str = "mutation($t: String!) {
  customerAccessTokenDelete(customerAccessToken: $t) { deletedAccessToken }
}";

fn statements(app: &TestApp) -> u64 {
    app.app.accounts.database().statements_executed()
}

/// Answers the node served from memory.
fn hits(app: &TestApp) -> u64 {
    app.app
        .accounts
        .database()
        .customer_read_cache()
        .map_or(0, |cache| cache.hits())
}

/// Bytes of answers the node remembers.
fn remembered_bytes(app: &TestApp) -> usize {
    app.app
        .accounts
        .database()
        .customer_read_cache()
        .map_or(0, |cache| cache.bytes())
}

async fn show(app: &TestApp, token: &str) -> Value {
    let response = app.graphql(SHOW, json!({ "t": token })).await;
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["customer"].clone()
}

/// Reads twice: the second answer is the node's remembered one (not a statement), and the same.
async fn read_twice(app: &TestApp, token: &str) -> Value {
    let first = show(app, token).await;
    let (before, hits_before) = (statements(app), hits(app));
    let second = show(app, token).await;
    assert_eq!(hits(app) - hits_before, 1, "the second read is remembered");
    if app.config.database_url.is_none() {
        // On PostgreSQL the wait for the marker lets the node's background work (webhook
        // deliveries) run statements meanwhile.
        assert_eq!(statements(app) - before, 0, "and runs no statement");
    }
    assert_eq!(first, second);
    first
}

/// What the next read shows after a change made outside any request of this node: at once, on
/// SQLite (the read checks for commits first) and on PostgreSQL (a remembered answer is served
/// only after a marker sent after every earlier commit has come back).
async fn next_read(app: &TestApp, token: &str, shows: impl Fn(&Value) -> bool) -> Value {
    let read = show(app, token).await;
    assert!(shows(&read), "the change is not read: {read}");
    read
}

async fn mutate(app: &TestApp, query: &str, variables: Value) -> Value {
    let response = app.graphql(query, variables).await;
    assert!(response.get("errors").is_none(), "{response}");
    let payload = response["data"]
        .as_object()
        .and_then(|fields| fields.values().next())
        .cloned()
        .unwrap_or_default();
    if let Some(errors) = payload.get("customerUserErrors") {
        assert_eq!(errors, &json!([]), "{response}");
    }
    payload
}

fn address(line: &str) -> Value {
    json!({ "address1": line, "city": "Ottawa", "country": "Canada", "province": "Ontario", "zip": "K1A 0B1" })
}

#[tokio::test]
async fn a_repeated_read_costs_no_statement_and_every_change_is_in_the_next_read() {
    let app = app_with_webhooks().await;
    let token = app.signed_in_customer("remembered@example.com").await;
    let second_session = app
        .login("remembered@example.com", crate::support::PASSWORD)
        .await["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("a second session")
        .to_owned();
    let other = app.signed_in_customer("someone-else@example.com").await;
    let first = read_twice(&app, &token).await;
    let id = first["id"].as_str().expect("an id").to_owned();
    let theirs = read_twice(&app, &other).await;
    assert_ne!(theirs["id"], first["id"], "each token its own answer");

    mutate(
        &app,
        UPDATE,
        json!({ "t": token, "c": { "firstName": "Ada" } }),
    )
    .await;
    assert_eq!(read_twice(&app, &token).await["firstName"], "Ada");
    // The same customer read with another token learns it too.
    assert_eq!(read_twice(&app, &second_session).await["firstName"], "Ada");

    let created = mutate(
        &app,
        ADD_ADDRESS,
        json!({ "t": token, "a": address("1 First St") }),
    )
    .await;
    let first_address = created["customerAddress"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let read = read_twice(&app, &token).await;
    assert_eq!(read["addresses"]["nodes"][0]["address1"], "1 First St");
    assert_eq!(read["defaultAddress"]["address1"], "1 First St");
    let created = mutate(
        &app,
        ADD_ADDRESS,
        json!({ "t": token, "a": address("2 Second St") }),
    )
    .await;
    let second_address = created["customerAddress"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    assert_eq!(
        read_twice(&app, &token).await["addresses"]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    mutate(
        &app,
        MAKE_DEFAULT,
        json!({ "t": token, "id": second_address }),
    )
    .await;
    assert_eq!(
        read_twice(&app, &token).await["defaultAddress"]["address1"],
        "2 Second St"
    );
    mutate(
        &app,
        CHANGE_ADDRESS,
        json!({ "t": token, "id": second_address, "a": address("22 Second St") }),
    )
    .await;
    assert_eq!(
        read_twice(&app, &token).await["defaultAddress"]["address1"],
        "22 Second St"
    );
    mutate(
        &app,
        REMOVE_ADDRESS,
        json!({ "t": token, "id": first_address }),
    )
    .await;
    assert_eq!(
        read_twice(&app, &token).await["addresses"]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // The admin API.
    let admin = app.admin_token("write_customers").await;
    let updated = app
        .admin(
            &admin,
            "mutation($input: CustomerInput!) { customerUpdate(input: $input) { userErrors { message } } }",
            json!({ "input": { "id": id, "lastName": "Lovelace" } }),
        )
        .await;
    assert_eq!(
        updated["data"]["customerUpdate"]["userErrors"],
        json!([]),
        "{updated}"
    );
    assert_eq!(read_twice(&app, &token).await["lastName"], "Lovelace");

    // An order from Shopify's webhook (not a GraphQL request: the receiver too answers only once
    // its change reached the node's remembered reads).
    let number: u64 = id
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number");
    let placed = of_customer(
        order(5001, 1001, "remembered@example.com"),
        number,
        "remembered@example.com",
    );
    deliver(&app, "orders/create", "event-5001", &placed).await;
    let read = read_twice(&app, &token).await;
    assert_eq!(read["orders"]["nodes"], json!([{ "name": "#1001" }]));

    // The other customer's answer was never touched: still remembered.
    let before = hits(&app);
    assert_eq!(show(&app, &other).await, theirs);
    assert_eq!(hits(&app) - before, 1);

    // Logging out ends that session's answers; the other session's go on.
    mutate(&app, LOG_OUT, json!({ "t": token })).await;
    assert_eq!(show(&app, &token).await, Value::Null);
    assert_eq!(show(&app, &second_session).await["lastName"], "Lovelace");
}

#[tokio::test]
async fn a_write_behind_the_apps_back_is_in_the_next_read() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("behind@example.com").await;
    let other = app.signed_in_customer("beside@example.com").await;
    read_twice(&app, &token).await;
    read_twice(&app, &other).await;
    database::execute(
        &app,
        "UPDATE customers SET first_name = 'Changed' WHERE email = 'behind@example.com'",
    )
    .await;
    next_read(&app, &token, |read| read["firstName"] == "Changed").await;

    // A shop-wide change (a shop's settings can change any answer) drops every answer.
    read_twice(&app, &other).await;
    database::execute(&app, "UPDATE shops SET name = 'Renamed'").await;
    let before = hits(&app);
    show(&app, &other).await;
    assert_eq!(hits(&app), before, "read anew after a shop changed");
    // A token expired behind the app's back reads as null at once.
    database::execute(
        &app,
        &format!(
            "UPDATE customer_access_tokens SET expires_at = {} WHERE customer_id IN \
             (SELECT id FROM customers WHERE email = 'beside@example.com')",
            crate::support::now() - 1
        ),
    )
    .await;
    next_read(&app, &other, Value::is_null).await;
}

#[tokio::test]
async fn a_node_that_lost_its_listening_connection_forgets_the_reads_it_remembered() {
    if std::env::var_os("TEST_POSTGRES_URL").is_none() {
        return;
    }
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("unheard@example.com").await;
    read_twice(&app, &token).await;
    database::execute(
        &app,
        "ALTER TABLE customers DISABLE TRIGGER customers_read_changed",
    )
    .await;
    database::execute(&app, "UPDATE customers SET first_name = 'Unheard'").await;
    // Nothing told the node: it still answers from what it remembered.
    let before = hits(&app);
    assert_ne!(show(&app, &token).await["firstName"], "Unheard");
    assert_eq!(hits(&app) - before, 1);

    // Until it listens again the node reads every time; once it does, it starts empty.
    database::drop_listening_connection(&app, "storefront_customer_changed").await;
    assert_eq!(show(&app, &token).await["firstName"], "Unheard");
}

#[tokio::test]
async fn unknown_tokens_and_other_reads_are_not_remembered() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("only-customer@example.com").await;
    let unknown = "0123456789abcdef0123456789abcdef";
    for query in [
        SHOW.to_owned(),
        // A read beside another root field is not one of the remembered reads.
        SHOW.replace(
            "query($t: String!) {",
            "query($t: String!) { node(id: \"gid://shopify/Order/1\") { id }",
        ),
    ] {
        for t in [unknown, token.as_str()] {
            let before = remembered_bytes(&app);
            let first = app.graphql(&query, json!({ "t": t })).await;
            assert!(first.get("errors").is_none(), "{first}");
            let remembered = remembered_bytes(&app) > before;
            assert_eq!(
                remembered,
                t == token && query == SHOW,
                "{query} with {t}: remembered {remembered}"
            );
        }
    }
}

#[tokio::test]
async fn a_node_with_the_cache_off_reads_every_time() {
    let app = TestApp::spawn_with(|config| config.database.customer_read_cache_mib = 0).await;
    let token = app.signed_in_customer("uncached@example.com").await;
    show(&app, &token).await;
    let before = statements(&app);
    show(&app, &token).await;
    assert!(statements(&app) > before);
}
