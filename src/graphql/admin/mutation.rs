//! The admin API's customer mutations. Each calls one use case of the back office; what the
//! merchant can fix comes back as `userErrors` (Shopify's `field` and `message`, plus a `code`
//! from the storefront's vocabulary), infrastructure failures as a generic GraphQL error.

use async_graphql::{
    Context, Enum, ID, InputObject, Interface, MaybeUndefined, Object, Result, SimpleObject,
};

use super::context::shop_for;
use super::customer::{Customer, CustomerEmailMarketingState, internal_error};
use crate::accounts::{AccountError, CustomerChanges};
use crate::domain::admin_token::Scope;
use crate::domain::ids::{gid, parse_gid};
use crate::domain::problem::ErrorCode;
use crate::graphql::storefront::scalars::UnsignedInt64;

/// The codes of `userErrors`: the storefront's `CustomerErrorCode` vocabulary and
/// `CONCURRENT_MODIFICATION`. An extension of this server (Shopify's `UserError` has no code).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum UserErrorCode {
    /// Input email contains an invalid domain name.
    BadDomain,
    /// The input value is blank.
    Blank,
    /// The customer changed since the version the request expected; nothing was written. The payload carries the customer as it is now.
    ConcurrentModification,
    /// Input contains HTML tags.
    ContainsHtmlTags,
    /// Input contains URL.
    ContainsUrl,
    /// The input value is invalid.
    Invalid,
    /// The customer (or address) does not exist.
    NotFound,
    /// The input value is already taken.
    Taken,
    /// The input value is too long.
    TooLong,
    /// The input value is too short.
    TooShort,
}

impl From<ErrorCode> for UserErrorCode {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::BadDomain => Self::BadDomain,
            ErrorCode::Blank => Self::Blank,
            ErrorCode::ContainsHtmlTags => Self::ContainsHtmlTags,
            ErrorCode::ContainsUrl => Self::ContainsUrl,
            ErrorCode::NotFound => Self::NotFound,
            ErrorCode::Taken => Self::Taken,
            ErrorCode::TooLong => Self::TooLong,
            ErrorCode::TooShort => Self::TooShort,
            _ => Self::Invalid,
        }
    }
}

/// Represents an error in the input of a mutation.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The path to the input field that caused the error.
    pub field: Option<Vec<String>>,
    /// The error message.
    pub message: String,
    /// What kind of error it is. An extension of this server.
    pub code: Option<UserErrorCode>,
}

/// The outcome of a use case as a payload's parts: the customer (the current one after a
/// version conflict) and the user errors; `Err` only for our failures.
fn outcome(
    ctx: &Context<'_>,
    result: Result<crate::domain::customer::CustomerRecord, AccountError>,
    input_prefix: &[&str],
) -> Result<(Option<Customer>, Vec<UserError>)> {
    let path = |field: &str| {
        let mut path: Vec<String> = input_prefix.iter().map(|p| (*p).to_owned()).collect();
        path.push(field.to_owned());
        Some(path)
    };
    match result {
        Ok(customer) => Ok((Some(Customer(customer)), Vec::new())),
        Err(AccountError::Invalid(problems)) => Ok((
            None,
            problems
                .into_iter()
                .map(|problem| UserError {
                    field: problem.field.and_then(path),
                    message: problem.message,
                    code: Some(problem.code.into()),
                })
                .collect(),
        )),
        Err(AccountError::CustomerNotFound) => Ok((None, vec![not_found(path("id"))])),
        Err(AccountError::VersionConflict { expected, current }) => {
            let message = format!(
                "Object {} has a different version than expected. Expected: {expected} - Actual: {}.",
                gid("Customer", current.id),
                current.version
            );
            Ok((
                Some(Customer(*current)),
                vec![UserError {
                    field: Some(vec!["expectedVersion".to_owned()]),
                    message,
                    code: Some(UserErrorCode::ConcurrentModification),
                }],
            ))
        }
        Err(other) => Err(internal_error(ctx, &other)),
    }
}

fn not_found(field: Option<Vec<String>>) -> UserError {
    UserError {
        field,
        message: "Customer does not exist".to_owned(),
        code: Some(UserErrorCode::NotFound),
    }
}

/// The customer's id from an argument, or the user error of an unknown one.
fn customer_id(id: &ID, field: &[&str]) -> std::result::Result<i64, UserError> {
    parse_gid(id, "Customer")
        .ok_or_else(|| not_found(Some(field.iter().map(|f| (*f).to_owned()).collect())))
}

/// Information that describes when a customer consented to receiving marketing material by email.
#[derive(InputObject)]
pub struct CustomerEmailMarketingConsentInput {
    /// The current marketing state associated with the customer's email. If the customer doesn't have an email, then this field is `null`.
    pub marketing_state: CustomerEmailMarketingState,
}

