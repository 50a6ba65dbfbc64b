//! Deeply nested input, black box: list and object literals in a variable's default value or in
//! an argument, list types, selections, the JSON of `variables`, over every endpoint and through
//! persisted queries. A few kilobytes of `[` used to overflow a worker's stack and abort the
//! process; now every shape nested past the limit gets the parser's own "recursion limit
//! exceeded." (the answer to selections nested too deep) or, for JSON, a 400 that says so, and
//! the server goes on answering.
//!
//! Documents and bodies are written as text: a `serde_json::Value` nested 100,000 levels deep
//! would itself overflow the test's stack when serialized or dropped.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use proptest::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::socket::url_escape;
use crate::support::{API_PATH, RawResponse, TestApp};

/// An ordinary depth, then depths past the limit: 500 overflowed the stack of an unoptimized
/// build (whose frames are larger; deeper still, the grammar's own stack guard gave up with an
/// unreadable syntax error instead), 2,000 that of a release build, and 100,000.
const DEPTHS: [usize; 5] = [10, 500, 1_000, 2_000, 100_000];
/// The same for objects, whose levels take 4 bytes (`{a:` and `}`): 100,000 of them are over the
/// 256 KiB body limit (a 413, tested below), 60,000 are the deepest that fit.
const OBJECT_DEPTHS: [usize; 5] = [10, 500, 1_000, 2_000, 60_000];
/// The parser's words for nesting it refuses.
const RECURSION: &str = "recursion limit exceeded.";

fn list(depth: usize) -> String {
    format!("{}\"x\"{}", "[".repeat(depth), "]".repeat(depth))
}

fn object(depth: usize) -> String {
    format!("{}\"x\"{}", "{a:".repeat(depth), "}".repeat(depth))
}

fn default_value(value: &str) -> String {
    format!("query($v: String = {value}) {{ __typename }}")
}

fn argument(value: &str) -> String {
    format!("{{ customer(customerAccessToken: {value}) {{ id }} }}")
}

