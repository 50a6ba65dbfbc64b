//! The `storefront` command: serve (the default), migrate, print the schema, manage storefront
//! access tokens. Thin: parse, load config, init logging, call the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use storefront::config::Config;
use storefront::store::storefront_tokens::TokenKind;
use storefront::telemetry::Telemetry;
use storefront::{App, graphql};

/// mimalloc instead of glibc's malloc: a quarter of a read's CPU went to malloc and free, and
/// a read served 68 % more requests per second with it (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Look at and retry the mail outbox.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Check the configuration, the database and the mail server.
    Doctor,
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
    /// List customers, newest first; `--search` matches email and names.
    List {
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show one customer (by gid, numeric id or email).
    Show {
        customer: String,
        #[arg(long)]
        json: bool,
    },
    /// Disable a customer: no login, and every session ends.
    Disable { customer: String },
    /// Enable a customer again.
    Enable { customer: String },
    /// Erase a customer: the record, addresses, sessions and mail. Asks for --yes.
    Delete {
        customer: String,
        #[arg(long)]
        yes: bool,
    },
    /// Print everything stored about a customer, as JSON.
    Export { customer: String },
}

#[derive(Subcommand)]
enum MailCommand {
    /// List messages not sent yet (or given up, with --failed).
    List {
        #[arg(long)]
        failed: bool,
        #[arg(long)]
        json: bool,
    },
    /// Give failed messages (all, or one by id) a new round of attempts.
    Retry { id: Option<i64> },
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
    List {
        #[arg(long)]
        json: bool,
    },
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
    let telemetry = Telemetry::init(config.log_format, config.otel_endpoint.as_deref())
        .map_err(|e| anyhow::anyhow!("cannot set up logging: {e}"))?;
    let result = run(cli.command, config).await;
    // Flushing blocks until the exporter's thread is done: off the async executor.
    let _ = tokio::task::spawn_blocking(move || telemetry.shutdown()).await;
    result
}

async fn run(command: Option<Command>, mut config: Config) -> anyhow::Result<()> {
    match command.unwrap_or(Command::Serve { listen: None }) {
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
        Command::Mail { command } => mail(config, command).await,
        Command::Doctor => doctor(config).await,
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
        CustomersCommand::List {
            search,
            limit,
            json,
        } => {
            let found = accounts.list_customers(search.as_deref(), limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&found)?);
            } else {
                println!("{:<40} {:<9} {:<32} name", "id", "state", "email");
                for c in found {
                    let name = [c.first_name.as_deref(), c.last_name.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    println!("{:<40} {:<9} {:<32} {name}", c.id, c.state, c.email);
                }
            }
        }
        CustomersCommand::Show { customer, json } => {
            let found = accounts
                .find_customer(&customer)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no customer {customer}"))?;
            let summary = storefront::accounts::CustomerSummary::from(&found);
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                println!("id:        {}", summary.id);
                println!("email:     {}", summary.email);
                println!("state:     {}", summary.state);
                println!(
                    "name:      {} {}",
                    summary.first_name.as_deref().unwrap_or(""),
                    summary.last_name.as_deref().unwrap_or("")
                );
                println!("phone:     {}", summary.phone.as_deref().unwrap_or("-"));
                println!("marketing: {}", summary.accepts_marketing);
            }
        }
        CustomersCommand::Disable { customer } => {
            if !accounts.set_customer_enabled(&customer, false).await? {
                anyhow::bail!("no customer {customer}");
            }
            eprintln!("disabled {customer}; their sessions have ended");
        }
        CustomersCommand::Enable { customer } => {
            if !accounts.set_customer_enabled(&customer, true).await? {
                anyhow::bail!("no customer {customer}");
            }
            eprintln!("enabled {customer}");
        }
        CustomersCommand::Delete { customer, yes } => {
            if !yes {
                anyhow::bail!(
                    "deleting erases the customer, their addresses, sessions and mail: add --yes"
                );
            }
            if !accounts.delete_customer(&customer).await? {
                anyhow::bail!("no customer {customer}");
            }
            eprintln!("erased {customer}");
        }
        CustomersCommand::Export { customer } => {
            let export = accounts
                .export_customer(&customer)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no customer {customer}"))?;
            println!("{}", serde_json::to_string_pretty(&export)?);
        }
    }
    Ok(())
}

async fn mail(config: Config, command: MailCommand) -> anyhow::Result<()> {
    use storefront::store::outbox::OutboxFilter;
    let db = storefront::open_database(&config).await?;
    let accounts = storefront::accounts(&config, db)?;
    match command {
        MailCommand::List { failed, json } => {
            let filter = if failed {
                OutboxFilter::Failed
            } else {
                OutboxFilter::Pending
            };
            let entries = accounts.outbox(filter, 1_000).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                println!(
                    "{:<20} {:<11} {:<8} {:<32} last error",
                    "id", "kind", "attempts", "to"
                );
                for e in entries {
                    println!(
                        "{:<20} {:<11} {:<8} {:<32} {}",
                        e.id,
                        e.kind,
                        e.attempts,
                        e.recipient,
                        e.last_error.as_deref().unwrap_or("")
                    );
                }
            }
        }
        MailCommand::Retry { id } => {
            let count = accounts.retry_mail(id).await?;
            eprintln!("{count} message(s) will be retried by the running server");
        }
    }
    Ok(())
}

/// Each check prints a line; any failure makes the exit code non-zero.
async fn doctor(config: Config) -> anyhow::Result<()> {
    let mut failures = 0;
    let mut report = |ok: bool, what: &str, detail: String| {
        println!("{} {what}: {detail}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            failures += 1;
        }
    };
    match config.validate() {
        Ok(()) => report(true, "configuration", "valid".to_owned()),
        Err(err) => report(false, "configuration", err.to_string()),
    }
    match config.resolve_secret_key() {
        Ok(_) => report(true, "secret key", "present (not shown)".to_owned()),
        Err(err) => report(false, "secret key", err.to_string()),
    }
    let mut check_config = config.clone();
    check_config.database.auto_migrate = false;
    match storefront::open_database(&check_config).await {
        Ok(db) => {
            match db.ping().await {
                Ok(()) => report(true, "database", format!("{:?} answers", db.backend())),
                Err(err) => report(false, "database", err.to_string()),
            }
            match db.pending_migrations().await {
                Ok(0) => report(true, "migrations", "up to date".to_owned()),
                Ok(n) => report(
                    false,
                    "migrations",
                    format!("{n} pending: run `storefront migrate`"),
                ),
                Err(err) => report(false, "migrations", err.to_string()),
            }
        }
        Err(err) => report(false, "database", err.to_string()),
    }
    match storefront::mail::Mailer::from_config(&config) {
        Ok(mailer) => match mailer.check().await {
            Ok(()) => report(true, "mail", mailer.describe()),
            Err(err) => report(false, "mail", format!("{}: {err}", mailer.describe())),
        },
        Err(err) => report(false, "mail", err.to_string()),
    }
    if failures > 0 {
        anyhow::bail!("{failures} check(s) failed");
    }
    Ok(())
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
        storefront::http::ServeOptions::from_config(&config.http),
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
        TokensCommand::List { json } if json => {
            let tokens: Vec<serde_json::Value> = accounts
                .list_storefront_tokens()
                .await?
                .into_iter()
                .map(|t| {
                    serde_json::json!({
                        "id": t.id,
                        "kind": t.kind.as_str(),
                        "title": t.title,
                        "token": t.public_token,
                        "created_at": t.created_at,
                        "revoked_at": t.revoked_at,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&tokens)?);
        }
        TokensCommand::List { .. } => {
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
