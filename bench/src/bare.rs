//! The bare stack ceiling: the smallest server on the project's stack (axum, async-graphql,
//! async-graphql-axum, tokio's multi-threaded runtime with its defaults, mimalloc as in
//! src/main.rs), with nothing of the project in it: no storefront token look-up, no layers, no
//! data loaders, no schema extensions. `stack` against it shows what the project adds on top of
//! what any server on this stack costs.
//!
//! It runs as its own process (this binary again, `storefront-bench serve-bare ADDRESS`) so that
//! its CPU and memory are measured from /proc exactly as the real server's are, and so that it
//! does not share a runtime with the load generator.

use std::net::SocketAddr;
use std::process::Command;

use anyhow::Context;
use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use axum::serve::ListenerExt;

use crate::server::{Server, free_port};

/// The root query. GraphQL needs an object with a field; the benchmark asks only `__typename`.
struct Query;

#[Object]
impl Query {
    async fn ok(&self) -> bool {
        true
    }
}

type BareSchema = Schema<Query, EmptyMutation, EmptySubscription>;

async fn graphql(State(schema): State<BareSchema>, request: GraphQLRequest) -> GraphQLResponse {
    schema.execute(request.into_inner()).await.into()
}

/// Serves until killed (the benchmark kills it after the scenario, as it does the real server).
pub async fn serve(address: SocketAddr) -> anyhow::Result<()> {
    let schema = Schema::build(Query, EmptyMutation, EmptySubscription).finish();
    // The real server's path shape, so that the load generator's request builder is reused
    // unchanged (its storefront token header is simply ignored here).
    let app = Router::new()
        .route("/api/{version}/graphql.json", post(graphql))
        .with_state(schema);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?
        // As the real server does (src/http/server.rs): without it, small answers can wait for
        // the client's delayed ACK.
        .tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
    axum::serve(listener, app).await?;
    Ok(())
}

/// Starts the bare server, this binary re-executed as `serve-bare`, and waits for its first
/// answer.
pub async fn start(token: &str) -> anyhow::Result<Server> {
    let binary = std::env::current_exe().context("finding this benchmark's binary")?;
    let address = format!("127.0.0.1:{}", free_port()?);
    let mut command = Command::new(binary);
    command.arg("serve-bare").arg(&address);
    Server::spawn(command, address, token).await
}
