//! Metafields: definitions per shop (admin API and command line), typed and validated values,
//! the storefront's `Customer.metafield(s)` (only `PUBLIC_READ` values, batched), the admin's
//! atomic `metafieldsSet` with `compareDigest`, `metafieldsDelete`, `CustomerInput.metafields`,
//! the customer's own `customerMetafieldsSet`, versions, audit, export and erasure.

use serde_json::{Value, json};

use crate::cli::Cli;
use crate::shops::other_shop;
use crate::support::process::stdout;
use crate::support::{TestApp, database};

const DEFINE: &str = "mutation($d: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $d) {
    createdDefinition { id namespace key name description ownerType type { name category } validations { name value } access { storefront customerAccount } }
    userErrors { field message code }
  }
}";

const SET: &str = "mutation($m: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $m) {
    metafields { id namespace key type value compareDigest ownerId createdAt updatedAt }
    userErrors { field message code elementIndex }
  }
}";

const CUSTOMER_SET: &str = "mutation($t: String!, $m: [CustomerMetafieldsSetInput!]!) {
  customerMetafieldsSet(customerAccessToken: $t, metafields: $m) {
    customer { id }
    metafields { namespace key type value compareDigest }
    userErrors { field message code elementIndex }
  }
}";

const READ: &str = "query($t: String!, $ids: [HasMetafieldsIdentifier!]!) {
  customer(customerAccessToken: $t) {
    metafields(identifiers: $ids) { id namespace key type value description }
  }
}";

/// A definition made through the admin API; its `createdDefinition`.
async fn define(app: &TestApp, admin: &str, definition: Value) -> Value {
    let response = app.admin(admin, DEFINE, json!({ "d": definition })).await;
    let payload = &response["data"]["metafieldDefinitionCreate"];
    assert_eq!(payload["userErrors"], json!([]), "{response}");
    payload["createdDefinition"].clone()
}

fn definition(namespace: &str, key: &str, ty: &str, storefront: &str, customer: &str) -> Value {
    json!({
        "namespace": namespace, "key": key, "type": ty, "name": format!("{namespace} {key}"),
        "ownerType": "CUSTOMER",
        "access": { "storefront": storefront, "customerAccount": customer }
    })
}

/// `metafieldsSet`'s payload.
async fn set(app: &TestApp, admin: &str, items: Value) -> Value {
    let response = app.admin(admin, SET, json!({ "m": items })).await;
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["metafieldsSet"].clone()
}

