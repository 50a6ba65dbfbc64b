//! `customerUpdate`: the customer changes their own profile or password.

use async_graphql::{Context, Object, Result};

use super::access::{self, Scope};
use super::address_mutations::user_errors;
use super::customer::Customer;
use super::payloads::{CustomerUpdateInput, CustomerUpdatePayload};

#[derive(Default)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    /// Updates a customer's personal information such as name, password, and marketing preferences. Requires a valid CustomerAccessToken to authenticate the customer making the update.
    async fn customer_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer object input.")] customer: CustomerUpdateInput,
        #[graphql(desc = "The access token used to identify the customer.")] customer_access_token: String,
    ) -> Result<Option<CustomerUpdatePayload>> {
        const FIELD: &str = "customerUpdate";
        let accounts = access::storefront(ctx, FIELD, Scope::WriteCustomers)?;
        match accounts
            .profiles()
            .update_profile(&customer_access_token, customer.into())
            .await
        {
            Ok(updated) => Ok(Some(CustomerUpdatePayload {
                customer: Some(Customer(updated.customer)),
                customer_access_token: updated.new_token.map(Into::into),
                customer_user_errors: Vec::new(),
                user_errors: Vec::new(),
            })),
            Err(err) => {
                let errors = user_errors(ctx, FIELD, "customer", err)?;
                Ok(Some(CustomerUpdatePayload {
                    customer: None,
                    customer_access_token: None,
                    customer_user_errors: errors.customer_user_errors,
                    user_errors: errors.user_errors,
                }))
            }
        }
    }
}
