//! The test harness: `TestApp::spawn()` builds the application exactly as `storefront serve`
//! does, on its own database, with cheap password hashing chosen by name.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use storefront::App;
use storefront::config::Config;
use storefront::domain::password_hash::HashParams;
use tower::ServiceExt;

pub const API_PATH: &str = "/api/2026-04/graphql.json";
pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub app: App,
    pub config: Config,
    /// The public storefront token the first start created.
    pub token: String,
    _dir: tempfile::TempDir,
}

pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl RawResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {}", self.body))
    }
}

/// A fresh database for one test: a new PostgreSQL database on the test server, or `None` for
/// the embedded SQLite file in the test's data directory.
pub async fn fresh_database_url() -> Option<String> {
    let admin_url = std::env::var("TEST_POSTGRES_URL").ok()?;
    let name = format!("storefront_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::Executor::execute(
        &mut admin,
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))),
    )
    .await
    .expect("create a test database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base.to_owned())
        .expect("TEST_POSTGRES_URL ends with a database name");
    Some(format!("{base}/{name}"))
}

pub fn test_config(dir: &std::path::Path) -> Config {
    let mut config = Config {
        data_dir: dir.join("data"),
        ..Config::default()
    };
    config.password.hash = HashParams::danger_insecure_for_tests();
    config.database.max_connections = 4;
    // Mail goes out at once in tests, and a failed delivery is retried after a second.
    config.mail.poll_interval_ms = 50;
    config.mail.initial_backoff_seconds = 1;
    config.mail.max_backoff_seconds = 1;
    // Tests sign many customers up from one (unknown) address; the throttle tests lower these.
    config.throttle.signup_per_ip = 100_000;
    config.throttle.signup_per_email = 100_000;
    config.throttle.recover_per_email = 100_000;
    config
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let test = Self::spawn_quiet_with(adjust).await;
        test.app.spawn_background();
        test
    }

    /// The app without its background tasks (no mail is sent): a process that stops right
    /// after its requests committed.
    pub async fn spawn_quiet_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = test_config(dir.path());
        config.database_url = fresh_database_url().await;
        adjust(&mut config);
        let app = App::build(&config).await.expect("app builds");
        let token = app
            .first_storefront_token
            .clone()
            .expect("a first storefront token on a fresh database");
        Self {
            app,
            config,
            token,
            _dir: dir,
        }
    }

    /// The app on a database that exists already (made by an earlier release, say), with the
    /// storefront token its rows hold; no first token is made there.
    pub async fn open_existing(storefront_token: &str, adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = test_config(dir.path());
        adjust(&mut config);
        let app = App::build(&config).await.expect("app builds");
        assert!(
            app.first_storefront_token.is_none(),
            "the database had a token"
        );
        Self {
            app,
            config,
            token: storefront_token.to_owned(),
            _dir: dir,
        }
    }

    /// The same database and files, started again with another configuration.
    pub async fn restart_with(&mut self, adjust: impl FnOnce(&mut Config)) {
        adjust(&mut self.config);
        self.app = App::build(&self.config).await.expect("app rebuilds");
        assert!(self.app.first_storefront_token.is_none());
        self.app.spawn_background();
    }

    pub async fn request(&self, request: Request<Body>) -> RawResponse {
        let response = self
            .app
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router always answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        RawResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// GETs `uri`, with no headers.
    pub async fn get(&self, uri: &str) -> RawResponse {
        self.request(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// POSTs a JSON body to the Shopify path with the public token.
    pub async fn post_json(&self, body: &Value) -> RawResponse {
        self.post_json_as(&self.token, body).await
    }

    /// POSTs a JSON body to the Shopify path with another public storefront token (another
    /// shop's, say).
    pub async fn post_json_as(&self, storefront_token: &str, body: &Value) -> RawResponse {
        self.request(
            Request::post(API_PATH)
                .header("content-type", "application/json")
                .header("X-Shopify-Storefront-Access-Token", storefront_token)
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// A new private storefront token of the default shop (for the server-side headers).
    pub async fn private_token(&self) -> String {
        self.app
            .shop()
            .storefront_tokens()
            .create_storefront_token(
                storefront::domain::storefront_token::TokenKind::Private,
                "server",
            )
            .await
            .expect("a private token")
    }

    /// Runs a GraphQL document; the answer must be HTTP 200 JSON. The `extensions.cost` every
    /// answer carries is checked (a non-negative number) and taken off, so that tests compare
    /// `data` and `errors` (the cost has tests of its own, in `limits`).
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_as(&self.token, query, variables).await
    }

    /// `graphql` with another public storefront token.
    pub async fn graphql_as(&self, storefront_token: &str, query: &str, variables: Value) -> Value {
        let response = self
            .post_json_as(
                storefront_token,
                &json!({ "query": query, "variables": variables }),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let mut body = response.json();
        if let Some(map) = body.as_object_mut()
            && let Some(extensions) = map.remove("extensions")
        {
            assert!(
                extensions["cost"]["requestedQueryCost"].is_u64(),
                "{extensions}"
            );
        }
        body
    }

    pub async fn create_customer(&self, email: &str) -> Value {
        let response = self
            .graphql(
                CREATE,
                json!({ "input": { "email": email, "password": PASSWORD, "firstName": "Ada", "lastName": "Lovelace" } }),
            )
            .await;
        let payload = &response["data"]["customerCreate"];
        assert_eq!(payload["customerUserErrors"], json!([]), "{response}");
        payload["customer"].clone()
    }

    pub async fn login(&self, email: &str, password: &str) -> Value {
        self.graphql(
            LOGIN,
            json!({ "input": { "email": email, "password": password } }),
        )
        .await
    }

    /// A customer who signed up and logged in; returns the access token.
    pub async fn signed_in_customer(&self, email: &str) -> String {
        self.create_customer(email).await;
        self.signed_in_customer_existing(email).await
    }

    /// Logs an existing customer in; returns the access token.
    pub async fn signed_in_customer_existing(&self, email: &str) -> String {
        let response = self.login(email, PASSWORD).await;
        response["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("login failed: {response}"))
            .to_owned()
    }
}

pub const CREATE: &str = "mutation CustomerCreate($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id email firstName lastName displayName phone acceptsMarketing createdAt updatedAt numberOfOrders tags }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

pub const LOGIN: &str = "mutation Login($input: CustomerAccessTokenCreateInput!) {
  customerAccessTokenCreate(input: $input) {
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

pub const READ: &str = "query Read($token: String!) {
  customer(customerAccessToken: $token) { id email firstName lastName displayName phone acceptsMarketing createdAt updatedAt numberOfOrders tags }
}";

pub const RENEW: &str = "mutation Renew($token: String!) {
  customerAccessTokenRenew(customerAccessToken: $token) {
    customerAccessToken { accessToken expiresAt }
    userErrors { field message }
  }
}";

pub const DELETE: &str = "mutation Delete($token: String!) {
  customerAccessTokenDelete(customerAccessToken: $token) {
    deletedAccessToken
    deletedCustomerAccessTokenId
    userErrors { field message }
  }
}";

/// Seconds since the epoch of a `DateTime` value (`2026-07-15T22:57:55Z`).
pub fn epoch_seconds(value: &Value) -> i64 {
    let text = value.as_str().expect("a DateTime string");
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .expect("ISO 8601")
        .unix_timestamp()
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Shopify's `DateTime` shape: to the second, UTC, `Z`.
pub fn is_shopify_datetime(value: &Value) -> bool {
    value.as_str().is_some_and(|text| {
        text.len() == 20
            && text.ends_with('Z')
            && text.as_bytes()[10] == b'T'
            && !text.contains('.')
    })
}
