//! What an operator watches: Prometheus metrics at `/metrics`, and logs (text or JSON) whose
//! lines carry the request id a proxy sent.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::process::Installation;
use crate::support::socket::{get, post_with_headers};
use crate::support::{PASSWORD, TestApp};

async fn metrics(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response.headers["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/plain"))
    );
    response.body
}

fn has_series(text: &str, name: &str, labels: &[&str]) -> bool {
    text.lines()
        .any(|line| line.starts_with(name) && labels.iter().all(|label| line.contains(label)))
}

#[tokio::test]
async fn metrics_count_requests_logins_and_report_queues_and_pools() {
    let app = TestApp::spawn().await;
    app.create_customer("watched@example.com").await;
    app.login("watched@example.com", PASSWORD).await;
    app.login("watched@example.com", "wrong-password").await;
    let text = metrics(&app).await;
    assert!(
        has_series(
            &text,
            "storefront_graphql_requests_total",
            &["operation=\"Login\"", "status=\"200\""]
        ),
        "{text}"
    );
    assert!(has_series(
        &text,
        "storefront_graphql_request_duration_seconds_bucket",
        &["operation=\"CustomerCreate\""]
    ));
    assert!(has_series(
        &text,
        "storefront_logins_total",
        &["outcome=\"ok\""]
    ));
    assert!(has_series(
        &text,
        "storefront_logins_total",
        &["outcome=\"failed\""]
    ));
    assert!(has_series(&text, "storefront_argon2_queue_depth", &[]));
    assert!(has_series(&text, "storefront_mail_outbox_pending", &[]));
    assert!(has_series(
        &text,
        "storefront_db_pool_connections",
        &["state=\"open\""]
    ));
}

#[tokio::test]
async fn a_throttled_login_counts_as_a_login_outcome_and_as_a_throttle() {
    let app = TestApp::spawn_with(|config| {
        config.throttle.login_free_failures = 1;
        config.throttle.login_backoff_base_seconds = 60;
    })
    .await;
    app.create_customer("throttled-metric@example.com").await;
    app.login("throttled-metric@example.com", "wrong-password")
        .await;
    let refused = app.login("throttled-metric@example.com", PASSWORD).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "THROTTLED",
        "{refused}"
    );
    let text = metrics(&app).await;
    assert!(
        has_series(&text, "storefront_logins_total", &["outcome=\"throttled\""]),
        "{text}"
    );
    assert!(
        has_series(&text, "storefront_throttled_total", &["what=\"login\""]),
        "{text}"
    );
}

#[tokio::test]
async fn metrics_can_be_turned_off() {
    let app = TestApp::spawn_with(|config| config.http.metrics = false).await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_never_the_password() {
    let shop = Installation::new().await;
    let mut server = shop.serve_capturing_logs(
        &[("STOREFRONT_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
        true,
    );
    let token = server.token.clone().expect("token");

    let password = "a-very-secret-password-1";
    let body = json!({ "query": format!("mutation CreateLogged {{ customerCreate(input: {{email: \"logged@example.com\", password: \"{password}\"}}) {{ customer {{ id }} }} }}") });
    let response = post_with_headers(
        &server.address,
        &token,
        &[("X-Request-Id", "proxy-id-4242")],
        &body,
    );
    assert!(
        response.contains("x-request-id: proxy-id-4242"),
        "{response}"
    );

    // Stopped as a service manager stops it, so that the log is whole.
    server.terminate();
    let logs = server.logs();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let signed_up = lines
        .iter()
        .find(|line| line["fields"]["message"] == "customer signed up")
        .unwrap_or_else(|| panic!("no sign-up line in {logs}"));
    let spans = signed_up["spans"].to_string() + &signed_up["span"].to_string();
    assert!(spans.contains("proxy-id-4242"), "{signed_up}");
    assert!(!logs.contains(password));
}

/// What the collector stand-in received: path, content type and body of each POST.
type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A collector stand-in: records the path, content type and body of every POST it receives.
fn otlp_receiver() -> (u16, Received) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = std::sync::Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let (mut length, mut content_type) = (0usize, String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(value) = lower.strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if let Some(value) = lower.strip_prefix("content-type:") {
                    content_type = value.trim().to_owned();
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            if let Ok(mut all) = store.lock() {
                all.push((path, content_type, body));
            }
            let mut stream = reader.into_inner();
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (port, received)
}

#[tokio::test]
async fn spans_are_exported_to_an_opentelemetry_collector_when_configured() {
    let (port, received) = otlp_receiver();
    let shop = Installation::new().await;
    let endpoint = format!("http://127.0.0.1:{port}");
    // The log is kept (and not read): info level, for the request span, is noisy.
    let mut server = shop.serve_capturing_logs(
        &[
            ("STOREFRONT_OTEL_ENDPOINT", endpoint.as_str()),
            ("RUST_LOG", "info"),
        ],
        true,
    );
    let response = get(&server.address, "/healthz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    // Stopping the server flushes what the exporter still holds.
    assert!(server.terminate().success());
    let posts = received.lock().expect("received").clone();
    let traces: Vec<_> = posts
        .iter()
        .filter(|(path, _, _)| path == "/v1/traces")
        .collect();
    assert!(
        !traces.is_empty(),
        "no trace export: {:?}",
        posts.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    assert_eq!(traces[0].1, "application/x-protobuf");
    let body: Vec<u8> = traces
        .iter()
        .flat_map(|(_, _, body)| body.clone())
        .collect();
    let contains = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"storefront"), "the service name");
    assert!(contains(b"request"), "the request span");
}
