//! The layers around every route. Order matters: the request id is set first so that the trace
//! span, error answers and the response all carry the same id. The guard (time limit, panics)
//! is innermost, so that its answers still get the request id and CORS headers.

use std::time::Duration;

use axum::Router;
use axum::http::Response;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use std::panic::AssertUnwindSafe;
use tower::ServiceBuilder;

use axum::extract::State;
use axum::middleware::Next;
use futures_util::FutureExt;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::problem_response::{coded_error, internal_error};
use crate::config::HttpConfig;
use crate::graphql::TopLevelCode;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn apply(router: Router, config: &HttpConfig) -> Router {
    let trace = TraceLayer::new_for_http()
        // The path only: query strings and headers can carry tokens, and are never logged.
        .make_span_with(|request: &Request<_>| {
            let request_id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                request_id = %request_id,
            )
        })
        .on_response(
            |response: &Response<_>, latency: Duration, _span: &tracing::Span| {
                tracing::info!(
                    status = response.status().as_u16(),
                    latency_ms = latency.as_secs_f64() * 1000.0,
                    "request finished"
                );
            },
        );
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(trace)
            .layer(cors(config))
            .layer(axum::middleware::from_fn_with_state(
                Duration::from_secs(config.request_timeout_seconds),
                guard,
            )),
    )
}

/// Bounds a request's time (reading a slow body included) and turns a panic into a 500: both
/// answer a GraphQL error body with a code and the request id, which the log line also has.
async fn guard(
    State(timeout): State<Duration>,
    request: axum::extract::Request,
    next: Next,
) -> Response<axum::body::Body> {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let run = AssertUnwindSafe(next.run(request)).catch_unwind();
    match tokio::time::timeout(timeout, run).await {
        Ok(Ok(response)) => response,
        Ok(Err(panic)) => {
            let cause = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(request_id = %request_id, cause = %cause, "a request handler panicked");
            internal_error(&request_id)
        }
        Err(_elapsed) => {
            tracing::warn!(request_id = %request_id, timeout_seconds = timeout.as_secs(), "request timed out");
            coded_error(
                StatusCode::REQUEST_TIMEOUT,
                "The request took too long (a body sent too slowly, or the server is overloaded).",
                TopLevelCode::Timeout,
                &request_id,
            )
        }
    }
}

fn cors(config: &HttpConfig) -> CorsLayer {
    let origins = &config.cors_allowed_origins;
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::from(Any)
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([REQUEST_ID])
        .max_age(Duration::from_secs(24 * 60 * 60))
}
