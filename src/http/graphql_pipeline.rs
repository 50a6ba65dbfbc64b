//! The one request pipeline every GraphQL API goes through: the body read within its limit and
//! parsed (JSON or `application/graphql`, GET query strings), documents nested too deep refused
//! before anything parses them, Automatic Persisted Queries, no mutation over GET, the root-field
//! cap, the credential read into the API's access (and with it the shop), the client's IP,
//! execution with the API's schema, errored fields restored, and metrics. An API brings only its
//! schema and how its credential is read and what its resolvers need (`GraphqlApi`).
//! Requests are parsed here rather than by an extractor so that every malformed request gets a
//! clear status and a GraphQL-shaped body.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql_axum::GraphQLResponse;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::persisted_queries::PersistedQueries;
use super::problem_response::{graphql_error, internal_error};
use crate::accounts::AccountError;
use crate::graphql::nesting::{self, JSON_MAX_NESTING};
use crate::graphql::{
    DocumentGuards, OperationShape, RequestCustomers, operation_shape, restore_errored_fields,
    root_field_count,
};
use crate::store::{ReadCache, ReadKey};

/// What one GraphQL API brings to the pipeline.
pub trait GraphqlApi: Clone + Send + Sync + 'static {
    /// What a valid credential grants (for the storefront: the token's kind and its shop).
    type Access: Send + Sync + 'static;

    /// Reads the request's credential: `None` when it carries none or one that is not valid
    /// (the resolvers answer ACCESS_DENIED where access is needed).
    fn authenticate(
        &self,
        headers: &HeaderMap,
    ) -> impl Future<Output = Result<Option<Self::Access>, AccountError>> + Send;

    /// Whether this access may name the buyer's IP in a header (Shopify's private tokens).
    fn trusts_buyer_ip(access: &Self::Access) -> bool;

    /// What, in an access, a remembered answer to a customer read depends on (for the
    /// storefront: the storefront token and its shop); `None` for an API whose reads are not
    /// remembered.
    fn read_identity(_access: &Self::Access) -> Option<[i64; 2]> {
        None
    }

    /// Whether a request without a valid credential is refused with 401 before anything runs
    /// (the admin API), rather than answered field by field (the storefront's ACCESS_DENIED).
    const REQUIRES_ACCESS: bool = false;

    /// Adds what the resolvers read to the request: the access, the request id, the client's
    /// IP, data loaders, and where the customers read by access token are noted.
    fn prepare(
        &self,
        request: async_graphql::Request,
        access: Option<Self::Access>,
        request_id: String,
        client_ip: Option<IpAddr>,
        customers: Arc<RequestCustomers>,
    ) -> async_graphql::Request;

    /// Runs the request with the API's schema.
    fn execute(
        &self,
        request: async_graphql::Request,
    ) -> impl Future<Output = async_graphql::Response> + Send;

    /// What `GET` without a query serves (a playground), or `None` for 404.
    fn playground(&self) -> impl Future<Output = Option<Response>> + Send;
}

/// An API with the pipeline's limits: the state of its routes.
#[derive(Clone)]
pub struct Pipeline<A> {
    pub api: A,
    /// What is checked in the parsed document before the schema runs it (depth, cost, ...).
    pub guards: DocumentGuards,
    pub body_limit_bytes: usize,
    /// Most root fields (aliases included) in one operation.
    pub max_root_fields: usize,
    /// Automatic Persisted Queries, shared by every request of this node to this API.
    pub persisted_queries: PersistedQueries,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// This node's remembered answers to customer reads, when on: the API's customer reads
    /// are answered from it, and its mutations return only once their changes reached it.
    pub read_cache: Option<Arc<ReadCache>>,
}

/// `POST /…/{version}/graphql.json`: a version Shopify's paths use, then the POST pipeline.
pub async fn post_versioned<A: GraphqlApi>(
    State(pipeline): State<Pipeline<A>>,
    Path(version): Path<String>,
    request: Request,
) -> Response {
    if !is_api_version(&version) {
        return super::problem_response::not_found().await;
    }
    post(State(pipeline), request).await
}

