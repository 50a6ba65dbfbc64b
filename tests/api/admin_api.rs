//! The admin API: admin tokens and their scopes, finding customers with Shopify's search
//! syntax, changing them with versions (`expectedVersion`), tags, deletion and the audit trail.

use axum::http::StatusCode;
use futures::future::join_all;
use serde_json::{Value, json};

use crate::lifecycle::smtp_on;
use crate::shops::other_shop;
use crate::support::admin::CUSTOMER_FIELDS;
use crate::support::smtp::{SmtpServer, link};
use crate::support::{PASSWORD, TestApp};

const UNAUTHORIZED: &str =
    r#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#;

fn update_document() -> String {
    format!(
        "mutation($input: CustomerInput!, $expectedVersion: UnsignedInt64) {{ customerUpdate(input: $input, expectedVersion: $expectedVersion) {{ customer {{ {CUSTOMER_FIELDS} }} userErrors {{ field message code }} }} }}"
    )
}

const SEARCH: &str = "query($query: String, $sortKey: CustomerSortKeys, $first: Int, $after: String, $reverse: Boolean) {
  customers(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    nodes { email }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
  customersCount(query: $query) { count precision }
}";

async fn emails(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app
        .admin(token, SEARCH, json!({ "query": query, "first": 250 }))
        .await;
    assert!(response.get("errors").is_none(), "{query}: {response}");
    let found: Vec<String> = response["data"]["customers"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|node| node["email"].as_str().expect("email").to_owned())
        .collect();
    assert_eq!(
        response["data"]["customersCount"],
        json!({ "count": found.len(), "precision": "EXACT" }),
        "{query}: the count is the list's length"
    );
    found
}

#[tokio::test]
async fn only_an_active_admin_token_opens_the_admin_api() {
    let app = TestApp::spawn().await;
    let query = json!({ "query": "{ customersCount { count } }" });
    // No token, a made-up one, and the shop's storefront token in either header: 401.
    let none = app.admin_post(None, &query).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.body, UNAUTHORIZED);
    let made_up = app
        .admin_post(Some("shpat_00000000000000000000000000000000"), &query)
        .await;
    assert_eq!(made_up.status, StatusCode::UNAUTHORIZED);
    let storefront = app.admin_post(Some(&app.token), &query).await;
    assert_eq!(storefront.status, StatusCode::UNAUTHORIZED);
    let private = app.private_token().await;
    assert_eq!(
        app.admin_post(Some(&private), &query).await.status,
        StatusCode::UNAUTHORIZED
    );

    let admin = app.admin_token("read_customers").await;
    let counted = app
        .admin(&admin, "{ customersCount { count } }", json!({}))
        .await;
    assert_eq!(counted["data"]["customersCount"]["count"], 0, "{counted}");

    // Revoked: refused at the next request.
    let id = app
        .app
        .shop()
        .admin_tokens()
        .list_admin_tokens()
        .await
        .expect("tokens")[0]
        .id;
    assert!(
        app.app
            .shop()
            .admin_tokens()
            .revoke_admin_token(id)
            .await
            .expect("revoke")
    );
    assert_eq!(
        app.admin_post(Some(&admin), &query).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_admin_token_grants_nothing_on_the_storefront_path() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let customer = app.signed_in_customer("ada@example.com").await;
    let read = "query($t: String!) { customer(customerAccessToken: $t) { email } }";
    // As the storefront token: not a storefront token.
    let as_storefront = app.graphql_as(&admin, read, json!({ "t": customer })).await;
    assert_eq!(
        as_storefront["errors"][0]["extensions"]["code"], "ACCESS_DENIED",
        "{as_storefront}"
    );
    // Beside a valid storefront token, in the admin header: the storefront answer, no more.
    let response = app
        .request(
            axum::http::Request::post(crate::support::API_PATH)
                .header("content-type", "application/json")
                .header("X-Shopify-Storefront-Access-Token", &app.token)
                .header("X-Shopify-Access-Token", &admin)
                .body(axum::body::Body::from(
                    json!({ "query": "{ customers(first: 1) { nodes { id } } }" }).to_string(),
                ))
                .expect("request"),
        )
        .await;
    let body = response.json();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("customers")),
        "the storefront schema has no customer list: {body}"
    );
}

#[tokio::test]
async fn scopes_decide_what_a_token_may_do() {
    let app = TestApp::spawn().await;
    let reader = app.admin_token("read_customers").await;
    let writer = app.admin_token("write_customers").await;
    let orders_only = app.admin_token("read_orders").await;

    let create = app
        .admin(
            &reader,
            "mutation { customerCreate(input: {email: \"ro@example.com\"}) { customer { id } userErrors { message } } }",
            json!({}),
        )
        .await;
    assert_eq!(create["data"]["customerCreate"], Value::Null, "{create}");
    assert_eq!(create["errors"][0]["extensions"]["code"], "ACCESS_DENIED");
    assert_eq!(
        create["errors"][0]["message"],
        "Access denied for customerCreate field. Required access: `write_customers` access scope."
    );

    let listed = app
        .admin(
            &orders_only,
            "{ customers(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["errors"][0]["extensions"]["code"], "ACCESS_DENIED");

    // A write scope includes its read scope.
    app.admin_create(&writer, json!({ "email": "rw@example.com" }))
        .await;
    assert_eq!(emails(&app, &writer, "").await, vec!["rw@example.com"]);
    assert_eq!(emails(&app, &reader, "").await, vec!["rw@example.com"]);
}

#[tokio::test]
async fn customer_create_validates_like_sign_up_and_makes_a_disabled_customer() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let created = app
        .admin_create(
            &admin,
            json!({
                "email": "Grace@Example.com", "firstName": "Grace", "lastName": "Hopper",
                "phone": "+1 (613) 555-0199", "note": "  met at the fair ",
                "tags": ["vip, navy", "VIP"],
                "emailMarketingConsent": { "marketingState": "SUBSCRIBED" }
            }),
        )
        .await;
    assert_eq!(created["email"], "Grace@Example.com");
    assert_eq!(created["displayName"], "Grace Hopper");
    assert_eq!(created["phone"], "+16135550199");
    assert_eq!(created["state"], "DISABLED");
    assert_eq!(created["tags"], json!(["vip", "navy"]));
    assert_eq!(created["note"], "met at the fair");
    assert_eq!(created["version"], "1");
    assert_eq!(created["verifiedEmail"], false);
    assert_eq!(
        created["defaultEmailAddress"],
        json!({ "emailAddress": "Grace@Example.com", "marketingState": "SUBSCRIBED" })
    );

    let invalid = app
        .admin(
            &admin,
            "mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message code } } }",
            json!({ "input": { "email": "not-an-email", "firstName": "<b>x</b>" } }),
        )
        .await;
    let errors = &invalid["data"]["customerCreate"]["userErrors"];
    assert_eq!(invalid["data"]["customerCreate"]["customer"], Value::Null);
    assert!(
        errors
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["field"] == json!(["email"]) && e["code"] == "INVALID"),
        "{errors}"
    );
    assert!(
        errors
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["field"] == json!(["firstName"]) && e["code"] == "CONTAINS_HTML_TAGS"),
        "{errors}"
    );
    let taken = app
        .admin(
            &admin,
            "mutation { customerCreate(input: {email: \"grace@example.com\"}) { userErrors { field message code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        taken["data"]["customerCreate"]["userErrors"],
        json!([{ "field": ["email"], "message": "Email has already been taken", "code": "TAKEN" }])
    );
    // A NUL (which PostgreSQL cannot store) is the input's problem, on both databases.
    let nul = app
        .admin(
            &admin,
            "mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field code } } }",
            json!({ "input": { "email": "nul@example.com", "note": "a\u{0}b", "tags": ["x\u{0}"] } }),
        )
        .await;
    assert_eq!(
        nul["data"]["customerCreate"]["userErrors"],
        json!([{ "field": ["note"], "code": "INVALID" }, { "field": ["tags"], "code": "INVALID" }]),
        "{nul}"
    );
    let blank = app
        .admin(
            &admin,
            "mutation { customerCreate(input: {firstName: \"No\"}) { userErrors { field code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        blank["data"]["customerCreate"]["userErrors"],
        json!([{ "field": ["email"], "code": "BLANK" }])
    );
}

