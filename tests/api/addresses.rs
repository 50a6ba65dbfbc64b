//! The address book: MailingAddress, the addresses connection, the customerAddress* mutations,
//! defaults, ids, validation, cross-customer access and node(id:).

use serde_json::{Value, json};

use crate::support::{TestApp, database};

pub const ADDRESS_FIELDS: &str = "id firstName lastName address1 address2 city company province provinceCode country countryCode countryCodeV2 zip phone name formattedArea";

pub fn create_doc() -> String {
    format!(
        "mutation Create($token: String!, $address: MailingAddressInput!) {{
  customerAddressCreate(customerAccessToken: $token, address: $address) {{
    customerAddress {{ {ADDRESS_FIELDS} }}
    customerUserErrors {{ field message code }}
    userErrors {{ field message }}
  }}
}}"
    )
}

const UPDATE: &str = "mutation Update($token: String!, $id: ID!, $address: MailingAddressInput!) {
  customerAddressUpdate(customerAccessToken: $token, id: $id, address: $address) {
    customerAddress { id address1 city province provinceCode zip phone firstName }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

const DELETE: &str = "mutation Delete($token: String!, $id: ID!) {
  customerAddressDelete(customerAccessToken: $token, id: $id) {
    deletedCustomerAddressId
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

const SET_DEFAULT: &str = "mutation SetDefault($token: String!, $addressId: ID!) {
  customerDefaultAddressUpdate(customerAccessToken: $token, addressId: $addressId) {
    customer { id defaultAddress { id address1 } }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

const BOOK: &str = "query Book($token: String!) {
  customer(customerAccessToken: $token) {
    defaultAddress { id address1 }
    addresses(first: 250) { nodes { id address1 } }
  }
}";

pub fn ottawa() -> Value {
    json!({ "address1": "1 Storefront Main St", "city": "Ottawa", "province": "Ontario", "country": "Canada", "zip": "K1A 0B1", "phone": "+1 (613) 555-0199" })
}

pub async fn add(app: &TestApp, token: &str, address: Value) -> Value {
    let response = app
        .graphql(&create_doc(), json!({ "token": token, "address": address }))
        .await;
    response["data"]["customerAddressCreate"].clone()
}

/// Adds an address that must be valid; returns its id.
pub async fn add_ok(app: &TestApp, token: &str, address1: &str) -> String {
    let payload = add(app, token, json!({ "address1": address1, "city": "Toronto", "province": "ON", "country": "CA", "zip": "M5V 2T6" })).await;
    assert_eq!(payload["customerUserErrors"], json!([]), "{payload}");
    payload["customerAddress"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn book(app: &TestApp, token: &str) -> Value {
    app.graphql(BOOK, json!({ "token": token })).await["data"]["customer"].clone()
}

fn ids(book: &Value) -> Vec<String> {
    book["addresses"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn a_new_address_is_normalized_and_takes_the_customers_names() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("book@example.com").await;
    let payload = add(&app, &token, ottawa()).await;
    let address = &payload["customerAddress"];
    let id = address["id"].as_str().expect("id");
    let numeric = id
        .strip_prefix("gid://shopify/MailingAddress/")
        .and_then(|rest| rest.strip_suffix("?model_name=CustomerAddress"))
        .expect("Shopify's id shape without the access token");
    assert!(numeric.parse::<u64>().is_ok());
    let mut without_id = address.clone();
    without_id["id"] = Value::Null;
    assert_eq!(
        without_id,
        json!({
            "id": null, "firstName": "Ada", "lastName": "Lovelace", "address1": "1 Storefront Main St",
            "address2": null, "city": "Ottawa", "company": null, "province": "Ontario", "provinceCode": "ON",
            "country": "Canada", "countryCode": "CA", "countryCodeV2": "CA", "zip": "K1A 0B1",
            "phone": "+1 (613) 555-0199", "name": "Ada Lovelace", "formattedArea": "Ottawa ON, Canada"
        })
    );
    assert_eq!(payload["customerUserErrors"], json!([]));
    assert_eq!(payload["userErrors"], json!([]));
}

#[tokio::test]
async fn formatted_follows_the_country_layout() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("formatted@example.com").await;
    let payload = add(&app, &token, json!({ "company": "Analytical Engines", "address1": "1 Main St", "address2": "Apt 2", "city": "New York", "province": "NY", "country": "US", "zip": "10001" })).await;
    let id = payload["customerAddress"]["id"].as_str().expect("id");
    let query = "query($token: String!) { customer(customerAccessToken: $token) { addresses(first: 1) { nodes {
        plain: formatted
        named: formatted(withName: true, withCompany: false)
        formattedArea province provinceCode country countryCodeV2
    } } } }";
    let response = app.graphql(query, json!({ "token": token })).await;
    let node = &response["data"]["customer"]["addresses"]["nodes"][0];
    assert_eq!(
        node["plain"],
        json!([
            "Analytical Engines",
            "1 Main St",
            "Apt 2",
            "New York, NY 10001",
            "United States"
        ])
    );
    assert_eq!(
        node["named"],
        json!([
            "Ada Lovelace",
            "1 Main St",
            "Apt 2",
            "New York, NY 10001",
            "United States"
        ])
    );
    assert_eq!(node["formattedArea"], "New York NY, United States");
    assert_eq!(node["province"], "New York");
    assert_eq!(node["countryCodeV2"], "US");
    assert!(id.ends_with("?model_name=CustomerAddress"));
}

