//! `storefront`: a self-hosted, Shopify-compatible GraphQL customer-accounts server.
//! `App::build` turns a `Config` into the router that production serves and tests drive.

pub mod accounts;
pub mod config;
pub mod domain;
pub mod graphql;
pub mod http;
pub mod mail;
pub mod metrics;
mod store;
pub mod telemetry;
pub mod webhooks;

use std::time::Duration;

use accounts::{
    AccountError, Accounts, AccountsSettings, DefaultShop, Hasher, LifecycleSettings, ShopAccounts,
};
use config::{Config, ConfigError, Environment, Housekeeping};
use domain::shop::Shop;
use secrecy::ExposeSecret;
/// Bulk seeding through the store, for the load benchmark.
pub use store::seed;
pub use store::{Backend, Database};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Accounts(#[from] AccountError),
    #[error("mail: {0}")]
    Mail(String),
    #[error("webhooks: {0}")]
    Webhooks(String),
    #[error("the default shop: {0}")]
    Shop(String),
    #[error("the GraphQL schema: {0}")]
    Schema(String),
}

/// Connects to the configured database (creating the embedded SQLite file's folder), applies
/// pending migrations unless told not to, and leases the id node number this process's ids carry
/// (`domain::ids`), which needs the migrated `id_nodes` table. Everything that writes opens the
/// database this way.
pub async fn open_database(config: &Config) -> Result<Database, StartupError> {
    let db = connect_database(config).await?;
    if config.database.auto_migrate {
        db.migrate().await?;
    }
    db.claim_id_node().await?;
    Ok(db)
}

/// Only connects (creating the embedded SQLite file's folder): for `storefront migrate` and
/// checks, which make no ids and may find the database not migrated yet.
pub async fn connect_database(config: &Config) -> Result<Database, StartupError> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartupError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
    }
    Ok(Database::connect(&config.database_url(), &config.database).await?)
}

/// The use cases over an open database.
pub fn accounts(config: &Config, db: Database) -> Result<Accounts, StartupError> {
    let hasher = Hasher::new(config.password.hash, config.password.max_concurrent_hashes)?;
    let signing_key = config
        .resolve_secret_key()?
        .expose_secret()
        .as_bytes()
        .to_vec();
    Ok(Accounts::new(
        db,
        hasher,
        AccountsSettings {
            token_ttl_seconds: config.customer_tokens.ttl_seconds,
            token_max_lifetime_seconds: config.customer_tokens.max_lifetime_seconds,
            max_addresses_per_customer: config.customers.max_addresses,
            allow_email_change: config.customers.allow_email_change,
            erasure_hold_seconds: i64::from(config.customers.erasure_hold_days) * 86_400,
            webhooks: accounts::WebhookSettings {
                allow_private_targets: config.webhooks.allow_private_targets,
                rotation_grace_seconds: config.webhooks.rotation_grace_seconds,
                ..accounts::WebhookSettings::default()
            },
            lifecycle: LifecycleSettings {
                signing_key,
                activation_ttl_seconds: config.customers.activation_ttl_seconds,
                reset_ttl_seconds: config.customers.reset_ttl_seconds,
                reveal_unknown_email_on_recover: config.customers.reveal_unknown_email_on_recover,
                uniform_sign_up: config.customers.uniform_sign_up,
                notify_password_changed: config.mail.notify_password_changed,
                recover_per_ip: config.throttle.recover_per_ip,
                recover_window_seconds: config.throttle.recover_window_seconds,
                recover_per_email: config.throttle.recover_per_email,
                signup_per_ip: config.throttle.signup_per_ip,
                signup_per_email: config.throttle.signup_per_email,
                signup_window_seconds: config.throttle.signup_window_seconds,
                login: accounts::LoginThrottle {
                    free_failures: config.throttle.login_free_failures,
                    backoff_base_seconds: config.throttle.login_backoff_base_seconds,
                    backoff_max_seconds: config.throttle.login_backoff_max_seconds,
                    failures_per_ip: config.throttle.login_failures_per_ip,
                    ip_window_seconds: config.throttle.login_ip_window_seconds,
                },
            },
        },
    ))
}

