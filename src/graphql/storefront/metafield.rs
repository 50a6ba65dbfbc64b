//! `Metafield`, `HasMetafields` and its identifiers, and the loader that reads the storefront's
//! metafields of every customer in a request with one statement.
//!
//! The storefront reads only values whose definition says `PUBLIC_READ` (Shopify's "by default,
//! the Storefront API can't read metafields"); the filter is in the statement, so a hidden value
//! never reaches a resolver.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, ID, InputObject, Interface, Object, Result};

use super::access;
use super::customer::Customer;
use super::order::Order;
use super::scalars::DateTime;
use crate::accounts::{AccountError, ShopAccounts};
use crate::domain::ids::gid;
use crate::domain::metafield::{MAX_IDENTIFIERS, MetafieldRecord, RESERVED_NAMESPACE};
use crate::store::metafields::Visibility;

pub struct Metafield(pub MetafieldRecord);

/// Custom metadata attached to a Shopify resource such as a Product, Collection, or Customer. Each metafield is identified by a namespace and key, and stores a value with an associated type.
#[Object]
impl Metafield {
    /// The date and time when the storefront metafield was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// A digest of the value: send it back as `compareDigest` to change the value only if nobody changed it since. An extension of this server (as in Shopify's Customer Account API).
    async fn compare_digest(&self) -> String {
        self.0.digest()
    }

    /// The description of a metafield.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// A globally-unique ID.
    pub async fn id(&self) -> ID {
        ID(gid("Metafield", self.0.id))
    }

    /// The unique identifier for the metafield within its namespace.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The container for a group of metafields that the metafield is associated with.
    async fn namespace(&self) -> &str {
        &self.0.namespace
    }

    /// The type name of the metafield. Refer to the list of supported types.
    #[graphql(name = "type")]
    async fn ty(&self) -> &str {
        &self.0.ty
    }

    /// The date and time when the metafield was last updated.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// The data stored in the metafield. Always stored as a string, regardless of the metafield's type.
    async fn value(&self) -> &str {
        &self.0.value
    }
}

/// The input fields to identify a Metafield on an owner resource by namespace and key. Used as an argument to the metafields field of the `HasMetafields` interface to retrieve multiple metafields in a single request.
#[derive(InputObject, Clone)]
pub struct HasMetafieldsIdentifier {
    /// The identifier for the metafield.
    pub key: String,
    /// The container the metafield belongs to. If omitted, the app-reserved namespace will be used.
    pub namespace: Option<String>,
}

/// Implemented by resources that support custom metadata through Metafield objects. Types like Product, Collection, and Customer implement this interface to provide consistent access to metafields.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(
    field(
        name = "metafield",
        ty = "Option<Metafield>",
        desc = "A custom field, including its `namespace` and `key`, that's associated with a Shopify resource for the purposes of adding and storing additional information.",
        arg(
            name = "key",
            ty = "String",
            desc = "The identifier for the metafield."
        ),
        arg(
            name = "namespace",
            ty = "Option<String>",
            desc = "The container the metafield belongs to. If omitted, the app-reserved namespace will be used."
        )
    ),
    field(
        name = "metafields",
        ty = "Vec<Option<Metafield>>",
        desc = "A list of custom fields that a merchant associates with a Shopify resource.",
        arg(
            name = "identifiers",
            ty = "Vec<HasMetafieldsIdentifier>",
            desc = "The list of metafields to retrieve by namespace and key. The input must not contain more than `250` values."
        )
    )
)]
pub enum HasMetafields {
    Customer(Customer),
    Order(Order),
}

/// The customers a request has read by access token so far, with when each token expires:
/// what the metafield loader reads for at once, and what a remembered answer to the request
/// depends on (`store::read_cache`).
#[derive(Default)]
pub struct RequestCustomers(Mutex<Vec<(i64, i64)>>);

impl RequestCustomers {
    pub fn note(&self, read: impl Iterator<Item = (i64, i64)>) {
        if let Ok(mut known) = self.0.lock() {
            known.extend(read);
        }
    }

