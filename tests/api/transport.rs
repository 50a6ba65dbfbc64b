//! HTTP behaviour: the paths Shopify clients use, what real clients send (minified documents,
//! `@inContext`, Apollo's `__typename` and `operationName`, raw GraphQL bodies), and a clear
//! status with a GraphQL-shaped body for every malformed request.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use crate::support::{API_PATH, PASSWORD, RawResponse, TestApp};

async fn post(
    app: &TestApp,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> RawResponse {
    let mut request = Request::post(path).header("X-Shopify-Storefront-Access-Token", &app.token);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    app.request(request.body(body.into()).expect("request"))
        .await
}

async fn get(app: &TestApp, uri: &str) -> RawResponse {
    app.request(
        Request::get(uri)
            .header("X-Shopify-Storefront-Access-Token", &app.token)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

fn first_error(response: &RawResponse) -> String {
    response.json()["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("a GraphQL error body: {}", response.body))
        .to_owned()
}

#[tokio::test]
async fn every_shopify_path_serves_graphql() {
    let app = TestApp::spawn().await;
    let body = json!({ "query": "{ __typename }" }).to_string();
    for path in [
        "/api/2026-04/graphql.json",
        "/api/2025-01/graphql",
        "/api/unstable/graphql.json",
        "/graphql",
    ] {
        let response = post(&app, path, Some("application/json"), body.clone()).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        assert!(
            response.headers["content-type"]
                .to_str()
                .is_ok_and(|ct| ct.contains("application/json")),
            "{path}"
        );
        assert_eq!(
            response.json()["data"],
            json!({ "__typename": "QueryRoot" })
        );
    }
}

#[tokio::test]
async fn an_unknown_version_or_path_is_not_found() {
    let app = TestApp::spawn().await;
    let response = post(
        &app,
        "/api/latest/graphql.json",
        Some("application/json"),
        "{}",
    )
    .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.json(), json!({ "errors": "Not Found" }));
    let response = get(&app, "/nothing-here").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.json(), json!({ "errors": "Not Found" }));
}

#[tokio::test]
async fn malformed_json_is_a_400_with_a_graphql_error_body() {
    let app = TestApp::spawn().await;
    for body in ["{not json", "{\"variables\": {}}", "\"just a string\"", ""] {
        let response = post(&app, API_PATH, Some("application/json"), body).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            first_error(&response).starts_with("Required parameter missing or invalid"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn json_array_batches_are_refused() {
    let app = TestApp::spawn().await;
    let body = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]).to_string();
    let response = post(&app, API_PATH, Some("application/json"), body).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(first_error(&response).contains("Batched queries are not supported"));
}

#[tokio::test]
async fn other_content_types_are_refused_before_execution() {
    let app = TestApp::spawn().await;
    let mutation = json!({ "query": "mutation { customerCreate(input: {email: \"csrf@example.com\", password: \"correct-horse-battery\"}) { customer { id } } }" }).to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let response = post(&app, API_PATH, content_type, mutation.clone()).await;
        assert_eq!(
            response.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert!(first_error(&response).contains("application/json"));
    }
    let login = app.login("csrf@example.com", PASSWORD).await;
    assert_eq!(
        login["data"]["customerAccessTokenCreate"]["customerAccessToken"],
        Value::Null
    );
}

#[tokio::test]
async fn json_with_a_charset_and_raw_graphql_bodies_are_accepted() {
    let app = TestApp::spawn().await;
    let response = post(
        &app,
        API_PATH,
        Some("application/json; charset=utf-8"),
        json!({ "query": "{ __typename }" }).to_string(),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    let response = post(
        &app,
        API_PATH,
        Some("application/graphql"),
        "query { __typename }",
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.json()["data"],
        json!({ "__typename": "QueryRoot" })
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = TestApp::spawn_with(|config| config.http.body_limit_bytes = 1024).await;
    let body = json!({ "query": format!("{{ __typename }} # {}", "x".repeat(2048)) }).to_string();
    let response = post(&app, API_PATH, Some("application/json"), body).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(first_error(&response).contains("1024 bytes"));
}

#[tokio::test]
async fn get_runs_queries_but_never_mutations() {
    let app = TestApp::spawn().await;
    let response = get(&app, "/graphql?query=%7B__typename%7D").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.json()["data"],
        json!({ "__typename": "QueryRoot" })
    );
    let mutation = "/graphql?query=mutation%7BcustomerAccessTokenRenew(customerAccessToken%3A%22x%22)%7BuserErrors%7Bmessage%7D%7D%7D";
    let response = get(&app, mutation).await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(first_error(&response).contains("Mutations are not allowed over GET"));
}

#[tokio::test]
async fn other_methods_on_the_api_path_are_405_with_a_json_body() {
    let app = TestApp::spawn().await;
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let response = app
            .request(
                Request::builder()
                    .method(method.clone())
                    .uri(API_PATH)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert!(!first_error(&response).is_empty());
    }
}

#[tokio::test]
async fn graphiql_is_served_with_the_storefront_token_filled_in() {
    let app = TestApp::spawn().await;
    let response = get(&app, "/graphql").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.contains("graphiql"), "GraphiQL page");
    assert!(response.body.contains("/api/2026-04/graphql.json"));
    assert!(
        response.body.contains(&app.token),
        "the token header is filled in"
    );
}

#[tokio::test]
async fn graphiql_is_not_served_in_production() {
    let app = TestApp::spawn_with(|config| {
        config.environment = storefront::config::Environment::Production;
        config.secret_key = Some("a-production-secret-key-of-enough-length".to_owned().into());
    })
    .await;
    let response = get(&app, "/graphql").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(!response.body.contains(&app.token));
    // Queries over GET still work.
    assert_eq!(
        get(&app, "/graphql?query=%7B__typename%7D").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let health = get(&app, "/healthz").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    let ready = get(&app, "/readyz").await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
}

#[tokio::test]
async fn request_ids_are_made_or_propagated() {
    let app = TestApp::spawn().await;
    let made = get(&app, "/healthz").await;
    let id = made.headers["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let propagated = app
        .request(
            Request::get("/healthz")
                .header("x-request-id", "from-the-proxy-123")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(propagated.headers["x-request-id"], "from-the-proxy-123");
}

#[tokio::test]
async fn cors_preflight_allows_storefront_headers() {
    let app = TestApp::spawn().await;
    let response = app
        .request(
            Request::builder()
                .method(Method::OPTIONS)
                .uri(API_PATH)
                .header("origin", "https://shop.example")
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "content-type,x-shopify-storefront-access-token",
                )
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(response.status.is_success(), "{}", response.status);
    assert_eq!(response.headers["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn hydrogen_minified_mutation_with_in_context_runs() {
    let app = TestApp::spawn().await;
    // As Hydrogen sends it: comments stripped, whitespace collapsed, $country/$language added.
    let query = "mutation customerCreate($input:CustomerCreateInput!,$country:CountryCode,$language:LanguageCode)@inContext(country:$country,language:$language){customerCreate(input:$input){customer{id}customerUserErrors{code field message}}}";
    let response = app
        .graphql(
            query,
            json!({ "input": { "email": "hydrogen@example.com", "password": PASSWORD }, "country": "CA", "language": "EN" }),
        )
        .await;
    assert!(
        response["data"]["customerCreate"]["customer"]["id"].is_string(),
        "{response}"
    );
    let query = "query CustomerDetails($customerAccessToken:String!,$country:CountryCode,$language:LanguageCode)@inContext(country:$country,language:$language){customer(customerAccessToken:$customerAccessToken){firstName}}";
    let response = app
        .graphql(
            query,
            json!({ "customerAccessToken": "x", "country": "XK", "language": "PT_BR" }),
        )
        .await;
    assert_eq!(response["data"], json!({ "customer": null }));
}

#[tokio::test]
async fn in_context_with_an_unknown_country_is_a_validation_error() {
    let app = TestApp::spawn().await;
    let response = app
        .graphql(
            "query @inContext(country: NOWHERE) { __typename }",
            json!({}),
        )
        .await;
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("NOWHERE")),
        "{response}"
    );
}

#[tokio::test]
async fn apollo_style_requests_with_typename_and_operation_name_run() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("apollo@example.com").await;
    let body = json!({
        "operationName": "getCustomer",
        "variables": { "customerAccessToken": token },
        "query": "query getCustomer($customerAccessToken: String!) { customer(customerAccessToken: $customerAccessToken) { id email __typename } } query other { __typename }"
    });
    let response = app.post_json(&body).await.json();
    assert_eq!(response["data"]["customer"]["__typename"], "Customer");
    assert_eq!(response["data"]["customer"]["email"], "apollo@example.com");
}

#[tokio::test]
async fn literal_arguments_instead_of_variables_work() {
    let app = TestApp::spawn().await;
    let token = app.signed_in_customer("literal@example.com").await;
    let query = format!("{{ customer(customerAccessToken: \"{token}\") {{ email }} }}");
    let response = app.graphql(&query, json!({})).await;
    assert_eq!(response["data"]["customer"]["email"], "literal@example.com");
}

#[tokio::test]
async fn a_missing_required_variable_is_a_graphql_error_not_a_crash() {
    let app = TestApp::spawn().await;
    let response = app
        .graphql(
            "mutation($input: CustomerAccessTokenCreateInput!) { customerAccessTokenCreate(input: $input) { customerAccessToken { accessToken } } }",
            json!({ "input": { "email": "x@example.com" } }),
        )
        .await;
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("password")),
        "{response}"
    );
}

#[tokio::test]
async fn graphiql_assets_are_served_by_the_server_itself() {
    let app = TestApp::spawn().await;
    let page = get(&app, "/graphql").await;
    assert!(
        !page.body.contains("unpkg.com") && !page.body.contains("cdn"),
        "no CDN"
    );
    for (asset, content_type) in [
        ("graphiql.min.js", "text/javascript"),
        ("graphiql.min.css", "text/css"),
        ("react.production.min.js", "text/javascript"),
        ("react-dom.production.min.js", "text/javascript"),
    ] {
        assert!(
            page.body.contains(&format!("/graphiql/{asset}")),
            "{asset} is referenced"
        );
        let response = get(&app, &format!("/graphiql/{asset}")).await;
        assert_eq!(response.status, StatusCode::OK, "{asset}");
        assert!(
            response.headers["content-type"]
                .to_str()
                .is_ok_and(|c| c.starts_with(content_type))
        );
        assert!(response.body.len() > 1_000);
    }
    assert_eq!(
        get(&app, "/graphiql/secret.key").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/graphiql/..%2Fsecret.key").await.status,
        StatusCode::NOT_FOUND
    );
}
