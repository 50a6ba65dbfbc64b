//! The admin API's customer mutations: create, update, delete, tags, and logging a customer out
//! everywhere. Each calls one use case of the back office in the token's shop.

use async_graphql::{
    Context, ID, InputObject, Interface, MaybeUndefined, Object, Result, SimpleObject,
};

use super::context::shop_for;
use super::customer::{Customer, CustomerEmailMarketingState, internal_error};
use super::metafield::MetafieldInput;
use super::user_errors::{UserError, UserErrorCode, customer_id, expected, not_found, outcome};
use crate::accounts::{AccountError, CustomerChanges, SetIdentifier};
use crate::domain::admin_token::Scope;
use crate::graphql::storefront::scalars::UnsignedInt64;

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
    /// Whether the customer's email address is proven: `true` records the shop's word for it (orders placed as a guest with the address then join the account), `false` withdraws any proof. An email change withdraws it too, unless this says `true`. An extension of this server.
    pub verified_email: Option<bool>,
    /// A list of tags to associate with the customer. Can be an array or a comma-separated list. Example values: `["tag1", "tag2", "tag3"]`, `"tag1, tag2, tag3"`. Updating `tags` overwrites any existing tags that were previously added to the customer. To add new tags without overwriting existing tags, use the `tagsAdd` mutation.
    pub tags: Option<Vec<String>>,
    /// The metafields to associate with the customer, set with the change (all or none).
    pub metafields: Option<Vec<MetafieldInput>>,
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
            verified_email: input.verified_email,
            metafields: input
                .metafields
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.item(0))
                .collect(),
        }
    }
}

/// The input fields and values for creating or updating a customer with `customerSet`.
#[derive(InputObject)]
pub struct CustomerSetInput {
    /// The customer's email.
    pub email: Option<String>,
    /// The customer's first name.
    pub first_name: MaybeUndefined<String>,
    /// The customer's last name.
    pub last_name: MaybeUndefined<String>,
    /// A note about the customer.
    pub note: MaybeUndefined<String>,
    /// The customer's phone number in E.164 format.
    pub phone: MaybeUndefined<String>,
    /// The whole list of the customer's tags (replacing the one it has).
    pub tags: Option<Vec<String>>,
    /// The metafields to set with the customer (all or none).
    pub metafields: Option<Vec<MetafieldInput>>,
}

impl From<CustomerSetInput> for CustomerChanges {
    fn from(input: CustomerSetInput) -> Self {
        CustomerChanges {
            email: input.email,
            first_name: optional(input.first_name),
            last_name: optional(input.last_name),
            phone: optional(input.phone),
            note: optional(input.note),
            tags: input.tags,
            accepts_marketing: None,
            verified_email: None,
            metafields: input
                .metafields
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.item(0))
                .collect(),
        }
    }
}

/// Specifies the identifier that's used for the upsert: the customer it names is updated, and without one a customer is created.
#[derive(InputObject)]
pub struct CustomerSetIdentifiers {
    /// Email address of the customer to upsert.
    pub email: Option<String>,
    /// ID of the customer to update.
    pub id: Option<ID>,
    /// Phone number of the customer to upsert.
    pub phone: Option<String>,
}

/// Return type for `customerSet` mutation.
#[derive(SimpleObject)]
pub struct CustomerSetPayload {
    /// The created or updated customer.
    pub customer: Option<Customer>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
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

#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
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
        let (customer, user_errors) = outcome(ctx, result, "id")?;
        Ok(CustomerCreatePayload {
            customer,
            user_errors,
        })
    }

    /// Creates or updates a customer in one mutation: the customer the identifier names is updated, and a new one is created when none has it (or without an identifier). Running the same `customerSet` again changes nothing but the version.
    async fn customer_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Specifies the identifier that will be used to lookup the resource.")]
        identifier: Option<CustomerSetIdentifiers>,
        #[graphql(desc = "The properties of the customer.")] input: CustomerSetInput,
    ) -> Result<CustomerSetPayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerSet")?;
        let identifier = match identifier.map(|i| (i.id, i.email, i.phone)) {
            None | Some((None, None, None)) => None,
            Some((Some(id), None, None)) => match customer_id(&id, &["identifier", "id"]) {
                Ok(id) => Some(SetIdentifier::Id(id)),
                Err(error) => {
                    return Ok(CustomerSetPayload {
                        customer: None,
                        user_errors: vec![error],
                    });
                }
            },
            Some((None, Some(email), None)) => Some(SetIdentifier::Email(email)),
            Some((None, None, Some(phone))) => Some(SetIdentifier::Phone(phone)),
            Some(_) => {
                return Ok(CustomerSetPayload {
                    customer: None,
                    user_errors: vec![UserError {
                        field: Some(vec!["identifier".to_owned()]),
                        message: "Exactly one of id, email or phone can be given".to_owned(),
                        code: Some(UserErrorCode::Invalid),
                    }],
                });
            }
        };
        let result = shop
            .back_office()
            .set_customer(actor, identifier, input.into())
            .await
            .map(|(customer, _)| customer);
        let (customer, user_errors) = outcome(ctx, result, "id")?;
        Ok(CustomerSetPayload {
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
        let (customer, user_errors) = outcome(ctx, result, "id")?;
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
                let (_, user_errors) = outcome(ctx, Err(err), "id")?;
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
    let (customer, errors) = outcome(ctx, result, "id")?;
    Ok((customer.map(Node::Customer), errors))
}
