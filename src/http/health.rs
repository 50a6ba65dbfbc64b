//! Liveness (the process answers), readiness (it can reach its database, and on SQLite the file it
//! opened is still the one at its path) and metrics.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::AppState;

pub async fn healthz() -> Response {
    (StatusCode::OK, "ok").into_response()
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.accounts.database().ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            // The reason (unreachable, or the SQLite file deleted or replaced) is in the error.
            tracing::warn!(error = %err, "readiness check failed: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Prometheus metrics (text exposition format).
pub async fn metrics(State(state): State<AppState>) -> Response {
    state.accounts.database().report_pool_use();
    match crate::metrics::handle() {
        Some(handle) => (
            StatusCode::OK,
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4",
            )],
            handle.render(),
        )
            .into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, "metrics are not available").into_response(),
    }
}