/// A signed-in customer: their gid and access token.
async fn customer(app: &TestApp, email: &str) -> (String, String) {
    let token = app.signed_in_customer(email).await;
    let response = app
        .graphql(
            "query($t: String!) { customer(customerAccessToken: $t) { id } }",
            json!({ "t": token }),
        )
        .await;
    let id = response["data"]["customer"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    (id, token)
}

async fn version(app: &TestApp, admin: &str, id: &str) -> u64 {
    let response = app
        .admin(
            admin,
            "query($id: ID!) { customer(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await;
    response["data"]["customer"]["version"]
        .as_str()
        .and_then(|v| v.parse().ok())
        .or_else(|| response["data"]["customer"]["version"].as_u64())
        .unwrap_or_else(|| panic!("a version: {response}"))
}

/// The learning kit's `CustomerMetafields` operation, as published.
fn learning_kit_operation() -> String {
    let file = include_str!("../fixtures/client-docs/storefront-api-learning-kit.graphql");
    let chunk = file
        .split("\n# ==== ")
        .find(|chunk| chunk.starts_with("examples/07_customers/03_get_customer_metafields"))
        .expect("the learning kit's CustomerMetafields");
    chunk
        .lines()
        .skip(1)
        .filter(|line| !line.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn definitions_are_managed_through_the_admin_api() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let created = define(
        &app,
        &admin,
        json!({
            "namespace": "loyalty", "key": "tier", "type": "single_line_text_field",
            "name": "Loyalty tier", "description": "The customer's tier", "ownerType": "CUSTOMER",
            "validations": [{ "name": "choices", "value": "[\"gold\",\"silver\"]" }],
            "access": { "storefront": "PUBLIC_READ", "customerAccount": "READ" }
        }),
    )
    .await;
    assert_eq!(created["namespace"], "loyalty");
    assert_eq!(
        created["type"],
        json!({ "name": "single_line_text_field", "category": "TEXT" })
    );
    assert_eq!(
        created["access"],
        json!({ "storefront": "PUBLIC_READ", "customerAccount": "READ" })
    );
    assert_eq!(created["validations"][0]["name"], "choices");
    // Access defaults to NONE.
    let plain = define(
        &app,
        &admin,
        json!({ "namespace": "crm", "key": "account_no", "type": "number_integer", "name": "Account", "ownerType": "CUSTOMER" }),
    )
    .await;
    assert_eq!(
        plain["access"],
        json!({ "storefront": "NONE", "customerAccount": "NONE" })
    );

    let refused = |definition: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let response = app.admin(&admin, DEFINE, json!({ "d": definition })).await;
            let payload = response["data"]["metafieldDefinitionCreate"].clone();
            assert_eq!(payload["createdDefinition"], Value::Null, "{response}");
            payload["userErrors"].clone()
        }
    };
    // The same namespace and key again; an unknown type; Shopify's identifier rules; a
    // validation that does not fit the type.
    let taken = refused(definition("loyalty", "tier", "boolean", "NONE", "NONE")).await;
    assert_eq!(taken[0]["code"], "TAKEN", "{taken}");
    let bad_type = refused(definition(
        "loyalty",
        "level",
        "product_reference",
        "NONE",
        "NONE",
    ))
    .await;
    assert_eq!(bad_type[0]["code"], "INCLUSION", "{bad_type}");
    assert_eq!(bad_type[0]["field"], json!(["definition", "type"]));
    let short = refused(definition("ab", "k", "boolean", "NONE", "NONE")).await;
    let codes: Vec<&str> = short
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(codes, ["TOO_SHORT", "TOO_SHORT"], "{short}");
    let mut bad_rule = definition("crm", "score", "number_integer", "NONE", "NONE");
    bad_rule["validations"] = json!([{ "name": "regex", "value": "^a" }]);
    let rule = refused(bad_rule).await;
    assert_eq!(rule[0]["code"], "INVALID_OPTION", "{rule}");

    // Listing, by namespace and key; one by id.
    let list = app
        .admin(
            &admin,
            "{ metafieldDefinitions(ownerType: CUSTOMER, first: 10) { nodes { namespace key } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list["data"]["metafieldDefinitions"]["nodes"],
        json!([{ "namespace": "loyalty", "key": "tier" }, { "namespace": "crm", "key": "account_no" }])
    );
    let one = app
        .admin(
            &admin,
            "query($id: ID!) { metafieldDefinition(id: $id) { name } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(one["data"]["metafieldDefinition"]["name"], "Loyalty tier");

    // Changing access and name; the type cannot change (it is not in the update input).
    let updated = app
        .admin(
            &admin,
            "mutation($d: MetafieldDefinitionUpdateInput!) { metafieldDefinitionUpdate(definition: $d) { updatedDefinition { name access { storefront customerAccount } } userErrors { code } } }",
            json!({ "d": { "namespace": "loyalty", "key": "tier", "ownerType": "CUSTOMER", "name": "Tier", "access": { "storefront": "NONE" } } }),
        )
        .await;
    assert_eq!(
        updated["data"]["metafieldDefinitionUpdate"]["updatedDefinition"],
        json!({ "name": "Tier", "access": { "storefront": "NONE", "customerAccount": "READ" } })
    );
    let missing = app
        .admin(
            &admin,
            "mutation($d: MetafieldDefinitionUpdateInput!) { metafieldDefinitionUpdate(definition: $d) { updatedDefinition { name } userErrors { code } } }",
            json!({ "d": { "namespace": "loyalty", "key": "nothing", "ownerType": "CUSTOMER", "name": "X" } }),
        )
        .await;
    assert_eq!(
        missing["data"]["metafieldDefinitionUpdate"]["userErrors"],
        json!([{ "code": "NOT_FOUND" }])
    );

    // Deleting; a read-only token may list but not define.
    let deleted = app
        .admin(
            &admin,
            "mutation($id: ID!) { metafieldDefinitionDelete(id: $id) { deletedDefinitionId userErrors { code } } }",
            json!({ "id": plain["id"] }),
        )
        .await;
    assert_eq!(
        deleted["data"]["metafieldDefinitionDelete"]["deletedDefinitionId"],
        plain["id"]
    );
    let reader = app.admin_token("read_customers").await;
    let denied = app
        .admin(
            &reader,
            DEFINE,
            json!({ "d": definition("crm", "x1", "boolean", "NONE", "NONE") }),
        )
        .await;
    assert_eq!(denied["errors"][0]["extensions"]["code"], "ACCESS_DENIED");
}

#[tokio::test]
async fn the_storefront_reads_only_public_read_values_in_identifier_order() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    define(
        &app,
        &admin,
        definition(
            "Membership",
            "vip_level",
            "number_integer",
            "PUBLIC_READ",
            "NONE",
        ),
    )
    .await;
    define(
        &app,
        &admin,
        definition("Membership", "startDate", "date", "PUBLIC_READ", "NONE"),
    )
    .await;
    define(
        &app,
        &admin,
        definition(
            "internal",
            "credit_score",
            "number_integer",
            "NONE",
            "READ_WRITE",
        ),
    )
    .await;
    let (id, token) = customer(&app, "ada@example.com").await;
    let payload = set(
        &app,
        &admin,
        json!([
            { "ownerId": id, "namespace": "Membership", "key": "vip_level", "value": "3" },
            { "ownerId": id, "namespace": "Membership", "key": "startDate", "value": "2024-02-29" },
            { "ownerId": id, "namespace": "internal", "key": "credit_score", "value": "720" },
            // No definition: the type is required, and the storefront never reads it.
            { "ownerId": id, "namespace": "notes", "key": "preference", "type": "single_line_text_field", "value": "window seat" }
        ]),
    )
    .await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");

    // The learning kit's operation, with its own identifiers and ours.
    let answer = app
        .graphql(
            &learning_kit_operation(),
            json!({
                "customerAccessToken": token,
                "identifiers": [
                    { "namespace": "Membership", "key": "VIP level" },
                    { "namespace": "Membership", "key": "startDate" },
                    { "namespace": "note", "key": "preference" },
                    { "namespace": "Membership", "key": "vip_level" },
                    { "namespace": "internal", "key": "credit_score" },
                    { "namespace": "notes", "key": "preference" }
                ]
            }),
        )
        .await;
    assert!(answer.get("errors").is_none(), "{answer}");
    let values = &answer["data"]["customer"]["metafields"];
    assert_eq!(values[0], Value::Null, "no such key");
    assert_eq!(values[1]["key"], "startDate");
    assert_eq!(values[1]["value"], "2024-02-29");
    assert_eq!(values[1]["namespace"], "Membership");
    assert_eq!(values[1]["type"], "date");
    assert!(
        values[1]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("gid://shopify/Metafield/")),
        "{values}"
    );
    assert_eq!(values[2], Value::Null);
    assert_eq!(values[3]["value"], "3");
    assert_eq!(values[4], Value::Null, "NONE never reaches the storefront");
    assert_eq!(
        values[5],
        Value::Null,
        "no definition, no storefront access"
    );
    assert_eq!(values.as_array().map(Vec::len), Some(6));

    // `metafield(namespace:, key:)`, and a hidden one.
    let one = app
        .graphql(
            "query($t: String!) { customer(customerAccessToken: $t) { a: metafield(namespace: \"Membership\", key: \"vip_level\") { value } b: metafield(namespace: \"internal\", key: \"credit_score\") { value } } }",
            json!({ "t": token }),
        )
        .await;
    assert_eq!(
        one["data"]["customer"],
        json!({ "a": { "value": "3" }, "b": null })
    );

    // `node(id:)`: only to the owner named by @inContext(buyer:), and never a hidden value.
    let ids: Vec<String> = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { metafields(first: 10) { nodes { id namespace key } } } }",
            json!({ "id": id }),
        )
        .await["data"]["customer"]["metafields"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids.len(), 4);
    // The admin's list narrows by namespace, or by `namespace.key`.
    let narrowed = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { a: metafields(first: 10, namespace: \"Membership\") { nodes { key } } b: metafields(first: 10, keys: [\"notes.preference\", \"internal.credit_score\"]) { nodes { key } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        narrowed["data"]["customer"],
        json!({
            "a": { "nodes": [{ "key": "vip_level" }, { "key": "startDate" }] },
            "b": { "nodes": [{ "key": "credit_score" }, { "key": "preference" }] }
        })
    );
    // Page by page, every value once, in the order they were written.
    let mut paged = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .admin(
                &admin,
                "query($id: ID!, $after: String) { customer(id: $id) { metafields(first: 1, after: $after) { nodes { key } pageInfo { hasNextPage endCursor } } } }",
                json!({ "id": id, "after": after }),
            )
            .await;
        let connection = &page["data"]["customer"]["metafields"];
        paged.push(
            connection["nodes"][0]["key"]
                .as_str()
                .expect("key")
                .to_owned(),
        );
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        paged,
        ["vip_level", "startDate", "credit_score", "preference"]
    );
    let (_, other_token) = customer(&app, "grace@example.com").await;
    let node = |buyer: Option<String>| {
        let app = &app;
        let ids = ids.clone();
        async move {
            let directive = buyer
                .map(|t| format!("@inContext(buyer: {{customerAccessToken: \"{t}\"}})"))
                .unwrap_or_default();
            let response = app
                .graphql(
                    &format!(
                        "query($ids: [ID!]!) {directive} {{ nodes(ids: $ids) {{ ... on Metafield {{ key value }} }} }}"
                    ),
                    json!({ "ids": ids }),
                )
                .await;
            assert!(response.get("errors").is_none(), "{response}");
            response["data"]["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .filter(|n| !n.is_null())
                .map(|n| n["key"].as_str().expect("key").to_owned())
                .collect::<Vec<_>>()
        }
    };
    let mut own = node(Some(token.clone())).await;
    own.sort();
    assert_eq!(own, ["startDate", "vip_level"]);
    assert!(node(None).await.is_empty(), "no buyer, no metafield");
    assert!(node(Some(other_token)).await.is_empty(), "someone else's");

    // More than 250 identifiers: Shopify's input limit.
    let many: Vec<Value> = (0..251)
        .map(|i| json!({ "namespace": "Membership", "key": format!("k{i}") }))
        .collect();
    let refused = app.graphql(READ, json!({ "t": token, "ids": many })).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "MAX_INPUT_SIZE_EXCEEDED",
        "{refused}"
    );
}