#[tokio::test]
async fn versions_count_every_change_and_expected_version_refuses_a_stale_write() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    // A storefront customer: its own changes count too.
    let token = app.signed_in_customer("ada@example.com").await;
    let found = app
        .admin(
            &admin,
            "{ customers(first: 1, query: \"email:ada@example.com\") { nodes { id version } } }",
            json!({}),
        )
        .await;
    let id = found["data"]["customers"]["nodes"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(found["data"]["customers"]["nodes"][0]["version"], "1");
    let address = app
        .graphql(
            "mutation($t: String!) { customerAddressCreate(customerAccessToken: $t, address: {address1: \"1 Main St\", city: \"Springfield\", country: \"US\"}) { customerUserErrors { code } } }",
            json!({ "t": token }),
        )
        .await;
    assert_eq!(
        address["data"]["customerAddressCreate"]["customerUserErrors"],
        json!([])
    );

    let update = update_document();
    let stale = app
        .admin(
            &admin,
            &update,
            json!({ "input": { "id": id, "note": "stale" }, "expectedVersion": "1" }),
        )
        .await;
    let payload = &stale["data"]["customerUpdate"];
    assert_eq!(
        payload["userErrors"],
        json!([{
            "field": ["expectedVersion"],
            "message": format!("Object {id} has a different version than expected. Expected: 1 - Actual: 2."),
            "code": "CONCURRENT_MODIFICATION"
        }])
    );
    // The current customer comes with the refusal, unchanged.
    assert_eq!(payload["customer"]["version"], "2");
    assert_eq!(payload["customer"]["note"], Value::Null);

    let applied = app
        .admin(
            &admin,
            &update,
            json!({ "input": { "id": id, "note": "fresh", "lastName": "Byron" }, "expectedVersion": "2" }),
        )
        .await;
    let customer = &applied["data"]["customerUpdate"]["customer"];
    assert_eq!(applied["data"]["customerUpdate"]["userErrors"], json!([]));
    assert_eq!(customer["version"], "3");
    assert_eq!(customer["note"], "fresh");
    assert_eq!(customer["lastName"], "Byron");
    assert_eq!(customer["firstName"], "Ada", "a field not named is kept");

    // Without a version, two updates of different fields both survive.
    let (first, second) = futures::join!(
        app.admin(
            &admin,
            &update,
            json!({ "input": { "id": id, "firstName": "Augusta" } })
        ),
        app.admin(
            &admin,
            &update,
            json!({ "input": { "id": id, "phone": "+16135550074" } })
        ),
    );
    assert_eq!(first["data"]["customerUpdate"]["userErrors"], json!([]));
    assert_eq!(second["data"]["customerUpdate"]["userErrors"], json!([]));
    let read = app
        .admin(
            &admin,
            &format!("query($id: ID!) {{ customer(id: $id) {{ {CUSTOMER_FIELDS} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(read["data"]["customer"]["firstName"], "Augusta");
    assert_eq!(read["data"]["customer"]["phone"], "+16135550074");
    assert_eq!(read["data"]["customer"]["version"], "5");

    // The customer still signs in: an admin edit shares the customer's own rules and rows.
    assert!(
        app.login("ada@example.com", PASSWORD).await["data"]["customerAccessTokenCreate"]
            ["customerAccessToken"]
            .is_object()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_updates_with_one_expected_version_apply_exactly_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let customer = app
        .admin_create(&admin, json!({ "email": "race@example.com" }))
        .await;
    let id = customer["id"].as_str().expect("id").to_owned();
    let update = update_document();
    let attempts = (0..50).map(|i| {
        app.admin(
            &admin,
            &update,
            json!({ "input": { "id": id, "note": format!("writer {i}") }, "expectedVersion": "1" }),
        )
    });
    let mut applied = Vec::new();
    let mut refused = 0;
    for response in join_all(attempts).await {
        assert!(response.get("errors").is_none(), "{response}");
        let payload = &response["data"]["customerUpdate"];
        if payload["userErrors"] == json!([]) {
            applied.push(payload["customer"]["note"].clone());
        } else {
            assert_eq!(payload["userErrors"][0]["code"], "CONCURRENT_MODIFICATION");
            assert_eq!(payload["customer"]["version"], "2", "the current version");
            refused += 1;
        }
    }
    assert_eq!((applied.len(), refused), (1, 49));
    let read = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { note version } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(read["data"]["customer"]["note"], applied[0]);
    assert_eq!(read["data"]["customer"]["version"], "2");
}

#[tokio::test]
async fn customers_are_found_with_shopifys_search_syntax() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    for (email, first, last, tags, marketing) in [
        (
            "ada@example.com",
            "Ada",
            "Lovelace",
            vec!["vip", "math", "maths-club"],
            true,
        ),
        ("adam@example.com", "Adam", "Smith", vec!["econ"], false),
        ("grace@navy.example", "Grace", "Hopper", vec!["VIP"], false),
        ("alan_t@example.com", "Alan", "Turing", vec![], true),
    ] {
        app.admin_create(
            &admin,
            json!({
                "email": email, "firstName": first, "lastName": last, "tags": tags,
                "emailMarketingConsent": { "marketingState": if marketing { "SUBSCRIBED" } else { "NOT_SUBSCRIBED" } }
            }),
        )
        .await;
    }
    app.create_customer("enabled@example.com").await;

    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("email:ada@example.com", vec!["ada@example.com"]),
        ("email:ADA@EXAMPLE.COM", vec!["ada@example.com"]),
        ("email:ada*", vec!["ada@example.com", "adam@example.com"]),
        ("email:alan_*", vec!["alan_t@example.com"]),
        ("email:alanxt*", vec![]),
        ("tag:vip", vec!["ada@example.com", "grace@navy.example"]),
        (
            "tag_not:vip",
            vec![
                "adam@example.com",
                "alan_t@example.com",
                "enabled@example.com",
            ],
        ),
        (
            "-tag:vip -tag:econ",
            vec!["alan_t@example.com", "enabled@example.com"],
        ),
        ("tag:vip AND tag:math", vec!["ada@example.com"]),
        // Two of Ada's tags start so; she is counted once.
        ("tag:math*", vec!["ada@example.com"]),
        ("tag:VIP", vec!["ada@example.com", "grace@navy.example"]),
        (
            "tag:econ OR last_name:hopper",
            vec!["adam@example.com", "grace@navy.example"],
        ),
        // The storefront sign-up is an "Ada Lovelace" too.
        (
            "first_name:ada",
            vec!["ada@example.com", "enabled@example.com"],
        ),
        (
            "first_name:ada*",
            vec!["ada@example.com", "adam@example.com", "enabled@example.com"],
        ),
        (
            "first_name:'Ada' OR first_name:\"Alan\"",
            vec![
                "ada@example.com",
                "alan_t@example.com",
                "enabled@example.com",
            ],
        ),
        ("first_name:ada -email:enabled*", vec!["ada@example.com"]),
        (
            "accepts_marketing:true",
            vec!["ada@example.com", "alan_t@example.com"],
        ),
        ("state:enabled", vec!["enabled@example.com"]),
        (
            "state:disabled tag:vip",
            vec!["ada@example.com", "grace@navy.example"],
        ),
        ("gra", vec!["grace@navy.example"]),
        ("hop", vec!["grace@navy.example"]),
        (
            "NOT (tag:vip OR state:enabled)",
            vec!["adam@example.com", "alan_t@example.com"],
        ),
        (
            "created_at:>=2000-01-01",
            vec![
                "ada@example.com",
                "adam@example.com",
                "grace@navy.example",
                "alan_t@example.com",
                "enabled@example.com",
            ],
        ),
        ("created_at:<2000-01-01", vec![]),
        ("orders_count:0 tag:math", vec!["ada@example.com"]),
        ("orders_count:>0", vec![]),
    ];
    for (query, expected) in cases {
        let mut found = emails(&app, &admin, query).await;
        found.sort();
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        expected.sort();
        assert_eq!(found, expected, "query {query:?}");
    }

    // `id:` names a customer by its number.
    let ada = app
        .admin(&admin, "{ customers(first: 1, query: \"email:ada@example.com\") { nodes { id legacyResourceId } } }", json!({}))
        .await;
    let number = ada["data"]["customers"]["nodes"][0]["legacyResourceId"]
        .as_str()
        .expect("number")
        .to_owned();
    assert_eq!(
        emails(&app, &admin, &format!("id:{number}")).await,
        vec!["ada@example.com"]
    );
}

#[tokio::test]
async fn a_malformed_search_is_a_clear_error_and_an_unknown_field_a_warning() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("read_customers").await;
    for (query, position) in [
        ("email:", 7),
        ("(tag:vip", 1),
        ("tag:vip)", 8),
        ("created_at:>yesterday", 13),
        ("email:\"unterminated", 7),
        ("OR tag:vip", 1),
    ] {
        let response = app
            .admin(&admin, SEARCH, json!({ "query": query, "first": 5 }))
            .await;
        let message = response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.starts_with(&format!("Invalid search query at position {position}:")),
            "{query:?}: {response}"
        );
        assert_eq!(response["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }

    app.admin_token("write_customers").await;
    let writer = app.admin_token("write_customers").await;
    app.admin_create(
        &writer,
        json!({ "email": "ada@example.com", "tags": ["vip"] }),
    )
    .await;
    let response = app
        .admin(
            &admin,
            "{ customers(first: 5, query: \"tag:vip colour:blue\") { nodes { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response["data"]["customers"]["nodes"],
        json!([{ "email": "ada@example.com" }]),
        "the unknown term is left out"
    );
    assert_eq!(
        response["extensions"]["search"],
        json!([{
            "path": ["customers"],
            "query": "tag:vip colour:blue",
            "warnings": [{ "field": "colour", "message": "Invalid search field for this query." }]
        }])
    );
}

#[tokio::test]
async fn pages_follow_the_sort_key_with_cursors_in_both_directions() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    for (email, first) in [
        ("c@example.com", "Carol"),
        ("a@example.com", "Alice"),
        ("e@example.com", "Erin"),
        ("b@example.com", "Bob"),
        ("d@example.com", "Dave"),
    ] {
        app.admin_create(&admin, json!({ "email": email, "firstName": first }))
            .await;
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .admin(
                &admin,
                SEARCH,
                json!({ "first": 2, "after": after, "sortKey": "NAME" }),
            )
            .await;
        let connection = &page["data"]["customers"];
        for node in connection["nodes"].as_array().expect("nodes") {
            seen.push(node["email"].as_str().expect("email").to_owned());
        }
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], after.is_some());
        if connection["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = connection["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(
        seen,
        ["a", "b", "c", "d", "e"].map(|l| format!("{l}@example.com"))
    );
    let reversed = app
        .admin(
            &admin,
            SEARCH,
            json!({ "first": 2, "sortKey": "NAME", "reverse": true }),
        )
        .await;
    assert_eq!(
        reversed["data"]["customers"]["nodes"],
        json!([{ "email": "e@example.com" }, { "email": "d@example.com" }])
    );
    let last = app
        .admin(
            &admin,
            "{ customers(last: 2, sortKey: CREATED_AT) { nodes { email } pageInfo { hasPreviousPage hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        last["data"]["customers"]["nodes"],
        json!([{ "email": "b@example.com" }, { "email": "d@example.com" }])
    );
    assert_eq!(
        last["data"]["customers"]["pageInfo"]["hasPreviousPage"],
        true
    );
    let wrong = app.admin(&admin, SEARCH, json!({ "first": 251 })).await;
    assert_eq!(wrong["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    let bad_cursor = app
        .admin(&admin, SEARCH, json!({ "first": 2, "after": "nope" }))
        .await;
    assert_eq!(bad_cursor["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn tags_are_added_and_removed_and_searchable_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let customer = app
        .admin_create(
            &admin,
            json!({ "email": "ada@example.com", "tags": ["early"] }),
        )
        .await;
    let id = customer["id"].as_str().expect("id");
    let add = app
        .admin(
            &admin,
            "mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id ... on Customer { tags version } } userErrors { field message code } } }",
            json!({ "id": id, "tags": ["Gold, EARLY", "wholesale"] }),
        )
        .await;
    assert_eq!(add["data"]["tagsAdd"]["userErrors"], json!([]), "{add}");
    assert_eq!(
        add["data"]["tagsAdd"]["node"]["tags"],
        json!(["early", "Gold", "wholesale"])
    );
    assert_eq!(add["data"]["tagsAdd"]["node"]["version"], "2");
    assert_eq!(
        emails(&app, &admin, "tag:gold").await,
        vec!["ada@example.com"]
    );
    let remove = app
        .admin(
            &admin,
            "mutation($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { node { ... on Customer { tags } } userErrors { field message code } } }",
            json!({ "id": id, "tags": ["GOLD"] }),
        )
        .await;
    assert_eq!(
        remove["data"]["tagsRemove"]["node"]["tags"],
        json!(["early", "wholesale"])
    );
    assert!(emails(&app, &admin, "tag:gold").await.is_empty());
    let unknown = app
        .admin(
            &admin,
            "mutation { tagsAdd(id: \"gid://shopify/Customer/1\", tags: [\"x\"]) { node { id } userErrors { field message code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        unknown["data"]["tagsAdd"]["userErrors"],
        json!([{ "field": ["id"], "message": "Customer does not exist", "code": "NOT_FOUND" }])
    );
}

#[tokio::test]
async fn delete_erases_the_customer_and_the_trail_names_each_action() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let token = app.signed_in_customer("ada@example.com").await;
    let ada = app
        .admin(
            &admin,
            "{ customerByIdentifier(identifier: {emailAddress: \"ADA@example.com\"}) { id } }",
            json!({}),
        )
        .await;
    let id = ada["data"]["customerByIdentifier"]["id"]
        .as_str()
        .expect("found by email")
        .to_owned();
    let nobody = app
        .admin(
            &admin,
            "query($e: String!) { customerByIdentifier(identifier: {emailAddress: $e}) { id } }",
            json!({ "e": "ada\u{0}@example.com" }),
        )
        .await;
    assert_eq!(nobody, json!({ "data": { "customerByIdentifier": null } }));
    app.admin(
        &admin,
        &update_document(),
        json!({ "input": { "id": id, "note": "n" } }),
    )
    .await;
    let revoked = app
        .admin(
            &admin,
            "mutation($id: ID!) { customerRevokeAccessTokens(customerId: $id) { customerId revokedCount userErrors { field } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        revoked["data"]["customerRevokeAccessTokens"]["revokedCount"],
        1
    );
    let read = app
        .graphql(
            "query($t: String!) { customer(customerAccessToken: $t) { email } }",
            json!({ "t": token }),
        )
        .await;
    assert_eq!(
        read["data"]["customer"],
        Value::Null,
        "logged out everywhere"
    );

    let deleted = app
        .admin(
            &admin,
            "mutation($id: ID!) { customerDelete(input: {id: $id}) { deletedCustomerId userErrors { field message code } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(deleted["data"]["customerDelete"]["deletedCustomerId"], id);
    let again = app
        .admin(
            &admin,
            "mutation($id: ID!) { customerDelete(input: {id: $id}) { deletedCustomerId userErrors { field message code } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        again["data"]["customerDelete"]["userErrors"],
        json!([{ "field": ["id"], "message": "Customer does not exist", "code": "NOT_FOUND" }])
    );
    let gone = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(gone["data"]["customer"], Value::Null);
    assert!(
        app.login("ada@example.com", PASSWORD).await["data"]["customerAccessTokenCreate"]
            ["customerAccessToken"]
            .is_null()
    );

    let trail = app
        .admin(
            &admin,
            "query($id: ID!) { customerAuditLog(customerId: $id) { action adminTokenId versionBefore versionAfter at } }",
            json!({ "id": id }),
        )
        .await;
    let entries = trail["data"]["customerAuditLog"]
        .as_array()
        .expect("entries");
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "customer_delete",
            "customer_revoke_access_tokens",
            "customer_update"
        ]
    );
    assert_eq!(entries[2]["versionBefore"], "1");
    assert_eq!(entries[2]["versionAfter"], "2");
    assert_eq!(entries[0]["versionAfter"], Value::Null);
    let token_id = app
        .app
        .shop()
        .admin_tokens()
        .list_admin_tokens()
        .await
        .expect("tokens")[0]
        .id;
    assert!(
        entries
            .iter()
            .all(|e| e["adminTokenId"] == format!("gid://shopify/AdminAccessToken/{token_id}"))
    );
}

#[tokio::test]
async fn an_admin_token_sees_and_changes_only_its_own_shop() {
    let app = TestApp::spawn().await;
    let home = app.admin_token("write_customers").await;
    let ada = app
        .admin_create(&home, json!({ "email": "ada@example.com" }))
        .await;
    other_shop(&app, "brand-b", None).await;
    let theirs = app.admin_token_of("brand-b", "write_customers").await;
    assert!(emails(&app, &theirs, "").await.is_empty());
    let read = app
        .admin(
            &theirs,
            "query($id: ID!) { customer(id: $id) { id } }",
            json!({ "id": ada["id"] }),
        )
        .await;
    assert_eq!(read["data"]["customer"], Value::Null);
    let update = app
        .admin(
            &theirs,
            &update_document(),
            json!({ "input": { "id": ada["id"], "note": "x" } }),
        )
        .await;
    assert_eq!(
        update["data"]["customerUpdate"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    // The same email is free in the other shop.
    app.admin_create(&theirs, json!({ "email": "ada@example.com" }))
        .await;
    assert_eq!(emails(&app, &home, "").await, vec!["ada@example.com"]);
    assert_eq!(emails(&app, &theirs, "").await, vec!["ada@example.com"]);
}

#[tokio::test]
async fn admin_tokens_are_stored_as_digests_only() {
    let app = TestApp::spawn().await;
    let token = app.admin_token("read_customers,write_orders").await;
    assert!(token.starts_with("shpat_"), "{token}");
    let stored = crate::support::database::texts(
        &app,
        "SELECT token_digest || ' ' || scopes || ' ' || title FROM admin_tokens",
    )
    .await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&token[6..]), "{stored:?}");
    assert!(
        stored[0].ends_with(" read_customers,write_orders tests"),
        "{stored:?}"
    );
}

#[tokio::test]
async fn ten_thousand_malformed_searches_get_clear_answers_and_never_a_failure() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("read_customers").await;
    let writer = app.admin_token("write_customers").await;
    app.admin_create(
        &writer,
        json!({ "email": "ada@example.com", "tags": ["vip"] }),
    )
    .await;
    // Strings built from the grammar's pieces and some that are not, by a fixed-seed generator
    // (xorshift), so that a failure is reproducible.
    const PIECES: [&str; 28] = [
        "(",
        ")",
        ":",
        "\"",
        "'",
        "-",
        "*",
        " ",
        "AND",
        "OR",
        "NOT",
        "email",
        "tag",
        "tag_not",
        "created_at",
        "orders_count",
        "id",
        "state",
        "<",
        ">=",
        "2024-01-31",
        "ada",
        "\\",
        "é",
        "gid://shopify/Customer/1",
        "%",
        "_",
        "\u{0}",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut answered, mut refused) = (0, 0);
    for _ in 0..10_000 {
        let length = next() % 12;
        let query: String = (0..length)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let response = app
            .admin_post(
                Some(&admin),
                &json!({ "query": "query($q: String) { customersCount(query: $q) { count } }", "variables": { "q": query } }),
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{query:?}: {}",
            response.body
        );
        let body = response.json();
        match body["errors"][0]["extensions"]["code"].as_str() {
            None => answered += 1,
            Some("BAD_REQUEST") => refused += 1,
            Some(other) => panic!("{query:?}: {other}: {body}"),
        }
    }
    assert!(
        answered > 1_000 && refused > 1_000,
        "{answered} answered, {refused} refused"
    );
}

const ACTIVATE_BY_URL: &str = "mutation($url: URL!, $password: String!) {
  customerActivateByUrl(activationUrl: $url, password: $password) {
    customerAccessToken { accessToken }
    customerUserErrors { field code }
  }
}";

#[tokio::test]
async fn an_activation_url_and_an_invite_let_an_imported_customer_in() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_with(|config| {
        config.mail.smtp = Some(smtp_on(port));
        config.shop.domain = "shop.example.com".to_owned();
    })
    .await;
    let admin = app.admin_token("write_customers").await;
    let customer = app
        .admin_create(&admin, json!({ "email": "imported@example.com" }))
        .await;
    let id = customer["id"].as_str().expect("id");
    const GENERATE: &str = "mutation($id: ID!) { customerGenerateAccountActivationUrl(customerId: $id) { accountActivationUrl userErrors { field message code } } }";
    let first = app.admin(&admin, GENERATE, json!({ "id": id })).await;
    let first = first["data"]["customerGenerateAccountActivationUrl"]["accountActivationUrl"]
        .as_str()
        .expect("a URL")
        .to_owned();
    assert!(
        first.starts_with("https://shop.example.com/account/activate/"),
        "{first}"
    );
    // A second URL makes the first one invalid, as on Shopify.
    let second = app.admin(&admin, GENERATE, json!({ "id": id })).await;
    let second = second["data"]["customerGenerateAccountActivationUrl"]["accountActivationUrl"]
        .as_str()
        .expect("a URL")
        .to_owned();
    let stale = app
        .graphql(
            ACTIVATE_BY_URL,
            json!({ "url": first, "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        stale["data"]["customerActivateByUrl"]["customerUserErrors"][0]["code"], "INVALID",
        "{stale}"
    );
    let activated = app
        .graphql(
            ACTIVATE_BY_URL,
            json!({ "url": second, "password": PASSWORD }),
        )
        .await;
    assert!(
        activated["data"]["customerActivateByUrl"]["customerAccessToken"]["accessToken"]
            .is_string(),
        "{activated}"
    );
    // Enabled now: no more URLs.
    let again = app.admin(&admin, GENERATE, json!({ "id": id })).await;
    assert_eq!(
        again["data"]["customerGenerateAccountActivationUrl"],
        json!({ "accountActivationUrl": null, "userErrors": [{ "field": null, "message": "Account already enabled", "code": "ALREADY_ENABLED" }] })
    );

    // The invitation: mailed through the outbox, and the customer is INVITED.
    let invited = app
        .admin_create(
            &admin,
            json!({ "email": "invitee@example.com", "firstName": "Ivy" }),
        )
        .await;
    let sent = app
        .admin(
            &admin,
            "mutation($id: ID!) { customerSendAccountInviteEmail(customerId: $id) { customer { state version } userErrors { field code } } }",
            json!({ "id": invited["id"] }),
        )
        .await;
    assert_eq!(
        sent["data"]["customerSendAccountInviteEmail"],
        json!({ "customer": { "state": "INVITED", "version": "2" }, "userErrors": [] })
    );
    // The first message is the activated customer's "password changed" notice.
    let message = smtp
        .wait_for(2)
        .await
        .into_iter()
        .find(|m| m.contains("To: invitee@example.com"))
        .expect("the invitation");
    let url = link(&message, "activate");
    let joined = app
        .graphql(ACTIVATE_BY_URL, json!({ "url": url, "password": PASSWORD }))
        .await;
    assert!(
        joined["data"]["customerActivateByUrl"]["customerAccessToken"]["accessToken"].is_string(),
        "{joined}"
    );
    let read = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { state verifiedEmail emailVerifiedBy } }",
            json!({ "id": invited["id"] }),
        )
        .await;
    assert_eq!(
        read["data"]["customer"],
        json!({ "state": "ENABLED", "verifiedEmail": true, "emailVerifiedBy": "ACTIVATION" })
    );
}

