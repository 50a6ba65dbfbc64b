//! The admin API's address mutations: the storefront's address book use cases, with the
//! customer named by id instead of by an access token.

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use super::context::shop_for;
use super::customer::Customer;
use super::user_errors::{UserError, customer_id, expected, failure};
use crate::accounts::{AccountError, Actor, Owner};
use crate::domain::admin_token::Scope;
use crate::graphql::storefront::address::MailingAddress;
use crate::graphql::storefront::payloads::MailingAddressInput;
use crate::graphql::storefront::scalars::UnsignedInt64;

/// Return type for `customerAddressCreate` mutation.
#[derive(SimpleObject)]
pub struct CustomerAddressCreatePayload {
    /// The created address.
    pub address: Option<MailingAddress>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerAddressUpdate` mutation.
#[derive(SimpleObject)]
pub struct CustomerAddressUpdatePayload {
    /// The updated address.
    pub address: Option<MailingAddress>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerAddressDelete` mutation.
#[derive(SimpleObject)]
pub struct CustomerAddressDeletePayload {
    /// The ID of the address deleted from the customer.
    pub deleted_address_id: Option<ID>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerUpdateDefaultAddress` mutation.
#[derive(SimpleObject)]
pub struct CustomerUpdateDefaultAddressPayload {
    /// The customer whose address was updated.
    pub customer: Option<Customer>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// The customer an address mutation works on, and who acts; or the user error of an unknown id.
fn owner<'a>(
    actor: Actor,
    id: &ID,
    expected_version: Option<UnsignedInt64>,
) -> std::result::Result<Owner<'a>, UserError> {
    Ok(Owner::Admin {
        actor,
        customer_id: customer_id(id, &["customerId"])?,
        expected_version: expected(expected_version),
    })
}

/// A failure's user errors, an address field's under `address` (Shopify's path).
fn errors(ctx: &Context<'_>, err: AccountError) -> Result<Vec<UserError>> {
    let (_, mut errors) = failure(ctx, err, "customerId")?;
    for error in &mut errors {
        if let Some(field) = &mut error.field
            && !matches!(
                field.first().map(String::as_str),
                Some("customerId" | "addressId" | "expectedVersion")
            )
        {
            field.insert(0, "address".to_owned());
        }
    }
    Ok(errors)
}

#[derive(Default)]
pub struct AddressMutation;

#[Object]
impl AddressMutation {
    /// Creates a new address for a customer.
    async fn customer_address_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer.")] customer_id: ID,
        #[graphql(desc = "Specifies the fields to use when creating the address.")]
        address: MailingAddressInput,
        #[graphql(desc = "Whether to set the address as the customer's default address.")]
        set_as_default: Option<bool>,
        #[graphql(
            desc = "Change the customer only if its `version` is still this one. An extension of this server."
        )]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<CustomerAddressCreatePayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerAddressCreate")?;
        let owner = match owner(actor, &customer_id, expected_version) {
            Ok(owner) => owner,
            Err(error) => {
                return Ok(CustomerAddressCreatePayload {
                    address: None,
                    user_errors: vec![error],
                });
            }
        };
        let result = shop
            .address_book()
            .add_address_as(owner, address.into(), set_as_default.unwrap_or(false))
            .await;
        Ok(match result {
            Ok(record) => CustomerAddressCreatePayload {
                address: Some(MailingAddress(record)),
                user_errors: Vec::new(),
            },
            Err(err) => CustomerAddressCreatePayload {
                address: None,
                user_errors: errors(ctx, err)?,
            },
        })
    }

    /// Updates a customer's address.
    async fn customer_address_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer whose address is being updated.")] customer_id: ID,
        #[graphql(desc = "The ID of the address to update.")] address_id: ID,
        #[graphql(desc = "Specifies the fields to use when updating the address.")]
        address: MailingAddressInput,
        #[graphql(desc = "Whether to set the address as the customer's default address.")]
        set_as_default: Option<bool>,
        #[graphql(
            desc = "Change the customer only if its `version` is still this one. An extension of this server."
        )]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<CustomerAddressUpdatePayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerAddressUpdate")?;
        let owner = match owner(actor, &customer_id, expected_version) {
            Ok(owner) => owner,
            Err(error) => {
                return Ok(CustomerAddressUpdatePayload {
                    address: None,
                    user_errors: vec![error],
                });
            }
        };
        let result = shop
            .address_book()
            .update_address_as(
                owner,
                &address_id,
                address.into(),
                set_as_default.unwrap_or(false),
            )
            .await;
        Ok(match result {
            Ok(record) => CustomerAddressUpdatePayload {
                address: Some(MailingAddress(record)),
                user_errors: Vec::new(),
            },
            Err(err) => CustomerAddressUpdatePayload {
                address: None,
                user_errors: errors(ctx, err)?,
            },
        })
    }

    /// Deletes a customer's address. When it was the default, the oldest remaining address becomes the default.
    async fn customer_address_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer whose address is being deleted.")] customer_id: ID,
        #[graphql(desc = "The ID of the address to be deleted from the customer.")] address_id: ID,
        #[graphql(
            desc = "Change the customer only if its `version` is still this one. An extension of this server."
        )]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<CustomerAddressDeletePayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerAddressDelete")?;
        let owner = match owner(actor, &customer_id, expected_version) {
            Ok(owner) => owner,
            Err(error) => {
                return Ok(CustomerAddressDeletePayload {
                    deleted_address_id: None,
                    user_errors: vec![error],
                });
            }
        };
        Ok(
            match shop
                .address_book()
                .delete_address_as(owner, &address_id)
                .await
            {
                Ok(_) => CustomerAddressDeletePayload {
                    deleted_address_id: Some(address_id),
                    user_errors: Vec::new(),
                },
                Err(err) => CustomerAddressDeletePayload {
                    deleted_address_id: None,
                    user_errors: errors(ctx, err)?,
                },
            },
        )
    }

    /// Updates a customer's default address.
    async fn customer_update_default_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer whose default address is being updated.")]
        customer_id: ID,
        #[graphql(desc = "The ID of the customer's new default address.")] address_id: ID,
        #[graphql(
            desc = "Change the customer only if its `version` is still this one. An extension of this server."
        )]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<CustomerUpdateDefaultAddressPayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerUpdateDefaultAddress")?;
        let owner = match owner(actor, &customer_id, expected_version) {
            Ok(owner) => owner,
            Err(error) => {
                return Ok(CustomerUpdateDefaultAddressPayload {
                    customer: None,
                    user_errors: vec![error],
                });
            }
        };
        let result = shop
            .address_book()
            .set_default_address_as(owner, &address_id)
            .await;
        Ok(match result {
            Ok(customer) => CustomerUpdateDefaultAddressPayload {
                customer: Some(Customer(customer)),
                user_errors: Vec::new(),
            },
            Err(err) => {
                let (customer, user_errors) = failure(ctx, err, "customerId")?;
                CustomerUpdateDefaultAddressPayload {
                    customer,
                    user_errors,
                }
            }
        })
    }
}