#[tokio::test]
async fn invalid_address_fields_are_user_errors_with_paths() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("invalid-address@example.com").await;
    let payload = add(
        &app,
        &token,
        json!({ "country": "Atlantis", "firstName": "<b>x</b>", "city": "c".repeat(300) }),
    )
    .await;
    assert_eq!(payload["customerAddress"], Value::Null);
    let found: Vec<(Value, Value)> = payload["customerUserErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["field"].clone(), e["code"].clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (json!(["address", "city"]), json!("TOO_LONG")),
            (json!(["address", "firstName"]), json!("CONTAINS_HTML_TAGS")),
            (json!(["address", "country"]), json!("INVALID")),
        ]
    );
    let bad_province = add(
        &app,
        &token,
        json!({ "country": "CA", "province": "Narnia", "zip": "12345" }),
    )
    .await;
    assert_eq!(
        bad_province["customerUserErrors"],
        json!([
            { "field": ["address", "province"], "message": "Province is not valid for Canada", "code": "INVALID" },
            { "field": ["address", "zip"], "message": "Zip is not valid for Canada", "code": "INVALID" }
        ])
    );
    assert_eq!(book(&app, &token).await["addresses"]["nodes"], json!([]));
}

#[tokio::test]
async fn the_first_address_is_the_default_and_the_next_oldest_replaces_a_deleted_default() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("defaults@example.com").await;
    let first = add_ok(&app, &token, "1 First St").await;
    let second = add_ok(&app, &token, "2 Second St").await;
    let third = add_ok(&app, &token, "3 Third St").await;
    let read = book(&app, &token).await;
    assert_eq!(read["defaultAddress"]["id"], first.as_str());
    assert_eq!(
        ids(&read),
        vec![first.clone(), second.clone(), third.clone()],
        "ordered by id"
    );

    let set = app
        .graphql(SET_DEFAULT, json!({ "token": token, "addressId": third }))
        .await;
    let payload = &set["data"]["customerDefaultAddressUpdate"];
    assert_eq!(payload["customer"]["defaultAddress"]["id"], third.as_str());
    assert_eq!(payload["customerUserErrors"], json!([]));
    // Ordering does not follow the default.
    assert_eq!(
        ids(&book(&app, &token).await),
        vec![first.clone(), second.clone(), third.clone()]
    );

    let deleted = app
        .graphql(DELETE, json!({ "token": token, "id": third }))
        .await;
    assert_eq!(
        deleted["data"]["customerAddressDelete"]["deletedCustomerAddressId"],
        third.as_str()
    );
    assert_eq!(
        book(&app, &token).await["defaultAddress"]["id"],
        first.as_str()
    );
    app.graphql(DELETE, json!({ "token": token, "id": first }))
        .await;
    assert_eq!(
        book(&app, &token).await["defaultAddress"]["id"],
        second.as_str()
    );
    app.graphql(DELETE, json!({ "token": token, "id": second }))
        .await;
    let empty = book(&app, &token).await;
    assert_eq!(empty["defaultAddress"], Value::Null);
    assert_eq!(empty["addresses"]["nodes"], json!([]));
}

