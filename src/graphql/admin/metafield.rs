//! The admin API's metafields: `Metafield` (every value, with its `compareDigest`), a customer's
//! `metafield` / `metafields`, `metafieldsSet` (at most 25, atomic, compare-and-set) and
//! `metafieldsDelete`. A page of customers reads all their metafields in one statement (the
//! request's loader).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use super::context::shop_for;
use super::customer::internal_error;
use super::user_errors::UserError;
use crate::accounts::{
    AccountError, CompareDigest, MetafieldsError, SetErrorCode, SetItem, SetProblem, ShopAccounts,
    Writer,
};
use crate::domain::admin_token::Scope;
use crate::domain::ids::{gid, parse_gid};
use crate::domain::metafield::{MAX_SET_ITEMS, MetafieldRecord, RESERVED_NAMESPACE};
use crate::domain::pagination::{PageRequest, paginate};
use crate::graphql::errors::{TopLevelCode, coded};
use crate::graphql::storefront::address::PageInfo;
use crate::graphql::storefront::metafield_mutations::{
    compare_digest, element_index, problem_path, too_many_items,
};
use crate::graphql::storefront::scalars::DateTime;
use crate::store::metafields::Visibility;

/// The owner types of metafields (this server keeps customers').
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MetafieldOwnerType {
    /// The Customer metafield owner type.
    Customer,
}

pub struct Metafield(pub MetafieldRecord);

/// Metafields enable you to attach additional information to a Shopify resource, such as a Product or a Collection.
#[Object]
impl Metafield {
    /// A globally-unique ID.
    async fn id(&self) -> ID {
        ID(gid("Metafield", self.0.id))
    }

    /// The data stored in the resource, represented as a digest.
    async fn compare_digest(&self) -> String {
        self.0.digest()
    }

    /// The date and time when the metafield was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The description of the metafield (its definition's).
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The unique identifier for the metafield within its namespace.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The container for a group of metafields that the metafield is associated with.
    async fn namespace(&self) -> &str {
        &self.0.namespace
    }

    /// The type of resource that the metafield is attached to.
    async fn owner_type(&self) -> MetafieldOwnerType {
        MetafieldOwnerType::Customer
    }

    /// The ID of the customer the metafield belongs to. An extension of this server (Shopify's `owner` is the resource itself).
    async fn owner_id(&self) -> ID {
        ID(gid("Customer", self.0.customer_id))
    }

    /// The type of data that is stored in the metafield.
    #[graphql(name = "type")]
    async fn ty(&self) -> &str {
        &self.0.ty
    }

    /// The date and time when the metafield was updated.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// The data stored in the metafield. Always stored as a string, regardless of the metafield's type.
    async fn value(&self) -> &str {
        &self.0.value
    }
}

/// An auto-generated type which holds one Metafield and a cursor during pagination.
#[derive(SimpleObject)]
pub struct MetafieldEdge {
    /// The position of each node in an array, used in pagination.
    pub cursor: String,
    /// The item at the end of MetafieldEdge.
    pub node: Metafield,
}

/// An auto-generated type for paginating through multiple Metafields.
#[derive(SimpleObject)]
pub struct MetafieldConnection {
    /// The connection between the node and its parent. Each edge contains a minimum of a cursor and a node.
    pub edges: Vec<MetafieldEdge>,
    /// A list of nodes that are contained in MetafieldEdge.
    pub nodes: Vec<Metafield>,
    /// An object that's used to retrieve cursor information about the current page.
    pub page_info: PageInfo,
}

/// Every metafield of the customers a request reads, by customer, one statement per batch.
pub struct AdminMetafieldLoader(pub ShopAccounts);

impl Loader<i64> for AdminMetafieldLoader {
    type Value = Vec<MetafieldRecord>;
    type Error = Arc<AccountError>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        self.0
            .metafields()
            .of_customers(keys, Visibility::All)
            .await
            .map_err(Arc::new)
    }
}

