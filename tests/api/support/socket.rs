//! HTTP over a real socket, as a client on the wire sends it: requests written by hand (so that
//! tests control every byte), each answer read whole (`Connection: close`) and bounded in time.
//! And the app served on a loopback port by the same server `storefront serve` runs.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::Router;
use serde_json::Value;
use storefront::http::ServeOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::app::API_PATH;

/// How long one request may take, end to end.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The head of a GraphQL POST with the public token, any `headers`, and a body of
/// `content_length` bytes to follow.
pub fn post_head(token: &str, headers: &[(&str, &str)], content_length: usize) -> String {
    let mut head = format!(
        "POST {API_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Shopify-Storefront-Access-Token: {token}\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {content_length}\r\nConnection: close\r\n\r\n"
    ));
    head
}

/// A whole GraphQL POST: the head and `body`.
pub fn post_request(token: &str, headers: &[(&str, &str)], body: &str) -> String {
    post_head(token, headers, body.len()) + body
}

/// Sends `request` to `address` (`HOST:PORT`) and reads the whole answer. A server that refuses
/// the connection or does not answer within `REQUEST_TIMEOUT` fails the test.
pub fn exchange(address: &str, request: &str) -> String {
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    let socket: SocketAddr = address.parse().expect("an IP address and port");
    let mut stream = TcpStream::connect_timeout(&socket, REQUEST_TIMEOUT)
        .unwrap_or_else(|e| panic!("{address} refuses connections: {e}"));
    stream
        .set_write_timeout(Some(REQUEST_TIMEOUT))
        .expect("timeout");
    // Short reads, so that the deadline is checked while a slow answer trickles in.
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = Vec::new();
    let mut buffer = [0_u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => response.extend_from_slice(&buffer[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("reading from {address}: {e}"),
        }
        assert!(
            Instant::now() < deadline,
            "{address} did not answer within {REQUEST_TIMEOUT:?}"
        );
    }
    String::from_utf8(response).expect("utf-8")
}

/// POSTs a GraphQL body with the public token; the raw answer.
pub fn post(address: &str, token: &str, body: &Value) -> String {
    post_with_headers(address, token, &[], body)
}

/// The same, with more request headers.
pub fn post_with_headers(
    address: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> String {
    exchange(address, &post_request(token, headers, &body.to_string()))
}

/// POSTs a GraphQL body to the admin API with an admin token; the raw answer.
pub fn admin_post(address: &str, admin_token: &str, body: &Value) -> String {
    let body = body.to_string();
    exchange(
        address,
        &format!(
            "POST {} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Shopify-Access-Token: {admin_token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            super::admin::ADMIN_PATH,
            body.len()
        ),
    )
}

/// GETs `path`; the raw answer.
pub fn get(address: &str, path: &str) -> String {
    exchange(
        address,
        &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    )
}

/// The head (status line and headers) and the body of a raw answer. Our server always sends a
/// Content-Length, never chunks: the body is everything after the head.
pub fn split(response: &str) -> (&str, &str) {
    response.split_once("\r\n\r\n").unwrap_or((response, ""))
}

/// The JSON body of a raw answer, which must be HTTP 200.
pub fn json_body(response: &str) -> Value {
    let (head, body) = split(response);
    assert!(head.starts_with("HTTP/1.1 200"), "{response}");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {response}"))
}

/// A whole GraphQL POST over tokio's socket, for a server on the test's own runtime (a blocking
/// read would hold a worker the server needs); the raw answer.
pub async fn post_async(address: SocketAddr, token: &str, body: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream
        .write_all(post_request(token, &[], body).as_bytes())
        .await
        .expect("write");
    read_async(&mut stream).await
}

/// Whatever the server sends until it closes the connection, within `REQUEST_TIMEOUT`.
pub async fn read_async(stream: &mut tokio::net::TcpStream) -> String {
    let mut response = Vec::new();
    // A connection the server resets still shows what it sent before.
    let read = tokio::time::timeout(REQUEST_TIMEOUT, stream.read_to_end(&mut response)).await;
    assert!(
        read.is_ok(),
        "no answer within {REQUEST_TIMEOUT:?}: {}",
        String::from_utf8_lossy(&response)
    );
    String::from_utf8_lossy(&response).into_owned()
}

/// The options of a default configuration, with a short shutdown grace so that a test's server
/// stops quickly; tests that watch one setting change it.
pub fn serve_options() -> ServeOptions {
    ServeOptions {
        shutdown_grace: Duration::from_secs(5),
        ..ServeOptions::from_config(&storefront::config::Config::default().http)
    }
}

/// A router served on a free loopback port by the server `storefront serve` runs, on the test's
/// runtime. Dropping it starts the shutdown, so that no test leaves a server behind.
pub struct Loopback {
    pub address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl Loopback {
    pub async fn start(router: Router, options: ServeOptions) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(storefront::http::serve(
            listener,
            router,
            async move {
                let _ = stopped.await;
            },
            options,
        ));
        Self {
            address,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Starts the shutdown and waits up to `within` for the server to finish what is in flight;
    /// true when it then stopped without an error.
    pub async fn stop(mut self, within: Duration) -> bool {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let server = self.server.take().expect("a running server");
        matches!(tokio::time::timeout(within, server).await, Ok(Ok(Ok(()))))
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// `text` percent-encoded for a query string (every byte but unreserved ASCII).
pub fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
