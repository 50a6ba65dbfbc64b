//! The admin API's metafield definitions: `metafieldDefinition(s)` and
//! `metafieldDefinitionCreate` / `Update` / `Delete`, as Shopify's Admin API names them.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use super::context::shop_for;
use super::customer::internal_error;
use super::metafield::MetafieldOwnerType;
use crate::accounts::{DefinitionError, DefinitionErrorCode, DefinitionInput, DefinitionProblem};
use crate::domain::admin_token::Scope;
use crate::domain::ids::{gid, parse_gid};
use crate::domain::metafield::{
    CustomerAccountAccess, DefinitionRecord, OwnerType, StorefrontAccess,
};
use crate::domain::pagination::{PageRequest, paginate};
use crate::graphql::errors::{TopLevelCode, coded};
use crate::graphql::storefront::address::PageInfo;
use crate::graphql::storefront::scalars::DateTime;

/// Metafield access permissions for the Storefront API.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MetafieldStorefrontAccess {
    /// Read-only access.
    PublicRead,
    /// No access.
    None,
}

/// Metafield access permissions for the Storefront API.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MetafieldStorefrontAccessInput {
    /// Read-only access.
    PublicRead,
    /// No access.
    None,
}

/// Metafield access permissions for the Customer Account API (here: `customerMetafieldsSet` on the storefront).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MetafieldCustomerAccountAccess {
    /// No access.
    None,
    /// Read-only access.
    Read,
    /// Read and write access.
    ReadWrite,
}

/// Metafield access permissions for the Customer Account API (here: `customerMetafieldsSet` on the storefront).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MetafieldCustomerAccountAccessInput {
    /// No access.
    None,
    /// Read-only access.
    Read,
    /// Read and write access.
    ReadWrite,
}

impl From<StorefrontAccess> for MetafieldStorefrontAccess {
    fn from(access: StorefrontAccess) -> Self {
        match access {
            StorefrontAccess::PublicRead => Self::PublicRead,
            StorefrontAccess::None => Self::None,
        }
    }
}

impl From<MetafieldStorefrontAccessInput> for StorefrontAccess {
    fn from(access: MetafieldStorefrontAccessInput) -> Self {
        match access {
            MetafieldStorefrontAccessInput::PublicRead => Self::PublicRead,
            MetafieldStorefrontAccessInput::None => Self::None,
        }
    }
}

impl From<CustomerAccountAccess> for MetafieldCustomerAccountAccess {
    fn from(access: CustomerAccountAccess) -> Self {
        match access {
            CustomerAccountAccess::None => Self::None,
            CustomerAccountAccess::Read => Self::Read,
            CustomerAccountAccess::ReadWrite => Self::ReadWrite,
        }
    }
}

impl From<MetafieldCustomerAccountAccessInput> for CustomerAccountAccess {
    fn from(access: MetafieldCustomerAccountAccessInput) -> Self {
        match access {
            MetafieldCustomerAccountAccessInput::None => Self::None,
            MetafieldCustomerAccountAccessInput::Read => Self::Read,
            MetafieldCustomerAccountAccessInput::ReadWrite => Self::ReadWrite,
        }
    }
}

/// The access settings for this metafield definition.
#[derive(SimpleObject)]
pub struct MetafieldAccess {
    /// The access permitted on the Storefront API.
    pub storefront: Option<MetafieldStorefrontAccess>,
    /// The access permitted on the Customer Account API.
    pub customer_account: MetafieldCustomerAccountAccess,
}

/// The type of data that the metafield stores.
#[derive(SimpleObject)]
pub struct MetafieldDefinitionType {
    /// The name of the type for the metafield definition.
    pub name: String,
    /// The category associated with the metafield definition type.
    pub category: String,
}

/// A configured metafield definition validation.
#[derive(SimpleObject)]
pub struct MetafieldDefinitionValidation {
    /// The validation name.
    pub name: String,
    /// The validation value.
    pub value: Option<String>,
}

pub struct MetafieldDefinition(pub DefinitionRecord);