/// A customer's metafields (the admin sees them all).
pub async fn of_customer(
    ctx: &Context<'_>,
    customer_id: i64,
    field: &str,
) -> Result<Vec<MetafieldRecord>> {
    shop_for(ctx, Scope::ReadCustomers, field)?;
    let loader = ctx.data::<DataLoader<AdminMetafieldLoader>>()?;
    Ok(loader
        .load_one(customer_id)
        .await
        .map_err(|err| internal_error(ctx, &err))?
        .unwrap_or_default())
}

/// `Customer.metafield(namespace:, key:)`.
pub async fn one(
    ctx: &Context<'_>,
    customer_id: i64,
    namespace: Option<String>,
    key: String,
) -> Result<Option<Metafield>> {
    let namespace = namespace.unwrap_or_else(|| RESERVED_NAMESPACE.to_owned());
    Ok(of_customer(ctx, customer_id, "metafield")
        .await?
        .into_iter()
        .find(|m| m.namespace == namespace && m.key == key)
        .map(Metafield))
}

/// `Customer.metafields(...)`: a page, optionally of one namespace or of some keys
/// (`namespace.key`, as Shopify's `keys` argument spells them).
pub async fn page(
    ctx: &Context<'_>,
    customer_id: i64,
    namespace: Option<String>,
    keys: Option<Vec<String>>,
    request: PageRequest,
) -> Result<MetafieldConnection> {
    let mut all: Vec<MetafieldRecord> = of_customer(ctx, customer_id, "metafields")
        .await?
        .into_iter()
        .filter(|m| namespace.as_deref().is_none_or(|n| m.namespace == n))
        .filter(|m| {
            keys.as_ref().is_none_or(|keys| {
                keys.iter()
                    .any(|k| *k == format!("{}.{}", m.namespace, m.key))
            })
        })
        .collect();
    // Pages are cut by id (the cursors carry it): in creation order.
    all.sort_by_key(|m| m.id);
    let page = paginate(&all, |m| m.id, &request)
        .map_err(|e| coded(e.to_string(), TopLevelCode::BadRequest))?;
    let page_info = PageInfo::of(&page.edges, page.has_next_page, page.has_previous_page);
    let nodes = page
        .edges
        .iter()
        .map(|(_, m)| Metafield(m.clone()))
        .collect();
    let edges = page
        .edges
        .into_iter()
        .map(|(cursor, m)| MetafieldEdge {
            cursor,
            node: Metafield(m),
        })
        .collect();
    Ok(MetafieldConnection {
        edges,
        nodes,
        page_info,
    })
}

/// The input fields for a metafield value to set.
#[derive(InputObject)]
pub struct MetafieldsSetInput {
    /// The unique ID of the resource that the metafield you're setting is attached to.
    pub owner_id: ID,
    /// The container for a group of metafields that the metafield is or will be associated with. Used in tandem with `key` to lookup a metafield on a resource, preventing conflicts with other metafields with the same `key`. Must be 3-255 characters long and can contain alphanumeric, hyphen, and underscore characters.
    pub namespace: Option<String>,
    /// The unique identifier for a metafield within its namespace. Must be 2-64 characters long and can contain alphanumeric, hyphen, and underscore characters.
    pub key: String,
    /// The type of data that is stored in the metafield. The type must be one of the supported types. Required when there's no corresponding definition for the given `namespace`, `key`, and owner resource type.
    #[graphql(name = "type")]
    pub ty: Option<String>,
    /// The data stored in the metafield. Always stored as a string, regardless of the metafield's type.
    pub value: String,
    /// The `compareDigest` value obtained from a previous query. Provide this with updates to ensure the metafield is modified safely.
    pub compare_digest: MaybeUndefined<String>,
}

/// The input fields for a customer's metafield in `CustomerInput`.
#[derive(InputObject)]
pub struct MetafieldInput {
    /// The unique ID of the metafield. Using `owner_id`, `namespace`, and `key` is preferred for creating and updating.
    pub id: Option<ID>,
    /// The container for a group of metafields that the metafield is or will be associated with.
    pub namespace: Option<String>,
    /// The unique identifier for a metafield within its namespace.
    pub key: Option<String>,
    /// The data stored in the metafield. Always stored as a string, regardless of the metafield's type.
    pub value: Option<String>,
    /// The type of data that is stored in the metafield.
    #[graphql(name = "type")]
    pub ty: Option<String>,
}

