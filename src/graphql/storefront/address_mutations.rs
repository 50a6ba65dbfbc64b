//! The address book mutations: `customerAddressCreate`, `customerAddressUpdate`,
//! `customerAddressDelete` and `customerDefaultAddressUpdate`.
//! A bad customer token is Shopify's top-level ACCESS_DENIED; input problems are user errors.

use async_graphql::{Context, ID, Object, Result};

use super::access::{self, Scope};
use super::address::MailingAddress;
use super::customer::Customer;
use super::errors::UserErrors;
use super::payloads::{
    CustomerAddressCreatePayload, CustomerAddressDeletePayload, CustomerAddressUpdatePayload,
    CustomerDefaultAddressUpdatePayload, MailingAddressInput,
};
use crate::accounts::AccountError;
use crate::domain::problem::{ErrorCode, Problem};

#[derive(Default)]
pub struct AddressMutation;

/// How a failed use case answers: problems as user errors (with the argument's path), a bad
/// token as ACCESS_DENIED, anything else as an internal error.
pub(super) fn user_errors(
    ctx: &Context<'_>,
    field: &str,
    argument: &str,
    err: AccountError,
) -> Result<UserErrors> {
    match err {
        AccountError::Invalid(problems) => Ok(UserErrors::from_problems(argument, problems)),
        AccountError::AddressNotFound { argument } => Ok(UserErrors::from_problems(
            "",
            vec![Problem::new(
                argument,
                ErrorCode::NotFound,
                "Address does not exist",
            )],
        )),
        AccountError::TokenNotFound | AccountError::UnidentifiedCustomer => {
            Err(access::access_denied(field, Scope::WriteCustomers, true))
        }
        other => Err(access::internal(ctx, other)),
    }
}

#[Object]
impl AddressMutation {
    /// Creates a new MailingAddress for a Customer. Use the customer's access token to identify them. Successful creation returns the new address. Each customer can have multiple addresses.
    async fn customer_address_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer mailing address to create.")] address: MailingAddressInput,
        #[graphql(desc = "The access token used to identify the customer.")] customer_access_token: String,
    ) -> Result<Option<CustomerAddressCreatePayload>> {
        const FIELD: &str = "customerAddressCreate";
        let accounts = access::storefront(ctx, FIELD, Scope::WriteCustomers)?;
        let (address, errors) = match accounts
            .address_book()
            .add_address(&customer_access_token, address.into())
            .await
        {
            Ok(record) => (Some(MailingAddress(record)), UserErrors::default()),
            Err(err) => (None, user_errors(ctx, FIELD, "address", err)?),
        };
        Ok(Some(CustomerAddressCreatePayload {
            customer_address: address,
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }))
    }

    /// Permanently deletes a specific MailingAddress for a Customer. Requires a valid customer access token to authenticate the request.
    async fn customer_address_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The access token used to identify the customer.")] customer_access_token: String,
        #[graphql(desc = "Specifies the address to delete.")] id: ID,
    ) -> Result<Option<CustomerAddressDeletePayload>> {
        const FIELD: &str = "customerAddressDelete";
        let accounts = access::storefront(ctx, FIELD, Scope::WriteCustomers)?;
        let (deleted, errors) = match accounts
            .address_book()
            .delete_address(&customer_access_token, &id)
            .await
        {
            Ok(deleted) => (
                Some(MailingAddress::global_id(deleted)),
                UserErrors::default(),
            ),
            Err(err) => (None, user_errors(ctx, FIELD, "", err)?),
        };
        Ok(Some(CustomerAddressDeletePayload {
            customer_user_errors: errors.customer_user_errors,
            deleted_customer_address_id: deleted,
            user_errors: errors.user_errors,
        }))
    }

    /// Updates an existing MailingAddress for a Customer. Requires a customer access token to identify the customer, an ID to specify which address to modify, and an address with the updated fields.
    async fn customer_address_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer’s mailing address.")] address: MailingAddressInput,
        #[graphql(desc = "The access token used to identify the customer.")] customer_access_token: String,
        #[graphql(desc = "Specifies the customer address to update.")] id: ID,
    ) -> Result<Option<CustomerAddressUpdatePayload>> {
        const FIELD: &str = "customerAddressUpdate";
        let accounts = access::storefront(ctx, FIELD, Scope::WriteCustomers)?;
        let (address, errors) = match accounts
            .address_book()
            .update_address(&customer_access_token, &id, address.into())
            .await
        {
            Ok(record) => (Some(MailingAddress(record)), UserErrors::default()),
            Err(err) => (None, user_errors(ctx, FIELD, "address", err)?),
        };
        Ok(Some(CustomerAddressUpdatePayload {
            customer_address: address,
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }))
    }

    /// Updates the default address of an existing Customer. Requires a customer access token to identify the customer and an address ID to specify which address to set as the new default.
    async fn customer_default_address_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ID of the address to set as the new default for the customer.")]
        address_id: ID,
        #[graphql(desc = "The access token used to identify the customer.")] customer_access_token: String,
    ) -> Result<Option<CustomerDefaultAddressUpdatePayload>> {
        const FIELD: &str = "customerDefaultAddressUpdate";
        let accounts = access::storefront(ctx, FIELD, Scope::WriteCustomers)?;
        let (customer, errors) = match accounts
            .address_book()
            .set_default_address(&customer_access_token, &address_id)
            .await
        {
            Ok(customer) => (Some(Customer(customer)), UserErrors::default()),
            Err(err) => (None, user_errors(ctx, FIELD, "", err)?),
        };
        Ok(Some(CustomerDefaultAddressUpdatePayload {
            customer,
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }))
    }
}
