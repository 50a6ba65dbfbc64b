//! The load generator: `concurrency` workers, each with one keep-alive connection's worth of
//! requests in flight, for a fixed time; every request's latency goes into a histogram and
//! every answer is checked (status 200, no GraphQL error, no user error, data present).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rand::Rng;
use serde_json::{Value, json};
use sha2::Digest;

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub fn client(connections: usize) -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(connections)
        .build(connector)
}

pub async fn post(
    client: &HttpClient,
    address: &str,
    token: &str,
    body: &str,
) -> anyhow::Result<(u16, Bytes)> {
    post_to(client, address, Api::Storefront, token, body).await
}

/// Which API a request goes to, and so which path and credential header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Storefront,
    Admin,
}

pub async fn post_to(
    client: &HttpClient,
    address: &str,
    api: Api,
    token: &str,
    body: &str,
) -> anyhow::Result<(u16, Bytes)> {
    let (path, header) = match api {
        Api::Storefront => (
            "/api/2026-04/graphql.json",
            "x-shopify-storefront-access-token",
        ),
        Api::Admin => ("/admin/api/2026-04/graphql.json", "x-shopify-access-token"),
    };
    let request = hyper::Request::post(format!("http://{address}{path}"))
        .header("content-type", "application/json")
        .header(header, token)
        .body(Full::new(Bytes::from(body.to_owned())))?;
    let response = client.request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// What the scenarios need to know about the seeded database.
pub struct Fixture {
    pub storefront_token: String,
    /// An admin token (`read_customers`) of the seeded shop, for the `admin-*` scenarios.
    pub admin_token: String,
    /// When the seeded customers were made: the last one at this second, each earlier one a
    /// second before the next (`storefront::seed::SeedPlan`).
    pub seeded_at: i64,
    /// Access tokens of the first customers.
    pub tokens: Vec<String>,
    /// Access tokens of the customers with orders (the first ones).
    pub order_tokens: Vec<String>,
    /// Orders on an account page, and line items on each: what every answer must carry.
    pub orders_per_page: usize,
    pub line_items_per_order: usize,
    /// A document to send instead of the account page (with a `$token` variable); its answers
    /// are only checked to have no error and a customer.
    pub account_document: Option<String>,
    pub customers: u64,
    pub email_prefix: String,
    pub password: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Stack,
    Read,
    /// `read` by Automatic Persisted Query: the hash instead of the document.
    ReadPersisted,
    /// The account page: profile, addresses and the last ten orders with ten lines each.
    Account,
    Login,
    Write,
    SignUp,
    Mixed,
    /// The admin API's customer list and count with `email:` (one customer).
    AdminEmail,
    /// With `email:prefix*` (a prefix that a customer and at most about a hundred others have).
    AdminPrefix,
    /// With `tag:` (one in a thousand customers).
    AdminTag,
    /// With `created_at:>=` (the last thousand customers).
    AdminCreated,
    /// `read` with ten of the customer's metafields by identifier (`metafields(identifiers:)`).
    Metafields,
}

pub struct Outcome {
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
    /// Microseconds.
    pub latency: Histogram<u64>,
    pub first_error: Option<String>,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
    pub fn ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }
    pub fn max_ms(&self) -> f64 {
        self.latency.max() as f64 / 1000.0
    }
}

const READ: &str = "query Account($token: String!) { customer(customerAccessToken: $token) { id email firstName lastName displayName defaultAddress { id address1 city province country zip formatted } addresses(first: 10) { nodes { id address1 address2 city province provinceCode country countryCodeV2 zip phone } } } }";
/// Metafields per seeded customer, all `PUBLIC_READ` (`bench.field0` ..).
pub const METAFIELDS: usize = 10;
const READ_METAFIELDS: &str = "query Account($token: String!, $ids: [HasMetafieldsIdentifier!]!) { customer(customerAccessToken: $token) { id email firstName lastName displayName defaultAddress { id address1 city province country zip formatted } addresses(first: 10) { nodes { id address1 address2 city province provinceCode country countryCodeV2 zip phone } } metafields(identifiers: $ids) { key value type } } }";
fn metafield_identifiers() -> serde_json::Value {
    (0..METAFIELDS)
        .map(|i| json!({ "namespace": "bench", "key": format!("field{i}") }))
        .collect()
}

