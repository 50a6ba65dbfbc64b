//! `Mutation`: the access-token mutations, merged with sign-up's, the profile's, the address
//! book's and the account lifecycle's.

use async_graphql::{Context, MergedObject, Object, Result};

use super::access::{self, Scope};
use super::address_mutations::AddressMutation;
use super::errors::{UserError, UserErrors};
use super::lifecycle_mutations::LifecycleMutation;
use super::metafield_mutations::MetafieldMutation;
use super::payloads::{
    CustomerAccessTokenCreateInput, CustomerAccessTokenCreatePayload,
    CustomerAccessTokenDeletePayload, CustomerAccessTokenRenewPayload,
};
use super::profile_mutations::ProfileMutation;
use super::sign_up_mutation::SignUpMutation;
use crate::accounts::AccountError;

/// The schema’s entry-point for mutations.
#[derive(MergedObject, Default)]
pub struct Mutation(
    SessionMutation,
    SignUpMutation,
    ProfileMutation,
    AddressMutation,
    LifecycleMutation,
    MetafieldMutation,
);
use crate::domain::ids::gid;
use crate::domain::problem::ErrorCode;

#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// For legacy customer accounts only. Creates a CustomerAccessToken using the customer's email and password. The access token is required to read or modify the Customer object, such as updating account information or managing addresses.
    async fn customer_access_token_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields used to create a customer access token.")]
        input: CustomerAccessTokenCreateInput,
    ) -> Result<Option<CustomerAccessTokenCreatePayload>> {
        let accounts = access::storefront(ctx, "customerAccessTokenCreate", Scope::WriteCustomers)?;
        let client_ip = ctx
            .data_opt::<super::RequestContext>()
            .and_then(|r| r.client_ip);
        match accounts
            .sessions()
            .sign_in(&input.email, &input.password, client_ip)
            .await
        {
            Ok(issued) => {
                crate::metrics::login("ok");
                Ok(Some(CustomerAccessTokenCreatePayload::new(
                    Some(issued.into()),
                    UserErrors::default(),
                )))
            }
            Err(AccountError::UnidentifiedCustomer) => {
                crate::metrics::login("failed");
                Ok(Some(CustomerAccessTokenCreatePayload::new(
                    None,
                    UserErrors::general(ErrorCode::UnidentifiedCustomer, "Unidentified customer"),
                )))
            }
            Err(AccountError::Throttled {
                retry_after_seconds,
            }) => {
                crate::metrics::login("throttled");
                Err(super::lifecycle_mutations::throttled(retry_after_seconds))
            }
            Err(other) => Err(access::internal(ctx, other)),
        }
    }

    /// Permanently destroys a CustomerAccessToken. Use this mutation when a customer explicitly signs out or when you need to revoke the token. Use customerAccessTokenCreate to generate a new token with the customer's credentials.
    async fn customer_access_token_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The access token used to identify the customer.")]
        customer_access_token: String,
    ) -> Result<Option<CustomerAccessTokenDeletePayload>> {
        const FIELD: &str = "customerAccessTokenDelete";
        let accounts = access::storefront(ctx, FIELD, Scope::WriteCustomers)?;
        match accounts
            .sessions()
            .delete_token(&customer_access_token)
            .await
        {
            Ok(deleted) => Ok(Some(CustomerAccessTokenDeletePayload {
                deleted_access_token: Some(deleted.token),
                deleted_customer_access_token_id: Some(gid(
                    "CustomerAccessToken",
                    deleted.token_id,
                )),
                user_errors: Vec::new(),
            })),
            Err(AccountError::TokenNotFound) => {
                Err(access::access_denied(FIELD, Scope::WriteCustomers, true))
            }
            Err(other) => Err(access::internal(ctx, other)),
        }
    }

    /// Extends the validity of a CustomerAccessToken before it expires. The renewed token maintains authenticated access to customer operations. Renewal must happen before the token's expiresAt time.
    async fn customer_access_token_renew(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The access token used to identify the customer.")]
        customer_access_token: String,
    ) -> Result<Option<CustomerAccessTokenRenewPayload>> {
        let accounts = access::storefront(ctx, "customerAccessTokenRenew", Scope::WriteCustomers)?;
        match accounts
            .sessions()
            .renew_token(&customer_access_token)
            .await
        {
            Ok(issued) => Ok(Some(CustomerAccessTokenRenewPayload {
                customer_access_token: Some(issued.into()),
                user_errors: Vec::new(),
            })),
            Err(AccountError::TokenNotFound) => Ok(Some(CustomerAccessTokenRenewPayload {
                customer_access_token: None,
                user_errors: vec![UserError {
                    field: Some(vec!["customerAccessToken".to_owned()]),
                    message: "access token does not exist".to_owned(),
                }],
            })),
            Err(other) => Err(access::internal(ctx, other)),
        }
    }
}
