//! The addresses connection: Relay pagination with first/after/last/before/reverse, stable cursors,
//! both `edges` and `nodes`, and clear errors for requests it cannot serve.

use serde_json::{Value, json};

use crate::addresses::add_ok;
use crate::support::TestApp;

const PAGE: &str = "query Page($token: String!, $first: Int, $after: String, $last: Int, $before: String, $reverse: Boolean) {
  customer(customerAccessToken: $token) {
    addresses(first: $first, after: $after, last: $last, before: $before, reverse: $reverse) {
      edges { cursor node { address1 } }
      nodes { address1 }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}";

struct Book {
    app: TestApp,
    token: String,
}

impl Book {
    async fn with(count: usize) -> Self {
        let app = TestApp::spawn().await;
        let token = app.signed_in_customer("pages@example.com").await;
        for i in 1..=count {
            add_ok(&app, &token, &format!("{i} Page St")).await;
        }
        Self { app, token }
    }

    async fn page(&self, arguments: Value) -> Value {
        let mut variables = arguments;
        variables["token"] = json!(self.token);
        self.app.graphql(PAGE, variables).await
    }

    /// The streets of a page, with (hasPreviousPage, hasNextPage), checking that edges and nodes agree.
    async fn streets(&self, arguments: Value) -> (Vec<String>, bool, bool, Value) {
        let response = self.page(arguments).await;
        let connection = &response["data"]["customer"]["addresses"];
        let nodes: Vec<String> = connection["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{response}"))
            .iter()
            .map(|n| n["address1"].as_str().expect("street").to_owned())
            .collect();
        let edges: Vec<String> = connection["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["address1"].as_str().expect("street").to_owned())
            .collect();
        assert_eq!(nodes, edges);
        let info = &connection["pageInfo"];
        let cursors: Vec<&Value> = connection["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| &e["cursor"])
            .collect();
        assert_eq!(
            info["startCursor"],
            cursors.first().map_or(Value::Null, |c| (*c).clone())
        );
        assert_eq!(
            info["endCursor"],
            cursors.last().map_or(Value::Null, |c| (*c).clone())
        );
        (
            nodes,
            info["hasPreviousPage"].as_bool().expect("bool"),
            info["hasNextPage"].as_bool().expect("bool"),
            info.clone(),
        )
    }
}

fn streets(numbers: &[usize]) -> Vec<String> {
    numbers.iter().map(|i| format!("{i} Page St")).collect()
}

#[tokio::test]
async fn an_empty_book_has_no_cursors() {
    let book = Book::with(0).await;
    let (nodes, previous, next, info) = book.streets(json!({ "first": 10 })).await;
    assert!(nodes.is_empty() && !previous && !next);
    assert_eq!(info["startCursor"], Value::Null);
    assert_eq!(info["endCursor"], Value::Null);
}

#[tokio::test]
async fn one_address_and_an_exact_page() {
    let book = Book::with(1).await;
    assert_eq!(book.streets(json!({ "first": 10 })).await.0, streets(&[1]));
    let book = Book::with(3).await;
    let (nodes, previous, next, _) = book.streets(json!({ "first": 3 })).await;
    assert_eq!((nodes, previous, next), (streets(&[1, 2, 3]), false, false));
}

#[tokio::test]
async fn walking_forward_and_backward() {
    let book = Book::with(5).await;
    let (first, previous, next, info) = book.streets(json!({ "first": 2 })).await;
    assert_eq!((first, previous, next), (streets(&[1, 2]), false, true));
    let (second, previous, next, info) = book
        .streets(json!({ "first": 2, "after": info["endCursor"] }))
        .await;
    assert_eq!((second, previous, next), (streets(&[3, 4]), true, true));
    let (third, previous, next, _) = book
        .streets(json!({ "first": 2, "after": info["endCursor"] }))
        .await;
    assert_eq!((third, previous, next), (streets(&[5]), true, false));

    // The last page, then backwards from it.
    let (last, previous, next, info) = book.streets(json!({ "last": 2 })).await;
    assert_eq!((last, previous, next), (streets(&[4, 5]), true, false));
    let (before, previous, next, _) = book
        .streets(json!({ "last": 2, "before": info["startCursor"] }))
        .await;
    assert_eq!((before, previous, next), (streets(&[2, 3]), true, true));
}

#[tokio::test]
async fn reverse_lists_newest_first() {
    let book = Book::with(3).await;
    let (nodes, previous, next, info) = book.streets(json!({ "first": 2, "reverse": true })).await;
    assert_eq!((nodes, previous, next), (streets(&[3, 2]), false, true));
    let (rest, _, next, _) = book
        .streets(json!({ "first": 2, "reverse": true, "after": info["endCursor"] }))
        .await;
    assert_eq!((rest, next), (streets(&[1]), false));
}

#[tokio::test]
async fn cursors_survive_inserts_and_deletes() {
    let book = Book::with(3).await;
    let (_, _, _, info) = book.streets(json!({ "first": 1 })).await;
    let cursor = info["endCursor"].clone();
    // Delete the item the cursor names, and add another.
    let everything = book.page(json!({ "first": 10 })).await;
    let first_id =
        everything["data"]["customer"]["addresses"]["edges"][0]["node"]["address1"].clone();
    assert_eq!(first_id, "1 Page St");
    let ids = book
        .app
        .graphql("query($t: String!) { customer(customerAccessToken: $t) { addresses(first: 1) { nodes { id } } } }", json!({ "t": book.token }))
        .await;
    let id = ids["data"]["customer"]["addresses"]["nodes"][0]["id"].clone();
    book.app
        .graphql(
            "mutation($t: String!, $id: ID!) { customerAddressDelete(customerAccessToken: $t, id: $id) { deletedCustomerAddressId } }",
            json!({ "t": book.token, "id": id }),
        )
        .await;
    add_ok(&book.app, &book.token, "4 Page St").await;
    let (nodes, previous, next, _) = book.streets(json!({ "first": 10, "after": cursor })).await;
    assert_eq!((nodes, previous, next), (streets(&[2, 3, 4]), false, false));
}

#[tokio::test]
async fn page_sizes_are_capped_and_required() {
    let book = Book::with(1).await;
    for (arguments, message) in [
        (json!({ "first": 251 }), "first must be between 0 and 250"),
        (json!({ "last": 1000 }), "last must be between 0 and 250"),
        (json!({}), "you must provide one of first or last"),
        (
            json!({ "first": 1, "after": "garbage" }),
            "after is not a valid cursor",
        ),
    ] {
        let response = book.page(arguments.clone()).await;
        assert_eq!(response["errors"][0]["message"], message, "{arguments}");
        assert_eq!(response["data"]["customer"]["addresses"], Value::Null);
    }
    assert_eq!(book.streets(json!({ "first": 250 })).await.0, streets(&[1]));
}