fn read_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hex::encode(sha2::Sha256::digest(READ.as_bytes())))
}

/// The account page of a customer with orders, as a theme or headless storefront asks for it.
const ACCOUNT: &str = "query AccountPage($token: String!) { customer(customerAccessToken: $token) { firstName email defaultAddress { id address1 city province country zip formatted } addresses(first: 10) { nodes { id address1 address2 city province provinceCode country countryCodeV2 zip phone } } orders(first: 10, sortKey: PROCESSED_AT, reverse: true) { edges { node { id name orderNumber processedAt financialStatus fulfillmentStatus totalPrice { amount currencyCode } lineItems(first: 10) { edges { node { title quantity originalTotalPrice { amount currencyCode } variant { id sku image { url } product { handle } } } } } } } } } }";

const LOGIN: &str = "mutation Login($input: CustomerAccessTokenCreateInput!) { customerAccessTokenCreate(input: $input) { customerAccessToken { accessToken expiresAt } customerUserErrors { code field message } } }";
const ADDRESS_CREATE: &str = "mutation AddressCreate($token: String!, $address: MailingAddressInput!) { customerAddressCreate(customerAccessToken: $token, address: $address) { customerAddress { id } customerUserErrors { code field message } } }";
const ADDRESS_UPDATE: &str = "mutation AddressUpdate($token: String!, $id: ID!, $address: MailingAddressInput!) { customerAddressUpdate(customerAccessToken: $token, id: $id, address: $address) { customerAddress { id } customerUserErrors { code field message } } }";
const ADDRESS_DELETE: &str = "mutation AddressDelete($token: String!, $id: ID!) { customerAddressDelete(customerAccessToken: $token, id: $id) { deletedCustomerAddressId customerUserErrors { code field message } } }";
const LOGOUT: &str = "mutation Logout($token: String!) { customerAccessTokenDelete(customerAccessToken: $token) { deletedAccessToken userErrors { field message } } }";
const ADMIN_SEARCH: &str = "query Search($query: String!) { customers(first: 50, query: $query) { nodes { id email tags createdAt } pageInfo { hasNextPage endCursor } } customersCount(query: $query) { count precision } }";
const SIGN_UP: &str = "mutation SignUp($input: CustomerCreateInput!) { customerCreate(input: $input) { customer { id } customerUserErrors { code field message } } }";

/// Runs `kind` against the servers (round robin) for `duration`.
pub async fn run(
    kind: Kind,
    servers: &[String],
    fixture: &Arc<Fixture>,
    concurrency: usize,
    duration: Duration,
) -> Outcome {
    let client = client(concurrency);
    let started = Instant::now();
    let deadline = started + duration;
    let sequence = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let client = client.clone();
            let fixture = Arc::clone(fixture);
            let servers = servers.to_vec();
            let sequence = Arc::clone(&sequence);
            tokio::spawn(async move {
                let mut state = Worker::new(client, servers, fixture, sequence, worker);
                while Instant::now() < deadline {
                    state.one(kind).await;
                }
                state
            })
        })
        .collect();
    let mut outcome = Outcome {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: histogram(),
        first_error: None,
    };
    for worker in workers {
        if let Ok(worker) = worker.await {
            outcome.requests += worker.requests;
            outcome.errors += worker.errors;
            let _ = outcome.latency.add(&worker.latency);
            outcome.first_error = outcome.first_error.or(worker.first_error);
        }
    }
    outcome.elapsed = started.elapsed();
    outcome
}

pub fn histogram() -> Histogram<u64> {
    // 1 µs to 100 s, three significant figures.
    Histogram::new_with_bounds(1, 100_000_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable!()))
}

/// One request's latency and whether its answer passed the checks, for a caller that keeps its
/// own figures (the soak's per-minute table).
pub struct Answered {
    /// Microseconds.
    pub micros: u64,
    pub ok: bool,
}