/// Metafield definitions enable you to define additional validation constraints for metafields, and enable the merchant to edit metafield values in context.
#[Object]
impl MetafieldDefinition {
    /// A globally-unique ID.
    async fn id(&self) -> ID {
        ID(gid("MetafieldDefinition", self.0.id))
    }

    /// The access settings associated with the metafield definition.
    async fn access(&self) -> MetafieldAccess {
        MetafieldAccess {
            storefront: Some(self.0.storefront.into()),
            customer_account: self.0.customer_account.into(),
        }
    }

    /// The date and time when the definition was created. An extension of this server.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The description of the metafield definition.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The unique identifier for the metafield definition within its namespace.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The human-readable name of the metafield definition.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The container for a group of metafields that the metafield definition is associated with.
    async fn namespace(&self) -> &str {
        &self.0.namespace
    }

    /// The resource type that the metafield definition is attached to.
    async fn owner_type(&self) -> MetafieldOwnerType {
        match self.0.owner_type {
            OwnerType::Customer => MetafieldOwnerType::Customer,
        }
    }

    /// The type of data that each of the metafields that belong to the metafield definition will store.
    #[graphql(name = "type")]
    async fn ty(&self) -> MetafieldDefinitionType {
        let name = self.0.ty.name();
        let category = match name.trim_start_matches("list.") {
            "single_line_text_field" | "multi_line_text_field" => "TEXT",
            "number_integer" | "number_decimal" => "NUMBER",
            "date" | "date_time" => "DATE_TIME",
            "boolean" => "TRUE_FALSE",
            "money" => "MEASUREMENT",
            "url" => "URL",
            "json" => "JSON",
            "color" => "COLOR",
            "rating" => "RATING",
            _ => "TEXT",
        };
        MetafieldDefinitionType {
            name,
            category: category.to_owned(),
        }
    }

    /// A list of [validation options](https://shopify.dev/apps/metafields/definitions/validation) for the metafields that belong to the metafield definition.
    async fn validations(&self) -> Vec<MetafieldDefinitionValidation> {
        self.0
            .validations
            .to_pairs()
            .into_iter()
            .map(|(name, value)| MetafieldDefinitionValidation {
                name,
                value: Some(value),
            })
            .collect()
    }

