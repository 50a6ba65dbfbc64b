//! The HTTP surface: the GraphQL endpoints Shopify clients call, GraphiQL, health checks, and the
//! layers every request passes (request ids, tracing, CORS, timeouts, panics to 500s).

mod client_ip;
mod graphiql;
mod graphql_endpoint;
mod health;
mod layers;
mod persisted_queries;
mod problem_response;
mod server;

use axum::Router;
use axum::routing::{get, post};

pub use persisted_queries::PersistedQueries;
pub use server::{ServeOptions, serve, shutdown_signal};

/// The layers every route is served behind (request ids, tracing, CORS, panics to 500s,
/// timeouts); public so that a test can put a route of its own behind exactly these.
pub fn apply_layers(router: Router, http: &crate::config::HttpConfig) -> Router {
    layers::apply(router, http)
}

use crate::accounts::Accounts;
use crate::config::{Config, Environment};
use crate::graphql::StorefrontSchema;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    pub schema: StorefrontSchema,
    pub accounts: Accounts,
    pub body_limit_bytes: usize,
    /// Development fills GraphiQL's token header in for the newcomer.
    pub prefill_graphiql_token: bool,
    /// Whether GraphiQL is served at all (not in production).
    pub graphiql: bool,
    /// Most root fields (aliases included) in one operation.
    pub max_root_fields: usize,
    /// Automatic Persisted Queries, shared by every request of this node.
    pub persisted_queries: persisted_queries::PersistedQueries,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

pub fn router(state: AppState, config: &Config) -> Router {
    debug_assert_eq!(
        state.prefill_graphiql_token,
        config.environment == Environment::Development
    );
    let api = post(graphql_endpoint::post_api).fallback(problem_response::method_not_allowed);
    let routes = Router::new()
        .route("/api/{version}/graphql.json", api.clone())
        .route("/api/{version}/graphql", api)
        .route(
            "/graphql",
            get(graphql_endpoint::get_graphql)
                .post(graphql_endpoint::post_graphql)
                .fallback(problem_response::method_not_allowed),
        )
        .route("/graphiql/{asset}", get(graphiql::asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/metrics",
            if config.http.metrics {
                get(health::metrics)
            } else {
                get(problem_response::not_found)
            },
        )
        .fallback(problem_response::not_found)
        .with_state(state);
    layers::apply(routes, &config.http)
}