#[tokio::test]
async fn metafields_set_is_atomic_and_points_at_the_invalid_item() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    define(
        &app,
        &admin,
        definition("stats", "visits", "number_integer", "NONE", "NONE"),
    )
    .await;
    let (id, _) = customer(&app, "ada@example.com").await;
    let before = version(&app, &admin, &id).await;
    let mut items: Vec<Value> = (0..25)
        .map(|i| json!({ "ownerId": id, "namespace": "bulk", "key": format!("item{i}"), "type": "number_integer", "value": i.to_string() }))
        .collect();
    items[17] = json!({ "ownerId": id, "namespace": "stats", "key": "visits", "value": "many" });
    let payload = set(&app, &admin, json!(items)).await;
    assert_eq!(payload["metafields"], Value::Null);
    assert_eq!(
        payload["userErrors"],
        json!([{ "field": ["metafields", "17", "value"], "message": "Value must be an integer.", "code": "INVALID_VALUE", "elementIndex": 17 }])
    );
    assert_eq!(database::count(&app, "customer_metafields").await, 0);
    assert_eq!(version(&app, &admin, &id).await, before, "nothing changed");

    // 26 items are refused before anything is checked.
    let mut too_many = items.clone();
    too_many[17] = json!({ "ownerId": id, "namespace": "stats", "key": "visits", "value": "1" });
    too_many.push(json!({ "ownerId": id, "namespace": "bulk", "key": "item25", "type": "number_integer", "value": "25" }));
    let response = app.admin(&admin, SET, json!({ "m": too_many })).await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "MAX_INPUT_SIZE_EXCEEDED",
        "{response}"
    );
    assert_eq!(
        response["errors"][0]["message"],
        "The input array size of 26 is greater than the maximum allowed of 25."
    );
    assert_eq!(database::count(&app, "customer_metafields").await, 0);

    // The 25 valid ones are written together, in input order, as one change of the customer.
    too_many.pop();
    let payload = set(&app, &admin, json!(too_many)).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    let written = payload["metafields"].as_array().expect("metafields");
    assert_eq!(written.len(), 25);
    assert_eq!(written[17]["key"], "visits");
    assert_eq!(written[17]["ownerId"], id);
    assert_eq!(database::count(&app, "customer_metafields").await, 25);
    assert_eq!(version(&app, &admin, &id).await, before + 1);

    // Per-item problems: Shopify's identifier rules, a type without a definition, a type that
    // contradicts the definition, an owner that does not exist, a value over its cap.
    let payload = set(
        &app,
        &admin,
        json!([
            { "ownerId": id, "namespace": "ab", "key": "fine", "type": "boolean", "value": "true" },
            { "ownerId": id, "namespace": "notes", "key": "x", "type": "boolean", "value": "true" },
            { "ownerId": id, "namespace": "notes", "key": "untyped", "value": "true" },
            { "ownerId": id, "namespace": "stats", "key": "visits", "type": "boolean", "value": "true" },
            { "ownerId": id, "namespace": "notes", "key": "huge", "type": "multi_line_text_field", "value": "x".repeat(65_537) }
        ]),
    )
    .await;
    let codes: Vec<(i64, &str)> = payload["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["elementIndex"].as_i64().expect("index"),
                e["code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (0, "TOO_SHORT"),
            (1, "TOO_SHORT"),
            (2, "BLANK"),
            (3, "INVALID_TYPE"),
            (4, "TOO_LONG")
        ],
        "{payload}"
    );
    let nobody = set(
        &app,
        &admin,
        json!([{ "ownerId": "gid://shopify/Customer/1", "namespace": "notes", "key": "k1", "type": "boolean", "value": "true" }]),
    )
    .await;
    assert_eq!(
        nobody["userErrors"][0]["field"],
        json!(["metafields", "0", "ownerId"])
    );
    assert_eq!(database::count(&app, "customer_metafields").await, 25);
}