pub async fn post<A: GraphqlApi>(
    State(pipeline): State<Pipeline<A>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, pipeline.body_limit_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return graphql_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "The request body is larger than the limit of {} bytes",
                    pipeline.body_limit_bytes
                ),
            );
        }
    };
    match parse_post_body(&parts.headers, &bytes) {
        Ok(mut request) => {
            if let Err(response) = refuse_deep_nesting(&request) {
                return response;
            }
            if let Err(response) = pipeline.persisted_queries.resolve(&mut request).await {
                return response;
            }
            execute(&pipeline, &parts, request).await
        }
        Err(response) => response,
    }
}

/// `GET …?query=...` runs a query; without a query it is the API's playground, if any.
pub async fn get<A: GraphqlApi>(State(pipeline): State<Pipeline<A>>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(query) = parts.uri.query().filter(|q| !q.is_empty()) else {
        return match pipeline.api.playground().await {
            Some(page) => page,
            None => super::problem_response::not_found().await,
        };
    };
    let mut request = match async_graphql::http::parse_query_string(query) {
        Ok(request) => request,
        Err(err) => {
            return graphql_error(
                StatusCode::BAD_REQUEST,
                with_json_nesting_limit(format!("Invalid query string: {err}")),
            );
        }
    };
    if let Err(response) = refuse_deep_nesting(&request) {
        return response;
    }
    if let Err(response) = pipeline.persisted_queries.resolve(&mut request).await {
        return response;
    }
    if is_mutation(&mut request) {
        let mut response = graphql_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Mutations are not allowed over GET; send them with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    execute(&pipeline, &parts, request).await
}

/// `YYYY-MM` or `unstable`, the version segments Shopify's paths use.
fn is_api_version(version: &str) -> bool {
    let bytes = version.as_bytes();
    version == "unstable"
        || (bytes.len() == 7
            && bytes[4] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || b.is_ascii_digit()))
}

/// JSON (`{"query", "variables", "operationName"}`) or a raw `application/graphql` document.
#[allow(clippy::result_large_err)]
fn parse_post_body(headers: &HeaderMap, body: &Bytes) -> Result<async_graphql::Request, Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match content_type.as_str() {
        "application/json" => {
            if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
                return Err(graphql_error(
                    StatusCode::BAD_REQUEST,
                    "Batched queries are not supported: send one operation per request",
                ));
            }
            serde_json::from_slice::<async_graphql::Request>(body).map_err(|err| {
                let message = err.to_string();
                let message = if message.starts_with(JSON_RECURSION_LIMIT) {
                    with_json_nesting_limit(message)
                } else {
                    format!("Required parameter missing or invalid: {message}")
                };
                graphql_error(StatusCode::BAD_REQUEST, message)
            })
        }
        "application/graphql" => std::str::from_utf8(body)
            .map(async_graphql::Request::new)
            .map_err(|_| graphql_error(StatusCode::BAD_REQUEST, "The body is not valid UTF-8")),
        "" => Err(graphql_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Missing Content-Type: send application/json",
        )),
        other => Err(graphql_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Unsupported Content-Type {other}: send application/json"),
        )),
    }
}

/// Refuses a document that nests `[` and `{` deeper than [`nesting::MAX_NESTING`], with the
/// parser's own answer to selections nested too deep. Checked before anything parses the
/// document (the persisted-query cache, the mutation check, the execution): the parser, the
/// validator and variable coercion recurse once per level, and a few kilobytes of `[` overflowed
/// a worker's stack, which aborts the whole process.
#[allow(clippy::result_large_err)]
fn refuse_deep_nesting(request: &async_graphql::Request) -> Result<(), Response> {
    nesting::check_nesting(&request.query).map_err(|too_deep| {
        let response = async_graphql::Response::from_errors(vec![too_deep.into()]);
        let mut response = GraphQLResponse::from(response).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json; charset=utf-8"),
        );
        response
    })
}

/// How serde_json's message for JSON nested too deep begins.
const JSON_RECURSION_LIMIT: &str = "recursion limit exceeded";

