//! One typed configuration: defaults in code, then an optional `storefront.toml`, then
//! `STOREFRONT_*` environment variables (nested keys with `__`, e.g. `STOREFRONT_PASSWORD__MIN_LENGTH`)
//! and `DATABASE_URL`. Tests build a `Config` in code. Secrets never appear in `Debug` output.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::domain::password::PasswordPolicy;
use crate::domain::password_hash::HashParams;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// GraphiQL served with a token filled in; a missing secret is generated and kept.
    #[default]
    Development,
    /// Every secret must be configured explicitly.
    Production,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub environment: Environment,
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// `sqlite://...` or `postgres://...`; unset means the SQLite file `storefront.db` in `data_dir`.
    pub database_url: Option<String>,
    /// Where the embedded database and generated secrets live.
    pub data_dir: PathBuf,
    /// Key for signed tokens (activation, reset). In development a missing key is generated once
    /// and kept in `data_dir/secret.key`.
    #[serde(skip_serializing)]
    pub secret_key: Option<SecretString>,
    pub shop: ShopConfig,
    pub password: PasswordConfig,
    pub customer_tokens: CustomerTokenConfig,
    pub customers: CustomersConfig,
    pub database: DatabaseConfig,
    pub http: HttpConfig,
    pub graphql: GraphqlConfig,
    /// Where mail goes when no SMTP server is configured: one `.eml` file per message.
    /// Unset means `data_dir/mail`.
    pub mail_dir: Option<PathBuf>,
    pub mail: MailConfig,
    /// `text` (for people) or `json` (one object per line, for log collectors).
    pub log_format: LogFormat,
    /// An OpenTelemetry collector (OTLP over HTTP, e.g. `http://127.0.0.1:4318`): spans are
    /// exported there as traces. Unset means no export.
    pub otel_endpoint: Option<String>,
    /// The shop's Multipass secret (`STOREFRONT_MULTIPASS_SECRET`); Multipass sign-in is off
    /// without it.
    #[serde(skip_serializing)]
    pub multipass_secret: Option<SecretString>,
    pub throttle: ThrottleConfig,
    pub housekeeping: Housekeeping,
    pub webhooks: WebhooksConfig,
}

/// Outgoing webhooks: where deliveries may go, how they are retried, when an endpoint is given up.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Deliver to loopback, private and link-local addresses, and over plain `http` (development
    /// and tests). Off, every resolved address of a callback host is checked before connecting.
    pub allow_private_targets: bool,
    /// The waits between attempts: `standard` (Standard Webhooks: 5 s, 5 min, 30 min, 2 h, 5 h,
    /// 10 h, 14 h, 20 h, 24 h), `shopify` (8 retries over 4 hours) or a list (`"5s, 1m, 1h"`).
    pub retry_schedule: String,
    pub connect_timeout_ms: u64,
    /// One attempt, connection included, gives up after this long.
    pub timeout_ms: u64,
    /// A subscription whose deliveries have failed for this long without one success is disabled.
    pub disable_after_failing_seconds: i64,
    /// After a secret rotation the previous secret keeps signing (beside the new one) this long.
    pub rotation_grace_seconds: i64,
    /// Deliveries in flight at once, per node.
    pub concurrency: usize,
    /// How often the sender looks for due deliveries when nothing wakes it.
    pub poll_interval_ms: u64,
    /// Events are kept this long once none of their deliveries is open (replay window).
    pub event_retention_seconds: i64,
    /// `X-Shopify-API-Version`: the REST version whose shapes the bodies follow.
    pub api_version: String,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            retry_schedule: "standard".to_owned(),
            connect_timeout_ms: 2_000,
            timeout_ms: 10_000,
            disable_after_failing_seconds: 5 * 24 * 60 * 60,
            rotation_grace_seconds: 24 * 60 * 60,
            concurrency: 16,
            poll_interval_ms: 1_000,
            event_retention_seconds: 7 * 24 * 60 * 60,
            api_version: "2025-01".to_owned(),
        }
    }
}

