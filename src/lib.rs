//! `storefront`: a self-hosted, Shopify-compatible GraphQL customer-accounts server.
//! `App::build` turns a `Config` into the router that production serves and tests drive.

pub mod accounts;
pub mod config;
pub mod domain;
pub mod graphql;
pub mod http;
pub mod store;

use std::time::Duration;

use accounts::{AccountError, Accounts, AccountsSettings, Hasher};
use config::{Config, ConfigError, Environment};
use store::Database;

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
}

/// Connects to the configured database (creating the embedded SQLite file's folder) and applies
/// pending migrations unless told not to.
pub async fn open_database(config: &Config) -> Result<Database, StartupError> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartupError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
    }
    let db = Database::connect(&config.database_url(), &config.database).await?;
    if config.database.auto_migrate {
        db.migrate().await?;
    }
    Ok(db)
}

/// The use cases over an open database.
pub fn accounts(config: &Config, db: Database) -> Result<Accounts, StartupError> {
    let hasher = Hasher::new(config.password.hash, config.password.max_concurrent_hashes)?;
    Ok(Accounts::new(
        db,
        hasher,
        AccountsSettings {
            shop_id: config.shop.id,
            password_policy: config.password_policy(),
            token_ttl_seconds: config.customer_tokens.ttl_seconds,
            max_addresses_per_customer: config.customers.max_addresses,
            allow_email_change: config.customers.allow_email_change,
        },
    ))
}

pub struct App {
    pub router: axum::Router,
    pub accounts: Accounts,
    /// The public storefront token made on first start, to show the newcomer.
    pub first_storefront_token: Option<String>,
}

impl App {
    pub async fn build(config: &Config) -> Result<App, StartupError> {
        config.validate()?;
        // Resolved now so that a missing production secret stops the start, not a later request.
        let _signing_key = config.resolve_secret_key()?;
        let db = open_database(config).await?;
        let accounts = accounts(config, db)?;
        let first_storefront_token = accounts.ensure_first_storefront_token().await?;
        let schema = graphql::build_schema(accounts.clone());
        let state = http::AppState {
            schema,
            accounts: accounts.clone(),
            body_limit_bytes: config.http.body_limit_bytes,
            prefill_graphiql_token: config.environment == Environment::Development,
        };
        Ok(App {
            router: http::router(state, config),
            accounts,
            first_storefront_token,
        })
    }

    /// Removes expired customer tokens every hour while the server runs.
    pub fn spawn_housekeeping(&self) -> tokio::task::JoinHandle<()> {
        let accounts = self.accounts.clone();
        tokio::spawn(async move {
            let mut every_hour = tokio::time::interval(Duration::from_secs(60 * 60));
            loop {
                every_hour.tick().await;
                match accounts.purge_expired_tokens().await {
                    Ok(0) => {}
                    Ok(removed) => {
                        tracing::info!(removed, "removed expired customer access tokens")
                    }
                    Err(err) => tracing::warn!(error = %err, "could not remove expired tokens"),
                }
            }
        })
    }
}