    /// The date and time when the definition was last updated. An extension of this server.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// An auto-generated type which holds one MetafieldDefinition and a cursor during pagination.
#[derive(SimpleObject)]
pub struct MetafieldDefinitionEdge {
    /// The position of each node in an array, used in pagination.
    pub cursor: String,
    /// The item at the end of MetafieldDefinitionEdge.
    pub node: MetafieldDefinition,
}

/// An auto-generated type for paginating through multiple MetafieldDefinitions.
#[derive(SimpleObject)]
pub struct MetafieldDefinitionConnection {
    /// The connection between the node and its parent. Each edge contains a minimum of a cursor and a node.
    pub edges: Vec<MetafieldDefinitionEdge>,
    /// A list of nodes that are contained in MetafieldDefinitionEdge.
    pub nodes: Vec<MetafieldDefinition>,
    /// An object that's used to retrieve cursor information about the current page.
    pub page_info: PageInfo,
}

/// A validation to apply to a definition's values.
#[derive(InputObject)]
pub struct MetafieldDefinitionValidationInput {
    /// The name for the metafield definition validation.
    pub name: String,
    /// The value for the metafield definition validation.
    pub value: String,
}

/// The input fields for the access settings for the metafields under the definition.
#[derive(InputObject)]
pub struct MetafieldAccessInput {
    /// The access permitted on the Storefront API. `NONE` when not set.
    pub storefront: Option<MetafieldStorefrontAccessInput>,
    /// The access permitted on the Customer Account API. `NONE` when not set.
    pub customer_account: Option<MetafieldCustomerAccountAccessInput>,
}

/// The input fields required to create a metafield definition.
#[derive(InputObject)]
pub struct MetafieldDefinitionInput {
    /// The container for a group of metafields that the metafield definition will be associated with. Must be 3-255 characters long and only contain alphanumeric, hyphen, and underscore characters.
    pub namespace: Option<String>,
    /// The unique identifier for the metafield definition within its namespace. Must be 2-64 characters long and only contain alphanumeric, hyphen, and underscore characters.
    pub key: String,
    /// The human-readable name for the metafield definition.
    pub name: String,
    /// The description for the metafield definition.
    pub description: Option<String>,
    /// The resource type that the metafield definition is attached to.
    pub owner_type: MetafieldOwnerType,
    /// The type of data that each of the metafields that belong to the metafield definition will store.
    #[graphql(name = "type")]
    pub ty: String,
    /// A list of validation options for the metafields that belong to the metafield definition.
    pub validations: Option<Vec<MetafieldDefinitionValidationInput>>,
    /// The access settings that apply to each of the metafields that belong to the metafield definition.
    pub access: Option<MetafieldAccessInput>,
}

/// The input fields required to update a metafield definition.
#[derive(InputObject)]
pub struct MetafieldDefinitionUpdateInput {
    /// The container for a group of metafields that the metafield definition is associated with. Used to help identify the metafield definition, but can't be updated itself.
    pub namespace: Option<String>,
    /// The unique identifier for the metafield definition within its namespace. Used to help identify the metafield definition, but can't be updated itself.
    pub key: String,
    /// The resource type that the metafield definition is attached to. Used to help identify the metafield definition, but can't be updated itself.
    pub owner_type: MetafieldOwnerType,
    /// The human-readable name for the metafield definition.
    pub name: Option<String>,
    /// The description for the metafield definition.
    pub description: MaybeUndefined<String>,
    /// A list of validation options for the metafields that belong to the metafield definition. Replaces the definition's list.
    pub validations: Option<Vec<MetafieldDefinitionValidationInput>>,
    /// The access settings that apply to each of the metafields that belong to the metafield definition.
    pub access: Option<MetafieldAccessInput>,
}

/// Possible error codes of the metafield definition mutations.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MetafieldDefinitionUserErrorCode {
    /// The input value is blank.
    Blank,
    /// The input value isn't included in the list.
    Inclusion,
    /// The input value is invalid.
    Invalid,
    /// A validation option is invalid for the type.
    InvalidOption,
    /// The maximum limit of definitions per owner type has exceeded.
    LimitExceeded,
    /// The metafield definition wasn't found.
    NotFound,
    /// The input value is already taken.
    Taken,
    /// The input value is too long.
    TooLong,
    /// The input value is too short.
    TooShort,
}

impl From<DefinitionErrorCode> for MetafieldDefinitionUserErrorCode {
    fn from(code: DefinitionErrorCode) -> Self {
        match code {
            DefinitionErrorCode::Blank => Self::Blank,
            DefinitionErrorCode::Inclusion => Self::Inclusion,
            DefinitionErrorCode::Invalid => Self::Invalid,
            DefinitionErrorCode::InvalidOption => Self::InvalidOption,
            DefinitionErrorCode::LimitExceeded => Self::LimitExceeded,
            DefinitionErrorCode::NotFound => Self::NotFound,
            DefinitionErrorCode::Taken => Self::Taken,
            DefinitionErrorCode::TooLong => Self::TooLong,
            DefinitionErrorCode::TooShort => Self::TooShort,
        }
    }
}

/// An error of a metafield definition mutation.
#[derive(SimpleObject)]
pub struct MetafieldDefinitionUserError {
    /// The error code.
    pub code: Option<MetafieldDefinitionUserErrorCode>,
    /// The path to the input field that caused the error.
    pub field: Option<Vec<String>>,
    /// The error message.
    pub message: String,
}

fn user_error(problem: DefinitionProblem) -> MetafieldDefinitionUserError {
    MetafieldDefinitionUserError {
        code: Some(problem.code.into()),
        field: Some(vec!["definition".to_owned(), problem.field.to_owned()]),
        message: problem.message,
    }
}

/// Return type for `metafieldDefinitionCreate` mutation.
#[derive(SimpleObject)]
pub struct MetafieldDefinitionCreatePayload {
    /// The metafield definition that was created.
    pub created_definition: Option<MetafieldDefinition>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<MetafieldDefinitionUserError>,
}

/// Return type for `metafieldDefinitionUpdate` mutation.
#[derive(SimpleObject)]
pub struct MetafieldDefinitionUpdatePayload {
    /// The metafield definition that was updated.
    pub updated_definition: Option<MetafieldDefinition>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<MetafieldDefinitionUserError>,
}