#[tokio::test]
async fn an_update_changes_only_what_it_sends() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("update-address@example.com").await;
    let id = add(&app, &token, ottawa()).await["customerAddress"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let response = app
        .graphql(
            UPDATE,
            json!({ "token": token, "id": id, "address": { "address1": "10 Storefront Main St", "city": "Gatineau", "province": "Quebec", "country": "Canada", "zip": "J8X 2X1" } }),
        )
        .await;
    assert_eq!(
        response["data"]["customerAddressUpdate"],
        json!({
            "customerAddress": { "id": id, "address1": "10 Storefront Main St", "city": "Gatineau", "province": "Quebec", "provinceCode": "QC", "zip": "J8X 2X1", "phone": "+1 (613) 555-0199", "firstName": "Ada" },
            "customerUserErrors": [], "userErrors": []
        })
    );
    let invalid = app
        .graphql(
            UPDATE,
            json!({ "token": token, "id": id, "address": { "zip": "not a zip" } }),
        )
        .await;
    assert_eq!(
        invalid["data"]["customerAddressUpdate"]["customerUserErrors"][0]["field"],
        json!(["address", "zip"])
    );
    assert_eq!(
        book(&app, &token).await["addresses"]["nodes"][0]["address1"],
        "10 Storefront Main St"
    );
}

#[tokio::test]
async fn another_customers_address_does_not_exist_for_you() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer("owner@example.com").await;
    let intruder = app.signed_in_customer("intruder@example.com").await;
    let id = add_ok(&app, &owner, "1 Private Rd").await;
    let not_found = |field: &str| json!([{ "field": [field], "message": "Address does not exist", "code": "NOT_FOUND" }]);

    let update = app
        .graphql(
            UPDATE,
            json!({ "token": intruder, "id": id, "address": { "address1": "stolen" } }),
        )
        .await;
    assert_eq!(
        update["data"]["customerAddressUpdate"]["customerAddress"],
        Value::Null
    );
    assert_eq!(
        update["data"]["customerAddressUpdate"]["customerUserErrors"],
        not_found("id")
    );
    let delete = app
        .graphql(DELETE, json!({ "token": intruder, "id": id }))
        .await;
    assert_eq!(
        delete["data"]["customerAddressDelete"]["deletedCustomerAddressId"],
        Value::Null
    );
    assert_eq!(
        delete["data"]["customerAddressDelete"]["customerUserErrors"],
        not_found("id")
    );
    let default = app
        .graphql(SET_DEFAULT, json!({ "token": intruder, "addressId": id }))
        .await;
    assert_eq!(
        default["data"]["customerDefaultAddressUpdate"]["customerUserErrors"],
        not_found("addressId")
    );
    // An unknown id and garbage answer the same.
    let unknown = app
        .graphql(DELETE, json!({ "token": intruder, "id": "gid://shopify/MailingAddress/1?model_name=CustomerAddress" }))
        .await;
    assert_eq!(
        unknown["data"]["customerAddressDelete"]["customerUserErrors"],
        not_found("id")
    );
    let garbage = app
        .graphql(DELETE, json!({ "token": intruder, "id": "not-a-gid" }))
        .await;
    assert_eq!(
        garbage["data"]["customerAddressDelete"]["customerUserErrors"],
        not_found("id")
    );

    let owners = book(&app, &owner).await;
    assert_eq!(
        owners["addresses"]["nodes"],
        json!([{ "id": id, "address1": "1 Private Rd" }])
    );
    assert_eq!(book(&app, &intruder).await["addresses"]["nodes"], json!([]));
}

#[tokio::test]
async fn ids_carrying_an_access_token_are_accepted_but_the_argument_decides() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer("carrier@example.com").await;
    let other = app.signed_in_customer("other-carrier@example.com").await;
    let id = add_ok(&app, &owner, "1 Token Rd").await;
    let shopify_style = format!("{id}&customer_access_token={owner}");
    let by_other = app
        .graphql(DELETE, json!({ "token": other, "id": shopify_style }))
        .await;
    assert_eq!(
        by_other["data"]["customerAddressDelete"]["customerUserErrors"][0]["code"],
        "NOT_FOUND"
    );
    let by_owner = app
        .graphql(DELETE, json!({ "token": owner, "id": shopify_style }))
        .await;
    assert_eq!(
        by_owner["data"]["customerAddressDelete"]["deletedCustomerAddressId"],
        id.as_str()
    );
}

