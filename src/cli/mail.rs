//! `storefront mail`: a shop's outbox, and retrying what was given up.

use clap::Subcommand;
use storefront::config::Config;

#[derive(Subcommand)]
pub enum MailCommand {
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

pub async fn run(config: Config, shop: Option<String>, command: MailCommand) -> anyhow::Result<()> {
    use storefront::domain::outbox::OutboxFilter;
    let accounts = super::open_shop(&config, shop.as_deref()).await?;
    match command {
        MailCommand::List { failed, json } => {
            let filter = if failed {
                OutboxFilter::Failed
            } else {
                OutboxFilter::Pending
            };
            let entries = accounts.customer_admin().outbox(filter, 1_000).await?;
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
            let count = accounts.customer_admin().retry_mail(id).await?;
            eprintln!("{count} message(s) will be retried by the running server");
        }
    }
    Ok(())
}
