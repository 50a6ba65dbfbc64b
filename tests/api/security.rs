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

#[tokio::test]
async fn ten_thousand_malformed_customer_tokens_get_the_same_answer_and_no_5xx() {
    let app = TestApp::spawn().await;
    let mut rng = rand::thread_rng();
    let mut tokens = 0;
    for batch in 0..1_000 {
        let fields: Vec<String> = (0..10)
            .map(|j| {
                let token = malformed_token(&mut rng, batch * 10 + j);
                format!(
                    "c{j}: customer(customerAccessToken: {}) {{ id }}",
                    Value::String(token)
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
        let data = &response.json()["data"];
        for j in 0..10 {
            assert_eq!(data[format!("c{j}")], Value::Null, "{}", response.body);
        }
        assert!(response.json().get("errors").is_none(), "{}", response.body);
        tokens += 10;
    }
    assert_eq!(tokens, 10_000);
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