/// One connection's worth of load: it sends one request at a time and checks every answer.
pub struct Worker {
    client: HttpClient,
    servers: Vec<String>,
    fixture: Arc<Fixture>,
    sequence: Arc<AtomicU64>,
    worker: usize,
    requests: u64,
    errors: u64,
    latency: Histogram<u64>,
    first_error: Option<String>,
    /// The address this worker last created, with its customer's token, for the next update.
    own_address: Option<(String, String)>,
    /// Whether each created address is deleted after its update (create, update, delete) and
    /// each login's token deleted after it (a logout), so that address books and tokens do not
    /// grow: a soak must send the same work at minute 30 as at minute 1 (and stay under
    /// `customers.max_addresses`).
    stationary: bool,
    /// When the next request's latency counts from, if not from when it is sent: its scheduled
    /// start in an open-loop run, so that time spent waiting behind a late request counts.
    measure_from: Option<Instant>,
    /// Every request's latency and outcome, while `one_scheduled` runs.
    answered: Option<Vec<Answered>>,
}

impl Worker {
    pub fn new(
        client: HttpClient,
        servers: Vec<String>,
        fixture: Arc<Fixture>,
        sequence: Arc<AtomicU64>,
        worker: usize,
    ) -> Self {
        Self {
            client,
            servers,
            fixture,
            sequence,
            worker,
            requests: 0,
            errors: 0,
            latency: histogram(),
            first_error: None,
            own_address: None,
            stationary: false,
            measure_from: None,
            answered: None,
        }
    }

    /// Writes create, update and delete an address, and logins log out again, so that the data
    /// does not grow.
    pub fn stationary(mut self) -> Self {
        self.stationary = true;
        self
    }

    /// One operation of `kind` whose first request's latency counts from `scheduled` (which may
    /// be in the past when this connection is behind its schedule); returns what each of its
    /// requests took and whether it passed.
    pub async fn one_scheduled(&mut self, kind: Kind, scheduled: Instant) -> Vec<Answered> {
        self.measure_from = Some(scheduled);
        self.answered = Some(Vec::new());
        self.one(kind).await;
        self.measure_from = None;
        self.answered.take().unwrap_or_default()
    }

    /// The first failed answer (or transport error), as text.
    pub fn first_error(&self) -> Option<&str> {
        self.first_error.as_deref()
    }

    async fn one(&mut self, kind: Kind) {
        match kind {
            Kind::Stack => {
                self.send(json!({ "query": "{ __typename }" }), |v| {
                    v["data"]["__typename"].is_string()
                })
                .await;
            }
            Kind::Read => self.read().await,
            Kind::Metafields => self.metafields().await,
            Kind::ReadPersisted => self.read_persisted().await,
            Kind::Account => self.account().await,
            Kind::Login => self.login().await,
            Kind::Write => self.write().await,
            Kind::SignUp => self.sign_up().await,
            Kind::AdminEmail | Kind::AdminPrefix | Kind::AdminTag | Kind::AdminCreated => {
                self.admin_search(kind).await;
            }
            Kind::Mixed => {
                let roll = rand::thread_rng().gen_range(0..100);
                if roll < 80 {
                    self.read().await;
                } else if roll < 95 {
                    self.write().await;
                } else {
                    self.login().await;
                }
            }
        }
    }

    fn token(&self) -> String {
        let tokens = &self.fixture.tokens;
        tokens[rand::thread_rng().gen_range(0..tokens.len())].clone()
    }

    /// `read`'s document with ten metafields, each of which must come back.
    async fn metafields(&mut self) {
        let token = self.token();
        self.send(
            json!({ "query": READ_METAFIELDS, "variables": { "token": token, "ids": metafield_identifiers() } }),
            |v| {
                v["data"]["customer"]["metafields"]
                    .as_array()
                    .is_some_and(|values| {
                        values.len() == METAFIELDS && values.iter().all(|m| m["value"].is_string())
                    })
            },
        )
        .await;
    }

    async fn read(&mut self) {
        let token = self.token();
        self.send(
            json!({ "query": READ, "variables": { "token": token } }),
            |v| v["data"]["customer"]["id"].is_string(),
        )
        .await;
    }

