//! The `storefront` command line: one module per command group; `main.rs` only hands over.

mod customers;
mod doctor;
mod file_import;
mod mail;
mod metafields;
mod orders;
mod serve;
mod shops;
mod tokens;
mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use storefront::accounts::{Accounts, ShopAccounts};
use storefront::config::Config;
use storefront::domain::shop::Shop;

#[derive(Parser)]
#[command(
    name = "storefront",
    version,
    about = "A self-hosted, Shopify-compatible customer-accounts server"
)]
pub struct Cli {
    /// Configuration file (default: ./storefront.toml when present).
    #[arg(long, global = true, env = "STOREFRONT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://FILE?mode=rwc or postgres://USER:PASS@HOST/DB.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "STOREFRONT_LISTEN")]
        listen: Option<SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL): the Storefront API's, or with --admin the admin API's.
    Schema {
        #[arg(long)]
        admin: bool,
    },
    /// Manage shops: each has its own customers, tokens, throttles and mail.
    Shops {
        #[command(subcommand)]
        command: shops::ShopsCommand,
    },
    /// Manage storefront API access tokens.
    Tokens {
        /// The shop (its handle); the default shop when left out.
        #[arg(long, global = true)]
        shop: Option<String>,
        #[command(subcommand)]
        command: tokens::TokensCommand,
    },
    /// Manage customers.
    Customers {
        /// The shop (its handle); the default shop when left out.
        #[arg(long, global = true)]
        shop: Option<String>,
        #[command(subcommand)]
        command: customers::CustomersCommand,
    },
    /// Import a shop's orders (Shopify order JSON or the Shopify orders CSV export).
    Orders {
        /// The shop (its handle); the default shop when left out.
        #[arg(long, global = true)]
        shop: Option<String>,
        #[command(subcommand)]
        command: orders::OrdersCommand,
    },
    /// Manage the shop's customer metafield definitions.
    Metafields {
        /// The shop (its handle); the default shop when left out.
        #[arg(long, global = true)]
        shop: Option<String>,
        #[command(subcommand)]
        command: metafields::MetafieldsCommand,
    },
    /// Look at and retry the mail outbox.
    Mail {
        /// The shop (its handle); the default shop when left out.
        #[arg(long, global = true)]
        shop: Option<String>,
        #[command(subcommand)]
        command: mail::MailCommand,
    },
    /// Manage webhook subscriptions; look at, retry and replay deliveries.
    Webhooks {
        /// The shop (its handle); the default shop when left out.
        #[arg(long, global = true)]
        shop: Option<String>,
        #[command(subcommand)]
        command: webhooks::WebhooksCommand,
    },
    /// Check the configuration, the database and the mail server.
    Doctor,
}

/// A failure with an exit status of its own; every other error exits with 1.
#[derive(Debug)]
pub struct ExitWith {
    pub code: u8,
    pub error: anyhow::Error,
}

impl std::fmt::Display for ExitWith {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for ExitWith {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// The exit status for a command's error.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    error.downcast_ref::<ExitWith>().map_or(1, |exit| exit.code)
}

/// Runs a command with its configuration (file, environment, then the command line).
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        config.database_url = Some(url);
    }
    let telemetry =
        storefront::telemetry::Telemetry::init(config.log_format, config.otel_endpoint.as_deref())
            .map_err(|e| anyhow::anyhow!("cannot set up logging: {e}"))?;
    let result = dispatch(cli.command, config).await;
    // A command gives its id node number back at once instead of holding it for two minutes.
    storefront::Database::release_all_id_nodes().await;
    // Flushing blocks until the exporter's thread is done: off the async executor.
    let _ = tokio::task::spawn_blocking(move || telemetry.shutdown()).await;
    result
}

async fn dispatch(command: Option<Command>, config: Config) -> anyhow::Result<()> {
    match command.unwrap_or(Command::Serve { listen: None }) {
        Command::Serve { listen } => serve::run(config, listen).await,
        Command::Migrate => {
            let db = storefront::connect_database(&config).await?;
            let pending = db.pending_migrations().await?;
            db.migrate().await?;
            eprintln!("applied {pending} migration(s); the database is up to date");
            Ok(())
        }
        Command::Schema { admin } => {
            if admin {
                print!("{}", storefront::graphql::admin::sdl());
            } else {
                print!("{}", storefront::graphql::sdl());
            }
            Ok(())
        }
        Command::Shops { command } => shops::run(config, command).await,
        Command::Tokens { shop, command } => tokens::run(config, shop, command).await,
        Command::Customers { shop, command } => customers::run(config, shop, command).await,
        Command::Orders { shop, command } => orders::run(config, shop, command).await,
        Command::Mail { shop, command } => mail::run(config, shop, command).await,
        Command::Metafields { shop, command } => metafields::run(config, shop, command).await,
        Command::Webhooks { shop, command } => webhooks::run(config, shop, command).await,
        Command::Doctor => doctor::run(config).await,
    }
}

/// The use cases, over the migrated database, with the default shop made what the
/// configuration says.
async fn open(config: &Config) -> anyhow::Result<(Accounts, Arc<Shop>)> {
    let db = storefront::open_database(config).await?;
    let accounts = storefront::accounts(config, db)?;
    let default_shop = storefront::default_shop(config, &accounts).await?;
    Ok((accounts, default_shop))
}

/// The use cases of the shop a command names with `--shop` (the default shop without it).
pub(crate) async fn open_shop(config: &Config, shop: Option<&str>) -> anyhow::Result<ShopAccounts> {
    let (accounts, default_shop) = open(config).await?;
    let shop = match shop {
        None => default_shop,
        Some(handle) => accounts.shop_by_handle(handle).await?.ok_or_else(|| {
            anyhow::anyhow!("no shop has the handle {handle}: see `storefront shops list`")
        })?,
    };
    Ok(accounts.in_shop(shop))
}