#[tokio::test]
async fn a_stale_compare_digest_writes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let (id, _) = customer(&app, "ada@example.com").await;
    let item = |value: &str, digest: Option<Value>| {
        let mut item = json!({ "ownerId": id, "namespace": "crm", "key": "stage", "type": "single_line_text_field", "value": value });
        if let Some(digest) = digest {
            item["compareDigest"] = digest;
        }
        json!([item])
    };
    // `compareDigest: null`: only if there is no value yet.
    let first = set(&app, &admin, item("lead", Some(Value::Null))).await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    let digest = first["metafields"][0]["compareDigest"].clone();
    let again = set(&app, &admin, item("other", Some(Value::Null))).await;
    assert_eq!(again["userErrors"][0]["code"], "STALE_OBJECT", "{again}");
    // The current digest wins once; the same digest again is stale.
    let second = set(&app, &admin, item("customer", Some(digest.clone()))).await;
    assert_eq!(second["userErrors"], json!([]), "{second}");
    let stale = set(&app, &admin, item("churned", Some(digest))).await;
    assert_eq!(
        stale["userErrors"],
        json!([{ "field": ["metafields", "0", "compareDigest"], "message": "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", "code": "STALE_OBJECT", "elementIndex": 0 }])
    );
    let now = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { metafield(namespace: \"crm\", key: \"stage\") { value compareDigest } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        now["data"]["customer"]["metafield"]["value"], "customer",
        "the stale write changed nothing"
    );
    assert_eq!(
        now["data"]["customer"]["metafield"]["compareDigest"],
        second["metafields"][0]["compareDigest"]
    );
    // Without compareDigest, the last write wins.
    let blind = set(&app, &admin, item("won", None)).await;
    assert_eq!(blind["metafields"][0]["value"], "won");
}