    /// The customers read, each once.
    pub fn known(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .0
            .lock()
            .map(|known| known.iter().map(|(id, _)| *id).collect())
            .unwrap_or_default();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// When the first of the tokens read with expires (`None` when none was read).
    pub fn earliest_expiry(&self) -> Option<i64> {
        self.0
            .lock()
            .ok()?
            .iter()
            .map(|(_, expires_at)| *expires_at)
            .min()
    }
}

/// Reads the metafields of the customers of a request that the storefront may see, by
/// customer. A batch reads for every customer the request has read so far, not only the ones
/// it was asked for, and keeps the answers for the rest of the request: the `metafields` fields
/// of a hundred aliased customers do not all ask within one batch window (the runtime makes a
/// busy request yield), and one statement still serves them all. `customerMetafieldsSet`
/// forgets the kept answers (`forget`), so a payload after a write reads the write.
pub struct MetafieldLoader {
    shop: ShopAccounts,
    customers: Arc<RequestCustomers>,
    /// Held across a read, so that a batch that fires while another reads waits for it and
    /// then finds its customers kept.
    kept: tokio::sync::Mutex<HashMap<i64, Vec<MetafieldRecord>>>,
}

impl MetafieldLoader {
    pub fn new(shop: ShopAccounts, customers: Arc<RequestCustomers>) -> Self {
        Self {
            shop,
            customers,
            kept: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Drops the kept answers (after a write of metafields).
    pub async fn forget(&self) {
        self.kept.lock().await.clear();
    }
}

impl Loader<i64> for MetafieldLoader {
    type Value = Vec<MetafieldRecord>;
    type Error = Arc<AccountError>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut kept = self.kept.lock().await;
        let from_kept: Option<HashMap<i64, Vec<MetafieldRecord>>> = keys
            .iter()
            .map(|id| kept.get(id).map(|values| (*id, values.clone())))
            .collect();
        if let Some(found) = from_kept {
            return Ok(found);
        }
        let mut ids = self.customers.known();
        ids.extend_from_slice(keys);
        ids.sort_unstable();
        ids.dedup();
        let mut found = self
            .shop
            .metafields()
            .of_customers(&ids, Visibility::Storefront)
            .await
            .map_err(Arc::new)?;
        for id in &ids {
            kept.insert(*id, found.get(id).cloned().unwrap_or_default());
        }
        Ok(keys
            .iter()
            .filter_map(|id| found.remove(id).map(|values| (*id, values)))
            .collect())
    }
}

/// The storefront's metafields of a customer.
async fn visible(ctx: &Context<'_>, customer_id: i64) -> Result<Vec<MetafieldRecord>> {
    let loader = ctx.data::<DataLoader<MetafieldLoader>>()?;
    Ok(loader
        .load_one(customer_id)
        .await
        .map_err(|e| access::internal(ctx, e))?
        .unwrap_or_default())
}

fn find(values: &[MetafieldRecord], namespace: Option<&str>, key: &str) -> Option<Metafield> {
    let namespace = namespace.unwrap_or(RESERVED_NAMESPACE);
    values
        .iter()
        .find(|v| v.namespace == namespace && v.key == key)
        .cloned()
        .map(Metafield)
}

/// `Customer.metafield(namespace:, key:)`.
pub async fn metafield(
    ctx: &Context<'_>,
    customer_id: i64,
    namespace: Option<String>,
    key: String,
) -> Result<Option<Metafield>> {
    Ok(find(
        &visible(ctx, customer_id).await?,
        namespace.as_deref(),
        &key,
    ))
}

/// `Customer.metafields(identifiers:)`: one entry per identifier, in order, `null` where the
/// customer has no value the storefront may read.
pub async fn metafields(
    ctx: &Context<'_>,
    customer_id: i64,
    identifiers: Vec<HasMetafieldsIdentifier>,
) -> Result<Vec<Option<Metafield>>> {
    if identifiers.len() > MAX_IDENTIFIERS {
        return Err(super::node::too_many_ids(identifiers.len()));
    }
    let values = visible(ctx, customer_id).await?;
    Ok(identifiers
        .iter()
        .map(|i| find(&values, i.namespace.as_deref(), &i.key))
        .collect())
}

/// `metafields(identifiers:)` of something that has no metafields (an order, until order
/// metafields are kept): the same limit, and a `null` per identifier.
pub fn none_for(identifiers: &[HasMetafieldsIdentifier]) -> Result<Vec<Option<Metafield>>> {
    if identifiers.len() > MAX_IDENTIFIERS {
        return Err(super::node::too_many_ids(identifiers.len()));
    }
    Ok(identifiers.iter().map(|_| None).collect())
}
