//! `storefront tokens`: a shop's storefront API access tokens, and with `--admin` its admin API
//! access tokens.

use clap::Subcommand;
use storefront::config::Config;
use storefront::domain::admin_token::Scopes;
use storefront::domain::storefront_token::TokenKind;

#[derive(Subcommand)]
pub enum TokensCommand {
    /// Create a token and print only the token on stdout.
    Create {
        /// A private (server-side) token instead of a public one.
        #[arg(long, conflicts_with = "admin")]
        private: bool,
        /// An admin API token (needs --scopes).
        #[arg(long, requires = "scopes")]
        admin: bool,
        /// The admin token's access scopes: read_customers, write_customers, read_orders,
        /// write_orders, comma-separated (a write scope includes its read scope).
        #[arg(long, requires = "admin")]
        scopes: Option<String>,
        /// What the token is for.
        #[arg(long)]
        title: Option<String>,
    },
    /// List the tokens (private and admin ones are never shown again).
    List {
        /// The admin API tokens instead.
        #[arg(long)]
        admin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id.
    Revoke {
        /// An admin API token.
        #[arg(long)]
        admin: bool,
        id: i64,
    },
}

pub async fn run(
    config: Config,
    shop: Option<String>,
    command: TokensCommand,
) -> anyhow::Result<()> {
    let accounts = super::open_shop(&config, shop.as_deref()).await?;
    match command {
        TokensCommand::Create {
            admin: true,
            scopes,
            title,
            ..
        } => {
            let scopes = Scopes::parse(scopes.as_deref().unwrap_or_default())?;
            let token = accounts
                .admin_tokens()
                .create_admin_token(title.as_deref().unwrap_or("Admin"), &scopes)
                .await?;
            println!("{token}");
        }
        TokensCommand::List { admin: true, json } => {
            let tokens = accounts.admin_tokens().list_admin_tokens().await?;
            if json {
                let tokens: Vec<serde_json::Value> = tokens
                    .into_iter()
                    .map(|t| {
                        serde_json::json!({
                            "id": t.id,
                            "kind": "admin",
                            "title": t.title,
                            "scopes": t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                            "created_at": t.created_at,
                            "revoked_at": t.revoked_at,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&tokens)?);
            } else {
                println!("{:<20} {:<8} {:<64} title", "id", "state", "scopes");
                for token in tokens {
                    let state = if token.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!(
                        "{:<20} {:<8} {:<64} {}",
                        token.id,
                        state,
                        token.scopes.to_string(),
                        token.title
                    );
                }
            }
        }
        TokensCommand::Revoke { admin: true, id } => {
            if !accounts.admin_tokens().revoke_admin_token(id).await? {
                anyhow::bail!("no active admin token has the id {id}");
            }
            eprintln!("revoked admin token {id}");
        }
        TokensCommand::Create { private, title, .. } => {
            let title = title.unwrap_or_else(|| "Storefront".to_owned());
            let kind = if private {
                TokenKind::Private
            } else {
                TokenKind::Public
            };
            let token = accounts
                .storefront_tokens()
                .create_storefront_token(kind, &title)
                .await?;
            println!("{token}");
        }
        TokensCommand::List { json, .. } if json => {
            let tokens: Vec<serde_json::Value> = accounts
                .storefront_tokens()
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
            for token in accounts
                .storefront_tokens()
                .list_storefront_tokens()
                .await?
            {
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
        TokensCommand::Revoke { id, .. } => {
            if !accounts
                .storefront_tokens()
                .revoke_storefront_token(id)
                .await?
            {
                anyhow::bail!("no active storefront token has the id {id}");
            }
            eprintln!("revoked storefront token {id}");
        }
    }
    Ok(())
}