#[tokio::test]
async fn disabling_ends_every_session_and_enabling_needs_a_password() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let token = app.signed_in_customer("ada@example.com").await;
    let id = app
        .admin(
            &admin,
            "{ customerByIdentifier(identifier: {emailAddress: \"ada@example.com\"}) { id } }",
            json!({}),
        )
        .await["data"]["customerByIdentifier"]["id"]
        .clone();
    const DISABLE: &str = "mutation($id: ID!) { customerDisable(customerId: $id) { customer { state } userErrors { field message code } } }";
    const ENABLE: &str = "mutation($id: ID!) { customerEnable(customerId: $id) { customer { state } userErrors { field message code } } }";
    let disabled = app.admin(&admin, DISABLE, json!({ "id": id })).await;
    assert_eq!(
        disabled["data"]["customerDisable"]["customer"]["state"],
        "DISABLED"
    );
    let read = app
        .graphql(
            "query($t: String!) { customer(customerAccessToken: $t) { email } }",
            json!({ "t": token }),
        )
        .await;
    assert_eq!(read["data"]["customer"], Value::Null);
    assert!(
        app.login("ada@example.com", PASSWORD).await["data"]["customerAccessTokenCreate"]
            ["customerAccessToken"]
            .is_null()
    );
    let enabled = app.admin(&admin, ENABLE, json!({ "id": id })).await;
    assert_eq!(
        enabled["data"]["customerEnable"]["customer"]["state"],
        "ENABLED"
    );
    assert!(
        app.login("ada@example.com", PASSWORD).await["data"]["customerAccessTokenCreate"]
            ["customerAccessToken"]
            .is_object()
    );
    let passwordless = app
        .admin_create(&admin, json!({ "email": "nopw@example.com" }))
        .await;
    let refused = app
        .admin(&admin, ENABLE, json!({ "id": passwordless["id"] }))
        .await;
    assert_eq!(
        refused["data"]["customerEnable"]["userErrors"],
        json!([{ "field": ["customerId"], "message": "Customer has no password: send an account invite instead", "code": "INVALID" }])
    );
}