#[tokio::test]
async fn a_bad_customer_token_is_access_denied_on_every_address_mutation() {
    let app = TestApp::spawn().await;
    let token = "0123456789abcdef0123456789abcdef";
    let id = "gid://shopify/MailingAddress/1?model_name=CustomerAddress";
    let cases = [
        ("customerAddressCreate", create_doc(), json!({ "token": token, "address": ottawa() })),
        ("customerAddressUpdate", UPDATE.to_owned(), json!({ "token": token, "id": id, "address": ottawa() })),
        ("customerAddressDelete", DELETE.to_owned(), json!({ "token": token, "id": id })),
        ("customerDefaultAddressUpdate", SET_DEFAULT.to_owned(), json!({ "token": token, "addressId": id })),
        (
            "customerUpdate",
            "mutation($token: String!) { customerUpdate(customerAccessToken: $token, customer: {firstName: \"x\"}) { customer { id } } }".to_owned(),
            json!({ "token": token }),
        ),
    ];
    for (field, query, variables) in cases {
        let response = app.graphql(&query, variables).await;
        assert_eq!(response["data"], json!({ field: null }), "{field}");
        let error = &response["errors"][0];
        assert_eq!(error["extensions"]["code"], "ACCESS_DENIED", "{field}");
        assert_eq!(
            error["message"],
            format!(
                "Access denied for {field} field. Required access: `unauthenticated_write_customers` access scope. Also: Requires valid customer access token."
            )
        );
    }
}

#[tokio::test]
async fn the_number_of_addresses_is_capped() {
    let app = TestApp::spawn_with(|config| config.customers.max_addresses = 2).await;
    let token = app.signed_in_customer("capped@example.com").await;
    add_ok(&app, &token, "1 A St").await;
    add_ok(&app, &token, "2 B St").await;
    let third = add(&app, &token, ottawa()).await;
    assert_eq!(third["customerAddress"], Value::Null);
    assert_eq!(
        third["customerUserErrors"],
        json!([{ "field": null, "message": "A customer can have at most 2 addresses", "code": "INVALID" }])
    );
}

#[tokio::test]
async fn deleting_a_customer_deletes_their_addresses() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("erase@example.com").await;
    add_ok(&app, &token, "1 Gone St").await;
    assert_eq!(database::count(&app, "customer_addresses").await, 1);
    database::execute(&app, "DELETE FROM customers").await;
    assert_eq!(database::count(&app, "customer_addresses").await, 0);
}

#[tokio::test]
async fn a_customer_read_with_addresses_costs_two_statements_however_many_customers() {
    // Without the background mail sender, whose polling would be counted too.
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    let mut tokens = Vec::new();
    for i in 0..5 {
        let token = app
            .signed_in_customer(&format!("batch{i}@example.com"))
            .await;
        add_ok(&app, &token, "1 Batch St").await;
        add_ok(&app, &token, "2 Batch St").await;
        tokens.push(token);
    }
    let query_for = |count: usize| {
        let fields: Vec<String> = (0..count)
            .map(|i| format!("c{i}: customer(customerAccessToken: \"{}\") {{ defaultAddress {{ id }} addresses(first: 5) {{ nodes {{ id }} }} }}", tokens[i]))
            .collect();
        format!("{{ {} }}", fields.join(" "))
    };
    let statements = || app.app.accounts.database().statements_executed();
    let before = statements();
    let one = app.graphql(&query_for(1), json!({})).await;
    let for_one = statements() - before;
    let before = statements();
    let five = app.graphql(&query_for(5), json!({})).await;
    let for_five = statements() - before;
    assert_eq!(
        one["data"]["c0"]["addresses"]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        five["data"]["c4"]["addresses"]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // The storefront token is remembered by the node (the sign-ins above presented it, and
    // their writes touched no token or shop): one query for the customer tokens and one for the
    // addresses, however many customers the request reads.
    assert_eq!(for_one, 2, "customer token, addresses");
    assert_eq!(
        for_five, 2,
        "five customer tokens at once, addresses at once"
    );
}

#[tokio::test]
async fn an_address_write_costs_a_fixed_number_of_statements() {
    // Without the background mail sender, whose polling would be counted too.
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    let token = app.signed_in_customer("costs@example.com").await;
    add_ok(&app, &token, "1 First St").await;
    let statements = || app.app.accounts.database().statements_executed();
    let before = statements();
    add_ok(&app, &token, "2 Second St").await;
    let written = statements() - before;
    // In one transaction: the live token with its customer, the customer locked (PostgreSQL:
    // `FOR UPDATE`; SQLite already holds the database's write lock since BEGIN, and reads
    // nothing again), the address count, the insert, and the customer's version (every change
    // of an address is a change of the customer, which an admin's `expectedVersion` notices);
    // then its event: the shop's subscriptions to `customers/update` (none here, so no body is
    // built and the customer is not read again) and the event row. On PostgreSQL, after the
    // commit, the marker notification whose return tells that the write's own signal has
    // reached this node's remembered customer reads (`store::read_cache`).
    let on_postgres = std::env::var_os("TEST_POSTGRES_URL").is_some();
    assert_eq!(written, if on_postgres { 8 } else { 6 });
}