impl MetafieldInput {
    /// As an item of a set, for the customer the input is about.
    pub fn item(self, customer_id: i64) -> SetItem {
        SetItem {
            customer_id,
            namespace: self.namespace,
            key: self.key.unwrap_or_default(),
            ty: self.ty,
            value: self.value.unwrap_or_default(),
            compare_digest: CompareDigest::Unchecked,
        }
    }
}

/// Possible error codes that can be returned by `MetafieldsSetUserError`.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MetafieldsSetUserErrorCode {
    /// The input value is blank.
    Blank,
    /// The input value isn't included in the list.
    Inclusion,
    /// The input value is invalid.
    Invalid,
    /// The compareDigest is invalid.
    InvalidCompareDigest,
    /// The type is invalid.
    InvalidType,
    /// The value is invalid for the metafield type or for the definition options.
    InvalidValue,
    /// The input value should be less than or equal to the maximum value allowed.
    LessThanOrEqualTo,
    /// The input value needs to be blank.
    Present,
    /// The metafield has been modified since it was loaded.
    StaleObject,
    /// The input value is already taken.
    Taken,
    /// The input value is too long.
    TooLong,
    /// The input value is too short.
    TooShort,
}

impl From<SetErrorCode> for MetafieldsSetUserErrorCode {
    fn from(code: SetErrorCode) -> Self {
        match code {
            SetErrorCode::Blank => Self::Blank,
            SetErrorCode::Inclusion => Self::Inclusion,
            SetErrorCode::Invalid | SetErrorCode::NotWritable => Self::Invalid,
            SetErrorCode::InvalidType => Self::InvalidType,
            SetErrorCode::InvalidValue => Self::InvalidValue,
            SetErrorCode::LessThanOrEqualTo => Self::LessThanOrEqualTo,
            SetErrorCode::StaleObject => Self::StaleObject,
            SetErrorCode::TooLong => Self::TooLong,
            SetErrorCode::TooShort => Self::TooShort,
        }
    }
}

/// An error that occurs during the execution of `MetafieldsSet`.
#[derive(SimpleObject, Clone, Debug)]
pub struct MetafieldsSetUserError {
    /// The error code.
    pub code: Option<MetafieldsSetUserErrorCode>,
    /// The index of the array element that's causing the error.
    pub element_index: Option<i32>,
    /// The path to the input field that caused the error.
    pub field: Option<Vec<String>>,
    /// The error message.
    pub message: String,
}

impl MetafieldsSetUserError {
    fn of(problem: SetProblem) -> Self {
        Self {
            code: Some(problem.code.into()),
            element_index: element_index(&problem),
            field: Some(problem_path("metafields", &problem)),
            message: problem.message,
        }
    }
}

/// Return type for `metafieldsSet` mutation.
#[derive(SimpleObject)]
pub struct MetafieldsSetPayload {
    /// The list of metafields that were set.
    pub metafields: Option<Vec<Metafield>>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<MetafieldsSetUserError>,
}

/// The input fields that identify metafields.
#[derive(InputObject)]
pub struct MetafieldIdentifierInput {
    /// The unique ID of the resource that the metafield is attached to.
    pub owner_id: ID,
    /// The namespace of the metafield.
    pub namespace: String,
    /// The key of the metafield.
    pub key: String,
}

/// Identifies a metafield by its owner resource, namespace, and key.
#[derive(SimpleObject, Clone)]
pub struct MetafieldIdentifier {
    /// GID of the owner resource that the metafield belongs to.
    pub owner_id: ID,
    /// Namespace of the metafield.
    pub namespace: String,
    /// Key of the metafield.
    pub key: String,
}