#[tokio::test]
async fn the_admin_manages_the_address_book_with_the_storefronts_rules() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let customer = app
        .admin_create(
            &admin,
            json!({ "email": "ada@example.com", "firstName": "Ada" }),
        )
        .await;
    let id = customer["id"].as_str().expect("id");
    const CREATE_ADDRESS: &str = "mutation($id: ID!, $address: MailingAddressInput!, $default: Boolean) { customerAddressCreate(customerId: $id, address: $address, setAsDefault: $default) { address { id address1 firstName country } userErrors { field message code } } }";
    let home = app
        .admin(
            &admin,
            CREATE_ADDRESS,
            json!({ "id": id, "address": { "address1": "1 Main St", "city": "Ottawa", "country": "Canada", "province": "Ontario", "zip": "K1A 0B1" } }),
        )
        .await;
    let home = &home["data"]["customerAddressCreate"];
    assert_eq!(home["userErrors"], json!([]), "{home}");
    assert_eq!(
        home["address"]["firstName"], "Ada",
        "names default to the customer's"
    );
    let home_id = home["address"]["id"].as_str().expect("id").to_owned();
    let work = app
        .admin(
            &admin,
            CREATE_ADDRESS,
            json!({ "id": id, "default": true, "address": { "address1": "2 Work Rd", "city": "Toronto", "country": "Canada", "province": "Ontario", "zip": "M5V 2T6" } }),
        )
        .await;
    let work_id = work["data"]["customerAddressCreate"]["address"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let invalid = app
        .admin(
            &admin,
            CREATE_ADDRESS,
            json!({ "id": id, "address": { "address1": "3 Nowhere", "country": "Atlantis" } }),
        )
        .await;
    let errors = &invalid["data"]["customerAddressCreate"]["userErrors"];
    assert_eq!(
        errors[0]["field"],
        json!(["address", "country"]),
        "{errors}"
    );
    let read = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { version defaultAddress { id address1 } addresses { address1 } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        read["data"]["customer"]["defaultAddress"]["address1"],
        "2 Work Rd"
    );
    assert_eq!(read["data"]["customer"]["version"], "3");
    assert_eq!(
        read["data"]["customer"]["addresses"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let update = app
        .admin(
            &admin,
            "mutation($id: ID!, $a: ID!) { customerAddressUpdate(customerId: $id, addressId: $a, address: {address1: \"1A Main St\"}, setAsDefault: true, expectedVersion: \"3\") { address { address1 city } userErrors { field code } } }",
            json!({ "id": id, "a": home_id }),
        )
        .await;
    assert_eq!(
        update["data"]["customerAddressUpdate"],
        json!({ "address": { "address1": "1A Main St", "city": "Ottawa" }, "userErrors": [] })
    );
    let stale = app
        .admin(
            &admin,
            "mutation($id: ID!, $a: ID!) { customerUpdateDefaultAddress(customerId: $id, addressId: $a, expectedVersion: \"3\") { customer { version defaultAddress { address1 } } userErrors { field code } } }",
            json!({ "id": id, "a": work_id }),
        )
        .await;
    assert_eq!(
        stale["data"]["customerUpdateDefaultAddress"],
        json!({ "customer": { "version": "4", "defaultAddress": { "address1": "1A Main St" } }, "userErrors": [{ "field": ["expectedVersion"], "code": "CONCURRENT_MODIFICATION" }] })
    );
    let deleted = app
        .admin(
            &admin,
            "mutation($id: ID!, $a: ID!) { customerAddressDelete(customerId: $id, addressId: $a) { deletedAddressId userErrors { field code } } }",
            json!({ "id": id, "a": home_id }),
        )
        .await;
    assert_eq!(
        deleted["data"]["customerAddressDelete"]["deletedAddressId"],
        home_id
    );
    let gone = app
        .admin(
            &admin,
            "mutation($id: ID!, $a: ID!) { customerAddressDelete(customerId: $id, addressId: $a) { deletedAddressId userErrors { field message code } } }",
            json!({ "id": id, "a": home_id }),
        )
        .await;
    assert_eq!(
        gone["data"]["customerAddressDelete"]["userErrors"],
        json!([{ "field": ["addressId"], "message": "Address does not exist", "code": "NOT_FOUND" }])
    );
    let after = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { defaultAddress { address1 } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        after["data"]["customer"]["defaultAddress"]["address1"], "2 Work Rd",
        "the remaining address becomes the default"
    );
    assert_eq!(
        app.audit_actions(&admin, &json!(id)).await,
        [
            "customer_address_delete",
            "customer_address_update",
            "customer_address_create",
            "customer_address_create",
            "customer_create"
        ]
    );
}

#[tokio::test]
async fn customer_set_creates_then_updates_and_a_rerun_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    const SET: &str = "mutation($identifier: CustomerSetIdentifiers, $input: CustomerSetInput!) { customerSet(identifier: $identifier, input: $input) { customer { id email firstName tags note version } userErrors { field message code } } }";
    let input = json!({ "firstName": "Ada", "tags": ["imported"], "note": "from the old shop" });
    let identifier = json!({ "email": "ada@example.com" });
    let created = app
        .admin(
            &admin,
            SET,
            json!({ "identifier": identifier, "input": input }),
        )
        .await;
    let created = &created["data"]["customerSet"]["customer"];
    assert_eq!(created["email"], "ada@example.com");
    assert_eq!(created["version"], "1");
    let again = app
        .admin(
            &admin,
            SET,
            json!({ "identifier": identifier, "input": input }),
        )
        .await;
    let again = &again["data"]["customerSet"]["customer"];
    assert_eq!(again["id"], created["id"], "the same customer");
    assert_eq!(
        (&again["firstName"], &again["tags"], &again["note"]),
        (
            &json!("Ada"),
            &json!(["imported"]),
            &json!("from the old shop")
        )
    );
    let by_id = app
        .admin(
            &admin,
            SET,
            json!({ "identifier": { "id": created["id"] }, "input": { "firstName": "Augusta" } }),
        )
        .await;
    assert_eq!(
        by_id["data"]["customerSet"]["customer"]["firstName"],
        "Augusta"
    );
    let unknown = app
        .admin(
            &admin,
            SET,
            json!({ "identifier": { "id": "gid://shopify/Customer/1" }, "input": { "firstName": "X" } }),
        )
        .await;
    assert_eq!(
        unknown["data"]["customerSet"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    // Ten concurrent upserts of one new email: one customer.
    let racing = (0..10).map(|i| {
        app.admin(
            &admin,
            SET,
            json!({ "identifier": { "email": "race@example.com" }, "input": { "note": format!("n{i}") } }),
        )
    });
    for response in join_all(racing).await {
        assert_eq!(
            response["data"]["customerSet"]["userErrors"],
            json!([]),
            "{response}"
        );
    }
    assert_eq!(
        app.admin(
            &admin,
            "{ customersCount(query: \"email:race@example.com\") { count } }",
            json!({})
        )
        .await["data"]["customersCount"]["count"],
        1
    );
}

#[tokio::test]
async fn the_data_export_holds_everything_but_secrets() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("read_customers").await;
    let token = app.signed_in_customer("ada@example.com").await;
    app.graphql(
        "mutation($t: String!) { customerAddressCreate(customerAccessToken: $t, address: {address1: \"1 Main St\", city: \"Ottawa\", country: \"Canada\", province: \"Ontario\", zip: \"K1A 0B1\"}) { customerUserErrors { code } } }",
        json!({ "t": token }),
    )
    .await;
    let id = app
        .admin(
            &admin,
            "{ customerByIdentifier(identifier: {emailAddress: \"ada@example.com\"}) { id } }",
            json!({}),
        )
        .await["data"]["customerByIdentifier"]["id"]
        .clone();
    let export = app
        .admin(
            &admin,
            "query($id: ID!) { customerDataExport(customerId: $id) }",
            json!({ "id": id }),
        )
        .await;
    let document = &export["data"]["customerDataExport"];
    assert_eq!(document["customer"]["email"], "ada@example.com");
    assert_eq!(document["customer"]["accepts_marketing"], false);
    assert_eq!(document["addresses"][0]["address1"], "1 Main St");
    assert_eq!(document["active_sessions"], 1);
    assert!(document["sessions"][0]["expires_at"].is_i64(), "{document}");
    assert!(document["orders"].is_array());
    let text = document.to_string();
    assert!(!text.contains(&token), "no token value");
    assert!(!text.contains("argon2"), "no password hash");
}

const REQUEST_ERASURE: &str = "mutation($id: ID!) { customerRequestDataErasure(customerId: $id) { customerId erasureDueAt userErrors { field message code } } }";
const CANCEL_ERASURE: &str = "mutation($id: ID!) { customerCancelDataErasure(customerId: $id) { customerId userErrors { field message code } } }";

#[tokio::test]
async fn an_erasure_without_a_hold_erases_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let customer = app
        .admin_create(&admin, json!({ "email": "ada@example.com", "note": "n" }))
        .await;
    let erased = app
        .admin(&admin, REQUEST_ERASURE, json!({ "id": customer["id"] }))
        .await;
    assert_eq!(
        erased["data"]["customerRequestDataErasure"]["userErrors"],
        json!([])
    );
    assert_eq!(
        erased["data"]["customerRequestDataErasure"]["customerId"],
        customer["id"]
    );
    let gone = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { id } }",
            json!({ "id": customer["id"] }),
        )
        .await;
    assert_eq!(gone["data"]["customer"], Value::Null);
    let unknown = app
        .admin(&admin, REQUEST_ERASURE, json!({ "id": customer["id"] }))
        .await;
    assert_eq!(
        unknown["data"]["customerRequestDataErasure"]["userErrors"],
        json!([{ "field": ["customerId"], "message": "Customer does not exist", "code": "NOT_FOUND" }])
    );
}

