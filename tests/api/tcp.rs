//! Over a real socket: the server answers, and on shutdown finishes what is in flight.

use std::time::Duration;

use serde_json::json;
use storefront::domain::password_hash::HashParams;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{API_PATH, LOGIN, PASSWORD, TestApp};

async fn http_post(address: std::net::SocketAddr, token: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let request = format!(
        "POST {API_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Shopify-Storefront-Access-Token: {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
}

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
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(storefront::http::serve(
        listener,
        app.app.router.clone(),
        async move {
            let _ = stop_rx.await;
        },
        storefront::http::ServeOptions {
            shutdown_grace: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(15),
            max_connections: 100,
        },
    ));

    let body = json!({ "query": LOGIN, "variables": { "input": { "email": "inflight@example.com", "password": PASSWORD } } }).to_string();
    let token = app.token.clone();
    let in_flight = tokio::spawn(async move { http_post(address, &token, &body).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop_tx.send(()).expect("signal");

    let response = in_flight.await.expect("request task");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"accessToken\""), "{response}");
    let finished = tokio::time::timeout(Duration::from_secs(30), server).await;
    assert!(
        matches!(finished, Ok(Ok(Ok(())))),
        "the server stops after draining"
    );
    // And it no longer accepts connections.
    assert!(TcpStream::connect(address).await.is_err());
}
