//! `storefront metafields`: a shop's metafield definitions (define, list, change, remove), the
//! same use cases as the admin API's `metafieldDefinition*` mutations.

use clap::{Subcommand, ValueEnum};
use storefront::accounts::{DefinitionError, DefinitionInput};
use storefront::config::Config;
use storefront::domain::ids::gid;
use storefront::domain::metafield::{
    CustomerAccountAccess, DefinitionRecord, OwnerType, StorefrontAccess,
};

#[derive(Clone, Copy, ValueEnum)]
pub enum Storefront {
    PublicRead,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CustomerAccount {
    None,
    Read,
    ReadWrite,
}

impl From<Storefront> for StorefrontAccess {
    fn from(access: Storefront) -> Self {
        match access {
            Storefront::PublicRead => StorefrontAccess::PublicRead,
            Storefront::None => StorefrontAccess::None,
        }
    }
}

impl From<CustomerAccount> for CustomerAccountAccess {
    fn from(access: CustomerAccount) -> Self {
        match access {
            CustomerAccount::None => CustomerAccountAccess::None,
            CustomerAccount::Read => CustomerAccountAccess::Read,
            CustomerAccount::ReadWrite => CustomerAccountAccess::ReadWrite,
        }
    }
}

/// `name=value`, as a definition's validation.
fn validation(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(name, value)| (name.trim().to_owned(), value.to_owned()))
        .ok_or_else(|| format!("expected NAME=VALUE, got {text:?}"))
}

#[derive(Subcommand)]
pub enum MetafieldsCommand {
    /// Define a customer metafield: its type, name, validations and access.
    Define {
        /// NAMESPACE.KEY, e.g. loyalty.tier
        identifier: String,
        /// The value type: single_line_text_field, number_integer, date, list.url, ...
        #[arg(long = "type")]
        ty: String,
        /// What the merchant calls it.
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// A validation, NAME=VALUE (min, max, regex, choices, max_precision, scale_min,
        /// scale_max, list.min, list.max); repeat for several.
        #[arg(long = "validation", value_parser = validation)]
        validations: Vec<(String, String)>,
        /// Whether the storefront API may read the values.
        #[arg(long, value_enum, default_value = "none")]
        storefront: Storefront,
        /// What customers may do with their own value (`customerMetafieldsSet` writes READ_WRITE).
        #[arg(long, value_enum, default_value = "none")]
        customer_account: CustomerAccount,
    },
    /// Change a definition's name, description, validations or access.
    Change {
        identifier: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Replaces the validations (repeat for several).
        #[arg(long = "validation", value_parser = validation)]
        validations: Option<Vec<(String, String)>>,
        #[arg(long, value_enum)]
        storefront: Option<Storefront>,
        #[arg(long, value_enum)]
        customer_account: Option<CustomerAccount>,
    },
    /// List the shop's customer metafield definitions.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a definition; with --delete-values its values go too (asks for --yes then).
    Remove {
        identifier: String,
        #[arg(long)]
        delete_values: bool,
        #[arg(long)]
        yes: bool,
    },
}

fn split(identifier: &str) -> anyhow::Result<(String, String)> {
    identifier
        .rsplit_once('.')
        .map(|(namespace, key)| (namespace.to_owned(), key.to_owned()))
        .ok_or_else(|| anyhow::anyhow!("name the metafield as NAMESPACE.KEY, e.g. loyalty.tier"))
}

fn refused(identifier: &str, err: DefinitionError) -> anyhow::Error {
    match err {
        DefinitionError::Invalid(problems) => {
            let reasons: Vec<String> = problems
                .into_iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect();
            anyhow::anyhow!("{identifier}: {}", reasons.join("; "))
        }
        DefinitionError::Account(err) => err.into(),
    }
}

fn json(definition: &DefinitionRecord) -> serde_json::Value {
    serde_json::json!({
        "id": gid("MetafieldDefinition", definition.id),
        "namespace": definition.namespace,
        "key": definition.key,
        "type": definition.ty.name(),
        "name": definition.name,
        "description": definition.description,
        "validations": definition.validations.to_pairs(),
        "storefront": definition.storefront.as_str(),
        "customer_account": definition.customer_account.as_str(),
    })
}

pub async fn run(
    config: Config,
    shop: Option<String>,
    command: MetafieldsCommand,
) -> anyhow::Result<()> {
    let accounts = super::open_shop(&config, shop.as_deref()).await?;
    let definitions = accounts.metafield_definitions();
    match command {
        MetafieldsCommand::Define {
            identifier,
            ty,
            name,
            description,
            validations,
            storefront,
            customer_account,
        } => {
            let (namespace, key) = split(&identifier)?;
            let created = definitions
                .create(DefinitionInput {
                    owner_type: OwnerType::Customer.as_str().to_owned(),
                    namespace: Some(namespace),
                    key,
                    ty: Some(ty),
                    name: Some(name),
                    description: Some(description),
                    validations: Some(validations),
                    storefront: Some(storefront.into()),
                    customer_account: Some(customer_account.into()),
                })
                .await
                .map_err(|e| refused(&identifier, e))?;
            println!("{}", gid("MetafieldDefinition", created.id));
        }
        MetafieldsCommand::Change {
            identifier,
            name,
            description,
            validations,
            storefront,
            customer_account,
        } => {
            let (namespace, key) = split(&identifier)?;
            definitions
                .update(DefinitionInput {
                    owner_type: OwnerType::Customer.as_str().to_owned(),
                    namespace: Some(namespace),
                    key,
                    ty: None,
                    name,
                    description: description.map(Some),
                    validations,
                    storefront: storefront.map(Into::into),
                    customer_account: customer_account.map(Into::into),
                })
                .await
                .map_err(|e| refused(&identifier, e))?;
            eprintln!("{identifier} changed");
        }
        MetafieldsCommand::List { json: as_json } => {
            let all = definitions.list(OwnerType::Customer).await?;
            if as_json {
                let list: Vec<serde_json::Value> = all.iter().map(json).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for d in &all {
                    println!(
                        "{}.{}\t{}\t{}\tstorefront={}\tcustomer_account={}",
                        d.namespace,
                        d.key,
                        d.ty.name(),
                        d.name,
                        d.storefront.as_str(),
                        d.customer_account.as_str()
                    );
                }
            }
        }
        MetafieldsCommand::Remove {
            identifier,
            delete_values,
            yes,
        } => {
            let (namespace, key) = split(&identifier)?;
            if delete_values && !yes {
                anyhow::bail!(
                    "removing {identifier} with --delete-values deletes every customer's value: add --yes"
                );
            }
            let found = definitions
                .find(OwnerType::Customer, &namespace, &key)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no definition of {identifier}"))?;
            definitions.delete(None, found.id, delete_values).await?;
            eprintln!("{identifier} removed");
        }
    }
    Ok(())
}
