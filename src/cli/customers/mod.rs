//! `storefront customers`: import, invite, list, show, disable, enable, erase and export
//! customers of a shop.

mod import;

use clap::Subcommand;
use storefront::config::Config;

#[derive(Subcommand)]
pub enum CustomersCommand {
    /// Import customers from Shopify's customer CSV export or from JSONL (with password hashes
    /// from other platforms); safe to run again.
    ///
    /// Customers are matched by their id on the old platform, then by email: a new one is
    /// created, a known one updated, one imported from the same record before is left alone.
    /// Exit status: 0 when every customer was imported, 1 when some were refused (the others
    /// were imported), 2 when the import could not run to its end.
    Import(import::ImportArgs),
    #[command(flatten)]
    Manage(ManageCommand),
}

/// What is done to customers one at a time.
#[derive(Subcommand)]
pub enum ManageCommand {
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

pub async fn run(
    config: Config,
    shop: Option<String>,
    command: CustomersCommand,
) -> anyhow::Result<()> {
    match command {
        CustomersCommand::Import(args) => import::run(&config, shop.as_deref(), args).await,
        CustomersCommand::Manage(command) => manage(config, shop, command).await,
    }
}

async fn manage(
    config: Config,
    shop: Option<String>,
    command: ManageCommand,
) -> anyhow::Result<()> {
    let accounts = super::open_shop(&config, shop.as_deref()).await?;
    match command {
        ManageCommand::Invite {
            email,
            first_name,
            last_name,
        } => {
            let customer = match accounts
                .lifecycle()
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
            let sender = storefront::mail_sender(&config, accounts.accounts())?;
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
        ManageCommand::List {
            search,
            limit,
            json,
        } => {
            let found = accounts
                .customer_admin()
                .list_customers(search.as_deref(), limit)
                .await?;
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
        ManageCommand::Show { customer, json } => {
            let found = accounts
                .customer_admin()
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
                // Guest orders placed with the address join the account only once it is proven.
                println!(
                    "proven:    {}",
                    summary
                        .email_verified_by
                        .map_or("no".to_owned(), |how| format!("by {how}"))
                );
            }
        }
        ManageCommand::Disable { customer } => {
            if !accounts
                .customer_admin()
                .set_customer_enabled(&customer, false)
                .await?
            {
                anyhow::bail!("no customer {customer}");
            }
            eprintln!("disabled {customer}; their sessions have ended");
        }
        ManageCommand::Enable { customer } => {
            if !accounts
                .customer_admin()
                .set_customer_enabled(&customer, true)
                .await?
            {
                anyhow::bail!("no customer {customer}");
            }
            eprintln!("enabled {customer}");
        }
        ManageCommand::Delete { customer, yes } => {
            if !yes {
                anyhow::bail!(
                    "deleting erases the customer, their addresses, sessions and mail: add --yes"
                );
            }
            if !accounts.customer_admin().delete_customer(&customer).await? {
                anyhow::bail!("no customer {customer}");
            }
            eprintln!("erased {customer}");
        }
        ManageCommand::Export { customer } => {
            let export = accounts
                .customer_admin()
                .export_customer(&customer)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no customer {customer}"))?;
            println!("{}", serde_json::to_string_pretty(&export)?);
        }
    }
    Ok(())
}