/// The default shop, made what the configuration says (created on the first start). Every
/// command that works in a shop without `--shop` works in this one.
pub async fn default_shop(
    config: &Config,
    accounts: &Accounts,
) -> Result<std::sync::Arc<Shop>, StartupError> {
    accounts
        .sync_default_shop(DefaultShop {
            id: config.shop.id,
            name: config.shop.name.clone(),
            domain: config.shop.domain.clone(),
            password_policy: config.password_policy(),
            multipass_secret: config.multipass_secret.clone(),
            shopify_webhook_secret: config.shop.shopify_webhook_secret.clone(),
            order_url_template: config.shop.order_url_template.clone(),
        })
        .await
        .map_err(|err| StartupError::Shop(err.to_string()))
}

pub struct App {
    pub router: axum::Router,
    pub accounts: Accounts,
    /// The shop the configuration describes.
    pub default_shop: std::sync::Arc<Shop>,
    housekeeping: Housekeeping,
    /// The public storefront token made on first start, to show the newcomer.
    pub first_storefront_token: Option<String>,
    pub mail: mail::Sender,
    pub webhooks: webhooks::Sender,
    event_retention_seconds: i64,
}

/// The mail sender of a configuration: its transport, templates and retry policy.
pub fn mail_sender(config: &Config, accounts: Accounts) -> Result<mail::Sender, StartupError> {
    let mailer =
        mail::Mailer::from_config(config).map_err(|e| StartupError::Mail(e.to_string()))?;
    let templates = mail::Templates::load(config.mail.templates_dir.as_deref())
        .map_err(|e| StartupError::Mail(format!("templates: {e}")))?;
    Ok(mail::Sender {
        accounts,
        mailer: std::sync::Arc::new(mailer),
        templates: std::sync::Arc::new(templates),
        poll_interval: Duration::from_millis(config.mail.poll_interval_ms),
        initial_backoff_seconds: config.mail.initial_backoff_seconds as i64,
        max_backoff_seconds: config.mail.max_backoff_seconds as i64,
        max_attempts: config.mail.max_attempts as i32,
    })
}

impl App {
    pub async fn build(config: &Config) -> Result<App, StartupError> {
        config.validate()?;
        if config.http.metrics {
            metrics::handle();
        }
        let db = open_database(config).await?;
        // Statistics for the planner before the first search (a bulk import may have come
        // before this start).
        db.optimize().await?;
        let accounts = accounts(config, db)?;
        let default_shop = default_shop(config, &accounts).await?;
        let first_storefront_token = accounts
            .in_shop(default_shop.clone())
            .storefront_tokens()
            .ensure_first_storefront_token()
            .await?;
        // A serving node remembers the storefront tokens it checked (store::access_cache);
        // started after the writes above, whose signals would only empty it again.
        if config.database.cache_storefront_tokens {
            accounts.database().cache_storefront_access().await;
        }
        // And the answers to customer reads (store::read_cache), for the same reason after them.
        accounts
            .database()
            .cache_customer_reads(
                config
                    .database
                    .customer_read_cache_mib
                    .saturating_mul(1 << 20),
            )
            .await;
        let read_cache = accounts.database().customer_read_cache().cloned();
        let (schema, guards) = graphql::build_schema(
            accounts.clone(),
            graphql::SchemaSettings {
                max_depth: config.graphql.max_depth,
                max_cost: config.graphql.max_cost,
                production: config.environment == Environment::Production,
            },
        )
        .await
        .map_err(StartupError::Schema)?;
        let storefront = http::Pipeline {
            api: http::StorefrontApi {
                schema,
                accounts: accounts.clone(),
                default_shop: default_shop.clone(),
                graphiql: config.environment == Environment::Development,
                prefill_graphiql_token: config.environment == Environment::Development,
            },
            guards,
            body_limit_bytes: config.http.body_limit_bytes,
            max_root_fields: config.graphql.max_root_fields,
            persisted_queries: http::PersistedQueries::new(config.graphql.persisted_queries),
            trusted_proxies: config.http.trusted_proxies.clone(),
            read_cache: read_cache.clone(),
        };
        let (admin_schema, admin_guards) = graphql::admin::build_schema(
            accounts.clone(),
            graphql::SchemaSettings {
                max_depth: config.graphql.max_depth,
                max_cost: config.graphql.max_cost,
                production: config.environment == Environment::Production,
            },
        )
        .await
        .map_err(StartupError::Schema)?;
        let admin = http::Pipeline {
            api: http::AdminApi {
                schema: admin_schema,
                accounts: accounts.clone(),
                graphiql: config.environment == Environment::Development,
            },
            guards: admin_guards,
            body_limit_bytes: config.http.body_limit_bytes,
            max_root_fields: config.graphql.max_root_fields,
            persisted_queries: http::PersistedQueries::new(config.graphql.persisted_queries),
            trusted_proxies: config.http.trusted_proxies.clone(),
            read_cache: read_cache.clone(),
        };
        let state = http::AppState {
            accounts: accounts.clone(),
        };
        let mail = mail_sender(config, accounts.clone())?;
        let webhooks = webhooks::Sender::new(accounts.clone(), &config.webhooks)
            .map_err(StartupError::Webhooks)?;
        Ok(App {
            router: http::router(storefront, admin, state, config),
            accounts,
            default_shop,
            housekeeping: config.housekeeping.clone(),
            first_storefront_token,
            mail,
            webhooks,
            event_retention_seconds: config.webhooks.event_retention_seconds,
        })
    }

