//! `storefront shops`: create, list, show and change shops. The default shop is the one the
//! configuration's `[shop]` section describes; it changes there.

use clap::{Args, Subcommand};
use secrecy::SecretString;
use storefront::config::Config;
use storefront::domain::shop::{Shop, ShopSettings};

#[derive(Subcommand)]
pub enum ShopsCommand {
    /// Create a shop; prints its handle and id.
    Create {
        #[arg(long)]
        handle: String,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// List the shops.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one shop (secrets are never shown, only whether they are set).
    Show {
        handle: String,
        #[arg(long)]
        json: bool,
    },
    /// Change a shop's settings; what is not given stays.
    Update {
        handle: String,
        #[command(flatten)]
        settings: SettingsArgs,
    },
}

#[derive(Args)]
pub struct SettingsArgs {
    /// The shop's name, in mails and the password rules.
    #[arg(long)]
    name: Option<String>,
    /// The public domain of the shop's storefront, for the links in mails.
    #[arg(long)]
    domain: Option<String>,
    /// The sender of the shop's mail (`Shop <shop@example.com>`); `mail.from` when unset.
    #[arg(long)]
    mail_from: Option<String>,
    /// Go back to the configured `mail.from`.
    #[arg(long, conflicts_with = "mail_from")]
    no_mail_from: bool,
    #[arg(long)]
    password_min_length: Option<usize>,
    #[arg(long)]
    password_max_length: Option<usize>,
    /// Read the Multipass secret from this environment variable (never from the command line,
    /// where other users of the machine could see it).
    #[arg(long, value_name = "VARIABLE")]
    multipass_secret_env: Option<String>,
    /// Turn Multipass sign-in off.
    #[arg(long, conflicts_with = "multipass_secret_env")]
    no_multipass: bool,
    /// Read the webhook signing secret from this environment variable.
    #[arg(long, value_name = "VARIABLE")]
    webhook_secret_env: Option<String>,
    /// The secret that Shopify signs the shop's order webhooks with (the Shopify app's client
    /// secret). On a shared machine prefer --shopify-webhook-secret-env: a command line can be
    /// seen by other users.
    #[arg(long, value_name = "SECRET")]
    shopify_webhook_secret: Option<String>,
    /// Read the Shopify webhook secret from this environment variable.
    #[arg(
        long,
        value_name = "VARIABLE",
        conflicts_with = "shopify_webhook_secret"
    )]
    shopify_webhook_secret_env: Option<String>,
    /// Refuse Shopify's order webhooks from now on.
    #[arg(long, conflicts_with_all = ["shopify_webhook_secret", "shopify_webhook_secret_env"])]
    no_shopify_webhooks: bool,
    /// The link of an order that brought no status URL of its own: `{domain}`, `{id}`,
    /// `{number}` and `{key}` are replaced.
    #[arg(long, value_name = "URL")]
    order_url_template: Option<String>,
    /// Go back to the built-in order link, https://{domain}/account/orders/{id}?key={key}.
    #[arg(long, conflicts_with = "order_url_template")]
    no_order_url_template: bool,
}

impl SettingsArgs {
    fn into_settings(self) -> anyhow::Result<ShopSettings> {
        let secret = |variable: Option<String>| -> anyhow::Result<Option<SecretString>> {
            variable
                .map(|name| {
                    std::env::var(&name)
                        .ok()
                        .filter(|value| !value.is_empty())
                        .map(SecretString::from)
                        .ok_or_else(|| {
                            anyhow::anyhow!("the environment variable {name} is not set")
                        })
                })
                .transpose()
        };
        let multipass = secret(self.multipass_secret_env)?;
        let webhook = secret(self.webhook_secret_env)?;
        let shopify_webhook = match self.shopify_webhook_secret {
            Some(value) if value.trim().is_empty() => {
                anyhow::bail!("--shopify-webhook-secret is empty")
            }
            Some(value) => Some(SecretString::from(value)),
            None => secret(self.shopify_webhook_secret_env)?,
        };
        Ok(ShopSettings {
            name: self.name,
            domain: self.domain,
            mail_from: if self.no_mail_from {
                Some(None)
            } else {
                self.mail_from.map(Some)
            },
            password_min_length: self.password_min_length,
            password_max_length: self.password_max_length,
            multipass_secret: if self.no_multipass {
                Some(None)
            } else {
                multipass.map(Some)
            },
            webhook_secret: webhook.map(Some),
            shopify_webhook_secret: if self.no_shopify_webhooks {
                Some(None)
            } else {
                shopify_webhook.map(Some)
            },
            order_url_template: if self.no_order_url_template {
                Some(None)
            } else {
                self.order_url_template.map(Some)
            },
        })
    }
}

pub async fn run(config: Config, command: ShopsCommand) -> anyhow::Result<()> {
    let (accounts, _) = super::open(&config).await?;
    match command {
        ShopsCommand::Create { handle, settings } => {
            let settings = settings.into_settings()?;
            if settings.name.is_none() || settings.domain.is_none() {
                anyhow::bail!("a shop needs --name and --domain");
            }
            let shop = accounts.create_shop(&handle, settings).await?;
            println!("{}", shop.handle);
            eprintln!(
                "created shop {} (id {}); give its storefront a token with `storefront tokens create --shop {}`",
                shop.handle, shop.id, shop.handle
            );
        }
        ShopsCommand::List { json } => {
            let shops = accounts.shops().await?;
            if json {
                let list: Vec<_> = shops.iter().map(summary).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!("{:<24} {:<20} {:<32} name", "handle", "id", "domain");
                for shop in shops {
                    println!(
                        "{:<24} {:<20} {:<32} {}",
                        shop.handle, shop.id, shop.domain, shop.name
                    );
                }
            }
        }
        ShopsCommand::Show { handle, json } => {
            let shop = accounts
                .shop_by_handle(&handle)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no shop has the handle {handle}"))?;
            let summary = summary(&shop);
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else if let Some(fields) = summary.as_object() {
                for (key, value) in fields {
                    println!("{key:<20} {value}");
                }
            }
        }
        ShopsCommand::Update { handle, settings } => {
            let shop = accounts
                .update_shop(&handle, settings.into_settings()?)
                .await?;
            eprintln!("updated shop {}", shop.handle);
        }
    }
    Ok(())
}

/// A shop as the operator sees it: never its secrets, only whether they are set.
fn summary(shop: &Shop) -> serde_json::Value {
    serde_json::json!({
        "handle": shop.handle.as_str(),
        "id": shop.id,
        "name": shop.name,
        "domain": shop.domain,
        "mail_from": shop.mail_from,
        "password_min_length": shop.password_policy.min_length,
        "password_max_length": shop.password_policy.max_length,
        "multipass": shop.multipass_secret.is_some(),
        "webhooks": shop.webhook_secret.is_some(),
        "shopify_webhooks": shop.shopify_webhook_secret.is_some(),
        "order_url_template": shop
            .order_url_template
            .as_deref()
            .unwrap_or(storefront::domain::order::DEFAULT_ORDER_URL_TEMPLATE),
        "created_at": shop.created_at,
        "updated_at": shop.updated_at,
    })
}