impl WebhooksConfig {
    pub fn schedule(&self) -> Result<crate::domain::webhook::RetrySchedule, ConfigError> {
        crate::domain::webhook::RetrySchedule::parse(&self.retry_schedule)
            .map_err(|e| ConfigError::Invalid(format!("webhooks.retry_schedule: {e}")))
    }
}

/// The schedule that keeps the database bounded: expired customer tokens and Multipass replay
/// records, stale throttle counters and sent mail are purged.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Housekeeping {
    /// How often each node purges.
    pub interval_seconds: u64,
    /// Throttle counters that have not moved for this long are forgotten. Must be longer than
    /// every throttle window and the longest login backoff.
    pub throttle_counter_retention_seconds: i64,
    /// Sent messages (only their metadata is kept) are forgotten after this long.
    pub sent_mail_retention_seconds: i64,
    /// The ids of applied Shopify webhook events are kept this long, to recognise a repeated
    /// delivery. Shopify retries a failed delivery for 48 hours; a week leaves room.
    pub shopify_webhook_event_retention_seconds: i64,
}

impl Default for Housekeeping {
    fn default() -> Self {
        Self {
            interval_seconds: 60 * 60,
            throttle_counter_retention_seconds: 24 * 60 * 60,
            sent_mail_retention_seconds: 30 * 24 * 60 * 60,
            shopify_webhook_event_retention_seconds: 7 * 24 * 60 * 60,
        }
    }
}

impl Housekeeping {
    pub fn retention(&self) -> crate::accounts::Retention {
        crate::accounts::Retention {
            throttle_counters_seconds: self.throttle_counter_retention_seconds,
            sent_mail_seconds: self.sent_mail_retention_seconds,
            shopify_webhook_events_seconds: self.shopify_webhook_event_retention_seconds,
        }
    }
}

/// What one GraphQL request may ask for; all checked before anything runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphqlConfig {
    /// Deepest selection allowed.
    pub max_depth: usize,
    /// Highest cost (each field 1, a page its size times its items) allowed.
    pub max_cost: usize,
    /// Most root fields (aliases included) in one operation: 100 aliased logins in one document
    /// are refused before a single password is checked.
    pub max_root_fields: usize,
    /// Parsed documents kept for Automatic Persisted Queries (least recently used go first).
    pub persisted_queries: usize,
}