    /// Starts what runs beside the HTTP server: the mail sender, the webhook sender and hourly
    /// housekeeping.
    pub fn spawn_background(&self) -> Vec<tokio::task::JoinHandle<()>> {
        tracing::info!(transport = %self.mail.mailer.describe(), "mail sender started");
        vec![
            self.mail.clone().spawn(),
            self.webhooks.clone().spawn(),
            self.spawn_housekeeping(),
        ]
    }

    /// The use cases of the default shop.
    pub fn shop(&self) -> ShopAccounts {
        self.accounts.in_shop(self.default_shop.clone())
    }

    /// Purges what is no longer needed on a schedule while the server runs (every node may
    /// run it: each purge is one idempotent DELETE).
    pub fn spawn_housekeeping(&self) -> tokio::task::JoinHandle<()> {
        let accounts = self.accounts.clone();
        let settings = self.housekeeping.clone();
        let event_retention_seconds = self.event_retention_seconds;
        tokio::spawn(async move {
            let mut every =
                tokio::time::interval(Duration::from_secs(settings.interval_seconds.max(1)));
            let mut legacy_schemes = std::collections::BTreeSet::new();
            loop {
                every.tick().await;
                // Counted here, not at every metrics scrape: it reads every imported hash.
                match accounts.legacy_hashes_remaining().await {
                    Ok(counts) => {
                        for scheme in legacy_schemes.difference(&counts.keys().cloned().collect()) {
                            crate::metrics::legacy_password_hashes(scheme, 0);
                        }
                        for (scheme, remaining) in &counts {
                            crate::metrics::legacy_password_hashes(scheme, *remaining);
                        }
                        legacy_schemes = counts.into_keys().collect();
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "counting imported password hashes failed")
                    }
                }
                if let Err(err) = accounts.erase_due_customers().await {
                    tracing::warn!(error = %err, "requested erasures failed");
                }
                match accounts.purge_events(event_retention_seconds).await {
                    Ok(0) => {}
                    Ok(events) => tracing::info!(events, "housekeeping purged delivered events"),
                    Err(err) => tracing::warn!(error = %err, "purging events failed"),
                }
                if let Err(err) = accounts.database().optimize().await {
                    tracing::warn!(error = %err, "updating the planner's statistics failed");
                }
                match accounts.purge(settings.retention()).await {
                    Ok(purged) if purged.total() == 0 => {}
                    Ok(purged) => tracing::info!(
                        customer_tokens = purged.customer_tokens,
                        multipass_uses = purged.multipass_uses,
                        throttle_counters = purged.throttle_counters,
                        sent_mail = purged.sent_mail,
                        shopify_webhook_events = purged.shopify_webhook_events,
                        "housekeeping purged what is no longer needed"
                    ),
                    Err(err) => tracing::warn!(error = %err, "housekeeping failed"),
                }
            }
        })
    }
}