    /// The account page, checked whole: the expected number of orders, each with the expected
    /// number of lines, each line with its price and variant.
    async fn account(&mut self) {
        let tokens = &self.fixture.order_tokens;
        if tokens.is_empty() {
            self.errors += 1;
            self.first_error
                .get_or_insert_with(|| "no customer with orders was seeded".to_owned());
            return;
        }
        let token = tokens[rand::thread_rng().gen_range(0..tokens.len())].clone();
        let (orders, lines) = (
            self.fixture.orders_per_page,
            self.fixture.line_items_per_order,
        );
        if let Some(document) = &self.fixture.account_document {
            let body = json!({ "query": document, "variables": { "token": token } });
            self.send(body, |v| v["data"]["customer"].is_object()).await;
            return;
        }
        self.send(
            json!({ "query": ACCOUNT, "variables": { "token": token } }),
            |v| account_page_complete(v, orders, lines),
        )
        .await;
    }

    async fn read_persisted(&mut self) {
        let token = self.token();
        let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": read_hash() } });
        let answer = self
            .send(
                json!({ "variables": { "token": token }, "extensions": extensions }),
                |v| v["data"]["customer"]["id"].is_string(),
            )
            .await;
        // The first request of a node registers the document, as Apollo's client does.
        if answer.is_none_or(|v| v["errors"][0]["message"] == "PersistedQueryNotFound") {
            // Not an error: the protocol's first step.
            self.errors = self.errors.saturating_sub(1);
            if self
                .first_error
                .as_deref()
                .is_some_and(|e| e.contains("PersistedQueryNotFound"))
            {
                self.first_error = None;
            }
            self.send(
                json!({ "query": READ, "variables": { "token": token }, "extensions": extensions }),
                |v| v["data"]["customer"]["id"].is_string(),
            )
            .await;
        }
    }