/// `{"query": ...}` as text; `document` holds no character that JSON escapes.
fn query_body(document: &str) -> String {
    format!(r#"{{"query":"{}"}}"#, document.replace('"', "\\\""))
}

async fn post(app: &TestApp, path: &str, content_type: &str, body: String) -> RawResponse {
    app.request(
        Request::post(path)
            .header("content-type", content_type)
            .header("X-Shopify-Storefront-Access-Token", &app.token)
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

async fn get(app: &TestApp, query_string: &str) -> RawResponse {
    app.request(
        Request::get(format!("/graphql?{query_string}"))
            .header("X-Shopify-Storefront-Access-Token", &app.token)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

fn first_message(response: &RawResponse) -> String {
    response.json()["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("a GraphQL error body: {}", response.body))
        .to_owned()
}

/// The parser's answer to nesting past its limit: HTTP 200, no data, its message.
fn assert_refused_document(response: &RawResponse, what: &str) {
    assert_eq!(response.status, StatusCode::OK, "{what}: {}", response.body);
    let body = response.json();
    assert_eq!(body["data"], Value::Null, "{what}: {body}");
    assert_eq!(first_message(response), RECURSION, "{what}: {body}");
}

/// An ordinary answer: HTTP 200, JSON, and not a nesting refusal (data or a validation error).
fn assert_ordinary(response: &RawResponse, what: &str) {
    assert_eq!(response.status, StatusCode::OK, "{what}: {}", response.body);
    let body = response.json();
    assert!(
        !body.to_string().contains("recursion limit"),
        "{what}: {body}"
    );
}

/// Whatever came before, the app still runs an ordinary query.
async fn assert_still_answers(app: &TestApp) {
    let response = app.post_json(&json!({ "query": "{ __typename }" })).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["data"]["__typename"], "QueryRoot");
}

/// Posts `document` at every depth: ordinary at 10, refused past the limit, and the app answers
/// after each.
async fn check_document_shape(
    app: &TestApp,
    shape: &str,
    depths: [usize; 5],
    document: impl Fn(usize) -> String,
) {
    for depth in depths {
        let what = format!("{shape} at {depth} levels");
        let response = post(
            app,
            API_PATH,
            "application/json",
            query_body(&document(depth)),
        )
        .await;
        if depth == 10 {
            assert_ordinary(&response, &what);
        } else {
            assert_refused_document(&response, &what);
        }
        assert_still_answers(app).await;
    }
}

#[tokio::test]
async fn a_nested_list_as_a_variable_default_is_refused_past_the_limit() {
    let app = TestApp::spawn().await;
    check_document_shape(&app, "default list", DEPTHS, |depth| {
        default_value(&list(depth))
    })
    .await;
}

#[tokio::test]
async fn a_nested_object_as_a_variable_default_is_refused_past_the_limit() {
    let app = TestApp::spawn().await;
    check_document_shape(&app, "default object", OBJECT_DEPTHS, |depth| {
        default_value(&object(depth))
    })
    .await;
}

#[tokio::test]
async fn a_nested_list_as_an_argument_is_refused_past_the_limit() {
    let app = TestApp::spawn().await;
    check_document_shape(&app, "argument list", DEPTHS, |depth| {
        argument(&list(depth))
    })
    .await;
}

#[tokio::test]
async fn a_nested_object_as_an_argument_is_refused_past_the_limit() {
    let app = TestApp::spawn().await;
    check_document_shape(&app, "argument object", OBJECT_DEPTHS, |depth| {
        argument(&object(depth))
    })
    .await;
    // 100,000 levels of objects: over the body limit, refused before anything reads them.
    let response = post(
        &app,
        API_PATH,
        "application/json",
        query_body(&argument(&object(100_000))),
    )
    .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(first_message(&response).contains("larger than the limit"));
    assert_still_answers(&app).await;
}

#[tokio::test]
async fn nested_list_types_and_selections_are_refused_past_the_limit() {
    let app = TestApp::spawn().await;
    check_document_shape(&app, "list type", DEPTHS, |depth| {
        format!(
            "query($v: {}String{}) {{ __typename }}",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    })
    .await;
    // Selections past 64 levels were already the parser's refusal, but its grammar recursed
    // over all of them before counting: 100,000 levels overflowed the stack as well.
    for depth in OBJECT_DEPTHS {
        let document = format!("{}__typename{}", "{a ".repeat(depth), "}".repeat(depth));
        let response = post(&app, API_PATH, "application/json", query_body(&document)).await;
        if depth == 10 {
            assert_ordinary(&response, "selections at 10 levels");
        } else {
            assert_refused_document(&response, &format!("selections at {depth} levels"));
        }
    }
    assert_still_answers(&app).await;
}

#[tokio::test]
async fn the_refusal_is_the_parser_s_answer_to_selections_nested_too_deep() {
    let app = TestApp::spawn().await;
    // 70 nested selections: over the parser's own limit of 64, under ours.
    let selections = format!("{}__typename{}", "{ a ".repeat(70), "}".repeat(70));
    let parser = post(&app, API_PATH, "application/json", query_body(&selections)).await;
    let ours = post(
        &app,
        API_PATH,
        "application/json",
        query_body(&default_value(&list(2_000))),
    )
    .await;
    assert_eq!(parser.status, ours.status);
    let (parser, ours) = (parser.json(), ours.json());
    assert_eq!(parser["data"], ours["data"]);
    assert_eq!(parser["errors"][0]["message"], ours["errors"][0]["message"]);
    assert_eq!(ours["errors"].as_array().map(Vec::len), Some(1), "{ours}");
    // And ours says where: the bracket that went one level too deep.
    assert_eq!(
        ours["errors"][0]["locations"],
        json!([{ "line": 1, "column": 20 + 128 }]),
        "{ours}"
    );
}

#[tokio::test]
async fn a_value_at_the_limit_is_read_like_any_other() {
    let app = TestApp::spawn().await;
    // 128 levels: the deepest allowed, still a plain validation error (a list is not a String).
    let response = post(
        &app,
        API_PATH,
        "application/json",
        query_body(&default_value(&list(128))),
    )
    .await;
    assert_ordinary(&response, "default list at the limit");
    assert!(response.json()["errors"][0]["message"].is_string());
    let response = post(
        &app,
        API_PATH,
        "application/json",
        query_body(&argument(&object(127))),
    )
    .await;
    assert_ordinary(&response, "argument object at the limit");
    let response = post(
        &app,
        API_PATH,
        "application/json",
        query_body(&default_value(&list(129))),
    )
    .await;
    assert_refused_document(&response, "default list one over the limit");
}

#[tokio::test]
async fn every_endpoint_refuses_nesting_past_the_limit() {
    let app = TestApp::spawn().await;
    for depth in DEPTHS {
        let document = default_value(&list(depth));
        for (path, content_type, body) in [
            ("/graphql", "application/json", query_body(&document)),
            ("/graphql", "application/graphql", document.clone()),
            (API_PATH, "application/graphql", document.clone()),
            (
                "/api/unstable/graphql",
                "application/json",
                query_body(&document),
            ),
        ] {
            let what = format!("{path} {content_type} at {depth} levels");
            let response = post(&app, path, content_type, body).await;
            if depth == 10 {
                assert_ordinary(&response, &what);
            } else {
                assert_refused_document(&response, &what);
            }
        }
        assert_still_answers(&app).await;
    }
}

#[tokio::test]
async fn a_get_query_string_is_refused_past_the_limit() {
    let app = TestApp::spawn().await;
    // A URI holds less than 64 KiB (the http crate refuses longer ones, and the HTTP server
    // answers 414), so 100,000 escaped levels (600 KB) cannot even be sent. 6,000 levels of
    // either shape fit (10 escaped bytes a level at most), and 10,000 of a list: far more than
    // ever overflowed the stack.
    let too_long = format!(
        "/graphql?query={}",
        url_escape(&default_value(&list(100_000)))
    );
    assert!(Request::get(too_long).body(Body::empty()).is_err());
    for depth in [10, 500, 1_000, 2_000, 6_000, 10_000] {
        let what = format!("GET at {depth} levels");
        let mut documents = vec![default_value(&list(depth))];
        if depth <= 6_000 {
            documents.push(argument(&object(depth)));
        }
        for document in documents {
            let response = get(&app, &format!("query={}", url_escape(&document))).await;
            if depth == 10 {
                assert_ordinary(&response, &what);
            } else {
                assert_refused_document(&response, &what);
            }
        }
        assert_still_answers(&app).await;
    }
    // The variables of a GET are JSON: serde_json's limit, with a 400 that says so.
    let variables = format!(r#"{{"v":{}}}"#, list(1_000));
    let response = get(
        &app,
        &format!(
            "query={}&variables={}",
            url_escape("query($v: String) { __typename }"),
            url_escape(&variables)
        ),
    )
    .await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.body
    );
    assert!(
        first_message(&response).contains("recursion limit exceeded"),
        "{}",
        response.body
    );
    assert_still_answers(&app).await;
}

#[tokio::test]
async fn nested_variables_json_is_refused_by_the_json_limit_with_a_clear_error() {
    let app = TestApp::spawn().await;
    let body = |depth: usize| {
        format!(
            r#"{{"query":"query($v: String) {{ __typename }}","variables":{{"v":{}}}}}"#,
            list(depth)
        )
    };
    for depth in DEPTHS {
        let response = post(&app, API_PATH, "application/json", body(depth)).await;
        if depth == 10 {
            // A list for a String: an ordinary validation error.
            assert_ordinary(&response, "variables at 10 levels");
            assert!(response.json()["errors"][0]["message"].is_string());
        } else {
            assert_eq!(
                response.status,
                StatusCode::BAD_REQUEST,
                "{}",
                response.body
            );
            let message = first_message(&response);
            assert!(
                message.starts_with("recursion limit exceeded") && message.contains("127 levels"),
                "{message}"
            );
        }
        assert_still_answers(&app).await;
    }
    // serde_json's limit, measured rather than assumed: the body object and `variables` are two
    // levels, so a value of 125 levels is JSON 127 deep and read, one more is refused.
    let response = post(&app, API_PATH, "application/json", body(125)).await;
    assert_ordinary(&response, "JSON 127 levels deep");
    let response = post(&app, API_PATH, "application/json", body(126)).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.body
    );
    // Extensions are JSON too.
    let extensions = format!(
        r#"{{"query":"{{ __typename }}","extensions":{{"e":{}}}}}"#,
        list(100_000)
    );
    let response = post(&app, API_PATH, "application/json", extensions).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.body
    );
    assert!(first_message(&response).starts_with("recursion limit exceeded"));
    assert_still_answers(&app).await;
}

#[tokio::test]
async fn a_persisted_query_is_refused_past_the_limit_and_not_kept() {
    let app = TestApp::spawn().await;
    let persisted =
        |hash: &str| format!(r#"{{"persistedQuery":{{"version":1,"sha256Hash":"{hash}"}}}}"#);
    for depth in DEPTHS {
        let what = format!("persisted query at {depth} levels");
        let document = default_value(&list(depth));
        let hash = hex::encode(Sha256::digest(document.as_bytes()));
        let body = format!(
            r#"{{"query":"{}","extensions":{}}}"#,
            document.replace('"', "\\\""),
            persisted(&hash)
        );
        let response = post(&app, API_PATH, "application/json", body).await;
        let by_hash = post(
            &app,
            API_PATH,
            "application/json",
            format!(r#"{{"extensions":{}}}"#, persisted(&hash)),
        )
        .await;
        if depth == 10 {
            assert_ordinary(&response, &what);
            assert_ordinary(&by_hash, &what);
            assert_ne!(first_message(&by_hash), "PersistedQueryNotFound");
        } else {
            assert_refused_document(&response, &what);
            // Refused before the cache saw it: the hash alone still asks for the document.
            assert_eq!(first_message(&by_hash), "PersistedQueryNotFound", "{what}");
        }
        assert_still_answers(&app).await;
    }
}

/// The real binary, whose request handlers run on tokio's worker threads (2 MiB stacks): the
/// 2,000 levels that aborted it are refused, and it goes on answering.
#[tokio::test]
async fn the_real_server_survives_a_deeply_nested_document() {
    let cli = crate::cli::Cli::new().await;
    let (mut server, address, token) = crate::cli::serve(&cli, &[], true);
    let token = token.expect("a first start prints a token");
    // 300 and 500 levels overflowed an unoptimized build, 2,000 a release build.
    for depth in [300, 500, 2_000] {
        for document in [
            default_value(&list(depth)),
            argument(&list(depth)),
            default_value(&object(depth)),
            argument(&object(depth)),
        ] {
            let response = crate::cli::post(&address, &token, &json!({ "query": document }));
            assert!(response.starts_with("HTTP/1.1 200"), "{depth}: {response}");
            assert!(response.contains(RECURSION), "{depth}: {response}");
        }
    }
    let response = crate::cli::post(&address, &token, &json!({ "query": "{ __typename }" }));
    assert!(
        response.contains(r#"{"data":{"__typename":"QueryRoot"}"#),
        "{response}"
    );
    assert!(
        server.try_wait().expect("status").is_none(),
        "the server is still running"
    );
}

/// A random value: each level a list or an object.
fn nested_value(levels: &[bool]) -> String {
    let open: String = levels
        .iter()
        .map(|&is_list| if is_list { "[" } else { "{a: " })
        .collect();
    let close: String = levels
        .iter()
        .rev()
        .map(|&is_list| if is_list { "]" } else { "}" })
        .collect();
    format!("{open}1{close}")
}

/// Random values of random depth, in each place a value goes, through the router: never a 5xx,
/// always JSON, a refusal exactly past the limit, and the app answers afterwards.
#[test]
fn random_nested_values_never_break_the_endpoint() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let app = runtime.block_on(TestApp::spawn());
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(
        levels in prop::collection::vec(any::<bool>(), 0..5000),
        place in 0u8..3,
    )| {
        let value = nested_value(&levels);
        let (body, depth) = match place {
            0 => (query_body(&default_value(&value)), levels.len()),
            1 => (query_body(&argument(&value)), levels.len() + 1),
            // As a variable: JSON has no objects without quoted keys, so lists only.
            _ => (
                format!(
                    r#"{{"query":"query($v: String) {{ __typename }}","variables":{{"v":{}}}}}"#,
                    list(levels.len())
                ),
                levels.len() + 2,
            ),
        };
        let response = runtime.block_on(post(&app, API_PATH, "application/json", body));
        prop_assert!(response.status.as_u16() < 500, "{}", response.body);
        let message = response.json()["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
        let limit = if place == 2 { 127 } else { 128 };
        prop_assert_eq!(message.starts_with("recursion limit exceeded"), depth > limit, "{}", message);
        runtime.block_on(assert_still_answers(&app));
    });
}
