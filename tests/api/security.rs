//! Attacks that must get the same answer as any other bad input: never a 5xx, never a hint.

use rand::Rng;
use serde_json::{Value, json};

use crate::support::TestApp;

/// Token-like garbage of every shape: short, long, hex-ish, upper case, unicode, SQL, JSON.
fn malformed_token(rng: &mut impl Rng, i: usize) -> String {
    match i % 8 {
        0 => (0..rng.gen_range(0..64))
            .map(|_| rng.gen_range(b'0'..=b'f') as char)
            .collect(),
        1 => format!("{:032X}", rng.r#gen::<u128>()),
        2 => format!("{:032x}{}", rng.r#gen::<u128>(), i),
        3 => "' OR 1=1 -- ".repeat(rng.gen_range(1..20)),
        4 => (0..rng.gen_range(1..40))
            .map(|_| char::from_u32(rng.gen_range(0x80..0x2FFF)).unwrap_or('x'))
            .collect(),
        5 => "\"}{\\u0000".repeat(rng.gen_range(1..10)),
        6 => "a".repeat(rng.gen_range(100..2_000)),
        _ => format!("{:031x}", rng.r#gen::<u128>() >> 4),
    }
}

/// Reads `customer(customerAccessToken:)` once per token, as fields `c0`, `c1`... of one query
/// (at most the ten root fields a query may have); the answer's `data`, which must come without
/// errors.
async fn read_customers(app: &TestApp, tokens: &[String]) -> serde_json::Map<String, Value> {
    let fields: Vec<String> = tokens
        .iter()
        .enumerate()
        .map(|(j, token)| {
            format!(
                "c{j}: customer(customerAccessToken: {}) {{ id }}",
                Value::String(token.clone())
            )
        })
        .collect();
    let body = json!({ "query": format!("{{ {} }}", fields.join(" ")) });
    let response = app.post_json(&body).await;
    assert_eq!(
        response.status,
        axum::http::StatusCode::OK,
        "{}",
        response.body
    );
    let answer = response.json();
    assert!(answer.get("errors").is_none(), "{}", response.body);
    answer["data"]
        .as_object()
        .unwrap_or_else(|| panic!("a data object: {}", response.body))
        .clone()
}

#[tokio::test]
async fn ten_thousand_malformed_customer_tokens_get_the_same_answer_and_no_5xx() {
    let app = TestApp::spawn().await;
    // The same selection with a token that works reads the customer: a `null` below is a
    // refusal, not a selection that could never read anything.
    let valid = app.signed_in_customer("control@example.com").await;
    let control = read_customers(&app, &[valid]).await;
    assert!(control["c0"]["id"].is_string(), "{control:?}");

    let mut rng = rand::thread_rng();
    // Malformed tokens answered with the refusal: their field present and `null`.
    let mut refused = 0;
    for batch in 0..1_000 {
        let tokens: Vec<String> = (0..10)
            .map(|j| malformed_token(&mut rng, batch * 10 + j))
            .collect();
        let data = read_customers(&app, &tokens).await;
        // A missing field would index as `null` too: only a field that is there counts.
        refused += (0..tokens.len())
            .filter(|j| data.get(&format!("c{j}")) == Some(&Value::Null))
            .count();
    }
    // Any malformed token accepted (or answered otherwise) leaves the count short.
    assert_eq!(refused, 10_000);
    // The same garbage on the mutations: Shopify's answers, never an internal error.
    for i in 0..200 {
        let token = malformed_token(&mut rng, i);
        let renew = app
            .graphql(
                "mutation($t: String!) { customerAccessTokenRenew(customerAccessToken: $t) { userErrors { message } } }",
                json!({ "t": token }),
            )
            .await;
        assert_eq!(
            renew["data"]["customerAccessTokenRenew"]["userErrors"][0]["message"],
            "access token does not exist"
        );
        let delete = app
            .graphql(
                "mutation($t: String!) { customerAccessTokenDelete(customerAccessToken: $t) { deletedAccessToken } }",
                json!({ "t": token }),
            )
            .await;
        assert_eq!(delete["errors"][0]["extensions"]["code"], "ACCESS_DENIED");
    }
}