#[tokio::test]
async fn an_erasure_with_a_hold_waits_can_be_cancelled_and_is_carried_out_when_due() {
    let app = TestApp::spawn_with(|config| config.customers.erasure_hold_days = 30).await;
    let admin = app.admin_token("write_customers").await;
    let kept = app
        .admin_create(&admin, json!({ "email": "kept@example.com" }))
        .await;
    let leaving = app
        .admin_create(&admin, json!({ "email": "leaving@example.com" }))
        .await;
    for customer in [&kept, &leaving] {
        let requested = app
            .admin(&admin, REQUEST_ERASURE, json!({ "id": customer["id"] }))
            .await;
        let due = crate::support::epoch_seconds(
            &requested["data"]["customerRequestDataErasure"]["erasureDueAt"],
        );
        let expected = crate::support::now() + 30 * 86_400;
        assert!((due - expected).abs() < 60, "{requested}");
    }
    let read = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { erasureDueAt version } }",
            json!({ "id": kept["id"] }),
        )
        .await;
    assert!(
        read["data"]["customer"]["erasureDueAt"].is_string(),
        "still there, marked"
    );
    let cancelled = app
        .admin(&admin, CANCEL_ERASURE, json!({ "id": kept["id"] }))
        .await;
    assert_eq!(
        cancelled["data"]["customerCancelDataErasure"]["userErrors"],
        json!([])
    );
    let again = app
        .admin(&admin, CANCEL_ERASURE, json!({ "id": kept["id"] }))
        .await;
    assert_eq!(
        again["data"]["customerCancelDataErasure"]["userErrors"],
        json!([{ "field": ["customerId"], "message": "Customer's data is not scheduled for erasure", "code": "INVALID" }])
    );

    // Housekeeping before the hold is over changes nothing; after it, the customer is erased.
    assert_eq!(
        app.app.accounts.erase_due_customers().await.expect("pass"),
        0
    );
    crate::support::database::execute(
        &app,
        "UPDATE customers SET erasure_due_at = 1 WHERE email_key = 'leaving@example.com'",
    )
    .await;
    assert_eq!(
        app.app.accounts.erase_due_customers().await.expect("pass"),
        1
    );
    let count = |query: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.admin(
                &admin,
                "query($q: String) { customersCount(query: $q) { count } }",
                json!({ "q": query }),
            )
            .await["data"]["customersCount"]["count"]
                .clone()
        }
    };
    assert_eq!(count("email:leaving@example.com").await, 0);
    assert_eq!(count("email:kept@example.com").await, 1);
    let trail = app
        .admin(
            &admin,
            "query($id: ID!) { customerAuditLog(customerId: $id) { action adminTokenId } }",
            json!({ "id": leaving["id"] }),
        )
        .await;
    assert_eq!(
        trail["data"]["customerAuditLog"][0],
        json!({ "action": "customer_data_erasure", "adminTokenId": null }),
        "the server carried it out"
    );
}

