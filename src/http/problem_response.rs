//! Answers for requests that never reach GraphQL: always a JSON body with an `errors` entry, so
//! clients that parse every response as GraphQL get a readable message.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::graphql::TopLevelCode;

/// `{"errors":[{"message": ...}]}` with the given status.
pub fn graphql_error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = json!({ "errors": [{ "message": message.into() }] });
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// `{"errors":[{"message": ..., "extensions": {"code": ..., "requestId": ...}}]}`.
pub fn coded_error(
    status: StatusCode,
    message: &str,
    code: TopLevelCode,
    request_id: &str,
) -> Response {
    let body = json!({ "errors": [{
        "message": message,
        "extensions": { "code": code.as_str(), "requestId": request_id },
    }] });
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// Our failure, outside GraphQL's execution: 500 with the generic message, the code and the
/// request id that the log line with the cause carries too.
pub fn internal_error(request_id: &str) -> Response {
    coded_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        &crate::graphql::errors::internal_message(request_id),
        TopLevelCode::InternalServerError,
        request_id,
    )
}

/// Shopify's 401 for an admin request without a valid admin token (a missing, unknown, revoked
/// or storefront token alike).
pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json!({ "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)" })
            .to_string(),
    )
        .into_response()
}

/// Shopify's 404 body.
pub async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json!({ "errors": "Not Found" }).to_string(),
    )
        .into_response()
}

pub async fn method_not_allowed() -> Response {
    let mut response = graphql_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "This endpoint accepts POST requests with a JSON body (GET /graphql serves queries and GraphiQL)",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    response
}
