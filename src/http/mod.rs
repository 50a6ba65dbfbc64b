//! The HTTP surface: the GraphQL endpoints Shopify clients call (every API on one pipeline,
//! `graphql_pipeline`), GraphiQL, health checks, and the layers every request passes (request
//! ids, tracing, CORS, timeouts, panics to 500s).

mod admin_api;
mod client_ip;
mod graphiql;
mod graphql_pipeline;
mod health;
mod layers;
mod persisted_queries;
mod problem_response;
mod server;
mod shopify_webhooks;
mod storefront_api;

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
use crate::config::Config;

pub use admin_api::AdminApi;
pub use graphql_pipeline::{GraphqlApi, Pipeline};
pub use storefront_api::StorefrontApi;

/// What the health and metrics handlers share.
#[derive(Clone)]
pub struct AppState {
    pub accounts: Accounts,
}

/// The routes: each API's endpoints on the shared pipeline, GraphiQL's assets, health and
/// metrics, all behind the same layers.
pub fn router(
    storefront: Pipeline<StorefrontApi>,
    admin: Pipeline<AdminApi>,
    state: AppState,
    config: &Config,
) -> Router {
    use graphql_pipeline as pipeline;
    let api = post(pipeline::post_versioned::<StorefrontApi>)
        .fallback(problem_response::method_not_allowed);
    let storefront_routes = Router::new()
        .route("/api/{version}/graphql.json", api.clone())
        .route("/api/{version}/graphql", api)
        .route(
            "/graphql",
            get(pipeline::get::<StorefrontApi>)
                .post(pipeline::post::<StorefrontApi>)
                .fallback(problem_response::method_not_allowed),
        )
        .with_state(storefront);
    let admin_routes = Router::new()
        .route(
            "/admin/api/{version}/graphql.json",
            post(pipeline::post_versioned::<AdminApi>)
                .fallback(problem_response::method_not_allowed),
        )
        .route(
            "/admin/graphql",
            get(pipeline::get::<AdminApi>)
                .post(pipeline::post::<AdminApi>)
                .fallback(problem_response::method_not_allowed),
        )
        .with_state(admin);
    let routes = Router::new()
        .route("/graphiql/{asset}", get(graphiql::asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/webhooks/shopify/{shop}/orders",
            post(shopify_webhooks::receive_orders).fallback(problem_response::method_not_allowed),
        )
        .route(
            "/metrics",
            if config.http.metrics {
                get(health::metrics)
            } else {
                get(problem_response::not_found)
            },
        )
        .with_state(state)
        .merge(storefront_routes)
        .merge(admin_routes)
        .fallback(problem_response::not_found);
    layers::apply(routes, &config.http)
}