#[tokio::test]
async fn the_shop_can_vouch_for_an_email_which_links_guest_orders() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    crate::support::orders::import(
        &app,
        &[crate::support::orders::order(
            5_000_000_000_001,
            1001,
            "guest@example.com",
        )],
    )
    .await;
    let customer = app
        .admin_create(&admin, json!({ "email": "guest@example.com" }))
        .await;
    const READ: &str = "query($id: ID!) { customer(id: $id) { verifiedEmail emailVerifiedBy numberOfOrders version } }";
    let unproven = app
        .admin(&admin, READ, json!({ "id": customer["id"] }))
        .await;
    assert_eq!(
        unproven["data"]["customer"],
        json!({ "verifiedEmail": false, "emailVerifiedBy": null, "numberOfOrders": "0", "version": "1" }),
        "a guest order does not join an unproven address"
    );
    let update = update_document();
    app.admin(
        &admin,
        &update,
        json!({ "input": { "id": customer["id"], "verifiedEmail": true } }),
    )
    .await;
    let vouched = app
        .admin(&admin, READ, json!({ "id": customer["id"] }))
        .await;
    assert_eq!(vouched["data"]["customer"]["verifiedEmail"], true);
    assert_eq!(vouched["data"]["customer"]["emailVerifiedBy"], "ADMIN");
    assert_eq!(
        vouched["data"]["customer"]["numberOfOrders"], "1",
        "the guest order joined"
    );

    // A new address is not proven, unless the same input vouches for it.
    app.admin(
        &admin,
        &update,
        json!({ "input": { "id": customer["id"], "email": "new@example.com" } }),
    )
    .await;
    let changed = app
        .admin(&admin, READ, json!({ "id": customer["id"] }))
        .await;
    assert_eq!(changed["data"]["customer"]["verifiedEmail"], false);
    app.admin(
        &admin,
        &update,
        json!({ "input": { "id": customer["id"], "email": "newer@example.com", "verifiedEmail": true } }),
    )
    .await;
    let both = app
        .admin(&admin, READ, json!({ "id": customer["id"] }))
        .await;
    assert_eq!(both["data"]["customer"]["emailVerifiedBy"], "ADMIN");
    app.admin(
        &admin,
        &update,
        json!({ "input": { "id": customer["id"], "verifiedEmail": false } }),
    )
    .await;
    let withdrawn = app
        .admin(&admin, READ, json!({ "id": customer["id"] }))
        .await;
    assert_eq!(withdrawn["data"]["customer"]["verifiedEmail"], false);
    // Created vouched for.
    let vouched_at_once = app
        .admin_create(
            &admin,
            json!({ "email": "sure@example.com", "verifiedEmail": true }),
        )
        .await;
    assert_eq!(vouched_at_once["verifiedEmail"], true);
}