/// The input fields and values to use when creating or updating a customer.
#[derive(InputObject)]
pub struct CustomerInput {
    /// The customer's email.
    pub email: Option<String>,
    /// Information that describes when the customer consented to receiving marketing material by email. The `email` field is required when creating a customer with email marketing consent information.
    pub email_marketing_consent: Option<CustomerEmailMarketingConsentInput>,
    /// The customer's first name.
    pub first_name: MaybeUndefined<String>,
    /// The ID of the customer to update.
    pub id: Option<ID>,
    /// The customer's last name.
    pub last_name: MaybeUndefined<String>,
    /// A note about the customer.
    pub note: MaybeUndefined<String>,
    /// The unique phone number ([E.164 format](https://en.wikipedia.org/wiki/E.164)) for this customer. Attempting to assign the same phone number to multiple customers returns an error.
    pub phone: MaybeUndefined<String>,
    /// A list of tags to associate with the customer. Can be an array or a comma-separated list. Example values: `["tag1", "tag2", "tag3"]`, `"tag1, tag2, tag3"`. Updating `tags` overwrites any existing tags that were previously added to the customer. To add new tags without overwriting existing tags, use the `tagsAdd` mutation.
    pub tags: Option<Vec<String>>,
}

fn optional(value: MaybeUndefined<String>) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(value)),
    }
}

impl From<CustomerInput> for CustomerChanges {
    fn from(input: CustomerInput) -> Self {
        CustomerChanges {
            email: input.email,
            first_name: optional(input.first_name),
            last_name: optional(input.last_name),
            phone: optional(input.phone),
            note: optional(input.note),
            tags: input.tags,
            accepts_marketing: input
                .email_marketing_consent
                .map(|consent| consent.marketing_state == CustomerEmailMarketingState::Subscribed),
        }
    }
}

/// Specifies the customer to delete.
#[derive(InputObject)]
pub struct CustomerDeleteInput {
    /// The ID of the customer to delete.
    pub id: ID,
}