#[tokio::test]
async fn every_metafield_change_adds_a_version_and_an_audit_entry() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    define(
        &app,
        &admin,
        definition(
            "prefs",
            "store",
            "single_line_text_field",
            "PUBLIC_READ",
            "READ_WRITE",
        ),
    )
    .await;
    let (id, token) = customer(&app, "ada@example.com").await;
    let v0 = version(&app, &admin, &id).await;
    set(
        &app,
        &admin,
        json!([{ "ownerId": id, "namespace": "prefs", "key": "store", "value": "Ottawa" }]),
    )
    .await;
    assert_eq!(version(&app, &admin, &id).await, v0 + 1);
    let own = app
        .graphql(
            CUSTOMER_SET,
            json!({ "t": token, "m": [{ "namespace": "prefs", "key": "store", "value": "Montréal" }] }),
        )
        .await;
    assert_eq!(
        own["data"]["customerMetafieldsSet"]["userErrors"],
        json!([]),
        "{own}"
    );
    assert_eq!(version(&app, &admin, &id).await, v0 + 2);
    let deleted = app
        .admin(
            &admin,
            "mutation($m: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $m) { deletedMetafields { ownerId namespace key } userErrors { message } } }",
            json!({ "m": [
                { "ownerId": id, "namespace": "prefs", "key": "store" },
                { "ownerId": id, "namespace": "prefs", "key": "missing" }
            ] }),
        )
        .await;
    assert_eq!(
        deleted["data"]["metafieldsDelete"],
        json!({ "deletedMetafields": [{ "ownerId": id, "namespace": "prefs", "key": "store" }, null], "userErrors": [] })
    );
    assert_eq!(version(&app, &admin, &id).await, v0 + 3);
    let trail = app.audit_trail(&admin, &json!(id)).await;
    assert_eq!(
        app.audit_actions(&admin, &json!(id)).await,
        [
            "metafields_delete",
            "metafields_set_by_customer",
            "metafields_set"
        ]
    );
    assert_eq!(
        trail[0]["versionAfter"].to_string(),
        json!((v0 + 3).to_string()).to_string()
    );
}