#[tokio::test]
async fn graphiql_opens_the_admin_schema_in_development() {
    let app = TestApp::spawn_with(|config| {
        config.environment = storefront::config::Environment::Development;
    })
    .await;
    let page = app.get("/admin/graphql").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("/admin/api/2026-04/graphql.json"),
        "{}",
        page.body
    );
    assert!(page.body.contains("X-Shopify-Access-Token"));
    let production = TestApp::spawn_with(|config| {
        config.environment = storefront::config::Environment::Production;
        config.secret_key = Some("a-production-secret-key-of-enough-length".to_owned().into());
    })
    .await;
    assert_eq!(
        production.get("/admin/graphql").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_page_of_customers_reads_all_their_addresses_in_one_statement() {
    // Without the mail sender, whose polling would be counted too.
    let app = TestApp::spawn_quiet_with(|_| {}).await;
    let admin = app.admin_token("write_customers").await;
    for n in 0..5 {
        let customer = app
            .admin_create(&admin, json!({ "email": format!("c{n}@example.com") }))
            .await;
        let created = app
            .admin(
                &admin,
                "mutation($id: ID!) { customerAddressCreate(customerId: $id, address: {address1: \"1 Main St\", city: \"Ottawa\", country: \"Canada\", province: \"Ontario\", zip: \"K1A 0B1\"}) { userErrors { field } } }",
                json!({ "id": customer["id"] }),
            )
            .await;
        assert_eq!(
            created["data"]["customerAddressCreate"]["userErrors"],
            json!([])
        );
    }
    let statements = || app.app.accounts.database().statements_executed();
    let before = statements();
    let page = app
        .admin(
            &admin,
            "{ customers(first: 10) { nodes { email addresses { address1 } defaultAddress { address1 } } } }",
            json!({}),
        )
        .await;
    let read = statements() - before;
    let nodes = page["data"]["customers"]["nodes"]
        .as_array()
        .expect("nodes");
    assert_eq!(nodes.len(), 5);
    assert!(
        nodes
            .iter()
            .all(|n| n["defaultAddress"]["address1"] == "1 Main St")
    );
    // The admin token, the page, and the addresses of all five customers.
    assert_eq!(read, 3);
}