/// Return type for `metafieldsDelete` mutation.
#[derive(SimpleObject)]
pub struct MetafieldsDeletePayload {
    /// List of metafield identifiers that were deleted, null if the corresponding metafield isn't found.
    pub deleted_metafields: Option<Vec<Option<MetafieldIdentifier>>>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct MetafieldMutation;

#[Object]
impl MetafieldMutation {
    /// Sets metafield values. Metafield values will be set regardless if they were previously created or not. Allows a maximum of 25 metafields to be set at a time. This operation is atomic, meaning no changes are persisted if an error is encountered. If `compareDigest` is set for a metafield, it is only set if the persisted value still has that digest; `null` sets it only if it doesn't exist yet.
    async fn metafields_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list of metafield values to set. Maximum of 25.")] metafields: Vec<
            MetafieldsSetInput,
        >,
    ) -> Result<Option<MetafieldsSetPayload>> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "metafieldsSet")?;
        if metafields.len() > MAX_SET_ITEMS {
            return Err(too_many_items(metafields.len()));
        }
        let mut owner_errors = Vec::new();
        let mut items = Vec::with_capacity(metafields.len());
        for (index, input) in metafields.into_iter().enumerate() {
            let Some(customer_id) = parse_gid(&input.owner_id, "Customer") else {
                owner_errors.push(MetafieldsSetUserError::of(SetProblem {
                    index: Some(index),
                    field: Some("ownerId"),
                    code: SetErrorCode::Invalid,
                    message: "Owner type can't be used in this mutation: only customers have metafields here.".to_owned(),
                }));
                continue;
            };
            items.push(SetItem {
                customer_id,
                namespace: input.namespace,
                key: input.key,
                ty: input.ty,
                value: input.value,
                compare_digest: compare_digest(input.compare_digest),
            });
        }
        if !owner_errors.is_empty() {
            return Ok(Some(MetafieldsSetPayload {
                metafields: None,
                user_errors: owner_errors,
            }));
        }
        match shop.metafields().set(Writer::Admin(actor), items).await {
            Ok(written) => Ok(Some(MetafieldsSetPayload {
                metafields: Some(written.into_iter().map(Metafield).collect()),
                user_errors: Vec::new(),
            })),
            Err(MetafieldsError::Rejected(problems)) => Ok(Some(MetafieldsSetPayload {
                metafields: None,
                user_errors: problems
                    .into_iter()
                    .map(MetafieldsSetUserError::of)
                    .collect(),
            })),
            Err(MetafieldsError::Account(err)) => Err(internal_error(ctx, &err)),
        }
    }

    /// Deletes multiple metafields in bulk.
    async fn metafields_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A list of identifiers specifying metafields to delete. At least one identifier must be specified."
        )]
        metafields: Vec<MetafieldIdentifierInput>,
    ) -> Result<Option<MetafieldsDeletePayload>> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "metafieldsDelete")?;
        if metafields.len() > crate::domain::metafield::MAX_IDENTIFIERS {
            return Err(too_many_items(metafields.len()));
        }
        if metafields.is_empty() {
            return Ok(Some(MetafieldsDeletePayload {
                deleted_metafields: None,
                user_errors: vec![UserError {
                    field: Some(vec!["metafields".to_owned()]),
                    message: "At least one metafield must be specified.".to_owned(),
                    code: Some(super::user_errors::UserErrorCode::Blank),
                }],
            }));
        }
        // An owner that is not a customer of the shop has no metafield here: `null`, as for
        // a metafield that does not exist.
        let items: Vec<(i64, String, String)> = metafields
            .iter()
            .map(|m| {
                (
                    parse_gid(&m.owner_id, "Customer").unwrap_or(0),
                    m.namespace.clone(),
                    m.key.clone(),
                )
            })
            .collect();
        let deleted = shop
            .metafields()
            .delete(actor, &items)
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        Ok(Some(MetafieldsDeletePayload {
            deleted_metafields: Some(
                metafields
                    .into_iter()
                    .zip(deleted)
                    .map(|(m, gone)| {
                        gone.then_some(MetafieldIdentifier {
                            owner_id: m.owner_id,
                            namespace: m.namespace,
                            key: m.key,
                        })
                    })
                    .collect(),
            ),
            user_errors: Vec::new(),
        }))
    }
}