#[tokio::test]
async fn customers_write_only_values_their_definition_lets_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let mut birthday = definition("profile", "birthday", "date", "PUBLIC_READ", "READ_WRITE");
    birthday["validations"] = json!([{ "name": "min", "value": "1900-01-01" }]);
    define(&app, &admin, birthday).await;
    define(
        &app,
        &admin,
        definition(
            "profile",
            "tier",
            "single_line_text_field",
            "PUBLIC_READ",
            "READ",
        ),
    )
    .await;
    define(
        &app,
        &admin,
        definition("profile", "credit", "number_integer", "NONE", "NONE"),
    )
    .await;
    let (id, token) = customer(&app, "ada@example.com").await;
    let write = |items: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            app.graphql(CUSTOMER_SET, json!({ "t": token, "m": items }))
                .await
        }
    };
    let ok =
        write(json!([{ "namespace": "profile", "key": "birthday", "value": "1990-05-17" }])).await;
    let payload = &ok["data"]["customerMetafieldsSet"];
    assert_eq!(payload["userErrors"], json!([]), "{ok}");
    assert_eq!(payload["customer"]["id"], id);
    assert_eq!(payload["metafields"][0]["value"], "1990-05-17", "{payload}");
    // READ, NONE and no definition at all: refused, and nothing of the call written.
    for key in ["tier", "credit", "undefined"] {
        let refused = write(json!([
            { "namespace": "profile", "key": "birthday", "value": "1991-01-01" },
            { "namespace": "profile", "key": key, "type": "single_line_text_field", "value": "1" }
        ]))
        .await;
        assert_eq!(
            refused["data"]["customerMetafieldsSet"]["userErrors"],
            json!([{ "field": ["metafields", "1", "key"], "message": "Access denied: customers cannot change this metafield.", "code": "ACCESS_DENIED", "elementIndex": 1 }]),
            "{key}: {refused}"
        );
    }
    // The definition's validations hold for customers too.
    let early =
        write(json!([{ "namespace": "profile", "key": "birthday", "value": "1850-01-01" }])).await;
    assert_eq!(
        early["data"]["customerMetafieldsSet"]["userErrors"][0]["code"], "INVALID_VALUE",
        "{early}"
    );
    let read = app
        .graphql(
            READ,
            json!({ "t": token, "ids": [{ "namespace": "profile", "key": "birthday" }] }),
        )
        .await;
    assert_eq!(
        read["data"]["customer"]["metafields"][0]["value"], "1990-05-17",
        "only the first write landed"
    );
    assert_eq!(database::count(&app, "customer_metafields").await, 1);
    // A bad customer token is Shopify's ACCESS_DENIED, as for every customer mutation.
    let stranger = app
        .graphql(
            CUSTOMER_SET,
            json!({ "t": "0123456789abcdef0123456789abcdef", "m": [{ "namespace": "profile", "key": "birthday", "value": "1990-05-17" }] }),
        )
        .await;
    assert_eq!(
        stranger["errors"][0]["extensions"]["code"], "ACCESS_DENIED",
        "{stranger}"
    );
}

