//! `storefront tokens`: a shop's storefront API access tokens.

use clap::Subcommand;
use storefront::config::Config;
use storefront::domain::storefront_token::TokenKind;

#[derive(Subcommand)]
pub enum TokensCommand {
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

pub async fn run(
    config: Config,
    shop: Option<String>,
    command: TokensCommand,
) -> anyhow::Result<()> {
    let accounts = super::open_shop(&config, shop.as_deref()).await?;
    match command {
        TokensCommand::Create { private, title } => {
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
        TokensCommand::List { json } if json => {
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
        TokensCommand::Revoke { id } => {
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
