//! Every operation of the real storefront code bases in `tests/fixtures/client-docs/` that
//! touches the address book or customerUpdate runs against the server, with the variables its
//! client would send, and succeeds: no top-level error, no user error.
//! Operations that also select `Customer.orders` are skipped, and say so: orders are not served.

use async_graphql::parser::parse_query;
use async_graphql::parser::types::DocumentOperations;
use serde_json::{Map, Value, json};

use crate::addresses::add_ok;
use crate::support::TestApp;

const FILES: [(&str, &str); 9] = [
    (
        "hydrogen-legacy-customer-account-flow",
        include_str!("../fixtures/client-docs/hydrogen-legacy-customer-account-flow.graphql"),
    ),
    (
        "hydrogen-demo-store-2023",
        include_str!("../fixtures/client-docs/hydrogen-demo-store-2023.graphql"),
    ),
    (
        "hydrogen-multipass-recipe",
        include_str!("../fixtures/client-docs/hydrogen-multipass-recipe.graphql"),
    ),
    (
        "hydrogen-v1-demo-store",
        include_str!("../fixtures/client-docs/hydrogen-v1-demo-store.graphql"),
    ),
    (
        "vercel-commerce-shopify-provider",
        include_str!("../fixtures/client-docs/vercel-commerce-shopify-provider.graphql"),
    ),
    (
        "storefront-api-learning-kit",
        include_str!("../fixtures/client-docs/storefront-api-learning-kit.graphql"),
    ),
    (
        "js-buy-sdk-pr813",
        include_str!("../fixtures/client-docs/js-buy-sdk-pr813.graphql"),
    ),
    (
        "vuestorefront-shopify",
        include_str!("../fixtures/client-docs/vuestorefront-shopify.graphql"),
    ),
    (
        "shopify-draft-proxy-parity",
        include_str!("../fixtures/client-docs/shopify-draft-proxy-parity.graphql"),
    ),
];

const ADDRESS_MUTATIONS: [&str; 5] = [
    "customerAddressCreate",
    "customerAddressUpdate",
    "customerAddressDelete",
    "customerDefaultAddressUpdate",
    "customerUpdate",
];

/// The documents of a file: one per `# ==== ` chunk, comments removed.
fn operations(text: &str) -> Vec<(String, String)> {
    text.split("\n# ==== ")
        .skip(1)
        .map(|chunk| {
            let title = chunk.lines().next().unwrap_or_default().to_owned();
            let body: Vec<&str> = chunk
                .lines()
                .skip(1)
                .filter(|l| !l.trim_start().starts_with('#'))
                .collect();
            (title, body.join("\n"))
        })
        .collect()
}

fn touches_the_address_book(document: &str) -> bool {
    ADDRESS_MUTATIONS
        .iter()
        .any(|m| document.contains(&format!("{m}(")))
        || document.contains("addresses")
        || document.contains("defaultAddress")
}

struct Fixture {
    token: String,
    address_id: String,
    email: String,
}

/// The variables a client would send, by name and type.
fn variables(document: &str, fixture: &Fixture) -> Value {
    let parsed = parse_query(document).expect("the document parses");
    let operation = match &parsed.operations {
        DocumentOperations::Single(op) => op.node.clone(),
        DocumentOperations::Multiple(ops) => {
            ops.values().next().expect("an operation").node.clone()
        }
    };
    let mut variables = Map::new();
    for definition in &operation.variable_definitions {
        let name = definition.node.name.node.to_string();
        let ty = definition.node.var_type.node.to_string();
        let value = match (name.as_str(), ty.trim_end_matches('!')) {
            (_, "MailingAddressInput") => {
                json!({ "firstName": "Grace", "lastName": "Hopper", "address1": "1 Harbour St", "city": "Ottawa", "province": "ON", "country": "CA", "zip": "K1A 0B1" })
            }
            (_, "CustomerCreateInput") => {
                json!({ "email": fixture.email, "password": "a-good-new-password" })
            }
            (_, "CustomerUpdateInput") => {
                json!({ "firstName": "Grace", "lastName": "Hopper", "acceptsMarketing": true })
            }
            (_, "ID") => json!(fixture.address_id),
            (_, "CountryCode") => json!("CA"),
            (_, "LanguageCode") => json!("EN"),
            (_, "Int") => json!(10),
            (_, "Boolean") => json!(true),
            ("email", _) => json!(fixture.email),
            ("firstName" | "lastName", _) => json!("Grace"),
            ("phone", _) => json!("+16135550111"),
            ("password", _) => json!("a-good-new-password"),
            (_, "String") => json!(fixture.token),
            (other, ty) => panic!("no sample for ${other}: {ty}"),
        };
        variables.insert(name, value);
    }
    Value::Object(variables)
}

/// Every `customerUserErrors`/`userErrors` list in the answer.
fn user_errors(value: &Value, found: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if (key == "customerUserErrors" || key == "userErrors")
                    && v.as_array().is_some_and(|a| !a.is_empty())
                {
                    found.push(v.clone());
                }
                user_errors(v, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| user_errors(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_address_book_and_profile_operation_of_real_clients_succeeds() {
    let app = TestApp::spawn().await;
    let mut ran = Vec::new();
    let mut skipped = Vec::new();
    for (file, text) in FILES {
        for (index, (title, document)) in operations(text).into_iter().enumerate() {
            if !touches_the_address_book(&document) {
                continue;
            }
            if document.contains("orders") {
                skipped.push(format!("{file} #{index}: {title}"));
                continue;
            }
            let email = format!("client-{file}-{index}@example.com");
            let token = app.signed_in_customer(&email).await;
            let address_id = add_ok(&app, &token, "1 Existing St").await;
            let fixture = Fixture {
                token: token.clone(),
                address_id,
                email: format!("new-{email}"),
            };
            let document = document.replace("<token literal>", &token);
            let response = app.graphql(&document, variables(&document, &fixture)).await;
            assert!(
                response.get("errors").is_none(),
                "{file} #{index} {title}: {response}"
            );
            let data = response["data"].as_object().expect("data");
            assert!(
                data.values().all(|v| !v.is_null()),
                "{file} #{index} {title}: {response}"
            );
            let mut errors = Vec::new();
            user_errors(&response, &mut errors);
            assert!(errors.is_empty(), "{file} #{index} {title}: {errors:?}");
            ran.push(format!("{file} #{index}"));
        }
    }
    // The count pins the inventory: a change in the fixtures or the filter shows up here.
    assert_eq!(ran.len(), 36, "ran: {ran:#?}");
    assert_eq!(
        skipped.len(),
        3,
        "skipped (they select Customer.orders): {skipped:#?}"
    );
}