#[tokio::test]
async fn reading_250_identifiers_of_100_customers_costs_one_statement_for_metafields() {
    let app = TestApp::spawn_quiet_with(|config| {
        config.graphql.max_root_fields = 100;
        config.graphql.max_cost = 1_000_000;
    })
    .await;
    let admin = app.admin_token("write_customers").await;
    for i in 0..25 {
        define(
            &app,
            &admin,
            definition(
                "shop",
                &format!("field{i}"),
                "number_integer",
                "PUBLIC_READ",
                "NONE",
            ),
        )
        .await;
    }
    let mut tokens = Vec::new();
    for i in 0..100 {
        let (id, token) = customer(&app, &format!("c{i}@example.com")).await;
        // Each customer has 25 public values and one hidden one.
        let mut items: Vec<Value> = (0..24)
            .map(|f| json!({ "ownerId": id, "namespace": "shop", "key": format!("field{f}"), "value": (i * 100 + f).to_string() }))
            .collect();
        items.push(json!({ "ownerId": id, "namespace": "hidden", "key": "k1", "type": "boolean", "value": "true" }));
        let payload = set(&app, &admin, json!(items)).await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        tokens.push(token);
    }
    // 250 identifiers: the 25 defined keys (one never set), the hidden one, and 224 unknown.
    let mut identifiers: Vec<Value> = (0..25)
        .map(|f| json!({ "namespace": "shop", "key": format!("field{f}") }))
        .collect();
    identifiers.push(json!({ "namespace": "hidden", "key": "k1" }));
    identifiers.extend((0..224).map(|u| json!({ "namespace": "unknown", "key": format!("u{u}") })));
    let query_for = |count: usize| {
        let fields: Vec<String> = tokens[..count]
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!("c{i}: customer(customerAccessToken: \"{t}\") {{ metafields(identifiers: $ids) {{ key value }} }}")
            })
            .collect();
        format!(
            "query($ids: [HasMetafieldsIdentifier!]!) {{ {} }}",
            fields.join(" ")
        )
    };
    let statements = || app.app.accounts.database().statements_executed();
    let before = statements();
    let one = app
        .graphql(&query_for(1), json!({ "ids": identifiers }))
        .await;
    let for_one = statements() - before;
    let before = statements();
    let all = app
        .graphql(&query_for(100), json!({ "ids": identifiers }))
        .await;
    let for_hundred = statements() - before;
    assert!(one.get("errors").is_none(), "{one}");
    assert!(all.get("errors").is_none(), "{all}");
    for i in [0usize, 57, 99] {
        let values = &all["data"][format!("c{i}")]["metafields"];
        assert_eq!(values.as_array().map(Vec::len), Some(250));
        assert_eq!(values[3]["value"], (i * 100 + 3).to_string());
        assert_eq!(values[24], Value::Null, "never set");
        assert_eq!(values[25], Value::Null, "hidden");
        assert_eq!(values[249], Value::Null, "unknown");
    }
    // One statement for the customer tokens, one for the metafields, for one customer or 100.
    assert_eq!(for_one, 2, "customer token, metafields");
    assert_eq!(
        for_hundred, 2,
        "100 customer tokens at once, metafields at once"
    );
}

#[tokio::test]
async fn customer_input_metafields_are_written_with_the_customer_or_not_at_all() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    define(
        &app,
        &admin,
        definition(
            "b2b",
            "account_number",
            "single_line_text_field",
            "NONE",
            "NONE",
        ),
    )
    .await;
    let created = app
        .admin_create(
            &admin,
            json!({ "email": "buyer@example.com", "metafields": [{ "namespace": "b2b", "key": "account_number", "value": "ACME-1" }] }),
        )
        .await;
    let read = app
        .admin(
            &admin,
            "query($id: ID!) { customer(id: $id) { version metafield(namespace: \"b2b\", key: \"account_number\") { value type } } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(
        read["data"]["customer"]["metafield"],
        json!({ "value": "ACME-1", "type": "single_line_text_field" })
    );
    let refused = app
        .admin(
            &admin,
            "mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }",
            json!({ "input": { "email": "other@example.com", "metafields": [{ "namespace": "b2b", "key": "untyped", "value": "x" }] } }),
        )
        .await;
    assert_eq!(
        refused["data"]["customerCreate"],
        json!({ "customer": null, "userErrors": [{ "field": ["metafields"], "message": "Metafield 0: Type can't be blank" }] })
    );
    assert_eq!(
        database::count(&app, "customers").await,
        1,
        "no customer without its metafields"
    );
    // An update sets them in its own change (one version).
    let before = version(&app, &admin, created["id"].as_str().expect("id")).await;
    let updated = app
        .admin(
            &admin,
            "mutation($input: CustomerInput!) { customerUpdate(input: $input) { customer { version metafield(namespace: \"b2b\", key: \"account_number\") { value } } userErrors { message } } }",
            json!({ "input": { "id": created["id"], "note": "key account", "metafields": [{ "namespace": "b2b", "key": "account_number", "value": "ACME-2" }] } }),
        )
        .await;
    assert_eq!(
        updated["data"]["customerUpdate"]["customer"]["metafield"]["value"], "ACME-2",
        "{updated}"
    );
    assert_eq!(
        version(&app, &admin, created["id"].as_str().expect("id")).await,
        before + 1
    );
    // `customerSet` (the importer's upsert) takes them too.
    let upserted = app
        .admin(
            &admin,
            "mutation($identifier: CustomerSetIdentifiers, $input: CustomerSetInput!) { customerSet(identifier: $identifier, input: $input) { customer { metafield(namespace: \"b2b\", key: \"account_number\") { value } } userErrors { message } } }",
            json!({ "identifier": { "email": "imported@example.com" }, "input": { "metafields": [{ "namespace": "b2b", "key": "account_number", "value": "IMP-7" }] } }),
        )
        .await;
    assert_eq!(
        upserted["data"]["customerSet"],
        json!({ "customer": { "metafield": { "value": "IMP-7" } }, "userErrors": [] })
    );
}