    async fn login(&mut self) {
        let n = rand::thread_rng().gen_range(0..self.fixture.customers);
        let email = format!("{}{n}@example.com", self.fixture.email_prefix);
        let password = self.fixture.password.clone();
        let body = self
            .send(
                json!({ "query": LOGIN, "variables": { "input": { "email": email, "password": password } } }),
                |v| v["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"].is_string(),
            )
            .await;
        if self.stationary {
            let token = body.and_then(|v| {
                v["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
                    .as_str()
                    .map(str::to_owned)
            });
            if let Some(token) = token {
                self.send(
                    json!({ "query": LOGOUT, "variables": { "token": token } }),
                    |v| v["data"]["customerAccessTokenDelete"]["deletedAccessToken"].is_string(),
                )
                .await;
            }
        }
    }

    /// Creates an address, and next time updates it (so create and update alternate).
    async fn write(&mut self) {
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        let address = json!({
            "address1": format!("{n} Bench Street"), "city": "Toronto", "province": "ON",
            "country": "CA", "zip": "M5V 2T6", "firstName": "Bench", "lastName": "Mark",
        });
        match self.own_address.take() {
            None => {
                let token = self.token();
                let body = self
                    .send(
                        json!({ "query": ADDRESS_CREATE, "variables": { "token": token, "address": address } }),
                        |v| v["data"]["customerAddressCreate"]["customerAddress"]["id"].is_string(),
                    )
                    .await;
                let id = body.and_then(|v| {
                    v["data"]["customerAddressCreate"]["customerAddress"]["id"]
                        .as_str()
                        .map(str::to_owned)
                });
                self.own_address = id.map(|id| (token, id));
            }
            Some((token, id)) => {
                self.send(
                    json!({ "query": ADDRESS_UPDATE, "variables": { "token": token, "id": id, "address": address } }),
                    |v| v["data"]["customerAddressUpdate"]["customerAddress"]["id"].is_string(),
                )
                .await;
                if self.stationary {
                    self.send(
                        json!({ "query": ADDRESS_DELETE, "variables": { "token": token, "id": id } }),
                        |v| v["data"]["customerAddressDelete"]["deletedCustomerAddressId"].is_string(),
                    )
                    .await;
                }
            }
        }
    }

    /// One search of the admin API, checked: the expected customers, and an exact count.
    async fn admin_search(&mut self, kind: Kind) {
        let customers = self.fixture.customers.max(1);
        let n = rand::thread_rng().gen_range(0..customers);
        let prefix = &self.fixture.email_prefix;
        let (query, expected): (String, Box<dyn Fn(u64) -> bool + Send + Sync>) = match kind {
            Kind::AdminEmail => (
                format!("email:{prefix}{n}@example.com"),
                Box::new(|c| c == 1),
            ),
            Kind::AdminPrefix => {
                // Customer n's number with its last digits dropped, so that the prefix covers
                // it and those whose numbers continue it (n = 12345: 12, 120-129, 1200-1299, …).
                let digits = n.to_string();
                let kept = &digits[..digits.len().saturating_sub(3).max(1)];
                (format!("email:{prefix}{kept}*"), Box::new(|c| c >= 1))
            }
            Kind::AdminTag => {
                let tag = n % 1_000;
                let expected = customers / 1_000 + u64::from(tag < customers % 1_000);
                (format!("tag:t{tag}"), Box::new(move |c| c == expected))
            }
            _ => {
                let since = self.fixture.seeded_at - 999;
                let expected = customers.min(1_000);
                (
                    format!("created_at:>='{}'", rfc3339(since)),
                    Box::new(move |c| c == expected),
                )
            }
        };
        self.send_to(
            Api::Admin,
            json!({ "query": ADMIN_SEARCH, "variables": { "query": query } }),
            |v| {
                v["data"]["customers"]["nodes"]
                    .as_array()
                    .is_some_and(|nodes| !nodes.is_empty())
                    && v["data"]["customersCount"]["count"]
                        .as_u64()
                        .is_some_and(&expected)
            },
        )
        .await;
    }

    async fn sign_up(&mut self) {
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        let email = format!("signup-{nanos}-{}-{n}@example.com", self.worker);
        self.send(
            json!({ "query": SIGN_UP, "variables": { "input": { "email": email, "password": "Quokka-jumps-over-7", "firstName": "New" } } }),
            |v| v["data"]["customerCreate"]["customer"]["id"].is_string(),
        )
        .await;
    }

    /// Sends one request, records its latency, and counts it as an error unless `ok` holds.
    async fn send(&mut self, body: Value, ok: impl Fn(&Value) -> bool) -> Option<Value> {
        self.send_to(Api::Storefront, body, ok).await
    }

    async fn send_to(
        &mut self,
        api: Api,
        body: Value,
        ok: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let server = &self.servers[self.requests as usize % self.servers.len()];
        let body = body.to_string();
        let started = self.measure_from.take().unwrap_or_else(Instant::now);
        let token = match api {
            Api::Storefront => &self.fixture.storefront_token,
            Api::Admin => &self.fixture.admin_token,
        };
        let answer = post_to(&self.client, server, api, token, &body).await;
        let micros = (started.elapsed().as_micros().max(1) as u64).min(100_000_000);
        let _ = self.latency.record(micros);
        self.requests += 1;
        let parsed = answer.as_ref().ok().and_then(|(status, bytes)| {
            (*status == 200)
                .then(|| serde_json::from_slice::<Value>(bytes).ok())
                .flatten()
        });
        let good = parsed
            .as_ref()
            .is_some_and(|v| v.get("errors").is_none() && ok(v));
        if !good {
            self.errors += 1;
            if self.first_error.is_none() {
                self.first_error = Some(match &answer {
                    Ok((status, bytes)) => format!("{status} {}", String::from_utf8_lossy(bytes)),
                    Err(err) => err.to_string(),
                });
            }
        }
        if let Some(answered) = &mut self.answered {
            answered.push(Answered { micros, ok: good });
        }
        parsed
    }
}

/// Unix seconds as RFC 3339 (UTC).
fn rfc3339(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Whether an account-page answer has the customer, `orders` orders, each with an id, a name, a
/// total and `lines` line items with a title, a total and a variant with its product.
fn account_page_complete(answer: &Value, orders: usize, lines: usize) -> bool {
    let customer = &answer["data"]["customer"];
    let Some(edges) = customer["orders"]["edges"].as_array() else {
        return false;
    };
    customer["email"].is_string()
        && customer["addresses"]["nodes"].is_array()
        && edges.len() == orders
        && edges.iter().all(|edge| {
            let order = &edge["node"];
            order["id"].is_string()
                && order["name"].is_string()
                && order["totalPrice"]["amount"].is_string()
                && order["lineItems"]["edges"].as_array().is_some_and(|items| {
                    items.len() == lines
                        && items.iter().all(|item| {
                            let line = &item["node"];
                            line["title"].is_string()
                                && line["originalTotalPrice"]["amount"].is_string()
                                && line["variant"]["product"]["handle"].is_string()
                        })
                })
        })
}
