//! Over a real socket: clients that send headers or bodies too slowly are cut off while others
//! are served, and a handler that panics answers a 500 with a GraphQL body while the server
//! goes on serving.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use storefront::http::ServeOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::socket::{Loopback, post_async, post_head, read_async, split};
use crate::support::{API_PATH, TestApp};

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);

/// The server with a short header timeout, a short grace and at most `max_connections`.
async fn serve(router: Router, max_connections: usize) -> Loopback {
    let options = ServeOptions {
        shutdown_grace: Duration::from_secs(1),
        header_read_timeout: HEADER_TIMEOUT,
        max_connections,
    };
    Loopback::start(router, options).await
}

/// One whole request on its own connection; the status line and the body.
async fn post(address: SocketAddr, token: &str, body: &str) -> (String, String) {
    status_and_body(&post_async(address, token, body).await)
}

fn status_and_body(response: &str) -> (String, String) {
    let (head, body) = split(response);
    let status = head.lines().next().unwrap_or_default();
    (status.to_owned(), body.to_owned())
}

/// Trickles `bytes` one every `gap` while watching for the server to close the connection;
/// returns how long the server let it go on, or `None` if it never closed it.
async fn trickle(address: SocketAddr, bytes: Vec<u8>, gap: Duration) -> Option<Duration> {
    let stream = TcpStream::connect(address).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let started = Instant::now();
    let writing = tokio::spawn(async move {
        for byte in bytes {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(gap).await;
        }
        // Everything sent: keep the connection open without finishing the request.
        tokio::time::sleep(Duration::from_secs(60)).await;
    });
    let mut sink = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut sink)).await;
    writing.abort();
    closed.is_ok().then(|| started.elapsed())
}

const TYPENAME: &str = r#"{"query":"{ __typename }"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off_while_other_clients_are_served() {
    let app = TestApp::spawn().await;
    let server = serve(app.app.router.clone(), 100).await;
    let address = server.address;

    // Twenty clients trickle a request head a byte every 100 ms: 10 s to finish it.
    let head = format!(
        "POST {API_PATH} HTTP/1.1\r\nHost: localhost\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(40)
    );
    let slow: Vec<_> = (0..20)
        .map(|_| {
            tokio::spawn(trickle(
                address,
                head.clone().into_bytes(),
                Duration::from_millis(100),
            ))
        })
        .collect();

    // Meanwhile everyone else is answered at once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..5 {
        let started = Instant::now();
        let (status, body) = post(address, &app.token, TYPENAME).await;
        assert!(status.contains("200"), "{status} {body}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    for client in slow {
        let cut_after = client
            .await
            .expect("client")
            .expect("the server closed the connection");
        assert!(
            cut_after >= HEADER_TIMEOUT - Duration::from_millis(100)
                && cut_after < HEADER_TIMEOUT * 3,
            "cut after {cut_after:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_connection_is_closed_after_the_header_timeout() {
    let app = TestApp::spawn().await;
    let server = serve(app.app.router.clone(), 100).await;
    let cut_after = trickle(server.address, Vec::new(), Duration::ZERO)
        .await
        .expect("closed");
    assert!(cut_after < HEADER_TIMEOUT * 3, "{cut_after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_too_slowly_gets_a_408_with_a_graphql_body() {
    let app = TestApp::spawn_with(|config| config.http.request_timeout_seconds = 1).await;
    let server = serve(app.app.router.clone(), 100).await;
    let body = format!(
        r#"{{"query":"mutation {{ customerRecover(email: \"{}@example.com\") {{ customerUserErrors {{ code }} }} }}"}}"#,
        "a".repeat(100)
    );
    let mut stream = TcpStream::connect(server.address).await.expect("connect");
    let head = post_head(&app.token, &[], body.len());
    stream.write_all(head.as_bytes()).await.expect("head");
    let started = Instant::now();
    // A byte every 100 ms: 16 s for the body; the request limit is 1 s.
    let (mut reader, mut writer) = stream.into_split();
    let bytes = body.clone().into_bytes();
    let writing = tokio::spawn(async move {
        for byte in bytes {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut response = String::new();
    let _ = tokio::time::timeout(
        Duration::from_secs(10),
        reader.read_to_string(&mut response),
    )
    .await
    .expect("answered in time");
    writing.abort();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    let json: Value =
        serde_json::from_str(response.split_once("\r\n\r\n").expect("body").1).expect("JSON body");
    assert_eq!(json["errors"][0]["extensions"]["code"], "TIMEOUT", "{json}");
    assert!(
        json["errors"][0]["extensions"]["requestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    // Nothing was half-done: no mail was queued for the email in the body that never arrived.
    assert_eq!(app.app.accounts.pending_mail().await.expect("outbox"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_500_with_a_graphql_body_and_the_server_goes_on() {
    let app = TestApp::spawn().await;
    let config = storefront::config::Config::default();
    let boom: Router = storefront::http::apply_layers(
        Router::new().route(
            "/boom",
            get(|| async {
                if std::hint::black_box(true) {
                    panic!("a bug in a handler");
                }
                "unreachable"
            }),
        ),
        &config.http,
    );
    let server = serve(boom.merge(app.app.router.clone()), 100).await;

    for _ in 0..3 {
        let mut stream = TcpStream::connect(server.address).await.expect("connect");
        stream
            .write_all(b"GET /boom HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: panic-42\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let (status, body) = status_and_body(&read_async(&mut stream).await);
        assert!(status.contains("500"), "{status}");
        let json: Value = serde_json::from_str(&body).expect("JSON body");
        assert_eq!(
            json["errors"][0]["extensions"],
            json!({ "code": "INTERNAL_SERVER_ERROR", "requestId": "panic-42" })
        );
        assert!(
            json["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("Request ID: panic-42") && !m.contains("bug")),
            "{json}"
        );
    }
    // The same server still answers GraphQL.
    let (status, body) = post(server.address, &app.token, TYPENAME).await;
    assert!(status.contains("200"), "{status}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON")["data"]["__typename"],
        "QueryRoot"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_their_turn() {
    let app = TestApp::spawn().await;
    let server = serve(app.app.router.clone(), 1).await;
    // One idle connection holds the only slot until the header timeout closes it.
    let idle = TcpStream::connect(server.address).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let (status, _) = post(server.address, &app.token, TYPENAME).await;
    let waited = started.elapsed();
    assert!(status.contains("200"), "{status}");
    assert!(
        waited >= HEADER_TIMEOUT - Duration::from_millis(300),
        "served after {waited:?}, while the cap was taken"
    );
    drop(idle);
}
