//! The `storefront` command: serve (the default), migrate, print the schema, manage storefront
//! access tokens. Thin: parse, load config, init logging, call the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use storefront::config::{Config, LogFormat};
use storefront::store::storefront_tokens::TokenKind;
use storefront::{App, graphql};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "storefront",
    version,
    about = "A self-hosted, Shopify-compatible customer-accounts server"
)]
struct Cli {
    /// Configuration file (default: ./storefront.toml when present).
    #[arg(long, global = true, env = "STOREFRONT_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://FILE?mode=rwc or postgres://USER:PASS@HOST/DB.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "STOREFRONT_LISTEN")]
        listen: Option<SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Manage storefront API access tokens.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Manage customers.
    Customers {
        #[command(subcommand)]
        command: CustomersCommand,
    },
}

#[derive(Subcommand)]
enum CustomersCommand {
    /// Invite a customer: the account is created disabled and an activation email is sent.
    Invite {
        email: String,
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokensCommand {
    /// Create a token and print only the token on stdout.
    Create {
        /// A private (server-side) token instead of a public one.
        #[arg(long)]
        private: bool,
        /// What the token is for.
        #[arg(long, default_value = "Storefront")]
        title: String,
    },
    /// List the tokens (private ones are never shown again).
    List,
    /// Revoke a token by its id.
    Revoke { id: i64 },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        config.database_url = Some(url);
    }
    init_logging(config.log_format);
    match cli.command.unwrap_or(Command::Serve { listen: None }) {
        Command::Serve { listen } => {
            if let Some(listen) = listen {
                config.listen = listen;
            }
            serve(config).await
        }
        Command::Migrate => {
            config.database.auto_migrate = false;
            let db = storefront::open_database(&config).await?;
            let pending = db.pending_migrations().await?;
            db.migrate().await?;
            eprintln!("applied {pending} migration(s); the database is up to date");
            Ok(())
        }
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Tokens { command } => tokens(config, command).await,
        Command::Customers { command } => customers(config, command).await,
    }
}

async fn customers(config: Config, command: CustomersCommand) -> anyhow::Result<()> {
    let db = storefront::open_database(&config).await?;
    let accounts = storefront::accounts(&config, db)?;
    match command {
        CustomersCommand::Invite {
            email,
            first_name,
            last_name,
        } => {
            let customer = match accounts
                .invite(&email, first_name.as_deref(), last_name.as_deref())
                .await
            {
                Ok(customer) => customer,
                Err(storefront::accounts::AccountError::Invalid(problems)) => {
                    let reasons: Vec<String> = problems.into_iter().map(|p| p.message).collect();
                    anyhow::bail!("cannot invite {email}: {}", reasons.join("; "));
                }
                Err(other) => return Err(other.into()),
            };
            println!("{}", storefront::domain::ids::gid("Customer", customer.id));
            // Deliver at once when the mail server answers; otherwise the running server's
            // sender retries from the outbox.
            let sender = storefront::mail_sender(&config, accounts)?;
            match sender.deliver_due().await {
                Ok(sent) if sent > 0 => {
                    eprintln!("invitation sent to {email} ({})", sender.mailer.describe())
                }
                Ok(_) => eprintln!("invitation queued for {email}; the server will send it"),
                Err(err) => {
                    eprintln!("invitation queued for {email}; sending failed for now: {err}")
                }
            }
        }
    }
    Ok(())
}

/// Logs to stderr, as text or JSON lines; `RUST_LOG` sets what is logged.
fn init_logging(format: LogFormat) {
    let filter = || {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn")
        })
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().with_current_span(true).init(),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = App::build(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "storefront is listening");
    // Written, not println!'d: a closed stdout (a supervisor that stopped reading) must not stop
    // the server.
    let mut banner = format!(
        "storefront is listening on http://{address}\nGraphiQL: http://{address}/graphql\n"
    );
    if let Some(token) = &app.first_storefront_token {
        banner.push_str(&format!(
            "A public storefront access token was created for this shop: {token}\n\
             Send it as the X-Shopify-Storefront-Access-Token header (GraphiQL has it filled in).\n"
        ));
    }
    {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        let _ = stdout
            .write_all(banner.as_bytes())
            .and_then(|()| stdout.flush());
    }
    let _background = app.spawn_background();
    storefront::http::serve(
        listener,
        app.router,
        storefront::http::shutdown_signal(),
        Duration::from_secs(config.http.shutdown_grace_seconds),
    )
    .await?;
    app.accounts.database().clone().close().await;
    Ok(())
}

async fn tokens(config: Config, command: TokensCommand) -> anyhow::Result<()> {
    let db = storefront::open_database(&config).await?;
    let accounts = storefront::accounts(&config, db)?;
    match command {
        TokensCommand::Create { private, title } => {
            let kind = if private {
                TokenKind::Private
            } else {
                TokenKind::Public
            };
            let token = accounts.create_storefront_token(kind, &title).await?;
            println!("{token}");
        }
        TokensCommand::List => {
            println!(
                "{:<20} {:<8} {:<8} {:<34} title",
                "id", "kind", "state", "token"
            );
            for token in accounts.list_storefront_tokens().await? {
                let state = if token.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                let shown = token
                    .public_token
                    .as_deref()
                    .unwrap_or("(private: not shown)");
                println!(
                    "{:<20} {:<8} {:<8} {:<34} {}",
                    token.id,
                    token.kind.as_str(),
                    state,
                    shown,
                    token.title
                );
            }
        }
        TokensCommand::Revoke { id } => {
            if !accounts.revoke_storefront_token(id).await? {
                anyhow::bail!("no active storefront token has the id {id}");
            }
            eprintln!("revoked storefront token {id}");
        }
    }
    Ok(())
}
