//! GraphQL limits, all applied before anything runs: depth, cost (reported on every answer as
//! Shopify does), root fields and aliases; and what production hides from strangers.

use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, database};

async fn raw(app: &TestApp, query: &str) -> Value {
    let response = app.post_json(&json!({ "query": query })).await;
    assert_eq!(
        response.status,
        axum::http::StatusCode::OK,
        "{}",
        response.body
    );
    response.json()
}

#[tokio::test]
async fn every_answer_reports_its_cost_and_pages_cost_their_size() {
    let app = TestApp::spawn().await;
    let cost = |body: &Value| {
        body["extensions"]["cost"]["requestedQueryCost"]
            .as_u64()
            .expect("cost")
    };
    let small = raw(&app, "{ customer(customerAccessToken: \"x\") { id } }").await;
    let one = raw(
        &app,
        "{ customer(customerAccessToken: \"x\") { addresses(first: 1) { nodes { id city } } } }",
    )
    .await;
    let many = raw(
        &app,
        "{ customer(customerAccessToken: \"x\") { addresses(first: 50) { nodes { id city } } } }",
    )
    .await;
    assert!(cost(&small) >= 1);
    assert!(
        cost(&many) > cost(&one) * 10,
        "{} vs {}",
        cost(&many),
        cost(&one)
    );
}

#[tokio::test]
async fn a_costly_document_is_refused_with_shopify_s_answer() {
    let app = TestApp::spawn().await;
    let pages: Vec<String> = (0..30)
        .map(|i| format!("p{i}: addresses(first: 250) {{ nodes {{ id city zip country }} }}"))
        .collect();
    let body = raw(
        &app,
        &format!(
            "{{ customer(customerAccessToken: \"x\") {{ {} }} }}",
            pages.join(" ")
        ),
    )
    .await;
    assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    let error = &body["errors"][0];
    assert_eq!(error["message"], "Complexity exceeded");
    assert_eq!(error["extensions"]["code"], "MAX_COMPLEXITY_EXCEEDED");
    assert_eq!(error["extensions"]["maxCost"], 25_000);
    assert!(
        error["extensions"]["cost"]
            .as_u64()
            .is_some_and(|c| c > 25_000)
    );
}

#[tokio::test]
async fn a_deep_document_is_refused() {
    let app = TestApp::spawn().await;
    let mut deep = String::from("name");
    for _ in 0..20 {
        deep = format!("ofType {{ {deep} }}");
    }
    let body = raw(
        &app,
        &format!("{{ __type(name: \"Customer\") {{ {deep} }} }}"),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "MAX_DEPTH_EXCEEDED",
        "{body}"
    );
}