/// Return type for `metafieldDefinitionDelete` mutation.
#[derive(SimpleObject)]
pub struct MetafieldDefinitionDeletePayload {
    /// The ID of the deleted metafield definition.
    pub deleted_definition_id: Option<ID>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<MetafieldDefinitionUserError>,
}

fn pairs(
    validations: Option<Vec<MetafieldDefinitionValidationInput>>,
) -> Option<Vec<(String, String)>> {
    validations.map(|list| list.into_iter().map(|v| (v.name, v.value)).collect())
}

/// The access settings sent, each `None` when left out.
fn access(
    input: Option<MetafieldAccessInput>,
) -> (Option<StorefrontAccess>, Option<CustomerAccountAccess>) {
    let input = input.unwrap_or(MetafieldAccessInput {
        storefront: None,
        customer_account: None,
    });
    (
        input.storefront.map(Into::into),
        input.customer_account.map(Into::into),
    )
}

fn owner(owner: MetafieldOwnerType) -> String {
    match owner {
        MetafieldOwnerType::Customer => OwnerType::Customer.as_str().to_owned(),
    }
}

/// A definition use case's outcome: the definition, or the user errors; `Err` for ours.
fn outcome(
    ctx: &Context<'_>,
    result: Result<DefinitionRecord, DefinitionError>,
) -> Result<(
    Option<MetafieldDefinition>,
    Vec<MetafieldDefinitionUserError>,
)> {
    match result {
        Ok(record) => Ok((Some(MetafieldDefinition(record)), Vec::new())),
        Err(DefinitionError::Invalid(problems)) => {
            Ok((None, problems.into_iter().map(user_error).collect()))
        }
        Err(DefinitionError::Account(err)) => Err(internal_error(ctx, &err)),
    }
}

#[derive(Default)]
pub struct DefinitionQuery;

#[Object]
impl DefinitionQuery {
    /// Retrieves a MetafieldDefinition by its ID.
    async fn metafield_definition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the MetafieldDefinition to return.")] id: ID,
    ) -> Result<Option<MetafieldDefinition>> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "metafieldDefinition")?;
        let Some(id) = parse_gid(&id, "MetafieldDefinition") else {
            return Ok(None);
        };
        Ok(shop
            .metafield_definitions()
            .by_id(id)
            .await
            .map_err(|err| internal_error(ctx, &err))?
            .map(MetafieldDefinition))
    }

    /// Lists the metafield definitions of an owner type, in the order they were created.
    #[allow(clippy::too_many_arguments)]
    async fn metafield_definitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filter the metafield definition by the specific owner type.")]
        owner_type: MetafieldOwnerType,
        #[graphql(desc = "Filter metafield definitions by namespace.")] namespace: Option<String>,
        #[graphql(desc = "Filter metafield definition by key.")] key: Option<String>,
        #[graphql(desc = "The elements that come after the specified cursor.")] after: Option<
            String,
        >,
        #[graphql(desc = "The elements that come before the specified cursor.")] before: Option<
            String,
        >,
        #[graphql(desc = "The first `n` elements from the paginated list.")] first: Option<i32>,
        #[graphql(desc = "The last `n` elements from the paginated list.")] last: Option<i32>,
        #[graphql(desc = "Reverse the order of the underlying list.", default = false)]
        reverse: bool,
    ) -> Result<MetafieldDefinitionConnection> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "metafieldDefinitions")?;
        let MetafieldOwnerType::Customer = owner_type;
        let mut all: Vec<DefinitionRecord> = shop
            .metafield_definitions()
            .list(OwnerType::Customer)
            .await
            .map_err(|err| internal_error(ctx, &err))?
            .into_iter()
            .filter(|d| namespace.as_deref().is_none_or(|n| d.namespace == n))
            .filter(|d| key.as_deref().is_none_or(|k| d.key == k))
            .collect();
        let request = PageRequest {
            first,
            after,
            last,
            before,
            reverse,
        };
        // Pages are cut by id (the cursors carry it): in creation order.
        all.sort_by_key(|d| d.id);
        let page = paginate(&all, |d| d.id, &request)
            .map_err(|e| coded(e.to_string(), TopLevelCode::BadRequest))?;
        let page_info = PageInfo::of(&page.edges, page.has_next_page, page.has_previous_page);
        let nodes = page
            .edges
            .iter()
            .map(|(_, d)| MetafieldDefinition(d.clone()))
            .collect();
        let edges = page
            .edges
            .into_iter()
            .map(|(cursor, d)| MetafieldDefinitionEdge {
                cursor,
                node: MetafieldDefinition(d),
            })
            .collect();
        Ok(MetafieldDefinitionConnection {
            edges,
            nodes,
            page_info,
        })
    }
}