impl Default for GraphqlConfig {
    fn default() -> Self {
        Self {
            max_depth: 15,
            // A full page (250) of addresses with every field costs about 5,000; the heaviest
            // order page a real client asks for (Vue Storefront: 10 orders with 100 line items
            // each, every line with its variant and prices) costs about 19,000.
            max_cost: 25_000,
            max_root_fields: 10,
            persisted_queries: 1_000,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The sender, e.g. `My Store <shop@example.com>`.
    pub from: String,
    /// SMTP delivery; without it, messages are written to `mail_dir`.
    pub smtp: Option<SmtpConfig>,
    /// A folder with `activation.txt`, `activation.html`, `reset.txt`, `reset.html` (any of
    /// them) to replace the built-in templates.
    pub templates_dir: Option<PathBuf>,
    /// First retry delay of a failed delivery; each later one doubles, up to `max_backoff_seconds`.
    pub initial_backoff_seconds: u64,
    pub max_backoff_seconds: u64,
    /// A message still undelivered after this many attempts is given up (and kept, marked failed).
    pub max_attempts: u32,
    /// How often the sender looks for due messages when nothing wakes it.
    pub poll_interval_ms: u64,
    /// Send "your password was changed" after a reset, an activation or a `customerUpdate` that
    /// sets a password (template `password_changed`).
    pub notify_password_changed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (a relay on localhost).
    None,
    /// STARTTLS, required.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    #[serde(skip_serializing)]
    pub password: Option<SecretString>,
    /// Give up on one attempt after this long.
    #[serde(default = "default_smtp_timeout")]
    pub timeout_seconds: u64,
}

fn default_smtp_timeout() -> u64 {
    30
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// customerRecover requests allowed per client IP per window.
    pub recover_per_ip: u32,
    pub recover_window_seconds: i64,
    /// Consecutive failed logins of one account before each next attempt must wait.
    pub login_free_failures: i32,
    /// The first wait; it doubles with every further failure, up to `login_backoff_max_seconds`.
    pub login_backoff_base_seconds: i64,
    pub login_backoff_max_seconds: i64,
    /// Failed logins allowed per client IP per window, whatever the accounts (spraying).
    pub login_failures_per_ip: i32,
    pub login_ip_window_seconds: i64,
    /// customerRecover requests per email per recover window (mail bombing one inbox).
    pub recover_per_email: u32,
    /// customerCreate attempts per client IP and per email, per window.
    pub signup_per_ip: u32,
    pub signup_per_email: u32,
    pub signup_window_seconds: i64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            recover_per_ip: 10,
            recover_window_seconds: 15 * 60,
            login_free_failures: 5,
            login_backoff_base_seconds: 1,
            login_backoff_max_seconds: 15 * 60,
            login_failures_per_ip: 100,
            login_ip_window_seconds: 15 * 60,
            recover_per_email: 5,
            signup_per_ip: 30,
            signup_per_email: 5,
            signup_window_seconds: 15 * 60,
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            from: "My Store <no-reply@localhost>".to_owned(),
            smtp: None,
            templates_dir: None,
            initial_backoff_seconds: 5,
            max_backoff_seconds: 15 * 60,
            max_attempts: 40,
            poll_interval_ms: 2_000,
            notify_password_changed: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShopConfig {
    /// Every row belongs to a shop; one process serves one shop today.
    pub id: i64,
    pub name: String,
    /// The shop's public address, used in activation and reset links
    /// (`https://{domain}/account/reset/{id}/{token}`).
    pub domain: String,
    /// Verifies the order webhooks Shopify sends to `/webhooks/shopify/default/orders`
    /// (`STOREFRONT_SHOP__SHOPIFY_WEBHOOK_SECRET`). Unset keeps what `storefront shops update`
    /// stored.
    #[serde(skip_serializing)]
    pub shopify_webhook_secret: Option<SecretString>,
    /// The link of an order that did not bring its own status URL; `{domain}`, `{id}`,
    /// `{number}` and `{key}` are replaced. Unset keeps what `storefront shops update` stored
    /// (by default `https://{domain}/account/orders/{id}?key={key}`).
    pub order_url_template: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordConfig {
    pub min_length: usize,
    pub max_length: usize,
    pub hash: HashParams,
    /// How many passwords may be hashed at once; unset means one per CPU core.
    pub max_concurrent_hashes: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerTokenConfig {
    /// Lifetime of a customer access token; Shopify's is 42 days.
    pub ttl_seconds: i64,
    /// How long `customerAccessTokenRenew` can keep one session alive, counted from the login
    /// that created it; after that renewal is refused and the customer logs in again.
    /// Shopify has no such limit; ours is 365 days.
    pub max_lifetime_seconds: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomersConfig {
    /// Most addresses one customer may keep.
    pub max_addresses: u64,
    /// Whether `customerUpdate` may change the email (Shopify stores can refuse it).
    pub allow_email_change: bool,
    /// How long an activation link works, in seconds (Shopify: 30 days).
    pub activation_ttl_seconds: i64,
    /// How long a password reset link works, in seconds.
    pub reset_ttl_seconds: i64,
    /// Shopify's answer to customerRecover for an unknown email ("Could not find customer"),
    /// which tells anyone whether an account exists. Off by default.
    pub reveal_unknown_email_on_recover: bool,
    /// Strict sign-up: `customerCreate` with an email that already has an account answers as
    /// if it had worked (nothing is created) and emails the owner instead of answering TAKEN,
    /// so the sign-up form cannot tell anyone who has an account. Off by default (Shopify's).
    pub uniform_sign_up: bool,
    /// How long after `customerRequestDataErasure` the customer is erased, in days (0: at
    /// once). Until then the request can be cancelled.
    pub erasure_hold_days: u32,
    /// `customers import`: refuse fast or unsalted password digests (MD5, SHA-x, phpass,
    /// Magento 0/1...) instead of wrapping them in argon2id; their customers are refused.
    pub import_refuse_fast_hashes: bool,
    /// `customers import --invite email`: invitations queued per minute for a shop.
    pub import_invites_per_minute: u32,
}

impl Default for CustomersConfig {
    fn default() -> Self {
        Self {
            max_addresses: 100,
            allow_email_change: true,
            activation_ttl_seconds: 30 * 24 * 60 * 60,
            reset_ttl_seconds: 24 * 60 * 60,
            reveal_unknown_email_on_recover: false,
            uniform_sign_up: false,
            erasure_hold_days: 0,
            import_refuse_fast_hashes: false,
            import_invites_per_minute: 60,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Connections in the pool (readers on SQLite, where writes go through one connection).
    pub max_connections: u32,
    /// How long a request waits for a connection before failing.
    pub acquire_timeout_seconds: u64,
    /// Apply pending migrations when the server or a command starts. Turn off when several nodes
    /// share one database and `storefront migrate` runs once per deploy.
    pub auto_migrate: bool,
    /// Remember checked storefront tokens between requests (`docs/scaling.md`). On PostgreSQL a
    /// node listens for changes on a connection of its own: turn this off when `DATABASE_URL`
    /// goes through a pooler in transaction mode, where `LISTEN` does not hold.
    pub cache_storefront_tokens: bool,
    /// MiB of answers to storefront customer reads a node remembers and serves until the
    /// database signals a change to their customers (`docs/scaling.md`); 0 turns it off. On
    /// PostgreSQL it listens like the token cache: 0 behind a transaction-mode pooler.
    pub customer_read_cache_mib: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Longest time one request may take, in seconds.
    pub request_timeout_seconds: u64,
    /// Origins allowed by CORS; `*` allows any (storefront tokens are public by design).
    pub cors_allowed_origins: Vec<String>,
    /// How long in-flight requests may finish after a shutdown signal, in seconds.
    pub shutdown_grace_seconds: u64,
    /// Serve Prometheus metrics at `/metrics` (keep it off the public internet at the proxy).
    pub metrics: bool,
    /// Proxies (addresses or networks, `10.0.0.0/8`) whose `Forwarded` / `X-Forwarded-For`
    /// headers name the client; nobody else's are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long a client may take to send a request's headers, and stay idle between two
    /// requests on one connection, in seconds (slow-header attacks).
    pub header_read_timeout_seconds: u64,
    /// Most connections open at once; more wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            environment: Environment::Development,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            data_dir: PathBuf::from("data"),
            secret_key: None,
            shop: ShopConfig::default(),
            password: PasswordConfig::default(),
            customer_tokens: CustomerTokenConfig::default(),
            customers: CustomersConfig::default(),
            database: DatabaseConfig::default(),
            http: HttpConfig::default(),
            graphql: GraphqlConfig::default(),
            mail_dir: None,
            mail: MailConfig::default(),
            log_format: LogFormat::Text,
            otel_endpoint: None,
            multipass_secret: None,
            throttle: ThrottleConfig::default(),
            housekeeping: Housekeeping::default(),
            webhooks: WebhooksConfig::default(),
        }
    }
}

impl Default for ShopConfig {
    fn default() -> Self {
        Self {
            id: 1,
            name: "My Store".to_owned(),
            domain: "localhost:3000".to_owned(),
            shopify_webhook_secret: None,
            order_url_template: None,
        }
    }
}

impl Default for PasswordConfig {
    fn default() -> Self {
        let policy = PasswordPolicy::default();
        Self {
            min_length: policy.min_length,
            max_length: policy.max_length,
            hash: HashParams::default(),
            max_concurrent_hashes: None,
        }
    }
}

impl Default for CustomerTokenConfig {
    fn default() -> Self {
        Self {
            ttl_seconds: 42 * 24 * 60 * 60,
            max_lifetime_seconds: 365 * 24 * 60 * 60,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            // Measured with bench/ on SQLite (2 cores, 64 connections of reads): 1 reader served 38 %
            // fewer reads than 16, 4 readers 11 % fewer, more than 16 no more. On PostgreSQL it is
            // per node: nodes x this must stay under the server's max_connections.
            max_connections: 16,
            acquire_timeout_seconds: 10,
            auto_migrate: true,
            cache_storefront_tokens: true,
            customer_read_cache_mib: 16,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            body_limit_bytes: 256 * 1024,
            request_timeout_seconds: 30,
            cors_allowed_origins: vec!["*".to_owned()],
            shutdown_grace_seconds: 20,
            metrics: true,
            trusted_proxies: Vec::new(),
            header_read_timeout_seconds: 15,
            max_connections: 10_000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Invalid(String),
    #[error("could not read or write the secret key file {path}: {source}")]
    SecretFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "no secret key is configured: set STOREFRONT_SECRET_KEY (for example to the output of `openssl rand -hex 32`)"
    )]
    MissingSecret,
}

impl Config {
    /// Defaults, then the TOML file (`STOREFRONT_CONFIG` or `./storefront.toml`, if present),
    /// then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("STOREFRONT_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("storefront.toml"));
        Self::figment(&file)
            .extract()
            .map_err(|e| ConfigError::Invalid(e.to_string()))
    }

    fn figment(file: &Path) -> Figment {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::raw().only(&["DATABASE_URL"]).lowercase(true))
            .merge(
                Env::prefixed("STOREFRONT_")
                    .ignore(&["CONFIG"])
                    .split("__")
                    .lowercase(true),
            )
    }

    pub fn password_policy(&self) -> PasswordPolicy {
        PasswordPolicy {
            min_length: self.password.min_length,
            max_length: self.password.max_length,
        }
    }

    /// Where `.eml` files go when no SMTP server is configured.
    pub fn mail_dir(&self) -> PathBuf {
        self.mail_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("mail"))
    }

    /// The database to use: the configured URL, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("storefront.db").display()
            ),
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |message: &str| Err(ConfigError::Invalid(message.to_owned()));
        if self.password.min_length == 0 || self.password.min_length > self.password.max_length {
            return invalid(
                "password.min_length must be at least 1 and at most password.max_length",
            );
        }
        if self.customer_tokens.ttl_seconds <= 0 {
            return invalid("customer_tokens.ttl_seconds must be positive");
        }
        if self.customer_tokens.max_lifetime_seconds <= 0 {
            return invalid("customer_tokens.max_lifetime_seconds must be positive");
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections must be at least 1");
        }
        let longest_throttle = [
            self.throttle.recover_window_seconds,
            self.throttle.signup_window_seconds,
            self.throttle.login_ip_window_seconds,
            self.throttle.login_backoff_max_seconds,
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        if self.housekeeping.throttle_counter_retention_seconds <= longest_throttle {
            return invalid(
                "housekeeping.throttle_counter_retention_seconds must be longer than every throttle window and the longest login backoff",
            );
        }
        if self.housekeeping.sent_mail_retention_seconds < 0 {
            return invalid("housekeeping.sent_mail_retention_seconds cannot be negative");
        }
        if self.housekeeping.shopify_webhook_event_retention_seconds < 2 * 24 * 60 * 60 {
            return invalid(
                "housekeeping.shopify_webhook_event_retention_seconds must cover Shopify's 48 hours of retries (at least 172800)",
            );
        }
        self.webhooks.schedule()?;
        if self.webhooks.concurrency == 0 || self.webhooks.timeout_ms == 0 {
            return invalid("webhooks.concurrency and webhooks.timeout_ms must be positive");
        }
        if self.webhooks.disable_after_failing_seconds <= 0
            || self.webhooks.rotation_grace_seconds < 0
            || self.webhooks.event_retention_seconds < 0
        {
            return invalid(
                "webhooks.disable_after_failing_seconds must be positive, the grace and retention not negative",
            );
        }
        Ok(())
    }

    /// The signing key: configured, or (in development only) read from or generated into
    /// `data_dir/secret.key` once, so that it never changes silently between runs.
    pub fn resolve_secret_key(&self) -> Result<SecretString, ConfigError> {
        if let Some(secret) = &self.secret_key
            && !secret.expose_secret().is_empty()
        {
            return Ok(secret.clone());
        }
        if self.environment == Environment::Production {
            return Err(ConfigError::MissingSecret);
        }
        let path = self.data_dir.join("secret.key");
        let file_error = |source| ConfigError::SecretFile {
            path: path.clone(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(existing) if !existing.trim().is_empty() => {
                return Ok(SecretString::from(existing.trim().to_owned()));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_error(e)),
        }
        std::fs::create_dir_all(&self.data_dir).map_err(file_error)?;
        let generated = format!(
            "{}{}",
            crate::domain::access_token::generate(),
            crate::domain::access_token::generate()
        );
        write_private_file(&path, &generated).map_err(file_error)?;
        tracing::info!(path = %path.display(), "generated a new secret key for development");
        Ok(SecretString::from(generated))
    }
}

/// Creates the file readable by its owner only; an existing file is never overwritten.
fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_values() {
        let config = Config::default();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.password.min_length, 8);
        assert_eq!(config.customer_tokens.ttl_seconds, 3_628_800);
        assert_eq!(config.password.hash, HashParams::default());
        assert!(config.database_url().starts_with("sqlite://data"));
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's own error type, in a test
    fn file_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "storefront.toml",
                "listen = \"0.0.0.0:9000\"\n[password]\nmin_length = 5\nmax_length = 40\n",
            )?;
            jail.set_env("STOREFRONT_PASSWORD__MAX_LENGTH", "64");
            jail.set_env("DATABASE_URL", "postgres://db/storefront");
            jail.set_env("STOREFRONT_SHOP__SHOPIFY_WEBHOOK_SECRET", "shopify-secret");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config
                    .shop
                    .shopify_webhook_secret
                    .as_ref()
                    .map(|s| s.expose_secret().to_owned()),
                Some("shopify-secret".to_owned())
            );
            assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
            assert_eq!(config.password.min_length, 5);
            assert_eq!(config.password.max_length, 64);
            assert_eq!(config.database_url(), "postgres://db/storefront");
            Ok(())
        });
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let config = Config {
            secret_key: Some(SecretString::from("super-secret-value")),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("super-secret-value"));
    }

    #[test]
    fn development_secret_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config {
            data_dir: dir.path().join("nested"),
            ..Config::default()
        };
        let first = config.resolve_secret_key().expect("generated");
        let second = config.resolve_secret_key().expect("read back");
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert_eq!(first.expose_secret().len(), 64);
    }

    #[test]
    fn production_refuses_to_start_without_a_secret() {
        let config = Config {
            environment: Environment::Production,
            ..Config::default()
        };
        assert!(matches!(
            config.resolve_secret_key(),
            Err(ConfigError::MissingSecret)
        ));
    }

    #[test]
    fn rejects_an_impossible_password_policy() {
        let mut config = Config::default();
        config.password.min_length = 50;
        config.password.max_length = 40;
        assert!(config.validate().is_err());
    }
}