#[tokio::test]
async fn a_hundred_aliased_logins_are_refused_before_any_password_is_checked() {
    let app = TestApp::spawn().await;
    app.create_customer("target@example.com").await;
    let logins: Vec<String> = (0..100)
        .map(|i| {
            format!("l{i}: customerAccessTokenCreate(input: {{email: \"target@example.com\", password: \"{PASSWORD}{i}\"}}) {{ customerAccessToken {{ accessToken }} }}")
        })
        .collect();
    // One of them even has the right password: nothing runs at all.
    let mut document = format!("mutation {{ {} ", logins.join(" "));
    document.push_str(&format!("right: customerAccessTokenCreate(input: {{email: \"target@example.com\", password: \"{PASSWORD}\"}}) {{ customerAccessToken {{ accessToken }} }} }}"));
    let body = raw(&app, &document).await;
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "MAX_ROOT_FIELDS_EXCEEDED"
    );
    assert_eq!(body["errors"][0]["extensions"]["rootFields"], 101);
    assert_eq!(database::count(&app, "customer_access_tokens").await, 0);
    // Fragments do not hide root fields.
    let spread = format!(
        "query {{ ...F }} fragment F on QueryRoot {{ {} }}",
        (0..11)
            .map(|i| format!("a{i}: __typename"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert_eq!(
        raw(&app, &spread).await["errors"][0]["extensions"]["code"],
        "MAX_ROOT_FIELDS_EXCEEDED"
    );
}

#[tokio::test]
async fn production_hides_the_schema_and_suggestions() {
    let app = TestApp::spawn_with(|config| {
        config.environment = storefront::config::Environment::Production;
        config.secret_key = Some("a-production-secret-key-of-enough-length".to_owned().into());
    })
    .await;
    let introspection = raw(&app, "{ __schema { types { name } } }").await;
    assert_eq!(
        introspection["data"]["__schema"],
        Value::Null,
        "{introspection}"
    );
    let typo = raw(&app, "{ custmer(customerAccessToken: \"x\") { id } }").await;
    let message = typo["errors"][0]["message"].as_str().expect("error");
    assert!(!message.contains("Did you mean"), "{message}");
    // In development, both help people exploring the API.
    let dev = TestApp::spawn().await;
    let typo = raw(&dev, "{ custmer(customerAccessToken: \"x\") { id } }").await;
    assert!(
        typo["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Did you mean"))
    );
    assert!(raw(&dev, "{ __schema { types { name } } }").await["data"]["__schema"].is_object());
}

#[tokio::test]
async fn typename_gets_the_same_directive_and_argument_rules_as_every_other_field() {
    let app = TestApp::spawn().await;
    let message = |body: Value| body["errors"][0]["message"].as_str().map(str::to_owned);
    // The validator's own answer on an ordinary field...
    let on_field = app
        .graphql(
            "{ shop: customer(customerAccessToken: \"x\") @nonsense { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        message(on_field).as_deref(),
        Some("Unknown directive \"nonsense\"")
    );
    // ...and now the same on __typename, at the root, nested and in fragments.
    for query in [
        "{ __typename @nonsense }",
        "{ customer(customerAccessToken: \"x\") { __typename @nonsense } }",
        "query { ...F } fragment F on QueryRoot { __typename @nonsense }",
        "{ ... on QueryRoot { __typename @nonsense(if: true) } }",
    ] {
        // Twice: the second time the node reuses the document it parsed, and checks it again.
        for _ in 0..2 {
            let body = app.graphql(query, json!({})).await;
            assert_eq!(body["data"], Value::Null, "{query}: {body}");
            assert_eq!(
                message(body).as_deref(),
                Some("Unknown directive \"nonsense\""),
                "{query}"
            );
        }
    }
    let body = app.graphql("{ __typename(x: 1) }", json!({})).await;
    assert_eq!(
        message(body).as_deref(),
        Some("Unknown argument \"x\" on field \"__typename\"")
    );
    let body = app
        .graphql("{ __typename @inContext(country: CA) }", json!({}))
        .await;
    assert_eq!(
        message(body).as_deref(),
        Some("Directive \"inContext\" may not be used on \"FIELD\"")
    );
    // Known field directives still work.
    let body = app
        .graphql(
            "{ a: __typename @skip(if: true) b: __typename @include(if: true) }",
            json!({}),
        )
        .await;
    assert_eq!(body, json!({ "data": { "b": "QueryRoot" } }));
}

/// `Int` is 32-bit: a larger value is refused before anything runs, also where the field that
/// takes it is never resolved (under a `null` customer) and also through a variable.
#[tokio::test]
async fn an_int_argument_beyond_32_bits_is_refused_wherever_it_is() {
    let app = TestApp::spawn().await;
    let literal = raw(
        &app,
        "{ customer(customerAccessToken: \"\") { addresses(first: 99999999999) { nodes { id } } } }",
    )
    .await;
    assert!(literal.get("data").is_none_or(Value::is_null), "{literal}");
    assert_eq!(
        literal["errors"][0]["message"],
        "Argument 'first' on Field 'addresses' has an invalid value (99999999999). Expected type 'Int'."
    );
    let nested = raw(
        &app,
        "{ customer(customerAccessToken: \"\") { orders(first: 1) { nodes { lineItems(first: 1) { nodes { variant { image { url(transform: { maxWidth: -1883618998483527 }) } } } } } } } }",
    )
    .await;
    assert_eq!(
        nested["errors"][0]["message"],
        "Argument 'maxWidth' on Field 'url' has an invalid value (-1883618998483527). Expected type 'Int'."
    );
    let variable = app
        .graphql(
            "query($first: Int) { customer(customerAccessToken: \"\") { orders(first: $first) { nodes { id } } } }",
            json!({ "first": 3_000_000_000u64 }),
        )
        .await;
    assert_eq!(
        variable["errors"][0]["message"],
        "Argument 'first' on Field 'orders' has an invalid value (3000000000). Expected type 'Int'."
    );
    // The largest Int is an Int.
    let largest = raw(
        &app,
        "{ customer(customerAccessToken: \"\") { addresses(first: 2147483647) { nodes { id } } } }",
    )
    .await;
    assert!(largest.get("errors").is_none(), "{largest}");
}

#[tokio::test]
async fn answers_that_ran_report_their_cost_and_documents_that_did_not_validate_do_not() {
    let app = TestApp::spawn().await;
    // A field's error (Shopify's capture of this one has its cost too).
    let ran = raw(
        &app,
        "mutation { customerAccessTokenDelete(customerAccessToken: \"nope\") { deletedAccessToken } }",
    )
    .await;
    assert_eq!(
        ran["errors"][0]["extensions"]["code"], "ACCESS_DENIED",
        "{ran}"
    );
    assert_eq!(ran["extensions"]["cost"]["requestedQueryCost"], 2, "{ran}");
    let invalid = raw(&app, "{ customer(customerAccessToken: \"x\") { nope } }").await;
    assert!(
        invalid["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nope")),
        "{invalid}"
    );
    assert!(invalid.get("extensions").is_none(), "{invalid}");
    // Depth and cost are weighed before validation, with the numbers in the message.
    let mut deep = String::from("id");
    for _ in 0..20 {
        deep = format!("nope {{ {deep} }}");
    }
    let body = raw(
        &app,
        &format!("{{ customer(customerAccessToken: \"x\") {{ {deep} }} }}"),
    )
    .await;
    assert_eq!(
        body["errors"][0]["message"], "Query has depth of 22, which exceeds max depth of 15",
        "{body}"
    );
}
