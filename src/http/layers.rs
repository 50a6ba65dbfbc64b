//! The layers around every route. Order matters: the request id is set first so that the trace
//! span, error answers and the response all carry the same id.

use std::time::Duration;

use axum::Router;
use axum::http::Response;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::problem_response::graphql_error;
use crate::config::HttpConfig;

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
            .layer(CatchPanicLayer::custom(|_panic| {
                tracing::error!("a request handler panicked");
                graphql_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error. Looks like something went wrong on our end.",
                )
            }))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_secs(config.request_timeout_seconds),
            )),
    )
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
