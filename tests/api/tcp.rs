//! Over a real socket: the server answers, and on shutdown finishes what is in flight.

use std::time::Duration;

use serde_json::json;
use storefront::domain::password_hash::HashParams;
use storefront::http::ServeOptions;
use tokio::net::TcpStream;

use crate::support::socket::{Loopback, post_async, serve_options};
use crate::support::{LOGIN, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drains_in_flight_requests() {
    // Expensive hashing, so that a login is still running when the shutdown starts.
    let app = TestApp::spawn_with(|config| {
        config.password.hash = HashParams {
            memory_kib: 64 * 1024,
            iterations: 4,
            parallelism: 1,
        };
    })
    .await;
    app.create_customer("inflight@example.com").await;
    let server = Loopback::start(
        app.app.router.clone(),
        ServeOptions {
            shutdown_grace: Duration::from_secs(30),
            ..serve_options()
        },
    )
    .await;
    let address = server.address;

    let body = json!({ "query": LOGIN, "variables": { "input": { "email": "inflight@example.com", "password": PASSWORD } } }).to_string();
    let token = app.token.clone();
    let in_flight = tokio::spawn(async move { post_async(address, &token, &body).await });
    tokio::time::sleep(Duration::from_millis(50)).await;

    // The shutdown starts while the login runs; the server stops once it has answered.
    assert!(
        server.stop(Duration::from_secs(30)).await,
        "the server stops after draining"
    );
    let response = in_flight.await.expect("request task");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"accessToken\""), "{response}");
    // And it no longer accepts connections.
    assert!(TcpStream::connect(address).await.is_err());
}
