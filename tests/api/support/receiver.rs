//! A webhook receiver on loopback: keeps every request it gets (path, headers, body, when) and
//! answers what the test says (200 by default; a status and `Retry-After` to play an endpoint
//! that is down, throttling or gone). Stopped when dropped.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn topic(&self) -> String {
        self.header("x-shopify-topic")
    }

    pub fn event_id(&self) -> String {
        self.header("x-shopify-event-id")
    }

    pub fn delivery_id(&self) -> String {
        self.header("x-shopify-webhook-id")
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    status: Option<u16>,
    retry_after: Option<String>,
}

pub struct Receiver {
    pub base: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let router =
            axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = Arc::clone(&shared);
                async move {
                    let mut state = state.lock().expect("receiver state");
                    state.received.push(Received {
                        path: uri.path().to_owned(),
                        headers,
                        body: body.to_vec(),
                        at: Instant::now(),
                    });
                    let status =
                        StatusCode::from_u16(state.status.unwrap_or(200)).unwrap_or(StatusCode::OK);
                    let mut response: Response = status.into_response();
                    if let Some(after) = &state.retry_after
                        && let Ok(value) = after.parse()
                    {
                        response.headers_mut().insert("retry-after", value);
                    }
                    response
                }
            });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base, state, task }
    }

    /// The URL of a path on this receiver.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What later requests are answered.
    pub fn answer(&self, status: u16, retry_after: Option<&str>) {
        let mut state = self.state.lock().expect("receiver state");
        state.status = Some(status);
        state.retry_after = retry_after.map(str::to_owned);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("receiver state").received.clone()
    }

    /// Waits until at least `count` requests came (or `within` passed) and returns them all.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until no request has come for `quiet`, and returns them all.
    pub async fn settle(&self, quiet: Duration, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        let mut seen = self.received().len();
        let mut still_since = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let now = self.received().len();
            if now != seen {
                seen = now;
                still_since = Instant::now();
            }
            if still_since.elapsed() >= quiet || Instant::now() >= deadline {
                return self.received();
            }
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}