#[tokio::test]
async fn export_includes_metafields_and_erasure_removes_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    let (id, _) = customer(&app, "ada@example.com").await;
    set(
        &app,
        &admin,
        json!([{ "ownerId": id, "namespace": "crm", "key": "segment", "type": "single_line_text_field", "value": "loyal" }]),
    )
    .await;
    let export = app
        .admin(
            &admin,
            "query($id: ID!) { customerDataExport(customerId: $id) }",
            json!({ "id": id }),
        )
        .await;
    let metafields = &export["data"]["customerDataExport"]["metafields"];
    assert_eq!(metafields[0]["namespace"], "crm");
    assert_eq!(metafields[0]["value"], "loyal");
    let deleted = app
        .admin(
            &admin,
            "mutation($id: ID!) { customerDelete(input: { id: $id }) { deletedCustomerId userErrors { message } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        deleted["data"]["customerDelete"]["deletedCustomerId"], id,
        "{deleted}"
    );
    assert_eq!(database::count(&app, "customer_metafields").await, 0);
}

#[tokio::test]
async fn definitions_and_values_belong_to_one_shop() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("write_customers").await;
    define(
        &app,
        &admin,
        definition(
            "loyalty",
            "tier",
            "single_line_text_field",
            "PUBLIC_READ",
            "NONE",
        ),
    )
    .await;
    let (id, _) = customer(&app, "ada@example.com").await;
    other_shop(&app, "brand-b", None).await;
    let theirs = app.admin_token_of("brand-b", "write_customers").await;
    // The same namespace and key is free in the other shop; this shop's customer is not theirs.
    define(
        &app,
        &theirs,
        definition("loyalty", "tier", "boolean", "NONE", "NONE"),
    )
    .await;
    let list = app
        .admin(
            &theirs,
            "{ metafieldDefinitions(ownerType: CUSTOMER, first: 10) { nodes { type { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list["data"]["metafieldDefinitions"]["nodes"],
        json!([{ "type": { "name": "boolean" } }])
    );
    let foreign = set(
        &app,
        &theirs,
        json!([{ "ownerId": id, "namespace": "loyalty", "key": "tier", "value": "true" }]),
    )
    .await;
    assert_eq!(foreign["userErrors"][0]["message"], "Owner does not exist.");
    assert_eq!(database::count(&app, "customer_metafields").await, 0);
}

#[tokio::test]
async fn the_command_line_manages_definitions() {
    let cli = Cli::new().await;
    let defined = cli.run(&[
        "metafields",
        "define",
        "loyalty.tier",
        "--type",
        "single_line_text_field",
        "--name",
        "Loyalty tier",
        "--validation",
        "choices=[\"gold\",\"silver\"]",
        "--storefront",
        "public-read",
        "--customer-account",
        "read-write",
    ]);
    assert!(defined.status.success(), "{defined:?}");
    assert!(stdout(&defined).starts_with("gid://shopify/MetafieldDefinition/"));
    let again = cli.run(&[
        "metafields",
        "define",
        "loyalty.tier",
        "--type",
        "boolean",
        "--name",
        "x",
    ]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("Key is in use"),
        "{again:?}"
    );
    let changed = cli.run(&[
        "metafields",
        "change",
        "loyalty.tier",
        "--storefront",
        "none",
    ]);
    assert!(changed.status.success(), "{changed:?}");
    let listed = cli.run(&["metafields", "list", "--json"]);
    let list: Value = serde_json::from_str(&stdout(&listed)).expect("json");
    assert_eq!(list[0]["key"], "tier");
    assert_eq!(list[0]["storefront"], "NONE");
    assert_eq!(list[0]["customer_account"], "READ_WRITE");
    assert_eq!(list[0]["validations"][0][0], "choices");
    let unconfirmed = cli.run(&["metafields", "remove", "loyalty.tier", "--delete-values"]);
    assert!(!unconfirmed.status.success());
    let removed = cli.run(&["metafields", "remove", "loyalty.tier"]);
    assert!(removed.status.success(), "{removed:?}");
    let empty = cli.run(&["metafields", "list", "--json"]);
    assert_eq!(stdout(&empty).trim(), "[]");
}