#[derive(Default)]
pub struct DefinitionMutation;

#[Object]
impl DefinitionMutation {
    /// Creates a metafield definition: the type, validations and access settings of the values under a namespace and key.
    async fn metafield_definition_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Specifies the input fields for a metafield definition.")]
        definition: MetafieldDefinitionInput,
    ) -> Result<Option<MetafieldDefinitionCreatePayload>> {
        let (shop, _) = shop_for(ctx, Scope::WriteCustomers, "metafieldDefinitionCreate")?;
        let (storefront, customer_account) = access(definition.access);
        let input = DefinitionInput {
            owner_type: owner(definition.owner_type),
            namespace: definition.namespace,
            key: definition.key,
            ty: Some(definition.ty),
            name: Some(definition.name),
            description: Some(definition.description),
            validations: pairs(definition.validations),
            storefront,
            customer_account,
        };
        let (created, user_errors) =
            outcome(ctx, shop.metafield_definitions().create(input).await)?;
        Ok(Some(MetafieldDefinitionCreatePayload {
            created_definition: created,
            user_errors,
        }))
    }

    /// Updates a metafield definition (found by owner type, namespace and key): name, description, validations, access. Its type can't change.
    async fn metafield_definition_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The input fields for the metafield definition update.")]
        definition: MetafieldDefinitionUpdateInput,
    ) -> Result<Option<MetafieldDefinitionUpdatePayload>> {
        let (shop, _) = shop_for(ctx, Scope::WriteCustomers, "metafieldDefinitionUpdate")?;
        let (storefront, customer_account) = access(definition.access);
        let input = DefinitionInput {
            owner_type: owner(definition.owner_type),
            namespace: definition.namespace,
            key: definition.key,
            ty: None,
            name: definition.name,
            description: match definition.description {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(d) => Some(Some(d)),
            },
            validations: pairs(definition.validations),
            storefront,
            customer_account,
        };
        let (updated, user_errors) =
            outcome(ctx, shop.metafield_definitions().update(input).await)?;
        Ok(Some(MetafieldDefinitionUpdatePayload {
            updated_definition: updated,
            user_errors,
        }))
    }

    /// Deletes a metafield definition. With `deleteAllAssociatedMetafields`, the values under it are deleted too; otherwise they stay, without a definition (so the storefront no longer reads them).
    async fn metafield_definition_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of the metafield definition to delete.")] id: ID,
        #[graphql(desc = "Whether to delete all associated metafields.", default = false)]
        delete_all_associated_metafields: bool,
    ) -> Result<Option<MetafieldDefinitionDeletePayload>> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "metafieldDefinitionDelete")?;
        let not_found = || MetafieldDefinitionDeletePayload {
            deleted_definition_id: None,
            user_errors: vec![MetafieldDefinitionUserError {
                code: Some(MetafieldDefinitionUserErrorCode::NotFound),
                field: Some(vec!["id".to_owned()]),
                message: "Definition not found.".to_owned(),
            }],
        };
        let Some(number) = parse_gid(&id, "MetafieldDefinition") else {
            return Ok(Some(not_found()));
        };
        let deleted = shop
            .metafield_definitions()
            .delete(Some(actor), number, delete_all_associated_metafields)
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        Ok(Some(match deleted {
            Some(_) => MetafieldDefinitionDeletePayload {
                deleted_definition_id: Some(id),
                user_errors: Vec::new(),
            },
            None => not_found(),
        }))
    }
}
