//! What an operator watches: Prometheus metrics at `/metrics`, and logs (text or JSON) whose
//! lines carry the request id a proxy sent.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::support::{PASSWORD, TestApp};

async fn metrics(app: &TestApp) -> String {
    let response = app
        .request(
            Request::get("/metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
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
    let response = app
        .request(
            Request::get("/metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_never_the_password() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_storefront"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.path().join("logs.db").display()),
        )
        .env("STOREFRONT_DATA_DIR", dir.path().join("data"))
        .env("STOREFRONT_LOG_FORMAT", "json")
        .env("STOREFRONT_PASSWORD__HASH__MEMORY_KIB", "8")
        .env("STOREFRONT_PASSWORD__HASH__ITERATIONS", "1")
        .env("RUST_LOG", "info")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let address = stdout
        .next()
        .and_then(Result::ok)
        .and_then(|l| {
            l.strip_prefix("storefront is listening on http://")
                .map(str::to_owned)
        })
        .expect("address");
    let _ = stdout.next();
    let token = stdout
        .next()
        .and_then(Result::ok)
        .and_then(|l| {
            l.strip_prefix("A public storefront access token was created for this shop: ")
                .map(str::to_owned)
        })
        .expect("token");
    std::thread::spawn(move || stdout.for_each(drop));

    let password = "a-very-secret-password-1";
    let body = json!({ "query": format!("mutation CreateLogged {{ customerCreate(input: {{email: \"logged@example.com\", password: \"{password}\"}}) {{ customer {{ id }} }} }}") }).to_string();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    write!(
        stream,
        "POST /api/2026-04/graphql.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Shopify-Storefront-Access-Token: {token}\r\nX-Request-Id: proxy-id-4242\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(
        response.contains("x-request-id: proxy-id-4242"),
        "{response}"
    );

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    let mut logs = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut logs)
        .expect("logs");
    child.wait().expect("exit");
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
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};

    let (port, received) = otlp_receiver();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_storefront"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.path().join("otel.db").display()),
        )
        .env("STOREFRONT_DATA_DIR", dir.path().join("data"))
        .env(
            "STOREFRONT_OTEL_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        )
        .env("RUST_LOG", "info")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let address = stdout
        .next()
        .and_then(Result::ok)
        .and_then(|l| {
            l.strip_prefix("storefront is listening on http://")
                .map(str::to_owned)
        })
        .expect("address");
    std::thread::spawn(move || stdout.for_each(drop));
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"));

    // Stopping the server flushes what the exporter still holds.
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(child.wait().expect("exit").success());
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
