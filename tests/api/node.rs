//! node(id:) and nodes(ids:) serve a MailingAddress to its owner only: the customer named by
//! `@inContext(buyer:)`, or by the access token a Shopify-style id carries.

use serde_json::{Value, json};

use crate::addresses::add_ok;
use crate::support::TestApp;

const NODE_IN_CONTEXT: &str =
    "query Node($id: ID!, $token: String!) @inContext(buyer: {customerAccessToken: $token}) {
  node(id: $id) { id ... on MailingAddress { address1 } }
}";

const NODE: &str =
    "query Node($id: ID!) { node(id: $id) { id ... on MailingAddress { address1 } } }";

#[tokio::test]
async fn the_owner_reads_an_address_as_a_node() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("node-owner@example.com").await;
    let id = add_ok(&app, &token, "1 Node St").await;
    let response = app
        .graphql(NODE_IN_CONTEXT, json!({ "id": id, "token": token }))
        .await;
    assert_eq!(
        response,
        json!({ "data": { "node": { "id": id, "address1": "1 Node St" } } })
    );
    let with_buyer_variable = app
        .graphql(
            "query($id: ID!, $buyer: BuyerInput) @inContext(buyer: $buyer) { node(id: $id) { ... on MailingAddress { address1 } } }",
            json!({ "id": id, "buyer": { "customerAccessToken": token } }),
        )
        .await;
    assert_eq!(with_buyer_variable["data"]["node"]["address1"], "1 Node St");
    let shopify_style = format!("{id}&customer_access_token={token}");
    let response = app.graphql(NODE, json!({ "id": shopify_style })).await;
    assert_eq!(response["data"]["node"]["address1"], "1 Node St");
}

#[tokio::test]
async fn anyone_else_gets_null() {
    let app = TestApp::spawn().await;
    let owner = app.signed_in_customer("node-private@example.com").await;
    let other = app.signed_in_customer("node-other@example.com").await;
    let id = add_ok(&app, &owner, "1 Private St").await;
    for (query, variables) in [
        (NODE, json!({ "id": id })),
        (NODE_IN_CONTEXT, json!({ "id": id, "token": other })),
        (NODE_IN_CONTEXT, json!({ "id": id, "token": "garbage" })),
        (
            NODE,
            json!({ "id": format!("{id}&customer_access_token={other}") }),
        ),
        (NODE, json!({ "id": "not-a-gid" })),
    ] {
        let response = app.graphql(query, variables.clone()).await;
        assert_eq!(response, json!({ "data": { "node": null } }), "{variables}");
    }
}

#[tokio::test]
async fn nodes_resolves_each_id_and_caps_the_list() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("nodes@example.com").await;
    let first = add_ok(&app, &token, "1 Nodes St").await;
    let second = add_ok(&app, &token, "2 Nodes St").await;
    let query = "query($ids: [ID!]!, $token: String!) @inContext(buyer: {customerAccessToken: $token}) { nodes(ids: $ids) { ... on MailingAddress { address1 } } }";
    let response = app
        .graphql(
            query,
            json!({ "ids": [first, "gid://shopify/MailingAddress/1", second], "token": token }),
        )
        .await;
    assert_eq!(
        response["data"]["nodes"],
        json!([{ "address1": "1 Nodes St" }, null, { "address1": "2 Nodes St" }])
    );
    let too_many: Vec<String> = (0..251)
        .map(|i| format!("gid://shopify/MailingAddress/{i}"))
        .collect();
    let response = app
        .graphql(query, json!({ "ids": too_many, "token": token }))
        .await;
    assert_eq!(response["data"]["nodes"], Value::Null);
    assert_eq!(
        response["errors"][0]["extensions"]["code"],
        "MAX_INPUT_SIZE_EXCEEDED"
    );
    assert_eq!(
        response["errors"][0]["message"],
        "The input array size of 251 is greater than the maximum allowed of 250."
    );
}