/// Return type for `customerCreate` mutation.
#[derive(SimpleObject)]
pub struct CustomerCreatePayload {
    /// The created customer.
    pub customer: Option<Customer>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerUpdate` mutation.
#[derive(SimpleObject)]
pub struct CustomerUpdatePayload {
    /// The updated customer; after a `CONCURRENT_MODIFICATION`, the customer as it is now.
    pub customer: Option<Customer>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerDelete` mutation.
#[derive(SimpleObject)]
pub struct CustomerDeletePayload {
    /// The ID of the deleted customer.
    pub deleted_customer_id: Option<ID>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerRevokeAccessTokens` mutation. An extension of this server.
#[derive(SimpleObject)]
pub struct CustomerRevokeAccessTokensPayload {
    /// The customer whose sessions ended.
    pub customer_id: Option<ID>,
    /// How many customer access tokens were revoked.
    pub revoked_count: i32,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// An object with an ID field to support global identification, in accordance with the Relay specification. This interface is used by the node and nodes queries.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "A globally-unique ID."))]
pub enum Node {
    Customer(Customer),
}

/// Return type for `tagsAdd` mutation.
#[derive(SimpleObject)]
pub struct TagsAddPayload {
    /// The object that was updated.
    pub node: Option<Node>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `tagsRemove` mutation.
#[derive(SimpleObject)]
pub struct TagsRemovePayload {
    /// The object that was updated.
    pub node: Option<Node>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

fn expected(version: Option<UnsignedInt64>) -> Option<i64> {
    version.map(|v| i64::try_from(v.0).unwrap_or(i64::MAX))
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// Create a new customer. As of API version 2022-10, apps using protected customer data must meet the protected customer data requirements.
    async fn customer_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The input fields to create a customer.")] input: CustomerInput,
    ) -> Result<CustomerCreatePayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerCreate")?;
        let result = shop
            .back_office()
            .create_customer(actor, input.into())
            .await;
        let (customer, user_errors) = outcome(ctx, result, &[])?;
        Ok(CustomerCreatePayload {
            customer,
            user_errors,
        })
    }

    /// Update a customer's attributes. `expectedVersion` (an extension of this server) applies the change only while the customer is at that version.
    async fn customer_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Provides updated fields for the customer. To set marketing consent, use the `customerEmailMarketingConsentUpdate` or `customerSmsMarketingConsentUpdate` mutations instead."
        )]
        input: CustomerInput,
        #[graphql(
            desc = "Change the customer only if its `version` is still this one; otherwise nothing is written and the answer is a `CONCURRENT_MODIFICATION` user error with the current customer. An extension of this server."
        )]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<CustomerUpdatePayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerUpdate")?;
        let id = match input.id.as_ref().map(|id| customer_id(id, &["id"])) {
            Some(Ok(id)) => id,
            Some(Err(error)) => {
                return Ok(CustomerUpdatePayload {
                    customer: None,
                    user_errors: vec![error],
                });
            }
            None => {
                return Ok(CustomerUpdatePayload {
                    customer: None,
                    user_errors: vec![UserError {
                        field: Some(vec!["id".to_owned()]),
                        message: "Customer id is required".to_owned(),
                        code: Some(UserErrorCode::Blank),
                    }],
                });
            }
        };
        let result = shop
            .back_office()
            .update_customer(actor, id, input.into(), expected(expected_version))
            .await;
        let (customer, user_errors) = outcome(ctx, result, &[])?;
        Ok(CustomerUpdatePayload {
            customer,
            user_errors,
        })
    }

    /// Delete a customer. Their personal data is erased; their orders stay, without it.
    async fn customer_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Specifies the customer to delete.")] input: CustomerDeleteInput,
        #[graphql(
            desc = "Delete the customer only if its `version` is still this one. An extension of this server."
        )]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<CustomerDeletePayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerDelete")?;
        let id = match customer_id(&input.id, &["id"]) {
            Ok(id) => id,
            Err(error) => {
                return Ok(CustomerDeletePayload {
                    deleted_customer_id: None,
                    user_errors: vec![error],
                });
            }
        };
        let result = shop
            .back_office()
            .delete_customer(actor, id, expected(expected_version))
            .await;
        match result {
            Ok(()) => Ok(CustomerDeletePayload {
                deleted_customer_id: Some(input.id),
                user_errors: Vec::new(),
            }),
            Err(err) => {
                let (_, user_errors) = outcome(ctx, Err(err), &[])?;
                Ok(CustomerDeletePayload {
                    deleted_customer_id: None,
                    user_errors,
                })
            }
        }
    }

    /// Adds tags to a customer. Tags that it has already are left as they are.
    async fn tags_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of a resource to add tags to.")] id: ID,
        #[graphql(
            desc = "A list of tags to add to the resource. Can be an array of strings or a single string composed of a comma-separated list of values. Example values: `\"tag1\"`, `\"tag1, tag2, tag3\"`."
        )]
        tags: Vec<String>,
        #[graphql(
            desc = "Change the customer only if its `version` is still this one. An extension of this server."
        )]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<TagsAddPayload> {
        let (node, user_errors) =
            change_tags(ctx, &id, &tags, true, expected(expected_version)).await?;
        Ok(TagsAddPayload { node, user_errors })
    }

    /// Removes tags from a customer.
    async fn tags_remove(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the resource to remove tags from.")] id: ID,
        #[graphql(
            desc = "A list of tags to remove from the resource in the form of an array of strings. Example value: `[\"tag1\", \"tag2\", \"tag3\"]`."
        )]
        tags: Vec<String>,
        #[graphql(
            desc = "Change the customer only if its `version` is still this one. An extension of this server."
        )]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<TagsRemovePayload> {
        let (node, user_errors) =
            change_tags(ctx, &id, &tags, false, expected(expected_version)).await?;
        Ok(TagsRemovePayload { node, user_errors })
    }

    /// Logs the customer out everywhere: every customer access token of theirs stops working at once. An extension of this server.
    async fn customer_revoke_access_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer.")] customer_id: ID,
    ) -> Result<CustomerRevokeAccessTokensPayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerRevokeAccessTokens")?;
        let id = match self::customer_id(&customer_id, &["customerId"]) {
            Ok(id) => id,
            Err(error) => {
                return Ok(CustomerRevokeAccessTokensPayload {
                    customer_id: None,
                    revoked_count: 0,
                    user_errors: vec![error],
                });
            }
        };
        match shop.back_office().revoke_access_tokens(actor, id).await {
            Ok(count) => Ok(CustomerRevokeAccessTokensPayload {
                customer_id: Some(customer_id),
                revoked_count: i32::try_from(count).unwrap_or(i32::MAX),
                user_errors: Vec::new(),
            }),
            Err(AccountError::CustomerNotFound) => Ok(CustomerRevokeAccessTokensPayload {
                customer_id: None,
                revoked_count: 0,
                user_errors: vec![not_found(Some(vec!["customerId".to_owned()]))],
            }),
            Err(err) => Err(internal_error(ctx, &err)),
        }
    }
}

async fn change_tags(
    ctx: &Context<'_>,
    id: &ID,
    tags: &[String],
    add: bool,
    expected_version: Option<i64>,
) -> Result<(Option<Node>, Vec<UserError>)> {
    let field = if add { "tagsAdd" } else { "tagsRemove" };
    let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, field)?;
    let id = match customer_id(id, &["id"]) {
        Ok(id) => id,
        Err(error) => return Ok((None, vec![error])),
    };
    let result = shop
        .back_office()
        .change_tags(actor, id, tags, add, expected_version)
        .await;
    let (customer, errors) = outcome(ctx, result, &[])?;
    Ok((customer.map(Node::Customer), errors))
}
