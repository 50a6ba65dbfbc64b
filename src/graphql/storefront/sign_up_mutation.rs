//! `customerCreate`: signing up.

use async_graphql::{Context, Object, Result};

use super::access::{self, Scope};
use super::customer::Customer;
use super::errors::UserErrors;
use super::payloads::{CustomerCreateInput, CustomerCreatePayload};
use crate::accounts::{AccountError, SignUp};

#[derive(Default)]
pub struct SignUpMutation;

#[Object]
impl SignUpMutation {
    /// Creates a new Customer account with the provided contact information and login credentials. The customer can then sign in for things such as accessing their account, viewing order history, and managing saved addresses.
    async fn customer_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields used to create a new customer.")] input: CustomerCreateInput,
    ) -> Result<Option<CustomerCreatePayload>> {
        let accounts = access::storefront(ctx, "customerCreate", Scope::WriteCustomers)?;
        let sign_up = SignUp {
            email: input.email,
            password: input.password,
            first_name: input.first_name,
            last_name: input.last_name,
            phone: input.phone,
            accepts_marketing: input.accepts_marketing,
        };
        let client_ip = ctx
            .data_opt::<super::RequestContext>()
            .and_then(|r| r.client_ip);
        match accounts.sign_ups().sign_up(sign_up, client_ip).await {
            Ok(customer) => Ok(Some(CustomerCreatePayload::new(
                Some(Customer(customer)),
                UserErrors::default(),
            ))),
            Err(AccountError::Invalid(problems)) => Ok(Some(CustomerCreatePayload::new(
                None,
                UserErrors::from_problems("input", problems),
            ))),
            Err(AccountError::Throttled {
                retry_after_seconds,
            }) => {
                crate::metrics::throttled("signup");
                Err(super::lifecycle_mutations::throttled(retry_after_seconds))
            }
            Err(other) => Err(access::internal(ctx, other)),
        }
    }
}
