//! `storefront webhooks`: a shop's webhook subscriptions, what went out to them, retries and
//! replays. `create` and `rotate-secret` print only the new secret (scripts capture it).

use clap::Subcommand;
use storefront::accounts::{SubscriptionInput, WebhookError};
use storefront::config::Config;
use storefront::domain::ids::parse_gid;
use storefront::domain::webhook::Topic;

#[derive(Subcommand)]
pub enum WebhooksCommand {
    /// Subscribe a URL to a topic (`customers/update` or `CUSTOMERS_UPDATE`); prints the secret.
    Create {
        #[arg(long)]
        topic: String,
        #[arg(long)]
        url: String,
        /// Only these fields of the body (repeatable; `addresses.city` reaches into arrays).
        #[arg(long = "include-field")]
        include_fields: Vec<String>,
        /// Sent as `X-Shopify-Name`.
        #[arg(long)]
        name: Option<String>,
    },
    /// List the shop's subscriptions (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change a subscription; it becomes active again if it was disabled.
    Update {
        id: String,
        #[arg(long)]
        url: Option<String>,
        #[arg(long = "include-field")]
        include_fields: Option<Vec<String>>,
        #[arg(long)]
        name: Option<String>,
    },
    /// A new secret (printed); the previous one keeps signing beside it for the grace period.
    RotateSecret {
        id: String,
    },
    Delete {
        id: String,
    },
    /// Deliveries, newest first.
    Deliveries {
        #[arg(long)]
        subscription: Option<String>,
        /// pending, delivered or failed.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Give given-up deliveries (one, a subscription's, or all) a new round of attempts.
    Retry {
        delivery: Option<String>,
        #[arg(long)]
        subscription: Option<String>,
    },
    /// Send an event again (new deliveries, the same event id).
    Replay {
        event: String,
        #[arg(long)]
        subscription: Option<String>,
    },
    /// Events, newest first.
    Events {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
}

/// An id as printed (`gid://shopify/WebhookSubscription/1`) or its number.
fn id(text: &str, kind: &str) -> anyhow::Result<i64> {
    parse_gid(text, kind)
        .or_else(|| text.trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("{text} is not a {kind} id"))
}

fn refused(err: WebhookError) -> anyhow::Error {
    anyhow::anyhow!("{err}")
}

pub async fn run(
    config: Config,
    shop: Option<String>,
    command: WebhooksCommand,
) -> anyhow::Result<()> {
    use storefront::accounts::DeliveryStatus;
    let accounts = super::open_shop(&config, shop.as_deref()).await?;
    let webhooks = accounts.webhooks();
    match command {
        WebhooksCommand::Create {
            topic,
            url,
            include_fields,
            name,
        } => {
            let topic = Topic::parse(&topic).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown topic {topic}; one of: {}",
                    Topic::ALL.map(Topic::as_str).join(", ")
                )
            })?;
            let (subscription, secret) = webhooks
                .create(
                    topic,
                    SubscriptionInput {
                        callback_url: Some(url),
                        include_fields: Some(include_fields),
                        name: Some(name),
                    },
                )
                .await
                .map_err(refused)?;
            eprintln!(
                "subscription {} created; its secret (shown once) follows",
                subscription.id
            );
            println!("{secret}");
        }
        WebhooksCommand::List { json } => {
            let list = webhooks.list(&[], 1_000).await?;
            let rows: Vec<_> = list
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.id,
                        "topic": s.topic,
                        "url": s.callback_url,
                        "include_fields": s.include_fields,
                        "name": s.name,
                        "state": if s.active { "active" } else { "disabled" },
                        "disabled_reason": s.disabled_reason,
                        "consecutive_failures": s.consecutive_failures,
                    })
                })
                .collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!("{:<20} {:<42} {:<9} url", "id", "topic", "state");
                for s in list {
                    let state = if s.active { "active" } else { "disabled" };
                    println!(
                        "{:<20} {:<42} {:<9} {}",
                        s.id, s.topic, state, s.callback_url
                    );
                }
            }
        }
        WebhooksCommand::Update {
            id: subscription,
            url,
            include_fields,
            name,
        } => {
            let updated = webhooks
                .update(
                    id(&subscription, "WebhookSubscription")?,
                    SubscriptionInput {
                        callback_url: url,
                        include_fields,
                        name: name.map(|n| Some(n).filter(|n| !n.is_empty())),
                    },
                )
                .await
                .map_err(refused)?;
            eprintln!("subscription {} updated and active", updated.id);
        }
        WebhooksCommand::RotateSecret { id: subscription } => {
            let (_, secret) = webhooks
                .rotate_secret(id(&subscription, "WebhookSubscription")?)
                .await
                .map_err(refused)?;
            println!("{secret}");
        }
        WebhooksCommand::Delete { id: subscription } => {
            webhooks
                .delete(id(&subscription, "WebhookSubscription")?)
                .await
                .map_err(refused)?;
            eprintln!("subscription deleted");
        }
        WebhooksCommand::Deliveries {
            subscription,
            status,
            limit,
            json,
        } => {
            let status = match status.as_deref() {
                None => None,
                Some("pending") => Some(DeliveryStatus::Pending),
                Some("delivered") => Some(DeliveryStatus::Delivered),
                Some("failed") => Some(DeliveryStatus::Failed),
                Some(other) => anyhow::bail!("--status {other}: pending, delivered or failed"),
            };
            let subscription = subscription
                .map(|s| id(&s, "WebhookSubscription"))
                .transpose()?;
            let list = webhooks.deliveries(subscription, status, limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!(
                    "{:<20} {:<20} {:<42} {:<9} {:<8} last error",
                    "id", "event", "topic", "status", "attempts"
                );
                for d in list {
                    println!(
                        "{:<20} {:<20} {:<42} {:<9} {:<8} {}",
                        d.id,
                        d.event_id,
                        d.topic,
                        d.status.as_str(),
                        d.attempts,
                        d.last_error.as_deref().unwrap_or("")
                    );
                }
            }
        }
        WebhooksCommand::Retry {
            delivery,
            subscription,
        } => {
            let count = webhooks
                .retry(
                    delivery.map(|d| id(&d, "WebhookDelivery")).transpose()?,
                    subscription
                        .map(|s| id(&s, "WebhookSubscription"))
                        .transpose()?,
                )
                .await?;
            eprintln!("{count} delivery(ies) will be retried by the running server");
        }
        WebhooksCommand::Replay {
            event,
            subscription,
        } => {
            let replayed = webhooks
                .replay(
                    id(&event, "Event")?,
                    subscription
                        .map(|s| id(&s, "WebhookSubscription"))
                        .transpose()?,
                )
                .await
                .map_err(refused)?;
            eprintln!("{} delivery(ies) made", replayed.len());
        }
        WebhooksCommand::Events { customer, limit } => {
            let customer = customer.map(|c| id(&c, "Customer")).transpose()?;
            let list = webhooks.events(customer, limit).await?;
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
    }
    Ok(())
}