/// serde_json refuses JSON (a body, its `variables` or `extensions`) nested deeper than
/// [`JSON_MAX_NESTING`] levels before it recurses further, but says only "recursion limit
/// exceeded at line L column C": this adds what the limit is.
fn with_json_nesting_limit(message: String) -> String {
    if message.contains(JSON_RECURSION_LIMIT) {
        format!(
            "{message}: arrays and objects in JSON may nest at most {JSON_MAX_NESTING} levels deep"
        )
    } else {
        message
    }
}

/// Whether the operation that would run is a mutation. Parses the document once, into the
/// request, where execution finds it.
fn is_mutation(request: &mut async_graphql::Request) -> bool {
    let operation_name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    match &document.operations {
        DocumentOperations::Single(operation) => operation.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(operations) => match &operation_name {
            Some(name) => operations
                .get(name.as_str())
                .is_some_and(|op| op.node.ty == OperationType::Mutation),
            None => operations
                .values()
                .any(|op| op.node.ty == OperationType::Mutation),
        },
    }
}

async fn execute<A: GraphqlApi>(
    pipeline: &Pipeline<A>,
    parts: &Parts,
    mut request: async_graphql::Request,
) -> Response {
    let headers = &parts.headers;
    if request.query.trim().is_empty() && request.parsed_query().is_err() {
        return graphql_error(
            StatusCode::BAD_REQUEST,
            "Required parameter missing or invalid: query",
        );
    }
    // The document is parsed once, here, and kept in the request for the execution; what the
    // checks below need is read from it. A document that does not parse is reported by the
    // execution with its syntax error.
    let operation_name = request.operation_name.clone();
    let variables = std::mem::take(&mut request.variables);
    let (root_fields, operation, guarded, shape) = match request.parsed_query() {
        Ok(document) => (
            root_field_count(document, operation_name.as_deref()),
            operation_name
                .clone()
                .or_else(|| only_operation_name(document)),
            Some(
                pipeline
                    .guards
                    .check(document, operation_name.as_deref(), &variables),
            ),
            operation_shape(document, operation_name.as_deref()),
        ),
        Err(_) => (
            None,
            operation_name.clone(),
            None,
            OperationShape::default(),
        ),
    };
    request.variables = variables;
    // Before any variable is read or any resolver runs: 100 aliased logins in one document must
    // not cost 100 password checks.
    if let Some(fields) = root_fields
        && fields > pipeline.max_root_fields
    {
        let body = serde_json::json!({ "errors": [{
            "message": format!("The operation selects {fields} root fields; at most {} are allowed", pipeline.max_root_fields),
            "extensions": { "code": crate::graphql::TopLevelCode::MaxRootFieldsExceeded.as_str(), "rootFields": fields, "maxRootFields": pipeline.max_root_fields }
        }] });
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            body.to_string(),
        )
            .into_response();
    }
    let cost = match guarded {
        Some(Ok(cost)) => cost,
        Some(Err(refused)) => {
            return json_response(async_graphql::Response::from_errors(vec![refused]));
        }
        None => None,
    };
    let request_id = headers
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let access = match pipeline.api.authenticate(headers).await {
        Ok(access) => access,
        Err(err) => {
            tracing::error!(request_id = %request_id, error = %err, "credential check failed");
            return internal_error(&request_id);
        }
    };
    if A::REQUIRES_ACCESS && access.is_none() {
        return super::problem_response::unauthorized();
    }
    let client_ip = super::client_ip::client_ip(
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip()),
        &parts.headers,
        &pipeline.trusted_proxies,
        access.as_ref().is_some_and(A::trusts_buyer_ip),
    );
    let operation = crate::metrics::operation_label(operation.as_deref());
    let started = std::time::Instant::now();
    let remembered = match (
        &pipeline.read_cache,
        access.as_ref().and_then(A::read_identity),
    ) {
        (Some(cache), Some(identity)) if shape.reads_only_customers => cache
            .begin()
            .map(|generation| (cache, generation, read_key(identity, &request))),
        _ => None,
    };
    if let Some((cache, _, key)) = &remembered {
        let found = cache.lookup(key, crate::accounts::now()).await;
        crate::metrics::customer_read_cache(found.is_some());
        if let Some(body) = found {
            crate::metrics::graphql_request(operation, 200, started.elapsed().as_secs_f64());
            return json_body(body);
        }
    }
    let customers = Arc::new(RequestCustomers::default());
    let request = pipeline.api.prepare(
        request,
        access,
        request_id,
        client_ip,
        Arc::clone(&customers),
    );
    let response = pipeline.api.execute(request).await;
    let mut response = DocumentGuards::report_cost(response, cost);
    restore_errored_fields(&mut response);
    let response = match remembered {
        Some((cache, generation, key)) => match rememberable(&response) {
            Some(body) => {
                if let Some(expires_at) = customers.earliest_expiry() {
                    cache.remember(generation, key, body.clone(), customers.known(), expires_at);
                }
                json_body(body)
            }
            None => json_response(response),
        },
        None => json_response(response),
    };
    if shape.mutation
        && let Some(cache) = &pipeline.read_cache
    {
        // The client may read next what it just wrote: on PostgreSQL the change's signal must
        // have reached this node's remembered answers first.
        cache.settle().await;
    }
    crate::metrics::graphql_request(
        operation,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// What a customer read's answer depends on besides the data: the access (storefront token and
/// shop), the document, the operation and the variables (the customer access token is one, or
/// is in the document).
fn read_key(identity: [i64; 2], request: &async_graphql::Request) -> ReadKey {
    use sha2::{Digest, Sha256};

    let mut digest = Sha256::new();
    for part in identity {
        digest.update(part.to_le_bytes());
    }
    let variables = serde_json::to_vec(&request.variables).unwrap_or_default();
    let name = request.operation_name.as_deref().unwrap_or_default();
    // Each part behind its length, so that no two requests hash the same bytes.
    for part in [name.as_bytes(), request.query.as_bytes(), &variables] {
        digest.update((part.len() as u64).to_le_bytes());
        digest.update(part);
    }
    digest.finalize().into()
}

/// The body to remember: an answer without errors (they may be passing: an infrastructure
/// failure) whose every `customer` was found (an unknown token has nothing to be tagged with),
/// and that needs no header of its own.
fn rememberable(response: &async_graphql::Response) -> Option<Bytes> {
    if !response.is_ok()
        || !response.http_headers.is_empty()
        || response.cache_control.value().is_some()
    {
        return None;
    }
    let async_graphql::Value::Object(fields) = &response.data else {
        return None;
    };
    if fields
        .values()
        .any(|value| matches!(value, async_graphql::Value::Null))
    {
        return None;
    }
    // Kept for as long as it is remembered: no spare capacity (serializing doubles the buffer
    // as it grows).
    let mut body = serde_json::to_vec(response).ok()?;
    body.shrink_to_fit();
    Some(Bytes::from(body))
}

/// A GraphQL answer already serialized, as [`json_response`] sends one.
fn json_body(body: Bytes) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A GraphQL answer as Shopify sends it: `application/json`, which its clients insist on
/// ("Response returned unexpected Content-Type").
fn json_response(response: async_graphql::Response) -> Response {
    let mut response = GraphQLResponse::from(response).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// The name of the document's only operation, when it is named.
fn only_operation_name(
    document: &async_graphql::parser::types::ExecutableDocument,
) -> Option<String> {
    match &document.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.to_string())
        }
        DocumentOperations::Multiple(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions() {
        for ok in ["2026-04", "2022-07", "unstable"] {
            assert!(is_api_version(ok), "{ok}");
        }
        for bad in ["2026-4", "latest", "2026_04", "20260-4"] {
            assert!(!is_api_version(bad), "{bad}");
        }
    }

    #[test]
    fn mutation_detection_follows_the_operation_name() {
        let both = "query A { __typename } mutation B { __typename }";
        let request = |name: Option<&str>| {
            let r = async_graphql::Request::new(both);
            match name {
                Some(n) => r.operation_name(n),
                None => r,
            }
        };
        assert!(!is_mutation(&mut request(Some("A"))));
        assert!(is_mutation(&mut request(Some("B"))));
        assert!(is_mutation(&mut request(None)));
        assert!(is_mutation(&mut async_graphql::Request::new(
            "mutation { x }"
        )));
        assert!(!is_mutation(&mut async_graphql::Request::new("{ x }")));
    }
}
